"""The output formats the table-printing commands share, and the one printer for them."""

from __future__ import annotations

from enum import Enum

import typer


class Format(str, Enum):
    """``--format``: a text table, CSV for spreadsheets, or JSON records."""

    table = "table"
    csv = "csv"
    json = "json"


def emit(df, format: Format, decimals: int = 2, na_rep: str = "NaN") -> None:
    """Print ``df`` in ``format``, numbers rounded to ``decimals`` (JSON keeps full precision)."""
    if format is Format.json:
        typer.echo(df.to_json(orient="records", indent=2, date_format="iso"))
    elif format is Format.csv:
        from wagebrief import io  # loads pandas: only when a command prints CSV, not for --help

        # CSV is for spreadsheets: the files' writer (CRLF rows, a cell with a line break quoted,
        # a formula-looking jurisdiction or unit name prefixed with ').
        io.echo_csv(df.round(decimals))
    else:
        typer.echo(df.round(decimals).to_string(index=False, na_rep=na_rep))
