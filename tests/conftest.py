"""Shared test helpers: settlement rows as an analyst would type them."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.inputs import settlements

ROOT = Path(__file__).resolve().parents[1]
#: The labelled synthetic example: invented settlements and the demo units built on them. Tests
#: run on it so their hand-checked numbers do not move when the shipped real data grows.
SYNTHETIC = ROOT / "examples" / "synthetic"


def synthetic_project(dest: Path) -> Path:
    """Copy the project's inputs to ``dest`` with the synthetic example in place of the shipped
    real settlements, published averages and unit files."""
    for name in ("data/raw", "notebooks"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    shutil.rmtree(dest / "data/raw/settlements", ignore_errors=True)
    shutil.rmtree(dest / "data/raw/reference", ignore_errors=True)
    shutil.copytree(SYNTHETIC / "settlements", dest / "data/raw/settlements")
    shutil.copytree(SYNTHETIC / "comparators", dest / "comparators")
    # The invented fiscal indicators, in place of the shipped real ones, where the ability-to-pay factor reads them.
    shutil.copytree(SYNTHETIC / "fiscal", dest / "data/raw/fiscal", dirs_exist_ok=True)
    return dest

#: One synthetic project for the whole session, and the default root (``root=None``) of every
#: test: tests that read "the demo units" read the synthetic example, never the real data.
SYNTHETIC_ROOT = synthetic_project(Path(tempfile.mkdtemp(prefix="wagebrief-synthetic-")))
atexit.register(shutil.rmtree, SYNTHETIC_ROOT, True)
os.environ["WAGEBRIEF_ROOT"] = str(SYNTHETIC_ROOT)

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
    """A scratch copy of the project's data and notebooks on the synthetic example, with
    WAGEBRIEF_ROOT pointing at it."""
    synthetic_project(tmp_path)
    (tmp_path / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (tmp_path / "reports").mkdir(exist_ok=True)
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    return tmp_path


@contextlib.contextmanager
def scratch_project(tmp_path_factory):
    """A copy of the project with WAGEBRIEF_ROOT pointing at it, for module-scoped renders."""
    root = synthetic_project(tmp_path_factory.mktemp("project"))
    old = os.environ.get("WAGEBRIEF_ROOT")
    os.environ["WAGEBRIEF_ROOT"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("WAGEBRIEF_ROOT")
        else:
            os.environ["WAGEBRIEF_ROOT"] = old
