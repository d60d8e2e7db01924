"""ontology/graphkb.ttl declares exactly the gkb: terms of graphkb/vocab.py, in Chinese and English."""
from __future__ import annotations

import pytest
from rdflib import OWL, RDFS, Graph, Literal, URIRef

from graphkb.validate import ontology_file
from graphkb.vocab import GKB, GKB_IRI

ALIGNMENT = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, RDFS.seeAlso)
VOCAB_TERMS = sorted(GKB.__annotations__)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file("graphkb.ttl"), format="turtle")


def _declared(g: Graph) -> set[str]:
    return {str(s)[len(GKB_IRI):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(GKB_IRI)}


@pytest.mark.parametrize("term", VOCAB_TERMS)
def test_ontology_declares_every_vocab_term(ontology, term):
    assert term in _declared(ontology)


def test_ontology_declares_no_term_missing_from_vocab(ontology):
    assert sorted(_declared(ontology) - set(VOCAB_TERMS)) == []


@pytest.mark.parametrize("term", VOCAB_TERMS)
@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
def test_ontology_term_has_label_and_comment_in_zh_and_en(ontology, term, prop):
    langs = {o.language for o in ontology.objects(URIRef(GKB_IRI + term), prop) if isinstance(o, Literal)}
    assert langs >= {"zh", "en"}


@pytest.mark.parametrize("namespace", ["https://schema.org/", "http://www.w3.org/2004/02/skos/core#",
                                       "http://purl.org/spar/cito/", "http://www.w3.org/ns/prov#"])
def test_ontology_aligns_with_standard_vocabulary(ontology, namespace):
    targets = {str(o) for p in ALIGNMENT for _, o in ontology.subject_objects(p)}
    assert any(t.startswith(namespace) for t in targets)


@pytest.mark.parametrize("term", VOCAB_TERMS)
def test_ontology_term_is_typed(ontology, term):
    types = set(ontology.objects(URIRef(GKB_IRI + term), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))
    assert types & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
