"""Issue 15, market position: the basis (annual or hourly) of every figure, ties in rank, hourly
money to the cent, years as years. Every expected number is worked out by hand in a comment."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from test_market import contract, make_unit, schedules
from conftest import valid_events
from wagebrief.analysis import market, position
from wagebrief.brief import factors as factor_sections
from wagebrief.brief import market as brief_market
from wagebrief.brief.page import formatted, section_html
from wagebrief.inputs import units

approx = pytest.approx


@pytest.fixture
def hours_differ():
    """The unit works 40 hours a week; comparators 37.5, 35 and 40.

    Top step, annual and hourly (annual / (hours x 52)):
      Home City  52,000 / (40 x 52 = 2080)   = 25.00
      Alpha      50,700 / (37.5 x 52 = 1950) = 26.00
      Beta       47,320 / (35 x 52 = 1820)   = 26.00
      Gamma      49,920 / 2080               = 24.00
    Annual: comparators 47,320, 49,920, 50,700 -> median 49,920; 52,000 / 49,920 - 1 = +4.17%,
    nobody above the unit: rank 1 of 4. Hourly: comparators 24, 26, 26 -> median 26.00;
    25 / 26 - 1 = -3.85%, two above: rank 3 of 4.
    """
    unit = make_unit()
    sal = schedules(dict(jurisdiction="Home City", max_salary="52000", min_salary="40000"),
                    dict(jurisdiction="Alpha", max_salary="50700", min_salary="40000", hours_per_week="37.5"),
                    dict(jurisdiction="Beta", max_salary="47320", min_salary="40000", hours_per_week="35"),
                    dict(jurisdiction="Gamma", max_salary="49920", min_salary="40000"))
    ev = valid_events(contract("Home City", "H-2024", "2024-07-01", "2027-06-30", ("2024-07-01", 0.0)))
    # A 0% forecast and 0% offer: the end of the contract is today's pay, so the outlook is checkable.
    kw = dict(salaries=sal, events=ev, forecast=0.0, scenarios={"management": [0, 0]}, score_comparables=False)
    return unit, kw


def test_position_states_both_bases_and_rests_on_hourly_by_default(hours_differ):
    unit, kw = hours_differ
    a = market.analyse(unit, **kw)
    assert a.basis == "hourly" and a.basis_for("Police Officer") == "hourly"
    top = a.position.set_index("measure").loc["top"]
    hourly = a.position.set_index("measure").loc["top_hourly"]
    assert top["median"] == approx(49_920) and top["pct_vs_median"] == approx((52_000 / 49_920 - 1) * 100)
    assert top["rank"] == 1
    assert hourly["median"] == approx(26.0) and hourly["pct_vs_median"] == approx((25 / 26 - 1) * 100)
    assert hourly["rank"] == 3
    s = brief_market.sentences(a)[0]
    assert s.startswith("Our top-step Police Officer earns 3.8% below the comparator median per hour "
                        "($25.00 against $26.00 an hour on 2025-07-01; rank 3 of 4, 3 comparators with data) "
                        "but 4.2% above in annual pay ($52,000 against $49,920 a year; rank 1 of 4), "
                        "because the unit works 40 hours a week and its comparators 35 to 40; "
                        "the comparison rests on hourly pay, which prices the same hour of work")
    # The outlook is on the same basis: 0% everywhere, so still 3.8% below per hour.
    assert "and per hour would be 3.8% below after management's offer" in s
    o = brief_market.outlook_display(a)
    hr = o[o["Measure"] == "top step, hourly"].iloc[0]
    assert hr["Unit"] == "$25.00" and hr["Comparator median"] == "$26.00"
    sec = brief_market.brief_section(unit, analysis=a)
    assert "the comparison rests on hourly pay" in sec.tables[0].note
    assert "per hour where weekly hours differ" in sec.figures[0].caption


def test_position_basis_annual_leads_with_annual_pay(hours_differ):
    unit, kw = hours_differ
    a = market.analyse(dataclasses.replace(unit, position_basis="annual"), **kw)
    s = brief_market.sentences(a)[0]
    assert s.startswith("Our top-step Police Officer earns 4.2% above the comparator median in annual pay "
                        "($52,000 against $49,920 a year on 2025-07-01; rank 1 of 4, 3 comparators with data) "
                        "but 3.8% below per hour ($25.00 against $26.00 an hour; rank 3 of 4)")
    assert "the comparison rests on annual pay" in s


def test_equal_hours_say_so(hours_differ):
    unit, kw = hours_differ
    # Everyone at 40 hours: Alpha 50,700 and Beta 47,320 are then just annual figures.
    kw["salaries"] = schedules(dict(jurisdiction="Home City", max_salary="52000", min_salary="40000"),
                               dict(jurisdiction="Alpha", max_salary="50700", min_salary="40000"),
                               dict(jurisdiction="Beta", max_salary="47320", min_salary="40000"))
    a = market.analyse(unit, **kw)
    assert a.basis_for("Police Officer") == "annual"
    # median (47,320 + 50,700) / 2 = 49,010; 52,000 / 49,010 - 1 = +6.10%
    assert brief_market.sentences(a)[0].startswith(
        "Our top-step Police Officer earns 6.1% above the comparator median in annual pay ($52,000 against "
        "$49,010 a year on 2025-07-01; rank 1 of 3, 2 comparators with data; every schedule is for 40 hours a "
        "week, so per hour the position is the same)")


def test_unit_file_position_basis(tmp_path):
    (tmp_path / "comparators").mkdir()
    base = ("unit: u1\nname: U\nemployer: {name: E, jurisdiction: E, state: CT, jurisdiction_type: state}\n"
            "occupation_group: clerical\ncycle_year: 2027\n"
            "comparators: [{jurisdiction: A, state: CT, jurisdiction_type: state}]\n")
    (tmp_path / "comparators" / "u1.yml").write_text(base)
    assert units.load("u1", root=tmp_path, known_jurisdictions={"A"}).position_basis == "hourly"
    (tmp_path / "comparators" / "u1.yml").write_text(base + "position_basis: annual\n")
    assert units.load("u1", root=tmp_path, known_jurisdictions={"A"}).position_basis == "annual"
    (tmp_path / "comparators" / "u1.yml").write_text(base + "position_basis: weekly\n")
    with pytest.raises(units.UnitError, match="position_basis"):
        units.load("u1", root=tmp_path, known_jurisdictions={"A"})


def test_ties_give_the_unit_the_better_rank_and_say_so():
    # Comparators 26.00, 25.004, 24.00 against the unit's 25.00: only 26.00 is above; 25.004 is
    # within half a cent (both print $25.00), a tie, so the unit ranks 2 of 4, tied with 1.
    p = position.position(25.0, {"A": 26.0, "B": 25.004, "C": 24.0})
    assert p["rank"] == 2 and p["ties"] == 1 and p["out_of"] == 4
    assert brief_market.rank_text(p["rank"], p["out_of"], p["ties"]) == "2 of 4, tied with 1 comparator"
    # 25.006 is more than half a cent above: not a tie, rank 3.
    assert position.rank_of(25.0, [26.0, 25.006, 24.0]) == 3


def test_every_table_with_a_rank_states_the_tie_rule(hours_differ):
    unit, kw = hours_differ
    a = market.analyse(unit, **kw)
    sec = brief_market.brief_section(unit, analysis=a)
    ranked = [t for t in sec.tables if any(str(c).startswith("Rank") for c in t.data.columns)]
    assert len(ranked) >= 3                                  # position, detail, outlook
    for t in ranked:
        assert "tie" in t.note and "better rank" in t.note, t.caption
        assert f"Note: {t.note}" in section_html(sec).replace("&#39;", "'")


def test_hourly_money_prints_to_the_cent():
    # Unit 25.00 per hour; comparators 25.20, 25.40, 25.60. 60th percentile: position 2 x 0.6 = 1.2
    # -> 25.40 + 0.2 x 0.20 = 25.44, a gap of $0.44 (it printed "$0"); 75th: 1.5 -> 25.50, $0.50.
    # The annual row keeps whole-dollar gaps: median 52,000 against 50,000 -> $2,000.
    rows = [{"benchmark_title": "Clerk", "measure": "top_hourly", **position.position(25.0, {"A": 25.2, "B": 25.4, "C": 25.6})},
            {"benchmark_title": "Clerk", "measure": "top", **position.position(50_000.0, {"A": 51_000, "B": 52_000, "C": 53_000})}]
    df = pd.DataFrame(rows)
    df["missing"] = ""
    shown = brief_market.position_display(df)
    h, y = shown.iloc[0], shown.iloc[1]
    assert (h["Unit"], h["Median"], h["To median $"], h["To 60th $"], h["To 75th $"]) == \
        ("$25.00", "$25.40", "$0.40", "$0.44", "$0.50")
    assert (y["To median $"], y["Median"]) == ("$2,000", "$52,000.00")
    assert h["Measure"] == "top step, hourly" and y["Measure"] == "top step, annual"


def test_fiscal_years_print_as_years(hours_differ):
    unit, kw = hours_differ
    ev = valid_events(contract("Home City", "H-2020", "2020-07-01", "2023-06-30", ("2020-07-01", 2.0), ("2021-07-01", 2.0)),
                      contract("Alpha", "A-2020", "2020-07-01", "2023-06-30", ("2020-07-01", 3.0), ("2021-07-01", 3.0)))
    a = market.analyse(unit, **{**kw, "events": ev})
    s = factor_sections.statutory_factors(unit, analysis=a)[0]
    t = next(t for t in s.tables if t.caption == "Base increases: comparators against the unit")
    # Fiscal years 2021 (July 2020 to June 2021) and 2022, named FY as in the rest of the brief.
    assert list(formatted(t)["Fiscal year"])[:2] == ["FY2021", "FY2022"]
    assert not any("2,0" in v for v in formatted(t)["Fiscal year"])


def test_vocabulary_codes_print_as_words(hours_differ):
    from wagebrief.brief.words import vocab

    assert vocab("public_works") == "public works" and vocab("school_district") == "school district"
    unit, kw = hours_differ
    unit = dataclasses.replace(unit, occupation_group="public_works")
    a = market.analyse(unit, **{**kw, "titles": []})
    text = brief_market.brief_section(unit, analysis=a).text[0]
    assert "(public works)" in text and "public_works" not in text
    shown = brief_market.internal_display(pd.DataFrame({
        "unit": ["Roads"], "occupation_group": ["public_works"], "settlement_id": ["R1"],
        "term_start": pd.to_datetime(["2024-07-01"]), "term_end": pd.to_datetime(["2027-06-30"]),
        "settlement_type": ["voluntary"], "first_year_pct": [2.0], "avg_annual_pct": [2.0],
        "life_of_contract_pct": [6.1], "lump_sum_total": [0.0], "cycle": ["same round"]}))
    assert shown["Group"].tolist() == ["public works"]


def test_cover_prints_the_occupation_group_as_words():
    from wagebrief.brief.page import environment

    unit = dataclasses.replace(make_unit(), occupation_group="public_works")
    html = environment().from_string("{{ unit.occupation_group|vocab }}").render(unit=unit)
    assert html == "public works"
