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
import os
import re
import unicodedata
from collections.abc import Iterable

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
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _clip(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _labels(a: dict) -> list[str]:
    """Every name a node is known by: label, title, name, preferred and alternative labels."""
    names = [a.get("label"), a.get("title"), a.get("name")]
    names += [label for _, label in a.get("pref") or ()] + [label for _, label in a.get("alt") or ()]
    return list(dict.fromkeys(n for n in names if n))


class _Refs:
    """Names of other nodes for the side panel: [page index or -1 when not drawn, label, count or None]."""

    def __init__(self, g: nx.DiGraph, index: dict[str, int], rank: dict[str, float]):
        self.g, self.index, self.rank = g, index, rank
        self._names: dict[str, str] = {}  # a node is named in many panels: clip its label once

    def one(self, node: str, count: int | None = None) -> list:
        name = self._names.get(node)
        if name is None:
            name = self._names[node] = _clip(self.g._node[node].get("label") or node, 120)
        return [self.index.get(node, -1), name, count]

    def many(self, items: Iterable[tuple[str, int | None]], by_count: bool = False) -> dict:
        items = list(items)
        rank = self.rank
        if by_count:
            top = heapq.nsmallest(LIST_ITEMS, items, key=lambda it: (-(it[1] or 0), -rank.get(it[0], 0.0), it[0]))
        else:
            top = heapq.nsmallest(LIST_ITEMS, items, key=lambda it: (-rank.get(it[0], 0.0), it[0]))
        # the first few of a concept's thousands of posts: a heap, not a sort of them all
        return {"items": [self.one(n, c) for n, c in top], "more": max(len(items) - LIST_ITEMS, 0)}


def _edges(g: nx.DiGraph, node: str, kind: str, out: bool = True) -> list[tuple[str, dict]]:
    adj = g._succ[node] if out else g._pred[node]  # the adjacency dict itself: out_edges/in_edges views cost ~4x
    return [(other, d) for other, d in adj.items() if d.get("kind") == kind]


def _evidence(g: nx.DiGraph, pairs: Iterable[tuple[str, dict]]) -> list[list[str]]:
    """[cited or citing name, sentence] for citation edges, first sentences first, deduplicated."""
    out, seen = [], set()
    for other, d in sorted(pairs, key=lambda p: p[0]):
        for ev in d.get("evidence") or ():
            sentence = _clip(ev.get("sentence") or ev.get("text"), TEXT_CHARS)
            if sentence and sentence not in seen:
                seen.add(sentence)
                out.append([_clip(g.nodes[other].get("label") or other, 120), sentence])
    return out[:EVIDENCE_ITEMS]


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
        mentions = _edges(g, node, "mentions")
        cites = _edges(g, node, "cites")
        cited_by = [(u, d) for u, d in _edges(g, node, "cites", out=False) if g.nodes[u].get("kind") == "post"]
        info["concepts"] = refs.many(((v, d.get("count")) for v, d in mentions), by_count=True)
        info["cites"] = refs.many((v, None) for v, _ in cites)
        info["cited_by"] = refs.many((u, None) for u, _ in cited_by)
        info["series"] = refs.many((v, d.get("position")) for v, d in _edges(g, node, "partOf"))
        info["evidence"] = _evidence(g, cites)
    elif kind == "concept":
        info.update(title=a.get("label") or "", pref=[list(p) for p in a.get("pref") or ()],
                    alt=[list(p) for p in a.get("alt") or ()], discovered=bool(a.get("discovered")),
                    definition=_clip(a.get("definition"), TEXT_CHARS) or None,
                    evidence_text=_clip(a.get("evidence"), TEXT_CHARS) or None)
        info["broader"] = refs.many((v, None) for v, _ in _edges(g, node, "broader"))
        info["narrower"] = refs.many((u, None) for u, _ in _edges(g, node, "broader", out=False))
        info["mentioned_in"] = refs.many(((u, d.get("count")) for u, d in _edges(g, node, "mentions", out=False)),
                                         by_count=True)
    elif kind == "work":
        cited_by = _edges(g, node, "cites", out=False)
        info.update(title=a.get("name") or a.get("label") or "", work_kind=a.get("work_kind"),
                    confidence=a.get("confidence"))
        info["cited_by"] = refs.many((u, None) for u, _ in cited_by)
        info["evidence"] = _evidence(g, cited_by)
    else:
        members = _edges(g, node, "partOf", out=False)
        info.update(title=a.get("name") or a.get("label") or "")
        ordered = sorted(members, key=lambda m: (m[1].get("position") is None, m[1].get("position") or 0, m[0]))
        info["members"] = {"items": [refs.one(u, d.get("position")) for u, d in ordered[:LIST_ITEMS]],
                           "more": max(len(ordered) - LIST_ITEMS, 0)}
    return info


def explorer_data(g: nx.DiGraph, limit: int = DEFAULT_LIMIT, seed: int = 0, first_edges: int = FIRST_EDGES,
                  edge_limit: int = EDGE_LIMIT) -> dict:
    """Everything the page draws, as plain JSON-ready data: nodes, edges, side-panel details, counts."""
    rank = measures.pagerank(g)
    shown = measures.central_nodes(g, limit, rank)
    index = {n: i for i, n in enumerate(shown)}
    among = measures.undirected(g, shown)  # the links among the drawn nodes, built once for both measures
    pos = measures.layout(g, shown, seed=seed, among=among)
    community = measures.communities(g, shown, seed=seed, among=among)
    top = max((rank[n] for n in shown), default=1.0) or 1.0
    refs = _Refs(g, index, rank)

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
    return env


def render(g: nx.DiGraph, limit: int = DEFAULT_LIMIT, seed: int = 0, first_edges: int = FIRST_EDGES,
           edge_limit: int = EDGE_LIMIT) -> str:
    """The explorer page for ``g`` as one HTML string (deterministic for the same graph)."""
    from pyvis.network import Network

    data = explorer_data(g, limit=limit, seed=seed, first_edges=first_edges, edge_limit=edge_limit)
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


def write_html(g: nx.DiGraph, path: str, limit: int = DEFAULT_LIMIT) -> None:
    atomic_write(path, render(g, limit=limit))
