"""The office overview: every unit's costs foot to the totals to the cent, the guideline is costed
per unit by the costing engine, costs convert to mills, and the units below the target are named.

The costs are hand-computed on tiny rosters (five employees, whole fiscal years, no roll-up), so
each figure is a payroll times compounded raises; the positions use the synthetic example."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SYNTHETIC_ROOT
from wagebrief.analysis import office
from wagebrief.inputs import office as settings
from wagebrief.inputs import units
from wagebrief.run import office as office_page

PROPOSALS = """\
unit: {unit}
synthetic: true
term_start: 2027-07-01
term_end: 2030-06-30
roster_as_of: 2027-06-30
rollup: {{social_security: false, medicare: false}}
reference_scenario: management
scenarios:
  management:
    label: Management offer
    events:
      - {{effective_date: 2027-07-01, gwi_pct: 2.0}}
      - {{effective_date: 2028-07-01, gwi_pct: 2.0}}
      - {{effective_date: 2029-07-01, gwi_pct: 2.0}}
  union:
    label: Union demand
    events:
      - {{effective_date: 2027-07-01, gwi_pct: 4.0}}
      - {{effective_date: 2028-07-01, gwi_pct: 4.0}}
      - {{effective_date: 2029-07-01, gwi_pct: 4.0}}
"""


def tiny(root: Path, unit: str, salary: int) -> None:
    """Five SYNTHETIC employees at ``salary`` and a two-scenario proposals file for ``unit``."""
    rows = ["employee_id,title,step,hire_date,annual_base_salary,fte,longevity_eligible,notes"]
    rows += [f"E{i},Clerk,1,2020-01-01,{salary},1,no,SYNTHETIC" for i in range(5)]
    (root / "data/raw/units" / unit).mkdir(parents=True, exist_ok=True)
    (root / "data/raw/units" / unit / "roster.csv").write_text("\n".join(rows) + "\n")
    (root / "comparators/proposals" / f"{unit}.yml").write_text(PROPOSALS.format(unit=unit))


@pytest.fixture
def two_units(project: Path) -> office.Office:
    tiny(project, "city-police", 50_000)  # payroll $250,000
    tiny(project, "city-public-works", 40_000)  # payroll $200,000
    return office.overview(project, guideline_pct=2.5, names=["city-police", "city-public-works"],
                           as_of="2027-01-15")


def cost(o: office.Office, unit: str, scenario: str, fy: int) -> float:
    row = next(r for r in o.units if r.unit.unit == unit)
    c = row.costs
    return float(c[c["scenario"].eq(scenario) & c["fiscal_year"].eq(fy)]["total_cost"].iloc[0])


def total(o: office.Office, scenario: str, fy: int) -> float:
    t = o.totals
    return float(t[t["scenario"].eq(scenario) & t["fiscal_year"].eq(fy)]["total_cost"].iloc[0])


def test_each_unit_costs_as_hand_computed(two_units):
    o = two_units
    # 2% a year on $250,000: 250,000 x 0.02; x (1.02^2 - 1) = 0.0404; x (1.02^3 - 1) = 0.061208.
    assert [cost(o, "city-police", "management", fy) for fy in (2028, 2029, 2030)] == [5000.00, 10100.00, 15302.00]
    # 4% a year: 0.04, 0.0816, 0.124864.
    assert [cost(o, "city-police", "union", fy) for fy in (2028, 2029, 2030)] == [10000.00, 20400.00, 31216.00]
    assert [cost(o, "city-public-works", "management", fy) for fy in (2028, 2029, 2030)] == [4000.00, 8080.00, 12241.60]


def test_guideline_costed_per_unit(two_units):
    o = two_units
    # 2.5% at each fiscal-year start: 0.025, 0.050625, 0.076890625 of the payroll.
    assert [cost(o, "city-police", "guideline", fy) for fy in (2028, 2029, 2030)] == [6250.00, 12656.25, 19222.66]
    assert [cost(o, "city-public-works", "guideline", fy) for fy in (2028, 2029, 2030)] == [5000.00, 10125.00, 15378.13]


def test_totals_foot_to_the_units_to_the_cent(two_units):
    o = two_units
    assert total(o, "management", 2028) == 9000.00
    assert total(o, "management", 2030) == 27543.60
    assert total(o, "union", 2029) == 20400.00 + 16320.00
    # The sum of the rows as shown (19,222.66 + 15,378.13), not the exact sum rounded (34,600.78).
    assert total(o, "guideline", 2030) == 34600.79
    for scen in ("management", "union", "guideline"):
        for fy in (2028, 2029, 2030):
            assert round(cost(o, "city-police", scen, fy) + cost(o, "city-public-works", scen, fy), 2) == total(o, scen, fy)


def test_mills_hand_computed(two_units):
    o = two_units
    police = next(r for r in o.units if r.unit.unit == "city-police")
    assert police.unit.net_grand_list.amount == 4_000_000_000  # the synthetic example's invented list
    c = police.costs
    # $5,000 / $4,000,000,000 x 1,000 = 0.00125 mills.
    assert c[c["scenario"].eq("management") & c["fiscal_year"].eq(2028)]["mills"].iloc[0] == pytest.approx(0.00125)
    e = o.employer_totals
    both = e[e["employer"].eq("City of Hartford") & e["scenario"].eq("guideline") & e["fiscal_year"].eq(2030)]
    assert both["total_cost"].iloc[0] == 34600.79
    assert both["mills"].iloc[0] == pytest.approx(34600.79 / 4e9 * 1000)  # 0.0086502 mills
    assert units.NetGrandList(4e9, 2026, "x").mills(1_000_000) == 0.25


def test_office_page_shows_costs_mills_and_totals(two_units, tmp_path):
    page = office_page.context(two_units, cycle=2027, as_of="2027-01-15", generated="now")
    police = page["units"][0]
    assert police["management"][0] == "$5,000.00 (0.001 mills)"
    assert page["totals"][0]["management"] == ["$9,000.00", "$18,180.00", "$27,543.60"]
    assert page["guideline"]["totals"][0]["costs"][2] == "$34,600.79"
    assert page["banner"] and "Proposals and roster" in page["banner"]


@pytest.fixture(scope="module")
def synthetic_office() -> office.Office:
    return office.overview(SYNTHETIC_ROOT, guideline_pct=2.5, target_percentile=20, as_of="2027-01-15")


def test_units_below_the_target_are_listed(synthetic_office):
    o = synthetic_office
    assert [r.unit.unit for r in o.below_target] == ["city-police"]
    police = o.below_target[0]
    # The top-step Police Officer's pay on the as-of date, raised 2.5% at each of three fiscal-year starts.
    assert police.guideline_value == pytest.approx(90009.40725 * 1.025 ** 3)
    assert police.guideline_value < police.target_value
    assert police.pct_vs_median == pytest.approx(-4.736958886, abs=1e-6)
    page = office_page.context(o, cycle=2027, as_of="2027-01-15", generated="now")
    assert page["guideline"]["below"] == "Hartford Police Bargaining Unit"
    assert [r["expires"] for r in page["units"]] == ["2027-06-30"] * 3
    assert [r["status"] for r in page["units"]] == ["mediation", "negotiating", "not started"]


def test_settings_file_and_its_errors(tmp_path):
    assert settings.load(tmp_path).guideline_pct is None and settings.load(tmp_path).target_percentile == 50
    (tmp_path / "comparators/office").mkdir(parents=True)
    path = tmp_path / "comparators/office/settings.yml"
    path.write_text("guideline_pct: 2.5\ntarget_percentile: 60\n")
    assert (settings.load(tmp_path).guideline_pct, settings.load(tmp_path).target_percentile) == (2.5, 60)
    path.write_text("guideline_pc: 2.5\ntarget_percentile: 150\n")
    with pytest.raises(settings.OfficeError) as exc:
        settings.load(tmp_path)
    assert "comparators/office/settings.yml: guideline_pc" in str(exc.value)
    assert "target_percentile: 150 is outside 1..99" in str(exc.value)
    # The settings file is never taken for a unit.
    assert "settings" not in units.unit_names(SYNTHETIC_ROOT)


def test_expiry_not_in_the_unit_file_comes_from_the_units_own_settlement_on_file():
    from conftest import ROOT
    from wagebrief.inputs import settlements

    u = units.load("city-police", root=ROOT)  # the shipped, real unit: no contract_expires typed
    assert u.contract_expires is None
    events = settlements.validate([ROOT / "data/raw/settlements"]).valid
    end, sid = office.own_contract(events, u)
    # Hartford's police contract of 2022, as the Courant reported it: to June 30, 2026.
    assert (f"{end:%Y-%m-%d}", sid) == ("2026-06-30", "CT-Hartford-police-2022")
    row = office.UnitOffice(u, contract_on_file=(end, sid))
    assert office_page._expires(row) == "2026-06-30 (term end of settlement CT-Hartford-police-2022 on file)"
    assert office_page._expires(office.UnitOffice(u)) == "not given"
