"""The counter-proposal: GWI schedules that reach a target percentile at least cost, or fit a cap.

Percent units throughout (2.5 means 2.5%). The rules, each checked by hand in ``tests/test_solve.py``:

* **What is measured.** A title's pay is its top step on the market section's basis
  (:meth:`~wagebrief.analysis.market.MarketAnalysis.measure_for`: hourly where hours differ) at the
  end of the proposed contract. The comparators' pay then is the market analysis's projected pay
  (their settlements, then the forecast); the target is the P-th percentile of it
  (:func:`wagebrief.analysis.position.percentile`). A schedule's increases compound on the unit's
  pay the day before the contract starts, as the market outlook moves a scenario, so the unit's
  pay at the end is ``base * prod(1 + g / 100)`` and the lift needed is ``target / base - 1``.
  For the whole schedule every title must reach its target: the title furthest below binds.
* **Dates.** Increases take effect at each fiscal-year start of the term (the later of the
  fiscal-year start and the term start); with ``split``, also at mid-year (six months later).
* **Least cost is back-loading.** Every part of the cost (wages, steps on the raised rate, roll-up
  up to the wage base) is nondecreasing in each day's pay rate, so of two schedules with the same
  end lift the one whose rate is nowhere higher costs no more. The lowest rate path that reaches a
  lift fills the latest date first: one rise on the last date; with limits (``max_per_year`` on a
  fiscal year's compound increase, ``max_per_increase`` on any one increase) the last date up to
  its limit, then the one before, and so on. That greedy fill takes, for every day, the largest
  possible part of the lift after that day, so the rate on every day is the lowest possible.
* **Shapes compared.** ``back_loaded`` (the rule above), ``level`` (the same increase at every
  fiscal-year start) and, with ``split``, ``split`` (the same increase at every fiscal-year start
  and mid-year). Each is a monotone function of its size in hundredths of a percent.
* **Rounding.** Increases are in hundredths of a percent. A target is met by the smallest size of
  a shape whose end pay reaches it (within half a cent, the position tie rule); a cap by the
  largest that fits, so one hundredth more exceeds it. ``exact`` keeps the unrounded answer.
* **Cost.** The costing engine's total (wages and roll-up) per fiscal year
  (:func:`wagebrief.analysis.costing_engine._simulate`, run as :func:`~wagebrief.analysis.costing.cost_roster`
  runs it: the same figures to the cent), for the schedule plus the step movements of
  ``steps_from`` (default: the reference scenario), so it compares with the file's scenarios.
* **Caps.** ``cap``: the term's total cost is at most ``cap`` dollars. ``cap_pct``: a budget that
  lets the unit's payroll cost grow ``cap_pct`` percent a year, so fiscal year y of the term (1, 2,
  ...) may cost at most ``((1 + cap_pct / 100) ** y - 1)`` times the base payroll (the frozen
  roster's, as the costing's percent of payroll). The largest fitting size is
  found by a short monotone search (interpolation, then a neighbour probe; bisection when
  interpolation stalls).
* **Equal-cost timing.** For a schedule whose increases are at fiscal-year starts:
  ``mid_year`` moves each year's increase to mid-year, ``split`` keeps half of it at the start and
  puts the rest at mid-year, each sized so that every fiscal year costs the same to the cent. A
  year's cost depends only on increases up to its end, so they are sized year by year (a secant
  step or two: the cost is linear in a mid-year increase where no wage base binds). The end lift
  differs: that is what back-loading buys under a cap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis import disclosure
from wagebrief.analysis.costing_engine import _periods, _simulate, fiscal_years, payroll
from wagebrief.analysis.market import MarketAnalysis, analyse
from wagebrief.analysis.position import TIE_WITHIN, hourly, percentile
from wagebrief.analysis.projection import scenario_steps
from wagebrief.analysis.scenarios import resolve
from wagebrief.fiscal import fiscal_year_start
from wagebrief.inputs import gaps
from wagebrief.inputs import proposals as props
from wagebrief.inputs import roster as rosters
from wagebrief.inputs.proposals import Event, Proposals, Scenario
from wagebrief.inputs.settlements import PCT_RANGE

Increases = tuple[tuple[pd.Timestamp, float], ...]
#: The most one increase may be, in hundredths of a percent (the proposals file's gwi_pct range).
MAX_HUNDREDTHS = int(round(PCT_RANGE[1] * 100))


class SolveError(ValueError):
    """A solve cannot be asked as given (bad percentile, unknown title, no comparators); says why."""


@dataclass(frozen=True)
class Schedule:
    """One GWI schedule, what it costs per fiscal year and where it leaves each title at contract end."""

    key: str  #: "<question>:<shape>", e.g. "reach:back_loaded", "cap:level", "timing:mid_year"
    question: str  #: reach, cap, timing, or offer (a scenario of the proposals file)
    shape: str
    increases: Increases
    cost_by_year: dict[int, float]
    end_pay: dict[str, float]
    percentile: dict[str, float]
    meets_target: bool
    fits_cap: bool | None = None
    exact: Increases | None = None
    label: str = ""
    note: str = ""

    @property
    def term_cost(self) -> float:
        return float(sum(self.cost_by_year.values()))

    @property
    def lift_pct(self) -> float:
        """The compound increase over the term, percent."""
        return (_factor(self.increases) - 1) * 100

    def text(self, decimals: int = 2) -> str:
        """The increases as "2029-07-01 +3.50%; ..." (no increase: "none")."""
        return "; ".join(f"{d:%Y-%m-%d} {p:+.{decimals}f}%" for d, p in self.increases if p) or "none"


@dataclass
class Solution:
    """What :func:`solve` found: the question, the numbers it rests on, and the schedules."""

    unit: str
    name: str
    titles: list[str]
    measures: dict[str, str]
    target_percentile: float
    start: pd.Timestamp
    end: pd.Timestamp
    fiscal_years: list[int]
    base_pay: dict[str, float]  #: the unit's pay the day before the contract, per title (on its measure)
    target_pay: dict[str, float]  #: the comparators' target percentile at contract end
    comparators: dict[str, pd.Series]  #: jurisdiction -> pay at contract end, per title
    required_pct: dict[str, float]  #: the compound lift each title needs
    binding: str
    base_payroll: float
    employees: int
    reference: str
    steps_from: str | None
    cap: float | None
    cap_pct: float | None
    schedules: list[Schedule]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    suppressed: bool = False  #: costs hidden: the roster has fewer employees than the disclosure minimum

    @property
    def answer(self) -> Schedule:
        """The schedule that answers the question asked (the first of the main question)."""
        return self.schedules[0]

    def schedule(self, key: str) -> Schedule:
        """The schedule whose key is ``key``; KeyError naming the keys otherwise."""
        for s in self.schedules:
            if s.key == key:
                return s
        raise KeyError(f"no schedule {key!r}; schedules: {', '.join(s.key for s in self.schedules)}")

    def table(self) -> pd.DataFrame:
        """One row per schedule: increases, lift, cost per fiscal year and term, percentile per title."""
        rows = []
        for s in self.schedules:
            row: dict[str, Any] = {"schedule": s.key, "increases": s.text(4 if s.question == "timing" else 2),
                                   "lift_pct": s.lift_pct}
            for fy in self.fiscal_years:
                row[f"FY{fy}"] = np.nan if self.suppressed else s.cost_by_year.get(fy, 0.0)
            row["term_cost"] = np.nan if self.suppressed else s.term_cost
            for t in self.titles:
                row[f"percentile {t}"] = s.percentile.get(t, np.nan)
            row["meets_target"] = s.meets_target
            row["fits_cap"] = s.fits_cap
            rows.append(row)
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """Everything at full precision, JSON-ready (dates ISO). Aggregates only."""
        def inc(x: Increases | None) -> list[dict] | None:
            return None if x is None else [{"effective_date": f"{d:%Y-%m-%d}", "gwi_pct": p} for d, p in x]
        return {
            "unit": self.unit, "synthetic": self.synthetic, "titles": self.titles, "measures": self.measures,
            "target_percentile": self.target_percentile, "term_start": f"{self.start:%Y-%m-%d}",
            "term_end": f"{self.end:%Y-%m-%d}", "fiscal_years": self.fiscal_years, "base_pay": self.base_pay,
            "target_pay": self.target_pay, "required_pct": self.required_pct, "binding_title": self.binding,
            "comparators": {t: {k: float(v) for k, v in s.items()} for t, s in self.comparators.items()},
            "reference_scenario": self.reference, "steps_from": self.steps_from, "cap": self.cap,
            "cap_pct": self.cap_pct, "costs_suppressed": self.suppressed,
            "schedules": [{"key": s.key, "question": s.question, "shape": s.shape, "increases": inc(s.increases),
                           "exact": inc(s.exact), "lift_pct": s.lift_pct,
                           "cost_by_year": None if self.suppressed else {str(k): v for k, v in s.cost_by_year.items()},
                           "term_cost": None if self.suppressed else s.term_cost, "end_pay": s.end_pay,
                           "percentile": s.percentile, "meets_target": s.meets_target, "fits_cap": s.fits_cap,
                           "note": s.note} for s in self.schedules],
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- arithmetic

def _factor(increases: Increases) -> float:
    return float(np.prod([1 + p / 100 for _, p in increases])) if increases else 1.0


def percentile_reached(value: float, comparators: Sequence[float] | pd.Series) -> float:
    """The percentile ``value`` stands at among ``comparators``: the inverse of
    :func:`~wagebrief.analysis.position.percentile` (linear), the highest P whose percentile is at
    most ``value`` (pay within half a cent counts as reached). 0 at or below the lowest, 100 at or
    above the highest; NaN with no comparators."""
    v = np.sort(pd.Series(comparators, dtype=float).dropna().to_numpy())
    if not v.size or not math.isfinite(value):
        return float("nan")
    x = value + TIE_WITHIN
    if x >= v[-1]:
        return 100.0
    if x < v[0] or v.size == 1:
        return 0.0
    k = int(np.searchsorted(v, x, side="right")) - 1  # v[k] <= x < v[k + 1]
    frac = 1.0 if value >= v[k + 1] else max(0.0, (value - v[k]) / (v[k + 1] - v[k]))
    return float(min(100.0, 100 * (k + frac) / (v.size - 1)))


def _dates(prop: Proposals, split: bool) -> list[tuple[pd.Timestamp, int, str]]:
    """The dates an increase may take: (date, fiscal year, "start" or "mid"), in order."""
    out = []
    fys = fiscal_years(prop)
    for fy, s in zip(fys, fiscal_year_start(fys, prop.fy_start_month)):
        d = max(pd.Timestamp(s), prop.term_start)
        if d <= prop.term_end:
            out.append((d, fy, "start"))
        m = pd.Timestamp(s) + pd.DateOffset(months=6)
        if split and prop.term_start < m <= prop.term_end and m > d:
            out.append((m, fy, "mid"))
    return out


@dataclass(frozen=True)
class _Shape:
    """A family of schedules: size k (hundredths of a percent) -> increases, nondecreasing in k."""

    name: str
    dates: list[tuple[pd.Timestamp, int, str]]
    per_increase: int  #: hundredths
    per_year: float | None  #: percent, a fiscal year's compound increase

    def room(self, fy: int, given: dict[int, float]) -> int:
        """Hundredths one more increase in ``fy`` may have, after ``given[fy]`` (a factor) there."""
        if self.per_year is None:
            return self.per_increase
        left = (1 + self.per_year / 100) / given.get(fy, 1.0) - 1
        return max(0, min(self.per_increase, int(math.floor(left * 10_000 + 1e-6))))

    def __call__(self, k: int) -> Increases:
        if self.name == "back_loaded":
            got: dict[int, float] = {}
            out: list[tuple[pd.Timestamp, float]] = []
            for d, fy, _ in reversed(self.dates):  # fill the latest date first
                take = min(k, self.room(fy, got))
                k -= take
                got[fy] = got.get(fy, 1.0) * (1 + take / 10_000)
                out.append((d, take / 100))
            return tuple(sorted(out))
        return tuple((d, min(k, self.k_max) / 100) for d, _, _ in self.dates)

    @property
    def k_max(self) -> int:
        """The largest size within the limits."""
        if self.name == "back_loaded":
            return int(round(sum(100 * p for _, p in self._full())))  # whole hundredths: the search steps by one
        per_fy = max(sum(1 for _, f, _ in self.dates if f == fy) for fy in {f for _, f, _ in self.dates})
        k = self.per_increase
        if self.per_year is not None:
            k = min(k, int(math.floor(((1 + self.per_year / 100) ** (1 / per_fy) - 1) * 10_000 + 1e-6)))
        return k

    def _full(self) -> Increases:
        return _Shape("back_loaded", self.dates, self.per_increase, self.per_year)(10**9)

    def exact(self, factor: float) -> Increases:
        """The unrounded increases of this shape whose compound is ``factor`` (within the limits)."""
        if self.name != "back_loaded":
            g = (factor ** (1 / len(self.dates)) - 1) * 100 if factor > 1 else 0.0
            return tuple((d, g) for d, _, _ in self.dates)
        got: dict[int, float] = {}
        out = []
        acc = 1.0
        for d, fy, _ in reversed(self.dates):
            room = self.room(fy, got) / 10_000
            take = min(room, max(0.0, factor / acc - 1))
            acc *= 1 + take
            got[fy] = got.get(fy, 1.0) * (1 + take)
            out.append((d, take * 100))
        return tuple(sorted(out))


def _smallest(ok: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """The smallest k in [lo, hi] with ``ok(k)`` (``ok`` monotone), or None: bisection."""
    if not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid + 1, hi)
    return lo


def largest_fitting(excess: Callable[[int], float], lo: int, hi: int) -> int | None:
    """The largest k in [lo, hi] with ``excess(k) <= 0`` (``excess`` nondecreasing), or None.

    Interpolates the root of ``excess`` and probes the neighbour across it, so a near-linear cost
    takes a few evaluations; when a step shrinks the bracket by less than half, the next bisects.
    """
    e_lo = excess(lo)
    if e_lo > 0:
        return None
    e_hi = excess(hi)
    if e_hi <= 0:
        return hi
    bisect = False
    while hi - lo > 1:
        width = hi - lo
        k = (lo + hi) // 2 if bisect or e_hi == e_lo else lo + int(-e_lo / (e_hi - e_lo) * width)
        k = min(max(k, lo + 1), hi - 1)
        e = excess(k)
        if e <= 0:
            lo, e_lo = k, e
            if hi - lo > 1 and (e2 := excess(k + 1)) > 0:
                hi, e_hi = k + 1, e2
        else:
            hi, e_hi = k, e
            if hi - lo > 1 and (e2 := excess(k - 1)) <= 0:
                lo, e_lo = k - 1, e2
        bisect = hi - lo > width / 2
    return lo


# --------------------------------------------------------------------------- costs

class Pricer:
    """Costs GWI schedules on the unit's roster: total cost (wages and roll-up) per fiscal year.

    The engine run exactly as :func:`~wagebrief.analysis.costing.cost_roster` runs it for a
    scenario (same periods, wage bases and roll-up), with ``fixed`` (step movements) added to
    every schedule. Results are cached by schedule.
    """

    def __init__(self, roster: pd.DataFrame, prop: Proposals, fixed: Sequence[Event] = ()) -> None:
        self.roster, self.prop, self.fixed = roster, prop, list(fixed)
        self.pay = payroll(roster, prop)  # the roster read once for every schedule priced
        periods = _periods(prop)
        lift_year = (prop.term_end + pd.Timedelta(days=1)).year
        wb = props.wage_bases(sorted(set(periods["year"]) | {lift_year}), prop.wage_base_overrides)
        by_year = wb.set_index("year")["wage_base"]
        self.periods = periods.reset_index(drop=True)
        self.caps = self.periods["year"].map(by_year).to_numpy(float)
        self.lift_cap = float(by_year[lift_year])
        self.rate_names = list(prop.rollup.rates)
        costed = self.periods["costed"].to_numpy()
        self._costed, self._fy = costed, self.periods.loc[costed, "fiscal_year"].to_numpy()
        self._cache: dict[tuple, np.ndarray] = {}
        self.fiscal_years = fiscal_years(prop)
        self.calls = 0

    def events(self, increases: Increases) -> list[Event]:
        """The schedule as scenario events: the fixed ones, then one gwi_pct per non-zero increase."""
        return self.fixed + [Event(d, "gwi_pct", float(p)) for d, p in increases if p]

    def run(self, events: Sequence[Event]) -> np.ndarray:
        """Total cost per fiscal year of the term (in ``prop.fiscal_years`` order) of any events."""
        key = tuple((e.effective_date, e.kind, e.value, e.timing) for e in events)
        if key not in self._cache:
            self.calls += 1
            per_period, _, _ = _simulate(self.pay, list(events), self.prop, self.periods, self.caps,
                                         self.lift_cap, self.rate_names)
            total = per_period[self._costed].sum(axis=1).groupby(self._fy).sum()
            self._cache[key] = total.reindex(self.fiscal_years, fill_value=0.0).to_numpy(float)
        return self._cache[key]

    def __call__(self, increases: Increases) -> np.ndarray:
        return self.run(self.events(increases))


# --------------------------------------------------------------------------- the unit's side

def _unit_base(ma: MarketAnalysis, title: str, measure: str) -> float:
    """The unit's pay on ``measure`` the day before the contract: a scenario's end pay with its
    increases undone in reverse (exactly as the outlook applied them)."""
    u = ma.projected[ma.projected["role"].eq("unit") & ma.projected["benchmark_title"].eq(title)]
    if u.empty:
        raise SolveError(f"{ma.unit.unit} has no {title} schedule to move to the end of the contract")
    r = u.iloc[0]
    steps = scenario_steps(ma.scenarios[r["scenario"]])
    steps = steps[(steps["date"] >= ma.start) & (steps["date"] <= ma.end)]
    top = float(r["max_salary"])
    for kind, pct, amount in reversed(list(zip(steps["kind"], steps["pct"], steps["amount"]))):
        top = top - amount if kind == "flat" else top / (1 + pct / 100)
    return float(hourly(top, float(r["hours_per_week"]))) if measure.endswith("_hourly") else top


def _comparators_at_end(ma: MarketAnalysis, title: str, measure: str) -> pd.Series:
    c = ma.projected[ma.projected["role"].eq("comparator") & ma.projected["benchmark_title"].eq(title)]
    return pd.Series(c[measure].astype(float).to_numpy(), index=c["jurisdiction"].to_numpy()).dropna()


# --------------------------------------------------------------------------- the solve

def solve(unit, *, target_percentile: float | None = None, title: str | None = None, cap: float | None = None,
          cap_pct: float | None = None, split: bool = False, max_per_year: float | None = None,
          max_per_increase: float | None = None, steps_from: str | None = "reference",
          root: str | Path | None = None, market: MarketAnalysis | None = None, timing: bool = True,
          **analyse_kwargs: Any) -> Solution:
    """Reach ``target_percentile`` at least cost, or fit ``cap`` / ``cap_pct`` (see the module docstring).

    ``unit`` is a unit id or a Unit; ``title`` one of its benchmark titles (default: the whole
    schedule). With a cap and no target the target is the median. ``market`` (a
    :class:`MarketAnalysis` of the same unit) saves running the market analysis;
    ``analyse_kwargs`` go to :func:`~wagebrief.analysis.market.analyse` otherwise (here
    ``reuse_forecast`` defaults to True, see :mod:`wagebrief.analysis.forecast_store`, and
    ``outlook`` and ``score_comparables`` to False).
    ``steps_from`` names the scenario whose step movements every schedule carries ("reference":
    the file's reference scenario; None: none). ``timing`` adds the equal-cost timing alternatives.
    Raises :class:`SolveError` for a question that cannot be asked.
    """
    if target_percentile is None and cap is None and cap_pct is None:
        raise SolveError("give a target percentile, a cap in dollars or a cap in percent of payroll a year")
    notes: list[str] = []
    if target_percentile is None:
        target_percentile = 50.0
        notes.append("No target percentile was given: each capped schedule is measured against the median.")
    p = float(target_percentile)
    if not (0 <= p <= 100) or math.isnan(p):
        raise SolveError(f"target percentile {target_percentile:g} is outside 0..100")
    for name, v, hi in (("cap", cap, None), ("cap_pct", cap_pct, 100.0), ("max_per_year", max_per_year, PCT_RANGE[1]),
                        ("max_per_increase", max_per_increase, PCT_RANGE[1])):
        if v is not None and (not math.isfinite(v) or v < 0 or (hi is not None and v > hi)):
            raise SolveError(f"{name} {v:g} must be a number from 0" + (f" to {hi:g}" if hi is not None else ""))
    if isinstance(unit, (str, Path)):
        u, warn = gaps.load_unit(unit, root=root)
        notes += warn
    else:
        u = unit
    prop = props.load(u, root)
    roster = rosters.load(rosters.roster_path(u.unit, root), top_step=prop.steps.top_step if prop.steps else None,
                          as_of=prop.roster_as_of, longevity=prop.longevity is not None)
    # Only what the solve reads: no comparables scoring, no outlook table, and the forecast kept from an
    # earlier run of the same inputs (the models' imports alone outlast the answer).
    ma = market if market is not None else analyse(u, root=root, **{"score_comparables": False, "reuse_forecast": True,
                                                                     "outlook": False, **analyse_kwargs})
    if all(k in ma.scenarios for k in prop.scenarios):  # the market resolved them as the costing does
        resolved = {k: ma.scenarios[k] for k in prop.scenarios}
    else:
        resolved, res_notes = resolve(prop, u, events=analyse_kwargs.get("events"), root=root)
        notes += res_notes
    if (ma.start, ma.end) != (prop.term_start, prop.term_end):
        notes.append(f"The market analysis measures the contract {ma.start:%Y-%m-%d} to {ma.end:%Y-%m-%d}; the "
                     f"costing's term is {prop.term_start:%Y-%m-%d} to {prop.term_end:%Y-%m-%d}.")
    titles = list(ma.titles)
    if title is not None:
        if title not in titles:
            raise SolveError(f"{title!r} is not a benchmark title of {u.unit}; titles: {', '.join(titles) or 'none'}")
        titles = [title]

    measures, base, target, comps, need = {}, {}, {}, {}, {}
    for t in titles:
        m = ma.measure_for(t)
        c = _comparators_at_end(ma, t, m)
        if c.empty:
            notes.append(f"{t}: no comparator pay at the end of the contract; left out of the solve.")
            continue
        measures[t], comps[t], base[t] = m, c, _unit_base(ma, t, m)
        target[t] = percentile(c, p)
        need[t] = (target[t] / base[t] - 1) * 100
    if not need:
        raise SolveError(f"{u.unit}: no title has comparator pay at the end of the contract")
    titles = list(need)
    binding = max(titles, key=lambda t: need[t])
    factor = max(1.0, 1 + need[binding] / 100)

    ref = prop.reference if steps_from == "reference" else steps_from
    if ref is not None and ref not in resolved:
        raise SolveError(f"steps_from: {ref!r} is not a scenario of {prop.where}; scenarios: {', '.join(resolved)}")
    fixed = [e for e in resolved[ref].events if e.kind == "step_movement"] if ref else []
    price = Pricer(roster, prop, fixed)
    dates = _dates(prop, split)
    per_inc = MAX_HUNDREDTHS if max_per_increase is None else int(round(max_per_increase * 100))
    shapes = [_Shape("back_loaded", dates, per_inc, max_per_year), _Shape("level", [d for d in dates if d[2] == "start"],
                                                                        per_inc, max_per_year)]
    if split:
        shapes.append(_Shape("split", dates, per_inc, max_per_year))
    payroll = float((roster["annual_base_salary"] * roster["fte"]).sum())
    fys = fiscal_years(prop)
    # A budget letting payroll cost grow cap_pct a year: fiscal year y of the term may cost ((1 + P)^y - 1) x payroll.
    caps = np.array([((1 + cap_pct / 100) ** (i + 1) - 1) * payroll if cap_pct is not None else np.inf
                     for i in range(len(fys))])

    def fits(cost: np.ndarray) -> bool | None:
        if cap is None and cap_pct is None:
            return None
        return bool((cap is None or cost.sum() <= cap) and (cost <= caps).all())

    def make(key: str, question: str, shape: str, inc: Increases, exact: Increases | None = None,
             label: str = "", note: str = "", events: Sequence[Event] | None = None) -> Schedule:
        cost = price.run(events) if events is not None else price(inc)
        f = _factor(inc)
        end = {t: base[t] * f for t in titles}
        reached = {t: percentile_reached(end[t], comps[t]) for t in titles}
        meets = all(end[t] >= target[t] - TIE_WITHIN for t in titles)
        return Schedule(key, question, shape, inc, dict(zip(fys, map(float, cost))), end, reached, meets, fits(cost),
                        exact, label, note)

    reach = []
    for sh in shapes:
        k = _smallest(lambda k: all(base[t] * _factor(sh(k)) >= target[t] - TIE_WITHIN for t in titles), 0, sh.k_max)
        if k is None:
            reach.append(make(f"reach:{sh.name}", "reach", sh.name, sh(sh.k_max),
                              note="cannot reach the target within the limits: the most they allow"))
        else:
            reach.append(make(f"reach:{sh.name}", "reach", sh.name, sh(k), exact=sh.exact(factor)))
    fit = []
    if cap is not None or cap_pct is not None:
        cap_total = cap if cap is not None else math.inf
        for sh in shapes:
            def excess(k: int, sh: _Shape = sh) -> float:
                c = price(sh(k))
                return float(max(c.sum() - cap_total, (c - caps).max()))
            k = largest_fitting(excess, 0, sh.k_max)
            if k is None:
                fit.append(make(f"cap:{sh.name}", "cap", sh.name, sh(0),
                                note="even no increase exceeds the cap (the step movements and longevity alone)"))
            else:
                fit.append(make(f"cap:{sh.name}", "cap", sh.name, sh(k),
                                note="" if k < sh.k_max else "the cap does not bind within the limits"))
        # The cap's answer: the fitting schedule that gets furthest toward the target, then the cheapest.
        fit.sort(key=lambda s: (not s.fits_cap, -min(s.end_pay[t] / target[t] for t in titles), s.term_cost))
        main = fit + reach
    else:
        main = reach
    schedules = list(main)
    if timing:
        limit = min(x for x in (PCT_RANGE[1], max_per_year, max_per_increase) if x is not None)
        schedules += _timing(main[0], price, dates if split else _dates(prop, True), make, limit)
    for name, sc in resolved.items():
        inc = tuple((d, v) for d, k, v in sc.increases if k == "pct")
        if len(inc) == len(sc.increases):  # a flat raise is not a percent schedule: left out of the comparison
            schedules.append(make(f"offer:{name}", "offer", "file", inc, label=sc.label, events=list(sc.events)))
    if max_per_year is None and max_per_increase is None and any(s.question == "reach" for s in main):
        notes.append("Least cost puts the whole rise on the latest date (up to the "
                     f"{PCT_RANGE[1]:g}% one increase may be); a limit a year (max_per_year) spreads it, filling "
                     "the latest years first.")
    if max(need.values()) <= 0:
        notes.append(f"Every title is at or above percentile {p:g} already: no increase is needed to reach it.")
    small = disclosure.too_few(len(roster))
    if small:
        notes.append(disclosure.reason())
    notes.append(f"Costs are the costing's (wages and roll-up, by fiscal year), each schedule carrying "
                 + (f"the {ref} scenario's step movements." if ref else "no step movements."))
    return Solution(u.unit, u.name, titles, measures, p, ma.start, ma.end, fys, base, target, comps, need, binding,
                    payroll, len(roster), prop.reference, ref, cap, cap_pct, schedules, notes + list(ma.notes),
                    bool(u.synthetic or prop.synthetic or ma.synthetic), small)


def _timing(base: Schedule, price: Pricer, dates: list[tuple[pd.Timestamp, int, str]],
            make: Callable[..., Schedule], limit: float = PCT_RANGE[1]) -> list[Schedule]:
    """Equal-cost timing alternatives of ``base`` (increases at fiscal-year starts only; see the module docstring).

    They keep the costs, not the limits: an increase over ``limit`` percent is named in the note.
    """
    mids = {fy: d for d, fy, kind in dates if kind == "mid"}
    starts = {d: fy for d, fy, kind in dates if kind == "start"}
    if not mids or not any(p for _, p in base.increases) or any(d not in starts for d, p in base.increases if p):
        return []
    target = np.array(list(base.cost_by_year.values()))
    fys = list(base.cost_by_year)
    out = []
    for shape, keep in (("mid_year", 0.0), ("split", 0.5)):
        inc: list[tuple[pd.Timestamp, float]] = []
        for d, g in base.increases:
            fy = starts[d]
            if keep and g:
                inc.append((d, g * keep))
            if fy not in mids or not g:
                if not keep and g:
                    inc.append((d, g))  # no mid-year date in the term for this year: left at its start
                continue
            i = fys.index(fy)

            def gap(b: float) -> float:
                return float(price(tuple(sorted(inc + [(mids[fy], b)])))[i] - target[i])
            b0, b1 = 0.0, g * 2 * (1 - keep) + 1e-3
            e0, e1 = gap(b0), gap(b1)
            for _ in range(8):  # secant: linear where no wage base binds, so one or two steps
                if abs(e1) < 1e-6 or e1 == e0:
                    break
                b0, b1, e0 = b1, b1 - e1 * (b1 - b0) / (e1 - e0), e1
                e1 = gap(b1)
            inc.append((mids[fy], b1))
        inc_t = tuple(sorted(inc))
        over = any(p > limit for _, p in inc_t)
        out.append(make(f"timing:{shape}", "timing", shape, inc_t,
                        note=f"the same cost as {base.key} in every fiscal year"
                        + (f"; an increase is over the {limit:g}% limit" if over else "")))
    return out
