"""Read an XLSX workbook as a user sees it in Excel, within a budget; tell other files apart by their bytes.

Why not openpyxl: its read-only mode pads every row to the widest one and yields an empty row for
each missing row number, so one stray cell at XFD1048576 becomes a million rows of 16,384 cells;
its check for formulas without a saved result needs a second pass. This reader streams each sheet
from the zip through expat and keeps only the cells that hold something.

The budget, checked before anything is decompressed: the sizes each zip entry declares
(``zipfile`` never yields more than an entry declares, and fails on a CRC mismatch, so the
declaration bounds the work) — a sheet's XML at most ``MAX_SHEET_XML``, the shared strings at most
``MAX_STRINGS_XML``, the small parts at most ``MAX_SMALL_PART``. A zip bomb is refused by its
declaration in milliseconds. Sheet XML is decompressed and parsed in chunks of ``_CHUNK`` bytes,
never whole; self-closing empty cells and rows (styled but empty: Excel writes millions of them
when a whole column is formatted) are dropped from each chunk by a regular expression in C before
the XML parser sees them. A cell holding a value beyond ``MAX_COLUMNS`` is refused naming the cell
(a ledger has a few dozen columns; no frame of 16,384 columns is ever built); empty cells there are
ignored. No part may declare a DOCTYPE (entity expansion is refused, not performed).

Values are what Excel shows and saved: shared and inline strings (phonetic runs left out),
numbers (int when written without a fraction or exponent), booleans, dates (numbers in a cell
whose number format is a date, including the Chinese built-in formats 27–31, 36, 50–58, and the
1904 date system), ISO dates (``t="d"``), and formula results. A formula without a saved result
and an error value (#REF!, #N/A …) are ``Fault``s, not values.

``identify`` names what a file is from its bytes: an XLSX/XLSM workbook, a password-protected
workbook (an OLE compound file holding ``EncryptedPackage``), an old .xls (BIFF), a Word document,
an OpenDocument spreadsheet (.ods), a binary workbook (.xlsb), a web page or SpreadsheetML 2003 file
saved with an .xls name, or any other zip.
"""
from __future__ import annotations

import datetime as dt
import io
import operator
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from .errors import FileFormatError, Problem

MAX_EXCEL_ROWS = 1_048_576  # Excel's own limits: a reference beyond them is not from Excel
MAX_EXCEL_COLUMNS = 16_384
MAX_COLUMNS = 1_000  # a ledger has a few dozen columns; a value further right is refused, naming its cell
MAX_SHEET_XML = 1 << 30  # declared uncompressed bytes of one sheet's XML (a million full rows fit)
MAX_STRINGS_XML = 512 << 20  # of the shared strings
MAX_SMALL_PART = 16 << 20  # of the workbook, its relationships and the styles
MAX_ENTRIES = 10_000
# A large part that compresses more than this is not a table (Excel's sheets compress 5–20 times): a zip
# bomb, refused by its declaration without decompressing it.
MAX_RATIO, RATIO_FROM = 100, 64 << 20
_CHUNK = 1 << 20
_ALLOWED = "Excel 2007 及以后的 .xlsx；请在 Excel 中打开后另存 / an .xlsx saved by Excel"
_WORKSHEET, _CHARTSHEET = "/worksheet", "/chartsheet"

# Built-in number formats that show a date (Chinese Excel's 27–31, 36, 50–58 included); 18–21,
# 32–35, 45–47, 55, 56 show only a time and stay numbers.
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.')
# Styled but empty cells and rows, dropped before parsing (they hold nothing and may number millions).
# A row of self-closing cells holds nothing, whatever its cells' attributes: dropped whole (one match per
# row, not per cell). Empty cells left in rows with values keep their reference, so those after them that
# have none keep their column.
_EMPTY_ROW = re.compile(rb'<row r="[0-9]+"[^>]*/>|<row r="[0-9]+"[^>/]*>(?:<c [^>]*/>)*</row>')
_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"[^>]*/>')
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_RANGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})")


def _error(file: str, zh: str, en: str, code: str, allowed: str | None = _ALLOWED,
           value: str | None = None) -> FileFormatError:
    return FileFormatError([Problem(file=file, message=zh, message_en=en, code=code, allowed=allowed, value=value)])


def damaged(file: str, exc: BaseException | str) -> FileFormatError:
    """The error for a workbook whose zip or XML is broken."""
    if isinstance(exc, _Refused):
        return _error(file, "工作簿的 XML 里有 DOCTYPE/实体声明，Excel 从不这样写（可能是构造的攻击文件），没有读取",
                      "the workbook's XML declares a DOCTYPE or entities, which Excel never writes (possibly a "
                      "crafted attack); it was not read", "bad_xlsx")
    why = exc if isinstance(exc, str) else type(exc).__name__
    return _error(file, f"不是有效的 XLSX 工作簿，或文件已损坏（{why}）", f"not a valid XLSX workbook, or a damaged one ({why})",
                  "bad_xlsx")


def merged_data_error(file: str, sheet: str, layout: Layout, header_row: int, headers: list[str],
                      value_at) -> FileFormatError | None:
    """The error naming each merged range that reaches below the header (``value_at(row, column)`` gives the value
    Excel shows in it), or None. A ledger is one suggestion a row: a merged cell holds its value in its first row
    only, so every other row it covers reads as blank (rows sharing a session or a body merged for print)."""
    problems = []
    for first_row, first_column, last_row, last_column in sorted(layout.merged):
        if first_row <= header_row:
            continue  # a merged title or header cell (one merged down over a second header row: see the loader)
        ref = f"{column_letters(first_column)}{first_row}:{column_letters(last_column)}{last_row}"
        names = [str(headers[c]).strip() if c < len(headers) and headers[c] is not None and str(headers[c]).strip()
                 else f"第{c + 1}列" for c in range(first_column, min(last_column, first_column + 3) + 1)]
        column = "、".join(names) + ("…" if last_column > first_column + 3 else "")
        value = value_at(first_row, first_column)
        shown = "" if value is None else str(value)[:80]
        rows_zh = f"第{first_row}–{last_row}行" if last_row > first_row else f"第{first_row}行"
        rows_en = f"rows {first_row}–{last_row}" if last_row > first_row else f"row {first_row}"
        problems.append(Problem(
            file=file, row=first_row, column=column[:80], value=shown, code="merged_data_cells",
            message=f"工作表「{sheet}」的单元格 {ref}（{rows_zh}，列「{column}」）是合并单元格：值只存在它的第一格 "
                    f"{column_letters(first_column)}{first_row}，其余各格读出来是空的。台账每行一条建议，请取消合并"
                    "（Excel：选中该区域 → 开始 → 合并后居中 → 取消单元格合并），并在每一行填上该值后再读",
            message_en=f"cells {ref} of sheet '{sheet}' ({rows_en}, column '{column}') are merged: the value is held "
                       f"by its first cell {column_letters(first_column)}{first_row} only, and every other cell reads "
                       "as blank. A ledger is one suggestion a row: unmerge the cells (Excel: select them → Home → "
                       "Merge & Center → Unmerge Cells), fill the value into every row, and load again",
            allowed="数据行里没有合并单元格 / no merged cells among the data rows"))
    return FileFormatError(problems) if problems else None


def column_letters(position: int) -> str:
    """0 → 'A', 26 → 'AA', 16383 → 'XFD'."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


# ---------------------------------------------------------------------------------------
# What a file is
# ---------------------------------------------------------------------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OPEN_OFFICE = {
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument 电子表格（.ods，WPS/LibreOffice 格式）",
                                                       "an OpenDocument spreadsheet (.ods)"),
    "application/vnd.oasis.opendocument.text": ("OpenDocument 文字文档（.odt）", "an OpenDocument text document (.odt)"),
}


def identify(data: bytes, file: str, suffix: str = "") -> str:
    """'xlsx' for a workbook this module reads, 'text' for bytes that may be CSV; FileFormatError naming anything
    else that is a spreadsheet-like file (password-protected, .xls, .ods, .xlsb, web page, SpreadsheetML)."""
    if data.startswith(_CFB_MAGIC) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _compound_file(data, file, suffix)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, file)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or \
            (head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:excel" in data[:4096].lower()):
        raise _web_page(data, file)
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096].lower():
        raise _error(file, "这是 Excel 2003 XML 电子表格（SpreadsheetML），只是扩展名像 Excel 文件；请在 Excel 中打开后另存为 .xlsx",
                     "this is an Excel 2003 XML spreadsheet (SpreadsheetML); open it in Excel and save it as .xlsx",
                     "spreadsheet_xml", allowed=".xlsx, .csv")
    return "text"


def _web_page(data: bytes, file: str) -> FileFormatError:
    return _error(file, "这是网页（HTML）文件，不是 Excel 工作簿或 CSV（许多系统“导出 Excel”时生成的其实是网页）；"
                        "请在 Excel 中打开后另存为 .xlsx",
                  "this is a web page (HTML), not an Excel workbook or CSV (many systems' 'export to Excel' writes one); "
                  "open it in Excel and save it as .xlsx", "html", allowed=".xlsx, .csv")


def _compound_file(data: bytes, file: str, suffix: str) -> FileFormatError:
    """An OLE compound file: told apart by the stream names in its directory (UTF-16 in the file)."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return _error(file, "工作簿设置了打开密码（已加密），无法读取；请在 Excel 中打开，去掉密码（文件—信息—保护工作簿—用密码进行加密，清空）后保存",
                      "the workbook is password-protected (encrypted) and cannot be read; open it in Excel, remove "
                      "the password (File > Info > Protect Workbook > Encrypt with Password, clear it) and save it",
                      "encrypted", allowed="没有密码的 .xlsx / an .xlsx without a password")
    if has("Workbook") or has("Book") or (suffix in (".xls", ".xlt") and not has("WordDocument")):
        return _error(file, "这是旧版 Excel（.xls，Excel 97–2003）文件，请在 Excel 中另存为 .xlsx 或 CSV",
                      "this is an old Excel (.xls, Excel 97–2003) workbook; save it as .xlsx or CSV in Excel",
                      "old_excel", allowed=".csv, .xlsx")
    if has("WordDocument"):
        return _error(file, "这是 Word 文档（.doc），不是表格", "this is a Word document (.doc), not a table", "word",
                      allowed=".csv, .xlsx")
    return _error(file, "这是旧版 Office 文件（OLE 复合文档），不是可读取的工作簿；若是 Excel 文件，请另存为 .xlsx",
                  "this is an old Office (OLE compound) file, not a workbook that can be read; if it is an Excel "
                  "file, save it as .xlsx", "old_excel", allowed=".csv, .xlsx")


def _zip_kind(data: bytes, file: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = ""
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise damaged(file, exc) from None
    if mimetype in _OPEN_OFFICE:
        zh, en = _OPEN_OFFICE[mimetype]
        raise _error(file, f"这是 {zh}，不是 Excel 工作簿；请用 WPS/LibreOffice 或 Excel 另存为 .xlsx",
                     f"this is {en}, not an Excel workbook; save it as .xlsx", "ods", allowed=".xlsx, .csv")
    if "xl/workbook.bin" in names:
        raise _error(file, "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx",
                     "this is an Excel binary workbook (.xlsb); save it as .xlsx in Excel", "xlsb", allowed=".xlsx, .csv")
    if "word/document.xml" in names:
        raise _error(file, "这是 Word 文档（.docx），不是表格", "this is a Word document (.docx), not a table", "word",
                     allowed=".csv, .xlsx")
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    shown = "、".join(sorted(names)[:5]) + ("…" if len(names) > 5 else "")
    raise _error(file, f"这是一个 ZIP 压缩包，不是 Excel 工作簿（里面有：{shown}）；请解压后读取其中的表格",
                 f"this is a ZIP archive, not an Excel workbook (it holds: {shown}); unzip it and read the table inside",
                 "zip", allowed=".xlsx, .csv")


# ---------------------------------------------------------------------------------------
# Parsing XML parts with expat (no DOCTYPE, no entities)
# ---------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside expat handlers to stop on something a workbook never holds."""


def _no_doctype(*_args) -> None:
    raise _Refused("DOCTYPE")


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _local(name: str) -> str:
    return name[name.rfind(" ") + 1:]


def _attr(attrs: dict, local: str) -> str | None:
    """An attribute by its local name, with or without a namespace (r:id, id)."""
    if local in attrs:
        return attrs[local]
    for key, value in attrs.items():
        if key.endswith(" " + local):
            return value
    return None


# ---------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One sheet as the workbook lists it, in tab order."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    kind: str  # "worksheet", "chartsheet" or "other"
    part: str | None  # the zip member of its XML (None when the workbook does not say)

    @property
    def visible(self) -> bool:
        """True when Excel shows its tab."""
        return self.state == "visible"


@dataclass(frozen=True)
class Fault:
    """A cell whose value is unknown: a formula without a saved result, or an Excel error value."""

    row: int  # Excel row number
    position: int  # column, 0-based
    formula: str | None
    error: str | None


@dataclass
class Cells:
    """The cells of a sheet that hold something: (Excel row number, values by column) for each such row."""

    rows: list[tuple[int, list]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    width: int = 0  # columns up to the rightmost value
    layout: "Layout" = field(default_factory=lambda: Layout())


@dataclass
class Layout:
    """What the sheet shows otherwise than its cells say: merged ranges and hidden columns (``<mergeCell>``, ``<col>``)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first column, last row,
    # last column): Excel rows, 0-based columns
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (first, last) 0-based columns, hidden

    def start(self, tag, attrs) -> None:
        """expat handler for the elements outside the rows that describe them."""
        local = _local(tag)
        if local == "mergeCell":
            match = _RANGE.fullmatch(attrs.get("ref") or "")
            if match:
                self.merged.append((int(match[2]), _column_index(match[1]), int(match[4]), _column_index(match[3])))
        elif local == "col" and (attrs.get("hidden") or "").lower() in ("1", "true"):
            try:
                self.hidden_columns.append((int(attrs.get("min") or 0) - 1, int(attrs.get("max") or 0) - 1))
            except ValueError:
                pass  # a column range Excel never writes: shown as not hidden

    def is_hidden(self, position: int) -> bool:
        """True when column ``position`` (0-based) is hidden."""
        return any(first <= position <= last for first, last in self.hidden_columns)


class Workbook:
    """An XLSX workbook opened within the budget; ``read`` streams one sheet's cells."""

    def __init__(self, data: bytes, file: str):
        self.file = file
        self.data = data  # the workbook's bytes (``read_fast`` hands them to calamine)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            raise damaged(file, exc) from None
        if len(infos) > MAX_ENTRIES:
            raise damaged(file, f"{len(infos)} entries")
        self._sizes = {info.filename: info.file_size for info in infos}
        self._packed = {info.filename: info.compress_size for info in infos}
        if any(info.flag_bits & 0x1 for info in infos):
            raise _error(file, "工作簿的压缩包设置了密码，无法读取；请去掉密码后保存",
                         "the workbook's zip is password-protected; remove the password and save it", "encrypted")
        workbook_part = self._office_document()
        rels = self._relationships(workbook_part)
        self.date1904, self.active, listed = self._workbook(workbook_part)
        self.sheets = []
        for name, state, rel_id in listed:
            target, kind = rels.get(rel_id, (None, ""))
            kind = "worksheet" if kind.endswith(_WORKSHEET) else "chartsheet" if kind.endswith(_CHARTSHEET) else "other"
            self.sheets.append(Sheet(name, state, kind, target if target in self._sizes else None))
        by_type = {kind.rsplit("/", 1)[-1]: target for target, kind in rels.values()}
        self._strings_part = by_type.get("sharedStrings") if by_type.get("sharedStrings") in self._sizes else None
        styles = by_type.get("styles")
        self._styles_part = styles if styles in self._sizes else None
        self._style_count = 0  # cell formats (cellXfs) the styles list
        self._date_styles = self._styles(styles) if styles in self._sizes else frozenset()
        self._strings: list[str] | None = None

    def close(self) -> None:
        """Release the archive."""
        self._zip.close()

    # -- parts -------------------------------------------------------------------------

    def _read_small(self, part: str) -> bytes:
        size = self._sizes.get(part)
        if size is None:
            raise damaged(self.file, f"{part} missing")
        if size > MAX_SMALL_PART:
            raise self._too_large(part, size, MAX_SMALL_PART)
        try:
            return self._zip.read(part)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise damaged(self.file, exc) from None

    def _too_large(self, part: str, size: int, limit: int) -> FileFormatError:
        return _error(self.file, f"工作簿中的 {part} 解压后有 {size / 2**20:,.0f} MB，超过上限 {limit / 2**20:,.0f} MB"
                                 "（可能是“压缩炸弹”或损坏的文件），没有读取",
                      f"the workbook's {part} would unpack to {size / 2**20:,.0f} MB, over the limit of "
                      f"{limit / 2**20:,.0f} MB (a zip bomb, or a damaged file); it was not read", "too_large")

    def _parse_small(self, part: str, start) -> None:
        data = self._read_small(part)
        try:
            _parser(start=start).Parse(data, True)
        except (expat.ExpatError, _Refused) as exc:
            raise damaged(self.file, exc) from None

    def _office_document(self) -> str:
        found = []

        def start(name, attrs):
            if _local(name) == "Relationship" and (attrs.get("Type") or "").endswith("/officeDocument"):
                found.append(attrs.get("Target") or "")

        if "_rels/.rels" in self._sizes:
            self._parse_small("_rels/.rels", start)
        target = _resolve("", found[0]) if found else "xl/workbook.xml"
        if target not in self._sizes:
            raise damaged(self.file, f"{target} missing")
        return target

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (zip member, type) of ``part``'s relationships."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        rels: dict[str, tuple[str, str]] = {}

        def start(tag, attrs):
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                rels[attrs.get("Id") or ""] = (_resolve(folder, attrs.get("Target") or ""), attrs.get("Type") or "")

        if rels_part in self._sizes:
            self._parse_small(rels_part, start)
        return rels

    def _workbook(self, part: str) -> tuple[bool, int, list[tuple[str, str, str]]]:
        sheets: list[tuple[str, str, str]] = []
        settings: dict = {"date1904": False, "active": None}
        self._date_systems_written: list[str] = []  # each workbookPr's date1904 as written (read_fast checks them)

        def start(tag, attrs):
            local = _local(tag)
            if local == "sheet":
                sheets.append((attrs.get("name") or "", attrs.get("state") or "visible", _attr(attrs, "id") or ""))
            elif local == "workbookPr":
                settings["date1904"] = (attrs.get("date1904") or "").lower() in ("1", "true")
                self._date_systems_written.append(attrs.get("date1904") or "")
            elif local == "workbookView" and settings["active"] is None:  # the first view is the one Excel opens
                text = attrs.get("activeTab") or "0"
                settings["active"] = int(text) if text.isdigit() else 0

        self._parse_small(part, start)
        return settings["date1904"], settings["active"] or 0, sheets

    def _styles(self, part: str) -> frozenset[int]:
        """Indexes of the cell formats (cellXfs) whose number format shows a date."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        where = {"in_xfs": False}

        def start(tag, attrs):
            local = _local(tag)
            if local == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId") or -1)] = attrs.get("formatCode") or ""
                except ValueError:
                    pass
            elif local == "cellXfs":
                where["in_xfs"] = True
            elif local == "xf" and where["in_xfs"]:
                try:
                    formats.append(int(attrs.get("numFmtId") or 0))
                except ValueError:
                    formats.append(0)

        def end(tag):
            if _local(tag) == "cellXfs":
                where["in_xfs"] = False

        data = self._read_small(part)
        try:
            _parser(start=start, end=end).Parse(data, True)
        except (expat.ExpatError, _Refused) as exc:
            raise damaged(self.file, exc) from None
        self._style_count = len(formats)
        return frozenset(i for i, f in enumerate(formats)
                         if (f in custom and is_date_format(custom[f])) or (f not in custom and f in _DATE_FORMAT_IDS))

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        if self._strings_part is None:
            self._strings = strings
            return strings
        size = self._sizes[self._strings_part]
        if size > MAX_STRINGS_XML:
            raise self._too_large(self._strings_part, size, MAX_STRINGS_XML)
        state = {"depth_phonetic": 0, "in_t": False, "parts": []}

        def start(tag, attrs):
            local = _local(tag)
            if local == "rPh":
                state["depth_phonetic"] += 1
            elif local == "t" and not state["depth_phonetic"]:
                state["in_t"] = True
            elif local == "si":
                state["parts"] = []

        def end(tag):
            local = _local(tag)
            if local == "rPh":
                state["depth_phonetic"] -= 1
            elif local == "t":
                state["in_t"] = False
            elif local == "si":
                strings.append("".join(state["parts"]))

        def text(data):
            if state["in_t"]:
                state["parts"].append(data)

        self._stream(self._strings_part, _parser(start=start, end=end, text=text), filter_empty=False)
        self._strings = strings
        return strings

    def _stream(self, part: str, parser, *, filter_empty: bool, stop=lambda: False) -> None:
        """Feed ``part`` to ``parser`` in chunks (empty cells and rows dropped first when ``filter_empty``)."""
        try:
            with self._zip.open(part) as stream:
                carry = b""
                while not stop():
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    if filter_empty:
                        buffer = carry + chunk
                        cut = buffer.rfind(b">") + 1  # a match ends with ">": none is cut in two
                        if len(buffer) - cut > _CHUNK:  # a long text or run of spaces: keep at most a tag back
                            start = buffer.rfind(b"<", cut)
                            cut = start if start >= 0 else len(buffer)
                        carry = buffer[cut:]
                        chunk = _EMPTY_CELL.sub(b"", _EMPTY_ROW.sub(b"", buffer[:cut]))
                    parser.Parse(chunk, False)
                if not stop():
                    parser.Parse(carry, True)
        except _Stop:
            return
        except (expat.ExpatError, _Refused, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError) as exc:
            raise damaged(self.file, exc) from None

    # -- sheets ------------------------------------------------------------------------

    def read(self, sheet: Sheet, *, limit_rows: int | None = None, max_columns: int = MAX_COLUMNS,
             until=None) -> Cells:
        """The cells of ``sheet`` that hold something; with ``limit_rows``, only its first rows holding something,
        and with ``until`` (a test of the rows read so far), only rows until it holds."""
        if sheet.kind != "worksheet":
            return Cells()  # a chart or dialog sheet holds no table
        if sheet.part is None:
            raise damaged(self.file, f"sheet {sheet.name!r} has no part")
        size = self._sizes[sheet.part]
        if size > MAX_SHEET_XML:
            raise self._too_large(sheet.part, size, MAX_SHEET_XML)
        if size > RATIO_FROM and size > MAX_RATIO * max(self._packed[sheet.part], 1):
            raise _error(self.file, f"工作簿中的 {sheet.part} 压缩了 {size // max(self._packed[sheet.part], 1):,} 倍"
                                    f"（解压后 {size / 2**20:,.0f} MB），表格不会这样（通常 5–20 倍）；可能是“压缩炸弹”，没有读取",
                         f"the workbook's {sheet.part} is compressed {size // max(self._packed[sheet.part], 1):,} times "
                         f"({size / 2**20:,.0f} MB unpacked), which no table is (5–20 times is usual): a zip bomb, "
                         "not read", "too_large")
        self._shared_strings()  # before the sheet streams: one zip member open at a time
        reader = _SheetReader(self, sheet, limit_rows, max_columns, until)
        self._stream(sheet.part, _parser(start=reader.start, end=reader.end, text=reader.text), filter_empty=True,
                     stop=reader.done)
        return reader.cells

    def date_value(self, number: float) -> dt.datetime:
        """The datetime an Excel date serial stands for in this workbook's date system."""
        epoch = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)
        return epoch + dt.timedelta(days=number)


class _Stop(Exception):
    """Raised by a handler when enough rows were read."""


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def is_date_format(code: str) -> bool:
    """True when an Excel number format shows a date: its first section, literals and [...] removed, holds d or y,
    or m (month) without h or s (then m is minutes: a time, or a duration such as [h]:mm)."""
    bare = _QUOTED_OR_BRACKETED.sub("", code.split(";")[0]).lower()
    if "d" in bare or "y" in bare:
        return True
    return "m" in bare and "h" not in bare and "s" not in bare


class _SheetReader:
    """expat handlers collecting a sheet's cells that hold something (see ``Workbook.read``)."""

    def __init__(self, workbook: Workbook, sheet: Sheet, limit_rows: int | None, max_columns: int, until=None):
        self.workbook, self.sheet = workbook, sheet
        self.limit_rows, self.max_columns, self.until = limit_rows, max_columns, until
        self.satisfied = False
        self.cells = Cells()
        self.row_number = 0
        self.values: dict[int, object] = {}
        self.column = -1
        self.cell: dict | None = None
        self.text_parts: list[str] | None = None
        self.phonetic = 0
        self.in_data = False

    def done(self) -> bool:
        return self.satisfied or self.limit_rows is not None and len(self.cells.rows) >= self.limit_rows

    def start(self, tag, attrs):
        local = _local(tag)
        if local == "c" and self.in_data:
            ref = attrs.get("r")
            if ref:
                match = _CELL_REF.fullmatch(ref)
                if not match:
                    raise damaged(self.workbook.file, f"cell reference {ref!r}")
                self.column = _column_index(match[1])
                row = int(match[2])
                if row != self.row_number:  # a cell outside its row element: trust the reference
                    self._end_row()
                    self.row_number = row
            else:
                self.column += 1
            self.cell = {"t": attrs.get("t") or "n", "s": attrs.get("s"), "v": None, "f": None, "is": None}
        elif self.cell is not None:
            if local == "v":
                self.text_parts = []
            elif local == "f":
                self.text_parts = []
            elif local == "is":
                self.cell["is"] = []
            elif local == "rPh":
                self.phonetic += 1
            elif local == "t" and self.cell["is"] is not None and not self.phonetic:
                self.text_parts = []
        elif local == "row" and self.in_data:
            self._end_row()
            number = attrs.get("r")
            try:
                self.row_number = int(number) if number else self.row_number + 1
            except ValueError:
                raise damaged(self.workbook.file, f"row number {number!r}") from None
            self.column = -1
        elif local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            self.cells.layout.start(tag, attrs)

    def text(self, data):
        if self.text_parts is not None:
            self.text_parts.append(data)

    def end(self, tag):
        local = _local(tag)
        cell = self.cell
        if cell is not None:
            if local in ("v", "f") and self.text_parts is not None:
                cell[local] = "".join(self.text_parts)
                self.text_parts = None
            elif local == "t" and self.text_parts is not None and cell["is"] is not None:
                cell["is"].append("".join(self.text_parts))
                self.text_parts = None
            elif local == "rPh":
                self.phonetic -= 1
            elif local == "c":
                self._end_cell(cell)
                self.cell = None
        elif local == "row":
            self._end_row()
        elif local == "sheetData":
            self._end_row()
            self.in_data = False

    def _end_cell(self, cell: dict) -> None:
        if self.row_number > MAX_EXCEL_ROWS or self.column >= MAX_EXCEL_COLUMNS or self.row_number < 1:
            raise damaged(self.workbook.file, f"cell {column_letters(max(self.column, 0))}{self.row_number} "
                                              "outside Excel's grid")
        kind, raw, formula = cell["t"], cell["v"], cell["f"]
        value: object = None
        error = None
        if kind == "s":
            if raw not in (None, ""):
                strings = self.workbook._shared_strings()
                try:
                    value = strings[int(raw)]
                except (ValueError, IndexError):
                    raise damaged(self.workbook.file, f"shared string {raw!r}") from None
        elif kind == "inlineStr":
            value = "".join(cell["is"] or [])
        elif kind == "str":
            value = raw
        elif kind == "b":
            value = None if raw in (None, "") else raw.strip() in ("1", "true")
        elif kind == "e":
            error = raw or "#VALUE!"
        elif kind == "d":
            value = _iso_date(raw) if raw else None
        elif raw not in (None, ""):
            value = _number(raw, self.workbook.file)
            style = cell["s"]
            if style is not None and style.isdigit() and int(style) in self.workbook._date_styles:
                try:
                    value = self.workbook.date_value(value)
                except OverflowError:
                    pass  # not a date Excel could show: keep the number, the loader says what is wrong
        if value == "":
            value = None
        if formula is not None and value is None and error is None and kind != "str":
            self._fault(Fault(self.row_number, self.column, "=" + formula if formula else "=?", None))
            return
        if error is not None:
            self._fault(Fault(self.row_number, self.column, None, error))
            return
        if value is None:
            return
        if self.column >= self.max_columns:
            ref = f"{column_letters(self.column)}{self.row_number}"
            raise _error(self.workbook.file,
                         f"工作表「{self.sheet.name}」的单元格 {ref} 有内容，它在第 {self.column + 1:,} 列，超出了 {self.max_columns:,} 列的上限"
                         "（台账只有几十列）；请删除表格右侧多余的内容后再读",
                         f"cell {ref} of sheet '{self.sheet.name}' holds a value in column {self.column + 1:,}, beyond "
                         f"the limit of {self.max_columns:,} columns (a ledger has a few dozen); delete what is far "
                         "to the right and load again", "too_many_columns", allowed=f"≤ {self.max_columns:,} 列 columns",
                         value=str(value)[:80])
        self.values[self.column] = value

    def _fault(self, fault: Fault) -> None:
        if fault.position < self.max_columns:
            self.cells.faults.append(fault)
            self.values.setdefault(fault.position, None)  # the row holds something: keep it

    def _end_row(self) -> None:
        if not self.values:
            return
        width = max(self.values) + 1
        row = [None] * width
        for position, value in self.values.items():
            row[position] = value
        self.cells.rows.append((self.row_number, row))
        self.cells.width = max(self.cells.width, width)
        self.values = {}
        if self.until is not None and self.until(self.cells.rows):
            self.satisfied = True
        if self.done():
            raise _Stop


def _number(text: str, file: str) -> int | float:
    try:
        if "." in text or "e" in text or "E" in text:
            return float(text)
        return int(text)
    except ValueError:
        raise damaged(file, f"number {text[:20]!r}") from None


def _iso_date(text: str):
    try:
        return dt.datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return text  # shown as written; the loader says whether it is a date


# ---------------------------------------------------------------------------------------
# The fast reader: calamine, where it reads a sheet exactly as ``Workbook.read`` does
# ---------------------------------------------------------------------------------------
#
# ``Workbook.read`` runs a Python handler for every XML element: about 80 µs a row of 26 cells.
# calamine (Rust, through python-calamine) parses the same sheet about ten times faster, but it sees
# some cells otherwise: it gives no formula and an empty string for an error or a formula without a
# saved result (``Workbook.read`` gives a ``Fault``), a float for every number (here an int when written
# without a fraction), its own date formats and its own reading of serials (1900-01-01 for serial 1,
# ms-rounded times), the text of ``t="d"`` cells, decoded ``_x000D_`` escapes, carriage returns
# kept, and one dense grid of every cell between the first and the last (a stray cell far away
# would allocate millions). So calamine reads a sheet only when a scan of its XML finds only what it
# reads alike (the rows match a whitelist, ``_ROWS``, and the bytes hold none of ``_pieces``'s
# exceptions; one pass in C over pieces cut before a row, so that nothing is cut in two; its cost
# is in benchmarks/README.md), its date formats are this module's for every cell format of the workbook
# (checked on a workbook of one cell per format), and every value it gives maps to exactly one value
# of ``Workbook.read``; otherwise, and whenever it fails, the sheet is read by ``Workbook.read``.
# tests/unit/test_xlsx_fast.py reads the hostile corpus and messy generated workbooks both ways.

FAST_FROM_BYTES = 8 << 20  # sheets whose XML is smaller (about 10,000 rows) are read by expat: no gain below it
_MAX_PIECE = 16 << 20  # a row (or a shared string) of more XML than this is no ledger's: the sheet is declined

# The rows calamine reads exactly as ``Workbook.read`` does, as one regular expression matched once over the XML
# between <sheetData> and </sheetData> (a whitelist: whatever else is there declines the sheet). A row: its number
# (no leading zero) first, then any attributes, none twice (the expat reader refuses that, calamine reads it). A
# cell: its reference naming the row it is in (the expat reader trusts the reference and keeps the order written;
# calamine sorts the cells into one grid), a column up to ZZ, then s and t in that order, nothing twice, no white
# space between tags, no formula (one without a saved result is a Fault here, an empty cell there), no error,
# boolean or ISO-date cell (a Fault, a bool, a date here; an empty cell, a float, text there), no prefixed name.
# Values: a shared string's index is digits; a number is digits with at most a fraction that is not all zeros, 16
# characters or fewer with its point (calamine gives the text of "1,5", " 12" or "1_000", a whole float for "12.0",
# "12." or "1.2E+3", and a fraction of 17 characters may round to a whole float: here an error, an int or a float);
# an inline string holds no cell, row, value or formula tag (its text is checked by _TRIMMED and the byte checks of
# ``_pieces``).
_NUMBER = rb"-?+(?:(?=[0-9.]{3,16}+</v>)[0-9]++\.(?=0*+[1-9])[0-9]++|[0-9]++)"
_CELL = (rb'<c r="[A-Z]{1,2}+\1"(?: s="[0-9]{1,9}+")?'
         rb'(?: t="s"(?:/>|>(?:<v>[0-9]*+</v>)?</c>)'  # first: most cells of a ledger are text (a fifth faster)
         rb'|(?: t="n")?(?:/>|>(?:<v>(?:' + _NUMBER + rb')?</v>)?</c>)'
         rb'| t="str"(?:/>|>(?:<v>[^<]*+</v>)?</c>)'  # a string (a formula's result, written without its formula)
         rb'| t="inlineStr"(?:/>|></c>|><is>(?:[^<]++|<(?!/?(?:is|c|row|v|f)[\s/>]))*+</is></c>))')
_ROWS = re.compile(rb'(?:<row r="([1-9][0-9]{0,6}+)"(?: (?!r=)((?:x14ac:)?+[A-Za-z]++)="[^"<]*+"(?![^>]*\s\2=))*+'
                   rb'(?:/>|>(?:' + _CELL + rb')*+</row>))*+')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_SHEET_DATA = re.compile(rb"<sheetData(/?)>")
_CELL_OR_ROW = re.compile(rb"<(?:c|row|sheetData)[\s/>]")  # outside <sheetData>: a cell or row calamine may read
# Text calamine trims: spaces, tabs or line breaks at either end of a <t> other than <t xml:space="preserve">
_TRIMMED = re.compile(rb'<t>[ \t\n]|<t>[^<]*+(?<=[ \t\n])</t|<t\s(?!xml:space="preserve">)')
# An element of a sheet or of the shared strings with a namespace prefix (<x:c>, <x:t> as the Open XML SDK may
# write): the whitelist and _TRIMMED miss it
_PREFIXED = re.compile(rb":(?:c|v|f|is|t|r|rPh|row|sheetData|si|sst)[\s>/]")
# Bytes whatever their place: CR (calamine keeps it in text, XML makes it a line break), single-quoted attributes,
# DOCTYPE/CDATA/comments, _xHHHH_ escapes (decoded there); each after a rare byte of it, found by memchr
_RARE = ((b"\r", b"\r"), (b"'", b"='"), (b"!", b"<!"), (b"_", b"_x"))
# A reference to an ASCII character: calamine decodes references before it trims text and decodes _xHHHH_
# escapes ("a&#10;" is "a" there, "&#95;x0041_" is "A"); or to U+FFFE or U+FFFF, which XML forbids (the expat
# reader refuses the part, calamine reads it); references to CJK characters (openpyxl writes every one so) read alike
_ODD_REFERENCE = re.compile(rb"&#(?:0*(?:1[01][0-9]|12[0-7]|[0-9]{1,2}|6553[45])"
                            rb"|[xX]0*(?:[0-7]?[0-9a-fA-F]|[fF]{3}[eEfF]));")
# Control characters XML forbids (the expat reader refuses the part, calamine reads them); tab, LF and CR kept
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 13))
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*\?>[ \t\r\n]*")  # Excel writes CR LF after it: not text
_NOT_UTF8 = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["\'](?!utf-?8["\'])', re.IGNORECASE)
_SST = re.compile(rb"<sst[\s>][^>]*")
_UNIQUE_COUNT = re.compile(rb'\suniqueCount="([0-9]{1,12})"')
_GRID_SLACK = 8  # the dense grid calamine builds may hold this many times the rows written (empty ones between)


class _NotExact(Exception):
    """calamine would read this sheet otherwise than ``Workbook.read``."""


def read_fast(workbook: Workbook, sheet: Sheet, *, min_bytes: int | None = None) -> Cells | None:
    """The cells of ``sheet`` as ``workbook.read(sheet)`` gives them, read by calamine; None when the sheet is
    smaller than ``min_bytes``, calamine is not installed, or it would read the sheet otherwise (see above)."""
    min_bytes = FAST_FROM_BYTES if min_bytes is None else min_bytes
    if sheet.kind != "worksheet" or sheet.part is None or workbook._sizes.get(sheet.part, 0) < min_bytes:
        return None
    size = workbook._sizes[sheet.part]
    if size > MAX_SHEET_XML or size > RATIO_FROM and size > MAX_RATIO * max(workbook._packed[sheet.part], 1):
        return None  # Workbook.read refuses it, with its message
    try:
        import python_calamine
    except ImportError:
        return None
    try:
        _check_parts(workbook, sheet)
        _scan_strings(workbook)
        layout = _scan_sheet(workbook, sheet)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(workbook.data))
        _check_date_formats(workbook, python_calamine)
        grid = book.get_sheet_by_name(sheet.name)
        cells = _cells_of(workbook, grid)
        cells.layout = layout
        return cells
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - _NotExact, a damaged zip, calamine's errors and panics (BaseException)
        return None  # read by Workbook.read: its values, or its message


def _check_parts(workbook: Workbook, sheet: Sheet) -> None:
    """_NotExact unless calamine reads the parts ``Workbook.read`` reads: it takes the shared strings and the styles
    from their usual names (xl/sharedStrings.xml, xl/styles.xml), not from where the workbook's relationships point
    (a workbook may hold both), and the sheet by its name (which two sheets may share); and the same date system
    (calamine reads date1904="TRUE" as the 1900 system)."""
    names = [name.lower() for name in workbook._sizes]
    for usual, part in (("xl/sharedstrings.xml", workbook._strings_part), ("xl/styles.xml", workbook._styles_part)):
        if names.count(usual) != (part is not None) or part is not None and part.lower() != usual:
            raise _NotExact(f"{usual}: not the part the relationships name")
    if sum(other.name == sheet.name for other in workbook.sheets) != 1:
        raise _NotExact("two sheets of one name")
    written = workbook._date_systems_written
    if len(written) > 1 or written and written[0] not in ("", "0", "1", "false", "true"):
        raise _NotExact("a date system written otherwise than 1, 0, true or false")  # "TRUE": 1904 here, 1900 there


def _scan_strings(workbook: Workbook) -> None:
    """_NotExact when the shared strings hold what calamine reads otherwise (see ``_pieces``; text it trims), or
    declare more of them than they hold (calamine reserves memory for the ``uniqueCount`` declared: four billion
    would abort the process)."""
    part = workbook._strings_part
    if part is None:
        return
    if workbook._sizes[part] > MAX_STRINGS_XML:
        raise _NotExact(part)
    declared = held = 0
    for piece in _pieces(workbook, part, b"<si"):
        if _TRIMMED.search(piece):
            raise _NotExact("text calamine trims")
        if not held:
            tag = _SST.search(piece)
            if tag and b"uniqueCount" in tag[0]:
                count = _UNIQUE_COUNT.search(tag[0])
                if count is None:
                    raise _NotExact("a uniqueCount that is not a number")
                declared = int(count[1])
        held += piece.count(b"<si>") + piece.count(b"<si ") + piece.count(b"<si/")
    if declared > held:
        raise _NotExact(f"{declared} strings declared, {held} held")


def _pieces(workbook: Workbook, part: str, boundary: bytes):
    """The decompressed XML of ``part`` (its declaration left out) in pieces of about ``_CHUNK`` bytes, each cut just
    before a ``boundary`` (the start of a row, or of a shared string), so that no tag, text, row or string is ever
    cut in two; _NotExact for what calamine reads otherwise wherever it is: a part not in UTF-8 (UTF-16 hides every
    pattern; another encoding may be decoded otherwise), control characters, the ``_RARE`` bytes, prefixed
    elements, ``_ODD_REFERENCE``s."""
    with workbook._zip.open(part) as stream:
        carry = b""
        first = True
        while True:
            block = stream.read(_CHUNK)
            if first:
                first = False
                if _NOT_UTF8.match(block):
                    raise _NotExact("not UTF-8")
                prolog = _PROLOG.match(block)
                block = block[prolog.end():] if prolog else block
            buffer = carry + block
            cut = buffer.rfind(boundary) if block else len(buffer)  # at the end, all that is left
            if block and cut <= 0:
                if len(buffer) > _MAX_PIECE:
                    raise _NotExact(f"no {boundary.decode()} in {_MAX_PIECE} bytes")
                carry = buffer
                continue
            piece, carry = buffer[:cut], buffer[cut:]
            if piece.translate(None, _NOT_CONTROL):
                raise _NotExact("a control character")
            try:
                piece.decode()  # every piece starts and ends at a tag: a character cut in two is not UTF-8
            except UnicodeDecodeError:
                raise _NotExact("not UTF-8") from None
            if any(byte in piece and marker in piece for byte, marker in _RARE) or _PREFIXED.search(piece) or \
                    b"&" in piece and _ODD_REFERENCE.search(piece):
                raise _NotExact("a CR, quote, DOCTYPE, escape, prefixed name or odd reference")
            yield piece
            if not block:
                return


def _scan_sheet(workbook: Workbook, sheet: Sheet) -> Layout:
    """_NotExact when the sheet's XML holds what calamine reads otherwise (see ``_ROWS`` and ``_pieces``), its rows are
    not in ascending order (calamine sorts them), or its cells lie so far apart that the grid calamine builds (every
    cell from the first to the last row and column) would be far larger than the rows written. (Columns need no
    such check: the whitelist stops at ZZ, 702 columns, below ``MAX_COLUMNS``.)"""
    rows = last_row = 0
    where = "before"  # <sheetData>: before it, within it, after it
    prefixes: set[str] = set()
    outside = _parser()  # what is not rows, parsed as the expat reader does: a part it refuses, calamine may read
    outside.StartNamespaceDeclHandler = lambda prefix, _uri: prefixes.add(prefix)
    layout = Layout()
    outside.StartElementHandler = layout.start  # merged ranges and hidden columns, as Workbook.read collects them
    prefixed_rows = False  # a row attribute x14ac:…, as Excel writes (its prefix must be declared)
    for piece in _pieces(workbook, sheet.part, b"<row"):
        if b"inlineStr" in piece and _TRIMMED.search(piece):  # text is only in inline strings (see _ROWS)
            raise _NotExact("text calamine trims")
        position = 0
        if where == "before":
            found = _SHEET_DATA.search(piece)
            _outside_rows(piece, 0, found.start() if found else len(piece))
            _parse_outside(outside, piece[:found.end() if found else len(piece)])
            if found is None:
                continue
            where, position = ("after" if found[1] else "within"), found.end()
        if where == "within":
            end = _ROWS.match(piece, position).end()
            if end < len(piece) and not piece.startswith(b"</sheetData>", end):
                raise _NotExact("a row or cell other than the whitelist")
            prefixed_rows = prefixed_rows or b"x14ac:" in piece
            numbers = [int(n) for n in _ROW_NUMBER.findall(piece, position, end)]
            if numbers:
                if numbers[0] <= last_row or not all(map(operator.lt, numbers, numbers[1:])):
                    raise _NotExact("rows out of order")
                rows += len(numbers)
                last_row = numbers[-1]
            if end == len(piece):
                continue
            where, position = "after", end + len(b"</sheetData>")
            _parse_outside(outside, b"</sheetData>")
        _outside_rows(piece, position, len(piece))
        _parse_outside(outside, piece[position:])
    _parse_outside(outside, b"", final=True)
    if where == "within":
        raise _NotExact("no </sheetData>")
    if prefixed_rows and "x14ac" not in prefixes:
        raise _NotExact("a row attribute's prefix not declared")
    if last_row > min(_GRID_SLACK * rows + 10_000, MAX_EXCEL_ROWS):
        raise _NotExact("cells far apart")
    return layout


def _parse_outside(parser, data: bytes, final: bool = False) -> None:
    """Feed the XML outside the rows to ``parser``; _NotExact where the expat reader would refuse it."""
    try:
        parser.Parse(data, final)
    except (expat.ExpatError, _Refused):
        raise _NotExact("XML the expat reader refuses") from None


def _outside_rows(piece: bytes, start: int, end: int) -> None:
    """_NotExact when the XML outside <sheetData> holds a cell, a row or another sheetData (calamine reads the first
    sheetData only; what the expat reader makes of the others is not what calamine makes of them)."""
    if _CELL_OR_ROW.search(piece, start, end):
        raise _NotExact("a cell, row or sheetData outside the sheetData")


def _check_date_formats(workbook: Workbook, python_calamine) -> None:
    """_NotExact unless calamine shows a date for exactly the cell formats this module does: a workbook of the same
    styles, one number per cell format (and one past the last), read by calamine."""
    if workbook._styles_part is None:
        return  # no styles: every number is a number to both
    count = workbook._style_count + 1
    cells = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" s="{i}"><v>45000</v></c></row>' for i in range(count))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="s" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>',
    }
    probe = io.BytesIO()
    with zipfile.ZipFile(probe, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/styles.xml", workbook._read_small(workbook._styles_part))
    values = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(probe.getvalue())).get_sheet_by_index(0) \
        .to_python(skip_empty_area=False)
    for index in range(count):
        value = values[index][0] if index < len(values) and values[index] else None
        if type(value) is not (dt.date if index in workbook._date_styles else float):
            raise _NotExact(f"cell format {index}")


_MIDNIGHT_1900 = dt.date(1900, 3, 1)  # calamine's serials 1-60 differ from this module's (Excel's 1900-02-29)


def _value_of(value, date1904: bool):
    """The value ``Workbook.read`` gives for a cell calamine read as ``value``; _NotExact when it cannot be known.

    A number: calamine's float is the one Python parses from the same text (both round correctly); it was written
    without a fraction (the scan refused "12.0" and exponents), so a whole float is the int ``Workbook.read`` gives,
    below 2**53 (above, the float may have lost digits the text had). A date: calamine gives a ``date`` for a whole
    serial only (a fraction gives a ``datetime``, rounded to the millisecond, refused here), the day it stands for
    from 1900-03-01 on (before, calamine counts from 1900-01-01 and skips Excel's 1900-02-29; this module does
    not), and ``Workbook.read`` gives that day at midnight.
    """
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        if value.is_integer():
            if abs(value) >= 2 ** 53:
                raise _NotExact("a large whole number")
            return int(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotExact("not a finite number")
        return value
    if kind is dt.date and (date1904 or value >= _MIDNIGHT_1900):
        return dt.datetime(value.year, value.month, value.day)
    raise _NotExact(f"a {kind.__name__}")  # datetime, time, timedelta, bool, int: not read here


def _cells_of(workbook: Workbook, grid) -> Cells:
    """``Cells`` from calamine's grid of a sheet (rows from row 1, columns from the first one holding something)."""
    start, end = grid.start, grid.end
    if start is None:
        return Cells()
    first_column, last_row, last_column = start[1], end[0], end[1]
    width = last_column - first_column + 1
    cells = Cells()
    seen: dict = {}  # calamine value → this module's: each distinct value converted once
    date1904 = workbook.date1904
    pad = [None] * first_column
    number = 0
    for number, row in enumerate(grid.iter_rows(), start=1):
        if len(row) != width:
            raise _NotExact("a row of another width")
        values = []
        for value in row:
            try:
                values.append(seen[value])
            except KeyError:
                seen[value] = converted = _value_of(value, date1904)
                values.append(converted)
        while values and values[-1] is None:
            values.pop()
        if values:
            if first_column:
                values = pad + values
            cells.rows.append((number, values))
            cells.width = max(cells.width, len(values))
    if number != last_row + 1:
        raise _NotExact("rows missing")
    if cells.width > MAX_COLUMNS:
        raise _NotExact("too many columns")  # Workbook.read names the cell
    return cells
