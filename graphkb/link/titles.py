"""Titles as the blog prints and cites them: normalisation, series numbers, and a matcher over the corpus.

A title is compared through ``title_key``: NFKC (full-width ：，（） become half-width), case-folded,
without spaces, punctuation or nested title marks, so 《〈A〉浅读（简介）》 and 《A》浅读(简介) agree.
``TitleIndex.match`` finds the post a cited title names, approximately, but never across a different
series number (变分自编码器（二） is not （三）) and only when one candidate clearly wins.
"""
from __future__ import annotations

import difflib
from functools import cache, reduce
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import add, itemgetter, or_

CN_NUMERALS = "零〇一二两三四五六七八九十百"
PARTS = "上中下"
_NUM = rf"\d{{1,3}}|[{CN_NUMERALS}]{{1,4}}"
# 【name】N. rest | 【name】（N）rest
_BRACKET = re.compile(rf"^【(?P<name>[^】]+)】\s*[⋅·•]?\s*(?:\((?P<n1>{_NUM})\)|(?P<n2>{_NUM})\s*[.、:](?!\d))\s*(?P<rest>.*)$")
# name（N）：rest | name（N）
_PAREN = re.compile(rf"^(?P<name>.+?)\s*\((?P<n>{_NUM})\)\s*(?::\s*(?P<rest>.*))?$")
# name：N、rest | name:N. rest
_COLON = re.compile(rf"^(?P<name>[^:]+?)\s*:\s*(?P<n>{_NUM})\s*[.、](?!\d)\s*(?P<rest>.+)$")
# name（上） / （中） / （下）: a title in parts
_PART = re.compile(rf"^(?P<name>.+?)\s*\((?P<n>[{PARTS}])\)$")
# N. rest, a series member cited without its series name
_LEADING = re.compile(rf"^(?P<n>{_NUM})\s*[.、](?!\d)\s*(?P<rest>.+)$")
_MARKER = re.compile(rf"\((?:{_NUM}|[{PARTS}])\)")
# 《X》Y: a title that starts with a title, cited as 《〈X〉Y》 or 《X》Y
_NESTED = re.compile(r"^\s*《([^《》]+)》(.+)$")
_PART_SEPARATOR = re.compile(r"[:：]")


# The string functions below are memoised per distinct string for the length of one resolution: many posts
# cite one title, and one title is normalised and parsed by the index, by ``markers``, by series detection
# and by the resolver.  The caches are unbounded dicts (a bounded LRU cache thrashed at 10^5 titles, and
# its list node per entry kept the garbage collector busy), emptied by ``forget_strings`` when the
# resolution ends so that nothing outlives it.
_STRING_CACHES: list = []


def per_resolution(f):
    """``f`` memoised until the next ``forget_strings`` (for pure functions of one string)."""
    cached = cache(f)
    _STRING_CACHES.append(cached)
    return cached


def forget_strings() -> None:
    """Empty the caches of every ``per_resolution`` function (``resolve_citations`` does, when it ends)."""
    for cached in _STRING_CACHES:
        cached.cache_clear()


@per_resolution
def nfkc(s: str) -> str:
    """NFKC with runs of whitespace collapsed to one space: a title as printed, tidied."""
    return " ".join(unicodedata.normalize("NFKC", s).split())


class _KeptCharacters(dict):
    """code point -> itself for a character ``title_key`` keeps, -> None for one it drops (Unicode
    categories P, Z and C: punctuation, separators, controls).  Filled on first sight of a character, so
    ``str.translate`` does the per-character work in C: a generator over ``unicodedata.category`` was
    the larger part of ``title_key`` (about 1 µs per character) on a corpus with 10^5 cited titles."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code))[0] in "PZC" else code
        self[code] = kept
        return kept


_KEPT = _KeptCharacters()


@per_resolution
def title_key(s: str) -> str:
    """The comparison form of a title: NFKC, case-folded, letters, digits, Han and symbols only."""
    return unicodedata.normalize("NFKC", s).casefold().translate(_KEPT)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def numeral(s: str) -> int | None:
    """The value of 3, 十四, 二十一, 上/中/下 (1/2/3) ...; None when it is not a numeral."""
    if s.isdigit():
        return int(s)
    if s in PARTS:
        return PARTS.index(s) + 1
    total, cur = 0, 0
    for c in s:
        if c in _DIGITS:
            cur = _DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


@dataclass(frozen=True)
class SeriesTitle:
    """A title read as a member of a series: the series name, its number, and the rest of the title."""

    name: str
    number: int | None
    rest: str
    numbered: bool = True  # False for a title in parts (上/中/下)


def parse_series(title: str) -> SeriesTitle | None:
    """【name】N. rest, name（N）：rest, name（N）, name：N、rest, or name（上/中/下）; else None."""
    return _parse_series(nfkc(title))


@per_resolution
def _parse_series(t: str) -> SeriesTitle | None:
    """``parse_series`` of a title already through ``nfkc``, once per distinct string: one title is
    parsed by the index, by ``markers``, by series detection and once per post that cites it
    (SeriesTitle is frozen, so sharing one is safe)."""
    # each pattern needs a character most titles lack (【 first, a colon, a parenthesis): test that first
    m = _BRACKET.match(t) if t.startswith("【") else None
    if m:
        return SeriesTitle(m["name"].strip(), numeral(m["n1"] or m["n2"]), m["rest"].strip())
    colon, paren = ":" in t, "(" in t
    m = _COLON.match(t) if colon else None
    if m and len(title_key(m["name"])) >= 2:
        return SeriesTitle(m["name"].strip(), numeral(m["n"]), m["rest"].strip())
    m = _PAREN.match(t) if paren else None
    if m and len(title_key(m["name"])) >= 2:
        return SeriesTitle(m["name"].strip(" :"), numeral(m["n"]), (m["rest"] or "").strip())
    m = _PART.match(t) if paren else None
    if m and len(title_key(m["name"])) >= 2:
        return SeriesTitle(m["name"].strip(" :"), numeral(m["n"]), "", numbered=False)
    return None


@per_resolution
def markers(title: str) -> tuple[int | None, ...]:
    """Every series number and part mark in a title, in order: (二) and (三) never match."""
    t = nfkc(title)
    out = []
    st = parse_series(t)
    if st and st.numbered and not _PAREN.match(t):
        out.append(st.number)
    out.extend(numeral(m.group()[1:-1]) for m in _MARKER.finditer(t))
    return tuple(out)


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


@per_resolution
def is_latin(title: str) -> bool:
    """A title without Han characters (an English paper, book or page title)."""
    return _HAN.search(title) is None  # (a scan in C: a generator over the characters was 1 µs per 5)


@per_resolution
def _parts(title: str) -> frozenset | None:
    """``TitleIndex._parts``, once per distinct title (the index splits every post title, the matcher every
    cited one)."""
    t = nfkc(title)
    if ":" not in t and "：" not in t:
        return None  # one part only (the usual case: skip the split)
    parts = [title_key(p) for p in _PART_SEPARATOR.split(t)]
    parts = [p for p in parts if p]
    return frozenset(parts) if len(parts) >= 2 else None


def _bigrams(key: str) -> set[str]:
    """Every two adjacent characters of ``key`` (``key`` itself when shorter), paired in C by ``map``."""
    return set(map(add, key, key[1:])) or {key}


_MASK_BITS = 1024


class _GramBits(dict):
    """gram -> an int with the one bit ``hash(gram) % _MASK_BITS`` set, filled on first sight of a gram.

    A title's gram mask ORs the bits of its grams.  Two titles share at most popcount(mask1 & mask2) +
    (len(grams1) - popcount(mask1)) grams: each shared gram sets one bit of the AND, and a bit stands for
    more than one gram of ``grams1`` only as often as ``grams1`` has grams on a bit already taken.  A bound
    whatever the hashes (they vary between processes; the answers do not)."""

    def __missing__(self, gram: str) -> int:
        bit = self[gram] = 1 << (hash(gram) & (_MASK_BITS - 1))
        return bit


_NO_POSTS: frozenset[int] = frozenset()
_NO_RECORD = (0, "", _NO_POSTS, 0)  # (see TitleIndex._gram_records) a gram no title has


@dataclass(frozen=True)
class Match:
    """A cited title resolved to a post: the post's key and how it was matched."""

    key: str
    how: str  # exact, nested, series, stale-number, subtitle, reordered, approximate
    sure: bool = True


class TitleIndex:
    """Every post title of the corpus, indexed for exact, structural and approximate look-up."""

    MIN_RATIO = 0.75  # with characters only left out (an abbreviation)
    TYPO_RATIO = 0.9  # with characters changed
    MARGIN = 0.08
    POOL = 200  # candidates examined per approximate look-up

    def __init__(self, titles: Iterable[tuple[str, str]]):
        """``titles``: (post key, title) pairs."""
        self.titles: dict[str, str] = {}
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_series: dict[tuple[str, int | None], list[str]] = defaultdict(list)
        self.by_series_rest: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_rest: dict[str, list[str]] = defaultdict(list)
        self.by_parts: dict[frozenset, list[str]] = defaultdict(list)
        self.nested: dict[str, list[tuple[str, str]]] = defaultdict(list)  # 《X》Y titles by key(X)
        self.series_names: set[str] = set()
        self.keys: dict[str, str] = {}  # post key -> title_key(title), computed once
        # The approximate matcher numbers the posts (self.ids[i] is post i's key) and reads, for each candidate
        # i, lens[i] = len(title_key), masks[i] = its gram mask (see _GramBits) and bigrams[i], its bigrams
        # (one shared string object per distinct gram): lists indexed by small ints, as its candidates are
        # cold in the CPU's caches on a large corpus and a dict look-up per candidate cost a few more reads.
        self.ids: list[str] = []
        self.grams: dict[str, set[int]] = {}  # gram -> the posts whose title keys have it
        self.lens: list[int] = []
        self.masks: list[int] = []
        self.bigrams: list[tuple[str, ...]] = []
        id_of: dict[str, int] = {}
        one_object: dict[str, str] = {}
        bits = _GramBits()
        self._match_memo: dict[str, Match | None] = {}
        self._approx_memo: dict[tuple[str, tuple], Match | None] = {}
        postings: dict[str, list[int]] = defaultdict(list)
        grams_of = postings.__getitem__
        for pk, title in titles:
            i = id_of.get(pk)
            if i is None:  # (a key seen twice keeps its number: the later title wins, its grams add up)
                i = id_of[pk] = len(self.ids)
                self.ids.append(pk)
                self.lens.append(0)
                self.masks.append(0)
                self.bigrams.append(())
            self.titles[pk] = title
            k = title_key(title)
            self.keys[pk] = k
            self.by_key[k].append(pk)
            st = parse_series(title)
            if st and st.numbered:
                name = title_key(st.name)
                self.by_series[(name, st.number)].append(pk)
                self.series_names.add(name)
                rest = title_key(st.rest)
                if len(rest) >= 4:
                    self.by_series_rest[(name, rest)].append(pk)
                    self.by_rest[rest].append(pk)
            parts = _parts(title)
            if parts:
                self.by_parts[parts].append(pk)
            t = nfkc(title)
            m = _NESTED.match(t) if "《" in t else None
            if m:
                self.nested[title_key(m[1])].append((pk, title_key(m[2])))
            grams = _bigrams(k)
            grams = tuple(map(one_object.setdefault, grams, grams))
            self.lens[i] = len(k)
            self.masks[i] = reduce(or_, map(bits.__getitem__, grams), 0)
            self.bigrams[i] = grams
            deque(map(list.append, map(grams_of, grams), repeat(i)), 0)  # postings[g].append(i) for each g, in C
        # (appended to lists, then one set per gram: a set.add per gram and post was a third slower)
        self.grams.update(zip(postings, map(set, postings.values())))
        # gram -> (posting size, gram, posting, its bit): what the approximate matcher reads of each cited gram
        self._gram_records = {g: (len(posting), g, posting, bits[g]) for g, posting in self.grams.items()}
        # posts by the series numbers and part marks of their titles: the approximate matcher only
        # compares titles with the same marks, and a set intersection in C picks them out of its pool
        # (a Python test per pooled post was most of the matcher's time, and nearly every test failed)
        self.by_markers: dict[tuple, set[int]] = defaultdict(set)
        deque(map(set.add, map(self.by_markers.__getitem__, map(markers, self.titles.values())),
                  map(id_of.__getitem__, self.titles)), 0)

    @staticmethod
    def _parts(title: str) -> frozenset | None:
        """The parts of a title split at its colons, as a set (None for fewer than two parts)."""
        return _parts(title)

    @staticmethod
    def _one(keys: list[str]) -> str | None:
        if len(keys) < 2:  # (nearly always: no post, or one)
            return keys[0] if keys else None
        keys = sorted(set(keys))
        return keys[0] if len(keys) == 1 else None

    def match(self, cited: str, after: str = "") -> Match | None:
        """The post ``cited`` names (``after``: the text right after the closing 》), or None."""
        k = title_key(cited)
        if not k:
            return None
        if after:
            for pk, rest in self.nested.get(k, ()):
                if rest and title_key(after).startswith(rest):
                    return Match(pk, "nested")
        # Past the nested case the answer depends on ``cited`` alone (the index does not change): one
        # look-up per distinct printing, however many posts cite it.
        try:
            return self._match_memo[cited]
        except KeyError:
            found = self._match_memo[cited] = self._match(cited, k)
            return found

    def _match(self, cited: str, k: str) -> Match | None:
        """``match`` without the nested case: exact, series, subtitle, reordered, then approximate."""
        exact = self.by_key.get(k)
        if exact:  # one post, or the first of several with this title (unsure)
            if len(exact) == 1:
                return Match(exact[0], "exact")
            distinct = sorted(set(exact))
            return Match(distinct[0], "exact", sure=len(distinct) == 1)
        st = parse_series(cited)
        if st and st.numbered:
            name, rest = title_key(st.name), title_key(st.rest)
            same = sorted(self.by_series.get((name, st.number), []))
            for pk in same:
                other = parse_series(self.titles[pk])
                if not rest or not other.rest or title_key(other.rest) == rest:
                    return Match(pk, "series")
            # an outdated number: the same series and the same subtitle under another number
            one = self._one(self.by_series_rest.get((name, rest), [])) if rest else None
            if one:
                return Match(one, "stale-number")
            for pk in same:
                if self._close(nfkc(st.rest), nfkc(parse_series(self.titles[pk]).rest)):
                    return Match(pk, "series")
        else:
            m = _LEADING.match(nfkc(cited))
            if m:
                rest = title_key(m["rest"])
                cands = [pk for pk in self.by_rest.get(rest, []) if parse_series(self.titles[pk]).number == numeral(m["n"])]
            else:
                cands = self.by_rest.get(k, [])
            one = self._one(cands)
            if one:
                return Match(one, "subtitle")
        parts = _parts(cited)
        if parts:
            one = self._one(self.by_parts.get(parts, []))
            if one:
                return Match(one, "reordered")
        return self._approximate(cited, k)

    @staticmethod
    def _close(a: str, b: str) -> bool:
        """Two subtitles of one series number: equal, or nearly so with the same part marks."""
        ka, kb = title_key(a), title_key(b)
        if ka == kb:
            return True
        ratio = difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio()
        return markers(a) == markers(b) and (ratio >= TitleIndex.TYPO_RATIO
                                             or (ratio >= TitleIndex.MIN_RATIO and _subsequence(ka, kb)))

    def _approximate(self, cited: str, k: str) -> Match | None:
        """The one post whose title is nearly ``cited``: the same series numbers, a clear winner,
        and either almost equal (a typo) or ``cited`` with some characters left out (an abbreviation)."""
        if len(k) < 6:
            return None
        memo_key = (k, markers(cited))
        if memo_key in self._approx_memo:  # one title is cited by many posts
            return self._approx_memo[memo_key]
        result = self._approximate_uncached(cited, k)
        self._approx_memo[memo_key] = result
        return result

    def _approximate_uncached(self, cited: str, k: str) -> Match | None:
        grams = _bigrams(k)
        need = len(grams) / 2
        # A title sharing at least half of the grams misses at most floor(len/2) of them, so it shares one
        # of any floor(len/2)+1 grams: the rarest ones are enough to find every candidate.
        # Candidates come from the rarest grams first: a title that shares half of ``cited``'s grams shares its
        # rare ones (its own words), while common grams (的一, 浅谈, Latin pairs like "on") would only make
        # the shortlist, and the time, grow with the corpus.  Stop adding grams at a few hundred candidates.
        same_marks = self.by_markers.get(markers(cited))
        if not same_marks:
            return None  # no title has these series numbers (a member the corpus lacks): nothing to compare
        pool: set[int] = set()
        # rarest first, ties by gram: (size, gram, posting, bit) records sort in C, without a key function
        records = sorted(map(self._gram_records.get, grams, repeat(_NO_RECORD)))
        for size, _, posting, _ in records:
            if not size:
                continue
            if len(pool) + size > self.POOL:
                break  # (when even the rarest gram is this common, nothing in the title is distinctive)
            pool.update(posting)
        # only titles with the same series numbers and part marks, picked by one set intersection
        pool &= same_marks
        if not pool:
            return None
        # A ratio of at least MIN_RATIO - MARGIN bounds the other title's length: test that first, it is cheap.
        # This loop is the matcher's inner loop, and on a large corpus its candidates are cold in the CPU's
        # caches: one record per candidate and gram strings shared between titles keep that to a few reads.
        # Before counting the shared grams, a bound from the gram masks (see _GramBits) rejects nearly every
        # candidate with one AND of two ints: a shared gram sets a bit in both masks, and a bit of the AND
        # stands for several shared grams only when cited grams share bits (len(grams) - popcount(mask)).
        # Only the cited grams some title has can be shared: the mask and its bound count those alone.
        lo, hi = len(k) * 0.5, len(k) * 2.2
        mask = reduce(or_, map(itemgetter(3), records), 0)
        bits = need - (len(grams) - records.count(_NO_RECORD) - mask.bit_count())  # fewest bits shared by a candidate
        lens, masks, bigrams = self.lens, self.masks, self.bigrams
        shortlist = [i for i in pool
                     if lo <= lens[i] <= hi and (mask & masks[i]).bit_count() >= bits
                     and len(grams.intersection(bigrams[i])) >= need]
        return self._winner(k, map(self.ids.__getitem__, shortlist))

    def _winner(self, k: str, shortlist: Iterable[str]) -> Match | None:
        """The post of ``shortlist`` whose title key is clearly the closest to ``k``, if it is close enough."""
        scored = []
        for pk in sorted(shortlist):
            sm = difflib.SequenceMatcher(None, k, self.keys[pk], autojunk=False)
            floor = self.MIN_RATIO - self.MARGIN
            if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
                continue  # upper bounds too low to win or to come a close second
            scored.append((sm.ratio(), pk))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < self.MIN_RATIO:
            return None
        best, pk = scored[0]
        if len(scored) > 1 and scored[1][0] > best - self.MARGIN:
            return None
        other = self.keys[pk]
        if k in other:
            return None  # a title cited inside a longer one names another work (a paper and its 浅读)
        if best < self.TYPO_RATIO and not _subsequence(k, other):
            return None
        return Match(pk, "approximate")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)
