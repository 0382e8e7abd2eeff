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


def rejected_rows(raw: pd.DataFrame, columns: Sequence[str], errs: Sequence[tuple[int, str, str]]
                  ) -> tuple[np.ndarray, pd.DataFrame, list[tuple[str, int, str, str]]]:
    """From problems as (row index, column, message): the mask of rows kept, the rejected rows
    exactly as typed with file, row and reason, and the problems located (file, row, column, message)."""
    rejected = sorted({e[0] for e in errs})
    rejects = raw.loc[rejected, list(columns)].assign(file=raw.loc[rejected, FILE_COL], row=raw.loc[rejected, ROW_COL])
    rejects["reason"] = ["; ".join(f"{c}: {m}" for j, c, m in errs if j == i) for i in rejected]
    located = [(str(raw.at[i, FILE_COL]), int(raw.at[i, ROW_COL]), c, m) for i, c, m in errs]
    return ~raw.index.isin(rejected), rejects.reset_index(drop=True), located


def rejected_note(result, what: str) -> list[str]:
    """The brief's note on a table's rejected rows (the first three problems), or none."""
    if not result.errors:
        return []
    shown = result.problems()
    return [f"{len(result.rejects)} {what} row(s) were rejected and not used: " + "; ".join(shown[:3])
            + (f"; and {len(shown) - 3} more" if len(shown) > 3 else "") + "."]
