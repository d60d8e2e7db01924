"""The concept base: a SKOS concept scheme (ontology/concepts.ttl plus the user's files).

Files are read in order; a later file extends an earlier one: new concepts, extra labels, broader
links and matches on existing IRIs; its ``skos:prefLabel`` replaces the earlier one for that language
(the replaced label stays as an altLabel).  ``gkb:suppressedLabel "x"`` on a concept removes the label
from that concept; on the scheme (or any subject that is not a concept) it removes it everywhere.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ConceptBaseError
from ..model import Concept, MinedAlias
from ..vocab import CONCEPT_IRI

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_GKB = "https://w3id.org/graphkb/ontology#"
_XSD_TRUE = {"true", "1"}


def label_key(label: str) -> str:
    """How two spellings of one label are compared when looking labels up (not when matching text)."""
    return " ".join(unicodedata.normalize("NFKC", label).split()).casefold()


def concept_id(iri: str) -> str:
    """The slug of a concept IRI: the part after the concept namespace, else its last path segment."""
    if iri.startswith(CONCEPT_IRI):
        return iri[len(CONCEPT_IRI):]
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def default_ontology_dir() -> Path | None:
    """ontology/ of a repository checkout, else the installed package data graphkb/ontology."""
    import graphkb

    here = Path(graphkb.__file__).resolve().parent
    for cand in (here.parent / "ontology", here / "ontology"):
        if (cand / "concepts.ttl").is_file() or (cand / "parts").is_dir():
            return cand
    try:
        import graphkb.ontology as pkg

        return Path(pkg.__file__).resolve().parent
    except ImportError:
        return None


def default_concept_files() -> list[Path]:
    """ontology/concepts.ttl when it exists, otherwise every ontology/parts/*.ttl."""
    d = default_ontology_dir()
    if d is None:
        return []
    if (d / "concepts.ttl").is_file():
        return [d / "concepts.ttl"]
    return sorted((d / "parts").glob("*.ttl")) if (d / "parts").is_dir() else []


@dataclass
class _Draft:
    """A concept being assembled from one or more files."""

    iri: str
    pref: dict[str, str] = field(default_factory=dict)
    alt: list[tuple[str, str]] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    definition: str | None = None
    discovered: bool = False
    evidence: str | None = None
    defined_in: str | None = None
    suppressed: set[str] = field(default_factory=set)
    typed: bool = False

    def add_alt(self, lang: str, label: str) -> None:
        if (lang, label) not in self.alt and self.pref.get(lang) != label:
            self.alt.append((lang, label))


def _parse(path: Path):
    import pyoxigraph as ox

    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except SyntaxError as e:
        line = e.args[1][1] if len(e.args) > 1 and isinstance(e.args[1], tuple) else getattr(e, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise ConceptBaseError(f"{where}: the concept file does not parse as Turtle ({e.args[0] if e.args else e}); "
                               "fix the file or leave it out of --concepts") from None
    except OSError as e:
        raise ConceptBaseError(f"{path}: cannot read the concept file ({e.strerror or e}); "
                               "check the path given to --concepts") from None


def _merge_file(path: Path, drafts: dict[str, _Draft], global_suppressed: set[str], *, overriding: bool) -> None:
    triples = _parse(path)
    seen_pref: dict[tuple[str, str], str] = {}  # labels this file gives as prefLabel, per (iri, lang)
    suppress_on: list[tuple[str, str]] = []
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not hasattr(s, "value"):
            continue
        iri = s.value
        if (p == _RDF_TYPE and getattr(o, "value", None) == _SKOS + "Concept") or p == _SKOS + "inScheme":
            drafts.setdefault(iri, _Draft(iri)).typed = True
        elif p == _GKB + "suppressedLabel":
            suppress_on.append((iri, o.value))
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        iri = getattr(s, "value", None)
        if iri is None or iri not in drafts:
            continue
        d = drafts[iri]
        if p == _SKOS + "prefLabel":
            lang = getattr(o, "language", None) or ""
            if (iri, lang) in seen_pref:  # two prefLabels in one language in one file: the second is an alt
                d.add_alt(lang, o.value)
                continue
            seen_pref[(iri, lang)] = o.value
            old = d.pref.get(lang)
            if old is None:
                d.pref[lang] = o.value
                d.alt = [a for a in d.alt if a != (lang, o.value)]
            elif overriding and old != o.value:
                d.pref[lang] = o.value
                d.alt = [a for a in d.alt if a != (lang, o.value)]
                d.add_alt(lang, old)
            else:
                d.add_alt(lang, o.value)
        elif p == _SKOS + "altLabel" or p == _SKOS + "hiddenLabel":
            d.add_alt(getattr(o, "language", None) or "", o.value)
        elif p == _SKOS + "broader":
            if hasattr(o, "value") and o.value not in d.broader:
                d.broader.append(o.value)
        elif p == _SKOS + "narrower":
            if hasattr(o, "value"):
                drafts.setdefault(o.value, _Draft(o.value))
                if iri not in drafts[o.value].broader:
                    drafts[o.value].broader.append(iri)
        elif p == _SKOS + "exactMatch":
            if hasattr(o, "value") and o.value not in d.exact:
                d.exact.append(o.value)
        elif p == _SKOS + "definition":
            if d.definition is None or overriding:
                d.definition = o.value
        elif p == _GKB + "discovered":
            d.discovered = o.value.strip().lower() in _XSD_TRUE
        elif p == _GKB + "evidence":
            d.evidence = o.value
        elif p == _GKB + "definedIn":
            d.defined_in = o.value
    for iri, label in suppress_on:
        if iri in drafts and drafts[iri].typed:
            drafts[iri].suppressed.add(label_key(label))
        else:
            global_suppressed.add(label_key(label))


@dataclass
class ConceptBase:
    """Concepts by id, plus the labels suppressed everywhere."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    suppressed: frozenset[str] = frozenset()

    def label_index(self) -> dict[str, str]:
        """label_key(label) -> concept id; a label shared by two concepts goes to the first by id."""
        out: dict[str, str] = {}
        for cid in sorted(self.concepts):
            for label in self.concepts[cid].labels:
                out.setdefault(label_key(label), cid)
        return out

    def concepts_of(self, form: str) -> list[str]:
        """Every concept that has ``form`` as a label (compared with label_key)."""
        k = label_key(form)
        return sorted(cid for cid, c in self.concepts.items() if any(label_key(lab) == k for lab in c.labels))

    def with_mined(self, mined: Sequence[tuple[str, MinedAlias]]) -> tuple["ConceptBase", list[dict]]:
        """The base extended by aliases mined from definitions, and one row per mined alias for aliases.tsv."""
        from ..extract.aliases import resolve_mined

        return resolve_mined(self, mined)

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that affects matching changes (for the cache)."""
        h = hashlib.sha1()
        for cid in sorted(self.concepts):
            c = self.concepts[cid]
            h.update(repr((cid, c.pref, c.alt, c.broader)).encode("utf-8"))
        h.update(repr(sorted(self.suppressed)).encode("utf-8"))
        return h.hexdigest()


def _finish(drafts: dict[str, _Draft], global_suppressed: set[str]) -> dict[str, Concept]:
    by_iri = {iri: concept_id(iri) for iri, d in drafts.items() if d.typed}
    out: dict[str, Concept] = {}
    for iri in sorted(by_iri, key=lambda i: by_iri[i]):
        d = drafts[iri]
        cid = by_iri[iri]
        if cid in out:
            raise ConceptBaseError(f"two concept IRIs end in the same id {cid!r} ({out[cid].iri} and {iri}); "
                                   "rename one of them")
        gone = d.suppressed | global_suppressed
        pref = tuple(sorted((lang, lab) for lang, lab in d.pref.items() if label_key(lab) not in gone))
        alt = tuple((lang, lab) for lang, lab in d.alt if label_key(lab) not in gone)
        out[cid] = Concept(id=cid, iri=iri, pref=pref, alt=alt,
                           broader=tuple(by_iri[b] for b in d.broader if b in by_iri and b != iri),
                           exact_match=tuple(d.exact), definition=d.definition, discovered=d.discovered,
                           evidence=d.evidence, defined_in=d.defined_in)
    return out


def load_concept_base(extra_files: Sequence[str] = (), *, use_default: bool = True) -> ConceptBase:
    """Load the bundled concept scheme and the user's files (later files extend or override)."""
    drafts: dict[str, _Draft] = {}
    suppressed: set[str] = set()
    files: list[tuple[Path, bool]] = []
    if use_default:
        files += [(p, False) for p in default_concept_files()]
    files += [(Path(f), True) for f in extra_files]
    for path, overriding in files:
        _merge_file(path, drafts, suppressed, overriding=overriding)
    return ConceptBase(_finish(drafts, suppressed), frozenset(suppressed))


def base_from_concepts(concepts: Iterable[Concept], suppressed: Iterable[str] = ()) -> ConceptBase:
    """A base from ready records (tests, and the mining step)."""
    return ConceptBase({c.id: c for c in concepts}, frozenset(label_key(s) for s in suppressed))


def add_alt(c: Concept, lang: str, label: str) -> Concept:
    """``c`` with one more altLabel (unchanged when it already has that label)."""
    if label in c.labels:
        return c
    return replace(c, alt=c.alt + ((lang, label),))
