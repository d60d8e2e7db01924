"""Resolution of cross-references to posts of the corpus, and typing of the works the corpus lacks."""
from __future__ import annotations

from pathlib import Path

import pytest

from graphkb.extract.citations import extract_citations
from graphkb.link.citations import missing_posts, resolve_citations
from graphkb.model import Post, Source

CORPUS = [
    ("随机矩阵漫谈（一）：从掷硬币说起", "101"),
    ("随机矩阵漫谈（二）：谱的形状", "102"),
    ("【优化笔记】3. 梯度的几何", "103"),
    ("《矩阵分析初步》习题解答", "104"),
    ("〈Gradient is All You Need〉浅读（附代码）", "105"),
    ("从零开始的Lipschitz连续性：泛化与稳定", "106"),
    ("冷启动问题的两个解法（上）", "107"),
    ("热力学熵与信息熵的一点联系", "109"),
    ("热力学熵与信息熵的两点联系", "110"),
    ("向量平方和与内积平方的快速估计", "111"),
]


def _post(title, sid, body="正文。", date="2021-01-01"):
    return Post(title=title, date=date, body=body, sources=(Source(f"posts/{sid}.md", 1),), source_id=sid)


def _resolve(body, extra=()):
    posts = [_post(t, sid) for t, sid in CORPUS] + list(extra)
    citing = _post("一篇引用别人的文章", "900", body, date="2022-02-02")
    posts.append(citing)
    cits, series, problems = resolve_citations(posts, {p.key: extract_citations(p.body) for p in posts})
    titles = {p.key: p.title for p in posts}
    return [c for c in cits if c.source == citing.key], titles, problems


def _one(body):
    cits, titles, _ = _resolve(body)
    assert len(cits) == 1, cits
    c = cits[0]
    return c.kind, titles.get(c.target) if c.target else c.name


@pytest.mark.parametrize("body,title", [
    ("见《随机矩阵漫谈(二):谱的形状》。", "随机矩阵漫谈（二）：谱的形状"),  # half-width punctuation
    ("见《随机矩阵漫谈 （二） ： 谱的形状》。", "随机矩阵漫谈（二）：谱的形状"),  # spaces
])
def test_citations_resolve_normalises_width_and_spaces(body, title):
    assert _one(body) == ("post", title)


@pytest.mark.parametrize("body", ["见《随机矩阵漫谈（三）：边缘的涨落》。", "见《随机矩阵漫谈（三）：谱的形态》。"])
def test_citations_resolve_never_across_a_series_number(body):
    kind, name = _one(body)
    assert kind == "missing-post" and "（三）" in name


@pytest.mark.parametrize("body", ["见《随机矩阵漫谈（五）：谱的形状》。"])
def test_citations_resolve_outdated_number_with_the_same_subtitle(body):
    assert _one(body) == ("post", "随机矩阵漫谈（二）：谱的形状")


@pytest.mark.parametrize("body", ["见《梯度的几何》。", "见《3. 梯度的几何》。", "见《【优化笔记】 3.梯度的几何》。"])
def test_citations_resolve_series_member_cited_without_its_prefix(body):
    assert _one(body) == ("post", "【优化笔记】3. 梯度的几何")


@pytest.mark.parametrize("body", ["见《从零开始的L连续性：泛化与稳定》。"])
def test_citations_resolve_abbreviated_title(body):
    assert _one(body) == ("post", "从零开始的Lipschitz连续性：泛化与稳定")


@pytest.mark.parametrize("body", ["见《从零开始的Hölder连续性：泛化与稳定》。", "见《向量k次方和与内积k次方的快速估计》。"])
def test_citations_resolve_changed_words_are_not_an_abbreviation(body):
    assert _one(body)[0] != "post"


@pytest.mark.parametrize("body", ["见《热力学熵与信息熵的三点联系》。"])
def test_citations_resolve_only_when_one_candidate_clearly_wins(body):
    assert _one(body)[0] != "post"


@pytest.mark.parametrize("body", ["见《冷启动问题的两个解法（中）》。"])
def test_citations_resolve_never_across_a_part_mark(body):
    assert _one(body)[0] == "missing-post"


@pytest.mark.parametrize("body,want", [
    ("参考《《矩阵分析初步》习题解答》。", ("post", "《矩阵分析初步》习题解答")),
    ("参考笔者的《矩阵分析初步》习题解答。", ("post", "《矩阵分析初步》习题解答")),
    ("这本《矩阵分析初步》一书很好。", ("book", "矩阵分析初步")),
    ("参考《〈Gradient is All You Need〉浅读（附代码）》。", ("post", "〈Gradient is All You Need〉浅读（附代码）")),
    ("谷歌在论文《Gradient is All You Need》中提出。", ("paper", "Gradient is All You Need")),
    ("最早出自《Gradient is All You Need》。", ("paper", "Gradient is All You Need")),
])
def test_citations_resolve_titles_holding_title_marks(body, want):
    assert _one(body) == want


@pytest.mark.parametrize("body,kind", [
    ("这个结论来自论文《关于随机梯度的一个注记》。", "paper"),
    ("首次提出于《Stochastic Notes on Gradient Flows》。", "paper"),
    ("推荐一本书：《数值分析讲义》。", "book"),
    ("见[3] 张三;《数值分析讲义》[M]; 某某出版社。", "book"),
    ("朋友的公众号文章《三分钟读懂注意力》很有意思。", "article"),
    ("知乎上也有人问过《梯度为什么会消失？》。", "article"),
    ("周末看了电影《梯度之城》。", "other"),
    ("第一届《梯度杯算法评测》圆满结束。", "other"),
    ("请阅读《采样与数值计算》一节。", "other"),
    ("笔者之前写的《一个没收录的标题》讨论过。", "missing-post"),
    ("在上一篇《又一个没收录的标题》中我们说过。", "missing-post"),
])
def test_citations_resolve_types_works_from_context_and_title(body, kind):
    assert _one(body)[0] == kind


@pytest.mark.parametrize("body", ["下一篇《随机矩阵漫谈（七）：极限定理》还没有写。"])
def test_citations_resolve_series_prefix_means_a_post_of_the_blog(body):
    assert _one(body)[0] == "missing-post"


@pytest.mark.parametrize("body", ["另见《一个毫无线索的中文标题》。"])
def test_citations_resolve_unsure_typing_is_reported(body):
    cits, _, problems = _resolve(body)
    assert [c.confidence for c in cits] == ["unsure"]
    (p,) = [p for p in problems if p.kind == "citation-unsure"]
    assert p.severity == "warning" and p.path == "posts/900.md" and p.line == 1 and "一个毫无线索的中文标题" in p.message


@pytest.mark.parametrize("body,want", [
    ("旧作见https://kexue.fm/archives/102。", ("post", "随机矩阵漫谈（二）：谱的形状")),
    ("旧作见spaces.ac.cn/archives/101。", ("post", "随机矩阵漫谈（一）：从掷硬币说起")),
    ("旧作见https://kexue.fm/archives/5555。", ("missing-post", "https://kexue.fm/archives/5555")),
    ("见https://arxiv.org/abs/2101.00001。", ("paper", "arXiv:2101.00001")),
])
def test_citations_resolve_urls_by_archive_id(body, want):
    assert _one(body) == want


@pytest.mark.parametrize("body", ["见《某篇文章的标题》（https://kexue.fm/archives/103）。"])
def test_citations_resolve_title_with_its_address_next_to_it(body):
    assert _one(body) == ("post", "【优化笔记】3. 梯度的几何")


@pytest.mark.parametrize("title", ["自己引用自己的一篇"])
def test_citations_resolve_self_citation_is_dropped(title):
    me = _post(title, "950", f"本文即《{title}》，不是别的。")
    cits, _, _ = resolve_citations([me], {me.key: extract_citations(me.body)})
    assert cits == []


@pytest.mark.parametrize("body", ["见《某个不存在的标题（上）》和《某个不存在的标题(上)》。"])
def test_citations_resolve_one_name_for_printings_of_one_title(body):
    cits, _, _ = _resolve(body)
    assert len({c.name for c in cits}) == 1


def test_citations_resolve_missing_posts_counted_by_citing_posts():
    a = _post("甲文", "1", "笔者之前写的《失踪的文章》，以及笔者之前写的《失踪的文章》。")
    b = _post("乙文", "2", "笔者之前写的《失踪的文章》和笔者的旧作《另一篇失踪的》。")
    cits, _, _ = resolve_citations([a, b], {p.key: extract_citations(p.body) for p in (a, b)})
    assert missing_posts(cits) == [{"title": "失踪的文章", "cited_by": 2}, {"title": "另一篇失踪的", "cited_by": 1}]


@pytest.mark.parametrize("body", ["见《随机矩阵漫谈(二):谱的形状》、《一个毫无线索的中文标题》和论文《A Paper Title》。"])
def test_citations_resolve_is_deterministic(body):
    assert _resolve(body)[0] == _resolve(body)[0]


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory):
    import rdflib

    from graphkb.build import build

    here = Path(__file__).resolve().parent / "fixtures" / "citations" / "posts"
    out = tmp_path_factory.mktemp("citations")
    result = build([str(here)], str(out), formats=["turtle"], default_concepts=False)
    return result, rdflib.Graph().parse(out / "graph.ttl", format="turtle"), out


CONTRACT_QUERY = """
SELECT ?from ?kind ?name WHERE {
  ?src cito:cites ?w ; schema:headline ?from .
  ?w a ?type .
  OPTIONAL { ?w schema:headline ?h }
  OPTIONAL { ?w schema:name ?n }
  BIND(COALESCE(?h, ?n) AS ?name)
  BIND(IF(?type = schema:BlogPosting, IF(EXISTS { ?w prov:wasDerivedFrom ?f }, "post", "missing-post"),
       STRAFTER(STR(?type), "https://schema.org/")) AS ?kind)
}"""


def test_citations_resolve_turtle_follows_the_contract(fixture_graph):
    _, g, _ = fixture_graph
    ns = {"cito": "http://purl.org/spar/cito/", "schema": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#"}
    rows = {(str(a)[:6], str(k), str(n)) for a, k, n in g.query(CONTRACT_QUERY, initNs=ns)}
    assert rows == {
        ("随机矩阵漫谈", "post", "随机矩阵漫谈（一）：从掷硬币说起"),
        ("随机矩阵漫谈", "missing-post", "随机矩阵漫谈（三）：边缘的涨落"),
        ("随机矩阵漫谈", "ScholarlyArticle", "On the Distribution of the Roots of Certain Symmetric Matrices"),
        ("随机矩阵漫谈", "Book", "矩阵分析初步"),
        ("小小梯度之旅", "post", "随机矩阵漫谈（一）：从掷硬币说起"),
        ("小小梯度之旅", "missing-post", "https://spaces.ac.cn/archives/999"),
        ("小小梯度之旅", "Article", "十分钟看懂梯度"),
        ("小小梯度之旅", "CreativeWork", "梯度之城"),
        ("小小梯度之旅", "ScholarlyArticle", "arXiv:2101.00001"),
        ("小小梯度之旅", "post", "小小梯度之旅之出发"),
        ("小小梯度之旅", "post", "随机矩阵漫谈（二）：谱的形状"),
        ("小小梯度之旅", "missing-post", "一个从未收录的标题"),
    }


def test_citations_resolve_turtle_keeps_sentence_and_offset(fixture_graph):
    _, g, _ = fixture_graph
    q = """SELECT ?as ?off ?ev WHERE { ?s gkb:citation ?c . ?c gkb:citedAs ?as ; gkb:offset ?off ; gkb:evidence ?ev }"""
    rows = {str(a): (int(o), str(e)) for a, o, e in g.query(q, initNs={"gkb": "https://w3id.org/graphkb/ontology#"})}
    off, sentence = rows["随机矩阵漫谈(一):从掷硬币说起"]
    assert off == 4 and sentence.startswith("在上一篇《随机矩阵漫谈(一):从掷硬币说起》中")


def test_citations_resolve_report_lists_missing_posts_and_unsure(fixture_graph):
    import json

    _, _, out = fixture_graph
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {"title": "一个从未收录的标题", "cited_by": 1} in report["stats"]["missing_posts"]
    unsure = [p for p in report["problems"] if p["kind"] == "citation-unsure"]
    assert [p["file"].rsplit("/", 1)[-1] for p in unsure] == ["104.md"] and unsure[0]["severity"] == "warning"


def test_citations_resolve_links_to_the_blogs_own_addresses():
    """The blog's host is learned from the posts' URLs (any blog, not only kexue.fm): a link to a post's
    address, or to /archives/N of that host, is a link to that post; an unknown N is a missing post."""
    a = Post(title="第一篇", date="2021-01-01", body="正文。", url="https://blog.example.net/archives/11",
             sources=(Source("a.jsonl", 1),))
    b = _post("第二篇", "12")  # read from posts/12.md: known by its archive number only
    body = ("见 https://www.Blog.example.net/archives/11/ 以及 https://blog.example.net/archives/12 ，"
            "还有 https://blog.example.net/archives/99 和 https://blog.example.net/about 、https://other.example.com/x")
    c = Post(title="第三篇", date="2021-02-01", body=body, url="https://blog.example.net/archives/13",
             sources=(Source("a.jsonl", 2),))
    cits, _, _ = resolve_citations([a, b, c], {c.key: extract_citations(body)})
    got = [(cit.kind, cit.target, cit.name) for cit in cits]
    assert got[:3] == [("post", a.key, "第一篇"), ("post", b.key, "第二篇"),
                       ("missing-post", None, "https://blog.example.net/archives/99")]
    assert [k for k, _, _ in got[3:]] == ["other", "other"]  # other pages stay web addresses
