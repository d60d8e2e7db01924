"""The fast paths of citation resolution give the answers of the plain code they replace.

Each test holds the straightforward version (as it was before the fast path) and compares: title_key by
str.translate, the cues after 》 as one regex, parse_series with its cheap pre-tests, the approximate
matcher's candidate filter by marker sets, the per-title memo of TitleIndex.match, and the string caches
that live for one resolution.
"""
from __future__ import annotations

import random
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from graphkb.extract.citations import extract_citations
from graphkb.link import citations as C
from graphkb.link import titles as T
from graphkb.link.citations import resolve_citations
from graphkb.model import CitationRef, Post, Source


def _title_key_plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", s).casefold() if not unicodedata.category(c)[0] in "PZC")


def test_resolve_title_key_by_translate_on_every_code_point():
    chars = [chr(c) for c in range(0x110000)]
    for i in range(0, len(chars), 4096):
        s = "".join(chars[i:i + 4096])
        assert T.title_key(s) == _title_key_plain(s), hex(i)


@given(st.text(max_size=60))
def test_resolve_title_key_by_translate_on_any_text(s):
    assert T.title_key(s) == _title_key_plain(s)
    assert T._bigrams(s) == ({s[i:i + 2] for i in range(len(s) - 1)} or {s})


_AFTER_WORDS = ["一节", "小节", "这一章", "一书", "这本书", "书中", "[M]", "(2019)[M]", "（第2版）[J]", "[EB/OL]", "[N]",
                "杂志", "论文", "这篇论文", "的论文", "第三章", "第 2 版", "的习题", "上映", "主演", "部分", "这首", " ", "中",
                "（", "(", "[", "的"]


@given(st.lists(st.sampled_from(_AFTER_WORDS) | st.text(max_size=3), max_size=4).map("".join))
def test_resolve_after_cues_in_one_regex_as_in_a_loop(after):
    want = next(((kind, m.group().strip()) for kind, rx in C._AFTER if (m := rx.search(after))), None)
    ref = CitationRef("title", "某个标题", 0, 6, "", "\x1f" + after)
    assert C.context_kind(ref) == (want or (None, ""))  # (no words before: only the cues after can answer)


def _parse_series_plain(title):
    t = T.nfkc(title)
    m = T._BRACKET.match(t)
    if m:
        return T.SeriesTitle(m["name"].strip(), T.numeral(m["n1"] or m["n2"]), m["rest"].strip())
    m = T._COLON.match(t)
    if m and len(T.title_key(m["name"])) >= 2:
        return T.SeriesTitle(m["name"].strip(), T.numeral(m["n"]), m["rest"].strip())
    m = T._PAREN.match(t)
    if m and len(T.title_key(m["name"])) >= 2:
        return T.SeriesTitle(m["name"].strip(" :"), T.numeral(m["n"]), (m["rest"] or "").strip())
    m = T._PART.match(t)
    if m and len(T.title_key(m["name"])) >= 2:
        return T.SeriesTitle(m["name"].strip(" :"), T.numeral(m["n"]), "", numbered=False)
    return None


_TITLE_BITS = ["【优化笔记】", "随机矩阵漫谈", "（二）", "(十四)", "（上）", "(下)", "：", ":", "3. ", "12、", "之", "|", "《", "》",
               "〈A〉", "︽B︾", "梯度", "的几何", "Lipschitz", " ", "\u3000", "（附代码）", "二", "7"]


@given(st.lists(st.sampled_from(_TITLE_BITS) | st.text(max_size=3), max_size=6).map("".join))
def test_resolve_parse_series_pre_tests_change_nothing(title):
    T.forget_strings()
    assert T.parse_series(title) == _parse_series_plain(title)
    assert T.TitleIndex._parts(title) == _parts_plain(title)


def _parts_plain(title):
    parts = [T.title_key(p) for p in re.split(r"[:：]", T.nfkc(title))]
    parts = [p for p in parts if p]
    return frozenset(parts) if len(parts) >= 2 else None


def _approximate_plain(index: T.TitleIndex, cited: str, k: str):
    """The approximate matcher's candidate shortlist before marker sets, shape records and early exits."""
    grams = T._bigrams(k)
    need = len(grams) / 2
    pool: set[str] = set()
    for g in sorted(grams, key=lambda g: (len(index.grams.get(g, ())), g)):
        posting = index.grams.get(g, ())
        if not posting:
            continue
        if len(pool) + len(posting) > index.POOL:
            break
        pool.update(posting)
    want = T.markers(cited)
    lo, hi = len(k) * 0.5, len(k) * 2.2
    shortlist = [pk for pk in pool
                 if lo <= len(index.keys[pk]) <= hi and T.markers(index.titles[pk]) == want
                 and len(grams & {index.keys[pk][i:i + 2] for i in range(len(index.keys[pk]) - 1)}) >= need]
    return index._winner(k, shortlist)  # scoring the shortlist did not change: shared


def _corpus(rng: random.Random, n: int) -> list[str]:
    words = ["梯度", "随机", "矩阵", "谱", "熵", "信息", "变分", "自编码器", "注意力", "Transformer", "GAN", "流模型",
             "的", "与", "从", "到", "一个", "简单", "推导", "Lipschitz", "Adam", "优化", "采样", "扩散"]
    numbers = ["一", "二", "三", "四", "十二", "1", "2", "3"]
    out = []
    for i in range(n):
        body = "".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        shape = rng.randrange(4)
        if shape == 0:
            out.append(f"{body}（{rng.choice(numbers)}）：{''.join(rng.choice(words) for _ in range(3))}")
        elif shape == 1:
            out.append(f"【{rng.choice(words)}笔记】{rng.randint(1, 9)}. {body}")
        elif shape == 2:
            out.append(f"{body}（{rng.choice('上下')}）")
        else:
            out.append(body)
    return out


def _variants(rng: random.Random, title: str) -> list[str]:
    chars = list(title)
    out = [title[:-1], title[1:], title.replace("（二）", "（三）"), title + "浅读"]
    for _ in range(3):
        c = chars[:]
        del c[rng.randrange(len(c))]
        out.append("".join(c))
        c = chars[:]
        c[rng.randrange(len(c))] = rng.choice("的了在是梯度")
        out.append("".join(c))
    return [v for v in out if v]


def test_resolve_approximate_matcher_answers_as_before():
    rng = random.Random(7)
    titles = _corpus(rng, 400)
    index = T.TitleIndex((f"2021-01-01|{i}", t) for i, t in enumerate(titles))
    checked = found = 0
    for title in rng.sample(titles, 150):
        for cited in _variants(rng, title):
            k = T.title_key(cited)
            if len(k) < 6:
                continue
            want = _approximate_plain(index, cited, k)
            assert index._approximate_uncached(cited, k) == want, cited
            checked += 1
            found += want is not None
    assert checked > 500 and found > 20  # the comparison covered matches as well as misses


def test_resolve_match_memo_gives_a_fresh_index_answer():
    rng = random.Random(3)
    titles = _corpus(rng, 200)
    pairs = [(f"2020-02-02|{i}", t) for i, t in enumerate(titles)]
    cited = [v for t in rng.sample(titles, 60) for v in _variants(rng, t)] + titles[:30]
    warm = T.TitleIndex(pairs)
    for c in cited + cited[::-1]:  # every title twice, in both orders, through one memo
        assert warm.match(c) == T.TitleIndex(pairs).match(c), c


def test_resolve_string_caches_end_with_the_resolution():
    posts = [Post(title=t, date="2021-01-01", body=f"见《{t}》和《随机矩阵漫谈（三）》。", sources=(Source("x.md", 1),))
             for t in ("随机矩阵漫谈（一）：从掷硬币说起", "随机矩阵漫谈（二）：谱的形状")]
    refs = {p.key: extract_citations(p.body) for p in posts}
    first = resolve_citations(posts, refs)
    assert T.title_key.cache_info().currsize == 0 and T._parse_series.cache_info().currsize == 0
    T.title_key("预热的标题")  # caches filled outside a resolution do not change its answer
    assert resolve_citations(posts, refs) == first
