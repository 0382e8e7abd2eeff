"""The brief's kernel: one warm Jupyter kernel running notebooks one after another.

Split from :mod:`wagebrief.run.render` so that it imports no pandas: ``wagebrief render --unit``
starts the kernel (:func:`prestart`) before it imports the rest of the stack, and the kernel's
second or so of start-up runs on the other core meanwhile, instead of after it.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import signal
import sys
from pathlib import Path

# nbformat imports jsonschema, which builds ~40 lark grammars at import when rfc3987-syntax is
# installed (jupyter-events' jsonschema[format-nongpl] brings it): ~1.5 s of every render command,
# for the "iri" string format that no notebook schema uses. Marking the module absent before
# jsonschema is first imported makes jsonschema skip that one checker, nothing else.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import nbformat  # noqa: E402

BRIEF_NOTEBOOK = "brief.ipynb"
KERNEL = "python3"
#: The first cell of every run: the previous brief's variables are gone before this one starts.
RESET_SOURCE = 'get_ipython().run_line_magic("reset", "-f")'
RESET_TAG = "wagebrief-reset"
#: The last cell of a run asked for exports: it writes them from the notebook's own sections.
EXPORT_TAG = "wagebrief-exports"


def parameterize(nb: nbformat.NotebookNode, params: dict, exports: list[str] | None = None,
                 out_dir: str | Path | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``params`` injected after its ``parameters`` cell (papermill's rules)
    and a namespace reset as its first cell; with ``exports``, a last cell writing them into
    ``out_dir`` from the notebook's ``data`` and ``sections`` (:mod:`wagebrief.brief.exports`)."""
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, params)
    reset = nbformat.v4.new_code_cell(RESET_SOURCE, metadata={"tags": [RESET_TAG]})
    nb.cells.insert(0, reset)
    if exports:
        from wagebrief.brief import exports as brief_exports

        nb.cells.append(nbformat.v4.new_code_cell(brief_exports.cell_source(exports, out_dir or "."),
                                                  metadata={"tags": [EXPORT_TAG]}))
    return nb


class Renderer:
    """A warm kernel that executes notebooks one after another, each in a fresh namespace."""

    def __init__(self, notebook: str | Path, cwd: str | Path | None = None, timeout: int = 600):
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        self.path = Path(notebook)
        self.template = nbformat.read(self.path, as_version=4)
        self.cwd = str(cwd or self.path.parent)
        # ipc transport: the kernel talks over local sockets, not TCP ports on the machine. The
        # folder is named with this process's id, so a later run can tell a killed run's leftover
        # (owner dead: removed by remove_leftover_kernels) from a live run's.
        self._ipc_dir = tempfile.TemporaryDirectory(prefix=f"{KERNEL_DIR_PREFIX}{os.getpid()}-")
        self.km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc",
                                     connection_file=str(Path(self._ipc_dir.name) / "kernel.json"))
        self.km.ip = str(Path(self._ipc_dir.name) / "k")
        self.client = NotebookClient(self.template, km=self.km, timeout=timeout, allow_errors=False)
        self._started = False

    def execute(self, params: dict, exports: list[str] | None = None,
                out_dir: str | Path | None = None) -> nbformat.NotebookNode:
        """Run the notebook with ``params`` (and the ``exports`` cell, see :func:`parameterize`);
        raises nbclient's CellExecutionError on failure."""
        nb = parameterize(self.template, params, exports, out_dir)
        self.client.nb = nb
        # The kernel is started (on the first run) with a parent-death signal: killed with us.
        self.client.execute(cleanup_kc=False, cwd=self.cwd, env=kernel_env(),
                            preexec_fn=_kernel_preexec(os.getpid()))
        self._started = True
        nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
        return nb

    def start(self) -> Renderer:
        """Launch the kernel now, without waiting for it: the first :meth:`execute` waits."""
        if not self._started:
            self.client.start_new_kernel(cwd=self.cwd, env=kernel_env(), preexec_fn=_kernel_preexec(os.getpid()))
            self._started = True
        return self

    def close(self) -> None:
        """Shut the kernel down."""
        if self._started:
            self.client._cleanup_kernel()
            from jupyter_core.utils import run_sync

            run_sync(self.km.shutdown_kernel)(now=True)
            self._started = False
        self._ipc_dir.cleanup()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: One BLAS/OpenMP thread per kernel: the models' matrices are small, and with a kernel per
#: core, multithreaded BLAS in each would fight over the same cores.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


#: pandera imports hypothesis (when installed, as with the dev extras) on its first validation,
#: and hypothesis then loads every installed plugin: trio's alone took ~0.5 s of a cold brief.
#: A brief never draws test data, so its kernel skips them (hypothesis's documented switch).
NO_TEST_PLUGINS = {"HYPOTHESIS_NO_PLUGINS": "1"}


def kernel_env() -> dict[str, str]:
    """The environment a rendering kernel starts with."""
    return {**os.environ, **SINGLE_THREADED, **NO_TEST_PLUGINS}


# --------------------------------------------------------------------------- dying with the parent

#: Prefix of a kernel's folder in $TMPDIR (connection file and ipc sockets):
#: ``wagebrief-kernel-<owner pid>-<random>``.
KERNEL_DIR_PREFIX = "wagebrief-kernel-"
_PR_SET_PDEATHSIG = 1
_prctl_fn = None


def _prctl():
    """libc's prctl, resolved once before any fork (a forked child should only call it)."""
    global _prctl_fn
    if _prctl_fn is None and sys.platform.startswith("linux"):
        import ctypes

        _prctl_fn = ctypes.CDLL(None, use_errno=True).prctl
    return _prctl_fn


def die_with_parent(parent_pid: int) -> bool:
    """Have the kernel SIGKILL this process when its parent dies (Linux's PR_SET_PDEATHSIG);
    if the parent ``parent_pid`` is already gone, die now. Returns whether it could be set.

    Linux sends the signal when the parent *thread* that started this process ends: workers
    and kernels are started from their parent's main thread, which lives as long as it does.
    """
    prctl = _prctl()
    if prctl is None or prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)
    return True


def _kernel_preexec(parent_pid: int):
    """A ``preexec_fn`` for the kernel's Popen: arm its parent-death signal between fork and exec.

    Without it a SIGKILLed worker left its kernel running (ipykernel's own parent poller only
    notices within a second, and only when the kernel is ipykernel)."""
    _prctl()  # resolved here, in the parent, not in the forked child

    def preexec() -> None:
        die_with_parent(parent_pid)

    return preexec


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to judge
        return True
    try:  # a killed process its new parent has not reaped yet is dead all the same
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _processes_using(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (a kernel started with its connection file)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    needle = str(folder).encode()
    out = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                out.append(int(entry.name))
        except OSError:  # gone meanwhile, or not readable
            continue
    return out


def remove_leftover_kernels(tmpdir: str | Path | None = None) -> list[Path]:
    """Remove the kernel folders of runs that were killed (their owner process is dead), first
    killing any kernel still running from one; returns the folders removed.

    A folder whose owner is alive belongs to a running render and is left alone.
    """
    import shutil
    import tempfile

    base = Path(tmpdir or tempfile.gettempdir())
    removed = []
    for folder in base.glob(f"{KERNEL_DIR_PREFIX}*"):
        owner = folder.name[len(KERNEL_DIR_PREFIX):].split("-", 1)[0]
        if not folder.is_dir() or not owner.isdigit() or _pid_alive(int(owner)):
            continue
        for pid in _processes_using(folder):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


# --------------------------------------------------------------------------- starting early

_PRESTARTED: dict[str, Renderer] = {}


def prestart(notebook: str | Path) -> None:
    """Start a kernel for ``notebook`` now, for :func:`prestarted` to hand over later in this
    process; shut down at exit if nobody takes it (a command that stopped on bad arguments)."""
    key = str(Path(notebook).resolve())
    if key not in _PRESTARTED:
        _PRESTARTED[key] = Renderer(notebook).start()
        atexit.register(_close_prestarted, key)


def prestarted(notebook: str | Path) -> Renderer | None:
    """The kernel :func:`prestart` started for ``notebook``, now the caller's to close; else None."""
    return _PRESTARTED.pop(str(Path(notebook).resolve()), None)


def _close_prestarted(key: str) -> None:
    r = _PRESTARTED.pop(key, None)
    if r is not None:
        r.close()
