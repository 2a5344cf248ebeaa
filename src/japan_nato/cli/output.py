"""How commands report: lines for people, one JSON document with --json, Rich progress on a terminal.

- `use_json(True)` at the start of a command switches its errors too: `fail()` then prints
  {"ok": false, "error": ..., "problems": [...]} on standard output (exit 1), so a script reading the
  JSON never has to parse an error line.
- `steps(title)` shows a transient progress bar on standard error while a long command runs, only
  when standard error is a terminal and no JSON is wanted ($JAPAN_NATO_PROGRESS=1 forces it, 0
  turns it off), so piped output and the exact-output tests never see it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass

import typer

_state = {"json": False}

STEP_LABELS = {
    "migrate": "schema",
    "validate": "reading and validating files",
    "cross_checks": "checking references across files",
    "load": "loading tables",
    "gate": "quality gate",
    "export": "writing release files",
    "validate_metadata": "validating metadata",
}


def use_json(on: bool) -> None:
    _state["json"] = bool(on)


def json_wanted() -> bool:
    return _state["json"]


def emit(payload: dict) -> None:
    """The command's one JSON document, on standard output."""
    from japan_nato.cli import out

    out.print_json(json.dumps(payload, default=_plain, ensure_ascii=False))


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    return str(value)


def fail(lines: list[str], summary: str, problems: list | None = None) -> None:
    """One line per problem on standard error, then `error: <summary>`; exit 1. With --json, the same
    as one document on standard output (problems as their fields when given)."""
    from japan_nato.cli import err

    if json_wanted():
        items = [_problem_dict(p) for p in problems] if problems is not None else [{"message": x} for x in lines]
        emit({"ok": False, "error": summary, "problems": items})
        raise typer.Exit(1)
    for line in lines:
        err.print(line, markup=False)
    err.print(f"error: {summary}", markup=False)
    raise typer.Exit(1)


def _problem_dict(p) -> dict:
    fields = ("file", "line", "record", "field", "message", "fix", "code")
    if all(hasattr(p, f) for f in fields):
        return {f: getattr(p, f) for f in fields} | {"text": str(p)}
    return {"message": str(p)}


def _progress_wanted() -> bool | None:
    """True: force it; False: never; None: when standard error is a terminal."""
    setting = os.environ.get("JAPAN_NATO_PROGRESS", "")
    if json_wanted() or setting == "0":
        return False
    return True if setting == "1" else None


def _quiet(step: str, done: int | None = None, total: int | None = None) -> None:
    pass


@contextmanager
def steps(title: str) -> Iterator:
    """A callback `on_step(step, done, total)` that drives a progress bar titled `title`."""
    from japan_nato.cli import err

    wanted = _progress_wanted()
    if wanted is False or (wanted is None and not err.is_terminal):
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = err if wanted is None else Console(stderr=True, force_terminal=True, highlight=False, width=240)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(title, total=None)
        last = [None]

        def on_step(step: str, done: int | None = None, total: int | None = None) -> None:
            label = f"{title}: {STEP_LABELS.get(step, step)}"
            bar.update(task, description=label, completed=done or 0, total=total)
            if wanted and step != last[0]:  # forced (no real terminal): each step on a line of its own too
                console.print(label, markup=False, soft_wrap=True)
            last[0] = step

        yield on_step
