"""Great Expectations, loaded once per process, and only the parts the gate runs.

Measured on this project's machine (docs/feedback.md): `import great_expectations` plus an ephemeral
context took 2.6-2.8 s with bytecode cached, 1.4-1.8 s of it without two libraries the gate never
uses. GX imports them at module level for expectations and renderers the gate does not run:
`scipy.stats` (distribution tests such as expect_column_kl_divergence_to_be_less_than) and `altair`
(charts). `deferred()` puts a stand-in for each into `sys.modules` while GX imports; the first read
of any attribute imports the real module, so nothing behaves differently, it only happens later or
never.

The context and each table's built suite are made once per process and reused by every later run
(the test suite and a warm gate worker run the gate many times).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import sys
import types
from functools import cache

DEFERRED_MODULES = ("scipy.stats", "altair")


class _Deferred(types.ModuleType):
    """Stands in for a module until something reads one of its attributes."""

    def __init__(self, name: str, spec) -> None:
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attr: str):
        return getattr(_load_real(self.__name__), attr)


def _load_real(name: str) -> types.ModuleType:
    parent, _, child = name.rpartition(".")
    if isinstance(sys.modules.get(name), _Deferred):
        del sys.modules[name]
        if parent and isinstance(getattr(sys.modules.get(parent), child, None), _Deferred):
            delattr(sys.modules[parent], child)
    return importlib.import_module(name)


def defer(name: str) -> None:
    """Stand in for `name` until it is used (no-op when it is already imported or not installed)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)  # imports the parent package, which is cheap for scipy
    if spec is None:
        return
    proxy = _Deferred(name, spec)
    sys.modules[name] = proxy
    parent, _, child = name.rpartition(".")
    if parent:
        # `from scipy import stats` reads the attribute first; set it so the stand-in is found.
        setattr(sys.modules[parent], child, proxy)


def is_deferred(name: str) -> bool:
    return isinstance(sys.modules.get(name), _Deferred)


@cache
def context():
    """(great_expectations module, an ephemeral context with progress bars off), made once."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    for name in DEFERRED_MODULES:
        defer(name)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _compute_configuration_once()
    ctx = gx.get_context(mode="ephemeral")
    # TQDM_DISABLE does not silence GX; its own setting does.
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, ctx


def _compute_configuration_once() -> None:
    """GX 1.24 rebuilds an expectation's whole configuration (a pydantic `.dict()` of it) once per key
    in `_get_domain_kwargs` and `_get_success_kwargs`: 15,712 rebuilds for the seed suites, 0.3-0.5 s.
    These replacements read the same values from one configuration per call; their results are equal
    (the configuration cannot change inside the call). Applied only to the GX series pinned in
    pyproject.toml, whose methods these are."""
    import great_expectations
    from great_expectations.expectations.expectation import Expectation

    if not great_expectations.__version__.startswith("1.24."):
        return

    def _get_domain_kwargs(self) -> dict:
        kwargs = self.configuration.kwargs
        return {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}

    def _get_success_kwargs(self) -> dict:
        kwargs = self.configuration.kwargs
        success = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
        success.update({key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys})
        return success

    Expectation._get_domain_kwargs = _get_domain_kwargs
    Expectation._get_success_kwargs = _get_success_kwargs


_SUITES: dict[str, object] = {}


def suite(spec: dict, translate=None):
    """A GX ExpectationSuite for a suite-file spec, built once per process for each distinct spec."""
    key = json.dumps([spec, translate.__qualname__ if translate else None], sort_keys=True, default=str)
    if key not in _SUITES:
        gx, _ = context()
        expectations = []
        for e in spec["expectations"]:
            e = translate(e) if translate else e
            cls = gx.expectations.registry.get_expectation_impl(e["type"])
            expectations.append(cls(**e["kwargs"], meta=e["meta"], severity=e["severity"]))
        _SUITES[key] = gx.ExpectationSuite(name=spec["name"], expectations=expectations)
    return _SUITES[key]
