"""The settlement record, package edition: every new column and event kind typed when valid, and
rejected with the exact file:row:column when malformed (its sibling rows with it)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wagebrief import io
from wagebrief.analysis import metrics
from wagebrief.config import Paths
from wagebrief.inputs import settlements
from wagebrief.run import build

REAL = Path(__file__).parent / "fixtures" / "real_settlements" / "real_settlements.csv"

COMMON = dict(
    settlement_id="S1", jurisdiction="Testville", state="CT", jurisdiction_type="municipal", unit="Police",
    union="Local 1", occupation_group="police", settlement_type="voluntary", ratified_date="2024-06-15",
    term_start="2024-07-01", term_end="2027-06-30", employees="100", source="SYNTHETIC test row",
)
#: Row 2 of every file: a valid wage increase, the sibling a bad row 3 takes down with it.
GWI = dict(effective_date="2024-07-01", event="gwi_pct", pct="2.5")


def write(tmp_path: Path, *events: dict, columns: list[str] | None = None, name: str = "x.csv") -> Path:
    """A settlement CSV of ``events`` (each over COMMON), with ``columns`` (default: all)."""
    columns = columns or settlements.ALL_COLUMNS
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="raise")
        w.writeheader()
        for e in events:
            w.writerow({c: {**COMMON, **e}.get(c, "") for c in columns})
    return path


def valid_row(tmp_path: Path, event: dict) -> pd.Series:
    """The typed valid row of ``event`` (file row 3, after the GWI row); fails on any problem."""
    res = settlements.validate([write(tmp_path, GWI, event)])
    assert res.problems() == []
    assert len(res.valid) == 2
    return res.valid.iloc[1]


def rejected(tmp_path: Path, event: dict) -> list[str]:
    """The problem lines of ``event`` as file row 3, with ``{f}`` for the file's path; the sibling
    GWI row's rejection is checked here and left out."""
    path = write(tmp_path, GWI, event)
    res = settlements.validate([path])
    assert res.valid.empty
    lines = [ln.replace(str(path), "{f}") for ln in res.problems()]
    assert lines[0] == "{f}:2:settlement_id: rejected with settlement 'S1', whose row(s) 3 have errors", lines
    return lines[1:]


def only(tmp_path: Path, event: dict) -> str:
    lines = rejected(tmp_path, event)
    assert len(lines) == 1, lines
    return lines[0]


# --------------------------------------------------------------------------- the columns

def test_new_columns_are_optional_and_documented():
    assert settlements.OPTIONAL_COLUMNS == ["amount_per", "hours_per_week", "applies_to", "schedule", "hours_before",
                                            "count", "period", "detail", "source_date"]
    assert settlements.VOCABULARIES["applies_to"] == ("all", "top_step", "steps", "tier", "titles")
    assert all(c in settlements.COLUMN_DOCS for c in settlements.OPTIONAL_COLUMNS)
    for kind in settlements.VOCABULARIES["event"]:
        assert f"{kind}:" in settlements.COLUMN_DOCS["event"][2], kind


def test_old_file_without_new_columns_validates_unchanged(tmp_path: Path):
    old = settlements.COLUMNS  # a file from before amount_per existed
    path = write(tmp_path, GWI, dict(effective_date="2025-07-01", event="gwi_flat", amount="1000",
                                     reference_salary="50000"), columns=old)
    res = settlements.validate([path])
    assert res.problems() == [] and len(res.valid) == 2
    v = res.valid
    assert v["base_pct"].tolist() == pytest.approx([2.5, 2.0])
    assert v["applies_to"].tolist() == ["all", "all"]
    assert v[["schedule", "period", "detail"]].isna().all().all()
    assert v["hours_pct"].isna().all() and v["count"].isna().all() and v["source_date"].isna().all()
    assert v["count"].dtype == np.float64 and v["hours_before"].dtype == np.float64
    assert v["source_date"].dtype == "datetime64[ns]"
    assert v["schedule"].dtype == settlements.TEXT and v["applies_to"].dtype == settlements.TEXT


def test_real_settlement_fixture_still_validates():
    res = settlements.validate([REAL])
    assert res.problems() == []
    assert (res.n_input, len(res.valid)) == (155, 155)
    assert set(res.valid["applies_to"]) == {"all"}


def test_applies_to_and_schedule_typed(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2024-07-01", event="gwi_pct", pct="1", applies_to="Top Step",
                                   schedule="  top step "))
    assert (row["applies_to"], row["schedule"], row["base_pct"]) == ("top_step", "top step", 1.0)


@pytest.mark.parametrize("applies_to", ["", "all"])
def test_schedule_needs_a_group_applies_to(tmp_path: Path, applies_to: str):
    assert only(tmp_path, dict(GWI, effective_date="2025-07-01", applies_to=applies_to, schedule="Sergeants")) == (
        "{f}:3:applies_to: schedule needs applies_to: top_step, steps, tier or titles")


def test_group_applies_to_needs_a_schedule(tmp_path: Path):
    assert only(tmp_path, dict(GWI, effective_date="2025-07-01", applies_to="tier")) == (
        "{f}:3:schedule: applies_to tier needs a schedule (the group's name, e.g. 'hired before 2012', 'Sergeants')")


def test_unknown_applies_to_is_named(tmp_path: Path):
    assert only(tmp_path, dict(GWI, effective_date="2025-07-01", applies_to="tiers", schedule="hired 2012 or later")) == (
        "{f}:3:applies_to: applies_to 'tiers' must be one of: all, top_step, steps, tier, titles")


def test_text_columns_lose_invisible_characters_with_a_warning(tmp_path: Path):
    path = write(tmp_path, GWI, dict(effective_date="2024-07-01", event="stipend", amount="500",
                                     detail="EMT\u200b certification", applies_to="titles", schedule="\u200bMedics",
                                     period="annual\u200e"))
    res = settlements.validate([path])
    assert res.problems() == []
    row = res.valid.iloc[1]
    assert (row["detail"], row["schedule"], row["period"]) == ("EMT certification", "Medics", "annual")
    warned = {ln.split(":")[2] for ln in res.warning_lines()}
    assert warned == {"detail", "schedule", "period"}


def test_hours_change_typed_with_hours_pct(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2024-07-01", event="hours_change", hours_before="37.5",
                                   hours_per_week="40"))
    assert (row["hours_before"], row["hours_per_week"]) == (37.5, 40.0)
    assert row["hours_pct"] == pytest.approx(6.666666666)
    assert np.isnan(row["base_pct"])  # more hours are not a general wage increase


@pytest.mark.parametrize("cells, expected", [
    (dict(hours_per_week="40"), "{f}:3:hours_before: an hours_change event needs hours_before (the paid hours a week before the change)"),
    (dict(hours_before="37.5"), "{f}:3:hours_per_week: an hours_change event needs hours_per_week (the paid hours a week after the change)"),
    (dict(hours_before="40", hours_per_week="40"), "{f}:3:hours_per_week: hours_per_week 40 is the same as hours_before: an hours_change must change the hours"),
    (dict(hours_before="0", hours_per_week="40"), "{f}:3:hours_before: hours_before '0' must be hours in a week, more than 0 and at most 168"),
    (dict(hours_before="37.5 hrs", hours_per_week="40"), "{f}:3:hours_before: cannot read '37.5 hrs' as a number"),
])
def test_hours_change_malformed(tmp_path: Path, cells: dict, expected: str):
    assert only(tmp_path, dict(effective_date="2024-07-01", event="hours_change", **cells)) == expected


@pytest.mark.parametrize("count", ["1", "-1", "+2"])
def test_step_change_count_typed(tmp_path: Path, count: str):
    row = valid_row(tmp_path, dict(effective_date="2025-07-01", event="step_change", count=count, detail="step 8"))
    assert row["count"] == float(count)


@pytest.mark.parametrize("cells, expected", [
    (dict(event="step_change", count="0"), "{f}:3:count: a step_change event needs a non-zero whole count (+1 for a step added, -1 for one removed)"),
    (dict(event="step_change"), "{f}:3:count: a step_change event needs a non-zero whole count (+1 for a step added, -1 for one removed)"),
    (dict(event="step_change", count="1.5"), "{f}:3:count: count '1.5' must be a whole number (+1, -1, 2)"),
    (dict(event="holidays", count="0", detail="Juneteenth"), "{f}:3:count: a holidays event needs a non-zero whole count (holidays added; negative for holidays given up)"),
    (dict(event="holidays", count="one", detail="Juneteenth"), "{f}:3:count: cannot read 'one' as a number"),
])
def test_count_malformed(tmp_path: Path, cells: dict, expected: str):
    assert only(tmp_path, dict(effective_date="2025-07-01", **cells)) == expected


def test_holidays_typed(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2025-07-01", event="holidays", count="2", detail="Juneteenth, Diwali"))
    assert (row["count"], row["detail"]) == (2.0, "Juneteenth, Diwali")


def test_source_date_typed_and_malformed(tmp_path: Path):
    row = valid_row(tmp_path, dict(GWI, effective_date="2025-07-01", source_date="6/20/2024"))
    assert row["source_date"] == pd.Timestamp("2024-06-20")
    assert only(tmp_path, dict(GWI, effective_date="2025-07-01", source_date="June 20")) == (
        "{f}:3:source_date: cannot read 'June 20' as a date")


# --------------------------------------------------------------------------- the event kinds

@pytest.mark.parametrize("event, pct", [("premium_share", "17.5"), ("premium_share", "100%"), ("pension_contribution", "7"),
                                        ("pension_contribution", "0")])
def test_share_pct_typed(tmp_path: Path, event: str, pct: str):
    row = valid_row(tmp_path, dict(effective_date="2025-07-01", event=event, pct=pct, detail="PPO"))
    assert row["pct"] == pytest.approx(float(pct.rstrip("%")))
    assert np.isnan(row["base_pct"]) and np.isnan(row["lump_pct"])


@pytest.mark.parametrize("event, pct", [("premium_share", "120"), ("premium_share", "-1"), ("pension_contribution", "100.5")])
def test_share_pct_out_of_range(tmp_path: Path, event: str, pct: str):
    assert only(tmp_path, dict(effective_date="2025-07-01", event=event, pct=pct)) == (
        f"{{f}}:3:pct: pct '{pct}' must be within [0, 100] for a {event}")


@pytest.mark.parametrize("event", ["gwi_pct", "lump_sum", "stipend", "longevity", "stated_total"])
def test_wage_pct_range_applies_to_every_other_event(tmp_path: Path, event: str):
    lines = rejected(tmp_path, dict(effective_date="2025-07-01", event=event, pct="30", detail="x"))
    assert lines == ["{f}:3:pct: pct '30' must be within [-15, 25]"]


@pytest.mark.parametrize("event, what", [
    ("premium_share", "the employee's share of the health premium, 0-100"),
    ("pension_contribution", "the employee's contribution, percent of pay, 0-100"),
    ("stated_total", "the total the source states"),
])
def test_package_needs_pct(tmp_path: Path, event: str, what: str):
    assert only(tmp_path, dict(effective_date="2024-07-01", event=event, detail="x")) == (
        f"{{f}}:3:pct: a {event} event needs a pct ({what})")


def test_stated_total_typed(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2024-07-01", event="stated_total", pct="9.2",
                                   detail="'9.2% over three years'"))
    assert (row["pct"], row["detail"]) == (9.2, "'9.2% over three years'")
    assert np.isnan(row["base_pct"])  # a headline total is not another raise


@pytest.mark.parametrize("event", ["health_plan", "stipend", "longevity", "retro_pay", "parity", "other"])
def test_detail_required(tmp_path: Path, event: str):
    lines = rejected(tmp_path, dict(effective_date="2024-07-01", event=event, amount="100"))
    assert len(lines) == 1 and lines[0].startswith(f"{{f}}:3:detail: a {event} event needs detail ("), lines


@pytest.mark.parametrize("event", ["health_plan", "longevity", "retro_pay", "parity", "other"])
def test_detail_events_typed(tmp_path: Path, event: str):
    row = valid_row(tmp_path, dict(effective_date="2024-07-01", event=event, detail="as the source says"))
    assert (row["event"], row["detail"]) == (event, "as the source says")


@pytest.mark.parametrize("cells, pct, amount, per", [
    (dict(amount="$1,500"), np.nan, 1500.0, "year"),
    (dict(amount="0.50/hour"), np.nan, 0.5, "hour"),  # a differential may be per hour (a lump sum may not)
    (dict(pct="2%"), 2.0, np.nan, None),
])
def test_stipend_typed(tmp_path: Path, cells: dict, pct: float, amount: float, per):
    row = valid_row(tmp_path, dict(effective_date="2024-07-01", event="stipend", detail="night shift differential",
                                   applies_to="titles", schedule="night shift", **cells))
    assert row["pct"] == pytest.approx(pct, nan_ok=True) and row["amount"] == pytest.approx(amount, nan_ok=True)
    assert (row["amount_per"] if pd.notna(row["amount_per"]) else None) == per
    assert (row["applies_to"], row["schedule"]) == ("titles", "night shift")


def test_stipend_needs_a_value(tmp_path: Path):
    assert only(tmp_path, dict(effective_date="2024-07-01", event="stipend", detail="EMT")) == (
        "{f}:3:amount: a stipend event needs an amount in dollars or a pct of pay")


def test_lump_sum_still_not_per_hour(tmp_path: Path):
    assert only(tmp_path, dict(effective_date="2024-07-01", event="lump_sum", amount="0.50/hour")) == (
        "{f}:3:amount: a lump_sum amount is a one-time total in dollars, not per hour")


def test_reopener_typed_and_carries_no_value(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2026-07-01", event="reopener", detail="year 3 wages"))
    assert np.isnan(row["pct"]) and np.isnan(row["base_pct"])
    assert only(tmp_path, dict(effective_date="2026-07-01", event="reopener", pct="0")) == (
        "{f}:3:pct: a reopener carries no pct: the reopened year's raise is unknown, not 0 (leave pct blank)")
    assert only(tmp_path, dict(effective_date="2026-07-01", event="reopener", amount="0")) == (
        "{f}:3:amount: a reopener carries no amount: the reopened year's raise is unknown, not 0 (leave amount blank)")


def test_official_cost_typed_at_ratification(tmp_path: Path):
    # Stated on ratified_date, before term_start: allowed, as for a signing bonus.
    row = valid_row(tmp_path, dict(effective_date="2024-06-15", event="official_cost", amount="$1,200,000",
                                   period="term", detail="town manager: wages only", source_date="2024-06-20"))
    assert (row["amount"], row["period"], row["detail"]) == (1_200_000.0, "term", "town manager: wages only")
    assert row["source_date"] == pd.Timestamp("2024-06-20")


@pytest.mark.parametrize("amount", ["", "0", "-5"])
def test_official_cost_needs_a_positive_amount(tmp_path: Path, amount: str):
    assert only(tmp_path, dict(effective_date="2024-07-01", event="official_cost", amount=amount, period="term")) == (
        "{f}:3:amount: an official_cost event needs an amount in dollars, more than 0")


def test_retro_pay_may_be_paid_after_the_term_but_not_before_it(tmp_path: Path):
    # A late award's retro is paid long after the term it covers ends, ratified or not.
    path = write(tmp_path, GWI, dict(effective_date="2028-03-01", event="retro_pay", amount="2,000", detail="one check"))
    res = settlements.validate([path])
    assert res.problems() == []
    assert res.valid.iloc[1]["effective_date"] == pd.Timestamp("2028-03-01")
    path = write(tmp_path, GWI, dict(effective_date="2024-06-01", event="retro_pay", detail="one check"))
    assert [ln.split(": ")[0] for ln in settlements.validate([path]).problems()] == [f"{path}:2:settlement_id", f"{path}:3:effective_date"]


@pytest.mark.parametrize("when", ["2023-11-01", "2029-01-15"])
def test_an_official_cost_is_dated_when_it_was_stated(tmp_path: Path, when: str):
    path = write(tmp_path, GWI, dict(effective_date=when, event="official_cost", amount="900000", period="term"))
    assert settlements.validate([path]).problems() == []


def test_holidays_given_up_are_a_negative_count(tmp_path: Path):
    row = valid_row(tmp_path, dict(effective_date="2025-07-01", event="holidays", count="-1", detail="Columbus Day"))
    assert row["count"] == -1


def test_other_events_still_inside_the_term(tmp_path: Path):
    assert only(tmp_path, dict(effective_date="2024-06-15", event="premium_share", pct="20")) == (
        "{f}:3:effective_date: effective_date 2024-06-15 is outside the term 2024-07-01 to 2027-06-30 "
        "(only a lump_sum may fall outside it, on or after ratified_date; a retro_pay any time from term_start; an official_cost on any date)")


# --------------------------------------------------------------------------- downstream

def _package(tmp_path: Path) -> Path:
    return write(tmp_path, GWI, dict(GWI, effective_date="2025-07-01", pct="3"),
                 dict(effective_date="2024-07-01", event="hours_change", hours_before="37.5", hours_per_week="40"),
                 dict(effective_date="2024-07-01", event="premium_share", pct="17.5"),
                 dict(effective_date="2025-07-01", event="step_change", count="-1", detail="step 1 removed"),
                 dict(effective_date="2024-07-01", event="stated_total", pct="5.5", detail="'5.5% over two years'"),
                 dict(effective_date="2024-06-15", event="official_cost", amount="900000", period="term", detail="x"),
                 name="package.csv")


def test_package_rows_leave_the_bls_metrics_unchanged(tmp_path: Path):
    with_package = settlements.validate([_package(tmp_path)]).valid
    wages_only = with_package[with_package["event"].eq("gwi_pct")]
    a = metrics.contract_metrics(with_package).set_index("settlement_id")
    b = metrics.contract_metrics(wages_only).set_index("settlement_id")
    for col in ("first_year_pct", "life_of_contract_pct", "avg_annual_pct"):
        assert a.loc["S1", col] == pytest.approx(b.loc["S1", col]), col


def test_processed_parquet_keeps_the_new_columns(tmp_path: Path):
    valid = settlements.validate([_package(tmp_path)]).valid
    out = tmp_path / "settlements.parquet"
    io.write_parquet(valid, out)
    back = settlements.load(out)
    pd.testing.assert_frame_equal(back, valid)
    assert back.loc[back["event"].eq("hours_change"), "hours_pct"].iloc[0] == pytest.approx(6.6666666)
    assert back["count"].dropna().tolist() == [-1.0]


def test_old_processed_table_loads_with_blank_new_columns(tmp_path: Path):
    valid = settlements.validate([_package(tmp_path)]).valid
    old = valid.drop(columns=["applies_to", "schedule", "hours_before", "count", "period", "detail", "source_date",
                              "hours_pct"])
    io.write_parquet(old, tmp_path / "old.parquet")
    back = settlements.load(tmp_path / "old.parquet")
    assert set(back["applies_to"]) == {"all"} and back["applies_to"].dtype == settlements.TEXT
    assert back["count"].isna().all() and back["count"].dtype == np.float64
    assert back["source_date"].dtype == "datetime64[ns]" and back["detail"].isna().all()


def test_build_writes_the_new_columns(tmp_path: Path):
    p = Paths(root=tmp_path)
    result = settlements.validate([_package(tmp_path)])
    build.write_processed(result, p)
    table = settlements.load(p.settlements)
    assert {"applies_to", "schedule", "hours_before", "count", "period", "detail", "source_date", "hours_pct"} <= set(table)
    assert table.loc[table["event"].eq("premium_share"), "pct"].tolist() == [17.5]


def test_template_carries_the_new_columns_with_an_applies_to_dropdown(tmp_path: Path):
    import openpyxl

    from wagebrief.inputs import template

    wb = openpyxl.load_workbook(template.write_settlements(tmp_path / "entry.xlsx"))
    ws = wb[template.ENTRY_SHEET]
    header = [c.value for c in ws[1]]
    assert header[-9:] == settlements.OPTIONAL_COLUMNS
    lists = {dv.formula1: header[next(iter(dv.sqref.ranges)).min_col - 1] for dv in ws.data_validations.dataValidation}
    assert "applies_to" in lists.values() and "event" in lists.values()
    assert ws.cell(row=2, column=header.index("source_date") + 1).number_format == "yyyy-mm-dd"
    assert ws.cell(row=2, column=header.index("count") + 1).number_format == "0"
