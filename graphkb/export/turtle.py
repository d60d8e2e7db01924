"""RDF serialisations (Turtle, N-Triples, JSON-LD) written by Oxigraph from sorted triples."""
from __future__ import annotations

import networkx as nx
import pyoxigraph as ox

from ..vocab import PREFIXES
from .atomic import atomic_open
from .rdf import triples

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def write_rdf(g: nx.DiGraph, path: str, fmt: str = "turtle") -> int:
    """Write ``g`` as ``fmt`` atomically; returns the number of triples."""
    ts = triples(g)
    prefixes = PREFIXES if fmt in ("turtle", "jsonld") else None
    with atomic_open(path, "wb") as fh:
        if fmt == "jsonld":
            ox.serialize(ts, fh, FORMATS[fmt])
        else:
            ox.serialize(ts, fh, FORMATS[fmt], prefixes=prefixes)
    return len(ts)


def write_turtle(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "turtle")


def write_nt(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "nt")


def write_jsonld(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "jsonld")
