"""The workers: threads of the runner, each driving one kernel, that execute reports; and the writer, which exports them.

A worker is a thread of the runner's own process, as many as ``--jobs`` (default: one per core):
it starts its kernel first thing, so that the kernel boots while the worker imports papermill,
nbclient and the exporter (once for the run, shared by every worker), then takes the next report
whenever it is free (``Workers``). Each worker's kernel is a process of its own; the worker only
sends it cells and reads back what they showed (nbclient, on an event loop of the worker's own
thread), and hands the executed notebook to the writer: one more thread of the runner, which
writes the executed notebook, exports the report (page, workbook, Word draft) and writes each file
atomically, while the worker's kernel already runs the next report (``execute_job``, then
``write_job``; ``run_job`` is both in turn). Neither raises: whatever happens to a report is in its
``ReportResult``. An interrupted run kills the kernels at once, and neither workers nor writer write
anything more.
"""
from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .. import reasons, report
from ..reasons import Message, Reason, Said, of
from . import kernels
from .jobs import Job, ReportResult
from .outputs import atomic_write

WAKE_S = 0.2  # how often the run's main thread, waiting for a report, looks for a Ctrl-C another thread took
STOP_WAIT_S = 15  # how long an interrupted run waits for its workers to see their kernels killed
# One report's files are written at a time: on a nearly full disk a report fails at its own largest file, never at
# whichever file another report's half-written page left no room for.
_WRITING = threading.Lock()


class Workers:
    """``count`` threads, each keeping one kernel (a ``kernels.Seat``), that execute ``jobs`` in the order given, and
    one writer thread that exports and writes each executed report as it comes (its kernel meanwhile runs the next)."""

    def __init__(self, jobs: Sequence[Job], count: int, warm: Iterable[str], env: Mapping[str, str] | None = None):
        self._todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
        for job in jobs:
            self._todo.put(job)
        # Executed reports for the writer (a ReportResult: one that failed before it could be written; None: a
        # worker has ended), and the writer's results for the run (None: the writer has ended, so has every worker).
        self._executed: queue.SimpleQueue[Executed | ReportResult | None] = queue.SimpleQueue()
        self._made: queue.SimpleQueue[ReportResult | None] = queue.SimpleQueue()
        self._stopping = threading.Event()  # an interrupted run: take no report, write nothing more
        self._seats = [kernels.Seat(warm, env, more_to_come=self._more_to_come)
                       for _ in range(max(1, min(count, len(jobs))))]
        self._threads = [threading.Thread(target=self._work, args=(seat,), name=f"sa-worker-{number}", daemon=True)
                         for number, seat in enumerate(self._seats, 1)]
        self._writer = threading.Thread(target=self._write, name="sa-writer", daemon=True)
        for thread in [*self._threads, self._writer]:
            thread.start()

    def _more_to_come(self) -> bool:
        """Whether a report is still waiting for a worker (none is ever added once the run has started)."""
        return not self._todo.empty() and not self._stopping.is_set()

    def results(self) -> Iterator[ReportResult]:
        """Each report's result as soon as it is written, until the writer (after every worker) has ended.

        The wait wakes every ``WAKE_S``: Ctrl-C may be taken by a worker thread (rare on Linux, which prefers the main
        thread), and Python acts on a signal only in the main thread, which a wait without end would never let run.
        """
        while True:
            try:
                result = self._made.get(timeout=WAKE_S)
            except queue.Empty:
                continue
            if result is None:
                return
            yield result

    def stop(self, now: bool = False) -> None:
        """Wait for the workers and the writer to end; ``now`` (the run was interrupted): their kernels killed first,
        their reports left unwritten. Either way every kernel has stopped when this returns (or, past
        ``STOP_WAIT_S``, is killed)."""
        if now:
            self._stopping.set()
            for seat in self._seats:
                seat.kill()
        for thread in [*self._threads, self._writer]:
            thread.join(STOP_WAIT_S if now else None)
        for seat in self._seats:  # a worker stuck past the wait: its kernels go anyway
            seat.kill()

    def _work(self, seat: kernels.Seat) -> None:
        """A worker's life: start its kernel, then execute reports until none is left, each handed to the writer."""
        try:
            first = True
            while not self._stopping.is_set():
                try:
                    job = self._todo.get_nowait()
                except queue.Empty:
                    return
                if first:  # the kernel boots while this worker imports papermill and nbclient, if not yet (prepare)
                    seat.start(job)
                    first = False
                self._executed.put(_executed_safely(job, seat, self._stopping))
        finally:
            seat.stop()
            self._executed.put(None)

    def _write(self) -> None:
        """The writer's life: write each executed report as it comes, until every worker has ended."""
        try:
            running = len(self._threads)
            while running:
                item = self._executed.get()
                if item is None:
                    running -= 1
                elif isinstance(item, ReportResult):
                    self._made.put(item)
                else:
                    self._made.put(_written_safely(item, self._stopping))
        finally:
            self._made.put(None)


def _executed_safely(job: Job, seat: kernels.Seat, stopping: threading.Event) -> Executed | ReportResult:
    """``execute_job``, whatever happens: an executed report for the writer, or the result of one that failed here."""
    try:
        prepare()
        return execute_job(job, seat, stopping)
    except Exception as exc:  # noqa: BLE001 - a fault of ours: this report fails, the others go on
        return _fault(job, exc)


def _written_safely(executed: Executed, stopping: threading.Event) -> ReportResult:
    """``write_job``, and its result whatever happens: every report a worker takes is accounted for."""
    try:
        return write_job(executed, stopping)
    except Exception as exc:  # noqa: BLE001 - a fault of ours: this report fails, the others go on
        return _fault(executed.job, exc)


def _fault(job: Job, exc: Exception) -> ReportResult:
    return ReportResult(job.name, "failed", job.title, job.session, (kernels.one_line(f"{type(exc).__name__}: {exc}"),))


_PREPARED = threading.Lock()
_prepared = False
# What jsonschema imports, when installed, only to check string formats (date-time, uri, color, …): 0.05–0.08 CPU s
# of the runner's imports at load 18 on the AMD EPYC VM. idna is not among them: requests (papermill) needs it.
_FORMAT_CHECKER_LIBRARIES = ("fqdn", "rfc3987", "rfc3986_validator", "rfc3339_validator", "webcolors", "jsonpointer",
                             "uri_template", "isoduration")


def prepare() -> None:
    """Import what making a report needs (papermill, nbclient, nbformat, the exporter) and register our papermill
    engine, once for the process: the runner calls it while its inputs are described, a worker before each report."""
    global _prepared
    with _PREPARED:
        if _prepared:
            return
        import logging

        # jsonschema builds an IRI grammar with lark when rfc3987_syntax is installed: about a second of CPU, for a
        # format check nbformat never uses (it validates with fastjsonschema). The run does without it.
        sys.modules.setdefault("rfc3987_syntax", None)
        logging.getLogger("papermill").setLevel(logging.CRITICAL)  # our one line per report says what happened
        # papermill offers HDFS paths when pyarrow imports (0.45 CPU s with numpy, for paths a run never reads: it
        # executes the plan's local notebooks), and openpyxl takes numpy numbers when numpy imports (0.2 CPU s, for
        # values a report's export never holds: it writes what the notebooks displayed, plain JSON values). When
        # nothing here imported them yet (the inputs are described in a child process), both import without them.
        # Likewise jsonschema's optional format checkers (_FORMAT_CHECKER_LIBRARIES), imported by nbformat's import of
        # jsonschema: nbformat validates without a format checker, so the run never uses them.
        with _as_if_missing("pyarrow", "numpy", *_FORMAT_CHECKER_LIBRARIES):
            kernels.register_engine()
            kernels.warm_client()
            import nbformat  # noqa: F401 - used by write_job

            from .. import export  # noqa: F401 - used by write_job
        _prepared = True


@contextlib.contextmanager
def _as_if_missing(*names: str) -> Iterator[None]:
    """Imports inside see ``names`` as not installed, unless already imported; afterwards they import as ever."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] - Python's own mark of a module that cannot import
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def normalise_notebook(nb, fixed_time: str | None) -> None:
    """Deterministic ids for cells papermill added; with SOURCE_DATE_EPOCH, fixed times (same bytes)."""
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{index}"
        if fixed_time is not None:
            cell.get("metadata", {}).pop("execution", None)
            meta = cell.get("metadata", {}).get("papermill")
            if meta:
                for key in ("start_time", "end_time"):
                    if meta.get(key):
                        meta[key] = fixed_time
                if meta.get("duration") is not None:
                    meta["duration"] = 0.0
    meta = nb.metadata.get("papermill")
    if fixed_time is not None and meta:
        for key in ("start_time", "end_time"):
            if meta.get(key):
                meta[key] = fixed_time
        if meta.get("duration") is not None:
            meta["duration"] = 0.0


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _failure_why(failure: kernels.Failure) -> Message:
    """A failure as its report's line says it: '第4格 cell 4 (In [3]): ValueError: …'."""
    where: Message = ()
    if failure.cell:
        where = (Said(Reason.CELL, failure.cell),)
        if failure.execution_count:
            where += (f" (In [{failure.execution_count}])",)
        where += (": ",)
    return (*where, f"{failure.ename}: ", *failure.why)


def _session_words(session: str) -> dict[str, str]:
    """The session as the index names it, in each language (worked out here, where pandas is imported anyway)."""
    if not session:
        return {}
    from .. import labels

    return {lang: labels.session_label(session, lang) for lang in ("zh", "en")}


@dataclass
class Executed:
    """A report whose notebook has run on its kernel (to its end or to a failure), waiting for the writer."""

    job: Job
    result: ReportResult  # so far: its kernel's part (a note that the kernel was replaced, its place in the kernel)
    nb: Any  # the executed notebook (None: the notebook never ran)
    failure: kernels.Failure | None
    started: float  # time.monotonic() when its worker took it


def run_job(job: Job, seat: kernels.Seat, stopping: threading.Event | None = None) -> ReportResult:
    """Execute one report on the seat's kernel, export it, write its files atomically; never raises.

    ``stopping`` set (the run was interrupted, its kernel killed): the report is abandoned, nothing written.
    """
    executed = execute_job(job, seat, stopping)
    return executed if isinstance(executed, ReportResult) else write_job(executed, stopping)


def execute_job(job: Job, seat: kernels.Seat, stopping: threading.Event | None = None) -> Executed | ReportResult:
    """Run one report's notebook on the seat's kernel: the executed report for ``write_job``, or (the run was
    interrupted) the abandoned report's result, with nothing to write."""
    started = time.monotonic()
    result = ReportResult(job.name, "failed", job.title, job.session, is_sample=bool(job.run_info.get("is_sample")))
    nb, failure, kernel_retries, result.kernel_run = kernels.execute(job, seat)
    if stopping is not None and stopping.is_set():  # no one waits for this result: nothing is written
        return result
    if kernel_retries and not failure:
        result.note = of(Reason.KERNEL_REPLACED)
    return Executed(job, result, nb, failure, started)


def write_job(executed: Executed, stopping: threading.Event | None = None) -> ReportResult:
    """Write an executed report: its executed notebook, and (when it ran to its end) its page, workbook and Word
    draft, each atomically; never raises (an export or a write that fails fails the report, the run goes on).

    ``stopping`` set (the run was interrupted): nothing more is written.
    """
    import nbformat

    from .. import export

    job, nb, failure, result = executed.job, executed.nb, executed.failure, executed.result
    root = job.folders["root"]
    cells_seconds, exporting = 0.0, None
    try:
        result.session_words = _session_words(job.session)
        when = report.build_time()
        result.built_at = when.isoformat()
        fixed = when.isoformat() if os.environ.get("SOURCE_DATE_EPOCH") else None
        cells_seconds = _cells_seconds(nb)  # before normalise_notebook, which may set them to 0
        exporting = time.monotonic()
        if nb is not None:
            normalise_notebook(nb, fixed)
            notebook_path = job.folders["notebooks"] / f"{job.name}.ipynb"
            text = nbformat.writes(nb)
            with _WRITING:
                _unless_stopping(stopping)
                atomic_write(notebook_path, text)
            result.outputs["notebook"] = _relative(notebook_path, root)
        if failure:
            result.why, result.cell = _failure_why(failure), failure.cell
            return result
        run_info = dict(job.run_info, generated_at=when.isoformat())
        exported = export.render_report(nb, report_name=job.name, lang=job.lang, run_info=run_info)
        written = {}
        with _WRITING:
            _unless_stopping(stopping)
            if exported.xlsx is not None:
                written["excel"] = atomic_write(job.folders["tables"] / f"{job.name}.xlsx", exported.xlsx)
            if exported.docx is not None:
                written["word"] = atomic_write(job.folders["tables"] / f"{job.name}.docx", exported.docx)
            written["html"] = atomic_write(job.folders["html"] / f"{job.name}.html", exported.html)
        result.outputs.update({k: _relative(p, root) for k, p in written.items()})
        result.status, result.title = "done", exported.title
        result.n_figures, result.is_sample = exported.n_figures, exported.is_sample
    except _Stopped:  # no one waits for this result
        pass
    except Exception as exc:  # export or write failed: the report fails, the run goes on
        result.why = (kernels.one_line(f"{type(exc).__name__}: {exc}"),)
    finally:
        result.seconds = round(time.monotonic() - executed.started, 2)
        if exporting is not None:
            result.own_seconds = round(cells_seconds + time.monotonic() - exporting, 2)
    return result


class _Stopped(Exception):
    """The run was interrupted while a report was being written: nothing more is written."""


def _unless_stopping(stopping: threading.Event | None) -> None:
    if stopping is not None and stopping.is_set():
        raise _Stopped


def _cells_seconds(nb) -> float:
    """How long the notebook's cells ran, as papermill timed each (not the wait for a kernel to start)."""
    if nb is None:
        return 0.0
    return sum(float((cell.get("metadata", {}).get("papermill") or {}).get("duration") or 0.0) for cell in nb.cells)
