"""Real wages: cumulative base-wage growth since a base year, deflated by CPI.

Nominal index: 100 in the base year, then multiplied by (1 + increase/100) for each later year.
A year without a known increase ends that jurisdiction's series (it is not filled). CPI index:
100 times the year's average CPI level over the base year's, for the unit's CPI series and its
calendar or fiscal years. Real index = 100 * nominal / CPI; real change = real index - 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["entity", "role", "year", "nominal_index", "cpi_index", "real_index"]


def cumulative_index(annual: pd.DataFrame, base_year: int, end_year: int) -> pd.DataFrame:
    """Nominal index per jurisdiction for base_year..end_year; NaN from the first unknown year on."""
    years = np.arange(base_year, end_year + 1)
    frames = []
    for j, g in annual.groupby("jurisdiction", sort=True):
        inc = g.set_index("year")["increase_pct"].reindex(years[1:])
        factors = np.r_[1.0, 1 + inc.to_numpy(float) / 100]
        frames.append(pd.DataFrame({"entity": j, "year": years, "nominal_index": 100 * np.cumprod(factors)}))
    if not frames:
        return pd.DataFrame(columns=["entity", "year", "nominal_index"])
    return pd.concat(frames, ignore_index=True)  # NaN propagates through cumprod: gaps end a series


def cpi_index(cpi: pd.DataFrame, base_year: int, end_year: int) -> pd.Series:
    """100 x CPI level / base-year level, indexed by year."""
    lvl = cpi.set_index("year")["value"].astype(float)
    return (100 * lvl / lvl.get(base_year, np.nan)).reindex(range(base_year, end_year + 1))


def default_base_year(comparators: pd.DataFrame, own: pd.DataFrame, cpi: pd.DataFrame, end_year: int) -> int | None:
    """The year before most comparators (and the unit itself) have data, no earlier than CPI."""
    if comparators.empty or cpi is None or cpi.empty:
        return None
    n = comparators["jurisdiction"].nunique()
    per_year = comparators.groupby("year")["jurisdiction"].nunique()
    first = int(per_year[per_year >= n / 2].index.min()) - 1
    if len(own):
        first = max(first, int(own["year"].min()) - 1)
    first = max(first, int(cpi["year"].min()))
    return first if first < end_year else None


def real_wages(comparators: pd.DataFrame, own: pd.DataFrame, cpi: pd.DataFrame, base_year: int,
               end_year: int, unit_label: str = "This unit") -> pd.DataFrame:
    """Long table: entity, role ('unit' | 'comparator' | 'comparator median'), year and indexes."""
    c = cpi_index(cpi, base_year, end_year)
    comp = cumulative_index(comparators, base_year, end_year)
    comp["role"] = "comparator"
    med = comp.groupby("year")["nominal_index"].median().reset_index()
    med["entity"], med["role"] = "Comparator median", "comparator median"
    parts = [comp, med]
    if len(own):
        mine = cumulative_index(own.assign(jurisdiction=unit_label), base_year, end_year)
        mine["role"] = "unit"
        parts.insert(0, mine)
    out = pd.concat(parts, ignore_index=True)
    out["cpi_index"] = out["year"].map(c)
    out["real_index"] = 100 * out["nominal_index"] / out["cpi_index"]
    return out[COLUMNS]


def table(long: pd.DataFrame) -> pd.DataFrame:
    """Per entity: growth from the base year to the last year its series is complete."""
    base = int(long["year"].min())
    rows = []
    for (role, entity), g in long.groupby(["role", "entity"], sort=False):
        g = g.dropna(subset=["real_index"])
        g = g[g["year"] > base]
        if g.empty:
            continue
        last = g.iloc[-1]
        rows.append(dict(entity=entity, role=role, base_year=base, through=int(last["year"]),
                         nominal_pct=last["nominal_index"] - 100, cpi_pct=last["cpi_index"] - 100,
                         real_pct=last["real_index"] - 100))
    order = {"unit": 0, "comparator median": 1, "comparator": 2}
    t = pd.DataFrame(rows, columns=["entity", "role", "base_year", "through", "nominal_pct", "cpi_pct", "real_pct"])
    return t.sort_values(["role", "entity"], key=lambda s: s.map(order) if s.name == "role" else s).reset_index(drop=True)
