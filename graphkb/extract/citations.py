"""Cross-references in a post's body: 《title》 spans, archive links of the blog, arXiv ids and other URLs.

Reads a post's raw body; writes plain ``CitationRef`` records (offsets into the body, the sentence
around the reference and a small ``context`` window ``before + CONTEXT_SEP + after``) that the
resolver in ``graphkb.link.citations`` turns into edges or typed works.  Pure and per post, so it
can be cached and run in a process pool.
"""
from __future__ import annotations

import bisect
import re

from ..model import CitationRef

CONTEXT_SEP = "\x1f"  # splits CitationRef.context into the words before and after the reference
BLOG_HOSTS = ("kexue.fm", "spaces.ac.cn")

_MAX_TITLE = 200
_BEFORE, _AFTER = 30, 20
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_PARAGRAPH_END = re.compile(r"[。！？!?]|\n\s*\n")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_BARE_ARCHIVE = re.compile(r"(?<![A-Za-z0-9./])(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/\d+", re.IGNORECASE)
_ARXIV_ID = re.compile(r"(?<![A-Za-z0-9/.])arXiv\s*[:：]\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARCHIVE = re.compile(r"^(?:https?://)?(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d+)", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|papers\.cool/arxiv)/"
                        r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"


def _title_spans(body: str) -> list[tuple[int, int]]:
    """Outermost 《…》 spans (start of 《, end after 》); nested 《》 stay inside their outer title."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(body)
    while True:
        i = body.find("《", i)
        if i < 0:
            return spans
        depth, j, end = 0, i, -1
        while j < n and j - i <= _MAX_TITLE + 1:
            ch = body[j]
            if ch == "\n":
                break
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
            j += 1
        # a title has a letter, digit or Han character: “《”、“》” are the marks used as tokens
        if end > 0 and any(c.isalnum() for c in body[i + 1:end - 1]):
            spans.append((i, end))
            i = end
        else:
            i += 1


def _sentence(body: str, start: int, end: int) -> str:
    """The sentence holding body[start:end], never cut inside the reference itself."""
    left = max(0, start - 200)
    ends = list(_SENTENCE_END.finditer(body, left, start))
    s = ends[-1].end() if ends else left
    m = _SENTENCE_END.search(body, end, min(len(body), end + 200))
    e = m.end() if m and m.group() != "\n" else (m.start() if m else min(len(body), end + 200))
    return body[s:e].strip()


def _context(body: str, start: int, end: int) -> str:
    before = body[max(0, start - _BEFORE):start]
    cut = list(_PARAGRAPH_END.finditer(before))
    if cut:
        before = before[cut[-1].end():]
    after = body[end:end + _AFTER]
    m = re.search(r"[。\n]", after)
    if m:
        after = after[:m.start()]
    return before + CONTEXT_SEP + after


def _trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL (and an unbalanced closing bracket)."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))
                   or (url[-1] == "]" and url.count("[") < url.count("]"))):
        url = url[:-1]
    return url


def url_form(url: str) -> str:
    """``post-url`` for an archive link of the blog, ``arxiv`` for an arXiv page, else ``url``."""
    if _ARCHIVE.match(url):
        return "post-url"
    if _ARXIV_URL.match(url):
        return "arxiv"
    return "url"


def archive_id(url: str) -> str | None:
    m = _ARCHIVE.match(url)
    return m.group(1) if m else None


def arxiv_id(text: str) -> str | None:
    m = _ARXIV_URL.match(text) or _ARXIV_ID.match(text)
    return m.group(1) if m else None


def extract_citations(body: str) -> tuple[CitationRef, ...]:
    """Every cross-reference in ``body`` with its offsets, sentence and context, in order of appearance."""
    found: list[tuple[int, int, str, str]] = []
    titles = _title_spans(body)
    for s, e in titles:
        found.append((s, e, "title", body[s + 1:e - 1]))

    starts = [s for s, _ in titles]

    def inside_title(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < titles[i][1]

    taken: list[tuple[int, int]] = []
    for m in _URL.finditer(body):
        url = _trim_url(m.group())
        if len(url) < 8 or inside_title(m.start()):
            continue
        taken.append((m.start(), m.start() + len(url)))
        found.append((m.start(), m.start() + len(url), url_form(url), url))
    for pattern, form in ((_BARE_ARCHIVE, "post-url"), (_ARXIV_ID, "arxiv")):
        for m in pattern.finditer(body):
            if inside_title(m.start()) or any(s <= m.start() < e for s, e in taken):
                continue
            found.append((m.start(), m.end(), form, m.group()))
    found.sort()
    return tuple(CitationRef(form=form, text=text, start=s, end=e, sentence=_sentence(body, s, e),
                             context=_context(body, s, e)) for s, e, form, text in found)
