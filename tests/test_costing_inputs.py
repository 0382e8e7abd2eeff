"""Costing inputs: roster validation, proposals files, the wage-base table, demo data, the pattern."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import rows, valid_events
from test_costing import PROPOSALS, ROSTER, make_costing_inputs, make_unit
from wagebrief.analysis import costing
from wagebrief.analysis.scenarios import comparator_pattern, resolve
from wagebrief.inputs import proposals, roster, units
from wagebrief.inputs.proposals import ProposalError
from wagebrief.inputs.units import Comparator

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
UNITS = ["city-police", "city-public-works", "state-clerical"]


# ----------------------------------------------------------------------------- roster

def problems(tmp_path: Path, text: str, **kw) -> list[str]:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return [p.replace(str(path), "roster.csv") for p in roster.validate(path, **kw).problems()]


def test_bad_roster_rows_are_all_reported(tmp_path: Path) -> None:
    text = """employee_id,title,step,hire_date,annual_base_salary,fte
E1,Clerk,3,2020-01-01,50000,1
E2,Clerk,9,2020-01-01,50000,1
E3,Clerk,2,2020-01-01,-50000,1
E4,Clerk,2,2099-01-01,50000,1
E1,Clerk,2,2020-01-01,50000,1

E6,,x,13/45/2020,abc,1.5
E7,Clerk,2.5,2020-01-01,0,0
"""
    assert problems(tmp_path, text, top_step=8, as_of=pd.Timestamp("2026-01-01")) == [
        "roster.csv:3:step: step is not on the schedule: expected a whole number from 1 to 8",
        "roster.csv:4:annual_base_salary: annual_base_salary is negative; it must be greater than 0",
        "roster.csv:5:hire_date: hire_date is in the future: expected a date on or before 2026-01-01",
        "roster.csv:6:employee_id: employee_id duplicates row 2",
        # Row 7 is blank and skipped; the rows after it keep their spreadsheet numbers.
        "roster.csv:8:title: title is required",
        "roster.csv:8:step: cannot read this step: expected a whole number from 1 to 8",
        "roster.csv:8:hire_date: cannot read this hire_date: expected a date (YYYY-MM-DD, M/D/YYYY or an Excel serial)",
        "roster.csv:8:annual_base_salary: cannot read this annual_base_salary: expected dollars, such as 52000 or $52,000",
        "roster.csv:8:fte: fte is out of range: expected a number greater than 0 and at most 1",
        "roster.csv:9:step: step is not on the schedule: expected a whole number from 1 to 8",
        "roster.csv:9:annual_base_salary: annual_base_salary is zero; it must be greater than 0",
        "roster.csv:9:fte: fte is out of range: expected a number greater than 0 and at most 1",
    ]


def test_salaries_are_not_echoed_in_errors(tmp_path: Path) -> None:
    text = "employee_id,title,step,hire_date,annual_base_salary,fte\nE1,Clerk,1,2020-01-01,-61234,1\n"
    assert not any("61234" in p or "61,234" in p for p in problems(tmp_path, text))


def test_hire_date_after_the_roster_date(tmp_path: Path) -> None:
    text = "employee_id,title,step,hire_date,annual_base_salary,fte\nE1,Clerk,1,2025-08-01,50000,1\n"
    assert problems(tmp_path, text, as_of=pd.Timestamp("2025-06-30")) == [
        "roster.csv:2:hire_date: hire_date is in the future: expected a date on or before 2025-06-30"]


def test_roster_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("employee_id,title,step,hire_date,fte\nE1,Clerk,1,2020-01-01,1\n")
    with pytest.raises(roster.RosterFileError, match=r"roster.csv:1: missing required column\(s\): annual_base_salary"):
        roster.validate(path)
    path.write_text("employee_id,title,step,hire_date,annual_base_salary,fte\nE1,Clerk,1,2020-01-01,50000,1\n")
    with pytest.raises(roster.RosterFileError, match="longevity_eligible"):
        roster.validate(path, longevity=True)
    with pytest.raises(roster.RosterFileError, match="no roster file"):
        roster.validate(tmp_path / "missing.csv")
    path.write_text("employee_id,title,step,hire_date,annual_base_salary,fte,longevity_eligible\n"
                    "E1,Clerk,1,2020-01-01,50000,1,maybe\n")
    assert roster.validate(path).problems() == [f"{path}:2:longevity_eligible: cannot read this longevity_eligible: expected yes or no (blank is no)"]


def test_a_bad_roster_costs_nothing(project: Path) -> None:
    path = project / "data" / "raw" / "units" / "city-police" / "roster.csv"
    lines = path.read_text().splitlines()
    first_id = lines[1].split(",")[0]
    lines[3] = lines[3].replace(",1,yes", ",-1,yes")  # fte
    lines.append(lines[1])  # a duplicate id
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(roster.RosterError) as exc:
        costing.cost_unit("city-police", project)
    assert exc.value.problems == [
        f"{path}:4:fte: fte is out of range: expected a number greater than 0 and at most 1",
        f"{path}:{len(lines)}:employee_id: employee_id duplicates row 2",
    ]
    assert first_id not in " ".join(exc.value.problems)


# ----------------------------------------------------------------------------- proposals

@pytest.mark.parametrize("old,new,message", [
    ("roster_as_of:", "roster_as_off:", "p.yml: roster_as_off: unknown key (did you mean 'roster_as_of'?)"),
    ("2026-01-01, gwi_pct", "2026-07-01, gwi_pct", "p.yml: scenarios.management.events[1].effective_date: 2026-07-01 is outside the term 2025-07-01 to 2026-06-30"),
    ('gwi_pct: "1%"}', 'gwi_pct: "1%", lump_sum: 5}', "p.yml: scenarios.management.events[1]: give exactly one of gwi_pct, gwi_flat, lump_sum, lump_sum_pct, step_movement, premium_share_pct, pension_employee_pct, stipend, hours_per_week, holidays_added, longevity_schedule (found gwi_pct, lump_sum)"),
    ('gwi_pct: "1%"', 'gwi_pct: "one"', "p.yml: scenarios.management.events[1].gwi_pct: cannot read 'one' as a number"),
    ("gwi_pct: 3.0", "gwi_pct: 30", "p.yml: scenarios.union.events[0].gwi_pct: 30 is outside -15..25"),
    ("step_movement: true}\n      - {effective_date: 2025-07-01, lump", "step_movement: sometimes}\n      - {effective_date: 2025-07-01, lump", "p.yml: scenarios.management.events[2].step_movement: expected true, anniversary or common_date, got 'sometimes'"),
    ("timing: common_date", "timing: yearly", "p.yml: steps.timing: 'yearly' is not one of anniversary, common_date"),
    ("rates: {pension: 10.0}", "rates: {Pension: 10.0}", "p.yml: rollup.rates.Pension: use a lower-case name like 'pension'"),
    ("term_end: 2026-06-30\n", "", "p.yml: term_start and term_end go together; give both or neither"),
    ("unit: testunit", "unit: other", "p.yml: unit: 'other' must be 'testunit', the file name stem"),
    ("scenarios:", "reference_scenario: mgmt\nscenarios:", "p.yml: reference_scenario: 'mgmt' is not a scenario"),
    ("    phrase: the union's demand\n", "    phrase: the union's demand\n    steps_from: managment\n", "p.yml: scenarios.union.steps_from: 'managment' is not a scenario (did you mean 'management'?)"),
    ("rollup:", "social_security_wage_base: {2025: 180000}\nrollup:", "p.yml: social_security_wage_base.2025: 2025's base is published ($176,100); only unpublished years may be set"),
])
def test_proposal_errors_name_the_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in PROPOSALS
    with pytest.raises(ProposalError) as exc:
        make_costing_inputs(tmp_path, PROPOSALS.replace(old, new, 1))
    assert str(exc.value).startswith(message), str(exc.value)


def test_steps_need_settings(tmp_path: Path) -> None:
    text = PROPOSALS.replace("steps: {top_step: 8, increment_pct: 3.0, timing: common_date}\n", "")
    with pytest.raises(ProposalError, match=r"events\[2\].step_movement: needs a steps: setting"):
        make_costing_inputs(tmp_path, text)


def test_scenarios_in_unit_file_or_proposals_file_not_both(tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(PROPOSALS)
    unit = make_unit(tmp_path / "testunit.yml")
    both = units.Unit(**{**unit.__dict__, "extra": {"scenarios": {"x": {"events": []}}}})
    with pytest.raises(ProposalError, match="scenarios: also given in the unit file"):
        proposals.load(both, tmp_path, path=tmp_path / "p.yml")
    # Without a proposals file, the unit file's list-form scenarios are used.
    only = units.Unit(**{**unit.__dict__, "extra": {"scenarios": [
        {"name": "base", "events": [{"effective_date": "2025-07-01", "gwi_pct": 2}]}]}})
    prop = proposals.load(only, tmp_path, path=tmp_path / "none.yml")
    assert list(prop.scenarios) == ["base"] and prop.reference == "base"
    assert prop.scenarios["base"].events[0].value == 2.0


def test_proposals_files_are_not_units() -> None:
    # units.unit_names() globs comparators/*.yml only, not recursively.
    assert units.unit_names(ROOT) == UNITS
    assert sorted(p.stem for p in (ROOT / "comparators" / "proposals").glob("*.yml")) == UNITS
    assert [u.unit for u in units.load_all(ROOT)] == UNITS
    for name in UNITS:
        prop = proposals.load(units.load(name, root=ROOT), ROOT)
        assert prop.synthetic and {"management", "union", "comparator_pattern"} <= set(prop.scenarios)
        assert prop.fiscal_years == [2028, 2029, 2030]


# ----------------------------------------------------------------------------- wage base

def test_wage_base_table() -> None:
    t = proposals.wage_base_table()
    assert dict(zip(t["year"], t["wage_base"])) == {
        2015: 118500, 2016: 118500, 2017: 127200, 2018: 128400, 2019: 132900, 2020: 137700,
        2021: 142800, 2022: 147000, 2023: 160200, 2024: 168600, 2025: 176100, 2026: 184500}
    assert t["source"].str.contains("Contribution and Benefit Base").all()
    assert t["source"].str.contains("ssa.gov").all()


def test_wage_base_beyond_the_table_is_projected_and_said() -> None:
    # Issue 15: unpublished bases are projected (no longer carried forward flat); an override still wins.
    # 184,500 * (184,500 / 118,500) ** (1/10) = 192,852 -> 192,900 (nearest $300).
    wb = proposals.wage_bases([2026, 2027, 2028], {2028: 199000})
    assert wb.to_dict("list") == {"year": [2026, 2027, 2028], "wage_base": [184500, 192900, 199000],
                                  "basis": ["published", "projected at 4.53% a year from 2026", "set in proposals"]}
    c = costing.cost_unit("state-clerical")
    assert any(n.startswith("The Social Security wage base for 2027-2030 is not yet published and is projected")
               for n in c.notes)
    assert set(c.wage_bases["basis"]) == {"projected at 4.53% a year from 2026"}


# ----------------------------------------------------------------------------- demo data

def test_demo_rosters_reproduce_and_validate(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_rosters.py"), "--out-dir", str(tmp_path)],
                   check=True, capture_output=True)
    for name in units.unit_names(ROOT):  # a roster for every unit
        committed = ROOT / "data" / "raw" / "units" / name / "roster.csv"
        assert (tmp_path / name / "roster.csv").read_bytes() == committed.read_bytes()
        prop = proposals.load(units.load(name, root=ROOT), ROOT)
        result = roster.validate(committed, top_step=prop.steps.top_step, as_of=prop.roster_as_of, longevity=True)
        assert result.ok, result.problems()[:5]
        assert 50 <= result.n_input <= 400
    readme = (ROOT / "data" / "raw" / "units" / "README.md").read_text()
    assert "SYNTHETIC" in readme and "make_demo_rosters.py" in readme


# ----------------------------------------------------------------------------- comparator pattern

def _contract(sid: str, jurisdiction: str, start: str, end: str, pcts: list[tuple[str, float]]) -> pd.DataFrame:
    return rows(*[{"effective_date": d, "pct": p} for d, p in pcts], settlement_id=sid, jurisdiction=jurisdiction,
                term_start=start, term_end=end)


def test_comparator_pattern_medians_and_carry_forward(tmp_path: Path) -> None:
    ev = valid_events(
        _contract("J1", "J1", "2024-07-01", "2028-06-30", [("2024-07-01", 2), ("2025-07-01", 3), ("2026-07-01", 4), ("2027-07-01", 5)]),
        _contract("J2", "J2", "2024-07-01", "2027-06-30", [("2024-07-01", 1), ("2025-07-01", 2), ("2026-07-01", 3)]),
        _contract("J3", "J3", "2024-07-01", "2027-06-30", [("2024-07-01", 3), ("2025-07-01", 3), ("2026-07-01", 2)]),
    )
    unit = make_unit()
    unit = units.Unit(**{**unit.__dict__, "comparators": tuple(Comparator(j, "CT", "municipal") for j in ("J1", "J2", "J3"))})
    text = PROPOSALS.replace("term_start: 2025-07-01", "term_start: 2026-07-01").replace(
        "term_end: 2026-06-30", "term_end: 2028-06-30").replace("2025-07-01", "2026-07-01").replace("2026-01-01", "2027-01-01")
    text += """  comparator_pattern:
    derive: comparator_median
    steps_from: management
"""
    (tmp_path / "p.yml").write_text(text)
    prop = proposals.load(unit, tmp_path, path=tmp_path / "p.yml")
    scenarios, notes = resolve(prop, unit, events=ev)
    cp = scenarios["comparator_pattern"].events
    # FY2027: median of 4, 3, 2 = 3. FY2028: only J1 is known (5%), fewer than 3 settlements,
    # so FY2027's median is carried forward and a note says so.
    assert [(e.effective_date.strftime("%Y-%m-%d"), e.kind, pytest.approx(e.value, abs=1e-12)) for e in cp] == [
        ("2026-07-01", "gwi_pct", 3.0), ("2027-07-01", "gwi_pct", 3.0), ("2026-07-01", "step_movement", 0.0)]
    assert notes == ["FY2028: fewer than 3 comparator settlements are known (1); the comparator pattern carries "
                     "FY2027's median (3.00%, 3 settlements) forward."]
    (tmp_path / "r.csv").write_text(ROSTER)
    df = roster.load(tmp_path / "r.csv", top_step=8, as_of=prop.roster_as_of)
    c = costing.cost_roster(df, prop, scenarios)
    assert list(c.summary["scenario"]) == ["management", "union", "comparator_pattern"]
    with pytest.raises(ProposalError, match="no fiscal year up to FY2028 has 4 or more"):
        comparator_pattern(unit, [2028], min_comparators=4, events=ev)
