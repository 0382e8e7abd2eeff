"""Issue 13, names and rendering: what a hostile name, a kill, a second run, a ``$`` or a full
disk could do to ``wagebrief render``, and what happens now. One test per attack or fault:

* a unit file named ``javascript:alert(1).yml`` is refused, naming the file; index links are ``./<id>.html``
* a newline in a unit file's name cannot forge a line of render.log or of the terminal report
* ``--unit ../../../../etc/passwd`` and ``--unit /elsewhere/x.yml`` are not unit ids (exit 2)
* ``--cycle -3`` is not a year (exit 2, no ``reports/-3/``)
* ``kill -9`` of ``render --all`` takes its workers and kernels with it; the next run removes
  their kernel folders from $TMPDIR
* a second render of the same folder exits 1 at once, worded as build's lock message
* ``$`` in chart text is text, and an error message is never empty
* a full disk while writing a brief keeps the previous brief linked; while writing the index,
  the old index stays and the command says why

Most tests stand a fake kernel in for the real one (:class:`FakeRenderer`): what they defend is
the batch around the kernel. The kill test starts real kernels, as it must.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from filelock import FileLock
from typer.testing import CliRunner

from wagebrief.run import batch, kernel, render
from wagebrief.brief import figures, messages, partial
from wagebrief import io
from wagebrief.inputs import units
from wagebrief.cli import app

RENDER = [sys.executable, "-c", "from wagebrief.cli import main; main()", "render"]
LOCK_MESSAGE = "another 'wagebrief render' is writing"


class FakeRenderer:
    """Stands in for :class:`wagebrief.run.render.Renderer`: a notebook with one HTML output per unit."""

    def __init__(self, notebook, cwd=None, timeout=600):
        self.path = Path(notebook)

    def execute(self, params: dict, exports=None, out_dir=None) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<h2>brief {params['unit']}</h2>"})]
        nb.cells = [cell]
        return nb

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def fake_kernel(project, monkeypatch):
    """The project, rendered with :class:`FakeRenderer` (one job, in this process)."""
    monkeypatch.setattr(render, "Renderer", FakeRenderer)
    monkeypatch.setattr(kernel, "prestart", lambda notebook: None)  # no real kernel started early
    return project


def render_cli(*args: str):
    return CliRunner().invoke(app, ["render", *args, "--jobs", "1"])


# --------------------------------------------------------------------------- names

def test_unit_file_named_like_a_script_link_is_refused_naming_the_file(fake_kernel):
    bad = fake_kernel / "comparators" / "javascript:alert(1).yml"
    shutil.copy(fake_kernel / "comparators" / "city-police.yml", bad)
    with pytest.raises(units.UnitError) as exc:
        units.load("javascript:alert(1)", root=fake_kernel)
    message = str(exc.value)
    assert message.startswith("comparators/javascript:alert(1).yml: the file name 'javascript:alert(1)' is not a valid unit id")
    assert "javascript-alert-1.yml" in message  # a name that would do
    with pytest.raises(units.UnitError, match="not a valid unit id"):
        units.load(bad, root=fake_kernel)

    res = render_cli("--all")
    assert res.exit_code == 1  # that unit failed; the others rendered
    index = (fake_kernel / "reports" / "2027" / "index.html").read_text()
    # The briefs, and the office overview render --all writes beside them.
    assert sorted(re.findall(r'href="([^"]*)"', index)) == [
        "./city-police.html", "./city-public-works.html", "./office.html", "./state-clerical.html"]
    assert "not a valid unit id" in index and "javascript:alert(1)" in index  # named, as text
    office = (fake_kernel / "reports" / "2027" / "office.html").read_text()
    assert sorted(re.findall(r'href="([^"]*)"', office)) == [
        "./city-police.html", "./city-public-works.html", "./state-clerical.html"]


def test_index_never_links_a_name_that_is_not_a_unit_brief(fake_kernel):
    """An entry from an earlier manifest (hand-edited, or older code) cannot become a script link."""
    out = fake_kernel / "reports" / "2027"
    assert render_cli("--unit", "city-police").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["index"][0]
    manifest["index"] += [{**entry, "unit": "evil", "file": "javascript:alert(1).html"},
                          {**entry, "unit": "javascript:alert(1)", "file": "javascript:alert(1).html"}]
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "javascript:alert(1).html").write_text("<script>alert(1)</script>")
    assert render_cli("--unit", "state-clerical").exit_code == 0
    index = (out / "index.html").read_text()
    assert sorted(re.findall(r'href="([^"]*)"', index)) == ["./city-police.html", "./state-clerical.html"]


def test_a_newline_in_a_unit_file_name_cannot_forge_a_log_line(fake_kernel):
    forged = "x\n2027-01-01 00:00:00,000 INFO rendered city-police in 0.1 s"
    (fake_kernel / "comparators" / f"{forged}.yml").write_text("unit: x\n")
    res = render_cli("--all")
    assert res.exit_code == 1
    log = (fake_kernel / "reports" / "2027" / "render.log").read_text()
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) ")
    assert all(stamp.match(line) for line in log.splitlines()), log
    messages = [stamp.sub("", line, count=1) for line in log.splitlines()]
    assert len([m for m in messages if m.startswith("rendered city-police in")]) == 1  # the real one only
    assert "x\\n2027-01-01" in log and "FAILED x\\n2027" in log
    assert not [ln for ln in res.stderr.splitlines() if ln.startswith("2027-01-01")]


def test_unit_option_is_an_id_in_comparators_never_a_path(fake_kernel, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(fake_kernel / "comparators" / "state-clerical.yml", elsewhere / "state-clerical.yml")
    for given in ("../../../../etc/passwd", str(elsewhere / "state-clerical.yml"), "comparators/city-police.yml",
                  "city-police.yml"):
        res = render_cli("--unit", given)
        assert res.exit_code == 2, (given, res.output)
        assert f"error: '{given}' is not a unit id" in res.stderr and "give the id, not a path" in res.stderr
        with pytest.raises(units.UnitError, match="is not a unit id"):
            units.load(given, root=fake_kernel)
    assert not list((fake_kernel / "reports").iterdir())  # nothing rendered, nothing written


def test_cycle_is_a_year_never_a_folder_name(fake_kernel):
    for given in ("-3", "0", "99999", "1999"):
        res = render_cli("--all", "--cycle", given)
        assert res.exit_code == 2, (given, res.output)
        assert "--cycle: cycle" in res.stderr and "is not a year from 2000 to 2100" in res.stderr
    assert not list((fake_kernel / "reports").iterdir())
    with pytest.raises(ValueError, match="not a year"):
        batch.run(["city-police"], cycle=-3, root=fake_kernel, jobs=1)
    with pytest.raises(ValueError, match="not a year"):
        render.report_path("city-police", -3, fake_kernel)
    with pytest.raises(ValueError, match="not a unit id"):
        render.report_path("../../x", 2027, fake_kernel)
    assert not (fake_kernel / "reports" / "-3").exists()


# --------------------------------------------------------------------------- kill -9

SLOW = '''# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
unit = "x"
cycle_year = 2000
project_root = ""

# %%
import time
time.sleep(120)  # still rendering when the run is killed
print(unit)
'''


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _gone(proc) -> bool:
    import psutil

    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def short_tmp():
    """A short $TMPDIR: a kernel's ipc socket paths must stay under the 107-byte limit."""
    tmp = Path(tempfile.mkdtemp(prefix="wbk", dir="/tmp"))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.notebook
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_killed_render_takes_its_workers_and_kernels_with_it_and_the_next_run_cleans_up(project, monkeypatch,
                                                                                       short_tmp):
    nbformat.write(jupytext.reads(SLOW, fmt="py:percent"), project / "notebooks" / "brief.ipynb")
    tmp = short_tmp
    env = {**os.environ, "WAGEBRIEF_ROOT": str(project), "TMPDIR": str(tmp)}
    parent = subprocess.Popen([*RENDER, "--all", "--jobs", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: list = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # until both workers have their kernel
            family = _descendants(parent.pid)
            kernels = [p for p in family if "ipykernel" in " ".join(_cmdline(p))]
            if len(kernels) == 2:
                break
            assert parent.poll() is None, "the run ended before its kernels started"
            time.sleep(0.5)
        else:
            pytest.fail(f"kernels did not start: {[_cmdline(p) for p in family]}")
        time.sleep(1.0)  # the kernels are executing the slow cell
        family = _descendants(parent.pid)
        assert len(family) >= 4  # two workers, two kernels (and multiprocessing's resource tracker)
        assert len(list(tmp.glob("wagebrief-kernel-*"))) == 2
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(_gone(p) for p in family):
            time.sleep(0.2)
        alive = [(p.pid, _cmdline(p)) for p in family if not _gone(p)]
        assert not alive, f"still running 20 s after their parent was killed: {alive}"
    finally:
        for p in family:  # only the processes this test started
            if not _gone(p):
                p.kill()
    # What the killed run left in $TMPDIR, the next run removes.
    leftovers = list(tmp.glob("wagebrief-kernel-*"))
    assert len(leftovers) == 2
    monkeypatch.setattr(render, "Renderer", FakeRenderer)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    batch.run(["city-police"], root=project, jobs=1)
    assert not list(tmp.glob("wagebrief-kernel-*"))


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except Exception:
        return []


def test_a_live_runs_kernel_folder_is_left_alone(tmp_path):
    mine = tmp_path / f"{render.KERNEL_DIR_PREFIX}{os.getpid()}-abc"
    dead = tmp_path / f"{render.KERNEL_DIR_PREFIX}999999999-abc"  # no such process
    for d in (mine, dead):
        d.mkdir()
        (d / "kernel.json").write_text("{}")
    assert render.remove_leftover_kernels(tmp_path) == [dead]
    assert mine.is_dir() and not dead.exists()


# --------------------------------------------------------------------------- two runs at once

def test_a_second_render_of_the_same_folder_exits_1_with_a_clear_message(fake_kernel):
    out = fake_kernel / "reports" / "2027"
    out.mkdir(parents=True)
    with FileLock(str(out / ".render.lock")):
        res = render_cli("--all")
        assert res.exit_code == 1
        assert f"error: {LOCK_MESSAGE} {out} (lock {out / '.render.lock'}); wait for it to finish and run again" \
            in res.stderr
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.output
        assert not [p.name for p in out.iterdir() if not p.name.startswith(".")]  # no log, no index
        with pytest.raises(batch.RenderLockedError):
            batch.run(["city-police"], root=fake_kernel, jobs=1)
    assert render_cli("--all").exit_code == 0  # released, the same render runs


def test_a_killed_runs_half_written_files_are_removed_under_the_lock(fake_kernel):
    out = fake_kernel / "reports" / "2027"
    out.mkdir(parents=True)
    (out / ".city-police.html.k1ll3d.tmp").write_text("<html>half")
    assert render_cli("--unit", "city-police").exit_code == 0
    assert not list(out.glob(".*.tmp"))


# --------------------------------------------------------------------------- chart text, messages

LABEL = "Mgmt: $1,500 lump, 2%/yr, $750 step"


def test_dollar_signs_in_chart_text_are_text():
    from matplotlib.ticker import FuncFormatter

    fig, ax = figures.new((6, 3))
    ax.plot([1, 2], [1, 2], label=LABEL)
    ax.set_title(f"Costs: {LABEL}")
    ax.set_xlabel(r"escaped for mathtext: \$5 and \$6")  # what market.mpl_text writes
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:.1f} to ${v + 1:.1f}"))
    ax.legend()
    fig.text(0.01, 0.01, f"Source: {LABEL}")
    figures.finish(fig)
    svg = figures.svg(fig)
    assert svg.count(LABEL) == 3  # legend, title, note: as typed
    assert "escaped for mathtext: $5 and $6" in svg and "\\$" not in svg
    assert "$1.0 to $2.0" in svg  # ticks made while drawing are plain too
    assert figures.png(fig).startswith(b"\x89PNG")


def test_a_scenario_label_with_dollars_charts_in_the_costing_figure(project):
    from wagebrief.analysis import costing
    from wagebrief.brief import costing as costing_section

    path = project / "comparators" / "proposals" / "city-police.yml"
    path.write_text(path.read_text().replace("label: Management offer", f'label: "{LABEL}"'))
    svg = figures.svg(costing_section.figure(costing.cost_unit("city-police", project)))
    assert LABEL in svg


class Silent(Exception):
    def __str__(self) -> str:
        return "\n  \n"


def test_an_error_message_is_never_empty():
    for exc in (ValueError(), Silent(), ValueError("\n")):
        (line,) = partial.problem_lines(exc)
        name = type(exc).__name__
        assert line.startswith(f"{name}: ") and line[len(name) + 2:].strip(), line
        assert messages.one_line(exc)[len(name) + 2:].strip()
    # The kernel's error for a mathtext label: its message starts with a line break.
    cell_error = ValueError("cell failed")
    cell_error.ename, cell_error.evalue = "ValueError", f"\n{LABEL}\n      ^\nParseException: Expected end of text"
    assert messages.one_line(cell_error) == f"ValueError: {LABEL}"
    cell_error.evalue = ""
    assert messages.one_line(cell_error).startswith("ValueError: (no message)")


# --------------------------------------------------------------------------- a full disk

def _disk_full_for(monkeypatch, full) -> None:
    real = io.atomic_write

    def atomic_write(path, *args, **kwargs):
        if full(Path(path)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(io, "atomic_write", atomic_write)


def test_disk_full_while_writing_a_brief_keeps_the_previous_brief_linked(fake_kernel, monkeypatch):
    out = fake_kernel / "reports" / "2027"
    assert render_cli("--all").exit_code == 0
    before = (out / "city-police.html").read_text()
    _disk_full_for(monkeypatch, lambda p: p.name == "city-police.html")  # the brief, and marking it
    res = render_cli("--all")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "city-police: OSError: [Errno 28] No space left on device" in res.stderr
    index = (out / "index.html").read_text()
    assert '<a href="./city-police.html">previous brief from' in index
    assert "<b>NOT current</b>: this run failed: OSError: [Errno 28] No space left on device" in index
    assert (out / "city-police.html").read_text() == before  # the old brief, whole
    entry = {e["unit"]: e for e in json.loads((out / "manifest.json").read_text())["index"]}["city-police"]
    assert entry["status"] == "failed" and entry["previous"]["file"] == "city-police.html"
    assert "could not mark city-police.html as not current" in (out / "render.log").read_text()


def test_disk_full_everywhere_keeps_the_old_index_and_says_why(fake_kernel, monkeypatch):
    out = fake_kernel / "reports" / "2027"
    assert render_cli("--all").exit_code == 0
    index = (out / "index.html").read_text()
    _disk_full_for(monkeypatch, lambda p: True)
    res = render_cli("--all")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "error: cannot write the reports: [Errno 28] No space left on device" in res.stderr
    assert (out / "index.html").read_text() == index  # every previous brief still linked
    assert all((out / f"{u}.html").is_file() for u in ("city-police", "state-clerical"))
