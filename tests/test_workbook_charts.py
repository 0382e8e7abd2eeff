"""The brief's charts in its workbook as native Excel charts: each chart's XML read back from the
xlsx (openpyxl does not load charts), its series' cell ranges read with openpyxl, and their
numbers checked against what the brief's matplotlib figure draws (its lines, dots, bars and
interval bands), not against the chart data the workbook was written from."""

from __future__ import annotations

import dataclasses
import math
import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from test_export_xlsx import UNIT, brief  # noqa: F401  (the module's workbook fixture)
from wagebrief.brief import exhibits, exhibits_xlsx, workbook, workbook_charts

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
REF = re.compile(r"^'?(.*?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$")
#: The Excel chart element each ChartData kind is drawn as.
TYPES = {"line": ["lineChart"], "column": ["barChart", "lineChart"], "bar": ["barChart"], "scatter": ["scatterChart"]}


def native_charts(path: Path) -> list[dict]:
    """Every chart of the workbook: its plot types and, per series, its name, x and y references."""
    out = []
    with zipfile.ZipFile(path) as z:
        for n in sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)):
            root = ET.fromstring(z.read(n))
            plot = root.find(f"{C}chart/{C}plotArea")
            types, series = [], []
            for el in plot:
                if not el.tag.endswith("Chart"):
                    continue
                types.append(el.tag.removeprefix(C))
                bar_dir = el.find(f"{C}barDir")
                for ser in el.findall(f"{C}ser"):
                    x = _first(ser, "cat/numRef/f", "cat/strRef/f", "xVal/numRef/f", "xVal/strRef/f")
                    y = _first(ser, "val/numRef/f", "yVal/numRef/f")
                    series.append({"name": ser.find(f"{C}tx/{C}strRef/{C}f").text, "x": x.text, "y": y.text,
                                   "horizontal": bar_dir is not None and bar_dir.get("val") == "bar"})
            out.append({"file": n, "types": types, "series": series})
    return out


def _first(el, *paths: str):
    """The first element found at one of ``paths`` (an Element with no children is falsy: no ``or``)."""
    for p in paths:
        found = el.find("/".join(C + part for part in p.split("/")))
        if found is not None:
            return found
    raise AssertionError(f"none of {paths} in a series")


def cells(wb, ref: str) -> list:
    """The cells of a reference such as ``'Sheet'!$B$11:$B$25``."""
    m = REF.match(ref)
    assert m, ref
    sheet, c1, r1, c2, r2 = m.groups()
    ws = wb[sheet.replace("''", "'")]
    return [row[0] for row in ws[f"{c1}{r1}:{c2 or c1}{r2 or r1}"]]


def sheet_of(chart: dict) -> str:
    names = {REF.match(s[k]).group(1) for s in chart["series"] for k in ("name", "x", "y")}
    assert len(names) == 1, names  # a chart draws from its own sheet only
    return names.pop()


def _key(x, y) -> tuple:
    if isinstance(x, str):
        m = re.match(r"^FY(\d{4})$", x)
        x = int(m.group(1)) if m else x
    return (None if x is None else (x if isinstance(x, str) else float(x)), float(y))


def same(got: Counter, drawn: Counter) -> bool:
    """The same points, each as often, to 1e-9 (a cell keeps 16 significant digits, not 17)."""
    a, b = sorted(got.elements(), key=_order), sorted(drawn.elements(), key=_order)
    def close(p: tuple, q: tuple) -> bool:
        x_ok = math.isclose(p[0], q[0]) if isinstance(p[0], float) and isinstance(q[0], float) else p[0] == q[0]
        return x_ok and math.isclose(p[1], q[1], rel_tol=1e-9, abs_tol=1e-9)

    ok = len(a) == len(b) and all(close(p, q) for p, q in zip(a, b))
    if not ok:
        print("native only:", got - drawn, "drawn only:", drawn - got)
    return ok


def _order(p: tuple) -> tuple:
    return (str(type(p[0])), p[0] if p[0] is not None else 0, p[1])


def native_points(wb, charts: list[dict]) -> Counter:
    """Every plotted (x, y) of ``charts`` as Excel draws it (a percent cell read in percent points)."""
    out: Counter = Counter()
    for ch in charts:
        for s in ch["series"]:
            xs, ys = cells(wb, s["x"]), cells(wb, s["y"])
            assert len(xs) == len(ys)
            for xc, yc in zip(xs, ys):
                if yc.value is None:
                    continue
                assert isinstance(yc.value, (int, float)), (s["y"], yc.value)
                y = yc.value * 100 if "%" in yc.number_format else yc.value
                out[_key(None if s["horizontal"] else xc.value, y)] += 1
    return out


def drawn_points(fig) -> Counter:
    """Every (x, y) the matplotlib figure plots in data coordinates: line and scatter points, bar
    tops (a horizontal bar's length, with no x), and an interval band's corners once each."""
    out: Counter = Counter()
    for ax in fig.axes:
        label = ax.get_ylabel()
        scale = 1e6 if "$ millions" in label else 1e3 if "$ thousands" in label else 1
        for line in ax.lines:
            if line.get_transform() is not ax.transData:  # a reference line (axhline), not data
                continue
            for x, y in zip(line.get_xdata(), line.get_ydata()):
                if not math.isnan(float(y)):
                    out[_key(x, float(y) * scale)] += 1
        for coll in ax.collections:
            if type(coll).__name__ == "PathCollection":
                for x, y in coll.get_offsets():
                    out[_key(x, y)] += 1
            elif "PolyCollection" in type(coll).__name__:
                corners = {_key(x, y) for path in coll.get_paths() for x, y in path.vertices}
                out.update(corners)
        for container in ax.containers:
            for bar in container:
                if container.orientation == "horizontal":
                    out[_key(None, bar.get_width())] += 1
                else:
                    out[_key(bar.get_x() + bar.get_width() / 2, bar.get_height())] += 1
    return out


def test_every_chart_of_the_brief_is_a_native_chart_of_the_numbers_it_draws(brief):  # noqa: F811
    _, sections, path, _ = brief
    wb = openpyxl.load_workbook(path)
    figs = workbook_charts.figures_of(sections)
    native = workbook_charts.chart_sheets(sections)
    assert len(figs) >= 7 and [ch.figure for ch in native] == [f for _, f in figs]  # all native, in brief order
    charts = native_charts(path)
    by_sheet: dict[str, list[dict]] = {}
    for ch in charts:
        by_sheet.setdefault(sheet_of(ch), []).append(ch)
    for sh in native:
        mine = by_sheet.get(sh.name, [])
        assert len(mine) == len(sh.figure.charts) >= 1, sh.name
        for ch, cd in zip(mine, sh.figure.charts):
            assert ch["types"] == TYPES[cd.kind], (sh.name, ch["types"])
            assert len(ch["series"]) == sum(len(t.series) for t in cd.tables), sh.name
        drawn = drawn_points(sh.figure.figure)
        assert sum(drawn.values()) > 5 and same(native_points(wb, mine), drawn), sh.name
    # The settlement pattern keeps its native chart on its table's sheet.
    assert len(charts) == sum(len(sh.figure.charts) for sh in native) + 1


def test_a_chart_sheet_is_marked_captioned_and_typed(brief):  # noqa: F811
    data, sections, path, wb = brief
    native = workbook_charts.chart_sheets(sections)
    assert workbook.CHARTS not in wb.sheetnames  # no chart is left a picture
    assert wb.sheetnames[-len(native):] == [ch.name for ch in native]
    links = {c.hyperlink.location: row[2].value for row in wb["Contents"].iter_rows() for c in row[:1]
             if c.hyperlink is not None}
    formats = {"percent": "%", "dollars": "$", "dollars_cents": "$", "index": "0.0"}
    for ch in native:
        ws = wb[ch.name]
        assert (ws.cell(3, 1).value, ws.cell(4, 1).value, ws.cell(5, 1).value) == (
            f"Section: {ch.section}", ch.figure.caption, ch.figure.source)
        assert ws.cell(7, 1).hyperlink.location == "'Contents'!A1"
        assert ch.figure.caption in links[f"'{ch.name}'!A1"]
        for cd in ch.figure.charts:
            series_cells = [c for row in ws.iter_rows(min_row=workbook_charts.FIRST_ROW + 1) for c in row
                            if isinstance(c.value, float) and c.column > 1]
            assert series_cells and all(formats[cd.unit] in c.number_format for c in series_cells
                                        if "%" in c.number_format or "$" in c.number_format or cd.unit == "index")
    units = {cd.unit for ch in native for cd in ch.figure.charts}
    assert {"percent", "dollars", "index"} <= units
    contents = [c.value for row in wb["Contents"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("native Excel chart" in t for t in contents)


def test_a_figure_without_numbers_to_chart_stays_a_picture(brief, tmp_path: Path):  # noqa: F811
    data, sections, _, _ = brief
    market = sections["market"]
    plain = dataclasses.replace(market.figures[0], charts=[])
    changed = {**sections, "market": dataclasses.replace(market, figures=[plain, *market.figures[1:]])}
    path = workbook.write(tmp_path / "one-picture.xlsx", data, changed)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == workbook.CHARTS and len(wb[workbook.CHARTS]._images) == 1
    text = [c.value for row in wb[workbook.CHARTS].iter_rows() for c in row if isinstance(c.value, str)]
    assert plain.caption in text and "Section: Market position" in text
    native = workbook_charts.chart_sheets(changed)
    assert plain not in [ch.figure for ch in native]
    assert len(native) == len(workbook_charts.chart_sheets(sections)) - 1
    assert len(native_charts(path)) == sum(len(ch.figure.charts) for ch in native) + 1
    contents = [c.value for row in wb["Contents"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("1 chart that cannot be native Excel charts, as pictures" in t for t in contents)


def test_a_masked_figure_is_an_empty_cell_and_a_gap(brief, tmp_path: Path):  # noqa: F811
    # A number the figure leaves out (NaN: a suppressed cost) is no number in the workbook.
    data, sections, _, _ = brief
    sec = sections["costing"]
    fig = sec.figures[0]
    cd = fig.charts[0]
    frame = cd.tables[0].data.copy()
    col = cd.tables[0].series[0].column
    hidden = float(frame[col].iloc[-1])
    frame.loc[frame.index[-1], col] = float("nan")
    masked = dataclasses.replace(cd, tables=[dataclasses.replace(cd.tables[0], data=frame)])
    changed = {**sections, "costing": dataclasses.replace(sec, figures=[dataclasses.replace(fig, charts=[masked])])}
    path = workbook.write(tmp_path / "masked.xlsx", data, changed)
    wb = openpyxl.load_workbook(path)
    sheet = next(ch.name for ch in workbook_charts.chart_sheets(changed) if ch.figure.charts == [masked])
    values = [c.value for row in wb[sheet].iter_rows() for c in row]
    assert hidden not in values and any(v is not None for v in values)
    xml = next(z for z in native_charts(path) if sheet_of(z) == sheet)
    assert xml["series"]
    with zipfile.ZipFile(path) as z:
        chart_xml = z.read(xml["file"]).decode()
    # xlsxwriter writes no dispBlanksAs for "gap" (Excel's own default); "span" or "zero" would join the line.
    assert 'dispBlanksAs val="span"' not in chart_xml and 'dispBlanksAs val="zero"' not in chart_xml


def test_the_exhibit_books_charts_are_native_too(brief, tmp_path: Path):  # noqa: F811
    data, sections, _, _ = brief
    book = exhibits.build(data, sections, "Employer")
    path = exhibits_xlsx.write(tmp_path / "book.xlsx", book)
    wb = openpyxl.load_workbook(path)
    by_sheet: dict[str, list[dict]] = {}
    for ch in native_charts(path):
        by_sheet.setdefault(sheet_of(ch), []).append(ch)
    charted = [e for e in book.exhibits if e.kind == "chart"]
    assert charted
    for e in charted:
        name = exhibits_xlsx.sheet_name(e)
        assert not wb[name]._images and wb[name].cell(4, 1).value == e.title
        mine = by_sheet.get(name, [])
        assert len(mine) == len(e.figure.charts) >= 1, name
        assert same(native_points(wb, mine), drawn_points(e.figure.figure)), name


@pytest.mark.parametrize("caption", ["=HYPERLINK(\"x\")", "Top-step pay: [a] / b?"])
def test_chart_sheet_names_are_valid(caption):
    used: set[str] = {"01 a"}
    name = workbook.sheet_name(caption, 1, used, prefix="Chart ")
    assert name.startswith("Chart 01 ") and len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
