"""An on-disk Oxigraph store kept beside a large graph file, so that ``graphkb query`` parses it once.

Loading Turtle into memory costs ~5 s per million triples (39-43 s for the 8M triples of a 90k-post
corpus) on every ``graphkb query``.  For a graph file of ``PERSIST_MIN_BYTES`` or more the first query
bulk-loads it into an Oxigraph store on disk (2-3x slower than into memory, once); every later query
opens that store read-only in ~0.03 s.  The store's folder name carries the graph file's size and
modification time: a rebuilt graph gets a new store and the old one is deleted.

The store is built in a temporary folder and renamed into place only when complete, so a killed
first query never leaves a half-loaded store that a later one would trust.  ``graphkb serve`` points
Oxigraph's server (the same 0.5 storage format) at the same store instead of loading the graph anew.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil

import pyoxigraph as ox

PERSIST_MIN_BYTES = 32 * 2**20  # smaller graphs load into memory in a few seconds: no store on disk
_COMPLETE = "graphkb-complete"


def store_root(graph_path: str) -> str:
    """Where stores for ``graph_path`` live: ``$GRAPHKB_CACHE_DIR`` or ``.graphkb-cache`` beside the graph."""
    from .cache import cache_root

    return cache_root(os.path.dirname(os.path.abspath(graph_path)))


def _names(graph_path: str) -> tuple[str, str]:
    """(prefix shared by every store of this graph file, the name of the store for its current bytes)."""
    real = os.path.realpath(graph_path)
    st = os.stat(real)
    prefix = "query-store-" + hashlib.sha1(real.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return prefix, f"{prefix}-{st.st_size}-{st.st_mtime_ns}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_others(root: str, prefix: str, keep: str) -> None:
    """Stores of older versions of the graph, and temporary folders of loads that died."""
    for name in os.listdir(root):
        if not name.startswith(prefix + "-") or name == keep:
            continue
        if ".tmp-" in name:
            pid = name.rsplit(".tmp-", 1)[1]
            if pid.isdigit() and _alive(int(pid)):
                continue  # another process is loading it right now
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def _load(folder: str, graph_path: str, fmt: ox.RdfFormat) -> None:
    store = ox.Store(folder)
    store.bulk_load(path=graph_path, format=fmt)
    store.flush()  # the store closes when it goes out of scope here, before the folder is renamed


def persisted_folder(graph_path: str, fmt: ox.RdfFormat) -> str | None:
    """The folder of a complete on-disk store holding ``graph_path``, built on first use; None when the
    graph is small or no store can be written there (a read-only folder)."""
    try:
        if os.path.getsize(graph_path) < PERSIST_MIN_BYTES:
            return None
        root = store_root(graph_path)
        prefix, name = _names(graph_path)
        final = os.path.join(root, name)
        if not os.path.exists(os.path.join(final, _COMPLETE)):
            shutil.rmtree(final, ignore_errors=True)  # not ours to trust (stores only ever appear complete)
            os.makedirs(root, exist_ok=True)
            tmp = f"{final}.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                _load(tmp, graph_path, fmt)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            with open(os.path.join(tmp, _COMPLETE), "w") as fh:
                fh.write(graph_path + "\n")
            try:
                os.replace(tmp, final)
            except OSError:  # another process finished the same store first: use theirs
                shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(OSError):
            _remove_others(root, prefix, name)
        return final
    except OSError:
        return None


def open_persisted(graph_path: str, fmt: ox.RdfFormat) -> ox.Store | None:
    """``persisted_folder`` opened read-only, or None (the caller then loads the graph into memory)."""
    folder = persisted_folder(graph_path, fmt)
    if folder is None:
        return None
    try:
        return ox.Store.read_only(folder)
    except OSError:
        return None
