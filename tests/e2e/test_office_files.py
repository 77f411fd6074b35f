"""End to end: the Excel workbooks and Word drafts `make report` writes, read as Excel and Word read them."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from analysis import report

pytestmark = pytest.mark.slow

# A figure written as text: a count, a percent, "< 0.001", "86（66.7%）", "172（推算）", "86.5% – 95.2%", a date.
_NUMBER = r"(?:[<>≤≥]\s*)?[-+]?\d[\d,]*(?:\.\d+)?\s*[%％]?"
_MARK = r"(?:\s*(?:（推算）|\(derived\)))?"
NUMERIC_LOOKING = re.compile(
    rf"{_NUMBER}{_MARK}(?:\s*[（(]\s*{_NUMBER}\s*[）)])?|{_NUMBER}\s*[–—-]\s*{_NUMBER}|\d{{4}}-\d{{2}}-\d{{2}}")
# Columns whose text is deliberately text although it may look like a number.
DELIBERATE_TEXT = {
    "原文": "a published figure exactly as the source printed it (it may read 20余 or 90%以上)",
}


def _workbooks(out: Path) -> list[Path]:
    return sorted((out / "tables").glob("*.xlsx"))


def _header_row(sheet) -> int:
    """The row of the column headers: 2 under a sample-data note, else 1."""
    return 2 if sheet["A1"].value == report.labels("zh")["banner"] else 1


def test_no_workbook_holds_a_number_as_text(default_run):
    books = _workbooks(default_run.out)
    assert len(books) == 8
    numbers = 0
    for path in books:
        for sheet in openpyxl.load_workbook(path):
            top = _header_row(sheet)
            headers = [c.value for c in sheet[top]]
            for row in sheet.iter_rows(min_row=top + 1):
                for cell, header in zip(row, headers):
                    if cell.data_type == "n" and cell.value is not None:
                        numbers += 1
                    elif isinstance(cell.value, str) and header not in DELIBERATE_TEXT:
                        assert not NUMERIC_LOOKING.fullmatch(cell.value.strip()), (
                            path.name, sheet.title, cell.coordinate, header, cell.value)
    assert numbers > 900  # the workbooks' figures are there, as numbers


def test_counts_are_integers_and_percents_formatted_fractions_as_the_pages_print_them(default_run):
    book = openpyxl.load_workbook(default_run.out / "tables" / "session_report_18-2.xlsx")
    assert book.sheetnames == ["各次会议概况（示例数据）", "承办单位（示例数据）", "数据来源与生成信息（示例数据）"]
    summary = book.worksheets[0]
    assert summary["A1"].value == report.labels("zh")["banner"]
    headers = [c.value for c in summary[2]]
    row = {h: summary.cell(row=4, column=i + 1) for i, h in enumerate(headers)}
    assert row["届次"].value == "十八届人大二次会议（2023年）"
    expected = {"收到建议": (172, "0"), "区政府办理件数": (151, "0"), "国际港务区占比": (0.1221, "0.00%"),
                "区政府 A类": (79, "0"), "区政府 A类 占比": (0.523, "0.0%"), "区政府办结率": (0.868, "0.0%")}
    assert {h: (row[h].value, row[h].number_format) for h in expected} == expected
    assert all(row[h].data_type == "n" for h in expected) and isinstance(row["收到建议"].value, int)
    units = book.worksheets[1]
    unit_headers = [c.value for c in units[2]]
    score = units.cell(row=3, column=unit_headers.index("绩效得分") + 1)
    assert score.data_type == "n" and score.number_format == "0.000"
    # the published-figures check is no sample: no note, no mark; derived figures keep their mark as a format
    check = openpyxl.load_workbook(default_run.out / "tables" / "figures_check.xlsx")
    summary = check["各次会议概况"]
    headers = [c.value for c in summary[1]]
    third = {h: summary.cell(row=4, column=i + 1) for i, h in enumerate(headers)}
    assert (third["收到建议"].value, third["收到建议"].number_format) == (135, '0"（推算）"')


SESSION_DRAFTS = ["session_report_18-1", "session_report_18-2", "session_report_18-3"]
# What the 基本情况 of a session report says, in the words its paragraphs use.
OVERVIEW_WORDS = ["共收到代表建议", "区政府办理代表建议", "国际港务区承办代表建议",  # received, by body
                  "（A类）", "（B类）", "（C类）",  # outcome classes
                  "办结率", "满意率", "按期答复", "列为重点督办",  # completion, satisfaction, on time, key supervision
                  "得分居前的是", "居后的是",  # handling units at the top and the bottom
                  "联合督办按10%的比例随机抽取"]  # the supervision draw
TECHNICAL = re.compile(r"[0-9a-f]{12,}|sha-?256|\bimport\b|\bdef\b|\.py\b|\.ipynb\b|analysis\.|[a-z_]+\(", re.IGNORECASE)


def test_each_session_draft_is_a4_and_holds_the_whole_overview_and_nothing_technical(default_run):
    import docx
    from docx.shared import Mm

    for name in SESSION_DRAFTS:
        document = docx.Document(str(default_run.out / "tables" / f"{name}.docx"))
        first = document.sections[0]
        assert (first.page_width.twips, first.page_height.twips) == (11906, 16838), name
        assert [round(m.mm) for m in (first.top_margin, first.bottom_margin, first.left_margin,
                                      first.right_margin)] == [37, 35, 28, 26], name
        assert all(s.page_width.mm <= Mm(297).mm + 0.1 for s in document.sections), name
        paragraphs = [p.text for p in document.paragraphs]
        # a cell's text as read, its line break (before a bracket, word._cell_lines) left out
        cells = [c.text.replace("\n", "") for t in document.tables for r in t.rows for c in r.cells]
        text = "\n".join(paragraphs + cells)
        assert [w for w in OVERVIEW_WORDS if w not in text] == [], name
        assert not TECHNICAL.search(text), (name, TECHNICAL.search(text))
        assert paragraphs[0] == report.labels("zh")["banner"] and "一、基本情况" in paragraphs, name
        assert all(h.paragraphs[0].text == "示例数据 · 非真实数字"
                   for s in document.sections for h in (s.header, s.even_page_header)), name
        # the draft's table says what the page's table says
        page = (default_run.html / f"{name}.html").read_text(encoding="utf-8")
        assert all(cell in page for cell in cells if cell), name
