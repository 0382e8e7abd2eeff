"""The exhibit book as a PDF: the list of exhibits, then one exhibit per page.

The page is HTML from ``templates/exhibits.html.j2`` (autoescaped, as every page of the brief),
its tables the brief's own formatted cells (:func:`wagebrief.brief.page.table_html`, so a
suppressed figure is its mark here too) and its charts the brief's drawings as inline SVG
(vector: lines and words print sharply). :func:`wagebrief.brief.pdf.write_pdf` turns it into
the PDF, putting the confidentiality marking and "Page N of M" on every page.
"""

from __future__ import annotations

from pathlib import Path

from wagebrief.brief import figures, page, pdf

#: A table this wide (columns) gets a landscape page.
WIDE_COLUMNS = 9


def inline_svg(fig) -> str:
    """A chart as an ``<svg>`` element to put in HTML: matplotlib's SVG without its XML
    declaration and doctype (which only a standalone file has)."""
    text = figures.svg(fig)
    return text[text.index("<svg"):]


def html(book) -> str:
    """The exhibit book (a :class:`wagebrief.brief.exhibits.Book`) as one HTML page."""
    pages = []
    for e in book.exhibits:
        if e.table is not None:
            pages.append({"exhibit": e, "table": page.table_html(e.table), "svg": None,
                          "wide": len(e.table.data.columns) >= WIDE_COLUMNS})
        else:
            # matplotlib escapes the chart's texts in its SVG; the drawing is trusted as the brief's is.
            pages.append({"exhibit": e, "table": None, "svg": page.trusted(inline_svg(e.figure.figure)),
                          "wide": False})
    return page.render("exhibits.html.j2", title=f"{book.party} exhibits: {book.unit.name}", book=book, pages=pages)


def write(path: str | Path, book) -> Path:
    """Write ``book`` as a PDF at ``path``, atomically; returns the path."""
    return pdf.write_pdf(html(book), Path(path))
