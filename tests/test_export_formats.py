"""Exporters for other tools (GraphML, GEXF, node-link JSON) and literal escaping in every format."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from graphkb.export import EXPORTERS, get_exporter
from graphkb.export.networkx_formats import flat_graph
from graphkb.graph import assemble
from graphkb.model import Citation, CitationRef, Concept, Extraction, Mention, Post, Source

C = "https://w3id.org/graphkb/concept/"
# Every character Turtle, N-Triples, JSON-LD and XML must escape: triple quotes, backslash, newline, <>, &.
NASTY = '随笔："""三引号""" 与 \\反斜杠\\n 和 <尖括号> & 第二行\n第三行\t"'
P1 = Post(title=NASTY, date="2020-01-02", body="今天复习条件随机场，也就是CRF。", url="https://blog.example.net/archives/1",
          sources=(Source("/data/blog/a.txt", 1),), readers=12, tags=("标签一", "标签二"))
P2 = Post(title="第二篇：读书笔记", date="--03-04", body="参考了上一篇文章。", sources=(Source("/data/blog/b.txt", 3),))
CRF = Concept(id="conditional-random-field", iri=C + "conditional-random-field",
              pref=(("zh", "条件随机场"), ("en", "Conditional Random Field")), alt=(("en", "CRF"),))


def _graph() -> nx.DiGraph:
    ref = CitationRef(form="title", text=NASTY, start=2, end=9, sentence="参考了《…》。")
    paper = CitationRef(form="title", text="A Study of Fields", start=0, end=5, sentence="见论文《A Study of Fields》。")
    return assemble(
        [P1, P2],
        {P1.key: Extraction.from_mentions((Mention(CRF.id, 4, 9, "条件随机场"), Mention(CRF.id, 14, 17, "CRF")))},
        [Citation(P2.key, ref, "post", target=P1.key, name=NASTY),
         Citation(P1.key, paper, "paper", name="A Study of Fields")],
        {CRF.id: CRF},
        [(P1.key, "随笔系列", 1)],
    )


def _write(fmt: str, tmp_path) -> str:
    e = get_exporter(fmt)
    path = str(tmp_path / e.filename)
    e.load()(_graph(), path)
    return path


@pytest.mark.parametrize("fmt,filename", [("graphml", "graph.graphml"), ("gexf", "graph.gexf"), ("json", "graph.json")])
def test_export_formats_registered(fmt, filename):
    assert EXPORTERS[fmt].filename == filename


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_formats_xml_reads_back_same_nodes_and_edges(tmp_path, fmt, reader):
    g, back = _graph(), reader(_write(fmt, tmp_path))
    assert (set(back.nodes), set(back.edges)) == (set(g.nodes), set(g.edges))


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_formats_xml_attributes_are_flattened(tmp_path, fmt, reader):
    back = reader(_write(fmt, tmp_path))
    post = back.nodes["https://blog.example.net/archives/1"]
    assert (post["kind"], post["tags"], post["title"]) == ("post", "标签一; 标签二", NASTY)
    assert json.loads(post["sources"]) == [["file:///data/blog/a.txt", 1]]


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_formats_xml_edges_carry_weight(tmp_path, fmt, reader):
    back = reader(_write(fmt, tmp_path))
    assert back.edges["https://blog.example.net/archives/1", C + "conditional-random-field"]["weight"] == 2


def test_export_formats_gexf_keeps_iri_as_node_id_and_concept_id_as_attribute(tmp_path):
    back = nx.read_gexf(_write("gexf", tmp_path))
    assert back.nodes[C + "conditional-random-field"]["concept_id"] == "conditional-random-field"


def test_export_formats_json_is_node_link_with_nested_attributes(tmp_path):
    data = json.loads(open(_write("json", tmp_path), encoding="utf-8").read())
    back = nx.node_link_graph(data, edges="edges")
    g = _graph()
    assert (set(back.nodes), set(back.edges)) == (set(g.nodes), set(g.edges))
    assert back.nodes["https://blog.example.net/archives/1"]["tags"] == ["标签一", "标签二"]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "graphml", "gexf", "json"])
def test_export_formats_same_graph_same_bytes(tmp_path, fmt):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with open(_write(fmt, tmp_path / "a"), "rb") as a, open(_write(fmt, tmp_path / "b"), "rb") as b:
        assert a.read() == b.read()


def test_export_formats_mixed_attribute_types_become_strings():
    g = nx.DiGraph()
    g.add_node("a", kind="post", n=1)
    g.add_node("b", kind="post", n="一")
    h = flat_graph(g)
    assert (h.nodes["a"]["n"], h.nodes["b"]["n"]) == ("1", "一")


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_formats_rdf_literal_escaping_round_trips(tmp_path, fmt, rdflib_format):
    parsed = Graph().parse(_write(fmt, tmp_path), format=rdflib_format)
    post = URIRef("https://blog.example.net/archives/1")
    headline = URIRef("https://schema.org/headline")
    assert list(parsed.objects(post, headline)) == [Literal(NASTY)]
    cited_as = {str(o) for o in parsed.objects(None, URIRef("https://w3id.org/graphkb/ontology#citedAs"))}
    assert NASTY in cited_as


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_export_formats_rdf_round_trips_through_oxigraph(tmp_path, fmt):
    from graphkb.query import load_graph, run_query

    store = load_graph(_write(fmt, tmp_path))
    rows = run_query(store, "SELECT ?t WHERE { <https://blog.example.net/archives/1> schema:headline ?t }").values()
    assert rows == [(NASTY,)]
