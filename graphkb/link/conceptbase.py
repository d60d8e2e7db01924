"""The concept base: a SKOS concept scheme (ontology/concepts.ttl plus the user's files)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Concept, MinedAlias


@dataclass
class ConceptBase:
    concepts: dict[str, Concept] = field(default_factory=dict)

    def with_mined(self, mined: Sequence[tuple[str, MinedAlias]]) -> tuple["ConceptBase", list[dict]]:
        """The base extended by aliases mined from definitions, and one row per mined alias for aliases.tsv."""
        return self, []

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that affects matching changes (for the cache)."""
        return ""


def load_concept_base(extra_files: Sequence[str] = (), *, use_default: bool = True) -> ConceptBase:
    """Load the bundled concept scheme and the user's files (later files extend or override)."""
    return ConceptBase()
