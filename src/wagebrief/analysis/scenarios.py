"""Proposal scenarios made ready to cost and compare: derived events filled in from settlements.

:mod:`wagebrief.inputs.proposals` parses the proposals file (and the unit file's simple
``scenarios:`` form); what needs the settlement data and the contract metrics (the comparator
pattern a ``derive: comparator_median`` scenario is built from) is done here, so that both the
costing and the market position read the same resolved scenarios.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.analysis.costing_engine import fiscal_years
from wagebrief.config import MIN_PATTERN_COMPARATORS, paths
from wagebrief.fiscal import fiscal_year_start
from wagebrief.inputs import gaps, settlements
from wagebrief.inputs.proposals import (Event, ProposalError, Proposals, Scenario, load, parse_scenarios,
                                        proposals_path)
from wagebrief.inputs.units import Unit


def _settlement_events(root: str | Path | None) -> pd.DataFrame:
    p = paths(root)
    if p.settlements.is_file():
        return settlements.load(p.settlements)
    try:
        return settlements.validate([p.raw_settlements]).valid
    except settlements.SettlementFileError as exc:
        raise ProposalError(f"comparator_pattern needs settlement data ({exc}); run 'wagebrief build'") from exc


def pattern_rows(unit: Unit, events: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The settlement rows the comparator pattern is taken over, and a note if they are not the usual ones.

    Which comparators: the unit's comparator jurisdictions in its occupation group (all of their
    groups if none has one), after the unit file's stated gaps.
    """
    events = gaps.for_unit(events, unit)
    ev = events[events["jurisdiction"].isin(unit.jurisdictions)]
    same = ev[ev["occupation_group"].isin(unit.groups)]
    if same.empty and len(ev):
        return ev, [f"No comparator settlements in occupation group {unit.occupation_group!r}; "
                    "the comparator pattern uses all of the comparators' units."]
    return same, []


def pattern_threshold(unit: Unit, root: str | Path | None = None) -> int:
    """The fewest settled comparators a full pattern year needs: the proposals file's
    ``comparator_pattern.min_comparators``, else :data:`wagebrief.config.MIN_PATTERN_COMPARATORS`."""
    try:
        return int(load(unit, root).min_comparators)
    except Exception:  # no (readable) proposals file: the default, as the costing would use
        return MIN_PATTERN_COMPARATORS


def unit_pattern(unit: Unit, years: Collection[int] = (), *, basis: str = "fiscal",
                 min_comparators: int = MIN_PATTERN_COMPARATORS, events: pd.DataFrame | None = None,
                 root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The unit's comparator pattern by year (:func:`wagebrief.analysis.metrics.comparator_pattern`
    over :func:`pattern_rows`), with ``years`` included, and notes on its comparators."""
    rows, notes = pattern_rows(unit, _settlement_events(root) if events is None else events)
    return metrics.comparator_pattern(rows, years, basis, unit.fiscal_year_start_month, min_comparators), notes


def comparator_pattern(unit: Unit, fiscal_years: Collection[int], *, min_comparators: int = MIN_PATTERN_COMPARATORS,
                       events: pd.DataFrame | None = None, root: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The comparator pattern for each of ``fiscal_years``, as the costing reads it, and notes on how it was found.

    :func:`unit_pattern` on the fiscal-year basis: a year with fewer than ``min_comparators``
    settled comparators (a provisional year, or one past the last known) takes the median of the
    latest earlier year that has enough, and the notes say so.
    """
    pat, notes = unit_pattern(unit, fiscal_years, min_comparators=min_comparators, events=events, root=root)
    if not pat["count"].any():
        raise ProposalError(f"comparator_pattern: no settlements for {unit.unit}'s comparators")
    pat = pat.set_index("year")
    rows = []
    short: dict[int, list[tuple[int, int]]] = {}  # source year -> [(fiscal year, settlements known)]
    for fy in sorted(fiscal_years):
        r = pat.loc[fy]
        if pd.isna(r["from_year"]):
            raise ProposalError(f"comparator_pattern: no fiscal year up to FY{fy} has {min_comparators} or more "
                                f"comparator settlements for {unit.unit}")
        src = int(r["from_year"])
        rows.append((fy, float(r["pattern_pct"]), int(pat.at[src, "count"]), src, bool(r["carried_forward"])))
        if r["carried_forward"]:
            short.setdefault(src, []).append((fy, int(r["count"])))
    for src, years in short.items():
        span = f"FY{years[0][0]}" + (f"-FY{years[-1][0]}" if len(years) > 1 else "")
        notes.append(f"{span}: fewer than {min_comparators} comparator settlements are known "
                     f"({', '.join(str(k) for _, k in years)}); the comparator pattern carries FY{src}'s median "
                     f"({float(pat.at[src, 'median']):.2f}%, {int(pat.at[src, 'count'])} settlements) forward.")
    table = pd.DataFrame(rows, columns=["fiscal_year", "increase_pct", "n_settlements", "from_fiscal_year", "carried_forward"])
    return table, notes


def pattern_events(fiscal_years: Sequence[int], pcts: Sequence[float], term_start: pd.Timestamp,
                   fy_start_month: int, notes: Sequence[str] | None = None) -> list[Event]:
    """One ``gwi_pct`` event per fiscal year of the pattern, on the later of the fiscal-year start and the term start."""
    starts = fiscal_year_start(pd.Series(list(fiscal_years)), fy_start_month)
    notes = list(notes) if notes is not None else [""] * len(pcts)
    return [Event(max(pd.Timestamp(d), pd.Timestamp(term_start)), "gwi_pct", float(p), note=n)
            for d, p, n in zip(starts, pcts, notes)]


def resolve(proposals: Proposals, unit: Unit, *, events: pd.DataFrame | None = None,
            root: str | Path | None = None) -> tuple[dict[str, Scenario], list[str]]:
    """Scenarios with derived events filled in (and notes on their derivation).

    A ``comparator_median`` scenario gets one ``gwi_pct`` event per fiscal year of the term, on the
    later of the fiscal-year start and the term start, worth that year's comparator median; then
    the step movements of ``steps_from``, then its own events.
    """
    out: dict[str, Scenario] = {}
    notes: list[str] = []
    for name, s in proposals.scenarios.items():
        evs = list(s.events)
        if s.steps_from:
            evs = [e for e in proposals.scenarios[s.steps_from].events if e.kind == "step_movement"] + evs
        if s.derive == "comparator_median":
            table, n = comparator_pattern(unit, fiscal_years(proposals), min_comparators=proposals.min_comparators,
                                          events=events, root=root)
            notes += n
            labels = [f"comparator median FY{int(fy)} ({k} settlements" + (f", from FY{int(src)})" if c else ")")
                      for fy, k, src, c in zip(table["fiscal_year"], table["n_settlements"], table["from_fiscal_year"],
                                               table["carried_forward"])]
            gwis = pattern_events(table["fiscal_year"], table["increase_pct"], proposals.term_start,
                                  proposals.fy_start_month, labels)
            evs = gwis + evs
        out[name] = Scenario(name=s.name, label=s.label, phrase=s.phrase, events=tuple(evs), derive=s.derive,
                             steps_from=s.steps_from, notes=s.notes, resolved=True)
    return out, notes


def scenarios_for(unit: Unit, root: str | Path | None = None, *, events: pd.DataFrame | None = None,
                  start: pd.Timestamp | None = None
                  ) -> tuple[dict[str, Scenario], str, tuple[pd.Timestamp, pd.Timestamp] | None, list[str]]:
    """The proposal scenarios for ``unit``: (name -> resolved Scenario, source, proposal term or None, notes).

    First the proposals (``comparators/proposals/<unit>.yml`` or the unit file's ``scenarios``,
    read by :func:`wagebrief.inputs.proposals.load` and resolved by :func:`resolve`, as the costing
    reads them); failing that, the unit file's simple form
    (:func:`wagebrief.inputs.proposals.parse_scenarios`). None found is not an error.
    """
    sc, term, notes, synthetic = _costed(unit, root, events)
    if sc:
        where = proposals_path(unit.unit, root)
        src = f"comparators/proposals/{unit.unit}.yml" if where.is_file() else f"comparators/{unit.unit}.yml"
        if where.is_file() and synthetic:  # invented proposals say so where they are cited
            src += " (SYNTHETIC demo proposals)"
        return sc, src, term, notes
    if "scenarios" in unit.extra:
        sc, n = parse_scenarios(unit.extra["scenarios"], unit.term_years, start)
        return sc, f"comparators/{unit.unit}.yml", None, notes + n
    return {}, "", None, notes


def _costed(unit: Unit, root: str | Path | None, events: pd.DataFrame | None
            ) -> tuple[dict[str, Scenario], tuple[pd.Timestamp, pd.Timestamp] | None, list[str], bool]:
    """The scenarios the costing reads, resolved, with the proposal term, the notes and whether the
    proposals file says it is invented (read once: the file is parsed here only); none (and why, as
    a note) when there are none or they cannot be read."""
    try:
        prop = load(unit, root)
        resolved, notes = resolve(prop, unit, events=events, root=root)
    except Exception as exc:  # no proposals file, or one the costing rejects: the market section goes on
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {}, None, [] if "no scenarios to cost" in msg else [f"The proposal scenarios could not be read ({msg})."], False
    return resolved, (pd.Timestamp(prop.term_start), pd.Timestamp(prop.term_end)), list(notes), bool(prop.synthetic)
