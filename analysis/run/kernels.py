"""The kernels: each worker's Jupyter kernel, started with the plan's modules imported, and papermill on it.

Kernels listen on Unix sockets in a private folder (no TCP port races between kernels starting
together). A kernel that fails before the notebook's first cell (it did not start, or never
answered) is the machine's fault, not the notebook's: a fresh kernel gets one more try. Each
worker keeps one spare kernel starting (and importing) while it executes the current notebook.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any, Iterable

from .. import reasons
from ..reasons import Message, Reason, Said
from .jobs import Job

KERNEL_START_ATTEMPTS = 2
ENGINE_NAME = "suggestion-analytics"
# Modules every kernel imports while it waits (besides those the plan's notebooks import).
BASE_WARM_IMPORTS = ("IPython.display", "analysis.report")


@dataclass
class Failure:
    """Why a notebook did not run to its end: the error, and the cell it happened in."""

    ename: str
    why: Message  # the error's message (a timeout, a dead kernel: said by code)
    cell: int | None = None  # 1-based position among the notebook's cells
    execution_count: int | None = None


_SPARE: "Kernel | None" = None
_LIVE: set = set()
_WARM: tuple[str, ...] = ()


class Kernel:
    """A kernel started ahead of need; it imports the warm modules while nobody waits for it."""

    def __init__(self, kernel_name: str, cwd: str, warm: Iterable[str]):
        import subprocess
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name, self.cwd = kernel_name, cwd
        self.stderr = tempfile.TemporaryFile()  # read back when the kernel dies
        self.socket_dir = _kernel_socket_dir()
        if self.socket_dir:
            self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                         ip=os.path.join(self.socket_dir, "kernel"))
        else:
            self.km = AsyncKernelManager(kernel_name=kernel_name)
        arguments = ["--HistoryManager.hist_file=:memory:"]
        if warm:
            arguments.append(f"--IPKernelApp.exec_lines={_warm_code(warm)}")
        env = dict(os.environ, PYTHONHASHSEED="0")  # set and dict order identical from run to run
        run_sync(self.km.start_kernel)(extra_arguments=arguments, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                       stderr=self.stderr)
        _LIVE.add(self)

    def stderr_tail(self, limit: int = 600) -> str:
        """The end of what the kernel wrote to stderr (why it died)."""
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace")[-limit:].strip()
        except (OSError, ValueError):
            return ""

    def death_note(self) -> str:
        """Why the kernel died, as far as it can tell: exit code and its last line on stderr."""
        process = getattr(self.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        lines = [line for line in self.stderr_tail().splitlines()
                 if line.strip() and "running over TCP without encryption" not in line]
        note = f" (exit code {code})" if code is not None else ""
        return note + (f": {one_line(lines[-1])}" if lines else "")

    def kill(self) -> None:
        """Stop the kernel now (used by the parent watchdog: no event loop, no waiting)."""
        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
        self._remove_socket_dir()

    def _remove_socket_dir(self) -> None:
        if self.socket_dir:
            import shutil

            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop the kernel and release its files."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # a kernel that already died: make sure the process is gone
            self.kill()
        finally:
            self.stderr.close()
            self._remove_socket_dir()
            _LIVE.discard(self)


# Unix socket paths longer than this do not fit in sockaddr_un (108 bytes, with room for "-N").
_MAX_SOCKET_PATH = 100


def _kernel_socket_dir() -> str | None:
    """A private folder for a kernel's Unix sockets, or None where they cannot be used (then TCP).

    Over TCP, jupyter_client picks free ports by binding and releasing them, and the kernel binds
    them a second later: another kernel starting at the same moment (two workers do) can be given
    the same port, and a client connecting before the kernel listens can end up connected to
    itself. Either leaves a kernel that never answers. Unix sockets in a folder of its own cannot
    collide, and are only reachable by this user.
    """
    import tempfile

    if os.name != "posix":
        return None
    folder = tempfile.mkdtemp(prefix="sa-kernel-")
    if len(folder) + len("/kernel-65535") > _MAX_SOCKET_PATH:
        os.rmdir(folder)
        return None
    return folder


def notebook_imports(notebook: bytes) -> list[str]:
    """The modules a notebook's code cells import, in order (``from a import b`` gives a and a.b)."""
    import ast

    try:
        cells = json.loads(notebook.decode("utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError, AttributeError):
        return []
    found: dict[str, None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            tree = ast.parse("".join(source) if isinstance(source, list) else source)
        except SyntaxError:  # IPython magics and the like: nothing to learn from this cell
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update((f"{node.module}.{alias.name}", None) for alias in node.names if alias.name != "*")
    return list(found)


def _warm_code(modules: Iterable[str]) -> str:
    """Kernel start-up code importing ``modules``: a missing one is passed over, and no name is left behind."""
    names = ", ".join(repr(m) for m in modules)
    return (f"for _sa_module in ({names},):\n"
            "    try:\n        __import__(_sa_module)\n    except Exception:\n        pass\n"
            "del _sa_module")


def set_warm_imports(modules: Iterable[str]) -> None:
    """The modules every kernel of this worker imports before it is used."""
    global _WARM
    _WARM = tuple(modules)


def _take_kernel(kernel_name: str, cwd: str) -> Kernel:
    global _SPARE
    spare, _SPARE = _SPARE, None
    if spare is not None and (spare.kernel_name, spare.cwd) == (kernel_name, cwd):
        return spare
    if spare is not None:
        spare.shutdown()
    return Kernel(kernel_name, cwd, _WARM)


def prestart(kernel_name: str, cwd: str) -> None:
    global _SPARE
    if _SPARE is None:
        _SPARE = Kernel(kernel_name, cwd, _WARM)


def watch_parent(parent_pid: int) -> None:
    """Kill this worker's kernels and exit once its runner is gone (a thread: no orphan keeps kernels)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            for kernel in list(_LIVE):
                kernel.kill()
            os._exit(1)


def register_engine() -> None:
    """Register with papermill our engine (on a kernel we started) and our parameter writer."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class _Engine(NBClientEngine):
        """papermill's nbclient engine on a kernel we started, keeping the notebook even when it fails."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, capture, km, cell_timeout, start_timeout=60,
                                     **kwargs):
            capture["nb"] = nb_man.nb  # the live notebook: still ours if a cell times out or the kernel dies
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, timeout=cell_timeout,
                                             startup_timeout=start_timeout, log=logger, log_output=False)
            capture["client"] = client
            return client.execute()

    papermill_engines.register(ENGINE_NAME, _Engine)

    from papermill.translators import PythonTranslator, papermill_translators

    class _Translator(PythonTranslator):
        """Parameters written as Python literals staff can read: 十八届人大二次会议, not \\u5341….

        ``repr`` keeps printable characters (Chinese included) and escapes the invisible ones
        (bidi overrides, zero-width spaces), so the injected cell shows exactly what was passed.
        """

        @classmethod
        def translate_escaped_str(cls, str_val):
            return repr(str(str_val))

    papermill_translators.register("python", _Translator)


def _cell_position(nb, index: int) -> int:
    """1-based position of cell ``index`` among the notebook's cells, not counting papermill's error notes."""
    return sum(1 for cell in nb.cells[: index + 1]
               if "papermill-error-cell-tag" not in cell.get("metadata", {}).get("tags", []))


def _first_error(nb) -> tuple[int, Any, str, str] | None:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not (
                    output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0")):
                return _cell_position(nb, index), cell.get("execution_count"), output.get("ename", ""), \
                    output.get("evalue", "")
    return None


def _last_started(nb) -> int | None:
    started = [i for i, c in enumerate(nb.cells) if (c.get("metadata", {}).get("papermill") or {}).get("start_time")]
    return started[-1] if started else None


def _mark_cell_failed(nb, index: int, ename: str, evalue: str) -> None:
    """Record a failure papermill could not (timeout, dead kernel) as an error output of the cell."""
    from nbformat.v4 import new_output

    cell = nb.cells[index]
    cell.setdefault("outputs", []).append(new_output("error", ename=ename, evalue=evalue, traceback=[]))
    meta = cell.setdefault("metadata", {}).setdefault("papermill", {})
    meta["exception"] = True
    meta["status"] = "failed"
    nb.metadata.setdefault("papermill", {})["exception"] = True


def one_line(text: str, limit: int = 200) -> str:
    """The first line of ``text``, cut to ``limit`` characters (what a report's line shows of an error)."""
    first = " ".join(str(text).strip().splitlines()[:1]) if str(text).strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def execute(job: Job) -> tuple[Any, Failure | None, int]:
    """Run one notebook; returns (executed notebook or None, failure or None, kernels that never answered).

    A kernel that fails before the notebook's first cell began (it did not start, or never
    answered) is the machine's fault, not the notebook's: a fresh kernel gets one more try.
    """
    for attempt in range(KERNEL_START_ATTEMPTS):
        nb, failure = _execute_once(job)
        if not failure or nb is None or _last_started(nb) is not None:
            break
    else:
        failure.why += (Said(Reason.KERNELS_TRIED, KERNEL_START_ATTEMPTS),)
    return nb, failure, attempt


def _execute_once(job: Job) -> tuple[Any, Failure | None]:
    """Run one notebook on one kernel; returns (executed notebook or None, failure or None)."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    capture: dict = {}
    kernel = _take_kernel(job.kernel_name, str(job.cwd))
    if job.prestart:
        prestart(job.kernel_name, str(job.cwd))  # boots and imports while this notebook runs
    failure = None
    try:
        papermill.execute_notebook(
            str(job.notebook), None, parameters=dict(job.parameters), engine_name=ENGINE_NAME,
            kernel_name=job.kernel_name, progress_bar=False, request_save_on_cell_execute=False,
            start_timeout=job.start_timeout, cwd=str(job.cwd), km=kernel.km, capture=capture,
            cell_timeout=job.timeout)
    except PapermillExecutionError as exc:
        failure = Failure(exc.ename, (one_line(exc.evalue),))
    except CellTimeoutError:
        failure = Failure("CellTimeoutError", (Said(Reason.CELL_TIMEOUT, job.timeout), " (--timeout)"))
    except DeadKernelError:
        failure = Failure("DeadKernelError", (Said(Reason.KERNEL_DIED), kernel.death_note()))
    except Exception as exc:  # anything else (kernel would not start, bad notebook file): report, do not crash
        text = one_line(str(exc))
        if isinstance(exc, RuntimeError) and text.startswith(("Kernel didn't respond", "Kernel died before")):
            failure = Failure(type(exc).__name__, (Said(Reason.KERNEL_SILENT), f": {text}{kernel.death_note()}"))
        else:
            failure = Failure(type(exc).__name__, (text,))
    finally:
        client = capture.get("client")
        if client is not None and client.kc is not None:
            client.kc.stop_channels()
        kernel.shutdown()
    nb = capture.get("nb")
    if failure and nb is not None:
        found = _first_error(nb)
        if found is None:
            index = _last_started(nb)
            if index is not None:
                _mark_cell_failed(nb, index, failure.ename, reasons.text(failure.why))
                found = _first_error(nb)
        if found:
            failure.cell, failure.execution_count = found[0], found[1]
    return nb, failure
