"""The release site's parts, without a browser, Graphviz or npm (those are in test_site_browser.py)."""

from __future__ import annotations

import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import japan_nato
from japan_nato.cli import app
from japan_nato.releases import versions
from japan_nato.site import analyses, console, plots, schema_pages, vendor
from japan_nato.site import versions as version_pages

ROOT = Path(__file__).resolve().parents[1]
REPO_RELEASES = ROOT / "datasets" / "releases"
NAMES = versions(REPO_RELEASES)


@pytest.fixture(scope="module")
def newest():
    return japan_nato.connect(version=NAMES[-1], releases=REPO_RELEASES, quiet=True)


@pytest.mark.parametrize("analysis", analyses.ANALYSES, ids=lambda a: a.id)
def test_every_example_analysis_answers_on_the_newest_release(newest, analysis):
    columns, rows = analyses.run(newest, analysis)
    assert rows, f"{analysis.id} returns no rows"
    assert len(columns) == len(set(columns))
    again = analyses.run(newest, analysis)[1]
    assert rows == again


def test_the_example_analyses_say_what_the_data_says(newest):
    _, troops = analyses.run(newest, next(a for a in analyses.ANALYSES if a.id == "troops-in-russia"))
    assert {(low, high) for low, high, *_ in troops} == {(11000, 13000), (14000, 15000)}
    _, cited = analyses.run(newest, next(a for a in analyses.ANALYSES if a.id == "citations-per-table"))
    total = newest.sql("SELECT count(*) FROM citations").fetchone()[0]
    assert sum(r[1] for r in cited) == total


@pytest.mark.parametrize("version", NAMES)
def test_every_example_runs_on_every_version(version):
    con = japan_nato.connect(version=version, releases=REPO_RELEASES, quiet=True)
    for a in analyses.ANALYSES:
        analyses.run(con, a)


def test_the_sql_page_offers_every_version_and_example():
    releases = version_pages.load(REPO_RELEASES, NAMES)
    html = console.sql_page(releases)
    data = json.loads(re.search(r'<script type="application/json" id="catalog">(.*?)</script>', html, re.S)[1])
    assert [v["version"] for v in data["versions"]] == NAMES and data["newest"] == NAMES[-1]
    assert "events" in data["versions"][0]["tables"]
    assert [x["sql"] for x in data["examples"]] == [a.sql for a in analyses.ANALYSES]
    assert "http://" not in html and "https://" not in html


def test_plots_are_reproducible_and_show_the_data(newest):
    drawn = plots.plots(newest)
    assert [p.name for p in drawn] == [
        "events-by-kind",
        "events-by-actor",
        "defence-spending",
        "figures",
        "co-appearance",
    ]
    first = plots.render(drawn[0])
    assert first == plots.render(plots.events_by_kind(newest)), "the same release gave different SVG"
    assert first.startswith("<svg") and "missile_launch" in first
    figures = plots.render(drawn[3])
    assert "14,000–15,000 count" in figures and "11,000–13,000 count" in figures
    heat = plots.render(drawn[4])
    assert "North Atlantic Treaty Organization" in heat


def test_the_erd_has_every_table_and_reference():
    dot = schema_pages.erd_dot()
    from japan_nato.schema import catalog

    for t in catalog.table_names():
        assert f'"{t}" [' in dot
    for src, col, target in catalog.references():
        assert f'"{src}":"{col}" -> "{target}":"{catalog.table(target).key}";' in dot
    assert '"quantities":"record_id" -> "events":"event_id" [style=dashed];' in dot


def test_every_anchor_of_the_dictionary_page_exists():
    html = schema_pages.dictionary_page("<svg></svg>")
    ids = set(re.findall(r' id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert links and links <= ids, sorted(links - ids)


def test_a_version_page_lists_every_file_with_its_sha256():
    releases = version_pages.load(REPO_RELEASES, NAMES)
    html = version_pages.version_page(releases[-1], releases[-2])
    for name, entry in releases[-1].manifest["files"].items():
        assert f'href="../releases/{NAMES[-1]}/{name}"' in html
        assert entry["sha256"] in html
    assert f"Diff against {NAMES[-2]}" in html and "Quality report" in html
    index = version_pages.index_page(releases, "http://example.test/releases")
    for v in NAMES:
        assert f'href="versions/{v}.html"' in index


def test_a_published_bump_that_differs_from_todays_rule_is_explained():
    releases = {r.version: r for r in version_pages.load(REPO_RELEASES, NAMES)}
    html = version_pages.version_page(releases["2.0.0"], releases["1.1.0"])
    assert (
        "2.0.0 was published as major; today&#x27;s rule gives patch because since 2.1.0, removing derived rows" in html
    )


def test_a_vendored_package_that_does_not_match_its_pin_is_refused(tmp_path):
    name, pin = next(iter(vendor.pins().items()))
    cache = tmp_path / "npm"
    cache.mkdir()
    fake = cache / vendor._tarball_name(name, pin["version"])
    with tarfile.open(fake, "w:gz"):
        pass
    with pytest.raises(vendor.VendorError, match="does not match its pin"):
        vendor.fetch(name, pin, cache)
    assert not fake.exists()


def test_site_refuses_a_folder_that_is_not_a_site(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["site", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {out} is not empty and holds no japan-nato site; choose a new or empty folder"
    ]
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_site_refuses_an_altered_release(tmp_path):
    root = tmp_path / "releases"
    shutil.copytree(REPO_RELEASES / NAMES[0], root / NAMES[0])
    (root / NAMES[0] / "events.parquet").write_bytes(b"altered")
    result = CliRunner().invoke(app, ["site", "--out", str(tmp_path / "site"), "--releases", str(root)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: release {NAMES[0]} does not match its manifest: ")
    assert not (tmp_path / "site").exists()
