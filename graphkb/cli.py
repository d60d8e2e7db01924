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
    formats: Optional[str] = typer.Option(None, "--format", "-f", help="Comma-separated. An input layout forces how every file is read (listing, frontpage, postfile, jsonl; default: sniff each file). An output format adds a file to the outputs (turtle and html always; also nt, jsonld, graphml, gexf, json)."),
    year: Optional[int] = typer.Option(None, "--year", help="Year for front-page dumps, which print day and month only."),
    concepts: Optional[list[Path]] = typer.Option(None, "--concepts", "-c", exists=True, dir_okay=False, help="A SKOS Turtle file that extends or overrides the bundled concept base (repeatable)."),
    no_default_concepts: bool = typer.Option(False, "--no-default-concepts", help="Use only the --concepts files, not the bundled concept base."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Read posts, extract concepts and citations, and write graph.ttl, graph.html and report.json."""
    from .build import build as run_build
    from .demo import CORPUS
    from .export import DEFAULT_EXPORTS, EXPORTERS
    from .readers import READERS

    layout, exports = None, list(DEFAULT_EXPORTS)
    for name in (f.strip() for f in (formats or "").split(",") if f.strip()):
        if name in READERS and layout in (None, name):
            layout = name
        elif name in READERS:
            raise typer.BadParameter(f"two input layouts given ({layout}, {name}); give at most one", param_hint="--format")
        elif name in EXPORTERS:
            exports.append(name)
        else:
            raise typer.BadParameter(f"unknown format {name!r}; input layouts: {', '.join(READERS)}; "
                                     f"output formats: {', '.join(EXPORTERS)}", param_hint="--format")
    paths = [str(p) for p in inputs] if inputs else [str(CORPUS)]
    from .progress import ProgressBar

    try:
        with ProgressBar(enabled=not quiet) as bar:
            result = run_build(paths, str(out), layout=layout, year=year, formats=exports,
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
