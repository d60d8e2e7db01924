"""Per-post extraction for a whole corpus: a process pool on every core, and a cache on disk.

Each post's work is a pure function of its text (and, for concept mentions, of the concept base), so
it is cached by content hash and spread over worker processes that return plain tuples only (FIELD-NOTES:
shipping spaCy Docs back made ``nlp.pipe(n_process=2)`` slower than one process).  Workers are forked
after the posts and the matcher exist, so nothing but small results crosses a process boundary.
"""
from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Mapping, Sequence

from .. import __version__
from ..cache import ExtractionCache, body_hash
from ..model import CitationRef, Extraction, MinedAlias, Post, pack_mentions
from ..runtime import can_fork, frozen_heap, workers

# Bump when an extractor's output changes for the same input (the package version is part of it too).
EXTRACTOR_VERSION = f"{__version__}+4"  # 4: concept mentions packed (model.PackedMentions)
MIN_PARALLEL_POSTS = 400  # below this a pool costs more than it saves

_STATE: dict = {}  # what forked workers read: the posts and the matcher (set before the pool starts)


def _pool_map(fn: Callable[[int], object], indices: Sequence[int], progress: Callable[[int], None] | None = None,
              meanwhile: Callable[[], object] | None = None) -> tuple[list, object]:
    """``fn`` over ``indices``, in order, on forked workers when it pays; returns (results, ``meanwhile()``).

    ``meanwhile`` runs in this process while the workers work (serially after them when there is no pool):
    the parent would otherwise sit waiting for results."""
    n = workers()
    if n <= 1 or len(indices) < MIN_PARALLEL_POSTS or not can_fork():
        out = []
        for k, i in enumerate(indices, start=1):
            out.append(fn(i))
            if progress and k % 200 == 0:
                progress(k)
        return out, (meanwhile() if meanwhile else None)
    chunk = max(16, min(512, len(indices) // (n * 8) or 1))
    with frozen_heap():
        pool = multiprocessing.get_context("fork").Pool(n)
    with pool:
        pending = pool.map_async(fn, indices, chunksize=chunk)  # a pool thread collects the results
        also = meanwhile() if meanwhile else None
        out = pending.get()
    if progress:
        progress(len(out))
    return out, also


def _first_pass(i: int) -> tuple[tuple[MinedAlias, ...], tuple[CitationRef, ...]]:
    """What does not depend on the concept base: aliases defined in the text, and cross-references."""
    from .aliases import mine_aliases
    from .citations import extract_citations

    body = _STATE["posts"][i].body
    return mine_aliases(body), extract_citations(body)


def _concepts(i: int) -> tuple:
    from .matcher import find_in_post

    p = _STATE["posts"][i]
    return pack_mentions(find_in_post(_STATE["matcher"], p.title, p.body))


def _cached(cache: ExtractionCache | None, ns: str, keys: list[str], fn, posts: list[Post], progress=None,
            prepare: Callable[[], None] | None = None, meanwhile: Callable[[], object] | None = None
            ) -> tuple[list, object]:
    """``fn(i)`` for every post, served from ``cache`` under ``keys`` where possible; ``prepare()`` runs first
    (before the workers fork) only when some post is not in the cache; returns (results, ``meanwhile()``)."""
    hit = cache.get_many(ns, keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in hit]
    if todo and prepare is not None:
        prepare()
    _STATE["posts"] = posts
    fresh, also = _pool_map(fn, todo, progress, meanwhile)
    new = {keys[i]: r for i, r in zip(todo, fresh)}
    if cache is not None:
        cache.put_many(ns, new)
    hit.update(new)
    return [hit[k] for k in keys], also


def _matcher(base, cache: ExtractionCache | None, fp: str):
    """The concept base's matcher: from the cache when it was built for this base and extractor version
    (an edit-rebuild cycle needs it for the edited posts only: a pickled automaton loads in ~5 ms, building
    it takes ~0.2 s), else built, and kept for next time."""
    from .matcher import ConceptMatcher

    ns = f"matcher:{fp}"
    state = cache.get_many(ns, ["state"]).get("state") if cache is not None else None
    if state is not None:
        return ConceptMatcher.from_state(base, state)
    matcher = ConceptMatcher(base)
    if cache is not None:
        cache.put_many(ns, {"state": matcher.state()})
        cache.retain(ns, ["state"])
    return matcher


class StoredRefs(Mapping):
    """Each post's cross-references, by post key: those extracted in this build from memory, the others
    read back from the cache when first asked for.  An edit-rebuild resolves the edited posts only, whose
    references it has just extracted, so it reads none of the others (at 90k posts they are ~330 MB).
    ``prefetch(keys)`` reads many in one query; a list missing from the cache is extracted again."""

    def __init__(self, posts: list[Post], texts: list[str], fresh: dict[str, tuple[CitationRef, ...]],
                 cache_path: str | None, ns: str):
        self._text = {p.key: h for p, h in zip(posts, texts)}
        self._posts = {p.key: p for p in posts}
        self._refs = fresh  # text hash -> references
        self._cache_path, self._ns = cache_path, ns

    def __iter__(self):
        return iter(self._text)

    def __len__(self) -> int:
        return len(self._text)

    def __getitem__(self, key: str) -> tuple[CitationRef, ...]:
        h = self._text[key]
        if h not in self._refs:
            self.prefetch([key])
        return self._refs[h]

    def prefetch(self, keys: Iterable[str]) -> None:
        from .citations import extract_citations

        keys = [k for k in keys if self._text[k] not in self._refs]
        if keys and self._cache_path:
            with ExtractionCache(self._cache_path) as cache:
                self._refs.update(cache.get_many(self._ns, [self._text[k] for k in keys]))
        for k in keys:
            if self._text[k] not in self._refs:
                self._refs[self._text[k]] = extract_citations(self._posts[k].body)


def _mine(cache: ExtractionCache | None, texts: list[str], posts: list[Post], progress,
          early: Callable[[], object] | None) -> tuple[list[tuple[MinedAlias, ...]], dict[str, tuple], object]:
    """The first pass, served from ``cache`` where possible: every post's mined aliases (in order), the
    references of the posts mined now (by text hash), and ``early()`` when some post was mined (else None).
    Aliases and references are kept apart, so that a rebuild reads the aliases of every post and the
    references of none (``StoredRefs``)."""
    aliases_ns, refs_ns = f"aliases:{EXTRACTOR_VERSION}", f"refs:{EXTRACTOR_VERSION}"
    hit = cache.get_many(aliases_ns, texts) if cache else {}
    todo = [i for i, k in enumerate(texts) if k not in hit]
    _STATE["posts"] = posts
    fresh, early_done = _pool_map(_first_pass, todo, progress, early if todo else None)
    aliases = [hit.get(k) for k in texts]
    refs: dict[str, tuple] = {}
    for i, (al, cs) in zip(todo, fresh):
        aliases[i] = al
        refs[texts[i]] = cs
    if cache is not None:
        cache.put_many(refs_ns, refs)  # references first: aliases without them are extracted again, not lost
        cache.put_many(aliases_ns, {texts[i]: aliases[i] for i in todo})
        cache.retain(aliases_ns, texts)
        cache.retain(refs_ns, texts)
    return aliases, refs, early_done


def extract_corpus(posts: list[Post], base_loader: Callable[[list], tuple], *, cache_path: str | None = None,
                   notify: Callable[[str, int, int], None] | None = None,
                   early: Callable[[], object] | None = None,
                   meanwhile: Callable[[dict[str, tuple[CitationRef, ...]], dict[str, str], object], object] | None = None
                   ) -> tuple[dict[str, Extraction], object, list, object]:
    """Mine aliases and cross-references in every post, extend the concept base with the aliases, then
    find concept mentions.

    ``base_loader(mined)`` returns (extended base, alias rows).  ``meanwhile(refs by post key, ref keys,
    early)`` (citation resolution) runs in this process while the workers match concepts; the references
    are a ``StoredRefs`` (read from the cache when asked for) and go nowhere else; ref keys give,
    per post key, a key of what its references were extracted from (extractor version and text hash).
    ``early()`` runs in this process while the workers mine aliases and references, and only when some
    post was not in the cache (else ``meanwhile`` gets None): the resolver's title index, which those
    posts' references will need, built while this process would otherwise wait.  Returns (extractions by
    post key, base, rows, what ``meanwhile`` returned).
    """
    notify = notify or (lambda stage, done, total: None)
    cache = ExtractionCache(cache_path) if cache_path else None
    keys = [p.key for p in posts]
    try:
        texts = [body_hash(f"{p.title or ''}\x00{p.body}") for p in posts]
        aliases, fresh_refs, early_done = _mine(cache, texts, posts, lambda k: notify("aliases", k, len(posts)), early)
        refs = StoredRefs(posts, texts, fresh_refs, cache_path, f"refs:{EXTRACTOR_VERSION}")
        ref_keys = {key: f"{EXTRACTOR_VERSION}:{h}" for key, h in zip(keys, texts)}  # what each post's refs come from
        base, rows = base_loader([(key, a) for key, ms in zip(keys, aliases) for a in ms])
        fp = hashlib.sha1(f"{EXTRACTOR_VERSION}\x00{base.fingerprint}".encode()).hexdigest()[:16]
        found, also = _cached(cache, f"concepts:{fp}", texts, _concepts, posts,
                              lambda k: notify("extract", k, len(posts)),
                              prepare=lambda: _STATE.update(matcher=_matcher(base, cache, fp)),  # only when needed
                              meanwhile=(lambda: meanwhile(refs, ref_keys, early_done)) if meanwhile else None)
        notify("extract", len(posts), len(posts))
        if cache is not None:
            cache.retain(f"concepts:{fp}", texts)
    finally:
        _STATE.clear()
        if cache is not None:
            cache.close()
    extractions = {key: Extraction(mentioned=ms, aliases=al) for key, ms, al in zip(keys, found, aliases)}
    return extractions, base, rows, also
