"""The costing engine: every employee's pay, event by event, as numpy arrays.

The conventions are in :mod:`wagebrief.analysis.costing`'s docstring; this module computes, per pay
period, each component's total over the roster and which employees it is paid to (so a figure
from too few employees can be suppressed when presented).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from wagebrief.fiscal import fiscal_year, fiscal_year_start
from wagebrief.inputs.proposals import MEDICARE_RATE_PCT, SS_RATE_PCT, Event, Proposals

WAGE_PARTS = ["gwi", "step", "longevity", "lump_sum"]
_NONE, _GWI_PCT, _GWI_FLAT, _STEP, _LONG, _LUMP, _LUMP_PCT = range(7)
_PRIORITY = {_STEP: 0, _GWI_PCT: 1, _GWI_FLAT: 1, _LUMP: 2, _LUMP_PCT: 2, _LONG: 3}
_KIND = {"gwi_pct": _GWI_PCT, "gwi_flat": _GWI_FLAT, "lump_sum": _LUMP, "lump_sum_pct": _LUMP_PCT}
_EPOCH = np.datetime64("1970-01-01", "D")
_ORDINAL_1970 = pd.Timestamp("1970-01-01").toordinal()
#: Same-day order of each event kind (index: the kind code), for the event table's sort.
_PRIORITY_OF = np.array([_PRIORITY.get(k, 0) for k in range(7)])


# --------------------------------------------------------------------------- dates, vectorized

def fiscal_years(prop: Proposals) -> list[int]:
    """The fiscal years the term touches, as ``Proposals.fiscal_years`` gives them, worked out once per term.

    The property builds two Series each time it is read; the costing and the solver read it often.
    Keyed by the term's dates and fiscal-year start, so an edited term gets its own years."""
    return list(_fiscal_years(prop.term_start, prop.term_end, prop.fy_start_month))


@lru_cache(maxsize=64)
def _fiscal_years(term_start: pd.Timestamp, term_end: pd.Timestamp, fy_start_month: int) -> tuple[int, ...]:
    return tuple(range(int(fiscal_year(pd.Series([term_start]), fy_start_month).iloc[0]),
                       int(fiscal_year(pd.Series([term_end]), fy_start_month).iloc[0]) + 1))


def _days(x) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return (np.asarray(pd.to_datetime(x), dtype="datetime64[D]") - _EPOCH).astype("int64")


def _day(x) -> int:
    """One date as whole days since 1970-01-01 (what ``_days([x])[0]`` gives, without building an index)."""
    return pd.Timestamp(x).toordinal() - _ORDINAL_1970


def _on(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days of (year, month, day), with 29 February as the 28th in common years."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    first = ((np.asarray(year) - 1970) * 12 + np.asarray(month) - 1).astype("datetime64[M]").astype("datetime64[D]")
    return (first - _EPOCH).astype("int64") + day - 1


def _anniversary_from(hire: "pd.Series | Payroll", from_day: np.ndarray) -> np.ndarray:
    """The first hire-date anniversary on or after ``from_day`` (days), never the hire date itself."""
    if isinstance(hire, Payroll):
        y, m, d, hired = hire.hire_y, hire.hire_m, hire.hire_d, hire.hire_day
    else:
        y, m, d, hired = hire.dt.year.to_numpy(), hire.dt.month.to_numpy(), hire.dt.day.to_numpy(), _days(hire)
    from_day = np.maximum(from_day, hired + 1)
    year = (_EPOCH + from_day).astype("datetime64[Y]").astype(int) + 1970
    first = _on(year, m, d)
    return np.where(first < from_day, _on(year + 1, m, d), first)


def _periods(prop: Proposals) -> pd.DataFrame:
    """Pay periods: the costed fiscal years cut at 1 January, plus the lead-in from 1 January."""
    fys = fiscal_years(prop)
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

@dataclass(frozen=True)
class Payroll:
    """A roster's columns as the engine reads them, with what no event changes worked out once.

    Every scenario and every solver schedule is costed on the same roster and proposals; reading
    the columns, the hire dates' parts, the baseline longevity tiers and the longevity anniversaries
    once, instead of on every run, is most of a run's time on a few hundred employees. Built by
    :func:`payroll` for one ``prop`` (an engine run with another proposals object builds its own).
    """

    prop: Proposals
    n: int
    rate0: np.ndarray  #: annual_base_salary
    fte: np.ndarray
    step: np.ndarray  #: the roster's step (zeros without a step schedule)
    hire_y: np.ndarray
    hire_m: np.ndarray
    hire_d: np.ndarray
    hire_day: np.ndarray  #: the hire date, days since 1970-01-01
    tier0: np.ndarray  #: the longevity tier held on roster_as_of (zeros without longevity)
    #: the longevity tiers reached in the window: (employees, days, tier) per tier
    tier_events: tuple[tuple[np.ndarray, np.ndarray, int], ...]
    term_end_day: int


def payroll(roster: "pd.DataFrame | Payroll", prop: Proposals) -> Payroll:
    """``roster`` (validated, typed) read once for costing under ``prop``; a Payroll of ``prop`` as it is."""
    if isinstance(roster, Payroll):
        if roster.prop is prop:
            return roster
        raise ValueError("this Payroll was read for another proposals object; build one with payroll(roster, prop)")
    n = len(roster)
    hire = roster["hire_date"]
    y, m, d = hire.dt.year.to_numpy(), hire.dt.month.to_numpy(), hire.dt.day.to_numpy()
    tier0 = np.zeros(n, dtype=int)
    tier_events: list[tuple[np.ndarray, np.ndarray, int]] = []
    if prop.longevity is not None:
        as_of = _day(prop.roster_as_of)
        win1 = _days(fiscal_year_start([fiscal_years(prop)[-1] + 1], prop.fy_start_month))[0]
        elig = roster["longevity_eligible"].to_numpy(bool)
        idx = np.arange(n)
        for tier, (years, _) in enumerate(prop.longevity.schedule, start=1):
            days = _on(y + years, m, d)
            tier0 = np.where(elig & (days <= as_of), tier, tier0)
            keep = elig & (days > as_of) & (days < win1)
            tier_events.append((idx[keep], days[keep], tier))
    return Payroll(
        prop=prop, n=n, rate0=roster["annual_base_salary"].to_numpy(float), fte=roster["fte"].to_numpy(float),
        step=roster["step"].to_numpy(int) if prop.steps else np.zeros(n, int), hire_y=y, hire_m=m, hire_d=d,
        hire_day=_days(hire), tier0=tier0, tier_events=tuple(tier_events), term_end_day=_day(prop.term_end))


def _event_table(roster: "pd.DataFrame | Payroll", events: list[Event], prop: Proposals) -> dict[str, np.ndarray]:
    """Every employee's events as (n, K) arrays, sorted by date and same-day priority."""
    pay = payroll(roster, prop)
    n = pay.n
    idx = np.arange(n)
    end_day = pay.term_end_day
    parts: list[tuple] = []
    for seq, e in enumerate(events):
        day = _day(e.effective_date)
        if e.kind == "step_movement":
            if e.timing == "common_date":
                days = np.full(n, day)
            else:
                days = _anniversary_from(pay, np.full(n, day))
            year_on = _day(e.effective_date + pd.DateOffset(years=1))
            keep = (days < year_on) & (days <= end_day)
            parts.append((idx[keep], days[keep], _STEP, 0.0, seq))
        elif e.kind in _KIND:  # other kinds (health, stipends...) are costed in costing_items
            parts.append((idx, np.full(n, day), _KIND[e.kind], e.value, seq))
    for who, days, tier in pay.tier_events:
        parts.append((who, days, _LONG, float(tier), 10_000 + tier))
    emp = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, int)
    day = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, int)
    kind = np.concatenate([np.full(len(p[0]), p[2]) for p in parts]) if parts else np.zeros(0, int)
    val = np.concatenate([np.full(len(p[0]), p[3], dtype=float) for p in parts]) if parts else np.zeros(0)
    seq = np.concatenate([np.full(len(p[0]), p[4]) for p in parts]) if parts else np.zeros(0, int)
    prio = _PRIORITY_OF[kind]
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


def _baseline_tier(roster: "pd.DataFrame | Payroll", prop: Proposals) -> np.ndarray:
    return payroll(roster, prop).tier0.copy()


def _simulate(roster: "pd.DataFrame | Payroll", events: list[Event], prop: Proposals, periods: pd.DataFrame,
              caps: np.ndarray, lift_cap: float, rate_names: list[str],
              keep: dict[str, list[np.ndarray]] | None = None) -> tuple[pd.DataFrame, dict[str, float], dict]:
    """Cost one scenario: per pay-period totals of each component, the end-of-term lift, and who
    each figure is computed from (fiscal year -> component -> employees with a non-zero share;
    ``"lift"``: whose rate changed; ``"capped_years"``: calendar years in which someone's wages pass the wage base; ``"lift_capped"``:
    whether the lift's wage base binds).

    ``keep``, when given, receives each period's per-employee pay (lists, one array per period):
    ``"base"`` the base rate's pay (no longevity, no lump sums), ``"wages"`` all pay and
    ``"pensionable"`` the pay the rates fall on; :mod:`wagebrief.analysis.costing_items` costs
    the other items on them. ``roster`` may be read once beforehand (:func:`payroll`) for many runs."""
    pay = payroll(roster, prop)
    rate0, fte = pay.rate0, pay.fte
    ev = _event_table(pay, events, prop)
    n, k = ev["kind"].shape
    top = prop.steps.top_step if prop.steps else np.iinfo(np.int32).max
    inc = np.zeros(top + 1 if prop.steps else 1)
    for s, pct in (prop.steps.increment_pct.items() if prop.steps else []):
        inc[s] = pct
    step = pay.step
    tier = pay.tier0
    r, lon = rate0.copy(), _longevity_rate(prop, tier, rate0)
    lon0 = lon.copy()
    d_base, d_lon, lump = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    end_day = pay.term_end_day
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
    gwi_base, step_base = d_base * is_gwi, d_base * (ev["kind"] == _STEP)  # as (d_base * mask) * w groups it
    rollup = prop.rollup
    rows: dict[str, list[float]] = {c: [] for c in WAGE_PARTS + ["social_security", "medicare"] + list(rate_names)}
    cum_b = cum_s = np.zeros(n)
    year = None
    who: dict = {}
    capped: set[int] = set()
    # The periods' columns as Python scalars, as a row of itertuples gives them (a DataFrame row per period is slow).
    cols = {c: periods[c].tolist() for c in ("p0", "p1", "fy_days", "costed", "fiscal_year", "year")}
    for i, (p0, p1, fy_days, costed, fy, p_year) in enumerate(zip(
            cols["p0"], cols["p1"], cols["fy_days"], cols["costed"], cols["fiscal_year"], cols["year"])):
        start = np.maximum(ev["day"], p0)
        w = np.clip(p1 - start, 0, None) / fy_days
        frac = (p1 - p0) / fy_days
        part = {
            "gwi": (gwi_base * w).sum(axis=1) * fte,
            "step": (step_base * w).sum(axis=1) * fte,
            "longevity": (d_lon * w).sum(axis=1) * fte,
            "lump_sum": (lump * ((ev["day"] >= p0) & (ev["day"] < p1))).sum(axis=1) * fte,
        }
        base_wages = (rate0 + lon0) * frac * fte
        increase = sum(part.values())
        if costed:  # who each figure comes from, so the few-employee ones can be suppressed
            acc = who.setdefault(int(fy), {c: np.zeros(n, bool) for c in WAGE_PARTS})
            for c, v in part.items():
                acc[c] |= v != 0
        if p_year != year:
            cum_b, cum_s, year = np.zeros(n), np.zeros(n), p_year
        cap = caps[i]
        if costed and bool(((cum_s + base_wages + increase) > cap).any() | ((cum_b + base_wages) > cap).any()):
            capped.add(int(p_year))  # the base binds this calendar year: its value changes the cost
        taxable_b = np.minimum(cum_b + base_wages, cap) - np.minimum(cum_b, cap)
        taxable_s = np.minimum(cum_s + base_wages + increase, cap) - np.minimum(cum_s, cap)
        cum_b, cum_s = cum_b + base_wages, cum_s + base_wages + increase
        pensionable = part["gwi"] + part["step"] + (part["longevity"] if rollup.longevity_pensionable else 0) \
            + (part["lump_sum"] if rollup.lump_sums_pensionable else 0)
        if keep is not None:
            base_rate = rate0 * frac * fte
            keep.setdefault("base", []).append(base_rate + part["gwi"] + part["step"])
            keep.setdefault("wages", []).append(base_wages + increase)
            keep.setdefault("pensionable", []).append(
                base_rate + (lon0 * frac * fte if rollup.longevity_pensionable else 0) + pensionable)
        for c, v in part.items():
            rows[c].append(float(v.sum()))
        rows["social_security"].append(
            SS_RATE_PCT / 100 * float((taxable_s - taxable_b).sum()) if rollup.social_security else 0.0)
        rows["medicare"].append(MEDICARE_RATE_PCT / 100 * float(increase.sum()) if rollup.medicare else 0.0)
        pens_sum = float(pensionable.sum())
        for name in rate_names:
            rows[name].append(rollup.rates[name] / 100 * pens_sum)
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
    who["lift"] = a1 != a0
    who["capped_years"] = capped
    who["lift_capped"] = bool(rollup.social_security and (np.maximum(a0, a1) > lift_cap).any())
    return per_period, lift, who
