"""Crash safety: a build killed (SIGKILL) at any moment leaves the previous output complete and valid.

Real ``graphkb build`` processes on a generated corpus (benchmarks/generate.py, ~0.4 MB, a few seconds
of work), killed at 10 %, 50 % and 90 % of a measured normal run and while exporting; two builds racing
for one folder; a kill between the final renames.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("graph.ttl", "graph.html", "report.json")
CORPUS_MB = "0.4"  # ~380 posts: 5-15 s of work on 2 cores, long enough to kill at chosen moments


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphkb.cli", "build", *args]


def _generate(out: Path, seed: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--size-mb", CORPUS_MB, "--seed", str(seed),
                    "--out", str(out)], check=True, capture_output=True)
    return out


def _run(corpus: Path, out: Path) -> float:
    t = time.monotonic()
    r = subprocess.run(_cli(str(corpus), "--out", str(out), "-q"), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return time.monotonic() - t


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def _assert_valid(out: Path) -> dict:
    """Every output parses; returns report.json."""
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(store) > 1000
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _temp_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Corpus A built (the previous output, and how long a build takes); corpus B built once as reference."""
    base = tmp_path_factory.mktemp("crash")
    old_corpus, new_corpus = _generate(base / "a", 11), _generate(base / "b", 12)
    previous = base / "previous"
    seconds = _run(old_corpus, previous)
    reference = base / "reference"
    _run(new_corpus, reference)
    return {"old": old_corpus, "new": new_corpus, "previous": previous, "reference": reference, "seconds": seconds}


def _previous_copy(builds, tmp_path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(builds["previous"], out)
    return out


def _assert_old_or_new(out: Path, builds) -> None:
    old, new = _snapshot(builds["previous"]), _snapshot(builds["reference"])
    report = _assert_valid(out)
    for name in ("graph.ttl", "graph.html"):
        data = (out / name).read_bytes()
        assert data in (old[name], new[name]), f"{name} is neither the previous nor the new build's"
    assert report["posts"] in (json.loads(old["report.json"])["posts"], json.loads(new["report.json"])["posts"])


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_crash_safety_sigkill_keeps_previous_output(builds, tmp_path, fraction):
    out = _previous_copy(builds, tmp_path)
    proc = subprocess.Popen(_cli(str(builds["new"]), "--out", str(out), "-q"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=fraction * builds["seconds"])
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    _assert_old_or_new(out, builds)


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 600) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()``; False when it ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    return False


def test_crash_safety_sigkill_while_exporting_keeps_previous_output(builds, tmp_path):
    out = _previous_copy(builds, tmp_path)
    previous = _snapshot(out)
    proc = subprocess.Popen(_cli(str(builds["new"]), "--out", str(out), "-q"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = _kill_when(proc, lambda: bool(_temp_files(out)))
    assert killed, "the build ended before any output was being written"
    assert _snapshot(out) == previous
    _assert_valid(out)


def test_crash_safety_next_build_removes_leftover_temp_files(builds, tmp_path, fixtures):
    out = _previous_copy(builds, tmp_path)
    proc = subprocess.Popen(_cli(str(builds["new"]), "--out", str(out), "-q"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait until the first output is complete under its temp name: the kill leaves it (and maybe more) behind
    assert _kill_when(proc, lambda: (out / ".graph.ttl.staged.tmp").exists())
    assert _temp_files(out)
    r = subprocess.run(_cli(str(fixtures / "readers"), "--out", str(out), "-q"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert _temp_files(out) == []
    assert _assert_valid_small(out)["posts"] > 0


def _assert_valid_small(out: Path) -> dict:
    ox.Store().load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from graphkb.build import build
renames = [0]
real_replace = os.replace
def replace(src, dst):
    if src.endswith(".staged.tmp"):
        renames[0] += 1
        if renames[0] == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)
os.replace = replace
build([sys.argv[1]], sys.argv[2])
"""


@pytest.mark.parametrize("kill_at_rename", [3])
def test_crash_safety_sigkill_between_final_renames_leaves_complete_files(builds, tmp_path, kill_at_rename):
    out = _previous_copy(builds, tmp_path)
    r = subprocess.run([sys.executable, "-c", _KILL_BETWEEN_RENAMES, str(builds["new"]), str(out), str(kill_at_rename)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == -signal.SIGKILL, r.stderr
    _assert_old_or_new(out, builds)
    old, new = _snapshot(builds["previous"]), _snapshot(builds["reference"])
    assert (out / "graph.ttl").read_bytes() == new["graph.ttl"]  # the first rename happened
    assert json.loads((out / "report.json").read_bytes())["posts"] == json.loads(old["report.json"])["posts"]


def test_crash_safety_two_builds_racing_one_fails_clearly(builds, tmp_path):
    out = _previous_copy(builds, tmp_path)
    procs = [subprocess.Popen(_cli(str(builds[k]), "--out", str(out), "-q"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in ("old", "new")]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert loser.startswith("graphkb: error: another graphkb build is writing") and "Traceback" not in loser
    _assert_old_or_new(out, builds)
    assert _temp_files(out) == []


_CACHE_WRITER = """
import sys
from graphkb.cache import ExtractionCache
cache = ExtractionCache(sys.argv[1])
batch = 0
while True:  # batches of 200 entries, each value naming its own key, until killed
    items = {f"{batch}:{i}": (f"{batch}:{i}", "正文" * 500, batch) for i in range(200)}
    cache.put_many("ns", items)
    print(batch, flush=True)
    batch += 1
"""


@pytest.mark.parametrize("batches_before_kill", [3, 20])
def test_crash_safety_sigkill_during_cache_writes_serves_no_half_entry(tmp_path, batches_before_kill):
    from graphkb.cache import ExtractionCache

    path = str(tmp_path / "cache" / "extractions.sqlite")
    proc = subprocess.Popen([sys.executable, "-c", _CACHE_WRITER, path], stdout=subprocess.PIPE, text=True)
    for _ in range(batches_before_kill):  # killed in the middle of a later batch's transaction, or between two
        assert proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    cache = ExtractionCache(path)
    try:
        keys = [f"{b}:{i}" for b in range(batches_before_kill + 50) for i in range(200)]
        got = cache.get_many("ns", keys)
    finally:
        cache.close()
    batches = {}
    for key, value in got.items():
        assert value == (key, "正文" * 500, int(key.split(":")[0]))  # never a torn or foreign value
        batches.setdefault(value[2], 0)
        batches[value[2]] += 1
    assert all(n == 200 for n in batches.values())  # a batch is all there or not at all
    assert set(range(batches_before_kill)) <= set(batches)
