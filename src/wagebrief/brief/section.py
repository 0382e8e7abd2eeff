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
class Series:
    """One plotted series of a :class:`ChartData`: the column of its table holding the values
    (the column's name is the series' name), drawn as the brief's figure draws it."""

    column: str
    #: line, markers (points, no line), column (vertical bars) or bar (horizontal bars)
    kind: str = "line"
    color: str | None = None
    width: float | None = None
    dash: bool = False
    #: the marker of a line or markers series (circle, square, diamond, none); None: Excel's default
    marker: str | None = None
    hollow: bool = False
    #: False for a series the brief's legend does not name on its own (each comparator's dots)
    legend: bool = True


@dataclass
class ChartTable:
    """A block of a chart's numbers: one row per x (``x`` its column), one column per series."""

    data: pd.DataFrame
    x: str
    series: list[Series]


@dataclass
class ChartData:
    """The numbers a brief figure plots (exactly those, from the frame it draws), and how, so an
    export can draw the figure natively (an Excel chart an analyst can restyle).

    ``kind`` is the chart's type: line (categories along x), column, bar (horizontal bars, one
    series) or scatter (numeric x); a column chart's line and markers series are drawn over
    its bars. ``unit`` is how every series' numbers read: percent (in percent points, 2.5 for
    2.5%), dollars, dollars_cents or index."""

    title: str
    tables: list[ChartTable]
    kind: str = "line"
    unit: str = "percent"
    x_title: str = ""
    y_title: str = ""
    #: what the chart shows and its table does not (the brief's dashed median line, say)
    note: str = ""
    #: gap: a missing number breaks the line (as the figure leaves a gap); span: the line runs on
    blanks: str = "gap"
    #: bar charts: a column of booleans marking the rows drawn highlighted and hatched
    highlight: str = ""
    hatch: str = ""


@dataclass
class Figure:
    """A matplotlib figure with its caption and source line, and, where an export can draw it
    natively, the numbers it plots (one :class:`ChartData` per panel)."""

    caption: str
    figure: Any  # matplotlib.figure.Figure; Any keeps matplotlib out of import time
    source: str = ""
    charts: list[ChartData] = field(default_factory=list)


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
