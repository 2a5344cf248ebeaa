"""japan-nato: a cited, versioned dataset of Japan–NATO security relations.

Parts: `japan_nato.schema` (tables, vocabularies, migrations), `japan_nato.loaders` (curated files
to database and releases), `japan_nato.quality` (the data-quality gate), `japan_nato.cli`.
"""

__version__ = "0.1.0"


def connect(version: str = "latest", releases=None):
    """DuckDB connection with one view per table over a published release (see japan_nato.loaders.release)."""
    from japan_nato.loaders.release import connect as _connect

    return _connect(version, releases)
