"""The notes a costing carries: what was assumed in costing it (projected wage bases, steps, the closed roster).

Split from :mod:`wagebrief.analysis.costing`, whose job is the arithmetic; these are the plain statements
of the assumptions that arithmetic rests on, built from the proposals file and the wage-base table.
"""

from __future__ import annotations

import pandas as pd

from wagebrief.inputs import proposals as props
from wagebrief.inputs.proposals import Proposals


def costing_notes(prop: Proposals, wb: pd.DataFrame, roster: pd.DataFrame, binds: set[int] = frozenset()) -> list[str]:
    """The costing's standing notes: the projected wage bases, Social Security, steps, the closed roster, lump sums."""
    notes = []
    projected = wb[wb["basis"].str.startswith("projected")]
    if prop.rollup.social_security and len(projected):
        notes.append(_projection_note(wb, projected, binds))
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


def _span(years: list[int]) -> str:
    """Consecutive years as "2027-2030", others listed: "2027, 2029"."""
    years = sorted(years)
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def _projection_note(wb: pd.DataFrame, projected: pd.DataFrame, binds: set[int]) -> str:
    """The note naming the projected wage bases, the assumed growth, and the years they bind in."""
    g, first, last = props.wage_base_growth()
    table = props.wage_base_table().set_index("year")["wage_base"]
    years = [int(y) for y in projected["year"]]
    values = ", ".join(f"${v:,.0f} ({int(y)})" for y, v in zip(projected["year"], projected["wage_base"]))
    text = (f"The Social Security wage base for {_span(years)} is not yet published and is projected: the {last} "
            f"base (${table[last]:,.0f}) grows {g * 100:.2f}% a year, the average growth of SSA's published bases "
            f"over the ten years {first}-{last} (${table[first]:,.0f} to ${table[last]:,.0f}), rounded to the "
            f"nearest $300 as SSA rounds: {values}.")
    bound = sorted(y for y in years if y in binds)
    if bound:
        text += (f" The projected base binds in {_span(bound)} (some employees' wages pass it), so the Social "
                 "Security roll-up in those years depends on this assumption.")
    else:
        text += " No employee's wages reach a projected base, so the projection does not change these costs."
    if (wb["basis"] == "set in proposals").any():
        set_years = [int(y) for y in wb.loc[wb["basis"] == "set in proposals", "year"]]
        text += f" The base for {_span(set_years)} is the one set in the proposals file, not projected."
    return text
