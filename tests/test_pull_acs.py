"""Census ACS 5-year puller: array-of-arrays replies, sentinels, the optional key."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from werkzeug import Response

from wagebrief.public.pull import acs, runner
from wagebrief.public.pull.http import Request, RetryPolicy
from wagebrief.public.pull.manifest import read_manifest
from wagebrief.public.pull.settings import Comparator

REAL = json.loads((Path(__file__).parent / "fixtures" / "acs" /
                   "acs5_2021_B01001_001E_county_IL_api_response.json").read_text())
KEY = "census-KEY-55aa66bb77cc"
ADAMS, ALEXANDER = Comparator("Adams County", "IL", "county", "17001"), Comparator("Alexander County", "IL", "county", "17003")


def derived_reply(rows: int = 2) -> bytes:
    """The real Illinois reply reshaped to the variables the suite asks for.

    B01001_001E (total population, sex-by-age universe) is relabelled B01003_001E (total
    population); B19013_001E is invented here: one ordinary value, one -666666666 sentinel
    ("estimate could not be computed"), and a null when there are more rows.
    """
    header = ["NAME", "B01003_001E", "B19013_001E", "state", "county"]
    out = [header]
    incomes = ["61033", "-666666666", None]
    for i, (name, pop, st, co) in enumerate(REAL[1 : rows + 1]):
        out.append([name, pop, incomes[min(i, 2)], st, co])
    return ("[" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in out) + "]").encode()


def do_pull(httpserver, root, comps=(ADAMS, ALEXANDER)):
    return runner.pull(["acs"], 2021, 2021, root=root, comparators=list(comps),
                       urls={"acs": httpserver.url_for("/data")},
                       retry=RetryPolicy(attempts=2, sleep=lambda s: None), progress=False)


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)


def test_real_reply_shape_is_read():
    assert REAL[0] == ["NAME", "B01001_001E", "state", "county"] and len(REAL) == 103


def test_success_with_a_key_that_is_sent_but_never_written(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", KEY)
    seen = {}

    def handler(request):
        seen.update(request.args)
        return Response(derived_reply(), content_type="application/json")

    httpserver.expect_request("/data/2021/acs/acs5").respond_with_handler(handler)
    report = do_pull(httpserver, tmp_path)
    assert report.ok, report.errors
    assert seen == {"get": "NAME,B01003_001E,B19013_001E", "for": "county:001,003", "in": "state:17", "key": KEY}
    row = read_manifest(tmp_path).iloc[0]
    assert row["path"] == "acs/acs5_2021_county_17.json" and row["rows"] == 2
    assert row["url"] == httpserver.url_for("/data/2021/acs/acs5") + (
        "?get=NAME,B01003_001E,B19013_001E&for=county:001,003&in=state:17")
    assert json.loads(row["params"]) == {"get": "NAME,B01003_001E,B19013_001E", "for": "county:001,003",
                                         "in": "state:17"}
    for f in (tmp_path / "data").rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f
    assert (tmp_path / "data" / "raw" / row["path"]).read_bytes() == derived_reply()


def test_sentinels_and_nulls_become_missing():
    df = acs.parse(derived_reply(3), 2021)
    assert list(df["geoid"]) == ["17001", "17003", "17005"]
    assert df.loc[0, "population"] == 65878 and df.loc[0, "median_hh_income"] == 61033
    assert pd.isna(df.loc[1, "median_hh_income"]) and pd.isna(df.loc[2, "median_hh_income"])
    assert df.loc[1, "population"] == 5488


def test_a_reply_missing_an_asked_geography_warns(httpserver, tmp_path):
    httpserver.expect_request("/data/2021/acs/acs5").respond_with_data(derived_reply(1))
    report = do_pull(httpserver, tmp_path)
    assert report.ok and report.warnings == ["ACS acs/acs5_2021_county_17.json: no row for county 003"]


def test_an_empty_204_reply_and_malformed_json_are_errors(httpserver, tmp_path):
    httpserver.expect_oneshot_request("/data/2021/acs/acs5").respond_with_data(b"", status=204)
    report = do_pull(httpserver, tmp_path)
    assert len(report.errors) == 1 and "empty reply" in report.errors[0]
    httpserver.expect_oneshot_request("/data/2021/acs/acs5").respond_with_data(b"<html>error: unknown variable</html>")
    report = do_pull(httpserver, tmp_path)
    assert "malformed JSON" in report.errors[0] and report.errors[0].startswith("acs: http://")
    assert not (tmp_path / "data").exists()


def test_a_short_row_is_refused():
    bad = derived_reply().replace(b',"17","003"]', b',"17"]')
    req = Request("acs", "GET", "http://x", "acs/a.json", params={"for": "county:001,003"})
    with pytest.raises(ValueError, match="row 2 has 4 values, header has 5"):
        acs.check(req, bad)


def test_ct_towns_are_asked_for_under_their_county_or_planning_region():
    reqs, _ = runner.plan(["acs"], 2021, 2022, comparators=[Comparator("City of New Haven", "CT", "municipal")])
    assert [r.params["in"] for r in reqs] == ["state:09 county:009", "state:09 county:170"]
    assert all(r.params["for"] == "county subdivision:52070" for r in reqs)
