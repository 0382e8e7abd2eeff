"""Salary schedules: validation with file:row:column errors, rejects kept, titles, demo data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.inputs import salaries, units

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "salaries" / "demo_salaries.csv"
SCRIPT = ROOT / "scripts" / "make_demo_salaries.py"
HEADER = ("jurisdiction,unit,benchmark_title,effective_date,steps,min_salary,max_salary,hours_per_week,"
          "longevity_10,source\n")


def write(tmp_path: Path, body: str, name: str = "s.csv", header: str = HEADER) -> Path:
    p = tmp_path / name
    p.write_text(header + body, encoding="utf-8")
    return p


def test_valid_rows_are_typed(tmp_path):
    f = write(tmp_path, 'Alpha,Police,police officer,7/1/2025,7,"$62,000","84,000",40,500,x\n')
    r = salaries.validate([f], title_map=tmp_path / "none.csv")
    assert r.ok, r.problems()
    row = r.valid.iloc[0]
    assert row["benchmark_title"] == "Police Officer"           # any case, the vocabulary's spelling
    assert row["occupation_group"] == "police"
    assert row["effective_date"] == pd.Timestamp("2025-07-01")
    assert (row["min_salary"], row["max_salary"], row["steps"]) == (62000.0, 84000.0, 7)
    assert row["longevity_10"] == 500 and pd.isna(row["longevity_15"])   # optional column absent: unknown


def test_errors_are_file_row_column_and_rejects_are_kept_as_typed(tmp_path):
    body = (
        "Alpha,Police,Police Officer,2025-07-01,7,62000,84000,40,,ok\n"          # row 2: fine
        "Beta,Police,Police Oficer,2025-07-01,7,62000,84000,40,,x\n"             # 3: unknown title
        "Gamma,Police,Police Officer,2025-13-01,7,62000,84000,40,,x\n"           # 4: bad date
        "Delta,Police,Police Officer,2025-07-01,7,90000,84000,40,,x\n"           # 5: max below min
        "Eps,Police,Police Officer,2025-07-01,7,31.50,40.25,40,,x\n"             # 6: hourly rates
        "Zeta,Police,Police Officer,2025-07-01,2.5,62000,84000,0,-5,x\n"         # 7: steps, hours, longevity
        "Eta,Police,Police Officer,2025-07-01,1,62000,84000,40,,x\n"             # 8: one step, two rates
        ",Police,Police Officer,2025-07-01,7,62000,84000,40,,x\n"                # 9: no jurisdiction
        "Alpha,Police,Police Officer,2025-07-01,7,62000,84000,40,,ok\n"          # 10: exact copy of row 2
        "Theta,Police,Police Officer,2025-07-01,7,62000,84000,40,,a\n"           # 11 and 12 disagree
        "Theta,Police,Police Officer,2025-07-01,7,63000,85000,40,,b\n"
    )
    f = write(tmp_path, body)
    r = salaries.validate([f], title_map=tmp_path / "none.csv")
    probs = r.problems()
    assert list(r.valid["jurisdiction"]) == ["Alpha"]
    expect = [
        (3, "benchmark_title", "'Police Oficer' is not a benchmark title"),
        (4, "effective_date", "cannot read '2025-13-01' as a date"),
        (5, "max_salary", "max_salary 84,000.00 is below min_salary 90,000.00"),
        (6, "min_salary", "must be annual dollars between 5,000 and 1,000,000"),
        (7, "steps", "must be a whole number"),
        (7, "hours_per_week", "must be between 1 and 80"),
        (7, "longevity_10", "must be 0 or more dollars"),
        (8, "steps", "a 1-step schedule has one rate"),
        (9, "jurisdiction", "jurisdiction is required"),
        (10, "benchmark_title", "exact duplicate of an earlier row"),
        (11, "effective_date", "conflicting schedules for Theta / Police / Police Officer on 2025-07-01 (rows 11, 12)"),
        (12, "effective_date", "conflicting schedules"),
    ]
    for row, col, text in expect:
        assert any(p.startswith(f"{f}:{row}:{col}: ") and text in p for p in probs), (row, col, text, probs)
    rej = r.rejects.set_index("row")
    assert sorted(rej.index) == list(range(3, 13))
    assert rej.at[4, "effective_date"] == "2025-13-01"        # exactly as typed
    assert rej.at[6, "min_salary"] == "31.50"
    assert "max_salary" in rej.at[5, "reason"]
    assert r.n_input == 11


def test_missing_required_column_is_a_file_error(tmp_path):
    f = write(tmp_path, "Alpha,Police,Police Officer,2025-07-01,7,62000,84000\n",
              header="jurisdiction,unit,benchmark_title,effective_date,steps,min_salary,max_salary\n")
    with pytest.raises(salaries.SalaryFileError, match=r"s\.csv:1: missing required column\(s\): hours_per_week"):
        salaries.validate([f])


def test_title_map_jurisdiction_row_wins_over_the_generic_one(tmp_path):
    tm = tmp_path / "title_map.csv"
    tm.write_text("jurisdiction,local_title,benchmark_title\n"
                  ",Officer I,Police Officer\n"
                  "Beta,Officer I,Police Sergeant\n", encoding="utf-8")
    f = write(tmp_path, "Alpha,Police,Officer I,2025-07-01,7,62000,84000,40,,x\n"
                        "Beta,Police,officer  i,2025-07-01,3,90000,98000,40,,x\n")
    r = salaries.validate([tmp_path], title_map=tm)      # the folder: title_map.csv is not a schedule
    assert r.ok, r.problems()
    v = r.valid.set_index("jurisdiction")
    assert v.at["Alpha", "benchmark_title"] == "Police Officer"
    assert v.at["Beta", "benchmark_title"] == "Police Sergeant"
    assert v.at["Alpha", "local_title"] == "Officer I"


def test_bad_title_map_row_is_reported_with_its_row(tmp_path):
    tm = tmp_path / "title_map.csv"
    tm.write_text("jurisdiction,local_title,benchmark_title\n,Officer I,Constable\n", encoding="utf-8")
    with pytest.raises(salaries.SalaryFileError, match=r"title_map\.csv:2:benchmark_title: 'Constable'"):
        salaries.read_title_map(tm)


def test_every_shipped_title_map_row_names_a_vocabulary_title():
    tm = salaries.read_title_map(ROOT / "data" / "raw" / "salaries" / "title_map.csv")
    assert tm["benchmark_title"].isin(salaries.title_group()).all()


# --------------------------------------------------------------------------- the demo file

def test_generator_reproduces_committed_file(tmp_path):
    out = tmp_path / "demo.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == DEMO.read_bytes()


def test_demo_salaries_are_valid_labelled_and_varied():
    r = salaries.validate(root=ROOT)
    assert r.ok, r.problems()[:5]
    v = r.valid
    assert v["source"].str.contains("SYNTHETIC").all()
    assert set(v["effective_date"].dt.strftime("%Y-%m-%d")) >= {"2023-07-01", "2024-07-01", "2025-07-01"}
    assert {35.0, 37.5, 40.0} <= set(v["hours_per_week"])
    assert v["longevity_10"].notna().any() and v["longevity_10"].isna().any() and (v["longevity_10"] == 0).any()
    assert v["local_title"].notna().any()                     # some rows came through the title map
    for unit in units.load_all(ROOT):
        titles = salaries.benchmark_titles()[unit.occupation_group]
        mine = v[v["benchmark_title"].isin(titles)]
        have = set(zip(mine["jurisdiction"], mine["benchmark_title"]))
        shown = {t for _, t in have}
        assert len(shown) >= 2, unit.unit
        for t in shown:
            assert (unit.employer.jurisdiction, t) in have
        lacking = [(c.jurisdiction, t) for c in unit.comparators for t in shown if (c.jurisdiction, t) not in have]
        assert lacking, f"{unit.unit}: at least one comparator should lack a title"


def test_load_validates_raw_files_when_nothing_is_processed(project):
    v, notes = salaries.load(project)
    assert len(v) and notes == []
    salaries.write_processed(salaries.validate(root=project), project)
    v2, _ = salaries.load(project)
    assert len(v2) == len(v)
