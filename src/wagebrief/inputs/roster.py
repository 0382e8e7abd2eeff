"""Payroll rosters: ``data/raw/units/<unit>/roster.csv``, read as typed and validated.

A roster is the unit's payroll on one date (the proposals file's ``roster_as_of``), one row per
employee: ``employee_id, title, step, hire_date, annual_base_salary, fte`` and, where longevity
applies, ``longevity_eligible``. ``annual_base_salary`` is the full-time annual rate of the
employee's title and step; the employee is paid that rate times ``fte``. No names are needed, and
nothing here ever writes an id or a salary into a report.

Every cell is read as the text the analyst typed and parsed with the same helpers as settlement
files (:func:`wagebrief.inputs.settlements.parse_number`, :func:`~wagebrief.inputs.settlements.parse_date`).
A bad row is never dropped: :func:`validate` returns every problem as ``file:row:column: message``
(the header is row 1, as a spreadsheet shows it) and costing refuses a roster that has any.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from wagebrief.config import paths
from wagebrief.inputs.proposals_items import NO_COVERAGE, TIERS
from wagebrief.io import TextDecodeError, decode_text
from wagebrief.inputs.settlements import FILE_COL, ROW_COL, check_header, parse_date, parse_number

COLUMNS = ["employee_id", "title", "step", "hire_date", "annual_base_salary", "fte"]
OPTIONAL_COLUMNS = ["longevity_eligible", "coverage_tier"]
YES = ("yes", "y", "true", "t", "1")
NO = ("no", "n", "false", "f", "0", "")
#: Documentation of each column (type, "required"/"optional", description), for docs/inputs.md.
COLUMN_DOCS: dict[str, tuple[str, str, str]] = {
    "employee_id": ("text", "required", "Any id unique within the roster; no names are needed. Never shown in a report."),
    "title": ("text", "required", "Job title."),
    "step": ("whole number", "required", "Step on the salary schedule, 1 to the proposals file's steps.top_step."),
    "hire_date": ("date", "required", "YYYY-MM-DD (M/D/YYYY and Excel serials are read too); not after roster_as_of."),
    "annual_base_salary": ("dollars", "required", "Full-time annual rate of the title and step ($52,000 is fine); greater than 0."),
    "fte": ("number", "required", "Greater than 0 and at most 1; pay is the rate times fte."),
    "longevity_eligible": ("yes/no", "optional", "yes or no (blank is no); required when the proposals file sets longevity."),
    "coverage_tier": ("text", "optional", (
        "Health-plan enrollment: single, employee_plus_one or family; waived, none or blank is no coverage. "
        "Required when the proposals file sets health.")),
}


class RosterFileError(ValueError):
    """A roster file that cannot be read at all (missing, undecodable, a missing column)."""


class RosterError(ValueError):
    """A roster with bad rows: nothing is costed. ``problems`` holds file:row:column lines."""

    def __init__(self, problems: list[str], n_rows: int):
        self.problems = problems
        self.n_rows = n_rows
        super().__init__(f"{len(problems)} problem(s) in the roster; nothing was costed")


def roster_path(unit: str, root: str | Path | None = None) -> Path:
    """Where ``unit``'s roster lives: ``data/raw/units/<unit>/roster.csv``."""
    return paths(root).raw / "units" / unit / "roster.csv"


def read_raw(path: str | Path) -> pd.DataFrame:
    """Read a roster as text exactly as typed, with ``_file`` and ``_row`` columns.

    Fully blank lines are skipped but still counted, so ``_row`` stays the spreadsheet row.
    """
    path = Path(path)
    if not path.is_file():
        raise RosterFileError(f"{path}: no roster file (expected columns: {', '.join(COLUMNS)})")
    try:
        data = path.read_bytes()
    except OSError as exc:  # permissions, a disk or network-share error: one line, not a traceback
        raise RosterFileError(f"{path}: cannot read the file ({exc.strerror or type(exc).__name__})") from exc
    try:
        text = decode_text(data, path)
    except TextDecodeError as exc:
        raise RosterFileError(str(exc)) from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         skip_blank_lines=False)
    except Exception as exc:  # pandas raises several types for malformed CSV
        raise RosterFileError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    check_header(list(df.columns), COLUMNS, path, error=RosterFileError)
    keep = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in df.columns]
    df = df[keep].astype(object).fillna("")
    df[FILE_COL] = str(path)
    df[ROW_COL] = np.arange(2, len(df) + 2)
    blank = df[keep].apply(lambda s: s.astype(str).str.strip().eq("")).all(axis=1)
    return df.loc[~blank].reset_index(drop=True)


# --------------------------------------------------------------------------- the schema

def _check(fn, name: str) -> pa.Check:
    # Named checks, so failure cases map back to the messages in _messages.
    return pa.Check(fn, element_wise=False, name=name, error=name)


def schema(top_step: int | None, as_of: pd.Timestamp) -> pa.DataFrameSchema:
    """What a valid typed roster row is, for a step schedule topping out at ``top_step``."""
    step_checks = [
        _check(lambda s: s == s.round(), "whole_step"),
        _check(lambda s: s >= 1, "step_at_least_1"),
    ]
    if top_step is not None:
        step_checks.append(_check(lambda s: s <= top_step, "step_at_most_top"))
    return pa.DataFrameSchema({
        "employee_id": pa.Column(str, nullable=False, checks=_check(lambda s: ~s.duplicated(keep="first"), "unique_id")),
        "title": pa.Column(str, nullable=False),
        "step": pa.Column(float, nullable=False, checks=step_checks),
        "hire_date": pa.Column("datetime64[ns]", nullable=False,
                               checks=_check(lambda s: s <= as_of, "hire_not_future")),
        "annual_base_salary": pa.Column(float, nullable=False, checks=_check(lambda s: s > 0, "salary_positive")),
        "fte": pa.Column(float, nullable=False, checks=[_check(lambda s: s > 0, "fte_positive"),
                                                        _check(lambda s: s <= 1, "fte_at_most_1")]),
    }, strict=False, coerce=False)


def _steps(top_step: int | None) -> str:
    return f"a whole number from 1 to {top_step}" if top_step is not None else "a whole number from 1"


def _messages(top_step: int | None, as_of: pd.Timestamp, first_row: pd.Series) -> dict:
    """check name -> message(row dict). No cell is echoed back (a roster is personal data, and an
    analyst may have typed a name or an SSN into the wrong cell): the file, row and column find
    it, and the message says what was expected."""
    step = lambda r, c: f"step is not on the schedule: expected {_steps(top_step)}"  # noqa: E731
    fte = lambda r, c: "fte is out of range: expected a number greater than 0 and at most 1"  # noqa: E731
    return {
        "not_nullable": lambda r, c: f"{c} is required",
        "unique_id": lambda r, c: f"employee_id duplicates row {first_row[r['employee_id']]}",
        "whole_step": step,
        "step_at_least_1": step,
        "step_at_most_top": step,
        "hire_not_future": lambda r, c: (f"hire_date is in the future: expected a date on or before "
                                         f"{as_of:%Y-%m-%d}"),
        "salary_positive": lambda r, c: (f"annual_base_salary is {'zero' if r[c] == 0 else 'negative'}; "
                                         "it must be greater than 0"),
        "fte_positive": fte,
        "fte_at_most_1": fte,
    }


#: What each column's cell should hold, for "cannot read" messages (which never echo the cell).
EXPECTED = {
    "hire_date": "a date (YYYY-MM-DD, M/D/YYYY or an Excel serial)",
    "annual_base_salary": "dollars, such as 52000 or $52,000",
    "fte": "a number greater than 0 and at most 1",
    "longevity_eligible": "yes or no (blank is no)",
    "coverage_tier": f"one of {', '.join(TIERS)}, or waived or blank for no coverage",
}


@dataclass
class RosterResult:
    """The outcome of validating a roster."""

    valid: pd.DataFrame  #: typed rows (only meaningful when ``ok``)
    errors: pd.DataFrame  #: one row per problem: file, row, column, message
    n_input: int

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def problems(self) -> list[str]:
        """Problems as ``file:row:column: message`` lines, in row and column order."""
        order = {c: i for i, c in enumerate(COLUMNS + OPTIONAL_COLUMNS)}
        e = self.errors.assign(_c=self.errors["column"].map(order))
        e = e.sort_values([FILE_COL, ROW_COL, "_c"], kind="stable")
        return [f"{f}:{r}:{c}: {m}" for f, r, c, m in e[[FILE_COL, ROW_COL, "column", "message"]].itertuples(index=False)]


def _err(raw: pd.DataFrame, mask, column: str, messages) -> pd.DataFrame:
    rows = raw.loc[mask]
    return pd.DataFrame({"index": rows.index, FILE_COL: rows[FILE_COL].to_numpy(),
                         ROW_COL: rows[ROW_COL].to_numpy(), "column": column, "message": list(messages)})


def validate_frame(raw: pd.DataFrame, *, top_step: int | None = None,
                   as_of: pd.Timestamp | None = None, longevity: bool = False, coverage: bool = False) -> RosterResult:
    """Type and check text rows from :func:`read_raw`.

    ``as_of`` is the roster date (a hire date after it, or after today, is an error);
    ``longevity`` says whether a longevity schedule applies, which makes the
    ``longevity_eligible`` column required; ``coverage`` (health premiums are costed) makes
    ``coverage_tier`` required.
    """
    today = pd.Timestamp.today().normalize()
    as_of = min(pd.Timestamp(as_of), today) if as_of is not None else today
    raw = raw.reset_index(drop=True)
    typed = pd.DataFrame(index=raw.index)
    errors: list[pd.DataFrame] = []
    for col in ("employee_id", "title"):
        typed[col] = raw[col].astype(str).str.strip().replace("", None)
    expected = {**EXPECTED, "step": _steps(top_step)}
    for col, parser in [("step", parse_number), ("hire_date", parse_date),
                        ("annual_base_salary", parse_number), ("fte", parse_number)]:
        values, bad = parser(raw[col])
        typed[col] = values
        if bad.any():
            # No cell is echoed back; the file, row and column are enough to find it.
            errors.append(_err(raw, bad, col, [f"cannot read this {col}: expected {expected[col]}"] * int(bad.sum())))
    if "longevity_eligible" in raw.columns:
        word = raw["longevity_eligible"].astype(str).str.strip().str.lower()
        typed["longevity_eligible"] = word.isin(YES)
        bad = ~word.isin(YES + NO)
        if bad.any():
            errors.append(_err(raw, bad, "longevity_eligible",
                               [f"cannot read this longevity_eligible: expected {EXPECTED['longevity_eligible']}"]
                               * int(bad.sum())))
    else:
        if longevity:
            path = raw[FILE_COL].iloc[0] if len(raw) else "roster"
            raise RosterFileError(f"{path}:1: missing column longevity_eligible "
                                  "(the proposals file sets a longevity schedule)")
        typed["longevity_eligible"] = False
    if "coverage_tier" in raw.columns:
        # Only the tier word is kept; blank, waived or none is no coverage ("").
        word = raw["coverage_tier"].astype(str).str.strip().str.lower()
        typed["coverage_tier"] = word.where(word.isin(TIERS), "")
        bad = ~word.isin(TIERS + NO_COVERAGE)
        if bad.any():
            errors.append(_err(raw, bad, "coverage_tier",
                               [f"cannot read this coverage_tier: expected {EXPECTED['coverage_tier']}"] * int(bad.sum())))
    elif coverage:
        path = raw[FILE_COL].iloc[0] if len(raw) else "roster"
        raise RosterFileError(f"{path}:1: missing column coverage_tier (the proposals file sets health premiums)")

    bad_parse = {(e["index"], e["column"]) for f in errors for e in f.to_dict("records")}
    first_row = raw.assign(_id=typed["employee_id"]).dropna(subset=["_id"]).drop_duplicates("_id").set_index("_id")[ROW_COL]
    msgs = _messages(top_step, as_of, first_row)
    try:
        schema(top_step, as_of).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        for (column, check), grp in fc.groupby(["column", "check"], sort=False):
            idx = [i for i in pd.Index(grp["index"].astype(int).unique()) if (i, column) not in bad_parse]
            if not idx:
                continue
            name = str(check)
            rows = typed.loc[idx]
            text = [msgs.get(name, lambda r, c: f"{c} fails {check}")(r, column) for r in rows.to_dict("records")]
            errors.append(_err(raw, raw.index.isin(idx), column, text))
    errors = [e for e in errors if len(e)]
    err = (pd.concat(errors, ignore_index=True) if errors
           else pd.DataFrame(columns=["index", FILE_COL, ROW_COL, "column", "message"]))
    valid = typed.assign(step=typed["step"].round().astype("Int64"), source_row=raw[ROW_COL])
    return RosterResult(valid=valid, errors=err.reset_index(drop=True), n_input=len(raw))


def validate(path: str | Path, **kwargs) -> RosterResult:
    """Read and validate one roster file (keywords as for :func:`validate_frame`)."""
    raw = read_raw(path)
    if raw.empty:
        raise RosterFileError(f"{path}: the roster has no employees")
    return validate_frame(raw, **kwargs)


def load(path: str | Path, **kwargs) -> pd.DataFrame:
    """The typed roster; raises :class:`RosterError` listing every problem when any row is bad."""
    result = validate(path, **kwargs)
    if not result.ok:
        raise RosterError(result.problems(), result.n_input)
    return result.valid
