"""The working model of one reconciliation: figures, the groups that tie them, findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import Iterable, NamedTuple

from ..labels import FigureStatus, Severity
from ..normalize import PrintedNumber
from . import arithmetic

SEVERITIES = tuple(s.value for s in Severity)
STATUSES = tuple(s.value for s in (FigureStatus.PRINTED, FigureStatus.DERIVED, FigureStatus.UNKNOWN))
SATISFACTION_MEASURES = ("satisfied", "basically_satisfied", "unsatisfied")


class FigureKey(NamedTuple):
    """What identifies one figure: who reports it, for which period, body, measure and category."""

    congress: str
    session: str
    handler: str
    measure: str
    category: str


class Ref(NamedTuple):
    """Where a figure is printed: file name and row as seen in Excel."""

    file: str
    row: int | None


@dataclass(frozen=True)
class Printed:
    """One printed number with its row and the assumptions its reading rests on."""

    number: PrintedNumber
    ref: Ref
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class Count:
    """An exact count known: printed, or derived by a rule (named, with its inputs and assumptions)."""

    value: int
    status: str  # printed | derived
    rule: str = ""  # the name of the rule that derived it
    zh: str = ""  # how it was derived, in words
    en: str = ""
    inputs: frozenset = frozenset()  # Refs it rests on
    assumptions: frozenset = frozenset()
    from_percent: bool = False  # derived from its own printed percent
    weak: bool = False  # rests on a rule's own assumption (a list taken as complete, no double counting, half up)


@dataclass(frozen=True)
class Share:
    """A percent computed from known counts (no exact percent printed)."""

    value: Fraction
    decimals: int
    zh: str
    en: str
    inputs: frozenset
    assumptions: frozenset

    @property
    def text(self) -> str:
        return arithmetic.pct_text(self.value, self.decimals)


@dataclass
class Figure:
    """One figure: what is printed for it and what is known about it."""

    key: FigureKey
    year: int | None = None
    counts: list[Printed] = field(default_factory=list)
    percents: list[Printed] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # the category as printed
    refs: list[Ref] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    base: FigureKey | None = None  # what its percent is a share of
    base_bad: bool = False
    explicit_base: bool = False  # the base was printed (the base column), not the measure's natural one
    base_override: int | None = None  # its list's percents are of the sum of the list, not of ``base``
    count: Count | None = None
    share: Share | None = None
    check: str = ""  # a Convention value, when a printed percent was explained
    verdict: str = ""  # the checker's verdict on the printed percent, when it was checked (conventions.VERDICTS)
    _exact: tuple | None = field(default=None, repr=False, compare=False)  # (percents seen, exact_percent())

    def verdict_shown(self) -> str:
        """The verdict on its printed percent: ``no_count`` when no count is printed beside it and nothing
        contradicts it."""
        if not self.percents:
            return ""
        if self.verdict == "error":
            return "error"
        return self.verdict if self.exact_count_printed and self.verdict else "no_count"

    @property
    def value(self) -> int | None:
        """The exact count, when known."""
        return self.count.value if self.count else None

    @property
    def ref(self) -> Ref | None:
        """The first row that prints it."""
        return self.refs[0] if self.refs else None

    def exact_percent(self) -> Printed | None:
        """The one exact printed percent, when all printed percents agree and are exact."""
        if self._exact is None or self._exact[0] != len(self.percents):
            self._exact = (len(self.percents), self._one_exact_percent())
        return self._exact[1]

    def _one_exact_percent(self) -> Printed | None:
        exact = [p for p in self.percents if p.number.exact]
        if not exact or len(exact) != len(self.percents):
            return None
        if len({(arithmetic.units(p.number), p.number.decimals) for p in exact}) != 1:
            return None
        return exact[0]

    @property
    def exact_count_printed(self) -> bool:
        """An exact count is printed for it (not a bound, not blank)."""
        return any(p.number.exact for p in self.counts)


class GroupKind(str, Enum):
    """What ties a whole to its parts."""

    OUTCOME = "outcome"  # a body's outcome classes make up its handled count
    SATISFACTION = "satisfaction"  # 满意 + 基本满意 + 不满意 = their base
    TOPIC = "topic"  # topics make up the whole, when the list is complete
    BODIES = "bodies"  # the handling bodies' counts make up received (joint handling aside)
    SESSIONS = "sessions"  # a total over several sessions (or years) = the sum of them
    SHARES = "shares"  # printed shares of one base that add up to 100 make up that base


@dataclass
class Group:
    """A whole and its parts: an identity the rules derive across and the checks test."""

    kind: GroupKind
    whole: FigureKey
    parts: tuple[FigureKey, ...]
    complete: bool = True  # the parts are known to be all the parts
    assumption: str = ""  # what deriving across it rests on, stated on every figure it gives
    derive: bool = True  # the rules may derive across it
    broken: bool = False  # found inconsistent: nothing more is derived across it

    @property
    def keys(self) -> tuple[FigureKey, ...]:
        return (self.whole, *self.parts)


@dataclass(frozen=True)
class Finding:
    """An error, warning or note about a figure."""

    severity: str
    key: FigureKey
    zh: str
    en: str
    convention: str
    ref: Ref | None = None
    assumptions: tuple[str, ...] = ()


@dataclass
class State:
    """Everything one reconciliation knows: the figures, the groups, the findings so far."""

    figures: dict[FigureKey, Figure] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    assumption_order: dict[str, int] = field(default_factory=dict)
    handler_order: dict[str, int] = field(default_factory=lambda: {"": 0})
    category_order: dict[str, int] = field(default_factory=dict)
    years: dict[tuple[str, str], int] = field(default_factory=dict)
    schemes: list[dict] = field(default_factory=list)  # the outcome scheme read for each report and body
    readings: dict = field(default_factory=dict)  # (file, congress, handler) → schemes.SchemeReading
    lists: dict = field(default_factory=dict)  # the lists of percents of one base (groups.percent_lists), once built

    def figure(self, key: FigureKey) -> Figure:
        """The figure for a key, added (with the period's year) when not there yet."""
        figure = self.figures.get(key)
        if figure is None:
            figure = self.figures[key] = Figure(key=key)
        if figure.year is None:
            figure.year = self.years.get((key.congress, key.session))
        return figure

    def value(self, key: FigureKey) -> int | None:
        """The exact count of a figure, when known."""
        figure = self.figures.get(key)
        return figure.value if figure else None

    def base_value(self, figure: Figure) -> int | None:
        """The count a figure's percent is a share of, when known."""
        if figure.base_override is not None:
            return figure.base_override
        return self.value(figure.base) if figure.base is not None else None

    def assumption(self, text: str) -> tuple[str, ...]:
        """Remember an assumption (in order of first mention); () for none."""
        if text and text not in self.assumption_order:
            self.assumption_order[text] = len(self.assumption_order)
        return (text,) if text else ()

    def joined(self, assumptions: Iterable[str]) -> str:
        """Assumptions joined by '；' in the order they were first met."""
        return "；".join(sorted(set(assumptions), key=lambda a: (self.assumption_order.get(a, 10 ** 6), a)))

    def find(self, severity: str, key: FigureKey, zh: str, en: str, convention: str,
             ref: Ref | None = None, assumptions: Iterable[str] = ()) -> None:
        """Record a finding."""
        self.findings.append(Finding(severity, key, zh, en, convention, ref, tuple(sorted(set(assumptions)))))
