"""The networkx graph for other tools: GraphML, GEXF (Gephi) and node-link JSON, written by networkx.

GraphML and GEXF hold only scalar attributes, so lists are flattened: a list of strings is joined
with "; ", anything nested (sources, offsets, citation evidence) becomes a JSON string.  An attribute
whose values differ in type between elements becomes a string everywhere (one type per GraphML key).
Edges get a ``weight`` (mentions: the count; cites: the number of citing passages) for Gephi.
Nodes and edges are written in sorted order, so the same graph gives the same bytes.
"""
from __future__ import annotations

import json

import networkx as nx

from .atomic import atomic_open

_RENAMED = {"id": "concept_id"}  # GEXF takes a node's "id" attribute as its id; keep the IRI instead
_DROPPED = {"iri"}  # the node key already is the IRI


def _scalar(value):
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _weight(a: dict):
    if a.get("kind") == "mentions":
        return int(a.get("count") or 1)
    if a.get("kind") == "cites":
        return len(a.get("evidence") or ()) or 1
    return 1


def _unify_types(items: list[dict]) -> None:
    """One type per attribute name across all items (else a string), as GraphML keys require."""
    types: dict[str, set] = {}
    for d in items:
        for k, v in d.items():
            types.setdefault(k, set()).add(type(v))
    mixed = {k for k, ts in types.items() if len(ts) > 1}
    for d in items:
        for k in mixed & d.keys():
            d[k] = json.dumps(d[k], ensure_ascii=False) if isinstance(d[k], bool) else str(d[k])


def flat_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``g`` with scalar attributes only, nodes and edges in sorted order."""
    nodes = []
    for n in sorted(g.nodes):
        attrs = {_RENAMED.get(k, k): _scalar(v) for k, v in sorted(g.nodes[n].items())
                 if v is not None and k not in _DROPPED}
        nodes.append((n, attrs))
    edges = []
    for u, v in sorted(g.edges):
        a = g.edges[u, v]
        attrs = {k: _scalar(x) for k, x in sorted(a.items()) if x is not None}
        attrs["weight"] = _weight(a)
        edges.append((u, v, attrs))
    _unify_types([a for _, a in nodes])
    _unify_types([a for _, _, a in edges])
    h = nx.DiGraph()
    h.add_nodes_from(nodes)
    h.add_edges_from(edges)
    return h


def write_graphml(g: nx.DiGraph, path: str) -> int:
    h = flat_graph(g)
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(h, fh, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return h.number_of_nodes()


def write_gexf(g: nx.DiGraph, path: str) -> int:
    h = flat_graph(g)
    with atomic_open(path, "wb") as fh:
        nx.write_gexf(h, fh, encoding="utf-8", prettyprint=True)
    return h.number_of_nodes()


def write_json(g: nx.DiGraph, path: str) -> int:
    """Node-link JSON (networkx ``node_link_data``, edges under "edges"); nested attributes kept as they are."""
    h = nx.DiGraph()
    h.add_nodes_from((n, g.nodes[n]) for n in sorted(g.nodes))
    h.add_edges_from((u, v, dict(g.edges[u, v], weight=_weight(g.edges[u, v]))) for u, v in sorted(g.edges))
    data = nx.node_link_data(h, edges="edges")
    with atomic_open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, sort_keys=True, indent=1, default=str)
        fh.write("\n")
    return h.number_of_nodes()
