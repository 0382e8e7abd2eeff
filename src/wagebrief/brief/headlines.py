"""A brief's headline figures, small and JSON-able, so the next run can say what moved and why.

The figures are the ones a reader looks at first, each rounded as the brief shows it: the
comparators' first-year mean and median (the settlements section's sentence), the market position
of each benchmark title (the market section's basis), each scenario's cost over the term (a
suppressed cost is recorded as suppressed, never as its figure) and the forecast range by year.
Beside them go the facts that explain a move when the data says so: the comparator settlements
the figures rest on (id, jurisdiction, ratification date, first-year increase) and the CPI-U and
ECI vintages. No sentence is written here (:mod:`wagebrief.brief.changes` writes them), and no
personal data is recorded: costs are the roster's totals, as the brief prints them.

The brief notebook emits the figures in its output metadata (:func:`show`, nothing visible);
:mod:`wagebrief.run.render` reads them back and :mod:`wagebrief.run.batch` keeps them in the
run manifest, where :func:`baseline` finds the previous brief's for the next run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

#: Key of the output metadata (under :data:`wagebrief.brief.partial.STATUS_KEY`) holding the figures.
HEADLINES_KEY = "headlines"
#: Bumped when the shape of the figures changes, so an older run's are not misread.
VERSION = 1
#: The settlements section's window: contracts that began this many years before the cycle or later.
RECENT_YEARS = 3


def _num(x: Any, decimals: int) -> float | None:
    """``x`` rounded as the brief shows it, or None when it is missing or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return round(v, decimals) if math.isfinite(v) else None


def _date(x: Any) -> str | None:
    return None if x is None or pd.isna(x) else f"{pd.Timestamp(x):%Y-%m-%d}"


# --------------------------------------------------------------------------- the figures

def comparator_figures(data) -> tuple[dict, dict]:
    """The comparators' first-year mean and median over the settlements section's window, and
    every comparator settlement the brief uses: ``{id: [jurisdiction, ratified, term start year,
    first year %]}``."""
    c = data.comparator_contracts()
    since = int(data.unit.cycle_year) - RECENT_YEARS
    recent = c[c["term_start"].dt.year >= since]
    fy = recent["first_year_pct"]
    figures = {"first_year_mean": _num(fy.mean(), 2), "first_year_median": _num(fy.median(), 2),
               "settlements": int(len(recent)), "since": since}
    # One row a settlement: a contract measured schedule by schedule keeps its first (measured) row.
    rows = c.drop_duplicates("settlement_id")
    used = {str(r.settlement_id): [str(r.jurisdiction), _date(r.ratified_date), int(r.term_start.year),
                                   _num(r.first_year_pct, 2)]
            for r in rows.itertuples(index=False)}
    return figures, used


def market_figures(analysis) -> dict:
    """Per benchmark title, its top-step position on the basis the market section states:
    percent against the comparator median, rank and how many it is ranked among."""
    out: dict = {}
    p = analysis.position
    for t in analysis.titles:
        measure = analysis.measure_for(t)
        rows = p[p["benchmark_title"].eq(t) & p["measure"].eq(measure)]
        if rows.empty or not rows.iloc[0]["n_comparators"]:
            continue
        r = rows.iloc[0]
        vs = _num(r["pct_vs_median"], 2)
        if vs is None:
            continue
        out[str(t)] = {"measure": measure, "vs_median_pct": vs, "rank": int(r["rank"]), "out_of": int(r["out_of"]),
                       "comparators": int(r["n_comparators"])}
    return out


def cost_figures(costing) -> dict:
    """Per scenario, its label, the term's total cost (whole dollars) and its percent of base
    payroll; None with ``suppressed`` where the brief suppresses the figure (too few employees)."""
    from wagebrief.analysis import costing as costing_mod

    t = costing_mod.table(costing)
    term = t[t["fiscal_year"].eq("Term")]
    out: dict = {}
    for r in term.itertuples(index=False):
        total = _num(r.total_cost, 0)
        out[str(r.scenario)] = {"label": str(r.label), "total": total, "pct_of_base": _num(r.pct_of_base_payroll, 2),
                                "suppressed": total is None}
    return out


def forecast_figures(outlook) -> dict:
    """The reasonable settlement range by contract year: ``{year: [low 80%, central, high 80%]}``
    (one decimal, as the outlook section prints it), and the method it comes from."""
    if outlook is None or outlook.forecast is None:
        return {}
    f = outlook.forecast.set_index("year")
    years = {str(int(y)): [_num(f.at[y, "lo80"], 1), _num(f.at[y, "point"], 1), _num(f.at[y, "hi80"], 1)]
             for y in outlook.years if y in f.index}
    return {"basis": outlook.inputs.basis, "method": str(outlook.method), "years": years}


def figures(data, market=None, costing=None, outlook=None) -> dict:
    """The headline figures of one brief (see the module docstring). ``market`` and ``costing``
    are the analyses the brief's sections were built from (an exception where one failed);
    ``outlook`` defaults to the unit's (cached) outlook. A part that cannot be computed is left
    out and named in ``missing``: the brief states why in its own section."""
    from wagebrief.brief import data as brief_data

    out: dict = {"version": VERSION, "as_of": _date(getattr(data, "as_of", None)), "missing": []}

    def part(name: str, fn) -> None:
        try:
            out[name] = fn()
        except Exception:  # the section's own box says what went wrong
            out["missing"].append(name)

    def comparators() -> dict:
        figs, used = comparator_figures(data)
        out["used_settlements"] = used
        return figs

    part("comparators", comparators)
    if market is not None and not isinstance(market, BaseException):
        part("market", lambda: market_figures(market))
    else:
        out["missing"].append("market")
    if costing is not None and not isinstance(costing, BaseException):
        part("costs", lambda: cost_figures(costing))
    else:
        out["missing"].append("costs")

    def forecast() -> dict:
        o = outlook
        if o is None:
            from wagebrief.analysis import outlook as outlook_mod

            o = outlook_mod.unit_outlook(data.unit, root=data.root)
        return forecast_figures(o)

    part("forecast", forecast)

    def vintages() -> dict:
        v = brief_data.vintages(data)
        return {k: v.get(k, "unknown") for k in ("settlement", "cpi", "eci")}

    part("vintages", vintages)
    # Plain JSON types only, as the manifest will hold them (default=str: never raise in the brief).
    return json.loads(json.dumps(out, default=str))


def show(headlines: dict) -> None:
    """Emit ``headlines`` in an output's metadata, with nothing to show on the page."""
    from IPython.display import display

    from wagebrief.brief.partial import STATUS_KEY

    display({}, raw=True, metadata={STATUS_KEY: {HEADLINES_KEY: headlines}})


# --------------------------------------------------------------------------- the previous run's

def _status(e: dict) -> str:
    # Manifests from before statuses existed only say ok.
    return str(e.get("status") or ("rendered" if e.get("ok") else "failed"))


def baseline(manifest: dict, unit: str) -> dict:
    """What this run of ``unit`` is compared with, from the previous run's manifest (a dict):

    - ``{"kind": "first"}``: no earlier brief of the unit;
    - ``{"kind": "figures", "headlines": ..., "generated_at": ..., "failed_at": ...}``: the last
      brief's figures (``failed_at``, when the last run failed, that run's time: its previous
      brief is the one compared with);
    - ``{"kind": "none", "generated_at": ..., "failed_at": ...}``: an earlier brief exists, but
      its run recorded no headline figures (an older wagebrief), or none survived.
    """
    entries = manifest.get("index") if isinstance(manifest, dict) else None
    e = next((x for x in entries or [] if isinstance(x, dict) and str(x.get("unit")) == unit), None)
    if e is None:
        return {"kind": "first"}
    failed_at = None
    if _status(e) == "failed":
        failed_at = str(e.get("generated_at") or "")
        e = e.get("previous") if isinstance(e.get("previous"), dict) else None
        if e is None:
            return {"kind": "first", "failed_at": failed_at}
    heads = e.get(HEADLINES_KEY)
    when = str(e.get("generated_at") or "")
    if not isinstance(heads, dict) or heads.get("version") != VERSION:
        return {"kind": "none", "generated_at": when, "failed_at": failed_at}
    return {"kind": "figures", "headlines": heads, "generated_at": when, "failed_at": failed_at}


def read_manifest(path: str | Path) -> dict:
    """A run manifest as a dict; {} when there is none or it cannot be read (a first run)."""
    try:
        out = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def previous(data) -> dict:
    """:func:`baseline` of ``data``'s unit from the manifest of the last run in its reports folder
    (``reports/<cycle>/manifest.json``: a run rewrites it only after every brief is rendered)."""
    from wagebrief.config import paths

    manifest = paths(data.root).reports / str(data.unit.cycle_year) / "manifest.json"
    return baseline(read_manifest(manifest), data.unit.unit)
