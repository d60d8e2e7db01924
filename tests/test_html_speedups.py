"""The explorer's faster paths give what the plain ones gave: html._clip (a bounded prefix of a long text)
and measures.undirected (adjacency filled directly, not by add_edges_from of the sorted pairs)."""
import random

import networkx as nx

from graphkb.export.html import _clip
from graphkb.graph import measures


def _reference(text, limit):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def test_clip_prefix_shortcut_matches_collapsing_the_whole_text():
    rnd = random.Random(7)
    pieces = ["a", "bc", "数学", "word", " ", "  ", "\t", "\n", "\u3000", "\x1c", "\u2028", "\xa0", " \n\t "]
    for _ in range(3000):
        limit = rnd.choice([1, 2, 3, 5, 10, 40, 120])
        spaces = rnd.random()  # from almost no whitespace to almost only whitespace
        n = rnd.randint(0, 12 * limit)
        text = "".join(rnd.choice(pieces[4:]) if rnd.random() < spaces else rnd.choice(pieces[:4]) for _ in range(n))
        assert _clip(text, limit) == _reference(text, limit), (text, limit)


def test_clip_empty_and_none():
    assert _clip(None, 10) == "" and _clip("", 10) == "" and _clip("   ", 1) == ""
    assert _clip("x" * 500, 10) == "x" * 9 + "…"
    assert _clip(" " * 500 + "ab", 10) == "ab"


def _undirected_reference(g, nodes):
    nodes = list(nodes)
    keep = set(nodes)
    u = nx.Graph()
    u.add_nodes_from(nodes)
    u.add_edges_from(sorted((a, b) if a < b else (b, a) for a in nodes for b in g._succ[a] if b in keep and a != b))
    return u


def test_undirected_matches_adding_the_sorted_pairs():
    rnd = random.Random(3)
    for _ in range(200):
        g = nx.DiGraph()
        names = [f"n{i:02d}" for i in range(rnd.randint(0, 30))]
        g.add_nodes_from(rnd.sample(names, len(names)))
        for _ in range(rnd.randint(0, 120)) if names else ():
            g.add_edge(rnd.choice(names), rnd.choice(names))  # self-loops and both directions included
        nodes = rnd.sample(names, rnd.randint(0, len(names)))
        got, want = measures.undirected(g, nodes), _undirected_reference(g, nodes)
        assert list(got.adjacency()) == list(want.adjacency())  # nodes, neighbours, in the same order
        assert list(got.edges()) == list(want.edges())
        assert all(got._adj[a][b] is got._adj[b][a] for a, b in got.edges())


def test_pagerank_is_networkx_pagerank_weighted_by_count():
    """measures.pagerank calls igraph's C core directly: the values networkx gives, with repeated mentions
    weighing by their count and dangling nodes spread evenly."""
    rnd = random.Random(5)
    g = nx.DiGraph()
    g.add_nodes_from(f"n{i:03d}" for i in range(120))
    for _ in range(400):
        u, v = rnd.sample(sorted(g), 2)
        g.add_edge(u, v, kind="mentions", count=rnd.randint(1, 9))
    g.add_edge("n000", "n001", kind="cites")  # no count: weight 1
    ours = measures.pagerank(g)
    theirs = nx.pagerank(g, alpha=0.85, weight="count", tol=1e-12, max_iter=1000)
    assert set(ours) == set(g)
    assert max(abs(ours[n] - theirs[n]) for n in g) < 1e-9
