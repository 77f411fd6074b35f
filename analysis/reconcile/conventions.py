"""How a printed percent can come from its count and base: the conventions, checked in order.

A printed exact percent is compared with count ÷ base × 100 at its printed precision. The
first convention in ``PERCENT_CONVENTIONS`` whose predicate holds explains it; when none
does, it is an error. Bounds and approximations (以上, 余, 近, 约 …) are checked by
``arithmetic.qualifier_holds`` and reported as ``BOUND`` or ``APPROXIMATION``.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

from ..labels import Convention
from . import arithmetic


# A checker's one-word verdict for each convention (the ``verdict`` column; the words are ``labels.convention_label``).
_VERDICTS = {
    Convention.ROUND_HALF_UP: "ok", Convention.ROUND_HALF_DOWN: "truncation", Convention.TRUNCATION: "truncation",
    Convention.PLUG_LARGEST: "plug", Convention.PLUG_OTHER: "plug", Convention.PLUG_TRUNCATION: "plug+truncation",
    Convention.BOUND: "bound", Convention.APPROXIMATION: "bound", Convention.ERROR: "error",
}


def verdict(convention: Convention) -> str:
    """A checker's one-word verdict: ok, truncation, plug, plug+truncation, bound or error."""
    return _VERDICTS[convention]


VERDICTS = ("ok", "truncation", "plug", "plug+truncation", "bound", "error", "no_count")


@dataclass(frozen=True)
class PercentCase:
    """One exact printed percent beside the true count ÷ base, in units of its last printed digit."""

    printed: int  # the printed value in units of its last digit
    decimals: int
    true: Fraction  # count ÷ base × 100
    sums_to_100: bool  # its list of percents (same base) adds up to exactly 100
    is_largest: bool  # it is the largest item of that list
    plugged_elsewhere: bool = False  # another item of the list is one unit off and neither rounded nor cut: it was moved

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

    @property
    def needs_plug(self) -> bool:
        """One unit off and neither rounding nor truncation gives it: only a plug can explain it."""
        return self.one_unit_off and self.printed != self.truncated

    @property
    def may_be_plug(self) -> bool:
        """The item moved so that the list prints 100: one unit off in a list that does; a cut item is not the one
        moved when another item can only have been (72.5 cut beside 19.8 for 19.74: two moves would cancel out)."""
        return self.sums_to_100 and self.one_unit_off and not (self.plugged_elsewhere and not self.needs_plug)


# In order: the first that holds explains the printed figure.
PERCENT_CONVENTIONS: tuple[tuple[Convention, Callable[[PercentCase], bool]], ...] = (
    (Convention.ROUND_HALF_UP, lambda c: c.printed == c.rounded),
    (Convention.ROUND_HALF_DOWN, lambda c: c.is_half and c.printed == c.truncated),
    (Convention.PLUG_TRUNCATION, lambda c: c.may_be_plug and c.printed == c.truncated),
    (Convention.PLUG_LARGEST, lambda c: c.may_be_plug and c.is_largest),
    (Convention.PLUG_OTHER, lambda c: c.may_be_plug),
    (Convention.TRUNCATION, lambda c: c.printed == c.truncated),
)


def explain(case: PercentCase) -> Convention:
    """The first convention that explains a printed percent, or ERROR."""
    return next((convention for convention, holds in PERCENT_CONVENTIONS if holds(case)), Convention.ERROR)

