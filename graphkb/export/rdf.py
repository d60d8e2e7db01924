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


def _lit(value, datatype=None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype is not None:
        return ox.Literal(str(value), datatype=_n(datatype))
    return ox.Literal(str(value))


def _date(d: str) -> ox.Literal:
    return _lit(d, XSD.gMonthDay if d.startswith("--") else XSD.date)


TRUE = _lit("true", XSD.boolean)


def _post(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, _n(RDF.type), _n(SCHEMA.BlogPosting)
    if a.get("title"):
        yield s, _n(SCHEMA.headline), _lit(a["title"])
        yield s, _n(SCHEMA.name), _lit(a["title"])
    else:
        yield s, _n(SCHEMA.name), _lit(a["label"])
        yield s, _n(GKB.untitled), TRUE
    if a.get("date"):
        yield s, _n(SCHEMA.datePublished), _date(a["date"])
    if a.get("readers") is not None:
        c = _b(iri, "reads")
        yield s, _n(SCHEMA.interactionStatistic), c
        yield c, _n(RDF.type), _n(SCHEMA.InteractionCounter)
        yield c, _n(SCHEMA.interactionType), _n(SCHEMA.ReadAction)
        yield c, _n(SCHEMA.userInteractionCount), _lit(int(a["readers"]), XSD.integer)
    if a.get("author"):
        person = _n(PERSON_IRI + slug(a["author"]))
        yield s, _n(SCHEMA.author), person
        yield person, _n(RDF.type), _n(SCHEMA.Person)
        yield person, _n(SCHEMA.name), _lit(a["author"])
    if a.get("url"):
        url = safe_http_url(a["url"])
        yield s, _n(SCHEMA.url), _n(url) if url else _lit(a["url"])
    if a.get("category"):
        yield s, _n(SCHEMA.articleSection), _lit(a["category"])
    for t in a.get("tags") or ():
        yield s, _n(SCHEMA.keywords), _lit(t)
    for f, line in a.get("sources") or ():
        yield s, _n(PROV.wasDerivedFrom), _n(f)
        yield s, _n(GKB.sourceLocation), _n(f"{f}#line={line}")
    if a.get("truncated"):
        yield s, _n(GKB.truncated), TRUE


def _concept(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, _n(RDF.type), _n(SKOS.Concept)
    yield s, _n(SKOS.inScheme), _n(CONCEPT_SCHEME_IRI)
    for lang, label in a.get("pref") or ():
        yield s, _n(SKOS.prefLabel), _lit(label, lang=lang or None)
    for lang, label in a.get("alt") or ():
        yield s, _n(SKOS.altLabel), _lit(label, lang=lang or None)
    for m in a.get("exact_match") or ():
        yield s, _n(SKOS.exactMatch), _n(m)
    if a.get("definition"):
        yield s, _n(SKOS.definition), _lit(a["definition"], lang="en")
    if a.get("discovered"):
        yield s, _n(GKB.discovered), TRUE
        if a.get("evidence"):
            yield s, _n(GKB.evidence), _lit(a["evidence"])
        if a.get("defined_in"):
            yield s, _n(GKB.definedIn), _n(a["defined_in"])


def _work(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, _n(RDF.type), _n(WORK_TYPES.get(a.get("work_kind"), SCHEMA.CreativeWork))
    yield s, _n(SCHEMA.name), _lit(a["name"])
    if a.get("confidence") == "unsure":
        yield s, _n(GKB.confidence), _lit("unsure")


def _series(iri: str, a: dict) -> Iterator[tuple]:
    s = _n(iri)
    yield s, _n(RDF.type), _n(SCHEMA.CreativeWorkSeries)
    yield s, _n(SCHEMA.name), _lit(a["name"])


NODE_WRITERS = {"post": _post, "concept": _concept, "work": _work, "series": _series}


def _edge(u: str, v: str, a: dict) -> Iterator[tuple]:
    kind = a.get("kind")
    s, o = _n(u), _n(v)
    if kind == "mentions":
        yield s, _n(SCHEMA.mentions), o
        m = _b(u, "mention", v)
        yield s, _n(GKB.mention), m
        yield m, _n(RDF.type), _n(GKB.Mention)
        yield m, _n(GKB.mentionOf), o
        yield m, _n(GKB.mentionCount), _lit(a["count"], XSD.integer)
        yield m, _n(GKB.offset), _lit(" ".join(f"{st}-{en}" for st, en, _ in a["offsets"]))
        for surface in sorted({sf for _, _, sf in a["offsets"]}):
            yield m, _n(GKB.surface), _lit(surface)
    elif kind == "cites":
        yield s, _n(CITO.cites), o
        for ev in a["evidence"]:
            c = _b(u, "citation", v, str(ev["start"]), ev["text"])
            yield s, _n(GKB.citation), c
            yield c, _n(RDF.type), _n(GKB.Citation)
            yield c, _n(GKB.citedWork), o
            yield c, _n(GKB.citedAs), _lit(ev["text"])
            yield c, _n(GKB.offset), _lit(int(ev["start"]), XSD.integer)
            if ev.get("sentence"):
                yield c, _n(GKB.evidence), _lit(ev["sentence"])
            yield c, _n(GKB.citationKind), _lit(ev["kind"])
            if ev.get("confidence") == "unsure":
                yield c, _n(GKB.confidence), _lit("unsure")
    elif kind == "broader":
        yield s, _n(SKOS.broader), o
    elif kind == "partOf":
        yield s, _n(SCHEMA.isPartOf), o
        if a.get("position") is not None:
            yield s, _n(SCHEMA.position), _lit(int(a["position"]), XSD.integer)


def triples(g: nx.DiGraph) -> Iterator[ox.Triple]:
    """Every triple of the graph in a deterministic order: nodes by IRI, each node's own triples, then its
    outgoing edges by target; other subjects (authors, blank-node details) after all nodes, so Turtle
    groups every subject's triples together."""
    shared: dict[tuple, None] = {}  # named subjects written for several nodes (authors), once each
    details: list[tuple] = []  # blank-node subjects: reading counters, mention and citation details
    if any(a.get("kind") == "concept" for _, a in g.nodes(data=True)):
        scheme = _n(CONCEPT_SCHEME_IRI)
        yield ox.Triple(scheme, _n(RDF.type), _n(SKOS.ConceptScheme))
        yield ox.Triple(scheme, _n(SKOS.prefLabel), _lit("graphkb 概念表", lang="zh"))
        yield ox.Triple(scheme, _n(SKOS.prefLabel), _lit("graphkb concept scheme", lang="en"))

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
