"""One post, one record: the same post read from several files becomes one.

Same post = same normalised title and compatible dates (equal, or one of them day-month only and
agreeing, or one missing).  Kept: every source, the largest reader count, the longest body, the most
precise date.  Two posts with one title but different dates stay two.
"""
from __future__ import annotations

import dataclasses
import heapq
from collections import defaultdict

from ..model import Post, norm_title


def _compatible(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b:
        return True
    return a.startswith("--") != b.startswith("--") and a[-5:] == b[-5:]


def _precise(dates: list[str | None]) -> str | None:
    full = [d for d in dates if d and not d.startswith("--")]
    return full[0] if full else next((d for d in dates if d), None)


def _identity(p: Post) -> str:
    return norm_title(p.title) if p.title else "\0untitled:" + norm_title(p.body[:120])


def _combine(group: list[Post]) -> Post:
    first = group[0]
    longest = max(group, key=lambda p: len(p.body))
    readers = [p.readers for p in group if p.readers is not None]
    tags: dict[str, None] = {}
    for p in group:
        tags.update(dict.fromkeys(p.tags))

    def pick(attr):
        return next((getattr(p, attr) for p in group if getattr(p, attr)), None)

    return dataclasses.replace(
        first,
        date=_precise([p.date for p in group]),
        body=longest.body,
        sources=tuple(sorted({s for p in group for s in p.sources})),
        readers=max(readers) if readers else None,
        author=pick("author"), url=pick("url"), category=pick("category"), source_id=pick("source_id"),
        tags=tuple(tags),
        truncated=longest.truncated,
        layout="+".join(dict.fromkeys(p.layout for p in group)),
    )


def _cluster_keys(full: str | None, day_month: str | None) -> tuple[tuple, ...]:
    """The index keys of a cluster whose posts carry the full date ``full`` and the day-month ``day_month``."""
    if full:
        return (("full", full), ("full-day", full[-5:]))
    return (("day", day_month),) if day_month else (("any",),)


def _query_keys(date: str) -> tuple[tuple, ...]:
    """The index keys of the clusters every post of which is compatible with ``date``."""
    if date.startswith("--"):
        return ("any",), ("day", date), ("full-day", date[-5:])
    return ("any",), ("day", "--" + date[-5:]), ("full", date)


class _Clusters:
    """The clusters of one identity, indexed by their dates so that a post finds its cluster in O(log n).

    A post joins the first cluster (in order of creation) all of whose posts have compatible dates: a
    cluster holds at most one full date and one day-month (agreeing), so that test needs only those two.
    """

    def __init__(self):
        self.groups: list[list[Post]] = []
        self.dates: list[tuple[str | None, str | None]] = []  # (full date, day-month) per cluster
        self.index: dict[tuple, list[int]] = defaultdict(list)  # key -> heap of cluster numbers (some stale)

    def _first(self, key: tuple) -> int | None:
        heap = self.index.get(key)
        while heap and key not in _cluster_keys(*self.dates[heap[0]]):
            heapq.heappop(heap)  # the cluster got a more precise date since
        return heap[0] if heap else None

    def add(self, p: Post) -> bool:
        """Put ``p`` in its cluster; True when it starts a new one."""
        if p.date is None:
            found = 0 if self.groups else None
        else:
            found = min((i for i in map(self._first, _query_keys(p.date)) if i is not None), default=None)
        if found is None:
            found = len(self.groups)
            self.groups.append([])
            self.dates.append((None, None))
        self.groups[found].append(p)
        full, day_month = self.dates[found]
        if p.date and p.date.startswith("--"):
            day_month = p.date
        elif p.date:
            full = p.date
        if (full, day_month) != self.dates[found] or len(self.groups[found]) == 1:
            self.dates[found] = (full, day_month)
            for key in _cluster_keys(full, day_month):
                heapq.heappush(self.index[key], found)
        return len(self.groups[found]) == 1


def merge_posts(posts: list[Post]) -> tuple[list[Post], list[dict]]:
    """Merge duplicates; returns the posts (in order of first appearance) and one record per merge."""
    by_identity: dict[str, _Clusters] = defaultdict(_Clusters)
    order: list[tuple[str, int]] = []
    for p in posts:
        ident = _identity(p)
        clusters = by_identity[ident]
        if clusters.add(p):
            order.append((ident, len(clusters.groups) - 1))
    merged, records = [], []
    for ident, i in order:
        group = by_identity[ident].groups[i]
        post = _combine(group) if len(group) > 1 else group[0]
        merged.append(post)
        if len(group) > 1:
            records.append({
                "title": post.display_title,
                "date": post.date,
                "sources": [f"{s.path}:{s.line}" for s in post.sources],
                "readers_seen": [p.readers for p in group],
                "readers_kept": post.readers,
                "body_chars_kept": len(post.body),
            })
    return merged, records
