"""The concept matcher: leftmost-longest, Latin boundaries, case rule, plurals, masking, blockers."""
from __future__ import annotations

import pickle

import pytest

from graphkb.extract.matcher import ConceptMatcher, find_in_post, mask, plurals
from graphkb.link.conceptbase import load_concept_base
from graphkb.model import Extraction


@pytest.fixture(scope="module")
def matcher():
    from pathlib import Path

    mini = Path(__file__).parent / "fixtures" / "concepts" / "mini.ttl"
    return ConceptMatcher(load_concept_base([str(mini)], use_default=False))


def found(matcher, text):
    return [(m.concept, m.surface) for m in matcher.find(text)]


@pytest.mark.parametrize("text,want", [("我们先回顾生成对抗网络", [("gan", "生成对抗网络")]),
                                       ("WGAN-GP的训练", [("wgan-gp", "WGAN-GP")])])
def test_matcher_leftmost_longest(matcher, text, want):
    assert found(matcher, text) == want


@pytest.mark.parametrize("text", ["用tensorflow写一个模型", "DCGAN效果不错", "overflow的时候", "xWGAN"])
def test_matcher_latin_label_not_inside_latin_word(matcher, text):
    assert found(matcher, text) == []


@pytest.mark.parametrize("text,want", [("细水长flow之NICE", [("flow-model", "flow"), ("nice", "NICE")]),
                                       ("GAN,CRF;EM", [("gan", "GAN"), ("crf", "CRF"), ("em-algorithm", "EM")])])
def test_matcher_han_and_punctuation_are_boundaries(matcher, text, want):
    assert found(matcher, text) == want


@pytest.mark.parametrize("text", ["WGAN-GP", "the WGAN-GP loss"])
def test_matcher_hyphen_glues_label_to_word_before(matcher, text):
    assert "gaussian-process" not in {c for c, _ in found(matcher, text)}


@pytest.mark.parametrize("text", ["the most nice gan", "Em, nice try", "a glove box"])
def test_matcher_short_acronyms_are_case_sensitive(matcher, text):
    assert found(matcher, text) == []


@pytest.mark.parametrize("text,want", [("用SOFTMAX归一化", [("softmax", "SOFTMAX")]),
                                       ("conditional random field很常用", [("crf", "conditional random field")])])
def test_matcher_long_labels_ignore_case(matcher, text, want):
    assert found(matcher, text) == want


@pytest.mark.parametrize("text,want", [("两个GANs互相对抗", [("gan", "GANs")]),
                                       ("Capsules之间的路由", [("capsule", "Capsules")]),
                                       ("两个Conditional Random Fields", [("crf", "Conditional Random Fields")])])
def test_matcher_plurals(matcher, text, want):
    assert found(matcher, text) == want


@pytest.mark.parametrize("label,want", [("EM", []), ("GAN", ["GANs"]), ("Softmax", ["Softmaxes"]),
                                        ("流模型", []), ("Word2Vec2", [])])
def test_matcher_plural_forms(label, want):
    assert plurals(label) == want


@pytest.mark.parametrize("text", ["公式$\\text{GAN}$里", "$$\\mathrm{CRF}(x)$$", "\\begin{equation}GAN\\end{equation}",
                                  "\\(GAN\\)", "代码：\n```\nimport GAN\n```\n", "代码：\n    model = GAN()\n"])
def test_matcher_latex_and_code_not_scanned(matcher, text):
    assert found(matcher, text) == []


@pytest.mark.parametrize("text", ["公式$x^2$之后提到GAN和$$y$$以及CRF"])
def test_matcher_masking_keeps_offsets(matcher, text):
    assert len(mask(text)) == len(text)
    assert all(text[m.start:m.end] == m.surface for m in matcher.find(text))


@pytest.mark.parametrize("text,absent", [("这是主流模型的做法", "flow-model")])
def test_matcher_blockers_keep_short_han_label_out_of_longer_word(matcher, text, absent):
    assert absent not in {c for c, _ in found(matcher, text)}


@pytest.mark.parametrize("text,cid,freq,present", [("累积分布函数", "integral", 1, False),
                                                   ("累积分布函数", "integral", 10**9, True)])
def test_matcher_blocker_frequency_threshold(matcher, text, cid, freq, present):
    m = ConceptMatcher(matcher.base, blocker_min_freq=freq)
    assert (cid in {x.concept for x in m.find(text)}) == present


@pytest.mark.parametrize("text,present", [("这里的流模型很简单", "flow-model"), ("求一个积分", "integral")])
def test_matcher_blockers_leave_plain_mentions(matcher, text, present):
    assert present in {c for c, _ in found(matcher, text)}


@pytest.mark.parametrize("text", ["细水长flow之NICE"])
def test_matcher_pickles(matcher, text):
    again = pickle.loads(pickle.dumps(matcher))
    assert again.find(text) == matcher.find(text)


@pytest.mark.parametrize("title,body", [("漫谈GAN", "正文讲CRF")])
def test_matcher_title_mentions_have_negative_offsets(matcher, title, body):
    ms = find_in_post(matcher, title, body)
    assert [(m.concept, m.start < 0) for m in ms] == [("gan", True), ("crf", False)]
    assert all(((title + "\n" + body)[m.start + len(title) + 1:m.end + len(title) + 1]) == m.surface for m in ms)


def test_matcher_mentions_grouped_per_concept_round_trip(matcher):
    text = "条件随机场(CRF)和生成对抗网络，GAN的判别器用CRF，WGAN-GP也用条件随机场"
    ms = matcher.find(text)
    ex = Extraction.from_mentions(ms)
    assert ex.mentions == tuple(sorted(ms)) and ex.mention_count == len(ms)
    firsts = [spans[0][0] for _, spans in ex.concepts]
    assert firsts == sorted(firsts)  # concepts in order of first mention, spans in text order
    assert all(list(spans) == sorted(spans) for _, spans in ex.concepts)
    assert [cid for cid, _ in ex.concepts] == ["crf", "gan", "wgan-gp"]
    assert all(type(span) is tuple for _, spans in ex.concepts for span in spans)  # plain data: unpickles in C
