"""Peers: other congresses' published reports as one tidy frame, with harmonised outcome classes.

``data/peers/`` holds one published-figures file per report (the format of ``data/README.md``),
``sources.csv`` (one row per report: congress, level, body, period, year, title, publisher, URL)
and ``harmonised_classes.yaml`` (every outcome label mapped to three shared classes). A report
is added by dropping its file in; one the index does not list still loads, its metadata
unknown and a note saying so.

``load()`` reconciles each file with ``analysis.reconcile`` (the engine of the figures check:
each report's own classes and periods, a verdict per printed percent, blanks derived by named
rules) and returns one row per printed or derived figure (``COLUMNS``), plus the harmonised
rows built from them: ``harmonised_outcome`` (the report's classes summed into a shared class)
and ``satisfied_or_basic`` (the share satisfied or basically satisfied, as the ledger counts
it). A label with no mapping keeps ``harmonised_class`` "" and its body gets no harmonised
figure; a label joining two classes leaves both out. Nothing is guessed.

``comparison()`` sets the bundled district (``district_rows``) among the peers on the solved
share, reply, completion and satisfaction rates: Wilson intervals where a count and its base
are known, the printed percent alone otherwise, and each peer tested against the district
(Fisher's exact test, Holm's adjustment over the page) where both are counts of the same kind
of base.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths, reconcile, sessions, sources, stats, yaml_text
from .labels import FigureStatus, Level, PeerVerdict, Qualifier
from .config import load_config
from .errors import ConfigError, DataError, Problem
from .normalize import fold_width, parse_printed
from .reconcile.words import percent_shown

INDEX_FILE = "sources.csv"
CLASSES_FILE = "harmonised_classes.yaml"
LEVELS = tuple(str(level) for level in Level if level)  # 全国 省 市 区 县
DISTRICT = "district"  # the ``peer`` of the bundled district's rows

# Every column of the tidy frame: name, dtype, meaning (the data dictionary of data/README.md says the same).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("peer", "string", "the report: its file name without the extension (S01, T18 …); 'district' for ours"),
    ("congress", "string", "the congress or government that reports (sources.csv); the file name when not indexed"),
    ("level", "string", "省 / 市 / 区 / 县 / 全国; '' when not known"),
    ("body", "string", "the handling body the figure is of; '' = all bodies"),
    ("period", "string", "the period (analysis.sessions): a session, a span or total, …以来, a year, a term"),
    ("year", "Int64", "year of the period: printed, or from sources.csv (year_source); NA when not known"),
    ("year_source", "string", "printed | index (the transcriber's reading, see sources.csv notes) | ''"),
    ("measure", "string", "a measure of schema.MEASURES; harmonised rows: harmonised_outcome, satisfied_or_basic"),
    ("class_printed", "string", "outcome class or qualifier as printed (A, 已经解决或基本解决, 办复率, 会期 …)"),
    ("harmonised_class", "string", "solved | in_progress | reference, '+'-joined when one label joins classes; "
                                   "'' for other measures and for a label with no mapping"),
    ("count", "Int64", "the count, printed or derived; NA when not known (or printed only as a bound)"),
    ("count_printed", "string", "the count as printed ('' when derived or blank)"),
    ("percent", "Float64", "in percent: as printed, or count ÷ base × 100 (exact) when derived"),
    ("percent_printed", "string", "the percent as printed (约83.9, 超过90); '' when derived or blank"),
    ("base", "Int64", "the count the percent is of; NA when not known or when the printed percent is not count ÷ it"),
    ("base_measure", "string", "what the base counts: received, handled, completed, rated …"),
    ("status", "string", "printed | derived | percent_only | ledger (the district's figures counted from its ledger)"),
    ("verdict", "string", "the checker's verdict on the printed percent (analysis.reconcile): ok, plug, error …"),
    ("source", "string", "where it is printed: report, paragraph and URL as transcribed; for harmonised rows, "
                         "the sources of the figures summed"),
    ("source_file", "string", "the file of the report"),
    ("url", "string", "the report's URL (sources.csv)"),
    ("is_sample", "boolean", "True for figures of sample data (the bundled district)"),
    ("note", "string", "what a reader must know: how a harmonised row was made, a base left out, no index row"),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)
DTYPES = {name: dtype for name, dtype, _ in COLUMNS}

INDEX_COLUMNS = ("file", "congress", "title", "publisher", "level", "body", "period", "year", "url", "retrieved",
                 "notes")
_INDEX_REQUIRED = ("file", "congress", "level", "period", "year", "url")

# The rates the comparison page sets side by side, in page order.
COMPARED_MEASURES = ("solved", "replied", "completed", "satisfied_or_basic")
# What each compared rate is read from in the tidy frame: (measure, harmonised class or None).
_COMPARED_FROM = {
    "solved": ("harmonised_outcome", "solved"),
    "replied": ("replied", None),
    "completed": ("completed", None),
    "satisfied_or_basic": ("satisfied_or_basic", None),
}
# Bound words of a printed percent (normalize.QUALIFIERS): the true value lies beyond the printed one. 约 (about)
# is an approximation of a value, not a bound.
BOUND_QUALIFIERS = frozenset({Qualifier.AT_LEAST, Qualifier.MORE_THAN, Qualifier.NEARLY, Qualifier.LESS_THAN,
                              Qualifier.AT_MOST})
# Bases of one kind: all bodies' handled is the session's received (reconcile normalises them so).
_BASE_KINDS = {"received": "handled", "handled": "handled", "": ""}


# ---------------------------------------------------------------------------------------
# The harmonised classes (data/peers/harmonised_classes.yaml)
# ---------------------------------------------------------------------------------------


def fold_label(label: object) -> str:
    """A label as matched: half-width, no spaces (full-width and ASCII punctuation are one)."""
    return "".join(fold_width(str(label)).split())


@dataclass(frozen=True)
class LabelClass:
    """What one label means: its shared class(es), where the mapping comes from, and why."""

    label: str
    classes: tuple[str, ...]
    source: str  # "report" (letters of one report), "wording", "scheme"
    why: str = ""

    @property
    def code(self) -> str:
        """The harmonised class, '+'-joined when the label joins several."""
        return "+".join(self.classes)


@dataclass(frozen=True)
class Harmonisation:
    """The mapping of every known label to the shared classes, read from ``harmonised_classes.yaml``."""

    file: str
    classes: tuple[tuple[str, str, str], ...]  # (code, zh, en)
    schemes: dict[str, dict[str, str]]
    wordings: dict[str, LabelClass]  # by folded label
    reports: dict[str, dict[str, LabelClass]]  # file → folded label → mapping
    includes_basic: frozenset[str] = frozenset()
    parts: tuple[tuple[str, ...], ...] = ()  # each whole's parts, in the order written (the order they are named in)
    prefer: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The shared class codes in order."""
        return tuple(code for code, _, _ in self.classes)

    def class_name(self, code: str, lang: str = "zh") -> str:
        """The words of a shared class ('+'-joined codes: their words joined)."""
        words = {c: (zh, en) for c, zh, en in self.classes}
        parts = [words[c][1 if lang == "en" else 0] if c in words else c for c in code.split("+") if c]
        return (" + " if lang == "en" else "＋").join(parts)

    def lookup(self, report: str, labels) -> LabelClass | None:
        """The mapping of a report's label (any of ``labels``: its code, its words as printed); None when unmapped."""
        folded = [fold_label(x) for x in labels if str(x).strip()]
        # a code as printed: “A”类, 甲类 → A, 甲
        folded += [c for c in (x.strip('“”"\'').removesuffix("类").strip('“”"\'') for x in folded)
                   if 0 < len(c) <= 2 and c not in folded]
        own = self.reports.get(report, {})
        for label in folded:
            if label in own:
                return own[label]
        for label in folded:
            if label in self.wordings:
                return self.wordings[label]
        return None

    def scheme_mapping(self, scheme: str, code: str) -> LabelClass | None:
        """The mapping of a class code of a shipped scheme (data declared to use it, such as a ledger)."""
        found = self.schemes.get(scheme, {}).get(code)
        return LabelClass(code, (found,), "scheme") if found else None

    def without_reports(self) -> "Harmonisation":
        """The same mapping without its per-report letters (for a folder whose files are other reports)."""
        return replace(self, reports={})


def _classes_of(value, where: str, codes: tuple[str, ...], file: str) -> tuple[str, ...]:
    found = tuple(str(v) for v in (value if isinstance(value, list) else [value]))
    wrong = [c for c in found if c not in codes]
    if not found or wrong:
        raise ConfigError(f"{file}: {where}: class {value!r} is not one of {', '.join(codes)} "
                          "(a list of them for a label that joins classes)")
    return found


def _entry(item, where: str, codes: tuple[str, ...], file: str, source: str) -> LabelClass:
    if not isinstance(item, dict) or "label" not in item or "class" not in item:
        raise ConfigError(f"{file}: {where}: each entry needs label and class, e.g. "
                          "{label: 已经解决或基本解决, class: solved}; got " + repr(item))
    why = str(item.get("why") or item.get("meaning") or "")
    return LabelClass(str(item["label"]), _classes_of(item["class"], f"{where} {item['label']!r}", codes, file),
                   source, why)


@lru_cache(maxsize=8)
def _harmonisation(path: str, stamp: float) -> Harmonisation:
    file = Path(path).name
    try:
        raw = yaml_text.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        classes = tuple((str(c["code"]), str(c["zh"]), str(c["en"])) for c in raw["classes"])
    except (OSError, yaml_text.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a harmonised-classes file ({exc}); see data/peers/{CLASSES_FILE}") from None
    codes = tuple(c for c, _, _ in classes)
    schemes = {}
    for name, mapping in (raw.get("schemes") or {}).items():
        schemes[str(name)] = {str(k): _classes_of(v, f"schemes.{name}.{k}", codes, file)[0]
                              for k, v in (mapping or {}).items()}
    wordings = {}
    for item in raw.get("wordings") or []:
        entry = _entry(item, "wordings", codes, file, "wording")
        if fold_label(entry.label) in wordings:
            raise ConfigError(f"{file}: wordings: {entry.label!r} is listed twice")
        wordings[fold_label(entry.label)] = entry
    reports = {}
    for report, items in (raw.get("reports") or {}).items():
        reports[str(report)] = {fold_label(e.label): e for e in
                                (_entry(i, f"reports.{report}", codes, file, "report") for i in items or [])}
    satisfaction = raw.get("satisfaction") or {}
    qualifiers = raw.get("qualifiers") or {}
    return Harmonisation(
        file=file, classes=classes, schemes=schemes, wordings=wordings, reports=reports,
        includes_basic=frozenset(fold_label(x) for x in satisfaction.get("includes_basically_satisfied") or []),
        parts=tuple(tuple(dict.fromkeys(str(x) for x in group)) for group in qualifiers.get("parts") or []),
        prefer=tuple(str(x) for x in qualifiers.get("prefer") or []))


def load_harmonisation(folder: str | Path | None = None) -> Harmonisation:
    """The harmonised classes of a peers folder: its own file, else the bundled one's schemes and wordings."""
    folder = Path(folder) if folder else paths.PEERS_DIR
    own = folder / CLASSES_FILE
    bundled = paths.PEERS_DIR / CLASSES_FILE
    path = own if own.is_file() else bundled
    found = _harmonisation(str(path), path.stat().st_mtime if path.is_file() else 0.0)
    # The bundled per-report letters describe the bundled reports, not another folder's files of the same name.
    return found if path == own else found.without_reports()


# ---------------------------------------------------------------------------------------
# The index (data/peers/sources.csv)
# ---------------------------------------------------------------------------------------


def _decode(data: bytes, file: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(Problem(file=file, code="encoding", message="无法识别文件编码（应为 UTF-8 或 GBK）",
                            message_en="cannot decode the file (expected UTF-8 or GBK)"))


def read_index(folder: str | Path | None = None) -> pd.DataFrame:
    """The index of a peers folder (``sources.csv``), one row per report, checked; empty when there is none."""
    folder = Path(folder) if folder else paths.PEERS_DIR
    path = folder / INDEX_FILE
    empty = pd.DataFrame({c: pd.Series(dtype="string") for c in INDEX_COLUMNS}).assign(year=pd.Series(dtype="Int64"))
    if not path.is_file():
        return empty
    text = _decode(sources.read_input(path), str(path))
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return empty
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _INDEX_REQUIRED if c not in header]
    if missing:
        raise DataError([Problem(file=str(path), row=1, column=c, code="missing_column",
                                 message=f"索引缺少列「{c}」", message_en=f"the index lacks column {c!r}",
                                 allowed=", ".join(INDEX_COLUMNS)) for c in missing])
    problems, records, seen = [], [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {c: (cells[header.index(c)].strip() if header.index(c) < len(cells) else "")
                  if c in header else "" for c in INDEX_COLUMNS}
        problems += _index_problems(record, number, path, folder, seen)
        records.append(record)
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(records, columns=list(INDEX_COLUMNS))
    for column in INDEX_COLUMNS:
        frame[column] = frame[column].astype("string")
    frame["year"] = pd.array([int(y) if y else pd.NA for y in frame["year"]], dtype="Int64")
    return frame


def _index_problems(record: dict, row: int, path: Path, folder: Path, seen: dict) -> list[Problem]:
    def problem(column, zh, en, allowed=None):
        return Problem(file=str(path), row=row, column=column, value=record[column], message=zh, message_en=en,
                       allowed=allowed, code="invalid_index")

    found = []
    name = record["file"]
    if not name:
        found.append(problem("file", "没有写文件名", "no file named", "如 T01.csv"))
    elif name in seen:
        found.append(problem("file", f"文件已在第{seen[name]}行登记", f"already listed on row {seen[name]}"))
    elif not (folder / name).is_file():
        found.append(problem("file", "文件夹中没有这个文件", "no such file in the folder",
                             "文件夹中的已公布数字文件 a published-figures file in the folder"))
    seen.setdefault(name, row)
    if record["level"] and record["level"] not in LEVELS:  # blank: not known
        found.append(problem("level", "层级不可识别", "level not recognised", " / ".join(LEVELS) + "，或留空 or blank"))
    year = record["year"]
    if year and not (year.isdigit() and 1949 <= int(year) <= 2100):
        found.append(problem("year", "年度须为四位年份", "year must be a four-digit year", "1949–2100，或留空 or blank"))
    return found


# ---------------------------------------------------------------------------------------
# Loading the peers
# ---------------------------------------------------------------------------------------


def figure_files(folder: str | Path | None = None) -> list[Path]:
    """The report files of a peers folder: every CSV/XLSX but the index, sorted by name."""
    folder = Path(folder) if folder else paths.PEERS_DIR
    return [p for p in reconcile.figure_files([folder]) if p.name != INDEX_FILE]


def _empty() -> pd.DataFrame:
    return typed(pd.DataFrame(columns=list(COLUMN_NAMES)))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame in the tidy shape: every column of ``COLUMNS`` in order, in its declared dtype."""
    out = frame.reindex(columns=list(COLUMN_NAMES))
    for name, dtype, _ in COLUMNS:
        if dtype == "string":
            out[name] = out[name].astype("string").fillna("")
        elif dtype == "boolean":
            out[name] = out[name].astype("boolean").fillna(False)
        else:
            out[name] = pd.array(out[name].tolist(), dtype=dtype)
    return out.reset_index(drop=True)


def load(folder: str | Path | None = None, *, keep_going: bool = False, config: dict | None = None) -> pd.DataFrame:
    """The peers' published figures as one tidy frame (``COLUMNS``): one row per printed or derived figure.

    ``folder`` defaults to the bundled ``data/peers``. Every file is reconciled on its own
    (``analysis.reconcile``); its metadata come from the folder's ``sources.csv`` (a file it does
    not list loads with its metadata unknown and a note). ``keep_going``: a file that cannot be
    read is left out and listed in ``frame.attrs["unread"]`` (file, message) instead of raising
    ``DataError``. Harmonised rows follow each report's own figures (see the module docstring).
    """
    folder = Path(folder) if folder else paths.PEERS_DIR
    if not folder.is_dir():
        raise DataError(Problem(file=str(folder), code="no_folder", message="同级比较数据文件夹不存在",
                                message_en="the peers folder does not exist"))
    settings = config or load_config()
    index = read_index(folder).set_index("file")
    harmonisation = load_harmonisation(folder)
    rows, unread = [], []
    for path in figure_files(folder):
        try:
            result = reconcile.reconcile_files(path, config=settings)
        except DataError as exc:
            if not keep_going:
                raise
            unread.append({"file": path.name, "message": "; ".join(str(p) for p in exc.problems)})
            continue
        meta = index.loc[path.name].to_dict() if path.name in index.index else None
        rows += _report_rows(result, path, meta, harmonisation)
    # one frame at the end: a frame per report costs more than the figures in it
    frame = typed(pd.DataFrame(rows)) if rows else _empty()
    frame.attrs["unread"] = unread
    frame.attrs["folder"] = str(folder)
    frame.attrs["provenance"] = [provenance_record(folder)]
    return frame


def provenance_record(folder: str | Path | None = None) -> dict:
    """The peers folder as one entry of a page's provenance: its name, how many files, one SHA-256 over them all.

    The digest is of each file's name and SHA-256 in turn (``input_files`` order), so it changes
    when any report, the index or the harmonised classes change, or a file is added or removed.
    """
    folder = Path(folder) if folder else paths.PEERS_DIR
    files = input_files(folder)
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\0".encode("utf-8"))
    # the count is a number: the page says it in the reader's language (40个文件 / 40 files)
    return {"file": folder.name, "file_count": len(files), "sha256": digest.hexdigest(), "rows": None,
            "is_sample": False}


def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)


def _known(value) -> bool:
    return not (value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)))


def _index_periods(meta: dict | None) -> list[str]:
    if not meta:
        return []
    return [p for p in (sessions.canonical_period(x) for x in _text(meta.get("period")).split(";")) if p]


def _agrees(count, base, percent, printed: str) -> bool:
    """True when a printed percent can be count ÷ base (within one unit of its last printed digit)."""
    if not printed:
        return True
    try:
        number = parse_printed(printed)
    except ValueError:
        return False
    if number is None or not _known(percent):
        return True
    return abs(int(count) * 100 / int(base) - float(percent)) <= 10 ** -number.decimals + 1e-9


def _report_rows(result: reconcile.Reconciliation, path: Path, meta: dict | None,
                 harmonisation: Harmonisation) -> list[dict]:
    """One report's reconciled figures as rows of the tidy frame, annotated and followed by its harmonised rows."""
    peer = path.stem
    periods = _index_periods(meta)
    figures = result.figures.to_dict(orient="records")
    rows = []
    for f in figures:
        count, percent = f["count"], f["percent"]
        status = _status(f)
        if status is None:
            continue
        base = f["base_count"] if _known(f["base_count"]) else pd.NA
        notes = []
        if _known(count) and _known(base) and int(base) > 0 and not _agrees(count, base, percent,
                                                                             _text(f["percent_printed"])):
            notes.append(f"印出的{f['percent_printed']}%不是件数÷{int(base)}：基数另有所指，此处不给基数")
            base = pd.NA
        year, year_source = (int(f["year"]), "printed") if _known(f["year"]) else (pd.NA, "")
        if year_source == "" and meta and _known(meta.get("year")) and len(periods) == 1 and f["session"] == periods[0]:
            year, year_source = int(meta["year"]), "index"
        rows.append({
            "peer": peer, "body": _text(f["handler"]), "period": _text(f["session"]), "year": year,
            "year_source": year_source, "measure": _text(f["measure"]),
            "class_printed": _text(f["category_printed"]) or _text(f["category"]),
            "code": _text(f["category"]), "harmonised_class": "",
            "count": int(count) if _known(count) else pd.NA, "count_printed": _text(f["count_printed"]),
            "percent": float(percent) if _known(percent) else pd.NA, "percent_printed": _text(f["percent_printed"]),
            "base": base, "base_measure": _text(f["base"]).split("@")[0].split("（")[0],
            "status": status, "verdict": _text(f["verdict"]), "source": _text(f["source"]),
            "source_file": path.name, "note": "；".join(notes),
        })
    if not rows:
        return []
    rows = _harmonise_outcomes(rows, path.name, harmonisation, unknown=_unknown_outcomes(figures))
    rows += _satisfaction_rows(rows, harmonisation)
    known = {"congress": _text(meta.get("congress")), "level": _text(meta.get("level")),
             "url": _text(meta.get("url"))} if meta else {"congress": peer, "level": "", "url": ""}
    for row in rows:
        row.update(known, is_sample=False)
        if not meta:
            row["note"] = "；".join(x for x in (row["note"], f"{INDEX_FILE} 中没有这份报告：层级、出处未知") if x)
    return rows


def _status(f: dict) -> str | None:
    """printed / derived / percent_only for a figure the report gives; None for one it does not."""
    if f["count_status"] in (FigureStatus.PRINTED, FigureStatus.DERIVED):
        return str(f["count_status"])
    if f["percent_status"] in (FigureStatus.PRINTED, FigureStatus.DERIVED) and _known(f["percent"]):
        return FigureStatus.PERCENT_ONLY
    return None


def _unknown_outcomes(figures: list[dict]) -> set[tuple[str, str, str]]:
    """(period, body, code) of the outcome classes a report names but gives no number for (its figures' records)."""
    return {(str(f["session"]), str(f["handler"]), str(f["category"])) for f in figures
            if f["measure"] == "outcome" and f["status"] == "unknown"}


# ---------------------------------------------------------------------------------------
# Harmonised rows
# ---------------------------------------------------------------------------------------


def _decimal(value) -> Decimal:
    return Decimal(repr(float(value)))


def combine_rows(members: list[dict]) -> dict | None:
    """Several figures of one base as one: counts summed (percent = count ÷ base), else printed percents summed.

    The result's status is the member's when there is one; "derived" for a sum of counts;
    "percent_only" when only percents are known. None when neither sum is known.
    """
    counts = [m["count"] for m in members]
    bases = {int(m["base"]) for m in members if _known(m["base"])}
    base = bases.pop() if len(bases) == 1 and all(_known(m["base"]) for m in members) else pd.NA
    count = sum(int(c) for c in counts) if all(_known(c) for c in counts) else pd.NA
    if len(members) == 1:
        only = dict(members[0])
        only["base"] = base
        return only
    if _known(count) and _known(base) and int(base) > 0:
        percent = int(count) * 100 / int(base)
    elif all(_known(m["percent"]) for m in members):
        percent = float(sum(_decimal(m["percent"]) for m in members))
    else:
        percent = pd.NA
    if not _known(count) and not _known(percent):
        return None
    first = members[0]
    return {**first, "count": count, "count_printed": "", "percent": percent, "percent_printed": "",
            "base": base, "status": FigureStatus.DERIVED if _known(count) else FigureStatus.PERCENT_ONLY, "verdict": "",
            "source": "；".join(dict.fromkeys(m["source"] for m in members if m["source"])), "note": ""}


def sum_parts(members: list[dict]) -> dict | None:
    """Parts of one whole (会期 and 闭会) as the whole: shares of one base summed as ``combine_rows``; shares of
    each part's own base by summing counts and bases. None when that needs a count or base not known."""
    bases = [m["base"] for m in members]
    if all(_known(b) for b in bases) and len({int(b) for b in bases}) == 1:
        return combine_rows(members)
    counts = [m["count"] for m in members]
    whole = [m for m in members if m.get("base_measure") == "received"]
    if len(whole) == 1 and all(m.get("base_measure") == "received_after_meeting" for m in members if m is not whole[0]) \
            and all(_known(v) for v in [*counts, *bases]) and sum(int(c) for c in counts) <= int(whole[0]["base"]):
        # 会期 of the period's received and 闭会 of those raised after the meeting, which received counts too
        # (S06: 501 + 15 of 516): the whole is the received, unless the parts exceed it (then it left them out)
        return combine_rows([{**m, "base": whole[0]["base"]} for m in members])
    if not all(_known(v) for v in [*counts, *bases]):
        return None
    count, base = sum(int(c) for c in counts), sum(int(b) for b in bases)
    return {**members[0], "count": count, "count_printed": "", "base": base, "percent": count * 100 / base,
            "percent_printed": "", "status": FigureStatus.DERIVED, "verdict": "",
            "source": "；".join(dict.fromkeys(m["source"] for m in members if m["source"]))}


def _harmonise_outcomes(rows: list[dict], report_file: str, harmonisation: Harmonisation,
                        unknown: set[tuple[str, str, str]]) -> list[dict]:
    """Each outcome row's harmonised class, and one ``harmonised_outcome`` row per class a body's labels fix."""
    extra = []
    outcome = [r for r in rows if r["measure"] == "outcome"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in outcome:
        mapping = harmonisation.lookup(report_file, [row["code"], *row["class_printed"].split("；")])
        row["harmonised_class"] = mapping.code if mapping else ""
        row["mapping"] = mapping
        if mapping is None:
            row["note"] = "；".join(x for x in (row["note"], "未归入统一分类：harmonised_classes.yaml 中没有这个标签") if x)
        groups.setdefault((row["period"], row["body"]), []).append(row)
    for (period, body), members in groups.items():
        # a class the report names without a number leaves out the shared class(es) it maps to
        gaps = [harmonisation.lookup(report_file, [c]) for p, b, c in unknown if (p, b) == (period, body)]
        extra += harmonised_rows(members, harmonisation, gaps=gaps)
    for row in rows:
        row.pop("mapping", None)
        row.pop("code", None)
    for row in extra:
        row.pop("mapping", None)
        row.pop("code", None)
    return rows + extra


def harmonised_rows(members: list[dict], harmonisation: Harmonisation, gaps=()) -> list[dict]:
    """The ``harmonised_outcome`` rows of one body's outcome classes (rows carrying their ``mapping``).

    A shared class is given only when every label of the body is mapped, no label joins it with
    another class, and every class mapped to it has a number. ``gaps``: the mappings of classes
    the report names without a number (None for one with no mapping).
    """
    if any(m.get("mapping") is None for m in members) or any(g is None for g in gaps):
        return []
    members = _without_subtotals(members)
    out = []
    for code in harmonisation.codes:
        mine = [m for m in members if m["mapping"].classes == (code,)]
        joined = [m for m in members if code in m["mapping"].classes and len(m["mapping"].classes) > 1]
        if not mine or joined or any(code in g.classes for g in gaps):
            continue
        row = combine_rows(mine)
        if row is None:
            continue
        labels = "、".join(m["class_printed"] for m in mine)
        how = (f"由{labels}相加" if len(mine) > 1 else f"即{labels}") + f"（归入“{harmonisation.class_name(code)}”）"
        out.append({**row, "measure": "harmonised_outcome", "class_printed": labels, "harmonised_class": code,
                    "note": "；".join(x for x in (row.get("note", ""), how) if x)})
    return out


def _without_subtotals(members: list[dict]) -> list[dict]:
    """The members less any label joining classes the body also prints one by one, when its count is exactly theirs
    (R07: 已由承办单位解决和正在解决 3096 = 已解决或基本解决 536 + 正在解决… 2560): a subtotal, not a class of its own."""
    def counted(m: dict) -> bool:
        return m.get("count") is not None and not pd.isna(m["count"])

    kept = []
    for member in members:
        classes = member["mapping"].classes
        parts = [m for m in members if len(m["mapping"].classes) == 1 and m["mapping"].classes[0] in classes]
        if (len(classes) > 1 and {m["mapping"].classes[0] for m in parts} == set(classes) and counted(member)
                and all(counted(m) for m in parts) and member["count"] == sum(m["count"] for m in parts)):
            continue
        kept.append(member)
    return kept


def _satisfaction_rows(rows: list[dict], harmonisation: Harmonisation) -> list[dict]:
    """``satisfied_or_basic`` rows: a 满意 figure that includes 基本满意, or 满意 + 基本满意, or a 满意 of 100%."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["period"], row["body"]), []).append(row)
    out = []
    for group in groups.values():
        satisfied = [r for r in group if r["measure"] == "satisfied"]
        basic = [r for r in group if r["measure"] == "basically_satisfied"]
        for row in satisfied:
            made = _satisfaction_row(row, satisfied, basic, harmonisation)
            if made is not None:
                out.append({**made, "measure": "satisfied_or_basic", "harmonised_class": ""})
    return out


def _satisfaction_row(row: dict, satisfied: list[dict], basic: list[dict],
                      harmonisation: Harmonisation) -> dict | None:
    if fold_label(row["class_printed"]) in harmonisation.includes_basic:
        return {**row, "note": "原文满意率已含基本满意"}
    partner = [b for b in basic if b["class_printed"] == row["class_printed"]]
    if not partner and len(satisfied) == 1 and len(basic) == 1:
        partner = basic
    if partner:
        made = combine_rows([row, partner[0]])
        if made is None:
            return None
        return {**made, "class_printed": row["class_printed"],
                "note": f"由满意（{row['class_printed']}）与基本满意（{partner[0]['class_printed']}）相加"}
    printed = parse_printed(row["percent_printed"]) if row["percent_printed"] else None
    if _known(row["percent"]) and float(row["percent"]) == 100.0 and (printed is None or printed.exact):
        return {**row, "note": "满意率100%：含不含基本满意都是100%"}
    return None


# ---------------------------------------------------------------------------------------
# The district's own figures in the same shape
# ---------------------------------------------------------------------------------------


def district_rows(figures: pd.DataFrame, session: str, *, level: str = "", scheme: str | None = None,
                  config: dict | None = None, harmonisation: Harmonisation | None = None) -> pd.DataFrame:
    """The district's figures of ``session`` (a ``metrics`` figures frame) in the tidy shape, harmonised.

    Outcome classes are mapped through the scheme the ledger declares (``schemes`` in the
    harmonised-classes file); replied, completed and satisfied_or_basic are taken as counted.
    A rate whose base is the rated (or recorded) suggestions counts as a share of the handled
    ones when every handled suggestion is in it.
    """
    cfg = config or load_config()
    harmonisation = harmonisation or load_harmonisation()
    scheme = scheme or str(figures.attrs.get("scheme") or cfg.get("outcome_scheme", "abc"))
    chosen = figures[(figures["session"] == session)]
    rows = []
    for f in chosen.to_dict(orient="records"):
        if f["measure"] not in ("outcome", "replied", "completed", "satisfied_or_basic", "received", "handled"):
            continue
        if not _known(f["count"]):
            continue
        mapping = harmonisation.scheme_mapping(scheme, str(f["category"])) if f["measure"] == "outcome" else None
        base_measure = str(f["base_measure"])
        if base_measure in ("rated", "recorded") and _handled(chosen, f["handler"]) == f["base"]:
            base_measure = "handled"
        rows.append({
            "peer": DISTRICT, "body": str(f["handler"]), "period": session, "year": f["year"],
            "year_source": "printed" if _known(f["year"]) else "", "measure": f["measure"],
            "class_printed": str(f["category"]), "code": str(f["category"]),
            "harmonised_class": mapping.code if mapping else "", "mapping": mapping,
            "count": f["count"], "count_printed": "", "percent": f["share_pct"], "percent_printed": "",
            "base": f["base"], "base_measure": base_measure,
            "status": f["status"] if f["status"] != FigureStatus.UNKNOWN else FigureStatus.DERIVED, "verdict": "",
            "source": str(f["source"]), "source_file": str(f["source"]), "note": "",
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return _empty()
    extra = []
    for _, members in frame[frame["measure"] == "outcome"].groupby("body", sort=False):
        extra += harmonised_rows(members.to_dict(orient="records"), harmonisation)
    frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True).drop(columns=["mapping", "code"])
    frame["congress"] = str(cfg.get("congress", ""))
    frame["level"] = level
    frame["url"] = ""
    frame["is_sample"] = bool(chosen["is_sample"].any()) if "is_sample" in chosen else False
    return typed(frame)


def _handled(figures: pd.DataFrame, body: str):
    hit = figures[(figures["handler"] == body) & (figures["measure"] == ("handled" if body else "received"))]
    return hit["count"].iloc[0] if len(hit) else None


# ---------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------

# The columns of ``Comparison.rows``; ``bound`` is the Qualifier of a percent printed only as a bound (超过90,
# without a count and base: not a value, never ranked or tested), '' for a value; ``approximate`` is True for a
# percent printed only with 约 (约84, without a count and base): a value known roughly, to an unknown precision, so
# it is not ranked or tested either.
COMPARISON_COLUMNS = (
    "peer", "congress", "level", "period", "year", "body", "measure", "class_printed", "count", "base",
    "base_measure", "percent", "percent_printed", "percent_shown", "bound", "approximate", "ci_low", "ci_high", "status",
    "is_district", "same_level", "difference", "p_value", "p_holm", "method", "against_district", "url",
    "source_file", "source", "note",
)


@dataclass
class Comparison:
    """The district among its peers: one row per compared figure, the tests, and what was left out."""

    rows: pd.DataFrame  # COMPARISON_COLUMNS; the district's rows first in each measure
    measures: tuple[str, ...]
    level: str
    family_size: int
    left_out: pd.DataFrame  # peer, period, measure, why: figures printed but not comparable
    alpha: float = stats.SIGNIFICANCE_LEVEL
    peers: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per report shown (the index)

    def of(self, measure: str) -> pd.DataFrame:
        """The rows of one compared rate, the district first, then the peers from the highest percent."""
        return self.rows[self.rows["measure"] == measure]

    def district(self, measure: str):
        """The district's row of one rate (a namedtuple), or None when its data do not give it."""
        hit = self.rows[(self.rows["measure"] == measure) & self.rows["is_district"]]
        return next(hit.itertuples(), None) if len(hit) else None


def _body_order(body: str) -> tuple:
    return (body != "", not body.endswith("政府"), body)


def whole_figure(rows: list[dict], harmonisation: Harmonisation) -> tuple[dict | None, str]:
    """One body's figure of one rate from the rows printed for it: the only one, parts summed, or the preferred.

    Returns (row, "") or (None, why it cannot be chosen).
    """
    if len(rows) == 1:
        return rows[0], ""
    qualifiers = {r["class_printed"] for r in rows}
    for parts in harmonisation.parts:
        if qualifiers == set(parts):
            made = sum_parts(rows)
            if made is not None:
                return ({**made, "class_printed": "+".join(parts),
                         "note": "由" + "、".join(parts) + "两部分相加"}, "")
    for preferred in harmonisation.prefer:
        hit = [r for r in rows if r["class_printed"] == preferred]
        if len(hit) == 1:
            return hit[0], ""
    return None, "印出多个口径（" + "、".join(sorted(qualifiers)) + "），无法择一"


def _base_kind(measure: str) -> str:
    return _BASE_KINDS.get(measure, measure)


def comparison(peers: pd.DataFrame, district: pd.DataFrame, *, measures=COMPARED_MEASURES, levels=(), years=(),
               level: str = "", harmonisation: Harmonisation | None = None, index: pd.DataFrame | None = None,
               alpha: float = stats.SIGNIFICANCE_LEVEL) -> Comparison:
    """The district's rates among the peers' (``load``), each peer tested against the district; Holm over all.

    ``levels`` / ``years`` keep the peers of those levels / years (empty: all). For each report,
    period and rate one body's figure is compared: all bodies when printed, else a government's.
    A share with its count and base gets a Wilson 95% interval and Fisher's exact test against
    the district's (same kind of base only); one printed as a percent alone is shown, not tested.
    """
    harmonisation = harmonisation or load_harmonisation(peers.attrs.get("folder"))
    level, levels, years, measures = check_choices(level=level, levels=levels, years=years, measures=measures)
    chosen = peers
    if levels:
        chosen = chosen[chosen["level"].isin(list(levels))]
    if years:
        chosen = chosen[chosen["year"].isin(list(years)).fillna(False).astype(bool)]
    records, left_out = [], []
    for measure in measures:
        source_measure, klass = _COMPARED_FROM[measure]
        for frame, is_district in ((district, True), (chosen, False)):
            picked, why = _pick(frame, source_measure, klass, harmonisation)
            for row in picked:
                records.append(_comparison_record(row, measure, is_district, level))
            left_out += [{"peer": p, "period": per, "measure": measure, "why": w} for p, per, w in why
                         if not is_district]
    rows = pd.DataFrame(records, columns=list(COMPARISON_COLUMNS))
    rows, family = _tests(rows, measures, alpha)
    shown = sorted(set(rows.loc[~rows["is_district"], "peer"]))
    peers_index = index if index is not None else read_index(peers.attrs.get("folder"))
    return Comparison(rows=rows, measures=measures, level=level, family_size=family,
                      left_out=pd.DataFrame(left_out, columns=["peer", "period", "measure", "why"]), alpha=alpha,
                      peers=_peer_list(peers, shown, peers_index))


def _parameter_problem(column: str, value, zh: str, en: str, allowed: str) -> DataError:
    return DataError(Problem(file="笔记本参数 (notebook parameters)", column=column, value=str(value),
                             message=f"{zh} / {en}", message_en=en, allowed=allowed, code="invalid_parameter"))


def check_choices(*, level: str = "", levels=(), years=(), measures=()) -> tuple[str, tuple, tuple, tuple]:
    """The comparison's parameters, checked: (level, levels, years, measures); DataError naming a wrong value."""
    level = str(level or "").strip()
    if level and level not in LEVELS:
        raise _parameter_problem("level", level, "层级不可识别", "level not recognised", " / ".join(LEVELS))
    levels = tuple(str(x).strip() for x in ([levels] if isinstance(levels, str) else levels or ()) if str(x).strip())
    wrong = [x for x in levels if x not in LEVELS]
    if wrong:
        raise _parameter_problem("levels", "、".join(wrong), "层级不可识别", "level not recognised", " / ".join(LEVELS))
    picked_years = []
    for year in ([years] if isinstance(years, (str, int)) else years or ()):
        text = str(year).strip()
        if not (text.isdigit() and 1949 <= int(text) <= 2100):
            raise _parameter_problem("years", year, "年度须为四位年份", "a year must have four digits", "如 2020")
        picked_years.append(int(text))
    measures = tuple(str(m) for m in ([measures] if isinstance(measures, str) else measures or ()) if str(m).strip())
    wrong = [m for m in measures if m not in COMPARED_MEASURES]
    if wrong:
        raise _parameter_problem("measures", ", ".join(wrong), "不是可比较的指标", "not a rate the page compares",
                                 ", ".join(COMPARED_MEASURES))
    return level, levels, tuple(picked_years), measures or COMPARED_MEASURES


def input_files(folder: str | Path | None = None) -> list[Path]:
    """Every file a comparison reads from a peers folder: the reports, the index, the harmonised classes."""
    folder = Path(folder) if folder else paths.PEERS_DIR
    extra = [folder / INDEX_FILE, folder / CLASSES_FILE]
    return figure_files(folder) + [p for p in extra if p.is_file()]


def _pick(frame: pd.DataFrame, measure: str, klass: str | None, harmonisation: Harmonisation):
    chosen = frame["measure"] == measure
    if klass is not None:
        chosen &= frame["harmonised_class"] == klass
    groups: dict[tuple[str, str], list[dict]] = {}  # by report and period, in the frame's order
    for row in frame[chosen].to_dict(orient="records"):
        groups.setdefault((row["peer"], row["period"]), []).append(row)
    picked, why = [], []
    for (peer, period), group in groups.items():
        reasons = []
        for body in sorted({row["body"] for row in group}, key=_body_order):
            made, reason = whole_figure([row for row in group if row["body"] == body], harmonisation)
            if made is not None:
                picked.append(made)
                break
            reasons.append(reason)
        else:
            why.append((peer, period, "；".join(reasons)))
    return picked, why


def _comparison_record(row: dict, measure: str, is_district: bool, level: str) -> dict:
    count, base = row["count"], row["base"]
    usable = _known(count) and _known(base) and 0 < int(base) and 0 <= int(count) <= int(base)
    low, high = stats.wilson_interval(int(count), int(base)) if usable else (math.nan, math.nan)
    # Without a count and base the percent is the printed one: a bound word makes it a bound, not a value; 约 an
    # approximation of unknown precision (with a count and base the exact share is computed, and 约 does not matter).
    printed = parse_printed(row["percent_printed"]) if row["percent_printed"] and not usable else None
    bound = printed.qualifier if printed is not None and printed.qualifier in BOUND_QUALIFIERS else ""
    approximate = printed is not None and printed.qualifier == Qualifier.ABOUT
    return {
        "peer": row["peer"], "congress": row["congress"], "level": row["level"], "period": row["period"],
        "year": row["year"], "body": row["body"], "measure": measure, "class_printed": row["class_printed"],
        "count": count if usable else (count if _known(count) else pd.NA), "base": base if usable else pd.NA,
        "base_measure": row["base_measure"], "percent": row["percent"], "percent_printed": row["percent_printed"],
        "percent_shown": _percent_shown(row["percent_printed"]), "bound": bound,
        "approximate": approximate, "ci_low": low * 100 if usable else pd.NA, "ci_high": high * 100 if usable else pd.NA,
        "status": row["status"], "is_district": is_district,
        "same_level": bool(level) and row["level"] == level, "difference": pd.NA, "p_value": pd.NA,
        "p_holm": pd.NA, "method": "", "against_district": "", "url": row.get("url", ""),
        "source_file": row["source_file"], "source": row["source"], "note": row.get("note", ""),
    }


def _percent_shown(printed: str) -> str:
    """A printed percent with its % where the report puts it (90以上 → 90%以上); '' when not printed."""
    number = parse_printed(printed) if printed else None
    return percent_shown(number) if number is not None else ""


def _tests(rows: pd.DataFrame, measures: tuple[str, ...], alpha: float) -> tuple[pd.DataFrame, int]:
    """Each peer's share against the district's (Fisher's exact test), Holm over every test of the page."""
    tested = []
    for measure in measures:
        mine = rows[(rows["measure"] == measure) & rows["is_district"]]
        ours = next(mine.itertuples(), None)
        for i in rows.index[(rows["measure"] == measure) & ~rows["is_district"]]:
            peer = rows.loc[i]
            if ours is None:
                rows.loc[i, "against_district"] = PeerVerdict.NO_DISTRICT
                continue
            if rows.loc[i, "bound"]:
                rows.loc[i, "against_district"] = PeerVerdict.BOUND
                continue
            if rows.loc[i, "approximate"]:
                rows.loc[i, "against_district"] = PeerVerdict.APPROXIMATE
                continue
            if not (_known(ours.base) and _known(peer["base"])):
                # a count whose base the report does not give (T05: 755 rated, out of how many?) is not a percent alone
                rows.loc[i, "against_district"] = (PeerVerdict.NO_BASE if _known(peer["count"]) and _known(ours.base)
                                                   else PeerVerdict.PERCENT_ONLY)
                continue
            rows.loc[i, "difference"] = float(peer["count"]) * 100 / float(peer["base"]) - \
                float(ours.count) * 100 / float(ours.base)
            if _base_kind(peer["base_measure"]) != _base_kind(ours.base_measure):
                rows.loc[i, "against_district"] = PeerVerdict.DIFFERENT_BASE
                continue
            k0, n0, k1, n1 = int(ours.count), int(ours.base), int(peer["count"]), int(peer["base"])
            if (k0 == 0 and k1 == 0) or (k0 == n0 and k1 == n1):
                rows.loc[i, "against_district"] = PeerVerdict.NO_VARIATION
                continue
            result = stats.share_change(k0, n0, k1, n1, alpha=alpha)
            rows.loc[i, "p_value"] = result.p_value
            rows.loc[i, "method"] = stats.METHOD_FISHER_2X2
            tested.append(i)
    adjusted = stats.holm_adjust([rows.loc[i, "p_value"] for i in tested])
    for i, p in zip(tested, adjusted):
        rows.loc[i, "p_holm"] = p
        higher = rows.loc[i, "difference"] > 0
        rows.loc[i, "against_district"] = ((PeerVerdict.HIGHER if higher else PeerVerdict.LOWER) if p < alpha
                                           else PeerVerdict.WITHIN_CHANCE)
    rows["against_district"] = rows["against_district"].astype(str)
    for column in ("count", "base", "year"):
        rows[column] = pd.array(rows[column].tolist(), dtype="Int64")
    for column in ("percent", "ci_low", "ci_high", "difference", "p_value", "p_holm"):
        rows[column] = pd.array([pd.NA if not _known(v) else float(v) for v in rows[column]], dtype="Float64")
    for column in ("is_district", "same_level", "approximate"):
        rows[column] = rows[column].astype(bool)
    rows = _ordered(rows, measures)
    return rows, len(tested)


def _ordered(rows: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    order = {m: i for i, m in enumerate(measures)}
    # From the highest value; bounds and approximations after the values (they have no place among them), then
    # what is missing.
    keyed = rows.assign(_m=[order[m] for m in rows["measure"]], _d=~rows["is_district"],
                        _p=[math.inf if not _known(p) else (1e9 if b or a else -float(p))
                            for p, b, a in zip(rows["percent"], rows["bound"], rows["approximate"])])
    return keyed.sort_values(["_m", "_d", "_p", "peer", "period"], kind="stable").drop(
        columns=["_m", "_d", "_p"]).reset_index(drop=True)


def _peer_list(peers: pd.DataFrame, shown: list[str], index: pd.DataFrame) -> pd.DataFrame:
    """One row per report in the peers frame: its metadata, and whether a figure of it is compared."""
    firsts = peers.drop_duplicates("peer")[["peer", "congress", "level", "source_file", "url"]]
    if len(index):
        meta = index.set_index("file")
        firsts = firsts.assign(
            title=[_text(meta.loc[f, "title"]) if f in meta.index else "" for f in firsts["source_file"]],
            publisher=[_text(meta.loc[f, "publisher"]) if f in meta.index else "" for f in firsts["source_file"]],
            period=[_text(meta.loc[f, "period"]) if f in meta.index else "" for f in firsts["source_file"]],
            year=[meta.loc[f, "year"] if f in meta.index else pd.NA for f in firsts["source_file"]])
    else:
        firsts = firsts.assign(title="", publisher="", period="", year=pd.NA)
    firsts["compared"] = [p in shown for p in firsts["peer"]]
    return firsts.sort_values("peer").reset_index(drop=True)


def ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """The peers' rows of a comparison whose percent is a value: a bound (超过90), an approximation (约84) or a missing
    percent is never ranked."""
    return rows[~rows["is_district"] & rows["percent"].notna() & (rows["bound"] == "") & ~rows["approximate"]]


def bounds(rows: pd.DataFrame) -> pd.DataFrame:
    """The peers' rows of a comparison whose percent is printed only as a bound (超过90, 90%以上, 不到60)."""
    return rows[~rows["is_district"] & (rows["bound"] != "")]


def approximations(rows: pd.DataFrame) -> pd.DataFrame:
    """The peers' rows of a comparison whose percent is printed only as an approximation (约84), with no count and base."""
    return rows[~rows["is_district"] & rows["approximate"]]


def position(comparison_: Comparison, measure: str, *, same_level: bool = False) -> tuple[int, int] | None:
    """(rank, of how many) of the district's percent among the peers' values of one rate (rank 1 = highest).

    A peer's percent printed only as a bound (超过90) is not a value, one printed only with 约 (约84) a value of
    unknown precision: neither takes a rank.
    """
    ours = comparison_.district(measure)
    if ours is None or not _known(ours.percent):
        return None
    peers = ranked(comparison_.of(measure))
    if same_level:
        peers = peers[peers["same_level"]]
    higher = int((peers["percent"] > float(ours.percent)).sum())
    return higher + 1, len(peers) + 1


def unmapped_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The outcome labels of the peers with no harmonised class: report, period, body, label, count, percent."""
    rows = frame[(frame["measure"] == "outcome") & (frame["harmonised_class"] == "") & (frame["peer"] != DISTRICT)]
    return rows[["peer", "congress", "period", "body", "class_printed", "count", "percent", "source_file"]].reset_index(
        drop=True)


def harmonisation_table(frame: pd.DataFrame, harmonisation: Harmonisation | None = None) -> pd.DataFrame:
    """Every distinct outcome label of each report: its harmonised class, whence (report letters or wording), why.

    Columns: peer, congress, class_printed, harmonised_class ('' unmapped), source (report /
    wording / ''), why, subtotal (a joined label printed beside both its classes, which it hides nowhere). A
    label printed for several bodies of one report is one row.
    """
    harmonisation = harmonisation or load_harmonisation(frame.attrs.get("folder"))
    rows = frame[(frame["measure"] == "outcome") & (frame["peer"] != DISTRICT)]
    shared = frame[frame["measure"] == "harmonised_outcome"]
    given = set(zip(shared["peer"], shared["period"], shared["body"], shared["harmonised_class"]))
    hides = {(r.peer, r.class_printed) for r in rows.itertuples() if "+" in r.harmonised_class
             and not all((r.peer, r.period, r.body, c) in given for c in r.harmonised_class.split("+"))}
    out = []
    for r in rows.drop_duplicates(["peer", "class_printed"]).itertuples():
        mapping = harmonisation.lookup(r.source_file, r.class_printed.split("；"))
        out.append({"peer": r.peer, "congress": r.congress, "class_printed": r.class_printed,
                    "harmonised_class": r.harmonised_class, "source": mapping.source if mapping else "",
                    "why": mapping.why if mapping else "",
                    "subtotal": "+" in r.harmonised_class and (r.peer, r.class_printed) not in hides})
    return pd.DataFrame(out, columns=["peer", "congress", "class_printed", "harmonised_class", "source", "why",
                                      "subtotal"])
