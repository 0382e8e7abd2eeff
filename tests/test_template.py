"""`wagebrief template settlements`: the entry workbook, and that it reads back through validate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from wagebrief.inputs import settlements, template
from wagebrief.cli import app


@pytest.fixture
def book(tmp_path: Path) -> Path:
    out = tmp_path / "entry.xlsx"
    res = CliRunner().invoke(app, ["template", "settlements", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _as_excel_stores(col: str, text: str):
    """A typed value as Excel keeps it: dates as dates, 2.5% in a percent cell as 0.025, $1,000 as 1000."""
    if text == "":
        return None
    if col in settlements.DATE_COLUMNS:
        return dt.datetime.fromisoformat(text)
    if col == "pct":
        return float(text.rstrip("%")) / 100
    if col in ("amount", "reference_salary", "employees"):
        return float(text.replace("$", "").replace(",", ""))
    return text


def test_columns_in_order_with_formats_and_comments(book: Path) -> None:
    ws = openpyxl.load_workbook(book)[template.ENTRY_SHEET]
    header = [c.value for c in ws[1]]
    assert header == settlements.COLUMNS + [c for c in getattr(settlements, "OPTIONAL_COLUMNS", [])]
    fmt = {c: ws.cell(row=2, column=header.index(c) + 1).number_format for c in header}
    assert fmt["pct"] == "0.00%" and fmt["amount"] == "#,##0.00"
    assert all(fmt[c] == "yyyy-mm-dd" for c in settlements.DATE_COLUMNS)
    assert all(ws.cell(row=1, column=j + 1).comment is not None for j in range(len(header)))


def test_every_vocabulary_has_a_dropdown(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws, lists = wb[template.ENTRY_SHEET], wb[template.LISTS_SHEET]
    header = [c.value for c in ws[1]]
    found = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.showErrorMessage
        col = header[next(iter(dv.sqref.ranges)).min_col - 1]
        ref = dv.formula1.split("!")[1].replace("$", "")
        found[col] = [c.value for row in lists[ref] for c in row]
    vocab = {c: list(v) for c, v in settlements.VOCABULARIES.items() if c in header}
    assert found == vocab and set(vocab) >= {"jurisdiction_type", "occupation_group", "settlement_type", "event"}


def test_instructions_have_one_example_per_event_kind(book: Path) -> None:
    ws = openpyxl.load_workbook(book)[template.INSTRUCTIONS_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[1:3] == ["settlement_id", "jurisdiction"])
    events = [r[rows[head].index("event")] for r in rows[head + 1:] if any(r)]
    assert sorted(events) == sorted(settlements.VOCABULARIES["event"])


def test_empty_template_validates(book: Path) -> None:
    res = CliRunner().invoke(app, ["validate", str(book)])
    assert res.exit_code == 0, res.output
    assert "0 rows" in res.output


def test_filled_template_round_trips_through_validate(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[template.ENTRY_SHEET]
    header = [c.value for c in ws[1]]
    for i, (_, row) in enumerate(template.EXAMPLES, start=2):
        for j, col in enumerate(header, start=1):
            ws.cell(row=i, column=j).value = _as_excel_stores(col, row.get(col, ""))
    wb.save(book)
    res = CliRunner().invoke(app, ["validate", str(book)])
    assert res.exit_code == 0, res.output
    n = len(template.EXAMPLES)
    assert f"{n} rows: {n} valid, 0 rejected" in res.output
    valid = settlements.validate([book]).valid.set_index("settlement_id")
    assert valid.loc["EX-GWI-PCT", "pct"] == pytest.approx(2.5)  # the percent cell reads as 2.5%, not 0.025
    assert valid.loc["EX-GWI-FLAT", "amount"] == 1000
    assert str(valid.loc["EX-GWI-PCT", "term_start"].date()) == "2024-07-01"


def test_a_bad_row_is_named_by_sheet_row_and_column(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[template.ENTRY_SHEET]
    header = [c.value for c in ws[1]]
    row = dict(template.EXAMPLES[0][1], event="gwi_pt")
    for j, col in enumerate(header, start=1):
        ws.cell(row=2, column=j).value = _as_excel_stores(col, row.get(col, ""))
    wb.save(book)
    res = CliRunner().invoke(app, ["validate", str(book)])
    assert res.exit_code == 1
    assert f"{book}[settlements]:2:event:" in res.output


def test_refuses_other_suffixes(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["template", "settlements", str(tmp_path / "x.csv")])
    assert res.exit_code != 0 and "xlsx" in res.output
