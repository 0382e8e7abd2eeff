"""The executive summary: sentences taken from the sections themselves, never written apart
from the numbers."""

from __future__ import annotations

from wagebrief.brief.section import Section


def executive_summary(sections: dict[str, Section], market_sentences: list[str],
                      cost_sentences: list[str]) -> Section:
    """Five to eight sentences, each taken from a section computed from the numbers: the pattern,
    inflation, the forecast range, market position and what each scenario costs."""
    picks: list[str] = []
    picks += sections["settlements"].text[:1]
    picks += sections["inflation"].text[:1]
    picks += [t for t in sections["outlook"].text if t.startswith("Reasonable settlement range")][:1]
    picks += [t for t in sections["outlook"].text if "baseline" in t and "backtest" in t and t not in picks][:1]
    picks += market_sentences[:2]
    picks += cost_sentences[:2]
    # The range sentence may also be the one about baselines: each sentence is said once.
    return Section("Executive summary", text=list(dict.fromkeys(picks))[:8])
