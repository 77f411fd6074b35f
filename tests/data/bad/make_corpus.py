"""Write the bad-input corpus: malformed ledgers and published-figures files, one fault each.

Run ``python tests/data/bad/make_corpus.py`` to (re)write the files beside this script, or
``--check`` to verify the committed files are exactly what it writes (the test does this).
Binary and XLSX files are built here rather than by hand; XLSX output is byte-stable (fixed
document and zip timestamps) so the check can compare bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_FIXED_TIME = dt.datetime(2024, 7, 1, 9, 0, 0)

LEDGER_HEADER = "建议编号,届次,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度"
GOOD_ROW = "S-001,十九届人大一次会议,关于修缮狄寨街道老旧小区的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意"
FIGURES_HEADER = "session,year,handler,measure,category,count,percent,base,assumption,source,note"


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _ledger(*rows: str, header: str = LEDGER_HEADER) -> str:
    return _lines(header, *rows)


def _figures(*rows: str) -> str:
    return _lines(FIGURES_HEADER, *rows)


def text_files() -> dict[str, bytes]:
    """The CSV (text) members of the corpus: name → bytes."""
    utf8 = {
        "missing_required_column.csv": _ledger(
            "S-001,十九届人大一次会议,关于修路的建议,A类,已办结,2024-03-05,2024-04-01,满意",
            header="建议编号,届次,标题,办理结果,办理状态,交办日期,答复日期,代表满意度"),
        "unknown_label.csv": _ledger(GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,国际港务区,D类,已办结,2024-03-05,2024-04-02,满意"),
        "duplicate_id.csv": _ledger(GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已办结,2024-03-05,2024-04-02,满意",
                                    "S-001,十九届人大一次会议,关于修路的建议,区政府,C类,已办结,2024-03-05,2024-04-03,满意"),
        "fullwidth_digits.csv": _ledger(
            "Ｓ－００１,十九届人大一次会议,关于修路的建议,区政府,Ａ类,已办结,２０２４－０３－０５,２０２４年４月１日,满意",
            "S-002,十九届人大一次会议,关于建桥的建议, 国际港务区 ,B,已办结,2024/3/5,2024.4.2, 基本满意 "),
        "empty.csv": "",
        "blank_lines_only.csv": "\n\n  \n",
        "header_only.csv": _ledger(),
        "total_row.csv": _ledger(GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已办结,2024-03-05,2024-04-02,满意",
                                 "合计,,2件,,,,,,"),
        "reply_before_assignment.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已办结,2024-03-05,2024-02-20,满意"),
        "impossible_date.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已办结,2024-02-30,2024-04-02,满意"),
        "unknown_status.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已完成,2024-03-05,2024-04-02,满意"),
        "unknown_satisfaction.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,B类,已办结,2024-03-05,2024-04-02,非常满意"),
        "completed_without_outcome.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,,已办结,2024-03-05,2024-04-02,满意"),
        "in_progress_blanks.csv": _ledger(
            GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,区政府,,办理中,2024-03-05,,"),
        "unknown_columns.csv": _ledger(GOOD_ROW + ",张三的备注", header=LEDGER_HEADER + ",经办人备注"),
        "bad_year.csv": _ledger(
            "S-001,十九届人大一次会议,关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意,二〇二四年",
            header=LEDGER_HEADER + ",年度"),
        "duplicate_column.csv": _ledger(GOOD_ROW + ",S-9", header=LEDGER_HEADER + ",编号"),
        "no_session.csv": _ledger("S-001,关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意",
                                  header="建议编号,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度"),
        "台账_十九届一次会议.csv": _ledger("S-001,关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意",
                                   header="建议编号,标题,承办主体,办理结果,办理状态,交办日期,答复日期,代表满意度"),
        "english_headers.csv": _lines(
            "suggestion_id,session,title,handler,outcome,status,assigned_date,reply_date,satisfaction",
            "S-001,19-1,Road repair,区政府,A,completed,2024-03-05,2024-04-01,satisfied"),
        "unbalanced_quote.csv": _ledger('S-001,十九届人大一次会议,"关于修路的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意',
                                        GOOD_ROW.replace("S-001", "S-002")),
        "too_many_errors.csv": _ledger(*(f"S-{i:03d},十九届人大一次会议,建议{i},区政府,X类,已办结,2024-03-05,2024-04-01,满意"
                                         for i in range(1, 251))),
        "figures_negative_count.csv": _figures(
            "十八届人大一次会议,2022,区政府,handled,,-5,,,,一、基本情况 第1段,"),
        "figures_percent_over_100.csv": _figures(
            "十八届人大二次会议,2023,区政府,outcome,A,79,152.3,,,一、基本情况 第2段,"),
        "figures_unknown_measure.csv": _figures(
            "十八届人大二次会议,2023,区政府,solved_rate,,,52.3,,,一、基本情况 第2段,"),
        "figures_non_numeric_count.csv": _figures(
            "十八届人大二次会议,2023,区政府,handled,,若干,,,,一、基本情况 第2段,"),
        "figures_bad_session.csv": _figures(
            "2023年第三季度,2023,区政府,handled,,151,,,,一、基本情况 第2段,"),
        "figures_missing_source.csv": _figures(
            "十八届人大二次会议,2023,区政府,handled,,151,,,,,"),
        "figures_fullwidth_percent.csv": _figures(
            "十八届人大二次会议,２０２３,区政府,outcome,A类,７９,５２．３％,,,一、基本情况 第2段,",
            "十八届人大二次会议,2023,,satisfied,,,90%以上,,,（示例）满意率90%以上,"),
    }
    files = {name: text.encode("utf-8") for name, text in utf8.items()}
    # GBK without a BOM, as Excel's plain "CSV" saves on a Chinese Windows: must load fine
    files["gbk_no_bom.csv"] = _ledger(GOOD_ROW, "S-002,十九届人大一次会议,关于建桥的建议,国际港务区,留作参考,已办结,2024-03-05,2024-04-02,基本满意").encode("gbk")
    # GB18030 beyond GBK (a rare character in a name)
    files["gb18030_rare_char.csv"] = _ledger(GOOD_ROW.replace("老旧小区", "䶮家村")).encode("gb18030")
    files["utf8_bom.csv"] = b"\xef\xbb\xbf" + _ledger(GOOD_ROW).encode("utf-8")
    # neither UTF-8 nor GB18030: 0x80 and 0xFF start no valid sequence in either
    files["undecodable.csv"] = _ledger(GOOD_ROW).encode("utf-8").replace("修缮".encode("utf-8"), b"\x80\xff\x80\xff")
    # a PNG picture renamed .csv, and NUL-laden binary renamed .csv
    files["picture_named.csv"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    files["binary_named.csv"] = bytes((i * 37) % 256 for i in range(2048)).replace(b"\x89", b"\x00")
    # an old-format Excel workbook (OLE2 header) and a text file named .xlsx
    files["old_format.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    files["text_named.xlsx"] = _ledger(GOOD_ROW).encode("utf-8")
    # random bytes without a NUL or a known signature (e.g. an encrypted export) renamed .csv
    rnd = random.Random(20240701)
    files["random_bytes.csv"] = bytes(rnd.randrange(1, 256) for _ in range(3000))
    # lines ending in \r\n, \n and a lone \r (files pasted together on different systems), and a
    # comma at the end of every line (an empty unnamed last column): must load with exact values
    ends = ["\r\n", "\n", "\r", "\r\n", "\n", "\r"]
    lines = LEDGER_HEADER.split("\n") + MIXED_ROWS
    files["mixed_line_endings.csv"] = "".join(f"{line},{end}" for line, end in zip(lines, ends)).encode("utf-8")
    return files


MIXED_ROWS = [
    "S-001,十九届人大一次会议,关于修缮狄寨街道老旧小区的建议,区政府,A类,已办结,2024-03-05,2024-04-01,满意",
    "S-002,十九届人大一次会议,关于建桥的建议,国际港务区,B类,已办结,2024-03-05,2024-04-02,基本满意",
    "S-003,十九届人大一次会议,关于绿化的建议,区政府,C类,已办结,2024-03-06,2024-04-03,不满意",
    "S-004,十九届人大一次会议,关于停车的建议,区政府,,办理中,2024-03-07,,",
    "S-005,十九届人大一次会议,关于路灯的建议,国际港务区,A,已办结,2024-03-08,2024-04-05,满意",
]


def big_ledger(rows: int = 100_000) -> bytes:
    """A ledger with errors on most rows (not committed: tests write it into a temporary folder).

    Row i (Excel row i + 2) has an unknown label X类 when i % 5 is 0 or 2, an impossible date
    when i % 7 == 0, an unknown satisfaction when i % 11 == 0, and every 2000th row repeats the
    id of the row before it.
    """
    lines = [LEDGER_HEADER]
    for i in range(rows):
        number = i - 1 if i % 2000 == 1999 else i
        label = "X类" if i % 5 in (0, 2) else "A类"
        assigned = "2024-02-30" if i % 7 == 0 else "2024-03-05"
        satisfaction = "非常满意" if i % 11 == 0 else "满意"
        lines.append(f"S-{number:06d},十九届人大一次会议,关于第{i}号建议,区政府,{label},已办结,{assigned},2024-04-01,"
                     f"{satisfaction}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _stable_xlsx(workbook) -> bytes:
    """The workbook as bytes with fixed timestamps, so regenerating gives the same file."""
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the current time on save
                text = data.decode("utf-8")
                start = text.find(">", text.find("<dcterms:modified")) + 1
                end = text.find("</dcterms:modified>")
                if start > 0 and end != -1:
                    text = text[:start] + "2024-07-01T09:00:00Z" + text[end:]
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 7, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def xlsx_files() -> dict[str, bytes]:
    """The XLSX members of the corpus: name → bytes."""
    import openpyxl

    header = LEDGER_HEADER.split(",")
    good = GOOD_ROW.split(",")
    files = {}

    # a merged title row above the header, dates as real dates and as Excel serials: loads
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["某区第十九届人民代表大会第一次会议代表建议办理情况台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header) - 1)
    ws.append([h for h in header if h != "届次"])
    ws.append(["S-001", "关于修路的建议", "区政府", "A类", "已办结", dt.datetime(2024, 3, 5), 45383, "满意"])
    ws.append(["S-002", "关于建桥的建议", "国际港务区", "列入规划", "已办结", "2024年3月5日", "2024/4/2", "比较满意"])
    files["merged_title.xlsx"] = _stable_xlsx(wb)

    # the data on a named sheet behind a cover sheet: needs --sheet 台账
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按表头填写，每行一条建议。"])
    ws = wb.create_sheet("台账")
    ws.append(header)
    ws.append(good)
    files["named_sheet.xlsx"] = _stable_xlsx(wb)

    # an xlsx with an unknown label and a stray total row (row numbers as seen in Excel)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某区第十九届人民代表大会第一次会议代表建议办理情况台账"])
    ws.append([])
    ws.append(header)
    ws.append(good)
    ws.append(["S-002", "十九届人大一次会议", "关于建桥的建议", "区政府", "丁类", "已办结", 45356, 45383, "满意"])
    ws.append(["总计", None, None, None, None, None, None, None, None])
    files["xlsx_errors.xlsx"] = _stable_xlsx(wb)

    # an empty workbook
    files["empty_sheet.xlsx"] = _stable_xlsx(openpyxl.Workbook())

    # formulas, as Excel saves them (each with its last result): a cover sheet, the ledger whose
    # id, outcome and reply date are formulas, and a summary sheet; needs --sheet 台账
    files["formulas.xlsx"] = _with_cached_values(_stable_xlsx(_formula_workbook(cover=True)), {
        "xl/worksheets/sheet2.xml": FORMULA_RESULTS,
        "xl/worksheets/sheet3.xml": {"B2": ("n", "2"), "B3": ("n", "1")},
    })
    # the same ledger written by a program that never calculated: formulas without results
    files["formulas_uncached.xlsx"] = _stable_xlsx(_formula_workbook(cover=False))
    # a failed formula (#REF!) and an error pasted as a value (#N/A, no formula)
    results = {**FORMULA_RESULTS, "E3": ("e", "#REF!")}
    files["formula_errors.xlsx"] = _with_cached_values(
        _stable_xlsx(_formula_workbook(cover=False, pasted_error="D4")), {"xl/worksheets/sheet1.xml": results})

    # a damaged workbook: valid zip, broken XML in a part (as after an interrupted copy)
    raw = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(files["named_sheet.xlsx"])) as src, zipfile.ZipFile(raw, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    files["damaged.xlsx"] = raw.getvalue()

    # the same damage in the sheet behind a cover sheet (read only when looking for the data)
    raw = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(files["named_sheet.xlsx"])) as src, zipfile.ZipFile(raw, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    files["damaged_second_sheet.xlsx"] = raw.getvalue()
    return files


# Excel's saved results of the formulas in _formula_workbook's ledger sheet: type and value
FORMULA_RESULTS = {
    "A2": ("str", "S-001"), "A3": ("str", "S-002"), "A4": ("str", "S-003"),
    "E2": ("str", "A类"), "E3": ("str", "B类"), "E4": ("str", "A类"),
    "H2": ("n", "45384"), "H3": ("n", "45385"), "H4": ("n", "45386"),
}


def _formula_workbook(*, cover: bool, pasted_error: str | None = None):
    """A ledger whose id (A), outcome (E) and reply date (H) are formulas, with a summary sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    if cover:
        wb.active.title = "填表说明"
        wb.active.append(["办理结果由“是否解决”列自动得出，请勿改动公式。"])
        ws = wb.create_sheet("台账")
    else:
        ws = wb.active
        ws.title = "台账"
    ws.append(LEDGER_HEADER.split(",") + ["是否解决"])
    for n, (title, handler, solved) in enumerate([("关于修路的建议", "区政府", "是"), ("关于建桥的建议", "区政府", "否"),
                                                  ("关于绿化的建议", "国际港务区", "是")], start=2):
        ws.append([f'="S-"&TEXT(ROW()-1,"000")', "十九届人大一次会议", title, handler, f'=IF(J{n}="是","A类","B类")',
                   "已办结", dt.datetime(2024, 3, 4 + n), f"=G{n}+27", "满意", solved])
    if pasted_error:
        ws[pasted_error] = "#N/A"
        ws[pasted_error].data_type = "e"
    summary = wb.create_sheet("汇总")
    summary.append(["承办主体", "件数"])
    summary.append(["区政府", '=COUNTIF(台账!D:D,"区政府")'])
    summary.append(["国际港务区", '=COUNTIF(台账!D:D,"国际港务区")'])
    return wb


def _with_cached_values(xlsx: bytes, results: dict[str, dict[str, tuple[str, str]]]) -> bytes:
    """Add saved formula results to sheets, as Excel would: part → cell → (type, value)."""
    raw = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            for ref, (kind, value) in results.get(info.filename, {}).items():
                pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?')
                cell_type = b"" if kind == "n" else b' t="' + kind.encode() + b'"'
                data, found = pattern.subn(lambda m: b'<c r="' + ref.encode() + b'"' + m[1] + cell_type + b"><f>" + m[2]
                                           + b"</f><v>" + value.encode() + b"</v>", data)
                assert found == 1, (info.filename, ref)
            dst.writestr(info, data)
    return raw.getvalue()


def corpus() -> dict[str, bytes]:
    """Every file of the corpus: name → bytes."""
    return {**text_files(), **xlsx_files()}


def write_or_check(files: dict[str, bytes], folder: Path, script: str, argv: list[str] | None,
                   description: str) -> int:
    """Write ``files`` into ``folder``, or with --check report those that differ (exit 1); a generator's main."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="only check that the committed files are current")
    args = parser.parse_args(argv)
    stale = []
    for name, data in files.items():
        path = folder / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
    if stale:
        print(f"out of date (run python {script}): " + ", ".join(stale))
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Write the corpus beside this script, or with --check report files that differ."""
    return write_or_check(corpus(), HERE, "tests/data/bad/make_corpus.py", argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
