"""The ability-to-pay panel: the employer's fiscal indicators against its comparators, with words.

Numbers come from :mod:`wagebrief.analysis.ability`; the rows from the municipal fiscal
indicators file (:mod:`wagebrief.inputs.fiscal_indicators`). The statutory factor in
:mod:`wagebrief.brief.factors` shows the table and the sentences built here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.analysis import ability
from wagebrief.brief.section import Table
from wagebrief.inputs import fiscal_indicators

FORMATS = {"Fiscal year": "FY{:.0f}", "Unassigned fund balance, % of expenditures": "{:.1f}%",
           "Mill rate": "{:.2f}", "Grand list per capita": "${:,.0f}", "Revenue growth %": "{:+.1f}%",
           "Debt service, % of expenditures": "{:.1f}%"}
_NAMES = {"jurisdiction": "Jurisdiction", "fiscal_year": "Fiscal year",
          "fund_balance_pct": "Unassigned fund balance, % of expenditures", "mill_rate": "Mill rate",
          "grand_list_per_capita": "Grand list per capita", "revenue_growth_pct": "Revenue growth %",
          "debt_service_pct": "Debt service, % of expenditures", "source": "Source", "source_url": "Link"}


def panel(unit, root: str | Path | None = None, rows: pd.DataFrame | None = None) -> tuple[list[str], Table | None]:
    """Sentences and the table of the employer's and comparators' indicators (None without rows)."""
    notes: list[str] = []
    if rows is None:
        rows, notes = fiscal_indicators.load(root)
    t = ability.indicators(rows, unit.employer.jurisdiction, unit.jurisdictions)
    where = "data/raw/fiscal/municipal_fiscal_indicators.csv"
    if t.empty or not t["role"].eq("employer").any():
        return notes + [f"Evidence missing: no municipal fiscal indicators for {unit.employer.name} ({where}, in the "
                        "layout of Connecticut OPM's Municipal Fiscal Indicators)."], None
    med = ability.comparator_median(t)
    emp = t.iloc[0]
    words = [_fund_balance(unit.employer.name, emp, med), _others(emp, med, int((t['role'] == 'comparator').sum()))]
    shown = t[list(_NAMES)].copy()
    shown.loc[len(shown)] = ["Comparator median", np.nan, *[med[m] for m in ability.MEASURES], "", ""]
    synth = bool(t["synthetic"].any())
    source = f"Municipal fiscal indicators ({where}), each row's source in the table" + (" - SYNTHETIC" if synth else "")
    table = Table("Ability to pay: fiscal indicators, employer against comparators", shown.rename(columns=_NAMES),
                  source, FORMATS, note=ability.GFOA_RULE + ". Each jurisdiction's latest fiscal year on file.",
                  links="Link")
    return notes + words, table


def _fund_balance(name: str, emp: pd.Series, med: dict[str, float]) -> str:
    fb = emp["fund_balance_pct"]
    if pd.isna(fb):
        return f"{name}'s unassigned fund balance cannot be stated (no expenditures on file for FY{emp['fiscal_year']})."
    verdict = ("meets" if fb >= ability.GFOA_MIN_PCT else "falls short of")
    comp = f"; the comparator median is {med['fund_balance_pct']:.1f}%" if np.isfinite(med["fund_balance_pct"]) else ""
    return (f"{name}'s unassigned fund balance was {fb:.1f}% of general-fund expenditures in FY{emp['fiscal_year']}, "
            f"which {verdict} the GFOA's guideline of no less than two months of regular operating expenditures "
            f"({ability.GFOA_MIN_PCT:.1f}%){comp}.")


def _others(emp: pd.Series, med: dict[str, float], n: int) -> str:
    parts = []
    fy = int(emp["fiscal_year"])
    for key, label, fmt in (("mill_rate", "a mill rate of", "{:.2f}"), ("grand_list_per_capita", "a grand list per capita of", "${:,.0f}"),
                            ("revenue_growth_pct", f"revenue growth on FY{fy - 1} of", "{:+.1f}%"),
                            ("debt_service_pct", "debt service at", "{:.1f}% of expenditures")):
        v, m = emp[key], med[key]
        if pd.notna(v):
            parts.append(f"{label} {fmt.format(v)}" + (f" (comparator median {fmt.format(m)})" if np.isfinite(m) else ""))
    if not parts:
        return "No other indicators are on file for the employer."
    # The year is named: the latest on file may be years old, and each comparator's own latest is in the table.
    return (f"In FY{fy}, the latest fiscal year on file for it, against {n} comparator(s) with figures (each at its "
            "own latest year), the employer has " + ", ".join(parts) + ".")
