"""A real analyst's first day (issue 12 §1-3): Excel cells read as Excel shows them, real
settlements' shapes accepted, and one rejected row leaving the rest measured."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import rows
from wagebrief.analysis import metrics
from wagebrief.inputs import settlements
from wagebrief.cli import app

runner = CliRunner()


def measured(raw: pd.DataFrame) -> pd.DataFrame:
    result = settlements.validate_frame(raw)
    assert result.ok, result.problems()
    return metrics.contract_metrics(result.valid).set_index("settlement_id")


# --------------------------------------------------------------------------- 1. Excel cells

CSV_TEXT = [  # the same contract as an analyst types it in a CSV
    dict(effective_date="7/1/2024", event="gwi_pct", pct="2.5%"),
    dict(effective_date="2025-01-01", event="gwi_pct", pct="1.25"),
    dict(effective_date="7/1/2025", event="gwi_flat", amount="$1,250.50", reference_salary="$52,000"),
    dict(effective_date="2026-07-01", event="lump_sum", pct="1%", reference_salary="$53,250.50"),
]


def typed_workbook(path, sheet="Settlements"):
    """The CSV_TEXT rows typed in Excel: percent cells, date cells, currency cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(settlements.COLUMNS)
    col = {c: i + 1 for i, c in enumerate(settlements.COLUMNS)}
    base = rows(*CSV_TEXT).iloc[0].to_dict()
    cells = [
        dict(effective_date=dt.datetime(2024, 7, 1), pct=0.025),
        dict(effective_date=dt.datetime(2025, 1, 1), pct=0.0125),
        dict(effective_date=dt.datetime(2025, 7, 1), event="gwi_flat", amount=1250.5, reference_salary=52000),
        dict(effective_date=dt.datetime(2026, 7, 1), event="lump_sum", pct=0.01, reference_salary=53250.5),
    ]
    for r, values in enumerate(cells, start=2):
        for c in settlements.COLUMNS:
            v = values.get(c, base[c] if c not in ("pct", "amount", "reference_salary") else None)
            if c in ("term_start", "term_end"):
                v = dt.datetime.fromisoformat(base[c])
            cell = ws.cell(row=r, column=col[c], value=v if v != "" else None)
            if c == "pct" and v is not None:
                cell.number_format = "0.00%"
            elif c in ("amount", "reference_salary") and v is not None:
                cell.number_format = '"$"#,##0.00'
            elif isinstance(v, dt.datetime):
                cell.number_format = "m/d/yyyy"
    wb.save(path)
    return path


def test_typed_workbook_gives_exactly_the_metrics_of_the_same_rows_as_csv_text(tmp_path):
    from_csv = measured(rows(*CSV_TEXT))
    result = settlements.validate([typed_workbook(tmp_path / "typed.xlsx")])
    assert result.ok, result.problems()
    assert result.warnings.empty, result.warning_lines()
    from_xlsx = metrics.contract_metrics(result.valid).set_index("settlement_id")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    # 2.5% and 1.25% in the first year, then $1,250.50 on $52,000: the percent cells were read
    # as percents, not as 0.025%
    assert from_xlsx.loc["S1", "first_year_pct"] == pytest.approx((1.025 * 1.0125 - 1) * 100)
    assert from_xlsx.loc["S1", "life_of_contract_pct"] == pytest.approx((1.025 * 1.0125 * (1 + 1250.5 / 52000) - 1) * 100)
    assert from_xlsx.loc["S1", "lump_sum_total"] == pytest.approx(532.505)


@pytest.mark.parametrize("fmt, shown", [("0.00%", True), ("0%", True), ('0.0"%"', False), ("0.00", False),
                                        ("General", False), ('[Red]0.0%', True), (None, False)])
def test_percent_formats(fmt, shown):
    assert settlements.is_percent_format(fmt) is shown


def test_fraction_like_pct_is_read_as_typed_and_warned_with_sheet_row_column(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Awards"
    ws.append(["Settlements typed by hand"])  # a title row above the header
    ws.append(settlements.COLUMNS)
    r = rows(dict(pct="0.025")).iloc[0]
    ws.append([float(r[c]) if c in ("pct", "employees") else r[c] for c in settlements.COLUMNS])
    wb.save(path)
    result = settlements.validate([path])
    assert result.ok
    assert result.valid["pct"].tolist() == [0.025]  # never guessed
    assert result.warning_lines() == [
        f"{path}[Awards]:3:pct: warning: 0.025 is read as 0.025%; if you meant 2.5%, type 2.5 or 2.5%"]
    # typed with a percent sign, or at a size no fraction has, there is nothing to warn about
    assert settlements.validate_frame(rows(dict(pct="0.025%"), dict(pct="0.5", effective_date="2025-07-01"))).warnings.empty


def test_validate_prints_warnings_and_still_exits_0(tmp_path):
    f = tmp_path / "s.csv"
    rows(dict(pct="0.03")).to_csv(f, index=False, columns=settlements.COLUMNS)
    res = runner.invoke(app, ["validate", str(f)])
    assert res.exit_code == 0
    assert f"{f}:2:pct: warning: 0.03 is read as 0.03%; if you meant 3%, type 3 or 3%" in res.stderr


# --------------------------------------------------------------------------- 2. real settlements

def test_flat_raise_without_reference_keeps_contract_and_says_why_measures_are_unknown():
    m = measured(rows(dict(pct="2"), dict(event="gwi_flat", amount="$0.75 an hour", effective_date="2025-07-01"),
                      dict(pct="3", effective_date="2026-07-01")))
    r = m.loc["S1"]
    assert r["first_year_pct"] == pytest.approx(2.0)  # the flat raise is outside the first year
    assert np.isnan(r["life_of_contract_pct"]) and np.isnan(r["avg_annual_pct"])
    assert r["cost_by_fiscal_year"]["2025"] == pytest.approx(2.0)
    assert np.isnan(r["cost_by_fiscal_year"]["2026"]) and np.isnan(r["cost_by_fiscal_year"]["2027"])
    assert "life_of_contract_pct, avg_annual_pct and cost from FY2026 unknown" in r["measure_notes"]
    assert "gwi_flat of 2025-07-01: flat raise with no reference_salary" in r["measure_notes"]


def test_unknown_flat_raise_makes_its_year_unknown_in_the_pattern_not_zero():
    ev = settlements.validate_frame(rows(dict(pct="2"), dict(event="gwi_flat", amount="500", effective_date="2025-07-01"))).valid
    ann = metrics.annual_increases(ev).set_index("year")
    assert np.isnan(ann.loc[2025, "increase_pct"]) and not ann.loc[2025, "known"]
    assert ann.loc[2024, "increase_pct"] == pytest.approx(2.0) and ann.loc[2024, "known"]
    assert 2025 not in metrics.pattern_by_year(ev)["year"].tolist()


@pytest.mark.parametrize("amount, reference, extra, expected", [
    ("0.75/hour", "28.50/hour", {}, 0.75 / 28.50 * 100),  # like against like: no hours needed
    ("0.75 an hour", "62400", {"hours_per_week": "40"}, 0.75 * 40 * 52 / 62400 * 100),
    ("0.75", "62400", {"amount_per": "hour", "hours_per_week": "40"}, 0.75 * 40 * 52 / 62400 * 100),
    ("1,560 per year", "30/hour", {"hours_per_week": "37.5"}, 1560 / (30 * 37.5 * 52) * 100),
    ("$1,000", "$50,000", {}, 2.0),
])
def test_flat_raise_per_hour_or_per_year(amount, reference, extra, expected):
    ev = settlements.validate_frame(rows(dict(event="gwi_flat", amount=amount, reference_salary=reference, **extra))).valid
    assert ev["base_pct"].iloc[0] == pytest.approx(expected)


def test_hourly_raise_against_annual_salary_without_hours_is_unknown_and_said():
    ev = settlements.validate_frame(rows(dict(event="gwi_flat", amount="0.75/hr", reference_salary="62,400"))).valid
    assert np.isnan(ev["base_pct"].iloc[0])
    assert "no hours_per_week" in ev["base_pct_note"].iloc[0]


def test_amount_per_column_disagreeing_with_the_unit_word_is_an_error():
    res = settlements.validate_frame(rows(dict(event="gwi_flat", amount="0.75/hour", amount_per="year", reference_salary="30/hour")))
    assert res.problems() == ["test.csv:2:amount_per: amount_per 'year' disagrees with the unit word in amount (per hour)"]
    res = settlements.validate_frame(rows(dict(event="lump_sum", amount="500/hour")))
    assert res.problems() == ["test.csv:2:amount: a lump_sum amount is a one-time total in dollars, not per hour"]


def test_dollar_lump_sum_without_reference_total_known_percent_unknown():
    m = measured(rows(dict(pct="2"), dict(event="lump_sum", amount="$2,000", effective_date="2025-07-01")))
    assert m.loc["S1", "lump_sum_total"] == 2000
    assert np.isnan(m.loc["S1", "lump_sum_pct"])
    assert "lump_sum_pct unknown" in m.loc["S1", "measure_notes"]
    assert m.loc["S1", "life_of_contract_pct"] == pytest.approx(2.0)


def test_signing_bonus_on_ratification_before_term_is_kept_other_events_before_term_are_not():
    raw = rows(dict(event="lump_sum", amount="1500", effective_date="2024-05-15"), dict(pct="2"),
               ratified_date="2024-05-15")
    m = measured(raw)
    assert m.loc["S1", "lump_sum_total"] == 1500 and m.loc["S1", "retro_months"] == 0
    bad = settlements.validate_frame(rows(dict(pct="2", effective_date="2024-05-15"), ratified_date="2024-05-15"))
    assert [p.split(": ")[0] for p in bad.problems()] == ["test.csv:2:effective_date"]
    # a lump sum before both ratification and term is still outside the contract
    bad = settlements.validate_frame(rows(dict(event="lump_sum", amount="1", effective_date="2024-05-01"), ratified_date="2024-05-15"))
    assert not bad.ok


def test_retro_months_for_a_contract_ratified_after_its_term_began():
    m = measured(pd.concat([rows(dict(pct="2"), ratified_date="2025-02-10"),
                            rows(dict(pct="2"), settlement_id="S2", ratified_date="2024-06-01"),
                            rows(dict(pct="2"), settlement_id="S3")], ignore_index=True))
    assert m.loc["S1", "retro_months"] == 7  # 2024-07-01 to 2025-02-10
    assert m.loc["S2", "retro_months"] == 0
    assert np.isnan(m.loc["S3", "retro_months"])  # no ratified_date: unknown, not 0


# --------------------------------------------------------------------------- 3. metrics with rejects

def test_metrics_prints_every_valid_settlement_when_a_row_elsewhere_is_rejected(tmp_path):
    f = tmp_path / "s.csv"
    pd.concat([rows(dict(pct="2")), rows(dict(pct="not a number"), settlement_id="BAD")]).to_csv(
        f, index=False, columns=settlements.COLUMNS)
    res = runner.invoke(app, ["metrics", str(f), "--format", "json"])
    assert res.exit_code == 0
    assert [r["settlement_id"] for r in json.loads(res.stdout)] == ["S1"]
    assert f"{f}:3:pct: cannot read 'not a number' as a number" in res.stderr
    assert runner.invoke(app, ["metrics", str(f), "--strict"]).exit_code == 1


# --------------------------------------------------------------------------- downstream

def test_market_projection_annualises_an_hourly_flat_raise_and_leaves_an_unknown_one_unknown():
    from wagebrief.analysis import projection

    ev = settlements.validate_frame(rows(
        dict(event="gwi_flat", amount="0.50/hour", hours_per_week="40", effective_date="2024-07-01"),
        dict(event="gwi_flat", amount="0.50/hour", effective_date="2025-07-01"))).valid
    steps, _ = projection.increase_steps(ev, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert projection.apply_steps(50_000, steps) == pytest.approx(50_000 + 0.5 * 40 * 52)
    steps, _ = projection.increase_steps(ev, pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31"))
    assert np.isnan(projection.apply_steps(50_000, steps))


def test_a_table_of_synthetic_rows_says_so_even_for_a_real_unit():
    from types import SimpleNamespace

    from wagebrief.brief import market

    real_unit = SimpleNamespace(synthetic=False)
    ev = settlements.validate_frame(pd.concat([rows(dict(pct="2")), rows(dict(pct="2"), settlement_id="S2",
                                                                         source="City report 2024")])).valid
    assert market._settlements_source(ev, real_unit) == "Settlements: data/raw/settlements (partly SYNTHETIC: 1 of 2 rows are SYNTHETIC: Testville; files test.csv)"
    assert market._settlements_source(ev.iloc[:1], real_unit).endswith("(SYNTHETIC)")
    assert market._settlements_source(ev.iloc[1:], real_unit) == "Settlements: data/raw/settlements"


def test_metrics_with_every_row_rejected_reports_them_and_prints_an_empty_table(tmp_path):
    f = tmp_path / "s.csv"
    rows(dict(pct="x")).to_csv(f, index=False, columns=settlements.COLUMNS)
    for fmt in ("json", "table", "csv"):
        res = runner.invoke(app, ["metrics", str(f), "--format", fmt])
        assert res.exit_code == 0, res.output
        assert f"{f}:2:pct: cannot read 'x' as a number" in res.stderr
    assert json.loads(runner.invoke(app, ["metrics", str(f), "--format", "json"]).stdout) == []
