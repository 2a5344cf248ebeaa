"""Tampered releases (a copy the code treats as the project's own, pinned): every case is caught by
`japan-nato verify` and refused by `japan_nato.connect(version=...)`.

The cases of tests/test_release_safety.py (TAMPERS) run here through that file's own check, so the
suite counts them without restating them; the cases below add what it does not try."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import japan_nato
from japan_nato.cli import app
from japan_nato.releases import ReleaseError

from .. import test_release_safety as safety
from . import figures
from .helpers import RELEASES

pytestmark = pytest.mark.torture

NEWEST = safety.NEWEST
project_releases = safety.project_releases  # the fixture


def _rewrite(change):
    return lambda r: safety._rewrite_manifest(r / NEWEST, change)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _swap(a, b):
    da, db = a.read_bytes(), b.read_bytes()
    a.write_bytes(db)
    b.write_bytes(da)


def _extra_folder(root):
    (root / NEWEST / "extra").mkdir()
    (root / NEWEST / "extra" / "notes.txt").write_text("added\n")


def _foreign_manifest(root):
    shutil.copy(root / "2.1.1" / "manifest.json", root / NEWEST / "manifest.json")


EXTRA = {
    "a truncated file": (NEWEST, lambda r: _truncate(r / NEWEST / "events.parquet")),
    "a renamed file": (NEWEST, lambda r: (r / NEWEST / "events.parquet").rename(r / NEWEST / "events_old.parquet")),
    "two files swapped": (NEWEST, lambda r: _swap(r / NEWEST / "events.parquet", r / NEWEST / "budgets.parquet")),
    "an edited row count": (NEWEST, _rewrite(lambda m: m["files"]["actors.parquet"].update(rows=1))),
    "an edited version field": (NEWEST, _rewrite(lambda m: m.update(version="9.9.9"))),
    "another release's manifest": (NEWEST, _foreign_manifest),
    "a manifest that is not JSON": (NEWEST, lambda r: (r / NEWEST / "manifest.json").write_text("{not json")),
    "an extra folder with a file": (NEWEST, _extra_folder),
    "a consistent forgery of a format-1 release": ("2.1.0", lambda r: safety._consistent_forgery(r / "2.1.0")),
    "a deleted release folder": (NEWEST, lambda r: shutil.rmtree(r / NEWEST)),
}
CASES = {**safety.TAMPERS, **EXTRA}


@pytest.mark.parametrize("case", list(CASES))
def test_a_tampered_release_is_caught(case, project_releases, monkeypatch):
    if case in EXTRA:
        monkeypatch.setitem(safety.TAMPERS, case, EXTRA[case])
    version = CASES[case][0]
    if not (project_releases / version).is_dir():
        pytest.skip(f"no release {version} in the repository")
    with figures.case(figures.TAMPER, case, good="caught", bad="missed"):
        safety.test_every_tamper_is_caught_by_verify_and_refused_by_connect(case, project_releases)


def test_the_table_is_whole():
    assert len(CASES) == len(safety.TAMPERS) + len(EXTRA)  # no case here hides one of test_release_safety


# A releases folder that is not the project's (--releases, a mirror, a download folder): no pins, so
# only what the files and the manifest can tell. Edits to a manifest's own fields and consistent
# forgeries cannot be seen there in principle; these can.
UNPINNED = [
    "a changed byte",
    "a deleted file",
    "an extra file",
    "a deleted manifest",
    "a truncated file",
    "a renamed file",
    "two files swapped",
    "an edited row count",
    "an edited version field",
    "another release's manifest",
    "a manifest that is not JSON",
    "an extra folder with a file",
]


@pytest.mark.parametrize("case", UNPINNED)
def test_a_tampered_release_is_caught_in_an_unpinned_folder(case, tmp_path):
    root = tmp_path / "releases"
    for v in ("2.1.1", NEWEST):
        shutil.copytree(RELEASES / v, root / v)
        for p in (root / v).iterdir():
            p.chmod(0o644)
    version, tamper = CASES[case]
    tamper(root)
    with figures.case(figures.TAMPER, f"{case} (unpinned folder)", good="caught", bad="missed"):
        result = CliRunner().invoke(app, ["verify", "--releases", str(root)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        named = [ln for ln in result.stderr.splitlines() if not ln.startswith(("warning", "error")) and version in ln]
        assert named, f"verify does not name release {version}:\n{result.stderr}"
        with pytest.raises(ReleaseError, match=version):
            japan_nato.connect(version, releases=root, quiet=True)
