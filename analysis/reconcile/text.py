"""The reconciliation as text for people (the command line), Chinese by default."""
from __future__ import annotations

import unicodedata

import pandas as pd

from ..labels import ALL_HANDLERS, class_list, measure_label, period_label, scheme_source_label, severity_label, status_label
from .frames import Reconciliation
from .model import SEVERITIES
from .words import category_display, handler_display, percent_text_shown


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for cells in [header] + rows:
        shown = [c if i == len(cells) - 1 else _pad(c, widths[i]) for i, c in enumerate(cells)]
        lines.append("  ".join(shown).rstrip())
        if cells is header:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _figure_cells(row: dict, lang: str) -> list[str]:
    en = lang == "en"
    count = "" if _blank(row["count"]) else str(row["count"])
    if not count and row["count_qualifier"]:
        count = str(row["count_printed"])  # a bound or approximation, shown as printed
    percent = percent_text_shown(str(row["percent_text"])) if row["percent_text"] else ""
    if row["status"] == "unknown":
        how = "arithmetic does not fix it" if en else "已知数字推不出"
    elif row["rule"]:
        how = str(row["rule_en"] if en else row["rule"])
    else:
        how = "" if _blank(row["source_row"]) else (f"row {row['source_row']}" if en else f"原文第{row['source_row']}行")
    if row["assumption"]:
        how += (" [assumption: " if en else "【假设：") + str(row["assumption"]) + ("]" if en else "】")
    return [
        period_label(str(row["session"]), lang), handler_display(str(row["handler"]), lang),
        measure_label(str(row["measure"]), lang), category_display(str(row["measure"]), str(row["category"]), lang),
        count or "?", status_label(str(row["count_status"]) if count or row["count_status"] != "unknown" else "unknown",
                                   lang),
        percent or ("?" if row["percent_status"] == "unknown" else "—"), status_label(str(row["percent_status"]), lang),
        how,
    ]


def congress_shown(congresses, lang: str = "zh") -> str:
    """The congresses a report names, '、'-joined; one it does not name is 未注明 / not named (never a guess)."""
    named = list(dict.fromkeys(str(c) if c else ("not named" if lang == "en" else "未注明") for c in congresses))
    return (", " if lang == "en" else "、").join(named) or ("not named" if lang == "en" else "未注明")


def _count_line(counts: dict, lang: str) -> str:
    if lang == "en":
        return f"Findings: {counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)"
    return f"发现：错误 {counts['error']} 条，警告 {counts['warning']} 条，说明 {counts['note']} 条"


def _findings_lines(findings: pd.DataFrame, several_files: bool, lang: str) -> list[str]:
    """How many findings of each severity, then each finding (naming its file when the report has several)."""
    en = lang == "en"
    lines = [_count_line({s: int((findings["severity"] == s).sum()) for s in SEVERITIES}, lang)]
    for f in findings.to_dict(orient="records"):
        where = " ".join(x for x in (
            str(f["source_file"]) if several_files and f["source_file"] else "",
            period_label(str(f["session"]), lang) if f["session"] else "",
            str(f["handler"]) if f["handler"] else "",
            measure_label(str(f["measure"]), lang) if f["measure"] else "",
            category_display(str(f["measure"]), str(f["category"]), lang) if f["category"] else "") if x)
        row = f["source_row"]
        at = "" if _blank(row) else (f" (row {row})" if en else f"（第{row}行）")
        message = f["message_en"] if en else f["message"]
        lines.append(f"[{severity_label(str(f['severity']), lang)}] {where}{at}: {message}")
    return lines


def render_text(result: Reconciliation, lang: str = "zh") -> str:
    """The completed table and the findings, for people (Chinese by default, ``lang="en"`` English).

    Several reports (each file a report of its own) get a section each — the file, the congress it names (未注明 when
    it names none), its table and its findings — so that two reports of one period are never one table."""
    en = lang == "en"
    lines = ["Published figures: printed, derived, unknown" if en else "已印出数字核对：原文、推算、未知"]
    if result.files:
        lines.append(("Files: " if en else "文件：") + ", ".join(result.files))
    header = (["session", "body", "measure", "category", "count", "from", "percent", "from", "how"] if en
              else ["届次", "承办主体", "指标", "分类", "件数", "来源", "百分比", "来源", "依据"])
    figures, findings = result.figures, result.findings
    reports = list(dict.fromkeys([*figures["report"], *findings["report"]]))
    several = len(reports) > 1
    for report in reports:
        mine = figures[figures["report"] == report]
        theirs = findings[findings["report"] == report]
        congress = ("Congress: " if en else "报告机关：") + congress_shown(mine["congress"], lang) if len(mine) else ""
        lines.append("")
        if several:  # a file that could not be read, or was skipped, names no congress
            named = (f"{report} — {congress}" if en else f"{report}（{congress}）") if congress else report
            lines.append(f"== {named or congress} ==")
        elif congress:
            lines.append(congress)
        if len(mine):
            lines += _table(header, [_figure_cells(row, lang) for row in mine.to_dict(orient="records")])
            lines.append("")
        lines += _findings_lines(theirs, len(report.split(" + ")) > 1, lang)
    if several:
        lines += ["", (f"{len(reports)} files in all — " if en else f"{len(reports)} 个文件合计——")
                  + _count_line(result.counts(), lang)]
    if not reports:
        lines += ["", *_findings_lines(findings, False, lang)]
    return "\n".join(lines)


def scheme_summary(result: Reconciliation, lang: str = "zh") -> str:
    """One sentence: the outcome classes read for each report and body, and how they were found."""
    en = lang == "en"
    parts = []
    for item in result.schemes:
        how = scheme_source_label(item["source"], lang)
        who = handler_display(item["handler"], lang)
        what = item["title_en"] if en else item["title"]
        if item["source"] == "wordings":
            what = class_list(item["codes"], lang)
        file = f"{item['file']} " if len(result.files) > 1 else ""
        parts.append(f"{file}{who}: {what} ({how})" if en else f"{file}{who}：{what}（{how}）")
    if not parts:
        return "No outcome classes are printed." if en else "未印出办理结果分类。"
    return ("Outcome classes — " + "; ".join(parts) + ".") if en else ("办理结果分类：" + "；".join(parts) + "。")
