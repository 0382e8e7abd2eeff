"""The economic items beyond wages (issue 17 part 1), checked against numbers worked by hand.

The hand roster is three employees, costed over FY2026 and FY2027 (2025-07-01 to 2027-06-30;
both years have 365 days, and January-June 2026 is 181 of FY2026's). Their pay is $60,000 +
$50,000 + $40,000 x 0.5 = $130,000 a year; nobody comes near the Social Security wage base, so
Social Security is a plain 6.2%. Every expected value is plain arithmetic, independent of the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wagebrief.analysis import costing
from wagebrief.brief import costing as costing_section
from wagebrief.inputs import proposals, roster
from wagebrief.inputs.units import Employer, Unit

SS, MED, PENSION = 0.062, 0.0145, 0.10
PAYROLL = 130_000.0
H2 = 181 / 365

ROSTER = """employee_id,title,step,hire_date,annual_base_salary,fte,coverage_tier
E1,Officer,1,2015-01-01,60000,1,family
E2,Officer,1,2018-01-01,50000,1,Single
E3,Dispatcher,1,2020-01-01,40000,0.5,waived
"""

HEAD = """
unit: testunit
term_start: 2025-07-01
term_end: 2027-06-30
roster_as_of: 2025-06-30
rollup: {social_security: true, medicare: true, rates: {pension: 10.0}}
health:
  premiums: {single: 9600, employee_plus_one: 19200, family: 26400}
  employee_share_pct: 15
"""


def make_unit() -> Unit:
    return Unit(unit="testunit", name="Test Unit", employer=Employer("Testville", "Testville", "CT", "municipal"),
                occupation_group="clerical", cycle_year=2025, fiscal_year_start_month=7, term_years=2,
                cpi_series="X", cpi_basis="fiscal", comparators=(), synthetic=True, extra={}, path=None)


def cost(tmp_path: Path, body: str, head: str = HEAD, roster_text: str = ROSTER) -> costing.Costing:
    (tmp_path / "p.yml").write_text(head + body)
    (tmp_path / "r.csv").write_text(roster_text)
    prop = proposals.load(make_unit(), tmp_path, path=tmp_path / "p.yml")
    df = roster.load(tmp_path / "r.csv", as_of=prop.roster_as_of, coverage=prop.items.health is not None)
    return costing.cost_roster(df, prop, min_group=1)


def item(c: costing.Costing, scenario: str, fy: int, name: str) -> dict:
    f = c.items.by_year
    return f[f["scenario"].eq(scenario) & f["fiscal_year"].eq(fy) & f["item"].eq(name)].iloc[0].to_dict()


def year(c: costing.Costing, scenario: str, fy: int) -> dict:
    b = c.by_year
    return b[b["scenario"].eq(scenario) & b["fiscal_year"].eq(fy)].iloc[0].to_dict()


def test_premium_share_from_the_fiscal_year_start(tmp_path: Path) -> None:
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, premium_share_pct: 20}
""")
    # 5 points more of a $26,400 family premium ($1,320) and of a $9,600 single ($480); E3 waived.
    for fy in (2026, 2027):
        h = item(c, "management", fy, "health")
        assert h["cost"] == pytest.approx(-(1320.0 + 480.0))
        assert h["rollup"] == 0  # premiums are not wages
        assert h["employees"] == 2
        assert year(c, "management", fy)["total_cost"] == pytest.approx(-1800.0)


def test_premium_share_mid_year_and_new_premiums(tmp_path: Path) -> None:
    head = HEAD + """  premium_changes:
    - {effective_date: 2026-07-01, single: 10000, employee_plus_one: 20000, family: 28000}
"""
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2026-01-01, premium_share_pct: 25}
""", head=head)
    # 10 points from 1 January (181 of 365 days), then on the new premiums all of FY2027.
    assert item(c, "management", 2026, "health")["cost"] == pytest.approx(-0.10 * (26400 + 9600) * H2)
    assert item(c, "management", 2027, "health")["cost"] == pytest.approx(-0.10 * (28000 + 10000))


def test_employee_pension_contribution_on_raised_pay(tmp_path: Path) -> None:
    c = cost(tmp_path, """
employee_pension_pct: 5
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 2}
      - {effective_date: 2025-07-01, pension_employee_pct: 6}
""")
    # One point more of pensionable pay, which the 2% raise has made $132,600: $1,326.00 saved.
    p = item(c, "management", 2026, "pension_contribution")
    assert p["cost"] == pytest.approx(-1326.0)
    assert p["rollup"] == 0
    y = year(c, "management", 2026)
    assert y["gwi"] == pytest.approx(2600.0)
    assert y["total_cost"] == pytest.approx(2600.0 * (1 + SS + MED + PENSION) - 1326.0)


def test_stipends_annual_for_titles_and_per_hour(tmp_path: Path) -> None:
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2026-01-01, stipend: 1000, titles: [Officer]}
      - {effective_date: 2025-07-01, stipend: 0.50, per: hour, titles: [Dispatcher]}
""")
    # Two officers at $1,000 a year from 1 January; the half-time dispatcher's 1,040 paid hours at $0.50.
    s = item(c, "management", 2026, "stipend")
    expected = 2000.0 * H2 + 0.50 * 40 * 52 * 0.5
    assert s["cost"] == pytest.approx(expected)
    assert s["social_security"] == pytest.approx(SS * expected)
    assert s["medicare"] == pytest.approx(MED * expected)
    assert s["pension"] == 0  # stipends are not pensionable unless rollup.stipends_pensionable
    assert item(c, "management", 2027, "stipend")["cost"] == pytest.approx(2000.0 + 520.0)


def test_pensionable_stipend(tmp_path: Path) -> None:
    head = HEAD.replace("rates: {pension: 10.0}}", "rates: {pension: 10.0}, stipends_pensionable: true}")
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, stipend: 500}
""", head=head)
    s = item(c, "management", 2026, "stipend")
    assert s["cost"] == pytest.approx(500.0 * 2.5)  # 2.5 FTE
    assert s["pension"] == pytest.approx(0.10 * 1250.0)
    assert s["total"] == pytest.approx(1250.0 * (1 + SS + MED + PENSION))


def test_paid_hours_rise(tmp_path: Path) -> None:
    c = cost(tmp_path, """
hours_per_week: 37.5
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, hours_per_week: 40}
""")
    # 40 / 37.5 = 16/15 of the pay: $130,000 / 15 = $8,666.67 a year, pensionable.
    h = item(c, "management", 2026, "hours")
    assert h["cost"] == pytest.approx(PAYROLL / 15)
    assert h["total"] == pytest.approx(PAYROLL / 15 * (1 + SS + MED + PENSION))


def test_added_holiday_is_time_unless_cash(tmp_path: Path) -> None:
    body = """
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, holidays_added: 1}
"""
    c = cost(tmp_path, body)
    h = item(c, "management", 2026, "holiday_pay")
    assert h["cost"] == 0 and h["total"] == 0
    assert h["hours_of_time"] == pytest.approx(8 * 2.5)  # 8 hours for each of 2.5 FTE
    c = cost(tmp_path, "holidays: {cash: true, hours_per_holiday: 12, premium: 1.5}\n" + body)
    h = item(c, "management", 2026, "holiday_pay")
    # 12 hours at time and a half of each hourly rate: 18 x $130,000 / 2,080 = $1,125.00; not pensionable.
    assert h["cost"] == pytest.approx(1125.0)
    assert h["rollup"] == pytest.approx(1125.0 * (SS + MED))


def test_retro_owed_paid_and_its_fiscal_year(tmp_path: Path) -> None:
    body = """
settled_on: 2025-11-15
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 3}
"""
    c = cost(tmp_path, body)
    r = c.items.retro.iloc[0]
    # 1 July to 14 November 2025: 31 + 31 + 30 + 31 + 14 = 137 days of 3% on $130,000.
    wages = 3900.0 * 137 / 365
    assert r["retro_wages"] == pytest.approx(wages)
    assert r["retro_total"] == pytest.approx(wages * (1 + SS + MED + PENSION))
    assert r["fiscal_year_paid"] == 2026 and str(r["retro_paid_on"].date()) == "2025-11-15"
    c = cost(tmp_path, body.replace("settled_on: 2025-11-15", "settled_on: 2025-11-15\nretro_paid_on: 2026-07-10"))
    assert c.items.retro.iloc[0]["fiscal_year_paid"] == 2027
    # The by-year cost is unchanged by when the retro is paid: it stays on the days it was earned.
    assert year(c, "management", 2026)["gwi"] == pytest.approx(3900.0)


def test_table_foots_items_to_the_cent(tmp_path: Path) -> None:
    c = cost(tmp_path, """
employee_pension_pct: 5
hours_per_week: 37.5
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 2.25}
      - {effective_date: 2026-01-01, hours_per_week: 40}
      - {effective_date: 2025-10-01, stipend: 333.33}
      - {effective_date: 2026-03-01, pension_employee_pct: 6.5}
      - {effective_date: 2025-07-01, premium_share_pct: 17.5}
  union:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 4}
""")
    t = costing.table(c)
    parts = ["gwi", "step", "longevity", "lump_sum", "hours", "stipend", "health", "pension_contribution",
             "social_security", "medicare", "pension"]
    for _, row in t.iterrows():
        assert round(sum(row[p] for p in parts if p in t), 2) == round(row["total_cost"], 2)
        assert round(row["wage_cost"] + row["items_cost"] + row["rollup"], 2) == round(row["total_cost"], 2)
    by_item = costing_section.by_item(c)
    assert {"Health-premium share", "Stipends and differentials", "Paid-hours change"} <= set(by_item["Item"])


def test_wage_only_proposals_have_no_item_columns(tmp_path: Path) -> None:
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 2}
""", head=HEAD.split("health:")[0])
    assert c.items is None
    assert "items_cost" not in c.by_year and "health" not in costing.table(c)


@pytest.mark.parametrize("body, message", [
    ("scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, pension_employee_pct: 6}\n",
     "p.yml: scenarios.m.events[0].pension_employee_pct: needs employee_pension_pct (today's percent)"),
    ("scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, stipend: 100, per: week}\n",
     "p.yml: scenarios.m.events[0].per: 'week' is not one of year, hour"),
    ("scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, gwi_pct: 2, titles: [Officer]}\n",
     "p.yml: scenarios.m.events[0]: per and titles go with a stipend only"),
    ("scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, premium_share_pct: 120}\n",
     "p.yml: scenarios.m.events[0].premium_share_pct: 120 is outside 0..100"),
    ("settled_on: 2025-11-15\nretro_paid_on: 2025-11-01\nscenarios:\n  m:\n    events:\n"
     "      - {effective_date: 2025-07-01, gwi_pct: 2}\n",
     "p.yml: retro_paid_on: 2025-11-01 is before settled_on 2025-11-15"),
    ("holidays: {cash: yes please}\nscenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, gwi_pct: 2}\n",
     "p.yml: holidays.cash:"),
])
def test_malformed_items_name_file_and_field(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(proposals.ProposalError) as exc:
        cost(tmp_path, body)
    assert str(exc.value).startswith(message)


def test_premium_share_needs_health(tmp_path: Path) -> None:
    with pytest.raises(proposals.ProposalError, match=r"^p\.yml: scenarios\.m\.events\[0\]\.premium_share_pct: "
                                                      r"needs a health: setting"):
        cost(tmp_path, "scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, premium_share_pct: 20}\n",
             head=HEAD.split("health:")[0])


def test_missing_premium_tier_is_named(tmp_path: Path) -> None:
    head = HEAD.replace(", family: 26400", "")
    with pytest.raises(proposals.ProposalError, match=r"^p\.yml: health\.premiums\.family: required field is missing"):
        cost(tmp_path, "scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, gwi_pct: 2}\n", head=head)


def test_roster_coverage_tier_checked_without_echoing_the_cell(tmp_path: Path) -> None:
    bad = ROSTER.replace("waived", "Jane Doe")
    with pytest.raises(roster.RosterError) as exc:
        cost(tmp_path, "scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, premium_share_pct: 20}\n",
             roster_text=bad)
    (line,) = exc.value.problems
    assert line.endswith("r.csv:4:coverage_tier: cannot read this coverage_tier: expected one of single, "
                         "employee_plus_one, family, or waived or blank for no coverage")
    assert "Jane" not in line
    no_column = "\n".join(r.rsplit(",", 1)[0] for r in ROSTER.strip().splitlines()) + "\n"
    with pytest.raises(roster.RosterFileError, match="missing column coverage_tier"):
        cost(tmp_path, "scenarios:\n  m:\n    events:\n      - {effective_date: 2025-07-01, premium_share_pct: 20}\n",
             roster_text=no_column)


def test_json_has_items_and_retro_and_hides_a_lone_stipend(tmp_path: Path) -> None:
    c = cost(tmp_path, """
settled_on: 2025-11-15
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 3}
      - {effective_date: 2025-07-01, stipend: 900, titles: [Dispatcher]}
""")
    out = costing.to_json(c)
    assert out["retro"][0]["fiscal_year_paid"] == 2026 and out["retro"][0]["settled_on"] == "2025-11-15"
    stipend = [r for r in out["items"] if r["item"] == "stipend" and r["fiscal_year"] == 2026][0]
    assert stipend["cost"] == pytest.approx(450.0)  # min_group=1 here: shown
    c.min_group = 2  # one dispatcher: her stipend would be her pay
    stipend = [r for r in costing.to_json(c)["items"] if r["item"] == "stipend" and r["fiscal_year"] == 2026][0]
    assert stipend["cost"] is None
    assert costing.table(c)["stipend"].isna().all()


def test_longevity_schedule_replaced_from_a_date(tmp_path: Path) -> None:
    roster_text = ROSTER.replace("coverage_tier\n", "coverage_tier,longevity_eligible\n").replace(
        "family\n", "family,yes\n").replace("Single\n", "Single,yes\n").replace("waived\n", "waived,yes\n")
    head = HEAD.split("health:")[0] + "longevity: {basis: flat, schedule: {10: 600}}\n"
    c = cost(tmp_path, """
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, longevity_schedule: {8: 300, 10: 900}}
""", head=head, roster_text=roster_text)
    # E1 (10 years) gets $300 more all year; E2 reaches 8 years on 2026-01-01: $300 for 181 days;
    # the half-time E3 (5 years) nothing. Longevity is pensionable by default.
    fy26 = 300.0 + 300.0 * H2
    lc = item(c, "management", 2026, "longevity_change")
    assert lc["cost"] == pytest.approx(fy26)
    assert lc["total"] == pytest.approx(fy26 * (1 + SS + MED + PENSION))
    assert item(c, "management", 2027, "longevity_change")["cost"] == pytest.approx(600.0)
    assert year(c, "management", 2026)["longevity"] == 0  # nobody reaches the old schedule's 10 years


def test_longevity_schedule_needs_flat_longevity(tmp_path: Path) -> None:
    with pytest.raises(proposals.ProposalError, match=r"^p\.yml: scenarios\.m\.events\[0\]\.longevity_schedule: "
                                                      r"needs a longevity: setting"):
        cost(tmp_path, "scenarios:\n  m:\n    events:\n"
                       "      - {effective_date: 2025-07-01, longevity_schedule: {8: 300}}\n")


def test_brief_section_shows_the_by_item_and_retro_tables(tmp_path: Path) -> None:
    c = cost(tmp_path, """
settled_on: 2025-11-15
scenarios:
  management:
    events:
      - {effective_date: 2025-07-01, gwi_pct: 3}
      - {effective_date: 2025-07-01, premium_share_pct: 20}
""")
    sec = costing_section.brief_section(None, costing=c)
    captions = [t.caption for t in sec.tables]
    assert "Retroactive pay owed at settlement" in captions
    assert any(cap.startswith("Cost of each economic item") for cap in captions)
    assert any("owes $1,722.20 of retroactive pay" in s and "in FY2026" in s for s in sec.text)
    assert any(n.startswith("Health premiums are costed by each employee's coverage tier") for n in sec.caveats)
    rows = costing_section.by_item(c).set_index("Item")
    assert rows.loc["Health-premium share", "FY2026"] == "-$1,800.00"
    assert "Step movement" not in rows.index  # nothing in any scenario: left out


def test_the_printed_table_shows_the_items_total_beside_the_wage_parts():
    import pandas as pd

    from wagebrief.cli.cost import TABLE_COLUMNS, table_columns

    assert table_columns(pd.DataFrame(columns=TABLE_COLUMNS)) == TABLE_COLUMNS
    cols = table_columns(pd.DataFrame(columns=[*TABLE_COLUMNS, "items_cost"]))
    assert cols[cols.index("rollup") + 1] == "items_cost" and cols[cols.index("items_cost") + 1] == "total_cost"
