"""The torture suite (issue 16): crafted bad inputs, kill -9, concurrent runs, tampered releases and
hostile arguments. Marked `torture`, left out of the default run; `make torture` runs it and prints
the figures below, counted from the cases as they ran."""

from __future__ import annotations

import pytest

from ..conftest import sources_dir
from . import figures


@pytest.fixture
def texts():
    found = sources_dir()
    if found is None:
        pytest.skip("needs the source texts (../shared/seeds)")
    return found


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = figures.summary_lines()
    if not lines:
        return
    terminalreporter.section("torture figures")
    for line in lines:
        terminalreporter.write_line(line)
