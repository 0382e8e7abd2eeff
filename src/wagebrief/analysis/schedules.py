"""Which rows of a settlement the contract measures describe when its raises differ by group.

A contract whose raises differ by tier, title or step is ONE settlement with several
*schedules* (the record's ``schedule`` column; a blank schedule is a row for everyone). Measuring
such a contract over all its rows would compound two groups' raises of the same date into one
figure nobody is paid. So every contract measure (:mod:`wagebrief.analysis.metrics`) reads the
*headline* rows only: the every-schedule rows plus ONE measured schedule's.

The rule for the measured schedule: when the every-schedule rows hold a base increase and every
schedule's own raise is an addition to it (on a date everyone also gets a raise, or for some steps
only: an extra 1% at the top step), the every-schedule rows are the general wage increase BLS
measures: the figures describe everyone (:data:`EVERYONE`) and the schedules' raises are shown
apart. Otherwise (tiers with raises of their own on dates everyone else gets none) a schedule named exactly ``all`` if the settlement
has one, else the first schedule in file order (the lowest ``source_row`` among the settlement's rows that
name a schedule). No schedule covers everyone by definition (those rows leave schedule blank), so
the rule takes what the analyst entered first, which is usually the larger or the main group; the
brief names the measured schedule and the others beside every figure, so the choice is visible.

This module also adds the package columns to event frames that lack them (older processed files):
:func:`package_columns`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.inputs.settlements import TEXT

KEY = "settlement_id"
MEASURED = "measured_schedule"
#: The schedule name that, when a settlement has it, is always the one measured.
ALL_NAME = "all"
#: The measured "schedule" of a contract whose general increase is in its every-schedule rows.
EVERYONE = "everyone (the general increase)"
#: Events that raise base pay: when the every-schedule rows hold one, it is the general increase.
_BASE = ("gwi_pct", "gwi_flat")

#: The package columns (issue 16) and what a file without them holds instead.
_TEXT_COLUMNS = ("schedule", "period", "detail")
_FLOAT_COLUMNS = ("hours_before", "count", "hours_pct", "hours_per_week")


def package_columns(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with every package column present: a missing one added as NA (applies_to as
    ``all``, which is what a file written before the columns existed meant on every row)."""
    missing = [c for c in (*_TEXT_COLUMNS, *_FLOAT_COLUMNS, "applies_to", "source_date") if c not in events.columns]
    if not missing:
        return events
    out = events.copy(deep=False)
    n = len(out)
    for c in missing:
        if c in _TEXT_COLUMNS:
            out[c] = pd.Series(np.nan, index=out.index, dtype=TEXT)
        elif c == "applies_to":
            out[c] = pd.Series(["all"] * n, index=out.index, dtype=TEXT)
        elif c == "source_date":
            out[c] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        else:
            out[c] = np.nan
    if "hours_pct" in missing and "hours_before" in events.columns and "event" in out:
        # A frame with hours but no derived percent: the same arithmetic validation does.
        hc = out["event"].eq("hours_change")
        out["hours_pct"] = ((out["hours_per_week"] / out["hours_before"] - 1) * 100).where(hc)
    return out


def measured_schedules(events: pd.DataFrame) -> pd.Series:
    """Per settlement_id that has schedules, the schedule its contract measures describe (the
    rule is the module docstring's); settlements without schedules are absent."""
    if "schedule" not in events.columns:
        return pd.Series(dtype=object, name=MEASURED)
    named = events.loc[events["schedule"].notna(), [KEY, "schedule"]]
    if named.empty:
        return pd.Series(dtype=object, name=MEASURED)
    order = events.loc[named.index, "source_row"] if "source_row" in events.columns else pd.Series(
        np.arange(len(events)), index=events.index).loc[named.index]
    named = named.assign(_order=order.to_numpy(), _all=named["schedule"].eq(ALL_NAME).to_numpy())
    # "all" first, then file order: the first row per settlement is its measured schedule.
    named = named.sort_values([KEY, "_all", "_order"], ascending=[True, False, True], kind="stable")
    first = named.drop_duplicates(KEY)
    out = pd.Series(first["schedule"].astype(object).to_numpy(), index=first[KEY].to_numpy(), name=MEASURED)
    out[out.index.isin(_general_only(events))] = EVERYONE
    return out


def _general_only(events: pd.DataFrame) -> set:
    """Settlements whose schedules only add to a general increase of their every-schedule rows."""
    base = events[events["event"].isin(_BASE)]
    blank = base[base["schedule"].isna()]
    dates = set(zip(blank[KEY], blank["effective_date"]))
    named = base[base["schedule"].notna()]
    # A schedule's raise conflicts when it falls on a date the general rows leave bare and is not
    # for some steps only (a tier or title group with raises of its own).
    steps_only = named["applies_to"].isin(["top_step", "steps"]) if "applies_to" in named else False
    on_general = pd.Series([k in dates for k in zip(named[KEY], named["effective_date"])], index=named.index, dtype=bool)
    conflicting = set(named.loc[~(on_general | steps_only), KEY])
    return set(blank[KEY]) - conflicting


def headline(events: pd.DataFrame) -> pd.DataFrame:
    """The rows every contract measure reads: per settlement, its every-schedule rows plus the
    measured schedule's, with ``measured_schedule`` (NA where the settlement has no schedules)."""
    measured = measured_schedules(events)
    if measured.empty:
        if MEASURED in events.columns:
            return events
        return events.assign(**{MEASURED: pd.Series(np.nan, index=events.index, dtype=TEXT)})
    which = events[KEY].map(measured)
    blank = events["schedule"].isna().to_numpy()
    # Compared as text with distinct fillers, whatever NA the columns hold (NaN, None, pd.NA).
    named = events["schedule"].astype("string").fillna("\x00").to_numpy(dtype=object)
    keep = blank | (named == which.astype("string").fillna("\x01").to_numpy(dtype=object))
    out = events.loc[keep].copy()
    out[MEASURED] = which[keep].astype(TEXT)
    return out


def has_schedules(events: pd.DataFrame) -> bool:
    """True when some row names a schedule (the cheap test callers use to skip the work)."""
    return "schedule" in events.columns and bool(events["schedule"].notna().any())


def other_schedules(events: pd.DataFrame) -> pd.Series:
    """Per settlement with schedules, its schedules other than the measured one, in file order."""
    measured = measured_schedules(events)
    if measured.empty:
        return pd.Series(dtype=object)
    named = events.loc[events["schedule"].notna()]
    if "source_row" in named.columns:
        named = named.sort_values([KEY, "source_row"], kind="stable")
    out = {}
    for sid, grp in named.groupby(KEY, sort=True):
        names = list(dict.fromkeys(str(s) for s in grp["schedule"]))
        out[sid] = [n for n in names if n != measured.get(sid)]
    return pd.Series(out, dtype=object)


def schedule_frames(events: pd.DataFrame) -> pd.DataFrame:
    """Every schedule of every settlement as its own pseudo-settlement (the every-schedule rows
    repeated into each), keyed by ``settlement_id`` and ``schedule``: the input of the
    per-schedule contract measures. A settlement without schedules appears once, schedule NA."""
    events = package_columns(events)
    named = events.loc[events["schedule"].notna(), [KEY, "schedule"]]
    if "source_row" in events.columns:
        named = named.assign(_o=events.loc[named.index, "source_row"]).sort_values([KEY, "_o"], kind="stable")
    pairs = named[[KEY, "schedule"]].drop_duplicates()
    text = events["schedule"].astype("string").fillna("\x00")  # one NA whatever the column held
    plain = events[~events[KEY].isin(pairs[KEY])]
    parts = [plain.assign(_schedule=pd.Series(np.nan, index=plain.index, dtype=object))]
    for sid, sched in pairs.itertuples(index=False):
        rows = events[events[KEY].eq(sid) & (events["schedule"].isna() | text.eq(str(sched)))]
        parts.append(rows.assign(_schedule=str(sched)))
    return pd.concat(parts, ignore_index=True)
