"""The costing by item: each scenario's fiscal years (and term) split into the wage components
and the other economic items, each with its roll-up, footed to the cent.

The wage components' roll-up is not split by component (Social Security's cap makes that
depend on an order): it is one line, the roll-up on the wage increase. Every other item carries
its own roll-up (:mod:`wagebrief.analysis.costing_items`). Each row's cents are footed by
:func:`wagebrief.analysis.costing._foot` to the same rounded total as :func:`~wagebrief.analysis.costing.table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.analysis import disclosure
from wagebrief.analysis.costing import Costing, _foot
from wagebrief.analysis.costing_engine import WAGE_PARTS
from wagebrief.analysis.costing_items import ITEM_LABELS

WAGE_LABELS = {"gwi": "General wage increase", "step": "Step movement", "longevity": "Longevity",
               "lump_sum": "Lump sums"}
WAGE_ROLLUP = "Roll-up on the wage increase"
COLUMNS = ["scenario", "label", "fiscal_year", "item", "item_label", "cost", "rollup", "total", "hours_of_time"]


def by_item(costing: Costing) -> pd.DataFrame:
    """One row per scenario, fiscal year (then ``Term``) and item: cost, roll-up, total, in dollars to the cent.

    ``hours_of_time`` is the added holidays' paid time off (hours), shown where holidays cost no cash.
    A row whose employees are too few to show (see :mod:`wagebrief.analysis.disclosure`) is NaN.
    """
    by = costing.by_year
    items = costing.item_parts
    f = costing.items.by_year if costing.items is not None else pd.DataFrame(columns=["scenario", "fiscal_year", "item"])
    key = pd.MultiIndex.from_frame(by[["scenario", "fiscal_year"]])

    def col(i: str, c: str) -> np.ndarray:
        mine = f[f["item"].eq(i)].set_index(["scenario", "fiscal_year"])[c]
        return mine.reindex(key).fillna(0.0).to_numpy(float)

    item_roll = sum((col(i, "rollup") for i in items), np.zeros(len(by)))
    exact = [by[c].to_numpy(float) for c in WAGE_PARTS] + [by["rollup"].to_numpy(float) - item_roll]
    for i in items:
        exact += [col(i, "cost"), col(i, "rollup")]
    cents = _foot(np.column_stack(exact))
    names = [(c, WAGE_LABELS[c]) for c in WAGE_PARTS] + [("wage_rollup", WAGE_ROLLUP)]
    cells = disclosure.costing_cells(costing)
    rows = []
    for r, (s, fy) in enumerate(zip(by["scenario"], by["fiscal_year"])):
        hidden = bool(cells.get((s, int(fy)), set()) & {"rollup", "total_cost"})
        line = lambda it, lab, cost, roll, hours=0.0: {  # noqa: E731
            "scenario": s, "label": costing.scenarios[s].label, "fiscal_year": f"FY{fy}", "item": it,
            "item_label": lab, "cost": cost / 100, "rollup": roll / 100, "total": (cost + roll) / 100,
            "hours_of_time": hours, "_hide": hidden}
        for j, (it, lab) in enumerate(names[:-1]):
            rows.append(line(it, lab, cents[r, j], 0))
        rows.append(line("wage_rollup", WAGE_ROLLUP, 0, cents[r, len(WAGE_PARTS)]))
        for k, i in enumerate(items):
            j = len(WAGE_PARTS) + 1 + 2 * k
            hours = float(col(i, "hours_of_time")[r]) if i == "holiday_pay" else 0.0
            rows.append(line(i, ITEM_LABELS[i], cents[r, j], cents[r, j + 1], hours))
    out = pd.DataFrame(rows)
    term = out.groupby(["scenario", "item"], sort=False).agg(
        label=("label", "first"), item_label=("item_label", "first"), cost=("cost", "sum"), rollup=("rollup", "sum"),
        total=("total", "sum"), hours_of_time=("hours_of_time", "sum"), _hide=("_hide", "any")).reset_index()
    term["fiscal_year"] = "Term"
    out = pd.concat([out, term], ignore_index=True)
    order = {s: i for i, s in enumerate(costing.scenarios)}
    out["_s"], out["_t"] = out["scenario"].map(order), out["fiscal_year"].eq("Term")
    out = out.sort_values(["_s", "_t", "fiscal_year"], kind="stable")
    for c in ("cost", "rollup", "total"):
        out[c] = out[c].round(2).mask(out["_hide"])
    return out[COLUMNS].reset_index(drop=True)


def retro(costing: Costing) -> pd.DataFrame:
    """Each scenario's retroactive pay: owed (wages, roll-up, total, to the cent), paid on, fiscal year paid."""
    if costing.items is None or costing.items.retro.empty:
        return pd.DataFrame(columns=["scenario", "label", "settled_on", "retro_paid_on", "fiscal_year_paid",
                                     "retro_wages", "retro_rollup", "retro_total"])
    r = costing.items.retro.copy()
    cents = _foot(r[["retro_wages", "retro_rollup"]].to_numpy(float))
    r["retro_wages"], r["retro_rollup"] = cents[:, 0] / 100, cents[:, 1] / 100
    r["retro_total"] = cents.sum(axis=1) / 100
    r.insert(1, "label", [costing.scenarios[s].label for s in r["scenario"]])
    if disclosure.too_few(costing.employees, costing.min_group):
        r[["retro_wages", "retro_rollup", "retro_total"]] = np.nan
    return r
