"""The settlements' non-wage terms in words and tables: what the comparators' packages hold
besides base wages (premium share, pension, hours, stipends, reopeners, retroactivity, the costs
the sources state), which schedule a contract's figures describe, and the unit against its
comparators on premium share and pension contribution (the overall-compensation factor).

The numbers are :mod:`wagebrief.analysis.package`'s and :mod:`wagebrief.analysis.schedules`';
this module only words and formats them. Every term row carries its settlement's source and link.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from wagebrief.analysis import package, schedules

#: How a term kind reads in a table.
TERM_NAMES = {
    "premium_share": "Health premium share (employee)", "health_plan": "Health plan",
    "pension_contribution": "Pension contribution (employee)", "hours_change": "Hours",
    "stipend": "Stipend", "step_change": "Steps", "longevity": "Longevity", "holidays": "Holidays",
    "reopener": "Wage reopener", "retroactivity": "Retroactivity", "stated_total": "Stated total (the source's)",
    "parity": "Parity clause", "other": "Other term",
}
TERMS_COLUMNS = ["Jurisdiction", "Contract", "Term", "Effective", "Value", "Detail", "Source", "Link"]
COST_COLUMNS = ["Jurisdiction", "Contract", "Amount", "Period", "What it covers (who stated it)", "Source", "Link"]
TERMS_NOTE = ("Each term as the source states it. A premium share or pension contribution holds from its date; its "
              "change is from the first value the contract states to the last (the level before the contract is "
              "unknown unless stated). An hours change raises pay by the percent shown but is not a general wage "
              "increase: it is in no base-increase figure. A reopener leaves that year's wages, and every measure "
              "that needs them, unknown. Retroactivity is the months between the term's start and ratification, "
              "shown for contracts whose package is recorded.")
COST_NOTE = ("Costs as the sources report them, cited: what each covers and who stated it is the source's. They are "
             "not wagebrief's costing and are never combined with it.")


def _num(x: float) -> str:
    """12 -> '12', 17.5 -> '17.5', 1.199999 -> '1.2': as typed, without float noise."""
    return f"{round(float(x), 4):g}"


def _money(x: float) -> str:
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def _amount(r: dict) -> str:
    """An amount or percent of pay as given: "$1,200 a year", "$0.50 an hour", "2% of pay"."""
    parts = []
    if pd.notna(r.get("amount")):
        per = {"hour": " an hour", "year": " a year"}.get(str(r.get("amount_per")), "")
        parts.append(_money(r["amount"]) + per)
    if pd.notna(r.get("pct")):
        parts.append(f"{_num(r['pct'])}% of pay")
    return " or ".join(parts)


def points(x: float) -> str:
    """A change in percentage points, signed: '+1.5 points'; missing '—'."""
    if pd.isna(x):
        return "—"
    v = round(float(x), 2)
    return f"{v:+g} point{'' if abs(v) == 1 else 's'}"


def term_value(r: dict, change: float | None = None) -> str:
    """One term's value in words; ``change`` (points) is appended to a level's last value."""
    kind = r["term"]
    if kind in package.LEVEL_EVENTS:
        text = f"{_num(r['pct'])}%" if pd.notna(r.get("pct")) else "—"
        return text + (f" ({points(change)} over the term)" if change is not None and pd.notna(change) else "")
    if kind == "hours_change":
        pct = r.get("hours_pct")
        if pd.isna(pct) and pd.notna(r.get("hours_before")) and r.get("hours_before"):
            pct = (r["hours_per_week"] / r["hours_before"] - 1) * 100
        return (f"{_num(r['hours_before'])} to {_num(r['hours_per_week'])} hours a week: "
                f"{'—' if pd.isna(pct) else f'{pct:+.2f}%'} of pay (not a wage increase)")
    if kind in ("step_change",):
        return "—" if pd.isna(r.get("count")) else f"{int(r['count']):+d} step{'s' if abs(r['count']) != 1 else ''}"
    if kind == "holidays":
        if pd.isna(r.get("count")):
            return "—"
        n = int(r["count"])
        return f"{n} added" if n > 0 else f"{-n} given up"
    if kind == "reopener":
        return f"wages from {r['effective_date']:%Y-%m-%d} to be bargained again"
    if kind == "retroactivity":
        months = "—" if pd.isna(r.get("retro_months")) else f"{r['retro_months']:.0f} months"
        return months + (f"; {_money(r['amount'])} paid" if pd.notna(r.get("amount")) else "")
    if kind == "stated_total":
        return f"{_num(r['pct'])}% as stated (not a wagebrief measure)" if pd.notna(r.get("pct")) else "—"
    return _amount(r) or "in words (see detail)"


def _contract(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%Y-%m} to {end:%Y-%m}"


def _link(url) -> str:
    return url if isinstance(url, str) else ""


def _detail(r: dict) -> str:
    detail = r.get("detail") if isinstance(r.get("detail"), str) else ""
    if isinstance(r.get("schedule"), str):
        return f"schedule '{r['schedule']}'" + (f": {detail}" if detail else "")
    return detail


def terms_table(events: pd.DataFrame) -> pd.DataFrame:
    """The non-wage terms of ``events``' settlements (official costs apart), one row a term,
    with the retroactivity of every settlement whose package is recorded; jurisdictions in name
    order, each contract's terms in order, each row with its source and link."""
    table = package.package_table(events)
    # Official costs have their own table; a stated total is the source's sum of the raises, kept
    # in the appendix beside the compounded figure the brief shows, never in the body as a term.
    table = table[~table["term"].isin(["official_cost", "stated_total"])]
    if table.empty:
        return pd.DataFrame(columns=TERMS_COLUMNS)
    changes = {kind: package.level_change(events, kind).set_index(package.KEY) for kind in package.LEVEL_EVENTS}
    last = {kind: set(zip(c.index, c["last_date"])) for kind, c in changes.items()}
    measured = schedules.measured_schedules(events)
    recs: list[dict] = []
    for r in table[table["term"].ne("retro_pay")].to_dict("records"):
        change = None
        # The change over the term stands beside the last value of the schedule it is read on.
        on_headline = pd.isna(r.get("schedule")) or r["schedule"] == measured.get(r[package.KEY])
        if r["term"] in package.LEVEL_EVENTS and on_headline and (r[package.KEY], r["effective_date"]) in last[r["term"]]:
            change = changes[r["term"]].at[r[package.KEY], "change_pts"]
        recs.append(_row(r, term_value(r, change), _detail(r)))
    # Retroactivity: derived from the dates, with how it was paid where a row says.
    recorded = table[package.KEY].unique()
    retro = package.retro(events[events[package.KEY].isin(recorded)]).set_index(package.KEY)
    paid = table[table["term"].eq("retro_pay")]
    heads = table.drop_duplicates(package.KEY).set_index(package.KEY)
    for sid, r in retro.iterrows():
        if not (r["retro_months"] > 0 or sid in set(paid[package.KEY])):
            continue
        h = heads.loc[sid].to_dict() | {package.KEY: sid, "term": "retroactivity", "retro_months": r["retro_months"],
                                         "amount": r["retro_amount"], "schedule": None,
                                         "effective_date": r["ratified_date"]}
        how = f"paid: {r['retro_paid']}" if isinstance(r["retro_paid"], str) else "how it was paid: not stated"
        recs.append(_row(h, term_value(h), how))
    out = pd.DataFrame(recs, columns=["_sid", "_k", *TERMS_COLUMNS])
    order = {k: i for i, k in enumerate(TERM_NAMES)}
    out["_k"] = out["_k"].map(order)
    out = out.sort_values(["Jurisdiction", "Contract", "_sid", "_k", "Effective"], kind="stable")
    return out[TERMS_COLUMNS].reset_index(drop=True)


def _row(r: dict, value: str, detail: str) -> dict:
    eff = r.get("effective_date")
    return {"_sid": r[package.KEY], "_k": r["term"], "Jurisdiction": r["jurisdiction"],
            "Contract": _contract(r["term_start"], r["term_end"]), "Term": TERM_NAMES.get(r["term"], r["term"]),
            "Effective": f"{eff:%Y-%m-%d}" if pd.notna(eff) else "—", "Value": value, "Detail": detail,
            "Source": str(r["source"]), "Link": _link(r.get("source_url"))}


def official_cost_table(events: pd.DataFrame) -> pd.DataFrame:
    """The costs the sources state, one row each, cited (never wagebrief's costing)."""
    t = package.package_table(events)
    t = t[t["term"].eq("official_cost")]
    return pd.DataFrame({
        "Jurisdiction": t["jurisdiction"],
        "Contract": [_contract(a, b) for a, b in zip(t["term_start"], t["term_end"])],
        "Amount": [_money(a) if pd.notna(a) else "—" for a in t["amount"]],
        "Period": t["period"].fillna("—").astype(str),
        "What it covers (who stated it)": t["detail"].fillna("—").astype(str),
        "Source": t["source"].astype(str), "Link": [_link(u) for u in t["source_url"]],
    }, columns=COST_COLUMNS).sort_values(["Jurisdiction", "Contract"], kind="stable").reset_index(drop=True)


def schedule_lines(events: pd.DataFrame) -> list[str]:
    """Per contract with schedules, which schedule its figures describe and the others."""
    measured = schedules.measured_schedules(events)
    if measured.empty:
        return []
    others = schedules.other_schedules(events)
    heads = events.drop_duplicates(package.KEY).set_index(package.KEY)
    out = []
    for sid in sorted(measured.index, key=lambda s: (heads.at[s, "jurisdiction"], heads.at[s, "term_start"], s)):
        rest = others.get(sid) or []
        quoted = ", ".join(f"'{o}'" for o in rest)
        tail = f"; other schedules: {quoted}" if rest else ""
        which = ("the general increase for everyone (the schedules' own raises are apart)"
                 if measured[sid] == schedules.EVERYONE else f"the schedule '{measured[sid]}'")
        out.append(f"{heads.at[sid, 'jurisdiction']} {heads.at[sid, 'term_start']:%Y-%m}: figures for {which}{tail}.")
    return out


SCHEDULE_RULE = ("A contract whose raises differ by group is one settlement with several schedules; its figures "
                 "(the contracts table, the pattern, the growth chart) describe the general increase when the record "
                 "gives one for everyone and the groups' raises only add to it (shown apart), else the schedule named 'all', "
                 "else the first the record lists, and never mix two schedules' raises.")


# --------------------------------------------------------------------------- the unit against its comparators

def _latest_levels(events: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per jurisdiction, the latest contract stating ``kind``: its last value, date and change."""
    ch = package.level_change(events, kind)
    if ch.empty:
        return pd.DataFrame(columns=["jurisdiction", "last_pct", "last_date", "change_pts"])
    ch = ch.sort_values(["jurisdiction", "term_start", "last_date"], kind="stable").drop_duplicates("jurisdiction", keep="last")
    return ch[["jurisdiction", "last_pct", "last_date", "change_pts"]]


def _rows_of(events: pd.DataFrame, names: Iterable[str], group: str) -> pd.DataFrame:
    keys = {n.casefold() for n in names}
    return events[events["jurisdiction"].str.casefold().isin(keys) & events["occupation_group"].eq(group)]


def benefit_comparison(events: pd.DataFrame, unit) -> tuple[pd.DataFrame, list[str]]:
    """The unit against its comparators on employee premium share and pension contribution (the
    latest value each jurisdiction's latest contract states, and its change over that term), and
    the sentences stating the gaps in the evidence. The unit's own values are its employer's own
    settlements in its occupation group, as the internal comparables are found."""
    comps = list(unit.jurisdictions)
    cev = _rows_of(events, comps, unit.occupation_group)
    own = _rows_of(events, [unit.employer.jurisdiction], unit.occupation_group)
    label = f"{unit.employer.jurisdiction} (this unit)"
    what = {"premium_share": ("Premium share", "a premium share"),
            "pension_contribution": ("Pension contribution", "a pension contribution")}
    table = pd.DataFrame({"Jurisdiction": [label, *comps]})
    text: list[str] = []
    counts = []
    for kind, (col, words) in what.items():
        lv = pd.concat([_latest_levels(own, kind).assign(jurisdiction=label), _latest_levels(cev, kind)])
        lv["key"] = lv["jurisdiction"].str.casefold()
        by = lv.set_index("key")
        keys = table["Jurisdiction"].str.casefold()
        table[f"{col} %"] = keys.map(by["last_pct"]).astype(float)
        table[f"{col} from"] = keys.map(pd.to_datetime(by["last_date"]).dt.strftime("%Y-%m-%d"))
        table[f"{col} change (points)"] = keys.map(by["change_pts"]).astype(float)
        k = int(table[f"{col} %"].iloc[1:].notna().sum())
        counts.append((k, words))
        med = table[f"{col} %"].iloc[1:].median()
        mine = table[f"{col} %"].iloc[0]
        if pd.notna(mine):
            cmp = (f", against a comparator median of {_num(med)}% ({points(mine - med).replace(' points', '')} "
                   "points)" if pd.notna(med) else "")
            text.append(f"The unit's own settlements state {words} of {_num(mine)}% from "
                        f"{table[f'{col} from'].iloc[0]}{cmp}.")
        else:
            text.append(f"The unit's own settlements in the data state no {words.split(' ', 1)[1]}.")
    n = len(comps)

    def stated(k: int, words: str) -> str:
        return f"none states {words}" if k == 0 else f"{k} of {n} comparators state {words}"

    gap = "; ".join(stated(k, w) for k, w in counts)
    text.insert(0, gap[0].upper() + gap[1:] + ".")
    med = {"Jurisdiction": "Comparator median"}
    for kind, (col, _) in what.items():
        med |= {f"{col} %": table[f"{col} %"].iloc[1:].median(), f"{col} from": None,
                f"{col} change (points)": table[f"{col} change (points)"].iloc[1:].median()}
    table = pd.concat([table, pd.DataFrame([med])], ignore_index=True)
    return table, text


BENEFIT_FORMATS = {"Premium share %": "{:g}%", "Pension contribution %": "{:g}%",
                   "Premium share change (points)": "{:+g}", "Pension contribution change (points)": "{:+g}"}
