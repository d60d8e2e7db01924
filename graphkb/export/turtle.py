"""RDF serialisations (Turtle, N-Triples, JSON-LD) written by Oxigraph from triples in a deterministic order."""
from __future__ import annotations

from itertools import chain

import networkx as nx
import pyoxigraph as ox

from ..vocab import PREFIXES
from .atomic import atomic_open
from .rdf import triple_chunks

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def write_rdf(g: nx.DiGraph, path: str, fmt: str = "turtle") -> int:
    """Write ``g`` as ``fmt`` atomically; returns the number of triples."""
    count = [0]

    def counted():  # per node, not per triple: chain hands the triples to Oxigraph without a Python frame each
        for chunk in triple_chunks(g):
            count[0] += len(chunk)
            yield chunk

    with atomic_open(path, "wb") as fh:
        if fmt == "turtle":
            ox.serialize(chain.from_iterable(counted()), fh, FORMATS[fmt], prefixes=PREFIXES)
        else:
            ox.serialize(chain.from_iterable(counted()), fh, FORMATS[fmt])
    return count[0]


def write_turtle(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "turtle")


def write_nt(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "nt")


def write_jsonld(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "jsonld")
