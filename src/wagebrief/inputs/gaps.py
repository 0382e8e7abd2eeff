"""Comparators whose settlement rows were all rejected: load the unit anyway and say why.

A unit file's comparators are checked against the jurisdictions in the valid settlement data,
so a comparator whose only contract was rejected by ``wagebrief build`` (a typo in one pct, say)
made ``cost``, ``market`` and ``render`` refuse the whole unit as if the name were a typo. The
name is not a typo: its rows are in ``data/processed/rejects.csv``. :func:`load_unit` accepts
such a comparator and returns a warning naming the rejected rows (``file:row``), so the brief
states the gap instead of failing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wagebrief.inputs import units
from wagebrief.config import paths

#: How many rejected rows a warning names before it says "and N more".
MAX_ROWS_NAMED = 5


def rejected_rows(root: str | Path | None = None) -> pd.DataFrame:
    """The rejected settlement rows' jurisdiction, file, row and reason (empty without a build)."""
    p = paths(root)
    cols = ["jurisdiction", "file", "row", "reason"]
    if not p.rejects.is_file():
        return pd.DataFrame(columns=cols)
    df = pd.read_csv(p.rejects, dtype=str, keep_default_na=False, usecols=lambda c: c in cols)
    df = df.reindex(columns=cols, fill_value="")
    df["jurisdiction"] = df["jurisdiction"].str.strip()
    return df[df["jurisdiction"].ne("")].reset_index(drop=True)


def display_path(path: str, root: str | Path | None = None) -> str:
    """``path`` relative to the project root when it is inside it, as analysts know it."""
    try:
        return Path(path).resolve().relative_to(paths(root).root).as_posix()
    except (ValueError, OSError):
        return str(path)


def rejected_only(known: set[str], rejected: pd.DataFrame) -> set[str]:
    """Jurisdictions with rejected rows and no valid row at all."""
    return set(rejected["jurisdiction"]) - set(known)


def warnings_for(unit: units.Unit, known: set[str], rejected: pd.DataFrame,
                 root: str | Path | None = None) -> list[str]:
    """One warning per comparator whose rows were all rejected, naming those rows."""
    out = []
    gone = rejected_only(known, rejected)
    where = display_path(str(unit.path), root) if unit.path else f"comparators/{unit.unit}.yml"
    for name in unit.jurisdictions:
        if name not in gone:
            continue
        rows = rejected[rejected["jurisdiction"].eq(name)]
        named = [f"{display_path(f, root)}:{r} ({reason})" for f, r, reason in
                 rows[["file", "row", "reason"]].head(MAX_ROWS_NAMED).itertuples(index=False)]
        more = f" and {len(rows) - MAX_ROWS_NAMED} more" if len(rows) > MAX_ROWS_NAMED else ""
        out.append(f"{where}: comparator {name!r} has no valid settlement: all {len(rows)} of its rows were "
                   f"rejected by the build ({'; '.join(named)}{more}); it is left out of every figure "
                   "until those rows are fixed (data/processed/rejects.csv)")
    return out


def jurisdiction_states(root: str | Path | None = None) -> dict[str, set[str]]:
    """The states each jurisdiction name has valid settlements in (empty before a build)."""
    p = paths(root)
    if not p.settlements.is_file():
        return {}
    df = pd.read_parquet(p.settlements, columns=["jurisdiction", "state"]).drop_duplicates()
    out: dict[str, set[str]] = {}
    for name, state in df.itertuples(index=False):
        out.setdefault(str(name).strip(), set()).add(str(state))
    return out


def for_unit(events: pd.DataFrame, unit: units.Unit) -> pd.DataFrame:
    """``events`` without the rows that share a name with the unit's employer or a comparator
    but lie in another state (Middletown CT is not Middletown OH); every other row is kept."""
    if "state" not in events.columns or events.empty:
        return events
    states = {unit.employer.jurisdiction.strip().casefold(): unit.employer.state}
    states.update({c.jurisdiction.strip().casefold(): c.state for c in unit.comparators})
    want = events["jurisdiction"].astype(str).str.strip().str.casefold().map(states)
    keep = want.isna() | events["state"].astype(str).eq(want)
    return events if bool(keep.all()) else events[keep.to_numpy()]


def shared_names(unit: units.Unit, states: dict[str, set[str]], root: str | Path | None = None) -> list[str]:
    """A warning for each of the unit's jurisdictions whose name has settlements in another
    state too: those rows are left out of its brief (:func:`for_unit`), and the analyst should
    know they exist."""
    where = display_path(str(unit.path), root) if unit.path else f"comparators/{unit.unit}.yml"
    named = [(unit.employer.jurisdiction, unit.employer.state, "employer")]
    named += [(c.jurisdiction, c.state, "comparator") for c in unit.comparators]
    out = []
    for name, state, role in named:
        others = sorted(states.get(name, set()) - {state})
        if others:
            out.append(f"{where}: {role} {name!r} ({state}) shares its name with settlements in "
                       f"{', '.join(others)}; those are left out of this brief (matched by name and state)")
    return out


def load_unit(name_or_path: str | Path, root: str | Path | None = None) -> tuple[units.Unit, list[str]]:
    """Load a unit as :func:`wagebrief.inputs.units.load` does, except that a comparator whose rows
    were all rejected is accepted with a warning (returned) instead of an error.

    Any other problem in the unit file still raises :class:`wagebrief.inputs.units.UnitError`.
    """
    known = units.known_jurisdictions(root)
    if not known:  # no settlement data yet: units.load skips the check too
        return units.load(name_or_path, root=root), []
    rejected = rejected_rows(root)
    accepted = known | rejected_only(known, rejected)
    u = units.load(name_or_path, root=root, known_jurisdictions=accepted)
    return u, warnings_for(u, known, rejected, root) + shared_names(u, jurisdiction_states(root), root)
