"""The office overview page: ``reports/<cycle>/office.html``, written by ``wagebrief render --all``.

The numbers are :func:`wagebrief.analysis.office.overview`'s; this module turns them into the
plain text cells of ``office.html.j2`` (autoescaped, like the index), links each unit to its
brief of this run, and labels every input real or SYNTHETIC as the briefs do.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from wagebrief import io
from wagebrief.analysis import office as office_mod
from wagebrief.brief import page as brief_page
from wagebrief.brief.words import vocab
from wagebrief.inputs import office as settings_mod
from wagebrief.inputs import units

OFFICE_FILE = "office.html"
SCENARIO_WORDS = {"management": "Management offer", "union": "Union demand", office_mod.GUIDELINE: "Statewide guideline"}


def money(value: float | None, mills: float | None = None) -> str:
    """$1,234.56, with its mills when given: "$1,234.56 (0.159 mills)"; "—" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"${value:,.2f}"
    if mills is not None and not (isinstance(mills, float) and math.isnan(mills)):
        text += f" ({mills:.3f} mills)"
    return text


def _cells(costs, scenario: str, years: list[int], with_mills: bool = True) -> list[str]:
    out = []
    for fy in years:
        r = costs[costs["scenario"].eq(scenario) & costs["fiscal_year"].eq(fy)]
        out.append(money(float(r["total_cost"].iloc[0]), float(r["mills"].iloc[0]) if with_mills else None)
                   if len(r) else "—")
    return out


def _position(row: office_mod.UnitOffice) -> str:
    if row.pct_vs_median is None:
        return "—"
    basis = " (hourly)" if row.measure == "top_hourly" else ""
    shown = round(row.pct_vs_median, 1)  # a -0.04% reads "at", never "0.0% below"
    if shown == 0:
        return f"{row.title}, top step{basis}: at the comparator median"
    side = "above" if shown > 0 else "below"
    return f"{row.title}, top step{basis}: {abs(shown):.1f}% {side} the comparator median"


def _labels(o: office_mod.Office, settings_synthetic: bool) -> tuple[list[str], str | None]:
    kinds: dict[str, dict[bool, list[str]]] = {}
    for r in o.units:
        if r.unit is None:
            continue
        for name, synthetic in r.synthetic.items():
            kinds.setdefault(name, {True: [], False: []})[synthetic].append(r.unit.unit)
    out = []
    for name, by in kinds.items():
        parts = ([f"synthetic demonstration data ({', '.join(by[True])})"] if by[True] else []) + \
                ([f"your files or real published data ({', '.join(by[False])})"] if by[False] else [])
        out.append(f"{name}: " + "; ".join(parts))
    out.append("Office settings (comparators/office/settings.yml or the command line): "
               + ("synthetic demonstration data" if settings_synthetic else "your settings"))
    invented = [n for n, by in kinds.items() if by[True]] + (["office settings"] if settings_synthetic else [])
    banner = (f"SYNTHETIC DATA: this overview uses invented demonstration figures for {', '.join(invented)}. "
              "Do not cite those figures as real.") if invented else None
    return out, banner


def _expires(r: office_mod.UnitOffice) -> str:
    """The unit file's contract_expires, else the term end of the unit's own settlement on file (named)."""
    if r.unit.contract_expires:
        return f"{r.unit.contract_expires:%Y-%m-%d}"
    if r.contract_on_file:
        end, sid = r.contract_on_file
        return f"{end:%Y-%m-%d} (term end of settlement {sid} on file)"
    return "not given"


def context(o: office_mod.Office, *, cycle: int | None, as_of: str, settings_synthetic: bool = False,
            briefs: dict[str, str] | None = None, generated: str | None = None) -> dict:
    """The template's context: every value plain text (the template escapes it)."""
    briefs = briefs or {}
    good = [r for r in o.units if r.unit is not None]
    years = sorted({int(y) for r in good for y in r.costs["fiscal_year"]})
    rows = []
    for r in o.units:
        if r.unit is None:
            rows.append({"name": "(unreadable unit file)", "href": None, "employer": "", "expires": "", "status": "",
                         "position": "—", "management": ["—"] * len(years), "union": ["—"] * len(years),
                         "errors": r.errors})
            continue
        u = r.unit
        rows.append({"name": u.name, "href": briefs.get(u.unit), "employer": u.employer.name,
                     "expires": _expires(r),
                     "status": vocab(u.bargaining_status) if u.bargaining_status else "not given",
                     "position": _position(r), "management": _cells(r.costs, "management", years),
                     "union": _cells(r.costs, "union", years), "errors": r.errors})
    tot = o.totals
    totals = [{"label": "Total, all units", "management": _cells(tot.assign(mills=float("nan")), "management", years),
               "union": _cells(tot.assign(mills=float("nan")), "union", years)}] if len(tot) else []
    g = None
    if o.guideline_pct is not None:
        below = [r.unit.name for r in o.below_target]
        g = {"title": f"A statewide guideline of {o.guideline_pct:g}% a year",
             "rule": (f"A GWI of {o.guideline_pct:g}% at each fiscal-year start of every unit's proposal term (no step "
                      "movements), costed on each unit's roster with the same engine as the briefs (roll-up "
                      f"included); at the end of the term, the unit's headline title against the "
                      f"{_ordinal(o.target_percentile)} percentile of its comparators' projected pay."),
             "rows": [{"name": r.unit.name, "costs": _cells(r.costs, office_mod.GUIDELINE, years),
                       "title": r.title or "—", "below": bool(r.below_target), "against": _against(r, o.target_percentile)}
                      for r in good],
             "totals": [{"label": "Total, all units",
                         "costs": _cells(tot.assign(mills=float("nan")), office_mod.GUIDELINE, years)}] if len(tot) else [],
             "below": ", ".join(below) if below else "none"}
    grand = {r.unit.employer.name: r.unit.net_grand_list for r in good if r.unit.net_grand_list is not None}
    employers = []
    emp = o.employer_totals
    for name, ngl in grand.items():
        for scen in ("management", "union", office_mod.GUIDELINE):
            e = emp[emp["employer"].eq(name)]
            if not e["scenario"].eq(scen).any():
                continue
            employers.append({"employer": name, "label": SCENARIO_WORDS[scen],
                              "grand_list": f"${ngl.amount:,.0f} (FY{ngl.fiscal_year}; {ngl.source})",
                              "costs": _cells(e, scen, years)})
    labels, banner = _labels(o, settings_synthetic)
    settings = (f"Statewide guideline: {o.guideline_pct:g}% a year; target: the {_ordinal(o.target_percentile)} "
                "percentile." if o.guideline_pct is not None else
                "No statewide guideline is set (comparators/office/settings.yml guideline_pct, or --guideline).")
    return {"title": f"Office overview {cycle or ''}".strip(), "as_of": as_of, "settings": settings,
            "generated": generated or f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
            "fiscal_years": years, "units": rows, "totals": totals, "guideline": g, "employers": employers,
            "notes": o.notes, "labels": labels, "banner": banner}


def _against(r: office_mod.UnitOffice, target: int) -> str:
    gap = r.guideline_gap_pct
    if gap is None:
        return "—"
    word = "BELOW" if r.below_target else "at or above"
    return (f"{word} the {_ordinal(target)} percentile: ${r.guideline_value:,.2f} against ${r.target_value:,.2f} "
            f"({gap:+.1f}%)")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def write(cycle_dir: Path, root: Path, names: list[str], *, cycle: int | None, as_of: str,
          guideline_pct: float | None = None, target_percentile: int | None = None,
          briefs: dict[str, str] | None = None) -> Path:
    """Compute the overview and write ``cycle_dir/office.html`` (settings file, overridden by the arguments)."""
    s = settings_mod.load(root)
    g = guideline_pct if guideline_pct is not None else s.guideline_pct
    target = target_percentile if target_percentile is not None else s.target_percentile
    o = office_mod.overview(root, guideline_pct=g, target_percentile=target, as_of=as_of,
                            names=[n for n in names if units.is_unit_id(n)])
    page = brief_page.render("office.html.j2", **context(o, cycle=cycle, as_of=as_of, briefs=briefs,
                                                         settings_synthetic=s.synthetic and guideline_pct is None))
    path = cycle_dir / OFFICE_FILE
    io.write_text(path, page)
    return path
