"""The graph as RDF triples, through the terms of the public contract (shared CONTRACT.md).

Posts are ``schema:BlogPosting``; concepts ``skos:Concept`` in one scheme; ``schema:mentions`` and
``cito:cites`` link them; counts, offsets and evidence sentences sit on ``gkb:Mention`` and
``gkb:Citation`` nodes beside those plain links, so contract queries never see them.
Triples come out sorted and blank nodes are named from their subject, so the output is byte-stable.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

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


def _b(*parts: str) -> ox.BlankNode:
    return ox.BlankNode("b" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20])


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
        c = _b(iri, "reads")
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


def _series(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, R_.type, S_.CreativeWorkSeries
    yield s, S_.name, _lit(a["name"])


NODE_WRITERS = {"post": _post, "concept": _concept, "work": _work, "series": _series}


def _edge(u: str, v: str, a: dict) -> Iterator[tuple]:
    kind = a.get("kind")
    s, o = _n(u), _n(v)
    if kind == "mentions":
        yield s, S_.mentions, o
        m = _b(u, "mention", v)
        yield s, G_.mention, m
        yield m, R_.type, G_.Mention
        yield m, G_.mentionOf, o
        yield m, G_.mentionCount, _lit(a["count"], X_.integer)
        yield m, G_.offset, _lit(" ".join(f"{st}-{en}" for st, en, _ in a["offsets"]))
        for surface in sorted({sf for _, _, sf in a["offsets"]}):
            yield m, G_.surface, _lit(surface)
    elif kind == "cites":
        yield s, C_.cites, o
        for ev in a["evidence"]:
            c = _b(u, "citation", v, str(ev["start"]), ev["text"])
            yield s, G_.citation, c
            yield c, R_.type, G_.Citation
            yield c, G_.citedWork, o
            yield c, G_.citedAs, _lit(ev["text"])
            yield c, G_.offset, _lit(int(ev["start"]), X_.integer)
            if ev.get("sentence"):
                yield c, G_.evidence, _lit(ev["sentence"])
            yield c, G_.citationKind, _lit(ev["kind"])
            if ev.get("confidence") == "unsure":
                yield c, G_.confidence, _lit("unsure")
    elif kind == "broader":
        yield s, K_.broader, o
    elif kind == "partOf":
        yield s, S_.isPartOf, o
        if a.get("position") is not None:
            yield s, S_.position, _lit(int(a["position"]), X_.integer)


def triples(g: nx.DiGraph) -> Iterator[ox.Triple]:
    """Every triple of the graph in a deterministic order: nodes by IRI, each node's own triples, then its
    outgoing edges by target; other subjects (authors, blank-node details) after all nodes, so Turtle
    groups every subject's triples together."""
    shared: dict[tuple, None] = {}  # named subjects written for several nodes (authors), once each
    details: list[tuple] = []  # blank-node subjects: reading counters, mention and citation details
    if any(a.get("kind") == "concept" for _, a in g.nodes(data=True)):
        scheme = _n(CONCEPT_SCHEME_IRI)
        yield ox.Triple(scheme, R_.type, K_.ConceptScheme)
        yield ox.Triple(scheme, K_.prefLabel, _lit("graphkb 概念表", lang="zh"))
        yield ox.Triple(scheme, K_.prefLabel, _lit("graphkb concept scheme", lang="en"))

    def route(n: str, ts: Iterator[tuple]) -> Iterator[ox.Triple]:
        for t in ts:
            s = t[0]
            if isinstance(s, ox.BlankNode):
                details.append(t)
            elif s.value == n:
                yield ox.Triple(*t)
            else:
                shared[t] = None

    for n in sorted(g.nodes):
        a = g.nodes[n]
        yield from route(n, NODE_WRITERS[a["kind"]](n, a))
        for v in sorted(g.successors(n)):
            yield from route(n, _edge(n, v, g.edges[n, v]))
    for t in sorted(shared, key=lambda t: (t[0].value, t[1].value)):
        yield ox.Triple(*t)
    for t in details:
        yield ox.Triple(*t)
