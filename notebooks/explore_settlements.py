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
# # Exploring settlements
#
# A researcher's workbook: load every settlement, filter with the library, and build the
# aggregate table that goes into a position paper. Change the parameters and re-run.

# %% tags=["parameters"]
state = ["CT", "MA", "RI"]
occupation_group = None  # e.g. "police" or ["clerical", "general"]
settlement_type = None  # e.g. "arbitration_award"
years = (2015, 2026)
basis = "fiscal"  # or "calendar"
fy_start_month = 7
project_root = ""

# %%
import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.inputs import settlements
from wagebrief.config import paths

p = paths(project_root or None)
if p.settlements.exists():
    events = settlements.load(p.settlements)
else:  # not built yet: validate the raw files here
    result = settlements.validate([p.raw_settlements])
    print("\n".join(result.problems()) or "raw files are valid")
    events = result.valid
print(f"{len(events)} events in {events['settlement_id'].nunique()} settlements, "
      f"{events['jurisdiction'].nunique()} jurisdictions")
events.groupby(["occupation_group", "settlement_type"]).settlement_id.nunique().unstack(fill_value=0)

# %% [markdown]
# ## Filter

# %%
chosen = settlements.select(events, state=state, occupation_group=occupation_group,
                            settlement_type=settlement_type, years=years)
print(f"{chosen['settlement_id'].nunique()} settlements match")
chosen.head(10)

# %% [markdown]
# ## Contract metrics (BLS conventions)

# %%
contracts = metrics.contract_metrics(chosen, fy_start_month)
metrics.to_table(contracts).head(20)

# %% [markdown]
# ## The aggregate table: pattern by year, and by occupation group

# %%
metrics.pattern_by_year(chosen, basis, fy_start_month).round(2)

# %%
metrics.aggregate_contracts(contracts, "occupation_group").round(2)

# %%
metrics.pattern_by_year(chosen, basis, fy_start_month, by=["occupation_group"]).round(2)
