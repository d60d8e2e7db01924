"""Concept mentions in raw text: one Aho-Corasick automaton over every label of the concept base.

Rules every match keeps:
- leftmost-longest: of overlapping candidates the one starting first wins, then the longest;
- a label that starts (ends) with a Latin letter or digit never starts (ends) next to another one:
  ``flow`` is not in ``tensorflow``, ``GAN`` not in ``DCGAN``; a hyphen glues a word to the one before
  it (``GP`` is not in ``WGAN-GP``); Han characters, spaces and punctuation are boundaries;
- a Latin label is matched exactly as written when it is short (<= 5 letters) or has capitals after
  the first letter of a word (EM, ODE, GloVe, RealNVP), otherwise case-insensitively; English plurals come for free;
- LaTeX (``$…$``, ``$$…$$``, ``\\[…\\]``, ``\\(…\\)``, ``\\begin{…}…\\end{…}``) and code (fenced, or
  lines indented by four spaces or a tab) are masked before matching, offsets unchanged;
- "blockers": words of jieba's bundled dictionary that straddle the start of a Han label (主流 in
  主流模型, 累积 in 累积分布) sit in the automaton as non-concept entries, so leftmost-longest
  consumes them and the shorter label inside a longer word is not reported.
"""
from __future__ import annotations

import functools
import os
import re

import ahocorasick

from ..model import Mention

#: jieba dictionary words rarer than this do not become blockers.  Measured on kexue-dev: at 3 they
#: removed ~660 mentions, about 1 in 4 rightly (主流模型, 常数学习率); at 1000 ~230, about half rightly.
BLOCKER_MIN_FREQ = 1000

_MASK = re.compile(
    r"\$\$.{0,20000}?\$\$"
    r"|(?<!\\)\$[^$\n]{1,2000}?(?<!\\)\$"
    r"|\\\[.{0,20000}?\\\]"
    r"|\\\(.{0,5000}?\\\)"
    r"|\\begin\{([A-Za-z*]+)\}.{0,50000}?\\end\{\1\}"
    r"|^[ \t]*```.*?(?:^[ \t]*```[^\n]*$|\Z)"
    r"|^(?: {4}|\t)[^\n]*$",
    re.S | re.M,
)
# _MASK in two parts that ``mask`` merges, same matches: the LaTeX alternatives all start with ``$`` or ``\``
# (the lookbehind moved after the ``$``), so the regex engine skips to those characters instead of trying
# every alternative at every position; the code alternatives start at a line start with a space, a tab or
# a backtick, never with ``$`` or ``\``, so the two parts never match at the same position.
_MASK_TEX = re.compile(
    r"\$\$.{0,20000}?\$\$"
    r"|\$(?<!\\\$)[^$\n]{1,2000}?(?<!\\)\$"
    r"|\\\[.{0,20000}?\\\]"
    r"|\\\(.{0,5000}?\\\)"
    r"|\\begin\{([A-Za-z*]+)\}.{0,50000}?\\end\{\1\}",
    re.S | re.M,
)
_MASK_CODE = re.compile(
    r"^[ \t]*```.*?(?:^[ \t]*```[^\n]*$|\Z)"
    r"|^(?: {4}|\t)[^\n]*$",
    re.S | re.M,
)


def _blank(s: str) -> str:
    if "\n" not in s:
        return " " * len(s)
    return "\n".join([" " * len(line) for line in s.split("\n")])


def _may_have_code(text: str) -> bool:
    """A necessary condition for a match of _MASK_CODE: a fence, or a line starting with four spaces or a tab."""
    return "```" in text or "\n    " in text or "\n\t" in text or text.startswith(("    ", "\t"))


def mask(text: str) -> str:
    """``text`` with LaTeX and code replaced by spaces (newlines kept), so offsets stay valid."""
    tex = _MASK_TEX.search(text) if ("$" in text or "\\" in text) else None
    code = _MASK_CODE.search(text) if _may_have_code(text) else None
    if tex is None and code is None:
        return text
    out = []
    pos = 0
    while tex is not None or code is not None:
        m = tex if code is None or (tex is not None and tex.start() < code.start()) else code
        out.append(text[pos:m.start()])
        out.append(_blank(m.group()))
        pos = m.end()
        if tex is not None and tex.start() < pos:
            tex = _MASK_TEX.search(text, pos)
        if code is not None and code.start() < pos:
            code = _MASK_CODE.search(text, pos)
    out.append(text[pos:])
    return "".join(out)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def is_latin(ch: str) -> bool:
    """A character that continues a Latin word: ASCII letters and digits, '_', Latin letters with accents."""
    return ch.isascii() and (ch.isalnum() or ch == "_") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


#: every character ``is_latin`` accepts (all below U+0250), for set membership in the matcher's hot loop
_LATIN = frozenset(ch for ch in map(chr, range(0x250)) if is_latin(ch))


def _letters(label: str) -> int:
    return sum(1 for ch in label if ch.isascii() and ch.isalpha())


def case_sensitive(label: str) -> bool:
    """Short Latin labels and labels with inner capitals are matched exactly as written."""
    if not _letters(label):
        return True
    # capitals inside a word (GloVe, RealNVP, WGAN) mark a name; Title Case words do not
    return _letters(label) <= 5 or any(ch.isupper() for word in re.split(r"[^A-Za-z]+", label) for ch in word[1:])


def plurals(label: str) -> list[str]:
    """English plural forms of a Latin label (none for Han labels, digits at the end or 1–2 letter acronyms)."""
    if not label or not (label[-1].isascii() and label[-1].isalpha()):
        return []
    word = re.split(r"[\s-]", label)[-1]
    if word.isupper() and len(word) <= 2:
        return []
    if word.isupper():
        return [] if word.endswith("S") else [label + "s"]
    low = word.lower()
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return [label + "es"]
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return [label[:-1] + "ies"]
    return [label + "s"]


def _fold(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _jieba_dict_path() -> str | None:
    """The path of jieba's bundled dictionary (``dict.txt``), or None without jieba.

    The file only: importing jieba costs 0.13 s, and the ImportErrors it swallows while importing leave
    reference cycles that pin the caller's frames while a build pauses the garbage collector."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return None
    return os.path.join(os.path.dirname(spec.origin), "dict.txt")


@functools.lru_cache(maxsize=4)
def _jieba_words(min_freq: int = 1) -> tuple[tuple[str, int], ...]:
    """(word, frequency) of jieba's bundled dictionary: Han words of two characters or more, this frequent.

    The regex skips lines whose frequency has too few digits (0.04 s where reading all 337k words took 0.2 s).
    """
    path = _jieba_dict_path()
    if path is None:
        raise ModuleNotFoundError("jieba is not installed; it is a dependency of graphkb (pip install jieba)")
    digits = len(str(max(min_freq, 1)))
    line = re.compile(r"^([\u3400-\u9fff\uf900-\ufaff]{2,}) ([1-9]\d{%d,})" % (digits - 1), re.M)
    with open(path, encoding="utf-8") as fh:
        found = line.findall(fh.read())
    return tuple((w, int(f)) for w, f in found if int(f) >= min_freq)


def blocker_words(labels: set[str], min_freq: int = BLOCKER_MIN_FREQ) -> list[str]:
    """Dictionary words x+p where p is a proper prefix of a Han label and x is not empty.

    A word that is itself a label, or that begins with a label, is left out: it would hide that label.
    """
    prefixes = {lab[:k] for lab in labels if lab and is_han(lab[0]) for k in range(1, len(lab))}
    if not prefixes:
        return []
    out = []
    for w, _ in _jieba_words(min_freq):
        if w in labels:
            continue
        if not any(w[k:] in prefixes for k in range(1, len(w))):
            continue
        if any(w[:j] in labels for j in range(1, len(w))):
            continue
        out.append(w)
    return out


#: Characters put first among the automaton's root transitions, most frequent first: whitespace, Latin letters
#: (English letter frequency), digits, punctuation; then come Han characters by their frequency in jieba's
#: dictionary.  pyahocorasick looks a character up by a linear scan of a node's transitions, in the order they
#: were created, and the root has one per first character of a key (~1000): in this order a common character
#: is found after a few comparisons, not hundreds.  Only the speed depends on the order, never the matches.
_LEAD = (" \n\t\r\u3000etaoinsrhldcumfpgwybvkxjqz0123456789"
         "，。、：；？！“”‘’（）《》【】「」—…·,.:;?!\"'()[]{}<>/\\-_=+*&%$#@~`|^")
#: Of the most frequent Han characters this many get a root transition even when no key starts with them
#: (a dead-end "lead" key, see ``ConceptMatcher._build``), like the characters of ``_LEAD``.
_LEAD_HAN = 300


@functools.lru_cache(maxsize=1)
def _han_by_frequency() -> tuple[str, ...]:
    """Han characters, most frequent first: summed frequencies of the words of jieba's dictionary (seen at
    least 100 times) that hold them; () without jieba."""
    path = _jieba_dict_path()
    if path is None:
        return ()
    try:
        with open(path, encoding="utf-8") as fh:
            found = re.findall(r"^([\u3400-\u9fff\uf900-\ufaff]+) ([1-9]\d{2,})", fh.read(), re.M)
    except OSError:
        return ()
    freq: dict[str, int] = {}
    for word, f in found:
        f = int(f)
        for ch in word:
            freq[ch] = freq.get(ch, 0) + f
    return tuple(sorted(freq, key=lambda ch: (-freq[ch], ch)))


class ConceptMatcher:
    """Finds mentions of a concept base's labels in text; picklable, rebuilt from the base in ~1 s."""

    def __init__(self, base, *, blockers: bool = True, blocker_min_freq: int = BLOCKER_MIN_FREQ):
        self.base = base
        self.blockers = blockers
        self.blocker_min_freq = blocker_min_freq
        self._automaton = self._build()

    def __reduce__(self):
        return (_rebuild, (self.base, self.blockers, self.blocker_min_freq))

    def state(self) -> tuple:
        """What ``_build`` made (the automaton and its masking characters): picklable, for a cache."""
        return (self._automaton, self._size, self._dead, self._dead_sub)

    @classmethod
    def from_state(cls, base, state: tuple, *, blockers: bool = True,
                   blocker_min_freq: int = BLOCKER_MIN_FREQ) -> "ConceptMatcher":
        """The matcher of ``base`` from its ``state()``, without building it (the caller keys the state by
        the base's fingerprint and the extractor's version)."""
        m = cls.__new__(cls)
        m.base, m.blockers, m.blocker_min_freq = base, blockers, blocker_min_freq
        m._automaton, m._size, m._dead, m._dead_sub = state
        return m

    def _build(self) -> ahocorasick.Automaton:
        entries: dict[str, list[tuple]] = {}
        labels: set[str] = set()

        def add(form: str, cid: str | None) -> None:
            exact = case_sensitive(form) and any(ch.lower() != ch.upper() for ch in form)  # uncased: fold is exact
            first, last = form[0], form[-1]
            entry = (form, cid, exact, is_latin(first), is_latin(last))
            entries.setdefault(_fold(form), []).append(entry)

        for cid in sorted(self.base.concepts):
            for label in self.base.concepts[cid].labels:
                label = label.strip()
                if not label or (len(label) == 1 and not is_han(label)):
                    continue
                labels.add(label)
                for form in [label, *plurals(label)]:
                    add(form, cid)
        if self.blockers:
            for w in blocker_words(labels, self.blocker_min_freq):
                if _fold(w) not in entries:
                    add(w, None)
        self._size = len(entries)
        # Each key's value is (length - 1, cid, None) when its first entry needs no check (the first entry that
        # fits the text wins, so it always would), else (length - 1, None, entries) for ``find`` to test in order.
        values = {}
        for key, es in entries.items():
            # concept entries before blockers, then by form: the first entry that fits the text wins
            es = tuple(sorted(es, key=lambda e: (e[1] is None, e[1] or "", e[0])))
            form, cid, exact, latin_first, latin_last = es[0]
            values[key] = (len(key) - 1, cid, None) if not (exact or latin_first or latin_last) else (len(key) - 1, None, es)
        # Keys added in the order of ``_LEAD`` and ``_han_by_frequency`` of their first character (see _LEAD),
        # with a dead-end key ``c + dead`` for a frequent character c that starts no key: ``dead`` is a
        # character of no key, replaced in the text (by another such character) before matching, so these
        # keys never occur, and an automaton reports every occurrence of its keys, whatever else it holds.
        alphabet = set().union(*entries) if entries else set()
        spare = [ch for ch in ("\uffff", "\ufffe", "\U0010ffff", "\U0010fffe") if ch not in alphabet]
        rank: dict[str, int] = {}
        for ch in _LEAD:
            rank.setdefault(ch, len(rank))
        han = _han_by_frequency()
        for ch in han:
            rank.setdefault(ch, len(rank))
        firsts = {key[0] for key in entries}
        leads = set(_LEAD) | set(han[:_LEAD_HAN])
        self._dead = self._dead_sub = None
        order = sorted(values, key=lambda key: rank.get(key[0], len(rank)))  # stable: the base's order after
        a = ahocorasick.Automaton()
        if len(spare) >= 2:
            self._dead, self._dead_sub = spare[0], spare[1]
            dead_ends = leads - firsts
            keys = sorted([(rank[ch], 0, ch + self._dead) for ch in dead_ends] +
                          [(rank.get(key[0], len(rank)), 1, key) for key in order])
            for _, real, key in keys:
                a.add_word(key, values[key] if real else (1, None, ()))
        else:
            for key in order:
                a.add_word(key, values[key])
        a.make_automaton()
        return a

    def find(self, text: str) -> tuple[Mention, ...]:
        """Mentions in ``text``, leftmost-longest, offsets into ``text`` itself."""
        return self._find(text, 0)

    def _find(self, text: str, shift: int) -> tuple[Mention, ...]:
        """``find(text)`` with ``shift`` taken off every offset."""
        if not text or self._size == 0:
            return ()
        masked = mask(text)
        folded = _fold(masked)
        if self._dead is not None and self._dead in folded:
            folded = folded.replace(self._dead, self._dead_sub)
        n = len(masked)
        latin = _LATIN
        # every occurrence of a key as (start, -(stop - 1), cid, entries), sorted: leftmost, then longest first
        # (no two share a span: one span is one key); the entries of a key that needs checks are tested only
        # when its occurrence could be taken, which selects the same mentions as testing them all first
        cands = [(end - lm1, -end, cid, entries) for end, (lm1, cid, entries) in self._automaton.iter(folded)]
        cands.sort()
        out = []
        append = out.append
        pos = 0
        new = tuple.__new__
        for start, neg_last, cid, entries in cands:
            if start < pos:
                continue
            stop = 1 - neg_last
            if entries is not None:
                for form, cid, exact, latin_first, latin_last in entries:
                    if exact and masked[start:stop] != form:
                        continue
                    if latin_first and start > 0:
                        prev = masked[start - 1]
                        if prev in latin or (prev == "-" and start > 1 and masked[start - 2] in latin):
                            continue
                    if latin_last and stop < n and masked[stop] in latin:
                        continue
                    break
                else:
                    continue
            pos = stop
            if cid is not None:
                append(new(Mention, (cid, start - shift, stop - shift, text[start:stop])))
        return tuple(out)


def find_in_post(matcher: ConceptMatcher, title: str | None, body: str) -> tuple[Mention, ...]:
    """Mentions in a post's title and body; offsets count from the body's start in ``title + "\\n" + body``.

    So a body mention has its ordinary offsets into ``body`` and a title mention negative ones
    (``title[start + len(title) + 1]`` is its first character): a title names what a post is about.
    """
    if not title:
        return matcher.find(body)
    return matcher._find(title + "\n" + body, len(title) + 1)


def _rebuild(base, blockers, blocker_min_freq):
    return ConceptMatcher(base, blockers=blockers, blocker_min_freq=blocker_min_freq)
