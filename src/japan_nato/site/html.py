"""The pages' frame and the few HTML pieces every page uses: escaping, tables, markdown.

Every link is relative, so the site works from any folder or address; nothing refers to another host.
"""

from __future__ import annotations

import re
from html import escape

PAGES = [
    ("index.html", "Releases"),
    ("dictionary.html", "Data dictionary"),
    ("plots.html", "Plots"),
    ("analyses.html", "Analyses"),
    ("sql.html", "SQL"),
]


def cell(value) -> str:
    """A value as the SQL page writes it (static/console.js `cell`): NULL, 14000 for 14000.0, dates ISO."""
    if value is None:
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def e(value) -> str:
    """A value as HTML text (written as `cell` writes it)."""
    return escape(cell(value), quote=True)


def page(title: str, body: str, depth: int = 0, current: str = "", head: str = "") -> str:
    """A whole page: the shared head, the navigation, `body`. `depth` is how far below the root it is."""
    up = "../" * depth
    nav = " ".join(
        f'<a href="{up}{href}"{" aria-current=page" if href == current else ""}>{e(label)}</a>' for href, label in PAGES
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} · japan-nato</title>\n"
        f'<link rel="icon" href="data:,">\n<link rel="stylesheet" href="{up}assets/style.css">\n{head}'
        "</head>\n<body>\n"
        f'<header><a class="brand" href="{up}index.html">japan-nato</a><nav>{nav}</nav></header>\n'
        f"<main>\n<h1>{e(title)}</h1>\n{body}\n</main>\n"
        "<footer>Data: CC BY 4.0, each row cited to its source article. "
        "Built by <code>japan-nato site</code>.</footer>\n"
        "</body>\n</html>\n"
    )


def table(columns: list[str], rows, numeric: set[str] = frozenset(), raw: set[str] = frozenset(), cls="") -> str:
    """An HTML table; cells of `raw` columns are HTML already, `numeric` ones are right-aligned."""
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    lines = [f'<table class="{cls}">' if cls else "<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for row in rows:
        cells = []
        for c, v in zip(columns, row, strict=True):
            text = v if c in raw else e(v)
            cells.append(f'<td class="num">{text}</td>' if c in numeric else f"<td>{text}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def markdown(text: str, shift: int = 0) -> str:
    """CommonMark with tables; headings get ids (`## actor_roles` -> `actor-roles`, the anchors the
    data dictionary links to) and move down `shift` levels."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + shift, 6)
            token.tag = f"h{level}"
            if token.type == "heading_open":
                token.attrSet("id", _slug(tokens[i + 1].content))
    return md.renderer.render(tokens, md.options, {})


def human_bytes(n: int) -> str:
    return f"{n:,} B" if n < 1024 else f"{n / 1024:,.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):,.1f} MiB"
