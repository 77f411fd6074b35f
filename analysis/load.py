"""Read ledgers (台账) and published-figures files at one boundary.

Every input passes through here: the file is opened only if it is a regular file
(``analysis.sources``: no pipe, device or link loop is ever read) and read once; what its bytes are
decides how it is read, not its name; they are decoded (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16
with or without BOM, found without being told) or the workbook is opened (``analysis.xlsx``, within a
budget: the sheet shown when it opens, never a hidden one unasked, or the one ``sheet`` names), the
header row is found among the first ``HEADER_SEARCH_ROWS`` non-blank rows (title rows above it are
tolerated), headers are matched to the declaration in
``analysis.schema`` (Chinese or English), values are normalised with ``analysis.normalize``
and checked. The result is a typed DataFrame, or a ``DataError`` listing every problem with
the file, the row as the user sees it in Excel, the column as written, the value and what is
allowed. ``validate_files`` runs the same checks and returns reports instead of raising.

Every column is held as a code per row into its distinct values, and normalisers run once per
distinct value and are mapped back, never once per row. A UTF-8 CSV file is read by Arrow's CSV
reader straight into such codes (both cores, no Python object per cell; a large one from the file
itself, never held whole in memory); a file Arrow would split otherwise than pandas' C parser, and
every other encoding, is read by pandas (``_arrow_columns`` says when), and both give the same
cells, so a ledger of a million rows loads in seconds. A file's checked columns stay codes until the
frame is built, once for all the files of a ledger and a column at a time (``_ledger_frame``): never
a frame per file joined into another.

Hostile and odd input is expected, not trusted:

- Problems are grouped: one mistake repeated on 40,000 rows is one line of the report with its
  row count and first rows ("第3、5、9…行（另有 39,997 行，共 40,000 行）"); every occurrence is
  counted, at most ``MAX_LISTED_PROBLEMS`` are listed one by one, shared fairly among the kinds
  of mistake. A 100,000-row ledger with errors on most rows is checked in about a second.
- Values quoted in messages pass through ``safe_text``: control, bidi and zero-width characters
  are shown escaped (``\\u202e``) and long values cut with "…". The data itself is never changed:
  markup, script, emoji and invisible characters stay in the frame exactly as written.
- XLSX formulas are read as the results Excel saved with them. A formula without a saved result
  (a workbook written by a program that never calculated) and an Excel error value (#REF!, #N/A)
  are reported, not loaded as blank or as the formula's text.
- Binary files named .csv (NUL bytes, many control bytes, known signatures), lines ending in any
  mix of CRLF, LF and CR, and empty unnamed columns from trailing commas are handled.
- Nothing is guessed (issue 14): a file mixing UTF-8 and GBK lines, NUL bytes in text, more than
  ``MAX_COLUMNS`` columns, a cell longer than an Excel cell (``MAX_CELL_CHARS``), an outcome naming
  two classes ("A类/B类") and a session written as a decimal (19.10, which Excel keeps as 19.1) are
  errors naming the row; numbers and dates follow ``analysis.normalize``'s rules.
"""
from __future__ import annotations

import bisect
import codecs
import csv
import ctypes
import functools
import hashlib
import io
import operator
import os
import re
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from queue import SimpleQueue
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import config as config_module
from . import factors, labels, normalize, schema, schemes, sessions, sources, xlsx
from .errors import ConfigError, DataError, FileFormatError, Problem, SchemaError

MAX_LISTED_PROBLEMS = 200  # single problems listed per file; the rest are counted ("…and N more")
MAX_GROUPS = 200  # distinct problems kept per file; beyond that they are only counted
ROWS_IN_GROUP = 10  # rows named for a problem repeated over rows, before "… (and N more)"
HEADER_SEARCH_ROWS = 30  # the header must start within this many rows (title rows above it)
_HEAD_CHARS = 200_000  # characters of a CSV file's text the header is looked for in
_EXTRA_CSV_COLUMNS = 4  # room for values beyond the last header before a row is "too long"
# a total row's first cell: 合计, 总计：, 小计(区政府), also with the words offices put before (全区合计, 以上合计, 本页小计),
# 汇总 and 累计, and 共12件
_TOTAL_ROW = re.compile(r"^(?:(?:全区|全市|全县|全部|以上|本页|本表|各单位)?(?:合计|总计|小计|共计|总共|汇总|累计)|total|sum|"
                        r"grandtotal)(?:$|[:：(（\d])|^共\d+[件条项个]?$", re.IGNORECASE)
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".xlt", ".xltx", ".ods", ".et"}
MAX_COLUMNS = xlsx.MAX_COLUMNS  # a file with more columns than this is refused (a ledger has a few dozen)
MAX_CELL_CHARS = 32_767  # what an Excel cell can hold; a longer cell is an error naming its row
_MAGIC = {
    b"PK\x03\x04": "xlsx",
    b"\xd0\xcf\x11\xe0": "xls",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"\x1f\x8b": "gzip",
    b"7z\xbc\xaf": "7z",
}
# every byte but the C0 controls that never occur in text (tab, LF, CR, FF and ESC/SUB excepted) and DEL
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B)
                                                          or b == 0x7F))
_TYPED_KINDS = {"int": "Int64", "bool": "boolean"}


# ---------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------


@dataclass
class ProblemGroup:
    """One problem found on one or many rows: its first occurrence, how often, and the first rows."""

    problem: Problem  # the first occurrence (its ``row`` is the first row)
    count: int = 0  # every row (or occurrence) with this problem, listed or not
    rows: list[int | None] = field(default_factory=list)  # the first rows, at most MAX_LISTED_PROBLEMS

    def to_dict(self) -> dict:
        """A plain dict for JSON output: the problem's fields, ``count`` and the first ``rows``."""
        data = self.problem.to_dict()
        data.pop("row")
        data["count"] = self.count
        data["rows"] = [r for r in self.rows[:ROWS_IN_GROUP] if r is not None]
        return data


@dataclass
class FileReport:
    """What validating one file found: its kind, size, where its session came from, problems."""

    file: str
    kind: str  # "ledger" | "figures" | "unknown" (unreadable)
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)  # at most MAX_LISTED_PROBLEMS, shared fairly by groups
    unknown_columns: list[str] = field(default_factory=list)
    session_from: str | None = None  # "column" | "title" | "filename" | "option"
    encoding: str | None = None  # "utf-8", "utf-8-sig", "gb18030", "xlsx", …
    sheet: str | None = None
    sessions: list[str] = field(default_factory=list)  # canonical sessions found
    errors: int = 0  # every error found, listed or not
    warnings: int = 0
    omitted: int = 0  # problems found but not listed one by one in ``problems`` (over the cap)
    sha256: str = ""
    is_sample: bool = False
    groups: list[ProblemGroup] = field(default_factory=list)  # problems that differ only in their row, counted
    ungrouped: int = 0  # problems beyond MAX_GROUPS distinct ones: only counted

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return self.errors == 0

    def to_dict(self) -> dict:
        """A plain dict for JSON output."""
        data = asdict(self)
        data["groups"] = [g.to_dict() for g in self.groups]
        data["ok"] = self.ok
        return data


class _Problems:
    """Collects the problems of one file, grouped: a problem repeated over rows is one group with a count.

    Every occurrence is counted; each group keeps its first rows; ``listed()`` then picks at most
    ``cap`` single problems, shared out fairly among the groups so that one column with 40,000 bad
    cells cannot hide a different mistake further on.
    """

    def __init__(self, file: str, cap: int = MAX_LISTED_PROBLEMS):
        self.file = file
        self.cap = cap
        self.groups: dict[tuple, ProblemGroup] = {}
        self.errors = 0
        self.warnings = 0
        self.ungrouped = 0

    def add(self, message: str, message_en: str, *, row: int | None = None, column: str | None = None,
            value: object = None, allowed: str | None = None, code: str = "invalid",
            severity: str = "error") -> None:
        """Record one problem."""
        self.add_rows([row], None, message, message_en, column=column, value=value, allowed=allowed, code=code,
                      severity=severity)

    def add_rows(self, rows: Iterable[int | None], values: Iterable[object] | None, message: str, message_en: str,
                 *, severity: str = "error", value: object = None, column: str | None = None,
                 allowed: str | None = None, code: str = "invalid") -> None:
        """Record the same problem on several rows; ``values`` (one per row) or ``value`` (all rows) quoted."""
        rows = list(rows) if not isinstance(rows, np.ndarray) else rows
        if len(rows) == 0:
            return
        if values is None:
            self._record(Problem(file=self.file, message=message, message_en=message_en, column=column,
                                 value=None if value is None else _shown(value), allowed=allowed, code=code,
                                 severity=severity), rows)
            return
        rows = np.asarray(rows)
        codes, uniques = pd.factorize(np.asarray(list(values), dtype=object), use_na_sentinel=False)
        for code_index, chunk in _split_by_code(codes):
            shown = uniques[code_index]
            self._record(Problem(file=self.file, message=message, message_en=message_en, column=column,
                                 value=None if normalize.is_blank(shown) else _shown(shown), allowed=allowed,
                                 code=code, severity=severity), rows[chunk])

    def _record(self, problem: Problem, rows) -> None:
        count = len(rows)
        if problem.severity == "error":
            self.errors += count
        else:
            self.warnings += count
        key = (problem.severity, problem.code, problem.column, problem.message, problem.value, problem.allowed)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_GROUPS:
                self.ungrouped += count
                return
            first = rows[0]
            group = self.groups[key] = ProblemGroup(replace(problem, row=None if first is None else int(first)))
        group.count += count
        room = self.cap - len(group.rows)
        if room > 0:
            group.rows.extend(None if r is None else int(r) for r in rows[:room])

    def sorted_groups(self) -> list[ProblemGroup]:
        """The groups, errors first, then in order of their first row (file-level problems first)."""
        return sorted(self.groups.values(),
                      key=lambda g: (g.problem.severity != "error", g.problem.row or 0))

    def listed(self) -> list[Problem]:
        """At most ``cap`` single problems, each group getting a fair share of the places."""
        groups = self.sorted_groups()
        shares = [0] * len(groups)
        left = self.cap
        while left > 0:
            given = 0
            for i, group in enumerate(groups):
                if left > 0 and shares[i] < len(group.rows):
                    shares[i] += 1
                    left -= 1
                    given += 1
            if not given:
                break
        return [replace(g.problem, row=row) for g, share in zip(groups, shares) for row in g.rows[:share]]

    @property
    def total(self) -> int:
        """Every problem found (errors and warnings)."""
        return self.errors + self.warnings


def _split_by_code(codes: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(code, positions) for each distinct code, positions in their original order, by first position."""
    order = np.argsort(codes, kind="stable")
    chunks = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    return sorted(((int(codes[c[0]]), c) for c in chunks if len(c)), key=lambda item: item[1][0])


def safe_text(value: object, limit: int = 80) -> str:
    """Text safe to print in a message: non-printing characters escaped (\\u202e, \\x1b), cut at ``limit`` with …."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and len(text) <= limit:
        return text  # the common case, checked in C
    pieces: list[str] = []
    length = 0
    for ch in text:
        # repr() escapes exactly the characters Python deems unprintable: controls, format
        # characters (bidi overrides, zero-width), separators other than the space, surrogates
        piece = ch if ch.isprintable() else repr(ch)[1:-1]
        pieces.append(piece)
        length += len(piece)
        if length > limit:
            break
    if length <= limit:
        return "".join(pieces)
    while pieces and length > limit - 1:  # whole pieces only: never half an escape
        length -= len(pieces.pop())
    return "".join(pieces) + "…"


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return safe_text(str(int(value)))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_text(value)


# ---------------------------------------------------------------------------------------
# Reading: bytes → rows of cells, header row found
# ---------------------------------------------------------------------------------------


@dataclass
class _Table:
    """A file read as cells: the header as written and the body with Excel row numbers as index."""

    file: str
    encoding: str
    sheet: str | None
    header_row: int  # Excel row number of the header (1-based)
    headers: list[str]
    title_text: str  # text of the rows above the header (a ledger's title)
    columns: dict[int, "_Column"]  # the body's columns by position (0-based), each factorised
    rows: np.ndarray  # Excel row number of each body row
    sha256: str = ""  # of the bytes read (filled in by _read_table)
    # a large CSV's (sha256, whether the rest of it held no NUL byte or quote the read assumed absent), worked out
    # beside the checks (``_process`` waits, and reads the file again if the assumption was wrong)
    hashing: "Future[tuple[str, bool]] | None" = None
    cell_faults: list["_CellFault"] = field(default_factory=list)  # XLSX cells whose value cannot be trusted
    notes: list[Problem] = field(default_factory=list)  # warnings about how the file was read (which sheet, …)
    layout: xlsx.Layout | None = None  # an XLSX sheet's merged ranges and hidden columns


@dataclass(frozen=True)
class _CellFault:
    """An XLSX cell read as blank because its value is unknown: a formula with no saved result, or an error."""

    row: int  # Excel row number
    position: int  # column position, 0-based
    formula: str | None  # the formula without a saved result (None for an error value)
    error: str | None  # the Excel error value shown (#REF!, #N/A, …)


def _known_headers() -> dict[str, schema.Field]:
    return {**schema.fields_by_header(schema.FIGURE_FIELDS), **schema.fields_by_header(schema.LEDGER_FIELDS)}


def _format_error(file: str, zh: str, en: str, code: str, allowed: str | None = None, row: int | None = None,
                  value: str | None = None) -> FileFormatError:
    return FileFormatError([Problem(file=file, message=zh, message_en=en, code=code, allowed=allowed, row=row,
                                    value=value)])


def _read_table(path: Path, file: str, sheet: str | None, sheet_for_workbooks_only: bool = False,
                exact: bool = False) -> _Table:
    """Open a CSV or XLSX file and find its header row; FileFormatError when it cannot be read.

    What the bytes are decides how they are read, not the file's name: a workbook named .csv is read as a
    workbook, text named .xlsx as CSV (with a warning), and a password-protected workbook, an old .xls,
    an .ods or a web page saved as .xls each get a message saying which it is. ``exact``: a large CSV file is
    searched for a NUL byte and a quote all through before it is parsed (see ``_read_large_csv``).
    """
    if not sheet:
        table = _read_large_csv(path, file, exact)
        if table is not None:
            return table
    data = sources.read_input(path, file)  # refuses folders, pipes, devices, link loops without reading them
    with ThreadPoolExecutor(1) as hasher:
        # hashlib lets go of the GIL: a large file's checksum is worked out while its cells are parsed
        digest = hasher.submit(lambda: hashlib.sha256(data).hexdigest())
        table = _read_bytes(data, path, file, sheet, sheet_for_workbooks_only)
        table.sha256 = digest.result()
    return table


_STREAM_BYTES = 64 << 20  # a CSV file larger than this is parsed from the file, never held whole in memory
_SCAN_BYTES = 8 << 20


class _FileView:
    """The bytes of a large open file as the UTF-8 CSV path asks for them (slices, searches, its start and end),
    read where asked and never all at once; Arrow reads the file itself (``_arrow_columns``)."""

    def __init__(self, fd: int):
        self.fd, self.size = fd, os.fstat(fd).st_size
        self._found: dict[bytes, int] | None = None
        self.assumed: frozenset[bytes] = frozenset()  # taken as absent from the first block alone

    def assume_from_start(self) -> None:
        """Look for a NUL byte and a quote in the first block only, and take one not there as absent: the rest of
        the file is searched while it is hashed, beside the checks (``_sha256_and_close``), not before its parse."""
        block = self[:_SCAN_BYTES]
        self._found = {byte: block.find(byte) for byte in (b"\x00", b'"')}
        self.assumed = frozenset(byte for byte, at in self._found.items() if at < 0)

    def as_assumed(self) -> bool:
        """Whether the whole file holds none of the bytes ``assume_from_start`` took as absent (read all through)."""
        return not self.assumed or all(_FileView(self.fd).find(byte) < 0 for byte in self.assumed)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _ = key.indices(self.size)
        parts, at = [], start
        while at < stop:
            part = os.pread(self.fd, min(stop - at, _SCAN_BYTES), at)
            if not part:
                break
            parts.append(part)
            at += len(part)
        return b"".join(parts)

    def blocks(self):
        """The whole file, a block at a time."""
        for at in range(0, self.size, _SCAN_BYTES):
            yield self[at:at + _SCAN_BYTES]

    def find(self, needle: bytes) -> int:
        """The first position of a NUL byte or a quote (the single bytes the CSV path looks for), or -1."""
        if self._found is None:  # both found in one pass over the file
            found = {b"\x00": -1, b'"': -1}
            for number, block in enumerate(self.blocks()):
                for byte, at in found.items():
                    if at < 0 and (where := block.find(byte)) >= 0:
                        found[byte] = number * _SCAN_BYTES + where
            self._found = found
        return self._found[needle]

    def __contains__(self, needle: bytes) -> bool:
        return self.find(needle) >= 0

    def startswith(self, prefix: bytes | tuple[bytes, ...]) -> bool:
        return any(self[:len(p)] == p for p in (prefix if isinstance(prefix, tuple) else (prefix,)))

    def endswith(self, suffix: bytes) -> bool:
        return self.size >= len(suffix) and self[self.size - len(suffix):] == suffix


def _read_large_csv(path: Path, file: str, exact: bool = False) -> _Table | None:
    """A large UTF-8 CSV file read by Arrow from the file itself, hashed beside it; None to read its bytes instead.

    Only what ``_read_utf8_csv`` reads through Arrow takes this path: text that starts as plain CSV, without a NUL
    byte; any other file (a workbook, another encoding, a file Arrow would split otherwise than pandas) is read
    whole, as a small file is, so every message stays the same.

    Whether the file holds a NUL byte or a quote is looked for in its first 8 MiB only unless ``exact``: a byte not
    found there is looked for in the rest while the file is hashed, beside the checks (a pass over the file before
    its parse, 0.13 CPU s a million rows, saved), and ``_process`` reads the file again with ``exact`` when one is
    there after all. A read that fails here is decided at once, the same way.
    """
    fd = sources.open_regular(path, file)  # refuses folders, pipes, devices, link loops without reading them
    try:
        view = _FileView(fd)
        head = view[:8192]
        if view.size <= _STREAM_BYTES or head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] == b"<" or any(
                head.startswith(magic) for magic in (*_MAGIC, b"PK")):
            return None
        if not exact:
            view.assume_from_start()
        try:
            table = None if b"\x00" in view else _read_utf8_csv(view, file)
        except DataError:
            if view.as_assumed():
                raise
            return _read_large_csv(path, file, exact=True)
        if table is None:
            return None if view.as_assumed() else _read_large_csv(path, file, exact=True)
        # Arrow's parse keeps both cores busy, the checks after it one: the file is hashed beside the checks
        # (os.pread and hashlib let go of the GIL), from a descriptor of its own, closed once hashed
        table.hashing = _in_background(_sha256_and_close, _FileView(os.dup(fd)), view.assumed)
        if path.suffix.lower() in _WORKBOOK_SUFFIXES:
            table.notes.append(_text_as_workbook(file, path, table))
        return table
    finally:
        os.close(fd)


def _sha256_and_close(view: _FileView, absent: frozenset[bytes]) -> tuple[str, bool]:
    """The file's SHA-256, and whether none of the ``absent`` bytes is in it (one pass); the view's file closed."""
    try:
        digest, found = hashlib.sha256(), set()
        for block in view.blocks():
            digest.update(block)
            found.update(byte for byte in absent if byte in block)
        return digest.hexdigest(), not found
    finally:
        os.close(view.fd)


def _in_background(func: Callable, *args) -> Future:
    """``func(*args)`` in a thread of its own that ends with it; its result (or exception) from the Future."""
    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(func, *args)
    finally:
        pool.shutdown(wait=False)  # the thread finishes the call, then ends


def _text_as_workbook(file: str, path: Path, table: _Table) -> Problem:
    return Problem(file=file, code="text_named_as_workbook", severity="warning",
                   message=f"文件名是 {path.suffix}，但内容是文本（{table.encoding}），已按 CSV 读取",
                   message_en=f"the file is named {path.suffix} but holds text ({table.encoding}); it was read as CSV")


def _read_bytes(data: bytes, path: Path, file: str, sheet: str | None, sheet_for_workbooks_only: bool) -> _Table:
    """The table in a file's bytes (its ``sha256`` left for the caller to fill in)."""
    if xlsx.identify(data, file, path.suffix.lower()) == "xlsx":
        return _read_xlsx(data, file, sheet)
    if sheet and not sheet_for_workbooks_only:
        raise _format_error(file, f"CSV 文件没有工作表，不能使用 --sheet {sheet}",
                            f"a CSV file has no sheets; --sheet {sheet} does not apply", "sheet_on_csv")
    table = _read_csv(data, file)
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        table.notes.append(_text_as_workbook(file, path, table))
    return table


def _decode(data: bytes, file: str) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (with or without BOM), GB18030 (covers GBK), UTF-16 (with or
    without BOM); FileFormatError for binary bytes, for a file mixing two encodings, and for anything else."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            # a UTF-8 mark before GBK bytes (a GBK export given a BOM by another tool): read what follows the mark
            return _decode(data[len(codecs.BOM_UTF8):], file)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    found = _utf16_without_bom(data)
    if found:
        return found
    _refuse_binary(data, file)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_end = exc.start
    _refuse_mixed_encodings(data, utf8_end, file)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass  # the error below names where the file stops being UTF-8: GB18030 fails on any UTF-8 before it
    # Traditional-Chinese exports (Big5) are the one other encoding a ledger plausibly uses;
    # anything else charset-normalizer guesses would be mojibake with no matching header.
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # a detector failure only means we cannot guess
        best = None
    if best is not None and best.encoding in {"big5", "cp950", "big5hkscs"}:
        return str(best), best.encoding
    raise FileFormatError([Problem(
        file=file, row=data[:utf8_end].count(b"\n") + 1, code="encoding",
        value=" ".join(f"{b:02x}" for b in data[utf8_end:utf8_end + 4]),
        message="无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030；请在 Excel 中另存为“CSV UTF-8”",
        message_en="cannot decode the file: it is neither UTF-8 nor GBK/GB18030; "
                   "save it from Excel as 'CSV UTF-8'",
        allowed="UTF-8, UTF-8 BOM, GBK, GB18030, UTF-16")])


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, 'utf-16-le' or 'utf-16-be') for UTF-16 text saved without a byte-order mark, else None.

    Such text has a NUL byte beside every ASCII character (comma, digit, line break), all on the
    same side of the pair; other text has none, and binary bytes have them on both sides.
    """
    sample = data[:65536]
    if len(data) % 2 or len(sample) < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    # (a Chinese character such as 一, U+4E00, has a NUL byte too, on the other side: a few are allowed)
    if max(odd, even) < len(sample) // 16 or min(odd, even) * 4 > max(odd, even):
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or "\n" not in text[:_HEAD_CHARS] or len(_CONTROLS.findall(text[:4096])) > 8:
        return None
    return text, encoding


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _line_of(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1


_UTF8_CHINESE_RUN = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){2}")


def _line_bounds(data: bytes, position: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, position) + 1
    end = data.find(b"\n", position)
    return start, len(data) if end < 0 else end


def _first_utf8_chinese_line(data: bytes) -> int | None:
    """Byte offset of the first line that is valid UTF-8 holding Chinese text, or None.

    A line of GBK text is almost never valid UTF-8; lines are only tested where two UTF-8 Chinese
    characters in a row appear (found by a regular expression in C, not a loop over lines).
    """
    for match in _UTF8_CHINESE_RUN.finditer(data):
        start, end = _line_bounds(data, match.start())
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return start
    return None


def _refuse_mixed_encodings(data: bytes, utf8_end: int, file: str) -> None:
    """FileFormatError when the file mixes UTF-8 lines and GBK lines (a header in one, rows in the other).

    Read in either encoding the other part would be garbled, and GB18030 decodes most bytes without
    an error, so UTF-8 rows below a GBK header would load as mojibake. ``utf8_end`` is where the
    file stops being UTF-8; that line must read as GBK for the file to count as mixed (otherwise
    the plain encoding error names it).
    """
    start, end = _line_bounds(data, utf8_end)
    try:
        data[start:end].decode("gb18030")
    except UnicodeDecodeError:
        return
    utf8_at = _first_utf8_chinese_line(data)
    if utf8_at is None:
        return
    utf8_row, gbk_row = _line_of(data, utf8_at), _line_of(data, utf8_end)
    raise FileFormatError([Problem(
        file=file, row=min(utf8_row, gbk_row), code="mixed_encoding",
        value=" ".join(f"{b:02x}" for b in data[utf8_end:utf8_end + 4]),
        message=f"文件混用了两种编码：第{utf8_row}行是 UTF-8，第{gbk_row}行是另一种编码（多半是 GBK）；按哪一种读，另一部分都会变成乱码。"
                "这常见于把不同来源的表格粘贴到一起。请在 Excel 中打开后整个另存为“CSV UTF-8”",
        message_en=f"the file mixes two encodings: row {utf8_row} is UTF-8, row {gbk_row} another (most likely GBK); "
                   "read either way, the other part would be garbled. This happens when tables from different "
                   "sources are pasted together; open it in Excel and save it all as 'CSV UTF-8'",
        allowed="整个文件一种编码 / one encoding for the whole file")])


def _refuse_binary(data: bytes, file: str) -> None:
    """FileFormatError when the bytes are not text: a known file signature, many control bytes, or NUL bytes."""
    head = data[:8192]
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            raise _format_error(file, f"不是文本 CSV 文件（看起来是 {name} 文件）",
                                f"not a text CSV file (it looks like a {name} file)", "binary",
                                allowed="CSV（UTF-8 或 GBK）或 XLSX / CSV (UTF-8 or GBK) or XLSX")
    nul = data.find(b"\x00")
    # Text in any encoding a ledger uses has no NUL and almost no control bytes; random or
    # compressed bytes have many. A stray control character in a title is still text.
    controls = len(head.translate(None, _NOT_CONTROL_BYTES)) - head.count(b"\x00")
    if controls > max(8, len(head) // 100) or nul >= 0 and head.count(b"\x00") > max(8, len(head) // 100):
        raise FileFormatError([Problem(
            file=file, row=_line_of(data, nul) if nul >= 0 else None, code="binary",
            message="不是文本 CSV 文件（含有二进制内容）", message_en="not a text CSV file (binary content)",
            allowed="CSV（UTF-8 或 GBK）或 XLSX / CSV (UTF-8 or GBK) or XLSX")])
    if nul >= 0:
        count = data.count(b"\x00")
        rows = sorted({_line_of(data, at) for at in _first_positions(data, b"\x00", 10)})
        raise FileFormatError([Problem(
            file=file, row=rows[0], code="nul_byte",
            message=f"文本中有 {count:,} 个空字符（NUL，\\x00，第{'、'.join(map(str, rows))}行）：文本 CSV 里不会有它，"
                    "多半是导出程序出错或文件已损坏；没有删掉它们猜测原值。请在 Excel 中打开后另存为 CSV，或让导出方重新导出",
            message_en=f"the text holds {count:,} NUL byte(s) (\\x00, row(s) {', '.join(map(str, rows))}): text CSV "
                       "never does, so the exporting program failed or the file is damaged; they were not removed "
                       "to guess what was meant. Open it in Excel and save it as CSV, or export it again",
            allowed="不含 NUL 的文本 / text without NUL bytes")])


def _first_positions(data: bytes, needle: bytes, limit: int) -> list[int]:
    positions, at = [], data.find(needle)
    while at >= 0 and len(positions) < limit:
        positions.append(at)
        at = data.find(needle, at + 1)
    return positions


def _header_fields(cells: list[object], known: dict[str, schema.Field]) -> list[schema.Field | None]:
    """The field each filled cell of a header row names (None for a header not known); blank cells left out."""
    return [schema.header_field(t, known) for t in (normalize.clean_text(c) for c in cells) if t]


def _header_score(cells: list[object], known: dict[str, schema.Field]) -> tuple[int, int]:
    """(cells naming a known field, filled cells) of a row."""
    fields = _header_fields(cells, known)
    return sum(f is not None for f in fields), len(fields)


def _find_header(rows: list[list[object]]) -> int | None:
    """Index of the first row that looks like a header (≥2 known headers, or all its cells known), among the
    first ``HEADER_SEARCH_ROWS`` rows holding anything (blank rows do not count)."""
    known = _known_headers()
    filled = 0
    for index, cells in enumerate(rows):
        matched, count = _header_score(cells, known)
        if count == 0:
            continue
        if matched >= 2 or (matched >= 1 and matched == count):
            return index
        filled += 1
        if filled >= HEADER_SEARCH_ROWS:
            break
    return None


def _header_not_found(file: str, rows: list[list[object]], sheet: str | None = None) -> FileFormatError:
    """The error for a file with no header row in reach: how many rows were searched, and what was looked for."""
    filled = sum(1 for cells in rows if any(normalize.clean_text(c) for c in cells))
    if filled == 0:
        where = f"工作表「{safe_text(sheet, 40)}」" if sheet else "文件"
        return _format_error(file, f"{where}是空的", f"{'sheet ' + repr(safe_text(sheet, 40)) if sheet else 'the file'} "
                                                      "is empty", "empty_file")
    searched = min(filled, HEADER_SEARCH_ROWS)
    first = next(c for c in rows if any(normalize.clean_text(x) for x in c))
    shown = "、".join(t for t in (normalize.clean_text(c) for c in first[:6]) if t)
    in_sheet = f"工作表「{safe_text(sheet, 40)}」的" if sheet else ""
    in_sheet_en = f" of sheet '{safe_text(sheet, 40)}'" if sheet else ""
    return _format_error(
        file, f"在{in_sheet}前 {searched} 个非空行中找不到表头：表头行要有至少两个认识的列名（台账如 建议编号、标题、承办主体；"
              "已公布数字如 session、measure、source）。表头上方的标题行最多 "
              f"{HEADER_SEARCH_ROWS} 行；第一个非空行是：{safe_text(shown, 60)}",
        f"header not found in the first {searched} non-blank rows{in_sheet_en}: a header row needs at least two "
        "known column names (a ledger: 建议编号/suggestion_id, 标题/title, 承办主体/handler; published figures: "
        f"session, measure, source); at most {HEADER_SEARCH_ROWS} title rows may stand above it",
        "header_not_found", allowed="台账的表头 ledger headers: " + "、".join(
            f.zh for f in schema.LEDGER_FIELDS if f.required) + "；已公布数字 published figures: " + "、".join(
            f.name for f in schema.FIGURE_FIELDS if f.required))


def _title_text(rows: list[list[object]]) -> str:
    return " ".join(t for cells in rows for t in (normalize.clean_text(c) for c in cells) if t)


def _read_csv(data: bytes, file: str) -> _Table:
    blank = b" \t\r\n\xef\xbb\xbf"
    if not (data[:4096].strip(blank) or data.strip(blank)):  # the whole file is stripped only when its start is blank
        raise _format_error(file, "文件是空的", "the file is empty", "empty_file")
    table = _read_utf8_csv(data, file)
    if table is not None:
        return table
    text, encoding = _decode(data, file)
    if not text.strip().strip("\ufeff"):
        raise _format_error(file, "文件是空的", "the file is empty", "empty_file")
    delimiter, head, header_index = _csv_layout(text, file)
    # pandas' C parser reads UTF-8 bytes as they are; any other encoding (the BOM of utf-8-sig
    # included) goes through Python's codec in chunks, a quarter slower on a large file. So it
    # always gets UTF-8: the bytes themselves, the bytes after the BOM, or the text decoded above.
    if encoding == "utf-8":
        payload = data
    elif encoding == "utf-8-sig":
        payload = data[len(codecs.BOM_UTF8):]
    else:
        payload = text.lstrip("\ufeff").encode("utf-8")
    try:
        body = _csv_body(payload, delimiter, header_index, len(head[header_index]))
    except pd.errors.ParserError as exc:
        raise FileFormatError([_parser_problem(file, str(exc), len(head[header_index]))]) from None
    except (ValueError, csv.Error) as exc:
        raise _format_error(file, f"无法按 CSV 读取（{exc}）", f"cannot parse as CSV ({exc})", "bad_csv") from None
    if body is None:
        # pandas turns leading cells into an index when the first data row is longer than `names`
        raise FileFormatError([Problem(
            file=file, row=header_index + 2, code="too_many_fields",
            message="这一行的单元格比表头多得多，可能是引号不成对", message_en="this row has far more cells than "
            "the header; perhaps a quote is unbalanced")])
    return _csv_table(file, encoding, head, header_index, body)


def _read_utf8_csv(data: "bytes | _FileView", file: str) -> _Table | None:
    """A UTF-8 file (with or without BOM) read without decoding all of it first; None to take the careful path.

    Decoding a large file only to learn that it is UTF-8 costs a second and a copy of the whole
    text (333 MB of CSV for a million rows), so only the first characters, which the header is
    looked for in, are decoded here, and pandas decodes every cell strictly as it reads: it
    succeeds only on valid UTF-8, which is exactly when ``_decode`` would have chosen UTF-8.
    Anything else (another encoding, a NUL byte, a parser error, a head that cannot settle the
    layout) returns None, and ``_read_csv`` reads the file the careful way, errors included. A large file
    comes as a ``_FileView``: Arrow parses it from the file, and what Arrow declines is left to the caller.
    """
    if b"\x00" in data:  # pandas would end a cell at a NUL, leaving the bytes after it unchecked
        return None
    if data.startswith(codecs.BOM_UTF8):
        encoding, start = "utf-8-sig", len(codecs.BOM_UTF8)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    else:
        _refuse_binary(data, file)  # what _decode checks before trying UTF-8, in the same order
        encoding, start = "utf-8", 0
    chunk = data[start:start + 4 * _HEAD_CHARS + 4]  # at least _HEAD_CHARS characters
    complete = start + len(chunk) >= len(data)
    try:
        head_text = codecs.getincrementaldecoder("utf-8")().decode(chunk, final=complete)
    except UnicodeDecodeError:
        return None
    if complete and not head_text.strip().strip("\ufeff"):
        return None  # empty: the careful path says so
    if not complete and not (head_text.replace("\ufeff", "").strip() and "\n" in head_text):
        return None  # the file's emptiness or its first line is not settled by its start
    try:
        delimiter, head, header_index = _csv_layout(head_text, file)
    except FileFormatError as exc:
        if exc.problems[0].code == "too_many_columns":
            raise  # the careful path would only find it again, more slowly
        return None
    if not complete and len(head) <= header_index + 1:
        return None  # the rows skipped above the data might reach past the decoded start
    width = len(head[header_index])
    offset = _data_offset(head_text, header_index)
    if offset is not None:
        columns = _arrow_columns(data, start + len(head_text[:offset].encode("utf-8")), delimiter, width,
                                 first_row=header_index + 2, distinct=_id_positions(head[header_index]))
        if columns is not None:
            return _table_of_columns(file, encoding, head, header_index, *columns)
    if isinstance(data, _FileView):
        return None  # pandas reads bytes: the caller reads them
    try:
        body = _csv_body(data, delimiter, header_index, width, start=start)
    except (ValueError, csv.Error):  # UnicodeDecodeError and pandas' ParserError are ValueErrors
        return None
    if body is None:
        return None
    return _csv_table(file, encoding, head, header_index, body)


def _csv_layout(text: str, file: str) -> tuple[str, list[list[str]], int]:
    """(delimiter, first rows, index of the header row) from the start of a CSV file's text.

    Excel writes commas, a tab-separated export tabs, Excel in a European locale semicolons. The delimiter most
    frequent in the file's start is tried first (a comma on a tie), then the others it holds (a title line above
    the header may hold another). The first delimiter whose rows hold a header is the file's; when none does, the
    message is about the first tried.
    """
    first_line, start = _first_line(text), text[:_HEAD_CHARS]
    tried = sorted(_DELIMITERS, key=start.count, reverse=True)  # sorted is stable: a comma on a tie
    tried = [tried[0], *(d for d in tried[1:] if d == "," or d in start)]
    first_failure = None
    for delimiter in tried:
        if first_line.count(delimiter) >= MAX_COLUMNS:  # refused before tokenising a row of 100,000 cells
            raise _too_many_columns(file, 1, first_line.count(delimiter) + 1)
        try:
            head = _head_rows(text, delimiter)
        except csv.Error as exc:
            raise _format_error(file, f"无法按 CSV 读取（{exc}）", f"cannot parse as CSV ({exc})", "bad_csv") from None
        for number, cells in enumerate(head, start=1):
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns(file, number, len(cells))
        header_index = _find_header(head)
        if header_index is not None:
            return delimiter, head, header_index
        first_failure = first_failure or _header_not_found(file, head)
    raise first_failure


_DELIMITERS = (",", "\t", ";")


def _first_line(text: str) -> str:
    """The text up to its first line break: LF or CRLF, or CR alone (a CSV saved by Excel for the old Mac OS)."""
    match = _LINE_END.search(text)  # not text.split: that would copy the rest of a large file
    return text if match is None else text[:match.start()]


def _too_many_columns(file: str, row: int, count: int) -> FileFormatError:
    return _format_error(
        file, f"这一行有 {count:,} 个以上的单元格，超过 {MAX_COLUMNS:,} 列的上限（台账只有几十列）；没有继续读取",
        f"this row has {count:,} or more cells, over the limit of {MAX_COLUMNS:,} columns (a ledger has a few "
        "dozen); the file was not read further", "too_many_columns", row=row,
        allowed=f"≤ {MAX_COLUMNS:,} 列 columns")


def _csv_body(payload: bytes, delimiter: str, header_index: int, headers: int,
              start: int = 0) -> pd.DataFrame | None:
    """The rows below the header as object cells, read from byte ``start`` on (None when pandas took leading
    cells for an index)."""
    stream = io.BytesIO(payload)
    stream.seek(start)  # past a BOM without copying a large file
    body = pd.read_csv(stream, encoding="utf-8", sep=delimiter, header=None,
                       skiprows=header_index + 1, names=range(headers + _EXTRA_CSV_COLUMNS), dtype=object,
                       na_filter=False, skip_blank_lines=False, engine="c")
    return body if isinstance(body.index, pd.RangeIndex) else None


def _csv_table(file: str, encoding: str, head: list[list[str]], header_index: int,
               body: pd.DataFrame) -> _Table:
    body.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(body))
    return _table_of_columns(file, encoding, head, header_index, *_columns_of(body))


def _table_of_columns(file: str, encoding: str, head: list[list[str]], header_index: int,
                      columns: dict[int, "_Column"], rows: np.ndarray) -> _Table:
    headers = [str(h) for h in head[header_index]]
    return _Table(file, encoding, None, header_index + 1, headers, _title_text(head[:header_index]),
                  _trim_columns(columns, headers), rows)


_LINE_END = re.compile(r"\r\n|\r|\n")


def _data_offset(head_text: str, header_index: int) -> int | None:
    """Where the first data row starts in ``head_text`` (after the header row), or None when that is not plain.

    The rows down to the header must be lines without a quote, so that they end at their line breaks
    whoever reads them; a quoted title or header (which could hold a line break) leaves it to pandas.
    """
    ends = _LINE_END.finditer(head_text)
    end = None
    for _ in range(header_index + 1):
        end = next(ends, None)
        if end is None:
            return None
    return end.end() if '"' not in head_text[:end.end()] else None


def _id_positions(headers: list[str]) -> frozenset[int]:
    """Where the ids are: a column of nearly as many distinct values as rows (see ``_arrow_columns``)."""
    known = schema.fields_by_header(schema.LEDGER_FIELDS)
    return frozenset(position for position, header in enumerate(headers)
                     if getattr(known.get(schema.normalise_header(header)), "name", None) == "suggestion_id")


def _arrow_columns(data: "bytes | _FileView", offset: int, delimiter: str, width: int, first_row: int,
                   distinct: frozenset[int] = frozenset()) -> tuple[dict[int, "_Column"], np.ndarray] | None:
    """The data rows from byte ``offset`` on read by Arrow's CSV reader (both cores, no Python object per cell),
    each column dictionary-encoded into a ``_Column``; None to leave the file to pandas.

    Arrow and pandas' C parser split CSV alike (quotes, doubled quotes, quoted line breaks, CR, LF and
    CRLF line ends; the tests of test_load.py that say "through arrow" and "alike by arrow" compare them). Where
    they differ Arrow is not used: a row with more or fewer cells than the header (pandas pads or
    widens it, Arrow stops), text that is not UTF-8 (Arrow stops), and a quote left open at the end
    of the file (pandas reports it, Arrow would read it as one cell: checked below).

    Every cell is read as bytes and each column dictionary-encoded once for the whole file, rather
    than a dictionary per block merged afterwards (0.6 CPU s less for a million rows; the codes and values come out
    the same, values in order of first use); the file's bytes are held until its columns are encoded (about 110 MiB
    more at the peak for a million rows). The columns at ``distinct`` (the ids: a value per row) are encoded last.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pv
    except ImportError:  # an environment without pyarrow reads every file with pandas
        return None
    if offset >= len(data):
        return None
    names = [str(i) for i in range(width)]
    quoted = b'"' in data
    if isinstance(data, _FileView):  # the file open already (not its path again: it may have been replaced since)
        source = pa.PythonFile(os.fdopen(os.dup(data.fd), "rb"), mode="r")
        source.seek(offset)
    else:
        source = pa.BufferReader(pa.py_buffer(data).slice(offset))
    pool = _arrow_memory_pool(pa)
    try:
        table = pv.read_csv(
            source, memory_pool=pool,
            read_options=pv.ReadOptions(column_names=names, block_size=_ARROW_BLOCK_BYTES),
            # without a quote in the file no cell can hold a line break: blocks are cut at any line end, faster
            parse_options=pv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                                          newlines_in_values=quoted, ignore_empty_lines=False),
            # every cell as its bytes: neither checked as UTF-8 one by one nor looked up in a dictionary per block;
            # each column is encoded once below and only its distinct values are checked as UTF-8
            convert_options=pv.ConvertOptions(column_types=dict.fromkeys(names, pa.binary()),
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):  # a row of another width, …
        return None
    finally:
        source.close()
    n = table.num_rows
    if n and quoted:
        try:
            last = table.column(width - 1)[n - 1].as_py().decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _open_quote_at_end(data, last):
            return None
    chunks = table.columns
    del table
    rows = np.arange(first_row, first_row + n, dtype=np.int64)

    def encode(position: int):
        """The column at ``position`` as one dictionary for all its blocks (values in order of first use, as
        pandas.factorize gives them), its bytes let go."""
        column, chunks[position] = chunks[position], None
        return pc.dictionary_encode(column, memory_pool=pool) if column.num_chunks else None

    def column_at(encoded) -> _Column | None:
        if encoded is None:
            return _Column(np.zeros(0, dtype=np.int32), [], rows)
        # text that is not UTF-8 is refused as Arrow's string columns refuse it: the file is left to pandas. pc.cast,
        # not Array.cast, which sets pyarrow.lib.__pc: state a reused kernel's check would find left behind
        try:
            values = pc.cast(encoded.chunk(0).dictionary, pa.string())
        except pa.ArrowInvalid:
            return None
        codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
        return _Column(codes.astype(np.int32, copy=False), values.to_pylist(), rows)

    # the ids last, once the other columns' blocks are let go: their copy and hash table come on top of less
    order = sorted(range(width), key=lambda position: position in distinct)
    built: dict[int, _Column] = {}
    # a large file's columns are encoded by this thread and one more (``_encoded_beside``); a small file's (the
    # hostile corpus) in this thread alone, as two workers' allocator arenas took the validation of the whole corpus
    # in one process past a 1 GiB address-space limit (tests/unit/test_bad_inputs.py)
    encoded = _encoded_beside(order, encode) if isinstance(data, _FileView) else (
        (position, encode(position)) for position in order)
    for position, column in encoded:
        column = built[position] = column_at(column)
        if column is None:
            encoded.close()
            return None
    columns = {position: built[position] for position in range(width)}
    pool.release_unused()  # Arrow's allocator keeps freed blocks for reuse unless told
    return columns, rows


def _encoded_beside(positions: list[int], encode: Callable[[int], object]):
    """``(position, encode(position))`` for every position, encoded by this thread and one more, in no fixed order.

    Arrow's dictionary encoding lets go of the GIL, and after the parse it is the only work on the file's columns: in
    one thread it left the second core idle for about a second a million rows. Each position is taken once from a
    common queue, in ``positions``' order (the ids last); this thread also builds each column as it comes back
    (Python, holding the GIL) while the other encodes. Closed early, it takes no new position and waits for the other
    thread's column in hand.
    """
    queue, done = deque(positions), SimpleQueue()

    def taken() -> Iterable[int]:
        while True:
            try:
                yield queue.popleft()  # (atomic: each position goes to one thread)
            except IndexError:
                return

    def work() -> None:
        try:
            for position in taken():
                done.put((position, encode(position)))
        except BaseException as exc:  # handed to this thread, which raises it
            done.put((None, exc))
        done.put((None, None))

    helper = _in_background(work)
    try:
        for position in taken():
            yield position, encode(position)
        while True:
            position, value = done.get()
            if position is None:
                if value is None:
                    break
                raise value
            yield position, value
    finally:
        queue.clear()
        helper.result()


def _arrow_memory_pool(pa):
    """The allocator the CSV reader's blocks come from: jemalloc where pyarrow has it, else the system's.

    pyarrow's default here, mimalloc, gives each block's freed pages back to the system and takes them again for
    the next block: about 1 CPU s of system time per million rows (0.2 s with jemalloc or the system's).
    """
    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowException):  # a build without jemalloc (Windows)
        return pa.system_memory_pool()


# per block Arrow parses on one core: a block and its columns' distinct values stay in a core's cache (2 MiB of L2
# here); 16 MiB blocks cost about 0.35 CPU s more to read a million rows (2.8 → 2.4 CPU s, fresh processes)
_ARROW_BLOCK_BYTES = 4 << 20


def _open_quote_at_end(data: bytes, last_cell: str) -> bool:
    """True when the file ends inside a quoted cell: its bytes end with the quote that opened the last cell and
    that cell's text (its quotes doubled), never closed. pandas reports that quote; Arrow reads the rest as text."""
    return data.endswith(('"' + last_cell.replace('"', '""')).encode("utf-8"))


def _parser_problem(file: str, message: str, width: int) -> Problem:
    """pandas' tokenizer error as a Problem with the row as seen in Excel."""
    quote = re.search(r"EOF inside string starting at row (\d+)", message)
    if quote:  # pandas counts rows from 0 here
        return Problem(file=file, row=int(quote[1]) + 1, code="unbalanced_quote",
                       message="这一行有一个引号（\"）没有配对，之后的内容都被当成了一个单元格",
                       message_en="a quote (\") on this row is never closed, so the rest of the file reads as one cell",
                       allowed="引号成对出现；单元格里的引号写成两个 \"\" / quotes in pairs; a quote inside a cell as \"\"")
    fields = re.search(r"line (\d+), saw (\d+)", message)  # pandas counts lines from 1 here
    return Problem(file=file, row=int(fields[1]) if fields else None, code="too_many_fields",
                   message=f"这一行的单元格（{fields[2] if fields else '?'} 个）比表头（{width} 个）多得多",
                   message_en=f"this row has far more cells ({fields[2] if fields else '?'}) than the header ({width})",
                   allowed="每行的单元格数与表头一致；含逗号的单元格要加引号 / as many cells as the header; "
                           "quote cells that contain commas")


def _head_rows(text: str, delimiter: str) -> list[list[str]]:
    """The first rows of the text, up to ``HEADER_SEARCH_ROWS`` rows holding anything (blank lines do not count).

    Only the first ``_HEAD_CHARS`` characters are tokenised (a huge file is not read twice); a row cut at
    that point, or a cell too long for the csv module, ends the head (pandas reads the rows themselves).
    """
    reader = csv.reader(io.StringIO(text[:_HEAD_CHARS], newline=""), delimiter=delimiter)
    rows, filled = [], 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            if not rows:
                raise
            break
        rows.append(cells)
        if len(cells) > MAX_COLUMNS:
            break
        filled += any(c.strip() for c in cells)
        if filled > HEADER_SEARCH_ROWS:
            break
    return rows


def _columns_of(body: pd.DataFrame) -> tuple[dict[int, "_Column"], np.ndarray]:
    """The columns of a body of object cells (columns 0..n-1, Excel row numbers as index), each factorised."""
    rows = body.index.to_numpy(dtype=np.int64)
    return {int(position): _Column.of(body[position], rows) for position in body.columns}, rows


def _trim_columns(columns: dict[int, "_Column"], headers: list[object]) -> dict[int, "_Column"]:
    """Drop columns without a header that hold nothing at all (beyond the header, or a trailing comma)."""
    return {position: column for position, column in columns.items()
            if position < len(headers) and normalize.clean_text(headers[position]) is not None
            or not column.blank().all()}


def _read_xlsx(data: bytes, file: str, sheet: str | None) -> _Table:
    """The sheet a user means (see ``_choose_sheet``) read within the budget of ``analysis.xlsx``."""
    workbook = xlsx.Workbook(data, file)
    try:
        chosen, notes = _choose_sheet(workbook, sheet, file)
        cells = xlsx.read_fast(workbook, chosen)  # a large sheet calamine reads exactly alike (see analysis.xlsx)
        if cells is None:
            cells = workbook.read(chosen)
        numbers = [number for number, _ in cells.rows]
        rows = [values for _, values in cells.rows]
        header_index = _find_header(rows)
        if header_index is None:
            if sheet is None:
                _refuse_hidden_ledger(workbook, file)
            raise _header_not_found(file, rows, chosen.name)
    finally:
        workbook.close()
    header_row = numbers[header_index]
    headers = ["" if c is None else str(c) for c in rows[header_index]]

    def value_at(row: int, column: int) -> object:
        at = bisect.bisect_left(numbers, row)
        return rows[at][column] if at < len(numbers) and numbers[at] == row and column < len(rows[at]) else None

    merged = xlsx.merged_data_error(file, chosen.name, cells.layout, header_row, headers, value_at)
    if merged is not None:
        raise merged
    below = rows[header_index + 1:]
    width = max([len(headers), *(len(r) for r in below)])
    body = pd.DataFrame([r + [None] * (width - len(r)) for r in below], columns=range(width), dtype=object,
                        index=pd.Index(numbers[header_index + 1:], dtype="int64"))
    faults = _error_cells(body) + [_CellFault(f.row, f.position, f.formula, f.error) for f in cells.faults
                                   if f.row >= header_row]
    columns, data_rows = _columns_of(body)
    return _Table(file, "xlsx", chosen.name, header_row, headers, _title_text(rows[:header_index]),
                  _trim_columns(columns, headers), data_rows, cell_faults=faults, notes=notes, layout=cells.layout)


def _sheet_note(file: str, zh: str, en: str, code: str) -> Problem:
    return Problem(file=file, message=zh, message_en=en, code=code, severity="warning")


def _sheet_header(workbook: xlsx.Workbook, sheet: xlsx.Sheet) -> list[object] | None:
    """The header row of ``sheet`` among its first rows (read only until it is found), or None."""
    found = lambda rows: _find_header([values for _, values in rows]) is not None  # noqa: E731
    cells = workbook.read(sheet, limit_rows=HEADER_SEARCH_ROWS + 1, max_columns=xlsx.MAX_EXCEL_COLUMNS, until=found)
    rows = [values for _, values in cells.rows]
    index = _find_header(rows)
    return None if index is None else rows[index]


def _has_header(workbook: xlsx.Workbook, sheet: xlsx.Sheet) -> bool:
    return _sheet_header(workbook, sheet) is not None


def _missing_columns(header: list[object]) -> list[str]:
    """The columns a ledger cannot do without that ``header`` lacks (the session may come from a title or the file's
    name); none when it is a whole ledger's or a whole published-figures file's header."""
    present = {f.name for f in _header_fields(header, _known_headers()) if f is not None}
    if all(f.name in present for f in schema.FIGURE_FIELDS if f.required):
        return []
    return [f.zh for f in _LEDGER_OWN_COLUMNS if f.name not in present]


_LEDGER_OWN_COLUMNS = tuple(f for f in schema.LEDGER_FIELDS if f.required and f.name != "session")


def _choose_sheet(workbook: xlsx.Workbook, option: str | None, file: str) -> tuple[xlsx.Sheet, list[Problem]]:
    """The sheet a user means, and warnings saying how it was chosen.

    ``--sheet`` names it (a hidden one too, with a warning). Otherwise: the sheet Excel shows when the
    file opens (the active one, or the first visible one when that is hidden), if it has a header row;
    other visible sheets with a header are named in a warning. When the active sheet has none, the one
    visible sheet that has is read (with a warning), or the one whose header is whole; several are refused. An
    active sheet whose header holds none of a ledger's own columns (a cover sheet headed 说明) counts as having
    none when one other sheet's header is whole. Hidden sheets are never read
    unasked: a stale copy kept hidden is a common way to keep old data in a workbook.
    """
    sheets = workbook.sheets
    shown = lambda s: safe_text(s.name, 40)  # noqa: E731
    if option is not None:
        matches = [s for s in sheets if s.name == option] or \
            [s for s in sheets if s.name.strip().casefold() == option.strip().casefold()]
        if not matches:
            names = [shown(s) + ("（隐藏）" if not s.visible else "") for s in sheets]
            raise _format_error(file, f"工作簿中没有名为「{safe_text(option, 40)}」的工作表",
                                f"the workbook has no sheet named '{safe_text(option, 40)}'", "missing_sheet",
                                allowed="、".join(names))
        chosen = matches[0]
        if chosen.kind != "worksheet":
            raise _format_error(file, f"「{shown(chosen)}」是图表工作表，没有表格", f"'{shown(chosen)}' is a chart sheet, "
                                "not a table", "chart_sheet", allowed="、".join(shown(s) for s in sheets
                                                                                if s.kind == "worksheet"))
        notes = []
        if not chosen.visible:
            notes.append(_sheet_note(file, f"工作表「{shown(chosen)}」是隐藏的；因为 --sheet 指明了它，仍然读取",
                                     f"sheet '{shown(chosen)}' is hidden; read because --sheet names it",
                                     "hidden_sheet"))
        return chosen, notes
    visible = [s for s in sheets if s.visible and s.kind == "worksheet"]
    if not visible:
        _refuse_hidden_ledger(workbook, file)
        raise _format_error(file, "工作簿中没有可见的、有表格的工作表", "the workbook has no visible worksheet",
                            "no_visible_sheet")
    active = sheets[workbook.active] if 0 <= workbook.active < len(sheets) else None
    if active is None or active not in visible:
        active = visible[0]  # what Excel shows when the active tab is hidden or not a table
    if len(visible) == 1:
        return active, []
    headers = {id(s): _sheet_header(workbook, s) for s in visible}
    candidates = [s for s in visible if headers[id(s)] is not None]
    missing = {id(s): _missing_columns(headers[id(s)]) for s in candidates}
    whole = [s for s in candidates if not missing[id(s)]]
    # a sheet shown on opening whose header holds none of a ledger's own columns (a cover, 填表说明) is passed over
    # for the one whole ledger; one holding some of them is the user's ledger with a fault, read and reported
    cover = active in candidates and len(missing[id(active)]) == len(_LEDGER_OWN_COLUMNS)
    if active in candidates and not (cover and len(whole) == 1):
        others = [s for s in candidates if s is not active]
        if not others:
            return active, []
        names = [shown(s) for s in [active, *others]]
        return active, [_sheet_note(
            file, f"工作簿中有 {len(names)} 个工作表有表头：{'、'.join(names)}；读取的是打开文件时显示的工作表「{names[0]}」。"
                  "若要读其他工作表，请用 --sheet 名称",
            f"{len(names)} sheets of the workbook have a header: {', '.join(names)}; the one shown when the file "
            f"opens, '{names[0]}', was read. To read another, use --sheet NAME", "several_sheets")]
    if active in candidates:  # a cover: its header holds none of a ledger's own columns, one other sheet's all
        (chosen,) = whole
        return chosen, [_sheet_note(
            file, f"打开文件时显示的工作表「{shown(active)}」的表头缺少台账必需的列（{'、'.join(missing[id(active)])}）；读取的是唯一"
                  f"表头齐全的可见工作表「{shown(chosen)}」。若要读其他工作表，请用 --sheet 名称",
            f"the header of the sheet shown when the file opens, '{shown(active)}', lacks columns a ledger needs "
            f"({', '.join(missing[id(active)])}); the one visible sheet with a whole header, '{shown(chosen)}', was read. To read "
            "another, use --sheet NAME", "other_sheet")]
    if len(candidates) == 1 or len(whole) == 1:
        chosen = candidates[0] if len(candidates) == 1 else whole[0]
        return chosen, [_sheet_note(
            file, f"打开文件时显示的工作表「{shown(active)}」里没有表头；读取的是唯一"
                  + ("有表头" if len(candidates) == 1 else "表头齐全") + f"的可见工作表「{shown(chosen)}」",
            f"the sheet shown when the file opens, '{shown(active)}', has no header; the one visible sheet with a "
            + ("" if len(candidates) == 1 else "whole ") + f"header, '{shown(chosen)}', was read", "other_sheet")]
    if candidates:
        names = [shown(s) for s in candidates]
        raise _format_error(
            file, f"打开文件时显示的工作表「{shown(active)}」里没有表头，而有表头的工作表有 {len(names)} 个：{'、'.join(names)}；"
                  f"请用 --sheet 指明读哪一个，如 --sheet {names[0]}",
            f"the sheet shown when the file opens, '{shown(active)}', has no header row, and {len(names)} sheets "
            f"have one: {', '.join(names)}; name the one to read with --sheet, e.g. --sheet {names[0]}",
            "wrong_sheet", allowed="、".join(names))
    return active, []  # no header anywhere visible: reading it says so (or names a hidden sheet that has one)


def _refuse_hidden_ledger(workbook: xlsx.Workbook, file: str) -> None:
    """FileFormatError naming the hidden sheets that have a header, when no visible one has (else nothing)."""
    hidden = [s for s in workbook.sheets if not s.visible and s.kind == "worksheet" and _has_header(workbook, s)]
    if not hidden:
        return
    names = [safe_text(s.name, 40) for s in hidden]
    raise _format_error(
        file, f"可见的工作表里没有表头，有表头的工作表「{'、'.join(names)}」是隐藏的；隐藏的工作表不会自动读取（常用来存放旧数据）。"
              f"若它就是要读的台账，请取消隐藏，或用 --sheet {names[0]}",
        f"no visible sheet has a header; the sheet(s) with one ({', '.join(names)}) are hidden, and hidden sheets "
        f"are never read unasked (they often keep old data). If it is the ledger, unhide it or use "
        f"--sheet {names[0]}", "hidden_sheet", allowed="、".join(names))


# What Excel shows in a cell whose formula failed; kept as such when pasted as values.
_EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                 "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")


def _error_cells(body: pd.DataFrame) -> list[_CellFault]:
    """Cells holding the text of an Excel error value, blanked in ``body`` (an error is not data)."""
    mask = body.isin(_EXCEL_ERRORS).to_numpy()
    if not mask.any():
        return []
    faults = [_CellFault(int(body.index[i]), int(body.columns[j]), None, str(body.iat[i, j]))
              for i, j in zip(*np.nonzero(mask))]
    body[body.isin(_EXCEL_ERRORS)] = None
    return faults


# ---------------------------------------------------------------------------------------
# Column helpers: normalise each distinct value once, map back
# ---------------------------------------------------------------------------------------


def _clean(value: object) -> str | None:
    """A stripped string or None; a fast path of ``normalize.clean_text`` for text cells."""
    if type(value) is str:
        text = value.strip()
        if text[:1] == "\ufeff" or text[-1:] == "\ufeff":
            # a byte-order mark left by concatenated exports; one inside the text is the
            # user's (a zero-width no-break space) and is kept
            text = text.strip("\ufeff").strip()
        if text[:2] == '="':
            text = normalize.excel_text_formula(text)
        return text or None
    return normalize.clean_text(value)


def _clean_all(values: list) -> list:
    """``_clean`` of each value; text in bulk, as an id column of a large ledger has a million distinct values.

    ``values`` itself when no value changes (the rule for a file written by a program): no copy, and none blank.
    """
    if not {*map(type, values)} <= {str}:
        return [_clean(v) for v in values]
    if all(values) and (joined := "".join(values)).isprintable() and " " not in joined and '="' not in joined:
        # checked in C: no value is blank, and none holds a space (no other space is printable), a byte-order mark
        # (not printable) or ="…", so ``_clean`` changes none
        return values
    stripped = list(map(str.strip, values))
    if all(stripped) and "\ufeff" not in (joined := "".join(stripped)) and '="' not in joined:
        return stripped  # the rule, checked without a loop in Python: no blank, no byte-order mark, no ="001"
    # the rare value with a byte-order mark or written ="001" takes the careful path; empty text is blank
    return [_clean(t) if "\ufeff" in t or t[:2] == '="' else (t or None) for t in stripped]


@dataclass
class _Column:
    """One column of cells, factorised once: a code per row into its distinct values."""

    codes: np.ndarray  # index into ``uniques`` per row; -1 = a missing cell
    uniques: list
    rows: np.ndarray  # Excel row number per row
    _cleaned: list | None = None  # _clean of each distinct value, computed once
    _blank_table: np.ndarray | None = None  # per distinct value (and a last slot for missing): blank?

    @classmethod
    def of(cls, series: pd.Series, rows: np.ndarray) -> "_Column":
        """Factorise a column of object cells; ``rows`` are their Excel row numbers."""
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
        return cls(codes.astype(np.int32, copy=False), list(uniques), rows)

    def first(self) -> object:
        """The first row's cell (None when missing)."""
        return self.uniques[self.codes[0]] if self.codes[0] >= 0 else None

    def take(self, mask: np.ndarray) -> "_Column":
        """The rows where ``mask`` is True."""
        if mask.all():  # the usual case: no blank or total rows to drop, nothing to copy
            return self
        return _Column(self.codes[mask], self.uniques, self.rows[mask], self._cleaned, self._blank_table)

    @property
    def cleaned(self) -> list:
        """Each distinct value stripped (None when blank), computed once per column."""
        if self._cleaned is None:
            self._cleaned = _clean_all(self.uniques)
        return self._cleaned

    def per_row(self, per_unique: list, missing: object) -> np.ndarray:
        """Spread one value per distinct value (plus ``missing`` for absent cells) over the rows."""
        table = np.empty(len(per_unique) + 1, dtype=object if not isinstance(missing, bool) else bool)
        table[: len(per_unique)] = per_unique
        table[-1] = missing
        return table[self.codes]

    def blank(self) -> np.ndarray:
        """True where the cell is empty (None, NaN, '' or spaces)."""
        if self._blank_table is None:  # asked for once per column and rule: decided once per value
            if self.cleaned is self.uniques:  # no value needed cleaning, so none is blank (a million ids)
                self._blank_table = np.zeros(len(self.uniques) + 1, dtype=bool)
                self._blank_table[-1] = True
            else:
                self._blank_table = np.array([t is None for t in self.cleaned] + [True], dtype=bool)
        return self._blank_table[self.codes]


@dataclass
class _Mapped:
    """A column after its normaliser ran on each distinct value."""

    column: _Column
    table: list  # normalised value per distinct value (None = blank or bad)
    failed: dict[int, str]  # distinct-value index → the normaliser's reason
    _typed: dict = field(default_factory=dict, repr=False)  # kind → the typed column, built once (checks, then frame)

    @functools.cached_property
    def blank(self) -> np.ndarray:
        """Per row: the cell is empty (spread over the rows only for the columns whose blanks are checked)."""
        return self.column.blank()

    @property
    def values(self) -> np.ndarray:
        """Normalised value per row (object array; None = blank or bad)."""
        return self.column.per_row(self.table, None)

    def bad_groups(self) -> list[tuple[object, str, np.ndarray]]:
        """(raw value, reason, Excel rows) for each distinct value the normaliser rejected, by first row."""
        if not self.failed:
            return []
        bad = np.isin(self.column.codes, list(self.failed))
        codes, rows = self.column.codes[bad], self.column.rows[bad]
        return [(self.column.uniques[code], self.failed[code], rows[chunk]) for code, chunk in _split_by_code(codes)]

    def typed(self, kind: str):
        """The column as its dtype: string / Int64 / boolean / datetime64[ns] (NA for blank or bad), built once."""
        if kind not in self._typed:  # the date checks and the frame ask for the same dates
            self._typed[kind] = self._build_typed(kind)
        return self._typed[kind]

    def _build_typed(self, kind: str):
        if kind == "date":
            table = np.array([np.datetime64("NaT") if v is None else np.datetime64(v, "ns") for v in self.table]
                             + [np.datetime64("NaT")], dtype="datetime64[ns]")
            return table[self.column.codes]
        if kind not in _TYPED_KINDS:
            return factors.text_array(self.table, self.column.codes)
        table = pd.array(list(self.table) + [None], dtype=_TYPED_KINDS[kind])
        return table.take(np.where(self.column.codes < 0, len(self.table), self.column.codes))

    def present(self) -> list:
        """The normalised values some row holds (decided on the codes, not on the rows' values)."""
        used = np.bincount(self.column.codes[self.column.codes >= 0], minlength=len(self.table)) > 0
        return [value for value, there in zip(self.table, used) if there]

    def per_unique_flag(self, predicate: Callable[[object], bool]) -> np.ndarray:
        """Per row: ``predicate`` of the normalised value (False where blank or bad)."""
        return self.column.per_row([v is not None and predicate(v) for v in self.table], False)


def _map(column: _Column, func: Callable[[object], object]) -> _Mapped:
    """Apply ``func`` to each distinct value; a ValueError marks that value bad."""
    if func is _clean:
        return _Mapped(column, column.cleaned, {})  # (no table is edited: the cleaned values serve as they are)
    if func is _parse_id:
        # mostly distinct (a million in a large ledger): ASCII ids are their stripped text
        cleaned = column.cleaned
        if "".join(cleaned if cleaned is column.uniques else filter(None, cleaned)).isascii():  # (in C)
            out = cleaned
        else:
            out = [t if t is None or t.isascii() else _parse_id(t) for t in column.cleaned]
        return _Mapped(column, out, {})
    # text-only parsers see the stripped text; the others need the raw cell (Excel numbers, dates)
    on_text = func in _TEXT_PARSERS
    out: list[object] = []
    failed: dict[int, str] = {}
    for index, raw in enumerate(column.cleaned if on_text else column.uniques):
        if func is _parse_date and type(raw) is str:  # thousands of distinct dates, mostly the same in each file
            parsed, reason = _parse_date_text(raw)
            out.append(parsed)
            if reason is not None:
                failed[index] = reason
            continue
        try:
            out.append(None if on_text and raw is None else func(raw))
        except ValueError as exc:
            out.append(None)
            failed[index] = str(exc)
    return _Mapped(column, out, failed)


def _empty_typed(n: int, kind: str):
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if kind not in _TYPED_KINDS:
        return factors.text_array((), np.full(n, -1, dtype=np.intp))
    return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=_TYPED_KINDS[kind]).array


def _choice(f: schema.Field) -> Callable[[object], str | None]:
    allowed = set(f.allowed)
    synonyms = {normalize.fold_width(k).lower().replace(" ", ""): v for k, v in f.synonyms.items()}

    def parse(value: object) -> str | None:
        text = _clean(value)
        if text is None:
            return None
        text = normalize.fold_width(text).strip()
        if text in allowed:
            return text
        target = synonyms.get(text.lower().replace(" ", ""))
        if target is None:
            raise ValueError("a score" if f.name == "satisfaction" and _SCORE.fullmatch(text)
                             else "not one of the allowed values")
        return target

    return parse


# A satisfaction written as a score (95, 78分, 85.5): offices rate by score bands of their own (80–100 / 60–79 / <60
# in many, others elsewhere), so a band is named in the message, never applied
_SCORE = re.compile(r"(?:100|\d{1,2})(?:\.\d+)?\s*分?")


def _fold_label(text: str) -> str:
    return normalize.fold_width(text).strip().lower().replace(" ", "")


# what separates the classes a cell may name: lists (A、C), alternatives (A或B), a description in brackets after a
# code (A类（留作参考）names C as well)
_LABEL_PARTS = re.compile(r"[/／、，,；;|｜+＋&＆（）()【】\[\]]|以及|及|和|与|或|另")


def _scheme_classifier(scheme: schemes.OutcomeScheme) -> Callable[[object], str | None]:
    """Class code of an outcome label; ValueError for an unknown label, and for one naming two classes.

    A label the scheme lists is taken whole ("正在解决或列入计划解决"), also with 类 after it ("留作参考类").
    Anything else is read by its leading code ("A类（已解决）", "A类（部分解决）"), and is refused when it also
    names another class: "A类/B类", "A、C", "B-部分解决；另A", "A类（留作参考）" say two outcomes, and picking
    the first would be a guess.
    """
    whole = {_fold_label(label) for c in scheme.classes for label in (c.code, *c.labels)}
    letters = [c.code for c in scheme.classes if c.code.isascii() and c.code.isalpha()]
    standalone = re.compile(r"(?<![a-z])(" + "|".join(re.escape(c.lower()) for c in letters) + r")(?![a-z])") \
        if letters else None

    others: list[schemes.OutcomeScheme] = []  # the other shipped schemes, named when a label is one of theirs

    def parse(value: object) -> str | None:
        text = _clean(value)
        if text is None:
            return None
        code = scheme.classify(text)
        folded = _fold_label(text)
        if folded in whole:
            return code
        parts = _LABEL_PARTS.split(folded)
        if code is not None and folded.startswith(_fold_label(code)):  # the words after the code: B类已解决 names A
            parts += _LABEL_PARTS.split(folded[len(_fold_label(code)):].lstrip("类-—:： "))
        found = [scheme.classify(part) for part in parts if part]
        named = {*found, code}
        if standalone is not None:
            named |= {c for c in letters if c.lower() in standalone.findall(folded)}
        named.discard(None)
        if len(named) > 1:
            raise ValueError("several classes: " + "、".join(c for c in scheme.codes if c in named))
        if code is None and not (named and all(found)):  # 已解决和基本解决: each part a label of one class
            if not others:  # read once, at the first unknown label (this scheme among them knows none)
                others.extend(schemes.load_scheme(name) for name in schemes.available_schemes())
            raise ValueError("not a label of the outcome scheme" + _in_other_schemes(text, others))
        return code or named.pop()

    return parse


def _in_other_schemes(label: str, others: list[schemes.OutcomeScheme]) -> str:
    """'; in four_class: B' when another shipped scheme knows ``label`` (the ledger may follow it)."""
    for other in others:
        code = other.classify(label)
        if code is not None:
            return f"; in {other.name}: {code}"
    return ""


_DECIMAL = re.compile(r"[+-]?\d+\.\d+")


def _session_parser(value: object) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    if _DECIMAL.fullmatch(normalize.fold_width(text)):
        # Excel keeps 19.10 as the number 19.1: which session was typed cannot be known
        raise ValueError("a decimal number")
    label = sessions.canonical_session(text)
    if label is None:
        # a standing-committee meeting, a year or a span is a period, but a suggestion is raised at one session
        raise ValueError("not one plenary session" if sessions.parse_period(text) else "not a session label")
    return label


def _parse_int(value: object) -> int | None:
    number = normalize.parse_int(value)
    if number is not None and number < 0:
        raise ValueError("negative")
    return number


def _parse_year(value: object) -> int | None:
    if isinstance(value, str):  # 2024年 and 2024年度 are how a year is written in Chinese: the number is the year
        value = re.sub(r"\s*年度?\s*$", "", value)
    number = normalize.parse_int(value)
    if number is not None and not 1949 <= number <= 2100:
        raise ValueError("implausible year")
    return number


def _parse_date(value: object):
    date = normalize.parse_date(value)
    if date is not None and not 1950 <= date.year <= 2100:
        raise ValueError(f"implausible date ({date.isoformat()})")
    return date


@functools.lru_cache(maxsize=1 << 16)
def _parse_date_text(text: str) -> tuple[object, str | None]:
    """``_parse_date`` of a text cell, remembered: (the date, None), or (None, why not).

    A ledger's three date columns share about half their distinct texts (0.4 CPU s a million rows parsed them one
    column at a time). Remembered for one call of a public function (``_each_call_afresh``): a normaliser replaced
    between calls is heard.
    """
    try:
        return _parse_date(text), None
    except ValueError as exc:
        return None, str(exc)


def _parse_id(value: object) -> str | None:
    # '１２' typed with a Chinese input method and '12' are the same number
    text = _clean(value)
    if text is None or text.isascii():
        return text
    # an id is a key: 'S-001' with a zero-width space or a bidi control pasted in is still S-001
    return normalize.fold_width(normalize.without_invisible(text)).strip() or None


_TEXT_PARSERS: set = {_parse_id, _session_parser}  # parsers that only need the stripped text


_KIND_MESSAGES = {
    # kind → (zh message, en message, allowed)
    "int": ("不是整数", "not a whole number", "整数，如 12 / a whole number, e.g. 12"),
    "bool": ("不是 是/否", "not yes/no", "是/否、√/×、Y/N、1/0；提出时段可写 会期/闭会"),
    "date": ("不是有效日期", "not a valid date",
             "日期，如 2024-03-05、2024年3月5日、2024/3/5 或 Excel 日期 / a date such as 2024-03-05"),
    "session": ("不是可识别的届次", "not a session label",
                "如 十九届人大一次会议、第十九届人民代表大会第一次会议、十九届一次"),
}


def _value_problem(kind: str, detail: str) -> tuple[str, str]:
    """zh and en wording for a bad value of this kind, sharpened by the normaliser's reason."""
    zh, en, _ = _KIND_MESSAGES.get(kind, ("值不符合要求", "invalid value", ""))
    if kind == "session" and detail == "not one plenary session":
        return ("不是一次人大会议（常委会会议、年度或几次会议合计不能作台账的届次）",
                "not one plenary session (a standing-committee meeting, a year or several sessions cannot be a "
                "ledger's session)")
    if kind == "session" and detail == "a decimal number":
        return ("届次写成了小数：Excel 会把 19.10 存成 19.1，无法知道原来是哪一次会议；请写成 十九届人大十次会议 或 19-10",
                "the session is a decimal number: Excel stores 19.10 as 19.1, so which session was meant cannot be "
                "known; write it as 十九届人大十次会议 or 19-10")
    if kind == "int" and detail == "negative":
        return "数量不能为负数", "a count cannot be negative"
    if kind == "int" and detail == "implausible year":
        return "年度不合理", "implausible year"
    if kind == "date" and detail.startswith("a two-digit year"):
        return ("年份只写了两位：24-3-5 可能是 2024年3月5日，也可能是 2005年3月24日；请写全四位年份，如 2024-03-05",
                detail)
    if kind == "date" and detail.startswith("the year last"):
        return ("年份写在最后：05/03/2024 在多数地方是 3月5日，在美国是 5月3日；请按 年-月-日 写，如 2024-03-05", detail)
    if kind == "date" and detail.startswith("no year"):
        return "日期没有年份：3月5日 是哪一年的，表里没写；请写全，如 2024年3月5日", detail
    weekday = re.match(r"the weekday does not match \((\S+) is a (\S+), not a (\S+)\)", detail) if kind == "date" else None
    if weekday:
        date, real, written = weekday.groups()
        return f"日期和星期对不上（{date} 是{real}，表里写的是{written}）：不知道哪个是对的；请核对后只写日期", detail
    if kind == "date" and detail.startswith("no such date"):
        return f"不存在的日期（{detail[14:-1]}）", detail
    if kind == "date" and detail.startswith("implausible date"):
        return f"日期不合理（{detail[18:-1]}）", detail
    return zh, f"{en} ({detail})"


# ---------------------------------------------------------------------------------------
# Header matching, blank and total rows
# ---------------------------------------------------------------------------------------


@dataclass
class _Columns:
    by_field: dict[str, int]  # canonical name → body column position
    written: dict[str, str]  # canonical name → header as written
    unknown: list[tuple[int, str]]  # (position, header as written) not in the declaration


def _match_headers(table: _Table, fields: tuple[schema.Field, ...], problems: _Problems) -> _Columns:
    lookup = schema.fields_by_header(fields)
    by_field: dict[str, int] = {}
    written: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    for position in table.columns:
        header = table.headers[position] if position < len(table.headers) else ""
        header_text = _clean(header) or ""
        if not header_text:
            unknown.append((position, f"第{position + 1}列（无表头）"))
            problems.add(f"第{position + 1}列有内容但没有表头", f"column {position + 1} has values but no header",
                         row=table.header_row, code="no_header", severity="warning",
                         allowed="给该列加表头，或删除该列 / add a header or delete the column")
            continue
        f = schema.header_field(header_text, lookup)
        if f is None:
            unknown.append((position, header_text))
        elif f.name in by_field:
            shown = safe_text(header_text, 40)
            first = by_field[f.name]
            hidden = [p for p in (first, position) if table.layout and table.layout.is_hidden(p)]
            # in a workbook each column is named by its letter too, and a hidden one is said to be hidden
            at_zh, at_en = (
                [f"（{xlsx.column_letters(p)}列）" for p in (first, position)],
                [f" (column {xlsx.column_letters(p)})" for p in (first, position)]) if table.layout else (["", ""], ["", ""])
            where_zh = "".join(f"；{xlsx.column_letters(p)}列是隐藏的列（常存放旧数据；Excel 中选中它两侧的列 → 右键 → "
                               "取消隐藏 可见）" for p in hidden)
            where_en = "".join(f"; column {xlsx.column_letters(p)} is hidden (often old data; select the columns "
                               "beside it → right-click → Unhide)" for p in hidden)
            problems.add(f"两列都表示「{f.zh}」（{f.name}）：「{written[f.name]}」{at_zh[0]}和「{shown}」{at_zh[1]}{where_zh}，"
                         "请删除或改名其中一列",
                         f"two columns both mean {f.name}: '{written[f.name]}'{at_en[0]} and '{shown}'{at_en[1]}"
                         f"{where_en}; delete or rename one", row=table.header_row, column=shown,
                         code="duplicate_column")
        else:
            by_field[f.name] = position
            written[f.name] = safe_text(header_text, 40)  # as shown in messages
    names = [safe_text(name, 40) for position, name in unknown
             if position < len(table.headers) and _clean(table.headers[position])]
    if names:
        problems.add("未知的列（保留但不分析）：" + "、".join(names),
                     "unknown columns (kept, not analysed): " + ", ".join(names),
                     row=table.header_row, code="unknown_column", severity="warning")
    read = {f.allowed for f in fields if f.name in by_field}  # levels a column is already read as: not named again
    _name_choice_columns(table, unknown, [f for f in fields if f.kind == "choice" and f.allowed not in read], problems)
    _cell_fault_problems(table, set(by_field.values()), problems)
    return _Columns(by_field, written, unknown)


_CHOICE_VALUES_MAX = 20  # an unknown column with more distinct values is text, not a choice


def _name_choice_columns(table: _Table, unknown: list[tuple[int, str]], missing: list[schema.Field],
                         problems: _Problems) -> None:
    """An unknown column whose values are all a missing choice column's (代表意见: 满意、基本满意) is not read by
    guess, but the warning says which header would read it: otherwise the satisfaction rate is silently not known."""
    for position, header in unknown:
        column = table.columns.get(position)
        if column is None or len(column.uniques) > 2 * _CHOICE_VALUES_MAX:  # text: its values are not cleaned here
            continue
        values = [v for v in column.cleaned if v is not None]
        if not values or len(values) > _CHOICE_VALUES_MAX:
            continue
        for f in missing:
            parse = _choice(f)
            try:
                if all(parse(v) is not None for v in values):
                    break
            except ValueError:
                continue
        else:
            continue
        shown = "、".join(safe_text(v, 20) for v in values[:5])
        problems.add(f"列「{safe_text(header, 40)}」的值（{shown}）都是「{f.zh}」的取值，但没有按「{f.zh}」读入；"
                     f"若它就是{f.zh}，请把表头改为「{f.zh}」",
                     f"the values of column '{safe_text(header, 40)}' ({shown}) are all values of {f.name} "
                     f"({f.zh}), but it is not read as {f.name}; if it is, rename its header to '{f.zh}'",
                     row=table.header_row, column=safe_text(header, 40), code="unknown_column", severity="warning",
                     allowed=f"{f.zh}：" + "、".join(f.allowed))


_NO_ROWS = np.array([], dtype=np.int64)
_TICK_HEADER = re.compile(r"(满意|基本满意|不满意)(?:\s*[（(][^）)]*[）)])?")  # 满意（√）: a note is allowed


def _satisfaction_from_ticks(table: _Table, problems: _Problems) -> tuple[_Table, np.ndarray]:
    """A ledger rating satisfaction in three tick columns (满意 | 基本满意 | 不满意, a √ in one of them) read as one
    satisfaction column: each row's level is the column ticked. A row with two ticks or a cell that is no tick
    (√/✓/是/1, or ×/否/0/blank for none) is an error naming it; nothing is guessed. A ledger with a satisfaction
    column, or without all three tick columns once each, is left as it is. Also returned: the rows whose ticks are
    reported as faulty (their satisfaction is unknown, not blank: no second message)."""
    lookup = schema.fields_by_header(schema.LEDGER_FIELDS)
    below = _tick_headers_below(table, lookup)
    table = below or table
    ticks: dict[str, int] = {}
    for position in table.columns:
        header = _clean(table.headers[position]) if position < len(table.headers) else None
        if header is None:
            continue
        field_of = schema.header_field(header, lookup)
        if field_of is not None and field_of.name == "satisfaction":
            return table, _NO_ROWS  # a satisfaction column of its own: the tick columns (if any) stay unknown columns
        level = _TICK_HEADER.fullmatch(normalize.fold_width(header))
        if level and field_of is None:
            if level[1] in ticks:
                return table, _NO_ROWS  # two columns for one level: which one counts cannot be told
            ticks[level[1]] = position
    if len(ticks) != len(schema.SATISFACTION_LEVELS):
        return table, _NO_ROWS
    positions = [ticks[level] for level in schema.SATISFACTION_LEVELS]
    names = [safe_text(_clean(table.headers[p]), 20) for p in positions]
    ticked, bad = [], []
    for position, name in zip(positions, names):
        column = table.columns[position]
        states = []  # per distinct value: True (ticked), False (not), None (not a tick)
        for value in column.uniques:
            try:
                states.append(bool(normalize.parse_bool(value)))
            except ValueError:
                states.append(None)
        wrong = np.array([state is None for state in states] + [False], dtype=bool)[column.codes]
        problems.add_rows(column.rows[wrong], np.array(column.uniques + [None], dtype=object)[column.codes[wrong]],
                          f"满意度按三列打勾读取，「{name}」列的这一格不是勾",
                          f"satisfaction is read from three tick columns, and this cell of '{name}' is no tick",
                          column=name, allowed="√、✓、是、1（勾选）；空、×、否、0（未勾） / a tick, or blank", code="bad_tick")
        ticked.append(np.array([state is True for state in states] + [False], dtype=bool)[column.codes])
        bad.append(wrong)
    count = np.sum(ticked, axis=0)
    rows = table.columns[positions[0]].rows
    several = count > 1
    for chosen in sorted({tuple(t[i] for t in ticked) for i in np.flatnonzero(several)}):
        at = several & np.all([t == c for t, c in zip(ticked, chosen)], axis=0)
        both = "、".join(n for n, c in zip(names, chosen) if c)
        problems.add_rows(rows[at], None, f"满意度勾了{int(sum(chosen))}项（{both}），每行只能勾一项",
                          f"{int(sum(chosen))} satisfaction levels are ticked ({both}); tick one a row",
                          column=both, allowed="满意、基本满意、不满意 三列中勾一列 / one of the three", code="several_ticks")
    codes = np.full(len(rows), -1, dtype=np.int32)
    faulty = several | np.any(bad, axis=0)
    for index, chosen in enumerate(ticked):
        codes[chosen & ~faulty] = index
    header = next(f.zh for f in schema.LEDGER_FIELDS if f.name == "satisfaction")
    headers = list(table.headers)
    headers[positions[0]] = header
    columns = {p: c for p, c in table.columns.items() if p not in positions[1:]}
    columns[positions[0]] = _Column(codes, list(schema.SATISFACTION_LEVELS), rows)
    letters = "、".join(xlsx.column_letters(p) for p in positions)
    two_rows = (f"（表头占两行：第{table.header_row}行「{header}」下第{table.header_row + 1}行分三列）" if below else "",
                f" (a header over two rows: {header} in row {table.header_row}, the three below it)" if below else "")
    problems.add(f"{header}读自「{'」「'.join(names)}」三列（{letters}列）的勾{two_rows[0]}，每行一个勾即该行的满意度",
                 f"satisfaction read from the ticks of the three columns {', '.join(names)} (columns {letters})"
                 f"{two_rows[1]}: the column ticked in a row is its level", row=table.header_row,
                 code="satisfaction_ticks", severity="warning")
    return replace(table, headers=headers, columns=columns), rows[faulty]


def _tick_headers_below(table: _Table, lookup: dict) -> _Table | None:
    """代表满意度 over three columns (merged) with 满意 | 基本满意 | 不满意 in the row below it, the form's usual layout:
    the table with those three as the columns' headers and that row taken out, else None. The row must hold nothing
    else, the three columns must be side by side from the satisfaction column, and the other two headerless."""
    if len(table.rows) < 2:
        return None
    firsts = {p: _clean(v) if isinstance(v, str) else v for p, v in ((p, c.first()) for p, c in table.columns.items())}
    filled = {p: v for p, v in firsts.items() if v is not None}
    positions = sorted(filled)
    if sorted(map(str, filled.values())) != sorted(schema.SATISFACTION_LEVELS) \
            or positions != list(range(positions[0], positions[0] + 3)):
        return None
    headers = list(table.headers) + [None] * (positions[-1] + 1 - len(table.headers))
    field_of = schema.header_field(_clean(headers[positions[0]]), lookup) if _clean(headers[positions[0]]) else None
    if field_of is None or field_of.name != "satisfaction" or any(_clean(headers[p]) for p in positions[1:]):
        return None
    for p in positions:
        headers[p] = filled[p]
    keep = np.ones(len(table.rows), dtype=bool)
    keep[0] = False
    return replace(table, headers=headers, columns={p: c.take(keep) for p, c in table.columns.items()},
                   rows=table.rows[keep])


def _cell_fault_problems(table: _Table, declared: set[int], problems: _Problems) -> None:
    """Report XLSX cells read as blank because their value is unknown (errors in declared columns)."""
    groups: dict[tuple[int, str | None, bool], list[_CellFault]] = {}
    for fault in table.cell_faults:
        in_data = fault.row > table.header_row
        groups.setdefault((fault.position, fault.error, in_data), []).append(fault)
    for (position, error, in_data), faults in groups.items():
        header = _clean(table.headers[position]) if position < len(table.headers) else None
        column = safe_text(header, 40) if header and in_data else None
        # a value the analysis reads must be known; an unknown column is only kept, so a warning
        severity = "error" if position in declared or not in_data else "warning"
        rows = [f.row for f in faults]
        if error is None:
            example = safe_text(faults[0].formula, 60)
            problems.add_rows(
                rows, None, f"公式没有保存计算结果（文件不是用 Excel 保存的，或保存前没有重新计算），读不出它的值；如 {example}",
                f"a formula has no saved result (the file was not saved by Excel, or not recalculated), so its "
                f"value cannot be read; e.g. {example}", column=column, code="formula_no_value", severity=severity,
                allowed="在 Excel 中打开并保存（会重新计算），或把公式复制后“选择性粘贴—数值” / "
                        "open and save it in Excel, or paste the formulas as values")
        else:
            problems.add_rows(
                rows, None, "单元格是 Excel 错误值（公式出错，或出错的公式被粘贴成了数值），不是数据",
                "the cell holds an Excel error value (a failed formula, or one pasted as a value), not data",
                column=column, value=error, code="excel_error", severity=severity,
                allowed="改正公式或填入实际的值 / fix the formula or type the value")


def _not_blank_where_unknown(mapped: _Mapped, table: _Table, position: int) -> None:
    """A cell whose value is unknown (reported already) is not also reported as blank."""
    rows = [f.row for f in table.cell_faults if f.position == position]
    if rows:
        mapped.blank = mapped.blank & ~np.isin(mapped.column.rows, rows)


def _missing_required(table: _Table, columns: _Columns, fields: Iterable[schema.Field], problems: _Problems,
                      skip: frozenset[str] = frozenset()) -> bool:
    missing = False
    for f in fields:
        if f.required and f.name not in columns.by_field and f.name not in skip:
            missing = True
            fix_zh, fix_en = _ADD_COLUMN.get(f.name) or (
                f"请加一列「{f.zh}」（{f.description_zh}），或把已有的这一列的表头改为可用的表头之一",
                f"add a column {f.zh} ({f.description_en}), or give the column that holds it one of the accepted headers")
            problems.add(f"缺少必需的列「{f.zh}」（{f.name}）：{fix_zh}", f"missing required column {f.name} ({f.zh}): {fix_en}",
                         row=table.header_row, code="missing_column",  # each header once (handler is name and alias)
                         allowed="可用的表头 accepted headers: " + "、".join(dict.fromkeys(f.headers())))
    return missing


# How to supply a required column where its description alone does not say (a town's ledger names only 承办单位,
# which is read as the lead unit: the body that handled each suggestion is another column).
_ADD_COLUMN: dict[str, tuple[str, str]] = {
    "handler": ("请加一列「承办主体」，逐件写明办理该建议的机关，如 镇政府、区政府（「承办单位」一列读作主办单位，不能代替）",
                "add a column 承办主体 naming the body that handled each suggestion, e.g. 镇政府 or 区政府 (a column "
                "承办单位 is read as the lead unit and does not stand for it)"),
}


_TOTAL_STARTS = "合总小共汇累全以本各tTsS"  # first characters of every word _TOTAL_ROW matches
_TOTAL_SECONDS = "计共总区市县部上页表单oOuUrR \u3000"  # their second characters, or a space _is_total removes first


# a text's start in "\x00" + "\x00".join(texts): a pattern that begins with one character is looked for by a fast scan
_MAYBE_TOTAL = re.compile(f"\x00(?:[{_TOTAL_STARTS}][{_TOTAL_SECONDS}]|共\\d)")  # (not S1…: ids start so)


def _totals(texts: list) -> list[bool]:
    """``_is_total`` of each text; the few that could begin a total word found by one regular expression in C.

    An id column of a million "S16-1-…" would otherwise be tested one by one in Python.
    """
    joined = "\x00" + "\x00".join(texts if None not in texts else [t or "" for t in texts])
    if joined.count("\x00") != len(texts):  # a cell holding a NUL itself: test each text
        return [_is_total(t) for t in texts]
    out = [False] * len(texts)
    starts = None  # where each text begins in ``joined``: worked out only when some text could be a total
    for match in _MAYBE_TOTAL.finditer(joined):
        if starts is None:
            starts = np.cumsum([1] + [len(t or "") + 1 for t in texts[:-1]])
        index = int(np.searchsorted(starts, match.start() + 1))
        out[index] = _is_total(texts[index])
    return out


def _is_total(text: str | None) -> bool:
    if text is None or text[0] not in _TOTAL_STARTS:
        return False  # cheap test first: most cells are not totals
    return bool(_TOTAL_ROW.match(text.replace(" ", "").replace("\u3000", "")))


def _second_header_row(table: _Table, columns: _Columns, fields: tuple, problems: _Problems) -> bool:
    """A header over two rows (merged header cells) makes the first data row a row of column names: say so,
    rather than report its blank cells one by one (True when it does: that row is then no record).

    Column names there are known headers not matched yet, or the three satisfaction levels (满意 | 基本满意 | 不满意)
    written under one merged 代表满意度, one of them under a column without a header."""
    if not len(table.rows):
        return False
    known = schema.fields_by_header(fields)
    firsts = [(position, column.first()) for position, column in table.columns.items()]
    named = [v.strip() for _, v in firsts if isinstance(v, str)
             and (f := known.get(schema.normalise_header(v))) is not None and f.name not in columns.by_field]
    levels = [(p, v.strip()) for p, v in firsts if isinstance(v, str) and v.strip() in schema.SATISFACTION_LEVELS]
    filled = sum(1 for _, v in firsts if v is not None and _clean(v if isinstance(v, str) else str(v)))
    if len(levels) >= 2 and any(p >= len(table.headers) or _clean(table.headers[p]) is None for p, _ in levels) \
            and filled == len(levels) + len(named):  # a row of names only: a record's 满意 beside a stray word is not
        named += [v for _, v in levels]
    if named:
        row = int(table.rows[0])
        problems.add(f"第{row}行像是表头的第二行（{'、'.join(named)} 是列名）：表头须写在一行内；"
                     "合并的表头单元格请拆开，每列一个表头",
                     f"row {row} looks like a second header row ({', '.join(named)} are column names): the header "
                     "must be one row; unmerge merged header cells, one header per column",
                     row=row, allowed="一行表头，每列一个 / one header row, one per column", code="two_row_header")
    return bool(named)


def _data_rows(table: _Table, problems: _Problems, record_zh: str, parsers: dict[int, Callable[[object], object]],
               key: int | None = None, header_below: bool = False) -> dict[int, _Column]:
    """The body's columns without blank rows and total rows (each total row is reported as an error), nor the first
    row when ``header_below`` (it is reported as the header's second row), nor another table below the records
    (``_other_table``: ``parsers`` read the typed columns' values, ``key`` is the id column's position).

    A total row (合计/总计/小计) is an error rather than skipped: it means the sheet was prepared
    for printing, and a silently dropped row could hide other hand edits. The tool computes totals.
    """
    columns = table.columns
    n = len(table.rows)
    filled = np.zeros(n, dtype=bool)
    total = np.zeros(n, dtype=bool)
    for column in columns.values():  # in column order
        if filled.all():
            break  # every row's first filled cell is found: no later cell can mark a total
        # only the row's first filled cell can mark a total: a title or a note that starts
        # with 合计 or "Total 2 …" is text, not a total row
        first = ~filled & ~column.blank()
        if first.any():
            total |= first & column.per_row(_totals(column.cleaned), False)
        filled |= first
    if not filled.any():
        problems.add("只有表头，没有数据行", "the file has a header but no data rows", row=table.header_row,
                     code="no_rows", allowed="表头下面每行一条记录 / one record per row below the header")
    _long_cells(table, columns, problems)
    rows = table.rows
    again = _header_again(table, columns) & filled & ~total
    below = _other_table(table, columns, filled & ~again, record_zh, problems, parsers, key)  # its 合计 rows: part of it
    total &= ~below
    again &= ~below
    problems.add_rows(rows[total & filled], None,
                      f"这是一行合计（合计/总计/小计），不是一条{record_zh}记录；请删除此行后再导入（合计由本工具计算）",
                      "this is a total row (合计/总计/小计), not a record; delete it and load again "
                      "(the tool computes totals itself)", code="total_row")
    for index in np.flatnonzero(again).tolist():
        cells = "、".join(safe_text(t, 20) for t in _row_texts(columns, index)[:6])
        row = int(rows[index])
        above = np.flatnonzero(filled[:index] & ~again[:index])
        title = _row_texts(columns, int(above[-1])) if len(above) else []
        if len(title) == 1 and above[-1] > 0:  # the second table's title (闭会期间提出的建议): part of this fault
            again[above[-1]] = True
            title_zh, title_en = f"，其上第{rows[above[-1]]}行「{safe_text(title[0], 30)}」像是它的标题", \
                f", under what looks like its title in row {rows[above[-1]]} ({safe_text(title[0], 30)!r})"
        else:
            title_zh = title_en = ""
        problems.add(f"第{row}行又是一行表头（{cells}）{title_zh}：第{table.header_row}行的表头下只能有一张表。几份导出接在"
                     "了一起的，删去这一行；下面另起一张表的，把它移到另一个工作表或另一个文件",
                     f"row {row} is a header again ({cells}){title_en}: below the header in row {table.header_row} "
                     "there can be one table only. If exports were joined, delete this row; if another table starts "
                     "here, move it to a sheet or file of its own", row=row, code="header_again",
                     allowed=f"第{table.header_row}行一行表头 / one header row")
    keep = filled & ~total & ~again & ~below
    if header_below:
        keep[0] = False  # reported as the header's second row: its blank cells are not reported again
    footer = _signature_rows(columns, keep)
    if len(footer):
        keep[footer] = False
        found = list(dict.fromkeys(line for i in footer for line in _signature_lines(_row_texts(columns, i))))
        lines = "；".join(safe_text(t, 40) for t in found)
        remark = any(map(_is_remark, found))
        signed = not all(map(_is_remark, found))
        what = "备注和签字栏" if remark and signed else "备注" if remark else "签字栏"
        what_en = ("remarks and signature lines" if remark and signed else "remarks" if remark
                   else "the form's signature lines")
        problems.add(f"第{'、'.join(str(r) for r in rows[footer])}行在最后一条记录之下，只有{what}（{lines}），"
                     f"不是{record_zh}记录，没有读入" + ("；备注若说到某件建议，请核对台账里该行" if remark else ""),
                     f"rows {', '.join(str(r) for r in rows[footer])} below the last record hold only {what_en} "
                     f"({lines}), not records: not read" + ("; if a remark concerns a suggestion, check its row"
                                                             if remark else ""),
                     row=int(rows[footer[0]]), code="signature_rows", severity="warning")
    lone = _one_cell_rows(columns, keep) if len(columns) > 2 else np.zeros(0, dtype=np.intp)
    keep[lone] = False  # one error each, not one for every blank column of it
    for index in lone.tolist():
        ((position, text),) = _row_cells(columns, index)
        header = table.headers[position] if position < len(table.headers) else ""
        problems.add(f"这一行只有一个单元格有内容，不是一条完整的{record_zh}记录：像是分组标题（如“二、国际港务区承办”），"
                     "或这一行的其他内容丢失了。分组标题请删除（承办主体等写在每条记录的列里）；内容丢失的请补全",
                     f"only one cell of this row holds anything: not a whole record. It looks like a group heading "
                     "(such as 二、国际港务区承办), or the rest of the row was lost. Delete a heading (the body and "
                     "the rest go in each record's columns); complete a row that lost its cells",
                     row=int(rows[index]), column=safe_text(header, 40) or None, value=text, code="one_cell_row")
    return {position: column.take(keep) for position, column in columns.items()}


def _one_cell_rows(columns: dict[int, _Column], keep: np.ndarray) -> np.ndarray:
    """Indexes of the kept rows with exactly one filled cell. A record fills several: after a few columns
    nearly every row has shown two, and the columns after them are not looked at."""
    open_rows, seen = keep.copy(), np.zeros(len(keep), dtype=bool)
    for column in columns.values():
        if not open_rows.any():
            break
        here = open_rows & ~column.blank()
        open_rows &= ~(here & seen)  # a second filled cell: not a lone cell's row
        seen |= here
    return np.flatnonzero(open_rows & seen)


_HEADER_AGAIN_MAX_DISTINCT = 5_000  # a column with more distinct values (ids, titles) is not searched for its header


def _header_again(table: _Table, columns: dict[int, _Column]) -> np.ndarray:
    """Rows where two or more cells name their own column's field again (建议编号 | 届次 | … under the header): a
    header repeated where exports were joined, or a second table started below the first in one sheet.

    Only columns of few distinct values are searched (the session, the body, the status, the classes, the dates …),
    each distinct value once: no loop over the rows of a large ledger."""
    known = _known_headers()
    hits = None
    for position, column in columns.items():
        header = _clean(table.headers[position]) if position < len(table.headers) else None
        f = schema.header_field(header, known) if header else None
        if f is None or len(column.uniques) > _HEADER_AGAIN_MAX_DISTINCT:
            continue
        names = {schema.normalise_header(h) for h in (header, *f.headers())}
        # a date or number (most distinct values of such columns) starts with a digit, a column's name never does
        named = [isinstance(t, str) and len(t) <= 40 and not t[:1].isdigit() and schema.normalise_header(t) in names
                 for t in column.cleaned]
        if not any(named):
            continue
        here = column.per_row(named, False).astype(np.int8)
        hits = here if hits is None else hits + here
    return hits >= 2 if hits is not None else np.zeros(len(table.rows), dtype=bool)


# Headings of a table other than the ledger (a summary pasted under it): a ledger's or published figures' column name
# (承办单位, 办理结果), or what a count table is headed with (件数, 建议数, 占比, 办结率, A类, 序号, 单位, 已办结, 满意)
_TABLE_HEADING = re.compile(r"(?:件数|数量|个数|总数|合计|小计|总计|占比|比例|比重|百分比|序号|类别|项目|名称|单位|"
                            r"已办结|未办结|办理中|已答复|满意|基本满意|比较满意|不满意|"
                            r"[A-Da-d甲乙丙丁]类|[^\d]{0,8}[率数])")
_OTHER_TABLE_ROWS = 200  # the last rows looked at for another table's header: a summary is short


def _is_heading(text: str, known: dict[str, schema.Field]) -> bool:
    return schema.header_field(text, known) is not None or _TABLE_HEADING.fullmatch(schema.normalise_header(text))


def _is_value(parse: Callable[[object], object], text: str) -> bool:
    """``text`` is a value ``parse`` reads (a class under 办理结果, a measure under 指标)."""
    try:
        return parse(text) is not None
    except ValueError:
        return False


def _other_table(table: _Table, columns: dict[int, _Column], filled: np.ndarray, record_zh: str,
                 problems: _Problems, parsers: dict[int, Callable[[object], object]], key: int | None) -> np.ndarray:
    """Rows from the header of another table below the records to the end (a summary pasted under the ledger: 承办单位 |
    件数 | 占比), reported as one error naming where it starts; empty when there is none.

    Its header: a row, below a record, of at least two short texts (no number or date) whose first cell and more than
    half its cells are headings. A cell that is a record's text is no heading: a value its column's parser reads (A类
    under 办理结果, 办理件数 under 指标; ``parsers`` by column position), or a value its column holds in a row above; and
    a row whose id (column ``key``) is not a heading is a record. Only the last rows are looked at: no loop over the
    ledger. An error, not a warning: like a total row it means the sheet was made for printing, and the rows set aside
    would be rows a reader cannot see were left out; moving the summary takes the user one cut and paste."""
    below = np.zeros(len(filled), dtype=bool)
    candidates = np.flatnonzero(filled)
    known = _known_headers()
    first_at: dict[tuple[int, int], int] = {}  # (column, code) → the first row holding it, found once

    def heading(position: int, index: int, text: str) -> bool:
        if not _is_heading(text, known) or position in parsers and _is_value(parsers[position], text):
            return False
        codes = columns[position].codes
        code = int(codes[index])
        if (position, code) not in first_at:
            first_at[position, code] = int(np.argmax(codes == code))
        return first_at[position, code] == index  # no row above holds it

    for index in candidates[-_OTHER_TABLE_ROWS:].tolist():
        if index == candidates[0]:
            continue  # no record above it: the header's second row is another check's
        cells = _row_cells(columns, index)
        if len(cells) < 2 or any(len(t) > 20 or t[:1].isdigit() for _, t in cells) \
                or any(p == key and not _is_heading(t, known) for p, t in cells) \
                or not heading(cells[0][0], index, cells[0][1]):
            continue
        headings = 1 + sum(heading(p, index, t) for p, t in cells[1:])
        if headings < 2 or 2 * headings <= len(cells):
            continue
        texts = [t for _, t in cells]
        rows, start = table.rows, index
        before = candidates[candidates < index]
        title = _row_texts(columns, int(before[-1])) if len(before) > 1 else []
        if len(title) == 1 and not _is_heading(title[0], known):  # its title (各单位办理情况汇总): part of it
            start = int(before[-1])
        below[start:] = True
        shown = "、".join(safe_text(t, 20) for t in texts[:6])
        last, first = int(rows[candidates[-1]]), int(rows[start])
        named_zh = f"「{safe_text(title[0], 30)}」" if start != index else ""
        named_en = f" ({safe_text(title[0], 30)!r})" if start != index else ""
        problems.add(f"第{first}行{named_zh}起（到第{last}行）是另一张表，第{rows[index]}行是它的表头（{shown}），"
                     f"不是{record_zh}记录：台账的表头下只能有一张表。把这张表移到另一个工作表或另一个文件后再导入"
                     "（汇总和比率由本工具计算）",
                     f"rows {first}{named_en} to {last} are another table, headed in row {rows[index]} ({shown}), "
                     "not records: below a ledger's header there can be one table only. Move that table to a sheet or "
                     "file of its own and load again (the tool computes summaries and rates itself)",
                     row=first, code="other_table",
                     allowed=f"第{table.header_row}行的表头下只有一张表 / one table below the header")
        break
    return below


# The lines a form has below its table, built from one vocabulary:
_FORM_DUTY = "制表|填表|填报|编制|审核|审批|复核|核对|校对|统计|经办|报送|联系|主管|分管|签发"  # who did what to the form
_FORM_ROLE = "人|日期|时间|电话|领导|负责人"  # … and what the label asks for: 制表人, 填报日期, 联系电话
_SIGNED = "盖章|签章|签字|签名"  # a stamp or a signature: 填报单位（盖章）, 审核人（签字）
_SIGNED_BY = rf"(?:(?:{_FORM_DUTY})(?:{_FORM_ROLE})|(?:单位)?负责人|联系电话)"  # a person's, date's or phone's label
# a label, then a colon: 制表人：张三, 审核人：, 填报日期：2024年5月6日, 负责：…, 单位（盖章）：…
_SIGNATURE = re.compile(rf"(?:{_FORM_DUTY}|负责)(?:{_FORM_ROLE}|单位)?(?:签字|签名)?\s*[:：]"
                        rf"|(?:单位)?负责人\s*[:：]|(?:联系)?电话\s*[:：]|(?:日期|时间)\s*[:：]"
                        rf"|(?:单位)?[（(]?(?:{_SIGNED})[）)]?\s*[:：]")
# ... or without a colon: the label alone in its cell (the name in the next) or with its value after a space
# (制表人 张三), or a stamp line (填报单位（盖章）, 审核人（签字）)
_SIGNATURE_BARE = re.compile(rf"{_SIGNED_BY}(?:\s+\S.{{0,39}})?"
                             rf"|(?:(?:填报|报送|制表|填表)?单位|{_SIGNED_BY})?\s*[（(](?:{_SIGNED})[）)]")
_SIGNED_BY_ALONE = re.compile(_SIGNED_BY)
# A remark under the table: the word, then a colon (备注：…, 注：…, 注1：…, 说明：…), or the word alone with the text in
# the next cell (备注 | …; 注 alone is too short to be sure of)
_REMARK_WORD = r"备\s*注|说\s*明|填表说明"
_REMARK = re.compile(rf"(?:{_REMARK_WORD}|附\s*注|注)\s*\d{{0,2}}\s*[:：]")
_REMARK_LABEL = re.compile(_REMARK_WORD)
_MAX_SIGNATURE_ROWS = 5


def _row_texts(columns: dict[int, _Column], index: int) -> list[str]:
    """The filled cells of body row ``index``, as text, in column order."""
    return [text for _, text in _row_cells(columns, index)]


def _row_cells(columns: dict[int, _Column], index: int) -> list[tuple[int, str]]:
    """(column position, text) of each filled cell of body row ``index``, in column order."""
    cells = ((position, column.uniques[column.codes[index]]) for position, column in columns.items()
             if column.codes[index] >= 0)
    return [(position, text) for position, text in
            ((p, _clean(c) if isinstance(c, str) else None if c is None else str(c)) for p, c in cells) if text]


def _footer_label(text: str) -> tuple[bool, bool]:
    """(whether ``text`` is a signature line or a remark, whether it is a bare label whose value is in the next cell)."""
    label = _SIGNATURE.match(text) or _REMARK.match(text)
    if label:
        return True, label.end() == len(text)
    if _SIGNATURE_BARE.fullmatch(text):
        return True, _SIGNED_BY_ALONE.fullmatch(text) is not None
    if _REMARK_LABEL.fullmatch(text):
        return True, True
    return False, False


def _signature_lines(texts: list[str]) -> list[str]:
    """Each label joined to the name or date in the cell after it (制表人： | 张三 → 制表人：张三; 制表人 | 张三 → 制表人 张三)."""
    lines: list[str] = []
    bare = False  # the last line is a label with nothing after it
    for text in texts:
        is_label, _ = _footer_label(text)
        if lines and not is_label and bare:
            lines[-1] += text if lines[-1][-1] in ":：" else " " + text
            bare = False
        else:
            lines.append(text)
            bare = _footer_label(text)[1]
    return lines


def _is_remark(line: str) -> bool:
    return bool(_REMARK.match(line) or _REMARK_LABEL.match(line)) and not _SIGNATURE.match(line)


def _signature_rows(columns: dict[int, _Column], keep: np.ndarray) -> np.ndarray:
    """Indexes of the last rows, below every record, that hold only a form's signature lines (制表人：… 审核人：…,
    制表人 张三, 填报单位（盖章）) or a remark (备注：…, 注：…, 说明：…).

    They are read past, with a note: nothing in them can be a suggestion. Each filled cell must be such a line, or the
    name or date written in the cell after a label left without one (制表人： | 张三); anything else keeps the row, and
    so does every row above it (a remark between records is checked as a record). Only the last few rows are looked
    at: no loop over the ledger."""
    found: list[int] = []
    for index in np.flatnonzero(keep)[::-1][:_MAX_SIGNATURE_ROWS].tolist():
        texts = _row_texts(columns, index)
        labelled = False  # the previous cell was a label with nothing after it
        for text in texts:
            is_label, bare = _footer_label(text)
            if is_label:
                labelled = bare
            elif labelled:
                labelled = False
            else:
                break
        else:
            if texts and _footer_label(texts[0])[0]:
                found.append(index)
                continue
        break
    if found and len(found) == int(keep.sum()):
        return np.array([], dtype=np.intp)  # no record above them: not a footer (the file says "no rows" instead)
    return np.array(found[::-1], dtype=np.intp)


def _longest(values: list) -> int:
    try:
        return max(map(len, values), default=0)  # text cells: measured without a loop in Python
    except TypeError:  # numbers and dates among them (XLSX)
        return max((len(v) for v in values if isinstance(v, str)), default=0)


def _long_cells(table: _Table, columns: dict[int, _Column], problems: _Problems) -> None:
    """An error for each cell longer than an Excel cell can be (``MAX_CELL_CHARS``), naming its row and column.

    No ledger value is that long; such a cell is a quote left open over many lines, or a document
    pasted into a cell, and no report, workbook or Word draft could hold it.
    """
    for position, column in columns.items():
        if _longest(column.uniques) <= MAX_CELL_CHARS:
            continue
        header = _clean(table.headers[position]) if position < len(table.headers) else None
        for code, value in enumerate(column.uniques):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                problems.add_rows(
                    column.rows[column.codes == code], None,
                    f"单元格有 {len(value):,} 个字符，超过 Excel 单元格的上限 {MAX_CELL_CHARS:,}；可能是引号没有配对，或粘贴了整篇文档",
                    f"the cell holds {len(value):,} characters, more than an Excel cell can ({MAX_CELL_CHARS:,}); "
                    "perhaps a quote is left open, or a whole document was pasted in",
                    column=safe_text(header, 40) if header else f"第{position + 1}列", value=value,
                    allowed=f"≤ {MAX_CELL_CHARS:,} 个字符 characters", code="cell_too_long")


def _rows_of(columns: dict[int, _Column]) -> np.ndarray:
    """Excel row numbers of the data rows (every column holds the same rows)."""
    return next(iter(columns.values())).rows if columns else np.array([], dtype=np.int64)


# ---------------------------------------------------------------------------------------
# Ledgers
# ---------------------------------------------------------------------------------------


@dataclass
class _Result:
    report: FileReport
    frame: "pd.DataFrame | _LedgerColumns | None"  # a ledger's columns; None when the file could not be read as one
    unreadable: bool = False  # the file could not be read at all (FileFormatError)
    unknown_columns: list[str] = field(default_factory=list)  # as in the file (the report shows them escaped)
    provenance: dict | None = None  # the file's entry in the frame's ``attrs["provenance"]`` (``_finish``)


def _resolve_session(table: _Table, path: Path, option: str | None, has_column: bool,
                     problems: _Problems) -> tuple[str | None, str | None]:
    """(session label, where it came from) for a ledger without a session column."""
    if has_column:
        return None, "column"
    title = sessions.canonical_session(table.title_text) if table.title_text else None
    from_name = sessions.canonical_session(path.stem)
    from_option = None
    if option:
        from_option = sessions.canonical_session(option)
        if from_option is None:
            problems.add("--session 的值不是可识别的届次", "the --session value is not a session label",
                         value=option, code="bad_session_option", allowed=_KIND_MESSAGES["session"][2])
            return None, None
    found, source = (title, "title") if title else (from_name, "filename") if from_name else (None, None)
    if found and from_option and from_option != found:
        where_zh, where_en = labels.SESSION_FROM_LABELS[labels.SessionFrom(source)]
        problems.add(f"{where_zh}写的是「{found}」，而 --session 是「{from_option}」；请核对后只保留一个",
                     f"{where_en} says {found} but --session says {from_option}; "
                     "check which is right", value=option, code="session_conflict")
        return None, None
    if found:
        return found, source
    if from_option:
        return from_option, "option"
    problems.add("台账没有「届次」列，标题行和文件名中也找不到届次",
                 "the ledger has no session column, and neither the title row nor the file name names a session",
                 row=table.header_row, code="no_session",
                 allowed="加一列「届次」，或在表头上方加标题行（如 某区第十九届人民代表大会第一次会议代表建议办理情况台账），"
                         "或把届次写进文件名（如 台账_十九届一次会议.xlsx），或用 --session 十九届人大一次会议 / "
                         "add a 届次 column, a title row, the session in the file name, or --session")
    return None, None


def _ledger_parser(f: schema.Field, scheme: schemes.OutcomeScheme) -> tuple[Callable, str | None]:
    if f.kind == "outcome":
        return _scheme_classifier(scheme), f"方案 scheme {scheme.name}: {scheme.allowed_text()}"
    if f.kind == "choice":
        return _choice(f), "/".join(f.allowed)
    if f.kind == "session":
        return _session_parser, _KIND_MESSAGES["session"][2]
    if f.kind == "int":
        return (_parse_year if f.name == "year" else _parse_int), _KIND_MESSAGES["int"][2]
    if f.kind == "bool":
        return normalize.parse_bool, _KIND_MESSAGES["bool"][2]
    if f.kind == "date":
        return _parse_date, _KIND_MESSAGES["date"][2]
    if f.name == "suggestion_id":
        return _parse_id, None
    return _clean, None


def _ledger_value_message(f: schema.Field, scheme: schemes.OutcomeScheme, detail: str) -> tuple[str, str]:
    if f.kind == "outcome" and detail.startswith("several classes: "):
        named = detail.removeprefix("several classes: ")
        return (f"办理结果写了不止一个类别（{named}），无法确定是哪一类；每条建议只填一个类别",
                f"the outcome names more than one class ({named.replace('、', ', ')}); which one is meant cannot "
                "be told: give one class per suggestion")
    if f.kind == "outcome" and "; in " in detail:  # another shipped scheme knows it: say which, never read it so
        name, code = detail.rpartition("; in ")[2].split(": ")
        other = schemes.load_scheme(name)
        return (f"未知的办理结果类别（分类方案「{scheme.title_zh}」不认识这个标签；它在分类方案「{other.title_zh}」里是"
                f"{other.get(code).display()}：台账是按那种分法填写的，请加 --scheme {name}）",
                f"unknown outcome label (the outcome scheme {scheme.name!r} does not know it; in {name!r} it is "
                f"{other.get(code).display('en')}: if the ledger follows that scheme, add --scheme {name})")
    if f.kind == "outcome":
        return (f"未知的办理结果类别（分类方案「{scheme.title_zh}」不认识这个标签）",
                f"unknown outcome label (the outcome scheme {scheme.name!r} does not know it)")
    if f.kind == "choice" and detail == "a score":
        return (f"「{f.zh}」写的是测评分数，不是满意、基本满意、不满意：各地分数段不同，程序不按分数猜档次；请按本地测评办法"
                "换成三档后再读（如 80–100分 满意、60–79分 基本满意、60分以下 不满意）",
                f"{f.name} is a score, not 满意/基本满意/不满意: score bands differ from office to office and none is "
                "guessed; convert the scores to the three levels under your own rules (e.g. 80–100 满意, 60–79 基本满意, "
                "below 60 不满意) and read the ledger again")
    if f.kind == "choice":
        return f"「{f.zh}」的值不在允许范围内", f"{f.name} is not one of the allowed values"
    return _value_problem(f.kind, detail)


def _typed_parsers(columns: _Columns, parsers: dict[str, Callable]) -> dict[int, Callable]:
    """By column position, the parsers of the columns that read only some texts (a class, a date, a measure), not any
    text (an id, a title): what tells a record's value from another table's heading (``_other_table``)."""
    return {columns.by_field[name]: parse for name, parse in parsers.items()
            if name in columns.by_field and parse not in (_clean, _parse_id)}


def _ledger(table: _Table, path: Path, *, session_option: str | None, scheme: schemes.OutcomeScheme,
            cfg: dict, problems: _Problems) -> _Result:
    table, tick_faults = _satisfaction_from_ticks(table, problems)
    columns = _match_headers(table, schema.LEDGER_FIELDS, problems)
    session_label, session_from = _resolve_session(table, path, session_option, "session" in columns.by_field,
                                                   problems)
    missing = _missing_required(table, columns, schema.LEDGER_FIELDS, problems, skip=frozenset({"session"}))
    two_row_header = _second_header_row(table, columns, schema.LEDGER_FIELDS, problems)
    report = FileReport(file=table.file, kind="ledger", encoding=table.encoding, sheet=table.sheet,
                        unknown_columns=[safe_text(name) for _, name in columns.unknown], session_from=session_from,
                        sha256=table.sha256)
    parsers = {f.name: _ledger_parser(f, scheme) for f in schema.LEDGER_FIELDS if f.name in columns.by_field}
    body = _data_rows(table, problems, "建议", _typed_parsers(columns, {n: p for n, (p, _) in parsers.items()}),
                      key=columns.by_field.get("suggestion_id"), header_below=two_row_header)
    rows = _rows_of(body)
    report.rows = int(len(rows))

    mapped: dict[str, _Mapped] = {}
    for f in schema.LEDGER_FIELDS:
        if f.name not in columns.by_field:
            continue
        header = columns.written[f.name]
        parser, allowed = parsers[f.name]
        m = mapped[f.name] = _map(body[columns.by_field[f.name]], parser)
        _not_blank_where_unknown(m, table, columns.by_field[f.name])
        if f.name == "satisfaction" and len(tick_faults):
            m.blank = m.blank & ~np.isin(m.column.rows, tick_faults)  # its ticks are reported: not blank too
        for value, reason, bad in m.bad_groups():
            zh, en = _ledger_value_message(f, scheme, reason)
            problems.add_rows(bad, None, zh, en, column=header, value=value, allowed=allowed,
                              code=("several_classes" if reason.startswith("several classes") else "unknown_label")
                              if f.kind == "outcome" else
                              "unknown_value" if f.kind in ("choice", "session") else "bad_value")
        if f.required:
            problems.add_rows(rows[m.blank], None, f"必填的「{f.zh}」是空的", f"required {f.name} is blank",
                              column=header, code="blank_required")

    session = mapped["session"].values if "session" in mapped else \
        np.full(len(rows), session_label, dtype=object) if session_label else None
    _check_ledger_rows(mapped, session, rows, columns, problems)
    if session is not None:
        found = mapped["session"].present() if "session" in mapped else {session_label}
        report.sessions = sorted({s for s in found if s}, key=sessions.session_sort_key)

    if missing or session is None or problems.errors:
        return _Result(report, None)
    frame = _ledger_columns(mapped, session, body, rows, columns, table.file, cfg)
    # decided on the distinct values, not on every row
    report.is_sample = "data_source" in mapped and any(v and schema.SAMPLE_DATA_MARK in v
                                                       for v in mapped["data_source"].table)
    return _Result(report, frame, unknown_columns=[name for _, name in columns.unknown])


def _check_ledger_rows(mapped: dict[str, _Mapped], session: np.ndarray | None, rows: np.ndarray,
                       columns: _Columns, problems: _Problems) -> None:
    """Cross-column rules: dates in order, status-dependent blanks, unique ids within a session."""
    written = columns.written
    if "assigned_date" in mapped:
        assigned = mapped["assigned_date"].typed("date")
        for later, zh_name in (("reply_date", "答复日期"), ("due_date", "要求办结日期")):
            if later not in mapped:
                continue
            other = mapped[later].typed("date")
            before = np.flatnonzero(other < assigned)  # NaT compares False
            if not len(before):
                continue
            # one group per (assigned, later) pair of dates: few pairs however many rows
            pairs = pd.Series(assigned[before].astype("datetime64[D]").astype(str)).str.cat(
                pd.Series(other[before].astype("datetime64[D]").astype(str)), sep=" ").to_numpy()
            codes, uniques = pd.factorize(pairs)
            for code, chunk in _split_by_code(codes):
                day, value = uniques[code].split(" ")
                problems.add_rows(rows[before[chunk]], None, f"{zh_name}早于交办日期（交办 {day}）",
                                  f"{later} is before the assigned date ({day})", column=written[later], value=value,
                                  allowed=f"不早于交办日期 / not before {day}", code="date_order")

    if "status" in mapped:
        done = mapped["status"].per_unique_flag(lambda s: s in ("已办结", "续办"))
        status = mapped["status"].values
        for name, zh_name, severity in (("outcome_class", "办理结果", "error"), ("reply_date", "答复日期", "error"),
                                        ("satisfaction", "代表满意度", "warning")):
            if name not in mapped:
                continue
            blank = done & mapped[name].blank
            problems.add_rows(
                rows[blank], status[blank],
                f"办理状态为「已办结/续办」，但「{zh_name}」是空的（只有「办理中」的建议可以空着）",
                f"{name} is blank although the status says completed/continued (only 办理中 may leave it blank)",
                column=written[name], allowed="填写该项，或把办理状态改为 办理中 / fill it in, or set status 办理中",
                code="blank_when_done", severity=severity)
    elif "outcome_class" in mapped:
        problems.add_rows(rows[mapped["outcome_class"].blank], None,
                          "办理结果是空的，而台账没有「办理状态」列说明它仍在办理中",
                          "the outcome is blank and there is no status column to say it is still being handled",
                          column=written["outcome_class"], code="blank_outcome", severity="warning")

    if "complex_case" in mapped:
        # The flag decides the deadline (3 or 6 months): a blank would silently become the 3-month rule.
        problems.add_rows(rows[mapped["complex_case"].blank], None,
                          "「复杂建议」是空的：答复期限是3个月还是6个月无从确定",
                          "complex_case is blank: whether the reply was due in 3 or 6 months cannot be told",
                          column=written["complex_case"], allowed="是 / 否", code="blank_complex_flag")

    _check_invisible_twins(mapped, rows, written, problems)
    if "suggestion_id" not in mapped or session is None:
        return
    id_codes, id_count = _normalised_codes(mapped["suggestion_id"])
    ids = mapped["suggestion_id"]
    # ids never hold NUL (refused on reading); the ids as read, unchanged, are text none of them blank (``_clean_all``)
    joined = "\x00".join(ids.table if ids.table is ids.column.uniques else filter(None, ids.table))
    id_codes = _check_scientific_ids(mapped["suggestion_id"], joined, id_codes, rows, written, problems)
    if "session" in mapped:
        session_codes, _ = _normalised_codes(mapped["session"])
    else:  # one label for every row, from the title, the file name or the option
        session_codes = np.zeros(len(rows), dtype=np.intp)
    _check_id_spellings(mapped["suggestion_id"], joined, id_codes, session_codes, rows, session, written, problems)
    present = np.flatnonzero((id_codes >= 0) & (session_codes >= 0))
    if not len(present) or np.bincount(id_codes[present], minlength=id_count).max() < 2:
        return  # no id on two rows: none can repeat within a session (one count of ints, no pairs hashed)
    # (session, id) pairs as one integer each: no million strings joined or hashed again
    codes, _ = pd.factorize(session_codes[present].astype(np.int64) * (id_count + 1) + id_codes[present])
    repeated = np.bincount(codes)[codes] > 1
    codes, present = codes[repeated], present[repeated]
    # one group per repeated id: a ledger pasted in twice gives one line per id, not a line per pair of rows
    for _, chunk in _split_by_code(codes):
        at = present[chunk]
        label, number = session[at[0]], mapped["suggestion_id"].table[mapped["suggestion_id"].column.codes[at[0]]]
        problems.add_rows(rows[at], None, f"建议编号在{label}内重复（{len(at):,} 行用了同一编号）",
                          f"duplicate suggestion id within {label} ({len(at):,} rows share it)",
                          column=written["suggestion_id"], value=number,
                          allowed="每次会议内编号唯一 / unique within a session", code="duplicate_id")


_ANY_SPACE = re.compile(r"\s")
# an id's words around its number: 第12号, 12号, 建议第12号 and 12 are one number written four ways
_ID_WORDS = re.compile(r"(?:建议)?第(.+?)[号號]?|(?:建议)?(.+?)[号號]")


def _id_key(text: str) -> str:
    """What the spellings of one id share: no spaces, upper case, no 第…号 around it ('s 12', 'S12号', '第S12号': 'S12');
    ids differing otherwise ('12' and '120', 'A12' and 'B12', 'S01' and 'S1') keep apart."""
    key = "".join(text.split()).upper()
    if "第" in key or "号" in key or "號" in key:
        words = _ID_WORDS.fullmatch(key)
        if words is not None:
            key = words.group(1) or words.group(2)
    return key


def _one_spelling_each(joined: str) -> bool:
    """True when no two of the ids in ``joined`` (joined by NUL) can share an ``_id_key`` without being equal: none holds
    a space, a lower-case letter, 第 or 号. A few passes over one string, not a key per id."""
    if joined.isascii():
        return " " not in joined and "\t" not in joined and joined == joined.upper()
    return _ANY_SPACE.search(joined) is None and not any(word in joined for word in "第号號") \
        and (joined == joined.upper() or joined.isupper())  # (the cheaper test first: 0.02 s, not 0.1)


def _spelling_message(places: str, places_en: str, session: str) -> tuple[str, str]:
    """The message for ids of one session that share an ``_id_key`` (in one file or in several)."""
    return (f"建议编号{places}只差空格、全角半角、大小写或「第」「号」，在{session}内可能是同一件建议：没有合并，"
            "请核对——是同一件的删去重复的行，是两件的改用不同的编号",
            f"suggestion ids {places_en} differ only by spaces, full-width characters, case or the words 第/号, so "
            f"within {session} they may be one suggestion: not merged; check them — delete the repeated row if they "
            "are one, give them different ids if they are two")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[Ee]\+\d{2}")  # as Excel shows 202403050001: 2.02403E+11


def _check_scientific_ids(ids: _Mapped, joined: str, id_codes: np.ndarray, rows: np.ndarray, written: dict,
                          problems: _Problems) -> np.ndarray:
    """An id written in scientific notation (2.02403E+11) is a long number Excel showed so and saved as shown in a CSV:
    its digits are lost, and unrelated suggestions share it. One error per such id; their codes become -1, so they are
    not reported again as duplicates. Returns the codes. The distinct ids are searched as one string (``joined``) first."""
    if "+" not in joined or _SCIENTIFIC.search(joined) is None:  # one fast scan for a character ids seldom hold
        return id_codes
    lost = np.zeros(len(ids.table) + 1, dtype=bool)  # per distinct id, and a last slot for a missing cell
    lost[:-1] = [text is not None and _SCIENTIFIC.fullmatch(text) is not None for text in ids.table]
    if not lost.any():
        return id_codes
    flat = lost[ids.column.codes]
    at = np.flatnonzero(flat)
    for code, chunk in _split_by_code(ids.column.codes[at]):
        problems.add_rows(rows[at[chunk]], None,
                          "建议编号是科学计数法：Excel 把长数字编号显示成这样，另存为 CSV 时按显示的样子保存，原来的数字已经丢了，"
                          "不同的建议会变成同一个编号；请在原表中把这一列设为“文本”（或导出 XLSX）后重新导出",
                          "the suggestion id is in scientific notation: Excel showed a long numeric id this way and "
                          "saved a CSV as shown, so its digits are lost and different suggestions share it; set the "
                          "column to Text in the source (or export XLSX) and export again",
                          column=written["suggestion_id"], value=ids.table[code],
                          allowed="编号的全部数字或文字，如 202403050001 / every digit of the id", code="id_scientific")
    id_codes = id_codes.copy()
    id_codes[flat] = -1
    return id_codes


def _check_id_spellings(ids: _Mapped, joined: str, id_codes: np.ndarray, session_codes: np.ndarray, rows: np.ndarray,
                        session, written: dict, problems: _Problems) -> None:
    """Ids of one session written differently only by spaces, case or 第…号 ('S 002', 's002', 'S002号') are flagged,
    never merged (full-width forms and invisible characters are folded by ``_parse_id`` already; ``_id_key``);
    ``joined``: the distinct ids joined by NUL."""
    if _one_spelling_each(joined):
        return
    present = np.flatnonzero((id_codes >= 0) & (session_codes >= 0))
    codes, first = np.unique(id_codes[present], return_index=True)
    spelled = [ids.table[ids.column.codes[present[at]]] for at in first]
    by_key: dict[str, list[int]] = defaultdict(list)
    for code, text in zip(codes.tolist(), spelled):
        by_key[_id_key(text)].append(code)
    for variants in (v for v in by_key.values() if len(v) > 1):
        at = present[np.isin(id_codes[present], variants)]
        for session_code in np.unique(session_codes[at]).tolist():
            here = at[session_codes[at] == session_code]
            if len(np.unique(id_codes[here])) < 2:
                continue  # the spellings are in different sessions: different suggestions
            written_as = [_shown(ids.column.uniques[ids.column.codes[i]]).strip() for i in here[:10]]
            places = "、".join(f"「{text}」（第{rows[i]}行）" for text, i in zip(written_as, here))
            places_en = ", ".join(f"'{text}' (row {rows[i]})" for text, i in zip(written_as, here))
            problems.add_rows(rows[here], None, *_spelling_message(places, places_en, session[here[0]]),
                              column=written["suggestion_id"], allowed="每次会议内编号唯一 / unique within a session",
                              code="duplicate_id_spelling")


def _check_invisible_twins(mapped: dict[str, _Mapped], rows: np.ndarray, written: dict, problems: _Problems) -> None:
    """Two spellings of one body or unit that differ only by invisible characters would be counted as two."""
    for name, zh_name in (("handler", "承办主体"), ("lead_unit", "主办单位")):
        if name not in mapped:
            continue
        table = mapped[name].table
        seen: dict[str, str] = {}
        for value in table:
            if value is not None and not value.isascii():
                seen.setdefault(normalize.without_invisible(value), value)
        for code, value in enumerate(table):
            if value is None or value.isascii() or not normalize.invisible_in(value):
                continue
            plain = normalize.without_invisible(value)
            twin = plain if plain in table else seen[plain] if seen[plain] != value else None
            if twin is None:
                continue
            marks = "、".join(normalize.invisible_in(value))
            at = rows[mapped[name].column.codes == code]
            problems.add_rows(at, None, f"「{zh_name}」的写法与「{twin}」只差不可见字符（{marks}），会被当作两个统计；请统一写法",
                              f"{name} differs from {twin!r} only by invisible characters ({marks}) and would be "
                              "counted apart: write them alike", column=written[name], value=value,
                              allowed="不含不可见字符 / no invisible characters", code="invisible_twin")


def _normalised_codes(mapped: _Mapped) -> tuple[np.ndarray, int]:
    """Per row, a code for its normalised value (-1 = blank or bad), and how many codes there are.

    Distinct cells can normalise alike (" 12" and "１２"); when none did, which is the rule for a
    column of ids as written by a program, the cells' own codes serve.
    """
    column = mapped.column
    if mapped.table is column.uniques or len(mapped.table) == len(column.uniques) and all(
            map(operator.is_, mapped.table, column.uniques)):
        return column.codes, len(column.uniques)
    codes, distinct = pd.factorize(np.array([*mapped.table, None], dtype=object), use_na_sentinel=True)
    codes[-1] = -1  # a missing cell
    return codes[column.codes], len(distinct)


@dataclass(frozen=True)
class _Text:
    """A text column not yet built: ``values[codes]`` (None and code -1 = NA), as ``factors.text_array`` builds it."""

    values: list
    codes: np.ndarray

    @classmethod
    def join(cls, parts: list["_Text"]) -> "_Text":
        """The columns of several files one after another: each file's codes moved past the values before it."""
        # written into one array, file by file: no shifted copy and no cast per file beside it (at ten million rows
        # each is memory the process touches afresh, which this VM makes dear)
        codes = np.empty(sum(len(part.codes) for part in parts), dtype=factors.CODE)
        at = offset = 0
        for part in parts:
            piece = codes[at:at + len(part.codes)]
            np.add(part.codes, offset, out=piece, casting="unsafe")
            np.copyto(piece, -1, where=part.codes < 0)
            at, offset = at + len(part.codes), offset + len(part.values)
        return cls([value for part in parts for value in part.values], codes)

    def factor(self) -> factors.Factor:
        """The column as a counted column's codes and labels."""
        return factors.from_values(self.codes, self.values)


@dataclass
class _LedgerColumns:
    """One ledger file's columns, in the frame's order, before they become a frame (``_ledger_frame``).

    Text is kept as codes into its values (a counted column as its ``factors.Factor``), the rest as typed arrays:
    a ledger in several files becomes one frame built once, rather than a frame per file joined into another.
    """

    columns: dict[str, "factors.Factor | _Text | object"]
    rows: int

    def __len__(self) -> int:
        return self.rows


def _ledger_columns(mapped: dict[str, _Mapped], session: np.ndarray, body: dict[int, _Column], rows: np.ndarray,
                    columns: _Columns, file: str, cfg: dict) -> _LedgerColumns:
    n = len(rows)
    out: dict[str, object] = {}
    # the counted columns are built from their codes, so the metrics need not factorise them again
    counted = {name: factors.from_values(mapped[name].column.codes, mapped[name].table)
               for name in factors.COUNTED if name in mapped}
    if "session" not in counted:  # one label for every row, from the title, the file name or the option
        counted["session"] = factors.Factor(np.zeros(n, dtype=factors.CODE), (session[0],) if n else ())
    for f in schema.LEDGER_FIELDS:
        if f.name in counted:
            out[f.name] = counted[f.name]
        elif f.kind in ("date", *_TYPED_KINDS):
            out[f.name] = mapped[f.name].typed(f.kind) if f.name in mapped else _empty_typed(n, f.kind)
        elif f.name in mapped:
            out[f.name] = _Text(mapped[f.name].table, mapped[f.name].column.codes)
        else:
            out[f.name] = _Text([], np.full(n, -1, dtype=np.intp))
    # congress and year come from configuration where the file leaves them out
    congress = out["congress"]
    filled = str(cfg.get("congress") or "")
    out["congress"] = _Text([filled if value is None else value for value in congress.values] + [filled],
                            np.where(congress.codes >= 0, congress.codes, len(congress.values)))
    years = {sessions.canonical_session(k) or str(k): v for k, v in (cfg.get("session_years") or {}).items()}
    if years and out["year"].isna().any():  # a few distinct sessions: each looked up once, spread over the rows
        if "session" in mapped:
            labels, codes = mapped["session"].table, mapped["session"].column.codes
        else:  # one label for every row, from the title, the file name or the option
            labels, codes = [session[0] if n else None], np.zeros(n, dtype=np.intp)
        from_config = pd.array([years.get(label) for label in labels] + [None], dtype="Int64")
        out["year"] = pd.Series(out["year"]).fillna(
            pd.Series(from_config.take(np.where(codes < 0, len(labels), codes)))).array
    for position, name in columns.unknown:
        if name not in out:
            out[name] = _Text(body[position].cleaned, body[position].codes)
    out["source_file"] = factors.Factor(np.zeros(n, dtype=factors.CODE), (file,) if n else ())
    out["source_row"] = rows.astype("int64")
    return _LedgerColumns(out, n)


def _ledger_frame(parts: list[_LedgerColumns]) -> pd.DataFrame:
    """The frame of one ledger file, or of several with the same columns one after another, a column at a time.

    Each file's pieces of a column are let go once the column is built, so a ledger of ten million rows in many
    files is never held twice; the counted columns are handed to ``factors`` with their codes.
    """
    built: dict[str, object] = {}
    counted: dict[str, factors.Factor] = {}
    for name in list(parts[0].columns):
        pieces = [part.columns.pop(name) for part in parts]
        if name in factors.COUNTED:  # a file without the column holds it blank, as text: its codes are all -1
            pieces = [piece.factor() if isinstance(piece, _Text) else piece for piece in pieces]
            counted[name] = factor = factors.used(pieces[0] if len(pieces) == 1 else factors.concat(pieces))
            built[name] = factors.text_array(factor.labels, factor.codes)
        elif isinstance(pieces[0], _Text):
            text = pieces[0] if len(pieces) == 1 else _Text.join(pieces)
            built[name] = factors.text_array(text.values, text.codes)
        else:
            built[name] = pieces[0] if len(pieces) == 1 else pd.concat(
                [pd.Series(piece, copy=False) for piece in pieces], ignore_index=True).array
        del pieces
        if len(parts) > 1:
            _give_back_freed_memory()
    frame = pd.DataFrame(built, index=pd.RangeIndex(sum(map(len, parts))), copy=False)  # new arrays: not copied
    for name, factor in counted.items():
        factors.remember(frame, name, factor)
    return frame


# ---------------------------------------------------------------------------------------
# Published figures
# ---------------------------------------------------------------------------------------

FIGURE_COLUMNS = ("congress", "session", "year", "handler", "measure", "category", "count", "count_value",
                  "count_qualifier", "percent", "percent_value", "percent_decimals", "percent_qualifier", "base",
                  "assumption", "source", "note", "source_file", "source_row")
_FIGURE_TEXT = ("congress", "session", "handler", "measure", "category", "count", "count_qualifier", "percent",
                "percent_qualifier", "base", "assumption", "source", "note", "source_file")


def _fold_name(text: str) -> str:
    return normalize.fold_width(text).strip().lower().replace(" ", "").replace("_", "")


_MEASURE_LOOKUP = {_fold_name(name): m.name for m in schema.MEASURES for name in (m.name, m.zh, m.en)}


def _parse_measure(value: object) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    name = _MEASURE_LOOKUP.get(_fold_name(text))
    if name is None:
        raise ValueError("unknown measure")
    return name


def _parse_period(value: object) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    label = sessions.canonical_period(text)  # the one parser: sessions, spans, meetings, years
    if label is None:
        raise ValueError("not a session label")
    return label


def _printed(value: object, *, percent: bool) -> normalize.PrintedNumber | None:
    text = _clean(value)
    if text is None:
        return None
    if normalize.fold_width(text).lstrip().startswith("-"):
        raise ValueError("negative")
    if percent and _DECIMAL_COMMA.fullmatch(normalize.fold_width(text).strip()):
        raise ValueError("decimal comma")  # 99,87: never a thousands group (three digits); read by no guess either
    number = normalize.parse_printed(text)
    if percent and number.value > 100:
        raise ValueError("over 100")
    if not percent and number.decimals:
        raise ValueError("dot thousands" if _DOT_THOUSANDS.fullmatch(normalize.fold_width(text).strip()) else "fraction")
    return number


# How Vietnamese, German and other reports print numbers (2.293 kiến nghị, 8,79%): named in the message, never read
# as such (a Chinese report's 2.293 is no count either way)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}\s*%?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _parse_base(value: object) -> str | None:
    text = _clean(value)
    if text is None:
        return None
    measure, _, handler = normalize.fold_width(text).partition("@")
    name = _parse_measure(measure)
    if name is None:
        raise ValueError("unknown measure")
    return f"{name}@{handler.strip()}" if handler.strip() else name


_MEASURE_NAMES = "、".join(m.name for m in schema.MEASURES)
_FIGURE_RULES: dict[str, tuple[Callable, str, str, str, str]] = {
    # column → (parser, zh message, en message, allowed, problem code)
    "session": (_parse_period, "不是可识别的届次", "not a session label",
                "如 十八届人大二次会议、四届人大一次至三次会议、人大常委会第十五次会议、2020年度；多次会议合计用 + 连接 / "
                "e.g. 十八届人大二次会议, a span, a standing-committee meeting, 2020年度; join totals with +",
                "unknown_value"),
    "year": (_parse_year, "年度不合理", "not a plausible year", "四位年份，如 2023 / a year such as 2023", "bad_value"),
    "measure": (_parse_measure, "未知的指标", "unknown measure", _MEASURE_NAMES, "unknown_measure"),
    "base": (_parse_base, "百分比基数不是已知的指标", "the base is not a known measure",
             "指标名，可加 @承办主体，如 received、handled@区政府 / a measure, optionally @handler: " + _MEASURE_NAMES,
             "unknown_measure"),
    "count": (lambda v: _printed(v, percent=False), "件数不是印出的数字", "count is not a number as printed",
              "数字，可带 余/以上/近/约，如 159、160余 / a number as printed, e.g. 159, 160余", "bad_number"),
    "percent": (lambda v: _printed(v, percent=True), "百分比不是印出的数字", "percent is not a number as printed",
                "0–100 的数字，原样照录，如 52.3、25.75、90以上、约11 / 0–100 as printed, e.g. 52.3, 90以上",
                "bad_number"),
}
_PRINTED_REASONS = {
    # the normaliser's reason → (zh, en, code)
    "negative": ("不能为负数", "cannot be negative", "negative"),
    "fraction": ("应为整数", "must be a whole number", "bad_number"),
    "over 100": ("超过100", "is over 100", "percent_over_100"),
    "decimal comma": ("用逗号作小数点（越南文、德文等的写法）：请写成圆点（8,79 → 8.79），原文照录在 note",
                      "uses a decimal comma (as Vietnamese or German print it): write a point (8,79 → 8.79) and quote "
                      "the original in note", "bad_number"),
    "dot thousands": ("应为整数；若圆点是千位分隔（越南文、德文等的写法，2.293 即 2293），请去掉圆点，原文照录在 note",
                      "must be a whole number; if the point separates thousands (as Vietnamese or German print it, "
                      "2.293 for 2293), leave it out and quote the original in note", "bad_number"),
}


def _figures(table: _Table, cfg: dict, problems: _Problems) -> _Result:
    columns = _match_headers(table, schema.FIGURE_FIELDS, problems)
    missing = _missing_required(table, columns, schema.FIGURE_FIELDS, problems, skip=frozenset({"session"}))
    two_row_header = _second_header_row(table, columns, schema.FIGURE_FIELDS, problems)
    report = FileReport(file=table.file, kind="figures", encoding=table.encoding, sheet=table.sheet,
                        unknown_columns=[safe_text(name) for _, name in columns.unknown], session_from="column",
                        sha256=table.sha256)
    body = _data_rows(table, problems, "数字", _typed_parsers(columns, {n: rule[0] for n, rule in _FIGURE_RULES.items()}),
                      header_below=two_row_header)
    rows = _rows_of(body)
    report.rows = int(len(rows))
    mapped: dict[str, _Mapped] = {}
    for f in schema.FIGURE_FIELDS:
        if f.name not in columns.by_field:
            continue
        header = columns.written[f.name]
        parser, zh, en, allowed, code = _FIGURE_RULES.get(f.name, (_clean, "", "", None, "bad_value"))
        m = mapped[f.name] = _map(body[columns.by_field[f.name]], parser)
        _not_blank_where_unknown(m, table, columns.by_field[f.name])
        if f.name == "satisfaction" and len(tick_faults):
            m.blank = m.blank & ~np.isin(m.column.rows, tick_faults)  # its ticks are reported: not blank too
        for value, reason, bad in m.bad_groups():
            if reason in _PRINTED_REASONS:
                zh_why, en_why, why_code = _PRINTED_REASONS[reason]
                zh_msg, en_msg, row_code = f"{'件数' if f.name == 'count' else f.zh}{zh_why}", f"{f.name} {en_why}", why_code
            else:
                zh_msg, en_msg, row_code = zh, en, code
            problems.add_rows(bad, None, zh_msg, en_msg, column=header, value=value, allowed=allowed, code=row_code)
        if f.required:
            problems.add_rows(rows[m.blank], None, f"必填的「{f.zh}」是空的", f"required {f.name} is blank",
                              column=header, code="blank_required",
                              allowed="每个数字都要注明出处 / every figure needs its source" if f.name == "source" else None)
    if "percent" in mapped and table.encoding == "xlsx":
        _warn_percent_formatted_cells(mapped["percent"], columns.written["percent"], problems)
    if "session" in mapped and mapped["session"].blank.any() and not mapped["session"].blank.all():
        # a file that names no period at all is one report; one that names it on some rows only has gaps
        problems.add_rows(rows[mapped["session"].blank], None, "届次空白：其他行写了届次，这一行也要写（整个文件都不写时按一份报告处理）",
                          "session is blank while other rows name one (a file that names none is read as one report)",
                          column=columns.written["session"], code="blank_required")
    if "session" in mapped:
        report.sessions = sorted({s for s in pd.unique(mapped["session"].values) if s}, key=sessions.session_sort_key)
    if missing or problems.errors:
        return _Result(report, None)
    return _Result(report, _figures_frame(mapped, rows, table.file, cfg),
                   unknown_columns=[name for _, name in columns.unknown])


def _warn_percent_formatted_cells(percent: _Mapped, header: str, problems: _Problems) -> None:
    """Warn about numbers ≤ 1 in an XLSX percent column: Excel stores a cell shown as 52.3% as 0.523."""
    column = percent.column
    fractions = column.per_row([isinstance(u, float) and 0 < u <= 1 for u in column.uniques], False)
    problems.add_rows(column.rows[fractions], [column.uniques[c] for c in column.codes[fractions]],
                      "这个百分比是不超过1的数字：若 Excel 中该单元格设为百分比格式（显示 52.3%，实存 0.523），"
                      "请改为文本或直接写 52.3",
                      "this percent is a number of at most 1: if the Excel cell is formatted as a percentage "
                      "(shows 52.3%, stores 0.523), type it as text or write 52.3",
                      column=header, code="percent_fraction", severity="warning")


def _periods(labels: np.ndarray, years: pd.arrays.IntegerArray, file: str) -> np.ndarray:
    """The session column: as read, or, in a file that names no session on any row, the year it names, or the file.

    A file without sessions whose rows name one year (totals may leave it blank), or a year on every row, is that
    year's report (2020年度); one that names no year either is the file as the report (未注明会期（f.csv）).
    """
    if not len(labels) or not (labels == "").all():
        return labels
    named = years[~years.isna()]
    if len(named) and (len(set(named)) == 1 or len(named) == len(years)):
        every_row = years.fillna(int(named[0]))  # fills only when one year is named
        labels[:] = [sessions.Period(sessions.PeriodKind.YEAR, year=int(year)).label for year in every_row]
    else:
        labels[:] = sessions.no_period_label(Path(file).name)
    return labels


def _figures_frame(mapped: dict[str, _Mapped], rows: np.ndarray, file: str, cfg: dict) -> pd.DataFrame:
    n = len(rows)

    def values(name: str) -> np.ndarray:
        return mapped[name].values if name in mapped else np.full(n, None, dtype=object)

    def text(name: str) -> np.ndarray:
        return np.array(["" if v is None else v for v in values(name)], dtype=object)

    counts, percents = values("count"), values("percent")
    congress = text("congress")
    congress[congress == ""] = str(cfg.get("congress") or "")
    # outcome class labels stay as printed: reconcile reads each report's scheme from its labels
    measure, category = text("measure"), text("category")
    year = pd.array(values("year"), dtype="Int64")
    frame = {
        "congress": congress,
        "session": _periods(text("session"), year, file),
        "year": year,
        "handler": text("handler"),
        "measure": measure,
        "category": category,
        "count": np.array(["" if c is None else c.text for c in counts], dtype=object),
        "count_value": pd.array([None if c is None else c.value for c in counts], dtype="Float64"),
        "count_qualifier": np.array(["" if c is None else c.qualifier for c in counts], dtype=object),
        "percent": np.array(["" if p is None else p.text for p in percents], dtype=object),
        "percent_value": pd.array([None if p is None else p.value for p in percents], dtype="Float64"),
        "percent_decimals": pd.array([None if p is None else p.decimals for p in percents], dtype="Int64"),
        "percent_qualifier": np.array(["" if p is None else p.qualifier for p in percents], dtype=object),
        "base": text("base"),
        "assumption": text("assumption"),
        "source": text("source"),
        "note": text("note"),
        "source_file": np.full(n, file, dtype=object),
        "source_row": rows.astype("int64"),
    }
    result = pd.DataFrame(frame, index=pd.RangeIndex(n))
    for name in _FIGURE_TEXT:
        result[name] = result[name].astype("string")
    return result


# ---------------------------------------------------------------------------------------
# The public entry points
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """A file to read and the name it goes by in messages and provenance (a run reads a snapshot of the user's file)."""

    path: Path  # the bytes read
    name: str  # the user's file, as messages, ``source_file`` and provenance name it
    sheet: str | None = None  # the sheet to read when it is a workbook (overrides the loader's ``sheet``)


def _as_inputs(files) -> list[InputFile]:
    items = [files] if isinstance(files, (str, Path, InputFile)) else list(files)
    if not items:
        raise FileFormatError([Problem(file="", code="no_files", message="没有给出要读取的文件",
                                       message_en="no files were given")])
    return [f if isinstance(f, InputFile) else InputFile(Path(f), str(Path(f))) for f in items]


def _config(config: dict | str | Path | None) -> dict:
    if isinstance(config, dict):
        return config_module._merge(config_module.DEFAULTS, config)
    return config_module.load_config(config)


def _detect_kind(table: _Table) -> str:
    """'figures' when the header has a measure column (指标), else 'ledger'."""
    headers = {schema.normalise_header(h) for h in table.headers if normalize.clean_text(h)}
    measure = schema.FIGURE_BY_NAME["measure"]
    return "figures" if headers & {schema.normalise_header(h) for h in measure.headers()} else "ledger"


def _add_problems(problems: _Problems, found: Iterable[Problem]) -> None:
    for p in found:
        problems.add(p.message, p.message_en or p.message, row=p.row, column=p.column, value=p.value,
                     allowed=p.allowed, code=p.code, severity=p.severity)


def _each_call_afresh() -> None:
    """Forget what the last load remembered of its values (the parsed dates)."""
    _parse_date_text.cache_clear()


def _process(source: InputFile, *, kind: str | None, session: str | None, scheme: schemes.OutcomeScheme | None,
             sheet: str | None, cfg: dict, sheet_for_workbooks_only: bool = False,
             reading: "Future[_Table] | None" = None, exact: bool = False) -> _Result:
    """Read, normalise and check one file; never raises DataError (problems go in the report).

    ``reading``: the file being read already, in another thread (``_read_ahead``). ``exact``: see ``_read_table``.
    """
    file = source.name
    problems = _Problems(file)

    def misread() -> bool:  # a large file's read assumed no NUL byte or quote past its start, wrongly: read it again
        return table.hashing is not None and not table.hashing.result()[1]

    def again() -> _Result:
        return _process(source, kind=kind, session=session, scheme=scheme, sheet=sheet, cfg=cfg,
                        sheet_for_workbooks_only=sheet_for_workbooks_only, exact=True)

    try:
        table = reading.result() if reading is not None else \
            _read_table(source.path, file, source.sheet or sheet, sheet_for_workbooks_only, exact)
    except DataError as exc:
        _add_problems(problems, exc.problems)
        report = FileReport(file=file, kind=kind or "unknown")
        return _finish(_Result(report, None, unreadable=True), problems)
    _add_problems(problems, table.notes)
    found = _detect_kind(table)
    if kind and found != kind:
        if misread():
            return again()
        (wanted, wanted_en), (seen, seen_en) = (labels.FILE_KIND_LABELS[labels.FileKind(k)] for k in (kind, found))
        problems.add(f"这是一个{seen}文件，不是{wanted}文件", f"this is a {seen_en} file, not a {wanted_en} file",
                     row=table.header_row, code="wrong_kind",
                     allowed="台账用 load_cases，已公布数字用 load_figures / ledgers: load_cases; figures: load_figures")
        return _finish(_Result(FileReport(file=file, kind=found, encoding=table.encoding, sheet=table.sheet), None),
                       problems)
    if found == "figures":
        result = _figures(table, cfg, problems)
    else:
        result = _ledger(table, Path(source.name), session_option=session,
                         scheme=scheme or schemes.load_scheme(cfg.get("outcome_scheme") or "abc"),
                         cfg=cfg, problems=problems)
    if misread():
        return again()
    if table.hashing is not None:  # worked out beside the checks: the report has it from here on
        result.report.sha256 = table.sha256 = table.hashing.result()[0]
    return _finish(result, problems)


def _read_ahead(items: list[InputFile], sheet: str | None) -> Iterable[tuple[InputFile, Future]]:
    """Each file with its reading: the next file is read in another thread while this one is checked.

    Arrow's parse of the next file and the checks of this one (Python, one core) then share the two cores; the
    results come in the files' order, each file's read exactly as ``_read_table`` reads it alone.
    """
    with ThreadPoolExecutor(1) as reader:  # one thread: a file is read only once the one before it is
        readings = [reader.submit(_read_table, items[0].path, items[0].name, items[0].sheet or sheet)]
        for index, item in enumerate(items):
            if index + 1 < len(items):
                after = items[index + 1]
                readings.append(reader.submit(_read_table, after.path, after.name, after.sheet or sheet))
            yield item, readings[index]
            readings[index] = None  # the file's table is let go once checked


def _finish(result: _Result, problems: _Problems) -> _Result:
    report = result.report
    report.problems = problems.listed()
    report.groups = problems.sorted_groups()
    report.errors, report.warnings, report.ungrouped = problems.errors, problems.warnings, problems.ungrouped
    report.omitted = problems.total - len(report.problems)
    if result.frame is not None:
        result.provenance = _provenance(report, len(result.frame), result.unknown_columns)
    return result


def _provenance(report: FileReport, rows: int, unknown_columns: list[str]) -> dict:
    return {"file": report.file, "sha256": report.sha256, "rows": rows, "encoding": report.encoding,
            "sheet": report.sheet, "session_from": report.session_from,
            "unknown_columns": list(unknown_columns), "is_sample": report.is_sample}


def _raise_if_errors(results: list[_Result]) -> None:
    errors = [p for r in results for p in r.report.problems if p.severity == "error"]
    if not errors and all(r.frame is not None for r in results):
        return
    omitted = sum(r.report.omitted for r in results)
    if omitted:
        errors.append(Problem(file=results[-1].report.file, code="more",
                              message=f"……另有 {omitted} 个问题未列出", message_en=f"…and {omitted} more problems"))
    error = (FileFormatError if any(r.unreadable for r in results) else SchemaError)(errors)
    # The message is the grouped report (one line per kind of mistake, with its row count), which
    # stays short for a ledger with 40,000 bad rows; ``problems`` still holds them one by one.
    error.args = (render_reports([r.report for r in results if not r.report.ok]),)
    raise error


def _scheme(scheme: str | schemes.OutcomeScheme | None, cfg: dict) -> schemes.OutcomeScheme:
    if isinstance(scheme, schemes.OutcomeScheme):
        return scheme
    return schemes.load_scheme(str(scheme or cfg.get("outcome_scheme") or "abc"))


def load_cases(files, *, session: str | None = None, scheme: str | schemes.OutcomeScheme | None = None,
               sheet: str | None = None, config: dict | str | Path | None = None) -> pd.DataFrame:
    """Load one or more ledgers into one typed frame (one row per suggestion); DataError on any error."""
    cfg = _config(config)
    active = _scheme(scheme, cfg)
    items = _as_inputs(files)
    _each_call_afresh()
    if len(items) == 1:
        results = [_process(items[0], kind="ledger", session=session, scheme=active, sheet=sheet, cfg=cfg)]
    else:
        results = [_process(p, kind="ledger", session=session, scheme=active, sheet=sheet, cfg=cfg, reading=reading)
                   for p, reading in _read_ahead(items, sheet)]
    _raise_if_errors(results)
    provenance = [r.provenance for r in results]
    parts = [r.frame for r in results]
    del results  # each file's columns are let go as the frame is built
    if any(list(part.columns) != list(parts[0].columns) for part in parts):
        frame = pd.concat([_ledger_frame([part]) for part in parts], ignore_index=True)
    else:
        frame = _ledger_frame(parts)
    if len(parts) > 1 and (problems := _cross_file_problems(frame)):  # one file was checked for duplicates already
        raise SchemaError(problems)
    frame.attrs["provenance"] = provenance
    frame.attrs["scheme"] = active.name
    return frame


def _give_back_freed_memory() -> None:
    """Return the memory of freed arrays to the system at once (glibc's ``malloc_trim``; nothing elsewhere).

    Each file's pieces of a column (a few MB each) sit in the C heap, where glibc keeps freed blocks for reuse; the
    ledger's columns (tens of MB each) are mapped afresh beside them and cannot reuse those blocks. Without this a
    ledger of ten million rows in 13 files was held about twice over while joined: 4.4 GiB at the peak.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc():
    """The C library when it is glibc (it has ``malloc_trim``), else None."""
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _glibc()


def _cross_file_problems(frame: pd.DataFrame) -> list[Problem]:
    """The same suggestion id in the same session in two files is an error (one file each is checked already), and so
    are two spellings of one id that differ only by spaces, case or 第…号 ("S 1" in one file, "s1" in another; 第12号
    and 12; full-width forms are folded on reading, so "Ｓ１" is "S1"), as within one file (``_id_key``): both files and
    rows are named, nothing merged.

    Only the rows of a session that two or more files hold can repeat an id across files: a ledger split into
    one file per session has none, and its ten million ids are not hashed again.
    """
    session, source = factors.of(frame, "session"), factors.of(frame, "source_file")
    if len(source.labels) < 2:
        return []
    pairs = np.unique((session.codes.astype(np.int64) + 1) * (len(source.labels) + 1) + source.codes + 1)
    files_per_session = np.bincount(pairs // (len(source.labels) + 1), minlength=len(session.labels) + 1)
    shared = np.flatnonzero(files_per_session[1:] > 1)  # slot 0: a blank session, never a duplicate
    if not len(shared):
        return []
    frame = frame[np.isin(session.codes, shared)]
    problems: list[Problem] = []
    dup = frame[frame.duplicated(["session", "suggestion_id"], keep=False)]
    grouped = dup.groupby(["session", "suggestion_id"], sort=False)
    for (label, number), group in grouped:
        if len(problems) >= MAX_LISTED_PROBLEMS:
            problems.append(Problem(file=str(group["source_file"].iloc[0]), code="more",
                                    message=f"……另有 {grouped.ngroups - MAX_LISTED_PROBLEMS} 个重复的建议编号未列出",
                                    message_en=f"…and {grouped.ngroups - MAX_LISTED_PROBLEMS} more duplicate ids"))
            break
        places = "；".join(f"{f} 第{r}行" for f, r in zip(group["source_file"], group["source_row"]))
        first = group.iloc[0]
        problems.append(Problem(file=str(first["source_file"]), row=int(first["source_row"]), column="suggestion_id",
                                value=_shown(number), code="duplicate_id",
                                message=f"建议编号在{label}内重复，出现在：{places}",
                                message_en=f"duplicate suggestion id within {label}, found at: {places}"))
    return problems + _cross_file_spellings(frame)


def _cross_file_spellings(frame: pd.DataFrame) -> list[Problem]:
    """Ids of one session, in different files, that differ only by spaces, case or 第…号: one error per id, naming each
    spelling's file and first row. Keys (``_id_key``) are made from the distinct ids only; ids differing otherwise (S-1
    and S1, S01 and S1) are different ids, as within one file."""
    ids = factors.of(frame, "suggestion_id")
    if _one_spelling_each("\x00".join(ids.labels)):  # ids never hold NUL (refused on reading)
        return []
    keys = pd.Series([_id_key(label) for label in ids.labels], dtype=object)
    if keys.nunique() == len(keys):
        return []  # no two ids share a key: nothing to compare row by row
    key_codes, _ = pd.factorize(keys)
    present = ids.codes >= 0
    session_codes = factors.of(frame, "session").codes[present]
    id_codes = ids.codes[present]
    rows = np.flatnonzero(present)
    by_pair = pd.DataFrame({"s": session_codes, "k": key_codes[id_codes], "i": id_codes, "at": rows})
    firsts = by_pair.drop_duplicates(["s", "i"])  # each spelling's first row in the session
    spellings = firsts.groupby(["s", "k"], sort=False)["i"].transform("size")
    firsts = firsts[spellings.to_numpy() > 1]
    problems: list[Problem] = []
    source, source_row, sessions = frame["source_file"].to_numpy(), frame["source_row"].to_numpy(), \
        frame["session"].to_numpy()
    for _, group in firsts.groupby(["s", "k"], sort=False):
        at = group["at"].to_numpy()[:10]
        places = "、".join(f"「{ids.labels[i]}」（{source[a]} 第{source_row[a]}行）" for i, a in zip(group["i"], at))
        places_en = ", ".join(f"'{ids.labels[i]}' ({source[a]} row {source_row[a]})" for i, a in zip(group["i"], at))
        label = sessions[at[0]]
        message, message_en = _spelling_message(places, places_en, label)
        problems.append(Problem(
            file=str(source[at[0]]), row=int(source_row[at[0]]), column="suggestion_id", value=None,
            code="duplicate_id_spelling", message=message, message_en=message_en,
            allowed="每次会议内编号唯一 / unique within a session"))
        if len(problems) >= MAX_LISTED_PROBLEMS:
            break
    return problems


def load_figures(files, *, config: dict | str | Path | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Load published-figures files (one row per printed figure) into one frame; DataError on any error."""
    cfg = _config(config)
    results = [_process(p, kind="figures", session=None, scheme=None, sheet=sheet, cfg=cfg)
               for p in _as_inputs(files)]
    _raise_if_errors(results)
    frame = pd.concat([r.frame for r in results], ignore_index=True) if len(results) > 1 else results[0].frame
    frame = frame.loc[:, list(FIGURE_COLUMNS)]
    frame.attrs["provenance"] = [r.provenance for r in results]
    return frame


def validate_files(files, *, session: str | None = None, scheme: str | None = None, sheet: str | None = None,
                   sheet_for_workbooks_only: bool = False, together: bool = True) -> list[FileReport]:
    """Check each file (ledger or published figures, told apart by its header) and report every problem.

    ``together``: the ledgers are also checked as ``load_cases`` (and so ``run``) checks ledgers loaded together: an
    id of one session repeated, or spelled apart only by spaces, case or 第…号, in two files (``_check_across_files``).

    ``sheet`` names the sheet of each workbook; given for a CSV file it is an error, unless
    ``sheet_for_workbooks_only`` (a run's --sheet over a mix of workbooks and CSV files).
    """
    cfg = _config(None)
    active = _scheme(scheme, cfg)
    _each_call_afresh()
    reports, ids = [], []
    for p in _as_inputs(files):
        result = _process(p, kind=None, session=session, scheme=active, sheet=sheet, cfg=cfg,
                          sheet_for_workbooks_only=sheet_for_workbooks_only)
        reports.append(result.report)
        if together and isinstance(result.frame, _LedgerColumns):  # a ledger without errors: for the checks across files
            ids.append((p.path, result.report, _LedgerColumns(
                {name: result.frame.columns[name] for name in _ACROSS_FILES}, len(result.frame))))
    _check_across_files(ids)
    return reports


_ACROSS_FILES = ("session", "suggestion_id", "source_file", "source_row")  # what the checks across files read


def _check_across_files(ledgers: list[tuple[Path, FileReport, _LedgerColumns]]) -> None:
    """The checks ``load_cases`` makes of ledgers loaded together (as ``run`` loads every ledger it is given), added to
    the report of the file each problem names: an id repeated, or spelled apart by spaces, case or 第…号, in one session
    in two files. Only ledgers with no error of their own are compared, each file once (a file named twice is one file, as
    in ``run``); ledgers of different sessions are never compared (see ``_cross_file_problems``)."""
    seen: set[Path] = set()
    unique = []
    for path, report, columns in ledgers:
        key = Path(path).resolve()
        if key not in seen:
            seen.add(key)
            unique.append((report, columns))
    if len(unique) < 2:
        return
    by_file = {report.file: report for report, _ in unique}
    column = schema.LEDGER_BY_NAME["suggestion_id"].zh
    for problem in _cross_file_problems(_ledger_frame([columns for _, columns in unique])):
        report = by_file.get(problem.file)
        if report is None:
            continue
        problem = replace(problem, column=column if problem.column == "suggestion_id" else problem.column,
                          message=problem.message + "（几个台账一起校验，和 run 一样；不是同一份台账的文件请用 --each-file 逐个校验）",
                          message_en=(problem.message_en or problem.message) + " (the ledgers were checked together, "
                          "as run loads them; check files that are not one ledger with --each-file)")
        report.problems.append(problem)
        report.groups.append(ProblemGroup(problem, 1, [problem.row]))
        report.errors += problem.severity == "error"
        report.warnings += problem.severity != "error"


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


_GROUPS_SHOWN = 30  # kinds of problem shown per file in the text report; the rest are counted


def _rows_text(rows: list[int], count: int, en: bool) -> str:
    """'第3、5、9行' — or, for a problem on more rows than are named, '第3、5、9…行（另有 39,997 行，共 40,000 行）'."""
    shown = [str(r) for r in rows[:ROWS_IN_GROUP]]
    more = count - len(shown)
    if en:
        text = ("row " if count == 1 else "rows ") + ", ".join(shown)
        return text + (f" … (and {more:,} more, {count:,} in all)" if more > 0 else "")
    return "第" + "、".join(shown) + (f"…行（另有 {more:,} 行，共 {count:,} 行）" if more > 0 else "行")


def _problem_line(p: Problem, rows: list[int], count: int, lang: str) -> str:
    """One line of the text report: a problem and the rows that have it."""
    en = lang == "en"
    where = []
    if rows:
        where.append(_rows_text(rows, count, en))
    elif count > 1:
        where.append(f"{count:,} times" if en else f"共 {count:,} 处")
    if p.column:
        column = safe_text(p.column, 40)
        where.append(f"column “{column}”" if en else f"列「{column}」")
    text = f"  [{labels.severity_label('error' if p.severity == 'error' else 'warning', 'en' if en else 'zh')}] " + (", ".join(where) + ": " if where else "")
    text += (p.message_en or p.message) if en else p.message
    if p.value is not None:
        # values are quoted escaped and cut (a 10,000-character title, a bidi override, a terminal escape)
        text += f" — {'value' if en else '值'} '{safe_text(p.value)}'"
    if p.allowed:
        text += f" — {'allowed' if en else '允许'}: {p.allowed}"
    return text


def _grouped(r: FileReport) -> list[tuple[Problem, list[int], int]]:
    """(problem, rows, count) per kind of problem: the report's groups, or its listed problems grouped."""
    if r.groups:
        return [(g.problem, [row for row in g.rows if row is not None], g.count) for g in r.groups]
    groups: dict[tuple, tuple[Problem, list[int]]] = {}
    for p in r.problems:  # a report built by hand, without groups
        key = (p.severity, p.code, p.column, p.message, p.value, p.allowed)
        if key not in groups:
            groups[key] = (p, [])
        if p.row is not None:
            groups[key][1].append(p.row)
    ordered = sorted(groups.values(), key=lambda g: (g[0].severity != "error", min(g[1], default=0)))
    return [(p, rows, max(len(rows), 1)) for p, rows in ordered]


def _report_head(r: FileReport, lang: str) -> str:
    en = lang == "en"
    mark = "✓" if r.ok else "✗"
    parts = []
    if r.kind in labels.FILE_KIND_LABELS:
        parts.append(labels.FILE_KIND_LABELS[labels.FileKind(r.kind)][1 if en else 0])
        parts.append(f"{r.rows:,} rows" if en else f"{r.rows:,} 行")
    if r.encoding == "xlsx":
        parts.append("XLSX workbook" if en else "XLSX 工作簿")
    elif r.encoding:
        parts.append(f"encoding {r.encoding}" if en else f"编码 {r.encoding}")
    if r.sheet:
        parts.append(f"sheet {safe_text(r.sheet, 40)}" if en else f"工作表 {safe_text(r.sheet, 40)}")
    if r.kind == "ledger" and r.session_from:
        label = "、".join(r.sessions)
        where_zh, where_en = labels.SESSION_FROM_LABELS[labels.SessionFrom(r.session_from)]
        parts.append(f"session from {where_en}" + (f": {label}" if label else "") if en
                     else f"届次来自{where_zh}" + (f"：{label}" if label else ""))
    if r.is_sample:
        parts.append("sample data" if en else "示例数据")
    head = f"{mark} {r.file}" + (f" ({'; '.join(parts)})" if en else f"（{'；'.join(parts)}）") if parts else f"{mark} {r.file}"
    if r.ok and not r.warnings:
        return head + (" — no problems" if en else " — 没有问题")
    counts = (f"{r.errors:,} error(s), {r.warnings:,} warning(s)" if en else f"{r.errors:,} 个错误，{r.warnings:,} 个警告")
    return f"{head} — {counts}"


def render_reports(reports: list[FileReport], lang: str = "zh") -> str:
    """The validation reports as text a staff member can act on (zh default, 'en' for English)."""
    en = lang == "en"
    failed = sum(not r.ok for r in reports)
    lines = [f"Validated {len(reports)} file(s): {failed} with errors." if en
             else f"校验了 {len(reports)} 个文件，其中 {failed} 个有错误。"]
    for r in reports:
        lines.append("")
        lines.append(_report_head(r, lang))
        groups = _grouped(r)
        for p, rows, count in groups[:_GROUPS_SHOWN]:
            lines.append(_problem_line(p, rows, count, lang))
        hidden = sum(count for _, _, count in groups[_GROUPS_SHOWN:]) + r.ungrouped
        if hidden:
            lines.append(f"  …and {hidden:,} more problem(s) of other kinds not listed" if en
                         else f"  ……另有 {hidden:,} 个其他问题未列出")
        elif r.omitted and not r.groups:
            lines.append(f"  …and {r.omitted:,} more problem(s) not listed" if en
                         else f"  ……另有 {r.omitted:,} 个问题未列出")
    if failed:
        lines.append("")
        lines.append("Fix the errors above and run the check again." if en
                     else "请按上面的提示修改文件后重新校验。")
    return "\n".join(lines)
