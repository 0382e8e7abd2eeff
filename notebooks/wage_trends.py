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
# # Wage trends and outlook (exploratory)
#
# Where are settlements heading for the unit's next contract, and how sure are we? This workbook
# shows the inputs, every model's estimates, the rolling-origin backtest year by year, and the
# brief's "Wage trends and outlook" section. All numbers come from `wagebrief.analysis.outlook`
# (the fits from `wagebrief.analysis.trends`); change the parameters and re-run.

# %% tags=["parameters"]
unit = "state-clerical"
cycle_year = None  # None: the unit file's cycle year
project_root = None  # None or "": the configured project root ($WAGEBRIEF_ROOT or this checkout)
base_year = None  # real-wage base year; None: the year before most comparators (and the unit) have data

# %%
import pandas as pd
from IPython.display import Markdown, display

from wagebrief.analysis import outlook as wage_outlook, trends as models
from wagebrief.brief import outlook as brief_outlook
from wagebrief.brief.page import show

u = wage_outlook.resolve_unit(unit, project_root or None, cycle_year)
inputs = wage_outlook.load_inputs(u, project_root or None)
display(Markdown(f"**{u.name}**: {u.occupation_group}, {len(u.comparators)} comparators, cycle "
                 f"{u.cycle_year}, {u.term_years}-year term, CPI {u.cpi_series} ({u.cpi_basis} years)."))
for note in inputs.notes:
    display(Markdown(f"*{note}*"))

# %% [markdown]
# ## The panel: base increase in effect by comparator and year

# %%
inputs.panel.pivot_table(index="year", columns="jurisdiction", values="increase_pct").round(2)

# %%
inputs.panel.groupby("year")[["cpi_prev", "eci_prev"]].first().round(2)

# %% [markdown]
# ## Models, backtest and forecast

# %%
outlook = wage_outlook.outlook(inputs, base_year)
models.summary_table(outlook.results)[["model", "term", "coef", "se", "ci_low", "ci_high", "n", "cov_type",
                                        "status"]].round(3)

# %%
outlook.backtest.scores.round(3)

# %% [markdown]
# Each test year's prediction (comparator median actual shown for reference):

# %%
bt = outlook.backtest.predictions
by_year = bt.groupby(["year", "method"])["point"].first().unstack("method")
by_year["actual median"] = bt.groupby("year")["actual"].median()
by_year.round(2)

# %%
outlook.forecast.round(2)

# %% [markdown]
# ## The brief section

# %%
show(brief_outlook.section(outlook))
