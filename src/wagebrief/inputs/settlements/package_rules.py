"""The rules of a settlement's package terms: which value columns each event kind needs, the pct
range each kind allows, and who a row applies to (applies_to and schedule).

Each rule is a :data:`RULES`-style entry, name -> (column reported, check, message): the check
takes the typed frame and is True where a row is fine; the message is a template formatted with
the typed row, or a function of the typed row and the raw row (to quote a cell as typed).
"""

from __future__ import annotations

import pandas as pd

from wagebrief.inputs.settlements.record import PCT_RANGE, SHARE_EVENTS, SHARE_RANGE
from wagebrief.inputs.textsafe import quote

#: Events that must say in words what they are (the source's own description).
DETAIL_EVENTS: dict[str, str] = {
    "health_plan": "the plan design change",
    "stipend": "who gets it and for what",
    "longevity": "what changed",
    "retro_pay": "how retroactive pay was paid",
    "parity": "the units and what the clause says",
    "other": "the term in words",
}
#: Events that need a pct, and what it is.
PCT_EVENTS: dict[str, str] = {
    "premium_share": "the employee's share of the health premium, 0-100",
    "pension_contribution": "the employee's contribution, percent of pay, 0-100",
    "stated_total": "the total the source states",
}
#: applies_to values that name a group, so need the group's name in schedule.
GROUP_APPLIES = ("top_step", "steps", "tier", "titles")


def _typed_cell(raw: dict, col: str) -> str:
    return quote(str(raw[col]).strip())


def _pct_range_ok(d: pd.DataFrame) -> pd.Series:
    # A share (of a premium, of pay) is 0-100; every other pct is a raise or a total of raises.
    share = d.event.isin(SHARE_EVENTS)
    lo = share.map({True: SHARE_RANGE[0], False: PCT_RANGE[0]}).astype(float)
    hi = share.map({True: SHARE_RANGE[1], False: PCT_RANGE[1]}).astype(float)
    return d.pct.isna() | ((d.pct >= lo) & (d.pct <= hi))


def _pct_range_message(t: dict, raw: dict) -> str:
    lo, hi = SHARE_RANGE if t["event"] in SHARE_EVENTS else PCT_RANGE
    kind = f" for a {t['event']}" if t["event"] in SHARE_EVENTS else ""
    return f"pct {_typed_cell(raw, 'pct')} must be within [{lo:g}, {hi:g}]{kind}"


def _needs(d: pd.DataFrame, events, col: str) -> pd.Series:
    return ~(d.event.isin(list(events)) & d[col].isna())


def _group_without_schedule(d: pd.DataFrame) -> pd.Series:
    return ~(d.applies_to.isin(GROUP_APPLIES) & d.schedule.isna())


def _schedule_without_group(d: pd.DataFrame) -> pd.Series:
    # An unknown applies_to word is reported by its vocabulary check, not again here.
    return ~(d.schedule.notna() & (d.applies_to.isna() | d.applies_to.eq("all")))


def _hours_differ(d: pd.DataFrame) -> pd.Series:
    return ~(d.event.eq("hours_change") & d.hours_before.notna() & d.hours_per_week.eq(d.hours_before))


def _count_ok(d: pd.DataFrame) -> pd.Series:
    c = d["count"]  # d.count is DataFrame.count
    step = d.event.eq("step_change") & (c.isna() | c.eq(0))
    return ~(d.event.isin(["step_change", "holidays"]) & (c.isna() | c.eq(0)))


def _count_message(t: dict, raw: dict) -> str:
    if t["event"] == "step_change":
        return "a step_change event needs a non-zero whole count (+1 for a step added, -1 for one removed)"
    return "a holidays event needs a non-zero whole count (holidays added; negative for holidays given up)"


def _official_cost_ok(d: pd.DataFrame) -> pd.Series:
    return ~(d.event.eq("official_cost") & ~(d.amount > 0))


RULES: dict[str, tuple[str, object, str]] = {
    "pct_range": ("pct", _pct_range_ok, _pct_range_message),
    "package_needs_pct": ("pct", lambda d: _needs(d, PCT_EVENTS, "pct"),
                          lambda t, r: f"a {t['event']} event needs a pct ({PCT_EVENTS[t['event']]})"),
    "package_needs_detail": ("detail", lambda d: _needs(d, DETAIL_EVENTS, "detail"),
                             lambda t, r: f"a {t['event']} event needs detail ({DETAIL_EVENTS[t['event']]}, as the source says)"),
    "hours_change_needs_hours_before": ("hours_before", lambda d: _needs(d, ["hours_change"], "hours_before"),
                                        "an hours_change event needs hours_before (the paid hours a week before the change)"),
    "hours_change_needs_hours_per_week": ("hours_per_week", lambda d: _needs(d, ["hours_change"], "hours_per_week"),
                                          "an hours_change event needs hours_per_week (the paid hours a week after the change)"),
    "hours_change_changes": ("hours_per_week", _hours_differ,
                             "hours_per_week {hours_per_week:g} is the same as hours_before: an hours_change must change the hours"),
    "stipend_needs_value": ("amount", lambda d: ~(d.event.eq("stipend") & d.pct.isna() & d.amount.isna()),
                            "a stipend event needs an amount in dollars or a pct of pay"),
    "count_needed": ("count", _count_ok, _count_message),
    "official_cost_needs_amount": ("amount", _official_cost_ok, "an official_cost event needs an amount in dollars, more than 0"),
    "reopener_no_pct": ("pct", lambda d: ~(d.event.eq("reopener") & d.pct.notna()),
                        "a reopener carries no pct: the reopened year's raise is unknown, not 0 (leave pct blank)"),
    "reopener_no_amount": ("amount", lambda d: ~(d.event.eq("reopener") & d.amount.notna()),
                           "a reopener carries no amount: the reopened year's raise is unknown, not 0 (leave amount blank)"),
    "applies_to_needs_schedule": ("schedule", _group_without_schedule,
                                  "applies_to {applies_to} needs a schedule (the group's name, e.g. 'hired before 2012', 'Sergeants')"),
    "schedule_needs_applies_to": ("applies_to", _schedule_without_group, "schedule needs applies_to: top_step, steps, tier or titles"),
}
