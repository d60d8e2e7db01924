"""The citation figures of issue 4, measured by the team's score.py on the shared corpora (skipped without them)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.shared]


def _score(shared, tmp_path_factory, corpus: str, inputs: str) -> dict:
    from graphkb.build import build

    out = tmp_path_factory.mktemp(corpus)
    build([str(shared / "corpus" / corpus / inputs)], str(out), formats=["turtle"])
    run = subprocess.run([sys.executable, str(shared / "tools" / "score.py"), str(out / "graph.ttl"),
                          str(shared / "corpus" / corpus / "gold.json"), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _ratio(fraction: str) -> float:
    a, b = fraction.split("/")
    return int(a) / int(b)


@pytest.fixture(scope="module")
def seeds(shared, tmp_path_factory):
    return _score(shared, tmp_path_factory, "seeds", "")


@pytest.fixture(scope="module")
def kexue_dev(shared, tmp_path_factory):
    return _score(shared, tmp_path_factory, "kexue-dev", "posts")


def test_citations_seeds_found(seeds):
    assert int(seeds["citations_found"].split("/")[0]) >= 22, seeds["citation_misses"]


def test_citations_seeds_kind(seeds):
    assert int(seeds["citation_kind_ok"].split("/")[0]) >= 20


def test_citations_seeds_no_internal_edge_outside_gold(seeds):
    assert seeds["internal_edges_not_in_gold"] == 0


@pytest.mark.slow
def test_citations_seeds_kexue_dev_found(kexue_dev):
    assert _ratio(kexue_dev["citations_found"]) >= 0.95, kexue_dev["citation_misses"]


@pytest.mark.slow
def test_citations_seeds_kexue_dev_internal_edge_precision(kexue_dev):
    assert kexue_dev["internal_edge_precision"] >= 0.98


@pytest.mark.slow
def test_citations_seeds_kexue_dev_kind(kexue_dev):
    assert _ratio(kexue_dev["citation_kind_ok"]) >= 0.90
