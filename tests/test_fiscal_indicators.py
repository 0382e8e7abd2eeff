"""Municipal fiscal indicators (OPM's layout): typed rows, malformed rows rejected with
file:row:column and kept, and the ability-to-pay factor's GFOA comparison, hand-computed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import SYNTHETIC, SYNTHETIC_ROOT
from wagebrief.analysis import ability
from wagebrief.brief import ability as ability_brief
from wagebrief.brief import factors, page
from wagebrief.inputs import fiscal_indicators as fi
from wagebrief.inputs import units

HEADER = ("municipality,fisc_year_end,total_revenue,total_expenditures,unassigned_fund_bal,debt_service,"
          "net_grand_list,actual_mill_rate,population,source,source_url,notes")
EXAMPLE = SYNTHETIC / "fiscal" / "municipal_fiscal_indicators.csv"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "mfi.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_example_reads_typed():
    r = fi.validate([EXAMPLE])
    assert r.ok and len(r.valid) == 12
    v = r.valid
    assert v["fisc_year_end"].dtype == "int64" and str(v["population"].dtype) == "Int64"
    assert v["total_expenditures"].dtype == float and v["synthetic"].all()
    row = v[v["municipality"].eq("HARTFORD") & v["fisc_year_end"].eq(2023)].iloc[0]
    assert (row["unassigned_fund_bal"], row["total_expenditures"], row["actual_mill_rate"]) == (32e6, 640e6, 68.95)


def test_malformed_rows_rejected_with_file_row_column(tmp_path):
    path = write(tmp_path,
                 'HARTFORD,2023,"$650,000,000",640000000,(1000),1,4000000000,68.95,120000,OPM MFI,,',  # good; (1000) is -1000
                 "NEW HAVEN,20x3,1,1,1,1,1,1,1,OPM MFI,,",
                 "STAMFORD,2023,1,0,1,1,1,1,1,OPM MFI,,",
                 "BRIDGEPORT,2023,1,1,1,1,1,-2,1.5,,ftp://x,",
                 "hartford,2023,1,1,1,1,1,1,1,OPM MFI,,")
    r = fi.validate([path])
    assert len(r.valid) == 1 and r.valid["unassigned_fund_bal"].iloc[0] == -1000
    assert r.valid["total_revenue"].iloc[0] == 650e6
    where = str(path)
    problems = r.problems()
    assert f"{where}:3:fisc_year_end: '20x3' is not a year from 1990 to 2100" in problems
    assert f"{where}:4:total_expenditures: 0 must be more than 0" in problems
    assert f"{where}:5:actual_mill_rate: -2 must not be negative" in problems
    assert f"{where}:5:population: '1.5' is not a whole number" in problems
    assert f"{where}:5:source: required; it is blank" in problems
    assert f"{where}:5:source_url: 'ftp://x' is not an http(s) address" in problems
    assert any(p.startswith(f"{where}:6:fisc_year_end: hartford FY2023 is given twice") for p in problems)
    # Rejected rows are kept as typed, with their reasons.
    assert list(r.rejects["row"]) == [3, 4, 5, 6]
    assert r.rejects["fisc_year_end"].iloc[0] == "20x3" and "fisc_year_end" in r.rejects["reason"].iloc[0]


def test_missing_column_is_a_file_error(tmp_path):
    path = tmp_path / "mfi.csv"
    path.write_text("municipality,total_revenue\nHARTFORD,1\n")
    with pytest.raises(fi.FiscalFileError):
        fi.validate([path])
    assert fi.validate([tmp_path / "absent.csv"]).valid.empty


def test_indicators_hand_computed():
    rows = fi.validate([EXAMPLE]).valid
    t = ability.indicators(rows, "City of Hartford", ["City of New Haven", "Town of West Hartford", "Town of Nowhere"])
    assert list(t["jurisdiction"]) == ["City of Hartford", "City of New Haven", "Town of West Hartford"]
    h = t.iloc[0]
    assert h["fiscal_year"] == 2023
    assert h["fund_balance_pct"] == pytest.approx(32 / 640 * 100)  # 5.0%
    assert not h["meets_gfoa"]  # below two months of expenditures (16.7%)
    assert h["debt_service_pct"] == pytest.approx(25.6 / 640 * 100)  # 4.0%
    assert h["revenue_growth_pct"] == pytest.approx((650 / 625 - 1) * 100)  # +4.0%
    assert h["grand_list_per_capita"] == pytest.approx(4e9 / 120_000)  # $33,333
    assert h["mill_rate"] == 68.95
    assert ability.GFOA_MIN_PCT == pytest.approx(16.6667, abs=1e-4)
    med = ability.comparator_median(t)
    assert med["fund_balance_pct"] == pytest.approx((13.1 / 655 * 100 + 40 / 340 * 100) / 2)


def test_ability_to_pay_factor_shows_the_gfoa_comparison():
    unit = units.load("city-police", root=SYNTHETIC_ROOT)
    sections = factors.statutory_factors(unit, SYNTHETIC_ROOT)
    s = next(x for x in sections if "ability to pay" in x.title)
    text = " ".join(s.text)
    assert ("City of Hartford's unassigned fund balance was 5.0% of general-fund expenditures in FY2023, which "
            "falls short of the GFOA's guideline of no less than two months of regular operating expenditures "
            "(16.7%)") in text
    table = next(t for t in s.tables if t.caption.startswith("Ability to pay: fiscal indicators"))
    shown = page.formatted(table)
    first = shown.iloc[0]
    assert (first["Jurisdiction"], first["Fiscal year"], first["Unassigned fund balance, % of expenditures"]) == \
        ("City of Hartford", "FY2023", "5.0%")
    assert first["Mill rate"] == "68.95" and first["Grand list per capita"] == "$33,333"
    assert first["Revenue growth %"] == "+4.0%" and first["Debt service, % of expenditures"] == "4.0%"
    assert "SYNTHETIC" in first["Source"] and "SYNTHETIC" in table.source
    assert "16.7%" in table.note and shown.iloc[-1]["Jurisdiction"] == "Comparator median"


def test_no_indicators_says_what_is_missing(tmp_path):
    unit = units.load("city-police", root=SYNTHETIC_ROOT)
    words, table = ability_brief.panel(unit, rows=pd.DataFrame())
    assert table is None and "Evidence missing: no municipal fiscal indicators for City of Hartford" in words[0]


def test_the_cover_labels_the_fiscal_indicators_input():
    from wagebrief.brief import data as brief_data
    from wagebrief.inputs import provenance

    labels = {lab.input: lab for lab in brief_data.input_labels(brief_data.load("city-police", SYNTHETIC_ROOT))}
    lab = labels["Municipal fiscal indicators"]
    assert lab.kind == provenance.SYNTHETIC and "data/raw/fiscal/municipal_fiscal_indicators.csv" in lab.detail


def test_shipped_real_rows_validate_as_opm_publishes_them():
    from conftest import ROOT

    r = fi.validate([fi.default_path(ROOT)])
    assert r.ok and len(r.valid) == 90 and r.rejects.empty
    v = r.valid
    assert not v["synthetic"].any() and v["source_url"].str.startswith("https://").all()
    assert sorted(v["fisc_year_end"].unique()) == [2014, 2015, 2016, 2017, 2018]
    # Hartford FY2018, OPM's FISCIN18 row: Total_Revenue, Unassigned_Fund_Bal, ACGLFY18, "2018 Population",
    # and ACMR's "74.29 / 32.00" typed as the real & personal property rate (the notes quote the cell).
    h = v[v["municipality"].eq("HARTFORD") & v["fisc_year_end"].eq(2018)].iloc[0]
    assert (h["total_revenue"], h["unassigned_fund_bal"], h["net_grand_list"], h["population"]) == \
        (656_549_000, 4_884_000, 4_068_017_222, 122_587)
    assert h["actual_mill_rate"] == 74.29 and "'74.29 / 32.00'" in h["notes"]
    # Every comparator of the shipped Hartford units has its rows.
    for name in ("city-police", "city-public-works"):
        unit = units.load(name, root=ROOT)
        t = ability.indicators(v, unit.employer.jurisdiction, [c.jurisdiction for c in unit.comparators])
        assert len(t) == 1 + len(unit.comparators) and set(t["fiscal_year"]) == {2018}


def test_the_ability_factor_names_the_year_and_does_not_call_the_fiscal_file_missing():
    """Hartford's real rows end in FY2018: the sentence says so, names the year revenue grew on,
    and the factor does not call fund balance and tax base missing when they are on file."""
    from conftest import ROOT as REPO

    unit = units.load("city-public-works", root=REPO)
    factor = next(s for s in factors.statutory_factors(unit, REPO) if "ability to pay" in s.title)
    text = " ".join(factor.text)
    assert "In FY2018, the latest fiscal year on file for it" in text and "revenue growth on FY2017 of" in text
    assert "Evidence missing: the unit file gives no ability-to-pay evidence" not in text
    assert "The unit file gives no other ability-to-pay evidence (budget, bond rating)." in text
