"""The synthetic ledger (``benchmarks.synthetic``) as an XLSX workbook, written the way Excel saves one.

Excel keeps text in the shared strings (each distinct text once), gives every cell its reference
(``r="B7"``), saves a date as its serial number in a cell whose number format is a date (built-in
format 14) and writes CR LF after each part's XML declaration. So does this writer: the ids, names
and labels are shared strings, 年度 is a number, the three dates are serials with a date format, an
empty cell is left out. It streams the sheet into the zip chunk by chunk, so a million rows need the
memory of one chunk; never committed.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from analysis import schema

from .synthetic import DEFAULT_SEED, DEFAULT_SESSIONS, SyntheticLedger, ledger_chunks

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_DATE_FIELDS = {f.zh for f in schema.LEDGER_FIELDS if f.kind == "date"}
_NUMBER_FIELDS = {schema.LEDGER_BY_NAME["year"].zh}
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook {_NS} xmlns:r="{_REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    "xl/styles.xml": (  # cell format 0: General; 1: the built-in date format 14
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<styleSheet {_NS}>'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '</styleSheet>'),
}


def _letters(position: int) -> str:
    letters, position = "", position + 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(frame: pd.DataFrame, first_row: int, strings: dict[str, int]) -> list[np.ndarray]:
    """Each column's cells as XML (an empty string for an empty cell), row numbers from ``first_row``."""
    numbers = np.arange(first_row, first_row + len(frame)).astype(str).astype(object)
    out = []
    for position, name in enumerate(frame.columns):
        values = frame[name].to_numpy(dtype=object)
        ref = f'<c r="{_letters(position)}'
        empty = values == ""
        if name in _DATE_FIELDS:
            serials = (pd.to_datetime(pd.Series(values).where(~empty)).to_numpy().astype("datetime64[D]")
                       - _EXCEL_EPOCH).astype("timedelta64[D]").astype(np.int64).astype(str).astype(object)
            cells = ref + numbers + '" s="1"><v>' + serials + "</v></c>"
        elif name in _NUMBER_FIELDS:
            cells = ref + numbers + '"><v>' + values + "</v></c>"
        else:
            codes = np.array([strings.setdefault(v, len(strings)) for v in values], dtype=np.int64)
            cells = ref + numbers + '" t="s"><v>' + codes.astype(str).astype(object) + "</v></c>"
        out.append(np.where(empty, "", cells))
    return out


def write_xlsx_ledger(folder: str | Path, rows: int, *, seed: int = DEFAULT_SEED,
                      sessions: int = DEFAULT_SESSIONS) -> SyntheticLedger:
    """Write the synthetic ledger of ``rows`` suggestions (the same rows as the CSV) as one XLSX workbook in ``folder``."""
    path = Path(folder) / f"synthetic_ledger_{rows}_{sessions}s.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    strings: dict[str, int] = {}
    labels, handlers, units = {}, {}, set()
    header = {name: f.zh for name, f in schema.LEDGER_BY_NAME.items()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet {_NS}><sheetData>'
                        .encode())
            row_number = 1
            for frame in ledger_chunks(rows, seed=seed, sessions=sessions):
                if row_number == 1:
                    heads = "".join(f'<c r="{_letters(i)}1" t="s"><v>{strings.setdefault(h, len(strings))}</v></c>'
                                    for i, h in enumerate(frame.columns))
                    sheet.write(f'<row r="1">{heads}</row>'.encode())
                    row_number = 2
                columns = _cells(frame, row_number, strings)
                body = np.full(len(frame), "", dtype=object)
                for cells in columns:
                    body = body + cells
                starts = '<row r="' + np.arange(row_number, row_number + len(frame)).astype(str).astype(object) + '">'
                sheet.write("".join(starts + body + "</row>").encode())
                row_number += len(frame)
                labels.update(dict.fromkeys(frame[header["session"]]))
                handlers.update(dict.fromkeys(frame[header["handler"]]))
                units.update(frame[header["lead_unit"]].unique())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst {_NS} count="{len(strings)}" '
                         f'uniqueCount="{len(strings)}">'.encode())
            shared.write("".join(f"<si><t>{escape(text)}</t></si>" for text in strings).encode())
            shared.write(b"</sst>")
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return SyntheticLedger(files=(path,), rows=rows, sessions=tuple(labels), handlers=tuple(handlers),
                           lead_units=len(units), seed=seed, bytes=path.stat().st_size, sha256=digest.hexdigest())
