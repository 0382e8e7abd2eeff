"""A unit's brief data: what every section is computed from, what each input is, and how
numbers read in the brief's sentences (:func:`pct`, :func:`dollars`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wagebrief.analysis import metrics
from wagebrief.config import paths
from wagebrief.inputs import gaps, provenance, settlements, units


@dataclass
class BriefData:
    """Everything one unit's brief is computed from."""

    unit: units.Unit
    events: pd.DataFrame  #: valid settlement events of every jurisdiction
    contracts: pd.DataFrame  #: contract metrics of every settlement
    root: Path
    from_processed: bool
    notes: list[str] = field(default_factory=list)
    #: per input the brief used, what it is (see :func:`input_labels`); computed once, on demand
    labels: list[provenance.InputLabel] | None = None
    #: the brief's "now": the market position applies every increase known by this date
    #: (None: the market analysis's own default, the unit's latest schedule date)
    as_of: pd.Timestamp | None = None

    @property
    def comparator_names(self) -> list[str]:
        return [c.jurisdiction for c in self.unit.comparators]

    def comparator_events(self) -> pd.DataFrame:
        """Events of the unit's comparators in the unit's occupation group."""
        e = self.events
        return e[e["jurisdiction"].isin(self.comparator_names) & e["occupation_group"].isin(self.unit.groups)]

    def comparator_contracts(self) -> pd.DataFrame:
        c = self.contracts
        return c[c["jurisdiction"].isin(self.comparator_names) & c["occupation_group"].isin(self.unit.groups)]

    def used_settlements(self) -> pd.DataFrame:
        """The settlement rows this brief uses: the comparators' (in the unit's group) and the
        employer's own, never the rest of the folder."""
        u = self.unit
        return provenance.used_settlements(self.events, u.employer.jurisdiction, self.comparator_names,
                                           u.groups)

    @property
    def synthetic(self) -> bool:
        """True when some input the brief used is invented demonstration data."""
        return bool(provenance.synthetic_inputs(input_labels(self)))


def today() -> str:
    """The generation date (UTC, as the cover's time stamp), ISO: the brief's default as-of date."""
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def as_of_date(value: str | dt.date | pd.Timestamp | None) -> pd.Timestamp | None:
    """A brief's as-of parameter as a date: ISO ``YYYY-MM-DD``; empty or None is None.
    ValueError for anything else (a typo must not silently become another date)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return pd.Timestamp(dt.date.fromisoformat(value.strip()))
        except ValueError:
            raise ValueError(f"as_of {value!r} is not a date YYYY-MM-DD") from None
    return pd.Timestamp(value).normalize()


def load(unit: str | units.Unit, root: str | Path | None = None, cycle_year: int | None = None,
         as_of: str | dt.date | pd.Timestamp | None = None) -> BriefData:
    """Load a unit (by id, or one already loaded) and the settlements its brief is built from;
    ``as_of`` (see :func:`as_of_date`) is the date the market position is stated at.

    Reads ``data/processed/settlements.parquet`` when ``wagebrief build`` has made it; otherwise
    validates the raw files on the fly (rejected rows are left out and counted in ``notes``).
    """
    p = paths(root)
    u = unit if isinstance(unit, units.Unit) else units.load(unit, root=p.root)
    if cycle_year and int(cycle_year) != u.cycle_year:
        u = dataclasses.replace(u, cycle_year=int(cycle_year))
    notes: list[str] = []
    if p.settlements.exists():
        events, from_processed = pd.read_parquet(p.settlements), True
    else:
        result = settlements.validate([p.raw_settlements])
        events, from_processed = result.valid, False
        if len(result.rejects):
            notes.append(f"{len(result.rejects)} raw settlement rows were rejected and are not used "
                         "(run `wagebrief build` to see data/processed/rejects.csv).")
    events = gaps.for_unit(events, u)  # same name, other state: not this unit's comparator
    contracts = metrics.contract_metrics(events, u.fiscal_year_start_month)
    return BriefData(u, events, contracts, p.root, from_processed, notes, as_of=as_of_date(as_of))


# --------------------------------------------------------------------------- formatting

def pct(x: float, decimals: int = 2) -> str:
    """2.5 -> '2.50%'; missing -> '—'."""
    return "—" if pd.isna(x) else f"{x:.{decimals}f}%"


def dollars(x: float) -> str:
    """2500 -> '$2,500'; missing -> '—'."""
    return "—" if pd.isna(x) else f"${x:,.0f}"


def settlements_label(data: BriefData) -> provenance.InputLabel:
    """What the settlements this brief uses are, from their own rows' ``source``."""
    return provenance.rows_label("Settlements", data.used_settlements(), "rows", root=str(data.root))


def sources_line(data: BriefData) -> str:
    """The settlements' source line under tables and charts, labelled from the rows used."""
    used = data.used_settlements()
    used = used if len(used) else data.events
    latest = used["ratified_date"].max()
    latest = used["term_start"].max() if pd.isna(latest) else latest
    lab = settlements_label(data)
    kind = {provenance.SYNTHETIC: "SYNTHETIC demo settlements",
            provenance.MIXED: "settlement records, partly SYNTHETIC demo rows,"}.get(lab.kind, "settlement records")
    when = f" (latest ratification {latest:%Y-%m-%d})" if pd.notna(latest) else ""
    return f"Source: {kind} in data/raw/settlements{when}; wagebrief contract metrics."


def input_labels(data: BriefData) -> list[provenance.InputLabel]:
    """Per input the brief used (unit file, settlements, salary schedules, roster, comparator
    profiles, CPI, ECI, ACS, QCEW): synthetic demonstration data, your files, or published data."""
    if data.labels is None:
        data.labels = _input_labels(data)
    return data.labels


def _input_labels(data: BriefData) -> list[provenance.InputLabel]:
    # I/O at the edge: each input is read the way its section reads it, then labelled by
    # provenance's pure functions. A failure labels that input, never stops the cover.
    from wagebrief.analysis import comparables
    from wagebrief.inputs import proposals, roster, salaries
    from wagebrief.public import series

    u, root = data.unit, data.root
    names = [u.employer.jurisdiction, *data.comparator_names]
    out = [provenance.unit_label(u.unit, u.synthetic), settlements_label(data)]
    try:
        sal, _ = salaries.load(root)
        out.append(provenance.rows_label("Salary schedules", provenance.used_rows(sal, names), "rows",
                                         root=str(root)))
    except Exception as exc:
        out.append(provenance.InputLabel("Salary schedules", provenance.NONE, f"unreadable: {exc}"))
    path = roster.roster_path(u.unit, root)
    where = _relative(path, root)
    try:
        prop_syn = bool(proposals.load(u, root).synthetic)
    except Exception:  # no or a bad proposals file: the costing section says so
        prop_syn = False
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None
        if rows is not None:
            rows.columns = [str(c).strip().lower() for c in rows.columns]
        out.append(provenance.roster_label(where, rows, prop_syn,
                                           _relative(proposals.proposals_path(u.unit, root), root)))
    except Exception as exc:  # the costing section reports an unreadable roster in full
        out.append(provenance.InputLabel("Roster", provenance.NONE, f"{where} could not be read: {exc}"))
    out += _fiscal_labels(u, names, root)
    prof, _ = comparables.load_profile(root, u)
    norm = comparables.normalise_profile(prof, u.employer.jurisdiction_type)
    out += provenance.profile_labels(provenance.used_rows(norm, names))
    try:
        cpi = series.cpi_monthly(u.cpi_series, root).dropna(subset=["value"])
        out.append(provenance.series_label(
            f"CPI-U {u.cpi_series}", bool(cpi["synthetic"].any()) if len(cpi) else False,
            str(cpi["vintage"].iloc[-1]) if len(cpi) else ""))
    except Exception as exc:
        out.append(provenance.InputLabel(f"CPI-U {u.cpi_series}", provenance.NONE, f"unavailable: {exc}"))
    try:
        e = series.eci(root).dropna(subset=["index", "pct_12m"], how="all")
        last = e.iloc[-1] if len(e) else None
        out.append(provenance.series_label(
            "ECI (state and local government wages)", bool(e["synthetic"].any()) if len(e) else False,
            str(last["release"]).split(" | ")[0] + (" and other releases" if " | " in str(last["release"]) else "")
            if last is not None else "",
            f"{int(last['year'])}-Q{int(last['quarter'])}" if last is not None else ""))
    except Exception as exc:
        out.append(provenance.InputLabel("ECI (state and local government wages)", provenance.NONE,
                                         f"unavailable: {exc}"))
    return out


def _fiscal_labels(u: units.Unit, names: list[str], root: Path) -> list[provenance.InputLabel]:
    """The municipal fiscal indicators' label, only when some row is the employer's or a comparator's."""
    from wagebrief.inputs import fiscal_indicators

    rows, _ = fiscal_indicators.load(root)
    keys = {fiscal_indicators.town_key(n) for n in names}
    used = rows[rows["municipality"].map(fiscal_indicators.town_key).isin(keys)] if len(rows) else rows
    if not len(used):
        return []
    used = used.assign(jurisdiction=used["municipality"])
    return [provenance.rows_label("Municipal fiscal indicators", used, "rows", root=str(root))]


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def vintages(data: BriefData) -> dict[str, str]:
    """How current the brief's data is: latest settlement, CPI month, ECI quarter."""
    from wagebrief.public import series

    used = data.used_settlements()
    ratified = (used if len(used) else data.events)["ratified_date"].max()
    out = {"settlement": f"{ratified:%Y-%m-%d}" if pd.notna(ratified) else "unknown"}
    try:
        v = series.vintages(root=data.root)
        out.update(cpi=str(v.get("cpi_latest_month", "unknown")), eci=str(v.get("eci_latest_quarter", "unknown")),
                   cpi_source=str(v.get("cpi_source", "")), eci_source=str(v.get("eci_source", "")),
                   profile_source=str(v.get("profile_source", "")))
    except Exception as exc:  # a brief still says what it could not date
        out.update(cpi="unknown", eci="unknown", cpi_source=f"unavailable ({exc})", eci_source="", profile_source="")
    return out

