"""Per-post extraction for a whole corpus: a process pool on every core, and a cache on disk.

Each post's work is a pure function of its text (and, for concept mentions, of the concept base), so
it is cached by content hash and spread over worker processes that return plain tuples only (FIELD-NOTES:
shipping spaCy Docs back made ``nlp.pipe(n_process=2)`` slower than one process).  Workers are forked
after the posts and the matcher exist, so nothing but small results crosses a process boundary.
"""
from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Sequence

from .. import __version__
from ..cache import ExtractionCache, body_hash
from ..model import CitationRef, Extraction, MinedAlias, Post, group_mentions
from ..runtime import can_fork, frozen_heap, workers

# Bump when an extractor's output changes for the same input (the package version is part of it too).
EXTRACTOR_VERSION = f"{__version__}+2"
MIN_PARALLEL_POSTS = 400  # below this a pool costs more than it saves

_STATE: dict = {}  # what forked workers read: the posts and the matcher (set before the pool starts)


def _pool_map(fn: Callable[[int], object], indices: Sequence[int], progress: Callable[[int], None] | None = None):
    """``fn`` over ``indices``, in order, on forked workers when it pays."""
    n = workers()
    if n <= 1 or len(indices) < MIN_PARALLEL_POSTS or not can_fork():
        out = []
        for k, i in enumerate(indices, start=1):
            out.append(fn(i))
            if progress and k % 200 == 0:
                progress(k)
        return out
    chunk = max(16, min(512, len(indices) // (n * 8) or 1))
    out = []
    with frozen_heap():
        pool = multiprocessing.get_context("fork").Pool(n)
    with pool:
        for k, r in enumerate(pool.imap(fn, indices, chunksize=chunk), start=1):
            out.append(r)
            if progress and k % 200 == 0:
                progress(k)
    return out


def _mine(i: int) -> tuple[MinedAlias, ...]:
    from .aliases import mine_aliases

    return mine_aliases(_STATE["posts"][i].body)


def _text(i: int) -> tuple[tuple, tuple[CitationRef, ...]]:
    from .citations import extract_citations
    from .matcher import find_in_post

    p = _STATE["posts"][i]
    return group_mentions(find_in_post(_STATE["matcher"], p.title, p.body)), extract_citations(p.body)


def _cached(cache: ExtractionCache | None, ns: str, keys: list[str], fn, posts: list[Post], progress=None,
            prepare: Callable[[], None] | None = None) -> list:
    """``fn(i)`` for every post, served from ``cache`` under ``keys`` where possible; ``prepare()`` runs first
    (before the workers fork) only when some post is not in the cache."""
    hit = cache.get_many(ns, keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in hit]
    if todo and prepare is not None:
        prepare()
    _STATE["posts"] = posts
    fresh = _pool_map(fn, todo, progress)
    new = {keys[i]: r for i, r in zip(todo, fresh)}
    if cache is not None:
        cache.put_many(ns, new)
    hit.update(new)
    return [hit[k] for k in keys]


def extract_corpus(posts: list[Post], base_loader: Callable[[list], tuple], *, cache_path: str | None = None,
                   notify: Callable[[str, int, int], None] | None = None) -> tuple[dict[str, Extraction], object, list]:
    """Mine aliases in every post, extend the concept base with them, then find mentions and citations.

    ``base_loader(mined)`` returns (extended base, alias rows).  Returns (extractions by post key, base, rows).
    """
    from .matcher import ConceptMatcher

    notify = notify or (lambda stage, done, total: None)
    cache = ExtractionCache(cache_path) if cache_path else None
    try:
        texts = [body_hash(f"{p.title or ''}\x00{p.body}") for p in posts]
        mined_all = _cached(cache, f"aliases:{EXTRACTOR_VERSION}", texts, _mine, posts,
                            lambda k: notify("aliases", k, len(posts)))
        base, rows = base_loader([(p.key, a) for p, ms in zip(posts, mined_all) for a in ms])
        fp = hashlib.sha1(f"{EXTRACTOR_VERSION}\x00{base.fingerprint}".encode()).hexdigest()[:16]
        found = _cached(cache, f"text:{fp}", texts, _text, posts, lambda k: notify("extract", k, len(posts)),
                        prepare=lambda: _STATE.update(matcher=ConceptMatcher(base)))  # ~0.3 s: only when needed
        notify("extract", len(posts), len(posts))
        if cache is not None:
            cache.prune(f"aliases:{EXTRACTOR_VERSION}", texts)
            cache.prune(f"text:{fp}", texts)
            cache.drop_other_namespaces({f"aliases:{EXTRACTOR_VERSION}"}, prefix="aliases:")
            cache.drop_other_namespaces({f"text:{fp}"}, prefix="text:")
    finally:
        _STATE.clear()
        if cache is not None:
            cache.close()
    extractions = {p.key: Extraction(concepts=ms, citations=cs, aliases=al)
                   for p, (ms, cs), al in zip(posts, found, mined_all)}
    return extractions, base, rows
