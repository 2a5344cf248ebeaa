import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# GX runs in one child of the test process, warm for every test; the daemon has its own tests.
os.environ["JAPAN_NATO_GX_DAEMON"] = "0"

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "datasets" / "curated"
SEEDS = (ROOT / ".." / "shared" / "seeds").resolve()


def sources_dir() -> Path | None:
    """The article texts; CI has them beside the project, so there a missing folder is a failure."""
    env = os.environ.get("JAPAN_NATO_SOURCES")
    path = Path(env) if env else SEEDS
    if path.is_dir():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"source texts not found at {path}; CI must provide ../shared/seeds")
    return None


@pytest.fixture
def curated_copy(tmp_path) -> Path:
    """A private copy of the curated files a test may break."""
    dst = tmp_path / "curated"
    shutil.copytree(CURATED, dst, ignore=shutil.ignore_patterns("*.md"))
    return dst


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The real dataset built once (gate included) for the tests that read it."""
    from japan_nato.loaders.build import build_database
    from japan_nato.quality.gate import gate_for_build

    db = tmp_path_factory.mktemp("build") / "japan_nato.duckdb"
    # With the texts, as `build` and `publish` do: excerpts are checked and their page section derived.
    texts = sources_dir()
    build_database(CURATED, db, gate=gate_for_build(texts), sources_dir=texts, require_texts=texts is not None)
    return db


@pytest.fixture
def existing_db(built_db, tmp_path) -> Path:
    """A copy of the built database where build/japan_nato.duckdb would be, for tests that must leave it as it was."""
    db = tmp_path / "build" / "japan_nato.duckdb"
    db.parent.mkdir()
    shutil.copy(built_db, db)
    return db
