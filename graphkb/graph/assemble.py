"""Build the networkx graph: pure functions from plain records to a ``nx.DiGraph``.

Nodes are keyed by their IRI and carry ``kind`` (post, concept, work, series) and plain attributes;
edges carry ``kind`` (mentions, cites, broader, partOf).  Repeated mentions are collapsed into one
edge with a ``count`` and the list of ``offsets``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from operator import itemgetter

import networkx as nx

from ..model import Citation, Concept, Extraction, PackedMentions, Post, unpack_spans
from .iris import file_iri, post_iri, series_iri, work_iri


def post_attrs(post: Post, iri: str) -> dict:
    """A post node's attributes."""
    return {
        "kind": "post",
        "iri": iri,
        "key": post.key,
        "title": post.title,
        "label": post.display_title,
        "date": post.date,
        "readers": post.readers,
        "author": post.author,
        "url": post.url,
        "category": post.category,
        "tags": list(post.tags),
        "untitled": post.untitled,
        "truncated": post.truncated,
        "sources": [(file_iri(s.path), s.line) for s in post.sources],
        "chars": len(post.body),
    }


def assign_post_iris(posts: Iterable[Post]) -> dict[str, str]:
    """Post key -> IRI; a rare clash of two slugs is broken by order of appearance (-2, -3...)."""
    out: dict[str, str] = {}
    taken: dict[str, int] = {}
    for p in posts:
        iri = post_iri(p)
        n = taken.get(iri, 0)
        taken[iri] = n + 1
        out[p.key] = iri if n == 0 else f"{iri}-{n + 1}"
    return out


def _concept_closure(used: set[str], concepts: Mapping[str, Concept]) -> list[str]:
    seen, stack = set(), list(used)
    while stack:
        c = stack.pop()
        if c in seen or c not in concepts:
            continue
        seen.add(c)
        stack.extend(concepts[c].broader)
    return sorted(seen)


_FIRST = itemgetter(0)


class SharedEdgeData(dict):
    """The data of many edges at once, read-only: every ``mentions`` edge with the same count (without
    offsets) holds one such dict, as networkx would hold an equal dict per edge.

    A 100 MB corpus has 3.2M mention edges and a few hundred distinct counts: one dict per edge cost
    520 MB of the build's peak memory and 1.9 s of assembly.  Since a change to one edge's data would
    change every edge sharing it, changing it raises TypeError; ``dict(data)`` (or ``g.copy()``, which
    copies each edge's data) gives a plain dict to change."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("this edge data is shared by every mention edge with the same count; "
                        "copy it (dict(data), or g.copy()) before changing it")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):  # pickle and copy without __setitem__
        return SharedEdgeData, (dict(self),)


def _add_mentions(g: nx.DiGraph, found: list[tuple[str, str | None, PackedMentions]], iri_of: Mapping[str, str],
                  offsets: bool) -> None:
    """One ``mentions`` edge per post and concept, written straight into the adjacency dicts, as
    ``add_edges_from`` would write them: both ends exist already, and the graph has no cached view yet.
    This is most of a large graph's edges (3.2M at 100 MB), and networkx's own loop cost ~2 µs more per edge.
    Without offsets, edges with the same count share one :class:`SharedEdgeData`, and no span is unpacked."""
    succ, pred = g._succ, g._pred
    shared: dict[int, SharedEdgeData] = {}
    for src, _, packed in found:
        out = succ[src]
        cids, counts, _ = packed
        for cid, n, spans in zip(cids, counts, unpack_spans(packed) if offsets else repeat(None)):
            iri = iri_of.get(cid)
            if iri is None:
                continue  # a concept the base does not have (an extraction record of another base)
            if offsets:
                d = {"kind": "mentions", "count": n, "offsets": spans}
            else:
                d = shared.get(n)
                if d is None:
                    d = shared[n] = SharedEdgeData(kind="mentions", count=n)
            out[iri] = d
            pred[iri][src] = d


def assemble(posts: list[Post], extractions: Mapping[str, Extraction] | None = None,
             citations: Iterable[Citation] = (), concepts: Mapping[str, Concept] | None = None,
             series: Iterable[tuple[str, str, int | None]] = (), offsets: bool = True) -> nx.DiGraph:
    """Posts, their mentions, citations and series as one directed graph.

    ``series`` holds (post key, series name, position) triples.  With ``offsets`` false, mention edges
    carry their count only, not every (start, end, surface): the bulk of a large graph's memory.
    """
    extractions = extractions or {}
    concepts = concepts or {}
    g = nx.DiGraph()
    iris = assign_post_iris(posts)
    for p in posts:
        g.add_node(iris[p.key], **post_attrs(p, iris[p.key]))

    # (post IRI, date, packed mentions) for every post with an extraction record
    found = [(iris[p.key], p.date, ex.mentioned) for p in posts if (ex := extractions.get(p.key))]
    ids = [packed[0] for _, _, packed in found]  # each post's concept ids, once each
    post_count = Counter(chain.from_iterable(ids))  # concept id -> posts mentioning it
    first: dict[str, str] = {}  # concept id -> earliest full date: later dates first, each overwritten by earlier ones
    for date, cids in sorted(((d, cids) for (_, d, _), cids in zip(found, ids) if d and not d.startswith("--")),
                             key=_FIRST, reverse=True):
        first.update(dict.fromkeys(cids, date))
    mentioned = [cid for cid in post_count if cid in concepts]  # in order of first mention, as nodes
    g.add_nodes_from(concepts[cid].iri for cid in mentioned)
    _add_mentions(g, found, {cid: concepts[cid].iri for cid in mentioned}, offsets)

    for cid in _concept_closure(set(mentioned), concepts):
        c = concepts[cid]
        g.add_node(c.iri, kind="concept", id=c.id, iri=c.iri, label=c.label(), pref=list(c.pref), alt=list(c.alt),
                   discovered=c.discovered, evidence=c.evidence, definition=c.definition,
                   exact_match=list(c.exact_match), defined_in=iris.get(c.defined_in) if c.defined_in else None,
                   posts=post_count.get(cid, 0), first_mentioned=first.get(cid))
        for b in c.broader:
            if b in concepts:
                g.add_edge(c.iri, concepts[b].iri, kind="broader")

    works: dict[tuple[str, str], str] = {}  # (kind, name) -> work IRI: one work is cited by many posts
    succ, pred = g._succ, g._pred
    for cit in citations:
        src = iris.get(cit.source)
        if src is None:
            continue
        if cit.target:
            target = iris.get(cit.target)
            if target is None:
                continue
        else:
            target = works.get((cit.kind, cit.name))
            if target is None:
                target = works[(cit.kind, cit.name)] = work_iri(cit.kind, cit.name)
            if target not in g._node:
                g.add_node(target, kind="work", work_kind=cit.kind, iri=target, label=cit.name, name=cit.name,
                           confidence=cit.confidence)
        if target == src:
            continue
        out = succ[src]
        data = out.get(target)
        ev = {"text": cit.ref.text, "form": cit.ref.form, "start": cit.ref.start, "sentence": cit.ref.sentence,
              "kind": cit.kind, "confidence": cit.confidence, "reason": cit.reason}
        if data and data.get("kind") == "cites":
            data["evidence"].append(ev)
            continue
        if data is None:  # a new edge between existing nodes: straight into the adjacency, as _add_mentions
            out[target] = pred[target][src] = {"kind": "cites", "evidence": [ev]}
        else:
            g.add_edge(src, target, kind="cites", evidence=[ev])
        node = g._node[target]
        node["cited_by"] = node.get("cited_by", 0) + 1  # distinct citing posts: one edge per pair

    for key, name, position in series:
        if key not in iris:
            continue
        s = series_iri(name)
        if s not in g:
            g.add_node(s, kind="series", iri=s, label=name, name=name)
        g.add_edge(iris[key], s, kind="partOf", position=position)
    return g
