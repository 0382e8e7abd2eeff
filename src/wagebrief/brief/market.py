"""The brief's "Market position" section: sentences, tables and figures from a :class:`MarketAnalysis`.

The numbers are :func:`wagebrief.analysis.market.analyse`'s; this module only words and draws
them. Section text, captions and caveats are plain text holding names as given; whoever renders
them escapes them (``wagebrief.brief.page.section_html`` does, and :func:`table_html` escapes tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis import comparables
from wagebrief.analysis.forecast import internal_comparables, internal_rows
from wagebrief.analysis.market import PATTERN, MarketAnalysis, _load_events, analyse
from wagebrief.analysis.position import LONGEVITY_YEARS, percentile
from wagebrief.analysis.projection import describe_increases
from wagebrief.brief import figures
from wagebrief.brief.section import ChartData, ChartTable, Figure, Section, Series, Table, format_value
from wagebrief.brief.settlements import pattern_note, pattern_status, year_name
from wagebrief.brief.words import vocab
from wagebrief.inputs import gaps, provenance
from wagebrief.inputs.proposals import scenario_label

MEASURE_LABELS = {
    "entry": "entry (minimum step), annual", "top": "top step, annual",
    "entry_hourly": "entry, hourly", "top_hourly": "top step, hourly",
    "top_longevity_10": "top step + longevity at 10 years, annual",
    "top_longevity_15": "top step + longevity at 15 years, annual",
    "top_longevity_20": "top step + longevity at 20 years, annual",
}
#: How a basis is named in a sentence: (the position "per hour", the money "an hour").
BASIS_WORDS = {"hourly": ("per hour", "an hour"), "annual": ("in annual pay", "a year")}
BASIS_WHY = {"hourly": "which prices the same hour of work", "annual": "what a year's work earns, whatever its hours"}
#: The rank rule, said wherever a rank is shown (position.rank_of).
RANK_RULE = ("Rank 1 = highest pay, among the unit and the comparators with data. A tie (pay equal to the "
             "cent) gives the unit the better rank, and the rank then says how many comparators it is tied with.")
DETAIL_RANK_RULE = "Rank 1 = highest pay; a tie (pay equal to the cent) gives every tied jurisdiction the better rank."


def mpl_text(text: Any) -> str:
    """Text safe for a matplotlib label: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


def _money(x: float, measure: str = "top") -> str:
    """Hourly money to the cent, annual money to the dollar."""
    return f"${x:,.2f}" if "hourly" in measure else f"${x:,.0f}"


def _where(pct: float) -> str:
    """"4.2% below the comparator median" / "the comparator median" (within 0.05%)."""
    if abs(pct) < 0.05:
        return "the comparator median"
    return f"{abs(pct):.1f}% {'above' if pct > 0 else 'below'} the comparator median"


def _where_short(pct: float) -> str:
    if abs(pct) < 0.05:
        return "at the median"
    return f"{abs(pct):.1f}% {'above' if pct > 0 else 'below'}"


def rank_text(rank: Any, out_of: Any, ties: Any = 0) -> str:
    """"rank 3 of 8" / "rank 3 of 8, tied with 1 comparator" / "n/a" (the rule is :data:`RANK_RULE`)."""
    if rank is None or pd.isna(rank):
        return "n/a"
    t = int(ties) if ties is not None and not pd.isna(ties) else 0
    return f"{int(rank)} of {int(out_of)}" + (f", tied with {t} comparator{'s' if t > 1 else ''}" if t else "")


def _row(frame: pd.DataFrame, title: str, measure: str, scenario: str | None = None):
    if not len(frame):
        return None
    m = frame["benchmark_title"].eq(title) & frame["measure"].eq(measure)
    if scenario is not None:
        m &= frame["scenario"].eq(scenario)
    return frame[m].iloc[0] if m.any() else None


def _hours_text(h: float) -> str:
    return f"{h:g} hours a week"


def sentences(a: MarketAnalysis) -> list[str]:
    """One sentence per benchmark title: now, and after each scenario, built from the numbers.

    Where weekly hours differ the sentence gives the position on both bases, the one the
    comparison rests on (:meth:`MarketAnalysis.basis_for`) first, and says why.
    """
    out = []
    order = [s for s in ("management", "union", PATTERN) if s in a.scenarios] + \
            [s for s in a.scenarios if s not in ("management", "union", PATTERN)]
    why_said = False
    for t in a.titles:
        r = _row(a.position, t, "top")
        if r is None or not np.isfinite(r["unit_value"]):
            out.append(f"There is no top-step pay for the unit's {t} on {a.as_of:%Y-%m-%d}, so its position "
                       "cannot be stated.")
            continue
        if r["n_comparators"] == 0:
            out.append(f"No comparator has a {t} schedule on {a.as_of:%Y-%m-%d}.")
            continue
        basis = a.basis_for(t)
        main = _row(a.position, t, a.measure_for(t)) if a.hours_differ(t) else r
        word, per = BASIS_WORDS[basis]
        now = (f"Our top-step {t} earns {_where(main['pct_vs_median'])} {word} "
               f"({_money(main['unit_value'], main['measure'])} against {_money(main['median'], main['measure'])} "
               f"{per} on {a.as_of:%Y-%m-%d}; rank {rank_text(main['rank'], main['out_of'], main.get('ties', 0))}, "
               f"{main['n_comparators']} comparators with data")
        hrs = a.hours(t)
        if a.hours_differ(t):
            other_basis = "annual" if basis == "hourly" else "hourly"
            other = _row(a.position, t, "top" if other_basis == "annual" else "top_hourly")
            oword, oper = BASIS_WORDS[other_basis]
            joint = "but" if np.sign(round(other["pct_vs_median"], 1)) != np.sign(round(main["pct_vs_median"], 1)) else "and"
            now += (f") {joint} {_where_short(other['pct_vs_median'])} {oword} "
                    f"({_money(other['unit_value'], other['measure'])} against "
                    f"{_money(other['median'], other['measure'])} {oper}; "
                    f"rank {rank_text(other['rank'], other['out_of'], other.get('ties', 0))})")
            if hrs is not None:
                lo, hi = hrs[1], hrs[2]
                theirs = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
                now += f", because the unit works {_hours_text(hrs[0])} and its comparators {theirs}"
            now += f"; the comparison rests on {basis} pay"
            if not why_said:
                now += f", {BASIS_WHY[basis]} (position_basis in the unit file)"
                why_said = True
        else:
            same = f"; every schedule is for {_hours_text(hrs[0])}, so per hour the position is the same" \
                if hrs is not None else ""
            now += same + ")"
        later = []
        for s in order:
            o = _row(a.outlook, t, a.measure_for(t), s)
            if o is None or not np.isfinite(o["pct_vs_median"]):
                continue
            phrase = a.scenarios[s].phrase
            prep = "under" if s == PATTERN or "pattern" in phrase else "after"
            later.append(f"{_where_short(o['pct_vs_median'])} {prep} {phrase}")
        if later:
            joined = later[0] if len(later) == 1 else ", ".join(later[:-1]) + " and " + later[-1]
            lead = f", and {word} would be" if a.hours_differ(t) else ", and would be"
            now += f"{lead} {joined} by {a.end:%Y-%m-%d}, the end of the proposed contract"
        out.append(now + ".")
    return out


def basis_note(a: MarketAnalysis) -> str:
    """Which basis each title's comparison rests on, and why: a note for the tables that show both."""
    differ = [t for t in a.titles if a.hours_differ(t)]
    if not differ:
        return "Every schedule is for the same weekly hours, so annual and hourly positions agree; annual pay is shown."
    named = differ[0] if len(differ) == 1 else ", ".join(differ[:-1]) + " and " + differ[-1]
    return (f"Weekly hours differ for {named}, so their positions are shown per hour and as annual pay; "
            f"the comparison rests on {a.basis} pay ({BASIS_WHY[a.basis]}; position_basis in the unit file). "
            "Hourly pay is annual pay / (hours a week x 52), to the cent.")


def _money_cells(values: pd.Series, measures: pd.Series, annual: str) -> list[str]:
    """Money as display text, row by row: hourly to the cent, annual by ``annual``; missing as "–"."""
    return ["–" if v is None or pd.isna(v) else ("${:,.2f}" if "hourly" in str(m) else annual).format(v)
            for v, m in zip(values, measures)]


def position_table(a: MarketAnalysis | pd.DataFrame) -> pd.DataFrame:
    """The position summary (of an analysis, or rows of one) for display: one row per title x measure."""
    p = a.position if isinstance(a, MarketAnalysis) else a
    if p.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Benchmark title": p["benchmark_title"], "Measure": p["measure"].map(MEASURE_LABELS),
        "Unit": p["unit_value"],
        "Rank": [rank_text(r, o, t) for r, o, t in zip(p["rank"], p["out_of"], p.get("ties", pd.Series(0, index=p.index)))],
        "Comparators with data": p["n_comparators"],
        "Median": p["median"], "Mean": p["mean"],
        "vs median %": p["pct_vs_median"], "vs mean %": p["pct_vs_mean"],
        "To median $": p["to_median_dollars"], "To median %": p["to_median_pct"],
        "To 60th $": p["to_p60_dollars"], "To 60th %": p["to_p60_pct"],
        "To 75th $": p["to_p75_dollars"], "To 75th %": p["to_p75_pct"],
        "Missing (left out)": p["missing"],
    })


#: The percent columns; the money columns mix annual and hourly rows, so position_display words them.
POSITION_FORMATS = {
    "vs median %": "{:+.1f}%", "vs mean %": "{:+.1f}%", "To median %": "{:.1f}%", "To 60th %": "{:.1f}%",
    "To 75th %": "{:.1f}%",
}
#: Annual money in the position table: levels to the cent as before, gaps to the dollar.
_POSITION_ANNUAL = {"Unit": "${:,.2f}", "Median": "${:,.2f}", "Mean": "${:,.2f}", "To median $": "${:,.0f}",
                    "To 60th $": "${:,.0f}", "To 75th $": "${:,.0f}"}


def position_display(a: MarketAnalysis | pd.DataFrame) -> pd.DataFrame:
    """:func:`position_table` with its money as text: hourly rows to the cent, annual as before."""
    p = a.position if isinstance(a, MarketAnalysis) else a
    out = position_table(p)
    for col, spec in _POSITION_ANNUAL.items():
        if col in out:
            out[col] = _money_cells(out[col], p["measure"], spec)
    return out


def _status(r) -> str:
    if r.get("projected"):
        return "PROJECTED (forecast)"
    if r.get("adjusted"):
        return "known increases applied"
    return "as scheduled"


def detail_table(a: MarketAnalysis, title: str) -> pd.DataFrame:
    """One title's jurisdictions at ``as_of``: pay, hours, hourly, longevity, rank, status."""
    d = a.current[a.current["benchmark_title"].eq(title)] if len(a.current) else a.current
    if d.empty:
        return pd.DataFrame()
    out = pd.DataFrame({
        "Rank (top)": d["rank_top"], "Jurisdiction": d["jurisdiction"],
        **({"Rank (top hourly)": d["rank_top_hourly"]} if a.hours_differ(title) else {}),
        "Role": d["role"], "Schedule date": d["schedule_date"].dt.strftime("%Y-%m-%d"),
        "Steps": d["steps"], "Entry": d["entry"], "Top": d["top"], "Hours/week": d["hours_per_week"],
        "Entry hourly": d["entry_hourly"], "Top hourly": d["top_hourly"],
    })
    for n in LONGEVITY_YEARS:
        if d[f"longevity_{n}"].notna().any():
            out[f"Top + longevity {n}y"] = d[f"top_longevity_{n}"]
    out["Status"] = [_status(r) for r in d.to_dict("records")]
    miss = a.missing[(a.missing["benchmark_title"] == title) & (a.missing["when"] == a.as_of)]
    if len(miss):
        extra = pd.DataFrame({"Jurisdiction": miss["jurisdiction"], "Role": np.where(
            miss["jurisdiction"].str.casefold() == a.unit.employer.jurisdiction.casefold(), "unit", "comparator"),
            "Status": "NO DATA: " + miss["reason"]})
        out = pd.concat([out, extra], ignore_index=True)
    return out.reset_index(drop=True)


DETAIL_FORMATS = {"Entry": "${:,.0f}", "Top": "${:,.0f}", "Hours/week": "{:g}", "Entry hourly": "${:,.2f}",
                  "Top hourly": "${:,.2f}", **{f"Top + longevity {n}y": "${:,.0f}" for n in LONGEVITY_YEARS}}


def outlook_table(a: MarketAnalysis) -> pd.DataFrame:
    """The position at the end of the proposed contract under each scenario, for display."""
    if a.outlook.empty:
        return pd.DataFrame()
    o = a.outlook
    return pd.DataFrame({
        "Scenario": o["scenario"].map(lambda s: a.scenarios[s].phrase if s in a.scenarios else scenario_label(s)),
        "Base increases": o["scenario"].map(lambda s: describe_increases(a.scenarios[s]) if s in a.scenarios else ""),
        "Benchmark title": o["benchmark_title"], "Measure": o["measure"].map(MEASURE_LABELS),
        "Unit": o["unit_value"], "Comparator median": o["median"], "vs median %": o["pct_vs_median"],
        "Rank": [rank_text(r, n, t) for r, n, t in zip(o["rank"], o["out_of"], o.get("ties", pd.Series(0, index=o.index)))],
        "Comparators with data": o["n_comparators"], "Of them projected": o["n_projected"],
        "Missing (left out)": o["missing"],
    })


OUTLOOK_FORMATS = {"vs median %": "{:+.1f}%"}


def outlook_display(a: MarketAnalysis) -> pd.DataFrame:
    """:func:`outlook_table` with its money as text: hourly rows to the cent, annual to the dollar."""
    out = outlook_table(a)
    for col in ("Unit", "Comparator median"):
        if col in out:
            out[col] = _money_cells(out[col], a.outlook["measure"], "${:,.0f}")
    return out


def projection_table(a: MarketAnalysis, title: str) -> pd.DataFrame:
    """Each comparator's top step now and at the end of the proposed contract, and how it got there."""
    p = a.projected[(a.projected["benchmark_title"] == title)] if len(a.projected) else a.projected
    if p.empty:
        return pd.DataFrame()
    now = a.current.set_index(["jurisdiction", "benchmark_title"])["top"] if len(a.current) else pd.Series(dtype=float)
    rows = []
    for r in p.to_dict("records"):
        who = r["jurisdiction"] if r["role"] == "comparator" else f"{r['jurisdiction']} ({scenario_label(r['scenario'])})"
        rows.append({"Jurisdiction": who, "Role": r["role"], "Top now": now.get((r["jurisdiction"], title), np.nan),
                     f"Top {a.end:%Y-%m-%d}": r["top"],
                     "Contract known through": f"{r['known_through']:%Y-%m-%d}" if pd.notna(r.get("known_through")) else "unknown",
                     "Status": "PROJECTED (forecast)" if r.get("projected") else ("proposal" if r["role"] == "unit" else "known"),
                     "Increases applied": r.get("increases", "")})
    return pd.DataFrame(rows)


def pattern_table(a: MarketAnalysis) -> pd.DataFrame:
    """The comparator pattern of the proposed contract's fiscal years (the costing's), for display."""
    p = a.pattern
    if p.empty:
        return p
    k = a.pattern_min_comparators
    return pd.DataFrame({"Fiscal year": p["year"].map(year_name), "Comparators settled": p["count"],
                         "Median of settled %": p["median"], "Comparator pattern %": p["pattern_pct"],
                         "Status": [pattern_status(r, k) for r in p.to_dict("records")]})


@dataclass
class Panel:
    """One title's panel of the top-step chart: its rows in the order drawn (bottom up)."""

    title: str
    measure: str
    rows: pd.DataFrame
    labels: list[str]
    is_unit: np.ndarray
    projected: list[bool]
    median: float | None


def position_panels(a: MarketAnalysis, when: str = "now") -> list[Panel]:
    """What :func:`position_figure` draws, one :class:`Panel` per benchmark title with data."""
    data = a.current if when == "now" else a.projected
    titles = [t for t in a.titles if len(data) and (data["benchmark_title"] == t).any()]
    unit_j = a.unit.employer.jurisdiction.casefold()
    out = []
    for t in titles:
        m = a.measure_for(t)  # the title's basis: hourly where hours differ (unless the unit file says annual)
        d = data[data["benchmark_title"] == t].sort_values(m)
        labels = [r["jurisdiction"] if r.get("role") != "unit" or when == "now"
                  else f"{r['jurisdiction']}: {scenario_label(r['scenario'])}" for r in d.to_dict("records")]
        is_unit = d["jurisdiction"].str.casefold().eq(unit_j).to_numpy()
        comp = d.loc[~is_unit, m]
        title = (f"{t}: top step, {'hourly' if 'hourly' in m else 'annual'} pay"
                 + (f" on {a.as_of:%Y-%m-%d}" if when == "now" else f", projected to {a.end:%Y-%m-%d}"))
        out.append(Panel(title, m, d, labels, is_unit, list(d["projected"].fillna(False).astype(bool)),
                         percentile(comp, 50) if len(comp) else None))
    return out


def position_charts(panels: list[Panel]) -> list[ChartData]:
    """The numbers of each panel of :func:`position_figure`, for native bar charts."""
    out = []
    for p in panels:
        hourly = "hourly" in p.measure
        pay = "Top-step pay, hourly" if hourly else "Top-step pay, annual"
        frame = pd.DataFrame({"Jurisdiction": p.labels, pay: p.rows[p.measure].to_numpy(dtype=float),
                              "This unit": list(map(bool, p.is_unit)), "Projected (forecast)": p.projected})
        note = ("" if p.median is None else
                f"Comparator median (the dashed line in the brief's chart): {_money(p.median, p.measure)}")
        out.append(ChartData(p.title, [ChartTable(frame, "Jurisdiction", [Series(pay, "bar", "#7f8c8d")])], "bar",
                             "dollars_cents" if hourly else "dollars", "", pay, note,
                             highlight="This unit", hatch="Projected (forecast)"))
    return out


def position_figure(a: MarketAnalysis, when: str = "now"):
    """Top-step pay by jurisdiction, one panel per title; the unit highlighted, projected cells
    hatched, the comparator median dashed. ``when``: "now" (at ``as_of``) or "end" (projected)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    panels = position_panels(a, when)
    if not panels:
        return None
    heights = [max(2.5, 0.32 * len(p.rows) + 1.2) for p in panels]
    fig, axes = figures.new((8, sum(heights)), nrows=len(panels), squeeze=False,
                                height_ratios=heights)
    axes = axes[:, 0]
    for ax, p in zip(axes, panels):
        d, m, is_unit = p.rows, p.measure, p.is_unit
        colors = np.where(is_unit, "#c0392b", "#7f8c8d")
        bars = ax.barh(range(len(d)), d[m], color=colors)
        for bar, proj in zip(bars, p.projected):
            if proj:
                bar.set_hatch("///")
                bar.set_edgecolor("white")
        if p.median is not None:
            ax.axvline(p.median, color="black", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(d)), [mpl_text(x) for x in p.labels], fontsize=8)
        ax.set_title(mpl_text(p.title), fontsize=10, loc="left")
        if "hourly" in m:
            ax.xaxis.set_major_formatter(lambda x, _: f"${x:,.2f}")
        else:
            ax.xaxis.set_major_formatter(lambda x, _: f"${x / 1000:,.0f}k")
        lo = float(d[m].min())
        ax.set_xlim(lo * 0.85, float(d[m].max()) * 1.03)
    handles = [Patch(color="#c0392b", label="this unit"), Patch(color="#7f8c8d", label="comparator"),
               Patch(facecolor="#7f8c8d", hatch="///", edgecolor="white", label="projected (forecast)")]
    handles.append(Line2D([0], [0], color="black", linestyle="--", label="comparator median"))
    fig.legend(handles=handles, loc="lower center", ncols=4, fontsize=8, frameon=False)
    return figures.finish(fig, rect=(0, 0.35 / sum(heights), 1, 1))  # the legend's strip at the bottom


def table_html(table: Table) -> str:
    """A :class:`~wagebrief.brief.section.Table` as escaped HTML, its ``formats`` applied, NaN as "–"."""
    df = table.data
    fmts = {c: (lambda f: lambda v: "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA
                else format_value(f, v))(f) for c, f in table.formats.items() if c in df.columns}
    return df.to_html(index=False, escape=True, na_rep="–", formatters=fmts, border=0)


def now_note(a: MarketAnalysis, title: str | None = None) -> str:
    """What "now" is: the as-of date, every increase known by then applied, and the jurisdictions
    whose pay on it is carried with the forecast past their last known contract (for ``title``)."""
    out = (f"Positions compare pay on {a.as_of:%Y-%m-%d}, with every increase effective on or before that date "
           "applied and none after it.")
    fc = a.forecast_now(title)
    if fc:
        names = ", ".join(fc)
        one = len(fc) == 1
        out += (f" The last known contract{'' if one else 's'} of {names} end{'s' if one else ''} before that "
                f"date, so {'its' if one else 'their'} pay on it includes the forecast (marked PROJECTED).")
    return out


def _source(a: MarketAnalysis) -> str:
    """The source line of the tables built from the salary schedules and settlements."""
    sal = "Salary schedules: data/raw/salaries" + (" (SYNTHETIC demo data)" if a.synthetic else "")
    u = a.unit
    rows = (provenance.used_settlements(a.events, u.employer.jurisdiction, u.jurisdictions, u.groups)
            if a.events is not None else pd.DataFrame(columns=["source"]))
    return sal + "; s" + _settlements_source(rows, u)[1:]


def _settlements_source(rows: pd.DataFrame, unit) -> str:
    """A table's settlements source line, labelled from the rows the table was built from (and
    the unit file's own flag), not from whatever else sits in the folder."""
    lab = provenance.rows_label("Settlements", rows)
    tag = (" (SYNTHETIC)" if lab.kind == provenance.SYNTHETIC or unit.synthetic
           else f" (partly SYNTHETIC: {lab.detail})" if lab.kind == provenance.MIXED else "")
    return "Settlements: data/raw/settlements" + tag


def brief_section(unit, root: str | Path | None = None, *, as_of: str | pd.Timestamp | None = None,
                  analysis: MarketAnalysis | None = None) -> Section:
    """The brief's "Market position" :class:`~wagebrief.brief.section.Section` for ``unit``."""
    if isinstance(unit, str):
        unit = gaps.load_unit(unit, root=root)[0]
    a = analysis or analyse(unit, as_of=as_of, root=root)
    sec = Section(title="Market position")
    if not a.titles:
        sec.text.append(f"There are no salary schedules for the unit's benchmark titles "
                        f"({vocab(unit.occupation_group)}), so its pay cannot be placed among its comparators.")
        sec.caveats += a.notes
        return sec
    sec.text += sentences(a)
    sec.text.append(
        f"{now_note(a)} {basis_note(a)} {RANK_RULE} "
        "Medians and percentiles are of the comparators only, by linear interpolation (Excel PERCENTILE.INC). "
        "Comparators without data are named and left out, never counted as zero. "
        f"The proposed contract runs {a.start:%Y-%m-%d} to {a.end:%Y-%m-%d}; comparators are carried there "
        "with their settled increases, and with the forecast where their contracts expire (marked PROJECTED).")
    src = _source(a)
    sec.tables.append(Table("Market position by benchmark title", position_display(a), src, POSITION_FORMATS,
                            note=f"{RANK_RULE} {basis_note(a)}"))
    for t in a.titles:
        d = detail_table(a, t)
        if len(d):
            sec.tables.append(Table(f"{t}: pay by jurisdiction on {a.as_of:%Y-%m-%d}", d, src, DETAIL_FORMATS,
                                    note=f"{DETAIL_RANK_RULE} {now_note(a, t)}"))
    out = outlook_table(a)
    if len(out):
        sec.tables.append(Table(f"Position at the end of the proposed contract ({a.end:%Y-%m-%d}) under each scenario",
                                outlook_display(a), src + f"; scenarios: {a.scenario_source or 'comparator pattern'}",
                                OUTLOOK_FORMATS, note=f"{RANK_RULE} {basis_note(a)}"))
    for t in a.titles:
        p = projection_table(a, t)
        if len(p):
            sec.tables.append(Table(f"{t}: top step carried to {a.end:%Y-%m-%d}", p, src,
                                    {"Top now": "${:,.0f}", f"Top {a.end:%Y-%m-%d}": "${:,.0f}"}))
    pt = pattern_table(a)
    if len(pt):
        sec.tables.append(Table("Comparator pattern: median settled base increase per fiscal year of the proposed "
                                "contract (as costed; no forecast)", pt, src,
                                {"Median of settled %": "{:.2f}%", "Comparator pattern %": "{:.2f}%"}))
        if pt["Status"].ne("full").any():
            sec.caveats.append(pattern_note(a.pattern_min_comparators))
    on = " per hour where weekly hours differ" if a.basis == "hourly" and any(map(a.hours_differ, a.titles)) else ""
    for when, cap in (("now", f"Top-step pay{on} on {a.as_of:%Y-%m-%d}"),
                      ("end", f"Top-step pay{on} projected to {a.end:%Y-%m-%d} (hatched: forecast)")):
        fig = position_figure(a, when)
        if fig is not None:
            sec.figures.append(Figure(cap, fig, src, position_charts(position_panels(a, when))))

    # Comparables: how the chosen set scores.
    comp = a.comparables
    if comp is not None:
        shown = comparables.display_table(comp, chosen_only=True)
        sec.text += comp.summary()
        sec.tables.append(Table("How the chosen comparators score (points earned per factor, out of its weight)", shown,
                                "Comparator profile (wagebrief.public.pulled_profiles)" + (" - SYNTHETIC" if comp.synthetic else ""),
                                {"score": "{:.0f}", "coverage": "{:.0f}%", "population": "{:,.0f}",
                                 "median_hh_income": "${:,.0f}", "gov_pay": "${:,.0f}",
                                 **{c: "{:.1f}" for c in shown.columns if " pts/" in c}}))
        sec.caveats += comp.notes
    elif a.comparables_error:
        sec.caveats.append(f"The comparables scoring could not be computed ({a.comparables_error}).")

    # Internal comparables.
    internal = internal_comparables(unit, a.events if a.events is not None else _load_events(root), a.start)
    if len(internal):
        sec.tables.append(Table(f"Internal comparables: {unit.employer.name}'s units", internal_display(internal),
                                _settlements_source(internal_rows(unit, a.events if a.events is not None else _load_events(root)), unit),
                                INTERNAL_FORMATS))
    else:
        sec.caveats.append(f"No other {unit.employer.name} units are in the settlement data, so there are no "
                           "internal comparables.")
    if len(a.missing):
        sec.caveats.append("Left out for missing data: " + "; ".join(
            f"{r.jurisdiction} ({r.benchmark_title}, {r.when:%Y-%m-%d}: {r.reason})"
            for r in a.missing.itertuples(index=False)) + ".")
    sec.caveats += a.notes
    return sec


def internal_display(internal: pd.DataFrame) -> pd.DataFrame:
    """The internal comparables (:func:`~wagebrief.analysis.forecast.internal_comparables`) for display."""
    return pd.DataFrame({
        "Unit": internal["unit"], "Group": internal["occupation_group"].map(vocab), "Contract": internal["settlement_id"],
        "Term": internal["term_start"].dt.strftime("%Y-%m-%d") + " to " + internal["term_end"].dt.strftime("%Y-%m-%d"),
        "Type": internal["settlement_type"], "First year %": internal["first_year_pct"],
        "Average annual %": internal["avg_annual_pct"], "Life of contract %": internal["life_of_contract_pct"],
        "Lump sums $": internal["lump_sum_total"], "Round": internal["cycle"],
    })


INTERNAL_FORMATS = {"First year %": "{:.2f}%", "Average annual %": "{:.2f}%", "Life of contract %": "{:.2f}%",
                    "Lump sums $": "${:,.0f}"}
