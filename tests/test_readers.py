"""Every layout reader, on fixtures we wrote in that layout, and every kind of bad input."""
from __future__ import annotations

import json

import pytest

from graphkb.readers import read_file, read_inputs, sniff
from graphkb.readers.merge import merge_posts


def _read(path, **kw):
    posts, problems, info = read_file(str(path), **kw)
    return posts, problems, info


def _titles(posts):
    return [p.title for p in posts]


# --- sniffing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,layout", [
    ("listing.txt", "listing"), ("listing_truncated.txt", "listing"), ("frontpage.txt", "frontpage"),
    ("posts/4411.md", "postfile"), ("posts/untitled.md", "postfile"), ("posts.jsonl", "jsonl"),
])
def test_readers_sniff_picks_layout(fixtures, name, layout):
    text = (fixtures / "readers" / name).read_text(encoding="utf-8")
    assert sniff(text)[0] == layout


# --- listing dump -----------------------------------------------------------------------------

def test_readers_listing_reads_every_post(fixtures):
    posts, problems, info = _read(fixtures / "readers" / "listing.txt")
    assert info["layout"] == "listing"
    assert _titles(posts) == ["梯度下降的几何直观", "随手记:一个没有正文的帖子", "条件随机场入门:从逐帧softmax说起", "漫谈|模型与数据"]
    assert [p.date for p in posts] == ["2020-03-14", "2020-04-01", "2020-04-02", "2020-05-20"]
    assert [p.readers for p in posts] == [5120, 830, 20480, 777]
    assert posts[0].author == "林小白"


def test_readers_listing_body_starts_after_cite_mark(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "listing.txt")
    assert posts[0].body.startswith("先从一个碗说起\n把损失函数")
    assert posts[0].body.endswith("太小则走得很慢。")


@pytest.mark.parametrize("index", [1])
def test_readers_listing_post_without_body_gives_next_title(fixtures, index):
    posts, _, _ = _read(fixtures / "readers" / "listing.txt")
    assert posts[index].body == ""
    assert posts[index + 1].title == "条件随机场入门:从逐帧softmax说起"
    assert posts[index + 1].body.startswith("逐帧softmax把每个位置")


def test_readers_listing_trailing_chrome_dropped(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "listing.txt")
    assert "最近评论" not in posts[-1].body and "张三" not in posts[-1].body


@pytest.mark.parametrize("name", ["listing.txt"])
def test_readers_listing_source_lines(fixtures, name):
    posts, _, _ = _read(fixtures / "readers" / name)
    assert [p.sources[0].line for p in posts] == [1, 5, 6, 9]


def test_readers_listing_truncated_last_post_kept_and_reported(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "listing_truncated.txt")
    assert _titles(posts) == ["熵的三种面孔", "被截断的最后一篇"]
    assert posts[1].date is None and posts[1].truncated
    [p] = [p for p in problems if p.kind == "truncated"]
    assert p.line == 5 and "被截断的最后一篇" in p.message and "cut short" in p.message


# --- front-page dump --------------------------------------------------------------------------

def test_readers_frontpage_reads_posts_with_day_month(fixtures):
    posts, problems, info = _read(fixtures / "readers" / "frontpage.txt")
    assert info["layout"] == "frontpage"
    assert [p.date for p in posts] == ["--03-12", "--02-03", "--01-28", "--01-09"]
    assert posts[0].title == "词向量的加法为什么有效"
    assert posts[0].category == "信息时代" and posts[0].tags == ("词向量", "NLP")


def test_readers_frontpage_year_option_gives_full_dates(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "frontpage.txt", year=2019)
    assert posts[0].date == "2019-03-12"


def test_readers_frontpage_chrome_and_more_link_dropped(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "frontpage.txt")
    text = "\n".join(p.body for p in posts)
    assert "会员注册" not in text and "点击阅读全文" not in text and "分类:" not in text


def test_readers_frontpage_repeated_caption_kept_once(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "frontpage.txt")
    assert posts[0].body.count("训练曲线") == 1
    assert "共现矩阵" in posts[0].body


def test_readers_frontpage_untitled_post_kept_and_flagged(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "frontpage.txt")
    untitled = posts[1]
    assert untitled.title is None and untitled.untitled
    assert untitled.body.startswith("在上一篇《词向量的加法为什么有效》中")
    assert untitled.display_title.startswith("〔无题〕在上一篇《词向量的加法为什么有效》中")
    assert any(p.kind == "untitled" and p.line == 22 for p in problems)


def test_readers_frontpage_short_post_keeps_title(fixtures):
    posts, _, _ = _read(fixtures / "readers" / "frontpage.txt")
    assert posts[2].title == "周末做了一锅红烧肉"


def test_readers_frontpage_truncated_last_post(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "frontpage.txt")
    assert posts[-1].title == "截断的帖子" and posts[-1].truncated
    assert any(p.kind == "truncated" and p.line == 36 for p in problems)


# --- one post per file ------------------------------------------------------------------------

def test_readers_postfile_reads_title_date_body(fixtures):
    [post], problems, info = _read(fixtures / "readers" / "posts" / "4411.md")
    assert info["layout"] == "postfile" and not problems
    assert post.title == "流模型小记:可逆变换与雅可比行列式"
    assert (post.date, post.readers, post.source_id) == ("2022-06-18", 15873, "4411")
    assert post.body.startswith("流模型(flow)的核心") and post.body.endswith("恒等于 1。")


def test_readers_postfile_without_title_kept(fixtures):
    [post], problems, _ = _read(fixtures / "readers" / "posts" / "untitled.md")
    assert post.untitled and post.date == "2022-07-01" and "Adam" in post.body
    assert [p.kind for p in problems] == ["untitled"]


# --- JSON Lines -------------------------------------------------------------------------------

def test_readers_jsonl_reads_fields(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "posts.jsonl")
    first = posts[0]
    assert first.title == "注意力机制的一个朴素推导"
    assert first.url == "https://blog.example.org/archives/901"
    assert first.tags == ("attention", "Transformer") and first.category == "信息时代" and first.readers == 4096


def test_readers_jsonl_bad_line_reported_rest_read(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "posts.jsonl")
    assert len(posts) == 3
    bad = [p for p in problems if p.kind == "bad-record" and p.line == 2]
    assert bad and "invalid JSON" in bad[0].message


def test_readers_jsonl_untitled_record_kept(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "posts.jsonl")
    assert posts[1].untitled and posts[1].readers is None
    assert {(p.kind, p.line) for p in problems} >= {("untitled", 3), ("bad-record", 3)}


def test_readers_jsonl_lone_surrogate_replaced(fixtures):
    posts, problems, _ = _read(fixtures / "readers" / "posts.jsonl")
    assert posts[2].title == "奇怪字符\ufffd的标题"
    assert posts[2].date == "2023-03-05"
    posts[2].title.encode("utf-8")
    assert any(p.kind == "encoding" and p.line == 4 for p in problems)


def test_readers_jsonl_truncated_last_line(fixtures):
    _, problems, _ = _read(fixtures / "readers" / "posts.jsonl")
    [p] = [p for p in problems if p.kind == "truncated"]
    assert p.line == 5 and p.severity == "error"


@pytest.mark.parametrize("payload", [[{"title": "数组里的帖子", "date": "2020-01-01", "body": "正文"}]])
def test_readers_jsonl_json_array_file(tmp_path, payload):
    f = tmp_path / "posts.json"
    f.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    posts, problems, info = _read(f)
    assert info["layout"] == "jsonl" and _titles(posts) == ["数组里的帖子"]


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_readers_gbk_file_decoded_and_reported(fixtures, tmp_path, encoding):
    text = (fixtures / "readers" / "listing.txt").read_text(encoding="utf-8")
    f = tmp_path / "gbk.txt"
    f.write_bytes(text.encode(encoding))
    posts, problems, info = _read(f)
    assert info["encoding"] == "gb18030" and len(posts) == 4 and posts[0].title == "梯度下降的几何直观"
    [p] = [p for p in problems if p.kind == "encoding"]
    assert p.line == 1 and "GB18030" in p.message and p.severity == "warning"


@pytest.mark.parametrize("data", [b"\x00\x01\x02PNG\x00" * 100, bytes(range(256)) * 4])
def test_readers_binary_file_skipped(tmp_path, data):
    f = tmp_path / "image.bin"
    f.write_bytes(data)
    posts, problems, _ = _read(f)
    assert posts == [] and [p.kind for p in problems] == ["binary"]


@pytest.mark.parametrize("content", [b"", b"   \n\n  \t\n"])
def test_readers_empty_file_reported(tmp_path, content):
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    posts, problems, _ = _read(f)
    assert posts == [] and [p.kind for p in problems] == ["empty"]


def test_readers_file_without_posts_names_layouts(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("这只是一段普通的笔记。\n没有标题行,也没有 By 行。\n", encoding="utf-8")
    posts, problems, _ = _read(f)
    assert posts == [] and problems[0].kind == "no-posts"
    assert "listing, frontpage, postfile, jsonl" in problems[0].message


def test_readers_unreadable_file_reported(tmp_path):
    d = tmp_path / "folder.txt"
    d.mkdir()
    posts, problems, _ = _read(d)
    assert posts == [] and problems[0].kind == "unreadable"


def test_readers_cut_inside_utf8_character(fixtures, tmp_path):
    data = (fixtures / "readers" / "posts" / "4411.md").read_bytes().rstrip(b"\n")[:-1]
    f = tmp_path / "7.md"
    f.write_bytes(data)
    [post], problems, info = _read(f)
    assert info["encoding"] == "utf-8" and post.body.endswith("恒等于 1")
    assert [p.kind for p in problems] == ["truncated"]


def test_readers_missing_path_and_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = read_inputs([str(tmp_path / "nope"), str(empty)])
    assert [(p.kind, p.path) for p in result.problems] == [("missing", str(tmp_path / "nope")), ("empty", str(empty))]


def test_readers_one_bad_file_does_not_stop_others(fixtures, tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x00" * 64)
    (tmp_path / "b.txt").write_bytes((fixtures / "readers" / "listing.txt").read_bytes())
    result = read_inputs([str(tmp_path)])
    assert len(result.posts) == 4 and [p.kind for p in result.problems] == ["binary"]


def test_readers_forced_layout(fixtures):
    posts, problems, info = _read(fixtures / "readers" / "posts" / "4411.md", layout="listing")
    assert info["layout"] == "listing" and posts[0].title == "流模型小记:可逆变换与雅可比行列式"


# --- merging ----------------------------------------------------------------------------------

def test_readers_merge_same_post_from_two_files(fixtures):
    result = read_inputs([str(fixtures / "readers" / "listing.txt"), str(fixtures / "readers" / "listing_dup.txt")])
    posts, merged = merge_posts(result.posts)
    same = [p for p in posts if p.title == "梯度下降的几何直观"]
    assert len(same) == 2  # same title, different dates: two posts
    first = next(p for p in same if p.date == "2020-03-14")
    assert first.readers == 6400 and len(first.sources) == 2
    assert first.body.endswith("太小则走得很慢。")  # the longest body wins
    assert merged[0]["readers_seen"] == [5120, 6400]


@pytest.mark.parametrize("a,b,same", [("2018-07-07", "--07-07", True), ("2018-07-07", "2019-07-07", False),
                                       (None, "2018-07-07", True), ("--07-07", "--07-08", False)])
def test_readers_merge_date_compatibility(a, b, same):
    from graphkb.model import Post, Source

    posts = [Post("同一个标题", a, "正文一", (Source("x", 1),)), Post("同一个标题", b, "正文二更长", (Source("y", 1),))]
    merged, _ = merge_posts(posts)
    assert (len(merged) == 1) == same
    if same:
        assert merged[0].date == (a if a and not a.startswith("--") else b)
