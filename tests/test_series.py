"""Series read from post titles, and their nodes in the graph and the Turtle."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from graphkb.link.series import detect_series, title_prefixes
from graphkb.link.titles import markers, numeral, parse_series
from graphkb.model import Post, Source

SCHEMA = rdflib.Namespace("https://schema.org/")


def _post(title, date="2021-01-01"):
    return Post(title=title, date=date, body="正文。", sources=(Source("x.md", 1),))


@pytest.mark.parametrize("text,value", [("3", 3), ("七", 7), ("十", 10), ("十四", 14), ("二十一", 21), ("上", 1), ("下", 3),
                                        ("甲", None)])
def test_series_numerals(text, value):
    assert numeral(text) == value


@pytest.mark.parametrize("title,name,number,rest", [
    ("【优化笔记】3. 梯度的几何", "优化笔记", 3, "梯度的几何"),
    ("【优化笔记】 12.动量", "优化笔记", 12, "动量"),
    ("【搜索杂记】⋅（二）从枚举到剪枝", "搜索杂记", 2, "从枚举到剪枝"),
    ("随机矩阵漫谈（十四）：谱的形状（上）", "随机矩阵漫谈", 14, "谱的形状(上)"),
    ("随机矩阵漫谈(二):谱的形状", "随机矩阵漫谈", 2, "谱的形状"),
    ("“熵”的故事：从骰子到信息（三）", "“熵”的故事:从骰子到信息", 3, ""),
    ("模型升级之路：21、长度外推", "模型升级之路", 21, "长度外推"),
    ("图像识别浅探:6. 字符切分", "图像识别浅探", 6, "字符切分"),
])
def test_series_parse_numbered_titles(title, name, number, rest):
    st = parse_series(title)
    assert (st.name, st.number, st.rest, st.numbered) == (name, number, rest, True)


@pytest.mark.parametrize("title", ["冷启动问题的两个解法（下）"])
def test_series_parse_title_in_parts(title):
    st = parse_series(title)
    assert (st.name, st.number, st.numbered) == ("冷启动问题的两个解法", 3, False)


@pytest.mark.parametrize("title", ["一个普通的标题", "2015年全年天象", "分类模型（附代码）", "模型压缩的95%方案(一种思路)"])
def test_series_parse_plain_titles_are_not_series(title):
    assert parse_series(title) is None


@pytest.mark.parametrize("a,b", [("随机矩阵漫谈（二）：谱", "随机矩阵漫谈（三）：谱"), ("解法（上）", "解法（下）")])
def test_series_markers_tell_numbers_apart(a, b):
    assert markers(a) != markers(b)


@pytest.mark.parametrize("title,prefixes", [("细水长河之源头：概念", ["细水长河", "细水长河之源头"]),
                                            ("“再快一点！”：更快的层", ["“再快一点!”"]), ("总之：没有前缀", [])])
def test_series_title_prefixes(title, prefixes):
    assert title_prefixes(title) == prefixes


def test_series_numbered_titles_keep_their_numbers():
    posts = [_post("【优化笔记】3. 梯度的几何"), _post("【优化笔记】5. 动量")]
    assert sorted((name, pos) for _, name, pos in detect_series(posts)) == [("优化笔记", 3), ("优化笔记", 5)]


def test_series_shared_prefix_is_the_longest_one_shared():
    posts = [_post("小小梯度之旅之出发"), _post("小小梯度之旅之归来"), _post("小小梯度之外：别的")]
    assert {name for _, name, _ in detect_series(posts)} == {"小小梯度之旅"}


def test_series_shared_prefix_orders_members_by_date():
    posts = [_post("细水长河之入海：结语", "2021-05-01"), _post("细水长河之源头：概念", "2021-01-01"),
             _post("一个无关的标题之类的：东西")]
    got = {p.title: (name, pos) for p in posts for k, name, pos in detect_series(posts) if k == p.key}
    assert got == {"细水长河之源头：概念": ("细水长河", 1), "细水长河之入海：结语": ("细水长河", 2)}


@pytest.mark.parametrize("cited", [(), ("细水长河之源头：概念",)])
def test_series_single_prefix_post_needs_a_second_member(cited):
    posts = [_post("细水长河之入海：结语")]
    assert bool(detect_series(posts, cited)) == bool(cited)


def test_series_parts_make_a_series_of_two():
    posts = [_post("冷启动问题的两个解法（下）"), _post("冷启动问题的两个解法（上）")]
    got = sorted((p.title, pos) for p in posts for k, _, pos in detect_series(posts) if k == p.key)
    assert got == [("冷启动问题的两个解法（上）", 1), ("冷启动问题的两个解法（下）", 2)]


def test_series_turtle_has_series_with_positions(fixtures: Path, tmp_path):
    from graphkb.build import build

    build([str(fixtures / "citations" / "posts")], str(tmp_path), formats=["turtle"], default_concepts=False)
    g = rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")
    rows = {(str(name), int(pos)) for name, pos in g.query(
        """SELECT ?name ?pos WHERE { ?s a schema:CreativeWorkSeries ; schema:name ?name .
                                   ?p schema:isPartOf ?s ; schema:position ?pos }""", initNs={"schema": SCHEMA})}
    assert rows == {("随机矩阵漫谈", 1), ("随机矩阵漫谈", 2), ("小小梯度之旅", 1), ("小小梯度之旅", 2)}
