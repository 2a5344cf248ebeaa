"""The benchmarks still run (at toy sizes; no timing is asserted: numbers live in `make bench`).

They run in this process (`--in-process`), so GX is imported once for the whole suite, not once
per benchmark child."""

import runpy
import sys

import pytest

from .conftest import ROOT


def _run(capsys, monkeypatch, script: str, *args: str) -> str:
    monkeypatch.setattr(sys, "argv", [script, *args])
    try:
        runpy.run_path(str(ROOT / "benchmarks" / script), run_name="__main__")
    except SystemExit as exc:
        assert exc.code in (None, 0), capsys.readouterr().out
    return capsys.readouterr().out


def test_load_benchmark_runs(capsys, monkeypatch):
    text = _run(capsys, monkeypatch, "bench_load.py", "--in-process", "--invalid", "20", "1500")
    assert "1,500 events" in text and "rows/s" in text and "pipeline / baseline" in text
    assert "20 planted, 20 reported with file:line and reason, 0 missed, 0 other problem(s)" in text


def test_gate_benchmark_runs_both_engines(capsys, monkeypatch):
    text = _run(capsys, monkeypatch, "bench_gate.py", "--in-process", "2000")
    assert "GX over sql" in text and "GX over pandas" in text
    assert text.count("all passed: True") == 2


@pytest.mark.parametrize("script", ["bench_load.py", "bench_gate.py"])
def test_benchmarks_fail_loudly(capsys, monkeypatch, script):
    """A benchmark that cannot run says so and exits non-zero (it is not a silent number)."""
    monkeypatch.setattr(sys, "argv", [script, "not-a-number"])
    with pytest.raises((SystemExit, ValueError)):
        runpy.run_path(str(ROOT / "benchmarks" / script), run_name="__main__")
