"""Same input, same graph: byte-identical Turtle across builds; one graph whatever the RDF format."""
from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from graphkb.build import build
from graphkb.demo import CORPUS

RDF_FORMATS = {"turtle": ("graph.ttl", "turtle"), "nt": ("graph.nt", "nt"), "jsonld": ("graph.jsonld", "json-ld")}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    outs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        build([str(CORPUS)], str(out), formats=["turtle", "nt", "jsonld", "graphml", "gexf", "json"])
        outs.append(out)
    return outs


def _readable_diff(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    lines = [f"- {t}" for t in sorted(only_a.triples((None, None, None)))][:20]
    lines += [f"+ {t}" for t in sorted(only_b.triples((None, None, None)))][:20]
    return "\n".join(lines)


@pytest.mark.parametrize("filename", ["graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.gexf", "graph.json"])
def test_determinism_two_builds_write_identical_bytes(two_builds, filename):
    first, second = two_builds
    assert (first / filename).read_bytes() == (second / filename).read_bytes()


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
def test_determinism_every_rdf_format_holds_the_same_graph(two_builds, fmt):
    out = two_builds[0]
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    filename, parser = RDF_FORMATS[fmt]
    other = Graph().parse(out / filename, format=parser)
    assert to_isomorphic(turtle) == to_isomorphic(other), _readable_diff(turtle, other)


def test_determinism_demo_graph_is_not_empty(two_builds):
    g = Graph().parse(two_builds[0] / "graph.ttl", format="turtle")
    assert len(g) > 100
