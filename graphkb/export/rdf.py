"""The graph as RDF triples, through the terms of the public contract (shared CONTRACT.md).

Posts are ``schema:BlogPosting``; concepts ``skos:Concept`` in one scheme; ``schema:mentions`` and
``cito:cites`` link them; evidence sentences sit on ``gkb:Citation`` nodes beside those plain links, so
contract queries never see them.  Per-mention records (``gkb:Mention``: count, offsets, surface forms)
are written only when the graph asks for them (``g.graph["mention_detail"]``, ``graphkb build
--mention-detail``): they are three quarters of all triples, and of the time to write and load them.
Triples come out sorted and blank nodes are named from their subject and position, so the output is byte-stable.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from itertools import chain

import networkx as nx
import pyoxigraph as ox

from ..graph.iris import safe_http_url, slug
from ..vocab import CITO, CONCEPT_SCHEME_IRI, GKB, PROV, RDF, SCHEMA, SKOS, XSD

WORK_TYPES = {
    "missing-post": SCHEMA.BlogPosting,
    "post": SCHEMA.BlogPosting,
    "paper": SCHEMA.ScholarlyArticle,
    "book": SCHEMA.Book,
    "article": SCHEMA.Article,
    "other": SCHEMA.CreativeWork,
}
PERSON_IRI = "https://w3id.org/graphkb/person/"


class _Terms:
    """A vocabulary's terms as shared NamedNodes (rdflib's DefinedNamespace lookups cost ~3 µs each)."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = ox.NamedNode(str(getattr(self._ns, name)))  # a misspelt term still fails here
        setattr(self, name, node)
        return node


S_, G_, R_, K_, P_, C_, X_ = (_Terms(ns) for ns in (SCHEMA, GKB, RDF, SKOS, PROV, CITO, XSD))

_NODES: dict[str, ox.NamedNode] = {}


def _n(iri) -> ox.NamedNode:
    """A NamedNode, shared per IRI (vocabulary terms and nodes recur on every post)."""
    key = str(iri)
    node = _NODES.get(key)
    if node is None:
        node = _NODES[key] = ox.NamedNode(key)
        if len(_NODES) > 200_000:
            _NODES.clear()
    return node


def _lit(value, datatype: ox.NamedNode | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype is not None:
        return ox.Literal(str(value), datatype=datatype)
    return ox.Literal(str(value))


def _date(d: str) -> ox.Literal:
    return _lit(d, X_.gMonthDay if d.startswith("--") else X_.date)


TRUE = _lit("true", X_.boolean)


def _post(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, R_.type, S_.BlogPosting
    if a.get("title"):
        yield s, S_.headline, _lit(a["title"])
        yield s, S_.name, _lit(a["title"])
    else:
        yield s, S_.name, _lit(a["label"])
        yield s, G_.untitled, TRUE
    if a.get("date"):
        yield s, S_.datePublished, _date(a["date"])
    if a.get("readers") is not None:
        c = ox.BlankNode(_bid(iri) + "r")
        yield s, S_.interactionStatistic, c
        yield c, R_.type, S_.InteractionCounter
        yield c, S_.interactionType, S_.ReadAction
        yield c, S_.userInteractionCount, _lit(int(a["readers"]), X_.integer)
    if a.get("author"):
        person = _n(PERSON_IRI + slug(a["author"]))
        yield s, S_.author, person
        yield person, R_.type, S_.Person
        yield person, S_.name, _lit(a["author"])
    if a.get("url"):
        url = safe_http_url(a["url"])
        yield s, S_.url, _n(url) if url else _lit(a["url"])
    if a.get("category"):
        yield s, S_.articleSection, _lit(a["category"])
    for t in a.get("tags") or ():
        yield s, S_.keywords, _lit(t)
    for f, line in a.get("sources") or ():
        yield s, P_.wasDerivedFrom, _n(f)
        yield s, G_.sourceLocation, _n(f"{f}#line={line}")
    if a.get("truncated"):
        yield s, G_.truncated, TRUE
    if a.get("cited_by"):
        yield s, G_.citedByCount, _INTS[a["cited_by"]]


def _concept(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, R_.type, K_.Concept
    yield s, K_.inScheme, _n(CONCEPT_SCHEME_IRI)
    for lang, label in a.get("pref") or ():
        yield s, K_.prefLabel, _lit(label, lang=lang or None)
    for lang, label in a.get("alt") or ():
        yield s, K_.altLabel, _lit(label, lang=lang or None)
    for m in a.get("exact_match") or ():
        yield s, K_.exactMatch, _n(m)
    if a.get("definition"):
        yield s, K_.definition, _lit(a["definition"], lang="en")
    if a.get("posts"):
        yield s, G_.postCount, _INTS[a["posts"]]
    if a.get("first_mentioned"):
        yield s, G_.firstMentioned, _lit(a["first_mentioned"], X_.date)
    if a.get("discovered"):
        yield s, G_.discovered, TRUE
        if a.get("evidence"):
            yield s, G_.evidence, _lit(a["evidence"])
        if a.get("defined_in"):
            yield s, G_.definedIn, _n(a["defined_in"])


def _work(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, R_.type, _n(WORK_TYPES.get(a.get("work_kind"), SCHEMA.CreativeWork))
    yield s, S_.name, _lit(a["name"])
    if a.get("confidence") == "unsure":
        yield s, G_.confidence, _lit("unsure")
    if a.get("cited_by"):
        yield s, G_.citedByCount, _INTS[a["cited_by"]]


def _series(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, R_.type, S_.CreativeWorkSeries
    yield s, S_.name, _lit(a["name"])


NODE_WRITERS = {"post": _post, "concept": _concept, "work": _work, "series": _series}


def _bid(iri: str) -> str:
    """A short deterministic prefix for the blank nodes hanging off one subject (one hash per subject)."""
    return "b" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:16]


class _Cache(dict):
    """Literals shared per value (mention counts, surfaces, citation kinds recur on many edges)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        if len(self) > 200_000:
            self.clear()
        lit = self[key] = self.make(key)
        return lit


_INTS = _Cache(lambda v: ox.Literal(str(v), datatype=X_.integer))
_STRS = _Cache(lambda v: ox.Literal(v))


def _span(start: int, end: int, title_shift: int) -> str:
    """``start-end`` in the body, or ``title:start-end`` in the title (extraction gives those negative offsets)."""
    if start < 0:
        return f"title:{start + title_shift}-{end + title_shift}"
    return f"{start}-{end}"


def _node_triples(n: str, a: dict, g: nx.DiGraph, shared: dict, detail: bool = False) -> list[ox.Triple]:
    """One node's triples, then its outgoing edges' (by target), then the blank-node details of those edges.

    Named subjects other than ``n`` (authors) go to ``shared``; everything else is built straight into
    Triple objects, without generator layers (this loop runs millions of times on a large corpus)."""
    T = ox.Triple
    out: list[ox.Triple] = []
    details: list[ox.Triple] = []
    s = _n(n)
    for t in NODE_WRITERS[a["kind"]](n, a):
        t0 = t[0]
        if isinstance(t0, ox.BlankNode):
            details.append(T(*t))
        elif t0.value == n:
            out.append(T(*t))
        else:
            shared[t] = None
    succ = g._succ[n]
    if not succ:
        out += details
        return out
    bid = _bid(n)
    title_shift = len(a.get("title") or "") + 1  # title mentions come with offsets counted back from the body
    ints, strs = _INTS, _STRS
    mentions, mention, mtype, mention_of, mcount, offset, surface = (
        S_.mentions, G_.mention, G_.Mention, G_.mentionOf, G_.mentionCount, G_.offset, G_.surface)
    rtype = R_.type
    for j, v in enumerate(sorted(succ)):
        d = succ[v]
        kind = d.get("kind")
        o = _n(v)
        if kind == "mentions":
            if not detail:
                out.append(T(s, mentions, o))
                continue
            m = ox.BlankNode(f"{bid}m{j}")
            offs = d["offsets"]
            out.append(T(s, mentions, o))
            out.append(T(s, mention, m))
            details.append(T(m, rtype, mtype))
            details.append(T(m, mention_of, o))
            details.append(T(m, mcount, ints[d["count"]]))
            details.append(T(m, offset, ox.Literal(" ".join([_span(st, en, title_shift) for st, en, _ in offs]))))
            for sf in sorted({sf for _, _, sf in offs}):
                details.append(T(m, surface, strs[sf]))
        elif kind == "cites":
            out.append(T(s, C_.cites, o))
            for k, ev in enumerate(d["evidence"]):
                c = ox.BlankNode(f"{bid}c{j}x{k}")
                out.append(T(s, G_.citation, c))
                details.append(T(c, rtype, G_.Citation))
                details.append(T(c, G_.citedWork, o))
                details.append(T(c, G_.citedAs, strs[ev["text"]]))
                details.append(T(c, offset, ints[int(ev["start"])]))
                if ev.get("sentence"):
                    details.append(T(c, G_.evidence, ox.Literal(ev["sentence"])))
                details.append(T(c, G_.citationKind, strs[ev["kind"]]))
                if ev.get("confidence") == "unsure":
                    details.append(T(c, G_.confidence, strs["unsure"]))
        elif kind == "broader":
            out.append(T(s, K_.broader, o))
        elif kind == "partOf":
            out.append(T(s, S_.isPartOf, o))
            if d.get("position") is not None:
                out.append(T(s, S_.position, ints[int(d["position"])]))
    out += details
    return out


def head_chunk(g: nx.DiGraph) -> list[ox.Triple]:
    """The concept scheme's triples (none when the graph has no concept): written before every node."""
    if not any(a.get("kind") == "concept" for a in g._node.values()):
        return []
    scheme = _n(CONCEPT_SCHEME_IRI)
    return [ox.Triple(scheme, R_.type, K_.ConceptScheme),
            ox.Triple(scheme, K_.prefLabel, _lit("graphkb 概念表", lang="zh")),
            ox.Triple(scheme, K_.prefLabel, _lit("graphkb concept scheme", lang="en"))]


def node_chunks(g: nx.DiGraph, nodes: Iterable[str], shared: dict[tuple, None]) -> Iterator[list[ox.Triple]]:
    """The triples of each of ``nodes`` (in the order given), one list per node; named subjects written for
    several nodes (authors) are collected in ``shared`` instead, for :func:`shared_chunk`."""
    detail = bool(g.graph.get("mention_detail"))
    attrs = g._node
    for n in nodes:
        yield _node_triples(n, attrs[n], g, shared, detail)


def shared_chunk(shared: Iterable[tuple]) -> list[ox.Triple]:
    """The shared subjects' triples, once each, sorted: written after every node."""
    return [ox.Triple(*t) for t in sorted(set(shared), key=lambda t: (t[0].value, t[1].value, str(t[2])))]


def triple_chunks(g: nx.DiGraph) -> Iterator[list[ox.Triple]]:
    """The triples of :func:`triples` in lists: the head, one per node, then the shared subjects'."""
    shared: dict[tuple, None] = {}
    yield head_chunk(g)
    yield from node_chunks(g, sorted(g._node), shared)
    yield shared_chunk(shared)


def triples(g: nx.DiGraph) -> Iterator[ox.Triple]:
    """Every triple of the graph in a deterministic order: nodes by IRI, each node's own triples and its
    outgoing edges by target, then the blank-node details of that node (reading counter, mention and
    citation records); other named subjects (authors) after all nodes, so Turtle groups every subject's
    triples together.  Blank nodes are named from their subject's IRI and the edge's position."""
    return chain.from_iterable(triple_chunks(g))
