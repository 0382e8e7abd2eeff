"""Small-group suppression: no brief, CLI table or log shows a figure computed from fewer than
``N`` employees (``N`` is :func:`wagebrief.config.min_group_size`, 5 by default).

A roster is personal data. The base payroll of a one-person unit is that person's salary; the
step-movement cost of a year in which two employees move is close to two salaries times the
step increment. Such a figure is replaced by :func:`mark` and the text around it says why. A
figure no employee contributes to (an exact zero) reveals nobody's pay and is shown.
"""

from __future__ import annotations

from wagebrief.analysis.costing_engine import WAGE_PARTS
from wagebrief.config import DEFAULT_MIN_GROUP_SIZE, min_group_size

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "min_group_size", "mark", "too_few", "reason"]


def mark(n: int | None = None) -> str:
    """What a report prints instead of a suppressed figure."""
    return f"suppressed: fewer than {min_group_size() if n is None else n} employees"


def too_few(count: int, n: int | None = None) -> bool:
    """Whether a figure computed from ``count`` employees must be suppressed (0 employees: an exact zero, shown)."""
    return 0 < int(count) < (min_group_size() if n is None else n)


def reason(n: int | None = None) -> str:
    """The sentence that says why figures are missing."""
    n = min_group_size() if n is None else n
    return (f"Figures computed from fewer than {n} employees are suppressed (marked \"{mark(n)}\"): "
            "with so few, a figure would show an individual's pay.")


# --------------------------------------------------------------------------- costing tables

#: Costing columns by what they are computed from (see :func:`costing_cells`).
UNIT_COLUMNS = ["fte", "base_payroll", "cost_of_1pct", "cost_of_1pct_on_scenario"]
TOTAL_COLUMNS = ["total_cost", "cumulative_cost", "cost_per_employee", "pct_of_base_payroll", "difference",
                 "difference_pct"]
LIFT_COLUMNS = ["lift_wages", "lift_rollup", "end_of_term_lift", "lift_pct_of_base_payroll", "lift_to_term_cost"]


def costing_cells(costing) -> dict[tuple[str, int | str], set[str]]:
    """The suppressed columns of each (scenario, fiscal year or ``"Term"``) row of a costing.

    * A unit of fewer than N employees: every figure but the headcount.
    * A component (GWI, step, longevity, lump sums) paid to 1..N-1 employees in a year: that
      year's whole breakdown (components, wage cost, roll-up), since the total minus the others
      would give it back, and the term's breakdown, which adds the years up.
    * A year whose total comes from 1..N-1 employees: its total and what is derived from it,
      the cumulative cost from then on, and the term's total (the sum of the years); the other
      scenarios' difference against a suppressed reference total.
    * An end-of-term lift from 1..N-1 employees whose rate changed: the lift columns.
    """
    n_min = costing.min_group
    years: list[int | str] = [*costing.fiscal_years, "Term"]
    out: dict[tuple[str, int | str], set[str]] = {(s, fy): set() for s in costing.scenarios for fy in years}
    items = list(getattr(costing, "item_parts", []))
    parts = WAGE_PARTS + items  # an item paid to a few employees would give their pay back too
    breakdown = set(parts + ["wage_cost"] + costing.rollup_parts + ["rollup", "recurring_cost", "one_time_cost"])
    breakdown |= set(items + ["items_cost"] if items else [])
    if too_few(costing.employees, n_min):
        every = set(UNIT_COLUMNS + TOTAL_COLUMNS + LIFT_COLUMNS) | breakdown
        return {k: set(every) for k in out}
    if costing.counts is None or len(costing.counts) == 0:
        return out
    counts = {(r["scenario"], r["fiscal_year"]): r for r in costing.counts.to_dict("records")}
    for s in costing.scenarios:
        hidden_total = False
        for fy in costing.fiscal_years:
            r, cell = counts[(s, fy)], out[(s, fy)]
            if any(too_few(r[p], n_min) for p in parts):
                cell |= breakdown
                out[(s, "Term")] |= breakdown
            if too_few(r["any"], n_min):
                cell |= set(TOTAL_COLUMNS)
                hidden_total = True
            if hidden_total:
                cell.add("cumulative_cost")
        term = counts[(s, "Term")]
        if any(too_few(term[p], n_min) for p in parts):
            out[(s, "Term")] |= breakdown
        if hidden_total or too_few(term["any"], n_min):
            out[(s, "Term")] |= set(TOTAL_COLUMNS) | {"lift_to_term_cost"}
        if too_few(term["lift"], n_min):
            out[(s, "Term")] |= set(LIFT_COLUMNS)
    for fy in years:  # a difference and the other total would give a hidden reference total back
        if "total_cost" in out[(costing.reference, fy)]:
            for s in costing.scenarios:
                out[(s, fy)] |= {"difference", "difference_pct"}
    return out
