"""Alias mining: name pairs from definitions such as ``CRF(条件随机场,Conditional Random Field)``.

Two steps, after scispacy's abbreviation detector (Schwartz & Hearst 2003):
- ``mine_aliases(body)``, a pure function of one post's text, finds definitions: parenthesised
  groups (ASCII or full-width brackets, separators ``,，、;；``), ``X全称Y``, ``中文名(是/叫)Z``,
  ``(下面/以下)简称``, ``又称/也叫/或称``.  A Latin acronym must be a plausible abbreviation of the
  Latin long form beside it (Schwartz–Hearst: its letters in order, the first at a word start).
- ``resolve_mined(base, mined)`` links each group to the concept one of its forms already names
  (the others become altLabels), creates a discovered concept from a well-formed definition (an
  acronym checked against its English long form) when none is known, and reports every form, with
  its status (added, known, discovered, conflict, rejected), as rows for ``aliases.tsv``.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Concept, MinedAlias
from .matcher import is_han, mask

HAN = "\u3400-\u9fff\uf900-\ufaff"
_QUOTES = "“”\"'‘’「」『』《》〈〉"
_LATIN_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-' ][A-Za-z0-9]+)*$")
_HAN_TERM = re.compile(rf"^[{HAN}]{{2,12}}$")
_ACRONYM = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
_PAREN = re.compile(r"[(（]([^()（）\n]{1,100})[)）]")
_SEP = re.compile(r"\s*[,，、;；]\s*")
_CUE_IN = re.compile(r"^(?:下面|以下|下文|后面|后文)?(?:简称|简写|缩写|记为|称为|又称|也称|也叫|或称|英文名?|英文全称|全称|中文名?|即)"
                     r"(?:为|是|叫|作)?[:：]?\s*")
_HEAD_LATIN = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:[- ][A-Za-z][A-Za-z0-9]*){0,9})\s*[" + re.escape(_QUOTES) + r"]?\s*$")
_HEAD_HAN = re.compile(rf"([{HAN}]{{1,16}})[{re.escape(_QUOTES)}]?$")
_QUOTE_SET = frozenset(_QUOTES)
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_HEAD_LATIN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -"


def _head_latin(before: str) -> re.Match | None:
    """``_HEAD_LATIN.search(before)``, tried only where it can match: the words end before the closing
    whitespace and quote (``\\s`` is what str.rstrip strips), and start inside the run of letters, digits,
    spaces and hyphens that ends there."""
    t = before.rstrip()
    if t and t[-1] in _QUOTE_SET:
        t = t[:-1].rstrip()
    if not t or t[-1] not in _ASCII_ALNUM:
        return None
    return _HEAD_LATIN.search(before, len(t.rstrip(_HEAD_LATIN_CHARS)))


def _head_han(before: str) -> re.Match | None:
    """``_HEAD_HAN.search(before)``: a match ends at most 18 characters from the end (16 Han, a quote, a newline)."""
    return _HEAD_HAN.search(before, max(0, len(before) - 18))
_LATIN_PHRASE = r"[A-Za-z][A-Za-z0-9]*(?:[- ][A-Za-z][A-Za-z0-9]*){0,11}"
_FULLNAME = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)[”\"]?\s*(?:[,，]\s*)?(?:它|其)?(?:的)?(?:英文)?全称(?:是|为|叫|叫做)?[:：]?\s*"
    rf"[“\"]?({_LATIN_PHRASE})")
_CHINESE_NAME = re.compile(rf"中文(?:名|名字|译名)?(?:是|叫|为|叫做)?[:：]?\s*[“\"]?([{HAN}]{{2,12}})(?=[”\"，,。；;、\s）)]|$)")
_AKA = re.compile(rf"([{HAN}]{{2,16}}|(?<![A-Za-z0-9-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)[”\"]?\s*(?:[,，]\s*)?(?:又称|也称|亦称|或称|又叫|也叫|俗称|简称)(?:为|作|做)?\s*"
                  rf"[“\"]?([{HAN}]{{2,12}}|{_LATIN_PHRASE})[”\"]?(?=[，,。；;、\s）)]|$)")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


@dataclass(frozen=True)
class MinedDefinition(MinedAlias):
    """A mined group, with what resolution needs beyond the plain forms.

    ``head_options``: possible extents of a term written before the definition whose start is
    unclear (longest first; resolution keeps the first that is a known label).  ``wellformed``: an
    acronym was checked against its English long form.  ``why``: non-empty when the group is rejected.
    """

    head_options: tuple[str, ...] = ()
    wellformed: bool = False
    why: str = ""


def is_acronym(form: str) -> bool:
    """CRF, WGAN-GP, JoSE, GloVe, word2vec is not: two capitals or more, no spaces, short."""
    return bool(_ACRONYM.match(form)) and len(form) <= 12 and sum(ch.isupper() for ch in form) >= 2 \
        and sum(ch.isupper() for ch in form) * 2 >= sum(ch.isalpha() for ch in form) - 2


def long_form_for(short: str, long: str) -> str | None:
    """Schwartz–Hearst: the end of ``long`` that ``short`` abbreviates, or None.

    Every letter and digit of ``short`` appears in order in ``long``; its first at a word start.
    """
    s, li = len(short) - 1, len(long) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while li >= 0 and (long[li].lower() != c or (s == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        s -= 1
    start = max(long.rfind(" ", 0, li + 1), long.rfind("-", 0, li + 1)) + 1
    out = long[start:].strip()
    words = len(out.split())
    letters = sum(ch.isalnum() for ch in short)
    if words > min(letters + 5, letters * 2) or out.lower() == short.lower():
        return None
    return out


_PARTICLES = re.compile(r"[我你他她了也就都很吗呢吧着被把叫谓称]")
_FUNCTION_END = ("的", "是", "用", "和", "与", "及", "或", "即", "了", "在", "为", "对", "把", "被", "将", "从", "由", "个",
                 "种", "些", "叫", "称", "做", "于", "谓", "到", "过", "让", "使")


def term_kind(form: str) -> str | None:
    """latin, han or None (not a term: a sentence, a formula, a number...)."""
    if _HAN_TERM.match(form):
        if _PARTICLES.search(form):
            return None
        return "han"
    if _LATIN_TERM.match(form) and len(form.split()) <= 8 and any(ch.isalpha() for ch in form):
        return "latin"
    return None


_ANAPHOR = re.compile(r"^(?:这|那|该|此|其|它|上述|本|每|各|某|则|即|就|而|但|也|又|还|都)"
                      r"|(?:下面|以下|下文|后面|后文|分别|通常|一般|常常|有时|简单|统一|我们|大家)$")


_LEAD = ("比如", "例如", "包括", "采用", "使用", "利用", "基于", "通过", "提出", "叫做", "称为", "就是", "所谓", "参考",
         "原来", "当属", "减少", "增加", "引入", "加入", "实现", "关键", "一个", "一种", "另一", "二是", "一是", "三是")


def _certain(run: str) -> bool:
    """A Han run is taken whole as a name only when no function word could start the name inside it."""
    return not any(ch in run for ch in _FUNCTION_END) and not run.startswith(_LEAD)


def _options(run: str) -> tuple[str, ...]:
    """Possible starts of a Han term that ends ``run``: right after a function word (的, 是, 用 ...), longest first."""
    out = [run[k:] for k in range(max(0, len(run) - 12), len(run) - 1)
           if k > 0 and (run[:k].endswith(_FUNCTION_END) or run[:k].endswith(_LEAD))]
    return tuple(o for o in out if term_kind(o))


def _bounded(body: str, start: int) -> bool:
    """A term starting at ``start`` is whole: it follows punctuation, a space or the start of the text."""
    return start == 0 or body[start - 1] in "\n \t，。；：、！？,.;:!?(（“\"「『《【—"


def _clean(form: str) -> str:
    return form.strip().strip(_QUOTES).strip()


def _sentence(body: str, start: int, end: int) -> str:
    a = max((m.end() for m in _SENTENCE_END.finditer(body, max(0, start - 300), start)), default=max(0, start - 300))
    m = _SENTENCE_END.search(body, end)
    b = m.end() if m else len(body)
    return body[a:b].strip()[:400]


def _check(forms: list[str]) -> tuple[bool, str]:
    """(wellformed, why-rejected) for a group of clean terms."""
    acr = [f for f in forms if term_kind(f) == "latin" and is_acronym(f)]
    longs = [f for f in forms if term_kind(f) == "latin" and not is_acronym(f)]
    if acr and longs:
        for a in acr:
            for lf in longs:
                got = long_form_for(a, lf)
                if got is not None and got == lf:
                    return True, ""
        return False, f"{acr[0]} does not abbreviate {longs[0]}"
    if len(acr) >= 2:
        if long_form_for(min(acr, key=len), max(acr, key=len)) is None and len({a.lower() for a in acr}) > 1:
            return False, f"{acr[0]} and {acr[1]} are unrelated acronyms"
    return False, ""


def _group(body: str, start: int, end: int, forms: list[str], head_options: tuple[str, ...] = ()) -> MinedDefinition | None:
    forms = list(dict.fromkeys(f for f in forms if f))
    if len(forms) + (1 if head_options else 0) < 2:
        return None
    wellformed, why = _check(forms)
    return MinedDefinition(forms=tuple(forms), evidence=_sentence(body, start, end), start=start,
                           head_options=head_options, wellformed=wellformed, why=why)


def _paren_groups(body: str, masked: str):
    for m in _PAREN.finditer(masked):
        inside = m.group(1).strip()
        cue = _CUE_IN.match(inside)
        if cue:
            inside = inside[cue.end():]
        parts = [_clean(p) for p in _SEP.split(inside)]
        if not parts or len(parts) > 3 or any(term_kind(p) is None for p in parts):
            continue
        if any(term_kind(p) == "han" and (not _certain(p) or _ANAPHOR.search(p)) for p in parts):
            continue  # (的近似), (公式中的), (后者): a remark, not a name
        kinds = {term_kind(p) for p in parts}
        # the line around the brackets, at most 300 characters each side: a 10 MB line stays linear
        line_start = masked.rfind("\n", max(0, m.start() - 300), m.start()) + 1 or max(0, m.start() - 300)
        line_end = masked.find("\n", m.end(), m.end() + 300)
        line = masked[line_start:line_end if line_end >= 0 else min(len(masked), m.end() + 300)]
        if re.search(r"=|\bdef |\bimport |\breturn |^\s*(?:for|if|while|print)\b", line):
            continue  # a line of code that lost its indentation
        before = masked[max(0, m.start() - 120):m.start()]
        head: list[str] = []
        options: tuple[str, ...] = ()
        hl = _head_latin(before)
        hh = None if hl else _head_han(before)
        if hl:
            words = hl.group(1).split(" ")
            acr_parts = [p for p in parts if is_acronym(p)]
            if is_acronym(words[-1]) and (len(words) == 1 or not acr_parts):
                head = [words[-1]]
            elif acr_parts:
                lf = long_form_for(acr_parts[0], hl.group(1))
                if lf is None:
                    yield _group(body, m.start(), m.end(), parts + [words[-1]])
                    continue
                head = [lf]
            else:
                options = tuple(" ".join(words[k:]) for k in range(max(0, len(words) - 6), len(words)))
        elif hh:
            run = hh.group(1)
            if "latin" not in kinds and not cue:
                continue  # 模型(网络): a Han gloss of a Han word is no definition
            if "han" in kinds:
                head = []  # 用高维向量（词向量，Word Embedding）: the Han name is the one inside
            elif (_bounded(body, max(0, m.start() - 120) + hh.start()) and 2 <= len(run) <= 10
                  and not _ANAPHOR.search(run) and term_kind(run) and _certain(run)):
                head = [run]
            else:
                options = _options(run)
        else:
            continue
        if not head and not options and len(parts) < 2:
            continue
        forms_latin = [f for f in head + parts if term_kind(f) == "latin"]
        if kinds == {"latin"} and not any(term_kind(h) == "han" for h in head) and not options \
                and not any(is_acronym(f) for f in forms_latin):
            continue  # f(x, y) or English glosses of English words: no definition
        if "latin" not in kinds and not any(term_kind(h) == "latin" for h in head) and not cue:
            continue
        g = _group(body, m.start() - len(head[0]) if head else m.start(), m.end(), head + parts, options)
        if g:
            yield g


def _fullname_groups(body: str, masked: str):
    for m in _near_cues(_FULLNAME, _FULLNAME_CUE, masked):
        short, long = m.group(1), m.group(2).strip()
        forms = [short]
        lf = long_form_for(short, long)
        if lf is None:
            yield _group(body, m.start(), m.end(), [short, long])
            continue
        # the phrase may run on past the long form: keep the words up to the last one S-H used
        forms.append(_trim_after(short, long))
        tail = masked[m.end():m.end() + 60]
        cn = _CHINESE_NAME.search(tail)
        if cn and not _SENTENCE_END.search(tail, 0, cn.start()):
            forms.append(cn.group(1))
        yield _group(body, m.start(), m.end(), forms)


def _trim_after(short: str, long: str) -> str:
    """The shortest start of ``long`` that ``short`` still abbreviates whole."""
    words = long.split(" ")
    for k in range(1, len(words) + 1):
        cand = " ".join(words[:k])
        if long_form_for(short, cand) == cand:
            return cand
    return long


_AKA_CUE = re.compile(r"又称|也称|亦称|或称|又叫|也叫|俗称|简称")
_FULLNAME_CUE = re.compile(r"全称")


def _near_cues(pattern: re.Pattern, cue: re.Pattern, text: str, before: int = 48, after: int = 160):
    """``pattern``'s matches, searched only in windows around ``cue``: the cue words are rare, and a
    scan of the whole text backtracks over every Han run for nothing."""
    seen = -1
    for c in cue.finditer(text):
        for m in pattern.finditer(text, max(0, c.start() - before, seen), min(len(text), c.end() + after)):
            if m.start() > c.start():
                break  # the later matches start later still
            if c.start() < m.end():
                seen = m.end()
                yield m
                break


_AKA_SEP = "”\",，"
_AKA_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"


def _aka_starts(text: str, lo: int, x: int) -> list[int]:
    """Where a match of _AKA whose cue starts at ``x`` can start (not before ``lo``): its first term ends where
    the run of quotes, spaces and commas before the cue starts, and is 2 to 16 Han characters or, after no
    letter, digit or hyphen, a Latin word."""
    y = x
    while y > lo and (text[y - 1] in _AKA_SEP or text[y - 1].isspace()):
        y -= 1
    h = y
    while h > lo and y - h < 16 and ("\u3400" <= text[h - 1] <= "\u9fff" or "\uf900" <= text[h - 1] <= "\ufaff"):
        h -= 1
    out = list(range(h, y - 1))
    run = text[lo:y]
    latin = len(run) - len(run.rstrip(_AKA_LATIN))
    if latin:
        out.append(y - latin)
    return out


def _aka_matches(text: str, before: int = 48, after: int = 160):
    """``_near_cues(_AKA, _AKA_CUE, text)``, with _AKA tried only where ``_aka_starts`` of a cue in the window says
    a match can start: a scan of the window finds its matches at the same places, and the first of them
    that holds the cue is the one kept."""
    seen = -1
    cues = [c.start() for c in _AKA_CUE.finditer(text)]
    n = len(text)
    for k, cs in enumerate(cues):
        lo, hi = max(0, cs - before, seen), min(n, cs + 2 + after)
        starts = set()
        for x in cues[bisect.bisect_left(cues, lo):bisect.bisect_left(cues, hi)]:
            starts.update(_aka_starts(text, lo, x))
        pos = lo
        for q in sorted(starts):
            if q > cs:
                break  # the later matches start later still
            if q < pos:
                continue
            m = _AKA.match(text, q, hi)
            if m is None:
                continue
            if cs < m.end():
                seen = m.end()
                yield m
                break
            pos = m.end()


def _aka_groups(body: str, masked: str):
    for m in _aka_matches(masked):
        a, b = _clean(m.group(1)), _clean(m.group(2))
        if term_kind(b) is None:
            continue
        if _ANAPHOR.search(a):
            continue  # 这种分布也称为…: the name is for something said before
        if term_kind(a) == "han" and not (_bounded(body, m.start()) and _certain(a)):
            g = _group(body, m.start(), m.end(), [b], _options(a))
        else:
            g = _group(body, m.start(), m.end(), [a, b])
        if g:
            yield g


def mine_aliases(body: str) -> tuple[MinedAlias, ...]:
    """Every definition found in ``body`` (LaTeX and code excluded), in text order."""
    if not body:
        return ()
    masked = mask(body)
    out: dict[tuple, MinedDefinition] = {}
    for gen in (_paren_groups, _fullname_groups, _aka_groups):
        for g in gen(body, masked):
            if g is not None:
                out.setdefault((g.forms, g.head_options), g)
    return tuple(sorted(out.values(), key=lambda g: (g.start, g.forms)))


# ---------------------------------------------------------------------------------------------
# resolution against the concept base


def _lang(form: str) -> str:
    return "zh" if any(is_han(ch) for ch in form) else "en"


def _slug(form: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", form.lower()).strip("-")


def _spells_a_name(acronym: str, c: Concept) -> bool:
    """True when the concept has no English name, or ``acronym`` could abbreviate one of them: the same first
    letter, and its letters in order among the name's (CRF: Conditional Random Field, WGAN: Wasserstein GAN,
    CRFs: CRF)."""
    names = [label.lower() for lang, label in (*c.pref, *c.alt) if lang == "en"]
    if not names:
        return True
    if acronym.endswith("s") and acronym[:-1].upper() == acronym[:-1]:
        acronym = acronym[:-1]  # CRFs: a plural
    letters = [ch for ch in acronym.lower() if ch.isalnum()]
    for name in names:
        chars = iter(name)
        if letters and name[:1] == letters[0] and all(ch in chars for ch in letters):
            return True
    return False


def resolve_mined(base, mined: Sequence[tuple[str, MinedAlias]]):
    """(base extended by the mined groups, one aliases.tsv row per mined form)."""
    from ..link.conceptbase import ConceptBase, add_alt, label_key
    from ..vocab import CONCEPT_IRI

    concepts: dict[str, Concept] = dict(base.concepts)
    index = base.label_index()
    rows: list[dict] = []

    def row(form, cid, status, post, a, note=""):
        c = concepts.get(cid) if cid else None
        rows.append({"form": form, "concept": cid or "", "label": c.label() if c else "", "status": status,
                     "post": post, "evidence": a.evidence, "note": note})

    for post, a in sorted(mined, key=lambda pa: (pa[0], pa[1].start, pa[1].forms)):
        forms = list(a.forms)
        options = getattr(a, "head_options", ())
        why = getattr(a, "why", "")
        if options:
            known = [o for o in options if label_key(o) in index]
            if known:
                forms.insert(0, known[0])
        forms = [f for f in dict.fromkeys(forms) if label_key(f) not in base.suppressed]
        if why:
            for f in forms:
                row(f, index.get(label_key(f)), "rejected", post, a, why)
            continue
        hits = sorted({index[label_key(f)] for f in forms if label_key(f) in index})
        if len(forms) < 2:
            continue
        if len(hits) > 1:
            for f in forms:
                row(f, index.get(label_key(f)), "conflict", post, a, "forms of " + ", ".join(hits))
            continue
        if hits:
            cid = hits[0]
            for f in forms:
                if label_key(f) in index:
                    row(f, cid, "known", post, a)
                elif _lang(f) == "en" and " " not in f.strip() and not is_acronym(f) and not getattr(a, "wellformed", False):
                    # 测试集（test）: a plain English word glossed once would match everywhere
                    row(f, cid, "rejected", post, a, "a single English word, not an acronym, from an unchecked gloss")
                elif is_acronym(f) and not getattr(a, "wellformed", False) and not _spells_a_name(f, concepts[cid]):
                    # 不同的学习率（TTUR）: the acronym names the method, not the nearest known term
                    row(f, cid, "rejected", post, a, "an acronym that does not abbreviate the concept's English names")
                else:
                    concepts[cid] = add_alt(concepts[cid], _lang(f), f)
                    index[label_key(f)] = cid
                    row(f, cid, "added", post, a)
            continue
        if not getattr(a, "wellformed", False):
            for f in forms:
                row(f, None, "rejected", post, a, "no form is a known concept and no acronym was checked")
            continue
        longs = [f for f in forms if _lang(f) == "en" and not is_acronym(f)]
        han = [f for f in forms if _lang(f) == "zh"]
        slug = _slug(longs[0]) if longs else _slug(forms[0])
        cid, n = slug, 1
        while cid in concepts:
            n += 1
            cid = f"{slug}-{n}"
        names = {"en": longs[0]}
        if han:
            names["zh"] = han[0]
        pref = tuple(sorted(names.items()))
        alt = tuple((_lang(f), f) for f in forms if (_lang(f), f) not in pref)
        concepts[cid] = Concept(id=cid, iri=CONCEPT_IRI + cid, pref=pref, alt=alt, discovered=True,
                                evidence=a.evidence, defined_in=post)
        for f in forms:
            index[label_key(f)] = cid
            row(f, cid, "discovered", post, a)
    return ConceptBase(concepts, base.suppressed), rows

