"""A per-post extraction cache: SQLite (one transaction per write, so no half-written entry is ever read).

Entries are keyed by what determines them: the post body's hash, the extractor's code version, and,
for concept mentions, the concept base's fingerprint.  A changed post, a changed concept base or a new
graphkb version therefore misses; everything else is served from disk.  The same file keeps what the
exporters remember from one build for the next (``export:*``, see ``graphkb.export.memo``).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping

SCHEMA_VERSION = 3  # 3: aliases:/refs: (2 had first:, both in one entry); 1 had aliases:/text:


def cache_root(folder: str) -> str:
    """Where graphkb keeps what it can rebuild for the outputs in ``folder`` (the extraction cache, query
    stores): ``$GRAPHKB_CACHE_DIR``, or the hidden folder ``.graphkb-cache`` inside ``folder``."""
    return os.environ.get("GRAPHKB_CACHE_DIR") or os.path.join(folder, ".graphkb-cache")


def body_hash(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# cache file (absolute path) -> the writes queued for it while ``deferred_writes`` is active
_DEFERRED: dict[str, list[tuple[str, tuple]]] = {}


class ExtractionCache:
    """``get_many``/``put_many`` of pickled plain tuples under (namespace, key).

    Inside ``deferred_writes(path)`` the writes (``put_many``, ``prune``, ``retain``) are queued, to be
    made later in another process; reads go to the file as always."""

    def __init__(self, path: str):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.path = path
        self._queue = _DEFERRED.get(os.path.abspath(path))
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS entries (ns TEXT, k TEXT, v BLOB, PRIMARY KEY (ns, k))")
        row = self.db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM entries")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("COMMIT")

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, object]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, object] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT k, v FROM entries WHERE ns=? AND k IN ({','.join('?' * len(chunk))})"
            for k, v in self.db.execute(q, (ns, *chunk)):
                try:
                    out[k] = pickle.loads(v)
                except Exception:  # noqa: BLE001 - a corrupt entry is a miss, never an error
                    continue
        return out

    def put_many(self, ns: str, items: Mapping[str, object]) -> None:
        if not items:
            return
        if self._queue is not None:
            self._queue.append(("put_many", (ns, dict(items))))  # (a copy: the caller may go on changing its dict)
            return
        rows = [(ns, k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def prune(self, ns: str, keep: Iterable[str]) -> None:
        """Drop the entries of ``ns`` not in ``keep`` (posts deleted or edited since)."""
        keep = set(keep)
        if self._queue is not None:
            self._queue.append(("prune", (ns, keep)))
            return
        stale = [k for (k,) in self.db.execute("SELECT k FROM entries WHERE ns=?", (ns,)) if k not in keep]
        if stale:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM entries WHERE ns=? AND k=?", [(ns, k) for k in stale])
            self.db.execute("COMMIT")

    def retain(self, ns: str, keys: Iterable[str]) -> None:
        """Keep, of the namespaces of ``ns``'s kind (the part before its first ':'), only ``ns``'s entries
        under ``keys``: other code versions, concept bases or corpora, and posts since deleted or edited."""
        self.prune(ns, keys)
        self.drop_other_namespaces({ns}, prefix=ns.split(":", 1)[0] + ":")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def drop_other_namespaces(self, keep: set[str], prefix: str = "") -> None:
        """Forget entries made for another code version, concept base or corpus: they can never be served
        again.  Only namespaces starting with ``prefix`` are considered (each stage keeps its own)."""
        if self._queue is not None:
            self._queue.append(("drop_other_namespaces", (set(keep), prefix)))
            return
        stale = [ns for (ns,) in self.db.execute("SELECT DISTINCT ns FROM entries")
                 if ns.startswith(prefix) and ns not in keep]
        if stale:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM entries WHERE ns=?", [(ns,) for ns in stale])
            self.db.execute("COMMIT")


class DeferredWrites:
    """The writes queued by ``deferred_writes``.  Entering it (``with``) starts making them in a forked
    child, in the order they were asked for, while this process goes on; leaving it, or ``wait()``, waits
    for the child (leaving it on an interrupt stops the child)."""

    def __init__(self, path: str | None):
        self.path = path
        self.ops: list[tuple[str, tuple]] = []
        self._child = None

    def __enter__(self) -> "DeferredWrites":
        """Make the queued writes: in a forked child where the platform forks, else here and now.  This
        process lets go of what the writes hold (the child has its own copy)."""
        from .runtime import Forked, can_fork

        ops, self.ops = self.ops, []
        if ops and can_fork():
            self._child = Forked(_write, self.path, ops)
        elif ops:  # pragma: no cover - not Linux
            _write(self.path, ops)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and not issubclass(exc_type, Exception):  # interrupted: stop writing at once
            child, self._child = self._child, None  # (SQLite rolls an unfinished write back)
            if child is not None:
                child.cancel()
            return
        self.wait()  # (after an error too: what was extracted is kept for the next build)

    def wait(self) -> str | None:
        """Wait for the writes; None when they were made (or there were none), else why not: the cache
        then lacks them, and the next build extracts those posts again (nothing is lost but time)."""
        child, self._child = self._child, None
        if child is None:
            return None
        try:
            child.result()
        except Exception as e:  # noqa: BLE001 - a cache that could not be written costs time, not output
            return f"{type(e).__name__}: {e}"
        return None


def _write(path: str, ops: list[tuple[str, tuple]]) -> None:
    with ExtractionCache(path) as cache:
        for name, args in ops:
            getattr(cache, name)(*args)


@contextlib.contextmanager
def deferred_writes(path: str | None) -> Iterator[DeferredWrites]:
    """Inside this, writes to the cache at ``path`` (none when None) are queued on the DeferredWrites it
    yields instead of made; enter that afterwards to have them made while the caller goes on.

    Filling the cache (pickling every post's results, SQLite) cost the first build of a corpus ~1 s at
    9k posts and ~13 s at 90k, in the process whose part of the extraction is the longest; the build
    queues those writes and has a forked child make them while it assembles the graph (one core is idle then).
    """
    pending = DeferredWrites(path)
    key = os.path.abspath(path) if path else None
    if key is None or key in _DEFERRED:  # nothing to write, or deferred further out already
        yield pending
        return
    _DEFERRED[key] = pending.ops
    try:
        yield pending
    finally:
        del _DEFERRED[key]
