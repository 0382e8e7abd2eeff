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
sections = brief.compute(data)
display(HTML(brief.cover(data)))
brief.show(sections["summary"])

# %%
brief.show(sections["settlements"])
brief.show(sections["inflation"])

# %%
brief.show(sections["outlook"])

# %%
brief.show(sections["market"])

# %%
brief.show(sections["costing"])

# %% [markdown]
# ## The statutory factors
#
# The factors an interest arbitrator commonly weighs, each with the evidence this brief has,
# or a plain statement of what is missing.

# %%
for factor in sections["factors"]:
    brief.show(factor)

# %%
brief.show(sections["methodology"])
display(HTML(brief.appendix_html(data)))
