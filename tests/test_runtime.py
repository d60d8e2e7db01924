"""graphkb.runtime: forked children hand back results and errors, and exports written in a forked child
give the same files as exports written one after the other."""
from __future__ import annotations

import gc
import os
import signal

import pytest

from graphkb import build as build_module
from graphkb.build import build
from graphkb.demo import CORPUS
from graphkb.runtime import ChildFailedError, Forked, can_fork, collector_paused, frozen_heap

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs the fork start method (Linux, macOS)")


def _square(x):
    return x * x


def _fail(message):
    raise ValueError(message)


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _unpicklable():
    return lambda: None


def test_runtime_forked_returns_the_childs_value():
    assert Forked(_square, 7).result() == 49


def test_runtime_forked_raises_the_childs_exception_in_the_parent():
    with pytest.raises(ValueError, match="broken exporter"):
        Forked(_fail, "broken exporter").result()


def test_runtime_forked_child_killed_is_a_clear_error():
    with pytest.raises(ChildFailedError, match="_die died in a worker process"):
        Forked(_die).result()


def test_runtime_forked_unpicklable_result_is_reported_not_lost():
    with pytest.raises(ChildFailedError, match="could not report it"):
        Forked(_unpicklable).result()


def test_runtime_collector_paused_restores_the_collector():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_runtime_frozen_heap_unfreezes_after():
    with frozen_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


FORMATS = ["turtle", "html", "nt", "graphml"]


def _outputs(out) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.html", "graph.nt", "graph.graphml")}


def test_runtime_parallel_exports_write_the_same_files_as_serial(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKB_WORKERS", "1")
    build([str(CORPUS)], str(tmp_path / "serial"), formats=FORMATS, cache=False)
    monkeypatch.setenv("GRAPHKB_WORKERS", "2")
    monkeypatch.setattr(build_module, "PARALLEL_EXPORT_MIN", 0)
    forked = []
    import graphkb.runtime as runtime  # build imports Forked from it when it exports

    class Spy(runtime.Forked):
        def __init__(self, fn, *args):
            forked.append([fmt for fmt, _ in args[1]])
            super().__init__(fn, *args)

    monkeypatch.setattr(runtime, "Forked", Spy)
    result = build([str(CORPUS)], str(tmp_path / "parallel"), formats=FORMATS, cache=False)
    assert forked == [["html", "nt", "graphml"]]  # Turtle stays in the parent
    assert result.stats["triples"] > 0
    assert _outputs(tmp_path / "parallel") == _outputs(tmp_path / "serial")


def test_runtime_failed_forked_export_keeps_the_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([str(CORPUS)], str(out), cache=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setenv("GRAPHKB_WORKERS", "2")
    monkeypatch.setattr(build_module, "PARALLEL_EXPORT_MIN", 0)
    import graphkb.export.html as html

    def broken(g, path):
        with open(path, "w") as fh:
            fh.write("half a page")
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(html, "write_html", broken)
    with pytest.raises(ChildFailedError, match="died in a worker process"):
        build([str(CORPUS)], str(out), cache=False)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


@pytest.mark.parametrize("workers", ["1", "2"])
def test_runtime_extraction_records_are_freed_before_export(tmp_path, monkeypatch, workers):
    """With the collector paused, one reference cycle reaching a stage's frame would keep every extraction
    record (mentions, citation contexts) alive through the export: nothing may survive the stage."""
    from graphkb.extract import run
    from graphkb.model import CitationRef, Extraction

    monkeypatch.setenv("GRAPHKB_WORKERS", workers)
    monkeypatch.setattr(run, "MIN_PARALLEL_POSTS", 1)
    alive = []

    def progress(stage, done, total):
        if stage == "export" and not alive:
            objs = gc.get_objects()
            alive.append((sum(isinstance(o, Extraction) for o in objs), sum(isinstance(o, CitationRef) for o in objs)))

    result = build([str(CORPUS)], str(tmp_path), cache=False, progress=progress)
    assert result.stats["mentions"] > 0 and result.stats["citations"] > 0
    assert alive == [(0, 0)]
