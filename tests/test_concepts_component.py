"""The graphkb_concepts spaCy component, loaded by name on blank pipelines."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy

MINI = str(Path(__file__).parent / "fixtures" / "concepts" / "mini.ttl")


@pytest.fixture(scope="module", params=["zh", "en"])
def nlp(request):
    nlp = spacy.blank(request.param)
    nlp.add_pipe("graphkb_concepts", config={"concept_files": [MINI], "use_default": False})
    return nlp


@pytest.mark.parametrize("text,want", [("细水长flow之NICE", [("flow-model", 3, 7, "flow"), ("nice", 8, 12, "NICE")]),
                                       ("tensorflow and DCGAN", [])])
def test_concepts_component_sets_plain_mentions(nlp, text, want):
    assert nlp(text)._.gkb_mentions == want


@pytest.mark.parametrize("text", ["条件随机场和GAN"])
def test_concepts_component_doc_pickles(nlp, text):
    doc = nlp(text)
    assert pickle.loads(pickle.dumps(doc))._.gkb_mentions == doc._.gkb_mentions


@pytest.mark.parametrize("text,want", [("we use the EM algorithm", [("EM", "em-algorithm")])])
def test_concepts_component_spans(nlp, text, want):
    from graphkb.extract.concepts import mention_spans

    assert [(s.text, s.label_) for s in mention_spans(nlp(text))] == want


@pytest.mark.parametrize("name", ["graphkb_concepts"])
def test_concepts_component_factory_is_registered(name):
    assert name in spacy.registry.factories or spacy.util.registry.has("factories", name)
    assert "doc._.gkb_mentions" in spacy.Language.get_factory_meta(name).assigns


@pytest.mark.parametrize("text", ["条件随机场"])
def test_concepts_component_uses_bundled_scheme_by_default(text):
    nlp = spacy.blank("zh")
    nlp.add_pipe("graphkb_concepts")
    assert [m[0] for m in nlp(text)._.gkb_mentions] == ["conditional-random-field"]
