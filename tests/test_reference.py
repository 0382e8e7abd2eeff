"""docs/inputs.md is generated from the code's schemas: stale pages, wrong examples and drifting column docs fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from wagebrief.inputs import proposals, proposals_schema, reference, roster, salaries, settlements, units

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "inputs.md"


def test_docs_inputs_md_is_up_to_date() -> None:
    fresh = reference.markdown()
    assert PAGE.is_file(), f"docs/inputs.md is missing: run `{reference.REGENERATE}`"
    assert PAGE.read_text(encoding="utf-8") == fresh, (
        f"docs/inputs.md is stale (the schemas or COLUMN_DOCS changed): run `{reference.REGENERATE}`")


def test_module_entry_point_prints_the_page() -> None:
    out = subprocess.run([sys.executable, "-m", "wagebrief.inputs.reference"], capture_output=True, text=True, check=True)
    assert out.stdout == reference.markdown()


def test_every_field_and_column_is_documented() -> None:
    page = reference.markdown()
    for model in (units.UnitFile, units.EmployerModel, units.CpiModel, proposals_schema.ProposalsFile,
                  proposals_schema.Event, proposals_schema.Rollup):
        for name in model.model_fields:
            assert f".{name}` |" in page or f"`{name}` |" in page, (model.__name__, name)
    for col in settlements.COLUMNS + settlements.OPTIONAL_COLUMNS + roster.COLUMNS + salaries.COLUMNS:
        assert f"| `{col}` |" in page, col
    for words in settlements.VOCABULARIES.values():
        assert all(f"`{w}`" in page for w in words)


def test_column_docs_match_the_readers() -> None:
    # The page documents COLUMN_DOCS; these keep COLUMN_DOCS the columns each reader actually reads.
    assert list(roster.COLUMN_DOCS) == roster.COLUMNS + roster.OPTIONAL_COLUMNS
    assert list(salaries.COLUMN_DOCS) == salaries.COLUMNS
    assert {c for c, (_, req, _) in salaries.COLUMN_DOCS.items() if req == "required"} == set(salaries.REQUIRED)
    assert list(settlements.COLUMN_DOCS) == settlements.COLUMNS + settlements.OPTIONAL_COLUMNS


def test_unit_and_proposals_examples_load(tmp_path: Path) -> None:
    folder = tmp_path / "comparators"
    (folder / "proposals").mkdir(parents=True)
    (folder / "town-clerical.yml").write_text(reference.UNIT_EXAMPLE)
    (folder / "proposals" / "town-clerical.yml").write_text(reference.PROPOSALS_EXAMPLE)
    unit = units.load("town-clerical", root=tmp_path, known_jurisdictions={"City of New Haven", "Town of West Hartford"})
    assert unit.cpi_basis == "fiscal" and unit.comparators[1].fips == "0900382660"
    prop = proposals.load(unit, root=tmp_path)
    assert set(prop.scenarios) == {"management", "comparator_pattern"}
    proposals_schema.ProposalsFile.model_validate(yaml.safe_load(reference.PROPOSALS_EXAMPLE))


def test_table_examples_validate(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(reference.ROSTER_EXAMPLE)
    assert roster.validate(path, top_step=8, as_of=pd.Timestamp("2027-06-30")).ok
    sal = tmp_path / "salaries"
    sal.mkdir()
    (sal / "x.csv").write_text(reference.SALARY_EXAMPLE)
    result = salaries.validate([sal], title_map=sal / "none.csv")
    assert result.ok and len(result.valid) == 1, result.problems()


@pytest.mark.parametrize("word", sorted({w for ws in reference.vocabularies().values() for w in ws}))
def test_readme_links_the_reference_and_lists_vocabularies(word: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/inputs.md" in readme
    section = readme.split("## Input files and vocabularies", 1)[-1].split("\n## ", 1)[0]
    assert f"`{word}`" in section, f"README's vocabulary list lacks {word}"
