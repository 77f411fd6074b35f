"""Unit tests of analysis.excel: formula injection, headers, widths, fixed bytes."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis import excel

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "title": ["关于加快雨污管网改造的建议", "ok", None],
        "count": pd.array([3, None, 12], dtype="Int64"),
        "flag": pd.array([True, False, None], dtype="boolean"),
        "reply_date": pd.to_datetime(["2024-03-05", None, "2024-12-31"]),
    })


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")  # 2024-07-15 00:00:00 UTC
    return dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_text_defuses_formula_starts(text):
    assert excel.neutralise_text(text) == "'" + text


@pytest.mark.parametrize("text", ["关于加快雨污管网改造的建议", "a=b", "1-2", " =1", "示例@x"])
def test_neutralise_text_leaves_ordinary_text_alone(text):
    assert excel.neutralise_text(text) == text


def test_neutralise_text_replaces_xml_illegal_characters_and_cuts_long_text():
    assert excel.neutralise_text("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    long = "长" * 40000
    cut = excel.neutralise_text(long)
    assert len(cut) == excel.EXCEL_CELL_MAX_CHARS and cut.endswith("…")


def test_hostile_cells_are_text_with_an_apostrophe_and_no_formula_is_stored(tmp_path, epoch):
    frame = pd.DataFrame({"标题": HOSTILE, "单位": list(reversed(HOSTILE))})
    path = excel.write_xlsx({"名单": frame}, tmp_path / "x.xlsx")
    sheet = openpyxl.load_workbook(path)["名单"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert len(cells) == 2 * len(HOSTILE)
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells)
    assert [c.value for c in sheet["A"][1:]] == ["'" + t for t in HOSTILE]
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula element anywhere


def test_header_names_too_are_neutralised(tmp_path, epoch):
    path = excel.write_xlsx(pd.DataFrame({"=evil()": [1]}), tmp_path / "h.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "'=evil()" and sheet["A1"].data_type == "s"


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan")])
def test_null_cells_are_written_empty(value):
    assert excel.is_null(value) and excel.cell_value(value) is None


@pytest.mark.parametrize("value", ["", "  ", 0, 0.0, False, np.float32("nan"), np.datetime64("NaT")])
def test_text_zeros_and_numpy_scalars_are_not_null_before_unwrapping(value):
    assert not excel.is_null(value)


def test_numpy_scalars_are_unwrapped_and_an_unwrapped_nan_is_an_empty_cell():
    assert type(excel.python_scalar(np.int64(3))) is int and excel.python_scalar(np.int64(3)) == 3
    assert excel.python_scalar(np.bool_(True)) is True
    assert excel.python_scalar(np.datetime64("2024-01-02")) == pd.Timestamp("2024-01-02")
    assert excel.python_scalar("文本") == "文本"
    assert excel.cell_value(np.float32("nan")) is None
    assert excel.cell_value(np.float32(1.5)) == 1.5
    assert excel.cell_value(np.bool_(False), "en") == "no"


def test_values_headers_and_formats(tmp_path, epoch):
    headers = {"title": "标题", "count": "件数", "flag": "重点督办", "reply_date": "答复日期"}
    path = excel.write_xlsx({"数据": _frame()}, tmp_path / "v.xlsx", headers=headers)
    sheet = openpyxl.load_workbook(path)["数据"]
    assert [c.value for c in sheet[1]] == ["标题", "件数", "重点督办", "答复日期"]
    assert [c.value for c in sheet[2]] == ["关于加快雨污管网改造的建议", 3, "是", dt.datetime(2024, 3, 5)]
    assert [c.value for c in sheet[3]] == ["ok", None, "否", None]
    assert [c.value for c in sheet[4]] == [None, 12, None, dt.datetime(2024, 12, 31)]
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.bold


def test_english_booleans(tmp_path, epoch):
    path = excel.write_xlsx(_frame(), tmp_path / "en.xlsx", lang="en")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [sheet["C2"].value, sheet["C3"].value] == ["yes", "no"]


def test_column_widths_count_wide_characters_twice(tmp_path, epoch):
    frame = pd.DataFrame({"a": ["abcdefghij"], "b": ["一二三四五六七八九十"], "c": ["x" * 500]})
    sheet = openpyxl.load_workbook(excel.write_xlsx(frame, tmp_path / "w.xlsx")).worksheets[0]
    widths = {k: sheet.column_dimensions[k].width for k in "ABC"}
    assert widths["A"] == 12 and widths["B"] == 22  # 10 or 20 columns of text + 2 of margin
    assert widths["C"] == excel.MAX_COLUMN_WIDTH and sheet["C2"].alignment.wrap_text


def test_same_input_and_epoch_give_identical_bytes_stamped_with_the_epoch(tmp_path, epoch):
    first = excel.write_xlsx({"数据": _frame()}, tmp_path / "a.xlsx").read_bytes()
    second = excel.write_xlsx({"数据": _frame()}, tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.properties.created == book.properties.modified == dt.datetime(2024, 7, 15)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 7, 15, 0, 0, 0)}


def test_another_epoch_gives_other_bytes(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")
    first = excel.xlsx_bytes(_frame())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721088000")
    assert excel.xlsx_bytes(_frame()) != first


def test_epoch_before_1980_still_gives_a_valid_zip(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    data = excel.xlsx_bytes(_frame())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_sheet_names_are_made_valid_and_unique():
    taken = {"名单"}
    assert excel.safe_sheet_name("名单", taken) == "名单 (2)"
    assert excel.safe_sheet_name("a/b:c*d?[e]") == "a_b_c_d__e_"
    assert len(excel.safe_sheet_name("长" * 40)) == 31


def test_fixed_zip_stamps_any_archive_for_word_files_too():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    when = dt.datetime(2024, 7, 15, 8, 30, tzinfo=dt.timezone.utc)
    fixed = excel.fixed_zip(buffer.getvalue(), when)
    with zipfile.ZipFile(io.BytesIO(fixed)) as archive:
        (info,) = archive.infolist()
        assert info.date_time == (2024, 7, 15, 8, 30, 0) and archive.read(info) == b"<w:document/>"


def test_a_sheet_suffix_is_kept_whole_however_long_the_name():
    assert excel.safe_sheet_name("各次会议概况", suffix="（示例数据）") == "各次会议概况（示例数据）"
    long = excel.safe_sheet_name("Sessions at a glance and more", suffix=" (sample data)")
    assert long.endswith(" (sample data)") and len(long) == 31
    assert excel.safe_sheet_name("名单", {"名单（示例）"}, suffix="（示例）") == "名单 (2)（示例）"


@pytest.mark.parametrize("kind, decimals, suffix, code", [
    ("count", 0, "", "0"), ("percent", 1, "", "0.0%"), ("percent", 2, "", "0.00%"), ("percent", 0, "", "0%"),
    ("decimal", 3, "", "0.000"), ("decimal", None, "", "General"), ("count", 0, "（推算）", '0"（推算）"'),
    ("percent", 2, "（推算）", '0.00%"（推算）"'), ("count", 0, 'a"b', '0"ab"'),
])
def test_number_formats_show_the_number_as_the_report_prints_it(kind, decimals, suffix, code):
    assert excel.number_format(kind, decimals, suffix) == code


def test_a_number_without_its_default_fields_is_a_plain_count():
    assert excel.formatted({"value": 159}) == excel.Formatted(159, "0", "159")
    assert excel.formatted({"value": 0.4, "kind": "decimal", "decimals": None}) == excel.Formatted(0.4, "General", "0.4")


# A payload as report.table_payload writes it for narrative.summary_table: printed cells carry their numbers.
SUMMARY = {
    "name": "summary", "title": "各次会议概况", "note": "", "section": "", "formats": {}, "dates": [],
    "columns": ["届次", "收到建议", "区政府 A类", "95%区间"],
    "rows": [
        ["十八届人大一次会议", {"text": "159", "numbers": [{"value": 159, "kind": "count", "decimals": 0}]},
         {"text": "86（66.7%）", "numbers": [{"value": 86, "kind": "count", "decimals": 0, "header": ""},
                                           {"value": 0.667, "kind": "percent", "decimals": 1, "header": "占比"}]},
         {"text": "86.5% – 95.2%", "numbers": [
             {"value": 0.865, "kind": "percent", "decimals": 1, "header": "下限"},
             {"value": 0.952, "kind": "percent", "decimals": 1, "header": "上限"}]}],
        ["十八届人大二次会议", {"text": "172（推算）", "numbers": [
            {"value": 172, "kind": "count", "decimals": 0, "suffix": "（推算）"}]}, "暂缺", "—"],
    ],
}


def test_printed_cells_become_numbers_and_a_count_with_its_share_two_columns():
    frame = excel.payload_frame(SUMMARY)
    assert list(frame.columns) == ["届次", "收到建议", "区政府 A类", "区政府 A类 占比", "95%区间 下限", "95%区间 上限"]
    first, second = frame.to_dict("records")
    assert first["区政府 A类"] == excel.Formatted(86, "0", "86")
    assert first["区政府 A类 占比"] == excel.Formatted(0.667, "0.0%", "66.7%")
    assert first["95%区间 上限"] == excel.Formatted(0.952, "0.0%", "95.2%")
    assert second["收到建议"] == excel.Formatted(172, '0"（推算）"', "172（推算）")
    # a mark for no figure stays text, in each of the cell's columns: the share beside an unknown count is unknown
    # too, not blank (a blank cell means nothing to show: the sources sheet says so)
    assert (second["区政府 A类"], second["区政府 A类 占比"]) == ("暂缺", "暂缺")
    assert (second["95%区间 下限"], second["95%区间 上限"]) == ("—", "—")


def test_every_workbook_table_marks_a_missing_figure_alike_and_its_sources_sheet_says_what_each_mark_means(epoch):
    """Unknown figures were written 暂缺 in one table, — in another and blank in a third (the share beside 暂缺)."""
    from analysis import labels

    other = {**SUMMARY, "name": "other", "title": "另一表", "columns": ["届次", "比率"],
             "rows": [["十八届人大二次会议", labels.UNKNOWN["zh"]], ["十八届人大三次会议", labels.NOT_APPLICABLE]]}
    book = openpyxl.load_workbook(io.BytesIO(excel.tables_xlsx([SUMMARY, other])))
    marks = {c.value for sheet in book.worksheets for row in sheet.iter_rows(min_row=2) for c in row
             if not isinstance(c.value, (int, float)) and c.column > 1}
    assert marks == {"暂缺", "—"}  # no blank cell where a figure is missing, no other word for it
    assert [r[0] for r in labels.MARK_MEANINGS["zh"]] == ["表中“暂缺”", "表中“—”", "表中空白"]
    assert labels.UNKNOWN["en"] in labels.MARK_MEANINGS["en"][0][0]


def test_the_workbook_holds_counts_as_integers_and_percents_as_formatted_fractions(epoch):
    book = openpyxl.load_workbook(io.BytesIO(excel.tables_xlsx([SUMMARY])))
    sheet = book["各次会议概况"]
    assert [c.value for c in sheet[1]] == list(excel.payload_frame(SUMMARY).columns)
    b2, c2, d2 = sheet["B2"], sheet["C2"], sheet["D2"]
    assert (b2.value, b2.data_type, b2.number_format) == (159, "n", "0")
    assert (c2.value, c2.data_type) == (86, "n") and isinstance(c2.value, int)
    assert (d2.value, d2.data_type, d2.number_format) == (0.667, "n", "0.0%")
    assert (sheet["B3"].value, sheet["B3"].number_format) == (172, '0"（推算）"')
    assert (sheet["C3"].value, sheet["C3"].data_type) == ("暂缺", "s")
    # widths from the text as printed (66.7%, not 0.667), the header's CJK characters counting two
    assert sheet.column_dimensions["D"].width == excel.display_width("区政府 A类 占比") + 2


def test_a_tables_note_is_below_it_in_the_workbook_after_a_blank_row(epoch):
    # The page prints caveats under a table (bases not compared, a bound that is not a value, columns left out):
    # they travel with its figures. A blank row keeps the table one block to select, filter and paste.
    note = "基数口径不同、未检验的：T02 重庆市（已办结件数）。=1+1"
    book = openpyxl.load_workbook(io.BytesIO(excel.tables_xlsx([{**SUMMARY, "note": note}], note="示例数据")))
    sheet = book["各次会议概况"]
    assert [sheet.cell(row=r, column=1).value for r in range(1, 7)] == [
        "示例数据", "届次", "十八届人大一次会议", "十八届人大二次会议", None, note]
    assert sheet["A6"].data_type == "s" and not any(c.value for c in sheet[6][1:])
    assert sheet.auto_filter.ref == "A2:F4"  # the filter holds the table, not its note
    assert sheet.column_dimensions["A"].width < 30  # a long note runs across the empty cells, not widening column A
    assert excel.tables_xlsx([{**SUMMARY, "note": ""}]) == excel.tables_xlsx([SUMMARY])


def test_date_columns_of_a_payload_become_dates(epoch):
    table = {"name": "list", "title": "名单", "columns": ["建议编号", "交办日期", "答复时间"], "dates": ["交办日期", "答复时间"],
             "rows": [["S18-3-001", "2024-02-16", "2024-03-21T10:30:00"], ["S18-3-002", None, "not a date"]]}
    sheet = openpyxl.load_workbook(io.BytesIO(excel.tables_xlsx([table])))["名单"]
    assert sheet["A2"].value == "S18-3-001" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == dt.datetime(2024, 2, 16) and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == dt.datetime(2024, 3, 21, 10, 30)
    assert sheet["B3"].value is None and sheet["C3"].value == "not a date"


def test_a_note_row_tops_every_sheet_and_the_headers_follow(epoch):
    note = "示例数据：本报告由随机生成的示例数据制作，数字不反映真实办理情况，仅供演示和测试。"
    data = excel.xlsx_bytes({"甲": _frame(), "乙": _frame()}, note=note, sheet_suffix="（示例）")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["甲（示例）", "乙（示例）"]
    for sheet in book:
        assert sheet["A1"].value == note and sheet["A1"].font.bold
        assert [c.value for c in sheet[2]] == ["title", "count", "flag", "reply_date"]
        assert sheet["B3"].value == 3 and sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:D5"
        assert sheet.column_dimensions["A"].width == 28  # sized by the data; the note spills over


def test_a_hostile_note_is_text():
    sheet = openpyxl.load_workbook(io.BytesIO(excel.xlsx_bytes(_frame(), note="=1+1"))).worksheets[0]
    assert sheet["A1"].value == "'=1+1" and sheet["A1"].data_type == "s"


@pytest.mark.parametrize("decimals, code", [(3, '[<0.001]"< 0.001";0.000'), (4, '[<0.001]"< 0.001";0.0000')])
def test_a_p_value_format_prints_small_ones_as_the_pages_do(decimals, code):
    assert excel.number_format("p", decimals) == code


def test_p_values_are_numbers_in_the_workbook_shown_as_the_page_prints_them(epoch):
    from analysis import narrative, report

    exact = [0.000123, 0.04955, 0.5]  # < 0.001, 0.0496 (three decimals would print 0.050 and cross 0.05), 0.500
    cells = [narrative._p_cell(p) for p in exact]
    assert [str(c) for c in cells] == ["< 0.001", "0.0496", "0.500"]  # the page's text is unchanged
    frame = pd.DataFrame({"p值": cells + [narrative._p_cell(float("nan"))]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel.tables_xlsx([report.table_payload(frame, "tests")])))["tests"]
    column = [sheet.cell(row=r, column=1) for r in range(2, 5)]
    # the cell holds the p-value itself, full precision, never the text "< 0.001"
    assert [(c.value, c.data_type) for c in column] == [(p, "n") for p in exact]
    assert all(isinstance(c.value, float) for c in column)
    assert [c.number_format for c in column] == [
        '[<0.001]"< 0.001";0.000', '[<0.001]"< 0.001";0.0000', '[<0.001]"< 0.001";0.000']
    assert sheet["A5"].value == "—"  # not tested: no number to write


def test_a_shown_cell_of_one_number_written_directly_is_that_number(epoch):
    from analysis import labels

    frame = pd.DataFrame({"项目": ["抽样比例", "p"], "内容": [
        labels.Shown("12.5%", labels.Number(0.125, "percent", 1)), labels.Shown("< 0.001", labels.Number(2e-5, "p", 3))]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel.xlsx_bytes(frame)))["数据"]
    assert (sheet["B2"].value, sheet["B2"].number_format) == (0.125, "0.0%")
    assert (sheet["B3"].value, sheet["B3"].number_format) == (2e-5, '[<0.001]"< 0.001";0.000')


def test_a_payload_gives_the_same_workbook_as_its_frame_did(epoch):
    # The runner's workers write payloads as lists (no pandas); the bytes are those the frame path writes.
    table = {"name": "list", "title": "名单", "columns": ["建议编号", "交办日期", "件数"], "dates": ["交办日期"],
             "rows": [["=S18-3-001", "2024-02-16", 3], ["S18-3-002", None, float("nan")], ["S18-3-003", "x", True]]}
    from_lists = excel.tables_xlsx([SUMMARY, table], title="标题", note="示例数据", sheet_suffix="（示例）")
    frames = {"各次会议概况": excel.payload_frame(SUMMARY), "名单": excel.payload_frame(table)}
    assert from_lists == excel.xlsx_bytes(frames, title="标题", note="示例数据", sheet_suffix="（示例）")


def test_writing_a_payload_imports_no_pandas_or_numpy_of_its_own():
    code = ("import sys\n"
            "sys.modules['numpy'] = None  # imported by openpyxl when it can: not needed to write a payload\n"
            "from analysis import excel\n"
            f"data = excel.tables_xlsx([{SUMMARY!r}])\n"
            "assert data.startswith(b'PK') and 'pandas' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
