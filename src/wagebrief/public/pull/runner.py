"""Plan and run a pull: settings and comparators -> requests -> checked, stored, recorded files."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from wagebrief.inputs.areas import AreaError
from wagebrief.public.pull import acs, bls, manifest, qcew, settings
from wagebrief.public.pull.areas import resolve
from wagebrief.public.pull.http import DEFAULT_TIMEOUT, Client, PullError, Request, RetryPolicy

log = logging.getLogger(__name__)

CHECKS = {"bls": bls.check, "qcew": qcew.check, "acs": acs.check}
SAME = {"bls": bls.same}


@dataclass
class PullReport:
    """What a pull did: requests planned, file outcomes, warnings and one-line errors."""

    requests: list[Request] = field(default_factory=list)
    outcomes: dict[str, Counter] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        lines = []
        for source, counts in self.outcomes.items():
            parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
            lines.append(f"{source}: {parts or 'nothing stored'}")
        return lines


def _years(source: str, start: int | None, end: int | None) -> range:
    lo, hi = settings.default_years(source)
    start = start if start is not None else (lo if end is None else min(lo, end))
    end = end if end is not None else max(hi, start)
    if end < start:
        raise ValueError(f"--end-year {end} is before --start-year {start}")
    return range(start, end + 1)


def plan(
    sources: Iterable[str] = settings.SOURCES,
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    comparators: list[settings.Comparator] | None = None,
    series: list[str] | None = None,
    urls: dict[str, str] | None = None,
    has_bls_key: bool | None = None,
    root: str | Path | None = None,
) -> tuple[list[Request], list[str]]:
    """The requests a pull would make, and warnings about comparators that cannot be placed."""
    urls = urls or {}
    sources = list(dict.fromkeys(sources))
    requests: list[Request] = []
    warnings: list[str] = []
    if "bls" in sources:
        yrs = _years("bls", start_year, end_year)
        key = settings.api_key("bls") is not None if has_bls_key is None else has_bls_key
        requests += bls.plan(series or settings.bls_series(root=root), yrs.start, yrs.stop - 1, has_key=key, url=urls.get("bls"))
    if {"qcew", "acs"} & set(sources):
        areas = []
        for comp in settings.comparators(comparators, root=root):
            try:
                areas.append(resolve(comp))
            except AreaError as exc:
                warnings.append(str(exc))
        if "qcew" in sources:
            wanted = []
            for year in _years("qcew", start_year, end_year):
                wanted += [(year, a.qcew_for(year).fips) for a in areas if a.qcew_for(year)]
            requests += qcew.plan(wanted, url=urls.get("qcew"))
        if "acs" in sources:
            wanted_geo = []
            for year in _years("acs", start_year, end_year):
                wanted_geo += [(year, a.acs_for(year)) for a in areas if a.acs_for(year)]
            requests += acs.plan(wanted_geo, url=urls.get("acs"))
    return requests, warnings


def _keys() -> dict[str, str | None]:
    return {"bls": settings.api_key("bls"), "acs": settings.api_key("acs")}


def run(
    requests: list[Request],
    *,
    root: str | Path | None = None,
    client: Client | None = None,
    progress: bool = True,
    max_seconds: float | None = None,
) -> PullReport:
    """Fetch, check, store and record each request. Failures are collected, not raised.

    After a transport failure (server unreachable, persistent 429/5xx, a stalled reply) the rest
    of that source's requests are skipped rather than each waiting through its own retries. The
    whole run stops after ``max_seconds`` (default ``settings.PULL_MAX_SECONDS``), however the
    servers behave. Every warning, note and error is redacted of the keys before it is kept.
    Raises :class:`manifest.ManifestError` before fetching anything when the manifest is unreadable.
    """
    manifest.read_manifest(root)  # unreadable: say so now, before any file lands without its line
    report = PullReport(requests=list(requests))
    own_client = client is None
    client = client or Client(keys=_keys())
    red = client.redactor
    bound = settings.PULL_MAX_SECONDS if max_seconds is None else max_seconds
    client.stop_at = time.monotonic() + bound
    dead: set[str] = set()
    not_made = 0
    bar = tqdm(requests, desc="pull", unit="request", file=sys.stderr,
               disable=not progress or len(requests) < 2, leave=False)
    try:
        for req in bar:
            bar.set_postfix_str(f"{req.source} {req.description}"[:60], refresh=False)
            counts = report.outcomes.setdefault(req.source, Counter())
            if time.monotonic() >= client.stop_at:
                counts["not made"] += 1
                not_made += 1
                continue
            if req.source in dead:
                counts["skipped"] += 1
                continue
            try:
                reply = client.fetch_reply(req)
                # Redact before any parser quotes the reply: a quote is cut short, and a cut key
                # would no longer match the redaction.
                clean = red.data(reply.data)
                try:
                    checked = CHECKS[req.source](req, clean)
                except ValueError as exc:
                    raise client.fail(req, str(exc)) from None
                warnings = [red.text(w) for w in checked.warnings]
                status = manifest.store(
                    root,
                    source=req.source,
                    path=req.path,
                    data=reply.data,
                    url=req.url,
                    final_url=reply.url,
                    params=req.body if req.body is not None else req.params,
                    rows=checked.rows,
                    note="; ".join(warnings),
                    same=SAME.get(req.source),
                    secrets=client.secrets,
                )
            except PullError as exc:
                report.errors.append(red.text(exc))
                counts["failed"] += 1
                if exc.transport:
                    dead.add(req.source)
                continue
            except ValueError as exc:  # a path outside data/raw, a key bound for the manifest
                report.errors.append(red.text(f"{req.source}: {req.path}: {exc}"))
                counts["failed"] += 1
                continue
            report.warnings += warnings
            counts[status] += 1
    finally:
        bar.close()
        if own_client:
            client.close()
    for source, counts in report.outcomes.items():
        if counts.get("skipped"):
            report.errors.append(f"{source}: skipped {counts['skipped']} remaining request(s) after the failure above")
    if not_made:
        report.errors.append(f"pull: stopped at its {bound:g} s time bound; {not_made} request(s) not made "
                             f"(raise it with --max-seconds)")
    return report


def pull(
    sources: Iterable[str] = settings.SOURCES,
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    dry_run: bool = False,
    root: str | Path | None = None,
    comparators: list[settings.Comparator] | None = None,
    series: list[str] | None = None,
    urls: dict[str, str] | None = None,
    retry: RetryPolicy | None = None,
    progress: bool = True,
    request_seconds: float | None = None,
    max_seconds: float | None = None,
    timeout: tuple[float, float] | None = None,
) -> PullReport:
    """Plan, then (unless ``dry_run``) run a pull. See :func:`plan` and :func:`run`.

    ``request_seconds`` bounds each request (retries included), ``max_seconds`` the whole pull.
    """
    requests, warnings = plan(sources, start_year, end_year, comparators=comparators, series=series, urls=urls,
                              root=root)
    if dry_run:
        return PullReport(requests=requests, warnings=warnings)
    client = Client(keys=_keys(), retry=retry, timeout=timeout or DEFAULT_TIMEOUT,
                    deadline=settings.REQUEST_SECONDS if request_seconds is None else request_seconds)
    with client:
        report = run(requests, root=root, client=client, progress=progress, max_seconds=max_seconds)
    report.warnings = warnings + report.warnings
    return report
