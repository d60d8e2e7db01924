"""An RDF file written by two processes (export.turtle.SharedWrite) has the bytes one process writes, whoever
claims which blocks, and a failed helper leaves neither the file nor its part behind."""
from __future__ import annotations

import os

import pytest

from graphkb.build import build
from graphkb.demo import CORPUS
from graphkb.export import turtle
from graphkb.export.turtle import SharedWrite, write_rdf
from graphkb.runtime import ChildFailedError, Forked, can_fork


@pytest.fixture(scope="module")
def demo_graph(tmp_path_factory):
    return build([str(CORPUS)], str(tmp_path_factory.mktemp("demo")), formats=["turtle"], cache=False).graph


def _without_concepts(g):
    """A graph whose output starts with a node block, not the concept scheme."""
    h = g.subgraph([n for n, a in g.nodes(data=True) if a["kind"] != "concept"]).copy()
    h.graph.update(g.graph)
    return h


def _serial(g, path, fmt):
    count = write_rdf(g, str(path), fmt)
    return path.read_bytes(), count


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
@pytest.mark.parametrize("who", ["helper-first", "writer-first", "half-each"])
@pytest.mark.parametrize("concepts", [True, False])
def test_shared_write_any_split_gives_the_serial_bytes(demo_graph, tmp_path, monkeypatch, fmt, who, concepts):
    g = demo_graph if concepts else _without_concepts(demo_graph)
    monkeypatch.setattr(turtle, "BLOCK_NODES", 3)
    expected, triples = _serial(g, tmp_path / "serial", fmt)
    share = SharedWrite(g, str(tmp_path / "shared"), fmt)
    if who == "helper-first":  # the helper takes every block: the writer writes the head and appends
        part = share.help(g)
        share.helper_part = lambda: part
    elif who == "writer-first":  # the writer takes every block: the helper finds none and writes an empty part
        share.helper_part = lambda: share.help(g)
    else:  # the helper takes the back half, the writer the front half
        blocks = share._ends[1]
        share._ends[0] = blocks // 2
        part = share.help(g)
        share._ends[0], share._ends[1] = 0, blocks // 2
        assert 0 < blocks // 2 < blocks
        share.helper_part = lambda: part
    count = write_rdf(g, str(tmp_path / "shared"), fmt, share)
    assert (tmp_path / "shared").read_bytes() == expected
    assert count == triples > 0
    assert not os.path.exists(share.tail_path)


@pytest.mark.skipif(not can_fork(), reason="needs the fork start method (Linux, macOS)")
@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_shared_write_with_a_forked_helper_gives_the_serial_bytes(demo_graph, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(turtle, "BLOCK_NODES", 1)  # both processes race for one-node blocks
    expected, _ = _serial(demo_graph, tmp_path / "serial", fmt)
    claimed = {}
    for run in range(3):
        share = SharedWrite(demo_graph, str(tmp_path / f"shared{run}"), fmt)
        child = Forked(share.help, demo_graph)
        share.helper_part = child.result
        write_rdf(demo_graph, str(tmp_path / f"shared{run}"), fmt, share)
        assert (tmp_path / f"shared{run}").read_bytes() == expected
        claimed[run] = list(share._ends)
    assert all(lo == hi for lo, hi in claimed.values())  # every block was written by one side


def _broken_help(g):
    raise OSError("disk full")


def test_shared_write_failed_helper_leaves_nothing(demo_graph, tmp_path, monkeypatch):
    monkeypatch.setattr(turtle, "BLOCK_NODES", 2)
    target = tmp_path / "graph.ttl"
    share = SharedWrite(demo_graph, str(target), "turtle")
    with open(share.tail_path, "wb") as fh:  # a part half written before the helper failed
        fh.write(b"<urn:x> <urn:y> ")
    child = Forked(_broken_help, demo_graph) if can_fork() else None
    share.helper_part = child.result if child else (lambda: _broken_help(demo_graph))
    with pytest.raises(OSError, match="disk full"):
        write_rdf(demo_graph, str(target), "turtle", share)
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.skipif(not can_fork(), reason="needs the fork start method (Linux, macOS)")
def test_shared_write_killed_helper_is_a_clear_error(demo_graph, tmp_path):
    target = tmp_path / "graph.ttl"
    share = SharedWrite(demo_graph, str(target), "turtle")
    child = Forked(os._exit, 3)
    share.helper_part = child.result
    with pytest.raises(ChildFailedError, match="died in a worker process"):
        write_rdf(demo_graph, str(target), "turtle", share)
    assert sorted(os.listdir(tmp_path)) == []


def test_shared_write_refuses_a_format_of_one_document(demo_graph, tmp_path):
    with pytest.raises(ValueError, match="jsonld"):
        SharedWrite(demo_graph, str(tmp_path / "graph.jsonld"), "jsonld")
