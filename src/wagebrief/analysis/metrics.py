"""Contract metrics following the BLS major-settlement conventions, and aggregates.

Every measure is computed from the valid, typed event rows that :mod:`wagebrief.inputs.settlements`
produces. Percents are in percent units (2.5 means 2.5%). All computations are vectorized or
piecewise closed form over whole tables; nothing walks day by day.

Conventions
-----------
* Base-wage increases are ``gwi_pct`` and ``gwi_flat`` events. A flat raise counts as
  ``amount / reference_salary`` (see :func:`wagebrief.inputs.settlements.derive` for how the
  reference salary treats earlier increases: it is the rate just before the event, as given).
* Increases compound: ``life_of_contract_pct = prod(1 + r) - 1`` over the term's base increases;
  ``first_year_pct`` does the same over ``term_start <= effective_date < term_start + 12 months``.
* ``term_months`` counts whole calendar months from ``term_start`` to the day after ``term_end``.
* Lump sums are never compounded into base.
* A contract whose raises differ by group is measured on its headline schedule only (see
  :mod:`wagebrief.analysis.schedules`): two schedules' raises of one date never compound together.
* A ``reopener`` leaves the wages of the contract year from its effective_date to be bargained
  again: every measure that needs them (life of contract, average annual, the first year when the
  reopener falls in it, the cost from that fiscal year, and the annual increase of that year and
  every later year of the term) is unknown (NaN, never 0), and ``measure_notes`` says so.
* ``cost_by_fiscal_year`` is the budget view: the wage rate is indexed to 1.0 before the contract,
  steps up as each increase takes effect (and stays at its final level after the term), and a
  fiscal year's cost is its average daily rate over the previous fiscal year's, minus 1.
  A fiscal year is named by the calendar year it ends in (FY2025 = July 2024 to June 2025).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from wagebrief.analysis import schedules
from wagebrief.config import DEFAULT_FY_START_MONTH, MIN_PATTERN_COMPARATORS
from wagebrief.fiscal import fiscal_year, month_starts
from wagebrief.inputs.settlements import BASE_EVENTS

KEY = "settlement_id"
HEADER = ["jurisdiction", "state", "jurisdiction_type", "unit", "occupation_group", "settlement_type"]
METRIC_COLUMNS = [
    "settlement_id", "jurisdiction", "unit", "occupation_group", "settlement_type", "term_start",
    "term_end", "term_months", "first_year_pct", "life_of_contract_pct", "avg_annual_pct",
    "lump_sum_total", "lump_sum_pct", "steps_granted", "freeze_months", "retro_months",
    "cost_by_fiscal_year", "measure_notes",
]
REOPENER = "reopener"
PCT_COLUMNS = ["first_year_pct", "life_of_contract_pct", "avg_annual_pct", "lump_sum_pct"]
AGG_STATS = ["count", "mean", "median", "weighted_mean", "min", "max"]


# --------------------------------------------------------------------------- calendar helpers

def whole_months(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole calendar months from ``start`` up to ``end`` (exclusive end date)."""
    months = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    return (months - (end.dt.day < start.dt.day).astype(int)).astype("int64")


def year_of(dates: pd.Series, basis: str = "calendar", start_month: int = DEFAULT_FY_START_MONTH) -> pd.Series:
    """Calendar or fiscal year of each date."""
    if basis == "calendar":
        return dates.dt.year.astype("int64")
    if basis == "fiscal":
        return fiscal_year(dates, start_month)
    raise ValueError(f"basis must be 'calendar' or 'fiscal', not {basis!r}")


# --------------------------------------------------------------------------- per-contract pieces

#: The event columns the measures read; everything else stays behind when events are coded.
_NEEDED = [*HEADER, "ratified_date", "term_start", "term_end", "effective_date", "event", "base_pct",
           "base_pct_note", "lump_dollars", "lump_pct", "employees", "schedule", "source_row"]


def _headline(events: pd.DataFrame) -> pd.DataFrame:
    """The headline schedule's rows (:func:`wagebrief.analysis.schedules.headline`); a frame
    with no schedules passes untouched (no copy: the big tables are read once)."""
    return schedules.headline(events) if schedules.has_schedules(events) else events


def _coded(events: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The columns the measures need, with settlement_id replaced by sorted integer codes, and
    the ids themselves. Every groupby below then hashes small ints instead of a million strings.
    """
    events = _headline(events)
    codes, ids = pd.factorize(events[KEY], sort=True)
    ev = events[[c for c in _NEEDED if c in events.columns]].copy(deep=False)
    ev[KEY] = codes
    return ev, np.asarray(ids, dtype=object)


def _heads(events: pd.DataFrame) -> pd.DataFrame:
    """One row per contract: its descriptive columns and term."""
    # Validation guarantees a settlement's rows agree on these, so its first row speaks for it.
    head = events.drop_duplicates(KEY)[[KEY] + HEADER + ["term_start", "term_end"]].set_index(KEY).sort_index()
    head["employees"] = events.groupby(KEY, sort=True)["employees"].max()
    head["term_months"] = whole_months(head["term_start"], head["term_end"] + pd.Timedelta(days=1))
    if "ratified_date" in events:
        head["ratified_date"] = events.groupby(KEY, sort=True)["ratified_date"].max()
    return head


def retro_months(head: pd.DataFrame) -> pd.Series:
    """Whole months a contract ratified after its term began reaches back (0 when ratified by
    term_start; unknown without a ratified_date): the months retro pay is owed for."""
    ratified = head.get("ratified_date", pd.Series(pd.NaT, index=head.index))
    known = ratified.notna()
    late = known & (ratified > head["term_start"])
    months = pd.Series(np.where(known, 0.0, np.nan), index=head.index)
    if late.any():
        months[late] = whole_months(head.loc[late, "term_start"], ratified[late]).astype(float)
    return months


def _reopened_from(events: pd.DataFrame) -> pd.Series:
    """Per contract with a reopener, the first day of the first year whose wages are reopened."""
    r = events.loc[events["event"].eq(REOPENER), [KEY, "effective_date"]]
    return r.groupby(KEY, sort=True)["effective_date"].min()


def _wage_rows(events: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The base increases (``columns`` of them) and reopeners, a reopener standing for an
    increase of unknown size on its date. From a reopener on, every base increase of the
    contract is unknown too (``reopened`` marks those rows): that year's wages, and with them
    every later level, are to be bargained again."""
    is_reopener = events["event"].eq(REOPENER)
    rows = events.loc[events["event"].isin(BASE_EVENTS) | is_reopener, list(columns)]
    if not is_reopener.any():
        return rows
    since = rows[KEY].map(_reopened_from(events))
    reopened = (rows["effective_date"] >= since).to_numpy()
    rows = rows.assign(base_pct=rows["base_pct"].where(~reopened), reopened=reopened)
    return rows


def _base_events(events: pd.DataFrame) -> pd.DataFrame:
    """Base increases in date order with their compounding factors per contract."""
    base = _wage_rows(events, [KEY, "effective_date", "base_pct", "term_start"])
    base = base.sort_values([KEY, "effective_date"], kind="stable")
    base["factor"] = 1 + base["base_pct"] / 100
    # Once an increase's percent is unknown, every later level is unknown too (cumprod would
    # skip the gap and carry on as if that increase were 0).
    unknown_so_far = base["factor"].isna().groupby(base[KEY], sort=False).cummax()
    base["level_after"] = base.groupby(KEY, sort=False)["factor"].cumprod().where(~unknown_so_far)
    base["step_up"] = base["level_after"] - base["level_after"] / base["factor"]
    return base


def _known(values: pd.Series, keys: pd.Series, how: str = "prod") -> pd.Series:
    """``how`` ("prod" or "sum") of values per key, unknown (NaN) where any value is unknown:
    an unknown part makes the whole unknown rather than understated."""
    g = values.groupby(keys)
    return g.agg(how).where(g.count() == g.size())


def _freeze_months(events: pd.DataFrame, base: pd.DataFrame, head: pd.DataFrame) -> pd.Series:
    """Months each contract's freezes last: from the freeze to the next base increase or term end."""
    freezes = events.loc[events["event"].eq("freeze"), [KEY, "effective_date"]].sort_values("effective_date")
    if freezes.empty:
        return pd.Series(0, index=head.index, dtype="int64")
    nxt = base[[KEY, "effective_date"]].rename(columns={"effective_date": "next_increase"}).sort_values("next_increase")
    joined = pd.merge_asof(freezes, nxt, left_on="effective_date", right_on="next_increase", by=KEY,
                           direction="forward", allow_exact_matches=False)
    end_of_term = joined[KEY].map(head["term_end"]) + pd.Timedelta(days=1)
    until = joined["next_increase"].fillna(end_of_term)
    months = whole_months(joined["effective_date"], until)
    return months.groupby(joined[KEY]).sum().reindex(head.index, fill_value=0).astype("int64")


def fiscal_costs(events: pd.DataFrame, start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """Long table of ``cost_by_fiscal_year``: settlement_id, fiscal_year, cost_pct.

    The average rate over a fiscal year [a, b) is ``1 + sum(step_up * days from max(eff, a) to
    b) / (b - a)`` over the base increases, which is exact for a step-function rate.
    """
    ev, ids = _coded(events)
    out = _fiscal_costs(_heads(ev), _base_events(ev), start_month)
    out[KEY] = ids[out[KEY].to_numpy()]
    return out


def _fiscal_costs(head: pd.DataFrame, base: pd.DataFrame, start_month: int) -> pd.DataFrame:
    # One row per (contract, fiscal year) from the year before the term to the term's last year.
    first = (fiscal_year(head["term_start"], start_month) - 1).to_numpy()
    n = fiscal_year(head["term_end"], start_month).to_numpy() - first + 1
    offset = np.cumsum(n) - n  # each contract's first pair
    codes = head.index.to_numpy()
    pair_key = np.repeat(codes, n)
    fy = np.repeat(first, n) + (np.arange(n.sum()) - np.repeat(offset, n))
    a = month_starts(fy - (start_month != 1), start_month)
    b = month_starts(fy + 1 - (start_month != 1), start_month)
    days = (b - a).astype("timedelta64[D]").astype(float)

    # Spread each base increase over the fiscal years of its contract (no join needed: both
    # tables are in contract order, so positions follow from the counts).
    pos = np.searchsorted(codes, base[KEY].to_numpy())
    reps = n[pos]
    pid = np.repeat(offset[pos], reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
    eff = np.repeat(base["effective_date"].to_numpy(), reps)
    step_up = np.repeat(base["step_up"].to_numpy(), reps)
    start = np.maximum(eff, a[pid])
    days_on = np.clip((b[pid] - start).astype("timedelta64[D]").astype(float), 0, None)
    # An increase of unknown size leaves the years before it known (0 days on there).
    weights = np.where(days_on > 0, step_up * days_on / days[pid], 0.0)
    avg_rate = 1 + np.bincount(pid, weights=weights, minlength=len(fy))

    first_pair = np.zeros(len(fy), dtype=bool)
    first_pair[offset] = True
    prev = np.r_[np.nan, avg_rate[:-1]]
    cost = (avg_rate / prev - 1) * 100
    keep = ~first_pair
    return pd.DataFrame({KEY: pair_key[keep], "fiscal_year": fy[keep], "cost_pct": cost[keep]})


def _cost_dicts(costs: pd.DataFrame, n: int) -> list[dict[str, float]]:
    """One ``{fiscal_year: cost_pct}`` dict per contract code 0..n-1 (costs sorted by code)."""
    keys = costs[KEY].to_numpy()
    years = costs["fiscal_year"].astype(str).tolist()
    vals = costs["cost_pct"].tolist()
    result: list[dict[str, float]] = [{} for _ in range(n)]
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True]).tolist() if len(keys) else [0]
    for s_, e_ in zip(bounds[:-1], bounds[1:]):
        result[keys[s_]] = dict(zip(years[s_:e_], vals[s_:e_]))
    return result


def contract_metrics(events: pd.DataFrame, fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """One row per settlement_id with the BLS-convention measures (see module docstring)."""
    table, costs = contract_tables(events, fy_start_month)
    if table.empty:
        return pd.DataFrame(columns=METRIC_COLUMNS + ["state", "jurisdiction_type", "employees"])
    codes = pd.Index(table[KEY]).get_indexer(costs[KEY])
    ordered = costs.assign(_code=codes).sort_values("_code", kind="stable")
    dicts = _cost_dicts(ordered.assign(**{KEY: ordered["_code"]}), len(table))
    table.insert(METRIC_COLUMNS.index("cost_by_fiscal_year"), "cost_by_fiscal_year", dicts)
    return table


def contract_tables(events: pd.DataFrame, fy_start_month: int = DEFAULT_FY_START_MONTH) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contract metrics without ``cost_by_fiscal_year``, and that measure as a long table
    (settlement_id, fiscal_year, cost_pct): the tidy form ``wagebrief build`` stores."""
    if events.empty:
        cols = [c for c in METRIC_COLUMNS if c != "cost_by_fiscal_year"]
        return (pd.DataFrame(columns=cols + ["state", "jurisdiction_type", "employees"]),
                pd.DataFrame(columns=[KEY, "fiscal_year", "cost_pct"]))
    ev, ids = _coded(events)
    head = _heads(ev)
    base = _base_events(ev)
    life = _known(base["factor"], base[KEY])
    in_first_year = base["effective_date"] < base["term_start"] + pd.DateOffset(years=1)
    first = _known(base.loc[in_first_year, "factor"], base.loc[in_first_year, KEY])

    out = head.copy()
    out["first_year_pct"] = (first.reindex(head.index, fill_value=1.0) - 1) * 100
    out["life_of_contract_pct"] = (life.reindex(head.index, fill_value=1.0) - 1) * 100
    out["avg_annual_pct"] = ((1 + out["life_of_contract_pct"] / 100) ** (12 / out["term_months"]) - 1) * 100

    lumps = ev.loc[ev["event"].eq("lump_sum")]
    # A contract with no lump sum has 0 of each; one whose dollars or percent are unknown, unknown.
    out["lump_sum_total"] = _known(lumps["lump_dollars"], lumps[KEY], "sum").reindex(head.index, fill_value=0.0)
    out["lump_sum_pct"] = _known(lumps["lump_pct"], lumps[KEY], "sum").reindex(head.index, fill_value=0.0)
    out["steps_granted"] = ev.loc[ev["event"].eq("step")].groupby(KEY).size().reindex(head.index, fill_value=0).astype("int64")
    out["freeze_months"] = _freeze_months(ev, base, head)
    out["retro_months"] = retro_months(head)
    costs = _fiscal_costs(head, base, fy_start_month)
    out["measure_notes"] = _measure_notes(ev, base, in_first_year, out, costs, fy_start_month)
    costs[KEY] = ids[costs[KEY].to_numpy()]
    out = out.reset_index()
    out[KEY] = ids[out[KEY].to_numpy()]
    cols = [c for c in METRIC_COLUMNS if c != "cost_by_fiscal_year"]
    return out[cols + [c for c in out.columns if c not in cols]], costs


def _measure_notes(ev: pd.DataFrame, base: pd.DataFrame, in_first_year: pd.Series, out: pd.DataFrame,
                   costs: pd.DataFrame, fy_start_month: int) -> pd.Series:
    """Per contract, why a measure is unknown ("" when every measure is known)."""
    notes = pd.Series("", index=out.index, dtype=object)
    reopened = base["reopened"] if "reopened" in base else pd.Series(False, index=base.index)
    unknown = base["factor"].isna() & ~reopened
    if unknown.any():
        note = ev.loc[base.index[unknown], "base_pct_note"] if "base_pct_note" in ev else pd.Series("its percent is unknown", index=base.index[unknown])
        for key, grp in base[unknown].groupby(KEY, sort=False):
            measures = (["first_year_pct"] if in_first_year[grp.index].any() else []) + ["life_of_contract_pct", "avg_annual_pct"]
            first_fy = int(fiscal_year(grp["effective_date"], fy_start_month).min())
            events = "; ".join(f"the {ev.at[i, 'event']} of {ev.at[i, 'effective_date']:%Y-%m-%d}: {note.get(i) or 'its percent is unknown'}"
                               for i in grp.index)
            notes[key] = f"{', '.join(measures)} and cost from FY{first_fy} unknown ({events})"
    for key, grp in base[reopened].groupby(KEY, sort=False):
        since = grp["effective_date"].min()
        measures = (["first_year_pct"] if in_first_year[grp.index].any() else []) + ["life_of_contract_pct", "avg_annual_pct"]
        first_fy = int(fiscal_year(pd.Series([since]), fy_start_month).iloc[0])
        add = (f"{', '.join(measures)} and cost from FY{first_fy} unknown: wages of the year from "
               f"{since:%Y-%m-%d} are to be reopened")
        notes[key] = f"{notes[key]}; {add}" if notes[key] else add
    lumps = ev["event"].eq("lump_sum")
    for col, add in (("lump_pct", "lump_sum_pct unknown (a lump sum in dollars with no reference_salary)"),
                     ("lump_dollars", "lump_sum_total unknown (a percent lump sum with no reference_salary)")):
        for key in ev.loc[lumps & ev[col].isna(), KEY].unique():
            notes[key] = f"{notes[key]}; {add}" if notes[key] else add
    return notes


# --------------------------------------------------------------------------- annual increases

def annual_increases(events: pd.DataFrame, basis: str = "calendar",
                     fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """Base increase in effect per jurisdiction x occupation group x unit x year.

    Every year a known contract covers gets one row, counted once however many events fall in
    it: the increases effective that year compound, and a covered year with none is 0 (a freeze
    is a zero, not a gap). ``full_year`` is False where known contracts cover only part of the
    year, so a model can leave out a year whose next contract is not yet known.

    A brief asks this of the same events several times (its pattern table, growth chart, models,
    market projection and costing), so small tables' answers are remembered by their content:
    a changed event gives a new answer, and every caller gets its own copy.
    """
    if len(events) > _MEMO_MAX_ROWS:  # a big table is read once (build, metrics); hashing it would only cost
        return annual_increases_by_basis(events, (basis,), fy_start_month)
    key = (_content_key(events), basis, fy_start_month)
    if key not in _ANNUAL_MEMO:
        if len(_ANNUAL_MEMO) >= 32:
            _ANNUAL_MEMO.pop(next(iter(_ANNUAL_MEMO)))
        _ANNUAL_MEMO[key] = annual_increases_by_basis(events, (basis,), fy_start_month)
    return _ANNUAL_MEMO[key].copy()


_MEMO_MAX_ROWS = 50_000
_ANNUAL_MEMO: dict[tuple, pd.DataFrame] = {}


def _content_key(events: pd.DataFrame) -> tuple:
    """A key that changes when any column the measures read changes (values, order or dtype)."""
    cols = [c for c in _NEEDED if c in events.columns]
    digest = hashlib.blake2b(pd.util.hash_pandas_object(events[cols], index=False).to_numpy().tobytes(),
                             digest_size=16).hexdigest()
    return (len(events), tuple(cols), tuple(str(events[c].dtype) for c in cols), digest)


def annual_increases_by_basis(events: pd.DataFrame, bases: Sequence[str] = ("calendar", "fiscal"),
                              fy_start_month: int = DEFAULT_FY_START_MONTH) -> pd.DataFrame:
    """:func:`annual_increases` for several bases, stacked (the ``basis`` column tells them
    apart); the per-contract groundwork is done once for all of them. A contract with schedules
    counts its headline schedule's raises (:mod:`wagebrief.analysis.schedules`)."""
    ev, _ = _coded(events)
    head = _heads(ev)
    # One integer per jurisdiction x group x unit, so the per-year work groups on ints.
    gid = head.groupby(ANNUAL_KEYS, sort=True, dropna=False).ngroup().to_numpy()
    frames = [_annual(ev, head, gid, b, fy_start_month) for b in bases]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


ANNUAL_KEYS = ["jurisdiction", "state", "jurisdiction_type", "occupation_group", "unit"]


def _annual(ev: pd.DataFrame, head: pd.DataFrame, gid: np.ndarray, basis: str, fy_start_month: int) -> pd.DataFrame:
    keys = ANNUAL_KEYS
    y0 = year_of(head["term_start"], basis, fy_start_month).to_numpy()
    y1 = year_of(head["term_end"], basis, fy_start_month).to_numpy()
    n = y1 - y0 + 1
    year = np.repeat(y0, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    shift = int(basis == "fiscal" and fy_start_month != 1)
    month = fy_start_month if basis == "fiscal" else 1
    a, b = month_starts(year - shift, month), month_starts(year + 1 - shift, month)
    lo = np.maximum(np.repeat(head["term_start"].to_numpy(), n), a)
    hi = np.minimum(np.repeat((head["term_end"] + pd.Timedelta(days=1)).to_numpy(), n), b)
    covered = np.clip((hi - lo).astype("timedelta64[D]").astype(float), 0, None) / (b - a).astype("timedelta64[D]").astype(float)
    # gid and year folded into one int64 key: grouping on one int column is the fast path.
    span = 10_000
    cover = pd.DataFrame({"key": np.repeat(gid, n) * span + year, "covered": covered,
                          "employees": np.repeat(head["employees"].to_numpy(), n)})
    reopen = _reopened_from(ev)
    if len(reopen):
        # From a reopened year on, the contract's years are unknown, however they are covered.
        ry = year_of(reopen, basis, fy_start_month).reindex(head.index).to_numpy(dtype=float)
        cover["reopened"] = year >= np.repeat(ry, n)  # NaN (no reopener) compares False
    table = cover.groupby("key", sort=True).agg(
        employees=("employees", "max"), coverage=("covered", "sum"), n_contracts=("covered", "size"))

    wage = _wage_rows(ev, [KEY, "effective_date", "base_pct", "event"])
    contract_gid = pd.Series(gid, index=head.index)
    base = pd.DataFrame({
        "key": contract_gid.reindex(wage[KEY].to_numpy()).to_numpy() * span
        + year_of(wage["effective_date"], basis, fy_start_month).to_numpy(),
        "factor": 1 + wage["base_pct"].to_numpy() / 100,
        "raise": wage["event"].isin(BASE_EVENTS).to_numpy(),  # a reopener is no increase
    })
    bg = base.groupby("key", sort=True)["factor"]
    # A year with an increase of unknown size has an unknown increase, never a smaller one.
    known = (bg.count() == bg.size()).reindex(table.index, fill_value=True)
    if len(reopen):
        known &= ~cover.groupby("key", sort=True)["reopened"].any().reindex(table.index, fill_value=False)
    table["increase_pct"] = ((bg.prod().reindex(table.index, fill_value=1.0) - 1) * 100).where(known)
    table["n_increases"] = base.groupby("key", sort=True)["raise"].sum().reindex(table.index, fill_value=0).astype("int64")
    table["full_year"] = table["coverage"] >= 0.999
    # What a pattern or a model may use: a year fully covered, or with an increase in it, whose
    # size is known.
    table["known"] = (table["full_year"] | (table["n_increases"] > 0)) & table["increase_pct"].notna()
    table["basis"] = basis
    table = table.reset_index()
    table["year"] = table["key"] % span
    labels = head[keys].assign(gid=gid).drop_duplicates("gid").set_index("gid")
    table = labels.reindex(table["key"] // span).reset_index(drop=True).join(table.drop(columns="key"))
    return table[keys + ["year", "basis", "increase_pct", "n_increases", "employees", "full_year", "known", "n_contracts"]]


# --------------------------------------------------------------------------- aggregates

def aggregate(df: pd.DataFrame, value: str, by: Sequence[str] | str, weight: str = "employees") -> pd.DataFrame:
    """count, mean, median, employee-weighted mean, min and max of ``value`` within groups."""
    by = [by] if isinstance(by, str) else list(by)
    d = df[by + [value, weight]].copy()
    d = d[d[value].notna()]
    w = d[weight].where(d[weight] > 0)
    d["_wv"] = d[value] * w
    d["_w"] = w.where(d["_wv"].notna())
    g = d.groupby(by, sort=True, dropna=False)
    out = g[value].agg(["count", "mean", "median", "min", "max"])
    out["weighted_mean"] = g["_wv"].sum(min_count=1) / g["_w"].sum(min_count=1)
    return out[AGG_STATS].reset_index()


def pattern_by_year(events: pd.DataFrame, basis: str = "calendar", fy_start_month: int = DEFAULT_FY_START_MONTH,
                    by: Sequence[str] = ()) -> pd.DataFrame:
    """The settlement pattern: base increases in effect per year, aggregated across jurisdictions.

    A year that known contracts cover only in part, with no increase in that part, is left out:
    its increase is unknown (the next contract may still raise it), not zero.
    """
    annual = annual_increases(events, basis, fy_start_month)
    annual = annual[annual["known"]]
    return aggregate(annual, "increase_pct", list(by) + ["year"])


PATTERN_COLUMNS = ["year", *AGG_STATS, "provisional", "pattern_pct", "from_year", "carried_forward"]


def comparator_pattern(events: pd.DataFrame, years: Sequence[int] = (), basis: str = "fiscal",
                       fy_start_month: int = DEFAULT_FY_START_MONTH,
                       min_comparators: int = MIN_PATTERN_COMPARATORS) -> pd.DataFrame:
    """The comparator pattern by year: the one definition every section and the costing use.

    A year's statistics are :func:`pattern_by_year`'s over ``events`` (the comparators' rows:
    each one's known base increases in effect that year, compounded, counted once). The
    pattern (``pattern_pct``) is that year's median when at least ``min_comparators`` are
    settled; a year with fewer is ``provisional`` and, like every year in ``years`` past the
    last one known, takes the median of the latest earlier year that has enough
    (``from_year``, ``carried_forward``), or none if there is no such year. A thin year never
    enters the pattern with its own few settlements: two or three contracts would set it.
    """
    pat = pattern_by_year(events, basis, fy_start_month).set_index("year")
    idx = pd.Index(sorted(set(pat.index.astype(int)) | {int(y) for y in years}), name="year")
    t = pat.reindex(idx)
    t["count"] = t["count"].fillna(0).astype("int64")
    t["provisional"] = t["count"] < min_comparators
    full_year = pd.Series(np.where(t["provisional"], np.nan, idx.to_numpy(dtype=float)), index=idx).ffill()
    t["pattern_pct"] = full_year.map(t["median"]).astype(float)
    t["from_year"] = full_year.astype("Int64")
    t["carried_forward"] = t["provisional"] & full_year.notna()
    return t.reset_index()[PATTERN_COLUMNS]


def aggregate_contracts(contracts: pd.DataFrame, by: Sequence[str] | str = "occupation_group",
                        measures: Sequence[str] = ("first_year_pct", "avg_annual_pct", "life_of_contract_pct")) -> pd.DataFrame:
    """Aggregate contract measures within groups, one block of statistics per measure."""
    frames = []
    for m in measures:
        t = aggregate(contracts, m, by)
        t.insert(len([by] if isinstance(by, str) else by), "measure", m)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- output

def to_records(metrics: pd.DataFrame) -> list[dict]:
    """Metrics as JSON-ready dicts at full precision (dates ISO, NaN as null)."""
    out = metrics[METRIC_COLUMNS].copy()
    for c in ("term_start", "term_end"):  # to_datetime: an empty table's columns are untyped
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    records = out.to_dict("records")
    for r in records:
        for k, v in r.items():
            if isinstance(v, float) and not np.isfinite(v):
                r[k] = None
            elif isinstance(v, np.integer):
                r[k] = int(v)
            elif isinstance(v, dict):  # cost_by_fiscal_year: an unknown year is null too
                r[k] = {y: (c if np.isfinite(c) else None) for y, c in v.items()}
    return records


def to_table(metrics: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """Metrics for a table or CSV: percents rounded, fiscal costs as ``FY2025=1.234`` pairs."""
    out = metrics[METRIC_COLUMNS].copy()
    for c in PCT_COLUMNS + ["lump_sum_total"]:
        out[c] = out[c].round(decimals if c != "lump_sum_total" else 2)
    out["cost_by_fiscal_year"] = out["cost_by_fiscal_year"].map(
        lambda d: " ".join(f"FY{k}={v:.{decimals}f}" if np.isfinite(v) else f"FY{k}=unknown" for k, v in d.items()))
    for c in ("term_start", "term_end"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out
