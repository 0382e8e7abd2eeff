"""A brief as a Word document an analyst cuts, edits and restyles (``wagebrief export --format docx``).

The document is written from the same :class:`~wagebrief.brief.section.Section` objects the
brief is built from (:func:`wagebrief.brief.partial.compute`, the appendix added as tables by
:func:`wagebrief.brief.workbook.with_appendix`), in the brief's order, so its words and figures
are the brief's. Everything is Word's own: section titles in "Heading 1", table and chart
captions in "Heading 2", tables as Word tables whose cells are the brief's display strings
(:func:`wagebrief.brief.page.formatted`: a small group's figure reads "suppressed: ..." here as
it does there), charts as PNG pictures (their caption the alt text) with their source line
under them. Source lines, notes, caveats and table text have named paragraph styles of their
own ("Source Line", "Caveat", "Table Text"), so restyling one restyles them all.

The confidentiality marking (and the SYNTHETIC banner when an input is invented) is in the page
header, which every later Word section links to, so it is on every page; the cover repeats both
and says what each input is. Each brief section starts a Word section of its own, landscape
when a table of it is wider than :data:`WIDE` columns. A section that could not be computed
shows its problems where it would have been.

python-docx writes (``python-docx>=1.1``): Word's default template gives the built-in heading,
list and table styles. Section text is Markdown; markdown-it-py (a dependency of jupytext and
rich) parses it inline, so bold, italics, code and links become runs and no markup reaches Word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Iterable

from wagebrief import io
from wagebrief.brief import data as brief_data
from wagebrief.brief.page import CONFIDENTIAL, formatted
from wagebrief.brief.section import Figure, Section, Table
from wagebrief.brief.words import vocab
from wagebrief.inputs import provenance

#: A section with a table of more columns than this is laid out landscape.
WIDE = 8
#: The paragraph styles this module adds to Word's defaults: name -> (size pt, bold, italic, RGB hex).
STYLES = {
    "Confidential Marking": (9, True, False, "B00020"),
    "Synthetic Banner": (10, True, False, "B00020"),
    "Table Text": (7.5, False, False, None),  # as the brief's print CSS sets its tables
    "Source Line": (8, False, True, "444444"),
    "Caveat": (9, False, True, "333333"),
    "Problem": (10, True, False, "B00020"),
}
HEADING, CAPTION = "Heading 1", "Heading 2"
TABLE_STYLE = "Table Grid"
LINK_COLOR = "0563C1"
FIGURE_DPI = 150
#: Table text at 7.5 pt: about this many inches a character (a digit of a wide serif), plus the
#: cell's own margins (:data:`CELL_MARGIN_IN` a side) and a little for the grid lines.
CHAR_IN, CELL_MARGIN_IN = 0.068, 0.04
CELL_PAD_IN = 2 * CELL_MARGIN_IN + 0.03
MARGIN_IN = 0.6


@dataclass(frozen=True)
class Span:
    """A run of text with its Markdown emphasis; ``href`` set for a link's text."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


def spans(markdown: str) -> list[Span]:
    """One paragraph of Markdown as runs: bold, italics, code and links kept as run properties,
    any other markup (inline HTML, images) kept as its plain text, line breaks as spaces."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(markdown)
    out: list[Span] = []
    bold = italic = 0
    href = ""
    for tok in (tokens[0].children or []) if tokens else []:
        kind = tok.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(tok.attrs.get("href", ""))
        elif kind == "link_close":
            href = ""
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span(" ", bold > 0, italic > 0, False, href))
        elif kind == "image":  # its alt text: Word gets no picture from a paragraph's words
            out.append(Span(tok.content, bold > 0, italic > 0, False, href))
        elif tok.content:  # text, code_inline, html_inline (shown as typed, as the brief escapes it)
            out.append(Span(tok.content, bold > 0, italic > 0, kind == "code_inline", href))
    return out


# --------------------------------------------------------------------------- low-level Word

def _rgb(hex_color: str):
    from docx.shared import RGBColor

    return RGBColor.from_string(hex_color)


def _shade(element, fill: str) -> None:
    """A background ``fill`` on a paragraph's or cell's properties (``w:shd``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element.append(shd)


def _add_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    for name, (size, bold, italic, color) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        if color:
            style.font.color.rgb = _rgb(color)
        fmt = style.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0 if name == "Table Text" else 4)
    _shade(doc.styles["Synthetic Banner"].element.get_or_add_pPr(), "FDECEA")


def _run(paragraph, span: Span):
    run = paragraph.add_run(span.text)
    run.bold = span.bold or None
    run.italic = span.italic or None
    if span.code:
        run.font.name = "Courier New"
    return run


def hyperlink(paragraph, url: str, text: str, bold: bool = False, italic: bool = False) -> None:
    """Append ``text`` to ``paragraph`` as a link to ``url`` (an external relationship)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = _run(paragraph, Span(text, bold, italic))
    run.font.color.rgb = _rgb(LINK_COLOR)
    run.underline = True
    link.append(run._r)  # moves the run from the paragraph into the link
    paragraph._p.append(link)


def add_markdown(paragraph, markdown: str) -> None:
    """Append one paragraph of Markdown to ``paragraph`` as runs (http(s) links as links)."""
    for s in spans(markdown):
        if s.href.startswith(("http://", "https://")):
            hyperlink(paragraph, s.href, s.text, s.bold, s.italic)
        else:
            _run(paragraph, s)


def _labelled(doc, label: str, text: str, style: str | None = None):
    p = doc.add_paragraph(style=style)
    p.add_run(label).bold = True
    p.add_run(text)
    return p


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (``PAGE``...) that Word fills in; ``placeholder`` shows until it does."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = _run(paragraph, Span(placeholder))
    fld.append(run._r)
    paragraph._p.append(fld)


def _page_setup(section, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches

    short, long_ = Inches(8.5), Inches(11)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))


def _usable_width(section) -> float:
    """Inches between the margins."""
    return (section.page_width - section.left_margin - section.right_margin) / 914400


def _header_and_footer(section, banner: str | None, unit_name: str) -> None:
    """The marking (and banner) on every page: later sections link to this header and footer.
    The cover's own page shows the banner large in its body, so its header has the marking only."""
    section.different_first_page_header_footer = True
    for header, with_banner in ((section.header, True), (section.first_page_header, False)):
        head = header.paragraphs[0]
        head.style = "Confidential Marking"
        head.text = CONFIDENTIAL
        if banner and with_banner:
            header.add_paragraph(banner, style="Synthetic Banner")
    for footer in (section.footer, section.first_page_footer):
        foot = footer.paragraphs[0]
        foot.style = "Source Line"
        foot.add_run(f"{CONFIDENTIAL}. {unit_name}. Page ")
        _field(foot, "PAGE", "1")


# --------------------------------------------------------------------------- the brief's parts

def _cover(doc, data, labels, banner: str | None, generated: dt.datetime) -> None:
    """Unit, employer, cycle, dates and vintages, then what each input is (as the HTML cover)."""
    u = data.unit
    if banner:
        doc.add_paragraph(banner, style="Synthetic Banner")
    doc.add_heading(u.name, level=0)
    _labelled(doc, "Employer: ", u.employer.name)
    _labelled(doc, "Cycle: ", str(u.cycle_year))
    _labelled(doc, "Occupation group: ", vocab(u.occupation_group))
    _labelled(doc, "Generated: ", f"{generated:%Y-%m-%d %H:%M} UTC")
    as_of = getattr(data, "as_of", None)
    if as_of is not None:
        _labelled(doc, f"Position as of {as_of:%Y-%m-%d}: ", "pay with every increase known by then applied")
    try:
        v = brief_data.vintages(data)
        _labelled(doc, "Data vintage: ", f"latest settlement ratified {v.get('settlement', 'unknown')}; "
                                         f"CPI-U through {v.get('cpi', 'unknown')}; ECI through {v.get('eci', 'unknown')}")
    except Exception as exc:  # the cover still says what it could not date
        _labelled(doc, "Data vintage: ", f"unknown ({exc})")
    doc.add_paragraph().add_run("What this brief is built from:").bold = True
    for lab in labels:
        doc.add_paragraph(lab.text, style="List Bullet")


def _status(doc, failed: list[Section], warnings: Iterable[str]) -> None:
    """Under the cover, as in the brief: which sections have problems, and the data warnings."""
    warnings = list(warnings)
    if failed:
        p = doc.add_paragraph(style="Problem")
        p.add_run("RENDERED WITH PROBLEMS: ")
        names = ", ".join(f"“{s.title}”" for s in failed)
        p.add_run(f"{names} could not be computed; each shows its problems where it stands. "
                  "The other sections are complete.").bold = False
    if warnings:
        doc.add_paragraph().add_run("Data warnings:").bold = True
        for w in warnings:
            doc.add_paragraph(w, style="List Bullet")


def _failed(doc, section) -> None:
    problems = list(getattr(section, "problems", []))
    doc.add_heading(section.title, level=1)
    n = len(problems)
    doc.add_paragraph(f"PROBLEM: this section could not be computed ({n} problem{'' if n == 1 else 's'}). Every "
                      "other section of this brief is complete; fix the lines below and render again.",
                      style="Problem")
    for line in problems:
        _run(doc.add_paragraph(style="List Bullet"), Span(line, code=True))


def _cell_margins(table, inches: float) -> None:
    """Left and right cell margins of the whole table (``w:tblCellMar``): Word's 0.08" a side
    is room a 16-column table does not have."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(inches * 1440)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _repeat_header(row) -> None:
    """The table's first row repeats at the top of each page it runs onto (``w:tblHeader``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cell(cell, text: str, style_id: str, link: bool = False, bold: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from wagebrief.brief.workbook import parse

    p = cell.paragraphs[0]
    p._p.style = style_id  # by id: python-docx looks a style name up anew each time, slow for 4,000 cells
    if link and text.startswith(("http://", "https://")):
        hyperlink(p, text, text)
        return
    p.add_run(text).bold = bold or None
    if not bold and parse(text).kind in ("number", "blank"):  # figures line up on the right
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def column_widths(columns: list[str], rows: list[list[str]], total_in: float) -> list[float]:
    """Column widths in inches that add up to ``total_in``: each column first gets its longest
    word (a figure such as "$72,303.50" never breaks), then the room left goes to the columns
    whose text would still wrap, in proportion to how much of it there is (cells up to 40
    characters), so a long "Increases applied" column is not squeezed to the width of a "Rank" one."""
    words = [max([len(w) for r in rows for w in r[j].split()] + [len(w) for w in name.split()] + [3])
             for j, name in enumerate(columns)]
    wanted = [max(words[j], min(40, max([len(r[j]) for r in rows] + [0]))) for j in range(len(columns))]
    room = total_in - CELL_PAD_IN * len(columns)
    if sum(words) * CHAR_IN >= room:  # even the words do not fit: every column shrinks alike
        inches = [room * w / sum(words) for w in words]
    else:
        spare, more = room - sum(words) * CHAR_IN, [b - a for a, b in zip(words, wanted)]
        if sum(more) * CHAR_IN >= spare:
            inches = [a * CHAR_IN + spare * m / sum(more) for a, m in zip(words, more)]
        else:  # everything fits on one line: the rest is shared by width
            extra = spare - sum(more) * CHAR_IN
            inches = [b * CHAR_IN + extra * b / sum(wanted) for b in wanted]
    return [w + CELL_PAD_IN for w in inches]


def add_table(doc, table: Table, width_in: float | None = None) -> Any:
    """One of the brief's tables: caption (Heading 2), a Word table of the brief's display
    strings with its header row repeated on each page, then its note and source line; columns
    share ``width_in`` (default: the last page section's width between margins) by content."""
    from docx.shared import Inches

    doc.add_heading(table.caption, level=2)
    shown = formatted(table)
    columns = [str(c) for c in shown.columns]
    rows = [[str(v) for v in r] for r in shown.itertuples(index=False)]
    widths = [Inches(w) for w in column_widths(columns, rows, width_in or _usable_width(doc.sections[-1]))]
    out = doc.add_table(rows=1, cols=len(columns))
    out.style = doc.styles[TABLE_STYLE]
    _cell_margins(out, CELL_MARGIN_IN)
    for col, w in zip(out.columns, widths):
        col.width = w
    head = out.rows[0]
    _repeat_header(head)
    style_id = doc.styles["Table Text"].style_id
    for c, name, w in zip(head.cells, columns, widths):
        _cell(c, name, style_id, bold=True)
        _shade(c._tc.get_or_add_tcPr(), "EEEEEE")
        c.width = w
    link_col = columns.index(str(table.links)) if table.links and str(table.links) in columns else -1
    for values in rows:
        for j, (c, v, w) in enumerate(zip(out.add_row().cells, values, widths)):
            _cell(c, v, style_id, link=j == link_col)
            c.width = w
    if table.note:
        add_markdown(doc.add_paragraph("Note: ", style="Source Line"), table.note)
    if table.source:
        add_markdown(doc.add_paragraph(style="Source Line"), table.source)
    return out


def add_figure(doc, figure: Figure, width_in: float) -> None:
    """A chart: caption (Heading 2), the brief's drawing as a PNG at most ``width_in`` wide
    (its caption the picture's alt text), then its source line."""
    from docx.shared import Inches

    from wagebrief.brief import figures

    doc.add_heading(figure.caption, level=2)
    png = figures.png(figure.figure, dpi=FIGURE_DPI)
    natural = float(figure.figure.get_size_inches()[0])
    shape = doc.add_picture(BytesIO(png), width=Inches(min(natural, width_in)))
    shape._inline.docPr.set("descr", figure.caption)
    if figure.source:
        add_markdown(doc.add_paragraph(style="Source Line"), figure.source)


def add_section(doc, section: Section, width_in: float) -> None:
    """A computed section as the brief shows it: title, paragraphs, tables, caveats, charts."""
    doc.add_heading(section.title, level=1)
    for text in section.text:
        add_markdown(doc.add_paragraph(), text)
    for t in section.tables:
        add_table(doc, t, width_in)
    for c in section.caveats:
        add_markdown(doc.add_paragraph("Note: ", style="Caveat"), c)
    for f in section.figures:
        add_figure(doc, f, width_in)


def new_document():
    """An empty Word document on Word's default template with this module's paragraph styles."""
    import docx

    doc = docx.Document()
    _add_styles(doc)
    return doc


def _wide(section: Section) -> bool:
    return any(len(t.data.columns) > WIDE for t in section.tables)


# --------------------------------------------------------------------------- writing

def write(path: str | Path, data, sections: dict, warnings: Iterable[str] = (),
          generated: dt.datetime | None = None) -> Path:
    """Write the Word document of a brief (``data`` from :func:`wagebrief.brief.partial.load`,
    ``sections`` from :func:`~wagebrief.brief.partial.compute`; the appendix is added here when
    missing) to ``path``, atomically; ``warnings`` are the load's data warnings."""
    from docx.enum.section import WD_SECTION

    from wagebrief.brief import workbook
    from wagebrief.brief.partial import FailedSection

    path = Path(path)
    generated = generated or dt.datetime.now(dt.timezone.utc)
    ordered = workbook.in_order(workbook.with_appendix(data, sections))
    labels = brief_data.input_labels(data)
    banner = provenance.banner(labels)
    doc = new_document()
    props = doc.core_properties
    props.title, props.subject = f"{data.unit.name}: bargaining brief", data.unit.employer.name
    props.author = props.last_modified_by = "wagebrief"
    props.keywords = "confidential, synthetic" if banner else "confidential"
    props.comments = CONFIDENTIAL + (". SYNTHETIC DATA: see the cover" if banner else "")  # 255 characters at most
    props.created = props.modified = generated.replace(tzinfo=None)
    first = doc.sections[0]
    _page_setup(first, landscape=False)
    _header_and_footer(first, banner, data.unit.name)
    _cover(doc, data, labels, banner, generated)
    _status(doc, [s for s in ordered if isinstance(s, FailedSection)], warnings)
    for s in ordered:
        failed = isinstance(s, FailedSection)
        part = doc.add_section(WD_SECTION.NEW_PAGE)  # linked to the first: same header and footer
        part.different_first_page_header_footer = False  # the cover's first-page header is the cover's only
        _page_setup(part, landscape=not failed and _wide(s))
        if failed:
            _failed(doc, s)
        else:
            add_section(doc, s, _usable_width(part))
    buffer = BytesIO()
    doc.save(buffer)
    with io.atomic_write(path, "wb") as fh:
        fh.write(buffer.getvalue())
    return path


def default_path(unit: str, cycle_year: int, root: str | Path | None = None) -> Path:
    """Where a brief's document goes: beside its HTML, ``reports/<cycle>/<unit>.docx``."""
    from wagebrief.config import paths

    return paths(root).reports / str(cycle_year) / f"{unit}.docx"
