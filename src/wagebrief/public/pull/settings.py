"""What to pull and from where: base URLs, default series, year ranges, comparators.

Base URLs are module defaults, overridden by ``WAGEBRIEF_BLS_URL`` / ``WAGEBRIEF_QCEW_URL`` /
``WAGEBRIEF_ACS_URL`` and by explicit arguments (tests point them at a local server). Keys come
only from ``BLS_API_KEY`` and ``CENSUS_API_KEY``.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import date

from wagebrief.inputs import gaps, units
from wagebrief.inputs.areas import load_mapping

log = logging.getLogger(__name__)

BASE_URLS = {
    "bls": "https://api.bls.gov/publicAPI/v2/timeseries/data/",
    "qcew": "https://data.bls.gov/cew/data/api",
    "acs": "https://api.census.gov/data",
}
URL_ENV = {"bls": "WAGEBRIEF_BLS_URL", "qcew": "WAGEBRIEF_QCEW_URL", "acs": "WAGEBRIEF_ACS_URL"}
KEY_ENV = {"bls": "BLS_API_KEY", "acs": "CENSUS_API_KEY"}
SOURCES = ("bls", "qcew", "acs")

#: CPI-U, not seasonally adjusted: US city average, Northeast, New England.
CPI_SERIES = ["CUUR0000SA0", "CUUR0100SA0", "CUUR0110SA0"]
#: ECI wages and salaries, state and local government workers: index and 12-month percent change.
ECI_SERIES = ["CIU3020000000000I", "CIU3020000000000A"]
#: Extra CPI series (comma-separated) to pull on top of the defaults and the units' cpi_series.
CPI_SERIES_ENV = "WAGEBRIEF_CPI_SERIES"
#: A BLS series id: capital letters and digits (CUUR0100SA0, CIU3020000000000I). It names the
#: file a reply is stored in, so nothing else (no '/', no '.') may reach a path.
BLS_SERIES_ID = re.compile(r"[A-Z0-9]{3,40}")
#: Wall-clock seconds one request may take (retries and their waits included), and a whole pull.
REQUEST_SECONDS = 300.0
PULL_MAX_SECONDS = 3600.0


def base_url(source: str, override: str | None = None) -> str:
    """The base URL for ``source``: ``override``, else its environment variable, else the default."""
    return (override or os.environ.get(URL_ENV[source]) or BASE_URLS[source]).rstrip("/") + (
        "/" if source == "bls" else ""
    )


def api_key(source: str) -> str | None:
    """The API key for ``source`` from the environment, or None."""
    env = KEY_ENV.get(source)
    value = os.environ.get(env, "").strip() if env else ""
    return value or None


def default_years(source: str, today: date | None = None) -> tuple[int, int]:
    """(start, end) years pulled when none are given.

    BLS: the last ten years including this one (one keyless request). QCEW annual averages for a year appear the following
    September: the five years up to last year. ACS 5-year estimates appear each December for the
    year before last: that year only.
    """
    year = (today or date.today()).year
    if source == "bls":
        return year - 9, year
    if source == "qcew":
        return year - 5, year - 1
    return year - 2, year - 2


@dataclass(frozen=True)
class Comparator:
    """A jurisdiction a unit file names: a comparator, or the unit's own employer."""

    jurisdiction: str
    state: str
    jurisdiction_type: str = ""
    fips: str | None = None
    role: str = "comparator"


def _units(root=None):
    """Every unit file that loads; one that does not is logged and left out, so a bad unit file
    fails its own brief while `wagebrief series` still builds every other unit's tables."""
    out = []
    for name in units.unit_names(root):
        try:  # a comparator whose settlement rows were all rejected is a stated gap, not an error
            out.append(gaps.load_unit(name, root=root)[0])
        except units.UnitError as exc:
            log.warning("unit file left out: %s", exc)
    return out


def comparators_from_units(unit_list=None, root=None) -> list[Comparator]:
    """Every distinct jurisdiction the unit files name: employers and comparators.

    A jurisdiction named in several roles gets them joined (``"employer, comparator"``).
    """
    found: dict[tuple, Comparator] = {}
    for unit in unit_list if unit_list is not None else _units(root):
        emp = getattr(unit, "employer", None)
        named = [(emp, "employer")] if emp is not None else []
        named += [(c, "comparator") for c in getattr(unit, "comparators", []) or []]
        for c, role in named:
            fips = getattr(c, "fips", None)
            comp = Comparator(
                jurisdiction=str(c.jurisdiction),
                state=str(c.state).upper(),
                jurisdiction_type=str(getattr(c, "jurisdiction_type", "") or ""),
                fips=str(fips) if fips not in (None, "") else None,
                role=role,
            )
            key = (comp.jurisdiction.casefold(), comp.state)
            if key in found:
                old = found[key]
                roles = sorted(set(old.role.split(", ")) | {role}, key=("employer", "comparator").index)
                found[key] = Comparator(old.jurisdiction, old.state, old.jurisdiction_type,
                                        old.fips or comp.fips, ", ".join(roles))
            else:
                found[key] = comp
    return list(found.values())


def comparators(explicit: list[Comparator] | None = None, unit_list=None, root=None) -> list[Comparator]:
    """Jurisdictions to pull for: ``explicit`` if given, else the units' (employers and
    comparators), else the demo set in ``pull/areas.yml``."""
    if explicit is not None:
        return list(explicit)
    found = comparators_from_units(unit_list, root)
    if found:
        return found
    log.info("no comparator files found; using the demo jurisdictions in pull/areas.yml")
    return demo_comparators()


def demo_comparators() -> list[Comparator]:
    """Every state and jurisdiction in ``areas.yml``: the demo set used when no unit files exist."""
    m = load_mapping()
    out = [Comparator(m.states[postal].name, postal, "state") for postal in m.demo_states]
    out += [Comparator(name, e.state, e.type) for name, e in m.jurisdictions.items()]
    return out


def cpi_series(unit_list=None, root=None) -> list[str]:
    """CPI series to pull: the defaults, ``$WAGEBRIEF_CPI_SERIES`` and each unit's ``cpi_series``."""
    out = list(CPI_SERIES)
    extra = [s.strip() for s in os.environ.get(CPI_SERIES_ENV, "").split(",") if s.strip()]
    for unit in unit_list if unit_list is not None else _units(root):
        sid = getattr(unit, "cpi_series", None)
        if sid:
            extra.extend([sid] if isinstance(sid, str) else list(sid))
    for sid in extra:
        if sid not in out:
            out.append(sid)
    return out


def check_bls_series(series: list[str]) -> None:
    """Raise ValueError naming every id in ``series`` that is not a BLS series id."""
    bad = [s for s in series if not (isinstance(s, str) and BLS_SERIES_ID.fullmatch(s))]
    if bad:
        raise ValueError(f"not a BLS series id: {', '.join(repr(s) for s in bad)} (capital letters and digits, "
                         f"as CUUR0100SA0); check cpi.series in comparators/*.yml and ${CPI_SERIES_ENV}")


def bls_series(unit_list=None, root=None) -> list[str]:
    """Every BLS series to pull: CPI then ECI."""
    return cpi_series(unit_list, root) + list(ECI_SERIES)
