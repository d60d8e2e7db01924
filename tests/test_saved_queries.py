"""Every saved query in ontology/queries/ answers with its expected rows: on a graph written by hand
(tests/fixtures/queries/graph.ttl) and on the demo build."""
from __future__ import annotations

from pathlib import Path

import pytest

from graphkb import query as q

A = "https://blog.example.net/archives/"
C = "https://w3id.org/graphkb/concept/"
UNTITLED = "https://w3id.org/graphkb/post/07-04/untitled-0a1b2c3d4e"
UNTITLED_NAME = "〔无题〕今天把序列标注的代码重写了一遍 (--07-04)"

# (saved query, parameters, expected rows in order)
FIXTURE_CASES = [
    ("top-concepts", [], [
        (C + "hidden-markov-model", "隐马尔可夫模型", 3),
        (C + "conditional-random-field", "条件随机场", 2),
        (C + "probability-theory", "概率论", 2),
        (C + "markov-chain", "马尔可夫链", 2),
    ]),
    ("posts-citing", [f"post={A}103"], [(UNTITLED, UNTITLED_NAME, "--07-04")]),
    ("posts-citing", ["post=隐马尔可夫模型入门"], [(A + "103", "条件随机场与隐马尔可夫模型", "2020-01-15")]),
    ("posts-citing", ["post=最大熵原理漫谈"], [
        (A + "103", "条件随机场与隐马尔可夫模型", "2020-01-15"),
        (A + "105", "随手记：读书", "2021-02-02"),
    ]),
    ("posts-mentioning", ["concept=PGM"], [
        (UNTITLED, UNTITLED_NAME, C + "conditional-random-field", "条件随机场"),
        (UNTITLED, UNTITLED_NAME, C + "hidden-markov-model", "隐马尔可夫模型"),
        (A + "103", "条件随机场与隐马尔可夫模型", C + "conditional-random-field", "条件随机场"),
        (A + "103", "条件随机场与隐马尔可夫模型", C + "hidden-markov-model", "隐马尔可夫模型"),
        (A + "102", "隐马尔可夫模型入门", C + "hidden-markov-model", "隐马尔可夫模型"),
    ]),
    ("posts-mentioning", ["concept=gkbc:markov-chain"], [
        (UNTITLED, UNTITLED_NAME, C + "hidden-markov-model", "隐马尔可夫模型"),
        (A + "103", "条件随机场与隐马尔可夫模型", C + "hidden-markov-model", "隐马尔可夫模型"),
        (A + "101", "浅谈马尔可夫链", C + "markov-chain", "马尔可夫链"),
        (A + "102", "隐马尔可夫模型入门", C + "hidden-markov-model", "隐马尔可夫模型"),
        (A + "102", "隐马尔可夫模型入门", C + "markov-chain", "马尔可夫链"),
    ]),
    ("read-before", ["post=条件随机场与隐马尔可夫模型"], [
        (A + "101", "浅谈马尔可夫链", "2018-03-01", "cites"),
        (A + "102", "隐马尔可夫模型入门", "2019-05-02", "cites, series"),
        (A + "88", "最大熵原理漫谈", None, "cites"),
        (A + "90", "概率论的几个基本问题", None, "cites"),
    ]),
    ("read-before", [f"post={UNTITLED}"], [
        (A + "101", "浅谈马尔可夫链", "2018-03-01", "cites"),
        (A + "102", "隐马尔可夫模型入门", "2019-05-02", "cites"),
        (A + "103", "条件随机场与隐马尔可夫模型", "2020-01-15", "cites"),
        (A + "88", "最大熵原理漫谈", None, "cites"),
        (A + "90", "概率论的几个基本问题", None, "cites"),
    ]),
    ("dangling-references", [], [(A + "88", "最大熵原理漫谈", 2), (A + "90", "概率论的几个基本问题", 1)]),
    ("concept-cooccurrence", [], [
        (C + "conditional-random-field", "条件随机场", C + "hidden-markov-model", "隐马尔可夫模型", 2),
        (C + "conditional-random-field", "条件随机场", C + "probability-theory", "概率论", 1),
        (C + "hidden-markov-model", "隐马尔可夫模型", C + "markov-chain", "马尔可夫链", 1),
        (C + "hidden-markov-model", "隐马尔可夫模型", C + "probability-theory", "概率论", 1),
        (C + "markov-chain", "马尔可夫链", C + "probability-theory", "概率论", 1),
    ]),
    ("concepts-by-year", [], [
        (2018, C + "probability-theory", "概率论"),
        (2018, C + "markov-chain", "马尔可夫链"),
        (2019, C + "hidden-markov-model", "隐马尔可夫模型"),
        (2020, C + "conditional-random-field", "条件随机场"),
    ]),
]


@pytest.fixture(scope="module")
def fixture_store():
    return q.load_graph(str(Path(__file__).parent / "fixtures" / "queries" / "graph.ttl"))


def _run(store, name, params):
    saved = q.saved_queries()[name]
    bound = q.parse_params(params)
    q.check_params(saved, bound)
    return q.run_query(store, saved.text, bound, timeout=60).values()


def test_saved_queries_every_query_has_a_fixture_case():
    assert {c[0] for c in FIXTURE_CASES} == set(q.saved_queries())


@pytest.mark.parametrize("name,params,expected", FIXTURE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(FIXTURE_CASES)])
def test_saved_queries_fixture_rows(fixture_store, name, params, expected):
    assert _run(fixture_store, name, params) == expected
