"""Settlement records: reading what analysts type, the schema, and rejects.

Raw files are long format, one row per wage event of a contract. Reading never edits a raw file;
every cell is first read as the exact text the analyst typed, so that a rejected row can be
written back out unchanged. Parsing is vectorized (a clearinghouse file has a million rows), and
the rules a valid row must satisfy are one pandera schema, :data:`SCHEMA`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv as pacsv

from wagebrief import io as wio
from wagebrief.inputs import workbook
from wagebrief.inputs.textsafe import INVISIBLE, QUOTE_LIMIT, invisible_in, quote

COLUMNS = [
    "settlement_id", "jurisdiction", "state", "jurisdiction_type", "unit", "union",
    "occupation_group", "settlement_type", "ratified_date", "term_start", "term_end",
    "effective_date", "event", "pct", "amount", "reference_salary", "employees", "source",
    "source_url", "notes",
]
#: Columns a file may leave out (older files have none of them); a missing one reads as blank.
OPTIONAL_COLUMNS = ["amount_per", "hours_per_week"]
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
REQUIRED_TEXT = ["settlement_id", "jurisdiction", "state", "unit", "source"]
OPTIONAL_TEXT = ["union", "source_url", "notes"]
DATE_COLUMNS = ["ratified_date", "term_start", "term_end", "effective_date"]
REQUIRED_DATES = ["term_start", "term_end", "effective_date"]
NUMBER_COLUMNS = ["pct", "amount", "reference_salary", "employees", "hours_per_week"]
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
    "event": ("gwi_pct", "gwi_flat", "lump_sum", "step", "freeze"),
    "amount_per": ("year", "hour"),
}
#: Vocabulary columns that may be blank (the rest are required).
OPTIONAL_VOCABULARIES = ("amount_per",)

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
    "effective_date": ("date", "required", "When this event takes effect; inside the term (a lump_sum may also fall from ratified_date)."),
    "event": ("vocabulary", "required", "gwi_pct: general wage increase in percent (pct); gwi_flat: flat raise in dollars (amount); lump_sum: one-time payment (pct or amount), never added to base; step: a step movement; freeze: no increase."),
    "pct": ("percent", "optional", "Percent units: 2.5, 2.5% or an Excel percent cell all mean 2.5%. Required for gwi_pct. A plain number between -0.25 and 0.25 (0.025) is read as typed (0.025%) and warned about."),
    "amount": ("dollars", "optional", "Required for gwi_flat (a lump_sum needs pct or amount). May carry a unit word: `0.75/hour`, `$1,000 per year`; else `amount_per` says, else per year."),
    "reference_salary": ("dollars", "optional", "The salary or rate a flat raise is added to (the rate just before the event, as given, never re-based), and what a lump sum is expressed against. Without it a flat raise's percent, and a dollar lump sum's percent, are unknown (not zero). Same unit words as amount."),
    "employees": ("whole number", "optional", "Employees covered; weights the employee-weighted mean."),
    "source": ("text", "required", "Where the figures come from (publisher, title, date); synthetic rows say SYNTHETIC."),
    "source_url": ("text", "optional", "The source's address."),
    "notes": ("text", "optional", "Anything the columns cannot hold, and every assumption made in typing the row."),
    "amount_per": ("vocabulary", "optional", "Whether amount is per year (default) or per hour; a unit word in the cell says the same, and a conflicting one is an error. reference_salary is annual unless its own cell says per hour (`28.50/hour`)."),
    "hours_per_week": ("number", "optional", "Paid hours a week; converts between an hourly and an annual figure (hours x 52 a year)."),
}
BASE_EVENTS = ("gwi_pct", "gwi_flat")
PCT_RANGE = (-15.0, 25.0)
#: Excel's day zero: serial 1 is 1900-01-01 once Excel's phantom 1900-02-29 is allowed for.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SUFFIXES = (".csv", ".xlsx")

FILE_COL, ROW_COL, FIELDS_COL, SID_COL = "_file", "_row", "_fields", "_sid"


class SettlementFileError(ValueError):
    """A settlement file that cannot be read at all (missing column, unreadable bytes)."""


# --------------------------------------------------------------------------- reading

def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the settlement files (CSV, XLSX) they hold, sorted by name."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and not f.name.startswith((".", "~$")))
        elif p.exists():
            found.append(p)
        else:
            raise SettlementFileError(f"{p}: no such file or folder")
    return found


#: Typed text columns use pandas' Arrow-backed string dtype.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
#: Raw cells are read as categoricals: settlement columns repeat heavily, so hashing each
#: distinct value once (while the CSV is parsed) makes later factorizing and de-duplicating free.
RAW = "category"
#: An XLSX sheet's header row is looked for in its first rows (title rows may sit above it).
XLSX_HEADER_SCAN = 10
#: A sheet is settlement data when its header row names at least this many settlement columns.
XLSX_MIN_HEADER_NAMES = 3


def _header(data: bytes | str, path: Path) -> list[str]:
    """The header row's column names, read whole however long it is (a header of many columns is
    not cut at some byte count, which would make every row look ragged)."""
    # A text stream over the bytes: csv reads just the first record, however many lines it spans.
    stream = (io.StringIO(data, newline="") if isinstance(data, str)
              else io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=""))
    try:
        first = next(csv.reader(stream), None)
    except csv.Error as exc:  # a header cell past the csv field limit: an open quote, not a name
        raise SettlementFileError(f"{path}:1: cannot read the header row: {exc}") from None
    if first is None:
        raise SettlementFileError(f"{path}:1: the file is empty (no header row)")
    if not any(c.strip() for c in first):
        raise SettlementFileError(f"{path}:1: row 1 is blank; the header row ({', '.join(COLUMNS[:3])}, ...) must be the first row")
    return [str(c).strip().lower() for c in first]


def check_header(names: Sequence[str], required: Sequence[str], where: str | Path, row: int = 1,
                 error: type[Exception] | None = None) -> None:
    """Raise ``error`` (default :class:`SettlementFileError`) naming ``where:row`` when a header
    repeats a column or lacks a required one. Shared by settlement, salary and roster files."""
    error = error or SettlementFileError
    dupes = sorted({c for c in names if list(names).count(c) > 1 and c})
    if dupes:
        raise error(f"{where}:{row}: duplicated column header(s): {', '.join(dupes)}")
    missing = [c for c in required if c not in names]
    if missing:
        hint = ""
        if len([c for c in names if c]) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
            hint = " (the header is a single cell: is the file separated by ';' or tabs instead of commas?)"
        raise error(f"{where}:{row}: missing required column(s): {', '.join(missing)}{hint}")


def _check_header(names: Sequence[str], where: str | Path, row: int = 1) -> None:
    check_header(names, COLUMNS, where, row)


def _csv_fast(data: bytes, names: list[str]) -> pd.DataFrame | None:
    """Parse UTF-8 bytes with pyarrow's multithreaded reader.

    None when a record is ragged or pyarrow cannot split the file the way Python's csv module
    would (a cell bigger than a read block, a header cell with a line break); the caller then
    reads record by record. Blank lines are kept as rows of empty cells, so row numbers stay
    the spreadsheet's.
    """
    ragged: list[object] = []

    def on_bad(row) -> str:
        ragged.append(row)
        return "skip"

    cols = [f"c{i}" for i in range(len(names))]
    try:
        table = pacsv.read_csv(
            pyarrow.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=cols, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pyarrow.dictionary(pyarrow.int32(), pyarrow.string()) for c in cols},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pyarrow.ArrowInvalid:
        return None  # e.g. "straddling object straddles two block boundaries"
    if ragged:
        return None
    df = table.to_pandas()
    df.columns = names
    df[FIELDS_COL] = ""
    return df


def _csv_exact(text: str, names: list[str], path: Path | str = "") -> pd.DataFrame:
    """Parse record by record so a ragged row keeps its spreadsheet row number and its values."""
    width = len(names)
    records, problems = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        next(reader, None)  # the header
        for fields in reader:
            if not any(fields):
                # A blank line (or a row of empty cells): no values; read_raw drops it, but it
                # keeps its row number, as in a spreadsheet.
                records.append([""] * width)
                problems.append("")
            elif len(fields) == width:
                records.append(fields)
                problems.append("")
            else:
                extra = fields[width:]
                records.append((fields + [""] * width)[:width])
                problems.append(f"the row has {len(fields)} fields, the header has {width}"
                                + (f"; values past the last column: {quote(extra)}" if extra else ""))
    except csv.Error as exc:  # e.g. a cell over csv.field_size_limit() (Excel's own limit is 32,767
        # characters), which in practice is a quote left open that swallowed the rest of the file
        row = len(records) + 2
        hint = " (a quote left open, so the cell runs on to the end of the file?)" if "field limit" in str(exc) else ""
        raise SettlementFileError(f"{path}:{row}: cannot read the row: {exc}{hint}") from None
    df = pd.DataFrame(records, columns=names, dtype=object).astype(RAW) if records else pd.DataFrame(columns=names, dtype=RAW)
    df[FIELDS_COL] = problems
    return df


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    # The one encoding rule every input file is read by (wagebrief.io.sniff_encoding).
    codec, skip = wio.sniff_encoding(data)
    if codec is not None:  # "Unicode" CSV exports: UTF-16 or UTF-32, with a BOM or without
        try:
            data = wio.decode_wide(data[skip:], codec, path).encode("utf-8")
        except wio.TextDecodeError as exc:
            raise SettlementFileError(str(exc)) from None
    elif skip:  # Excel's "CSV UTF-8"
        data = data[skip:]
    # The fast reader must only ever see valid UTF-8: pyarrow fails to hand a ragged row of other
    # bytes to the invalid-row handler. Anything else is read as Windows-1252 / Latin-1.
    text = None if wio.is_utf8(data) else wio.decode_8bit(data)
    names = _header(data if text is None else text, path)
    _check_header(names, path)
    df = _csv_fast(data if text is None else text.encode("utf-8"), names)
    if df is None:
        df = _csv_exact(data.decode("utf-8") if text is None else text, names, path)
    df[ROW_COL] = np.arange(2, len(df) + 2)
    return df


def _cell_text(v: object) -> str:
    """An XLSX cell as the text it shows: numbers without a trailing .0, dates as ISO dates."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    text = getattr(v, "text", None)  # an array formula
    return text if isinstance(text, str) else str(v)


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(fmt: str | None) -> bool:
    """Whether an Excel number format shows its number as a percent (``0.00%``), ignoring a %
    inside quotes, after a backslash or in brackets, which Excel prints literally."""
    return bool(fmt) and "%" in _QUOTED.sub("", str(fmt))


def _as_shown(v: object, fmt: str | None) -> object:
    """A cell's value as Excel shows it: a number in a percent format is that many percent
    (0.02 shown as 2% reads "2%"), computed in decimal so 0.025 gives exactly 2.5."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and is_percent_format(fmt):
        shown = (Decimal(repr(v)) * 100).normalize()
        return f"{shown:f}%"
    return v


def _xlsx_header(head: Sequence[Sequence[object]]) -> tuple[int, list[str]] | None:
    """(1-based row, column names) of a sheet's header row, or None for a sheet of other things.

    The header is the row among the first :data:`XLSX_HEADER_SCAN` that names the most settlement
    columns (a title row or a row of merged group labels may sit above it). A blank header cell
    takes a settlement column name from the cell above it: a header cell merged over two rows
    keeps its text in the top cell.
    """
    known = set(ALL_COLUMNS)
    norm = [[_cell_text(v).strip().lower() for v in row] for row in head]
    if not norm:
        return None
    best = max(range(len(norm)), key=lambda i: (sum(c in known for c in norm[i]), -i))
    if sum(c in known for c in norm[best]) < XLSX_MIN_HEADER_NAMES:
        return None
    # A read-only row ends at its last non-empty cell, so the header row is short when its last
    # name sits in a cell merged down from the row above: extend it to such names, no further
    # (a longer data row must still show values past the last named column).
    above = norm[:best]
    width = max([len(norm[best])] + [j + 1 for row in above for j, c in enumerate(row) if c in known])
    names = norm[best] + [""] * (width - len(norm[best]))
    for j, name in enumerate(names):
        if name:
            continue
        up = next((row[j] for row in reversed(above) if j < len(row) and row[j]), "")
        if up in known and up not in names:
            names[j] = up
    return best + 1, names


def _read_xlsx(path: Path, include_hidden: bool = False, notes: list[dict] | None = None) -> list[pd.DataFrame]:
    """Every visible settlement sheet of a workbook, as text, rows numbered as the sheet numbers
    them (hidden and very hidden ones too with ``include_hidden``).

    Formula cells read as the value Excel last computed; one that was never computed (a file
    written by a program) reads as its formula text, which is what the analyst typed. A hidden
    sheet that holds settlement columns is skipped with a warning appended to ``notes`` (a hidden
    sheet of other things, like a template's dropdown lists, is skipped as any such sheet is).
    """
    import openpyxl

    workbook.check(path, SettlementFileError)  # before openpyxl expands anything
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    cached = None
    frames: list[pd.DataFrame] = []
    hidden: list[str] = []
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # some writers record wrong dimensions; read every row
            if ws.sheet_state != "visible" and not include_hidden:
                hidden.append(ws.title)
                head = [tuple(c.value for c in r) for r in ws.iter_rows(max_row=XLSX_HEADER_SCAN)]
                found = _xlsx_header(head)
                if found is not None and notes is not None:
                    notes.append({FILE_COL: f"{path}[{ws.title}]", ROW_COL: found[0], "column": "sheet",
                                  "message": f"{ws.sheet_state} sheet {quote(ws.title)} holds settlement "
                                             "columns and was not read; unhide it in the workbook, or pass --include-hidden, to read its rows"})
                continue
            cells = list(ws.iter_rows())
            rows = [tuple(c.value for c in r) for r in cells]
            formats = [tuple(getattr(c, "number_format", None) for c in r) for r in cells]
            found = _xlsx_header(rows[:XLSX_HEADER_SCAN])
            if found is None:
                continue
            hrow, names = found
            where = f"{path}[{ws.title}]"
            _check_header(names, where, hrow)
            body = rows[hrow:]
            if any(isinstance(v, str) and v.startswith("=") or hasattr(v, "text") for r in body for v in r):
                if cached is None:
                    cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
                cws = cached[ws.title]
                cws.reset_dimensions()
                values = list(cws.iter_rows(min_row=hrow + 1, values_only=True))
                body = [tuple(c if c is not None else f for f, c in itertools.zip_longest(r, cr))
                        for r, cr in itertools.zip_longest(body, values, fillvalue=())]
            width = len(names)
            records, problems = [], []
            for r, fmts in zip(body, itertools.chain(formats[hrow:], itertools.repeat(()))):
                cells = [_cell_text(_as_shown(v, f)) for v, f in itertools.zip_longest(r, fmts[:len(r)])]
                extra = [c for c in cells[width:] if c != ""]
                records.append((cells + [""] * width)[:width])
                problems.append(f"values in cells past the last named column: {quote(extra)}" if extra else "")
            df = pd.DataFrame(records, columns=names, dtype=object).astype(RAW) if records else pd.DataFrame(columns=names, dtype=RAW)
            df[FIELDS_COL] = problems
            df[FILE_COL] = where
            df[ROW_COL] = np.arange(hrow + 1, hrow + 1 + len(df))
            frames.append(df)
    finally:
        wb.close()
        if cached is not None:
            cached.close()
    if not frames:
        skipped = f"; hidden sheets not read: {', '.join(map(quote, hidden))}" if hidden else ""
        raise SettlementFileError(f"{path}: no sheet has a header row naming the settlement columns "
                                  f"({', '.join(COLUMNS[:3])}, ...) in its first {XLSX_HEADER_SCAN} rows "
                                  f"(sheets: {', '.join(wb.sheetnames)}{skipped})")
    return frames


def _drop_blank(df: pd.DataFrame) -> pd.DataFrame:
    """Drop rows whose every cell is empty: they hold no value to keep or reject."""
    blank = df[FIELDS_COL].to_numpy() == ""  # a ragged row holds values past the last column
    for col in [c for c in df.columns if c not in (FIELDS_COL, FILE_COL, ROW_COL)]:
        s = df[col] if isinstance(df[col], pd.Series) else None
        if s is None:  # duplicated blank header names: look at each column
            return _drop_blank_slow(df)
        k = s.cat.categories.get_indexer([""])[0]
        if k < 0:
            return df
        blank &= s.cat.codes.to_numpy() == k
        if not blank.any():
            return df
    return df[~blank].reset_index(drop=True)


def _drop_blank_slow(df: pd.DataFrame) -> pd.DataFrame:
    cells = df.drop(columns=[c for c in (FIELDS_COL, FILE_COL, ROW_COL) if c in df.columns])
    blank = (cells.astype(object) == "").all(axis=1).to_numpy() & (df[FIELDS_COL].to_numpy() == "")
    return df[~blank].reset_index(drop=True)


def read_raw(path: str | Path, *, include_hidden: bool = False, notes: list[dict] | None = None) -> pd.DataFrame:
    """Read one settlement file as text exactly as typed, with ``_file`` and ``_row`` columns.

    ``_row`` is the row a spreadsheet user sees: in a CSV the header is row 1 and the first record
    row 2 (a quoted line break inside a cell does not start a new row). In an XLSX workbook every
    sheet whose header row names the settlement columns is read (see :func:`_xlsx_header`); its
    ``_file`` is ``book.xlsx[Sheet]`` and its rows are the sheet's own row numbers. A row whose
    every cell is empty holds nothing and is not a record, but it keeps its row number. Hidden
    sheets are read only with ``include_hidden``; ``notes`` collects a warning for each skipped
    one that holds settlement columns.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            frames = _read_xlsx(path, include_hidden, notes)
        else:
            frames = [_read_csv(path)]
            frames[0][FILE_COL] = str(path)
        frames = [_drop_blank(_with_optional(f))[ALL_COLUMNS + [FIELDS_COL, FILE_COL, ROW_COL]] for f in frames]
    except SettlementFileError:
        raise
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many types for unreadable files
        raise SettlementFileError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    return frames[0] if len(frames) == 1 else _concat(frames)


def _with_optional(df: pd.DataFrame) -> pd.DataFrame:
    """Add each optional column the file leaves out, as blank cells."""
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns:
            df[col] = pd.Categorical([""] * len(df))
    return df


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    df = pd.concat(frames, ignore_index=True)
    # Categoricals with different categories concatenate as objects; make them categorical again.
    return df.astype({c: RAW for c in ALL_COLUMNS if df[c].dtype != RAW})


def read_files(paths: Iterable[str | Path], *, include_hidden: bool = False,
               notes: list[dict] | None = None) -> pd.DataFrame:
    """Read and concatenate every settlement file under ``paths`` (text, as typed); see
    :func:`read_raw` for ``include_hidden`` and ``notes``."""
    paths = list(paths)
    files = discover(paths)
    if not files:
        raise SettlementFileError(f"no settlement files (*.csv, *.xlsx) under {', '.join(map(str, paths))}")
    frames = [read_raw(f, include_hidden=include_hidden, notes=notes) for f in files]
    return frames[0] if len(frames) == 1 else _concat(frames)


# --------------------------------------------------------------------------- parsing

def _strip(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip()


def _unhide(s: pd.Series) -> pd.Series:
    """Text without zero-width and bidirectional formatting characters (:data:`INVISIBLE`)."""
    return s.astype(str).str.replace(INVISIBLE, "", regex=True)


#: Columns read with invisible characters stripped (and warned about).
UNHIDDEN = REQUIRED_TEXT + OPTIONAL_TEXT + list(VOCABULARIES)


def invisible_warnings(raw: pd.DataFrame) -> pd.DataFrame:
    """A warning for each name, id or word cell that holds zero-width or bidirectional formatting
    characters, naming the characters and what the cell is read as."""
    out = []
    for col in UNHIDDEN:
        mask = per_unique(raw[col], lambda u: u.astype(str).str.contains(INVISIBLE, regex=True))
        if mask.any():
            w = row_errors(raw, mask, col, "")
            w["message"] = [f"{quote(v)} holds invisible characters ({', '.join(invisible_in(v))}); read as "
                            f"{quote(INVISIBLE.sub('', v).strip())}" for v in raw.loc[mask, col].astype(str)]
            out.append(w)
    return concat_errors(out)


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse "2.5%", "2.5", "$2,500", "2,500". Returns (values, unparseable mask); blanks are NaN."""
    t = _strip(s).str.replace(r"[\s$,%]", "", regex=True)
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
    t = _strip(s)
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
    t = _strip(s)
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
    return _strip(s).str.lower().str.replace(r"[\s\-]+", "_", regex=True)


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
        typed[col] = per_unique(raw[col], lambda u: blank_to_na(_strip(_unhide(u))).astype(TEXT))
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


# --------------------------------------------------------------------------- the schema

def _within(a: pd.Series, lo: pd.Series, hi: pd.Series) -> pd.Series:
    return ~(a.notna() & lo.notna() & hi.notna()) | ((a >= lo) & (a <= hi))


def _consistent(df: pd.DataFrame, col: str) -> pd.Series:
    # A settlement's rows must agree; a blank counts as a value, so it disagrees with a date.
    # Comparing each group's smallest and largest code is the cheap form of nunique() <= 1.
    if SID_COL in df:
        sid = df[SID_COL]
    else:
        sid = pd.Series(pd.factorize(df["settlement_id"], use_na_sentinel=False)[0], index=df.index)
    codes = pd.Series(pd.factorize(df[col], use_na_sentinel=False)[0], index=df.index)
    g = codes.groupby(sid.to_numpy(), sort=False)
    # A row with no settlement_id is already rejected for that; it has no siblings to disagree with.
    return g.transform("min").eq(g.transform("max")) | df["settlement_id"].isna()


def _effective_in_term(d: pd.DataFrame) -> pd.Series:
    # A signing or ratification bonus is paid when the contract is ratified, which may be before
    # the term starts or (for a contract settled late) after it ends.
    lump = d.event.eq("lump_sum") & d.ratified_date.notna()
    lo = d.term_start.where(~lump, np.minimum(d.term_start, d.ratified_date))
    hi = d.term_end.where(~lump, np.maximum(d.term_end, d.ratified_date))
    return _within(d.effective_date, lo, hi)


def _amount_basis(d: pd.DataFrame) -> pd.Series:
    """Whether each row's amount is per "year" or per "hour": its unit word, else amount_per,
    else per year."""
    return d["amount_word"].fillna(d["amount_per"]).fillna("year")


#: Cross-column and cross-row rules: name -> (column reported, check, message template).
RULES: dict[str, tuple[str, object, str]] = {
    "term_order": ("term_end", lambda d: ~(d.term_end < d.term_start), "term_end {term_end:%Y-%m-%d} is before term_start {term_start:%Y-%m-%d}"),
    "effective_in_term": ("effective_date", lambda d: _effective_in_term(d), "effective_date {effective_date:%Y-%m-%d} is outside the term {term_start:%Y-%m-%d} to {term_end:%Y-%m-%d} (only a lump_sum may fall outside it, on or after ratified_date)"),
    "gwi_pct_needs_pct": ("pct", lambda d: ~(d.event.eq("gwi_pct") & d.pct.isna()), "a gwi_pct event needs a pct"),
    "flat_needs_amount": ("amount", lambda d: ~(d.event.eq("gwi_flat") & d.amount.isna()), "a gwi_flat event needs an amount in dollars"),
    "lump_needs_value": ("pct", lambda d: ~(d.event.eq("lump_sum") & d.pct.isna() & d.amount.isna()), "a lump_sum event needs a pct or an amount"),
    "lump_is_one_time": ("amount", lambda d: ~(d.event.eq("lump_sum") & _amount_basis(d).eq("hour")), "a lump_sum amount is a one-time total in dollars, not per hour"),
    "amount_per_agrees": ("amount_per", lambda d: ~(d.amount_per.notna() & d.amount_word.notna() & d.amount_per.ne(d.amount_word)), "amount_per {amount_per!r} disagrees with the unit word in amount (per {amount_word})"),
    "same_jurisdiction": ("jurisdiction", lambda d: _consistent(d, "jurisdiction"), "rows of settlement {settlement_id} disagree on jurisdiction"),
    "same_unit": ("unit", lambda d: _consistent(d, "unit"), "rows of settlement {settlement_id} disagree on unit"),
    "same_term_start": ("term_start", lambda d: _consistent(d, "term_start"), "rows of settlement {settlement_id} disagree on term_start"),
    "same_term_end": ("term_end", lambda d: _consistent(d, "term_end"), "rows of settlement {settlement_id} disagree on term_end"),
}


def _build_schema() -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {c: pa.Column(nullable=False) for c in REQUIRED_TEXT}
    cols.update({c: pa.Column(nullable=True) for c in OPTIONAL_TEXT})
    cols["state"] = pa.Column(nullable=False, checks=pa.Check.str_matches(r"^[A-Z]{2}$", error="a two-letter state code"))
    for col, words in VOCABULARIES.items():
        cols[col] = pa.Column(nullable=col in OPTIONAL_VOCABULARIES, checks=pa.Check.isin(words, error=f"one of: {', '.join(words)}"))
    for col in DATE_COLUMNS:
        cols[col] = pa.Column("datetime64[ns]", nullable=col not in REQUIRED_DATES)
    cols["pct"] = pa.Column(float, nullable=True, checks=pa.Check.in_range(*PCT_RANGE, error=f"within [{PCT_RANGE[0]:g}, {PCT_RANGE[1]:g}]"))
    cols["amount"] = pa.Column(float, nullable=True)
    cols["reference_salary"] = pa.Column(float, nullable=True, checks=pa.Check.gt(0, error="greater than 0"))
    cols["hours_per_week"] = pa.Column(float, nullable=True, checks=pa.Check.in_range(0, 168, include_min=False, error="hours in a week, more than 0 and at most 168"))
    cols["employees"] = pa.Column(float, nullable=True, checks=[
        pa.Check.ge(0, error="0 or more"),
        pa.Check(lambda s: s.isna() | (s == s.round()), element_wise=False, error="a whole number"),
    ])
    checks = [pa.Check(fn, name=name, error=name) for name, (_, fn, _) in RULES.items()]
    return pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)


#: What a valid settlement row is. Used by :func:`validate` on the typed frame.
SCHEMA = _build_schema()


def row_errors(raw: pd.DataFrame, mask: pd.Series, column: str, message) -> pd.DataFrame:
    rows = raw.loc[mask]
    msgs = [message(r) for r in rows.to_dict("records")] if callable(message) else [message] * len(rows)
    return pd.DataFrame({"index": rows.index, FILE_COL: rows[FILE_COL].to_numpy(), ROW_COL: rows[ROW_COL].to_numpy(), "column": column, "message": msgs})


def concat_errors(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["index", FILE_COL, ROW_COL, "column", "message"])
    return pd.concat(frames, ignore_index=True)


def _bounded(record: dict) -> dict:
    """A record whose long text values are cut, so a message template never quotes megabytes."""
    return {k: f"{v[:QUOTE_LIMIT]}... ({len(v) - QUOTE_LIMIT:,} more characters)"
            if isinstance(v, str) and len(v) > QUOTE_LIMIT else v for k, v in record.items()}


def schema_errors(typed: pd.DataFrame, raw: pd.DataFrame, schema: pa.DataFrameSchema,
                  rules: dict) -> pd.DataFrame:
    """pandera's failure cases of ``schema`` on ``typed`` as file/row/column/message rows; a
    dataframe-wide check named in ``rules`` reports under its own column and message template."""
    try:
        schema.validate(typed, lazy=True)
        return concat_errors([])
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    fc = fc[fc["index"].notna()]
    # pandera reports a failing row of a dataframe-wide rule once per column; the rule names its
    # own column, so one failure case per rule and row is enough (20 times less work).
    frame_level = fc["schema_context"].eq("DataFrameSchema")
    fc = pd.concat([fc[~frame_level], fc[frame_level].drop_duplicates(["check", "index"]).assign(column=None)])
    out: list[pd.DataFrame] = []
    for (context, column, check), grp in fc.groupby(["schema_context", "column", "check"], dropna=False, sort=False):
        idx = pd.Index(grp["index"].astype(int).unique())
        mask = pd.Series(raw.index.isin(idx), index=raw.index)
        if context == "DataFrameSchema" and check in rules:
            col, _, template = rules[check]
            rows = typed.loc[mask]
            msgs = [template.format(**_bounded(r)) if "{" in template else template for r in rows.to_dict("records")]
            out.append(pd.DataFrame({"index": rows.index, FILE_COL: rows[FILE_COL].to_numpy(), ROW_COL: rows[ROW_COL].to_numpy(), "column": col, "message": msgs}))
        elif check == "not_nullable":
            out.append(row_errors(raw, mask, column, f"{column} is required"))
        else:
            words = str(check)
            for c in schema.columns[column].checks:
                if c.name == check or str(c) == check:
                    words = c.error or words
            out.append(row_errors(raw, mask, column, lambda r, col=column, w=words: f"{col} {quote(str(r[col]).strip())} must be {w}"))
    return concat_errors(out)


# --------------------------------------------------------------------------- validation

@dataclass
class ValidationResult:
    """The outcome of validating settlement files."""

    valid: pd.DataFrame  #: typed valid rows, with base_pct, lump_dollars and lump_pct derived
    rejects: pd.DataFrame  #: rejected rows exactly as given, plus file, row and reason
    errors: pd.DataFrame  #: one row per problem: file, row, column, message
    n_input: int
    #: values read as typed that may not be what was meant (file, row, column, message); they
    #: never reject a row
    warnings: pd.DataFrame = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.warnings is None:
            self.warnings = concat_errors([])

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def problems(self, limit: int | None = None) -> list[str]:
        """Problems as ``file:row:column: message`` lines, in file and row order (the first
        ``limit`` of them, when given)."""
        return _lines(self.errors, limit=limit)

    def warning_lines(self, limit: int | None = None) -> list[str]:
        """Warnings as ``file:row:column: warning: message`` lines, in file and row order (the
        first ``limit`` of them, when given)."""
        return _lines(self.warnings, "warning: ", limit)


def _lines(e: pd.DataFrame, prefix: str = "", limit: int | None = None) -> list[str]:
    # Only the lines asked for are formatted: a million problems are not a million strings.
    e = e.sort_values([FILE_COL, ROW_COL, "column"], kind="stable").head(limit if limit is not None else len(e))
    return [f"{f}:{r}:{c}: {prefix}{m}" for f, r, c, m in e[[FILE_COL, ROW_COL, "column", "message"]].itertuples(index=False)]


#: A plain pct below this in size (0.025) may be a fraction typed for a percent (2.5%).
FRACTION_LIKE = PCT_RANGE[1] / 100


def fraction_warnings(raw: pd.DataFrame, typed: pd.DataFrame) -> pd.DataFrame:
    """Warn where a pct typed without % looks like a fraction (0.025): it is read as typed
    (0.025%), never guessed, and the message says how to type 2.5%."""
    v = typed["pct"]
    text = _strip(raw["pct"])
    mask = v.notna() & v.ne(0) & v.abs().lt(FRACTION_LIKE) & ~text.str.contains("%", regex=False)
    if not mask.any():
        return concat_errors([])

    out = row_errors(raw, mask, "pct", "")
    read = [f"{Decimal(repr(x)).normalize():f}" for x in v[mask]]
    meant = [f"{(Decimal(repr(x)) * 100).normalize():f}" for x in v[mask]]
    out["message"] = [f"{t} is read as {r}%; if you meant {m}%, type {m} or {m}%"
                      for t, r, m in zip(text[mask], read, meant)]
    return out


def exact_duplicates(raw: pd.DataFrame) -> pd.Series:
    """Rows identical, cell for cell as typed, to an earlier row (the first copy is kept)."""
    # Only rows that already repeat on a few key cells can repeat on all of them, so the full
    # comparison runs on those candidates alone.
    dupes = pd.Series(False, index=raw.index)
    cand = raw.duplicated(subset=["settlement_id", "effective_date", "event"], keep=False)
    if cand.any():
        dupes[cand] = raw.loc[cand].duplicated(subset=ALL_COLUMNS, keep="first")
    return dupes


#: Line breaks (as str.splitlines sees them) written as escapes, so a message stays one line.
ONE_LINE = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def validate_frame(raw: pd.DataFrame, read_warnings: Sequence[dict] = ()) -> ValidationResult:
    """Validate text rows from :func:`read_files` and split them into valid and rejected;
    ``read_warnings`` (file, row, column, message), from reading, join the result's warnings."""
    raw = _with_optional(raw.reset_index(drop=True))
    typed, parse_errors = parse(raw)
    schema_errs = schema_errors(typed, raw, SCHEMA, RULES)
    # A cell that failed to parse is reported once, as unreadable, not again as missing.
    if len(parse_errors) and len(schema_errs):
        seen = set(zip(parse_errors["index"], parse_errors["column"]))
        keep = [(i, c) not in seen for i, c in zip(schema_errs["index"], schema_errs["column"])]
        schema_errs = schema_errs[keep]
    dupes = exact_duplicates(raw)
    dup_errors = row_errors(raw, dupes, "settlement_id", lambda r: f"exact duplicate of an earlier row of settlement {quote(r['settlement_id'])}")
    errors = concat_errors([parse_errors, schema_errs, dup_errors])

    # A contract is never measured from part of its events: when one row of a settlement is
    # rejected (other than as a duplicate), its sibling rows go with it, and say why.
    bad_idx = set(parse_errors["index"]).union(schema_errs["index"])
    # Settlements are grouped by their id as read (invisible characters stripped), as the rules do.
    sid = typed["settlement_id"].astype(object).fillna("")
    bad_ids = set(sid.loc[sorted(bad_idx)]) if bad_idx else set()
    sibling = sid.isin(bad_ids) & ~raw.index.isin(list(bad_idx)) & ~dupes
    if sibling.any():
        first_bad = raw.loc[sorted(bad_idx)].groupby(sid.loc[sorted(bad_idx)])[ROW_COL].apply(lambda r: ", ".join(map(str, r.iloc[:5])))
        sib = row_errors(raw, sibling, "settlement_id", "")
        sib["message"] = [f"rejected with settlement {quote(k)}, whose row(s) {first_bad[k]} have errors" for k in sid[sibling]]
        errors = concat_errors([errors, sib])

    errors = errors.drop_duplicates(subset=["index", "column", "message"])
    # One problem is one line: a line break in a value a message quotes unescaped (a settlement_id)
    # would split it.
    errors["message"] = errors["message"].astype(str).str.translate(ONE_LINE)
    rejected = raw.index.isin(errors["index"].unique())
    reasons = (errors["column"] + ": " + errors["message"]).groupby(errors["index"]).agg("; ".join)
    rejects = raw.loc[rejected, ALL_COLUMNS].astype(object)
    rejects["file"] = raw.loc[rejected, FILE_COL]
    rejects["row"] = raw.loc[rejected, ROW_COL]
    rejects["reason"] = reasons.reindex(rejects.index).to_numpy()
    valid = derive(typed.loc[~rejected])
    return ValidationResult(valid=valid.reset_index(drop=True), rejects=rejects.reset_index(drop=True),
                            errors=errors.reset_index(drop=True),
                            n_input=len(raw), warnings=concat_errors([
                                pd.DataFrame(list(read_warnings), columns=[FILE_COL, ROW_COL, "column", "message"]),
                                invisible_warnings(raw), fraction_warnings(raw, typed)]))


def derive(typed: pd.DataFrame) -> pd.DataFrame:
    """Add the percent every base increase and lump sum is worth, from valid typed rows.

    ``base_pct``: a gwi_pct's pct, or a gwi_flat's amount / reference_salary. The
    reference_salary on a gwi_flat row is the rate the flat amount is added to, i.e. the salary in
    effect just before that event, *including* earlier increases of the same contract; it is used
    as given, never re-based. An hourly figure against an annual one is converted with
    hours_per_week x :data:`WEEKS_PER_YEAR`. Where that cannot be done (no reference salary, no
    hours) the percent is unknown (NaN, never 0) and ``base_pct_note`` says why.
    ``lump_dollars`` and ``lump_pct`` convert lump sums each way with the annual reference
    salary; either stays unknown when it cannot be converted.
    """
    out = typed.copy()
    ev = out["event"]
    amount_per = _amount_basis(out)
    ref_per = out["reference_salary_word"].fillna("year")  # annual unless its cell says per hour
    hours_year = out["hours_per_week"] * WEEKS_PER_YEAR
    ref_annual = out["reference_salary"].where(ref_per.eq("year"), out["reference_salary"] * hours_year)
    amount_annual = out["amount"].where(amount_per.eq("year"), out["amount"] * hours_year)
    flat = ev.eq("gwi_flat")
    # Like against like needs no hours: $0.75 on a $28.50 hourly rate is 2.63%.
    flat_pct = np.where(amount_per.eq(ref_per), out["amount"] / out["reference_salary"], amount_annual / ref_annual) * 100
    out["base_pct"] = np.where(ev.eq("gwi_pct"), out["pct"], np.where(flat, flat_pct, np.nan))
    unknown = flat & out["base_pct"].isna()
    out["base_pct_note"] = pd.Series(np.where(
        unknown & out["reference_salary"].isna(),
        "flat raise with no reference_salary: its percent is unknown",
        np.where(unknown, "an hourly figure against an annual one, with no hours_per_week: its percent is unknown", None)),
        index=out.index).astype(TEXT)
    out["annual_amount"] = amount_annual.where(flat | ev.eq("lump_sum"))
    lump = ev.eq("lump_sum")
    by_pct = lump & out["pct"].notna()
    out["lump_pct"] = np.where(by_pct, out["pct"], np.where(lump, out["amount"] / ref_annual * 100, np.nan))
    out["lump_dollars"] = np.where(by_pct, out["pct"] / 100 * ref_annual, np.where(lump, out["amount"], np.nan))
    out["amount_per"] = amount_per.where(out["amount"].notna()).astype(TEXT)
    out["reference_per"] = ref_per.where(out["reference_salary"].notna()).astype(TEXT)
    out = out.drop(columns=[SID_COL, "amount_word", "reference_salary_word"], errors="ignore")
    return out.rename(columns={FILE_COL: "source_file", ROW_COL: "source_row"})


def validate(paths: Iterable[str | Path], *, include_hidden: bool = False) -> ValidationResult:
    """Read and validate every settlement file under ``paths`` (hidden XLSX sheets only with
    ``include_hidden``; each skipped one holding settlement columns is a warning)."""
    notes: list[dict] = []
    raw = read_files(paths, include_hidden=include_hidden, notes=notes)
    return validate_frame(raw, notes)


def load(path: str | Path | None = None) -> pd.DataFrame:
    """Load processed settlements (``data/processed/settlements.parquet``)."""
    from wagebrief.config import paths

    return pd.read_parquet(path or paths().settlements)


def select(events: pd.DataFrame, *, state: str | Iterable[str] | None = None,
           occupation_group: str | Iterable[str] | None = None,
           settlement_type: str | Iterable[str] | None = None,
           jurisdiction: str | Iterable[str] | None = None,
           years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Filter valid events; each filter takes one value or several. ``years`` is an inclusive
    range of effective-date calendar years. Vocabulary words match in any case."""

    def _isin(col: str, value, lower: bool) -> pd.Series:
        vals = [value] if isinstance(value, str) else list(value)
        vals = [v.strip().lower() if lower else v.strip() for v in vals]
        s = events[col].astype(str)
        return (s.str.lower() if lower else s).isin(vals)

    mask = pd.Series(True, index=events.index)
    if state is not None:
        mask &= _isin("state", state, True)
    if occupation_group is not None:
        mask &= _isin("occupation_group", occupation_group, True)
    if settlement_type is not None:
        mask &= _isin("settlement_type", settlement_type, True)
    if jurisdiction is not None:
        mask &= _isin("jurisdiction", jurisdiction, False)
    if years is not None:
        y = events["effective_date"].dt.year
        mask &= y.between(*years)
    return events[mask]
