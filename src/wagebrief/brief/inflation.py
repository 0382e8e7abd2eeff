"""The "Settlements against inflation" section: the comparator median increase beside CPI-U
and the ECI for state and local government wages, year by year."""

from __future__ import annotations

import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.brief import figures
from wagebrief.brief.data import BriefData, pct, sources_line
from wagebrief.brief.section import Figure, Section, Table


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

