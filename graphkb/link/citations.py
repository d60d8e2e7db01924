"""Resolve cross-references to posts of the corpus, or type them as the work they name."""
from __future__ import annotations

from collections.abc import Mapping

from ..model import Citation, CitationRef, Post, Problem


def resolve_citations(posts: list[Post], refs: Mapping[str, tuple[CitationRef, ...]]
                      ) -> tuple[list[Citation], list[tuple[str, str, int | None]], list[Problem]]:
    """Citations, series memberships (post key, series name, position) and problems to report."""
    return [], [], []
