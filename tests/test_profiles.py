"""Comparator profiles the analyst types (data/raw/profiles/*.csv), and scoring with them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import _real_unit as real
from wagebrief.analysis import comparables as comp
from wagebrief.inputs import profiles, units
from wagebrief.cli import market as market_cmd

NAN = float("nan")
HEAD = "jurisdiction,state,fips,population,median_household_income,local_gov_avg_pay,source,source_url,vintage\n"


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_column_docs_are_the_columns_a_file_may_have(tmp_path):
    assert set(profiles.REQUIRED) == {"jurisdiction", "state", "source", "source_url", "vintage"}
    for col, (kind, req, desc) in profiles.COLUMN_DOCS.items():
        assert req in ("required", "optional") and kind and len(desc) > 10, col
    # Every documented column is read; leaving out any required one is a file error naming it.
    full = write(tmp_path / "full.csv", ",".join(profiles.COLUMN_DOCS) + "\n")
    assert list(profiles.read_raw(full).columns[:len(profiles.COLUMNS)]) == profiles.COLUMNS
    for col in profiles.REQUIRED:
        f = write(tmp_path / f"no_{col}.csv", ",".join(c for c in profiles.COLUMN_DOCS if c != col) + "\n")
        with pytest.raises(profiles.ProfileFileError, match=rf"no_{col}.csv:1: missing required column\(s\): {col}"):
            profiles.read_raw(f)


def test_an_unknown_column_is_a_file_error_with_a_suggestion(tmp_path):
    f = write(tmp_path / "typo.csv", HEAD.replace("median_household_income", "median_houshold_income"))
    with pytest.raises(profiles.ProfileFileError, match="did you mean 'median_household_income'"):
        profiles.read_raw(f)


def test_bad_rows_are_rejected_with_file_row_column_and_kept_as_typed(tmp_path):
    f = write(tmp_path / "towns.csv", HEAD
              + 'Town of A,CT,0900199991,"12,500","$98,000",71000,US Census ACS 5-year,https://data.census.gov/a,2019-2023\n'
              + "\n"   # a blank line still counts as a spreadsheet row
              + "Town of B,ct,9,12%,abc,5,Town report,ftp://b,\n"
              + "Town of C,MA,0900199993,1000,,,SYNTHETIC test figures,,2024\n"
              + "Town of D,CT,,,,,Town report,https://d.gov,2024\n")
    r = profiles.validate([f])
    probs = r.problems()
    assert f"{f}:4:fips: '9' is not a FIPS code of 2, 5, 7 or 10 digits (keep leading zeros: type it as text)" in probs
    assert f"{f}:4:population: '12%' is not a number" in probs
    assert f"{f}:4:median_household_income: 'abc' is not a number" in probs
    assert f"{f}:4:local_gov_avg_pay: 5 is outside the plausible range 1,000 to 2,000,000" in probs
    assert f"{f}:4:source_url: 'ftp://b' is not an http(s) address" in probs
    assert f"{f}:4:vintage: required; it is blank" in probs
    assert f"{f}:5:fips: '0900199993' is not in MA (whose FIPS code is 25)" in probs
    assert any(p.startswith(f"{f}:6:population: the row gives no figure") for p in probs)
    assert not any(":5:source_url" in p for p in probs)   # a SYNTHETIC row may omit its address
    # Rejected rows are kept exactly as typed, with the reason; the good row is typed.
    assert list(r.rejects["row"]) == [4, 5, 6]
    assert r.rejects.loc[0, "population"] == "12%" and r.rejects.loc[0, "state"] == "ct"
    assert "vintage: required" in r.rejects.loc[0, "reason"]
    assert len(r.valid) == 1 and r.valid.loc[0, "population"] == 12_500 and r.valid.loc[0, "median_hh_income"] == 98_000
    assert r.valid.loc[0, "fips"] == "0900199991" and r.valid.loc[0, "source_row"] == 2


def test_two_rows_may_split_a_town_but_not_both_give_one_factor(tmp_path):
    f = write(tmp_path / "split.csv", HEAD
              + "Town of A,CT,,12500,,,ACS,https://a.gov,2023\n"
              + "Town of A,CT,,,,71000,QCEW,https://b.gov,2024\n"
              + "Town of B,CT,0900199992,9000,,,ACS,https://a.gov,2023\n"
              + "Bee,CT,0900199992,9100,,,Town report,https://c.gov,2024\n")
    r = profiles.validate([f])
    assert sorted(r.valid["source_row"]) == [2, 3]           # A: population and pay from two sources
    assert list(r.rejects["row"]) == [4, 5]                   # B twice (same fips), both population
    assert f"{f}:4:jurisdiction: Town of B (CT): population is also given by {f}:5; keep one" in r.problems()


def test_typed_figures_win_factor_by_factor_and_blanks_fill_in_from_the_pull():
    pulled = pd.DataFrame({
        "jurisdiction": ["Town of A"], "state": ["CT"], "jurisdiction_type": ["municipal"],
        "population": [10_000.0], "median_hh_income": [80_000.0], "state_local_gov_avg_annual_pay": [90_000.0],
        "local_gov_avg_annual_pay": [85_000.0], "source": ["Census ACS 5-year 2023, retrieved x; BLS QCEW 2024, retrieved x"],
        "acs_source": ["Census ACS 5-year 2023, retrieved x"], "acs_synthetic": [False],
        "qcew_source": ["BLS QCEW 2024, retrieved x"], "qcew_synthetic": [True], "synthetic": [True]})
    typed = pd.DataFrame([{**{c: NAN for c in profiles.VALID_COLUMNS}, "jurisdiction": "Town of A", "state": "CT",
                           "fips": None, "population": 12_000.0, "local_gov_avg_annual_pay": 70_000.0,
                           "source": "Town report", "source_url": "https://a.gov", "vintage": "2024",
                           "synthetic": False, "source_file": "data/raw/profiles/t.csv", "source_row": 2}])
    n = comp.normalise_profile(profiles.combine(pulled, typed), "municipal").iloc[0]
    assert n["population"] == 12_000 and n["org_population"] == "typed"
    assert n["src_population"] == "Town report, 2024 (data/raw/profiles/t.csv:2)"
    assert n["median_hh_income"] == 80_000 and n["src_median_hh_income"] == "Census ACS 5-year 2023, retrieved x"
    # Pay is one factor: the typed local pay replaces the pulled combined pay, never mixed with it.
    assert n["gov_pay"] == 70_000 and n["org_gov_pay"] == "typed" and not n["syn_gov_pay"]
    assert "Town report" in comp.factor_sources(n) and "income: Census ACS" in comp.factor_sources(n)


def test_a_town_outside_the_area_list_is_scored_from_typed_profiles(project):
    real.make(project)
    app = typer.Typer()
    market_cmd.register(app)
    env = {"WAGEBRIEF_ROOT": str(project)}
    before = CliRunner().invoke(app, ["comparables", "--unit", real.UNIT], env=env)
    assert before.exit_code == 0, before.output
    # Nothing profiles these towns: no one scores (the old output was "100.0 ... coverage 30.0").
    assert "None of the unit's 2 comparators could be scored" in before.output
    write(project / "data/raw/profiles/towns.csv", HEAD
          # The employer and Littleville are matched by the fips in the unit file, not by name.
          + "Smalltown,CT,0900199991,20000,90000,72000,Town annual report (test fixture),https://example.org/s,2024\n"
          + "Littleville,CT,0900199992,18000,85000,70000,Town annual report (test fixture),https://example.org/l,2024\n"
          + "Town of Tinyburg,CT,,5000,,,Town annual report (test fixture),https://example.org/t,2024\n")
    r = comp.score_unit(units.load(real.UNIT, root=project), project)
    t = r.table.set_index("jurisdiction")
    assert t.at["Town of Littleville", "scored"] and t.at["Town of Littleville", "score"] < 100
    assert t.at["Town of Littleville", "src_population"] == \
        "Town annual report (test fixture), 2024 (data/raw/profiles/towns.csv:3)"
    assert r.employer.population == 20_000                   # the employer's row, found by its fips
    assert not t.at["Town of Tinyburg", "scored"]             # population only: too little to score
    assert np.isnan(t.at["Town of Tinyburg", "score"])
    summary = " ".join(r.summary())
    lit = t.at["Town of Littleville", "score"]
    assert f"1 of the unit's 2 comparators could be scored; it scores {lit:.0f} of 100" in summary
    assert "Not scored for too little profile data: Town of Tinyburg (only population known" in summary
    after = CliRunner().invoke(app, ["comparables", "--unit", real.UNIT, "--format", "csv"], env=env)
    assert after.exit_code == 0, after.output
    assert "data/raw/profiles/towns.csv:3" in after.output and "not scored: only population known" in after.output


def test_rejected_typed_rows_are_reported_where_the_profile_is_used(project):
    write(project / "data/raw/profiles/bad.csv", HEAD + "Town of A,CT,,lots,,,Report,https://a.gov,2024\n")
    prof, why = comp.load_profile(project)
    assert prof is not None and "1 typed comparator profile row(s) were rejected" in why
    assert "data/raw/profiles/bad.csv:2:population: 'lots' is not a number" in why


def test_cli_profiles_lists_problems_and_writes_the_rejected_rows(project):
    from wagebrief.cli import profiles as profiles_cmd

    app = typer.Typer()
    profiles_cmd.register(app)
    app.command("noop")(lambda: None)  # two commands, so "profiles" stays a named sub-command
    env = {"WAGEBRIEF_ROOT": str(project)}
    good = write(project / "data/raw/profiles/good.csv", HEAD + "Town of A,CT,,12500,80000,,ACS,https://a.gov,2023\n")
    ok = CliRunner().invoke(app, ["profiles"], env=env)
    assert ok.exit_code == 0 and "1 profile rows: 1 valid, 0 rejected" in ok.output
    write(project / "data/raw/profiles/bad.csv", HEAD + "Town of B,CT,,=1+1,,,Report,https://b.gov,2024\n")
    bad = CliRunner().invoke(app, ["profiles", "--write"], env=env)
    assert bad.exit_code == 1
    assert "data/raw/profiles/bad.csv:2:population: '=1+1' is not a number" in bad.output
    rejects = pd.read_csv(project / "data/processed/profile_rejects.csv", dtype=str)
    assert list(rejects["row"]) == ["2"] and rejects.loc[0, "population"] == "'=1+1"   # kept, formula escaped
    assert good.exists()


def test_the_readme_documents_every_column_and_its_example_is_valid(tmp_path):
    readme = Path(__file__).resolve().parents[1] / "data/raw/profiles/README.md"
    text = readme.read_text(encoding="utf-8")
    for col, (kind, req, _) in profiles.COLUMN_DOCS.items():
        assert f"| `{col}` | {kind} | {req} |" in text, col
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    r = profiles.validate([write(tmp_path / "example.csv", example)])
    assert r.ok, r.problems()
    assert len(r.valid) == 2 and r.valid["synthetic"].all()
