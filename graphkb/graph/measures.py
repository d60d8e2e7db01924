"""Derived measures of the assembled graph: pure functions, deterministic for the same graph.

PageRank ranks nodes (size in the explorer, and which nodes an overview keeps), Louvain finds
communities (colour), and a seeded force-directed layout gives every node a position so the
browser draws at once instead of simulating physics.
"""
from __future__ import annotations

import contextlib
import random
from collections.abc import Iterable, Iterator

import networkx as nx

_GAP = 80.0  # space between packed components


def _igraph(n: int, edges: list[tuple[int, int]], directed: bool = False):
    """An igraph graph as its C core (``igraph.GraphBase``), whose methods the ones used here are
    (``igraph.Graph`` wraps their results in Python classes).  ``igraph.Graph()`` imports numpy on every
    construction to check for arrays we never pass: about 0.1 s of each build process."""
    import igraph as ig

    return ig.GraphBase(n, edges, directed)


def pagerank(g: nx.DiGraph) -> dict[str, float]:
    """PageRank of every node (damping 0.85, dangling nodes spread evenly); repeated mentions weigh by their ``count``.

    igraph's PRPACK solver: the same ranking as ``nx.pagerank``, at a fraction of the cost (networkx
    spent most of its 1.5 s on a 320k-edge graph building the scipy matrix).
    """
    if g.number_of_nodes() == 0:
        return {}
    nodes = list(g)
    index = {n: i for i, n in enumerate(nodes)}
    edges, weights = [], []
    for u, nbrs in g._succ.items():
        iu = index[u]
        for v, d in nbrs.items():
            edges.append((iu, index[v]))
            weights.append(d.get("count", 1))
    h = _igraph(len(nodes), edges, directed=True)
    # what igraph.Graph.pagerank calls: no personalisation (reset None), every vertex
    return dict(zip(nodes, h.personalized_pagerank(weights=weights, damping=0.85, implementation="prpack")))


def ranked(g: nx.DiGraph, rank: dict[str, float] | None = None) -> list[str]:
    """Nodes from most to least central; ties broken by IRI so the order never depends on insertion."""
    rank = pagerank(g) if rank is None else rank
    return sorted(g, key=lambda n: (-rank.get(n, 0.0), n))


def central_nodes(g: nx.DiGraph, limit: int, rank: dict[str, float] | None = None) -> list[str]:
    """The ``limit`` most central nodes, most central first (all nodes when the graph is small)."""
    return ranked(g, rank)[:max(limit, 0)]


def undirected(g: nx.DiGraph, nodes: Iterable[str]) -> nx.Graph:
    """A simple undirected graph over ``nodes`` (in that order) with the edges among them; each node's
    neighbours in sorted order (the layout and Louvain read the edges in that order)."""
    nodes = list(nodes)
    keep = set(nodes)
    succ, pred = g._succ, g._pred  # only the kept nodes' own adjacency, not every edge of the graph
    u = nx.Graph()
    u.add_nodes_from(nodes)
    adj = u._adj
    # filled directly rather than by add_edges_from (~2 us an edge in Python); the same graph: one data
    # dict shared by both directions of an edge, the first of the two to be written making it
    for a in nodes:
        near = keep.intersection(succ[a])  # set operations in C
        near.update(keep.intersection(pred[a]))
        near.discard(a)
        row = adj[a]
        for b in sorted(near):
            data = adj[b].get(a)
            row[b] = {} if data is None else data
    return u


def communities(g: nx.DiGraph, nodes: Iterable[str] | None = None, seed: int = 0,
                among: nx.Graph | None = None) -> dict[str, int]:
    """Louvain communities among ``nodes`` (default: all), numbered 0.. by size, largest first.

    ``among``: ``undirected(g, nodes)`` when the caller already has it."""
    nodes = sorted(g) if nodes is None else sorted(nodes)
    u = undirected(g, nodes) if among is None else among
    if u.number_of_nodes() == 0:
        return {}
    if u.number_of_edges():
        # igraph's Louvain (C): ~0.05 s on 4,000 nodes where networkx's took ~1.5 s.  The links go in by
        # sorted node, whatever order ``u`` was built in: the result depends on the nodes and links only
        index = {v: i for i, v in enumerate(nodes)}
        adj = u._adj
        ig_graph = _igraph(len(nodes), [(index[a], index[b]) for a in nodes for b in sorted(adj[a]) if a < b])
        with _seeded(seed):
            membership = ig_graph.community_multilevel(None, return_levels=False, resolution=1)
        groups: dict[int, list[str]] = {}
        for v, c in zip(nodes, membership):
            groups.setdefault(c, []).append(v)
        parts = list(groups.values())
    else:
        parts = [{n} for n in nodes]
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    return {n: i for i, p in enumerate(parts) for n in p}


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph draws from a process-wide generator: a seeded one inside this, then igraph's default again."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _component_layout(u: nx.Graph, order: list[str], seed: int, iterations: int) -> dict[str, tuple[float, float]]:
    """Seeded Fruchterman-Reingold positions of the connected component ``order`` of ``u``, centred on 0,
    extent ~ sqrt(size)."""
    n = len(order)
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(order)}
    adj = u._adj  # a component's nodes have all their neighbours inside it: no subgraph view needed
    ig_graph = _igraph(n, [(index[a], index[b]) for a in order for b in sorted(adj[a]) if a < b])
    rnd = random.Random(seed)
    start = [[rnd.uniform(-1.0, 1.0) * n ** 0.5, rnd.uniform(-1.0, 1.0) * n ** 0.5] for _ in range(n)]
    with _seeded(seed):
        coords = ig_graph.layout_fruchterman_reingold(niter=iterations, seed=start,
                                                      grid="grid" if n > 1000 else "nogrid")
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 90.0 * n ** 0.5 / extent
    return {v: ((coords[i][0] - cx) * scale, (coords[i][1] - cy) * scale) for v, i in index.items()}


def layout(g: nx.DiGraph, nodes: Iterable[str] | None = None, seed: int = 0,
           iterations: int = 300, among: nx.Graph | None = None) -> dict[str, tuple[float, float]]:
    """Seeded positions of ``nodes`` (default: all), centred on 0, in pixel-like units.

    Each connected component gets its own Fruchterman-Reingold layout (igraph's, in C: about 1 s for
    4,000 nodes, where networkx's spring, energy and ForceAtlas2 layouts took 25-120 s), and the
    components are then packed in rows, largest first, so that a few isolated nodes cannot push the
    rest into a corner.  A component's extent grows with the square root of its size.
    """
    order = sorted(g) if nodes is None else sorted(nodes)
    if not order:
        return {}
    u = undirected(g, order) if among is None else among
    comps = sorted((sorted(c) for c in nx.connected_components(u)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for comp in comps:
        pos = _component_layout(u, comp, seed, iterations)
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        boxes.append((pos, min(xs), min(ys), max(xs) - min(xs) + _GAP, max(ys) - min(ys) + _GAP))
    width = max(max(b[3] for b in boxes), sum(b[3] * b[4] for b in boxes) ** 0.5)
    out: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for pos, minx, miny, w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for v, (px, py) in pos.items():
            out[v] = (px - minx + x, py - miny + y)
        x, row = x + w, max(row, h)
    xs, ys = [p[0] for p in out.values()], [p[1] for p in out.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {v: (round(px - cx, 1), round(py - cy, 1)) for v, (px, py) in out.items()}
