"""Published averages (SERB, PERC): read, typed, rejected with file:row:column, shown beside the
comparators in the settlements section."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wagebrief.brief import data as brief_data
from wagebrief.brief import published as published_brief
from wagebrief.brief.settlements import settlements_section
from wagebrief.inputs import published

import _real_unit

HEADER = published.COLUMNS
GOOD = dict(publisher="TEST publisher", state="OH", year="2024", measure="first_year_mean", occupation_group="police",
            jurisdiction_type="all", pct="3.24%", n_contracts="141", source="TEST FIXTURE, not a published figure",
            source_url="https://example.org/report.pdf", source_date="2025-03-01", notes="")


def write(path: Path, *rows: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


def test_rows_are_typed(tmp_path):
    r = published.validate([write(tmp_path / "p.csv", GOOD, GOOD | dict(n_contracts="", year="2023", pct="2.9"))])
    assert r.problems() == []
    v = r.valid.sort_values("year")
    assert list(v["year"]) == [2023, 2024]
    assert list(v["pct"]) == [2.9, 3.24]
    assert v["n_contracts"].isna().tolist() == [True, False] and int(v["n_contracts"].iloc[1]) == 141
    assert str(v["source_date"].iloc[0].date()) == "2025-03-01"


def test_malformed_rows_are_rejected_and_kept(tmp_path):
    path = write(tmp_path / "p.csv", GOOD, GOOD | dict(measure="median"), GOOD | dict(pct="about 3"),
                 GOOD | dict(year="1850"), GOOD | dict(n_contracts="2.5"), GOOD | dict(occupation_group="cops"),
                 GOOD | dict(source_url=""))
    r = published.validate([path])
    lines = r.problems()
    assert f"{path}:3:measure: 'median' is not one of first_year_mean, term_mean_annual, award_mean, voluntary_mean" in lines
    assert f"{path}:4:pct: 'about 3' is not a number" in lines
    assert f"{path}:5:year: '1850' is not a year between 1970 and 2100, a school year like 2013-14 or a span like 2011-2013" in lines
    assert f"{path}:6:n_contracts: '2.5' is not a whole number of contracts (1 or more)" in lines
    assert any(line.startswith(f"{path}:7:occupation_group: 'cops' is not one of all, general") for line in lines)
    assert f"{path}:8:source_url: required; it is blank" in lines
    assert len(r.valid) == 1 and list(r.rejects["row"]) == [3, 4, 5, 6, 7, 8]
    assert r.rejects.loc[0, "measure"] == "median"  # kept exactly as typed


def test_school_years_and_spans_are_periods(tmp_path):
    # NJSBA prints school years ("2013-14"), PERC a span ("2011-2013"); both as the publisher typed them.
    path = write(tmp_path / "p.csv", GOOD | dict(year="2013-14"), GOOD | dict(year="2011-2013"),
                 GOOD | dict(year="2014-13"), GOOD | dict(year="FY14"))
    r = published.validate([path])
    v = r.valid
    assert list(zip(v["period"], v["year"], v["year_end"])) == [("2013-14", 2013, 2014), ("2011-2013", 2011, 2013)]
    assert [ln.split(": ")[0] for ln in r.problems()] == [f"{path}:4:year", f"{path}:5:year"]
    # A span matches the years it covers.
    assert list(published.matching(v, "police", [2012])["period"]) == ["2011-2013"]
    assert list(published.matching(v, "police", [2014])["period"]) == ["2013-14"]


def test_missing_file_means_no_averages(tmp_path):
    avg, notes = published.load(tmp_path)
    assert avg.empty and notes == []


def test_missing_required_column_names_the_file(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("publisher,state,year\nX,OH,2024\n", encoding="utf-8")
    with pytest.raises(published.PublishedFileError, match=r"p\.csv:1: .*measure"):
        published.validate([p])


def test_shown_beside_the_comparators(project):
    _real_unit.make(project)
    write(project / "data/raw/reference/published_averages.csv", GOOD,
          GOOD | dict(occupation_group="teachers", pct="9.99"),  # another group: not shown
          GOOD | dict(jurisdiction_type="school_district", pct="7.77"),  # another kind of employer: not shown
          GOOD | dict(year="2019", pct="8.88"))  # a year the comparators have no contract in: not shown
    data = brief_data.load(_real_unit.UNIT, project)
    sentence = published_brief.published_sentence(data)
    # Each comparator's 2024 contract gives 2.5% in its first year: the mean of 2 is 2.50%.
    assert sentence == ("Published averages for 2024, beside the comparators' contracts that began that year: your "
                        "comparators 2.50% (2 contracts); OH statewide, police, 141 contracts, 3.24% (TEST publisher, "
                        "average first-year increase).")
    sec = settlements_section(data)
    assert sentence in sec.text
    table = next(t for t in sec.tables if t.caption.startswith("Published averages"))
    assert table.data.to_dict("records") == [{
        "Year": "2024", "Your comparators": "2.50% (2 contracts)", "Published": "OH statewide, police: average first-year increase",
        "Contracts": "141", "Figure": "3.24%", "Source": "TEST publisher: TEST FIXTURE, not a published figure",
        "Link": "https://example.org/report.pdf"}]


def test_no_file_no_table(project):
    _real_unit.make(project)
    data = brief_data.load(_real_unit.UNIT, project)
    sec = settlements_section(data)
    assert not any(t.caption.startswith("Published averages") for t in sec.tables)
    assert published_brief.published_sentence(data) is None


def test_a_period_is_matched_and_named_as_one(project):
    _real_unit.make(project)
    write(project / "data/raw/reference/published_averages.csv",
          GOOD | dict(year="2023-2025", measure="award_mean", occupation_group="all", n_contracts="", pct="2.1"))
    data = brief_data.load(_real_unit.UNIT, project)
    assert published_brief.published_sentence(data) == (
        "Published averages for 2023-2025, beside the comparators' contracts that began in that period: your "
        "comparators 2.50% (2 contracts); OH statewide, 2.10% (TEST publisher, average increase in arbitration awards).")
