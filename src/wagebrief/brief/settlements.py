"""The "Comparator settlements" section: the comparators' contracts, the pattern by year and
their cumulative base-wage growth."""

from __future__ import annotations

import pandas as pd

from wagebrief.analysis import metrics, package, scenarios, schedules
from wagebrief.brief import figures, package_terms, published as published_brief
from wagebrief.brief.data import BriefData, dollars, pct, sources_line
from wagebrief.brief.section import ChartData, ChartTable, Figure, Section, Series, Table
from wagebrief.brief.words import group_words, vocab
from wagebrief.inputs import published


def settlements_table(data: BriefData) -> pd.DataFrame:
    """The comparators' contracts with the headline measures, newest first."""
    return contracts_table(data.comparator_contracts())


def lump_cells(total: float, pct_: float) -> tuple[str, str]:
    """A contract's lump sums in dollars and in percent of pay, each as given or converted; a
    side the source gives no salary to convert to says so rather than showing — (unknown)."""
    if pd.isna(total) and pd.notna(pct_):
        return "in % only (no salary given)", pct(pct_)
    if pd.isna(pct_) and pd.notna(total):
        return dollars(total), "in $ only (no salary given)"
    return dollars(total), pct(pct_)


def contracts_table(contracts: pd.DataFrame) -> pd.DataFrame:
    """Contract metrics (:func:`wagebrief.analysis.metrics.contract_metrics`) for display, newest first."""
    c = contracts.sort_values(["term_start", "jurisdiction"], ascending=[False, True])
    lumps = [lump_cells(t, p) for t, p in zip(c["lump_sum_total"], c["lump_sum_pct"])]
    out = pd.DataFrame({
        "Jurisdiction": c["jurisdiction"],
        "Term": c["term_start"].dt.strftime("%Y-%m") + " to " + c["term_end"].dt.strftime("%Y-%m"),
        "Months": c["term_months"],
        "Type": c["settlement_type"].map(vocab),
        "First year": c["first_year_pct"].map(pct),
        "Life of contract": c["life_of_contract_pct"].map(pct),
        "Average annual": c["avg_annual_pct"].map(pct),
        "Lump sums $": [d for d, _ in lumps],
        "Lump sums %": [p for _, p in lumps],
        "Freeze (months)": c["freeze_months"],
        "Retro (months)": c["retro_months"].map(lambda m: "—" if pd.isna(m) else f"{m:.0f}"),
    })
    return out.reset_index(drop=True)


def schedules_table(data: BriefData) -> pd.DataFrame:
    """The comparators' contracts with schedules, measured schedule by schedule
    (:func:`wagebrief.analysis.package.by_schedule`), the schedule the other tables use marked."""
    ev = data.comparator_events()
    ids = schedules.measured_schedules(ev).index
    per = package.by_schedule(ev[ev["settlement_id"].isin(ids)], data.unit.fiscal_year_start_month)
    per = per.sort_values(["term_start", "jurisdiction", "settlement_id", "measured"],
                          ascending=[False, True, True, False], kind="stable")
    return pd.DataFrame({
        "Jurisdiction": per["jurisdiction"],
        "Schedule": [f"{s} (measured)" if m else str(s) for s, m in zip(per["schedule"], per["measured"])],
        "Term": per["term_start"].dt.strftime("%Y-%m") + " to " + per["term_end"].dt.strftime("%Y-%m"),
        "First year": per["first_year_pct"].map(pct),
        "Life of contract": per["life_of_contract_pct"].map(pct),
        "Average annual": per["avg_annual_pct"].map(pct),
    }).reset_index(drop=True)


def unknown_measures(contracts: pd.DataFrame) -> list[str]:
    """Why each contract's unknown measures (shown as —) are unknown, one line a contract."""
    c = contracts[contracts["measure_notes"].fillna("").ne("")].sort_values(["term_start", "jurisdiction"], ascending=[False, True])
    return [f"{j} {t:%Y-%m}: {n}." for j, t, n in zip(c["jurisdiction"], c["term_start"], c["measure_notes"])]


def year_name(year: int, basis: str = "fiscal") -> str:
    """"FY2027" on the fiscal basis, "2027" on the calendar one."""
    return f"FY{int(year)}" if basis == "fiscal" else str(int(year))


def pattern_status(r: dict, min_comparators: int, basis: str = "fiscal") -> str:
    """How a year of :func:`wagebrief.analysis.metrics.comparator_pattern` enters the pattern, in words."""
    if not r["provisional"]:
        return "full"
    carried = (f"{year_name(r['from_year'], basis)}'s median carried forward" if r["carried_forward"]
               else "no pattern (no earlier full year)")
    if r["count"] == 0:
        return f"no settlements yet: {carried}"
    return f"PROVISIONAL (fewer than {min_comparators} comparators): {carried}"


def pattern_note(min_comparators: int) -> str:
    """The table note on provisional years, stated where the tables mark them."""
    return (f"PROVISIONAL marks a year resting on fewer than {min_comparators} settled comparators: its "
            "statistics are shown, but the comparator pattern (and the costing's pattern scenario) uses the "
            "median of the latest earlier full year instead. The wage-trend models still use every "
            "comparator's own increase in such a year (see Methodology).")


def pattern_table(data: BriefData) -> pd.DataFrame:
    """The comparator pattern by year (the unit's fiscal or calendar basis), provisional years marked."""
    basis = data.unit.cpi_basis
    k = scenarios.pattern_threshold(data.unit, data.root)
    t, _ = scenarios.unit_pattern(data.unit, basis=basis, min_comparators=k, events=data.events)
    t = t[t["count"] > 0]
    label = "Fiscal year" if basis == "fiscal" else "Year"
    return pd.DataFrame({
        label: t["year"].map(lambda y: year_name(y, basis)),
        "Jurisdictions": t["count"],
        "Mean": t["mean"].map(pct), "Median": t["median"].map(pct),
        "Weighted mean": t["weighted_mean"].map(pct),
        "Low": t["min"].map(pct), "High": t["max"].map(pct),
        "Pattern": t["pattern_pct"].map(pct),
        "Status": [pattern_status(r, k, basis) for r in t.to_dict("records")],
    }).reset_index(drop=True)


def cumulative_growth(data: BriefData, base_year: int | None = None) -> pd.DataFrame:
    """Cumulative base-wage index (base year = 100) per comparator, on the unit's year basis.

    Only years a comparator's known contracts fully cover are chained; a comparator's line stops
    where its known contracts stop rather than assuming a zero.
    """
    basis = data.unit.cpi_basis
    annual = metrics.annual_increases(data.comparator_events(), basis, data.unit.fiscal_year_start_month)
    annual = annual[annual["known"]]  # a year with an increase of unknown size is left out
    wide = annual.pivot_table(index="year", columns="jurisdiction", values="increase_pct", aggfunc="mean")
    if wide.empty:
        return wide
    # Every line starts at 100 at the end of the base year: by default the first year for which
    # every comparator has a known increase, so all lines start together.
    base_year = base_year or int(wide.apply(lambda c: c.first_valid_index()).max())
    after = wide.loc[wide.index > base_year]
    index = (1 + after / 100).cumprod(skipna=False) * 100
    start = pd.DataFrame(100.0, index=[base_year], columns=wide.columns)
    return pd.concat([start, index.where(after.notna())]).rename_axis("year")


def _growth_labels(data: BriefData, idx: pd.DataFrame) -> tuple[str, str, str]:
    """The growth chart's x title, y title and title."""
    basis = "fiscal year" if data.unit.cpi_basis == "fiscal" else "calendar year"
    label = f"FY{int(idx.index.min())}" if data.unit.cpi_basis == "fiscal" else str(int(idx.index.min()))
    return (basis.capitalize(), f"Base wage index (end of {label} = 100)",
            f"Cumulative base-wage growth, {group_words(data.unit.groups)} comparators")


def growth_figure(data: BriefData, idx: pd.DataFrame | None = None):
    """Line chart of the comparators' cumulative base-wage growth (``idx``: :func:`cumulative_growth`)."""
    idx = cumulative_growth(data) if idx is None else idx
    fig, ax = figures.new((8, 4.2))
    for col in idx.columns:
        ax.plot(idx.index, idx[col], marker="o", ms=3, lw=1.2, alpha=0.75, label=col)
    ax.plot(idx.index, idx.median(axis=1), color="black", lw=2.5, label="Comparator median")
    x_title, y_title, title = _growth_labels(data, idx)
    ax.set_xlabel(x_title)
    ax.set_ylabel(y_title)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    fig.text(0.01, 0.01, sources_line(data), fontsize=7, color="#555")
    return figures.finish(fig)


def growth_chart(data: BriefData, idx: pd.DataFrame) -> ChartData | None:
    """The growth chart's numbers (``idx`` as :func:`growth_figure` draws it), for a native chart."""
    if idx.empty:
        return None
    x_title, y_title, title = _growth_labels(data, idx)
    frame = idx.copy()
    frame.columns = [str(c) for c in frame.columns]
    if MEDIAN in frame.columns:  # a jurisdiction so named would hide the median's column
        return None
    frame[MEDIAN] = idx.median(axis=1).to_numpy()
    frame = frame.rename_axis(None).reset_index(names=x_title)
    series = [Series(str(c), marker="circle") for c in idx.columns] + [Series(MEDIAN, color="#000000", width=2.5)]
    return ChartData(title, [ChartTable(frame, x_title, series)], "line", "index", x_title, y_title)


MEDIAN = "Comparator median"


def missing_comparators(data: BriefData) -> list[str]:
    """Comparators with no settlement in the unit's occupation group."""
    have = set(data.comparator_contracts()["jurisdiction"])
    return [n for n in data.comparator_names if n not in have]


def settlements_section(data: BriefData) -> Section:
    """Comparator settlements: the contracts, the pattern by year, and cumulative growth."""
    c = data.comparator_contracts()
    recent = c[c["term_start"].dt.year >= data.unit.cycle_year - 3]
    # An average says how many contracts it is over when some measures are unknown.
    known_fy, known_avg = recent["first_year_pct"].notna().sum(), recent["avg_annual_pct"].notna().sum()
    of = (lambda k: "" if k == len(recent) else f" ({k} of {len(recent)} known)")
    since = data.unit.cycle_year - 3
    # One contract has figures, not an average: "The one that began ... gives", never "The 1 ... average".
    one = len(recent) == 1
    text = [
        f"The unit's {len(data.comparator_names)} comparators have {len(c)} settlement{'' if len(c) == 1 else 's'} "
        f"on file for {group_words(data.unit.groups)} units. "
        + (f"The one that began in {since} or later gives {pct(recent['first_year_pct'].mean())} in the first year "
           f"and {pct(recent['avg_annual_pct'].mean())} a year over its term." if one else
           f"The {len(recent)} that began in {since} or later average {pct(recent['first_year_pct'].mean())} in the "
           f"first year (median {pct(recent['first_year_pct'].median())}){of(known_fy)} and "
           f"{pct(recent['avg_annual_pct'].mean())} a year over their terms{of(known_avg)}."),
    ] if len(recent) else [f"No comparator settlement began in {since} or later."]
    caveats = [f"No {group_words(data.unit.groups)} settlement on file for: {', '.join(missing_comparators(data))}."] \
        if missing_comparators(data) else []
    unknown = unknown_measures(c)
    if unknown:
        caveats.append("— in the contracts table is a measure the sources leave unknown (never 0); a lump sum "
                       "given only in percent (or only in dollars) with no salary to convert it is shown in that "
                       "form: " + " ".join(unknown))
    caveats.append(pattern_note(scenarios.pattern_threshold(data.unit, data.root)))
    averages, avg_notes = published.load(data.root)
    caveats += avg_notes
    sentence = published_brief.published_sentence(data, averages)
    text += [sentence] if sentence else []
    extra = published_brief.published_table(data, averages)
    src = sources_line(data)
    tables = [Table("Comparator contracts (base increases compound; lump sums are not in base)", settlements_table(data), src),
              Table("The pattern by year: base increases in effect", pattern_table(data), src),
              *([extra] if extra is not None else [])]
    # Schedules and package terms add words and tables only where the data hold them, so a
    # brief of wage-only settlements reads as it always did.
    ev = data.comparator_events()
    lines = package_terms.schedule_lines(ev)
    if lines:
        text.append(package_terms.SCHEDULE_RULE + " " + " ".join(lines))
        tables.append(Table("Contracts with schedules: each schedule's measures", schedules_table(data), src))
    if package.has_package_terms(ev):
        terms = package_terms.terms_table(ev)
        if len(terms):
            text.append(f"The comparators' packages beyond base wages: {len(terms)} terms of "
                        f"{terms['Jurisdiction'].nunique()} jurisdictions, each with its source.")
            tables.append(Table("Comparators' non-wage terms (premium share, pension, hours, stipends, reopeners, "
                                "retroactivity)", terms, src, note=package_terms.TERMS_NOTE, links="Link"))
        costs = package_terms.official_cost_table(ev)
        if len(costs):
            tables.append(Table("Costs the sources state (cited; not wagebrief's costing)", costs, src,
                                note=package_terms.COST_NOTE, links="Link"))
    idx = cumulative_growth(data)  # drawn once, and written natively from the same frame
    return Section(
        title="Comparator settlements",
        text=text,
        tables=tables,
        figures=[Figure("Cumulative base-wage growth", growth_figure(data, idx), src,
                        [c for c in [growth_chart(data, idx)] if c is not None])],
        caveats=caveats + data.notes,
    )
