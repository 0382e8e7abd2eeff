"""Parsing settlement cells: numbers, money with unit words, dates, vocabulary words.

Parsing is vectorized and runs once per distinct value (:func:`per_unique`): a clearinghouse file
has a million rows but only a few thousand distinct dates or percents.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from wagebrief.inputs.settlements.record import (DATE_COLUMNS, FIELDS_COL, FILE_COL, MONEY_COLUMNS, NUMBER_COLUMNS,
                                                 OPTIONAL_TEXT, REQUIRED_TEXT, ROW_COL, SID_COL, TEXT, VOCABULARIES,
                                                 concat_errors, row_errors)
from wagebrief.inputs.textsafe import INVISIBLE, quote

#: Excel's day zero: serial 1 is 1900-01-01 once Excel's phantom 1900-02-29 is allowed for.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def stripped(s: pd.Series) -> pd.Series:
    """Each cell as text without surrounding whitespace."""
    return s.astype(str).str.strip()


def _unhide(s: pd.Series) -> pd.Series:
    """Text without zero-width and bidirectional formatting characters (:data:`INVISIBLE`)."""
    return s.astype(str).str.replace(INVISIBLE, "", regex=True)


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse "2.5%", "2.5", "$2,500", "2,500". Returns (values, unparseable mask); blanks are NaN."""
    t = stripped(s).str.replace(r"[\s$,%]", "", regex=True)
    blank = t.eq("")
    v = pd.to_numeric(t.where(~blank, None), errors="coerce").astype(float)
    bad = ~blank & ~np.isfinite(v.to_numpy(dtype=float, na_value=np.nan))
    return v.where(~bad), pd.Series(bad, index=s.index)


_HOUR, _YEAR = r"(?:hours?|hrs?|h)", r"(?:years?|yrs?|yr|annum)"
#: A unit word after a dollar figure: "/hour", "per hr", "an hour", "hourly", "a year", "annually".
_UNIT_WORD = re.compile(
    rf"^(?P<num>.*?)\s*(?:(?:/|\bper\s+|\ban?\s+)\s*(?:(?P<h>{_HOUR})|(?P<y>{_YEAR}))\.?"
    r"|(?P<h2>hourly)|(?P<y2>annually|annual|yearly))\s*$", re.IGNORECASE)


def parse_money(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse dollars that may carry a unit word ("$0.75 an hour", "1,000/year").

    Returns (values, per, unparseable mask); ``per`` is "hour", "year", or missing where the
    cell names no unit.
    """
    t = stripped(s)
    m = t.str.extract(_UNIT_WORD)
    worded = m["num"].notna()
    per = pd.Series(np.where(m["h"].notna() | m["h2"].notna(), "hour",
                             np.where(m["y"].notna() | m["y2"].notna(), "year", None)), index=s.index)
    per = per.where(worded)
    values, bad = parse_number(t.where(~worded, m["num"].fillna("")))
    # A unit word with no number before it ("per hour") is unreadable, not blank.
    bad |= worded & values.isna()
    return values.where(~bad), per.astype(TEXT), bad


#: Dates a settlement row can hold; anything outside is a typo (9999-12-31, 0024-07-01) and is
#: reported as unreadable. It also keeps every term and duration far inside what datetime64[ns]
#: can hold (292 years).
DATE_RANGE = (pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01"))


#: A time zone after a time of day ("T10:00:00Z", " 10:00+05:00"): dropped, so the date is the
#: date as written rather than the date in UTC.
_TIME_ZONE = r"(\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(?:Z|UTC|[+-]\d\d(?::?\d\d)?)$"


def _to_datetime(t: pd.Series, fmt: str) -> pd.Series:
    """``pd.to_datetime`` that never raises: a time zone is dropped (the date is the date as
    written) and a date outside :data:`DATE_RANGE` is NaT."""
    t = t.str.replace(_TIME_ZONE, r"\1", regex=True, case=False)
    try:
        out = pd.to_datetime(t, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):  # e.g. values in different time zones
        if len(t) == 1:
            return pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
        out = None
    if out is None or out.dtype == object:
        parts = [_to_datetime(t.iloc[i:i + 1], fmt) for i in range(len(t))]
        return pd.concat(parts) if parts else pd.Series(index=t.index, dtype="datetime64[ns]")
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_localize(None)
    out = out.where((out >= DATE_RANGE[0]) & (out < DATE_RANGE[1]))
    return out.astype("datetime64[ns]")


def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ISO dates, M/D/YYYY and Excel serials. Returns (dates, unparseable mask)."""
    t = stripped(s)
    blank = t.eq("")
    out = _to_datetime(t.where(~blank, None), "ISO8601")
    need = out.isna() & ~blank
    if need.any():
        out[need] = _to_datetime(t[need], "%m/%d/%Y")
        need = out.isna() & ~blank
    if need.any():
        serial = pd.to_numeric(t[need].where(t[need].str.fullmatch(r"\d{5}(\.0*)?"), None), errors="coerce")
        serial = serial.where(serial.between(1, 2958465))
        out[need] = EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")
    out = out.dt.normalize()
    out = out.where(out < DATE_RANGE[1])  # a serial past 2099
    bad = out.isna() & ~blank
    return out.astype("datetime64[ns]"), bad


def parse_vocab(s: pd.Series) -> pd.Series:
    """Normalise a vocabulary word: any case, spaces or hyphens for underscores."""
    return stripped(s).str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def per_unique(s: pd.Series, fn: Callable[[pd.Series], object]):
    """Apply a column parser once per distinct value and spread the results back.

    Settlement columns repeat heavily (a few thousand dates or percents across a million rows),
    so parsing the distinct values is what makes a clearinghouse-sized file fast.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    res = fn(pd.Series(uniques))

    def spread(r: pd.Series) -> pd.Series:
        return pd.Series(r.array.take(codes), index=s.index, name=s.name)

    return tuple(spread(r) for r in res) if isinstance(res, tuple) else spread(res)


def parse(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the text columns. Returns (typed frame, parse errors as file/row/column/message)."""
    typed = pd.DataFrame(index=raw.index)
    errors: list[pd.DataFrame] = []
    blank_to_na = lambda t: t.where(t.ne(""))  # noqa: E731
    # Names, ids and words are read without zero-width and bidirectional formatting characters
    # (each is warned about by invisible_warnings), so "State of Vermont\u200b" is the name
    # "State of Vermont" and matches the unit's comparator.
    for col in REQUIRED_TEXT + OPTIONAL_TEXT:
        typed[col] = per_unique(raw[col], lambda u: blank_to_na(stripped(_unhide(u))).astype(TEXT))
    typed["state"] = typed["state"].str.upper()
    for col in VOCABULARIES:
        typed[col] = per_unique(raw[col], lambda u: blank_to_na(parse_vocab(_unhide(u))).astype(TEXT))
    for col in MONEY_COLUMNS:
        values, per, bad = per_unique(raw[col], parse_money)
        typed[col], typed[f"{col}_word"] = values, per
        if bad.any():
            errors.append(row_errors(raw, bad, col, lambda r, c=col: f"cannot read {quote(r[c])} as dollars (a number, optionally with a unit word: 0.75/hour, 1,000 per year)"))
    for col, parser, kind in [(c, parse_date, "a date") for c in DATE_COLUMNS] + [
        (c, parse_number, "a number") for c in NUMBER_COLUMNS if c not in MONEY_COLUMNS
    ]:
        values, bad = per_unique(raw[col], parser)
        typed[col] = values
        if bad.any():
            errors.append(row_errors(raw, bad, col, lambda r, c=col, k=kind: f"cannot read {quote(r[c])} as {k}"))
    if FIELDS_COL in raw:
        ragged = raw[FIELDS_COL].astype(str).ne("")
        if ragged.any():
            errors.append(row_errors(raw, ragged, "row", lambda r: r[FIELDS_COL]))
    for col in (FILE_COL, ROW_COL):
        typed[col] = raw[col]
    # One integer code per settlement, so the cross-row rules group on ints, not strings.
    typed[SID_COL] = pd.factorize(typed["settlement_id"], use_na_sentinel=False)[0]
    return typed, concat_errors(errors)
