"""Processed CPI, ECI and comparator-profile tables, and the shipped public-data snapshot."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wagebrief.public import pulled_profiles, series
from wagebrief.public.pull import manifest
from wagebrief.public.pull.settings import Comparator

TESTS = Path(__file__).parent
FIX = TESTS / "fixtures"
REPO = TESTS.parent
QCEW_OH = (FIX / "qcew" / "2020_a_area_39041.csv").read_bytes()
STAMFORD = Comparator("City of Stamford", "CT", "municipal")


def db_months(series_id: str, year: int) -> dict[int, float]:
    con = sqlite3.connect(series._cpi_db_path())
    rows = con.execute("SELECT period, value FROM indexes WHERE series=? AND year=?", (series_id, year)).fetchall()
    con.close()
    return {int(p[1:]): v for p, v in rows}


def put(root: Path, source: str, path: str, data: bytes, synthetic: bool = False, rows: int = 1, **kw) -> None:
    manifest.store(root, source=source, path=path, data=data, url=f"http://test/{path}", params={}, rows=rows,
                   synthetic=synthetic, **kw)


# --------------------------------------------------------------------------- CPI


def test_importing_cpi_through_the_suite_is_quiet():
    code = "from wagebrief.public.series import import_cpi; import_cpi()"
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "out of date" not in done.stderr


def test_cpi_monthly_from_the_cpi_package_keeps_gaps_and_names_its_vintage(tmp_path):
    df = series.cpi_monthly("CUUR0000SA0", root=tmp_path)
    have = df.dropna(subset=["value"])
    latest = have["date"].max().strftime("%Y-%m")
    assert set(df["vintage"]) == {f"BLS CPI-U via cpi package database, latest {latest}"}
    assert not df["synthetic"].any() and (df["source"] == series.CPI_DB_SOURCE).all()
    oct25 = df[df["date"] == "2025-10-01"]
    assert len(oct25) == 1 and oct25["value"].isna().all()  # BLS never published October 2025
    dec = df.set_index("date").loc["2025-12-01"]
    m24, m25 = db_months("CUUR0000SA0", 2024), db_months("CUUR0000SA0", 2025)
    assert dec["yoy_pct"] == pytest.approx((m25[12] / m24[12] - 1) * 100)
    assert pd.isna(df.set_index("date").loc["2026-10-01", "yoy_pct"]) if "2026-10-01" in set(
        df["date"].dt.strftime("%Y-%m-%d")) else True


def test_cpi_annual_calendar_matches_bls_annual_average_including_2025(tmp_path):
    a = series.cpi_annual("CUUR0000SA0", "calendar", root=tmp_path).set_index("year")
    m25 = db_months("CUUR0000SA0", 2025)
    assert 10 not in m25
    # BLS's own 2025 annual average (period M13) is the mean of the 11 published months.
    assert a.loc[2025, "value"] == pytest.approx(m25[13], abs=5e-4)
    assert a.loc[2025, "n_months"] == 11 and a.loc[2025, "missing_months"] == "2025-10"
    m24 = db_months("CUUR0000SA0", 2024)
    assert a.loc[2024, "value"] == pytest.approx(sum(m24[i] for i in range(1, 13)) / 12)
    assert a.loc[2024, "value"] == pytest.approx(m24[13], abs=5e-4)
    assert a.loc[2025, "yoy_pct"] == pytest.approx((a.loc[2025, "value"] / a.loc[2024, "value"] - 1) * 100)
    latest = series.cpi_monthly("CUUR0000SA0", root=tmp_path).dropna(subset=["value"])["date"].max()
    if latest.month < 12:
        assert latest.year not in a.index  # a year not yet over is not averaged


def test_cpi_annual_fiscal_years_are_named_by_the_year_they_end(tmp_path):
    a = series.cpi_annual("CUUR0110SA0", "fiscal", 7, root=tmp_path).set_index("year")
    m24, m25 = db_months("CUUR0110SA0", 2024), db_months("CUUR0110SA0", 2025)
    fy25 = [m24[m] for m in range(7, 13)] + [m25[m] for m in range(1, 7)]
    assert a.loc[2025, "label"] == "FY2025" and a.loc[2025, "n_months"] == 12
    assert a.loc[2025, "value"] == pytest.approx(sum(fy25) / 12)
    assert (a["basis"] == "fiscal").all() and (a["fy_start_month"] == 7).all()
    cal = series.cpi_annual("CUUR0110SA0", "calendar", root=tmp_path)
    jan = series.cpi_annual("CUUR0110SA0", "fiscal", 1, root=tmp_path)
    pd.testing.assert_series_equal(cal["value"], jan["value"])
    fy = series.fiscal_year(pd.Series(pd.to_datetime(["2024-06-01", "2024-07-01", "2025-06-01"])), 7)
    assert list(fy) == [2024, 2025, 2025]


def test_a_pulled_bls_file_replaces_the_cpi_package(tmp_path):
    body = (FIX / "bls" / "cpi_eci_2024-2025_v2_response.json").read_bytes()
    put(tmp_path, "bls", "bls/CUUR0000SA0-plus3_2024-2025_x.json", body, retrieved_at="2026-11-20T10:00:00Z")
    df = series.cpi_monthly("CUUR0000SA0", root=tmp_path)
    assert df["date"].min() == pd.Timestamp("2024-01-01") and df["date"].max() == pd.Timestamp("2025-12-01")
    assert set(df["vintage"]) == {"pulled 2026-11-20T10:00:00Z"}
    assert df["source"].str.startswith("BLS Public Data API v2").all()
    assert df.set_index("date").loc["2025-12-01", "value"] == pytest.approx(324.054)
    # CUUR0100SA0 is not in the pulled file: it still comes from the cpi package.
    assert (series.cpi_monthly("CUUR0100SA0", root=tmp_path)["source"] == series.CPI_DB_SOURCE).all()


# --------------------------------------------------------------------------- ECI


def test_eci_from_the_shipped_published_values_keeps_gaps_and_sources(tmp_path):
    csv = (FIX / "eci_state_local_wages.csv").read_bytes()
    put(tmp_path, "eci", "eci/eci_state_local_wages.csv", csv, rows=31)
    e = series.eci(tmp_path)
    assert (e["period_end"].iloc[0], e["period_end"].iloc[-1]) == ("2006-12", "2026-03")
    assert len(e) == 4 * 20 - 3 + 1  # every quarter 2006Q4..2026Q1
    assert e["pct_12m"].notna().sum() == 25 and e["index"].notna().sum() == 6  # nothing filled
    last = e.iloc[-1]
    assert (last["index"], last["pct_12m"]) == (165.678, 3.4)
    assert last["source_url"] == "http://www.bls.gov/news.release/eci.t11.htm"
    gap = e[e["period_end"] == "2025-06"].iloc[0]
    assert pd.isna(gap["index"]) and pd.isna(gap["pct_12m"]) and gap["source_url"] == ""
    assert not e["synthetic"].any()


def test_eci_from_a_pull_wins_and_keeps_gaps(tmp_path):
    put(tmp_path, "eci", "eci/eci_state_local_wages.csv", (FIX / "eci_state_local_wages.csv").read_bytes())
    put(tmp_path, "bls", "bls/pulled.json", (FIX / "bls" / "cpi_eci_2024-2025_v2_response.json").read_bytes())
    e = series.eci(tmp_path).set_index("period_end")
    assert list(e.index) == ["2025-03", "2025-06", "2025-09", "2025-12"]
    assert e.loc["2025-03", "index"] == 160.2 and e.loc["2025-12", "pct_12m"] == 3.3
    assert e.loc[["2025-06", "2025-09"], "index"].isna().all()
    assert e.loc["2025-03", "release"].startswith("BLS Public Data API v2, retrieved ")


# --------------------------------------------------------------------------- comparator profile


def ct_qcew(fips: str, year: int, suppress_state: bool = False) -> bytes:
    """The real Ohio slice re-keyed to a Connecticut area and year (derived here for the test)."""
    text = QCEW_OH.decode().replace("\r\n39041,", f"\r\n{fips},").replace(",2020,A,", f",{year},A,")
    if suppress_state:
        lines = text.split("\r\n")
        for i, line in enumerate(lines):
            if line.startswith(f"{fips},2,10,"):
                f = line.split(",")
                f[7], f[9:15] = "N", ["0"] * 6
                lines[i] = ",".join(f)
        text = "\r\n".join(lines)
    return text.encode()


def acs_town(county: str, pop: str, income: str) -> bytes:
    rows = [["NAME", "B01003_001E", "B19013_001E", "state", "county", "county subdivision"],
            ["Stamford town, somewhere, Connecticut", pop, income, "09", county, "73070"]]
    return json.dumps(rows).encode()


@pytest.fixture
def ct_root(tmp_path):
    put(tmp_path, "qcew", "qcew/2023_a_area_09001.csv", ct_qcew("09001", 2023), synthetic=True)
    put(tmp_path, "qcew", "qcew/2024_a_area_09190.csv", ct_qcew("09190", 2024, suppress_state=True), synthetic=True)
    put(tmp_path, "acs", "acs/acs5_2021_county-subdivision_09_001.json", acs_town("001", "135000", "99000"))
    put(tmp_path, "acs", "acs/acs5_2023_county-subdivision_09_190.json", acs_town("190", "136000", "-666666666"))
    return tmp_path


def test_profile_row_says_which_geography_and_year_each_figure_uses(ct_root):
    p = pulled_profiles.build_comparator_profile(ct_root, [STAMFORD]).iloc[0]
    assert (p["population"], p["population_year"]) == (136000, 2023)
    assert pd.isna(p["median_hh_income"]) and p["median_hh_income_year"] == 2023  # sentinel -> missing
    assert p["acs_geoid"] == "0919073070" and p["acs_geography_era"] == "ct_planning_region"
    assert p["qcew_year"] == 2024 and p["qcew_area_fips"] == "09190"
    assert p["qcew_area_name"] == "Western Connecticut Planning Region"
    assert p["qcew_geography_era"] == "ct_planning_region" and not p["ct_geography_mixed"]
    assert pd.isna(p["state_gov_avg_annual_pay"]) and pd.isna(p["state_local_gov_avg_annual_pay"])
    assert p["local_gov_avg_annual_pay"] == 58432 and p["local_gov_employment"] == 7704
    assert "suppressed" in p["note"] and "Western Connecticut Planning Region" in p["note"]
    assert p["synthetic"] and "SYNTHETIC" in p["source"]


def test_a_comparator_file_naming_the_county_stays_in_the_county_era(ct_root):
    p = pulled_profiles.build_comparator_profile(ct_root, [Comparator("City of Stamford", "CT", "municipal", "09001")]).iloc[0]
    assert p["qcew_year"] == 2023 and p["qcew_area_fips"] == "09001" and p["qcew_geography_era"] == "county"
    assert p["state_local_gov_avg_annual_pay"] == pytest.approx((25356542 + 450165575) / (361 + 7704))
    assert p["state_local_gov_employment"] == 361 + 7704
    # ACS comes from the 2023 town row (planning-region era) while QCEW is county-era: flagged.
    assert p["ct_geography_mixed"] and "different Connecticut geographies" in p["note"]


def test_qcew_history_refuses_to_join_across_the_ct_break_unless_asked_to_flag(ct_root):
    with pytest.raises(pulled_profiles.GeographyBreakError, match=r"City of Stamford: QCEW years \[2023\] .* \[2024\]"):
        pulled_profiles.qcew_history(ct_root, [STAMFORD])
    h = pulled_profiles.qcew_history(ct_root, [STAMFORD], on_break="flag")
    assert h["geography_break"].all() and set(h["area_fips"]) == {"09001", "09190"}
    one_era = pulled_profiles.qcew_history(ct_root, [Comparator("City of Stamford", "CT", "municipal", "09190")])
    assert set(one_era["year"]) == {2024} and not one_era["geography_break"].any()


# --------------------------------------------------------------------------- build, vintages


def test_build_series_writes_the_processed_tables_and_vintages(ct_root):
    shutil.copy(FIX / "eci_state_local_wages.csv", ct_root / "x.csv")
    put(ct_root, "eci", "eci/eci_state_local_wages.csv", (ct_root / "x.csv").read_bytes())
    written = series.build_series(ct_root)
    assert set(written) == {"cpi", "cpi_annual", "eci", "comparator_profile"}
    for path in written.values():
        assert path.is_file() and path.parent == ct_root / "data" / "processed"
    cpi = pd.read_parquet(written["cpi"])
    assert {"CUUR0000SA0", "CUUR0100SA0", "CUUR0110SA0"} <= set(cpi["series_id"])
    annual = pd.read_parquet(written["cpi_annual"])
    assert set(annual["basis"]) == {"calendar", "fiscal"}
    v = series.vintages(ct_root)
    assert v["eci_latest_quarter"] == "2026-Q1" and not v["eci_synthetic"]
    assert v["cpi_source"].startswith("BLS CPI-U via cpi package database, latest ")
    assert v["profile_synthetic"] and v["synthetic"] == ["comparator_profile"]
    assert not list(ct_root.rglob("*.tmp"))


# --------------------------------------------------------------------------- the shipped snapshot


def test_the_shipped_snapshot_is_consistent_and_labelled():
    m = manifest.read_manifest(REPO)
    mine = m[m["source"].isin(["bls", "qcew", "acs", "eci"])]
    assert len(mine) > 0
    raw = REPO / "data" / "raw"
    for row in mine.itertuples():
        data = (raw / row.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.bytes, row.path
        assert "key=" not in row.url and "registrationkey" not in row.params
    assert mine[mine["source"].isin(["qcew", "acs"])]["synthetic"].all()
    eci_row = mine[mine["source"] == "eci"].iloc[0]
    assert not eci_row["synthetic"]
    assert (raw / eci_row["path"]).read_bytes() == (FIX / "eci_state_local_wages.csv").read_bytes()
    listed = set(mine["path"])
    on_disk = {p.relative_to(raw).as_posix() for d in ("bls", "qcew", "acs", "eci") if (raw / d).is_dir()
               for p in (raw / d).rglob("*") if p.is_file() and p.suffix in (".csv", ".json")}
    assert on_disk == listed


def test_the_snapshot_script_reproduces_the_shipped_files(tmp_path):
    raw = REPO / "data" / "raw"
    (tmp_path / "data" / "raw" / "eci").mkdir(parents=True)
    shutil.copy(raw / "eci" / "eci_state_local_wages.csv", tmp_path / "data" / "raw" / "eci")
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_public_data.py"), "--root", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for sub in ("qcew", "acs"):
        for f in (raw / sub).iterdir():
            if f.suffix not in (".csv", ".json"):
                continue  # READMEs are written by hand
            assert (tmp_path / "data" / "raw" / sub / f.name).read_bytes() == f.read_bytes(), f.name


def test_the_shipped_profile_is_synthetic_and_says_so():
    from wagebrief.public.pull.settings import demo_comparators

    p = pulled_profiles.build_comparator_profile(REPO, demo_comparators())  # independent of the unit files
    assert len(p) > 0 and p["synthetic"].all()
    assert p["source"].str.contains("SYNTHETIC").all()
    assert p["population"].notna().all() and p["qcew_year"].notna().all()


def test_profile_keeps_acs_and_qcew_sources_apart(ct_root):
    # ct_root's ACS files are real-format, unflagged; its QCEW files are marked synthetic.
    p = pulled_profiles.build_comparator_profile(ct_root, [STAMFORD]).iloc[0]
    assert not p["acs_synthetic"] and p["qcew_synthetic"]
    assert "Census ACS 5-year 2023" in p["acs_source"] and "SYNTHETIC" not in p["acs_source"]
    assert "QCEW" in p["qcew_source"] and "SYNTHETIC" in p["qcew_source"]


def test_an_unplaceable_comparator_is_noted_in_its_row_not_warned_into_a_brief(ct_root, caplog):
    town = Comparator("Town of Nowhere", "CT", "municipal")
    with caplog.at_level("WARNING", logger="wagebrief.public.pulled_profiles"):
        p = pulled_profiles.build_comparator_profile(ct_root, [town]).iloc[0]
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    assert "no geography known" in p["note"] and "data/raw/profiles/" in p["note"]
    assert pd.isna(p["population"])
