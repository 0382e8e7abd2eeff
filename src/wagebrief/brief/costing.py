"""The brief's costing section: the words, display tables and chart made from a costing.

The numbers come from :mod:`wagebrief.analysis.costing` (full precision, and footed by
:func:`~wagebrief.analysis.costing.table`); this module only words and formats them. A figure
computed from too few employees is shown as :func:`wagebrief.analysis.disclosure.mark`, never as
the figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.analysis import costing_by_item, disclosure
from wagebrief.analysis.costing import Costing, cost_unit, suppressed, suppression_note, table
from wagebrief.brief import figures
from wagebrief.brief.section import ChartData, ChartTable, Figure, Section, Series, Table


def _money(x: float) -> str:
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}%"


def _shown(t: pd.DataFrame, hidden: pd.DataFrame, col: str, fmt, mark: str) -> pd.Series:
    """Column ``col`` of ``t`` formatted with ``fmt``, a suppressed cell as ``mark``."""
    return pd.Series([mark if h else fmt(v) for v, h in zip(t[col], hidden[col])], index=t.index)


Masked = tuple[pd.DataFrame, pd.DataFrame, str]


def _masked_table(costing: Costing, masked: Masked | None = None) -> Masked:
    """The footed table, which of its cells are suppressed, and the mark shown instead; ``masked``:
    what an earlier call for the same costing returned (the section's tables share one)."""
    if masked is not None:
        return masked
    t = table(costing)
    return t, suppressed(costing, t), disclosure.mark(costing.min_group)


def side_by_side(costing: Costing, masked: Masked | None = None) -> pd.DataFrame:
    """The scenarios side by side over the term, display-ready strings (aggregates only)."""
    t, hidden, mark = _masked_table(costing, masked)
    keep = t["fiscal_year"].eq("Term")
    t, hidden = t[keep], hidden[keep]
    ref_label = costing.scenarios[costing.reference].label

    def col(c: str, fmt=_money) -> pd.Series:
        return _shown(t, hidden, c, fmt, mark)

    cols = {
        "Scenario": t["label"],
        "Total cost over the term": col("total_cost"),
        "% of base payroll": col("pct_of_base_payroll", _pct),
        "Cost per employee": col("cost_per_employee"),
        "GWI": col("gwi"), "Step movement": col("step"),
        "Longevity": col("longevity"), "Lump sums": col("lump_sum"),
        "Roll-up": col("rollup"),
        f"Difference vs {ref_label}": col("difference"),
        "Difference %": col("difference_pct", _pct),
        "Annual lift at end of term": col("end_of_term_lift"),
        "Lift % of base payroll": col("lift_pct_of_base_payroll", _pct),
    }
    return pd.DataFrame(cols).reset_index(drop=True)


def by_fiscal_year(costing: Costing, masked: Masked | None = None) -> pd.DataFrame:
    """Each scenario's cost by fiscal year in budget lines: recurring, one-time (lump sums), total."""
    t, hidden, mark = _masked_table(costing, masked)
    ref = t["scenario"].eq(costing.reference)
    first, h = t[ref], hidden[ref]
    payroll = _shown(first, h, "base_payroll", _money, mark).to_numpy()
    lines = [("recurring_cost", "Recurring: base pay and its roll-up"),
             ("one_time_cost", "One-time: lump sums and their roll-up"), ("total_cost", "Total")]
    shown = {}  # scenario -> budget line -> its cells in row order, formatted once
    for name in costing.scenarios:
        rows_s = t["scenario"].eq(name)
        ts, hs = t[rows_s], hidden[rows_s]
        shown[name] = {col: _shown(ts, hs, col, _money, mark).to_numpy() for col, _ in lines}
    rows = []
    for i, fy in enumerate(first["fiscal_year"]):
        for col, what in lines:
            row = {"Fiscal year": fy, "Budget line": what, "Base payroll": payroll[i]}
            for name, s in costing.scenarios.items():
                row[s.label] = shown[name][col][i]
            rows.append(row)
    return pd.DataFrame(rows)


def cost_of_1pct(costing: Costing, masked: Masked | None = None) -> pd.DataFrame:
    """What a 1% general wage increase costs in each fiscal year, on the frozen roster and on each scenario's payroll."""
    t, hidden, mark = _masked_table(costing, masked)
    years = ~t["fiscal_year"].eq("Term")
    ref = years & t["scenario"].eq(costing.reference)
    out = pd.DataFrame({"Fiscal year": t.loc[ref, "fiscal_year"].to_numpy(),
                        "Roster payroll, no increase": _shown(t[ref], hidden[ref], "cost_of_1pct", _money,
                                                                   mark).to_numpy()})
    for name, s in costing.scenarios.items():
        rows = years & t["scenario"].eq(name)
        out[f"{s.label} payroll"] = _shown(
            t[rows], hidden[rows], "cost_of_1pct_on_scenario", _money, mark).to_numpy()
    return out


def by_item(costing: Costing) -> pd.DataFrame:
    """Each scenario's cost by item and fiscal year, roll-up included, display-ready (aggregates only)."""
    t = costing_by_item.by_item(costing)
    mark = disclosure.mark(costing.min_group)
    years = list(dict.fromkeys(t["fiscal_year"]))
    # A line that is nothing in every scenario and year (no lump sum offered, say) is left out.
    used = t.groupby("item", sort=False).apply(
        lambda g: bool((g["total"].fillna(1) != 0).any() or (g["hours_of_time"] != 0).any()), include_groups=False)
    t = t[t["item"].map(used)]
    rows = []
    for (name, it), grp in t.groupby(["scenario", "item"], sort=False):
        g = grp.set_index("fiscal_year")
        row = {"Scenario": g["label"].iloc[0], "Item": g["item_label"].iloc[0]}
        for fy in years:
            v, hours = g.loc[fy, "total"], g.loc[fy, "hours_of_time"]
            cell = mark if pd.isna(v) else _money(v)
            # Holidays that cost no cash are paid time off: say how many hours it is.
            row[fy] = f"{cell} ({hours:,.1f} hours off)" if hours and not pd.isna(v) and v == 0 else cell
        row["Of which roll-up (term)"] = mark if pd.isna(g.loc["Term", "rollup"]) else _money(g.loc["Term", "rollup"])
        rows.append(row)
    return pd.DataFrame(rows)


def retro_table(costing: Costing) -> pd.DataFrame:
    """The retroactive pay each scenario owes, when it is paid and in which fiscal year, display-ready."""
    r = costing_by_item.retro(costing)
    mark = disclosure.mark(costing.min_group)
    m = lambda v: mark if pd.isna(v) else _money(v)  # noqa: E731
    return pd.DataFrame({
        "Scenario": r["label"], "Settled on": [f"{d:%Y-%m-%d}" for d in r["settled_on"]],
        "Paid on": [f"{d:%Y-%m-%d}" for d in r["retro_paid_on"]],
        "Fiscal year paid": [f"FY{y}" for y in r["fiscal_year_paid"]],
        "Retro wages": r["retro_wages"].map(m), "Roll-up": r["retro_rollup"].map(m), "Retro owed": r["retro_total"].map(m)})


def retro_sentences(costing: Costing) -> list[str]:
    """One sentence per scenario on the retroactive pay it owes (none without a settlement date)."""
    r = costing_by_item.retro(costing)
    out = []
    for row in r.itertuples(index=False):
        if pd.isna(row.retro_total):
            continue
        phrase = costing.scenarios[row.scenario].phrase
        out.append(f"Settled on {row.settled_on:%Y-%m-%d}, {phrase} owes {_money(row.retro_total)} of retroactive "
                   f"pay (the increases earned from their effective dates to the settlement, roll-up included), "
                   f"paid on {row.retro_paid_on:%Y-%m-%d}, in FY{row.fiscal_year_paid}.")
    return out


def sentences(costing: Costing, masked: Masked | None = None) -> list[str]:
    """Plain sentences built from the (footed) numbers; a suppressed figure is named as such."""
    note = suppression_note(costing)
    if disclosure.too_few(costing.employees, costing.min_group):
        return [note]
    t, hidden, mark = _masked_table(costing, masked)
    term_rows = t["fiscal_year"].eq("Term")
    term = t[term_rows].set_index("scenario")
    th = hidden[term_rows].set_index(t.loc[term_rows, "scenario"])
    ref = costing.reference
    phrase = {n: s.phrase for n, s in costing.scenarios.items()}
    cap = lambda s: s[:1].upper() + s[1:]  # noqa: E731

    def money(name: str, col: str) -> str:
        return f"{mark}" if th.loc[name, col] else _money(term.loc[name, col])

    def of_base(name: str, col: str, what: str = "of base payroll") -> str:
        return "" if th.loc[name, col] else f" ({term.loc[name, col]:.2f}% {what})"

    r = term.loc[ref]
    first = f"{cap(phrase[ref])} costs {money(ref, 'total_cost')} over the term{of_base(ref, 'pct_of_base_payroll')}"
    for name in term.index.drop(ref):
        first += f"; {phrase[name]} costs {money(name, 'total_cost')}"
        if not th.loc[name, "difference"]:
            d = term.loc[name, "total_cost"] - r["total_cost"]
            first += ", the same" if round(d, 2) == 0 else f", {_money(abs(d))} {'more' if d > 0 else 'less'}"
    ref_years = t[t["scenario"].eq(ref) & ~t["fiscal_year"].eq("Term")]
    fy0, fyn = ref_years.iloc[0], ref_years.iloc[-1]
    one = (f"A 1% general wage increase costs {_money(fy0['cost_of_1pct'])} in {fy0['fiscal_year']} on the roster's "
           f"payroll with no increase, roll-up included")
    if len(ref_years) > 1 or fyn["cost_of_1pct_on_scenario"] != fy0["cost_of_1pct"]:
        # A raise costs more on a raised payroll: quote the last year on the reference scenario's payroll too.
        one += (f"; on the payroll of {phrase[ref]} it costs {_money(fyn['cost_of_1pct_on_scenario'])} in "
                f"{fyn['fiscal_year']} (each year and scenario in the costing section's cost-of-1% table)")
    out = [first + ".", one + "."]
    once = term.loc[ref, "one_time_cost"] if not th.loc[ref, "one_time_cost"] else 0
    if once:
        out.append(f"Of the cost of {phrase[ref]}, {_money(once)} is one-time (lump sums and their roll-up) and does "
                   "not recur in the budget; the table by fiscal year shows it as its own line.")
    lifts = [f"{phrase[n]} adds {money(n, 'end_of_term_lift')} a year"
             f"{of_base(n, 'lift_pct_of_base_payroll', 'of base payroll in wages')} against "
             f"{money(n, 'total_cost')} spent over the term" for n in term.index]
    out.append("At the end of the term, " + "; ".join(lifts) + ".")
    return out + retro_sentences(costing) + ([note] if note else [])


def cumulative(costing: Costing) -> pd.DataFrame:
    """Each scenario's cumulative cost by fiscal year as the chart shows it: a suppressed figure is NaN."""
    cells = disclosure.costing_cells(costing)
    by = costing.by_year.copy()
    hide = [("cumulative_cost" in cells.get((s, int(fy)), ())) for s, fy in zip(by["scenario"], by["fiscal_year"])]
    by.loc[hide, "cumulative_cost"] = np.nan
    return by


def figure(costing: Costing, source: str = "", by: pd.DataFrame | None = None):
    """Line chart of each scenario's cumulative cost by fiscal year (suppressed years left out;
    ``by``: :func:`cumulative`)."""
    from matplotlib.ticker import FuncFormatter  # matplotlib loads only when a chart is drawn

    by = cumulative(costing) if by is None else by
    peak = float(by["cumulative_cost"].abs().max()) if by["cumulative_cost"].notna().any() else 1.0
    peak = peak or 1.0
    scale, unit = (1e6, "$ millions") if peak >= 1e6 else ((1e3, "$ thousands") if peak >= 1e4 else (1, "dollars"))
    fig, ax = figures.new((8, 4.2))
    for name, grp in by.groupby("scenario", sort=False):
        ax.plot(grp["fiscal_year"], grp["cumulative_cost"] / scale, marker="o", lw=2, label=costing.scenarios[name].label)
    ax.set_xticks(costing.fiscal_years, [f"FY{y}" for y in costing.fiscal_years])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}" if scale > 1 else f"{v:,.0f}"))
    ax.set_xlabel("Fiscal year (named by the year it ends in)")
    ax.set_ylabel(f"Cumulative cost, {unit}\n(wages and roll-up)")
    ax.set_title(f"{costing.name or costing.unit}: cumulative cost of each proposal")
    ax.axhline(0, color="#999", lw=0.8)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.text(0.01, 0.01, source, fontsize=7, color="#555")
    return figures.finish(fig)


def chart(costing: Costing, by: pd.DataFrame) -> ChartData | None:
    """The numbers :func:`figure` draws from ``by`` (in dollars), for a native chart."""
    labels = {name: costing.scenarios[name].label for name in by["scenario"].unique()}
    if len(set(labels.values())) < len(labels):
        return None
    wide = by.pivot(index="fiscal_year", columns="scenario", values="cumulative_cost")
    wide = wide.reindex(index=costing.fiscal_years, columns=list(labels)).rename(columns=labels)
    x = "Fiscal year"
    frame = pd.concat([pd.Series([f"FY{y}" for y in wide.index], name=x), wide.reset_index(drop=True)], axis=1)
    return ChartData(f"{costing.name or costing.unit}: cumulative cost of each proposal",
                     [ChartTable(frame, x, [Series(label, marker="circle", width=2) for label in labels.values()])],
                     "line", "dollars", "Fiscal year (named by the year it ends in)",
                     "Cumulative cost, dollars (wages and roll-up)")


def source_line(costing: Costing) -> str:
    """The line under each costing table and chart saying which roster and proposals it comes from."""
    kind = "SYNTHETIC roster" if costing.synthetic else "Payroll roster"
    where = costing.proposals.where
    return (f"Source: {kind} {costing.roster_path} as of {costing.proposals.roster_as_of:%Y-%m-%d}; "
            f"proposals {where}; wagebrief costing.")


def _item_tables(c: Costing, src: str) -> list[Table]:
    """The by-item and retro tables, only for proposals that cost more than wages."""
    if c.items is None:
        return []
    out = [Table("Cost of each economic item by fiscal year, roll-up included (savings negative)", by_item(c), src)]
    if not c.items.retro.empty:
        out.append(Table("Retroactive pay owed at settlement", retro_table(c), src))
    return out


def _figure(c: Costing, caption: str, src: str) -> Figure:
    by = cumulative(c)  # drawn, and written natively, from one frame
    return Figure(caption, figure(c, src, by), src, [x for x in [chart(c, by)] if x is not None])


def brief_section(unit, root: str | Path | None = None, costing: Costing | None = None) -> Section:
    """The costing section of the brief: sentences, the side-by-side table, cost by year, chart."""
    c = costing or cost_unit(unit, root)
    src = source_line(c)
    fy = c.fiscal_years
    span = f"FY{fy[0]}" if len(fy) == 1 else f"FY{fy[0]}–FY{fy[-1]}"
    # A unit too small to report shows its tables with every figure marked, and no empty chart.
    small = disclosure.too_few(c.employees, c.min_group)
    masked = _masked_table(c)  # one footed table for the sentences and every table below
    return Section(
        title="What each proposal costs",
        text=sentences(c, masked),
        tables=[Table(f"The proposals side by side over the term ({span}), roll-up included", side_by_side(c, masked),
                      src),
                Table("Cost of the increase by fiscal year, roll-up included: recurring and one-time lines",
                      by_fiscal_year(c, masked), src),
                Table("Cost of a 1% general wage increase from the start of each fiscal year, in that year, "
                      "roll-up included", cost_of_1pct(c, masked), src)] + _item_tables(c, src),
        figures=[] if small else [_figure(c, f"Cumulative cost by fiscal year, {span}", src)],
        caveats=list(c.notes),
    )
