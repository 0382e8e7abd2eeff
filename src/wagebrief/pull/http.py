"""One HTTP session for every puller: timeouts, retries with backoff, and keys kept out of text.

A :class:`Request` describes a call without its key (that is what the manifest, the dry run and
error messages show); the key is added only when the request is sent. Every message this module
produces passes through :func:`redact`, so a key echoed by a server or embedded in a
``requests`` exception never reaches a log or an error.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode

import requests

log = logging.getLogger(__name__)

#: (connect, read) timeouts in seconds.
DEFAULT_TIMEOUT = (10.0, 60.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))
USER_AGENT = "wagebrief (public-sector bargaining research; python-requests)"


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


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class _RedactFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


@contextmanager
def _redacted_logs(secrets: tuple[str, ...]) -> Iterator[None]:
    """urllib3 logs request lines (with their query strings) at DEBUG; keep keys out of them."""
    if not secrets:
        yield
        return
    filt = _RedactFilter(secrets)
    loggers = [logging.getLogger(n) for n in ("urllib3.connectionpool", "urllib3", "requests")]
    for lg in loggers:
        lg.addFilter(filt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(filt)


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


class Client:
    """Sends :class:`Request` objects over one ``requests.Session``, retrying transient failures."""

    def __init__(
        self,
        *,
        keys: dict[str, str | None] | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.keys = {k: v for k, v in (keys or {}).items() if v}
        self.secrets = tuple(self.keys.values())
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail(self, req: Request, cause: str, *, transport: bool = False) -> PullError:
        """A :class:`PullError` for ``req`` with any key scrubbed from the cause."""
        return PullError(req.source, req.url, redact(cause, self.secrets), transport=transport)

    def _send_once(self, req: Request) -> requests.Response:
        key = self.keys.get(req.source)
        params = dict(req.params)
        body = dict(req.body) if req.body is not None else None
        if key and req.key_param:
            if body is not None:
                body[req.key_param] = key
            else:
                params[req.key_param] = key
        url = _with_query(req.base_url, params)
        return self.session.request(req.method, url, json=body, timeout=self.timeout)

    def fetch(self, req: Request) -> bytes:
        """The body of a successful (2xx) reply to ``req``; raises :class:`PullError` otherwise."""
        last = "no attempt made"
        with _redacted_logs(self.secrets):
            for attempt in range(1, self.retry.attempts + 1):
                wait: float | None = None
                try:
                    resp = self._send_once(req)
                except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                    last = f"{type(exc).__name__}: {exc}"  # unreachable, slow, or cut off mid-reply
                except requests.RequestException as exc:  # e.g. too many redirects: not transient
                    raise self.fail(req, f"{type(exc).__name__}: {exc}") from None
                else:
                    if resp.ok:
                        return resp.content
                    reason = resp.reason or ""
                    last = f"HTTP {resp.status_code} {reason}".strip()
                    if resp.status_code not in RETRY_STATUSES:
                        raise self.fail(req, last)
                    if resp.status_code in (429, 503):
                        wait = retry_after_seconds(resp.headers.get("Retry-After"))
                        if wait is not None and wait > self.retry.retry_after_max:
                            raise self.fail(req, f"{last}; server asks to retry after {wait:.0f} s", transport=True)
                if attempt == self.retry.attempts:
                    break
                # Retry-After, when given, is what the server asked for; otherwise back off.
                delay = wait if wait is not None else self.retry.delay(attempt)
                log.info(redact(f"{req.source}: {req.url}: {last}; retry {attempt} in {delay:.1f} s", self.secrets))
                self.retry.sleep(delay)
        raise self.fail(req, f"{last} (after {self.retry.attempts} attempts)", transport=True)
