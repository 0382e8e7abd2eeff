"""The brief's "Wage trends and outlook" section: the outlook's numbers in words, tables and charts.

The numbers are :mod:`wagebrief.analysis.outlook`'s (fits in :mod:`wagebrief.analysis.trends`,
the backtest in :mod:`wagebrief.analysis.backtest`, real wages in
:mod:`wagebrief.analysis.realwages`); this module only says what they mean.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.analysis.backtest import LABELS as BT_LABELS
from wagebrief.analysis.outlook import Inputs, Outlook, unit_outlook
from wagebrief.analysis.realwages import Span, partial_years
from wagebrief.analysis.trends import summary_table
from wagebrief.brief import figures
from wagebrief.brief.section import ChartData, ChartTable, Figure, Section, Series, Table
from wagebrief.brief.spans import span_words
from wagebrief.brief.words import vocab

TITLE = "Wage trends and outlook"


def _yl(year, basis: str) -> str:
    return f"FY{int(year)}" if basis == "fiscal" else str(int(year))


def _span(years, basis: str) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return _yl(ys[0], basis) if len(ys) == 1 else f"{_yl(ys[0], basis)}–{_yl(ys[-1], basis)}"


def _p(x: float, d: int = 1) -> str:
    return "n/a" if pd.isna(x) else f"{x:.{d}f}%"


def _lc(text: str) -> str:
    return text[:1].lower() + text[1:]


def _method_label(name: str) -> str:
    return BT_LABELS.get(name, name)


def _source(inp: Inputs) -> str:
    kind = "SYNTHETIC demo settlements" if inp.synthetic else "settlement records"
    bits = [f"Source: {kind} (data/raw/settlements)"]
    if inp.cpi is not None:
        src = str(inp.cpi["source"].iloc[-1]) if "source" in inp.cpi and len(inp.cpi) else "BLS"
        bits.append(f"{inp.cpi_name} ({inp.unit.cpi_series}; {src})")
    if inp.eci is not None:
        bits.append("BLS ECI state and local government wages (CIU3020000000000A)")
    return "; ".join(bits) + "; wagebrief.analysis.trends."


def _wrap(text: str, width: int = 125) -> str:
    return "\n".join(textwrap.wrap(text, width))


# Table values are rounded (with the unit in the header) so any renderer shows them sensibly;
# Table.formats says the same for renderers that apply it.
FORECAST_PCT = ["Central (%)", "80% low (%)", "80% high (%)", "95% low (%)", "95% high (%)", "Their median (%)"]
REAL_PCT = ["Nominal change (%)", "CPI change (%)", "Real change (%)"]


def forecast_table(o: Outlook) -> pd.DataFrame:
    """The contract years' forecast, with comparators already settled for those years."""
    b = o.inputs.basis
    settled = o.inputs.annual[o.inputs.annual["year"].isin(o.years)].groupby("year")["increase_pct"]
    f = o.forecast.set_index("year").reindex(o.years)
    out = pd.DataFrame({"Year": [_yl(y, b) for y in o.years]})
    for col, src in zip(FORECAST_PCT, ["point", "lo80", "hi80", "lo95", "hi95"]):
        out[col] = f[src].to_numpy().round(2)
    out["Comparators already settled"] = settled.size().reindex(o.years, fill_value=0).to_numpy()
    out["Their median (%)"] = settled.median().reindex(o.years).to_numpy().round(2)
    return out


def backtest_table(o: Outlook) -> pd.DataFrame:
    """MAE and 80% coverage per model and baseline, and which one the range uses."""
    s = o.backtest.scores
    return pd.DataFrame({
        "Method": s["label"], "Kind": s["kind"], "Years": s["n_years"].fillna(0).astype(int),
        "Comparator-years": s["n"].fillna(0).astype(int), "MAE (points)": s["mae"].round(2),
        "80% coverage (%)": s["coverage80"].round(0),
        "Range uses it": np.where(s["method"].eq(o.method), "yes", ""), "Note": s["note"],
    })


def coefficient_table(o: Outlook) -> pd.DataFrame:
    """Every model's estimates (percent points), standard errors used and status."""
    t = summary_table(o.results)
    t = t[t["term"].ne("")]
    return pd.DataFrame({
        "Model": t["label"], "Term": t["term"], "Estimate": t["coef"].round(3), "95% low": t["ci_low"].round(3),
        "95% high": t["ci_high"].round(3), "n": t["n"], "Errors": t["cov_type"], "Status": t["status"],
    }).reset_index(drop=True)


def real_wage_table(o: Outlook) -> pd.DataFrame | None:
    """Nominal, CPI and real change since the base year for the unit, the median and each comparator."""
    if o.real_table is None:
        return None
    b, t = o.inputs.basis, o.real_table
    out = pd.DataFrame({"Who": t["entity"], "Role": t["role"], "Base year": t["base_year"].map(lambda y: _yl(y, b)),
                        "Through": t["through"].map(lambda y: _yl(y, b))})
    for col, src in zip(REAL_PCT, ["nominal_pct", "cpi_pct", "real_pct"]):
        out[col] = t[src].round(1)
    return out


def _cov_words(cov_type: str, n_groups: int) -> str:
    if cov_type == "cluster":
        return f"standard errors clustered by jurisdiction ({n_groups} clusters)"
    if cov_type == "HC3":
        return f"HC3 standard errors, as {n_groups} jurisdictions are too few to cluster"
    return "classical standard errors"


def _sentences(o: Outlook) -> list[str]:
    inp, b = o.inputs, o.inputs.basis
    panel, f = inp.panel, o.forecast.set_index("year")
    text = [f"The models use {len(panel)} annual base increases from {panel['jurisdiction'].nunique()} comparator "
            f"jurisdictions ({vocab(inp.unit.occupation_group)}, {_span(panel['year'], b)}), each year counted once."]
    per_year = "; ".join(f"{_yl(y, b)} {_p(f.at[y, 'lo80'])} to {_p(f.at[y, 'hi80'])} (central {_p(f.at[y, 'point'])})"
                         for y in o.years)
    mlabel = _method_label(o.method)
    if o.method in o.results:
        how = (f"the 80% prediction interval for one comparator settlement from the {_lc(mlabel)}, "
               f"fitted to {_span(panel['year'], b)}")
    else:
        how = (f"{_lc(mlabel.replace('Baseline: ', ''))} plus the 10th to 90th percentiles of that rule's "
               "own past errors")
    text.append(f"Reasonable settlement range: {per_year}. Method: {how}; it was chosen because {o.why}.")

    pt = o.results["passthrough_cpi"]
    prev = "previous fiscal year" if b == "fiscal" else "previous year"
    if pt.status == "ok":
        row = pt.summary.set_index("term").loc["cpi_prev"]
        text.append(f"Each point of inflation ({inp.cpi_name}, {prev}) was followed by about {row['coef']:.2f} points "
                    f"of settlement (95% confidence interval {row['ci_low']:.2f} to {row['ci_high']:.2f}; "
                    f"{pt.n} comparator-years over {panel.dropna(subset=['cpi_prev'])['year'].nunique()} years; "
                    f"{_cov_words(row['cov_type'], pt.n_groups)}).")
    else:
        text.append(f"The pass-through from inflation could not be estimated: {pt.fallback_reason}.")
    pe = o.results["passthrough_eci"]
    if pe.status == "ok":
        row = pe.summary.set_index("term").loc["eci_prev"]
        text.append(f"Against the ECI for state and local government wages ({prev}) the figure is about "
                    f"{row['coef']:.2f} points per point (95% confidence interval {row['ci_low']:.2f} to "
                    f"{row['ci_high']:.2f}; {pe.n} comparator-years).")

    s = o.backtest.scores.set_index("method")
    ranked = s[s["ranked"]]
    if len(ranked):
        yrs = _span(o.backtest.years, b)
        best_m = ranked[ranked["kind"].eq("model")]
        best_b = ranked[ranked["kind"].eq("baseline")]
        lead = (f"In a rolling-origin backtest over {yrs} (each year predicted from the years before it only), ")
        if o.backtest.model_beats_baselines:
            m = best_m["mae"].idxmin()
            text.append(lead + f"the {_lc(s.at[m, 'label'])} missed comparator settlements by {s.at[m, 'mae']:.2f} "
                        f"points on average, with {s.at[m, 'coverage80']:.0f}% inside its 80% interval, better than "
                        f"the best naive baseline ({_lc(s.at[best_b['mae'].idxmin(), 'label'].replace('Baseline: ', ''))}, "
                        f"{best_b['mae'].min():.2f} points).")
        else:
            bb = best_b["mae"].idxmin()
            mm = (f"the best model, the {_lc(s.at[best_m['mae'].idxmin(), 'label'])}, missed by "
                  f"{best_m['mae'].min():.2f} points on average" if len(best_m) else "no model could be scored")
            text.append(lead + f"no model beat the naive baselines: {mm}, against {s.at[bb, 'mae']:.2f} for "
                        f"{_lc(s.at[bb, 'label'].replace('Baseline: ', ''))}, so the range comes from that baseline.")

    wi = o.results.get("wage_index")
    if wi is not None and wi.status != "failed":
        wf = wi.spec["forecast"]
        ahead = ", ".join(f"{_p(p)} in {_yl(y, b)}" for y, p in zip(wf["year"], wf["point"]))
        first = wf.iloc[0]
        text.append(f"The ECI for state and local government wages is projected to rise about {ahead} "
                    f"(80% interval for {_yl(first['year'], b)}: {_p(first['lo80'])} to {_p(first['hi80'])}; "
                    f"{wi.used if wi.status == 'ok' else 'a mean model, as the series is too thin'}).")

    if o.real_table is not None and len(o.real_table):
        t = o.real_table.set_index("role")
        base = int(o.real_table["base_year"].iloc[0])
        parts = []
        if "unit" in t.index:
            r = t.loc[["unit"]].iloc[0]
            word = "gain" if r["real_pct"] >= 0 else "loss"
            parts.append(f"{span_words(Span(base, int(r['through'])), b)}, the unit's base wages rose "
                         f"{_p(r['nominal_pct'])} while the average of {inp.cpi_name} rose {_p(r['cpi_pct'])}, "
                         f"a real {word} of {_p(abs(r['real_pct']))}")
        if "comparator median" in t.index:
            r = t.loc[["comparator median"]].iloc[0]
            parts.append(f"the median across comparators of each one's own compounded real change was "
                         f"{r['real_pct']:+.1f}% {span_words(Span(base, int(r['through'])), b)}")
        if parts:
            sentence = "; ".join(parts)
            short = partial_years(inp.cpi, [base, *o.real_table["through"]])
            if len(short):
                sentence += " (" + "; ".join(
                    f"the {_yl(y, b)} CPI average is of {n} months, {m} not published"
                    for y, n, m in short.itertuples(index=False)) + ")"
            text.append(sentence[0].upper() + sentence[1:] + ".")
    return text


def caveats(o: Outlook) -> list[str]:
    """What the reader should know about the outlook's data and fits, in the order they arise."""
    inp, u = o.inputs, o.inputs.unit
    out = list(inp.notes)
    if o.thin:
        return out
    for r in o.results.values():
        if r.status != "ok" and (r.name != "passthrough_eci" or inp.eci is not None):
            out.append(f"{r.label}: {r.fallback_reason}, so {r.used if r.status == 'fallback' else 'nothing'} "
                       f"{'was used instead' if r.status == 'fallback' else 'could be fitted'}.")
    out += o.backtest.notes
    short = partial_years(inp.cpi, inp.cpi["year"]) if inp.cpi is not None else pd.DataFrame()
    if len(short):
        out.append("CPI averages of fewer than 12 months, used as published (not filled) by the models' CPI t-1 "
                   "and the real-wage figures: " + "; ".join(
                       f"{_yl(y, inp.basis)} ({n} months, {m} not published)"
                       for y, n, m in short.itertuples(index=False)) + ".")
    if o.range_fallback:
        if o.backtest.best:
            out.append(f"{BT_LABELS[o.backtest.best]} gives no interval for every contract year, so the range "
                       "comes from the pooled OLS trend.")
        else:
            out.append("The backtest could not rank any method, so the range comes from the pooled OLS trend.")
    wi = o.results.get("wage_index")
    if wi is not None and wi.status == "ok" and wi.spec.get("missing_years"):
        span = inp.eci["year"]
        out.append(f"The ECI series is sparse: each year's value is the mean of the 12-month changes of the "
                   f"{int(inp.eci['n_quarters'].min())} to {int(inp.eci['n_quarters'].max())} quarters published in "
                   f"it (the measure the Settlements against inflation table shows), and {wi.spec['missing_years']} of "
                   f"the {int(span.max() - span.min() + 1)} years from {_yl(span.min(), inp.basis)} to "
                   f"{_yl(span.max(), inp.basis)} have none, which the time-series model treats as missing.")
    fc = o.forecast
    if "cpi_projected" in fc and fc["cpi_projected"].any():
        k = fc.loc[fc["cpi_projected"], "year"]
        out.append(f"CPI for {_span(k - 1, inp.basis)} is not yet known; the forecast holds it at the last "
                   "known change and widens the interval for that uncertainty.")
    if inp.cpi is not None and len(inp.cpi) and o.real is None:
        out.append("There are too few years of CPI and settlements together to compare real wages.")
    if not len(inp.own):
        out.append(f"There is no settlement history for {u.employer.jurisdiction} {vocab(u.occupation_group)} "
                   "itself, so its own real wages are not shown.")
    return out


def fan_chart(o: Outlook):
    """Comparators' history, the unit's own, and the forecast fan (80% and 95%)."""
    inp, b = o.inputs, o.inputs.basis
    fig, ax = figures.new((8, 4.5))
    hist, med, later, own, f = _fan_frames(o)
    ax.scatter(hist["year"], hist["increase_pct"], s=12, color="0.65", label="Each comparator", zorder=2)
    ax.plot(med.index, med.to_numpy(), color="black", lw=2, label="Comparator median", zorder=3)
    if len(later):
        ax.scatter(later["year"], later["increase_pct"], s=14, facecolors="none", edgecolors="0.4",
                   label="Comparators already settled", zorder=3)
    if len(own):
        ax.plot(own["year"], own["increase_pct"], color="tab:blue", lw=2, marker="o", ms=3,
                label=_own_label(o), zorder=4)
    ax.fill_between(f["year"], f["lo95"], f["hi95"], color="tab:orange", alpha=0.18, lw=0, label="95% interval")
    ax.fill_between(f["year"], f["lo80"], f["hi80"], color="tab:orange", alpha=0.38, lw=0, label="80% interval")
    ax.plot(f["year"], f["point"], color="tab:orange", lw=2, ls="--", marker="o", ms=4, label=_forecast_label(o))
    ax.set_xlabel(_fan_x_title(b))
    ax.set_ylabel(FAN_Y_TITLE)
    ax.set_title(_fan_title(o))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.text(0.01, 0.01, _wrap(_source(inp)), fontsize=6.5, color="0.35")
    return figures.finish(fig, rect=(0, 0.06, 1, 1))


FAN_Y_TITLE = "Base-wage increase in effect (%)"
_ORANGE, _BLUE = "#ff7f0e", "#1f77b4"  # matplotlib's tab:orange and tab:blue


def _fan_frames(o: Outlook):
    """What the fan chart plots: comparators' history and median, those already settled, the
    unit's own history, and the forecast by year."""
    inp = o.inputs
    hist = inp.annual[inp.annual["year"] < inp.unit.cycle_year]
    med = hist.groupby("year")["increase_pct"].median()
    later = inp.annual[inp.annual["year"] >= inp.unit.cycle_year]
    own = inp.own[inp.own["year"] < inp.unit.cycle_year]
    return hist, med, later, own, o.forecast.sort_values("year")


def _own_label(o: Outlook) -> str:
    return f"{o.inputs.unit.employer.jurisdiction} (this unit's history)"


def _forecast_label(o: Outlook) -> str:
    return f"Forecast ({_method_label(o.method).replace('Baseline: ', '')})"


def _fan_x_title(b: str) -> str:
    return "Fiscal year (named by the year it ends)" if b == "fiscal" else "Calendar year"


def _fan_title(o: Outlook) -> str:
    return (f"{o.inputs.unit.occupation_group.replace('_', ' ').title()} settlements and the "
            f"{_span(o.years, o.inputs.basis)} outlook")


def fan_data(o: Outlook) -> ChartData:
    """The numbers :func:`fan_chart` plots, for a native chart: each comparator's increase a
    point (a row), the lines and the interval bounds by year. The shaded intervals are drawn
    as their bounds."""
    hist, med, later, own, f = _fan_frames(o)
    x = _fan_x_title(o.inputs.basis)
    points = pd.concat([hist.assign(_k="Each comparator"), later.assign(_k="Comparators already settled")])
    pts = pd.DataFrame({x: points["year"].to_numpy(), "Comparator": points["jurisdiction"].astype(str).to_numpy()})
    for k in ("Each comparator", "Comparators already settled"):
        pts[k] = points["increase_pct"].where(points["_k"] == k).to_numpy()
    pts = pts.dropna(subset=["Each comparator", "Comparators already settled"], how="all")
    years = sorted(set(med.index) | set(own["year"]) | set(f["year"]))
    by_year = pd.DataFrame({x: years})
    by_year["Comparator median"] = by_year[x].map(med)
    own_label, fc = _own_label(o), _forecast_label(o)
    by_year[own_label] = by_year[x].map(own.set_index("year")["increase_pct"]) if len(own) else np.nan
    fy = f.set_index("year")
    for col, name in (("point", fc), ("lo80", "80% interval, low"), ("hi80", "80% interval, high"),
                      ("lo95", "95% interval, low"), ("hi95", "95% interval, high")):
        by_year[name] = by_year[x].map(fy[col])
    lines = [Series("Comparator median", color="#000000", width=2, marker="none")]
    if len(own):
        lines.append(Series(own_label, color=_BLUE, width=2, marker="circle"))
    lines += [Series(fc, color=_ORANGE, width=2, dash=True, marker="circle")]
    lines += [Series(f"{p}% interval, {e}", color="#ffc080" if p == 95 else _ORANGE, width=1, marker="none")
              for p in (80, 95) for e in ("low", "high")]
    dots = [Series("Each comparator", "markers", "#a6a6a6", marker="circle")]
    if len(later):
        dots.append(Series("Comparators already settled", "markers", "#666666", marker="circle", hollow=True))
    return ChartData(_fan_title(o), [ChartTable(pts, x, dots), ChartTable(by_year, x, lines)], "scatter", "percent",
                     x, FAN_Y_TITLE, blanks="span")


def real_wage_data(long: pd.DataFrame, year_label: str, cpi_name: str, name=lambda y: str(y)) -> ChartData | None:
    """The numbers :func:`real_wage_chart` plots (``long`` as drawn), for a native chart."""
    if long.duplicated(["entity", "year"]).any():
        return None
    base = int(long["year"].min())
    order = list(dict.fromkeys(long["entity"]))
    wide = long.pivot(index="year", columns="entity", values="real_index").reindex(columns=order)
    roles = long.drop_duplicates("entity").set_index("entity")["role"]
    series = []
    for entity in order:
        role = roles[entity]
        series.append(Series(str(entity), color="#b3b3b3", width=1, marker="none", legend=False) if role == "comparator"
                      else Series(str(entity), color="#000000" if role == "comparator median" else _BLUE,
                                  width=2 if role == "comparator median" else 2.5, marker="none"))
    wide.columns = [str(c) for c in wide.columns]
    frame = wide.rename_axis(None).reset_index(names=year_label)
    return ChartData(f"Base wages deflated by {cpi_name}", [ChartTable(frame, year_label, series)], "scatter",
                     "index", year_label, f"Real base wage index ({name(base)} = 100)", blanks="span")


def real_wage_chart(long: pd.DataFrame, year_label: str, cpi_name: str, source: str, name=lambda y: str(y)):
    """Real base-wage index lines: comparators thin, the median and the unit bold."""
    fig, ax = figures.new((8, 4.5))
    base = int(long["year"].min())
    for (role, entity), g in long.groupby(["role", "entity"], sort=False):
        if role == "comparator":
            ax.plot(g["year"], g["real_index"], color="0.7", lw=1, label="_nolegend_")
        elif role == "comparator median":
            ax.plot(g["year"], g["real_index"], color="black", lw=2, label=entity)
        else:
            ax.plot(g["year"], g["real_index"], color="tab:blue", lw=2.5, label=entity)
    ax.plot([], [], color="0.7", lw=1, label="Each comparator")
    ax.axhline(100, color="0.4", lw=0.8, ls=":")
    ax.set_xlabel(year_label)
    ax.set_ylabel(f"Real base wage index ({name(base)} = 100)")
    ax.set_title(f"Base wages deflated by {cpi_name}")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, fontsize=8)
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35")
    return figures.finish(fig, rect=(0, 0.04 + 0.02 * source.count("\n"), 1, 1))


def section(o: Outlook) -> Section:
    """The "Wage trends and outlook" :class:`~wagebrief.brief.section.Section` built from an outlook."""
    inp = o.inputs
    if o.thin:
        return Section(TITLE, [f"There are too few comparator increases ({len(inp.panel)}) for "
                               f"{vocab(inp.unit.occupation_group)} before {inp.unit.cycle_year} to model wage trends."],
                       caveats=caveats(o))
    b, src = inp.basis, _source(inp)
    tables = [
        Table(f"Forecast for the {_span(o.years, b)} contract years: one comparator settlement's base increase "
              f"({_method_label(o.method)})", forecast_table(o), src, {c: "{:.2f}" for c in FORECAST_PCT}),
        Table("Rolling-origin backtest: mean absolute error and 80% interval coverage", backtest_table(o), src,
              {"MAE (points)": "{:.2f}", "80% coverage (%)": "{:.0f}"}),
        Table("Model estimates (percent points; year = change per year)", coefficient_table(o), src,
              {"Estimate": "{:.3f}", "95% low": "{:.3f}", "95% high": "{:.3f}"}),
    ]
    charts = [Figure("Comparator settlements with the forecast fan (80% and 95% prediction intervals)",
                     fan_chart(o), src, [fan_data(o)])]
    if o.real is not None:
        rt = real_wage_table(o)
        tables.append(Table(f"Real base-wage change since {rt['Base year'].iloc[0]} ({inp.cpi_name})", rt, src,
                            {c: "{:+.1f}" for c in REAL_PCT}))
        year_label = "Fiscal year" if b == "fiscal" else "Calendar year"
        real = real_wage_data(o.real, year_label, inp.cpi_name, name=lambda y: _yl(y, b))
        charts.append(Figure("Real base wages (deflated by CPI)", real_wage_chart(
            o.real, year_label, inp.cpi_name, _wrap(src), name=lambda y: _yl(y, b)), src,
            [real] if real is not None else []))
    return Section(TITLE, _sentences(o), tables, charts, caveats(o))


def brief_section(unit, root: str | Path | None = None, *, cycle_year: int | None = None,
                  base_year: int | None = None, inputs: Inputs | None = None) -> Section:
    """The brief's "Wage trends and outlook" :class:`~wagebrief.brief.section.Section` for ``unit``.

    ``unit`` is a unit id or a :class:`~wagebrief.inputs.units.Unit`; ``cycle_year`` overrides the unit
    file's; ``base_year`` is the real-wage base year (default: see
    :func:`wagebrief.analysis.realwages.default_base_year`); ``inputs`` skips loading (tests).
    """
    return section(unit_outlook(unit, root, cycle_year=cycle_year, base_year=base_year, inputs=inputs))
