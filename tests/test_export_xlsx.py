"""The brief's tables as a workbook (``wagebrief export --format xlsx``), read back with openpyxl:
every cell of every table sheet against the brief's own table, the contents links, the marking,
the data labels and the small-group rule."""

from __future__ import annotations

import json

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from wagebrief.brief import data as brief_data, page, partial, workbook, workbook_charts
from wagebrief.cli import app
from wagebrief.inputs import provenance

UNIT = "city-police"
AS_OF = "2026-11-15"
MARK = "suppressed: fewer than 5 employees"
NUM = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
PCT = re.compile(rf"^([+-]?){NUM}%$")
DOLLARS = re.compile(rf"^([+-]?)\$([+-]?){NUM}$")
PLAIN = re.compile(rf"^([+-]?){NUM}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    """The demo unit's data and sections (as the brief notebook computes them) and its workbook."""
    data, _ = partial.load(UNIT, as_of=AS_OF)
    sections = workbook.with_appendix(data, partial.compute(data))
    path = workbook.write(tmp_path_factory.mktemp("xlsx") / f"{UNIT}.xlsx", data, sections)
    return data, sections, path, openpyxl.load_workbook(path)


def _number(sign: str, whole: str, frac: str | None) -> float:
    return float(sign + whole.replace(",", "") + ("." + frac if frac else ""))


def _decimals(number_format: str) -> int:
    first = number_format.split(";")[0]
    return len(re.sub(r"[^0]", "", first.split(".")[1])) if "." in first else 0


def check_cell(got, shown: str, where: str) -> str:
    """The workbook cell ``got`` holds the brief's figure ``shown``; returns the kind it is."""
    s = shown.strip()
    if s in ("", "—"):
        assert got.value is None, where
        return "blank"
    m = PCT.match(s)
    if m:
        number, places = _number(*m.groups()), len(m.group(3) or "")
        assert isinstance(got.value, (int, float)), where
        assert "%" in got.number_format and _decimals(got.number_format) == places, (where, got.number_format)
        assert abs(got.value * 100 - number) <= 0.5 * 10 ** -places + 1e-9, (where, got.value, shown)
        return "percent"
    m = DOLLARS.match(s)
    if m:
        sign1, sign2, whole, frac = m.groups()
        number, places = _number(sign1 or sign2, whole, frac), len(frac or "")
        assert isinstance(got.value, (int, float)), where
        assert "$" in got.number_format and _decimals(got.number_format) == places, (where, got.number_format)
        assert abs(got.value - number) <= 0.5 * 10 ** -places + 1e-9, (where, got.value, shown)
        return "dollars"
    m = PLAIN.match(s)
    if m and not re.match(r"^[+-]?0\d", s):
        number, places = _number(*m.groups()), len(m.group(3) or "")
        assert isinstance(got.value, (int, float)) and not isinstance(got.value, bool), (where, got.value)
        assert "%" not in got.number_format and _decimals(got.number_format) == places, (where, got.number_format)
        assert abs(got.value - number) <= 0.5 * 10 ** -places + 1e-9, (where, got.value, shown)
        return "number"
    if ISO.match(s):
        assert isinstance(got.value, dt.datetime) and got.value.date().isoformat() == s, (where, got.value)
        assert got.is_date and "yy" in got.number_format, where
        return "date"
    assert got.value == shown, (where, got.value, shown)
    return "text"


def test_every_cell_of_every_table_is_the_briefs(brief):
    _, sections, _, wb = brief
    kinds: dict[str, int] = {}
    book_sheets = workbook.sheets(sections)
    assert len(book_sheets) >= 20
    for sh in book_sheets:
        ws = wb[sh.name]
        shown = page.formatted(sh.table)
        h = workbook.HEADER_ROW + 1  # 1-based
        assert [ws.cell(h, j + 1).value for j in range(len(shown.columns))] == [str(c) for c in shown.columns]
        assert ws.freeze_panes == f"A{h + 1}", sh.name  # the header row stays in view
        assert ws.max_row == h + len(shown), sh.name  # nothing under the table
        for i in range(len(shown)):
            for j in range(len(shown.columns)):
                kind = check_cell(ws.cell(h + 1 + i, j + 1), str(shown.iat[i, j]), f"{sh.name}!R{h + 1 + i}C{j + 1}")
                kinds[kind] = kinds.get(kind, 0) + 1
            assert ws.cell(h + 1 + i, len(shown.columns) + 1).value is None
    # Typed, not pasted as text: percents, dollars, counts and dates all occur.
    assert kinds.get("percent", 0) > 100 and kinds.get("dollars", 0) > 50, kinds
    assert kinds.get("number", 0) > 20 and kinds.get("date", 0) > 5, kinds


def test_a_percent_column_of_the_table_keeps_its_full_number(brief):
    _, sections, _, wb = brief
    sh = next(s for s in workbook.sheets(sections) if s.table.caption == "Market position by benchmark title")
    raw = sh.table.data["vs median %"].iloc[0]
    got = wb[sh.name].cell(workbook.HEADER_ROW + 2, list(sh.table.data.columns).index("vs median %") + 1)
    assert got.value == pytest.approx(raw / 100, abs=1e-12) and got.number_format.startswith("+0.0%")


def test_sheets_follow_the_brief_and_the_contents_link_each(brief):
    _, sections, _, wb = brief
    book_sheets = workbook.sheets(sections)
    native = [c.name for c in workbook_charts.chart_sheets(sections)]
    assert native  # every chart of the demo brief is a native chart on its own sheet, after the tables
    assert wb.sheetnames == ["Contents"] + [s.name for s in book_sheets] + native
    captions = [t.caption for s in workbook.in_order(sections) for t in s.tables]
    assert [wb[s.name].cell(4, 1).value for s in book_sheets] == captions
    names = [n.lower() for n in wb.sheetnames]
    assert len(set(names)) == len(names)
    for n in wb.sheetnames:
        assert len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) and not n.startswith("'"), n
    links = {}
    for row in wb["Contents"].iter_rows():
        for c in row:
            if c.hyperlink is not None:
                links[c.hyperlink.location] = (c.value, row[1].value, row[2].value)
    for s in book_sheets:
        assert links[f"'{s.name}'!A1"] == (s.name, s.section, s.table.caption)
        back = wb[s.name].cell(7, 1)
        assert back.hyperlink is not None and back.hyperlink.location == "'Contents'!A1"
    assert [links[f"'{n}'!A1"][0] for n in native] == native
    sections_named = {s.section for s in book_sheets}
    assert {"Comparator settlements", "Market position", "What each proposal costs",
            "Appendix: comparator settlements"} <= sections_named


def test_the_marking_is_on_every_sheet_and_its_printed_pages(brief):
    *_, wb = brief
    for ws in wb.worksheets:
        assert ws.cell(1, 1).value == page.CONFIDENTIAL == "Confidential: prepared for collective bargaining"
        assert page.CONFIDENTIAL in (ws.oddHeader.left.text or ""), ws.title


def test_the_contents_say_what_each_input_is_and_warn_of_synthetic_ones(brief):
    data, _, _, wb = brief
    text = [c.value for row in wb["Contents"].iter_rows() for c in row if isinstance(c.value, str)]
    labels = brief_data.input_labels(data)
    for lab in labels:
        assert lab.text in text
    synthetic = [lab for lab in labels if lab.synthetic]
    assert synthetic and any("synthetic demonstration data" in t for t in text)
    banner = provenance.banner(labels)
    assert banner and banner in text and all(lab.input in banner for lab in synthetic)
    for ws in wb.worksheets:  # the banner travels with every sheet
        assert ws.cell(2, 1).value == banner


def _cells(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_suppressed_figure_is_not_in_the_workbook(project: Path, tmp_path: Path):
    roster = project / "data" / "raw" / "units" / UNIT / "roster.csv"
    header, first = roster.read_text().splitlines()[:2]
    cells = first.split(",")
    cells[header.split(",").index("annual_base_salary")] = "54321.99"  # a one-person unit
    roster.write_text(header + "\n" + ",".join(cells) + "\n")
    from wagebrief.brief import exports

    written, errors = exports.export_unit(UNIT, ["xlsx"], root=project, as_of=AS_OF, out=tmp_path / "one.xlsx")
    assert errors == {}
    path = Path(written["xlsx"][0])
    values = _cells(path)
    assert MARK in values
    assert not [v for v in values if isinstance(v, (int, float)) and abs(v - 54321.99) < 1]
    assert not [v for v in values if isinstance(v, str) and re.search(r"54,?32[12]", v)]
    wb = openpyxl.load_workbook(path)
    costing = [ws for ws in wb.worksheets if ws.cell(3, 1).value == "Section: What each proposal costs"]
    assert costing
    assert not [n for n in wb.sheetnames if "Cumulative cost" in n]  # no cost chart, as in the brief
    for ws in costing:  # every cost figure is the mark; the fiscal years and scenario names stay
        for row in ws.iter_rows(min_row=workbook.HEADER_ROW + 2):
            assert not [c.value for c in row if isinstance(c.value, (int, float)) and c.value != 0], ws.title


@pytest.mark.parametrize(("shown", "value", "number_format"), [
    ("2.50%", 0.025, "0.00%;-0.00%"),
    ("+1.2%", 0.012, "+0.0%;-0.0%;+0.0%"),
    ("-7.7%", -0.077, "0.0%;-0.0%"),
    ("$1,234.56", 1234.56, "$#,##0.00;-$#,##0.00;$#,##0.00"),
    ("$-4,019", -4019.0, "$#,##0;$-#,##0;$#,##0"),
    ("1,234", 1234.0, "#,##0"),
    ("2024", 2024.0, "0"),
])
def test_display_strings_read_back_as_numbers(shown, value, number_format):
    c = workbook.parse(shown)
    assert (c.kind, c.number_format) == ("number", number_format) and c.value == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize("shown", ["06103", "=SUM(A1:A9)", "9 of 10", "FY2027", "2026-01 to 2028-12", "2026-02-30",
                                   "1 (PROVISIONAL)", MARK])
def test_other_strings_stay_text(shown):
    assert workbook.parse(shown) == workbook.Cell("text", shown, None, shown)


def test_dates_and_missing():
    assert workbook.parse("2025-07-01").value == dt.date(2025, 7, 1)
    assert workbook.parse("—").kind == "blank"
    assert workbook.cell("https://example.org/a", "https://example.org/a", link=True).kind == "url"
    assert workbook.cell("javascript:x", "javascript:x", link=True).kind == "text"  # only http(s) becomes a link


def test_a_table_number_excel_would_round_otherwise_is_written_as_shown():
    # Python shows 0.125 as "0.12"; Excel would show it "0.13". The brief's figure wins.
    assert workbook.cell(0.125, "0.12").value == 0.12
    assert workbook.cell(2.504, "2.50%", percent_points=True).value == pytest.approx(0.02504)
    assert workbook.cell(-0.01, "+0.0%", percent_points=True).value == 0.0  # never "-0.0%"


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    a = workbook.sheet_name("What: [it] costs / year? *all*", 1, used)
    assert a == "01 What it costs year all" and len(a) <= 31
    long = "A very long caption that goes on and on"
    names = [workbook.sheet_name(long, 2, used), workbook.sheet_name(long, 2, used)]
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)


def test_export_cli_writes_the_workbook(tmp_path: Path, brief):
    _, sections, *_ = brief
    out = tmp_path / "wb.xlsx"
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--format", "xlsx", "--out", str(out), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(out)
    assert openpyxl.load_workbook(out).sheetnames == (["Contents"] + [s.name for s in workbook.sheets(sections)]
                                                      + [c.name for c in workbook_charts.chart_sheets(sections)])


@pytest.mark.parametrize("args", [["--unit", "no-such-unit"], ["--unit", "../etc/passwd"],
                                  ["--unit", UNIT, "--as-of", "2026-13-40"], ["--unit", UNIT, "--format", "odt"]])
def test_export_cli_refuses_what_is_not_a_unit_or_date(tmp_path: Path, args):
    out = tmp_path / "wb.xlsx"
    res = CliRunner().invoke(app, ["export", *args, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert "error" in res.stderr.lower() or "invalid" in res.stderr.lower()
    if args[1] == "no-such-unit":  # names the unit and the ones there are
        assert "no unit 'no-such-unit'" in res.stderr and "known units: city-police" in res.stderr
    assert not out.exists()


def test_a_render_asked_for_exports_appends_one_cell_that_writes_them_from_its_own_sections():
    import nbformat

    from wagebrief.run import render

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    plain = render.parameterize(nb, {"unit": UNIT})
    asked = render.parameterize(nb, {"unit": UNIT}, ["xlsx"], "/r/2027")
    assert len(asked.cells) == len(plain.cells) + 1
    last = asked.cells[-1]
    assert render.EXPORT_TAG in last.metadata["tags"]
    assert last.source.endswith("_wagebrief_exports.show(data, sections, ['xlsx'], '/r/2027')")
    # What the cell reports comes back from its metadata, and the page shows nothing of it.
    last.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": ""}, metadata={
        "wagebrief": {"exports": {"xlsx": ["/r/2027/u.xlsx"]}, "export_errors": {"docx": "disk full"}}})]
    assert render.exported(asked) == ({"xlsx": ["/r/2027/u.xlsx"]}, {"docx": "disk full"})
    assert render.to_html(asked, "t") == render.to_html(plain, "t")


def test_one_export_failing_does_not_stop_the_others(brief, tmp_path: Path, monkeypatch):
    from wagebrief.brief import exports

    data, sections, _, _ = brief

    def broken(path, data, sections):
        raise OSError("No space left on device")

    monkeypatch.setitem(exports.WRITERS, "broken", (".broken", broken))
    written, errors = exports.write(data, sections, ["broken", "xlsx"], tmp_path)
    assert errors == {"broken": "OSError: No space left on device"}
    assert written == {"xlsx": [str(tmp_path / f"{UNIT}.xlsx")]} and (tmp_path / f"{UNIT}.xlsx").exists()
    with pytest.raises(ValueError, match="unknown export format"):
        exports.write(data, sections, ["pptx"], tmp_path)


def test_the_settlement_pattern_is_a_native_chart_of_its_sheet(brief):
    import zipfile

    _, sections, path, _ = brief
    sh = next(s for s in workbook.sheets(sections) if s.table.caption.startswith("The pattern by year"))
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
        mine = [x for x in charts if f"'{sh.name}'!$" in x]
        assert len(mine) == 1
        xml = mine[0]
    assert "<c:lineChart>" in xml and f"'{sh.name}'!$" in xml
    for series in ("Median", "Mean", "Low", "High"):
        col = "ABCDEFGHIJ"[list(sh.table.data.columns).index(series)]
        assert f"'{sh.name}'!${col}${workbook.HEADER_ROW + 1}" in xml  # the series is named by its header cell


def test_the_appendix_is_a_sheet_and_its_addresses_are_links(brief):
    _, sections, _, wb = brief
    sh = next(s for s in workbook.sheets(sections) if s.table.caption.startswith("Appendix: comparator settlements"))
    assert len(sh.table.data) == len(brief[0].comparator_events()) > 0
    ws = wb[sh.name]
    col = workbook.APPENDIX_COLUMNS.index("Link") + 1
    urls = [ws.cell(r, col) for r in range(workbook.HEADER_ROW + 2, ws.max_row + 1)]
    linked = [c for c in urls if isinstance(c.value, str) and c.value.startswith(("http://", "https://"))]
    assert all(c.hyperlink is not None and c.hyperlink.target == c.value for c in linked)


@pytest.mark.notebook
def test_render_xlsx_through_a_real_kernel(project: Path):
    # The brief rendered as `make demo` renders it, and its workbook beside it from the same inputs.
    assert CliRunner().invoke(app, ["build"]).exit_code == 0
    res = CliRunner().invoke(app, ["render", "--unit", UNIT, "--jobs", "1", "--as-of", AS_OF, "--xlsx"])
    assert res.exit_code == 0, res.output
    html, xlsx = (project / "reports" / "2027" / f"{UNIT}{ext}" for ext in (".html", ".xlsx"))
    assert str(xlsx) in res.stdout.splitlines() and html.exists()
    # Written in the kernel from the brief's own sections: the manifest records it, the page shows nothing of it.
    entry = next(e for e in json.loads((html.parent / "manifest.json").read_text())["units"] if e["unit"] == UNIT)
    assert entry["exports"] == {"xlsx": [str(xlsx)]} and entry["export_errors"] == {}
    assert "_wagebrief_exports" not in html.read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(xlsx)
    # The table sheets' captions (a chart sheet, "Chart 01 ...", is captioned as the brief's figure).
    captions = [wb[n].cell(4, 1).value for n in wb.sheetnames[1:] if n != workbook.CHARTS and not n.startswith("Chart ")]
    page_text = html.read_text(encoding="utf-8")
    import html as html_mod

    assert all(html_mod.escape(c) in page_text for c in captions if not c.startswith("Appendix"))


def test_export_writes_beside_the_briefs_and_waits_for_no_render(project: Path):
    from wagebrief.run import batch

    folder = project / "reports" / "2027"
    with batch.locked([folder]):  # a render is writing reports/2027/
        res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--as-of", AS_OF])
    assert res.exit_code == 1 and "another 'wagebrief render' is writing" in res.stderr
    assert not (folder / f"{UNIT}.xlsx").exists()
    res = CliRunner().invoke(app, ["export", "--unit", UNIT, "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(folder / f"{UNIT}.xlsx")
    assert openpyxl.load_workbook(folder / f"{UNIT}.xlsx").sheetnames[0] == "Contents"
