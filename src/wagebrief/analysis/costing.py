"""Costing each side's proposal on the unit's own payroll.

Inputs are the unit's roster (:mod:`wagebrief.inputs.roster`) and its proposals file
(:mod:`wagebrief.inputs.proposals`). Everything is computed in floating point over all employees at
once (numpy arrays, one pass per event rank and per pay period; nothing walks day by day) and is
rounded only when presented.

Conventions
-----------
* **Term and fiscal years.** The term is ``term_start``..``term_end`` from the proposals file, or
  by default the first day of ``cycle_year``'s fiscal-year start month for ``term_years`` years
  (cycle_year 2027, July start, 3 years: 2027-07-01 to 2030-06-30). A fiscal year is named by the
  calendar year it ends in (:func:`wagebrief.fiscal.fiscal_year`), so that term is FY2028-FY2030.
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
  base (SSA's published bases, package data ``data/ss_wage_base.csv``; an unpublished year takes
  the proposals file's ``social_security_wage_base`` if set, else the last published base grown
  at the average rate of the last ten published years, rounded to $300
  (:func:`wagebrief.inputs.proposals.wage_bases`); the notes name the projected years, the rate
  and the years where the base binds). Fiscal years straddle two
  calendar years, so wages are split at 1 January and capped on each employee's calendar-year
  cumulative wages, starting from 1 January before the first costed fiscal year (those first
  months are paid at roster rates). The roll-up cost is scenario tax - baseline tax. Medicare is
  1.45% of all wages, uncapped. Each ``rates`` entry is an employer percent of pensionable pay
  (base, plus longevity and lump sums as set).
* **Comparator pattern.** A ``derive: comparator_median`` scenario gets, for each fiscal year of
  the term, a GWI of the comparator pattern for that fiscal year
  (:func:`wagebrief.analysis.scenarios.comparator_pattern`, defined in
  :func:`wagebrief.analysis.metrics.comparator_pattern`: a provisional year, or one past the last
  settled, takes the latest full year's median), effective on the fiscal-year start (or the
  term start, if later) -- not on the management scenario's dates. ``steps_from`` copies
  another scenario's step movements.
* **Reported measures.** ``total_cost`` = wage increase + roll-up; cumulative over the term;
  per employee (headcount); as a percent of base payroll (the frozen roster's pay for the
  year, or for the term). ``cost_of_1pct``: what a 1% GWI on the frozen roster from the first
  day of the first costed fiscal year adds, roll-up included (longevity tiers reached anyway
  are not part of it). ``cost_of_1pct_on_scenario``: the same 1% from each fiscal year's start
  on that scenario's payroll, in that year only; ``one_time_cost``: the lump sums and the roll-up
  they add, ``recurring_cost`` the rest (both in :mod:`wagebrief.analysis.costing_measures`).
  ``end_of_term_lift``: the annual pay and roll-up added by the scenario
  as it stands on ``term_end`` (the wage base of the following calendar year caps it), set
  against the term's cost. Lump sums add no lift. Differences are against
  ``reference_scenario``, in dollars and as a percent of its cost.
* **Rounding.** Only at presentation (:func:`table`): each fiscal year's total is its exact
  total rounded to the cent, and its components are rounded by largest remainder so they add up
  to it; term rows and cumulative costs are sums of the displayed years. JSON output is full
  precision. Reports show aggregates only, never an employee id or an individual salary.

Health-premium shares, pension contributions, stipends, paid hours, holidays, longevity
changes and retroactive pay are costed by :mod:`wagebrief.analysis.costing_items` (a column each
in ``by_year`` and ``table``, only when the proposals have them; ``items_cost`` their sum) and
tabled by item by :mod:`wagebrief.analysis.costing_by_item`. The brief's words, display tables
and chart made from these numbers are in :mod:`wagebrief.brief.costing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.analysis import disclosure
from wagebrief.analysis.costing_engine import WAGE_PARTS, _periods, _simulate, fiscal_years, payroll
from wagebrief.analysis.costing_items import ItemCosts, add_to_by_year, cost_items, has_items, item_notes, json_frames
from wagebrief.analysis.costing_measures import cost_of_1pct_by_scenario, one_time_costs, year_totals
from wagebrief.analysis.costing_notes import costing_notes
from wagebrief.analysis.scenarios import resolve
from wagebrief.config import paths
from wagebrief.fiscal import fiscal_year_start
from wagebrief.inputs import gaps
from wagebrief.inputs import proposals as props
from wagebrief.inputs import roster as rosters
from wagebrief.inputs.proposals import Event, Proposals, Scenario
from wagebrief.inputs.settlements import PCT_RANGE


@dataclass
class Costing:
    """What :func:`cost_roster` computes, at full precision."""

    unit: str
    proposals: Proposals
    scenarios: dict[str, Scenario]
    by_year: pd.DataFrame  #: one row per scenario x fiscal year
    summary: pd.DataFrame  #: one row per scenario, over the term
    cost_of_1pct: pd.DataFrame  #: fiscal_year, wages, rollup, total (on the frozen roster)
    wage_bases: pd.DataFrame  #: calendar year, wage_base, basis
    rate_names: list[str]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    name: str = ""
    roster_path: str = ""
    #: employees each figure is computed from: scenario x fiscal year (and "Term"), per component
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the fewest employees a presented figure may be computed from (see :mod:`wagebrief.analysis.disclosure`)
    min_group: int = disclosure.DEFAULT_MIN_GROUP_SIZE
    #: scenario, fiscal_year, wages, rollup, total: a 1% GWI from each fiscal year's start on the scenario's payroll
    cost_of_1pct_scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the non-wage items (health, pension contribution, hours, stipends, holidays) and retro, when any is costed
    items: ItemCosts | None = None

    @property
    def item_parts(self) -> list[str]:
        """The item columns of ``by_year`` (none when the proposals cost wages only)."""
        return list(self.items.items) if self.items is not None else []

    @property
    def employees(self) -> int:
        return int(self.by_year["employees"].iloc[0]) if len(self.by_year) else 0

    @property
    def reference(self) -> str:
        return self.proposals.reference

    @property
    def fiscal_years(self) -> list[int]:
        return fiscal_years(self.proposals)

    @property
    def rollup_parts(self) -> list[str]:
        r = self.proposals.rollup
        return (["social_security"] if r.social_security else []) + (["medicare"] if r.medicare else []) + self.rate_names


def cost_roster(roster: pd.DataFrame, prop: Proposals, scenarios: dict[str, Scenario] | None = None, *,
                unit: str | None = None, min_group: int | None = None) -> Costing:
    """Cost every scenario on a validated, typed roster (see the module docstring).

    ``min_group`` (default: the ``WAGEBRIEF_MIN_GROUP_SIZE`` setting, 5) is the fewest employees
    a presented figure may come from; the full-precision frames keep every figure.
    """
    scenarios = scenarios if scenarios is not None else prop.scenarios
    unresolved = [n for n, s in scenarios.items() if (s.derive or s.steps_from) and not s.resolved]
    if unresolved:
        raise ValueError(f"resolve scenario(s) {', '.join(unresolved)} first (wagebrief.analysis.scenarios.resolve)")
    periods = _periods(prop)
    lift_year = (prop.term_end + pd.Timedelta(days=1)).year
    wb = props.wage_bases(sorted(set(periods["year"]) | {lift_year}), prop.wage_base_overrides)
    cap_by_year = wb.set_index("year")["wage_base"]
    caps = periods["year"].map(cap_by_year).to_numpy(float)
    periods = periods.reset_index(drop=True)
    rate_names = list(prop.rollup.rates)
    fys = fiscal_years(prop)
    pay = payroll(roster, prop)  # the roster read once for every run below
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
    one, _, _ = _simulate(pay, [Event(win0, "gwi_pct", 1.0)], prop, periods, caps, cap_by_year[lift_year], rate_names)
    zero, _, _ = _simulate(pay, [], prop, periods, caps, cap_by_year[lift_year], rate_names)
    one = per_year(one) - per_year(zero)
    roll_cols = [c for c in one.columns if c not in WAGE_PARTS]
    c1 = pd.DataFrame({"fiscal_year": fys, "wages": one[WAGE_PARTS].sum(axis=1).to_numpy(),
                       "rollup": one[roll_cols].sum(axis=1).to_numpy()})
    c1["total"] = c1["wages"] + c1["rollup"]
    ic = cost_items(roster, prop, scenarios, periods, cap_by_year, cap_by_year[lift_year], rate_names, pay=pay) \
        if has_items(prop, scenarios) else None
    item_cols = list(ic.items) if ic is not None else []
    counts = []
    binds: set[int] = set()  # calendar years whose wage base changes some scenario's cost
    plain: dict[str, pd.DataFrame] = {}  # each scenario's totals by year, for its cost of 1%
    for name, s in scenarios.items():
        per_period, lift, who = _simulate(pay, list(s.events), prop, periods, caps, cap_by_year[lift_year], rate_names)
        plain[name] = year_totals(per_period, periods, fys)
        counts += _counts(name, who, fys, n, {fy: ic.who.get((name, fy), {}) for fy in fys} if ic else None)
        binds |= who["capped_years"] | ({lift_year} if who["lift_capped"] else set())
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
    wage_total = by_year[WAGE_PARTS].sum(axis=1) + by_year[roll].sum(axis=1)  # one-time costs are wage events'
    if ic is not None:
        by_year = add_to_by_year(by_year, ic, roll)
    by_year["wage_cost"] = by_year[WAGE_PARTS].sum(axis=1)
    by_year["rollup"] = by_year[roll].sum(axis=1)
    by_year["total_cost"] = by_year["wage_cost"] + by_year["rollup"]
    if ic is not None:
        by_year["items_cost"] = by_year[item_cols].sum(axis=1)
        by_year["total_cost"] = by_year["total_cost"] + by_year["items_cost"]
    by_year["cumulative_cost"] = by_year.groupby("scenario", sort=False)["total_cost"].cumsum()
    by_year["cost_per_employee"] = by_year["total_cost"] / n
    by_year["pct_of_base_payroll"] = by_year["total_cost"] / by_year["base_payroll"] * 100
    ref = by_year.loc[by_year["scenario"] == prop.reference].set_index("fiscal_year")["total_cost"]
    ref_total = by_year["fiscal_year"].map(ref)
    by_year["difference"] = by_year["total_cost"] - ref_total
    by_year["difference_pct"] = by_year["difference"] / ref_total.where(ref_total != 0) * 100
    by_year["cost_of_1pct"] = by_year["fiscal_year"].map(c1.set_index("fiscal_year")["total"])
    lift_cap = cap_by_year[lift_year]
    c1s = cost_of_1pct_by_scenario(pay, prop, scenarios, periods, caps, lift_cap, rate_names, plain)
    by_year = by_year.merge(c1s[["scenario", "fiscal_year", "total"]].rename(columns={"total": "cost_of_1pct_on_scenario"}),
                            on=["scenario", "fiscal_year"], how="left")
    once = one_time_costs(pay, prop, scenarios, periods, caps, lift_cap, rate_names,
                          by_year.assign(total_cost=wage_total) if ic is not None else by_year)
    by_year = by_year.merge(once, on=["scenario", "fiscal_year"], how="left")
    if ic is not None:  # the items recur: only lump sums are one-time
        by_year["recurring_cost"] = by_year["total_cost"] - by_year["one_time_cost"]
    money = ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + (item_cols + ["items_cost"] if ic else []) + roll + [
        "rollup", "total_cost"]
    by_year = by_year[["scenario", "label", "fiscal_year", "employees", "fte"] + money + [
        "recurring_cost", "one_time_cost", "cumulative_cost", "cost_per_employee", "pct_of_base_payroll",
        "difference", "difference_pct", "cost_of_1pct", "cost_of_1pct_on_scenario"]]

    summary = by_year.groupby("scenario", sort=False)[money + ["recurring_cost", "one_time_cost"]].sum().reset_index()
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
                   cost_of_1pct=c1, wage_bases=wb, rate_names=rate_names,
                   notes=costing_notes(prop, wb, roster, binds) + (item_notes(prop, ic) if ic else []),
                   counts=pd.DataFrame(counts), cost_of_1pct_scenarios=c1s, items=ic,
                   min_group=disclosure.min_group_size() if min_group is None else int(min_group))


def _counts(scenario: str, who: dict, fys: list[int], n: int, items: dict | None = None) -> list[dict]:
    """Employees each figure of one scenario is computed from, per fiscal year and over the term
    (``items``: fiscal year -> item -> employees with a share, from :mod:`wagebrief.analysis.costing_items`)."""
    none = np.zeros(n, bool)
    parts = WAGE_PARTS + (list(next(iter(items.values()), {})) if items else [])
    rows, term = [], {c: none.copy() for c in parts}
    for fy in fys:
        acc = {**who.get(fy, {c: none for c in WAGE_PARTS}), **(items.get(fy, {}) if items else {})}
        rows.append({"scenario": scenario, "fiscal_year": fy, **{c: int(acc[c].sum()) for c in parts},
                     "any": int(np.logical_or.reduce([acc[c] for c in parts]).sum()), "lift": n})
        for c in parts:
            term[c] |= acc[c]
    rows.append({"scenario": scenario, "fiscal_year": "Term", **{c: int(term[c].sum()) for c in parts},
                 "any": int(np.logical_or.reduce(list(term.values())).sum()), "lift": int(who["lift"].sum())})
    return rows


# --------------------------------------------------------------------------- the whole unit

def cost_unit(unit, root: str | Path | None = None, *, events: pd.DataFrame | None = None) -> Costing:
    """Load the unit, its proposals and its roster, and cost every scenario.

    Raises :class:`wagebrief.inputs.roster.RosterError` (every bad row listed) when the roster has any
    problem, :class:`wagebrief.inputs.proposals.ProposalError` for a bad proposals file.
    """
    return _cost_loaded(_load(unit, root, events), root)


def whatif_scenario(prop: Proposals, gwi_pct: Mapping[int | str, float], *,
                    lump_sum: Mapping[int | str, float] | None = None, steps_from: str | None = None,
                    name: str = "what_if", label: str = "What-if scenario") -> Scenario:
    """A scenario of one GWI (and lump sum) per fiscal year, with ``steps_from``'s step movements.

    ``gwi_pct`` and ``lump_sum`` map a fiscal year of the term (2028, "2028" or "FY2028") to a
    percent and to dollars per full-time employee. Each takes effect on the later of the fiscal
    year's start and the term start, as a ``derive: comparator_median`` scenario's GWIs do.
    Raises ValueError for a year outside the term or a percent outside the settlement range.
    """
    fys = fiscal_years(prop)
    starts = dict(zip(fys, fiscal_year_start(fys, prop.fy_start_month)))

    def on(year: int | str) -> pd.Timestamp:
        fy = int(str(year).upper().removeprefix("FY"))
        if fy not in starts:
            raise ValueError(f"FY{fy} is not a fiscal year of the term (FY{fys[0]}-FY{fys[-1]})")
        return max(pd.Timestamp(starts[fy]), prop.term_start)

    lo, hi = PCT_RANGE
    out = [e for e in prop.scenarios[steps_from].events if e.kind == "step_movement"] if steps_from else []
    for year, pct in gwi_pct.items():
        if not lo <= float(pct) <= hi:
            raise ValueError(f"a GWI of {pct}% for {year} is outside {lo:g}..{hi:g}%")
        out.append(Event(on(year), "gwi_pct", float(pct)))
    for year, dollars in (lump_sum or {}).items():
        out.append(Event(on(year), "lump_sum", float(dollars)))
    # The engine orders a day's events itself (steps, GWIs, lump sums); by date, the list reads as a file would.
    out.sort(key=lambda e: e.effective_date)
    phrase = f"the {label[:1].lower() + label[1:]}"
    return Scenario(name=name, label=label, phrase=phrase, events=tuple(out), resolved=True)


def cost_whatif(unit, gwi_pct: Mapping[int | str, float], root: str | Path | None = None, *,
                lump_sum: Mapping[int | str, float] | None = None, steps_from: str | None = "reference",
                name: str = "what_if", label: str = "What-if scenario",
                events: pd.DataFrame | None = None) -> Costing:
    """Every scenario of the proposals file, plus one edited by hand (see :func:`whatif_scenario`).

    ``steps_from="reference"`` gives the what-if the reference scenario's step movements; None
    gives it none. Differences stay against the file's reference scenario.
    """
    loaded = _load(unit, root, events)
    prop = loaded.proposals
    if name in loaded.scenarios:
        raise ValueError(f"{name!r} is already a scenario of {prop.where}; name the what-if otherwise")
    source = prop.reference if steps_from == "reference" else steps_from
    extra = whatif_scenario(prop, gwi_pct, lump_sum=lump_sum, steps_from=source, name=name, label=label)
    loaded.scenarios = {**loaded.scenarios, name: extra}
    return _cost_loaded(loaded, root)


@dataclass
class _Loaded:
    """A unit with its proposals, resolved scenarios and typed roster, ready to cost."""

    unit: object
    proposals: Proposals
    roster: pd.DataFrame
    roster_path: Path
    scenarios: dict[str, Scenario]
    notes: list[str]


def _load(unit, root: str | Path | None, events: pd.DataFrame | None) -> _Loaded:
    warnings: list[str] = []
    if isinstance(unit, (str, Path)):
        # A comparator whose settlements were all rejected is a stated gap, not an error.
        u, warnings = gaps.load_unit(unit, root=root)
    else:
        u = unit
    prop = props.load(u, root)
    path = rosters.roster_path(u.unit, root)
    df = rosters.load(path, top_step=prop.steps.top_step if prop.steps else None, as_of=prop.roster_as_of,
                      longevity=prop.longevity is not None, coverage=prop.items.health is not None)
    scenarios, notes = resolve(prop, u, events=events, root=root)
    return _Loaded(u, prop, df, path, scenarios, warnings + notes)


def _cost_loaded(loaded: _Loaded, root: str | Path | None) -> Costing:
    u, prop, path = loaded.unit, loaded.proposals, loaded.roster_path
    c = cost_roster(loaded.roster, prop, loaded.scenarios, unit=u.unit)
    c.notes = loaded.notes + c.notes
    c.synthetic = bool(u.synthetic or prop.synthetic)
    c.name = u.name
    try:
        c.roster_path = path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        c.roster_path = str(path)
    return c


# --------------------------------------------------------------------------- footed tables, JSON

def _foot(exact: np.ndarray) -> np.ndarray:
    """Integer cents for each row of ``exact`` (rows x parts) that add up to the row total's cents.

    The row total is rounded half up to the cent, and so is each part. When the parts' cents miss
    the total's, the difference is made up a cent at a time, first on the parts whose exact value
    no other row of the same column shares, each time on the part the cent moves least from its
    exact value. So a cost that is the same in several rows (a flat longevity in every scenario)
    prints the same in all of them, while every row still foots to its own rounded total.
    """
    # Cents to 1e-6: the same cost summed in another order must not split on float noise.
    cents = np.round(np.atleast_2d(np.asarray(exact, float)) * 100, 6)
    target = np.floor(cents.sum(axis=1) + 0.5)
    out = np.floor(cents + 0.5)
    shared = np.zeros(cents.shape, bool)
    for j in range(cents.shape[1]):
        _, inverse, counts = np.unique(cents[:, j], return_inverse=True, return_counts=True)
        shared[:, j] = counts[inverse] > 1
    for i in np.flatnonzero(out.sum(axis=1) != target):
        step = 1.0 if target[i] > out[i].sum() else -1.0
        for _ in range(int(abs(target[i] - out[i].sum()))):
            moved = np.abs(out[i] + step - cents[i])
            j = min(range(cents.shape[1]), key=lambda k: (shared[i, k], moved[k], k))
            out[i, j] += step
            shared[i, j] = True  # a part already moved once is moved again only after the others
    return out.astype("int64")


def _key(fy: object) -> int | str:
    """A table row's fiscal year ("FY2028", "Term") as :func:`wagebrief.analysis.disclosure.costing_cells` keys it."""
    return "Term" if str(fy) == "Term" else int(str(fy).removeprefix("FY"))


def suppressed(costing: Costing, t: pd.DataFrame) -> pd.DataFrame:
    """True for each cell of ``t`` (rows with ``scenario`` and ``fiscal_year``) computed from too few employees."""
    cells = disclosure.costing_cells(costing)
    where = {c: j for j, c in enumerate(t.columns)}
    mask = np.zeros(t.shape, bool)  # filled as an array: a .loc assignment per row is most of the table's time
    for i, (s, fy) in enumerate(zip(t["scenario"], t["fiscal_year"])):
        mask[i, [where[c] for c in cells.get((s, _key(fy)), ()) if c in where]] = True
    return pd.DataFrame(mask, index=t.index, columns=t.columns)


def suppression_note(costing: Costing) -> str | None:
    """The sentence saying which costing figures are suppressed, or None when none is."""
    cells = disclosure.costing_cells(costing)
    n_min = costing.min_group
    if disclosure.too_few(costing.employees, n_min):
        return (f"Every costing figure is suppressed (\"{disclosure.mark(n_min)}\"): the roster has fewer "
                f"than {n_min} employees, so any total would show an individual's pay.")
    hidden = {k: v for k, v in cells.items() if v}
    if not hidden:
        return None
    where = []
    for name, sc in costing.scenarios.items():
        rows = [("the term" if fy == "Term" else f"FY{fy}") for (s, fy), v in hidden.items() if s == name]
        if rows:
            where.append(f"{sc.phrase or sc.label} ({', '.join(rows)})")
    return disclosure.reason(n_min) + " Some figures are suppressed for " + "; ".join(where) + "."


def table(costing: Costing, scenarios: list[str] | None = None) -> pd.DataFrame:
    """The costing as one footed table: each scenario's fiscal years, then its ``Term`` row.

    Dollars are rounded to the cent and foot (see the module docstring), percents are in
    percent units. The end-of-term lift columns are filled on Term rows only. A figure computed
    from fewer than ``costing.min_group`` employees is NaN (:func:`suppressed` says which).
    """
    by = costing.by_year.copy()
    parts = WAGE_PARTS + costing.item_parts + costing.rollup_parts
    cents = _foot(by[parts].to_numpy(float))
    money = pd.DataFrame(cents, columns=parts, index=by.index)
    money["base_payroll"] = np.floor(by["base_payroll"].to_numpy() * 100 + 0.5).astype("int64")
    money["cost_of_1pct"] = np.floor(by["cost_of_1pct"].to_numpy() * 100 + 0.5).astype("int64")
    money["wage_cost"] = money[WAGE_PARTS].sum(axis=1)
    money["rollup"] = money[costing.rollup_parts].sum(axis=1) if costing.rollup_parts else 0
    money["total_cost"] = money["wage_cost"] + money["rollup"]
    items = costing.item_parts + (["items_cost"] if costing.item_parts else [])
    if costing.item_parts:
        money["items_cost"] = money[costing.item_parts].sum(axis=1)
        money["total_cost"] = money["total_cost"] + money["items_cost"]
    # The one-time line is rounded on its own; the recurring line is the rest of the displayed total, so they foot.
    money["one_time_cost"] = np.floor(by["one_time_cost"].to_numpy() * 100 + 0.5).astype("int64")
    money["recurring_cost"] = money["total_cost"] - money["one_time_cost"]
    money["cost_of_1pct_on_scenario"] = np.floor(by["cost_of_1pct_on_scenario"].to_numpy() * 100 + 0.5).astype("int64")
    ref = money["total_cost"].where(by["scenario"].eq(costing.reference)).groupby(by["fiscal_year"]).transform("max")
    money["difference"] = money["total_cost"] - ref.astype("int64")
    money["scenario"] = by["scenario"]
    money["cumulative_cost"] = money.groupby("scenario", sort=False)["total_cost"].cumsum()
    cols = ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + items + costing.rollup_parts + [
        "rollup", "total_cost", "recurring_cost", "one_time_cost", "cumulative_cost"]
    out = by[["scenario", "label", "fiscal_year", "employees", "fte"]].copy()
    out["fiscal_year"] = "FY" + out["fiscal_year"].astype(str)
    for c in cols:
        out[c] = money[c] / 100
    out["cost_per_employee"] = by["cost_per_employee"].round(2)
    out["pct_of_base_payroll"] = by["pct_of_base_payroll"]
    out["difference"] = money["difference"] / 100
    out["difference_pct"] = by["difference_pct"]
    out["cost_of_1pct"] = money["cost_of_1pct"] / 100
    out["cost_of_1pct_on_scenario"] = money["cost_of_1pct_on_scenario"] / 100

    s = costing.summary.set_index("scenario")
    lift = _foot(s[["lift_wages", "lift_rollup"]].to_numpy(float))
    rows = []
    for name, grp in money.groupby("scenario", sort=False):
        term = {"scenario": name, "label": s.loc[name, "label"], "fiscal_year": "Term",
                "employees": s.loc[name, "employees"], "fte": s.loc[name, "fte"]}
        for c in ["base_payroll"] + WAGE_PARTS + ["wage_cost"] + items + costing.rollup_parts + [
                "rollup", "total_cost", "recurring_cost", "one_time_cost", "difference", "cost_of_1pct"]:
            term[c] = grp[c].sum() / 100
        term["cumulative_cost"] = term["total_cost"]
        # A 1% raise on a scenario's payroll is priced year by year (each from its own start); no term figure.
        term["cost_of_1pct_on_scenario"] = np.nan
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
    full = full.mask(suppressed(costing, full))
    if scenarios is not None:
        full = full[full["scenario"].isin(scenarios)].reset_index(drop=True)
    return full


def to_json(costing: Costing, scenarios: list[str] | None = None) -> dict:
    """Everything at full precision, JSON-ready (dates ISO, NaN as null). Aggregates only."""
    keep = scenarios or list(costing.scenarios)

    def records(df: pd.DataFrame) -> list[dict]:
        out = df.astype(object).where(df.notna(), None).to_dict("records")
        return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()} for r in out]

    cells = disclosure.costing_cells(costing)

    def hide(df: pd.DataFrame, fy: pd.Series) -> pd.DataFrame:
        df = df.astype(object)
        for i, s, y in zip(df.index, df["scenario"], fy):
            cols = [c for c in cells.get((s, y), ()) if c in df.columns]
            df.loc[i, cols] = None
        return df

    by_year = costing.by_year[costing.by_year["scenario"].isin(keep)]
    summary = costing.summary[costing.summary["scenario"].isin(keep)]
    unit_hidden = disclosure.too_few(costing.employees, costing.min_group)
    c1 = costing.cost_of_1pct.astype(object)
    c1s = costing.cost_of_1pct_scenarios
    c1s = (c1s[c1s["scenario"].isin(keep)] if len(c1s) else c1s).astype(object)
    if unit_hidden:
        c1[["wages", "rollup", "total"]] = None
        if len(c1s):
            c1s[["wages", "rollup", "total"]] = None
    hidden = [{"scenario": s, "fiscal_year": fy, "columns": sorted(v)} for (s, fy), v in cells.items() if v and s in keep]

    p = costing.proposals
    # Only proposals with items beyond wages add keys: the wage-only output is unchanged.
    extra = {k: records(v) for k, v in json_frames(costing.items, keep, cells, unit_hidden).items()} \
        if costing.items is not None else {}
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
        "by_year": records(hide(by_year, by_year["fiscal_year"])),
        "summary": records(hide(summary, pd.Series("Term", index=summary.index))),
        "cost_of_1pct": records(c1),
        "cost_of_1pct_on_scenario": records(c1s),
        "min_group_size": costing.min_group,
        "suppressed": hidden,
        "social_security_wage_base": records(costing.wage_bases),
        "notes": costing.notes + [n for n in [suppression_note(costing)] if n],
        **extra,
    }
