"""The area mapping file, ``pull/areas.yml``: the states and jurisdictions the pull can place.

The file is typed by hand (an analyst adds a town to it), so it is read through the pydantic model
:class:`AreasFile`: an unknown or misspelt key, a missing field or an unquoted code is an
:class:`AreasFileError` naming the file and the field, as for the unit and proposals files.
Which QCEW area and Census geography stand for a comparator, and when, is decided from it by
:mod:`wagebrief.public.pull.areas`; the state table is here because input checks need it too
(:mod:`wagebrief.inputs.profiles` checks that a typed FIPS code lies in its row's state).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError, model_validator

from wagebrief.inputs import safeyaml
from wagebrief.inputs.textsafe import quote
from wagebrief.inputs.units import State
from wagebrief.inputs.yamlschema import STRICT, Text, fail, problems, whole

#: The file stays beside the pull that it configures, where the docs and messages name it; it is
#: located as package data, so reading it imports nothing from :mod:`wagebrief.public`.
AREAS_FILE = Path(str(files("wagebrief") / "public" / "pull" / "areas.yml"))


class AreaError(ValueError):
    """A comparator that cannot be placed on a QCEW area or Census geography."""


class AreasFileError(ValueError):
    """An area mapping file that cannot be read or does not match :class:`AreasFile`."""


def code(*lengths: int) -> Any:
    """A code of ``lengths`` digits written as a quoted string (FIPS codes keep their leading zeros)."""
    sizes = " or ".join(str(n) for n in lengths)

    def check(value: Any) -> str:
        if not (isinstance(value, str) and value.isdigit() and len(value) in lengths):
            # Unquoted YAML numbers lose leading zeros ("09001" -> 9001), so codes must be quoted.
            raise fail(f"expected a quoted code of {sizes} digits, got {quote(value)}")
        return value

    pattern = "|".join(f"[0-9]{{{n}}}" for n in lengths)
    return Annotated[str, Field(pattern=f"^({pattern})$"), BeforeValidator(check)]


StateFips = code(2)
CountyFips = code(5)


class CtBreak(BaseModel):
    """The first data years Connecticut's planning regions replace its counties."""

    model_config = STRICT
    qcew_first_planning_region_year: whole(2000, 2100) = Field(description="First QCEW year by planning region.")
    acs_first_planning_region_year: whole(2000, 2100) = Field(description="First ACS 5-year vintage by planning region.")


class StateInfo(BaseModel):
    """A state: its FIPS code and its name."""

    model_config = STRICT
    fips: StateFips = Field(description='State FIPS code, quoted ("09").')
    name: Text = Field(description="The state's name, as QCEW and the brief name its statewide area.")


class JurisdictionArea(BaseModel):
    """A sub-state jurisdiction and the geographies QCEW and the Census publish it under."""

    model_config = STRICT
    state: State = Field(description="Two-letter state code; a key of `states`.")
    type: Text = Field("", description="Kind of jurisdiction (city, town), used when the comparator file gives none.")
    county: CountyFips | None = Field(None, description="5-digit county FIPS code (state + county).")
    planning_region: CountyFips | None = Field(None, description="5-digit Connecticut planning-region code.")
    cousub: CountyFips | None = Field(None, description="Census county-subdivision (New England town) code.")
    place: CountyFips | None = Field(None, description="Census place code, used when no cousub is given.")


class AreasFile(BaseModel):
    """The area mapping: state codes, Connecticut's county and planning-region codes, jurisdictions."""

    model_config = STRICT
    ct_break: CtBreak = Field(description="When Connecticut's planning regions replace its counties.")
    states: dict[State, StateInfo] = Field(description="Every state by its two-letter code.")
    demo_states: list[State] = Field(default_factory=list, description="States the demo pulls when there are no unit files.")
    ct_counties: dict[CountyFips, Text] = Field(default_factory=dict, description="Connecticut county code -> name.")
    ct_planning_regions: dict[CountyFips, Text] = Field(default_factory=dict,
                                                        description="Connecticut planning-region code -> name.")
    jurisdictions: dict[Text, JurisdictionArea] = Field(default_factory=dict,
                                                        description="Jurisdiction name -> its geographies.")

    @model_validator(mode="after")
    def _known_states(self) -> AreasFile:
        unknown = [s for s in self.demo_states if s not in self.states]
        unknown += [j.state for j in self.jurisdictions.values() if j.state not in self.states]
        if unknown:
            raise fail(f"state(s) {', '.join(sorted(set(unknown)))} are not keys of 'states'")
        return self


@lru_cache(maxsize=4)
def load_mapping(path: str | None = None) -> AreasFile:
    """The validated ``pull/areas.yml`` (or ``path``); raises :class:`AreasFileError`."""
    where = str(path or AREAS_FILE)
    try:
        with open(where, encoding="utf-8") as fh:  # a stream, so YAML errors name the file
            data = safeyaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise AreasFileError(f"{where}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AreasFileError(f"{where}: cannot read the file: {exc}") from exc
    if not isinstance(data, dict):
        raise AreasFileError(f"{where}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        return AreasFile.model_validate(data)
    except ValidationError as exc:
        raise AreasFileError("\n".join(f"{where}: {p}" for p in problems(exc, AreasFile))) from None


def state_info(postal: str) -> StateInfo:
    """The FIPS code and name of the state ``postal`` (any case); raises :class:`AreaError`."""
    states = load_mapping().states
    if postal.upper() not in states:
        raise AreaError(f"state {postal!r} is not in pull/areas.yml 'states'")
    return states[postal.upper()]
