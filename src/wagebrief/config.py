"""Project paths and settings.

Every path is anchored at the project root, so the library, the CLI and the notebooks agree on
where data lives no matter which directory they run from. ``WAGEBRIEF_ROOT`` overrides the
root (tests point it at a temporary copy of the project).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT_ENV = "WAGEBRIEF_ROOT"

#: Fiscal years start in July unless a unit file or command says otherwise.
DEFAULT_FY_START_MONTH = 7

#: A year of the comparator pattern resting on fewer settled comparators than this is
#: provisional: shown marked, and the pattern carries the latest earlier full year forward
#: instead (a proposals file's ``comparator_pattern.min_comparators`` overrides it).
MIN_PATTERN_COMPARATORS = 3

#: No report shows a figure computed from fewer employees than this (a roster is personal data:
#: a one-person "base payroll" is that person's salary). ``WAGEBRIEF_MIN_GROUP_SIZE`` overrides it.
MIN_GROUP_SIZE_ENV = "WAGEBRIEF_MIN_GROUP_SIZE"
DEFAULT_MIN_GROUP_SIZE = 5


class SettingError(ValueError):
    """A setting (an environment variable) that cannot be read."""


def min_group_size() -> int:
    """The fewest employees a reported figure may be computed from: ``$WAGEBRIEF_MIN_GROUP_SIZE``, else 5."""
    text = os.environ.get(MIN_GROUP_SIZE_ENV, "").strip()
    if not text:
        return DEFAULT_MIN_GROUP_SIZE
    # A typo must not quietly lower the threshold (or raise it to "everything suppressed"): refuse it.
    if not text.isdigit() or int(text) < 1:
        raise SettingError(f"{MIN_GROUP_SIZE_ENV}={text!r}: expected a whole number of employees, 1 or more "
                           f"(default {DEFAULT_MIN_GROUP_SIZE})")
    return int(text)


def _default_root() -> Path:
    # src/wagebrief/config.py -> project root, for an editable install or a checkout.
    return Path(__file__).resolve().parents[2]


def project_root() -> Path:
    """The project root: ``$WAGEBRIEF_ROOT`` when set, else the checkout this package is in."""
    env = os.environ.get(ROOT_ENV)
    return Path(env).expanduser().resolve() if env else _default_root()


@dataclass(frozen=True)
class Paths:
    """Where everything lives, relative to one project root."""

    root: Path = field(default_factory=project_root)

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def raw_settlements(self) -> Path:
        return self.raw / "settlements"

    @property
    def published_averages(self) -> Path:
        return self.raw / "reference" / "published_averages.csv"

    @property
    def fiscal_indicators(self) -> Path:
        return self.raw / "fiscal" / "municipal_fiscal_indicators.csv"

    @property
    def manifest(self) -> Path:
        return self.raw / "manifest.csv"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def settlements(self) -> Path:
        return self.processed / "settlements.parquet"

    @property
    def contracts(self) -> Path:
        return self.processed / "contracts.parquet"

    @property
    def fiscal_costs(self) -> Path:
        return self.processed / "fiscal_costs.parquet"

    @property
    def annual_increases(self) -> Path:
        return self.processed / "annual_increases.parquet"

    @property
    def rejects(self) -> Path:
        return self.processed / "rejects.csv"

    @property
    def comparators(self) -> Path:
        return self.root / "comparators"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


def paths(root: str | Path | None = None) -> Paths:
    """Paths for ``root``, or for the configured project root."""
    return Paths(Path(root).resolve()) if root is not None else Paths()
