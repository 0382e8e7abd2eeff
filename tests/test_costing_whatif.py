"""A what-if scenario edited by hand is costed beside the proposals file's scenarios, on the same terms."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wagebrief.analysis import costing

REPO = Path(__file__).resolve().parents[1]
from conftest import SYNTHETIC_ROOT as ROOT  # noqa: E402  (the demo units on the synthetic example)
#: management's offer in comparators/proposals/state-clerical.yml, as GWIs and lump sums by fiscal year
MANAGEMENT = {"gwi_pct": {2028: 1.0, 2029: 2.0, 2030: 2.5}, "lump_sum": {2028: 1000}}


def term(c: costing.Costing) -> pd.DataFrame:
    t = costing.table(c)
    return t[t["fiscal_year"].eq("Term")].set_index("scenario")


def test_the_reference_offer_typed_as_a_what_if_costs_the_same() -> None:
    c = costing.cost_whatif("state-clerical", MANAGEMENT["gwi_pct"], ROOT, lump_sum=MANAGEMENT["lump_sum"])
    assert list(c.scenarios) == ["management", "union", "comparator_pattern", "what_if"]
    t = term(c)
    assert t.loc["what_if", "total_cost"] == t.loc["management", "total_cost"]
    assert t.loc["what_if", "difference"] == 0
    by = c.by_year.set_index(["scenario", "fiscal_year"])
    assert (by.loc["what_if", "total_cost"] - by.loc["management", "total_cost"]).abs().max() < 1e-6


def test_the_file_scenarios_are_costed_as_cost_unit_costs_them() -> None:
    alone, with_whatif = costing.cost_unit("state-clerical", ROOT), costing.cost_whatif("state-clerical", {2028: 3}, ROOT)
    pd.testing.assert_frame_equal(term(alone), term(with_whatif).drop(index="what_if"))
    assert with_whatif.notes == alone.notes


def test_events_fall_on_fiscal_year_starts_with_the_reference_steps() -> None:
    c = costing.cost_whatif("state-clerical", {"FY2028": 2.5, "2029": 2.5, 2030: 3.0}, ROOT, label="Mediator's idea")
    s = c.scenarios["what_if"]
    assert s.label == "Mediator's idea" and s.phrase == "the mediator's idea"
    assert [(f"{e.effective_date:%Y-%m-%d}", e.kind, e.value) for e in s.events] == [
        ("2027-07-01", "gwi_pct", 2.5), ("2028-07-01", "step_movement", 0.0), ("2028-07-01", "gwi_pct", 2.5),
        ("2029-07-01", "step_movement", 0.0), ("2029-07-01", "gwi_pct", 3.0)]
    none = costing.cost_whatif("state-clerical", {2028: 2.5}, ROOT, steps_from=None).scenarios["what_if"]
    assert [e.kind for e in none.events] == ["gwi_pct"]
    more = costing.cost_whatif("state-clerical", {2028: 3.5, 2029: 2.5, 2030: 3.0}, ROOT)
    assert term(more).loc["what_if", "total_cost"] > term(c).loc["what_if", "total_cost"]


def test_a_year_outside_the_term_or_an_implausible_percent_is_refused() -> None:
    with pytest.raises(ValueError, match=r"FY2031 is not a fiscal year of the term \(FY2028-FY2030\)"):
        costing.cost_whatif("state-clerical", {2031: 2.0}, ROOT)
    with pytest.raises(ValueError, match="outside -15..25%"):
        costing.cost_whatif("state-clerical", {2028: 40}, ROOT)
    with pytest.raises(ValueError, match="'union' is already a scenario"):
        costing.cost_whatif("state-clerical", {2028: 2}, ROOT, name="union")
