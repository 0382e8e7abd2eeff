"""Budget measures beside the cost of each scenario: the cost of 1% on the scenario's own payroll,
and the one-time (lump-sum) part of each fiscal year's cost.

Both are differences of two runs of the engine (:func:`wagebrief.analysis.costing_engine._simulate`)
on the same roster, periods and wage bases as the costing itself, so they carry the same
conventions (day proration, same-day event order, the Social Security cap on calendar-year wages):

* **Cost of 1% on a scenario's payroll, FY y** = the scenario with one more 1% GWI on the first
  day of FY y (or the term start, if later), less the scenario, counted in FY y only, roll-up
  included. The extra 1% is the last GWI of its day, so it applies to the rate after that day's
  steps and GWIs; GWIs later in FY y compound on it, and that compounding is part of its cost.
  On a scenario that raises pay, a 1% raise costs more each year than on the frozen roster.
* **One-time cost** = the scenario less the same scenario without its lump sums (``lump_sum``
  and ``lump_sum_pct`` events), per fiscal year: the lump sums and the roll-up they add
  (Medicare; Social Security up to the cap, taken after the year's base pay; pension if lump sums
  are pensionable). The recurring cost is the rest. Lump sums never enter the base rate, so the
  one-time cost does not recur in later fiscal years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.analysis.costing_engine import WAGE_PARTS, Payroll, _simulate, fiscal_years, payroll
from wagebrief.fiscal import fiscal_year_start
from wagebrief.inputs.proposals import Event, Proposals, Scenario

LUMP_KINDS = ("lump_sum", "lump_sum_pct")


def _year_totals(roster: pd.DataFrame | Payroll, events: list[Event], prop: Proposals, periods: pd.DataFrame,
                 caps: np.ndarray, lift_cap: float, rate_names: list[str],
                 per_period: pd.DataFrame | None = None) -> pd.DataFrame:
    """One run's wages, roll-up and total per costed fiscal year (index: fiscal year); ``per_period``:
    that run's engine output when it is already at hand."""
    if per_period is None:
        per_period, _, _ = _simulate(roster, events, prop, periods, caps, lift_cap, rate_names)
    return year_totals(per_period, periods, fiscal_years(prop))


def year_totals(per_period: pd.DataFrame, periods: pd.DataFrame, fys: list[int]) -> pd.DataFrame:
    """An engine run's per-period output as wages, roll-up and total per costed fiscal year."""
    costed = periods["costed"].to_numpy()
    g = per_period[costed].groupby(periods.loc[costed, "fiscal_year"].to_numpy()).sum()
    g = g.reindex(fys, fill_value=0.0)
    roll = [c for c in g.columns if c not in WAGE_PARTS]
    out = pd.DataFrame({"wages": g[WAGE_PARTS].sum(axis=1), "rollup": g[roll].sum(axis=1)})
    out["total"] = out["wages"] + out["rollup"]
    return out


def cost_of_1pct_by_scenario(roster: pd.DataFrame | Payroll, prop: Proposals, scenarios: dict[str, Scenario],
                             periods: pd.DataFrame, caps: np.ndarray, lift_cap: float,
                             rate_names: list[str], plain: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """What a 1% GWI from the start of each fiscal year adds in that year, on each scenario's payroll.

    Columns: scenario, fiscal_year, wages, rollup, total (see the module docstring). ``plain``
    (scenario -> its :func:`year_totals`), when given, saves running each scenario again.
    """
    fys = fiscal_years(prop)
    pay = payroll(roster, prop)
    starts = [max(pd.Timestamp(d), prop.term_start) for d in fiscal_year_start(fys, prop.fy_start_month)]
    rows = []
    for name, s in scenarios.items():
        events = list(s.events)
        mine = plain[name] if plain is not None and name in plain else None
        mine = mine if mine is not None else _year_totals(pay, events, prop, periods, caps, lift_cap, rate_names)
        for fy, start in zip(fys, starts):
            # Appended last, the extra 1% is the day's last GWI (the engine keeps file order within a kind).
            more = _year_totals(pay, events + [Event(start, "gwi_pct", 1.0)], prop, periods, caps, lift_cap,
                                rate_names)
            d = more.loc[fy] - mine.loc[fy]
            rows.append({"scenario": name, "fiscal_year": fy, "wages": float(d["wages"]),
                         "rollup": float(d["rollup"]), "total": float(d["total"])})
    return pd.DataFrame(rows, columns=["scenario", "fiscal_year", "wages", "rollup", "total"])


def one_time_costs(roster: pd.DataFrame | Payroll, prop: Proposals, scenarios: dict[str, Scenario], periods: pd.DataFrame,
                   caps: np.ndarray, lift_cap: float, rate_names: list[str],
                   totals: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's one-time cost (lump sums and their roll-up) per fiscal year.

    ``totals`` is the costing's by-year frame (scenario, fiscal_year, total_cost). Columns:
    scenario, fiscal_year, one_time_cost, recurring_cost.
    """
    rows = []
    for name, s in scenarios.items():
        mine = totals[totals["scenario"].eq(name)].set_index("fiscal_year")["total_cost"]
        events = [e for e in s.events if e.kind not in LUMP_KINDS]
        if len(events) == len(s.events):  # no lump sum: nothing is one-time
            rec = mine
        else:
            rec = _year_totals(roster, events, prop, periods, caps, lift_cap, rate_names)["total"]
        for fy in fiscal_years(prop):
            rows.append({"scenario": name, "fiscal_year": fy, "one_time_cost": float(mine[fy] - rec[fy]),
                         "recurring_cost": float(rec[fy])})
    return pd.DataFrame(rows, columns=["scenario", "fiscal_year", "one_time_cost", "recurring_cost"])
