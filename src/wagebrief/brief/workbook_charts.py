"""The brief's charts as native Excel charts: a sheet per figure, its numbers and the chart.

A brief figure that carries the numbers it plots (:attr:`wagebrief.brief.section.Figure.charts`,
filled by the figure's own builder from the frame it draws) gets a sheet of its own: the
marking, banner, section, caption and source as on every sheet, then, per panel, the plotted
numbers as a typed table (percents as percent cells, dollars as currency, a missing number an
empty cell) and an xlsxwriter chart whose series refer to those cells. An analyst can restyle
the chart or change a number and see it move. A figure without such numbers stays a picture on
the workbook's pictures sheet (:func:`wagebrief.brief.workbook.write`).

The numbers are the figure's: a figure the brief leaves out (a unit too small to report) has
no sheet, and a figure it masks (a suppressed year) has the gap here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from wagebrief.brief.section import ChartData, ChartTable, Figure, Series

#: ChartData.unit -> (the cells' number format, the value axis' number format)
FORMATS = {"percent": ("0.00%", "0.0%"), "dollars": ("$#,##0", "$#,##0"),
           "dollars_cents": ("$#,##0.00", "$#,##0.00"), "index": ("0.0", "0")}
#: Rows a chart takes (xlsxwriter's default row is 20 px): CHART_HEIGHT px and a spare row.
CHART_WIDTH, CHART_HEIGHT = 720, 400
CHART_ROWS = CHART_HEIGHT // 20 + 2
FIRST_ROW = 8  # below marking, banner, section, caption, source, note and the back link
HIGHLIGHT, HATCH = "#c0392b", "wide_upward_diagonal"
_MARKERS = {"circle", "square", "diamond", "triangle", "none"}


@dataclass
class ChartSheet:
    """One figure's sheet: its name, the section it belongs to and the figure."""

    name: str
    section: str
    figure: Figure


@dataclass(frozen=True)
class Ref:
    """Where one series of a written chart sits: its name cell and its x and y ranges (0-based)."""

    name: tuple[int, int]
    first: int
    last: int
    x: int
    y: int


def chart_sheets(sections: dict) -> list[ChartSheet]:
    """One :class:`ChartSheet` per figure of the brief with numbers to chart, in brief order,
    named "Chart 01 ..." (unique beside the table sheets)."""
    from wagebrief.brief import workbook

    used = {s.name.lower() for s in workbook.sheets(sections)}
    out = []
    for title, f in figures_of(sections):
        if f.charts:
            out.append(ChartSheet(workbook.sheet_name(f.caption, len(out) + 1, used, prefix="Chart "), title, f))
    return out


def figures_of(sections: dict) -> list[tuple[str, Figure]]:
    """Every figure of the computed sections with its section's title, in brief order."""
    from wagebrief.brief import workbook
    from wagebrief.brief.partial import FailedSection

    return [(s.title, f) for s in workbook.in_order(sections) if not isinstance(s, FailedSection) for f in s.figures]


def pictures(sections: dict) -> list[tuple[str, Figure]]:
    """The figures that cannot be native charts (they carry no numbers to chart): pictures."""
    return [(t, f) for t, f in figures_of(sections) if not f.charts]


def _text(s: str) -> str:
    """A title for xlsxwriter, which reads a leading "=" as a formula."""
    return " " + s if s.startswith("=") else s


def _number(value: Any, unit: str) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        return None
    return float(value) / 100 if unit == "percent" else float(value)


def write_table(ws, fm, ct: ChartTable, unit: str, row: int) -> tuple[list[Ref], int]:
    """``ct`` as a typed table with its header at ``row``; the refs of its series and the row under it."""
    cols = [str(c) for c in ct.data.columns]
    for j, c in enumerate(cols):
        ws.write_string(row, j, c, fm.header)
    series_cols = {s.column for s in ct.series}
    cell_format = fm.number(FORMATS[unit][0])
    for i, rec in enumerate(ct.data.itertuples(index=False), start=row + 1):
        for j, (c, v) in enumerate(zip(cols, rec)):
            if c in series_cols:
                n = _number(v, unit)
                if n is not None:
                    ws.write_number(i, j, n, cell_format)
            elif isinstance(v, (bool, np.bool_)):
                ws.write_string(i, j, "yes" if v else "")
            elif isinstance(v, Real) and math.isfinite(float(v)):
                ws.write_number(i, j, float(v), fm.number("0" if float(v).is_integer() else "0.00"))
            elif not (v is None or (isinstance(v, float) and math.isnan(v))):
                ws.write_string(i, j, str(v))
    last = row + len(ct.data)
    refs = [Ref((row, cols.index(s.column)), row + 1, last, cols.index(ct.x), cols.index(s.column)) for s in ct.series]
    for j, c in enumerate(cols):
        ws.set_column(j, j, min(40.0, max(10.0, len(c) * 0.9 + 2)))
    return refs, last + 1


def _line(s: Series) -> dict:
    if s.kind == "markers":
        return {"none": True}
    out: dict[str, Any] = {}
    if s.color:
        out["color"] = s.color
    if s.width:
        out["width"] = s.width
    if s.dash:
        out["dash_type"] = "dash"
    return out


def _marker(s: Series) -> dict | None:
    if s.marker is None and s.kind != "markers":
        return None
    kind = s.marker if s.marker in _MARKERS else "circle"
    if kind == "none":
        return {"type": "none"}
    out: dict[str, Any] = {"type": kind, "size": 5}
    if s.color:
        out["border"] = {"color": s.color}
        out["fill"] = {"none": True} if s.hollow else {"color": s.color}
    return out


def _series(sheet: str, s: Series, ref: Ref, cd: ChartData, data: pd.DataFrame) -> dict:
    out: dict[str, Any] = {"name": [sheet, *ref.name], "categories": [sheet, ref.first, ref.x, ref.last, ref.x],
                           "values": [sheet, ref.first, ref.y, ref.last, ref.y]}
    if s.kind in ("column", "bar"):
        fill = {"color": s.color} if s.color else {}
        out["fill"] = fill
        if cd.highlight or cd.hatch:
            points = []
            for i in range(len(data)):
                color = HIGHLIGHT if cd.highlight and bool(data[cd.highlight].iat[i]) else s.color or "#7f8c8d"
                if cd.hatch and bool(data[cd.hatch].iat[i]):
                    points.append({"pattern": {"pattern": HATCH, "fg_color": color, "bg_color": "#ffffff"},
                                   "border": {"color": color}})
                else:
                    points.append({"fill": {"color": color}})
            out["points"] = points
        return out
    out["line"] = _line(s)
    if (m := _marker(s)) is not None:
        out["marker"] = m
    return out


def add_chart(book, ws, sheet: str, cd: ChartData, refs: list[tuple[Series, Ref, pd.DataFrame]], row: int, col: int):
    """The native chart of ``cd`` from its written ``refs``, placed at ``row``, ``col``."""
    kind = {"line": "line", "column": "column", "bar": "bar", "scatter": "scatter"}[cd.kind]
    chart = book.add_chart({"type": kind})
    over = book.add_chart({"type": "line"}) if kind == "column" else None
    hidden = []
    for k, (s, ref, data) in enumerate(refs):
        target = over if over is not None and s.kind in ("line", "markers") else chart
        target.add_series(_series(sheet, s, ref, cd, data))
        if not s.legend:
            hidden.append(k)
    if over is not None:
        chart.combine(over)
    axis_format = FORMATS[cd.unit][1]
    chart.set_title({"name": _text(cd.title), "name_font": {"size": 11}})
    x_axis: dict[str, Any] = {"name": _text(cd.x_title)} if cd.x_title else {}
    y_axis: dict[str, Any] = {"num_format": axis_format, "major_gridlines": {"visible": True,
                                                                            "line": {"color": "#e0e0e0"}}}
    if cd.y_title:
        y_axis["name"] = _text(cd.y_title)
    if kind == "scatter":
        xs = [v for _, ref, data in refs for v in pd.to_numeric(data.iloc[:, ref.x], errors="coerce").dropna()]
        if xs:
            x_axis.update({"min": min(xs) - 0.5, "max": max(xs) + 0.5, "major_unit": 1, "num_format": "0"})
    if kind == "bar":  # horizontal: the value axis is x
        x_axis, y_axis = y_axis, x_axis
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom", **({"delete_series": hidden} if hidden else {})})
    chart.set_x_axis(x_axis)
    chart.set_y_axis(y_axis)
    chart.show_blanks_as(cd.blanks)
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
    ws.insert_chart(row, col, chart, {"description": cd.title})
    return chart


def write_chart_sheet(ws, fm, sheet: ChartSheet, banner: str | None, *, heading: str | None = None,
                      back: str | None = None, caption: str | None = None, source: str | None = None) -> None:
    """A figure's sheet: marking, banner, ``heading`` (default "Section: <its section>"), caption
    and source (default the figure's), a link back to sheet ``back``, then per panel its numbers
    and its native chart."""
    from wagebrief.brief import workbook

    back = back or workbook.CONTENTS
    f = sheet.figure
    workbook.head(ws, fm, banner)
    ws.write_string(2, 0, f"Section: {sheet.section}" if heading is None else heading, fm.italic)
    ws.write_string(3, 0, f.caption if caption is None else caption, fm.title)
    if source := (f.source if source is None else source):
        ws.write_string(4, 0, source, fm.italic)
    ws.write_string(5, 0, "The brief's chart as a native Excel chart, drawn from the numbers below it (the "
                          "figure's own); restyle it or change a number and the chart follows.", fm.italic)
    ws.write_url(6, 0, f"internal:'{back}'!A1", fm.link,
                 string="Back to contents" if back == workbook.CONTENTS else f"Back to {back.lower()}")
    row = FIRST_ROW
    for cd in f.charts:
        top = row
        ws.write_string(row, 0, cd.title, fm.bold)
        row += 1
        if cd.note:
            ws.write_string(row, 0, cd.note, fm.italic)
            row += 1
        refs = []
        for ct in cd.tables:
            written, row = write_table(ws, fm, ct, cd.unit, row)
            refs += [(s, r, ct.data) for s, r in zip(ct.series, written)]
            row += 1
        width = max(len(ct.data.columns) for ct in cd.tables)
        add_chart(fm.book, ws, sheet.name, cd, refs, top, width + 1)
        row = max(row, top + CHART_ROWS) + 1
