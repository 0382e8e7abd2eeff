"""The shipped settlements are real, cited and complete enough for the demo units: every row
validates, carries a source and a URL, and the coverage the demo rests on is there."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from wagebrief.brief import data as brief_data
from wagebrief.inputs import provenance, published, settlements, units

RAW = ROOT / "data" / "raw" / "settlements"


@pytest.fixture(scope="module")
def shipped():
    return settlements.validate([RAW])


def test_every_shipped_row_validates_and_is_cited(shipped):
    assert shipped.problems() == [] and shipped.warning_lines() == []
    v = shipped.valid
    assert v["source"].notna().all() and v["source_url"].str.match(r"^https?://").all()
    # Real rows never say SYNTHETIC (the invented ones live in examples/synthetic).
    assert not v["source"].str.contains("SYNTHETIC", case=False).any()
    assert not list(RAW.glob("demo_settlements*"))


def test_coverage_the_issue_asks_for(shipped):
    s = shipped.valid.drop_duplicates("settlement_id")
    assert len(s) >= 150
    assert s.loc[s["state"].isin(["CT", "MA"]), "jurisdiction"].nunique() >= 40
    assert set(s["state"]) - {"CT", "MA"} and s["state"].nunique() >= 4
    assert {"police", "fire", "public_works", "clerical", "general", "teachers"} <= set(s["occupation_group"])
    assert s["settlement_type"].eq("arbitration_award").sum() >= 8
    assert s["term_start"].dt.year.max() <= 2026
    # Package terms of every kind the issue names are typed somewhere in the data.
    kinds = set(shipped.valid["event"])
    assert {"premium_share", "pension_contribution", "hours_change", "stipend", "step_change", "longevity",
            "holidays", "reopener", "official_cost", "retro_pay", "stated_total"} <= kinds


def test_published_averages_are_real_and_valid():
    r = published.validate([ROOT / "data/raw/reference/published_averages.csv"])
    assert r.problems() == [] and len(r.valid) >= 15
    assert r.valid["source_url"].str.match(r"^https?://").all()


@pytest.mark.parametrize("unit", ["city-police", "city-public-works", "state-clerical"])
def test_demo_units_are_real_employers_and_only_their_invented_inputs_say_so(unit):
    u = units.load(unit, root=ROOT)
    assert not u.synthetic
    data = brief_data.load(unit, ROOT)
    assert len(data.comparator_contracts()) >= 8
    labels = {lab.input: lab.kind for lab in brief_data.input_labels(data)}
    assert labels["Settlements"] == provenance.YOURS
    assert labels["Unit file"] == provenance.YOURS
    assert labels["Salary schedules"] == provenance.SYNTHETIC and labels["Roster"] == provenance.SYNTHETIC
    # Every comparator settlement the brief uses names its source and link.
    used = data.used_settlements()
    assert used["source_url"].notna().all() and not used["source"].str.contains("SYNTHETIC").any()


def test_one_recent_contract_reads_as_one_not_as_an_average():
    """Hartford public works has one comparator contract begun in 2024 or later: its figures are
    given for that contract ("The one ... gives"), never "The 1 that began ... average"."""
    from wagebrief.brief import settlements as settlements_brief

    data = brief_data.load("city-public-works", ROOT)
    text = settlements_brief.settlements_section(data).text[0]
    assert "The one that began in 2024 or later gives " in text and "over its term." in text
    assert "The 1 " not in text and "median" not in text
    # Two or more are still an average with its median.
    clerical = settlements_brief.settlements_section(brief_data.load("state-clerical", ROOT)).text[0]
    assert "that began in 2024 or later average " in clerical and "(median " in clerical
