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
# matched from a window's start, these end where the last match of a left-to-right scan of the window for
# _SENTENCE_END (_PARAGRAPH_END) ends: greedy, they take the rightmost start that matches, and a blank-line
# match starting inside another one ends at the same last newline of the same run of whitespace
_LAST_SENTENCE_END = re.compile(r".*[。！？!?；;\n]", re.S)
_LAST_PARAGRAPH_END = re.compile(r".*(?:[。！？!?]|\n\s*\n)", re.S)
_CONTEXT_END = re.compile(r"[。\n]")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_BARE_ARCHIVE = re.compile(r"(?<![A-Za-z0-9./])(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/\d+", re.IGNORECASE)
_ARXIV_ID = re.compile(r"(?<![A-Za-z0-9/.])arXiv\s*[:：]\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARCHIVE = re.compile(r"^(?:https?://)?(?:www\.)?(?:kexue\.fm|spaces\.ac\.cn)/archives/(\d+)", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|papers\.cool/arxiv)/"
                        r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
# Where matches of _URL, _BARE_ARCHIVE and _ARXIV_ID can start, found by scans the regex engine runs fast (a
# first character that is not cased: the patterns above, case-insensitive and opening with a lookbehind,
# are otherwise tried at every position).  Under IGNORECASE each character matches one character, and the
# only ones that match "a" are "a" and "A".
_COLON_SLASHES = re.compile(r"://")  # https?:// starts 4 or 5 characters before
_WWW_DOT = re.compile(r"\.(?<=www\.)", re.IGNORECASE)  # www. starts 3 before
_ARCHIVES_SLASH = re.compile(r"/(?=archives/)", re.IGNORECASE)  # (www.)kexue.fm, (www.)spaces.ac.cn: 8, 12, 16 before
_ARXIV_COLON = re.compile(r"[aA](?i:rxiv)\s*[:：]")  # arXiv: where it starts


def _title_spans(body: str) -> list[tuple[int, int]]:
    """Outermost 《…》 spans (start of 《, end after 》); nested 《》 stay inside their outer title."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(body)
    while True:
        i = body.find("《", i)
        if i < 0:
            return spans
        # the span ends at the first 》 of the line within reach when no other 《 comes before it
        limit = min(n, i + _MAX_TITLE + 2)
        nl = body.find("\n", i, limit)
        if nl >= 0:
            limit = nl
        close = body.find("》", i, limit)
        if close < 0:
            end = -1  # no 》 in reach: the depth never comes back to 0
        elif body.find("《", i + 1, close) < 0:
            end = close + 1
        else:
            end = _nested_end(body, i, n)
        # a title has a letter, digit or Han character: “《”、“》” are the marks used as tokens
        if end > 0 and (body[i + 1:i + 2].isalnum() or any(c.isalnum() for c in body[i + 1:end - 1])):
            spans.append((i, end))
            i = end
        else:
            i += 1


def _nested_end(body: str, i: int, n: int) -> int:
    """The end of the 《 at ``i`` that has other 《 inside (or none), -1 when it does not close in reach."""
    depth, j = 0, i
    while j < n and j - i <= _MAX_TITLE + 1:
        ch = body[j]
        if ch == "\n":
            break
        if ch == "《":
            depth += 1
        elif ch == "》":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _starts_at(pattern: re.Pattern, body: str, starts) -> list[re.Match]:
    """``list(pattern.finditer(body))`` for a pattern that never matches empty and whose matches can only
    start at ``starts`` (ascending; more are harmless)."""
    out = []
    pos = 0
    for p in starts:
        if p < pos:
            continue
        m = pattern.match(body, p)
        if m:
            out.append(m)
            pos = m.end()
    return out


def _urls(body: str) -> list[re.Match]:
    starts = {p for m in _COLON_SLASHES.finditer(body) for p in (m.start() - 5, m.start() - 4) if p >= 0}
    starts.update(m.start() - 3 for m in _WWW_DOT.finditer(body))
    return _starts_at(_URL, body, sorted(starts))


def _bare_archives(body: str) -> list[re.Match]:
    starts = set()
    for m in _ARCHIVES_SLASH.finditer(body):
        starts.update(p for p in (m.start() - 16, m.start() - 12, m.start() - 8) if p >= 0)
    return _starts_at(_BARE_ARCHIVE, body, sorted(starts))


def _arxiv_ids(body: str) -> list[re.Match]:
    return _starts_at(_ARXIV_ID, body, [m.start() for m in _ARXIV_COLON.finditer(body)])


def _sentence(body: str, start: int, end: int) -> str:
    """The sentence holding body[start:end], never cut inside the reference itself."""
    left = max(0, start - 200)
    last = _LAST_SENTENCE_END.match(body, left, start)
    s = last.end() if last else left
    m = _SENTENCE_END.search(body, end, min(len(body), end + 200))
    e = m.end() if m and m.group() != "\n" else (m.start() if m else min(len(body), end + 200))
    return body[s:e].strip()


def _context(body: str, start: int, end: int) -> str:
    before = body[max(0, start - _BEFORE):start]
    cut = _LAST_PARAGRAPH_END.match(before)
    if cut:
        before = before[cut.end():]
    after = body[end:end + _AFTER]
    m = _CONTEXT_END.search(after)
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
    for m in _urls(body):
        url = _trim_url(m.group())
        if len(url) < 8 or inside_title(m.start()):
            continue
        taken.append((m.start(), m.start() + len(url)))
        found.append((m.start(), m.start() + len(url), url_form(url), url))
    for matches, form in ((_bare_archives(body), "post-url"), (_arxiv_ids(body), "arxiv")):
        for m in matches:
            if inside_title(m.start()) or any(s <= m.start() < e for s, e in taken):
                continue
            found.append((m.start(), m.end(), form, m.group()))
    found.sort()
    return tuple(CitationRef(form=form, text=text, start=s, end=e, sentence=_sentence(body, s, e),
                             context=_context(body, s, e)) for s, e, form, text in found)
