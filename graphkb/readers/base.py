"""What every layout reader provides, and helpers they share."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ..model import Post, Problem

# Page chrome that ends a dump: everything from such a line on is the site's, not a post's.
TRAILING_CHROME = ("最近评论", "最新评论", "发表评论", "Recent Comments")


class Reader(Protocol):
    name: str
    description: str

    def sniff(self, text: str) -> float:
        """Confidence in [0, 1] that ``text`` is in this layout."""

    def read(self, text: str, path: str, *, year: int | None = None) -> Iterator[Post | Problem]:
        """Yield the posts of ``text`` and the problems met, each with its line."""


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def cut_trailing_chrome(lines: list[str], start: int = 0) -> int:
    """Index of the first trailing-chrome line at or after ``start`` (len(lines) when there is none)."""
    for i in range(start, len(lines)):
        if lines[i].strip() in TRAILING_CHROME:
            return i
    return len(lines)


def join_body(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").strip()
