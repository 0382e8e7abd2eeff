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
        "that calendar year (a contract's first year unknown is left out). Published figures are the "
        "publisher's own, for all of its contracts, and are not in any of the comparators' measures.")


def comparators_by_year(contracts: pd.DataFrame) -> pd.DataFrame:
    """Per calendar year a term began: the comparators' mean first-year increase and its count."""
    c = contracts[contracts["first_year_pct"].notna()]
    g = c.groupby(c["term_start"].dt.year)["first_year_pct"]
    return pd.DataFrame({"mean": g.mean(), "count": g.size()}).rename_axis("year")


def scope(row: dict) -> str:
    """What a published figure covers, in words: "Ohio statewide, teachers, school districts"."""
    parts = [f"{row['state']} statewide"]
    if row["occupation_group"] != "all":
        parts.append(vocab(row["occupation_group"]))
    if row["jurisdiction_type"] != "all":
        parts.append(vocab(row["jurisdiction_type"]))
    return ", ".join(parts)


def matched(data: BriefData, averages: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published rows for the unit's group in years its comparators have contracts, joined
    with the comparators' own figure for the year."""
    averages = published.load(data.root)[0] if averages is None else averages
    ours = comparators_by_year(data.comparator_contracts())
    rows = published.matching(averages, data.unit.occupation_group, ours.index)
    return rows.join(ours, on="year")


def published_table(data: BriefData, averages: pd.DataFrame | None = None) -> Table | None:
    """The comparison table, or None when no published figure matches the unit's group and years."""
    m = matched(data, averages)
    if m.empty:
        return None
    recs = m.to_dict("records")
    df = pd.DataFrame({
        "Year": m["year"].astype(int).to_numpy(),
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
    year = int(m["year"].max())
    recs = m[m["year"] == year].to_dict("records")
    ours = recs[0]
    theirs = "; ".join(
        f"{scope(r)}, " + ("" if pd.isna(r["n_contracts"]) else f"{int(r['n_contracts']):,} contracts, ")
        + f"{pct(r['pct'])} ({r['publisher']}, {published.MEASURE_WORDS[r['measure']]})" for r in recs)
    n = int(ours["count"])
    return (f"Published averages for {year}, beside the comparators' contracts that began that year: your comparators "
            f"{pct(ours['mean'])} ({n} contract{'s' if n != 1 else ''}); {theirs}.")
