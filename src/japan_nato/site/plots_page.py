"""The plots page: every plot of the newest release, inline SVG with its caption."""

from __future__ import annotations

from japan_nato.site.html import e, page
from japan_nato.site.plots import Plot


def plots_page(plots: list[Plot], version: str) -> str:
    figures = "\n".join(
        f'<figure id="{p.name}"><h2>{e(p.title)}</h2><div class="svg">{p.svg}</div>'
        f"<figcaption>{e(p.caption)}</figcaption></figure>"
        for p in plots
    )
    intro = (
        f"<p>Drawn from release <strong>{e(version)}</strong> with Vega-Lite (altair, rendered to SVG by "
        "vl-convert); the same release always gives the same pictures. The numbers behind them are one "
        'query away on the <a href="sql.html">SQL page</a>.</p>'
    )
    return page("Plots", intro + figures, current="plots.html")
