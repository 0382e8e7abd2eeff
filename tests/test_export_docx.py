"""The brief as a Word document (``wagebrief export --format docx``), read back with python-docx:
every section a Heading 1, every table a Word table of the brief's own display strings under its
caption, the charts as PNG pictures, the marking in every page header, the cover's inputs and
SYNTHETIC banner, a failed section's problems, and the CLI around it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import docx
import pandas as pd
import pytest
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph
from typer.testing import CliRunner

from wagebrief.brief import data as brief_data, document, page, partial, workbook
from wagebrief.brief.section import Section, Table
from wagebrief.cli import app
from wagebrief.inputs import provenance

UNIT = "city-police"
AS_OF = "2026-11-15"
MARK = "suppressed: fewer than 5 employees"


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    """The demo unit's data and sections, computed once as the brief notebook computes them, and its document."""
    data, warnings = partial.load(UNIT, as_of=AS_OF)
    computed = partial.compute(data)
    sections = workbook.with_appendix(data, computed)
    path = document.write(tmp_path_factory.mktemp("docx") / f"{UNIT}.docx", data, sections, warnings)
    return SimpleNamespace(data=data, computed=computed, sections=workbook.in_order(sections), path=path,
                           doc=docx.Document(str(path)))


def _blocks(doc) -> list:
    return list(doc.iter_inner_content())


def _rows(table: WordTable) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_section_is_a_heading_in_brief_order(brief):
    headings = [p.text for p in brief.doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in brief.sections]
    assert {"Executive summary", "Comparator settlements", "Market position", "What each proposal costs",
            "Methodology and sources", "Appendix: comparator settlements"} <= set(headings)
    assert [p.text for p in brief.doc.paragraphs if p.style.name == "Title"] == [brief.data.unit.name]


def test_every_table_is_a_word_table_of_the_briefs_figures_under_its_caption(brief):
    tables = [t for s in brief.sections for t in s.tables]
    assert len(tables) >= 20
    blocks = _blocks(brief.doc)
    word_tables = [(i, b) for i, b in enumerate(blocks) if isinstance(b, WordTable)]
    assert len(word_tables) == len(tables)
    for (i, got), t in zip(word_tables, tables):
        caption = blocks[i - 1]
        assert isinstance(caption, Paragraph) and caption.style.name == "Heading 2" and caption.text == t.caption
        shown = page.formatted(t)
        rows = _rows(got)
        assert rows[0] == [str(c) for c in shown.columns], t.caption  # the header row
        assert rows[1] == [str(v) for v in shown.iloc[0]], t.caption  # the first data row, as the brief shows it
        assert len(rows) == len(shown) + 1, t.caption
        assert got.rows[0]._tr.trPr.xpath("./w:tblHeader"), t.caption  # repeated on each page it runs onto
        after = [b.text for b in blocks[i + 1:i + 3] if isinstance(b, Paragraph)]
        if t.source:
            assert t.source in after, t.caption
        if t.note:
            assert f"Note: {t.note}" in after, t.caption


def test_every_cell_is_the_briefs_display_string(brief):
    # All of them, not just the first row: the document has no other source of numbers.
    word_tables = brief.doc.tables
    for got, t in zip(word_tables, [t for s in brief.sections for t in s.tables]):
        shown = page.formatted(t)
        assert _rows(got)[1:] == [[str(v) for v in r] for r in shown.itertuples(index=False)], t.caption


def test_a_tables_http_addresses_are_links():
    urls = ["https://portal.ct.gov/award.pdf", "javascript:alert(1)", None]
    t = Table("Appendix", pd.DataFrame({"Settlement": ["A", "B", "C"], "Link": urls}), links="Link")
    doc = document.new_document()
    document.add_table(doc, t)
    cells = [row.cells[1] for row in doc.tables[0].rows[1:]]
    assert [c.text for c in cells] == ["https://portal.ct.gov/award.pdf", "javascript:alert(1)", "—"]
    (link,) = cells[0].paragraphs[0].hyperlinks
    assert link.address == link.text == urls[0]
    assert not cells[1].paragraphs[0].hyperlinks and not cells[2].paragraphs[0].hyperlinks


def test_the_marking_is_in_the_header_of_every_section(brief):
    banner = provenance.banner(brief_data.input_labels(brief.data))
    assert banner  # the demo units are built on invented inputs
    assert len(brief.doc.sections) == len(brief.sections) + 1  # the cover, then one per brief section
    for i, section in enumerate(brief.doc.sections):
        header = [p.text for p in section.header.paragraphs]
        assert header[:2] == [page.CONFIDENTIAL, banner], i
        assert page.CONFIDENTIAL in section.footer.paragraphs[0].text, i
        assert section.different_first_page_header_footer == (i == 0), i
    cover = brief.doc.sections[0]  # its first page carries the banner large in the body instead
    assert [p.text for p in cover.first_page_header.paragraphs] == [page.CONFIDENTIAL]
    assert page.CONFIDENTIAL in cover.first_page_footer.paragraphs[0].text
    props = brief.doc.core_properties
    assert "confidential" in props.keywords and page.CONFIDENTIAL in props.comments


def test_wide_tables_get_landscape_pages(brief):
    from docx.enum.section import WD_ORIENT

    for s, part in zip(brief.sections, brief.doc.sections[1:]):
        wide = any(len(t.data.columns) > document.WIDE for t in s.tables)
        assert (part.orientation == WD_ORIENT.LANDSCAPE) == wide, s.title
        assert part.page_width > part.page_height if wide else part.page_width < part.page_height


def test_the_cover_says_what_each_input_is_and_warns_of_synthetic_ones(brief):
    data = brief.data
    labels = brief_data.input_labels(data)
    paragraphs = brief.doc.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1")
    cover = [p.text for p in paragraphs[:first]]
    bullets = [p.text for p in paragraphs[:first] if p.style.name == "List Bullet"]
    for lab in labels:
        assert lab.text in bullets
    synthetic = [lab for lab in labels if lab.synthetic]
    banner = provenance.banner(labels)
    assert synthetic and banner in cover and all(lab.input in banner for lab in synthetic)
    assert paragraphs[0].style.name == "Synthetic Banner" and paragraphs[0].text == banner
    assert f"Employer: {data.unit.employer.name}" in cover and f"Cycle: {data.unit.cycle_year}" in cover
    assert any(t.startswith("Generated: ") and t.endswith(" UTC") for t in cover)
    assert f"Position as of {AS_OF}: pay with every increase known by then applied" in cover


def test_the_sections_words_and_caveats_are_there_as_written(brief):
    texts = {p.text for p in brief.doc.paragraphs}
    for s in brief.sections:
        for t in s.text:
            assert t in texts, t  # the demo's paragraphs carry no markup: every word as written
        for c in s.caveats:
            assert f"Note: {c}" in texts, c
    assert not [t for t in texts if "**" in t]


def test_every_chart_is_a_png_picture_under_its_caption_with_its_source(brief):
    figs = [f for s in brief.sections for f in s.figures]
    assert len(figs) >= 6
    shapes = brief.doc.inline_shapes
    assert len(shapes) == len(figs)
    blocks = _blocks(brief.doc)
    pictures = [i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b._p.xpath(".//pic:pic")]
    assert len(pictures) == len(figs)
    for shape, i, f in zip(shapes, pictures, figs):
        assert shape._inline.docPr.get("descr") == f.caption  # the caption is its alt text
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        assert brief.doc.part.related_parts[blip.embed].content_type == "image/png"
        assert blocks[i - 1].style.name == "Heading 2" and blocks[i - 1].text == f.caption
        if f.source:
            assert blocks[i + 1].text == f.source and blocks[i + 1].style.name == "Source Line"
        assert shape.width.inches <= min(float(f.figure.get_size_inches()[0]), 11 - 2 * document.MARGIN_IN) + 1e-6


def test_a_failed_section_shows_its_problems(brief, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(brief_data, "vintages", lambda data: {})  # not what this test is about; slow here
    problems = ["data/raw/units/city-police/roster.csv:4:annual_base_salary: expected a number of dollars",
                "data/raw/units/city-police/roster.csv:9:hire_date: expected a date (YYYY-MM-DD)"]
    failed = partial.FailedSection(partial.TITLES["costing"], problems=problems)
    sections = {**brief.computed, "costing": failed}
    doc = docx.Document(str(document.write(tmp_path / "failed.docx", brief.data, sections)))
    paragraphs = doc.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == failed.title)
    following = [p.text for p in paragraphs[at + 1:at + 4]]
    assert following[0].startswith("PROBLEM: this section could not be computed (2 problems)")
    assert following[1:] == problems
    assert any(p.text.startswith("RENDERED WITH PROBLEMS: “What each proposal costs”") for p in paragraphs)
    costing = [t.caption for t in brief.computed["costing"].tables]
    assert not [p for p in paragraphs if p.style.name == "Heading 2" and p.text in costing]
    assert len(doc.tables) == sum(len(s.tables) for s in brief.sections) - len(costing)


def test_a_suppressed_figure_is_written_as_the_brief_shows_it():
    shown = Table("Cost by fiscal year", pd.DataFrame({"Fiscal year": ["FY2028"], "Cost": [MARK], "Rate": [2.5]}),
                  formats={"Rate": "{:.2f}%"})
    doc = document.new_document()
    document.add_table(doc, shown)
    assert _rows(doc.tables[0]) == [["Fiscal year", "Cost", "Rate"], ["FY2028", MARK, "2.50%"]]


def test_markdown_becomes_runs_and_links_never_markup():
    doc = docx.Document()
    p = doc.add_paragraph()
    document.add_markdown(p, "Pay is **5.0% below** the *median*; see [the award](https://example.org/a) "
                             "and `roster.csv`, 3 * 4 = 12.")
    assert p.text == "Pay is 5.0% below the median; see the award and roster.csv, 3 * 4 = 12."
    runs = {r.text: r for r in p.runs}
    assert runs["5.0% below"].bold and runs["median"].italic and not runs["Pay is "].bold
    assert runs["roster.csv"].font.name == "Courier New"
    (link,) = p.hyperlinks
    assert (link.address, link.text) == ("https://example.org/a", "the award")
    assert document.spans("a <b>tag</b> shown\nas typed") == [
        document.Span("a "), document.Span("<b>"), document.Span("tag"), document.Span("</b>"),
        document.Span(" shown"), document.Span(" "), document.Span("as typed")]
    q = doc.add_paragraph()
    document.add_markdown(q, "[the file](data/raw/settlements/ct.csv) and [a script](javascript:alert(1))")
    assert q.text.startswith("the file and ") and not q.hyperlinks  # only http(s) becomes a link


def test_export_cli_writes_the_document_where_asked(brief, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(partial, "compute", lambda data: brief.computed)  # computed once, in the fixture
    written = []
    monkeypatch.setattr(document, "write", lambda path, data, sections, warnings: written.append(
        (data.unit.name, sections, str(getattr(data, "as_of", ""))[:10])) or Path(path))
    out = tmp_path / "brief.docx"
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "docx", "--out", str(out), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(out)
    assert written == [(brief.data.unit.name, brief.computed, AS_OF)]


def test_export_docx_goes_beside_the_briefs_and_waits_for_no_render(brief, project: Path, monkeypatch):
    from wagebrief.run import batch

    monkeypatch.setattr(partial, "compute", lambda data: brief.computed)
    monkeypatch.setattr(brief_data, "vintages", lambda data: {})
    folder = project / "reports" / "2027"
    with batch.locked([folder]):  # a render is writing reports/2027/
        res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "docx", "--as-of", AS_OF])
    assert res.exit_code == 1 and "another 'wagebrief render' is writing" in res.stderr
    assert not (folder / f"{UNIT}.docx").exists()
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "docx", "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(folder / f"{UNIT}.docx")
    assert docx.Document(str(folder / f"{UNIT}.docx")).sections[0].header.paragraphs[0].text == page.CONFIDENTIAL


@pytest.mark.parametrize("args", [["--unit", "no-such-unit"], ["--unit", "../etc/passwd"],
                                  ["--unit", UNIT, "--as-of", "2026-13-40"]])
def test_export_docx_refuses_what_is_not_a_unit_or_date(tmp_path: Path, args):
    out = tmp_path / "brief.docx"
    res = CliRunner().invoke(app, ["export", "--format", "docx", *args, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert "error" in res.stderr.lower()
    if args[1] == "no-such-unit":
        assert "no unit 'no-such-unit'" in res.stderr
    assert not out.exists()




def test_render_refuses_an_unknown_unit_with_docx():
    res = CliRunner().invoke(app, ["render", "--unit", "no-such-unit", "--docx"])
    assert res.exit_code == 2 and "no unit 'no-such-unit'" in res.stderr


@pytest.mark.notebook
def test_render_docx_through_a_real_kernel(project: Path):
    # The brief rendered as `make demo` renders it, and its document beside it from the same inputs.
    assert CliRunner().invoke(app, ["build"]).exit_code == 0
    res = CliRunner().invoke(app, ["render", "--unit", UNIT, "--jobs", "1", "--as-of", AS_OF, "--docx"])
    assert res.exit_code == 0, res.output
    html, path = (project / "reports" / "2027" / f"{UNIT}{ext}" for ext in (".html", ".docx"))
    assert str(path) in res.stdout.splitlines() and html.exists()
    import html as html_mod

    text = html.read_text(encoding="utf-8")
    got = docx.Document(str(path))
    headings = [p.text for p in got.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert len(headings) > 30
    assert all(html_mod.escape(h) in text for h in headings if not h.startswith("Appendix"))
