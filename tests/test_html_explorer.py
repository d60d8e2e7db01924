"""The HTML explorer's page and the graph measures under it, without a browser (see test_browser.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from graphkb.export.html import explorer_data, render, safe_json, write_html
from graphkb.graph import measures
from graphkb.graph.assemble import assemble
from graphkb.model import Citation, CitationRef, Concept, Extraction, Mention, Post, Source
from graphkb.vocab import CONCEPT_IRI

TEMPLATES = Path(__file__).resolve().parent.parent / "graphkb" / "export" / "templates"

CRF = Concept(id="crf", iri=CONCEPT_IRI + "crf", pref=(("zh", "条件随机场"), ("en", "Conditional Random Field")),
              alt=(("en", "CRF"),), broader=("pgm",))
PGM = Concept(id="pgm", iri=CONCEPT_IRI + "pgm", pref=(("zh", "概率图模型"), ("en", "probabilistic graphical model")))
HMM = Concept(id="hmm", iri=CONCEPT_IRI + "hmm", pref=(("zh", "隐马尔可夫模型"),), alt=(("en", "HMM"),), broader=("pgm",))
CONCEPTS = {c.id: c for c in (CRF, PGM, HMM)}


def _post(title: str, date: str | None, body: str, line: int, url: str | None = None, readers: int | None = None) -> Post:
    return Post(title=title, date=date, body=body, sources=(Source("fixture.md", line),), url=url, readers=readers)


def _mentions(body: str, *surfaces: tuple[str, str]) -> tuple[Mention, ...]:
    out = []
    for cid, surface in surfaces:
        for m in re.finditer(re.escape(surface), body):
            out.append(Mention(cid, m.start(), m.end(), surface))
    return tuple(out)


def small_graph(extra_posts: tuple[Post, ...] = ()) -> nx.DiGraph:
    """Three invented posts on sequence labelling: CRF mentioned twice in one, HMM once; one cites another."""
    a = _post("序列标注小记：从HMM到CRF", "2019-03-02", "序列标注常用隐马尔可夫模型。后来条件随机场(CRF)更流行，CRF不假设独立。", 1,
              url="https://blog.example.org/archives/101", readers=1234)
    b = _post("条件随机场的梯度", "2020-07-15", "正如《序列标注小记：从HMM到CRF》所说，条件随机场可以直接求梯度。", 5)
    c = _post("周末随笔", "--05-01", "今天去爬山，没有公式。", 9)
    posts = [a, b, c, *extra_posts]
    ex = {a.key: Extraction.from_mentions(_mentions(a.body, ("hmm", "隐马尔可夫模型"), ("crf", "条件随机场"), ("crf", "CRF"))),
          b.key: Extraction.from_mentions(_mentions(b.body, ("crf", "条件随机场")))}
    ref = CitationRef("title", "序列标注小记：从HMM到CRF", 4, 19, b.body[:25])
    cites = [Citation(b.key, ref, "post", target=a.key, name=a.title),
             Citation(b.key, CitationRef("title", "一本书", 0, 5, "另见《一本书》。"), "book", name="一本书")]
    return assemble(posts, ex, cites, CONCEPTS, series=[(a.key, "序列标注系列", 1), (b.key, "序列标注系列", 2)])


def _blocks(html: str) -> dict[str, object]:
    return {m.group(1): json.loads(m.group(2))
            for m in re.finditer(r'<script type="application/json" id="([\w-]+)">(.*?)</script>', html, re.S)}


def _index(data: dict, iri: str) -> int:
    return [i["iri"] for i in data["info"]].index(iri)


# ---- the page ---------------------------------------------------------------------------------


def test_html_page_has_no_external_reference():
    html = render(small_graph())
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=""", html, re.I)
    for word in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "node_modules", "@import", "url(http"):
        assert word not in html.lower()


def test_html_page_forbids_network_in_its_csp():
    html = render(small_graph())
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    assert "default-src 'none'" in csp and "img-src data:" in csp and "connect-src" not in csp


def test_html_page_is_deterministic():
    assert render(small_graph()) == render(small_graph())


def test_html_write_html_writes_one_file(tmp_path):
    write_html(small_graph(), str(tmp_path / "graph.html"))
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


@pytest.mark.parametrize("text", ["</script><script>window.pwned=1</script>", "<!--", "a & b", "\u2028\u2029", "\ud800"])
def test_html_safe_json_cannot_break_out_of_a_script(text):
    out = safe_json({"t": text})
    assert not re.search("[<>&\u2028\u2029\ud800-\udfff]", out)
    assert json.loads(out) == {"t": text}


def test_html_hostile_title_stays_data():
    hostile = _post("</script><script>window.pwned=1</script>", "2021-01-01", "正文。", 20)
    html = render(small_graph((hostile,)))
    assert "<script>window.pwned" not in html
    assert hostile.title in [i.get("title") for i in _blocks(html)["gkb-info"]]


def test_html_javascript_url_gets_no_href():
    post = _post("链接测试", "2021-02-02", "正文。", 30, url="javascript:alert(1)")
    data = explorer_data(small_graph((post,)))
    info = next(i for i in data["info"] if i.get("title") == "链接测试")
    assert info["url"] == "javascript:alert(1)" and info["href"] is None


@pytest.mark.parametrize("name", ["explorer.js", "explorer.html"])
def test_html_template_never_writes_markup_from_strings(name):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in text


def test_html_template_js_is_not_jinja_markup():
    # the JS is included through Jinja: a stray "{{" or "{%" would be read as template syntax
    assert not re.search(r"\{[{%#]", (TEMPLATES / "explorer.js").read_text(encoding="utf-8"))


# ---- the page's data ----------------------------------------------------------------------------


def test_html_search_covers_every_label_normalised():
    data = explorer_data(small_graph())
    names = data["search"][_index(data, CRF.iri)].split("\n")
    assert {"条件随机场", "conditional random field", "crf"} <= set(names)


def test_html_post_panel_lists_concepts_by_mention_count():
    g = small_graph()
    data = explorer_data(g)
    post = next(n for n, a in g.nodes(data=True) if a.get("title") == "序列标注小记：从HMM到CRF")
    info = data["info"][_index(data, post)]
    assert [r[1:] for r in info["concepts"]["items"]] == [["条件随机场", 3], ["隐马尔可夫模型", 1]]
    assert info["href"] == "https://blog.example.org/archives/101" and info["readers"] == 1234


def test_html_post_panel_lists_citing_posts_and_cited_works_with_evidence():
    g = small_graph()
    data = explorer_data(g)
    citing = data["info"][_index(data, next(n for n, a in g.nodes(data=True) if a.get("title") == "条件随机场的梯度"))]
    cited = data["info"][_index(data, next(n for n, a in g.nodes(data=True) if a.get("title") == "序列标注小记：从HMM到CRF"))]
    assert {r[1] for r in citing["cites"]["items"]} == {"序列标注小记：从HMM到CRF", "一本书"}
    assert [r[1] for r in cited["cited_by"]["items"]] == ["条件随机场的梯度"]
    assert any("正如《序列标注小记" in sentence for _, sentence in citing["evidence"])


def test_html_concept_panel_lists_broader_and_posts():
    data = explorer_data(small_graph())
    info = data["info"][_index(data, CRF.iri)]
    assert [r[1] for r in info["broader"]["items"]] == ["概率图模型"]
    assert [r[2] for r in info["mentioned_in"]["items"]] == [3, 1]


def test_html_years_and_no_year_come_from_post_dates():
    meta = explorer_data(small_graph())["meta"]
    assert meta["years"] == [2019, 2020] and meta["no_year"] is True


def test_html_refs_point_to_drawn_nodes_only():
    data = explorer_data(small_graph(), limit=3)
    refs = [r for info in data["info"] for v in info.values() if isinstance(v, dict) for r in v["items"]]
    assert refs and all(-1 <= r[0] < 3 for r in refs) and any(r[0] == -1 for r in refs)


def test_html_above_the_limit_keeps_the_most_central_and_says_so():
    g = small_graph()
    html = render(g, limit=4)
    data = _blocks(html)
    assert len(data["gkb-nodes"]) == 4 and data["gkb-data"]["meta"]["truncated"] is True
    assert f"showing 4 of {g.number_of_nodes()} nodes, the most central" in html
    kept = {i["iri"] for i in data["gkb-info"]}
    assert kept == set(measures.central_nodes(g, 4))


def test_html_edges_list_citations_before_mentions():
    data = explorer_data(small_graph())
    kinds = [data["meta"]["edge_kinds"][e[2]] for e in data["edges"]]
    assert kinds.index("mentions") > max(i for i, k in enumerate(kinds) if k == "cites")


def test_html_empty_graph_renders():
    data = _blocks(render(nx.DiGraph()))
    assert data["gkb-nodes"] == [] and data["gkb-data"]["meta"]["total"] == 0


# ---- measures ---------------------------------------------------------------------------------


def test_measures_pagerank_ranks_the_shared_concept_first():
    g = small_graph()
    top = measures.central_nodes(g, 1)
    assert top == [PGM.iri]  # both concepts point to it


def test_measures_layout_is_deterministic_and_complete():
    g = small_graph()
    first, second = measures.layout(g, seed=3), measures.layout(g, seed=3)
    assert first == second and set(first) == set(g)


def test_measures_layout_large_graph_uses_grid_and_spreads_nodes():
    g = nx.barabasi_albert_graph(1200, 2, seed=1)
    g = nx.DiGraph(nx.relabel_nodes(g, {n: f"n{n:05d}" for n in g}))
    pos = measures.layout(g)
    assert len(set(pos.values())) == len(g)


def test_measures_communities_numbered_by_size():
    g = nx.DiGraph()
    g.add_edges_from([("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("a1", "a4"), ("b1", "b2")])
    com = measures.communities(g)
    assert com["a1"] == com["a4"] == 0 and com["b1"] == com["b2"] == 1


@pytest.mark.parametrize("n", [0, 1])
def test_measures_tiny_graphs(n):
    g = nx.DiGraph()
    g.add_nodes_from(f"n{i}" for i in range(n))
    assert len(measures.layout(g)) == n and len(measures.communities(g)) == n and len(measures.pagerank(g)) == n


def test_html_edge_limit_draws_fewer_links_but_keeps_all_for_neighbourhoods():
    g = small_graph()
    data = explorer_data(g, edge_limit=2)
    assert data["meta"]["edges_shown"] == 2 and len(data["edges"]) == g.number_of_edges() > 2
