"""Market position: where the unit's pay stands among its comparators, now and after a proposal.

:func:`analyse` gathers the numbers the market section shows (:class:`MarketAnalysis`): the
position arithmetic is :mod:`wagebrief.analysis.position`, moving schedules to a date
:mod:`wagebrief.analysis.projection`, the forecast and the comparator pattern
:mod:`wagebrief.analysis.forecast`, and the scenarios :mod:`wagebrief.analysis.scenarios`. The
words, tables and figures are :mod:`wagebrief.brief.market`. Percent units throughout (2.5 means 2.5%).

**Proposal window.** The unit's proposed contract starts the day after its last known contract
ends (or, when that is not known near the cycle, on the first day of the fiscal year that starts
in ``cycle_year``) and runs ``term_years`` years, unless the proposals file
(:mod:`wagebrief.inputs.proposals`) gives the term. Scenario increases take effect on their dates.

**Basis.** Annual measures (``entry``, ``top``) are always computed; when a title's schedules
differ in weekly hours the hourly measures are computed too, now and at the end of the contract,
and :meth:`MarketAnalysis.basis_for` names the one the comparison rests on: the unit file's
``position_basis`` (hourly by default: annual pay would count longer hours as higher pay). With
equal hours the two bases give the same percentages and ranks, so the basis is annual.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.analysis import forecast_store
from wagebrief.analysis.forecast import comparator_pattern, fallback_forecast, model_forecast
from wagebrief.analysis.position import LONGEVITY_YEARS, add_measures, position, schedules_at, unit_titles
from wagebrief.analysis.projection import (DAY, Forecast, apply_steps, describe_increases, events_for, known_through,
                                           project_schedule, scenario_steps)
from wagebrief.analysis.scenarios import pattern_events, pattern_threshold, scenarios_for
from wagebrief.config import MIN_PATTERN_COMPARATORS, paths
from wagebrief.inputs import gaps, provenance, settlements
from wagebrief.inputs import salaries as sal
from wagebrief.inputs.proposals import Event, Scenario, parse_scenarios, scenario_label

PATTERN = "comparator_pattern"


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
    scenarios: dict[str, Scenario]  #: resolved; the comparator pattern added when none was given
    scenario_source: str
    pattern: pd.DataFrame  #: the comparator pattern of the contract's fiscal years (metrics.comparator_pattern)
    forecast: Forecast | None
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    events: pd.DataFrame | None = None  #: the settlement rows used
    comparables: Any = None  #: :class:`wagebrief.analysis.comparables.Comparables`, or None
    comparables_error: str | None = None
    profile: pd.DataFrame | None = None  #: the comparator profile, when available
    profile_error: str | None = None
    pattern_min_comparators: int = MIN_PATTERN_COMPARATORS  #: fewer settled comparators make a pattern year provisional
    basis: str = "hourly"  #: the unit file's position_basis: what the comparison rests on when hours differ

    def hours(self, title: str) -> tuple[float, float, float] | None:
        """The unit's weekly hours and the comparators' lowest and highest for ``title`` at ``as_of``."""
        d = self.current[self.current["benchmark_title"].eq(title)] if len(self.current) else self.current
        u, c = d[d["role"].eq("unit")] if len(d) else d, d[d["role"].eq("comparator")] if len(d) else d
        if u.empty or c.empty:
            return None
        return float(u["hours_per_week"].iloc[0]), float(c["hours_per_week"].min()), float(c["hours_per_week"].max())

    def hours_differ(self, title: str) -> bool:
        """Whether the title's schedules at ``as_of`` differ in weekly hours (so hourly measures exist)."""
        p = self.position
        return bool(len(p)) and bool((p["benchmark_title"].eq(title) & p["measure"].eq("top_hourly")).any())

    def basis_for(self, title: str) -> str:
        """"hourly" or "annual": what ``title``'s comparison rests on (annual when hours are equal)."""
        return self.basis if self.hours_differ(title) else "annual"

    def measure_for(self, title: str, kind: str = "top") -> str:
        """The measure column of ``kind`` ("top" or "entry") on ``title``'s basis."""
        return f"{kind}_hourly" if self.basis_for(title) == "hourly" else kind

    def forecast_now(self, title: str | None = None) -> list[str]:
        """The jurisdictions whose pay at ``as_of`` includes forecast increases (past their last
        known contract), for ``title`` or any title; in the order of :attr:`current`."""
        c = self.current
        if not len(c) or "projected" not in c:
            return []
        d = c[c["projected"].fillna(False).astype(bool)]
        if title is not None:
            d = d[d["benchmark_title"].eq(title)]
        return list(dict.fromkeys(d["jurisdiction"]))


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
    """The project's valid settlement rows (none when there are none or they cannot be read)."""
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


def _as_scenarios(scenarios: Mapping[str, Any], unit, start: pd.Timestamp) -> tuple[dict[str, Scenario], list[str]]:
    given = {k: v for k, v in scenarios.items() if isinstance(v, Scenario)}
    simple, notes = parse_scenarios({k: v for k, v in scenarios.items() if not isinstance(v, Scenario)},
                                    unit.term_years, start)
    return {**simple, **given}, notes


def analyse(unit, *, as_of: str | pd.Timestamp | None = None, root: str | Path | None = None,
            salaries: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
            forecast: Forecast | float | None = None, scenarios: Mapping[str, Any] | None = None,
            titles: Sequence[str] | None = None, profile: pd.DataFrame | None = None,
            score_comparables: bool = True, reuse_forecast: bool = False, outlook: bool = True) -> MarketAnalysis:
    """The unit's market position at ``as_of`` and at the end of its proposed contract.

    ``unit`` is a Unit or a unit id. ``salaries`` (valid schedule rows) and ``events`` (valid
    settlement rows) default to the project's data. ``as_of`` is "now": every schedule, the
    unit's and each comparator's, is moved to it with the increases effective on or before it
    (none after it), and past a comparator's last known contract with the forecast (marked
    ``projected``; :meth:`MarketAnalysis.forecast_now` names them). The brief passes its as-of
    date; without one it is the unit's latest schedule date before the proposed contract (the
    comparators' latest, when the unit has none).
    ``forecast`` (a :class:`Forecast` or a constant percent) defaults to the wage-trend model,
    else the comparator median (see :func:`~wagebrief.analysis.forecast.fallback_forecast`).
    ``scenarios`` (name -> a :class:`~wagebrief.inputs.proposals.Scenario` or percents per contract
    year) default to :func:`~wagebrief.analysis.scenarios.scenarios_for`; when none
    is the comparator pattern, one is added from the comparator pattern (settled increases, as costed).
    ``profile`` (the comparator profile) is passed to the comparables scoring.
    ``reuse_forecast`` keeps the wage-trend forecast on disk and reuses it while its inputs are
    unchanged (:mod:`~wagebrief.analysis.forecast_store`; the solver's, which must answer fast).
    ``outlook=False`` leaves the outlook table empty and the ranks out of ``current`` (the solver
    measures its own schedules against ``projected``); every other figure and note is the same.
    """
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
        sc, n = _as_scenarios(scenarios, unit, start)
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
        forecast, why = (forecast_store.cached(model_forecast, unit, events, years, root) if reuse_forecast
                         else model_forecast(unit, events, years, root))
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
    if len(current) and outlook:
        current = current.sort_values(["benchmark_title", "top"], ascending=[True, False], kind="stable")
        # Ranked to the cent, the tie rule of position.rank_of: pay that prints alike ranks alike.
        for m in ("top", "top_hourly"):
            current[f"rank_{m}"] = current[m].round(2).groupby(current["benchmark_title"]).rank(
                method="min", ascending=False).astype("Int64")
        current = current.reset_index(drop=True)

    # ---- the comparator pattern scenario
    # The pattern is the costing's (settled increases by fiscal year; see analysis.metrics), never the forecast.
    pattern_min = pattern_threshold(unit, root)
    pattern = comparator_pattern(unit, events, start, end, pattern_min)
    if PATTERN not in sc and len(pattern) and pattern["pattern_pct"].notna().all():
        incs = tuple(pattern_events(pattern["year"], pattern["pattern_pct"], start, unit.fiscal_year_start_month))
        sc[PATTERN] = Scenario(name=PATTERN, label="Comparator pattern", phrase=scenario_label(PATTERN), events=incs)
        notes.append("The comparator pattern scenario is the comparators' median settled base increase per fiscal "
                     "year, as in the costing; a provisional year carries the latest full year's median forward.")
    elif PATTERN not in sc and len(pattern):
        notes.append("No comparator pattern scenario: no fiscal year up to the proposed contract has "
                     "enough settled comparators.")
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
            steps = scenario_steps(prop)
            steps = steps[(steps["date"] >= start) & (steps["date"] <= end)]
            row = dict(base)
            row.update(min_salary=apply_steps(base["min_salary"], steps), max_salary=apply_steps(base["max_salary"], steps),
                       value_date=end, scenario=name, role="unit", projected=False, available=True,
                       increases=describe_increases(prop))
            unit_rows.append(row)
    if unit_rows:
        projected = pd.concat([projected, add_measures(pd.DataFrame(unit_rows))], ignore_index=True)
    outlook_rows = []
    for name in (sc if outlook else ()):
        for t in titles:
            if not len(projected):
                break
            comp_t = projected[(projected["role"] == "comparator") & projected["benchmark_title"].eq(t)]
            u_t = projected[(projected["role"] == "unit") & projected["scenario"].eq(name) & projected["benchmark_title"].eq(t)]
            if u_t.empty:
                continue
            d = pd.concat([u_t, comp_t], ignore_index=True)
            # Hourly too where hours differ, so the outlook is on the same basis as the position now.
            ms = [m for m in _measures_for(d) if not m.startswith("top_longevity")]
            for row in _position_rows(d, unit_j, comps, t, ms, []):
                row["scenario"] = name
                row["n_projected"] = int(comp_t["projected"].sum())
                outlook_rows.append(row)
    outlook_t = pd.DataFrame(outlook_rows)
    if len(outlook_t):
        outlook_t = outlook_t[["scenario"] + [c for c in outlook_t.columns if c != "scenario"]]

    if forecast is None:
        notes.append("No forecast is available (no wage-trend model and no comparator increases), so comparators "
                     "whose contracts expire are left out where a forecast is needed.")
    else:
        notes.append(f"Projected cells use the {forecast.label}" + (f" ({fc_note})." if fc_note else "."))
    comp_result, comp_error, profile_error = None, None, None
    if score_comparables:
        # Imported here: scoring reads pulled profiles (and their HTTP client), which the solver never needs.
        from wagebrief.analysis import comparables

        try:
            if profile is None:
                profile, profile_error = comparables.load_profile(root)
            comp_result = comparables.score_unit(unit, root, events=events,
                                                 profile=profile if profile is not None else pd.DataFrame())
            if profile_error:
                comp_result.notes.insert(0, profile_error.rstrip(".") + ".")
        except Exception as exc:  # scoring is supporting evidence; its failure must not hide the rest
            comp_error = f"{type(exc).__name__}: {exc}"
    # Each input is named for what it is: real settlements beside invented schedules say so.
    used = provenance.used_settlements(events, unit_j, comps, unit.groups)
    settled_synthetic = bool(used["source"].fillna("").astype(str).str.contains("SYNTHETIC", case=False).any())
    invented = [w for w, flag in (("salary schedules", synthetic), ("settlements", settled_synthetic or unit.synthetic)) if flag]
    if invented:
        notes.append(f"SYNTHETIC: the {' and '.join(invented)} behind this section are invented demo data.")
    miss = pd.DataFrame(missing, columns=["benchmark_title", "jurisdiction", "when", "reason"])
    return MarketAnalysis(unit, as_of, start, end, titles, current, position_t, projected, outlook_t, miss, sc,
                          source, pattern, forecast, list(dict.fromkeys(notes)), synthetic, events, comp_result,
                          comp_error, profile, profile_error, pattern_min, getattr(unit, "position_basis", "hourly"))
