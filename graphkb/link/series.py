"""Series of posts, read from the titles: 【name】N. …, name（N）：…, name：N、…, name（上/下）, and
shared prefixes up to 之 / ： (细水长flow之NICE, 细水长flow之RealNVP与Glow).

Reads post titles (and titles cited but missing from the corpus, which count as members of a shared
prefix); writes (post key, series name, position) triples for ``graph.assemble``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ..model import Post
from .titles import nfkc, parse_series, per_resolution, title_key

_SEPARATOR = re.compile(r"\s*(?:之|:|\|)\s*")
MIN_PREFIX = 3


def title_prefixes(title: str) -> list[str]:
    """Every part of a title before one of its 之 / ： / |, shortest first, when long enough to name a series."""
    return list(_prefixes(title))


@per_resolution
def _prefixes(title: str) -> tuple[str, ...]:
    """``title_prefixes`` once per distinct title (the resolver asks for every post title and every
    cited one, series detection again for both); a tuple, so the cached answer cannot be changed."""
    t = nfkc(title)
    if "之" not in t and ":" not in t and "|" not in t:
        return ()  # no separator (most titles): skip the regex scan
    out = []
    for m in _SEPARATOR.finditer(t):
        pre = t[:m.start()].strip()
        if m.end() < len(t) and len(title_key(pre)) >= MIN_PREFIX:
            out.append(pre)
    return tuple(out)


@per_resolution
def prefix_keys(title: str) -> tuple[str, ...]:
    """``title_key`` of each of ``title_prefixes(title)``, once per distinct title."""
    return tuple(map(title_key, _prefixes(title)))


def detect_series(posts: Iterable[Post], cited_titles: Iterable[str] = ()) -> list[tuple[str, str, int | None]]:
    """(post key, series name, position) for every post that belongs to a series, sorted.

    A numbered title makes a series by itself; a title in parts (上/下) or a shared prefix needs a
    second member, which may be a cited title the corpus lacks.  Positions come from the number;
    for an unnumbered series they follow the dates when every member is in the corpus with a full date.
    """
    posts = [p for p in posts if p.title]
    numbered: dict[str, list[tuple[Post, int | None]]] = defaultdict(list)
    parts: dict[str, list[tuple[Post, int | None]]] = defaultdict(list)
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (date|key, printed name)
    for p in posts:
        st = parse_series(p.title)
        if st is None:
            continue
        k = title_key(st.name)
        (numbered if st.numbered else parts)[k].append((p, st.number))
        names[k].append(((p.date or "") + p.key, nfkc(st.name)))
    out: list[tuple[str, str, int | None]] = []

    def name_of(k: str) -> str:
        return min(names[k])[1]

    taken: set[str] = set()
    for k, members in numbered.items():
        members = members + [(p, None) for p, _ in parts.pop(k, [])]
        for p, n in members:
            out.append((p.key, name_of(k), n))
            taken.add(p.key)
    for k, members in parts.items():
        if len(members) < 2:
            continue
        for rank, (p, _) in enumerate(sorted(members, key=lambda m: (m[1], m[0].key)), start=1):
            out.append((p.key, name_of(k), rank))
            taken.add(p.key)

    # each post joins the longest of its prefixes that another post (or a cited title) shares
    rest = [p for p in posts if p.key not in taken]
    known = set(map(title_key, [p.title for p in posts]))
    holders: dict[str, set[str]] = defaultdict(set)
    outside: dict[str, set[str]] = defaultdict(set)  # cited titles the corpus lacks, by prefix
    for p in rest:
        for pre in prefix_keys(p.title):  # (most titles have none)
            holders[pre].add(title_key(p.title))
    for t in set(cited_titles):  # (one title is cited by many posts; sets, so the order does not matter)
        pres = prefix_keys(t)
        if pres and (tk := title_key(t)) not in known:
            for pre in pres:
                holders[pre].add(tk)
                outside[pre].add(tk)
    prefixed: dict[str, list[Post]] = defaultdict(list)
    for p in rest:
        pres = prefix_keys(p.title)
        if not pres:
            continue
        shared = [i for i, pre in enumerate(pres) if len(holders[pre]) >= 2]
        if shared:
            k = pres[shared[-1]]
            prefixed[k].append(p)
            names[k].append(((p.date or "") + p.key, _prefixes(p.title)[shared[-1]]))
    for k, members in prefixed.items():
        if len(members) + len(outside[k]) < 2:
            continue
        dated = not outside[k] and all(p.date and not p.date.startswith("--") for p in members)
        for i, p in enumerate(sorted(members, key=lambda p: (p.date or "", p.key)), start=1):
            out.append((p.key, name_of(k), i if dated else None))
    return sorted(out, key=lambda t: (t[1], t[2] if t[2] is not None else 10**6, t[0]))
