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


# --- hypothesis: fuzz profiles, and a count of the generated cases that ran -------------------
# "ci" (the default) is reproducible: derandomized, no example database, a fixed number of examples.
# GRAPHKB_HYPOTHESIS_PROFILE=thorough runs 20x more, randomized, remembering failures in .hypothesis/.
from collections import Counter  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", max_examples=100, derandomize=True, database=None, deadline=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("GRAPHKB_HYPOTHESIS_PROFILE", "ci"))

FUZZ_CASES: Counter = Counter()


@pytest.fixture(scope="session")
def fuzz_cases() -> Counter:
    """Fuzz tests count every case they run here; the total is printed at the end of the session."""
    return FUZZ_CASES


def pytest_terminal_summary(terminalreporter):
    if FUZZ_CASES:
        terminalreporter.write_line(f"fuzz: {sum(FUZZ_CASES.values())} cases ran in {len(FUZZ_CASES)} fuzz tests "
                                    f"(hypothesis profile {settings.get_current_profile_name()})")
        if terminalreporter.verbosity > 0:
            for name, n in sorted(FUZZ_CASES.items()):
                terminalreporter.write_line(f"  {n:6d}  {name}")
