"""The fast paths of citation resolution give the answers of the plain code they replace.

Each test holds the straightforward version (as it was before the fast path) and compares: title_key by
str.translate, the cues after 》 as one regex, parse_series with its cheap pre-tests, the approximate
matcher's candidate filter by marker sets, the per-title memo of TitleIndex.match, and the string caches
that live for one resolution.
"""
from __future__ import annotations

import functools
import operator
import pickle
import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from graphkb.extract.citations import extract_citations
from graphkb.link import citations as C
from graphkb.link import series as S
from graphkb.link import titles as T
from graphkb.link.citations import resolve_citations
from graphkb.model import CitationRef, Post, Source


def _title_key_plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", s).casefold() if not unicodedata.category(c)[0] in "PZC")


def _is_latin_plain(title: str) -> bool:
    return not any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in title)


def test_resolve_is_latin_by_regex_on_every_code_point():
    T.forget_strings()
    for c in map(chr, range(0x110000)):
        assert T.is_latin(f"ab{c}") == _is_latin_plain(f"ab{c}"), hex(ord(c))
    T.forget_strings()


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
    """The approximate matcher's candidate shortlist before marker sets, numbered posts, gram masks and early exits."""
    grams = T._bigrams(k)
    need = len(grams) / 2
    pool: set[str] = set()
    postings = {g: {index.ids[i] for i in index.grams.get(g, ())} for g in grams}  # the posts with each gram
    for g in sorted(grams, key=lambda g: (len(postings[g]), g)):
        posting = postings[g]
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


@given(st.text(max_size=30), st.text(max_size=30))
def test_resolve_gram_mask_bounds_the_shared_grams(a, b):
    bits = T._GramBits()
    ga, gb = T._bigrams(a), T._bigrams(b)
    ma = functools.reduce(operator.or_, map(bits.__getitem__, ga), 0)
    mb = functools.reduce(operator.or_, map(bits.__getitem__, gb), 0)
    assert len(ga & gb) <= (ma & mb).bit_count() + len(ga) - ma.bit_count()


def test_resolve_gram_mask_bound_on_crowded_bits():
    class Few(T._GramBits):  # four bits for many grams: nearly every gram shares its bit
        def __missing__(self, gram):
            bit = self[gram] = 1 << (hash(gram) & 3)
            return bit
    rng = random.Random(5)
    titles = _corpus(rng, 200)
    for a, b in zip(titles, titles[1:]):
        bits = Few()
        ga, gb = T._bigrams(T.title_key(a)), T._bigrams(T.title_key(b))
        ma = functools.reduce(operator.or_, map(bits.__getitem__, ga), 0)
        mb = functools.reduce(operator.or_, map(bits.__getitem__, gb), 0)
        assert len(ga & gb) <= (ma & mb).bit_count() + len(ga) - ma.bit_count()


def _one_name_per_work_plain(citations: list[Citation]) -> list[Citation]:
    """Printings of one title (full/half-width, spaces, nested marks) name one work: the commonest printing."""
    forms: dict[tuple[str, str], dict[str, int]] = {}  # work -> printing -> count
    work_of: list[tuple[str, str] | None] = []  # each citation's (kind, title key), computed once
    for c in citations:
        if c.target is None:
            work = (c.kind, T.title_key(c.name))
            printings = forms.setdefault(work, {})
            printings[c.name] = printings.get(c.name, 0) + 1
            work_of.append(work)
        else:
            work_of.append(None)
    best = {k: min(v.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, v in forms.items()}
    return [c if work is None or best[work] == c.name else replace(c, name=best[work])
            for c, work in zip(citations, work_of)]


def _citations(rng: random.Random, n: int) -> list:
    names = ["随机矩阵漫谈（一）", "随机矩阵漫谈(一)", "随机矩阵 漫谈（一）", "Attention Is All You Need", "attention is all you need",
             "《A》B", "〈A〉B", "梯度", "梯 度"]
    ref = CitationRef("title", "x", 0, 1, "")
    return [C.Citation(f"2021-01-0{rng.randint(1, 3)}|p", ref, rng.choice(["missing-post", "paper", "post"]),
                       rng.choice([None, None, "2020-01-01|t"]), rng.choice(names)) for _ in range(n)]


def test_resolve_one_name_per_work_as_before():
    rng = random.Random(11)
    for n in (0, 1, 5, 60, 400):
        cits = _citations(rng, n)
        assert C._one_name_per_work(cits) == _one_name_per_work_plain(cits)


def _detect_series_plain(posts: Iterable[Post], cited_titles: Iterable[str] = ()) -> list[tuple[str, str, int | None]]:
    """detect_series before prefix keys per title and distinct cited titles."""
    posts = [p for p in posts if p.title]
    # Post.key normalises the title on every access: once per post here (by identity, the posts are alive)
    keys = {id(p): p.key for p in posts}
    numbered: dict[str, list[tuple[Post, int | None]]] = defaultdict(list)
    parts: dict[str, list[tuple[Post, int | None]]] = defaultdict(list)
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (date|key, printed name)
    for p in posts:
        st = T.parse_series(p.title)
        if st is None:
            continue
        k = T.title_key(st.name)
        (numbered if st.numbered else parts)[k].append((p, st.number))
        names[k].append(((p.date or "") + keys[id(p)], T.nfkc(st.name)))
    out: list[tuple[str, str, int | None]] = []

    def name_of(k: str) -> str:
        return min(names[k])[1]

    taken: set[str] = set()
    for k, members in numbered.items():
        members = members + [(p, None) for p, _ in parts.pop(k, [])]
        for p, n in members:
            out.append((keys[id(p)], name_of(k), n))
            taken.add(keys[id(p)])
    for k, members in parts.items():
        if len(members) < 2:
            continue
        for rank, (p, _) in enumerate(sorted(members, key=lambda m: (m[1], keys[id(m[0])])), start=1):
            out.append((keys[id(p)], name_of(k), rank))
            taken.add(keys[id(p)])

    # each post joins the longest of its prefixes that another post (or a cited title) shares
    rest = [p for p in posts if keys[id(p)] not in taken]
    known = {T.title_key(p.title) for p in posts}
    holders: dict[str, set[str]] = defaultdict(set)
    outside: dict[str, set[str]] = defaultdict(set)  # cited titles the corpus lacks, by prefix
    for t in [p.title for p in rest]:
        for pre in S.title_prefixes(t):
            holders[T.title_key(pre)].add(T.title_key(t))
    for t in {t for t in cited_titles if T.title_key(t) not in known}:
        for pre in S.title_prefixes(t):
            holders[T.title_key(pre)].add(T.title_key(t))
            outside[T.title_key(pre)].add(T.title_key(t))
    prefixed: dict[str, list[Post]] = defaultdict(list)
    for p in rest:
        shared = [pre for pre in S.title_prefixes(p.title) if len(holders[T.title_key(pre)]) >= 2]
        if shared:
            k = T.title_key(shared[-1])
            prefixed[k].append(p)
            names[k].append(((p.date or "") + keys[id(p)], shared[-1]))
    for k, members in prefixed.items():
        if len(members) + len(outside[k]) < 2:
            continue
        dated = not outside[k] and all(p.date and not p.date.startswith("--") for p in members)
        for i, p in enumerate(sorted(members, key=lambda p: (p.date or "", keys[id(p)])), start=1):
            out.append((keys[id(p)], name_of(k), i if dated else None))
    return sorted(out, key=lambda t: (t[1], t[2] if t[2] is not None else 10**6, t[0]))


def test_resolve_detect_series_as_before():
    rng = random.Random(13)
    titles = _corpus(rng, 300) + [f"{p}之{q}" for p in ("细水长flow", "从动力学角度看优化算法", "Transformer升级之路")
                                  for q in ("NICE", "RealNVP与Glow", "一个更直观的收敛分析", "2")] + ["模型:一", "模型:二", "孤立的标题"]
    dates = ["2020-01-02", "2019-05-06", "--03-04", None]
    posts = [Post(title=t, date=rng.choice(dates), body="", sources=(Source("x.md", 1),)) for t in titles]
    cited = [t + "续" for t in rng.sample(titles, 40)] + ["细水长flow之Glow", "模型:三", "细水长flow之NICE"] * 3
    T.forget_strings()
    want = _detect_series_plain(posts, cited)
    T.forget_strings()
    assert S.detect_series(posts, iter(cited)) == want
    assert S.detect_series(posts[:50], cited[:10]) == _detect_series_plain(posts[:50], cited[:10])


def _citing_posts(seed: int, n: int, citing: int) -> tuple[list[Post], dict]:
    """``n`` posts, the first ``2 * citing`` of which cite others by their titles or variants of them,
    and a paper; with their references."""
    rng = random.Random(seed)
    titles = _corpus(rng, n)
    bodies = [f"见《{rng.choice(titles)}》和《{v}》，以及论文《Attention Is All You Need》。笔者之前的文章《{rng.choice(titles)}续》"
              for t in titles[:citing] for v in _variants(rng, t)[:2]]
    posts = [Post(title=t, date="2021-01-01", body=b, sources=(Source("x.md", 1),)) for t, b in zip(titles, bodies)]
    return posts, {p.key: extract_citations(p.body) for p in posts}


def test_resolve_resolver_memo_per_cited_text_gives_a_fresh_resolver_answer():
    posts, refs = _citing_posts(17, 120, 40)
    warm = C.Resolver(posts)
    for source, rs in list(refs.items()) * 2:
        for ref in rs:
            if ref.form == "title":
                assert warm.title(source, ref) == C.Resolver(posts).title(source, ref), ref.text


def test_resolve_resolver_from_a_pickled_state_answers_as_one_built_from_the_posts():
    """``corpus_resolver`` keeps ``Resolver.state()`` in the cache: read back (pickled, as the cache does),
    it must resolve every reference (titles and addresses) as a resolver built from the posts does."""
    posts, refs = _citing_posts(23, 120, 40)
    built = C.Resolver(posts)
    state = pickle.loads(pickle.dumps(built.state(), protocol=pickle.HIGHEST_PROTOCOL))
    loaded = C.Resolver(posts, state)
    assert loaded.index.titles == built.index.titles and loaded.prefixes == built.prefixes
    for source, rs in refs.items():
        for ref in rs:
            answer = (lambda r: r.title(source, ref)) if ref.form == "title" else (lambda r: r.url(source, ref))
            assert answer(loaded) == answer(built), ref.text


def _context_kind_plain(ref: CitationRef, latin: bool = False) -> tuple[str | None, str]:
    """The kind of work the words around a reference name, and the cue that says so.

    ``latin``: the reference is an all-Latin title in a blog that titles its own posts in Chinese.
    """
    before, after = C._split(ref.context)
    if "《" in before:  # (most contexts have no other title: skip two regex passes)
        last = None
        for last in C._OTHER_TITLES.finditer(before):
            pass
        if last is not None and not C._LIST_GAP.match(before[last.end():]):
            before = before[last.end():]  # the words before an earlier title belong to that title
        before = C._OTHER_TITLES.sub(lambda m: "\u3000" * len(m.group()), before)
    m = C._AFTER_ANY.match(after)
    if m:
        return C._AFTER[int(m.lastgroup.removeprefix("after"))][0], m.group().strip()
    if not latin and "的" in before and (m := C._OWNER.search(before)):  # (C._OWNER needs a 的)
        return "article", m.group().strip()
    best: tuple[int, int, str, str] | None = None
    for kind, rx in C._BEFORE:
        if latin and kind not in C._LATIN_KINDS:
            continue
        for m in rx.finditer(before):
            cand = (m.end(), len(m.group()), kind, m.group())
            if best is None or cand[:2] > best[:2]:
                best = cand
    if latin:
        for m in C._LATIN_ARTICLE.finditer(before):
            cand = (m.end(), len(m.group()), "article", m.group())
            if best is None or cand[:2] > best[:2]:
                best = cand
    if best:
        return best[2], best[3]
    return None, ""


_BEFORE_WORDS = ["笔者", "之前的文章", "论文", "书", "知乎", "的文章", "去年的文章", "电影", "licstar的", "arXiv", "《某书》", "、", "和",
                 "Matrix67之前写的", "博客", "Blog", "网友", " ", "的"]


@given(st.lists(st.sampled_from(_BEFORE_WORDS) | st.text(max_size=3), max_size=6).map("".join),
       st.sampled_from(["", "一节", "[M]", " 中", "论文"]), st.booleans())
def test_resolve_context_kind_with_its_any_cue_pretest_as_before(before, after, latin):
    ref = CitationRef("title", "某个标题", 0, 6, "", before + "\x1f" + after)
    assert C.context_kind(ref, latin) == _context_kind_plain(ref, latin)


def test_resolve_primed_in_a_forked_child_gives_the_same_citations(monkeypatch):
    """``Resolver.prime`` works out half of the cited texts in a forked child: every text is then known,
    and resolution gives what it gives without priming."""
    from graphkb.runtime import can_fork

    posts, refs = _citing_posts(23, 150, 60)
    monkeypatch.setenv("GRAPHKB_WORKERS", "1")
    plain = resolve_citations(posts, refs)
    monkeypatch.setenv("GRAPHKB_WORKERS", "2")
    monkeypatch.setattr(C, "PRIME_PARALLEL_MIN", 1)
    texts = sorted({r.text for rs in refs.values() for r in rs if r.form == "title"})
    resolver = C.Resolver(posts)
    resolver.prime(texts)
    if can_fork():
        assert sorted(resolver._seen) == texts  # both halves, the child's included
        assert all(resolver._seen[t] == C.Resolver(posts)._cited(t) for t in texts)
    assert resolve_citations(posts, refs) == plain
