# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Costing what-if (exploratory)
#
# What would a different offer cost, and where would it leave the unit against its comparators
# at the end of the contract? Edit the scenario in the next cell and re-run the notebook: the
# cost by fiscal year (against the reference scenario) and the market position at contract end
# are computed by `wagebrief.analysis.costing` and `wagebrief.analysis.market`, with every
# scenario of the unit's proposals file beside the what-if. Aggregates only: no employee's pay is
# shown, and a figure from too few employees is marked as suppressed.

# %% tags=["parameters"]
unit = "state-clerical"
project_root = None  # None or "": the configured project root ($WAGEBRIEF_ROOT or this checkout)
# The what-if: a general wage increase (percent) per fiscal year of the term, named by the year it
# ends in, effective on the fiscal year's start; lump sums in dollars per full-time employee.
gwi_pct = {2028: 2.5, 2029: 2.5, 2030: 3.0}
lump_sum = {}
steps_from = "reference"  # the reference scenario's step movements; None for no steps
label = "What-if scenario"

# %%
import pandas as pd
from IPython.display import Markdown, display

from wagebrief.analysis import costing, market
from wagebrief.analysis.scenarios import scenarios_for
from wagebrief.brief import costing as costing_section, market as market_section
from wagebrief.inputs import gaps

root = project_root or None
u, warnings = gaps.load_unit(unit, root=root)
cost = costing.cost_whatif(u, gwi_pct, root, lump_sum=lump_sum, steps_from=steps_from, label=label)
whatif = cost.scenarios["what_if"]
reference = cost.scenarios[cost.reference]
display(Markdown(f"**{cost.name}**: {cost.employees} employees, term {cost.proposals.term_start:%Y-%m-%d} to "
                 f"{cost.proposals.term_end:%Y-%m-%d}; differences are against {reference.phrase}."))
display(pd.DataFrame([{"effective_date": f"{e.effective_date:%Y-%m-%d}", "event": e.kind, "value": e.value}
                      for e in whatif.events]))

# %% [markdown]
# ## What it costs, by fiscal year
#
# Dollars, roll-up included; each year's components foot to its total.

# %%
by_year = costing.table(cost, ["what_if", cost.reference])
by_year[["label", "fiscal_year", "gwi", "step", "longevity", "lump_sum", "rollup", "total_cost",
         "cumulative_cost", "difference", "difference_pct", "end_of_term_lift"]].round(2)

# %%
costing_section.by_fiscal_year(cost)

# %%
for sentence in costing_section.sentences(cost):
    display(Markdown(sentence))

# %% [markdown]
# ## Market position at contract end
#
# The unit's entry and top step under each scenario against the comparators' projected schedules
# at the end of the proposed contract.

# %%
# The market analysis reads the same Scenario objects as the costing (one place for proposals).
scenarios = {**scenarios_for(u, root)[0], "what_if": whatif}
position = market.analyse(u, root=root, scenarios=scenarios)
at_end = market_section.outlook_table(position)
at_end[at_end["Scenario"].isin([whatif.phrase, reference.phrase])].round(2)

# %%
term = by_year[by_year["fiscal_year"].eq("Term")].set_index("scenario")
difference = term.loc["what_if", "difference"]
top = position.outlook[position.outlook["measure"].eq("top") & position.outlook["scenario"].eq("what_if")]
display(Markdown(
    f"**{label}**: costs ${term.loc['what_if', 'total_cost']:,.2f} over the term "
    f"(${abs(difference):,.2f} {'more' if difference >= 0 else 'less'} than {reference.phrase}); at contract end "
    f"({position.end:%Y-%m-%d}) its top step is "
    + "; ".join(f"{r.pct_vs_median:+.1f}% against the comparator median for {r.benchmark_title}"
                for r in top.itertuples()) + "."))
for note in warnings + cost.notes:
    display(Markdown(f"*{note}*"))
