"""Check a graph file against the contract's SHACL shapes (ontology/shapes.ttl) with pyshacl.

``validate(path)`` returns a ``Validation``: whether the graph conforms and one ``Violation`` per
result, sorted, with IRIs shortened by the contract's prefixes so the list reads like the Turtle.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.resources import files

from .errors import GraphKBError, UsageError
from .vocab import PREFIXES

SH = "http://www.w3.org/ns/shacl#"
# Suffix -> rdflib parser; the ox-* parsers (oxrdflib) read Turtle and N-Triples at Oxigraph's speed.
PARSERS = {".ttl": "ox-turtle", ".nt": "ox-ntriples", ".jsonld": "json-ld", ".json": "json-ld"}


def ontology_file(name: str) -> str:
    """Path of a file bundled in ontology/ (installed as the package graphkb.ontology)."""
    return str(files("graphkb.ontology").joinpath(name))


def shorten(term) -> str:
    """A term as it reads in our Turtle: prefixed name, <iri>, "literal"@lang or "literal"^^type."""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        s = str(term)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if s.startswith(ns) and len(s) > len(ns):
                return f"{prefix}:{s[len(ns):]}"
        return f"<{s}>"
    if isinstance(term, Literal):
        return term.n3()
    return "[]" if term is not None else ""


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        value = f" (value {self.value})" if self.value else ""
        return f"{where}: {self.message}{value}"


@dataclass
class Validation:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> str:
        if self.conforms:
            return f"conforms to the graphkb shapes ({self.triples} triples)"
        return f"{len(self.violations)} violation(s) of the graphkb shapes ({self.triples} triples)"


def load_graph(path: str):
    """The file at ``path`` as an rdflib Graph; UsageError when missing, GraphKBError when unparseable."""
    from rdflib import Graph

    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}; build one first (graphkb build) or give the path of a graph.ttl")
    fmt = PARSERS.get(os.path.splitext(path)[1].lower(), "ox-turtle")
    g = Graph()
    try:
        g.parse(path, format=fmt)
    except Exception as e:  # the parsers raise many types; all mean "not valid RDF"
        raise GraphKBError(f"{path} is not valid RDF ({fmt}): {e}") from None
    return g


def validate(path: str, shapes: str | None = None) -> Validation:
    """Validate the graph file at ``path`` against ``shapes`` (default: the bundled ontology/shapes.ttl)."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph, Namespace

    data = load_graph(path)
    shapes_graph = Graph().parse(shapes or ontology_file("shapes.ttl"), format="turtle")
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes_graph, inference="none",
                                          advanced=False, allow_warnings=False)
    sh = Namespace(SH)
    out = []
    for r in results.subjects(sh.resultSeverity, None):
        focus = results.value(r, sh.focusNode)
        path_ = results.value(r, sh.resultPath)
        value = results.value(r, sh.value)
        message = results.value(r, sh.resultMessage)
        severity = results.value(r, sh.resultSeverity)
        out.append(Violation(focus=shorten(focus), path=shorten(path_) if path_ is not None else "",
                             message=str(message) if message is not None else "does not conform",
                             value=shorten(value) if value is not None else "",
                             severity=str(severity).rpartition("#")[2]))
    return Validation(conforms=bool(conforms), violations=sorted(set(out)), triples=len(data))
