"""Front-page dump: site chrome, then per post a ``7 Jul`` line, the title, paragraphs,
``点击阅读全文...`` and a ``分类:… 标签:…`` footer.

No year is printed, so dates are day and month only (``--07-07``) unless a year is given.  A post
whose title line is missing is kept, untitled, with a title derived from its body.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Post, Problem, Source
from .base import split_lines

name = "frontpage"
description = "front-page dump ('7 Jul' day-month lines, '点击阅读全文...', '分类:… 标签:…' footers)"

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}
DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*$", re.I)
# Patterns are matched on stripped lines and kept free of adjacent competing quantifiers: a single line
# can be megabytes long, and ``\s*(.*?)\s+`` over a run of spaces backtracks in cubic time.
_FOOTER_HEAD = re.compile(r"分类\s*[:：]")
_TAGS_HEAD = re.compile(r"\s标签\s*[:：]")
_COMMENTS = re.compile(r"\s*\d+\s*评论")
MORE = re.compile(r"(?:点击)?阅读全文(?:\s*(?:\.\.\.|…+))?")


def match_more(line: str) -> bool:
    return MORE.fullmatch(line.strip()) is not None


def match_footer(line: str) -> tuple[str, str] | None:
    """``分类:<category> 标签:<tags>[ 阅读全文][ N评论]`` -> (category, tags), both stripped."""
    s = line.strip()
    head = _FOOTER_HEAD.match(s)
    if not head:
        return None
    marker = _TAGS_HEAD.search(s, head.end())
    if not marker:
        return None
    category, tags = s[head.end():marker.start()], s[marker.end():]
    tail = tags.rfind("评论")
    if tail >= 0 and tail + 2 == len(tags):
        digits = tail
        while digits > 0 and tags[digits - 1].isspace():
            digits -= 1
        while digits > 0 and tags[digits - 1].isdecimal():
            digits -= 1
        if _COMMENTS.fullmatch(tags, digits):
            tags = tags[:digits]
    tags = tags.rstrip()
    if tags.endswith("阅读全文"):
        tags = tags[:-4]
    return category.strip(), tags.strip()
_SENTENCE_END = tuple("。．.!！?？；;，,：:…")


def sniff(text: str) -> float:
    lines = split_lines(text[:200_000])
    days = sum(bool(DAY_MONTH.match(line)) for line in lines)
    marks = sum(bool(match_more(line) or match_footer(line)) for line in lines)
    if days and marks:
        return 0.85
    return 0.2 if days else 0.0


def _date(day: str, month: str, year: int | None) -> str | None:
    d, m = int(day), _MONTHS[month[:3].lower()]
    if not 1 <= d <= 31:
        return None
    return f"{year:04d}-{m:02d}-{d:02d}" if year else f"--{m:02d}-{d:02d}"


def looks_like_title(line: str) -> bool:
    """A title is one short line that is not a sentence (no full stop inside, no closing punctuation)."""
    s = line.strip()
    return 0 < len(s) <= 64 and not s.endswith(_SENTENCE_END) and "。" not in s


def _paragraphs(lines: list[str]) -> list[str]:
    """Non-empty lines, with an image caption printed twice in a row kept once."""
    out: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if out and s == out[-1] and len(s) <= 40:
            continue
        out.append(s)
    return out


def read(text: str, path: str, *, year: int | None = None) -> Iterator[Post | Problem]:
    lines = split_lines(text)
    starts = [i for i, line in enumerate(lines) if DAY_MONTH.match(line)]
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        m = DAY_MONTH.match(lines[start])
        date = _date(m.group(1), m.group(2), year)
        if date is None:
            yield Problem(path, start + 1, "bad-record", f"impossible day in {lines[start].strip()!r}; date left out",
                          "warning")
        block = list(range(start + 1, stop))
        footer_at, footer = next(((i, f) for i in block if (f := match_footer(lines[i]))), (None, None))
        category, tags = None, ()
        if footer is not None:
            category = footer[0] or None
            tags = tuple(t.strip() for t in re.split(r"[,，、]\s*|\s{2,}", footer[1]) if t.strip())
            block = [i for i in block if i < footer_at]
        content = [i for i in block if lines[i].strip() and not match_more(lines[i])]
        if not content:
            yield Problem(path, start + 1, "bad-record", "day-month line with no post after it; skipped")
            continue
        first = content[0]
        # a title is followed by a blank line and more text; otherwise the title line is missing
        has_title = looks_like_title(lines[first]) and len(content) > 1
        title = lines[first].strip() if has_title else None
        body = "\n".join(_paragraphs([lines[i] for i in (content[1:] if has_title else content)]))
        truncated = footer_at is None and not any(match_more(lines[i]) for i in block)
        if truncated:
            yield Problem(path, start + 1, "truncated",
                          f"post {title or 'without title'!r} has no '点击阅读全文'/'分类:' footer: the dump may be cut "
                          "short here; kept with the text that is there", "warning")
        if not title:
            yield Problem(path, first + 1, "untitled",
                          "post has no title line; kept, flagged untitled, with a title derived from its body",
                          "warning")
        yield Post(title=title, date=date, body=body, sources=(Source(path, (first if has_title else start) + 1),),
                   category=category, tags=tags, layout=name, truncated=truncated)
