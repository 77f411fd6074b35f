"""The derivation rules, one small function each, in the order the engine tries them.

A rule looks at what is known and proposes an exact count for one figure that is not known
yet, saying how (in Chinese and English), which rows it used and what it assumes. The engine
applies the first rule that proposes something, then starts again from the first rule, until
no rule proposes anything: so a rule earlier in ``RULES`` wins over a later one, and the
rules resting on an assumption come last.

=============================  ====================================================================
rule                           derives
=============================  ====================================================================
sessions_sum_to_total          a total over several sessions (or years) = the sum of them; a
                               session = the total − the other sessions
classes_sum_to_handled         a body's outcome classes add up to its handled count (the scheme is
                               declared or configured, or the printed percents add up to 100)
rates_complement_to_100        rates of one base printed to add up to exactly 100 (92.47 + 7.53),
                               precise enough that nothing is left: the levels not printed are 0,
                               and one count = base − the others
levels_sum_to_base             满意 + 基本满意 + 不满意 = their base
shares_sum_to_base             printed shares of one base that add up to 100 (within their rounding)
                               add up to that base (办结总数 = A + B + C of 办结)
count_from_percent             a count from its printed percent × base, when exactly one whole
                               number prints as that percent (rounded or truncated), and never in a
                               list that over that base needs rounding for one percent and
                               truncation for another (the base is then in doubt)
base_from_count_and_percent    a base from count ÷ percent, when exactly one whole number fits every
                               printed count and percent of it
listed_classes_sum_to_handled  as classes_sum_to_handled for a report's own list of classes,
                               assuming the classes it lists are all the classes
listed_topics_sum_to_whole     topics add up to their whole, when their percents add up to 100
                               (stated as an assumption)
count_from_rounded_percent     as count_from_percent, base_from_count_and_percent when only half-up
base_from_rounded_percent      rounding fixes one number (truncation would allow another): stated
bodies_sum_to_received         the bodies' handled counts add up to the session's received
                               (assuming no suggestion is counted under two bodies)
=============================  ====================================================================
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Iterator

from . import arithmetic
from .model import Count, FigureKey, Group, GroupKind, State
from .words import base_words, term, terms

Proposal = tuple[FigureKey, Count]


@dataclass(frozen=True)
class Rule:
    """A named derivation: what it says (zh / en) and the function that proposes counts."""

    name: str
    zh: str
    en: str
    propose: Callable[[State], Iterator[Proposal]]


# Rules whose counts rest on an assumption of the rule itself: a check that fails against them may mean that
# the assumption does not hold rather than that the report is wrong.
WEAK_RULES = frozenset({"listed_classes_sum_to_handled", "listed_topics_sum_to_whole", "count_from_rounded_percent",
                        "base_from_rounded_percent", "bodies_sum_to_received"})


def _inputs(state: State, keys) -> tuple[frozenset, frozenset]:
    counts = [state.figures[k].count for k in keys]
    return (frozenset().union(*(c.inputs for c in counts)), frozenset().union(*(c.assumptions for c in counts)))


def _weak(state: State, keys) -> bool:
    return any(state.figures[k].count.weak for k in keys)


def _excess(state: State, group: Group, target: FigureKey) -> None:
    """The known parts already exceed the whole, so the missing part cannot be derived."""
    whole = state.figures[group.whole]
    others = [k for k in group.parts if k != target]
    values = {k: state.value(k) for k in others}
    total = sum(values.values())
    assumptions = whole.count.assumptions.union(*(state.figures[k].count.assumptions for k in others))
    zh, en = terms(others, values, group.whole, "zh", " + "), terms(others, values, group.whole, "en", " + ")
    if group.kind in (GroupKind.BODIES, GroupKind.TOPIC) or not group.complete:
        state.find("note", group.whole,
                   f"已知各项之和 {zh} = {total}，超过{term(group.whole, whole.value, group.whole, 'zh')}，"
                   f"多出{total - whole.value}件，可能为联合办理（或一件计入多类、按承办单位计）重复计数；不据此推算其余各项",
                   f"the known parts {en} = {total} exceed {term(group.whole, whole.value, group.whole, 'en')} by "
                   f"{total - whole.value}, perhaps counted twice (joint handling, under two topics, or per handling "
                   "unit); nothing else is derived", "joint_handling", whole.ref, assumptions)
    else:
        state.find("error", group.whole, f"各部分之和 {zh} = {total}，已超过合计{whole.value}件，数字相互矛盾",
                   f"the parts {en} = {total} already exceed the whole ({whole.value}); the figures contradict "
                   "each other", "inconsistent", whole.ref, assumptions)


def _contradicted(state: State, key: FigureKey, value: int) -> bool:
    """A count its own exact printed percent rules out (by every convention, a plug of one unit included)."""
    figure = state.figures[key]
    printed = figure.exact_percent()
    base = state.base_value(figure)
    if printed is None or not base:
        return False
    true = arithmetic.exact_pct(value, base) * 10 ** printed.number.decimals
    return abs(true - arithmetic.units(printed.number)) > 2  # rounding, truncation and a plug stay within 2 units


def remainder(state: State, group: Group, rule: str) -> Proposal | None:
    """The one unknown of whole = Σ parts, when all the others are known (None otherwise; marks excess)."""
    if group.broken or not group.derive or (group.assumption and len(group.parts) < 2):
        return None  # one listed class is not assumed to be every class
    unknown = [k for k in group.keys if state.value(k) is None]
    if len(unknown) != 1:
        return None
    target = unknown[0]
    if target == group.whole:
        inputs = group.parts
        value = sum(state.value(k) for k in inputs)
        joiner = " + "
    else:
        inputs = (group.whole, *(k for k in group.parts if k != target))
        value = state.value(group.whole) - sum(state.value(k) for k in inputs[1:])
        joiner = " − "
        if value < 0:
            group.broken = True
            _excess(state, group, target)
            return None
    if (group.assumption or group.kind is GroupKind.BODIES) and _contradicted(state, target, value):
        return None  # the assumption would give a count its own printed percent denies: it does not hold here
    values = {k: state.value(k) for k in inputs}
    zh = f"由 {terms(inputs, values, target, 'zh', joiner)} 得出"
    en = f"from {terms(inputs, values, target, 'en', joiner)}"
    if group.kind is GroupKind.BODIES:
        zh += "（按各承办主体件数之和，假定无联合办理重复计数）"
        en += " (the bodies' counts add up to the session's, assuming none is counted twice)"
    refs, assumptions = _inputs(state, inputs)
    assumptions |= {group.assumption} if group.assumption else set()
    return target, Count(value, "derived", rule, zh, en, refs, frozenset(assumptions),
                         weak=rule in WEAK_RULES or _weak(state, inputs))


def _across(kind: GroupKind, rule: str, complete: bool | None = None) -> Callable[[State], Iterator[Proposal]]:
    def propose(state: State) -> Iterator[Proposal]:
        for group in state.groups:
            if group.kind is kind and (complete is None or group.complete == complete):
                found = remainder(state, group, rule)
                if found:
                    yield found
    return propose


HALF_UP = "印出的百分比是四舍五入所得（不是截尾）"
TRUNCATED = "印出的百分比是截尾所得（四舍五入时没有整数得出此数）"


def _fitting(fits_both: tuple | set, fits_half_up: tuple | set, half_up: bool) -> tuple[int | None, str]:
    """The one value that fits under rounding or truncation (truncation stated as an assumption when rounding
    gives none); with ``half_up``, the one under half-up alone when truncation would allow another (stated)."""
    if not half_up:
        if len(fits_both) != 1:
            return None, ""
        value = next(iter(fits_both))
        return value, "" if value in fits_half_up else TRUNCATED
    if len(fits_both) > 1 and len(fits_half_up) == 1:
        return next(iter(fits_half_up)), HALF_UP
    return None, ""


def _fits(state: State, key: FigureKey, base: int) -> tuple[bool, bool]:
    """(rounded half up, truncated): whether a figure's exact printed percent of ``base`` can be either, by its
    printed count, or (count unknown or taken from the percent) by some whole count."""
    figure = state.figures[key]
    number = figure.exact_percent().number
    units, decimals = arithmetic.units(number), number.decimals
    if figure.count is not None and not figure.count.from_percent:
        counts: tuple[int, ...] = (figure.value,)
    else:
        counts = arithmetic.counts_that_print(number, base)
    cuts = [arithmetic.exact_pct(c, base) for c in counts]
    return (any(arithmetic.round_half_up_units(t, decimals) == units for t in cuts),
            any(arithmetic.truncated_units(t, decimals) == units for t in cuts))


def mixed_conventions(state: State, key: FigureKey) -> tuple[list[FigureKey], ...] | None:
    """(rounded only, truncated only, the list) when the list of one base holding a percent with no printed count needs
    half-up rounding for some of its percents and truncation for others: over that base no one convention gives
    them all, so the base is in doubt (U08: 16.8% and 16.5% of 669 only truncated, 16.3% only rounded); None else."""
    figure = state.figures[key]
    base = state.base_value(figure)
    if not base or figure.exact_percent() is None or figure.base_override is not None:
        return None
    members = next((m for m in state.lists.values() if key in m), [key])
    members = [k for k in members if state.figures[k].exact_percent() is not None
               and state.figures[k].base_override is None and state.base_value(state.figures[k]) == base]
    fits = {k: _fits(state, k, base) for k in members}
    rounded = [k for k in members if fits[k] == (True, False)]
    truncated = [k for k in members if fits[k] == (False, True)]
    return (rounded, truncated, members) if rounded and truncated else None


def _count_from_percent(state: State, half_up: bool) -> Iterator[Proposal]:
    for figure in state.figures.values():
        base = state.base_value(figure)
        printed = figure.exact_percent()
        if figure.count is not None or printed is None or not base or figure.base_override is not None:
            continue
        if mixed_conventions(state, figure.key):
            continue  # checks.percents_without_count says why
        value, assumed = _fitting(arithmetic.counts_that_print(printed.number, base),
                                  arithmetic.counts_that_print(printed.number, base, truncation=False), half_up)
        if value is None:
            continue
        text = printed.number.text.rstrip("%％")
        base_zh, base_en = term(figure.base, base, figure.key, "zh"), term(figure.base, base, figure.key, "en")
        base_count = state.figures[figure.base].count
        yield figure.key, Count(value, "derived", "count_from_rounded_percent" if half_up else "count_from_percent",
                                f"由 占比{text}% × {base_zh} 得出（唯一符合印出精度的整数）",
                                f"from {text}% × {base_en} (the only whole number that prints as {text}%)",
                                frozenset({printed.ref}) | base_count.inputs,
                                frozenset(printed.assumptions) | base_count.assumptions | ({assumed} - {""}),
                                from_percent=True, weak=half_up or base_count.weak)


def count_from_percent(state: State) -> Iterator[Proposal]:
    """A count from its exact printed percent and its known base, when exactly one whole number prints as it."""
    return _count_from_percent(state, half_up=False)


def count_from_rounded_percent(state: State) -> Iterator[Proposal]:
    """As count_from_percent when only half-up rounding fixes one whole number (truncation would allow another)."""
    return _count_from_percent(state, half_up=True)


def _full_list(state: State, members: list[FigureKey]) -> tuple[list, int] | None:
    """(printed percents, base) of a list whose exact percents add up to exactly 100 so precisely that no
    whole suggestion can be left over; None otherwise."""
    printed = [state.figures[k].exact_percent() for k in members]
    base = state.base_value(state.figures[members[0]])
    if len(members) < 2 or any(p is None for p in printed) or not base:
        return None
    if sum((arithmetic.value_of(p.number) for p in printed), Fraction(0)) != 100:
        return None
    slack = sum((arithmetic.unit(p.number) for p in printed), Fraction(0))
    return (printed, base) if slack * base / 100 < 1 else None


def rates_complement_to_100(state: State) -> Iterator[Proposal]:
    """Rates of one base printed to add up to exactly 100, so precise that no whole suggestion is left over."""
    groups_of: dict[FigureKey, list[Group]] = {}
    for group in state.groups:
        groups_of.setdefault(group.whole, []).append(group)
    for members in state.lists.values():
        full = _full_list(state, members)
        if full is None:
            continue
        printed, base = full
        base_key = state.figures[members[0]].base
        shown = " + ".join(f"{p.number.text.rstrip('%％')}%" for p in printed)
        for group in groups_of.get(base_key, []):  # the levels (or classes) printed with no share at all have none
            if set(members) < set(group.parts) and not group.broken:
                for key in group.parts:
                    if key not in members and state.value(key) is None and not state.figures[key].percents:
                        refs = frozenset(p.ref for p in printed)
                        yield key, Count(0, "derived", "rates_complement_to_100",
                                         f"为0（所列各项 {shown} = 100%，没有余下的件）",
                                         f"0 (the listed shares {shown} = 100% leave nothing over)", refs,
                                         frozenset(a for p in printed for a in p.assumptions))
        unknown = [k for k in members if state.value(k) is None]
        if len(unknown) != 1 or state.figures[base_key].count is None:
            continue
        target = unknown[0]
        others = [k for k in members if k != target]
        value = base - sum(state.value(k) for k in others)
        if value < 0:
            continue
        values = {k: state.value(k) for k in (base_key, *others)}
        refs, assumptions = _inputs(state, (base_key, *others))
        yield target, Count(value, "derived", "rates_complement_to_100",
                            f"由 {terms((base_key, *others), values, target, 'zh', ' − ')} 得出（{shown} = 100%，无余数）",
                            f"from {terms((base_key, *others), values, target, 'en', ' − ')} ({shown} = 100%, "
                            "nothing left over)",
                            refs | {p.ref for p in printed}, assumptions | {a for p in printed for a in p.assumptions},
                            weak=_weak(state, (base_key, *others)))


def _bases_fitting(state: State, members: list[FigureKey], truncation: bool) -> set[int]:
    fitting: set[int] | None = None
    for key in members:
        bases = arithmetic.bases_that_print(state.value(key), state.figures[key].exact_percent().number, truncation)
        fitting = set(bases) if fitting is None else fitting & set(bases)
    return fitting or set()


def _base_from_count_and_percent(state: State, half_up: bool) -> Iterator[Proposal]:
    shares: dict[FigureKey, list[FigureKey]] = {}
    for key, figure in state.figures.items():
        if figure.base is not None and figure.count is not None and figure.count.status == "printed" \
                and figure.exact_percent() is not None and state.base_value(figure) is None \
                and arithmetic.bases_that_print(figure.value, figure.exact_percent().number) is not None:
            shares.setdefault(figure.base, []).append(key)
    for base_key, used in shares.items():
        value, assumed = _fitting(_bases_fitting(state, used, True), _bases_fitting(state, used, False), half_up)
        if value is None:
            continue
        values = {k: state.value(k) for k in used}
        printed = [state.figures[k].exact_percent() for k in used]
        pcts = [p.number.text.rstrip("%％") for p in printed]
        shown_zh = "、".join(f"{term(k, values[k], base_key, 'zh')}占{pct}%" for k, pct in zip(used, pcts))
        shown_en = ", ".join(f"{term(k, values[k], base_key, 'en')} = {pct}%" for k, pct in zip(used, pcts))
        refs, assumptions = _inputs(state, used)
        refs |= {p.ref for p in printed}
        assumptions |= {a for p in printed for a in p.assumptions} | ({assumed} - {""})
        name = "base_from_rounded_percent" if half_up else "base_from_count_and_percent"
        yield base_key, Count(value, "derived", name,
                              f"由 {shown_zh} 得出（唯一同时符合这些百分比的{base_words(base_key, 'zh')}）",
                              f"from {shown_en} (the only whole number of {base_words(base_key, 'en')} that gives "
                              "every one of these percents)",
                              refs, assumptions, weak=half_up or _weak(state, used))


def base_from_count_and_percent(state: State) -> Iterator[Proposal]:
    """A base from its parts' printed counts and percents, when exactly one whole number fits them all."""
    return _base_from_count_and_percent(state, half_up=False)


def base_from_rounded_percent(state: State) -> Iterator[Proposal]:
    """As base_from_count_and_percent when only half-up rounding fixes one whole number."""
    return _base_from_count_and_percent(state, half_up=True)


RULES: tuple[Rule, ...] = (
    Rule("sessions_sum_to_total", "多次会议（或年度）的合计等于各次之和；已知合计与其他各次时推出缺的一次",
         "a total over several sessions (or years) is their sum; with the total and the others known, the "
         "missing one follows", _across(GroupKind.SESSIONS, "sessions_sum_to_total")),
    Rule("classes_sum_to_handled", "各类办理结果件数之和等于办理件数（分类方案已声明或配置，或所印百分比合计为100%）",
         "a body's outcome classes add up to its handled count (the scheme is declared or configured, or the "
         "printed percents add up to 100)", _across(GroupKind.OUTCOME, "classes_sum_to_handled", complete=True)),
    Rule("rates_complement_to_100", "同一基数的几个比率合计恰为100%且精度足够时，没有余数：一项 = 基数 − 其余各项",
         "rates of one base that add up to exactly 100% precisely enough leave nothing over: one count is the base "
         "minus the others", rates_complement_to_100),
    Rule("levels_sum_to_base", "满意、基本满意、不满意件数之和等于测评的基数",
         "satisfied, basically satisfied and unsatisfied add up to their base",
         _across(GroupKind.SATISFACTION, "levels_sum_to_base")),
    Rule("shares_sum_to_base", "同一基数的几项百分比合计为100%（在其舍入误差之内）时，各项之和等于该基数",
         "shares of one base that add up to 100% (within their rounding) add up to that base",
         _across(GroupKind.SHARES, "shares_sum_to_base")),
    Rule("count_from_percent", "件数 = 百分比 × 基数，仅当恰有一个整数在印出的精度下（四舍五入或截尾）得出该百分比，"
         "且同组百分比不是有的只能四舍五入、有的只能截尾（那样基数存疑，不推算）",
         "a count is the percent × its base when exactly one whole number prints as that percent (rounded or "
         "truncated), unless its list over that base needs rounding for one percent and truncation for another "
         "(the base is then in doubt)", count_from_percent),
    Rule("base_from_count_and_percent", "基数 = 件数 ÷ 百分比，仅当恰有一个整数同时符合各项印出的件数与百分比",
         "a base is count ÷ percent when exactly one whole number fits every printed count and percent of it",
         base_from_count_and_percent),
    Rule("listed_classes_sum_to_handled", "报告自己列出的各类办理结果之和等于办理件数（假定所列即全部类别）",
         "a report's own list of outcome classes adds up to the handled count (assuming it lists every class)",
         _across(GroupKind.OUTCOME, "listed_classes_sum_to_handled", complete=False)),
    Rule("listed_topics_sum_to_whole", "各建议类别之和等于总件数，仅当所印各类百分比合计为100%（假定所列即全部类别）",
         "topics add up to their whole, only when their printed percents add up to 100 (assuming the list is "
         "complete)", _across(GroupKind.TOPIC, "listed_topics_sum_to_whole")),
    Rule("count_from_rounded_percent", "同 count_from_percent，但只有按四舍五入才唯一（截尾会多一个整数）：注明此假设",
         "as count_from_percent when only half-up rounding fixes one whole number (truncation would allow another); "
         "the assumption is stated", count_from_rounded_percent),
    Rule("base_from_rounded_percent", "同 base_from_count_and_percent，但只有按四舍五入才唯一：注明此假设",
         "as base_from_count_and_percent when only half-up rounding fixes one whole number; the assumption is "
         "stated", base_from_rounded_percent),
    Rule("bodies_sum_to_received", "各承办主体办理件数之和等于收到建议件数（假定无联合办理重复计数）",
         "the bodies' handled counts add up to the session's received (assuming none is counted twice)",
         _across(GroupKind.BODIES, "bodies_sum_to_received")),
)
RULE_BY_NAME = {rule.name: rule for rule in RULES}


def derive(state: State) -> None:
    """Apply the rules until nothing new follows: each time the first rule that proposes counts wins.

    A rule resting on its own assumption gives one count at a time, so that the rules before it
    (resting on printed figures only) get the first say on everything that count makes derivable.
    """
    while any(_apply(state, rule) for rule in RULES):
        pass


def _apply(state: State, rule: Rule) -> bool:
    """Apply a rule's proposals (only the first, for a rule resting on its own assumption); True if any."""
    applied = False
    for key, count in rule.propose(state):
        if state.figures[key].count is None:
            state.figures[key].count = count
            applied = True
            if rule.name in WEAK_RULES:
                break
    return applied
