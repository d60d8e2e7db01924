"""Concept mentions in raw text: one Aho-Corasick automaton over every label of the concept base."""
from __future__ import annotations

from ..model import Mention


class ConceptMatcher:
    def __init__(self, base):
        self.base = base

    def find(self, text: str) -> tuple[Mention, ...]:
        return ()
