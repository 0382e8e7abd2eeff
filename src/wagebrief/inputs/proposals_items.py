"""The economic items beyond wages in a proposals file: health premiums, pension contributions,
stipends, holidays, paid hours and the settlement date (retroactive pay), as pydantic models.

:mod:`wagebrief.inputs.proposals_schema` puts these models in the file's schema (so
``docs/inputs.md`` documents them) and :mod:`wagebrief.inputs.proposals` reads them here into
:class:`Items`. How each is costed is in :mod:`wagebrief.analysis.costing_items`.

Example (top level of ``comparators/proposals/<unit>.yml``)::

    health:
      premiums: {single: 9600, employee_plus_one: 19200, family: 26400}   # annual, per enrollee
      employee_share_pct: 15          # the employees' share of the premium today
      premium_changes:                # optional: new premiums from a date (both sides pay them)
        - {effective_date: 2028-07-01, single: 10100, employee_plus_one: 20200, family: 27800}
    employee_pension_pct: 5           # employees' pension contribution today, % of pensionable pay
    hours_per_week: 40                # paid hours a week today
    holidays: {cash: true, hours_per_holiday: 8, premium: 1.5, pensionable: false}
    settled_on: 2027-11-15            # a settlement after the term began owes retroactive pay
    retro_paid_on: 2027-12-20         # default: settled_on

and, as scenario events: ``premium_share_pct`` (the employees' new share from the date),
``pension_employee_pct`` (their new contribution percent), ``stipend`` (dollars, ``per: year``
or ``hour``, for every title or the listed ``titles``), ``hours_per_week`` (new paid hours) and
``holidays_added`` (paid holidays a year added) and ``longevity_schedule`` (a new flat longevity
schedule from the date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import ValidationError

from wagebrief.inputs import proposals_schema as ps
from wagebrief.inputs.yamlschema import problems

#: Coverage tiers of the roster's optional ``coverage_tier`` column (blank or ``waived``: not covered).
TIERS = ("single", "employee_plus_one", "family")
NO_COVERAGE = ("", "waived", "none")
#: Scenario event kinds that are not wage events (the wage engine never sees them).
ITEM_KINDS = ps.ITEM_KINDS
STIPEND_PER = ps.STIPEND_PER
#: One line per item for the input reference (wagebrief.analysis.costing_items has the detail).
COSTING_RULES = (
    "**Health-premium share** (`premium_share_pct`): the employer's cost changes by -(new share - share today) / 100 "
    "x the enrollee's premium, by the roster's `coverage_tier` (not prorated by fte; waived or blank: none). "
    "Premiums are not wages: no roll-up.",
    "**Employee pension contribution** (`pension_employee_pct`): the employer saves (new - today) / 100 of the "
    "scenario's pensionable pay. No roll-up.",
    "**Paid hours** (`hours_per_week`): the base rate's pay (raises included; longevity and lump sums not) times "
    "new / old hours. Pensionable.",
    "**Stipends and differentials** (`stipend`): dollars a year per full-time employee (times fte), or per paid "
    "hour (`per: hour`, hours a week x 52), for all titles or the listed `titles`. Pensionable when "
    "`rollup.stipends_pensionable`.",
    "**Added holidays** (`holidays_added`): with `holidays.cash` (round-the-clock work), hours_per_holiday x "
    "premium hourly rates each (hourly rate: annual base rate / (hours_per_week x 52)); otherwise no cash, shown "
    "as hours of paid time off. Pensionable when `holidays.pensionable`.",
    "**Longevity schedule** (`longevity_schedule`, flat longevity only): from its date, each eligible employee is "
    "paid the new schedule's amount for the years reached instead of the old one's (times fte); the difference is "
    "the item. Pensionable when `rollup.longevity_pensionable`.",
    "**Roll-up**: paid items (hours, stipends, holiday cash, longevity changes) carry Social Security up to the wage base, Medicare, "
    "and the `rollup.rates` where pensionable; premium shares and pension contributions carry none.",
    "**Retroactive pay** (`settled_on` after the term start): the cost earned before the settlement date (wage "
    "events and paid items, roll-up included) is owed, paid on `retro_paid_on` (default `settled_on`), in that "
    "date's fiscal year. Costs by fiscal year stay on the days the pay is earned.",
)
#: Weeks a year, to turn hours a week into hours a year (a 2,080-hour year at 40 hours).
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class Health:
    """Plan premiums by tier over time, and the employees' share today."""

    premiums: tuple[tuple[pd.Timestamp, dict[str, float]], ...]  #: (from date, tier -> annual premium), ascending
    employee_share_pct: float


@dataclass(frozen=True)
class Holidays:
    """Whether an added holiday costs cash (round-the-clock work: premium pay or backfill)."""

    cash: bool = False
    hours_per_holiday: float = 8.0
    premium: float = 1.5
    pensionable: bool = False


@dataclass(frozen=True)
class Items:
    """The file's non-wage settings, defaults filled in."""

    health: Health | None = None
    employee_pension_pct: float | None = None
    hours_per_week: float = 40.0
    holidays: Holidays = field(default_factory=Holidays)
    settled_on: pd.Timestamp | None = None
    retro_paid_on: pd.Timestamp | None = None


def read(data: dict[str, Any], where: str, term_start: pd.Timestamp, error: type[Exception]) -> Items:
    """The non-wage settings of a proposals file's ``data``; ``error`` names file and field."""
    keys = ("health", "employee_pension_pct", "hours_per_week", "holidays", "settled_on", "retro_paid_on")
    given = {k: data[k] for k in keys if k in data}
    try:
        m = ps.ItemSettings.model_validate(given)
    except ValidationError as exc:
        raise error(f"{where}: {problems(exc, ps.ItemSettings)[0]}") from None
    health = None
    if m.health is not None:
        first = {t: float(getattr(m.health.premiums, t)) for t in TIERS}
        rows = [(pd.Timestamp(dt.date.min.replace(year=1900)), first)]
        for c in sorted(m.health.premium_changes, key=lambda c: c.effective_date):
            rows.append((pd.Timestamp(c.effective_date), {t: float(getattr(c, t)) for t in TIERS}))
        health = Health(premiums=tuple(rows), employee_share_pct=m.health.employee_share_pct)
    h = m.holidays
    holidays = Holidays(cash=h.cash, hours_per_holiday=h.hours_per_holiday, premium=h.premium,
                        pensionable=h.pensionable) if h is not None else Holidays()
    settled = pd.Timestamp(m.settled_on) if m.settled_on else None
    paid = pd.Timestamp(m.retro_paid_on) if m.retro_paid_on else settled
    if paid is not None and settled is None:
        raise error(f"{where}: retro_paid_on: needs settled_on (the date the settlement was reached)")
    if settled is not None and paid < settled:
        raise error(f"{where}: retro_paid_on: {paid:%Y-%m-%d} is before settled_on {settled:%Y-%m-%d}")
    return Items(health=health, employee_pension_pct=m.employee_pension_pct, hours_per_week=m.hours_per_week,
                 holidays=holidays, settled_on=settled, retro_paid_on=paid)


def event_fields(e: dict[str, Any], kind: str, where: str, fld: str, items: Items,
                 error: type[Exception]) -> dict[str, Any]:
    """``value``, ``per`` and ``titles`` of one non-wage event, checked against the file's settings."""
    try:
        m = ps.Event.model_validate(e)
    except ValidationError as exc:
        raise error(f"{where}: {fld}.{problems(exc, ps.Event)[0]}") from None
    if kind == "premium_share_pct" and items.health is None:
        raise error(f"{where}: {fld}.premium_share_pct: needs a health: setting (premiums, employee_share_pct)")
    if kind == "pension_employee_pct" and items.employee_pension_pct is None:
        raise error(f"{where}: {fld}.pension_employee_pct: needs employee_pension_pct (today's percent)")
    if kind == "longevity_schedule":
        return {"value": 0.0, "schedule": tuple(sorted((int(y), float(a)) for y, a in m.longevity_schedule.items()))}
    return {"value": float(getattr(m, kind)), "per": m.per or ("year" if kind == "stipend" else None),
            "titles": tuple(m.titles or ())}


def check_longevity(scenarios: dict[str, Any], basis: str | None, where: str, error: type[Exception]) -> None:
    """A ``longevity_schedule`` event replaces a flat longevity schedule (a percent one is not costed yet)."""
    for name, s in scenarios.items():
        for i, e in enumerate(s.events):
            if e.kind == "longevity_schedule" and basis != "flat":
                why = "needs a longevity: setting" if basis is None else "needs longevity.basis flat (pct is not costed yet)"
                raise error(f"{where}: scenarios.{name}.events[{i}].longevity_schedule: {why}")
