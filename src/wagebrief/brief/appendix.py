"""The appendix: every settlement event of the unit's comparators, with its source and link."""

from __future__ import annotations

import pandas as pd

from wagebrief.analysis import stated
from wagebrief.brief import page
from wagebrief.brief.data import BriefData
from wagebrief.brief.words import vocab


def _money(x: float) -> str:
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def event_value(r: dict) -> str:
    """An event's value as typed: "2.5%", "$0.93/hour", "$1,000 on $52,000"; cents kept."""
    parts = [f"{r['pct']:g}%"] if pd.notna(r.get("pct")) else []
    if pd.notna(r.get("amount")):
        per = "/hour" if r.get("amount_per") == "hour" else ""
        parts.append(_money(r["amount"]) + per)
    if r.get("event") == "gwi_flat" and pd.notna(r.get("reference_salary")):
        parts.append("on " + _money(r["reference_salary"]) + ("/hour" if r.get("reference_per") == "hour" else ""))
    # Package terms (issue 16): the columns they carry; rows of the older kinds have none of them.
    if r.get("event") == "hours_change" and pd.notna(r.get("hours_before")) and pd.notna(r.get("hours_per_week")):
        parts.append(f"{r['hours_before']:g} to {r['hours_per_week']:g} hours/week")
    if pd.notna(r.get("count")):
        parts.append(f"{r['count']:+g}" if r.get("event") == "step_change" else f"{r['count']:g}")
    if isinstance(r.get("period"), str):
        parts.append(f"({r['period']})")
    return " ".join(parts)


def appendix_rows(data: BriefData) -> list[dict]:
    """The appendix's rows as plain text: ``cells`` in column order, and ``url``, a link only
    when ``link`` (an http or https address)."""
    e = data.comparator_events().sort_values(["jurisdiction", "term_start", "effective_date"])
    rows = []
    for r in e.itertuples(index=False):
        url = str(r.source_url) if isinstance(r.source_url, str) else ""
        rows.append({
            "cells": [str(r.settlement_id), str(r.jurisdiction), f"{r.term_start:%Y-%m-%d} to {r.term_end:%Y-%m-%d}",
                      vocab(r.settlement_type), f"{r.effective_date:%Y-%m-%d}", str(r.event),
                      event_value(r._asdict()).strip(), str(r.source)],
            "url": url, "link": url.startswith(("http://", "https://")),
        })
    return rows


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:.2f}%"


#: What each match says, in the appendix's words.
MATCH_WORDS = {"added": "the raises added", "compounded": "compounded", "both": "either rule (the same here)",
               "neither": "neither rule", "unknown": "unknown (a raise's percent is unknown)"}


def stated_rows(data: BriefData) -> list[dict]:
    """The "totals as the sources state them" rows for the comparators' contracts, as text."""
    t = stated.stated_totals(data.comparator_events(), data.comparator_contracts())
    rows = []
    for r in t.to_dict("records"):
        url = str(r["source_url"]) if isinstance(r["source_url"], str) else ""
        rows.append({
            "cells": [str(r["jurisdiction"]), f"{r['term_start']:%Y-%m-%d} to {r['term_end']:%Y-%m-%d}",
                      _pct(r["stated_pct"]) + (f" ({r['detail']})" if isinstance(r["detail"], str) and r["detail"] else ""),
                      _pct(r["added_pct"]), _pct(r["compounded_pct"]), MATCH_WORDS[r["matches"]], str(r["source"])],
            "url": url, "link": url.startswith(("http://", "https://")),
        })
    return rows


def appendix_html(data: BriefData) -> str:
    """The full settlement list of the unit's comparators, with sources and links (escaped), and
    the totals the sources state beside wagebrief's compounded ones."""
    return page.fragment("appendix.html.j2", rows=appendix_rows(data), stated=stated_rows(data))
