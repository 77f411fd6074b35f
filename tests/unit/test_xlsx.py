"""analysis.xlsx: workbooks read as Excel shows them, within a budget; other files told apart by their bytes."""
from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import openpyxl
import pytest

from analysis import xlsx
from analysis.errors import FileFormatError

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def _bytes(workbook) -> bytes:
    raw = io.BytesIO()
    workbook.save(raw)
    return raw.getvalue()


def _read(data: bytes, sheet: int = 0, **options) -> xlsx.Cells:
    book = xlsx.Workbook(data, "x.xlsx")
    try:
        return book.read(book.sheets[sheet], **options)
    finally:
        book.close()


def test_values_are_what_excel_saved():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["text", 12, 12.5, True, dt.datetime(2024, 3, 5), None, "=1+1"])
    ws["G1"].value = "=1+1"
    cells = _read(_bytes(wb))
    (number, values), = cells.rows
    assert number == 1 and values[:6] == ["text", 12, 12.5, True, dt.datetime(2024, 3, 5), None]
    # a formula without a saved result is not a value: it is a fault naming the formula
    assert cells.faults == [xlsx.Fault(1, 6, "=1+1", None)]


def test_only_rows_holding_something_are_kept_with_their_excel_numbers():
    wb = openpyxl.Workbook()
    wb.active["B3"] = "x"
    wb.active["A7"] = "y"
    assert _read(_bytes(wb)).rows == [(3, [None, "x"]), (7, ["y"])]


@pytest.mark.parametrize("code, is_date", [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("mmm", True), ("[$-804]yyyy/m/d", True),
    ("h:mm", False), ("[h]:mm:ss", False), ("mm:ss", False), ("0.00%", False), ("General", False), ("@", False),
    ('"day"0', False), ("#,##0", False),
])
def test_a_number_format_shows_a_date_or_not(code, is_date):
    assert xlsx.is_date_format(code) is is_date


def test_chinese_builtin_date_formats_and_the_1904_system_give_dates():
    for name in ("cjk_date_formats.xlsx", "date1904.xlsx"):
        (_, values), *_ = [r for r in _read((HOSTILE / name).read_bytes()).rows if r[0] == 2]
        assert values[6] == dt.datetime(2024, 3, 5), name  # a date, not the serial 45356 (or 43894 in 1904)


def test_shared_rich_and_inline_strings_without_phonetic_guides():
    for name in ("shared_strings.xlsx", "inline_rich_string.xlsx"):
        rows = dict(_read((HOSTILE / name).read_bytes()).rows)
        assert rows[2][2] == "关于修缮狄寨街道老旧小区的建议", name  # runs joined, 'guānyú' left out


def test_sheets_in_tab_order_with_state_kind_and_the_active_one():
    book = xlsx.Workbook((HOSTILE / "hidden_first_sheet.xlsx").read_bytes(), "x")
    assert [(s.name, s.state, s.kind) for s in book.sheets] == [("旧台账", "hidden", "worksheet"),
                                                               ("台账", "visible", "worksheet")]
    assert book.active == 1
    book = xlsx.Workbook((HOSTILE / "chart_sheet_active.xlsx").read_bytes(), "x")
    assert [s.kind for s in book.sheets] == ["chartsheet", "worksheet"]
    assert book.read(book.sheets[0]).rows == []  # a chart sheet holds no table


def test_reading_stops_when_asked():
    data = (HOSTILE / "several_ledger_sheets.xlsx").read_bytes()
    assert len(_read(data, limit_rows=1).rows) == 1
    assert len(_read(data, until=lambda rows: len(rows) == 2).rows) == 2


def test_a_value_far_to_the_right_is_refused_naming_its_cell_and_an_empty_one_ignored():
    with pytest.raises(FileFormatError) as info:
        _read((HOSTILE / "stray_cell_xfd.xlsx").read_bytes())
    (problem,) = info.value.problems
    assert problem.code == "too_many_columns" and "XFD1048576" in problem.message
    assert len(_read((HOSTILE / "stray_empty_xfd.xlsx").read_bytes()).rows) == 3


@pytest.mark.parametrize("name, code", [
    ("declared_bomb.xlsx", "too_large"), ("ratio_bomb.xlsx", "too_large"), ("lying_size.xlsx", "bad_xlsx"),
    ("doctype_entity.xlsx", "bad_xlsx"), ("row_beyond_excel.xlsx", "bad_xlsx"),
    ("shared_string_out_of_range.xlsx", "bad_xlsx"), ("missing_sheet_part.xlsx", "bad_xlsx"),
])
def test_bombs_and_broken_parts_are_refused_quickly(name, code):
    started = time.monotonic()
    with pytest.raises(FileFormatError) as info:
        _read((HOSTILE / name).read_bytes())
    assert info.value.problems[0].code == code
    assert time.monotonic() - started < 5  # refused from the zip's declarations, not by unpacking 3 GB


@pytest.mark.parametrize("name, code", [
    ("encrypted.xlsx", "encrypted"), ("old_biff8.xls", "old_excel"), ("word_named.xls", "word"),
    ("spreadsheet.ods", "ods"), ("xlsb_named.xlsx", "xlsb"), ("docx_named.xlsx", "word"), ("plain_zip.xlsx", "zip"),
    ("html_saved_as.xls", "html"), ("spreadsheetml_2003.xls", "spreadsheet_xml"),
])
def test_files_that_look_like_workbooks_are_named_for_what_they_are(name, code):
    path = HOSTILE / name
    with pytest.raises(FileFormatError) as info:
        xlsx.identify(path.read_bytes(), name, path.suffix)
    assert info.value.problems[0].code == code


def test_workbooks_and_text_are_told_apart_by_their_bytes():
    assert xlsx.identify((HOSTILE / "xlsx_named.csv").read_bytes(), "x", ".csv") == "xlsx"
    assert xlsx.identify((HOSTILE / "tsv_saved_as.xls").read_bytes(), "x", ".xls") == "text"
    assert xlsx.identify((BAD / "text_named.xlsx").read_bytes(), "x", ".xlsx") == "text"


def test_column_letters():
    assert [xlsx.column_letters(i) for i in (0, 25, 26, 701, 16383)] == ["A", "Z", "AA", "ZZ", "XFD"]


@pytest.mark.parametrize("fast", [False, True], ids=["expat", "calamine"])
def test_merged_ranges_and_hidden_columns_are_read_with_the_cells(fast):
    # what the loader names in its messages: B2:B4 and D2:D3 merged down over data rows, column K hidden
    def layout(name: str) -> xlsx.Layout:
        book = xlsx.Workbook((HOSTILE / name).read_bytes(), name)
        cells = xlsx.read_fast(book, book.sheets[0], min_bytes=0) if fast else book.read(book.sheets[0])
        assert cells is not None
        return cells.layout

    merged = layout("merged_data_cells.xlsx")
    assert sorted(merged.merged) == [(2, 1, 4, 1), (2, 3, 3, 3)] and merged.hidden_columns == []
    hidden = layout("hidden_duplicate_column.xlsx")
    assert hidden.merged == [] and [p for p in range(12) if hidden.is_hidden(p)] == [10]


def test_merged_data_error_names_range_rows_column_and_value_and_leaves_header_merges_alone():
    layout = xlsx.Layout(merged=[(1, 0, 2, 0), (3, 1, 5, 2)])  # a header merged down; data cells over two columns
    error = xlsx.merged_data_error("f.xlsx", "台账", layout, 1, ["编号", "届次", "标题"], lambda r, c: "十九届人大一次会议")
    assert error is not None and len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "届次、标题", "十九届人大一次会议")
    assert "单元格 B3:C5（第3–5行，列「届次、标题」）是合并单元格" in problem.message
    assert xlsx.merged_data_error("f.xlsx", "台账", xlsx.Layout(merged=[(1, 0, 2, 0)]), 1, ["编号"], lambda r, c: None) is None
