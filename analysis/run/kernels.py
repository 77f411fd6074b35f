"""The kernels: each worker keeps one Jupyter kernel, with the plan's modules imported, and runs report after report in it.

A worker (a thread of the runner, ``worker``) holds its kernel in a ``Seat``. The kernel starts
with the worker's first report (or again when it must be replaced) and imports pandas, plotly,
the package and whatever the plan's notebooks import, once. After a report that ran to its end,
``analysis.run.kernel_state`` checks inside the kernel that the report left nothing behind (a
working folder, an environment variable, a monkeypatched module, an option of a library …) and
gives the next report a fresh namespace; a report that failed, or left something behind, costs
the kernel, and the next report gets a new one. After a worker's last report (no report left for
any worker) there is no next report: its kernel is stopped unchecked. No kernel is started ahead of
need, and the last one stops when its worker does; a kernel whose runner is gone exits by itself
(ipykernel watches its parent, the runner).

Kernels listen on Unix sockets in a private folder (no TCP port races between kernels starting
together). A kernel that fails before the notebook's first cell (it did not start, or never
answered) is the machine's fault, not the notebook's: a fresh kernel gets one more try.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .. import reasons
from ..reasons import Message, Reason, Said
from .jobs import Job

KERNEL_START_ATTEMPTS = 2
ENGINE_NAME = "suggestion-analytics"
REPLAYED_PAPERMILL = "2.7.0"  # the papermill whose execute_notebook _papermill_execute replays step by step
# Modules every kernel imports while it waits (besides those the plan's notebooks import).
BASE_WARM_IMPORTS = ("IPython.display", "analysis.report")


@dataclass
class Failure:
    """Why a notebook did not run to its end: the error, and the cell it happened in."""

    ename: str
    why: Message  # the error's message (a timeout, a dead kernel: said by code)
    cell: int | None = None  # 1-based position among the notebook's cells
    execution_count: int | None = None


REUSE_ENV = "SA_KERNEL_REUSE"  # "off": a new kernel for every report (as the plain papermill way does)
# Run in the kernel after a report: check it, and start afresh; then read what it left behind.
_AFTER_REPORT = "__import__('analysis.run.kernel_state', fromlist=['after_report']).after_report()"
_LEFT_BEHIND = "__import__('analysis.run.kernel_state', fromlist=['LAST']).LAST"
_TAKE_BASELINE = "__import__('analysis.run.kernel_state', fromlist=['take_baseline']).take_baseline()"


class Kernel:
    """A worker's kernel: it imports the warm modules and records its state before its first report.

    ``env``: variables set for the kernel besides the runner's own (the run's input snapshots).
    """

    def __init__(self, kernel_name: str, cwd: str, warm: Iterable[str], env: Mapping[str, str] | None = None):
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
        self.reports = 0  # reports run in it so far
        self.last_left: list[str] = []  # what the last report left behind
        arguments = ["--HistoryManager.hist_file=:memory:"]
        if warm:
            arguments.append(f"--IPKernelApp.exec_lines={_warm_code(warm)}")
        self.recorded = False  # its state is recorded (kernel_state.take_baseline) before its first report
        # PYTHONHASHSEED: set and dict order identical from run to run
        run_sync(self.km.start_kernel)(extra_arguments=arguments, cwd=cwd, env=dict(os.environ, **(env or {}),
                                       PYTHONHASHSEED="0"), stdout=subprocess.DEVNULL, stderr=self.stderr)

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
        """Stop the kernel now, from any thread (a run interrupted: no event loop, no waiting)."""
        import signal

        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            try:  # with whatever a report started: the kernel leads a process group of its own
                os.killpg(getattr(self.km.provisioner, "pgid", None) or process.pid, signal.SIGKILL)
            except OSError:
                process.kill()
        self._remove_socket_dir()

    def _remove_socket_dir(self) -> None:
        if self.socket_dir:
            import shutil

            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def alive(self) -> bool:
        """True while the kernel's process runs."""
        process = getattr(self.km.provisioner, "process", None)
        return process is not None and process.poll() is None

    async def before_first_cell(self, client) -> None:
        """Record the kernel's state before its first report, as a report's cells will find it (once per kernel).

        Run from nbclient's ``on_notebook_start`` hook: the kernel answers (the start-up timeout
        applies as before), and the record is taken in the same context as the cells run in.
        """
        if self.recorded:
            return
        msg_id = client.kc.execute(_TAKE_BASELINE, silent=True, store_history=False, allow_stdin=False)
        reply = await client.async_wait_for_reply(msg_id)
        self.recorded = reply is not None and reply["content"].get("status") == "ok"

    def left_behind(self, client) -> list[str]:
        """After a report that ran to its end: what it left behind in the kernel (empty: run the next one here).

        The check runs in the kernel silently (no output, no execution count) through ``client``,
        the kernel client the report ran on; anything unexpected means the kernel is not reused.
        """
        import ast

        try:
            msg_id = client.kc.execute(_AFTER_REPORT, silent=True, store_history=False,
                                       user_expressions={"left": _LEFT_BEHIND}, allow_stdin=False)
            reply = client.wait_for_reply(msg_id)
            content = reply["content"]
            if content.get("status") != "ok":
                return [f"the check raised {content.get('ename', '?')}"]
            left = ast.literal_eval(content["user_expressions"]["left"]["data"]["text/plain"])
            return [str(item) for item in left]
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot say is not reused
            return [f"the check did not answer: {type(exc).__name__}"]

    def shutdown(self) -> None:
        """Stop the kernel and release its files, without waiting: its report is done, nothing in it needs a clean end."""
        from jupyter_core.utils import run_sync

        try:
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                # Killed with whatever it started (its process group), and reaped here at once: jupyter_client's
                # own shutdown polls every 0.1 s until the process is gone.
                run_sync(self.km.provisioner.kill)()
                process.wait(timeout=5)
            run_sync(self.km.shutdown_kernel)(now=True)  # finds it gone: releases its connection files
        except Exception:  # a kernel that already died: make sure the process is gone
            self.kill()
        finally:
            self.stderr.close()
            self._remove_socket_dir()


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
    if not names:
        return ""
    return (f"for _sa_module in ({names},):\n"
            "    try:\n        __import__(_sa_module)\n    except Exception:\n        pass\n"
            "del _sa_module")


class Seat:
    """A worker's place for its kernel: the kernel kept between reports, and every kernel it started still running."""

    def __init__(self, warm: Iterable[str] = (), env: Mapping[str, str] | None = None,
                 more_to_come: Callable[[], bool] = lambda: True):
        self.warm = tuple(dict.fromkeys([*BASE_WARM_IMPORTS, *warm]))  # imported by each kernel before its first report
        self.env = dict(env or {})  # the run's input snapshots, as every kernel of the run reads them
        # Whether another report may still come to this seat: when none can, a report's kernel is not checked and
        # made fresh for a next one (kernel_state's after_report, about 0.07 CPU s at the end of the run); it stops.
        self.more_to_come = more_to_come
        self.kept: Kernel | None = None
        self.live: list[Kernel] = []  # started and not yet shut down (the one running a report included)
        self.killed = False  # the run was interrupted: no kernel is started any more

    def take(self, job: Job) -> Kernel:
        """The kept kernel when it suits the job (same kernel and folder, still running), else a new one."""
        kernel, self.kept = self.kept, None
        if kernel is not None and (kernel.kernel_name, kernel.cwd) == (job.kernel_name, str(job.cwd)) \
                and kernel.alive():
            return kernel
        if kernel is not None:
            self.release(kernel)
        if self.killed:
            raise RuntimeError("the run was interrupted")
        kernel = Kernel(job.kernel_name, str(job.cwd), self.warm, self.env)
        self.live.append(kernel)
        if self.killed:  # interrupted while it started
            kernel.kill()
        return kernel

    def start(self, job: Job) -> None:
        """Start the kernel ``job`` needs now, so that it boots while the worker imports what it needs.

        One that cannot start is left to the report to find (it starts one again and says why it cannot).
        """
        try:
            self.keep(self.take(job))
        except Exception:  # noqa: BLE001 - said by the report
            pass

    def keep(self, kernel: Kernel) -> None:
        """Keep ``kernel`` for the next report (it ran one to its end and left nothing behind)."""
        self.kept = kernel

    def release(self, kernel: Kernel) -> None:
        """Shut ``kernel`` down: its report failed or left something behind, or the worker is done."""
        kernel.shutdown()
        if kernel in self.live:
            self.live.remove(kernel)

    def stop(self) -> None:
        """Shut down every kernel of this seat (its worker is done: nothing is left running after a run)."""
        self.kept = None
        for kernel in list(self.live):
            self.release(kernel)

    def kill(self) -> None:
        """Kill every kernel of this seat now, from another thread (the run was interrupted): its report fails at once."""
        self.killed = True
        for kernel in list(self.live):
            kernel.kill()


def warm_client() -> None:
    """What starting the first kernel does first, done ahead (while the inputs are described): jupyter_client's kernel
    manager imported, its provisioners found (entry points) and the default kernel's spec looked up (ipykernel's
    kernelspec imported). Nothing is started; a missing kernel is the report's to say."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    KernelProvisionerFactory.instance()
    try:
        AsyncKernelManager(kernel_name="python3").kernel_spec
    except Exception:  # noqa: BLE001 - no such kernel here: the report that needs it says so
        pass


def register_engine() -> None:
    """Register with papermill our engine (on a kernel we started) and our parameter writer."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class _Engine(NBClientEngine):
        """papermill's nbclient engine on a kernel we started, keeping the notebook even when it fails."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, capture, km, cell_timeout, start_timeout=60,
                                     before_first_cell=None, **kwargs):
            capture["nb"] = nb_man.nb  # the live notebook: still ours if a cell times out or the kernel dies
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, timeout=cell_timeout,
                                             startup_timeout=start_timeout, log=logger, log_output=False)
            if before_first_cell is not None:
                async def on_notebook_start(notebook):
                    await before_first_cell(client)

                client.on_notebook_start = on_notebook_start
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


def execute(job: Job, seat: Seat) -> tuple[Any, Failure | None, int, int]:
    """Run one notebook; returns (executed notebook or None, failure or None, kernels that never answered, and
    the report's place in the kernel's life: 1 on a new kernel, 2 on one that ran a report before …).

    A kernel that fails before the notebook's first cell began (it did not start, or never
    answered) is the machine's fault, not the notebook's: a fresh kernel gets one more try.
    """
    for attempt in range(KERNEL_START_ATTEMPTS):
        nb, failure, place = _execute_once(job, seat)
        if not failure or nb is None or _last_started(nb) is not None:
            break
    else:
        failure.why += (Said(Reason.KERNELS_TRIED, KERNEL_START_ATTEMPTS),)
    return nb, failure, attempt, place


def _papermill_execute(job: Job, kernel: Kernel, capture: dict) -> None:
    """``papermill.execute_notebook`` of the job's notebook on ``kernel`` (the executed notebook lands in ``capture``),
    less its last step: the notebook serialised for an output path we do not give (the worker writes it itself).

    Its other steps, in its order: read the notebook, inject the parameters, note the paths, drop old error notes,
    run the cells with our engine, and mark the first error (PapermillExecutionError). No working folder is given:
    papermill would change the runner's, which its threads share; the kernel started in the notebook's folder
    (and kernel_state checks it is still there).

    Those steps are papermill's own module-level helpers, as papermill ``REPLAYED_PAPERMILL`` arranges them (the
    version requirements.lock pins). Under any other papermill (the package installed beside a newer one) the
    whole ``papermill.execute_notebook`` is called instead: the same notebook, one serialisation slower.
    """
    import papermill

    engine_options = dict(kernel_name=job.kernel_name, progress_bar=False, log_output=False,
                          start_timeout=job.start_timeout, stdout_file=None, stderr_file=None, km=kernel.km,
                          capture=capture, cell_timeout=job.timeout, before_first_cell=kernel.before_first_cell)
    if papermill.__version__ != REPLAYED_PAPERMILL:
        papermill.execute_notebook(str(job.notebook), None, parameters=dict(job.parameters) or None,
                                   engine_name=ENGINE_NAME, **engine_options)
        return
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    source = str(job.notebook)
    nb = load_notebook_node(source)
    if job.parameters:
        nb = parameterize_notebook(nb, dict(job.parameters), kernel_name=job.kernel_name, engine_name=ENGINE_NAME)
    nb = remove_error_markers(prepare_notebook_metadata(nb, source, None))
    nb = papermill_engines.execute_notebook_with_engine(ENGINE_NAME, nb, input_path=source, output_path=None,
                                                        **engine_options)
    raise_for_execution_errors(nb, None)


def _execute_once(job: Job, seat: Seat) -> tuple[Any, Failure | None, int]:
    """Run one notebook on the seat's kernel; returns (executed notebook or None, failure or None, place in the kernel)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    capture: dict = {}
    kernel = seat.take(job)
    place = kernel.reports + 1
    failure = None
    reuse = False
    try:
        _papermill_execute(job, kernel, capture)
        kernel.reports += 1
        if seat.more_to_come() and os.environ.get(REUSE_ENV, "").strip().lower() not in {"off", "0", "no"}:
            kernel.last_left = kernel.left_behind(capture["client"]) if kernel.recorded else ["no record of its state"]
            reuse = not kernel.last_left
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
        if reuse:
            seat.keep(kernel)  # the next report runs here, in a fresh namespace
        else:
            seat.release(kernel)  # failed, or left something behind: the next report gets a new kernel
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
    return nb, failure, place
