"""YAML reading that remembers the line of every mapping and key, for error messages.

The tree is built from libyaml's parse events (PyYAML's C parser) rather than by PyYAML's
constructor: measured on 20,000 events (9.5 MB), 1.2 s against 8.0 s for `yaml.load(CSafeLoader)`,
with the line of every key kept (docs/scale-benchmark.md). Building it here also lets the reader
refuse what curated files must not contain, each as one problem with its line instead of a crash
or a surprise:
- anchors and aliases (`&id`, `*id`): they act at a distance, and an alias bomb expands without end;
- a mapping or a list used as a key, nesting deeper than MAX_DEPTH, a file over MAX_FILE_BYTES, a
  value over MAX_SCALAR characters, a duplicate key;
- text that is not UTF-8 or holds control characters libyaml refuses.
Dates stay text (`2025-13-01` is then a validation problem with its line); plain scalars are
resolved as YAML 1.1 does (null, booleans, integers, floats).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from japan_nato.loaders.problems import Problem
from yaml.resolver import Resolver

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 24
MAX_SCALAR = 100_000  # characters; the input models hold each column to much less

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_resolve = Resolver().resolve
_constructor = yaml.constructor.SafeConstructor()
_RESOLVABLE = set("yYnNtTfFoO")  # yes/no/true/false/on/off/null and their spellings


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict
    spelled: dict  # a value YAML 1.1 read as a boolean -> how it was written (NO, yes, on), for messages


class LineList(list):
    """A list from YAML that knows its own line and the line each item starts on."""

    line: int = 0
    item_lines: list


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str, fix: str, code: str = "yaml"):
        super().__init__(message)
        self.line, self.message, self.fix, self.code = line, message, fix, code


def _plain(value: str):
    """A plain (unquoted) scalar as YAML 1.1 reads it; timestamps stay text."""
    first = value[:1]
    if first.isalpha() and first not in _RESOLVABLE:
        return value  # no YAML 1.1 null, bool, number or timestamp starts with this letter
    tag = _resolve(yaml.ScalarNode, value, (True, False))
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _constructor.construct_yaml_bool(yaml.ScalarNode(tag, value))
    if tag == _INT:
        return _constructor.construct_yaml_int(yaml.ScalarNode(tag, value))
    if tag == _FLOAT:  # .inf, .nan and 1e400 become floats here; the input models refuse them
        return _constructor.construct_yaml_float(yaml.ScalarNode(tag, value))
    return value


_KEY = object()  # a mapping's state while it waits for a key (a key itself may be None: `~:`)


def _line(event) -> int:
    return event.start_mark.line + 1


def build_tree(text: str):
    """The document's value as LineDict / LineList / scalars. Raises YamlProblem or yaml.YAMLError."""
    stack: list = []
    keys: list = []  # for each open mapping: the key waiting for its value (_KEY: expecting a key)
    root = None
    done = False

    def attach(value, event) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if type(top) is LineDict:
            key = keys[-1]
            if key is _KEY:
                raise YamlProblem(_line(event), "a mapping or a list is used as a key", "keys are plain names")
            top[key] = value
            keys[-1] = _KEY
        else:
            top.append(value)
            top.item_lines.append(_line(event))

    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        kind = type(event)
        if kind is yaml.AliasEvent or getattr(event, "anchor", None):
            raise YamlProblem(
                _line(event),
                "YAML anchors and aliases (&name, *name) are not allowed in curated files",
                "write the value out where it is used (`japan-nato fmt` does it)",
                "alias",
            )
        if kind is yaml.ScalarEvent:
            if len(event.value) > MAX_SCALAR:
                raise YamlProblem(
                    _line(event), f"a value of {len(event.value):,} characters", f"at most {MAX_SCALAR:,}", "size"
                )
            value = _plain(event.value) if event.implicit[0] else event.value
            if stack and type(stack[-1]) is LineDict and keys[-1] is _KEY:
                top = stack[-1]
                if event.implicit[0] and (value is None or isinstance(value, bool)):
                    if value is None:
                        what, fix = "an empty key (~ or null) is not a field name", "write the field's name"
                    else:
                        what = f"the key {event.value!r} is read by YAML as {value}, not as a field name"
                        fix = f"quote it ('{event.value}') or use a field name"
                    raise YamlProblem(_line(event), what, fix)
                if value in top or value in top.key_lines:
                    raise YamlProblem(
                        _line(event), f"duplicate key {value!r}", "write each key once per record", "yaml"
                    )
                if not isinstance(value, str | int | bool) and value is not None:
                    raise YamlProblem(_line(event), f"the key {value!r} is not a name", "keys are plain names")
                keys[-1] = value
                top.key_lines[value] = _line(event)
            else:
                if isinstance(value, bool) and event.implicit[0] and stack and type(stack[-1]) is LineDict:
                    stack[-1].spelled[keys[-1]] = event.value
                attach(value, event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(_line(event), f"nested deeper than {MAX_DEPTH} levels", "flatten the record", "shape")
            node = LineDict() if kind is yaml.MappingStartEvent else LineList()
            node.line = _line(event)
            if kind is yaml.MappingStartEvent:
                node.key_lines, node.spelled = {}, {}
            else:
                node.item_lines = []
            attach(node, event)
            stack.append(node)
            keys.append(_KEY)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            keys.pop()
        elif kind is yaml.DocumentEndEvent:
            done = True
        elif kind is yaml.DocumentStartEvent and done:
            raise YamlProblem(_line(event), "a second YAML document in one file", "keep one document per file", "shape")
    return root


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to fix and what is wrong. A token or bracket YAML could not finish (an unclosed quote or
    bracket, a key without its colon) is at the line where it starts, not where YAML gave up;
    for the parser's errors the problem's own line is the one to fix."""
    context = exc.context or ""
    unfinished = ("while scanning a simple key", "while scanning a quoted scalar", "while parsing a flow")
    scanning = context.startswith(unfinished) and exc.context_mark is not None
    mark = exc.context_mark if scanning else (exc.problem_mark or exc.context_mark)
    message = f"YAML syntax error: {exc.problem or exc}"
    if scanning and exc.problem_mark is not None and exc.problem_mark.line != mark.line:
        message += f" ({exc.context} that starts here; noticed at line {exc.problem_mark.line + 1})"
    elif not scanning and exc.problem_mark is not None:
        opened = _quote_closed_on(text, exc.problem_mark.line)
        if opened is not None:  # a quote left open swallows the lines up to the next quote mark
            return opened + 1, (
                f"YAML syntax error: a quoted value starts here and runs on to line {exc.problem_mark.line + 1}, "
                f"where YAML stops ({exc.problem}): is a closing quote missing?"
            )
    return (mark.line + 1 if mark else None), message


def _quote_closed_on(text: str, line: int) -> int | None:
    """The 0-based line where a quoted scalar that spans lines and ends on `line` starts, if any."""
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if token.start_mark.line > line:
                break
            quoted = type(token) is yaml.ScalarToken and token.style in ("'", '"')
            if quoted and token.end_mark.line == line and token.start_mark.line < line:
                return token.start_mark.line
    except yaml.YAMLError:
        pass
    return None


def read_yaml(path: Path, label: str) -> tuple[object, list[Problem]]:
    """Read one YAML file. Returns (tree or None, problems)."""

    def problem(line, message, fix, code="yaml") -> list[Problem]:
        return [Problem(label, line, None, None, message, fix, code)]

    try:
        size = path.stat().st_size
        if path.is_dir():
            return None, problem(None, "is a folder, not a YAML file", "move it out or rename it", "shape")
        if size > MAX_FILE_BYTES:
            return None, problem(
                None, f"is {size / 1e6:.1f} MB", f"split it: at most {MAX_FILE_BYTES >> 20} MiB a file", "size"
            )
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, problem(line, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8", "encoding")
    except OSError as exc:
        return None, problem(None, f"cannot be read: {exc.strerror}", "check the file's permissions", "io")
    try:
        return build_tree(text), []
    except YamlProblem as exc:
        return None, problem(exc.line, exc.message, exc.fix, exc.code)
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_error(exc, text)
        return None, problem(line, message, "fix the YAML at that line (indentation, quoting, a missing colon)")
    except yaml.YAMLError as exc:  # libyaml's reader: control characters and the like
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return None, problem(line, f"not readable as YAML: {reason}", "remove control characters (NUL, BEL, ...)")


def read_yaml_records(path: Path, label: str) -> tuple[list[LineDict], list[Problem]]:
    """Read a YAML file holding a list of records. Returns (records, problems)."""
    data, problems = read_yaml(path, label)
    if problems or data is None:
        return [], problems
    if not isinstance(data, list):
        return [], [
            Problem(
                label,
                getattr(data, "line", 1),
                None,
                None,
                "the file must be a YAML list of records",
                "start each record with '- '",
                "shape",
            )
        ]
    return records_of(data, label)


def records_of(items: LineList, label: str, where: str = "") -> tuple[list[LineDict], list[Problem]]:
    """The mappings of a YAML list; anything else in it is a problem at its own line."""
    records, problems = [], []
    for index, item in enumerate(items):
        if isinstance(item, LineDict):
            records.append(item)
        else:
            problems.append(
                Problem(
                    label,
                    items.item_lines[index] if index < len(getattr(items, "item_lines", ())) else items.line,
                    f"{where}#{index + 1}",
                    None,
                    f"record is {_what(item)}, not a mapping",
                    "write the record as 'key: value' lines",
                    "shape",
                )
            )
    return records, problems


def _what(value) -> str:
    """A value's kind in a curator's words."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a text ({value[:40]!r})"
    return "a list"


def line_of(record: LineDict, loc: tuple) -> int:
    """The line of the deepest element of `loc` that the YAML placed, else the record's line."""
    node, line = record, record.line
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            items = getattr(node, "item_lines", ())
            line = items[part] if part < len(items) else line  # a scalar item has no line of its own
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
