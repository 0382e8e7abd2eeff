"""The processed settlement events: loading them and selecting from them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from wagebrief.config import paths
from wagebrief.inputs.settlements.record import TEXT

#: The package columns a processed table written before they existed lacks, and their blank:
#: such a table's events all apply to everyone and carry no package values.
PACKAGE_BLANKS: dict[str, object] = {
    "applies_to": "all", "schedule": None, "period": None, "detail": None,
    "hours_before": float("nan"), "count": float("nan"), "hours_pct": float("nan"), "source_date": pd.NaT,
}
_DTYPES = {"applies_to": TEXT, "schedule": TEXT, "period": TEXT, "detail": TEXT, "hours_before": float,
           "count": float, "hours_pct": float, "source_date": "datetime64[ns]"}


def with_package_columns(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with each package column it lacks added as typed blanks (old processed tables)."""
    missing = [c for c in PACKAGE_BLANKS if c not in events.columns]
    if not missing:
        return events
    out = events.copy()
    for col in missing:
        out[col] = pd.Series([PACKAGE_BLANKS[col]] * len(out), index=out.index, dtype=object).astype(_DTYPES[col])
    return out


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Load processed settlements (``data/processed/settlements.parquet``); a table written before
    the package columns existed reads them as blank."""
    return with_package_columns(pd.read_parquet(path or paths().settlements))


def select(events: pd.DataFrame, *, state: str | Iterable[str] | None = None,
           occupation_group: str | Iterable[str] | None = None,
           settlement_type: str | Iterable[str] | None = None,
           jurisdiction: str | Iterable[str] | None = None,
           years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Filter valid events; each filter takes one value or several. ``years`` is an inclusive
    range of effective-date calendar years. Vocabulary words match in any case."""

    def _isin(col: str, value, lower: bool) -> pd.Series:
        vals = [value] if isinstance(value, str) else list(value)
        vals = [v.strip().lower() if lower else v.strip() for v in vals]
        s = events[col].astype(str)
        return (s.str.lower() if lower else s).isin(vals)

    mask = pd.Series(True, index=events.index)
    if state is not None:
        mask &= _isin("state", state, True)
    if occupation_group is not None:
        mask &= _isin("occupation_group", occupation_group, True)
    if settlement_type is not None:
        mask &= _isin("settlement_type", settlement_type, True)
    if jurisdiction is not None:
        mask &= _isin("jurisdiction", jurisdiction, False)
    if years is not None:
        y = events["effective_date"].dt.year
        mask &= y.between(*years)
    return events[mask]
