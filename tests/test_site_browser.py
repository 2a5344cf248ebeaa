"""The release site in a real browser: Debian's Chromium, headless, driven by playwright, with the
site built by `japan-nato site` and served from 127.0.0.1. Needs chromium, graphviz and npm (the
first build fetches the pinned npm packages into the cache); `.ci/run` installs them when missing.
Run with `make test-browser`. Screenshots go to $JAPAN_NATO_SCREENSHOTS when it is set."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

import japan_nato
from japan_nato.cli import app
from japan_nato.releases import versions
from japan_nato.site import analyses
from japan_nato.site.html import cell
from tests.releases_server import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
REPO_RELEASES = ROOT / "datasets" / "releases"
NAMES = versions(REPO_RELEASES)
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["index.html", "dictionary.html", "plots.html", "analyses.html", "sql.html"] + [
    f"versions/{v}.html" for v in NAMES
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for tool in ("dot", "npm"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed; .ci/run installs it (apt-get install graphviz npm)")
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(app, ["site", "--out", str(out), "--releases", str(REPO_RELEASES)])
    assert result.exit_code == 0, result.output
    with serve(out) as server:
        server.out = out
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, args=ARGS, headless=True
        )
        yield context
        context.close()


class Watched:
    """A page with every console message, page error, failed request and host asked for recorded."""

    def __init__(self, context, base: str):
        self.page = context.new_page()
        self.base = base
        self.problems: list[str] = []
        self.hosts: set[str] = set()
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{m.type}: {m.text}")
        )
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        self.page.on("request", lambda r: self.hosts.add(urlparse(r.url).netloc or urlparse(r.url).scheme))

    def open(self, path: str):
        response = self.page.goto(f"{self.base}/{path}")
        assert response is not None and response.ok, path
        return self.page


def _shot(page, name: str, full_page: bool = False) -> None:
    folder = os.environ.get("JAPAN_NATO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def _sql_done(page, timeout=90_000) -> None:
    page.wait_for_function("['done', 'error'].includes(document.body.dataset.state)", timeout=timeout)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_with_no_console_error_and_asks_no_other_host(site, browser, path):
    w = Watched(browser, site.url)
    page = w.open(path)
    page.wait_for_load_state("networkidle")
    if path == "sql.html":
        _sql_done(page)
        assert page.get_attribute("body", "data-state") == "done", page.inner_text("#status")
    page.close()
    assert w.problems == []
    assert w.hosts <= {urlparse(site.url).netloc, "data"}, w.hosts


def test_the_plots_and_the_diagram_render(site, browser):
    w = Watched(browser, site.url)
    page = w.open("plots.html")
    figures = page.query_selector_all("figure")
    assert len(figures) == 5
    for fig in figures:
        box = fig.query_selector("svg").bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150, (fig.get_attribute("id"), box)
        marks = fig.eval_on_selector_all("svg path, svg rect, svg text", "els => els.length")
        assert marks > 20, fig.get_attribute("id")
    assert "missile_launch" in page.inner_text("#events-by-kind")
    _shot(page, "plots")
    _shot(page, "plots-full", full_page=True)
    page = w.open("dictionary.html")
    _shot(page, "dictionary-erd")
    erd = page.query_selector(".erd-svg svg")
    assert erd.bounding_box()["width"] > 400
    assert page.eval_on_selector_all(".erd-svg svg g.node", "els => els.length") >= 15
    page.click('a[href="#actor-roles"]')
    assert page.evaluate("location.hash") == "#actor-roles"
    _shot(page, "dictionary")
    assert w.problems == []


def test_a_download_link_gives_the_file_its_sha256_names(site, browser, tmp_path):
    version = NAMES[-1]
    w = Watched(browser, site.url)
    page = w.open(f"versions/{version}.html")
    _shot(page, "version")
    row = page.query_selector(f'tr:has(a[href="../releases/{version}/events.parquet"])')
    shown = row.query_selector("code").inner_text()
    with page.expect_download() as info:
        row.query_selector("a").click()
    saved = tmp_path / "events.parquet"
    info.value.save_as(saved)
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    manifest = json.loads((REPO_RELEASES / version / "manifest.json").read_text())
    assert digest == shown == manifest["files"]["events.parquet"]["sha256"]
    assert w.problems == []


def _page_rows(page) -> tuple[list[str], list[list[str]]]:
    columns = page.eval_on_selector_all("#result thead th", "els => els.map(e => e.textContent)")
    rows = page.eval_on_selector_all(
        "#result tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )
    return columns, rows


@pytest.mark.parametrize("analysis", analyses.ANALYSES, ids=lambda a: a.id)
def test_an_example_query_in_the_page_returns_what_duckdb_returns(site, browser, analysis):
    version = NAMES[-1]
    w = Watched(browser, site.url)
    page = w.open(f"sql.html?version={version}&example={analysis.id}")
    _sql_done(page)
    assert page.get_attribute("body", "data-state") == "done", page.inner_text("#status")
    columns, rows = _page_rows(page)
    con = japan_nato.connect(version=version, releases=REPO_RELEASES, quiet=True)
    expected_columns, expected = analyses.run(con, analysis)
    assert columns == expected_columns
    assert rows == [[cell(v) for v in row] for row in expected]
    if analysis.id == "troops-in-russia":
        _shot(page, "sql")
    assert w.problems == []


def test_the_page_queries_the_version_chosen(site, browser):
    w = Watched(browser, site.url)
    page = w.open("sql.html")
    _sql_done(page)
    page.select_option("#version", NAMES[0])
    page.fill("#sql", "SELECT version, (SELECT count(*) FROM citations) AS citations FROM release_info")
    page.click("#run")
    page.wait_for_function(f"document.getElementById('status').textContent.includes('from release {NAMES[0]}')")
    con = japan_nato.connect(version=NAMES[0], releases=REPO_RELEASES, quiet=True)
    assert _page_rows(page)[1] == [[NAMES[0], str(con.sql("SELECT count(*) FROM citations").fetchone()[0])]]
    page.fill("#sql", "SELECT nope FROM events")
    page.click("#run")
    page.wait_for_function("document.body.dataset.state === 'error'")
    assert "nope" in page.inner_text("#status")
    assert w.problems == []


def test_the_pages_open_from_files_too(site, browser):
    w = Watched(browser, f"file://{site.out}")
    page = w.open("index.html")
    _shot(page, "index")
    assert f"versions/{NAMES[-1]}.html" in page.inner_html("main")
    w.open("plots.html")
    _shot(w.open("analyses.html"), "analyses")
    assert w.problems == []
    assert w.hosts <= {"file", "data"}, w.hosts
