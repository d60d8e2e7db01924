"""The ``graphkb`` command line: a thin layer over the library that turns its errors into messages and exits.

Exit codes: 0 success (some input may have been skipped: see report.json), 1 nothing could be
built or a command failed, 2 a usage error.
"""
from __future__ import annotations

import os
import sys
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
    no_cache: bool = typer.Option(False, "--no-cache", help="Extract every post afresh, ignoring and not updating the cache (output/.graphkb-cache, or $GRAPHKB_CACHE_DIR)."),
    mention_detail: bool = typer.Option(False, "--mention-detail", help="Also write a gkb:Mention record per post and concept to the RDF: how often, where (character offsets) and as which surface forms the post names it. Triples the graph's size."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    max_input_mb: Optional[float] = typer.Option(None, "--max-input-mb", min=0, help="Refuse inputs larger than this many MB (default: what the memory available allows, about a tenth of it)."),
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
                               default_concepts=not no_default_concepts, progress=bar.update,
                               max_input_bytes=None if max_input_mb is None else int(max_input_mb * 10**6),
                               cache=not no_cache, mention_detail=mention_detail)
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


DEFAULT_GRAPH = Path("output") / "graph.ttl"


@app.command()
def query(
    sparql: Optional[str] = typer.Argument(None, help="A SPARQL query, a .rq file, or the name of a saved query (see --list)."),
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="The graph file to query (Turtle, N-Triples or JSON-LD)."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="name=value: binds ?name to an IRI (<...>, http..., gkbc:x), an integer, or a string (repeatable)."),
    output: str = typer.Option("table", "--format", "-f", help="table, csv (SPARQL CSV) or json (SPARQL 1.1 Query Results JSON)."),
    timeout: float = typer.Option(60.0, "--timeout", "-t", help="Stop the query after this many seconds (0: no limit)."),
    list_saved: bool = typer.Option(False, "--list", "-l", help="List the saved queries and their parameters."),
) -> None:
    """Run SPARQL over the graph (pyoxigraph): a query string, a .rq file or a saved query."""
    from . import query as q

    try:
        if list_saved:
            for s in q.saved_queries().values():
                params = "".join(f" --param {k}=... ({v})" for k, v in s.params.items())
                typer.echo(f"{s.name}: {s.description}{params}")
            return
        if not sparql:
            raise typer.BadParameter("give a SPARQL query, a .rq file or a saved query name (graphkb query --list)",
                                     param_hint="SPARQL")
        if output not in q.OUTPUT_FORMATS:
            raise typer.BadParameter(f"unknown format {output!r}; choose one of {', '.join(q.OUTPUT_FORMATS)}",
                                     param_hint="--format")
        text, saved = q.resolve_query(sparql)
        params = q.parse_params(param)
        q.check_params(saved, params)
        store = q.load_graph(str(graph), persist=True)  # a large graph is parsed once, then reopened
        params = q.resolve_params(store, saved, params)
        result = q.run_query(store, text, params, timeout=timeout or None)
    except GraphKBError as e:
        _fail(e)
    typer.echo(q.format_result(result, output), nl=False)


@app.command()
def validate(
    graph: Path = typer.Argument(DEFAULT_GRAPH, help="The graph file to check (default: output/graph.ttl)."),
) -> None:
    """Check a graph against the contract's SHACL shapes; exit 1 with the list of violations."""
    from .validate import validate as run_validate

    try:
        result = run_validate(str(graph))
    except GraphKBError as e:
        _fail(e)
    for v in result.violations:
        typer.echo(str(v), err=True)
    if not result.conforms:
        typer.echo(f"graphkb: {graph}: {result.summary()}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{graph}: {result.summary()}")


@app.command()
def serve(
    graph: Path = typer.Option(DEFAULT_GRAPH, "--graph", "-g", help="The graph file to serve."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (other than 127.0.0.1 exposes the graph to the network)."),
    port: int = typer.Option(7878, "--port", help="Port of the SPARQL endpoint; the HTML is served on the next port."),
    timeout: float = typer.Option(60.0, "--timeout", "-t", help="Stop a query after this many seconds (0: no limit)."),
) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint (Oxigraph) and the HTML explorer; Ctrl-C stops."""
    from .serve import Server, exposure_warning

    warning = exposure_warning(host)
    if warning:
        typer.echo(f"graphkb: warning: {warning}", err=True)
    try:
        with Server(str(graph), host=host, port=port, timeout=timeout or None) as server:
            typer.echo(f"SPARQL endpoint (read-only): {server.sparql_url}")
            typer.echo(f"Explorer: {server.html_url}")
            typer.echo("Ctrl-C to stop.")
            try:
                code = server.wait()
            except KeyboardInterrupt:
                code = 0
    except GraphKBError as e:
        _fail(e)
    if code:
        typer.echo(f"graphkb: error: the SPARQL server exited with code {code}", err=True)
        raise typer.Exit(1)


def main() -> None:
    """The ``graphkb`` console command: run the app, flush, and leave without tearing the heap down.

    A large build leaves millions of objects (the graph, the posts) that Python would free one by one on
    the way out (about half a second per 10 MB of input); the operating system takes them back at once.
    Outputs are complete and renamed into place before this point; nothing else waits for exit handlers.
    """
    code: object = 0
    try:
        app()
    except SystemExit as e:
        code = e.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
