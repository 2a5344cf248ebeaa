"""Crafted bad inputs: each a small edit to a private copy of datasets/curated, and the one problem
line the build must print for it (file:line: table[id].field: message [code] — fix).

Each case edits the copy and returns (file, line, the rest of the line); the file and line are found
in the edited copy, so the expected line follows the curated data, while the record ID, message and
fix are written out here, reviewed one by one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..curated_edit import edit, line_of, replace_line

S26, S25, S24, S23, SNK = (
    "japan-military-revival-2026",
    "japan-mission-to-nato-2025",
    "japan-warms-up-to-nato-2024",
    "japan-regional-security-nato-2023",
    "north-korea-lambasts-japan-nato-2025",
)
ACTORS = "actors"  # registry/actors.yaml

# Records of S26 the cases edit (each starts at its `- <key>: <id>` line).
EVENT = "chn-criticism-nato-liaison-office-tokyo"  # kind, status, summary, agreement, actors, evidence
DATED = "prk-missile-launch-2026-01"  # start_on 2026-01-01, month precision
YEARLY = "prk-arms-supply-to-russia"  # start_on 2023-01-01, year precision
BUDGET = "jpn-defence-spending-target-2pct-gdp"  # share_of_gdp_pct: 2
QUOTE = "shinjiro-koizumi--2026-01--missile-threat"  # a verbatim quote, said_on 2026-01-01 (month)
UNDATED = "nato--axis-of-autocracies"  # a statement without a date (precision unknown)
TROOPS = "prk-troop-deployment-to-russia--troops--japan-military-revival-2026"  # low 14000, high 15000


class Tree:
    """A private copy of the curated folder, edited line by line as a curator would."""

    def __init__(self, root: Path):
        self.root = root

    def file(self, name: str) -> Path:
        if name == ACTORS:
            return self.root / "registry" / "actors.yaml"
        return self.root / "sources" / f"{name}.yaml"

    def find(self, name: str, pattern: str, record: str | None = None) -> int:
        """The first line matching `pattern` at or after the line of `record`'s `- <key>: <id>` (at any
        depth: a quantity's is indented)."""
        path = self.file(name)
        start = line_of(path, rf"^ *- \w+: {re.escape(record)}$") - 1 if record else 0
        return line_of(path, pattern, after=start)

    def swap(self, name: str, pattern: str, old: str, new: str, record: str | None = None) -> tuple[Path, int]:
        n = self.find(name, pattern, record)
        replace_line(self.file(name), n, old, new)
        return self.file(name), n

    def insert(self, name: str, before: int, text: str) -> tuple[Path, int]:
        """Insert `text` (whole lines) before line `before`; returns that line (now the first new one)."""
        path = self.file(name)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[before - 1 : before - 1] = [text if text.endswith("\n") else text + "\n"]
        path.write_text("".join(lines), encoding="utf-8")
        return path, before

    def delete(self, name: str, pattern: str, record: str | None = None) -> tuple[Path, int]:
        n = self.find(name, pattern, record)
        path = self.file(name)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        del lines[n - 1]
        path.write_text("".join(lines), encoding="utf-8")
        return path, n

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def edit(self, name: str, change) -> Path:
        edit(self.file(name), change)
        return self.file(name)


Edit = Callable[[Tree], tuple[Path, int | None]]


def _at(field: str, record: str = EVENT, name: str = S26, value: str | None = None) -> Edit:
    """Replace the value of `field` in `record` with `value` (raw YAML text)."""

    def apply(t: Tree):
        n = t.find(name, rf"^  {field}:", record)
        path = t.file(name)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[n - 1] = f"  {field}: {value}\n"
        path.write_text("".join(lines), encoding="utf-8")
        return path, n

    return apply


def _line_after(field: str, text: str, record: str = EVENT, name: str = S26) -> Edit:
    """Insert `text` as the line after `field` of `record`."""

    def apply(t: Tree):
        return t.insert(name, t.find(name, rf"^  {field}:", record) + 1, text)

    return apply


def _bytes_in_summary(raw: bytes) -> Edit:
    def apply(t: Tree):
        path = t.file(S26)
        n = t.find(S26, r"^  summary:", EVENT)
        lines = path.read_bytes().split(b"\n")
        lines[n - 1] = lines[n - 1].replace(b"China criticised", b"China " + raw + b"criticised", 1)
        path.write_bytes(b"\n".join(lines))
        return path, n

    return apply


def _nested(depth: int) -> Edit:
    return _at("note", DATED, value="[" * depth + "deep" + "]" * depth)


def _alias_bomb(t: Tree):
    levels = ['- &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefgh"[i]
        levels.append(f"- &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return t.write("registry/actors.yaml", "\n".join(levels) + "\n"), 1


def _big_file(t: Tree):
    path = t.file(S25)
    with open(path, "r+b") as f:
        f.truncate(33 * 1024 * 1024)  # sparse: the size is what counts, and it is checked first
    return path, None


def _huge_value(t: Tree):
    return _at("note", DATED, value="x" * 100_001)(t)


def _long_note(t: Tree):
    return _at("note", DATED, value="y" * 4001)(t)


def _folder_for_file(t: Tree):
    path = t.root / "sources" / "extra-source.yaml"
    path.mkdir()
    return path, None


def _registry_folder(t: Tree):
    path = t.file(ACTORS)
    path.unlink()
    path.mkdir()
    return path, None


def _unknown_file(t: Tree):
    return t.write("sources/notes.txt", "a curator's notes\n"), None


def _empty_source(t: Tree):
    return t.write("sources/empty-source.yaml", ""), 1


def _source_as_list(t: Tree):
    return t.write("sources/listed-source.yaml", "- source_id: listed-source\n"), 1


def _registry_as_mapping(t: Tree):
    path = t.file(ACTORS)
    path.write_text("actor_id: jpn\nname: Japan\n", encoding="utf-8")
    return path, 1


def _section_not_list(t: Tree):
    path = t.file(S24)
    with open(path, "a", encoding="utf-8") as f:
        f.write("budgets: 5\n")
    return path, len(path.read_text(encoding="utf-8").splitlines())


def _unknown_section(t: Tree):
    path = t.file(S24)
    with open(path, "a", encoding="utf-8") as f:
        f.write("eventz: []\n")
    return path, len(path.read_text(encoding="utf-8").splitlines())


def _bare_string_record(t: Tree):
    return t.insert(S26, t.find(S26, r"^events:$") + 1, "- just a sentence about an event")


def _bare_number_record(t: Tree):
    return t.insert(ACTORS, t.find(ACTORS, r"^- actor_id: "), "- 42")


def _duplicate_in_file(t: Tree):
    def change(d):
        first = next(r for r in d["events"] if r["event_id"] == EVENT)
        d["events"].append(dict(first))

    path = t.edit(S26, change)
    # the second definition, after the canonical writer put the events back in order
    first = line_of(path, rf"^- event_id: {EVENT}$")
    return path, line_of(path, rf"^- event_id: {EVENT}$", after=first)


def _duplicate_actor(t: Tree):
    def change(d):
        d.append({"actor_id": "aus", "name": "Australia again", "kind": "state"})

    path = t.edit(ACTORS, change)
    first = line_of(path, r"^- actor_id: aus$")
    return path, line_of(path, r"^- actor_id: aus$", after=first)


def _long_id(t: Tree):
    return t.swap(S26, rf"^- event_id: {EVENT}$", EVENT, "a" * 81)


def _missing_required(t: Tree):
    path, n = t.delete(S26, r"^  summary:", EVENT)
    return path, t.find(S26, rf"^- event_id: {EVENT}$")


def _missing_evidence(t: Tree):
    path, n = t.delete(S26, r"^  evidence: drawn criticism from China$", EVENT)
    return path, t.find(S26, rf"^- event_id: {EVENT}$")


def _missing_source_id(t: Tree):
    path, n = t.delete(S25, r"^  source_id:")
    return path, t.find(S25, r"^source:$") + 1


def _link_rows_not_a_list(t: Tree):
    return _at("actors", EVENT, value="chn")(t)


def _link_row_without_role(t: Tree):
    path = t.file(S26)
    n = t.find(S26, r"^    role: initiator$", EVENT)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[n - 1]
    path.write_text("".join(lines), encoding="utf-8")
    return path, n - 1  # the link row's `- actor: chn` line


def _no_sources(t: Tree):
    for p in (t.root / "sources").iterdir():
        p.unlink()
    return t.root / "sources", None


def _missing_registry(t: Tree):
    t.file(ACTORS).unlink()
    return t.file(ACTORS), None


def _unknown_mention(t: Tree):
    n = t.find(S26, r"^mentions:$") + 1
    return t.insert(S26, n, "- event: no-such-event-anywhere\n  evidence: drawn criticism from China")


def _renamed_source(t: Tree):
    old = t.file(S25)
    new = old.with_name("japan-mission-to-nato.yaml")
    old.rename(new)
    return new, line_of(new, r"^  source_id:")


def _second_document(t: Tree):
    path = t.file(S24)
    with open(path, "a", encoding="utf-8") as f:
        f.write("---\nsource: {}\n")
    return path, len(path.read_text(encoding="utf-8").splitlines()) - 1


def _tab_indent(t: Tree):
    return t.swap(S26, r"^  status: occurred$", "  status", "\tstatus", EVENT)


def _over_indented(t: Tree):
    return t.swap(S26, r"^  status: occurred$", "  status", "   status", EVENT)


def _missing_colon(t: Tree):
    return t.swap(S26, r"^  status: occurred$", "status: occurred", "status occurred", EVENT)


def _number_in_evidence_list(t: Tree):
    """The first excerpt of a record's evidence list replaced by a number."""
    n = t.find(S26, r"^  evidence:$", DATED) + 1
    return t.swap(S26, r"^  - In early January 2026", "In early January 2026, North Korea", "42 #", DATED)[0], n


def _link_rows_not_a_list(t: Tree):
    def change(d):
        next(r for r in d["events"] if r["event_id"] == EVENT)["actors"] = "chn"

    path = t.edit(S26, change)
    return path, t.find(S26, r"^  actors: chn$", EVENT)


class Finding:
    """What the correct line must be, where today's line is wrong or misleading (or the build crashes):
    it starts with `rest`, holds every one of `contains`, and none of `absent`. Not the exact text,
    which the fix will choose."""

    def __init__(self, rest: str, why: str, contains: tuple[str, ...] = (), absent: tuple[str, ...] = ()):
        self.rest, self.why, self.contains, self.absent = rest, why, contains, absent

    def matches(self, line: str, where: str) -> bool:
        return (
            line.startswith(where + self.rest)
            and all(c in line for c in self.contains)
            and not any(a in line for a in self.absent)
            and " — " in line  # and it says the fix
        )


Expect = str | Finding
# name -> (edit, the rest of the expected line after "file:line: ", or what it must be)
CASES: dict[str, tuple[Edit, Expect]] = {}


def case(name: str, apply: Edit, rest: Expect) -> None:
    assert name not in CASES, name
    CASES[name] = (apply, rest)


E_SYNTAX = " [yaml] — fix the YAML at that line (indentation, quoting, a missing colon)"
E_KEY = "a mapping or a list is used as a key [yaml] — keys are plain names"
E_ALIAS = (
    "YAML anchors and aliases (&name, *name) are not allowed in curated files [alias] — write the value out where "
    "it is used (`japan-nato fmt` does it)"
)
E_CONTROL = (
    "not readable as YAML: control characters are not allowed [yaml] — remove control characters (NUL, BEL, ...)"
)
E_SOURCE_SHAPE = (
    "a source file is a mapping with a `source:` record [shape] — start the file with `source:` (see "
    "datasets/curated/README.md)"
)
E_TYPE = " [type] — give a value of the right type"
E_CORRECT = " [invalid] — correct the value"
E_DATE = (
    " is not a date; write YYYY-MM-DD, the first day of the period for month, year or decade precision "
    "(2026-01-01 for January 2026)" + E_CORRECT
)
E_VOCAB = " [vocabulary] — use an allowed value (docs/data-dictionary.md says what each one means)"
E_DUP = " [duplicate] — define each record once; a second source mentions it (see datasets/curated/README.md)"
E_EVIDENCE = " [evidence] — copy the excerpt character for character from the article (quotes ’ “ ” and dashes — –)"
E_MISSING = "Field required [missing] — add this field"
R_EVENT = f"events[{EVENT}]."
R_BUDGET = f"budgets[{BUDGET}].share_of_gdp_pct: "
R_DATED = f"events[{DATED}].start_on: "
NOT_A_NUMBER = " is not a number; write digits (55000000000, 2.5)" + E_CORRECT
NOT_FINITE = " is not a finite number; write the figure the article gives" + E_CORRECT

# ---- YAML syntax and structure ------------------------------------------------------------------
case(
    "yaml: unclosed flow list",
    _at("kind", value="[unclosed"),
    "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence that starts here; "
    "noticed at line 234) [yaml] — fix the YAML at that line (indentation, quoting, a missing colon)",
)
case(
    "yaml: unterminated quote",
    _at("summary", value="'never closed"),
    "YAML syntax error: a quoted value starts here and runs on to line 269, where YAML stops (did not find "
    "expected key): is a closing quote missing? [yaml] — fix the YAML at that line (indentation, quoting, a "
    "missing colon)",
)
case(
    "yaml: tab indentation",
    _tab_indent,
    "YAML syntax error: found a tab character that violates indentation" + E_SYNTAX,
)
case(
    "yaml: over-indented key",
    _over_indented,
    "YAML syntax error: mapping values are not allowed in this context" + E_SYNTAX,
)
case(
    "yaml: missing colon",
    _missing_colon,
    "YAML syntax error: could not find expected ':' (while scanning a simple key that starts here; noticed at "
    "line 235) [yaml] — fix the YAML at that line (indentation, quoting, a missing colon)",
)
case(
    "yaml: duplicate key",
    _line_after("status", "  status: ongoing"),
    "duplicate key 'status' [yaml] — write each key once per record",
)
case("yaml: mapping as key", _line_after("status", "  {a: 1}: x"), E_KEY)
case("yaml: list as key", _line_after("status", "  [a, b]: x"), E_KEY)
case(
    "yaml: boolean key",
    _line_after("status", "  yes: x"),
    "the key 'yes' is read by YAML as True, not as a field name [yaml] — quote it ('yes') or use a field name",
)
case(
    "yaml: null key",
    _line_after("status", "  ~: x"),
    "an empty key (~ or null) is not a field name [yaml] — write the field's name",
)
case(
    "yaml: integer key",
    _line_after("status", "  1: x"),
    f"events[{EVENT}].1: Keys should be strings (got 1){E_CORRECT}",
)
case("yaml: anchor", _at("kind", value="&k diplomatic_protest"), E_ALIAS)
case("yaml: alias", _at("kind", value="*k"), E_ALIAS)
case("yaml: alias bomb", _alias_bomb, E_ALIAS)
case("yaml: nesting 30 deep", _nested(30), "nested deeper than 24 levels [shape] — flatten the record")
case("yaml: NUL character", _bytes_in_summary(b"\x00"), E_CONTROL)
case("yaml: BEL character", _bytes_in_summary(b"\x07"), E_CONTROL)
case(
    "yaml: not UTF-8",
    _bytes_in_summary(b"\xff"),
    "not UTF-8 text (byte 14942) [encoding] — save the file as UTF-8",
)
case(
    "yaml: a second document",
    _second_document,
    "a second YAML document in one file [shape] — keep one document per file",
)
case("file over 32 MiB", _big_file, "is 34.6 MB [size] — split it: at most 32 MiB a file")
case("value over 100,000 characters", _huge_value, "a value of 100,001 characters [size] — at most 100,000")
case(
    "a folder where a source file should be",
    _folder_for_file,
    "is a folder, not a YAML file [shape] — move it out or rename it",
)
case(
    "a folder where the registry file should be",
    _registry_folder,
    "is a folder, not a YAML file [shape] — move it out or rename it",
)
case(
    "an unknown file",
    _unknown_file,
    "not a curated file (registry files are actors.yaml; sources are sources/*.yaml) [unknown-file] — move it out, "
    "or see datasets/curated/README.md for the layout",
)
case("an empty source file", _empty_source, E_SOURCE_SHAPE)
case("a source file that is a list", _source_as_list, E_SOURCE_SHAPE)
case(
    "the registry as a mapping",
    _registry_as_mapping,
    "the file must be a YAML list of records [shape] — start each record with '- '",
)
case(
    "a section that is not a list",
    _section_not_list,
    "budgets: must be a list of records [shape] — start each record with '- '",
)
case(
    "an unknown section",
    _unknown_section,
    "eventz: not a section of a source file [unknown-field] — use one of: source, actor_roles, memberships, "
    "agreements, events, budgets, statements, source_anomalies, mentions",
)
case(
    "a bare string record",
    _bare_string_record,
    "events#1: record is a text ('just a sentence about an event'), not a mapping [shape] — write the record as "
    "'key: value' lines",
)
case(
    "a bare number record in the registry",
    _bare_number_record,
    "actors#1: record is a number (42), not a mapping [shape] — write the record as 'key: value' lines",
)
case("no source files", _no_sources, "no source files [missing-file] — add one per article (`japan-nato add-source`)")
case(
    "the registry file missing",
    _missing_registry,
    "file is missing [missing-file] — create actors.yaml (an empty list '[]' is allowed)",
)
case(
    "a source file named unlike its source_id",
    _renamed_source,
    "sources[japan-mission-to-nato-2025].source_id: the file is named japan-mission-to-nato.yaml [shape] — name it "
    "japan-mission-to-nato-2025.yaml",
)

# ---- wrong types --------------------------------------------------------------------------------
case("number: boolean", _at("share_of_gdp_pct", BUDGET, value="true"), R_BUDGET + "True" + NOT_A_NUMBER)
case("number: .nan", _at("share_of_gdp_pct", BUDGET, value=".nan"), R_BUDGET + "nan" + NOT_FINITE)
case("number: .inf", _at("share_of_gdp_pct", BUDGET, value=".inf"), R_BUDGET + "inf" + NOT_FINITE)
case("number: -.inf", _at("share_of_gdp_pct", BUDGET, value="-.inf"), R_BUDGET + "-inf" + NOT_FINITE)
case("number: 1.0e+400", _at("share_of_gdp_pct", BUDGET, value="1.0e+400"), R_BUDGET + "inf" + NOT_FINITE)
case("number: 1e400", _at("share_of_gdp_pct", BUDGET, value="1e400"), R_BUDGET + "'1e400'" + NOT_A_NUMBER)
case(
    "number: a 400-digit integer",
    _at("share_of_gdp_pct", BUDGET, value="1" + "0" * 400),
    "budgets[jpn-defence-spending-target-2pct-gdp].share_of_gdp_pct: the number is too large (over 1e308); "
    "write the figure the article gives [invalid] — correct the value",
)
case("number: a word", _at("share_of_gdp_pct", BUDGET, value="lots"), R_BUDGET + "'lots'" + NOT_A_NUMBER)
R_TROOPS = "events[prk-troop-deployment-to-russia].quantities.0."
R_AMOUNT = "budgets[jpn-defence-budget-2025].amount: "
BUDGET_2025 = "jpn-defence-budget-2025"  # amount: 55000000000, in the 2025 article


def _troops(field: str, old: str, new: str) -> Edit:
    return lambda t: t.swap(S26, rf"^    {field}: {old}$", old, new, TROOPS)


case("number: low .nan", _troops("low", "14000", ".nan"), R_TROOPS + "low: nan" + NOT_FINITE)
case("number: high .inf", _troops("high", "15000", ".inf"), R_TROOPS + "high: inf" + NOT_FINITE)
case("number: low a boolean", _troops("low", "14000", "yes"), R_TROOPS + "low: True" + NOT_A_NUMBER)
case("number: amount .nan", _at("amount", BUDGET_2025, S25, ".nan"), R_AMOUNT + "nan" + NOT_FINITE)
case("number: amount a boolean", _at("amount", BUDGET_2025, S25, "false"), R_AMOUNT + "False" + NOT_A_NUMBER)
case("number: quoted digits", _at("share_of_gdp_pct", BUDGET, value="'2'"), R_BUDGET + "'2'" + NOT_A_NUMBER)
case(
    "text: a number",
    _at("summary", value="42"),
    R_EVENT + "summary: Input should be a valid string (got 42)" + E_TYPE + " (string type)",
)
case(
    "text: a list",
    _at("summary", value="[a, b]"),
    R_EVENT + "summary: Input should be a valid string (got ['a', 'b'])" + E_TYPE + " (string type)",
)
case(
    "text: a mapping",
    _at("summary", value="{a: 1}"),
    R_EVENT + "summary: Input should be a valid string (got {'a': 1})" + E_TYPE + " (string type)",
)
case(
    "text: NO read as a boolean",
    _at("iso3", "aus", ACTORS, value="NO"),
    "actors[aus].iso3: Input should be a valid string (got NO, which YAML reads as False) [type] — quote it: 'NO'",
)
case(
    "text: empty",
    _at("summary", value="''"),
    R_EVENT + "summary: is empty or has leading/trailing spaces; trim it" + E_CORRECT,
)
case(
    "text: padded",
    _at("summary", value="' padded'"),
    R_EVENT + "summary: is empty or has leading/trailing spaces; trim it" + E_CORRECT,
)
case(
    "text: null where required",
    _at("summary", value="null"),
    R_EVENT + "summary: Input should be a valid string (got None)" + E_TYPE + " (string type)",
)
case(
    "text: over 4,000 characters",
    _long_note,
    f"events[{DATED}].note: is 4,001 characters; write at most 4,000" + E_CORRECT,
)
case(
    "boolean: 1",
    _at("is_verbatim", QUOTE, value="1"),
    f"statements[{QUOTE}].is_verbatim: Input should be a valid boolean (got 1)" + E_TYPE + " (bool type)",
)
case(
    "boolean: a word",
    _at("is_verbatim", QUOTE, value="perhaps"),
    f"statements[{QUOTE}].is_verbatim: Input should be a valid boolean (got 'perhaps')" + E_TYPE + " (bool type)",
)

# ---- dates --------------------------------------------------------------------------------------
case("date: an integer", _at("start_on", DATED, value="20260101"), R_DATED + "20260101" + E_DATE)
case("date: an epoch number", _at("start_on", DATED, value="1767225600"), R_DATED + "1767225600" + E_DATE)
case("date: the integer 0", _at("start_on", DATED, value="0"), R_DATED + "0" + E_DATE)
case(
    "date: 30 February",
    _at("start_on", DATED, value="2026-02-30"),
    R_DATED + "'2026-02-30' is not a real day; write YYYY-MM-DD" + E_CORRECT,
)
case(
    "date: month 13",
    _at("start_on", DATED, value="2026-13-01"),
    R_DATED + "'2026-13-01' is not a real day; write YYYY-MM-DD" + E_CORRECT,
)
case(
    "date: year 0",
    _at("start_on", DATED, value="0000-01-01"),
    R_DATED + "'0000-01-01' is not a real day; write YYYY-MM-DD" + E_CORRECT,
)
case(
    "date: with a time", _at("start_on", DATED, value="2026-01-01T10:00:00"), R_DATED + "'2026-01-01T10:00:00'" + E_DATE
)
case(
    "date: month precision not on the 1st",
    _at("start_on", DATED, value="2026-01-15"),
    R_DATED + "2026-01-15 has month precision, so it must be the 1st of the month [date] — write 2026-01-01 "
    "(YYYY-MM-DD, the first day of the period)",
)
case(
    "date: year precision not on 1 January",
    _at("start_on", YEARLY, value="2023-06-01"),
    f"events[{YEARLY}].start_on: 2023-06-01 has year precision, so it must be 1 January [date] — write 2023-01-01 "
    "(YYYY-MM-DD, the first day of the period)",
)
case(
    "date: a date with unknown precision",
    _line_after("text", "  said_on: 2024-01-01", UNDATED),
    f"statements[{UNDATED}].said_on: is 2024-01-01 but said_precision is unknown [date] — remove the date, or give "
    "its precision",
)
case(
    "date: an unknown precision",
    _at("date_precision", DATED, value="week"),
    f"events[{DATED}].date_precision: 'week' is not an allowed date_precision; use one of: day, month, year, decade, "
    "unknown" + E_VOCAB,
)

# ---- IDs and references -------------------------------------------------------------------------
case("ID: 81 characters", _long_id, f"events[{'a' * 81}].event_id: is 81 characters; write at most 80" + E_CORRECT)
case(
    "ID: not a slug",
    lambda t: t.swap(S26, rf"^- event_id: {EVENT}$", EVENT, "Not A Slug"),
    "events[Not A Slug].event_id: 'Not A Slug' is not a slug (lowercase letters, digits and hyphens, e.g. 'jpn' or "
    "'fumio-kishida')" + E_CORRECT,
)
case(
    "ID: a zero-width space",
    lambda t: t.swap(S26, rf"^- event_id: {EVENT}$", EVENT, EVENT + "\u200b"),
    f"events[{EVENT}\u200b].event_id: '{EVENT}\\u200b' is not a slug (lowercase letters, digits and hyphens, e.g. "
    "'jpn' or 'fumio-kishida')" + E_CORRECT,
)
case(
    "ID: defined twice in one file",
    _duplicate_in_file,
    f"events[{EVENT}].event_id: '{EVENT}' is also defined at {{file}}:232" + E_DUP,
)
case(
    "ID: an actor twice in the registry",
    _duplicate_actor,
    "actors[aus].actor_id: 'aus' is also defined at {file}:16" + E_DUP,
)
case(
    "reference: unknown, with a did-you-mean",
    _at("speaker", QUOTE, value="shinjiro-koizum"),
    f"statements[{QUOTE}].speaker: unknown actor ID 'shinjiro-koizum' [reference] — did you mean 'shinjiro-koizumi'?",
)
case(
    "reference: unknown, nothing near",
    _at("speaker", QUOTE, value="zz-nobody-at-all"),
    f"statements[{QUOTE}].speaker: unknown actor ID 'zz-nobody-at-all' [reference] — add 'zz-nobody-at-all' to "
    "registry/actors.yaml, or use an existing ID",
)
case(
    "reference: an unknown agreement",
    _at("agreement", value="nato-liaison-office-tokio"),
    R_EVENT + "agreement: unknown agreement ID 'nato-liaison-office-tokio' [reference] — did you mean "
    "'nato-liaison-office-tokyo' or 'nato-liaison-office-bih'?",
)
case(
    "reference: a mention of an unknown record",
    _unknown_mention,
    "events[no-such-event-anywhere]: mentions event 'no-such-event-anywhere', which no file defines [reference] — "
    "define 'no-such-event-anywhere' in the file of the source that states it, or use an existing ID",
)

# ---- evidence, quotes and texts -----------------------------------------------------------------
case(
    "evidence: not in the article",
    _at("evidence", value="China praised the office warmly"),
    R_EVENT + f"evidence: excerpt not in {S26}: no passage of the article is close to it" + E_EVIDENCE,
)
case(
    "evidence: a Cyrillic lookalike",
    _at("evidence", value="drawn criticism from \u0421hina"),
    R_EVENT + f"evidence: excerpt not in {S26}: the article has 'drawn criticism from China' where the excerpt has "
    "'drawn criticism from \u0421hina' (at character 22)" + E_EVIDENCE,
)
case(
    "evidence: empty",
    _at("evidence", value="''"),
    "events[chn-criticism-nato-liaison-office-tokyo].evidence: is empty or has leading/trailing spaces; trim "
    "it [invalid] — correct the value",
)
case(
    "evidence: a number in the list",
    _number_in_evidence_list,
    "events[prk-missile-launch-2026-01].evidence.0: Input should be a valid string (got 42) [type] — give a "
    "value of the right type (string type)",
)
case(
    "quote: verbatim, not in the article",
    lambda t: t.swap(S26, r"^  text: the peace and security", "peace and security", "peace and prosperity", QUOTE),
    "statements[shinjiro-koizumi--2026-01--missile-threat].text: verbatim quote not in "
    "japan-military-revival-2026: the article has 'the peace and security of our country,…' where the excerpt "
    "has 'the peace and prosperity of our countr…' (at character 15) [quote] — copy the quote character for "
    "character, or set is_verbatim: false for a paraphrase",
)
case(
    "source: sha256 changed",
    lambda t: t.swap(S26, r"^  sha256: ", "sha256: 1", "sha256: 0"),
    f"sources[{S26}].sha256: the text of 000_1d1ea6e2f52da7ff.txt hashes to "
    "162a29c5b5694750ddb27244c547ce5967fb3b8dd5a1a2e0252b0010a1e85a95 [sha256] — use the article whose sha256 is "
    "recorded, or record the new one",
)
case(
    "source: text file missing",
    lambda t: t.swap(S26, r"^  file: ", "000_", "999_"),
    f"sources[{S26}].file: the article's text is not available (999_1d1ea6e2f52da7ff.txt is not in {{seeds}}) "
    "[sources] — give --sources-dir or $JAPAN_NATO_SOURCES the folder of the texts, or --allow-missing-sources to "
    "build without the evidence checks",
)
case(
    "source: a section start not in the article",
    lambda t: t.swap(S26, r"^    starts: Uncategorized$", "Uncategorized", "Uncategorised"),
    "sources[japan-military-revival-2026].sections[0].starts: 'Uncategorised' is not in the article "
    "[section_start] — copy the block's first words from the article, character for character",
)

# ---- vocabularies -------------------------------------------------------------------------------
E_STATUS = "use one of: occurred, ongoing, planned, proposed" + E_VOCAB
case(
    "vocabulary: unknown event status",
    _at("status", value="happened"),
    R_EVENT + "status: 'happened' is not an allowed event_status; " + E_STATUS,
)
case(
    "vocabulary: capitalised",
    _at("status", value="Occurred"),
    R_EVENT + "status: 'Occurred' is not an allowed event_status; " + E_STATUS,
)
case(
    "vocabulary: unknown actor kind",
    _at("kind", "aus", ACTORS, value="country"),
    "actors[aus].kind: 'country' is not an allowed actor_kind; use one of: state, organization, person, group, "
    "media, other" + E_VOCAB,
)
case(
    "vocabulary: unknown certainty",
    _at("certainty", value="sure"),
    R_EVENT + "certainty: 'sure' is not an allowed certainty; use one of: stated, reported, assessed, planned, "
    "proposed" + E_VOCAB,
)
case(
    "vocabulary: unknown unit",
    lambda t: t.swap(S26, r"^    unit: count$", "count", "heads", TROOPS),
    "events[prk-troop-deployment-to-russia].quantities.0.unit: 'heads' is not an allowed quantity_unit; use one of: "
    "count, percent, km, minutes, years, times, usd, jpy" + E_VOCAB,
)

# ---- missing and unknown fields -----------------------------------------------------------------
case("field: a required one missing", _missing_required, R_EVENT + "summary: " + E_MISSING)
case("field: evidence missing", _missing_evidence, R_EVENT + "evidence: " + E_MISSING)
case(
    "field: misspelt",
    lambda t: t.swap(S26, r"^  summary:", "summary:", "sumary:", EVENT),
    R_EVENT + "sumary: Extra inputs are not permitted [unknown-field] — remove it or correct its spelling (see "
    "datasets/curated/README.md)",
)
case(
    "field: source_id missing",
    _missing_source_id,
    "sources.source_id: the source record has no source_id [missing] — write `source_id: "
    "japan-mission-to-nato-2025` (the file's name) in the source record",
)
case(
    "field: link rows not a list",
    _link_rows_not_a_list,
    R_EVENT + "actors: Input should be a valid list (got 'chn')" + E_TYPE + " (list type)",
)
case("field: a link row without its role", _link_row_without_role, R_EVENT + "actors.0.role: " + E_MISSING)
