"""Plain, frozen, serialisable records passed between the pipeline stages.

read -> ``Post`` (+ ``Problem``) ; extract -> ``Mention``, ``CitationRef``, ``MinedAlias`` ;
link -> ``Citation`` ; graph and export consume all of them.  Nothing here holds a live object.
"""
from __future__ import annotations

import functools
import marshal
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

# ---------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True, order=True)
class Source:
    """Where a post was read: a file and the 1-based line its record starts on."""

    path: str
    line: int


@dataclass(frozen=True)
class Post:
    """One post as read from the input, before or after merging duplicates.

    ``date`` is ``YYYY-MM-DD`` or, when the source prints day and month only, ``--MM-DD``.
    ``title`` is None when the source prints no title; ``display_title`` is then derived from the body.
    """

    title: str | None
    date: str | None
    body: str
    sources: tuple[Source, ...]
    readers: int | None = None
    author: str | None = None
    url: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    layout: str = ""
    source_id: str | None = None  # an archive number the source names the post by (file name N.md)
    truncated: bool = False

    @property
    def untitled(self) -> bool:
        return not self.title

    @property
    def display_title(self) -> str:
        return self.title or derive_title(self.body, self.date)

    @functools.cached_property
    def key(self) -> str:
        """Stable identity used for IRIs, caches and sorting: title (or body start) and date.

        Worked out on first access and kept (every stage reads it: ~2 µs of normalising a time, 6 times a post)."""
        return f"{self.date or ''}|{norm_title(self.title) if self.title else 'untitled:' + norm_title(self.body[:80])}"


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, reported by file and line; the build goes on."""

    path: str
    line: int | None
    kind: str  # binary, encoding, empty, unreadable, no-posts, truncated, untitled, bad-record, ...
    message: str
    severity: str = "error"  # error: something was lost or skipped; warning: read, but check it

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


# ---------------------------------------------------------------------------------------------
# extraction


class Mention(NamedTuple):
    """A concept found in a post: character offsets into ``Post.body`` (negative: in the title, see
    ``extract.matcher.find_in_post``).  A NamedTuple: there are millions, and they cross processes."""

    concept: str  # concept id (slug)
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class CitationRef:
    """A cross-reference as found in the text, before resolution.

    ``form`` is ``title`` (a 《…》 span), ``post-url`` (an archive link of the blog),
    ``arxiv`` or ``url``.  ``sentence`` is the sentence around it, ``cue`` the context words
    that say what kind of work it is (论文, 书, 之前的文章 ...).
    """

    form: str
    text: str
    start: int
    end: int
    sentence: str
    context: str = ""


@dataclass(frozen=True)
class MinedAlias:
    """A name pair learned from a definition in the text, e.g. ``CRF(条件随机场, Conditional Random Field)``."""

    forms: tuple[str, ...]
    evidence: str
    start: int


#: One concept's mentions in one post: (concept id, ((start, end, surface), ...) in text order).
ConceptMentions = tuple[str, tuple[tuple[int, int, str], ...]]

#: One post's concept mentions as they cross processes and sit in the cache: the concept ids in order of
#: first mention, how often the post names each, and where (``marshal`` bytes of one tuple of spans per
#: concept, read only when asked for: the graph keeps the counts alone unless ``--mention-detail``).
PackedMentions = tuple[tuple[str, ...], tuple[int, ...], bytes]


def group_mentions(mentions) -> tuple[ConceptMentions, ...]:
    """Mentions grouped by concept, concepts in order of first mention; plain tuples, surfaces interned."""
    groups: dict[str, list] = {}
    intern = sys.intern
    for cid, start, end, surface in mentions:
        if cid in groups:
            groups[cid].append((start, end, intern(surface)))
        else:
            groups[cid] = [(start, end, intern(surface))]
    return tuple([(cid, tuple(spans)) for cid, spans in groups.items()])


def pack_mentions(mentions) -> PackedMentions:
    """``mentions`` grouped by concept (``group_mentions``), packed.

    A post's spans are many small tuples and ints (three objects a mention, ~280k mentions per 10 MB of
    text) that a build without ``--mention-detail`` only counts; as one ``bytes`` they cross from the
    worker processes and load from the cache as one object, and are unpacked only where they are read."""
    groups = group_mentions(mentions)
    return (tuple([cid for cid, _ in groups]), tuple([len(spans) for _, spans in groups]),
            marshal.dumps(tuple([spans for _, spans in groups])))


def unpack_spans(packed: PackedMentions) -> tuple[tuple[tuple[int, int, str], ...], ...]:
    """The spans of each concept of ``packed``, in the order of its concept ids."""
    return marshal.loads(packed[2])


_NO_MENTIONS: PackedMentions = pack_mentions(())


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one post; the unit the cache stores."""

    mentioned: PackedMentions = _NO_MENTIONS
    citations: tuple[CitationRef, ...] = ()
    aliases: tuple[MinedAlias, ...] = ()

    @classmethod
    def from_mentions(cls, mentions=(), citations: tuple[CitationRef, ...] = (),
                      aliases: tuple[MinedAlias, ...] = ()) -> Extraction:
        return cls(pack_mentions(mentions), tuple(citations), tuple(aliases))

    @property
    def concepts(self) -> tuple[ConceptMentions, ...]:
        """(concept id, spans) of each concept the post names, in order of first mention."""
        return tuple(zip(self.mentioned[0], unpack_spans(self.mentioned)))

    @property
    def mentions(self) -> tuple[Mention, ...]:
        """Every mention, in text order."""
        return tuple(sorted(Mention(cid, *span) for cid, spans in self.concepts for span in spans))

    @property
    def mention_count(self) -> int:
        return sum(self.mentioned[1])


# ---------------------------------------------------------------------------------------------
# linking


@dataclass(frozen=True)
class Citation:
    """A resolved cross-reference: ``source`` (post key) cites a post of the corpus or a typed work."""

    source: str
    ref: CitationRef
    kind: str  # post, missing-post, paper, book, article, other
    target: str | None = None  # post key when the cited work is in the corpus
    name: str = ""  # the cited work's name (the title as cited, or the resolved post's title)
    confidence: str = "sure"  # sure | unsure
    reason: str = ""


@dataclass
class BuildResult:
    """What a build produced, for the CLI summary and ``report.json``."""

    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    # the assembled networkx.DiGraph, for callers that go on working with it (its mention edges share read-only
    # data, see graph.assemble.SharedEdgeData: change a copy, g.copy())
    graph: object = None


# ---------------------------------------------------------------------------------------------
# small shared helpers


_SPACE = re.compile(r"\s+")


def norm_title(s: str | None) -> str:
    """NFKC, case-folded, whitespace-free: how two printings of one title are compared."""
    if not s:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", s)).casefold()


_CLAUSE_END = re.compile(r"[。！？!?；;，,：:\n]")


def derive_title(body: str, date: str | None = None) -> str:
    """A display title for a post printed without one: its first clause, shortened."""
    text = body.strip()
    first = _CLAUSE_END.split(text, maxsplit=1)[0].strip() if text else ""
    if len(first) > 24:
        first = first[:24] + "…"
    if not first:
        first = "untitled"
    return f"〔无题〕{first}" + (f" ({date})" if date else "")


# ---------------------------------------------------------------------------------------------
# the concept base


@dataclass(frozen=True)
class Concept:
    """One concept of the concept base (or discovered in the text)."""

    id: str  # slug, the last segment of its IRI
    iri: str
    pref: tuple[tuple[str, str], ...]  # (lang, label) pairs, at most one per language
    alt: tuple[tuple[str, str], ...] = ()
    broader: tuple[str, ...] = ()  # concept ids
    exact_match: tuple[str, ...] = ()
    definition: str | None = None
    discovered: bool = False
    evidence: str | None = None  # the defining sentence, for discovered concepts
    defined_in: str | None = None  # post key where it was defined

    def label(self, prefer: str = "zh") -> str:
        d = dict(self.pref)
        return d.get(prefer) or d.get("en") or next(iter(d.values()), None) or (self.alt[0][1] if self.alt else self.id)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(label for _, label in self.pref + self.alt))
