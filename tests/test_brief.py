"""The numbers and sentences the brief is built from."""

from __future__ import annotations

import pandas as pd
import pytest

from wagebrief.brief import appendix, data as brief_data, inflation, methodology, page, summary
from wagebrief.brief import settlements as brief_settlements
from wagebrief.brief.section import Section


@pytest.fixture(scope="module")
def data():
    return brief_data.load("state-clerical")


def test_cumulative_growth_starts_every_comparator_at_100(data):
    idx = brief_settlements.cumulative_growth(data)
    assert set(idx.columns) == set(data.comparator_names)
    assert (idx.iloc[0] == 100).all()
    # The next year's value is the base times one year's increase, for one comparator by hand.
    from wagebrief.analysis import metrics

    annual = metrics.annual_increases(data.comparator_events(), "fiscal").set_index(["jurisdiction", "year"])
    j, y = idx.columns[0], idx.index[1]
    assert idx.loc[y, j] == pytest.approx(100 * (1 + annual.loc[(j, y), "increase_pct"] / 100))


def test_gaps_end_a_line_instead_of_counting_as_zero(data):
    ev = data.comparator_events()
    ny = ev["jurisdiction"].eq("State of New York")
    # Drop one whole New York contract in the middle of the history.
    sid = sorted(ev.loc[ny, "settlement_id"].unique())[2]
    d2 = brief_data.BriefData(data.unit, data.events[data.events["settlement_id"] != sid], data.contracts, data.root, True)
    idx = brief_settlements.cumulative_growth(d2)
    col = idx["State of New York"]
    first_gap = col[col.isna()].index.min()
    assert pd.notna(first_gap) and col.loc[first_gap:].isna().all()


def test_inflation_table_real_increase_arithmetic(data):
    t = inflation.inflation_table(data).dropna(subset=["median_increase_pct", "cpi_pct"])
    row = t.iloc[-1]
    assert row["real_median_pct"] == pytest.approx(((1 + row["median_increase_pct"] / 100) / (1 + row["cpi_pct"] / 100) - 1) * 100)
    assert (t["cpi_pct"].abs() < 15).all()


def test_cover_escapes_hostile_names(data):
    import dataclasses

    u = dataclasses.replace(data.unit, name='<script>alert("x")</script> & Co', synthetic=True)
    html = page.cover(brief_data.BriefData(u, data.events, data.contracts, data.root, True))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert page.CONFIDENTIAL in html and "SYNTHETIC DATA" in html


def test_settlements_section_sentence_matches_table(data):
    sec = brief_settlements.settlements_section(data)
    c = data.comparator_contracts()
    recent = c[c["term_start"].dt.year >= data.unit.cycle_year - 3]
    assert brief_data.pct(recent["first_year_pct"].mean()) in sec.text[0]
    assert len(sec.tables[0].data) == len(c)


def test_tables_are_formatted_for_reading():
    from wagebrief.brief.section import Table

    t = Table("x", pd.DataFrame({"pay": [88018.0, None], "gap": [-5.697477, 1.0], "n": [9, 10],
                                 "who": ["<b>A</b>", None], "pct": [2.5, 3.0]}), formats={"pct": "{:.1f}%"})
    f = page.formatted(t)
    assert list(f["pay"]) == ["88,018", "—"]
    assert list(f["gap"]) == ["-5.70", "1.00"]
    assert list(f["n"]) == ["9", "10"] and list(f["pct"]) == ["2.5%", "3.0%"]
    assert list(f["who"]) == ["<b>A</b>", "—"]
    html = page.section_html(Section("T", tables=[t]))
    assert "&lt;b&gt;A&lt;/b&gt;" in html and "nan" not in html.lower().replace("nano", "")


def test_values_that_round_to_zero_never_read_as_negative_zero():
    from wagebrief.brief.section import Table

    t = Table("t", pd.DataFrame({"vs median %": [-0.004, 0.004, -0.06], "gap": [-0.3, 2.0, 1234.0]}),
              formats={"vs median %": "{:+.1f}%", "gap": "${:,.0f}"})
    out = page.formatted(t)
    assert list(out["vs median %"]) == ["+0.0%", "+0.0%", "-0.1%"]
    assert list(out["gap"]) == ["$0", "$2", "$1,234"]


@pytest.fixture
def real_unit(project):
    import _real_unit

    _real_unit.make(project)
    return project


@pytest.mark.parametrize("marked_by", ["roster rows", "proposals file"])
def test_a_real_unit_beside_the_demo_file_is_labelled_input_by_input(real_unit, marked_by):
    import shutil

    import _real_unit

    root, unit = real_unit, _real_unit.UNIT
    roster = root / "data/raw/units" / unit / "roster.csv"
    roster.parent.mkdir(parents=True)
    demo = (root / "data/raw/units/city-police/roster.csv").read_text(encoding="utf-8").splitlines()
    if marked_by == "roster rows":   # the roster says so itself
        roster.write_text("\n".join([demo[0] + ",source"] + [r + ",SYNTHETIC test roster" for r in demo[1:]]) + "\n")
    else:                            # the demo roster, marked by the demo proposals file that goes with it
        shutil.copy(root / "data/raw/units/city-police/roster.csv", roster)
        text = (root / "comparators/proposals/city-police.yml").read_text(encoding="utf-8")
        (root / "comparators/proposals" / f"{unit}.yml").write_text(text.replace("unit: city-police", f"unit: {unit}"))
    data = brief_data.load(unit, root=root)
    # The demo settlement file sits in the same folder, but none of its rows is used.
    assert data.events["source"].str.contains("SYNTHETIC").any()
    texts = [lab.text for lab in brief_data.input_labels(data)]
    assert "Settlements: your files (data/raw/settlements/smalltown_settlements.csv)" in texts
    assert "Unit file: your files (comparators/smalltown-police.yml)" in texts
    assert any(t.startswith("Roster: synthetic demonstration data (data/raw/units/smalltown-police/roster.csv")
               for t in texts)
    html = page.cover(data)
    banner = html.split('class="wb-synthetic">', 1)[1].split("</div>", 1)[0]
    assert "SYNTHETIC DATA" in banner and "Roster" in banner and "Settlements" not in banner
    assert "<li>Settlements: your files" in html and "<li>Roster: synthetic demonstration data" in html
    assert "SYNTHETIC" not in brief_data.sources_line(data)
    assert data.synthetic


def test_a_real_unit_with_nothing_invented_has_no_synthetic_banner(real_unit):
    import _real_unit

    data = brief_data.load(_real_unit.UNIT, root=real_unit)
    labels = brief_data.input_labels(data)
    assert not [lab.text for lab in labels if lab.synthetic]
    html = page.cover(data)
    assert "SYNTHETIC DATA" not in html and 'class="wb-synthetic"' not in html
    assert "<li>Roster: none used" in html
    assert not data.synthetic


def test_executive_summary_says_each_sentence_once():
    from wagebrief.brief.section import Section

    rng = ("Reasonable settlement range: FY2027 2.4% to 4.6%. Method: last year's median; it was chosen "
           "because no model beat the naive baselines in the backtest.")
    sections = {"settlements": Section("s", text=["Pattern."]), "inflation": Section("i", text=["Inflation."]),
                "outlook": Section("o", text=[rng, "No model beat the baselines in the backtest."])}
    text = summary.executive_summary(sections, ["Market."], ["Cost."]).text
    assert text == ["Pattern.", "Inflation.", rng, "No model beat the baselines in the backtest.", "Market.", "Cost."]
    sections["outlook"] = Section("o", text=[rng])
    assert summary.executive_summary(sections, [], []).text.count(rng) == 1


def test_settlements_section_says_why_a_measure_is_unknown_and_counts_only_known_ones(data):
    import dataclasses

    from conftest import rows
    from wagebrief.analysis import metrics
    from wagebrief.inputs import settlements

    raw = pd.concat([
        rows(dict(pct="3"), dict(event="gwi_flat", amount="$0.75 an hour", effective_date="2025-01-01"),
             settlement_id="VT-1", jurisdiction="State of Vermont", ratified_date="2024-10-15"),
        rows(dict(pct="2"), settlement_id="RI-1", jurisdiction="State of Rhode Island"),
    ], ignore_index=True)
    raw[settlements.ROW_COL] = range(2, len(raw) + 2)
    events = settlements.validate_frame(raw).valid
    small = dataclasses.replace(data, events=events, contracts=metrics.contract_metrics(events), notes=[], labels=None)
    sec = brief_settlements.settlements_section(small)
    assert "average 2.00% in the first year (median 2.00%) (1 of 2 known)" in sec.text[0]
    table = sec.tables[0].data.set_index("Jurisdiction")
    assert table.loc["State of Vermont", "First year"] == "—"
    assert table.loc["State of Vermont", "Retro (months)"] == "3"
    assert table.loc["State of Rhode Island", "Retro (months)"] == "—"
    why = [c for c in sec.caveats if c.startswith("— in the contracts table")]
    assert len(why) == 1 and "State of Vermont 2024-07: first_year_pct" in why[0]
    assert "flat raise with no reference_salary" in why[0]


def test_a_real_unit_beside_the_demo_file_gets_no_synthetic_label_from_the_models(real_unit):
    import _real_unit

    from wagebrief.analysis import outlook as models

    inp = models.load_inputs(_real_unit.UNIT, root=real_unit, events=brief_data.load(_real_unit.UNIT, root=real_unit).events)
    assert not inp.synthetic
    demo = models.load_inputs("city-police", root=real_unit)
    assert demo.synthetic


def test_appendix_values_keep_cents_and_the_hour():
    from conftest import rows
    from wagebrief.inputs import settlements

    ev = settlements.validate_frame(rows(
        dict(event="gwi_flat", amount="0.93", amount_per="hour"),
        dict(event="gwi_flat", amount="1,000", reference_salary="52000", effective_date="2025-07-01"),
        dict(event="lump_sum", amount="$1,500.50", effective_date="2026-07-01"),
        dict(pct="2.5", effective_date="2026-01-01"))).valid
    assert [appendix.event_value(r) for r in ev.to_dict("records")] == [
        "$0.93/hour", "$1,000 on $52,000", "$1,500.50", "2.5%"]


def test_methodology_names_profile_sources_only_when_the_brief_used_profiles(real_unit, data):
    import _real_unit

    real = brief_data.load(_real_unit.UNIT, root=real_unit)
    assert not [t for t in methodology.methodology_section(real).text if t.startswith("Comparator profiles:")]
    assert [t for t in methodology.methodology_section(data).text if t.startswith("Comparator profiles:")]
