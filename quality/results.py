"""One result of one quality check, whichever engine ran it (GX over SQL or pandas, plain SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_KEYS = 50  # failing keys kept per result; the count is always exact


@dataclass
class CheckResult:
    check: str
    table: str
    column: str | None
    severity: str
    success: bool | None  # None: skipped
    observed: str
    failing_keys: list[str] = field(default_factory=list)
    failing_count: int = 0
    engine: str = "sql"
    description: str = ""
    observations: list[str] = field(default_factory=list, repr=False)  # one per failing key

    def lines(self) -> list[str]:
        """One line per failure: table, key, column, check, observed value."""
        if self.success is None:
            return [f"skipped {self.table}: {self.check} — {self.observed}"]
        if self.success:
            return []
        level = "ERROR" if self.severity == "error" else "warning"
        return [
            f"{level} {self.table}[{key}] {self.column or '-'}: {self.check} — {obs}"
            for key, obs in zip(self.failing_keys, self.observations, strict=False)
        ] + (
            [f"{level} {self.table}: {self.check} — {self.failing_count - len(self.failing_keys)} more"]
            if self.failing_count > len(self.failing_keys)
            else []
        )
