"""Fiscal-year dates: which fiscal year a date falls in, and when a fiscal year starts.

A fiscal year is named by the calendar year it ends in (FY2025 = July 2024 to June 2025 when
years start in July); a year that starts in January is the calendar year. These rules sit below
every stage because the proposals file, the contract metrics and the costing all name years by
them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.config import DEFAULT_FY_START_MONTH


def month_starts(year: np.ndarray, month: int) -> np.ndarray:
    """First day of ``month`` in each of ``year``, as datetime64[ns]."""
    return ((np.asarray(year, dtype="int64") - 1970) * 12 + (month - 1)).astype("datetime64[M]").astype("datetime64[ns]")


def fiscal_year(dates: pd.Series, start_month: int = DEFAULT_FY_START_MONTH) -> pd.Series:
    """The fiscal year each date falls in, named by the calendar year it ends in."""
    bump = (dates.dt.month >= start_month) & (start_month != 1)
    return (dates.dt.year + bump.astype(int)).astype("int64")


def fiscal_year_start(fy: np.ndarray | pd.Series, start_month: int = DEFAULT_FY_START_MONTH) -> pd.DatetimeIndex:
    """First day of fiscal year(s) ``fy``."""
    return pd.DatetimeIndex(month_starts(np.asarray(fy, dtype="int64") - (start_month != 1), start_month))
