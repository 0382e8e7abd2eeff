"""Totals as sources state them. Officials often add a contract's raises ("9.2%" for 3%, 3% and
3.2%) where compounding gives 9.52%; wagebrief shows its own compounded figure and keeps the
source's beside it, saying which rule the source's figure follows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wagebrief.inputs.settlements import BASE_EVENTS

#: A stated figure within this many points of a rule is taken to follow it (sources round to 0.1).
TOLERANCE = 0.05
KEY = "settlement_id"


def stated_totals(events: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Per settlement with a ``stated_total`` row: the source's figure, the raises added, the
    compounded life-of-contract increase (from ``contracts``, wagebrief's metric) and which of
    the two the source's figure matches: "added", "compounded", "both" (equal to 0.05 points),
    "neither", or "unknown" when a raise's percent is unknown."""
    cols = [KEY, "jurisdiction", "term_start", "term_end", "stated_pct", "added_pct", "compounded_pct", "matches",
            "detail", "source", "source_url"]
    st = events[events["event"].eq("stated_total")]
    if st.empty:
        return pd.DataFrame(columns=cols)
    st = st.drop_duplicates(KEY, keep="first")
    base = events[events["event"].isin(BASE_EVENTS) & events[KEY].isin(st[KEY])]
    # A sum with an unknown raise is unknown, never the sum of the known ones.
    added = base.groupby(KEY)["base_pct"].agg(lambda s: s.sum() if s.notna().all() else np.nan)
    life = contracts.drop_duplicates(KEY).set_index(KEY)["life_of_contract_pct"]
    out = pd.DataFrame({
        KEY: st[KEY].to_numpy(),
        "jurisdiction": st["jurisdiction"].to_numpy(),
        "term_start": st["term_start"].to_numpy(),
        "term_end": st["term_end"].to_numpy(),
        "stated_pct": st["pct"].to_numpy(dtype=float),
    })
    out["added_pct"] = out[KEY].map(added).astype(float)
    out["compounded_pct"] = out[KEY].map(life).astype(float)
    out["matches"] = [_rule(s, a, c) for s, a, c in zip(out["stated_pct"], out["added_pct"], out["compounded_pct"])]
    detail = st["detail"] if "detail" in st else pd.Series(pd.NA, index=st.index)
    out["detail"] = detail.to_numpy()
    out["source"] = st["source"].to_numpy()
    out["source_url"] = st["source_url"].to_numpy()
    return out[cols].sort_values(["term_start", "jurisdiction"], ascending=[False, True]).reset_index(drop=True)


def _rule(stated: float, added: float, compounded: float) -> str:
    if pd.isna(added) or pd.isna(compounded):
        return "unknown"
    a, c = abs(stated - added) <= TOLERANCE, abs(stated - compounded) <= TOLERANCE
    return "both" if a and c else "added" if a else "compounded" if c else "neither"
