"""RDF serialisations (Turtle, N-Triples, JSON-LD) written by Oxigraph from triples in a deterministic order.

On a large graph a Turtle or N-Triples file can be written by two processes (:class:`SharedWrite`): the
nodes, in output order, are cut into blocks; the writer claims blocks from the front and streams them to
the file, a helper process claims them from the back and serialises them apart.  Oxigraph's output for a
run of whole subjects does not depend on what came before it (each block ends its last subject with " ."),
so the helper's blocks, stripped of the @prefix header and appended, give the very bytes one process writes.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

import networkx as nx
import pyoxigraph as ox

from ..vocab import PREFIXES
from .atomic import atomic_open
from .rdf import head_chunk, node_chunks, shared_chunk, triple_chunks

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
SHAREABLE = ("turtle", "nt")  # formats whose blocks of subjects concatenate (a JSON-LD file is one document)
BLOCK_NODES = 256  # nodes per claimed block: small enough to balance the two processes, large enough to be cheap


def _serialize(triples, fmt: str, output=None):
    if fmt == "turtle":
        return ox.serialize(triples, output, FORMATS[fmt], prefixes=PREFIXES)
    return ox.serialize(triples, output, FORMATS[fmt])


def _header(fmt: str) -> bytes:
    """What Oxigraph writes before the first triple of any output in ``fmt`` (Turtle's @prefix lines)."""
    probe = ox.NamedNode("urn:graphkb:probe")
    data = _serialize([ox.Triple(probe, probe, probe)], fmt)
    return data[:data.index(b"<urn:graphkb:probe>")]


class SharedWrite:
    """One RDF file of ``g`` written by two processes; make it before forking the helper.

    The writer calls :func:`write_rdf` with it; the helper calls :meth:`help`, which writes its blocks to
    ``tail_path`` and returns its triple count and shared subjects.  ``helper_part`` must be set, in the
    writer, to a function that waits for the helper and returns what ``help`` returned.
    """

    def __init__(self, g: nx.DiGraph, path: str, fmt: str):
        if fmt not in SHAREABLE:
            raise ValueError(f"{fmt} cannot be written in blocks")
        self.fmt = fmt
        self.nodes = sorted(g._node)
        blocks = -(-len(self.nodes) // BLOCK_NODES)
        self._ends = multiprocessing.get_context("fork").Array("q", [0, blocks])  # [front, back), shared memory
        self.tail_path = f"{path}.tail.tmp"
        self.helper_part: Callable[[], dict] | None = None

    def claim(self, front: bool) -> list[str] | None:
        """The nodes of the next unclaimed block from the front (writer) or the back (helper); None when done."""
        with self._ends.get_lock():
            lo, hi = self._ends[0], self._ends[1]
            if lo >= hi:
                return None
            if front:
                i = lo
                self._ends[0] = lo + 1
            else:
                i = hi - 1
                self._ends[1] = i
        return self.nodes[i * BLOCK_NODES:(i + 1) * BLOCK_NODES]

    def help(self, g: nx.DiGraph) -> dict:
        """In the helper: serialise blocks from the back until the writer meets them.  Each block goes to
        ``tail_path`` as it is made (last block first), so the helper holds one block at a time; the writer
        copies them back in order from their ``sizes``."""
        header, sizes, shared, count = _header(self.fmt), [], {}, 0
        with open(self.tail_path, "wb") as fh:
            while (nodes := self.claim(front=False)) is not None:
                chunks = list(node_chunks(g, nodes, shared))
                count += sum(map(len, chunks))
                data = _without_header(_serialize(chain.from_iterable(chunks), self.fmt), header)
                fh.write(data)
                sizes.append(len(data))
        return {"count": count, "shared": list(shared), "sizes": sizes}

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tail_path)


def _counted(chunks: Iterable[list[ox.Triple]], count: list[int]) -> Iterator[list[ox.Triple]]:
    """``chunks``, adding their lengths to ``count[0]``: per node, not per triple, so that ``chain`` hands
    the triples to Oxigraph without a Python frame each."""
    for chunk in chunks:
        count[0] += len(chunk)
        yield chunk


def _without_header(data: bytes, header: bytes) -> bytes:
    return data[len(header):] if data.startswith(header) else data


def _front_chunks(g: nx.DiGraph, share: SharedWrite, shared: dict) -> Iterator[list[ox.Triple]]:
    """The head, then the blocks the writer claims from the front, a list per node."""
    yield head_chunk(g)
    while (nodes := share.claim(front=True)) is not None:
        yield from node_chunks(g, nodes, shared)


def _shared_write(g: nx.DiGraph, fh, share: SharedWrite) -> int:
    """The writer's side of a :class:`SharedWrite` into ``fh``: its blocks, the helper's, then the shared
    subjects of both; returns the number of triples."""
    count, shared = [0], {}
    _serialize(chain.from_iterable(_counted(_front_chunks(g, share, shared), count)), share.fmt, fh)
    header = _header(share.fmt)
    has_header = count[0] > 0  # Oxigraph wrote the header with the first triple
    try:
        part = share.helper_part()  # the helper has written its blocks when it returns
        if any(part["sizes"]) and not has_header:
            fh.write(header)
            has_header = True
        with open(share.tail_path, "rb") as tail:  # the helper's blocks, last first: copied back in order
            end = sum(part["sizes"])
            for size in reversed(part["sizes"]):  # the block written last is the file's end, and comes first
                end -= size
                tail.seek(end)
                fh.write(tail.read(size))
    finally:
        share.discard()
    last = shared_chunk(chain(shared, part["shared"]))
    if last:
        data = _serialize(last, share.fmt)
        fh.write(_without_header(data, header) if has_header else data)
    return count[0] + part["count"] + len(last)


def write_rdf(g: nx.DiGraph, path: str, fmt: str = "turtle", share: SharedWrite | None = None) -> int:
    """Write ``g`` as ``fmt`` atomically, with a helper process when ``share`` is given; returns the number of triples."""
    with atomic_open(path, "wb") as fh:
        if share is not None:
            return _shared_write(g, fh, share)
        count = [0]
        _serialize(chain.from_iterable(_counted(triple_chunks(g), count)), fmt, fh)
    return count[0]


def write_turtle(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "turtle")


def write_nt(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "nt")


def write_jsonld(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "jsonld")
