"""Resolve cross-references to posts of the corpus, or type them as the work they name.

Reads every post (titles, archive ids) and the ``CitationRef`` records extracted from each body;
writes ``Citation`` records (kind post with the cited post's key, or missing-post / paper / book /
article / other with the cited name), series memberships, and ``citation-unsure`` warnings.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from operator import itemgetter

from ..extract.citations import BLOG_HOSTS, CONTEXT_SEP, archive_id, arxiv_id
from ..model import Citation, CitationRef, Post, Problem
from ..runtime import Forked, can_fork, collector_paused, workers
from .series import detect_series, prefix_keys
from .titles import TitleIndex, forget_strings, is_latin, nfkc, parse_series, title_key

# Context cues, matched in the words before a reference (other 《titles》 there blanked out); the one
# nearest to the reference wins, and of two ending at the same place the longer ("本博客" over "博客").
_BEFORE_CUES: list[tuple[str, str]] = [
    ("missing-post", r"笔者|拙作|旧作|本博客?|本站|本系列|该系列|这个系列|系列文章|之前的文章|之前的博文|以前的文章|之前写|以前写|"
                     r"曾写|写过|上一篇|前一篇|前一文|前文|上文|之前的|此前的|我们在|我们之前|以前也|早年|我的文章|博文|"
                     r"之前在|此前在|在之前|之前我们|此前我们"),
    ("paper", r"论文|文献|[Pp]aper|arXiv|会议|期刊|ICLR|NeurIPS|NIPS|ICML|ACL|EMNLP|CVPR|AAAI|发表"),
    ("book", r"书|教材|课本|著作|专著|一本|出版|丛书|读本|所著|编著|译著|原著|小说"),
    ("article", r"公众号|知乎|机器之心|量子位|报道|报导|新闻|专栏|帖子|推特|[Tt]witter|微博|网友|[Bb]log|[Gg]ithub|issue|"
                r"Stack\s?Exchange|Reddit|维基|[Ww]iki|网站|网页|论坛|教程|相关链接|"
                # somebody's article: "X的文章", but not the author's own ("去年的文章", "笔者的博客", "之前的文章")
                r"(?<![年前初底末之我者早])的(?:文章|博客|博文)"),
    ("other", r"电影|影片|歌|课程|门课|的课|一节课|评测|比赛|竞赛|节目|游戏|纪录片|电视剧|动画|赛事|漫画|专辑"),
]
_BEFORE = [(kind, re.compile(p)) for kind, p in _BEFORE_CUES]
# Any of the cues: a scan that finds none of them spares the five (most contexts have no cue)
_BEFORE_ANY = re.compile("|".join(f"(?:{p})" for _, p in _BEFORE_CUES))
# Words that still hold for a title without Han characters in a blog whose own titles are Chinese:
# such a title is not one of the blog's posts, and "文章" there is as likely a paper as a web page.
_LATIN_KINDS = {"paper", "book", "other"}
_LATIN_ARTICLE = re.compile(r"公众号|知乎|机器之心|量子位|博客|[Bb]log|[Gg]ithub|issue|Stack\s?Exchange|Reddit|维基|[Ww]iki|"
                            r"推特|[Tt]witter|帖子|网友|教程|网站|网页|论坛")
# "licstar的《…》", "Matrix67之前写的《…》", "某某同学写的《…》": a named person's work, right before the title
_OWNER = re.compile(r"(?:[A-Za-z][\w.]*|同学|老师|大神|网友)(?:之前|以前)?写?的(?:这篇|一篇)?(?:文章|博客|博文)?[:：\s]*$")
# Cues right after the closing 》 (一节, 一书, 论文 ...) are decisive.
_AFTER = [
    # GB/T 7714 reference markers: [M] a book, [J]/[C] a paper, [EB/OL]/[N] a web or news article
    ("book", re.compile(r"^\s*(?:\([^)]{0,12}\)|（[^）]{0,12}）)?\s*\[M\]")),
    ("paper", re.compile(r"^\s*(?:\([^)]{0,12}\)|（[^）]{0,12}）)?\s*\[[JCD]\]")),
    ("article", re.compile(r"^\s*(?:\([^)]{0,12}\)|（[^）]{0,12}）)?\s*\[(?:EB/OL|N)\]")),
    ("other", re.compile(r"^\s*(?:这|的)?(?:一节|小节|一章|章节|这一节|这一章|部分|一集|这首|这部|的主演|上映|主演)")),
    ("book", re.compile(r"^\s*(?:这|的)?(?:一书|这本书|这套书|书中|一本书|书里|系列丛书|教材|(?:中的|的)?习题|"
                        r"第[一二三四五六七八九十\d]+[章卷册]|[（(]?第\s*[一二三四五六七八九十\d]+\s*版)")),
    ("article", re.compile(r"^\s*(?:杂志|周刊|日报|报道)")),
    ("paper", re.compile(r"^\s*(?:这篇|的)?论文")),
]
# The cues after 》 as one regex, alternatives in list order: each is anchored, so the first that matches is
# the one a loop over _AFTER would return, found with one call instead of seven per reference.
_AFTER_ANY = re.compile("|".join(f"(?P<after{i}>{rx.pattern})" for i, (_, rx) in enumerate(_AFTER)))
_OTHER_TITLES = re.compile(r"《[^《》]*》")
_LIST_GAP = re.compile(r"^[\s、，,和与及或以]*$")
_TITLE_WORDS = [("other", re.compile(r"(?:评测|比赛|大赛|竞赛|挑战赛|课程|公开课|电影|专辑)$"))]
_WEB = re.compile(r"^https?://", re.IGNORECASE)
_ARCHIVE_PATH = re.compile(r"^archives/(\d+)$")


_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_QUERY = re.compile(r"[?#]")


def _address(url: str) -> str:
    """A URL as an address to compare: no scheme, no www., no query, fragment or trailing slash; host in lower case."""
    u = _SCHEME.sub("", url.strip())
    u = _QUERY.split(u, maxsplit=1)[0].rstrip("/")
    host, _, rest = u.partition("/")
    return host.lower() + ("/" + rest if rest else "")


_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico|css|js)(?:[?#].*)?$", re.IGNORECASE)
_GAP = re.compile(r"^[\s(（:：\[]*$")


def _split(ctx: str) -> tuple[str, str]:
    before, _, after = ctx.partition(CONTEXT_SEP)
    return before, after


def context_kind(ref: CitationRef, latin: bool = False) -> tuple[str | None, str]:
    """The kind of work the words around a reference name, and the cue that says so.

    ``latin``: the reference is an all-Latin title in a blog that titles its own posts in Chinese.
    """
    before, after = _split(ref.context)
    if "《" in before:  # (most contexts have no other title: skip two regex passes)
        last = None
        for last in _OTHER_TITLES.finditer(before):
            pass
        if last is not None and not _LIST_GAP.match(before[last.end():]):
            before = before[last.end():]  # the words before an earlier title belong to that title
        before = _OTHER_TITLES.sub(lambda m: "\u3000" * len(m.group()), before)
    m = _AFTER_ANY.match(after)
    if m:
        return _AFTER[int(m.lastgroup.removeprefix("after"))][0], m.group().strip()
    if not latin and "的" in before and (m := _OWNER.search(before)):  # (_OWNER needs a 的)
        return "article", m.group().strip()
    if not latin and _BEFORE_ANY.search(before) is None:
        return None, ""
    best: tuple[int, int, str, str] | None = None
    for kind, rx in _BEFORE:
        if latin and kind not in _LATIN_KINDS:
            continue
        for m in rx.finditer(before):
            cand = (m.end(), len(m.group()), kind, m.group())
            if best is None or cand[:2] > best[:2]:
                best = cand
    if latin:
        for m in _LATIN_ARTICLE.finditer(before):
            cand = (m.end(), len(m.group()), "article", m.group())
            if best is None or cand[:2] > best[:2]:
                best = cand
    if best:
        return best[2], best[3]
    return None, ""


class _Reasons(dict):
    """Match.how -> the reason of a citation resolved by its title (one string per way of matching)."""

    def __missing__(self, how: str) -> str:
        reason = self[how] = f"title matched ({how})"
        return reason


_MATCHED = _Reasons()


PRIME_PARALLEL_MIN = 2_000  # distinct cited texts; below this a second process costs more than it saves


def _cited_texts(resolver: "Resolver", texts: list[str]) -> dict[str, tuple]:
    """In a forked child: ``Resolver._cited`` of each text (sent back: strings, flags and small Match records)."""
    return {t: resolver._cited(t) for t in texts}


class Resolver:
    """The corpus seen by the resolver: a title index, archive ids, and known series names.

    ``state``: what ``state()`` returned for a corpus with the same ``corpus_fingerprint`` (see
    :func:`corpus_resolver`), instead of working it out again from ``posts``."""

    def __init__(self, posts: list[Post], state: tuple | None = None):
        keyed = [(p.key, p) for p in posts]
        self.posts = dict(keyed)
        self.fingerprint: str | None = None  # corpus_fingerprint(posts), when the caller has it
        (self.index, self.by_archive, self.by_address, self.hosts, self.prefixes,
         self.latin_is_foreign) = state if state is not None else self._read_corpus(keyed)
        self._same_series: dict[str, bool] = {}
        self._seen: dict[str, tuple] = {}  # cited text -> what Resolver.title reads of it (see _cited)
        self._display: dict[str, str] = {}  # post key -> its display title
        self._no_cue: dict[str, tuple[str, str, str]] = {}  # cited text -> Resolver._untyped

    @staticmethod
    def _read_corpus(keyed: list[tuple[str, Post]]) -> tuple:
        """(title index, archive ids, the blog's addresses, its hosts, series prefixes, whether Latin titles
        are foreign), from the (key, post) pairs ``keyed``: their keys, titles, archive ids and URLs only,
        all that ``corpus_fingerprint`` hashes."""
        index = TitleIndex((key, p.title) for key, p in keyed if p.title)
        by_archive: dict[str, str] = {}
        by_key = sorted(keyed, key=itemgetter(0))
        for key, p in by_key:
            for aid in (p.source_id, archive_id(p.url or "")):
                if aid and aid.isdigit():
                    by_archive.setdefault(aid, key)
        # the blog's own addresses, learned from the posts' URLs: a link to one is a link to that post
        by_address: dict[str, str] = {}
        for key, p in by_key:
            if p.url and _WEB.match(p.url):
                by_address.setdefault(_address(p.url), key)
        hosts = {a.partition("/")[0] for a in by_address}
        titled = [p.title for _, p in keyed if p.title]
        prefixes = {pre for title in titled for pre in prefix_keys(title)}
        # a blog that titles its posts in Chinese cites English titles of other people's work
        latin_is_foreign = sum(map(is_latin, titled)) < len(titled) / 2
        return index, by_archive, by_address, hosts, prefixes, latin_is_foreign

    def state(self) -> tuple:
        """What ``__init__`` worked out from the corpus, picklable; take it before resolving anything, while
        the title index's memos are empty."""
        return self.index, self.by_archive, self.by_address, self.hosts, self.prefixes, self.latin_is_foreign

    def prime(self, texts: list[str]) -> None:
        """Work out what ``title`` reads of each cited text alone (``_cited``: the index's look-up, most of
        resolution's work) before resolving, half of the texts in a forked child when there are enough of
        them: resolution is the long pole of the concept pass, whose workers leave a core idle when they
        finish first.  Each text's answer depends on the text and the corpus only, so who computes it does
        not change the result; without a second core nothing is done ahead, and ``title`` computes each on
        first sight as before."""
        todo = [t for t in texts if t not in self._seen]
        if len(todo) < PRIME_PARALLEL_MIN or workers() < 2 or not can_fork():
            return
        child = Forked(_cited_texts, self, todo[1::2])  # every other text: their costs vary, and spread evenly
        try:
            for t in todo[::2]:
                self._seen[t] = self._cited(t)
            self._seen.update(child.result())
        except BaseException:
            child.cancel()
            raise

    def foreign(self, title: str) -> bool:
        return self.latin_is_foreign and is_latin(title)

    def same_blog_series(self, title: str) -> bool:
        """True when ``title`` names a member of a series the corpus has other posts of (remembered per
        title: the answer depends on the title and the corpus only, and one title is cited many times)."""
        known = self._same_series.get(title)
        if known is None:
            known = self._same_series[title] = self._same_blog_series(title)
        return known

    def _same_blog_series(self, title: str) -> bool:
        st = parse_series(title)
        if st and st.numbered and title_key(st.name) in self.index.series_names:
            return True
        return not self.prefixes.isdisjoint(prefix_keys(title))

    def _cited(self, text: str) -> tuple:
        """What resolving 《text》 reads of ``text`` alone, once per distinct printing (one title is cited by
        many posts): its name, whether it is foreign and Latin, the rests of the nested titles it may start,
        and the index's match without the words after 》."""
        name = " ".join(text.split())
        latin = is_latin(text)
        foreign = self.latin_is_foreign and latin
        k = title_key(text)
        nested = self.index.nested.get(k) if k else None
        return name, latin, foreign, nested, self.index.match(text)

    def _untyped(self, text: str, name: str, latin: bool, foreign: bool) -> tuple[str, str, str]:
        """(kind, confidence, reason) of 《text》 when the words around it say nothing."""
        if not foreign and self.same_blog_series(text):
            return "missing-post", "sure", "series of the blog"
        for k, rx in _TITLE_WORDS:
            m = rx.search(name)
            if m:
                return k, "sure", f"title: {m.group()}"
        if latin:
            return "paper", "sure", "English title"
        return "missing-post", "unsure", "Chinese title, no cue in the context"

    def title(self, source: str, ref: CitationRef, via: CitationRef | None = None) -> Citation | None:
        """Resolve or type one 《title》; ``via`` is a URL printed right after it (its address)."""
        text = ref.text
        try:
            name, latin, foreign, nested, m = self._seen[text]
        except KeyError:
            name, latin, foreign, nested, m = self._seen[text] = self._cited(text)
        if via is not None and via.form == "post-url":
            target = self.by_archive.get(archive_id(via.text) or "")
            if target:
                return self._post(source, ref, target, "archive link next to the title")
            return Citation(source, ref, "missing-post", None, name, "sure", "archive link of a post the corpus lacks")
        if via is not None and via.form == "arxiv":
            return Citation(source, ref, "paper", None, name, "sure", "arXiv link next to the title")
        if nested:  # (the only case where the words after 》 change the match)
            _, after = _split(ref.context)
            m = self.index.match(text, after)
        # The words around a reference are read only when they can change the answer (half of all
        # references name a post by a Chinese title, and the context is then never consulted).
        kind = cue = None
        if m is not None:
            if m.key == source and nfkc(name) != nfkc(self.posts[source].title or ""):
                pass  # a work printed differently that only normalises to the citing post's own title
            elif (latin and m.how != "nested"
                  and (kind_cue := context_kind(ref, latin=foreign))[0] not in (None, "missing-post")):
                kind, cue = kind_cue  # a title that is also a paper's goes to the post only when the context says so
            else:
                return self._post(source, ref, m.key, _MATCHED[m.how], sure=m.sure)
        if kind is None:
            kind, cue = context_kind(ref, latin=foreign)
        if kind:
            return Citation(source, ref, kind, None, name, "sure", f"context: {cue}")
        try:
            untyped = self._no_cue[text]
        except KeyError:
            untyped = self._no_cue[text] = self._untyped(text, name, latin, foreign)
        return Citation(source, ref, untyped[0], None, name, untyped[1], untyped[2])

    def _post(self, source: str, ref: CitationRef, target: str, reason: str, sure: bool = True) -> Citation | None:
        if target == source:
            return None  # a post naming itself is not a citation
        try:
            shown = self._display[target]
        except KeyError:
            shown = self._display[target] = self.posts[target].display_title
        return Citation(source, ref, "post", target, shown, "sure" if sure else "unsure", reason)

    def url(self, source: str, ref: CitationRef) -> Citation | None:
        if ref.form == "post-url":
            aid = archive_id(ref.text) or ""
            target = self.by_archive.get(aid)
            if target:
                return self._post(source, ref, target, "archive link")
            return Citation(source, ref, "missing-post", None, ref.text, "sure", "archive link of a post the corpus lacks")
        if ref.form == "arxiv":
            return Citation(source, ref, "paper", None, f"arXiv:{arxiv_id(ref.text) or ref.text}", "sure", "arXiv")
        address = _address(ref.text)
        target = self.by_address.get(address)
        if target:
            return self._post(source, ref, target, "link to the post's address")
        host, _, path = address.partition("/")
        m = _ARCHIVE_PATH.match(path)
        if m and host in self.hosts:  # the blog's /archives/N, N not a post's address
            target = self.by_archive.get(m.group(1))
            if target:
                return self._post(source, ref, target, "archive link")
            return Citation(source, ref, "missing-post", None, ref.text, "sure", "archive link of a post the corpus lacks")
        host = _SCHEME.sub("", ref.text.lower())
        if _IMAGE.search(ref.text) or host.startswith(BLOG_HOSTS):
            return None  # pictures, scripts and the blog's own non-post pages are not works
        return Citation(source, ref, "other", None, ref.text, "sure", "web address")


def _address_of(title: CitationRef, nxt: CitationRef | None) -> bool:
    """True when ``nxt`` is a URL printed right after ``title``: 《…》(https://…)."""
    if nxt is None or nxt.form == "title" or not 0 <= nxt.start - title.end <= 3:
        return False
    before, _ = _split(nxt.context)
    gap = before[len(before) - (nxt.start - title.end):] if nxt.start > title.end else ""
    return bool(_GAP.match(gap))


# Bump when resolution gives another answer for the same corpus and references (the package version
# is part of the cache namespace too).
RESOLVER_VERSION = "2"


def resolve_citations(posts: list[Post], refs: Mapping[str, tuple[CitationRef, ...]], cache_path: str | None = None,
                      ref_keys: Mapping[str, str] | None = None, resolver: Resolver | None = None
                      ) -> tuple[list[Citation], list[tuple[str, str, int | None]], list[Problem]]:
    """Citations, series memberships (post key, series name, position) and problems to report.

    With ``cache_path`` (the extraction cache's SQLite file) each citing post's resolution is kept under
    the corpus' title fingerprint and that post's references: a rebuild after editing a post's body
    resolves that post only, with the title index kept by the last build (``corpus_resolver``), and
    needs no index when nothing changed.  A changed, added or removed title changes the fingerprint, and
    everything is resolved afresh.  ``ref_keys`` (optional)
    gives, per citing post, a string that changes whenever its references may (the extraction cache's
    hash of its text with the extractor's version): it saves hashing the references themselves.
    ``resolver``: a ``Resolver(posts)`` made beforehand (``corpus_resolver``), used if some post needs resolving;
    without it one is made here when needed.
    """
    try:
        with collector_paused():  # (its records live to its end and form no cycles: see collector_paused)
            return _resolve(posts, refs, cache_path, ref_keys or {}, resolver)
    finally:
        forget_strings()  # the normalised and parsed titles served this resolution only


def corpus_fingerprint(posts: list[Post]) -> str:
    """A hash of everything the resolver reads from the corpus: keys, titles, archive ids and URLs."""
    from .. import __version__

    h = hashlib.blake2b(f"{__version__}+{RESOLVER_VERSION}".encode(), digest_size=16)
    for p in sorted(posts, key=lambda p: p.key):
        h.update("\x1f".join((p.key, p.title or "", p.display_title, p.source_id or "", p.url or "", "\x1e"))
                 .encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def corpus_resolver(posts: list[Post], cache_path: str | None = None) -> Resolver:
    """``Resolver(posts)``; with ``cache_path`` (the extraction cache), what it works out from the corpus is
    kept there under ``corpus_fingerprint(posts)`` and read back by the next build with the same titles,
    archive ids and URLs: an edit of a post's body then loads it (0.05 s at 9k posts) instead of building
    it again (0.33 s; the title index alone ~4 s at 90k posts)."""
    if not cache_path:
        return Resolver(posts)
    from ..cache import ExtractionCache

    fingerprint = corpus_fingerprint(posts)
    ns = f"resolver:{fingerprint}"
    with ExtractionCache(cache_path) as cache:
        state = cache.get_many(ns, ["state"]).get("state")
        resolver = Resolver(posts, state)
        if state is None:
            cache.put_many(ns, {"state": resolver.state()})
            cache.retain(ns, ["state"])  # another corpus' state can never be read again
    resolver.fingerprint = fingerprint
    return resolver


def _source_key(post: Post | None, rs: tuple[CitationRef, ...] | str) -> str:
    """What one citing post's resolution depends on besides the corpus: its references (or a key of them)
    and where it was read."""
    where = (post.sources[0], post.display_title) if post is not None and post.sources else None
    return hashlib.blake2b(repr((where, rs)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _resolve_source(resolver: Resolver, source: str, rs: tuple[CitationRef, ...]) -> tuple[list[Citation], list[Problem]]:
    by_key = resolver.posts
    citations: list[Citation] = []
    problems: list[Problem] = []
    used: set[int] = set()
    for i, ref in enumerate(rs):
        if i in used:
            continue
        if ref.form == "title":
            nxt = rs[i + 1] if i + 1 < len(rs) else None
            via = nxt if nxt is not None and nxt.form != "title" and _address_of(ref, nxt) else None
            if via is not None:
                used.add(i + 1)
            cit = resolver.title(source, ref, via)
        else:
            cit = resolver.url(source, ref)
        if cit is None:
            continue
        citations.append(cit)
        if cit.confidence == "unsure" and source in by_key:
            post = by_key[source]
            where = post.sources[0] if post.sources else None
            problems.append(Problem(where.path if where else "", where.line if where else None, "citation-unsure",
                                    f"《{ref.text}》 in “{post.display_title}” taken as {cit.kind}"
                                    f"{' ' + cit.name if cit.kind == 'post' else ''} ({cit.reason}); check it",
                                    severity="warning"))
    return citations, problems


def _resolve(posts: list[Post], refs: Mapping[str, tuple[CitationRef, ...]], cache_path: str | None,
             ref_keys: Mapping[str, str], resolver: Resolver | None = None
             ) -> tuple[list[Citation], list[tuple[str, str, int | None]], list[Problem]]:
    from ..cache import ExtractionCache

    cache = ExtractionCache(cache_path) if cache_path else None
    try:
        sources = sorted(refs)
        keys: dict[str, str] = {}
        hit: dict[str, object] = {}
        if cache is not None:
            fingerprint = resolver.fingerprint if resolver is not None else None
            ns = f"cites:{fingerprint or corpus_fingerprint(posts)}"
            by_key = {p.key: p for p in posts}
            keys = {source: _source_key(by_key.get(source), ref_keys.get(source) or refs[source]) for source in sources}
            hit = cache.get_many(ns, keys.values())
        todo = [source for source in sources if not keys or keys[source] not in hit]
        prefetch = getattr(refs, "prefetch", None)  # references kept in the cache (StoredRefs): read at once
        if todo and prefetch is not None:
            prefetch(todo)
        if not todo:
            resolver = None  # (one built beforehand is not needed)
        elif resolver is None:  # the title index: only when some post is not in the cache
            resolver = corpus_resolver(posts, cache_path)
        if resolver is not None:
            resolver.prime(sorted({ref.text for source in todo for ref in refs[source] if ref.form == "title"}))
        fresh: dict[str, object] = {}
        citations: list[Citation] = []
        problems: list[Problem] = []
        for source in sources:
            done = hit.get(keys[source]) if keys else None
            if done is None:
                done = _resolve_source(resolver, source, refs[source])
                if keys:
                    fresh[keys[source]] = done
            citations += done[0]
            problems += done[1]
        if cache is not None:
            cache.put_many(ns, fresh)
            cache.retain(ns, keys.values())
    finally:
        if cache is not None:
            cache.close()
    citations = _one_name_per_work(citations)
    cited_missing = [c.name for c in citations if c.kind == "missing-post"]
    series = detect_series(posts, cited_missing)
    return citations, series, problems


def _one_name_per_work(citations: list[Citation]) -> list[Citation]:
    """Printings of one title (full/half-width, spaces, nested marks) name one work: the commonest printing."""
    # how often each (kind, printing) is cited, then the works (kind, title key) over distinct printings only
    printed = Counter([(c.kind, c.name) for c in citations if c.target is None])
    forms: dict[tuple[str, str], dict[str, int]] = {}  # work -> printing -> count
    for (kind, name), n in printed.items():
        forms.setdefault((kind, title_key(name)), {})[name] = n
    renamed: dict[tuple[str, str], str] = {}  # (kind, printing) -> the work's commonest printing, when another
    for (kind, _), printings in forms.items():
        if len(printings) > 1:
            best = min(printings.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            renamed.update(((kind, name), best) for name in printings if name != best)
    if not renamed:
        return list(citations)
    return [c if c.target is not None or (best := renamed.get((c.kind, c.name))) is None else replace(c, name=best)
            for c in citations]


def missing_posts(citations: Iterable[Citation]) -> list[dict]:
    """Posts of the blog that are cited but not in the corpus, with how many posts cite each."""
    citing: dict[str, set[str]] = {}
    for c in citations:
        if c.kind == "missing-post":
            citing.setdefault(c.name, set()).add(c.source)
    counts = Counter({name: len(s) for name, s in citing.items()})
    return [{"title": name, "cited_by": n} for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
