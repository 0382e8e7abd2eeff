"""What the comparators (and the employer's other units) have settled and are expected to settle.

The forecast a projection uses once a comparator's contract has ended is the wage-trend model's
(:func:`model_forecast`), else the comparators' recent median (:func:`fallback_forecast`). The
comparator pattern of the proposed contract's fiscal years is the costing's
(:func:`wagebrief.analysis.metrics.comparator_pattern`: settled increases only, no forecast);
the internal comparables are the employer's own units' contracts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.analysis.projection import DAY, Forecast
from wagebrief.analysis.scenarios import unit_pattern
from wagebrief.config import MIN_PATTERN_COMPARATORS
from wagebrief.fiscal import fiscal_year

#: Models tried, in order, when :mod:`wagebrief.analysis.trends` offers fits rather than one forecast call.
MODEL_PREFERENCE = ("mixed", "pooled_wls", "pooled_ols")


def annual_for_group(events: pd.DataFrame, jurisdictions: Iterable[str], group: str | Iterable[str], basis: str,
                      fy: int) -> pd.DataFrame:
    """Each of ``jurisdictions``' known base increase per year (``basis`` years) in occupation ``group``."""
    ev = group_rows(events, jurisdictions, group)
    if ev.empty:
        return pd.DataFrame(columns=["jurisdiction", "year", "increase_pct"])
    ann = metrics.annual_increases(ev, basis, fy)
    return ann[ann["known"]]  # a year with an increase of unknown size is left out, never 0


def group_rows(events: pd.DataFrame, jurisdictions: Iterable[str], group: str | Iterable[str]) -> pd.DataFrame:
    """The settlement rows of ``jurisdictions`` in occupation group ``group`` (or groups)."""
    keys = {j.casefold() for j in jurisdictions}
    groups = [group] if isinstance(group, str) else list(group)
    return events[events["jurisdiction"].str.casefold().isin(keys) & events["occupation_group"].isin(groups)]


def internal_rows(unit, events: pd.DataFrame) -> pd.DataFrame:
    """The settlement rows of the unit's own employer (every unit: the internal comparables)."""
    return events[events["jurisdiction"].str.casefold().eq(unit.employer.jurisdiction.casefold())]


def fallback_forecast(unit, events: pd.DataFrame, as_of: pd.Timestamp, years: int = 3) -> Forecast | None:
    """The comparator median of base increases over the ``years`` latest years up to ``as_of``.

    This is the stand-in used when no wage-trend model forecast is available; its label says so.
    """
    basis, fy = unit.cpi_basis, unit.fiscal_year_start_month
    ann = annual_for_group(events, unit.jurisdictions, unit.groups, basis, fy)
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


def _method_label(models, method: str) -> str:
    # Imported here, as trends is in model_forecast: backtest imports trends, which loads scipy.
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
    try:  # the models (and scipy/statsmodels) load only when a forecast is wanted, and may be missing
        from wagebrief.analysis import outlook as wage_outlook, trends as models
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
        inputs = wage_outlook.load_inputs(unit, root, events=events)
        if callable(getattr(wage_outlook, "outlook", None)):
            o = wage_outlook.outlook(inputs)
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


def comparator_pattern(unit, events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None = None,
                       min_comparators: int = MIN_PATTERN_COMPARATORS) -> pd.DataFrame:
    """The comparator pattern for each fiscal year of the proposed contract (``start`` to ``end``,
    default ``term_years`` on): :func:`wagebrief.analysis.scenarios.unit_pattern`, the costing's
    definition. Settled increases only: no forecast enters it."""
    end = end if end is not None else start + pd.DateOffset(years=unit.term_years) - DAY
    fy = unit.fiscal_year_start_month
    years = range(int(fiscal_year(pd.Series([start]), fy).iloc[0]), int(fiscal_year(pd.Series([end]), fy).iloc[0]) + 1)
    table, _ = unit_pattern(unit, years, min_comparators=min_comparators, events=events)
    return table[table["year"].isin(years)].reset_index(drop=True)


def internal_comparables(unit, events: pd.DataFrame, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """The employer's other units beside this one: each unit's contracts that overlap the unit's
    current contract or the proposed one, with their measures.

    ``cycle`` says whether a contract is the unit's own, in the same round as the unit's current
    contract (starting within a year of it), or the upcoming round.
    """
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
