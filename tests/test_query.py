"""graphkb.query and `graphkb query`: loading, parameters, time limits, errors and output formats."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graphkb import query as q
from graphkb.cli import app
from graphkb.errors import GraphKBError, QueryError, UsageError

runner = CliRunner()
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SAVED = ["concept-cooccurrence", "concepts-by-year", "dangling-references", "posts-citing",
         "posts-mentioning", "read-before", "top-concepts"]
# Five unrestricted triple patterns: 100^5 rows on the fixture graph, far past any small limit.
# ~1 s on the fixture graph: well past the 0.1 s limit of the tests, short once abandoned in its thread
SLOW = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i '
        'FILTER(CONTAINS(CONCAT(STR(?c), STR(?f), STR(?i)), "不存在的串")) }')
TITLES = ("SELECT ?title WHERE { ?p schema:headline ?title } ORDER BY ?title")


@pytest.fixture(scope="module")
def graph_path():
    from pathlib import Path

    return str(Path(__file__).parent / "fixtures" / "queries" / "graph.ttl")


@pytest.fixture(scope="module")
def store(graph_path):
    return q.load_graph(graph_path)


def _cli(*args):
    return runner.invoke(app, ["query", *args])


def test_query_saved_queries_are_all_listed():
    assert list(q.saved_queries()) == SAVED


@pytest.mark.parametrize("name", SAVED)
def test_query_saved_query_has_a_description(name):
    assert q.saved_queries()[name].description


def test_query_saved_query_declares_its_parameters():
    assert list(q.saved_queries()["posts-citing"].params) == ["post"]


@pytest.mark.parametrize("spec,expected", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }"),
    ("top-concepts", "gkb:postCount"),
])
def test_query_resolve_string_or_saved_name(spec, expected):
    text, _ = q.resolve_query(spec)
    assert expected in text


def test_query_resolve_rq_file(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert q.resolve_query(str(path)) == ("ASK { ?s ?p ?o }", None)


def test_query_resolve_unknown_name_lists_saved_queries():
    with pytest.raises(UsageError, match="no saved query named 'top-concept'; saved queries: concept-cooccurrence, "):
        q.resolve_query("top-concept")


@pytest.mark.parametrize("value,expected", [
    ("<https://blog.example.net/archives/101>", ox.NamedNode("https://blog.example.net/archives/101")),
    ("https://blog.example.net/archives/101", ox.NamedNode("https://blog.example.net/archives/101")),
    ("gkbc:markov-chain", ox.NamedNode("https://w3id.org/graphkb/concept/markov-chain")),
    ("42", ox.Literal("42", datatype=ox.NamedNode(XSD_INTEGER))),
    ("条件随机场", ox.Literal("条件随机场")),
    ('"CRF"@en', ox.Literal("CRF", language="en")),
    ('"7"^^xsd:integer', ox.Literal("7", datatype=ox.NamedNode(XSD_INTEGER))),
    ('标题 "带引号" } ; DROP ALL', ox.Literal('标题 "带引号" } ; DROP ALL')),
])
def test_query_parse_term(value, expected):
    assert q.parse_term(value) == expected


def test_query_parse_params_rejects_missing_equals():
    with pytest.raises(UsageError, match="--param takes name=value"):
        q.parse_params(["post"])


def test_query_param_is_bound_as_a_term_not_pasted(store):
    text = q.saved_query_text("posts-citing")
    hostile = q.parse_params(['post=x" } } ; SELECT * WHERE { ?s ?p ?o } #'])
    assert q.run_query(store, text, hostile).rows == []


def test_query_param_selects_rows(store):
    text = q.saved_query_text("posts-citing")
    result = q.run_query(store, text, q.parse_params(["post=https://blog.example.net/archives/103"]))
    assert result.variables == ["citing", "title", "date"]
    assert [r[0] for r in result.values()] == ["https://w3id.org/graphkb/post/07-04/untitled-0a1b2c3d4e"]


def test_query_check_params_names_missing_parameter():
    saved = q.saved_queries()["read-before"]
    with pytest.raises(UsageError, match=r"saved query 'read-before' needs --param post=\.\.\. \(the post"):
        q.check_params(saved, {})


def test_query_check_params_refuses_unknown_parameter():
    saved = q.saved_queries()["top-concepts"]
    with pytest.raises(UsageError, match="has no parameter year; its parameters: none"):
        q.check_params(saved, {"year": ox.Literal("2020")})


@pytest.mark.parametrize("timeout", [None, 30])
def test_query_syntax_error_raises_query_error_with_parser_message(store, timeout):
    with pytest.raises(QueryError, match=r"^the query does not parse: error at 1:\d+: expected"):
        q.run_query(store, "SELECT * WHERE { ?s ?p }", timeout=timeout)


def test_query_past_time_limit_raises_query_error(store):
    with pytest.raises(QueryError, match=r"ran longer than 0\.1 s and was stopped"):
        q.run_query(store, SLOW, timeout=0.1)


@pytest.mark.parametrize("timeout", [None, 30])
def test_query_select_gives_rows_in_order(store, timeout):
    result = q.run_query(store, TITLES, timeout=timeout)
    assert result.values()[0] == ("条件随机场与隐马尔可夫模型",)


ROWS = "SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) { (1 \"x\" 3) (2 \"y\" UNDEF) } } ORDER BY ?a"
ONE, TWO = (ox.Literal(n, datatype=ox.NamedNode(XSD_INTEGER)) for n in ("1", "2"))


@pytest.mark.parametrize("params,variables,rows", [
    ({}, ["a", "b", "c"], [(1, "x", 3), (2, "y", None)]),
    ({"b": ox.Literal("x")}, ["a", "c"], [(1, 3)]),
    ({"a": TWO, "b": ox.Literal("y")}, ["c"], [(None,)]),
    ({"a": ONE, "b": ox.Literal("x"), "c": ox.Literal("3", datatype=ox.NamedNode(XSD_INTEGER))}, [], [()]),
])
def test_query_rows_leave_out_the_bound_columns(store, params, variables, rows):
    result = q.run_query(store, ROWS, params, timeout=30)
    assert (result.variables, result.values()) == (variables, rows)


@pytest.mark.parametrize("enabled", [True, False])
def test_query_reading_rows_leaves_the_garbage_collector_as_it_was(store, enabled):
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        q.run_query(store, ROWS)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_query_ask_gives_boolean(store):
    assert q.run_query(store, "ASK { ?p a schema:BlogPosting }", timeout=30).boolean is True


def test_query_construct_gives_triples(store):
    result = q.run_query(store, "CONSTRUCT { ?c a skos:Concept } WHERE { ?c skos:altLabel \"CRF\"@en }", timeout=30)
    assert [str(t.subject) for t in result.triples] == ["<https://w3id.org/graphkb/concept/conditional-random-field>"]


def test_query_load_missing_graph_raises_usage_error(tmp_path):
    with pytest.raises(UsageError, match="run `graphkb build` first or give one with --graph FILE"):
        q.load_graph(str(tmp_path / "graph.ttl"))


def test_query_load_broken_turtle_raises_graphkb_error(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("<urn:a> <urn:b> \"unterminated .\n", encoding="utf-8")
    with pytest.raises(GraphKBError, match="cannot read .*graph.ttl as Turtle"):
        q.load_graph(str(path))


def test_query_format_table_aligns_wide_characters(store):
    text = q.format_result(q.run_query(store, "SELECT ?t ?n WHERE { VALUES (?t ?n) { (\"概率\" 1) (\"ab\" 22) } }"))
    assert text.splitlines() == ["t     n", "----  --", "概率  1", "ab    22", "(2 rows)"]


def test_query_format_table_shortens_contract_iris(store):
    text = q.format_result(q.run_query(store, "SELECT ?c WHERE { ?c skos:altLabel \"HMM\"@en }"))
    assert "gkbc:hidden-markov-model" in text


def test_query_format_csv_is_sparql_csv(store):
    text = q.format_result(q.run_query(store, TITLES + " LIMIT 2"), "csv")
    assert list(csv.reader(io.StringIO(text))) == [["title"], ["条件随机场与隐马尔可夫模型"], ["浅谈马尔可夫链"]]


def test_query_format_json_is_sparql_results_json(store):
    data = json.loads(q.format_result(q.run_query(store, "SELECT ?n WHERE { BIND(3 AS ?n) }"), "json"))
    assert data == {"head": {"vars": ["n"]},
                    "results": {"bindings": [{"n": {"type": "literal", "value": "3", "datatype": XSD_INTEGER}}]}}


def test_query_format_unknown_raises_usage_error(store):
    with pytest.raises(UsageError, match="unknown output format 'xml'; known: table, csv, json"):
        q.format_result(q.run_query(store, "ASK {}"), "xml")


# ---------------------------------------------------------------- the command line

def test_query_cli_runs_saved_query(graph_path):
    r = _cli("dangling-references", "--graph", graph_path, "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1] == "https://blog.example.net/archives/88,最大熵原理漫谈,2"


def test_query_cli_binds_param(graph_path):
    r = _cli("posts-citing", "-g", graph_path, "-p", "post=最大熵原理漫谈", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert [line.split(",")[0] for line in r.stdout.splitlines()[1:]] == [
        "https://blog.example.net/archives/103", "https://blog.example.net/archives/105"]


def test_query_cli_syntax_error_exits_1_without_traceback(graph_path):
    r = _cli("SELECT * WHERE { ?s ?p }", "--graph", graph_path)
    assert r.exit_code == 1
    assert "graphkb: error: the query does not parse: error at 1:" in r.output
    assert "Traceback" not in r.output


def test_query_cli_timeout_exits_1(graph_path):
    r = _cli(SLOW, "--graph", graph_path, "--timeout", "0.1")
    assert r.exit_code == 1
    assert "graphkb: error: the query ran longer than 0.1 s and was stopped; narrow it (LIMIT, a --param) or raise --timeout" in r.output


def test_query_cli_missing_param_exits_2(graph_path):
    r = _cli("posts-mentioning", "--graph", graph_path)
    assert r.exit_code == 2
    assert "graphkb: error: saved query 'posts-mentioning' needs --param concept=..." in r.output


def test_query_cli_missing_graph_exits_2(tmp_path):
    r = _cli("top-concepts", "--graph", str(tmp_path / "none.ttl"))
    assert r.exit_code == 2
    assert "no graph at" in r.output


def test_query_cli_unknown_format_exits_2(graph_path):
    r = _cli("top-concepts", "--graph", graph_path, "--format", "xml")
    assert r.exit_code == 2
    assert "unknown format 'xml'" in r.output


def test_query_cli_list_names_every_saved_query():
    r = _cli("--list")
    assert r.exit_code == 0
    assert [line.split(":")[0] for line in r.stdout.splitlines()] == SAVED


def test_query_console_command_ends_an_abandoned_query(graph_path):
    """Past --timeout the query is abandoned in its thread; the `graphkb` process must still end at once
    (a five-way cross join of the fixture graph would run for days)."""
    import subprocess
    import sys

    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    r = subprocess.run([sys.executable, "-m", "graphkb.cli", "query", endless, "--graph", graph_path, "--timeout", "0.5"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "ran longer than 0.5 s and was stopped" in r.stderr
