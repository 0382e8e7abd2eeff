"""Labels per input: synthetic demonstration data, your files, or real published data."""

from __future__ import annotations

import pandas as pd

from wagebrief.inputs import provenance as pv


def events(*rows):
    return pd.DataFrame(rows, columns=["jurisdiction", "occupation_group", "source", "source_file"])


EV = events(("Home", "police", "Minutes", "/p/data/raw/settlements/mine.csv"),
            ("Home", "fire", "Minutes", "/p/data/raw/settlements/mine.csv"),
            ("Near", "police", "Minutes", "/p/data/raw/settlements/mine.csv"),
            ("Near", "clerical", "SYNTHETIC demo data", "/p/data/raw/settlements/demo.csv"),
            ("Other", "police", "SYNTHETIC demo data", "/p/data/raw/settlements/demo.csv"))


def test_only_the_rows_the_brief_uses_decide_the_settlements_label():
    used = pv.used_settlements(EV, "Home", ["Near"], "police")
    # Home in every group (internal comparables), Near in the unit's group only; Other never.
    assert list(used.index) == [0, 1, 2]
    lab = pv.rows_label("Settlements", used, root="/p")
    assert lab.kind == pv.YOURS and lab.text == "Settlements: your files (data/raw/settlements/mine.csv)"
    mixed = pv.rows_label("Settlements", pv.used_settlements(EV, "Home", ["Near", "Other"], "police"), root="/p")
    assert mixed.kind == pv.MIXED and mixed.synthetic
    assert "1 of 4 rows are SYNTHETIC: Other" in mixed.detail
    assert pv.rows_label("Settlements", EV.iloc[3:], root="/p").kind == pv.SYNTHETIC
    assert pv.rows_label("Salary schedules", EV.iloc[0:0]).kind == pv.NONE


def test_roster_is_synthetic_by_its_own_rows_or_by_its_proposals_file():
    plain = pd.DataFrame({"employee_id": ["1"], "title": ["Clerk"]})
    assert pv.roster_label("r.csv", plain).kind == pv.YOURS
    assert pv.roster_label("r.csv", plain.assign(notes="SYNTHETIC row")).kind == pv.SYNTHETIC
    flagged = pv.roster_label("r.csv", plain, True, "comparators/proposals/u.yml")
    assert flagged.kind == pv.SYNTHETIC and "comparators/proposals/u.yml says synthetic: true" in flagged.detail
    assert pv.roster_label("r.csv", None).kind == pv.NONE
    assert pv.roster_label("r.csv", plain.iloc[0:0]).kind == pv.NONE     # header only, not yet filled in


def test_profile_labels_keep_typed_acs_and_qcew_apart():
    prof = pd.DataFrame({
        "jurisdiction": ["Home", "Near"],
        "population": [1.0, 2.0], "median_hh_income": [1.0, None], "gov_pay": [1.0, 2.0],
        "src_population": ["Town report, 2024 (data/raw/profiles/t.csv:2)", "Census ACS 5-year 2023, retrieved x"],
        "src_median_hh_income": ["Town report, 2024 (data/raw/profiles/t.csv:2)", ""],
        "src_gov_pay": ["SYNTHETIC demo QCEW", "SYNTHETIC demo QCEW"],
        "syn_population": [False, False], "syn_median_hh_income": [False, False], "syn_gov_pay": [True, True],
        "org_population": ["typed", "pulled"], "org_median_hh_income": ["typed", ""],
        "org_gov_pay": ["pulled", "pulled"]})
    by = {lab.input: lab for lab in pv.profile_labels(prof)}
    assert by["Comparator profiles"].text == "Comparator profiles: your files (data/raw/profiles/t.csv)"
    assert by["Census ACS (population, income)"].kind == pv.PUBLISHED
    assert by["BLS QCEW (government pay)"].kind == pv.SYNTHETIC
    assert pv.synthetic_inputs(by.values()) == ["BLS QCEW (government pay)"]


def test_the_banner_names_the_invented_inputs_and_is_absent_without_any():
    real = [pv.InputLabel("Settlements", pv.YOURS), pv.series_label("CPI-U X", False, "BLS")]
    assert pv.banner(real) is None
    text = pv.banner(real + [pv.InputLabel("Roster", pv.SYNTHETIC)])
    assert text.startswith("SYNTHETIC DATA") and "for Roster." in text and "Settlements" not in text
    assert pv.unit_label("u", True).synthetic and not pv.unit_label("u", False).synthetic
