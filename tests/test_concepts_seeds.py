"""The issue's done-when figures on the shared seeds, measured with shared/tools/score.py."""
from __future__ import annotations

import importlib.util

import pytest

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeds_score(shared, tmp_path_factory):
    import json

    from graphkb.build import build

    out = tmp_path_factory.mktemp("seeds")
    build([str(shared / "corpus" / "seeds")], str(out))
    spec = importlib.util.spec_from_file_location("score", shared / "tools" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = json.loads((shared / "corpus" / "seeds" / "gold.json").read_text(encoding="utf-8"))
    return score.score(str(out / "graph.ttl"), gold)


def ratio(s: str) -> tuple[int, int]:
    a, b = s.split("/")
    return int(a), int(b)


@pytest.mark.parametrize("measure,least", [("same_concept_ok", 12), ("must_mentions", 68)])
def test_concepts_seeds_recall(seeds_score, measure, least):
    assert ratio(seeds_score[measure])[0] >= least, seeds_score


@pytest.mark.parametrize("measure", ["must_not_violations"])
def test_concepts_seeds_no_false_mentions(seeds_score, measure):
    assert ratio(seeds_score[measure])[0] == 0, seeds_score["violations"]
