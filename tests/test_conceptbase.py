"""The concept base: bundled scheme, user files that extend or override it, suppressed labels, errors."""
from __future__ import annotations

import pytest

from graphkb.errors import ConceptBaseError
from graphkb.link.conceptbase import load_concept_base


@pytest.fixture
def mini(fixtures):
    return str(fixtures / "concepts" / "mini.ttl")


@pytest.fixture
def user(fixtures):
    return str(fixtures / "concepts" / "user.ttl")


def test_conceptbase_default_is_bundled_scheme():
    base = load_concept_base()
    assert len(base.concepts) >= 500


@pytest.mark.parametrize("form,cid", [("条件随机场", "conditional-random-field"), ("CRF", "conditional-random-field"),
                                      ("Conditional Random Field", "conditional-random-field")])
def test_conceptbase_default_one_node_per_concept(form, cid):
    base = load_concept_base()
    assert base.concepts_of(form) == [cid]


@pytest.mark.parametrize("child,parent", [("wgan-gp", "wgan"), ("wgan", "gan")])
def test_conceptbase_reads_broader(mini, child, parent):
    base = load_concept_base([mini], use_default=False)
    assert base.concepts[child].broader == (parent,)


@pytest.mark.parametrize("cid", ["mixup"])
def test_conceptbase_user_file_adds_concepts(mini, user, cid):
    base = load_concept_base([mini, user], use_default=False)
    assert cid in base.concepts


@pytest.mark.parametrize("label", ["对抗网络"])
def test_conceptbase_user_file_adds_labels_to_existing_iri(mini, user, label):
    base = load_concept_base([mini, user], use_default=False)
    assert label in base.concepts["gan"].labels


@pytest.mark.parametrize("new,old", [("生成式对抗网络", "生成对抗网络")])
def test_conceptbase_user_preflabel_replaces_bundled_one(mini, user, new, old):
    gan = load_concept_base([mini, user], use_default=False).concepts["gan"]
    assert dict(gan.pref)["zh"] == new and ("zh", old) in gan.alt


@pytest.mark.parametrize("cid,label", [("em-algorithm", "EM"), ("flow-model", "flow")])
def test_conceptbase_suppressed_label_is_removed(mini, user, cid, label):
    base = load_concept_base([mini, user], use_default=False)
    assert label not in base.concepts[cid].labels


@pytest.mark.parametrize("name", ["broken.ttl"])
def test_conceptbase_unparsable_file_names_file_and_line(fixtures, name):
    path = str(fixtures / "concepts" / name)
    with pytest.raises(ConceptBaseError, match=rf"{name}:5: the concept file does not parse"):
        load_concept_base([path], use_default=False)


@pytest.mark.parametrize("name", ["absent.ttl"])
def test_conceptbase_missing_file_is_concept_base_error(tmp_path, name):
    with pytest.raises(ConceptBaseError, match="cannot read the concept file"):
        load_concept_base([str(tmp_path / name)], use_default=False)


@pytest.mark.parametrize("extra", [[], ["user"]])
def test_conceptbase_fingerprint_follows_content(mini, user, extra):
    a = load_concept_base([mini], use_default=False).fingerprint
    b = load_concept_base([mini] + [user for _ in extra], use_default=False).fingerprint
    assert (a == b) == (not extra)
