"""Unit tests of analysis.export: sanitiser, external-reference check, the report page, its files, index."""
from __future__ import annotations

import datetime as dt
import io
import re

import nbformat
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import export, html_page, labels, report
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
             '<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok">'
             '<table><tr><td class="num">1<td title="a b\'>">2</table>'
             "<svg><script>alert(1)</script></svg>&lt;b&gt;<unknown>kept text</unknown>")
    clean = export.sanitise_html(dirty)
    assert "onclick" not in clean and "<script" not in clean and "<style" not in clean
    assert "<iframe" not in clean and "in frame" not in clean and "<svg" not in clean and "alert" not in clean
    assert '<a>外链</a>' in clean and '<a href="#sec">内链</a>' in clean
    assert 'http://x/y.png' not in clean
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt=ok>' in clean  # one word: no quotes needed
    assert '<td class=num>1<td title="a b&#x27;&gt;">2</td></td></tr></table>' in clean  # every opened tag closed
    assert "&lt;b&gt;kept text" in clean
    assert export.external_references(f"<body>{clean}</body>") == []


def test_a_rendered_table_drops_only_the_end_tags_html_implies():
    payload = {"name": "t", "title": "表", "columns": ["报告", "件数", "说明"],
               "rows": [["T03 上海市长宁区", 62, "</td></tr><td>x</td>"], ["R12", None, "很长的说明" * 8]]}
    shown = export.sanitise_html(report.render_payload(report.MIME_TABLE, payload, "zh"))
    lean = export.without_implied_end_tags(shown)
    # body cells and rows lose their end tags; header cells, the head's row, the body and the table keep theirs
    assert lean == shown.replace("</td>", "").replace("</tr><tr>", "<tr>").replace("</tr></tbody>", "</tbody>")
    assert "</th><th" in lean and "</tr></thead>" in lean and lean.endswith("</tbody></table></figure>")
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;td&gt;x&lt;/td&gt;" in lean  # a cell's text is text: its “tags” are kept
    assert len(shown.encode()) - len(lean.encode()) == 5 * 6 + 5 * 2  # six cells' and two rows' end tags


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
    assert "cdn.plot.ly" not in page.replace(html_page.plotly_scripts({"bar", "scatter"}), "")
    assert re.findall(r'<div class="sa-chart" id="([^"]+)"', page) == ["session_report_18-2-fig-1",
                                                                       "session_report_18-2-fig-2"]
    assert '<meta name="sa-chart-count" content="2">' in page
    assert exported.n_figures == 2 and exported.title == f"报告 {HOSTILE}"
    # no code, no prompts, no parameter cells
    for marker in ("secret_source_code_marker", "parameters_marker", "In [", "jp-InputArea", "input_prompt"):
        assert marker not in page
    # hostile text is text, everywhere
    body = page.replace(html_page.plotly_scripts({"bar", "scatter"}), "")
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
    assert "<li>会次：十八届人大二次会议<br><code class=\"sa-param\">session = &quot;十八届人大二次会议&quot;</code></li>" in footer
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
    monkeypatch.setattr(html_page, "_template", lambda name: (
        '<html><script src="https://cdn.example/x.js"></script>$lang$csp$version$chart_count$title$css'
        '$body_class$banner$content$footer$scripts</html>' if name == "page.html" else ""))
    with pytest.raises(export.ExportError, match="cdn.example"):
        export.render_report(new_notebook(cells=[]), report_name="r")


# --- the workbook beside the page -------------------------------------------------------------------------------


def test_tables_become_one_sheet_each_with_formulas_defused(monkeypatch, epoch):
    exported = export.render_report(_notebook(monkeypatch, sample=False), report_name="r")
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    assert book.sheetnames == ["表1 承办主体", "建议标题", "数据来源与生成信息"]
    handlers = [[c.value for c in row] for row in book["表1 承办主体"].iter_rows()]
    assert handlers == [["handler", "件数"], ["区政府", 2], ["国际港务区", 1]]
    titles = [row[0].value for row in book["建议标题"].iter_rows(min_row=2)]
    assert titles == [HOSTILE, IMG, "'=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("lang, mark", [("zh", "（示例数据）"), ("en", " (sample)")])
def test_a_workbook_from_sample_data_says_so_on_every_sheet(monkeypatch, epoch, lang, mark):
    exported = export.render_report(_notebook(monkeypatch), report_name="r", lang=lang)
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    provenance = report.labels(lang)["provenance"]
    assert book.sheetnames == ["表1 承办主体" + mark, "建议标题" + mark, provenance + mark]
    for sheet in book:
        assert sheet["A1"].value == report.labels(lang)["banner"] and sheet["A1"].data_type == "s"
        if sheet.title != provenance + mark:
            assert [c.value for c in sheet[2]][:1] == ["handler" if "承办" in sheet.title else "title"]
        assert sheet.freeze_panes == "A3"  # the note and the headers stay in view
    assert [c.value for c in book.worksheets[0][3]] == ["区政府", 2]
    assert report.labels(lang)["banner"] in book.properties.subject


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_says_which_files_it_was_built_from_as_the_page_footer_does(monkeypatch, epoch, lang):
    # A workbook staff paste from travels without its page: its last sheet names the report, each data file with
    # its rows and SHA-256, the package version and the build time, as the page's footer prints them.
    exported = export.render_report(_notebook(monkeypatch, sample=False), report_name="r", lang=lang)
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    words = report.labels(lang)
    sheet = book[words["provenance"]]
    assert sheet is book.worksheets[-1]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["项目", "内容"] if lang == "zh" else rows[0] == ["item", "value"]
    shown = dict((item, value) for item, value in rows[1:])
    footer = exported.html[exported.html.index('<footer class="sa-footer">'):]
    assert shown[words["files"]] == "ledger.csv" and "ledger.csv" in footer
    assert shown["sha256"] == "ab" * 32 and "ab" * 32 in footer
    assert shown[words["rows"]] == 3 and sheet.cell(row=rows.index([words["rows"], 3]) + 1, column=2).data_type == "n"
    assert shown[words["version"]] == report.package_version()
    generated = report.format_time(dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc), lang)
    assert shown[words["generated"]] == generated and generated in footer
    assert shown[html_page.words(lang)["report"]] == f"报告 {HOSTILE}"
    assert "/data/" not in str(rows)  # the file's name, never the folder it was read from
    # what a cell holding no number means, in every table of the workbook: the marks the page and the draft use
    for item, meaning in labels.MARK_MEANINGS[lang]:
        assert shown[item] == meaning
    assert any(labels.UNKNOWN[lang] in item for item in shown) and any(labels.NOT_APPLICABLE in item for item in shown)


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
    sheet = openpyxl.load_workbook(io.BytesIO(exported.xlsx))["抽查名单"]
    assert sheet["A1001"].value == "S-00999" and sheet["A1003"].value == "随机抽取"  # its own note, not the page's cut


def test_a_table_within_the_limit_is_shown_whole_without_a_note():
    exported = export.render_report(_table_notebook(300), report_name="r", lang="zh", run_info={})
    assert exported.html.count("<tr>") == 301 and "网页只显示" not in exported.html


