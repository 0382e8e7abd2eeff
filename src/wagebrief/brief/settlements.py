"""The "Comparator settlements" section: the comparators' contracts, the pattern by year and
their cumulative base-wage growth."""

from __future__ import annotations

import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.brief import figures
from wagebrief.brief.data import BriefData, dollars, pct, sources_line
from wagebrief.brief.section import Figure, Section, Table
from wagebrief.brief.words import vocab


def settlements_table(data: BriefData) -> pd.DataFrame:
    """The comparators' contracts with the headline measures, newest first."""
    c = data.comparator_contracts().sort_values(["term_start", "jurisdiction"], ascending=[False, True])
    out = pd.DataFrame({
        "Jurisdiction": c["jurisdiction"],
        "Term": c["term_start"].dt.strftime("%Y-%m") + " to " + c["term_end"].dt.strftime("%Y-%m"),
        "Months": c["term_months"],
        "Type": c["settlement_type"].map(vocab),
        "First year": c["first_year_pct"].map(pct),
        "Life of contract": c["life_of_contract_pct"].map(pct),
        "Average annual": c["avg_annual_pct"].map(pct),
        "Lump sums": c["lump_sum_total"].map(dollars),
        "Freeze (months)": c["freeze_months"],
        "Retro (months)": c["retro_months"].map(lambda m: "—" if pd.isna(m) else f"{m:.0f}"),
    })
    return out.reset_index(drop=True)


def unknown_measures(contracts: pd.DataFrame) -> list[str]:
    """Why each contract's unknown measures (shown as —) are unknown, one line a contract."""
    c = contracts[contracts["measure_notes"].fillna("").ne("")].sort_values(["term_start", "jurisdiction"], ascending=[False, True])
    return [f"{j} {t:%Y-%m}: {n}." for j, t, n in zip(c["jurisdiction"], c["term_start"], c["measure_notes"])]


def pattern_table(data: BriefData) -> pd.DataFrame:
    """The comparator pattern by year (the unit's fiscal or calendar basis)."""
    basis = data.unit.cpi_basis
    t = metrics.pattern_by_year(data.comparator_events(), basis, data.unit.fiscal_year_start_month)
    label = "Fiscal year" if basis == "fiscal" else "Year"
    return pd.DataFrame({
        label: t["year"].map(lambda y: f"FY{y}" if basis == "fiscal" else str(y)),
        "Jurisdictions": t["count"],
        "Mean": t["mean"].map(pct), "Median": t["median"].map(pct),
        "Weighted mean": t["weighted_mean"].map(pct),
        "Low": t["min"].map(pct), "High": t["max"].map(pct),
    })


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


def growth_figure(data: BriefData):
    """Line chart of the comparators' cumulative base-wage growth."""
    idx = cumulative_growth(data)
    fig, ax = figures.new((8, 4.2))
    for col in idx.columns:
        ax.plot(idx.index, idx[col], marker="o", ms=3, lw=1.2, alpha=0.75, label=col)
    ax.plot(idx.index, idx.median(axis=1), color="black", lw=2.5, label="Comparator median")
    basis = "fiscal year" if data.unit.cpi_basis == "fiscal" else "calendar year"
    ax.set_xlabel(basis.capitalize())
    label = f"FY{int(idx.index.min())}" if data.unit.cpi_basis == "fiscal" else str(int(idx.index.min()))
    ax.set_ylabel(f"Base wage index (end of {label} = 100)")
    ax.set_title(f"Cumulative base-wage growth, {vocab(data.unit.occupation_group)} comparators")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    fig.text(0.01, 0.01, sources_line(data), fontsize=7, color="#555")
    return figures.finish(fig)


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
    text = [
        f"The unit's {len(data.comparator_names)} comparators have {len(c)} settlements on file for "
        f"{vocab(data.unit.occupation_group)} units. The {len(recent)} that began in "
        f"{data.unit.cycle_year - 3} or later average {pct(recent['first_year_pct'].mean())} in the first year "
        f"(median {pct(recent['first_year_pct'].median())}){of(known_fy)} and {pct(recent['avg_annual_pct'].mean())} a year "
        f"over their terms{of(known_avg)}.",
    ] if len(recent) else [f"No comparator settlement began in {data.unit.cycle_year - 3} or later."]
    caveats = [f"No {vocab(data.unit.occupation_group)} settlement on file for: {', '.join(missing_comparators(data))}."] \
        if missing_comparators(data) else []
    unknown = unknown_measures(c)
    if unknown:
        caveats.append("— in the contracts table is a measure the sources leave unknown (never 0): " + " ".join(unknown))
    src = sources_line(data)
    return Section(
        title="Comparator settlements",
        text=text,
        tables=[Table("Comparator contracts (base increases compound; lump sums are not in base)", settlements_table(data), src),
                Table("The pattern by year: base increases in effect", pattern_table(data), src)],
        figures=[Figure("Cumulative base-wage growth", growth_figure(data), src)],
        caveats=caveats + data.notes,
    )
