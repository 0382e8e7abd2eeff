"""Costing each side's proposal on the unit's own payroll.

Inputs are the unit's roster (:mod:`wagebrief.roster`) and its proposals file
(:mod:`wagebrief.proposals`). Everything is computed in floating point over all employees at
once (numpy arrays, one pass per event rank and per pay period; nothing walks day by day) and is
rounded only when presented.

Conventions
-----------
* **Term and fiscal years.** The term is ``term_start``..``term_end`` from the proposals file, or
  by default the first day of ``cycle_year``'s fiscal-year start month for ``term_years`` years
  (cycle_year 2027, July start, 3 years: 2027-07-01 to 2030-06-30). A fiscal year is named by the
  calendar year it ends in (:func:`wagebrief.metrics.fiscal_year`), so that term is FY2028-FY2030.
  Every fiscal year the term touches is costed in full.
* **Baseline.** The roster's salaries frozen as of ``roster_as_of``: no increase, no step, the
  longevity tier each employee holds that day. The roster is a closed group (no hires,
  separations or promotions). An employee is paid ``annual_base_salary * fte``.
* **Cost of the increase** = scenario pay - baseline pay, per fiscal year. Pay accrues by day: a
  fiscal year's pay at annual rate R is ``R * days at that rate / days in the fiscal year``, so an
  increase effective mid-year costs its share of days (a 366-day year divides by 366).
* **Events and components.** On one date, step movements apply first, then GWIs (in file order),
  then lump sums. Each event's change to an employee's annual rate is charged to its own
  component from its date on: a GWI after a step is a GWI on the stepped rate and counts as GWI;
  a step after a GWI counts as step. So GWI + step + longevity + lump sums = the wage increase,
  exactly. ``gwi_flat`` adds dollars to the full-time rate. Lump sums are paid on their date,
  pro rata to FTE, and never enter the rate.
* **Steps.** One step per ``step_movement`` event, up to ``top_step`` (employees at top step do not
  move), worth ``increment_pct`` of the employee's current rate (no salary-schedule file is used
  yet). With ``timing: anniversary`` an employee moves on the first hire-date anniversary in
  the year from the event's date (and not after the term ends); with ``common_date``, on the
  event's date. A 29 February hire's anniversary is 28 February in common years.
* **Longevity.** ``schedule`` maps years of service to an annual amount (flat dollars, or percent
  of the base rate); eligible employees get the amount for the highest threshold reached, from
  the hire-date anniversary that reaches it. The longevity component is all change from the
  baseline's longevity: tiers reached after ``roster_as_of`` and, on a percent basis, the
  longevity on raises.
* **Roll-up.** Employer Social Security is 6.2% of wages up to the calendar year's taxable wage
  base (SSA's published bases, package data ``data/ss_wage_base.csv``; a later year carries the
  last published or analyst-set base forward and the notes say so). Fiscal years straddle two
  calendar years, so wages are split at 1 January and capped on each employee's calendar-year
  cumulative wages, starting from 1 January before the first costed fiscal year (those first
  months are paid at roster rates). The roll-up cost is scenario tax - baseline tax. Medicare is
  1.45% of all wages, uncapped. Each ``rates`` entry is an employer percent of pensionable pay
  (base, plus longevity and lump sums as set).
* **Comparator pattern.** A ``derive: comparator_median`` scenario gets, for each fiscal year of
  the term, a GWI of the comparators' median base increase in that fiscal year
  (:func:`wagebrief.proposals.comparator_pattern`), effective on the fiscal-year start (or the
  term start, if later) -- not on the management scenario's dates. ``steps_from`` copies
  another scenario's step movements.
* **Reported measures.** ``total_cost`` = wage increase + roll-up; cumulative over the term;
  per employee (headcount); as a percent of base payroll (the frozen roster's pay for the
  year, or for the term). ``cost_of_1pct``: what a 1% GWI on the frozen roster from the first
  day of the first costed fiscal year adds, roll-up included (longevity tiers reached anyway
  are not part of it). ``end_of_term_lift``: the annual pay and roll-up added by the scenario
  as it stands on ``term_end`` (the wage base of the following calendar year caps it), set
  against the term's cost. Lump sums add no lift. Differences are against
  ``reference_scenario``, in dollars and as a percent of its cost.
* **Rounding.** Only at presentation (:func:`table`): each fiscal year's total is its exact
  total rounded to the cent, and its components are rounded by largest remainder so they add up
  to it; term rows and cumulative costs are sums of the displayed years. JSON output is full
  precision. Reports show aggregates only, never an employee id or an individual salary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief import proposals as props
from wagebrief.config import paths
from wagebrief.metrics import fiscal_year, fiscal_year_start
from wagebrief.proposals import MEDICARE_RATE_PCT, SS_RATE_PCT, Event, Proposals, Scenario

WAGE_PARTS = ["gwi", "step", "longevity", "lump_sum"]
_NONE, _GWI_PCT, _GWI_FLAT, _STEP, _LONG, _LUMP, _LUMP_PCT = range(7)
_PRIORITY = {_STEP: 0, _GWI_PCT: 1, _GWI_FLAT: 1, _LUMP: 2, _LUMP_PCT: 2, _LONG: 3}
_KIND = {"gwi_pct": _GWI_PCT, "gwi_flat": _GWI_FLAT, "lump_sum": _LUMP, "lump_sum_pct": _LUMP_PCT}
_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass
class Costing:
    """What :func:`cost_roster` computes, at full precision."""

    unit: str
    proposals: Proposals
    scenarios: dict[str, Scenario]
    by_year: pd.DataFrame  #: one row per scenario x fiscal year
    summary: pd.DataFrame  #: one row per scenario, over the term
    cost_of_1pct: pd.DataFrame  #: fiscal_year, wages, rollup, total
    wage_bases: pd.DataFrame  #: calendar year, wage_base, basis
    rate_names: list[str]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    name: str = ""
    roster_path: str = ""

    @property
    def reference(self) -> str:
        return self.proposals.reference

    @property
    def fiscal_years(self) -> list[int]:
        return self.proposals.fiscal_years

    @property
    def rollup_parts(self) -> list[str]:
        r = self.proposals.rollup
        return (["social_security"] if r.social_security else []) + (["medicare"] if r.medicare else []) + self.rate_names


# --------------------------------------------------------------------------- dates, vectorized

def _days(x) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return (np.asarray(pd.to_datetime(x), dtype="datetime64[D]") - _EPOCH).astype("int64")


def _on(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days of (year, month, day), with 29 February as the 28th in common years."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    first = ((np.asarray(year) - 1970) * 12 + np.asarray(month) - 1).astype("datetime64[M]").astype("datetime64[D]")
    return (first - _EPOCH).astype("int64") + day - 1


def _anniversary_from(hire: pd.Series, from_day: np.ndarray) -> np.ndarray:
    """The first hire-date anniversary on or after ``from_day`` (days), never the hire date itself."""
    y, m, d = hire.dt.year.to_numpy(), hire.dt.month.to_numpy(), hire.dt.day.to_numpy()
    from_day = np.maximum(from_day, _days(hire) + 1)
    year = (_EPOCH + from_day).astype("datetime64[Y]").astype(int) + 1970
    first = _on(year, m, d)
    return np.where(first < from_day, _on(year + 1, m, d), first)


def _periods(prop: Proposals) -> pd.DataFrame:
    """Pay periods: the costed fiscal years cut at 1 January, plus the lead-in from 1 January."""
    fys = prop.fiscal_years
    win0 = pd.Timestamp(fiscal_year_start([fys[0]], prop.fy_start_month)[0])
    win1 = pd.Timestamp(fiscal_year_start([fys[-1] + 1], prop.fy_start_month)[0])
    cuts = {pd.Timestamp(win0.year, 1, 1), win1}
    cuts |= set(fiscal_year_start(range(fys[0], fys[-1] + 1), prop.fy_start_month))
    cuts |= {pd.Timestamp(y, 1, 1) for y in range(win0.year, win1.year + 1)}
    cuts = sorted(c for c in cuts if pd.Timestamp(win0.year, 1, 1) <= c <= win1)
    p = pd.DataFrame({"start": cuts[:-1], "end": cuts[1:]})
    p["fiscal_year"] = fiscal_year(p["start"], prop.fy_start_month)
    p["year"] = p["start"].dt.year
    fy0 = fiscal_year_start(p["fiscal_year"], prop.fy_start_month)
    fy1 = fiscal_year_start(p["fiscal_year"] + 1, prop.fy_start_month)
    p["fy_days"] = _days(fy1) - _days(fy0)
    p["p0"], p["p1"] = _days(p["start"]), _days(p["end"])
    p["costed"] = p["start"] >= win0  # False for the Social Security lead-in
    return p


# --------------------------------------------------------------------------- the engine

def _event_table(roster: pd.DataFrame, events: list[Event], prop: Proposals) -> dict[str, np.ndarray]:
    """Every employee's events as (n, K) arrays, sorted by date and same-day priority."""
    n = len(roster)
    idx = np.arange(n)
    hire = roster["hire_date"]
    end_day = _days([prop.term_end])[0]
    parts: list[tuple] = []
    for seq, e in enumerate(events):
        day = _days([e.effective_date])[0]
        if e.kind == "step_movement":
            if e.timing == "common_date":
                days = np.full(n, day)
            else:
                days = _anniversary_from(hire, np.full(n, day))
            year_on = _days([e.effective_date + pd.DateOffset(years=1)])[0]
            keep = (days < year_on) & (days <= end_day)
            parts.append((idx[keep], days[keep], _STEP, 0.0, seq))
        else:
            parts.append((idx, np.full(n, day), _KIND[e.kind], e.value, seq))
    if prop.longevity is not None:
        as_of = _days([prop.roster_as_of])[0]
        win1 = _days(fiscal_year_start([prop.fiscal_years[-1] + 1], prop.fy_start_month))[0]
        elig = roster["longevity_eligible"].to_numpy(bool)
        y, m, d = hire.dt.year.to_numpy(), hire.dt.month.to_numpy(), hire.dt.day.to_numpy()
        for tier, (years, _) in enumerate(prop.longevity.schedule, start=1):
            days = _on(y + years, m, d)
            keep = elig & (days > as_of) & (days < win1)
            parts.append((idx[keep], days[keep], _LONG, float(tier), 10_000 + tier))
    emp = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, int)
    day = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, int)
    kind = np.concatenate([np.full(len(p[0]), p[2]) for p in parts]) if parts else np.zeros(0, int)
    val = np.concatenate([np.full(len(p[0]), p[3], dtype=float) for p in parts]) if parts else np.zeros(0)
    seq = np.concatenate([np.full(len(p[0]), p[4]) for p in parts]) if parts else np.zeros(0, int)
    prio = np.vectorize(_PRIORITY.get, otypes=[int])(kind) if len(kind) else np.zeros(0, int)
    order = np.lexsort((seq, prio, day, emp))
    emp, day, kind, val = emp[order], day[order], kind[order], val[order]
    rank = np.arange(len(emp)) - np.searchsorted(emp, emp, side="left")
    k = int(rank.max()) + 1 if len(rank) else 0
    out = {"kind": np.full((n, k), _NONE), "value": np.zeros((n, k)), "day": np.full((n, k), np.iinfo(np.int64).max // 2)}
    out["kind"][emp, rank], out["value"][emp, rank], out["day"][emp, rank] = kind, val, day
    return out


def _longevity_rate(prop: Proposals, tier: np.ndarray, rate: np.ndarray) -> np.ndarray:
    if prop.longevity is None:
        return np.zeros_like(rate)
    amounts = np.array([0.0] + [a for _, a in prop.longevity.schedule])
    return amounts[tier] * rate / 100 if prop.longevity.basis == "pct" else amounts[tier]


def _baseline_tier(roster: pd.DataFrame, prop: Proposals) -> np.ndarray:
    tier = np.zeros(len(roster), dtype=int)
    if prop.longevity is None:
        return tier
    hire = roster["hire_date"]
    as_of = _days([prop.roster_as_of])[0]
    elig = roster["longevity_eligible"].to_numpy(bool)
    for t, (years, _) in enumerate(prop.longevity.schedule, start=1):
        reached = _on(hire.dt.year.to_numpy() + years, hire.dt.month.to_numpy(), hire.dt.day.to_numpy()) <= as_of
        tier = np.where(elig & reached, t, tier)
    return tier


def _simulate(roster: pd.DataFrame, events: list[Event], prop: Proposals, periods: pd.DataFrame,
              caps: np.ndarray, lift_cap: float, rate_names: list[str]) -> tuple[pd.DataFrame, dict[str, float]]:
    """Cost one scenario: per pay-period totals of each component, and the end-of-term lift."""
    rate0 = roster["annual_base_salary"].to_numpy(float)
    fte = roster["fte"].to_numpy(float)
    ev = _event_table(roster, events, prop)
    n, k = ev["kind"].shape
    top = prop.steps.top_step if prop.steps else np.iinfo(np.int32).max
    inc = np.zeros(top + 1 if prop.steps else 1)
    for s, pct in (prop.steps.increment_pct.items() if prop.steps else []):
        inc[s] = pct
    step = roster["step"].to_numpy(int) if prop.steps else np.zeros(n, int)
    tier = _baseline_tier(roster, prop)
    r, lon = rate0.copy(), _longevity_rate(prop, tier, rate0)
    lon0 = lon.copy()
    d_base, d_lon, lump = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    end_day = _days([prop.term_end])[0]
    r_end, lon_end = r.copy(), lon.copy()
    for j in range(k):  # one pass per event rank, vectorized over employees
        kind, v = ev["kind"][:, j], ev["value"][:, j]
        new = np.where(kind == _GWI_PCT, r * (1 + v / 100), r)
        new = np.where(kind == _GWI_FLAT, r + v, new)
        moves = (kind == _STEP) & (step < top)
        new = np.where(moves, r * (1 + inc[np.minimum(step, len(inc) - 1)] / 100), new)
        step = np.where(moves, step + 1, step)
        tier = np.where(kind == _LONG, np.maximum(tier, v.astype(int)), tier)
        new_lon = _longevity_rate(prop, tier, new)
        lump[:, j] = np.where(kind == _LUMP, v, 0.0) + np.where(kind == _LUMP_PCT, r * v / 100, 0.0)
        d_base[:, j], d_lon[:, j] = new - r, new_lon - lon
        r, lon = new, new_lon
        by_end = ev["day"][:, j] <= end_day
        r_end, lon_end = np.where(by_end, r, r_end), np.where(by_end, lon, lon_end)

    is_gwi = np.isin(ev["kind"], (_GWI_PCT, _GWI_FLAT))
    rollup = prop.rollup
    rows = []
    cum_b = cum_s = np.zeros(n)
    year = None
    for i, p in enumerate(periods.itertuples(index=False)):
        start = np.maximum(ev["day"], p.p0)
        w = np.clip(p.p1 - start, 0, None) / p.fy_days
        frac = (p.p1 - p.p0) / p.fy_days
        part = {
            "gwi": (d_base * is_gwi * w).sum(axis=1) * fte,
            "step": (d_base * (ev["kind"] == _STEP) * w).sum(axis=1) * fte,
            "longevity": (d_lon * w).sum(axis=1) * fte,
            "lump_sum": (lump * ((ev["day"] >= p.p0) & (ev["day"] < p.p1))).sum(axis=1) * fte,
        }
        base_wages = (rate0 + lon0) * frac * fte
        increase = sum(part.values())
        if p.year != year:
            cum_b, cum_s, year = np.zeros(n), np.zeros(n), p.year
        cap = caps[i]
        taxable_b = np.minimum(cum_b + base_wages, cap) - np.minimum(cum_b, cap)
        taxable_s = np.minimum(cum_s + base_wages + increase, cap) - np.minimum(cum_s, cap)
        cum_b, cum_s = cum_b + base_wages, cum_s + base_wages + increase
        pensionable = part["gwi"] + part["step"] + (part["longevity"] if rollup.longevity_pensionable else 0) \
            + (part["lump_sum"] if rollup.lump_sums_pensionable else 0)
        row = {c: float(v.sum()) for c, v in part.items()}
        row["social_security"] = SS_RATE_PCT / 100 * float((taxable_s - taxable_b).sum()) if rollup.social_security else 0.0
        row["medicare"] = MEDICARE_RATE_PCT / 100 * float(increase.sum()) if rollup.medicare else 0.0
        for name in rate_names:
            row[name] = rollup.rates[name] / 100 * float(pensionable.sum())
        rows.append(row)
    per_period = pd.DataFrame(rows, index=periods.index)

    a0, a1 = (rate0 + lon0) * fte, (r_end + lon_end) * fte
    lift = {"lift_wages": float((a1 - a0).sum())}
    pens = ((r_end - rate0) + (lon_end - lon0) * rollup.longevity_pensionable) * fte
    lift_rollup = 0.0
    if rollup.social_security:
        lift_rollup += SS_RATE_PCT / 100 * float((np.minimum(a1, lift_cap) - np.minimum(a0, lift_cap)).sum())
    if rollup.medicare:
        lift_rollup += MEDICARE_RATE_PCT / 100 * lift["lift_wages"]
    lift_rollup += sum(rollup.rates[nm] / 100 * float(pens.sum()) for nm in rate_names)
    lift["lift_rollup"] = lift_rollup
    lift["end_of_term_lift"] = lift["lift_wages"] + lift_rollup
    return per_period, lift


def cost_roster(roster: pd.DataFrame, prop: Proposals, scenarios: dict[str, Scenario] | None = None, *,
                unit: str | None = None) -> Costing:
    """Cost every scenario on a validated, typed roster (see the module docstring)."""
    scenarios = scenarios if scenarios is not None else prop.scenarios
    unresolved = [n for n, s in scenarios.items() if (s.derive or s.steps_from) and not s.resolved]
    if unresolved:
        raise ValueError(f"resolve scenario(s) {', '.join(unresolved)} first (wagebrief.proposals.resolve)")
    periods = _periods(prop)
    lift_year = (prop.term_end + pd.Timedelta(days=1)).year
    wb = props.wage_bases(sorted(set(periods["year"]) | {lift_year}), prop.wage_base_overrides)
    cap_by_year = wb.set_index("year")["wage_base"]
    caps = periods["year"].map(cap_by_year).to_numpy(float)
    periods = periods.reset_index(drop=True)
    rate_names = list(prop.rollup.rates)
    fys = prop.fiscal_years
    base = float((roster["annual_base_salary"] * roster["fte"]).sum())
    n, fte_sum = len(roster), float(roster["fte"].sum())
    costed = periods["costed"].to_numpy()

    def per_year(per_period: pd.DataFrame) -> pd.DataFrame:
        g = per_period[costed].groupby(periods.loc[costed, "fiscal_year"].to_numpy()).sum()
        return g.reindex(fys, fill_value=0.0)

    frames, summaries = [], []
    win0 = pd.Timestamp(fiscal_year_start([fys[0]], prop.fy_start_month)[0])
    # The cost of 1% is the 1% run less the no-increase run, which carries longevity tiers reached
    # during the term whatever is agreed.
    one, _ = _simulate(roster, [Event(win0, "gwi_pct", 1.0)], prop, periods, caps, cap_by_year[lift_year], rate_names)
    zero, _ = _simulate(roster, [], prop, periods, caps, cap_by_year[lift_year], rate_names)
    one = per_year(one) - per_year(zero)
    roll_cols = [c for c in one.columns if c not in WAGE_PARTS]
    c1 = pd.DataFrame({"fiscal_year": fys, "wages": one[WAGE_PARTS].sum(axis=1).to_numpy(),
                       "rollup": one[roll_cols].sum(axis=1).to_numpy()})
    c1["total"] = c1["wages"] + c1["rollup"]
    for name, s in scenarios.items():
        per_period, lift = _simulate(roster, list(s.events), prop, periods, caps, cap_by_year[lift_year], rate_names)
        y = per_year(per_period)
        y.insert(0, "base_payroll", base)
        y.insert(0, "fte", fte_sum)
        y.insert(0, "employees", n)
        y.insert(0, "fiscal_year", fys)
        y.insert(0, "label", s.label)
        y.insert(0, "scenario", name)
        frames.append(y.reset_index(drop=True))
        summaries.append({"scenario": name, "label": s.label, **lift})
    by_year = pd.concat(frames, ignore_index=True)
    roll = ([c for c in ("social_security", "medicare") if c in by_year] + rate_names)
    by_year["wage_cost"] = by_year[WAGE_PARTS].sum(axis=1)
    by_year["rollup"] = by_year[roll].sum(axis=1)
    by_year["total_cost"] = by_year["wage_cost"] + by_year["rollup"]
    by_year["cumulative_cost"] = by_year.groupby("scenario", sort=False)["total_cost"].cumsum()
    by_year["cost_per_employee"] = by_year["total_cost"] / n
    by_year["pct_of_base_payroll"] = by_year["total_cost"] / by_year["base_payroll"] * 100
    ref = by_year.loc[by_year["scenario"] == prop.reference].set_index("fiscal_year")["total_cost"]
    ref_total = by_year["fiscal_year"].map(ref)
    by_year["difference"] = by_year["total_cost"] - ref_total
    by_year["difference_pct"] = by_year["difference"] / ref_total.where(ref_total != 0) * 100
    by_year["cost_of_1pct"] = by_year["fiscal_year"].map(c1.set_index("fiscal_year")["total"])
    money = ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + roll + ["rollup", "total_cost"]
    by_year = by_year[["scenario", "label", "fiscal_year", "employees", "fte"] + money + [
        "cumulative_cost", "cost_per_employee", "pct_of_base_payroll", "difference", "difference_pct", "cost_of_1pct"]]

    summary = by_year.groupby("scenario", sort=False)[money].sum().reset_index()
    summary.insert(1, "label", [scenarios[s].label for s in summary["scenario"]])
    summary.insert(2, "employees", n)
    summary.insert(3, "fte", fte_sum)
    summary["cost_per_employee"] = summary["total_cost"] / n
    summary["pct_of_base_payroll"] = summary["total_cost"] / summary["base_payroll"] * 100
    ref_t = float(summary.loc[summary["scenario"] == prop.reference, "total_cost"].iloc[0])
    summary["difference"] = summary["total_cost"] - ref_t
    summary["difference_pct"] = summary["difference"] / ref_t * 100 if ref_t else np.nan
    summary["cost_of_1pct"] = float(c1["total"].sum())
    lifts = pd.DataFrame(summaries)
    summary = summary.merge(lifts.drop(columns="label"), on="scenario", how="left")
    summary["lift_pct_of_base_payroll"] = summary["lift_wages"] / base * 100
    summary["lift_to_term_cost"] = summary["end_of_term_lift"] / summary["total_cost"].where(summary["total_cost"] != 0)
    return Costing(unit=unit or prop.unit, proposals=prop, scenarios=scenarios, by_year=by_year, summary=summary,
                   cost_of_1pct=c1, wage_bases=wb, rate_names=rate_names, notes=_notes(prop, wb, roster))


def _notes(prop: Proposals, wb: pd.DataFrame, roster: pd.DataFrame) -> list[str]:
    notes = []
    carried = wb[wb["basis"].str.startswith("carried")]
    if prop.rollup.social_security and len(carried):
        src = int(carried["basis"].iloc[0].split()[-1])
        base = float(wb.loc[wb["year"] == src, "wage_base"].iloc[0]) if src in set(wb["year"]) else float(carried["wage_base"].iloc[0])
        years = carried["year"].tolist()
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        notes.append(f"The Social Security wage base for {span} is not yet published; the {src} base "
                     f"(${base:,.0f}) is carried forward.")
    if not prop.rollup.social_security:
        notes.append("The unit is not covered by Social Security: no employer OASDI is costed.")
    if prop.steps is not None:
        pcts = set(prop.steps.increment_pct.values())
        worth = f"{pcts.pop():.2f}%" if len(pcts) == 1 else "the per-step increments set in the proposals file"
        notes.append(f"A step is worth {worth} of the employee's rate up to step {prop.steps.top_step} "
                     f"(no salary-schedule file is used); steps move on the {prop.steps.timing.replace('_', ' ')} "
                     "unless an event says otherwise.")
    notes.append(f"The roster of {len(roster)} employees as of {prop.roster_as_of:%Y-%m-%d} is costed as a closed "
                 "group: no hires, separations or promotions during the term. The baseline freezes its salaries.")
    notes.append("Lump sums are paid pro rata to FTE and " + ("are" if prop.rollup.lump_sums_pensionable else "are not")
                 + " pensionable; they do not raise the base rate.")
    return notes


# --------------------------------------------------------------------------- the whole unit

def cost_unit(unit, root: str | Path | None = None, *, events: pd.DataFrame | None = None) -> Costing:
    """Load the unit, its proposals and its roster, and cost every scenario.

    Raises :class:`wagebrief.roster.RosterError` (every bad row listed) when the roster has any
    problem, :class:`wagebrief.proposals.ProposalError` for a bad proposals file.
    """
    from wagebrief import gaps
    from wagebrief import roster as rosters

    warnings: list[str] = []
    if isinstance(unit, (str, Path)):
        # A comparator whose settlements were all rejected is a stated gap, not an error.
        u, warnings = gaps.load_unit(unit, root=root)
    else:
        u = unit
    prop = props.load(u, root)
    path = rosters.roster_path(u.unit, root)
    df = rosters.load(path, top_step=prop.steps.top_step if prop.steps else None, as_of=prop.roster_as_of,
                      longevity=prop.longevity is not None)
    scenarios, notes = props.resolve(prop, u, events=events, root=root)
    c = cost_roster(df, prop, scenarios, unit=u.unit)
    c.notes = warnings + notes + c.notes
    c.synthetic = bool(u.synthetic or prop.synthetic)
    c.name = u.name
    try:
        c.roster_path = path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        c.roster_path = str(path)
    return c



# --------------------------------------------------------------------------- presentation

def _foot(exact: np.ndarray) -> np.ndarray:
    """Integer cents for each row of ``exact`` (rows x parts) that add up to the row total's cents.

    The row total is rounded half up to the cent; parts are floored and the missing cents go to
    the parts with the largest remainders (largest-remainder rounding).
    """
    cents = exact * 100
    target = np.floor(cents.sum(axis=1) + 0.5)
    low = np.floor(cents)
    short = np.clip((target - low.sum(axis=1)).astype(int), 0, cents.shape[1])
    order = np.argsort(-(cents - low), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return (low + (rank < short[:, None])).astype("int64")


def table(costing: Costing, scenarios: list[str] | None = None) -> pd.DataFrame:
    """The costing as one footed table: each scenario's fiscal years, then its ``Term`` row.

    Dollars are rounded to the cent and foot (see the module docstring), percents are in
    percent units. The end-of-term lift columns are filled on Term rows only.
    """
    by = costing.by_year.copy()
    parts = WAGE_PARTS + costing.rollup_parts
    cents = _foot(by[parts].to_numpy(float))
    money = pd.DataFrame(cents, columns=parts, index=by.index)
    money["base_payroll"] = np.floor(by["base_payroll"].to_numpy() * 100 + 0.5).astype("int64")
    money["cost_of_1pct"] = np.floor(by["cost_of_1pct"].to_numpy() * 100 + 0.5).astype("int64")
    money["wage_cost"] = money[WAGE_PARTS].sum(axis=1)
    money["rollup"] = money[costing.rollup_parts].sum(axis=1) if costing.rollup_parts else 0
    money["total_cost"] = money["wage_cost"] + money["rollup"]
    ref = money["total_cost"].where(by["scenario"].eq(costing.reference)).groupby(by["fiscal_year"]).transform("max")
    money["difference"] = money["total_cost"] - ref.astype("int64")
    money["scenario"] = by["scenario"]
    money["cumulative_cost"] = money.groupby("scenario", sort=False)["total_cost"].cumsum()
    cols = ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + costing.rollup_parts + ["rollup", "total_cost", "cumulative_cost"]
    out = by[["scenario", "label", "fiscal_year", "employees", "fte"]].copy()
    out["fiscal_year"] = "FY" + out["fiscal_year"].astype(str)
    for c in cols:
        out[c] = money[c] / 100
    out["cost_per_employee"] = by["cost_per_employee"].round(2)
    out["pct_of_base_payroll"] = by["pct_of_base_payroll"]
    out["difference"] = money["difference"] / 100
    out["difference_pct"] = by["difference_pct"]
    out["cost_of_1pct"] = money["cost_of_1pct"] / 100

    s = costing.summary.set_index("scenario")
    lift = _foot(s[["lift_wages", "lift_rollup"]].to_numpy(float))
    rows = []
    for name, grp in money.groupby("scenario", sort=False):
        term = {"scenario": name, "label": s.loc[name, "label"], "fiscal_year": "Term",
                "employees": s.loc[name, "employees"], "fte": s.loc[name, "fte"]}
        for c in ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + costing.rollup_parts + ["rollup", "total_cost", "difference", "cost_of_1pct"]:
            term[c] = grp[c].sum() / 100
        term["cumulative_cost"] = term["total_cost"]
        term["cost_per_employee"] = round(float(s.loc[name, "cost_per_employee"]), 2)
        term["pct_of_base_payroll"] = s.loc[name, "pct_of_base_payroll"]
        term["difference_pct"] = s.loc[name, "difference_pct"]
        i = s.index.get_loc(name)
        term["lift_wages"], term["lift_rollup"] = lift[i, 0] / 100, lift[i, 1] / 100
        term["end_of_term_lift"] = (lift[i, 0] + lift[i, 1]) / 100
        term["lift_pct_of_base_payroll"] = s.loc[name, "lift_pct_of_base_payroll"]
        term["lift_to_term_cost"] = s.loc[name, "lift_to_term_cost"]
        rows.append((name, term))
    frames = []
    for name, term in rows:
        frames += [out[out["scenario"].eq(name)], pd.DataFrame([term])]
    full = pd.concat(frames, ignore_index=True)
    if scenarios is not None:
        full = full[full["scenario"].isin(scenarios)].reset_index(drop=True)
    return full


def to_json(costing: Costing, scenarios: list[str] | None = None) -> dict:
    """Everything at full precision, JSON-ready (dates ISO, NaN as null). Aggregates only."""
    keep = scenarios or list(costing.scenarios)

    def records(df: pd.DataFrame) -> list[dict]:
        out = df.astype(object).where(df.notna(), None).to_dict("records")
        return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()} for r in out]

    p = costing.proposals
    return {
        "unit": costing.unit,
        "synthetic": costing.synthetic,
        "term_start": f"{p.term_start:%Y-%m-%d}", "term_end": f"{p.term_end:%Y-%m-%d}",
        "roster_as_of": f"{p.roster_as_of:%Y-%m-%d}",
        "fiscal_years": costing.fiscal_years,
        "reference_scenario": costing.reference,
        "scenarios": {n: {"label": s.label, "events": [
            {"effective_date": f"{e.effective_date:%Y-%m-%d}", "kind": e.kind, "value": e.value,
             "timing": e.timing, "note": e.note} for e in s.events]} for n, s in costing.scenarios.items() if n in keep},
        "by_year": records(costing.by_year[costing.by_year["scenario"].isin(keep)]),
        "summary": records(costing.summary[costing.summary["scenario"].isin(keep)]),
        "cost_of_1pct": records(costing.cost_of_1pct),
        "social_security_wage_base": records(costing.wage_bases),
        "notes": costing.notes,
    }


def _money(x: float) -> str:
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}%"


def side_by_side(costing: Costing) -> pd.DataFrame:
    """The scenarios side by side over the term, display-ready strings (aggregates only)."""
    t = table(costing)
    t = t[t["fiscal_year"].eq("Term")]
    ref_label = costing.scenarios[costing.reference].label
    cols = {
        "Scenario": t["label"],
        "Total cost over the term": t["total_cost"].map(_money),
        "% of base payroll": t["pct_of_base_payroll"].map(_pct),
        "Cost per employee": t["cost_per_employee"].map(_money),
        "GWI": t["gwi"].map(_money), "Step movement": t["step"].map(_money),
        "Longevity": t["longevity"].map(_money), "Lump sums": t["lump_sum"].map(_money),
        "Roll-up": t["rollup"].map(_money),
        f"Difference vs {ref_label}": t["difference"].map(_money),
        "Difference %": t["difference_pct"].map(_pct),
        "Annual lift at end of term": t["end_of_term_lift"].map(_money),
        "Lift % of base payroll": t["lift_pct_of_base_payroll"].map(_pct),
    }
    return pd.DataFrame(cols).reset_index(drop=True)


def by_fiscal_year(costing: Costing) -> pd.DataFrame:
    """Total cost of each scenario by fiscal year with the base payroll and the cost of 1%."""
    t = table(costing)
    first = t[t["scenario"].eq(costing.reference)]
    out = pd.DataFrame({"Fiscal year": first["fiscal_year"].to_numpy(),
                        "Base payroll": first["base_payroll"].map(_money).to_numpy(),
                        "Cost of 1%": first["cost_of_1pct"].map(_money).to_numpy()})
    for name, s in costing.scenarios.items():
        out[s.label] = t.loc[t["scenario"].eq(name), "total_cost"].map(_money).to_numpy()
    return out


def sentences(costing: Costing) -> list[str]:
    """Plain sentences built from the (footed) numbers."""
    t = table(costing)
    term = t[t["fiscal_year"].eq("Term")].set_index("scenario")
    ref = costing.reference
    phrase = {n: s.phrase for n, s in costing.scenarios.items()}
    cap = lambda s: s[:1].upper() + s[1:]  # noqa: E731
    r = term.loc[ref]
    first = (f"{cap(phrase[ref])} costs {_money(r['total_cost'])} over the term "
             f"({r['pct_of_base_payroll']:.2f}% of base payroll)")
    for name in term.index.drop(ref):
        d = term.loc[name, "total_cost"] - r["total_cost"]
        how = "the same" if round(d, 2) == 0 else f"{_money(abs(d))} {'more' if d > 0 else 'less'}"
        first += f"; {phrase[name]} costs {_money(term.loc[name, 'total_cost'])}, {how}"
    fy0 = t[t["scenario"].eq(ref)].iloc[0]
    out = [first + ".",
           f"A 1% general wage increase costs {_money(fy0['cost_of_1pct'])} in {fy0['fiscal_year']}, roll-up included."]
    lifts = [f"{phrase[n]} adds {_money(term.loc[n, 'end_of_term_lift'])} a year "
             f"({term.loc[n, 'lift_pct_of_base_payroll']:.2f}% of base payroll in wages) against "
             f"{_money(term.loc[n, 'total_cost'])} spent over the term" for n in term.index]
    out.append("At the end of the term, " + "; ".join(lifts) + ".")
    return out


def figure(costing: Costing, source: str = ""):
    """Line chart of each scenario's cumulative cost by fiscal year."""
    from matplotlib.ticker import FuncFormatter

    from wagebrief import figures

    by = costing.by_year
    peak = float(by["cumulative_cost"].abs().max() or 1)
    scale, unit = (1e6, "$ millions") if peak >= 1e6 else ((1e3, "$ thousands") if peak >= 1e4 else (1, "dollars"))
    fig, ax = figures.new((8, 4.2))
    for name, grp in by.groupby("scenario", sort=False):
        ax.plot(grp["fiscal_year"], grp["cumulative_cost"] / scale, marker="o", lw=2, label=costing.scenarios[name].label)
    ax.set_xticks(costing.fiscal_years, [f"FY{y}" for y in costing.fiscal_years])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}" if scale > 1 else f"{v:,.0f}"))
    ax.set_xlabel("Fiscal year (named by the year it ends in)")
    ax.set_ylabel(f"Cumulative cost, {unit}\n(wages and roll-up)")
    ax.set_title(f"{costing.name or costing.unit}: cumulative cost of each proposal")
    ax.axhline(0, color="#999", lw=0.8)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.text(0.01, 0.01, source, fontsize=7, color="#555")
    return figures.finish(fig)


def source_line(costing: Costing) -> str:
    kind = "SYNTHETIC roster" if costing.synthetic else "Payroll roster"
    where = costing.proposals.where
    return (f"Source: {kind} {costing.roster_path} as of {costing.proposals.roster_as_of:%Y-%m-%d}; "
            f"proposals {where}; wagebrief costing.")


def brief_section(unit, root: str | Path | None = None, costing: Costing | None = None):
    """The costing section of the brief: sentences, the side-by-side table, cost by year, chart."""
    from wagebrief.sections import Figure, Section, Table

    c = costing or cost_unit(unit, root)
    src = source_line(c)
    fy = c.fiscal_years
    span = f"FY{fy[0]}" if len(fy) == 1 else f"FY{fy[0]}–FY{fy[-1]}"
    return Section(
        title="What each proposal costs",
        text=sentences(c),
        tables=[Table(f"The proposals side by side over the term ({span}), roll-up included", side_by_side(c), src),
                Table("Total cost of the increase by fiscal year, roll-up included", by_fiscal_year(c), src)],
        figures=[Figure(f"Cumulative cost by fiscal year, {span}", figure(c, src), src)],
        caveats=list(c.notes),
    )
