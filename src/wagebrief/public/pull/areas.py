"""Which QCEW area and which Census geography stand for a comparator jurisdiction, and when.

The mapping lives in ``areas.yml`` beside this module, read and checked by
:mod:`wagebrief.inputs.areas`. Connecticut is the hard case: QCEW and the
ACS moved from its counties to its planning regions in different years, so each geography here
carries the years it is valid for and an ``era`` ("state", "county", "ct_planning_region",
"place", "town") that downstream code compares before putting two years side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wagebrief.inputs.areas import AreaError, JurisdictionArea, load_mapping, state_info
from wagebrief.public.pull.settings import Comparator

COUNTY = "county"
PLANNING_REGION = "ct_planning_region"
STATE = "state"


@dataclass(frozen=True)
class QcewArea:
    """A QCEW area (``area_fips``) and the data years it exists for (None = open-ended)."""

    fips: str
    name: str
    era: str
    first_year: int | None = None
    last_year: int | None = None

    def covers(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


@dataclass(frozen=True)
class AcsGeo:
    """A Census API geography: ``for=<level>:<code>&in=state:<state>[ county:<county>]``."""

    level: str  # "state" | "county" | "place" | "county subdivision"
    state: str
    code: str
    county: str | None = None
    era: str = ""
    first_year: int | None = None
    last_year: int | None = None

    def covers(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )

    @property
    def geoid(self) -> str:
        """State + county + code, as the Census API's own columns concatenate them."""
        if self.level == "state":
            return self.state
        return self.state + (self.county or "") + self.code

    @property
    def in_clause(self) -> str | None:
        if self.level == "state":
            return None
        if self.level == "county subdivision":
            return f"state:{self.state} county:{self.county}"
        return f"state:{self.state}"


@dataclass(frozen=True)
class Area:
    """A comparator resolved to its geographies."""

    jurisdiction: str
    state: str
    jurisdiction_type: str
    qcew: tuple[QcewArea, ...]
    acs: tuple[AcsGeo, ...]

    def qcew_for(self, year: int) -> QcewArea | None:
        return next((a for a in self.qcew if a.covers(year)), None)

    def acs_for(self, year: int) -> AcsGeo | None:
        return next((g for g in self.acs if g.covers(year)), None)


_PREFIX = re.compile(r"^(city|town|state|commonwealth|county|village|borough|township) of\s+", re.I)


def _norm(name: str) -> str:
    name = _PREFIX.sub("", name.strip())
    name = re.sub(r",?\s+(city|town)$", "", name, flags=re.I)
    return " ".join(name.split()).lower()


def era_of(fips: str) -> str:
    """``"state"``, ``"county"`` or ``"ct_planning_region"`` for a QCEW area code."""
    if fips.endswith("000"):
        return STATE
    if fips in load_mapping().ct_planning_regions:
        return PLANNING_REGION
    return COUNTY


def area_name(fips: str) -> str:
    """The name QCEW gives the area ``fips``: a state, a Connecticut county or planning region."""
    m = load_mapping()
    if fips.endswith("000"):
        for info in m.states.values():
            if info.fips == fips[:2]:
                return info.name
    return m.ct_counties.get(fips) or m.ct_planning_regions.get(fips) or fips


def _ct_qcew(county: str | None, region: str | None) -> list[QcewArea]:
    brk = load_mapping().ct_break.qcew_first_planning_region_year
    out = []
    if county:
        out.append(QcewArea(county, area_name(county), COUNTY, None, brk - 1))
    if region:
        out.append(QcewArea(region, area_name(region), PLANNING_REGION, brk, None))
    return out


def _ct_acs_county_level(county: str | None, region: str | None, brk: int) -> list[AcsGeo]:
    out = []
    if county:
        out.append(AcsGeo("county", "09", county[2:], None, COUNTY, None, brk - 1))
    if region:
        out.append(AcsGeo("county", "09", region[2:], None, PLANNING_REGION, brk, None))
    return out


def _town_acs(st: str, cousub: str, county: str | None, region: str | None) -> list[AcsGeo]:
    if st != "09":
        return [AcsGeo("county subdivision", st, cousub, (county or "")[2:] or None, "town")]
    brk = load_mapping().ct_break.acs_first_planning_region_year
    out = []
    if county:
        out.append(AcsGeo("county subdivision", st, cousub, county[2:], COUNTY, None, brk - 1))
    if region:
        out.append(AcsGeo("county subdivision", st, cousub, region[2:], PLANNING_REGION, brk, None))
    return out


def _from_fips(comp: Comparator, st: str, entry: JurisdictionArea | None) -> tuple[list[QcewArea], list[AcsGeo]]:
    """Geographies when the comparator file names a FIPS code: that code decides QCEW's area."""
    fips = comp.fips or ""
    qcew: list[QcewArea] = []
    acs: list[AcsGeo] = []
    if len(fips) == 2:
        return [QcewArea(fips + "000", area_name(fips + "000"), STATE)], [AcsGeo("state", fips, fips, era=STATE)]
    if len(fips) == 5 and st == "09":
        era = era_of(fips)
        county, region = (fips, None) if era == COUNTY else (None, fips)
        qcew = _ct_qcew(county, region)
        brk = load_mapping().ct_break.acs_first_planning_region_year
        if entry and entry.cousub:
            acs = _town_acs(st, entry.cousub, entry.county, entry.planning_region)
        else:
            acs = _ct_acs_county_level(county, region, brk)
    elif len(fips) == 5:
        qcew = [QcewArea(fips, area_name(fips), COUNTY)]
        acs = [AcsGeo("county", st, fips[2:], era=COUNTY)]
    elif len(fips) == 7:
        acs = [AcsGeo("place", st, fips[2:], era="place")]
    elif len(fips) == 10:
        acs = _town_acs(st, fips[5:], st + fips[2:5], None)
    else:
        raise AreaError(f"{comp.jurisdiction}: fips {fips!r} is not 2, 5, 7 or 10 digits")
    if entry and not qcew:
        qcew, _ = _from_entry(entry, st)
    return qcew, acs


def _from_entry(entry: JurisdictionArea, st: str) -> tuple[list[QcewArea], list[AcsGeo]]:
    county, region = entry.county, entry.planning_region
    if st == "09":
        qcew = _ct_qcew(county, region)
    else:
        qcew = [QcewArea(county, area_name(county), COUNTY)] if county else []
    if entry.cousub:
        acs = _town_acs(st, entry.cousub, county, region)
    elif entry.place:
        acs = [AcsGeo("place", st, entry.place, era="place")]
    else:
        acs = []
    return qcew, acs


def resolve(comp: Comparator) -> Area:
    """The QCEW areas and Census geographies for one comparator; raises :class:`AreaError`."""
    info = state_info(comp.state)
    st = info.fips
    kind = (comp.jurisdiction_type or "").lower()
    entry = None
    for name, e in load_mapping().jurisdictions.items():
        if _norm(name) == _norm(comp.jurisdiction) and e.state.upper() == comp.state.upper():
            entry = e
            break
    is_state = kind == "state" or (
        entry is None and _norm(comp.jurisdiction) in {_norm(info.name), comp.state.lower()}
    )
    if comp.fips:
        qcew, acs = _from_fips(comp, st, entry)
    elif is_state:
        qcew, acs = [QcewArea(st + "000", info.name, STATE)], [AcsGeo("state", st, st, era=STATE)]
    elif entry is not None:
        qcew, acs = _from_entry(entry, st)
    else:
        raise AreaError(
            f"{comp.jurisdiction}, {comp.state}: no geography known; add it to "
            "src/wagebrief/public/pull/areas.yml or give a fips in the comparator file"
        )
    return Area(comp.jurisdiction, comp.state.upper(), kind or (entry.type if entry else ""), tuple(qcew), tuple(acs))
