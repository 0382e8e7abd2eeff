"""What changed since the last run, in words: two briefs' headline figures compared.

:func:`sentences` takes this run's figures (:func:`wagebrief.brief.headlines.figures`) and the
previous brief's (:func:`wagebrief.brief.headlines.baseline`) and says which figure moved, as the
brief shows it ("Comparator first-year mean 3.10% -> 3.25%"), and why when the data says so: the
comparator settlements added, dropped or revised ("2 new settlements: Town of X, ratified
2026-11-20"), a newer CPI-U or ECI. A figure is said to move only when it reads differently at
the brief's own rounding. The cover and the run's index show the same sentences.
"""

from __future__ import annotations

from typing import Any

#: How many settlements a reason names before it counts the rest.
NAMED = 5
FIRST_RUN = "First run: nothing to compare."


def _day(stamp: object) -> str:
    """A manifest time stamp (2026-11-20T06:00:12Z) as its date."""
    return str(stamp or "")[:10] or "an unknown date"


def _pct(x: Any, decimals: int = 2, signed: bool = False) -> str:
    if x is None:
        return "unknown"
    return f"{x:+.{decimals}f}%" if signed else f"{x:.{decimals}f}%"


def _money(x: Any, suppressed: bool = False) -> str:
    if suppressed:
        return "suppressed"
    return "unknown" if x is None else f"${x:,.0f}"


def _names(rows: list[tuple[str, list]], what: str) -> str:
    """ "2 new settlements: Town of X, ratified 2026-11-20; City of Y, ratification date not given" """
    def one(row: list) -> str:
        jurisdiction, ratified = row[0], row[1]
        return f"{jurisdiction}, ratified {ratified}" if ratified else f"{jurisdiction}, ratification date not given"

    named = "; ".join(one(r) for _, r in rows[:NAMED])
    more = f"; and {len(rows) - NAMED} more" if len(rows) > NAMED else ""
    noun = "settlement" if len(rows) == 1 else "settlements"
    return f"{len(rows)} {what} {noun}: {named}{more}"


def _revised(sid: str, old: list, new: list) -> str:
    if old[3] != new[3]:
        return f"{new[0]} ({sid}) first year {_pct(old[3])} -> {_pct(new[3])}"
    return f"{new[0]} ({sid}) ratified {old[1] or 'date not given'} -> {new[1] or 'date not given'}"


def settlement_reasons(old: dict, new: dict, since: int | None = None) -> list[str]:
    """The comparator settlements added, dropped or revised between two runs (``{id: [jurisdiction,
    ratified, term start year, first year]}``), only those beginning in ``since`` or later if given."""
    def keep(rows: dict) -> dict:
        return {k: v for k, v in rows.items() if since is None or (v[2] is not None and v[2] >= since)}

    old, new = keep(old or {}), keep(new or {})
    added = sorted(((k, v) for k, v in new.items() if k not in old), key=lambda kv: (str(kv[1][1]), kv[0]), reverse=True)
    dropped = sorted((k, v) for k, v in old.items() if k not in new)
    revised = [_revised(k, old[k], v) for k, v in sorted(new.items()) if k in old and list(old[k]) != list(v)]
    out = [_names(added, "new")] if added else []
    out += [_names(dropped, "dropped")] if dropped else []
    if revised:
        out.append(f"{len(revised)} revised: " + "; ".join(revised[:NAMED])
                   + (f"; and {len(revised) - NAMED} more" if len(revised) > NAMED else ""))
    return out


def vintage_reasons(old: dict, new: dict) -> dict[str, str]:
    """A newer (or other) CPI-U and ECI, each as its reason: {"cpi": "CPI-U through 2026-09 (was 2026-06)"}."""
    out = {}
    for key, name in (("cpi", "CPI-U"), ("eci", "ECI")):
        a, b = (old or {}).get(key), (new or {}).get(key)
        if a != b and b is not None:
            out[key] = f"{name} through {b} (was {a or 'unknown'})"
    return out


class _Reasons:
    """Reasons said in full the first time, then referred to, so a list names each fact once."""

    def __init__(self) -> None:
        self.said: set[str] = set()

    def __call__(self, line: str, reasons: list[str]) -> str:
        parts = []
        for r in reasons:
            parts.append(r if r not in self.said else f"{r.split(':')[0]} (above)")
            self.said.add(r)
        return f"{line}: {'; '.join(parts)}" if parts else line


def _moves(old: dict, new: dict, why: _Reasons, settled_recent: list[str], settled_all: list[str],
           vint: dict[str, str], as_of: list[str]) -> list[str]:
    out: list[str] = []
    oc, nc = old.get("comparators") or {}, new.get("comparators") or {}
    for key, name in (("first_year_mean", "Comparator first-year mean"), ("first_year_median", "Comparator first-year median")):
        if key in oc and key in nc and _pct(oc[key]) != _pct(nc[key]):
            out.append(why(f"{name} {_pct(oc[key])} -> {_pct(nc[key])}", settled_recent))
    om, nm = old.get("market") or {}, new.get("market") or {}
    for title in nm:
        a, b = om.get(title), nm[title]
        if a is None or a.get("measure") != b.get("measure"):
            continue
        moved = _pct(a["vs_median_pct"], 1, True) != _pct(b["vs_median_pct"], 1, True)
        ranked = (a["rank"], a["out_of"]) != (b["rank"], b["out_of"])
        if moved or ranked:
            line = (f"{title}: {_pct(a['vs_median_pct'], 1, True)} -> {_pct(b['vs_median_pct'], 1, True)} against "
                    f"the comparator median, rank {a['rank']} of {a['out_of']} -> {b['rank']} of {b['out_of']}")
            out.append(why(line, settled_all + as_of))
    ocost, ncost = old.get("costs") or {}, new.get("costs") or {}
    for name, b in ncost.items():
        a = ocost.get(name)
        if a is None:
            continue
        was, now = _money(a["total"], a["suppressed"]), _money(b["total"], b["suppressed"])
        if was != now:
            # The comparator pattern's offer is the settlements' median: new settlements move it.
            out.append(why(f"{b['label']}: cost over the term {was} -> {now}",
                           settled_all if name == "comparator_pattern" else []))
    of, nf = (old.get("forecast") or {}).get("years") or {}, (new.get("forecast") or {}).get("years") or {}
    basis = (new.get("forecast") or {}).get("basis", "fiscal")
    for year, b in nf.items():
        a = of.get(year)
        if a is None:
            continue
        rng = (lambda r: f"{_pct(r[0], 1)} to {_pct(r[2], 1)}")  # noqa: E731
        if rng(a) != rng(b):
            label = f"FY{year}" if basis == "fiscal" else year
            out.append(why(f"Reasonable settlement range {label} {rng(a)} -> {rng(b)}",
                           settled_all + list(vint.values())))
    return out


def sentences(new: dict | None, base: dict) -> list[str]:
    """What changed between the previous brief (``base``, :func:`wagebrief.brief.headlines.baseline`)
    and this one (``new`` headline figures; None when this run has none): one short line each.
    Figures of an unexpected shape (a hand-edited manifest) are said to be unreadable, never raised:
    the cover they go on must render."""
    try:
        return _sentences(new, base)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return [f"The previous brief's headline figures could not be read ({_day((base or {}).get('generated_at'))}): "
                "nothing to compare."]


def _sentences(new: dict | None, base: dict) -> list[str]:
    failed = (f"The last run ({_day(base['failed_at'])}) failed" if base.get("failed_at") else "")
    if base.get("kind") == "first":
        return [f"{failed}; no earlier brief to compare with." if failed else FIRST_RUN]
    since = _day(base.get("generated_at"))
    lead = [f"{failed}; compared with the brief of {since}."] if failed else []
    if base.get("kind") != "figures":  # a run of an older wagebrief
        return lead + [f"The previous brief ({since}) recorded no headline figures: nothing to compare."]
    if not isinstance(new, dict):
        return lead + ["This brief recorded no headline figures: nothing to compare."]
    old = base["headlines"]
    why = _Reasons()
    since_year = (new.get("comparators") or {}).get("since")
    # A part one run could not compute (its section failed) explains nothing: every settlement
    # is not "new" because the last run's list is missing.
    both = (lambda key: isinstance(old.get(key), dict) and isinstance(new.get(key), dict))  # noqa: E731
    used = both("used_settlements")
    recent = settlement_reasons(old["used_settlements"], new["used_settlements"], since_year) if used else []
    every = settlement_reasons(old["used_settlements"], new["used_settlements"]) if used else []
    vint = vintage_reasons(old["vintages"], new["vintages"]) if both("vintages") else {}
    as_of = [f"position as of {new['as_of']} (was {old['as_of']})"] \
        if old.get("as_of") and new.get("as_of") and old["as_of"] != new["as_of"] else []
    out = _moves(old, new, why, recent, every, vint, as_of)
    # Facts that changed although no figure shown moved with them are still news.
    rest = [r for r in every + list(vint.values()) if r not in why.said]
    if rest:
        out.append(("Also: " if out else "No headline figure moved; ") + "; ".join(rest) + ".")
    if not out:
        return lead + [f"No change since {since}."]
    return lead + out
