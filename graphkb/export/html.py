"""The interactive HTML page: pyvis (vis-network inlined), one self-contained file that opens offline."""
from __future__ import annotations

import json
import re

import networkx as nx
from pyvis.network import Network

from .atomic import atomic_write

COLOURS = {"post": "#4e79a7", "concept": "#f28e2b", "work": "#bab0ac", "series": "#59a14f"}
_EXTERNAL = re.compile(r"<link[^>]+href=\"https?://[^>]*/>|<script[^>]+src=\"https?://[^>]*>\s*</script>"
                       r"|<!--\s*<link rel=\"stylesheet\" href=\"\.\./node_modules.*?-->", re.S)


def _safe_json(value) -> str:
    """JSON that cannot close a <script> element or open a comment."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(g: nx.DiGraph) -> str:
    net = Network(cdn_resources="in_line", height="90vh", width="100%", directed=True)
    nodes = []
    for n, a in sorted(g.nodes(data=True)):
        title = a.get("label") or n
        nodes.append({"id": n, "label": title[:40], "title": title, "color": COLOURS.get(a["kind"], "#999"),
                      "shape": "dot", "group": a["kind"]})
    edges = [{"from": u, "to": v, "arrows": "to"} for u, v in sorted(g.edges())]
    net.nodes, net.edges = nodes, edges
    html = net.generate_html()
    # pyvis dumps data with json.dumps; re-dump it safely and drop every link to a CDN
    html = html.replace(json.dumps(nodes), _safe_json(nodes)).replace(json.dumps(edges), _safe_json(edges))
    return _EXTERNAL.sub("", html)


def write_html(g: nx.DiGraph, path: str) -> None:
    atomic_write(path, render(g))
