"""A worker process: executes reports on its kernels, exports each (page, workbook, Word draft), writes them.

Workers are spawned, not forked (a worker must not inherit the outputs lock or the parent's
threads). papermill, nbformat and the exporter are imported once per worker, not once per
report: while its first kernel boots (started first thing when every report of the run runs on
the same kernel and folder), or, when the workers start before the reports are known, while the
runner reads the inputs (the kernel then starts with the first report). A worker never raises:
whatever happens to a report is in its ``ReportResult``. It leaves as soon as its kernels are
stopped, without tearing down its modules.
"""
from __future__ import annotations

import multiprocessing.util
import os
import sys
import threading
import time
from pathlib import Path
from typing import Mapping

from .. import reasons, report
from ..errors import RunError
from ..reasons import Message, Reason, Said, of
from . import kernels
from .jobs import Job, ReportResult
from .outputs import atomic_write


def worker_init(parent_pid: int, warm: tuple[str, ...], env: Mapping[str, str] | None = None,
                kernel: tuple[str, str] | None = None) -> None:
    """Set up a worker process: import papermill and the exporter once, while its first kernel boots.

    ``env`` (the run's snapshots, ``sources.environment``) is set before any kernel starts, so every
    kernel of the run reads the run's copies of the input files. ``kernel`` (kernel name, working
    folder), when every report of the run shares them, starts the worker's kernel first thing;
    otherwise it starts with the worker's first report.
    """
    import logging
    import warnings

    os.environ.update(env or {})

    # jsonschema (under nbformat) builds an IRI grammar with lark when rfc3987_syntax is installed:
    # two seconds of CPU per process, for a format check nbformat never uses (it validates with
    # fastjsonschema). Workers do without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    # papermill offers HDFS paths when pyarrow.fs imports: pyarrow, 0.15 CPU s per process, for paths a worker never
    # reads (it executes the plan's local notebooks). A worker imports no pandas either (excel writes payloads as lists).
    sys.modules.setdefault("pyarrow.fs", None)
    # openpyxl imports numpy when it can, to take numpy numbers (0.1 CPU s per process). A worker only writes what
    # the notebooks displayed (plain JSON values), so it needs no numpy: code that did would fail loudly, not quietly.
    sys.modules.setdefault("numpy", None)
    kernels.set_warm_imports((*kernels.BASE_WARM_IMPORTS, *warm))
    # The worker's kernel stops when the worker exits (multiprocessing runs these finalizers, not atexit).
    multiprocessing.util.Finalize(None, _stop_and_leave, exitpriority=10)
    threading.Thread(target=kernels.watch_parent, args=(parent_pid,), daemon=True).start()
    if kernel:
        kernels.start_early(*kernel)
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # our one line per report says what happened
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    kernels.register_engine()
    # What exporting needs, imported once per worker.
    from .. import excel, export, html_page  # noqa: F401
    import docx  # noqa: F401
    import mistune  # noqa: F401

    html_page.basic_bundle()


def worker_ready() -> None:
    """Nothing: a task that makes the pool start a worker before its reports are known."""


def _stop_and_leave() -> None:
    """A worker's end: its kernels stopped, then out at once.

    Every result has been sent (a pool's worker sends each before it takes the next job), and tearing
    down the interpreter with pandas, plotly and the exporter loaded takes 0.3 s, at the end of every run.
    """
    kernels.stop_kernels()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed stream: nothing left to say
            pass
    os._exit(0)


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


def run_job(job: Job) -> ReportResult:
    """Worker entry: execute one report, export it, write its files atomically; never raises."""
    import nbformat

    from .. import export

    started = time.monotonic()
    root = job.folders["root"]
    result = ReportResult(job.name, "failed", job.title, job.session,
                          is_sample=bool(job.run_info.get("is_sample")))
    cells_seconds, exporting = 0.0, None
    try:
        result.session_words = _session_words(job.session)
        nb, failure, kernel_retries, result.kernel_run = kernels.execute(job)
        if kernel_retries and not failure:
            result.note = of(Reason.KERNEL_REPLACED)
        when = report.build_time()
        result.built_at = when.isoformat()
        fixed = when.isoformat() if os.environ.get("SOURCE_DATE_EPOCH") else None
        cells_seconds = _cells_seconds(nb)  # before normalise_notebook, which may set them to 0
        exporting = time.monotonic()
        if nb is not None:
            normalise_notebook(nb, fixed)
            notebook_path = job.folders["notebooks"] / f"{job.name}.ipynb"
            atomic_write(notebook_path, nbformat.writes(nb))
            result.outputs["notebook"] = _relative(notebook_path, root)
        if failure:
            result.why, result.cell = _failure_why(failure), failure.cell
            return result
        run_info = dict(job.run_info, generated_at=when.isoformat())
        exported = export.render_report(nb, report_name=job.name, lang=job.lang, run_info=run_info)
        written = {}
        if exported.xlsx is not None:
            written["excel"] = atomic_write(job.folders["tables"] / f"{job.name}.xlsx", exported.xlsx)
        if exported.docx is not None:
            written["word"] = atomic_write(job.folders["tables"] / f"{job.name}.docx", exported.docx)
        written["html"] = atomic_write(job.folders["html"] / f"{job.name}.html", exported.html)
        result.outputs.update({k: _relative(p, root) for k, p in written.items()})
        result.status, result.title = "done", exported.title
        result.n_figures, result.is_sample = exported.n_figures, exported.is_sample
    except Exception as exc:  # export or write failed: the report fails, the run goes on
        result.why = (kernels.one_line(f"{type(exc).__name__}: {exc}"),)
    finally:
        result.seconds = round(time.monotonic() - started, 2)
        if exporting is not None:
            result.own_seconds = round(cells_seconds + time.monotonic() - exporting, 2)
    return result


def _cells_seconds(nb) -> float:
    """How long the notebook's cells ran, as papermill timed each (not the wait for a kernel to start)."""
    if nb is None:
        return 0.0
    return sum(float((cell.get("metadata", {}).get("papermill") or {}).get("duration") or 0.0) for cell in nb.cells)
