"""Vocabularies as code: a misspelt term is an AttributeError, never a new IRI (rdflib DefinedNamespace)."""
from __future__ import annotations

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace, Namespace
from rdflib.term import URIRef

SCHEMA = SDO

GKB_IRI = "https://w3id.org/graphkb/ontology#"
CONCEPT_IRI = "https://w3id.org/graphkb/concept/"
CONCEPT_SCHEME_IRI = "https://w3id.org/graphkb/concepts"
POST_IRI = "https://w3id.org/graphkb/post/"
WORK_IRI = "https://w3id.org/graphkb/work/"
SERIES_IRI = "https://w3id.org/graphkb/series/"


class CITO(DefinedNamespace):
    """The CiTO terms graphkb writes."""

    _fail = True
    _NS = Namespace("http://purl.org/spar/cito/")
    cites: URIRef
    citesAsRelated: URIRef


class GKB(DefinedNamespace):
    """graphkb's own terms, declared with labels and comments in ontology/graphkb.ttl."""

    _fail = True
    _NS = Namespace(GKB_IRI)
    untitled: URIRef  # the source printed no title; schema:name is derived from the body
    truncated: URIRef  # the source seems cut short
    sourceLocation: URIRef  # file IRI with an RFC 5147 #line=N fragment
    discovered: URIRef  # a concept learned from a definition in the text
    definedIn: URIRef  # the post whose sentence defined a discovered concept
    evidence: URIRef  # the sentence that supports a statement
    mentionCount: URIRef
    Mention: URIRef
    mention: URIRef
    mentionOf: URIRef
    inPost: URIRef
    offset: URIRef
    surface: URIRef
    Citation: URIRef
    citation: URIRef
    citedWork: URIRef
    citedAs: URIRef
    confidence: URIRef
    citationKind: URIRef
    suppressedLabel: URIRef
    pageRank: URIRef
    postCount: URIRef  # posts mentioning a concept
    firstMentioned: URIRef  # earliest full date of a post mentioning a concept
    citedByCount: URIRef  # distinct posts citing a post or work
    community: URIRef


PREFIXES = {
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "cito": "http://purl.org/spar/cito/",
    "prov": str(PROV),
    "gkb": GKB_IRI,
    "gkbc": CONCEPT_IRI,
    "post": POST_IRI,
    "work": WORK_IRI,
    "series": SERIES_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
