"""The build: read -> extract -> link -> assemble -> export.  A library call that never prints.

``build()`` returns a ``BuildResult``; progress goes to an optional callback, problems into the result.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence

from . import __version__
from .errors import NoPostsError, OutputLockedError
from .export import DEFAULT_EXPORTS, get_exporter
from .graph import assemble
from .link.citations import missing_posts
from .model import BuildResult, Problem
from .readers import layouts_help, read_inputs
from .readers.merge import merge_posts

Progress = Callable[[str, int, int], None]  # (stage, done, total)



@contextlib.contextmanager
def output_lock(out_dir: str):
    """One build at a time per output folder: a second one fails at once with a clear message."""
    import fcntl

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, ".graphkb.lock")
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLockedError(f"another graphkb build is writing {out_dir}; wait for it to finish "
                                    "or build into another folder (--out)") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cache_path(out_dir: str) -> str:
    """Where the extraction cache lives: ``$GRAPHKB_CACHE_DIR`` or a hidden folder of the output folder."""
    from .cache import cache_root

    return os.path.join(cache_root(out_dir), "extract.sqlite")


OUTPUT_NAMES = ("report.json", "aliases.tsv")  # besides the exporters' files


def _is_leftover(name: str) -> bool:
    """A temp file of an output, ours or atomic_open's: ``.graph.ttl.staged.tmp``, ``..graph.ttl.staged.tmp.x.tmp``."""
    from .export import EXPORTERS

    names = OUTPUT_NAMES + tuple(e.filename for e in EXPORTERS.values())
    base = name.lstrip(".")
    return name.startswith(".") and name.endswith(".tmp") and any(base.startswith(n + ".") for n in names)


def remove_leftovers(out_dir: str) -> list[str]:
    """Delete the temp files a killed build left in ``out_dir`` (call it holding the folder's lock)."""
    removed = []
    for name in sorted(os.listdir(out_dir)):
        if _is_leftover(name):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(out_dir, name))
                removed.append(name)
    return removed


class _Staging:
    """Every output is written under a temporary name first and renamed into place only once ALL are complete.

    A build killed before ``publish`` leaves the previous outputs as they were (the next build removes its
    temp files; readers skip hidden files anyway); one killed during ``publish`` (a few renames) leaves every
    file complete, old or new.  report.json is renamed last, so a report always describes outputs in place.
    """

    def __init__(self, out_dir: str):
        self.out_dir = out_dir
        self.pending: list[tuple[str, str]] = []

    def path(self, final: str) -> str:
        tmp = os.path.join(os.path.dirname(final), f".{os.path.basename(final)}.staged.tmp")
        self.pending.append((tmp, final))
        return tmp

    def publish(self) -> None:
        for tmp, final in self.pending:
            os.replace(tmp, final)
        with contextlib.suppress(OSError):  # make the renames durable too (not every filesystem allows it)
            fd = os.open(self.out_dir, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self.pending = []

    def discard(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.pending = []


def _extract_and_link(posts, result: BuildResult, concept_files, default_concepts, notify, cache_path):
    """Concepts (with aliases mined from the text first), citations and series, for every post."""
    from .extract.run import extract_corpus
    from .link.citations import corpus_resolver, resolve_citations
    from .link.conceptbase import load_concept_base

    base = load_concept_base(concept_files, use_default=default_concepts)
    # the resolver's title index is built (or read from the cache) here while the worker processes mine
    # references, and citations are resolved here while they match concepts
    extractions, base, alias_rows, (citations, series, problems) = extract_corpus(
        posts, base.with_mined, cache_path=cache_path, notify=notify,
        early=lambda: corpus_resolver(posts, cache_path),
        meanwhile=lambda refs, ref_keys, resolver: resolve_citations(posts, refs, cache_path=cache_path,
                                                                     ref_keys=ref_keys, resolver=resolver))
    result.problems.extend(problems)
    return extractions, citations, series, base, alias_rows


PARALLEL_EXPORT_MIN = 20_000  # nodes + edges; below it forking a second exporter costs more than it saves


def _run_exports(g, jobs: list[tuple[str, str]], memo=None, notify: Progress | None = None,
                 total: int = 0) -> dict[str, int | None]:
    """Each (format, staged path) job in turn, given ``memo`` (an ExportMemo) if it takes one; returns what
    each exporter returned (Turtle: its triple count)."""
    counts = {}
    for fmt, path in jobs:
        exporter = get_exporter(fmt)
        extra = {"memo": memo} if exporter.remembers and memo is not None else {}
        counts[fmt] = exporter.load()(g, path, **extra)
        if notify:
            notify("export", len(counts), total)
    return counts


def _exports_then_help(g, jobs: list[tuple[str, str]], share, memo) -> tuple[dict[str, int | None], dict | None]:
    """In the forked child: every job given, then its share of the writer's file (``share``, if any)."""
    counts = _run_exports(g, jobs, memo)
    return counts, (share.help(g) if share is not None else None)


def _export(g, formats: Sequence[str], out_dir: str, staging: "_Staging", notify: Progress,
            memo=None) -> dict[str, int | None]:
    """Write every format to its staged path.  On a large graph with two cores a forked child writes every
    format but the first (the HTML) while this process writes the first (Turtle); then the child helps
    with the first, taking blocks of nodes from its end (``SharedWrite``).  They share nothing but the graph.
    ``memo`` (an ExportMemo): what the last build's exporters kept, and where they keep theirs; when it
    holds the last RDF file's blocks (a rebuild), the child writes that file alone and this process the rest."""
    from .export.turtle import SHAREABLE, SharedWrite, previous_blocks, remember_blocks, write_rdf, write_remembered
    from .runtime import Forked, can_fork, workers

    jobs = [(fmt, staging.path(os.path.join(out_dir, get_exporter(fmt).filename))) for fmt in formats]
    fmt, path = jobs[0]
    shareable = fmt in SHAREABLE
    if (len(jobs) < 2 and not shareable) or workers() < 2 or not can_fork() \
            or g.number_of_nodes() + g.number_of_edges() < PARALLEL_EXPORT_MIN:
        return _run_exports(g, jobs, memo, notify, len(jobs))
    reuse = previous_blocks(memo, fmt, g) if memo is not None and shareable else None
    if reuse is not None and reuse.index and len(jobs) > 1:
        # a rebuild: the RDF file is mostly copied from the last one, the cheaper job now, so the child writes
        # it, and this process the others (the HTML), which would run slower in a child (a forked process
        # copies every page of the graph it touches, ~0.25 s of the HTML at 10 MB)
        child = Forked(write_remembered, g, path, fmt, memo, reuse)
        try:
            counts = _run_exports(g, jobs[1:], memo)
            counts[fmt] = child.result()
        except BaseException:
            child.cancel()
            raise
        notify("export", len(jobs), len(jobs))
        return counts
    share = SharedWrite(g, path, fmt, reuse) if shareable else None
    child = Forked(_exports_then_help, g, jobs[1:], share, memo)
    others: dict[str, int | None] = {}

    def helper_part() -> dict | None:
        counts, part = child.result()
        others.update(counts)
        return part

    try:
        if share is not None:
            share.helper_part = helper_part
            counts = {fmt: write_rdf(g, path, fmt, share)}
            if share.reuse is not None:
                remember_blocks(memo, fmt, share.reuse)
        else:
            counts = _run_exports(g, jobs[:1], memo)
            helper_part()
    except BaseException:
        child.cancel()
        if share is not None:
            share.discard()
        raise
    counts.update(others)
    notify("export", len(jobs), len(jobs))
    return counts


def build(inputs: Sequence[str], out_dir: str, **options) -> BuildResult:
    """Build the graph of ``inputs`` into ``out_dir`` (``options``: see ``_build``); raises NoPostsError when
    nothing could be read, OutputLockedError at once when another build holds ``out_dir``."""
    from .runtime import collector_paused

    with output_lock(out_dir), collector_paused():
        remove_leftovers(out_dir)
        return _build(inputs, out_dir, **options)


def _build(inputs: Sequence[str], out_dir: str, *, layout: str | None = None, year: int | None = None,
           formats: Sequence[str] = DEFAULT_EXPORTS, concept_files: Sequence[str] = (), default_concepts: bool = True,
           progress: Progress | None = None, max_input_bytes: int | None = None, cache: bool = True,
           mention_detail: bool = False) -> BuildResult:
    """The build itself, run while holding the output folder's lock.

    ``mention_detail`` adds a ``gkb:Mention`` record (count, offsets, surface forms) per post and concept
    to the RDF outputs."""
    from .cache import deferred_writes
    from .export.memo import ExportMemo
    from .export.report import write_report

    notify = progress or (lambda stage, done, total: None)
    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        get_exporter(fmt)  # unknown names fail before any work
    result = BuildResult(stats={"version": __version__})
    t0 = time.perf_counter()

    files_seen = [0]

    def on_file(path: str) -> None:
        files_seen[0] += 1
        notify("read", files_seen[0], 0)

    read = read_inputs(inputs, layout=layout, year=year, progress=on_file, max_bytes=max_input_bytes)
    result.problems, result.files = read.problems, read.files
    posts, result.merged = merge_posts(read.posts)
    result.posts = posts
    result.stats["posts_read"] = len(read.posts)
    result.stats["input_bytes"] = sum(len(p.body.encode("utf-8")) for p in read.posts)
    t1 = time.perf_counter()
    if not posts:
        raise NoPostsError("no post could be read from " + ", ".join(inputs) + ". Layouts understood: "
                           + layouts_help() + ". Use --format to force a layout.", result)

    cached = cache_path(out_dir) if cache else None
    with deferred_writes(cached) as cache_writes:
        extractions, citations, series, base, alias_rows = _extract_and_link(
            posts, result, concept_files, default_concepts, notify, cached)
    with cache_writes:  # a forked child fills the cache while this process assembles and exports
        t_extract = time.perf_counter()
        g = assemble(posts, extractions, citations, base.concepts, series, offsets=mention_detail)
        g.graph["mention_detail"] = mention_detail  # read by the RDF exporters
        result.graph = g
        t2 = time.perf_counter()
        result.stats["concepts"] = sum(1 for _, a in g.nodes(data=True) if a["kind"] == "concept")
        result.stats["mentions"] = sum(e.mention_count for e in extractions.values())
        result.stats["citations"] = len(citations)
        result.stats["internal_citations"] = sum(1 for c in citations if c.target)
        result.stats["missing_posts"] = missing_posts(citations)
        # the graph holds what the exporters need: drop the extraction records (citation contexts, and
        # mention offsets unless asked for) before the exporters, and the forked one, run
        del extractions, citations, series

        staging = _Staging(out_dir)
        try:
            memo = ExportMemo(cached, out_dir) if cached else None
            counts = _export(g, formats, out_dir, staging, notify, memo)
            if "turtle" in counts:
                result.stats["triples"] = counts["turtle"]
            result.outputs.update((fmt, os.path.join(out_dir, get_exporter(fmt).filename)) for fmt in formats)
            t3 = time.perf_counter()
            if alias_rows is not None:
                from .export.aliases import write_aliases

                aliases = os.path.join(out_dir, "aliases.tsv")
                write_aliases(alias_rows, staging.path(aliases))
                result.outputs["aliases"] = aliases
            result.stats["seconds"] = {"read": round(t1 - t0, 3), "extract": round(t_extract - t1, 3),
                                       "assemble": round(t2 - t_extract, 3), "export": round(t3 - t2, 3)}
            result.stats["nodes"] = g.number_of_nodes()
            result.stats["edges"] = g.number_of_edges()
            failed = cache_writes.wait()
            if failed:
                result.problems.append(Problem(cached, None, "cache", "the extraction cache could not "
                                               f"be updated ({failed}); the next build extracts these posts again",
                                               severity="warning"))
            report = os.path.join(out_dir, "report.json")
            result.outputs["report"] = report
            write_report(result, staging.path(report))
        except BaseException:
            staging.discard()
            raise
        staging.publish()
        return result
