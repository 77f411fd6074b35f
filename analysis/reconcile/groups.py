"""The identities between figures: which wholes are made of which parts, and how sure that is.

Built once from the figures read: every period gets its received figure and its bodies'
handled figures; a body's outcome classes, the satisfaction levels (满意或基本满意 with 不满意),
the topics, shares of one base printed to add up to 100, the bodies of a period and a total's
periods each become a ``Group`` — complete (every part is there: a declared or configured
scheme, percents adding up to 100) or a list the report gives (an assumption, stated on what
is derived across it). The printed percents are sorted into lists of one base; a list whose
percents fit none of its counts over its natural base but all of them over one other printed
count, or over the sum of its own counts, is checked against that, with a note.
"""
from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction

from .. import sessions
from . import arithmetic
from .conventions import Convention, PercentCase, explain
from .model import SATISFACTION_MEASURES, Figure, FigureKey, Group, GroupKind, State
from .words import term
from .read import all_handled, own_base, period_parts, resolve_base

LISTED_CLASSES = "办理结果只有所列各类（报告未说明是否另有其他类别）"
CONFIGURED_CLASSES = "办理结果按配置的“{title}”分类，报告未印出的{absent}类也在其中"
LISTED_TOPICS = "建议类别只有所列各类（所印各类百分比合计为100%）"
ALL_RATED = "每件都已测评（满意、基本满意、不满意之外没有未测评的）"
LISTED_SHARES = "所列各项的百分比合计为100%，即为其基数的全部"

_ORDER = {GroupKind.OUTCOME: 0, GroupKind.SATISFACTION: 1, GroupKind.TOPIC: 2, GroupKind.SHARES: 3,
          GroupKind.BODIES: 4, GroupKind.SESSIONS: 5}


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


def _rows_by_body(state: State, measure_test) -> dict[tuple[str, str, str], list]:
    """The figures read for these measures, per period and body, where at least one of them prints a number."""
    found: dict[tuple[str, str, str], list] = defaultdict(list)
    for figure in list(state.figures.values()):
        if measure_test(figure.key.measure) and figure.refs:
            found[(figure.key.congress, figure.key.session, figure.key.handler)].append(figure)
    return {body: figures for body, figures in found.items() if any(f.counts or f.percents for f in figures)}


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
            figure.base = own_base(state, figure.key, resolve_base(figure.key, ""))
    for congress, label in periods:
        whole = FigureKey(congress, label, "", "received", "")
        if whole not in state.figures:
            continue
        parts = tuple(k for h in bodies.get((congress, label), [])
                      if (k := FigureKey(congress, label, h, "handled", "")) in state.figures)
        if parts:
            state.groups.append(Group(GroupKind.BODIES, whole, parts, complete=False, derive=len(parts) >= 2))
    _shares_groups(state)
    _rebase_lists(state)
    state.groups.sort(key=lambda g: (_ORDER[g.kind], sessions.session_sort_key(g.whole.session)))
    state.lists = percent_lists(state)  # fixed from here on: the rules and checks read it


def percent_lists(state: State) -> dict[tuple, list[FigureKey]]:
    """Printed percents of one base that belong together: a group's parts, else one measure's figures."""
    lists: dict[tuple, list[FigureKey]] = {}
    grouped: set[FigureKey] = set()
    for index, group in enumerate(state.groups):
        if group.kind in (GroupKind.SESSIONS, GroupKind.SHARES):
            continue
        for key in group.parts:
            figure = state.figures[key]
            if figure.percents and figure.base is not None and key not in grouped:
                lists.setdefault(("group", index, figure.base), []).append(key)
                grouped.add(key)
    for key, figure in state.figures.items():
        if figure.percents and figure.base is not None and key not in grouped:
            lists.setdefault((key.congress, key.session, key.measure, figure.base), []).append(key)
    return lists


def _shares_groups(state: State) -> None:
    """Shares of a base printed to add up to 100 (within their rounding) make up that base (办结总数 = A + B + C)."""
    for members in percent_lists(state).values():
        base = state.figures[members[0]].base
        parts = tuple(members)
        if any(g.whole == base and set(parts) <= set(g.parts) for g in state.groups):
            continue  # a group says so already
        if percents_cover_the_whole(state, parts, base):
            state.groups.append(Group(GroupKind.SHARES, base, parts, assumption=LISTED_SHARES))


def _explained(figures: list[Figure], base: int) -> bool:
    """Every printed percent of the list comes from its printed count over ``base`` by some convention."""
    printed = [f.exact_percent().number for f in figures]
    sums_to_100 = sum(arithmetic.value_of(n) for n in printed) == 100
    largest = max(arithmetic.value_of(n) for n in printed)
    return all(explain(PercentCase(arithmetic.units(n), n.decimals, arithmetic.exact_pct(f.value, base), sums_to_100,
                                   arithmetic.value_of(n) == largest)) is not Convention.ERROR
               for f, n in zip(figures, printed))


def _printed_count(state: State, key: FigureKey) -> int | None:
    figure = state.figures.get(key)
    return figure.value if figure is not None and figure.count is not None and figure.count.status == "printed" \
        else None


def _other_bases(state: State, key: FigureKey) -> list[tuple[FigureKey, int]]:
    """Printed counts a percent of this period could be a share of: received, each body's handled, completed."""
    found = []
    for other in state.figures.values():
        k = other.key
        if (k.congress, k.session) == (key.congress, key.session) and not k.category \
                and k.measure in ("received", "handled", "completed") \
                and (k.measure != "completed" or k.handler in ("", key.handler)) \
                and (value := _printed_count(state, k)):
            found.append((k, value))
    return found


def _rated(state: State, members: list[FigureKey], base: FigureKey, natural: int) -> list[int] | None:
    """The printed counts of every level of the satisfaction group these rates belong to, when together they fall
    short of its base: the suggestions rated (重庆市 2023: 回执994件，993件满意或基本满意、满意率99.9%，1件不满意, of
    1210 handled). None unless every level of the group is printed."""
    if not all(k.measure in SATISFACTION_MEASURES for k in members):
        return None
    for group in state.groups:
        if group.kind is GroupKind.SATISFACTION and group.whole == base and set(members) <= set(group.parts):
            values = [_printed_count(state, k) for k in group.parts]
            if all(v is not None for v in values) and 0 < sum(values) < natural:
                return values
    return None


def _rebase_lists(state: State) -> None:
    """A list whose printed percents fit none of its counts over the base it would have, but all of them over one
    other printed count (received rather than a body's handled), or over the sum of its own counts when they add up
    to 100 (satisfaction of the forms returned), or a satisfaction rate over the sum of its group's printed levels
    when they fall short of its base (the suggestions rated): it is checked against that, with a note saying so."""
    for members in percent_lists(state).values():
        figures = [state.figures[k] for k in members]
        base = figures[0].base
        usable = [f for f in figures if f.exact_percent() is not None and f.count is not None
                  and f.count.status == "printed"]
        natural = _printed_count(state, base)
        if not usable or natural is None or any(f.explicit_base for f in figures) or _explained(usable, natural):
            continue
        candidates = [(k, v) for k, v in _other_bases(state, base) if k != base and v != natural]
        summed = None  # the counts whose sum may be the base instead
        if len(usable) == len(figures) >= 2 and percents_cover_the_whole(state, tuple(members), base):
            summed = [f.value for f in usable]
        else:
            summed = _rated(state, members, base, natural)
        if summed is not None:
            candidates.append((None, sum(summed)))
        fitting = {v: k for k, v in candidates if v >= max(f.value for f in usable) and _explained(usable, v)}
        if len(fitting) != 1:
            continue
        value, key = next(iter(fitting.items()))
        for figure in figures:
            if key is None:
                figure.base_override = value
            else:
                figure.base = key
        for group in state.groups:
            if group.whole == base and set(members) <= set(group.parts):
                group.broken = True  # the whole is not what these parts add up to
        whole_zh, whole_en = term(base, natural, members[0], "zh"), term(base, natural, members[0], "en")
        if key is None:
            shown = " + ".join(str(v) for v in summed)
            zh = f"所列各项之和{value}（{shown}）"
            en = f"the listed items' sum, {value} ({shown})"
            why_zh, why_en = "（如满意度按交回的测评表计算）", " (satisfaction counted over the forms returned, for instance)"
        else:
            zh, en = term(key, value, members[0], "zh"), term(key, value, members[0], "en")
            why_zh, why_en = "", ""
        state.find("note", members[0], f"这组百分比是占{zh}的比例，不是占{whole_zh}的比例{why_zh}；按{value}核对",
                   f"these percents are shares of {en}, not of {whole_en}{why_en}; checked against {value}",
                   "other_base", figures[0].ref)


def _outcome_groups(state: State) -> None:
    """A body's outcome classes: all the scheme's when it is declared or configured, else those the report lists."""
    for group, figures in _rows_by_body(state, lambda m: m == "outcome").items():
        congress, label, handler = group
        keys = [f.key for f in figures]
        files = {ref.file for f in figures for ref in f.refs}
        known = [r for file in sorted(files) if (r := state.readings.get((file, congress, handler))) and r.complete]
        codes = list(dict.fromkeys([c for r in known for c in r.scheme.codes] + [k.category for k in keys]))
        codes.sort(key=lambda c: state.category_order.get(c, 10 ** 6))
        parts = tuple(FigureKey(congress, label, handler, "outcome", c) for c in codes)
        for key in parts:
            state.figure(key)
        whole = FigureKey(congress, label, handler, "handled", "") if handler else all_handled(
            state, FigureKey(congress, label, "", "outcome", ""))
        state.figure(whole)
        complete = bool(known) or percents_cover_the_whole(state, parts, whole)
        absent = [c for c in codes if c not in {k.category for k in keys}]
        if not complete:
            assumption = LISTED_CLASSES
        elif absent and not any(r.source == "option" for r in known):
            # the configured scheme has classes this report does not print: they are taken to exist
            assumption = CONFIGURED_CLASSES.format(title=known[0].scheme.title_zh, absent="、".join(absent))
        else:
            assumption = ""
        state.groups.append(Group(GroupKind.OUTCOME, whole, parts, complete=complete, assumption=assumption))


# what makes a satisfaction rate a combined one, left out of its complement's name: 对办理态度(含基本满意) → 对办理态度
_COMBINED_WORDS = re.compile(r"[（(]\s*含基本满意\s*[）)]|含基本满意")


def _combined(figure: Figure) -> bool:
    """A rate of 满意 and 基本满意 together (满意或基本满意, 满意率（含基本满意）): its complement is 不满意."""
    return figure.key.measure == "satisfied" and "基本满意" in figure.key.category


def _satisfaction_groups(state: State) -> None:
    """满意, 基本满意, 不满意 of one body: one group when each level prints once, else one per category; a combined
    满意或基本满意 makes up its base with 不满意."""
    for (congress, label, handler), figures in _rows_by_body(state, lambda m: m in SATISFACTION_MEASURES).items():
        combined = [f for f in figures if _combined(f)]
        for figure in combined:
            unsatisfied = next((f.key for f in figures if f.key.measure == "unsatisfied"), None)
            parts = (figure.key, unsatisfied or FigureKey(congress, label, handler, "unsatisfied",
                                                           "" if len(combined) == 1 else _COMBINED_WORDS.sub(
                                                               "", figure.key.category).strip()))
            _add_levels(state, dict(zip(("satisfied", "unsatisfied"), parts)), parts, printed=unsatisfied is not None)
        levels = [f for f in figures if not _combined(f)]
        if not levels or (combined and all(f.key.measure == "unsatisfied" for f in levels)):
            continue
        by_level = defaultdict(list)
        for figure in levels:
            by_level[figure.key.measure].append(figure)
        if all(len(v) == 1 for v in by_level.values()):
            categories = {f.key.category for f in levels}
            default = next(iter(categories)) if len(categories) == 1 else ""
            sets = [{m: (by_level[m][0].key if by_level.get(m) else None) for m in SATISFACTION_MEASURES}]
        else:
            default = None
            sets = [{m: next((f.key for f in by_level.get(m, []) if f.key.category == category), None)
                     for m in SATISFACTION_MEASURES} for category in dict.fromkeys(f.key.category for f in levels)]
        for members in sets:
            category = default if default is not None else next(k.category for k in members.values() if k)
            parts = tuple(members[m] or FigureKey(congress, label, handler, m, _unprinted_category(category))
                          for m in SATISFACTION_MEASURES)
            _add_levels(state, members, parts, printed=all(members.values()))


_LEVEL_WORDS = re.compile(r"(?:不满意|基本满意|满意)(?:率|度|件数|件)?")
_LEVEL_RESTATED = re.compile(r"[件数率度的\s]*(?:代表们?)?[件数率度的\s]*")  # every rating is the deputies'


def _unprinted_category(category: str) -> str:
    """What a level the report does not print is called beside a printed one whose category restates its own level:
    满意件 and 代表满意率 → "", 初次办理不满意 → 初次办理, 对办理结果满意率 → 对办理结果; other categories (会期, 闭会) are
    shared as they are."""
    rest = _LEVEL_WORDS.sub("", category)
    if rest == category:
        return category
    return "" if _LEVEL_RESTATED.fullmatch(rest) else rest.strip().strip("的").strip()


def _add_levels(state: State, members: dict, parts: tuple[FigureKey, ...], printed: bool) -> None:
    """A satisfaction group over the members' base; assuming every one was rated unless every level is printed."""
    base = next((state.figures[k].base for k in members.values() if k and state.figures[k].base is not None), None)
    if base is None:
        return
    for key in (*parts, base):
        state.figure(key)
    for key in parts:  # a level the report does not print is a share of what the printed ones are shares of
        if not state.figures[key].refs and state.figures[key].base is None:
            state.figures[key].base = base
    state.groups.append(Group(GroupKind.SATISFACTION, base, parts, assumption="" if printed else ALL_RATED))


def _topic_groups(state: State) -> None:
    """Topics of one body: a group only when their percents show the list is complete."""
    for figures in _rows_by_body(state, lambda m: m == "topic").values():
        keys = [f.key for f in figures]
        whole = resolve_base(keys[0], "")
        parts = tuple(keys)
        complete = percents_cover_the_whole(state, parts, whole)
        state.figure(whole)
        state.groups.append(Group(GroupKind.TOPIC, whole, parts, complete=complete, derive=complete,
                                  assumption=LISTED_TOPICS if complete else ""))
