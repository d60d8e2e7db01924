"""The process as a resource: how many cores to use, running work in forked children, the garbage collector.

Forking (not spawning) is what makes this pay: the child starts with the parent's memory (the posts, the
assembled graph) and ships back only a small result, so nothing large is pickled (FIELD-NOTES: shipping
spaCy Docs back made ``nlp.pipe(n_process=2)`` slower than one process).
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator

from .errors import GraphKBError


class ChildFailedError(GraphKBError):
    """A forked child died without a result (killed, out of memory) or its error could not be sent back."""


def workers() -> int:
    """Worker processes to use: ``$GRAPHKB_WORKERS``, else the cores this process may run on."""
    env = os.environ.get("GRAPHKB_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork inside this: the objects that exist now are hidden from the cyclic GC (``gc.freeze``), so a
    child's collections do not touch, and so copy, every page of the parent's heap.  Measured on a 10 MB
    corpus: the forked HTML exporter ran 2.7 s instead of 3.4 s."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside this (restored on exit).

    A build allocates millions of small objects that live to its end and form no cycles (mentions, edges,
    triples); every gen-2 collection rescans all of them.  Measured on a 10 MB corpus: 2.4 s of a 14 s build,
    assembly 2.5 s -> 1.0 s.  Reference counting still frees everything acyclic at once.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _child(conn, fn: Callable, args: tuple) -> None:
    try:
        result = ("ok", fn(*args))
    except BaseException as e:  # sent back and raised in the parent
        result = ("error", e)
    try:
        conn.send(result)
    except Exception as e:  # an unpicklable result or exception
        conn.send(("error", ChildFailedError(f"{fn.__name__} failed: {result[1]!r} (and could not report it: {e})")))
    finally:
        conn.close()


class Forked:
    """``fn(*args)`` running in a forked child; ``result()`` waits and returns its value or raises its exception.

    The child is a daemon: if the parent fails first, the child is killed with it.
    """

    def __init__(self, fn: Callable, *args):
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._name = getattr(fn, "__name__", "task")
        self._proc = ctx.Process(target=_child, args=(child_conn, fn, args), daemon=True)
        with frozen_heap():
            self._proc.start()
        child_conn.close()

    def result(self):
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._proc.join()
            raise ChildFailedError(f"{self._name} died in a worker process (exit code {self._proc.exitcode}); "
                                   "nothing it wrote was kept") from None
        finally:
            self._conn.close()
        self._proc.join()
        if status == "error":
            raise value
        return value

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._conn.close()
