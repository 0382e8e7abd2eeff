"""What a settlement record is: its columns, their vocabularies and documentation, and the
file/row/column/message frame every problem with a row is reported in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

COLUMNS = [
    "settlement_id", "jurisdiction", "state", "jurisdiction_type", "unit", "union",
    "occupation_group", "settlement_type", "ratified_date", "term_start", "term_end",
    "effective_date", "event", "pct", "amount", "reference_salary", "employees", "source",
    "source_url", "notes",
]
#: Columns a file may leave out (older files have none of them); a missing one reads as blank.
OPTIONAL_COLUMNS = ["amount_per", "hours_per_week", "applies_to", "schedule", "hours_before", "count", "period",
                    "detail", "source_date"]
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
REQUIRED_TEXT = ["settlement_id", "jurisdiction", "state", "unit", "source"]
OPTIONAL_TEXT = ["union", "source_url", "notes", "schedule", "period", "detail"]
DATE_COLUMNS = ["ratified_date", "term_start", "term_end", "effective_date", "source_date"]
REQUIRED_DATES = ["term_start", "term_end", "effective_date"]
NUMBER_COLUMNS = ["pct", "amount", "reference_salary", "employees", "hours_per_week", "hours_before", "count"]
#: Money columns may carry a unit word ("0.75/hour", "$28.50 an hour", "$1,000 per year").
MONEY_COLUMNS = ["amount", "reference_salary"]
#: Paid weeks a year: an hourly figure times hours_per_week times this is its annual value.
WEEKS_PER_YEAR = 52

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "jurisdiction_type": ("state", "county", "municipal", "school_district", "authority"),
    "occupation_group": (
        "general", "clerical", "public_works", "police", "fire", "corrections", "nursing",
        "teachers", "professional", "supervisory",
    ),
    "settlement_type": ("voluntary", "arbitration_award", "fact_finding", "imposed"),
    "event": (
        "gwi_pct", "gwi_flat", "lump_sum", "step", "freeze", "hours_change", "premium_share", "health_plan",
        "pension_contribution", "stipend", "step_change", "longevity", "holidays", "reopener", "official_cost",
        "retro_pay", "stated_total", "parity", "other",
    ),
    "amount_per": ("year", "hour"),
    "applies_to": ("all", "top_step", "steps", "tier", "titles"),
}
#: Vocabulary columns that may be blank (the rest are required); a blank applies_to reads as "all".
OPTIONAL_VOCABULARIES = ("amount_per", "applies_to")

#: Every column's documentation: (type, "required" or "optional", description). The input
#: reference page (docs/inputs.md) is generated from this, so it cannot drift from the reader.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "settlement_id": ("text", "required", "Identifies one contract; every row (wage event) of the contract carries the same id."),
    "jurisdiction": ("text", "required", "The employer, as comparator lists in unit files name it (e.g. `Town of Glastonbury`)."),
    "state": ("two-letter code", "required", "The employer's state (`CT`)."),
    "jurisdiction_type": ("vocabulary", "required", "What kind of government the employer is."),
    "unit": ("text", "required", "The bargaining unit (e.g. `Public Works`)."),
    "union": ("text", "optional", "The union or local."),
    "occupation_group": ("vocabulary", "required", "The unit's occupation group."),
    "settlement_type": ("vocabulary", "required", "How the contract was reached."),
    "ratified_date": ("date", "optional", "When the last party approved it. A date after term_start makes the contract retroactive (`retro_months`); a lump_sum paid on this date (a signing bonus) may fall before term_start."),
    "term_start": ("date", "required", "First day of the contract term; the same on every row of the contract."),
    "term_end": ("date", "required", "Last day of the term (e.g. 2027-06-30); the same on every row of the contract."),
    "effective_date": ("date", "required", "When this event takes effect; inside the term; a lump_sum may also fall on ratified_date, a retro_pay any time from term_start (retro is often paid after the term ends), an official_cost on any date (when it was stated)."),
    "event": ("vocabulary", "required", "Wages: gwi_pct: general wage increase in percent (pct); gwi_flat: flat raise in dollars (amount, reference_salary if stated); lump_sum: one-time payment (pct or amount), never added to base; step: a step movement; freeze: no increase; hours_change: paid hours a week change (hours_before and hours_per_week, both more than 0 and different), not a general increase. Package terms: premium_share: employee share of the health premium (pct, 0-100); health_plan: a plan design change (detail); pension_contribution: employee pension contribution, percent of pay (pct, 0-100); stipend: a stipend or differential (amount or pct, and detail); step_change: steps added or removed (count, a non-zero whole number); longevity: a longevity pay change (detail; amount or pct if stated); holidays: holidays added (count, a non-zero whole number; negative for holidays given up); reopener: the wages of the year from effective_date are bargained again (no pct or amount: unknown, not 0); official_cost: a cost figure as the source reports it (amount, more than 0; period, detail); retro_pay: how retroactive pay was paid (detail; amount if stated); stated_total: a headline total the source states for the raises (pct; detail the quote); parity: a parity or me-too clause (detail); other: any other package term in words (detail)."),
    "pct": ("percent", "optional", "Percent units: 2.5, 2.5% or an Excel percent cell all mean 2.5%. Required for gwi_pct, premium_share, pension_contribution and stated_total; within -15 to 25 except a premium_share or pension_contribution (0 to 100). A plain number between -0.25 and 0.25 (0.025) is read as typed (0.025%) and warned about."),
    "amount": ("dollars", "optional", "Required for gwi_flat (a lump_sum needs pct or amount). May carry a unit word: `0.75/hour`, `$1,000 per year`; else `amount_per` says, else per year."),
    "reference_salary": ("dollars", "optional", "The salary or rate a flat raise is added to (the rate just before the event, as given, never re-based), and what a lump sum is expressed against. Without it a flat raise's percent, and a dollar lump sum's percent, are unknown (not zero). Same unit words as amount."),
    "employees": ("whole number", "optional", "Employees covered; weights the employee-weighted mean."),
    "source": ("text", "required", "Where the figures come from (publisher, title, date); synthetic rows say SYNTHETIC."),
    "source_url": ("text", "optional", "The source's address."),
    "notes": ("text", "optional", "Anything the columns cannot hold, and every assumption made in typing the row."),
    "amount_per": ("vocabulary", "optional", "Whether amount is per year (default) or per hour; a unit word in the cell says the same, and a conflicting one is an error. reference_salary is annual unless its own cell says per hour (`28.50/hour`)."),
    "hours_per_week": ("number", "optional", "Paid hours a week; converts between an hourly and an annual figure (hours x 52 a year). On an hours_change row, the new hours."),
    "applies_to": ("vocabulary", "optional", "Who the row applies to; blank reads as `all`. Any other value needs a schedule naming the group."),
    "schedule": ("text", "optional", "The group a row applies to when raises differ by tier, title or step (`hired before 2012`, `Sergeants`, `top step`); blank rows belong to every schedule. Needs applies_to other than all."),
    "hours_before": ("number", "optional", "On an hours_change row, the paid hours a week before the change (37.5 when hours go from 37.5 to 40)."),
    "count": ("whole number", "optional", "How many: steps added (+1) or removed (-1) on a step_change row, holidays added (negative: given up) on a holidays row."),
    "period": ("text", "optional", "What an official_cost covers in time, as the source says (`term`, `first year`, `FY2024`, `annual`)."),
    "detail": ("text", "optional", "The term in words, as the source says: who gets a stipend and for what, the plan change, the holiday, the stated quote. Required for health_plan, stipend, longevity, retro_pay, parity and other."),
    "source_date": ("date", "optional", "The source's publication date, when known."),
}
BASE_EVENTS = ("gwi_pct", "gwi_flat")
PCT_RANGE = (-15.0, 25.0)
#: Events whose pct is a share (of the premium, of pay) rather than a raise: range-checked 0-100.
SHARE_EVENTS = ("premium_share", "pension_contribution")
SHARE_RANGE = (0.0, 100.0)

FILE_COL, ROW_COL, FIELDS_COL, SID_COL = "_file", "_row", "_fields", "_sid"


class SettlementFileError(ValueError):
    """A settlement file that cannot be read at all (missing column, unreadable bytes)."""


#: Typed text columns use pandas' Arrow-backed string dtype.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def with_optional(df: pd.DataFrame) -> pd.DataFrame:
    """Add each optional column the file leaves out, as blank cells."""
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            df[col] = pd.Categorical([""] * len(df))
    return df


def row_errors(raw: pd.DataFrame, mask: pd.Series, column: str, message) -> pd.DataFrame:
    """One problem row (index, file, row, column, message) per row of ``raw`` in ``mask``; ``message``
    is the text, or a function of the row's record giving it."""
    rows = raw.loc[mask]
    msgs = [message(r) for r in rows.to_dict("records")] if callable(message) else [message] * len(rows)
    return pd.DataFrame({"index": rows.index, FILE_COL: rows[FILE_COL].to_numpy(), ROW_COL: rows[ROW_COL].to_numpy(), "column": column, "message": msgs})


def concat_errors(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Problem frames stacked; an empty problem frame when there are none."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["index", FILE_COL, ROW_COL, "column", "message"])
    return pd.concat(frames, ignore_index=True)
