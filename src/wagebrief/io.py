"""File writing at the edges: atomic replacement and spreadsheet-safe CSV.

Every file the suite writes goes through :func:`atomic_write`, so a killed run leaves either the
old complete file or the new complete file, never a partial one.
"""

from __future__ import annotations

import contextlib
import io as _io
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

def decode_text(raw: bytes) -> str:
    """An analyst's CSV bytes as text: UTF-8 (with Excel's BOM or without), else Windows-1252,
    else Latin-1, which decodes any byte."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


#: Leading characters a spreadsheet treats as a formula (OWASP CSV injection guidance).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success fsync it and rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); outputs are shared like any other file.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def write_text(path: str | Path, text: str) -> None:
    """Atomically write ``text`` (UTF-8) to ``path``."""
    with atomic_write(path, "w") as fh:
        fh.write(text)


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Atomically write ``df`` as parquet."""
    with atomic_write(path, "wb") as fh:
        df.to_parquet(fh, index=False)


#: A plain number a spreadsheet reads as a number: "-2.5", "+3", "-1,250.00", "-2.5%", "-1e3".
#: (Not Python's float(): it also takes "-inf", "+nan", "-1_000" and " -2", which a spreadsheet
#: evaluates as formulas.)
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def escape_formula(value: object) -> object:
    """Prefix a formula-looking string with ``'`` so a spreadsheet shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        # A plain negative number such as "-2.5" is data, not a formula.
        return "'" + value
    return value


def escape_formula_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`escape_formula` applied to every text cell."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_formula)
    return out


def _to_csv(df: pd.DataFrame, fh: IO, escape_formulas: bool) -> None:
    out = escape_formula_cells(df) if escape_formulas else df
    # CRLF rows (RFC 4180): the csv writer quotes a cell holding any character of the line
    # terminator, so a cell with a bare "\r" is quoted too instead of splitting its row.
    out.to_csv(fh, index=False, lineterminator="\r\n")


def write_csv(df: pd.DataFrame, path: str | Path, *, escape_formulas: bool = True) -> None:
    """Atomically write ``df`` as UTF-8 CSV, escaping formula-looking text cells."""
    with atomic_write(path, "w") as fh:
        _to_csv(df, fh, escape_formulas)


def csv_text(df: pd.DataFrame, *, escape_formulas: bool = True) -> str:
    """``df`` as the CSV text :func:`write_csv` writes: CRLF rows, quoting, formulas neutralised."""
    buf = _io.StringIO(newline="")
    _to_csv(df, buf, escape_formulas)
    return buf.getvalue()


def echo_csv(df: pd.DataFrame, stream: IO | None = None, *, escape_formulas: bool = True) -> None:
    """Print ``df`` to ``stream`` (standard output) exactly as :func:`write_csv` would write it."""
    stream = sys.stdout if stream is None else stream
    # Not typer.echo: it adds a bare "\n" after the last CRLF row.
    stream.write(csv_text(df, escape_formulas=escape_formulas))
    stream.flush()
