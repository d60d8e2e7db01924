"""Extraction of cross-references from a post's body: 《》 spans, archive links, arXiv ids, other URLs."""
from __future__ import annotations

import pickle

import pytest

from graphkb.extract.citations import CONTEXT_SEP, extract_citations


def _refs(body, form=None):
    return [r for r in extract_citations(body) if form is None or r.form == form]


@pytest.mark.parametrize("body,text", [("我读了《梯度下降的几何》之后很受启发。", "梯度下降的几何")])
def test_citations_extract_title_span_offsets(body, text):
    (ref,) = _refs(body)
    assert ref.form == "title" and ref.text == text
    assert body[ref.start:ref.end] == f"《{text}》"


@pytest.mark.parametrize("body,text", [
    ("参考《〈Gradient is All You Need〉浅读（附代码）》一文。", "〈Gradient is All You Need〉浅读（附代码）"),
    ("参考《《矩阵分析初步》习题解答》。", "《矩阵分析初步》习题解答"),
])
def test_citations_extract_nested_marks_stay_inside_one_title(body, text):
    assert [r.text for r in _refs(body, "title")] == [text]


@pytest.mark.parametrize("body", ["书名号“《”、“》”只是符号。", "左书名号《 》不成对", "一个孤零零的《没有闭合"])
def test_citations_extract_marks_used_as_tokens_are_not_titles(body):
    assert _refs(body, "title") == []


@pytest.mark.parametrize("body,text", [
    ("旧作见https://kexue.fm/archives/4321。", "https://kexue.fm/archives/4321"),
    ("旧作见 spaces.ac.cn/archives/77 。", "spaces.ac.cn/archives/77"),
])
def test_citations_extract_archive_links_of_the_blog(body, text):
    assert [(r.form, r.text) for r in _refs(body)] == [("post-url", text)]


@pytest.mark.parametrize("body,text", [
    ("论文见https://arxiv.org/abs/2101.00001v2）", "https://arxiv.org/abs/2101.00001v2"),
    ("见papers.cool的 https://papers.cool/arxiv/2203.01234 。", "https://papers.cool/arxiv/2203.01234"),
    ("编号是arXiv:1907.05321的论文", "arXiv:1907.05321"),
])
def test_citations_extract_arxiv_links_and_ids(body, text):
    assert [(r.form, r.text) for r in _refs(body)] == [("arxiv", text)]


@pytest.mark.parametrize("body,text", [("代码在https://example.org/repo/a_b.py。", "https://example.org/repo/a_b.py"),
                                       ("（见 https://example.org/x?q=1）", "https://example.org/x?q=1")])
def test_citations_extract_other_urls_without_trailing_punctuation(body, text):
    assert [(r.form, r.text) for r in _refs(body)] == [("url", text)]


@pytest.mark.parametrize("body", ["网友在博客《https://example.org/til#ctx》中提出了这个想法。"])
def test_citations_extract_url_inside_a_title_is_the_title(body):
    assert [r.form for r in extract_citations(body)] == ["title"]


@pytest.mark.parametrize("body", ["第一句话。笔者之前写的《梯度下降的几何》一文讨论过！第三句话。"])
def test_citations_extract_keeps_sentence_and_context(body):
    (ref,) = _refs(body)
    assert ref.sentence == "笔者之前写的《梯度下降的几何》一文讨论过！"
    before, after = ref.context.split(CONTEXT_SEP)
    assert before.endswith("笔者之前写的") and after.startswith("一文")


@pytest.mark.parametrize("body", ["见《问号？也可以在标题里！》吧。"])
def test_citations_extract_sentence_never_cuts_inside_the_title(body):
    (ref,) = _refs(body)
    assert "《问号？也可以在标题里！》" in ref.sentence


@pytest.mark.parametrize("body", ["《甲》和https://example.org/p以及arXiv:2101.00001"])
def test_citations_extract_returns_plain_picklable_records_in_order(body):
    refs = extract_citations(body)
    assert isinstance(refs, tuple) and [r.start for r in refs] == sorted(r.start for r in refs)
    assert pickle.loads(pickle.dumps(refs)) == refs
