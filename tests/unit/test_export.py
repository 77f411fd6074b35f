"""Unit tests of analysis.export: sanitiser, external-reference check, the report page, its files, index."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import export, reasons, report
from analysis.reasons import Changed, ChangedList, Reason, Said, of
from report_support import captured

HOSTILE = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
PLOTLY_HEADER = "plotly.js v"


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC


def _notebook(monkeypatch, *, sample: bool = True) -> nbformat.NotebookNode:
    """An executed notebook as papermill leaves it: parameters, injected parameters, outputs of show_*."""
    cases = pd.DataFrame({"title": [HOSTILE, IMG, "=HYPERLINK(\"http://x\")"], "handler": ["区政府", "区政府", "国际港务区"]})
    cases.attrs["provenance"] = [{"file": "/data/ledger.csv", "sha256": "ab" * 32, "rows": 3, "is_sample": sample}]

    def show():
        report.show_title(f"报告 {HOSTILE}", session="十八届人大二次会议")
        report.show_headline("收到建议", 172, change="+13", section="基本情况")
        report.show_table(cases.groupby("handler").size().rename("件数").reset_index(), "handlers", "表1 承办主体",
                          section="基本情况")
        report.show_table(cases, "titles", "建议标题")
        report.show_figure(go.Figure(go.Bar(x=cases["title"], y=[1, 2, 3]), layout={"title": IMG}), "bars")
        report.show_paragraphs(["一、基本情况。共收到代表建议172件。"], heading="基本情况", section="基本情况")
        report.show_figure(go.Figure(go.Scatter(x=[1, 2], y=[2, 1])), "line")
        report.show_provenance(cases, params={"session": "十八届人大二次会议"})

    outputs = captured(monkeypatch, show)
    code = new_code_cell("report.show_title('secret_source_code_marker')", execution_count=3)
    code.outputs = outputs + [new_output("stream", name="stdout", text="打印的一行\n"),
                              new_output("stream", name="stderr", text="DeprecationWarning: noise\n")]
    hidden = new_code_cell("x", execution_count=4, metadata={"tags": ["remove-output"]})
    hidden.outputs = [new_output("stream", name="stdout", text="hidden_output_marker\n")]
    frame = new_code_cell("cases", execution_count=5)
    frame.outputs = [new_output("execute_result", execution_count=5,
                                data={"text/html": pd.DataFrame({"a": [HOSTILE]}).to_html(),
                                      "text/plain": "a"})]
    return new_notebook(cells=[
        new_markdown_cell(f"# 标题\n\n说明文字 [外链](https://example.com) {HOSTILE}"),
        new_code_cell("session = ''  # parameters_marker", metadata={"tags": ["parameters"]}, execution_count=1),
        new_code_cell('session = "十八届人大二次会议"', metadata={"tags": ["injected-parameters"]}, execution_count=2),
        code, hidden, frame,
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


# --- sanitiser and reference check ---------------------------------------------------------------


def test_sanitise_drops_scripts_styles_handlers_and_outside_links():
    dirty = (f'<p onclick="x()">正文 {HOSTILE}<style>@import url(http://x)</style>'
             '<a href="https://evil.example/">外链</a><a href="#sec">内链</a>'
             '<iframe src="https://x"><p>in frame</p></iframe><img src="http://x/y.png">'
             '<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok"><table><tr><td>1<td>2</table>'
             "<svg><script>alert(1)</script></svg>&lt;b&gt;<unknown>kept text</unknown>")
    clean = export.sanitise_html(dirty)
    assert "onclick" not in clean and "<script" not in clean and "<style" not in clean
    assert "<iframe" not in clean and "in frame" not in clean and "<svg" not in clean and "alert" not in clean
    assert '<a>外链</a>' in clean and '<a href="#sec">内链</a>' in clean
    assert 'http://x/y.png' not in clean
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok">' in clean
    assert "<td>1<td>2</td></td></tr></table>" in clean  # every opened tag closed
    assert "&lt;b&gt;kept text" in clean
    assert export.external_references(f"<body>{clean}</body>") == []


@pytest.mark.parametrize("page", [
    '<script src="https://cdn.example/require.js"></script>',
    '<script src="//cdn.example/x.js"></script>',
    '<link rel="stylesheet" href="https://fonts.example/css">',
    '<img src="http://x/y.png">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="https://example.com">x</a>',
    "<style>body { background: url(https://x/bg.png) }</style>",
    "<style>@import 'x.css';</style>",
    '<div style="background:url(//x/y)"></div>',
    '<meta http-equiv="refresh" content="0; url=https://x">',
    "<script>fetch('/x')</script>",
    "<script>var s = 'https://cdn.example/mathjax.js';</script>",
    '<script type="application/json">{"a": "</b>"}</script>',
    '<iframe srcdoc="x"></iframe>',
])
def test_external_references_finds_every_way_out(page):
    assert export.external_references(page)


def test_external_references_allows_data_images_anchors_and_the_plotly_bundle():
    page = (f'<a href="#x">x</a><img src="data:image/png;base64,AAAA">'
            f'<script id="{export.PLOTLY_SCRIPT_ID}">var u = "https://tile.example/";</script>'
            '<script type="application/json">{"text": "https://example.com is shown as text"}</script>'
            '<a href="report.html">local</a><a href="../tables/x.xlsx">local</a>')
    assert export.external_references(page) == []


# --- notebook → blocks ---------------------------------------------------------------------------


def test_notebook_blocks_show_no_code_no_parameters_no_stderr(monkeypatch):
    blocks = export.notebook_blocks(_notebook(monkeypatch))
    text = "".join(b.html for b in blocks)
    assert "secret_source_code_marker" not in text and "parameters_marker" not in text
    assert "十八届人大二次会议\"" not in text  # the injected-parameters source
    assert "DeprecationWarning" not in text and "hidden_output_marker" not in text
    assert "打印的一行" in text
    assert [b.kind for b in blocks].count("chart") == 2
    assert export.count_figures(_notebook(monkeypatch)) == 2
    assert [t["name"] for t in export.collect_tables(_notebook(monkeypatch))] == ["handlers", "titles"]


def test_figures_shown_by_plotly_itself_are_escaped_by_the_exporter():
    nb = new_notebook(cells=[new_code_cell("fig")])
    nb.cells[0].outputs = [new_output("display_data", data={
        report.MIME_PLOTLY: {"data": [{"type": "bar", "x": [HOSTILE], "y": [1]}], "layout": {}},
        "text/html": '<script src="https://cdn.plot.ly/plotly.min.js"></script>'})]
    chart, = export.notebook_blocks(nb)
    assert chart.kind == "chart" and chart.payload["data"][0]["x"] == ["&lt;script&gt;window.__pwned=1&lt;/script&gt;"]


# --- the report page ------------------------------------------------------------------------------


def test_report_page_is_self_contained_escaped_and_complete(monkeypatch, epoch):
    nb = _notebook(monkeypatch)
    run_info = {"parameters": {"session": "十八届人大二次会议", "ledger_files": ["/data/ledger.csv"], "lang": "zh"},
                "files": [{"file": "/data/ledger.csv", "sha256": "ab" * 32, "kind": "ledger"},
                          {"file": "/data/figures.csv", "sha256": "cd" * 32, "kind": "figures"}],
                "generated_at": "2024-07-15T00:00:00+00:00"}
    exported = export.render_report(nb, report_name="session_report_18-2", lang="zh", run_info=run_info)
    page = exported.html
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh\">")
    assert export.external_references(page) == []
    assert page.count(PLOTLY_HEADER) == 1  # plotly.js inlined exactly once
    assert "cdn.plot.ly" not in page.replace(export.plotly_js(), "")
    assert re.findall(r'<div class="sa-chart" id="([^"]+)"', page) == ["session_report_18-2-fig-1",
                                                                       "session_report_18-2-fig-2"]
    assert '<meta name="sa-chart-count" content="2">' in page
    assert exported.n_figures == 2 and exported.title == f"报告 {HOSTILE}"
    # no code, no prompts, no parameter cells
    for marker in ("secret_source_code_marker", "parameters_marker", "In [", "jp-InputArea", "input_prompt"):
        assert marker not in page
    # hostile text is text, everywhere
    body = page.replace(export.plotly_js(), "")
    assert "<script>window.__pwned" not in body and "<img src=x" not in body
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in body
    # title, session, banner, footer provenance
    assert "<title>报告 &lt;script&gt;window.__pwned=1&lt;/script&gt; · 十八届人大二次会议</title>" in page
    assert '<p class="sa-session">十八届人大二次会议</p>' in page
    assert page.count('class="sa-banner"') == 1 and "@top-center" in page
    footer = page[page.index('<footer class="sa-footer">'):]
    assert "ab" * 32 in footer and "ledger.csv" in footer and "/data/" not in footer
    assert "cd" * 32 not in footer  # the run's figures file: this report did not record reading it
    assert "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）" in footer and report.package_version() in footer
    assert "<code>session</code>" in footer
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page


def test_report_page_is_byte_identical_when_built_twice(monkeypatch, epoch):
    first = export.render_report(_notebook(monkeypatch), report_name="r", lang="zh")
    second = export.render_report(_notebook(monkeypatch), report_name="r", lang="zh")
    assert first.html == second.html and first.xlsx == second.xlsx and first.docx == second.docx


def test_report_page_in_english_without_sample_data(monkeypatch, epoch):
    page = export.render_report(_notebook(monkeypatch, sample=False), report_name="r", lang="en").html
    assert '<html lang="en">' in page
    assert 'class="sa-banner"' not in page and "@top-center" not in page
    assert "Data and provenance" in page


def test_export_refuses_a_page_that_would_reach_outside(monkeypatch):
    monkeypatch.setattr(export, "_template", lambda name: (
        '<html><script src="https://cdn.example/x.js"></script>$lang$csp$version$chart_count$title$css'
        '$body_class$banner$content$footer$scripts</html>' if name == "page.html" else ""))
    with pytest.raises(export.ExportError, match="cdn.example"):
        export.render_report(new_notebook(cells=[]), report_name="r")


# --- the workbook beside the page -------------------------------------------------------------------------------


def test_tables_become_one_sheet_each_with_formulas_defused(monkeypatch, epoch):
    exported = export.render_report(_notebook(monkeypatch, sample=False), report_name="r")
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    assert book.sheetnames == ["表1 承办主体", "建议标题"]
    handlers = [[c.value for c in row] for row in book["表1 承办主体"].iter_rows()]
    assert handlers == [["handler", "件数"], ["区政府", 2], ["国际港务区", 1]]
    titles = [row[0].value for row in book["建议标题"].iter_rows(min_row=2)]
    assert titles == [HOSTILE, IMG, "'=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("lang, mark", [("zh", "（示例数据）"), ("en", " (sample)")])
def test_a_workbook_from_sample_data_says_so_on_every_sheet(monkeypatch, epoch, lang, mark):
    exported = export.render_report(_notebook(monkeypatch), report_name="r", lang=lang)
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    assert book.sheetnames == ["表1 承办主体" + mark, "建议标题" + mark]
    for sheet in book:
        assert sheet["A1"].value == report.labels(lang)["banner"] and sheet["A1"].data_type == "s"
        assert [c.value for c in sheet[2]][:1] == ["handler" if "承办" in sheet.title else "title"]
        assert sheet.freeze_panes == "A3"  # the note and the headers stay in view
    assert [c.value for c in book.worksheets[0][3]] == ["区政府", 2]
    assert report.labels(lang)["banner"] in book.properties.subject


# --- index ----------------------------------------------------------------------------------------


def test_index_lists_every_report_with_status_and_links(epoch):
    entries = [
        export.IndexEntry("session_report_18-2", "年度报告", "done", session="十八届人大二次会议",
                          links={"html": "session_report_18-2.html", "notebook": "../notebooks/session_report_18-2.ipynb",
                                 "excel": "../tables/session_report_18-2.xlsx"}),
        export.IndexEntry("trends", HOSTILE, "failed", why=(Said(Reason.CELL, 4), ": ValueError: boom"),
                          links={"notebook": "../notebooks/trends.ipynb"}),
        export.IndexEntry("figures_check", "核对", "skipped", why=of(Reason.UP_TO_DATE),
                          links={"html": "figures check.html"}),
    ]
    page = export.render_index(entries, lang="zh", is_sample=True)
    assert export.external_references(page) == []
    assert '<a href="session_report_18-2.html">年度报告</a>' in page
    assert '<a href="../tables/session_report_18-2.xlsx">Excel 表格</a>' in page
    assert 'class="sa-status-failed" data-label="状态">失败</td>' in page
    assert '<td data-label="说明">第4格: ValueError: boom</td>' in page
    assert '<td data-label="说明">未改变</td>' in page and "up to date" not in page  # the runner's reason, in the page's language
    assert "&lt;script&gt;" in page and "<script>window" not in page
    assert 'href="figures%20check.html"' in page
    assert "共 3 份：完成 1，失败 1，跳过 1。" in page and "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）" in page
    assert 'class="sa-banner"' in page and PLOTLY_HEADER not in page


def test_index_shows_a_kept_report_as_done_with_the_time_of_its_last_build(epoch):
    entries = [export.IndexEntry("trends", "趋势", "done", links={"html": "trends.html"},
                                 built_at="2024-07-01T00:00:00+00:00", made_now=False),
               export.IndexEntry("figures_check", "核对", "skipped", why=of(Reason.NO_FIGURES))]
    page = export.render_index(entries, lang="zh")
    assert re.search(r'class="sa-status-done"[^>]*>完成</td><td class="sa-built"[^>]*>2024-07-01 08:00'
                     r'（Asia/Shanghai，UTC\+08:00）</td>', page)
    assert re.search(r'class="sa-status-skipped"[^>]*>跳过</td><td class="sa-built"[^>]*>—</td>', page)
    assert "本次运行：重做 0 份，未改变沿用上次结果 1 份。" in page
    english = export.render_index(entries, lang="en")
    assert "This run: 0 made, 1 unchanged since their last build." in english


def test_every_reason_of_the_runner_is_said_in_each_language():
    latin, cjk = re.compile(r"[A-Za-z]{2,}"), re.compile(r"[\u4e00-\u9fff]")
    codes = [*Reason, *Changed]
    for code in codes:
        zh, en = reasons.words(code, "zh", 4), reasons.words(code, "en", 4)
        assert set(latin.findall(zh)) <= {"PDF", "force"}, (code, zh)  # an option, a file type
        assert not cjk.search(en), (code, en)
        both = reasons.say(code, 4) if isinstance(code, Reason) else reasons.words(code, None)
        assert set(cjk.findall(zh)) <= set(both) and set(latin.findall(en)) <= set(latin.findall(both)), code
    changed = of(Reason.REDONE, ChangedList((Changed.NOTEBOOK, Changed.DATA)))
    assert reasons.text(changed) == "重做 redone: 笔记本 notebook、数据 data 已改变 changed"  # the console's line
    assert reasons.text(changed, "zh") == "重做：笔记本、数据已改变"
    assert reasons.text(changed, "en") == "redone: notebook, data changed"
    failed = (Said(Reason.CELL, 4), " (In [3]): ValueError: 故意的错误")
    assert reasons.text(failed, "en") == "cell 4 (In [3]): ValueError: 故意的错误"  # the error's own text as raised
    two = reasons.join(of(Reason.NO_LEDGER), of(Reason.NO_FIGURES))
    assert reasons.text(two, "zh") == "没有台账；没有已公布数字文件"
    assert reasons.text(two) == "没有台账 no ledger given; 没有已公布数字文件 no published-figures file given"


def test_english_index_says_the_reasons_in_english(epoch):
    entries = [export.IndexEntry("trends", "Trends", "skipped", why=of(Reason.UP_TO_DATE)),
               export.IndexEntry("figures_check", "Check", "skipped", why=of(Reason.NO_FIGURES))]
    page = export.render_index(entries, lang="en")
    assert "<td data-label=\"Details\">up to date</td>" in page and "<td data-label=\"Details\">no published-figures file given</td>" in page
    assert "未改变" not in page and "没有" not in page


def test_banner_follows_the_files_the_report_read_not_the_whole_run(monkeypatch, epoch):
    # A run that also used the sample ledger elsewhere: this report recorded only real data.
    run_info = {"files": [{"file": "/data/sample_ledger.csv", "sha256": "cd" * 32, "is_sample": True}],
                "is_sample": True, "parameters": {}}
    own = export.render_report(_notebook(monkeypatch, sample=False), report_name="r", lang="zh", run_info=run_info)
    assert 'class="sa-banner"' not in own.html and "sample_ledger.csv" not in own.html
    # A notebook that never recorded its inputs gets the run's files, banner included.
    bare = new_notebook(cells=[], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    page = export.render_report(bare, report_name="r", lang="zh", run_info=run_info).html
    assert 'class="sa-banner"' in page and "sample_ledger.csv" in page


# --- which plotly.js a page inlines (performance: benchmarks/README.md, benchmark 4) ---------------


def test_pages_with_bar_and_scatter_charts_inline_the_small_basic_bundle():
    basic = export.plotly_js({"bar", "scatter"})
    assert basic == export.plotly_js() and len(basic) < 1_500_000  # the full bundle is 4.8 MB
    assert basic.count(PLOTLY_HEADER) == 1 and "basic bundle" in basic
    page = export.page_html(lang="zh", title="t", content="",
                            charts=[("c1", {"data": [{"type": "bar", "x": [1], "y": [2]}, {"y": [3]}], "layout": {}})])
    assert basic in page


def test_a_chart_the_basic_bundle_cannot_draw_gets_the_full_bundle():
    full = export.plotly_js({"bar", "heatmap"})
    assert len(full) > 4_000_000 and full != export.plotly_js({"bar"})
    page = export.page_html(lang="zh", title="t", content="",
                            charts=[("c1", {"data": [{"type": "heatmap", "z": [[1]]}], "layout": {}})])
    assert full in page


def test_a_basic_bundle_of_another_plotly_js_version_is_not_used(monkeypatch, tmp_path):
    stale = tmp_path / "plotly-basic.min.js"
    stale.write_text("/**\n* plotly.js (basic - minified) v0.0.1\n*/\nwindow.Plotly = {};", encoding="utf-8")
    monkeypatch.setattr(export, "BASIC_PLOTLY_JS", stale)
    export._basic_plotly_js.cache_clear()
    try:
        assert len(export.plotly_js({"bar"})) > 4_000_000  # the full bundle, which always matches plotly.py
    finally:
        export._basic_plotly_js.cache_clear()


def _table_notebook(rows: int):
    nb = new_notebook(cells=[new_code_cell("show")])
    payload = {"name": "sample_list", "title": "抽查名单", "note": "随机抽取", "section": "", "formats": {},
               "columns": ["建议编号", "标题"], "rows": [[f"S-{i:05d}", f"标题{i}"] for i in range(rows)]}
    nb.cells[0].outputs = [new_output("display_data", data={report.MIME_TABLE: payload})]
    return nb


@pytest.mark.parametrize("lang, words", [("zh", "网页只显示前 300 行（共 1,000 行）"),
                                         ("en", "Only the first 300 of 1,000 rows are shown here")])
def test_a_table_longer_than_the_page_limit_is_cut_on_the_page_and_whole_in_excel(lang, words):
    exported = export.render_report(_table_notebook(1000), report_name="r", lang=lang, run_info={})
    assert exported.html.count("<tr>") == 1 + export.HTML_TABLE_MAX_ROWS == 301  # header + first 300 rows
    assert "S-00299" in exported.html and "S-00300" not in exported.html
    assert words in exported.html and "随机抽取" in exported.html  # the table's own note is kept
    assert len(exported.tables[0]["rows"]) == 1000  # the workbook gets every row
    assert exported.xlsx is not None


def test_a_table_within_the_limit_is_shown_whole_without_a_note():
    exported = export.render_report(_table_notebook(300), report_name="r", lang="zh", run_info={})
    assert exported.html.count("<tr>") == 301 and "网页只显示" not in exported.html


# --- PDF ---------------------------------------------------------------------------------------

SKIA_PDF = (b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n/CreationDate (D:20261204140101+00'00')\n"
            b"/ModDate (D:20261204140101+00'00')>>\nendobj\n2 0 obj\n<</S /TH /ID (node00000033)>>\nendobj\n"
            b"3 0 obj\n<</S /TD /ID (node00000007)>>\nendobj\n4 0 obj\n<</Limits [(node00000007) (node00000033)]\n"
            b"/Names [(node00000007) 3 0 R (node00000033) 2 0 R]>>\nendobj\n")


def test_a_pdf_gets_the_build_time_and_ids_in_order_without_moving_a_byte():
    when = dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)
    fixed = export._fixed_pdf_ids(export._fixed_pdf_dates(SKIA_PDF, when))
    assert len(fixed) == len(SKIA_PDF)  # the cross-reference offsets stay right
    assert fixed.count(b"(D:20240715000000+00'00')") == 2 and b"2026" not in fixed
    # ids renumbered in the order of the objects they name, the same way wherever they appear; the id
    # tree's entries sorted by their new ids and its limits the first and last of them
    assert b"<</S /TH /ID (node00000001)>>" in fixed and b"<</S /TD /ID (node00000002)>>" in fixed
    assert b"/Limits [(node00000001) (node00000002)]\n/Names [(node00000001) 2 0 R (node00000002) 3 0 R]" in fixed
    # another run reached the elements in the other order (as Chromium does): the same bytes
    swapped = SKIA_PDF.replace(b"00000033", b"XX").replace(b"00000007", b"00000033").replace(b"XX", b"00000007")
    assert swapped != SKIA_PDF and export._fixed_pdf_ids(export._fixed_pdf_dates(swapped, when)) == fixed
    renamed = SKIA_PDF.replace(b"00000033", b"00000099")
    assert export._fixed_pdf_ids(export._fixed_pdf_dates(renamed, when)) == fixed


def test_chromium_for_pdfs_can_be_turned_off_or_named(monkeypatch, tmp_path):
    monkeypatch.setenv("SA_PDF", "off")
    assert export.find_chromium() == (None, "SA_PDF=off")
    monkeypatch.delenv("SA_PDF")
    monkeypatch.setenv("SA_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert export.find_chromium() == (None, f"SA_CHROMIUM={tmp_path / 'no-such-browser'} is not an executable")
    monkeypatch.setenv("SA_CHROMIUM", "")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(export, "CHROMIUM_CANDIDATES", ("chromium",))
    assert export.find_chromium() == (None, "Chromium is not installed (Debian: apt-get install chromium)")


def test_a_browser_that_prints_nothing_is_a_pdf_error(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    with pytest.raises(export.PdfError, match="Chromium exit code 1, no PDF"):
        export.print_pdf(page, "/bin/false")
    with pytest.raises(export.PdfError, match="cannot run"):
        export.print_pdf(page, str(tmp_path / "missing"))
