"""Derived measures of the assembled graph: pure functions, deterministic for the same graph.

PageRank ranks nodes (size in the explorer, and which nodes an overview keeps), Louvain finds
communities (colour), and a seeded force-directed layout gives every node a position so the
browser draws at once instead of simulating physics.
"""
from __future__ import annotations

import random
from collections.abc import Iterable

import networkx as nx


def pagerank(g: nx.DiGraph) -> dict[str, float]:
    """PageRank of every node; repeated mentions weigh by their ``count``."""
    if g.number_of_nodes() == 0:
        return {}
    return nx.pagerank(g, weight="count")


def ranked(g: nx.DiGraph, rank: dict[str, float] | None = None) -> list[str]:
    """Nodes from most to least central; ties broken by IRI so the order never depends on insertion."""
    rank = pagerank(g) if rank is None else rank
    return sorted(g, key=lambda n: (-rank.get(n, 0.0), n))


def central_nodes(g: nx.DiGraph, limit: int, rank: dict[str, float] | None = None) -> list[str]:
    """The ``limit`` most central nodes, most central first (all nodes when the graph is small)."""
    return ranked(g, rank)[:max(limit, 0)]


def _undirected(g: nx.DiGraph, nodes: Iterable[str]) -> nx.Graph:
    """A simple undirected graph over ``nodes`` (in that order) with the edges among them, sorted."""
    nodes = list(nodes)
    keep = set(nodes)
    u = nx.Graph()
    u.add_nodes_from(nodes)
    u.add_edges_from(sorted((a, b) if a < b else (b, a) for a, b in g.edges() if a in keep and b in keep and a != b))
    return u


def communities(g: nx.DiGraph, nodes: Iterable[str] | None = None, seed: int = 0) -> dict[str, int]:
    """Louvain communities among ``nodes`` (default: all), numbered 0.. by size, largest first."""
    nodes = sorted(g) if nodes is None else sorted(nodes)
    u = _undirected(g, nodes)
    if u.number_of_nodes() == 0:
        return {}
    parts = nx.community.louvain_communities(u, seed=seed) if u.number_of_edges() else [{n} for n in nodes]
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    return {n: i for i, p in enumerate(parts) for n in p}


def layout(g: nx.DiGraph, nodes: Iterable[str] | None = None, seed: int = 0,
           iterations: int = 300) -> dict[str, tuple[float, float]]:
    """Seeded Fruchterman-Reingold positions of ``nodes`` (default: all), centred on 0, in pixel-like units.

    igraph's grid variant runs in C: about 1 s for 4,000 nodes, where networkx's spring, energy and
    ForceAtlas2 layouts take 25-120 s (benchmarks/html_draw.py).  The extent grows with the square
    root of the node count so that node density stays readable at any size.
    """
    import igraph as ig

    order = sorted(g) if nodes is None else sorted(nodes)
    n = len(order)
    if n == 0:
        return {}
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(order)}
    u = _undirected(g, order)
    ig_graph = ig.Graph(n=n, edges=[(index[a], index[b]) for a, b in u.edges()])
    rnd = random.Random(seed)
    start = [[rnd.uniform(-1.0, 1.0) * n ** 0.5, rnd.uniform(-1.0, 1.0) * n ** 0.5] for _ in range(n)]
    # igraph draws from a process-wide generator: give it a seeded one for this call, then restore its default
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = ig_graph.layout_fruchterman_reingold(niter=iterations, seed=start, grid="grid" if n > 1000 else "nogrid").coords
    finally:
        ig.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 90.0 * n ** 0.5 / extent
    return {v: (round((coords[i][0] - cx) * scale, 1), round((coords[i][1] - cy) * scale, 1)) for v, i in index.items()}
