"""`wagebrief profiles` is a registered command that names file:row:column and exits 1."""

from __future__ import annotations

from typer.testing import CliRunner

from wagebrief.cli import app


def test_profiles_command_reports_file_row_column(tmp_path):
    f = tmp_path / "towns.csv"
    f.write_text("jurisdiction,state,population,source,source_url,vintage\n"
                 "Town of Example,CT,lots,Census ACS 5-year B01003,https://data.census.gov/,2023\n")
    res = CliRunner().invoke(app, ["profiles", str(f)])
    assert res.exit_code == 1
    assert f"{f}:2:population:" in res.stderr
