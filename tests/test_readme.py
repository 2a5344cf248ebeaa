"""Every example in the README runs: each ```python block as a script from the repository root,
each ```sql block against the newest release."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("code", _blocks("python"), ids=lambda c: c.strip().splitlines()[-1][:60])
def test_python_example_runs(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip(), "the example printed nothing"


@pytest.mark.parametrize("query", _blocks("sql"), ids=lambda q: q.strip().splitlines()[0][:60])
def test_sql_example_runs(query):
    import japan_nato

    con = japan_nato.connect(releases=ROOT / "datasets" / "releases", quiet=True)
    assert con.execute(query).fetchall(), "the example returned no rows"


def test_the_version_examples_keep_columns_added_later():
    """The point of those examples: every version is there, and role_class is kept where it exists."""
    import duckdb

    rows = duckdb.sql(
        "SELECT regexp_extract(filename, 'releases/([0-9.]+)/', 1) AS v, count(role_class) "
        f"FROM read_parquet('{ROOT}/datasets/releases/*/actor_roles.parquet', union_by_name = true, filename = true) "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    counts = dict(rows)
    assert counts["1.0.0"] == 0 and all(n > 0 for v, n in counts.items() if v != "1.0.0")


def _command_lines() -> list[str]:
    """Every `.venv/bin/japan-nato ...` line of the README's ```sh blocks, comment dropped."""
    lines = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            if line.startswith(".venv/bin/japan-nato "):
                lines.append(re.sub(r"\s+#.*$", "", line))
    return lines


def test_the_readme_writes_every_command_as_it_runs():
    """No bare `japan-nato` in a shell block: after setup it is not on PATH."""
    bare = [ln for b in _blocks("sh") for ln in b.splitlines() if ln.startswith("japan-nato ")]
    assert bare == [] and len(_command_lines()) >= 8


def _checkout(tmp_path: Path, built_db: Path) -> None:
    """A scratch folder that looks like the checkout: its .venv and datasets, a build, `my.duckdb`."""
    import shutil

    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "datasets").symlink_to(ROOT / "datasets")
    (tmp_path / "build").mkdir()
    shutil.copy(built_db, tmp_path / "build" / "japan_nato.duckdb")
    shutil.copy(built_db, tmp_path / "my.duckdb")


def _python_commands() -> list[str]:
    """The README's ```sh blocks that run `.venv/bin/python -c ...` (a query on the built database)."""
    return [b for b in _blocks("sh") if b.startswith(".venv/bin/python ")]


@pytest.mark.parametrize("block", _python_commands(), ids=lambda b: b.splitlines()[0][:50])
def test_readme_python_command_runs_as_written(block, built_db, tmp_path):
    """'A first query': run by a shell, as pasted, in a folder like the checkout; it prints rows."""
    _checkout(tmp_path, built_db)
    out = subprocess.run(["bash", "-c", block], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    table = [ln for ln in out.stdout.splitlines() if ln.startswith("│")]
    assert len(table) > 3, out.stdout  # the header, its types, and rows


def test_the_readme_has_a_first_query():
    assert len(_python_commands()) >= 1


@pytest.mark.parametrize("line", _command_lines(), ids=lambda ln: ln.removeprefix(".venv/bin/japan-nato ")[:50])
def test_readme_command_runs_as_written(line, built_db, tmp_path):
    """Each command line, run by a shell in a scratch folder that looks like the checkout (its
    datasets, a build, and `my.duckdb`), exits 0."""
    import shlex

    _checkout(tmp_path, built_db)
    if "downgrade" in line:  # as a user would: a file at the revision the example downgrades from
        subprocess.run([str(ROOT / ".venv/bin/japan-nato"), "upgrade", "my.duckdb"], cwd=tmp_path, check=True)
    out = subprocess.run(shlex.split(line), capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
