"""Fuzz and property tests for every reader: no input makes one raise, and every post is accounted for.

The invariant, for any bytes: ``read_file`` returns; every problem names the file, a kind, a message and
(where it has one) a line inside the file; every post comes from a line of the file and holds no NUL or
lone surrogate; a file that gives no post says why.  For inputs written as N well-formed records:
N = posts + records covered by an error problem at their line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from graphkb.model import Post, Problem
from graphkb.readers import READERS, read_file, read_inputs
from graphkb.readers.base import split_lines
from graphkb.readers.byline import is_byline
from graphkb.readers.frontpage import DAY_MONTH, match_footer, match_more
from graphkb.readers.merge import merge_posts
from graphkb.readers.text import decode

LAYOUTS = [None, *READERS]
EXAMPLES = settings.default.max_examples
_BAD = re.compile("[\x00\ud800-\udfff]")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|--\d{2}-\d{2})$")

# --- strategies -------------------------------------------------------------------------------

# every script and mark a blog post can hold: CJK, emoji, right-to-left, combining marks, odd spaces
SPECIAL = ("\u4e00\u9fa5\u3000《》〈〉（）：，。“”😀🧪👩‍🔬\u05d0\u05d1\u0627\u0644\u202e\u200f\u200b\u0301\u0300\u20dd"
           "\ufeff\u00a0\u2028\u2029\x85\t$\\{}[]|<>&\"'#:")
_chars = st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from(SPECIAL))
line_text = st.text(_chars, max_size=60)  # one line: no \n, \r, NUL or other control characters
MARKERS = ["By 林 | 2020-01-02 | 12位读者 | 引用", "By | | |", "By x |", "7 Jul", "31 Feb", "点击阅读全文...",
           "分类:数学 标签:概率, 矩阵 3评论", "分类: 标签:", "最近评论", "发表评论", "{", '{"title": "t"', "[", "]",
           "《" * 30, "》" * 30, "$$", "```", "\\begin{equation}", "https://kexue.fm/archives/1"]
any_line = st.one_of(line_text, st.sampled_from(MARKERS), st.text(st.characters(), max_size=30))
documents = st.tuples(st.lists(any_line, max_size=40), st.sampled_from(["\n", "\r\n", "\r"])).map(lambda t: t[1].join(t[0]))
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One folder for the module: hypothesis runs many inputs per test, each overwriting the last."""
    return tmp_path_factory.mktemp("fuzz")


def _write(folder: Path, data: bytes, name: str = "input.txt") -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


# --- the invariant ----------------------------------------------------------------------------

def check_read(path: str, data: bytes, posts: list[Post], problems: list[Problem], info: dict) -> None:
    """What must hold for any input file, whatever its bytes."""
    decoded = decode(data, path)
    n_lines = max(len(split_lines(decoded.text)) if decoded.text else 1, data.count(b"\n") + 1)
    assert info["posts"] == len(posts) and info["problems"] == len(problems)
    for p in problems:
        assert p.path == path and p.kind and p.message and p.severity in ("error", "warning")
        assert p.line is None or 1 <= p.line <= n_lines, p
    for post in posts:
        assert [s.path for s in post.sources] == [path] and 1 <= post.sources[0].line <= n_lines
        for value in (post.title, post.body, post.author, post.url, post.category, *post.tags):
            assert value is None or not _BAD.search(value)
        assert post.title is None or (post.title.strip() == post.title and post.title)
        assert post.date is None or _DATE.match(post.date)
        assert post.readers is None or isinstance(post.readers, int)
        assert post.display_title
    if not posts:
        assert any(p.severity == "error" for p in problems), "no post and no reason given"
    # everything read goes into report.json and the graph as UTF-8
    json.dumps([str(p) for p in problems] + [post.body + post.display_title for post in posts],
               ensure_ascii=False).encode("utf-8")


def read_and_check(path: str, data: bytes, layout: str | None = None):
    posts, problems, info = read_file(path, layout=layout)
    check_read(path, data, posts, problems, info)
    return posts, problems


# --- any bytes, any text ----------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
@given(data=st.binary(max_size=3000))
def test_fuzz_readers_random_bytes(scratch, fuzz_cases, layout, data):
    fuzz_cases["readers: random bytes"] += 1
    read_and_check(_write(scratch, data), data, layout)


@pytest.mark.parametrize("layout", LAYOUTS)
@given(text=documents, encoding=st.sampled_from(ENCODINGS))
def test_fuzz_readers_random_unicode_documents(scratch, fuzz_cases, layout, text, encoding):
    fuzz_cases["readers: random unicode documents"] += 1
    data = text.encode(encoding, errors="surrogatepass") if encoding != "gb18030" else text.encode(encoding, "replace")
    read_and_check(_write(scratch, data), data, layout)


@given(data=st.binary(min_size=1, max_size=400), cut=st.integers(min_value=0, max_value=400))
def test_fuzz_readers_bytes_spliced_into_a_fixture(scratch, fuzz_cases, data, cut):
    fuzz_cases["readers: bytes spliced into a fixture"] += 1
    original = (READER_FIXTURES / "listing.txt").read_bytes()
    at = cut * len(original) // 400
    spliced = original[:at] + data + original[at:]
    read_and_check(_write(scratch, spliced), spliced)


READER_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"


def _fixture_files() -> list[Path]:
    return sorted(p for p in READER_FIXTURES.rglob("*") if p.is_file())


@pytest.mark.parametrize("fixture", _fixture_files(), ids=lambda p: p.name)
def test_fuzz_readers_truncated_fixtures(scratch, fuzz_cases, fixture):
    """Every fixture cut at every k-th byte (about 60 cuts each, inside multi-byte characters too)."""
    data = fixture.read_bytes()
    step = max(1, len(data) // 60)
    for end in range(0, len(data) + 1, step):
        fuzz_cases["readers: truncated fixtures"] += 1
        cut = data[:end]
        read_and_check(_write(scratch, cut, fixture.name), cut)


# --- every record is accounted for ------------------------------------------------------------

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(), max_size=20),
                           lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                           max_leaves=12)
records = st.fixed_dictionaries({}, optional={
    "title": st.one_of(st.text(st.characters(), max_size=40), json_values),
    "body": st.one_of(st.text(st.characters(), max_size=200), json_values),
    "date": st.one_of(st.sampled_from(["2021-02-03", "--07-07", "2021-13-40", "yesterday", ""]), json_values),
    "readers": st.one_of(st.integers(), st.sampled_from([1e999, -1e999, float("nan"), "12", "many"]), json_values),
    "tags": st.one_of(st.lists(st.text(max_size=8), max_size=4), st.text(max_size=20), json_values),
    "author": json_values, "url": json_values, "category": json_values,
})
junk = st.text(st.characters(exclude_characters="\n\r"), min_size=1, max_size=40).filter(
    lambda s: s.strip() and not s.lstrip().startswith("["))
jsonl_lines = st.lists(st.one_of(records.map(lambda r: ("record", r)), junk.map(lambda s: ("junk", s)),
                                 json_values.map(lambda v: ("value", v))), min_size=1, max_size=25)


def _jsonl_line(kind, value, ascii_only: bool) -> str:
    if kind == "junk":
        return value
    # lone surrogates (json.dumps writes them as \\udXXX escapes) and NUL (\\u0000) survive into the line
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)


@given(lines=jsonl_lines, ascii_only=st.booleans())
def test_fuzz_readers_jsonl_every_line_is_a_post_or_an_error(scratch, fuzz_cases, lines, ascii_only):
    fuzz_cases["readers: jsonl accounting"] += 1
    text = "\n".join(_jsonl_line(k, v, ascii_only) for k, v in lines) + "\n"
    assume(not text.lstrip().startswith("["))  # a file that opens with an array is one JSON document
    data = text.encode("utf-8", "surrogatepass")
    posts, problems = read_and_check(_write(scratch, data, "x.jsonl"), data, "jsonl")
    record_lines = {n for n, line in enumerate(split_lines(text), start=1) if line.strip()}
    post_lines = [p.sources[0].line for p in posts]
    # an encoding error loses characters, not records; a file-level error (binary file) covers every line
    skipped = {p.line for p in problems if p.severity == "error" and p.kind != "encoding"}
    assert len(post_lines) == len(set(post_lines))
    if None in skipped:
        assert not posts
    else:
        assert set(post_lines) | skipped == record_lines
        assert not set(post_lines) & skipped


# a line that is text only: it cannot start a record or end a dump in any layout
plain_line = line_text.filter(lambda s: not (is_byline(s) or DAY_MONTH.match(s) or match_more(s) or match_footer(s)))
titles = plain_line.filter(lambda s: s.strip())
bodies = st.lists(st.one_of(plain_line, st.sampled_from(["最近评论", "发表评论", "", "《" * 50 + "》" * 50])), max_size=6)


@given(posts=st.lists(st.tuples(titles, bodies, st.integers(0, 10**7)), min_size=1, max_size=15))
def test_fuzz_readers_listing_every_record_is_a_post(scratch, fuzz_cases, posts):
    fuzz_cases["readers: listing accounting"] += 1
    text = "".join(f"{t}\nBy 林 | 2020-01-0{i % 9 + 1} | {r}位读者 | 引用" + "\n".join(b) + "\n"
                   for i, (t, b, r) in enumerate(posts))
    data = text.encode("utf-8")
    got, _ = read_and_check(_write(scratch, data), data, "listing")
    assert [p.title for p in got] == [t.strip() for t, _, _ in posts]
    assert [p.readers for p in got] == [r for _, _, r in posts]


@given(posts=st.lists(st.tuples(titles, bodies, st.booleans()), min_size=1, max_size=15))
def test_fuzz_readers_frontpage_every_record_is_a_post(scratch, fuzz_cases, posts):
    fuzz_cases["readers: frontpage accounting"] += 1
    text = "".join(f"{i % 28 + 1} Mar\n{t}\n\n" + "\n".join(b) + ("\n点击阅读全文...\n分类:随笔 标签:a, b\n" if footer else "\n")
                   for i, (t, b, footer) in enumerate(posts))
    data = text.encode("utf-8")
    got, problems = read_and_check(_write(scratch, data), data, "frontpage")
    skipped = [p for p in problems if p.severity == "error"]
    assert len(got) + len(skipped) == len(posts) and len(got) >= 1


@given(title=titles, body=bodies)
def test_fuzz_readers_postfile_every_file_is_a_post(scratch, fuzz_cases, title, body):
    fuzz_cases["readers: postfile accounting"] += 1
    text = f"{title}\nBy 林 | 2019-12-31 | 3位读者 |\n\n" + "\n".join(body)
    data = text.encode("utf-8")
    got, _ = read_and_check(_write(scratch, data, "123.md"), data, "postfile")
    assert [p.title for p in got] == [title.strip()] and got[0].source_id == "123"


@given(files=st.lists(documents, min_size=1, max_size=4))
def test_fuzz_readers_read_inputs_counts_add_up(scratch, fuzz_cases, files):
    fuzz_cases["readers: read_inputs over folders"] += 1
    folder = scratch / "in"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for i, text in enumerate(files):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = read_inputs([str(folder)])
    assert len(result.files) == len(files)
    assert sum(f["posts"] for f in result.files) == len(result.posts)
    assert sum(f["problems"] for f in result.files) == len(result.problems)
    merged, records = merge_posts(result.posts)
    assert len(merged) + sum(len(r["readers_seen"]) - 1 for r in records) == len(result.posts)


# --- huge and deep inputs ---------------------------------------------------------------------

TEN_MB = 10 * 2**20
_LONG = ("梯度下降" * (TEN_MB // 12 + 1))[: TEN_MB // 3]  # 10 MB of UTF-8, no newline


@pytest.mark.parametrize("layout,make,body_chars", [
    ("listing", lambda: "标题\nBy 林 | 2020-01-02 | 5位读者 | 引用" + _LONG, len(_LONG)),
    ("frontpage", lambda: "7 Jul\n标题\n\n" + _LONG, len(_LONG)),
    ("postfile", lambda: "标题\nBy 林 | 2020-01-02 | 5位读者 |\n\n" + _LONG, len(_LONG)),
    ("jsonl", lambda: json.dumps({"title": "标题", "body": _LONG}, ensure_ascii=False), len(_LONG)),
    ("frontpage", lambda: "7 Jul\n标题\n\n正文。\n分类:" + " " * TEN_MB, None),  # spaces: cubic for a naive regex
    ("frontpage", lambda: "7 Jul\n标题\n\n正文。\n阅读全文" + " " * TEN_MB + "x", None),
])
def test_fuzz_readers_ten_megabyte_line(scratch, fuzz_cases, layout, make, body_chars):
    fuzz_cases["readers: 10 MB lines"] += 1
    data = make().encode("utf-8")
    path = _write(scratch, data)
    read_and_check(path, data)  # sniffed: a front page without footers is not recognised, with a reason
    posts, _ = read_and_check(path, data, layout)
    assert len(posts) == 1 and posts[0].title == "标题"
    if body_chars:
        assert len(posts[0].body) == body_chars


@pytest.mark.parametrize("layout", list(READERS))
def test_fuzz_readers_ten_megabyte_line_without_structure(scratch, fuzz_cases, layout):
    fuzz_cases["readers: 10 MB lines"] += 1
    data = _LONG.encode("utf-8")
    read_and_check(_write(scratch, data), data, layout)


DEEP = 10**5


@pytest.mark.parametrize("text", [
    "标题\nBy 林 | 2020-01-02 | 5位读者 | 引用" + "《" * DEEP + "深" + "》" * DEEP,
    json.dumps({"title": "标题", "body": "《" * DEEP + "》" * DEEP}, ensure_ascii=False),
    "[" * DEEP + "]" * DEEP,  # JSON nested past Python's recursion limit
    '{"title": "标题", "body": ' + "[" * DEEP + "]" * DEEP + "}",
], ids=["listing-brackets", "jsonl-brackets", "json-array-depth", "jsonl-depth"])
def test_fuzz_readers_deep_nesting(scratch, fuzz_cases, text):
    fuzz_cases["readers: deep nesting"] += 1
    data = text.encode("utf-8")
    path = _write(scratch, data)
    for layout in (None, "jsonl", "listing"):
        read_and_check(path, data, layout)


N_POSTS = 100_000


def _many(layout: str, incomplete: bool) -> str:
    by = "By 林 | 2020-01-02 | " + ("" if incomplete else "5位读者 | ") + "引用"
    if layout == "listing":
        return "".join(f"第{i}篇\n{by}正文{i}。\n" for i in range(N_POSTS))
    if layout == "frontpage":
        return "".join(f"{i % 28 + 1} Mar\n第{i}篇\n\n正文{i}。\n" + ("" if incomplete else "点击阅读全文...\n")
                       for i in range(N_POSTS))
    return "".join(json.dumps({"title": f"第{i}篇", "body": f"正文{i}。", "readers": None if incomplete else i},
                              ensure_ascii=False) + "\n" for i in range(N_POSTS))


@pytest.mark.parametrize("incomplete", [False, True], ids=["complete", "every-record-flagged"])
@pytest.mark.parametrize("layout", ["listing", "frontpage", "jsonl"])
def test_fuzz_readers_hundred_thousand_posts(scratch, fuzz_cases, layout, incomplete):
    fuzz_cases["readers: 100k-post files"] += 1
    data = _many(layout, incomplete).encode("utf-8")
    # sniffed when complete; a front page without any footer is only read when the layout is named
    posts, problems = read_and_check(_write(scratch, data), data, layout if incomplete else None)
    assert len(posts) == N_POSTS
    assert len({p.sources[0].line for p in posts}) == N_POSTS
    merged, _ = merge_posts(posts)
    assert len(merged) == N_POSTS


def test_fuzz_readers_hundred_thousand_line_postfile(scratch, fuzz_cases):
    fuzz_cases["readers: 100k-post files"] += 1
    data = ("标题\nBy 林 | 2020-01-02 | 5位读者 |\n\n" + "".join(f"第{i}段。\n" for i in range(N_POSTS))).encode("utf-8")
    posts, _ = read_and_check(_write(scratch, data, "7.md"), data)
    assert len(posts) == 1 and posts[0].body.count("\n") == N_POSTS - 1


@pytest.mark.parametrize("dates", ["distinct", "missing"])
def test_fuzz_readers_merge_many_posts_with_one_title(fuzz_cases, dates):
    """100k posts sharing one title: merging stays near-linear whatever the dates."""
    fuzz_cases["readers: 100k-post files"] += 1
    from graphkb.model import Source

    def date(i):
        return None if dates == "missing" else f"{1000 + i // 365:04d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"

    posts = [Post(title="同一个标题", date=date(i), body=f"正文{i}", sources=(Source("f", i + 1),)) for i in range(N_POSTS)]
    merged, records = merge_posts(posts)
    assert len(merged) + sum(len(r["readers_seen"]) - 1 for r in records) == N_POSTS


def _merge_reference(posts: list[Post]) -> list[list[int]]:
    """The definition merge_posts implements, the slow way: first cluster whose every post is compatible."""
    from graphkb.readers.merge import _compatible, _identity

    clusters: dict[str, list[list[Post]]] = {}
    order = []
    for p in posts:
        groups = clusters.setdefault(_identity(p), [])
        for group in groups:
            if all(_compatible(p.date, q.date) for q in group):
                group.append(p)
                break
        else:
            groups.append([p])
            order.append(groups[-1])
    return [sorted(q.sources[0].line for q in group) for group in order]


@given(st.lists(st.tuples(st.sampled_from(["梯度", "梯 度", "GAN", None]),
                          st.sampled_from([None, "2020-03-12", "2021-03-12", "--03-12", "--04-01", "2020-04-01"])),
                max_size=30))
def test_fuzz_readers_merge_matches_its_definition(fuzz_cases, items):
    fuzz_cases["readers: merge against its definition"] += 1
    from graphkb.model import Source

    posts = [Post(title=t, date=d, body="同一段正文", sources=(Source("f", i + 1),)) for i, (t, d) in enumerate(items)]
    merged, _ = merge_posts(posts)
    assert [[s.line for s in p.sources] for p in merged] == _merge_reference(posts)


# --- through the whole build ------------------------------------------------------------------

small_files = st.lists(st.one_of(
    documents.map(lambda t: ("txt", t)),
    jsonl_lines.map(lambda lines: ("jsonl", "\n".join(_jsonl_line(k, v, False) for k, v in lines))),
    st.lists(st.tuples(titles, bodies), min_size=1, max_size=4).map(
        lambda ps: ("txt", "".join(f"{t}\nBy 林 | 2020-02-0{i + 1} | 9位读者 | 引用" + "\n".join(b) + "\n"
                                   for i, (t, b) in enumerate(ps))))), min_size=1, max_size=3)


@settings(max_examples=max(10, EXAMPLES // 2))
@given(files=small_files)
def test_fuzz_readers_whole_build_accounts_for_every_post(scratch, fuzz_cases, files):
    """build() on small random folders: it ends (or says nothing could be read) and every post read is a node."""
    import pyoxigraph as ox

    from graphkb.build import build
    from graphkb.errors import NoPostsError

    fuzz_cases["build: small random inputs"] += 1
    folder, out = scratch / "build-in", scratch / "build-out"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for i, (suffix, text) in enumerate(files):
        (folder / f"{i}.{suffix}").write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        result = build([str(folder)], str(out), formats=["turtle", "html", "jsonld"])
    except NoPostsError as e:
        assert e.result.problems and not e.result.posts
        return
    assert len(result.posts) + sum(len(m["readers_seen"]) - 1 for m in result.merged) == result.stats["posts_read"]
    assert result.stats["posts_read"] == sum(f["posts"] for f in result.files)
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    query = ("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://schema.org/BlogPosting> ; "
             "<http://www.w3.org/ns/prov#wasDerivedFrom> ?s }")
    assert int(next(iter(store.query(query)))["n"].value) == len(result.posts)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["posts"] == len(result.posts) and len(report["problems"]) == len(result.problems)
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))


file_names = st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_").lstrip(b"."))


@given(name=file_names.filter(bool))
def test_fuzz_readers_any_file_name_reads_into_utf8(scratch, fuzz_cases, name):
    """A file name that is not UTF-8 reaches posts and problems as text that report.json can hold."""
    import os

    fuzz_cases["readers: arbitrary file names"] += 1
    folder = os.path.join(os.fsencode(scratch), b"names")
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        os.unlink(os.path.join(folder, old))
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write('{"title": "标题", "body": "正文"}\n'.encode("utf-8"))
    result = read_inputs([os.fsdecode(folder)])
    assert len(result.posts) == 1
    json.dumps([p.sources[0].path for p in result.posts] + [p.path for p in result.problems]
               + [f["file"] for f in result.files], ensure_ascii=False).encode("utf-8")


def test_fuzz_readers_build_with_non_utf8_file_name(tmp_path, fuzz_cases):
    import os

    from graphkb.build import build

    fuzz_cases["readers: arbitrary file names"] += 1
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe\xe4.jsonl"), "wb") as fh:
        fh.write('{"title": "标题", "body": "正文"}\n'.encode("utf-8"))
    result = build([str(folder)], str(tmp_path / "out"))
    assert [p.sources[0].path for p in result.posts] == [str(folder / "\\xff\\xfe\\xe4.jsonl")]
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["posts"] == 1
