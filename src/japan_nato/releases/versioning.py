"""Why a published bump can differ from the one today's rule gives.

Published releases never change, and neither does the bump they were published with; the rule
(`diff.bump_rule`) has changed since. A diff between two releases therefore compares today's rule
with what was published across the versions it spans, and names the rule change that explains a
difference, so a reader never sees "bump patch" for a release published as major without a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from japan_nato.releases.store import MANIFEST, parse_version, versions

ORDER = {None: 0, "patch": 1, "minor": 2, "major": 3}

# (version whose release changed the rule, what changed): the rule since that version.
RULE_CHANGES = [
    (
        "2.1.0",
        "removing derived rows (citations, link rows) became a patch-level correction; until then any "
        "removed row made a major version",
    ),
]


def published_bumps(root: Path, old: str, new: str) -> list[tuple[str, str]]:
    """(version, bump it was published with) for each release after `old` up to `new`, oldest first;
    empty when either is not a published version of `root`."""
    try:
        lo, hi = parse_version(old), parse_version(new)
    except Exception:
        return []
    known = versions(root)
    if old not in known or new not in known or lo >= hi:
        return []
    spanned = [v for v in known if lo < parse_version(v) <= hi]
    return [(v, json.loads((root / v / MANIFEST).read_text(encoding="utf-8")).get("bump")) for v in spanned]


def bump_note(computed: str | None, published: list[tuple[str, str]]) -> str | None:
    """One line saying how today's bump differs from the published ones, and why; None when they agree."""
    if not published:
        return None
    strongest = max(published, key=lambda vb: ORDER.get(vb[1], 0))
    if ORDER.get(strongest[1], 0) == ORDER.get(computed, 0):
        return None
    newest = published[-1][0]
    later = [(v, what) for v, what in RULE_CHANGES if parse_version(v) > parse_version(strongest[0])]
    why = "; ".join(f"since {v}, {what}" for v, what in later) if later else None
    span = f"{strongest[0]} was published as {strongest[1]}" + (
        f" (the strongest bump from {published[0][0]} to {newest})" if len(published) > 1 else ""
    )
    if why:
        return f"note: {span}; today's rule gives {computed or 'none'} because {why}"
    return (
        f"note: {span}; today's rule gives {computed or 'none'} "
        "(a diff over several releases nets out changes that later releases undid)"
    )
