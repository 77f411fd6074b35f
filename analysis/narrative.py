"""The standard paragraphs of the yearly 汇报, filled in from a figures frame (zh / en).

The wording follows the source document (《关于督办代表议案建议办理工作情况汇报》):
"区十八届人大二次会议期间，共收到代表建议172件，其中，区政府办理代表建议151件，国际港务区承办
代表建议21件。从办理结果看，……（A类）有79件，占52.3%；……". Percentages are computed
from the counts with ``Decimal`` and rounded half up — one decimal like the source, two
for the port zone's share (25.75%). A figure that is not known is written as not available
(（数据暂缺）), never left blank; a figure reached by arithmetic from published ones is
marked （推算）. Class wordings come from the outcome scheme.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pandas as pd

from . import labels, metrics, stats
from . import peers as peer_figures
from . import sessions as _sessions

PERCENT_DECIMALS = 1  # the source prints 52.3%
SHARE_DECIMALS = 2  # …and the port zone's share as 25.75%

_SHARE_HEADER = {"zh": "占比", "en": "share"}  # the workbook column of a class's share beside its count


# ---------------------------------------------------------------------------------------
# Looking figures up
# ---------------------------------------------------------------------------------------


def _find(figures: pd.DataFrame, session: str, handler: str, measure: str, category: str = ""):
    """The figure row (a namedtuple) or None when the frame has no such figure."""
    hit = figures[(figures["session"] == session) & (figures["handler"] == handler)
                  & (figures["measure"] == measure) & (figures["category"] == category)]
    return next(hit.itertuples(), None) if len(hit) else None


def _only(figures: pd.DataFrame, session: str, handler: str, measure: str):
    """The one figure of a measure printed under a label of its own (办结率), or None when there are none or several
    (会期 569件, 闭会 11件: which of them the rate is, is not for us to choose)."""
    hit = figures[(figures["session"] == session) & (figures["handler"] == handler) & (figures["measure"] == measure)]
    return next(hit.itertuples()) if len(hit) == 1 else None


def _known(value) -> bool:
    return value is not None and value is not pd.NA and not pd.isna(value)


def _count_text(row, lang: str, mark_derived: bool, unit: bool = True) -> str:
    """'172件' / '172'; the not-available words when unknown; （推算） after a derived count."""
    if row is None or not _known(row.count):
        return labels.not_available(lang)
    text = f"{int(row.count)}件" if unit and lang != "en" else str(int(row.count))
    if mark_derived and row.status == "derived":
        text += labels.derived_mark(lang)
    return text


def _percent(row, decimals: int = PERCENT_DECIMALS) -> Decimal | None:
    """The row's share as the reader sees it: the percent the report printed, with its printed digits (a wrong one
    too: the findings say so, and ``_mismatch`` marks it); else count ÷ base as an exact Decimal rounded half up; else
    the percent given. None for a bound or approximation printed alone (see ``_percent_text``)."""
    if row is None:
        return None
    printed = labels.printed_percent(row)
    if printed is not None:
        return printed.exact
    if _known(row.count) and _known(row.base) and int(row.base) > 0:
        return stats.percent_decimal(int(row.count), int(row.base), decimals)
    if getattr(row, "percent_text", "") and _known(row.share_pct):
        return stats.round_half_up(Decimal(str(row.share_pct)), decimals)
    if _known(row.share_pct):
        return stats.round_half_up(float(row.share_pct), decimals)
    return None


def _percent_text(row, lang: str, decimals: int = PERCENT_DECIMALS, mark: bool = True) -> str:
    """'52.3%', a printed one as printed ('90%以上'), （与件数不符） after a printed one the checker could not explain."""
    printed = labels.printed_percent(row)
    if printed is not None and printed.exact is None and printed.number is not None:  # a bound, as printed
        return labels.format_printed_pct(printed, lang, _mismatch(row, lang) if mark else "")
    value = _percent(row, decimals)
    if value is None:
        return labels.not_available(lang)
    return f"{value}%" + (_mismatch(row, lang) if mark else "")


def _mismatch(row, lang: str, inner: bool = False) -> str:
    """（与件数不符） after a printed percent no convention explains (the figures check's error), else ''."""
    return labels.mismatch_mark(lang, inner) if getattr(row, "percent_check", "") == "error" else ""


def _verb(handler: str, config: dict) -> str:
    # The source: 区政府办理…，国际港务区承办…
    return "承办" if handler == str(config.get("port_zone", "")) else "办理"


def _congress_level(cfg: dict) -> str:
    """The level of the congress (区, 县, 市; a city's ledger's 市; none when not known): ``metrics.congress_level``."""
    return metrics.congress_level(cfg)


def _session_en(label: str, prefix: str) -> str:
    parsed = _sessions.parse_session(label)
    if parsed is None:
        return label
    if parsed.national:  # the National People's Congress, whatever level the settings give
        return f"the {parsed.label_en}"
    return f"the {_ordinal(parsed.number)} Session of the {_ordinal(parsed.term)} {labels.congress_label(prefix, 'en')}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _handler_en(handler: str) -> str:
    name = labels.handler_label(handler, "en")
    return f"the {name}" if name != handler else handler


def _bodies(figures: pd.DataFrame, session: str, config: dict) -> list[str]:
    """Handling bodies with a handled figure in this session, configured ones first."""
    present = figures[(figures["session"] == session) & (figures["measure"] == "handled")]["handler"]
    configured = [str(h) for h in config.get("handlers", [])]
    return [h for h in configured if h in set(present)] + sorted(set(present) - set(configured) - {""})


# ---------------------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------------------


def session_paragraph(figures: pd.DataFrame, session: str, *, scheme=None, config=None, lang: str = "zh",
                      outcome_handlers: list[str] | None = None, prefix: str | None = None,
                      mark_derived: bool = True) -> str:
    """The 基本情况 paragraph of one session: received, per body, outcome classes, completion and satisfaction.

    ``outcome_handlers`` are the bodies whose outcome classes are reported (default
    ``metrics.outcome_body``, as in the source); the completion, satisfaction and on-time figures that
    follow are those of the same body, each only when the frame holds it. ``prefix`` is the
    level of the congress (区; default the level of the configured ``congress``, none when its name gives none).
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    prefix = _congress_level(cfg) if prefix is None else prefix
    active = metrics._scheme(scheme, figures, cfg)
    label = _sessions.canonical_session(session) or session
    bodies = _bodies(figures, label, cfg)
    first = metrics.outcome_body(figures, scheme=active, config=cfg)  # '' when no body is configured: none
    outcome_bodies = outcome_handlers if outcome_handlers is not None else ([first] if first else [])
    received = _find(figures, label, "", "received")
    after = _find(figures, label, "", "received_after_meeting")
    handled = {h: _find(figures, label, h, "handled") for h in bodies}
    if lang == "en":
        return _session_en_text(figures, label, received, after, handled, outcome_bodies, active, mark_derived,
                                prefix, cfg)
    parsed = _sessions.parse_session(label)
    prefix = "" if parsed is not None and parsed.national else prefix  # 十三届全国人大五次会议 has no local level
    text = f"{prefix}{labels.session_label(label, lang)}期间，共收到代表建议{_count_text(received, lang, mark_derived)}"
    if after is not None and _known(after.count) and int(after.count) > 0:
        text += f"（会后{_count_text(after, lang, mark_derived)}）"
    elif after is not None and not _known(after.count):
        text += "（会后提出件数数据暂缺）"
    if handled:
        text += "，其中，" + "，".join(
            f"{h}{_verb(h, cfg)}代表建议{_count_text(row, lang, mark_derived)}" for h, row in handled.items())
    text += "。"
    for body in outcome_bodies:
        text += _outcome_sentence_zh(figures, label, body, active, mark_derived, cfg)
    return text


def _outcome_sentence_zh(figures, label, body, scheme, mark_derived, cfg: dict) -> str:
    rows = {c.code: _find(figures, label, body, "outcome", c.code) for c in scheme.classes}
    if all(r is None for r in rows.values()):
        return ""
    head = f"从办理结果看，{body}办理的代表建议中"
    if all(r is None or not _known(r.count) and not _known(r.share_pct) for r in rows.values()):
        sentence = head + "各类办理结果件数（数据暂缺）"
    else:
        parts = []
        for i, c in enumerate(scheme.classes):
            row = rows[c.code]
            lead = "代表们所提问题或建议中" if i == 0 else "所提问题"
            if row is None or not _known(row.count):
                share = _percent_text(row, "zh") if row is not None else labels.not_available("zh")
                tail = f"件数（数据暂缺）" + (f"，占{share}" if share != labels.not_available("zh") else "")
                parts.append(f"{lead}{c.zh}的（{c.code}类）{tail}")
            else:
                parts.append(f"{lead}{c.zh}的（{c.code}类）有{_count_text(row, 'zh', mark_derived)}，"
                             f"占{_percent_text(row, 'zh')}")
        pending = _find(figures, label, body, "unclassified")
        if pending is not None and _known(pending.count) and int(pending.count) > 0:
            parts.append(f"尚无办理结果（办理中）的有{_count_text(pending, 'zh', mark_derived)}，"
                         f"占{_percent_text(pending, 'zh')}")
        sentence = head + "；".join(parts)
    rates = _rate_clauses_zh(figures, label, body)
    sentence += ("，" + "，".join(rates) if rates else "") + "。"
    return sentence + _detail_sentence_zh(figures, label, body, cfg)


def _rate_clauses_zh(figures, label, body) -> list[str]:
    """'办结率98.4%', '满意率97.6%（含基本满意）' — each only when the frame holds that figure."""
    clauses = []
    completed = _find(figures, label, body, "completed")
    if completed is not None:
        clauses.append(f"办结率{_percent_text(completed, 'zh')}")
    both = _find(figures, label, body, "satisfied_or_basic")
    plain = _find(figures, label, body, "satisfied")
    # The rate's name says what it counts (含/不含基本满意) before its value, as the headline cards do.
    if both is not None:
        clauses.append(f"{labels.rate_label('satisfied_or_basic', 'zh')}{_percent_text(both, 'zh')}")
    elif plain is not None:  # a printed 满意率 whose definition the report does not give: as printed
        clauses.append(f"满意率{_percent_text(plain, 'zh')}")
    return clauses


def _detail_sentence_zh(figures, label, body, cfg: dict) -> str:
    """Bases and the other rates, when the figures hold them (a ledger does; a printed report seldom)."""
    out = []
    replied = _find(figures, label, body, "replied")
    if replied is not None and _known(replied.count):
        out.append(f"已答复{int(replied.count)}件，办复率{_percent_text(replied, 'zh')}")
    on_time = _find(figures, label, body, "replied_on_time")
    if on_time is not None and _known(on_time.count):
        out.append(f"按{on_time.rule or '规定期限'}的要求，按期答复{int(on_time.count)}件，"
                   f"按期答复率{_percent_text(on_time, 'zh')}（以{_on_time_base_words(figures, on_time, 'zh')}"
                   f"建议{int(on_time.base)}件为基数）")
    elif on_time is not None and (ranged := metrics.on_time_bounds(figures, label, body)) is not None:
        out.append(f"按{on_time.rule or '规定期限'}的要求，{_on_time_range_text(ranged, figures, cfg, 'zh')}")
    sat = {m: _find(figures, label, body, m) for m in ("satisfied", "basically_satisfied", "unsatisfied")}
    both = _find(figures, label, body, "satisfied_or_basic")
    if both is not None and _known(both.base) and all(r is not None and _known(r.count) for r in sat.values()):
        out.append(f"满意率以代表已测评的{int(both.base)}件为基数，其中满意{int(sat['satisfied'].count)}件、"
                   f"基本满意{int(sat['basically_satisfied'].count)}件、不满意{int(sat['unsatisfied'].count)}件，"
                   f"{labels.rate_label('satisfied', 'zh')}为{_percent_text(sat['satisfied'], 'zh')}")
    met = _find(figures, label, body, "met")
    if met is not None and _known(met.count):
        out.append(f"与代表见面沟通{int(met.count)}件，见面率{_percent_text(met, 'zh')}")
    key = _find(figures, label, body, "key_supervision")
    if key is not None and _known(key.count):
        out.append(f"列为重点督办{int(key.count)}件")
    # A new sentence names its body again: these figures are the body's, not every body's.
    return f"{body}办理的代表建议中，" + "；".join(out) + "。" if out else ""


def _on_time_range_text(ranged: metrics.OnTimeBounds, figures: pd.DataFrame, cfg: dict, lang: str) -> str:
    """An on-time rate known only as a range, in words with what leaves it open:
    '按期答复率在82.1%至90.3%之间（23件答复于3至6个月之间，台账未注明是否复杂建议，…）'."""
    low, high = (labels.format_pct(v, PERCENT_DECIMALS, lang) for v in (ranged.low_pct, ranged.high_pct))
    months, complex_months = metrics.deadline_months(cfg)
    as_of = labels.date_label(figures.attrs.get("as_of_date", ""), lang)
    if lang == "en":
        why = _join_en(([f"{ranged.open_replied} replied between {months} and {complex_months} months"]
                        if ranged.open_replied else [])
                       + ([f"{ranged.open_unreplied} not replied to, past {months} months but not {complex_months}"
                           + (f" as of {as_of}" if as_of else "")] if ranged.open_unreplied else []))
        return (f"the on-time reply rate is between {low} and {high} ({why}; the ledger does not say whether "
                f"they are complex, so whether they are on time is not known; of the other {ranged.judged} "
                f"replied to or past their deadline, {ranged.on_time} on time)")
    why = "、".join(([f"{ranged.open_replied}件答复于{months}至{complex_months}个月之间"] if ranged.open_replied else [])
                   + ([f"{ranged.open_unreplied}件" + (f"截至{as_of}" if as_of else "") + f"未答复、已过{months}个月"
                       f"未满{complex_months}个月"] if ranged.open_unreplied else []))
    return (f"按期答复率在{low}至{high}之间（{why}，台账未注明是否复杂建议，是否按期无法判定；"
            f"其余已答复或已过答复期限的{ranged.judged}件中按期答复{ranged.on_time}件）")


def _on_time_base_words(figures: pd.DataFrame, row, lang: str) -> str:
    """What the on-time rate is a share of, with its as-of date: '截至2025年1月16日已答复或已过答复期限的'."""
    as_of = labels.date_label(figures.attrs.get("as_of_date", ""), lang)
    if row.base_measure == metrics.ON_TIME_BASE:
        if lang == "en":
            return "suggestions replied to or past their deadline" + (f" as of {as_of}" if as_of else "")
        return (f"截至{as_of}" if as_of else "") + "已答复或已过答复期限的"
    base = labels.base_label(row.base_measure, lang)
    return base if lang == "en" else f"{base}"


def _session_en_text(figures, label, received, after, handled, outcome_bodies, scheme, mark_derived,
                     prefix: str, cfg: dict) -> str:
    lang = "en"
    text = f"During {_session_en(label, prefix)}, {_count_text(received, lang, mark_derived)} suggestions from deputies were received"
    if after is not None and _known(after.count) and int(after.count) > 0:
        text += f" ({_count_text(after, lang, mark_derived)} of them after the meeting)"
    elif after is not None and not _known(after.count):
        text += " (the number raised after the meeting is not available)"
    if handled:
        parts = [f"{_handler_en(h)} handled {_count_text(row, lang, mark_derived)}" for h, row in handled.items()]
        text += "; of these, " + _join_en(parts)
    text += "."
    for body in outcome_bodies:
        rows = {c.code: _find(figures, label, body, "outcome", c.code) for c in scheme.classes}
        if all(r is None for r in rows.values()):
            continue
        head = f" By outcome, of the suggestions handled by {_handler_en(body)}: "
        if all(r is None or not _known(r.count) and not _known(r.share_pct) for r in rows.values()):
            sentence = head + "the class counts are not available"
        else:
            parts = []
            for c in scheme.classes:
                row = rows[c.code]
                if row is None or not _known(row.count):
                    share = _percent_text(row, lang) if row is not None else labels.not_available(lang)
                    parts.append(f"{c.en} (class {c.code}) {labels.not_available(lang)}"
                                 + (f", {share}" if share != labels.not_available(lang) else ""))
                else:
                    parts.append(f"{c.en} (class {c.code}) {_count_text(row, lang, mark_derived)} "
                                 f"({_percent_text(row, lang)})")
            pending = _find(figures, label, body, "unclassified")
            if pending is not None and _known(pending.count) and int(pending.count) > 0:
                parts.append(f"no outcome yet (being handled) {_count_text(pending, lang, mark_derived)} "
                             f"({_percent_text(pending, lang)})")
            sentence = head + "; ".join(parts)
        rates = []
        completed = _find(figures, label, body, "completed")
        if completed is not None:
            rates.append(f"completion rate {_percent_text(completed, lang)}")
        both = _find(figures, label, body, "satisfied_or_basic")
        plain = _find(figures, label, body, "satisfied")
        if both is not None:
            rates.append(f"{labels.rate_label('satisfied_or_basic', lang)} {_percent_text(both, lang)}")
        elif plain is not None:  # a printed satisfaction rate whose definition the report does not give
            rates.append(f"satisfaction rate {_percent_text(plain, lang)}")
        sentence += ("; " + ", ".join(rates) if rates else "") + "."
        text += sentence + _detail_sentence_en(figures, label, body, cfg)
    return text


def _detail_sentence_en(figures, label, body, cfg: dict) -> str:
    out = []
    replied = _find(figures, label, body, "replied")
    if replied is not None and _known(replied.count):
        out.append(f"replied: {int(replied.count)} (reply rate {_percent_text(replied, 'en')})")
    on_time = _find(figures, label, body, "replied_on_time")
    if on_time is not None and _known(on_time.count):
        out.append(f"replied on time ({on_time.rule_en or 'the set deadline'}): {int(on_time.count)}, "
                   f"on-time reply rate {_percent_text(on_time, 'en')} (base: the {int(on_time.base)} "
                   f"{_on_time_base_words(figures, on_time, 'en')})")
    elif on_time is not None and (ranged := metrics.on_time_bounds(figures, label, body)) is not None:
        out.append(f"against {on_time.rule_en or 'the set deadline'}, "
                   f"{_on_time_range_text(ranged, figures, cfg, 'en')}")
    sat = {m: _find(figures, label, body, m) for m in ("satisfied", "basically_satisfied", "unsatisfied")}
    both = _find(figures, label, body, "satisfied_or_basic")
    if both is not None and _known(both.base) and all(r is not None and _known(r.count) for r in sat.values()):
        out.append(f"satisfaction, based on the {int(both.base)} suggestions the deputies rated: "
                   f"{int(sat['satisfied'].count)} satisfied, {int(sat['basically_satisfied'].count)} basically "
                   f"satisfied, {int(sat['unsatisfied'].count)} unsatisfied "
                   f"({labels.rate_label('satisfied', 'en')} {_percent_text(sat['satisfied'], 'en')})")
    met = _find(figures, label, body, "met")
    if met is not None and _known(met.count):
        out.append(f"met the deputy in person: {int(met.count)} ({_percent_text(met, 'en')})")
    key = _find(figures, label, body, "key_supervision")
    if key is not None and _known(key.count):
        out.append(f"under key supervision: {int(key.count)}")
    if not out:
        return ""
    # A new sentence names its body again: these figures are the body's, not every body's.
    return f" Of the suggestions handled by {_handler_en(body)}: " + "; ".join(out) + "."


def _join_en(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ---------------------------------------------------------------------------------------
# Several sessions
# ---------------------------------------------------------------------------------------


def _total_rows(figures: pd.DataFrame, labels_: list[str], handlers: list[str]) -> dict:
    """Received and per-body handled over several sessions: the frame's total row, or the sum of the sessions (derived,
    unless every session's count was counted from the ledger), or of printed totals of some of them and the others'
    (``_cover``)."""
    return {(handler, measure): _cover(figures, labels_, handler, measure)[:2]
            for handler, measure in [("", "received"), *[(h, "handled") for h in handlers]]}


def _cover(figures: pd.DataFrame, labels_: list[str], handler: str, measure: str
           ) -> tuple[int | None, str, list[str], list[str]]:
    """(count, status, totals used, periods missing) of ``measure`` over the periods ``labels_``: the frame's row of
    them all; else the sum of each period's; else of a printed total of several of them (S08's 一次至三次会议 245, with
    四次会议's 67: 312, derived) and the others' own. ``missing``: the periods whose count neither gives (count None)."""
    total = _sessions.canonical_session_or_total("+".join(labels_)) if len(labels_) > 1 else labels_[0]
    row = _find(figures, total, handler, measure)
    if row is not None and _known(row.count):
        return int(row.count), row.status, [], []
    own = {s: r for s in labels_ if (r := _find(figures, s, handler, measure)) is not None and _known(r.count)}
    if len(own) == len(labels_):
        # a sum the package made is no printed figure: derived (推算), as the total share is
        # (``_total_share_text``), unless every part was counted from the ledger
        status = "ledger" if all(r.status == "ledger" for r in own.values()) else "derived"
        return sum(int(r.count) for r in own.values()), status, [], []
    left, pieces, used = set(labels_) - set(own), list(own.values()), []
    for label in sorted({str(s) for s in figures["session"] if metrics.is_total_label(s)},
                        key=lambda s: -len(_sessions.split_total(s))):  # the widest total printed first
        parts = set(_sessions.split_total(label))
        if parts <= left and (r := _find(figures, label, handler, measure)) is not None and _known(r.count):
            pieces.append(r)
            used.append(label)
            left -= parts
    missing = [s for s in labels_ if s in left]
    if missing or not used:
        return None, "unknown", [], missing
    return sum(int(r.count) for r in pieces), "derived", used, []


def _total_share_text(figures: pd.DataFrame, chosen: list[str], zone: str, totals: dict, lang: str,
                      mark_derived: bool) -> str:
    """The port zone's share of the total, marked by the share's own status as the overview marks it: the frame's total
    row gives it (printed as printed: 25.75%; derived or counted from the ledger, computed); else it is the sum of the
    sessions' counts divided, which is arithmetic (推算) unless every count was counted from the ledger."""
    total = _sessions.canonical_session_or_total("+".join(chosen))
    row = _find(figures, total, zone, "handled") if zone else None
    received, _ = totals[("", "received")]
    zone_value = totals.get((zone, "handled"), (None, ""))[0]
    if row is not None and _known(row.count) and (labels.printed_percent(row) is not None
                                                   or _percent(row, SHARE_DECIMALS) is not None):
        text = _percent_text(row, lang, SHARE_DECIMALS)
        status = getattr(row, "percent_status", None) or row.status
    elif zone_value is not None and received:
        text = f"{stats.percent_decimal(zone_value, received, SHARE_DECIMALS)}%"
        parts = [_find(figures, s, h, m) for s in chosen for h, m in (("", "received"), (zone, "handled"))]
        status = "ledger" if all(p is not None and p.status == "ledger" for p in parts) else "derived"
    else:
        return labels.not_available(lang)
    return text + (labels.derived_mark(lang) if mark_derived and status == "derived" else "")


def _span_words(figures: pd.DataFrame, labels_: list[str], lang: str) -> str:
    """'连续三年' when the periods fall in consecutive years, else the periods named (十一届人大一次、三次会议和
    十二届人大一次会议, 2019年度和十七届人大三次会议: ``sessions.periods_words``), never a bare '两次会议' that hides
    that one of them is a year."""
    years = []
    for s in labels_:
        hit = figures[(figures["session"] == s) & figures["year"].notna()]["year"]
        years.append(int(hit.iloc[0]) if len(hit) else _sessions.period_year(s))
    n = len(labels_)
    consecutive = all(y is not None for y in years) and sorted(years) == list(range(min(years), min(years) + n))
    if lang == "en":
        words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))
        return f"over {words} consecutive years" if consecutive else f"of {_sessions.periods_words(labels_, lang)}"
    number = "两" if n == 2 else _sessions.int_to_chinese(n)
    return f"连续{number}年" if consecutive else _sessions.periods_words(labels_, lang)


def _source_files(source: object) -> list[str]:
    """The files a figure's ``source`` names: "file：paragraph" for a printed figure, "file, file" for a derived one."""
    return [f for f in str(source or "").split("：")[0].split(", ") if f]


def _not_added_up(figures: pd.DataFrame, chosen: list[str], span: str, lang: str) -> str:
    """Why the periods' counts make no multi-year total ('' when they do): a term or a span ("…以来", 全届) holds
    sessions, so its count and theirs may overlap; and figures of different origins (the ledger, each published file)
    that name no handling body in common are no one congress's figures (a city's ledger beside a province's report);
    and a year beside sessions may hold a session's suggestions."""
    wide = [s for s in chosen if (p := _sessions.parse_period(s)) is None
            or p.kind not in (_sessions.PeriodKind.SESSION, _sessions.PeriodKind.YEAR)]
    if wide:
        if lang == "en":
            return (f"The suggestions {span} are not added up: {_sessions.periods_words(wide, lang)} covers several "
                    "sessions, whose counts may overlap the others'.")
        return f"{span}的建议件数未相加：{_sessions.periods_words(wide, lang)}包含多次会议，件数可能与其他会次重叠。"
    bodies: dict[str, set[str]] = {}  # each origin's handling bodies
    for session in chosen:
        rows = figures[figures["session"] == session]
        ledger = bool((rows["basis"] == "ledger").any())
        for origin in (["ledger"] if ledger else sorted({f for s in rows["source"] for f in _source_files(s)})):
            bodies.setdefault(origin, set()).update(str(h) for h in rows["handler"].dropna() if str(h))
    if len(bodies) >= 2 and not set.intersection(*bodies.values()):
        names = [("the ledger" if lang == "en" else "台账") if o == "ledger" else o for o in bodies]
        if lang == "en":
            return (f"The figures {span} come from {_sessions.words_joined(names, lang)}, which name no handling body "
                    "in common: they are not added up as one congress's.")
        return f"{span}的数字分别取自{_sessions.words_joined(names, lang)}，其中没有共同的承办主体，未作为同一人大的数字相加。"
    # a year beside a session held in it, or whose year is not known: the year's count may hold that session's
    # suggestions (U12: 2025年 189, of them 132 at the congress's session, beside a session of no printed year)
    kinds = {s: p.kind if (p := _sessions.parse_period(s)) is not None else None for s in chosen}
    years = [s for s in chosen if kinds[s] is _sessions.PeriodKind.YEAR]
    year_of = metrics.frame_years(figures)
    held = {_sessions.parse_period(s).year for s in years}
    if years and any(kinds[s] is _sessions.PeriodKind.SESSION and ((year := metrics._int_or_na(year_of.get(s))) is pd.NA
                                                                    or year in held)
                     for s in chosen):
        if lang == "en":
            return (f"The suggestions {span} are not added up: the count of {_sessions.periods_words(years, lang)} "
                    "may include those of a session held in it.")
        return f"{span}的建议件数未相加：{_sessions.periods_words(years, lang)}的件数可能包含当年会议期间提出的建议。"
    return ""


def multi_year_paragraph(figures: pd.DataFrame, sessions: list[str] | None = None, *, config=None,
                         lang: str = "zh", mark_derived: bool = True) -> str:
    """'在连续三年的共466件代表建议中，直接由区政府办理的346件，交由国际港务区处理的120件，合计占比达25.75%。'

    The bodies are those the figures name (a report of another congress: its own; none printed: said so, never ours);
    a total no report prints is marked derived; a count not known is 暂缺. '' when fewer than two periods are chosen:
    one period is no multi-year total.
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    years = metrics.frame_years(figures)
    chosen = [_sessions.canonical_period(s) or s for s in sessions] if sessions else [
        s for s in figures["session"] if not metrics.is_total_label(s)]
    chosen = metrics.order_sessions(chosen, years)
    if len(chosen) < 2:
        return ""
    span = _span_words(figures, chosen, lang)
    apart = _not_added_up(figures, chosen, span, lang)
    if apart:
        return apart
    named = set(figures["handler"].dropna().astype(str))
    handlers = [str(h) for h in cfg.get("handlers", []) if str(h) in named]  # a body the figures never name: none
    zone = str(cfg.get("port_zone", ""))
    totals = _total_rows(figures, chosen, handlers)

    def count(handler: str, measure: str) -> str:
        value, status = totals[(handler, measure)]
        if value is None:
            return labels.not_available(lang)
        text = f"{value}件" if lang != "en" else str(value)
        return text + (labels.derived_mark(lang) if mark_derived and status == "derived" else "")

    if totals[("", "received")][0] is None:  # no total to state: which periods leave it open
        missing = _cover(figures, chosen, "", "received")[3]
        if missing:
            if lang == "en":
                return (f"The number of suggestions {span} is not available: none is printed for "
                        f"{_sessions.periods_words(missing, lang)}.")
            return f"{span}的代表建议总数暂缺：{_sessions.periods_words(missing, lang)}的建议件数未印出。"
    received = f"{span}的共{count('', 'received')}代表建议" if lang != "en" else (
        f"the {count('', 'received')} suggestions {span}")
    combined = _combined_words(figures, _cover(figures, chosen, "", "received")[2], lang)
    if not handlers:
        if lang == "en":
            return f"Of {received}{combined}, no handling body's count is given."
        return f"在{received}中{combined}，各承办主体办理的件数均未印出。"
    share_text = _total_share_text(figures, chosen, zone, totals, lang, mark_derived)
    known = [h for h in handlers if totals[(h, "handled")][0] is not None]
    # a body whose count over the periods is not known: said in a finished clause, with the periods that leave it open
    # (U07: "直接由市政府办理的（数据暂缺）。" read as a sentence cut short)
    unknown = [h for h in handlers if h not in known]
    gaps = list(dict.fromkeys(s for h in unknown for s in _cover(figures, chosen, h, "handled")[3]))
    if lang == "en":
        parts = []
        for i, h in enumerate(known):
            if h == zone:
                parts.append(f"{count(h, 'handled')} were passed to {_handler_en(h)}")
            else:
                parts.append(f"{count(h, 'handled')} were handled {'directly ' if i == 0 else ''}by {_handler_en(h)}")
        text = f"Of {received}{combined}, " + _join_en(parts) if parts else f"Of {received}{combined}"
        if zone in known:
            text += f", a combined share of {share_text}"
        if unknown:
            bodies = _sessions.words_joined([_handler_en(h) for h in unknown], lang)
            text += ("; " if parts else ", ") + f"the number handled by {bodies} is not available" + (
                f" (none is printed for {_sessions.periods_words(gaps, lang)})" if gaps else "")
        return text + "."
    parts = []
    for i, h in enumerate(known):
        if h == zone:
            parts.append(f"交由{h}处理的{count(h, 'handled')}，合计占比达{share_text}")
        else:
            parts.append(f"{'直接' if i == 0 else ''}由{h}办理的{count(h, 'handled')}")
    # Move the port zone's clause last so its share closes the sentence, as in the source.
    parts.sort(key=lambda p: p.startswith("交由"))
    if unknown:
        parts.append(f"{_sessions.words_joined(unknown, lang)}办理的件数暂缺" + (
            f"（{_sessions.periods_words(gaps, lang)}的未印出）" if gaps else ""))
    return f"在{received}中{combined}，" + "，".join(parts) + "。"


def _combined_words(figures: pd.DataFrame, totals: list[str], lang: str) -> str:
    """What a multi-year total took as printed for several periods together: '（四届人大一次、二次、三次会议合计印出245件）'
    (S08's periods have no count of their own: their combined one is no "未印出"); '' when none."""
    items = []
    for label in totals:
        row = _find(figures, label, "", "received")
        periods = _sessions.periods_words(_sessions.split_total(label), lang)
        items.append(f"{int(row.count)} for {periods} together, as printed" if lang == "en"
                     else f"{periods}合计印出{int(row.count)}件")
    if not items:
        return ""
    return f" (of them {'; '.join(items)})" if lang == "en" else f"（其中{'，'.join(items)}）"


def _previous_session(figures: pd.DataFrame, label: str) -> str:
    """The single session before ``label`` in the frame ('' when it is the first or absent)."""
    single = metrics.order_sessions((s for s in figures["session"] if not metrics.is_total_label(s)),
                                    metrics.frame_years(figures))
    if label not in single or single.index(label) == 0:
        return ""
    return single[single.index(label) - 1]


def _change_items(figures: pd.DataFrame, cfg: dict) -> list[tuple[str, str, int | None]]:
    """What the change sentence compares: (handler, measure, decimals as printed; None for a count)."""
    first = metrics.outcome_body(figures, config=cfg)
    zone = str(cfg.get("port_zone", ""))
    return [("", "received", None), (zone, "handled", SHARE_DECIMALS), (first, "solved", PERCENT_DECIMALS),
            (first, "completed", PERCENT_DECIMALS), (first, "satisfied_or_basic", PERCENT_DECIMALS)]


def session_tests(figures: pd.DataFrame, session: str, *, config=None) -> metrics.PageTests:
    """The changes a session page states (its headline cards and change sentence), each tested, Holm over them all."""
    cfg = metrics._config(config, figures)
    label = _sessions.canonical_session(session) or session
    before = _previous_session(figures, label)
    if not before:
        return metrics.change_tests(figures, [])
    wanted = []
    for measure, which in metrics.HEADLINE:
        if measure in _COUNT_MEASURES:
            continue
        bodies = [""] if which == "" else [str(h) for h in cfg.get("handlers", [])]
        wanted += [(body, measure) for body in bodies]
    wanted += [(handler, measure) for handler, measure, decimals in _change_items(figures, cfg) if decimals is not None]
    comparisons = [(before, label, handler, measure, None) for handler, measure in dict.fromkeys(wanted)]
    return metrics.change_tests(figures, comparisons)


def printed_change(now, then, decimals: int = PERCENT_DECIMALS) -> Decimal | None:
    """The change in a share as a reader can check it: the later figure as printed minus the earlier one, in points."""
    shown_now, shown_then = _percent(now, decimals), _percent(then, decimals)
    if shown_now is None or shown_then is None:
        return None
    return shown_now - shown_then


def change_sentence(figures: pd.DataFrame, session: str, *, config=None, lang: str = "zh") -> str:
    """How the session's main figures moved from the previous session, and whether beyond chance ('' for the first).

    Each change is the difference of the two figures as printed (百分点 for shares); shares of
    different bases are not compared but said to differ. The closing sentence says, in plain
    words, whether any change on the page is beyond what chance would give (``session_tests``).
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    label = _sessions.canonical_session(session) or session
    before = _previous_session(figures, label)
    if not before:
        return ""
    parts = []
    for handler, measure, decimals in _change_items(figures, cfg):
        now = _first_row(figures, label, handler, measure)
        then = _first_row(figures, before, handler, measure)
        if now is None or then is None:
            continue
        if decimals is None:
            if not (_known(now.count) and _known(then.count)):
                continue
            delta = int(now.count) - int(then.count)
            name = labels.measure_label(measure, lang)
            if lang == "en":
                parts.append(f"{name} {_direction_en(delta)} {abs(delta)} ({int(then.count)} → {int(now.count)})")
            else:
                parts.append(f"{name}{_direction_zh(delta)}{abs(delta)}件（{int(then.count)}件→{int(now.count)}件）")
            continue
        name = _owned_name(figures, handler, measure, now, cfg, lang)
        if _known(now.base) and _known(then.base) and not metrics.same_base(then, now):
            parts.append(_different_bases_text(name, then, now, lang))
            continue
        delta = printed_change(now, then, decimals)
        if delta is None:
            continue
        shown_now, shown_then = _percent(now, decimals), _percent(then, decimals)
        if lang == "en":
            parts.append(f"{name} {_direction_en(delta)} {abs(delta)} percentage points ({shown_then}% → {shown_now}%)")
        else:
            parts.append(f"{name}{_direction_zh(delta)}{abs(delta)}个百分点（{shown_then}%→{shown_now}%）")
    if not parts:
        return ""
    verdict = significance_sentence(session_tests(figures, label, config=cfg), figures, config=cfg, lang=lang)
    if lang == "en":
        return f"Compared with {_session_en(before, _congress_level(cfg))}: " + "; ".join(parts) + "." + (f" {verdict}" if verdict else "")
    return f"与{before}相比，" + "；".join(parts) + "。" + verdict


def _owned_name(figures, handler, measure, row, cfg, lang) -> str:
    """'区政府A类占比', '国际港务区承办占比', 'A类占比（全部承办主体）' — the share named with its body."""
    name = _change_name(figures, handler, measure, row, cfg, lang)
    if lang == "en":
        if not handler:  # named as the headline names it: one name for one figure on a page
            return f"{name} ({labels.handler_label('', lang)})"
        return f"{name} of {_handler_en(handler)}"
    if not handler:
        return f"{name}（全部承办主体）"
    return f"{labels.handler_label(handler, lang)}{name}"


def _different_bases_text(name: str, then, now, lang: str) -> str:
    """A share whose base changed between sessions: named, not compared."""
    old, new = labels.base_label(then.base_measure, lang), labels.base_label(now.base_measure, lang)
    if lang == "en":
        return f"{name} is not compared: its base was {old} and is now {new}"
    return f"{name}两次的基数不同（上次为{old}，本次为{new}），不作比较"


def _change_name(figures, handler, measure, row, cfg, lang) -> str:
    if measure == "handled":
        return f"{_verb(handler, cfg)}占比" if lang != "en" else "share of suggestions"
    if measure == "solved" and row.category:
        codes = row.category.split("+")
        return ("、".join(f"{c}类" for c in codes) + "占比") if lang != "en" else (
            "share in " + " and ".join(f"class {c}" for c in codes))
    return labels.rate_label(measure, lang)


def _first_row(figures, session, handler, measure):
    hit = figures[(figures["session"] == session) & (figures["handler"] == handler) & (figures["measure"] == measure)]
    return next(hit.itertuples(), None) if len(hit) else None


def _exact_pct(row) -> Decimal | None:
    if row is None or not (_known(row.count) and _known(row.base)) or int(row.base) == 0:
        return None
    return Decimal(int(row.count)) * 100 / Decimal(int(row.base))


def _direction_zh(delta) -> str:
    return "增加" if delta > 0 else ("减少" if delta < 0 else "持平，变化")


def _direction_en(delta) -> str:
    return "rose by" if delta > 0 else ("fell by" if delta < 0 else "was unchanged, changing by")


# ---------------------------------------------------------------------------------------
# Whether changes are beyond chance: one plain sentence for leaders, the tests in a note
# ---------------------------------------------------------------------------------------


def _decimals_of(measure: str) -> int:
    return SHARE_DECIMALS if measure == "handled" else PERCENT_DECIMALS


def _test_name(test, figures: pd.DataFrame, cfg: dict, lang: str) -> str:
    """The share a tested change is of, named with its body: '区政府A类占比'."""
    row = _first_row(figures, test.session_after, test.handler, test.measure)
    return _owned_name(figures, test.handler, test.measure, row, cfg, lang)


def _printed_aside(test, figures: pd.DataFrame, session: str, shown: Decimal, lang: str) -> str:
    """'（原文为64.25%，与件数不符）' after a tested share, which is count ÷ base, when the report printed another (a
    truncation, a plug, one the check marks) that the page's tables show: the reader is told why the two differ."""
    category = str(test.category) if _known(getattr(test, "category", None)) else ""
    aside = labels.printed_apart_label(labels.printed_percent(_find(figures, session, test.handler, test.measure,
                                                                    category)), lang, True, shown)
    return "" if not aside else (f" ({aside})" if lang == "en" else f"（{aside}）")


def _moved_text(test, figures: pd.DataFrame, cfg: dict, lang: str, with_sessions: bool) -> str:
    """'区政府A类占比由66.7%降至52.3%，降幅估计在2.8至25.3个百分点之间' (the interval rounded like the figures)."""
    decimals = _decimals_of(test.measure)
    then = stats.percent_decimal(int(test.count_before), int(test.base_before), decimals)
    now = stats.percent_decimal(int(test.count_after), int(test.base_after), decimals)
    up = now > then
    low, high = float(test.ci_low_pct_points), float(test.ci_high_pct_points)
    # An interval on the same side of zero as the change gives its size; otherwise it is left out.
    bounds = (low, high) if up else (-high, -low)
    interval = bounds[0] > 0
    a, b = (stats.round_half_up(v, decimals) for v in bounds)
    name = _test_name(test, figures, cfg, lang)
    if lang == "en":
        when = (f" from {labels.session_label(test.session_before, 'en')} to "
                f"{labels.session_label(test.session_after, 'en')}") if with_sessions else ""
        before, after = (_printed_aside(test, figures, s, v, lang) for s, v in ((test.session_before, then),
                                                                                 (test.session_after, now)))
        text = f"{name} {'rose' if up else 'fell'} from {then}%{before} to {now}%{after}{when}"
        return text + (f", by an estimated {a} to {b} percentage points" if interval else "")
    when = f"（{test.session_before}→{test.session_after}）" if with_sessions else ""
    before, after = (_printed_aside(test, figures, s, v, lang) for s, v in ((test.session_before, then),
                                                                             (test.session_after, now)))
    text = f"{name}由{then}%{before}{'升至' if up else '降至'}{now}%{after}{when}"
    return text + (f"，{'增' if up else '降'}幅估计在{a}至{b}个百分点之间" if interval else "")


def significance_sentence(tests: metrics.PageTests, figures: pd.DataFrame, *, config=None, lang: str = "zh",
                          with_sessions: bool = False) -> str:
    """One plain sentence for a leader: which stated changes are beyond what chance would give, and how sure.

    It follows the Holm-adjusted tests of ``tests`` (no test name or p-value here: those go
    to ``tests_note``); '' when the page tests no change.
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    tested = tests.tested
    if tested.empty:
        return ""
    sure = round((1 - tests.alpha) * 100)
    beyond = tested[tested["changed"].fillna(False).astype(bool)]
    several = len(tested) > 1
    if beyond.empty:
        if lang == "en":
            which = "these changes are" if several else "this change is"
            return (f"Statistically, {which} within what chance alone would give (judged with {sure}% confidence): "
                    f"{'they do' if several else 'it does'} not show that the handling changed.")
        which = "以上各项比率的变化都" if several else "以上比率的变化"
        return f"从统计上看，{which}在偶然波动的范围之内（按{sure}%的把握判断），尚不能说明办理情况有实质变化。"
    moved = [_moved_text(t, figures, cfg, lang, with_sessions) for t in beyond.itertuples()]
    rest = len(tested) - len(beyond)
    if lang == "en":
        text = (f"Statistically, with {sure}% confidence, this goes beyond what chance would give: "
                + "; ".join(moved) + ".")
        if rest:
            text += f" The other {rest} change{'s are' if rest > 1 else ' is'} within what chance alone would give."
        return text
    text = f"从统计上看，以下变化超出了偶然波动的范围（有{sure}%的把握）：" + "；".join(moved) + "。"
    if rest:
        text += f"其余{rest}项变化都在偶然波动的范围之内。"
    return text


_TESTS_NOTE = {
    "zh": {
        "method": "比率的变化是否超出偶然波动，用Fisher精确检验（双侧）判断：该检验对任何件数都准确，不依赖大样本近似；"
                  "变化幅度的95%区间用Newcombe混合得分法。",
        "family": "本页同时检验了{m}项，p值按Holm法校正，使整页误把未变的数字说成有变化的概率不超过{alpha}%；"
                  "变化幅度的95%区间是每项单独的区间，未作此校正：区间不含0而校正后p值不小于{alpha_p}的，"
                  "结论仍是在偶然波动范围之内。",
        "each": "各项检验：{items}。", "item": "{name} p {p}，校正后 p {holm}", "sep": "；", "space": "",
        "skipped": "另有{n}项因两次基数不同未作比较。",
    },
    "en": {
        "method": "Whether a change in a share is beyond chance is judged by Fisher's exact test (two-sided), which is "
                  "exact at any number of suggestions and needs no large-sample approximation; the range of a "
                  "change is its Newcombe hybrid-score 95% interval.",
        "family": "This page makes {m} tests at once, so their p-values are adjusted by Holm's method: the chance of "
                  "calling any unchanged figure changed stays at {alpha}% for the page. The 95% intervals of the "
                  "changes are each change's own and not so adjusted: where one excludes 0 but the adjusted p is "
                  "{alpha_p} or more, the verdict is still within chance.",
        "each": "Tests: {items}.", "item": "{name}, p {p}, adjusted p {holm}", "sep": "; ", "space": " ",
        "skipped": "Not compared because the base differs: {n}.",
    },
}


def tests_note(tests: metrics.PageTests, figures: pd.DataFrame, *, config=None, lang: str = "zh",
               list_each: bool = True) -> str:
    """For the data note: which tests the page's words rest on, why these, how many, and (``list_each``) each p-value."""
    words = _TESTS_NOTE[labels.check_lang(lang)]
    cfg = metrics._config(config, figures)
    if tests.family_size == 0:
        return ""
    parts = [words["method"], *(mix.detail(lang) for mix in tests.mixes if mix.testable),
             words["family"].format(m=tests.family_size, alpha=round(tests.alpha * 100), alpha_p=f"{tests.alpha:g}")]
    if list_each and len(tests.tested):
        parts.append(words["each"].format(items=words["sep"].join(
            words["item"].format(name=_test_name(t, figures, cfg, lang), p=stats.p_text(t.p_value),
                                 holm=stats.p_text(t.p_holm)) for t in tests.tested.itertuples())))
    skipped = int((tests.changes["method"] == metrics.NOT_COMPARABLE).sum())
    if skipped:
        parts.append(words["skipped"].format(n=skipped))
    return words["space"].join(parts)


def _points_cell(value: Decimal, decimals: int, signed: bool = False) -> str:
    """'+1.2' percentage points as printed, the number behind it for the workbook."""
    text = f"{value:+}" if signed else f"{value}"
    return labels.Shown(text, labels.Number(float(value), "decimal", decimals))


def _points_interval_cell(low: Decimal, high: Decimal, decimals: int, lang: str) -> str:
    """'-25.3 – -2.8' percentage points: both ends as numbers in the workbook."""
    return labels.combined(f"{low} – {high}", (_points_cell(low, decimals), "下限" if lang != "en" else "low"),
                           (_points_cell(high, decimals), "上限" if lang != "en" else "high"))


def _ratio_cell(count, base, pct: Decimal, decimals: int, lang: str) -> str:
    """'30/159（18.87%）': in the workbook three numbers (count, base, share), never one text."""
    en = lang == "en"
    text = f"{int(count)}/{int(base)}" + (f" ({pct}%)" if en else f"（{pct}%）")
    return labels.combined(text, (labels.format_count(count, lang), ""),
                           (labels.format_count(base, lang), "base" if en else "基数"),
                           (labels.format_pct(pct, decimals, lang), "share" if en else "占比"))


def _p_cell(p) -> str:
    """A p-value as printed ('0.0496', '< 0.001'); in the workbook the p-value itself, shown the same by its number format."""
    text = stats.p_text(p).lstrip("= ")
    if text.startswith("<"):  # < 0.001: the number format prints it so; three decimals as p_text's floor
        return labels.Shown(text, labels.Number(float(p), "p", 3))
    if not text[0].isdigit():  # — (not tested): no number to write
        return text
    return labels.Shown(text, labels.Number(float(p), "p", -Decimal(text).as_tuple().exponent))


def tests_table(tests: metrics.PageTests, figures: pd.DataFrame, *, config=None, lang: str = "zh") -> pd.DataFrame:
    """Every change the page tested, for researchers: the two figures, the change, its interval, p and Holm's p."""
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    en = lang == "en"
    heads = (("从", "到", "指标", "前", "后", "变化（百分点）", "95%区间（百分点）", "p值", "Holm校正后p值", "结论")
             if not en else ("from", "to", "share", "before", "after", "change (points)", "95% interval (points)",
                             "p", "Holm-adjusted p", "verdict"))
    records = []
    for t in tests.tested.itertuples():
        decimals = _decimals_of(t.measure)
        then = stats.percent_decimal(int(t.count_before), int(t.base_before), decimals)
        now = stats.percent_decimal(int(t.count_after), int(t.base_after), decimals)
        low, high = (stats.round_half_up(float(v), decimals) for v in (t.ci_low_pct_points, t.ci_high_pct_points))
        verdict = (("beyond chance" if en else "超出偶然波动") if bool(t.changed)
                   else ("within chance" if en else "在偶然波动范围内"))
        records.append(dict(zip(heads, (
            labels.session_label(t.session_before, lang), labels.session_label(t.session_after, lang),
            _test_name(t, figures, cfg, lang),
            _ratio_cell(t.count_before, t.base_before, then, decimals, lang),
            _ratio_cell(t.count_after, t.base_after, now, decimals, lang),
            _points_cell(now - then, decimals, signed=True), _points_interval_cell(low, high, decimals, lang),
            _p_cell(t.p_value), _p_cell(t.p_holm), verdict))))
    return pd.DataFrame(records, columns=list(heads))


# ---------------------------------------------------------------------------------------
# Headline figures as short texts
# ---------------------------------------------------------------------------------------

_COUNT_MEASURES = ("received", "received_after_meeting", "handled", "key_supervision")
_SHARED_COUNTS = ("handled", "key_supervision")  # count cards that print their share too


def headline_items(figures: pd.DataFrame, session: str, *, config=None, lang: str = "zh") -> list[dict]:
    """The session's headline figures as texts: [{name, label, value, change, note}], in report order.

    ``value`` is "172件" or "52.3%" (counts with their share where one is meaningful),
    ``change`` the move from the previous session in the frame ("比上次会议增加13件",
    "减少1.9个百分点": the difference of the two figures as printed; "" for the first
    session; "不作比较" when the two shares have different bases), ``note`` what the figure rests on (its base,
    推算, 数据暂缺), ``name`` a stable key such as "handled:国际港务区". One dict per row of
    ``metrics.headline_figures``, shaped for ``report.show_headline(**item)``.
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    label = _sessions.canonical_session(session) or session
    head = metrics.headline_figures(figures, sessions=[label])
    items = []
    for row in head.itertuples():
        is_count = row.measure in _COUNT_MEASURES
        items.append({
            "name": f"{row.measure}:{row.handler}" if row.handler else row.measure,
            "label": _capitalised(_headline_label(row, cfg, lang)),
            "value": _headline_value(row, is_count, lang),
            "change": _headline_change(row, figures, is_count, lang),
            "note": _headline_note(row, lang, labels.date_label(figures.attrs.get("as_of_date", ""), lang)),
        })
        ranged = metrics.on_time_bounds(figures, label, row.handler) if row.measure == "replied_on_time" else None
        if ranged is not None:  # known only as a range: both ends, never one exact-looking percent
            items[-1].update(value=labels.on_time_range(ranged.low_pct, ranged.high_pct, lang, PERCENT_DECIMALS),
                             change="", note=labels.on_time_range_note(ranged.undetermined, lang))
    return items


def _capitalised(text: str) -> str:
    """A heading-style label: first letter upper-case (no effect on Chinese)."""
    return text[:1].upper() + text[1:]


def _headline_label(row, cfg: dict, lang: str) -> str:
    owner = labels.handler_label(row.handler, lang) if row.handler else ""
    if row.measure == "handled":
        return f"{owner}{_verb(row.handler, cfg)}" if lang != "en" else f"handled by the {owner}"
    if row.measure == "solved":
        codes = [c for c in row.category.split("+") if c]
        name = ("、".join(f"{c}类" for c in codes) + "占比") if lang != "en" else (
            "share in " + " and ".join(f"class {c}" for c in codes))
    elif row.measure in ("received", "received_after_meeting", "key_supervision"):
        name = labels.measure_label(row.measure, lang)
    else:
        name = labels.rate_label(row.measure, lang)
    if not owner:
        # Every body has its own rate and count too: the all-bodies figure says whose it is.
        # Received suggestions are counted before any body has them, so they name none.
        if row.measure in ("received", "received_after_meeting"):
            return name
        return labels.with_body(name, labels.handler_label("", lang), lang)
    return f"{owner}{name}" if lang != "en" else labels.with_body(name, owner, lang)


def _headline_value(row, is_count: bool, lang: str) -> str:
    if is_count:
        if not _known(row.count):
            return labels.not_available(lang)
        text = f"{int(row.count)}件" if lang != "en" else str(int(row.count))
        if row.measure in _SHARED_COUNTS:
            share = _percent_text(row, lang, SHARE_DECIMALS if row.measure == "handled" else PERCENT_DECIMALS,
                                  mark=False)
            if share != labels.not_available(lang):
                text += f"（{share}）" if lang != "en" else f" ({share})"
        return text
    return _percent_text(row, lang, mark=False)  # a mismatch is said in the note


def _headline_change(row, figures: pd.DataFrame, is_count: bool, lang: str) -> str:
    if not row.previous_session:
        return ""
    if is_count:
        if not (_known(row.count) and _known(row.previous_count)):
            return ""
        delta = int(row.count) - int(row.previous_count)
        if lang == "en":
            return f"{delta:+d} on the previous session" if delta else "unchanged from the previous session"
        return f"比上次会议{_direction_zh(delta)}{abs(delta)}件" if delta else "与上次会议持平"
    then = _find(figures, row.previous_session, row.handler, row.measure, row.category)
    if then is None:
        return ""
    if _known(row.base) and _known(then.base) and not metrics.same_base(then, row):
        return ("not comparable with the previous session: another base" if lang == "en"
                else "与上次会议基数不同，不作比较")
    # The difference of the two figures as printed, so a reader can check it.
    delta = printed_change(row, then, PERCENT_DECIMALS)
    if delta is None:
        return ""
    if lang == "en":
        return f"{'+' if delta > 0 else ''}{delta} percentage points on the previous session" if delta else (
            "unchanged from the previous session")
    return f"比上次会议{_direction_zh(delta)}{abs(delta)}个百分点" if delta else "与上次会议持平"


def _headline_note(row, lang: str, as_of: str = "") -> str:
    notes = []
    # a rate card shows its percent: the percent's own status (a count card, its count's)
    status = row.status if row.measure in _COUNT_MEASURES else getattr(row, "percent_status", row.status)
    # a rate printed without its count is shown, as printed: only its count is missing, and a rate card shows no count
    shown = _known(row.count) or (row.measure not in _COUNT_MEASURES and status == "printed"
                                   and labels.printed_percent(row) is not None)
    if row.status == "unknown" or not shown:
        notes.append("数据暂缺" if lang != "en" else "not available")
    elif status in ("derived", "printed"):
        notes.append(labels.status_label(status, lang))
    mismatch = _mismatch(row, lang) if row.measure not in _COUNT_MEASURES or _known(row.count) else ""
    if mismatch:  # the mark's words without their brackets: 与件数不符
        notes.append(mismatch.strip(" （）()"))
    # A count card shows a share beside it (151件（87.79%）): its base is named too, as on every rate card.
    shares = row.measure in _SHARED_COUNTS and _known(row.count)
    if (row.measure not in _COUNT_MEASURES or shares) and _known(row.base):
        base = labels.base_label(row.base_measure, lang)
        when = ""
        if row.base_measure == metrics.ON_TIME_BASE and as_of:
            when = f"（截至{as_of}）" if lang != "en" else f" (as of {as_of})"
        notes.append(f"基数：{base}{int(row.base)}件{when}" if lang != "en" else f"base: {base} {int(row.base)}{when}")
    return "；".join(notes) if lang != "en" else "; ".join(notes)


# ---------------------------------------------------------------------------------------
# Where the numbers came from; the overview table
# ---------------------------------------------------------------------------------------


def data_note(figures: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence saying what the figures rest on: ledger files (sample data or not), published figures."""
    labels.check_lang(lang)
    notes = []
    ledger = figures[figures["basis"] == "ledger"]
    if len(ledger):
        source = ("、" if lang != "en" else ", ").join(sorted({s for s in ledger["source"] if s}))
        sample = bool(ledger["is_sample"].fillna(False).any())
        sessions = "、".join(labels.session_label(s, lang) for s in metrics.order_sessions(
            (s for s in ledger["session"] if not metrics.is_total_label(s)), metrics.frame_years(ledger)))
        if lang == "en":
            sessionsen = "; ".join(labels.session_label(s, "en") for s in metrics.order_sessions(
                (s for s in ledger["session"] if not metrics.is_total_label(s)), metrics.frame_years(ledger)))
            notes.append(f"Figures for {sessionsen} are counted case by case from the ledger"
                         + (f" {source}" if source else "")
                         + (" — SAMPLE DATA, not a real ledger" if sample else ""))
        else:
            notes.append(f"{sessions}的数字由台账{(' ' + source + ' ') if source else ''}逐件统计" + ("（示例数据，并非真实台账）" if sample else ""))
    published = figures[figures["basis"] == "published"]
    if len(published):
        # A published row's source is "file：paragraph" (a derived row: "file, file"); the note names each file once.
        source = ("、" if lang != "en" else ", ").join(sorted({f for s in published["source"] for f in _source_files(s)}))
        percents = published.get("percent_status", published["status"])  # a share reached by arithmetic is marked too
        derived = bool((published["status"] == "derived").any() or (percents == "derived").any())
        sessions = metrics.order_sessions((s for s in published["session"] if not metrics.is_total_label(s)),
                                          metrics.frame_years(published))
        if lang == "en":
            notes.append("Figures for " + "; ".join(labels.session_label(s, "en") for s in sessions)
                         + f" come from published figures ({source})"
                         + (", those marked 'derived' by arithmetic from the printed ones" if derived else ""))
        else:
            notes.append("、".join(labels.session_label(s, lang) for s in sessions) + f"的数字取自公开数字（{source}）"
                         + ("，标“推算”的由原文数字推算得出" if derived else ""))
        files = {f for s in published["source"] for f in _source_files(s)}
        named = [c for c in figures.attrs.get("congresses", [""]) if c]
        if len(named) > 1:  # the files name different congresses: their periods are not one congress's
            notes.append(_SEVERAL_CONGRESSES[lang].format(names=("、" if lang != "en" else ", ").join(named)))
        elif len(files) > 1 and len(sessions) > 1 and "" in figures.attrs.get("congresses", [""]):
            notes.append(_ONE_CONGRESS[lang].format(n=len(files)))  # no congress named: an assumption, stated
    if not notes:
        return ""
    return ("; ".join(notes) + ".") if lang == "en" else ("；".join(notes) + "。")


# Periods read from several published files are drawn as one congress's: the files name no reporting congress, so the
# page says that it assumes it (U13 and U16 are two cities' reports, both 市政府's, and nothing in the data tells them apart).
_ONE_CONGRESS = {
    "zh": "各期分别取自{n}个文件，本页假定它们是同一人大的各期报告，并据此比较；文件未注明报告机关，数据无法核实这一点",
    "en": "the periods come from {n} files, which this page assumes to be reports of one congress and compares as "
          "such; the files do not name the reporting congress, so the data cannot confirm it",
}


_SEVERAL_CONGRESSES = {
    "zh": "注意：这些文件注明的报告机关不同（{names}），各期不是同一人大的报告，本页各期之间的比较不能当作同一人大的变化",
    "en": "note that the files name different reporting congresses ({names}): the periods are not one congress's, and "
          "the comparisons between them on this page are not changes within one congress",
}


SUMMARY_RATES = ("completed", "satisfied_or_basic", "replied_on_time")  # the overview's rate columns


def summary_table(figures: pd.DataFrame, *, scheme=None, config=None, lang: str = "zh",
                  outcome_handler: str | None = None, rates: tuple[str, ...] = SUMMARY_RATES,
                  also: tuple[str, ...] = (), class_bodies: tuple[str, ...] = (),
                  other_kinds: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """One display row per session (and total): received, per body, port-zone share, classes, rates — as text.

    Columns (already in the reader's language): 届次, 依据, 收到建议, 会后, one per body
    (办理件数), the port zone's share, one per class of ``outcome_handler`` (default
    ``metrics.outcome_body``; "count（percent）"), then its 办结率, 满意率（含基本满意）, 按期答复率. Cells are text
    as printed — counts, percents to one decimal (the share to two), "（推算）" after derived
    values, "暂缺" / "n/a" for unknown ones — and known figures are ``labels.Shown`` cells
    carrying their numbers for the Excel workbook (a class cell: its count and its share). ``rates``: the rate
    columns; ``also``: sessions given a row though no received or handled count of theirs is known; ``class_bodies``:
    other bodies whose class columns follow ``outcome_handler``'s (each named with its body: T01's all bodies' and
    市政府's A类 are two columns, never two values under one label); ``other_kinds``: body → the periods whose classes
    are printed in another scheme than the columns' (``metrics.other_scheme_sessions``): their classes go, as printed,
    in one column of the body's (``_as_printed_header``), and its class columns are "—" there, never 暂缺.
    """
    labels.check_lang(lang)
    cfg = metrics._config(config, figures)
    active = metrics._scheme(scheme, figures, cfg)
    body = metrics.outcome_body(figures, scheme=active, config=cfg) if outcome_handler is None else outcome_handler
    zone = str(cfg.get("port_zone", ""))
    na = "暂缺" if lang != "en" else "n/a"
    derived = labels.derived_mark(lang)

    def cell(row, what: str, decimals: int = PERCENT_DECIMALS) -> str:
        if row is None:
            return na
        if what == "count":
            mark = derived if row.status == "derived" else ""
            return labels.format_count(row.count, lang, suffix=mark) if _known(row.count) else na
        return _pct_cell(row, decimals, lang, _percent_mark(row, lang) + _mismatch(row, lang)) or na

    bodies = [h for h in cfg.get("handlers", [])]
    # each body printing classes has its own columns, in the order given (all bodies' first)
    owners = class_bodies if body in class_bodies else (body, *class_bodies)
    records = []
    shown = figures[figures["measure"].isin(["received", "handled"]) & figures["count"].notna()]["session"]
    for label in metrics.order_sessions(dict.fromkeys([*shown.unique(), *also]), metrics.frame_years(figures)):
        rows = figures[figures["session"] == label]
        record = {
            labels.column_label("session", lang): labels.session_label(label, lang),
            labels.column_label("basis", lang): "、".join(
                labels.basis_label(b, lang) for b in dict.fromkeys(rows["basis"])) if lang != "en" else ", ".join(
                labels.basis_label(b, lang) for b in dict.fromkeys(rows["basis"])),
            labels.measure_label("received", lang): cell(_find(figures, label, "", "received"), "count"),
            labels.measure_label("received_after_meeting", lang): cell(
                _find(figures, label, "", "received_after_meeting"), "count"),
        }
        for h in bodies:
            handled = _find(figures, label, h, "handled")
            record[f"{labels.handler_label(h, lang)}{'' if lang != 'en' else ': '}"
                   f"{labels.measure_label('handled', lang)}"] = _handled_cell(handled, cell(handled, "count"), lang,
                                                                               share_shown=h == zone)
        if zone:
            name = (f"{labels.handler_label(zone, lang)}占比" if lang != "en"
                    else f"{labels.handler_label(zone, lang)}: share")
            record[name] = cell(_find(figures, label, zone, "handled"), "pct", SHARE_DECIMALS)
        for owner in owners:
            other = label in (other_kinds or {}).get(owner, ())
            for c in active.classes:
                row = _find(figures, label, owner, "outcome", c.code)
                name = c.code if active.name == "wordings" else labels.class_label(c.code, lang)  # a wording is its name
                header = f"{labels.handler_label(owner, lang)} {name}"
                if other and row is None:  # its classes are another scheme's, in the column after these
                    record[header] = "—"
                elif row is not None and _known(row.count) and _pct_cell(row, PERCENT_DECIMALS, lang):  # 0 of 0: no share
                    record[header] = _count_share_cell(row, lang, cell(row, "count"), cell(row, "pct"))
                elif row is not None and not _known(row.count) and _pct_cell(row, PERCENT_DECIMALS, lang):
                    record[header] = cell(row, "pct")  # a share printed without its count (T01's 56.7%): as printed
                else:
                    record[header] = cell(row, "count")
            if (other_kinds or {}).get(owner):  # a period printing the columns' classes: "—"; none at all: 暂缺
                printed_any = (figures["session"] == label) & (figures["handler"] == owner) & (
                    figures["measure"] == "outcome") & (figures["count"].notna() | figures["share_pct"].notna())
                record[_as_printed_header(owner, lang)] = (
                    _as_printed_cell(figures, label, owner, set(active.codes), lang) if other
                    else "—" if printed_any.any() else na)
        for measure in rates:
            # the rates are the classes' body's, as its class columns are: the header says so
            header = (f"{labels.handler_label(body, lang)}{labels.rate_label(measure, lang)}" if lang != "en"
                      else f"{labels.handler_label(body, lang)}: {labels.rate_label(measure, lang)}")
            ranged = metrics.on_time_bounds(figures, label, body) if measure == "replied_on_time" else None
            record[header] = (labels.on_time_range(ranged.low_pct, ranged.high_pct, lang, PERCENT_DECIMALS)
                              if ranged is not None else
                              cell(_find(figures, label, body, measure) or _only(figures, label, body, measure), "pct"))
        records.append(record)
    return labels.periods_named(pd.DataFrame(records), figures["session"], lang)  # 届次, 年度 or 期间 by its periods


_INNER_MARK = {"zh": "，推算", "en": ", derived"}  # a derived share inside the brackets after its count


def _count_share_cell(row, lang: str, count: str, share: str, name: str = "") -> str:
    """A class's count and share in one cell, '54（58.07%）' (``name`` before it: a class named as printed); the share's
    own mark inside its brackets: 86（66.7%，推算）, the workbook's share column 66.7%（推算）; a count and a share both
    derived say it once: 32（24.8%，均为推算）. In the workbook the count under ``name`` and the share beside it."""
    both = row.status == "derived" and bool(_percent_mark(row, lang))
    shown = labels.format_count(row.count, lang) if both else count
    inner = _pct_cell(row, PERCENT_DECIMALS, lang) + (
        labels.BOTH_DERIVED[lang] if both else _INNER_MARK[lang] if _percent_mark(row, lang) else "") + (
        _mismatch(row, lang, inner=True))
    text = f"{shown}（{inner}）" if lang != "en" else f"{shown} ({inner})"
    return labels.combined(f"{name} {text}" if name else text, (count, name),
                           (share, f"{name} {_SHARE_HEADER[lang]}" if name else _SHARE_HEADER[lang]))


def _as_printed_header(body: str, lang: str) -> str:
    """The column of a body's classes printed in another scheme than the class columns': '市政府 原文分类'."""
    return (f"{labels.handler_label(body, lang)} {_AS_PRINTED['zh']}" if labels.check_lang(lang) != "en"
            else f"{labels.handler_label(body, lang)}: {_AS_PRINTED['en']}")


_AS_PRINTED = {"zh": "原文分类", "en": "classes as printed"}


def _as_printed_cell(figures: pd.DataFrame, session: str, body: str, codes: set, lang: str) -> str:
    """A period's classes of another scheme in one cell, each named and counted as printed:
    '得到解决或正在实施 38（38%）；已经予以采纳并计划在今后逐步解决 40（40%）；…' (in the workbook, each count and share)."""
    rows = figures[(figures["session"] == session) & (figures["handler"] == body)
                   & (figures["measure"] == "outcome") & ~figures["category"].isin(codes)]
    cells = []
    for row in rows.itertuples():
        # a code of the report's own (一, 二 of a 一类/二类 list) named as a class, a wording as printed
        name = labels.class_label(row.category, lang) if len(str(row.category)) == 1 else str(row.category)
        count = labels.format_count(row.count, lang, suffix=labels.derived_mark(lang) if row.status == "derived"
                                    else "") if _known(row.count) else ""
        share = _pct_cell(row, PERCENT_DECIMALS, lang, _percent_mark(row, lang) + _mismatch(row, lang))
        cells.append(_count_share_cell(row, lang, count, share, name) if count and share else labels.combined(
            f"{name} {count or share or labels.not_available(lang)}", (count or share, name)))
    # each class's numbers under the sub-column it names
    return labels.Shown(("；" if lang != "en" else "; ").join(cells), *(n for c in cells for n in c.numbers))


def _handled_cell(row, count: str, lang: str, share_shown: bool) -> str:
    """A body's handled count, and beside it in brackets the share the report printed for it when no convention
    explains that share (U14: 23 printed as 2.24% of 401, its misprint marked where the 23 is shown, not only in the
    findings): '23（2.24%，与件数不符）'. A body whose share has its own column (the port zone) is marked there."""
    if row is None or share_shown or not _known(row.count) or not _mismatch(row, lang):
        return count
    inner = _pct_cell(row, PERCENT_DECIMALS, lang) + _mismatch(row, lang, inner=True)
    mark = labels.derived_mark(lang) if row.status == "derived" else ""
    return labels.format_count(row.count, lang, suffix=mark + (f"（{inner}）" if lang != "en" else f" ({inner})"))


def _pct_cell(row, decimals: int, lang: str, suffix: str = "") -> str:
    """A share's table cell (a ``Shown`` carrying its number): as printed when the report printed it ('52.30%',
    '90%以上'), else computed at ``decimals``; '' when there is none."""
    printed = labels.printed_percent(row)
    if printed is not None and printed.number is not None:
        return labels.format_printed_pct(printed, lang, suffix)
    value = _percent(row, decimals)
    return labels.format_pct(value, decimals, lang, suffix=suffix) if value is not None else ""


def _percent_mark(row, lang: str) -> str:
    """（推算） after a percent reached by arithmetic: the percent's own status, never its count's (a printed 51.11%
    beside a derived count is printed; 12.21% of a derived total, beside a printed count, is derived). A frame without
    ``percent_status`` (an older caller's) goes by the count's."""
    status = getattr(row, "percent_status", None)
    return labels.derived_mark(lang) if (row.status if status is None else status) == "derived" else ""


def trends_summary_table(figures: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """``summary_table`` of the trends page. Made from printed reports alone, it leaves out the columns no period has a
    figure in (our A/B/C and rates no report printed, all 暂缺) and ``published_summary_note`` says what they are, as
    the figures check does; a ledger's table keeps every column (its note is '')."""
    if not metrics._published_only(figures):
        table = summary_table(figures, lang=lang)
        table.attrs["not_printed"], table.attrs["not_printed_note"] = [], ""
        return table
    # a satisfaction rate printed as 满意 alone (T17 99.2%, 99.3%, 99.7%) is a column of its own name beside
    # 满意率（含基本满意）, never merged into it, and a period printing only it gets a row
    # the classes' body; reports printing no class: the body whose rates they print (U12's 代表满意率 100% is all
    # bodies', not 镇政府's: its column, not "镇政府的满意率 未印出")
    body = metrics.outcome_body(figures)
    rates_body, rates = metrics.printed_rates(figures)
    if not metrics.outcomes_known(figures) and rates:
        body = rates_body
    printed = _printed_rates(figures, body, "satisfied")
    # every body printing a class has its columns (T01: all bodies' A 56.7% at session 4, 63.9% at session 5, beside
    # 市政府's and 其他's), and a period printing one has its row
    known = figures[(figures["measure"] == "outcome") & (figures["count"].notna() | figures["share_pct"].notna())
                    & figures["category"].isin(metrics.printed_scheme(figures).codes)  # own wordings: in the note
                    & ~figures["session"].map(metrics.is_total_label)]
    configured = ["", *map(str, metrics._config(None, figures).get("handlers") or [])]
    # a period printing its classes in another scheme (U16's own wordings beside U13's A–D): shown as printed
    other = {b: found for b in dict.fromkeys(map(str, figures.loc[figures["measure"] == "outcome", "handler"]))
             if (found := metrics.other_scheme_sessions(figures, b))}
    held = set(map(str, known["handler"])) | set(other)
    class_bodies = tuple(b for b in [*configured, *sorted(held - set(configured))] if b in held)
    also = tuple(dict.fromkeys([*printed, *known.loc[known["handler"].isin(class_bodies), "session"],
                                *(s for found in other.values() for s in found)]))
    table = summary_table(figures, lang=lang, also=also, outcome_handler=body, class_bodies=class_bodies,
                          rates=SUMMARY_RATES[:2] + ("satisfied",) * bool(printed) + SUMMARY_RATES[2:],
                          other_kinds=other)
    if printed:  # named as printed when its wording leaves open whether it counts 基本满意 (U12's 代表满意率), as the
        # figures check and the rates below name it: one name per figure across pages
        from .charts import rate_name  # plotly only for a page that shows it

        shown = figures[(figures["handler"] == body) & (figures["measure"] == "satisfied")
                        & figures["session"].isin(printed)]
        names = {rate_name(figures, body, "satisfied", str(k), lang) for k in shown["category"]}
        own, named = _rate_header(body, "satisfied", lang), labels.body_rate_label(body, next(iter(names)), lang)
        if len(names) == 1 and named in table.columns:
            # printed as 满意和基本满意 (R01, R14): it is the 满意率（含基本满意） column's figure, in it, never a second
            # column of that name; unless the column has a figure of its own for that period
            here = table[named].map(lambda v: str(v).strip() not in _NOTHING)
            there = table[own].map(lambda v: str(v).strip() not in _NOTHING)
            if not (here & there).any():
                table[named] = [b if t else a for a, b, t in zip(table[named], table[own], there)]
                table = table.drop(columns=[own])
        elif len(names) == 1:
            table = table.rename(columns={own: named})
    # classes printed only in another scheme (R08's 得到解决或计划逐步解决): shown as printed, no column of 暂缺/— for ours
    scheme = metrics._scheme(None, figures, metrics._config(None, figures))
    for owner in other:
        ours = [f"{labels.handler_label(owner, lang)} "
                + (c.code if scheme.name == "wordings" else labels.class_label(c.code, lang)) for c in scheme.classes]
        table = table.drop(columns=[c for c in ours if c in table.columns
                                    and not (set(map(str, table[c])) - _NOTHING)])
    # no class printed in any period: one "outcome classes" item under the table, never our A类、B类、C类 by name
    classes = [c for c in table.columns if c.startswith(f"{labels.handler_label(body, lang)} ")
               and not (set(map(str, table[c])) - _NOTHING)]
    if classes and len(classes) == len(metrics.printed_scheme(figures).classes):
        table = table.drop(columns=classes[1:]).rename(columns={classes[0]: _classes_header(body, lang)})
    files = {f for s in figures["source"] for f in _source_files(s)}
    see = ("the page “" + _page_title("figures_check", lang) + "”" if lang == "en"
           else "“" + _page_title("figures_check", lang) + "”页")
    return _printed_columns(table, figures, lang, several=len(files) > 1, see=see,
                            shown=("satisfied",) if printed else ())


def _printed_rates(figures: pd.DataFrame, body: str, measure: str) -> list[str]:
    """The sessions in which ``body``'s ``measure`` has a printed percent and is the only one of its kind (the
    table's cell takes a lone figure, ``_only``)."""
    rows = figures[(figures["handler"] == body) & (figures["measure"] == measure)
                   & figures.get("percent_status", figures["status"]).eq("printed")]
    return [s for s in dict.fromkeys(rows["session"]) if not metrics.is_total_label(s)
            and _only(figures, s, body, measure) is not None]


_CLASSES = {"zh": "办理结果分类", "en": "outcome classes"}


def _classes_header(body: str, lang: str) -> str:
    """The one column standing for a body's outcome classes when none is printed: '镇政府办理结果分类'."""
    return f"{labels.handler_label(body, lang)}{'' if lang != 'en' else ': '}{_CLASSES[lang]}"


def _page_title(name: str, lang: str) -> str:
    """A page's title as ``views`` names it (imported late: views imports this module)."""
    from . import views

    return views.title(name, lang)


def published_summary_table(result, *, config=None, lang: str = "zh") -> pd.DataFrame:
    """``summary_table`` of a reconciliation (or its figures frame), in the bodies and outcome classes its reports print.

    A report from any congress: its bodies (ours first, in the configured order, then the others it names), the port
    zone's share only when the port zone is among them, and the classes read from the outcome labels of the first
    body that prints them (``metrics.printed_scheme``: the configured scheme when they are its codes, else the
    report's own, named as printed). Our own figures give the table ``summary_table`` gives them. Several reports (each file a report of its own) give
    a row per report and session, the report first; a column one report does not have is "—" in the others' rows.
    A column no report prints (every cell 暂缺 or —) is left out; ``published_summary_note`` names what they do not
    print, the line under the table.
    """
    cfg = metrics._config(config)
    figures = getattr(result, "figures", result)  # a Reconciliation or its figures frame
    reports = list(dict.fromkeys(figures["report"])) if "report" in figures.columns else []
    if len(reports) > 1:
        tables = [_report_summary(figures[figures["report"] == name].reset_index(drop=True), cfg, lang)
                  for name in reports]
        head = labels.column_label("report", lang)
        absent = [name for t, name in zip(tables, reports) if not len(t)]
        # one period column for all (each report's table is headed by its own periods: 2022年度's 年度, a session's 届次)
        tables = [labels.periods_named(t, figures["session"], lang).assign(**{head: name})
                  for t, name in zip(tables, reports) if len(t)]
        out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        out = out[[head] + [c for c in out.columns if c != head]].fillna("—") if tables else out
        out = _printed_columns(out, figures, lang, several=True)
        if absent and tables:  # a report with no row is named, not silently missing from the table
            names = ("、" if lang != "en" else ", ").join(str(a) for a in absent)
            out.attrs["not_printed_note"] = out.attrs["not_printed_note"] + (f" Not in the table: {names} (no count of suggestions received or "
                                              "handled printed)." if lang == "en"
                                              else f"{names}未印出收到或办理的建议件数，不在表中。")
            out.attrs["not_printed_note"] = out.attrs["not_printed_note"].strip()
        return out
    return _printed_columns(_report_summary(figures, cfg, lang), figures, lang, several=False)


_NOTHING = {"", "暂缺", "n/a", "—"}  # a cell that gives no figure


def _printed_columns(table: pd.DataFrame, figures: pd.DataFrame, lang: str, several: bool,
                     see: str | None = None, shown: tuple[str, ...] = ()) -> pd.DataFrame:
    """``table`` without the columns no report on the page prints (every cell 暂缺 or —): ten columns of nothing on a
    phone say less than one line. What they would have held is in ``attrs["not_printed"]`` (the headers) and
    ``attrs["not_printed_note"]`` (the line under the table, ``published_summary_note``); those printed in a form the
    table does not read are named apart (``_printed_otherwise``)."""
    if table.empty:  # no session with a received or handled count: nothing to tabulate, and the note says why
        out = table.copy()
        out.attrs["not_printed"] = []
        out.attrs["not_printed_note"] = (
            ("None of the reports prints" if several else "The report prints no") + " count of suggestions received "
            "or handled: there is no overview to show." if labels.check_lang(lang) == "en"
            else ("各报告均" if several else "原文") + "未印出收到或办理的建议件数，没有可列的概况。")
        return out
    kept = {labels.column_label(k, lang) for k in ("report", "session", "basis")}
    empty = [c for c in table.columns if c not in kept
             and all(pd.isna(v) or str(v).strip() in _NOTHING for v in table[c])]
    out = table.drop(columns=empty)
    out.attrs["not_printed"] = list(empty)
    other = _printed_otherwise(empty, figures, lang, shown, columns=tuple(table.columns))
    out.attrs["not_printed_note"] = ("" if lang != "en" else " ").join(t for t in (
        _not_printed_note([h for h in empty if h not in other], figures, lang, several),
        _otherwise_note(list(dict.fromkeys(n for names in other.values() for n in names)), figures, lang, see)) if t)
    return out


# A rate column of the overview and the measures a report may print it as: a report printing 满意或基本满意 993 (99.9%)
# as its satisfied figure has no satisfied_or_basic row, yet it prints a satisfaction rate: never "未印出".
_RATE_FORMS = {"completed": ("completed",), "satisfied_or_basic": ("satisfied_or_basic", "satisfied",
                                                                   "basically_satisfied"),
               "replied_on_time": ("replied_on_time", "replied")}




def _printed_otherwise(headers: list[str], figures: pd.DataFrame, lang: str, shown: tuple[str, ...] = (),
                       columns: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """The rates the report prints in a form the overview does not read (a satisfaction rate printed as the 满意 class;
    one body's 闭会 count under the total's column; outcome classes in the report's own wording, R08's 得到解决或计划逐步解决
    74.2%, under the one classes column), or of a body the table has no rate column for: they are printed,
    only not in this table. Each dropped header (or, for a body without columns, the header it would have) → the names
    of what was printed ('县政府按期答复率' → ('县政府办复率',) when only 办复率 is printed; ``_printed_rate_name``).
    ``shown``: measures the table has a column of their own for (not 'printed otherwise' then: in it); ``columns``: the
    table's columns."""
    printed = str(labels.FigureStatus.PRINTED)
    given = figures[(figures["status"] == printed) | (figures["percent_status"] == printed)
                    if "percent_status" in figures.columns else figures["status"] == printed]
    out: dict[str, tuple[str, ...]] = {}
    after = labels.measure_label("received_after_meeting", lang)  # the column is the total's: a body's is not it
    if after in headers and (given["handler"].fillna("").ne("") & given["measure"].eq("received_after_meeting")).any():
        out[after] = (after,)
    for handler in dict.fromkeys(figures["handler"].fillna("")) if len(figures) else []:
        for measure, forms in _RATE_FORMS.items():
            header = _rate_header(handler, measure, lang)
            rows = given[(given["handler"].fillna("") == handler) & given["measure"].isin(set(forms) - set(shown))]
            if len(rows) and (header in headers or header not in columns):
                out[header] = tuple(dict.fromkeys(_printed_rate_name(row, handler, measure, lang)
                                                  for row in rows.itertuples()))
    for handler in dict.fromkeys(figures["handler"].fillna("")) if len(figures) else []:
        classes = _classes_header(handler, lang)
        if classes not in headers or _as_printed_header(handler, lang) in columns:  # shown as printed, in the table
            continue
        own = figures[(figures["handler"] == handler) & (figures["measure"] == "outcome")]
        if (own["count"].notna() | own["share_pct"].notna()).any():
            out[classes] = (classes,)
    return out


def _printed_rate_name(row, handler: str, column: str, lang: str) -> str:
    """What a printed rate is, named as certainly as the package can tell (``labels.printed_rate_label``), with its
    body: the column's name when it is the column's measure, else its own ('县政府办复率', '全部承办主体代表满意率')."""
    labels.check_lang(lang)
    return labels.body_rate_label(handler, labels.rate_label(column, lang) if row.measure == column else labels.printed_rate_label(
        row.measure, getattr(row, "category", ""), lang), lang)


def _rate_header(handler: str, measure: str, lang: str) -> str:
    """An overview rate column's header: '县政府按期答复率' / 'County government: on-time reply rate'."""
    return labels.body_rate_label(handler, labels.rate_label(measure, lang), lang)


def _otherwise_note(headers: list[str], figures: pd.DataFrame, lang: str, see: str | None = None) -> str:
    """'区政府的满意率（含基本满意）：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。' (``see``: where else
    the figures are, on a page without that table)."""
    if not headers:
        return ""
    named = _not_printed_note(headers, figures, lang, False)
    named = named.split("：", 1)[1].rstrip("。") if lang != "en" else named.split(": ", 1)[1].rstrip(".")
    see = see or (f"“{_figures_heading(lang)}”")
    return (f"Printed, but not in this table (another definition or body): {named}; see {see}." if lang == "en"
            else f"{named}：原文另有印出（口径或承办主体不同），不在本表，见{see}。")


def _figures_heading(lang: str) -> str:
    from . import views  # the page's figure-by-figure table, named as its heading names it

    return views.heading("figures", lang)


def _not_printed_note(headers: list[str], figures: pd.DataFrame, lang: str, several: bool) -> str:
    """'原文未印出：闭会期间提出（会后）；全部承办主体的A类、B类、C类、办结率。': the dropped headers, grouped by the body
    they are of (the body named once)."""
    if not headers:
        return ""
    en = labels.check_lang(lang) == "en"
    bodies = sorted({labels.handler_label(h, lang) for h in dict.fromkeys(figures["handler"].fillna(""))} - {""},
                    key=len, reverse=True)  # longest first: 市政府办公室 before 市政府
    groups: dict[str, list[str]] = {}
    for header in headers:
        body = next((b for b in bodies if header.startswith(b) and len(header) > len(b)), "")
        item = header[len(body):].lstrip(" :：") if body else header
        groups.setdefault(body, []).append(item)
    if en:
        parts = [(f"{body}: " if body else "") + ", ".join(items) for body, items in groups.items()]
        head = "Printed in none of the reports" if several else "Not printed in the report"
        return f"{head}: " + "; ".join(parts) + "."
    parts = [(f"{body}的" if body else "") + "、".join(items) for body, items in groups.items()]
    return ("各报告均未印出：" if several else "原文未印出：") + "；".join(parts) + "。"


def published_summary_note(table: pd.DataFrame, lang: str = "zh") -> str:
    """The line under ``published_summary_table``: what the report(s) do not print ('' when every column is printed);
    for a table with no row (no received or handled count printed), why there is none, shown instead of it."""
    labels.check_lang(lang)
    return str(table.attrs.get("not_printed_note", ""))


def _report_summary(figures: pd.DataFrame, cfg: dict, lang: str) -> pd.DataFrame:
    """``published_summary_table`` of one report's figures."""
    named = list(dict.fromkeys(figures.loc[figures["handler"].ne("") & figures["measure"].isin(["handled", "outcome"])
                                           & figures["count"].notna(), "handler"]))
    configured = [str(h) for h in cfg.get("handlers") or []]
    bodies = [h for h in configured if h in named] + [h for h in named if h not in configured]
    outcomes = figures[figures["measure"] == "outcome"]
    rates = figures[figures["measure"].isin([m for forms in _RATE_FORMS.values() for m in forms])]
    # the classes' body; a report printing no classes: the body whose rates it prints, in any of their forms (市政府办结率
    # 98.4%, not 暂缺; R06's 市政府 prints 办复率 alone: its columns are 市政府's, and the note names its 办复率)
    body = next((h for h in bodies if (outcomes["handler"] == h).any()),
                next((h for h in [""] + bodies if (rates["handler"] == h).any()), ""))
    scheme = metrics.printed_scheme(figures, body, config=cfg, own=True)
    zone = cfg.get("port_zone", "")
    local = {**cfg, "handlers": bodies, "port_zone": zone if zone in bodies else ""}
    overview = metrics.overview_from_published(figures, scheme=scheme, config=local)
    if outcomes.empty:  # a report that prints no outcome class gets no class columns (never our A/B/C, all 暂缺)
        scheme = dataclasses.replace(scheme, classes=())
    return summary_table(overview, scheme=scheme, config=local, lang=lang, outcome_handler=body)


# ---------------------------------------------------------------------------------------
# The district among other congresses (analysis.peers)
# ---------------------------------------------------------------------------------------


def _spelt(number: int) -> str:
    """A count of reports or tests in an English sentence, spelt out ('eighteen')."""
    return labels.how_many(number, "en")


def _peer_names(rows: pd.DataFrame) -> str:
    return "、".join(f"{r.peer} {r.congress}" for r in rows.itertuples())


def _per_period(rows: pd.DataFrame, lang: str) -> str:
    """'' when each report prints a rate once; else how many figures, one per period ('18个数字，每期一个')."""
    if len(rows) == rows["peer"].nunique():
        return ""
    return (f"{_spelt(len(rows))} figures, one per period" if labels.check_lang(lang) == "en"
            else f"{len(rows)}个数字，每期一个")


def peer_headline(comparison, measure: str, *, district: str, lang: str = "zh") -> dict:
    """A headline card of one compared rate: our figure, and how many reports stand above it (all, same level)."""
    en = labels.check_lang(lang) == "en"
    label = labels.with_body(f"{district}{labels.peer_rate_label(measure, lang)}" if not en
                             else f"{labels.peer_rate_label(measure, lang)}, {district}", labels.handler_label("", lang),
                             lang)
    ours = comparison.district(measure)
    if ours is None or pd.isna(ours.percent):
        return {"label": label, "value": labels.not_available(lang), "note": "", "name": f"peer:{measure}"}
    rows = comparison.of(measure)
    peers, bounded = peer_figures.ranked(rows), len(peer_figures.bounds(rows))
    rough = len(peer_figures.approximations(rows))
    above = peers[peers["percent"] > float(ours.percent)]
    same, same_above = peers[peers["same_level"]], above[above["same_level"]]
    level = labels.level_label(comparison.level, lang)
    extra, reports = _per_period(peers, lang), peers["peer"].nunique()
    if en:
        n = _spelt
        note = (f"{n(len(above))} of {n(len(peers))} reports print a higher rate" if not extra else
                f"{n(len(above))} of {n(len(peers))} figures ({n(reports)} reports, one per period) are higher")
        # our level unknown (another office's ledger): no "same level" to count against
        note += f"; at the same level ({level}) {n(len(same_above))} of {n(len(same))}" if comparison.level else ""
        note += f"; {n(bounded)} printed only as a bound, not ranked" if bounded else ""
        note += f"; {n(rough)} printed only as an approximation (about), not ranked" if rough else ""
    else:
        unit = "个" if extra else "份"
        note = (f"印出此项的{reports}份报告" + (f"（{extra}）" if extra else "") + f"中比率更高的{len(above)}{unit}"
                + (f"；同级（{level}）{len(same)}{unit}中{len(same_above)}{unit}" if comparison.level else ""))
        note += f"；另有{bounded}份只印出界限，不排名" if bounded else ""
        note += f"；另有{rough}份只印出约数，不排名" if rough else ""
    return {"label": label, "value": labels.format_pct(float(ours.percent), PERCENT_DECIMALS, lang), "note": note,
            "name": f"peer:{measure}"}


def peer_headline_items(comparison, *, district: str, lang: str = "zh") -> list[dict]:
    """The headline cards of the comparison page, one per compared rate (``peer_headline``)."""
    return [peer_headline(comparison, m, district=district, lang=lang) for m in comparison.measures]


def peer_sentence(comparison, measure: str, *, district: str, lang: str = "zh") -> str:
    """One plain sentence for a leader: where we stand on one rate and which reports differ beyond chance.

    No test name or p-value (they are in ``peers_note`` and the tests table).
    """
    en = labels.check_lang(lang) == "en"
    rate = labels.peer_rate_label(measure, lang)
    body = labels.handler_label("", lang)
    ours = comparison.district(measure)
    if ours is None or pd.isna(ours.percent):
        return (f"{rate}: our data do not give it, so it is not compared." if en
                else f"{rate}：{labels.our_congress_label(comparison.level, False, lang)}数据中没有此项，未作比较。")
    rows = comparison.of(measure)
    peers = rows[~rows["is_district"]]
    if peers.empty:
        return (f"{rate} ({body}): {district} {labels.format_pct(float(ours.percent), 1, lang)}; no report compared "
                "prints it." if en else
                f"{rate}（{body}）：{district}为{labels.format_pct(float(ours.percent), 1, lang)}；所比较的报告都没有印出此项。")
    shown = labels.format_pct(float(ours.percent), PERCENT_DECIMALS, lang)
    above = peer_figures.ranked(rows)
    above = above[above["percent"] > float(ours.percent)]
    verdict = peers["against_district"]
    bounded = peers[verdict == labels.PeerVerdict.BOUND]
    rough = peers[verdict == labels.PeerVerdict.APPROXIMATE]
    higher, lower = peers[verdict == labels.PeerVerdict.HIGHER], peers[verdict == labels.PeerVerdict.LOWER]
    within = int((verdict == labels.PeerVerdict.WITHIN_CHANCE).sum())
    alike = int((verdict == labels.PeerVerdict.NO_VARIATION).sum())  # 100% (or 0%) like ours: nothing to test
    untested = len(peers) - len(higher) - len(lower) - within - alike - len(bounded) - len(rough)
    # counted as the headline card counts (peer_headline): reports printing a value; a bound or an approximation is
    # said apart after them, so that the card and the sentence give one number of reports printing the rate
    counted = peer_figures.ranked(rows)
    same = int(counted["same_level"].sum())
    sure = round((1 - comparison.alpha) * 100)
    level = labels.level_label(comparison.level, lang)
    we = labels.our_congress_label(comparison.level, False, lang)  # after the first mention, without the sample mark
    extra, reports = _per_period(counted, lang), counted["peer"].nunique()
    if en:
        n = _spelt
        text = (f"{rate} ({body}): {district} {shown}. {n(reports).capitalize()} reports print it ("
                + (f"{extra}; " if extra else "") + (f"{n(same)} at the same level, {level}" if comparison.level
                                                         else "our level not known") + "); "
                f"{n(len(above))} of them higher than {we}. ")
        if len(higher) or len(lower):
            text += (f"Beyond chance (judged with {sure}% confidence): {n(len(higher))} higher"
                     + (f" ({_peer_names(higher)})" if len(higher) else "")
                     + f", {n(len(lower))} lower" + (f" ({_peer_names(lower)})" if len(lower) else ""))
        else:
            text += f"None differs from {we} beyond chance (judged with {sure}% confidence)"
        text += f"; {n(within)} within chance of {we}" if within else ""
        text += f"; {n(alike)} at 100% or 0% like {we}" if alike else ""
        text += (f"; {n(untested)} not judged (a percent alone, a count without its base, or another kind of base)."
                 if untested else ".")
        apart = ([f"{n(len(bounded))} printed only as a bound ({_bounds_named(bounded, lang)}), which is not a value: "
                  "not ranked or tested"] if len(bounded) else []) + (
                 [f"{n(len(rough))} printed only as an approximation ({_bounds_named(rough, lang)}), which is not an "
                  "exact value: not ranked or tested"] if len(rough) else [])
        return text + (" Besides these, " + "; ".join(apart) + "." if apart else "")
    unit = "个" if extra else "份"
    text = (f"{rate}（{body}）：{district}为{shown}。印出此项的报告{reports}份" + (f"（{extra}）" if extra else "")
            + (f"，其中同级（{level}）{same}{unit}" if comparison.level else "") + f"；比率高于{we}的{len(above)}{unit}。")
    if len(higher) or len(lower):
        text += (f"与{we}的差异超出偶然波动范围的（有{sure}%的把握）："
                 f"较高{len(higher)}{unit}" + (f"（{_peer_names(higher)}）" if len(higher) else "")
                 + f"，较低{len(lower)}{unit}" + (f"（{_peer_names(lower)}）" if len(lower) else ""))
    else:
        text += f"没有一{unit}与{we}的差异超出偶然波动范围（有{sure}%的把握）"
    text += f"；{within}{unit}与{we}的差异在偶然波动范围之内" if within else ""
    text += f"；{alike}{unit}与{we}同为100%或0%" if alike else ""
    text += f"；另有{untested}{unit}只印百分比、没有基数或基数口径不同，未作判断。" if untested else "。"
    apart = ([f"{len(bounded)}份只印出界限（{_bounds_named(bounded, lang)}），不是数值，不排名、不检验"] if len(bounded)
             else []) + ([f"{len(rough)}份只印出约数（{_bounds_named(rough, lang)}），不是确切数值，不排名、不检验"]
                         if len(rough) else [])
    return text + ("此外，" + "；".join(apart) + "。" if apart else "")


def _bounds_named(rows: pd.DataFrame, lang: str) -> str:
    """'T16 全国人大“超过90%”': each report printing a bound, with the bound as printed."""
    return ("; " if lang == "en" else "、").join(f"{r.peer} {r.congress} “{r.percent_shown}”" if lang == "en"
                                                 else f"{r.peer} {r.congress}“{r.percent_shown}”"
                                                 for r in rows.itertuples())


def peers_caveat(is_sample: bool, lang: str = "zh") -> str:
    """What the page is: real reports of other congresses beside our figures (sample data: a demonstration)."""
    en = labels.check_lang(lang) == "en"
    if en:
        text = ("Every other congress's figure is as printed in a public report (its source is listed below); its "
                "outcome classes are mapped to three shared classes label by label, and a label joining two classes "
                "is left out. Reports differ in period, level and base, so a difference says where to look, not who "
                "did better.")
        if is_sample:
            text = ("Our figures here are SAMPLE data (generated, not a real ledger): this page places a sample "
                    "district among real ones, as a demonstration only. ") + text
        return text
    text = ("各地数字均按公开报道原样摘录（出处见“各地报告”表），其办理结果分类逐个标签归入三个统一类别，"
            "合并了两类的标签不计入。各地报告的期间、层级和基数不尽相同，差异只提示值得了解之处，不据此评判高下。")
    if is_sample:
        text = "本页的本区数字为示例数据（生成，非真实台账）：这里把一个示例区放在真实的各地报告中比较，仅作演示。" + text
    return text


def peers_note(comparison, *, lang: str = "zh") -> str:
    """For the data note: the test, Holm's adjustment over the page, what was not tested and why."""
    en = labels.check_lang(lang) == "en"
    rows = comparison.rows[~comparison.rows["is_district"]]
    untested = (labels.PeerVerdict.PERCENT_ONLY, labels.PeerVerdict.NO_BASE, labels.PeerVerdict.DIFFERENT_BASE,
                labels.PeerVerdict.NO_VARIATION, labels.PeerVerdict.BOUND, labels.PeerVerdict.APPROXIMATE)
    alone, baseless, other_base, alike, bounded, rough = (int((rows["against_district"] == k).sum()) for k in untested)
    alpha = round(comparison.alpha * 100)
    if en:
        n = _spelt
        parts = ["Each report's share is compared with ours by Fisher's exact test (two-sided), exact at any number "
                 "of suggestions; the intervals are Wilson 95% intervals of a count over its base.",
                 f"The page makes {n(comparison.family_size)} such tests at once, so their p-values are adjusted by "
                 f"Holm's method: the chance of calling any report different when it is not stays at {alpha}%.",
                 f"Not tested: {n(alone)} printed as a percent alone (no count and base), "
                 + (f"{n(baseless)} with a count but not the base it is a share of, " if baseless else "") +
                 f"{n(other_base)} of another kind of base (completed, rated or the sum of a list, against our handled), "
                 f"{n(alike)} at 100% or 0% like ours"
                 + (f", {n(bounded)} printed only as a bound (such as “more than 90%”): a bound is not a value, so "
                    "it is neither ranked nor tested" if bounded else "")
                 + (f", {n(rough)} printed only as an approximation (such as “about 84%”, with no count and base): "
                    "how close it is to the true rate is not known, so it is neither ranked nor tested" if rough else "")
                 + "."]
        if len(comparison.left_out):
            parts.append(f"{n(len(comparison.left_out)).capitalize()} figures are printed in several ways that "
                         "cannot be reduced to one and are not shown.")
        return " ".join(parts)
    we = labels.our_congress_label(comparison.level, False, lang)  # 本区; a city's ledger 本市
    parts = [f"各地比率与{we}的差异是否超出偶然波动，逐一用Fisher精确检验（双侧）判断，该检验对任何件数都准确；"
             "区间为件数除以基数的Wilson 95%区间。",
             f"本页同时作了{comparison.family_size}项检验，p值按Holm法校正，使误把没有差异的报告说成有差异的概率不超过{alpha}%。",
             f"未检验的：只印百分比（没有件数和基数）的{alone}项，"
             + (f"有件数而没有基数的{baseless}项，" if baseless else "") + "基数口径不同（办结件数、测评件数或所列各项之和，"
             f"{we}为办理件数）的{other_base}项，与{we}同为100%或0%的{alike}项"
             + (f"，只印出界限（如“超过90%”）的{bounded}项：界限不是数值，既不排名也不检验" if bounded else "")
             + (f"，只印出约数（如“约84%”，没有件数和基数）的{rough}项：离实际比率有多近不知道，既不排名也不检验"
                if rough else "") + "。"]
    if len(comparison.left_out):
        parts.append(f"另有{len(comparison.left_out)}项数字印出多个口径，无法归为一个，未列入。")
    return "".join(parts)


def peer_tests_table(comparison, *, district: str, lang: str = "zh") -> pd.DataFrame:
    """For researchers: each peer tested against ours, the difference in points and the p-values (raw and Holm)."""
    en = labels.check_lang(lang) == "en"
    heads = [labels.column_label("peer", lang), "指标" if not en else "rate", district,
             "对方" if not en else "theirs", "相差（百分点）" if not en else "difference (points)",
             "p值（Fisher精确检验，双侧）" if not en else "p (Fisher's exact, two-sided)",
             "Holm校正后p值" if not en else "p after Holm", labels.against_column_label(comparison.level, lang)]
    tested = comparison.rows[comparison.rows["method"] == stats.METHOD_FISHER_2X2]
    records = []
    for row in tested.itertuples():
        ours = comparison.district(row.measure)
        records.append(dict(zip(heads, [
            f"{row.peer} {row.congress}", labels.peer_rate_label(row.measure, lang),
            labels.format_pct(float(ours.count) * 100 / float(ours.base), PERCENT_DECIMALS, lang),
            labels.format_pct(float(row.count) * 100 / float(row.base), PERCENT_DECIMALS, lang),
            _points_cell(stats.round_half_up(float(row.difference), PERCENT_DECIMALS), PERCENT_DECIMALS, signed=True),
            _p_cell(float(row.p_value)), _p_cell(float(row.p_holm)),
            labels.against_district_label(row.against_district, lang, comparison.level)])))
    return pd.DataFrame(records, columns=heads)
