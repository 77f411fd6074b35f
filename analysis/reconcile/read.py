"""Published figures (``load.load_figures``) → the figures of a reconciliation, with each report's scheme."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Mapping, NamedTuple

import pandas as pd

from .. import schema, sessions
from ..normalize import is_blank, parse_printed
from ..schemes import OutcomeScheme, SchemeReading, infer_scheme
from . import arithmetic
from .model import Count, FigureKey, Printed, Ref, State
from .words import base_words

_ALL_HANDLERS = {"", "全部", "all", "*"}
# A category on a base only qualifies the number (议案建议, 按时办结率): when it is its only one, it is dropped.
_BASE_MEASURES = ("received", "handled")


class Row(NamedTuple):
    """One input row, cleaned."""

    ref: Ref
    congress: str
    session: str
    handler: str
    measure: str
    category: str
    count: str
    percent: str
    base: str
    assumption: str
    source: str
    year: int | None


def _text(row: Mapping, name: str) -> str:
    value = row.get(name, "")
    return "" if is_blank(value) else str(value).strip()


def _int_or_none(value: object) -> int | None:
    if is_blank(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rows(figures: pd.DataFrame) -> list[Row]:
    return [Row(Ref(Path(_text(r, "source_file")).name, _int_or_none(r.get("source_row"))),
                _text(r, "congress"), _text(r, "session"), _text(r, "handler"), _text(r, "measure"),
                _text(r, "category"), _text(r, "count"), _text(r, "percent"), _text(r, "base"),
                _text(r, "assumption"), _text(r, "source"), _int_or_none(r.get("year")))
            for r in figures.to_dict(orient="records")]


# ---------------------------------------------------------------------------------------
# Bases
# ---------------------------------------------------------------------------------------


def _measure_named(name: str) -> schema.Measure | None:
    name = name.strip()
    for m in schema.MEASURES:
        if name in (m.name, m.zh):
            return m
    return None


def normalise_key(key: FigureKey) -> FigureKey:
    """A body's received is its handled; all bodies' handled is the session's received."""
    if key.measure == "received" and key.handler:
        return key._replace(measure="handled")
    if key.measure == "handled" and not key.handler:
        return key._replace(measure="received")
    return key


def resolve_base(key: FigureKey | tuple, base_text_: str) -> FigureKey | None:
    """The key of the figure a percent is a share of; ValueError if the base text is unreadable.

    Empty = the measure's natural base at its scope (``schema.MEASURES``); otherwise
    ``MEASURE[@HANDLER]`` with MEASURE a measure name or its Chinese name. Without ``@`` the
    base is the same handler's figure, except ``received``, which is the whole session's;
    ``@全部`` / ``@all`` means all handlers. The base is in the same period, category "".
    """
    key = FigureKey(*key)
    text = (base_text_ or "").strip().replace("＠", "@").replace("：", ":")
    if text:
        name, at, who = text.partition("@")
        base_measure = _measure_named(name)
        if base_measure is None:
            raise ValueError(text)
        if at:
            base_handler = "" if who.strip() in _ALL_HANDLERS else who.strip()
        else:
            base_handler = "" if base_measure.name == "received" else key.handler
        base = FigureKey(key.congress, key.session, base_handler, base_measure.name, "")
    else:
        m = schema.MEASURE_BY_NAME.get(key.measure)
        if m is None or not m.natural_base:
            return None
        base_handler = "" if m.base_scope == "session" else key.handler
        base = FigureKey(key.congress, key.session, base_handler, m.natural_base, "")
    base = normalise_key(base)
    return None if base == normalise_key(key) else base


# ---------------------------------------------------------------------------------------
# Schemes
# ---------------------------------------------------------------------------------------


def read_schemes(rows: list[Row], declared: OutcomeScheme | None,
                 preferred: OutcomeScheme | None) -> dict[tuple[str, str, str], SchemeReading]:
    """The scheme of each report (file) and body, from its outcome labels."""
    labels: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in rows:
        if row.measure == "outcome" and row.category:
            labels[(row.ref.file, row.congress, row.handler)].append(row.category)
    return {group: infer_scheme(found, declared=declared, preferred=preferred) for group, found in labels.items()}


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def _lone_categories(rows: list[Row]) -> set[tuple]:
    """(congress, session, handler, measure, category) of rows of a base (received, handled, or a measure some
    percent names as its base) whose one category only qualifies the number."""
    bases = set(_BASE_MEASURES) | {m.name for row in rows if (m := _measure_named(row.base.partition("@")[0]))}
    seen: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        if row.measure in bases:
            seen[(row.congress, row.session, row.handler, row.measure)].add(row.category)
    return {(*k, next(iter(v))) for k, v in seen.items() if len(v) == 1 and "" not in v}


def read_figures(figures: pd.DataFrame, *, declared: OutcomeScheme | None, preferred: OutcomeScheme | None,
                 assumptions: Mapping[str, str]) -> State:
    """Every row of the published figures as a figure of the state: printed numbers, bases, schemes."""
    state = State()
    rows = _rows(figures)
    readings = state.readings = read_schemes(rows, declared, preferred)
    for (file, congress, handler), reading in readings.items():
        state.schemes.append({"file": file, "congress": congress, "handler": handler, "scheme": reading.scheme.name,
                              "title": reading.scheme.title_zh, "title_en": reading.scheme.title_en,
                              "source": reading.source, "codes": list(reading.scheme.codes)})
        for code in reading.scheme.codes:
            state.category_order.setdefault(code, len(state.category_order))
    lone = _lone_categories(rows)
    bases: list[tuple[FigureKey, str, Ref]] = []
    for row in rows:
        if row.year is not None:
            state.years.setdefault((row.congress, row.session), row.year)
    for row in rows:
        key = _key_of(row, readings, lone, state)
        if key is None:
            continue
        own = state.assumption(row.assumption)
        own += tuple(a for a in state.assumption(assumptions.get(row.session, "")) if a not in own)
        figure = state.figure(key)
        figure.refs.append(row.ref)
        if row.category and row.category not in figure.labels:
            figure.labels.append(row.category)
        if row.source and row.source not in figure.sources:
            figure.sources.append(row.source)
        if row.year is not None:
            figure.year = figure.year or row.year
        if row.handler:
            state.handler_order.setdefault(row.handler, len(state.handler_order))
        if key.category:
            state.category_order.setdefault(key.category, len(state.category_order))
        _read_number(state, key, row.count, row.ref, own, count=True)
        _read_number(state, key, row.percent, row.ref, own, count=False)
        bases.append((key, row.base, row.ref))
    _resolve_bases(state, bases)
    for figure in list(state.figures.values()):
        _settle_printed(state, figure.key)
    return state


def _key_of(row: Row, readings: dict, lone: set[tuple], state: State) -> FigureKey | None:
    probe = FigureKey(row.congress, row.session, row.handler, row.measure, row.category)
    if not row.session or row.measure not in schema.MEASURE_BY_NAME:
        state.find("error", probe, f"第{row.ref.row}行的届次或指标无法识别（届次“{row.session}”，指标“{row.measure}”）",
                   f"row {row.ref.row}: session or measure not recognised (session {row.session!r}, "
                   f"measure {row.measure!r})", "bad_row", row.ref)
        return None
    category = row.category
    if row.measure == "outcome" and category:
        reading = readings[(row.ref.file, row.congress, row.handler)]
        code = reading.codes.get(category)
        if code is None:
            scheme = reading.scheme
            state.find("error", probe,
                       f"办理结果类别“{category}”不属于分类方案“{scheme.title_zh}”，允许：{scheme.allowed_text()}",
                       f"outcome class {category!r} is not in scheme {scheme.title_en!r}; allowed: "
                       f"{scheme.allowed_text()}", "unknown_class", row.ref)
            return None
        category = code
    elif (row.congress, row.session, row.handler, row.measure, row.category) in lone:
        category = ""
    return probe._replace(category=category)


def _read_number(state: State, key: FigureKey, text: str, ref: Ref, own: tuple[str, ...], *, count: bool) -> None:
    if not text:
        return
    what_zh, what_en = ("件数", "count") if count else ("百分比", "percent")
    try:
        number = parse_printed(text)
    except ValueError as exc:
        state.find("error", key, f"{what_zh}“{text}”无法读出：{exc}", f"{what_en} {text!r} cannot be read: {exc}",
                   f"bad_{what_en}", ref)
        return
    if number is None:
        return
    if count and number.decimals:
        state.find("error", key, f"件数“{text}”不是整数", f"count {text!r} is not a whole number", "bad_count", ref)
        return
    figure = state.figures[key]
    (figure.counts if count else figure.percents).append(Printed(number, ref, own))


def all_handled(state: State, key: FigureKey) -> FigureKey:
    """All bodies' handled: the session's received, unless the report prints a handled count of its own (立案71件
    of 77 received)."""
    handled = FigureKey(key.congress, key.session, "", "handled", "")
    return handled if handled in state.figures and state.figures[handled].refs else normalise_key(handled)


def _names_handled(key: FigureKey, text: str) -> bool:
    named = _measure_named(text.partition("@")[0]) if text else schema.MEASURE_BY_NAME.get(key.measure)
    measure = named.name if text and named else (named.natural_base if named else "")
    return measure == "handled"


def _after_meeting_words(category: str) -> bool:
    """A category naming the suggestions raised between sessions (闭会, 闭会期间, 闭会建议, 会后)."""
    return "闭会" in category or category.startswith("会后")


def _raised_after(state: State, key: FigureKey) -> FigureKey | None:
    """The count raised after the meeting that a figure of those suggestions (办结 of 闭会) is a share of: the
    same period and body's received_after_meeting, when the report prints exactly one (宁波市 2023: 闭会期间提出15件，
    有11件已办结 is 11 of 15, not of the 569 raised at the meeting)."""
    if key.measure == "received_after_meeting" or not _after_meeting_words(key.category):
        return None
    found = [k for k in state.figures if k.measure == "received_after_meeting"
             and (k.congress, k.session, k.handler) == (key.congress, key.session, key.handler)]
    return found[0] if len(found) == 1 else None


def own_base(state: State, key: FigureKey, base: FigureKey | None, text: str = "") -> FigureKey | None:
    """A base in the figure's own category (会期 of 会期) when the report has one; for a figure of the suggestions
    raised after the meeting with no base written, the count raised after the meeting."""
    if base is None:
        return None
    if key.category and base._replace(category=key.category) in state.figures \
            and base._replace(category=key.category) != key:  # 会议期间 of received is a part of it, not its own base
        return base._replace(category=key.category)
    if not text and (after := _raised_after(state, key)) is not None:
        return after
    return base


def _resolve_bases(state: State, bases: list[tuple[FigureKey, str, Ref]]) -> None:
    """Each printed row's base; a base in the figure's own category (会期 of 会期) when the report has one."""
    for key, text, ref in bases:
        figure = state.figures[key]
        try:
            base = resolve_base(key, text)
            if base is not None and base.measure == "received" and not base.handler and _names_handled(key, text):
                base = all_handled(state, key)
        except ValueError:
            figure.base_bad = True
            state.find("error", key, f"百分比基数“{text}”无法识别；写法为 指标名[@承办主体]，"
                       f"如 received、handled@区政府；指标名可用：" + "、".join(m.name for m in schema.MEASURES),
                       f"percent base {text!r} not understood; write MEASURE[@HANDLER], e.g. "
                       "received or handled@区政府", "bad_base", ref)
            continue
        base = own_base(state, key, base, text)
        if figure.base is not None and base is not None and base != figure.base:
            state.find("error", key, f"同一数字两处给出不同的百分比基数（{base_words(figure.base, 'zh')}与"
                       f"{base_words(base, 'zh')}）", f"the same figure is given two different percent bases "
                       f"({base_words(figure.base, 'en')} and {base_words(base, 'en')})", "bad_base", ref)
            figure.base_bad = True
        figure.base = figure.base or base
        figure.explicit_base = figure.explicit_base or bool(text)


def _row_at(ref: Ref, printed: list, lang: str = "zh") -> str:
    """'第2行', or 'X01.csv 第2行' when the same figure is printed in several files (two reports of one period)."""
    file = f"{ref.file} " if len({p.ref.file for p in printed}) > 1 else ""
    return f"{file}row {ref.row}" if lang == "en" else f"{file}第{ref.row}行"


def _settle_printed(state: State, key: FigureKey) -> None:
    """The printed exact count, unless the same figure is printed twice differently (then neither is used)."""
    figure = state.figures[key]
    exact = {p.number.value for p in figure.counts if p.number.exact}
    if len(exact) > 1:
        shown = "、".join(f"{p.number.text}（{_row_at(p.ref, figure.counts)}）" for p in figure.counts)
        shown_en = ", ".join(f"{p.number.text} ({_row_at(p.ref, figure.counts, 'en')})" for p in figure.counts)
        state.find("warning", key, f"同一数字印出两个不同的件数：{shown}；均不参与推算（可能为交办时与年底两个口径）",
                   f"the same figure is printed with different counts: {shown_en}; neither is used in arithmetic "
                   "(perhaps counted at assignment and at year end)", "duplicate", figure.ref)
    elif figure.counts and all(p.number.exact for p in figure.counts):
        figure.count = Count(int(figure.counts[0].number.value), "printed",
                             inputs=frozenset(p.ref for p in figure.counts),
                             assumptions=frozenset(a for p in figure.counts for a in p.assumptions))
    texts = {(arithmetic.units(p.number), p.number.decimals, p.number.qualifier) for p in figure.percents}
    if len(texts) > 1:
        shown = "、".join(f"{p.number.text}%（{_row_at(p.ref, figure.percents)}）" for p in figure.percents)
        shown_en = ", ".join(f"{p.number.text}% ({_row_at(p.ref, figure.percents, 'en')})" for p in figure.percents)
        state.find("warning", key, f"同一数字印出两个不同的百分比：{shown}；不据此推算件数",
                   f"the same figure is printed with different percents: {shown_en}; no count is derived from them",
                   "duplicate", figure.ref)


def period_parts(label: str) -> list[str]:
    """The periods a total adds up ([] for a single period)."""
    parts = sessions.split_total(label)
    return parts if len(parts) > 1 else []
