"""The exhibit book (``wagebrief exhibits``), read back: the PDF with pypdf (the list at the front,
one exhibit per page with its number and title, the marking and page numbers on every page,
vector charts), the workbook with openpyxl (a sheet per exhibit, the PDF's numbers, the brief's
cells), numbering that stays put, the small-group rule and the command's refusals."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest
from typer.testing import CliRunner

from conftest import SYNTHETIC_ROOT as ROOT
from test_export_xlsx import MARK, check_cell
from wagebrief.brief import exhibits, exhibits_xlsx, page, partial, workbook
from wagebrief.brief.factors import STATUTORY_FACTORS
from wagebrief.cli import app
from wagebrief.inputs import provenance

UNIT = "city-police"
AS_OF = "2026-11-15"
LABEL = re.compile(r"^Employer Exhibit (\d+)$", re.M)


def _flat(text: str) -> str:
    """Text as a PDF's extraction gives it, lines joined: captions wrap."""
    return " ".join(text.split())


def _squash(text: str) -> str:
    """Text without any white space: a line may break inside a cell, or after a hyphen."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The demo unit's sections, computed once, and its exhibit book as the command writes it."""
    data, _ = partial.load(UNIT, root=ROOT, as_of=AS_OF)
    sections = workbook.with_appendix(data, partial.compute(data))
    out = tmp_path_factory.mktemp("exhibits")
    with pytest.MonkeyPatch.context() as mp:  # the command computes what the fixture already has
        mp.setattr(partial, "compute", lambda d: sections)
        res = CliRunner().invoke(app, ["exhibits", "--unit", UNIT, "--out-dir", str(out), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    pdf, xlsx = out / f"{UNIT}-exhibits.pdf", out / f"{UNIT}-exhibits.xlsx"
    assert res.stdout.splitlines() == [str(pdf), str(xlsx)]
    book = exhibits.build(data, sections)
    texts = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    return dict(data=data, sections=sections, book=book, pdf=pdf, xlsx=xlsx, texts=texts,
                wb=openpyxl.load_workbook(xlsx))


def _starts(texts: list[str]) -> dict[int, int]:
    """Exhibit number -> the page (0-based) it starts on: the page whose first line is its label."""
    out = {}
    for i, t in enumerate(texts):
        m = LABEL.match(t)
        if m:
            assert int(m.group(1)) not in out, f"exhibit {m.group(1)} starts twice"
            out[int(m.group(1))] = i
    return out


def test_the_book_has_an_exhibit_for_each_factor_with_evidence(made):
    book = made["book"]
    assert len(book.exhibits) >= 25
    assert [e.number for e in book.exhibits] == list(range(1, len(book.exhibits) + 1))
    order = [STATUTORY_FACTORS.index(e.factor) for e in book.exhibits]
    assert order == sorted(order)  # grouped by factor, in the statute's order
    assert set(order) >= {0, 1, 2, 3}
    kinds = {e.kind for e in book.exhibits}
    assert kinds == {"table", "chart"}
    titles = [e.title for e in book.exhibits]
    # The factor section's repeat of the market position is one exhibit, the market section's.
    assert "Market position by benchmark title" in titles and "Pay position (see Market position)" not in titles
    assert "Base increases: comparators against the unit" in titles  # the factor's own table
    by = {e.title: e.factor for e in book.exhibits}
    assert by["Settlements against inflation"] == STATUTORY_FACTORS[1]
    assert by[next(t for t in titles if t.startswith("The proposals side by side"))] == STATUTORY_FACTORS[2]
    assert by[next(t for t in titles if t.startswith("Real base-wage change"))] == STATUTORY_FACTORS[1]
    assert by["Hourly and longevity views"] == STATUTORY_FACTORS[3]
    # The comparators' non-wage terms (in the real data, not the synthetic) are overall compensation.
    assert exhibits.factor_of("settlements", "Comparators' non-wage terms (premium share, pension)") == 3
    assert exhibits.factor_of("settlements", "Comparator contracts") == 0


def test_the_pdf_lists_every_exhibit_at_the_front(made):
    book, texts = made["book"], made["texts"]
    starts = _starts(texts)
    front = [_squash(t) for t in texts[:min(starts.values())]]
    assert "Listofexhibits" in front[0]
    at = []
    for e in book.exhibits:
        # Its number, title, kind and the page it starts on (the list's target-counter), in one row.
        row = re.compile(re.escape(_squash(f"{book.label(e)} {e.title} {e.kind} {starts[e.number] + 1}")) + r"(?!\d)")
        found = [(i, m.start()) for i, t in enumerate(front) for m in row.finditer(t)]
        assert len(found) == 1, (e.number, found)
        at += found
    assert at == sorted(at)  # in number order
    for factor in STATUTORY_FACTORS:
        assert _squash(f"Statutory factor: {factor}") in "".join(front)


def test_each_exhibit_starts_its_own_page_with_its_number_title_source_and_date(made):
    book, texts = made["book"], made["texts"]
    starts = _starts(texts)
    assert sorted(starts) == [e.number for e in book.exhibits]
    assert [starts[n] for n in sorted(starts)] == sorted(starts.values())  # pages in number order
    for e in book.exhibits:
        text = texts[starts[e.number]]
        assert len(LABEL.findall(text)) == 1, e.number  # no other exhibit's heading on its page
        assert _squash(text).startswith(_squash(f"{book.label(e)} {e.title} Statutory factor:")), e.number
        assert _squash(e.source) in _squash(text) and _squash(f"figures as of {AS_OF}") in _squash(text)
        assert _squash(f"Statutory factor: {e.factor}") in _squash(text)


def test_the_marking_banner_and_page_numbers_are_on_every_page(made):
    texts, book = made["texts"], made["book"]
    banner = provenance.banner(book.labels)
    assert banner and "SYNTHETIC" in banner  # the demo unit's schedules and roster are invented
    for i, t in enumerate(texts, start=1):
        assert page.CONFIDENTIAL.upper() in t.upper(), i  # the page margin shows it in capitals (print.css)
        assert f"Page {i} of {len(texts)}" in t, i
    starts = _starts(texts)
    for p in [0, *starts.values()]:  # the front and every exhibit carry the banner as the brief's cover does
        assert _squash(banner) in _squash(texts[p]), p
    for lab in book.labels:
        assert _squash(lab.text) in _squash(" ".join(texts[:starts[1]])), lab.input
    assert texts[0].startswith(page.CONFIDENTIAL.upper())


def test_charts_are_vector_and_tables_are_text(made):
    book, texts = made["book"], made["texts"]
    reader = pypdf.PdfReader(made["pdf"])
    assert sum(len(p.images) for p in reader.pages) == 0  # no picture anywhere: the charts are SVG paths and text
    starts = _starts(texts)
    chart = next(e for e in book.exhibits if e.title == "Settlements against inflation")
    assert "Fiscal year" in texts[starts[chart.number]]  # the chart's axis label is text
    table = next(e for e in book.exhibits if e.title == "Market position by benchmark title")
    first = str(page.formatted(table.table).iat[0, 0])
    assert _squash(first) in _squash(texts[starts[table.number]])


def test_the_workbook_has_a_sheet_per_exhibit_numbered_as_the_pdf(made):
    book, wb, texts = made["book"], made["wb"], made["texts"]
    assert wb.sheetnames == [exhibits_xlsx.LIST] + [f"Exhibit {e.number}" for e in book.exhibits]
    listed = []
    for row in wb[exhibits_xlsx.LIST].iter_rows():
        c = row[0]
        if c.hyperlink is not None:
            listed.append((c.value, c.hyperlink.location, row[3].value))
    assert listed == [(book.label(e), f"'Exhibit {e.number}'!A1", e.title) for e in book.exhibits]
    pdf_numbers = sorted(_starts(texts))
    assert [int(v.rsplit(" ", 1)[1]) for v, *_ in listed] == pdf_numbers
    for e in book.exhibits:
        ws = wb[f"Exhibit {e.number}"]
        assert ws.cell(3, 1).value.startswith(f"{book.label(e)} | Statutory factor: {e.factor} | figures as of {AS_OF}")
        assert ws.cell(4, 1).value == e.title
        back = ws.cell(7, 1)
        assert back.hyperlink is not None and back.hyperlink.location == f"'{exhibits_xlsx.LIST}'!A1"
        assert not ws._images  # a chart exhibit is a native chart (tests/test_workbook_charts.py)


def test_each_table_sheet_holds_the_briefs_cells(made):
    book, wb = made["book"], made["wb"]
    kinds: dict[str, int] = {}
    h = workbook.HEADER_ROW + 1
    for e in (x for x in book.exhibits if x.table is not None):
        ws, shown = wb[f"Exhibit {e.number}"], page.formatted(e.table)
        assert [ws.cell(h, j + 1).value for j in range(len(shown.columns))] == [str(c) for c in shown.columns]
        assert ws.max_row == h + len(shown), e.number
        for i in range(len(shown)):
            for j in range(len(shown.columns)):
                kind = check_cell(ws.cell(h + 1 + i, j + 1), str(shown.iat[i, j]), f"Exhibit {e.number}!R{h + 1 + i}C{j + 1}")
                kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds.get("percent", 0) > 50 and kinds.get("dollars", 0) > 50 and kinds.get("date", 0) > 5, kinds


def test_the_marking_and_banner_are_on_every_sheet(made):
    book, wb = made["book"], made["wb"]
    banner = provenance.banner(book.labels)
    for ws in wb.worksheets:
        assert ws.cell(1, 1).value == page.CONFIDENTIAL, ws.title
        assert ws.cell(2, 1).value == banner, ws.title
        assert page.CONFIDENTIAL in (ws.oddHeader.left.text or ""), ws.title
    text = [c.value for row in wb[exhibits_xlsx.LIST].iter_rows() for c in row if isinstance(c.value, str)]
    assert all(lab.text in text for lab in book.labels)


def _numbered(book_exhibits) -> list[tuple[int, str, str]]:
    return [(e.number, e.factor, e.title) for e in book_exhibits]


def test_numbers_stay_put_and_removing_one_shifts_only_those_after_it(made):
    sections = made["sections"]
    first = _numbered(exhibits.exhibit_list(sections))
    assert _numbered(exhibits.exhibit_list(sections)) == first  # a rerun: the same list
    market = sections["market"]
    gone = market.tables[1].caption
    k = next(n for n, _, t in first if t == gone)
    assert 1 < k < len(first)
    fewer = {**sections, "market": dataclasses.replace(market, tables=[t for t in market.tables if t.caption != gone])}
    second = _numbered(exhibits.exhibit_list(fewer))
    assert second[:k - 1] == first[:k - 1]  # those before it keep their numbers
    assert second[k - 1:] == [(n - 1, f, t) for n, f, t in first[k:]]  # those after it move up by one


def test_a_factor_without_evidence_says_so_in_the_list(made):
    book = made["book"]
    none = [f for f, items in book.by_factor() if not items]
    assert STATUTORY_FACTORS[4] in none  # the demo unit file has no notes on the public's interest
    front = _flat(" ".join(made["texts"][:3]))
    assert _squash("No table or chart of the brief bears on this factor.") in _squash(front)
    assert any(m.startswith("Evidence missing") for m in book.missing[STATUTORY_FACTORS[4]])


def test_a_suppressed_figure_is_not_in_the_book(project: Path, tmp_path: Path):
    from wagebrief.analysis import costing
    from wagebrief.brief import costing as costing_section, exhibits_pdf

    roster = project / "data" / "raw" / "units" / UNIT / "roster.csv"
    header, first = roster.read_text().splitlines()[:2]
    cells = first.split(",")
    cells[header.split(",").index("annual_base_salary")] = "54321.99"  # a one-person unit
    roster.write_text(header + "\n" + ",".join(cells) + "\n")
    data, _ = partial.load(UNIT, root=project, as_of=AS_OF)
    section = costing_section.brief_section(data.unit, root=project, costing=costing.cost_unit(data.unit, root=project))
    book = exhibits.build(data, {"costing": section})
    assert book.exhibits and {e.factor for e in book.exhibits} == {STATUTORY_FACTORS[2]}
    pdf = exhibits_pdf.write(tmp_path / "b.pdf", book)
    xlsx = exhibits_xlsx.write(tmp_path / "b.xlsx", book)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert _squash(MARK) in _squash(text) and not re.search(r"54,?32[12]", text)
    values = [c.value for ws in openpyxl.load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row]
    assert MARK in values
    assert not [v for v in values if isinstance(v, (int, float)) and abs(v - 54321.99) < 1]
    assert not [v for v in values if isinstance(v, str) and re.search(r"54,?32[12]", v)]


@pytest.mark.parametrize("args", [["--unit", "no-such-unit"], ["--unit", "../etc/passwd"], ["--all", "--unit", UNIT],
                                  [], ["--unit", UNIT, "--as-of", "2026-13-40"], ["--unit", UNIT, "--cycle", "1850"],
                                  ["--unit", UNIT, "--party", ""], ["--unit", UNIT, "--party", "Union\nExhibit 1"]])
def test_the_command_refuses_what_is_not_a_unit_date_or_label(tmp_path: Path, args):
    res = CliRunner().invoke(app, ["exhibits", *args, "--out-dir", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert "error" in res.stderr.lower()
    if args[:2] == ["--unit", "no-such-unit"]:  # names the unit and the ones there are
        assert "no unit 'no-such-unit'" in res.stderr and "known units: city-police" in res.stderr
    assert not list(tmp_path.iterdir())


def test_the_command_waits_for_no_render(project: Path):
    from wagebrief.run import batch

    folder = project / "reports" / "2027"
    assert exhibits.default_paths(UNIT, 2027, project) == (folder / f"{UNIT}-exhibits.pdf",
                                                           folder / f"{UNIT}-exhibits.xlsx")
    with batch.locked([folder]):  # a render is writing reports/2027/
        res = CliRunner().invoke(app, ["exhibits", "--unit", UNIT, "--as-of", AS_OF])
    assert res.exit_code == 1 and "another 'wagebrief render' is writing" in res.stderr
    assert not list(folder.glob("*-exhibits.*"))


def test_the_party_label_is_the_option(made, tmp_path: Path):
    book = dataclasses.replace(made["book"], party=exhibits.check_party("Union"))
    path = exhibits_xlsx.write(tmp_path / "u.xlsx", book)
    ws = openpyxl.load_workbook(path)["Exhibit 1"]
    assert ws.cell(3, 1).value.startswith("Union Exhibit 1 | ")
    assert exhibits.check_party("  Town of X  ") == "Town of X"
    for bad in ("", "x" * 41, "A\nB"):
        with pytest.raises(ValueError):
            exhibits.check_party(bad)
