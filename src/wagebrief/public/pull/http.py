"""One HTTP session for every puller: deadlines, retries with backoff, redirects kept on the
configured host, and keys kept out of every text.

A :class:`Request` describes a call without its key (that is what the manifest, the dry run and
error messages show); the key is added only when the request is sent, and only to the scheme,
host and port the request names: a redirect anywhere else is refused, so a ``registrationkey``
in a POST body (resent by a 307/308) or a key in a query string never leaves for another host.
Every message this module produces passes through :class:`Redactor`, which also removes the
URL-encoded forms of a key, and every log record is redacted once a key has been loaded.

``requests``' read timeout bounds each socket read, not the reply: a server dripping one byte
a second never trips it. Each request therefore runs against a wall-clock deadline (connect,
headers, body, retries and their waits), and the runner gives the whole pull a bound as well.
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import requests
import urllib3

log = logging.getLogger(__name__)

#: (connect, read) timeouts in seconds, for each socket operation.
DEFAULT_TIMEOUT = (10.0, 60.0)
#: Wall-clock seconds one request may take, retries and their waits included.
DEFAULT_DEADLINE = 300.0
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))
USER_AGENT = "wagebrief (public-sector bargaining research; python-requests)"
_CHUNK = 64 * 1024


class PullError(RuntimeError):
    """A pull that failed for good. ``str()`` is one line naming the source, the URL and the cause.

    ``transport`` is True when the server could not be reached or kept failing (connection
    errors, timeouts, 429, 5xx), as opposed to a reply that was wrong.
    """

    def __init__(self, source: str, url: str, cause: str, *, transport: bool = False) -> None:
        self.source, self.url, self.cause = source, url, " ".join(str(cause).split())
        self.transport = transport
        super().__init__(f"{source}: {url}: {self.cause}")


@dataclass
class Checked:
    """What a validated reply held: its row count and warnings (e.g. an empty series)."""

    rows: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reply:
    """A successful reply: its body and the URL it finally came from (key-free)."""

    data: bytes
    url: str


@dataclass(frozen=True)
class Request:
    """One call to a public API, described without any key.

    ``params`` go in the query string, ``body`` is sent as JSON (POST). ``key_param`` names the
    query parameter (GET) or body field (POST) the key goes in when there is one. ``path`` is
    where the response is stored, relative to ``data/raw``.
    """

    source: str
    method: str
    base_url: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    key_param: str | None = None
    description: str = ""

    @property
    def url(self) -> str:
        """The URL with its query string, never with a key."""
        return _with_query(self.base_url, self.params)

    def describe(self) -> str:
        """One line for ``--dry-run``."""
        line = f"{self.method} {self.url}"
        if self.body is not None:
            shown = {k: v for k, v in self.body.items() if k != self.key_param}
            line += f" body={shown}"
        return f"{line} -> data/raw/{self.path}"


def _with_query(base: str, params: dict[str, Any]) -> str:
    # %20 for spaces ("county subdivision"), and ':' ',' '*' left readable as the APIs document.
    return f"{base}?{urlencode(params, safe=':,*', quote_via=quote)}" if params else base


# --------------------------------------------------------------------------- redaction


def _char_pattern(ch: str) -> str:
    """A regex for one character of a secret in any form it travels in: as is, percent-encoded
    (either hex case, or encoded twice), '+' for a space (quote_plus), or JSON-escaped '/'."""
    forms = [re.escape(ch)]
    if not (ch.isascii() and ch.isalnum()):
        hexes = "".join(f"%(?:25)?{''.join(f'[{h.upper()}{h.lower()}]' if h.isalpha() else h for h in f'{b:02X}')}"
                        for b in ch.encode("utf-8"))
        forms.append(hexes)
    if ch == " ":
        forms.append(r"\+")
    if ch == "/":
        forms.append(r"\\/")
    return forms[0] if len(forms) == 1 else "(?:" + "|".join(forms) + ")"


class Redactor:
    """Replaces every secret with ``***`` in text and bytes: raw, URL-encoded (quote, quote_plus,
    any hex case, double-encoded) and JSON-escaped. Apply it before text is cut, printed,
    logged or stored, so that no prefix of a key survives a truncation."""

    MASK = "***"

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        alts = ["".join(_char_pattern(c) for c in s) for s in self.secrets]
        self._text = re.compile("|".join(alts)) if alts else None
        self._bytes = re.compile("|".join(alts).encode("utf-8")) if alts else None

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def text(self, value: object) -> str:
        """``value`` as text with every secret masked."""
        text = str(value)
        return self._text.sub(self.MASK, text) if self._text else text

    def data(self, value: bytes) -> bytes:
        """``value`` with every secret masked."""
        return self._bytes.sub(self.MASK.encode(), value) if self._bytes else value

    def found(self, value: object) -> bool:
        """True when ``value`` (text or bytes) holds a secret in any of its forms."""
        if isinstance(value, bytes):
            return bool(self._bytes and self._bytes.search(value))
        return bool(self._text and self._text.search(str(value)))


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret, in any of its encoded forms, replaced by ``***``."""
    return Redactor(secrets).text(text)


_LOG_SECRETS: set[str] = set()
_log_redactor = Redactor(())
_log_lock = threading.Lock()
_factory_installed = False


def protect_logs(secrets: Iterable[str | None]) -> None:
    """Redact ``secrets`` from every log record from now on, whichever logger it comes from.

    A record factory, not a filter: a filter on ``urllib3`` misses its child loggers, and a
    request still running past its deadline may log after a per-call filter is removed.
    """
    global _log_redactor, _factory_installed
    new = {s for s in secrets if s}
    with _log_lock:
        if new - _LOG_SECRETS:
            _LOG_SECRETS.update(new)
            _log_redactor = Redactor(_LOG_SECRETS)
        if _factory_installed or not _LOG_SECRETS:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            red = _log_redactor
            if red:
                try:
                    message = record.getMessage()
                except Exception:  # a malformed record is logging's to report, not ours
                    return record
                clean = red.text(message)
                if clean != message:
                    record.msg, record.args = clean, None
                if record.exc_info:
                    record.exc_text = red.text(logging.Formatter().formatException(record.exc_info))
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True


# --------------------------------------------------------------------------- retries


def retry_after_seconds(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now() if now else datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())


@dataclass
class RetryPolicy:
    """How often and how patiently to retry. ``sleep`` is injectable so tests never wait."""

    attempts: int = 5
    backoff: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        """Exponential backoff for the ``attempt``-th retry (1-based): 1, 2, 4, ... seconds."""
        return min(self.backoff_max, self.backoff * 2 ** (attempt - 1))


# --------------------------------------------------------------------------- the client


class _DeadlinePassed(Exception):
    """The wall-clock deadline of a request passed before its reply was complete."""


class _Refused(Exception):
    """A reply the client will not follow (a redirect off the configured host)."""


@dataclass
class _Raw:
    status: int
    reason: str
    headers: dict[str, str]
    data: bytes
    url: str  # key-free


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


#: What a failed exchange may raise: requests' own errors, and the socket, http.client and
#: urllib3 errors that can escape it while a streamed body is read.
_TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                     urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


class Client:
    """Sends :class:`Request` objects over one ``requests.Session``, retrying transient failures.

    ``deadline`` is the wall-clock bound of one :meth:`fetch` in seconds; ``stop_at`` (a
    ``time.monotonic()`` value, set by the runner) is the end of the whole pull's bound.
    """

    def __init__(
        self,
        *,
        keys: dict[str, str | None] | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        deadline: float = DEFAULT_DEADLINE,
        stop_at: float | None = None,
    ) -> None:
        self.keys = {k: v for k, v in (keys or {}).items() if v}
        self.secrets = tuple(self.keys.values())
        self.redactor = Redactor(self.secrets)
        protect_logs(self.secrets)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.deadline = deadline
        self.stop_at = stop_at

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail(self, req: Request, cause: str, *, transport: bool = False) -> PullError:
        """A :class:`PullError` for ``req`` with any key scrubbed from the cause."""
        return PullError(req.source, self.redactor.text(req.url), self.redactor.text(cause), transport=transport)

    def _keyed(self, req: Request) -> tuple[str, dict[str, Any] | None]:
        key = self.keys.get(req.source)
        params = dict(req.params)
        body = dict(req.body) if req.body is not None else None
        if key and req.key_param:
            if body is not None:
                body[req.key_param] = key
            else:
                params[req.key_param] = key
        return _with_query(req.base_url, params), body

    def _exchange(self, req: Request, end: float, cancel: threading.Event) -> _Raw:
        """One attempt: send, follow redirects that stay on the request's origin, read the body."""
        url, body = self._keyed(req)
        method, shown, origin = req.method, req.url, _origin(req.base_url)
        for _hop in range(MAX_REDIRECTS + 1):
            left = max(0.01, end - time.monotonic())
            timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
            resp = self.session.request(method, url, json=body, timeout=timeout, allow_redirects=False, stream=True)
            try:
                if resp.is_redirect:
                    target = urljoin(url, resp.headers["location"])
                    where = self.redactor.text(target)
                    if _origin(target) != origin:
                        raise _Refused(f"refused a redirect (HTTP {resp.status_code}) to {where}: only "
                                       f"{origin[0]}://{origin[1]}:{origin[2]} was asked, and a key is never "
                                       "sent to another scheme, host or port; point the base URL at the new "
                                       "address if it is the real one")
                    if resp.status_code == 303 or (resp.status_code in (301, 302) and method == "POST"):
                        method, body = "GET", None  # what browsers and requests do
                    url, shown = target, where
                    continue
                # read1: whatever one socket read brings, so a drip is checked against the
                # clock byte by byte instead of blocking until a whole chunk has arrived.
                chunks = []
                while chunk := resp.raw.read1(_CHUNK, decode_content=True):
                    if cancel.is_set() or time.monotonic() > end:
                        raise _DeadlinePassed
                    chunks.append(chunk)
                return _Raw(resp.status_code, resp.reason or "", dict(resp.headers), b"".join(chunks), shown)
            finally:
                resp.close()
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")

    def _attempt(self, req: Request, end: float) -> _Raw:
        """:meth:`_exchange` on a worker thread, given up on at ``end`` whatever the socket does.

        A thread, because a reply can stall anywhere (connecting, headers, body) and requests
        offers no wall-clock bound; the abandoned worker stops at its next chunk or read timeout.
        """
        out: dict[str, Any] = {}
        cancel = threading.Event()

        def work() -> None:
            try:
                out["raw"] = self._exchange(req, end, cancel)
            except BaseException as exc:  # handed to the caller's thread
                out["exc"] = exc

        worker = threading.Thread(target=work, name=f"wagebrief-pull-{req.source}", daemon=True)
        worker.start()
        worker.join(max(0.0, end - time.monotonic()))
        if worker.is_alive():
            cancel.set()
            raise _DeadlinePassed
        if "exc" in out:
            raise out["exc"]
        return out["raw"]

    def _end(self) -> tuple[float, str]:
        """When this request must be done by, and which bound that is (for the message)."""
        end, what = time.monotonic() + self.deadline, f"the {self.deadline:g} s request deadline"
        if self.stop_at is not None and self.stop_at < end:
            end, what = self.stop_at, "the pull's time bound"
        return end, what

    def fetch(self, req: Request) -> bytes:
        """The body of a successful (2xx) reply to ``req``; raises :class:`PullError` otherwise."""
        return self.fetch_reply(req).data

    def fetch_reply(self, req: Request) -> Reply:
        """A successful (2xx) reply to ``req`` and its final URL; raises :class:`PullError` otherwise."""
        last = "no attempt made"
        end, bound = self._end()
        for attempt in range(1, self.retry.attempts + 1):
            wait: float | None = None
            try:
                raw = self._attempt(req, end)
            except _DeadlinePassed:
                raise self.fail(req, f"no complete reply within {bound} (the server is too slow or stalled)",
                                transport=True) from None
            except _Refused as exc:
                raise self.fail(req, str(exc)) from None
            except _TRANSPORT_ERRORS as exc:
                last = f"{type(exc).__name__}: {exc}"  # unreachable, slow, or cut off mid-reply
            except requests.RequestException as exc:  # e.g. an invalid URL: not transient
                raise self.fail(req, f"{type(exc).__name__}: {exc}") from None
            else:
                if 200 <= raw.status < 300:
                    return Reply(raw.data, raw.url)
                last = f"HTTP {raw.status} {raw.reason}".strip()
                if raw.status not in RETRY_STATUSES:
                    raise self.fail(req, last)
                if raw.status in (429, 503):
                    wait = retry_after_seconds(raw.headers.get("Retry-After"))
                    if wait is not None and wait > self.retry.retry_after_max:
                        raise self.fail(req, f"{last}; server asks to retry after {wait:.0f} s", transport=True)
            if attempt == self.retry.attempts:
                break
            # Retry-After, when given, is what the server asked for; otherwise back off.
            delay = wait if wait is not None else self.retry.delay(attempt)
            if time.monotonic() + delay >= end:
                raise self.fail(req, f"{last}; a retry in {delay:.0f} s would pass {bound}", transport=True)
            log.info(self.redactor.text(f"{req.source}: {req.url}: {last}; retry {attempt} in {delay:.1f} s"))
            self.retry.sleep(delay)
        raise self.fail(req, f"{last} (after {self.retry.attempts} attempts)", transport=True)
