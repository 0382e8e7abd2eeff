"""Costing the economic items beyond wages, with the wage engine's conventions.

The settings are read by :mod:`wagebrief.inputs.proposals_items`. Every item is closed form and
day-prorated like the wages (:mod:`wagebrief.analysis.costing`): the pay periods are cut at every
item's date, so each period holds one state of every item, and an annual amount accrues
``amount * days / days in the fiscal year``. Each item's cost is scenario less baseline (the
settings as they stand today), per fiscal year.

* **Health premiums** (``health``, roster ``coverage_tier``): the employer pays
  ``premium of the tier * (100 - employee share) / 100`` per enrollee a year (not prorated by
  fte; waived or blank: nothing). A ``premium_share_pct`` event sets the employees' share from
  its date; the cost is ``-(new share - share today) / 100 * premium``: a saving when the share
  rises. ``premium_changes`` move the premiums in the baseline and every scenario alike.
  Premiums are not wages: no roll-up.
* **Employee pension contribution** (``employee_pension_pct``): a ``pension_employee_pct`` event
  saves the employer ``(new - today) / 100`` of the scenario's pensionable pay from its date
  (base pay, longevity and lump sums as ``rollup`` makes them pensionable, paid-hours pay, and
  stipends and holiday cash when pensionable). Not wages: no roll-up.
* **Paid hours** (``hours_per_week``): an ``hours_per_week`` event scales the base rate's pay
  (raises included, longevity and lump sums not) by ``new hours / hours today``. Pensionable.
* **Stipends and differentials**: a ``stipend`` event pays ``value`` a year per full-time
  employee (times fte), or ``value`` per paid hour (``per: hour``: ``value * hours a week * 52 *
  fte`` a year), to every employee or to the listed ``titles``, from its date. Several add up.
  Pensionable when ``rollup.stipends_pensionable``.
* **Added holidays**: ``holidays_added`` adds paid holidays a year from its date. With
  ``holidays.cash`` (round-the-clock work: a holiday is worked anyway, at premium pay or with a
  backfill) each costs ``hours_per_holiday * premium`` hourly rates (the base rate's pay / (hours
  today * 52)); otherwise it costs no cash and is shown as ``hours_of_time``: hours of paid time
  off (``hours_per_holiday * fte`` per holiday a year).
* **Longevity schedule change** (flat longevity only): from a ``longevity_schedule`` event's
  date, each eligible employee is paid the new schedule's amount for the highest threshold
  reached (on the hire-date anniversary, as the engine reaches tiers) instead of the old one's,
  times fte; the item is the difference (a later event replaces an earlier one). Pensionable
  when ``rollup.longevity_pensionable``.
* **Roll-up of the paid items** (hours, stipends, holiday cash, longevity changes): Social Security up to the
  calendar year's wage base on each employee's cumulative wages, Medicare, and each ``rates``
  entry where pensionable. Items are added in the order hours, stipends, holiday cash, longevity after the
  wage events, and each item's Social Security is what it adds given what came before it, so the
  items' roll-up adds up to the roll-up of them all.
* **Retroactive pay** (``settled_on`` after the term start): the scenario's cost earned before
  the settlement date (wage events, paid items, and their roll-up; not premium shares or pension
  contributions, which start when deducted) is owed as retro and paid on ``retro_paid_on``
  (default the settlement date), in that date's fiscal year. The by-year costs stay on the days
  the pay is earned; the retro table says how much moves to the fiscal year it is paid in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wagebrief.analysis.costing_engine import WAGE_PARTS, Payroll, _days, _on, _simulate, fiscal_years
from wagebrief.fiscal import fiscal_year
from wagebrief.inputs.proposals import MEDICARE_RATE_PCT, SS_RATE_PCT, Proposals, Scenario
from wagebrief.inputs.proposals_items import ITEM_KINDS, TIERS, WEEKS_PER_YEAR

#: Item columns, in the order they are costed; the paid ones (wages) carry the roll-up.
ITEMS = ["hours", "stipend", "holiday_pay", "longevity_change", "health", "pension_contribution"]
PAID_ITEMS = ["hours", "stipend", "holiday_pay", "longevity_change"]
ITEM_LABELS = {"hours": "Paid-hours change", "stipend": "Stipends and differentials",
               "holiday_pay": "Added holidays", "health": "Health-premium share",
               "pension_contribution": "Employee pension contribution",
               "longevity_change": "Longevity schedule change"}
#: Which event kind drives each item (holidays also show as time when not cash).
_DRIVER = {"hours": "hours_per_week", "stipend": "stipend", "holiday_pay": "holidays_added",
           "health": "premium_share_pct", "pension_contribution": "pension_employee_pct",
           "longevity_change": "longevity_schedule"}


@dataclass
class ItemCosts:
    """What :func:`cost_items` computes, at full precision."""

    items: list[str]  #: the items some scenario has, in :data:`ITEMS` order
    #: scenario, fiscal_year, item, cost, then the roll-up parts, rollup, total, employees, hours_of_time
    by_year: pd.DataFrame
    #: scenario, settled_on, retro_paid_on, fiscal_year_paid, retro_wages, retro_rollup, retro_total
    retro: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: (scenario, fiscal year) -> item -> employees with a non-zero share (bool arrays)
    who: dict = field(default_factory=dict)


def has_items(prop: Proposals, scenarios: dict[str, Scenario]) -> bool:
    """Whether any scenario has a non-wage event, or the file a settlement date (retro)."""
    return prop.items.settled_on is not None or any(
        e.kind in ITEM_KINDS for s in scenarios.values() for e in s.events)


def split_periods(periods: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """The pay periods cut at ``dates`` too (a period's sums are unchanged: pay accrues by day)."""
    cuts = sorted({int(d) for d in _days(dates)}) if dates else []
    rows = []
    for p in periods.to_dict("records"):
        edges = [p["p0"]] + [c for c in cuts if p["p0"] < c < p["p1"]] + [p["p1"]]
        for a, b in zip(edges[:-1], edges[1:]):
            rows.append({**p, "p0": a, "p1": b, "start": pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(a)),
                         "end": pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(b))})
    return pd.DataFrame(rows, columns=periods.columns).reset_index(drop=True)


def _state(events: list, p0: np.ndarray, initial: float, add: bool = False) -> np.ndarray:
    """Each period's value of a setting: the last event on or before its start (or their sum, ``add``)."""
    out = np.full(len(p0), float(initial))
    for e in sorted(events, key=lambda e: e.effective_date):
        on = p0 >= _days([e.effective_date])[0]
        out = np.where(on, out + e.value, out) if add else np.where(on, e.value, out)
    return out


def _social_security(before: np.ndarray, after: np.ndarray, years: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Employer OASDI on ``after`` less on ``before`` (periods x employees), capped on calendar-year wages."""
    out = np.zeros_like(after)
    cum_b = cum_a = np.zeros(after.shape[1])
    year = None
    for i in range(after.shape[0]):
        if years[i] != year:
            cum_b, cum_a, year = np.zeros(after.shape[1]), np.zeros(after.shape[1]), years[i]
        cap = caps[i]
        tb = np.minimum(cum_b + before[i], cap) - np.minimum(cum_b, cap)
        ta = np.minimum(cum_a + after[i], cap) - np.minimum(cum_a, cap)
        out[i] = SS_RATE_PCT / 100 * (ta - tb)
        cum_b, cum_a = cum_b + before[i], cum_a + after[i]
    return out


def _amounts(roster: pd.DataFrame, prop: Proposals, events: list, per: pd.DataFrame,
             keep: dict[str, list[np.ndarray]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each item's cost per period and employee (periods x employees), and the holiday hours of time."""
    it = prop.items
    p0 = per["p0"].to_numpy()
    frac = ((per["p1"] - per["p0"]) / per["fy_days"]).to_numpy()[:, None]
    fte = roster["fte"].to_numpy(float)[None, :]
    base, pens = np.array(keep["base"]), np.array(keep["pensionable"])
    by = {k: [e for e in events if e.kind == k] for k in ITEM_KINDS}
    h0 = it.hours_per_week
    hours_now = _state(by["hours_per_week"], p0, h0)[:, None]
    out = {"hours": base * (hours_now / h0 - 1)}
    stipend = np.zeros_like(base)
    titles = roster["title"].astype(str).to_numpy()
    for e in by["stipend"]:
        on = (p0 >= _days([e.effective_date])[0])[:, None]
        who = np.isin(titles, list(e.titles)) if e.titles else np.ones(len(titles), bool)
        yearly = e.value * (hours_now * WEEKS_PER_YEAR if e.per == "hour" else 1.0)
        stipend += np.where(on & who[None, :], yearly * fte * frac, 0.0)
    out["stipend"] = stipend
    added = _state(by["holidays_added"], p0, 0.0, add=True)[:, None]
    hol = it.holidays
    hours_of_time = added * hol.hours_per_holiday * fte * frac
    # The hourly rate is the base rate over today's hours (an hours change does not change it).
    out["holiday_pay"] = (added * hol.hours_per_holiday * hol.premium * base / (h0 * WEEKS_PER_YEAR)
                          if hol.cash else np.zeros_like(base))
    health = np.zeros_like(base)
    if it.health is not None and "coverage_tier" in roster:
        tier = roster["coverage_tier"].astype(str).to_numpy()
        prem = np.zeros_like(base)
        for since, table in it.health.premiums:
            on = (p0 >= _days([since])[0])[:, None]
            row = np.array([table.get(t, 0.0) for t in tier])[None, :]
            prem = np.where(on, row, prem)
        prem = np.where(np.isin(tier, TIERS)[None, :], prem, 0.0)
        share = _state(by["premium_share_pct"], p0, it.health.employee_share_pct)[:, None]
        health = -(share - it.health.employee_share_pct) / 100 * prem * frac
    out["health"] = health
    out["longevity_change"] = _longevity_change(roster, prop, by["longevity_schedule"], per)
    contribution = np.zeros_like(base)
    if it.employee_pension_pct is not None:
        pct = _state(by["pension_employee_pct"], p0, it.employee_pension_pct)[:, None]
        on_pay = pens + out["hours"] + out["stipend"] * prop.rollup.stipends_pensionable \
            + out["holiday_pay"] * hol.pensionable + out["longevity_change"] * prop.rollup.longevity_pensionable
        contribution = -(pct - it.employee_pension_pct) / 100 * on_pay
    out["pension_contribution"] = contribution
    return out, hours_of_time


def _longevity_paid(roster: pd.DataFrame, schedule: tuple, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Flat longevity dollar-days of ``schedule`` over days [s, e) (periods x employees), eligible employees only."""
    hire = roster["hire_date"]
    y, m, d = hire.dt.year.to_numpy(), hire.dt.month.to_numpy(), hire.dt.day.to_numpy()
    out = np.zeros((len(s), len(roster)))
    before = 0.0
    for years, amount in schedule:  # each threshold adds its step up from the tier below, from the day it is reached
        reach = _on(y + years, m, d)[None, :]
        out += (amount - before) * np.clip(e[:, None] - np.maximum(s[:, None], reach), 0, None)
        before = amount
    return out * roster["longevity_eligible"].to_numpy(bool)[None, :]


def _longevity_change(roster: pd.DataFrame, prop: Proposals, events: list, per: pd.DataFrame) -> np.ndarray:
    """New less old flat longevity pay from each ``longevity_schedule`` event on (periods x employees)."""
    out = np.zeros((len(per), len(roster)))
    if not events or prop.longevity is None:
        return out
    p0, p1 = per["p0"].to_numpy(), per["p1"].to_numpy()
    old = _longevity_paid(roster, prop.longevity.schedule, p0, p1)
    fte = roster["fte"].to_numpy(float)[None, :]
    for e in sorted(events, key=lambda e: e.effective_date):
        on = (p0 >= _days([e.effective_date])[0])[:, None]  # a later event replaces an earlier one
        out = np.where(on, _longevity_paid(roster, e.schedule, p0, p1) - old, out)
    return out * fte / per["fy_days"].to_numpy()[:, None]


def cost_items(roster: pd.DataFrame, prop: Proposals, scenarios: dict[str, Scenario], periods: pd.DataFrame,
               cap_by_year: pd.Series, lift_cap: float, rate_names: list[str],
               pay: Payroll | None = None) -> ItemCosts:
    """Every scenario's items per fiscal year, with their roll-up, and its retro (module docstring).

    ``pay``: the roster as the engine has already read it (:func:`~wagebrief.analysis.costing_engine.payroll`)."""
    it, rollup, fys = prop.items, prop.rollup, fiscal_years(prop)
    roll_parts = (["social_security"] if rollup.social_security else []) + (
        ["medicare"] if rollup.medicare else []) + list(rate_names)
    present = [i for i in ITEMS if any(e.kind == _DRIVER[i] for s in scenarios.values() for e in s.events)]
    settle = it.settled_on if it.settled_on is not None and it.settled_on > prop.term_start else None
    pens_flag = {"hours": True, "stipend": rollup.stipends_pensionable, "holiday_pay": it.holidays.pensionable,
                 "longevity_change": rollup.longevity_pensionable}
    rows, retro, who_all = [], [], {}
    for name, s in scenarios.items():
        events = [e for e in s.events if e.kind in ITEM_KINDS]
        dates = [e.effective_date for e in events] + ([settle] if settle is not None else [])
        if it.health is not None:
            dates += [d for d, _ in it.health.premiums[1:]]
        per = split_periods(periods, dates)
        caps = per["year"].map(cap_by_year).to_numpy(float)
        keep: dict[str, list[np.ndarray]] = {}
        wage_events = [e for e in s.events if e.kind not in ITEM_KINDS]
        per_period, _, _ = _simulate(roster if pay is None else pay, wage_events, prop, per, caps, lift_cap, rate_names, keep=keep)
        amounts, hours_of_time = _amounts(roster, prop, events, per, keep)
        roll = {i: {r: np.zeros_like(amounts[i]) for r in roll_parts} for i in ITEMS}
        paid = np.array(keep["wages"])
        years = per["year"].to_numpy()
        for i in PAID_ITEMS:  # in order: each item's Social Security on top of what came before it
            x = amounts[i]
            if rollup.social_security:
                roll[i]["social_security"] = _social_security(paid, paid + x, years, caps)
            if rollup.medicare:
                roll[i]["medicare"] = MEDICARE_RATE_PCT / 100 * x
            for r in rate_names:
                roll[i][r] = rollup.rates[r] / 100 * x * pens_flag[i]
            paid = paid + x
        costed = per["costed"].to_numpy()
        fy_of = per["fiscal_year"].to_numpy()
        for fy in fys:
            sel = costed & (fy_of == fy)
            acc = who_all.setdefault((name, fy), {})
            for i in present:
                rec = {"scenario": name, "fiscal_year": fy, "item": i, "cost": float(amounts[i][sel].sum())}
                for r in roll_parts:
                    rec[r] = float(roll[i][r][sel].sum())
                rec["rollup"] = sum(rec[r] for r in roll_parts)
                rec["total"] = rec["cost"] + rec["rollup"]
                nonzero = (amounts[i][sel] != 0).any(axis=0)
                acc[i] = nonzero
                rec["employees"] = int(nonzero.sum())
                rec["hours_of_time"] = float(hours_of_time[sel].sum()) if i == "holiday_pay" else 0.0
                rows.append(rec)
        if settle is not None:
            before = costed & (per["p1"].to_numpy() <= _days([settle])[0])
            wages = float(per_period.loc[before, WAGE_PARTS].to_numpy().sum())
            wage_roll = float(per_period.loc[before, [c for c in per_period.columns if c not in WAGE_PARTS]].to_numpy().sum())
            wages += sum(float(amounts[i][before].sum()) for i in PAID_ITEMS)
            wage_roll += sum(float(roll[i][r][before].sum()) for i in PAID_ITEMS for r in roll_parts)
            paid_on = it.retro_paid_on
            retro.append({"scenario": name, "settled_on": settle, "retro_paid_on": paid_on,
                          "fiscal_year_paid": int(fiscal_year(pd.Series([paid_on]), prop.fy_start_month).iloc[0]),
                          "retro_wages": wages, "retro_rollup": wage_roll, "retro_total": wages + wage_roll})
    cols = ["scenario", "fiscal_year", "item", "cost", *roll_parts, "rollup", "total", "employees", "hours_of_time"]
    return ItemCosts(items=present, by_year=pd.DataFrame(rows, columns=cols),
                     retro=pd.DataFrame(retro, columns=["scenario", "settled_on", "retro_paid_on", "fiscal_year_paid",
                                                        "retro_wages", "retro_rollup", "retro_total"]),
                     who=who_all)


def add_to_by_year(by_year: pd.DataFrame, ic: ItemCosts, roll: list[str]) -> pd.DataFrame:
    """``by_year`` with a column per item (its cost) and the items' roll-up added to the roll-up columns."""
    out = by_year.copy()
    key = ["scenario", "fiscal_year"]
    f = ic.by_year
    for i in ic.items:
        mine = f[f["item"].eq(i)].set_index(key)
        idx = pd.MultiIndex.from_frame(out[key])
        out[i] = mine["cost"].reindex(idx).fillna(0.0).to_numpy()
        for r in roll:
            if r in mine:
                out[r] = out[r] + mine[r].reindex(idx).fillna(0.0).to_numpy()
    return out


def json_frames(ic: ItemCosts, keep: list[str], cells: dict, unit_hidden: bool) -> dict[str, pd.DataFrame]:
    """The items and retro frames for JSON: dates ISO, an item paid to too few employees blanked."""
    items = ic.by_year[ic.by_year["scenario"].isin(keep)]
    retro = ic.retro[ic.retro["scenario"].isin(keep)].copy()
    for d in ("settled_on", "retro_paid_on"):
        retro[d] = [f"{x:%Y-%m-%d}" for x in retro[d]]
    money = [c for c in items.columns if c not in ("scenario", "fiscal_year", "item", "employees")]
    items = items.astype(object)
    for i, sc, fy, it in zip(items.index, items["scenario"], items["fiscal_year"], items["item"]):
        if it in cells.get((sc, fy), ()):  # an item paid to too few employees would show their pay
            items.loc[i, money] = None
    if unit_hidden:
        items = items.assign(**{c: None for c in money + ["employees"]})
        retro = retro.assign(retro_wages=None, retro_rollup=None, retro_total=None)
    return {"items": items, "retro": retro}


def item_notes(prop: Proposals, ic: ItemCosts) -> list[str]:
    """The caveats the items need in the brief: what each costs on, and how retro is counted."""
    it, out = prop.items, []
    if "health" in ic.items:
        out.append("Health premiums are costed by each employee's coverage tier on the roster, per enrollee (not "
                   "prorated by FTE), against the employees' share today; enrollment is held as on the roster, and "
                   "premiums carry no roll-up.")
    if "pension_contribution" in ic.items:
        out.append(f"A change in the employees' pension contribution (today {it.employee_pension_pct:g}% of "
                   "pensionable pay) is the employer's saving on the scenario's pensionable pay; no roll-up.")
    if "holiday_pay" in ic.items:
        out.append(f"Added holidays cost cash at {it.holidays.premium:g} times the hourly rate for "
                   f"{it.holidays.hours_per_holiday:g} hours each (the unit works round-the-clock)." if it.holidays.cash
                   else "Added holidays are paid time off, not cash: the unit does not work round-the-clock, so "
                        "they are shown in hours.")
    if not ic.retro.empty:
        out.append("Retroactive pay is the scenario's pay increases (and paid items) earned from their effective "
                   "dates to the settlement date, roll-up included; the costs by fiscal year count it in the year "
                   "it is earned, the retro table in the year it is paid.")
    return out
