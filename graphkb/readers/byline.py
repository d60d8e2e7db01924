"""The ``By 苏剑林 | 2017-11-25 | 117082位读者 | 引用`` line shared by the listing and one-post-per-file layouts."""
from __future__ import annotations

import re
from dataclasses import dataclass

BY_START = re.compile(r"^By\s+\S")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_READERS = re.compile(r"^([\d,]+)\s*位?读者$")
_CITE = "引用"


@dataclass(frozen=True)
class ByLine:
    author: str | None
    date: str | None
    readers: int | None
    rest: str  # text glued after the last field (the first body line, or the next post's title)
    complete: bool  # all of author, date and readers were read


def is_byline(line: str) -> bool:
    return bool(BY_START.match(line)) and "|" in line


def norm_date(text: str) -> str | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_byline(line: str) -> ByLine:
    """Read the fields of a By line leniently: a field that is missing or cut short is None."""
    fields = line[2:].split("|")
    author = fields[0].strip() or None
    date = norm_date(fields[1]) if len(fields) > 1 else None
    readers = None
    if len(fields) > 2:
        m = _READERS.match(fields[2].strip())
        readers = int(m.group(1).replace(",", "")) if m else None
    rest = ""
    if len(fields) > 3:
        rest = "|".join(fields[3:])
        rest = rest[1:] if rest.startswith(" ") else rest
        if rest.startswith(_CITE):
            rest = rest[len(_CITE):]
    elif len(fields) == 3 and readers is None:
        rest = ""
    return ByLine(author, date, readers, rest, bool(author and date and readers is not None and len(fields) > 3))
