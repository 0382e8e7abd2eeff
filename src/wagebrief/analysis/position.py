"""Where one pay figure stands among the comparators' (percent units throughout: 2.5 means 2.5%).

* **Measures.** ``entry`` is a schedule's ``min_salary`` and ``top`` its ``max_salary`` (annual
  dollars). ``entry_hourly`` / ``top_hourly`` divide by ``hours_per_week * 52``; they are shown
  in the position summary when hours differ among the unit and its comparators.
  ``top_longevity_N`` is ``max_salary + longevity_N`` and is shown where anyone gives
  ``longevity_N``. A blank longevity is unknown (left out); ``0`` means no plan.
* **Rank.** 1 = highest pay. The unit is ranked among itself and the comparators with data
  (``out_of`` = comparators with data + 1). A tie gives the unit the better rank (pandas
  ``method="min"``): a unit paid the same as the top comparator ranks 1. Pay within half a cent
  (:data:`TIE_WITHIN`) is a tie, so two values that print the same to the cent rank the same;
  ``ties`` counts the comparators tied with the unit, so the brief can say so.
* **Percentiles** of the *comparators'* values (the unit is not one of its own comparators),
  by linear interpolation between closest ranks: numpy ``percentile(method="linear")``, the
  same as Excel ``PERCENTILE.INC``. The median is the 50th percentile by the same rule.
* **Above / below.** ``pct_vs_median = (unit / median - 1) * 100``; likewise for the mean.
  ``to_<p>_dollars = max(0, p - unit)`` is the raise needed to reach that point, and
  ``to_<p>_pct`` the same as a percent of the unit's pay (0 when already there).
* **Missing data.** A comparator with no schedule for a title (or no value for a measure) is
  named in ``missing`` and left out of every statistic; it is never counted as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.inputs.salaries import benchmark_titles

WEEKS_PER_YEAR = 52
PERCENTILES = {"median": 50, "p60": 60, "p75": 75}
TARGETS = ("median", "p60", "p75")
LONGEVITY_YEARS = (10, 15, 20)
#: Dollars within which two pays are a tie: half a cent, so pays that print alike rank alike.
TIE_WITHIN = 0.005


def percentile(values: Sequence[float] | pd.Series, q: float) -> float:
    """The q-th percentile by linear interpolation (numpy "linear", Excel PERCENTILE.INC).

    With sorted values v[0..n-1] the position is ``(n - 1) * q / 100`` and a fractional
    position interpolates between its neighbours. NaN for no values.
    """
    v = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    return float(np.percentile(v, q, method="linear")) if v.size else float("nan")


def rank_of(value: float, others: Sequence[float] | pd.Series, within: float = TIE_WITHIN) -> int:
    """Rank of ``value`` among itself and ``others`` (NaN dropped): 1 = highest; a tie (within
    ``within`` dollars) gives ``value`` the better rank (the "min" method)."""
    o = pd.Series(others, dtype=float).dropna()
    return int((o > value + within).sum()) + 1


def ties_of(value: float, others: Sequence[float] | pd.Series, within: float = TIE_WITHIN) -> int:
    """How many of ``others`` tie ``value`` (within ``within`` dollars), sharing its rank."""
    o = pd.Series(others, dtype=float).dropna()
    return int(((o - value).abs() <= within).sum())


def position(unit_value: float, comparators: Mapping[str, float] | pd.Series) -> dict[str, Any]:
    """Where ``unit_value`` stands among comparators' values (name -> value, NaN = missing).

    Returns ``unit_value, n_comparators, rank, ties, out_of, median, mean, p60, p75, pct_vs_median,
    pct_vs_mean``, and for each of median, p60, p75 ``to_<p>_dollars`` and ``to_<p>_pct``,
    plus ``missing`` (names of comparators without a value, in the order given). See the module
    docstring for the rank and percentile rules.
    """
    s = pd.Series(comparators, dtype=float)
    have = s.dropna()
    missing = [str(k) for k in s.index[s.isna()]]
    out: dict[str, Any] = {"unit_value": float(unit_value) if unit_value is not None else float("nan"),
                           "n_comparators": int(have.size), "missing": missing}
    u = out["unit_value"]
    out["median"] = percentile(have, 50)
    out["mean"] = float(have.mean()) if have.size else float("nan")
    out["p60"] = percentile(have, 60)
    out["p75"] = percentile(have, 75)
    ok = np.isfinite(u) and have.size > 0
    out["rank"] = rank_of(u, have) if ok else None
    out["ties"] = ties_of(u, have) if ok else 0
    out["out_of"] = int(have.size) + 1 if np.isfinite(u) else int(have.size)
    out["pct_vs_median"] = (u / out["median"] - 1) * 100 if ok else float("nan")
    out["pct_vs_mean"] = (u / out["mean"] - 1) * 100 if ok else float("nan")
    for t in TARGETS:
        gap = max(0.0, out[t] - u) if ok else float("nan")
        out[f"to_{t}_dollars"] = gap
        out[f"to_{t}_pct"] = gap / u * 100 if ok and u else float("nan")
    return out


def hourly(annual: float | pd.Series, hours_per_week: float | pd.Series) -> float | pd.Series:
    """Annual pay as an hourly rate: ``annual / (hours_per_week * 52)``."""
    return annual / (hours_per_week * WEEKS_PER_YEAR)


def add_measures(df: pd.DataFrame) -> pd.DataFrame:
    """Add every measure column (entry, top, hourly, top + longevity) to schedule rows."""
    out = df.copy()
    out["entry"] = out["min_salary"].astype(float)
    out["top"] = out["max_salary"].astype(float)
    out["entry_hourly"] = hourly(out["entry"], out["hours_per_week"].astype(float))
    out["top_hourly"] = hourly(out["top"], out["hours_per_week"].astype(float))
    for n in LONGEVITY_YEARS:
        lon = out[f"longevity_{n}"].astype(float) if f"longevity_{n}" in out else np.nan
        out[f"top_longevity_{n}"] = out["top"] + lon
    return out


def schedules_at(salaries: pd.DataFrame, jurisdictions: Sequence[str], titles: Sequence[str],
                 when: pd.Timestamp) -> tuple[pd.DataFrame, list[str]]:
    """The schedule in effect on ``when`` per jurisdiction x title (latest effective_date <= when).

    When a jurisdiction has several units' schedules for one title on that date, the first unit
    by name is used and a note says so.
    """
    notes: list[str] = []
    keys = {j.casefold(): j for j in jurisdictions}
    s = salaries[salaries["jurisdiction"].str.casefold().isin(keys) & salaries["benchmark_title"].isin(list(titles))]
    s = s[s["effective_date"] <= pd.Timestamp(when)]
    if s.empty:
        return s.assign(role=pd.Series(dtype=object)), notes
    s = s.sort_values(["jurisdiction", "benchmark_title", "effective_date", "unit"], kind="stable")
    latest = s.groupby(["jurisdiction", "benchmark_title"], sort=False)["effective_date"].transform("max")
    s = s[s["effective_date"].eq(latest)]
    dup = s.duplicated(["jurisdiction", "benchmark_title"], keep="first")
    for r in s[dup].itertuples(index=False):
        notes.append(f"{r.jurisdiction} has schedules for {r.benchmark_title} in more than one unit; "
                     f"the first by unit name is used.")
    return s[~dup].reset_index(drop=True), notes


def unit_titles(unit, salaries: pd.DataFrame) -> list[str]:
    """The benchmark titles the unit is compared on: ``benchmark_titles`` in the unit file, else
    the vocabulary titles of its occupation group that the unit or a comparator has data for."""
    wanted = unit.extra.get("benchmark_titles")
    if isinstance(wanted, str):
        wanted = [wanted]
    if wanted:
        return [str(t) for t in wanted]
    vocab = benchmark_titles().get(unit.occupation_group, [])
    names = {j.casefold() for j in (unit.employer.jurisdiction, *unit.jurisdictions)}
    have = set(salaries.loc[salaries["jurisdiction"].str.casefold().isin(names), "benchmark_title"])
    return [t for t in vocab if t in have]
