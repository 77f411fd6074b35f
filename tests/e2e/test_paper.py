"""Paper (issue 12): `make report` prints every report to an A4 PDF with headless Chromium.

Each PDF is read page by page (pypdf): A4, the sample-data mark on every page of a report built
from sample data, every column of every table on the paper, and no page holding only the
provenance footer. Without Chromium the run says so in one line and loses nothing else.
"""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest
from browser_support import chromium_path
from e2e_support import pdf_pages, pdf_readable, run_cli, write_plan

from analysis import export

pytestmark = pytest.mark.slow

A4_POINTS = (595, 842)  # 210 × 297 mm
SAMPLE_MARK = "示例数据 · 非真实数字"  # export.words("zh")["sample_page"], in each page's top margin


def _needs_chromium():
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PDFs must be tested under CI: Chromium is not installed")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")


def _plain(text: str) -> str:
    """Text as compared: as a reader reads it (pdf_readable), no white space."""
    return re.sub(r"\s+", "", pdf_readable(text))


class _Page(HTMLParser):
    """The footer's text, and each table's column headers, of a report page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.footer, self.headers, self._in_footer, self._in_th = [], [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "footer":
            self._in_footer += 1
        if tag == "thead":
            self.headers.append([])
        if tag == "th":
            self._in_th = True
            self.headers[-1].append("")

    def handle_endtag(self, tag):
        if tag == "footer":
            self._in_footer -= 1
        if tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._in_footer:
            self.footer.append(data)
        if self._in_th:
            self.headers[-1][-1] += data


def test_every_report_of_make_report_prints_on_a4_with_every_column_and_the_sample_mark(default_run):
    _needs_chromium()
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    assert "PDF 未生成" not in default_run.first.stdout
    index = (default_run.html / "index.html").read_text(encoding="utf-8")
    pages = sorted(p for p in default_run.html.glob("*.html") if p.name != "index.html")
    assert len(pages) == 8
    counts = {}
    for page in pages:
        pdf = default_run.out / "pdf" / f"{page.stem}.pdf"
        assert pdf.is_file(), f"no PDF of {page.stem}"
        assert f'href="../pdf/{page.stem}.pdf"' in index  # listed in the index
        printed = pdf_pages(pdf.read_bytes())
        counts[page.stem] = len(printed)
        assert printed and all(size == A4_POINTS for size, _ in printed), (page.stem, [s for s, _ in printed])
        html = page.read_text(encoding="utf-8")
        reader = _Page()
        reader.feed(html)
        footer = _plain("".join(reader.footer))
        sample = 'class="sa-banner"' in html
        for number, (_, text) in enumerate(printed, start=1):
            plain = _plain(text)
            assert (_plain(SAMPLE_MARK) in plain) == sample, f"{page.stem} page {number}: sample-data mark"
            assert f"{number}/{len(printed)}" in plain, f"{page.stem} page {number}: page number"
            # what is on the page besides the running head, the page number and the footer's own text
            body = [_plain(line) for line in text.splitlines()]
            own = [line for line in body if line and line not in {_plain(SAMPLE_MARK), f"{number}/{len(printed)}"}
                   and line not in footer]
            assert own, f"{page.stem} page {number} of {len(printed)} holds only the footer"
            # a number is never split from its % in a narrow column ("87.79" over "%", "（66.7" over "%）")
            split = [line for line in text.splitlines() if line.strip().startswith("%")]
            assert not split, f"{page.stem} page {number}: a % on a line of its own: {split[:3]}"
        whole = _plain("".join(text for _, text in printed))
        for headers in reader.headers:  # no column cut off the paper: every header is printed
            for header in headers:  # (its first characters: a narrow column wraps the rest onto lines below)
                assert _plain(header)[:2] in whole, f"{page.stem}: column {header!r} is not on the paper"
        assert str(default_run.out) not in whole  # no local path (Chromium's own header is off)
    # the unit chart on paper names each unit on one line: on two lines (a phone's), squeezed into the chart's 740 px
    # on A4, a name's lines ran into its neighbours' (国际港务区 / 城市管理局 over 区农业农村局)
    printed = pdf_pages((default_run.out / "pdf" / "session_report_18-2.pdf").read_bytes())
    lines = {_plain(line) for _, text in printed for line in text.splitlines()}
    assert {"国际港务区城市管理局", "国际港务区经济发展局", "区农业农村局"} <= lines
    print("PDF pages:", counts)


def test_without_chromium_the_run_says_so_in_one_line_and_makes_the_rest(tmp_path, suite):
    plan = write_plan(tmp_path / "plan.yaml", "  - notebook: report_ok.ipynb\n    name: ok\n")
    out = tmp_path / "outputs"
    made = run_cli("--plan", str(plan), "--out", str(out), "--data", str(suite.ledger),
                   env={"SA_CHROMIUM": str(tmp_path / "no-chromium")})
    assert made.returncode == 0, made.stdout + made.stderr
    lines = [line for line in made.stdout.splitlines() if "PDF" in line]
    assert lines == [f"PDF 未生成 PDFs skipped: SA_CHROMIUM={tmp_path / 'no-chromium'} is not an executable"]
    assert (out / "html" / "ok.html").is_file() and not list((out / "pdf").glob("*"))


def test_a_pdf_that_fails_costs_only_itself(tmp_path, suite):
    plan = write_plan(tmp_path / "plan.yaml", "  - notebook: report_ok.ipynb\n    name: ok\n")
    out = tmp_path / "outputs"
    made = run_cli("--plan", str(plan), "--out", str(out), "--data", str(suite.ledger),
                   env={"SA_CHROMIUM": "/bin/false"})
    assert made.returncode == 0, made.stdout + made.stderr
    assert re.search(r"^完成 done\s+ok .*PDF 未生成 PDF not written: Chromium exit code 1, no PDF", made.stdout,
                     re.MULTILINE), made.stdout
    for folder, name in (("html", "ok.html"), ("notebooks", "ok.ipynb")):
        assert (out / folder / name).is_file()
    assert not list((out / "pdf").glob("*")) and not list(out.rglob("*.tmp"))
    assert export.external_references((out / "html" / "ok.html").read_text(encoding="utf-8")) == []
