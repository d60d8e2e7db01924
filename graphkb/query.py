"""SPARQL over a graph file with pyoxigraph: load, run with a time limit, format the results.

Queries are a SPARQL string, a ``.rq`` file, or the name of a saved query in ``ontology/queries/``.
Parameters are bound with Oxigraph's substitutions (SEP-0007): a value becomes an RDF term, never
text pasted into the query.  pyoxigraph cannot stop a running query, so a query with a time limit runs
in a daemon thread that is abandoned when the limit passes (``graphkb query`` then exits, which ends it).

Output formats: ``table`` (aligned text, IRIs shortened by the contract's prefixes), ``csv`` (SPARQL 1.1
Query Results CSV) and ``json`` (SPARQL 1.1 Query Results JSON, the W3C format every SPARQL tool reads).
CONSTRUCT and DESCRIBE results are written as Turtle (table), N-Triples (csv) or JSON-LD (json).
"""
from __future__ import annotations

import operator
import os
import re
import threading
from dataclasses import dataclass, field
from importlib.resources import files

import pyoxigraph as ox

from .errors import GraphKBError, QueryError, UsageError
from .runtime import collector_paused
from .vocab import PREFIXES

OUTPUT_FORMATS = ("table", "csv", "json")
RESULTS_JSON = ox.QueryResultsFormat.JSON
_PARAM = re.compile(r"^#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((\w+)\))?\s*:\s*(.*)$")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCHEME = re.compile(r"^(https?|urn|file|mailto|tag):", re.IGNORECASE)
_INTEGER = re.compile(r"^[+-]?\d+$")


# ---------------------------------------------------------------- the graph

def graph_format(path: str) -> ox.RdfFormat:
    """The RDF format of a graph file by its suffix (Turtle when it has none or an unknown one)."""
    ext = os.path.splitext(path)[1].lstrip(".").lower() or "ttl"
    return ox.RdfFormat.from_extension(ext) or ox.RdfFormat.TURTLE


def load_graph(path: str, persist: bool = False) -> ox.Store:
    """The graph file at ``path`` (Turtle, N-Triples, JSON-LD... by suffix) in an Oxigraph store: in memory,
    or with ``persist`` and a large file, an on-disk store built beside it once and reopened after
    (``graphkb.querystore``)."""
    if not os.path.isfile(path):
        raise UsageError(f"no graph at {path}; run `graphkb build` first or give one with --graph FILE")
    fmt = graph_format(path)
    try:
        if persist:
            from .querystore import open_persisted

            store = open_persisted(path, fmt)
            if store is not None:
                return store
        store = ox.Store()
        store.bulk_load(path=path, format=fmt)
    except (SyntaxError, ValueError) as e:
        raise GraphKBError(f"cannot read {path} as {fmt.name}: {e}") from None
    return store


# ---------------------------------------------------------------- saved queries

@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: str
    description: str
    params: dict[str, str] = field(default_factory=dict)  # name -> what to give
    kinds: dict[str, str] = field(default_factory=dict)  # name -> "post" or "concept": a title/label is looked up

    @property
    def text(self) -> str:
        with open(self.path, encoding="utf-8") as fh:
            return fh.read()


def _saved_query(path: str) -> SavedQuery:
    description, params, kinds = "", {}, {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            m = _PARAM.match(line.strip())
            if m:
                params[m.group(1)] = m.group(3).strip()
                if m.group(2):
                    kinds[m.group(1)] = m.group(2)
            elif not description:
                description = line.lstrip("#").strip()
    name = os.path.splitext(os.path.basename(path))[0]
    return SavedQuery(name, path, description, params, kinds)


def saved_queries() -> dict[str, SavedQuery]:
    """The saved queries of ``ontology/queries/`` by name, sorted."""
    folder = files("graphkb.ontology").joinpath("queries")
    paths = sorted(str(p) for p in folder.iterdir() if p.name.endswith(".rq"))
    return {q.name: q for q in map(_saved_query, paths)}


def saved_query_text(name: str) -> str:
    return get_saved_query(name).text


def get_saved_query(name: str) -> SavedQuery:
    saved = saved_queries()
    try:
        return saved[name]
    except KeyError:
        raise UsageError(f"no saved query named {name!r}; saved queries: {', '.join(saved)} "
                         "(or give a SPARQL string or a .rq file)") from None


def resolve_query(spec: str) -> tuple[str, SavedQuery | None]:
    """A query given on the command line: SPARQL text, a .rq file, or a saved query's name."""
    if re.search(r"[{\s]", spec.strip()):
        return spec, None
    if os.path.isfile(spec):
        with open(spec, encoding="utf-8") as fh:
            return fh.read(), None
    if spec.endswith(".rq"):
        raise UsageError(f"no such query file: {spec}")
    saved = get_saved_query(spec)
    return saved.text, saved


# ---------------------------------------------------------------- parameters

def parse_term(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term.

    ``<iri>``, an absolute IRI (http:, https:, urn:, file:...) or a prefixed name of the contract
    (``gkbc:crf``) is an IRI; ``"text"@zh`` / ``"5"^^xsd:integer`` (N-Triples syntax) is that
    literal; an integer is an ``xsd:integer``; anything else is a plain string.
    """
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        return _parse_nt_object(v, value)
    if v.startswith('"'):
        v = re.sub(r"\^\^([A-Za-z][\w-]*):([^\s<>\"]*)$", lambda m: f"^^<{PREFIXES[m.group(1)]}{m.group(2)}>"
                   if m.group(1) in PREFIXES else m.group(0), v)
        return _parse_nt_object(v, value)
    prefix, colon, local = v.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return _parse_nt_object(f"<{PREFIXES[prefix]}{local}>", value)
    if _SCHEME.match(v) and not re.search(r"\s", v):
        return _parse_nt_object(f"<{v}>", value)
    if _INTEGER.match(v):
        return ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


def _parse_nt_object(term: str, original: str):
    try:
        (triple,) = ox.parse(f"<urn:s> <urn:p> {term} .\n".encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        raise UsageError(f"cannot read parameter value {original!r} as an IRI or literal") from None
    return triple.object


def parse_params(pairs: list[str] | None) -> dict[str, ox.NamedNode | ox.Literal]:
    """``["name=value", ...]`` from ``--param`` into variable bindings."""
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for pair in pairs or ():
        name, eq, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not eq or not _VARNAME.match(name):
            raise UsageError(f"--param takes name=value (for example post=https://blog.example.org/archives/1), got {pair!r}")
        out[name] = parse_term(value)
    return out


# ---------------------------------------------------------------- running

@dataclass
class QueryResult:
    """What a query returned: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # pyoxigraph terms, None where unbound
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def values(self) -> list[tuple]:
        """Rows as plain Python values: IRIs and literals as strings, integers as int (for tests and callers)."""
        return [tuple(plain(t) for t in row) for row in self.rows]


def plain(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value in ("http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#long",
                                   "http://www.w3.org/2001/XMLSchema#int"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        return term.value
    return term.value if hasattr(term, "value") else str(term)


def _execute(store: ox.Store, query: str, params: dict) -> QueryResult:
    """Run ``query`` and read its whole result (pyoxigraph evaluates while the solutions are read)."""
    subs = {ox.Variable(k): v for k, v in params.items()}
    res = store.query(query, prefixes=PREFIXES, substitutions=subs or None)
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(res))
    if isinstance(res, ox.QuerySolutions):
        # Oxigraph substitutes only projected variables, so saved queries project their parameters;
        # those columns repeat what the caller gave and are left out.
        names = [v.value for v in res.variables]
        keep = [i for i, name in enumerate(names) if name not in params]
        return QueryResult("select", variables=[names[i] for i in keep], rows=_read_rows(res, keep, len(names)))
    return QueryResult("graph", triples=list(res))


def _read_rows(solutions: ox.QuerySolutions, keep: list[int], width: int) -> list[tuple]:
    """The columns ``keep`` (positions among ``width``) of every solution, as tuples.

    Columns are taken by position (a whole solution with ``tuple``), not by name, and the cyclic garbage
    collector is paused while the rows are made: every row is a new tuple, and tens of thousands of them
    set off collections that walk every object of the process, though rows of RDF terms hold no cycles.
    Measured at 90k posts, the 80k rows of dangling-references: 1.39 s -> 1.09 s in all."""
    if len(keep) == width:
        row = tuple
    elif len(keep) > 1:
        row = operator.itemgetter(*keep)
    else:  # one column or none, where itemgetter would not give a tuple

        def row(sol, keep=keep):
            return tuple(sol[i] for i in keep)

    with collector_paused():
        return [row(sol) for sol in solutions]


def _failure(message: str) -> str:
    hint = " (a --param binds only a variable the query SELECTs)" if "projection" in message else ""
    return f"the query failed: {message}{hint}"


def run_query(store: ox.Store, query: str, params: dict | None = None, timeout: float | None = None) -> QueryResult:
    """Run a SPARQL query on ``store``; QueryError when it does not parse, fails or passes ``timeout`` seconds.

    The query runs in a daemon thread, waited for ``timeout`` seconds (no limit when None): pyoxigraph
    releases the GIL while it evaluates, so the wait keeps time.  It cannot cancel a query: one past its
    limit is abandoned (it runs on in its thread until it ends, or until the process exits, as ``graphkb
    query`` does at once).  A forked child could be killed instead, but a child evaluates 2-3x slower than
    the process that loaded the store (measured: 2.7 s -> 6.4 s on a 90k-post graph), since its first
    reads of the store's pages are copy-on-write faults."""
    params = params or {}
    box: dict = {}

    def work() -> None:
        try:
            box["ok"] = _execute(store, query, params)
        except SyntaxError as e:
            box["syntax"] = str(e)
        except Exception as e:  # reported below as a QueryError
            box["error"] = f"{type(e).__name__}: {e}"

    thread = threading.Thread(target=work, name="graphkb-query", daemon=True)
    thread.start()
    thread.join(timeout or None)
    if thread.is_alive():
        raise QueryError(f"the query ran longer than {timeout:g} s and was stopped; "
                         "narrow it (LIMIT, a --param) or raise --timeout")
    if "syntax" in box:
        raise QueryError(f"the query does not parse: {box['syntax']}")
    if "error" in box:
        raise QueryError(_failure(box["error"]))
    return box["ok"]


def check_params(saved: SavedQuery | None, params: dict) -> None:
    """A saved query's declared parameters must all be given; unknown names are refused."""
    if saved is None:
        return
    missing = [p for p in saved.params if p not in params]
    unknown = [p for p in params if p not in saved.params]
    if missing:
        need = "; ".join(f"--param {p}=... ({saved.params[p]})" for p in missing)
        raise UsageError(f"saved query {saved.name!r} needs {need}")
    if unknown:
        known = ", ".join(saved.params) or "none"
        raise UsageError(f"saved query {saved.name!r} has no parameter {', '.join(unknown)}; its parameters: {known}")


_LOOKUPS = {
    # a post by its exact title: an index lookup on the bound ?title
    "post": "SELECT DISTINCT ?node ?title WHERE { ?node schema:name ?title ; a schema:BlogPosting }",
    # a concept by any label in any language (labels carry a language tag, the user types none)
    "concept": "SELECT DISTINCT ?node ?text WHERE { ?node skos:prefLabel|skos:altLabel ?l FILTER(STR(?l) = ?text) }",
}


def resolve_params(store: ox.Store, saved: SavedQuery | None, params: dict) -> dict:
    """Turn a title or label given for a ``post``/``concept`` parameter into that node's IRI.

    Saved queries use their parameter in a triple pattern (fast at 90k posts); looking the name up
    first keeps them that way.  UsageError when nothing or several nodes carry the name.
    """
    if saved is None:
        return params
    out = dict(params)
    for name, kind in saved.kinds.items():
        value = params.get(name)
        if not isinstance(value, ox.Literal) or kind not in _LOOKUPS:
            continue
        var = "title" if kind == "post" else "text"
        text = ox.Literal(value.value)
        found = sorted({row[0].value for row in run_query(store, _LOOKUPS[kind], {var: text}).rows})
        if not found:
            raise UsageError(f"no {kind} named {value.value!r} in the graph; give its IRI or its exact "
                             f"{'title' if kind == 'post' else 'label'}")
        if len(found) > 1:
            raise UsageError(f"several {kind}s are named {value.value!r}: {', '.join(found)}; "
                             f"give one IRI with --param {name}=<IRI>")
        out[name] = ox.NamedNode(found[0])
    return out


# ---------------------------------------------------------------- output

def shorten(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns) and re.fullmatch(r"[^\s/#?<>\"]+", iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return str(term)


def _table(result: QueryResult) -> str:
    from rich.cells import cell_len  # display width: a Han character takes two columns

    header = list(result.variables)
    body = [[_cell(t) for t in row] for row in result.rows]
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in body]
    out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(out) + "\n"


def _solutions(result: QueryResult) -> ox.QuerySolutions:
    """The rows again as pyoxigraph solutions, to serialise in a W3C results format."""
    import json

    def term(t):
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d

    doc = {"head": {"vars": result.variables},
           "results": {"bindings": [{v: term(t) for v, t in zip(result.variables, row) if t is not None}
                                    for row in result.rows]}}
    return ox.parse_query_results(json.dumps(doc, ensure_ascii=False).encode("utf-8"), RESULTS_JSON)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as text in ``fmt`` (table, csv or json)."""
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format {fmt!r}; known: {', '.join(OUTPUT_FORMATS)}")
    if result.kind == "graph":
        rdf = {"table": ox.RdfFormat.TURTLE, "csv": ox.RdfFormat.N_TRIPLES, "json": ox.RdfFormat.JSON_LD}[fmt]
        prefixes = PREFIXES if fmt == "table" else None
        data = ox.serialize(result.triples, format=rdf, prefixes=prefixes) if prefixes else \
            ox.serialize(result.triples, format=rdf)
        return data.decode("utf-8")
    if result.kind == "ask":
        if fmt == "table":
            return ("true" if result.boolean else "false") + "\n"
        if fmt == "json":
            return '{"head":{},"boolean":%s}\n' % ("true" if result.boolean else "false")
        return "_askResult\r\n" + ("true" if result.boolean else "false") + "\r\n"
    if fmt == "table":
        return _table(result)
    data = _solutions(result).serialize(format=RESULTS_JSON if fmt == "json" else ox.QueryResultsFormat.CSV)
    text = data.decode("utf-8")
    return text if text.endswith("\n") else text + "\n"
