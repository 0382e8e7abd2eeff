"""Unit files: the shipped ones load, and each mistake names the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wagebrief.inputs import units
from wagebrief.inputs.units import UnitError

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "synthetic"
from conftest import SYNTHETIC_ROOT as SYNTHETIC_PROJECT  # noqa: E402


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A throwaway project root holding copies of the unit files and the demo data."""
    shutil.copytree(SYNTHETIC / "comparators", tmp_path / "comparators")
    shutil.copytree(SYNTHETIC / "settlements", tmp_path / "data" / "raw" / "settlements")
    return tmp_path


def edit(root: Path, unit: str, old: str, new: str) -> None:
    path = root / "comparators" / f"{unit}.yml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def error(root: Path, unit: str = "city-police") -> str:
    with pytest.raises(UnitError) as exc:
        units.load(unit, root=root)
    return str(exc.value)


def test_shipped_units_load() -> None:
    loaded = units.load_all(ROOT)
    assert [u.unit for u in loaded] == units.unit_names(ROOT)
    assert {"state-clerical", "city-police"} <= set(units.unit_names(ROOT))
    clerical = units.load("state-clerical", root=ROOT)
    assert clerical.employer.jurisdiction == "State of Connecticut"
    assert clerical.occupation_group == "clerical"
    assert clerical.fiscal_year_start_month == 7 and clerical.cpi_basis == "fiscal"
    # The shipped units are real employers against real comparators; the synthetic example's are invented.
    assert clerical.synthetic is False and clerical.groups == ("clerical", "general")
    assert units.load("state-clerical", root=SYNTHETIC_PROJECT).synthetic is True
    assert len(clerical.comparators) >= 5
    assert clerical.path == ROOT / "comparators" / "state-clerical.yml"


def test_load_by_path_and_extra_keys(root: Path) -> None:
    path = root / "comparators" / "city-police.yml"
    path.write_text(path.read_text() + "notes: settled units only\nscenarios: [{name: base}]\n")
    unit = units.load(path, root=root)
    assert unit.extra == {"notes": "settled units only", "scenarios": [{"name": "base"}]}


def test_fiscal_month_defaults_to_july(root: Path) -> None:
    edit(root, "city-police", "fiscal_year_start_month: 7\n", "")
    assert units.load("city-police", root=root).fiscal_year_start_month == 7


def test_missing_field(root: Path) -> None:
    edit(root, "city-police", "occupation_group: police\n", "")
    assert error(root) == "comparators/city-police.yml: occupation_group: required field is missing"


def test_unknown_comparator_suggests(root: Path) -> None:
    edit(root, "city-police", "City of New Haven", "City of New Heaven")
    assert error(root) == (
        "comparators/city-police.yml: comparators[0].jurisdiction: 'City of New Heaven' is not a "
        "jurisdiction in the settlement data (did you mean 'City of New Haven'?)"
    )


def test_explicit_known_jurisdictions(root: Path) -> None:
    with pytest.raises(UnitError, match=r"comparators\[0\]\.jurisdiction"):
        units.load("city-police", root=root, known_jurisdictions={"Somewhere Else"})


def test_bad_month(root: Path) -> None:
    edit(root, "city-police", "fiscal_year_start_month: 7", "fiscal_year_start_month: 13")
    assert error(root) == "comparators/city-police.yml: fiscal_year_start_month: 13 is outside 1..12"


def test_unit_must_equal_stem(root: Path) -> None:
    edit(root, "city-police", "unit: city-police", "unit: city-polce")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: unit: ") and "city-polce" in msg


def test_unknown_key(root: Path) -> None:
    path = root / "comparators" / "city-police.yml"
    path.write_text(path.read_text() + "scenaros: []\n")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: scenaros: unknown key")
    assert "did you mean 'scenarios'" in msg


def test_unknown_nested_key(root: Path) -> None:
    edit(root, "city-police", "basis: fiscal", "basis: fiscal, seres: x")
    assert error(root).startswith("comparators/city-police.yml: cpi.seres: unknown key")


def test_python_object_tag_is_refused(root: Path) -> None:
    edit(root, "city-police", "name: Hartford Police Bargaining Unit",
         "name: !!python/object/apply:os.system ['echo pwned']")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: not valid unit YAML")


def test_duplicate_comparator(root: Path) -> None:
    path = root / "comparators" / "city-police.yml"
    path.write_text(path.read_text().replace(
        "synthetic: true",
        "  - {jurisdiction: City of Stamford, state: CT, jurisdiction_type: municipal}\nsynthetic: true"))
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: comparators[9].jurisdiction: ")
    assert "listed twice" in msg and "comparators[1]" in msg


def test_bad_vocabulary(root: Path) -> None:
    edit(root, "city-police", "occupation_group: police", "occupation_group: polce")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: occupation_group: 'polce'")
    assert "did you mean 'police'" in msg


def test_empty_comparators(root: Path) -> None:
    path = root / "comparators" / "city-police.yml"
    text = path.read_text()
    head, _, _ = text.partition("comparators:\n")
    path.write_text(head + "comparators: []\nsynthetic: true\n")
    assert error(root).startswith("comparators/city-police.yml: comparators: expected a non-empty")


def test_unknown_unit_name(root: Path) -> None:
    with pytest.raises(UnitError, match="did you mean 'city-police'"):
        units.load("city-polic", root=root)


def test_known_jurisdictions_reads_csv_and_xlsx(root: Path) -> None:
    import pandas as pd

    from wagebrief.inputs import settlements

    # A settlement workbook read the way `validate` reads it: stray spaces are stripped.
    row = {c: "" for c in settlements.COLUMNS}
    row.update(jurisdiction=" Town of Nowhere ", settlement_id="X1")
    pd.DataFrame([row]).to_excel(root / "data" / "raw" / "settlements" / "extra.xlsx", index=False)
    known = units.known_jurisdictions(root)
    assert "Town of Nowhere" in known and "City of New Haven" in known
    assert "" not in known


def test_real_unit_needs_no_synthetic_term_or_cpi(root: Path) -> None:
    # A real unit file says nothing about being synthetic, and may leave term and CPI to defaults.
    edit(root, "city-police", "synthetic: true\n", "")
    edit(root, "city-police", "term_years: 3\n", "")
    edit(root, "city-police", "cpi: {series: CUUR0110SA0, basis: fiscal}", "cpi: {series: CUUR0110SA0}")
    unit = units.load("city-police", root=root)
    assert unit.synthetic is False and unit.term_years == 3
    assert unit.cpi_series == "CUUR0110SA0" and unit.cpi_basis == "fiscal"
    edit(root, "city-police", "cpi: {series: CUUR0110SA0}", "")
    assert units.load("city-police", root=root).cpi_series == units.DEFAULT_CPI_SERIES


def test_misspelt_required_key_is_unknown_not_missing(root: Path) -> None:
    edit(root, "city-police", "occupation_group: police", "occupation_grup: police")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: occupation_grup: unknown key "
                          "(did you mean 'occupation_group'?)")
    assert "required field is missing" not in msg


def test_misspelt_nested_key_suggests(root: Path) -> None:
    edit(root, "city-police", "{jurisdiction: City of Stamford,", "{jurisdicton: City of Stamford,")
    msg = error(root)
    assert msg.startswith("comparators/city-police.yml: comparators[1].jurisdicton: unknown key "
                          "(did you mean 'jurisdiction'?)")
    assert "missing" not in msg


def test_every_problem_is_reported_each_naming_file_and_field(root: Path) -> None:
    edit(root, "city-police", "cycle_year: 2027", "cycle_year: soon")
    edit(root, "city-police", "state: CT, jurisdiction_type: municipal}\noccupation_group",
         "state: Conn, jurisdiction_type: municipal}\noccupation_group")
    lines = error(root).splitlines()
    assert lines == [
        "comparators/city-police.yml: employer.state: 'Conn' is not a two-letter state code like 'CT'",
        "comparators/city-police.yml: cycle_year: expected a whole number, got 'soon'",
    ]


def test_wrong_types_name_the_field(root: Path) -> None:
    edit(root, "city-police", "synthetic: true", "synthetic: 'true'")
    assert error(root) == "comparators/city-police.yml: synthetic: expected true or false, got 'true'"
    edit(root, "city-police", "synthetic: 'true'", "synthetic: true\nbenchmark_titles: [Police Officer, 7]")
    assert error(root).startswith("comparators/city-police.yml: benchmark_titles: expected a benchmark title")


def test_employer_must_be_a_mapping(root: Path) -> None:
    edit(root, "city-police", "employer: {name: City of Hartford, jurisdiction: City of Hartford, state: CT, "
         "jurisdiction_type: municipal}", "employer: City of Hartford")
    assert error(root) == "comparators/city-police.yml: employer: expected a mapping, got str"


def test_unit_schema_documents_defaults_and_vocabularies() -> None:
    schema = units.UnitFile.model_json_schema()
    assert set(schema["required"]) == {"unit", "name", "employer", "occupation_group", "cycle_year", "comparators"}
    assert schema["properties"]["synthetic"]["default"] is False
    assert schema["properties"]["occupation_group"]["enum"] == list(units.OCCUPATION_GROUPS)


def test_bargaining_fields(root: Path) -> None:
    u = units.load("city-police", root=root)  # the synthetic example's invented values
    assert (u.bargaining_status, str(u.contract_expires)) == ("mediation", "2027-06-30")
    assert u.net_grand_list.amount == 4_000_000_000 and u.net_grand_list.fiscal_year == 2026
    assert units.load("state-clerical", root=root).net_grand_list is None
    edit(root, "city-police", "bargaining_status: mediation", "bargaining_status: mediaton")
    assert "bargaining_status: 'mediaton' is not one of" in error(root) and "did you mean 'mediation'" in error(root)
    edit(root, "city-police", "bargaining_status: mediaton", "bargaining_status: settled")
    edit(root, "city-police", "contract_expires: 2027-06-30", 'contract_expires: "2027-13-30"')
    assert "contract_expires: cannot read '2027-13-30' as a date" in error(root)
    edit(root, "city-police", 'contract_expires: "2027-13-30"', "contract_expires: 2027-13-30")
    assert "comparators/city-police.yml: not valid unit YAML" in error(root)  # PyYAML's own date error, named


def test_net_grand_list_checked(root: Path) -> None:
    edit(root, "city-police", "amount: 4_000_000_000", 'amount: "$4,000,000,000"')
    assert units.load("city-police", root=root).net_grand_list.amount == 4e9
    edit(root, "city-police", 'amount: "$4,000,000,000"', "amount: -5")
    assert "net_grand_list.amount" in error(root)
    edit(root, "city-police", "amount: -5", "amount: 5")
    edit(root, "city-police", ", source: ", ", sauce: ")
    assert "net_grand_list.sauce" in error(root)
    # Only a municipal employer levies on a grand list.
    path = root / "comparators" / "state-clerical.yml"
    path.write_text(path.read_text() + 'net_grand_list: {amount: 5, fiscal_year: 2026, source: "x"}\n')
    assert "only a municipal employer has a net grand list" in error(root, "state-clerical")


def test_shipped_hartford_grand_list_is_cited() -> None:
    for name in ("city-police", "city-public-works"):
        ngl = units.load(name, root=ROOT, known_jurisdictions=None).net_grand_list
        assert ngl.amount == 4_741_807_174 and ngl.fiscal_year == 2026 and ngl.grand_list_year == 2024
        assert ngl.url == "https://www.hartfordct.gov/Government/Departments/Assessor" and "Assessor" in ngl.source
    assert units.load("state-clerical", root=ROOT, known_jurisdictions=None).net_grand_list is None
