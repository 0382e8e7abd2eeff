"""What the brief notebook calls: the unit's data, ready tables, figures and sentences.

The notebook stays thin: it asks this module for :class:`~wagebrief.brief.section.Section` objects
and shows them with :func:`show`. Every number and every sentence with a number in it is made
here, where tests can check it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wagebrief.brief import figures
from wagebrief.inputs import gaps, provenance, settlements, units
from wagebrief.analysis import metrics
from wagebrief.config import paths
from wagebrief.brief.section import Figure, Section, Table, format_value

CONFIDENTIAL = "Confidential: prepared for collective bargaining"


@dataclass
class BriefData:
    """Everything one unit's brief is computed from."""

    unit: units.Unit
    events: pd.DataFrame  #: valid settlement events of every jurisdiction
    contracts: pd.DataFrame  #: contract metrics of every settlement
    root: Path
    from_processed: bool
    notes: list[str] = field(default_factory=list)
    #: per input the brief used, what it is (see :func:`input_labels`); computed once, on demand
    labels: list[provenance.InputLabel] | None = None

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

    def used_settlements(self) -> pd.DataFrame:
        """The settlement rows this brief uses: the comparators' (in the unit's group) and the
        employer's own, never the rest of the folder."""
        u = self.unit
        return provenance.used_settlements(self.events, u.employer.jurisdiction, self.comparator_names,
                                           u.occupation_group)

    @property
    def synthetic(self) -> bool:
        """True when some input the brief used is invented demonstration data."""
        return bool(provenance.synthetic_inputs(input_labels(self)))


def load(unit: str | units.Unit, root: str | Path | None = None, cycle_year: int | None = None) -> BriefData:
    """Load a unit (by id, or one already loaded) and the settlements its brief is built from.

    Reads ``data/processed/settlements.parquet`` when ``wagebrief build`` has made it; otherwise
    validates the raw files on the fly (rejected rows are left out and counted in ``notes``).
    """
    p = paths(root)
    u = unit if isinstance(unit, units.Unit) else units.load(unit, root=p.root)
    if cycle_year and int(cycle_year) != u.cycle_year:
        u = dataclasses.replace(u, cycle_year=int(cycle_year))
    notes: list[str] = []
    if p.settlements.exists():
        events, from_processed = pd.read_parquet(p.settlements), True
    else:
        result = settlements.validate([p.raw_settlements])
        events, from_processed = result.valid, False
        if len(result.rejects):
            notes.append(f"{len(result.rejects)} raw settlement rows were rejected and are not used "
                         "(run `wagebrief build` to see data/processed/rejects.csv).")
    events = gaps.for_unit(events, u)  # same name, other state: not this unit's comparator
    contracts = metrics.contract_metrics(events, u.fiscal_year_start_month)
    return BriefData(u, events, contracts, p.root, from_processed, notes)


# --------------------------------------------------------------------------- formatting

def pct(x: float, decimals: int = 2) -> str:
    """2.5 -> '2.50%'; missing -> '—'."""
    return "—" if pd.isna(x) else f"{x:.{decimals}f}%"


def dollars(x: float) -> str:
    """2500 -> '$2,500'; missing -> '—'."""
    return "—" if pd.isna(x) else f"${x:,.0f}"


def settlements_label(data: BriefData) -> provenance.InputLabel:
    """What the settlements this brief uses are, from their own rows' ``source``."""
    return provenance.rows_label("Settlements", data.used_settlements(), "rows", root=str(data.root))


def sources_line(data: BriefData) -> str:
    """The settlements' source line under tables and charts, labelled from the rows used."""
    used = data.used_settlements()
    used = used if len(used) else data.events
    latest = used["ratified_date"].max()
    latest = used["term_start"].max() if pd.isna(latest) else latest
    lab = settlements_label(data)
    kind = {provenance.SYNTHETIC: "SYNTHETIC demo settlements",
            provenance.MIXED: "settlement records, partly SYNTHETIC demo rows,"}.get(lab.kind, "settlement records")
    when = f" (latest ratification {latest:%Y-%m-%d})" if pd.notna(latest) else ""
    return f"Source: {kind} in data/raw/settlements{when}; wagebrief contract metrics."


def input_labels(data: BriefData) -> list[provenance.InputLabel]:
    """Per input the brief used (unit file, settlements, salary schedules, roster, comparator
    profiles, CPI, ECI, ACS, QCEW): synthetic demonstration data, your files, or published data."""
    if data.labels is None:
        data.labels = _input_labels(data)
    return data.labels


def _input_labels(data: BriefData) -> list[provenance.InputLabel]:
    # I/O at the edge: each input is read the way its section reads it, then labelled by
    # provenance's pure functions. A failure labels that input, never stops the cover.
    from wagebrief.analysis import comparables
    from wagebrief.inputs import proposals, roster, salaries
    from wagebrief.public import series

    u, root = data.unit, data.root
    names = [u.employer.jurisdiction, *data.comparator_names]
    out = [provenance.unit_label(u.unit, u.synthetic), settlements_label(data)]
    try:
        sal, _ = salaries.load(root)
        out.append(provenance.rows_label("Salary schedules", provenance.used_rows(sal, names), "rows",
                                         root=str(root)))
    except Exception as exc:
        out.append(provenance.InputLabel("Salary schedules", provenance.NONE, f"unreadable: {exc}"))
    path = roster.roster_path(u.unit, root)
    where = _relative(path, root)
    try:
        prop_syn = bool(proposals.load(u, root).synthetic)
    except Exception:  # no or a bad proposals file: the costing section says so
        prop_syn = False
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None
        if rows is not None:
            rows.columns = [str(c).strip().lower() for c in rows.columns]
        out.append(provenance.roster_label(where, rows, prop_syn,
                                           _relative(proposals.proposals_path(u.unit, root), root)))
    except Exception as exc:  # the costing section reports an unreadable roster in full
        out.append(provenance.InputLabel("Roster", provenance.NONE, f"{where} could not be read: {exc}"))
    prof, _ = comparables.load_profile(root, u)
    norm = comparables.normalise_profile(prof, u.employer.jurisdiction_type)
    out += provenance.profile_labels(provenance.used_rows(norm, names))
    try:
        cpi = series.cpi_monthly(u.cpi_series, root).dropna(subset=["value"])
        out.append(provenance.series_label(
            f"CPI-U {u.cpi_series}", bool(cpi["synthetic"].any()) if len(cpi) else False,
            str(cpi["vintage"].iloc[-1]) if len(cpi) else ""))
    except Exception as exc:
        out.append(provenance.InputLabel(f"CPI-U {u.cpi_series}", provenance.NONE, f"unavailable: {exc}"))
    try:
        e = series.eci(root).dropna(subset=["index", "pct_12m"], how="all")
        last = e.iloc[-1] if len(e) else None
        out.append(provenance.series_label(
            "ECI (state and local government wages)", bool(e["synthetic"].any()) if len(e) else False,
            str(last["release"]).split(" | ")[0] + (" and other releases" if " | " in str(last["release"]) else "")
            if last is not None else "",
            f"{int(last['year'])}-Q{int(last['quarter'])}" if last is not None else ""))
    except Exception as exc:
        out.append(provenance.InputLabel("ECI (state and local government wages)", provenance.NONE,
                                         f"unavailable: {exc}"))
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- sections

def cover(data: BriefData, generated: dt.datetime | None = None) -> str:
    """The cover as HTML: unit, employer, cycle, date, confidentiality, what each input is, and a
    SYNTHETIC warning naming the invented inputs (only when one was used)."""
    u = data.unit
    generated = generated or dt.datetime.now(dt.timezone.utc)
    v = vintages(data)
    parts = [
        f'<div class="wb-confidential">{html.escape(CONFIDENTIAL)}</div>',
        f"<h1>{html.escape(u.name)}</h1>",
        f"<p><b>Employer:</b> {html.escape(u.employer.name)} &nbsp; <b>Cycle:</b> {u.cycle_year} &nbsp; "
        f"<b>Occupation group:</b> {html.escape(u.occupation_group)}<br>"
        f"<b>Generated:</b> {generated:%Y-%m-%d %H:%M} UTC<br>"
        f"<b>Data vintage:</b> latest settlement ratified {html.escape(v['settlement'])}; "
        f"CPI-U through {html.escape(v['cpi'])}; ECI through {html.escape(v['eci'])}</p>",
    ]
    labels = input_labels(data)
    parts.append('<p class="wb-inputs"><b>What this brief is built from:</b></p><ul class="wb-inputs">'
                 + "".join(f"<li>{html.escape(lab.text)}</li>" for lab in labels) + "</ul>")
    banner = provenance.banner(labels)
    if banner:  # only when an input actually used is invented, naming which
        parts.insert(1, f'<div class="wb-synthetic"><b>{html.escape(banner)}</b></div>')
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
    ax.set_title(f"Cumulative base-wage growth, {data.unit.occupation_group} comparators")
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
        f"{data.unit.occupation_group} units. The {len(recent)} that began in "
        f"{data.unit.cycle_year - 3} or later average {pct(recent['first_year_pct'].mean())} in the first year "
        f"(median {pct(recent['first_year_pct'].median())}){of(known_fy)} and {pct(recent['avg_annual_pct'].mean())} a year "
        f"over their terms{of(known_avg)}.",
    ] if len(recent) else [f"No comparator settlement began in {data.unit.cycle_year - 3} or later."]
    caveats = [f"No {data.unit.occupation_group} settlement on file for: {', '.join(missing_comparators(data))}."] \
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


def inflation_table(data: BriefData) -> pd.DataFrame:
    """Per year: the comparator median base increase, CPI-U and the ECI (state and local wages).

    Years follow the unit's basis (fiscal or calendar). The ECI is the 12-month change to the
    quarter that ends the year (June for a July fiscal year, December for a calendar year);
    a quarter BLS values are missing for stays missing.
    """
    from wagebrief.public import series

    u = data.unit
    pattern = metrics.pattern_by_year(data.comparator_events(), u.cpi_basis, u.fiscal_year_start_month)
    cpi = series.cpi_annual(u.cpi_series, basis=u.cpi_basis, fy_start_month=u.fiscal_year_start_month, root=data.root)
    eci = series.eci(root=data.root)
    end_month = 12 if u.cpi_basis == "calendar" or u.fiscal_year_start_month == 1 else u.fiscal_year_start_month - 1
    eci = eci[(eci["period_end"].str[-2:].astype(int) == end_month)].set_index("year")["pct_12m"]
    t = pd.DataFrame({"year": pattern["year"], "median_increase_pct": pattern["median"].to_numpy()})
    t["cpi_pct"] = t["year"].map(cpi.set_index("year")["yoy_pct"])
    t["eci_pct"] = t["year"].map(eci)
    t["real_median_pct"] = ((1 + t["median_increase_pct"] / 100) / (1 + t["cpi_pct"] / 100) - 1) * 100
    return t


def inflation_section(data: BriefData) -> Section:
    """Settlements against inflation and the state and local wage index."""
    from wagebrief.public import series

    u = data.unit
    t = inflation_table(data)
    both = t.dropna(subset=["median_increase_pct", "cpi_pct"])
    both = both[both["year"] < u.cycle_year].tail(5)
    v = series.vintages(root=data.root)
    label = (lambda y: f"FY{y}") if u.cpi_basis == "fiscal" else str
    text = []
    if len(both):
        wages = ((1 + both["median_increase_pct"] / 100).prod() - 1) * 100
        prices = ((1 + both["cpi_pct"] / 100).prod() - 1) * 100
        real = ((1 + wages / 100) / (1 + prices / 100) - 1) * 100
        verdict = "ahead of" if real > 0.05 else "behind" if real < -0.05 else "level with"
        text.append(
            f"From {label(both['year'].iloc[0])} to {label(both['year'].iloc[-1])}, the comparators' median base "
            f"increases compounded to {pct(wages)}, while CPI-U ({u.cpi_series}) rose {pct(prices)}: "
            f"settlements ran {verdict} inflation by {pct(abs(real))} in real terms.")
    caveats = []
    if t["eci_pct"].isna().any():
        caveats.append("The ECI column is blank where BLS values for that quarter are not in the snapshot; "
                       "gaps are left as gaps.")
    src = (f"Sources: {sources_line(data).removeprefix('Source: ')} CPI-U {u.cpi_series}: {v['cpi_source']}. "
           f"ECI CIU3020000000000A (state and local government wages and salaries, 12-month change): {v['eci_source']}.")
    shown = pd.DataFrame({
        "Year": t["year"].map(label), "Comparator median increase": t["median_increase_pct"].map(pct),
        "CPI-U change": t["cpi_pct"].map(pct), "ECI state & local wages": t["eci_pct"].map(lambda x: pct(x, 1)),
        "Real median increase": t["real_median_pct"].map(pct),
    })
    return Section("Settlements against inflation", text=text,
                   tables=[Table("Comparator settlements, prices and the wage index by year", shown, src)],
                   figures=[Figure("Settlements against inflation", inflation_figure(data, t), src)],
                   caveats=caveats)


def inflation_figure(data: BriefData, t: pd.DataFrame):
    """Bars of the comparator median increase, with CPI-U and ECI lines, in percent."""
    fig, ax = figures.new((8, 3.8))
    ax.bar(t["year"], t["median_increase_pct"], color="#4c78a8", alpha=0.8, label="Comparator median base increase")
    ax.plot(t["year"], t["cpi_pct"], color="#e45756", marker="o", lw=2, label=f"CPI-U {data.unit.cpi_series}")
    ax.plot(t["year"], t["eci_pct"], color="#54a24b", marker="s", lw=0, label="ECI state & local wages (12-month)")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("Fiscal year" if data.unit.cpi_basis == "fiscal" else "Year")
    ax.set_ylabel("Percent change")
    ax.set_title("Settlements against inflation")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7, frameon=False)
    fig.text(0.01, 0.01, "Sources: settlements (see table), BLS CPI-U and ECI", fontsize=7, color="#555")
    return figures.finish(fig)


def vintages(data: BriefData) -> dict[str, str]:
    """How current the brief's data is: latest settlement, CPI month, ECI quarter."""
    from wagebrief.public import series

    used = data.used_settlements()
    ratified = (used if len(used) else data.events)["ratified_date"].max()
    out = {"settlement": f"{ratified:%Y-%m-%d}" if pd.notna(ratified) else "unknown"}
    try:
        v = series.vintages(root=data.root)
        out.update(cpi=str(v.get("cpi_latest_month", "unknown")), eci=str(v.get("eci_latest_quarter", "unknown")),
                   cpi_source=str(v.get("cpi_source", "")), eci_source=str(v.get("eci_source", "")),
                   profile_source=str(v.get("profile_source", "")))
    except Exception as exc:  # a brief still says what it could not date
        out.update(cpi="unknown", eci="unknown", cpi_source=f"unavailable ({exc})", eci_source="", profile_source="")
    return out


def executive_summary(sections: dict[str, Section], market_sentences: list[str],
                      cost_sentences: list[str]) -> Section:
    """Five to eight sentences, each taken from a section computed from the numbers: the pattern,
    inflation, the forecast range, market position and what each scenario costs."""
    picks: list[str] = []
    picks += sections["settlements"].text[:1]
    picks += sections["inflation"].text[:1]
    picks += [t for t in sections["outlook"].text if t.startswith("Reasonable settlement range")][:1]
    picks += [t for t in sections["outlook"].text if "baseline" in t and "backtest" in t and t not in picks][:1]
    picks += market_sentences[:2]
    picks += cost_sentences[:2]
    # The range sentence may also be the one about baselines: each sentence is said once.
    return Section("Executive summary", text=list(dict.fromkeys(picks))[:8])


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


def _money(x: float) -> str:
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def event_value(r: dict) -> str:
    """An event's value as typed: "2.5%", "$0.93/hour", "$1,000 on $52,000"; cents kept."""
    parts = [f"{r['pct']:g}%"] if pd.notna(r.get("pct")) else []
    if pd.notna(r.get("amount")):
        per = "/hour" if r.get("amount_per") == "hour" else ""
        parts.append(_money(r["amount"]) + per)
    if r.get("event") == "gwi_flat" and pd.notna(r.get("reference_salary")):
        parts.append("on " + _money(r["reference_salary"]) + ("/hour" if r.get("reference_per") == "hour" else ""))
    return " ".join(parts)


def appendix_html(data: BriefData) -> str:
    """The full settlement list of the unit's comparators, with sources and links (escaped)."""
    e = data.comparator_events().sort_values(["jurisdiction", "term_start", "effective_date"])
    rows = []
    for r in e.itertuples(index=False):
        value = event_value(r._asdict())
        url = str(r.source_url) if isinstance(r.source_url, str) else ""
        link = (f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'
                if url.startswith(("http://", "https://")) else html.escape(url))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in (
            html.escape(str(r.settlement_id)), html.escape(str(r.jurisdiction)),
            f"{r.term_start:%Y-%m-%d} to {r.term_end:%Y-%m-%d}", html.escape(str(r.settlement_type).replace("_", " ")),
            f"{r.effective_date:%Y-%m-%d}", html.escape(str(r.event)), html.escape(value.strip()),
            html.escape(str(r.source)), link)) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Settlement", "Jurisdiction", "Term", "Type", "Effective", "Event",
                                             "Value", "Source", "Link"))
    return (f"<h2>Appendix: comparator settlements, event by event</h2>"
            f'<table class="wb-table"><tr>{head}</tr>{"".join(rows)}</table>')


# --------------------------------------------------------------------------- display

def formatted(table: Table) -> pd.DataFrame:
    """A table's cells as display strings: the table's own formats first, then numbers with
    thousands separators (2 decimals unless the column is whole numbers), and "—" for missing."""
    out = table.data.copy()
    for col in out.columns:
        s = out[col]
        spec = table.formats.get(col)
        missing = s.isna()
        if spec:
            out[col] = [("—" if m else format_value(spec, v)) for v, m in zip(s, missing)]
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "yes", False: "no"}).fillna("—")
        elif pd.api.types.is_numeric_dtype(s):
            vals = s[~missing].astype(float)
            whole = bool(len(vals)) and bool((vals == vals.round()).all())
            fmt = "{:,.0f}" if whole else "{:,.2f}"
            out[col] = [("—" if m else fmt.format(v)) for v, m in zip(s, missing)]
        else:
            out[col] = [("—" if m else str(v)) for v, m in zip(s, missing)]
    return out


def section_html(section: Section) -> str:
    """A section's words and tables as HTML (figures are shown separately as images)."""
    out = [f"<h2>{html.escape(section.title)}</h2>"]
    out += [f"<p>{html.escape(t)}</p>" for t in section.text]
    for t in section.tables:
        out.append(f"<h3>{html.escape(t.caption)}</h3>")
        out.append(formatted(t).to_html(index=False, escape=True, classes="wb-table", border=0))
        if t.source:
            out.append(f'<p class="wb-source">{html.escape(t.source)}</p>')
    out += [f'<p class="wb-caveat">Note: {html.escape(c)}</p>' for c in section.caveats]
    return "\n".join(out)


def show(section: Section) -> None:
    """Display a section in a notebook: its HTML, then each figure with its caption."""
    from IPython.display import HTML, SVG, display

    display(HTML(section_html(section)))
    for f in section.figures:
        display(SVG(figures.svg(f.figure), metadata={"alt": f.caption}))  # the caption is its alt text
        if f.source:
            display(HTML(f'<p class="wb-source">{html.escape(f.source)}</p>'))
