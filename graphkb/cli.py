"""The ``graphkb`` command line: a thin layer over the library that turns its errors into messages and exits.

Exit codes: 0 success (some input may have been skipped: see report.json), 1 nothing could be
built or a command failed, 2 a usage error.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .errors import GraphKBError, NoPostsError

app = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  help="Turn a blog's archive into a knowledge graph of posts, concepts and citations.")


def _fail(e: GraphKBError) -> None:
    typer.echo(f"graphkb: error: {e}", err=True)
    raise typer.Exit(e.exit_code)


@app.callback()
def main() -> None:
    """graphkb: posts, concepts and citations of a blog as RDF, HTML and SPARQL."""


@app.command()
def build(
    inputs: Optional[list[Path]] = typer.Argument(None, help="Files or folders of posts (default: the bundled demo corpus)."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Folder the outputs are written to."),
    layout: Optional[str] = typer.Option(None, "--format", "-f", help="Force an input layout: listing, frontpage, postfile or jsonl (default: sniff each file)."),
    year: Optional[int] = typer.Option(None, "--year", help="Year for front-page dumps, which print day and month only."),
    concepts: Optional[list[Path]] = typer.Option(None, "--concepts", "-c", exists=True, dir_okay=False, help="A SKOS Turtle file that extends or overrides the bundled concept base (repeatable)."),
    no_default_concepts: bool = typer.Option(False, "--no-default-concepts", help="Use only the --concepts files, not the bundled concept base."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Read posts, extract concepts and citations, and write graph.ttl, graph.html and report.json."""
    from .build import build as run_build
    from .demo import CORPUS
    from .readers import READERS

    if layout and layout not in READERS:
        typer.echo(f"graphkb: error: unknown layout {layout!r}; known layouts: {', '.join(READERS)}", err=True)
        raise typer.Exit(2)
    paths = [str(p) for p in inputs] if inputs else [str(CORPUS)]
    from .progress import ProgressBar

    try:
        with ProgressBar(enabled=not quiet) as bar:
            result = run_build(paths, str(out), layout=layout, year=year,
                               concept_files=[str(c) for c in concepts or ()],
                               default_concepts=not no_default_concepts, progress=bar.update)
    except NoPostsError as e:
        if e.result is not None and not quiet:
            for p in e.result.problems[:20]:
                typer.echo(str(p), err=True)
        _fail(e)
    except GraphKBError as e:
        _fail(e)
    if not quiet:
        from .summary import summary

        typer.echo(summary(result), err=False)


if __name__ == "__main__":  # pragma: no cover
    app()
