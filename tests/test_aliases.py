"""Alias mining from definitions in the text, and their resolution against the concept base."""
from __future__ import annotations

from pathlib import Path

import pytest

from graphkb.extract.aliases import long_form_for, mine_aliases
from graphkb.link.conceptbase import load_concept_base

MINI = str(Path(__file__).parent / "fixtures" / "concepts" / "mini.ttl")


def forms(text):
    return [set(a.forms) | set(getattr(a, "head_options", ())[:1]) for a in mine_aliases(text)]


@pytest.mark.parametrize("text,want", [
    ("本文用一句话说清CRF(条件随机场,Conditional Random Field)的原理。", {"CRF", "条件随机场", "Conditional Random Field"}),
    ("我们来谈谈噪声对比估计（NCE，Noise Contrastive Estimation）这个方法。", {"NCE", "Noise Contrastive Estimation"}),
    ("先看Wasserstein GAN(下面简称WGAN)的思路。", {"Wasserstein GAN", "WGAN"}),
    ("，谱归一化(Spectral Normalization)是一种约束。", {"谱归一化", "Spectral Normalization"}),
])
def test_aliases_parenthesised_definitions(text, want):
    assert any(want <= f for f in forms(text))


@pytest.mark.parametrize("text,want", [
    ("GAN,全称Generative Adversarial Nets,中文名是生成对抗式网络。", {"GAN", "Generative Adversarial Nets", "生成对抗式网络"}),
    ("ABC的全称是Alpha Beta Chain，后面会用到。", {"ABC", "Alpha Beta Chain"}),
])
def test_aliases_fullname_definitions(text, want):
    assert want in forms(text)


@pytest.mark.parametrize("text,want", [("。高斯分布又称正态分布，是最常见的分布。", {"高斯分布", "正态分布"})])
def test_aliases_also_called(text, want):
    assert want in forms(text)


@pytest.mark.parametrize("text", ["这里的结果(见下图)很好。", "取$x$(其中$x>0$)即可。", "模型(网络)的参数。",
                                  "这种分布也称为“某某分布”。", "acc = score(labels, preds)", "用了两层LSTM（单层我也试过，两层更好）",
                                  "两个指标，分别简称为ABC、XYZ。", "第二种做法下面简称为ABC"])
def test_aliases_ignores_non_definitions(text):
    assert mine_aliases(text) == ()


@pytest.mark.parametrize("short,long,want", [("CRF", "Conditional Random Field", "Conditional Random Field"),
                                             ("WGAN", "Wasserstein GAN", "Wasserstein GAN"),
                                             ("NCE", "the Noise Contrastive Estimation", "Noise Contrastive Estimation"),
                                             ("XYZ", "Conditional Random Field", None)])
def test_aliases_schwartz_hearst_long_form(short, long, want):
    assert long_form_for(short, long) == want


@pytest.mark.parametrize("text", ["我们用到的XYZ(Conditional Random Field)很多。"])
def test_aliases_acronym_that_does_not_abbreviate_is_rejected(text):
    (a,) = mine_aliases(text)
    assert a.why


def resolve(text, post="p1"):
    base = load_concept_base([MINI], use_default=False)
    return base.with_mined([(post, a) for a in mine_aliases(text)])


@pytest.mark.parametrize("text,form,cid", [("我们说的GAN（Generative Adversarial Nets）", "Generative Adversarial Nets", "gan"),
                                           ("GAN,全称Generative Adversarial Nets,中文名是生成对抗式网络。", "生成对抗式网络", "gan")])
def test_aliases_known_form_makes_others_altlabels(text, form, cid):
    base, rows = resolve(text)
    assert form in base.concepts[cid].labels
    assert {"form": form, "concept": cid, "status": "added"}.items() <= next(r for r in rows if r["form"] == form).items()


@pytest.mark.parametrize("text,cid", [("。深度玻尔兹曼机(DBM，Deep Boltzmann Machine)是一种模型。", "deep-boltzmann-machine")])
def test_aliases_unknown_wellformed_definition_is_discovered(text, cid):
    base, rows = resolve(text, post="p9")
    c = base.concepts[cid]
    assert c.discovered and c.defined_in == "p9" and "DBM" in c.labels and "深度玻尔兹曼机" in c.labels
    assert c.evidence.startswith("深度玻尔兹曼机(DBM")
    assert {r["status"] for r in rows} == {"discovered"}


@pytest.mark.parametrize("text", ["。条件随机场(Generative Adversarial Network)。"])
def test_aliases_conflict_is_not_merged(text):
    base, rows = resolve(text)
    assert {r["status"] for r in rows} == {"conflict"}
    assert "条件随机场" not in base.concepts["gan"].labels


@pytest.mark.parametrize("text", ["。量子退火网络(Quantum Annealing Network)的结构。"])
def test_aliases_unknown_group_without_acronym_is_rejected(text):
    base, rows = resolve(text)
    assert {r["status"] for r in rows} == {"rejected"}
    assert not any(c.discovered for c in base.concepts.values())


@pytest.mark.parametrize("text", ["CRF(条件随机场,Conditional Random Field)"])
def test_aliases_rows_written_to_tsv(tmp_path, text):
    from graphkb.export.aliases import COLUMNS, write_aliases

    _, rows = resolve(text)
    path = tmp_path / "aliases.tsv"
    write_aliases(rows, str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(COLUMNS) and len(lines) == 1 + len(rows) == 4


@pytest.mark.parametrize("text,form", [("。条件随机场（field）是一种模型。", "field")])
def test_aliases_plain_english_word_is_not_added(text, form):
    base, rows = resolve(text)
    assert form not in base.concepts["crf"].labels
    assert [r["status"] for r in rows if r["form"] == form] == ["rejected"]


@pytest.mark.parametrize("text,form,cid,status", [
    # the acronym names the method the sentence is about, not the known term right before it
    ("。给生成器和判别器使用不同的条件随机场（TTUR）。", "TTUR", "crf", "rejected"),
    # its letters, in order, in an English name of the concept: an abbreviation of it
    ("。我们用了条件随机场（CRFs）。", "CRFs", "crf", "added"),
])
def test_aliases_acronym_must_abbreviate_an_english_name(text, form, cid, status):
    base, rows = resolve(text)
    assert [r["status"] for r in rows if r["form"] == form] == [status]
    assert (form in base.concepts[cid].labels) == (status == "added")
