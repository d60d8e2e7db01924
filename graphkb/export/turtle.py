"""RDF serialisations (Turtle, N-Triples, JSON-LD) written by Oxigraph from triples in a deterministic order.

Turtle and N-Triples files are written in blocks of whole subjects: Oxigraph's output for a run of whole
subjects does not depend on what came before it (each block ends its last subject with " ."), so blocks
serialised apart, stripped of the @prefix header and appended, give the very bytes of one serialisation.
Two things rest on that:

- on a large graph two processes write one file (:class:`SharedWrite`): the writer claims blocks from the
  front and streams them to the file, a helper process claims them from the back and serialises them apart;
- with a memo of the last build (:class:`PreviousBlocks`) a block whose nodes, attributes and outgoing edges
  are what they were is copied from the last build's file instead of being serialised again.

Blocks are cut where a node's IRI says so (:func:`blocks_of`), not every so many nodes, so adding or
removing a post moves the boundaries of its own block only.
"""
from __future__ import annotations

import contextlib
import hashlib
import marshal
import multiprocessing
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

import networkx as nx
import pyoxigraph as ox

from ..vocab import PREFIXES
from .atomic import atomic_open
from .rdf import head_chunk, node_chunks, shared_chunk, triple_chunks

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
SHAREABLE = ("turtle", "nt")  # formats whose blocks of subjects concatenate (a JSON-LD file is one document)
BLOCK_NODES = 256  # nodes per block on average: small enough to balance two processes and to reuse, large enough to be cheap


def _serialize(triples, fmt: str, output=None):
    if fmt == "turtle":
        return ox.serialize(triples, output, FORMATS[fmt], prefixes=PREFIXES)
    return ox.serialize(triples, output, FORMATS[fmt])


def _header(fmt: str) -> bytes:
    """What Oxigraph writes before the first triple of any output in ``fmt`` (Turtle's @prefix lines)."""
    probe = ox.NamedNode("urn:graphkb:probe")
    data = _serialize([ox.Triple(probe, probe, probe)], fmt)
    return data[:data.index(b"<urn:graphkb:probe>")]


def _without_header(data: bytes, header: bytes) -> bytes:
    return data[len(header):] if data.startswith(header) else data


def blocks_of(nodes: list[str]) -> list[tuple[int, int]]:
    """``nodes`` (in output order) cut into [start, end) blocks: a block ends at a node whose IRI hashes to 0
    modulo BLOCK_NODES, or at 4 x BLOCK_NODES nodes.  The cuts depend on the nodes around them only, so
    an unchanged stretch of the graph is cut the same way from build to build."""
    out, start, cap = [], 0, 4 * BLOCK_NODES
    for i, n in enumerate(nodes):
        if zlib.crc32(n.encode("utf-8", "surrogatepass")) % BLOCK_NODES == 0 or i + 1 - start >= cap:
            out.append((start, i + 1))
            start = i + 1
    if start < len(nodes):
        out.append((start, len(nodes)))
    return out


class PreviousBlocks:
    """The blocks of the file the last build wrote, by fingerprint, and the record of this build's blocks.

    A block's fingerprint hashes everything its triples are made from: its nodes, their attributes and
    outgoing edges (:func:`graphkb.export.rdf.node_chunks` reads nothing else), whether mention records
    are written, the format, the code that writes triples (``memo.code_key``) and Oxigraph's version.  ``index`` (from the
    last build's :meth:`next_index`) gives each fingerprint's place in ``path``; a block is copied only
    when the bytes now at that place hash to what was written there, so an index that does not belong to
    ``path`` (the file replaced, edited or written by another build) costs a miss, never a wrong byte.
    """

    def __init__(self, path: str, fmt: str, detail: bool, index: dict | None = None):
        from .memo import code_key

        self.path, self.index = path, index if isinstance(index, dict) else {}
        code = code_key(__name__, "graphkb.export.rdf", "graphkb.graph.iris", "graphkb.vocab")
        salt = repr((code, ox.__version__, fmt, detail)).encode()
        self._key = hashlib.blake2b(salt, digest_size=32).digest()
        self.made: dict[int, tuple] = {}  # block number -> (fingerprint, size, digest, triples, shared)
        self.reused = 0
        self._fd: int | None = None

    def fingerprint(self, g: nx.DiGraph, nodes: list[str]) -> bytes | None:
        """The hash of ``nodes``' attributes and outgoing edges; None when they hold a value marshal cannot write.

        marshal's version 0 writes values by content alone (pickle would write a string met twice once,
        then refer to it, so equal data made by a cached and a clean build could hash apart); it writes
        exact dicts only, so the edges' shared read-only data go in as plain copies."""
        attrs, succ = g._node, g._succ
        try:
            data = marshal.dumps([(n, attrs[n], {v: dict(d) for v, d in succ[n].items()}) for n in nodes], 0)
        except ValueError:
            return None
        return hashlib.blake2b(data, digest_size=16, key=self._key).digest()

    def get(self, block: int, fp: bytes) -> tuple[bytes, int, list[tuple]] | None:
        """(bytes, triple count, shared subjects' triples) of the last build's block ``fp``, or None; when
        found, it is recorded as this file's block number ``block``."""
        try:
            offset, size, digest, count, shared = self.index[fp]
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY)  # read with pread: safe to share with a forked helper
            data = os.pread(self._fd, size, offset)
            if len(data) != size or _digest(data) != digest:
                return None
            triples = [(q.subject, q.predicate, q.object) for q in ox.parse(shared, ox.RdfFormat.N_TRIPLES)] if shared else []
        except (KeyError, OSError, TypeError, ValueError, SyntaxError):  # not kept, gone, or not an entry of ours
            return None
        self.reused += 1
        self.made[block] = (fp, size, digest, count, shared)
        return data, count, triples

    def record(self, block: int, fp: bytes, data: bytes, count: int, shared: Iterable[tuple]) -> None:
        shared = list(shared)
        nt = ox.serialize([ox.Triple(*t) for t in shared], format=ox.RdfFormat.N_TRIPLES) if shared else b""
        self.made[block] = (fp, len(data), _digest(data), count, nt)

    def next_index(self, first_offset: int) -> dict:
        """The index of the file just written, whose first block starts at ``first_offset``."""
        index, offset = {}, first_offset
        for block in sorted(self.made):
            fp, size, digest, count, shared = self.made[block]
            index[fp] = (offset, size, digest, count, shared)
            offset += size
        return index

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _block(g: nx.DiGraph, number: int, nodes: list[str], fmt: str, header: bytes, shared: dict,
           reuse: PreviousBlocks | None) -> tuple[bytes, int]:
    """One block's bytes (without the header) and triple count, copied from the last build's file when
    ``reuse`` has it; its shared subjects go into ``shared``."""
    fp = reuse.fingerprint(g, nodes) if reuse is not None else None
    if fp is not None:
        hit = reuse.get(number, fp)
        if hit is not None:
            data, count, own = hit
            shared.update(dict.fromkeys(own))
            return data, count
    own: dict = {}
    counted = [0]  # the triples go to Oxigraph as they are made (a list of them first cost ~15 % more)
    data = _without_header(_serialize(chain.from_iterable(_counted(node_chunks(g, nodes, own), counted)), fmt), header)
    count = counted[0]
    shared.update(own)
    if fp is not None:
        reuse.record(number, fp, data, count, own)
    return data, count


class SharedWrite:
    """One RDF file of ``g`` written by two processes; make it before forking the helper.

    The writer calls :func:`write_rdf` with it; the helper calls :meth:`help`, which writes its blocks to
    ``tail_path`` and returns its triple count and shared subjects.  ``helper_part`` must be set, in the
    writer, to a function that waits for the helper and returns what ``help`` returned.  ``reuse``: the
    last build's blocks, which both sides copy where they can.
    """

    def __init__(self, g: nx.DiGraph, path: str, fmt: str, reuse: PreviousBlocks | None = None):
        if fmt not in SHAREABLE:
            raise ValueError(f"{fmt} cannot be written in blocks")
        self.fmt = fmt
        self.nodes = sorted(g._node)
        self.blocks = blocks_of(self.nodes)
        self._ends = multiprocessing.get_context("fork").Array("q", [0, len(self.blocks)])  # [front, back), shared memory
        self.tail_path = f"{path}.tail.tmp"
        self.reuse = reuse
        self.helper_part: Callable[[], dict] | None = None

    def claim(self, front: bool) -> tuple[int, list[str]] | None:
        """(number, nodes) of the next unclaimed block from the front (writer) or the back (helper); None when done."""
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
        start, end = self.blocks[i]
        return i, self.nodes[start:end]

    def help(self, g: nx.DiGraph) -> dict:
        """In the helper: serialise blocks from the back until the writer meets them.  Each block goes to
        ``tail_path`` as it is made (last block first), so the helper holds one block at a time; the writer
        copies them back in order from their ``sizes``."""
        header, sizes, shared, count = _header(self.fmt), [], {}, 0
        try:
            with open(self.tail_path, "wb") as fh:
                while (claimed := self.claim(front=False)) is not None:
                    data, n = _block(g, *claimed, self.fmt, header, shared, self.reuse)
                    count += n
                    fh.write(data)
                    sizes.append(len(data))
        finally:
            if self.reuse is not None:
                self.reuse.close()
        made = self.reuse.made if self.reuse is not None else {}
        return {"count": count, "shared": list(shared), "sizes": sizes, "made": made,
                "reused": self.reuse.reused if self.reuse is not None else 0}

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tail_path)


def _counted(chunks: Iterable[list[ox.Triple]], count: list[int]) -> Iterator[list[ox.Triple]]:
    """``chunks``, adding their lengths to ``count[0]``: per node, not per triple, so that ``chain`` hands
    the triples to Oxigraph without a Python frame each."""
    for chunk in chunks:
        count[0] += len(chunk)
        yield chunk


class _Out:
    """The file being written: the header goes in before the first bytes of a triple (``started``: it is in)."""

    def __init__(self, fh, header: bytes):
        self.fh, self.header, self.started = fh, header, False

    def write(self, data: bytes) -> None:
        if data:
            if not self.started:
                self.fh.write(self.header)
                self.started = True
            self.fh.write(data)


def _block_write(g: nx.DiGraph, fh, fmt: str, share: SharedWrite | None, reuse: PreviousBlocks | None) -> int:
    """``g`` into ``fh`` block by block: the head, the blocks (the writer's from the front, then the
    helper's when ``share`` is given), then the shared subjects; returns the number of triples."""
    header = _header(fmt)
    shared: dict = {}
    if share is None:
        order = sorted(g._node)
        claims: Iterable = [(i, order[s:e]) for i, (s, e) in enumerate(blocks_of(order))]
    else:
        claims = iter(lambda: share.claim(front=True), None)
    out = _Out(fh, header)
    head = head_chunk(g)
    count = len(head)
    out.write(_without_header(_serialize(head, fmt), header) if head else b"")
    first_offset = fh.tell() if out.started else len(header)
    for number, block in claims:  # a call to Oxigraph per block costs no more than one for the whole file
        data, n = _block(g, number, block, fmt, header, shared, reuse)
        count += n
        out.write(data)
    if share is not None:
        try:
            part = share.helper_part()  # the helper has written its blocks when it returns
            with open(share.tail_path, "rb") as tail:  # the helper's blocks, last first: copied back in order
                end = sum(part["sizes"])
                for size in reversed(part["sizes"]):  # the block written last is the file's end, and comes first
                    end -= size
                    tail.seek(end)
                    out.write(tail.read(size))
        finally:
            share.discard()
        count += part["count"]
        shared.update(dict.fromkeys(part["shared"]))
        if reuse is not None:
            reuse.made.update(part["made"])
            reuse.reused += part["reused"]
    last = shared_chunk(shared)
    if last:
        out.write(_without_header(_serialize(last, fmt), header))
    if reuse is not None:
        reuse.index = reuse.next_index(first_offset)
    return count + len(last)


def write_rdf(g: nx.DiGraph, path: str, fmt: str = "turtle", share: SharedWrite | None = None,
              reuse: PreviousBlocks | None = None) -> int:
    """Write ``g`` as ``fmt`` atomically; returns the number of triples.  ``share``: with a helper process
    (its ``reuse`` is used); ``reuse``: copying the last build's unchanged blocks (afterwards its ``index``
    describes the file written, for the next build)."""
    if share is not None:
        reuse = share.reuse
    try:
        with atomic_open(path, "wb") as fh:
            if share is not None or reuse is not None:
                if fmt not in SHAREABLE:
                    raise ValueError(f"{fmt} cannot be written in blocks")
                return _block_write(g, fh, fmt, share, reuse)
            count = [0]
            _serialize(chain.from_iterable(_counted(triple_chunks(g), count)), fmt, fh)
        return count[0]
    finally:
        if reuse is not None:
            reuse.close()


def previous_blocks(memo, fmt: str, g: nx.DiGraph) -> PreviousBlocks:
    """The last build's blocks of the ``fmt`` file, as ``memo`` (an :class:`~graphkb.export.memo.ExportMemo`) kept them."""
    from . import get_exporter

    return PreviousBlocks(memo.previous(get_exporter(fmt).filename), fmt, bool(g.graph.get("mention_detail")),
                          memo.load(f"rdf-blocks-{fmt}"))


def remember_blocks(memo, fmt: str, reuse: PreviousBlocks) -> None:
    """Keep the blocks of the file just written (``reuse.index``) for the next build."""
    memo.save(f"rdf-blocks-{fmt}", reuse.index)


def write_remembered(g: nx.DiGraph, path: str, fmt: str, memo, reuse: PreviousBlocks | None = None) -> int:
    """Write ``g`` as ``fmt``, copying what it can of the last build's file (as ``memo`` kept it, or
    ``reuse`` when already loaded), and keep this file's blocks for the next build."""
    if memo is None:
        return write_rdf(g, path, fmt)
    reuse = previous_blocks(memo, fmt, g) if reuse is None else reuse
    count = write_rdf(g, path, fmt, reuse=reuse)
    remember_blocks(memo, fmt, reuse)
    return count


def write_turtle(g: nx.DiGraph, path: str, memo=None) -> int:
    return write_remembered(g, path, "turtle", memo)


def write_nt(g: nx.DiGraph, path: str, memo=None) -> int:
    return write_remembered(g, path, "nt", memo)


def write_jsonld(g: nx.DiGraph, path: str) -> int:
    return write_rdf(g, path, "jsonld")
