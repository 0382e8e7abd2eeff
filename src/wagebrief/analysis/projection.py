"""Moving a salary schedule to another date: settled increases, then a forecast where contracts end.

A schedule effective on date *d* includes the increases effective on *d*. To move it to date
*t*, the comparator's base increases (``gwi_pct`` compounding, ``gwi_flat`` adding its dollars to
every step) effective in (*d*, min(*t*, end of its last known contract)] are applied as *known*.
After its last contract's ``term_end`` an increase is assumed on the day after and on each
anniversary up to *t*, at the :class:`Forecast` for that year; those cells are ``projected``.
Longevity dollars are not escalated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wagebrief.analysis import schedules
from wagebrief.inputs.proposals import Scenario

DAY = pd.Timedelta(days=1)


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
        """The year ``when`` falls in, named as ``basis`` names years."""
        if self.basis == "fiscal" and self.fy_start_month != 1:
            return when.year + (1 if when.month >= self.fy_start_month else 0)
        return when.year

    def rate(self, jurisdiction: str, when: pd.Timestamp) -> float | None:
        """The forecast percent for an increase on ``when`` (None when there are no rates)."""
        if not self.rates:
            return None
        y = self.year_of(pd.Timestamp(when))
        if y in self.rates:
            return float(self.rates[y])
        years = sorted(self.rates)
        return float(self.rates[years[-1]] if y > years[-1] else self.rates[years[0]])

    @classmethod
    def constant(cls, pct: float, label: str | None = None, method: str = "given") -> Forecast:
        """The same ``pct`` every year."""
        return cls({0: float(pct)}, label or f"forecast given as {pct:.2f}% a year", method)


def known_through(events: pd.DataFrame) -> pd.Timestamp | None:
    """The last ``term_end`` among ``events`` (any event type), or None."""
    if events is None or events.empty:
        return None
    return pd.Timestamp(events["term_end"].max())


STEP_COLUMNS = ["date", "kind", "pct", "amount", "projected"]
Step = tuple[pd.Timestamp, str, float, float, bool]  #: one row of STEP_COLUMNS


def increase_steps(events: pd.DataFrame, since: pd.Timestamp, to: pd.Timestamp,
                   forecast: Forecast | None = None, jurisdiction: str = "",
                   through: pd.Timestamp | None = None) -> tuple[pd.DataFrame, bool]:
    """The base increases effective in (``since``, ``to``], known then forecast.

    ``events``: one comparator's settlement rows (all types; base increases are picked out).
    ``through``: the end of its last known contract (default: the last ``term_end`` of
    ``events``). Returns (steps, complete): steps have ``date, kind ('pct' | 'flat'), pct,
    amount, projected``; ``complete`` is False when a forecast was needed but none was given.
    """
    rows, complete = _increase_rows(events, since, to, forecast, jurisdiction, through)
    steps = pd.DataFrame(rows, columns=STEP_COLUMNS)
    return steps.sort_values("date", kind="stable").reset_index(drop=True), complete


def _increase_rows(events: pd.DataFrame, since: pd.Timestamp, to: pd.Timestamp, forecast: Forecast | None,
                   jurisdiction: str, through: pd.Timestamp | None) -> tuple[list[Step], bool]:
    """:func:`increase_steps` as a list of steps, already in date order (the known ones end by
    ``through``, the forecast ones start after it): a schedule is moved many times per brief, and
    a frame per move is most of its cost."""
    since, to = pd.Timestamp(since), pd.Timestamp(to)
    through = known_through(events) if through is None else pd.Timestamp(through)
    rows: list[Step] = []
    if events is not None and len(events) and through is not None:
        # A contract with schedules moves a comparator's pay by its headline schedule only.
        if schedules.has_schedules(events):
            events = schedules.headline(events)
        hi = min(to, through)
        # A flat raise adds its dollars a year (an hourly one annualised with the row's hours;
        # unknown without them, so the projection it reaches is unknown, never a guess).
        dollars = "annual_amount" if "annual_amount" in events.columns else "amount"
        # Only the columns read, taken before the rows are picked: picking rows copies every column,
        # and a settlement table's many text columns are the slow part.
        few = events[["effective_date", "event", "base_pct", dollars]]
        eff = few["effective_date"]
        hit = few[few["event"].isin(("gwi_pct", "gwi_flat")) & (eff > since) & (eff <= hi)].sort_values(
            "effective_date", kind="stable")
        for r in hit.itertuples(index=False):
            flat = r.event == "gwi_flat"
            rows.append((pd.Timestamp(r.effective_date), "flat" if flat else "pct", float(r.base_pct),
                         float(r[3]) if flat else float("nan"), False))
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
            rows.append((pd.Timestamp(when), "pct", float(r), float("nan"), True))
    return rows, complete


def _apply(value: float, steps, flat_as: str = "dollars") -> float:
    for kind, pct, amount in steps:
        if kind == "flat" and flat_as == "dollars":
            value = value + amount
        else:
            value = value * (1 + pct / 100)
    return value


def apply_steps(value: float, steps: pd.DataFrame, flat_as: str = "dollars") -> float:
    """``value`` after ``steps``: percents compound; a flat raise adds its dollars (or, with
    ``flat_as="pct"``, compounds its percent of the reference salary, for an index of 1)."""
    if steps.empty:
        return value
    return _apply(value, zip(steps["kind"].tolist(), steps["pct"].tolist(), steps["amount"].tolist()), flat_as)


def _describe_rows(steps) -> str:
    parts = []
    for date, kind, pct, amount, projected in steps:
        what = f"+${amount:,.0f}" if kind == "flat" else f"{pct:+.2f}%"
        parts.append(f"{date:%Y-%m-%d} {what}{' (forecast)' if projected else ''}")
    return "; ".join(parts)


def _describe(steps: pd.DataFrame) -> str:
    if steps.empty:
        return ""
    return _describe_rows(zip(*(steps[c].tolist() for c in STEP_COLUMNS)))


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
    steps, complete = _increase_rows(events, since, to, forecast, str(row.get("jurisdiction", "")), thr)
    known = [(k, p, a) for _, k, p, a, projected in steps if not projected]
    fc = [(k, p, a) for _, k, p, a, projected in steps if projected]
    top0 = float(row["max_salary"])
    top_known = _apply(top0, known)
    top_all = _apply(top_known, fc)
    out["min_salary"] = _apply(float(row["min_salary"]), [(k, p, a) for _, k, p, a, _ in steps]) if complete else float("nan")
    out["max_salary"] = top_all if complete else float("nan")
    out["known_pct"] = (top_known / top0 - 1) * 100
    out["forecast_pct"] = (top_all / top_known - 1) * 100 if complete else float("nan")
    out["adjusted"] = bool(len(known))
    out["projected"] = bool(len(fc)) or not complete
    out["available"] = complete
    out["increases"] = _describe_rows(steps) + ("" if complete else "; then no forecast available")
    return out


def scenario_steps(scenario: Scenario) -> pd.DataFrame:
    """A scenario's base-wage increases as steps (``date, kind, pct, amount, projected``).

    Percents compound; a flat raise adds its dollars to every step. Lump sums and step movement
    do not change a schedule's entry or top rate, so they are not part of it.
    """
    rows = [{"date": pd.Timestamp(d), "kind": k, "pct": v if k == "pct" else float("nan"),
             "amount": v if k == "flat" else float("nan"), "projected": False} for d, k, v in scenario.increases]
    return pd.DataFrame(rows, columns=["date", "kind", "pct", "amount", "projected"]).sort_values("date", kind="stable")


def describe_increases(scenario: Scenario) -> str:
    """A scenario's base-wage increases as the projection tables list them: "2027-07-01 2.00%, ..."."""
    return ", ".join(f"{d:%Y-%m-%d} " + (f"+${v:,.0f}" if k == "flat" else f"{v:.2f}%")
                     for d, k, v in scenario.increases) or "no base increase"
