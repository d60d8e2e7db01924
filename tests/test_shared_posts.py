"""The Done-when figures of the spine on the team's shared corpora (skipped when ../shared is absent)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graphkb.build import build


def _score(shared, ttl, gold):
    out = subprocess.run([sys.executable, str(shared / "tools" / "score.py"), str(ttl), str(gold), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.shared
def test_shared_seeds_posts_dates_readers(shared, tmp_path):
    build([str(shared / "corpus" / "seeds")], str(tmp_path), formats=("turtle",))
    r = _score(shared, tmp_path / "graph.ttl", shared / "corpus" / "seeds" / "gold.json")
    assert (r["posts_found"], r["post_dates_ok"], r["post_readers_ok"], r["duplicate_post_nodes"]) == \
        ("38/38", "38/38", "38/38", 0)


@pytest.mark.shared
@pytest.mark.slow
def test_shared_kexue_dev_every_post_with_date(shared, tmp_path):
    result = build([str(shared / "corpus" / "kexue-dev" / "posts")], str(tmp_path), formats=("turtle",))
    assert len(result.posts) == 495
    assert all(p.date and not p.date.startswith("--") for p in result.posts)
    r = _score(shared, tmp_path / "graph.ttl", shared / "corpus" / "kexue-dev" / "gold.json")
    assert r["posts_found"] == "495/495" and r["post_dates_ok"] == "495/495"
