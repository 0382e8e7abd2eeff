"""Ability to pay: the employer's fiscal indicators against its comparators' (numbers only).

Read from the municipal fiscal indicators (:mod:`wagebrief.inputs.fiscal_indicators`, OPM's
layout). For each jurisdiction, its latest fiscal year on file:

* **unassigned fund balance, % of expenditures** = unassigned_fund_bal / total_expenditures * 100,
  against the GFOA's best practice of no less than two months of regular general-fund operating
  expenditures (2 / 12 = 16.7%);
* **mill rate** as levied (actual_mill_rate);
* **grand list per capita** = net_grand_list / population;
* **revenue growth, %** = total_revenue over the previous fiscal year's, minus one (blank when the
  previous year is not on file);
* **debt service, % of expenditures** = debt_service / total_expenditures * 100.

Each row keeps its fiscal year and source, so every figure the brief shows is dated and cited.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from wagebrief.inputs.fiscal_indicators import town_key

#: GFOA: unrestricted general-fund balance of no less than two months of regular operating expenditures.
GFOA_MONTHS = 2
GFOA_MIN_PCT = GFOA_MONTHS / 12 * 100
GFOA_RULE = ("GFOA best practice: an unrestricted general-fund balance of no less than two months of regular "
             f"general-fund operating expenditures ({GFOA_MIN_PCT:.1f}%)")
MEASURES = ("fund_balance_pct", "mill_rate", "grand_list_per_capita", "revenue_growth_pct", "debt_service_pct")
COLUMNS = ["jurisdiction", "role", "fiscal_year", *MEASURES, "meets_gfoa", "source", "source_url", "synthetic"]


def indicators(rows: pd.DataFrame, employer: str, comparators: Sequence[str]) -> pd.DataFrame:
    """One row per jurisdiction found (employer first, then comparators in order): its latest
    fiscal year's measures, source and whether its fund balance meets the GFOA guideline."""
    names = [employer, *comparators]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = rows["municipality"].map(town_key)
    out = []
    for i, name in enumerate(names):
        own = rows[keys.eq(town_key(name))].sort_values("fisc_year_end")
        if own.empty:
            continue
        last = own.iloc[-1]
        prev = own[own["fisc_year_end"].eq(last["fisc_year_end"] - 1)]
        exp = last["total_expenditures"]
        fb = last["unassigned_fund_bal"] / exp * 100 if pd.notna(exp) else float("nan")
        growth = (last["total_revenue"] / prev["total_revenue"].iloc[0] - 1) * 100 if len(prev) else float("nan")
        pop = last["population"]
        out.append({
            "jurisdiction": name, "role": "employer" if i == 0 else "comparator",
            "fiscal_year": int(last["fisc_year_end"]),
            "fund_balance_pct": fb,
            "mill_rate": last["actual_mill_rate"],
            "grand_list_per_capita": last["net_grand_list"] / float(pop) if pd.notna(pop) else float("nan"),
            "revenue_growth_pct": growth,
            "debt_service_pct": last["debt_service"] / exp * 100 if pd.notna(exp) else float("nan"),
            "meets_gfoa": bool(fb >= GFOA_MIN_PCT) if pd.notna(fb) else None,
            "source": str(last["source"]), "source_url": str(last["source_url"] or ""),
            "synthetic": bool(last["synthetic"]),
        })
    return pd.DataFrame(out, columns=COLUMNS)


def comparator_median(table: pd.DataFrame) -> dict[str, float]:
    """Each measure's median over the comparators in ``table``."""
    comp = table[table["role"].eq("comparator")]
    return {m: float(pd.to_numeric(comp[m], errors="coerce").median()) for m in MEASURES}
