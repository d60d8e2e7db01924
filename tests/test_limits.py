"""Limits with messages: an input larger than memory allows ends early, clearly, with exit 1 and no traceback."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

import graphkb.readers as readers
from graphkb.cli import app
from graphkb.errors import InputTooLargeError
from graphkb.readers import check_input_size, read_inputs

runner = CliRunner()


@pytest.fixture
def small_memory(monkeypatch):
    """A machine with 20 kB of memory available: a build may take about 2 kB of input."""
    monkeypatch.setattr(readers, "available_memory", lambda: 20_000)


@pytest.mark.parametrize("size", [20_000])
def test_limits_input_over_memory_raises_before_reading(tmp_path, small_memory, monkeypatch, size):
    (tmp_path / "big.jsonl").write_bytes(b"x" * size)
    monkeypatch.setattr(readers, "read_file", lambda *a, **k: pytest.fail("read before the size check"))
    with pytest.raises(InputTooLargeError) as e:
        read_inputs([str(tmp_path)])
    msg = str(e.value)
    assert msg.startswith("the input is 20.0 kB in 1 file(s), over 2.0 kB, what this machine can build now "
                          "(20.0 kB of memory available")
    assert "split the input" in msg and "--max-input-mb" in msg


@pytest.mark.parametrize("size,limit", [(5_000, 10_000)])
def test_limits_input_under_limit_passes(tmp_path, size, limit):
    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * size)
    assert check_input_size([str(f)], limit) == size


@pytest.mark.parametrize("limit", [10_000])
def test_limits_message_names_size_and_limit(tmp_path, limit):
    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * 2_500_000)
    with pytest.raises(InputTooLargeError, match=r"the input is 2\.5 MB in 1 file\(s\), over 10\.0 kB, the --max-input-mb limit"):
        check_input_size([str(f)], limit)


@pytest.mark.parametrize("oversize", [1])
def test_limits_files_over_the_per_file_limit_do_not_count(tmp_path, monkeypatch, oversize):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    (tmp_path / "huge.txt").write_bytes(b"x" * (1000 + oversize))  # skipped with a problem, never read
    (tmp_path / "ok.txt").write_bytes(b"y" * 10)
    assert check_input_size([str(tmp_path / "huge.txt"), str(tmp_path / "ok.txt")], 100) == 10


@pytest.mark.parametrize("args", [[], ["--max-input-mb", "0.001"]])
def test_limits_cli_exits_1_with_message_no_traceback(fixtures, tmp_path, small_memory, args):
    # the fixtures are ~3.5 kB of text: over both the memory limit (small_memory) and 0.001 MB
    out = tmp_path / "out"
    r = runner.invoke(app, ["build", str(fixtures / "readers"), "--out", str(out), "-q", *args])
    assert r.exit_code == 1
    assert r.output.startswith("graphkb: error: the input is") and "Traceback" not in r.output
    assert isinstance(r.exception, SystemExit)
    assert not (out / "graph.ttl").exists()


@pytest.mark.parametrize("mb", ["50"])
def test_limits_cli_max_input_mb_overrides_memory_limit(fixtures, tmp_path, small_memory, mb):
    r = runner.invoke(app, ["build", str(fixtures / "readers"), "--out", str(tmp_path / "o"), "-q", "--max-input-mb", mb])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "graph.ttl").exists()


def test_limits_available_memory_is_positive():
    assert readers.available_memory() > 0
