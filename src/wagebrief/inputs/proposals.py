"""Bargaining proposals for one unit: ``comparators/proposals/<unit>.yml``.

The file names the contract term, how steps and longevity work, the employer's roll-up rates,
and the scenarios to cost. It sits in a subfolder so that :func:`wagebrief.inputs.units.unit_names`
(which globs ``comparators/*.yml`` only, not recursively) never mistakes it for a unit. When there
is no proposals file, ``scenarios`` and ``rollup`` are read from the unit file itself; a key given
in both places is an error rather than a silent choice. The unit file's older, simple form
(``scenarios: {management: [2, 2.5]}``, percents per contract year) is read by
:func:`parse_scenarios`. Every scenario is parsed here, into :class:`Scenario` s; a derived one
(``derive: comparator_median``) is filled in from the settlements by
:func:`wagebrief.analysis.scenarios.resolve`.

Example::

    unit: state-clerical
    synthetic: true
    term_start: 2027-07-01          # default: cycle_year's fiscal-year start ...
    term_end: 2030-06-30            # ... for the unit's term_years
    roster_as_of: 2026-11-01        # the roster's date; default: the day before term_start
    steps: {top_step: 8, increment_pct: 3.0, timing: anniversary}   # or timing: common_date
    longevity: {basis: flat, schedule: {10: 600, 15: 900, 20: 1200}} # or basis: pct (of base)
    rollup:
      social_security: true         # employer OASDI, 6.2% up to the calendar year's wage base
      medicare: true                # employer HI, 1.45%, no cap
      rates: {pension: 14.5}        # employer percent of pensionable pay, one column each
      longevity_pensionable: true
      lump_sums_pensionable: false
    social_security_wage_base: {2027: 190800}   # optional projection for unpublished years
    comparator_pattern: {min_comparators: 3}
    reference_scenario: management
    scenarios:
      management:
        label: Management offer
        phrase: management's offer  # used in sentences; default "the <label>"
        events:
          - {effective_date: 2027-07-01, lump_sum: 1000}       # dollars per full-time employee
          - {effective_date: 2028-07-01, gwi_pct: 2.0}
          - {effective_date: 2028-07-01, step_movement: true}  # or anniversary / common_date
      comparator_pattern:
        derive: comparator_median   # GWI at each fiscal-year start = comparators' median
        steps_from: management      # copy that scenario's step movements

Event kinds: ``gwi_pct`` (percent), ``gwi_flat`` (dollars added to the full-time annual rate),
``lump_sum`` (dollars per full-time employee, prorated by fte), ``lump_sum_pct`` (percent of
the annual rate on that date) and ``step_movement``. Values may be typed as analysts type them
("2.5%", "$1,500"); they are read with :func:`wagebrief.inputs.settlements.parse_number`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from wagebrief.inputs import proposals_items as items
from wagebrief.inputs import proposals_schema as schema
from wagebrief.inputs import safeyaml
from wagebrief.config import MIN_PATTERN_COMPARATORS, paths
from wagebrief.fiscal import fiscal_year
from wagebrief.inputs.settlements import PCT_RANGE, parse_date, parse_number
from wagebrief.inputs.units import Unit
from wagebrief.inputs.yamlschema import problems

TOP_KEYS = tuple(schema.ProposalsFile.model_fields)
SCENARIO_KEYS = tuple(schema.Scenario.model_fields)
STEP_KEYS = tuple(schema.Steps.model_fields)
LONGEVITY_KEYS = tuple(schema.Longevity.model_fields)
ROLLUP_KEYS = tuple(schema.Rollup.model_fields)
EVENT_KINDS = schema.EVENT_KINDS
STEP_TIMINGS = schema.STEP_TIMINGS
LONGEVITY_BASES = schema.LONGEVITY_BASES
DERIVATIONS = schema.DERIVATIONS
#: What the schema judges: a file's shape (its keys, its required fields, what must be a mapping).
#: The values are read here, by the settlement files' rules (parse_number, parse_date), which
#: accept what analysts type (an Excel serial date, for one) and refuse what is not finite.
_SHAPE_ERRORS = ("extra_forbidden", "invalid_key", "missing", "model_type", "model_attributes_type", "dict_type")
#: Where an empty value (nothing, ``""``, ``[]``) means "none": the rates, a scenario's keys.
_EMPTY_OK = (("rollup", "rates"), ("scenarios", None))
#: Employer tax rates, percent. Medicare's extra 0.9% falls on employees only.
SS_RATE_PCT = 6.2
MEDICARE_RATE_PCT = 1.45
WAGE_BASE_FILE = "data/ss_wage_base.csv"
_RATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Sentence phrases of the usual scenario names in the unit file's simple ``scenarios:`` form.
SCENARIO_LABELS = {
    "management": "management's offer", "union": "the union's proposal",
    "comparator_pattern": "the comparator pattern",
}
_RESERVED = {"social_security", "medicare", "rollup", "total_cost", "gwi", "step", "longevity", "lump_sum",
             "health", "pension_contribution", "hours", "stipend", "holiday_pay", "items_cost"}


class ProposalError(ValueError):
    """A proposals file (or the proposal keys of a unit file) is invalid; names file and field."""


@dataclass(frozen=True)
class Event:
    """One wage event of a scenario. ``value`` is percent or dollars; steps carry ``timing``."""

    effective_date: pd.Timestamp
    kind: str
    value: float = 0.0
    timing: str | None = None
    note: str = ""
    per: str | None = None  #: a stipend's unit: "year" or "hour"
    titles: tuple[str, ...] = ()  #: a stipend's titles; empty: every title
    schedule: tuple[tuple[int, float], ...] = ()  #: a longevity_schedule event's (years, dollars), ascending


@dataclass(frozen=True)
class Scenario:
    """One offer: its wage events, and how sentences and tables name it."""

    name: str
    label: str
    phrase: str
    events: tuple[Event, ...]
    derive: str | None = None
    steps_from: str | None = None
    notes: str = ""
    resolved: bool = False  #: derived events and ``steps_from`` filled in by :func:`wagebrief.analysis.scenarios.resolve`

    @property
    def increases(self) -> tuple[tuple[pd.Timestamp, str, float], ...]:
        """The base-wage increases, ``(effective date, "pct" | "flat", value)`` in date order."""
        return tuple(sorted((pd.Timestamp(e.effective_date), "pct" if e.kind == "gwi_pct" else "flat", float(e.value))
                            for e in self.events if e.kind in ("gwi_pct", "gwi_flat")))


@dataclass(frozen=True)
class Steps:
    top_step: int
    increment_pct: dict[int, float]  #: step moved *from* -> percent the move is worth
    timing: str


@dataclass(frozen=True)
class Longevity:
    basis: str  #: "flat" dollars a year, or "pct" of the base rate
    schedule: tuple[tuple[int, float], ...]  #: (years of service, amount), ascending


@dataclass(frozen=True)
class Rollup:
    social_security: bool = True
    medicare: bool = True
    rates: dict[str, float] = field(default_factory=dict)
    longevity_pensionable: bool = True
    lump_sums_pensionable: bool = False
    stipends_pensionable: bool = False


@dataclass
class Proposals:
    """A validated proposals file, with every default filled in."""

    unit: str
    where: str
    term_start: pd.Timestamp
    term_end: pd.Timestamp
    roster_as_of: pd.Timestamp
    steps: Steps | None
    longevity: Longevity | None
    rollup: Rollup
    scenarios: dict[str, Scenario]
    reference: str
    wage_base_overrides: dict[int, float]
    min_comparators: int = MIN_PATTERN_COMPARATORS
    synthetic: bool = False
    path: Path | None = None
    fy_start_month: int = 7
    #: health premiums, pension contribution, paid hours, holidays, settlement date (:mod:`wagebrief.inputs.proposals_items`)
    items: items.Items = field(default_factory=items.Items)

    @property
    def fiscal_years(self) -> list[int]:
        """Fiscal years the term touches (named by the year they end in)."""
        return list(range(int(fiscal_year(pd.Series([self.term_start]), self.fy_start_month).iloc[0]),
                          int(fiscal_year(pd.Series([self.term_end]), self.fy_start_month).iloc[0]) + 1))


def proposals_path(unit: str, root: str | Path | None = None) -> Path:
    """``comparators/proposals/<unit>.yml``."""
    return paths(root).comparators / "proposals" / f"{unit}.yml"


# --------------------------------------------------------------------------- scalar readers

def _suggest(value: str, choices: Collection[str]) -> str:
    m = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {m[0]!r}?)" if m else ""


def _check_shape(data: Mapping[str, Any], where: str) -> None:
    """Raise the first unknown key, missing field or non-mapping of ``data``, as :class:`schema.ProposalsFile` finds them."""
    try:
        schema.ProposalsFile.model_validate(data)
    except ValidationError as exc:
        shape = [{k: err[k] for k in ("type", "loc", "input", "ctx") if k in err} for err in exc.errors()
                 if err["type"] in _SHAPE_ERRORS and _is_shape(tuple(err["loc"]), err)]
        found = problems(ValidationError.from_exception_data(exc.title, shape), schema.ProposalsFile) if shape else []
        if found:
            raise ProposalError(f"{where}: {found[0]}") from None


def _is_shape(loc: tuple, err: Mapping[str, Any]) -> bool:
    if err["type"] not in ("model_type", "model_attributes_type", "dict_type"):
        return True
    if not err["input"] and any(len(loc) == len(ok) and all(o is None or o == x for o, x in zip(ok, loc))
                                    for ok in _EMPTY_OK):
        return False
    # A union's branches (``increment_pct``: a number or a mapping) are named in the location; a
    # value that fits no branch is the value reader's to report, with its own message.
    return all(isinstance(part, int) or part.isidentifier() for part in loc)


def _number(value: Any, where: str, fld: str, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or value is None:
        raise ProposalError(f"{where}: {fld}: expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        out = float(value)
    else:
        parsed, bad = parse_number(pd.Series([str(value)]))
        if bad.iloc[0] or pd.isna(parsed.iloc[0]):
            raise ProposalError(f"{where}: {fld}: cannot read {value!r} as a number")
        out = float(parsed.iloc[0])
    if (lo is not None and out < lo) or (hi is not None and out > hi):
        raise ProposalError(f"{where}: {fld}: {out:g} is outside {lo:g}..{hi:g}")
    return out


def _date(value: Any, where: str, fld: str) -> pd.Timestamp:
    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Timestamp(value).normalize()
    parsed, bad = parse_date(pd.Series([str(value) if value is not None else ""]))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ProposalError(f"{where}: {fld}: cannot read {value!r} as a date (use YYYY-MM-DD)")
    return pd.Timestamp(parsed.iloc[0])


def _bool(value: Any, where: str, fld: str) -> bool:
    if not isinstance(value, bool):
        raise ProposalError(f"{where}: {fld}: expected true or false, got {value!r}")
    return value


def _int(value: Any, where: str, fld: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ProposalError(f"{where}: {fld}: expected a whole number from {lo} to {hi}, got {value!r}")
    return value


def _text(value: Any, where: str, fld: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProposalError(f"{where}: {fld}: expected a non-empty string, got {value!r}")
    return value.strip()


# --------------------------------------------------------------------------- loading

def load(unit: Unit, root: str | Path | None = None, path: str | Path | None = None) -> Proposals:
    """The unit's proposals: its proposals file merged with the unit file's proposal keys."""
    path = Path(path) if path is not None else proposals_path(unit.unit, root)
    try:
        where = path.resolve().relative_to(paths(root).root).as_posix()
    except ValueError:
        where = str(path)
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            with path.open(encoding="utf-8") as fh:
                loaded = safeyaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ProposalError(f"{where}: not valid YAML: {exc}") from exc
        if loaded is not None and not isinstance(loaded, Mapping):
            raise ProposalError(f"{where}: (top level): expected a mapping, got {type(loaded).__name__}")
        data = dict(loaded or {})
        if data.get("unit", unit.unit) != unit.unit:
            raise ProposalError(f"{where}: unit: {data['unit']!r} must be {unit.unit!r}, the file name stem")
    else:
        where = unit.path.name if unit.path else unit.unit
    for key in ("scenarios", "rollup"):
        if key in unit.extra:
            if key in data:
                raise ProposalError(f"{where}: {key}: also given in the unit file {unit.path}; keep one")
            data[key] = unit.extra[key]
    if "scenarios" not in data:
        raise ProposalError(f"{where}: scenarios: no scenarios to cost (write {proposals_path(unit.unit, root)})")
    data["scenarios"] = _by_name(data["scenarios"], where)
    _check_shape(data, where)
    return _build(data, unit, where, path if path.is_file() else None)


def _build(data: dict[str, Any], unit: Unit, where: str, path: Path | None) -> Proposals:
    fy_month = unit.fiscal_year_start_month
    if ("term_start" in data) != ("term_end" in data):
        raise ProposalError(f"{where}: term_start and term_end go together; give both or neither")
    if "term_start" in data:
        start = _date(data["term_start"], where, "term_start")
        end = _date(data["term_end"], where, "term_end")
        if end < start:
            raise ProposalError(f"{where}: term_end {end:%Y-%m-%d} is before term_start {start:%Y-%m-%d}")
        if end >= start + pd.DateOffset(years=10):
            raise ProposalError(f"{where}: term_end: a term of more than 10 years is not costed")
    else:
        start = pd.Timestamp(unit.cycle_year, fy_month, 1)
        end = start + pd.DateOffset(years=unit.term_years) - pd.Timedelta(days=1)
    as_of = (_date(data["roster_as_of"], where, "roster_as_of") if "roster_as_of" in data
             else start - pd.Timedelta(days=1))

    steps = _steps(_given(data, "steps", where), where) if "steps" in data else None
    longevity = _longevity(_given(data, "longevity", where), where) if "longevity" in data else None
    rollup = _rollup(data.get("rollup", {}), where)
    overrides = _wage_base_overrides(data.get("social_security_wage_base", {}), where)
    cp = data.get("comparator_pattern", {})
    min_comp = _int(cp.get("min_comparators", MIN_PATTERN_COMPARATORS), where, "comparator_pattern.min_comparators", 1, 100)

    extra = items.read(data, where, start, ProposalError)
    scenarios = _scenarios(data["scenarios"], where, start, end, steps, extra)
    items.check_longevity(scenarios, longevity.basis if longevity else None, where, ProposalError)
    ref = data.get("reference_scenario", "management" if "management" in scenarios else next(iter(scenarios)))
    if ref not in scenarios:
        raise ProposalError(f"{where}: reference_scenario: {ref!r} is not a scenario{_suggest(str(ref), scenarios)}; "
                            f"scenarios: {', '.join(scenarios)}")
    synthetic = _bool(data.get("synthetic", False), where, "synthetic")
    return Proposals(unit=unit.unit, where=where, term_start=start, term_end=end, roster_as_of=as_of,
                     steps=steps, longevity=longevity, rollup=rollup, scenarios=scenarios, reference=ref,
                     wage_base_overrides=overrides, min_comparators=min_comp, synthetic=synthetic,
                     path=path, fy_start_month=fy_month, items=extra)


def _given(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    # The schema lets an optional setting be null; here a key written with nothing after it is a mistake.
    if data[key] is None:
        raise ProposalError(f"{where}: {key}: expected a mapping, got NoneType")
    return data[key]


def _steps(s: Mapping[str, Any], where: str) -> Steps:
    top = _int(s["top_step"], where, "steps.top_step", 1, 60)
    inc = s["increment_pct"]
    if isinstance(inc, Mapping):
        table = {_int(k, where, "steps.increment_pct", 1, top): _number(v, where, f"steps.increment_pct.{k}", 0, 50)
                 for k, v in inc.items()}
        missing = [k for k in range(1, top) if k not in table]
        if missing:
            raise ProposalError(f"{where}: steps.increment_pct: no increment for moving from step(s) "
                                f"{', '.join(map(str, missing))}")
    else:
        pct = _number(inc, where, "steps.increment_pct", 0, 50)
        table = {k: pct for k in range(1, top)}
    timing = _text(s["timing"], where, "steps.timing")
    if timing not in STEP_TIMINGS:
        raise ProposalError(f"{where}: steps.timing: {timing!r} is not one of {', '.join(STEP_TIMINGS)}")
    return Steps(top_step=top, increment_pct=table, timing=timing)


def _longevity(lv: Mapping[str, Any], where: str) -> Longevity:
    basis = _text(lv.get("basis"), where, "longevity.basis")
    if basis not in LONGEVITY_BASES:
        raise ProposalError(f"{where}: longevity.basis: {basis!r} is not one of {', '.join(LONGEVITY_BASES)}")
    sched = lv.get("schedule")
    if not isinstance(sched, Mapping) or not sched:
        raise ProposalError(f"{where}: longevity.schedule: expected a mapping of years of service to amounts")
    hi = 50 if basis == "pct" else 1e6
    rows = sorted((_int(k, where, "longevity.schedule", 1, 60), _number(v, where, f"longevity.schedule.{k}", 0, hi))
                  for k, v in sched.items())
    return Longevity(basis=basis, schedule=tuple(rows))


def _rollup(r: Mapping[str, Any], where: str) -> Rollup:
    rates = r.get("rates", {}) or {}
    out = {}
    for name, pct in rates.items():
        if not isinstance(name, str) or not _RATE_NAME.match(name) or name in _RESERVED:
            raise ProposalError(f"{where}: rollup.rates.{name}: use a lower-case name like 'pension' "
                                f"(not one of {', '.join(sorted(_RESERVED))})")
        out[name] = _number(pct, where, f"rollup.rates.{name}", 0, 100)
    return Rollup(
        social_security=_bool(r.get("social_security", True), where, "rollup.social_security"),
        medicare=_bool(r.get("medicare", True), where, "rollup.medicare"),
        rates=out,
        longevity_pensionable=_bool(r.get("longevity_pensionable", True), where, "rollup.longevity_pensionable"),
        lump_sums_pensionable=_bool(r.get("lump_sums_pensionable", False), where, "rollup.lump_sums_pensionable"),
        stipends_pensionable=_bool(r.get("stipends_pensionable", False), where, "rollup.stipends_pensionable"),
    )


def _wage_base_overrides(value: Mapping[Any, Any], where: str) -> dict[int, float]:
    published = wage_base_table().set_index("year")["wage_base"]
    out = {}
    for year, amount in value.items():
        y = _int(year, where, "social_security_wage_base", 1990, 2100)
        if y in published.index:
            raise ProposalError(f"{where}: social_security_wage_base.{y}: {y}'s base is published "
                                f"(${published[y]:,.0f}); only unpublished years may be set")
        out[y] = _number(amount, where, f"social_security_wage_base.{y}", 1)
    return out


def _by_name(value: Any, where: str) -> Any:
    """The unit-file list form (``[{name: ..., events: [...]}, ...]``) keyed by name, as a proposals file keys it."""
    if not isinstance(value, list):
        return value
    out: dict[str, Any] = {}
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ProposalError(f"{where}: scenarios[{i}]: expected a mapping, got {type(item).__name__}")
        name = _text(item.get("name"), where, f"scenarios[{i}].name")
        if name in out:
            raise ProposalError(f"{where}: scenarios.{name}: listed twice")
        out[name] = item
    return out


def _scenarios(value: Any, where: str, start: pd.Timestamp, end: pd.Timestamp, steps: Steps | None,
               extra: items.Items) -> dict[str, Scenario]:
    if not value:
        raise ProposalError(f"{where}: scenarios: expected a mapping of scenario name to its events")
    out: dict[str, Scenario] = {}
    for name, spec in value.items():
        fld = f"scenarios.{name}"
        if not isinstance(name, str) or not _RATE_NAME.match(name):
            raise ProposalError(f"{where}: {fld}: scenario names are lower-case words like 'union'")
        spec = spec or {}
        label = _text(spec.get("label", name.replace("_", " ").capitalize()), where, f"{fld}.label")
        phrase = _text(spec.get("phrase", f"the {label[0].lower() + label[1:]}"), where, f"{fld}.phrase")
        derive = spec.get("derive")
        if derive is not None and derive not in DERIVATIONS:
            raise ProposalError(f"{where}: {fld}.derive: {derive!r} is not one of {', '.join(DERIVATIONS)}")
        raw_events = spec.get("events", [])
        if not isinstance(raw_events, list) or (not raw_events and derive is None):
            raise ProposalError(f"{where}: {fld}.events: expected a non-empty list of events")
        events = tuple(_event(e, where, f"{fld}.events[{i}]", start, end, steps, extra) for i, e in enumerate(raw_events))
        out[name] = Scenario(name=name, label=label, phrase=phrase, events=events, derive=derive,
                             steps_from=spec.get("steps_from"), notes=str(spec.get("notes", "") or ""))
    for s in out.values():
        if s.steps_from is not None and s.steps_from not in out:
            raise ProposalError(f"{where}: scenarios.{s.name}.steps_from: {s.steps_from!r} is not a scenario"
                                f"{_suggest(str(s.steps_from), out)}")
    return out


def _event(e: Mapping[str, Any], where: str, fld: str, start: pd.Timestamp, end: pd.Timestamp, steps: Steps | None,
           extra: items.Items) -> Event:
    date = _date(e["effective_date"], where, f"{fld}.effective_date")
    if not start <= date <= end:
        raise ProposalError(f"{where}: {fld}.effective_date: {date:%Y-%m-%d} is outside the term "
                            f"{start:%Y-%m-%d} to {end:%Y-%m-%d}")
    kinds = [k for k in EVENT_KINDS if k in e]
    if len(kinds) != 1:
        raise ProposalError(f"{where}: {fld}: give exactly one of {', '.join(EVENT_KINDS)}"
                            f"{' (found ' + ', '.join(kinds) + ')' if kinds else ''}")
    kind = kinds[0]
    note = str(e.get("note", "") or "")
    v = e[kind]
    if kind not in items.ITEM_KINDS and ("per" in e or "titles" in e):
        raise ProposalError(f"{where}: {fld}: per and titles go with a stipend only")
    if kind in items.ITEM_KINDS:  # a non-wage item: read by its pydantic model
        return Event(date, kind, note=note, **items.event_fields(dict(e), kind, where, fld, extra, ProposalError))
    if kind == "step_movement":
        if steps is None:
            raise ProposalError(f"{where}: {fld}.step_movement: needs a steps: setting (top_step, increment_pct, timing)")
        if v is True:
            timing = steps.timing
        elif isinstance(v, str) and v in STEP_TIMINGS:
            timing = v
        else:
            raise ProposalError(f"{where}: {fld}.step_movement: expected true, anniversary or common_date, got {v!r}")
        return Event(date, kind, 0.0, timing, note)
    if kind == "gwi_pct":
        return Event(date, kind, _number(v, where, f"{fld}.gwi_pct", *PCT_RANGE), None, note)
    if kind == "lump_sum_pct":
        return Event(date, kind, _number(v, where, f"{fld}.lump_sum_pct", 0, PCT_RANGE[1]), None, note)
    if kind == "lump_sum":
        return Event(date, kind, _number(v, where, f"{fld}.lump_sum", 0, 1e6), None, note)
    return Event(date, kind, _number(v, where, f"{fld}.gwi_flat", -1e6, 1e6), None, note)

# --------------------------------------------------------------------------- the unit file's simple form

def _pct_value(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError(f"{v!r} is not a percent")
    if isinstance(v, (int, float)):
        return float(v)
    return float(str(v).strip().rstrip("%").strip())


def parse_scenarios(raw: Any, term_years: int, start: pd.Timestamp | None = None
                    ) -> tuple[dict[str, Scenario], list[str]]:
    """Simple scenarios (one percent per contract year) as :class:`Scenario` s of ``gwi_pct`` events, and notes.

    Accepts ``{name: [2, 2.5, 3]}``, ``{name: 2.5}`` (every year), ``{name: {increases: [...]}}``
    and ``[{name: ..., increases: [...]}]``; ``gwi`` or ``annual_pct`` may stand for
    ``increases``. Year k's increase takes effect on ``start + k years``. A scenario with fewer
    increases than contract years is left out, not padded; what is left out is in the notes.
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
    out: dict[str, Scenario] = {}
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
        events = tuple(Event(start + pd.DateOffset(years=k), "gwi_pct", x) for k, x in enumerate(vals[:term_years]))
        out[name] = Scenario(name=name, label=name.replace("_", " ").capitalize(),
                             phrase=str(phrase) if phrase else scenario_label(name), events=events)
    return out, notes


def scenario_label(name: str) -> str:
    """How a sentence names scenario ``name`` when the unit file gives no phrase."""
    return SCENARIO_LABELS.get(name, f"the {name.replace('_', ' ')} scenario")


# --------------------------------------------------------------------------- Social Security wage base

def wage_base_table() -> pd.DataFrame:
    """SSA's published contribution and benefit bases (package data): year, wage_base, source."""
    with files("wagebrief").joinpath(WAGE_BASE_FILE).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"year": "int64", "wage_base": "float64", "source": str})


#: Published years whose average growth projects unpublished bases (the last ten years of growth).
WAGE_BASE_GROWTH_YEARS = 10
#: SSA rounds each published base to a multiple of $300 (Social Security Act, section 230(b)); so do projections.
WAGE_BASE_ROUNDING = 300


def wage_base_growth(table: pd.DataFrame | None = None) -> tuple[float, int, int]:
    """Average annual growth of SSA's published bases over the last ten years: (rate, first year, last year).

    The compound rate (last / first) ** (1 / 10) - 1, from published figures only (never an
    analyst's override).
    """
    t = (wage_base_table() if table is None else table).set_index("year")["wage_base"]
    last = int(t.index.max())
    first = last - WAGE_BASE_GROWTH_YEARS
    if first not in t.index:
        raise ProposalError(f"the wage-base table needs {first} to project from ten years of growth")
    return float((t[last] / t[first]) ** (1 / WAGE_BASE_GROWTH_YEARS) - 1), first, last


def wage_bases(years: Collection[int], overrides: Mapping[int, float] | None = None) -> pd.DataFrame:
    """The wage base for each calendar year, and how it was found.

    ``basis`` is ``published``, ``set in proposals`` (an analyst's figure for a year SSA has not
    published; it wins over the projection) or ``projected at <g>% a year from <year>``: the last
    published base grown at :func:`wage_base_growth`'s rate for each year after it, rounded to
    the nearest $300 as SSA rounds (the costing's notes say so).
    """
    table = wage_base_table()
    published = table.set_index("year")["wage_base"].to_dict()
    known = {**{y: (v, "published") for y, v in published.items()},
             **{y: (v, "set in proposals") for y, v in (overrides or {}).items()}}
    rows = []
    growth = None
    for y in sorted(set(int(y) for y in years)):
        if y in known:
            rows.append((y, *known[y]))
            continue
        if y < min(published):
            raise ProposalError(f"no Social Security wage base for {y}: the table starts in {min(published)}")
        growth = growth or wage_base_growth(table)
        g, _, last = growth
        # Projected from the last published base only: an override for one year does not move the others.
        value = math.floor(published[last] * (1 + g) ** (y - last) / WAGE_BASE_ROUNDING + 0.5) * WAGE_BASE_ROUNDING
        rows.append((y, float(value), f"projected at {g * 100:.2f}% a year from {last}"))
    return pd.DataFrame(rows, columns=["year", "wage_base", "basis"])
