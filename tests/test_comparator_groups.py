"""comparator_groups: a unit compared with other employers' units of other occupation groups
(a state's clerical unit against other states' general-government units)."""

from __future__ import annotations

import pytest

import _real_unit
from wagebrief.brief import data as brief_data
from wagebrief.brief.settlements import settlements_section
from wagebrief.inputs import units


def _general_contract(project):
    rows = _real_unit.settlement_rows()[:3]
    for r in rows:
        r.update(settlement_id="G1", jurisdiction=_real_unit.COMPARATORS[0], unit="General Government",
                 occupation_group="general", pct="4")
    _real_unit.write_csv(project / "data/raw/settlements/general.csv", rows)


def _with_groups(project, line: str) -> None:
    path = project / "comparators" / f"{_real_unit.UNIT}.yml"
    path.write_text(path.read_text().replace("occupation_group: police\n", f"occupation_group: police\n{line}\n"))


def test_default_is_the_units_own_group(project):
    _real_unit.make(project)
    _general_contract(project)
    data = brief_data.load(_real_unit.UNIT, project)
    assert set(data.comparator_contracts()["occupation_group"]) == {"police"}


def test_listed_groups_count_as_comparators(project):
    _real_unit.make(project)
    _general_contract(project)
    _with_groups(project, "comparator_groups: [police, general]")
    data = brief_data.load(_real_unit.UNIT, project)
    c = data.comparator_contracts()
    assert sorted(c["settlement_id"]) == ["G1", "T1", "T2"]
    text = " ".join(settlements_section(data).text)
    assert "for police and general units" in text
    # The employer's own history stays its own group's: the unit is police, whatever it is compared with.
    assert data.unit.groups == ("police", "general") and data.unit.occupation_group == "police"


def test_an_unknown_group_is_an_error_naming_the_field(project):
    _real_unit.make(project)
    _with_groups(project, "comparator_groups: [police, genral]")
    with pytest.raises(units.UnitError, match=r"comparator_groups"):
        units.load(_real_unit.UNIT, root=project)
