"""Bytes to text: UTF-8 first, then GB18030 (common for Chinese text), never silently losing a byte."""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..model import Problem

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None: nothing usable (binary file)
    encoding: str
    problems: tuple[Problem, ...] = ()


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# every byte but the control bytes text files do not use (tab, newline, form feed, carriage return, escape)
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly control bytes in the first 8 KiB: not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NOT_CONTROL))  # counted in C: a generator took 30 µs per file
    return bool(head) and controls / len(head) > 0.1


def decode(data: bytes, path: str) -> Decoded:
    """Decode a file's bytes; problems say what was assumed or replaced, and where."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as e:
                text = data.decode(enc, errors="replace")
                return Decoded(text, enc, (Problem(path, _line_of(data, e.start), "encoding",
                                                   f"invalid {enc} bytes replaced by U+FFFD", "warning"),))
    if looks_binary(data):
        return Decoded(None, "binary", (Problem(path, None, "binary",
                                                "binary file (NUL or control bytes), skipped: give a text file"),))
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        first_bad = e
    # a file cut inside a multi-byte character: keep everything before the cut
    if first_bad.start >= len(data) - 3 and first_bad.reason == "unexpected end of data":
        return Decoded(data[:first_bad.start].decode("utf-8"), "utf-8", (Problem(
            path, _line_of(data, first_bad.start), "truncated",
            "file ends inside a UTF-8 character (cut short?); the incomplete character was dropped", "warning"),))
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if bad <= 8 and bad * 1000 < len(replaced):
        return Decoded(replaced, "utf-8", (Problem(
            path, _line_of(data, first_bad.start), "encoding",
            f"{bad} invalid UTF-8 byte sequence(s) replaced by U+FFFD (first at byte {first_bad.start})", "warning"),))
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return Decoded(replaced, "utf-8", (Problem(
            path, _line_of(data, first_bad.start), "encoding",
            f"neither UTF-8 nor GB18030; {bad} undecodable byte sequence(s) replaced by U+FFFD: "
            "re-save the file as UTF-8", "error"),))
    return Decoded(text, "gb18030", (Problem(
        path, _line_of(data, first_bad.start), "encoding",
        "not UTF-8; decoded as GB18030/GBK (re-save as UTF-8 to silence this)", "warning"),))
