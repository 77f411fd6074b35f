"""Display words and frames of the report notebooks that no computing module provides (zh / en).

Report titles and section headings, and the reader's view of frames whose columns
``labels.relabel`` does not cover (the reconciliation's figures and findings, the handling
units' performance table, the rates over sessions). Pure functions: frames in, display
frames or text out. Numbers stay those the computing modules produced; percents are
written with ``labels.format_pct`` (Decimal, rounded half up) so a table and a paragraph
never disagree in the last digit.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from . import labels, metrics, peers, reconcile, sampling, stats
from . import sessions as _sessions
from .config import load_config
from .normalize import parse_printed

TITLES: dict[str, tuple[str, str]] = {
    "session_report": ("年度代表建议办理情况分析", "Handling of deputies' suggestions: session report"),
    "trends": ("代表建议办理历年趋势", "Handling of deputies' suggestions: multi-year trends"),
    "handling_units": ("承办单位办理情况", "Handling units: performance"),
    "supervision_sample": ("联合督办随机抽查", "Joint supervision: random sample"),
    "figures_check": ("已公布数字核对", "Check of published figures"),
    # {we}: our congress by its level (本区; a city's ledger 本市, a town's 本地): ``title(..., level=...)`` fills it in
    "peers": ("与其他人大比较：{we}处于什么位置", "Among other congresses: where we stand"),
}

HEADINGS: dict[str, tuple[str, str]] = {
    "headline": ("主要数字", "Headline figures"),
    "overview": ("基本情况", "Overview"),
    "received": ("收到与办理", "Suggestions received and handled"),
    "outcomes": ("办理结果", "Outcomes"),
    "rates": ("办结、满意与按期答复", "Completion, satisfaction and replies on time"),
    "topics": ("建议类别", "Topics"),
    "units": ("承办单位", "Handling units"),
    "weights": ("绩效评估计分办法", "How units are scored"),
    "three_years": ("多年合计", "Over several sessions"),
    "summary": ("各{periods}概况", "{Periods} at a glance"),  # {periods}: sessions.periods_noun (heading's periods=)
    "port_zone": ("国际港务区承办占比", "The port zone's share"),
    "sample": ("抽样结果", "The draw"),
    "sample_list": ("抽查名单", "The list for the supervision team"),
    "sample_record": ("抽样记录", "Audit record of the draw"),
    "figures": ("逐项核对", "Figure by figure"),
    "findings": ("发现的问题与说明", "Findings"),
    "tests": ("各项变化的统计检验", "Tests of change"),
    "notes": ("数据说明", "Notes on the data"),
    "peer_rates": ("各项比率与各地比较", "Each rate beside the other reports"),
    "peer_reports": ("各地报告及出处", "The reports compared and their sources"),
    "harmonisation": ("办理结果分类的统一归类", "Outcome classes harmonised"),
    "peer_tests": ("与{we}差异的统计检验", "Tests against our figures"),  # {we} as in TITLES
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if labels.check_lang(lang) == "en" else pair[0]


def _blank(value) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def _table(rows: list[dict], columns: list[str], counts: tuple[str, ...] = ()) -> pd.DataFrame:
    """A display frame with its headers even when empty; count columns Int64 (159, never 159.0)."""
    frame = pd.DataFrame(rows, columns=columns)
    for column in counts:
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    return frame


def _ours(pair: tuple[str, str], level: str | None, lang: str) -> str:
    """The wording of ``pair`` in ``lang`` with ``{we}`` as our congress of ``level`` names itself (本区, 本市, 本县;
    本地 when it is not known).

    A wording that names us (in either language) has no default level: a default of 区 is what left a city's ledger
    with 本区, and an English page would not show a caller that forgot it.
    """
    text = _pick(pair, lang)
    if not any("{we}" in t for t in pair):
        return text
    if level is None:
        raise TypeError(f"{pair[0]!r} names our congress: pass level= (the level of the congress compared, '' if unknown)")
    return text.replace("{we}", labels.our_congress_label(level, False, lang))


def title(report: str, lang: str = "zh", *, level: str | None = None) -> str:
    """The title of a report notebook (by its file stem) in ``lang``; the peers page's names our congress by
    ``level`` (``notebook_inputs.our_level``): '与其他人大比较：本区处于什么位置', a city's ledger '…本市…'."""
    return _ours(TITLES[report], level, lang)


def heading(key: str, lang: str = "zh", *, level: str | None = None, periods: list[str] | None = None) -> str:
    """A section heading in ``lang``; ``heading("overview")`` is also the Word draft's 基本情况 section.
    One naming our congress (``peer_tests``: 与本区差异的统计检验) takes its ``level`` as ``title`` does; one naming
    the periods (``summary``: 各次会议概况, 各年度概况) says what they are (``periods``: their labels; sessions if none)."""
    text = _ours(HEADINGS[key], level, lang)
    if "{periods}" not in text.lower():
        return text
    noun = _sessions.periods_noun(list(periods or ()), lang)
    return text.replace("{periods}", noun).replace("{Periods}", noun.capitalize())


def sessions_span(sessions: list[str], lang: str = "zh", years=None) -> str:
    """The sessions a report covers, for its title: one label, or the first and the last ('…至…' / '… to …') when
    none between is left out (``sessions.in_a_row``), else each named (2022年度和2025年度), in
    order of ``metrics.order_sessions`` (``years``: each period's year, e.g. ``notebook_inputs.period_years``)."""
    ordered = metrics.order_sessions(set(sessions), years)
    if not ordered:
        return ""
    first, last = (labels.session_label(s, lang) for s in (ordered[0], ordered[-1]))
    if len(ordered) == 1:
        return first
    if not _sessions.in_a_row(ordered):  # 2022年度至2025年度 would claim the years between
        return _sessions.periods_words(ordered, lang)
    return f"{first} to {last}" if lang == "en" else f"{first}至{last}"


# ---------------------------------------------------------------------------------------
# Published figures: the reconciliation
# ---------------------------------------------------------------------------------------


def _source_row(value) -> int | None:
    return None if _blank(value) else int(value)


def _percent_cell(text) -> str:
    """A printed or derived percent ('81.13', '12.21%', '90以上') as its cell ('81.13%', '12.21%', '90%以上'): one
    % sign, the digits as printed."""
    if _blank(text) or text == "":
        return ""
    try:
        return labels.format_printed_pct(str(text))
    except ValueError:
        return str(text) if "%" in str(text) or "％" in str(text) else f"{text}%"


def _printed_text(row, lang: str = "zh") -> str:
    """The count and percent(s) as printed, joined by the page's own separator ('191；8.79%' / '191; 8.79%')."""
    parts = [str(row.count_printed or "")]
    if row.percent_printed:
        parts += [_percent_cell(p) for p in str(row.percent_printed).split("；")]
    return ("; " if lang == "en" else "；").join(p for p in parts if p)


def several_reports(result: reconcile.Reconciliation) -> bool:
    """True when the reconciliation holds more than one report (each file a report of its own)."""
    return len({*result.figures["report"], *result.findings["report"]} - {""}) > 1


def _with_report(frame: pd.DataFrame, reports: list[str], result: reconcile.Reconciliation,
                 lang: str) -> pd.DataFrame:
    """The table with the report (file) of each row first, when the reconciliation holds several: two reports of one
    period are never one row."""
    if several_reports(result):
        frame.insert(0, labels.column_label("report", lang), reports)
    return frame


def reconciliation_table(result: reconcile.Reconciliation, lang: str = "zh") -> pd.DataFrame:
    """Every published figure: as printed, the count and percent with status (printed / derived / unknown), how; the
    report (file) of each first when there are several."""
    en = labels.check_lang(lang) == "en"
    records = []
    for row in result.figures.itertuples():
        records.append({
            labels.column_label("session", lang): labels.session_label(row.session, lang),
            labels.column_label("handler", lang): labels.handler_label(row.handler, lang),
            labels.column_label("measure", lang): labels.measure_label(row.measure, lang),
            labels.column_label("category", lang): row.category,
            ("原文" if not en else "as printed"): _printed_text(row, lang),
            labels.column_label("count", lang): None if _blank(row.count) else int(row.count),
            ("件数状态" if not en else "count status"): labels.status_label(row.count_status, lang),
            ("百分比" if not en else "percent"): _percent_cell(row.percent_text),
            ("百分比状态" if not en else "percent status"): (labels.status_label(row.percent_status, lang)
                                                            if row.percent_status else "—"),
            ("核对结果" if not en else "check"): reconcile.check_label(row.check, lang),
            labels.column_label("rule", lang): row.rule_en if en else row.rule,
            labels.column_label("assumption", lang): row.assumption,
            ("原文行" if not en else "row"): _source_row(row.source_row),
        })
    columns = [labels.column_label(c, lang) for c in ("session", "handler", "measure", "category")] + [
        "原文" if not en else "as printed", labels.column_label("count", lang), "件数状态" if not en else "count status",
        "百分比" if not en else "percent", "百分比状态" if not en else "percent status", "核对结果" if not en else "check",
        labels.column_label("rule", lang), labels.column_label("assumption", lang), "原文行" if not en else "row"]
    table = _table(records, columns, (labels.column_label("count", lang), "原文行" if not en else "row"))
    return _with_report(labels.periods_named(table, result.figures["session"], lang), list(result.figures["report"]),
                        result, lang)


def findings_table(result: reconcile.Reconciliation, lang: str = "zh") -> pd.DataFrame:
    """The reconciliation's findings, errors first, in the reader's words; the report (file) of each first when
    there are several."""
    en = labels.check_lang(lang) == "en"
    records = []
    for row in result.findings.itertuples():
        records.append({
            ("类别" if not en else "severity"): labels.severity_label(row.severity, lang),
            labels.column_label("session", lang): labels.session_label(row.session, lang),
            labels.column_label("handler", lang): labels.handler_label(row.handler, lang),
            labels.column_label("measure", lang): labels.measure_label(row.measure, lang),
            labels.column_label("category", lang): row.category,
            labels.column_label("note", lang): row.message_en if en else row.message,
            ("原文行" if not en else "row"): _source_row(row.source_row),
        })
    columns = ["类别" if not en else "severity"] + [
        labels.column_label(c, lang) for c in ("session", "handler", "measure", "category", "note")] + [
        "原文行" if not en else "row"]
    table = _table(records, columns, ("原文行" if not en else "row",))
    return _with_report(labels.periods_named(table, result.figures["session"], lang), list(result.findings["report"]),
                        result, lang)


def reconciliation_summary(result: reconcile.Reconciliation, lang: str = "zh") -> str:
    """One sentence: how many figures are printed, derived, unknown, and how many findings of each kind.

    Several reports (each file a report): the sentence says how many reports the figures are of, and for each kind of
    finding in how many reports it is (the reports with errors by name), so that one report's error is not read as the
    page's or every report's."""
    status = result.figures["status"].value_counts()
    n = {s: int(status.get(s, 0)) for s in ("printed", "derived", "unknown")}
    found = result.counts()
    en = labels.check_lang(lang) == "en"
    reports = _reports_of(result)
    where = {s: _where_found(result, s, lang) for s in found} if len(reports) > 1 else {s: "" for s in found}
    if en:
        def many(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        head = (f"{labels.how_many(len(reports), lang).capitalize()} reports, {len(result.figures)} figures in all: "
                if len(reports) > 1 else f"{len(result.figures)} figures: ")
        return (f"{head}{n['printed']} printed, {n['derived']} derived by arithmetic, "
                f"{n['unknown']} unknown. Findings: {many(found['error'], 'error')}{where['error']}, "
                f"{many(found['warning'], 'warning')}{where['warning']}, {many(found['note'], 'note')}{where['note']}.")
    head = f"{len(reports)} 份报告，共 {len(result.figures)} 项数字" if len(reports) > 1 else f"共 {len(result.figures)} 项数字"
    return (f"{head}：原文印出 {n['printed']} 项，推算 {n['derived']} 项，未知 {n['unknown']} 项。"
            f"发现错误 {found['error']} 条{where['error']}、警告 {found['warning']} 条{where['warning']}、"
            f"说明 {found['note']} 条{where['note']}。")


_REPORTS_NAMED = 5  # reports with errors named in the summary sentence; more are counted


def _reports_of(result: reconcile.Reconciliation) -> list[str]:
    """The reports (files) a reconciliation is of, in order: those with figures, then those with findings only."""
    names = [*(result.figures["report"] if "report" in result.figures.columns else []),
             *(result.findings["report"] if "report" in result.findings.columns else [])]
    return [str(r) for r in dict.fromkeys(names) if not _blank(r) and str(r)]


def _where_found(result: reconcile.Reconciliation, severity: str, lang: str) -> str:
    """'（见于 2 份报告）' / ' (in two reports)' after a kind of finding; errors name their reports
    ('（见于 T09e.csv）'); '' when there is none of that kind."""
    en = labels.check_lang(lang) == "en"
    findings = result.findings
    if not len(findings) or "report" not in findings.columns:
        return ""
    names = [str(r) for r in dict.fromkeys(findings.loc[findings["severity"] == severity, "report"])
             if not _blank(r) and str(r)]
    if not names:
        return ""
    if severity == "error":
        shown = ("、" if not en else ", ").join(names[:_REPORTS_NAMED])
        if len(names) > _REPORTS_NAMED:
            shown += (f" and {labels.how_many(len(names) - _REPORTS_NAMED, lang)} more reports" if en
                      else f"等 {len(names)} 份报告")
        return f" (in {shown})" if en else f"（见于 {shown}）"
    if en:
        return f" (in {labels.how_many(len(names), lang)} report{'' if len(names) == 1 else 's'})"
    return f"（见于 {len(names)} 份报告）"


# ---------------------------------------------------------------------------------------
# Handling units
# ---------------------------------------------------------------------------------------


def _pct(value, lang: str, decimals: int = 1) -> str:
    """A unit's share as printed; 暂缺 when it is not known (a rate known only as a range, a share of no case)."""
    return labels.unknown_mark(lang) if _blank(value) else labels.format_pct(float(value), decimals, lang)


def score_text(score, threshold=None) -> str:
    """A unit's score as printed: three decimals rounded half up, more when three would print a score
    below ``threshold`` as the threshold itself (0.5996 is shown 0.5996, never 0.600 beside 低于0.6)."""
    if _blank(score):
        return "—"
    exact = Decimal(score.numerator) / Decimal(score.denominator) if hasattr(score, "numerator") else Decimal(repr(float(score)))
    limit = None if threshold in (None, "") else Decimal(repr(float(threshold)))
    decimals = 3
    while True:
        shown = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if limit is None or decimals >= 8 or (shown < limit) == (exact < limit):
            return labels.format_decimal(float(shown), decimals)
        decimals += 1


def _unit_score(row, units: pd.DataFrame) -> str:
    """The score of one row of ``metrics.unit_table`` as printed everywhere (table, notes, sentences)."""
    exact = getattr(row, "score_exact", None)
    threshold = (units.attrs.get("performance") or {}).get("flag_below")
    return score_text(row.score if exact is None or _blank(row.score) else exact, threshold)


def unit_display(units: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The handling-unit table (``metrics.unit_table``) as a reader sees it: rank, unit, shares, score, flag, note."""
    en = labels.check_lang(lang) == "en"
    records = []
    for row in units.itertuples():
        records.append({
            labels.column_label("rank", lang): None if _blank(row.rank) else int(row.rank),
            labels.column_label("handler", lang): labels.handler_label(row.handler, lang),
            labels.column_label("lead_unit", lang): row.lead_unit or labels.not_available(lang),
            labels.column_label("cases", lang): int(row.cases),
            **{labels.score_part_label(part, lang): _pct(getattr(row, metrics.SCORE_COMPONENTS[part]), lang)
               for part in labels.ScorePart},
            labels.column_label("score", lang): _unit_score(row, units),
            # an unrated unit (too few cases, no lead unit) shows no standard error: 0.000 over two cases is no certainty
            labels.column_label("score_se", lang): "—" if _blank(row.score_se) or _blank(row.rank)
            else labels.format_decimal(float(row.score_se), 3),
            # an unrated unit was not judged against the threshold: "否" would say it was, and passed
            labels.column_label("flagged", lang): "—" if _blank(row.rank) else labels.yes_no(row.flagged, lang),
            labels.column_label("note", lang): row.note_en if en else row.note,
        })
    columns = [labels.column_label(c, lang) for c in ("rank", "handler", "lead_unit", "cases")] + [
        labels.score_part_label(part, lang) for part in labels.ScorePart] + [
        labels.column_label(c, lang) for c in ("score", "score_se", "flagged", "note")]
    return _table(records, columns, (labels.column_label("rank", lang), labels.column_label("cases", lang)))


def _weight_cell(weight: float, total: Decimal, lang: str) -> str:
    """'3（75%）': a weight and its share of all weights (two numbers in the workbook); '0.4' alone when the
    weights sum to 1, where the share (40%) would say the same number twice."""
    value = labels.format_decimal(weight)
    if total == 1:
        return value
    share = labels.format_pct(Decimal(repr(weight)) / total * 100, 0, lang)
    text = f"{value}（{share}）" if lang != "en" else f"{value} ({share})"
    return labels.combined(text, (value, ""), (share, "share" if lang == "en" else "占比"))


def weights_table(units: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The scoring rules the unit table was computed under (config ``performance``): weights, threshold."""
    perf = units.attrs.get("performance") or {}
    weights = perf.get("weights") or {}
    total = sum(Decimal(repr(w)) for w in weights.values()) or Decimal(1)  # exact: 0.4 + 0.3 + 0.3 is 1
    en = labels.check_lang(lang) == "en"
    item, value = ("item", "value") if en else ("项目", "取值")
    rows = [(labels.score_part_label(k, lang) + (" weight" if en else "权重"), _weight_cell(w, total, lang))
            for k, w in weights.items()]
    open_cases = units.attrs.get("on_time_undetermined")
    if open_cases:  # the on-time weight is 0 in this table: say why
        rows.append(("on-time part" if en else "按期答复率计分", (
            f"left out of every unit's score: the ledger does not say which suggestions are complex, so whether "
            f"{open_cases} {'was' if open_cases == 1 else 'were'} on time is not known" if en else
            f"各单位得分均不含此项：台账未注明是否复杂建议，{open_cases}件是否按期无法判定")))
    if "flag_below" in perf:
        rows.append(("flagged below" if en else "低于此得分标注", labels.format_decimal(perf["flag_below"])))
    if "min_cases" in perf:
        rows.append(("rated from (cases)" if en else "参与评定的最少件数", labels.format_count(perf["min_cases"])))
    return pd.DataFrame(rows, columns=[item, value])


def flagged_note(units: pd.DataFrame, lang: str = "zh") -> str:
    """Which units score below the threshold, with their scores (or that none does)."""
    perf = units.attrs.get("performance") or {}
    threshold = f"{perf.get('flag_below', '')}"
    hit = units[units["flagged"].fillna(False).astype(bool)]
    en = labels.check_lang(lang) == "en"
    names = [labels.unit_with_body(r.lead_unit, r.handler, lang) + ("" if not en else " ") + _unit_score(r, units)
             for r in hit.itertuples()]
    if not names:
        return (f"No unit scores below the threshold of {threshold}." if en
                else f"没有承办单位得分低于阈值 {threshold}。")
    if en:
        return f"{_units_count(len(names))} below the threshold of {threshold}: " + "; ".join(names) + "."
    return f"得分低于阈值 {threshold} 的承办单位共 {len(names)} 个：" + "；".join(names) + "。"


def _units_count(count: int) -> str:
    """'1 unit scores' / '3 units score': an English sentence's subject and verb agree."""
    return "1 unit scores" if count == 1 else f"{count} units score"


def _joined(names: list[str], lang: str) -> str:
    """'甲、乙、丙' / 'A, B, and C'."""
    return "、".join(names) if lang != "en" else _sessions.words_joined(names, lang)


def _unit_name(row, units: pd.DataFrame, lang: str) -> str:
    """A unit's name in a sentence; with its body when a unit of that name is listed under another body too (a ledger
    may file one 庭 under two bodies), so one name never stands for two scores."""
    if str(row.lead_unit) not in labels.units_under_two_bodies(units["lead_unit"], units["handler"]):
        return str(row.lead_unit)
    return labels.unit_with_body(row.lead_unit, row.handler, lang)


def _units_listed(rows: pd.DataFrame, units: pd.DataFrame, lang: str) -> str:
    return _joined([f"{_unit_name(r, units, lang)}（{_unit_score(r, units)}）" if lang != "en"
                    else f"{_unit_name(r, units, lang)} ({_unit_score(r, units)})" for r in rows.itertuples()], lang)


def units_sentence(units: pd.DataFrame, lang: str = "zh", count: int = 3) -> str:
    """The rated handling units at the top and the bottom of the performance ranking, then the flagged ones."""
    en = labels.check_lang(lang) == "en"
    rated = units[units["rank"].notna() & units["score"].notna()]
    if rated.empty:
        return ("No handling unit has enough cases to be rated." if en else "没有承办单位达到参与评定的件数。")
    top = rated.head(count)
    bottom = rated.iloc[len(top):].tail(count)
    if en:
        text = (f"Scored under the performance rules (out of 1), of the {len(rated)} units rated the highest are "
                f"{_units_listed(top, units, lang)}")
        text += f"; the lowest are {_units_listed(bottom, units, lang)}." if len(bottom) else "."
    else:
        text = f"按绩效评估办法计分（满分为1），参与评定的{len(rated)}个承办单位中，得分居前的是{_units_listed(top, units, lang)}"
        text += f"，居后的是{_units_listed(bottom, units, lang)}。" if len(bottom) else "。"
    threshold = f"{(units.attrs.get('performance') or {}).get('flag_below', '')}"
    flagged = [_unit_name(r, units, lang) for r in units[units["flagged"].fillna(False).astype(bool)].itertuples()]
    if en:
        return text + (f" {_units_count(len(flagged))} below {threshold}: {_joined(flagged, lang)}." if flagged
                       else f" No unit scores below {threshold}.")
    return text + (f"得分低于{threshold}的有{len(flagged)}个：{_joined(flagged, lang)}。" if flagged
                   else f"没有承办单位得分低于{threshold}。")


def supervision_sentence(cases: pd.DataFrame, session: str, *, drawn_from: str = "", fraction: float | None = None,
                         size: int | None = None, report: bool = True, config=None, lang: str = "zh") -> str:
    """The joint supervision draw of a session in one sentence: the share (or number) drawn and what it gives.

    ``drawn_from``, ``fraction`` and ``size`` are the supervision report's own (the runner passes its plan entry's):
    empty, the latest session of the ledger and the settings' share, as that report takes them. It points to the
    supervision report only on the page of the session that report draws from. A ``size`` is a number of that one
    draw, not a share of every session: the other sessions' pages then say nothing of it (''). ``report`` False
    (a run whose plan makes no supervision report): the settings' share without pointing to a report.
    """
    en = labels.check_lang(lang) == "en"
    settings = config if isinstance(config, dict) else load_config(config)
    population = int((cases["session"] == session).sum()) if "session" in cases.columns else 0
    # Only the session the supervision report draws from has its list there; the draw's own rule says which.
    listed = report and population > 0 and sampling.drawn_session(cases, drawn_from or None) == session
    named = title("supervision_sample", lang)
    if size:
        if not listed:
            return ""
        drawn = sampling.sample_size(population, size=size)
        return (f"Joint supervision draws {drawn} of this session's {population} suggestions at random; the list and "
                f"the record of the draw are in the report \u201c{named}\u201d." if en else
                f"联合督办从本次会议{population}件建议中随机抽取{drawn}件，抽查名单和抽样记录见《{named}》报告。")
    fraction = fraction or sampling.configured_fraction(settings)
    drawn = sampling.sample_size(population, fraction=fraction) if population else 0
    share = f"{(Decimal(repr(fraction)) * 100).normalize():f}%"
    if en:
        return (f"Joint supervision draws {share} of a session's suggestions at random: of this session's "
                f"{population}, {drawn} are to be drawn" + (
                    f"; the list and the record of the draw are in the report \u201c{named}\u201d." if listed
                    else "."))
    return (f"联合督办按{share}的比例随机抽取代表建议，本次会议{population}件建议应抽取{drawn}件"
            + (f"，抽查名单和抽样记录见《{named}》报告。" if listed else "。"))


# ---------------------------------------------------------------------------------------
# Rates over sessions
# ---------------------------------------------------------------------------------------


def _interval_cell(low, high, lang: str) -> str:
    """'86.5% – 95.2%': both ends as numbers in the workbook."""
    low, high = _pct(low, lang), _pct(high, lang)
    return labels.combined(f"{low} – {high}", (low, "下限" if lang != "en" else "low"),
                           (high, "上限" if lang != "en" else "high"))


def rates_table(figures: pd.DataFrame, measures: tuple[str, ...], *, handler: str = "",
                lang: str = "zh") -> pd.DataFrame:
    """Rates per session (one row per session × measure) with their bases and Wilson 95% intervals."""
    return rates_table_each(figures, [(handler, tuple(measures))], lang=lang)


def rates_table_each(figures: pd.DataFrame, shown: list[tuple[str, tuple[str, ...]]], *,
                     lang: str = "zh") -> pd.DataFrame:
    """``rates_table`` of several bodies (``metrics.rates_shown_each``: each body's printed rates), body after body in
    one table, its 承办主体 column telling them apart."""
    en = labels.check_lang(lang) == "en"
    records = [r for handler, measures in shown for r in _rate_records(figures, measures, handler, lang)]
    columns = [labels.column_label("session", lang), labels.column_label("handler", lang), "指标" if not en else "rate",
               labels.column_label("count", lang), labels.column_label("base", lang), "比率" if not en else "rate (%)",
               "95%区间" if not en else "95% interval", labels.column_label("status", lang)]
    # counts as whole numbers or 暂缺 (``_count_cell``), never 159.0; the period column headed by the page's periods
    return labels.periods_named(_table(records, columns), figures["session"], lang)


def _rate_records(figures: pd.DataFrame, measures: tuple[str, ...], handler: str, lang: str) -> list[dict]:
    """One body's rows of ``rates_table_each``."""
    from .charts import rate_name  # a rate named as its chart names it

    en = labels.check_lang(lang) == "en"
    rows = figures[figures["measure"].isin(list(measures)) & (figures["handler"] == handler)]
    order = {m: i for i, m in enumerate(measures)}
    rows = rows.assign(_m=[order[m] for m in rows["measure"]]).sort_values("_m", kind="stable")
    sessions = metrics.order_sessions(set(rows["session"]), metrics.frame_years(rows))
    rows = rows.assign(_s=[sessions.index(s) for s in rows["session"]]).sort_values(["_s", "_m"], kind="stable")
    records = []
    for row in rows.itertuples():
        interval = "—" if _blank(row.ci_low_pct) else _interval_cell(row.ci_low_pct, row.ci_high_pct, lang)
        # an on-time rate known only as a range: its two ends and why, never "unknown" nor one percent
        ranged = metrics.on_time_bounds(figures, row.session, row.handler) if row.measure == "replied_on_time" else None
        records.append({
            labels.column_label("session", lang): labels.session_label(row.session, lang),
            labels.column_label("handler", lang): labels.handler_label(row.handler, lang),
            ("指标" if not en else "rate"): rate_name(figures, row.handler, row.measure, row.category, lang),
            # a count or base not known (a rate printed alone, a rate known only as a range) is 暂缺, as in every table
            labels.column_label("count", lang): _count_cell(row.count, lang),
            labels.column_label("base", lang): _count_cell(row.base, lang),
            ("比率" if not en else "rate (%)"): (_rate_cell(row, lang) if ranged is None
                                                else labels.on_time_range(ranged.low_pct, ranged.high_pct, lang)),
            ("95%区间" if not en else "95% interval"): interval,
            labels.column_label("status", lang): (_rate_status(row, lang) if ranged is None
                                                  else labels.on_time_range_note(ranged.undetermined, lang)),
        })
    return records


def _count_cell(value, lang: str) -> int | str:
    """A count as a whole number, or the mark of a figure not known (暂缺: ``labels.UNKNOWN``), never a blank."""
    return labels.unknown_mark(lang) if _blank(value) else int(value)


def _rate_cell(row, lang: str) -> str:
    """A rate as the report printed it (U12's 100%, as the overview shows it), else computed to one decimal."""
    printed = labels.printed_percent(row)
    if printed is not None and printed.number is not None:
        return labels.format_printed_pct(printed, lang)
    return _pct(row.share_pct, lang)


def _rate_status(row, lang: str) -> str:
    """Where a rate comes from: the percent's own status, and the count's when it differs (T17 2020: 99.7% printed,
    its count 1263 derived from it; R08: 8993 of 8993 printed, the 100.0% reached by arithmetic)."""
    own = "" if _blank(row.status) else str(row.status)
    rate = getattr(row, "percent_status", None)
    rate = own if _blank(rate) or not str(rate) else str(rate)
    if _blank(row.count) or rate == own:
        return labels.status_label(rate, lang)
    count = labels.status_label(row.status, lang)
    return (f"{labels.status_label(rate, lang)}（件数{count}）" if lang != "en"
            else f"{labels.status_label(rate, lang)} (count {count})")


def intervals_shown(table: pd.DataFrame, lang: str = "zh") -> bool:
    """Whether a ``rates_table`` shows a 95% interval (a rate printed without its counts has none): the Wilson note
    goes under a table only then."""
    column = "95%区间" if lang != "en" else "95% interval"
    return column in table.columns and bool((table[column].astype(str) != "—").any())


def rates_heading(figures: pd.DataFrame, shown: list[tuple[str, tuple[str, ...]]], *, lang: str = "zh") -> str:
    """The rates section's heading, naming the rates it shows (``metrics.rates_shown_each``): the three of a ledger
    (办结、满意与按期答复), else those printed, each as its chart names it (U12: 代表满意率, never three rates when one is
    printed)."""
    from .charts import rate_names, rates_words

    if [tuple(m) for _, m in shown] == [metrics.RATE_TREND_MEASURES]:
        return heading("rates", lang)
    return rates_words(list(dict.fromkeys(n for body, measures in shown
                                          for n in rate_names(figures, body, measures, lang))), lang)


def rates_note(table: pd.DataFrame, lang: str = "zh") -> str | None:
    """The line under a ``rates_table``: the Wilson note when it shows an interval (``intervals_shown``), else none."""
    from .charts import wilson_note  # plotly only for a page that shows such a table

    return wilson_note(lang) if intervals_shown(table, lang) else None


# ---------------------------------------------------------------------------------------
# The supervision sample
# ---------------------------------------------------------------------------------------


def sample_record_table(draw: sampling.SampleDraw, lang: str = "zh") -> pd.DataFrame:
    """The audit record of a draw as a two-column table: the same rows as the record sheet of its Excel list."""
    # One rendering of the record for the page and the Excel list: sampling's own (not public there yet).
    return sampling.record_table(draw.record, lang)


# ---------------------------------------------------------------------------------------
# Other congresses (analysis.peers)
# ---------------------------------------------------------------------------------------


def peer_name(row, district: str) -> str:
    """A compared row's report as a table names it: 'T18 杭州市', or ours."""
    return district if row.is_district else f"{row.peer} {row.congress}"


def _period_cell(period: str, year, lang: str) -> str:
    return _with_year(labels.period_label(period, lang) if period else "", year, lang)


def _peer_pct_cell(row, lang: str) -> str:
    """The percent as printed (at its decimals, with its bound word) or as computed (one decimal)."""
    if row.percent_printed:
        number = parse_printed(row.percent_printed)
        if number is not None and number.exact:
            return labels.format_pct(Decimal(repr(number.value)), number.decimals, lang)
        return row.percent_shown
    return _pct(row.percent, lang)


def peer_rates_table(comparison, measure: str, *, district: str, lang: str = "zh") -> pd.DataFrame:
    """One rate, ours first and then each report from the highest: its figure, interval and how it stands against ours.

    The rate is named once, as its column's header (and the table's caption), not again in every row.
    """
    en = labels.check_lang(lang) == "en"
    rate = labels.peer_rate_label(measure, lang)
    heads = [labels.column_label(c, lang) for c in ("peer", "level", "period", "handler")] + [
        rate, labels.column_label("count", lang), labels.column_label("base", lang),
        "95%区间" if not en else "95% interval", labels.column_label("status", lang),
        labels.against_column_label(comparison.level, lang)]
    records = []
    for row in comparison.of(measure).itertuples():
        interval = "—" if _blank(row.ci_low) else _interval_cell(row.ci_low, row.ci_high, lang)
        base = None if _blank(row.base) else int(row.base)
        records.append(dict(zip(heads, [
            peer_name(row, district), labels.level_label(row.level, lang), _period_cell(row.period, row.year, lang),
            labels.peer_body_label(row.body, lang), _peer_pct_cell(row, lang),
            None if _blank(row.count) else int(row.count), base, interval,
            labels.peer_status_label(row.status, row.against_district, lang),
            labels.against_district_label(row.against_district, lang, comparison.level)])))
    return _table(records, heads, (labels.column_label("count", lang), labels.column_label("base", lang)))


def peer_bounds_note(comparison, measure: str, lang: str = "zh") -> str:
    """What a reader must know of the rates printed only as a bound (超过90) or with 约: never ranked; '' when none."""
    we = labels.our_congress_label(comparison.level, False, lang)  # 本区; a city's ledger 本市
    notes = (_bounds_note(peers.bounds(comparison.of(measure)), lang, we),
             _approximations_note(peers.approximations(comparison.of(measure)), lang, we))
    return (" " if lang == "en" else "").join(note for note in notes if note)


def _approximations_note(rows: pd.DataFrame, lang: str, we: str) -> str:
    if rows.empty:
        return ""
    if labels.check_lang(lang) == "en":
        named = "; ".join(f"{r.peer} {r.congress} printed “{r.percent_printed}” "
                         f"(about {labels.format_decimal(float(r.percent))}%)" for r in rows.itertuples())
        return (f"{named}: an approximation with no count or base, so how close it is to the true rate is not "
                "known. Such a figure is listed last, is not ranked and is not tested against ours.")
    named = "、".join(f"{r.peer} {r.congress}印出的“{r.percent_shown}”" for r in rows.itertuples())
    return (f"{named}是约数，又没有件数和基数，离实际比率有多近不知道：这样的数字也列在表末，"
            f"不参加排名，也不与{we}作检验。")


def _bounds_note(rows: pd.DataFrame, lang: str, we: str) -> str:
    if rows.empty:
        return ""
    if labels.check_lang(lang) == "en":
        named = "; ".join(f"{r.peer} {r.congress} printed “{r.percent_printed}” "
                          f"({labels.qualifier_label(r.bound, 'en')} {labels.format_decimal(float(r.percent))}%)"
                          for r in rows.itertuples())
        return (f"{named}: a bound, not a value; the rate itself is not known. Such a figure is listed last, "
                "is not ranked and is not tested against ours.")
    named = "、".join(f"{r.peer} {r.congress}印出的“{r.percent_shown}”" for r in rows.itertuples())
    return f"{named}只是一个界限，不是数值，实际比率是多少不知道：这样的数字列在表末，不参加排名，也不与{we}作检验。"


def peer_rates_note(comparison, measure: str, lang: str = "zh") -> str:
    """The note under one rate's table: what its intervals are, which figures are bounds, which of another base."""
    from .charts import wilson_note  # plotly only for a page that shows such a table

    notes = (wilson_note(lang), peer_bounds_note(comparison, measure, lang),
             peer_other_base_note(comparison, measure, lang))
    return (" " if lang == "en" else "").join(note for note in notes if note)


def peer_other_base_note(comparison, measure: str, lang: str = "zh") -> str:
    """Which reports' rates are shares of another kind of base than ours, and of what: '' when none."""
    rows = comparison.of(measure)
    other = rows[rows["against_district"] == str(labels.PeerVerdict.DIFFERENT_BASE)]
    ours = comparison.district(measure)
    if other.empty or ours is None:
        return ""
    named = [(f"{r.peer} {r.congress}", labels.base_label(r.base_measure, lang)) for r in other.itertuples()]
    if labels.check_lang(lang) == "en":
        return ("Of another kind of base, so not tested: " + "; ".join(f"{n} (of {b})" for n, b in named)
                + f"; ours is of {labels.base_label(ours.base_measure, lang)}.")
    return ("基数口径不同、未检验的：" + "、".join(f"{n}（{b}）" for n, b in named)
            + f"；{labels.our_congress_label(comparison.level, False, lang)}的基数是{labels.base_label(ours.base_measure, lang)}。")


def peer_list_table(comparison, lang: str = "zh") -> pd.DataFrame:
    """Every report of the peers folder: who, level, period, title and publisher, its URL as text, compared or not."""
    en = labels.check_lang(lang) == "en"
    heads = [labels.column_label(c, lang) for c in ("peer", "congress", "level", "period")] + [
        "标题" if not en else "title", "发布者" if not en else "publisher", labels.column_label("url", lang),
        "本页比较" if not en else "compared here"]
    yes, no = ("yes", "no") if en else ("是", "否")
    # the index's words as a Chinese page prints them: 新华社（转载页）, however sources.csv punctuates them
    words = _text if en else (lambda value: labels.chinese_punctuation(_text(value)))
    records = [dict(zip(heads, [
        row.peer, words(row.congress), labels.level_label(row.level, lang), _with_year(words(row.period), row.year, lang),
        words(row.title), words(row.publisher), _text(row.url) or ("（无）" if not en else "(none)"),
        yes if row.compared else no])) for row in comparison.peers.itertuples()]
    return _table(records, heads)


def _text(value) -> str:
    return "" if _blank(value) else str(value)


def _with_year(text: str, year, lang: str) -> str:
    # a period printed as a year (2012年, 2020年度) already names it: no "2012年（2012年）"
    if _blank(year) or str(int(year)) in text:
        return text
    return f"{text} ({int(year)})" if lang == "en" else f"{text}（{int(year)}年）"


def harmonisation_view(table: pd.DataFrame, harmonisation, lang: str = "zh") -> pd.DataFrame:
    """Every outcome label of the peers: its harmonised class (or that it has none), from what, and why."""
    en = labels.check_lang(lang) == "en"
    heads = [labels.column_label(c, lang) for c in ("peer", "class_printed", "harmonised_class")] + [
        "依据" if not en else "mapped by", labels.column_label("note", lang)]
    whence = {"report": ("本报告对该字母的说明", "the report's own meaning of the letter"),
              "wording": ("措辞本身", "the wording itself"), "": ("未归类：不计入统一分类", "unmapped: left out")}
    records = []
    for row in table.itertuples():
        klass = harmonisation.class_name(row.harmonised_class, lang) if row.harmonised_class else "—"
        if "+" in row.harmonised_class and row.subtotal:  # R07: 3096 = 536 + 2560, both printed beside it
            klass += "（两类之和的小计，两类另有件数，照常计入）" if not en else \
                " (a subtotal of the two, each also printed and counted on its own)"
        elif "+" in row.harmonised_class:
            klass += "（合为一类，两者都不计）" if not en else " (joined: left out of both)"
        records.append(dict(zip(heads, [f"{row.peer} {row.congress}", row.class_printed, klass,
                                        _pick(whence[row.source], lang), row.why])))
    return _table(records, heads)


def unmapped_note(table: pd.DataFrame, lang: str = "zh") -> str:
    """Which outcome labels have no harmonised class (left out, never guessed); '' when every label has one."""
    left = peers.unmapped_labels(table)
    if left.empty:
        return ""
    names = "、".join(f"{r.peer}“{r.class_printed}”" for r in left.drop_duplicates(["peer", "class_printed"]).itertuples())
    if labels.check_lang(lang) == "en":
        return (f"Outcome labels with no harmonised class, left out of the shared classes (add them to "
                f"harmonised_classes.yaml): {names}.")
    return f"以下办理结果标签尚无统一归类，未计入统一分类（可在 harmonised_classes.yaml 中补充）：{names}。"


def unread_note(table: pd.DataFrame, lang: str = "zh") -> str:
    """The files of the peers folder that could not be read, with why; '' when every file was read."""
    unread = table.attrs.get("unread") or []
    if not unread:
        return ""
    listed = "；".join(f"{u['file']}：{u['message']}" for u in unread)
    if labels.check_lang(lang) == "en":
        return f"Not read, so not compared: {listed}"
    return f"以下文件无法读取，未列入比较：{listed}"
