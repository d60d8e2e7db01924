"""gkb:Mention records: left out of the graph by default (schema:mentions carries the link), written with
``graphkb build --mention-detail`` with each post's count, offsets and surface forms per concept."""
from __future__ import annotations

import pytest
from rdflib import Graph, Namespace
from typer.testing import CliRunner

from graphkb.cli import app
from graphkb.demo import CORPUS
from graphkb.validate import validate

GKB = Namespace("https://w3id.org/graphkb/ontology#")
SCHEMA = Namespace("https://schema.org/")
RDF_TYPE = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")["type"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    runner = CliRunner()
    outs = {}
    for name, extra in (("plain", []), ("detail", ["--mention-detail"])):
        out = tmp_path_factory.mktemp(name)
        r = runner.invoke(app, ["build", str(CORPUS), "--out", str(out), "-q", "--no-cache", *extra])
        assert r.exit_code == 0, r.output
        outs[name] = Graph().parse(out / "graph.ttl", format="turtle")
    return outs


def test_mention_detail_off_by_default(builds):
    g = builds["plain"]
    assert len(list(g.triples((None, SCHEMA.mentions, None)))) > 50
    assert not list(g.triples((None, RDF_TYPE, GKB.Mention)))
    assert not list(g.triples((None, GKB.mention, None)))


def test_mention_detail_one_record_per_mentions_link(builds):
    g = builds["detail"]
    links = set(g.subject_objects(SCHEMA.mentions))
    records = {(post, g.value(m, GKB.mentionOf)) for post, m in g.subject_objects(GKB.mention)}
    assert records == links
    assert set(builds["plain"].subject_objects(SCHEMA.mentions)) == links  # the same links either way


def test_mention_detail_records_hold_count_offsets_and_surfaces(builds):
    g = builds["detail"]
    for _, m in g.subject_objects(GKB.mention):
        count = int(g.value(m, GKB.mentionCount))
        offsets = str(g.value(m, GKB.offset)).split()
        assert count == len(offsets) >= 1
        spans = [o.removeprefix("title:").split("-") for o in offsets]
        assert all(0 <= int(a) < int(b) for a, b in spans), offsets
        assert list(g.objects(m, GKB.surface))


def test_mention_detail_title_mentions_point_into_the_title(builds):
    g = builds["detail"]
    checked = 0
    for post, m in g.subject_objects(GKB.mention):
        title = str(g.value(post, SCHEMA.name))
        surfaces = {str(s) for s in g.objects(m, GKB.surface)}
        for o in str(g.value(m, GKB.offset)).split():
            if o.startswith("title:"):
                a, b = map(int, o.removeprefix("title:").split("-"))
                assert title[a:b] in surfaces
                checked += 1
    assert checked >= 3


def test_mention_detail_graph_conforms_to_the_shapes(tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["build", str(CORPUS), "--out", str(out), "-q", "--mention-detail"]).exit_code == 0
    assert validate(str(out / "graph.ttl")).violations == []
