"""japan-nato: a cited, versioned dataset of Japan–NATO security relations.

Parts: `japan_nato.schema` (tables, their declarations, vocabularies, migrations),
`japan_nato.loaders` (curated files to database), `japan_nato.quality` (the data-quality gate),
`japan_nato.releases` (versioned, self-describing parquet releases), `japan_nato.cli`.
"""

__version__ = "0.1.0"


def connect(version: str = "latest", releases=None, quiet: bool = False):
    """DuckDB connection with one view per table over a published release (see japan_nato.releases)."""
    from japan_nato.releases.read import connect as _connect

    return _connect(version, releases, quiet)
