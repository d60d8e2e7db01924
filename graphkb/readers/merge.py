"""One post, one record: the same post read from several files becomes one.

Same post = same normalised title and compatible dates (equal, or one of them day-month only and
agreeing, or one missing).  Kept: every source, the largest reader count, the longest body, the most
precise date.  Two posts with one title but different dates stay two.
"""
from __future__ import annotations

import dataclasses
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


def merge_posts(posts: list[Post]) -> tuple[list[Post], list[dict]]:
    """Merge duplicates; returns the posts (in order of first appearance) and one record per merge."""
    by_identity: dict[str, list[list[Post]]] = defaultdict(list)
    order: list[tuple[str, int]] = []
    for p in posts:
        clusters = by_identity[_identity(p)]
        for i, cluster in enumerate(clusters):
            if all(_compatible(p.date, q.date) for q in cluster):
                cluster.append(p)
                break
        else:
            clusters.append([p])
            order.append((_identity(p), len(clusters) - 1))
    merged, records = [], []
    for ident, i in order:
        group = by_identity[ident][i]
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
