"""Settlement parsing and every rejection rule, each with the file:row:column it must name."""

from __future__ import annotations

import pandas as pd
import pytest

from wagebrief.inputs import settlements
from conftest import rows


def problems(raw: pd.DataFrame) -> list[str]:
    return settlements.validate_frame(raw).problems()


def only_problem(raw: pd.DataFrame) -> str:
    p = problems(raw)
    assert len(p) == 1, p
    return p[0]


# --------------------------------------------------------------------------- what analysts type

def test_accepts_what_analysts_type():
    raw = rows(
        dict(pct=" 2.5% ", effective_date="7/1/2024"),
        dict(pct="2.5", effective_date="45839", event=" GWI_Pct "),   # Excel serial for 2025-07-01
        dict(event="gwi_flat", amount="$2,500", reference_salary="50,000", effective_date="2026-07-01 00:00:00"),
        occupation_group="Clerical", jurisdiction_type="MUNICIPAL", settlement_type="Arbitration Award",
        state="ct", jurisdiction="  Testville ",
    )
    result = settlements.validate_frame(raw)
    assert result.ok, result.problems()
    v = result.valid
    assert list(v["effective_date"].dt.strftime("%Y-%m-%d")) == ["2024-07-01", "2025-07-01", "2026-07-01"]
    assert list(v["base_pct"]) == [2.5, 2.5, 5.0]
    assert set(v["settlement_type"]) == {"arbitration_award"}
    assert set(v["jurisdiction"]) == {"Testville"} and set(v["state"]) == {"CT"}


# --------------------------------------------------------------------------- each rule

@pytest.mark.parametrize("column,value", [
    ("jurisdiction_type", "village"),
    ("occupation_group", "astronauts"),
    ("settlement_type", "handshake"),
    ("event", "bonus"),
])
def test_value_outside_vocabulary(column, value):
    msg = only_problem(rows(dict(pct="2", **{column: value})))
    assert msg.startswith(f"test.csv:2:{column}:") and repr(value) in msg and "must be one of" in msg


def test_unparseable_number():
    msg = only_problem(rows(dict(pct="two")))
    assert msg == "test.csv:2:pct: cannot read 'two' as a number"


def test_unparseable_date():
    msg = only_problem(rows(dict(pct="2", effective_date="July-ish")))
    assert msg == "test.csv:2:effective_date: cannot read 'July-ish' as a date"


def test_effective_date_outside_term():
    msg = only_problem(rows(dict(pct="2", effective_date="2028-01-01")))
    assert msg.startswith("test.csv:2:effective_date: effective_date 2028-01-01 is outside the term")


def test_term_end_before_term_start():
    p = problems(rows(dict(pct="2", effective_date="2024-07-01"), term_end="2024-06-30"))
    assert any(m.startswith("test.csv:2:term_end: term_end 2024-06-30 is before term_start 2024-07-01") for m in p)


@pytest.mark.parametrize("column,other", [("term_start", "2024-08-01"), ("term_end", "2026-06-30"),
                                          ("jurisdiction", "Elsewhere"), ("unit", "Police")])
def test_settlement_rows_disagree(column, other):
    raw = pd.concat([rows(dict(pct="2", effective_date="2024-08-01")),
                     rows(dict(pct="2", effective_date="2025-08-01"), **{column: other})], ignore_index=True)
    raw[settlements.ROW_COL] = [2, 3]
    result = settlements.validate_frame(raw)
    assert f"test.csv:2:{column}: rows of settlement S1 disagree on {column}" in result.problems()
    assert f"test.csv:3:{column}: rows of settlement S1 disagree on {column}" in result.problems()
    assert result.valid.empty and len(result.rejects) == 2


@pytest.mark.parametrize("pct", ["-15.01", "25.5"])
def test_pct_out_of_range(pct):
    msg = only_problem(rows(dict(pct=pct)))
    assert msg == f"test.csv:2:pct: pct '{pct}' must be within [-15, 25]"


@pytest.mark.parametrize("pct", ["-15", "25"])
def test_pct_range_is_inclusive(pct):
    assert problems(rows(dict(pct=pct))) == []


def test_flat_raise_without_reference_salary_is_kept_with_unknown_percent():
    result = settlements.validate_frame(rows(dict(event="gwi_flat", amount="1000")))
    assert result.problems() == []
    row = result.valid.iloc[0]
    assert pd.isna(row["base_pct"]) and "no reference_salary" in row["base_pct_note"]


def test_dollar_lump_sum_without_reference_salary_is_kept():
    result = settlements.validate_frame(rows(dict(event="lump_sum", amount="1000")))
    assert result.problems() == []
    row = result.valid.iloc[0]
    assert row["lump_dollars"] == 1000 and pd.isna(row["lump_pct"])
    assert problems(rows(dict(event="lump_sum", pct="1"))) == []


def test_required_values():
    assert only_problem(rows(dict(pct=""))) == "test.csv:2:pct: a gwi_pct event needs a pct"
    assert only_problem(rows(dict(pct="1", settlement_id=" "))).startswith("test.csv:2:settlement_id: settlement_id is required")
    assert only_problem(rows(dict(pct="1", term_start=""))).startswith("test.csv:2:term_start: term_start is required")


def test_exact_duplicate_row_rejected_original_kept():
    raw = rows(dict(pct="2"), dict(pct="2"), dict(pct="1", effective_date="2025-07-01"))
    result = settlements.validate_frame(raw)
    assert result.problems() == ["test.csv:3:settlement_id: exact duplicate of an earlier row of settlement 'S1'"]
    assert len(result.valid) == 2 and len(result.rejects) == 1


def test_a_rejected_row_takes_its_settlement_with_it():
    raw = rows(dict(pct="2"), dict(pct="bad", effective_date="2025-07-01"))
    result = settlements.validate_frame(raw)
    assert result.valid.empty
    assert "test.csv:2:settlement_id: rejected with settlement 'S1', whose row(s) 3 have errors" in result.problems()


def test_rejects_keep_every_row_exactly_as_given():
    raw = rows(dict(pct=" 2.5% "), dict(pct="x", effective_date="7/1/2025", settlement_id="S2"))
    result = settlements.validate_frame(raw)
    assert len(result.valid) + len(result.rejects) == len(raw)
    rej = result.rejects.iloc[0]
    for col in settlements.COLUMNS:
        assert rej[col] == raw.iloc[1][col]
    assert rej["row"] == 3 and rej["file"] == "test.csv" and rej["reason"].startswith("pct: cannot read 'x'")


# --------------------------------------------------------------------------- files

HEADER = ",".join(settlements.COLUMNS)


def test_missing_column_is_one_clear_error(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(HEADER.replace(",notes", "") + "\n")
    with pytest.raises(settlements.SettlementFileError, match=r"bad.csv:1: missing required column\(s\): notes"):
        settlements.validate([f])


def test_reads_xlsx_and_latin1_csv(tmp_path):
    raw = rows(dict(pct="2"), jurisdiction="Montréal")
    raw[settlements.COLUMNS].to_excel(tmp_path / "a.xlsx", index=False)
    (tmp_path / "b.csv").write_bytes(raw[settlements.COLUMNS].assign(settlement_id="S2").to_csv(index=False).encode("latin-1"))
    result = settlements.validate([tmp_path])
    assert result.ok, result.problems()
    assert list(result.valid["jurisdiction"]) == ["Montréal", "Montréal"]
    assert list(result.valid["source_row"]) == [2, 2]


def test_select_filters_by_state_group_type_and_years():
    raw = pd.concat([
        rows(dict(pct="2", effective_date="2024-07-01"), settlement_id="A", state="CT"),
        rows(dict(pct="2", effective_date="2025-07-01"), settlement_id="B", state="MA", jurisdiction="Boston",
             occupation_group="police", settlement_type="arbitration_award"),
    ], ignore_index=True)
    raw[settlements.ROW_COL] = [2, 3]
    ev = settlements.validate_frame(raw).valid
    assert list(settlements.select(ev, state="ma")["settlement_id"]) == ["B"]
    assert list(settlements.select(ev, occupation_group=["Clerical"])["settlement_id"]) == ["A"]
    assert list(settlements.select(ev, settlement_type="arbitration_award")["settlement_id"]) == ["B"]
    assert list(settlements.select(ev, years=(2024, 2024))["settlement_id"]) == ["A"]
    assert len(settlements.select(ev, state=["CT", "MA"], years=(2020, 2030))) == 2
