"""QCEW open-data puller: the real 38-column annual area slice, truncation, suppression, CT's break."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wagebrief.public.pull import qcew, runner
from wagebrief.public.pull.areas import COUNTY, PLANNING_REGION, resolve
from wagebrief.public.pull.http import Request, RetryPolicy
from wagebrief.public.pull.manifest import read_manifest
from wagebrief.public.pull.settings import Comparator

REAL = (Path(__file__).parent / "fixtures" / "qcew" / "2020_a_area_39041.csv").read_bytes()
DELAWARE_OH = Comparator("Delaware County", "OH", "county", fips="39041")


def do_pull(httpserver, root, comps=(DELAWARE_OH,), start=2020, end=2020):
    return runner.pull(["qcew"], start, end, root=root, comparators=list(comps),
                       urls={"qcew": httpserver.url_for("/cew/data/api")},
                       retry=RetryPolicy(attempts=2, sleep=lambda s: None), progress=False)


def suppress_state_gov(data: bytes) -> bytes:
    """The real file with its own_code 2 industry 10 row suppressed as BLS prints it (N, zeros)."""
    lines = data.decode().split("\r\n")
    for i, line in enumerate(lines):
        if line.startswith("39041,2,10,71,"):
            f = line.split(",")
            f[7] = "N"
            f[9:15] = ["0"] * 6
            lines[i] = ",".join(f)
    return "\r\n".join(lines).encode()


def test_success_stores_the_file_and_keeps_the_rows_briefs_use(httpserver, tmp_path):
    httpserver.expect_request("/cew/data/api/2020/a/area/39041.csv").respond_with_data(REAL, content_type="text/csv")
    report = do_pull(httpserver, tmp_path)
    assert report.ok, report.errors
    stored = tmp_path / "data" / "raw" / "qcew" / "2020_a_area_39041.csv"
    assert stored.read_bytes() == REAL
    row = read_manifest(tmp_path).iloc[0]
    assert row["rows"] == 1553 and row["url"] == httpserver.url_for("/cew/data/api/2020/a/area/39041.csv")
    df = qcew.parse(REAL).set_index("own_code")
    assert list(df.index) == [0, 2, 3, 5]
    assert df.loc[3, "annual_avg_emplvl"] == 7704 and df.loc[3, "avg_annual_pay"] == 58432
    assert df.loc[2, "avg_annual_pay"] == 70240 and not df["suppressed"].any()


def test_bls_quoted_layout_parses_the_same():
    header, *rows = REAL.decode().split("\r\n")
    quoted = [",".join(f'"{h}"' for h in header.split(","))]
    for r in rows:
        if r:
            f = r.split(",")
            f[:8] = [f'"{v}"' for v in f[:8]]
            quoted.append(",".join(f))
    data = ("\r\n".join(quoted) + "\r\n").encode()
    req = Request("qcew", "GET", "http://x", "qcew/2020_a_area_39041.csv")
    assert qcew.check(req, data).rows == 1553
    pd.testing.assert_frame_equal(qcew.parse(data), qcew.parse(REAL))


def test_a_truncated_csv_is_refused_and_nothing_is_written(httpserver, tmp_path):
    cut = REAL[: len(REAL) // 2]
    assert not cut.endswith(b"\n")
    httpserver.expect_request("/cew/data/api/2020/a/area/39041.csv").respond_with_data(cut)
    report = do_pull(httpserver, tmp_path)
    assert len(report.errors) == 1
    assert "truncated CSV" in report.errors[0] and report.errors[0].startswith("qcew: http://")
    assert not (tmp_path / "data").exists()


def test_a_file_cut_at_a_field_is_refused():
    lines = REAL.split(b"\r\n")
    cut = b"\r\n".join(lines[:10]) + b"\r\n" + b",".join(lines[10].split(b",")[:20]) + b"\r\n"
    req = Request("qcew", "GET", "http://x", "qcew/2020_a_area_39041.csv")
    with pytest.raises(ValueError, match="line 11 has 20 fields, expected 38"):
        qcew.check(req, cut)


def test_a_file_for_another_area_is_refused():
    req = Request("qcew", "GET", "http://x", "qcew/2020_a_area_09001.csv")
    with pytest.raises(ValueError, match="is for area 39041 year 2020, not 09001 2020"):
        qcew.check(req, REAL)


def test_suppressed_cells_are_missing_never_zero():
    df = qcew.parse(suppress_state_gov(REAL)).set_index("own_code")
    assert df.loc[2, "suppressed"] and df.loc[2, "disclosure_code"] == "N"
    assert pd.isna(df.loc[2, "annual_avg_emplvl"]) and pd.isna(df.loc[2, "avg_annual_pay"])
    assert df.loc[3, "avg_annual_pay"] == 58432  # neighbours untouched


def test_connecticut_comparators_use_counties_through_2023_and_planning_regions_after():
    stamford = resolve(Comparator("City of Stamford", "CT", "municipal"))
    assert stamford.qcew_for(2023).fips == "09001" and stamford.qcew_for(2023).era == COUNTY
    assert stamford.qcew_for(2024).fips == "09190" and stamford.qcew_for(2024).era == PLANNING_REGION
    # A comparator file that names the county gets the county only: no silent switch in 2024.
    county_only = resolve(Comparator("City of Stamford", "CT", "municipal", fips="09001"))
    assert county_only.qcew_for(2023).fips == "09001" and county_only.qcew_for(2024) is None
    region_only = resolve(Comparator("City of Stamford", "CT", "municipal", fips="09190"))
    assert region_only.qcew_for(2023) is None and region_only.qcew_for(2024).fips == "09190"
    # The ACS moved in 2022; the town code stays, its county part changes.
    assert stamford.acs_for(2021).geoid == "0900173070" and stamford.acs_for(2022).geoid == "0919073070"


def test_plan_for_ct_spans_the_break_with_one_file_per_area_year():
    reqs, warnings = runner.plan(["qcew"], 2023, 2024, comparators=[
        Comparator("City of Norwalk", "CT", "municipal"), Comparator("City of Danbury", "CT", "municipal"),
        Comparator("State of Connecticut", "CT", "state"), Comparator("Nowhere", "CT", "municipal")])
    assert [r.path for r in reqs] == [
        "qcew/2023_a_area_09000.csv", "qcew/2023_a_area_09001.csv",
        "qcew/2024_a_area_09000.csv", "qcew/2024_a_area_09190.csv"]
    assert len(warnings) == 1 and "Nowhere" in warnings[0]
