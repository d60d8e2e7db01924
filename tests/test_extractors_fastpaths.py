"""The extractors' fast paths give what the plain regex scans they replace give."""
from __future__ import annotations

import random
import re

from graphkb.extract import aliases, citations, matcher


def _texts(atoms, n, seed, longest=40):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(atoms) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


def test_fastpaths_mask_equals_one_regex():
    atoms = ["$", "$$", "\\", "\\[", "\\]", "\\(", "\\)", "\\begin{a}", "\\end{a}", "\\begin{b*}", "\\end{b*}",
             "```", "\n", "    ", "\t", " ", "a", "中", "\\$", "`", "\r"]
    for text in _texts(atoms, 20000, 1, 30):
        assert matcher.mask(text) == matcher._MASK.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text), text


def test_fastpaths_latin_set_is_is_latin():
    assert all((chr(o) in matcher._LATIN) == matcher.is_latin(chr(o)) for o in range(0x3000))


def test_fastpaths_only_a_and_A_match_a_ignoring_case():
    # citations._ARXIV_COLON spells the first letter of arXiv out as [aA]
    assert [o for o in range(0x110000) if re.fullmatch("a", chr(o), re.IGNORECASE)] == [0x41, 0x61]


def test_fastpaths_citation_scans_equal_finditer():
    atoms = ["http://", "https://", "HTTPS://", "httpſ://", "www.", "WWW.", "kexue.fm", "KEXUE.FM", "\u212aexue.fm",
             "spaces.ac.cn", "ſpaces.ac.cn", "/archives/", "/ARCHIVES/", "/archıves/", "123", "1234.56789", "arXiv",
             "ARXİV", "arxıv", ":", "：", "/", ".", " ", "a", "中", "《", "》", "\n"]
    for text in _texts(atoms, 10000, 2):
        spans = lambda ms: [m.span() for m in ms]  # noqa: E731
        assert spans(citations._urls(text)) == spans(citations._URL.finditer(text)), text
        assert spans(citations._bare_archives(text)) == spans(citations._BARE_ARCHIVE.finditer(text)), text
        assert spans(citations._arxiv_ids(text)) == spans(citations._ARXIV_ID.finditer(text)), text


def test_fastpaths_sentence_and_context_windows():
    atoms = ["\n", " ", "\t", "\u2028", "\x1c", "。", "！", "？", "!", "?", "；", ";", "a", "中", "\n\n", " \n"]
    for text in _texts(atoms, 20000, 3, 60):
        for k in range(len(text) + 1):
            last = list(citations._SENTENCE_END.finditer(text, 0, k))
            m = citations._LAST_SENTENCE_END.match(text, 0, k)
            assert (m.end() if m else None) == (last[-1].end() if last else None)
            last = list(citations._PARAGRAPH_END.finditer(text[:k]))
            m = citations._LAST_PARAGRAPH_END.match(text[:k])
            assert (m.end() if m else None) == (last[-1].end() if last else None)


def test_fastpaths_alias_heads_and_aka_windows():
    atoms = ["又称", "也叫", "简称", "俗称", "为", "中", "模型", "“", "”", "\"", "《", "》", " ", "\n", "\u3000", ",",
             "，", "。", "(", ")", "Ab", "x", "-", "1", "GAN", "Conditional Random Field", "a" * 20, "中" * 20]
    for text in _texts(atoms, 5000, 4, 60):
        got = [(m.span(), m.groups()) for m in aliases._aka_matches(text)]
        assert got == [(m.span(), m.groups()) for m in aliases._near_cues(aliases._AKA, aliases._AKA_CUE, text)], text
        before = text[-120:]
        for mine, plain in ((aliases._head_latin, aliases._HEAD_LATIN), (aliases._head_han, aliases._HEAD_HAN)):
            a, b = mine(before), plain.search(before)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), before
