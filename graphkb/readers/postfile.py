"""One post per file: line 1 the title, line 2 ``By … | date | N位读者 |``, a blank line, the body.

A file named by a number (``posts/4439.md``) names the post's archive number; it is kept as
``Post.source_id`` so that links to ``…/archives/4439`` can resolve to it.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

from ..model import Post, Problem, Source
from .base import cut_trailing_chrome, join_body, split_lines
from .byline import is_byline, parse_byline

name = "postfile"
description = "one post per file (title line, 'By author | date | N位读者 |' line, blank line, body)"


def _head(text: str) -> list[str]:
    return [line for line in split_lines(text[:4000])[:3]]


def sniff(text: str) -> float:
    head = _head(text)
    if len(head) >= 2 and is_byline(head[1]) and not is_byline(head[0]):
        # a second By line further down means a listing, not a single post
        return 0.9 if sum(is_byline(line) for line in split_lines(text[:200_000])) == 1 else 0.1
    if head and is_byline(head[0]):
        return 0.5
    return 0.0


def read(text: str, path: str, *, year: int | None = None) -> Iterator[Post | Problem]:
    lines = split_lines(text)
    lines = lines[:cut_trailing_chrome(lines)]
    last = max(1, len(lines))  # a problem about a line the file does not have points at its last line
    if lines and is_byline(lines[0]):
        title, by_at = None, 0
        yield Problem(path, 1, "untitled", "file has no title line; post kept with a title derived from its body",
                      "warning")
    else:
        title, by_at = lines[0].strip() or None, 1
        if not title:
            yield Problem(path, 1, "untitled", "first line (the title) is empty; post kept with a derived title",
                          "warning")
    if by_at >= len(lines) or not is_byline(lines[by_at]):
        yield Problem(path, min(by_at + 1, last), "bad-record", "no 'By author | date | N位读者' line where expected; "
                      "post kept without date or reader count", "warning")
        by = None
        body_lines = lines[by_at:]
    else:
        by = parse_byline(lines[by_at])
        body_lines = [by.rest] + lines[by_at + 1:]
        if by.date is None or by.readers is None:
            yield Problem(path, by_at + 1, "bad-record", "By line is incomplete (date or reader count missing)",
                          "warning")
    body = join_body(body_lines)
    if not body:
        yield Problem(path, min(by_at + 2, last), "truncated", "post has no body (file cut short?); kept with its title",
                      "warning")
    stem = os.path.splitext(os.path.basename(path))[0]
    yield Post(title=title, date=by.date if by else None, body=body, sources=(Source(path, 1),),
               readers=by.readers if by else None, author=by.author if by else None, layout=name,
               source_id=stem if stem.isdigit() else None, truncated=not body)
