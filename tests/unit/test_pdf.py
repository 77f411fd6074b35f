"""Unit tests of analysis.pdf: Chromium found or not, fixed dates and ids, a browser that prints nothing."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from analysis import pdf

SKIA_PDF = (b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n/CreationDate (D:20261204140101+00'00')\n"
            b"/ModDate (D:20261204140101+00'00')>>\nendobj\n2 0 obj\n<</S /TH /ID (node00000033)>>\nendobj\n"
            b"3 0 obj\n<</S /TD /ID (node00000007)>>\nendobj\n4 0 obj\n<</Limits [(node00000007) (node00000033)]\n"
            b"/Names [(node00000007) 3 0 R (node00000033) 2 0 R]>>\nendobj\n")


def test_a_pdf_gets_the_build_time_and_ids_in_order_without_moving_a_byte():
    when = dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)
    fixed = pdf._fixed_pdf_ids(pdf._fixed_pdf_dates(SKIA_PDF, when))
    assert len(fixed) == len(SKIA_PDF)  # the cross-reference offsets stay right
    assert fixed.count(b"(D:20240715000000+00'00')") == 2 and b"2026" not in fixed
    # ids renumbered in the order of the objects they name, the same way wherever they appear; the id
    # tree's entries sorted by their new ids and its limits the first and last of them
    assert b"<</S /TH /ID (node00000001)>>" in fixed and b"<</S /TD /ID (node00000002)>>" in fixed
    assert b"/Limits [(node00000001) (node00000002)]\n/Names [(node00000001) 2 0 R (node00000002) 3 0 R]" in fixed
    # another run reached the elements in the other order (as Chromium does): the same bytes
    swapped = SKIA_PDF.replace(b"00000033", b"XX").replace(b"00000007", b"00000033").replace(b"XX", b"00000007")
    assert swapped != SKIA_PDF and pdf._fixed_pdf_ids(pdf._fixed_pdf_dates(swapped, when)) == fixed
    renamed = SKIA_PDF.replace(b"00000033", b"00000099")
    assert pdf._fixed_pdf_ids(pdf._fixed_pdf_dates(renamed, when)) == fixed


def test_chromium_for_pdfs_can_be_turned_off_or_named(monkeypatch, tmp_path):
    monkeypatch.setenv("SA_PDF", "off")
    assert pdf.find_chromium() == (None, "SA_PDF=off")
    monkeypatch.delenv("SA_PDF")
    monkeypatch.setenv("SA_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert pdf.find_chromium() == (None, f"SA_CHROMIUM={tmp_path / 'no-such-browser'} is not an executable")
    monkeypatch.setenv("SA_CHROMIUM", "")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf, "CHROMIUM_CANDIDATES", ("chromium",))
    assert pdf.find_chromium() == (None, "Chromium is not installed (Debian: apt-get install chromium)")


def test_the_browser_tests_find_chromium_where_the_pdfs_do_even_with_pdfs_off(monkeypatch, tmp_path):
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("SA_CHROMIUM", str(browser))
    monkeypatch.setenv("SA_PDF", "off")
    assert pdf.chromium_executable() == (str(browser), "") and pdf.find_chromium() == (None, "SA_PDF=off")
    monkeypatch.delenv("SA_PDF")
    assert pdf.find_chromium() == (str(browser), "")


def test_a_browser_that_prints_nothing_is_a_pdf_error(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="Chromium exit code 1, no PDF"):
        pdf.print_pdf(page, "/bin/false")
    with pytest.raises(pdf.PdfError, match="cannot run"):
        pdf.print_pdf(page, str(tmp_path / "missing"))


def _page(folder, name: str, text: str):
    page = folder / f"{name}.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'><style>@page {{ size: A4; margin: 14mm }}"
                    f"</style></head><body><h1>{text}</h1><p>{text * 40}</p></body></html>", encoding="utf-8")
    return page


def _running_in_group(group: int) -> list[int]:
    """Processes of process group ``group`` still running (not counting exited ones their new parent has not reaped)."""
    from pathlib import Path

    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in "ZX":
            running.append(int(stat.parent.name))
    return running


@pytest.mark.skipif(pdf.find_chromium()[0] is None or not os.path.isdir("/proc"), reason="needs Chromium and /proc")
def test_one_browser_prints_pages_side_by_side_as_its_own_print_to_pdf_does_and_leaves_nothing_running(tmp_path):
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    chromium = pdf.find_chromium()[0]
    when = dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)
    pages = [_page(tmp_path, f"p{i}", f"第{i}页 page {i} ") for i in range(3)]
    with pdf.Browser(chromium) as browser:
        with ThreadPoolExecutor(2) as tabs:
            printed = list(tabs.map(lambda page: browser.print_page(page, when=when), pages))
        group = browser.pid
    assert _running_in_group(group) == []  # the browser and every process it started are gone
    assert all(p.startswith(b"%PDF") and b"/MediaBox [0 0 594.95996 841.91998]" in p for p in printed)  # A4
    assert len(set(printed)) == 3
    # the same bytes as Chromium's own --print-to-pdf of the same page (what each report's PDF was before)
    target = tmp_path / "own.pdf"
    subprocess.run([chromium, *pdf.CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                    f"--window-size={pdf.PDF_WINDOW}", f"--virtual-time-budget={pdf.PDF_RENDER_BUDGET_MS}",
                    f"--print-to-pdf={target}", pages[1].as_uri()], capture_output=True, timeout=120,
                   env={**os.environ, "TZ": "UTC"})
    assert pdf._fixed_pdf_ids(pdf._fixed_pdf_dates(target.read_bytes(), when)) == printed[1]


def test_a_browser_that_stops_answering_costs_each_page_a_pdf_error_not_a_hang(tmp_path):
    page = _page(tmp_path, "p", "x")
    with pdf.Browser("/bin/true") as browser:
        for _ in range(2):
            with pytest.raises(pdf.PdfError, match="Chromium exit code 0, no PDF"):
                browser.print_page(page)
