"""Shared test helpers: settlement rows as an analyst would type them."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.inputs import settlements

ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = dict(
    settlement_id="S1", jurisdiction="Testville", state="CT", jurisdiction_type="municipal", unit="Clerical",
    union="AFSCME", occupation_group="clerical", settlement_type="voluntary", ratified_date="",
    term_start="2024-07-01", term_end="2027-06-30", effective_date="2024-07-01", event="gwi_pct",
    pct="", amount="", reference_salary="", employees="100", source="SYNTHETIC test row", source_url="", notes="",
    amount_per="", hours_per_week="", applies_to="", schedule="", hours_before="", count="", period="", detail="",
    source_date="",
)


def rows(*events: dict, **common) -> pd.DataFrame:
    """Raw text rows (as read from a file) built from DEFAULTS, ``common`` and each event's keys."""
    recs = [{**DEFAULTS, **common, **{k: str(v) for k, v in e.items()}} for e in events]
    df = pd.DataFrame(recs, columns=settlements.ALL_COLUMNS).astype(object)
    df[settlements.FILE_COL] = "test.csv"
    df[settlements.ROW_COL] = range(2, len(df) + 2)
    return df


def valid_events(*frames: pd.DataFrame) -> pd.DataFrame:
    """Validate raw frames and return the typed valid rows; fail the test on any problem."""
    raw = pd.concat(frames, ignore_index=True)
    raw[settlements.ROW_COL] = range(2, len(raw) + 2)
    result = settlements.validate_frame(raw)
    assert result.ok, result.problems()
    return result.valid


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A scratch copy of the project's data and notebooks, with WAGEBRIEF_ROOT pointing at it."""
    for name in ("data/raw", "comparators", "notebooks"):
        src = ROOT / name
        if src.exists():
            shutil.copytree(src, tmp_path / name)
    (tmp_path / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (tmp_path / "reports").mkdir(exist_ok=True)
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    return tmp_path


@contextlib.contextmanager
def scratch_project(tmp_path_factory):
    """A copy of the project with WAGEBRIEF_ROOT pointing at it, for module-scoped renders."""
    root = tmp_path_factory.mktemp("project")
    for name in ("data/raw", "comparators", "notebooks"):
        shutil.copytree(ROOT / name, root / name)
    old = os.environ.get("WAGEBRIEF_ROOT")
    os.environ["WAGEBRIEF_ROOT"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("WAGEBRIEF_ROOT")
        else:
            os.environ["WAGEBRIEF_ROOT"] = old
