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
from .graph import assemble
from .model import BuildResult
from .readers import layouts_help, read_inputs
from .readers.merge import merge_posts

Progress = Callable[[str, int, int], None]  # (stage, done, total)

DEFAULT_FORMATS = ("turtle", "html")
OUTPUT_NAMES = {"turtle": "graph.ttl", "html": "graph.html", "nt": "graph.nt", "jsonld": "graph.jsonld"}


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


def build(inputs: Sequence[str], out_dir: str, *, layout: str | None = None, year: int | None = None,
          formats: Sequence[str] = DEFAULT_FORMATS, progress: Progress | None = None) -> BuildResult:
    """Build the graph of ``inputs`` into ``out_dir``; raises NoPostsError when nothing could be read."""
    from .export.html import write_html
    from .export.report import write_report
    from .export.turtle import write_rdf

    notify = progress or (lambda stage, done, total: None)
    result = BuildResult(stats={"version": __version__})
    t0 = time.perf_counter()

    files_seen = [0]

    def on_file(path: str) -> None:
        files_seen[0] += 1
        notify("read", files_seen[0], 0)

    read = read_inputs(inputs, layout=layout, year=year, progress=on_file)
    result.problems, result.files = read.problems, read.files
    posts, result.merged = merge_posts(read.posts)
    result.posts = posts
    result.stats["posts_read"] = len(read.posts)
    result.stats["input_bytes"] = sum(len(p.body.encode("utf-8")) for p in read.posts)
    t1 = time.perf_counter()
    if not posts:
        raise NoPostsError("no post could be read from " + ", ".join(inputs) + ". Layouts understood: "
                           + layouts_help() + ". Use --format to force a layout.", result)

    g = assemble(posts)
    t2 = time.perf_counter()

    with output_lock(out_dir):
        for fmt in formats:
            path = os.path.join(out_dir, OUTPUT_NAMES[fmt])
            notify("export", 0, 0)
            if fmt == "html":
                write_html(g, path)
            else:
                result.stats["triples"] = write_rdf(g, path, fmt)
            result.outputs[fmt] = path
        t3 = time.perf_counter()
        result.stats["seconds"] = {"read": round(t1 - t0, 3), "assemble": round(t2 - t1, 3),
                                   "export": round(t3 - t2, 3)}
        result.stats["nodes"] = g.number_of_nodes()
        result.stats["edges"] = g.number_of_edges()
        report = os.path.join(out_dir, "report.json")
        result.outputs["report"] = report
        write_report(result, report)
    return result
