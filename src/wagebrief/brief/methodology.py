"""The "Methodology and sources" section: what each measure means and where every figure
comes from, with its vintage."""

from __future__ import annotations

from wagebrief.analysis import scenarios
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
    ("Lump sums", "Never compounded into base; shown in dollars and as a percent of the reference salary. A "
     "lump sum a source gives only in percent (or only in dollars) with no reference salary to convert it is "
     "shown as given, and the other column says so; it is not unknown."),
    ("Unknown measures", "Where a source does not give what a measure needs (a flat raise with no reference "
     "salary, an hourly raise with no hours), the measure is shown as — and the contract's note says why; it "
     "is never counted as 0 or guessed, and averages say how many contracts they are over."),
    ("Retroactivity", "Retro (months) is the whole months from the term's start to a later ratification: "
     "the months retro pay is owed for; how it was paid is shown where the source says."),
    ("Schedules", "A contract whose raises differ by group (tier, titles, steps) is one settlement with several "
     "schedules. Its figures describe the general increase for everyone when the groups' raises only add to it, "
     "else the schedule named 'all', else the first the record lists; two schedules' raises are never "
     "compounded together, and the settlements section names the schedule measured and shows the others."),
    ("Reopeners", "A year whose wages are to be bargained again is unknown: every measure that needs its wages "
     "(life of contract, average annual, that year's and later years' increases and costs) is shown as —, "
     "never 0."),
    ("Package terms", "Premium shares and pension contributions are levels from their dates; their change is "
     "in percentage points from the first value a contract states to the last (the level before it is unknown "
     "unless stated). A change in paid hours is its own kind of increase, in percent of pay "
     "(hours after / hours before - 1), never a base increase. Stipends, steps, longevity, holidays, parity "
     "and other terms are shown as the source states them. Official costs are the sources' figures, cited, "
     "never mixed with wagebrief's costing."),
    ("Totals as stated", "A source's headline total often adds the raises (3% + 3% + 3.2% as \"9.2%\"); the "
     "brief shows the raises compounded (9.48%) and keeps the source's figure, and which rule it follows, "
     "in the appendix."),
    ("Published averages", "Averages a state board publishes (Ohio SERB, New Jersey PERC, NJSBA) are shown "
     "beside the comparators' first-year mean for the same period, unit type and kind of employer, as the "
     "publisher measured them; they enter none of the comparators' measures."),
    ("Cost by fiscal year", "The budget view: the wage rate starts at 1.0 before the contract and steps up as "
     "increases take effect; a fiscal year's cost is its average daily rate over the previous year's, minus 1."),
    ("The comparator pattern", "One definition for the settlements and market tables, the market outlook and the "
     "costing's pattern scenario (wagebrief.analysis.metrics.comparator_pattern). Each year (fiscal years; the "
     "settlements table uses the unit's year basis), each of the unit's comparators in its occupation group "
     "(or the groups the unit file's comparator_groups lists; all of their units if none has one in them) counts its base increases in effect that year, compounded and counted once; a covered year with no "
     "increase is 0; a partly covered year with no increase is left out as unknown. The pattern is the median "
     "of those; mean, employee-weighted mean, low and high are shown beside it. A year resting on fewer than "
     "{min_comparators} settled comparators is PROVISIONAL: its statistics are shown, marked, but its own few "
     "settlements do not set the pattern, which takes the median of the latest earlier full year; every year "
     "past the last settled one takes that median too. No forecast enters the pattern."),
    ("Thin years in the models", "The wage-trend models fit each comparator's own increase per year (one "
     "observation per comparator and year before the cycle year), so a provisional year's few observations "
     "enter them as they are, as does a year a contract covers only in part but with an increase in it (such "
     "as a three-month stub at the start of the history); they are not weighted down or left out."),
    ("Real wages", "Nominal increases deflated by the CPI-U series named in the unit file, on the unit's "
     "fiscal or calendar years."),
    ("Spans of years", "\"Over the five fiscal years FY2022–FY2026, from the FY2021 average\" means five yearly "
     "changes compounded: increases effective in FY2022 to FY2026, and the FY2026 average CPI over the FY2021 "
     "average. A span never jumps a missing year."),
    ("Comparator median, two ways", "The headline (summary, Settlements against inflation) compounds each "
     "year's median across comparators (\"yearly median base increases\"). The real-wage table's \"Comparator "
     "median of compounded changes\" compounds each comparator's own increases first and takes the median of "
     "those. The two differ when comparators' increases fall in different years."),
    ("Wage and CPI timing", "An increase counts at its full percent in the year it takes effect, whatever the "
     "month; CPI is the year's average price level. For an increase effective on the year's first day the two "
     "match; for a later one the wage side counts the whole raise in a year it lifted only in part, so the "
     "brief says how many such increases the span holds. wagebrief keeps the effective-year convention because "
     "it is how settlements are quoted and bargained."),
    ("ECI, one measure", "Everywhere the brief shows or models the ECI for state and local government wages, "
     "a year's figure is the mean of the 12-month changes published for the quarters ending in that year "
     "(computed from the index where only the index is published), with the number of quarters beside it. "
     "The 12-month change to the year's last quarter alone would be cleaner, but the snapshot of published "
     "values holds few year-end quarters (for July fiscal years, two Junes), which would starve the models."),
    ("CPI years with unpublished months", "A year's average CPI is the mean of the months BLS published; a "
     "month BLS never published is left out, not interpolated, and every table and sentence using that year "
     "says how many months it holds. BLS collected no October 2025 CPI data (2025 federal shutdown; "
     "https://www.bls.gov/cpi/additional-resources/2025-federal-government-shutdown-impact-cpi.htm). BLS's own "
     "published 2025 annual average index (period M13 in BLS's database, as shipped in the cpi package) equals "
     "the mean of the 11 published months, and wagebrief applies the same rule to fiscal years; BLS's notes "
     "stored here do not spell the annual-average rule out in words, so that reading is wagebrief's, checked "
     "against BLS's published figure (tests/test_series.py)."),
    ("Forecasts and the settlement range", "statsmodels models (pooled trend, mixed effects, inflation "
     "pass-through) checked by a rolling-origin backtest against naive baselines; the range comes from the "
     "method with the lowest backtest error, and says so when no model beats the baselines."),
    ("Market position", "Entry and top-step pay against each comparator's schedule on the same date; rank 1 "
     "is highest, percentiles by linear interpolation (Excel PERCENTILE.INC); comparators without data are "
     "named and left out, never counted as zero."),
    ("Date of the market position", "The position is stated as of the brief's as-of date (the date it was "
     "generated unless the render gives another, printed on the cover): every schedule, the unit's and each "
     "comparator's, carries every increase effective on or before that date and none after it. A comparator "
     "whose known increases end before that date is carried on with the forecast, and its pay is marked "
     "PROJECTED, never passed off as settled."),
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
    k = scenarios.pattern_threshold(data.unit, data.root)
    text = [f"{name}: {what.format(min_comparators=k)}" for name, what in METHODOLOGY]
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
