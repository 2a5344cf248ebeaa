"""`japan-nato add-source PATH`: register an article and draft what a curator confirms.

It writes `sources/<source_id>.yaml` with the `source:` record (sha256, title, author, a publication
date with its precision and how it was inferred) and a `candidates:` section the build ignores:
- every quotation in the text, as a verbatim statement, with the known actors named nearest to it as
  speaker candidates (nearest first);
- every explicit or relative date ("January 4, 2026", "last week", "on Monday"), resolved against
  the publication date;
- every figure with its unit ("some 11,000 to 13,000 troops", "2%", "$55 billion");
- every known actor or alias the text names, with the sentence it is in.
Confirming a candidate is a small edit: move it under its section (`statements:`), give it an ID,
keep one speaker. All heuristics here only draft; nothing reaches the data until a curator confirms.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from japan_nato.loaders.explode import slugify
from japan_nato.loaders.fmt import read

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9})
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
QUOTE = re.compile(r"“([^”]{3,600})”|\"([^\"]{3,600})\"")
FULL_DATE = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.? (\d{1,2}),? (\d{4})\b", re.I)
MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.? (\d{4})\b", re.I)
RELATIVE = re.compile(
    r"\b(last|this|next) (week|month|year)\b|\b(?:on )?(" + "|".join(WEEKDAYS) + r")\b|\byesterday\b", re.I
)
FIGURE = re.compile(
    r"(?P<q>(?:some|about|approximately|nearly|roughly|at least|more than|over|under|up to|less than)\s+)?"
    r"(?P<cur>\$|¥)?(?P<low>\d[\d,]*(?:\.\d+)?)(?:\s*(?:to|-|–)\s*(?P<high>\d[\d,]*(?:\.\d+)?))?"
    r"\s*(?P<unit>%|percent|per cent|billion|million|trillion|troops|soldiers|missiles|km|kilometers|years|times|yen)?",
    re.I,
)
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’]?|$)")


@dataclass
class Article:
    text: str
    sha256: str
    title: str | None
    author: str | None
    published_on: date | None
    precision: str
    date_note: str


def _dates(text: str) -> list[tuple[date, str, str]]:
    """(date, precision, the words) for every explicit date in the text."""
    found = []
    for m in FULL_DATE.finditer(text):
        try:
            found.append((date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))), "day", m.group(0)))
        except ValueError:
            pass
    for m in MONTH_YEAR.finditer(text):
        found.append((date(int(m.group(2)), MONTHS[m.group(1).lower()], 1), "month", m.group(0)))
    return found


def read_article(path: Path) -> Article:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = next(
        (ln for ln in lines if 4 <= len(ln.split()) <= 25 and not ln.endswith((".", "”", ":")) and "|" not in ln), None
    )
    author = next(
        (m.group(1) for m in re.finditer(r"^By ([A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){1,3})\s*$", text, re.M)), None
    )
    dates = _dates(text)
    if dates:
        latest, precision, words = max(dates)
        published = latest.replace(day=1)
        note = (
            f"Not printed. Drafted by add-source: the latest date the text gives is {words!r}, so "
            f"{published:%B %Y} or later; month precision. Check it against the text before confirming."
        )
        return Article(text, hashlib.sha256(raw).hexdigest(), title, author, published, "month", note)
    return Article(
        text,
        hashlib.sha256(raw).hexdigest(),
        title,
        author,
        None,
        "unknown",
        "Not printed, and the text gives no date; precision unknown.",
    )


def _names(curated: Path) -> list[tuple[str, str]]:
    """(name as the text may write it, actor_id), longest first: names, aliases, family names."""
    found = []
    for actor in read(curated / "registry" / "actors.yaml") or []:
        aid = actor["actor_id"]
        found.append((actor["name"], aid))
        found += [(alias, aid) for alias in actor.get("aliases") or []]
        if actor.get("kind") == "person":
            found += [(part, aid) for part in actor["name"].split() if len(part) >= 4]
    return sorted(set(found), key=lambda x: -len(x[0]))


def _mentions(text: str, names: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """(offset, actor_id, the words) for every known name in the text, longest names winning."""
    taken: list[tuple[int, int]] = []
    found = []
    for name, aid in names:
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), aid, name))
    return sorted(found)


def _sentence_at(text: str, offset: int) -> str:
    for m in SENTENCE.finditer(text):
        if m.start() <= offset < m.end():
            return m.group(0).strip()[:300]
    return ""


def _resolve(expr: str, published: date | None) -> tuple[str | None, str]:
    if published is None:
        return None, "unknown"
    words = expr.lower().replace("on ", "")
    if words in WEEKDAYS:  # the last such weekday on or before the publication date
        back = (published.weekday() - WEEKDAYS.index(words)) % 7
        return (published - timedelta(days=back)).isoformat(), "day"
    if "week" in words:
        start = published - timedelta(days=published.weekday())
        delta = {"last": -7, "this": 0, "next": 7}[words.split()[0]]
        return (start + timedelta(days=delta)).isoformat(), "day"
    if "month" in words:
        month = published.month + {"last": -1, "this": 0, "next": 1}[words.split()[0]]
        year = published.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1).isoformat(), "month"
    if "year" in words:
        return date(published.year + {"last": -1, "this": 0, "next": 1}[words.split()[0]], 1, 1).isoformat(), "year"
    if words == "yesterday":
        return (published - timedelta(days=1)).isoformat(), "day"
    return None, "unknown"


def candidates(article: Article, names: list[tuple[str, str]]) -> dict:
    text = article.text
    mentioned = _mentions(text, names)
    quotes = []
    for m in QUOTE.finditer(text):
        words = (m.group(1) or m.group(2)).strip().rstrip(",.;:").strip()
        if len(words.split()) < 2:
            continue
        # Speakers: actors named in the quote's paragraph and the one before it, nearest first.
        para_start = text.rfind("\n", 0, text.rfind("\n", 0, m.start()) or 0) + 1
        para_end = text.find("\n", m.end())
        near = [
            (abs(pos - m.start()), aid)
            for pos, aid, _ in mentioned
            if para_start <= pos <= (para_end if para_end != -1 else len(text)) and not m.start() <= pos < m.end()
        ]
        speakers = list(dict.fromkeys(aid for _, aid in sorted(near)))
        quotes.append(
            {
                "text": words,
                "is_verbatim": True,
                "speaker": speakers[0] if speakers else None,
                "speakers": speakers[:5],
                "evidence": _sentence_at(text, m.start()),
            }
        )
    dates = [
        {
            "words": w,
            "date": d.isoformat(),
            "precision": p,
            "basis": "stated",
            "sentence": _sentence_at(text, text.find(w)),
        }
        for d, p, w in sorted(set(_dates(text)), key=lambda x: text.find(x[2]))
    ]
    for m in RELATIVE.finditer(text):
        resolved, precision = _resolve(m.group(0), article.published_on)
        dates.append(
            {
                "words": m.group(0),
                "date": resolved,
                "precision": precision,
                "basis": "resolved",
                "sentence": _sentence_at(text, m.start()),
            }
        )
    figures = []
    for m in FIGURE.finditer(text):
        if not (m.group("unit") or m.group("cur") or m.group("q")) or re.fullmatch(r"\d{4}", m.group("low") or ""):
            continue
        low = float(m.group("low").replace(",", ""))
        high = float(m.group("high").replace(",", "")) if m.group("high") else None
        figures.append(
            {
                "words": m.group(0).strip(),
                "low": low,
                "high": high,
                "unit": (m.group("unit") or m.group("cur") or "count").lower(),
                "qualifier": (m.group("q") or "").strip().lower() or None,
                "sentence": _sentence_at(text, m.start()),
            }
        )
    actors = {}
    for pos, aid, words in mentioned:
        actors.setdefault(aid, {"actor": aid, "as": words, "evidence": _sentence_at(text, pos)})
    return {"statements": quotes, "dates": dates, "figures": figures, "actors": list(actors.values())}


def draft_source(
    path: Path, curated: Path, source_id: str | None = None, url: str | None = None, publisher: str | None = None
) -> tuple[Path, dict]:
    """Write the new source file; returns its path and the candidates drafted. Relative dates are
    resolved against the inferred publication date; correct it and re-run, or resolve them by hand."""
    article = read_article(path)
    sid = source_id or slugify(" ".join((article.title or path.stem).split()[:6])) + (
        f"-{article.published_on.year}" if article.published_on else ""
    )
    target = curated / "sources" / f"{sid}.yaml"
    if target.exists():
        raise FileExistsError(f"{target} exists; choose another --id")
    drafted = candidates(article, _names(curated))
    evidence = next(
        (e for e in (f"By {article.author}" if article.author else None, article.title) if e and e in article.text),
        None,
    )
    record = {
        "source_id": sid,
        "file": path.name,
        "title": article.title,
        "publisher": publisher,
        "author": article.author,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "published_on_precision": article.precision,
        "date_note": article.date_note,
        "url": url,
        "sha256": article.sha256,
        "evidence": evidence or article.text.strip().splitlines()[0][:300],
    }
    from japan_nato.loaders.fmt import write

    write(target, {"source": {k: v for k, v in record.items() if v is not None}, "candidates": drafted}, "sources")
    return target, drafted
