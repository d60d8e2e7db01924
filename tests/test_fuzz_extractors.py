"""Fuzz and property tests for the extractors: concept matcher, alias miner, citation extractor.

Invariants any correct extractor keeps, whatever the text: it returns; every offset lies inside the
text; ``text[start:end]`` is exactly the surface (or title) reported; results come in order.  Huge and
deeply nested inputs run under a generous hypothesis deadline: quadratic work shows as a failure, not
as a timing assertion.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkb.extract.aliases import mine_aliases
from graphkb.extract.citations import extract_citations
from graphkb.extract.matcher import ConceptMatcher, find_in_post
from graphkb.link.conceptbase import load_concept_base

FORMS = {"title", "post-url", "arxiv", "url"}

# fragments that exercise every rule: labels, acronyms in brackets, LaTeX and code, 《》 (nested, open,
# stray), URLs, arXiv ids, plus arbitrary Unicode (CJK, emoji, RTL, combining marks, NUL)
FRAGMENTS = ["条件随机场", "(CRF)", "（Conditional Random Field, CRF）", "变分自编码器", "VAE", "GAN", "WGAN-GP", "flow",
             "Tensorflow", "EM", "the most", "主流模型", "《", "》", "《变分自编码器》", "《〈Attention is All You Need〉浅读》",
             "“《”、“》”", "$x^2$", "$$\\sum_i$$", "\\begin{equation}", "```", "https://kexue.fm/archives/4439",
             "kexue.fm/archives/12", "arXiv:1706.03762", "https://arxiv.org/abs/1312.6114", "又称", "简称", "。", "\n",
             "全称", "即", "，", " ", "\u202e", "\u0301", "😀", "\x00", "\ufeff"]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(exclude_categories=("Cs",)), max_size=12)),
                 max_size=40).map("".join)

LONG = settings(deadline=timedelta(seconds=60), max_examples=1)  # one huge input: its run time is the test


@pytest.fixture(scope="module")
def matcher() -> ConceptMatcher:
    return ConceptMatcher(load_concept_base())


def check_mentions(text: str, mentions) -> None:
    pos = 0
    for m in mentions:
        assert pos <= m.start < m.end <= len(text), m
        assert text[m.start:m.end] == m.surface
        assert m.concept
        pos = m.end


def check_citations(body: str, refs) -> None:
    starts = [r.start for r in refs]
    assert starts == sorted(starts)
    for r in refs:
        assert 0 <= r.start < r.end <= len(body) and r.form in FORMS, r
        if r.form == "title":
            assert body[r.start] == "《" and body[r.end - 1] == "》" and body[r.start + 1:r.end - 1] == r.text
        else:
            assert body[r.start:r.end] == r.text
        assert r.sentence in body


def check_aliases(body: str, aliases) -> None:
    for a in aliases:
        assert 0 <= a.start <= len(body)
        assert a.forms and all(isinstance(f, str) and f for f in a.forms)


@given(text=texts)
def test_fuzz_extractors_matcher_offsets(matcher, fuzz_cases, text):
    fuzz_cases["extractors: matcher"] += 1
    check_mentions(text, matcher.find(text))


@given(title=st.one_of(st.none(), texts), body=texts)
def test_fuzz_extractors_find_in_post_offsets(matcher, fuzz_cases, title, body):
    fuzz_cases["extractors: find_in_post"] += 1
    whole = f"{title}\n{body}" if title else body
    shift = len(title) + 1 if title else 0
    for m in find_in_post(matcher, title, body):
        assert whole[m.start + shift:m.end + shift] == m.surface


@given(body=texts)
def test_fuzz_extractors_citations_offsets(fuzz_cases, body):
    fuzz_cases["extractors: citations"] += 1
    check_citations(body, extract_citations(body))


@given(body=texts)
def test_fuzz_extractors_aliases_offsets(fuzz_cases, body):
    fuzz_cases["extractors: aliases"] += 1
    check_aliases(body, mine_aliases(body))


DEEP = 10**5
HUGE = {
    "nested-titles": "《" * DEEP + "深" + "》" * DEEP,
    "open-titles": "《" * DEEP,
    "close-titles": "》" * DEEP,
    "ten-mb-line": ("条件随机场(CRF)与变分自编码器VAE，见《变分自编码器》和 https://kexue.fm/archives/5253 。" * 200_000)[:10 * 2**20 // 3],
    "parentheses": "(" * DEEP + "CRF" + ")" * DEEP,
    "dollars": "$" * DEEP,
}


@pytest.mark.parametrize("name", list(HUGE))
def test_fuzz_extractors_huge_inputs(matcher, fuzz_cases, name):
    body = HUGE[name]

    @LONG
    @given(st.just(body))
    def run(text):
        fuzz_cases["extractors: huge inputs"] += 1
        check_mentions(text, matcher.find(text))
        check_citations(text, extract_citations(text))
        check_aliases(text, mine_aliases(text))

    run()
