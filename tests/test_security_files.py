"""Hostile files (issue 13): each test builds its attack small, in tmp_path, and checks the defence.

Defended, at a glance:
- YAML anchors/aliases ("billion laughs"), deep nesting and invisible characters: refused with
  the file, line and column, in every YAML wagebrief reads (``wagebrief.inputs.safeyaml``);
- values quoted in messages are cut (a 1 MB cell is not a 1 MB problem line);
- hidden and very hidden XLSX sheets: not read; each holding settlement columns is a warning;
- XLSX zip bombs and sheets spanning billions of cells: refused before openpyxl expands them;
- at most 1,000 problems printed, then the count of the rest (rejects.csv keeps them all);
- a header longer than 64 KiB: read whole;
- zero-width and bidirectional control characters in names and ids: stripped, with a warning;
- UTF-16 without a BOM, and BOMs in roster, salary and profile files: one encoding rule;
- a read-only processed folder: one-line error, exit 1;
- one build's outputs are one generation: all replaced or none.
"""

from __future__ import annotations

import io as _io
import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT, rows
from wagebrief.run import build
from wagebrief import io
from wagebrief.inputs import profiles, proposals_schema, roster, safeyaml, salaries, settlements, units, workbook
from wagebrief.cli import app

runner = CliRunner()
COLUMNS = settlements.ALL_COLUMNS

# Nine lines that become 9**7 (4.8 million) strings when the aliases are expanded.
LAUGHS = "\n".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 7)])


def cli(args: list[str], root: Path):
    return runner.invoke(app, args, env={"WAGEBRIEF_ROOT": str(root)}, catch_exceptions=False)


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[COLUMNS].to_csv(path, index=False)
    return path


def good_rows(n: int = 2, **common) -> pd.DataFrame:
    events = [dict(pct="2.5", effective_date="2024-07-01"), dict(pct="3", effective_date="2025-07-01")]
    return rows(*events[:n], **common)


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("where", ["name", "notes"])
def test_yaml_billion_laughs_in_a_unit_file_is_refused_at_once(tmp_path, where):
    (tmp_path / "comparators").mkdir()
    (tmp_path / "comparators" / "bomb.yml").write_text(f"{LAUGHS}\nunit: bomb\n{where}: *l6\n")
    start = time.perf_counter()
    with pytest.raises(units.UnitError) as exc:
        units.load("bomb", root=tmp_path, known_jurisdictions=set())
    elapsed = time.perf_counter() - start
    message = str(exc.value)
    assert elapsed < 2, elapsed
    assert len(message) < 500 and "\n" not in message, message[:500]
    assert "bomb.yml" in message and "line 1, column 5: an anchor (&l0) is not allowed" in message


def test_yaml_alias_in_proposals_is_refused_with_file_and_line(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("unit: u\nscenarios:\n  base:\n    notes: &n hello\n  other:\n    notes: *n\n")
    (line,) = proposals_schema.check(f)
    assert line.startswith(f"{f}: not valid YAML: line 4, column 12: an anchor (&n)"), line
    with pytest.raises(yaml.YAMLError, match=r"line 2, column 4: an alias \(\*a\)"):
        safeyaml.safe_load("x: 1\ny: *a\n")


def test_yaml_deep_nesting_is_an_error_not_a_recursion_crash(tmp_path):
    (tmp_path / "comparators").mkdir()
    (tmp_path / "comparators" / "deep.yml").write_text("unit: deep\nname: " + "[" * 20_000)
    with pytest.raises(units.UnitError, match=r"deep.yml: not valid unit YAML: line 2, column 56: lists and "
                                              r"mappings are nested more than 50 deep"):
        units.load("deep", root=tmp_path, known_jurisdictions=set())


def test_yaml_right_to_left_override_in_a_unit_name_is_refused(tmp_path):
    (tmp_path / "comparators").mkdir()
    (tmp_path / "comparators" / "rlo.yml").write_text('unit: rlo\nname: "Clerical \u202eLocal 1"\n', encoding="utf-8")
    with pytest.raises(units.UnitError, match=r"line 2, column 7: the value 'Clerical \\u202eLocal 1' holds "
                                              r"invisible or text-direction characters \(U\+202E RIGHT-TO-LEFT OVERRIDE\)"):
        units.load("rlo", root=tmp_path, known_jurisdictions=set())


def test_plain_yaml_loads_as_before():
    text = (ROOT / "comparators" / "state-clerical.yml").read_text(encoding="utf-8")
    assert safeyaml.safe_load(text) == yaml.safe_load(text)


def test_every_yaml_load_in_the_package_goes_through_safeyaml():
    """``yaml.safe_load`` expands aliases; a new call to it would reopen the billion laughs."""
    calls = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "src" / "wagebrief").rglob("*.py")
             if p.name != "safeyaml.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\byaml\.(safe_)?load(_all)?\(|\byaml\.(Safe|Full|Unsafe)?Loader\b", line)]
    assert not calls, calls


def test_quoted_values_are_cut_in_messages():
    assert len(safeyaml.quote("x" * 1_000_000)) < 260
    assert safeyaml.quote("x" * 1_000_000).endswith("... (999,800 more characters)")
    assert len(safeyaml.quote([["lol"] * 1000] * 1000)) < 260
    assert safeyaml.quote("2.5x") == "'2.5x'"


def test_a_100_kb_cell_is_not_a_100_kb_problem(tmp_path):
    frame = good_rows()
    frame["pct"] = "9" * 100_000 + "x"  # unreadable as a number
    frame["jurisdiction_type"] = "y" * 100_000  # outside the vocabulary
    frame["settlement_id"] = "S" * 100_000  # quoted by the sibling and duplicate messages
    f = write_csv(tmp_path / "big.csv", frame)
    result = settlements.validate([f])
    assert len(result.problems()) == 4 and all(len(line) < 600 for line in result.problems()), result.problems()
    assert len(result.rejects.loc[0, "pct"]) == 100_001  # the reject keeps the value whole


# --------------------------------------------------------------------------- XLSX sheets


def _sheet(wb: openpyxl.Workbook, title: str, sid: str, state: str = "visible") -> None:
    ws = wb.create_sheet(title)
    ws.append(COLUMNS)
    for rec in good_rows(settlement_id=sid)[COLUMNS].to_dict("records"):
        ws.append([rec[c] for c in COLUMNS])
    ws.sheet_state = state


def test_hidden_and_very_hidden_sheets_are_not_read_and_each_is_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Settlements", "V1")
    _sheet(wb, "Old draft", "H1", "hidden")
    _sheet(wb, "Secret", "X1", "veryHidden")
    wb.create_sheet("lists").sheet_state = "hidden"  # a template's dropdown lists: no settlement columns
    f = tmp_path / "book.xlsx"
    wb.save(f)

    result = settlements.validate([f])
    assert set(result.valid["settlement_id"]) == {"V1"}
    assert result.warning_lines() == [
        f"{f}[Old draft]:1:sheet: warning: hidden sheet 'Old draft' holds settlement columns and was not "
        "read; unhide it in the workbook, or pass --include-hidden, to read its rows",
        f"{f}[Secret]:1:sheet: warning: veryHidden sheet 'Secret' holds settlement columns and was not "
        "read; unhide it in the workbook, or pass --include-hidden, to read its rows",
    ]
    every = settlements.validate([f], include_hidden=True)
    assert set(every.valid["settlement_id"]) == {"V1", "H1", "X1"} and every.warnings.empty
    res = cli(["validate", str(f)], tmp_path)
    assert "[Old draft]:1:sheet: warning: hidden sheet" in res.stderr and "2 warnings" in res.stderr
    res = cli(["validate", "--include-hidden", str(f)], tmp_path)
    assert res.exit_code == 0 and "hidden sheet" not in res.stderr and "6 rows: 6 valid" in res.stderr


# --------------------------------------------------------------------------- XLSX bombs


def bomb_xlsx(path: Path, xml_mb: int) -> Path:
    """A small XLSX whose one sheet expands to ``xml_mb`` MB of rows that are all rejected."""
    wb = openpyxl.Workbook()
    wb.active.title = "Settlements"
    wb.active.append(COLUMNS)
    small = _io.BytesIO()
    wb.save(small)
    row = ("<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in ["S", "Town", "CT", "bad"] * 5)
           + "</row>").encode()
    block = row * (2**20 // len(row) + 1)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>") if b"</sheetData>" in data else data.split(b"<sheetData/>")
            head = head if b"<sheetData>" in head else head + b"<sheetData>"
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(head.replace(b"</sheetData>", b""))
                for _ in range(xml_mb):
                    fh.write(block)
                fh.write(b"</sheetData>" + tail)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    f = bomb_xlsx(tmp_path / "bomb.xlsx", 60)
    assert f.stat().st_size < 1_000_000  # 60 MB of XML in well under 1 MB
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(settlements.SettlementFileError) as exc:
        settlements.validate([f])
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 3 and peak < 20 * 2**20, (elapsed, peak)
    assert re.fullmatch(rf"{re.escape(str(f))}: the workbook expands to 6\d\.\d MB of XML \(0\.\d MB compressed; the "
                        r"largest, sheet 'Settlements', is 6\d\.\d MB\); at most 50 MB is read\. Save the data as CSV "
                        r"\(no size limit\) or split the workbook", str(exc.value)), str(exc.value)
    res = cli(["build", str(f)], tmp_path)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1 and "expands to" in res.stderr


def test_a_cell_typed_far_away_is_refused_not_read_as_billions_of_cells(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.append(COLUMNS)
    wb.active.cell(1_048_576, 16_384, "x")
    f = tmp_path / "far.xlsx"
    wb.save(f)
    start = time.perf_counter()
    with pytest.raises(settlements.SettlementFileError,
                       match=re.escape(f"{f}[Data]: the sheet's cells reach row 1,048,576 and column 16,384 "
                                       "(17,179,869,184 cells); at most 5,000,000 are read")):
        settlements.validate([f])
    assert time.perf_counter() - start < 3


def test_a_salary_workbook_bomb_is_refused_too(tmp_path):
    f = bomb_xlsx(tmp_path / "salaries.xlsx", 60)
    with pytest.raises(salaries.SalaryFileError, match="expands to .* MB of XML"):
        salaries.read_raw(f)


def test_the_used_range_scan_reads_references_cut_by_a_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "_CHUNK", 7)  # every reference straddles a chunk boundary
    wb = openpyxl.Workbook()
    wb.active.cell(123, 45, "x")
    f = tmp_path / "w.xlsx"
    wb.save(f)
    with zipfile.ZipFile(f) as zf:
        assert workbook.used_range(zf, "xl/worksheets/sheet1.xml") == (123, 45)


# --------------------------------------------------------------------------- problems printed


def test_at_most_1000_problems_are_printed_and_rejects_csv_keeps_all(tmp_path):
    bad = rows(*[dict(pct="lots", effective_date="2024-07-01")] * 1500)
    bad["settlement_id"] = [f"S{i}" for i in range(1500)]
    write_csv(tmp_path / "data" / "raw" / "settlements" / "bad.csv", bad)
    res = cli(["build"], tmp_path)
    lines = res.stderr.splitlines()
    assert len([x for x in lines if ":pct: cannot read 'lots'" in x]) == 1000
    assert "... and 500 more problems (all in data/processed/rejects.csv)" in lines
    assert lines[-1] == "1500 rows: 0 valid, 1500 rejected (1500 problems)"
    assert len(pd.read_csv(tmp_path / "data" / "processed" / "rejects.csv")) == 1500


# --------------------------------------------------------------------------- header, text


def test_a_header_longer_than_64_kib_is_read_whole(tmp_path):
    extra = [f"comment_{i:05d}" for i in range(8000)]  # 112 KB of header: columns past byte 65,536
    frame = pd.concat([good_rows()[COLUMNS], pd.DataFrame("c", index=range(2), columns=extra)], axis=1)
    f = tmp_path / "long.csv"
    frame.to_csv(f, index=False)
    assert len(f.read_text().splitlines()[0]) > 100_000
    result = settlements.validate([f])
    assert result.ok, result.problems()[:2]
    assert len(result.valid) == 2


def test_zero_width_and_bidi_characters_are_stripped_from_names_with_a_warning(tmp_path):
    frame = pd.concat([good_rows(jurisdiction="State of Vermont\u200b", settlement_id="S1"),
                       good_rows(jurisdiction="State of Vermont", settlement_id="S1\u2066",
                                 unit="\u202eClerical")], ignore_index=True)
    frame.loc[1, "settlement_id"] = "S1"  # one contract: both rows must agree on the jurisdiction
    frame.loc[2:, "effective_date"] = ["2025-01-01", "2026-01-01"]
    f = write_csv(tmp_path / "zw.csv", frame)
    result = settlements.validate([f])
    assert result.ok, result.problems()
    assert set(result.valid["jurisdiction"]) == {"State of Vermont"}
    assert set(result.valid["settlement_id"]) == {"S1"} and set(result.valid["unit"]) == {"Clerical"}
    assert result.warning_lines() == [
        f"{f}:2:jurisdiction: warning: 'State of Vermont\\u200b' holds invisible characters "
        "(U+200B ZERO WIDTH SPACE); read as 'State of Vermont'",
        f"{f}:3:jurisdiction: warning: 'State of Vermont\\u200b' holds invisible characters "
        "(U+200B ZERO WIDTH SPACE); read as 'State of Vermont'",
        f"{f}:4:settlement_id: warning: 'S1\\u2066' holds invisible characters (U+2066 LEFT-TO-RIGHT "
        "ISOLATE); read as 'S1'",
        f"{f}:4:unit: warning: '\\u202eClerical' holds invisible characters (U+202E RIGHT-TO-LEFT "
        "OVERRIDE); read as 'Clerical'",
        f"{f}:5:settlement_id: warning: 'S1\\u2066' holds invisible characters (U+2066 LEFT-TO-RIGHT "
        "ISOLATE); read as 'S1'",
        f"{f}:5:unit: warning: '\\u202eClerical' holds invisible characters (U+202E RIGHT-TO-LEFT "
        "OVERRIDE); read as 'Clerical'",
    ]
    assert settlements.select(result.valid, jurisdiction="State of Vermont").shape[0] == 4


# --------------------------------------------------------------------------- encodings


HEADER_UTF16 = [("utf-16-le", b""), ("utf-16-be", b""), ("utf-16-le", b"\xff\xfe"), ("utf-8", b"\xef\xbb\xbf")]


@pytest.mark.parametrize("codec,bom", HEADER_UTF16)
def test_settlements_in_utf16_without_a_bom_are_read(tmp_path, codec, bom):
    text = good_rows(jurisdiction="Städte")[COLUMNS].to_csv(index=False)
    f = tmp_path / "u.csv"
    f.write_bytes(bom + text.encode(codec))
    result = settlements.validate([f])
    assert result.ok and list(result.valid["jurisdiction"]) == ["Städte"] * 2, result.problems()[:2]


@pytest.mark.parametrize("codec,bom", HEADER_UTF16)
def test_roster_salary_and_profile_files_share_the_encoding_rule(tmp_path, codec, bom):
    def save(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_bytes(bom + text.encode(codec))
        return path

    r = roster.read_raw(save("roster.csv", ",".join(roster.COLUMNS) + "\nE1,Clerk,1,2020-01-01,50000,1\n"))
    assert list(r["employee_id"]) == ["E1"]
    s = salaries.read_raw(save("sal.csv", ",".join(salaries.REQUIRED) + "\nTown,U,Clerk,2024-07-01,5,1,2,40\n"))
    assert list(s["jurisdiction"]) == ["Town"]
    p = profiles.read_raw(save("prof.csv", ",".join(profiles.REQUIRED) + "\nTöwn,CT,typed,,2023\n"))
    assert list(p["jurisdiction"]) == ["Töwn"]


def test_decode_text_detects_every_encoding_one_way():
    text = "jurisdiction,state\nSão Paulo,CT\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16"),
                 text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode("utf-32")):
        assert io.decode_text(data) == text, data[:8]
    assert io.decode_text("café".encode("cp1252")) == "café"
    assert io.decode_text(b"\x00\x01\x02garbage") == "\x00\x01\x02garbage"  # not a UTF-16 pattern
    with pytest.raises(io.TextDecodeError, match=r"f.csv: the file looks like UTF-16-LE .* byte 4 is not"):
        io.decode_text(b"\xff\xfea\x00b\x00\x00\xdc", "f.csv")  # a lone surrogate


# --------------------------------------------------------------------------- build outputs


def project_with(tmp_path: Path, frame: pd.DataFrame) -> Path:
    write_csv(tmp_path / "data" / "raw" / "settlements" / "s.csv", frame)
    return tmp_path


def _drop_dac() -> list[str] | None:
    """A command prefix under which root cannot write a read-only folder (None: no such tool)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"] if setpriv else None


def test_a_read_only_processed_folder_is_a_one_line_error(tmp_path):
    prefix = _drop_dac()
    if prefix is None:
        pytest.skip("running as root without setpriv: a read-only folder is writable")
    root = project_with(tmp_path, good_rows())
    processed = root / "data" / "processed"
    processed.mkdir(parents=True)
    processed.chmod(0o555)
    try:
        res = subprocess.run([*prefix, sys.executable, "-c", "from wagebrief.cli import main; main()", "build"],
                             env={**os.environ, "WAGEBRIEF_ROOT": str(root)}, capture_output=True, text=True,
                             timeout=120)
    finally:
        processed.chmod(0o755)
    assert res.returncode == 1, res.stderr
    assert res.stderr == ("error: cannot write data/processed/.build.lock: Permission denied; "
                          "no output was replaced\n"), res.stderr


def test_rejects_csv_replaced_by_a_folder_replaces_no_output(tmp_path):
    root = project_with(tmp_path, good_rows())
    assert cli(["build"], root).exit_code == 0
    processed = root / "data" / "processed"
    before = {p.name: p.read_bytes() for p in processed.iterdir() if p.is_file() and not p.name.startswith(".")}
    (processed / "rejects.csv").unlink()
    (processed / "rejects.csv").mkdir()
    project_with(tmp_path, pd.concat([good_rows(), good_rows(settlement_id="S2", pct="x")], ignore_index=True))
    res = cli(["build"], root)
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == ("error: cannot write data/processed/rejects.csv: it is a folder, not a "
                                           "file (move it away); no output was replaced")
    after = {p.name: p.read_bytes() for p in processed.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == {k: v for k, v in before.items() if k != "rejects.csv"}
    assert not [p for p in processed.iterdir() if p.name.endswith(".tmp")]


def test_a_rename_that_fails_midway_puts_the_old_outputs_back(tmp_path, monkeypatch):
    from wagebrief.config import Paths

    root = project_with(tmp_path, good_rows())
    assert cli(["build"], root).exit_code == 0
    p = Paths(root)
    before = {q: q.read_bytes() for q in build.settlement_outputs(p)}
    real = os.replace

    def flaky(src, dst):
        if Path(dst).name == "rejects.csv":
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(build.os, "replace", flaky)
    result = settlements.validate([root / "data" / "raw" / "settlements"])
    result.valid = result.valid.iloc[:1]  # a different generation
    with pytest.raises(OSError, match="No space left"):
        build.write_processed(result, p)
    assert {q: q.read_bytes() for q in build.settlement_outputs(p)} == before
    assert not [q for q in p.processed.iterdir() if q.name.endswith(".tmp")]


KILLED_MID_RENAME = """
import os, sys
from wagebrief.run import build
from wagebrief.inputs import settlements
from wagebrief.config import Paths
p = Paths()
result = settlements.validate([p.raw_settlements])
real, n = os.replace, []
def replace(src, dst):
    real(src, dst)
    n.append(dst)
    if len(n) == 2:  # the journal, then settlements.parquet: SIGKILL-like, no clean-up runs
        os._exit(9)
commit = build.Generation.commit
def killed_commit(self):
    os.replace = replace  # every file is written; now the renames
    return commit(self)
build.Generation.commit = killed_commit
build.write_processed(result, p)
"""


def test_a_build_killed_between_renames_is_finished_by_the_next_build(tmp_path):
    root = project_with(tmp_path, good_rows())
    assert cli(["build"], root).exit_code == 0
    processed = root / "data" / "processed"
    project_with(tmp_path, pd.concat([good_rows(), good_rows(settlement_id="S2")], ignore_index=True))
    res = subprocess.run([sys.executable, "-c", KILLED_MID_RENAME], env={**os.environ, "WAGEBRIEF_ROOT": str(root)},
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 9, res.stderr
    assert (processed / build.JOURNAL).is_file()
    assert len(pd.read_parquet(processed / "settlements.parquet")) == 4  # renamed before the kill
    assert len(pd.read_parquet(processed / "contracts.parquet")) == 1  # not yet: a mixed generation

    from wagebrief.config import Paths

    renamed = build.finish_interrupted(Paths(root))  # what the next build does first, under its lock
    assert [q.name for q in renamed] == ["contracts.parquet", "fiscal_costs.parquet", "annual_increases.parquet",
                                         "rejects.csv"]
    assert len(pd.read_parquet(processed / "contracts.parquet")) == 2
    assert not (processed / build.JOURNAL).exists()


def test_a_roster_whose_bytes_contradict_its_bom_is_a_one_line_error(tmp_path):
    f = tmp_path / "roster.csv"
    f.write_bytes(b"\xff\xfe" + "employee_id,title".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(roster.RosterFileError, match=re.escape(str(f))):
        roster.read_raw(f)


def test_a_huge_wrong_typed_value_in_a_unit_file_is_cut_in_the_message(tmp_path):
    unit = (ROOT / "comparators/state-clerical.yml").read_text(encoding="utf-8")
    huge = "9" * 50_000
    (tmp_path / "comparators").mkdir()
    f = tmp_path / "comparators/state-clerical.yml"
    f.write_text(unit.replace("cycle_year: 2027", f"cycle_year: '{huge}x'"), encoding="utf-8")
    with pytest.raises(units.UnitError) as exc:
        units.load(f, known_jurisdictions=None)
    assert "cycle_year" in str(exc.value) and len(str(exc.value)) < 2_000
