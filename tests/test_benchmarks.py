"""The benchmarks still run (at toy sizes; no timing is asserted: numbers live in `make bench`)."""

import subprocess
import sys

from .conftest import ROOT


def _run(script: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_load_benchmark_runs():
    text = _run("bench_load.py", "300")
    assert "300 synthetic events" in text and "rows/s" in text and "peak memory" in text


def test_gate_benchmark_runs_both_engines():
    text = _run("bench_gate.py", "2000")
    assert "GX over sql" in text and "GX over pandas" in text
    assert text.count("all passed: True") == 2
