"""Text into SQL, safely: names and paths that come from files (a release's manifest, a parquet
schema, a folder with a quote in its name) are quoted, never spliced as they are."""

from __future__ import annotations


def literal(text: str) -> str:
    """A SQL string literal of any text: `it's` -> `'it''s'`."""
    return "'" + str(text).replace("'", "''") + "'"


def identifier(name: str) -> str:
    """A quoted SQL identifier of any name: `a"b` -> `"a""b"`."""
    return '"' + str(name).replace('"', '""') + '"'
