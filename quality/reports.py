"""Gate results for machines and people: JUnit XML for CI systems, a standalone HTML page."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from japan_nato.quality.gate import GateReport


def write_junit(report: GateReport, path: Path) -> None:
    by_table = defaultdict(list)
    for r in report.results:
        by_table[r.table].append(r)
    root = ET.Element(
        "testsuites",
        name="japan-nato quality gate",
        tests=str(len(report.results)),
        failures=str(len(report.errors)),
        skipped=str(len(report.skipped)),
    )
    for table, results in sorted(by_table.items()):
        suite = ET.SubElement(
            root,
            "testsuite",
            name=table,
            tests=str(len(results)),
            failures=str(sum(r.success is False and r.severity == "error" for r in results)),
            skipped=str(sum(r.success is None for r in results)),
        )
        for r in results:
            case = ET.SubElement(
                suite, "testcase", classname=f"{table}.{r.engine}", name=f"{r.check}:{r.column or '-'}"
            )
            if r.success is None:
                ET.SubElement(case, "skipped", message=r.observed)
            elif r.success is False and r.severity == "error":
                el = ET.SubElement(case, "failure", message=r.observed, type=r.check)
                el.text = "\n".join(r.lines())
            elif r.success is False:
                # Warnings do not block the gate, so they must not turn a CI run red.
                ET.SubElement(case, "system-out").text = "\n".join(r.lines())
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_html(report: GateReport, path: Path) -> None:
    rows = []
    for r in sorted(report.results, key=lambda r: (r.success is not False, r.success is not None, r.table, r.check)):
        state = "skipped" if r.success is None else ("pass" if r.success else r.severity)
        keys = html.escape(", ".join(r.failing_keys[:20]) + (" …" if r.failing_count > 20 else ""))
        rows.append(
            f"<tr class='{state}'><td>{state}</td><td>{html.escape(r.table)}</td>"
            f"<td>{html.escape(r.column or '')}</td><td>{html.escape(r.check)}</td>"
            f"<td>{html.escape(r.engine)}</td><td>{html.escape(r.observed)}</td><td>{keys}</td>"
            f"<td>{html.escape(r.description)}</td></tr>"
        )
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>japan-nato quality report {report.run_id}</title><style>
body{{font:14px system-ui,sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
tr.error td:first-child{{background:#f8d0d0}} tr.warning td:first-child{{background:#fbecc0}}
tr.pass td:first-child{{background:#d8f0d8}} tr.skipped td:first-child{{background:#e4e4e4}}
</style></head><body><h1>japan-nato quality report</h1>
<p>Run <code>{report.run_id}</code>: {html.escape(report.summary_line())}.
Source texts: {html.escape(str(report.sources_dir) if report.sources_dir else "not available")}.</p>
<table><tr><th>result</th><th>table</th><th>column</th><th>check</th><th>engine</th><th>observed</th>
<th>failing keys</th><th>what it checks</th></tr>
{"".join(rows)}</table></body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_problems_junit(problems: list, path: Path, suite: str = "curated files") -> None:
    """A build that stopped at validation: one failing test case per problem, so a CI system shows
    them exactly when the build fails."""
    root = ET.Element("testsuites", name="japan-nato build", tests=str(len(problems)), failures=str(len(problems)))
    by_file = defaultdict(list)
    for p in problems:
        by_file[p.file].append(p)
    for file, items in sorted(by_file.items()):
        s = ET.SubElement(root, "testsuite", name=f"{suite}: {file}", tests=str(len(items)), failures=str(len(items)))
        for p in items:
            case = ET.SubElement(
                s, "testcase", classname=file, name=f"{p.line or '-'}: {p.record or ''} {p.field or ''}".strip()
            )
            ET.SubElement(case, "failure", message=p.message, type=p.code).text = str(p)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_problems_html(problems: list, path: Path) -> None:
    rows = "".join(
        f"<tr class='error'><td>{html.escape(p.file)}:{p.line or ''}</td><td>{html.escape(p.record or '')}</td>"
        f"<td>{html.escape(p.field or '')}</td><td>{html.escape(p.message)}</td><td>{html.escape(p.code)}</td>"
        f"<td>{html.escape(p.fix)}</td></tr>"
        for p in problems
    )
    path.write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>japan-nato build problems</title><style>
body{{font:14px system-ui,sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}
tr.error td:first-child{{background:#f8d0d0}}
</style></head><body><h1>japan-nato build: {len(problems)} problem(s) in the curated files</h1>
<p>Nothing was built; fix each line below (file and line, record, field, what is wrong, how to fix).</p>
<table><tr><th>where</th><th>record</th><th>field</th><th>problem</th><th>reason</th><th>fix</th></tr>{rows}</table>
</body></html>
""",
        encoding="utf-8",
    )
