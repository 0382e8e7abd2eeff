"""Contract metrics following the BLS major-settlement conventions, and aggregates.

Every measure is computed from the valid, typed event rows that :mod:`wagebrief.settlements`
produces. Percents are in percent units (2.5 means 2.5%). All computations are vectorized or
piecewise closed form over whole tables; nothing walks day by day.

Conventions
-----------
* Base-wage increases are ``gwi_pct`` and ``gwi_flat`` events. A flat raise counts as
  ``amount / reference_salary`` (see :func:`wagebrief.settlements.derive` for how the
  reference salary treats earlier increases: it is the rate just before the event, as given).
* Increases compound: ``life_of_contract_pct = prod(1 + r) - 1`` over the term's base increases;
  ``first_year_pct`` does the same over ``term_start <= effective_date < term_start + 12 months``.
* ``term_months`` counts whole calendar months from ``term_start`` to the day after ``term_end``.
* Lump sums are never compounded into base.
* ``cost_by_fiscal_year`` is the budget view: the wage rate is indexed to 1.0 before the contract,
  steps up as each increase takes effect (and stays at its final level after the term), and a
  fiscal year's cost is its average daily rate over the previous fiscal year's, minus 1.
  A fiscal year is named by the calendar year it ends in (FY2025 = July 2024 to June 2025).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from wagebrief.config import DEFAULT_FY_START_MONTH
from wagebrief.settlements import BASE_EVENTS

KEY = "settlement_id"
HEADER = ["jurisdiction", "state", "jurisdiction_type", "unit", "occupation_group", "settlement_type"]
METRIC_COLUMNS = [
    "settlement_id", "jurisdiction", "unit", "occupation_group", "settlement_type", "term_start",
    "term_end", "term_months", "first_year_pct", "life_of_contract_pct", "avg_annual_pct",
    "lump_sum_total", "lump_sum_pct", "steps_granted", "freeze_months", "cost_by_fiscal_year",
]
PCT_COLUMNS = ["first_year_pct", "life_of_contract_pct", "avg_annual_pct", "lump_sum_pct"]
AGG_STATS = ["count", "mean", "median", "weighted_mean", "min", "max"]


# --------------------------------------------------------------------------- calendar helpers

def whole_months(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole calendar months from ``start`` up to ``end`` (exclusive end date)."""
    months = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    return (months - (end.dt.day < start.dt.day).astype(int)).astype("int64")


def fiscal_year(dates: pd.Series, start_month: int = DEFAULT_FY_START_MONTH) -> pd.Series:
    """The fiscal year each date falls in, named by the calendar year it ends in."""
    bump = (dates.dt.month >= start_month) & (start_month != 1)
    return (dates.dt.year + bump.astype(int)).astype("int64")


def fiscal_year_start(fy: np.ndarray | pd.Series, start_month: int = DEFAULT_FY_START_MONTH) -> pd.DatetimeIndex:
    """First day of fiscal year(s) ``fy``."""
    fy = np.asarray(fy, dtype="int64")
    year = fy - (1 if start_month != 1 else 0)
    return pd.to_datetime(pd.DataFrame({"year": year, "month": start_month, "day": 1}))


def year_of(dates: pd.Series, basis: str = "calendar", start_month: int = DEFAULT_FY_START_MONTH) -> pd.Series:
    """Calendar or fiscal year of each date."""
    if basis == "calendar":
        return dates.dt.year.astype("int64")
    if basis == "fiscal":
        return fiscal_year(dates, start_month)
    raise ValueError(f"basis must be 'calendar' or 'fiscal', not {basis!r}")


# --------------------------------------------------------------------------- per-contract pieces

def _heads(events: pd.DataFrame) -> pd.DataFrame:
    """One row per contract: its descriptive columns and term."""
    g = events.groupby(KEY, sort=True)
    head = g[HEADER + ["term_start", "term_end"]].first()
    head["employees"] = g["employees"].max()
    head["term_months"] = whole_months(head["term_start"], head["term_end"] + pd.Timedelta(days=1))
    return head


def _base_events(events: pd.DataFrame) -> pd.DataFrame:
    """Base increases in date order with their compounding factors per contract."""
    base = events.loc[events["event"].isin(BASE_EVENTS), [KEY, "effective_date", "base_pct", "term_start"]]
    base = base.sort_values([KEY, "effective_date"], kind="stable")
    base["factor"] = 1 + base["base_pct"] / 100
    base["level_after"] = base.groupby(KEY, sort=False)["factor"].cumprod()
    base["step_up"] = base["level_after"] - base["level_after"] / base["factor"]
    return base


def _freeze_months(events: pd.DataFrame, base: pd.DataFrame, head: pd.DataFrame) -> pd.Series:
    """Months each contract's freezes last: from the freeze to the next base increase or term end."""
    freezes = events.loc[events["event"].eq("freeze"), [KEY, "effective_date"]].sort_values("effective_date")
    if freezes.empty:
        return pd.Series(0, index=head.index, dtype="int64")
    nxt = base[[KEY, "effective_date"]].rename(columns={"effective_date": "next_increase"}).sort_values("next_increase")
    joined = pd.merge_asof(freezes, nxt, left_on="effective_date", right_on="next_increase", by=KEY,
                           direction="forward", allow_exact_matches=False)
    end_of_term = joined[KEY].map(head["term_end"]) + pd.Timedelta(days=1)
    until = joined["next_increase"].fillna(end_of_term)
    months = whole_months(joined["effective_date"], until)
    return months.groupby(joined[KEY]).sum().reindex(head.index, fill_value=0).astype("int64")


def fiscal_costs(events: pd.DataFrame, start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """Long table of ``cost_by_fiscal_year``: settlement_id, fiscal_year, cost_pct.

    The average rate over a fiscal year [a, b) is ``1 + sum(step_up * days from max(eff, a) to
    b) / (b - a)`` over the base increases, which is exact for a step-function rate.
    """
    head = _heads(events)
    base = _base_events(events)
    first = fiscal_year(head["term_start"], start_month) - 1  # the year before, for the ratio
    last = fiscal_year(head["term_end"], start_month)
    n = (last - first + 1).to_numpy()
    pairs = pd.DataFrame({KEY: np.repeat(head.index.to_numpy(), n)})
    pairs["fiscal_year"] = np.repeat(first.to_numpy(), n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    pairs["a"] = fiscal_year_start(pairs["fiscal_year"], start_month).to_numpy()
    pairs["b"] = fiscal_year_start(pairs["fiscal_year"] + 1, start_month).to_numpy()
    pairs["days"] = (pairs["b"] - pairs["a"]).dt.days.astype(float)

    hits = pairs.merge(base[[KEY, "effective_date", "step_up"]], on=KEY, how="inner")
    start = hits["effective_date"].where(hits["effective_date"] > hits["a"], hits["a"])
    days_on = (hits["b"] - start).dt.days.clip(lower=0).astype(float)
    hits["weighted"] = hits["step_up"] * days_on / hits["days"]
    extra = hits.groupby([KEY, "fiscal_year"], sort=False)["weighted"].sum()
    pairs["avg_rate"] = 1 + extra.reindex(pd.MultiIndex.from_frame(pairs[[KEY, "fiscal_year"]]), fill_value=0.0).to_numpy()

    prev = pairs.groupby(KEY, sort=False)["avg_rate"].shift(1)
    pairs["cost_pct"] = (pairs["avg_rate"] / prev - 1) * 100
    out = pairs.loc[prev.notna(), [KEY, "fiscal_year", "cost_pct"]]
    return out.reset_index(drop=True)


def _cost_dicts(costs: pd.DataFrame, index: pd.Index) -> pd.Series:
    keys = costs[KEY].to_numpy()
    years = costs["fiscal_year"].astype(str).to_numpy()
    vals = costs["cost_pct"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True]) if len(keys) else np.array([0])
    result: dict[str, dict[str, float]] = {}
    for s, e in zip(bounds[:-1], bounds[1:]):
        result[keys[s]] = dict(zip(years[s:e].tolist(), vals[s:e].tolist()))
    return pd.Series([result.get(k, {}) for k in index], index=index, dtype=object)


def contract_metrics(events: pd.DataFrame, fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """One row per settlement_id with the BLS-convention measures (see module docstring)."""
    if events.empty:
        return pd.DataFrame(columns=METRIC_COLUMNS + ["state", "jurisdiction_type", "employees"])
    head = _heads(events)
    base = _base_events(events)
    life = base.groupby(KEY)["factor"].prod()
    in_first_year = base["effective_date"] < base["term_start"] + pd.DateOffset(years=1)
    first = base.loc[in_first_year].groupby(KEY)["factor"].prod()

    out = head.copy()
    out["first_year_pct"] = (first.reindex(head.index, fill_value=1.0) - 1) * 100
    out["life_of_contract_pct"] = (life.reindex(head.index, fill_value=1.0) - 1) * 100
    out["avg_annual_pct"] = ((1 + out["life_of_contract_pct"] / 100) ** (12 / out["term_months"]) - 1) * 100

    lumps = events.loc[events["event"].eq("lump_sum")]
    lg = lumps.groupby(KEY)
    # A lump sum whose dollars are unknown makes the total unknown rather than understated.
    out["lump_sum_total"] = lg["lump_dollars"].sum(min_count=1).where(lg["lump_dollars"].count() == lg.size()).reindex(head.index)
    out.loc[~out.index.isin(lumps[KEY]), "lump_sum_total"] = 0.0
    out["lump_sum_pct"] = lg["lump_pct"].sum().reindex(head.index, fill_value=0.0)
    out["steps_granted"] = events.loc[events["event"].eq("step")].groupby(KEY).size().reindex(head.index, fill_value=0).astype("int64")
    out["freeze_months"] = _freeze_months(events, base, head)
    out["cost_by_fiscal_year"] = _cost_dicts(fiscal_costs(events, fy_start_month), head.index)
    out = out.reset_index()
    extra = [c for c in out.columns if c not in METRIC_COLUMNS]
    return out[METRIC_COLUMNS + extra]


# --------------------------------------------------------------------------- annual increases

def annual_increases(events: pd.DataFrame, basis: str = "calendar",
                     fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """Base increase in effect per jurisdiction x occupation group x unit x year.

    Every year a known contract covers gets one row, counted once however many events fall in
    it: the increases effective that year compound, and a covered year with none is 0 (a freeze
    is a zero, not a gap). ``full_year`` is False where known contracts cover only part of the
    year, so a model can leave out a year whose next contract is not yet known.
    """
    keys = ["jurisdiction", "state", "jurisdiction_type", "occupation_group", "unit"]
    head = _heads(events).reset_index()
    y0 = year_of(head["term_start"], basis, fy_start_month)
    y1 = year_of(head["term_end"], basis, fy_start_month)
    n = (y1 - y0 + 1).to_numpy()
    cover = head.loc[head.index.repeat(n), keys + ["term_start", "term_end", "employees", KEY]].reset_index(drop=True)
    cover["year"] = np.repeat(y0.to_numpy(), n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    if basis == "calendar":
        a = pd.to_datetime(pd.DataFrame({"year": cover["year"], "month": 1, "day": 1}))
        b = pd.to_datetime(pd.DataFrame({"year": cover["year"] + 1, "month": 1, "day": 1}))
    else:
        a = pd.Series(fiscal_year_start(cover["year"], fy_start_month))
        b = pd.Series(fiscal_year_start(cover["year"] + 1, fy_start_month))
    lo = cover["term_start"].where(cover["term_start"] > a, a)
    hi = (cover["term_end"] + pd.Timedelta(days=1)).where(cover["term_end"] + pd.Timedelta(days=1) < b, b)
    cover["covered"] = (hi - lo).dt.days.clip(lower=0) / (b - a).dt.days

    g = cover.groupby(keys + ["year"], sort=True, dropna=False)
    table = g.agg(employees=("employees", "max"), coverage=("covered", "sum"),
                  settlement_ids=(KEY, lambda s: ",".join(sorted(set(s)))))
    base = events.loc[events["event"].isin(BASE_EVENTS), keys + ["effective_date", "base_pct"]].copy()
    base["year"] = year_of(base["effective_date"], basis, fy_start_month)
    base["factor"] = 1 + base["base_pct"] / 100
    bg = base.groupby(keys + ["year"], sort=True, dropna=False)["factor"]
    prod = bg.prod().reindex(table.index, fill_value=1.0)
    table["increase_pct"] = (prod - 1) * 100
    table["n_increases"] = bg.size().reindex(table.index, fill_value=0).astype("int64")
    table["full_year"] = table["coverage"] >= 0.999
    table["basis"] = basis
    return table.reset_index()[keys + ["year", "basis", "increase_pct", "n_increases", "employees",
                                       "full_year", "settlement_ids"]]


# --------------------------------------------------------------------------- aggregates

def aggregate(df: pd.DataFrame, value: str, by: Sequence[str] | str, weight: str = "employees") -> pd.DataFrame:
    """count, mean, median, employee-weighted mean, min and max of ``value`` within groups."""
    by = [by] if isinstance(by, str) else list(by)
    d = df[by + [value, weight]].copy()
    d = d[d[value].notna()]
    w = d[weight].where(d[weight] > 0)
    d["_wv"] = d[value] * w
    d["_w"] = w.where(d["_wv"].notna())
    g = d.groupby(by, sort=True, dropna=False)
    out = g[value].agg(["count", "mean", "median", "min", "max"])
    out["weighted_mean"] = g["_wv"].sum(min_count=1) / g["_w"].sum(min_count=1)
    return out[AGG_STATS].reset_index()


def pattern_by_year(events: pd.DataFrame, basis: str = "calendar", fy_start_month: int = DEFAULT_FY_START_MONTH,
                    by: Sequence[str] = ()) -> pd.DataFrame:
    """The settlement pattern: base increases in effect per year, aggregated across jurisdictions.

    A year that known contracts cover only in part, with no increase in that part, is left out:
    its increase is unknown (the next contract may still raise it), not zero.
    """
    annual = annual_increases(events, basis, fy_start_month)
    annual = annual[annual["full_year"] | (annual["n_increases"] > 0)]
    return aggregate(annual, "increase_pct", list(by) + ["year"])


def aggregate_contracts(contracts: pd.DataFrame, by: Sequence[str] | str = "occupation_group",
                        measures: Sequence[str] = ("first_year_pct", "avg_annual_pct", "life_of_contract_pct")) -> pd.DataFrame:
    """Aggregate contract measures within groups, one block of statistics per measure."""
    frames = []
    for m in measures:
        t = aggregate(contracts, m, by)
        t.insert(len([by] if isinstance(by, str) else by), "measure", m)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- output

def to_records(metrics: pd.DataFrame) -> list[dict]:
    """Metrics as JSON-ready dicts at full precision (dates ISO, NaN as null)."""
    out = metrics[METRIC_COLUMNS].copy()
    for c in ("term_start", "term_end"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    records = out.to_dict("records")
    for r in records:
        for k, v in r.items():
            if isinstance(v, float) and not np.isfinite(v):
                r[k] = None
            elif isinstance(v, np.integer):
                r[k] = int(v)
    return records


def to_table(metrics: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """Metrics for a table or CSV: percents rounded, fiscal costs as ``FY2025=1.234`` pairs."""
    out = metrics[METRIC_COLUMNS].copy()
    for c in PCT_COLUMNS + ["lump_sum_total"]:
        out[c] = out[c].round(decimals if c != "lump_sum_total" else 2)
    out["cost_by_fiscal_year"] = out["cost_by_fiscal_year"].map(
        lambda d: " ".join(f"FY{k}={v:.{decimals}f}" for k, v in d.items()))
    for c in ("term_start", "term_end"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def for_parquet(metrics: pd.DataFrame) -> pd.DataFrame:
    """Contracts table for parquet: the fiscal-year costs as a JSON object string."""
    out = metrics.copy()
    out["cost_by_fiscal_year"] = out["cost_by_fiscal_year"].map(json.dumps)
    return out
