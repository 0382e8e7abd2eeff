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


#: Byte-order marks and their codecs; UTF-32's come first, as UTF-32-LE's begins with UTF-16-LE's.
BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"))
#: Bytes looked at to recognise UTF-16 without a BOM.
SNIFF_BYTES = 4096


class TextDecodeError(ValueError):
    """A file whose bytes are not text in the encoding its BOM or NUL pattern says."""


def sniff_encoding(raw: bytes) -> tuple[str | None, int]:
    """(codec, BOM length) of an analyst's text file, the one rule for every input file.

    A BOM names its codec (UTF-32, UTF-16 or UTF-8). Without one, UTF-16 is recognised by its NUL
    pattern: CSV text is mostly ASCII, which UTF-16-LE writes as the byte then a NUL
    (``s\x00e\x00``) and UTF-16-BE as a NUL then the byte. The codec is None for the 8-bit
    family, decoded by :func:`decode_8bit`: UTF-8, else Windows-1252, else Latin-1 (a UTF-8 BOM
    gives None and 3, so the bytes after it still get that fallback).
    """
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return (None if codec == "utf-8" else codec), len(bom)
    sample = raw[:SNIFF_BYTES - SNIFF_BYTES % 2]
    pairs = len(sample) // 2
    if pairs:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        # Most pairs NUL on one side and almost none on the other: a stray NUL in 8-bit text
        # (or binary garbage) does not look like this.
        if odd >= 0.4 * pairs and even <= 0.05 * pairs:
            return "utf-16-le", 0
        if even >= 0.4 * pairs and odd <= 0.05 * pairs:
            return "utf-16-be", 0
    return None, 0


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked by Arrow's vectorized validator (tens of ms for
    100 MB) on a zero-copy view, so a big file is not decoded just to learn its encoding."""
    import numpy as np
    import pyarrow

    offsets = pyarrow.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    view = pyarrow.LargeBinaryArray.from_buffers(pyarrow.large_binary(), 1, [None, offsets, pyarrow.py_buffer(data)])
    try:
        view.cast(pyarrow.large_string())
    except pyarrow.ArrowInvalid:
        return False
    return True


def decode_8bit(data: bytes) -> str:
    """Bytes with no BOM and no UTF-16 pattern: UTF-8, else Windows-1252 (Excel's "CSV" on
    Windows), else Latin-1, which decodes any byte."""
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def decode_wide(data: bytes, codec: str, where: object = "") -> str:
    """``data`` (its BOM already cut) in a UTF-16 or UTF-32 ``codec``; a clear error, naming
    ``where`` and the byte, when it is not."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise TextDecodeError(f"{where}: the file looks like {codec.upper()} (by its byte-order mark or "
                              f"NUL bytes) but byte {exc.start:,} is not: {exc.reason}; save it again as "
                              "UTF-8 CSV") from None


def decode_text(raw: bytes, where: object = "") -> str:
    """An analyst's text file as text, by :func:`sniff_encoding` (BOMs, UTF-16 without a BOM,
    then UTF-8, Windows-1252, Latin-1); :class:`TextDecodeError` names ``where`` when bytes
    contradict their BOM or NUL pattern."""
    codec, skip = sniff_encoding(raw)
    if codec is not None:
        return decode_wide(raw[skip:], codec, where)
    return decode_8bit(raw[skip:])


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
