"""Assembly's mention edges: without offsets, edges with the same count share one read-only data dict."""
from __future__ import annotations

import copy
import pickle

import networkx as nx
import pytest

from graphkb.graph import assemble
from graphkb.graph.assemble import SharedEdgeData
from graphkb.model import Concept, Extraction, Mention, Post, Source

C = "https://w3id.org/graphkb/concept/"
CONCEPTS = {cid: Concept(id=cid, iri=C + cid, pref=(("en", cid),)) for cid in ("crf", "hmm", "gan")}
POSTS = [Post(title=f"第{i}篇", date=f"2020-01-0{i}", body="正文", sources=(Source(f"/blog/{i}.txt", 1),))
         for i in range(1, 5)]
# post i mentions: crf once; hmm twice (posts 2-4); gan three times (post 4 only)
MENTIONS = {
    1: [("crf", 1)],
    2: [("crf", 1), ("hmm", 2)],
    3: [("crf", 1), ("hmm", 2)],
    4: [("crf", 1), ("hmm", 2), ("gan", 3)],
}


def _extractions() -> dict[str, Extraction]:
    out = {}
    for i, found in MENTIONS.items():
        ms = [Mention(cid, 10 * k, 10 * k + 3, cid) for cid, n in found for k in range(n)]
        out[POSTS[i - 1].key] = Extraction.from_mentions(tuple(ms))
    return out


def _graph(offsets: bool) -> nx.DiGraph:
    return assemble(POSTS, _extractions(), (), CONCEPTS, (), offsets=offsets)


def _mentions(g: nx.DiGraph) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "mentions"]


def test_mention_edges_with_equal_counts_share_one_data_object():
    edges = _mentions(_graph(offsets=False))
    assert len(edges) == 8
    by_count: dict[int, set[int]] = {}
    for _, _, d in edges:
        by_count.setdefault(d["count"], set()).add(id(d))
    assert {n: len(ids) for n, ids in by_count.items()} == {1: 1, 2: 1, 3: 1}
    assert all(type(d) is SharedEdgeData for _, _, d in edges)


def test_shared_data_equals_the_per_edge_data_less_the_offsets():
    with_offsets = {(u, v): d for u, v, d in _mentions(_graph(offsets=True))}
    without = {(u, v): d for u, v, d in _mentions(_graph(offsets=False))}
    assert without.keys() == with_offsets.keys()
    for edge, d in with_offsets.items():
        assert type(d) is dict  # offsets make every edge's data its own
        assert without[edge] == {k: v for k, v in d.items() if k != "offsets"}
        assert len(d["offsets"]) == d["count"]


def test_both_directions_of_an_edge_hold_the_same_data():
    g = _graph(offsets=False)
    for u, v, d in _mentions(g):
        assert g._pred[v][u] is d


@pytest.mark.parametrize("change", [
    lambda d: d.__setitem__("count", 9),
    lambda d: d.__delitem__("kind"),
    lambda d: d.update(count=9),
    lambda d: d.setdefault("weight", 1),
    lambda d: d.pop("count"),
    lambda d: d.popitem(),
    lambda d: d.clear(),
    lambda d: d.__ior__({"count": 9}),
])
def test_shared_data_refuses_every_change(change):
    g = _graph(offsets=False)
    d = g.edges[next(iter(g.pred[C + "crf"])), C + "crf"]
    with pytest.raises(TypeError, match="shared"):
        change(d)
    assert sorted(sorted(d.items()) for _, _, d in _mentions(g)) == \
        [[("count", n), ("kind", "mentions")] for n in (1, 1, 1, 1, 2, 2, 2, 3)]


def test_a_copy_of_the_graph_has_plain_data_to_change():
    g = _graph(offsets=False)
    h = g.copy()
    u, v, _ = _mentions(h)[0]
    assert type(h.edges[u, v]) is dict
    h.edges[u, v]["count"] = 99
    assert g.edges[u, v]["count"] != 99
    assert [d["count"] for _, _, d in _mentions(h)].count(99) == 1


def test_shared_data_pickles_and_copies_with_its_sharing():
    g = _graph(offsets=False)
    h = pickle.loads(pickle.dumps(g))
    assert nx.utils.graphs_equal(g, h)
    ids = {d["count"]: set() for _, _, d in _mentions(h)}
    for _, _, d in _mentions(h):
        assert type(d) is SharedEdgeData
        ids[d["count"]].add(id(d))
    assert all(len(s) == 1 for s in ids.values())
    d = _mentions(g)[0][2]
    assert copy.copy(d) == d and copy.deepcopy(d) == d
    assert dict(d) == d and type(dict(d)) is dict


def test_spans_are_unpacked_only_for_offsets(monkeypatch):
    """Mentions travel packed (``model.PackedMentions``): counting them never unpacks the spans, which a
    build without --mention-detail does not keep; with offsets they come back as they were found."""
    import importlib

    from graphkb import model

    assembly = importlib.import_module("graphkb.graph.assemble")  # (the package's ``assemble`` is the function)

    unpacked: list[int] = []
    real = model.unpack_spans
    monkeypatch.setattr(assembly, "unpack_spans", lambda packed: unpacked.append(1) or real(packed))
    without = _graph(offsets=False)
    assert unpacked == [] and len(_mentions(without)) == 8
    with_offsets = _graph(offsets=True)
    assert len(unpacked) == len(POSTS)
    post4 = {v: d["offsets"] for u, v, d in _mentions(with_offsets) if u == _post_iri(with_offsets, 4)}
    assert post4[C + "gan"] == ((0, 3, "gan"), (10, 13, "gan"), (20, 23, "gan"))
    ex = _extractions()[POSTS[3].key]
    assert ex.mention_count == 6 and [cid for cid, _ in ex.concepts] == ["crf", "hmm", "gan"]
    assert pickle.loads(pickle.dumps(ex)) == ex


def _post_iri(g: nx.DiGraph, i: int) -> str:
    return next(n for n, a in g.nodes(data=True) if a.get("kind") == "post" and a.get("key") == POSTS[i - 1].key)
