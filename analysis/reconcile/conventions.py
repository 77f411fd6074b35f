"""How a printed percent can come from its count and base: the conventions, checked in order.

A printed exact percent is compared with count ÷ base × 100 at its printed precision. The
first convention in ``PERCENT_CONVENTIONS`` whose predicate holds explains it; when none
does, it is an error. Bounds and approximations (以上, 余, 近, 约 …) are checked by
``arithmetic.qualifier_holds`` and reported as ``BOUND`` or ``APPROXIMATION``.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Callable

from . import arithmetic


class Convention(str, Enum):
    """How a printed percent was explained (the ``check`` column)."""

    ROUND_HALF_UP = "round_half_up"
    ROUND_HALF_DOWN = "round_half_down"
    PLUG_TRUNCATION = "plug_truncation"
    PLUG_LARGEST = "plug_largest"
    PLUG_OTHER = "plug_other"
    TRUNCATION = "truncation"
    BOUND = "bound"
    APPROXIMATION = "approximation"
    ERROR = "error"

    @property
    def verdict(self) -> str:
        """A checker's one-word verdict: ok, truncation, plug, plug+truncation, bound or error."""
        return _VERDICTS[self]

    def label(self, lang: str = "zh") -> str:
        """What the convention means, for a reader (zh default, 'en' English)."""
        zh, en = _LABELS[self]
        return en if lang == "en" else zh


_VERDICTS = {
    Convention.ROUND_HALF_UP: "ok", Convention.ROUND_HALF_DOWN: "truncation", Convention.TRUNCATION: "truncation",
    Convention.PLUG_LARGEST: "plug", Convention.PLUG_OTHER: "plug", Convention.PLUG_TRUNCATION: "plug+truncation",
    Convention.BOUND: "bound", Convention.APPROXIMATION: "bound", Convention.ERROR: "error",
}
_LABELS = {
    Convention.ROUND_HALF_UP: ("四舍五入，相符", "rounded half up: agrees"),
    Convention.ROUND_HALF_DOWN: ("恰为半个单位而舍去（截尾）", "an exact half cut off (truncated)"),
    Convention.PLUG_TRUNCATION: ("截尾，且合计凑足100%", "truncated, and the list sums to 100"),
    Convention.PLUG_LARGEST: ("为凑足100%调整了最大项", "largest item adjusted to sum to 100"),
    Convention.PLUG_OTHER: ("为凑足100%调整了一项", "an item adjusted to sum to 100"),
    Convention.TRUNCATION: ("截尾而非四舍五入", "truncated, not rounded"),
    Convention.BOUND: ("界限（以上/以下/余/近），相符", "a bound: holds"),
    Convention.APPROXIMATION: ("约数，相符", "an approximation: holds"),
    Convention.ERROR: ("与件数不符", "does not match the counts"),
}

VERDICTS = ("ok", "truncation", "plug", "plug+truncation", "bound", "error", "no_count")


@dataclass(frozen=True)
class PercentCase:
    """One exact printed percent beside the true count ÷ base, in units of its last printed digit."""

    printed: int  # the printed value in units of its last digit
    decimals: int
    true: Fraction  # count ÷ base × 100
    sums_to_100: bool  # its list of percents (same base) adds up to exactly 100
    is_largest: bool  # it is the largest item of that list

    @property
    def rounded(self) -> int:
        return arithmetic.round_half_up_units(self.true, self.decimals)

    @property
    def truncated(self) -> int:
        return arithmetic.truncated_units(self.true, self.decimals)

    @property
    def is_half(self) -> bool:
        """The true value is exactly half a unit past the truncated one (1.005 at two decimals)."""
        scaled = self.true * 10 ** self.decimals
        return scaled - self.truncated == Fraction(1, 2)

    @property
    def one_unit_off(self) -> bool:
        return abs(self.printed - self.rounded) == 1


# In order: the first that holds explains the printed figure.
PERCENT_CONVENTIONS: tuple[tuple[Convention, Callable[[PercentCase], bool]], ...] = (
    (Convention.ROUND_HALF_UP, lambda c: c.printed == c.rounded),
    (Convention.ROUND_HALF_DOWN, lambda c: c.is_half and c.printed == c.truncated),
    (Convention.PLUG_TRUNCATION, lambda c: c.sums_to_100 and c.one_unit_off and c.printed == c.truncated),
    (Convention.PLUG_LARGEST, lambda c: c.sums_to_100 and c.one_unit_off and c.is_largest),
    (Convention.PLUG_OTHER, lambda c: c.sums_to_100 and c.one_unit_off),
    (Convention.TRUNCATION, lambda c: c.printed == c.truncated),
)


def explain(case: PercentCase) -> Convention:
    """The first convention that explains a printed percent, or ERROR."""
    return next((convention for convention, holds in PERCENT_CONVENTIONS if holds(case)), Convention.ERROR)

