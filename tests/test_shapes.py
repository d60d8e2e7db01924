"""ontology/shapes.ttl describes the contract: our graphs conform, and each broken rule is reported."""
from __future__ import annotations

import pytest
from rdflib import Graph

from graphkb.validate import validate

PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX cito:   <http://purl.org/spar/cito/>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX gkb:    <https://w3id.org/graphkb/ontology#>
PREFIX gkbc:   <https://w3id.org/graphkb/concept/>
PREFIX xsd:    <http://www.w3.org/2001/XMLSchema#>
PREFIX a:      <https://blog.example.net/archives/>
"""
UNTITLED = "<https://w3id.org/graphkb/post/07-04/untitled-0a1b2c3d4e>"
PAPER = "<https://w3id.org/graphkb/work/paper/a-note-on-random-fields-1a2b3c>"
SERIES = "<https://w3id.org/graphkb/series/概率模型笔记>"

# (what breaks, SPARQL UPDATE on the conforming fixture graph, a fragment of the expected message)
BROKEN = [
    ("headline-differs-from-name",
     'DELETE DATA { a:101 schema:headline "浅谈马尔可夫链" } ; INSERT DATA { a:101 schema:headline "另一个标题" }',
     "schema:headline equal to its schema:name"),
    ("untitled-post-with-headline",
     f'INSERT DATA {{ {UNTITLED} schema:headline "〔无题〕今天把序列标注的代码重写了一遍 (--07-04)" }}',
     "schema:headline equal to its schema:name"),
    ("titled-post-without-headline",
     'DELETE DATA { a:105 schema:headline "随手记：读书" }',
     "schema:headline equal to its schema:name"),
    ("post-without-name",
     'DELETE DATA { a:105 schema:headline "随手记：读书" ; schema:name "随手记：读书" }',
     "exactly one schema:name"),
    ("date-as-plain-string",
     'DELETE DATA { a:101 schema:datePublished "2018-03-01"^^xsd:date } ; INSERT DATA { a:101 schema:datePublished "2018年3月1日" }',
     "schema:datePublished must be one xsd:date"),
    ("date-as-year-only",
     'DELETE DATA { a:102 schema:datePublished "2019-05-02"^^xsd:date } ; INSERT DATA { a:102 schema:datePublished "2019"^^xsd:gYear }',
     "schema:datePublished must be one xsd:date"),
    ("reader-count-not-integer",
     'DELETE { ?c schema:userInteractionCount ?n } INSERT { ?c schema:userInteractionCount "很多" } '
     'WHERE { a:101 schema:interactionStatistic ?c . ?c schema:userInteractionCount ?n }',
     "schema:interactionStatistic must be one schema:InteractionCounter"),
    ("reader-counter-without-read-action",
     'DELETE { ?c schema:interactionType schema:ReadAction } WHERE { a:101 schema:interactionStatistic ?c }',
     "schema:interactionStatistic must be one schema:InteractionCounter"),
    ("source-as-literal",
     'INSERT DATA { a:103 prov:wasDerivedFrom "posts/103.md" }',
     "prov:wasDerivedFrom must be the IRI of a source file"),
    ("input-node-not-a-post",
     'INSERT DATA { <https://blog.example.net/about> prov:wasDerivedFrom <file:///data/blog/about.txt> }',
     "must be a schema:BlogPosting"),
    ("two-chinese-preflabels",
     'INSERT DATA { gkbc:markov-chain skos:prefLabel "马氏链"@zh }',
     "at most one per language"),
    ("preflabel-also-altlabel",
     'INSERT DATA { gkbc:markov-chain skos:altLabel "马尔可夫链"@zh }',
     "both the skos:prefLabel and a skos:altLabel"),
    ("concept-outside-the-scheme",
     'DELETE DATA { gkbc:markov-chain skos:inScheme <https://w3id.org/graphkb/concepts> }',
     "skos:inScheme a skos:ConceptScheme"),
    ("concept-without-preflabel",
     'DELETE DATA { gkbc:markov-chain skos:prefLabel "马尔可夫链"@zh , "Markov Chain"@en }',
     "needs a skos:prefLabel"),
    ("broader-not-a-concept",
     'INSERT DATA { gkbc:markov-chain skos:broader <https://w3id.org/graphkb/concept/nowhere> }',
     "skos:broader must point to a skos:Concept"),
    ("mentions-not-a-concept",
     'INSERT DATA { a:105 schema:mentions a:101 }',
     "must be a skos:Concept"),
    ("cited-work-untyped",
     'INSERT DATA { a:105 cito:cites <https://example.org/somewhere> . <https://example.org/somewhere> schema:name "某处" }',
     "a cited work must be typed"),
    ("cited-work-wrong-type",
     f'DELETE DATA {{ {PAPER} a schema:ScholarlyArticle }} ; INSERT DATA {{ {PAPER} a schema:Person }}',
     "a cited work must be typed"),
    ("cited-work-without-name",
     f'DELETE DATA {{ {PAPER} schema:name "A Note on Sequence Labelling with Random Fields" }}',
     "a cited work needs exactly one schema:name"),
    ("missing-post-without-name",
     'DELETE DATA { a:88 schema:name "最大熵原理漫谈" }',
     "exactly one schema:name"),
    ("series-without-name",
     f'DELETE DATA {{ {SERIES} schema:name "概率模型笔记" }}',
     "schema:CreativeWorkSeries needs exactly one schema:name"),
    ("part-of-not-a-series",
     'INSERT DATA { a:105 schema:isPartOf a:101 }',
     "schema:isPartOf must point to a schema:CreativeWorkSeries"),
    ("mention-record-without-count",
     'DELETE { ?m gkb:mentionCount ?n } WHERE { ?m gkb:mentionCount ?n }',
     "positive integer gkb:mentionCount"),
    ("citation-record-without-text",
     'DELETE { ?c gkb:citedAs ?t } WHERE { ?c gkb:citedAs ?t }',
     "needs one gkb:citedAs"),
]


@pytest.fixture
def graph_file(fixtures):
    return fixtures / "queries" / "graph.ttl"


def _broken(graph_file, tmp_path, update: str):
    g = Graph().parse(graph_file, format="turtle")
    g.update(PREFIXES + update)
    path = tmp_path / "broken.ttl"
    g.serialize(path, format="turtle")
    return validate(str(path))


def test_shapes_fixture_graph_conforms(graph_file):
    result = validate(str(graph_file))
    assert (result.conforms, result.violations) == (True, [])


@pytest.mark.parametrize("name,update,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_shapes_report_broken_rule(graph_file, tmp_path, name, update, message):
    result = _broken(graph_file, tmp_path, update)
    assert not result.conforms
    assert any(message in v.message for v in result.violations), [str(v) for v in result.violations]


@pytest.mark.parametrize("name,update,message", BROKEN[:1], ids=["headline"])
def test_shapes_violation_names_focus_node_in_prefixed_form(graph_file, tmp_path, name, update, message):
    result = _broken(graph_file, tmp_path, update)
    assert [str(v).split(":", 1)[0] for v in result.violations] == ["<https"]  # an archive URL: no prefix
    assert str(result.violations[0]).startswith("<https://blog.example.net/archives/101>")


def test_shapes_demo_build_conforms(demo_build):
    _, out = demo_build
    result = validate(str(out / "graph.ttl"))
    assert result.violations == []


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["seeds", "kexue-dev/posts"])
def test_shapes_shared_build_conforms(shared, tmp_path, corpus):
    from graphkb.build import build

    build([str(shared / "corpus" / corpus)], str(tmp_path), formats=["turtle"])
    result = validate(str(tmp_path / "graph.ttl"))
    assert result.violations == []
