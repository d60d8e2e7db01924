"""Shared fixtures: paths to our own fixtures, the demo corpus, and (when present) ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("GRAPHKB_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared() -> Path:
    """The team's shared evaluation data; tests that need it skip when it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"shared evaluation data not found at {SHARED} (set GRAPHKB_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The bundled demo corpus built once per test session: (BuildResult, output folder)."""
    from graphkb.build import build
    from graphkb.demo import CORPUS

    out = tmp_path_factory.mktemp("demo-output")
    return build([str(CORPUS)], str(out)), out
