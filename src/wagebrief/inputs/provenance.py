"""What each input of a brief is: synthetic demonstration data, your files, or published data.

A brief is labelled from the data it actually used, input by input, never from what else sits
in the same folder: a real unit's settlements read "your files" even while the demo settlement
file is beside them, and its roster still reads "synthetic" if the roster is the demo one.

How an input is known to be synthetic (the way the shipped demo files mark themselves):

* settlements and salary schedules: a used row's ``source`` says SYNTHETIC;
* a roster: a ``source`` or ``notes`` cell says SYNTHETIC, or the unit's proposals file says
  ``synthetic: true`` (data/raw/units/README.md: that is how the demo rosters are marked);
* comparator profiles: a used figure's source is SYNTHETIC (a typed row's ``source``, or a
  pulled file marked ``synthetic=true`` in data/raw/manifest.csv);
* CPI, ECI, ACS and QCEW: the ``synthetic`` flag their tables carry from the manifest;
* the unit file itself: ``synthetic: true``.

Every function here is pure: the brief reads the files and passes the frames in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

SYNTHETIC, YOURS, PUBLISHED, MIXED, NONE = "synthetic", "yours", "published", "mixed", "none"
_WORDS = {SYNTHETIC: "synthetic demonstration data", YOURS: "your files", PUBLISHED: "real published data",
          MIXED: "your files and synthetic demonstration data", NONE: "none used"}


@dataclass(frozen=True)
class InputLabel:
    """One input of a brief, what kind of data it is, and the detail behind the label."""

    input: str  #: "Settlements", "Roster", ...
    kind: str  #: one of synthetic, yours, published, mixed, none
    detail: str = ""

    @property
    def synthetic(self) -> bool:
        """True when some of this input's used data is invented."""
        return self.kind in (SYNTHETIC, MIXED)

    @property
    def text(self) -> str:
        """"Settlements: your files (data/raw/settlements/2026.csv)"."""
        return f"{self.input}: {_WORDS[self.kind]}" + (f" ({self.detail})" if self.detail else "")


def _says_synthetic(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.contains("SYNTHETIC", case=False)


def _files(rows: pd.DataFrame, col: str = "source_file", root: str | None = None) -> str:
    if col not in rows.columns:
        return ""
    prefix = root.rstrip("/") + "/" if root else None
    names = sorted({str(f).removeprefix(prefix) if prefix else str(f) for f in rows[col].dropna() if str(f)})
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def rows_label(name: str, rows: pd.DataFrame | None, what: str = "rows", root: str | None = None) -> InputLabel:
    """Label for row data whose ``source`` column marks invented rows (settlements, salaries);
    file paths are shown relative to ``root``."""
    if rows is None or len(rows) == 0:
        return InputLabel(name, NONE, f"no {what} on file for this unit")
    syn = _says_synthetic(rows["source"]) if "source" in rows.columns else pd.Series(False, index=rows.index)
    files = _files(rows, root=root)
    if syn.all():
        return InputLabel(name, SYNTHETIC, files or f"every {what[:-1]}'s source says SYNTHETIC")
    if syn.any():
        who = sorted(rows.loc[syn, "jurisdiction"].astype(str).unique()) if "jurisdiction" in rows.columns else []
        detail = f"{int(syn.sum())} of {len(rows)} {what} are SYNTHETIC" + (f": {', '.join(who)}" if who else "")
        return InputLabel(name, MIXED, detail + (f"; files {files}" if files else ""))
    return InputLabel(name, YOURS, files)


def used_settlements(events: pd.DataFrame, employer: str, comparators: Sequence[str],
                     group: str | Sequence[str]) -> pd.DataFrame:
    """The settlement rows a unit's brief uses: its comparators' in its occupation group (or
    groups), and its own employer's (every group: they are the internal comparables)."""
    groups = [group] if isinstance(group, str) else list(group)
    j = events["jurisdiction"].astype(str).str.casefold()
    comps = {c.casefold() for c in comparators}
    mask = j.eq(employer.casefold()) | (j.isin(comps) & events["occupation_group"].isin(groups))
    return events[mask]


def used_rows(df: pd.DataFrame | None, jurisdictions: Iterable[str]) -> pd.DataFrame | None:
    """Rows of the employer and comparators only (salary schedules, profiles)."""
    if df is None or len(df) == 0 or "jurisdiction" not in df.columns:
        return df
    keys = {j.casefold() for j in jurisdictions}
    return df[df["jurisdiction"].astype(str).str.casefold().isin(keys)]


def roster_label(path: str, roster: pd.DataFrame | None, proposals_synthetic: bool = False,
                 proposals_where: str = "") -> InputLabel:
    """Label for the unit's roster (``roster`` as read, text cells; None when there is none)."""
    if roster is None:
        return InputLabel("Roster", NONE, f"no roster at {path}")
    if len(roster) == 0:  # `wagebrief new-unit` writes a header-only roster to fill in
        return InputLabel("Roster", NONE, f"{path} has no rows yet")
    cols = [c for c in ("source", "notes") if c in roster.columns]
    own = bool(cols) and bool(roster[cols].apply(_says_synthetic).to_numpy().any())
    if own:
        return InputLabel("Roster", SYNTHETIC, f"{path}: its rows say SYNTHETIC")
    if proposals_synthetic:
        return InputLabel("Roster", SYNTHETIC, f"{path}; {proposals_where or 'the proposals file'} says "
                                               "synthetic: true")
    return InputLabel("Roster", YOURS, path)


def profile_labels(profile: pd.DataFrame | None) -> list[InputLabel]:
    """Labels for the comparator profiles used: the analyst's typed rows, Census ACS and BLS QCEW.

    ``profile`` is the normalised profile (:func:`wagebrief.analysis.comparables.normalise_profile`) of
    the employer and comparators, with ``src_<factor>`` and ``syn_<factor>``.
    """
    if profile is None or len(profile) == 0:
        return [InputLabel("Comparator profiles", NONE, "no profile figures for the employer or comparators")]
    out: list[InputLabel] = []
    typed_syn, typed_real, pulled = [], [], {"ACS": [], "QCEW": []}
    for f, kind in (("population", "ACS"), ("median_hh_income", "ACS"), ("gov_pay", "QCEW")):
        if f"src_{f}" not in profile.columns:
            continue
        org = profile[f"org_{f}"] if f"org_{f}" in profile.columns else pd.Series("pulled", index=profile.index)
        syn_col = profile[f"syn_{f}"] if f"syn_{f}" in profile.columns else pd.Series(False, index=profile.index)
        for src, syn, val, origin in zip(profile[f"src_{f}"], syn_col, profile[f], org):
            if pd.isna(val):
                continue
            if origin == "typed":  # "<source>, <vintage> (<file>:<row>)"
                (typed_syn if syn else typed_real).append(str(src))
            else:
                pulled[kind].append((str(src) or "source not recorded", bool(syn)))
    if typed_real or typed_syn:
        files = sorted({s.rsplit("(", 1)[-1].rsplit(":", 1)[0] for s in typed_real + typed_syn})
        kind = MIXED if typed_real and typed_syn else SYNTHETIC if typed_syn else YOURS
        out.append(InputLabel("Comparator profiles", kind, ", ".join(files)))
    for kind, name in (("ACS", "Census ACS (population, income)"), ("QCEW", "BLS QCEW (government pay)")):
        got = pulled[kind]
        if not got:
            continue
        sources = "; ".join(dict.fromkeys(s for s, _ in got))
        syn = [s for s, flag in got if flag]
        out.append(InputLabel(name, SYNTHETIC if len(syn) == len(got) else MIXED if syn else PUBLISHED,
                              sources))
    return out or [InputLabel("Comparator profiles", NONE, "no profile figures for the employer or comparators")]


def series_label(name: str, synthetic: bool, source: str, through: str = "") -> InputLabel:
    """Label for a public series (CPI-U, ECI) from its synthetic flag and source text."""
    detail = source + (f", through {through}" if through and through != "unknown" else "")
    if not source:
        return InputLabel(name, NONE, "not available")
    return InputLabel(name, SYNTHETIC if synthetic else PUBLISHED, detail)


def unit_label(unit_id: str, synthetic: bool) -> InputLabel:
    """Label for the unit file: a demonstration unit when it says ``synthetic: true``."""
    where = f"comparators/{unit_id}.yml"
    return InputLabel("Unit file", SYNTHETIC, f"{where} says synthetic: true") if synthetic \
        else InputLabel("Unit file", YOURS, where)


def synthetic_inputs(labels: Iterable[InputLabel]) -> list[str]:
    """Names of the inputs whose used data is (partly) invented."""
    return [lab.input for lab in labels if lab.synthetic]


def banner(labels: Sequence[InputLabel]) -> str | None:
    """The SYNTHETIC warning naming which inputs are invented; None when none is."""
    names = synthetic_inputs(labels)
    if not names:
        return None
    return (f"SYNTHETIC DATA: this brief uses invented demonstration figures for {', '.join(names)}. "
            "Do not cite those figures as real.")
