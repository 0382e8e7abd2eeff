"""The shape of a proposals file, ``comparators/proposals/<unit>.yml``, as pydantic models.

:mod:`wagebrief.inputs.proposals` checks a file's shape with these models (its unknown keys,
missing fields and non-mappings are reported as :func:`wagebrief.inputs.yamlschema.problems`
words them) and takes its key lists from them; it reads the values itself, by the settlement
files' rules. The models mirror what it accepts (every key, vocabulary, range and default) so
that the input reference (``docs/inputs.md``) is generated from one schema, and so that
:func:`check` can report every structural problem of a file at once. Rules that need more than
one field (an event inside the term, ``steps_from`` naming a scenario, published wage-base
years) stay in :mod:`wagebrief.inputs.proposals`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError, model_validator

from wagebrief.config import MIN_PATTERN_COMPARATORS
from wagebrief.inputs import safeyaml
from wagebrief.inputs.yamlschema import STRICT, Bool, Text, choice, fail, problems, whole

WAGE_KINDS = ("gwi_pct", "gwi_flat", "lump_sum", "lump_sum_pct", "step_movement")
#: Scenario event kinds that are not wage events (wagebrief.inputs.proposals_items reads them).
ITEM_KINDS = ("premium_share_pct", "pension_employee_pct", "stipend", "hours_per_week", "holidays_added",
              "longevity_schedule")
EVENT_KINDS = WAGE_KINDS + ITEM_KINDS
STIPEND_PER = ("year", "hour")
STEP_TIMINGS = ("anniversary", "common_date")
LONGEVITY_BASES = ("flat", "pct")
DERIVATIONS = ("comparator_median",)
PCT_RANGE = (-15.0, 25.0)  # as wagebrief.inputs.settlements.PCT_RANGE, without importing pandas
_NAME = r"^[a-z][a-z0-9_]*$"


def _number(value: Any) -> float:
    # As analysts type them: 2.5, "2.5%", "$1,500" (wagebrief.inputs.settlements.parse_number's rule).
    if isinstance(value, bool) or value is None:
        raise fail(f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = re.sub(r"[\s$,%]", "", str(value))
    try:
        return float(text)
    except ValueError:
        raise fail(f"cannot read {value!r} as a number") from None


def number(lo: float | None = None, hi: float | None = None) -> Any:
    """A number (typed as analysts type it) within ``lo``..``hi``."""

    def check(value: Any) -> float:
        out = _number(value)
        if (lo is not None and out < lo) or (hi is not None and out > hi):
            raise fail(f"{out:g} is outside {lo:g}..{hi:g}" if lo is not None and hi is not None
                       else f"{out:g} must be at least {lo:g}")
        return out

    return Annotated[float, Field(ge=lo, le=hi), BeforeValidator(check)]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if value is not None else ""
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise fail(f"cannot read {value!r} as a date (use YYYY-MM-DD)")


Date = Annotated[dt.date, BeforeValidator(_date)]
Name = Annotated[str, Field(pattern=_NAME)]


def _step_movement(value: Any) -> Any:
    if value is True or value in STEP_TIMINGS:
        return value
    raise fail(f"expected true, anniversary or common_date, got {value!r}")


class Steps(BaseModel):
    """The step schedule: how many steps and what a move is worth."""

    model_config = STRICT
    top_step: whole(1, 60) = Field(description="The last step; roster steps run 1 to top_step.")
    increment_pct: number(0, 50) | dict[int, number(0, 50)] = Field(description=(
        "Percent a move is worth: one number for every step, or a mapping of the step moved from to its percent."))
    timing: choice(STEP_TIMINGS) = Field(description="When a step movement takes effect for each employee.")


class Longevity(BaseModel):
    """Longevity pay after years of service (the highest step reached applies)."""

    model_config = STRICT
    basis: choice(LONGEVITY_BASES) = Field(description="flat: annual dollars; pct: percent of the base rate.")
    schedule: dict[int, number(0, 1e6)] = Field(description="Years of service (1-60) -> amount.", min_length=1)


class Rollup(BaseModel):
    """The employer costs that ride on pay."""

    model_config = STRICT
    social_security: Bool = Field(True, description="Employer OASDI, 6.2% up to the calendar year's wage base.")
    medicare: Bool = Field(True, description="Employer HI, 1.45%, no cap.")
    rates: dict[Name, number(0, 100)] = Field(default_factory=dict, description=(
        "Other employer rates, percent of pensionable pay, by lower-case name: {pension: 14.5}."))
    longevity_pensionable: Bool = Field(True, description="Whether longevity pay carries the rates.")
    lump_sums_pensionable: Bool = Field(False, description="Whether lump sums carry the rates.")
    stipends_pensionable: Bool = Field(False, description=(
        "Whether stipend events carry the rates. Paid-hours changes always do (they are base pay)."))


class ComparatorPattern(BaseModel):
    """How the comparator-pattern scenario is derived."""

    model_config = STRICT
    min_comparators: whole(1, 100) = Field(MIN_PATTERN_COMPARATORS, description=(
        "Fewest comparator settlements a fiscal year needs; fewer carries an earlier year's median forward."))


class Event(BaseModel):
    """One wage event of a scenario: an effective date and exactly one kind."""

    model_config = STRICT
    effective_date: Date = Field(description="Within the term.")
    gwi_pct: number(*PCT_RANGE) | None = Field(None, description="General wage increase, percent (2.5 = 2.5%).")
    gwi_flat: number(-1e6, 1e6) | None = Field(None, description="Dollars added to the full-time annual rate.")
    lump_sum: number(0, 1e6) | None = Field(None, description="Dollars per full-time employee, prorated by fte.")
    lump_sum_pct: number(0, PCT_RANGE[1]) | None = Field(None, description="Percent of the annual rate on that date.")
    step_movement: Annotated[bool | Literal[STEP_TIMINGS], BeforeValidator(_step_movement)] | None = Field(  # type: ignore[valid-type]
        None, description="true (the steps' timing), anniversary or common_date.")
    premium_share_pct: number(0, 100) | None = Field(None, description=(
        "The employees' new share of every health premium, percent, from the date (needs health)."))
    pension_employee_pct: number(0, 50) | None = Field(None, description=(
        "The employees' new pension contribution, percent of pensionable pay (needs employee_pension_pct)."))
    stipend: number(-1e6, 1e6) | None = Field(None, description=(
        "A stipend or differential from the date: dollars per year per full-time employee, or per paid hour "
        "(per: hour); for the listed titles only if titles is given."))
    hours_per_week: number(1, 84) | None = Field(None, description=(
        "New paid hours a week from the date; pay rises with hours (base rate times new / old hours)."))
    holidays_added: number(0, 30) | None = Field(None, description=(
        "Paid holidays a year added from the date: hours of time off, or cash where holidays.cash is true."))
    longevity_schedule: dict[whole(1, 60), number(0, 1e6)] | None = Field(None, description=(
        "Replaces the longevity schedule from the date: years of service -> annual dollars (longevity.basis flat)."))
    per: choice(STIPEND_PER) | None = Field(None, description="A stipend's unit: year (default) or hour.")
    titles: list[Text] | None = Field(None, description="A stipend's titles (as the roster spells them). Default: all.")
    note: str | None = Field(None, description="Shown beside the event in the costing.")

    @model_validator(mode="after")
    def _one_kind(self) -> Event:
        kinds = [k for k in EVENT_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            found = f" (found {', '.join(kinds)})" if kinds else ""
            raise fail(f"give exactly one of {', '.join(EVENT_KINDS)}{found}")
        if self.stipend is None and (self.per is not None or self.titles is not None):
            raise fail("per and titles go with a stipend only")
        return self


class Premiums(BaseModel):
    """Annual premium per enrollee by coverage tier: the employer's and the employee's shares together."""

    model_config = STRICT
    single: number(0, 1e6) = Field(description="Single coverage.")
    employee_plus_one: number(0, 1e6) = Field(description="Employee plus one.")
    family: number(0, 1e6) = Field(description="Family coverage.")


class PremiumChange(Premiums):
    """New premiums from a date (the same in every scenario: only the share is bargained)."""

    effective_date: Date = Field(description="From this date.")


class Health(BaseModel):
    """The unit's health plan: premiums by tier and the employees' share (needs the roster's coverage_tier)."""

    model_config = STRICT
    premiums: Premiums = Field(description="Annual premiums by tier at the term start.")
    employee_share_pct: number(0, 100) = Field(description="The employees' share of each premium today, percent.")
    premium_changes: list[PremiumChange] = Field(default_factory=list, description="New premiums from later dates.")


class Holidays(BaseModel):
    """What an added holiday costs: cash only where the unit works round-the-clock."""

    model_config = STRICT
    cash: Bool = Field(False, description=(
        "true where a holiday is worked anyway (premium pay or backfill): an added holiday costs cash. "
        "false: it is shown as hours of paid time off, not cash."))
    hours_per_holiday: number(0, 24) = Field(8.0, description="Hours a holiday is worth.")
    premium: number(0, 5) = Field(1.5, description=(
        "Cash per holiday hour, in hourly rates (1.5: time and a half); the hourly rate is the annual "
        "base rate / (hours_per_week x 52)."))
    pensionable: Bool = Field(False, description="Whether holiday cash carries the rollup rates.")


class ItemSettings(BaseModel):
    """The proposals file's non-wage settings (checked together by :mod:`wagebrief.inputs.proposals_items`)."""

    model_config = STRICT
    health: Health | None = Field(None, description=(
        "Health premiums; when set, the roster needs a coverage_tier column. premium_share_pct events cost against it."))
    employee_pension_pct: number(0, 50) | None = Field(None, description=(
        "The employees' pension contribution today, percent of pensionable pay; pension_employee_pct events "
        "change it (the employer saves the difference)."))
    hours_per_week: number(1, 84) = Field(40.0, description="Paid hours a week today (hours_per_week events change it).")
    holidays: Holidays | None = Field(None, description="How added holidays are costed. Default: as time, not cash.")
    settled_on: Date | None = Field(None, description=(
        "The date the settlement was reached; when after the term start, the pay increases earned before it "
        "are owed as retroactive pay."))
    retro_paid_on: Date | None = Field(None, description="When the retroactive pay is paid. Default: settled_on.")


class Scenario(BaseModel):
    """One offer to cost."""

    model_config = STRICT
    name: Name | None = Field(None, description="Only in the list form a unit file may use; a proposals file keys scenarios by name.")
    label: Text | None = Field(None, description='Table heading. Default: the name, capitalised ("Union").')
    phrase: Text | None = Field(None, description='Used in sentences. Default: "the <label>".')
    events: list[Event] = Field(default_factory=list, description="The wage events; needed unless derive is set.")
    derive: choice(DERIVATIONS) | None = Field(None, description=(
        "comparator_median: a GWI at each fiscal-year start equal to the comparators' median increase."))
    steps_from: Name | None = Field(None, description="Copy this scenario's step movements.")
    notes: str | None = Field(None, description="Free-form notes.")

    @model_validator(mode="after")
    def _has_events(self) -> Scenario:
        if not self.events and self.derive is None:
            raise fail("expected a non-empty list of events (or derive: comparator_median)")
        return self


class ProposalsFile(BaseModel):
    """``comparators/proposals/<unit>.yml``: the term, pay rules and scenarios to cost."""

    model_config = STRICT
    unit: Text | None = Field(None, description="The unit id; must equal the file name stem. Default: the stem.")
    synthetic: Bool = Field(False, description="true only for invented demo proposals.")
    notes: str | None = Field(None, description="Free-form notes.")
    term_start: Date | None = Field(None, description=(
        "First day of the new contract; give with term_end. Default: the unit's cycle_year fiscal-year start."))
    term_end: Date | None = Field(None, description=(
        "Last day of the contract, under 10 years after term_start. Default: term_start + term_years - 1 day."))
    roster_as_of: Date | None = Field(None, description="The roster's date. Default: the day before term_start.")
    steps: Steps | None = Field(None, description="The step schedule; needed for step_movement events.")
    longevity: Longevity | None = Field(None, description=(
        "Longevity pay; when set, the roster needs a longevity_eligible column."))
    rollup: Rollup = Field(default_factory=Rollup, description="Employer costs on pay.")
    social_security_wage_base: dict[whole(1990, 2100), number(1)] = Field(default_factory=dict, description=(
        "Wage base for years SSA has not published: {2028: 196000}. Wins over the costing's own projection "
        "(the last published base grown at the average rate of the last ten published years)."))
    comparator_pattern: ComparatorPattern = Field(default_factory=ComparatorPattern, description=(
        "Settings of the derived comparator-pattern scenario."))
    reference_scenario: Name | None = Field(None, description=(
        "The scenario others are compared with. Default: management if there is one, else the first."))
    scenarios: Annotated[dict[Name, Scenario], Field(min_length=1)] = Field(description=(
        "Scenario name (lower-case word) -> scenario. At least one."))
    health: Health | None = ItemSettings.model_fields["health"]
    employee_pension_pct: number(0, 50) | None = ItemSettings.model_fields["employee_pension_pct"]
    hours_per_week: number(1, 84) = ItemSettings.model_fields["hours_per_week"]
    holidays: Holidays | None = ItemSettings.model_fields["holidays"]
    settled_on: Date | None = ItemSettings.model_fields["settled_on"]
    retro_paid_on: Date | None = ItemSettings.model_fields["retro_paid_on"]

    @model_validator(mode="after")
    def _term_pair(self) -> ProposalsFile:
        if (self.term_start is None) != (self.term_end is None):
            raise fail("term_start and term_end go together; give both or neither")
        return self


def check(path: str | Path) -> list[str]:
    """Every structural problem of a proposals file as ``file: field: message`` (none: [])."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            data = safeyaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        return [f"{path}: not valid YAML: {exc}"]
    if not isinstance(data, dict):
        return [f"{path}: (top level): expected a mapping, got {type(data).__name__}"]
    try:
        ProposalsFile.model_validate(data)
    except ValidationError as exc:
        return [f"{path}: {p}" for p in problems(exc, ProposalsFile)]
    return []
