"""The area mapping file (pull/areas.yml) is read through its pydantic model: bad keys and codes name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from wagebrief.inputs import areas

GOOD = """\
ct_break: {qcew_first_planning_region_year: 2024, acs_first_planning_region_year: 2022}
states:
  CT: {fips: "09", name: Connecticut}
demo_states: [CT]
ct_counties: {"09001": Fairfield County}
ct_planning_regions: {"09190": Western Connecticut Planning Region}
jurisdictions:
  Stamford: {state: CT, type: city, county: "09001", planning_region: "09190", cousub: "73070"}
"""


def load(tmp_path: Path, text: str) -> areas.AreasFile:
    path = tmp_path / "areas.yml"
    path.write_text(text, encoding="utf-8")
    return areas.load_mapping(str(path))


def test_the_shipped_mapping_loads_and_knows_every_state() -> None:
    m = areas.load_mapping()
    assert len(m.states) == 51 and m.states["CT"].fips == "09"
    assert areas.state_info("ct").name == "Connecticut"
    assert set(m.demo_states) <= set(m.states)


def test_a_good_file_loads(tmp_path: Path) -> None:
    m = load(tmp_path, GOOD)
    assert m.jurisdictions["Stamford"].cousub == "73070" and m.jurisdictions["Stamford"].place is None


def test_an_unknown_state_is_an_area_error() -> None:
    with pytest.raises(areas.AreaError, match="state 'ZZ' is not in pull/areas.yml 'states'"):
        areas.state_info("ZZ")


def test_a_misspelt_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(areas.AreasFileError) as exc:
        load(tmp_path, GOOD.replace("planning_region: \"09190\", cousub", "planing_region: \"09190\", cousub"))
    assert "areas.yml: jurisdictions.Stamford.planing_region: unknown key" in str(exc.value)
    with pytest.raises(areas.AreasFileError) as exc:
        load(tmp_path, GOOD.replace("demo_states:", "demo_state:"))
    assert "areas.yml: demo_state: unknown key (did you mean 'demo_states'?)" in str(exc.value)


def test_a_missing_field_and_an_unquoted_code_are_named(tmp_path: Path) -> None:
    text = GOOD.replace("ct_break: {qcew_first_planning_region_year: 2024, acs_first_planning_region_year: 2022}\n", "")
    text = text.replace('cousub: "73070"', "cousub: 73070")
    with pytest.raises(areas.AreasFileError) as exc:
        load(tmp_path, text)
    message = str(exc.value)
    assert "areas.yml: ct_break: required field is missing" in message
    assert "jurisdictions.Stamford.cousub: expected a quoted code of 5 digits, got 73070" in message


def test_a_jurisdiction_in_a_state_the_file_lacks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(areas.AreasFileError, match="state\\(s\\) MA are not keys of 'states'"):
        load(tmp_path, GOOD.replace("{state: CT, type: city", "{state: MA, type: city"))
