"""Write the second hostile corpus (issue 14): files as they come from many offices, one fault or oddity each.

Small files are committed beside this script (``python tests/data/hostile/make_hostile_files.py``
writes them, ``--check`` verifies the committed bytes); what is large or cannot live in git (a
10 MB cell, 100,000 columns, two million styled empty cells, a named pipe, a symbolic link loop,
a device, a folder, an unreadable file) is made at test time by ``generated(folder)``. What each
file must give is in ``tests/data/corpus.yaml``.
"""
from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import re
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bad"))
from make_corpus import GOOD_ROW, LEDGER_HEADER, _figures, _ledger, _stable_xlsx, write_or_check  # noqa: E402

ROW2 = "S-002,十九届人大一次会议,关于建桥的建议,国际港务区,B类,已办结,2024-03-05,2024-04-02,基本满意"
HEADER = LEDGER_HEADER.split(",")


# ---------------------------------------------------------------------------------------
# Text files
# ---------------------------------------------------------------------------------------


def text_files() -> dict[str, bytes]:
    """The CSV-like members: name → bytes."""
    two = _ledger(GOOD_ROW, ROW2)
    files = {
        # UTF-16 as Excel's "Unicode text" and other tools save it, with and without a byte-order mark
        "utf16_le_bom.csv": codecs.BOM_UTF16_LE + two.encode("utf-16-le"),
        "utf16_be_bom.csv": codecs.BOM_UTF16_BE + two.encode("utf-16-be"),
        "utf16_le_no_bom.csv": two.encode("utf-16-le"),
        "utf16_be_no_bom.csv": two.encode("utf-16-be"),
        # a header typed in one encoding and rows pasted from an export in another
        "utf8_header_gbk_rows.csv": (LEDGER_HEADER + "\n").encode("utf-8") + (GOOD_ROW + "\n" + ROW2 + "\n").encode("gbk"),
        "gbk_header_utf8_rows.csv": (LEDGER_HEADER + "\n" + GOOD_ROW + "\n").encode("gbk") + (ROW2 + "\n").encode("utf-8"),
        # NUL bytes: one inside a cell, and padding after the last line (some exporters do)
        "nul_in_cell.csv": _ledger(GOOD_ROW, ROW2.replace("关于建桥", "关于\x00建桥")).encode("utf-8"),
        "nul_padding.csv": two.encode("utf-8") + b"\x00" * 6,
        # the header below blank lines, and below title rows: 29 read, 31 too many
        "blank_lines_before_header.csv": ("\n" * 40 + two).encode("utf-8"),
        "title_rows_29.csv": ("".join(f"某区代表建议办理情况（第{i}行说明）\n" for i in range(1, 30)) + two).encode("utf-8"),
        "title_rows_31.csv": ("".join(f"某区代表建议办理情况（第{i}行说明）\n" for i in range(1, 32)) + two).encode("utf-8"),
        "no_known_header.csv": "序号,事项,单位\n1,修路,区政府\n2,建桥,区政府\n".encode("utf-8"),
        "semicolon_delimited.csv": two.replace(",", ";").encode("utf-8"),
        # what some systems' "export to Excel" writes, under the names users give it
        "html_named.csv": "<html><body><table><tr><td>建议编号</td><td>标题</td></tr></table></body></html>\n".encode(),
        "html_saved_as.xls": ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8">'
                              "</head><body><table><tr><td>建议编号</td><td>标题</td><td>承办主体</td></tr>"
                              "<tr><td>S-001</td><td>关于修路的建议</td><td>区政府</td></tr></table></body></html>\n"
                              ).encode("utf-8"),
        "spreadsheetml_2003.xls": ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
                                   'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="台账">'
                                   "</Worksheet></Workbook>\n").encode("utf-8"),
        "tsv_saved_as.xls": two.replace(",", "\t").encode("gbk"),
        "gzip_named.csv": b"\x1f\x8b\x08\x00" + bytes(range(1, 200)),
        # no guessed values (issue 14 item 4)
        "outcome_two_classes.csv": _ledger(GOOD_ROW, ROW2.replace("B类", "A类/B类"),
                                           GOOD_ROW.replace("S-001", "S-003").replace("A类", "A、C"),
                                           GOOD_ROW.replace("S-001", "S-004").replace("A类", "B-部分解决；另A"),
                                           GOOD_ROW.replace("S-001", "S-005").replace("A类", "正在解决或列入计划解决"),
                                           ).encode("utf-8"),
        "session_decimal.csv": _ledger(GOOD_ROW.replace("十九届人大一次会议", "19.10"),
                                       ROW2.replace("十九届人大一次会议", "19.1")).encode("utf-8"),
        # sessions of any size, and a standing-committee meeting, which is no plenary session (analysis/sessions.py)
        "session_100th.csv": _ledger(GOOD_ROW.replace("十九届人大一次会议", "第100届第1次会议"),
                                     ROW2.replace("十九届人大一次会议", "第一百届人民代表大会第一次会议")).encode("utf-8"),
        "standing_committee_meeting.csv": _ledger(GOOD_ROW.replace("十九届人大一次会议", "十九届人大常委会第十五次会议"),
                                                  ROW2).encode("utf-8"),
        "dates_read.csv": _ledger(GOOD_ROW.replace("2024-03-05", "二〇二四年三月五日"),
                                  ROW2.replace("2024-03-05", "2024.3.5").replace("2024-04-02", "二○二四年四月二日")
                                  ).encode("utf-8"),
        "dates_two_digit_year.csv": _ledger(GOOD_ROW.replace("2024-03-05", "24-3-5"), ROW2).encode("utf-8"),
        "dates_year_last.csv": _ledger(GOOD_ROW, ROW2.replace("2024-04-02", "05/04/2024")).encode("utf-8"),
        "dates_no_day.csv": _ledger(GOOD_ROW.replace("2024-03-05", "2024年3月"), ROW2).encode("utf-8"),
        "figures_count_with_space.csv": _figures("十八届人大一次会议,2022,区政府,handled,,1 51,,,,一、基本情况,").encode(),
        "figures_count_unit_inside.csv": _figures("十八届人大一次会议,2022,区政府,handled,,1人5,,,,一、基本情况,").encode(),
        "figures_count_bad_commas.csv": _figures("十八届人大一次会议,2022,区政府,handled,,\"1,2\",,,,一、基本情况,").encode(),
        "figures_count_thousands.csv": _figures("十八届人大一次会议,2022,,received,,\"1,234\",,,,一、基本情况,").encode(),
        # dates as some systems export them: with the weekday (read when it is that date's: 2024-03-05 was a Tuesday),
        # and without the year (refused by name)
        "dates_weekday_no_year.csv": _ledger(GOOD_ROW.replace("2024-03-05", "2024/3/5 星期二").replace("2024-04-01",
                                                                                                  "2024年4月1日（周一）"),
                                             ROW2.replace("2024-04-02", "2024-04-02 星期三"),
                                             GOOD_ROW.replace("S-001", "S-003").replace("2024-04-01", "4月1日")
                                             ).encode("utf-8"),
        # satisfaction kept as the deputies' scores (测评分数), as some offices rate: named, never banded by a guess
        "satisfaction_scores.csv": _ledger(GOOD_ROW[: GOOD_ROW.rindex(",")] + ",95",
                                           ROW2[: ROW2.rindex(",")] + ",78分").encode("utf-8"),
        # a Vietnamese report copied as printed (U17, branch ux6): 2.293 kiến nghị (a point between thousands) and
        # 8,79% (a decimal comma): each named as such, never read as 2.293 or as 879
        "figures_vietnamese_numbers.csv": _figures(
            ",,,received,,2.293,,,,Ban Dân nguyện 2019,",
            ",,,outcome,đã được giải quyết xong,191,\"8,79\",,,Ban Dân nguyện 2019,").encode(),
        # names as offices write them (issue 14 item 5): every separator, suffixes, a padded name
        "cosigners_separators.csv": (
            "建议编号,届次,标题,承办主体,领衔代表,附议代表\n"
            "S-1,十九届人大一次会议,关于张三反映的修路问题,区政府,王五（区人大代表）,\"张三、李四，赵六,钱七；孙八;周九\"\n"
            "S-2,十九届人大一次会议,关于吴十和郑一的建议,区政府,冯二,吴十/郑一|陈三及褚四和卫五\n"
            "S-3,十九届人大一次会议,关于蒋六　沈七联名的建议,区政府,韩　八,蒋六 沈七　杨九（市人大代表）\n"
        ).encode("utf-8"),
    }
    return files


# ---------------------------------------------------------------------------------------
# Workbooks and other binary files
# ---------------------------------------------------------------------------------------


def _workbook(sheets: list[tuple[str, list[list]]], *, states: dict[str, str] | None = None, active: int = 0,
              epoch_1904: bool = False):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        ws.sheet_state = (states or {}).get(name, "visible")
    wb.active = active
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    return wb


def _edit(xlsx: bytes, edits: dict[str, object]) -> bytes:
    """The workbook with parts replaced (bytes), changed (a function of the bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            edit = edits.get(info.filename, data)
            if edit is None:
                continue
            data = edit(data) if callable(edit) else edit
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 7, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def _declared_size(xlsx: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size in its central-directory entry declared as ``size``."""
    name = member.encode()
    at = xlsx.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", xlsx, at + 28)[0]
        if xlsx[at + 46:at + 46 + length] == name:
            return xlsx[:at + 24] + struct.pack("<I", size) + xlsx[at + 28:]
        at = xlsx.find(b"PK\x01\x02", at + 4)
    raise KeyError(member)


def _sheet(xml_edit):
    return {"xl/worksheets/sheet1.xml": xml_edit}


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding ``streams`` in its root storage."""
    sector, end, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    data_sectors, chains, next_sector = [], [], 2  # sector 0: FAT, sector 1: directory
    for payload in streams.values():
        payload = payload.ljust(max(4096, -(-len(payload) // sector) * sector), b"\0")  # regular sectors, not mini
        count = len(payload) // sector
        chains.append((next_sector, count, len(payload)))
        data_sectors.append(payload)
        next_sector += count
    fat = [fat_mark, end]
    for start, count, _ in chains:
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    names = list(streams)
    entries = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for index, (name, (start, _, size)) in enumerate(zip(names, chains), start=1):
        entries.append(entry(name, 2, free, index + 1 if index < len(names) else free, start, size))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(data_sectors)


def binary_files() -> dict[str, bytes]:
    """The workbooks and other binary members: name → bytes."""
    good, row2 = GOOD_ROW.split(","), ROW2.split(",")
    stale = [["S-OLD", "十八届人大三次会议", "去年的旧数据（不应读入）", "区政府", "C类", "已办结", "2023-03-05", "2023-04-01", "满意"]]
    ledger = [HEADER, good, row2]
    files = {}
    # hidden sheets are never read unasked; the sheet shown on opening is (issue 14 item 2)
    files["hidden_first_sheet.xlsx"] = _stable_xlsx(_workbook([("旧台账", [HEADER, *stale]), ("台账", ledger)],
                                                              states={"旧台账": "hidden"}, active=1))
    files["very_hidden_sheet.xlsx"] = _stable_xlsx(_workbook([("备份", [HEADER, *stale]), ("台账", ledger)],
                                                             states={"备份": "veryHidden"}, active=1))
    files["only_hidden_ledger.xlsx"] = _stable_xlsx(_workbook([("填表说明", [["请按表头填写"]]), ("台账", ledger)],
                                                              states={"台账": "hidden"}))
    files["active_second_sheet.xlsx"] = _stable_xlsx(_workbook([("2023年", [HEADER, *stale]), ("2024年", ledger)],
                                                               active=1))
    files["several_ledger_sheets.xlsx"] = _stable_xlsx(_workbook([("台账", ledger), ("去年", [HEADER, *stale])]))
    wb = _workbook([("台账", ledger)])
    chart = wb.create_chartsheet("图表", 0)
    chart.sheet_state = "visible"
    wb.active = 0
    files["chart_sheet_active.xlsx"] = _stable_xlsx(wb)
    files["all_sheets_hidden.xlsx"] = _edit(_stable_xlsx(_workbook([("台账", ledger)])), {
        "xl/workbook.xml": lambda x: x.replace(b'state="visible"', b'state="hidden"')})
    # files that only look like workbooks
    files["encrypted.xlsx"] = _compound_file({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200,
                                              "EncryptedPackage": bytes(range(256)) * 20})
    files["old_biff8.xls"] = _compound_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 600})
    files["word_named.xls"] = _compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 600})
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        info = zipfile.ZipInfo("mimetype", date_time=(2024, 7, 1, 9, 0, 0))
        archive.writestr(info, "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", date_time=(2024, 7, 1, 9, 0, 0)), "<office:document/>")
    files["spreadsheet.ods"] = ods.getvalue()
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        for name in ("[Content_Types].xml", "word/document.xml"):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 7, 1, 9, 0, 0)), "<x/>")
    files["docx_named.xlsx"] = docx.getvalue()
    xlsb = io.BytesIO()
    with zipfile.ZipFile(xlsb, "w") as archive:
        for name in ("[Content_Types].xml", "xl/workbook.bin"):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 7, 1, 9, 0, 0)), b"\0\1\2")
    files["xlsb_named.xlsx"] = xlsb.getvalue()
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr(zipfile.ZipInfo("台账.csv", date_time=(2024, 7, 1, 9, 0, 0)), _ledger(GOOD_ROW))
    files["plain_zip.xlsx"] = plain.getvalue()
    # a workbook named .csv: read as the workbook it is
    files["xlsx_named.csv"] = _stable_xlsx(_workbook([("台账", ledger)]))
    # far cells, sizes and XML a workbook never holds
    base = _stable_xlsx(_workbook([("台账", ledger)]))
    far_value = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    files["stray_cell_xfd.xlsx"] = _edit(base, _sheet(lambda x: x.replace(b"</sheetData>", far_value)))
    files["stray_empty_xfd.xlsx"] = _edit(base, _sheet(lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')))
    files["row_beyond_excel.xlsx"] = _edit(base, _sheet(lambda x: x.replace(
        b"</sheetData>", b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')))
    files["declared_bomb.xlsx"] = _declared_size(base, "xl/worksheets/sheet1.xml", 3 << 30)
    spaces = _edit(base, _sheet(lambda x: x.replace(b"</sheetData>", b" " * (100 << 20) + b"</sheetData>")))
    files["ratio_bomb.xlsx"] = spaces
    files["lying_size.xlsx"] = _declared_size(spaces, "xl/worksheets/sheet1.xml", 4000)
    files["doctype_entity.xlsx"] = _edit(base, _sheet(
        lambda x: b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' + x))
    files["missing_sheet_part.xlsx"] = _edit(base, {"xl/worksheets/sheet1.xml": None})
    files["no_workbook_part.xlsx"] = _edit(base, {"xl/workbook.xml": None})
    shared = _with_shared_strings(base)
    files["shared_strings.xlsx"] = shared  # as Excel writes text: an index into xl/sharedStrings.xml
    files["shared_string_out_of_range.xlsx"] = _edit(shared, _sheet(
        lambda x: re.sub(rb'(<c r="C2"[^>]*t="s"[^>]*><v>)\d+(</v>)', rb"\g<1>9999\2", x, count=1)))
    # values as Excel keeps them
    numeric_session = _workbook([("台账", [HEADER, [*good[:1], 19.1, *good[2:]], row2])])
    files["numeric_session.xlsx"] = _stable_xlsx(numeric_session)
    dated = _workbook([("台账", [HEADER, [*good[:6], dt.datetime(2024, 3, 5), dt.datetime(2024, 4, 1), good[8]],
                                 [*row2[:6], dt.datetime(2024, 3, 5), dt.datetime(2024, 4, 2), row2[8]]])])
    for cell in ("G2", "G3"):
        dated["台账"][cell].number_format = 'yyyy"年"m"月"d"日"'
    files["cjk_date_formats.xlsx"] = _edit(_stable_xlsx(dated), {"xl/styles.xml": _builtin_chinese_date_format})
    files["date1904.xlsx"] = _stable_xlsx(_workbook([("台账", [
        HEADER, [*good[:6], dt.datetime(2024, 3, 5), dt.datetime(2024, 4, 1), good[8]]])], epoch_1904=True))
    files["inline_rich_string.xlsx"] = _edit(base, _sheet(lambda x: re.sub(
        rb'<c r="C2"([^>]*) t="inlineStr"><is><t>[^<]*</t></is></c>',
        '<c r="C2"\\1 t="inlineStr"><is><r><t>关于修缮</t></r><r><rPr><b/></rPr><t xml:space="preserve">狄寨街道老旧小区</t>'
        '</r><r><t>的建议</t></r><rPh sb="0" eb="2"><t>guānyú</t></rPh></is></c>'.encode(), x, count=1)))
    return files


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>')


def _with_shared_strings(xlsx: bytes) -> bytes:
    """The workbook with its text cells as Excel writes them: indexes into a shared-strings part.

    The title in C2 becomes a rich string in three runs with a phonetic guide (which is not text).
    """
    strings: list[bytes] = []

    def index(match: re.Match) -> bytes:
        strings.append(match[3])
        return b'<c r="' + match[1] + b'"' + match[2] + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = _INLINE.sub(index, archive.read("xl/worksheets/sheet1.xml"))
    items = [b"<si><t>" + text + b"</t></si>" for text in strings]
    title = strings.index("关于修缮狄寨街道老旧小区的建议".encode("ascii", "xmlcharrefreplace"))
    items[title] = ('<si><r><t>关于修缮</t></r><r><rPr><b/></rPr><t xml:space="preserve">狄寨街道老旧小区</t></r>'
                    '<r><t>的建议</t></r><rPh sb="0" eb="2"><t>guānyú</t></rPh></si>').encode()
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main" count="' + str(len(items)).encode() + b'" uniqueCount="'
           + str(len(items)).encode() + b'">' + b"".join(items) + b"</sst>")
    relation = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument'
                b'.spreadsheetml.sharedStrings+xml"/></Types>')
    edited = _edit(xlsx, {"xl/worksheets/sheet1.xml": sheet,
                          "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", relation),
                          "[Content_Types].xml": lambda x: x.replace(b"</Types>", override)})
    out = io.BytesIO(edited)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        fixed = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2024, 7, 1, 9, 0, 0))
        fixed.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(fixed, sst)
    return out.getvalue()


def _builtin_chinese_date_format(styles: bytes) -> bytes:
    """Point the custom 年月日 format at Excel's built-in Chinese date format 31, written without its code."""
    custom = re.search(rb'<numFmt numFmtId="(\d+)" formatCode="[^"]*"/>', styles)
    number = custom[1]
    styles = styles.replace(custom[0], b"")
    return styles.replace(b'numFmtId="' + number + b'"', b'numFmtId="31"')


# ---------------------------------------------------------------------------------------
# Review round: classes the corpus above did not hold
# ---------------------------------------------------------------------------------------

UNIT_HEADER = "建议编号,届次,标题,承办主体,主办单位,办理结果,办理状态,交办日期,答复日期,代表满意度"


def _unit_row(number: str, unit: str = "区城管局", session: str = "十九届人大一次会议", outcome: str = "A类",
              satisfaction: str = "满意", assigned: str = "2024-03-05", reply: str = "2024-04-01") -> str:
    return f"{number},{session},关于第{number[-1]}件事的建议,区政府,{unit},{outcome},已办结,{assigned},{reply},{satisfaction}"


def review_text_files() -> dict[str, bytes]:
    """CSV members of the review round: name → bytes."""
    r = _unit_row
    figures_head = "session,year,handler,measure,category,count,percent,base,assumption,source,note\n" \
                   "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
    texts = {
        # one unit written three ways that look alike: plain, with a zero-width space, with a right-to-left override
        "unit_invisible_twins.csv": _ledger(r("S-001"), r("S-002", unit="区城管局\u200b"),
                                            r("S-003", unit="区城\u202e管局"), header=UNIT_HEADER),
        # the same id twice in one session, once with a zero-width space pasted in
        "id_zero_width_duplicate.csv": _ledger(r("S-001"), r("S-001\u200b"), header=UNIT_HEADER),
        # the same id in two sessions: two suggestions, not a duplicate
        "same_id_two_sessions.csv": _ledger(r("S-001"), r("S-001", session="十九届人大二次会议", assigned="2025-03-05",
                                                          reply="2025-04-01"), header=UNIT_HEADER),
        # the same id in one session written two ways (full name and short name): a duplicate
        "session_two_spellings_duplicate.csv": _ledger(r("S-001", session="第十九届人民代表大会第一次会议"), r("S-001"),
                                                       header=UNIT_HEADER),
        # sessions in their shortest forms
        "session_short_form.csv": _ledger(r("S-001", session="十八届二次"), r("S-002", session="18届2次"),
                                          header=UNIT_HEADER),
        # ideographic spaces (U+3000) around a class and a satisfaction level
        "ideographic_space_values.csv": _ledger(r("S-001", outcome="\u3000A类\u3000", satisfaction="\u3000满意\u3000"),
                                                header=UNIT_HEADER),
        # a title with a line break inside quotes (CR LF), the next row keeps its row number
        "multiline_title.csv": _ledger(r("S-001"), '"S-002",十九届人大一次会议,"关于修路\r\n（第二行）的建议",区政府,'
                                                   "区城管局,B类,已办结,2024-03-05,2024-04-02,基本满意",
                                       header=UNIT_HEADER),
        # dates with a time of day, as databases export them
        "dates_with_time.csv": _ledger(r("S-001", assigned="2024-03-05 00:00:00", reply="2024/4/1 14:30"),
                                       r("S-002", assigned="2024-03-05T09:00", reply="2024-04-02 00:00"),
                                       header=UNIT_HEADER),
        # header cells typed with Alt+Enter line breaks
        "header_line_breaks.csv": _ledger(r("S-001"), header=UNIT_HEADER.replace("建议编号", '"建议\n编号"')
                                          .replace("代表满意度", '"代表\r\n满意度"')),
        # a year written 2024年 in the year column
        "year_with_suffix.csv": _ledger(r("S-001") + ",2024年", header=UNIT_HEADER + ",年度"),
        # published figures: a doubled percent sign (read), a negative zero, a fraction, a count in Chinese numerals
        "figures_percent_double_sign.csv": figures_head + "十九届人大一次会议,2027,区政府,outcome,A,52,52%%,,,t,\n",
        "figures_negative_zero.csv": figures_head + "十九届人大一次会议,2027,区政府,outcome,C,-0,0,,,t,\n",
        "figures_percent_fraction.csv": figures_head + "十九届人大一次会议,2027,区政府,outcome,A,52,52/100,,,t,\n",
        "figures_count_chinese_numeral.csv": figures_head.replace(",100,", ",一百,"),
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    # a UTF-8 byte-order mark before GBK bytes (a GBK export given a BOM by another tool)
    files["bom_then_gbk.csv"] = codecs.BOM_UTF8 + _ledger(r("S-001"), r("S-002"), header=UNIT_HEADER).encode("gbk")
    return files


def review_binary_files() -> dict[str, bytes]:
    """Workbook members of the review round: name → bytes."""
    header = UNIT_HEADER.split(",")
    files = {}
    # dates typed as text with full-width digits and Chinese or dotted separators
    files["text_dates_fullwidth.xlsx"] = _stable_xlsx(_workbook([("台账", [
        header, ["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "２０２４－０３－０５",
                 "２０２４年４月１日", "满意"],
        ["S-002", "十九届人大一次会议", "关于建桥的建议", "区政府", "区城管局", "B类", "已办结", "2024.3.5", "２０２４/４/２",
         "基本满意"]])]))
    # a header over two rows: 日期 merged over 交办日期 and 答复日期, the other header cells merged downwards
    book = _workbook([("台账", [
        ["建议编号", "届次", "标题", "承办主体", "主办单位", "办理结果", "办理状态", "日期", None, "代表满意度"],
        [None, None, None, None, None, None, None, "交办日期", "答复日期", None],
        ["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05", "2024-04-01",
         "满意"]])])
    for column in "ABCDEFGJ":
        book["台账"].merge_cells(f"{column}1:{column}2")
    book["台账"].merge_cells("H1:I1")
    files["merged_header_cells.xlsx"] = _stable_xlsx(book)
    # the sheet shown on opening is empty; the ledger is on the next visible sheet
    files["empty_active_sheet.xlsx"] = _stable_xlsx(_workbook([("说明", []), ("台账", [
        header, ["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05",
                 "2024-04-01", "满意"]])]))
    # an id stored as a number and the same id as text; another as the float Excel gives
    files["numeric_and_text_ids.xlsx"] = _stable_xlsx(_workbook([("台账", [
        header, [101, "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05", "2024-04-01",
                 "满意"],
        ["101", "十九届人大一次会议", "关于建桥的建议", "区政府", "区城管局", "B类", "已办结", "2024-03-05", "2024-04-02",
         "满意"],
        [102.0, "十九届人大一次会议", "关于修桥的建议", "区政府", "区城管局", "B类", "已办结", "2024-03-05", "2024-04-02",
         "满意"]])]))
    return files


# ---------------------------------------------------------------------------------------
# Review round 3: ledgers as other offices export them
# ---------------------------------------------------------------------------------------


def office_text_files() -> dict[str, bytes]:
    """CSV members of the third review round: name → bytes."""
    r = _unit_row
    texts = {
        # headings with a bracketed note: a unit, a format, the lead unit told from the co-units (kept unknown)
        "headers_annotated.csv": _ledger(
            "S-001,十九届人大一次会议,关于修路的建议,区政府,区交通局,区财政局,A类,已办结,2024年3月5日,2024年4月1日,满意,是",
            "S-002,十九届人大一次会议,关于建桥的建议,国际港务区,港务区建设局,,B类,已办结,2024年3月5日,2024年4月2日,基本满意,否",
            header="建议编号（号）,届次,标题,承办主体,承办单位（主办）,承办单位（协办）,办理结果(A/B/C类),办理状态,"
                   "交办日期（年月日）,答复日期（年月日）,代表满意度（对办理工作）,是否重点督办（是/否）"),
        # ="001": what systems write into a CSV so that Excel keeps leading zeros and dates as text
        "excel_text_wrapped.csv": _ledger(
            '="001",十九届人大一次会议,关于修路的建议,区政府,区城管局,A类,已办结,="2024-03-05",="2024-04-01",满意,="2024"',
            '="002",十九届人大一次会议,"=""关于建桥""的建议",区政府,区城管局,B类,已办结,2024-03-05,2024-04-02,基本满意,2024',
            header=UNIT_HEADER + ",年度"),
        # one scheme's classes written five ways: 甲类, a lower-case letter, full-width letters, a space before 类
        "classes_mixed_writings.csv": _ledger(r("S-001", outcome="甲类"), r("S-002", outcome="a"),
                                              r("S-003", outcome="Ａ类"), r("S-004", outcome="ｂ"),
                                              r("S-005", outcome="C 类"), header=UNIT_HEADER),
        # dates as a database writes them (20240305) and as Excel serials saved as text
        "dates_compact_and_serial.csv": _ledger(r("S-001", assigned="20240305", reply="20240401"),
                                                r("S-002", assigned="45356", reply="45383"), header=UNIT_HEADER),
        # a subtotal row between the records, its label in the second column
        "subtotal_second_column.csv": _ledger(r("S-001"), ",小计：区政府,,,,,,,,", r("S-002"), header=UNIT_HEADER),
        # the form's signature lines under the records
        "footer_signature.csv": _ledger(r("S-001"), r("S-002"), "填表人：张三,,审核人：李四,,,,,,,",
                                        "填报日期：2024年5月6日,,,,,,,,,", header=UNIT_HEADER),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def office_binary_files() -> dict[str, bytes]:
    """Workbook members of the third review round: name → bytes."""
    header = UNIT_HEADER.split(",")
    rows = [["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05", "2024-04-01", "满意"],
            ["S-002", "十九届人大一次会议", "关于建桥的建议", "区政府", "区城管局", "B类", "已办结", "2024-03-05", "2024-04-02", "满意"],
            ["S-003", "十九届人大一次会议", "关于修桥的建议", "国际港务区", "港务区建设局", "C类", "已办结", "2024-03-05", "2024-04-02",
             "基本满意"]]
    files = {}
    # a filter that hides a row (国际港务区): every row is a record, hidden or not
    book = _workbook([("台账", [header, *rows])])
    book["台账"].auto_filter.ref = "A1:J4"
    book["台账"].auto_filter.add_filter_column(3, ["区政府"])
    book["台账"].row_dimensions[4].hidden = True
    files["filtered_rows.xlsx"] = _stable_xlsx(book)
    # the session and body merged down over the rows that share them, as a printed ledger is laid out
    merged = [rows[0], [None if c in (1, 3) else v for c, v in enumerate(rows[1])],
              [None if c == 1 else v for c, v in enumerate(rows[2])]]
    book = _workbook([("台账", [header, *merged])])
    book["台账"].merge_cells("B2:B4")
    book["台账"].merge_cells("D2:D3")
    files["merged_data_cells.xlsx"] = _stable_xlsx(book)
    return files


# ---------------------------------------------------------------------------------------
# Review round 4: what rv3 left refused without naming it
# ---------------------------------------------------------------------------------------


def round4_text_files() -> dict[str, bytes]:
    """CSV members of the fourth review round: name → bytes."""
    r = _unit_row
    texts = {
        # ids written twice with and without a space, in two cases, full-width: flagged with both rows, never merged;
        # the same id with and without a space in two sessions is two suggestions
        "id_spacing_case_duplicate.csv": _ledger(
            r("S 002"), r("S002"), r("s-003"), r("Ｓ-００３"), r("S 004"),
            r("S004", session="十九届人大二次会议", assigned="2025-03-05", reply="2025-04-01"), header=UNIT_HEADER),
        # satisfaction as three tick columns, one tick a row (√, ✓, and none for a suggestion still being handled)
        "satisfaction_ticks.csv": _ledger(
            r("S-001", satisfaction="√,,"), r("S-002", satisfaction=",✓,"), r("S-003", satisfaction=",,√"),
            r("S-004", satisfaction=",,").replace(",已办结,", ",办理中,").replace("2024-04-01", ""),
            header=UNIT_HEADER.replace("代表满意度", "满意,基本满意,不满意")),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def round4_binary_files() -> dict[str, bytes]:
    """Workbook members of the fourth review round: name → bytes."""
    header = UNIT_HEADER.split(",")
    rows = [["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05", "2024-04-01", "满意"],
            ["S-002", "十九届人大一次会议", "关于建桥的建议", "区政府", "区城管局", "B类", "已办结", "2024-03-05", "2024-04-02", "满意"]]
    files = {}
    # last year's outcomes kept in a hidden column K headed like the live one
    book = _workbook([("台账", [header + ["办理结果"], *(r + [old] for r, old in zip(rows, ["C类", "C类"]))])])
    book["台账"].column_dimensions["K"].hidden = True
    files["hidden_duplicate_column.xlsx"] = _stable_xlsx(book)
    # the form's signature block under the records: labels in one cell and names in the next, a date, a stamp line
    files["footer_signature_cells.xlsx"] = _stable_xlsx(_workbook([("台账", [
        header, *rows, [], ["制表人：", "张三", None, "审核人：", "李四", None, None, "日期：2024年5月6日"],
        ["单位（盖章）："]])]))
    # three tick columns with two ticks in a row and a word that is no tick
    ticks = header[:-1] + ["满意", "基本满意", "不满意"]
    files["satisfaction_ticks_ambiguous.xlsx"] = _stable_xlsx(_workbook([("台账", [
        ticks, rows[0][:-1] + ["√", "√", None], rows[1][:-1] + [None, "较好", None]])]))
    # a remark under the records: read past with a warning naming it (round 5; it was refused as a blank record)
    files["footer_remark.xlsx"] = _stable_xlsx(_workbook([("台账", [
        header, *rows, ["备注：以上建议均已办结", None, None, None, None, None, None, None, None, None]])]))
    return files


# ---------------------------------------------------------------------------------------
# Review round 5: left-overs of round 4, and new ways files break
# ---------------------------------------------------------------------------------------


def round5_text_files() -> dict[str, bytes]:
    """CSV members of the fifth review round: name → bytes."""
    r = _unit_row
    texts = {
        # one session's ledger in two files, its ids spelled differently: "S 001"/"S001" and "s-002"/"S-002" may be one
        # suggestion each (flagged naming both files); S-003/S-03, S1/S11 and "S 004" (another session) are different
        "ids_across_files_a.csv": _ledger(r("S 001"), r("s-002"), r("S-003"), r("S1"), r("S 004"), header=UNIT_HEADER),
        "ids_across_files_b.csv": _ledger(
            r("S001"), r("S-002"), r("S-03"), r("S11"),
            r("S004", session="十九届人大二次会议", assigned="2025-03-05", reply="2025-04-01"), header=UNIT_HEADER),
        # remarks and signature lines without a colon under the records: read past, each named in one warning
        "footer_remarks_unsigned.csv": _ledger(
            r("S-001"), r("S-002"), ",,,,,,,,,", "注：1.本表截至2024年12月20日,,,,,,,,,", "说明：满意度以代表反馈表为准,,,,,,,,,",
            "制表人 张三,,审核人,李四,,,,,,", "填报单位（盖章）,,,,,,,,,", header=UNIT_HEADER),
        # a last record whose title starts like a remark is a record; a remark between records is checked as one
        "remark_like_last_record.csv": _ledger(
            r("S-001"), r("S-002"), r("S-003").replace("关于第3件事的建议", "说明：关于第3件事的建议"), header=UNIT_HEADER),
        "remark_between_records.csv": _ledger(r("S-001"), "备注：以下为闭会期间提出的建议,,,,,,,,,", r("S-002"),
                                              header=UNIT_HEADER),
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    # two exports joined with `copy /b` or `cat`: the second one's byte-order mark and header in the middle of the file
    # long numeric ids Excel showed as 2.02403E+11 and saved so in a CSV: their digits are lost
    files["ids_scientific.csv"] = _ledger(r("2.02403E+11"), r("2.02403E+11"), r("202403050003"), r("2E05"),
                                          header=UNIT_HEADER).encode("utf-8")
    files["exports_joined.csv"] = ("\ufeff" + _ledger(r("S-001"), r("S-002"), header=UNIT_HEADER) + "\ufeff"
                                   + _ledger(r("S-003"), r("S-004"), header=UNIT_HEADER)).encode("utf-8")
    return files


def round5_binary_files() -> dict[str, bytes]:
    """Workbook members of the fifth review round: name → bytes."""
    header = UNIT_HEADER.split(",")
    row = ["S-001", "十九届人大一次会议", "关于修路的建议", "区政府", "区城管局", "A类", "已办结", "2024-03-05", "2024-04-01", "满意"]
    later = ["S-101", "十九届人大一次会议", "关于建桥的建议", "区政府", "区城管局", "B类", "已办结", "2024-06-05", "2024-07-01", "满意"]
    files = {}
    # a second table below the first in one sheet: a blank row, its title, the same header, its records
    files["second_table_below.xlsx"] = _stable_xlsx(_workbook([("台账", [header, row, [], ["闭会期间提出的建议"], header, later])]))
    # the feedback form's layout: 代表满意度 merged over three columns, 满意 | 基本满意 | 不满意 in the row below it
    book = _workbook([("台账", [header + [None, None], [None] * 9 + ["满意", "基本满意", "不满意"],
                               row[:9] + ["√", None, None], later[:9] + [None, "√", None]])])
    for letter in "ABCDEFGHI":
        book["台账"].merge_cells(f"{letter}1:{letter}2")
    book["台账"].merge_cells("J1:L1")
    files["satisfaction_ticks_two_row_header.xlsx"] = _stable_xlsx(book)
    return files


def round6_text_files() -> dict[str, bytes]:
    """CSV members of the sixth review round (ledgers from other offices): name → bytes."""
    r = _unit_row
    summary = [",,,,,,,,,", "各单位办理情况汇总,,,,,,,,,", "承办单位,建议数,A类,B类,C类,办结率,,,,", "区政府,2,1,1,0,100%,,,,",
               "合计,2,1,1,0,100%,,,,"]
    texts = {
        # outcome labels offices write for a class: 解决类, 留作参考类, "A 类", Ａ, a description after the code
        "outcome_labels_offices.csv": _ledger(
            r("S-001", outcome="解决类"), r("S-002", outcome="留作参考类"), r("S-003", outcome="A 类"),
            r("S-004", outcome="Ａ"), r("S-005", outcome="已解决和基本解决"), r("S-006", outcome="C类（因条件限制留作参考）"),
            header=UNIT_HEADER),
        # a code whose description names another class, and 正在解决 (in progress or planned: two classes of four)
        "outcome_code_contradicts.csv": _ledger(
            r("S-001", outcome="A类（留作参考）"), r("S-002", outcome="B类已解决"), r("S-003", outcome="正在解决"),
            header=UNIT_HEADER),
        # dates typed with Excel's apostrophe to keep them as text; and one whose rest is no date
        "apostrophe_values.csv": _ledger(r("S-001", assigned="'2024-03-05", reply="'2024年4月1日"), r("S-002"),
                                         header=UNIT_HEADER),
        "apostrophe_not_a_value.csv": _ledger(r("S-001", assigned="'下周"), r("S-002"), header=UNIT_HEADER),
        # a summary table pasted under the ledger in the same sheet, and a total line in other words
        "summary_table_below.csv": _ledger(r("S-001"), r("S-002"), *summary, header=UNIT_HEADER),
        "total_other_words.csv": _ledger(r("S-001"), r("S-002"), "全区合计,,2,,,,,,,", header=UNIT_HEADER),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def committed() -> dict[str, bytes]:
    """Every committed member: name → bytes."""
    return {**text_files(), **binary_files(), **review_text_files(), **review_binary_files(), **office_text_files(),
            **office_binary_files(), **round4_text_files(), **round4_binary_files(), **round5_text_files(),
            **round5_binary_files(), **round6_text_files()}


# ---------------------------------------------------------------------------------------
# Made at test time
# ---------------------------------------------------------------------------------------


def _styled_empty_cells(rows: int, columns: int = 26) -> bytes:
    """A ledger workbook whose sheet has ``rows`` × ``columns`` styled empty cells below the data."""
    base = _stable_xlsx(_workbook([("台账", [HEADER, GOOD_ROW.split(",")])]))
    letters = [chr(65 + i) for i in range(columns)]

    def fill(xml: bytes) -> bytes:
        body = b"".join(f'<row r="{r}">'.encode() + b"".join(f'<c r="{c}{r}" s="0"/>'.encode() for c in letters)
                        + b"</row>" for r in range(3, 3 + rows))
        return xml.replace(b"</sheetData>", body + b"</sheetData>")

    return _edit(base, _sheet(fill))


def generated(folder: Path) -> dict[str, Path]:
    """Write the files not committed into ``folder``: name → path (some are pipes, links, folders)."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}

    def write(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        made[name] = folder / name

    write("cell_10mb.csv", _ledger(GOOD_ROW, ROW2.replace("关于建桥的建议", "长" * 10_000_000)).encode("utf-8"))
    write("columns_100000.csv", (",".join(f"列{i}" for i in range(100_000)) + "\n1,2\n").encode("utf-8"))
    write("styled_empty_cells.xlsx", _styled_empty_cells(80_000))  # 2.1 million empty cells, about 4 MB
    write("unreadable.csv", _ledger(GOOD_ROW).encode("utf-8"))
    (folder / "unreadable.csv").chmod(0)
    (folder / "folder.csv").mkdir(exist_ok=True)
    made["folder.csv"] = folder / "folder.csv"
    os.mkfifo(folder / "fifo.csv")
    made["fifo.csv"] = folder / "fifo.csv"
    os.symlink("loop.csv", folder / "loop.csv")
    made["loop.csv"] = folder / "loop.csv"
    os.symlink("nowhere.csv", folder / "dangling.csv")
    made["dangling.csv"] = folder / "dangling.csv"
    os.symlink("/dev/zero", folder / "device.csv")
    made["device.csv"] = folder / "device.csv"
    return made


def main(argv: list[str] | None = None) -> int:
    """Write the committed members beside this script, or with --check report those that differ."""
    return write_or_check(committed(), HERE, "tests/data/hostile/make_hostile_files.py", argv,
                          __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
