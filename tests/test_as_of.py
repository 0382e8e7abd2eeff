"""The brief's as-of date: the render passes it as a plain parameter (empty: today), the CLI
checks it, and the cover prints it. No kernel: the date source is monkeypatched, never the calendar."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from wagebrief.brief import data as brief_data, page
from wagebrief.cli import app
from wagebrief.run import batch, render

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)


def test_render_parameters_carry_as_of_as_a_plain_date():
    params = render.parameters("state-clerical", 2027, ROOT, "2026-12-01")
    assert params == {"unit": "state-clerical", "cycle_year": 2027, "project_root": str(ROOT),
                      "as_of": "2026-12-01"}
    assert all(isinstance(v, (str, int)) for v in params.values())


def test_an_empty_as_of_becomes_today(monkeypatch):
    monkeypatch.setattr(brief_data, "today", lambda: "2031-01-15")
    assert render.parameters("state-clerical", 2027, ROOT)["as_of"] == "2031-01-15"
    assert render.parameters("state-clerical", 2027, ROOT, "")["as_of"] == "2031-01-15"


@pytest.mark.parametrize("bad", ["2026-13-01", "12/01/2026", "today", "2026-12-01; import os"])
def test_a_bad_as_of_is_refused(bad):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        render.parameters("state-clerical", 2027, ROOT, bad)


def test_cli_passes_as_of_and_defaults_to_today(monkeypatch):
    seen = {}

    def fake_run(names, cycle, **kw):
        seen.update(kw)
        return batch.Run(cycle, [], "", "", 0.0, 1)

    monkeypatch.setattr(batch, "run", fake_run)
    monkeypatch.setattr(brief_data, "today", lambda: "2031-01-15")
    assert CliRunner().invoke(app, ["render", "--unit", "state-clerical", "--as-of", "2026-12-01"]).exit_code == 0
    assert seen["as_of"] == "2026-12-01"
    assert CliRunner().invoke(app, ["render", "--unit", "state-clerical"]).exit_code == 0
    assert seen["as_of"] == "2031-01-15"
    res = CliRunner().invoke(app, ["render", "--unit", "state-clerical", "--as-of", "2026-02-30"])
    assert res.exit_code == 2 and "--as-of" in res.output


def test_cover_prints_the_as_of_date():
    data = brief_data.load("state-clerical", root=ROOT, as_of="2026-12-01")
    assert data.as_of == pd.Timestamp("2026-12-01")
    assert "Position as of 2026-12-01" in page.cover(data)
    assert brief_data.load("state-clerical", root=ROOT).as_of is None
