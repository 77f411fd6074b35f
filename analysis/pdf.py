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
PDF_RENDER_BUDGET_MS = 15_000  # virtual time for the page's scripts (the charts) before it prints
PDF_TIMEOUT_S = 180
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_PDF_NODE_ID = re.compile(rb"\(node(\d{8})\)")
_PDF_ID_NAMES = re.compile(rb"/Names \[((?:\s*\(node\d{8}\)\s+\d+ \d+ R)+)\s*\]")


class PdfError(Exception):
    """Chromium could not print a page to PDF (the reason is the message)."""


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to print PDFs with and '' — or None and why not (``SA_PDF=off``, none installed)."""
    import shutil

    if os.environ.get("SA_PDF", "").strip().lower() in {"off", "0", "no", "false"}:
        return None, "SA_PDF=off"
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
    import shutil
    import subprocess
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="sa-pdf-"))
    target = work / "page.pdf"
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", f"--window-size={PDF_WINDOW}",
               f"--virtual-time-budget={PDF_RENDER_BUDGET_MS}", f"--print-to-pdf={target}",
               Path(page).resolve().as_uri()]
    env = {**os.environ, "TZ": "UTC"}  # dates Chromium writes are UTC, whatever the machine's zone
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=PDF_TIMEOUT_S, env=env, cwd=work)
        pdf = target.read_bytes() if target.is_file() else b""
        if not pdf.startswith(b"%PDF"):
            last = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()][-1:]
            raise PdfError(f"Chromium exit code {done.returncode}, no PDF" + (f": {last[0][-200:]}" if last else ""))
    except subprocess.TimeoutExpired:
        raise PdfError(f"Chromium did not finish within {PDF_TIMEOUT_S} s") from None
    except OSError as exc:
        raise PdfError(f"cannot run {chromium}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _fixed_pdf_ids(_fixed_pdf_dates(pdf, when or report.build_time()))
