"""Display words in Chinese and English: measures, column headers, statuses, bodies, sessions.

Charts, report paragraphs, the notebooks' tables and the command line take every word a reader
sees for a code from here, so one term is spelt one way everywhere. Each kind of code is an enum
(``FigureStatus``, ``Severity``, ``Convention``, ``ScorePart`` …) whose members key its table of
(Chinese, English) words (``CODE_TABLES`` lists them; a test checks every code has both). Codes
in data frames (``measure``, ``status``, ``basis`` …) stay in English; ``relabel`` turns a frame
into its display form.

Importing this module is cheap: no pandas and no settings (the page renderer, the runner's index
and a no-change rerun use its words). The functions that handle frames or pandas' missing values
import pandas when called; those that need the settings (a body's English name, a session's year)
import ``analysis.config`` when called.
"""
from __future__ import annotations

import re

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from . import schema, sessions

if TYPE_CHECKING:
    import pandas as pd

    from .normalize import PrintedNumber

LANGS = ("zh", "en")

NOT_AVAILABLE = {"zh": "（数据暂缺）", "en": "(not available)"}
# The marks a table cell holds instead of a figure, the same on the page, in the Word draft and in the workbook
# (whose sources sheet says what each means, ``MARK_MEANINGS``): a figure not known, and no such figure at all.
UNKNOWN = {"zh": "暂缺", "en": "n/a"}
NOT_APPLICABLE = "—"
MARK_MEANINGS = {  # item | meaning rows of a workbook's sources sheet
    "zh": (("表中“暂缺”", "数字未知：报告未印出，或台账不足以算出"),
           ("表中“—”", "无此项数字：如只印百分比的比率没有区间，件数过少、未评定的单位没有标准误"),
           ("表中空白", "无此项内容：如没有协办单位、督办意见待填")),
    "en": (("“n/a” in a table", "figure not known: not printed, or the ledger cannot give it"),
           ("“—” in a table", "no such figure: a percent printed alone has no interval, an unrated unit no standard error"),
           ("a blank cell", "nothing to show: no assisting unit, a supervision note still to write")),
}


def check_lang(lang: str) -> str:
    """The language code, or ValueError when it is neither 'zh' nor 'en'."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if check_lang(lang) == "en" else pair[0]


# ---------------------------------------------------------------------------------------
# Measures: what a count is, and what its share is called
# ---------------------------------------------------------------------------------------

# Measures of the published-figures schema keep their declared names; the ledger adds a few.
_EXTRA_MEASURES = {
    "unclassified": ("尚无办理结果", "no outcome class yet"),
    "solved": ("解决类", "solved classes"),
    "satisfied_or_basic": ("满意和基本满意", "satisfied or basically satisfied"),
    "rated": ("已测评", "rated by the deputy"),
    # the two ends (category low / high) of an on-time rate known only as a range (metrics.ON_TIME_BOUND)
    "replied_on_time_bound": ("按期答复件数（范围一端）", "replied on time (one end of a range)"),
}
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    **{m.name: (m.zh, m.en) for m in schema.MEASURES},
    **_EXTRA_MEASURES,
}
# Overrides where the schema's short word reads badly in a table.
MEASURE_LABELS["received_after_meeting"] = ("闭会期间提出（会后）", "raised after the meeting")
MEASURE_LABELS["handled"] = ("办理件数", "suggestions handled")

# What a measure counts, where it is not suggestions (件 in Chinese, nothing in English).
MEASURE_UNITS: dict[str, tuple[str, str]] = {"deputies_trained": ("名", "deputies"), "units_supervised": ("个", "units")}
SUGGESTIONS_UNIT = ("件", "")

# The name of a measure's share, as reports print it.
RATE_LABELS: dict[str, tuple[str, str]] = {
    "received_after_meeting": ("会后提出占比", "share raised after the meeting"),
    "handled": ("占收到建议比例", "share of suggestions received"),
    "outcome": ("占办理件数比例", "share of suggestions handled"),
    "unclassified": ("尚无结果占比", "share with no outcome yet"),
    "solved": ("解决类占比", "share solved"),
    "completed": ("办结率", "completion rate"),
    "replied": ("办复率", "reply rate"),
    "replied_on_time": ("按期答复率", "on-time reply rate"),
    "replied_on_time_bound": ("按期答复率（范围一端）", "on-time reply rate (one end of a range)"),
    "met": ("见面率", "met-deputy rate"),
    "key_supervision": ("重点督办占比", "share under key supervision"),
    "satisfied": ("满意率（不含基本满意）", "satisfaction rate (satisfied only)"),
    "basically_satisfied": ("基本满意占比", "share basically satisfied"),
    "unsatisfied": ("不满意占比", "share unsatisfied"),
    "satisfied_or_basic": ("满意率（含基本满意）", "satisfaction rate (incl. basically satisfied)"),
    "topic": ("占收到建议比例", "share of suggestions received"),
}

# What a share is a share of (the ``base_measure`` column).
BASE_LABELS: dict[str, tuple[str, str]] = {
    "": ("—", "—"),
    "received": ("收到建议件数", "suggestions received"),
    "handled": ("办理件数", "suggestions handled"),
    "completed": ("已办结件数", "suggestions completed"),
    "rated": ("代表已测评件数", "suggestions rated by the deputy"),
    "recorded": ("有记录的件数", "suggestions with this field recorded"),
    "listed": ("所列各项之和", "the sum of the items listed"),
    "replied_with_deadline": ("已答复且可确定期限的件数", "replies whose deadline can be determined"),
    "due_by_as_of": ("已答复或已过答复期限的件数", "suggestions replied to or past their deadline"),
}

# ---------------------------------------------------------------------------------------
# Codes and their words: one enum per kind of code, one table per enum
# ---------------------------------------------------------------------------------------


class FigureStatus(StrEnum):
    """Where a figure's number comes from (the ``status``, ``count_status`` and ``percent_status`` columns)."""

    LEDGER = "ledger"
    PRINTED = "printed"
    DERIVED = "derived"
    UNKNOWN = "unknown"
    PERCENT_ONLY = "percent_only"  # a peer's figure printed as a percent alone (analysis.peers)


class Basis(StrEnum):
    """What a session's figures rest on (the ``basis`` column)."""

    LEDGER = "ledger"
    PUBLISHED = "published"


class Severity(StrEnum):
    """How much a finding or a problem in a file matters."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Convention(StrEnum):
    """How a printed percent was explained (the ``check`` column; ``reconcile.conventions`` decides)."""

    ROUND_HALF_UP = "round_half_up"
    ROUND_HALF_DOWN = "round_half_down"
    PLUG_TRUNCATION = "plug_truncation"
    PLUG_LARGEST = "plug_largest"
    PLUG_OTHER = "plug_other"
    TRUNCATION = "truncation"
    BOUND = "bound"
    APPROXIMATION = "approximation"
    ERROR = "error"


class Qualifier(StrEnum):
    """The word a report prints with an inexact number (以上, 余, 近, 约 …; ``normalize.PrintedNumber``)."""

    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    NEARLY = "nearly"
    ABOUT = "about"
    LESS_THAN = "less_than"
    AT_MOST = "at_most"


class ScorePart(StrEnum):
    """A part of a handling unit's performance score (the keys of ``performance.weights``)."""

    SOLVED_SHARE = "solved_share"
    ON_TIME_SHARE = "on_time_share"
    SATISFACTION_SHARE = "satisfaction_share"


class OnTimeStart(StrEnum):
    """When the time to reply starts (``on_time.start`` in the settings)."""

    ASSIGNED = "assigned"
    SESSION_CLOSE = "session_close"


class SchemeSource(StrEnum):
    """How a report's outcome classes were found (``schemes.infer_scheme``)."""

    OPTION = "option"
    CONFIG = "config"
    INFERRED = "inferred"
    WORDINGS = "wordings"


class Level(StrEnum):
    """The level of a congress whose report is compared (the ``level`` column of ``analysis.peers``)."""

    NATIONAL = "全国"
    PROVINCE = "省"
    CITY = "市"
    DISTRICT = "区"
    COUNTY = "县"
    UNKNOWN = ""  # a report whose index row leaves it blank, or that has none


class PeerVerdict(StrEnum):
    """How a peer's figure stands against the district's (the ``against_district`` column)."""

    HIGHER = "higher"
    LOWER = "lower"
    WITHIN_CHANCE = "within_chance"
    PERCENT_ONLY = "percent_only"
    NO_BASE = "no_base"  # a count printed or derived without the base it is a share of: no interval, no test
    BOUND = "bound"  # a percent printed as a bound (超过90, 90%以上): not a value
    APPROXIMATE = "approximate"  # a percent printed with 约 alone (约84): a value of unknown precision
    DIFFERENT_BASE = "different_base"
    NO_VARIATION = "no_variation"
    NO_DISTRICT = "no_district"


class ReportStatus(StrEnum):
    """How a report of a run ended (the runner's lines, the index page)."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"  # unchanged since its last build
    REMOVED = "removed"  # made by an earlier run, not by this one: its files were removed


class FileKind(StrEnum):
    """What an input file holds (``load.FileReport.kind``)."""

    LEDGER = "ledger"
    FIGURES = "figures"


class SessionFrom(StrEnum):
    """Where the loader found a ledger's session (``load.FileReport.session_from``)."""

    COLUMN = "column"
    TITLE = "title"
    FILENAME = "filename"
    OPTION = "option"


class MixNote(StrEnum):
    """Why a class mix cannot be tested (``stats.MixTest.notes``)."""

    FEWER_THAN_TWO_SESSIONS = "fewer_than_two_sessions"
    SINGLE_CLASS = "single_class"
    NO_CLASSES_PRINTED = "no_classes_printed"  # the body's report(s) print no outcome class in any period
    OTHER_KINDS = "other_kinds"  # the periods' classes are printed, but in schemes of different kinds (A–D, wordings)


class Reason(StrEnum):
    """A reason for a report's status, or a part of one (``analysis.reasons`` puts them together)."""

    AND = "and"  # between two reasons
    REDONE = "redone"
    CHANGED = "changed"
    UP_TO_DATE = "up_to_date"
    FAILED_LAST_TIME = "failed_last_time"
    OUTPUT_MISSING = "output_missing"
    FORCED = "forced"
    NO_LEDGER = "no_ledger"
    NO_FIGURES = "no_figures"
    ONE_PERIOD = "one_period"
    CANNOT_READ_NOTEBOOK = "cannot_read_notebook"
    CELL = "cell"
    CELL_TIMEOUT = "cell_timeout"
    KERNEL_DIED = "kernel_died"
    KERNEL_SILENT = "kernel_silent"
    KERNELS_TRIED = "kernels_tried"
    KERNEL_REPLACED = "kernel_replaced"
    PDF_FAILED = "pdf_failed"
    INPUT_CHANGED = "input_changed"
    INPUT_CHANGED_NOW = "input_changed_now"
    NOT_IN_THIS_RUN = "not_in_this_run"
    MANIFEST_NOT_WRITTEN = "manifest_not_written"


class Changed(StrEnum):
    """What changed since a report was last made: a part of its cache key (settings and libraries grouped)."""

    NOTEBOOK = "notebook"
    PARAMETERS = "parameters"
    DATA = "data"
    CODE = "code"
    BUILD_TIME = "build_time"
    CACHE_FORMAT = "cache_format"
    PSEUDONYM_KEY = "pseudonym_key"
    SETTINGS = "settings"
    LIBRARIES = "libraries"
    PDF = "pdf"


STATUS_LABELS: dict[FigureStatus, tuple[str, str]] = {
    FigureStatus.LEDGER: ("台账统计", "counted from the ledger"),
    FigureStatus.PRINTED: ("原文印出", "printed"),
    FigureStatus.DERIVED: ("推算", "derived"),
    FigureStatus.UNKNOWN: ("未知", "unknown"),
    FigureStatus.PERCENT_ONLY: ("只印百分比", "percent only"),
}

BASIS_LABELS: dict[Basis, tuple[str, str]] = {
    Basis.LEDGER: ("台账", "case ledger"),
    Basis.PUBLISHED: ("公开数字", "published figures"),
}

SEVERITY_LABELS: dict[Severity, tuple[str, str]] = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.NOTE: ("说明", "note"),
}

CONVENTION_LABELS: dict[Convention, tuple[str, str]] = {
    Convention.ROUND_HALF_UP: ("四舍五入，相符", "rounded half up: agrees"),
    Convention.ROUND_HALF_DOWN: ("恰为半个单位而舍去（截尾）", "an exact half cut off (truncated)"),
    Convention.PLUG_TRUNCATION: ("截尾，且合计凑足100%", "truncated, and the list sums to 100"),
    Convention.PLUG_LARGEST: ("为凑足100%调整了最大项", "largest item adjusted to sum to 100"),
    Convention.PLUG_OTHER: ("为凑足100%调整了一项", "an item adjusted to sum to 100"),
    Convention.TRUNCATION: ("截尾而非四舍五入", "truncated, not rounded"),
    Convention.BOUND: ("界限（以上/以下/余/近），相符", "a bound: holds"),
    Convention.APPROXIMATION: ("约数，相符", "an approximation: holds"),
    Convention.ERROR: ("与件数不符", "does not match the counts"),
}

QUALIFIER_LABELS: dict[Qualifier, tuple[str, str]] = {
    Qualifier.AT_LEAST: ("以上", "at least"), Qualifier.MORE_THAN: ("余/超过", "more than"),
    Qualifier.NEARLY: ("近", "nearly"), Qualifier.ABOUT: ("约", "about"), Qualifier.LESS_THAN: ("不到", "less than"),
    Qualifier.AT_MOST: ("以下", "at most"),
}

SCORE_PART_LABELS: dict[ScorePart, tuple[str, str]] = {
    ScorePart.SOLVED_SHARE: ("解决类占比", "share solved"),
    ScorePart.ON_TIME_SHARE: ("按期答复率", "replies on time"),
    ScorePart.SATISFACTION_SHARE: ("满意率（含基本满意）", "satisfaction incl. basically satisfied"),
}

ON_TIME_START_LABELS: dict[OnTimeStart, tuple[str, str]] = {
    OnTimeStart.ASSIGNED: ("自交办之日起", "from assignment"),
    OnTimeStart.SESSION_CLOSE: ("自会议闭幕之日起", "from the close of the session"),
}

SCHEME_SOURCE_LABELS: dict[SchemeSource, tuple[str, str]] = {
    SchemeSource.OPTION: ("按指定的方案", "as declared"),
    SchemeSource.CONFIG: ("按配置的方案", "as configured"),
    SchemeSource.INFERRED: ("由标签推断", "read from the labels"),
    SchemeSource.WORDINGS: ("按报告自己的分类逐项核对", "checked as the report lists them"),
}

LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.NATIONAL: ("全国", "national"), Level.PROVINCE: ("省", "province"), Level.CITY: ("市", "city"),
    Level.DISTRICT: ("区", "district"), Level.COUNTY: ("县", "county"),
    Level.UNKNOWN: ("（层级未知）", "(level unknown)"),
}

PEER_VERDICT_LABELS: dict[PeerVerdict, tuple[str, str]] = {
    PeerVerdict.HIGHER: ("明显高于本区", "higher than ours beyond chance"),
    PeerVerdict.LOWER: ("明显低于本区", "lower than ours beyond chance"),
    PeerVerdict.WITHIN_CHANCE: ("差异在偶然波动范围内", "within chance of ours"),
    PeerVerdict.PERCENT_ONLY: ("只印百分比，未检验", "percent only: not tested"),
    PeerVerdict.NO_BASE: ("有件数、没有基数，未检验", "a count without its base: not tested"),
    PeerVerdict.BOUND: ("只印出界限，不是数值：不排名、不检验", "printed as a bound, not a value: not ranked or tested"),
    PeerVerdict.APPROXIMATE: ("只印出约数，不是确切数值：不排名、不检验",
                              "printed as an approximation, not an exact value: not ranked or tested"),
    PeerVerdict.DIFFERENT_BASE: ("基数口径不同，未检验", "another kind of base: not tested"),
    PeerVerdict.NO_VARIATION: ("与本区同为100%或0%", "100% or 0% like ours"),
    PeerVerdict.NO_DISTRICT: ("本区没有此项", "not in our data"),
}

# The status of a peer's figure where its verdict says more than "percent only": a bound or an approximation is
# printed alone, and its status must not call it a plain percent while its verdict calls it a bound.
PEER_STATUS_LABELS: dict[PeerVerdict, tuple[str, str]] = {
    PeerVerdict.BOUND: ("只印界限", "a bound only"),
    PeerVerdict.APPROXIMATE: ("只印约数", "an approximation only"),
}

REPORT_STATUS_LABELS: dict[ReportStatus, tuple[str, str]] = {
    ReportStatus.DONE: ("完成", "done"), ReportStatus.FAILED: ("失败", "failed"),
    ReportStatus.SKIPPED: ("跳过", "skipped"), ReportStatus.REMOVED: ("删除", "removed"),
}

FILE_KIND_LABELS: dict[FileKind, tuple[str, str]] = {
    FileKind.LEDGER: ("台账", "ledger"), FileKind.FIGURES: ("已公布数字", "published figures"),
}

SESSION_FROM_LABELS: dict[SessionFrom, tuple[str, str]] = {
    SessionFrom.COLUMN: ("届次列", "the session column"), SessionFrom.TITLE: ("标题行", "the title row"),
    SessionFrom.FILENAME: ("文件名", "the file name"), SessionFrom.OPTION: ("命令行参数 --session", "the --session option"),
}

MIX_NOTE_LABELS: dict[MixNote, tuple[str, str]] = {
    MixNote.FEWER_THAN_TWO_SESSIONS: ("少于两次会议有完整的分类数据", "fewer than two sessions have complete class counts"),
    MixNote.SINGLE_CLASS: ("只有一个类别有建议", "only one class has any suggestion"),
    MixNote.NO_CLASSES_PRINTED: ("原文未印出办理结果分类", "no outcome classes are printed"),
    MixNote.OTHER_KINDS: ("各期印出的办理结果分类不是同一套，不能相互比较",
                          "the periods' outcome classes are printed in different schemes and cannot be compared"),
}

# A congress by its level, as a sentence names it ("the 2nd Session of the 18th District People's Congress").
CONGRESS_OF_LEVEL: dict[Level, tuple[str, str]] = {
    Level.NATIONAL: ("全国人民代表大会", "National People's Congress"),
    Level.PROVINCE: ("省人民代表大会", "Provincial People's Congress"),
    Level.CITY: ("市人民代表大会", "City People's Congress"), Level.DISTRICT: ("区人民代表大会", "District People's Congress"),
    Level.COUNTY: ("县人民代表大会", "County People's Congress"), Level.UNKNOWN: ("人民代表大会", "People's Congress"),
}

# Why a report has its status, as the index page says it; {n} is a number (a cell, seconds, kernels).
REASON_LABELS: dict[Reason, tuple[str, str]] = {
    Reason.AND: ("；", "; "),
    Reason.REDONE: ("重做：", "redone: "),
    Reason.CHANGED: ("已改变", "changed"),
    Reason.UP_TO_DATE: ("未改变", "up to date"),
    Reason.FAILED_LAST_TIME: ("上次失败", "it failed last time"),
    Reason.OUTPUT_MISSING: ("输出文件缺失", "an output file is missing"),
    Reason.FORCED: ("--force", "--force"),
    Reason.NO_LEDGER: ("没有台账", "no ledger given"),
    Reason.NO_FIGURES: ("没有已公布数字文件", "no published-figures file given"),
    Reason.ONE_PERIOD: ("没有台账，已公布数字不足两个会次或年度", "no ledger, and the published figures cover fewer than two periods"),
    Reason.CANNOT_READ_NOTEBOOK: ("笔记本无法读取：", "cannot read notebook "),
    Reason.CELL: ("第{n}格", "cell {n}"),
    Reason.CELL_TIMEOUT: ("单元格运行超过 {n} 秒", "cell ran longer than {n} s"),
    Reason.KERNEL_DIED: ("内核意外退出", "the kernel died"),
    Reason.KERNEL_SILENT: ("内核没有应答", "the kernel never answered"),
    Reason.KERNELS_TRIED: ("（试了 {n} 个内核）", " (tried {n} kernels)"),
    Reason.KERNEL_REPLACED: ("内核未响应，已换新内核重试", "a kernel did not answer and was replaced"),
    Reason.PDF_FAILED: ("PDF 未生成：", "PDF not written: "),
    Reason.INPUT_CHANGED: ("数据文件在上次运行期间被改动", "a data file changed during the last run"),
    Reason.INPUT_CHANGED_NOW: ("数据文件在运行期间被改动", "a data file changed during the run"),
    Reason.NOT_IN_THIS_RUN: ("本次运行没有这份报告，已删除", "not made by this run: removed"),
    Reason.MANIFEST_NOT_WRITTEN: ("缓存记录无法写入", "cache record not written"),
}

CHANGED_LABELS: dict[Changed, tuple[str, str]] = {
    Changed.NOTEBOOK: ("笔记本", "notebook"),
    Changed.PARAMETERS: ("参数", "parameters"),
    Changed.DATA: ("数据", "data"),
    Changed.CODE: ("代码", "code"),
    Changed.BUILD_TIME: ("生成时间", "build time"),
    Changed.CACHE_FORMAT: ("缓存格式", "cache format"),
    Changed.PSEUDONYM_KEY: ("假名密钥", "pseudonym key"),
    Changed.SETTINGS: ("设置", "settings"),
    Changed.LIBRARIES: ("程序库", "libraries"),
    Changed.PDF: ("PDF 打印", "PDF printing"),
}

# The runner's console says a reason in both languages at once: "Chinese English", except these,
# whose console words punctuate differently or say more than a line of the index has room for.
REASON_CONSOLE: dict[Reason, str] = {
    Reason.AND: "; ",
    Reason.REDONE: "重做 redone: ",
    Reason.FORCED: "--force",
    Reason.CANNOT_READ_NOTEBOOK: "笔记本无法读取 cannot read notebook ",
    Reason.KERNELS_TRIED: "（试了 {n} 个内核 tried {n} kernels）",
    Reason.PDF_FAILED: "PDF 未生成 PDF not written: ",
    Reason.INPUT_CHANGED_NOW: ("数据文件在运行期间被改动，本次报告按运行开始时读入的内容生成，下次运行将重做 "
                               "a data file changed during the run; the reports were made from the bytes read "
                               "when it started and will be redone next time"),
    Reason.NOT_IN_THIS_RUN: ("本次运行没有这份报告（数据或运行计划已变），已删除它的文件 not made by this run "
                             "(other data or plan): its files were removed"),
    Reason.MANIFEST_NOT_WRITTEN: ("缓存记录无法写入，下次运行将重做这份报告 the cache record could not be written; "
                                  "the report will be redone next time"),
}

YES_NO: dict[bool, tuple[str, str]] = {True: ("是", "yes"), False: ("否", "no")}

# Every kind of code and its words (a test checks each code has Chinese and English).
CODE_TABLES: dict[type[StrEnum], dict] = {
    FigureStatus: STATUS_LABELS, Basis: BASIS_LABELS, Severity: SEVERITY_LABELS, Convention: CONVENTION_LABELS,
    Qualifier: QUALIFIER_LABELS, ScorePart: SCORE_PART_LABELS, OnTimeStart: ON_TIME_START_LABELS,
    SchemeSource: SCHEME_SOURCE_LABELS, Level: LEVEL_LABELS, PeerVerdict: PEER_VERDICT_LABELS,
    Reason: REASON_LABELS, Changed: CHANGED_LABELS, ReportStatus: REPORT_STATUS_LABELS, MixNote: MIX_NOTE_LABELS,
    FileKind: FILE_KIND_LABELS, SessionFrom: SESSION_FROM_LABELS,
}

# The bodies themselves are data: their English names are set in data/config.yaml (handler_names_en).
ALL_HANDLERS = ("全部承办主体", "all handling bodies")

HANDLING_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "办理中": ("办理中", "in progress"),
    "已办结": ("已办结", "completed"),
    "续办": ("续办", "continued"),
}

# A body other congresses' reports name by its level and its kind (市政府, 省人民政府, 自治县政府): its English name is
# the level's adjective and the kind's words, by one rule (``body_name_en``), never a list of bodies. A name it does not
# know (国际港务区, 济源市政府, 市政府办公室) stays as printed; a configured name (handler_names_en) comes first.
BODY_LEVELS_EN: dict[str, str] = {
    "省": "provincial", "自治区": "autonomous regional", "市": "municipal", "州": "prefectural",
    "自治州": "autonomous prefectural", "区": "district", "县": "county", "自治县": "autonomous county",
    "旗": "banner", "自治旗": "autonomous banner", "乡": "township", "镇": "town",
}
BODY_KINDS_EN: dict[str, str] = {"政府": "government", "人民政府": "people's government"}
_BODY_NAME_RE = re.compile(rf"^({'|'.join(sorted(BODY_LEVELS_EN, key=len, reverse=True))})"
                           rf"({'|'.join(sorted(BODY_KINDS_EN, key=len, reverse=True))})$")
# Other congresses' reports (analysis.peers): the bodies the comparison page names, and the rates compared.
PEER_BODY_LABELS: dict[str, tuple[str, str]] = {
    name: (name, f"{BODY_LEVELS_EN[name[:-2]]} {BODY_KINDS_EN['政府']}") for name in ("省政府", "市政府", "区政府", "县政府")
}
# The rates the comparison page compares: the solved share is of the harmonised classes.
PEER_RATE_LABELS: dict[str, tuple[str, str]] = {
    "solved": ("已解决或基本解决占比", "share solved or largely solved"),
    "replied": RATE_LABELS["replied"],
    "completed": RATE_LABELS["completed"],
    "satisfied_or_basic": RATE_LABELS["satisfied_or_basic"],
}
# The district among its peers, as the comparison page calls it (by its level).
OUR_CONGRESS: dict[Level, tuple[str, str]] = {
    Level.NATIONAL: ("本级", "ours"), Level.PROVINCE: ("本省", "our province"), Level.CITY: ("本市", "our city"),
    Level.DISTRICT: ("本区", "our district"), Level.COUNTY: ("本县", "our county"),
    Level.UNKNOWN: ("本地", "ours"),  # a town's ledger, or one whose congress is not known: no level made up
}

SATISFACTION_LABELS: dict[str, tuple[str, str]] = {
    "满意": ("满意", "satisfied"),
    "基本满意": ("基本满意", "basically satisfied"),
    "不满意": ("不满意", "unsatisfied"),
}

TOPIC_LABELS: dict[str, tuple[str, str]] = {
    "城建环保": ("城建环保", "urban construction & environment"),
    "教科文卫": ("教科文卫", "education, science, culture & health"),
    "财政经济": ("财政经济", "finance & economy"),
    "农业农村": ("农业农村", "agriculture & rural affairs"),
    "社会建设": ("社会建设", "social development"),
    "政治法律": ("政治法律", "politics & law"),
    "其他": ("其他", "other"),
    "": ("（未分类）", "(no topic)"),
}

# Column headers of every frame the metrics return.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "session": ("届次", "session"),
    "year": ("年度", "year"),
    "handler": ("承办主体", "handling body"),
    "measure": ("指标", "measure"),
    "category": ("分类", "category"),
    "count": ("件数", "count"),
    "base": ("基数", "base"),
    "base_measure": ("基数口径", "base is"),
    "share_pct": ("占比（%）", "share (%)"),
    "ci_low_pct": ("95%区间下限（%）", "95% CI low (%)"),
    "ci_high_pct": ("95%区间上限（%）", "95% CI high (%)"),
    "percent_text": ("原文百分比", "percent as printed"),
    "status": ("数字状态", "status"),
    "percent_status": ("百分比状态", "percent status"),
    "percent_check": ("百分比核对", "percent check"),
    "report": ("报告", "report"),
    "basis": ("依据", "basis"),
    "rule": ("推算依据", "how derived"),
    "rule_en": ("推算依据（英文）", "how derived"),
    "assumption": ("假设", "assumption"),
    "source": ("来源", "source"),
    "is_sample": ("示例数据", "sample data"),
    "is_total": ("多次会议合计", "total over sessions"),
    "previous_session": ("上次会议", "previous session"),
    "previous_count": ("上次件数", "previous count"),
    "change_count": ("件数变化", "change in count"),
    "previous_share_pct": ("上次占比（%）", "previous share (%)"),
    "change_share_pct_points": ("占比变化（百分点）", "change in share (points)"),
    "lead_unit": ("主办单位", "lead unit"),
    "cases": ("主办件数", "suggestions led"),
    "solved": ("解决类件数", "solved"),
    "solved_share_pct": ("解决类占比（%）", "solved (%)"),
    "on_time": ("按期答复件数", "replied on time"),
    "on_time_base": ("可判定期限的答复件数", "replies with a known deadline"),
    "on_time_share_pct": ("按期答复率（%）", "on time (%)"),
    "rated": ("已测评件数", "rated"),
    "satisfied_or_basic": ("满意和基本满意件数", "satisfied or basically"),
    "satisfaction_share_pct": ("满意率（含基本满意，%）", "satisfaction incl. basic (%)"),
    "score": ("绩效得分", "performance score"),
    "score_components": ("计分项", "score components"),
    "score_exact": ("绩效得分（分数）", "performance score (exact fraction)"),
    "score_se": ("得分标准误", "standard error of the score"),
    "flagged": ("低于阈值", "below threshold"),
    "rank": ("排名", "rank"),
    "note": ("说明", "note"),
    "note_en": ("说明（英文）", "note"),
    "handled": ("办理件数", "handled"),
    "replied": ("已答复件数", "replied"),
    "late": ("逾期答复件数", "replied late"),
    "overdue_unreplied": ("逾期未答复件数", "overdue without reply"),
    "no_deadline": ("无法确定期限件数", "deadline unknown"),
    # an on-time rate known only as a range (a 复杂建议 flag the ledger does not give): metrics.on_time_replies
    "undetermined": ("是否按期无法判定件数", "on time or not unknown"),
    "undetermined_replied": ("其中已答复件数", "of which replied"),
    "on_time_low_pct": ("按期答复率下限（%）", "on time, lowest (%)"),
    "on_time_high_pct": ("按期答复率上限（%）", "on time, highest (%)"),
    "on_time_undetermined": ("是否按期无法判定件数", "on time or not unknown"),
    "topic": ("建议类别", "topic"),
    "deadline_rule": ("期限规则", "deadline rule"),
    "deadline_rule_en": ("期限规则（英文）", "deadline rule"),
    "peer": ("报告", "report"),
    "congress": ("报告机关", "congress"),
    "level": ("层级", "level"),
    "period": ("期间", "period"),
    "class_printed": ("原文标签", "label as printed"),
    "harmonised_class": ("统一归类", "harmonised class"),
    "against_district": ("与本区相比", "against ours"),
    "url": ("网址", "URL"),
}

# Columns whose values are codes to translate, and the table each uses.
_VALUE_TABLES = {
    "status": STATUS_LABELS,
    "percent_status": STATUS_LABELS,
    "percent_check": CONVENTION_LABELS,
    "basis": BASIS_LABELS,
    "base_measure": BASE_LABELS,
}


def measure_label(measure: str, lang: str = "zh") -> str:
    """The name of a measure's count, e.g. 'received' → '收到建议'."""
    return _pick(MEASURE_LABELS.get(measure, (measure, measure)), lang)


def rate_label(measure: str, lang: str = "zh", *, kind: str = "") -> str:
    """The name of a measure's share, e.g. 'completed' → '办结率'; with the report's ``kind`` of it when one page
    shows two (满意率（不含基本满意）（办理结果）)."""
    pair = RATE_LABELS.get(measure)
    name = (measure_label(measure, lang) + ("占比" if lang != "en" else " (share)")) if pair is None else _pick(pair, lang)
    return name + ((f"（{kind}）" if lang != "en" else f" ({kind})") if kind else "")


def printed_rate_label(measure: str, wording: str = "", lang: str = "zh") -> str:
    """A printed rate's name, as certainly as the package can tell, on every page that shows it: the measure's own
    name (办结率, 办复率, 满意 alone: 满意率（不含基本满意）; a 满意率 saying it counts 基本满意: 满意率（含基本满意）), else the
    report's own words ('代表满意率', '满意率（对建议办理结果）'): a plain 满意率 may or may not count 基本满意."""
    wording = str(wording or "").strip()
    if measure != "satisfied" or wording == "满意":
        return rate_label(measure, lang)
    if "基本满意" in wording:
        return rate_label("satisfied_or_basic", lang)
    en = check_lang(lang) == "en"
    plain = "satisfaction rate" if en else "满意率"
    if not wording:
        return plain
    return wording if wording.endswith("率") else f"{plain} ({wording})" if en else f"{plain}（{wording}）"


def column_label(column: str, lang: str = "zh") -> str:
    """The header shown for a frame column (the column name itself when none is declared)."""
    return _pick(COLUMN_LABELS.get(column, (column, column)), lang)


# a period column's header by what its periods are (``sessions.periods_noun``): 届次 for sessions, 年度 for years
_PERIOD_HEADS = {"次会议": "届次", "年度": "年度", "期间": "期间", "sessions": "session", "years": "year",
                 "periods": "period"}


def period_column(periods, lang: str = "zh") -> str:
    """The header of a table's period column: 届次 when its periods are sessions (and totals of them), 年度 when years,
    期间 for a mix or any other kind (以来, a standing-committee meeting, a file of no period); a table of 2022年度 and
    2025年度 is not headed 届次. Blank labels are left out."""
    given = [str(p) for p in periods if p is not None and str(p) not in ("", "nan", "<NA>", "None")]
    return _PERIOD_HEADS[sessions.periods_noun(list(dict.fromkeys(given)), check_lang(lang))]


def periods_named(table, periods, lang: str = "zh"):
    """``table`` with its period column (headed ``column_label("session")`` or another kind's header) headed as
    ``period_column`` says; the table as it is when it has none."""
    head = period_column(periods, lang)
    current = [c for c in table.columns if c in {column_label("session", lang), *_PERIOD_HEADS.values()}]
    if not current or current[0] == head or head in table.columns:  # (a table with a 年度 column keeps 届次 beside it)
        return table
    return table.rename(columns={current[0]: head})


def column_labels(columns, lang: str = "zh") -> dict[str, str]:
    """A rename mapping {column: header} for ``DataFrame.rename(columns=…)``."""
    return {c: column_label(c, lang) for c in columns}


def status_label(status: str, lang: str = "zh") -> str:
    """'printed' → '原文印出'; no status ('') → '—'."""
    return _pick(STATUS_LABELS.get(status, (status or "—", status or "—")), lang)


def derived_mark(lang: str = "zh") -> str:
    """What follows a derived number: '（推算）' / ' (derived)'."""
    zh, en = STATUS_LABELS[FigureStatus.DERIVED]
    return f" ({en})" if check_lang(lang) == "en" else f"（{zh}）"


def mismatch_mark(lang: str = "zh", inner: bool = False) -> str:
    """What follows a printed percent that no convention explains (the checker's 与件数不符): '（与件数不符）' /
    ' (does not match the counts)'; ``inner``: inside the brackets after a count, '，与件数不符'."""
    zh, en = CONVENTION_LABELS[Convention.ERROR]
    if check_lang(lang) == "en":
        return f", {en}" if inner else f" ({en})"
    return f"，{zh}" if inner else f"（{zh}）"


BOTH_DERIVED = {"zh": "，均为推算", "en": ", both derived"}  # a derived share inside the brackets after a derived count


def severity_label(severity: str, lang: str = "zh") -> str:
    """'error' → '错误'."""
    return _pick(SEVERITY_LABELS.get(severity, (severity, severity)), lang)


def convention_label(convention: str, lang: str = "zh") -> str:
    """What a convention means for a reader: 'truncation' → '截尾而非四舍五入'; '' for none."""
    return _pick(CONVENTION_LABELS[Convention(convention)], lang) if convention else ""


def qualifier_label(qualifier: str, lang: str = "zh") -> str:
    """'at_least' → '以上' / 'at least'."""
    return _pick(QUALIFIER_LABELS[Qualifier(qualifier)], lang)


def score_part_label(part: str, lang: str = "zh") -> str:
    """A part of a unit's score: 'on_time_share' → '按期答复率'."""
    return _pick(SCORE_PART_LABELS.get(part, (part, part)), lang)


def on_time_start_label(start: str, lang: str = "zh") -> str:
    """When the time to reply starts: 'assigned' → '自交办之日起'."""
    return _pick(ON_TIME_START_LABELS[OnTimeStart(start)], lang)


def scheme_source_label(source: str, lang: str = "zh") -> str:
    """How a report's outcome classes were found: 'inferred' → '由标签推断' ('' when not known)."""
    return _pick(SCHEME_SOURCE_LABELS.get(source, ("", "")), lang)


def yes_no(value: object, lang: str = "zh") -> str:
    """是 / 否 (yes / no) for a true or false value."""
    return _pick(YES_NO[bool(value)], lang)


def reason_label(code: Reason | Changed, lang: str | None = "zh", n: int | None = None) -> str:
    """The words of a run reason or a changed part in ``lang``; None: the console's, both languages at once.

    ``{n}`` in the words becomes ``n`` (a cell's number, seconds, kernels tried).
    """
    zh, en = (REASON_LABELS if isinstance(code, Reason) else CHANGED_LABELS)[code]
    if lang is None:
        text = REASON_CONSOLE.get(code) or f"{zh} {en}"
    else:
        text = _pick((zh, en), lang)
    return text.replace("{n}", str(n)) if n is not None else text


def report_status_label(status: str, lang: str | None = "zh") -> str:
    """'skipped' → '跳过' / 'skipped'; None: the console's '跳过 skipped', padded so report names line up."""
    zh, en = REPORT_STATUS_LABELS[ReportStatus(status)]
    if lang is None:
        return f"{zh} {en:<{max(len(e) for _, e in REPORT_STATUS_LABELS.values())}}"
    return _pick((zh, en), lang)


def mix_note_label(note: str, lang: str = "zh") -> str:
    """Why a class mix cannot be tested: 'single_class' → '只有一个类别有建议'."""
    return _pick(MIX_NOTE_LABELS[MixNote(note)], lang)


def congress_level(name: object) -> str:
    """The level of a congress from its name: '某区人大常委会' → '区', '某县人民代表大会常务委员会' → '县'; '' when its name
    ends in none of the levels before 人大 or 人民代表大会 (一个自治州, a name not given)."""
    head = re.split(r"人民代表大会|人大", str(name or ""), maxsplit=1)[0].strip()
    return next((level.value for level in (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.COUNTY)
                 if head.endswith(level.value)), "")


def congress_label(level: str, lang: str = "zh") -> str:
    """A congress by its level: '区' → '区人民代表大会' / "District People's Congress" (no level: "People's Congress")."""
    return _pick(CONGRESS_OF_LEVEL.get(level or Level.UNKNOWN, CONGRESS_OF_LEVEL[Level.UNKNOWN]), lang)


def measure_unit(measure: str, lang: str = "zh") -> str:
    """What a measure counts: '名' / 'deputies' for deputies trained, '件' / '' for suggestions."""
    return _pick(MEASURE_UNITS.get(measure, SUGGESTIONS_UNIT), lang)


def basis_label(basis: str, lang: str = "zh") -> str:
    """'published' → '公开数字'."""
    return _pick(BASIS_LABELS.get(basis, (basis, basis)), lang)


def base_label(base_measure: str, lang: str = "zh") -> str:
    """'rated' → '代表已测评件数'."""
    return _pick(BASE_LABELS.get(base_measure, (base_measure, base_measure)), lang)


def handler_label(handler: str, lang: str = "zh", config: dict | None = None) -> str:
    """A body's name for display ('' = all bodies); in English from ``handler_names_en`` of ``config``."""
    handler = _text(handler)
    if not handler:
        return _pick(ALL_HANDLERS, lang)
    if check_lang(lang) != "en":
        return handler
    from . import config as settings  # when needed: importing labels must not read the settings

    configured = settings.handler_name_en(handler, config)
    return configured if configured != handler else body_name_en(handler) or handler


def body_rate_label(handler: str, name: str, lang: str = "zh") -> str:
    """A body's rate of that ``name``, as the overview's columns and the rates chart's lines name it: '县政府按期答复率' /
    'County government: on-time reply rate'."""
    return f"{handler_label(handler, lang)}{name}" if check_lang(lang) != "en" else f"{handler_label(handler, lang)}: {name}"


def body_name_en(name: str) -> str | None:
    """A body's English name by its level and kind ('市政府' → 'municipal government', '县人民政府' → "county people's
    government"); None when the name is not a level and a kind the rule knows (it is then shown as printed)."""
    match = _BODY_NAME_RE.match(_text(name).replace(" ", ""))
    return f"{BODY_LEVELS_EN[match.group(1)]} {BODY_KINDS_EN[match.group(2)]}" if match else None


def unit_with_body(unit: str, body: str, lang: str = "zh", *, fit: Callable[[str], str] | None = None) -> str:
    """A handling unit named with its body: '立案庭（市政府）', '立案庭 (市政府)'; the unit's name alone when no body is given.

    The name is kept whole, a closing bracket too: 市中院（立案庭） is 市中院（立案庭）（市政府） (``with_body`` would merge
    them into 市中院（立案庭，市政府）, which reads as a unit of that name). ``fit`` shortens the body's name (a chart axis).
    """
    if not _text(body):
        return unit
    name = handler_label(body, lang)
    name = fit(name) if fit else name
    return f"{unit} ({name})" if check_lang(lang) == "en" else f"{unit}（{name}）"


def units_under_two_bodies(units: Iterable[str], bodies: Iterable[str]) -> set[str]:
    """The unit names listed under more than one body (``units`` and ``bodies`` side by side): a ledger may file one
    立案庭 under the court and under 市政府, and wherever both are shown such a name needs its body (``unit_with_body``)
    so that one name never stands for two units' figures."""
    found: dict[str, set[str]] = {}
    for unit, body in zip(units, bodies):
        found.setdefault(_text(unit), set()).add(_text(body))
    return {unit for unit, listed in found.items() if len(listed) > 1}


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def how_many(number: int, lang: str = "zh") -> str:
    """A number of things counted in a sentence (reports, tests): '18' in Chinese, 'eighteen' in English.

    English prose spells such numbers out, which also keeps them apart from the figures a page states.
    """
    number = int(number)
    if check_lang(lang) != "en" or not 0 <= number < 100:
        return str(number)
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens - 2] + (f"-{_ONES[ones]}" if ones else "")


def peer_rate_label(measure: str, lang: str = "zh") -> str:
    """The name of a rate the comparison page compares ('solved' → '已解决或基本解决占比')."""
    return _pick(PEER_RATE_LABELS.get(measure, (measure, measure)), lang)


def level_label(level: str, lang: str = "zh") -> str:
    """A peer's level (省/市/区/县/全国) in the reader's language."""
    return _pick(LEVEL_LABELS.get(level or Level.UNKNOWN, (level, level)), lang)


def peer_body_label(body: str, lang: str = "zh") -> str:
    """The body a peer's figure is of: '' = all bodies; a government by its English name in English."""
    if not body:
        return _pick(ALL_HANDLERS, lang)
    return body if check_lang(lang) != "en" else body_name_en(body) or body


def against_district_label(verdict: str, lang: str = "zh", level: str = Level.DISTRICT) -> str:
    """How a peer's figure stands against ours (the congress of ``level``: 本区, a city's ledger 本市), in plain words."""
    if not verdict:  # the district's own row
        return "—"
    words = _pick(PEER_VERDICT_LABELS.get(verdict, (verdict, verdict)), lang)
    return words.replace("本区", our_congress_label(level, False, lang)) if lang != "en" else words


def against_column_label(level: str = Level.DISTRICT, lang: str = "zh") -> str:
    """The header of the column saying how each report stands against ours: '与本区相比', a city's ledger '与本市相比'."""
    return "against ours" if check_lang(lang) == "en" else f"与{our_congress_label(level, False, lang)}相比"


def peer_status_label(status: str, verdict: str, lang: str = "zh") -> str:
    """A compared figure's status: '只印界限' / '只印约数' for a bound or an approximation, else ``status_label``."""
    if verdict in PEER_STATUS_LABELS:
        return _pick(PEER_STATUS_LABELS[verdict], lang)
    return status_label(status, lang)


def our_congress_label(level: str, is_sample: bool, lang: str = "zh") -> str:
    """The district as the comparison page names it: '本区（示例数据）'."""
    name = _pick(OUR_CONGRESS.get(level or Level.UNKNOWN, OUR_CONGRESS[Level.UNKNOWN]), lang)
    if not is_sample:
        return name
    return f"{name} (sample data)" if check_lang(lang) == "en" else f"{name}（示例数据）"


def with_body(name: str, body: str, lang: str = "zh") -> str:
    """A measure's name with the body it counts: '办结率（全部承办主体）', '满意率（含基本满意，全部承办主体）'."""
    if check_lang(lang) == "en":
        return f"{name[:-1]}; {body})" if name.endswith(")") else f"{name} ({body})"
    return f"{name[:-1]}，{body}）" if name.endswith("）") else f"{name}（{body}）"


def topic_label(topic: str, lang: str = "zh") -> str:
    """A topic's name for display."""
    topic = _text(topic)
    return _pick(TOPIC_LABELS.get(topic, (topic, topic)), lang)


def handling_status_label(status: str, lang: str = "zh") -> str:
    """办理中 / 已办结 / 续办 in the reader's language."""
    return _pick(HANDLING_STATUS_LABELS.get(status, (status, status)), lang)


def satisfaction_label(level: str, lang: str = "zh") -> str:
    """满意 / 基本满意 / 不满意 in the reader's language."""
    return _pick(SATISFACTION_LABELS.get(level, (level, level)), lang)


def class_label(code: str, lang: str = "zh") -> str:
    """Short name of an outcome class: 'A' → 'A类' / 'Class A'."""
    return f"Class {code}" if check_lang(lang) == "en" else f"{code}类"


def class_long_label(scheme, code: str, lang: str = "zh") -> str:
    """Name and meaning of an outcome class from the scheme: 'A类（已经解决…）'."""
    return scheme.get(code).display(check_lang(lang))


def session_year(label: str, config: dict | None = None) -> int | None:
    """The year a session was held, from ``session_years`` of ``config`` (default settings); None when not known."""
    if config is None:
        from . import config as settings

        return _configured_year(label, settings.version())
    return _year_in(label, config.get("session_years") or {})


@lru_cache(maxsize=1024)
def _configured_year(label: str, version: str) -> int | None:
    # Tables relabel one session per row: parse the settings once per label and content of the file, not per row.
    from . import config as settings

    return _year_in(label, settings.load_config().get("session_years") or {})


def _year_in(label: str, years: dict) -> int | None:
    parsed = sessions.parse_session(label)
    for name, year in years.items():
        if parsed is not None and sessions.parse_session(name) == parsed:
            try:
                return int(year)
            except (TypeError, ValueError):
                return None
    return None


def session_label(label: str, lang: str = "zh", short: bool = False, config: dict | None = None,
                  year: bool = True) -> str:
    """A session (or '+'-joined total) for display, with its year where known: '十八届人大二次会议（2023年）'.

    ``short`` gives '十八届二次（2023年）' / '18-2 (2023)' for chart axes. The year comes from
    ``session_years`` of the settings; a session whose year is not set is shown without one, and
    ``year=False`` leaves it out (a chart puts it on a line of its own).
    """
    check_lang(lang)
    parts = [sessions.parse_session(p) for p in sessions.split_total(str(label))]
    if not parts or any(p is None for p in parts):
        # a span, a year, a term, a total of years: as period_label says it (since 5th Congress, 2nd Session; year 2017;
        # 2019—2020年度合计, never the label 2019年度+2020年度), never the Chinese label on an English page
        return period_label(label, lang)
    if len(parts) > 1:  # the one way a total is named, as the figures check's sentences name it
        if short:
            return f"{len(parts)} sessions combined" if lang == "en" else f"{len(parts)}次会议合计"
        return sessions.period_display(label, lang)
    s = parts[0]
    held = session_year(s.label, config) if year else None
    if short:  # the National People's Congress's session says so: NPC 13-5 / 十三届全国五次
        national = ("NPC " if lang == "en" else "全国") if s.national else ""
        text = f"{national}{s.term}-{s.number}" if lang == "en" else (
            f"{sessions.int_to_chinese(s.term)}届{national}{sessions.int_to_chinese(s.number)}次")
    else:
        text = s.display(lang)
    if held is None:
        return text
    return f"{text} ({held})" if lang == "en" else f"{text}（{held}年）"


def period_label(label: str, lang: str = "zh") -> str:
    """Any period a report prints, as a reader sees it (sessions, spans, years, meetings; ``sessions.period_display``)."""
    return sessions.period_display(label, check_lang(lang))


def not_available(lang: str = "zh") -> str:
    """The words for a figure that is not known."""
    return NOT_AVAILABLE[check_lang(lang)]


def unknown_mark(lang: str = "zh") -> str:
    """A table cell's mark for a figure that is not known (暂缺), the same in every table (``UNKNOWN``)."""
    return UNKNOWN[check_lang(lang)]


# ---------------------------------------------------------------------------------------
# Numbers for display
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """One number behind a table cell, as a workbook holds it: 52.3% is the fraction 0.523 with one decimal."""

    value: int | float
    kind: str = "count"  # "count" | "percent" (value a fraction) | "decimal" | "p" (a p-value, < 0.001 below that)
    decimals: int | None = 0  # digits printed after the point; None: as the value needs (0.4, 0.6)
    suffix: str = ""  # words printed after the number, e.g. （推算）
    header: str = ""  # the sub-column it goes to when a cell holds several numbers, e.g. 占比


class Shown(str):
    """A table cell's text as printed ('86（66.7%）', '18.87%', '172（推算）') carrying the numbers behind it.

    It is the text wherever text is expected (pages, paragraphs, comparisons); the report's
    Excel workbook writes its ``numbers`` as numbers, so the workbook never reads a number
    back out of text.
    """

    numbers: tuple[Number, ...]

    def __new__(cls, text: str, *numbers: Number) -> "Shown":
        if "analysis.pandas_options" not in sys.modules:  # before the first cell: a frame built of cells keeps them
            from . import pandas_options  # noqa: F401
        cell = super().__new__(cls, text)
        cell.numbers = numbers
        return cell

    def __reduce__(self):
        return (Shown, (str(self), *self.numbers))


def format_pct(value, decimals: int = 1, lang: str = "zh", suffix: str = "") -> str:
    """'52.3%' from a Decimal or float percent (rounded half up), as a ``Shown`` cell; the not-available words when unknown."""
    from .stats import round_half_up

    if not isinstance(value, Decimal) and _missing(value):
        return not_available(lang)
    rounded = round_half_up(value, decimals)
    return Shown(f"{rounded}%{suffix}", Number(float(rounded / 100), "percent", decimals, suffix))


@dataclass(frozen=True)
class PrintedPercent:
    """A figures row's percent as the report printed it (``percent_text`` when ``percent_status`` is printed).

    ``number`` is the text read as printed (None when it is no number as printed); ``agrees`` says whether count ÷
    base, rounded half up at the printed digits, gives it (None when that cannot be told: no count or base, a bound or
    an approximation, text that is no number); ``flagged`` that the figures check found no convention explaining it
    (``percent_check`` error: 与件数不符)."""

    text: str  # as printed, trimmed: '6.95', '52.30', '90以上'
    number: "PrintedNumber | None"
    agrees: bool | None = None
    flagged: bool = False

    @property
    def digits(self) -> str:
        """The number with the digits printed ('52.30', '90' of 90以上); '' when the text is no number."""
        return "" if self.number is None else f"{self.number.value:.{self.number.decimals}f}"

    @property
    def exact(self) -> Decimal | None:
        """The value with the digits printed (Decimal('52.30')); None for a bound or an approximation (90以上) or text
        that is no number: such a percent is shown as printed, never as a value."""
        return Decimal(self.digits) if self.number is not None and not self.number.qualifier else None

    @property
    def apart(self) -> bool:
        """An exact printed percent that is not count ÷ base (a truncation, a plug) or that the check marks: a share
        drawn from the counts shows another value than the printed one a card or table shows."""
        return self.exact is not None and (self.flagged or not self.agrees)


def printed_percent(row=None, *, text=None, count=None, base=None, status: str = "printed",
                    check: str = "") -> PrintedPercent | None:
    """The percent a figures row's report printed, the one place that reads it (narrative, tables, charts); None when
    the row has none (its ``percent_status`` is not printed: a ledger's share, one reached by arithmetic, one printed
    several ways; or its ``percent_text`` is blank). ``row`` is a figures row (a namedtuple); or give its fields:
    ``text`` (percent_text), ``count``, ``base``, ``status`` (percent_status), ``check`` (percent_check)."""
    from .normalize import parse_printed
    from .rounding import round_half_up

    if row is not None:
        text, count, base = getattr(row, "percent_text", ""), getattr(row, "count", None), getattr(row, "base", None)
        status, check = getattr(row, "percent_status", None), getattr(row, "percent_check", "")
    if _missing(status) or status != "printed" or _missing(text) or not str(text).strip():
        return None
    text = str(text).strip()
    try:
        number = parse_printed(text)
    except ValueError:
        number = None
    printed = PrintedPercent(text, number, None, not _missing(check) and check == "error")
    if printed.exact is None or _missing(count) or _missing(base) or not int(base):
        return printed
    return replace(printed, agrees=round_half_up(Decimal(int(count)) * 100 / Decimal(int(base)),
                                                 number.decimals) == printed.exact)


def printed_apart_label(printed: PrintedPercent | None, lang: str = "zh", inner: bool = False,
                        shown: Decimal | None = None) -> str:
    """The percent the report printed, beside a share computed from the counts that is not it (``PrintedPercent.apart``:
    a truncation, a plug, one the check marks): '原文为 64.25%（与件数不符）' / 'the report prints 6.95%'; ``inner``,
    inside the brackets after the computed share: '原文为64.25%，与件数不符'. '' when there is none apart, or when
    it is the value ``shown`` beside it (a printed 52.30 beside 52.3) and the check does not mark it."""
    if printed is None or not printed.apart or (shown is not None and printed.exact == shown and not printed.flagged):
        return ""
    text = format_printed_pct(printed, lang) + (mismatch_mark(lang, inner) if printed.flagged else "")
    if check_lang(lang) == "en":
        return f"the report prints {text}"
    return f"原文为{text}" if inner else f"原文为 {text}"


def format_printed_pct(text, lang: str = "zh", suffix: str = "") -> str:
    """A percent as the report printed it ('52.30' → '52.30%', its digits kept; '90以上' → '90%以上', in English
    'at least 90%'), as a ``Shown`` cell: an exact one carries its number, a bound or approximation is text only.
    ``text`` is the text or a ``PrintedPercent``; ValueError when it is no number as printed."""
    from .normalize import parse_printed

    printed = text if isinstance(text, PrintedPercent) else PrintedPercent(str(text), parse_printed(text))
    if printed.number is None:
        raise ValueError(f"{printed.text!r} is no percent as printed")
    number = printed.digits
    if printed.exact is not None:
        return Shown(f"{number}%{suffix}",
                     Number(float(printed.exact / 100), "percent", printed.number.decimals, suffix))
    if check_lang(lang) == "en":
        return Shown(f"{qualifier_label(printed.number.qualifier, 'en')} {number}%{suffix}")
    words = str(printed.number.text).replace("％", "%")
    if "%" not in words:  # the sign after the number, before a word that follows it (90%以上, 超过90%)
        words = re.sub(r"(\d[\d,]*(?:\.\d+)?)", r"\1%", words, count=1)
    return Shown(f"{words}{suffix}")


def format_count(value, lang: str = "zh", suffix: str = "") -> str:
    """'172' from a count, as a ``Shown`` cell; the not-available words when unknown."""
    if _missing(value):
        return not_available(lang)
    return Shown(f"{int(value)}{suffix}", Number(int(value), "count", 0, suffix))


def format_decimal(value: float, decimals: int | None = None) -> str:
    """'0.909' (``decimals`` digits) or '0.4' (as short as the value allows), as a ``Shown`` cell."""
    text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return Shown(text, Number(float(text), "decimal", decimals))


# A report's parameters as its footer names them for a reader; the literal (ledger_files = […]) stays beside for
# whoever runs the report again. A parameter not listed is named by its literal alone.
PARAMETER_WORDS = {
    "ledger_files": ("台账文件", "ledger files"), "figures_files": ("公布数字文件", "published-figures files"),
    "figures_together": ("各文件作一份报告", "files read as one report"), "lang": ("语言", "language"),
    "pseudonymise": ("代表姓名化名", "deputies' names pseudonymised"), "session": ("会次", "session"),
    "sessions": ("会次", "sessions"), "config_file": ("设置文件", "settings file"),
    "as_of_date": ("截止日期", "as-of date"), "top": ("只列前几名", "top units shown"),
    "peers_dir": ("各地报告文件夹", "peers folder"), "level": ("本级", "our level"),
    "levels": ("比较的层级", "levels compared"), "years": ("比较的年份", "years compared"),
    "measures": ("比较的比率", "rates compared"), "fraction": ("抽取比例", "fraction drawn"),
    "size": ("抽取件数", "number drawn"), "seed": ("随机种子", "random seed"), "strata": ("分层", "strata"),
}
_LANGUAGE_NAMES = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}


def parameter_label(name: str, value: object, lang: str = "zh") -> str:
    """A report parameter in words ('代表姓名化名：否', 'language: Chinese'); '' for a parameter not in
    ``PARAMETER_WORDS`` (its literal says it alone)."""
    words = PARAMETER_WORDS.get(name)
    if words is None:
        return ""
    en = check_lang(lang) == "en"
    if isinstance(value, bool):
        shown = yes_no(value, lang)
    elif name == "lang" and value in _LANGUAGE_NAMES:
        shown = _pick(_LANGUAGE_NAMES[value], lang)
    elif isinstance(value, (list, tuple)):
        shown = ("; " if en else "、").join(str(v) for v in value)
    else:
        shown = "" if value is None else str(value)
    if not shown:
        shown = "(not given)" if en else "（未指定）"
    return f"{_pick(words, lang)}: {shown}" if en else f"{words[0]}：{shown}"


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d"  # ideographs, full-width marks, “”
_FULL_WIDTH_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def chinese_punctuation(text: str) -> str:
    """Chinese text as a page shows it (GB/T 15834): an ASCII comma, semicolon, colon, question or exclamation mark
    beside a Chinese character becomes full-width, and so does a pair of round brackets opened after or holding
    one ('新华社(转载页)' → '新华社（转载页）', '上海法治报(2023-12-29,第A03版)' → '上海法治报（2023-12-29，第A03版）');
    English ('(five years)'), a URL and a number's own marks (2023-11-29, 10:30) stay as they are."""
    text = str(text)
    chars = list(text)
    han = re.compile(f"[{_HAN}]")

    def beside(i: int, step: int) -> bool:
        j = i + step
        while 0 <= j < len(chars) and chars[j] == " ":
            j += step
        return 0 <= j < len(chars) and bool(han.match(chars[j]))

    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            opened.append(i)
        elif ch == ")" and opened:
            start = opened.pop()
            if beside(start, -1) or han.search(text[start + 1:i]):
                chars[start], chars[i] = "（", "）"
        elif ch in ",;:?!" and (beside(i, -1) or beside(i, 1)) and not (ch == ":" and text[i + 1:i + 3] == "//"):
            chars[i] = _FULL_WIDTH_MARKS[ch]
    # a full-width mark takes its own room: no space beside it
    return re.sub(r" *([，；：？！（）]) *", r"\1", "".join(chars)) if chars != list(text) else text


def date_label(iso: str, lang: str = "zh") -> str:
    """A date in a sentence: '2025年1月16日' in Chinese (GB/T 9704-2012: year, month and day in full, no leading
    zeros), '2025-01-16' in English; text that is not an ISO date as it is."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(iso or "").strip())
    if lang == "en" or not found:
        return str(iso or "")
    year, month, day = (int(part) for part in found.groups())
    return f"{year}年{month}月{day}日"


def on_time_range(low_pct, high_pct, lang: str = "zh", decimals: int = 1) -> str:
    """'82.1%至90.3%' / '82.1% – 90.3%': an on-time rate known only as a range (``metrics.OnTimeBounds``), as a cell
    carrying both ends for the workbook."""
    low, high = format_pct(low_pct, decimals, lang), format_pct(high_pct, decimals, lang)
    return combined(f"{low}至{high}" if lang != "en" else f"{low} – {high}",
                    (low, "下限" if lang != "en" else "low"), (high, "上限" if lang != "en" else "high"))


def on_time_range_note(undetermined: int, lang: str = "zh") -> str:
    """Why an on-time rate is known only as a range, in a card's note or a table's status cell."""
    if lang == "en":
        were = "was" if undetermined == 1 else "were"
        return (f"a range: whether {undetermined} {were} on time depends on whether they are complex, "
                "which the ledger does not say")
    return f"只知范围：{undetermined}件是否按期取决于是否复杂建议，台账未注明"


def class_list(names, lang: str = "zh") -> str:
    """A report's own class wordings as one list ('解决采纳、计划解决、留作参考'): a wording that holds the list's own
    separator (U16's 暂时无法解决,向代表进行说明、解释) is quoted, so the list still reads as that many classes."""
    sep, quote = ("; ", '"{}"') if check_lang(lang) == "en" else ("、", "“{}”")
    return sep.join(quote.format(n) if sep.strip() in n or "、" in n else n for n in names)


def combined(text: str, *parts: tuple[str, str]) -> str:
    """One cell's text holding the numbers of several cells, e.g. '86（66.7%）' or '86.5% – 95.2%'.

    ``parts`` are (cell, header) pairs: each cell's numbers go to the workbook sub-column named by
    its header ("" for the column itself, "占比" for a column beside it).
    """
    numbers = tuple(replace(n, header=header) for cell, header in parts for n in getattr(cell, "numbers", ()))
    return Shown(text, *numbers)


def relabel(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A display copy: code values (measure, status, basis, handler, session …) in words, headers translated."""
    check_lang(lang)
    out = frame.copy()
    for column, table in _VALUE_TABLES.items():
        if column in out.columns:
            out[column] = [_pick(table.get(_text(v), (_text(v), _text(v))), lang) for v in out[column]]
    if "measure" in out.columns:
        out["measure"] = [measure_label(_text(v), lang) for v in out["measure"]]
    if "handler" in out.columns:
        out["handler"] = [handler_label(_text(v), lang) for v in out["handler"]]
    if "topic" in out.columns:
        out["topic"] = [topic_label(_text(v), lang) for v in out["topic"]]
    for column in ("session", "previous_session"):
        if column in out.columns:
            out[column] = [session_label(_text(v), lang) if _text(v) else "" for v in out[column]]
    for column in ("is_sample", "is_total", "flagged"):
        if column in out.columns:
            out[column] = ["" if _missing(v) else yes_no(v, lang) for v in out[column]]
    # English readers get the English rule and note text in the column they read.
    for column in ("rule", "note", "deadline_rule"):
        if lang == "en" and f"{column}_en" in out.columns and column in out.columns:
            out[column] = out[f"{column}_en"]
            out = out.drop(columns=[f"{column}_en"])
        elif lang != "en" and f"{column}_en" in out.columns:
            out = out.drop(columns=[f"{column}_en"])
    out.attrs = dict(frame.attrs)
    return out.rename(columns=column_labels(out.columns, lang))


def _missing(value) -> bool:
    """None, NaN or one of pandas' missing values (NA, NaT)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: a value, not a missing one
        return False


def _text(value) -> str:
    """A cell as text: '' when it is missing."""
    return "" if _missing(value) else str(value)
