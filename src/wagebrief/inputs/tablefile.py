"""Reading a small reference table (published averages, fiscal indicators) as the text typed.

One reader, so every such file decodes by the project's one encoding rule, names a bad header
by file and row, and keeps each row's file and row number for its problems.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wagebrief.inputs.settlements import FILE_COL, ROW_COL, check_header
from wagebrief.io import TextDecodeError, decode_text


def read_text_csv(path: str | Path, columns: Sequence[str], required: Sequence[str],
                  error: type[Exception]) -> pd.DataFrame:
    """The file's cells as text in ``columns`` order (a missing optional one blank), with ``_file``
    and ``_row`` (the header is row 1); an unreadable file or bad header raises ``error``."""
    path = Path(path)
    try:
        text = decode_text(path.read_bytes(), str(path))
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except TextDecodeError as exc:
        raise error(str(exc)) from None
    except Exception as exc:  # pandas raises several types for malformed CSV
        raise error(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from exc
    names = [str(c).strip().lower() for c in df.columns]
    check_header(names, required, path, error=error)
    df.columns = names
    df = df.reindex(columns=list(columns), fill_value="")
    df[FILE_COL] = str(path)
    df[ROW_COL] = np.arange(2, len(df) + 2)
    return df
