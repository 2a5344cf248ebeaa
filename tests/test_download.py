"""Verified downloads: releases served from 127.0.0.1, fetched by version, checked and cached."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import japan_nato
from japan_nato.cli import app
from japan_nato.releases import ReleaseError, verify_release, versions
from tests.releases_server import serve

ROOT = Path(__file__).resolve().parents[1]
REPO_RELEASES = ROOT / "datasets" / "releases"
LATEST = versions(REPO_RELEASES)[-1]


@pytest.fixture
def served(tmp_path):
    """A copy of the published releases, served over HTTP on 127.0.0.1."""
    folder = tmp_path / "served"
    shutil.copytree(REPO_RELEASES, folder)
    with serve(folder) as server:
        server.folder = folder
        yield server


@pytest.fixture
def env(tmp_path, monkeypatch, served):
    """The download settings pointing at the local server, an empty cache, and no local releases."""
    monkeypatch.setenv("JAPAN_NATO_BASE_URL", served.url)
    monkeypatch.setenv("JAPAN_NATO_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("JAPAN_NATO_RELEASES", raising=False)
    work = tmp_path / "work"
    (work / "datasets" / "releases").mkdir(parents=True)  # a project folder with no releases yet
    monkeypatch.chdir(work)
    return tmp_path / "cache"


def _download(*args):
    return CliRunner().invoke(app, ["download", *args])


def test_download_fetches_every_file_and_verifies_it(served, tmp_path):
    got = tmp_path / "got"
    result = _download(LATEST, "--dir", str(got), "--base-url", served.url)
    assert result.exit_code == 0, result.output
    assert f"release {LATEST} in {got / LATEST}" in result.output
    assert verify_release(got / LATEST) == []
    for f in (REPO_RELEASES / LATEST).iterdir():
        assert (got / LATEST / f.name).read_bytes() == f.read_bytes()
    assert sorted(p for p in served.requests if p.startswith(f"/{LATEST}/")) == sorted(
        f"/{LATEST}/{f.name}" for f in (REPO_RELEASES / LATEST).iterdir()
    )
    assert not list(got.glob(".*")), "the staging folder is left behind"


def test_a_cached_release_is_not_fetched_again(served, env):
    first = _download(LATEST)
    assert first.exit_code == 0, first.output
    assert (env / LATEST / "manifest.json").exists()
    asked = len(served.requests)
    second = _download(LATEST)
    assert second.exit_code == 0, second.output
    assert "0 downloaded" in second.output
    assert len(served.requests) == asked, served.requests[asked:]


def test_a_damaged_cached_file_is_fetched_again(served, env):
    assert _download(LATEST).exit_code == 0
    damaged = env / LATEST / "events.parquet"
    damaged.write_bytes(b"not parquet")
    asked = len(served.requests)
    result = _download(LATEST)
    assert result.exit_code == 0, result.output
    assert served.requests[asked:] == [f"/{LATEST}/events.parquet"]
    assert verify_release(env / LATEST) == []


def test_a_tampered_file_is_refused_and_nothing_is_kept(served, tmp_path):
    target = served.folder / LATEST / "events.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    got = tmp_path / "got"
    result = _download(LATEST, "--dir", str(got), "--base-url", served.url)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: refused ") and "events.parquet" in lines[0] and "sha256" in lines[0]
    assert "Traceback" not in result.output
    assert not got.exists() or not any(got.iterdir()), list(got.iterdir())


def test_a_consistent_forgery_of_a_published_version_is_refused(served, tmp_path):
    """The server rewrites a file and its hash in the manifest: the manifest is not the one this code
    pins for that version, so nothing is fetched."""
    import hashlib
    import json

    folder = served.folder / LATEST
    target = folder / "events.parquet"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["events.parquet"]["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    (folder / "manifest.json").chmod(0o644)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    got = tmp_path / "got"
    result = _download(LATEST, "--dir", str(got), "--base-url", served.url)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: {served.url}/{LATEST}/manifest.json is not the manifest published for release {LATEST} "
        "(its sha256 differs)"
    )
    assert not got.exists() or not any(got.iterdir())


@pytest.mark.parametrize(
    "version, expected",
    [("9.9.9", "error: no release 9.9.9 at "), ("nine", "error: 'nine' is not a version like 1.0.0")],
)
def test_an_unknown_version_is_answered_in_one_line(served, tmp_path, version, expected):
    result = _download(version, "--dir", str(tmp_path / "got"), "--base-url", served.url)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), lines
    assert not (tmp_path / "got" / version).exists()


def test_no_server_is_answered_in_one_line(tmp_path):
    with serve(tmp_path) as server:
        url = server.url  # a port that is closed once the server stops
    result = _download(LATEST, "--dir", str(tmp_path / "got"), "--base-url", url)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: cannot download release {LATEST}: {url}/{LATEST}/manifest.json: connection refused"
    ]


def test_connect_downloads_a_release_the_machine_lacks(served, env):
    con = japan_nato.connect(version=LATEST)
    assert con.sql("SELECT version FROM release_info").fetchone() == (LATEST,)
    assert con.sql("SELECT count(*) FROM actors").fetchone()[0] > 0
    assert con.sql("SELECT path FROM release_info").fetchone()[0] == str((env / LATEST).resolve())


def test_connect_latest_asks_the_base_url_which_is_newest(served, env):
    con = japan_nato.connect(version="latest", quiet=True)
    assert con.sql("SELECT version FROM release_info").fetchone() == (LATEST,)
    assert "/CHANGELOG.md" in served.requests


def test_offline_with_a_warm_cache(served, env, monkeypatch):
    assert _download(LATEST).exit_code == 0
    expected = japan_nato.connect(version=LATEST).sql("SELECT count(*) FROM events").fetchone()
    served.shutdown()
    served.server_close()
    con = japan_nato.connect(version=LATEST)
    assert con.sql("SELECT count(*) FROM events").fetchone() == expected
    con = japan_nato.connect(version="latest", quiet=True)  # the base URL is gone: newest cached
    assert con.sql("SELECT version FROM release_info").fetchone() == (LATEST,)
    with pytest.raises(ReleaseError, match="cannot download release 1.0.0: .*connection refused"):
        japan_nato.connect(version="1.0.0")  # not cached, and offline


def test_a_checkout_with_releases_never_downloads(served, env):
    local = Path("datasets/releases")
    shutil.copytree(REPO_RELEASES / "1.0.0", local / "1.0.0")
    with pytest.raises(ReleaseError, match=f"no release {LATEST} in datasets/releases; published: 1.0.0"):
        japan_nato.connect(version=LATEST)
    assert served.requests == []
    assert japan_nato.connect(version="1.0.0").sql("SELECT version FROM release_info").fetchone() == ("1.0.0",)


@pytest.mark.slow
def test_connect_from_a_wheel_in_a_clean_virtualenv(served, tmp_path):
    uv = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    dist = tmp_path / "dist"
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("japan_nato-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True)
    subprocess.run(
        [uv, "pip", "install", "--python", str(venv / "bin/python"), str(wheel)], check=True, capture_output=True
    )
    code = (
        f"import japan_nato; con = japan_nato.connect(version='{LATEST}');"
        "print(*con.sql('SELECT version, path FROM release_info').fetchone());"
        "print(con.sql('SELECT count(*) FROM actors').fetchone()[0])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "JAPAN_NATO_BASE_URL": served.url,
        "JAPAN_NATO_CACHE": str(tmp_path / "cache"),
    }
    run = subprocess.run([str(venv / "bin/python"), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    version, path = run.stdout.splitlines()[0].split(" ", 1)
    assert (version, path) == (LATEST, str(tmp_path / "cache" / LATEST))
    expected = japan_nato.connect(version=LATEST, releases=REPO_RELEASES).sql("SELECT count(*) FROM actors")
    assert int(run.stdout.splitlines()[1]) == expected.fetchone()[0]
    assert f"downloaded release {LATEST}" in run.stderr


def test_the_site_get_a_release_snippet_runs_as_written(served, tmp_path):
    """The front page's 'Get a release' lines, with the server's address as its base URL, run by a
    shell whose PATH has the package (an activated virtualenv), in a folder with no releases."""
    import html
    import os
    import re

    from japan_nato.site.versions import index_page, load

    page = index_page(load(REPO_RELEASES, versions(REPO_RELEASES)), served.url)
    snippet = html.unescape(re.search(r"<h2>Get a release</h2>.*?<pre><code>(.*?)</code></pre>", page, re.S).group(1))
    assert snippet.startswith(f"export JAPAN_NATO_BASE_URL={served.url}\n"), snippet
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "JAPAN_NATO_CACHE": str(tmp_path / "cache"),
    }
    env.pop("JAPAN_NATO_RELEASES", None)
    out = subprocess.run(["bash", "-c", snippet], capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert LATEST in out.stdout, out.stdout  # release_info names the version
    assert f"/{LATEST}/manifest.json" in served.requests, "it was not downloaded from the base URL"
