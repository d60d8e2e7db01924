"""A large graph is loaded into an on-disk store once; later queries reopen it; a rebuilt graph gets a
new store; a killed load is never trusted; a folder that cannot be written falls back to memory."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graphkb import query as q
from graphkb import querystore

FIXTURE = Path(__file__).parent / "fixtures" / "queries" / "graph.ttl"
TITLES = "SELECT ?t WHERE { ?p <https://schema.org/name> ?t } ORDER BY ?t"


@pytest.fixture
def graph(tmp_path, monkeypatch):
    monkeypatch.setattr(querystore, "PERSIST_MIN_BYTES", 0)  # the fixture counts as large
    monkeypatch.delenv("GRAPHKB_CACHE_DIR", raising=False)
    path = tmp_path / "out" / "graph.ttl"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def _stores(graph) -> list[str]:
    root = Path(querystore.store_root(str(graph)))
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _titles(store) -> list[str]:
    return [row[0] for row in q.run_query(store, TITLES).values()]


def test_querystore_built_once_then_reopened(graph, monkeypatch):
    first = q.load_graph(str(graph), persist=True)
    assert _titles(first) == _titles(q.load_graph(str(graph)))  # the same answers as in memory
    assert len(_stores(graph)) == 1
    del first

    def no_parsing(*args, **kwargs):
        raise AssertionError("the graph was parsed again")

    monkeypatch.setattr(querystore, "_load", no_parsing)
    again = q.load_graph(str(graph), persist=True)
    assert _titles(again) and len(_stores(graph)) == 1


def test_querystore_rebuilt_graph_gets_a_new_store(graph):
    q.load_graph(str(graph), persist=True)
    old = _stores(graph)
    text = graph.read_text(encoding="utf-8").replace('"随手记：读书"', '"随手记：重读"')
    graph.write_text(text, encoding="utf-8")
    os.utime(graph, ns=(1, 2_000_000_000_000_000_000))
    store = q.load_graph(str(graph), persist=True)
    assert "随手记：重读" in _titles(store) and "随手记：读书" not in _titles(store)
    assert len(_stores(graph)) == 1 and _stores(graph) != old  # the stale store is gone


def test_querystore_killed_load_is_not_trusted(graph):
    prefix, name = querystore._names(str(graph))
    root = Path(querystore.store_root(str(graph)))
    half = root / name  # a folder under the final name but without the completion mark
    half.mkdir(parents=True)
    (half / "garbage").write_text("x")
    dead = root / f"{name}.tmp-999999999"  # a temporary folder of a load whose process is gone
    dead.mkdir()
    store = q.load_graph(str(graph), persist=True)
    assert _titles(store) == _titles(q.load_graph(str(graph)))
    assert not dead.exists() and not (half / "garbage").exists()
    assert _stores(graph) == [name] and (half / querystore._COMPLETE).exists()


def test_querystore_unwritable_folder_falls_back_to_memory(graph, monkeypatch):
    monkeypatch.setenv("GRAPHKB_CACHE_DIR", "/proc/graphkb-cannot-write-here")
    store = q.load_graph(str(graph), persist=True)
    assert _titles(store)


def test_querystore_small_graph_stays_in_memory(graph, monkeypatch):
    monkeypatch.setattr(querystore, "PERSIST_MIN_BYTES", 10**12)
    assert _titles(q.load_graph(str(graph), persist=True))
    assert _stores(graph) == []


def test_querystore_broken_graph_is_a_clear_error_and_leaves_nothing(graph):
    from graphkb.errors import GraphKBError

    graph.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(GraphKBError, match="cannot read"):
        q.load_graph(str(graph), persist=True)
    assert _stores(graph) == []
