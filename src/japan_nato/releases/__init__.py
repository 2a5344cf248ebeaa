"""Immutable, versioned releases of the dataset.

- `store`: where releases live, which versions exist;
- `export`: a database -> self-describing parquet files;
- `diff`: what changed between two releases, and the semantic version that follows;
- `metadata`: datapackage.json, croissant.json, CITATION.cff, LICENSE, CHANGES.md, CHANGELOG.md;
- `publishing`: staging, checking and renaming a new version into place;
- `verify`, `pins`: a release checked against its manifest and against the manifest pinned at publish;
- `read`: querying and restoring a published version (verified first; `sandbox` locks `sql` down);
- `download`: a release fetched by version and checked (pooch);
- `iceberg`: every published version as tagged Iceberg snapshots (`japan-nato export iceberg`).
"""

from japan_nato.releases.diff import ReleaseDiff, TableDiff, diff_releases, next_version
from japan_nato.releases.publishing import PublishPlan, publish
from japan_nato.releases.read import connect, restore_release
from japan_nato.releases.store import (
    MANIFEST,
    QUALITY_FILE,
    ReleaseError,
    release_path,
    releases_dir,
    resolve_version,
    versions,
)
from japan_nato.releases.verify import verify_release

__all__ = [
    "MANIFEST",
    "QUALITY_FILE",
    "PublishPlan",
    "ReleaseDiff",
    "ReleaseError",
    "TableDiff",
    "connect",
    "diff_releases",
    "next_version",
    "publish",
    "release_path",
    "releases_dir",
    "resolve_version",
    "restore_release",
    "verify_release",
    "versions",
]
