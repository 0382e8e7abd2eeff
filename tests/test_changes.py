"""What changed since the last run: headline figures compared (pure), kept in the manifest by
the batch, and shown on the index and the second brief's cover after two real renders."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from wagebrief.brief import changes, headlines, page
from wagebrief.run import batch, render

UNIT = "city-police"
AS_OF = "2026-12-01"


def heads(**over) -> dict:
    """Hand-made headline figures of one brief, as :func:`headlines.figures` shapes them."""
    h = {
        "version": headlines.VERSION, "as_of": "2026-11-01", "missing": [],
        "used_settlements": {
            "A-2024": ["City of A", "2024-05-01", 2024, 3.0],
            "B-2025": ["City of B", "2025-03-02", 2025, 3.2],
            "C-2015": ["City of C", "2015-01-10", 2015, 1.5],
        },
        "comparators": {"first_year_mean": 3.10, "first_year_median": 3.10, "settlements": 2, "since": 2024},
        "market": {"Police Officer": {"measure": "top", "vs_median_pct": -4.97, "rank": 8, "out_of": 10,
                                      "comparators": 9}},
        "costs": {"management": {"label": "Management offer", "total": 3809864.0, "pct_of_base": 9.76,
                                 "suppressed": False}},
        "forecast": {"basis": "fiscal", "method": "pooled_ols", "years": {"2027": [2.1, 3.0, 3.9]}},
        "vintages": {"settlement": "2025-03-02", "cpi": "2026-06", "eci": "2026-Q1"},
    }
    for k, v in over.items():
        h[k] = v
    return h


def base_of(h: dict, when: str = "2026-11-02T06:00:00Z", failed_at: str | None = None) -> dict:
    return {"kind": "figures", "headlines": h, "generated_at": when, "failed_at": failed_at}


# --------------------------------------------------------------------------- the comparison (pure)

def test_a_new_settlement_moves_the_mean_and_the_sentence_names_it():
    old = heads()
    new = heads()
    new["used_settlements"] = {**old["used_settlements"],
                               "X-2026": ["Town of X", "2026-11-20", 2026, 3.5],
                               "Y-2026": ["Town of Y", "2026-10-02", 2026, 3.45]}
    new["comparators"] = {**old["comparators"], "first_year_mean": 3.25, "settlements": 4}
    out = changes.sentences(new, base_of(old))
    assert out[0] == ("Comparator first-year mean 3.10% -> 3.25%: 2 new settlements: Town of X, ratified "
                      "2026-11-20; Town of Y, ratified 2026-10-02")
    # The median did not move, so it is not said to; nothing else moved either.
    assert not any("median" in s for s in out) and len(out) == 1


def test_the_settlements_are_named_once_and_referred_to_after():
    old = heads()
    new = heads()
    new["used_settlements"] = {**old["used_settlements"], "X-2026": ["Town of X", "2026-11-20", 2026, 5.0]}
    new["comparators"] = {**old["comparators"], "first_year_mean": 3.73, "first_year_median": 3.20}
    new["forecast"] = {**old["forecast"], "years": {"2027": [2.3, 3.2, 4.0]}}
    out = changes.sentences(new, base_of(old))
    assert out[0].endswith("1 new settlement: Town of X, ratified 2026-11-20")
    assert out[1] == "Comparator first-year median 3.10% -> 3.20%: 1 new settlement (above)"
    assert out[2] == "Reasonable settlement range FY2027 2.1% to 3.9% -> 2.3% to 4.0%: 1 new settlement (above)"
    assert sum("Town of X" in s for s in out) == 1


def test_a_newer_cpi_explains_the_forecast_that_moved():
    old = heads()
    new = heads(vintages={**old["vintages"], "cpi": "2026-09"},
                forecast={**old["forecast"], "years": {"2027": [2.2, 3.1, 4.1]}})
    assert changes.sentences(new, base_of(old)) == [
        "Reasonable settlement range FY2027 2.1% to 3.9% -> 2.2% to 4.1%: CPI-U through 2026-09 (was 2026-06)"]


def test_a_newer_cpi_that_moved_nothing_is_still_said():
    old = heads()
    new = heads(vintages={**old["vintages"], "cpi": "2026-09"})
    assert changes.sentences(new, base_of(old)) == ["No headline figure moved; CPI-U through 2026-09 (was 2026-06)."]


def test_no_change_says_since_when():
    assert changes.sentences(heads(), base_of(heads())) == ["No change since 2026-11-02."]


def test_a_move_below_the_brief_rounding_is_no_change():
    new = heads()
    new["comparators"] = {**new["comparators"], "first_year_mean": 3.104}
    new["market"] = {"Police Officer": {**new["market"]["Police Officer"], "vs_median_pct": -4.96}}
    new["costs"] = {"management": {**new["costs"]["management"], "total": 3809864.4}}
    assert changes.sentences(new, base_of(heads())) == ["No change since 2026-11-02."]


def test_market_and_cost_moves_are_worded_with_the_as_of_date():
    old = heads()
    new = heads(as_of="2026-12-01")
    new["market"] = {"Police Officer": {**old["market"]["Police Officer"], "vs_median_pct": -3.1, "rank": 7}}
    new["costs"] = {"management": {**old["costs"]["management"], "total": 3900000.0}}
    out = changes.sentences(new, base_of(old))
    assert out == [
        "Police Officer: -5.0% -> -3.1% against the comparator median, rank 8 of 10 -> 7 of 10: "
        "position as of 2026-12-01 (was 2026-11-01)",
        "Management offer: cost over the term $3,809,864 -> $3,900,000",
    ]


def test_a_revised_and_a_dropped_settlement_are_named():
    old = heads()
    new = heads()
    new["used_settlements"] = {"A-2024": ["City of A", "2024-05-01", 2024, 3.5],
                               "C-2015": old["used_settlements"]["C-2015"]}
    new["comparators"] = {**old["comparators"], "first_year_mean": 3.5, "first_year_median": 3.5}
    out = changes.sentences(new, base_of(old))
    assert out[0] == ("Comparator first-year mean 3.10% -> 3.50%: 1 dropped settlement: City of B, ratified "
                      "2025-03-02; 1 revised: City of A (A-2024) first year 3.00% -> 3.50%")


def test_a_suppressed_cost_is_never_shown_as_a_figure():
    old = heads(costs={"management": {"label": "Management offer", "total": None, "pct_of_base": None,
                                      "suppressed": True}})
    new = copy.deepcopy(old)
    assert changes.sentences(new, base_of(old)) == ["No change since 2026-11-02."]
    now_shown = heads()
    out = changes.sentences(now_shown, base_of(old))
    assert out == ["Management offer: cost over the term suppressed -> $3,809,864"]


def test_first_run_older_manifest_and_unreadable_figures():
    assert changes.sentences(heads(), {"kind": "first"}) == [changes.FIRST_RUN] == ["First run: nothing to compare."]
    older = {"kind": "none", "generated_at": "2026-10-01T06:00:00Z", "failed_at": None}
    assert changes.sentences(heads(), older) == [
        "The previous brief (2026-10-01) recorded no headline figures: nothing to compare."]
    broken = base_of(heads(market={"Police Officer": "not a dict"}))
    assert changes.sentences(heads(), broken) == [
        "The previous brief's headline figures could not be read (2026-11-02): nothing to compare."]


def test_a_part_missing_last_time_explains_nothing():
    old = heads(missing=["comparators"])
    del old["used_settlements"], old["comparators"]
    # The settlements are not all "new": the last run could not list them.
    assert changes.sentences(heads(), base_of(old)) == ["No change since 2026-11-02."]


def test_a_unit_that_failed_last_time_is_compared_with_its_previous_brief():
    manifest = {"index": [{"unit": UNIT, "ok": False, "status": "failed", "generated_at": "2026-11-09T06:00:00Z",
                           "previous": {"file": f"{UNIT}.html", "generated_at": "2026-11-02T06:00:00Z",
                                        "headlines": heads()}}]}
    base = headlines.baseline(manifest, UNIT)
    assert base["kind"] == "figures" and base["failed_at"] == "2026-11-09T06:00:00Z"
    assert changes.sentences(heads(), base) == [
        "The last run (2026-11-09) failed; compared with the brief of 2026-11-02.", "No change since 2026-11-02."]
    # Failed with no earlier brief at all: nothing to compare, and it says why.
    manifest["index"][0]["previous"] = None
    assert changes.sentences(heads(), headlines.baseline(manifest, UNIT)) == [
        "The last run (2026-11-09) failed; no earlier brief to compare with."]


def test_baseline_reads_older_manifests():
    assert headlines.baseline({}, UNIT) == {"kind": "first"}
    assert headlines.baseline({"index": "garbage"}, UNIT) == {"kind": "first"}
    old = {"index": [{"unit": UNIT, "ok": True, "file": f"{UNIT}.html", "generated_at": "2026-10-01T06:00:00Z"}]}
    assert headlines.baseline(old, UNIT)["kind"] == "none"
    other = {"index": [{"unit": UNIT, "ok": True, "generated_at": "x", "headlines": {"version": 999}}]}
    assert headlines.baseline(other, UNIT)["kind"] == "none"  # a shape this code does not know is not misread


HOSTILE = "<script>alert(1)</script> <b onclick=\"x()\">'q'</b> & {{ 7*7 }}"


def _cover(monkeypatch, **kw) -> str:
    import datetime as dt
    from types import SimpleNamespace

    monkeypatch.setattr(page, "input_labels", lambda data: [])
    monkeypatch.setattr(page, "vintages", lambda data: {"settlement": "s", "cpi": "c", "eci": "e"})
    unit = SimpleNamespace(name="U", employer=SimpleNamespace(name="E"), cycle_year=2027, occupation_group="police")
    return page.cover(SimpleNamespace(unit=unit), dt.datetime(2026, 1, 2), **kw)


def test_changes_are_escaped_on_the_cover_and_in_the_index(monkeypatch, tmp_path):
    cover = _cover(monkeypatch, changes=[HOSTILE])
    entries = [{"unit": UNIT, "ok": True, "status": render.RENDERED, "file": f"{UNIT}.html",
                "run_started_at": "now", "changes": [HOSTILE]}]
    index = batch.write_index(batch.Run(None, [], "now", "t", 1.0, 1, extra={"index": entries}), tmp_path)
    for out in (cover, index.read_text(encoding="utf-8")):
        assert "<script" not in out and "<b onclick" not in out
        assert html.escape(HOSTILE, quote=False) in out or html.escape(HOSTILE) in out
        assert '<ul class="wb-changes"><li>' in out


def test_a_cover_without_changes_is_unchanged(monkeypatch):
    plain = _cover(monkeypatch)
    assert plain == _cover(monkeypatch, changes=None) and "wb-changes" not in plain
    assert plain.endswith("</ul>")  # the cover ends where it always did
    assert "First run" in _cover(monkeypatch, changes=[changes.FIRST_RUN])


# --------------------------------------------------------------------------- headline figures of a demo unit

def test_headline_mean_is_the_settlements_sentence_figure():
    from conftest import SYNTHETIC_ROOT as ROOT

    from wagebrief.brief import partial, settlements

    data, _ = partial.load(UNIT, root=ROOT, as_of=AS_OF)
    c, used = headlines.comparator_figures(data)
    sentence = settlements.settlements_section(data).text[0]
    assert f"average {c['first_year_mean']:.2f}% in the first year (median {c['first_year_median']:.2f}%)" in sentence
    assert f"The {c['settlements']} that began in {c['since']} or later" in sentence
    assert len(used) == data.comparator_contracts()["settlement_id"].nunique()
    json.dumps([c, used])  # plain JSON


def test_figures_leave_out_what_failed_and_keep_the_rest():
    from conftest import SYNTHETIC_ROOT as ROOT

    from wagebrief.brief import partial

    data, _ = partial.load(UNIT, root=ROOT, as_of=AS_OF)
    h = headlines.figures(data, market=RuntimeError("bad schedule"), costing=RuntimeError("bad roster"),
                          outlook=type("NoForecast", (), {"forecast": None})())
    assert set(h["missing"]) == {"market", "costs"} and "market" not in h and "costs" not in h
    assert h["comparators"]["first_year_mean"] is not None and h["forecast"] == {}
    assert h["as_of"] == AS_OF and h["vintages"]["cpi"] not in ("", None)


# --------------------------------------------------------------------------- the batch's manifest (no kernel)

def _fake_results(monkeypatch, outcomes: list):
    """batch.run with render_units replaced: each call takes the next outcome (headlines, or an error)."""
    def fake(names, cycle, root, jobs, progress, as_of, exports=()):
        out = outcomes.pop(0)
        cycle_dir = Path(root) / "reports" / "2027"
        if isinstance(out, Exception):
            return [render.RenderResult(UNIT, None, False, 0.1, error=str(out), generated_at=render.now())]
        path = cycle_dir / f"{UNIT}.html"
        path.write_text("<html><head><title>x</title></head><body><main class=\"wb-brief\">brief</main></body></html>")
        return [render.RenderResult(UNIT, path, True, 0.1, generated_at=render.now(), headlines=out)]

    monkeypatch.setattr(batch, "render_units", fake)


def test_a_failed_run_keeps_the_last_figures_for_the_next(project, monkeypatch):
    _fake_results(monkeypatch, [heads(), RuntimeError("bad unit file"), heads()])
    first = batch.run([UNIT], root=project)
    m1 = json.loads(first.manifest.read_text())
    assert m1["index"][0]["headlines"] == heads() and m1["index"][0]["changes"] == [changes.FIRST_RUN]
    assert "headlines" not in m1["units"][0]  # kept once, in the index entry
    batch.run([UNIT], root=project)
    m2 = json.loads((project / "reports/2027/manifest.json").read_text())
    assert m2["index"][0]["previous"]["headlines"] == heads() and m2["index"][0]["changes"] is None
    third = batch.run([UNIT], root=project)
    e = json.loads(third.manifest.read_text())["index"][0]
    assert e["changes"][0].startswith(f"The last run ({m2['index'][0]['generated_at'][:10]}) failed; compared with")
    assert e["changes"][1] == f"No change since {m1['index'][0]['generated_at'][:10]}."
    assert "No change since" in third.index.read_text()


def test_a_manifest_from_before_headlines_is_no_comparison(project, monkeypatch):
    cycle_dir = project / "reports" / "2027"
    cycle_dir.mkdir(parents=True, exist_ok=True)
    (cycle_dir / f"{UNIT}.html").write_text("old brief")
    old = {"index": [{"unit": UNIT, "ok": True, "file": f"{UNIT}.html", "generated_at": "2026-10-01T06:00:00Z",
                      "run_started_at": "2026-10-01T06:00:00Z"}]}
    (cycle_dir / "manifest.json").write_text(json.dumps(old))
    _fake_results(monkeypatch, [heads()])
    r = batch.run([UNIT], root=project)
    assert json.loads(r.manifest.read_text())["index"][0]["changes"] == [
        "The previous brief (2026-10-01) recorded no headline figures: nothing to compare."]


# --------------------------------------------------------------------------- two real renders

NEW_ROWS = [
    f"CT-WHF-POL-2026,Town of West Hartford,CT,municipal,Police,West Hartford Police Union,police,voluntary,"
    f"2026-11-20,2026-07-01,2029-06-30,{y}-07-01,gwi_pct,5.0,,,120,SYNTHETIC test row added between runs,,"
    for y in (2026, 2027, 2028)
]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """city-police rendered twice from a scratch copy of the synthetic project, a comparator's new
    settlement (ratified 2026-11-20) added between the runs; each run's cover, index and manifest."""
    from typer.testing import CliRunner

    from conftest import scratch_project
    from wagebrief.cli import app

    out = []
    with scratch_project(tmp_path_factory) as root:
        cycle_dir = root / "reports" / "2027"
        for step in (0, 1):
            if step:
                with open(root / "data/raw/settlements/demo_settlements.csv", "a", encoding="utf-8") as f:
                    f.write("\n".join(NEW_ROWS) + "\n")
            assert CliRunner().invoke(app, ["build"]).exit_code == 0
            res = CliRunner().invoke(app, ["render", "--unit", UNIT, "--as-of", AS_OF])
            assert res.exit_code == 0, res.output
            keep = root / f"run{step}"
            shutil.copytree(cycle_dir, keep)
            out.append({"brief": (keep / f"{UNIT}.html").read_text(encoding="utf-8"),
                        "index": (keep / "index.html").read_text(encoding="utf-8"),
                        "manifest": json.loads((keep / "manifest.json").read_text(encoding="utf-8"))})
    return out


SENTENCE = re.compile(r"Comparator first-year mean \d+\.\d\d% -> \d+\.\d\d%: 1 new settlement: "
                      r"Town of West Hartford, ratified 2026-11-20")


def _text(page_html: str) -> str:
    return html.unescape(page_html)


@pytest.mark.notebook
def test_first_run_says_nothing_to_compare(two_runs):
    first = two_runs[0]
    assert "What changed since the last run:" in first["brief"]
    assert changes.FIRST_RUN in _text(first["brief"]) and changes.FIRST_RUN in _text(first["index"])


@pytest.mark.notebook
def test_second_run_names_the_new_settlement_on_the_index_and_the_cover(two_runs):
    second = two_runs[1]
    assert SENTENCE.search(_text(second["index"])), _text(second["index"])
    assert SENTENCE.search(_text(second["brief"]))
    entry = second["manifest"]["index"][0]
    # The cover and the index say the same, from the same figures.
    for line in entry["changes"]:
        assert line in _text(second["brief"]) and line in _text(second["index"])


@pytest.mark.notebook
def test_the_manifest_keeps_the_headline_figures(two_runs):
    first, second = (r["manifest"]["index"][0]["headlines"] for r in two_runs)
    assert "CT-WHF-POL-2026" in second["used_settlements"] and "CT-WHF-POL-2026" not in first["used_settlements"]
    assert second["used_settlements"]["CT-WHF-POL-2026"][:2] == ["Town of West Hartford", "2026-11-20"]
    assert second["comparators"]["first_year_mean"] > first["comparators"]["first_year_mean"]
    assert second["as_of"] == AS_OF and not second["missing"]
    assert set(second["market"]) == {"Police Officer", "Police Sergeant"}
    assert {"management", "union"} <= set(second["costs"]) and second["forecast"]["years"]
    # Small: a few kilobytes a unit, however long the brief.
    assert len(json.dumps(two_runs[1]["manifest"]["index"][0])) < 12_000


@pytest.mark.notebook
def test_the_figures_leave_no_trace_on_the_page(two_runs):
    brief = two_runs[1]["brief"]
    assert "used_settlements" not in brief and "first_year_mean" not in brief
