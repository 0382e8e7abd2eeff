"""Raw storage and the manifest: atomic files, no line without its file, interrupted pulls, the CLI."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import wagebrief.io
from wagebrief.cli import app
from wagebrief.public.pull import manifest, runner
from wagebrief.public.pull.http import RetryPolicy
from wagebrief.public.pull.manifest import read_manifest
from wagebrief.public.pull.settings import Comparator

FIX = Path(__file__).parent / "fixtures"
REAL_QCEW = (FIX / "qcew" / "2020_a_area_39041.csv").read_bytes()
# A second area for a two-file pull: the real file with its area code changed (derived here).
OTHER_QCEW = REAL_QCEW.replace(b"\n39041,", b"\n39049,")
COMPS = [Comparator("Delaware County", "OH", "county", "39041"), Comparator("Franklin County", "OH", "county", "39049")]


def serve_two(httpserver):
    httpserver.expect_request("/api/2020/a/area/39041.csv").respond_with_data(REAL_QCEW)
    httpserver.expect_request("/api/2020/a/area/39049.csv").respond_with_data(OTHER_QCEW)


def do_pull(httpserver, root):
    return runner.pull(["qcew"], 2020, 2020, root=root, comparators=COMPS, urls={"qcew": httpserver.url_for("/api")},
                       retry=RetryPolicy(attempts=1, sleep=lambda s: None), progress=False)


def assert_consistent(root: Path) -> None:
    """Every manifest line has its complete file; no temporary file is left anywhere."""
    raw = root / "data" / "raw"
    for row in read_manifest(root).itertuples():
        data = (raw / row.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.bytes
    assert not [p for p in root.rglob("*.tmp")]


def test_an_interrupted_pull_leaves_complete_files_with_lines_and_nothing_partial(httpserver, tmp_path, monkeypatch):
    serve_two(httpserver)
    real_replace = os.replace

    def dying_replace(src, dst, *a, **kw):
        if str(dst).endswith("2020_a_area_39049.csv"):
            raise KeyboardInterrupt  # the analyst presses Ctrl-C while the second file lands
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(wagebrief.io.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        do_pull(httpserver, tmp_path)
    raw = tmp_path / "data" / "raw"
    assert (raw / "qcew" / "2020_a_area_39041.csv").read_bytes() == REAL_QCEW
    assert not (raw / "qcew" / "2020_a_area_39049.csv").exists()
    assert list(read_manifest(tmp_path)["path"]) == ["qcew/2020_a_area_39041.csv"]
    assert_consistent(tmp_path)


def test_an_interrupt_mid_write_leaves_no_file_and_no_line(httpserver, tmp_path, monkeypatch):
    serve_two(httpserver)

    def dying_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(wagebrief.io.os, "fsync", dying_fsync)
    with pytest.raises(KeyboardInterrupt):
        do_pull(httpserver, tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_file_without_its_line_is_recorded_by_the_next_pull(httpserver, tmp_path):
    serve_two(httpserver)
    target = tmp_path / "data" / "raw" / "qcew" / "2020_a_area_39041.csv"
    wagebrief.io.write_bytes(target, REAL_QCEW)  # as an interrupted pull may leave it
    report = do_pull(httpserver, tmp_path)
    assert dict(report.outcomes["qcew"]) == {"recorded": 1, "new": 1}
    assert len(read_manifest(tmp_path)) == 2
    assert_consistent(tmp_path)


def test_the_manifest_refuses_a_line_without_its_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not in data/raw"):
        manifest.upsert(tmp_path, {"source": "qcew", "path": "qcew/missing.csv"})
    assert not (tmp_path / "data" / "raw" / "manifest.csv").exists()


def test_the_manifest_refuses_a_key_in_url_or_params(tmp_path):
    with pytest.raises(ValueError, match="key reached"):
        manifest.store(tmp_path, source="acs", path="acs/a.json", data=b"[]", url="http://x?key=SECRETKEY",
                       params={}, rows=0, secrets=["SECRETKEY"])


def test_manifest_columns_and_other_sources_lines_are_kept(httpserver, tmp_path):
    raw = tmp_path / "data" / "raw"
    wagebrief.io.write_bytes(raw / "settlements" / "s.csv", b"x\n")
    manifest.upsert(tmp_path, {"source": "settlements", "path": "settlements/s.csv", "synthetic": True})
    serve_two(httpserver)
    do_pull(httpserver, tmp_path)
    m = read_manifest(tmp_path)
    assert list(m.columns) == manifest.MANIFEST_COLUMNS
    assert set(m["source"]) == {"qcew", "settlements"} and bool(m.set_index("source").at["settlements", "synthetic"])


def test_dry_run_lists_requests_offline_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    monkeypatch.setenv("BLS_API_KEY", "dry-run-secret-key")
    monkeypatch.setenv("CENSUS_API_KEY", "dry-run-census-key")
    result = CliRunner().invoke(app, ["pull", "--dry-run", "--start-year", "2023", "--end-year", "2024"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "POST https://api.bls.gov/publicAPI/v2/timeseries/data/" in out
    assert "GET https://data.bls.gov/cew/data/api/2024/a/area/09190.csv -> data/raw/qcew/2024_a_area_09190.csv" in out
    assert "GET https://data.bls.gov/cew/data/api/2023/a/area/09001.csv" in out
    assert "for=county%20subdivision:" in out
    assert "secret" not in out and "census-key" not in out
    assert "request(s) planned; dry run" in out
    assert not any(tmp_path.rglob("*"))


def test_cli_pull_against_a_local_server_and_its_one_line_error(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    monkeypatch.delenv("BLS_API_KEY", raising=False)
    monkeypatch.setenv("WAGEBRIEF_BLS_URL", httpserver.url_for("/bls/"))
    body = (FIX / "bls" / "cpi_eci_2024-2025_v2_response.json").read_bytes()
    httpserver.expect_request("/bls/", method="POST").respond_with_data(body)
    result = CliRunner().invoke(app, ["pull", "--source", "bls", "--start-year", "2024", "--end-year", "2025",
                                      "--no-build"])
    assert result.exit_code == 0, result.output
    assert "BLS_API_KEY is not set" in result.output and "bls: 1 new" in result.output
    assert len(read_manifest(tmp_path)) == 1

    httpserver.clear()
    httpserver.expect_request("/bls/").respond_with_data("gone", status=404)
    result = CliRunner().invoke(app, ["pull", "--source", "bls", "--start-year", "2024", "--end-year", "2025",
                                      "--no-build"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: bls: {httpserver.url_for('/bls/')}: HTTP 404 NOT FOUND"]
