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


def mask(text: str) -> str:
    """``text`` with LaTeX and code replaced by spaces (newlines kept), so offsets stay valid."""
    return _MASK.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def is_latin(ch: str) -> bool:
    """A character that continues a Latin word: ASCII letters and digits, '_', Latin letters with accents."""
    return ch.isascii() and (ch.isalnum() or ch == "_") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


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


@functools.lru_cache(maxsize=4)
def _jieba_words(min_freq: int = 1) -> tuple[tuple[str, int], ...]:
    """(word, frequency) of jieba's bundled dictionary: Han words of two characters or more, this frequent.

    The regex skips lines whose frequency has too few digits (0.04 s where reading all 337k words took 0.2 s).
    """
    import importlib.util

    # the file only: importing jieba costs 0.13 s, and the ImportErrors it swallows while importing leave
    # reference cycles that pin the caller's frames while a build pauses the garbage collector
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        raise ModuleNotFoundError("jieba is not installed; it is a dependency of graphkb (pip install jieba)")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
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


class ConceptMatcher:
    """Finds mentions of a concept base's labels in text; picklable, rebuilt from the base in ~1 s."""

    def __init__(self, base, *, blockers: bool = True, blocker_min_freq: int = BLOCKER_MIN_FREQ):
        self.base = base
        self.blockers = blockers
        self.blocker_min_freq = blocker_min_freq
        self._automaton = self._build()

    def __reduce__(self):
        return (_rebuild, (self.base, self.blockers, self.blocker_min_freq))

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
        a = ahocorasick.Automaton()
        for key, es in entries.items():
            # concept entries before blockers, then by form: the first entry that fits the text wins
            a.add_word(key, (len(key), tuple(sorted(es, key=lambda e: (e[1] is None, e[1] or "", e[0])))))
        a.make_automaton()
        return a

    def find(self, text: str) -> tuple[Mention, ...]:
        """Mentions in ``text``, leftmost-longest, offsets into ``text`` itself."""
        if not text or len(self._automaton) == 0:
            return ()
        masked = mask(text)
        folded = _fold(masked)
        n = len(masked)
        cands = []
        for end, (length, entries) in self._automaton.iter(folded):
            start = end - length + 1
            stop = end + 1
            for form, cid, exact, latin_first, latin_last in entries:
                if exact and masked[start:stop] != form:
                    continue
                if latin_first and start > 0:
                    prev = masked[start - 1]
                    if is_latin(prev) or (prev == "-" and start > 1 and is_latin(masked[start - 2])):
                        continue
                if latin_last and stop < n and is_latin(masked[stop]):
                    continue
                cands.append((start, -stop, cid))
                break
        cands.sort()
        out = []
        pos = 0
        for start, neg_stop, cid in cands:
            if start < pos:
                continue
            pos = -neg_stop
            if cid is not None:
                out.append(Mention(cid, start, pos, text[start:pos]))
        return tuple(out)


def find_in_post(matcher: ConceptMatcher, title: str | None, body: str) -> tuple[Mention, ...]:
    """Mentions in a post's title and body; offsets count from the body's start in ``title + "\\n" + body``.

    So a body mention has its ordinary offsets into ``body`` and a title mention negative ones
    (``title[start + len(title) + 1]`` is its first character): a title names what a post is about.
    """
    if not title:
        return matcher.find(body)
    shift = len(title) + 1
    return tuple(Mention(m.concept, m.start - shift, m.end - shift, m.surface)
                 for m in matcher.find(title + "\n" + body))


def _rebuild(base, blockers, blocker_min_freq):
    return ConceptMatcher(base, blockers=blockers, blocker_min_freq=blocker_min_freq)
