"""Unit tests of analysis.report: payloads, escaping, rendering and what show_* display."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analysis import factors  # noqa: F401  the package's frames hold Python strings (factors sets pandas' storage)
from analysis import charts, report

HOSTILE = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC


@pytest.fixture
def shown(monkeypatch):
    """What show_* passed to IPython's display: a list of (bundle, metadata)."""
    calls = []

    def fake_display(bundle, raw=False, metadata=None):
        assert raw is True
        calls.append((bundle, metadata))

    monkeypatch.setattr("IPython.display.display", fake_display)
    return calls


# --- values ---------------------------------------------------------------------------------


def test_json_value_turns_pandas_and_numpy_values_into_plain_json():
    assert report.json_value(pd.NA) is None
    assert report.json_value(pd.NaT) is None
    assert report.json_value(float("nan")) is None
    assert report.json_value(np.int64(7)) == 7 and type(report.json_value(np.int64(7))) is int
    assert report.json_value(np.float64(0.5)) == 0.5
    assert report.json_value(np.bool_(True)) is True
    assert report.json_value(pd.Timestamp("2024-03-05")) == "2024-03-05"
    assert report.json_value(pd.Timestamp("2024-03-05 10:30")) == "2024-03-05T10:30:00"
    assert report.json_value(dt.date(2024, 1, 2)) == "2024-01-02"
    assert report.json_value(float("inf")) == "inf"


def test_format_value_trims_floats_and_names_booleans():
    assert report.format_value(52.3) == "52.3"
    assert report.format_value(25.75) == "25.75"
    assert report.format_value(159.0) == "159"
    assert report.format_value(1 / 3) == "0.3333"
    assert report.format_value(None) == ""
    assert report.format_value(True) == "是"
    assert report.format_value(False, lang="en") == "no"
    assert report.format_value(0.523, "{:.1%}") == "52.3%"
    assert report.format_value("x", "{:.1%}") == "x"  # a format that does not fit falls back


# --- tables -----------------------------------------------------------------------------------


def test_table_payload_keeps_raw_values_and_a_named_index():
    frame = pd.DataFrame({"件数": pd.array([129, None], dtype="Int64"), "占比": [0.811, float("nan")]},
                         index=pd.Index(["区政府", "国际港务区"], name="承办主体"))
    payload = report.table_payload(frame, "handlers", "表1", section="基本情况", formats={"占比": "{:.1%}"})
    assert payload["columns"] == ["承办主体", "件数", "占比"]
    assert payload["rows"] == [["区政府", 129, 0.811], ["国际港务区", None, None]]
    assert payload["section"] == "基本情况"
    assert payload["formats"] == {"占比": "{:.1%}"}


def test_printed_cells_keep_their_text_on_the_page_and_their_numbers_in_the_payload():
    from analysis import labels

    count, share = labels.format_count(86), labels.format_pct(66.666, 1)
    frame = pd.DataFrame({"区政府 A类": [labels.combined(f"{count}（{share}）", (count, ""), (share, "占比")), "暂缺"],
                          "交办日期": pd.to_datetime(["2024-02-16", None])})
    payload = report.table_payload(frame, "t", "T")
    assert payload["rows"][0][0] == {"text": "86（66.7%）", "numbers": [  # fields at their defaults left out
        {"value": 86}, {"value": 0.667, "kind": "percent", "decimals": 1, "header": "占比"}]}
    assert report.json_value(labels.format_decimal(0.4)) == {"text": "0.4", "numbers": [
        {"value": 0.4, "kind": "decimal", "decimals": None}]}
    assert payload["dates"] == ["交办日期"] and payload["rows"][0][1] == "2024-02-16"
    assert json.loads(json.dumps(payload)) == payload
    page = report.render_table(payload)
    # a column of numbers is right-aligned, its mark for a missing one (暂缺) and its header too
    assert '<td class="num">86（66.7%）</td>' in page and '<td class="num">暂缺</td>' in page
    assert '<th scope="col" class="num">区政府 A类</th>' in page and '<th scope="col">交办日期</th>' in page
    assert report.plain_text(report.MIME_TABLE, payload).splitlines()[2] == "86（66.7%）\t2024-02-16"


def test_a_table_with_no_rows_says_there_is_none_instead_of_a_bare_header():
    payload = {"name": "tests", "title": "各项变化的统计检验", "columns": ["从", "到", "p值"], "rows": [],
               "note": "<b>Holm</b>"}
    page = report.render_table(payload, "zh")
    assert "<table" not in page and "<th" not in page
    assert '<p class="sa-table-empty">各项变化的统计检验：无</p>' in page and "&lt;b&gt;Holm" in page
    assert ">Tests: none<" in report.render_table({**payload, "title": "Tests"}, "en")


def test_render_table_escapes_every_cell_and_right_aligns_numbers():
    frame = pd.DataFrame({HOSTILE: [IMG, "ok"], "n": [1, 22]})
    page = report.render_table(report.table_payload(frame, "t", f"标题 {HOSTILE}", note=IMG))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in page
    assert '<td class="num">22</td>' in page
    assert '<th scope="col">&lt;script&gt;window.__pwned=1&lt;/script&gt;</th>' in page  # a header is text too
    assert "<caption>标题 &lt;script&gt;" in page


def test_a_wide_table_becomes_cards_on_a_phone_and_says_it_scrolls():
    narrow = report.render_table(report.table_payload(pd.DataFrame({"a": [1]}), "t", "T"))
    wide = report.render_table(report.table_payload(pd.DataFrame({f"c{i}": [i] for i in range(13)}), "t", "T"))
    assert 'class="sa-table-wrap"' in narrow and 'class="sa-table-wrap sa-wide"' in wide
    assert '<p class="sa-scroll-cue">表格较宽：左右滑动可看全部 13 列</p>' in wide
    assert '<td class="num">12</td>' in wide and "data-label" not in wide  # page.js labels the cards' cells


def test_numbers_are_right_aligned_whether_counts_percents_or_printed_cells_and_text_stays_left():
    from analysis import labels

    pct, count, base = labels.format_pct(18.87, 2), labels.format_count(30), labels.format_count(159)
    frame = pd.DataFrame({
        "报告": ["T03 上海市长宁区", "本区"],
        "件数": [62, None],  # a count, one missing
        "占比": [pct, "—"],  # a printed percent; a mark where there is none
        "前": [labels.combined(f"{count}/{base}（{pct}）", (count, ""), (base, "基数"), (pct, "占比")), "暂缺"],
        "p值": [labels.Shown("< 0.001", labels.Number(1e-9, "p", 3)), labels.Shown("0.010", labels.Number(0.01, "p", 3))],
        "原文": ["57；37.7%", "160余"],  # a figure as a report printed it: text, aligned as the counts
        "交办日期": ["2024-02-16", "2024-03-01"],
        "说明": ["基数口径不同，未检验", ""],
        "内容": [pct, "很长很长很长很长很长很长的一段说明文字"]})
    page = report.render_table(report.table_payload(frame, "t", "T"))
    for number in ("62", "18.87%", "—", "30/159（18.87%）", "暂缺", "&lt; 0.001", "0.010", "57；37.7%", "160余"):
        assert f'<td class="num">{number}</td>' in page, number
    assert "<td><span class=\"sa-id\">2024-02-16</span></td>" in page and '<th scope="col">交办日期</th>' in page  # a date is not a count
    for head in ("件数", "占比", "前", "p值", "原文"):
        assert f'<th scope="col" class="num">{head}</th>' in page, head
    # text stays left; in a column of text a number is still right-aligned in its cell, the header left
    assert "<td>T03 上海市长宁区</td>" in page and '<th scope="col">报告</th>' in page
    assert '<th scope="col">内容</th>' in page and '<td class="long">很长' in page
    assert '<td class="num">18.87%</td><td class="long">' not in page and page.count('<td class="num">18.87%</td>') == 2
    assert "<td></td>" in page  # a blank stays a blank


def test_a_long_table_sits_in_an_open_fold_with_its_caption_and_row_count():
    short = report.render_table(report.table_payload(pd.DataFrame({"n": range(report.FOLD_ROWS)}), "t", "各地报告"))
    long = report.render_table(report.table_payload(pd.DataFrame({"n": range(report.FOLD_ROWS + 1)}), "t", "各地报告"))
    assert "<details" not in short
    assert long.startswith('<details class="sa-fold" open><summary>各地报告（共 11 行）</summary><figure')
    assert long.endswith("</figure></details>")
    english = report.render_table(report.table_payload(pd.DataFrame({"n": range(12)}), "t", ""), lang="en")
    assert "<summary>Table (12 rows)</summary>" in english


def test_plain_text_of_a_table_is_tab_separated_with_formats():
    payload = report.table_payload(pd.DataFrame({"a": ["x"], "share": [0.5]}), "t", "T",
                                   formats={"share": "{:.0%}"})
    assert report.plain_text(report.MIME_TABLE, payload) == "T\na\tshare\nx\t50%"


# --- charts -----------------------------------------------------------------------------------


def test_figure_payload_escapes_chart_text_but_keeps_plotly_formatting_tags():
    fig = go.Figure(go.Bar(x=[HOSTILE, "区政府"], y=[1, 2], hovertemplate="%{x}<br><b>%{y}</b><extra></extra>",
                           text=['<a href="javascript:alert(1)">x</a>', "A&B"]))
    fig.update_layout(title=f"标题 {IMG}")
    payload = report.figure_payload(fig)
    trace = payload["data"][0]
    assert trace["x"][0] == "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    assert trace["hovertemplate"] == "%{x}<br><b>%{y}</b><extra></extra>"
    assert trace["text"] == ['&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;', "A&amp;B"]
    assert payload["layout"]["title"]["text"] == '标题 &lt;img src=x onerror="window.__pwned=1"&gt;'
    assert payload["config"]["displaylogo"] is False
    assert payload["config"]["modeBarButtons"] == [["toImage"]]  # saving the picture; no zoom or pan tools
    # the theme is left alone (no reader text in it, and it is large)
    assert payload["layout"]["template"] == json.loads(pio.to_json(fig))["layout"]["template"]


def test_figure_payload_escapes_a_traces_data_text_whole_tags_and_all():
    name = "区<b>局</b><extra>%{x}</extra>"
    fig = go.Figure(go.Bar(x=["十八届一次<br>示例数据"], y=[1], name=name, customdata=[[name, 3]], text=[name],
                           hovertext=[name], hovertemplate="%{x}<br>%{customdata[0]}：%{y}件<extra></extra>"))
    trace = report.figure_payload(fig)["data"][0]
    whole = "区&lt;b&gt;局&lt;/b&gt;&lt;extra&gt;%{x}&lt;/extra&gt;"
    assert trace["customdata"] == [[whole, 3]] and trace["text"] == [whole] and trace["hovertext"] == [whole]
    # labels and templates keep plotly's formatting tags, so builders can break lines
    assert trace["x"] == ["十八届一次<br>示例数据"] and trace["name"] == name
    assert trace["hovertemplate"] == "%{x}<br>%{customdata[0]}：%{y}件<extra></extra>"


def test_figure_payload_is_json_ready_with_numpy_data():
    payload = report.figure_payload(go.Figure(go.Scatter(x=np.arange(3), y=np.array([1.5, 2.5, 3.5]))))
    json.dumps(payload)  # no numpy objects left


# --- provenance -------------------------------------------------------------------------------


def test_provenance_payload_lists_files_hashes_and_parameters(tmp_path, epoch):
    figures = tmp_path / "figures.csv"
    figures.write_text("session,measure\n", encoding="utf-8")
    cases = pd.DataFrame({"a": [1]})
    cases.attrs["provenance"] = [{"file": "/home/someone/ledger.csv", "sha256": "ab" * 32, "rows": 466,
                                  "is_sample": True}]
    payload = report.provenance_payload(cases, params={"session": "十八届人大二次会议",
                                                       "ledger_files": ["/home/someone/ledger.csv"], "seed": 7},
                                        files=[figures])
    assert payload["files"][0] == {"file": "ledger.csv", "sha256": "ab" * 32, "rows": 466, "is_sample": True}
    assert payload["files"][1]["sha256"] == hashlib.sha256(figures.read_bytes()).hexdigest()
    assert payload["params"] == {"session": "十八届人大二次会议", "ledger_files": ["ledger.csv"], "seed": 7}
    assert payload["is_sample"] is True
    assert payload["generated_at"] == "2024-07-15T00:00:00+00:00"
    assert payload["package_version"].startswith(report.__version__ + "+")


def test_render_provenance_shows_files_parameters_version_and_time(epoch):
    payload = report.provenance_payload(params={"title": HOSTILE})
    payload["files"] = [{"file": IMG, "sha256": "cd" * 32, "rows": 3, "is_sample": True}]
    page = report.render_provenance(payload, "zh")
    assert "cd" * 32 in page and "（行数 3；示例数据）" in page  # Chinese brackets and semicolon on a Chinese page
    assert "(Rows 3; sample data)" in report.render_provenance(payload, "en")
    assert "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）" in page
    assert "<img" not in page and "<script>" not in page
    assert report.package_version() in page
    assert "Parameters" in report.render_provenance(payload, "en")
    # Chinese colons on a Chinese page, as the rest of its text has them
    assert "程序版本：<code>" in page and " · 生成时间：2024-07-15" in page and "版本:" not in page
    assert "Package version: <code>" in report.render_provenance(payload, "en")


# --- text ---------------------------------------------------------------------------------------


def test_markdown_html_escapes_html_and_defuses_javascript_links():
    page = report.markdown_html(f"**粗体** {HOSTILE} [x](javascript:alert(1))\n\n- 一\n- 二")
    assert "<strong>粗体</strong>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert "<li>一</li>" in page


def test_render_text_paragraphs_and_notes_are_escaped():
    page = report.render_text({"kind": "paragraphs", "paragraphs": [HOSTILE, "二"], "heading": IMG})
    assert page.count("<p>") == 2 and "<script>" not in page and "<img" not in page
    note = report.render_text({"kind": "note", "text": HOSTILE, "level": "warning"}, "en")
    assert "sa-warning" in note and "Caution" in note and "<script>" not in note


def test_a_note_box_takes_the_colon_of_its_language():
    english = report.render_text({"kind": "note", "text": "x", "level": "warning"}, "en")
    chinese = report.render_text({"kind": "note", "text": "x"}, "zh")
    assert "<strong>Caution: </strong>" in english and "：" not in english
    assert "<strong>说明：</strong>" in chinese


# --- show_* -------------------------------------------------------------------------------------


def test_show_table_displays_html_and_attaches_the_table_data(shown):
    report.show_table(pd.DataFrame({"承办主体": ["区政府"], "件数": [151]}), "handlers", "表1", section="基本情况")
    (bundle, metadata), = shown
    assert bundle[report.MIME_TABLE]["rows"] == [["区政府", 151]]
    assert "<table" in bundle["text/html"]
    assert bundle["text/plain"] == "表1\n承办主体\t件数\n区政府\t151"
    assert metadata == {report.MIME_TABLE: {"lang": "zh"}}


def test_show_figure_displays_plotly_json_marked_as_escaped(shown):
    report.show_figure(go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": "A &lt; B"}), "bars", section="基本情况")
    (bundle, metadata), = shown
    assert set(bundle) == {report.MIME_PLOTLY, "text/plain"}
    assert metadata[report.MIME_PLOTLY] == {"name": "bars", "section": "基本情况", "escaped": True}
    assert bundle["text/plain"] == "Figure: A &lt; B\nbar: a 1"


def test_a_chart_with_nothing_known_to_draw_is_a_note_in_the_readers_language(shown):
    # a body whose classes a report never printed: empty axes and a legend would say nothing, or seem to say zero
    figures = pd.DataFrame({"session": ["2019年度"] * 3, "year": [2019] * 3, "handler": ["县政府"] * 3,
                            "measure": ["outcome"] * 3, "category": ["A", "B", "C"], "count": [pd.NA] * 3,
                            "base": [pd.NA] * 3, "share_pct": [pd.NA] * 3, "status": ["unknown"] * 3,
                            "basis": ["published"] * 3, "base_measure": ["handled"] * 3, "source": [""] * 3,
                            "is_sample": [False] * 3, "is_total": [False] * 3})
    figures = figures.astype({"count": "Int64", "base": "Int64", "share_pct": "Float64"})
    for lang, words in (("zh", "县政府办理结果分类构成：各项数字均暂缺，未画此图"),
                        ("en", "Outcome classes, county government: not drawn, none of its figures is known")):
        shown.clear()
        report.show_figure(charts.plot_outcome_mix(figures, handler="县政府", lang=lang), "outcome_mix",
                           section="办理结果")
        (bundle, _), = shown
        assert report.MIME_PLOTLY not in bundle
        assert bundle[report.MIME_TEXT]["text"] == words and bundle[report.MIME_TEXT]["section"] == "办理结果"
    shown.clear()  # a subtitle (the on-time chart's rule) is left out of the note
    report.show_figure(go.Figure(go.Bar(x=["a"], y=[None]), layout={"title": {"text": "按期答复率<br><sup>3个月</sup>"},
                                                                  "meta": {"lang": "zh"}}))
    assert shown[0][0][report.MIME_TEXT]["text"] == "按期答复率：各项数字均暂缺，未画此图"
    # one known value is a chart; a zero is a value
    assert report.draws_anything(report.figure_payload(go.Figure(go.Bar(x=["a", "b"], y=[None, 0]))))
    assert not report.draws_anything(report.figure_payload(go.Figure(go.Bar(x=["a"], y=[float("nan")]))))
    assert not report.draws_anything(report.figure_payload(go.Figure(go.Pie(labels=["满意"], values=[None]))))


def test_a_charts_text_form_lists_the_values_it_draws():
    fig = go.Figure([go.Bar(name="区政府", x=["十八届一次<br>2022年", "十八届二次<br>2023年"], y=[129, 151]),
                     go.Scatter(name="收到<b>建议</b>", x=["十八届一次<br>2022年", "十八届二次<br>2023年"],
                                y=[159.0, 2 / 3]),
                     go.Bar(name="得分", orientation="h", x=[0.5, None], y=["区民政局", "<script>x</script>"])],
                    layout={"title": {"text": "各次会议<br><sup>件数</sup>"}})
    assert report.chart_summary(report.figure_payload(fig)) == (
        "Figure: 各次会议 件数\n"
        "区政府: 十八届一次 2022年 129; 十八届二次 2023年 151\n"
        "收到建议: 十八届一次 2022年 159; 十八届二次 2023年 0.666667\n"  # six digits: no float noise
        "得分: 区民政局 0.5; <script>x</script> —")  # a label that is markup stays as written
    # plotly's typed arrays (numpy data) are read as the numbers they hold
    typed = {"data": [{"type": "bar", "name": "A", "x": ["一", "二"],
                       "y": {"dtype": "f8", "bdata": "AAAAAAAA8D8AAAAAAAAEQA=="}}], "layout": {}}
    assert report.chart_summary(typed) == "Figure: \nA: 一 1; 二 2.5"
    assert report.chart_summary({"data": [{"type": "pie", "labels": ["满意"], "values": [3]}], "layout": {}}) == \
        "Figure: \npie: 满意 3"


def test_show_headline_plain_text_is_what_notebook_tests_compare(shown):
    report.show_headline("收到建议", np.int64(172), change="+13", note="含闭会期间")
    (bundle, _), = shown
    assert bundle["text/plain"] == "收到建议: 172 (+13) — 含闭会期间"
    assert bundle[report.MIME_HEADLINE]["value"] == "172"


def test_show_provenance_adds_the_sample_banner_for_sample_data(shown, epoch):
    cases = pd.DataFrame({"a": [1]})
    cases.attrs["provenance"] = [{"file": "s.csv", "sha256": "0" * 64, "rows": 1, "is_sample": True}]
    report.show_provenance(cases, params={"lang": "zh"})
    report.show_provenance(params={"lang": "zh"})
    assert 'class="sa-banner"' in shown[0][0]["text/html"]
    assert 'class="sa-banner"' not in shown[1][0]["text/html"]


def test_show_title_and_paragraphs_escape(shown):
    report.show_title(HOSTILE, session="十八届人大二次会议")
    report.show_paragraphs("一段", section="基本情况")
    assert "<script>" not in shown[0][0]["text/html"]
    assert shown[0][0]["text/plain"] == f"{HOSTILE} — 十八届人大二次会议"
    assert shown[1][0][report.MIME_TEXT] == {"kind": "paragraphs", "paragraphs": ["一段"], "heading": "",
                                             "section": "基本情况"}


def test_build_time_is_shown_in_the_configured_time_zone():
    moment = dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)  # SOURCE_DATE_EPOCH 1721001600
    assert report.format_time(moment) == "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）"  # data/config.yaml
    assert report.format_time(moment, "en") == "2024-07-15 08:00 (Asia/Shanghai, UTC+08:00)"
    assert report.format_time(moment, config={"time_zone": "Europe/London"}) == "2024-07-15 01:00（Europe/London，UTC+01:00）"
    assert report.format_time(moment.replace(tzinfo=None), config={"time_zone": "UTC"}) == "2024-07-15 00:00（UTC，UTC+00:00）"


def test_a_drawn_id_never_breaks_at_its_hyphen_in_a_record_cell_or_a_summary_line():
    """A phone (390 px) broke the supervision sample's drawn ids after a hyphen ("S18-" / "3-032"): every
    hyphenated id in wrapping text (a long cell, a paragraph, a note) is one unbreakable span, the text unchanged."""
    ids = "、".join(f"S18-3-{n:03d}" for n in (1, 10, 29, 32, 33, 34, 35, 51, 79, 80, 83, 116, 122, 127))
    frame = pd.DataFrame({"项目": ["抽中编号", "会次"], "内容": [ids, "十八届人大三次会议"]})
    cell = report.render_table(report.table_payload(frame, "sample_record", "抽样记录"))
    text = report.render_text({"kind": "paragraphs", "paragraphs": [f"  抽中编号：{ids}", "市17-3-032 <b>x-1</b>"]})
    note = report.render_text({"kind": "note", "text": "QS19-3-001 的答复日期早于交办日期"})
    for page in (cell, text):
        assert '<span class="sa-id">S18-3-032</span>、<span class="sa-id">S18-3-033</span>' in page
        assert page.count('<span class="sa-id">S18-3-') == 14
    assert '<span class="sa-id">市17-3-032</span> &lt;b&gt;<span class="sa-id">x-1</span>&lt;/b&gt;' in text
    assert '<span class="sa-id">QS19-3-001</span>' in note
    # an English word with a hyphen holds no digit: no id, left to wrap (and to a test reading the sentence)
    assert report.render_text({"kind": "note", "text": "Twenty-two reports print it"}).count("sa-id") == 0
    # a short cell is already on one line: left as it was (a page's weight)
    assert "<td>十八届人大三次会议</td>" in cell
    # but paper narrows a table's columns: a short id or date there broke at its hyphen ("2024-" over "02-16")
    short = report.render_table(report.table_payload(pd.DataFrame({"建议编号": ["S18-3-029"], "交办日期": ["2024-02-16"]}),
                                                     "sample", "抽查名单"))
    assert '<td><span class="sa-id">S18-3-029</span></td><td><span class="sa-id">2024-02-16</span></td>' in short
    sheet = (Path(report.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"\.sa-id\s*\{\s*white-space:\s*nowrap;\s*\}", sheet)


def test_a_stored_number_is_the_same_on_every_machine():
    # the last digits of a p-value differ between CPUs (vectorised log/exp): a stored notebook compared by nbval, its
    # page and its workbook keep 12 significant digits, so both machines' values are stored alike
    from analysis import labels

    assert report.json_value(0.6608509338158164) == report.json_value(0.6608509338158163) == 0.660850933816
    assert report.json_value(5.3271447053484575e-12) == report.json_value(5.327144705348456e-12) == 5.32714470535e-12
    cell = labels.Shown("0.661", labels.Number(0.6608509338158164, "p", 3))
    assert report.json_value(cell)["numbers"][0]["value"] == 0.660850933816
    assert report.json_value(0.523) == 0.523 and report.json_value(159) == 159  # printed figures kept exactly
    assert report.json_value(float("inf")) == "inf"


def test_the_footer_names_each_parameter_in_words_before_its_literal():
    """A leader read 'pseudonymise = false' and 'lang = "zh"' at the foot of every page and of its A4 print."""
    payload = {"files": [], "params": {"ledger_files": ["a.csv", "b.xlsx"], "lang": "zh", "pseudonymise": False,
                                       "as_of_date": "", "seed": 20240715, "my_own": 3},
               "package_version": "1.0", "generated_at": "2024-07-15T00:00:00+00:00"}
    footer = report.render_provenance(payload)
    items = re.findall(r"<li>(.*?)</li>", footer)
    assert items == [
        '台账文件：a.csv、b.xlsx<br><code class="sa-param">ledger_files = [&quot;a.csv&quot;, &quot;b.xlsx&quot;]</code>',
        '语言：中文<br><code class="sa-param">lang = &quot;zh&quot;</code>',
        '代表姓名化名：否<br><code class="sa-param">pseudonymise = false</code>',
        '截止日期：（未指定）<br><code class="sa-param">as_of_date = &quot;&quot;</code>',
        '随机种子：20240715<br><code class="sa-param">seed = 20240715</code>',
        '<code class="sa-param">my_own = 3</code>',  # a parameter with no words: its literal alone
    ]
    english = re.findall(r"<li>(.*?)<br><code", report.render_provenance(payload, "en"))
    assert english[:3] == ["ledger files: a.csv; b.xlsx", "language: Chinese", "deputies&#x27; names pseudonymised: no"]
