"""`graphkb build`: outputs, report.json, exit codes and messages."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from graphkb.cli import app

runner = CliRunner()


def _build(*args):
    return runner.invoke(app, ["build", *args])


def test_cli_build_writes_outputs_and_summary(fixtures, tmp_path):
    out = tmp_path / "out"
    r = _build(str(fixtures / "readers"), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} >= {"graph.ttl", "graph.html", "report.json"}
    assert "posts from" in r.output and "wrote" in r.output


def test_cli_build_report_lists_files_merges_and_problems(fixtures, tmp_path):
    out = tmp_path / "out"
    assert _build(str(fixtures / "readers"), "--out", str(out), "-q").exit_code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    files = {f["file"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert files["listing.txt"]["posts"] == 4 and files["listing.txt"]["layout"] == "listing"
    assert files["posts.jsonl"]["layout"] == "jsonl"
    assert report["merged_duplicates"][0]["title"] == "梯度下降的几何直观"
    kinds = {(p["file"].rsplit("/", 1)[-1], p["line"], p["kind"]) for p in report["problems"]}
    assert ("posts.jsonl", 2, "bad-record") in kinds and ("listing_truncated.txt", 5, "truncated") in kinds


def test_cli_build_no_posts_exits_1_naming_layouts(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.bin").write_bytes(b"\x00" * 100)
    r = _build(str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert "no post could be read" in r.output and "listing, frontpage, postfile, jsonl" in r.output
    assert "x.bin: error: binary file" in r.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


@pytest.mark.parametrize("args", [["--format", "nosuchlayout"], ["--format", "listing,jsonl"], ["--year", "abc"]])
def test_cli_build_usage_errors_exit_2(fixtures, tmp_path, args):
    r = _build(str(fixtures / "readers"), "--out", str(tmp_path / "o"), *args)
    assert r.exit_code == 2


def test_cli_build_missing_input_exits_1(tmp_path):
    r = _build(str(tmp_path / "does-not-exist"), "--out", str(tmp_path / "o"))
    assert r.exit_code == 1 and "no such file or folder" in r.output


def test_cli_build_forced_layout(fixtures, tmp_path):
    out = tmp_path / "o"
    r = _build(str(fixtures / "readers" / "posts" / "4411.md"), "--format", "listing", "--out", str(out), "-q")
    assert r.exit_code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["files"][0]["layout"] == "listing"


def test_cli_build_year_option(fixtures, tmp_path):
    out = tmp_path / "o"
    assert _build(str(fixtures / "readers" / "frontpage.txt"), "--year", "2018", "--out", str(out), "-q").exit_code == 0
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert '"2018-03-12"^^xsd:date' in ttl and "gMonthDay" not in ttl


def test_cli_build_default_is_demo_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _build("-q")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "output" / "graph.ttl").stat().st_size > 0


def test_atomic_write_failure_keeps_previous_file(tmp_path):
    from graphkb.export.atomic import atomic_open

    target = tmp_path / "graph.ttl"
    target.write_text("old complete graph", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_open(str(target), "w", encoding="utf-8") as fh:
            fh.write("half of a new gra")
            raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old complete graph"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_build_second_build_into_same_folder_fails_clearly(fixtures, tmp_path):
    from graphkb.build import build, output_lock
    from graphkb.errors import OutputLockedError

    out = tmp_path / "o"
    with output_lock(str(out)):
        with pytest.raises(OutputLockedError, match="another graphkb build is writing"):
            build([str(fixtures / "readers" / "listing.txt")], str(out))


def test_cli_build_console_command_keeps_exit_codes_and_output(tmp_path):
    """`graphkb` (cli.main) leaves with os._exit after flushing: exit codes and printed text must survive."""
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, "-m", "graphkb.cli", *args], capture_output=True, text=True, timeout=300)

    (tmp_path / "empty").mkdir()
    ok = run("build", "--out", str(tmp_path / "out"))
    assert ok.returncode == 0 and "wrote" in ok.stdout
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    nothing = run("build", str(tmp_path / "empty"), "--out", str(tmp_path / "out2"))
    assert nothing.returncode == 1 and "graphkb: error:" in nothing.stderr
    usage = run("build", "--format", "nonsense", "--out", str(tmp_path / "out3"))
    assert usage.returncode == 2 and "unknown format" in usage.stderr
    assert run("--help").returncode == 0


def test_cli_build_never_reads_an_output_folder_as_input(tmp_path):
    """`graphkb build .` with output/ inside: last build's graph.ttl, report.json and aliases.tsv are not posts."""
    import shutil

    from graphkb.demo import CORPUS

    src = tmp_path / "blog"
    shutil.copytree(CORPUS, src)
    assert _build(str(src), "--out", str(src / "output"), "-q").exit_code == 0
    first = json.loads((src / "output" / "report.json").read_text(encoding="utf-8"))
    again = _build(str(src), "--out", str(src / "output"), "-q")  # the outputs now sit inside the input
    assert again.exit_code == 0
    report = json.loads((src / "output" / "report.json").read_text(encoding="utf-8"))
    assert report["posts"] == first["posts"]
    assert not any("/output/" in f["file"] for f in report["files"])
    assert [p["kind"] for p in report["problems"] if p["file"].endswith("output")] == ["output-folder"]
