"""What one build's exporters keep for the next build's: where each block of the Turtle file lies and
what it was made from, the explorer's layout and communities.

One pickled value per name, in the build cache (``graphkb.cache``).  An exporter takes what it loads as a
hint that it checks before use (a block's bytes against their digest, a layout against a key of the drawn
graph), so a stale, foreign or lost memo costs time, never a wrong output; ``graphkb build --no-cache``
uses none.
"""
from __future__ import annotations

import functools
import hashlib
import os


class ExportMemo:
    """The memo of the build writing ``out_dir``, kept in the cache file ``cache_path``.  It holds no
    connection between calls, so a forked exporter may use it as well as the parent."""

    def __init__(self, cache_path: str, out_dir: str):
        self.cache_path, self.out_dir = cache_path, out_dir

    def previous(self, filename: str) -> str:
        """Where the last build published ``filename`` (still in place while this build writes its own)."""
        return os.path.join(self.out_dir, filename)

    def load(self, name: str) -> object | None:
        from ..cache import ExtractionCache

        with ExtractionCache(self.cache_path) as cache:
            return cache.get_many(f"export:{name}", ["last"]).get("last")

    def save(self, name: str, value: object) -> None:
        from ..cache import ExtractionCache

        with ExtractionCache(self.cache_path) as cache:
            cache.put_many(f"export:{name}", {"last": value})


@functools.lru_cache(maxsize=None)
def code_key(*modules: str) -> bytes:
    """A hash of graphkb's version and the source files of ``modules`` (dotted names): what a memo entry
    was made by, so that a changed exporter never reuses what its old code made (its version need not change)."""
    import importlib

    from .. import __version__

    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for name in modules:
        path = getattr(importlib.import_module(name), "__file__", None) or ""
        try:
            with open(path, "rb") as fh:
                h.update(fh.read())
        except OSError:  # no source beside the compiled module: its name, and the version, stand for it
            h.update(name.encode())
    return h.digest()
