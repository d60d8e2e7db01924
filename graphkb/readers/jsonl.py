"""JSON Lines, one post per line: ``title``, ``date``, ``body`` and optional ``url``, ``author``,
``tags``, ``category``, ``readers``.  The interchange format for any other blog.  A file holding one
JSON array of such objects is read too.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..model import Post, Problem, Source
from .base import split_lines
from .byline import norm_date

name = "jsonl"
description = "JSON Lines, one post object per line (title, date, body; url, author, tags, category, readers)"

_MONTH_DAY = re.compile(r"^--(\d{2})-(\d{2})$")
_OBJECT_START = re.compile(r'\{\s*"')
SNIFF_CHARS = 100_000


def sniff(text: str) -> float:
    lines = split_lines(text[:SNIFF_CHARS])
    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("{"):
            try:
                return 1.0 if isinstance(json.loads(s), dict) else 0.0
            except (ValueError, RecursionError):
                # a first record longer than the window (a post with a huge body) is cut by it, not broken
                cut = n == len(lines) and len(text) > SNIFF_CHARS
                return 0.6 if s.endswith("}") or (cut and _OBJECT_START.match(s)) else 0.0
        if s.startswith("["):
            return 0.7
        return 0.0
    return 0.0


def _str(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _post(obj, path: str, line: int) -> Iterator[Post | Problem]:
    if not isinstance(obj, dict):
        yield Problem(path, line, "bad-record", f"expected a JSON object, found {type(obj).__name__}; skipped")
        return
    title = _str(obj.get("title"))
    body = obj.get("body")
    body = "" if body is None else str(body)
    raw_date = _str(obj.get("date"))
    date = None
    if raw_date:
        date = norm_date(raw_date[:10]) or (raw_date if _MONTH_DAY.match(raw_date) else None)
        if date is None:
            yield Problem(path, line, "bad-record", f"unreadable date {raw_date!r} (want YYYY-MM-DD or --MM-DD); "
                          "post kept without a date", "warning")
    readers = obj.get("readers")
    if readers is not None:
        try:
            readers = int(readers)
        except (TypeError, ValueError, OverflowError):  # OverflowError: 1e999 is read as infinity
            yield Problem(path, line, "bad-record", f"readers {readers!r} is not a number; ignored", "warning")
            readers = None
    tags = obj.get("tags") or ()
    if isinstance(tags, str):
        tags = [t for t in tags.replace("，", ",").split(",")]
    elif not isinstance(tags, (list, tuple)):
        yield Problem(path, line, "bad-record", f"tags {tags!r} is not a list or a string; ignored", "warning")
        tags = ()
    tags = tuple(t for t in (_str(t) for t in tags if not isinstance(t, (dict, list))) if t)
    if not title:
        yield Problem(path, line, "untitled", "record has no title; kept with a title derived from its body",
                      "warning")
    if not title and not body.strip():
        yield Problem(path, line, "bad-record", "record has neither title nor body; skipped")
        return
    yield Post(title=title, date=date, body=body.strip(), sources=(Source(path, line),), readers=readers,
               author=_str(obj.get("author")), url=_str(obj.get("url")), category=_str(obj.get("category")),
               tags=tags, layout=name)


def read(text: str, path: str, *, year: int | None = None) -> Iterator[Post | Problem]:
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError as e:
            yield Problem(path, getattr(e, "lineno", None), "bad-record", f"invalid JSON array: {e}; file skipped")
            return
        except RecursionError:
            yield Problem(path, 1, "bad-record", "JSON nested too deeply to read; file skipped")
            return
        for obj in items if isinstance(items, list) else [items]:
            yield from _post(obj, path, 1)
        return
    lines = split_lines(text)
    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            continue
        try:
            obj = json.loads(s)
        except ValueError as e:
            last = n == len(lines) or all(not x.strip() for x in lines[n:])
            yield Problem(path, n, "truncated" if last else "bad-record",
                          f"invalid JSON ({e.msg} at column {e.colno})"
                          + ("; the last line looks cut short" if last else "") + "; line skipped")
            continue
        except RecursionError:
            yield Problem(path, n, "bad-record", "JSON nested too deeply to read; line skipped")
            continue
        yield from _post(obj, path, n)
