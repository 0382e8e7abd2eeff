"""The shared HTTP client: retries, backoff, Retry-After, one-line failures, keys kept out."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from wagebrief.public.pull.http import Client, PullError, Request, RetryPolicy, redact, retry_after_seconds

KEY = "k3y-9f8e7d6c5b4a"


def client(sleeps: list[float], attempts: int = 4, **kw) -> Client:
    return Client(retry=RetryPolicy(attempts=attempts, sleep=sleeps.append), timeout=(2, 5), **kw)


def req(url: str, source: str = "qcew", **kw) -> Request:
    return Request(source=source, method="GET", base_url=url, path=f"{source}/x", **kw)


def test_success_returns_the_body_verbatim(httpserver):
    httpserver.expect_request("/a").respond_with_data(b"a,b\r\n1,2\r\n")
    sleeps: list[float] = []
    assert client(sleeps).fetch(req(httpserver.url_for("/a"))) == b"a,b\r\n1,2\r\n"
    assert sleeps == []


def test_a_500_then_success_is_retried_with_backoff(httpserver):
    httpserver.expect_oneshot_request("/a").respond_with_data("boom", status=500)
    httpserver.expect_oneshot_request("/a").respond_with_data("boom", status=503)
    httpserver.expect_request("/a").respond_with_data("ok")
    sleeps: list[float] = []
    assert client(sleeps).fetch(req(httpserver.url_for("/a"))) == b"ok"
    assert sleeps == [1.0, 2.0]  # exponential: 1 s, then 2 s


def test_429_honours_retry_after(httpserver):
    httpserver.expect_oneshot_request("/a").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_request("/a").respond_with_data("ok")
    sleeps: list[float] = []
    assert client(sleeps).fetch(req(httpserver.url_for("/a"))) == b"ok"
    assert sleeps == [7.0]


def test_retry_after_as_http_date():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    header = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(header, now=lambda: now) == pytest.approx(30)
    assert retry_after_seconds("nonsense") is None
    assert retry_after_seconds(None) is None


def test_an_unreasonable_retry_after_fails_instead_of_hanging(httpserver):
    httpserver.expect_request("/a").respond_with_data("later", status=429, headers={"Retry-After": "86400"})
    sleeps: list[float] = []
    with pytest.raises(PullError, match="retry after 86400 s") as exc:
        client(sleeps).fetch(req(httpserver.url_for("/a")))
    assert exc.value.transport and sleeps == []


def test_persistent_5xx_gives_one_line_error_naming_source_url_and_cause(httpserver):
    httpserver.expect_request("/a").respond_with_data("down", status=502)
    sleeps: list[float] = []
    url = httpserver.url_for("/a")
    with pytest.raises(PullError) as exc:
        client(sleeps, attempts=3).fetch(req(url))
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"qcew: {url}: HTTP 502")
    assert "after 3 attempts" in msg
    assert sleeps == [1.0, 2.0]


def test_a_404_is_not_retried(httpserver):
    httpserver.expect_request("/a").respond_with_data("no such area", status=404)
    sleeps: list[float] = []
    with pytest.raises(PullError, match="HTTP 404") as exc:
        client(sleeps).fetch(req(httpserver.url_for("/a")))
    assert not exc.value.transport and sleeps == []


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_connection_errors_are_retried_and_the_key_never_reaches_the_message():
    url = f"http://127.0.0.1:{_closed_port()}/data/2023/acs/acs5"
    r = Request("acs", "GET", url, "acs/x.json", params={"get": "NAME", "for": "state:09"}, key_param="key")
    sleeps: list[float] = []
    with pytest.raises(PullError) as exc:
        client(sleeps, attempts=3, keys={"acs": KEY}).fetch(r)
    msg = str(exc.value)
    assert KEY not in msg
    assert msg.startswith("acs: " + r.url + ": ConnectionError")
    assert "key=" not in r.url
    assert sleeps == [1.0, 2.0]


def test_the_key_is_sent_but_not_in_the_described_url(httpserver):
    seen = {}

    def handler(request):
        from werkzeug import Response

        seen["args"] = dict(request.args)
        return Response("[]")

    httpserver.expect_request("/d").respond_with_handler(handler)
    r = Request("acs", "GET", httpserver.url_for("/d"), "acs/x.json", params={"for": "county subdivision:73070"},
                key_param="key")
    client([], keys={"acs": KEY}).fetch(r)
    assert seen["args"] == {"for": "county subdivision:73070", "key": KEY}
    assert KEY not in r.url and KEY not in r.describe()
    assert "county%20subdivision:73070" in r.url


def test_redact():
    assert redact(f"user with registration key {KEY} has", [KEY, None, ""]) == "user with registration key *** has"


def test_debug_logs_of_the_request_line_do_not_carry_the_key(httpserver, caplog):
    httpserver.expect_request("/d").respond_with_data("[]")
    r = Request("acs", "GET", httpserver.url_for("/d"), "acs/x.json", params={"for": "state:09"}, key_param="key")
    with caplog.at_level("DEBUG"):
        client([], keys={"acs": KEY}).fetch(r)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]  # not the fake server's
    assert any("/d?for=state:09&key=***" in m for m in ours)  # urllib3 logged the request line...
    assert not any(KEY in m for m in ours)  # ...without the key
