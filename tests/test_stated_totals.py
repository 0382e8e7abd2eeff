"""Totals a source states by adding raises ("9.2%") are shown compounded in the brief, with the
source's own figure in the appendix."""

from __future__ import annotations

import dataclasses

import pandas as pd

from conftest import rows, valid_events
from wagebrief.analysis import metrics, stated
from wagebrief.brief import appendix
from wagebrief.brief import data as brief_data

import _real_unit


def _with_stated(events: pd.DataFrame, sid: str, pct: float, detail: str | None) -> pd.DataFrame:
    # The stated_total row is built from a sibling: the validator types it on its own branch.
    row = events[events["settlement_id"].eq(sid)].iloc[[0]].copy()
    row["event"], row["pct"], row["base_pct"] = "stated_total", pct, float("nan")
    row["detail"] = detail
    return pd.concat([events, row], ignore_index=True)


def three_raises(**common) -> pd.DataFrame:
    return valid_events(rows({"effective_date": "2024-07-01", "pct": "3"}, {"effective_date": "2025-07-01", "pct": "3"},
                             {"effective_date": "2026-07-01", "pct": "3.2"}, **common))


def test_added_total_is_named_and_compounded_is_kept():
    ev = _with_stated(three_raises(), "S1", 9.2, "a 9.2% raise over three years")
    t = stated.stated_totals(ev, metrics.contract_metrics(ev))
    r = t.iloc[0]
    # 1.03 * 1.03 * 1.032 = 1.0948488: 9.48%, not the 9.2% the source gives by adding.
    assert round(r["compounded_pct"], 4) == 9.4849
    assert round(r["added_pct"], 6) == 9.2
    assert r["stated_pct"] == 9.2 and r["matches"] == "added"
    assert r["detail"] == "a 9.2% raise over three years"


def test_compounded_statement_and_neither():
    ev = _with_stated(three_raises(), "S1", 9.48, None)
    assert stated.stated_totals(ev, metrics.contract_metrics(ev)).iloc[0]["matches"] == "compounded"
    ev = _with_stated(three_raises(), "S1", 10.0, None)
    assert stated.stated_totals(ev, metrics.contract_metrics(ev)).iloc[0]["matches"] == "neither"


def test_unknown_raise_makes_the_sum_unknown():
    ev = valid_events(rows({"effective_date": "2024-07-01", "pct": "3"},
                           {"effective_date": "2025-07-01", "event": "gwi_flat", "amount": "1000"}))
    ev = _with_stated(ev, "S1", 5.0, None)
    r = stated.stated_totals(ev, metrics.contract_metrics(ev)).iloc[0]
    assert pd.isna(r["added_pct"]) and r["matches"] == "unknown"


def test_no_stated_rows_no_table():
    ev = three_raises()
    assert stated.stated_totals(ev, metrics.contract_metrics(ev)).empty


def test_appendix_shows_the_sources_figure(project):
    _real_unit.make(project)
    data = brief_data.load(_real_unit.UNIT, project)
    assert "Totals as the sources state them" not in appendix.appendix_html(data)
    comp = _real_unit.COMPARATORS[0]
    sid = data.events.loc[data.events["jurisdiction"].eq(comp), "settlement_id"].iloc[0]
    ev = _with_stated(data.events, sid, 7.5, "7.5% over three years")
    data = dataclasses.replace(data, events=ev, contracts=metrics.contract_metrics(ev))
    html = appendix.appendix_html(data)
    assert "<h3>Totals as the sources state them</h3>" in html
    # Three raises of 2.5%: added 7.50%, compounded 1.025^3 - 1 = 7.69%.
    row = (f"<td>{comp}</td><td>2024-07-01 to 2027-06-30</td><td>7.50% (7.5% over three years)</td><td>7.50%</td>"
           "<td>7.69%</td><td>the raises added</td>")
    assert row in html


def test_the_sources_total_is_not_a_term_of_the_body():
    from wagebrief.brief import package_terms

    ev = _with_stated(three_raises(), "S1", 9.2, "a 9.2% raise over three years")
    ev.loc[ev.index[-1], "source_url"] = "https://example.org/a"
    assert "Stated total" not in " ".join(package_terms.terms_table(ev).get("Term", pd.Series(dtype=str)).astype(str))
