"""The PDFs of a run: one headless Chromium for all of them, each page printed as soon as its report is made.

The browser is launched for the first page and prints in the runner's process while the workers
run the next reports; several tabs print at once (``PDF_TABS``). A report's result is passed on
(its manifest written, its line printed) once its PDF is written, or with a note saying why there
is none: a PDF that fails costs only itself. The browser, and every process it started, ends with
the run.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .. import reasons
from ..errors import RunError
from ..reasons import Reason, Said
from .jobs import ReportResult
from .outputs import atomic_write

PDF_TABS = 2  # pages printed at once (the machine's other core runs the kernels)


def printed(results: Iterable[ReportResult], chromium: str | None,
            folders: Mapping[str, Path]) -> Iterator[ReportResult]:
    """Each of ``results``, in the order they come, once its page is printed to PDF with ``chromium`` (None: no PDFs)."""
    if not chromium:
        yield from results
        return
    import collections
    import concurrent.futures as futures

    from .. import pdf

    browser, why_not = None, ""
    # Results are passed on in the order they came, each once its PDF is written (two tabs may
    # finish out of order): the console's lines stay in the workers' order.
    queue: collections.deque[tuple[ReportResult, futures.Future | None]] = collections.deque()
    try:
        with futures.ThreadPoolExecutor(PDF_TABS, thread_name_prefix="sa-pdf") as tabs:
            for result in results:
                page = folders["root"] / result.outputs.get("html", "")
                if result.status == "done" and result.outputs.get("html") and page.is_file():
                    if browser is None and not why_not:  # launched for the first page, then kept
                        try:
                            browser = pdf.Browser(chromium)
                        except pdf.PdfError as exc:  # no browser: each page says why it has no PDF
                            why_not = str(exc)
                    queue.append((result, tabs.submit(_print, browser, why_not, result, page, folders)))
                else:
                    queue.append((result, None))
                while queue and (queue[0][1] is None or queue[0][1].done()):
                    yield _passed_on(*queue.popleft())
            while queue:
                yield _passed_on(*queue.popleft())  # waits for its PDF
    finally:
        if browser is not None:
            browser.close()  # also ends prints still going when the run is interrupted


def _print(browser, why_not: str, result: ReportResult, page: Path, folders: Mapping[str, Path]) -> str:
    """Print the report's ``page`` and write its PDF; the PDF's path relative to the outputs folder."""
    from .. import pdf

    if browser is None:
        raise pdf.PdfError(why_not)
    # The report's build time is its PDF's dates.
    when = dt.datetime.fromisoformat(result.built_at) if result.built_at else None
    written = atomic_write(folders["pdf"] / f"{result.name}.pdf", browser.print_page(page, when=when))
    return written.relative_to(folders["root"]).as_posix()


def _passed_on(result: ReportResult, future) -> ReportResult:
    """The result with its PDF's path, or a note saying why it has none (``future`` None: nothing printed)."""
    from .. import pdf

    if future is None:
        return result
    try:
        result.outputs["pdf"] = future.result()
    except Exception as exc:  # noqa: BLE001 - whatever it was, it costs the PDF only
        why = str(exc) if isinstance(exc, (pdf.PdfError, RunError)) else f"{type(exc).__name__}: {exc}"
        result.note = reasons.join(result.note, (Said(Reason.PDF_FAILED), why))
    return result
