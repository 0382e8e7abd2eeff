# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Rendered per unit by `wagebrief render`; runs by hand in JupyterLab with these defaults.
# The numbers come from `wagebrief.brief`; this notebook only lays them out.
unit = "state-clerical"
cycle_year = 2027
project_root = ""

# %%
from IPython.display import HTML, display

from wagebrief import brief

data = brief.load(unit, root=project_root or None, cycle_year=cycle_year)
display(HTML(brief.cover(data)))

# %%
brief.show(brief.settlements_section(data))

# %%
brief.show(brief.inflation_section(data))

# %%
from wagebrief import costing, market, models

brief.show(models.brief_section(data.unit, root=data.root))

# %%
position = market.analyse(data.unit, root=data.root)
brief.show(market.brief_section(data.unit, root=data.root, analysis=position))

# %%
brief.show(costing.brief_section(data.unit, root=data.root))

# %% [markdown]
# ## The statutory factors

# %%
for factor in market.statutory_factors(data.unit, root=data.root, analysis=position):
    brief.show(factor)
