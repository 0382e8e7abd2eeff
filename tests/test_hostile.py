"""Hostile text: names holding HTML or script are escaped in HTML, formula-looking cells are
prefixed in CSV a spreadsheet would open, and a YAML tag that builds Python objects is an error."""

from __future__ import annotations

import csv
import io as _io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import rows
from wagebrief.brief import data as brief_data, page
from wagebrief.brief import settlements as brief_settlements
from wagebrief.inputs import settlements, units
from wagebrief.cli import app
from wagebrief.brief.section import Section, Table

SCRIPT = "<script>alert(1)</script>"
JURISDICTION = f'Town of {SCRIPT} & "Sons" Ünïon'
COMPARATOR = "<img src=x onerror=alert(2)> & 'Co'"
UNIT_NAME = f"{SCRIPT} Clerical & \"Local\" 1 — Ωmega"
UNION = "<b>AFSCME</b> & Co"
FORMULA = '=HYPERLINK("http://evil.example","click")'
RAW_MARKUP = re.compile(r"<script|<img|<b>AFSCME|onerror=alert\(2\)>")

runner = CliRunner()


def hostile_project(root: Path) -> Path:
    """A unit and settlements whose jurisdiction, unit and union names are hostile."""
    (root / "data" / "raw" / "settlements").mkdir(parents=True)
    (root / "data" / "processed").mkdir(parents=True)
    (root / "comparators").mkdir()
    events = [dict(pct="2.5", effective_date="2024-07-01"), dict(pct="3", effective_date="2025-07-01")]
    raw = pd.concat([
        rows(*events, settlement_id="H1", jurisdiction=JURISDICTION, unit=UNIT_NAME, union=UNION),
        rows(*events, settlement_id="H2", jurisdiction=COMPARATOR, unit=FORMULA, union=SCRIPT,
             state="MA", jurisdiction_type="municipal"),
        rows(*events, settlement_id="H3", jurisdiction=FORMULA, unit="@SUM(A1)", union="+cmd", state="RI"),
    ], ignore_index=True)
    raw[settlements.COLUMNS].to_csv(root / "data" / "raw" / "settlements" / "hostile.csv", index=False)
    unit = {
        "unit": "hostile", "name": UNIT_NAME,
        "employer": {"name": JURISDICTION, "jurisdiction": JURISDICTION, "state": "CT", "jurisdiction_type": "municipal"},
        "occupation_group": "clerical", "cycle_year": 2027, "term_years": 3,
        "cpi": {"series": "CUUR0100SA0", "basis": "fiscal"},
        "comparators": [{"jurisdiction": COMPARATOR, "state": "MA", "jurisdiction_type": "municipal"},
                        {"jurisdiction": FORMULA, "state": "RI", "jurisdiction_type": "municipal"}],
        "synthetic": True,
    }
    # JSON is YAML: every string is quoted, whatever it holds.
    (root / "comparators" / "hostile.yml").write_text(json.dumps(unit, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


def assert_escaped(html: str) -> None:
    assert not RAW_MARKUP.search(html), RAW_MARKUP.search(html)
    assert "&lt;script&gt;" in html or "&lt;img" in html


def test_brief_cover_and_sections_escape_names(tmp_path):
    root = hostile_project(tmp_path)
    data = brief_data.load("hostile", root=root)
    assert set(data.comparator_names) == {COMPARATOR, FORMULA}
    cover = page.cover(data)
    assert_escaped(cover)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Clerical &amp; &quot;Local&quot; 1 — Ωmega" in cover
    assert "Town of &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot; Ünïon" in cover
    html = page.section_html(brief_settlements.settlements_section(data))
    assert_escaped(html)
    assert "&lt;img src=x onerror=alert(2)&gt; &amp; 'Co'" in html  # the comparator, in the table
    assert FORMULA.replace('"', "&quot;") in html or FORMULA in html  # text in HTML is not a formula


def test_section_html_escapes_every_part():
    section = Section(
        title=SCRIPT, text=[f"{JURISDICTION} settled"],
        tables=[Table(caption=UNION, data=pd.DataFrame({SCRIPT: [COMPARATOR, UNIT_NAME], "n": [1, 2]}), source=SCRIPT)],
        caveats=[COMPARATOR],
    )
    html = page.section_html(section)
    assert_escaped(html)
    assert html.count("&lt;script&gt;") >= 4


def test_rejects_csv_prefixes_formula_cells(tmp_path):
    raw = rows(dict(pct="=1+1"), dict(pct="2", effective_date="2025-07-01"), settlement_id="F1",
               jurisdiction=FORMULA, unit="+cmd|' /C calc'!A0", union="@SUM(A1:A9)", notes="-2+3",
               source="\t=2+5", source_url="\r=x")
    path = tmp_path / "f.csv"
    # (CRLF rows: pandas quotes a cell with a bare CR only when CR is in the line terminator.)
    raw[settlements.COLUMNS].to_csv(path, index=False, lineterminator="\r\n")
    root = tmp_path / "project"
    res = runner.invoke(app, ["build", str(path)], env={"WAGEBRIEF_ROOT": str(root)})
    assert res.exit_code == 0, res.output
    with open(root / "data" / "processed" / "rejects.csv", newline="", encoding="utf-8") as fh:
        back = list(csv.DictReader(fh))
    assert len(back) == 2
    first = back[0]
    assert first["pct"] == "'=1+1" and back[1]["pct"] == "2"
    assert first["jurisdiction"] == "'" + FORMULA
    assert first["unit"] == "'+cmd|' /C calc'!A0"
    assert first["union"] == "'@SUM(A1:A9)"
    assert first["notes"] == "'-2+3"
    assert first["source"] == "'\t=2+5"
    assert first["source_url"] == "'\r=x"
    # A plain number keeps its sign and is not prefixed.
    raw2 = rows(dict(pct="-2.5", amount="-1,250.00", effective_date="2025-07-01", notes="-inf", employees="many"),
                settlement_id="N1",
                event="lump_sum")
    raw2[settlements.COLUMNS].to_csv(path, index=False)
    res = runner.invoke(app, ["build", str(path)], env={"WAGEBRIEF_ROOT": str(root)})
    with open(root / "data" / "processed" / "rejects.csv", newline="", encoding="utf-8") as fh:
        back = list(csv.DictReader(fh))
    assert [(b["pct"], b["amount"], b["notes"]) for b in back] == [("-2.5", "-1,250.00", "'-inf")]


def test_valid_rows_keep_formula_looking_names_unchanged(tmp_path):
    """Escaping is for CSV a spreadsheet opens; the processed tables keep the text as typed."""
    root = hostile_project(tmp_path)
    assert runner.invoke(app, ["build"], env={"WAGEBRIEF_ROOT": str(root)}).exit_code == 0
    valid = pd.read_parquet(root / "data" / "processed" / "settlements.parquet")
    assert set(valid["jurisdiction"]) == {JURISDICTION, COMPARATOR, FORMULA}
    assert set(valid["unit"]) == {UNIT_NAME, FORMULA, "@SUM(A1)"}


def test_metrics_csv_prefixes_formula_cells(tmp_path):
    root = hostile_project(tmp_path)
    res = runner.invoke(app, ["metrics", "--format", "csv"], env={"WAGEBRIEF_ROOT": str(root)})
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(_io.StringIO(res.stdout)))
    by_id = {r["settlement_id"]: r for r in table}
    assert by_id["H3"]["jurisdiction"] == "'" + FORMULA and by_id["H3"]["unit"] == "'@SUM(A1)"
    assert by_id["H2"]["unit"] == "'" + FORMULA
    assert by_id["H1"]["jurisdiction"] == JURISDICTION  # not formula-looking: as typed
    for r in table:
        for value in r.values():
            assert not value.startswith(("=", "+", "@")), r


def test_problem_lines_stay_one_line_whatever_the_settlement_id(tmp_path):
    """A settlement_id with a line break cannot forge an extra file:row:column line."""
    raw = pd.concat([rows(dict(pct="2")), rows(dict(pct="2", effective_date="2025-07-01"), jurisdiction="Other")],
                    ignore_index=True)
    raw["settlement_id"] = "S1\nfake.csv:99:pct: forged"
    raw[settlements.ROW_COL] = [2, 3]
    problems = settlements.validate_frame(raw).problems()
    assert problems and all("\n" not in p and p.startswith("test.csv:") for p in problems), problems
    assert any("S1\\nfake.csv:99:pct: forged" in p for p in problems)


# --------------------------------------------------------------------------- YAML

UNIT_YAML = """\
unit: {stem}
name: Unit
employer: {{name: E, jurisdiction: Testville, state: CT, jurisdiction_type: municipal}}
occupation_group: clerical
cycle_year: 2027
term_years: 3
cpi: {{series: CUUR0100SA0, basis: fiscal}}
comparators:
  - {{jurisdiction: Testville, state: CT, jurisdiction_type: municipal}}
synthetic: true
"""


@pytest.mark.parametrize("tagged", [
    'name: !!python/object/apply:os.system ["touch {marker}"]',
    "name: !!python/object/apply:subprocess.check_output [[touch, {marker}]]",
    "name: !!python/name:os.system",
    "name: !!python/object/new:os.system [touch {marker}]",
    "name: !!python/module:os",
])
def test_yaml_python_tags_are_an_error_and_run_nothing(tmp_path, tagged):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yml"
    text = UNIT_YAML.format(stem="evil").replace("name: Unit", tagged.format(marker=marker))
    path.write_text(text)
    with pytest.raises(units.UnitError, match=r"evil.yml: not valid unit YAML"):
        units.load(path, known_jurisdictions={"Testville"})
    assert not marker.exists()


def test_plain_unit_yaml_still_loads(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text(UNIT_YAML.format(stem="ok"))
    assert units.load(path, known_jurisdictions={"Testville"}).name == "Unit"
