"""A unit's wage outlook in numbers: its comparator panel, every model fitted, the backtest, the range.

:func:`load_inputs` builds a unit's panel (comparators in its occupation group, years before the
cycle year, CPI and ECI from :mod:`wagebrief.public.series` when present); :func:`outlook` fits
every model (:mod:`wagebrief.analysis.trends`), runs the backtest
(:mod:`wagebrief.analysis.backtest`), picks the method the settlement range comes from and
compares real wages (:mod:`wagebrief.analysis.realwages`). :mod:`wagebrief.brief.outlook` puts
that into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis import backtest as bt_mod
from wagebrief.analysis import metrics, realwages
from wagebrief.analysis.trends import ModelResult, eci_annual, fit_all, forecast
from wagebrief.config import paths
from wagebrief.inputs import gaps, provenance, settlements, units
from wagebrief.public import series

CPI_NAMES = {
    "CUUR0000SA0": "CPI-U, U.S. city average",
    "CUUR0100SA0": "CPI-U, Northeast",
    "CUUR0110SA0": "CPI-U, New England",
}


@dataclass
class Inputs:
    """Everything the models need for one unit, and plain notes on what is missing."""

    unit: Any
    basis: str
    annual: pd.DataFrame      #: comparators' annual increases in the unit's group, every year
    panel: pd.DataFrame       #: comparators, years before the cycle year, with cpi_prev/eci_prev
    own: pd.DataFrame         #: the unit's own history (the employer's jurisdiction), all years
    cpi: pd.DataFrame | None  #: year, value, yoy_pct
    eci: pd.DataFrame | None  #: annual: year, value, n_quarters
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False   #: the settlement data (or unit) is SYNTHETIC demo data

    @property
    def cpi_name(self) -> str:
        return CPI_NAMES.get(self.unit.cpi_series, self.unit.cpi_series)


def load_events(root: str | Path | None = None) -> pd.DataFrame:
    """Processed settlements, or the valid rows of the raw files when processed is missing."""
    p = paths(root)
    if p.settlements.is_file():
        return settlements.load(p.settlements)
    return settlements.validate([p.raw_settlements]).valid


def _series_call(fn_name: str, *args, **kw):
    """Call ``wagebrief.public.series.<fn_name>``; (frame or None, note or None)."""
    fn = getattr(series, fn_name, None)
    if fn is None:
        return None, f"wagebrief.public.series has no {fn_name}()"
    try:
        out = fn(*args, **kw)
    except Exception as exc:  # a missing table must not stop a scheduled run
        return None, f"{type(exc).__name__}: {exc}"
    if out is None or len(out) == 0:
        return None, "the table is empty"
    return out, None


def _complete_cpi(cpi: pd.DataFrame) -> pd.DataFrame:
    # series.cpi_annual() returns only years that have ended (n_months says how many were published).
    keep = ["year", "value", "yoy_pct"] + [c for c in ("n_months", "missing_months", "source", "vintage") if c in cpi]
    return cpi[keep].dropna(subset=["value"]).sort_values("year").reset_index(drop=True)


def _per_year(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per jurisdiction x year (units of a group combined, employee-weighted)."""
    r = rows.copy()
    r["w"] = r["employees"].where(r["employees"] > 0).fillna(1.0)
    r["wv"] = r["increase_pct"] * r["w"]
    g = r.groupby(["jurisdiction", "year"], sort=True)
    out = g.agg(wv=("wv", "sum"), w=("w", "sum"), employees=("employees", "sum"))
    out["increase_pct"] = out["wv"] / out["w"]
    return out.reset_index()[["jurisdiction", "year", "increase_pct", "employees"]]


def _panel(comp: pd.DataFrame, cycle_year: int, cpi: pd.DataFrame | None, eci: pd.DataFrame | None) -> pd.DataFrame:
    panel = comp[comp["year"] < cycle_year].copy()
    panel["cpi_prev"] = (panel["year"] - 1).map(cpi.set_index("year")["yoy_pct"]) if cpi is not None else np.nan
    panel["eci_prev"] = (panel["year"] - 1).map(eci.set_index("year")["value"]) if eci is not None else np.nan
    return panel.reset_index(drop=True)


def load_inputs(unit, root: str | Path | None = None, events: pd.DataFrame | None = None,
                cpi: pd.DataFrame | None = None, eci: pd.DataFrame | None = None) -> Inputs:
    """The unit's comparator panel with CPI and ECI joined; ``cpi``/``eci`` override series.py."""
    if isinstance(unit, str):
        unit = units.load(unit, root=root)
    notes: list[str] = []
    events = gaps.for_unit(load_events(root) if events is None else events, unit)
    basis, fy = unit.cpi_basis, unit.fiscal_year_start_month
    ann = metrics.annual_increases(events, basis, fy)
    ann = ann[ann["known"]]
    comp = _per_year(ann[ann["jurisdiction"].isin(unit.jurisdictions) & ann["occupation_group"].isin(unit.groups)])
    own = _per_year(ann[ann["jurisdiction"].eq(unit.employer.jurisdiction) & ann["occupation_group"].eq(unit.occupation_group)])

    if cpi is None:
        cpi, why = _series_call("cpi_annual", unit.cpi_series, basis=basis, fy_start_month=fy, root=root)
        if cpi is None:
            notes.append(f"CPI ({unit.cpi_series}) is not available ({why}), so the models run without inflation.")
    if cpi is not None:
        if "synthetic" in cpi and cpi["synthetic"].astype(bool).any():
            notes.append(f"The CPI figures ({unit.cpi_series}) are SYNTHETIC demo values, not published data.")
        cpi = _complete_cpi(cpi)
    if eci is None:
        raw, why = _series_call("eci", root=root)
        eci = eci_annual(raw, basis, fy) if raw is not None else None
        if raw is not None and "synthetic" in raw and raw["synthetic"].astype(bool).any():
            notes.append("The ECI figures are SYNTHETIC demo values, not published data.")
        if eci is None or eci.empty:
            eci = None
            notes.append(f"The ECI for state and local government wages is not available ({why or 'no data'}), "
                         "so there is no wage-index outlook or ECI pass-through.")
    panel = _panel(comp, unit.cycle_year, cpi, eci)
    # Labelled from the rows the models use, not from whatever else sits in the folder.
    used = provenance.used_settlements(events, unit.employer.jurisdiction, unit.jurisdictions, unit.groups)
    synthetic = bool(unit.synthetic or provenance.rows_label("Settlements", used).synthetic)
    return Inputs(unit, basis, comp, panel, own, cpi, eci, notes, synthetic)


def resolve_unit(unit, root: str | Path | None = None, cycle_year: int | None = None):
    """A :class:`~wagebrief.inputs.units.Unit` from an id or a Unit, with ``cycle_year`` overridden if given."""
    root = root or None  # papermill may pass "" for "the configured root"
    u = units.load(unit, root=root) if isinstance(unit, str) else unit
    return replace(u, cycle_year=int(cycle_year)) if cycle_year else u


# --------------------------------------------------------------------------- the outlook

@dataclass
class Outlook:
    """Everything the "Wage trends and outlook" section is built from."""

    inputs: Inputs
    years: list[int]                    #: the unit's next contract years
    results: dict[str, ModelResult] = field(default_factory=dict)
    backtest: Any = None                #: wagebrief.analysis.backtest.Backtest
    forecast: pd.DataFrame | None = None  #: year, method, point, lo80, hi80, lo95, hi95
    method: str = ""                    #: the model or baseline the range comes from
    why: str = ""                       #: why that method, as a clause
    real: pd.DataFrame | None = None    #: realwages.real_wages() long table
    real_table: pd.DataFrame | None = None
    #: the backtest's pick gave no interval for every contract year (or it ranked nothing), so
    #: the range comes from the pooled OLS trend
    range_fallback: bool = False

    @property
    def thin(self) -> bool:
        """Too little data to model: no forecast was made."""
        return self.forecast is None


_OUTLOOKS: dict[tuple, Outlook] = {}


def _frame_key(df: pd.DataFrame | None) -> tuple:
    if df is None:
        return (None,)
    return (df.shape, tuple(map(str, df.columns)), int(pd.util.hash_pandas_object(df, index=True).sum()))


def outlook(inp: Inputs, base_year: int | None = None) -> Outlook:
    """Fit every model, backtest, pick the range's method, forecast, and compare real wages.

    The result depends only on the inputs, so it is kept for identical inputs: the market
    section's projection and the wage-trend section of one brief then fit the models once.
    """
    u = inp.unit
    key = (u.unit, u.cycle_year, u.term_years, u.cpi_series, u.cpi_basis, u.fiscal_year_start_month, base_year,
           tuple(c.jurisdiction for c in u.comparators), inp.basis, tuple(inp.notes), inp.synthetic,
           *(_frame_key(f) for f in (inp.annual, inp.panel, inp.own, inp.cpi, inp.eci)))
    if key not in _OUTLOOKS:
        if len(_OUTLOOKS) >= 8:
            _OUTLOOKS.pop(next(iter(_OUTLOOKS)))
        _OUTLOOKS[key] = _outlook(inp, base_year)
    return _OUTLOOKS[key]


def _outlook(inp: Inputs, base_year: int | None = None) -> Outlook:
    u, panel = inp.unit, inp.panel
    years = list(range(u.cycle_year, u.cycle_year + u.term_years))
    if panel.empty or panel["year"].nunique() < 2:
        return Outlook(inp, years)
    results = fit_all(panel, inp.eci)
    bt = bt_mod.backtest(panel, inp.cpi)
    method, why = bt.best, ""
    fc = None
    if method and bt_mod.kind(method) == "baseline":
        origin = int(panel["year"].max())
        fc = bt_mod.baseline_forecast(method, panel, inp.cpi, years, origin)
        why = "no model beat the naive baselines in the backtest"
    elif method:
        fc = forecast(results[method], years, inp.cpi)
        why = "it had the lowest backtest error"
    range_fallback = fc is None or fc[["lo80", "hi80"]].isna().any().any()
    if range_fallback:
        method, why = "pooled_ols", "the backtest could not supply a range"
        fc = forecast(results["pooled_ols"], years, inp.cpi)

    real = table = None
    if inp.cpi is not None and len(inp.cpi):
        end = min(u.cycle_year - 1, int(inp.cpi["year"].max()))
        base = base_year or realwages.default_base_year(inp.annual, inp.own, inp.cpi, end)
        if base is not None and base < end:
            real = realwages.real_wages(inp.annual[inp.annual["year"] <= end], inp.own, inp.cpi, base, end,
                                        unit_label=u.name)
            table = realwages.table(real)
    return Outlook(inp, years, results, bt, fc, method, why, real, table, bool(range_fallback))


def unit_outlook(unit, root: str | Path | None = None, *, cycle_year: int | None = None,
                 base_year: int | None = None, inputs: Inputs | None = None) -> Outlook:
    """The outlook for ``unit`` (an id or a Unit) loaded from ``root``, or from ``inputs`` (tests).

    ``cycle_year`` overrides the unit file's (the panel is rebuilt for it); ``base_year`` is the
    real-wage base year (default: see :func:`wagebrief.analysis.realwages.default_base_year`).
    """
    u = resolve_unit(unit if inputs is None else inputs.unit, root, cycle_year)
    if inputs is None:
        inp = load_inputs(u, root)
    else:
        inp = replace(inputs, unit=u, panel=_panel(inputs.annual, u.cycle_year, inputs.cpi, inputs.eci))
    return outlook(inp, base_year)
