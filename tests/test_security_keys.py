"""API keys and the pull (issue 13, "API keys"): what each test defends against, at a glance.

- A key echoed by a server reaches no warning, note, error, manifest field or stderr line, and is
  redacted before any reply is quoted and cut short (no key prefix survives a truncation).
- A URL-encoded key (quote, quote_plus, any hex case) is redacted like the raw one.
- A redirect to another scheme, host or port is refused, so a key never leaves for it; a
  same-host redirect is followed and the final URL is recorded in the manifest.
- Every request has a wall-clock deadline (a slow drip, a stalled body), and the pull a bound.
- A series id, area code or manifest path cannot make a pull write, or series read, outside
  data/raw.
- An unreadable manifest is a one-line error naming the file, exit 1, never a traceback.

Servers are local: pytest-httpserver replaying the real APIs' reply formats, and, for replies
that stall mid-header or mid-body (which a WSGI server cannot produce), a tiny socket server.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from wagebrief.cli import app
from wagebrief.public.pull import acs, manifest, qcew, runner
from wagebrief.public.pull.http import Client, PullError, Redactor, Request, RetryPolicy
from wagebrief.public.pull.manifest import read_manifest
from wagebrief.public.pull.settings import Comparator

FIX = Path(__file__).parent / "fixtures"
BLS_KEY = "blsKEY-0123456789abcdef0123456789"
ACS_KEY = "census0123456789abcdef0123456789abcdef0123"
# Not a real key's alphabet, so every URL-encoding of it differs from the raw text.
ODD_KEY = "Key/With+Special=Chars and space&more"
ENDPOINT = "/publicAPI/v2/timeseries/data/"
REAL_QCEW = (FIX / "qcew" / "2020_a_area_39041.csv").read_bytes()
DELAWARE = Comparator("Delaware County", "OH", "county", "39041")


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch):
    monkeypatch.delenv("BLS_API_KEY", raising=False)
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    monkeypatch.delenv("WAGEBRIEF_CPI_SERIES", raising=False)


def written(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def prefixes(key: str, n: int = 8) -> list[str]:
    """Every run of ``n`` characters of ``key``: none may survive anywhere."""
    return [key[i:i + n] for i in range(len(key) - n + 1)]


def no_key_in(text: str | bytes, key: str) -> bool:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    forms = prefixes(key) + prefixes(quote(key, safe="")) + prefixes(quote_plus(key))
    return not any(f in text for f in forms)


def quick(attempts: int = 1) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, sleep=lambda s: None)


# --------------------------------------------------------------------------- redaction


def test_a_key_echoed_in_a_bls_message_reaches_no_warning_note_or_stderr(httpserver, tmp_path, monkeypatch):
    """BLS's message echoes the registration key beside an empty series: the warning is printed
    and kept as the manifest note (a committed file), so it must be redacted there too."""
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    monkeypatch.setenv("BLS_API_KEY", BLS_KEY)
    monkeypatch.setenv("WAGEBRIEF_BLS_URL", httpserver.url_for(ENDPOINT))
    doc = json.loads((FIX / "bls" / "empty_series_v2_response.json").read_bytes())
    doc["message"] = [f"No Data Available for Series CUUR0110SA0 Year: 2030 (registration key {BLS_KEY})"]
    httpserver.expect_request(ENDPOINT, method="POST").respond_with_json(doc)
    monkeypatch.setattr("wagebrief.public.pull.settings.bls_series", lambda **kw: ["CUUR0110SA0"])
    result = CliRunner().invoke(app, ["pull", "--source", "bls", "--start-year", "2030", "--end-year", "2030",
                                      "--no-build"])
    assert result.exit_code == 0, result.output
    assert "warning: CUUR0110SA0: no observations returned" in result.output
    assert "registration key ***" in result.output
    assert no_key_in(result.output, BLS_KEY)
    row = manifest.manifest_row(tmp_path, read_manifest(tmp_path).iloc[0]["path"])
    assert "No Data Available" in row["note"] and "registration key ***" in row["note"]
    assert no_key_in(written(tmp_path), BLS_KEY)


def test_an_acs_reply_is_redacted_before_it_is_cut_to_60_bytes(httpserver, tmp_path, monkeypatch):
    """A non-JSON reply is quoted by its first 60 bytes; cut first, a key prefix would survive
    because the cut key no longer matches the redaction."""
    monkeypatch.setenv("CENSUS_API_KEY", ACS_KEY)
    body = f"error: invalid key {ACS_KEY} for this API; see https://api.census.gov/data/key_signup.html"
    assert len("error: invalid key ") < 60 < len("error: invalid key " + ACS_KEY)
    httpserver.expect_request("/data/2021/acs/acs5").respond_with_data(body, content_type="text/plain")
    report = runner.pull(["acs"], 2021, 2021, root=tmp_path, comparators=[DELAWARE],
                         urls={"acs": httpserver.url_for("/data")}, retry=quick(), progress=False)
    assert len(report.errors) == 1 and "malformed JSON" in report.errors[0]
    assert "reply begins 'error: invalid key ***" in report.errors[0]
    assert no_key_in(report.errors[0], ACS_KEY)


def test_a_url_encoded_key_in_a_connection_error_is_redacted():
    """urllib3 names the URL it could not reach, with the key percent-encoded in its query."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = Request("acs", "GET", f"http://127.0.0.1:{port}/data/2021/acs/acs5", "acs/x.json",
                params={"for": "state:09"}, key_param="key")
    with pytest.raises(PullError) as exc:
        Client(keys={"acs": ODD_KEY}, retry=quick(), timeout=(1, 1)).fetch(r)
    msg = str(exc.value)
    assert "ConnectionError" in msg and "key=***" in msg
    assert no_key_in(msg, ODD_KEY)


@pytest.mark.parametrize("form", [
    ODD_KEY, quote(ODD_KEY), quote(ODD_KEY, safe=""), quote_plus(ODD_KEY), re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), quote(ODD_KEY, safe="")),
    quote(quote(ODD_KEY, safe=""), safe=""), json.dumps(ODD_KEY)[1:-1].replace("/", "\\/"),
], ids=["raw", "quote", "quote-nosafe", "quote_plus", "lowercase-hex", "double", "json-escaped"])
def test_redaction_covers_every_form_a_key_travels_in(form):
    red = Redactor([ODD_KEY, None, ""])
    text = f"GET /d?key={form}&for=state:09 failed"
    assert red.text(text) == "GET /d?key=***&for=state:09 failed"
    assert red.data(text.encode()) == b"GET /d?key=***&for=state:09 failed"
    assert red.found(text) and not red.found("GET /d?key=***")


def test_log_records_from_any_logger_are_redacted(caplog):
    """A filter on 'urllib3' misses its child loggers; a record factory does not."""
    Client(keys={"acs": ODD_KEY})
    with caplog.at_level("DEBUG"):
        import logging

        logging.getLogger("urllib3.connection").debug("sent %s", f"/d?key={quote_plus(ODD_KEY)}")
    assert [r.getMessage() for r in caplog.records] == ["sent /d?key=***"]


# --------------------------------------------------------------------------- redirects


@pytest.fixture(scope="module")
def _elsewhere_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def elsewhere(_elsewhere_server) -> HTTPServer:
    """A second server, on another port: the host a redirect tries to send the key to."""
    _elsewhere_server.clear()
    _elsewhere_server.expect_request("/steal").respond_with_data("stolen")
    return _elsewhere_server


def _bls_pull(httpserver, root: Path) -> runner.PullReport:
    return runner.pull(["bls"], 2024, 2025, root=root, series=["CUUR0000SA0"],
                       urls={"bls": httpserver.url_for(ENDPOINT)}, retry=quick(), progress=False)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("target", ["port", "host", "scheme"])
def test_a_redirect_to_another_host_never_receives_the_key(httpserver, elsewhere, tmp_path, monkeypatch,
                                                           status, target):
    monkeypatch.setenv("BLS_API_KEY", BLS_KEY)
    assert httpserver.host == "localhost" and elsewhere.host == "127.0.0.1"
    location = {
        "port": elsewhere.url_for("/steal").replace("127.0.0.1", "localhost"),  # same name, other port
        "host": httpserver.url_for("/steal").replace("localhost", "127.0.0.1"),  # same port, other name
        "scheme": httpserver.url_for("/steal").replace("http://", "https://"),
    }[target]
    httpserver.expect_request(ENDPOINT).respond_with_data("", status=status, headers={"Location": location})
    report = _bls_pull(httpserver, tmp_path)
    assert len(report.errors) == 1 and f"refused a redirect (HTTP {status}) to {location}" in report.errors[0]
    assert elsewhere.log == []  # not even a keyless request went there
    assert [req.path for req, _ in httpserver.log] == [ENDPOINT]
    assert not (tmp_path / "data").exists()


def test_a_redirect_location_carrying_the_key_is_redacted_in_the_error(httpserver, elsewhere, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", ODD_KEY)
    httpserver.expect_request("/data/2021/acs/acs5").respond_with_handler(
        lambda request: Response("", status=302, headers={
            "Location": elsewhere.url_for("/steal") + "?key=" + quote(request.args["key"], safe="")}))
    report = runner.pull(["acs"], 2021, 2021, root=tmp_path, comparators=[DELAWARE],
                         urls={"acs": httpserver.url_for("/data")}, retry=quick(), progress=False)
    assert "refused a redirect" in report.errors[0] and "/steal?key=***" in report.errors[0]
    assert no_key_in(report.errors[0], ODD_KEY) and elsewhere.log == []


def test_a_same_host_redirect_is_followed_and_the_final_url_recorded(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("BLS_API_KEY", BLS_KEY)
    body = (FIX / "bls" / "cpi_eci_2024-2025_v2_response.json").read_bytes()
    got = {}

    def moved(request):
        got.update(request.get_json())
        return Response(body, content_type="application/json")

    httpserver.expect_request(ENDPOINT).respond_with_data("", status=308, headers={"Location": "/v2/moved/"})
    httpserver.expect_request("/v2/moved/", method="POST").respond_with_handler(moved)
    report = runner.pull(["bls"], 2024, 2025, root=tmp_path, series=["CUUR0000SA0", "CUUR0110SA0",
                                                                       "CIU3020000000000I", "CIU3020000000000A"],
                         urls={"bls": httpserver.url_for(ENDPOINT)}, retry=quick(), progress=False)
    assert report.ok, report.errors
    assert got["registrationkey"] == BLS_KEY  # the same host may have it: it is the one we asked
    row = read_manifest(tmp_path).iloc[0]
    assert row["url"] == httpserver.url_for(ENDPOINT)
    assert row["final_url"] == httpserver.url_for("/v2/moved/")
    assert no_key_in(written(tmp_path), BLS_KEY)


# --------------------------------------------------------------------------- deadlines


class StallServer:
    """A socket server whose every connection is handled by ``script(conn, stop)``, for replies a
    WSGI server cannot produce (headers dripped byte by byte, a body that never ends)."""

    def __init__(self, script: Callable[[socket.socket, threading.Event], None]) -> None:
        self.script, self.stop = script, threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            buf = b""
            while b"\r\n\r\n" not in buf:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                buf += chunk
            try:
                self.script(conn, self.stop)
            except OSError:  # the client gave up and closed: what the tests want
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def drip_body(conn: socket.socket, stop: threading.Event) -> None:
    body = REAL_QCEW[:40]
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n" % len(body))
    for i in range(len(body)):  # one byte every 0.2 s: each read is quick, the reply takes 8 s
        if stop.wait(0.2):
            return
        conn.sendall(body[i:i + 1])


def drip_headers(conn: socket.socket, stop: threading.Event) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nX-Padding: " + b"x" * 40 + b"\r\nContent-Length: 2\r\n\r\nok"
    for i in range(len(head)):
        if stop.wait(0.1):
            return
        conn.sendall(head[i:i + 1])


def short_body_held_open(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + REAL_QCEW[:10])
    stop.wait(30)  # the connection stays open and silent


@pytest.fixture
def stall():
    servers: list[StallServer] = []

    def start(script):
        servers.append(StallServer(script))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


@pytest.mark.parametrize("script", [drip_body, drip_headers, short_body_held_open])
def test_a_stalled_or_dripping_reply_ends_at_the_request_deadline(stall, script):
    """requests' read timeout (here 2 s) is per socket read: a drip never trips it."""
    server = stall(script)
    client = Client(retry=quick(attempts=3), timeout=(2, 2), deadline=1.0)
    started = time.monotonic()
    with pytest.raises(PullError, match=r"no complete reply within the 1 s request deadline") as exc:
        client.fetch(Request("qcew", "GET", server.url + "/api/2020/a/area/39041.csv", "qcew/x.csv"))
    assert time.monotonic() - started < 4  # 1 s and scheduling slack; without the deadline 6 to 12 s
    assert exc.value.transport  # the rest of the source is skipped, not waited through one by one


def test_the_whole_pull_has_a_bound(httpserver, tmp_path):
    """Each reply comes in time (0.4 s), but five of them pass the pull's 1 s bound."""
    def slow(request):
        time.sleep(0.4)
        year = request.path.split("/")[2]
        return Response(REAL_QCEW.replace(b",2020,", f",{year},".encode()))

    for year in range(2016, 2021):
        httpserver.expect_request(f"/api/{year}/a/area/39041.csv").respond_with_handler(slow)
    report = runner.pull(["qcew"], 2016, 2020, root=tmp_path, comparators=[DELAWARE],
                         urls={"qcew": httpserver.url_for("/api")}, retry=quick(), progress=False,
                         request_seconds=5, max_seconds=1.0)
    assert report.errors[-1].startswith("pull: stopped at its 1 s time bound;")
    done = report.outcomes["qcew"]
    assert f"{done['not made']} request(s) not made" in report.errors[-1]
    assert done["new"] >= 1 and done["not made"] >= 1  # at most three of the five could start in 1 s
    assert done["new"] + done["not made"] + done["failed"] == 5


def test_the_cli_pull_reports_the_bound_and_exits_1(stall, tmp_path, monkeypatch):
    server = stall(short_body_held_open)
    monkeypatch.setenv("WAGEBRIEF_ROOT", str(tmp_path))
    monkeypatch.setenv("WAGEBRIEF_QCEW_URL", server.url + "/api")
    started = time.monotonic()
    result = CliRunner().invoke(app, ["pull", "--source", "qcew", "--start-year", "2020", "--end-year", "2020",
                                      "--no-build", "--max-seconds", "1"])
    assert time.monotonic() - started < 10  # without a bound: 5 attempts of a 60 s read timeout
    assert result.exit_code == 1
    assert "no complete reply within the pull's time bound" in result.output


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("sid", ["../../../escape", "/tmp/escape", "CUUR0000SA0/../../x", "cuur..", ""])
def test_a_series_id_that_is_not_a_bls_id_is_refused_before_anything_is_fetched(httpserver, tmp_path, sid):
    with pytest.raises(ValueError, match="not a BLS series id"):
        runner.pull(["bls"], 2024, 2025, root=tmp_path, series=["CUUR0000SA0", sid],
                    urls={"bls": httpserver.url_for(ENDPOINT)}, retry=quick(), progress=False)
    assert httpserver.log == []
    assert not any(tmp_path.rglob("*"))


def test_a_unit_files_cpi_series_cannot_write_outside_data_raw(project, httpserver, monkeypatch):
    """The issue's case: cpi.series in a unit file, through the CLI."""
    unit = project / "comparators" / "city-police.yml"
    unit.write_text(unit.read_text().replace("series: CUUR0110SA0", "series: ../../../escape"))
    monkeypatch.setenv("WAGEBRIEF_BLS_URL", httpserver.url_for(ENDPOINT))
    before = {p for p in project.parent.rglob("*")}
    result = CliRunner().invoke(app, ["pull", "--source", "bls", "--start-year", "2024", "--end-year", "2025",
                                      "--no-build"])
    assert result.exit_code == 2, result.output
    assert "not a BLS series id: '../../../escape'" in result.output
    assert httpserver.log == []
    assert {p for p in project.parent.rglob("*")} == before


@pytest.mark.parametrize("bad", [lambda: qcew.plan([(2020, "../x1")]),
                                 lambda: acs.plan([(2021, acs.AcsGeo("county", "39", "../x"))])],
                         ids=["qcew-area", "acs-code"])
def test_area_codes_that_would_reach_a_path_are_refused(bad):
    with pytest.raises(ValueError, match="not a (QCEW area|Census geography) code"):
        bad()


@pytest.mark.parametrize("path", ["../escape.json", "bls/../../escape.json", "/tmp/wagebrief-escape.json",
                                  "linked/escape.json"])
def test_a_pull_never_writes_outside_data_raw(tmp_path, path):
    raw = tmp_path / "data" / "raw"
    outside = tmp_path / "outside"
    outside.mkdir()
    raw.mkdir(parents=True)
    (raw / "linked").symlink_to(outside)  # a folder in data/raw that leads elsewhere
    with pytest.raises(ValueError, match="outside data/raw"):
        manifest.store(tmp_path, source="bls", path=path, data=b"{}", url="http://x", params={}, rows=0)
    assert not any(outside.iterdir()) and not (tmp_path / "data" / "escape.json").exists()
    assert not Path("/tmp/wagebrief-escape.json").exists()
    assert not (raw / "manifest.csv").exists()


# --------------------------------------------------------------------------- the manifest


def _break_manifest(kind: str, manifest_path: Path, monkeypatch) -> None:
    if kind == "directory":
        manifest_path.unlink()
        manifest_path.mkdir()
    elif kind == "huge-field":  # an unclosed quote: the csv module's field limit ends the read
        manifest_path.write_text(manifest_path.read_text() + 'bls,"' + "x" * 200_000 + "\n")
    elif kind == "not-utf8":
        manifest_path.write_bytes(manifest_path.read_bytes() + b"acs,\xff\xfe,x\n")
    elif kind == "no-permission":  # chmod 0 does not stop root, which the tests may run as
        real_open = Path.open

        def denied(self, *a, **kw):
            if self == manifest_path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *a, **kw)

        monkeypatch.setattr(Path, "open", denied)
    elif kind == "path-outside":
        manifest_path.write_text(manifest_path.read_text() + "bls,../../../../etc/hostname,,,,,,,,\n")


@pytest.mark.parametrize("kind", ["directory", "huge-field", "not-utf8", "no-permission", "path-outside"])
def test_an_unreadable_manifest_is_a_one_line_error_and_exit_1(project, monkeypatch, kind):
    path = project / "data" / "raw" / "manifest.csv"
    _break_manifest(kind, path, monkeypatch)
    result = CliRunner().invoke(app, ["series"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(path) in errors[0], result.output
    assert "Traceback" not in result.output


def test_an_unreadable_manifest_stops_a_pull_before_it_fetches(project, httpserver, monkeypatch):
    path = project / "data" / "raw" / "manifest.csv"
    _break_manifest("huge-field", path, monkeypatch)
    monkeypatch.setenv("WAGEBRIEF_QCEW_URL", httpserver.url_for("/api"))
    result = CliRunner().invoke(app, ["pull", "--source", "qcew", "--no-build"])
    assert result.exit_code == 1, result.output
    assert f"error: {path}: cannot read the manifest" in result.output
    assert httpserver.log == []
