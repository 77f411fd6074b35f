"""Tests of analysis.run.printing: the run's PDFs, printed while reports come in, passed on in order."""
from __future__ import annotations

import threading

from analysis import pdf
from analysis.run import printing
from analysis.run.jobs import ReportResult


class _Browser:
    """A stand-in for pdf.Browser: the first page is held until every later one is printed."""

    opened: list = []

    def __init__(self, chromium: str):
        self.later_done = threading.Event()
        self.closed = False
        _Browser.opened.append(self)

    def print_page(self, page, *, when=None) -> bytes:
        if page.stem == "first":
            assert self.later_done.wait(10), "the later pages were not printed while the first one waited"
        elif page.stem == "broken":
            raise pdf.PdfError("页面无法打印 the page cannot be printed")
        else:
            self.later_done.set()
        return b"%PDF-1.4 " + page.stem.encode()

    def close(self) -> None:
        self.closed = True


def _results(root, names):
    (root / "html").mkdir(exist_ok=True)
    for name in names:
        if name != "failed":
            (root / "html" / f"{name}.html").write_text("<html></html>", encoding="utf-8")
        yield ReportResult(name=name, status="failed" if name == "failed" else "done",
                           outputs={} if name == "failed" else {"html": f"html/{name}.html"})


def test_results_are_passed_on_in_the_order_they_came_though_a_later_pdf_is_printed_first(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "Browser", _Browser)
    _Browser.opened = []
    (tmp_path / "pdf").mkdir()
    folders = {"root": tmp_path, "pdf": tmp_path / "pdf"}
    passed = list(printing.printed(_results(tmp_path, ["first", "failed", "second", "broken"]), "chromium", folders))
    assert [r.name for r in passed] == ["first", "failed", "second", "broken"]
    assert passed[0].outputs["pdf"] == "pdf/first.pdf" and (tmp_path / "pdf/first.pdf").read_bytes() == b"%PDF-1.4 first"
    assert passed[2].outputs["pdf"] == "pdf/second.pdf"
    assert "pdf" not in passed[1].outputs and "pdf" not in passed[3].outputs
    assert "the page cannot be printed" in passed[3].message  # a failed print costs its PDF only, and says why
    assert not (tmp_path / "pdf/broken.pdf").exists()
    assert len(_Browser.opened) == 1 and _Browser.opened[0].closed  # one browser for the run, closed at its end


def test_without_chromium_results_pass_through_untouched(tmp_path):
    folders = {"root": tmp_path, "pdf": tmp_path / "pdf"}
    passed = list(printing.printed(_results(tmp_path, ["first", "second"]), None, folders))
    assert [r.name for r in passed] == ["first", "second"] and all("pdf" not in r.outputs for r in passed)
