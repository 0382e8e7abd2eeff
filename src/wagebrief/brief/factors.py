"""The brief's statutory-factor sections: one per factor commonly weighed in interest arbitration.

Each section holds the evidence the suite has (from the market analysis, the settlements, CPI,
the comparator profile and the unit file) or says plainly what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis import comparables, metrics, package
from wagebrief.analysis.forecast import annual_for_group, group_rows, internal_comparables
from wagebrief.analysis.market import MarketAnalysis, _load_events, analyse
from wagebrief.brief.market import (INTERNAL_FORMATS, POSITION_FORMATS, RANK_RULE, _settlements_source, _source,
                                    basis_note, internal_display, position_display, sentences)
from wagebrief.brief import ability, package_terms
from wagebrief.brief.section import Section, Table
from wagebrief.inputs import gaps

#: Years print as years ("2021"): the default number format would add a thousands separator.
YEAR_FORMAT = "{:.0f}"
#: Fiscal years as the rest of the brief names them ("FY2021", named by the year they end in).
FISCAL_YEAR_FORMAT = "FY{:.0f}"

STATUTORY_FACTORS = (
    "Comparable jurisdictions (external and internal)",
    "Cost of living",
    "The employer's ability to pay",
    "Overall compensation",
    "The interests and welfare of the public and of the employees",
)


def _cpi(unit, root) -> tuple[pd.DataFrame | None, str | None]:
    try:
        from wagebrief.public import series

        df = series.cpi_annual(unit.cpi_series, basis=unit.cpi_basis, fy_start_month=unit.fiscal_year_start_month,
                               root=root)
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if df is None or df.empty or df["yoy_pct"].notna().sum() == 0:
        return None, "no CPI observations have been pulled"
    return df, None


def _plain_evidence(value: Any) -> tuple[list[str], pd.DataFrame | None]:
    """Free-form unit-file evidence (text, a list, or a mapping) as paragraphs or a table."""
    if value is None:
        return [], None
    if isinstance(value, Mapping):
        return [], pd.DataFrame({"Item": [str(k) for k in value], "Evidence": [str(v) for v in value.values()]})
    if isinstance(value, (list, tuple)):
        return [v for v in value], None
    return [value], None


def statutory_factors(unit, root: str | Path | None = None, *, analysis: MarketAnalysis | None = None) -> list[Section]:
    """One :class:`Section` per factor commonly weighed in interest arbitration, each holding the
    evidence the suite has or saying plainly what is missing."""
    if isinstance(unit, str):
        unit = gaps.load_unit(unit, root=root)[0]
    a = analysis or analyse(unit, root=root)
    events = a.events if a.events is not None else _load_events(root)
    emp = unit.employer.name
    out: list[Section] = []

    # 1. Comparables.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[0].lower()}")
    ann = annual_for_group(events, unit.jurisdictions, unit.groups, unit.cpi_basis, unit.fiscal_year_start_month)
    own_ann = annual_for_group(events, [unit.employer.jurisdiction], unit.occupation_group, unit.cpi_basis,
                                unit.fiscal_year_start_month)
    if len(ann):
        agg = metrics.aggregate(ann, "increase_pct", "year")
        agg = agg.merge(own_ann[["year", "increase_pct"]].rename(columns={"increase_pct": "unit_pct"}), on="year", how="left")
        agg = agg[agg["year"] >= agg["year"].max() - 7]
        yl = "Fiscal year" if unit.cpi_basis == "fiscal" else "Year"
        s.text.append(f"External: {len(unit.comparators)} comparator jurisdictions chosen in the unit file; "
                      f"their base increases by year are set beside the unit's below.")
        s.tables.append(Table("Base increases: comparators against the unit",
                              agg.rename(columns={"year": yl, "count": "Comparators", "median": "Comparator median %",
                                                  "mean": "Comparator mean %", "unit_pct": "Unit %"})
                              [[yl, "Comparators", "Comparator median %", "Comparator mean %", "Unit %"]],
                              _settlements_source(group_rows(events, unit.jurisdictions, unit.groups), unit),
                              # A year is a label, not a quantity: "2021", never "2,021".
                              {yl: FISCAL_YEAR_FORMAT if unit.cpi_basis == "fiscal" else YEAR_FORMAT, "Comparator median %": "{:.2f}%", "Comparator mean %": "{:.2f}%",
                               "Unit %": "{:.2f}%"}))
    else:
        s.text.append("Evidence missing: no comparator settlements for this occupation group are in the settlement data.")
    if len(a.position):
        s.text += sentences(a)
        s.tables.append(Table("Pay position (see Market position)", position_display(a), _source(a), POSITION_FORMATS,
                              note=f"{RANK_RULE} {basis_note(a)}"))
    else:
        s.text.append("Evidence missing: no salary schedules to compare pay levels (data/raw/salaries).")
    internal = internal_comparables(unit, events, a.start)
    others = internal[internal["occupation_group"].ne(unit.occupation_group)] if len(internal) else internal
    if len(others):
        s.text.append(f"Internal: {others['unit'].nunique()} other {emp} unit(s) settled in the same or the upcoming round.")
        s.tables.append(Table("Internal comparables", internal_display(internal), "Settlements: data/raw/settlements",
                              INTERNAL_FORMATS))
    else:
        s.text.append(f"Evidence missing: no other {emp} units are in the settlement data (internal comparables).")
    if a.comparables is not None:
        s.text += a.comparables.summary()
    else:
        s.text.append("Evidence missing: the candidate jurisdictions could not be scored"
                      + (f" ({a.comparables_error})." if a.comparables_error else "."))
    out.append(s)

    # 2. Cost of living.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[1].lower()}")
    cpi, why = _cpi(unit, root)
    if cpi is None:
        s.text.append(f"Evidence missing: no CPI figures for {unit.cpi_series} ({why}). Pull them with "
                      "'wagebrief pull' and rebuild the series to fill this factor.")
    else:
        c = cpi[["year", "label", "yoy_pct"]].rename(columns={"yoy_pct": "cpi_pct"})
        c = c.merge(own_ann[["year", "increase_pct"]].rename(columns={"increase_pct": "unit_pct"}), on="year", how="left")
        if len(ann):
            med = ann.groupby("year")["increase_pct"].median().rename("comparator_median_pct")
            c = c.merge(med, left_on="year", right_index=True, how="left")
        else:
            c["comparator_median_pct"] = np.nan
        c["unit_real_pct"] = ((1 + c["unit_pct"] / 100) / (1 + c["cpi_pct"] / 100) - 1) * 100
        c = c.dropna(subset=["cpi_pct"]).tail(8)
        both = c.dropna(subset=["unit_pct"])
        if len(both):
            cum_u = float(np.prod(1 + both["unit_pct"] / 100))
            cum_c = float(np.prod(1 + both["cpi_pct"] / 100))
            s.text.append(f"Over {both['label'].iloc[0]}-{both['label'].iloc[-1]} the unit's base pay rose "
                          f"{(cum_u - 1) * 100:.1f}% and prices ({unit.cpi_series}) {(cum_c - 1) * 100:.1f}%: "
                          f"a real change of {(cum_u / cum_c - 1) * 100:+.1f}%.")
        synth = bool(cpi.get("synthetic", pd.Series(dtype=bool)).fillna(False).astype(bool).any())
        s.tables.append(Table("Inflation against base increases",
                              c.rename(columns={"label": "Year", "cpi_pct": "CPI %", "unit_pct": "Unit %",
                                                "comparator_median_pct": "Comparator median %",
                                                "unit_real_pct": "Unit real %"})[["Year", "CPI %", "Unit %",
                                                                                  "Comparator median %", "Unit real %"]],
                              f"CPI {unit.cpi_series} (wagebrief.public.series)" + (" - SYNTHETIC" if synth else ""),
                              {"CPI %": "{:.2f}%", "Unit %": "{:.2f}%", "Comparator median %": "{:.2f}%",
                               "Unit real %": "{:+.2f}%"}))
    out.append(s)

    # 3. Ability to pay.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[2].lower()}")
    paras, tab = _plain_evidence(unit.extra.get("ability_to_pay"))
    if paras or tab is not None:
        s.text += paras
        if tab is not None:
            s.tables.append(Table("Ability to pay (from the unit file)", tab, f"comparators/{unit.unit}.yml"))
    words, fiscal = ability.panel(unit, root)
    if not paras and tab is None:
        # With fiscal indicators on file, the fund balance and tax base are not missing: only what the unit file adds.
        s.text.append(f"The unit file gives no other ability-to-pay evidence (budget, bond rating). Add it under "
                      f"ability_to_pay: in comparators/{unit.unit}.yml." if fiscal is not None else
                      f"Evidence missing: the unit file gives no ability-to-pay evidence (budget, fund balance, "
                      f"tax base, bond rating). Add it under ability_to_pay: in comparators/{unit.unit}.yml.")
    s.text += words
    if fiscal is not None:
        s.tables.append(fiscal)
    prof = a.profile
    if prof is None and a.comparables is None:
        prof, _ = comparables.load_profile(root)
    prof_rows = _profile_rows(unit, prof)
    if prof_rows is not None:
        s.text.append("Community income and government pay from the comparator profile, employer against comparators:")
        s.tables.append(prof_rows)
    else:
        s.text.append("Evidence missing: no comparator profile figures (population, median household income, "
                      "government pay); run the public-data pull.")
    out.append(s)

    # 4. Overall compensation.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[3].lower()}")
    lon = a.position[a.position["measure"].str.startswith("top_longevity")] if len(a.position) else a.position
    hrs = a.position[a.position["measure"].str.endswith("hourly")] if len(a.position) else a.position
    if len(lon) or len(hrs):
        s.text.append("Pay beyond the base rate: hourly rates where hours differ, and top step plus longevity "
                      "where schedules give it.")
        both = pd.concat([hrs, lon])
        s.tables.append(Table("Hourly and longevity views", position_display(both), _source(a), POSITION_FORMATS,
                              note=RANK_RULE))
    else:
        s.text.append("Evidence missing: no hours or longevity differences in the salary schedules.")
    ev_j = events[events["jurisdiction"].str.casefold().isin({j.casefold() for j in (unit.employer.jurisdiction, *unit.jurisdictions)})
                  & events["occupation_group"].isin(unit.groups)]
    lumps = ev_j[ev_j["event"].eq("lump_sum") & (ev_j["effective_date"] >= a.as_of - pd.DateOffset(years=5))]
    if len(lumps):
        s.text.append(f"{lumps['jurisdiction'].nunique()} of these jurisdictions paid lump sums (not added to base) "
                      "in the last five years; they appear in the settlement tables.")
    # The benefit terms the settlements state, where any of these jurisdictions' rows hold one;
    # without them the factor reads as it always did.
    if package.has_package_terms(ev_j):
        table, words = package_terms.benefit_comparison(events, unit)
        s.text += words
        s.tables.append(Table("Employee premium share and pension contribution: the unit against its comparators",
                              table, _settlements_source(ev_j, unit), package_terms.BENEFIT_FORMATS,
                              note="The latest value each jurisdiction's latest contract states, and its change over "
                                   "that contract's term (first stated value to last); — where no contract states one. "
                                   "Each term's source is in the Comparator settlements section."))
        s.text.append("Evidence missing: the suite holds no health insurance, pension, leave or other benefit "
                      "costs; overall compensation here covers wages, longevity, lump sums and the premium shares "
                      "and pension contributions the settlements state.")
    else:
        s.text.append("Evidence missing: the suite holds no health insurance, pension, leave or other benefit "
                      "costs; overall compensation here covers wages, longevity and lump sums only.")
    out.append(s)

    # 5. Interests and welfare.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[4].lower()}")
    paras, tab = _plain_evidence(unit.extra.get("notes"))
    if prof_rows is not None:
        s.text.append("The community the employer serves (population and income) is in the profile table under "
                      "the employer's ability to pay.")
    if len(a.position):
        top = a.position[a.position["measure"].eq("top")]
        below = top[top["pct_vs_median"] < 0]
        if len(below):
            s.text.append("Recruitment and retention: the unit's top step is below the comparator median for "
                          + ", ".join(f"{r.benchmark_title} ({r.pct_vs_median:.1f}%)" for r in below.itertuples())
                          + ", which bears on the employees' welfare and the public's interest in keeping staff.")
    s.text += paras
    if tab is not None:
        s.tables.append(Table("Notes from the unit file", tab, f"comparators/{unit.unit}.yml"))
    s.text.append("Evidence missing: the suite holds no vacancy, turnover, overtime or service-level data; add "
                  f"them as notes: in comparators/{unit.unit}.yml to state them here.")
    out.append(s)
    for sec in out:
        if unit.synthetic:
            sec.caveats.append("SYNTHETIC demo data: the figures are invented.")
    return out


def _profile_rows(unit, prof: pd.DataFrame | None) -> Table | None:
    if prof is None or len(prof) == 0:
        return None
    p = comparables.normalise_profile(prof, unit.employer.jurisdiction_type)
    names = [unit.employer.jurisdiction, *unit.jurisdictions]
    keys = {n.casefold(): i for i, n in enumerate(names)}
    p = p[p["jurisdiction"].str.casefold().isin(keys)]
    if p.empty or p[["population", "median_hh_income", "gov_pay"]].isna().all().all():
        return None
    p = p.assign(_o=p["jurisdiction"].str.casefold().map(keys)).sort_values("_o")
    comp = p[p["_o"] > 0]
    rows = p[["jurisdiction", "population", "median_hh_income", "gov_pay"]].copy()
    rows.loc[len(rows)] = ["Comparator median", comp["population"].median(), comp["median_hh_income"].median(),
                           comp["gov_pay"].median()]
    synth = bool(prof.get("synthetic", pd.Series(dtype=bool)).fillna(False).astype(bool).any())
    return Table("Employer and comparators: population, income, government pay",
                 rows.rename(columns={"jurisdiction": "Jurisdiction", "population": "Population",
                                      "median_hh_income": "Median household income",
                                      "gov_pay": "State & local gov. average pay"}),
                 "Comparator profile: ACS and QCEW (wagebrief.public.pulled_profiles)" + (" - SYNTHETIC" if synth else ""),
                 {"Population": "{:,.0f}", "Median household income": "${:,.0f}",
                  "State & local gov. average pay": "${:,.0f}"})
