"""Storing raw responses and recording them in ``data/raw/manifest.csv``.

The order of operations is the guarantee: a response is written atomically to its final path
first, and only then is its manifest line added (the manifest itself is rewritten atomically,
under a lock). An interrupted pull can leave a complete file without its line, which the next
pull records, but never a line without its file, nor a partial file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock

from wagebrief.config import paths
from wagebrief.io import atomic_write, escape_formula, write_bytes
from wagebrief.public.pull.http import Redactor

#: ``url`` is the URL asked for; ``final_url`` the one the bytes came from (after a same-host
#: redirect; redirects to another host are refused).
MANIFEST_COLUMNS = [
    "source", "path", "url", "params", "retrieved_at", "sha256", "bytes", "rows", "synthetic", "note",
    "final_url",
]


class ManifestError(ValueError):
    """``data/raw/manifest.csv`` cannot be read or names a file outside ``data/raw``."""


def raw_path(root: str | Path | None, path: str) -> Path:
    """``data/raw/<path>``, refused (ValueError) unless it resolves inside ``data/raw``.

    Resolved, so neither ``..``, an absolute path nor a symlinked folder leads out of it.
    """
    raw = paths(root).raw
    target = raw / path
    if os.path.isabs(path) or not target.resolve().is_relative_to(raw.resolve()):
        raise ValueError(f"refusing the path {path!r}: it is outside data/raw")
    return target


def utc_now() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _lock(manifest: Path) -> FileLock:
    # Outside the project tree, so no lock file ever lands in data/raw or in git.
    tag = hashlib.sha256(str(manifest.resolve()).encode()).hexdigest()[:16]
    return FileLock(str(Path(tempfile.gettempdir()) / f"wagebrief-manifest-{tag}.lock"), timeout=60)


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes", "y"}


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists() and not path.is_symlink():
        return list(MANIFEST_COLUMNS), []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            cols = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        if isinstance(exc, csv.Error):
            why = f"malformed CSV: {exc}"
        elif isinstance(exc, OSError) and exc.strerror:
            why = exc.strerror
        else:
            why = f"{type(exc).__name__}: {exc}"
        raise ManifestError(f"{path}: cannot read the manifest ({why}); restore it from git "
                            "(git checkout -- data/raw/manifest.csv)") from None
    return MANIFEST_COLUMNS + [c for c in cols if c not in MANIFEST_COLUMNS], rows


def read_manifest(root: str | Path | None = None) -> pd.DataFrame:
    """The manifest as a DataFrame (empty, with the standard columns, when there is none)."""
    cols, rows = _read_rows(paths(root).manifest)
    df = pd.DataFrame(rows, columns=cols, dtype=object).fillna("")
    df["synthetic"] = df["synthetic"].map(_truthy).astype(bool)
    for col in ("bytes", "rows"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    return df


def manifest_row(root: str | Path | None, path: str) -> dict[str, str] | None:
    """The manifest line for ``path`` (relative to data/raw), as text, or None."""
    _, rows = _read_rows(paths(root).manifest)
    hits = [r for r in rows if r.get("path") == path]
    return hits[-1] if hits else None


def pulled_rows(root: str | Path | None, source: str) -> pd.DataFrame:
    """Manifest lines of ``source`` whose files exist, oldest retrieval first."""
    m = read_manifest(root)
    m = m[m["source"] == source].copy()
    for p in m["path"]:  # a committed manifest is input too: it may not point reads out of data/raw
        try:
            raw_path(root, p)
        except ValueError as exc:
            raise ManifestError(f"{paths(root).manifest}: {exc}") from None
    raw = paths(root).raw
    m = m[[(raw / p).is_file() for p in m["path"]]] if len(m) else m
    return m.sort_values(["retrieved_at", "path"], kind="stable")


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(escape_formula(str(value)))


def upsert(root: str | Path | None, row: dict[str, Any]) -> None:
    """Add or replace the manifest line for ``row['path']``; the file must already be in place."""
    target = raw_path(root, row["path"])
    if not target.is_file():
        raise FileNotFoundError(f"refusing to record {row['path']}: the file is not in data/raw")
    manifest = paths(root).manifest
    with _lock(manifest):
        cols, rows = _read_rows(manifest)
        rows = [r for r in rows if r.get("path") != row["path"]]
        rows.append({c: row.get(c, "") for c in MANIFEST_COLUMNS})
        rows.sort(key=lambda r: (r.get("source", ""), r.get("path", "")))
        with atomic_write(manifest) as fh:
            writer = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
            writer.writeheader()
            for r in rows:
                writer.writerow({c: _cell(r.get(c, "")) for c in cols})


def store(
    root: str | Path | None,
    *,
    source: str,
    path: str,
    data: bytes,
    url: str,
    params: dict[str, Any],
    rows: int,
    synthetic: bool = False,
    note: str = "",
    retrieved_at: str | None = None,
    same: Callable[[bytes, bytes], bool] | None = None,
    secrets: Iterable[str | None] = (),
    final_url: str | None = None,
) -> str:
    """Store one response verbatim under ``data/raw/<path>`` and record it.

    Returns ``"new"``, ``"updated"``, ``"unchanged"`` (same content as the stored file, which is
    left untouched along with its manifest line) or ``"recorded"`` (same content, line added).
    ``same(old, new)`` decides sameness (default: identical bytes), e.g. ignoring a timing field.
    A key found in the response (raw or URL-encoded) is replaced by ``***`` and noted, and the
    note and final URL are redacted too: keys are never written. ``path`` must stay inside data/raw.
    """
    red = Redactor(secrets)
    if red.found(url) or red.found(json.dumps(params)):
        raise ValueError("a key reached a URL or parameters bound for the manifest")
    if red.found(data):
        data = red.data(data)
        note = "; ".join(filter(None, [note, "an API key echoed in the response was replaced by ***"]))
    note, final_url = red.text(note), red.text(final_url or url)
    target = raw_path(root, path)
    same = same or (lambda old, new: old == new)
    existing = manifest_row(root, path)
    if target.is_file():
        old = target.read_bytes()
        if same(old, data):
            if existing is not None and existing.get("sha256") == sha256(old):
                return "unchanged"
            data, status = old, "recorded"
        else:
            status = "updated"
    else:
        status = "new"
    if status != "recorded":
        write_bytes(target, data)
    upsert(root, {
        "source": source,
        "path": path,
        "url": url,
        "params": json.dumps(params, sort_keys=True, separators=(",", ":")),
        "retrieved_at": retrieved_at or utc_now(),
        "sha256": sha256(data),
        "bytes": len(data),
        "rows": rows,
        "synthetic": synthetic,
        "note": note,
        "final_url": final_url,
    })
    return status
