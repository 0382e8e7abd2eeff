"""BLS Public Data API v2: planning requests within its limits, checking and parsing replies.

POST ``{"seriesid": [...], "startyear": "Y", "endyear": "Y", "registrationkey": key}``. With a
key the API takes 50 series and 20 years per request; without one, 25 series and 10 years.
"""

from __future__ import annotations

import hashlib
import json
import pandas as pd

from wagebrief.public.pull.http import Checked, Request
from wagebrief.public.pull.settings import base_url, check_bls_series

SOURCE = "bls"
LIMITS = {True: (50, 20), False: (25, 10)}  # has_key -> (series per request, years per request)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _path(series: list[str], start: int, end: int) -> str:
    if len(series) == 1:
        return f"bls/{series[0]}_{start}-{end}.json"
    tag = hashlib.sha256(",".join(series).encode()).hexdigest()[:8]
    return f"bls/{series[0]}-plus{len(series) - 1}_{start}-{end}_{tag}.json"


def plan(series: list[str], start: int, end: int, *, has_key: bool, url: str | None = None) -> list[Request]:
    """The requests that fetch ``series`` for ``start``..``end``, split to respect the API limits."""
    if end < start:
        raise ValueError(f"end year {end} is before start year {start}")
    check_bls_series(list(series))  # each id becomes part of a file name under data/raw/bls
    per_request, years = LIMITS[bool(has_key)]
    spans = [(y, min(y + years - 1, end)) for y in range(start, end + 1, years)]
    out = []
    for chunk in _chunks(list(dict.fromkeys(series)), per_request):
        for lo, hi in spans:
            out.append(Request(
                source=SOURCE,
                method="POST",
                base_url=base_url(SOURCE, url),
                path=_path(chunk, lo, hi),
                body={"seriesid": chunk, "startyear": str(lo), "endyear": str(hi)},
                key_param="registrationkey",
                description=f"{len(chunk)} series, {lo}-{hi}",
            ))
    return out


def _load(data: bytes) -> dict:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        head = data[:60].decode("utf-8", "replace")
        raise ValueError(f"malformed JSON ({exc.__class__.__name__}: {exc}); reply begins {head!r}") from None
    if not isinstance(doc, dict):
        raise ValueError("malformed reply: expected a JSON object")
    return doc


def _messages(doc: dict) -> str:
    msgs = doc.get("message") or []
    return "; ".join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))


def check(req: Request, data: bytes) -> Checked:
    """Validate a reply to ``req``; raises ValueError naming the series and quoting BLS."""
    doc = _load(data)
    asked = list((req.body or {}).get("seriesid", []))
    status = doc.get("status")
    if status != "REQUEST_SUCCEEDED":
        raise ValueError(f"BLS status {status} for series {', '.join(asked)}: \"{_messages(doc)}\"")
    series = ((doc.get("Results") or {}).get("series")) if isinstance(doc.get("Results"), dict) else None
    if not isinstance(series, list):
        raise ValueError(f"no Results.series in reply for {', '.join(asked)}: \"{_messages(doc)}\"")
    warnings, rows = [], 0
    got = {s.get("seriesID"): s for s in series if isinstance(s, dict)}
    msgs = _messages(doc)
    for sid in asked:
        s = got.get(sid)
        n = len(s.get("data") or []) if s else 0
        rows += n
        if n == 0:
            related = "; ".join(m for m in msgs.split("; ") if sid in m) or msgs or "no message"
            warnings.append(f"{sid}: no observations returned (BLS: \"{related}\")")
    return Checked(rows, warnings)


def same(old: bytes, new: bytes) -> bool:
    """Two replies hold the same data (``responseTime`` differs on every call)."""
    if old == new:
        return True
    try:
        a, b = json.loads(old), json.loads(new)
    except ValueError:
        return False
    for doc in (a, b):
        if isinstance(doc, dict):
            doc.pop("responseTime", None)
    return a == b


def parse(data: bytes) -> pd.DataFrame:
    """Observations in a reply: series_id, year, period, period_name, value, footnotes, preliminary, latest."""
    doc = _load(data)
    records = []
    for s in (doc.get("Results") or {}).get("series") or []:
        for obs in s.get("data") or []:
            notes = [f for f in obs.get("footnotes") or [] if isinstance(f, dict) and f]
            codes = [str(f.get("code", "")) for f in notes]
            records.append({
                "series_id": s.get("seriesID"),
                "year": int(obs["year"]),
                "period": obs["period"],
                "period_name": obs.get("periodName", ""),
                "value": obs.get("value"),
                "footnotes": "; ".join(f"{f.get('code', '')}: {f.get('text', '')}".strip(": ") for f in notes),
                "preliminary": "P" in codes,
                "latest": str(obs.get("latest", "")).lower() == "true",
            })
    cols = ["series_id", "year", "period", "period_name", "value", "footnotes", "preliminary", "latest"]
    df = pd.DataFrame(records, columns=cols)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")  # BLS prints "-" for not available
    return df
