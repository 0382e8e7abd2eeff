"""The proposals-file models mirror wagebrief.inputs.proposals: same keys, same vocabularies, shipped files pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from wagebrief.inputs import proposals
from wagebrief.inputs import proposals_schema as ps

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "comparators" / "proposals").glob("*.yml"))


def test_keys_and_vocabularies_match_proposals_module() -> None:
    # Fails when proposals.py learns a key the schema (and so docs/inputs.md) does not know.
    assert tuple(ps.ProposalsFile.model_fields) == proposals.TOP_KEYS
    assert set(ps.Scenario.model_fields) == set(proposals.SCENARIO_KEYS)
    # per and titles qualify a stipend event (wagebrief.inputs.proposals_items reads them).
    assert set(ps.Event.model_fields) == {"effective_date", "note", "per", "titles", *proposals.EVENT_KINDS}
    assert tuple(ps.Steps.model_fields) == proposals.STEP_KEYS
    assert tuple(ps.Longevity.model_fields) == proposals.LONGEVITY_KEYS
    assert tuple(ps.Rollup.model_fields) == proposals.ROLLUP_KEYS
    assert (ps.STEP_TIMINGS, ps.LONGEVITY_BASES, ps.DERIVATIONS) == (
        proposals.STEP_TIMINGS, proposals.LONGEVITY_BASES, proposals.DERIVATIONS)
    from wagebrief.inputs.settlements import PCT_RANGE

    assert ps.PCT_RANGE == PCT_RANGE


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_proposals_pass(path: Path) -> None:
    assert ps.check(path) == []


def test_every_problem_named_with_file_and_field(tmp_path: Path) -> None:
    text = SHIPPED[0].read_text()
    for old, new in [("top_step: 8", "top_stp: 8"), ("gwi_pct: 4.0", "gwi_pct: 40"),
                     ("timing: common_date", "timing: common")]:
        assert old in text
        text = text.replace(old, new, 1)
    bad = tmp_path / "city-police.yml"
    bad.write_text(text)
    assert ps.check(bad) == [
        f"{bad}: steps.top_stp: unknown key (did you mean 'top_step'?); allowed: top_step, increment_pct, timing",
        f"{bad}: steps.timing: 'common' is not one of anniversary, common_date (did you mean 'common_date'?)",
        f"{bad}: scenarios.union.events[0].gwi_pct: 40 is outside -15..25",
    ]


def test_event_needs_exactly_one_kind(tmp_path: Path) -> None:
    bad = tmp_path / "u.yml"
    bad.write_text("scenarios:\n  offer:\n    events:\n      - {effective_date: 2027-07-01, gwi_pct: 2, lump_sum: 500}\n")
    assert ps.check(bad) == [f"{bad}: scenarios.offer.events[0]: give exactly one of gwi_pct, gwi_flat, "
                             "lump_sum, lump_sum_pct, step_movement, premium_share_pct, pension_employee_pct, "
                             "stipend, hours_per_week, holidays_added, longevity_schedule (found gwi_pct, lump_sum)"]
