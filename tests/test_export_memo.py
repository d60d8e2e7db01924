"""What exporters keep for the next build (export.memo): a rebuild copies the RDF blocks and reuses the
explorer's layout that did not change, and its files are still, byte for byte, a clean build's."""
from __future__ import annotations

import random
import shutil

import networkx as nx
import pytest

from graphkb import build as build_module
from graphkb.build import build
from graphkb.demo import CORPUS
from graphkb.export import html, turtle
from graphkb.graph import measures
from graphkb.runtime import can_fork

FILES = ("graph.ttl", "graph.nt", "graph.html")
FORMATS = ("turtle", "nt", "html")


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    shutil.copytree(CORPUS, src)
    return src


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 4 nodes on average, so that the demo graph has ~100 of them."""
    monkeypatch.setattr(turtle, "BLOCK_NODES", 4)


@pytest.fixture
def serialised(monkeypatch):
    """The nodes whose triples are made (not copied from the last file), in this process."""
    made: list[str] = []
    real = turtle.node_chunks

    def counting(g, nodes, shared):
        nodes = list(nodes)
        made.extend(nodes)
        return real(g, nodes, shared)

    monkeypatch.setattr(turtle, "node_chunks", counting)
    return made


def _files(out) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES if (out / name).exists()}


def _clean(src, tmp_path, **kw) -> dict[str, bytes]:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build([str(src)], str(clean), formats=FORMATS, cache=False, **kw)
    return _files(clean)


def _edit(src) -> None:
    post = src / "posts" / "8455.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n补充:这一段也用到了条件随机场。\n", encoding="utf-8")


def test_blocks_of_cuts_depend_on_the_nodes_around_them(monkeypatch):
    monkeypatch.setattr(turtle, "BLOCK_NODES", 4)
    nodes = sorted(f"https://example.org/post/{i:04d}" for i in range(400))
    blocks = turtle.blocks_of(nodes)
    assert blocks[0][0] == 0 and blocks[-1][1] == len(nodes)
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:]))  # contiguous, in order
    assert all(0 < e - s <= 16 for s, e in blocks)
    assert 50 < len(blocks) < 200  # ~4 nodes a block
    # a node added in the middle changes the block it falls in, and no other
    grown = sorted(nodes + ["https://example.org/post/0200a"])
    before = {tuple(nodes[s:e]) for s, e in blocks}
    after = {tuple(grown[s:e]) for s, e in turtle.blocks_of(grown)}
    assert len(before - after) == 1 and len(after - before) == 1


def test_rebuild_after_an_edit_copies_unchanged_blocks_and_writes_clean_bytes(corpus, tmp_path, small_blocks,
                                                                              serialised, monkeypatch):
    monkeypatch.setenv("GRAPHKB_WORKERS", "1")  # one process: every block is made or copied here
    out = tmp_path / "out"
    result = build([str(corpus)], str(out), formats=FORMATS)
    nodes = result.graph.number_of_nodes()
    assert len(serialised) == 2 * nodes  # Turtle and N-Triples: nothing to copy from yet
    _edit(corpus)
    serialised.clear()
    build([str(corpus)], str(out), formats=FORMATS)
    assert 0 < len(serialised) < 0.2 * 2 * nodes  # the blocks around the edited post and the concepts it names
    assert _files(out) == _clean(corpus, tmp_path)
    serialised.clear()
    build([str(corpus)], str(out), formats=FORMATS)  # nothing changed: every block copied
    assert serialised == []
    assert _files(out) == _clean(corpus, tmp_path)


@pytest.mark.skipif(not can_fork(), reason="needs the fork start method (Linux, macOS)")
@pytest.mark.parametrize("formats", [FORMATS, ("turtle",)])
def test_rebuild_with_two_processes_gives_clean_bytes(corpus, tmp_path, small_blocks, monkeypatch, formats):
    """With other formats, a rebuild's child writes the RDF (mostly copied) and this process the HTML; with
    Turtle alone both processes write Turtle blocks (SharedWrite), each copying what it can."""
    monkeypatch.setenv("GRAPHKB_WORKERS", "2")
    monkeypatch.setattr(build_module, "PARALLEL_EXPORT_MIN", 0)
    import graphkb.runtime as runtime

    forked: list[str] = []

    class Spy(runtime.Forked):
        def __init__(self, fn, *args):
            if fn.__name__ != "_write":  # (the cache's writer: tests/test_cache.py)
                forked.append(fn.__name__)
            super().__init__(fn, *args)

    monkeypatch.setattr(runtime, "Forked", Spy)
    out = tmp_path / "out"
    build([str(corpus)], str(out), formats=formats)
    _edit(corpus)
    build([str(corpus)], str(out), formats=formats)
    if len(formats) > 1:
        assert forked == ["_exports_then_help", "write_remembered"]
    else:
        assert forked == ["_exports_then_help", "_exports_then_help"]
    got = _files(out)
    assert set(got) == (set(FILES) if len(formats) > 1 else {"graph.ttl"})
    assert got == {name: data for name, data in _clean(corpus, tmp_path).items() if name in got}


def test_changed_previous_file_costs_a_miss_not_a_wrong_byte(corpus, tmp_path, small_blocks, serialised, monkeypatch):
    monkeypatch.setenv("GRAPHKB_WORKERS", "1")
    out = tmp_path / "out"
    build([str(corpus)], str(out), formats=FORMATS)
    ttl = out / "graph.ttl"
    data = bytearray(ttl.read_bytes())
    middle = data.index(b" .\n", len(data) // 2) - 2
    data[middle] ^= 0x01  # one flipped bit inside a block, same length: its offsets still look right
    ttl.write_bytes(bytes(data))
    (out / "graph.nt").write_bytes(b"")  # and a file that lost everything
    serialised.clear()
    build([str(corpus)], str(out), formats=FORMATS)
    assert 0 < len(serialised)
    assert _files(out) == _clean(corpus, tmp_path)


def test_memo_of_another_output_folder_is_not_trusted(corpus, tmp_path, small_blocks, monkeypatch):
    """Two outputs sharing one cache folder: each build's memo describes the other's files in turn."""
    monkeypatch.setenv("GRAPHKB_CACHE_DIR", str(tmp_path / "shared-cache"))
    other = tmp_path / "other"
    shutil.copytree(corpus, other)
    (other / "posts" / "8120.md").unlink()
    build([str(corpus)], str(tmp_path / "a"), formats=FORMATS)
    build([str(other)], str(tmp_path / "b"), formats=FORMATS)
    _edit(corpus)
    build([str(corpus)], str(tmp_path / "a"), formats=FORMATS)
    assert _files(tmp_path / "a") == _clean(corpus, tmp_path)


def test_mention_detail_switched_on_rewrites_every_post_block(corpus, tmp_path, small_blocks):
    out = tmp_path / "out"
    build([str(corpus)], str(out), formats=FORMATS)
    build([str(corpus)], str(out), formats=FORMATS, mention_detail=True)
    assert _files(out) == _clean(corpus, tmp_path, mention_detail=True)
    assert b"gkb:Mention" in (out / "graph.ttl").read_bytes() or b"ontology#Mention" in (out / "graph.ttl").read_bytes()


class _Memo:
    """An ExportMemo in memory."""

    def __init__(self):
        self.kept: dict = {}

    def load(self, name):
        return self.kept.get(name)

    def save(self, name, value):
        self.kept[name] = value


@pytest.fixture
def demo_graph(tmp_path_factory):
    return build([str(CORPUS)], str(tmp_path_factory.mktemp("demo")), formats=["turtle"], cache=False).graph


@pytest.fixture
def layouts(monkeypatch):
    calls: list[int] = []
    real = measures.layout

    def counting(g, nodes=None, **kw):
        calls.append(1)
        return real(g, nodes, **kw)

    monkeypatch.setattr(measures, "layout", counting)
    return calls


def test_explorer_layout_is_reused_for_the_same_drawn_graph(demo_graph, layouts):
    memo = _Memo()
    first = html.render(demo_graph, memo=memo)
    assert len(layouts) == 1 and "explorer-layout" in memo.kept
    assert html.render(demo_graph, memo=memo) == first == html.render(demo_graph)
    assert len(layouts) == 2  # the call without a memo
    # the same nodes and links in another order are the same drawn graph
    shown = sorted(demo_graph)
    among = measures.undirected(demo_graph, shown)
    pos, community = html._placed(demo_graph, shown, among, 0, memo)
    reversed_among = measures.undirected(demo_graph, shown[::-1])
    assert html._placed(demo_graph, shown[::-1], reversed_among, 0, memo) == (pos, community)
    assert len(layouts) == 2


def test_explorer_layout_is_made_again_when_a_drawn_link_changes(demo_graph, layouts):
    memo = _Memo()
    html.render(demo_graph, memo=memo)
    g = demo_graph.copy()
    u, v = next((u, v) for u, v, d in g.edges(data=True) if d["kind"] == "cites")
    g.remove_edge(u, v)
    assert html.render(g, memo=memo) == html.render(g)
    assert len(layouts) == 3
    memo.kept["explorer-layout"] = ("not", "a", "layout")  # a foreign or stale value is a miss
    assert html.render(g, memo=memo) == html.render(g)


def test_communities_do_not_depend_on_the_order_of_the_nodes(demo_graph):
    nodes = sorted(demo_graph)
    expected = measures.communities(demo_graph, nodes)
    rnd = random.Random(7)
    for _ in range(3):
        order = nodes[:]
        rnd.shuffle(order)
        assert measures.communities(demo_graph, order, among=measures.undirected(demo_graph, order)) == expected
    # and a graph whose links were added in another order
    g = nx.DiGraph()
    g.add_nodes_from(reversed(list(demo_graph.nodes(data=True))))
    g.add_edges_from(reversed(list(demo_graph.edges(data=True))))
    assert measures.communities(g, nodes) == expected


def test_changed_writer_code_reuses_nothing(corpus, tmp_path, small_blocks, serialised, layouts, monkeypatch):
    """What the memo holds was made by the code of its day: edit the RDF writer or the layout (a source
    file, with the same version number) and the next build makes everything again."""
    from graphkb.export import memo

    monkeypatch.setenv("GRAPHKB_WORKERS", "1")
    out = tmp_path / "out"
    result = build([str(corpus)], str(out), formats=FORMATS)
    real = memo.code_key
    monkeypatch.setattr(memo, "code_key", lambda *modules: b"edited" + real(*modules))
    serialised.clear()
    layouts.clear()
    build([str(corpus)], str(out), formats=FORMATS)
    assert len(serialised) == 2 * result.graph.number_of_nodes()
    assert len(layouts) == 1
    assert _files(out) == _clean(corpus, tmp_path)


def test_code_key_follows_the_source_files(tmp_path, monkeypatch):
    from graphkb.export.memo import code_key

    (tmp_path / "gkb_probe_mod.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = code_key.__wrapped__("gkb_probe_mod")
    assert code_key.__wrapped__("gkb_probe_mod") == before
    (tmp_path / "gkb_probe_mod.py").write_text("X = 2\n", encoding="utf-8")
    assert code_key.__wrapped__("gkb_probe_mod") != before
