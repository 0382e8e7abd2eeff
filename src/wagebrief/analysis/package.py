"""The package terms of a settlement beyond base wages: one pure function per measure.

Every function reads the valid events frame (the shape :mod:`wagebrief.analysis.metrics` reads,
with the package columns of issue 16; a frame without them is read as having no package terms,
see :func:`wagebrief.analysis.schedules.package_columns`) and returns a frame a reader can check
by hand against the rows. Nothing here is added to the base-wage measures: an hours change raises
pay by ``hours_pct`` but is never a general wage increase, and an official cost is the source's
figure, kept apart from wagebrief's own costing.

Conventions
-----------
* A share or contribution (``premium_share``, ``pension_contribution``) is a level from its
  effective_date on. Its change over a term is the last stated value in the term minus the first,
  in percentage points. The level before the contract is unknown unless a row states it, so a term
  that states one value has no known change (NaN), not a change of 0.
* Levels are read on the headline schedule (:func:`wagebrief.analysis.schedules.headline`), like
  the wage measures; the term-by-term table (:func:`package_table`) lists every schedule's terms.
* A reopener's effect on the wage measures is :mod:`wagebrief.analysis.metrics`' (unknown from the
  reopened year on); here it is listed as a term with its year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.analysis import metrics, schedules
from wagebrief.config import DEFAULT_FY_START_MONTH

KEY = "settlement_id"

#: The package-term events (not base wages), in the order a table lists them.
PACKAGE_EVENTS = ("premium_share", "health_plan", "pension_contribution", "hours_change", "stipend", "step_change",
                  "longevity", "holidays", "reopener", "retro_pay", "official_cost", "stated_total", "parity", "other")
#: Levels that hold from their date on, in percent.
LEVEL_EVENTS = ("premium_share", "pension_contribution")

PACKAGE_TABLE_COLUMNS = [KEY, "jurisdiction", "occupation_group", "unit", "term_start", "term_end", "term",
                         "effective_date", "pct", "amount", "amount_per", "count", "hours_before", "hours_per_week",
                         "hours_pct", "period", "detail", "schedule", "source", "source_url"]


def _terms(events: pd.DataFrame, kinds: tuple[str, ...] | str, headline: bool = False) -> pd.DataFrame:
    """The rows of ``kinds`` with every package column present, in settlement and date order."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    ev = schedules.package_columns(events)
    # The headline is picked over all the settlement's rows, so a level is read on the same
    # schedule as the wages, not on the first schedule among that term's rows.
    if headline and schedules.has_schedules(ev):
        ev = schedules.headline(ev)
    ev = ev.loc[ev["event"].isin(kinds)]
    order = [KEY, "effective_date"] + (["source_row"] if "source_row" in ev.columns else [])
    return ev.sort_values(order, kind="stable")


def levels(events: pd.DataFrame, kind: str = "premium_share") -> pd.DataFrame:
    """Each stated level of ``kind`` (premium_share or pension_contribution) on the headline
    schedule: settlement_id, jurisdiction, effective_date, pct, detail, in the term only."""
    if kind not in LEVEL_EVENTS:
        raise ValueError(f"kind must be one of {LEVEL_EVENTS}, not {kind!r}")
    t = _terms(events, kind, headline=True)
    in_term = (t["effective_date"] >= t["term_start"]) & (t["effective_date"] <= t["term_end"])
    cols = [KEY, "jurisdiction", "occupation_group", "unit", "term_start", "effective_date", "pct", "detail"]
    return t.loc[in_term, cols].reset_index(drop=True)


def level_change(events: pd.DataFrame, kind: str = "premium_share") -> pd.DataFrame:
    """Per settlement stating ``kind``: first and last stated value in the term, their dates,
    how many values, and ``change_pts`` = last - first (NaN with one value: the level before
    the contract is unknown unless a row states it)."""
    lv = levels(events, kind)
    cols = [KEY, "jurisdiction", "occupation_group", "unit", "term_start", "first_date", "first_pct", "last_date",
            "last_pct", "n_values", "change_pts"]
    if lv.empty:
        return pd.DataFrame(columns=cols)
    g = lv.groupby(KEY, sort=True)
    out = g[["jurisdiction", "occupation_group", "unit", "term_start"]].first()
    out["first_date"], out["first_pct"] = g["effective_date"].first(), g["pct"].first()
    out["last_date"], out["last_pct"] = g["effective_date"].last(), g["pct"].last()
    out["n_values"] = g.size().astype("int64")
    out["change_pts"] = (out["last_pct"] - out["first_pct"]).where(out["n_values"] > 1)
    return out.reset_index()[cols]


def premium_share_change(events: pd.DataFrame) -> pd.DataFrame:
    """:func:`level_change` of the employee health-premium share (percentage points)."""
    return level_change(events, "premium_share")


def pension_change(events: pd.DataFrame) -> pd.DataFrame:
    """:func:`level_change` of the employee pension contribution (percentage points of pay)."""
    return level_change(events, "pension_contribution")


def hours_changes(events: pd.DataFrame) -> pd.DataFrame:
    """Each hours change: hours_before -> hours_per_week and ``hours_pct``, the pay it adds in
    percent ((new / old - 1) x 100), which is never part of base_pct or the BLS measures."""
    t = _terms(events, "hours_change", headline=True)
    pct = (t["hours_per_week"] / t["hours_before"] - 1) * 100
    t = t.assign(hours_pct=t["hours_pct"].where(t["hours_pct"].notna(), pct))
    return t[[KEY, "jurisdiction", "effective_date", "hours_before", "hours_per_week", "hours_pct", "detail",
              "schedule"]].reset_index(drop=True)


def stipends(events: pd.DataFrame) -> pd.DataFrame:
    """Each stipend or differential: amount per year or hour, or pct of pay, and who (detail)."""
    t = _terms(events, "stipend")
    return t[[KEY, "jurisdiction", "effective_date", "amount", "amount_per", "pct", "detail", "applies_to",
              "schedule"]].reset_index(drop=True)


def step_changes(events: pd.DataFrame) -> pd.DataFrame:
    """Per settlement, the steps added (+) or removed (-) from the schedule: the sum of count."""
    return _count_sum(events, "step_change", "steps_changed")


def holidays_added(events: pd.DataFrame) -> pd.DataFrame:
    """Per settlement, the holidays added (the sum of count) and which (details, joined)."""
    return _count_sum(events, "holidays", "holidays_added")


def _count_sum(events: pd.DataFrame, kind: str, name: str) -> pd.DataFrame:
    t = _terms(events, kind)
    if t.empty:
        return pd.DataFrame(columns=[KEY, "jurisdiction", name, "detail"])
    g = t.groupby(KEY, sort=True)
    # min_count: a count the source leaves unstated is unknown, not 0.
    out = pd.DataFrame({"jurisdiction": g["jurisdiction"].first(),
                        name: g["count"].sum(min_count=1).where(g["count"].count() == g.size()),
                        "detail": g["detail"].agg(_joined)})
    return out.reset_index()


def _joined(details: pd.Series) -> str:
    return "; ".join(dict.fromkeys(str(d) for d in details.dropna()))


def longevity(events: pd.DataFrame) -> pd.DataFrame:
    """Each longevity change: amount or pct if stated, and what changed (detail)."""
    t = _terms(events, "longevity")
    return t[[KEY, "jurisdiction", "effective_date", "amount", "amount_per", "pct", "detail"]].reset_index(drop=True)


def reopeners(events: pd.DataFrame) -> pd.DataFrame:
    """Each reopener: the first day of the contract year whose wages are bargained again."""
    t = _terms(events, "reopener")
    return t[[KEY, "jurisdiction", "effective_date", "detail"]].rename(
        columns={"effective_date": "reopened_from"}).reset_index(drop=True)


def official_costs(events: pd.DataFrame) -> pd.DataFrame:
    """Each cost figure a source reports (amount, period, what it covers and who said it), as cited."""
    t = _terms(events, "official_cost")
    return t[[KEY, "jurisdiction", "effective_date", "amount", "period", "detail", "source",
              "source_url"]].reset_index(drop=True)


def retro(events: pd.DataFrame) -> pd.DataFrame:
    """Per settlement: ``retro_months`` (:func:`wagebrief.analysis.metrics.retro_months`, from
    the dates) and how retro pay was paid (``retro_paid``: the retro_pay rows' details, joined;
    NA where no row says), with ``retro_amount`` when a row states it."""
    ev = schedules.package_columns(events)
    cols = [KEY, "jurisdiction", "term_start", "ratified_date", "retro_months", "retro_paid", "retro_amount"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    g = ev.groupby(KEY, sort=True)
    head = g[["jurisdiction", "term_start"]].first()
    head["ratified_date"] = g["ratified_date"].max() if "ratified_date" in ev else pd.NaT
    head["retro_months"] = metrics.retro_months(head)
    paid = ev.loc[ev["event"].eq("retro_pay")].groupby(KEY, sort=True)
    head["retro_paid"] = paid["detail"].agg(_joined).reindex(head.index)
    head["retro_amount"] = paid["amount"].sum(min_count=1).reindex(head.index)
    head["retro_paid"] = head["retro_paid"].where(head["retro_paid"].fillna("").ne(""))
    return head.reset_index()[cols]


def package_table(events: pd.DataFrame) -> pd.DataFrame:
    """Per settlement, one row per package term (every schedule's): jurisdiction, term (the
    event kind), effective date, the value's columns as given (the brief formats them), detail,
    schedule, source and source_url; settlements in id order, terms in :data:`PACKAGE_EVENTS` order."""
    t = _terms(events, PACKAGE_EVENTS)
    if t.empty:
        return pd.DataFrame(columns=PACKAGE_TABLE_COLUMNS)
    order = {k: i for i, k in enumerate(PACKAGE_EVENTS)}
    t = t.assign(term=t["event"], _k=t["event"].map(order))
    t = t.sort_values([KEY, "_k", "effective_date"], kind="stable")
    return t[PACKAGE_TABLE_COLUMNS].reset_index(drop=True)


def has_package_terms(events: pd.DataFrame) -> bool:
    """True when some row is a package term (the brief shows its package tables only then)."""
    return bool(len(events)) and bool(events["event"].isin(PACKAGE_EVENTS).any())


def package_measures(events: pd.DataFrame) -> pd.DataFrame:
    """One row per settlement with the package measures side by side: premium share and pension
    change (points), hours_pct (the changes compounded), stipends, steps, holidays, the first
    reopened year, official costs stated, retro months and how retro was paid."""
    ev = schedules.package_columns(events)
    ids = pd.Index(sorted(ev[KEY].unique()), name=KEY)
    out = pd.DataFrame(index=ids)
    for kind, name in (("premium_share", "premium_share"), ("pension_contribution", "pension")):
        ch = level_change(ev, kind).set_index(KEY)
        out[f"{name}_last_pct"] = ch["last_pct"].reindex(ids)
        out[f"{name}_change_pts"] = ch["change_pts"].reindex(ids)
    hrs = hours_changes(ev)
    out["hours_pct"] = ((1 + hrs["hours_pct"] / 100).groupby(hrs[KEY]).prod(min_count=1) - 1).mul(100).reindex(ids)
    out["stipends"] = stipends(ev).groupby(KEY).size().reindex(ids, fill_value=0).astype("int64")
    out["steps_changed"] = step_changes(ev).set_index(KEY)["steps_changed"].reindex(ids)
    out["holidays_added"] = holidays_added(ev).set_index(KEY)["holidays_added"].reindex(ids)
    out["reopened_from"] = reopeners(ev).groupby(KEY)["reopened_from"].min().reindex(ids)
    out["official_costs"] = official_costs(ev).groupby(KEY).size().reindex(ids, fill_value=0).astype("int64")
    r = retro(ev).set_index(KEY)
    out["retro_months"], out["retro_paid"] = r["retro_months"].reindex(ids), r["retro_paid"].reindex(ids)
    return out.reset_index()


def by_schedule(events: pd.DataFrame, fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """Contract metrics per schedule, for display: one row per (settlement_id, schedule) with
    :func:`wagebrief.analysis.metrics.contract_metrics`' measures over that schedule's rows and
    the every-schedule rows; ``measured`` marks the headline schedule. A settlement without
    schedules has one row, schedule NA, measured True.

    It lives here, not in :mod:`wagebrief.analysis.schedules`, because metrics reads that module
    (the headline) and the package's modules import each other in one direction only."""
    frames = schedules.schedule_frames(events)
    if frames.empty:
        return pd.DataFrame(columns=[*metrics.METRIC_COLUMNS, "schedule", "measured"])
    sep = "\x1f"  # a character no settlement_id holds: the pseudo-id splits back exactly
    named = frames["_schedule"].notna()
    pseudo = frames[KEY].astype(str).where(~named, frames[KEY].astype(str) + sep + frames["_schedule"].astype(str))
    # Each pseudo-settlement is one schedule already: no headline to pick in it.
    frames = frames.assign(**{KEY: pseudo, "schedule": pd.Series(np.nan, index=frames.index, dtype=object)})
    m = metrics.contract_metrics(frames.drop(columns="_schedule"), fy_start_month)
    parts = m[KEY].str.split(sep, n=1, expand=True)
    m[KEY] = parts[0]
    m["schedule"] = parts[1] if parts.shape[1] > 1 else np.nan
    measured = schedules.measured_schedules(events)
    m["measured"] = m["schedule"].isna() | m["schedule"].eq(m[KEY].map(measured))
    return m
