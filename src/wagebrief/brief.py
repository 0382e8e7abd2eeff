"""What the brief notebook calls: the unit's data, ready tables, figures and sentences.

The notebook stays thin: it asks this module for :class:`~wagebrief.sections.Section` objects
and shows them with :func:`show`. Every number and every sentence with a number in it is made
here, where tests can check it.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wagebrief import metrics, settlements, units
from wagebrief.config import paths
from wagebrief.sections import Figure, Section, Table

CONFIDENTIAL = "Confidential: prepared for collective bargaining"
SYNTHETIC_BANNER = ("SYNTHETIC DATA: this brief is built from invented demonstration figures, "
                    "not real settlements. Do not cite it.")


@dataclass
class BriefData:
    """Everything one unit's brief is computed from."""

    unit: units.Unit
    events: pd.DataFrame  #: valid settlement events of every jurisdiction
    contracts: pd.DataFrame  #: contract metrics of every settlement
    root: Path
    from_processed: bool
    notes: list[str] = field(default_factory=list)

    @property
    def comparator_names(self) -> list[str]:
        return [c.jurisdiction for c in self.unit.comparators]

    def comparator_events(self) -> pd.DataFrame:
        """Events of the unit's comparators in the unit's occupation group."""
        e = self.events
        return e[e["jurisdiction"].isin(self.comparator_names) & e["occupation_group"].eq(self.unit.occupation_group)]

    def comparator_contracts(self) -> pd.DataFrame:
        c = self.contracts
        return c[c["jurisdiction"].isin(self.comparator_names) & c["occupation_group"].eq(self.unit.occupation_group)]

    @property
    def synthetic(self) -> bool:
        src = self.events["source"].astype(str)
        return bool(self.unit.synthetic or src.str.contains("SYNTHETIC", case=False).any())


def load(unit: str, root: str | Path | None = None) -> BriefData:
    """Load a unit and the settlements its brief is built from.

    Reads ``data/processed/settlements.parquet`` when ``wagebrief build`` has made it; otherwise
    validates the raw files on the fly (rejected rows are left out and counted in ``notes``).
    """
    p = paths(root)
    u = units.load(unit, root=p.root)
    notes: list[str] = []
    if p.settlements.exists():
        events, from_processed = pd.read_parquet(p.settlements), True
    else:
        result = settlements.validate([p.raw_settlements])
        events, from_processed = result.valid, False
        if len(result.rejects):
            notes.append(f"{len(result.rejects)} raw settlement rows were rejected and are not used "
                         "(run `wagebrief build` to see data/processed/rejects.csv).")
    contracts = metrics.contract_metrics(events, u.fiscal_year_start_month)
    return BriefData(u, events, contracts, p.root, from_processed, notes)


# --------------------------------------------------------------------------- formatting

def pct(x: float, decimals: int = 2) -> str:
    """2.5 -> '2.50%'; missing -> '—'."""
    return "—" if pd.isna(x) else f"{x:.{decimals}f}%"


def dollars(x: float) -> str:
    """2500 -> '$2,500'; missing -> '—'."""
    return "—" if pd.isna(x) else f"${x:,.0f}"


def sources_line(data: BriefData) -> str:
    latest = data.events["ratified_date"].max()
    latest = data.events["term_start"].max() if pd.isna(latest) else latest
    kind = "SYNTHETIC demo settlements" if data.synthetic else "settlement records"
    return f"Source: {kind} in data/raw/settlements (latest ratification {latest:%Y-%m-%d}); wagebrief contract metrics."


# --------------------------------------------------------------------------- sections

def cover(data: BriefData, generated: dt.datetime | None = None) -> str:
    """The cover as HTML: unit, employer, cycle, date, confidentiality and a synthetic warning."""
    u = data.unit
    generated = generated or dt.datetime.now(dt.timezone.utc)
    latest = data.events["effective_date"].max()
    parts = [
        f'<div class="wb-confidential">{html.escape(CONFIDENTIAL)}</div>',
        f"<h1>{html.escape(u.name)}</h1>",
        f"<p><b>Employer:</b> {html.escape(u.employer.name)} &nbsp; <b>Cycle:</b> {u.cycle_year} &nbsp; "
        f"<b>Occupation group:</b> {html.escape(u.occupation_group)}<br>"
        f"<b>Generated:</b> {generated:%Y-%m-%d %H:%M} UTC &nbsp; "
        f"<b>Latest settlement event:</b> {latest:%Y-%m-%d}</p>",
    ]
    if data.synthetic:
        parts.insert(1, f'<div class="wb-synthetic"><b>{html.escape(SYNTHETIC_BANNER)}</b></div>')
    return "\n".join(parts)


def settlements_table(data: BriefData) -> pd.DataFrame:
    """The comparators' contracts with the headline measures, newest first."""
    c = data.comparator_contracts().sort_values(["term_start", "jurisdiction"], ascending=[False, True])
    out = pd.DataFrame({
        "Jurisdiction": c["jurisdiction"],
        "Term": c["term_start"].dt.strftime("%Y-%m") + " to " + c["term_end"].dt.strftime("%Y-%m"),
        "Months": c["term_months"],
        "Type": c["settlement_type"].str.replace("_", " "),
        "First year": c["first_year_pct"].map(pct),
        "Life of contract": c["life_of_contract_pct"].map(pct),
        "Average annual": c["avg_annual_pct"].map(pct),
        "Lump sums": c["lump_sum_total"].map(dollars),
        "Freeze (months)": c["freeze_months"],
    })
    return out.reset_index(drop=True)


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
    annual = annual[annual["full_year"] | (annual["n_increases"] > 0)]
    wide = annual.pivot_table(index="year", columns="jurisdiction", values="increase_pct", aggfunc="mean")
    base_year = base_year or int(wide.index.min())
    wide = wide.loc[wide.index >= base_year]
    index = (1 + wide / 100).cumprod(skipna=False) * 100
    return index.where(wide.notna())


def growth_figure(data: BriefData):
    """Line chart of the comparators' cumulative base-wage growth."""
    import matplotlib.pyplot as plt

    idx = cumulative_growth(data)
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    for col in idx.columns:
        ax.plot(idx.index, idx[col], marker="o", ms=3, lw=1.2, alpha=0.75, label=col)
    ax.plot(idx.index, idx.median(axis=1), color="black", lw=2.5, label="Comparator median")
    basis = "fiscal year" if data.unit.cpi_basis == "fiscal" else "calendar year"
    ax.set_xlabel(basis.capitalize())
    ax.set_ylabel(f"Base wage index ({int(idx.index.min())} = 100)")
    ax.set_title(f"Cumulative base-wage growth, {data.unit.occupation_group} comparators")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False)
    fig.text(0.01, 0.01, sources_line(data), fontsize=7, color="#555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    plt.close(fig)
    return fig


def missing_comparators(data: BriefData) -> list[str]:
    """Comparators with no settlement in the unit's occupation group."""
    have = set(data.comparator_contracts()["jurisdiction"])
    return [n for n in data.comparator_names if n not in have]


def settlements_section(data: BriefData) -> Section:
    """Comparator settlements: the contracts, the pattern by year, and cumulative growth."""
    c = data.comparator_contracts()
    recent = c[c["term_start"].dt.year >= data.unit.cycle_year - 3]
    text = [
        f"The unit's {len(data.comparator_names)} comparators have {len(c)} settlements on file for "
        f"{data.unit.occupation_group} units. The {len(recent)} that began in "
        f"{data.unit.cycle_year - 3} or later average {pct(recent['first_year_pct'].mean())} in the first year "
        f"(median {pct(recent['first_year_pct'].median())}) and {pct(recent['avg_annual_pct'].mean())} a year "
        f"over their terms.",
    ] if len(recent) else [f"No comparator settlement began in {data.unit.cycle_year - 3} or later."]
    caveats = [f"No {data.unit.occupation_group} settlement on file for: {', '.join(missing_comparators(data))}."] \
        if missing_comparators(data) else []
    src = sources_line(data)
    return Section(
        title="Comparator settlements",
        text=text,
        tables=[Table("Comparator contracts (base increases compound; lump sums are not in base)", settlements_table(data), src),
                Table("The pattern by year: base increases in effect", pattern_table(data), src)],
        figures=[Figure("Cumulative base-wage growth", growth_figure(data), src)],
        caveats=caveats + data.notes,
    )


# --------------------------------------------------------------------------- display

def section_html(section: Section) -> str:
    """A section's words and tables as HTML (figures are shown separately as images)."""
    out = [f"<h2>{html.escape(section.title)}</h2>"]
    out += [f"<p>{html.escape(t)}</p>" for t in section.text]
    for t in section.tables:
        out.append(f"<h3>{html.escape(t.caption)}</h3>")
        out.append(t.data.to_html(index=False, escape=True, classes="wb-table", border=0))
        if t.source:
            out.append(f'<p class="wb-source">{html.escape(t.source)}</p>')
    out += [f'<p class="wb-caveat">Note: {html.escape(c)}</p>' for c in section.caveats]
    return "\n".join(out)


def show(section: Section) -> None:
    """Display a section in a notebook: its HTML, then each figure with its caption."""
    from IPython.display import HTML, display

    display(HTML(section_html(section)))
    for f in section.figures:
        display(f.figure)
        if f.source:
            display(HTML(f'<p class="wb-source">{html.escape(f.source)}</p>'))
