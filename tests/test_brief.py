"""The numbers and sentences the brief is built from."""

from __future__ import annotations

import pandas as pd
import pytest

from wagebrief import brief


@pytest.fixture(scope="module")
def data():
    return brief.load("state-clerical")


def test_cumulative_growth_starts_every_comparator_at_100(data):
    idx = brief.cumulative_growth(data)
    assert set(idx.columns) == set(data.comparator_names)
    assert (idx.iloc[0] == 100).all()
    # The next year's value is the base times one year's increase, for one comparator by hand.
    from wagebrief import metrics

    annual = metrics.annual_increases(data.comparator_events(), "fiscal").set_index(["jurisdiction", "year"])
    j, y = idx.columns[0], idx.index[1]
    assert idx.loc[y, j] == pytest.approx(100 * (1 + annual.loc[(j, y), "increase_pct"] / 100))


def test_gaps_end_a_line_instead_of_counting_as_zero(data):
    ev = data.comparator_events()
    ny = ev["jurisdiction"].eq("State of New York")
    # Drop one whole New York contract in the middle of the history.
    sid = sorted(ev.loc[ny, "settlement_id"].unique())[2]
    d2 = brief.BriefData(data.unit, data.events[data.events["settlement_id"] != sid], data.contracts, data.root, True)
    idx = brief.cumulative_growth(d2)
    col = idx["State of New York"]
    first_gap = col[col.isna()].index.min()
    assert pd.notna(first_gap) and col.loc[first_gap:].isna().all()


def test_inflation_table_real_increase_arithmetic(data):
    t = brief.inflation_table(data).dropna(subset=["median_increase_pct", "cpi_pct"])
    row = t.iloc[-1]
    assert row["real_median_pct"] == pytest.approx(((1 + row["median_increase_pct"] / 100) / (1 + row["cpi_pct"] / 100) - 1) * 100)
    assert (t["cpi_pct"].abs() < 15).all()


def test_cover_escapes_hostile_names(data):
    import dataclasses

    u = dataclasses.replace(data.unit, name='<script>alert("x")</script> & Co', synthetic=True)
    html = brief.cover(brief.BriefData(u, data.events, data.contracts, data.root, True))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert brief.CONFIDENTIAL in html and "SYNTHETIC DATA" in html


def test_settlements_section_sentence_matches_table(data):
    sec = brief.settlements_section(data)
    c = data.comparator_contracts()
    recent = c[c["term_start"].dt.year >= data.unit.cycle_year - 3]
    assert brief.pct(recent["first_year_pct"].mean()) in sec.text[0]
    assert len(sec.tables[0].data) == len(c)


def test_tables_are_formatted_for_reading():
    from wagebrief.sections import Table

    t = Table("x", pd.DataFrame({"pay": [88018.0, None], "gap": [-5.697477, 1.0], "n": [9, 10],
                                 "who": ["<b>A</b>", None], "pct": [2.5, 3.0]}), formats={"pct": "{:.1f}%"})
    f = brief.formatted(t)
    assert list(f["pay"]) == ["88,018", "—"]
    assert list(f["gap"]) == ["-5.70", "1.00"]
    assert list(f["n"]) == ["9", "10"] and list(f["pct"]) == ["2.5%", "3.0%"]
    assert list(f["who"]) == ["<b>A</b>", "—"]
    html = brief.section_html(brief.Section("T", tables=[t]))
    assert "&lt;b&gt;A&lt;/b&gt;" in html and "nan" not in html.lower().replace("nano", "")


def test_values_that_round_to_zero_never_read_as_negative_zero():
    from wagebrief.sections import Table

    t = Table("t", pd.DataFrame({"vs median %": [-0.004, 0.004, -0.06], "gap": [-0.3, 2.0, 1234.0]}),
              formats={"vs median %": "{:+.1f}%", "gap": "${:,.0f}"})
    out = brief.formatted(t)
    assert list(out["vs median %"]) == ["+0.0%", "+0.0%", "-0.1%"]
    assert list(out["gap"]) == ["$0", "$2", "$1,234"]
