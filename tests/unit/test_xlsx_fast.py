"""analysis.xlsx.read_fast: calamine reads a sheet exactly as the expat reader does, or leaves it to that reader.

Every workbook of the corpus and messy generated ones are read both ways: the cells, and what the loader
makes of them (the report of ``validate_files`` and the frame of ``load_cases``), must be identical. Where
calamine would read a value otherwise, the fast reader must decline (None), never give the other value.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from analysis import load, xlsx
from analysis.errors import DataError, FileFormatError
from reading_support import assert_same_reading, read_both_ways

pytest.importorskip("python_calamine")

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(p for folder in ("tests", "data") for p in (ROOT / folder).rglob("*.xls*") if p.is_file())
HEADER = ["建议编号", "届次", "标题", "承办主体", "办理结果", "办理状态", "交办日期", "答复日期", "代表满意度"]


def _workbook(data: bytes) -> xlsx.Workbook | None:
    try:
        if xlsx.identify(data, "x.xlsx", ".xlsx") != "xlsx":
            return None
        return xlsx.Workbook(data, "x.xlsx")
    except Exception:  # noqa: BLE001 - a file that is not a workbook has no sheets to compare
        return None


def _cells_both_ways(data: bytes) -> list[tuple[str, bool]]:
    """(sheet, read by calamine?) for each sheet; asserts calamine's cells are the expat reader's when it reads."""
    book = _workbook(data)
    if book is None:
        return []
    found = []
    for sheet in book.sheets:
        fast = xlsx.read_fast(book, sheet, min_bytes=0)
        if fast is not None:
            assert fast == book.read(sheet), sheet.name
        found.append((sheet.name, fast is not None))
    return found


def _loaded_both_ways(monkeypatch, path: Path, **options) -> list:
    """(report, frame or the error's text), read with calamine on every sheet it reads exactly, then without it."""
    return read_both_ways(monkeypatch, path, lambda patch, fast: patch.setattr(
        xlsx, "FAST_FROM_BYTES", 0 if fast else 1 << 62), **options)


def test_the_corpus_reads_alike_and_calamine_reads_some_of_it():
    used = {}
    for path in CORPUS:
        for sheet, fast in _cells_both_ways(path.read_bytes()):
            used[f"{path.name}:{sheet}"] = fast
    assert len(used) >= 30
    assert sum(used.values()) >= 15, used  # the test would pass vacuously if calamine read nothing


def _generated(folder: Path) -> dict[str, Path]:
    script = ROOT / "tests" / "data" / "hostile" / "make_hostile_files.py"
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generated(folder)


def test_every_workbook_of_the_corpus_gives_the_same_report_and_frame_either_way(tmp_path, monkeypatch):
    """tests/data/corpus.yaml, its options (--sheet …) and the files made at test time: every entry that is a
    workbook, validated and loaded with calamine wherever it reads exactly, then with the expat reader alone."""
    generated = _generated(tmp_path / "generated")
    compared = 0
    for entry in yaml.safe_load((ROOT / "tests" / "data" / "corpus.yaml").read_text(encoding="utf-8")):
        folder, _, name = entry["file"].partition("/")
        path = generated[name] if folder == "generated" else ROOT / "tests" / "data" / entry["file"]
        if not path.is_file() or _workbook(path.read_bytes()) is None:
            continue
        args = entry.get("args", [])
        options = dict(zip([a.lstrip("-") for a in args[0::2]], args[1::2]))
        assert_same_reading(_loaded_both_ways(monkeypatch, path, **options))
        compared += 1
    assert compared >= 25


# ---------------------------------------------------------------------------------------
# Messy workbooks as openpyxl writes them (cell by cell, as a user's Excel would hold them)
# ---------------------------------------------------------------------------------------

def _ledger_rows() -> list[list]:
    return [
        ["S-001", "十九届人大一次会议", "关于修缮老旧小区的建议", "区政府", "A类", "已办结", dt.datetime(2024, 3, 5),
         dt.datetime(2024, 4, 1), "满意"],
        ["0012", "十九届人大一次会议", "关于建桥的建议\u200b", " 国际港务区 ", "B", "已办结", "2024-03-05", "2024年4月2日",
         "基本满意"],
        [13, "十九届人大一次会议", "关于修路的建议", "区政府", "C类", "已办结", 45356, "2024/4/3", "不满意"],
        ["S-004", "十九届人大一次会议", "关于\n换行的建议", "区政府", "A类", "已办结", dt.datetime(2024, 3, 5, 9, 30),
         dt.datetime(1900, 2, 28), "满意"],
        ["S-005", "十九届人大一次会议", "关于 全角 的建议", "区政府", "Ｂ类", "已办结", "45356", 45385.0, "满意"],
        ["S-006", "十九届人大一次会议", 3.25, "区政府", "A类", "办理中", None, None, None],
    ]


def _messy(kind: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    rows = _ledger_rows()
    if kind != "as_is":  # as is: a date and time, and 1900-02-28, which calamine reads otherwise
        rows = [r for r in rows if not isinstance(r[6], dt.datetime) or r[6].hour == 0]
        rows = [r[:7] + [r[7] if not isinstance(r[7], dt.datetime) or r[7].year > 1900 else None] + r[8:] for r in rows]
    sheet.append(["某区人大常委会代表建议办理台账（十九届一次会议）"] if kind != "no_title" else [])
    if kind == "two_row_header":
        sheet.append(["建议", "", "", "办理", "", "", "日期", "", ""])
    sheet.append([h.replace("日期", "\n日期") if kind == "alt_enter" else h for h in HEADER])
    for row in rows:
        sheet.append(row)
    for _ in range(3):
        sheet.append([None] * len(HEADER))
    if kind == "merged":
        sheet.merge_cells("A1:I1")
    if kind == "hidden_rows":
        sheet.row_dimensions[4].hidden = True
    if kind in ("date_formats", "plain", "merged", "hidden_rows", "alt_enter", "two_row_header", "no_title"):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, (dt.datetime, int, float)) and cell.column in (7, 8):
                    cell.number_format = {"date_formats": 'yyyy"年"m"月"d"日"'}.get(kind, "yyyy-mm-dd")
    if kind == "time_format":
        sheet["G3"].number_format = "[h]:mm"
    if kind == "formulas":
        sheet["H4"] = "=G4+27"
    if kind == "booleans":
        sheet["I4"] = True
    if kind == "errors":
        sheet["I4"] = "#N/A"
        sheet["I4"].data_type = "e"
    if kind == "hidden_sheet":
        old = book.create_sheet("旧台账", 0)
        old.append(HEADER)
        old.append(["S-999"])
        old.sheet_state = "hidden"
        book.active = 1
    if kind == "date1904":
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


KINDS = ("plain", "no_title", "merged", "hidden_rows", "alt_enter", "two_row_header", "date_formats", "time_format",
         "formulas", "booleans", "errors", "hidden_sheet", "date1904", "as_is")


@pytest.mark.parametrize("kind", KINDS)
def test_messy_workbooks_read_alike(tmp_path, monkeypatch, kind):
    data = _messy(kind)
    used = dict(_cells_both_ways(data))
    if kind in ("plain", "no_title", "merged", "hidden_rows", "alt_enter", "two_row_header", "date_formats",
                "hidden_sheet", "date1904"):
        assert used["台账"], "calamine should read this sheet"
    if kind in ("formulas", "booleans", "errors", "time_format", "as_is"):
        # a formula, a boolean, an error, a time format calamine reads as a duration, a datetime or 1900-02-28
        assert not used["台账"]
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(data)
    assert_same_reading(_loaded_both_ways(monkeypatch, path))


# ---------------------------------------------------------------------------------------
# Sheets written by hand: what calamine reads otherwise is declined
# ---------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKSHEET = f'<worksheet xmlns="{_MAIN}" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
_EXCEL_PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'  # as Excel and WPS write every part


def _package(sheet: bytes, strings: bytes) -> bytes:
    """A workbook of one sheet, its XML and its shared strings given as bytes."""
    from benchmarks.synthetic_xlsx import _PARTS

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def _hand_made(rows: str, strings: tuple[str, ...] = ("x",), preserve: bool = True, prolog: str = "") -> bytes:
    """A workbook of one sheet of ``rows``; ``strings`` are shared strings (the XML in <si> when not ``preserve``);
    ``prolog`` goes before each part's root element."""
    sheet = f"{prolog}{_WORKSHEET}<sheetData>{rows}</sheetData></worksheet>"
    shared = f'{prolog}<sst xmlns="{_MAIN}">' + "".join(
        f'<si><t xml:space="preserve">{s}</t></si>' if preserve else f"<si>{s}</si>" for s in strings) + "</sst>"
    return _package(sheet.encode(), shared.encode())


DECLINED = {
    "cell without a reference": '<row r="2"><c><v>1</v></c><c r="E2"><v>3</v></c></row>',
    "row without a reference": '<row><c r="A1"><v>1</v></c></row><row><c r="A2"><v>2</v></c></row>',
    "spaces around a number": '<row r="1"><c r="A1"><v> 1</v></c></row>',
    "a comma in a number": '<row r="1"><c r="A1"><v>1,5</v></c></row>',
    "hexadecimal": '<row r="1"><c r="A1"><v>0x10</v></c></row>',
    "underscores": '<row r="1"><c r="A1"><v>1_000</v></c></row>',
    "not a number": '<row r="1"><c r="A1"><v>NaN</v></c></row>',
    "a whole number with a point": '<row r="1"><c r="A1"><v>12.0</v></c><c r="B1"><v>12.</v></c></row>',
    "an exponent": '<row r="1"><c r="A1"><v>1.2E+3</v></c></row>',
    "rows out of order": '<row r="5"><c r="B5"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
    "a large whole number": '<row r="1"><c r="A1"><v>12345678901234567890</v></c></row>',
    "an ISO date": '<row r="1"><c r="A1" t="d"><v>2024-03-05T00:00:00Z</v></c></row>',
    "a formula without its result": '<row r="1"><c r="A1"><f>1+1</f></c></row>',
    "an error": '<row r="1"><c r="A1" t="e"><v>#REF!</v></c></row>',
    "a carriage return": '<row r="1"><c r="A1" t="inlineStr"><is><t>a\rb</t></is></c></row>',
    "an escape": '<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>',
    "a shared string out of range": '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',
    "a stray cell far below": '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="A900000"><v>1</v></c></row>',
    "a stray cell far right": '<row r="1"><c r="A1"><v>1</v></c><c r="ZZZ1"><v>1</v></c></row>',
    # a fraction of 16 digits or more may round to a whole float (calamine's int, here a float)
    "a fraction that rounds to a whole number": '<row r="1"><c r="A1"><v>1.0000000000000001</v></c></row>',
    "a large number with a fraction": '<row r="1"><c r="A1"><v>4503599627370496.4</v></c></row>',
    # character references: calamine decodes them before trimming and before decoding _xHHHH_ escapes
    "a line break by reference at the end": '<row r="1"><c r="A1" t="inlineStr"><is><t>a&#10;</t></is></c></row>',
    "an escape by reference": '<row r="1"><c r="A1" t="inlineStr"><is><t>a&#95;x0041_b</t></is></c></row>',
    # elements and attributes the byte patterns do not see
    "a prefixed formula": '<row r="1"><c r="A1"><x:f xmlns:x="' + _MAIN + '">1+1</x:f></c></row>',
    "a prefixed value": '<row r="1"><c r="A1"><x:v xmlns:x="' + _MAIN + '">1.0</x:v></c></row>',
    "a value with an attribute": '<row r="1"><c r="A1"><v xml:space="preserve"> 1</v></c></row>',
    "a lower-case reference": '<row r="1"><c r="a1"><v>1</v></c></row>',
    "an inline string in a shared-string cell": '<row r="1"><c r="A1" t="s"><is><t>q</t></is></c></row>',
    "an inline string in a number cell": '<row r="1"><c r="A1" s="0"><is><t>q</t></is></c></row>',
    "a second sheetData": '<row r="1"><c r="A1"><v>1</v></c></row></sheetData><sheetData><row r="2"><c r="A2"><v>2</v>'
                          '</c></row>',
    # what real writers write for formulas, booleans and errors (Excel, LibreOffice, openpyxl, xlsxwriter)
    "a formula with its string result": '<row r="1"><c r="A1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>',
    "a shared formula": '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row><row r="2"><c r="A2"><f t="shared" '
                        'ref="A2:A3" si="0">A1+1</f><v>3</v></c></row>',
    "a boolean": '<row r="1"><c r="A1" t="b"><v>1</v></c></row>',
    "an error with its formula": '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
    # a cell whose reference names another row than its row element: the expat reader trusts the reference and
    # gives the rows in the order written (row 4 before row 3, or row 2 twice), calamine sorts them into one grid
    "a cell naming a row further down": '<row r="2"><c r="A2"><v>1</v></c><c r="B4"><v>2</v></c></row>'
                                        '<row r="3"><c r="A3"><v>3</v></c></row>',
    "a cell naming another row, last": '<row r="2"><c r="A2"><v>1</v></c><c r="B4"><v>2</v></c></row>',
    "a cell naming the next row": '<row r="2"><c r="A2"><v>1</v></c><c r="A3"><v>5</v></c><c r="B2"><v>2</v></c></row>',
    # white space where the byte patterns expect none (XML allows it; no writer of a real workbook puts it there)
    "white space before an inline string": '<row r="1"><c r="A1" t="s"> <is><t>q</t></is></c></row>',
    "a line break inside a cell tag": '<row r="1"><c\nr="A1" t="s"><is><t>q</t></is></c></row>',
    "a tab inside a cell tag": '<row r="1"><c\tr="a1"><v>1</v></c></row>',
    "a line break inside a formula tag": '<row r="1"><c r="A1"><f\n>1+1</f></c></row>',
    "a line break inside a value tag": '<row r="1"><c r="A1"><v\n>1,5</v></c></row>',
    "spaces around an attribute's =": '<row r="1"><c r="A1" t = "e"><v>#N/A</v></c></row>',
    # not well-formed XML the expat reader refuses and calamine reads
    "a duplicated attribute": '<row r="1"><c r="A1" r="B1"><v>1</v></c></row>',
    "a duplicated row attribute": '<row r="1" hidden="1" ht="15" hidden="0"><c r="A1"><v>1</v></c></row>',
    "a second row number": '<row r="1" spans="1:1" r="2"><c r="A1"><v>1</v></c></row>',
    "a control character": '<row r="1"><c r="A1" t="inlineStr"><is><t>a\x0bb</t></is></c></row>',
    "a fraction as a shared-string index": '<row r="1"><c r="A1" t="s"><v>0.5</v></c></row>',
}
READ = {
    "leading empty rows and columns": '<row r="3"><c r="C3"><v>1</v></c></row><row r="5"><c r="B5" t="s"><v>0</v></c></row>',
    "empty values": '<row r="1"><c r="A1"><v></v></c><c r="B1" t="s"><v></v></c><c r="C1" t="inlineStr"><is><t></t>'
                    '</is></c><c r="D1"><v>2</v></c></row>',
    "entities and spaces": '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a&amp;b&lt;一 </t></is>'
                           '</c><c r="B1"><v>-0.25</v></c><c r="C1"><v>-7</v></c></row>',
    "two-letter columns": '<row r="1"><c r="A1"><v>1</v></c><c r="AD1" t="s"><v>0</v></c></row>',
    # what real writers write around plain values
    "Excel's row attributes": '<row r="1" spans="1:4" ht="14.25" x14ac:dyDescent="0.2"><c r="A1" s="1"><v>45356</v>'
                              '</c><c r="B1" t="s"><v>0</v></c></row>',
    "LibreOffice's row attributes": '<row r="1" customFormat="false" ht="12.8" hidden="false" customHeight="false" '
                                    'outlineLevel="0" collapsed="false"><c r="A1" s="0" t="s"><v>0</v></c></row>',
    "a row with a date format": '<row r="1" s="1" customFormat="1"><c r="A1"><v>45356</v></c></row>',
    "a hidden row": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2" hidden="1"><c r="A2"><v>2</v></c></row>',
    "text in a cell with a date format": '<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="inlineStr">'
                                         '<is><t>2024-03-05</t></is></c></row>',
    "a string result without its formula": '<row r="1"><c r="A1" t="str"><v> a </v></c><c r="B1" s="1" t="str">'
                                           '<v>45000</v></c></row>',
}


@pytest.mark.parametrize("name", DECLINED)
def test_what_calamine_reads_otherwise_is_left_to_the_expat_reader(name):
    book = xlsx.Workbook(_hand_made(DECLINED[name]), "x.xlsx")
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


@pytest.mark.parametrize("name", READ)
def test_what_calamine_reads_alike_is_read_by_it(name):
    assert _cells_both_ways(_hand_made(READ[name])) == [("台账", True)]


@pytest.mark.parametrize("text", ["<t> a b </t>", "<t>\n  x\n</t>", "<r><t> a</t></r><r><rPr/><t>b </t></r>", "<t>a </t >", "<t\n>a </t>",
                                  '<t xml:space="default"> c </t>', "<t>a&#10;</t>", "<t>&#32;a</t>",
                                  '<t xml:space="preserve">a&#x5F;x000D_b</t>', "<t>a_&#x78;0041_b</t>"])
def test_text_calamine_would_trim_or_decode_is_left_to_the_expat_reader(text):
    """Spaces it trims, written or as character references, and _xHHHH_ escapes written with a reference."""
    for rows, strings in (('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', (text,)),
                          (f'<row r="1"><c r="A1" t="inlineStr"><is>{text}</is></c></row>', ("x",))):
        book = xlsx.Workbook(_hand_made(rows, strings=strings, preserve=False), "x.xlsx")
        assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


@pytest.mark.parametrize("text", ["<t>a b</t>", '<t xml:space="preserve"> a\n </t>', "<t>\u3000全角空格\u3000</t>", "<t/>"])
def test_text_calamine_keeps_as_written_is_read_by_it(text):
    for rows, strings in (('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', (text,)),
                          (f'<row r="1"><c r="A1" t="inlineStr"><is>{text}</is></c></row>', ("x",))):
        assert _cells_both_ways(_hand_made(rows, strings=strings, preserve=False)) == [("台账", True)]


def test_the_phonetic_guide_of_a_shared_string_is_left_out_both_ways():
    rich = '<r><t>漢</t></r><rPh sb="0" eb="1"><t>かん</t></rPh><r><t>字</t></r>'
    data = _hand_made('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=(rich,))
    book = xlsx.Workbook(data, "x.xlsx")
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0).rows == [(1, ["漢字"])]


def test_a_small_sheet_is_left_to_the_expat_reader_and_a_large_one_read_by_calamine(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic_xlsx import write_xlsx_ledger

    ledger = write_xlsx_ledger(tmp_path, 3000)
    book = xlsx.Workbook(ledger.path.read_bytes(), "x.xlsx")
    assert xlsx.read_fast(book, book.sheets[0]) is None  # under FAST_FROM_BYTES
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) == book.read(book.sheets[0])
    assert_same_reading(_loaded_both_ways(monkeypatch, ledger.path))


@pytest.mark.parametrize("chunk", [4096, 4099, 65536])
def test_a_sheet_scanned_in_many_chunks_is_read_by_calamine_wherever_a_chunk_ends(tmp_path, monkeypatch, chunk):
    """A tag cut at the end of a chunk (a cell reference, a number) is whole in the next: never a reason to decline."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic_xlsx import write_xlsx_ledger

    ledger = write_xlsx_ledger(tmp_path, 3000)
    monkeypatch.setattr(xlsx, "_CHUNK", chunk)
    book = xlsx.Workbook(ledger.path.read_bytes(), "x.xlsx")
    cells = xlsx.read_fast(book, book.sheets[0], min_bytes=0)
    assert cells is not None and cells == book.read(book.sheets[0])


def test_excel_s_line_break_after_the_xml_declaration_is_read_by_calamine():
    """Excel and WPS write CR LF after every part's declaration: a CR there is not text (a CR in text declines)."""
    data = _hand_made('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>7</v></c></row>', prolog=_EXCEL_PROLOG,
                      strings=('<r><rPr><sz val="11"/><rFont val="宋体"/></rPr><t>关于</t></r><r><t>修路</t></r>'
                               '<phoneticPr fontId="1" type="noConversion"/>',), preserve=False)
    assert _cells_both_ways(data) == [("台账", True)]
    assert xlsx.Workbook(data, "x.xlsx").read(xlsx.Workbook(data, "x.xlsx").sheets[0]).rows == [(1, ["关于修路", 7])]
    data = _hand_made('<row r="1"><c r="A1" t="inlineStr"><is><t>a\rb</t></is></c></row>', prolog=_EXCEL_PROLOG)
    assert _cells_both_ways(data) == [("台账", False)]


def _padded(cell: str, before: int) -> str:
    """``before`` plain rows, then a row holding ``cell`` (row ``before + 1``)."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, before + 1))
    return rows + f'<row r="{before + 1}">{cell}</row>'


@pytest.mark.parametrize("chunk", range(256, 1024, 37))
def test_what_a_long_tag_or_text_cut_at_a_chunk_s_end_hides_is_still_declined(monkeypatch, chunk):
    """A cell start tag, or a text, longer than what the scan once kept of a chunk for the next (64 bytes): the
    inline string in a shared-string cell, or the trailing space calamine trims, must be seen wherever a chunk ends."""
    monkeypatch.setattr(xlsx, "_CHUNK", chunk)
    long_tag = f'<c r="A31" t="s" x14ac:note="{"x" * 200}"><is><t>q</t></is></c>'
    long_text = "<t>" + "关于修缮老旧小区的建议" * 12 + " </t>"
    for data in (_hand_made(_padded(long_tag, 30)),
                 _hand_made('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=("x" * 900, long_text),
                            preserve=False)):
        book = xlsx.Workbook(data, "x.xlsx")
        assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


@pytest.mark.parametrize("chunk", range(256, 1024, 37))
def test_long_row_tags_are_read_by_calamine_wherever_a_chunk_ends(monkeypatch, chunk):
    monkeypatch.setattr(xlsx, "_CHUNK", chunk)
    row = ('<row r="{n}" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" '
           'collapsed="false"><c r="A{n}" s="0" t="s"><v>0</v></c><c r="B{n}" s="1"><v>4535{n}</v></c></row>')
    data = _hand_made("".join(row.format(n=n) for n in range(1, 40)), strings=("关于",), prolog=_EXCEL_PROLOG)
    assert _cells_both_ways(data) == [("台账", True)]


def _declaring(encoding: str, root: str, codec: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="{encoding}"?>{root}'.encode(codec or encoding)


@pytest.mark.parametrize("part", ["sheet", "strings"])
@pytest.mark.parametrize("encoding, codec", [("ISO-8859-1", ""), ("windows-1252", ""), ("GB18030", ""),
                                             ("UTF-16", ""), ("UTF-8", "utf-16")])
def test_a_part_not_in_utf_8_is_left_to_the_expat_reader(part, encoding, codec):
    """expat decodes what a part declares; calamine reads UTF-8 only (or decodes otherwise): never compared."""
    sheet = f'{_WORKSHEET}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>caf\xe9 ' \
            '关于</t></is></c></row></sheetData></worksheet>'
    strings = f'<sst xmlns="{_MAIN}"><si><t>caf\xe9 关于</t></si></sst>'
    if encoding.startswith("ISO") or encoding.startswith("windows"):
        sheet, strings = sheet.replace(" 关于", ""), strings.replace(" 关于", "")
    utf8 = (sheet.encode(), strings.encode())
    encoded = (_declaring(encoding, sheet, codec), _declaring(encoding, strings, codec))
    book = xlsx.Workbook(_package(*((encoded[0], utf8[1]) if part == "sheet" else (utf8[0], encoded[1]))), "x.xlsx")
    if encoding in ("ISO-8859-1", "windows-1252", "UTF-16"):  # decoded by the expat reader (GB18030 it refuses)
        text = "café 关于" if "关于" in sheet else "café"
        assert book.read(book.sheets[0]).rows == [(1, [text, text])]
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


def test_a_nul_byte_after_the_first_chunk_is_left_to_the_expat_reader(monkeypatch):
    monkeypatch.setattr(xlsx, "_CHUNK", 512)
    data = _hand_made(_padded('<c r="A41" t="inlineStr"><is><t>a\x00b</t></is></c>', 40))
    book = xlsx.Workbook(data, "x.xlsx")
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


@pytest.mark.parametrize("strings", [
    '<x:sst xmlns:x="{main}"><x:si><x:t> a </x:t></x:si></x:sst>',  # calamine trims the prefixed <x:t>: "a"
    '<sst xmlns="{main}" xmlns:x="{main}"><si><x:t>a </x:t></si></sst>',
    '<sst xmlns="{main}" xmlns:x="{main}"><si><r><x:t>a</x:t></r><x:rPh sb="0" eb="1"><x:t>b</x:t></x:rPh></si></sst>',
])
def test_prefixed_elements_in_the_shared_strings_are_left_to_the_expat_reader(strings):
    data = _package(f"{_WORKSHEET}<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData>"
                    "</worksheet>".encode(), strings.format(main=_MAIN).encode())
    book = xlsx.Workbook(data, "x.xlsx")
    assert book.read(book.sheets[0]).rows[0][1][0] in (" a ", "a ", "a")
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


def test_a_column_with_a_date_format_and_a_dimension_as_large_as_excel_s_grid_read_alike():
    """Excel's <cols> style a column (its cells keep their own format) and <dimension> may name the whole grid."""
    sheet = (f'{_WORKSHEET}<dimension ref="A1:XFD1048576"/><cols><col min="1" max="1" style="1" width="10"/></cols>'
             '<sheetData><row r="1"><c r="A1"><v>45356</v></c></row></sheetData></worksheet>')
    data = _package(sheet.encode(), f'<sst xmlns="{_MAIN}"/>'.encode())
    assert _cells_both_ways(data) == [("台账", True)]


def _with_parts(data: bytes, changes: dict[str, bytes]) -> bytes:
    """``data`` with some parts replaced or added (``changes``: zip member → its bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            if name not in changes:
                archive.writestr(name, source.read(name))
        for name, content in changes.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_shared_strings_and_styles_elsewhere_than_calamine_looks_are_left_to_the_expat_reader():
    """calamine reads xl/sharedStrings.xml and xl/styles.xml whatever the relationships name: a workbook whose
    relationships name other parts, beside decoys at the usual names, gave 'decoy' and a number for a date there."""
    data = _hand_made('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45356</v></c></row>',
                      strings=("real",))
    source = zipfile.ZipFile(io.BytesIO(data))
    rels = source.read("xl/_rels/workbook.xml.rels").replace(b'Target="sharedStrings.xml"', b'Target="strings2.xml"') \
        .replace(b'Target="styles.xml"', b'Target="styles2.xml"')
    styles = source.read("xl/styles.xml")
    moved = _with_parts(data, {"xl/_rels/workbook.xml.rels": rels, "xl/strings2.xml": source.read("xl/sharedStrings.xml"),
                               "xl/styles2.xml": styles,
                               "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}"><si><t>decoy</t></si></sst>'.encode(),
                               "xl/styles.xml": styles.replace(b'numFmtId="14"', b'numFmtId="0"')})
    book = xlsx.Workbook(moved, "x.xlsx")
    assert book.read(book.sheets[0]).rows == [(1, ["real", dt.datetime(2024, 3, 5)])]
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None


def test_two_sheets_of_one_name_are_left_to_the_expat_reader():
    """calamine finds a sheet by its name: the first of two of one name, whichever the loader reads."""
    data = _hand_made('<row r="1"><c r="A1"><v>1</v></c></row>')
    source = zipfile.ZipFile(io.BytesIO(data))
    workbook = source.read("xl/workbook.xml").replace(
        b"</sheets>", '<sheet name="台账" sheetId="2" r:id="rId9"/></sheets>'.encode())
    rels = source.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
    sheet2 = f'{_WORKSHEET}<sheetData><row r="1"><c r="A1"><v>2</v></c></row></sheetData></worksheet>'.encode()
    book = xlsx.Workbook(_with_parts(data, {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels,
                                            "xl/worksheets/sheet2.xml": sheet2}), "x.xlsx")
    assert book.read(book.sheets[1]).rows == [(1, [2])]
    assert [xlsx.read_fast(book, sheet, min_bytes=0) for sheet in book.sheets] == [None, None]


def test_shared_strings_declaring_more_than_they_hold_are_left_to_the_expat_reader(tmp_path):
    """calamine reserves memory for the uniqueCount the shared strings declare: four billion aborted the process
    (not an exception: the kernel dies). Run in a child process under a memory limit, so a regression fails here."""
    data = _package(f'{_WORKSHEET}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
                    .encode(), f'<sst xmlns="{_MAIN}" count="1" uniqueCount="4000000000"><si><t>a</t></si></sst>'.encode())
    path = tmp_path / "declared.xlsx"
    path.write_bytes(data)
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
              "from analysis import xlsx; book = xlsx.Workbook(open(sys.argv[1], 'rb').read(), 'x'); "
              "print(xlsx.read_fast(book, book.sheets[0], min_bytes=0), book.read(book.sheets[0]).rows)")
    import subprocess

    run = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.strip() == "None [(1, ['a'])]"


@pytest.mark.parametrize("written", ['date1904="1"', 'date1904="true"', 'date1904="0"', 'date1904="TRUE"',
                                     'date1904="True"', 'date1904="1"/><workbookPr date1904="0"'])
def test_the_date_system_is_read_alike_or_left_to_the_expat_reader(written):
    """The 1904 date system as Excel (1) and LibreOffice (true) write it reads alike; written otherwise ("TRUE", which
    calamine read as the 1900 system: every date four years and a day early), the expat reader reads it."""
    data = _hand_made('<row r="1"><c r="A1" s="1"><v>45356</v></c></row>')
    workbook = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").replace(
        b"<bookViews>", f"<workbookPr {written}/><bookViews>".encode())
    data = _with_parts(data, {"xl/workbook.xml": workbook})
    found = _cells_both_ways(data)
    assert found == [("台账", written in ('date1904="1"', 'date1904="true"', 'date1904="0"'))]


_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
_STRINGS = f'<sst xmlns="{_MAIN}"><si><t>x</t></si></sst>'
NOT_WELL_FORMED = {  # (sheet, shared strings): what the expat reader refuses as a damaged file and calamine read
    "a < in an attribute before the rows": (f'{_WORKSHEET}<sheetPr codeName="a<b"/><sheetData>{_ROW}</sheetData>'
                                            '</worksheet>', _STRINGS),
    "a bare & before the rows": (f'{_WORKSHEET}<sheetPr codeName="a & b"/><sheetData>{_ROW}</sheetData></worksheet>',
                                 _STRINGS),
    "an attribute twice before the rows": (f'{_WORKSHEET}<sheetPr codeName="a" codeName="b"/><sheetData>{_ROW}'
                                           '</sheetData></worksheet>', _STRINGS),
    "an element after the root": (f'{_WORKSHEET}<sheetData>{_ROW}</sheetData></worksheet><x/>', _STRINGS),
    "the root not closed": (f'{_WORKSHEET}<sheetData>{_ROW}</sheetData>', _STRINGS),
    "an undeclared prefix on a row attribute": (f'{_WORKSHEET}<sheetData><row r="1" foo:x="1"><c r="A1" t="s"><v>0</v>'
                                                '</c></row></sheetData></worksheet>', _STRINGS),
    "Excel's row prefix undeclared": (f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1" x14ac:dyDescent="0.2">'
                                      '<c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>', _STRINGS),
    "a reference to U+FFFE in a cell": (f'{_WORKSHEET}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&#xFFFE;'
                                        '</t></is></c></row></sheetData></worksheet>', _STRINGS),
    "a reference to U+FFFF in a shared string": (f'{_WORKSHEET}<sheetData>{_ROW}</sheetData></worksheet>',
                                                 _STRINGS.replace("<t>x", "<t>x&#65535;")),
}


@pytest.mark.parametrize("name", NOT_WELL_FORMED)
def test_xml_the_expat_reader_refuses_is_left_to_it(name):
    """The whitelist vouches for the rows; what is around them is parsed by expat as the expat reader parses it."""
    sheet, strings = NOT_WELL_FORMED[name]
    book = xlsx.Workbook(_package(sheet.encode(), strings.encode()), "x.xlsx")
    with pytest.raises(FileFormatError):
        book.read(book.sheets[0])
    assert xlsx.read_fast(book, book.sheets[0], min_bytes=0) is None
