"""The "Methodology and sources" section: what each measure means and where every figure
comes from, with its vintage."""

from __future__ import annotations

from wagebrief.brief.data import BriefData, input_labels, sources_line, vintages
from wagebrief.brief.section import Section
from wagebrief.inputs import provenance


METHODOLOGY = [
    ("Base increases", "General wage increases in percent (gwi_pct) and flat-dollar raises (gwi_flat, worth "
     "amount / reference salary, where the reference salary is the rate just before that raise). Steps, "
     "lump sums and freezes are not base increases."),
    ("First year, life of contract, average annual", "First year compounds the base increases effective in the "
     "term's first 12 months; life of contract compounds all of them; average annual is (1 + life) ^ (12 / "
     "months) - 1 over the term's whole calendar months (BLS major-settlement conventions)."),
    ("Lump sums", "Never compounded into base; shown in dollars and as a percent of the reference salary."),
    ("Unknown measures", "Where a source does not give what a measure needs (a flat raise with no reference "
     "salary, an hourly raise with no hours), the measure is shown as — and the contract's note says why; it "
     "is never counted as 0 or guessed, and averages say how many contracts they are over."),
    ("Retroactivity", "Retro (months) is the whole months from the term's start to a later ratification: "
     "the months retro pay is owed for."),
    ("Cost by fiscal year", "The budget view: the wage rate starts at 1.0 before the contract and steps up as "
     "increases take effect; a fiscal year's cost is its average daily rate over the previous year's, minus 1."),
    ("The pattern by year", "Each comparator's base increases in effect in a year, compounded and counted once; "
     "a covered year with no increase is 0; a partly covered year with no increase is left out as unknown. "
     "Weighted means use employees covered."),
    ("Real wages", "Nominal increases deflated by the CPI-U series named in the unit file, on the unit's "
     "fiscal or calendar years."),
    ("Forecasts and the settlement range", "statsmodels models (pooled trend, mixed effects, inflation "
     "pass-through) checked by a rolling-origin backtest against naive baselines; the range comes from the "
     "method with the lowest backtest error, and says so when no model beats the baselines."),
    ("Market position", "Entry and top-step pay against each comparator's schedule on the same date; rank 1 "
     "is highest, percentiles by linear interpolation (Excel PERCENTILE.INC); comparators without data are "
     "named and left out, never counted as zero."),
    ("Basis of the market position", "Where the unit's and the comparators' weekly hours differ, pay is "
     "compared both per hour (annual pay / (hours a week x 52), to the cent) and as annual pay, and every figure "
     "names its basis. The headline rests on the unit file's position_basis: hourly unless it says annual, "
     "because with different hours annual pay counts longer hours as higher pay, while the hourly rate prices "
     "the same hour of work. With equal hours the two bases agree and annual pay is shown."),
    ("Ties in rank", "Pay equal to the cent is a tie, and a tie gives the unit the better rank (the unit paid "
     "the same as the top comparator ranks 1); the rank then says how many comparators it is tied with."),
    ("Costing", "Each scenario priced on the unit's own roster, day by day in closed form: base payroll, "
     "increase by component (GWI, steps, longevity, lump sums), employer Social Security (capped at the "
     "year's wage base), Medicare and pension roll-up."),
]


def methodology_section(data: BriefData) -> Section:
    """What each measure means and where every figure comes from, with its vintage."""
    v = vintages(data)
    text = [f"{name}: {what}" for name, what in METHODOLOGY]
    text.append(f"Settlements: {sources_line(data)}")
    text += [f"Input: {lab.text}." for lab in input_labels(data)]
    text.append(f"CPI-U: {v.get('cpi_source', '')} (through {v['cpi']}).")
    text.append(f"ECI: {v.get('eci_source', '')} (through {v['eci']}).")
    # Named only when the brief used profile figures (the input labels say which).
    used_profiles = any(lab.input.startswith(("Comparator profiles", "Census ACS", "BLS QCEW")) and lab.kind != provenance.NONE
                        for lab in input_labels(data))
    if v.get("profile_source") and used_profiles:
        text.append(f"Comparator profiles: {v['profile_source']}.")
    return Section("Methodology and sources", text=text)
