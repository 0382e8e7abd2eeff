"""The real-settlement fixture (40 contracts read from public reports, tests/fixtures/real_settlements)
validates whole under the rules real data needs, and its gaps come out as unknowns, said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wagebrief.analysis import metrics
from wagebrief.inputs import settlements

FILE = Path(__file__).parent / "fixtures" / "real_settlements" / "real_settlements.csv"


@pytest.fixture(scope="module")
def result():
    return settlements.validate([FILE])


@pytest.fixture(scope="module")
def table(result):
    return metrics.contract_metrics(result.valid).set_index("settlement_id")


def test_every_real_settlement_validates(result):
    assert result.problems() == []
    assert (result.n_input, result.valid["settlement_id"].nunique()) == (155, 40)


def test_every_row_is_real_and_cited(result):
    v = result.valid
    assert not v["source"].str.contains("SYNTHETIC", case=False).any()
    assert v["source_url"].str.startswith("http").all()


def test_shapes_the_first_specification_rejected_are_kept(result, table):
    v = result.valid
    flat_unknown = v[v["event"].eq("gwi_flat") & v["base_pct"].isna()]
    dollar_lumps = v[v["event"].eq("lump_sum") & v["pct"].isna() & v["reference_salary"].isna()]
    before_term = v[v["event"].eq("lump_sum") & (v["effective_date"] < v["term_start"])]
    assert len(flat_unknown) >= 5 and len(dollar_lumps) >= 20 and len(before_term) >= 1
    assert (table["retro_months"] > 0).sum() >= 15
    potsdam = table.loc["NY-Potsdam-highway-2017"]
    assert np.isnan(potsdam["life_of_contract_pct"])
    assert "no reference_salary" in potsdam["measure_notes"]
    assert table.loc["CT-Vernon-directors-2022", "lump_sum_total"] == 500
