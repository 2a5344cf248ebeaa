"""Croissant 1.1 JSON-LD for a release (MLCommons' metadata format for ML datasets): a FileObject
per parquet file with its sha256, a RecordSet per table with its key, fields and references."""

from __future__ import annotations

from pathlib import Path

from japan_nato.releases.export import LICENSE, LICENSE_URL
from japan_nato.releases.metadata import DESCRIPTION, TITLE, parquet_columns, without
from japan_nato.schema import catalog

CROISSANT_TYPES = {
    "string": "sc:Text",
    "date": "sc:Date",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "integer": "sc:Integer",
}


# The JSON-LD context Croissant 1.1 recommends (its spec's appendix), as mlcroissant writes it.
CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def cite_as(version: str, year: str) -> str:
    return (
        f"@misc{{japan_nato_{version.replace('.', '_')},\n  title = {{{TITLE}}},\n"
        "  author = {{japan-nato contributors}},\n"
        f"  year = {{{year}}},\n  version = {{{version}}},\n  note = {{Dataset, licensed {LICENSE}}}\n}}"
    )


def croissant(version: str, published_on: str, files: dict[str, dict], folder: Path) -> dict:
    """Croissant 1.1: a FileObject per parquet file (with its sha256) and a RecordSet per table with
    its key, fields and references."""
    distribution = [
        {
            "@type": "cr:FileObject",
            "@id": name,
            "name": name,
            "contentUrl": name,
            "encodingFormat": "application/x-parquet",
            "sha256": entry["sha256"],
        }
        for name, entry in files.items()
        if name.endswith(".parquet")
    ]
    record_sets = []
    for spec in catalog.tables():
        path = folder / f"{spec.name}.parquet"
        if not path.exists():
            continue
        spec = without(spec, {name for name, _ in parquet_columns(path)})
        fields = []
        for c in spec.columns:
            f: dict = {
                "@type": "cr:Field",
                "@id": f"{spec.name}/{c.name}",
                "name": c.name,
                "description": c.description,
                "dataType": CROISSANT_TYPES[c.type],
                "source": {"fileObject": {"@id": f"{spec.name}.parquet"}, "extract": {"column": c.name}},
            }
            if c.references:
                f["references"] = {"field": {"@id": f"{c.references}/{catalog.table(c.references).key}"}}
            fields.append(f)
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": spec.name,
                "name": spec.name,
                "description": spec.description,
                "key": [{"@id": f"{spec.name}/{k}"} for k in spec.primary_key],
                "field": fields,
            }
        )
    return {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "name": "japan-nato",
        "description": DESCRIPTION,
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "citeAs": cite_as(version, published_on[:4]),
        "license": LICENSE_URL,
        "version": version,
        "datePublished": published_on,
        "creator": {"@type": "sc:Organization", "name": "japan-nato contributors"},
        "distribution": distribution,
        "recordSet": record_sets,
    }
