"""Two ``wagebrief build`` runs at once: a lock file (data/processed/.build.lock) lets one write;
the other exits 1 at once with a clear message, and the outputs are never a mix of the two."""

from __future__ import annotations

import os
import subprocess

from filelock import FileLock
from typer.testing import CliRunner

from test_kill import BUILD, build_here, make_raw, new_project, snapshot
from wagebrief.cli import app

MESSAGE = "another 'wagebrief build' is writing"


def test_build_exits_1_with_a_clear_message_while_the_lock_is_held(tmp_path):
    project = new_project(tmp_path / "p", make_raw(400, seed=3))
    processed = project / "data" / "processed"
    with FileLock(str(processed / ".build.lock")):
        res = CliRunner().invoke(app, ["build"], env={"WAGEBRIEF_ROOT": str(project)})
    assert res.exit_code == 1
    assert MESSAGE in res.stderr and ".build.lock" in res.stderr and "Traceback" not in res.output
    assert res.stderr.count("\n") == 1
    assert not [n for n in os.listdir(processed) if not n.startswith(".")]  # nothing written
    # Released, the same build runs.
    res = CliRunner().invoke(app, ["build"], env={"WAGEBRIEF_ROOT": str(project)})
    assert res.exit_code == 0, res.output


def test_a_waiting_build_does_not_delete_the_running_builds_temporary_files(tmp_path):
    """Stale temporary files are removed only by the build holding the lock."""
    project = new_project(tmp_path / "p", make_raw(400, seed=3))
    processed = project / "data" / "processed"
    running = processed / ".settlements.parquet.inprogress.tmp"
    running.write_bytes(b"being written")
    with FileLock(str(processed / ".build.lock")):
        assert CliRunner().invoke(app, ["build"], env={"WAGEBRIEF_ROOT": str(project)}).exit_code == 1
        assert running.exists()
    assert CliRunner().invoke(app, ["build"], env={"WAGEBRIEF_ROOT": str(project)}).exit_code == 0
    assert not running.exists()
    assert (processed / ".build.lock").exists()  # the lock file itself stays


def test_two_builds_started_at_once(tmp_path):
    project = new_project(tmp_path / "p", make_raw(8_000, seed=4))
    processed = project / "data" / "processed"
    build_here(project)
    want = snapshot(project)  # what a build alone writes
    env = {**os.environ, "WAGEBRIEF_ROOT": str(project)}
    outcomes = []
    for _ in range(2):
        logs = [(tmp_path / f"err{k}.txt").open("w+") for k in range(2)]
        procs = [subprocess.Popen(BUILD, env=env, stdout=subprocess.DEVNULL, stderr=log) for log in logs]
        results = []
        for p, log in zip(procs, logs):
            code = p.wait(timeout=120)
            log.seek(0)
            results.append((code, log.read()))
            log.close()
        codes = sorted(code for code, _ in results)
        outcomes.append(codes)
        assert codes in ([0, 0], [0, 1]), results  # one may find the other writing
        for code, err in results:
            assert "Traceback" not in err
            if code == 1:
                assert MESSAGE in err and err.strip().count("\n") == 0, err
        assert snapshot(project) == want
        assert not [n for n in os.listdir(processed) if n.endswith(".tmp")]
    print(f"\nconcurrent build exit codes: {outcomes}")
