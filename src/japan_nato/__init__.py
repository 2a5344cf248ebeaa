"""japan-nato: a cited, versioned dataset of Japan–NATO security relations.

Parts: `japan_nato.schema` (tables, vocabularies, migrations), `japan_nato.loaders` (curated files
to database and releases), `japan_nato.quality` (the data-quality gate), `japan_nato.cli`.
"""

__version__ = "0.1.0"
