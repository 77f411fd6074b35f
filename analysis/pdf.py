"""A report's PDF: the page printed on A4 by headless Chromium, as a leader's printer would print it.

The same page and Chromium build give the same bytes: the creation dates are set to the build
time and Chromium's accessibility-tree ids, which it assigns in a varying order, are renumbered.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from . import report

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What Chromium needs on a server, a container or a CI machine: no sandbox (root), no GPU, no
# network of its own (QUIC, component updates, sync), no first-run dialogs; a fresh profile.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
# The window the page is laid out in before printing: the width of A4's printable area (182 mm at
# 96 px/in is 688 px) plus the page's own padding, so charts are drawn at the width they print at.
PDF_WINDOW = "720,1000"
# Several tabs print at once: none of them is a background tab whose timers and rendering Chromium slows down.
_TABS_FLAGS = ("--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows")
PDF_RENDER_BUDGET_MS = 15_000  # virtual time for the page's scripts (the charts) before it prints
PDF_TIMEOUT_S = 180
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_PDF_NODE_ID = re.compile(rb"\(node(\d{8})\)")
_PDF_ID_NAMES = re.compile(rb"/Names \[((?:\s*\(node\d{8}\)\s+\d+ \d+ R)+)\s*\]")


class PdfError(Exception):
    """Chromium could not print a page to PDF (the reason is the message)."""


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to print PDFs with and '' — or None and why not (``SA_PDF=off``, none installed)."""
    if os.environ.get("SA_PDF", "").strip().lower() in {"off", "0", "no", "false"}:
        return None, "SA_PDF=off"
    return chromium_executable()


def chromium_executable() -> tuple[str | None, str]:
    """The Chromium this project drives (``SA_CHROMIUM``, else the first of ``CHROMIUM_CANDIDATES`` found) and ''
    — or None and why not. The one place the PDFs, the browser tests and the pages' benchmark find it."""
    import shutil

    wanted = os.environ.get("SA_CHROMIUM", "").strip()
    for candidate in ([wanted] if wanted else CHROMIUM_CANDIDATES):
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) else shutil.which(candidate)
        if found:
            return found, ""
    if wanted:
        return None, f"SA_CHROMIUM={wanted} is not an executable"
    return None, "Chromium is not installed (Debian: apt-get install chromium)"


def _fixed_pdf_dates(pdf: bytes, when: dt.datetime) -> bytes:
    """The PDF with its creation and modification dates set to ``when`` (UTC), byte for byte the same length.

    Chromium stamps the moment it printed; the build time instead makes a rebuild give the same
    bytes. A date of another length is left as it is (the cross-reference offsets must not move).
    """
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S").encode()

    def fixed(match: re.Match) -> bytes:
        replacement = b"/" + match[1] + b" (D:" + stamp + b"+00'00')"
        return replacement if len(replacement) == len(match[0]) else match[0]

    return _PDF_DATE.sub(fixed, pdf)


_PDF_ID_LIMITS = re.compile(rb"/Limits \[\(node\d{8}\) \(node\d{8}\)\](\s*)(/Names \[((?:\s*\(node\d{8}\)\s+\d+ \d+ R)+))")
_PDF_ID_ENTRY = re.compile(rb"(\s*)\(node(\d{8})\)(\s+)(\d+ \d+ R)")


def _fixed_pdf_ids(pdf: bytes) -> bytes:
    """The tagged PDF's element ids (node00000033 …) renumbered 1, 2, 3 … in the order of the objects they name.

    Chromium numbers the elements of the accessibility structure in the order its renderer
    happened to reach them, which varies from run to run, while the objects themselves come out
    in the same order; numbering the ids by their objects makes the same bytes. The ids keep their
    width and the id tree's entries are put back in order of their new ids: the same entries in
    another order, so no offset moves and the tree stays sorted.
    """
    trees = list(_PDF_ID_NAMES.finditer(pdf))
    entries = [e for tree in trees for e in _PDF_ID_ENTRY.finditer(tree[1])]
    if not entries:
        return pdf
    by_object = sorted(entries, key=lambda e: tuple(int(n) for n in e[4].split()[:2]))
    renumbered = {e[2]: b"%08d" % (i + 1) for i, e in enumerate(by_object)}
    if len(renumbered) != len(entries):
        return pdf  # one id twice: not a tree this function understands; leave it as Chromium wrote it
    pdf = _PDF_NODE_ID.sub(lambda m: b"(node" + renumbered.get(m[1], m[1]) + b")", pdf)

    def sorted_tree(tree: re.Match) -> bytes:
        found = list(_PDF_ID_ENTRY.finditer(tree[1]))
        ordered = sorted(found, key=lambda e: e[2])
        body = b"".join(slot[1] + b"(node" + e[2] + b")" + slot[3] + e[4] for slot, e in zip(found, ordered))
        return tree[0].replace(tree[1], body, 1)

    pdf = _PDF_ID_NAMES.sub(sorted_tree, pdf)

    def limits(leaf: re.Match) -> bytes:  # a leaf's /Limits: its first and last id, as the entries now are
        ids = sorted(e[2] for e in _PDF_ID_ENTRY.finditer(leaf[3]))
        return b"/Limits [(node" + ids[0] + b") (node" + ids[-1] + b")]" + leaf[1] + leaf[2]

    return _PDF_ID_LIMITS.sub(limits, pdf)


def print_pdf(page: Path, chromium: str, *, when: dt.datetime | None = None) -> bytes:
    """The page at ``page`` printed to A4 PDF by headless Chromium (its print stylesheet, no browser header)."""
    with Browser(chromium) as browser:
        return browser.print_page(page, when=when)


# True once the page has loaded and each chart of the page (its JSON block) is drawn by plotly, or the page
# says that charts cannot be drawn (no plotly.js in this browser).
_DRAWN = """location.protocol === "file:" && document.readyState === "complete" && (!!window.saPlotlyFailed ||
  Array.from(document.querySelectorAll("script.sa-chart-data")).every(block => {
    const target = document.getElementById(block.getAttribute("data-target"));
    return !target || !!target.querySelector(".main-svg");
  }))"""
# What Chromium answers when the page a question was asked of is being replaced by the next.
_PAGE_REPLACED = ("context was destroyed", "Cannot find default execution context")


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 10 or above (so that placing them on 3 and 4 in the browser cannot clash)."""
    import fcntl

    ends = os.pipe()
    try:
        return tuple(fcntl.fcntl(end, fcntl.F_DUPFD_CLOEXEC, 10) for end in ends)
    finally:
        for end in ends:
            os.close(end)


class Browser:
    """One headless Chromium for a run's PDFs: launched once, each page printed in a tab of its own.

    Chromium is driven over its DevTools pipe (``--remote-debugging-pipe``: file descriptors 3
    and 4, no port), as its own ``--print-to-pdf`` drives itself: the page opened in a window of
    ``PDF_WINDOW``, its scripts given ``PDF_RENDER_BUDGET_MS`` of virtual time after it loaded
    (every chart drawn), then printed with its print stylesheet's page size, backgrounds, no
    header or footer. Several tabs print at once (``print_page`` may be called from several
    threads). ``close`` ends the browser and every process it started.
    """

    def __init__(self, chromium: str):
        import shutil
        import tempfile
        import threading

        if not (shutil.which(chromium) or (os.path.isfile(chromium) and os.access(chromium, os.X_OK))):
            raise PdfError(f"cannot run {chromium}: no such executable")
        self.work = Path(tempfile.mkdtemp(prefix="sa-pdf-"))
        self.stderr = tempfile.TemporaryFile(dir=self.work)
        to_browser, self._commands = _high_pipe()  # Chromium reads commands on its fd 3 ...
        self._replies, from_browser = _high_pipe()  # ... and writes replies and events on its fd 4
        # No page and none of --print-to-pdf's switches on the command line: with one, Chromium would run it as
        # a command and quit when done.
        flags = [flag for flag in CHROMIUM_FLAGS if flag != "--no-pdf-header-footer"]
        command = [chromium, *flags, f"--user-data-dir={self.work / 'profile'}", f"--window-size={PDF_WINDOW}",
                   *_TABS_FLAGS, "--remote-debugging-pipe"]
        env = {**os.environ, "TZ": "UTC"}  # dates Chromium writes are UTC, whatever the machine's zone
        self._lock = threading.Lock()
        self._waiting: dict[int, list] = {}  # command id -> [event set on reply, reply]
        self._events: dict[str, list] = {}  # session -> events not yet taken
        self._event_arrived = threading.Condition(self._lock)
        self._next_id = 0
        self._closed = False
        self.exit_code: int | None = None
        try:
            # posix_spawn puts the pipe's ends on fds 3 and 4 (no preexec_fn: the runner has threads), in a session of
            # its own, so that close() can end every process the browser started.
            self.pid = os.posix_spawnp(chromium, command, env, setsid=True, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, self.stderr.fileno(), 2),
                (os.POSIX_SPAWN_DUP2, to_browser, 3),
                (os.POSIX_SPAWN_DUP2, from_browser, 4)])
        except OSError as exc:
            self._close_pipes()
            self.stderr.close()
            shutil.rmtree(self.work, ignore_errors=True)
            raise PdfError(f"cannot run {chromium}: {exc.strerror or exc}") from None
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the DevTools pipe: JSON messages, each ended by a NUL byte --------------------------------------------

    def _read(self) -> None:
        import json

        buffered = b""
        while True:
            try:
                chunk = os.read(self._replies, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffered += chunk
            *messages, buffered = buffered.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                with self._lock:
                    if "id" in message:
                        waiting = self._waiting.pop(message["id"], None)
                        if waiting is not None:
                            waiting[1] = message
                            waiting[0].set()
                    else:
                        self._events.setdefault(message.get("sessionId", ""), []).append(message)
                        self._event_arrived.notify_all()
        with self._lock:  # the browser is gone: nothing more will be answered
            self._closed = True
            for waiting in self._waiting.values():
                waiting[0].set()
            self._waiting.clear()
            self._event_arrived.notify_all()

    def _send(self, method: str, params: dict | None = None, session: str | None = None,
              timeout: float = PDF_TIMEOUT_S) -> dict:
        """Send one command and wait for its answer; PdfError when the browser fails or is gone."""
        import json
        import threading

        with self._lock:
            if self._closed:
                raise PdfError(self._gone())
            self._next_id += 1
            ident = self._next_id
            waiting = self._waiting[ident] = [threading.Event(), None]
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._commands, json.dumps(message).encode() + b"\0")
        except OSError:
            with self._lock:
                self._waiting.pop(ident, None)
            raise PdfError(self._gone()) from None
        if not waiting[0].wait(timeout):
            raise PdfError(f"Chromium did not answer {method} within {timeout:g} s")
        reply = waiting[1]
        if reply is None:
            raise PdfError(self._gone())
        if "error" in reply:
            raise PdfError(f"Chromium: {method}: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def _wait_for(self, session: str, method: str, deadline: float) -> dict:
        """The next event ``method`` of ``session`` (events before it are dropped); PdfError on time-out."""
        import time

        with self._lock:
            while True:
                queue = self._events.setdefault(session, [])
                while queue:
                    event = queue.pop(0)
                    if event.get("method") == method:
                        return event.get("params", {})
                if self._closed:
                    raise PdfError(self._gone())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PdfError(f"Chromium did not finish within {PDF_TIMEOUT_S} s")
                self._event_arrived.wait(left)

    def _gone(self) -> str:
        """Why the browser stopped answering: its exit code and last line on stderr."""
        code = self._wait(5)
        try:
            self.stderr.seek(0)
            lines = [line for line in self.stderr.read().decode("utf-8", "replace").splitlines() if line.strip()]
        except (OSError, ValueError):
            lines = []
        last = f": {lines[-1][-200:]}" if lines else ""
        return f"Chromium exit code {code}, no PDF{last}"

    # --- a page ------------------------------------------------------------------------------------------------

    def print_page(self, page: Path, *, when: dt.datetime | None = None) -> bytes:
        """``page`` printed to PDF in a tab of its own, with the build time ``when`` as its dates (see ``print_pdf``)."""
        import base64
        import time

        deadline = time.monotonic() + PDF_TIMEOUT_S
        width, height = (int(n) for n in PDF_WINDOW.split(","))
        target = self._send("Target.createTarget", {"url": "about:blank", "newWindow": True, "width": width,
                                                    "height": height})["targetId"]
        try:
            session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._send("Page.navigate", {"url": Path(page).resolve().as_uri()}, session=session)
            # Printed once the page has loaded and every chart is drawn (or says it cannot be), asked every few
            # milliseconds (a question asked of the blank page as the report replaces it is asked again).
            while True:
                try:
                    state = self._send("Runtime.evaluate", {"expression": _DRAWN, "returnByValue": True},
                                       session=session, timeout=10)
                    if state.get("result", {}).get("value") is True:
                        break
                except PdfError as exc:
                    if not any(replaced in str(exc) for replaced in _PAGE_REPLACED):
                        raise
                if time.monotonic() > deadline:
                    raise PdfError(f"the page's charts were not drawn within {PDF_TIMEOUT_S} s")
                time.sleep(0.02)
            printed = self._send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                                     "displayHeaderFooter": False}, session=session)
        finally:
            try:
                self._send("Target.closeTarget", {"targetId": target}, timeout=10)
            except PdfError:
                pass
        pdf = base64.b64decode(printed.get("data", ""))
        if not pdf.startswith(b"%PDF"):
            raise PdfError("Chromium printed no PDF")
        return _fixed_pdf_ids(_fixed_pdf_dates(pdf, when or report.build_time()))

    def _wait(self, timeout: float) -> int | None:
        """The browser's exit code once it ended, waiting up to ``timeout`` seconds (None: still running)."""
        import time

        end = time.monotonic() + timeout
        while self.exit_code is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return self.exit_code
            if pid:
                self.exit_code = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= end:
                return None
            else:
                time.sleep(0.02)
        return self.exit_code

    def close(self) -> None:
        """End the browser and every process it started; remove its profile."""
        import shutil
        import signal

        if not self._closed and self._wait(0) is None:
            try:
                self._send("Browser.close", timeout=5)
            except PdfError:
                pass
        self._wait(5)
        try:  # whatever of its processes (renderers, zygote, GPU) outlived it, or itself
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self._wait(5)
        self._reader.join(timeout=5)  # the pipe ends when the last process holding it is gone
        self._close_pipes()
        self.stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def _close_pipes(self) -> None:
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
