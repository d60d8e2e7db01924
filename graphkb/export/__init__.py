"""Exporters by name: each writes the assembled graph to one file in the output folder.

Registration is apart from implementation (rdflib's plugin registry): a name maps to the file it
writes and to ``module:function``, imported only when that format is asked for.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Exporter:
    name: str
    filename: str
    target: str  # "module:function", function(graph, path) -> int | None
    description: str
    remembers: bool = False  # the function also takes ``memo=`` (an ExportMemo): what the last build kept for it

    def load(self) -> Callable:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module, __name__), func)


EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("turtle", "graph.ttl", ".turtle:write_turtle", "RDF Turtle (the contract's format)", remembers=True),
    Exporter("html", "graph.html", ".html:write_html", "interactive explorer, one offline file", remembers=True),
    Exporter("nt", "graph.nt", ".turtle:write_nt", "RDF N-Triples", remembers=True),
    Exporter("jsonld", "graph.jsonld", ".turtle:write_jsonld", "RDF JSON-LD"),
    Exporter("graphml", "graph.graphml", ".networkx_formats:write_graphml", "GraphML (yEd, Cytoscape, igraph)"),
    Exporter("gexf", "graph.gexf", ".networkx_formats:write_gexf", "GEXF (Gephi)"),
    Exporter("json", "graph.json", ".networkx_formats:write_json", "node-link JSON (networkx, d3)"),
)}
DEFAULT_EXPORTS = ("turtle", "html")


def get_exporter(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise UsageError(f"unknown output format {name!r}; known formats: {', '.join(EXPORTERS)}") from None
