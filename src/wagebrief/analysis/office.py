"""The whole office: every unit's costs, market position and a statewide guideline (numbers only).

For each unit of ``comparators/``:

* **costs**: management's offer and the union's demand by fiscal year, from the unit's own
  costing (:func:`wagebrief.analysis.costing.cost_whatif`, the brief's costing engine), rounded
  to the cent as the brief's costing table shows them;
* **guideline**: a GWI of ``guideline_pct`` at each fiscal-year start of the unit's proposal
  term (no step movements: a guideline is a general increase), costed by the same engine;
* **mills**: for a municipal employer with a ``net_grand_list``, each cost / net grand list *
  1,000 (a mill is $1 of tax per $1,000 of assessed value);
* **market position**: the headline benchmark title's pay against the comparator median as
  the market analysis states it (:func:`wagebrief.analysis.market.analyse`, at the run's as-of
  date), and under the guideline at the end of the term, against the target percentile of the
  comparators' projected pay (:func:`wagebrief.analysis.position.percentile`).

Totals add the displayed cents of every unit, so they foot to the unit rows exactly; a fiscal
year in which some unit's figure is suppressed (fewer employees than the disclosure minimum)
or missing has no total, and :attr:`Office.notes` says why. A unit whose inputs fail is listed
with its error; the others are still costed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.analysis import costing, market, position
from wagebrief.inputs import provenance, units as units_mod

SIDES = ("management", "union")
GUIDELINE = "guideline"
COST_COLUMNS = ["unit", "employer", "scenario", "label", "fiscal_year", "total_cost", "mills"]


@dataclass
class UnitOffice:
    """One unit in the overview: its status, costs by fiscal year and market position."""

    unit: units_mod.Unit
    costs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COST_COLUMNS))
    title: str | None = None  #: the headline benchmark title
    measure: str | None = None  #: the measure the headline rests on (top, or top_hourly)
    pct_vs_median: float | None = None  #: now, against the comparator median
    guideline_value: float | None = None  #: the unit's pay at term end under the guideline
    target_value: float | None = None  #: the comparators' target percentile at term end
    below_target: bool | None = None
    synthetic: dict[str, bool] = field(default_factory=dict)  #: input -> invented?
    #: where the unit file gives no contract_expires: the term end of the employer's own latest
    #: settlement in the unit's group on file, and that settlement's id (its cited source)
    contract_on_file: tuple[pd.Timestamp, str] | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def guideline_gap_pct(self) -> float | None:
        """Under the guideline at term end, percent above (+) or below (-) the target percentile."""
        if self.guideline_value is None or not self.target_value:
            return None
        return (self.guideline_value / self.target_value - 1) * 100


@dataclass
class Office:
    """Every unit's row, the totals across units and per employer, and the settings used."""

    units: list[UnitOffice]
    guideline_pct: float | None
    target_percentile: int
    totals: pd.DataFrame  #: scenario, label, fiscal_year, total_cost (NaN where not every unit has a figure)
    employer_totals: pd.DataFrame  #: employer, scenario, fiscal_year, total_cost, mills
    notes: list[str] = field(default_factory=list)

    @property
    def below_target(self) -> list[UnitOffice]:
        """The units that would fall below the target percentile under the guideline."""
        return [u for u in self.units if u.below_target]


def _cents(x: float) -> int:
    return int(np.floor(x * 100 + 0.5))


def unit_costs(unit: units_mod.Unit, guideline_pct: float | None, root: str | Path | None = None
               ) -> tuple[pd.DataFrame, costing.Costing]:
    """The unit's management, union and guideline costs by fiscal year (dollars to the cent)."""
    if guideline_pct is None:
        c = costing.cost_unit(unit, root)
    else:
        c = costing.cost_whatif(unit, {fy: guideline_pct for fy in _fiscal_years(unit, root)}, root,
                                steps_from=None, name=GUIDELINE, label=f"Statewide guideline {guideline_pct:g}%")
    t = costing.table(c)
    t = t[t["scenario"].isin([*SIDES, GUIDELINE]) & t["fiscal_year"].ne("Term")]
    ngl = unit.net_grand_list
    out = pd.DataFrame({
        "unit": unit.unit, "employer": unit.employer.name, "scenario": t["scenario"].to_numpy(),
        "label": t["label"].to_numpy(), "fiscal_year": t["fiscal_year"].str.removeprefix("FY").astype(int).to_numpy(),
        "total_cost": t["total_cost"].to_numpy(float)})
    out["mills"] = out["total_cost"].map(ngl.mills) if ngl is not None else np.nan
    return out[COST_COLUMNS], c


def _fiscal_years(unit: units_mod.Unit, root: str | Path | None) -> list[int]:
    from wagebrief.inputs import proposals

    return proposals.load(unit, root).fiscal_years


def guideline_scenario(unit: units_mod.Unit, guideline_pct: float, root: str | Path | None = None):
    """The guideline as a proposal scenario: a GWI of ``guideline_pct`` at each fiscal-year start."""
    from wagebrief.inputs import proposals

    prop = proposals.load(unit, root)
    return costing.whatif_scenario(prop, {fy: guideline_pct for fy in prop.fiscal_years}, steps_from=None,
                                   name=GUIDELINE, label=f"Statewide guideline {guideline_pct:g}%")


def own_contract(events: pd.DataFrame, unit: units_mod.Unit) -> tuple[pd.Timestamp, str] | None:
    """The term end and id of the employer's own latest settlement in the unit's occupation group."""
    mine = events[events["jurisdiction"].astype(str).str.casefold().eq(unit.employer.jurisdiction.casefold())
                  & events["occupation_group"].eq(unit.occupation_group)]
    if mine.empty:
        return None
    last = mine.sort_values(["term_end", "settlement_id"]).iloc[-1]
    return pd.Timestamp(last["term_end"]), str(last["settlement_id"])


def unit_position(row: UnitOffice, guideline_pct: float | None, target: int, root: str | Path | None,
                  as_of: str | None) -> None:
    """Fill ``row``'s market position now and, under the guideline, against the target percentile."""
    u = row.unit
    scen = {GUIDELINE: guideline_scenario(u, guideline_pct, root)} if guideline_pct is not None else None
    a = market.analyse(u, root=root, as_of=as_of or None, scenarios=scen, score_comparables=False)
    row.synthetic["Salary schedules"] = bool(a.synthetic)
    if a.events is not None:
        used = provenance.used_settlements(a.events, u.employer.jurisdiction, u.jurisdictions, u.groups)
        row.synthetic["Settlements"] = bool(used["source"].fillna("").astype(str).str.contains("SYNTHETIC", case=False).any())
        row.contract_on_file = own_contract(a.events, u)
    if not a.titles or not len(a.position):
        row.errors.append("no market position: no salary schedules for the unit and its comparators")
        return
    t = a.titles[0]
    m = a.measure_for(t) if a.hours_differ(t) else "top"
    row.title, row.measure = t, m
    now = a.position[a.position["benchmark_title"].eq(t) & a.position["measure"].eq(m)]
    if len(now) and np.isfinite(now["pct_vs_median"].iloc[0]):
        row.pct_vs_median = float(now["pct_vs_median"].iloc[0])
    if guideline_pct is None or not len(a.projected):
        return
    p = a.projected
    mine = p[p["role"].eq("unit") & p["scenario"].eq(GUIDELINE) & p["benchmark_title"].eq(t)]
    theirs = p[p["role"].eq("comparator") & p["benchmark_title"].eq(t)][m].dropna()
    if mine.empty or theirs.empty:
        return
    row.guideline_value = float(mine[m].iloc[0])
    row.target_value = position.percentile(theirs, target)
    row.below_target = bool(row.guideline_value < row.target_value)


def _totals(rows: list[UnitOffice], by: list[str]) -> tuple[pd.DataFrame, list[str]]:
    costs = pd.concat([r.costs for r in rows if len(r.costs)], ignore_index=True) if rows else pd.DataFrame(columns=COST_COLUMNS)
    if costs.empty:
        return pd.DataFrame(columns=[*by, "fiscal_year", "total_cost", "units"]), []
    costs = costs.assign(cents=costs["total_cost"].map(lambda v: _cents(v) if pd.notna(v) else None))
    notes = []
    out = []
    for key, g in costs.groupby([*by, "fiscal_year"], sort=True):
        rec = dict(zip([*by, "fiscal_year"], key if isinstance(key, tuple) else (key,)))
        complete = g["cents"].notna().all()
        # Whole cents, added as integers: the total is the sum of the rows as displayed.
        rec["total_cost"] = int(sum(int(c) for c in g["cents"])) / 100 if complete else np.nan
        rec["units"] = ", ".join(g["unit"])
        if not complete:
            notes.append(f"No total for {rec.get('scenario', '')} FY{rec['fiscal_year']}: a unit's figure is suppressed.")
        out.append(rec)
    return pd.DataFrame(out), notes


def overview(root: str | Path | None = None, *, guideline_pct: float | None = None, target_percentile: int = 50,
             as_of: str | None = None, names: list[str] | None = None) -> Office:
    """Every unit's row (or ``names``'), the totals across units, and the guideline's effect."""
    names = names if names is not None else units_mod.unit_names(root)
    rows: list[UnitOffice] = []
    for n in names:
        try:
            u = units_mod.load(n, root=root)
        except units_mod.UnitError as exc:
            rows.append(UnitOffice(unit=None, errors=[str(exc).splitlines()[0]]))  # type: ignore[arg-type]
            continue
        row = UnitOffice(unit=u)
        row.synthetic["Unit file"] = u.synthetic
        if u.net_grand_list is not None:
            row.synthetic["Net grand list"] = "SYNTHETIC" in u.net_grand_list.source.upper()
        try:
            row.costs, c = unit_costs(u, guideline_pct, root)
            row.synthetic["Proposals and roster"] = bool(c.synthetic)
        except Exception as exc:  # a unit without proposals or roster: listed, with why
            row.errors.append(f"no costs: {_line(exc)}")
        try:
            unit_position(row, guideline_pct, target_percentile, root, as_of)
        except Exception as exc:
            row.errors.append(f"no market position: {_line(exc)}")
        rows.append(row)
    good = [r for r in rows if r.unit is not None]
    totals, notes = _totals(good, ["scenario"])
    if len(totals):
        labels = {"management": "Management offers", "union": "Union demands", GUIDELINE: "Statewide guideline"}
        totals.insert(1, "label", totals["scenario"].map(labels))
    emp, _ = _totals(good, ["employer", "scenario"])
    if len(emp):
        grand = {r.unit.employer.name: r.unit.net_grand_list for r in good if r.unit.net_grand_list is not None}
        emp["mills"] = [grand[e].mills(v) if e in grand and pd.notna(v) else np.nan
                        for e, v in zip(emp["employer"], emp["total_cost"])]
    return Office(rows, guideline_pct, target_percentile, totals, emp, notes)


def _line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]
