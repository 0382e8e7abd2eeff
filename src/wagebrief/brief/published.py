"""Published averages beside the unit's comparators: "your comparators 3.00% (7 contracts);
Ohio statewide, 141 teacher contracts, 3.24% (Ohio SERB, 2024)"."""

from __future__ import annotations

import pandas as pd

from wagebrief.brief.data import BriefData, pct
from wagebrief.brief.section import Table
from wagebrief.brief.words import vocab
from wagebrief.inputs import published

#: How the comparators' side of the comparison is measured; said under the table.
RULE = ("Comparators: the mean first-year base increase of the comparators' contracts whose term began in "
        "the published figure's year or period (a contract whose first year is unknown is left out). Published "
        "figures are the publisher's own, for all of the contracts it counts, measured as the Published column "
        "says (not always a first-year figure), and are in none of the comparators' measures.")


def scope(row: dict) -> str:
    """What a published figure covers, in words: "Ohio statewide, teachers, school districts"."""
    parts = [f"{row['state']} statewide"]
    if row["occupation_group"] != "all":
        parts.append(vocab(row["occupation_group"]))
    if row["jurisdiction_type"] != "all":
        parts.append(vocab(row["jurisdiction_type"]))
    return ", ".join(parts)


def matched(data: BriefData, averages: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published rows for the unit's groups and kind of employer in periods its comparators
    have contracts in, each with the comparators' own first-year mean and count over the period."""
    averages = published.load(data.root)[0] if averages is None else averages
    c = data.comparator_contracts()
    c = c[c["first_year_pct"].notna()]
    began = c["term_start"].dt.year
    rows = published.matching(averages, data.unit.groups, began.unique(),
                              data.unit.employer.jurisdiction_type).copy()
    inside = [c.loc[began.between(a, b), "first_year_pct"] for a, b in zip(rows["year"], rows["year_end"])]
    rows["mean"] = [s.mean() for s in inside]
    rows["count"] = [len(s) for s in inside]
    return rows


def published_table(data: BriefData, averages: pd.DataFrame | None = None) -> Table | None:
    """The comparison table, or None when no published figure matches the unit's group and years."""
    m = matched(data, averages)
    if m.empty:
        return None
    recs = m.to_dict("records")
    df = pd.DataFrame({
        "Year": m["period"].to_numpy(),
        "Your comparators": [f"{pct(r['mean'])} ({int(r['count'])} contract{'s' if r['count'] != 1 else ''})" for r in recs],
        "Published": [f"{scope(r)}: {published.MEASURE_WORDS[r['measure']]}" for r in recs],
        "Contracts": ["—" if pd.isna(r["n_contracts"]) else f"{int(r['n_contracts']):,}" for r in recs],
        "Figure": [pct(r["pct"]) for r in recs],
        "Source": [f"{r['publisher']}: {r['source']}" for r in recs],
        "Link": [r["source_url"] for r in recs],
    })
    return Table("Published averages beside the comparators", df,
                 "Source: data/raw/reference/published_averages.csv (each row's publisher and link); wagebrief contract metrics.",
                 note=RULE)


def published_sentence(data: BriefData, averages: pd.DataFrame | None = None) -> str | None:
    """One sentence for the newest matching year, e.g. "In 2024: your comparators 3.00% (7
    contracts); OH statewide, teachers, 141 contracts, 3.24% (Ohio SERB)."""
    m = matched(data, averages)
    if m.empty:
        return None
    newest = m["year_end"].max()
    recs = m[m["year_end"] == newest].to_dict("records")
    year = recs[0]["period"]
    ours = recs[0]
    theirs = "; ".join(
        f"{scope(r)}, " + ("" if pd.isna(r["n_contracts"]) else f"{int(r['n_contracts']):,} contracts, ")
        + f"{pct(r['pct'])} ({r['publisher']}, {published.MEASURE_WORDS[r['measure']]})" for r in recs)
    n = int(ours["count"])
    span = "that year" if int(ours["year"]) == int(ours["year_end"]) else "in that period"
    return (f"Published averages for {year}, beside the comparators' contracts that began {span}: your comparators "
            f"{pct(ours['mean'])} ({n} contract{'s' if n != 1 else ''}); {theirs}.")
