"""The checks, one small function each, run in order once nothing more can be derived.

=======================  ===========================================================================
check                    finds
=======================  ===========================================================================
computed_shares          (not a finding) the percent of every known count whose percent is not printed
parts_against_whole      parts that do not add up to their whole: an error where the parts are all
                         the parts (a scheme, percents adding up to 100, the sessions of a total); a
                         note where the report may not list every part or counts one twice
printed_percents         each printed percent against count ÷ base: the conventions in order (half up,
                         an exact half cut, plug + truncation, plug, truncation), bounds; else an error
percents_without_count   a percent with no count: the counts it allows, or why it cannot be checked
printed_bounds           a count printed as a bound (160余, 约200) against the count the arithmetic gives
part_within_base         a count larger than the count it is a share of
list_precision           a list printed at mixed precision, or in whole percents only
derivations              a note on every derived figure: how, and the assumptions it rests on
report_notes             one note per report whose classes are its own wordings, or that names no period
=======================  ===========================================================================
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

from .. import sessions, stats
from . import arithmetic
from ..labels import Convention, class_list, period_label, qualifier_label
from .conventions import PercentCase, explain
from .conventions import verdict as verdict_of
from .model import SATISFACTION_MEASURES, Figure, GroupKind, Printed, Share, State
from .rules import mixed_conventions
from .words import base_words, percent_shown, term, terms

# Computed percents default to one decimal, as the source document prints them.
DEFAULT_DECIMALS = 1


@dataclass(frozen=True)
class Check:
    """A named check: what it looks for (zh / en) and the function that adds its findings."""

    name: str
    zh: str
    en: str
    run: Callable[[State], None]


# ---------------------------------------------------------------------------------------
# Computed shares
# ---------------------------------------------------------------------------------------


def _decimals_for(state: State, figure: Figure, in_list: dict, in_measure: dict) -> int:
    """Same list's precision, else the same measure's in the file, else DEFAULT_DECIMALS (ties: more decimals)."""
    for counter in (in_list.get((figure.key.congress, figure.key.session, figure.key.measure, figure.base)),
                    in_measure.get((figure.key.congress, figure.key.measure))):
        if counter:
            return max(counter.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return DEFAULT_DECIMALS


def computed_shares(state: State) -> None:
    """The percent of each known count over its known base, where no exact percent is printed."""
    in_list: dict[tuple, Counter] = defaultdict(Counter)
    in_measure: dict[tuple, Counter] = defaultdict(Counter)
    for figure in state.figures.values():
        printed = figure.exact_percent()
        if printed is not None:
            k = figure.key
            in_measure[(k.congress, k.measure)][printed.number.decimals] += 1
            in_list[(k.congress, k.session, k.measure, figure.base)][printed.number.decimals] += 1
    for figure in state.figures.values():
        base = state.base_value(figure)
        if figure.count is None or not base or figure.exact_percent() is not None:
            continue
        if (figure.key.measure == "received_after_meeting" and not figure.percents and not figure.explicit_base
                and figure.base_override is None):
            _after_meeting_without_share(state, figure, base)
            continue
        decimals = _decimals_for(state, figure, in_list, in_measure)
        text = str(stats.percent_decimal(figure.value, base, decimals))
        count_zh, count_en = (term(figure.key, figure.value, figure.key, lang) for lang in ("zh", "en"))
        base_inputs, base_assumptions = _base_facts(state, figure)
        figure.share = Share(arithmetic.exact_pct(figure.value, base), decimals,
                             f"占比 = {count_zh} ÷ {term(figure.base, base, figure.key, 'zh')} = {text}%",
                             f"share = {count_en} ÷ {term(figure.base, base, figure.key, 'en')} = {text}%",
                             figure.count.inputs | base_inputs, figure.count.assumptions | base_assumptions)


def _after_meeting_without_share(state: State, figure: Figure, base: int) -> None:
    """No share of received for an after-meeting count the report gives no percent of: reports count those raised
    between sessions within the session's received count (a district's 共收到159件（会后1件）) or beside it (全国人大
    2002: 4287 at the meeting, 116 more 'also handled'), and the figures cannot tell which."""
    received = state.figures.get(figure.base)
    count_zh, count_en = (term(figure.key, figure.value, figure.key, lang) for lang in ("zh", "en"))
    whole_zh, whole_en = (term(figure.base, base, figure.key, lang) for lang in ("zh", "en"))
    state.find("note", figure.key,
               f"{count_zh}：原文没有印出它占{whole_zh}的百分比；闭会期间提出的建议有的报告计入收到件数，有的另计"
               "（不在其内），数字本身看不出是哪一种，所以不计算占比",
               f"{count_en}: the report prints no percent of {whole_en} for it; some reports count suggestions raised "
               "between sessions within the received count and others beside it (not among them), and the figures "
               "cannot tell which, so no share is computed",
               "after_meeting_no_share", figure.ref,
               figure.count.assumptions | (received.count.assumptions if received and received.count else frozenset()))


def _base_facts(state: State, figure: Figure) -> tuple[frozenset, frozenset]:
    """The rows and assumptions a figure's base rests on."""
    base = state.figures.get(figure.base) if figure.base is not None else None
    if figure.base_override is not None or base is None or base.count is None:
        return frozenset(), frozenset()
    return base.count.inputs, base.count.assumptions


# ---------------------------------------------------------------------------------------
# Parts against their whole
# ---------------------------------------------------------------------------------------

_WHY = {
    GroupKind.OUTCOME: ("各类办理结果之和应等于办理件数", "the outcome classes should add up to the handled count"),
    GroupKind.SATISFACTION: ("满意、基本满意、不满意之和应等于测评件数",
                             "satisfied, basically satisfied and unsatisfied should add up to their base"),
    GroupKind.TOPIC: ("各建议类别之和应等于总件数（所印百分比合计为100%）",
                      "the topics should add up to their whole (their printed percents add up to 100)"),
    GroupKind.SESSIONS: ("多次会议的合计应等于各次之和", "a total over sessions should equal the sum of its sessions"),
    GroupKind.SHARES: ("百分比合计为100%的各项之和应等于其基数", "shares adding up to 100% should add up to their base"),
}


def parts_against_whole(state: State) -> None:
    """Each whole against the sum of its parts, once all are known."""
    for group in state.groups:
        if group.broken or any(state.value(k) is None for k in group.keys):
            continue
        whole = state.figures[group.whole]
        values = {k: state.value(k) for k in group.keys}
        total = sum(values[k] for k in group.parts)
        gap = whole.value - total
        if gap == 0:
            continue
        group.broken = True
        parts_zh, parts_en = (terms(group.parts, values, group.whole, lang, " + ") for lang in ("zh", "en"))
        whole_zh, whole_en = (term(group.whole, whole.value, group.whole, lang) for lang in ("zh", "en"))
        assumptions = whole.count.assumptions.union(*(state.figures[k].count.assumptions for k in group.parts))
        after = group.whole._replace(measure="received_after_meeting", category="")
        if group.kind is GroupKind.BODIES and gap < 0 and whole.key.measure == "received" and state.value(after) == -gap:
            after_zh, after_en = (term(after, -gap, group.whole, lang) for lang in ("zh", "en"))
            for key in (after, *group.parts):  # counted beside the received count, not within it: no share of it
                if state.figures[key].base == group.whole:
                    state.figures[key].share = None
            state.find("note", group.whole,
                       f"各承办主体件数之和 {parts_zh} = {total}，超过{whole_zh}，多出的{-gap}件正是{after_zh}："
                       "所印收到件数多半只计大会期间提出的，各承办主体的件数则含闭会期间提出的；不算错误，"
                       "也不算闭会期间提出的和各承办主体的件数占收到件数的比例",
                       f"the bodies' counts {parts_en} = {total} exceed {whole_en} by {-gap}, exactly {after_en}: "
                       "the printed received count most likely leaves out those raised after the meeting, which the "
                       "bodies' counts include; not an error, and no share of the received count is given for them or "
                       "for the bodies",
                       "after_meeting_apart", whole.ref, assumptions)
        elif group.kind is GroupKind.BODIES and gap < 0 and (culprit := _culprit(state, group, gap)) is not None:
            # a body's count that its own percent calls wrong, and whose corrected count makes the bodies add up
            # exactly: the excess is that misprint, not joint handling (U14: 23 printed 2.24% of 401, where 9 fits)
            fixed = state.value(culprit) + gap
            where_zh, where_en = (term(culprit, state.value(culprit), group.whole, lang) for lang in ("zh", "en"))
            state.find("note", group.whole,
                       f"各承办主体件数之和 {parts_zh} = {total}，超过{whole_zh}，多出{-gap}件；"
                       f"若{where_zh}改为{fixed}件，则既合其百分比又使各主体之和正好是{whole.value}件："
                       "多出的不是联合办理的重复计数，错误当在这一项（见该项的错误）",
                       f"the bodies' counts {parts_en} = {total} exceed {whole_en} by {-gap}; with {fixed} instead "
                       f"of {where_en} both its percent and the total agree: the excess is not joint handling, the "
                       "mistake is there (see its error)", "inconsistent", whole.ref, assumptions)
        elif group.kind is GroupKind.BODIES and gap < 0:
            state.find("note", group.whole,
                       f"各承办主体件数之和 {parts_zh} = {total}，超过{whole_zh}，多出{-gap}件：一件建议由多个主体联合办理时会重复计数"
                       "（议案转为建议也会使办理件数多于收到件数）",
                       f"the bodies' counts {parts_en} = {total} exceed {whole_en} by {-gap}: a suggestion handled "
                       "jointly is counted under each body (motions turned into suggestions also add to the handled)",
                       "joint_handling", whole.ref, assumptions)
        elif group.kind is GroupKind.BODIES and _derived_from_parts(state, group):
            pass  # 547 as 97.7% gives 560: a gap of 13 would only restate the 97.7%, already said where 560 is derived
        elif group.kind is GroupKind.BODIES:
            listed_zh, listed_en = _listed(group, parts_zh, parts_en, total, "各承办主体件数之和", "the bodies' counts")
            state.find("note", group.whole,
                       f"{listed_zh}，比{whole_zh}少{gap}件，差额原文未作说明；不据此推算",
                       f"{listed_en} short of {whole_en} by {gap}, a remainder "
                       "the report does not explain; nothing is derived across it", "remainder", whole.ref, assumptions)
        elif not group.complete or (group.kind is GroupKind.SATISFACTION and gap > 0) or any(
                state.figures[k].count.weak for k in group.keys):
            _not_every_part(state, group, gap, parts_zh, parts_en, whole_zh, whole_en, total, assumptions)
        elif (culprit := _culprit(state, group, gap)) is not None:
            fixed = state.value(culprit) + gap
            where_zh, where_en = term(culprit, state.value(culprit), group.whole, "zh"), term(
                culprit, state.value(culprit), group.whole, "en")
            state.find("note", group.whole,
                       f"{_WHY[group.kind][0]}：{parts_zh} = {total}，但{whole_zh}，相差{abs(gap)}件；"
                       f"若{where_zh}改为{fixed}件，则既合其百分比又合总数：错误当在这一项（见该项的错误）",
                       f"{_WHY[group.kind][1]}: {parts_en} = {total}, but {whole_en}, a difference of {abs(gap)}; "
                       f"with {fixed} instead of {where_en} both its percent and the total agree, so the mistake is "
                       "there (see its error)", "inconsistent", whole.ref, assumptions)
        else:
            hint_zh = "（或所依据的假设不成立）" if assumptions else ""
            hint_en = " (or an assumption it rests on does not hold)" if assumptions else ""
            zh, en = _WHY[group.kind]
            state.find("error", group.whole, f"{zh}：{parts_zh} = {total}，但{whole_zh}，相差{abs(gap)}件{hint_zh}",
                       f"{en}: {parts_en} = {total}, but {whole_en}, a difference of {abs(gap)}{hint_en}",
                       "inconsistent", whole.ref, assumptions)


def _derived_from_parts(state: State, group) -> bool:
    """The whole is not printed but derived from (among others) a part it is compared with: a gap between them says
    nothing the part's own percent does not."""
    whole = state.figures[group.whole].count
    used = frozenset().union(*(state.figures[k].count.inputs for k in group.parts))
    return whole.status == "derived" and bool(whole.inputs & used)


def _culprit(state: State, group, gap: int):
    """The one part whose printed count, moved by the gap, would agree with its own printed percent (a misprint)."""
    whole = state.value(group.whole)
    found = []
    for key in group.parts:
        figure = state.figures[key]
        printed = figure.exact_percent()
        if figure.verdict != "error" or printed is None or figure.base != group.whole:
            continue
        fits = arithmetic.counts_that_print(printed.number, whole)
        if figure.value + gap in fits:
            found.append(key)
    return found[0] if len(found) == 1 else None


def _subtotal(state: State, group, excess: int):
    """(a part, the other parts it adds up) when a list prints a subtotal beside its items and the subtotal is
    exactly what the list exceeds its whole by (已由承办单位解决和正在解决 3096 = 已解决 536 + 正在解决 2560)."""
    for item in group.parts:
        others = [k for k in group.parts if k != item]
        if state.value(item) != excess or len(others) > 12:  # 2^12 sums at most: lists are short
            continue
        for size in range(2, len(others) + 1):
            for items in itertools.combinations(others, size):
                if sum(state.value(k) for k in items) == excess:
                    return item, items
    return None


def _listed(group, parts_zh: str, parts_en: str, total: int, sum_zh: str, sum_en: str) -> tuple[str, str]:
    """What a note says falls short of the whole: 'the sum of the parts a + b = total fall', or the one part listed as
    it is (U11's lone class 解决采纳 4084 is no sum of items)."""
    if len(group.parts) > 1:
        return f"{sum_zh} {parts_zh} = {total}", f"{sum_en} {parts_en} = {total} fall"
    return f"所列只有{parts_zh}一项", f"the only part listed, {parts_en}, falls"


def _not_every_part(state: State, group, gap: int, parts_zh: str, parts_en: str, whole_zh: str, whole_en: str,
                    total: int, assumptions) -> None:
    """A note: parts that may not be every part (a report's own list, topics, unrated levels)."""
    if gap > 0:
        why_zh = {GroupKind.SATISFACTION: "可能有未测评的件", GroupKind.TOPIC: "报告可能未列出全部类别"}.get(
            group.kind, "报告可能未列出全部类别（如正在办理、未分类的件）")
        why_en = {GroupKind.SATISFACTION: "some may not have been rated",
                  GroupKind.TOPIC: "the report may not list every topic"}.get(
            group.kind, "the report may not list every class (e.g. some still being handled)")
        listed_zh, listed_en = _listed(group, parts_zh, parts_en, total, "所列各项之和", "the listed parts")
        state.find("note", group.whole, f"{listed_zh}，比{whole_zh}少{gap}件：{why_zh}；不算错误，也不据此推算",
                   f"{listed_en} short of {whole_en} by {gap}: {why_en}; not an "
                   "error, and nothing is derived across it", "not_every_part", state.figures[group.whole].ref,
                   assumptions)
    elif (subtotal := _subtotal(state, group, -gap)) is not None:
        item, items = subtotal
        values = {k: state.value(k) for k in (item, *items)}
        item_zh, item_en = (term(item, values[item], group.whole, lang) for lang in ("zh", "en"))
        items_zh, items_en = (terms(items, values, group.whole, lang, " + ") for lang in ("zh", "en"))
        state.find("note", group.whole,
                   f"所列各项之和 {parts_zh} = {total}，超过{whole_zh}{-gap}件：其中{item_zh} = {items_zh}，"
                   f"是这{len(items)}项的小计；不计这一项，其余各项之和正好是{state.value(group.whole)}件；不算错误",
                   f"the listed parts {parts_en} = {total} exceed {whole_en} by {-gap}: {item_en} = {items_en} is "
                   f"their subtotal; without it the other parts add up to exactly {state.value(group.whole)}; "
                   "not an error", "subtotal", state.figures[group.whole].ref, assumptions)
    else:
        state.find("note", group.whole,
                   f"所列各项之和 {parts_zh} = {total}，超过{whole_zh}{-gap}件：一件可能计入多类，或按承办单位重复计数",
                   f"the listed parts {parts_en} = {total} exceed {whole_en} by {-gap}: one suggestion may be "
                   "counted under several, or once per handling unit", "counted_twice", state.figures[group.whole].ref,
                   assumptions)


# ---------------------------------------------------------------------------------------
# Printed percents
# ---------------------------------------------------------------------------------------


def printed_percents(state: State) -> None:
    """Every printed percent of a known count and base: which convention explains it, or an error."""
    for figure in state.figures.values():
        if figure.base is None and not figure.base_bad:
            for printed in figure.percents:
                _unchecked(state, figure, printed, "该指标没有默认基数，也未在“百分比基数”列注明",
                           "the measure has no natural base and none is given")
    for members in state.lists.values():
        figures = [state.figures[k] for k in members]
        exact = [p for p in (f.exact_percent() for f in figures) if p is not None]
        total = sum((arithmetic.value_of(p.number) for p in exact), Fraction(0))
        sums_to_100 = len(exact) >= 2 and total == 100
        largest = max((arithmetic.value_of(p.number) for p in exact), default=None)
        confirmed = _base_confirmed(state, figures, sums_to_100, largest)
        moved = {f.key for f in figures if sums_to_100 and _needs_plug(state, f)}
        for figure in figures:
            for printed in figure.percents:
                _check_one(state, figure, printed, sums_to_100, largest, confirmed, bool(moved - {figure.key}))


def _needs_plug(state: State, figure: Figure) -> bool:
    """Its exact printed percent is one unit off its count ÷ base and neither rounded nor cut: only a plug explains it."""
    base, printed = state.base_value(figure), figure.exact_percent()
    if figure.count is None or not base or printed is None:
        return False
    return PercentCase(arithmetic.units(printed.number), printed.number.decimals,
                       arithmetic.exact_pct(figure.value, base), True, False).needs_plug


def _base_confirmed(state: State, figures: list[Figure], sums_to_100: bool, largest) -> bool:
    """The list's base is borne out: printed by the report, another of its percents fits it, or its counts add up
    to it. Otherwise a satisfaction rate that does not fit may be of another base (the forms returned)."""
    base = state.base_value(figures[0])
    if any(f.explicit_base for f in figures) or not base:
        return True
    known = [f for f in figures if f.count is not None and f.exact_percent() is not None]
    if len(known) >= 2 and sum(f.value for f in known) == base:
        return True
    return any(explain(PercentCase(arithmetic.units(p.number), p.number.decimals,
                                   arithmetic.exact_pct(f.value, base), sums_to_100,
                                   arithmetic.value_of(p.number) == largest)) is not Convention.ERROR
               for f in known if (p := f.exact_percent()) is not None)


def _check_one(state: State, figure: Figure, printed: Printed, sums_to_100: bool, largest,
               confirmed: bool = True, plugged_elsewhere: bool = False) -> None:
    base = state.base_value(figure)
    if figure.count is None or not base:
        return  # percents_without_count says why
    number = printed.number
    shown = percent_shown(number)
    true = arithmetic.exact_pct(figure.value, base)
    d = number.decimals
    expected = arithmetic.pct_text(true, d)
    what_zh = f"{figure.value} ÷ {base} = {arithmetic.pct_text(true, d + 2)}%"
    what_en = what_zh.replace("÷", "/")
    assumptions = set(printed.assumptions) | figure.count.assumptions | _base_facts(state, figure)[1]
    if not number.exact:
        _check_bound(state, figure, printed, true, what_zh, what_en, assumptions)
        return
    case = PercentCase(arithmetic.units(number), d, true, sums_to_100,
                       largest is not None and arithmetic.value_of(number) == largest, plugged_elsewhere)
    convention = explain(case)
    figure.check, figure.verdict = convention.value, verdict_of(convention)
    vacuous = convention is not Convention.ERROR and _vacuous(state, figure, printed)
    if vacuous:  # the count or the base was derived from this very percent: nothing was checked, so no check is shown
        figure.check, figure.verdict = "", "no_count"
    if convention is Convention.ROUND_HALF_UP:
        return
    if vacuous and convention in (Convention.TRUNCATION, Convention.ROUND_HALF_DOWN):
        # the derivation already assumed the cut: say what is known, not that the report truncated
        state.find("warning", figure.key,
                   f"印出{shown}，四舍五入时没有整数件数得出此数（以{base}为基数）；截尾时为{figure.value}件，"
                   "据此推算；也可能原文的基数不是这个数",
                   f"printed {shown}: no whole count rounds half up to it over {base}; truncated, {figure.value} "
                   "does, and is derived so; or the report's base is another number", convention.value,
                   printed.ref, assumptions)
        return
    ref = printed.ref
    if convention is Convention.ROUND_HALF_DOWN:
        also_zh, also_en = [], []
        if case.printed % 2 == 0:
            also_zh.append("“四舍六入五成双”")
            also_en.append("rounding half to even")
        if round(figure.value * 100 / base, d) * 10 ** d == case.printed:
            also_zh.append("用二进制浮点数计算后再舍入的程序")
            also_en.append("a program rounding the binary floating-point quotient")
        more_zh = f"；{'或'.join(also_zh)}也会得出此数" if also_zh else ""
        more_en = f"; {' or '.join(also_en)} also gives it" if also_en else ""
        state.find("warning", figure.key,
                   f"印出{shown}，{what_zh} 恰好是半个单位，四舍五入应为{expected}%：原文把末位之后的5舍去了，截尾（舍去多余位数）得出此数{more_zh}",
                   f"printed {shown}; {what_en} is exactly half a unit and rounds half up to {expected}%: the report "
                   f"dropped the half, which truncation (cutting the extra digits) gives{more_en}",
                   convention.value, ref, assumptions)
    elif convention in (Convention.PLUG_LARGEST, Convention.PLUG_OTHER, Convention.PLUG_TRUNCATION):
        which_zh = "最大一项" if case.is_largest else "非最大的一项"
        which_en = "the largest item" if case.is_largest else "an item other than the largest"
        cut_zh = "；截尾也得出此数" if convention is Convention.PLUG_TRUNCATION else ""
        cut_en = "; truncation gives it too" if convention is Convention.PLUG_TRUNCATION else ""
        state.find("warning", figure.key,
                   f"印出{shown}，{what_zh} 四舍五入应为{expected}%：为使该组合计恰为100%，{which_zh}调整了末位一个单位{cut_zh}",
                   f"printed {shown}; {what_en} rounds to {expected}%: {which_en} was adjusted by one unit in "
                   f"the last digit so the list adds up to exactly 100%{cut_en}", convention.value, ref, assumptions)
    elif convention is Convention.TRUNCATION:
        state.find("warning", figure.key,
                   f"印出{shown}，{what_zh} 四舍五入应为{expected}%：原文是截尾（舍去多余位数），不是四舍五入",
                   f"printed {shown}; {what_en} rounds to {expected}%: the report truncated instead of rounding",
                   convention.value, ref, assumptions)
    elif _weak(state, figure):
        figure.check, figure.verdict = "", "no_count"
        state.find("warning", figure.key,
                   f"印出{shown}，而 {what_zh}，四舍五入应为{expected}%：这里的件数或基数是在某个假设下推得的"
                   "（如所列即全部、无重复计数），该假设在此可能不成立",
                   f"printed {shown}, but {what_en}, which rounds to {expected}%: the count or its base was derived "
                   "under an assumption (a complete list, nothing counted twice) that may not hold here",
                   "assumption_fails", ref, assumptions)
    elif figure.key.measure in SATISFACTION_MEASURES and not confirmed:
        figure.check, figure.verdict = "", "no_count"
        state.find("warning", figure.key,
                   f"印出{shown}，而 {what_zh}，四舍五入应为{expected}%：原文未注明这个满意率以什么为基数，"
                   "可能以实际测评（交回测评表）的件数计；请核实，否则有误",
                   f"printed {shown}, but {what_en}, which rounds to {expected}%: the report does not say what the "
                   "rate is a share of; it may be of the suggestions rated (forms returned). Check it; otherwise it "
                   "is wrong", "other_base", ref, assumptions)
    else:
        hint_zh = "（或所依据的假设不成立）" if assumptions - set(printed.assumptions) else ""
        hint_en = " (or an assumption it rests on does not hold)" if hint_zh else ""
        state.find("error", figure.key,
                   f"印出{shown}，但 {what_zh}，四舍五入应为{expected}%；截尾、凑足100%等惯例都不能解释{hint_zh}",
                   f"printed {shown}, but {what_en}, which rounds to {expected}%; no convention (truncation, "
                   f"plugging to 100%) explains it{hint_en}", "none", ref, assumptions)


def _weak(state: State, figure: Figure) -> bool:
    """The count or the base rests on a rule's own assumption (not on printed figures alone)."""
    base = state.figures.get(figure.base) if figure.base is not None else None
    return figure.count.weak or (figure.base_override is None and base is not None and base.count is not None
                                 and base.count.weak)


def _vacuous(state: State, figure: Figure, printed: Printed) -> bool:
    """The count or the base was derived from this very percent, so comparing them proves nothing."""
    base = state.figures.get(figure.base) if figure.base is not None else None
    from_it = {"count_from_percent", "count_from_rounded_percent", "base_from_count_and_percent",
               "base_from_rounded_percent"}
    return (figure.count.rule in from_it and printed.ref in figure.count.inputs) or (
        base is not None and base.count is not None and base.count.rule in from_it and printed.ref in base.count.inputs)


def _check_bound(state: State, figure: Figure, printed: Printed, true: Fraction, what_zh: str, what_en: str,
                 assumptions) -> None:
    number = printed.number
    shown = percent_shown(number)
    d = number.decimals
    verdict = arithmetic.qualifier_holds(true, number, Fraction(1, 2 * 10 ** d))
    word_zh, word_en = qualifier_label(number.qualifier, "zh"), qualifier_label(number.qualifier, "en")
    convention = Convention.APPROXIMATION if number.qualifier == "about" else Convention.BOUND
    figure.check = convention.value
    # 约15.9 of 15.89 is just the rounded value: the word adds nothing, so the print is simply right
    rounded = arithmetic.round_half_up_units(true, d) == arithmetic.units(number)
    figure.verdict = "ok" if rounded and verdict == "ok" else "bound"
    if verdict == "ok":
        state.find("note", figure.key, f"印出“{shown}”（{word_zh}）与 {what_zh} 相符",
                   f"printed {shown!r} ({word_en}) agrees with {what_en}", convention.value, printed.ref, assumptions)
    elif verdict == "rounding" and number.qualifier == "nearly":
        limit = arithmetic.units_text(arithmetic.units(number), d)
        state.find("warning", figure.key, f"印出“{shown}”：“近”意为略低于{limit}%，而 {what_zh}，并不低于它",
                   f"printed {shown!r}: 'nearly' means just below {limit}%, but {what_en} is not below it",
                   convention.value, printed.ref, assumptions)
    elif verdict == "rounding":
        state.find("warning", figure.key, f"印出“{shown}”（{word_zh}），而 {what_zh}：只有四舍五入后才成立",
                   f"printed {shown!r} ({word_en}), but {what_en}: holds only after rounding",
                   convention.value, printed.ref, assumptions)
    else:
        figure.check = figure.verdict = Convention.ERROR.value
        state.find("error", figure.key, f"印出“{shown}”（{word_zh}），但 {what_zh}，不成立",
                   f"printed {shown!r} ({word_en}), but {what_en}: the bound does not hold",
                   convention.value, printed.ref, assumptions)


# ---------------------------------------------------------------------------------------
# Percents with no count
# ---------------------------------------------------------------------------------------


def percents_without_count(state: State) -> None:
    """A printed percent whose count is not known: the counts its base allows, or why it cannot be checked."""
    for figure in state.figures.values():
        if figure.base is None:
            continue
        base = state.base_value(figure)
        if figure.count is not None and base:
            continue  # printed_percents checks it
        for printed in figure.percents:
            if base is None:
                _unchecked(state, figure, printed, f"基数（{base_words(figure.base, 'zh')}）未知",
                           f"its base ({base_words(figure.base, 'en')}) is unknown")
            elif base == 0:
                _unchecked(state, figure, printed, "基数为0", "its base is 0")
            elif not printed.number.exact or figure.exact_percent() is None:
                _unchecked(state, figure, printed, "件数未知", "the count is unknown")
            else:
                _candidates(state, figure, printed, base)


def _candidates(state: State, figure: Figure, printed: Printed, base: int) -> None:
    shown = percent_shown(printed.number)
    base_zh, base_en = term(figure.base, base, figure.key, "zh"), term(figure.base, base, figure.key, "en")
    assumptions = set(printed.assumptions) | _base_facts(state, figure)[1]
    fits = arithmetic.counts_that_print(printed.number, base)
    mixed = mixed_conventions(state, figure.key)
    if mixed:
        if figure.key != next(k for k in mixed[2] if state.value(k) is None):
            return  # one warning for the list, on its first percent with no count
        zh, en = ([sep.join(percent_shown(state.figures[k].exact_percent().number) for k in m) for m in mixed]
                  for sep in ("、", ", "))
        state.find("warning", figure.key,
                   f"同一组百分比（{zh[2]}）以{base_zh}为基数时，{zh[0]}只能是四舍五入所得，{zh[1]}只能是截尾所得，"
                   f"没有一种凑整方法能得出全部：原文的基数可能不是{base}，未印的件数不推算",
                   f"over {base_en}, the list ({en[2]}) needs half-up rounding for {en[0]} and truncation for "
                   f"{en[1]}: no one convention gives them all, so the report's base may be another number and the "
                   "counts not printed are not derived", "mixed_conventions", printed.ref, assumptions)
        return
    if fits:
        if len(fits) > 5 and list(fits) == list(range(fits[0], fits[-1] + 1)):
            # a large base fits dozens of counts (74.4% of 43750: 65 of them): a range, not a list to read through
            listed = f"{fits[0]} 至 {fits[-1]} 之间的任一整数（{len(fits)} 个）"
            listed_en = f"any of the {len(fits)} whole numbers from {fits[0]} to {fits[-1]}"
        else:
            listed, listed_en = "、".join(str(c) for c in fits), ", ".join(map(str, fits))
        state.find("note", figure.key, f"按印出的{shown}和{base_zh}，件数可能是 {listed}，不止一个整数符合，件数仍未知",
                   f"from {shown} and {base_en} the count could be {listed_en}: more than one "
                   "whole number fits, so the count stays unknown", "ambiguous", printed.ref, assumptions)
        return
    if figure.explicit_base:
        figure.check = figure.verdict = Convention.ERROR.value
        state.find("error", figure.key, f"印出{shown}，但{base_zh}的任何整数件数都印不出这个百分比（四舍五入或截尾）",
                   f"printed {shown}, but no whole number out of {base_en} gives this percent (rounded or truncated)",
                   "none", printed.ref, assumptions)
    else:
        state.find("warning", figure.key,
                   f"印出{shown}，但{base_zh}的任何整数件数都印不出这个百分比（四舍五入或截尾）：原文未注明基数，"
                   "这个比率可能另有基数（如实际测评件数），否则有误",
                   f"printed {shown}, but no whole number out of {base_en} gives this percent (rounded or "
                   "truncated): the report does not say what it is a share of, so it may be of another base (such "
                   "as the suggestions rated); otherwise it is wrong", "none", printed.ref, assumptions)


def _unchecked(state: State, figure: Figure, printed: Printed, reason_zh: str, reason_en: str) -> None:
    shown = percent_shown(printed.number)
    state.find("note", figure.key, f"印出{shown}无法核对：{reason_zh}", f"printed {shown} cannot be checked: {reason_en}",
               "unchecked", printed.ref, printed.assumptions)


# ---------------------------------------------------------------------------------------
# Counts printed as bounds, counts over their base
# ---------------------------------------------------------------------------------------


def printed_bounds(state: State) -> None:
    """Counts printed as bounds or approximations, against the count the arithmetic gives."""
    for figure in state.figures.values():
        inexact = [p for p in figure.counts if not p.number.exact]
        conflicting = len({p.number.value for p in figure.counts if p.number.exact}) > 1
        if figure.count is None or figure.count.status != "derived":
            for printed in inexact:
                word_zh, word_en = (qualifier_label(printed.number.qualifier, lang) for lang in ("zh", "en"))
                state.find("note", figure.key, f"件数印为约数“{printed.number.text}”（{word_zh}），不参与推算",
                           f"the count is printed as an approximation {printed.number.text!r} ({word_en}); it is "
                           "not used in arithmetic", "approximate_count", printed.ref, printed.assumptions)
            continue
        assumptions = set(figure.count.assumptions)
        for printed in figure.counts:
            number = printed.number
            if number.exact and conflicting:
                agree = int(number.value) == figure.value
                state.find("note", figure.key,
                           f"印出的{number.text}（第{printed.ref.row}行）{'与推算值相符' if agree else f'与推算值{figure.value}不符'}",
                           f"printed {number.text} (row {printed.ref.row}) "
                           f"{'agrees with' if agree else 'differs from'} the derived {figure.value}",
                           "duplicate", printed.ref, assumptions)
                continue
            if number.exact:
                continue
            verdict = arithmetic.qualifier_holds(Fraction(figure.value), number, Fraction(0))
            word_zh, word_en = qualifier_label(number.qualifier, "zh"), qualifier_label(number.qualifier, "en")
            convention = "approximation" if number.qualifier == "about" else "bound"
            if verdict == "ok":
                state.find("note", figure.key, f"件数印为“{number.text}”（{word_zh}），推算为{figure.value}，相符",
                           f"the count printed {number.text!r} ({word_en}) agrees with the derived {figure.value}",
                           convention, printed.ref, assumptions)
            else:
                severity = "warning" if verdict == "rounding" else "error"
                state.find(severity, figure.key, f"件数印为“{number.text}”（{word_zh}），但推算为{figure.value}，不成立",
                           f"the count printed {number.text!r} ({word_en}), but the arithmetic gives {figure.value}",
                           convention, printed.ref, assumptions)


def part_within_base(state: State) -> None:
    """A count cannot exceed the count it is a share of (bodies and listed parts are checked as groups)."""
    in_groups = {k for g in state.groups if g.kind is not GroupKind.SESSIONS for k in g.parts}
    for figure in state.figures.values():
        if figure.base is None or figure.key in in_groups or figure.key.measure in ("received", "handled"):
            continue
        value, base = figure.value, state.base_value(figure)
        if value is None or base is None or value <= base:
            continue
        zh_part, en_part = term(figure.key, value, figure.key, "zh"), term(figure.key, value, figure.key, "en")
        zh_base, en_base = term(figure.base, base, figure.key, "zh"), term(figure.base, base, figure.key, "en")
        state.find("error", figure.key, f"{zh_part}多于它的基数{zh_base}：部分不能大于整体",
                   f"{en_part} is more than its base, {en_base}: a part cannot exceed its whole", "exceeds_base",
                   figure.ref, figure.count.assumptions | _base_facts(state, figure)[1])


# ---------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------


def list_precision(state: State) -> None:
    """A note on a list printed at mixed precision, or in whole percents only."""
    for members in state.lists.values():
        figures = [state.figures[k] for k in members]
        exact = [(f, f.exact_percent()) for f in figures if f.exact_percent() is not None]
        decimals = sorted({p.number.decimals for _, p in exact})
        if len(decimals) > 1:
            shown = "、".join(f"{p.number.text}%" for _, p in exact)
            first = exact[0][0]
            state.find("note", first.key, f"同一组百分比精度不一（{shown}），各按其印出精度核对",
                       f"one list printed at mixed precision ({', '.join(p.number.text + '%' for _, p in exact)}); "
                       "each is checked at its own precision", "mixed_precision", first.ref)
        elif decimals == [0]:
            # only percents checked against a printed count: a lone 建议回复率100% whose count is derived from that very
            # percent was never "checked at whole-percent precision" (U13)
            compared = [f for f, _ in exact if f.verdict_shown() not in ("", "no_count") and state.base_value(f)]
            # every count a whole percent of its base (38 of 100, U16): the whole percents are exact, nothing is off
            whole = all(f.value is not None and f.value * 100 % state.base_value(f) == 0 for f in compared)
            if compared and not whole:
                state.find("note", compared[0].key, "该组百分比只印到整数，按整数精度核对（误差可达0.5个百分点）",
                           "this list prints whole percents only; checked at that precision (off by up to half a "
                           "point)",
                           "integer", compared[0].ref)


def derivations(state: State) -> None:
    """A note on every derived figure: how it was derived, and the assumptions it rests on."""
    for figure in state.figures.values():
        parts_zh, parts_en, assumptions = [], [], set()
        if figure.count is not None and figure.count.status == "derived":
            parts_zh.append(f"件数 {figure.value}：{figure.count.zh}")
            parts_en.append(f"count {figure.value}: {figure.count.en}")
            assumptions |= figure.count.assumptions
        if figure.share is not None:
            parts_zh.append(figure.share.zh)
            parts_en.append(figure.share.en)
            assumptions |= figure.share.assumptions
        if not parts_zh:
            continue
        stated = state.joined(assumptions)
        zh = "推算 " + "；".join(parts_zh) + (f"。依据假设：{stated}" if stated else "")
        en = "derived " + "; ".join(parts_en) + (f". Rests on the assumption(s): {stated}" if stated else "")
        state.find("note", figure.key, zh, en, "assumption" if stated else "derived", figure.ref, assumptions)


def report_notes(state: State) -> None:
    """One note per report and body whose classes are its own wordings; one per file that names no period."""
    for (file, congress, handler), reading in state.readings.items():
        if reading.source != "wordings":
            continue
        key = next((f.key for f in state.figures.values() if f.key.measure == "outcome" and f.key.handler == handler
                    and f.key.congress == congress and any(r.file == file for r in f.refs)), None)
        if key is None:
            continue
        listed, listed_en = (class_list(reading.scheme.codes, lang) for lang in ("zh", "en"))
        state.find("note", key._replace(category=""),
                   f"办理结果按报告自己的分类核对（{listed}）：不套用A/B/C等方案，各类之和只在所列即全部时才用于推算",
                   f"outcome classes checked as the report lists them ({listed_en}): no A/B/C scheme is applied, and "
                   "their sum is used only as far as the list is complete", "own_classes",
                   state.figures[key].ref)
    for file, key in {f.key.session: f.key for f in state.figures.values()
                      if (p := sessions.parse_period(f.key.session)) is not None
                      and p.kind is sessions.PeriodKind.NONE}.items():
        state.find("note", key._replace(handler="", measure="", category=""),
                   f"文件未注明届次或年度：整个文件按一份报告核对（{period_label(file)}）",
                   f"the file names no session or year: the whole file is checked as one report "
                   f"({period_label(file, 'en')})", "no_period")


CHECKS: tuple[Check, ...] = (
    Check("computed_shares", "已知件数与基数而未印百分比的，算出百分比", "the percent of a known count and base, when "
          "none is printed", computed_shares),
    Check("printed_percents", "印出的百分比与 件数 ÷ 基数 相比：依次看四舍五入、半数舍去、凑足100%、截尾、界限；都不能解释为错误",
          "each printed percent against count ÷ base: half up, a half cut, plugging to 100, truncation, bounds; "
          "else an error", printed_percents),
    Check("parts_against_whole", "各部分之和与整体相比：所列即全部时不符为错误；可能未列全或重复计数时为说明",
          "parts against their whole: an error where they are all the parts; a note where some may be missing or "
          "counted twice", parts_against_whole),
    Check("percents_without_count", "只印百分比没印件数的：列出可能的件数，或说明为何无法核对",
          "a percent without a count: the counts it allows, or why it cannot be checked", percents_without_count),
    Check("printed_bounds", "印为约数或界限的件数（160余、约200）与推算的件数相比",
          "a count printed as a bound (160余, 约200) against the count the arithmetic gives", printed_bounds),
    Check("part_within_base", "件数不能大于它的基数", "a count cannot exceed its base", part_within_base),
    Check("list_precision", "同一组百分比精度不一或只印整数时加以说明",
          "a note on a list at mixed precision or in whole percents", list_precision),
    Check("derivations", "每个推算出的数字说明算法和所依据的假设",
          "every derived figure: how, and what it rests on", derivations),
    Check("report_notes", "报告用自己的分类措辞、或文件未注明届次时各说明一次",
          "one note for a report with its own class wordings, or a file naming no period", report_notes),
)


def check(state: State) -> None:
    """Run every check in order."""
    for item in CHECKS:
        item.run(state)
