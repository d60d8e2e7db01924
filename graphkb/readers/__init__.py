"""Input layouts: one module per layout, picked per file by sniffing (or forced by name).

``read_inputs`` walks files and folders, decodes each file (UTF-8, else GB18030), picks a reader,
and returns every post with the problems met; a bad file never stops the others.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType

from ..errors import InputTooLargeError, UsageError
from ..model import Post, Problem
from . import frontpage, jsonl, listing, postfile
from .text import decode

READERS: dict[str, ModuleType] = {m.name: m for m in (listing, frontpage, postfile, jsonl)}
MIN_CONFIDENCE = 0.25
MAX_FILE_BYTES = 512 * 1024 * 1024
MEMORY_PER_INPUT_BYTE = 10  # a build holds roughly ten times its text (posts, extractions, graph, outputs)


def available_memory() -> int | None:
    """Bytes of memory a new allocation can get: MemAvailable (free + reclaimable cache), else free pages."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def input_limit() -> int | None:
    """The largest total input a build can take on this machine now (None: unknown, no limit)."""
    avail = available_memory()
    return avail // MEMORY_PER_INPUT_BYTE if avail else None


def _size(n: int) -> str:
    """A size for a message: ``840 B``, ``20.5 kB``, ``3.2 MB``, ``12.0 GB``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def check_input_size(files: list[str], max_bytes: int | None = None) -> int:
    """Fail early, before reading, when the files together are more than memory allows; returns their size."""
    total = 0
    for f in files:
        with contextlib.suppress(OSError):
            size = os.path.getsize(f)
            if size <= MAX_FILE_BYTES:  # larger files are skipped with a problem, never read
                total += size
    limit, why = max_bytes, "the --max-input-mb limit"
    if limit is None:
        limit = input_limit()
        avail = available_memory()
        why = (f"what this machine can build now ({_size(avail or 0)} of memory available, and a build needs "
               f"about {MEMORY_PER_INPUT_BYTE}x the size of its text)")
    if limit is not None and total > limit:
        raise InputTooLargeError(
            f"the input is {_size(total)} in {len(files)} file(s), over {_size(limit)}, {why}: split the input and "
            "build the parts into separate folders, or set the limit with --max-input-mb (beyond the memory "
            "available the build may be killed)")
    return total


def layouts_help() -> str:
    """The layouts understood, by name, for messages (``graphkb build --help`` describes each)."""
    return ", ".join(READERS)


def get_reader(name: str) -> ModuleType:
    try:
        return READERS[name]
    except KeyError:
        raise UsageError(f"unknown layout {name!r}; known layouts: {', '.join(READERS)}") from None


def sniff(text: str) -> tuple[str | None, float]:
    """The most likely layout of ``text`` and its confidence (ties go to the registry's order)."""
    best, score = None, 0.0
    for name, reader in READERS.items():
        s = reader.sniff(text)
        if s > score:
            best, score = name, s
    return (best, score) if score >= MIN_CONFIDENCE else (None, score)


@dataclass
class ReadResult:
    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)


OUTPUT_MARK = ".graphkb.lock"  # every folder graphkb builds into holds it


def iter_files(paths: Iterable[str], skipped: list[str] | None = None) -> Iterable[str]:
    """Files under ``paths`` in a stable order; hidden files and folders are skipped, and so are graphkb's
    own output folders met inside a folder (``graphkb build .`` must not read last build's graph.ttl or
    report.json as posts); their paths go to ``skipped``."""
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                outputs = [d for d in dirs if os.path.isfile(os.path.join(root, d, OUTPUT_MARK))]
                if skipped is not None:
                    skipped.extend(os.path.join(root, d) for d in sorted(outputs) if not d.startswith("."))
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__" and d not in outputs)
                for f in sorted(files):
                    if not f.startswith("."):
                        yield os.path.join(root, f)
        else:
            yield p


_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


def _clean(post: Post) -> tuple[Post, bool]:
    """Replace NUL and lone surrogates (valid in JSON strings, not in UTF-8 or XML) by U+FFFD."""
    changed = {}
    for f in ("title", "body", "author", "url", "category"):
        v = getattr(post, f)
        if v and _BAD_CHARS.search(v):
            changed[f] = _BAD_CHARS.sub("\ufffd", v)
    if any(_BAD_CHARS.search(t) for t in post.tags):
        changed["tags"] = tuple(_BAD_CHARS.sub("\ufffd", t) for t in post.tags)
    return (dataclasses.replace(post, **changed), True) if changed else (post, False)


def shown_path(path: str) -> str:
    """``path`` as text: a file name that is not UTF-8 (surrogate-escaped by the OS layer) gets ``\\xff`` escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if _BAD_CHARS.search(path) else path


def read_file(path: str, *, layout: str | None = None, year: int | None = None) -> tuple[list[Post], list[Problem], dict]:
    """Read one file: its posts, its problems and a summary row for the report."""
    fs_path, path = path, shown_path(path)  # posts and problems name the file in text that can be written out
    info = {"file": path, "layout": None, "encoding": None, "posts": 0, "problems": 0}
    posts: list[Post] = []
    problems: list[Problem] = []
    try:
        size = os.path.getsize(fs_path)
        if size > MAX_FILE_BYTES:
            problems.append(Problem(path, None, "too-large", f"file is {size / 2**20:.0f} MiB, over the "
                                    f"{MAX_FILE_BYTES // 2**20} MiB limit for one file: split it; skipped"))
            data = None
        else:
            with open(fs_path, "rb") as fh:
                data = fh.read()
    except OSError as e:
        problems.append(Problem(path, None, "unreadable", f"cannot read file: {e.strerror or e}; skipped"))
        data = None
    if data is not None:
        decoded = decode(data, path)
        info["encoding"] = decoded.encoding
        problems.extend(decoded.problems)
        text = decoded.text
        if text is not None and not text.strip():
            problems.append(Problem(path, None, "empty", "empty file (nothing but whitespace); skipped"))
        elif text is not None:
            if layout:
                reader = get_reader(layout)
            else:
                name, _ = sniff(text)
                reader = READERS.get(name) if name else None
            if reader is None:
                problems.append(Problem(path, 1, "no-posts", "no recognisable post in this file (layouts understood: "
                                        + layouts_help() + "; use --format to force one); skipped"))
            else:
                info["layout"] = reader.name
                for item in reader.read(text, path, year=year):
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                    item, changed = _clean(item)
                    if changed:
                        problems.append(Problem(path, item.sources[0].line, "encoding", "NUL or lone surrogate "
                                                "characters replaced by U+FFFD", "warning"))
                    posts.append(item)
                if not posts:
                    problems.append(Problem(path, 1, "no-posts", f"read as {reader.name} but no post found "
                                            "(layouts understood: " + layouts_help() + ")"))
    info["posts"] = len(posts)
    info["problems"] = len(problems)
    return posts, problems, info


def read_inputs(paths: Iterable[str], *, layout: str | None = None, year: int | None = None,
                progress: Callable[[str], None] | None = None, max_bytes: int | None = None) -> ReadResult:
    """Read every file under ``paths``; missing paths and bad files become problems.

    Raises InputTooLargeError before reading when the files add up to more than ``max_bytes`` (default:
    what the memory available allows, see ``input_limit``).
    """
    paths = list(paths)
    if layout:
        get_reader(layout)  # fail early on an unknown name
    result = ReadResult()
    for p in paths:
        if not os.path.exists(p):
            result.problems.append(Problem(shown_path(p), None, "missing", "no such file or folder"))
    skipped: list[str] = []
    files = list(iter_files((p for p in paths if os.path.exists(p)), skipped))
    for folder in skipped:
        result.problems.append(Problem(shown_path(folder), None, "output-folder", "a graphkb output folder "
                                       f"(it holds {OUTPUT_MARK}): not read as input", severity="warning"))
    check_input_size(files, max_bytes)
    for p in paths:
        if os.path.isdir(p) and not any(f.startswith(os.path.join(p, "")) for f in files):
            result.problems.append(Problem(shown_path(p), None, "empty", "folder holds no files"))
    for path in files:
        posts, problems, info = read_file(path, layout=layout, year=year)
        result.posts.extend(posts)
        result.problems.extend(problems)
        result.files.append(info)
        if progress:
            progress(path)
    return result
