"""BLS Public Data API v2 puller against a local server replaying real-format replies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from werkzeug import Response

from wagebrief.public.pull import bls, runner
from wagebrief.public.pull.http import RetryPolicy
from wagebrief.public.pull.manifest import read_manifest

FIX = Path(__file__).parent / "fixtures" / "bls"
KEY = "blsKEY-0123456789abcdef"
ENDPOINT = "/publicAPI/v2/timeseries/data/"
SERIES = ["CUUR0000SA0", "CUUR0110SA0", "CIU3020000000000I", "CIU3020000000000A"]


def fixture(name: str) -> bytes:
    return (FIX / name).read_bytes()


def do_pull(httpserver, root: Path, series=SERIES, start=2024, end=2025, sleeps=None):
    return runner.pull(
        ["bls"], start, end, root=root, series=series,
        urls={"bls": httpserver.url_for(ENDPOINT)},
        retry=RetryPolicy(attempts=3, sleep=(sleeps if sleeps is not None else []).append),
        progress=False,
    )


def all_written_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv("BLS_API_KEY", raising=False)


def test_plan_splits_series_and_years_within_the_limits():
    many = [f"CUUR0000SA{i:02d}" for i in range(60)]
    keyed = bls.plan(many, 2000, 2025, has_key=True)
    assert len(keyed) == 2 * 2
    assert {(r.body["startyear"], r.body["endyear"]) for r in keyed} == {("2000", "2019"), ("2020", "2025")}
    assert max(len(r.body["seriesid"]) for r in keyed) == 50
    keyless = bls.plan(many, 2000, 2025, has_key=False)
    assert len(keyless) == 3 * 3
    assert max(len(r.body["seriesid"]) for r in keyless) == 25
    for r in keyless:
        assert int(r.body["endyear"]) - int(r.body["startyear"]) + 1 <= 10
    assert len({r.path for r in keyless}) == len(keyless)
    assert sorted({s for r in keyless for s in r.body["seriesid"]}) == sorted(many)


def test_success_is_stored_verbatim_and_recorded(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("BLS_API_KEY", KEY)
    body = fixture("cpi_eci_2024-2025_v2_response.json")
    got = {}

    def handler(request):
        got.update(request.get_json())
        return Response(body, content_type="application/json")

    httpserver.expect_request(ENDPOINT, method="POST").respond_with_handler(handler)
    report = do_pull(httpserver, tmp_path)
    assert report.ok, report.errors
    assert got == {"seriesid": SERIES, "startyear": "2024", "endyear": "2025", "registrationkey": KEY}

    m = read_manifest(tmp_path)
    assert len(m) == 1
    row = m.iloc[0]
    stored = tmp_path / "data" / "raw" / row["path"]
    assert stored.read_bytes() == body
    assert row["source"] == "bls" and row["url"] == httpserver.url_for(ENDPOINT)
    assert json.loads(row["params"]) == {"seriesid": SERIES, "startyear": "2024", "endyear": "2025"}
    assert row["sha256"] == hashlib.sha256(body).hexdigest() and row["bytes"] == len(body)
    assert row["rows"] == len(bls.parse(body))
    assert row["retrieved_at"].endswith("Z") and not row["synthetic"]
    assert KEY.encode() not in all_written_bytes(tmp_path)


def test_footnotes_are_kept_and_p_marks_preliminary():
    df = bls.parse(fixture("LAUCN040010000000005_v2_response.json"))
    assert len(df) == 25
    first = df.iloc[0]
    assert (first["year"], first["period"], first["value"]) == (2023, "M01", 17585)
    assert first["preliminary"] and first["latest"] and first["footnotes"] == "P: Preliminary."
    assert df["preliminary"].sum() == 2 and df["latest"].sum() == 1


def test_request_not_processed_names_the_series_quotes_bls_and_hides_the_key(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("BLS_API_KEY", KEY)
    body = fixture("request_not_processed_v2_response.json").replace(b"{REGISTRATION_KEY}", KEY.encode())
    httpserver.expect_request(ENDPOINT).respond_with_data(body, content_type="application/json")
    report = do_pull(httpserver, tmp_path)
    assert len(report.errors) == 1
    err = report.errors[0]
    assert err.startswith(f"bls: {httpserver.url_for(ENDPOINT)}: BLS status REQUEST_NOT_PROCESSED")
    assert "CUUR0000SA0, CUUR0110SA0, CIU3020000000000I, CIU3020000000000A" in err
    assert "daily threshold for total number of requests" in err
    assert KEY not in err and "registration key ***" in err
    assert not (tmp_path / "data" / "raw" / "bls").exists()
    assert not (tmp_path / "data" / "raw" / "manifest.csv").exists()


def test_an_empty_series_is_a_warning_kept_in_the_manifest(httpserver, tmp_path):
    httpserver.expect_request(ENDPOINT).respond_with_data(fixture("empty_series_v2_response.json"))
    report = do_pull(httpserver, tmp_path, series=["CUUR0110SA0"], start=2030, end=2030)
    assert report.ok
    assert report.warnings == [
        'CUUR0110SA0: no observations returned (BLS: "No Data Available for Series CUUR0110SA0 Year: 2030")']
    row = read_manifest(tmp_path).iloc[0]
    assert row["rows"] == 0 and "No Data Available" in row["note"]


def test_malformed_json_fails_cleanly(httpserver, tmp_path):
    httpserver.expect_request(ENDPOINT).respond_with_data(b'{"status":"REQUEST_SUCC', content_type="application/json")
    report = do_pull(httpserver, tmp_path)
    assert len(report.errors) == 1 and "malformed JSON" in report.errors[0]
    assert report.errors[0].startswith("bls: http://")
    assert not (tmp_path / "data" / "raw" / "bls").exists()


def test_a_500_then_success_and_a_429_with_retry_after(httpserver, tmp_path):
    body = fixture("cpi_eci_2024-2025_v2_response.json")
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data("Internal error", status=500)
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data("busy", status=429, headers={"Retry-After": "3"})
    httpserver.expect_request(ENDPOINT).respond_with_data(body)
    sleeps: list[float] = []
    report = do_pull(httpserver, tmp_path, sleeps=sleeps)
    assert report.ok and sleeps == [1.0, 3.0]
    assert report.outcomes["bls"]["new"] == 1


def test_re_pulling_unchanged_data_changes_nothing(httpserver, tmp_path):
    body = fixture("cpi_eci_2024-2025_v2_response.json")
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data(body)
    assert do_pull(httpserver, tmp_path).ok
    manifest = tmp_path / "data" / "raw" / "manifest.csv"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "data").rglob("*") if p.is_file()}
    # BLS's responseTime differs on every call; the data does not.
    again = body.replace(b'"responseTime":187', b'"responseTime":231')
    assert again != body
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data(again)
    report = do_pull(httpserver, tmp_path)
    assert report.outcomes["bls"] == {"unchanged": 1}
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "data").rglob("*") if p.is_file()}
    assert after == before and manifest in after

    revised = body.replace(b'"value":"324.054"', b'"value":"324.055"')
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data(revised)
    report = do_pull(httpserver, tmp_path)
    assert report.outcomes["bls"] == {"updated": 1}
    m = read_manifest(tmp_path)
    assert len(m) == 1 and m.iloc[0]["sha256"] == hashlib.sha256(revised).hexdigest()


def test_a_key_echoed_in_a_reply_is_never_written(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("BLS_API_KEY", KEY)
    doc = json.loads(fixture("cpi_eci_2024-2025_v2_response.json"))
    doc["message"] = [f"registration key {KEY} accepted"]
    httpserver.expect_request(ENDPOINT).respond_with_json(doc)
    report = do_pull(httpserver, tmp_path)
    assert report.ok
    assert KEY.encode() not in all_written_bytes(tmp_path)
    row = read_manifest(tmp_path).iloc[0]
    assert "replaced by ***" in row["note"]
    assert b"registration key *** accepted" in (tmp_path / "data" / "raw" / row["path"]).read_bytes()
