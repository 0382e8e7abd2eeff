"""`wagebrief validate`, `build` and `metrics` end to end on files."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from wagebrief.cli import app
from wagebrief.inputs import settlements
from conftest import rows

runner = CliRunner()


def sha256_tree(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write(tmp_path, raw: pd.DataFrame, name="s.csv"):
    path = tmp_path / name
    raw[settlements.COLUMNS].to_csv(path, index=False)
    return path


def test_validate_exit_codes_and_messages(tmp_path):
    good = write(tmp_path, rows(dict(pct="2")), "good.csv")
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0
    bad = write(tmp_path, rows(dict(pct="2"), dict(pct="99", effective_date="2025-07-01")), "bad.csv")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:3:pct: pct '99' must be within [-15, 25]" in res.output


def test_validate_shipped_demo_data_is_clean(project):
    res = runner.invoke(app, ["validate"])
    assert res.exit_code == 0, res.output


def test_build_writes_tables_and_rejects_and_never_touches_raw(project):
    extra = rows(dict(pct="2"), dict(pct="=HYPERLINK(\"http://x\")", effective_date="2025-07-01"),
                 settlement_id="ZZ-BAD", jurisdiction="City of New Haven")
    write(project / "data/raw/settlements", extra, "analyst_upload.csv")
    before = sha256_tree(project / "data/raw")
    res = runner.invoke(app, ["build"])
    assert res.exit_code == 0, res.output
    assert sha256_tree(project / "data/raw") == before

    processed = project / "data/processed"
    valid = pd.read_parquet(processed / "settlements.parquet")
    rejects = pd.read_csv(processed / "rejects.csv", dtype=str, keep_default_na=False)
    n_input = sum(len(pd.read_csv(f, dtype=str)) for f in (project / "data/raw/settlements").glob("*.csv"))
    assert len(valid) + len(rejects) == n_input
    assert list(rejects["settlement_id"]) == ["ZZ-BAD", "ZZ-BAD"]
    # A formula-looking cell is written so a spreadsheet shows it as text.
    assert rejects.loc[1, "pct"] == "'=HYPERLINK(\"http://x\")"
    assert "reason" in rejects.columns and rejects.loc[1, "row"] == "3"
    contracts = pd.read_parquet(processed / "contracts.parquet")
    assert contracts["settlement_id"].is_unique and len(contracts) == valid["settlement_id"].nunique()
    costs = pd.read_parquet(processed / "fiscal_costs.parquet")
    assert list(costs.columns) == ["settlement_id", "fiscal_year", "cost_pct"]
    assert set(costs["settlement_id"]) == set(contracts["settlement_id"])
    assert (processed / "annual_increases.parquet").exists()


def test_build_writes_validated_salaries_the_briefs_read(project, monkeypatch):
    from wagebrief.inputs import salaries

    res = runner.invoke(app, ["build"])
    assert res.exit_code == 0, res.output
    written = pd.read_parquet(project / "data/processed/salaries.parquet")
    fresh = salaries.validate(root=project)
    pd.testing.assert_frame_equal(written, fresh.valid.reset_index(drop=True), check_dtype=False)
    # A brief reads the written table instead of validating every schedule again.
    monkeypatch.setattr(salaries, "validate", lambda *a, **k: pytest.fail("salaries validated again"))
    loaded, notes = salaries.load(project)
    assert notes == []
    pd.testing.assert_frame_equal(loaded, written)
    assert "salary rows:" in res.output


def test_build_reports_an_unreadable_salary_file_and_exits_1(project):
    (project / "data/raw/salaries/broken.csv").write_text("not,a,salary,header\n1,2,3,4\n")
    res = runner.invoke(app, ["build"])
    assert res.exit_code == 1
    assert "broken.csv" in res.output
    # The settlement tables were still written.
    assert (project / "data/processed/settlements.parquet").exists()


def test_build_strict_fails_on_rejects(project):
    write(project / "data/raw/settlements", rows(dict(pct="x")), "bad.csv")
    assert runner.invoke(app, ["build", "--strict"]).exit_code == 1


def test_metrics_json_keys_and_fiscal_costs(tmp_path):
    f = write(tmp_path, rows(dict(pct="3", effective_date="2025-01-01"), term_end="2026-06-30"))
    res = runner.invoke(app, ["metrics", str(f), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert isinstance(data, list) and len(data) == 1
    rec = data[0]
    assert list(rec) == ["settlement_id", "jurisdiction", "unit", "occupation_group", "settlement_type", "term_start",
                         "term_end", "term_months", "first_year_pct", "life_of_contract_pct", "avg_annual_pct",
                         "lump_sum_total", "lump_sum_pct", "steps_granted", "freeze_months", "retro_months",
                         "cost_by_fiscal_year", "measure_notes"]
    assert set(rec["cost_by_fiscal_year"]) == {"2025", "2026"}
    assert abs(rec["cost_by_fiscal_year"]["2025"] - ((184 + 181 * 1.03) / 365 - 1) * 100) < 1e-12


def test_metrics_table_csv_and_aggregates(tmp_path):
    f = write(tmp_path, rows(dict(pct="1.23456", effective_date="2024-07-01")))
    csv = runner.invoke(app, ["metrics", str(f), "--format", "csv"])
    assert csv.exit_code == 0 and "1.235" in csv.stdout and "1.23456" not in csv.stdout
    agg = runner.invoke(app, ["metrics", str(f), "--aggregate", "fiscal_year", "--format", "csv"])
    assert agg.exit_code == 0
    assert agg.stdout.splitlines()[0] == "fiscal_year,count,mean,median,weighted_mean,min,max"


def test_metrics_invalid_input_reports_validate_messages_and_exits_1_only_when_strict(tmp_path):
    f = write(tmp_path, rows(dict(pct="nope")))
    res = runner.invoke(app, ["metrics", str(f)])
    assert res.exit_code == 0  # the valid settlements are measured; the problems go to stderr
    assert f"{f}:2:pct: cannot read 'nope' as a number" in res.output
    res = runner.invoke(app, ["metrics", str(f), "--strict"])
    assert res.exit_code == 1
    assert f"{f}:2:pct: cannot read 'nope' as a number" in res.output


def test_unreadable_file_is_one_clear_error(tmp_path):
    f = tmp_path / "x.xlsx"
    f.write_bytes(b"not a spreadsheet")
    res = runner.invoke(app, ["validate", str(f)])
    assert res.exit_code == 1
    assert "x.xlsx: cannot read the file" in res.output and "Traceback" not in res.output
