"""Stable IRIs: a post's own URL when known, else a slug of its date and title; works and series by name."""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from ..model import Post
from ..vocab import POST_IRI, SERIES_IRI, WORK_IRI

_NOT_SLUG = re.compile(r"[^\w]+", re.UNICODE)
_NOT_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\ufffd]")


def slug(text: str, limit: int = 80) -> str:
    """Lower-case, NFKC, letters/digits/Han joined by '-': readable in an IRI, stable across runs."""
    s = _NOT_SLUG.sub("-", unicodedata.normalize("NFKC", text).casefold()).strip("-_")
    s = s.replace("_", "-")
    return s[:limit].strip("-") or "x"


def digest(text: str, n: int = 10) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def safe_http_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL usable as an IRI, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or _NOT_IRI.search(url.strip()):
        return None
    return url.strip()


def post_iri(post: Post) -> str:
    url = safe_http_url(post.url)
    if url:
        return url
    date = post.date.lstrip("-") if post.date else "undated"
    if post.title:
        return f"{POST_IRI}{date}/{slug(post.title)}"
    return f"{POST_IRI}{date}/untitled-{digest(post.body[:400])}"


def work_iri(kind: str, name: str) -> str:
    return f"{WORK_IRI}{kind}/{slug(name)}-{digest(name)[:6]}"


def series_iri(name: str) -> str:
    return f"{SERIES_IRI}{slug(name)}"


@functools.lru_cache(maxsize=1 << 16)
def file_iri(path: str) -> str:
    """The file: IRI of ``path`` (made absolute, links resolved); memoised, as a listing file holds many posts."""
    import pathlib

    return pathlib.Path(path).resolve().as_uri()
