"""The interactive explorer: one self-contained HTML file that opens from disk with the network off.

pyvis supplies the Network holder, its Jinja rendering and its bundled vis-network; our own template
(``templates/explorer.html``) in-lines that bundle with our JS and CSS, so the page has no CDN,
Bootstrap or node_modules reference, and a Content-Security-Policy forbids every request.

Reads the assembled graph (node ``kind`` post/concept/work/series, edge ``kind``
mentions/cites/broader/partOf); writes the page.  Everything from the data (titles, labels, URLs,
sentences) goes in as JSON that cannot close its <script> element, and the page's JS puts it into the
DOM with textContent only; links are made for http(s) URLs only.
"""
from __future__ import annotations

import heapq
import json
import operator
import os
import re
import unicodedata
from collections.abc import Iterable
from itertools import compress

import networkx as nx

from ..graph import measures
from ..graph.iris import safe_http_url
from .atomic import atomic_write

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
DEFAULT_LIMIT = 4000  # nodes drawn; above it the page shows the most central ones and says so
KINDS = ("post", "concept", "work", "series")
EDGE_KINDS = ("mentions", "cites", "broader", "partOf")
_EDGE_ORDER = {"cites": 0, "broader": 1, "partOf": 2, "mentions": 3}
FIRST_EDGES = 3000  # links drawn before the page reports the graph drawn; the rest follow in batches
EDGE_LIMIT = 8000  # links drawn at most (vis-network builds each in ~0.1-0.4 ms); neighbourhoods use them all
LABEL_CHARS = 40
TEXT_CHARS = 300
LIST_ITEMS = 30  # names per list in the side panel, the rest counted
EVIDENCE_ITEMS = 12

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def safe_json(value) -> str:
    """Compact JSON that cannot close a <script> element, open a comment, or break a JS string literal."""
    # check_circular=False: the same text without tracking every list and dict by id (data has no cycles)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _clip(text: str | None, limit: int) -> str:
    """``text`` with its whitespace runs made one space and its ends trimmed, cut to ``limit`` characters
    (the last an ellipsis) when longer."""
    text = text or ""
    if len(text) > 4 * limit:
        # a long text (a whole passage) is collapsed from a prefix when that is enough: collapsing a prefix
        # gives a prefix of the collapsed whole, so when it is already longer than ``limit`` the cut is the same
        head = " ".join(text[:4 * limit].split())
        if len(head) > limit:
            return head[:limit - 1] + "…"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _labels(a: dict) -> list[str]:
    """Every name a node is known by: label, title, name, preferred and alternative labels."""
    names = [a.get("label"), a.get("title"), a.get("name")]
    names += [label for _, label in a.get("pref") or ()] + [label for _, label in a.get("alt") or ()]
    return list(dict.fromkeys(n for n in names if n))


class _Refs:
    """Names of other nodes for the side panel: [page index or -1 when not drawn, label, count or None].

    ``order`` is every node of ``g`` from most to least central (``measures.ranked``): a node's place in
    it is an int that sorts exactly as the key (-PageRank, IRI) does, so a list is ranked by comparing
    ints made in C (``map(place.__getitem__, ...)``) instead of calling a key function per item."""

    def __init__(self, g: nx.DiGraph, index: dict[str, int], order: list[str]):
        self.g, self.index, self.order = g, index, order
        self.place = {n: i for i, n in enumerate(order)}
        self._names: dict[str, str] = {}  # a node is named in many panels: clip its label once

    def name(self, node: str) -> str:
        name = self._names.get(node)
        if name is None:
            name = self._names[node] = _clip(self.g._node[node].get("label") or node, 120)
        return name

    def one(self, node: str, count: int | None = None) -> list:
        return [self.index.get(node, -1), self.name(node), count]

    def many(self, nodes: list[str], values: list | None = None, by_count: bool = False) -> dict:
        """The first LIST_ITEMS of ``nodes`` (distinct) and how many more, each with its value from
        ``values`` (a count or a position; None when not given).  Most central first, or with
        ``by_count`` highest value first (None as 0), then most central.

        The first few of a concept's thousands of posts: a heap (nsmallest) of keys compared in C (ints, or
        tuples made by zip), not a sort of them all nor a key function called per item; places are
        distinct, so a tuple's trailing value is never compared.  nsmallest just sorts a short list."""
        more = max(len(nodes) - LIST_ITEMS, 0)
        order, place = self.order, self.place.__getitem__
        if values is None:
            top = heapq.nsmallest(LIST_ITEMS, list(map(place, nodes)))
            return {"items": [self.one(order[k]) for k in top], "more": more}
        if not by_count:
            top = heapq.nsmallest(LIST_ITEMS, list(zip(map(place, nodes), values)))
            return {"items": [self.one(order[k], c) for k, c in top], "more": more}
        top = heapq.nsmallest(LIST_ITEMS, list(zip([-(c or 0) for c in values], map(place, nodes), values)))
        return {"items": [self.one(order[k], c) for _, k, c in top], "more": more}


class _Edges:
    """One node's out- (or in-) edges, by kind, each list in adjacency order.

    Each edge's kind is read once here, not once per kind asked for: a concept has tens of thousands of
    incoming mentions, whose data, spread over memory, costs more to reach than anything done with it.
    Selecting by kind then works on that list and the adjacency dict's keys, in C (compress), with no
    (other, data) tuple per edge."""

    __slots__ = ("adj", "kinds")

    def __init__(self, g: nx.DiGraph, node: str, out: bool = True):
        self.adj = g._succ[node] if out else g._pred[node]  # the adjacency dict itself: edge views cost ~4x
        self.kinds = [d.get("kind") for d in self.adj.values()]

    def _of(self, kind: str) -> list[bool]:
        return [k == kind for k in self.kinds]

    def others(self, kind: str) -> list[str]:
        """The other ends of the edges of ``kind``."""
        return list(compress(self.adj, self._of(kind)))

    def values(self, kind: str, key: str) -> list:
        """``d.get(key)`` of the same edges, in the same order."""
        return [d.get(key) for d in compress(self.adj.values(), self._of(kind))]

    def pairs(self, kind: str) -> list[tuple[str, dict]]:
        """(other end, data) of the same edges."""
        return list(compress(self.adj.items(), self._of(kind)))


def _evidence(refs: _Refs, pairs: list[tuple[str, dict]]) -> list[list[str]]:
    """[cited or citing name, sentence] for citation edges, first sentences first, deduplicated."""
    out, seen = [], set()
    for other, d in sorted(pairs, key=operator.itemgetter(0)):
        for ev in d.get("evidence") or ():
            sentence = _clip(ev.get("sentence") or ev.get("text"), TEXT_CHARS)
            if sentence and sentence not in seen:
                seen.add(sentence)
                out.append([refs.name(other), sentence])
                if len(out) == EVIDENCE_ITEMS:  # the rest would be cut off
                    return out
    return out


def _info(g: nx.DiGraph, node: str, refs: _Refs) -> dict:
    """What the side panel shows for one node."""
    a = g.nodes[node]
    kind = a.get("kind")
    info: dict = {"iri": node}
    if kind == "post":
        url = a.get("url")
        info.update(title=a.get("label") or "", date=a.get("date"), readers=a.get("readers"),
                    category=a.get("category"), tags=list(a.get("tags") or ()), untitled=bool(a.get("untitled")))
        if url:
            info["url"] = url
            info["href"] = safe_http_url(url)  # None: shown as text, never as a link
        out, into = _Edges(g, node), _Edges(g, node, out=False)
        cites = out.pairs("cites")
        nodes = g._node
        info["concepts"] = refs.many(out.others("mentions"), out.values("mentions", "count"), by_count=True)
        info["cites"] = refs.many([v for v, _ in cites])
        info["cited_by"] = refs.many([u for u in into.others("cites") if nodes[u].get("kind") == "post"])
        info["series"] = refs.many(out.others("partOf"), out.values("partOf", "position"))
        info["evidence"] = _evidence(refs, cites)
    elif kind == "concept":
        info.update(title=a.get("label") or "", pref=[list(p) for p in a.get("pref") or ()],
                    alt=[list(p) for p in a.get("alt") or ()], discovered=bool(a.get("discovered")),
                    definition=_clip(a.get("definition"), TEXT_CHARS) or None,
                    evidence_text=_clip(a.get("evidence"), TEXT_CHARS) or None)
        out, into = _Edges(g, node), _Edges(g, node, out=False)
        info["broader"] = refs.many(out.others("broader"))
        info["narrower"] = refs.many(into.others("broader"))
        info["mentioned_in"] = refs.many(into.others("mentions"), into.values("mentions", "count"), by_count=True)
    elif kind == "work":
        cited_by = _Edges(g, node, out=False).pairs("cites")
        info.update(title=a.get("name") or a.get("label") or "", work_kind=a.get("work_kind"),
                    confidence=a.get("confidence"))
        info["cited_by"] = refs.many([u for u, _ in cited_by])
        info["evidence"] = _evidence(refs, cited_by)
    else:
        info.update(title=a.get("name") or a.get("label") or "")
        into = _Edges(g, node, out=False)
        members = zip(into.values("partOf", "position"), into.others("partOf"))
        ordered = sorted(members, key=lambda m: (m[0] is None, m[0] or 0, m[1]))
        info["members"] = {"items": [refs.one(u, position) for position, u in ordered[:LIST_ITEMS]],
                           "more": max(len(ordered) - LIST_ITEMS, 0)}
    return info


def explorer_data(g: nx.DiGraph, limit: int = DEFAULT_LIMIT, seed: int = 0, first_edges: int = FIRST_EDGES,
                  edge_limit: int = EDGE_LIMIT, memo=None) -> dict:
    """Everything the page draws, as plain JSON-ready data: nodes, edges, side-panel details, counts.

    The cyclic collector is paused meanwhile: the page data is a few hundred thousand small lists and dicts
    that all stay alive, and every so many new containers the collector would make a full pass over the
    process, the whole graph included (~0.15 s each on a 320k-edge graph, 3-5 per page), finding nothing."""
    from ..runtime import collector_paused

    with collector_paused():
        return _explorer_data(g, limit, seed, first_edges, edge_limit, memo)


def _placed(g: nx.DiGraph, shown: list[str], among: nx.Graph, seed: int, memo) -> tuple[dict, dict]:
    """Positions and communities of the drawn nodes (``among``: the links among them): the last build's
    when ``memo`` kept them for the same drawn graph, about 0.6 s of a 4,000-node page."""
    if memo is None:
        return measures.layout(g, shown, seed=seed, among=among), measures.communities(g, shown, seed=seed, among=among)
    import hashlib
    import marshal

    import igraph

    from .memo import code_key

    # both depend on the drawn nodes and the links among them, not on their order (they sort both);
    # marshal's version 0 writes them by content alone
    adj = among._adj
    drawn = [(n, sorted(adj[n])) for n in sorted(shown)]
    key = hashlib.blake2b(marshal.dumps((code_key("graphkb.graph.measures"), igraph.__version__, seed, drawn), 0),
                          digest_size=16).digest()
    last = memo.load("explorer-layout")
    if isinstance(last, tuple) and len(last) == 3 and last[0] == key:
        return last[1], last[2]
    pos = measures.layout(g, shown, seed=seed, among=among)
    community = measures.communities(g, shown, seed=seed, among=among)
    memo.save("explorer-layout", (key, pos, community))
    return pos, community


def _explorer_data(g: nx.DiGraph, limit: int, seed: int, first_edges: int, edge_limit: int, memo=None) -> dict:
    rank = measures.pagerank(g)
    ranked = measures.ranked(g, rank)  # every node, most central first: the side panel's lists go by it too
    shown = ranked[:max(limit, 0)]  # measures.central_nodes without sorting again
    index = {n: i for i, n in enumerate(shown)}
    among = measures.undirected(g, shown)  # the links among the drawn nodes, built once for both measures
    pos, community = _placed(g, shown, among, seed, memo)
    top = max((rank[n] for n in shown), default=1.0) or 1.0
    refs = _Refs(g, index, ranked)

    nodes, info, search = [], [], []
    for n in shown:
        a = g.nodes[n]
        kind = a.get("kind") if a.get("kind") in KINDS else "work"
        label = a.get("label") or a.get("name") or n
        node = {"label": _clip(label, LABEL_CHARS), "kind": kind, "x": pos[n][0], "y": pos[n][1],
                "size": round(8 + 32 * (rank[n] / top) ** 0.5, 1), "community": community.get(n, 0)}
        if node["label"] != label:
            node["full"] = _clip(label, TEXT_CHARS)  # the hover tooltip
        if kind == "post":
            node["year"] = _year(a.get("date"))
        nodes.append(node)
        info.append(_info(g, n, refs))
        search.append("\n".join(dict.fromkeys(_norm(x) for x in _labels(a))))
    # the page draws the first ``first_edges`` links with the nodes and adds the rest (up to ``edge_limit``)
    # right after, so the most telling come first: citations, hierarchy, series, then the most repeated mentions
    ranked_edges = sorted((_EDGE_ORDER.get(d.get("kind"), 0), -(d.get("count") or 1), index[u], index[v],
                           EDGE_KINDS.index(d["kind"]) if d.get("kind") in EDGE_KINDS else 0)
                          for u in shown for v, d in g._succ[u].items() if v in index)  # shown nodes' own links
    edges = [(u, v, k) for _, _, u, v, k in ranked_edges]

    totals = {k: 0 for k in KINDS}
    for _, a in g.nodes(data=True):
        totals[a.get("kind") if a.get("kind") in KINDS else "work"] += 1
    drawn = {k: 0 for k in KINDS}
    for node in nodes:
        drawn[node["kind"]] += 1
    years = sorted({node["year"] for node in nodes if node.get("year")})
    meta = {"shown": len(shown), "total": g.number_of_nodes(), "limit": limit, "truncated": len(shown) < len(g),
            "edges_shown": min(len(edges), edge_limit), "edges_total": g.number_of_edges(), "kinds": totals, "drawn": drawn,
            "years": years, "no_year": any(n["kind"] == "post" and not n.get("year") for n in nodes),
            "edge_kinds": list(EDGE_KINDS), "first_edges": min(first_edges, edge_limit), "edge_limit": edge_limit}
    return {"meta": meta, "nodes": nodes, "edges": [list(e) for e in edges], "info": info, "search": search}


def _environment():
    import pyvis
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup

    # our templates first; pyvis' own folder only for the vis-network bundle it ships (lib/vis-*)
    env = Environment(loader=FileSystemLoader([TEMPLATES, os.path.join(os.path.dirname(pyvis.__file__), "templates")]),
                      autoescape=True, keep_trailing_newline=True)
    env.filters["json"] = lambda value: Markup(safe_json(value))
    # the page's scripts and styles go in as they are: compiling vis-network's 470 KB as a template (what
    # {% include %} does) took ~0.05 s a page, and would misread any "{{" it held
    env.globals["asset"] = lambda name: Markup(env.loader.get_source(env, name)[0])
    return env


def render(g: nx.DiGraph, limit: int = DEFAULT_LIMIT, seed: int = 0, first_edges: int = FIRST_EDGES,
           edge_limit: int = EDGE_LIMIT, memo=None) -> str:
    """The explorer page for ``g`` as one HTML string (deterministic for the same graph; ``memo``, an
    ExportMemo, only saves work)."""
    from pyvis.network import Network

    data = explorer_data(g, limit=limit, seed=seed, first_edges=first_edges, edge_limit=edge_limit, memo=memo)
    net = Network(cdn_resources="in_line", height="100%", width="100%", directed=True)
    net.path = "explorer.html"
    net.templateEnv = _environment()
    # filled directly: add_node/add_edge are O(n^2); positions are given, so physics is off
    net.nodes, net.edges = data["nodes"], data["edges"]
    net.options = {"physics": {"enabled": False}}
    m = data["meta"]
    net.heading = (f"showing {m['shown']:,} of {m['total']:,} nodes, the most central (PageRank; limit {m['limit']:,})"
                   if m["truncated"] else "")
    net.templateEnv.globals.update(gkb={k: data[k] for k in ("meta", "search")}, gkb_info=data["info"])
    return net.generate_html(name="graph.html")


def write_html(g: nx.DiGraph, path: str, limit: int = DEFAULT_LIMIT, memo=None) -> None:
    atomic_write(path, render(g, limit=limit, memo=memo))
