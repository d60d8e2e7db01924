"""The extraction cache: a cached build gives the same graph as a clean one, and invalidates what it must."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from graphkb.build import build, cache_path
from graphkb.demo import CORPUS


def _ttl(out) -> bytes:
    return (out / "graph.ttl").read_bytes()


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    shutil.copytree(CORPUS, src)
    return src


def _build(src, out, **kw):
    return build([str(src)], str(out), formats=("turtle",), **kw)


def _clean_ttl(src, tmp_path, **kw) -> bytes:
    """The Turtle of a build of ``src`` without the cache (into ``tmp_path``/clean): what a cached one must equal."""
    clean = tmp_path / "clean"
    _build(src, clean, cache=False, **kw)
    return _ttl(clean)


def test_cache_second_build_is_served_and_identical(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out)
    first = _ttl(out)
    db = sqlite3.connect(cache_path(str(out)))
    entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    db.close()
    assert entries >= 3 * 15  # per post: aliases and references, concept mentions, resolved citations
    _build(corpus, out)
    clean = tmp_path / "clean"
    _build(corpus, clean, cache=False)
    assert _ttl(out) == first == _ttl(clean)
    assert not (clean / ".graphkb-cache").exists()


def test_cache_changed_post_rebuilds_like_a_clean_build(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out)
    post = corpus / "posts" / "8455.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n补充:国际空间站的轨道也可以用条件随机场以外的方法预测。\n",
                    encoding="utf-8")
    _build(corpus, out)
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)
    assert "条件随机场" in _ttl(out).decode("utf-8")


def test_cache_edited_post_is_matched_by_the_cached_matcher(corpus, tmp_path, monkeypatch):
    """The matcher built for a concept base is kept: after an edit it is loaded, not built, and finds
    what a freshly built one finds."""
    from graphkb.extract import matcher

    out = tmp_path / "out"
    _build(corpus, out)
    post = corpus / "posts" / "8455.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n补充:条件随机场与流模型都可以写成能量模型。\n", encoding="utf-8")
    built = []
    real = matcher.ConceptMatcher._build
    monkeypatch.setattr(matcher.ConceptMatcher, "_build", lambda self: built.append(1) or real(self))
    _build(corpus, out)
    assert built == []
    clean = tmp_path / "clean"
    _build(corpus, clean, cache=False)
    assert built == [1]
    assert _ttl(out) == _ttl(clean)
    text = _ttl(out).decode("utf-8")
    assert "条件随机场" in text and "flow-model" in text


def test_cache_changed_concept_base_invalidates_mentions(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out)
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
        '<https://w3id.org/graphkb/concept/braised-pork> a skos:Concept ;\n'
        '    skos:inScheme <https://w3id.org/graphkb/concepts> ;\n'
        '    skos:prefLabel "红烧肉"@zh .\n', encoding="utf-8")
    _build(corpus, out, concept_files=[str(extra)])
    assert _ttl(out) == _clean_ttl(corpus, tmp_path, concept_files=[str(extra)])
    assert "braised-pork" in _ttl(out).decode("utf-8")


def test_cache_corrupt_entry_is_a_miss(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out)
    first = _ttl(out)
    db = sqlite3.connect(cache_path(str(out)))
    db.execute("UPDATE entries SET v = x'00ff00'")
    db.commit()
    db.close()
    _build(corpus, out)
    assert _ttl(out) == first


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cache_parallel_and_serial_extraction_agree(corpus, tmp_path, monkeypatch, workers):
    from graphkb.extract import run

    monkeypatch.setattr(run, "MIN_PARALLEL_POSTS", 1)
    monkeypatch.setenv("GRAPHKB_WORKERS", workers)
    out = tmp_path / f"out{workers}"
    _build(corpus, out, cache=False)
    clean = tmp_path / "reference"
    monkeypatch.setenv("GRAPHKB_WORKERS", "1")
    _build(corpus, clean, cache=False)
    assert _ttl(out) == _ttl(clean)


class _CountResolvers:
    """How many resolvers were made, and how many title indexes built (the rest were read from the cache)."""

    def __init__(self, monkeypatch):
        from graphkb.link import citations

        self.made = self.indexes = 0
        real, real_index = citations.Resolver, citations.TitleIndex

        def counted(*args, **kw):
            self.made += 1
            return real(*args, **kw)

        def counted_index(*args, **kw):
            self.indexes += 1
            return real_index(*args, **kw)

        monkeypatch.setattr(citations, "Resolver", counted)
        monkeypatch.setattr(citations, "TitleIndex", counted_index)


def test_cache_citations_resolved_once_then_served(corpus, tmp_path, monkeypatch):
    """Resolution is cached per citing post under the corpus' titles: an unchanged rebuild makes no
    resolver, a body edit re-resolves that post only with the title index the first build kept, a changed
    title builds a new index and re-resolves everything; each time the graph equals a clean build's."""
    out = tmp_path / "out"
    resolvers = _CountResolvers(monkeypatch)
    _build(corpus, out)
    assert (resolvers.made, resolvers.indexes) == (1, 1)
    db = sqlite3.connect(cache_path(str(out)))
    cited = db.execute("SELECT COUNT(*) FROM entries WHERE ns LIKE 'cites:%'").fetchone()[0]
    kept = db.execute("SELECT COUNT(*) FROM entries WHERE ns LIKE 'resolver:%'").fetchone()[0]
    db.close()
    assert cited == 15  # one entry per post
    assert kept == 1  # what the resolver worked out from the corpus

    _build(corpus, out)
    assert (resolvers.made, resolvers.indexes) == (1, 1)  # nothing changed: every post's citations from the cache

    post = corpus / "posts" / "8455.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n另见《流模型小记（一）：从NICE开始》。\n", encoding="utf-8")
    _build(corpus, out)
    assert (resolvers.made, resolvers.indexes) == (2, 1)  # the body changed, no title: the index is read back
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)
    assert resolvers.indexes == 2  # (the clean build's own)

    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace(text.splitlines()[0], text.splitlines()[0] + "（修订版）", 1), encoding="utf-8")
    _build(corpus, out)
    assert resolvers.indexes == 3  # a title changed: a new index
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)
    db = sqlite3.connect(cache_path(str(out)))
    assert db.execute("SELECT COUNT(DISTINCT ns) FROM entries WHERE ns LIKE 'resolver:%'").fetchone()[0] == 1
    namespaces = db.execute("SELECT COUNT(DISTINCT ns) FROM entries WHERE ns LIKE 'cites:%'").fetchone()[0]
    db.close()
    assert namespaces == 1  # the old corpus' entries are gone


class _CacheReads:
    """The keys read from each kind of cache namespace (aliases, refs, concepts, cites...)."""

    def __init__(self, monkeypatch):
        from graphkb import cache

        self.keys: dict[str, int] = {}
        real = cache.ExtractionCache.get_many

        def counted(this, ns, keys):
            keys = list(keys)
            kind = ns.split(":", 1)[0]
            self.keys[kind] = self.keys.get(kind, 0) + len(keys)
            return real(this, ns, keys)

        monkeypatch.setattr(cache.ExtractionCache, "get_many", counted)


def _retitle(post) -> None:
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace(text.splitlines()[0], text.splitlines()[0] + "（修订版）", 1), encoding="utf-8")


def test_cache_edit_rebuild_reads_no_stored_references(corpus, tmp_path, monkeypatch):
    """References are kept apart from aliases: a body edit resolves the edited post only, from the
    references it has just extracted, and reads no other post's from the cache."""
    out = tmp_path / "out"
    _build(corpus, out)
    post = corpus / "posts" / "8455.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n另见《流模型小记（一）：从NICE开始》。\n", encoding="utf-8")
    reads = _CacheReads(monkeypatch)
    _build(corpus, out)
    assert reads.keys.get("aliases", 0) >= 15 and reads.keys.get("refs", 0) == 0
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)


def test_cache_retitled_post_reads_every_stored_reference(corpus, tmp_path, monkeypatch):
    """A changed title changes what every reference may resolve to: all are read back, in one go."""
    out = tmp_path / "out"
    _build(corpus, out)
    _retitle(corpus / "posts" / "8455.md")
    reads = _CacheReads(monkeypatch)
    _build(corpus, out)
    assert reads.keys.get("refs", 0) == 14  # every post's but the retitled one's, extracted afresh
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)


def test_cache_lost_references_are_extracted_again(corpus, tmp_path):
    out = tmp_path / "out"
    _build(corpus, out)
    db = sqlite3.connect(cache_path(str(out)))
    db.execute("DELETE FROM entries WHERE ns LIKE 'refs:%'")
    db.commit()
    db.close()
    _retitle(corpus / "posts" / "8455.md")
    _build(corpus, out)
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)
    assert "cito:cites" in _ttl(out).decode("utf-8")


def test_cache_is_filled_by_a_child_while_the_build_goes_on(corpus, tmp_path, monkeypatch):
    """The build queues its cache writes while it extracts and a forked child makes them: this process
    writes no entry, and once the build returns the cache holds every one, so the next build is served."""
    import os

    from graphkb import cache, runtime

    parent = os.getpid()
    made_here: list[str] = []
    real = cache.ExtractionCache.put_many

    def spied(this, ns, items):
        if os.getpid() == parent and this._queue is None and not ns.startswith("export:"):
            made_here.append(ns)
        return real(this, ns, items)

    monkeypatch.setattr(cache.ExtractionCache, "put_many", spied)
    forked: list[str] = []

    class Spy(runtime.Forked):
        def __init__(self, fn, *args):
            forked.append(fn.__name__)
            super().__init__(fn, *args)

    monkeypatch.setattr(runtime, "Forked", Spy)
    out = tmp_path / "out"
    _build(corpus, out)
    assert made_here == [] and forked.count("_write") == 1
    db = sqlite3.connect(cache_path(str(out)))
    kinds = dict(db.execute("SELECT substr(ns, 1, instr(ns, ':') - 1), COUNT(*) FROM entries GROUP BY 1"))
    db.close()
    assert {k: kinds.get(k) for k in ("aliases", "refs", "concepts", "cites")} == dict.fromkeys(
        ("aliases", "refs", "concepts", "cites"), 15)
    from graphkb.extract import run

    extracted: list[int] = []
    for name in ("_first_pass", "_concepts"):
        monkeypatch.setattr(run, name, lambda i, fn=getattr(run, name): extracted.append(i) or fn(i))
    resolvers = _CountResolvers(monkeypatch)
    _build(corpus, out)
    assert extracted == [] and resolvers.made == 0  # everything served


def test_cache_that_cannot_be_written_costs_a_warning_not_the_build(corpus, tmp_path, monkeypatch):
    from graphkb import cache

    def broken(path, ops):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache, "_write", broken)
    out = tmp_path / "out"
    result = _build(corpus, out)
    warned = [p for p in result.problems if p.kind == "cache"]
    assert len(warned) == 1 and warned[0].severity == "warning" and "disk is full" in warned[0].message
    assert "cache" in (out / "report.json").read_text(encoding="utf-8")
    monkeypatch.undo()
    _build(corpus, out)  # nothing was kept: extracted again, and the same graph
    assert _ttl(out) == _clean_ttl(corpus, tmp_path)


def test_cache_writer_is_stopped_when_the_build_is_interrupted(corpus, tmp_path, monkeypatch):
    """Ctrl-C during the export stops the child filling the cache at once (SQLite rolls its write back)."""
    import signal
    import time

    from graphkb import build as build_module
    from graphkb import cache, runtime

    writers: list = []

    class Spy(runtime.Forked):
        def __init__(self, fn, *args):
            super().__init__(fn, *args)
            if fn is slow:
                writers.append(self)

    def slow(path, ops):
        time.sleep(60)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runtime, "Forked", Spy)
    monkeypatch.setattr(cache, "_write", slow)
    monkeypatch.setattr(build_module, "_export", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(corpus, tmp_path / "out")
    assert len(writers) == 1 and writers[0]._proc.exitcode == -signal.SIGKILL  # killed, not waited for
