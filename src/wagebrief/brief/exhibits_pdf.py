"""The exhibit book as a PDF: the list of exhibits, then one exhibit per page.

The page is HTML from ``templates/exhibits.html.j2`` (autoescaped, as every page of the brief),
its tables the brief's own formatted cells (:func:`wagebrief.brief.page.formatted`, so a
suppressed figure is its mark here too; figures kept on one line, words allowed to break) and its charts the brief's drawings as inline SVG
(vector: lines and words print sharply). :func:`wagebrief.brief.pdf.write_pdf` turns it into
the PDF, putting the confidentiality marking and "Page N of M" on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

from wagebrief.brief import figures, page, pdf, workbook

#: A table this wide (columns) gets a landscape page.
WIDE_COLUMNS = 9


#: Where an SVG names or refers to one of its elements (ids, clip paths, hatches, glyphs).
_SVG_ID = re.compile(r'((?:\bid="|url\(#|href="#))([^")]+)')


def inline_svg(fig, prefix: str = "") -> str:
    """A chart as an ``<svg>`` element to put in HTML: matplotlib's SVG without its XML
    declaration and doctype (which only a standalone file has), its ids given ``prefix``:
    every chart numbers its parts the same way ("patch_3"), and in one page they must differ."""
    text = figures.svg(fig)
    text = text[text.index("<svg"):]
    return _SVG_ID.sub(lambda m: m.group(1) + prefix + m.group(2), text) if prefix else text


def table_rows(table) -> dict:
    """A table as the template shows it: its columns and rows of cells, each the brief's display
    string (:func:`wagebrief.brief.page.formatted`, so a suppressed figure is its mark), whether it
    is a figure (kept on one line) and whether it is a link (the ``links`` column's http(s) addresses)."""
    cells = page.formatted(table)
    rows = [[{"text": str(v), "figure": workbook.parse(str(v)).kind in ("number", "date", "blank"),
              "link": c == table.links and str(v).startswith(("http://", "https://"))}
             for c, v in zip(cells.columns, r)] for r in cells.itertuples(index=False)]
    return {"columns": [str(c) for c in cells.columns], "rows": rows}


def html(book) -> str:
    """The exhibit book (a :class:`wagebrief.brief.exhibits.Book`) as one HTML page."""
    pages = []
    for e in book.exhibits:
        if e.table is not None:
            pages.append({"exhibit": e, "table": table_rows(e.table), "svg": None,
                          "wide": len(e.table.data.columns) >= WIDE_COLUMNS})
        else:
            # matplotlib escapes the chart's texts in its SVG; the drawing is trusted as the brief's is.
            pages.append({"exhibit": e, "table": None, "svg": page.trusted(inline_svg(e.figure.figure, f"x{e.number}-")),
                          "wide": False})
    return page.render("exhibits.html.j2", title=f"{book.party} exhibits: {book.unit.name}", book=book, pages=pages)


def write(path: str | Path, book) -> Path:
    """Write ``book`` as a PDF at ``path``, atomically; returns the path."""
    return pdf.write_pdf(html(book), Path(path))
