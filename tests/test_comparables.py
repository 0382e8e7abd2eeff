"""Scoring candidate comparables on a small hand-made profile table, and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from wagebrief.analysis import comparables as comp
from wagebrief.inputs import units
from wagebrief.cli import market as market_cmd

approx = pytest.approx
REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
NAN = float("nan")

EMPLOYER = comp.Employer("Home", "CT", "municipal", population=100_000, median_hh_income=60_000, gov_pay=70_000)
PROFILE = pd.DataFrame([
    # jurisdiction, state, type, population, income, gov pay
    ("Twin", "CT", "municipal", 100_000, 60_000, 70_000),
    ("Mass Town", "MA", "municipal", 50_000, 90_000, 70_000),
    ("Empire", "NY", "state", 200_000, NAN, 35_000),
    ("Twin Too", "CT", "municipal", 100_000, 60_000, 70_000),
    ("Far", "CA", "county", 1_000_000, 120_000, 140_000),
], columns=["jurisdiction", "state", "jurisdiction_type", "population", "median_hh_income", "gov_pay"])


def by_name(t: pd.DataFrame) -> pd.DataFrame:
    return t.set_index("jurisdiction")


def test_scores_by_hand():
    t = by_name(comp.score(EMPLOYER, PROFILE, chosen=["Mass Town", "Far"]))
    # Identical to the employer on every factor: 100 points.
    assert t.at["Twin", "score"] == approx(100.0)
    # Mass Town: population 50k/100k = 0.5 x 25 = 12.5; income 60k/90k x 20 = 13.33; gov pay
    # 1 x 25; another New England state 0.5 x 15 = 7.5; same type 15.
    assert t.at["Mass Town", "pts_population"] == approx(12.5)
    assert t.at["Mass Town", "pts_median_hh_income"] == approx(20 * 60 / 90)
    assert t.at["Mass Town", "pts_region"] == approx(7.5)
    assert t.at["Mass Town", "score"] == approx(12.5 + 20 * 60 / 90 + 25 + 7.5 + 15)   # 73.33
    assert t.at["Mass Town", "coverage"] == approx(100.0)
    # Empire: income unknown, so that factor is left out (not scored 0): points 12.5 (population
    # 100k/200k) + 12.5 (pay 35k/70k) + 0 (NY is Middle Atlantic) + 0 (state, not municipal) = 25
    # out of the 80 points it could be scored on -> 31.25.
    assert np.isnan(t.at["Empire", "pts_median_hh_income"])
    assert t.at["Empire", "coverage"] == approx(80.0)
    assert t.at["Empire", "score"] == approx(25 / 80 * 100)
    assert "median household income (candidate's value missing)" in t.at["Empire", "left_out"]
    # Far: 0.1 x 25 + 0.5 x 20 + 0.5 x 25 + 0 + 0 = 25.
    assert t.at["Far", "score"] == approx(2.5 + 10 + 12.5)
    assert t.at["Far", "chosen"] and not t.at["Twin", "chosen"]


def test_ranks_ties_share_the_best_rank():
    t = comp.score(EMPLOYER, PROFILE)
    assert list(t["jurisdiction"]) == ["Twin", "Twin Too", "Mass Town", "Empire", "Far"]
    assert list(t["rank"]) == [1, 1, 3, 4, 5]


def test_contributions_add_up_to_the_score_when_nothing_is_missing():
    t = comp.score(EMPLOYER, PROFILE)
    full = t[t["coverage"] == 100]
    pts = full[[f"pts_{f}" for f in comp.FACTORS]].sum(axis=1)
    assert (pts - full["score"]).abs().max() < 1e-9


def test_employer_missing_a_value_leaves_the_factor_out_for_everyone():
    e = comp.Employer("Home", "CT", "municipal", population=100_000, median_hh_income=NAN, gov_pay=70_000)
    t = by_name(comp.score(e, PROFILE))
    assert t["pts_median_hh_income"].isna().all()
    assert t.at["Twin", "score"] == approx(100.0) and t.at["Twin", "coverage"] == approx(80.0)
    assert "employer's value missing" in t.at["Twin", "left_out"]


def test_weights_are_settings():
    w = comp.normalise_weights({"region": 0, "jurisdiction_type": 0})
    assert sum(w.values()) == approx(100) and w["region"] == 0
    assert w["population"] == approx(25 / 70 * 100)
    t = by_name(comp.score(EMPLOYER, PROFILE, {"region": 0, "jurisdiction_type": 0}))
    # Mass Town now: (0.5 x 25 + 0.667 x 20 + 1 x 25) / 70 x 100
    assert t.at["Mass Town", "score"] == approx((12.5 + 20 * 60 / 90 + 25) / 70 * 100)
    assert comp.parse_weights(["population=30", " region = 5"]) == {"population": 30.0, "region": 5.0}
    with pytest.raises(comp.WeightError, match="unknown factor 'size'"):
        comp.normalise_weights({"size": 1})
    with pytest.raises(comp.WeightError, match="factor=number"):
        comp.parse_weights(["population"])
    with pytest.raises(comp.WeightError):
        comp.normalise_weights({f: 0 for f in comp.FACTORS})


def test_similarity_functions():
    assert comp.ratio_similarity(50, 100) == approx(0.5)
    assert np.isnan(comp.ratio_similarity(0, 100)) and np.isnan(comp.ratio_similarity(NAN, 100))
    assert comp.region_similarity("CT", "CT") == 1.0
    assert comp.region_similarity("CT", "VT") == 0.5
    assert comp.region_similarity("CT", "NJ") == 0.0
    assert np.isnan(comp.region_similarity("CT", None))
    assert comp.type_similarity("state", "state") == 1.0 and comp.type_similarity("state", "county") == 0.0


def test_normalise_profile_reads_the_series_table_columns():
    raw = pd.DataFrame({"jurisdiction": ["A", "B"], "state": ["CT", "MA"], "jurisdiction_type": ["municipal", "state"],
                        "population": pd.array([1000, None], dtype="Float64"),
                        "median_hh_income": pd.array([50_000, 60_000], dtype="Float64"),
                        "state_local_gov_avg_annual_pay": pd.array([None, 80_000], dtype="Float64"),
                        "local_gov_avg_annual_pay": pd.array([70_000, None], dtype="Float64"),
                        "note": ["", "x"]})
    p = comp.normalise_profile(raw, "municipal")
    assert p["population"].dtype == float and np.isnan(p.loc[1, "population"])
    assert list(p["gov_pay"]) == [70_000.0, 80_000.0]   # local government pay stands in where combined is missing


def test_score_unit_pool_and_chosen_set():
    unit = units.load("city-police", root=ROOT)
    profile = pd.DataFrame({"jurisdiction": ["City of Hartford", "City of New Haven", "Nowhere Town"],
                            "state": ["CT", "CT", "CT"], "jurisdiction_type": ["municipal"] * 3,
                            "population": [120_000.0, 130_000.0, 5_000.0],
                            "median_hh_income": [40_000.0, 50_000.0, NAN],
                            "state_local_gov_avg_annual_pay": [70_000.0, 70_000.0, 70_000.0]})
    events = pd.DataFrame({"jurisdiction": ["City of Stamford", "State of Maine"], "state": ["CT", "ME"],
                           "jurisdiction_type": ["municipal", "state"]})
    r = comp.score_unit(unit, ROOT, profile=profile, events=events)
    t = by_name(r.table)
    assert "City of Hartford" not in t.index                       # the employer is not its own candidate
    assert {"Nowhere Town", "State of Maine", "City of Stamford"} <= set(t.index)
    assert set(r.chosen["jurisdiction"]) == set(unit.jurisdictions)
    # Stamford has no profile row: state and type alone (30 of 100 points) are not a score.
    assert t.at["City of Stamford", "coverage"] == approx(30.0)
    assert np.isnan(t.at["City of Stamford", "score"]) and not t.at["City of Stamford", "scored"]
    assert pd.isna(t.at["City of Stamford", "rank"])
    assert "no profile factor known" in t.at["City of Stamford", "not_scored"]
    assert "population (candidate's value missing)" in t.at["City of Stamford", "left_out"]
    assert t.at["City of New Haven", "scored"]
    summary = " ".join(r.summary())
    # Only New Haven has a profile: the sentence counts one scored comparator, not nine.
    assert f"1 of the unit's {len(unit.comparators)} comparators could be scored" in summary
    assert "Not scored for too little profile data: " in summary and "City of Stamford" in summary
    shown = comp.display_table(r, top=3)
    assert len(shown) == 3 and "population pts/25" in shown.columns


def test_cli_comparables_prints_contributions():
    app = typer.Typer()
    market_cmd.register(app)
    res = CliRunner().invoke(app, ["comparables", "--unit", "state-clerical", "--top", "5"], env={"WAGEBRIEF_ROOT": str(ROOT)})
    assert res.exit_code == 0, res.output
    assert "Weights (points out of 100)" in res.output
    assert "region pts/15" in res.output and "score" in res.output
    assert "comparators score" in res.output
    bad = CliRunner().invoke(app, ["comparables", "--unit", "state-clerical", "--weight", "size=3"])
    assert bad.exit_code == 2 and "unknown factor" in bad.output
    csv = CliRunner().invoke(app, ["comparables", "--unit", "state-clerical", "--format", "csv", "--weight", "region=0"])
    assert csv.exit_code == 0 and csv.output.startswith("rank,jurisdiction,chosen,score")


def test_a_candidate_with_one_profile_factor_is_not_scored():
    # Thin: only population is known. Region and type match, so the old arithmetic gave it
    # 25 + 15 + 15 of 55 possible points = 100, the "6 comparators score 100 to 100" of issue 12.
    thin = pd.DataFrame([("Thin", "CT", "municipal", 100_000, NAN, NAN),
                         ("Twin", "CT", "municipal", 100_000, 60_000, 70_000)],
                        columns=["jurisdiction", "state", "jurisdiction_type", "population", "median_hh_income",
                                 "gov_pay"])
    t = by_name(comp.score(EMPLOYER, thin))
    assert np.isnan(t.at["Thin", "score"]) and pd.isna(t.at["Thin", "rank"])
    assert t.at["Thin", "not_scored"] == "not scored: only population known; at least 2 of 3 needed"
    assert t.at["Twin", "score"] == approx(100.0) and t.at["Twin", "not_scored"] == ""
    # With government pay and income weighted 0, population alone is enough (1 of 1 needed).
    t0 = by_name(comp.score(EMPLOYER, thin, {"median_hh_income": 0, "gov_pay": 0}))
    assert t0.at["Thin", "score"] == approx(100.0)


def test_employer_without_a_profile_scores_no_one_and_the_summary_says_so():
    unit = units.load("city-police", root=ROOT)
    # The case: a town outside the area list. No figures for the employer, so every
    # candidate would be "100.0 with coverage 30.0" on state and type alone.
    profile = pd.DataFrame({"jurisdiction": [c.jurisdiction for c in unit.comparators],
                            "state": "CT", "jurisdiction_type": "municipal",
                            "population": 100_000.0, "median_hh_income": 60_000.0, "gov_pay": 70_000.0})
    r = comp.score_unit(unit, ROOT, profile=profile, events=pd.DataFrame())
    assert r.table["score"].isna().all() and not r.table["scored"].any()
    summary = r.summary()
    assert summary[0].startswith(f"None of the unit's {len(unit.comparators)} comparators could be scored")
    assert "100" not in " ".join(summary)
    assert any("not scored" in n for n in r.notes)
