"""Writing the processed tables from validated settlements (``wagebrief build``).

One build's outputs are one generation: the rejects describe the settlements beside them, so a
build that replaced four tables and then failed on ``rejects.csv`` (a folder put in its place, a
full disk) would leave tables and rejects from different builds. :class:`Generation` writes
every output to a temporary file beside it first, checks that every target can be replaced,
and only then renames them into place, putting back the old ones if a rename still fails. The
outputs stay plain files at their usual paths (every reader, the notebooks and the kill test
read them there), which a switched generation folder or symlink would change.

A SIGKILL can still land inside the renaming itself (microseconds, after every file is written):
a journal, ``.generation.json``, lists the renames before the first one, and the next build
finishes them (:func:`finish_interrupted`) before it does anything else.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from wagebrief import io
from wagebrief.analysis import metrics
from wagebrief.config import DEFAULT_FY_START_MONTH, Paths
from wagebrief.inputs import salaries
from wagebrief.inputs.settlements import ValidationResult


def settlement_outputs(p: Paths) -> list[Path]:
    """The settlement files :func:`write_processed` writes."""
    return [p.settlements, p.contracts, p.fiscal_costs, p.annual_increases, p.rejects]


def salary_outputs(p: Paths) -> list[Path]:
    """The salary files :func:`write_processed` writes when given a salary result."""
    return [salaries.processed_path(p.root), salaries.rejects_path(p.root)]


def outputs(p: Paths) -> list[Path]:
    """The files ``wagebrief build`` writes (the salary files only when there are salary files)."""
    return [*settlement_outputs(p), *salary_outputs(p)]


#: Lists one generation's renames while they are being made (see :func:`finish_interrupted`).
JOURNAL = ".generation.json"


def finish_interrupted(p: Paths) -> list[Path]:
    """Finish the renames of a build killed while making them; returns the outputs renamed.

    Every file of that generation was written completely before its journal was, so rolling
    forward gives the whole new generation. Call this only while holding the build lock.
    """
    journal = p.processed / JOURNAL
    if not journal.is_file():
        return []
    done = []
    with contextlib.suppress(ValueError, OSError):  # a journal cut short: its renames never started
        for tmp, target in json.loads(journal.read_text(encoding="utf-8")):
            if Path(tmp).is_file() and not Path(target).is_dir():
                os.replace(tmp, target)
                done.append(Path(target))
    journal.unlink(missing_ok=True)
    return done


def remove_stale_temps(p: Paths) -> list[Path]:
    """Delete the temporary files a killed build left beside its outputs; returns them.

    :class:`Generation` and :func:`wagebrief.io.atomic_write` write ``.<name>.<random>.tmp``
    (the latter's inside the former's: ``..<name>.<random>.tmp.<random>.tmp``) and rename them,
    so a run killed mid-write leaves one behind. Call this only while holding the build lock: a
    running build's temporary files look the same.
    """
    finish_interrupted(p)  # first: a killed build's renames use some of these files
    stale = [t for out in [*outputs(p), p.processed / JOURNAL]
             for pattern in (f".{out.name}.*.tmp", f"..{out.name}.*.tmp") for t in out.parent.glob(pattern)]
    for t in stale:
        t.unlink(missing_ok=True)
    return stale


def _not_a_file(path: Path) -> OSError:
    return IsADirectoryError(errno.EISDIR, "it is a folder, not a file (move it away)", str(path))


class Generation:
    """Outputs written as a set: all of them replace their old versions, or none does."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary, target)

    def stage(self, target: Path, write: Callable[[Path], None]) -> None:
        """Write ``target``'s new content to a temporary file beside it with ``write(temp)``."""
        target = Path(target)
        if target.is_dir():  # fail before writing anything, not after replacing the others
            raise _not_a_file(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        self._staged.append((tmp, target))
        write(tmp)
        # mkstemp makes the file private (0600); outputs are shared like the file they replace.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)

    def commit(self) -> list[Path]:
        """Rename every staged file over its target; on a failure put the old targets back."""
        for _, target in self._staged:
            if target.is_dir():
                raise _not_a_file(target)
        done: list[tuple[Path, Path | None, bool]] = []  # (target, backup of the old one, existed)
        journal = self._staged[0][1].parent / JOURNAL if self._staged else None
        try:
            if journal is not None:
                io.write_text(journal, json.dumps([[str(t), str(g)] for t, g in self._staged]))
            for tmp, target in self._staged:
                backup, existed = None, target.exists()
                if existed:
                    backup = Path(f"{tmp}.old.tmp")
                    try:
                        os.link(target, backup)  # a second name for the old file, to put back
                    except OSError:
                        backup = None  # a filesystem without hard links: no way back for this one
                os.replace(tmp, target)
                done.append((target, backup, existed))
        except BaseException:
            # An error (not a kill) during the renames: put the old generation back.
            for target, backup, existed in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, target)
                    elif not existed:  # it was not there before this build
                        target.unlink()
            self.discard()
            if journal is not None:
                journal.unlink(missing_ok=True)
            raise
        if journal is not None:
            journal.unlink(missing_ok=True)
        for _, backup, _ in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._staged = []
        return [target for target, _, _ in done]

    def discard(self) -> None:
        """Delete every staged temporary file (nothing was replaced)."""
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.old.tmp").unlink(missing_ok=True)
        self._staged = []


def write_processed(result: ValidationResult, p: Paths, fy_start_month: int = DEFAULT_FY_START_MONTH,
                    salary_result: ValidationResult | None = None) -> list[Path]:
    """Write settlements, contracts (their fiscal-year costs as a long table), annual increases
    (calendar and fiscal), rejects and, given ``salary_result``, the salary tables: one
    :class:`Generation`, so either every file is replaced or none is. Returns the files written.
    """
    contracts, fiscal_costs = metrics.contract_tables(result.valid, fy_start_month)
    annual = (metrics.annual_increases_by_basis(result.valid, ("calendar", "fiscal"), fy_start_month)
              if len(result.valid) else pd.DataFrame())
    tables: list[tuple[Path, Callable[[Path], None]]] = [
        (p.settlements, lambda t: io.write_parquet(result.valid, t)),
        (p.contracts, lambda t: io.write_parquet(contracts, t)),
        (p.fiscal_costs, lambda t: io.write_parquet(fiscal_costs, t)),
        (p.annual_increases, lambda t: io.write_parquet(annual, t)),
        (p.rejects, lambda t: io.write_csv(result.rejects, t)),
    ]
    if salary_result is not None:
        sal_valid, sal_rejects = salary_outputs(p)
        tables += [(sal_valid, lambda t: io.write_parquet(salary_result.valid, t)),
                   (sal_rejects, lambda t: io.write_csv(salary_result.rejects, t))]
    # Every target is checked before any file is written, so a folder in place of rejects.csv is
    # found before minutes of writing.
    for target, _ in tables:
        if Path(target).is_dir():
            raise _not_a_file(Path(target))
    gen = Generation()
    try:
        for target, write in tables:
            gen.stage(target, write)
    except BaseException:
        gen.discard()
        raise
    return gen.commit()


def validate_salaries(p: Paths) -> ValidationResult | None:
    """Validate ``data/raw/salaries``; None when there are no salary files.

    :func:`write_processed` writes the result beside the settlement tables, so briefs read the
    validated schedules instead of validating them again for every unit.
    """
    folder = salaries.raw_dir(p.root)
    if not folder.is_dir() or not salaries.discover([folder]):
        return None
    return salaries.validate([folder], root=p.root)
