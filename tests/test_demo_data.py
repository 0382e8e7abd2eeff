"""The SYNTHETIC demo settlement file: reproducible, labelled, and rich enough to demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.inputs import units

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
CSV = REPO / "examples" / "synthetic" / "settlements" / "demo_settlements.csv"
SCRIPT = REPO / "scripts" / "make_demo_settlements.py"
EMPLOYERS = {"State of Connecticut", "City of Hartford"}
COLUMNS = [
    "settlement_id", "jurisdiction", "state", "jurisdiction_type", "unit", "union",
    "occupation_group", "settlement_type", "ratified_date", "term_start", "term_end",
    "effective_date", "event", "pct", "amount", "reference_salary", "employees", "source",
    "source_url", "notes",
]


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return pd.read_csv(CSV, dtype=str, keep_default_na=False)


def test_generator_reproduces_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == CSV.read_bytes()


def test_shape_and_labels(demo: pd.DataFrame) -> None:
    assert list(demo.columns) == COLUMNS
    assert 300 <= len(demo) <= 600
    assert demo["source"].str.contains("SYNTHETIC").all()
    assert (demo["source_url"] == "").all()


def test_coverage(demo: pd.DataFrame) -> None:
    assert len(set(demo["jurisdiction"]) - EMPLOYERS) >= 12
    assert EMPLOYERS <= set(demo["jurisdiction"])
    assert demo["occupation_group"].nunique() >= 3
    years = set(demo["effective_date"].str[:4].astype(int))
    assert set(range(2015, 2027)) <= years
    assert {"gwi_pct", "gwi_flat", "lump_sum", "step", "freeze"} <= set(demo["event"])
    assert {"arbitration_award", "fact_finding"} <= set(demo["settlement_type"])
    lumps = demo[demo["event"] == "lump_sum"]
    assert (lumps["pct"] != "").any() and (lumps["amount"] != "").any()


def test_eighteen_month_term(demo: pd.DataFrame) -> None:
    terms = demo.drop_duplicates("settlement_id")
    days = (pd.to_datetime(terms["term_end"]) - pd.to_datetime(terms["term_start"])).dt.days + 1
    assert days.between(540, 560).any()


def test_split_increase(demo: pd.DataFrame) -> None:
    gwi = demo[demo["event"] == "gwi_pct"].assign(when=lambda d: pd.to_datetime(d["effective_date"]))
    gaps = gwi.sort_values("when").groupby("settlement_id")["when"].diff().dt.days
    assert (gaps < 365).any()


def test_row_rules(demo: pd.DataFrame) -> None:
    eff, start, end = (pd.to_datetime(demo[c]) for c in ("effective_date", "term_start", "term_end"))
    assert ((start <= eff) & (eff <= end)).all()
    shared = demo.groupby("settlement_id")[["jurisdiction", "unit", "term_start", "term_end"]].nunique()
    assert (shared == 1).all().all()
    pct = pd.to_numeric(demo["pct"].replace("", None))
    assert pct.dropna().between(-15, 25).all()
    flat = demo[demo["event"] == "gwi_flat"]
    assert (flat["amount"] != "").all() and (flat["reference_salary"] != "").all()
    dollar_lumps = demo[(demo["event"] == "lump_sum") & (demo["amount"] != "")]
    assert (dollar_lumps["reference_salary"] != "").all()
    assert demo["employees"].str.fullmatch(r"\d+").all()


def test_every_comparator_has_data_for_its_group(demo: pd.DataFrame) -> None:
    have = set(zip(demo["jurisdiction"], demo["occupation_group"]))
    for unit in units.load_all(ROOT):
        assert unit.synthetic
        for comp in unit.comparators:
            assert (comp.jurisdiction, unit.occupation_group) in have, (unit.unit, comp.jurisdiction)
        # The employer's own unit is in the data too, for internal comparables.
        assert (unit.employer.jurisdiction, unit.occupation_group) in have
