"""The brief's words and tables on package terms and schedules, built from a BriefData.

The unit is the demo state-clerical unit; its settlements are replaced by a few contracts built
here (base rows validated from text, package rows and columns set directly, as the validated frame
of issue 16 carries them), so every figure below is worked out from these rows.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from conftest import rows, valid_events
from test_package_measures import with_terms
from wagebrief.analysis import market, metrics, schedules
from wagebrief.brief import appendix, data as brief_data, factors, package_terms, page
from wagebrief.brief import settlements as brief_settlements

MA, RI, NH, CT = "Commonwealth of Massachusetts", "State of Rhode Island", "State of New Hampshire", "State of Connecticut"
RI_URL = "https://example.org/ri-contract?a=1&b=2"


def contract(sid: str, jur: str, state: str, *pcts: str, **common) -> pd.DataFrame:
    """A clerical contract 2024-07-01 to 2027-06-30 with one raise each July 1."""
    evs = [dict(effective_date=f"{2024 + k}-07-01", pct=p) for k, p in enumerate(pcts)]
    return rows(*evs, settlement_id=sid, jurisdiction=jur, state=state, jurisdiction_type="state", unit="Clerical",
                occupation_group="clerical", **common)


def package_events() -> pd.DataFrame:
    base = valid_events(
        contract("MA-1", MA, "MA", "1", "2", "2", source="MA source (test)", source_url="https://example.org/ma"),
        contract("RI-1", RI, "RI", "2", "2", "2", ratified_date="2024-10-15", source="RI Journal: 'Deal' (2024-10-16)",
                 source_url=RI_URL),
        contract("NH-1", NH, "NH", "3", "3", "3", source="NH source (test)"),
        contract("CT-1", CT, "CT", "2.5", "2.5", "2.5", source="CT source (test)"),
    )
    ev = with_terms(
        base,
        dict(settlement_id="RI-1", event="premium_share", pct=16.0, effective_date="2024-07-01"),
        dict(settlement_id="RI-1", event="premium_share", pct=17.0, effective_date="2025-07-01"),
        dict(settlement_id="RI-1", event="premium_share", pct=17.5, effective_date="2026-07-01"),
        dict(settlement_id="RI-1", event="hours_change", hours_before=37.5, hours_per_week=40.0,
             effective_date="2025-01-01"),
        dict(settlement_id="RI-1", event="stipend", amount=1200.0, amount_per="year", detail="EMT certification"),
        dict(settlement_id="RI-1", event="reopener", effective_date="2026-07-01", detail="wages for FY2027"),
        dict(settlement_id="RI-1", event="retro_pay", detail="in the first December paycheck",
             effective_date="2024-12-01"),
        dict(settlement_id="RI-1", event="official_cost", amount=4_500_000.0, period="term",
             detail="budget office: wages only"),
        dict(settlement_id="CT-1", event="premium_share", pct=20.0, effective_date="2024-07-01"),
    )
    # Massachusetts: its 2025 and 2026 raises differ by hire date (two schedules, first in file order
    # 'hired before 2012' with the rows as validated, then 'hired 2012 or later' rows added after).
    ma = ev.index[ev["settlement_id"].eq("MA-1") & ev["effective_date"].ge(pd.Timestamp("2025-07-01"))]
    ev.loc[ma, "schedule"] = "hired before 2012"
    ev.loc[ma, "applies_to"] = "tier"
    later = ev.loc[ma].copy()
    later["schedule"], later["pct"], later["base_pct"] = "hired 2012 or later", 4.0, 4.0
    later["source_row"] = range(int(ev["source_row"].max()) + 1, int(ev["source_row"].max()) + 1 + len(later))
    return pd.concat([ev, later], ignore_index=True)


@pytest.fixture(scope="module")
def demo():
    return brief_data.load("state-clerical")


@pytest.fixture(scope="module")
def small(demo):
    events = package_events()
    return dataclasses.replace(demo, events=events, contracts=metrics.contract_metrics(events, 7), notes=[], labels=None)


def test_the_settlements_section_names_the_measured_schedule(small):
    sec = brief_settlements.settlements_section(small)
    line = [t for t in sec.text if "figures for the schedule" in t]
    assert len(line) == 1
    assert (f"{MA} 2024-07: figures for the schedule 'hired before 2012'; other schedules: 'hired 2012 or later'."
            in line[0])
    # The contracts table measures that schedule: 1.01 * 1.02 * 1.02 - 1 = 5.0804%, not the 4% schedule's.
    table = sec.tables[0].data.set_index("Jurisdiction")
    assert table.loc[MA, "Life of contract"] == "5.08%"
    per = next(t for t in sec.tables if t.caption.startswith("Contracts with schedules")).data
    assert list(per["Schedule"]) == ["hired before 2012 (measured)", "hired 2012 or later"]
    # 1.01 * 1.04 * 1.04 - 1 = 9.2416%
    assert list(per["Life of contract"]) == ["5.08%", "9.24%"]


def test_the_section_shows_each_term_with_its_source_and_link(small):
    sec = brief_settlements.settlements_section(small)
    terms = next(t for t in sec.tables if t.caption.startswith("Comparators' non-wage terms"))
    d = terms.data
    ri = d[d["Jurisdiction"].eq(RI)]
    assert list(ri["Term"]) == ["Health premium share (employee)"] * 3 + [
        "Hours", "Stipend", "Wage reopener", "Retroactivity"]
    assert list(ri["Value"]) == ["16%", "17%", "17.5% (+1.5 points over the term)",
                                 "37.5 to 40 hours a week: +6.67% of pay (not a wage increase)",
                                 "$1,200 a year", "wages from 2026-07-01 to be bargained again", "3 months"]
    assert ri["Detail"].iloc[-1] == "paid: in the first December paycheck"
    assert (ri["Source"] == "RI Journal: 'Deal' (2024-10-16)").all() and (ri["Link"] == RI_URL).all()
    # Connecticut is the employer, not a comparator: its terms are not in the comparators' table.
    assert CT not in set(d["Jurisdiction"])
    html = page.section_html(sec)
    # Every term's row carries its source and a link (escaped), once per row.
    assert html.count('<a href="https://example.org/ri-contract?a=1&amp;b=2">') == len(ri) + 1  # + the cost row
    assert html.count("RI Journal: &#x27;Deal&#x27; (2024-10-16)") == len(ri) + 1
    for value in ri["Value"]:
        assert value.replace("'", "&#x27;") in html
    costs = next(t for t in sec.tables if t.caption.startswith("Costs the sources state"))
    assert costs.data.iloc[0].to_dict() == {
        "Jurisdiction": RI, "Contract": "2024-07 to 2027-06", "Amount": "$4,500,000", "Period": "term",
        "What it covers (who stated it)": "budget office: wages only", "Source": "RI Journal: 'Deal' (2024-10-16)",
        "Link": RI_URL}


def test_the_reopened_contract_reads_unknown_with_why(small):
    sec = brief_settlements.settlements_section(small)
    table = sec.tables[0].data.set_index("Jurisdiction")
    assert table.loc[RI, "Life of contract"] == "—" and table.loc[RI, "Average annual"] == "—"
    assert table.loc[RI, "First year"] == "2.00%"
    why = next(c for c in sec.caveats if c.startswith("— in the contracts table"))
    assert f"{RI} 2024-07: life_of_contract_pct, avg_annual_pct and cost from FY2027 unknown: wages of the year " \
           "from 2026-07-01 are to be reopened." in why


def test_overall_compensation_sets_the_unit_against_its_comparators_and_states_the_gaps(small):
    table, text = package_terms.benefit_comparison(small.events, small.unit)
    assert text[0] == "1 of 7 comparators state a premium share; none states a pension contribution."
    assert text[1] == ("The unit's own settlements state a premium share of 20% from 2024-07-01, against a "
                       "comparator median of 17.5% (+2.5 points).")
    assert text[2] == "The unit's own settlements in the data state no pension contribution."
    t = table.set_index("Jurisdiction")
    assert t.loc[RI, "Premium share %"] == 17.5 and t.loc[RI, "Premium share change (points)"] == pytest.approx(1.5)
    assert t.loc[f"{CT} (this unit)", "Premium share %"] == 20.0
    assert pd.isna(t.loc[f"{CT} (this unit)", "Premium share change (points)"])  # one value: no change known
    assert pd.isna(t.loc[NH, "Premium share %"])
    # In the factor section, from the brief's own analysis of these events.
    a = market.analyse(small.unit, root=small.root, events=small.events, forecast=2.0, scenarios={},
                       score_comparables=False)
    overall = factors.statutory_factors(small.unit, small.root, analysis=a)[3]
    assert text[0] in overall.text
    assert not any("wages, longevity and lump sums only" in x for x in overall.text)
    assert any(x.caption.startswith("Employee premium share and pension contribution") for x in overall.tables)


def test_a_brief_without_package_terms_reads_as_before(demo):
    assert not schedules.has_schedules(demo.events)
    sec = brief_settlements.settlements_section(demo)
    assert [t.caption for t in sec.tables] == ["Comparator contracts (base increases compound; lump sums are not in base)",
                                                "The pattern by year: base increases in effect"]
    assert len(sec.text) == 1 and "figures for the schedule" not in sec.text[0]
    assert not any(t.links for t in sec.tables)


def test_the_appendix_shows_the_terms_values(small):
    cells = {(r["cells"][1], r["cells"][5]): r["cells"][6] for r in appendix.appendix_rows(small)}
    assert cells[(RI, "hours_change")] == "37.5 to 40 hours/week"
    assert cells[(RI, "official_cost")] == "$4,500,000 (term)"
    assert cells[(RI, "premium_share")] in {"16%", "17%", "17.5%"}
