"""Why a report has its status, as codes: the runner's console says them in both languages, the index in one.

The runner carries a report's reasons as a ``Message``, a sequence of codes (``Said``), lists of
what changed (``ChangedList``) and literal text (an error's own words, a file name), never as a
finished sentence; each place that shows it picks its language here. So the index page renders a
report's status without reading the runner's bilingual line, and neither imports the other.
Standard library only: a run that decides nothing changed stays light.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union


class Reason(str, enum.Enum):
    """A reason for a report's status, or a part of one."""

    AND = "and"  # between two reasons
    REDONE = "redone"
    CHANGED = "changed"
    UP_TO_DATE = "up_to_date"
    FAILED_LAST_TIME = "failed_last_time"
    OUTPUT_MISSING = "output_missing"
    FORCED = "forced"
    NO_LEDGER = "no_ledger"
    NO_FIGURES = "no_figures"
    CANNOT_READ_NOTEBOOK = "cannot_read_notebook"
    WORKER_DIED = "worker_died"
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


class Changed(str, enum.Enum):
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


# Each code in three forms: the console's (both languages at once), Chinese, English; {n} is a number.
WORDS: dict[Reason | Changed, tuple[str, str, str]] = {
    Reason.AND: ("; ", "；", "; "),
    Reason.REDONE: ("重做 redone: ", "重做：", "redone: "),
    Reason.CHANGED: ("已改变 changed", "已改变", "changed"),
    Reason.UP_TO_DATE: ("未改变 up to date", "未改变", "up to date"),
    Reason.FAILED_LAST_TIME: ("上次失败 it failed last time", "上次失败", "it failed last time"),
    Reason.OUTPUT_MISSING: ("输出文件缺失 an output file is missing", "输出文件缺失", "an output file is missing"),
    Reason.FORCED: ("--force", "--force", "--force"),
    Reason.NO_LEDGER: ("没有台账 no ledger given", "没有台账", "no ledger given"),
    Reason.NO_FIGURES: ("没有已公布数字文件 no published-figures file given", "没有已公布数字文件",
                        "no published-figures file given"),
    Reason.CANNOT_READ_NOTEBOOK: ("笔记本无法读取 cannot read notebook ", "笔记本无法读取：", "cannot read notebook "),
    Reason.WORKER_DIED: ("工作进程退出 worker process died: ", "工作进程退出：", "worker process died: "),
    Reason.CELL: ("第{n}格 cell {n}", "第{n}格", "cell {n}"),
    Reason.CELL_TIMEOUT: ("单元格运行超过 {n} 秒 cell ran longer than {n} s", "单元格运行超过 {n} 秒",
                          "cell ran longer than {n} s"),
    Reason.KERNEL_DIED: ("内核意外退出 the kernel died", "内核意外退出", "the kernel died"),
    Reason.KERNEL_SILENT: ("内核没有应答 the kernel never answered", "内核没有应答", "the kernel never answered"),
    Reason.KERNELS_TRIED: ("（试了 {n} 个内核 tried {n} kernels）", "（试了 {n} 个内核）", " (tried {n} kernels)"),
    Reason.KERNEL_REPLACED: ("内核未响应，已换新内核重试 a kernel did not answer and was replaced",
                             "内核未响应，已换新内核重试", "a kernel did not answer and was replaced"),
    Reason.PDF_FAILED: ("PDF 未生成 PDF not written: ", "PDF 未生成：", "PDF not written: "),
    Reason.INPUT_CHANGED: ("数据文件在上次运行期间被改动 a data file changed during the last run",
                           "数据文件在上次运行期间被改动", "a data file changed during the last run"),
    Reason.INPUT_CHANGED_NOW: ("数据文件在运行期间被改动，本次报告按运行开始时读入的内容生成，下次运行将重做 "
                               "a data file changed during the run; the reports were made from the bytes read "
                               "when it started and will be redone next time", "数据文件在运行期间被改动",
                               "a data file changed during the run"),
    Reason.NOT_IN_THIS_RUN: ("本次运行没有这份报告（数据或运行计划已变），已删除它的文件 not made by this run "
                             "(other data or plan): its files were removed", "本次运行没有这份报告，已删除",
                             "not made by this run: removed"),
    Reason.MANIFEST_NOT_WRITTEN: ("缓存记录无法写入，下次运行将重做这份报告 the cache record could not be written; "
                                  "the report will be redone next time", "缓存记录无法写入",
                                  "cache record not written"),
    Changed.NOTEBOOK: ("笔记本 notebook", "笔记本", "notebook"),
    Changed.PARAMETERS: ("参数 parameters", "参数", "parameters"),
    Changed.DATA: ("数据 data", "数据", "data"),
    Changed.CODE: ("代码 code", "代码", "code"),
    Changed.BUILD_TIME: ("生成时间 build time", "生成时间", "build time"),
    Changed.CACHE_FORMAT: ("缓存格式 cache format", "缓存格式", "cache format"),
    Changed.PSEUDONYM_KEY: ("假名密钥 pseudonym key", "假名密钥", "pseudonym key"),
    Changed.SETTINGS: ("设置 settings", "设置", "settings"),
    Changed.LIBRARIES: ("程序库 libraries", "程序库", "libraries"),
    Changed.PDF: ("PDF 打印 PDF printing", "PDF 打印", "PDF printing"),
}
_FORM = {None: 0, "zh": 1, "en": 2}  # None: the console's form, both languages at once
# How a list of changed parts is joined, and set before "changed", in each form.
_LIST_JOIN = {None: ("、", " "), "zh": ("、", ""), "en": (", ", " ")}


@dataclass(frozen=True)
class Said:
    """One reason, with the number its words hold (a cell, seconds, kernels)."""

    reason: Reason
    n: int | None = None


@dataclass(frozen=True)
class ChangedList:
    """'notebook, data changed': the parts of a report's cache key that differ from its last build."""

    parts: tuple[Changed, ...]


Segment = Union[Said, ChangedList, str]  # a str is literal text (an error's own words), shown as it is
Message = tuple[Segment, ...]


def words(code: Reason | Changed, lang: str | None = None, n: int | None = None) -> str:
    """The words of one code in ``lang`` ('zh', 'en', or None for the console's bilingual form)."""
    text = WORDS[code][_FORM[lang]]
    return text.replace("{n}", str(n)) if n is not None else text


def say(reason: Reason, n: int | None = None) -> str:
    """The console's words for ``reason``, both languages at once."""
    return words(reason, None, n)


def text(message: Message, lang: str | None = None) -> str:
    """A message in ``lang`` ('zh', 'en', or None for the console's bilingual form)."""
    out = []
    for segment in message:
        if isinstance(segment, Said):
            out.append(words(segment.reason, lang, segment.n))
        elif isinstance(segment, ChangedList):
            join, before = _LIST_JOIN[lang]
            listed = join.join(words(part, lang) for part in segment.parts)
            out.append(f"{listed}{before if listed else ''}{words(Reason.CHANGED, lang)}")
        else:
            out.append(str(segment))
    return "".join(out)


def join(*messages: Message) -> Message:
    """The non-empty messages one after another, each pair separated by ``Reason.AND``."""
    joined: list[Segment] = []
    for message in messages:
        if message:
            if joined:
                joined.append(Said(Reason.AND))
            joined.extend(message)
    return tuple(joined)


def of(*segments: Segment | Reason) -> Message:
    """A message from codes and literal text (a bare Reason is said without a number)."""
    return tuple(Said(s) if isinstance(s, Reason) else s for s in segments)
