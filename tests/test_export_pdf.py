"""The brief as a PDF (``render --pdf``, ``export --format pdf``), read back with pypdf: the marking
and "Page N of M" on every page, every section in the text and in a contents list whose page
numbers are right, table rows whole on one page, charts drawn as vectors."""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

import nbformat
import pypdf
import pytest
from typer.testing import CliRunner

from wagebrief.brief import page, pdf
from wagebrief.cli import app
from wagebrief.run import batch, export_pdf, render

UNIT = "city-police"
AS_OF = "2026-11-15"


def _flat(text: str) -> str:
    """Text without white space: a title or a cell that wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One demo brief rendered with --pdf through a real kernel (as `make demo` does), once."""
    from conftest import scratch_project

    with scratch_project(tmp_path_factory) as root:
        assert CliRunner().invoke(app, ["build"]).exit_code == 0
        res = CliRunner().invoke(app, ["render", "--unit", UNIT, "--jobs", "1", "--as-of", AS_OF, "--pdf"])
        assert res.exit_code == 0, res.output
        html_path = root / "reports" / "2027" / f"{UNIT}.html"
        pdf_path = html_path.with_suffix(".pdf")
        assert str(pdf_path) in res.stdout.splitlines()
        reader = pypdf.PdfReader(pdf_path)
        yield root, html_path.read_text(encoding="utf-8"), reader, [p.extract_text() for p in reader.pages]


@pytest.mark.notebook
def test_every_page_is_marked_and_numbered(rendered):
    *_, texts = rendered
    assert len(texts) > 20
    for i, text in enumerate(texts, 1):
        assert page.CONFIDENTIAL.upper() in text, i  # the margin box prints it in capitals
        assert f"Page {i} of {len(texts)}" in text, i


@pytest.mark.notebook
def test_the_cover_comes_first_with_its_synthetic_banner(rendered):
    _, html, _, texts = rendered
    banner = html_mod.unescape(re.search(r'class="wb-synthetic"><b>(.*?)</b>', html).group(1))
    assert "SYNTHETIC" in banner and _flat(banner) in _flat(texts[0])
    assert "Hartford Police Bargaining Unit" in texts[0]
    # Every page after the banner says at its foot that the brief holds invented figures.
    assert all("Contains SYNTHETIC demonstration data" in t for t in texts)


@pytest.mark.notebook
def test_every_section_is_in_the_contents_at_the_page_it_starts(rendered):
    _, html, _, texts = rendered
    titles = pdf.sections(html)
    assert len(titles) >= 10 and "Market position" in titles and titles[-1].startswith("Appendix")
    contents = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Contents"))
    assert contents == 1  # right after the cover
    listed = _flat(texts[contents])
    for title in titles:
        m = re.search(re.escape(_flat(title)) + r"\.*(\d+)", listed)
        assert m, title
        number = int(m.group(1))
        assert number > contents + 1 and _flat(texts[number - 1]).startswith(_flat(title)), (title, number)
    assert all(any(_flat(t) in _flat(x) for x in texts[contents + 1:]) for t in titles)


@pytest.mark.notebook
def test_the_contents_link_to_each_section(rendered):
    _, html, reader, _ = rendered
    links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    internal = [a for a in links if a.get("/Subtype") == "/Link"
                and ("/Dest" in a or ("/A" in a and a["/A"].get("/S") == "/GoTo"))]
    assert len(internal) >= len(pdf.sections(html))


def test_the_print_stylesheet_keeps_rows_whole_and_repeats_headers():
    css = re.sub(r"\s+", " ", pdf.stylesheet(pdf.PRINT_CSS))
    assert re.search(r"(^|[ }])tr \{ break-inside: avoid", css)
    assert re.search(r"thead \{ display: table-header-group", css)
    assert re.search(r"img, svg, figure \{ break-inside: avoid", css)


@pytest.mark.notebook
def test_no_row_of_the_long_appendix_is_split_across_pages(rendered):
    _, html, _, texts = rendered
    appendix = html[html.index("<h2>Appendix"):]
    appendix = appendix[:appendix.index("</table>")]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", appendix, re.S)[1:]:
        cells = [html_mod.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows.append(_flat("".join(cells)))
    assert len(rows) > 50
    flat_pages = [_flat(t) for t in texts]
    pages = []
    for row in rows:  # a row's cells, in order, all on one page: never its top on one, its rest on the next
        on = [i for i, t in enumerate(flat_pages) if row in t]
        assert on, row[:80]
        pages.append(on[0])
    assert len(set(pages)) >= 5  # the table does run over pages, so a split could have happened


@pytest.mark.notebook
def test_charts_are_vectors_with_their_text_as_text(rendered):
    _, html, reader, texts = rendered
    assert html.count('<img alt="') >= 6 and "data:image/png" not in html
    assert all(len(p.images) == 0 for p in reader.pages)  # not one raster picture in the PDF
    chart = next(i for i, t in enumerate(texts) if "Fiscal year (named by the year it ends)" in t)
    ops = reader.pages[chart].get_contents().get_data()
    forms = [x.get_object() for x in (reader.pages[chart]["/Resources"].get("/XObject") or {}).values()]
    ops += b"".join(f.get_data() for f in forms if f.get("/Subtype") == "/Form")
    assert len(re.findall(rb"\s[lc]\s", ops)) > 50  # drawn as lines and curves


def test_write_pdf_marks_and_numbers_any_page_and_fetches_nothing(tmp_path: Path, httpserver):
    httpserver.expect_request("/chart.png").respond_with_data(b"not an image", content_type="image/png")
    rows = "".join(f"<tr><td>row{i}</td><td>start{i} {'word ' * 40}end{i}</td></tr>" for i in range(120))
    doc = (f'<html><body><h2>A book</h2><img src="{httpserver.url_for("/chart.png")}">'
           f'<link rel="stylesheet" href="{httpserver.url_for("/x.css")}">'
           f"<table><thead><tr><th>Row</th><th>Text</th></tr></thead><tbody>{rows}</tbody></table></body></html>")
    out = pdf.write_pdf(doc, tmp_path / "book.pdf")
    texts = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    assert len(texts) > 2
    for i, text in enumerate(texts, 1):
        assert page.CONFIDENTIAL.upper() in text and f"Page {i} of {len(texts)}" in text
        assert text.count("Row Text") == 1  # the header row repeats on each page
        assert "Contents" not in text  # a generic page gets no contents list
    assert not httpserver.log  # no request left the machine
    for i in range(120):  # each row's first cell, and its long cell's first and last words, on one page
        on = [n for n, t in enumerate(texts) if re.search(rf"\brow{i}\b", t)]
        assert len(on) == 1 and re.search(rf"\bstart{i}\b", texts[on[0]]) and re.search(rf"\bend{i}\b", texts[on[0]])


def test_with_contents_names_and_links_each_heading():
    doc = '<main><h1>T</h1><h2>One &amp; two</h2><p>x</p><h2 id="keep" class="c">Three</h2></main>'
    out = pdf.with_contents(doc)
    assert pdf.sections(doc) == ["One & two", "Three"]
    assert '<a href="#wb-section-1">One &amp; two</a>' in out and '<a href="#keep">Three</a>' in out
    assert '<h2 id="wb-section-1" class="wb-section">One &amp; two</h2>' in out
    assert '<h2 id="keep" class="wb-section c">Three</h2>' in out
    assert out.index('<nav class="wb-contents">') < out.index("One &amp; two</h2>")
    assert pdf.with_contents("<p>no sections</p>") == "<p>no sections</p>"


def test_the_marking_is_a_quoted_css_string():
    assert pdf.css_string('a "b" \\ c\nd') == '"a \\22 b\\22  \\5c  c\\a d"'
    assert pdf.css_string(page.CONFIDENTIAL) in pdf.marking_css()


class _FakeRenderer:
    """Stands in for a kernel: the executed notebook is one HTML output naming the unit."""

    def __init__(self):
        self.calls = []

    def execute(self, params, exports=None, out_dir=None):
        self.calls.append((params, exports))
        nb = nbformat.v4.new_notebook()
        out = nbformat.v4.new_output("display_data", data={"text/html": f"<h2>Brief of {params['unit']}</h2>"})
        nb.cells = [nbformat.v4.new_code_cell("", outputs=[out])]
        return nb


def test_render_pdf_writes_one_beside_each_brief(project: Path):
    fake = _FakeRenderer()
    results = [render.render_with(fake, u, None, project, AS_OF, ["pdf"]) for u in ("city-police", "state-clerical")]
    for res in results:
        assert res.ok and res.export_errors == {}
        assert res.exports == {"pdf": [str(res.path.with_suffix(".pdf"))]}
        text = "".join(p.extract_text() for p in pypdf.PdfReader(res.path.with_suffix(".pdf")).pages)
        assert f"Brief of {res.unit}" in text and page.CONFIDENTIAL.upper() in text
    assert [exports for _, exports in fake.calls] == [[], []]  # no PDF asked of the kernel's exports cell


def test_a_pdf_that_cannot_be_written_is_an_export_error_not_a_failed_brief(project: Path, monkeypatch):
    monkeypatch.setattr(pdf, "write_brief_pdf", lambda html, out: (_ for _ in ()).throw(OSError("disk full")))
    res = render.render_with(_FakeRenderer(), UNIT, None, project, AS_OF, ["pdf"])
    assert res.ok and res.path.exists() and res.export_errors == {"pdf": "OSError: disk full"}


def test_export_pdf_converts_the_rendered_brief_and_renders_when_there_is_none(project: Path, monkeypatch):
    converted = []
    monkeypatch.setattr(pdf, "write_brief_pdf", lambda html, out: converted.append((html, out)) or out)
    fake = _FakeRenderer()
    monkeypatch.setattr(render, "Renderer", lambda *a, **k: _Ctx(fake))
    folder = project / "reports" / "2027"
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "pdf", "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(folder / f"{UNIT}.pdf")
    assert len(fake.calls) == 1 and fake.calls[0][0]["as_of"] == AS_OF  # none rendered: rendered now
    assert "Brief of city-police" in converted[0][0] and not (folder / f"{UNIT}.html").exists()
    brief = f"<html><body><b>Position as of {AS_OF}</b>: ...<h2>The rendered one</h2></body></html>"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{UNIT}.html").write_text(brief, encoding="utf-8")
    out = project / "elsewhere.pdf"
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "pdf", "--as-of", AS_OF, "--out", str(out)])
    assert res.exit_code == 0 and res.stdout.strip() == str(out)
    assert converted[1] == (brief, out) and len(fake.calls) == 1  # converted as it is, not rendered again
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "pdf", "--as-of", "2026-01-05", "--out", str(out)])
    assert res.exit_code == 0 and len(fake.calls) == 2  # it states another date: rendered as of the one asked


class _Ctx:
    def __init__(self, inner):
        self.inner = inner

    def __enter__(self):
        return self.inner

    def __exit__(self, *exc):
        return None


def test_export_pdf_waits_for_no_render_and_says_why_a_render_failed(project: Path, monkeypatch):
    folder = project / "reports" / "2027"
    with batch.locked([folder]):  # a render is writing reports/2027/
        res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "pdf", "--as-of", AS_OF])
    assert res.exit_code == 1 and "another 'wagebrief render' is writing" in res.stderr
    assert not (folder / f"{UNIT}.pdf").exists()

    def broken(*a, **k):
        raise RuntimeError("the kernel died")

    monkeypatch.setattr(render, "Renderer", broken)
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "pdf", "--as-of", AS_OF])
    assert res.exit_code == 1 and "the kernel died" in res.stderr and not (folder / f"{UNIT}.pdf").exists()


@pytest.mark.parametrize("command", [["export", "--format", "pdf"], ["render", "--pdf"]])
@pytest.mark.parametrize("unit", ["no-such-unit", "../etc/passwd"])
def test_an_unknown_unit_exits_2(project: Path, command, unit):
    res = CliRunner().invoke(app, [command[0], "--unit", unit, *command[1:]])
    assert res.exit_code == 2, res.output
    assert "error" in res.stderr.lower()
    assert not list((project / "reports").rglob("*.pdf"))


def test_default_path_is_beside_the_brief(project: Path):
    assert export_pdf.default_path(UNIT, 2027, project) == project / "reports" / "2027" / f"{UNIT}.pdf"
    assert export_pdf.stated_as_of(f"<b>Position as of {AS_OF}</b>: pay") == AS_OF
    assert export_pdf.stated_as_of("<p>no date</p>") == ""
