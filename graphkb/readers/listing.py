"""Listing dump: ``Title`` line, then ``By … | date | N位读者 | 引用`` glued to the first body line.

Traps handled: a post with no body, whose By line carries the NEXT post's title after ``引用``
(the line after it is then a By line itself); trailing page chrome (``最近评论`` and after).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Post, Problem, Source
from .base import cut_trailing_chrome, join_body, split_lines
from .byline import is_byline, parse_byline

name = "listing"
description = "listing dump (title line, then 'By author | date | N位读者 | 引用' glued to the body)"


def sniff(text: str) -> float:
    lines = split_lines(text[:200_000])
    bys = [i for i, line in enumerate(lines) if is_byline(line)]
    if not bys:
        return 0.0
    cited = sum("引用" in lines[i] for i in bys)
    if len(bys) >= 2 or cited:
        return 0.8
    return 0.3


def read(text: str, path: str, *, year: int | None = None) -> Iterator[Post | Problem]:
    lines = split_lines(text)
    n_lines = len(lines)
    bys = [i for i, line in enumerate(lines) if is_byline(line)]
    if not bys:
        return
    # chrome ends the dump: a '最近评论' line inside a post (before the last By line) is the post's text
    end = cut_trailing_chrome(lines, bys[-1] + 1)
    lines = lines[:end]
    parsed = {i: parse_byline(lines[i]) for i in bys}
    for k, i in enumerate(bys):
        by = parsed[i]
        # title: the line before, unless that line is a By line, whose glued rest then is our title
        if i > 0 and (i - 1) in parsed:
            title, title_line = parsed[i - 1].rest.strip() or None, i
        elif i > 0 and lines[i - 1].strip():
            title, title_line = lines[i - 1].strip(), i
        else:
            title, title_line = None, i + 1
        nxt = bys[k + 1] if k + 1 < len(bys) else None
        if nxt == i + 1:
            body_lines = []  # no body: the glued rest is the next post's title
        else:
            stop = (nxt - 1) if nxt is not None else len(lines)
            body_lines = [by.rest] + lines[i + 1:stop]
        body = join_body(body_lines)
        truncated = False
        if not by.complete:
            truncated = nxt is None and end == n_lines
            missing = [f for f, v in (("author", by.author), ("date", by.date), ("reader count", by.readers)) if not v and v != 0]
            yield Problem(path, i + 1, "truncated" if truncated else "bad-record",
                          f"By line of {title or 'an untitled post'!r} is incomplete"
                          + (f" (missing {', '.join(missing)})" if missing else "")
                          + ("; the file seems cut short" if truncated else "") + "; post kept with what was read",
                          "warning")
        if not title:
            yield Problem(path, i + 1, "untitled", "post has no title line; kept with a title derived from its body",
                          "warning")
        yield Post(title=title, date=by.date, body=body, sources=(Source(path, title_line),), readers=by.readers,
                   author=by.author, layout=name, truncated=truncated)
