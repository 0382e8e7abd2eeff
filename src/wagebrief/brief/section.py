"""What a brief section is: words, tables and figures built from computed numbers.

Each section module of this package (settlements, inflation, outlook, market, costing, factors,
summary, methodology) turns numbers from :mod:`wagebrief.analysis` into a :class:`Section`; the
brief notebook only displays them. Keeping the words here and the numbers in the analysis
modules, never in the notebook, is what lets tests check both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Table:
    """A table with its caption and a line saying where its numbers come from."""

    caption: str
    data: pd.DataFrame
    source: str = ""
    #: column -> format spec, e.g. {"first_year_pct": "{:.2f}%", "lump_sum_total": "${:,.0f}"}
    formats: dict[str, str] = field(default_factory=dict)
    #: a rule the reader needs to read the table (how ranks break ties), shown under it
    note: str = ""
    #: a column holding each row's source address, shown as a link where it is http(s)
    links: str = ""


@dataclass
class Figure:
    """A matplotlib figure with its caption and source line."""

    caption: str
    figure: Any  # matplotlib.figure.Figure; Any keeps matplotlib out of import time
    source: str = ""


@dataclass
class Section:
    """One part of a brief. ``text`` paragraphs are Markdown written from the numbers."""

    title: str
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    #: plain statements of what is missing or was simplified (a fallback model, absent data)
    caveats: list[str] = field(default_factory=list)


def format_value(spec: str, value: Any) -> str:
    """``spec.format(value)``, except that a value that rounds to zero never shows as "-0.0%":
    it reads "+0.0%" under a signed format and "0.0%" otherwise."""
    text = spec.format(value)
    if isinstance(value, float) and text == spec.format(-0.0):
        return spec.format(0.0)
    return text
