"""Cases the settlement fuzz (tests/test_fuzz.py) found, kept as fixed tests, and the guard that
keeps ``make test``'s fuzz deterministic.

Each case is written out by hand from the failure report, so it runs on every ``make test``
whatever Hypothesis draws. Add the next one ``make test-fuzz`` finds here.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

import test_fuzz as fz
from conftest import DEFAULTS
from wagebrief.inputs import settlements

#: The row of the report (issue 12): "broken row 518 was accepted".
REPORTED = dict(jurisdiction="Ελλάδα (other 489859324)", term_start="12/7/2029", term_end="2034-12-06",
                effective_date="2032-07-05 00:00:00", event="gwi_flat", amount=" 4781 ", reference_salary="96,572")


class Scripted(random.Random):
    """A Random whose ``choice`` returns the scripted values in order, so break_record takes one
    chosen path; everything else (randrange, random) is an ordinary seeded Random."""

    def __init__(self, *picks: str, other: int = 489859324) -> None:
        super().__init__(0)
        self.picks = list(picks)
        self.other = other

    def choice(self, seq: Sequence):  # type: ignore[override]
        pick = self.picks.pop(0)
        assert pick in seq, (pick, seq)
        return pick

    def randrange(self, *args, **kwargs) -> int:  # type: ignore[override]
        return self.other  # the "(other N)" suffix of the report


def reported_contract(sid: str = "ct/2024/518") -> list[fz.Record]:
    """The reported settlement: three rows of one settlement_id, as the generator writes them."""
    common = {**DEFAULTS, "settlement_id": sid, "jurisdiction": "Ελλάδα", "term_start": "12/7/2029",
              "term_end": "2034-12-06"}
    cells = [
        {**common, "effective_date": "2029-12-07", "event": "gwi_pct", "pct": "2.5"},
        {**common, **REPORTED, "jurisdiction": "Ελλάδα"},
        {**common, "effective_date": "12/7/2033", "event": "lump_sum", "pct": "1%"},
    ]
    return [fz.Record({c: row[c] for c in fz.COLUMNS}, sid=518) for row in cells]


def disagree(recs: list[fz.Record], k: int) -> None:
    """Give row ``k`` the report's other jurisdiction through the generator's own "disagree" break."""
    fz.break_record(Scripted("disagree"), recs[k], len(recs), ["junk"])
    assert recs[k].cells["jurisdiction"] == REPORTED["jurisdiction"]


def numbered(recs: list[fz.Record]) -> list[fz.Record]:
    for k, r in enumerate(recs):
        r.row = k + 2
    return recs


def test_reported_settlement_is_rejected_whole(tmp_path: Path) -> None:
    """The reported row with siblings that keep the settlement_id: the validator rejects all
    three, the changed row for disagreeing on jurisdiction (the validator was right)."""
    recs = numbered(reported_contract())
    disagree(recs, 1)
    f = tmp_path / "s.csv"
    f.write_text(",".join(fz.COLUMNS) + "\n" + "\n".join(
        ",".join(fz.csv_field(r.cells[c], False) for c in fz.COLUMNS) for r in recs) + "\n", encoding="utf-8")
    result = settlements.validate([f])
    assert result.valid.empty and list(result.rejects["row"]) == [2, 3, 4]
    assert f"{f}:3:jurisdiction: rows of settlement ct/2024/518 disagree on jurisdiction" in result.problems()
    fz.check_result(result, recs, list(fz.COLUMNS), str(f))


def test_changed_row_alone_under_its_id_is_valid(tmp_path: Path) -> None:
    """Regression (issue 12, the oracle was wrong): the siblings' settlement_id was blanked by a
    later "blank" break, so the changed row is the only row of its settlement, has nothing to
    disagree with and is valid. The oracle called it broken ("broken row 518 was accepted")."""
    recs = numbered(reported_contract())
    disagree(recs, 1)
    for k in (0, 2):  # break_record's "blank" break on settlement_id (value drawn before the column)
        fz.break_record(Scripted("blank", "  \t", "settlement_id"), recs[k], len(recs), ["junk"])
    result = settlements.validate_frame(fz._frame(recs))
    assert list(result.valid["source_row"]) == [3] and list(result.valid["jurisdiction"]) == [REPORTED["jurisdiction"]]
    assert list(result.rejects["row"]) == [2, 4]
    fz.check_result(result, recs, list(fz.COLUMNS), "mem.csv")  # failed here before the fix


def test_changed_row_whose_sibling_is_cut_short_under_a_shuffled_header(tmp_path: Path) -> None:
    """Regression (issue 12, the same oracle bug another way): with settlement_id the last column,
    a sibling row cut short loses its id, so the changed row is alone under its id and valid."""
    recs = reported_contract()[:2]
    disagree(recs, 1)
    recs[0].short, recs[0].broken = 1, True  # break_record's "ragged" break, short by one field
    header = [c for c in fz.COLUMNS if c != "settlement_id"] + ["settlement_id"]
    lines = [",".join(header)]
    for k, r in enumerate(recs):
        fields = [r.cells[h] for h in header]
        lines.append(",".join(fz.csv_field(v, False) for v in fields[:len(fields) - r.short]))
        r.row = k + 2
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (tmp_path / "s.csv").write_bytes(data)
    result = settlements.validate([tmp_path / "s.csv"])
    assert list(result.valid["source_row"]) == [3] and list(result.rejects["row"]) == [2]
    fz.run_file("fuzz.csv", data, recs, header, None, also_validate=True)  # failed here before the fix


def test_changed_row_is_broken_only_while_a_sibling_keeps_its_id() -> None:
    """The oracle itself: with both siblings' ids blank the changed row is predicted valid; with
    one sibling keeping it, rejected; a blank sibling jurisdiction also disagrees."""
    recs = numbered(reported_contract())
    disagree(recs, 1)
    fz.predict_disagreements(recs, list(fz.COLUMNS))
    assert recs[1].broken
    recs[0].cells["settlement_id"] = recs[2].cells["settlement_id"] = " "
    fz.predict_disagreements(recs, list(fz.COLUMNS))
    assert not recs[1].broken and 518 in fz.tainted_contracts(recs)
    recs[2].cells["settlement_id"], recs[2].cells["jurisdiction"] = "ct/2024/518", ""
    fz.predict_disagreements(recs, list(fz.COLUMNS))
    assert recs[1].broken


def test_generator_writes_the_shapes_the_new_rules_accept() -> None:
    """Flat raises and dollar lump sums without reference_salary, and a lump_sum paid on a
    ratified_date before the term, are written as valid rows, and the validator keeps them."""
    recs = numbered(fz.make_records(random.Random(7), 600, fz.NAMES, ["junk"], 0.0))
    result = settlements.validate_frame(fz._frame(recs))
    fz.check_result(result, recs, list(fz.COLUMNS), "mem.csv")
    valid = result.valid
    no_ref = valid[valid["event"].isin(["gwi_flat", "lump_sum"]) & valid["amount"].notna() & valid["reference_salary"].isna()]
    assert set(no_ref["event"]) == {"gwi_flat", "lump_sum"}
    early = valid[valid["event"].eq("lump_sum") & valid["effective_date"].lt(valid["term_start"])]
    assert len(early) and (early["effective_date"] == early["ratified_date"]).all()


@pytest.mark.skipif(os.environ.get("HYPOTHESIS_PROFILE") == "long", reason="the long run is random on purpose")
def test_make_test_fuzz_is_deterministic() -> None:
    """Issue 12: the fuzz tests draw the same cases on every ``make test`` run and on every
    machine (no example database replaying an earlier run's finds)."""
    assert fz.FUZZ.derandomize and fz.FUZZ.database is None
    for test in (fz.test_fuzzed_csv_files, fz.test_fuzzed_xlsx_workbooks, fz.test_fuzzed_missing_and_duplicated_columns,
                 fz.test_fast_and_exact_csv_readers_agree):
        used = getattr(test, "_hypothesis_internal_use_settings", fz.FUZZ)  # the settings @given runs with
        assert used.derandomize and used.database is None, test.__name__
