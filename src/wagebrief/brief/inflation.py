"""The "Settlements against inflation" section: the comparator median increase beside CPI-U
and the ECI for state and local government wages, year by year."""

from __future__ import annotations

import pandas as pd

from wagebrief.analysis import metrics, realwages, scenarios, trends
from wagebrief.analysis.realwages import partial_years
from wagebrief.brief import figures
from wagebrief.brief.data import BriefData, pct, sources_line
from wagebrief.brief.section import ChartData, ChartTable, Figure, Section, Series, Table
from wagebrief.brief.settlements import pattern_note
from wagebrief.brief.spans import span_words, year_label


def inflation_table(data: BriefData) -> pd.DataFrame:
    """Per year: the comparator median base increase, CPI-U and the ECI (state and local wages).

    Years follow the unit's basis (fiscal or calendar). The ECI is measured one way everywhere
    (here and in the models, :func:`wagebrief.analysis.trends.eci_annual`): the mean of the
    12-month changes published for the quarters ending in the year, with ``eci_quarters``; a year
    with no published quarter stays missing.
    """
    from wagebrief.public import series

    u = data.unit
    pattern = metrics.pattern_by_year(data.comparator_events(), u.cpi_basis, u.fiscal_year_start_month)
    cpi = series.cpi_annual(u.cpi_series, basis=u.cpi_basis, fy_start_month=u.fiscal_year_start_month, root=data.root)
    eci = trends.eci_annual(series.eci(root=data.root), u.cpi_basis, u.fiscal_year_start_month).set_index("year")
    t = pd.DataFrame({"year": pattern["year"], "median_increase_pct": pattern["median"].to_numpy()})
    t["cpi_pct"] = t["year"].map(cpi.set_index("year")["yoy_pct"])
    t["eci_pct"] = t["year"].map(eci["value"])
    t["eci_quarters"] = t["year"].map(eci["n_quarters"]).astype("Int64")
    t["real_median_pct"] = ((1 + t["median_increase_pct"] / 100) / (1 + t["cpi_pct"] / 100) - 1) * 100
    if "count" in pattern:
        # The same threshold as the comparator pattern and the costing, so a year is thin everywhere or nowhere.
        t["comparators"] = pattern["count"].to_numpy()
        t["provisional"] = t["comparators"] < scenarios.pattern_threshold(u, data.root)
    return t


def comparators_cell(n: int, provisional: bool) -> str:
    """'2 (PROVISIONAL)' for a year resting on too few settled comparators, else '3'."""
    return f"{int(n)} (PROVISIONAL)" if provisional else str(int(n))


ECI_COLUMN = "ECI state & local wages (mean of published quarters)"
ECI_NOTE = ("ECI: each year's figure is the mean of the 12-month changes BLS published for the quarters ending "
            "in that year (computed from the index where only the index is published); the number of quarters "
            "is shown beside it, as years built from different quarters are not strictly alike. The forecast "
            "models use the same measure.")


def _eci_cell(x: float, n) -> str:
    """'3.4% (2 of 4 quarters)'; missing -> '—'."""
    return "—" if pd.isna(x) else f"{pct(x, 1)} ({int(n)} of 4 quarters)"


def inflation_section(data: BriefData) -> Section:
    """Settlements against inflation and the state and local wage index."""
    from wagebrief.public import series

    u = data.unit
    t = inflation_table(data)
    v = series.vintages(root=data.root)
    label = lambda y: year_label(y, u.cpi_basis)  # noqa: E731
    cpi = series.cpi_annual(u.cpi_series, basis=u.cpi_basis, fy_start_month=u.fiscal_year_start_month, root=data.root)
    text = []
    w = realwages.wages_against_prices(t, u.cycle_year)
    if w is not None:
        span = w["span"]
        real = w["real_pct"]
        verdict = "ahead of" if real > 0.05 else "behind" if real < -0.05 else "level with"
        # Only the two ends' averages enter the compounded CPI change (the yearly changes telescope).
        short = partial_years(cpi, [span.base_year, span.end_year])
        text.append(
            f"{_cap(span_words(span, u.cpi_basis))}, the comparators' yearly median base increases "
            f"(each year's median across comparators, compounded) came to {pct(w['wages_pct'])}, while the "
            f"average of CPI-U ({u.cpi_series}) rose {pct(w['cpi_pct'])}{_partial_clause(short, label)}: "
            f"settlements ran {verdict} inflation by {pct(abs(real))} in real terms.")
        timing = realwages.increase_timing(data.comparator_events(), span, u.cpi_basis, u.fiscal_year_start_month)
        kind = "fiscal year" if u.cpi_basis == "fiscal" else "year"
        text.append(
            f"The two are timed differently: an increase counts at its full percent in the {kind} it takes "
            f"effect, while CPI-U is the average price level over the {kind}; {timing['n_after_start']} of the "
            f"{timing['n_increases']} comparator increases effective in {label(span.first_year)}–"
            f"{label(span.end_year)} took effect after the {kind}'s first day, so the comparison counts each of "
            f"those raises in full in a {kind} whose average pay it lifted only in part.")
    caveats = []
    short = partial_years(cpi, list(t["year"]) + list(t["year"] - 1))
    if len(short):
        caveats.append(_partial_note(short, label))
    if t["eci_pct"].isna().any():
        caveats.append("The ECI column is blank for years with no published quarter in the snapshot; gaps "
                       "are left as gaps.")
    caveats.append(ECI_NOTE)
    if "provisional" in t and t["provisional"].any():
        k = scenarios.pattern_threshold(u, data.root)
        caveats.append(f"A PROVISIONAL year's median rests on fewer comparators than the pattern needs (a year "
                       f"most have not settled yet, or one contract's short stub). {pattern_note(k)}")
    src = (f"Sources: {sources_line(data).removeprefix('Source: ')} CPI-U {u.cpi_series}: {v['cpi_source']}. "
           f"ECI CIU3020000000000A (state and local government wages and salaries, 12-month changes): {v['eci_source']}.")
    shown = pd.DataFrame({
        "Year": t["year"].map(label), "Comparator median increase (that year's median)": t["median_increase_pct"].map(pct),
        **({"Comparators settled": [comparators_cell(n, p) for n, p in zip(t["comparators"], t["provisional"])]}
           if "provisional" in t else {}),
        "CPI-U change": t["cpi_pct"].map(pct), ECI_COLUMN: [_eci_cell(x, n) for x, n in zip(t["eci_pct"], t["eci_quarters"])],
        "Real median increase": t["real_median_pct"].map(pct),
    })
    return Section("Settlements against inflation", text=text,
                   tables=[Table("Comparator settlements, prices and the wage index by year", shown, src)],
                   figures=[Figure("Settlements against inflation", inflation_figure(data, t), src,
                                   [inflation_chart(data, t)])],
                   caveats=caveats)


ECI_LABEL = "ECI state & local wages (mean of published quarters' 12-month changes)"
MEDIAN_LABEL = "Comparator median base increase"


def inflation_figure(data: BriefData, t: pd.DataFrame):
    """Bars of the comparator median increase, with CPI-U and ECI lines, in percent."""
    fig, ax = figures.new((8, 3.8))
    ax.bar(t["year"], t["median_increase_pct"], color="#4c78a8", alpha=0.8, label=MEDIAN_LABEL)
    ax.plot(t["year"], t["cpi_pct"], color="#e45756", marker="o", lw=2, label=f"CPI-U {data.unit.cpi_series}")
    ax.plot(t["year"], t["eci_pct"], color="#54a24b", marker="s", lw=0, label=ECI_LABEL)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(_x_title(data))
    ax.set_ylabel("Percent change")
    ax.set_title("Settlements against inflation")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7, frameon=False)
    fig.text(0.01, 0.01, "Sources: settlements (see table), BLS CPI-U and ECI", fontsize=7, color="#555")
    return figures.finish(fig)


def _x_title(data: BriefData) -> str:
    return "Fiscal year" if data.unit.cpi_basis == "fiscal" else "Year"


def inflation_chart(data: BriefData, t: pd.DataFrame) -> ChartData:
    """The numbers :func:`inflation_figure` draws from ``t``, for a native chart."""
    x, cpi = _x_title(data), f"CPI-U {data.unit.cpi_series}"
    frame = pd.DataFrame({x: t["year"].to_numpy(), MEDIAN_LABEL: t["median_increase_pct"].to_numpy(),
                          cpi: t["cpi_pct"].to_numpy(), ECI_LABEL: t["eci_pct"].to_numpy()})
    series = [Series(MEDIAN_LABEL, "column", "#4c78a8"), Series(cpi, "line", "#e45756", 2, marker="circle"),
              Series(ECI_LABEL, "markers", "#54a24b", marker="square")]
    return ChartData("Settlements against inflation", [ChartTable(frame, x, series)], "column", "percent",
                     x, "Percent change")



def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _months(row) -> str:
    gaps = f"; {row.missing_months} not published" if row.missing_months else ""
    return f"{row.n_months} months{gaps}"


def _partial_clause(short: pd.DataFrame, label) -> str:
    """' (the FY2026 average is of 11 months; 2025-10 not published)' for partial years, else ''."""
    if short.empty:
        return ""
    bits = [f"the {label(r.year)} average is of {_months(r)}" for r in short.itertuples()]
    return " (" + "; ".join(bits) + ")"


def _partial_note(short: pd.DataFrame, label) -> str:
    """The table note for CPI averages of fewer than 12 months, with the rule used."""
    years = ", ".join(f"{label(r.year)} ({_months(r)})" for r in short.itertuples())
    why = (" BLS published no October 2025 index (the 2025 federal shutdown)."
           if short["missing_months"].str.contains("2025-10").any() else "")
    return (f"CPI-U averages of fewer than 12 months: {years}.{why} Such a year is averaged over the months "
            "published, not filled, the rule BLS's own published 2025 annual average follows (see "
            "Methodology); every change from or to that year uses the partial average.")
