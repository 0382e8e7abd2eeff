"""Market position: where the unit's pay stands among its comparators, now and after a proposal.

Conventions (percent units throughout: 2.5 means 2.5%)
----------------------------------------------------
* **Measures.** ``entry`` is a schedule's ``min_salary`` and ``top`` its ``max_salary`` (annual
  dollars). ``entry_hourly`` / ``top_hourly`` divide by ``hours_per_week * 52``; they are shown
  in the position summary when hours differ among the unit and its comparators.
  ``top_longevity_N`` is ``max_salary + longevity_N`` and is shown where anyone gives
  ``longevity_N``. A blank longevity is unknown (left out); ``0`` means no plan.
* **Rank.** 1 = highest pay. The unit is ranked among itself and the comparators with data
  (``out_of`` = comparators with data + 1); ties share the best rank (pandas ``method="min"``):
  a unit paid the same as the top comparator ranks 1.
* **Percentiles** of the *comparators'* values (the unit is not one of its own comparators),
  by linear interpolation between closest ranks: numpy ``percentile(method="linear")``, the
  same as Excel ``PERCENTILE.INC``. The median is the 50th percentile by the same rule.
* **Above / below.** ``pct_vs_median = (unit / median - 1) * 100``; likewise for the mean.
  ``to_<p>_dollars = max(0, p - unit)`` is the raise needed to reach that point, and
  ``to_<p>_pct`` the same as a percent of the unit's pay (0 when already there).
* **Missing data.** A comparator with no schedule for a title (or no value for a measure) is
  named in ``missing`` and left out of every statistic; it is never counted as zero.
* **Projection.** A schedule effective on date *d* includes the increases effective on *d*.
  To move it to date *t*, the comparator's base increases (``gwi_pct`` compounding, ``gwi_flat``
  adding its dollars to every step) effective in (*d*, min(*t*, end of its last known
  contract)] are applied as *known*. After its last contract's ``term_end`` an increase is
  assumed on the day after and on each anniversary up to *t*, at the wage-trend forecast for
  that year; those cells are ``projected``. Longevity dollars are not escalated.
* **Proposal window.** The unit's proposed contract starts the day after its last known
  contract ends (or, when that is not known near the cycle, on the first day of the fiscal year
  that starts in ``cycle_year``) and runs ``term_years`` years, unless the proposals file
  (:mod:`wagebrief.inputs.proposals`) gives the term. Scenario increases take effect on their dates.

Section text, captions and caveats are plain text holding names as given; whoever renders them
escapes them (``wagebrief.brief.core.section_html`` does, and :func:`table_html` escapes tables).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis.scenarios import resolve
from wagebrief.brief.section import Figure, Section, Table, format_value

WEEKS_PER_YEAR = 52
PERCENTILES = {"median": 50, "p60": 60, "p75": 75}
TARGETS = ("median", "p60", "p75")
MEASURE_LABELS = {
    "entry": "entry (minimum step)", "top": "top step",
    "entry_hourly": "entry, hourly", "top_hourly": "top step, hourly",
    "top_longevity_10": "top step + longevity at 10 years",
    "top_longevity_15": "top step + longevity at 15 years",
    "top_longevity_20": "top step + longevity at 20 years",
}
LONGEVITY_YEARS = (10, 15, 20)
SCENARIO_LABELS = {
    "management": "management's offer", "union": "the union's proposal",
    "comparator_pattern": "the comparator pattern",
}
PATTERN = "comparator_pattern"
DAY = pd.Timedelta(days=1)


# =========================================================================== arithmetic

def percentile(values: Sequence[float] | pd.Series, q: float) -> float:
    """The q-th percentile by linear interpolation (numpy "linear", Excel PERCENTILE.INC).

    With sorted values v[0..n-1] the position is ``(n - 1) * q / 100`` and a fractional
    position interpolates between its neighbours. NaN for no values.
    """
    v = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    return float(np.percentile(v, q, method="linear")) if v.size else float("nan")


def rank_of(value: float, others: Sequence[float] | pd.Series) -> int:
    """Rank of ``value`` among itself and ``others`` (NaN dropped): 1 = highest, ties share
    the best rank (the "min" method)."""
    o = pd.Series(others, dtype=float).dropna()
    return int((o > value).sum()) + 1


def position(unit_value: float, comparators: Mapping[str, float] | pd.Series) -> dict[str, Any]:
    """Where ``unit_value`` stands among comparators' values (name -> value, NaN = missing).

    Returns ``unit_value, n_comparators, rank, out_of, median, mean, p60, p75, pct_vs_median,
    pct_vs_mean``, and for each of median, p60, p75 ``to_<p>_dollars`` and ``to_<p>_pct``,
    plus ``missing`` (names of comparators without a value, in the order given). See the module
    docstring for the rank and percentile rules.
    """
    s = pd.Series(comparators, dtype=float)
    have = s.dropna()
    missing = [str(k) for k in s.index[s.isna()]]
    out: dict[str, Any] = {"unit_value": float(unit_value) if unit_value is not None else float("nan"),
                           "n_comparators": int(have.size), "missing": missing}
    u = out["unit_value"]
    out["median"] = percentile(have, 50)
    out["mean"] = float(have.mean()) if have.size else float("nan")
    out["p60"] = percentile(have, 60)
    out["p75"] = percentile(have, 75)
    ok = np.isfinite(u) and have.size > 0
    out["rank"] = rank_of(u, have) if ok else None
    out["out_of"] = int(have.size) + 1 if np.isfinite(u) else int(have.size)
    out["pct_vs_median"] = (u / out["median"] - 1) * 100 if ok else float("nan")
    out["pct_vs_mean"] = (u / out["mean"] - 1) * 100 if ok else float("nan")
    for t in TARGETS:
        gap = max(0.0, out[t] - u) if ok else float("nan")
        out[f"to_{t}_dollars"] = gap
        out[f"to_{t}_pct"] = gap / u * 100 if ok and u else float("nan")
    return out


def hourly(annual: float | pd.Series, hours_per_week: float | pd.Series) -> float | pd.Series:
    """Annual pay as an hourly rate: ``annual / (hours_per_week * 52)``."""
    return annual / (hours_per_week * WEEKS_PER_YEAR)


def add_measures(df: pd.DataFrame) -> pd.DataFrame:
    """Add every measure column (entry, top, hourly, top + longevity) to schedule rows."""
    out = df.copy()
    out["entry"] = out["min_salary"].astype(float)
    out["top"] = out["max_salary"].astype(float)
    out["entry_hourly"] = hourly(out["entry"], out["hours_per_week"].astype(float))
    out["top_hourly"] = hourly(out["top"], out["hours_per_week"].astype(float))
    for n in LONGEVITY_YEARS:
        lon = out[f"longevity_{n}"].astype(float) if f"longevity_{n}" in out else np.nan
        out[f"top_longevity_{n}"] = out["top"] + lon
    return out


# =========================================================================== forecasts

@dataclass(frozen=True)
class Forecast:
    """Forecast annual base increases for comparators whose contract has expired.

    ``rates`` maps a year (named as ``basis`` names it) to a percent; a year past the last one
    given uses the last. ``label`` says in words where the numbers come from.
    """

    rates: Mapping[int, float]
    label: str
    method: str = "given"
    basis: str = "calendar"
    fy_start_month: int = 7

    def year_of(self, when: pd.Timestamp) -> int:
        if self.basis == "fiscal" and self.fy_start_month != 1:
            return when.year + (1 if when.month >= self.fy_start_month else 0)
        return when.year

    def rate(self, jurisdiction: str, when: pd.Timestamp) -> float | None:
        if not self.rates:
            return None
        y = self.year_of(pd.Timestamp(when))
        if y in self.rates:
            return float(self.rates[y])
        years = sorted(self.rates)
        return float(self.rates[years[-1]] if y > years[-1] else self.rates[years[0]])

    @classmethod
    def constant(cls, pct: float, label: str | None = None, method: str = "given") -> Forecast:
        return cls({0: float(pct)}, label or f"forecast given as {pct:.2f}% a year", method)


def _annual_for_group(events: pd.DataFrame, jurisdictions: Iterable[str], group: str, basis: str,
                      fy: int) -> pd.DataFrame:
    from wagebrief.analysis import metrics

    ev = _group_rows(events, jurisdictions, group)
    if ev.empty:
        return pd.DataFrame(columns=["jurisdiction", "year", "increase_pct"])
    ann = metrics.annual_increases(ev, basis, fy)
    return ann[ann["known"]]  # a year with an increase of unknown size is left out, never 0


def _group_rows(events: pd.DataFrame, jurisdictions: Iterable[str], group: str) -> pd.DataFrame:
    """The settlement rows of ``jurisdictions`` in occupation group ``group``."""
    keys = {j.casefold() for j in jurisdictions}
    return events[events["jurisdiction"].str.casefold().isin(keys) & events["occupation_group"].eq(group)]


def internal_rows(unit, events: pd.DataFrame) -> pd.DataFrame:
    """The settlement rows of the unit's own employer (every unit: the internal comparables)."""
    return events[events["jurisdiction"].str.casefold().eq(unit.employer.jurisdiction.casefold())]


def _settlements_source(rows: pd.DataFrame, unit) -> str:
    """A table's settlements source line, labelled from the rows the table was built from (and
    the unit file's own flag), not from whatever else sits in the folder."""
    from wagebrief.inputs import provenance

    lab = provenance.rows_label("Settlements", rows)
    tag = (" (SYNTHETIC)" if lab.kind == provenance.SYNTHETIC or unit.synthetic
           else f" (partly SYNTHETIC: {lab.detail})" if lab.kind == provenance.MIXED else "")
    return "Settlements: data/raw/settlements" + tag


def fallback_forecast(unit, events: pd.DataFrame, as_of: pd.Timestamp, years: int = 3) -> Forecast | None:
    """The comparator median of base increases over the ``years`` latest years up to ``as_of``.

    This is the stand-in used when no wage-trend model forecast is available; its label says so.
    """
    basis, fy = unit.cpi_basis, unit.fiscal_year_start_month
    ann = _annual_for_group(events, unit.jurisdictions, unit.occupation_group, basis, fy)
    f = Forecast({}, "", basis=basis, fy_start_month=fy)
    last = f.year_of(pd.Timestamp(as_of))
    ann = ann[ann["year"] <= last]
    if ann.empty:
        return None
    span = sorted(ann["year"].unique())[-years:]
    vals = ann.loc[ann["year"].isin(span), "increase_pct"]
    med = float(vals.median())
    name = (lambda y: f"FY{y}") if basis == "fiscal" else str
    label = (f"comparator median of annual base increases, {name(span[0])}-{name(span[-1])} "
             f"({med:.2f}% a year; {len(vals)} comparator-years); no wage-trend model forecast was available")
    return Forecast({0: med}, label, "comparator_median", basis, fy)


#: Models tried, in order, when :mod:`wagebrief.analysis.trends` offers fits rather than one forecast call.
MODEL_PREFERENCE = ("mixed", "pooled_wls", "pooled_ols")


def _method_label(models, method: str) -> str:
    from wagebrief.analysis import backtest

    for mod in (backtest, models):
        label = getattr(mod, "LABELS", {}).get(method)
        if label:
            return str(label)
    return method


def model_forecast(unit, events: pd.DataFrame, years: Sequence[int], root=None) -> tuple[Forecast | None, str | None]:
    """The wage-trend forecast from :mod:`wagebrief.analysis.trends`, or (None, why not).

    In order: ``models.forecast_increases(unit, years, root=..., events=...)`` if the module
    offers it (a frame with ``year`` and ``point``, or a year -> percent mapping); else the
    outlook of the brief's wage-trend section (``models.outlook(models.load_inputs(...))``: the
    method its backtest picked), extended to ``years`` with the same model where it is one;
    else the first usable fit of :data:`MODEL_PREFERENCE`. Years outside the forecast take the
    nearest forecast year (see :meth:`Forecast.rate`).
    """
    try:
        from wagebrief.analysis import trends as models
    except Exception as exc:
        return None, f"the wage-trend models are unavailable ({type(exc).__name__})"
    basis, fy = unit.cpi_basis, unit.fiscal_year_start_month

    def rates_of(frame: pd.DataFrame) -> dict[int, float]:
        frame = frame.dropna(subset=["point"])
        return dict(zip(frame["year"].astype(int), frame["point"].astype(float)))

    try:
        fn = getattr(models, "forecast_increases", None)
        if callable(fn):
            got = fn(unit, list(years), root=root, events=events)
            rates = {int(k): float(v) for k, v in got.items()} if isinstance(got, Mapping) else rates_of(got)
            if rates:
                return Forecast(rates, "wage-trend model forecast", "model", basis, fy), None
        inputs = models.load_inputs(unit, root, events=events)
        if callable(getattr(models, "outlook", None)):
            o = models.outlook(inputs)
            if o.forecast is not None and len(o.forecast):
                rates = rates_of(o.forecast)
                res = (o.results or {}).get(o.method)
                extra = [y for y in years if y not in rates]
                if extra and res is not None:
                    rates.update({y: v for y, v in rates_of(models.forecast(res, extra, inputs.cpi)).items()
                                  if y not in rates})
                if rates:
                    why = f"; chosen because {o.why}" if o.why else ""
                    label = f"wage-trend forecast ({_method_label(models, o.method)}{why})"
                    return Forecast(rates, label, "model", basis, fy), None
        fits = models.fit_all(inputs.panel, inputs.eci)
        for name in MODEL_PREFERENCE:
            res = fits.get(name)
            if res is None or getattr(res, "status", "failed") == "failed":
                continue
            rates = rates_of(models.forecast(res, list(years), inputs.cpi))
            if rates:
                return Forecast(rates, f"wage-trend forecast ({_method_label(models, name)})", "model", basis, fy), None
        return None, "no wage-trend model could be fitted"
    except Exception as exc:  # a model problem must not stop the market section
        return None, f"the wage-trend forecast failed ({type(exc).__name__}: {exc})"


# =========================================================================== projection

def known_through(events: pd.DataFrame) -> pd.Timestamp | None:
    """The last ``term_end`` among ``events`` (any event type), or None."""
    if events is None or events.empty:
        return None
    return pd.Timestamp(events["term_end"].max())


def increase_steps(events: pd.DataFrame, since: pd.Timestamp, to: pd.Timestamp,
                   forecast: Forecast | None = None, jurisdiction: str = "",
                   through: pd.Timestamp | None = None) -> tuple[pd.DataFrame, bool]:
    """The base increases effective in (``since``, ``to``], known then forecast.

    ``events``: one comparator's settlement rows (all types; base increases are picked out).
    ``through``: the end of its last known contract (default: the last ``term_end`` of
    ``events``). Returns (steps, complete): steps have ``date, kind ('pct' | 'flat'), pct,
    amount, projected``; ``complete`` is False when a forecast was needed but none was given.
    """
    since, to = pd.Timestamp(since), pd.Timestamp(to)
    through = known_through(events) if through is None else pd.Timestamp(through)
    cols = ["date", "kind", "pct", "amount", "projected"]
    rows: list[dict] = []
    if events is not None and len(events) and through is not None:
        base = events[events["event"].isin(("gwi_pct", "gwi_flat"))]
        hi = min(to, through)
        hit = base[(base["effective_date"] > since) & (base["effective_date"] <= hi)].sort_values("effective_date", kind="stable")
        # A flat raise adds its dollars a year (an hourly one annualised with the row's hours;
        # unknown without them, so the projection it reaches is unknown, never a guess).
        dollars = "annual_amount" if "annual_amount" in hit.columns else "amount"
        # only the columns read: iterating a settlement table's many text columns is the slow part
        for r in hit[["effective_date", "event", "base_pct", dollars]].itertuples(index=False):
            flat = r.event == "gwi_flat"
            rows.append({"date": pd.Timestamp(r.effective_date), "kind": "flat" if flat else "pct",
                         "pct": float(r.base_pct), "amount": float(r[3]) if flat else float("nan"),
                         "projected": False})
    complete = True
    if through is None or to > through:
        anchor = since if through is None else through + DAY
        k = 1 if through is None else 0
        while (when := anchor + pd.DateOffset(years=k)) <= to:
            k += 1
            if when <= since:
                continue
            r = forecast.rate(jurisdiction, when) if forecast is not None else None
            if r is None or not math.isfinite(r):
                complete = False
                break
            rows.append({"date": pd.Timestamp(when), "kind": "pct", "pct": float(r), "amount": float("nan"),
                         "projected": True})
    steps = pd.DataFrame(rows, columns=cols)
    return steps.sort_values("date", kind="stable").reset_index(drop=True), complete


def apply_steps(value: float, steps: pd.DataFrame, flat_as: str = "dollars") -> float:
    """``value`` after ``steps``: percents compound; a flat raise adds its dollars (or, with
    ``flat_as="pct"``, compounds its percent of the reference salary, for an index of 1)."""
    if steps.empty:
        return value
    for kind, pct, amount in zip(steps["kind"].tolist(), steps["pct"].tolist(), steps["amount"].tolist()):
        if kind == "flat" and flat_as == "dollars":
            value = value + amount
        else:
            value = value * (1 + pct / 100)
    return value


def _describe(steps: pd.DataFrame) -> str:
    parts = []
    if steps.empty:
        return ""
    for date, kind, pct, amount, projected in zip(*(steps[c].tolist() for c in ("date", "kind", "pct", "amount", "projected"))):
        what = f"+${amount:,.0f}" if kind == "flat" else f"{pct:+.2f}%"
        parts.append(f"{date:%Y-%m-%d} {what}{' (forecast)' if projected else ''}")
    return "; ".join(parts)


def events_for(events: pd.DataFrame | None, jurisdiction: str, group: str | None,
               unit_name: str | None = None) -> pd.DataFrame:
    """One jurisdiction's settlement rows for an occupation group; when it has several units in
    that group, the one named ``unit_name`` (case-insensitive) if present."""
    if events is None or events.empty:
        return pd.DataFrame(columns=["jurisdiction", "unit", "occupation_group", "event", "effective_date",
                                     "term_end", "pct", "amount", "base_pct"])
    ev = events[events["jurisdiction"].str.casefold().eq(jurisdiction.casefold())]
    if group is not None:
        ev = ev[ev["occupation_group"].eq(group)]
    if unit_name and ev["unit"].nunique() > 1:
        same = ev[ev["unit"].str.casefold().eq(unit_name.casefold())]
        if len(same):
            ev = same
    return ev


def project_schedule(row: Mapping[str, Any], events: pd.DataFrame, to: pd.Timestamp,
                     forecast: Forecast | None = None) -> dict[str, Any]:
    """One schedule row moved to date ``to`` (see the module docstring).

    Returns the row with ``min_salary``/``max_salary`` at ``to`` and ``value_date``,
    ``schedule_date``, ``known_through``, ``known_pct`` and ``forecast_pct`` (the top step's
    change from each part), ``adjusted`` (known increases applied), ``projected`` (forecast
    applied), ``available`` (False when a needed forecast is missing: the values are NaN) and
    ``increases`` (the steps in words).
    """
    since = pd.Timestamp(row["effective_date"])
    to = pd.Timestamp(to)
    out = dict(row)
    out.update(value_date=to, schedule_date=since)
    thr = known_through(events)
    out["known_through"] = thr
    if to <= since:
        out.update(known_pct=0.0, forecast_pct=0.0, adjusted=False, projected=False, available=True, increases="")
        return out
    steps, complete = increase_steps(events, since, to, forecast, str(row.get("jurisdiction", "")), thr)
    known, fc = steps[~steps["projected"]], steps[steps["projected"]]
    top0 = float(row["max_salary"])
    top_known = apply_steps(top0, known)
    top_all = apply_steps(top_known, fc)
    out["min_salary"] = apply_steps(float(row["min_salary"]), steps) if complete else float("nan")
    out["max_salary"] = top_all if complete else float("nan")
    out["known_pct"] = (top_known / top0 - 1) * 100
    out["forecast_pct"] = (top_all / top_known - 1) * 100 if complete else float("nan")
    out["adjusted"] = bool(len(known))
    out["projected"] = bool(len(fc)) or not complete
    out["available"] = complete
    out["increases"] = _describe(steps) + ("" if complete else "; then no forecast available")
    return out


def schedules_at(salaries: pd.DataFrame, jurisdictions: Sequence[str], titles: Sequence[str],
                 when: pd.Timestamp) -> tuple[pd.DataFrame, list[str]]:
    """The schedule in effect on ``when`` per jurisdiction x title (latest effective_date <= when).

    When a jurisdiction has several units' schedules for one title on that date, the first unit
    by name is used and a note says so.
    """
    notes: list[str] = []
    keys = {j.casefold(): j for j in jurisdictions}
    s = salaries[salaries["jurisdiction"].str.casefold().isin(keys) & salaries["benchmark_title"].isin(list(titles))]
    s = s[s["effective_date"] <= pd.Timestamp(when)]
    if s.empty:
        return s.assign(role=pd.Series(dtype=object)), notes
    s = s.sort_values(["jurisdiction", "benchmark_title", "effective_date", "unit"], kind="stable")
    latest = s.groupby(["jurisdiction", "benchmark_title"], sort=False)["effective_date"].transform("max")
    s = s[s["effective_date"].eq(latest)]
    dup = s.duplicated(["jurisdiction", "benchmark_title"], keep="first")
    for r in s[dup].itertuples(index=False):
        notes.append(f"{r.jurisdiction} has schedules for {r.benchmark_title} in more than one unit; "
                     f"the first by unit name is used.")
    return s[~dup].reset_index(drop=True), notes


# =========================================================================== scenarios

@dataclass(frozen=True)
class Proposal:
    """One proposal scenario's base-wage increases: ``(effective date, "pct" | "flat", value)``.

    Percents compound; a flat raise adds its dollars to every step. Lump sums and step movement
    do not change a schedule's entry or top rate, so they are not part of it.
    """

    name: str
    phrase: str
    increases: tuple[tuple[pd.Timestamp, str, float], ...]

    def steps(self) -> pd.DataFrame:
        rows = [{"date": pd.Timestamp(d), "kind": k, "pct": v if k == "pct" else float("nan"),
                 "amount": v if k == "flat" else float("nan"), "projected": False} for d, k, v in self.increases]
        return pd.DataFrame(rows, columns=["date", "kind", "pct", "amount", "projected"]).sort_values("date", kind="stable")

    def describe(self) -> str:
        return ", ".join(f"{d:%Y-%m-%d} " + (f"+${v:,.0f}" if k == "flat" else f"{v:.2f}%")
                         for d, k, v in self.increases) or "no base increase"


def _pct_value(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError(f"{v!r} is not a percent")
    if isinstance(v, (int, float)):
        return float(v)
    return float(str(v).strip().rstrip("%").strip())


def parse_scenarios(raw: Any, term_years: int, start: pd.Timestamp | None = None
                    ) -> tuple[dict[str, Proposal], list[str]]:
    """Simple scenarios (one percent per contract year) as :class:`Proposal` s, and notes.

    Accepts ``{name: [2, 2.5, 3]}``, ``{name: 2.5}`` (every year), ``{name: {increases: [...]}}``
    and ``[{name: ..., increases: [...]}]``; ``gwi`` or ``annual_pct`` may stand for
    ``increases``. Year k's increase takes effect on ``start + k years``. A scenario with fewer
    increases than contract years is left out, not padded.
    """
    start = pd.Timestamp(start) if start is not None else pd.Timestamp("2000-01-01")
    notes: list[str] = []
    items: list[tuple[str, Any, str | None]] = []
    if isinstance(raw, Mapping):
        items = [(str(k), v, v.get("phrase") if isinstance(v, Mapping) else None) for k, v in raw.items()]
    elif isinstance(raw, list):
        for i, it in enumerate(raw):
            if isinstance(it, Mapping) and "name" in it:
                items.append((str(it["name"]), it, it.get("phrase")))
            else:
                notes.append(f"scenario #{i + 1} has no name; left out.")
    elif raw is not None:
        notes.append("scenarios must be a mapping or a list; none used.")
    out: dict[str, Proposal] = {}
    for name, v, phrase in items:
        if isinstance(v, Mapping):
            v = next((v[k] for k in ("increases", "gwi", "annual_pct", "pct") if k in v), None)
        try:
            vals = [_pct_value(v)] * term_years if not isinstance(v, (list, tuple)) else [_pct_value(x) for x in v]
        except (TypeError, ValueError):
            notes.append(f"scenario {name!r}: cannot read {v!r} as percents; left out.")
            continue
        if len(vals) < term_years:
            notes.append(f"scenario {name!r} gives {len(vals)} increase(s) for a {term_years}-year term; left out.")
            continue
        if len(vals) > term_years:
            notes.append(f"scenario {name!r} gives {len(vals)} increases; the first {term_years} are used.")
        incs = tuple((start + pd.DateOffset(years=k), "pct", x) for k, x in enumerate(vals[:term_years]))
        out[name] = Proposal(name, str(phrase) if phrase else scenario_label(name), incs)
    return out, notes


def _from_costing(unit, root, events) -> tuple[dict[str, Proposal], tuple[pd.Timestamp, pd.Timestamp] | None, list[str]]:
    """Scenarios from :mod:`wagebrief.inputs.proposals` (the costing issue's proposals file), resolved
    (the comparator pattern derived) as the costing module resolves them."""
    try:
        from wagebrief.inputs import proposals as prop_mod
    except ImportError:
        return {}, None, []
    try:
        prop = prop_mod.load(unit, root)
        resolved, notes = resolve(prop, unit, events=events, root=root)
    except Exception as exc:  # no proposals file, or one the costing module rejects
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {}, None, [] if "no scenarios to cost" in msg else [f"The proposal scenarios could not be read ({msg})."]
    out: dict[str, Proposal] = {}
    for name, sc in resolved.items():
        incs = tuple((pd.Timestamp(e.effective_date), "pct" if e.kind == "gwi_pct" else "flat", float(e.value))
                     for e in sc.events if e.kind in ("gwi_pct", "gwi_flat"))
        out[name] = Proposal(name, sc.phrase or scenario_label(name), tuple(sorted(incs)))
    return out, (pd.Timestamp(prop.term_start), pd.Timestamp(prop.term_end)), list(notes)


def scenarios_for(unit, root: str | Path | None = None, *, events: pd.DataFrame | None = None,
                  start: pd.Timestamp | None = None
                  ) -> tuple[dict[str, Proposal], str, tuple[pd.Timestamp, pd.Timestamp] | None, list[str]]:
    """The proposal scenarios for ``unit``: (name -> Proposal, source, proposal term or None, notes).

    First the costing issue's proposals (``comparators/proposals/<unit>.yml`` or the unit file's
    ``scenarios``, read and resolved by :mod:`wagebrief.inputs.proposals`); failing that, simple
    scenarios in the unit file (:func:`parse_scenarios`). None found is not an error.
    """
    sc, term, notes = _from_costing(unit, root, events)
    if sc:
        from wagebrief.inputs.proposals import proposals_path

        where = proposals_path(unit.unit, root)
        src = f"comparators/proposals/{unit.unit}.yml" if where.is_file() else f"comparators/{unit.unit}.yml"
        return sc, src, term, notes
    if "scenarios" in unit.extra:
        sc, n = parse_scenarios(unit.extra["scenarios"], unit.term_years, start)
        return sc, f"comparators/{unit.unit}.yml", None, notes + n
    return {}, "", None, notes


def scenario_label(name: str) -> str:
    return SCENARIO_LABELS.get(name, f"the {name.replace('_', ' ')} scenario")


# =========================================================================== analysis

@dataclass
class MarketAnalysis:
    """Everything the market section shows, as tables of numbers (see the module docstring)."""

    unit: Any
    as_of: pd.Timestamp
    start: pd.Timestamp  #: first day of the proposed contract
    end: pd.Timestamp  #: last day of the proposed contract
    titles: list[str]
    current: pd.DataFrame  #: jurisdiction x title at ``as_of``: schedules, measures, flags, role
    position: pd.DataFrame  #: title x measure at ``as_of``
    projected: pd.DataFrame  #: comparators at ``end`` (and the unit per scenario, role "unit")
    outlook: pd.DataFrame  #: scenario x title x measure at ``end``
    missing: pd.DataFrame  #: title, jurisdiction, when, reason
    scenarios: dict[str, Proposal]
    scenario_source: str
    pattern: pd.DataFrame  #: contract year x comparators' expected increase (settled and forecast)
    forecast: Forecast | None
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    events: pd.DataFrame | None = None  #: the settlement rows used
    comparables: Any = None  #: :class:`wagebrief.analysis.comparables.Comparables`, or None
    comparables_error: str | None = None
    profile: pd.DataFrame | None = None  #: the comparator profile, when available
    profile_error: str | None = None


def _measures_for(df: pd.DataFrame) -> list[str]:
    ms = ["entry", "top"]
    if df["hours_per_week"].dropna().nunique() > 1:
        ms += ["entry_hourly", "top_hourly"]
    for n in LONGEVITY_YEARS:
        if df[f"longevity_{n}"].notna().any():
            ms.append(f"top_longevity_{n}")
    return ms


def _position_rows(detail: pd.DataFrame, unit_j: str, comparators: Sequence[str], title: str,
                   measures: Sequence[str], missing_names: Sequence[str]) -> list[dict]:
    rows = []
    d = detail[detail["benchmark_title"].eq(title)]
    u = d[d["jurisdiction"].str.casefold().eq(unit_j.casefold())]
    comp = d[~d["jurisdiction"].str.casefold().eq(unit_j.casefold())].set_index("jurisdiction")
    for m in measures:
        vals = pd.Series({j: (comp.at[j, m] if j in comp.index else np.nan) for j in comparators}, dtype=float)
        uv = float(u[m].iloc[0]) if len(u) else float("nan")
        p = position(uv, vals)
        p["missing"] = ", ".join(p["missing"])
        rows.append({"benchmark_title": title, "measure": m, **p})
    return rows


def _proposal_window(unit, events: pd.DataFrame, notes: list[str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    default = pd.Timestamp(year=unit.cycle_year, month=unit.fiscal_year_start_month, day=1)
    own = events_for(events, unit.employer.jurisdiction, unit.occupation_group)
    thr = known_through(own)
    if thr is not None and abs((thr + DAY - default).days) <= 400:
        start = thr + DAY
    else:
        start = default
        notes.append(f"The unit's current contract is not in the settlement data near the {unit.cycle_year} "
                     f"cycle, so the proposed contract is taken to start {start:%Y-%m-%d}.")
    end = start + pd.DateOffset(years=unit.term_years) - DAY
    return start, end


def _load_events(root) -> pd.DataFrame:
    from wagebrief.inputs import settlements
    from wagebrief.config import paths

    p = paths(root)
    if p.settlements.is_file():
        return settlements.load(p.settlements)
    if p.raw_settlements.is_dir():
        try:
            return settlements.validate([p.raw_settlements]).valid
        except settlements.SettlementFileError:
            pass
    return pd.DataFrame(columns=["jurisdiction", "state", "jurisdiction_type", "unit", "occupation_group",
                                 "event", "effective_date", "term_start", "term_end", "pct", "amount",
                                 "base_pct", "settlement_id", "employees", "settlement_type", "source"])


def unit_titles(unit, salaries: pd.DataFrame) -> list[str]:
    """The benchmark titles the unit is compared on: ``benchmark_titles`` in the unit file, else
    the vocabulary titles of its occupation group that the unit or a comparator has data for."""
    from wagebrief.inputs.salaries import benchmark_titles

    wanted = unit.extra.get("benchmark_titles")
    if isinstance(wanted, str):
        wanted = [wanted]
    if wanted:
        return [str(t) for t in wanted]
    vocab = benchmark_titles().get(unit.occupation_group, [])
    names = {j.casefold() for j in (unit.employer.jurisdiction, *unit.jurisdictions)}
    have = set(salaries.loc[salaries["jurisdiction"].str.casefold().isin(names), "benchmark_title"])
    return [t for t in vocab if t in have]


def _as_proposals(scenarios: Mapping[str, Any], unit, start: pd.Timestamp) -> tuple[dict[str, Proposal], list[str]]:
    given = {k: v for k, v in scenarios.items() if isinstance(v, Proposal)}
    simple, notes = parse_scenarios({k: v for k, v in scenarios.items() if not isinstance(v, Proposal)},
                                    unit.term_years, start)
    return {**simple, **given}, notes


def analyse(unit, *, as_of: str | pd.Timestamp | None = None, root: str | Path | None = None,
            salaries: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
            forecast: Forecast | float | None = None, scenarios: Mapping[str, Any] | None = None,
            titles: Sequence[str] | None = None, profile: pd.DataFrame | None = None,
            score_comparables: bool = True) -> MarketAnalysis:
    """The unit's market position at ``as_of`` and at the end of its proposed contract.

    ``unit`` is a Unit or a unit id. ``salaries`` (valid schedule rows) and ``events`` (valid
    settlement rows) default to the project's data. ``as_of`` defaults to the unit's latest
    schedule date before the proposed contract (the comparators' latest, when the unit has none).
    ``forecast`` (a :class:`Forecast` or a constant percent) defaults to the wage-trend model,
    else the comparator median (see :func:`fallback_forecast`). ``scenarios`` (name -> a
    :class:`Proposal` or percents per contract year) default to :func:`scenarios_for`; when none
    is the comparator pattern, one is added from the comparators' expected increases.
    ``profile`` (the comparator profile) is passed to the comparables scoring.
    """
    from wagebrief.inputs import gaps
    from wagebrief.inputs import salaries as sal

    notes: list[str] = []
    if isinstance(unit, str):
        # A comparator whose settlements were all rejected is a stated gap, not an error.
        unit, warnings = gaps.load_unit(unit, root=root)
        notes += warnings
    if salaries is None:
        salaries, n = sal.load(root)
        notes += n
    events = gaps.for_unit(_load_events(root) if events is None else events, unit)
    window_notes: list[str] = []
    start, end = _proposal_window(unit, events, window_notes)
    if scenarios is None:
        sc, source, term, n = scenarios_for(unit, root, events=events, start=start)
        notes += n
        if term is not None:
            start, end = term
            window_notes = []
    else:
        sc, n = _as_proposals(scenarios, unit, start)
        source = "given"
        notes += n
    notes = window_notes + notes
    titles = list(titles) if titles is not None else unit_titles(unit, salaries)
    unit_j = unit.employer.jurisdiction
    comps = list(unit.jurisdictions)
    everyone = [unit_j, *comps]
    group = unit.occupation_group
    synthetic = bool(unit.synthetic)
    if len(salaries):
        mine = salaries[salaries["jurisdiction"].str.casefold().isin({j.casefold() for j in everyone})
                        & salaries["benchmark_title"].isin(titles)]
        synthetic |= bool(mine["source"].fillna("").str.contains("SYNTHETIC", case=False).any())
    else:
        mine = salaries
    if as_of is None:
        pool = mine[mine["effective_date"] < start]
        own = pool[pool["jurisdiction"].str.casefold().eq(unit_j.casefold())]
        pick = own if len(own) else pool
        as_of = pick["effective_date"].max() if len(pick) else start - DAY
    as_of = pd.Timestamp(as_of)

    fc_note = None
    if forecast is None:
        probe = Forecast({}, "", basis=unit.cpi_basis, fy_start_month=unit.fiscal_year_start_month)
        years = sorted({probe.year_of(d) for d in pd.date_range(as_of, end + pd.DateOffset(years=1), freq="MS")})
        forecast, why = model_forecast(unit, events, years, root)
        if forecast is None:
            forecast = fallback_forecast(unit, events, as_of)
            fc_note = why
    elif not isinstance(forecast, Forecast):
        forecast = Forecast.constant(float(forecast))

    @functools.lru_cache(maxsize=None)
    def settled(jurisdiction: str, g: str | None, unit_name: str | None) -> pd.DataFrame:
        # Every title of a jurisdiction, now and at the end, moves by the same settlements.
        return events_for(events, jurisdiction, g, unit_name)

    def move(frame: pd.DataFrame, when: pd.Timestamp, fc: Forecast | None) -> pd.DataFrame:
        rows = []
        for r in frame.to_dict("records"):
            g = r.get("occupation_group") if isinstance(r.get("occupation_group"), str) else group
            u = r.get("unit") if isinstance(r.get("unit"), str) else None
            rows.append(project_schedule(r, settled(r["jurisdiction"], g, u), when, fc))
        return pd.DataFrame(rows)

    # ---- now
    sched, n = schedules_at(salaries, everyone, titles, as_of)
    notes += n
    current = move(sched, as_of, forecast) if len(sched) else sched
    missing: list[dict] = []
    if len(current):
        current = add_measures(current)
        current["role"] = np.where(current["jurisdiction"].str.casefold().eq(unit_j.casefold()), "unit", "comparator")
        for r in current[~current["available"]].itertuples(index=False):
            missing.append({"benchmark_title": r.benchmark_title, "jurisdiction": r.jurisdiction, "when": as_of,
                            "reason": "contract expired and no forecast is available"})
        current = current[current["available"]]
    have = {(j.casefold(), t) for j, t in zip(current["jurisdiction"], current["benchmark_title"])} if len(current) else set()
    noted = {(m["jurisdiction"].casefold(), m["benchmark_title"]) for m in missing}
    for t in titles:
        for j in everyone:
            if (j.casefold(), t) in have or (j.casefold(), t) in noted:
                continue
            later = mine[mine["jurisdiction"].str.casefold().eq(j.casefold()) & mine["benchmark_title"].eq(t)] if len(mine) else mine
            why = (f"no schedule in effect on {as_of:%Y-%m-%d} (the first is {later['effective_date'].min():%Y-%m-%d})"
                   if len(later) else "no salary schedule for this title")
            missing.append({"benchmark_title": t, "jurisdiction": j, "when": as_of, "reason": why})
    pos_rows: list[dict] = []
    for t in titles:
        d = current[current["benchmark_title"].eq(t)] if len(current) else current
        if len(d):
            pos_rows += _position_rows(d, unit_j, comps, t, _measures_for(d), [])
    position_t = pd.DataFrame(pos_rows)
    if len(current):
        current = current.sort_values(["benchmark_title", "top"], ascending=[True, False], kind="stable")
        current["rank_top"] = current.groupby("benchmark_title")["top"].rank(method="min", ascending=False).astype("Int64")
        current = current.reset_index(drop=True)

    # ---- the comparators' expected increases, and the comparator pattern scenario
    pattern = comparator_pattern(unit, events, start, forecast)
    if PATTERN not in sc and len(pattern) == unit.term_years and pattern["median_pct"].notna().all():
        incs = tuple((pd.Timestamp(r["from"]), "pct", float(r["median_pct"])) for r in pattern.to_dict("records"))
        sc[PATTERN] = Proposal(PATTERN, scenario_label(PATTERN), incs)
        notes.append("The comparator pattern scenario is the comparators' median expected increase per contract "
                     "year (settled, or forecast where contracts expire).")
    if not any(k in sc for k in ("management", "union")):
        notes.append("No management offer or union proposal is on file (comparators/proposals/"
                     f"{unit.unit}.yml or scenarios: in the unit file), so the outlook shows the comparator "
                     "pattern only.")

    # ---- at the end of the proposed contract
    is_unit = sched["jurisdiction"].str.casefold().eq(unit_j.casefold()) if len(sched) else pd.Series(dtype=bool)
    comp_sched = sched[~is_unit] if len(sched) else sched
    projected = move(comp_sched, end, forecast) if len(comp_sched) else comp_sched
    if len(projected):
        projected = add_measures(projected)
        projected["role"] = "comparator"
        projected["scenario"] = ""
        for r in projected[~projected["available"]].itertuples(index=False):
            missing.append({"benchmark_title": r.benchmark_title, "jurisdiction": r.jurisdiction, "when": end,
                            "reason": "its contract expires before the end of the proposed contract and no forecast "
                                      "is available"})
        projected = projected[projected["available"]]
    unit_rows = []
    for r in (sched[is_unit].to_dict("records") if len(sched) else []):
        ev = settled(unit_j, group, r.get("unit") if isinstance(r.get("unit"), str) else None)
        base = project_schedule(r, ev, start - DAY, None)
        if not base["available"]:
            held_from = known_through(ev)
            held_from = held_from if held_from is not None and held_from > r["effective_date"] else r["effective_date"]
            notes.append(f"The unit's {r['benchmark_title']} schedule is held at its last known level from "
                         f"{held_from:%Y-%m-%d} to {start - DAY:%Y-%m-%d}: no settlement covers that time.")
            base = project_schedule(r, ev[ev["effective_date"] <= held_from], min(held_from, start - DAY), None)
        for name, prop in sc.items():
            steps = prop.steps()
            steps = steps[(steps["date"] >= start) & (steps["date"] <= end)]
            row = dict(base)
            row.update(min_salary=apply_steps(base["min_salary"], steps), max_salary=apply_steps(base["max_salary"], steps),
                       value_date=end, scenario=name, role="unit", projected=False, available=True,
                       increases=prop.describe())
            unit_rows.append(row)
    if unit_rows:
        projected = pd.concat([projected, add_measures(pd.DataFrame(unit_rows))], ignore_index=True)
    outlook_rows = []
    for name in sc:
        for t in titles:
            if not len(projected):
                break
            comp_t = projected[(projected["role"] == "comparator") & projected["benchmark_title"].eq(t)]
            u_t = projected[(projected["role"] == "unit") & projected["scenario"].eq(name) & projected["benchmark_title"].eq(t)]
            if u_t.empty:
                continue
            d = pd.concat([u_t, comp_t], ignore_index=True)
            for row in _position_rows(d, unit_j, comps, t, ["entry", "top"], []):
                row["scenario"] = name
                row["n_projected"] = int(comp_t["projected"].sum())
                outlook_rows.append(row)
    outlook = pd.DataFrame(outlook_rows)
    if len(outlook):
        outlook = outlook[["scenario"] + [c for c in outlook.columns if c != "scenario"]]

    if forecast is None:
        notes.append("No forecast is available (no wage-trend model and no comparator increases), so comparators "
                     "whose contracts expire are left out where a forecast is needed.")
    else:
        notes.append(f"Projected cells use the {forecast.label}" + (f" ({fc_note})." if fc_note else "."))
    comp_result, comp_error, profile_error = None, None, None
    if score_comparables:
        try:
            from wagebrief.analysis import comparables

            if profile is None:
                profile, profile_error = comparables.load_profile(root)
            comp_result = comparables.score_unit(unit, root, events=events,
                                                 profile=profile if profile is not None else pd.DataFrame())
            if profile_error:
                comp_result.notes.insert(0, profile_error.rstrip(".") + ".")
        except Exception as exc:  # scoring is supporting evidence; its failure must not hide the rest
            comp_error = f"{type(exc).__name__}: {exc}"
    if synthetic:
        notes.append("SYNTHETIC: the salary schedules and settlements behind this section are invented demo data.")
    miss = pd.DataFrame(missing, columns=["benchmark_title", "jurisdiction", "when", "reason"])
    return MarketAnalysis(unit, as_of, start, end, titles, current, position_t, projected, outlook, miss, sc,
                          source, pattern, forecast, list(dict.fromkeys(notes)), synthetic, events, comp_result,
                          comp_error, profile, profile_error)


def comparator_pattern(unit, events: pd.DataFrame, start: pd.Timestamp, forecast: Forecast | None) -> pd.DataFrame:
    """Comparator median base increase per year of the proposed contract.

    Year k runs from ``start + k years`` for a year; a comparator's increase in it is the
    compound of its base increases effective then (flat raises as their percent), known or
    forecast. Columns: ``year, from, to, median_pct, n, n_projected``.
    """
    rows = []
    end = start + pd.DateOffset(years=unit.term_years) - DAY
    per: dict[str, pd.DataFrame] = {}
    for j in unit.jurisdictions:
        ev = events_for(events, j, unit.occupation_group)
        if ev.empty:
            continue
        steps, complete = increase_steps(ev, start - DAY, end, forecast, j)
        if complete:
            per[j] = steps
    for k in range(unit.term_years):
        a = start + pd.DateOffset(years=k)
        b = start + pd.DateOffset(years=k + 1) - DAY
        vals, proj = [], 0
        for steps in per.values():
            s = steps[(steps["date"] >= a) & (steps["date"] <= b)]
            vals.append((apply_steps(1.0, s, flat_as="pct") - 1) * 100)
            proj += bool(s["projected"].any())
        rows.append({"year": k + 1, "from": a, "to": b, "median_pct": float(np.median(vals)) if vals else float("nan"),
                     "n": len(vals), "n_projected": proj})
    return pd.DataFrame(rows, columns=["year", "from", "to", "median_pct", "n", "n_projected"])


# =========================================================================== internal comparables

def internal_comparables(unit, events: pd.DataFrame, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """The employer's other units beside this one: each unit's contracts that overlap the unit's
    current contract or the proposed one, with their measures.

    ``cycle`` says whether a contract is the unit's own, in the same round as the unit's current
    contract (starting within a year of it), or the upcoming round.
    """
    from wagebrief.analysis import metrics

    ev = internal_rows(unit, events)
    cols = ["unit", "occupation_group", "settlement_id", "term_start", "term_end", "settlement_type",
            "first_year_pct", "avg_annual_pct", "life_of_contract_pct", "lump_sum_total", "cycle"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    c = metrics.contract_metrics(ev, unit.fiscal_year_start_month)
    own = c[c["occupation_group"].eq(unit.occupation_group)].sort_values("term_end")
    cur = own.iloc[-1] if len(own) else None
    lo = cur["term_start"] if cur is not None else (start - pd.DateOffset(years=unit.term_years) if start is not None else c["term_start"].max())
    keep = c[c["term_end"] >= lo].copy()
    if keep.empty:
        return pd.DataFrame(columns=cols)

    def cycle(r) -> str:
        if cur is not None and r["settlement_id"] == cur["settlement_id"]:
            return "this unit (current contract)"
        if r["occupation_group"] == unit.occupation_group:
            return "this unit"
        if start is not None and r["term_start"] >= start - pd.Timedelta(days=366):
            return "upcoming round"
        if cur is not None and abs((r["term_start"] - cur["term_start"]).days) <= 366:
            return "same round as this unit's current contract"
        return "overlapping"

    keep["cycle"] = keep.apply(cycle, axis=1)
    keep["_own"] = keep["occupation_group"].ne(unit.occupation_group)
    return keep.sort_values(["_own", "unit", "term_start"], kind="stable")[cols].reset_index(drop=True)


# =========================================================================== words, tables, figures

def mpl_text(text: Any) -> str:
    """Text safe for a matplotlib label: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


def _money(x: float, measure: str = "top") -> str:
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


def sentences(a: MarketAnalysis) -> list[str]:
    """One sentence per benchmark title: now, and after each scenario, built from the numbers."""
    out = []
    order = [s for s in ("management", "union", PATTERN) if s in a.scenarios] + \
            [s for s in a.scenarios if s not in ("management", "union", PATTERN)]
    for t in a.titles:
        p = a.position[(a.position["benchmark_title"] == t) & (a.position["measure"] == "top")] if len(a.position) else a.position
        if p.empty or not np.isfinite(p["unit_value"].iloc[0]):
            out.append(f"There is no top-step pay for the unit's {t} on {a.as_of:%Y-%m-%d}, so its position "
                       "cannot be stated.")
            continue
        r = p.iloc[0]
        if r["n_comparators"] == 0:
            out.append(f"No comparator has a {t} schedule on {a.as_of:%Y-%m-%d}.")
            continue
        pct = r["pct_vs_median"]
        now = (f"Our top-step {t} earns {_where(pct)} "
               f"({_money(r['unit_value'])} against {_money(r['median'])} on {a.as_of:%Y-%m-%d}; "
               f"rank {r['rank']} of {r['out_of']}, {r['n_comparators']} comparators with data)")
        later = []
        for s in order:
            o = a.outlook[(a.outlook["scenario"] == s) & (a.outlook["benchmark_title"] == t) & (a.outlook["measure"] == "top")] \
                if len(a.outlook) else a.outlook
            if o.empty or not np.isfinite(o["pct_vs_median"].iloc[0]):
                continue
            phrase = a.scenarios[s].phrase
            prep = "under" if s == PATTERN or "pattern" in phrase else "after"
            later.append(f"{_where_short(o['pct_vs_median'].iloc[0])} {prep} {phrase}")
        if later:
            joined = later[0] if len(later) == 1 else ", ".join(later[:-1]) + " and " + later[-1]
            now += f", and would be {joined} by {a.end:%Y-%m-%d}, the end of the proposed contract"
        out.append(now + ".")
    return out


def position_table(a: MarketAnalysis | pd.DataFrame) -> pd.DataFrame:
    """The position summary (of an analysis, or rows of one) for display: one row per title x measure."""
    p = a.position if isinstance(a, MarketAnalysis) else a
    if p.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Benchmark title": p["benchmark_title"], "Measure": p["measure"].map(MEASURE_LABELS),
        "Unit": p["unit_value"],
        "Rank": [f"{r} of {o}" if r is not None and not pd.isna(r) else "n/a" for r, o in zip(p["rank"], p["out_of"])],
        "Comparators with data": p["n_comparators"],
        "Median": p["median"], "Mean": p["mean"],
        "vs median %": p["pct_vs_median"], "vs mean %": p["pct_vs_mean"],
        "To median $": p["to_median_dollars"], "To median %": p["to_median_pct"],
        "To 60th $": p["to_p60_dollars"], "To 60th %": p["to_p60_pct"],
        "To 75th $": p["to_p75_dollars"], "To 75th %": p["to_p75_pct"],
        "Missing (left out)": p["missing"],
    })


POSITION_FORMATS = {
    "Unit": "${:,.2f}", "Median": "${:,.2f}", "Mean": "${:,.2f}", "vs median %": "{:+.1f}%",
    "vs mean %": "{:+.1f}%", "To median $": "${:,.0f}", "To median %": "{:.1f}%", "To 60th $": "${:,.0f}",
    "To 60th %": "{:.1f}%", "To 75th $": "${:,.0f}", "To 75th %": "{:.1f}%",
}


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
    if a.outlook.empty:
        return pd.DataFrame()
    o = a.outlook
    return pd.DataFrame({
        "Scenario": o["scenario"].map(lambda s: a.scenarios[s].phrase if s in a.scenarios else scenario_label(s)),
        "Base increases": o["scenario"].map(lambda s: a.scenarios[s].describe() if s in a.scenarios else ""),
        "Benchmark title": o["benchmark_title"], "Measure": o["measure"].map(MEASURE_LABELS),
        "Unit": o["unit_value"], "Comparator median": o["median"], "vs median %": o["pct_vs_median"],
        "Rank": [f"{r} of {n}" if r is not None and not pd.isna(r) else "n/a" for r, n in zip(o["rank"], o["out_of"])],
        "Comparators with data": o["n_comparators"], "Of them projected": o["n_projected"],
        "Missing (left out)": o["missing"],
    })


OUTLOOK_FORMATS = {"Unit": "${:,.0f}", "Comparator median": "${:,.0f}", "vs median %": "{:+.1f}%"}


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
    p = a.pattern
    if p.empty:
        return p
    return pd.DataFrame({"Contract year": p["year"], "From": p["from"].dt.strftime("%Y-%m-%d"),
                         "To": p["to"].dt.strftime("%Y-%m-%d"), "Comparator median %": p["median_pct"],
                         "Comparators": p["n"], "Of them forecast": p["n_projected"]})


def position_figure(a: MarketAnalysis, when: str = "now"):
    """Top-step pay by jurisdiction, one panel per title; the unit highlighted, projected cells
    hatched, the comparator median dashed. ``when``: "now" (at ``as_of``) or "end" (projected)."""
    from matplotlib.patches import Patch

    data = a.current if when == "now" else a.projected
    titles = [t for t in a.titles if len(data) and (data["benchmark_title"] == t).any()]
    if not titles:
        return None
    heights = [max(2.5, 0.32 * (data["benchmark_title"] == t).sum() + 1.2) for t in titles]
    from wagebrief.brief import figures

    fig, axes = figures.new((8, sum(heights)), nrows=len(titles), squeeze=False,
                                height_ratios=heights)
    axes = axes[:, 0]
    unit_j = a.unit.employer.jurisdiction.casefold()
    for ax, t in zip(axes, titles):
        d = data[data["benchmark_title"] == t].sort_values("top")
        labels = [mpl_text(r["jurisdiction"] if r.get("role") != "unit" or when == "now"
                           else f"{r['jurisdiction']}: {scenario_label(r['scenario'])}") for r in d.to_dict("records")]
        is_unit = d["jurisdiction"].str.casefold().eq(unit_j).to_numpy()
        colors = np.where(is_unit, "#c0392b", "#7f8c8d")
        bars = ax.barh(range(len(d)), d["top"], color=colors)
        for bar, proj in zip(bars, d["projected"].fillna(False).astype(bool)):
            if proj:
                bar.set_hatch("///")
                bar.set_edgecolor("white")
        comp = d.loc[~is_unit, "top"]
        if len(comp):
            med = percentile(comp, 50)
            ax.axvline(med, color="black", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(d)), labels, fontsize=8)
        ax.set_title(mpl_text(f"{t}: top step" + (f" on {a.as_of:%Y-%m-%d}" if when == "now" else f", projected to {a.end:%Y-%m-%d}")),
                     fontsize=10, loc="left")
        ax.xaxis.set_major_formatter(lambda x, _: f"${x / 1000:,.0f}k")
        lo = float(d["top"].min())
        ax.set_xlim(lo * 0.85, float(d["top"].max()) * 1.03)
    handles = [Patch(color="#c0392b", label="this unit"), Patch(color="#7f8c8d", label="comparator"),
               Patch(facecolor="#7f8c8d", hatch="///", edgecolor="white", label="projected (forecast)")]
    from matplotlib.lines import Line2D

    handles.append(Line2D([0], [0], color="black", linestyle="--", label="comparator median"))
    fig.legend(handles=handles, loc="lower center", ncols=4, fontsize=8, frameon=False)
    return figures.finish(fig, rect=(0, 0.35 / sum(heights), 1, 1))  # the legend's strip at the bottom


def table_html(table: Table) -> str:
    """A :class:`~wagebrief.brief.section.Table` as escaped HTML, its ``formats`` applied, NaN as "–"."""
    df = table.data
    fmts = {c: (lambda f: lambda v: "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA
                else format_value(f, v))(f) for c, f in table.formats.items() if c in df.columns}
    return df.to_html(index=False, escape=True, na_rep="–", formatters=fmts, border=0)


# =========================================================================== brief sections

def _source(a: MarketAnalysis) -> str:
    s = "Salary schedules: data/raw/salaries; settlements: data/raw/settlements"
    return s + (" (SYNTHETIC demo data)" if a.synthetic else "")


def brief_section(unit, root: str | Path | None = None, *, as_of: str | pd.Timestamp | None = None,
                  analysis: MarketAnalysis | None = None) -> Section:
    """The brief's "Market position" :class:`~wagebrief.brief.section.Section` for ``unit``."""
    from wagebrief.analysis import comparables
    from wagebrief.inputs import gaps

    if isinstance(unit, str):
        unit = gaps.load_unit(unit, root=root)[0]
    a = analysis or analyse(unit, as_of=as_of, root=root)
    sec = Section(title="Market position")
    if not a.titles:
        sec.text.append(f"There are no salary schedules for the unit's benchmark titles "
                        f"({unit.occupation_group}), so its pay cannot be placed among its comparators.")
        sec.caveats += a.notes
        return sec
    sec.text += sentences(a)
    sec.text.append(
        f"Positions compare annual pay on {a.as_of:%Y-%m-%d} (rank 1 = highest; ties share the best rank). "
        "Medians and percentiles are of the comparators only, by linear interpolation (Excel PERCENTILE.INC). "
        "Comparators without data are named and left out, never counted as zero. "
        f"The proposed contract runs {a.start:%Y-%m-%d} to {a.end:%Y-%m-%d}; comparators are carried there "
        "with their settled increases, and with the forecast where their contracts expire (marked PROJECTED).")
    src = _source(a)
    sec.tables.append(Table("Market position by benchmark title", position_table(a), src, POSITION_FORMATS))
    for t in a.titles:
        d = detail_table(a, t)
        if len(d):
            sec.tables.append(Table(f"{t}: pay by jurisdiction on {a.as_of:%Y-%m-%d}", d, src, DETAIL_FORMATS))
    out = outlook_table(a)
    if len(out):
        sec.tables.append(Table(f"Position at the end of the proposed contract ({a.end:%Y-%m-%d}) under each scenario",
                                out, src + f"; scenarios: {a.scenario_source or 'comparator pattern'}", OUTLOOK_FORMATS))
    for t in a.titles:
        p = projection_table(a, t)
        if len(p):
            sec.tables.append(Table(f"{t}: top step carried to {a.end:%Y-%m-%d}", p, src,
                                    {"Top now": "${:,.0f}", f"Top {a.end:%Y-%m-%d}": "${:,.0f}"}))
    pt = pattern_table(a)
    if len(pt):
        sec.tables.append(Table("Comparator pattern: median base increase per year of the proposed contract", pt,
                                src + (f"; forecast: {a.forecast.label}" if a.forecast else ""),
                                {"Comparator median %": "{:.2f}%"}))
    for when, cap in (("now", f"Top-step pay on {a.as_of:%Y-%m-%d}"),
                      ("end", f"Top-step pay projected to {a.end:%Y-%m-%d} (hatched: forecast)")):
        fig = position_figure(a, when)
        if fig is not None:
            sec.figures.append(Figure(cap, fig, src))

    # Comparables: how the chosen set scores.
    comp = a.comparables
    if comp is not None:
        shown = comparables.display_table(comp, chosen_only=True)
        sec.text += comp.summary()
        sec.tables.append(Table("How the chosen comparators score (points earned per factor, out of its weight)", shown,
                                "Comparator profile (wagebrief.public.series)" + (" - SYNTHETIC" if comp.synthetic else ""),
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
    return pd.DataFrame({
        "Unit": internal["unit"], "Group": internal["occupation_group"], "Contract": internal["settlement_id"],
        "Term": internal["term_start"].dt.strftime("%Y-%m-%d") + " to " + internal["term_end"].dt.strftime("%Y-%m-%d"),
        "Type": internal["settlement_type"], "First year %": internal["first_year_pct"],
        "Average annual %": internal["avg_annual_pct"], "Life of contract %": internal["life_of_contract_pct"],
        "Lump sums $": internal["lump_sum_total"], "Round": internal["cycle"],
    })


INTERNAL_FORMATS = {"First year %": "{:.2f}%", "Average annual %": "{:.2f}%", "Life of contract %": "{:.2f}%",
                    "Lump sums $": "${:,.0f}"}


# =========================================================================== statutory factors

STATUTORY_FACTORS = (
    "Comparable jurisdictions (external and internal)",
    "Cost of living",
    "The employer's ability to pay",
    "Overall compensation",
    "The interests and welfare of the public and of the employees",
)


def _cpi(unit, root) -> tuple[pd.DataFrame | None, str | None]:
    try:
        from wagebrief.public import series

        df = series.cpi_annual(unit.cpi_series, basis=unit.cpi_basis, fy_start_month=unit.fiscal_year_start_month,
                               root=root)
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if df is None or df.empty or df["yoy_pct"].notna().sum() == 0:
        return None, "no CPI observations have been pulled"
    return df, None


def _plain_evidence(value: Any) -> tuple[list[str], pd.DataFrame | None]:
    """Free-form unit-file evidence (text, a list, or a mapping) as paragraphs or a table."""
    if value is None:
        return [], None
    if isinstance(value, Mapping):
        return [], pd.DataFrame({"Item": [str(k) for k in value], "Evidence": [str(v) for v in value.values()]})
    if isinstance(value, (list, tuple)):
        return [v for v in value], None
    return [value], None


def statutory_factors(unit, root: str | Path | None = None, *, analysis: MarketAnalysis | None = None) -> list[Section]:
    """One :class:`Section` per factor commonly weighed in interest arbitration, each holding the
    evidence the suite has or saying plainly what is missing."""
    from wagebrief.analysis import comparables, metrics
    from wagebrief.inputs import gaps

    if isinstance(unit, str):
        unit = gaps.load_unit(unit, root=root)[0]
    a = analysis or analyse(unit, root=root)
    events = a.events if a.events is not None else _load_events(root)
    emp = unit.employer.name
    out: list[Section] = []

    # 1. Comparables.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[0].lower()}")
    ann = _annual_for_group(events, unit.jurisdictions, unit.occupation_group, unit.cpi_basis, unit.fiscal_year_start_month)
    own_ann = _annual_for_group(events, [unit.employer.jurisdiction], unit.occupation_group, unit.cpi_basis,
                                unit.fiscal_year_start_month)
    if len(ann):
        agg = metrics.aggregate(ann, "increase_pct", "year")
        agg = agg.merge(own_ann[["year", "increase_pct"]].rename(columns={"increase_pct": "unit_pct"}), on="year", how="left")
        agg = agg[agg["year"] >= agg["year"].max() - 7]
        yl = "Fiscal year" if unit.cpi_basis == "fiscal" else "Year"
        s.text.append(f"External: {len(unit.comparators)} comparator jurisdictions chosen in the unit file; "
                      f"their base increases by year are set beside the unit's below.")
        s.tables.append(Table("Base increases: comparators against the unit",
                              agg.rename(columns={"year": yl, "count": "Comparators", "median": "Comparator median %",
                                                  "mean": "Comparator mean %", "unit_pct": "Unit %"})
                              [[yl, "Comparators", "Comparator median %", "Comparator mean %", "Unit %"]],
                              _settlements_source(_group_rows(events, unit.jurisdictions, unit.occupation_group), unit),
                              {"Comparator median %": "{:.2f}%", "Comparator mean %": "{:.2f}%", "Unit %": "{:.2f}%"}))
    else:
        s.text.append("Evidence missing: no comparator settlements for this occupation group are in the settlement data.")
    if len(a.position):
        s.text += sentences(a)
        s.tables.append(Table("Pay position (see Market position)", position_table(a), _source(a), POSITION_FORMATS))
    else:
        s.text.append("Evidence missing: no salary schedules to compare pay levels (data/raw/salaries).")
    internal = internal_comparables(unit, events, a.start)
    others = internal[internal["occupation_group"].ne(unit.occupation_group)] if len(internal) else internal
    if len(others):
        s.text.append(f"Internal: {others['unit'].nunique()} other {emp} unit(s) settled in the same or the upcoming round.")
        s.tables.append(Table("Internal comparables", internal_display(internal), "Settlements: data/raw/settlements",
                              INTERNAL_FORMATS))
    else:
        s.text.append(f"Evidence missing: no other {emp} units are in the settlement data (internal comparables).")
    if a.comparables is not None:
        s.text += a.comparables.summary()
    else:
        s.text.append("Evidence missing: the candidate jurisdictions could not be scored"
                      + (f" ({a.comparables_error})." if a.comparables_error else "."))
    out.append(s)

    # 2. Cost of living.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[1].lower()}")
    cpi, why = _cpi(unit, root)
    if cpi is None:
        s.text.append(f"Evidence missing: no CPI figures for {unit.cpi_series} ({why}). Pull them with "
                      "'wagebrief pull' and rebuild the series to fill this factor.")
    else:
        c = cpi[["year", "label", "yoy_pct"]].rename(columns={"yoy_pct": "cpi_pct"})
        c = c.merge(own_ann[["year", "increase_pct"]].rename(columns={"increase_pct": "unit_pct"}), on="year", how="left")
        if len(ann):
            med = ann.groupby("year")["increase_pct"].median().rename("comparator_median_pct")
            c = c.merge(med, left_on="year", right_index=True, how="left")
        else:
            c["comparator_median_pct"] = np.nan
        c["unit_real_pct"] = ((1 + c["unit_pct"] / 100) / (1 + c["cpi_pct"] / 100) - 1) * 100
        c = c.dropna(subset=["cpi_pct"]).tail(8)
        both = c.dropna(subset=["unit_pct"])
        if len(both):
            cum_u = float(np.prod(1 + both["unit_pct"] / 100))
            cum_c = float(np.prod(1 + both["cpi_pct"] / 100))
            s.text.append(f"Over {both['label'].iloc[0]}-{both['label'].iloc[-1]} the unit's base pay rose "
                          f"{(cum_u - 1) * 100:.1f}% and prices ({unit.cpi_series}) {(cum_c - 1) * 100:.1f}%: "
                          f"a real change of {(cum_u / cum_c - 1) * 100:+.1f}%.")
        synth = bool(cpi.get("synthetic", pd.Series(dtype=bool)).fillna(False).astype(bool).any())
        s.tables.append(Table("Inflation against base increases",
                              c.rename(columns={"label": "Year", "cpi_pct": "CPI %", "unit_pct": "Unit %",
                                                "comparator_median_pct": "Comparator median %",
                                                "unit_real_pct": "Unit real %"})[["Year", "CPI %", "Unit %",
                                                                                  "Comparator median %", "Unit real %"]],
                              f"CPI {unit.cpi_series} (wagebrief.public.series)" + (" - SYNTHETIC" if synth else ""),
                              {"CPI %": "{:.2f}%", "Unit %": "{:.2f}%", "Comparator median %": "{:.2f}%",
                               "Unit real %": "{:+.2f}%"}))
    out.append(s)

    # 3. Ability to pay.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[2].lower()}")
    paras, tab = _plain_evidence(unit.extra.get("ability_to_pay"))
    if paras or tab is not None:
        s.text += paras
        if tab is not None:
            s.tables.append(Table("Ability to pay (from the unit file)", tab, f"comparators/{unit.unit}.yml"))
    else:
        s.text.append(f"Evidence missing: the unit file gives no ability-to-pay evidence (budget, fund balance, "
                      f"tax base, bond rating). Add it under ability_to_pay: in comparators/{unit.unit}.yml.")
    prof = a.profile
    if prof is None and a.comparables is None:
        prof, _ = comparables.load_profile(root)
    prof_rows = _profile_rows(unit, prof)
    if prof_rows is not None:
        s.text.append("Community income and government pay from the comparator profile, employer against comparators:")
        s.tables.append(prof_rows)
    else:
        s.text.append("Evidence missing: no comparator profile figures (population, median household income, "
                      "government pay); run the public-data pull.")
    out.append(s)

    # 4. Overall compensation.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[3].lower()}")
    lon = a.position[a.position["measure"].str.startswith("top_longevity")] if len(a.position) else a.position
    hrs = a.position[a.position["measure"].str.endswith("hourly")] if len(a.position) else a.position
    if len(lon) or len(hrs):
        s.text.append("Pay beyond the base rate: hourly rates where hours differ, and top step plus longevity "
                      "where schedules give it.")
        both = pd.concat([hrs, lon])
        s.tables.append(Table("Hourly and longevity views", position_table(both), _source(a), POSITION_FORMATS))
    else:
        s.text.append("Evidence missing: no hours or longevity differences in the salary schedules.")
    ev_j = events[events["jurisdiction"].str.casefold().isin({j.casefold() for j in (unit.employer.jurisdiction, *unit.jurisdictions)})
                  & events["occupation_group"].eq(unit.occupation_group)]
    lumps = ev_j[ev_j["event"].eq("lump_sum") & (ev_j["effective_date"] >= a.as_of - pd.DateOffset(years=5))]
    if len(lumps):
        s.text.append(f"{lumps['jurisdiction'].nunique()} of these jurisdictions paid lump sums (not added to base) "
                      "in the last five years; they appear in the settlement tables.")
    s.text.append("Evidence missing: the suite holds no health insurance, pension, leave or other benefit "
                  "costs; overall compensation here covers wages, longevity and lump sums only.")
    out.append(s)

    # 5. Interests and welfare.
    s = Section(f"Statutory factor: {STATUTORY_FACTORS[4].lower()}")
    paras, tab = _plain_evidence(unit.extra.get("notes"))
    if prof_rows is not None:
        s.text.append("The community the employer serves (population and income) is in the profile table under "
                      "the employer's ability to pay.")
    if len(a.position):
        top = a.position[a.position["measure"].eq("top")]
        below = top[top["pct_vs_median"] < 0]
        if len(below):
            s.text.append("Recruitment and retention: the unit's top step is below the comparator median for "
                          + ", ".join(f"{r.benchmark_title} ({r.pct_vs_median:.1f}%)" for r in below.itertuples())
                          + ", which bears on the employees' welfare and the public's interest in keeping staff.")
    s.text += paras
    if tab is not None:
        s.tables.append(Table("Notes from the unit file", tab, f"comparators/{unit.unit}.yml"))
    s.text.append("Evidence missing: the suite holds no vacancy, turnover, overtime or service-level data; add "
                  f"them as notes: in comparators/{unit.unit}.yml to state them here.")
    out.append(s)
    for sec in out:
        if unit.synthetic:
            sec.caveats.append("SYNTHETIC demo data: the figures are invented.")
    return out


def _profile_rows(unit, prof: pd.DataFrame | None) -> Table | None:
    from wagebrief.analysis import comparables

    if prof is None or len(prof) == 0:
        return None
    p = comparables.normalise_profile(prof, unit.employer.jurisdiction_type)
    names = [unit.employer.jurisdiction, *unit.jurisdictions]
    keys = {n.casefold(): i for i, n in enumerate(names)}
    p = p[p["jurisdiction"].str.casefold().isin(keys)]
    if p.empty or p[["population", "median_hh_income", "gov_pay"]].isna().all().all():
        return None
    p = p.assign(_o=p["jurisdiction"].str.casefold().map(keys)).sort_values("_o")
    comp = p[p["_o"] > 0]
    rows = p[["jurisdiction", "population", "median_hh_income", "gov_pay"]].copy()
    rows.loc[len(rows)] = ["Comparator median", comp["population"].median(), comp["median_hh_income"].median(),
                           comp["gov_pay"].median()]
    synth = bool(prof.get("synthetic", pd.Series(dtype=bool)).fillna(False).astype(bool).any())
    return Table("Employer and comparators: population, income, government pay",
                 rows.rename(columns={"jurisdiction": "Jurisdiction", "population": "Population",
                                      "median_hh_income": "Median household income",
                                      "gov_pay": "State & local gov. average pay"}),
                 "Comparator profile: ACS and QCEW (wagebrief.public.series)" + (" - SYNTHETIC" if synth else ""),
                 {"Population": "{:,.0f}", "Median household income": "${:,.0f}",
                  "State & local gov. average pay": "${:,.0f}"})
