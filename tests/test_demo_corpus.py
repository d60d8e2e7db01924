"""The bundled demo corpus: every layout present, every post read, duplicates merged (see graphkb/demo/MANIFEST.md)."""
from __future__ import annotations


def test_demo_corpus_reads_fifteen_posts_in_four_layouts(demo_build):
    result, _ = demo_build
    assert len(result.posts) == 15 and result.stats["posts_read"] == 17
    assert {f["layout"] for f in result.files} == {"listing", "frontpage", "postfile", "jsonl"}


def test_demo_corpus_merges_the_two_duplicates(demo_build):
    result, _ = demo_build
    merged = {m["title"]: m for m in result.merged}
    assert merged["【词向量漫谈】1. 从共现矩阵说起"]["readers_kept"] == 23456
    assert merged["CRF再回顾：线性链与前向算法"]["readers_kept"] == 15320


def test_demo_corpus_only_problem_is_the_untitled_post(demo_build):
    result, _ = demo_build
    assert [(p.kind, p.line) for p in result.problems] == [("untitled", 52)]
