"""Real wages: cumulative base-wage growth since a base year, deflated by CPI.

Nominal index: 100 in the base year, then multiplied by (1 + increase/100) for each later year.
A year without a known increase ends that jurisdiction's series (it is not filled). CPI index:
100 times the year's average CPI level over the base year's, for the unit's CPI series and its
calendar or fiscal years. Real index = 100 * nominal / CPI; real change = real index - 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wagebrief.analysis import schedules
from wagebrief.analysis.metrics import year_of
from wagebrief.inputs.settlements import BASE_EVENTS

COLUMNS = ["entity", "role", "year", "nominal_index", "cpi_index", "real_index"]

#: The real-wage table's comparator row: the median, across comparators, of each one's own
#: compounded change (not the compounded yearly medians of :func:`wages_against_prices`).
MEDIAN_OF_COMPOUNDED = "Comparator median of compounded changes"


@dataclass(frozen=True)
class Span:
    """Consecutive yearly changes from the base year's level to the end year's level.

    ``n_changes`` changes, in years ``first_year`` .. ``end_year``; the CPI change over the span
    is the end year's average over the base year's average (the year before the first change).
    """
    base_year: int
    end_year: int

    @property
    def first_year(self) -> int:
        return self.base_year + 1

    @property
    def n_changes(self) -> int:
        return self.end_year - self.base_year


def last_span(years, n: int = 5) -> Span | None:
    """The last run of up to ``n`` consecutive years among ``years``, as a :class:`Span`."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return None
    run = [ys[-1]]
    for y in reversed(ys[:-1]):
        if y != run[-1] - 1 or len(run) == n:
            break  # a missing year ends the run: a span never jumps a gap
        run.append(y)
    return Span(run[-1] - 1, run[0])


def compound_pct(pcts) -> float:
    """Yearly percent changes compounded into one percent change."""
    return (float(np.prod([1 + float(x) / 100 for x in pcts])) - 1) * 100


def wages_against_prices(yearly: pd.DataFrame, before: int, n: int = 5) -> dict | None:
    """Compounded yearly comparator medians against compounded CPI over the last ``n`` years.

    ``yearly`` has year, median_increase_pct (that year's median across comparators) and
    cpi_pct (the change in the year's average CPI). Years before ``before`` with both values
    count; the span is the last run of consecutive such years. Returns span, wages_pct
    (compounded yearly medians), cpi_pct, real_pct; None if no year qualifies.
    """
    both = yearly.dropna(subset=["median_increase_pct", "cpi_pct"])
    both = both[both["year"] < before]
    span = last_span(both["year"], n)
    if span is None:
        return None
    s = both[both["year"].between(span.first_year, span.end_year)].set_index("year")
    wages, prices = compound_pct(s["median_increase_pct"]), compound_pct(s["cpi_pct"])
    return {"span": span, "wages_pct": wages, "cpi_pct": prices,
            "real_pct": ((1 + wages / 100) / (1 + prices / 100) - 1) * 100}


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
    med["entity"], med["role"] = MEDIAN_OF_COMPOUNDED, "comparator median"
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


def partial_years(cpi: pd.DataFrame, years) -> pd.DataFrame:
    """The CPI years among ``years`` averaged from fewer than 12 months: year, n_months, missing_months."""
    cols = ["year", "n_months", "missing_months"]
    if cpi is None or cpi.empty or "n_months" not in cpi:
        return pd.DataFrame(columns=cols)
    wanted = {int(y) for y in years}
    p = cpi[cpi["year"].astype(int).isin(wanted) & (cpi["n_months"] < 12)]
    return p[cols].sort_values("year").reset_index(drop=True)


def increase_timing(events: pd.DataFrame, span: Span, basis: str, fy_start_month: int) -> dict:
    """How many base increases effective in the span took effect after the first day of their year.

    Such an increase is counted at its full percent in that year, though it raised pay for only
    part of the year CPI is averaged over. Returns n_increases and n_after_start.
    """
    if schedules.has_schedules(events):  # one schedule's increases per contract, as the measures count them
        events = schedules.headline(events)
    ev = events[events["event"].isin(BASE_EVENTS)].dropna(subset=["effective_date"])
    d = pd.to_datetime(ev["effective_date"])
    yr = year_of(d, basis, fy_start_month)
    d = d[yr.between(span.first_year, span.end_year)]
    start = 1 if basis == "calendar" else fy_start_month
    on_start = (d.dt.month == start) & (d.dt.day == 1)
    return {"n_increases": int(len(d)), "n_after_start": int((~on_start).sum())}
