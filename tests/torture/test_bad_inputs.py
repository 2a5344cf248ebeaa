"""Crafted bad inputs (bad_inputs.CASES): each edit to a copy of the curated files is rejected with
exit 1 and its exact problem line, no traceback, the previous good build byte-identical, and the
releases untouched.

The cases build in this process, through `build_database` with the gate, as `japan-nato build`
does (tests/test_break_curated.py); a handful run the real command line end to end. An outcome is
`accepted wrongly` when the build succeeds, `crashed` for any other departure from a clean refusal
(an exception other than the build's own, a traceback, a missing or wrong line, a changed file)."""

from __future__ import annotations

import pytest
from japan_nato.loaders.build import build_database
from japan_nato.loaders.problems import CuratedDataError
from japan_nato.quality.gate import GateFailed, gate_for_build

from . import figures
from .bad_inputs import CASES, Finding, Tree
from .helpers import RELEASES, clean_refusal, fingerprint, run_cli, sha256

pytestmark = pytest.mark.torture

# End to end through the real command line: a crash finding, a parse refusal, a size refusal, a
# reference with its did-you-mean, an unreadable byte.
CLI_CASES = [
    "yaml: NUL character",
    "yaml: alias bomb",
    "file over 32 MiB",
    "reference: unknown, with a did-you-mean",
    "number: a 400-digit integer",
]


def _expected(name: str, tree: Tree, texts) -> tuple[str, object]:
    apply, expect = CASES[name]
    path, line = apply(tree)
    where = f"{path}:{line}: " if line else f"{path}: "
    if isinstance(expect, str):
        expect = expect.replace("{file}", str(path)).replace("{seeds}", str(texts))
    return where, expect


def _found(lines: list[str], where: str, expect) -> bool:
    if isinstance(expect, Finding):
        return any(expect.matches(line, where) for line in lines)
    return where + expect in lines


def _describe(where: str, expect) -> str:
    if isinstance(expect, Finding):
        return f"a line starting {where + expect.rest!r} with {expect.contains}, without {expect.absent} ({expect.why})"
    return where + expect


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_is_rejected_cleanly(name, curated_copy, existing_db, texts):
    releases = fingerprint(RELEASES)
    with figures.case(figures.BAD_INPUTS, name, good="rejected cleanly", bad="crashed") as c:
        where, expect = _expected(name, Tree(curated_copy), texts)
        before = sha256(existing_db)
        try:
            build_database(curated_copy, existing_db, gate=gate_for_build(texts), sources_dir=texts, require_texts=True)
        except CuratedDataError as exc:
            lines = [str(p) for p in exc.problems]
        except GateFailed as exc:  # refused, though only by the gate
            lines = exc.lines
        else:
            c.outcome = "accepted wrongly"
            pytest.fail(f"the build accepted it; expected {_describe(where, expect)}")
        assert _found(lines, where, expect), f"expected {_describe(where, expect)}; got:\n" + "\n".join(lines[:20])
        assert sha256(existing_db) == before, "the previous build changed"
        assert [p.name for p in existing_db.parent.iterdir()] == [existing_db.name], "a file was left beside it"
        assert fingerprint(RELEASES) == releases, "the releases changed"


@pytest.mark.parametrize("name", CLI_CASES)
def test_a_bad_input_through_the_command_line(name, curated_copy, existing_db, texts, tmp_path):
    releases = fingerprint(RELEASES)
    with figures.case(figures.BAD_INPUTS, f"cli: {name}", good="rejected cleanly", bad="crashed") as c:
        where, expect = _expected(name, Tree(curated_copy), texts)
        before = sha256(existing_db)
        args = ["build", "--db", str(existing_db), "--curated", str(curated_copy), "--sources-dir", str(texts)]
        result = run_cli(*args, tmpdir=tmp_path / "tmp")
        if result.returncode == 0:
            c.outcome = "accepted wrongly"
        assert result.returncode == 1, result.stderr[-3000:]
        assert clean_refusal(result.stderr), result.stderr[-3000:]
        lines = result.stderr.splitlines()
        assert _found(lines, where, expect), f"expected {_describe(where, expect)}; got:\n" + "\n".join(lines[:20])
        assert lines[-1].endswith(f"; {existing_db} was not changed"), lines[-1]
        assert sha256(existing_db) == before
        assert [p.name for p in existing_db.parent.iterdir()] == [existing_db.name]
        assert list((tmp_path / "tmp").iterdir()) == [], "litter in TMPDIR"
        assert fingerprint(RELEASES) == releases


def test_enough_bad_inputs():
    assert len(CASES) >= 60
