"""Unit tests of analysis.word: the Word draft of a report's marked sections."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest

from analysis import export, report
from report_support import shown_notebook

HOSTILE = "<script>window.__pwned=1</script>"


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC


def _draft(monkeypatch, show, **options) -> bytes | None:
    return export.render_report(shown_notebook(monkeypatch, show), report_name="r", **options).docx


def _overview(sample: bool = True):
    cases = pd.DataFrame({"handler": ["区政府", "区政府", "国际港务区"]})
    cases.attrs["provenance"] = [{"file": "ledger.csv", "sha256": "ab" * 32, "rows": 3, "is_sample": sample}]

    def show():
        report.show_title(f"报告 {HOSTILE}", session="十八届人大二次会议")
        report.show_headline("收到建议", 172, change="+13", section="基本情况")
        report.show_table(cases.groupby("handler").size().rename("件数").reset_index(), "handlers", "表1 承办主体",
                          section="基本情况")
        report.show_paragraphs(["一、基本情况。共收到代表建议172件。"], heading="基本情况", section="基本情况")
        report.show_table(cases, "not_in_the_draft", "不在初稿中")
        report.show_provenance(cases, params={"session": "十八届人大二次会议"})

    return show


def test_word_draft_holds_the_marked_section(monkeypatch, epoch):
    document = docx.Document(io.BytesIO(_draft(monkeypatch, _overview())))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("报告 ") and "十八届人大二次会议" in texts[0]
    assert "基本情况" in texts and "一、基本情况。共收到代表建议172件。" in texts
    assert "收到建议: 172 (+13)" in texts
    table, = document.tables
    assert [c.text for c in table.rows[1].cells] == ["区政府", "2"]
    assert document.core_properties.created == dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)
    with zipfile.ZipFile(io.BytesIO(_draft(monkeypatch, _overview()))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 7, 15, 0, 0, 0)}


def test_no_word_draft_without_marked_sections(monkeypatch):
    assert _draft(monkeypatch, lambda: report.show_title("只有标题")) is None


def test_word_draft_holds_hostile_and_control_characters_as_text(monkeypatch, epoch):
    # python-docx refuses ESC/BEL outright; they must not cost the report its Word draft
    odd = "\x1b[31m红色\x1b[0m<script>alert(1)</script>=1+2"
    frame = pd.DataFrame({"标题": [odd, "响铃\x07"], "件数": [1, 2]})

    def show():
        report.show_title(f"报告\x1b{HOSTILE}", session="十八届人大二次会议")
        report.show_table(frame, "odd", "表\x07", section="基本\x1b情况")
        report.show_paragraphs([odd], heading="说明\x0b", section="基本\x1b情况")
        report.show_markdown(f"- {odd}", section="基本\x1b情况")

    exported = export.render_report(shown_notebook(monkeypatch, show), report_name="r")
    assert openpyxl.load_workbook(io.BytesIO(exported.xlsx)).sheetnames == ["表\ufffd"]  # a sheet name is XML too
    document = docx.Document(io.BytesIO(exported.docx))
    shown = "\ufffd[31m红色\ufffd[0m<script>alert(1)</script>=1+2"
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith(f"报告\ufffd{HOSTILE}") and "基本\ufffd情况" in texts
    assert texts.count(shown) == 2  # the paragraph and the Markdown list item, as text
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["标题", "件数"], [shown, "1"], ["响铃\ufffd", "2"]]
    with zipfile.ZipFile(io.BytesIO(exported.docx)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<script>" not in body and "&lt;script&gt;alert(1)" in body
    assert not re.search(r"<w:(instrText|fldSimple|hyperlink)\b", body)  # no field or link made from text
