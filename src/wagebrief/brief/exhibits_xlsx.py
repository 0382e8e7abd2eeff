"""The exhibit book as a workbook: an "Exhibits" sheet listing every exhibit (grouped by statutory
factor, each linked to its sheet), then one sheet per exhibit, "Exhibit 7".

A table exhibit's sheet is written by the brief workbook's own sheet writer
(:func:`wagebrief.brief.workbook.write_table`): the same typed cells (numbers with Excel
formats, dates, "—" empty, a suppressed figure its mark), the marking, the SYNTHETIC banner,
caption, source and note, the header row frozen. A chart exhibit's sheet holds the brief's chart
as a native Excel chart beside the numbers it plots, as the brief's workbook does
(:func:`wagebrief.brief.workbook_charts.write_chart_sheet`), or, for a chart without such
numbers, the brief's drawing as a picture, under the same lines.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from wagebrief import io
from wagebrief.brief import figures, workbook, workbook_charts
from wagebrief.brief.page import CONFIDENTIAL

LIST = "Exhibits"
#: The row (0-based) of the list's header on the Exhibits sheet is found by its first cell.
LIST_HEADER = ("Exhibit", "Sheet", "Statutory factor", "Title", "Kind", "Source")


def sheet_name(exhibit) -> str:
    """An exhibit's sheet: "Exhibit 7" (short, unique and valid whatever the party label)."""
    return f"Exhibit {exhibit.number}"


def heading(book, exhibit) -> str:
    """The line above an exhibit's caption: its label, factor and date."""
    return (f"{book.label(exhibit)} | Statutory factor: {exhibit.factor} | figures as of {book.date}; "
            f"prepared {book.generated} UTC")


def _write_chart(ws, fm, book, exhibit) -> None:
    if exhibit.figure.charts:  # the brief's chart as a native chart, with its numbers
        sheet = workbook_charts.ChartSheet(sheet_name(exhibit), exhibit.section, exhibit.figure)
        workbook_charts.write_chart_sheet(ws, fm, sheet, book.banner, heading=heading(book, exhibit), back=LIST,
                                          caption=exhibit.title, source=exhibit.source)
        return
    workbook.head(ws, fm, book.banner)
    ws.write_string(2, 0, heading(book, exhibit), fm.italic)
    ws.write_string(3, 0, exhibit.title, fm.title)
    ws.write_string(4, 0, exhibit.source, fm.italic)
    ws.write_url(6, 0, f"internal:'{LIST}'!A1", fm.link, string=f"Back to {LIST.lower()}")
    ws.insert_image(workbook.HEADER_ROW, 0, "chart.png", {"image_data": BytesIO(figures.png(exhibit.figure.figure, dpi=96)),
                                                        "object_position": 3, "description": exhibit.title})


def _write_list(ws, fm, book) -> None:
    u = book.unit
    workbook.head(ws, fm, book.banner)
    ws.write_string(2, 0, f"{book.party} exhibits: {u.name}", fm.title)
    ws.write_string(3, 0, f"Employer: {u.employer.name}; cycle {u.cycle_year}; figures as of {book.date}; "
                          f"prepared {book.generated} UTC")
    ws.write_string(5, 0, "What these exhibits are built from:", fm.bold)
    r = 6
    for lab in book.labels:
        ws.write_string(r, 0, lab.text)
        r += 1
    r += 1
    for title, problems in book.failed:
        ws.write_string(r, 0, f"Not in this book: {title} could not be computed: {'; '.join(problems)}", fm.bold)
        r += 1
    r += bool(book.failed)
    for j, h in enumerate(LIST_HEADER):
        ws.write_string(r, j, h, fm.header)
    r += 1
    for factor, items in book.by_factor():
        ws.write_string(r, 0, f"Statutory factor: {factor}", fm.bold)
        r += 1
        if not items:
            ws.write_string(r, 3, " ".join(["No table or chart of the brief bears on this factor.",
                                            *book.missing.get(factor, [])]))
            r += 1
        for e in items:
            ws.write_url(r, 0, f"internal:'{sheet_name(e)}'!A1", fm.link, string=book.label(e))
            for j, text in enumerate((sheet_name(e), e.factor, e.title, e.kind, e.source), start=1):
                ws.write_string(r, j, text)
            r += 1
    for j, w in enumerate((22, 11, 30, 70, 7, 70)):
        ws.set_column(j, j, w)


def write(path: str | Path, book) -> Path:
    """Write ``book`` (a :class:`wagebrief.brief.exhibits.Book`) as a workbook at ``path``, atomically."""
    import xlsxwriter

    path = Path(path)
    buffer = BytesIO()
    xl = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    xl.set_properties({"title": f"{book.party} exhibits: {book.unit.name}", "comments": CONFIDENTIAL,
                       "keywords": "confidential"})
    fm = workbook.Formats(xl)
    listing = xl.add_worksheet(LIST)
    for e in book.exhibits:
        ws = xl.add_worksheet(sheet_name(e))
        ws.set_header(f"&L{CONFIDENTIAL}")  # printed on every page too
        if e.table is not None:
            sheet = workbook.Sheet(sheet_name(e), e.section, e.table)
            workbook.write_table(ws, fm, sheet, book.banner, heading=heading(book, e), back=LIST)
        else:
            _write_chart(ws, fm, book, e)
    listing.set_header(f"&L{CONFIDENTIAL}")
    _write_list(listing, fm, book)
    listing.activate()
    xl.close()
    io.write_bytes(path, buffer.getvalue())
    return path
