"""Where an excerpt that is not in its article went wrong: the closest passage, and the first place
they differ, so a curator sees the typo rather than only that something is off."""

from __future__ import annotations

from difflib import SequenceMatcher

CONTEXT = 24  # characters shown either side of the first difference


def closest_passage(text: str, excerpt: str) -> tuple[str, int]:
    """The passage of `text` most like `excerpt` (same length, anchored at their longest common run),
    and the offset of their first difference within the excerpt; ("", 0) when nothing is close."""
    if not text or not excerpt:
        return "", 0
    match = SequenceMatcher(None, text, excerpt, autojunk=False).find_longest_match(0, len(text), 0, len(excerpt))
    if match.size < max(8, len(excerpt) // 3):
        return "", 0
    # Anchored on the longest common run alone, a change of length before that run shifts the
    # passage and the first difference shows at character 1; anchored where the excerpt's opening
    # words occur, it shows where the typo is. Of the anchors, the one agreeing longest wins.
    starts = {max(0, match.a - match.b)}
    opening = excerpt[:12]
    at = text.find(opening)
    while at != -1 and len(starts) < 8:
        starts.add(at)
        at = text.find(opening, at + 1)
    best = max((_agreement(text[a : a + len(excerpt)], excerpt), -a) for a in starts)
    start = -best[1]
    return text[start : start + len(excerpt)], best[0]


def _agreement(passage: str, excerpt: str) -> int:
    """How many leading characters the two share: the offset of their first difference."""
    return next(
        (i for i, (a, b) in enumerate(zip(passage, excerpt, strict=False)) if a != b), min(len(passage), len(excerpt))
    )


def _window(s: str, at: int) -> str:
    lo, hi = max(0, at - CONTEXT), min(len(s), at + CONTEXT)
    return ("…" if lo else "") + s[lo:hi] + ("…" if hi < len(s) else "")


def describe_mismatch(text: str, excerpt: str) -> str:
    """One line: where the excerpt departs from the closest passage of the article."""
    passage, at = closest_passage(text, excerpt)
    if not passage.strip():
        return "no passage of the article is close to it"
    article, excerpt_part = _window(passage, at), _window(excerpt, at)
    return f"the article has {article!r} where the excerpt has {excerpt_part!r} (at character {at + 1})"
