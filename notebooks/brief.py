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
# The numbers come from `wagebrief.brief`'s section modules; this notebook only lays them out.
unit = "state-clerical"
cycle_year = 2027
project_root = ""
as_of = ""  # the market position's date, YYYY-MM-DD; empty: today (the generation date)

# %%
# partial.* instead of the section modules: a section whose inputs are bad (a roster row, say)
# shows its problems in a box and every other section still renders.
from wagebrief.brief import appendix, changes, data as brief_data, headlines, page, partial

data, warnings = partial.load(unit, root=project_root or None, cycle_year=cycle_year,
                              as_of=as_of or brief_data.today())
analyses = {}
sections = partial.compute(data, analyses)
# The headline figures the next run compares with (kept in the run manifest).
headline_figures = headlines.figures(data, **analyses)

# %%
partial.show_html("cover", lambda: page.cover(
    data, changes=changes.sentences(headline_figures, headlines.previous(data))))
headlines.show(headline_figures)  # in the output's metadata only: nothing on the page

# %%
partial.show_status(sections, warnings)

# %%
partial.show(sections["summary"])

# %%
partial.show(sections["settlements"])

# %%
partial.show(sections["inflation"])

# %%
partial.show(sections["outlook"])

# %%
partial.show(sections["market"])

# %%
partial.show(sections["costing"])

# %% [markdown]
# ## The statutory factors
#
# The factors an interest arbitrator commonly weighs, each with the evidence this brief has,
# or a plain statement of what is missing.

# %%
for factor in sections["factors"]:
    partial.show(factor)

# %%
partial.show(sections["methodology"])

# %%
partial.show_html("appendix", lambda: appendix.appendix_html(data))
