"""Reading settlement files (CSV, XLSX) as the exact text the analyst typed.

Reading never edits a raw file; every cell is read as text, so that a rejected row can be written
back out unchanged, and every row keeps the number a spreadsheet user sees. The one encoding rule
is :func:`wagebrief.io.sniff_encoding`'s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.csv as pacsv

from wagebrief import io as wio
from wagebrief.inputs import workbook
from wagebrief.inputs.settlements.record import (ALL_COLUMNS, COLUMNS, FIELDS_COL, FILE_COL, ROW_COL, SettlementFileError,
                                                 with_optional)
from wagebrief.inputs.textsafe import quote

SUFFIXES = (".csv", ".xlsx")


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
    import openpyxl  # here: only workbooks need it, and CSV-only runs need not load it

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
        frames = [_drop_blank(with_optional(f))[ALL_COLUMNS + [FIELDS_COL, FILE_COL, ROW_COL]] for f in frames]
    except SettlementFileError:
        raise
    except Exception as exc:  # pandas, pyarrow and openpyxl raise many types for unreadable files
        raise SettlementFileError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    return frames[0] if len(frames) == 1 else _concat(frames)


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
