"""Every table of a brief as an Excel workbook: one sheet per table, in brief order.

The workbook is written from the same :class:`~wagebrief.brief.section.Section` objects the
brief is built from (:func:`wagebrief.brief.partial.compute`), so its figures are the brief's.
Each table sheet carries the confidentiality marking, the SYNTHETIC banner when an input is
invented, the section, the table's caption, source line and note, then the table with its
header row frozen. Each chart of the brief follows on a sheet of its own as a native Excel chart
drawn from the figure's own numbers, written there as a typed table
(:mod:`wagebrief.brief.workbook_charts`); a chart that cannot be native is a picture on the
"Charts" sheet. A first "Contents" sheet links to every sheet and lists what each input is
(:func:`wagebrief.brief.data.input_labels`, as on the cover).

Cells are typed, not pasted as text: where a table keeps a number the number is written (a
percent column of percent points as a fraction with a percent format), else the brief's
display string is read back: "2.50%" is 0.025 under ``0.00%``, "$1,234.56" is 1234.56 under a
currency format, "2025-07-01" a date, "—" an empty cell. A number is written only when Excel,
showing it with its format, shows the brief's figure; a tie that Excel would round the other
way is written as the figure shown. Text is always written as text (never a formula).

Small groups: a figure the brief suppresses reads "suppressed: fewer than N employees" in the
table the brief shows, and that text is what is written here; the workbook has no other source
of numbers. xlsxwriter writes (native number formats, frozen panes, charts); openpyxl, already
a dependency, reads workbooks back.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from io import BytesIO
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Real
from pathlib import Path
from typing import Any

import pandas as pd

from wagebrief import io
from wagebrief.brief import data as brief_data
from wagebrief.brief.page import CONFIDENTIAL, formatted
from wagebrief.brief.section import Section, Table
from wagebrief.inputs import provenance

#: The keys of :func:`wagebrief.brief.partial.compute`, in the order the brief shows them.
ORDER = ["summary", "settlements", "inflation", "outlook", "market", "costing", "factors", "methodology", "appendix"]
APPENDIX_COLUMNS = ["Settlement", "Jurisdiction", "Term", "Type", "Effective", "Event", "Value", "Source", "Link"]
STATED_COLUMNS = ["Jurisdiction", "Term", "Source's figure", "Raises added", "Compounded (in the brief)",
                  "The source's figure is", "Source", "Link"]
CONTENTS = "Contents"
#: The sheet of the brief's charts that cannot be native charts, as pictures.
CHARTS = "Charts"
#: Rows above a table sheet's header (0-based): marking, banner, section, caption, source, note, link.
HEADER_ROW = 7
MISSING = "—"
DATE_FORMAT = "yyyy-mm-dd"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_PCT = re.compile(rf"^([+-]?){_NUM}%$")
_DOLLARS = re.compile(rf"^([+-]?)\$([+-]?){_NUM}$")
_PLAIN = re.compile(rf"^([+-]?){_NUM}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Cell:
    """What one table cell becomes: ``kind`` number, date, text, url or blank."""

    kind: str
    value: Any = None
    number_format: str | None = None
    #: the brief's display string (the text of a link)
    shown: str = ""


@dataclass
class Sheet:
    """One table sheet: its name, the section it belongs to and the table."""

    name: str
    section: str
    table: Table


# --------------------------------------------------------------------------- cells

def _decimals(frac: str | None) -> str:
    return "." + "0" * len(frac) if frac else ""


def _signed(fmt: str, sign: str) -> str:
    """``fmt`` for positives; a "+" shown means the brief signs every figure, zero included."""
    if sign == "+":
        return f"+{fmt};-{fmt};+{fmt}"
    return f"{fmt};-{fmt}"


def parse(shown: str) -> Cell:
    """A display string read back into a typed cell (see the module docstring)."""
    s = shown.strip()
    if s in ("", MISSING):
        return Cell("blank", shown=shown)
    if m := _PCT.match(s):
        sign, whole, frac = m.groups()
        number = float(Decimal(sign + whole.replace(",", "") + ("." + frac if frac else "")) / 100)
        base = ("#,##0" if "," in whole else "0") + _decimals(frac) + "%"
        return Cell("number", number, _signed(base, sign), shown)
    if m := _DOLLARS.match(s):
        sign1, sign2, whole, frac = m.groups()
        sign = sign1 or sign2
        number = float(Decimal(sign + whole.replace(",", "") + ("." + frac if frac else "")))
        base = "#,##0" + _decimals(frac)
        neg = f"$-{base}" if sign2 == "-" else f"-${base}"
        pos = f"+${base}" if sign == "+" else f"${base}"
        return Cell("number", number, f"{pos};{neg};{pos}", shown)
    if (m := _PLAIN.match(s)) and not re.match(r"^[+-]?0\d", s):  # "06103" is a code, not a number
        sign, whole, frac = m.groups()
        number = float(Decimal(sign + whole.replace(",", "") + ("." + frac if frac else "")))
        base = ("#,##0" if "," in whole or abs(number) < 1000 else "0") + _decimals(frac)
        return Cell("number", number, _signed(base, sign) if sign == "+" else base, shown)
    if _DATE.match(s):
        try:
            return Cell("date", dt.date.fromisoformat(s), DATE_FORMAT, shown)
        except ValueError:
            pass
    return Cell("text", shown, None, shown)


def _shown_decimals(number_format: str) -> int:
    first = number_format.split(";")[0]
    return len(first.split(".")[1].rstrip("%")) if "." in first else 0


def _agrees(value: float, shown: float, number_format: str) -> bool:
    """Whether Excel (half away from zero) shows ``value`` as ``shown`` under ``number_format``."""
    places = _shown_decimals(number_format) + (2 if "%" in number_format else 0)
    try:
        q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return q == Decimal(repr(shown)).quantize(Decimal(1).scaleb(-places)) and not (q == 0 and value < 0)
    except InvalidOperation:
        return False


def cell(raw: Any, shown: str, percent_points: bool = False, link: bool = False, signed: bool = False) -> Cell:
    """One table cell: ``raw`` the table's own value, ``shown`` the brief's display string.

    The table's number is kept when it has one and Excel would show it as the brief does
    (``percent_points``: the number is in percent, 2.5 for 2.5%); else ``shown`` is read back.
    ``signed``: the column's format signs every figure, so a negative one's cell does too."""
    shown = str(shown)
    if link and shown.startswith(("http://", "https://")) and len(shown) <= 2000:
        return Cell("url", shown, None, shown)
    out = parse(shown)
    if signed and out.kind == "number" and "$" not in out.number_format and not out.number_format.startswith("+"):
        out = Cell("number", out.value, _signed(out.number_format.split(";")[0], "+"), shown)
    if (out.kind == "number" and isinstance(raw, Real) and not isinstance(raw, bool) and pd.notna(raw)):
        value = float(raw) / 100 if "%" in (out.number_format or "") and percent_points else float(raw)
        if _agrees(value, out.value, out.number_format):
            return Cell("number", value, out.number_format, shown)
    if out.kind == "date" and isinstance(raw, (pd.Timestamp, dt.datetime)) and not pd.isna(raw):
        return Cell("date", raw.date() if raw.date() == out.value else out.value, DATE_FORMAT, shown)
    return out


def table_cells(table: Table) -> list[list[Cell]]:
    """Every data cell of ``table``, row by row, as written to its sheet."""
    shown = formatted(table)
    percent_points = {c for c, spec in table.formats.items() if spec.rstrip().endswith("%")}
    signed = {c for c, spec in table.formats.items() if ":+" in spec}
    rows = []
    for i in range(len(shown)):
        rows.append([cell(table.data.iat[i, j], shown.iat[i, j], col in percent_points, col == table.links,
                          col in signed) for j, col in enumerate(shown.columns)])
    return rows


# --------------------------------------------------------------------------- sheets

def appendix_section(data) -> Section:
    """The brief's appendix (:mod:`wagebrief.brief.appendix`, HTML in the brief) as tables:
    every comparator settlement event with its source and link, and the totals the sources state."""
    from wagebrief.brief import appendix

    events = pd.DataFrame([r["cells"] + [r["url"]] for r in appendix.appendix_rows(data)], columns=APPENDIX_COLUMNS)
    tables = [Table("Appendix: comparator settlements, event by event", events, links="Link",
                    source="Source: each row's own source and link, as the settlement files give them.")]
    stated = appendix.stated_rows(data)
    if stated:
        frame = pd.DataFrame([r["cells"] + [r["url"]] for r in stated], columns=STATED_COLUMNS)
        tables.append(Table("Totals as the sources state them", frame, links="Link",
                            source="Source: each row's own source and link; wagebrief contract metrics.",
                            note="Sources often state a contract's total by adding its raises; the brief's tables "
                                 "show the raises compounded (each on the pay the last one set)."))
    return Section("Appendix: comparator settlements", tables=tables)


def with_appendix(data, sections: dict) -> dict:
    """``sections`` with the appendix added under "appendix" (a problem box if it cannot be made)."""
    from wagebrief.brief import partial

    if "appendix" in sections:
        return sections
    try:
        extra = appendix_section(data)
    except Exception as exc:  # as in the brief: the appendix's failure is its own
        extra = partial.failed("appendix", exc, data.root)
    return {**sections, "appendix": extra}


def in_order(sections: dict) -> list[Section]:
    """The computed sections as the brief shows them (the factors one after another)."""
    out: list[Section] = []
    for key in ORDER:
        v = sections.get(key)
        out += [s for s in (v if isinstance(v, list) else [v]) if s is not None]
    return out


def sheet_name(caption: str, number: int, used: set[str], prefix: str = "") -> str:
    """A valid, unique sheet name: "07 Market position by benchmar…" (<= 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe), after ``prefix`` ("Chart ")."""
    base = " ".join(_BAD_SHEET_CHARS.sub(" ", caption).split()).strip("' ") or "Table"
    name = f"{prefix}{number:02d} {base}"[:31].rstrip("' ")
    k = 2
    while name.lower() in used or name.lower() in ("history", CONTENTS.lower(), CHARTS.lower()):
        tail = f" ({k})"
        name = f"{prefix}{number:02d} {base}"[:31 - len(tail)].rstrip("' ") + tail
        k += 1
    used.add(name.lower())
    return name


def sheets(sections: dict) -> list[Sheet]:
    """One :class:`Sheet` per table of the brief, in brief order."""
    used: set[str] = set()
    out = []
    for s in in_order(sections):
        for t in s.tables:
            out.append(Sheet(sheet_name(t.caption, len(out) + 1, used), s.title, t))
    return out


# --------------------------------------------------------------------------- writing

class _Formats:
    """xlsxwriter format objects, one per distinct number format."""

    def __init__(self, book) -> None:
        self.book = book
        self._cache: dict[str, Any] = {}
        self.marking = book.add_format({"bold": True, "font_color": "#b00020"})
        self.banner = book.add_format({"bold": True, "font_color": "#ffffff", "bg_color": "#b00020"})
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.bold = book.add_format({"bold": True})
        self.italic = book.add_format({"italic": True, "font_color": "#444444"})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1,
                                       "bg_color": "#eeeeee"})
        self.link = book.add_format({"font_color": "blue", "underline": 1})

    def number(self, fmt: str):
        if fmt not in self._cache:
            self._cache[fmt] = self.book.add_format({"num_format": fmt})
        return self._cache[fmt]


def _width(texts: list[str]) -> float:
    return min(60.0, max([8.0] + [len(t) * 1.1 + 2 for t in texts]))


def _head(ws, fm: _Formats, banner: str | None) -> None:
    ws.write_string(0, 0, CONFIDENTIAL, fm.marking)
    if banner:
        ws.write_string(1, 0, banner, fm.banner)


def _write_table(ws, fm: _Formats, sheet: Sheet, banner: str | None, *, heading: str | None = None,
                 back: str = CONTENTS) -> None:
    """A table sheet: marking, banner, ``heading`` (default "Section: <its section>"), caption,
    source, note, a link back to sheet ``back``, then the typed table under a frozen header row."""
    t = sheet.table
    _head(ws, fm, banner)
    ws.write_string(2, 0, f"Section: {sheet.section}" if heading is None else heading, fm.italic)
    ws.write_string(3, 0, t.caption, fm.title)
    if t.source:
        ws.write_string(4, 0, t.source, fm.italic)
    if t.note:
        ws.write_string(5, 0, f"Note: {t.note}", fm.italic)
    ws.write_url(6, 0, f"internal:'{back}'!A1", fm.link,
                 string="Back to contents" if back == CONTENTS else f"Back to {back.lower()}")
    columns = [str(c) for c in t.data.columns]
    for j, c in enumerate(columns):
        ws.write_string(HEADER_ROW, j, c, fm.header)
    rows = table_cells(t)
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        for j, c in enumerate(row):
            if c.kind == "number":
                ws.write_number(i, j, c.value, fm.number(c.number_format))
            elif c.kind == "date":
                ws.write_datetime(i, j, dt.datetime.combine(c.value, dt.time()), fm.number(DATE_FORMAT))
            elif c.kind == "url":
                ws.write_url(i, j, c.value, fm.link, string=c.shown)
            elif c.kind == "text":
                ws.write_string(i, j, c.value)
    for j, c in enumerate(columns):
        ws.set_column(j, j, _width([c[:40]] + [r[j].shown for r in rows]))
    ws.freeze_panes(HEADER_ROW + 1, 0)
    if rows:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), len(columns) - 1)
    _chart(ws, fm, sheet, rows)


#: The sheet writers the exhibit book's workbook (:mod:`wagebrief.brief.exhibits`) shares, so
#: its cells are typed, formatted and marked as these are.
Formats = _Formats
head = _head
write_table = _write_table


def _chart(ws, fm: _Formats, sheet: Sheet, rows: list[list[Cell]]) -> None:
    """The settlement pattern by year as a native line chart beside its table."""
    t = sheet.table
    if not t.caption.startswith("The pattern by year") or not rows:
        return
    cols = [str(c) for c in t.data.columns]
    wanted = [c for c in ("Median", "Mean", "Low", "High", "Pattern") if c in cols]
    if "Fiscal year" not in cols or not wanted:
        return
    chart = fm.book.add_chart({"type": "line"})
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rows)
    cat = cols.index("Fiscal year")
    for name in wanted:
        j = cols.index(name)
        chart.add_series({"name": [sheet.name, HEADER_ROW, j], "categories": [sheet.name, first, cat, last, cat],
                          "values": [sheet.name, first, j, last, j], "marker": {"type": "circle", "size": 4}})
    chart.set_title({"name": "Comparator base increases by fiscal year"})
    chart.set_y_axis({"num_format": "0.0%", "name": "Base increase"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 360})
    chart.show_blanks_as("gap")
    ws.insert_chart(HEADER_ROW, len(cols) + 1, chart)


def _write_charts(ws, fm: _Formats, charts: list[tuple[str, Any]], banner: str | None) -> None:
    """The brief's charts that cannot be native as pictures, in brief order, each under its
    section, caption and source: the brief's own drawing, so a suppressed figure stays out of it
    as it does there."""
    from wagebrief.brief import figures

    _head(ws, fm, banner)
    ws.write_url(2, 0, f"internal:'{CONTENTS}'!A1", fm.link, string="Back to contents")
    row = 4
    for section, f in charts:
        ws.write_string(row, 0, f"Section: {section}", fm.italic)
        ws.write_string(row + 1, 0, f.caption, fm.title)
        if f.source:
            ws.write_string(row + 2, 0, f.source, fm.italic)
        png = figures.png(f.figure, dpi=96)
        height = float(f.figure.get_size_inches()[1]) * 96
        ws.insert_image(row + 3, 0, "chart.png", {"image_data": BytesIO(png), "object_position": 3,
                                                  "description": f.caption})
        row += 5 + int(height / 20) + 1


def _write_contents(ws, fm: _Formats, data, labels, banner: str | None, book_sheets: list[Sheet],
                    failed: list[Section], charts: int, native: list | None = None) -> None:
    u = data.unit
    _head(ws, fm, banner)
    ws.write_string(2, 0, f"{u.name}: the brief's tables", fm.title)
    as_of = getattr(data, "as_of", None)
    line = f"Employer: {u.employer.name}; cycle {u.cycle_year}; generated {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
    ws.write_string(3, 0, line + (f"; position as of {as_of:%Y-%m-%d}" if as_of is not None else ""))
    ws.write_string(5, 0, "What this brief is built from:", fm.bold)
    r = 6
    for lab in labels:
        ws.write_string(r, 0, lab.text)
        r += 1
    r += 1
    if failed:
        ws.write_string(r, 0, "Sections that could not be computed (their tables are not in this workbook):", fm.bold)
        r += 1
        for s in failed:
            ws.write_string(r, 0, f"{s.title}: {'; '.join(getattr(s, 'problems', []))}")
            r += 1
        r += 1
    for j, h in enumerate(("Sheet", "Section", "Table")):
        ws.write_string(r, j, h, fm.header)
    for i, sh in enumerate(book_sheets, start=r + 1):
        ws.write_url(i, 0, f"internal:'{sh.name}'!A1", fm.link, string=sh.name)
        ws.write_string(i, 1, sh.section)
        ws.write_string(i, 2, sh.table.caption)
    native = native or []
    for i, ch in enumerate(native, start=r + len(book_sheets) + 1):
        ws.write_url(i, 0, f"internal:'{ch.name}'!A1", fm.link, string=ch.name)
        ws.write_string(i, 1, ch.section)
        ws.write_string(i, 2, f"Chart: {ch.figure.caption} (a native Excel chart and its numbers)")
    if charts:
        i = r + len(book_sheets) + len(native) + 1
        ws.write_url(i, 0, f"internal:'{CHARTS}'!A1", fm.link, string=CHARTS)
        ws.write_string(i, 1, "Every section")
        ws.write_string(i, 2, f"The brief's {charts} chart{'s' if charts != 1 else ''} that cannot be native Excel "
                              "charts, as pictures")
    if native:
        ws.write_string(r + len(book_sheets) + len(native) + bool(charts) + 2, 0,
                        "The charts are native Excel charts drawn from the numbers on their sheets; the settlement "
                        "pattern is also a native chart on its table's sheet.", fm.italic)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, _width([sh.section for sh in book_sheets]))
    ws.set_column(2, 2, 80)


def write(path: str | Path, data, sections: dict) -> Path:
    """Write the workbook of a brief (``data`` from :func:`wagebrief.brief.partial.load`,
    ``sections`` from :func:`~wagebrief.brief.partial.compute`, the appendix added by
    :func:`with_appendix`) to ``path``, atomically."""
    import xlsxwriter

    from wagebrief.brief import workbook_charts
    from wagebrief.brief.partial import FailedSection

    path = Path(path)
    sections = with_appendix(data, sections)
    labels = brief_data.input_labels(data)
    banner = provenance.banner(labels)
    book_sheets = sheets(sections)
    failed = [s for s in in_order(sections) if isinstance(s, FailedSection)]
    native = workbook_charts.chart_sheets(sections)
    charts = workbook_charts.pictures(sections)
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{data.unit.name}: brief tables", "comments": CONFIDENTIAL,
                         "keywords": "confidential"})
    fm = _Formats(book)
    contents = book.add_worksheet(CONTENTS)
    for sh in book_sheets:
        ws = book.add_worksheet(sh.name)
        ws.set_header(f"&L{CONFIDENTIAL}")  # printed on every page too
        _write_table(ws, fm, sh, banner)
    for ch in native:
        ws = book.add_worksheet(ch.name)
        ws.set_header(f"&L{CONFIDENTIAL}")
        workbook_charts.write_chart_sheet(ws, fm, ch, banner)
    if charts:
        ws = book.add_worksheet(CHARTS)
        ws.set_header(f"&L{CONFIDENTIAL}")
        _write_charts(ws, fm, charts, banner)
    contents.set_header(f"&L{CONFIDENTIAL}")
    _write_contents(contents, fm, data, labels, banner, book_sheets, failed, len(charts), native)
    contents.activate()
    book.close()
    with io.atomic_write(path, "wb") as fh:
        fh.write(buffer.getvalue())
    return path


def default_path(unit: str, cycle_year: int, root: str | Path | None = None) -> Path:
    """Where a brief's workbook goes: beside its HTML, ``reports/<cycle>/<unit>.xlsx``."""
    from wagebrief.config import paths

    return paths(root).reports / str(cycle_year) / f"{unit}.xlsx"
