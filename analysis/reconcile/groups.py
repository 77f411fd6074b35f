"""The identities between figures: which wholes are made of which parts, and how sure that is.

Built once from the figures read: every period gets its received figure and its bodies'
handled figures; a body's outcome classes, the satisfaction levels, the topics (when their
percents show the list is complete) and a total's periods each become a ``Group``.
"""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from .. import sessions
from . import arithmetic
from .model import SATISFACTION_MEASURES, FigureKey, Group, GroupKind, State
from .read import normalise_key, period_parts, resolve_base

LISTED_CLASSES = "办理结果只有所列各类（报告未说明是否另有其他类别）"
LISTED_TOPICS = "建议类别只有所列各类（所印各类百分比合计为100%）"
ALL_RATED = "每件都已测评（满意、基本满意、不满意之外没有未测评的）"

_ORDER = {GroupKind.OUTCOME: 0, GroupKind.SATISFACTION: 1, GroupKind.TOPIC: 2, GroupKind.BODIES: 3,
          GroupKind.SESSIONS: 4}


def percents_cover_the_whole(state: State, parts: tuple[FigureKey, ...], whole: FigureKey) -> bool:
    """Every part prints an exact percent of the whole and they add up to 100 within their rounding."""
    printed = [state.figures[k].exact_percent() for k in parts if k in state.figures]
    if len(printed) != len(parts) or len(parts) < 2 or any(p is None for p in printed):
        return False
    if any(state.figures[k].base != whole for k in parts):
        return False
    total = sum((arithmetic.value_of(p.number) for p in printed), Fraction(0))
    slack = sum((arithmetic.unit(p.number) for p in printed), Fraction(0))
    return abs(total - 100) <= slack


def _printing(state: State, measure_test) -> list:
    return [f for f in list(state.figures.values()) if measure_test(f.key.measure) and (f.counts or f.percents)]


def _periods(state: State) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for figure in list(state.figures.values()):
        for label in [figure.key.session, *period_parts(figure.key.session)]:
            if (figure.key.congress, label) not in found:
                found.append((figure.key.congress, label))
    return found


def _bodies(state: State) -> dict[tuple[str, str], list[str]]:
    """The bodies named in each period (a total's bodies are its periods' too)."""
    named: dict[tuple[str, str], list[str]] = defaultdict(list)
    for figure in list(state.figures.values()):
        if not figure.refs or not figure.key.handler:
            continue
        for label in [figure.key.session, *period_parts(figure.key.session)]:
            if figure.key.handler not in named[(figure.key.congress, label)]:
                named[(figure.key.congress, label)].append(figure.key.handler)
    return named


def build_groups(state: State) -> None:
    """Add the figures the identities imply and the groups themselves (in the order rules use them)."""
    read = list(state.figures.values())
    periods = _periods(state)
    bodies = _bodies(state)
    # every single period has a received figure; a total has one when it prints received or handled
    for congress, label in periods:
        if not period_parts(label) or any(f.key.session == label and f.key.measure in ("received", "handled")
                                          for f in read):
            state.figure(FigureKey(congress, label, "", "received", ""))
    for congress, label in periods:
        if FigureKey(congress, label, "", "received", "") in state.figures:
            for handler in bodies.get((congress, label), []):
                state.figure(FigureKey(congress, label, handler, "handled", ""))
    _outcome_groups(state)
    _satisfaction_groups(state)
    _topic_groups(state)
    for figure in list(state.figures.values()):
        parts = period_parts(figure.key.session)
        if parts:
            keys = tuple(figure.key._replace(session=p) for p in parts)
            for key in keys:
                state.figure(key)
            state.groups.append(Group(GroupKind.SESSIONS, figure.key, keys))
    # bases of printed percents (so that they can be derived and shown), natural bases of added figures
    for figure in list(state.figures.values()):
        if figure.percents and figure.base is not None:
            state.figure(figure.base)
    for figure in state.figures.values():
        if figure.base is None and not figure.base_bad and not figure.refs:
            figure.base = resolve_base(figure.key, "")
    for congress, label in periods:
        whole = FigureKey(congress, label, "", "received", "")
        if whole not in state.figures:
            continue
        parts = tuple(k for h in bodies.get((congress, label), [])
                      if (k := FigureKey(congress, label, h, "handled", "")) in state.figures)
        if parts:
            state.groups.append(Group(GroupKind.BODIES, whole, parts, complete=False, derive=len(parts) >= 2))
    state.groups.sort(key=lambda g: (_ORDER[g.kind], sessions.session_sort_key(g.whole.session)))


def _outcome_groups(state: State) -> None:
    """A body's outcome classes: all the scheme's when it is declared or configured, else those the report lists."""
    listed: dict[tuple[str, str, str], list[FigureKey]] = defaultdict(list)
    readings: dict[tuple[str, str, str], list] = defaultdict(list)
    for figure in _printing(state, lambda m: m == "outcome"):
        group = (figure.key.congress, figure.key.session, figure.key.handler)
        listed[group].append(figure.key)
        for ref in figure.refs:
            reading = state.readings.get((ref.file, figure.key.congress, figure.key.handler))
            if reading is not None and reading not in readings[group]:
                readings[group].append(reading)
    for group, keys in listed.items():
        congress, label, handler = group
        known = [r for r in readings[group] if r.complete]
        codes = list(dict.fromkeys([c for r in known for c in r.scheme.codes] + [k.category for k in keys]))
        codes.sort(key=lambda c: state.category_order.get(c, 10 ** 6))
        parts = tuple(FigureKey(congress, label, handler, "outcome", c) for c in codes)
        for key in parts:
            state.figure(key)
        whole = normalise_key(FigureKey(congress, label, handler, "handled", ""))
        state.figure(whole)
        complete = bool(known) or percents_cover_the_whole(state, parts, whole)
        state.groups.append(Group(GroupKind.OUTCOME, whole, parts, complete=complete,
                                  assumption="" if complete else LISTED_CLASSES))


def _satisfaction_groups(state: State) -> None:
    """满意, 基本满意, 不满意 of one body: one group when each level prints once, else one per category."""
    rows: dict[tuple[str, str, str], list] = defaultdict(list)
    for figure in _printing(state, lambda m: m in SATISFACTION_MEASURES):
        rows[(figure.key.congress, figure.key.session, figure.key.handler)].append(figure)
    for (congress, label, handler), figures in rows.items():
        by_level = defaultdict(list)
        for figure in figures:
            by_level[figure.key.measure].append(figure)
        if all(len(v) == 1 for v in by_level.values()):
            categories = {f.key.category for f in figures}
            default = next(iter(categories)) if len(categories) == 1 else ""
            sets = [{m: (v[0].key if v else None) for m, v in ((m, by_level.get(m)) for m in SATISFACTION_MEASURES)}]
        else:
            sets = []
            for category in dict.fromkeys(f.key.category for f in figures):
                sets.append({m: next((f.key for f in by_level.get(m, []) if f.key.category == category), None)
                             for m in SATISFACTION_MEASURES})
            default = None
        for members in sets:
            category = default if default is not None else next(k.category for k in members.values() if k)
            printed = [state.figures[k] for k in members.values() if k]
            base = next((f.base for f in printed if f.base is not None), None)
            if base is None:
                continue
            parts = tuple(members[m] or FigureKey(congress, label, handler, m, category) for m in SATISFACTION_MEASURES)
            for key in parts:
                state.figure(key)
            state.figure(base)
            all_levels = all(members[m] for m in SATISFACTION_MEASURES)
            state.groups.append(Group(GroupKind.SATISFACTION, base, parts,
                                      assumption="" if all_levels else ALL_RATED))


def _topic_groups(state: State) -> None:
    """Topics of one body: a group only when their percents show the list is complete."""
    rows: dict[tuple[str, str, str], list] = defaultdict(list)
    for figure in _printing(state, lambda m: m == "topic"):
        rows[(figure.key.congress, figure.key.session, figure.key.handler)].append(figure.key)
    for keys in rows.values():
        whole = resolve_base(keys[0], "")
        parts = tuple(keys)
        complete = percents_cover_the_whole(state, parts, whole)
        state.figure(whole)
        state.groups.append(Group(GroupKind.TOPIC, whole, parts, complete=complete, derive=complete,
                                  assumption=LISTED_TOPICS if complete else ""))
