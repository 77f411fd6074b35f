"""Write DataFrames to .xlsx safely: no formula injection, Chinese headers, fixed bytes.

Staff open these workbooks in Excel and send them upward, so a cell must never run
anything: text that Excel (or a later CSV round trip) would read as a formula — it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is written with a leading
apostrophe, the OWASP "CSV injection" remedy, and always as a text cell. Characters XML
cannot hold are replaced by U+FFFD and over-long text is cut at Excel's cell limit.

The same frames give the same bytes: the workbook's created/modified properties and the
zip entries' timestamps come from ``build_time()`` (``SOURCE_DATE_EPOCH`` when set, for
reproducible builds) instead of the wall clock that openpyxl would use. Files are written
atomically (temp file in the same folder, then ``os.replace``), so a reader never sees a
half-written workbook where a good one stood.

numpy and pandas are not imported here: the runner's workers write every report's workbook from
its table payloads (plain lists) and import neither. A numpy or pandas value can only exist once
its library is imported, so the checks for such values look in ``sys.modules`` first.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import os
import re
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .errors import ConfigError
from .files import build_time, write_atomic
from .labels import NOT_APPLICABLE, UNKNOWN, yes_no
from .rounding import P_FLOOR, round_half_up

if TYPE_CHECKING:
    import pandas as pd

# A text cell starting with one of these is read as a formula by Excel or by the CSV import
# of Excel / LibreOffice (tab and CR can smuggle a formula past naive checks).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_MAX_CHARS = 32767  # Excel refuses longer cells
MAX_COLUMN_WIDTH = 60  # characters; longer text wraps instead of making one huge column
MIN_COLUMN_WIDTH = 6
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_ZIP_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can carry
_HEADER_FILL = PatternFill("solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="FF808080"))
_NOTE_FILL = PatternFill("solid", start_color="FFFFF4CE", end_color="FFFFF4CE")  # the pages' banner colours
_NOTE_COLOUR = "FF4D2D00"
_MARKS = frozenset({NOT_APPLICABLE, *UNKNOWN.values()})


def neutralise_text(text: str) -> str:
    """Text made safe for a cell: illegal characters replaced, cut to Excel's limit, formulas defused."""
    text = _ILLEGAL_XML.sub("\ufffd", text)
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    if len(text) > EXCEL_CELL_MAX_CHARS:
        text = text[: EXCEL_CELL_MAX_CHARS - 1] + "…"
    return text


def display_width(text: str) -> int:
    """Width of text in a fixed-width grid: CJK and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def is_null(value: object) -> bool:
    """True for None, pandas NA, NaT and a float NaN: what a workbook leaves empty and the ledger hash writes null.

    Whitespace-only text is not null here (``normalize.is_blank`` decides that when loading):
    a written cell keeps what the frame holds.
    """
    pd = sys.modules.get("pandas")
    return value is None or (pd is not None and (value is pd.NA or value is pd.NaT)) \
        or (isinstance(value, float) and math.isnan(value))


def python_scalar(value: object) -> object:
    """A numpy scalar as the Python one (a datetime64 as a pandas Timestamp); any other value as it is."""
    np = sys.modules.get("numpy")
    if np is None:
        return value
    if isinstance(value, np.datetime64):
        import pandas as pd

        return pd.Timestamp(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def cell_value(value: object, lang: str = "zh") -> object:
    """A Python/pandas value as openpyxl should store it (None for blanks, 是/否 for booleans)."""
    if is_null(value):
        return None
    if isinstance(value, Formatted):
        return value
    numbers = getattr(value, "numbers", None)
    if isinstance(value, str) and numbers and len(numbers) == 1:  # a labels.Shown of one number: 10% is 0.1
        return formatted(dataclasses.asdict(numbers[0]))
    value = python_scalar(value)
    if isinstance(value, float) and math.isnan(value):  # a numpy float32/float16 NaN, unwrapped
        return None
    if isinstance(value, bool):
        return yes_no(value, "en" if lang == "en" else "zh")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no time zones: store UTC wall time
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if value.time() == dt.time(0):
            return value.date()
        return value
    if isinstance(value, dt.date):
        return value
    return neutralise_text(str(value))


def safe_sheet_name(name: str, taken: set[str] | None = None, suffix: str = "") -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters with ``suffix`` kept whole, unique among ``taken``."""
    suffix = _SHEET_NAME_BAD.sub("_", suffix)[:15]
    base = (_SHEET_NAME_BAD.sub("_", str(name)).strip("'") or "Sheet")[: 31 - len(suffix)]
    candidate, number = base + suffix, 2
    while taken is not None and candidate.lower() in {t.lower() for t in taken}:
        counter = f" ({number})"
        candidate = base[: 31 - len(counter) - len(suffix)] + counter + suffix
        number += 1
    return candidate


@dataclass(frozen=True)
class Formatted:
    """A number with the Excel number format that shows it as the report prints it (0.523 in 0.0% is 52.3%)."""

    value: int | float
    number_format: str
    text: str  # as printed, to size its column


def number_format(kind: str, decimals: int | None = 0, suffix: str = "") -> str:
    """Excel's number format of a count, a percent, a decimal or a p-value printed with ``decimals`` digits, then ``suffix``.

    ``number_format("percent", 1)`` is ``0.0%``; a suffix is shown as written:
    ``number_format("count", 0, "（推算）")`` is ``0"（推算）"`` (the cell stays the number 172).
    A p-value's format has a condition, as the pages print it: ``number_format("p", 3)`` is
    ``[<0.001]"< 0.001";0.000``, so the cell holds the p-value itself and shows < 0.001 below 0.001.
    """
    if kind == "p":
        return f'[<{P_FLOOR}]"< {P_FLOOR}";' + number_format("decimal", decimals, suffix)
    if kind == "count":
        code = "0"
    elif decimals is None:
        code = "0%" if kind == "percent" else "General"
    else:
        code = "0" + ("." + "0" * decimals if decimals else "") + ("%" if kind == "percent" else "")
    return code + (f'"{suffix.replace(chr(34), "")}"' if suffix else "")


def formatted(number: Mapping) -> Formatted:
    """A printed cell's number (``report.json_value``'s ``numbers`` item; absent fields keep ``labels.Number``'s
    defaults) as a workbook cell."""
    kind, decimals, suffix = number.get("kind", "count"), number.get("decimals", 0), number.get("suffix", "")
    value = number["value"]
    if kind == "p":
        text = f"< {P_FLOOR}" if value < P_FLOOR else str(round_half_up(value, decimals))
    elif kind == "count":
        text = str(int(value))
    elif kind == "percent":
        text = f"{value * 100:.{decimals or 0}f}%"
    else:
        text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return Formatted(int(value) if kind == "count" else float(value), number_format(kind, decimals, suffix),
                     text + suffix)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Formatted):
        return value.text
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


def _column_width(header: str, values: list[object]) -> float:
    lines = [header]
    for value in values[:2000]:  # enough rows to judge, bounded for big tables
        lines.extend(_cell_text(value).split("\n"))
    widest = max(display_width(line) for line in lines)
    return float(min(MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, widest + 2)))


@dataclass(frozen=True)
class Cells:
    """A sheet's cells column by column, as a workbook is written from them: a frame's, or a table payload's."""

    names: list[str]
    columns: list[list[object]]  # one list of cells per name, each as long as the sheet has rows
    note: str = ""  # what the page prints under the table (a caveat, a base not compared): under it here too

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> "Cells":
        """A DataFrame's columns as lists of its values."""
        return cls(list(frame.columns), [frame[column].tolist() for column in frame.columns])


def _fill_sheet(ws, cells: Cells, headers: Mapping[str, str], lang: str, note: str = "") -> None:
    if note:  # a first row saying what the sheet is (sample data), above the header row
        ws.append([neutralise_text(note)])
        ws["A1"].font = Font(bold=True, color=_NOTE_COLOUR)
        ws["A1"].fill = _NOTE_FILL
        ws["A1"].data_type = "s"
    header_row = ws.max_row + 1 if note else 1
    titles = [neutralise_text(str(headers.get(column, column))) for column in cells.names]
    ws.append(titles)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(vertical="center")
    columns = [[cell_value(v, lang) for v in values] for values in cells.columns]
    for row in zip(*columns):
        ws.append([v.value if isinstance(v, Formatted) else v for v in row])
    for index, values in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = _column_width(titles[index - 1], values)
        ws.column_dimensions[letter].width = width
        wrap = width >= MAX_COLUMN_WIDTH
        for offset, value in enumerate(values, start=header_row + 1):
            cell = ws.cell(row=offset, column=index)
            if isinstance(value, Formatted):
                cell.number_format = value.number_format
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever openpyxl guessed
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{header_row + 1}"
    if cells.names:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cells.names))}{header_row + len(columns[0])}"
    if cells.note:  # after a blank row, so the table stays one block to select and paste; it runs across empty cells
        ws.append([])
        ws.append([neutralise_text(cells.note)])
        note_cell = ws.cell(row=ws.max_row, column=1)
        note_cell.data_type = "s"
        note_cell.font = Font(color=_NOTE_COLOUR)


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip archive (xlsx, docx, …) with every entry's timestamp and host system fixed."""
    stamp = max(when.replace(tzinfo=None), _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0  # same bytes on every OS
            fixed.external_attr = 0
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame | Cells] | pd.DataFrame,
    *,
    headers: Mapping[str, str] | None = None,
    lang: str = "zh",
    when: dt.datetime | None = None,
    title: str = "",
    note: str = "",
    sheet_suffix: str = "",
) -> bytes:
    """The .xlsx file holding ``sheets`` (name → frame or ``Cells``, in order), as bytes; no I/O.

    ``note`` (e.g. the sample-data banner) is the first row of every sheet, above its headers;
    ``sheet_suffix`` (e.g. （示例数据）) ends every sheet's name.
    """
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1" if lang == "en" else "数据": sheets}
    when = when or build_time()
    when = when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        sheet_name = safe_sheet_name(name, taken, suffix=sheet_suffix)
        taken.add(sheet_name)
        cells = frame if isinstance(frame, Cells) else Cells.of_frame(frame)
        _fill_sheet(book.create_sheet(sheet_name), cells, headers or {}, lang, note)
    if not sheets:
        book.create_sheet("Sheet1")
    naive = when.replace(tzinfo=None)
    book.properties.created = naive
    book.properties.modified = naive
    book.properties.creator = "suggestion-analytics"
    book.properties.lastModifiedBy = None
    if title:
        book.properties.title = neutralise_text(title)
    if note:
        book.properties.subject = neutralise_text(note)
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps the wall-clock time.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return fixed_zip(buffer.getvalue(), when)


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name} ({count})")
    return out


def xml_safe(node: Any) -> Any:
    """``node`` with every string's XML-illegal characters (ESC, BEL… a ledger may hold) replaced by U+FFFD."""
    if isinstance(node, str):
        return _ILLEGAL_XML.sub("\ufffd", node)
    if isinstance(node, list):
        return [xml_safe(item) for item in node]
    if isinstance(node, dict):
        return {xml_safe(key): xml_safe(value) for key, value in node.items()}
    return node


def _is_printed(cell: object) -> bool:
    return isinstance(cell, dict) and "numbers" in cell


def _date(text: object) -> object:
    """An ISO date (or date and time) of a payload's date column as a date; anything else as it is."""
    if not isinstance(text, str):
        return text
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if len(text) == 10 else moment


def payload_frame(table: Mapping) -> pd.DataFrame:
    """A table payload (``report.table_payload``) as a frame of workbook cells (``payload_cells`` as a DataFrame)."""
    import pandas as pd

    cells = payload_cells(table)
    rows = list(zip(*cells.columns)) if cells.columns else [() for _ in table["rows"]]
    return pd.DataFrame(rows, columns=cells.names, dtype=object)


def payload_cells(table: Mapping) -> Cells:
    """A table payload (``report.table_payload``) as workbook cells, column by column, reading no number out of text.

    A printed cell gives its numbers as ``Formatted`` cells; a column whose cells hold several
    numbers (86（66.7%）, 86.5% – 95.2%) becomes one column per number, named by the column and
    the number's header ("区政府 A类", "区政府 A类 占比"); a mark for no figure (暂缺, —: ``labels.UNKNOWN``,
    ``labels.NOT_APPLICABLE``) goes in each of them, other text in the first.
    Dates of the payload's date columns become dates.
    """
    columns, rows, dates = table["columns"], table["rows"], set(table.get("dates") or [])
    names: list[str] = []
    cells: list[list[object]] = []  # one list per column of the workbook
    for j, column in enumerate(columns):
        values = [row[j] if j < len(row) else None for row in rows]
        headers = list(dict.fromkeys(n.get("header", "") for v in values if _is_printed(v) for n in v["numbers"]))
        headers = headers or [""]
        names.extend(f"{column} {h}" if h else column for h in headers)
        split: list[list[object]] = [[None] * len(values) for _ in headers]
        for i, value in enumerate(values):
            if _is_printed(value):
                for number in value["numbers"]:
                    split[headers.index(number.get("header", ""))][i] = formatted(number)
            elif value in _MARKS:  # no figure (暂缺, —): each of the cell's columns says so, none is left blank
                for part in split:
                    part[i] = value
            else:
                split[0][i] = _date(value) if column in dates else value
        cells.extend(split)
    return Cells(_unique(names), cells, str(table.get("note") or ""))


def tables_xlsx(tables: list[dict], *, lang: str = "zh", when: dt.datetime | None = None, title: str = "",
                note: str = "", sheet_suffix: str = "", last: Mapping[str, Cells] | None = None) -> bytes:
    """One workbook, one sheet per table payload (``report.table_payload``), named by its title, then the sheets of
    ``last`` (e.g. where the figures come from); see ``xlsx_bytes``."""
    sheets: dict[str, Cells] = {}
    for table in tables:
        # a title may carry a ledger's control characters, which no sheet name (XML) can hold
        sheet = safe_sheet_name(xml_safe(table.get("title") or table["name"]), set(sheets))
        sheets[sheet] = payload_cells(xml_safe(table))
    for name, cells in (last or {}).items():
        sheets[safe_sheet_name(name, set(sheets))] = Cells(cells.names, xml_safe(cells.columns))
    return xlsx_bytes(sheets, lang=lang, when=when, title=title, note=note, sheet_suffix=sheet_suffix)


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: str | Path,
    *,
    headers: Mapping[str, str] | None = None,
    lang: str = "zh",
    when: dt.datetime | None = None,
    title: str = "",
) -> Path:
    """Write ``sheets`` to ``path`` as .xlsx, atomically; see ``xlsx_bytes`` for the content."""
    return write_atomic(path, xlsx_bytes(sheets, headers=headers, lang=lang, when=when, title=title))
