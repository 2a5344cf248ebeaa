"""Reading a release is safe: nothing from a manifest or a path is spliced into SQL, the project's
releases are checked against the pins the code ships, a tampered release is refused before it is
served, and published files are read-only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import japan_nato
from japan_nato.cli import app
from japan_nato.releases import ReleaseError, pins
from japan_nato.releases.store import sha256_file, versions
from japan_nato.releases.verify import make_read_only, writable_files

from .conftest import ROOT, sources_dir

RELEASES = ROOT / "datasets" / "releases"
NEWEST = versions(RELEASES)[-1]  # a format-2 release; 'latest' is it


@pytest.fixture
def project_releases(tmp_path, monkeypatch) -> Path:
    """A copy of the repository's releases that the code treats as the repository's own (pinned)."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root)
    pinned = tmp_path / "published.json"
    shutil.copy(pins.PINS_PATH, pinned)
    monkeypatch.setattr(pins, "REPO_RELEASES", root)
    monkeypatch.setattr(pins, "PINS_PATH", pinned)
    return root


def _rewrite_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _flip_last_byte(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))


def _consistent_forgery(folder: Path) -> None:
    """Rewrite a parquet file and its hash and size in the manifest: the manifest still agrees."""
    target = folder / "actors.parquet"
    _flip_last_byte(target)
    digest, size = sha256_file(target), target.stat().st_size

    def change(m):
        m["files"]["actors.parquet"].update(sha256=digest, bytes=size)

    _rewrite_manifest(folder, change)


TAMPERS = {  # case: (the release it hits, how)
    "a changed byte": (NEWEST, lambda r: _flip_last_byte(r / NEWEST / "events.parquet")),
    "a deleted file": (NEWEST, lambda r: (r / NEWEST / "budgets.parquet").unlink()),
    "an extra file": (NEWEST, lambda r: (r / NEWEST / "notes.txt").write_text("added\n")),
    "an extra file in a format-1 release": ("2.1.0", lambda r: (r / "2.1.0" / "notes.txt").write_text("added\n")),
    "an edited datapackage.json (format 1)": ("2.1.0", lambda r: _flip_last_byte(r / "2.1.0" / "datapackage.json")),
    "an edited CHANGES.md (format 1)": ("2.0.0", lambda r: (r / "2.0.0" / "CHANGES.md").write_text("rewritten\n")),
    "an edited CHANGES.md (format 2)": (NEWEST, lambda r: (r / NEWEST / "CHANGES.md").write_text("rewritten\n")),
    "an edited schema_revision": (
        NEWEST,
        lambda r: _rewrite_manifest(r / NEWEST, lambda m: m.update(schema_revision="x")),
    ),
    "an edited quality_gate": (
        NEWEST,
        lambda r: _rewrite_manifest(r / NEWEST, lambda m: m["quality_gate"].update(passed=1)),
    ),
    "an edited source sha256": (
        "2.1.0",
        lambda r: _rewrite_manifest(r / "2.1.0", lambda m: m["sources"][0].update(sha256="0")),
    ),
    "a consistent forgery": (NEWEST, lambda r: _consistent_forgery(r / NEWEST)),
    "a deleted manifest": (NEWEST, lambda r: (r / NEWEST / "manifest.json").unlink()),
}


@pytest.mark.parametrize("case", list(TAMPERS))
def test_every_tamper_is_caught_by_verify_and_refused_by_connect(case, project_releases):
    version, tamper = TAMPERS[case]
    for p in (project_releases / version).iterdir():
        p.chmod(0o644)  # as an attacker with write access would
    tamper(project_releases)
    result = CliRunner().invoke(app, ["verify", "--releases", str(project_releases)])
    assert result.exit_code == 1, result.output
    assert any(f"/{version}/" in line for line in result.stderr.splitlines() if not line.startswith("warning")), (
        result.stderr
    )
    with pytest.raises(ReleaseError, match=f"release {version} "):
        japan_nato.connect(version, releases=project_releases, quiet=True)
    if version == NEWEST:  # 'latest' never moves back silently to an older release
        with pytest.raises(ReleaseError, match=NEWEST):
            japan_nato.connect("latest", releases=project_releases, quiet=True)


def test_an_unpublished_version_is_not_served_as_latest(project_releases):
    shutil.copytree(project_releases / NEWEST, project_releases / "9.9.9")
    _rewrite_manifest(project_releases / "9.9.9", lambda m: m.update(version="9.9.9"))
    with pytest.raises(ReleaseError, match="9.9.9 is not a version this code knows was published"):
        japan_nato.connect("latest", releases=project_releases, quiet=True)
    result = CliRunner().invoke(app, ["verify", "--releases", str(project_releases)])
    assert result.exit_code == 1 and "9.9.9 is not a version this code knows was published" in result.stderr


def test_the_intact_releases_verify_and_serve(project_releases):
    result = CliRunner().invoke(app, ["verify", "--releases", str(project_releases)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("(pinned)") == len(pins.load())
    con = japan_nato.connect(NEWEST, releases=project_releases, quiet=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_a_hostile_manifest_name_is_never_run_as_sql(tmp_path, monkeypatch):
    """A file whose name is SQL, listed with its true hash so the manifest itself checks out: the
    reader refuses to make a view of it, and nothing is written."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES / NEWEST, root / NEWEST)
    folder = root / NEWEST
    for p in folder.iterdir():
        p.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    written = tmp_path / "pwned.csv"
    name = "x') ; COPY (SELECT 'x') TO 'pwned.csv' (FORMAT csv); SELECT ('.parquet"
    shutil.copy(folder / "actors.parquet", folder / name)
    rows = json.loads((folder / "manifest.json").read_text())["files"]["actors.parquet"]["rows"]
    entry = {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size, "rows": rows}
    _rewrite_manifest(folder, lambda m: m["files"].update({name: entry}))
    with pytest.raises(ReleaseError, match="which is not a table's file"):
        japan_nato.connect(NEWEST, releases=root, quiet=True)
    result = CliRunner().invoke(app, ["sql", "--releases", str(root), "--version", NEWEST, "SELECT 1"])
    assert result.exit_code == 1 and "which is not a table's file" in result.stderr
    assert not written.exists()


def test_a_quote_in_the_releases_path_is_only_a_path(tmp_path):
    root = tmp_path / "it's releases"
    for v in ("2.1.0", NEWEST):
        shutil.copytree(RELEASES / v, root / v)
    con = japan_nato.connect(NEWEST, releases=root, quiet=True)
    assert con.execute("SELECT path FROM release_info").fetchone()[0] == str((root / NEWEST).resolve())
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    dry_run = ["publish", "--dry-run", *(["--sources-dir", str(sources_dir())] if sources_dir() else [])]
    for args in (["sql", "--version", NEWEST, "SELECT count(*) FROM actors"], ["diff", "2.1.0", NEWEST]):
        result = CliRunner().invoke(app, [*args, "--releases", str(root)])
        assert result.exit_code == 0, result.output
    # The dry run gets as far as comparing the build with the newest release (the curated files
    # are that release), rather than failing on the path.
    result = CliRunner().invoke(app, [*dry_run, "--releases", str(root)])
    assert result.stderr.splitlines()[-1:] == [f"error: nothing changed since {NEWEST}; no release made"], result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_published_files_are_read_only_and_verify_warns_of_a_writable_one(tmp_path):
    folder = tmp_path / NEWEST
    shutil.copytree(RELEASES / NEWEST, folder)
    make_read_only(folder)
    assert writable_files(folder) == []
    (folder / "events.parquet").chmod(0o644)
    assert writable_files(folder) == [folder / "events.parquet"]
    result = CliRunner().invoke(app, ["verify", NEWEST, "--releases", str(tmp_path)])
    assert result.exit_code == 0
    assert f"warning: 1 file(s) of release {NEWEST} writable, {folder / 'events.parquet'} first" in result.stderr


def test_verify_reports_a_changelog_an_interrupted_publish_left(tmp_path):
    from japan_nato.releases.metadata import write_changelog

    root = tmp_path / "releases"
    for v in ("2.1.0", NEWEST):
        shutil.copytree(RELEASES / v, root / v)
    write_changelog(root)
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    (root / "CHANGELOG.md").write_text(text.split(f"## {NEWEST}")[0] + "## 2.1.0" + text.split("## 2.1.0")[1])
    result = CliRunner().invoke(app, ["verify", "--releases", str(root)])
    assert result.exit_code == 1 and "CHANGELOG.md: does not list every release" in result.stderr
    write_changelog(root)  # what the next publish does first
    assert CliRunner().invoke(app, ["verify", "--releases", str(root)]).exit_code == 0
