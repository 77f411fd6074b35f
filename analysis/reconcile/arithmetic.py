"""Exact arithmetic on printed digits: a printed percent is an interval, never a float.

Every comparison is in integers or ``fractions.Fraction`` so that an exact half is a half
(1 ÷ 16 = 6.25 % rounds half up to 6.3; a binary float would give 6.2).
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from ..normalize import PrintedNumber

# How far 近 (nearly) and 约 (about) may be from the true value: 5 % of the printed value
# (or one unit of its last digit, whichever is larger). Reports use the words loosely;
# beyond this a reader would be misled.
APPROX_TOLERANCE = Fraction(5, 100)


@lru_cache(maxsize=4096)
def value_of(number: PrintedNumber) -> Fraction:
    """The printed value exactly (52.3 → 523/10)."""
    return Fraction(repr(number.value))


@lru_cache(maxsize=4096)
def units(number: PrintedNumber) -> int:
    """The printed value in units of its last digit (52.3 → 523)."""
    return int(value_of(number) * 10 ** number.decimals)


def unit(number: PrintedNumber) -> Fraction:
    """One unit of the last printed digit, in percent (52.3 → 1/10)."""
    return Fraction(1, 10 ** number.decimals)


def exact_pct(count: int, base: int) -> Fraction:
    """count ÷ base × 100, exactly."""
    return Fraction(count * 100, base)


def round_half_up_units(value: Fraction, decimals: int) -> int:
    """value rounded half up at ``decimals``, in units of the last digit."""
    return math.floor(value * 10 ** decimals + Fraction(1, 2))


def truncated_units(value: Fraction, decimals: int) -> int:
    """value cut (not rounded) at ``decimals``, in units of the last digit."""
    return math.floor(value * 10 ** decimals)


def units_text(amount: int, decimals: int) -> str:
    """523, 1 → '52.3'."""
    if decimals == 0:
        return str(amount)
    whole, frac = divmod(amount, 10 ** decimals)
    return f"{whole}.{frac:0{decimals}d}"


def pct_text(value: Fraction, decimals: int) -> str:
    """An exact percent as a report would print it, rounded half up."""
    return units_text(round_half_up_units(value, decimals), decimals)


def _interval(percent: PrintedNumber, truncation: bool) -> tuple[Fraction, Fraction]:
    """The true percents [low, high) that print as ``percent``: rounded half up, or also truncated."""
    above = unit(percent) if truncation else unit(percent) / 2
    return value_of(percent) - unit(percent) / 2, value_of(percent) + above


def counts_that_print(percent: PrintedNumber, base: int, truncation: bool = True) -> tuple[int, ...]:
    """Whole counts c ≤ base with c ÷ base × 100 printing as ``percent`` (rounded half up, or truncated)."""
    low_pct, high_pct = _interval(percent, truncation)
    low, high = low_pct * base / 100, high_pct * base / 100
    return tuple(range(max(math.ceil(low), 0), min(math.ceil(high) - 1, base) + 1))


def bases_that_print(count: int, percent: PrintedNumber, truncation: bool = True) -> range | None:
    """Whole bases b ≥ count with count ÷ b × 100 printing as ``percent``; None when unbounded (c or p near 0)."""
    low_pct, high_pct = _interval(percent, truncation)
    if count <= 0 or low_pct <= 0:
        return None
    first = math.floor(Fraction(count * 100) / high_pct) + 1  # b > c·100 / (p + 1 unit)
    last = math.floor(Fraction(count * 100) / low_pct)  # b ≤ c·100 / (p − ½ unit)
    return range(max(first, count, 1), last + 1)


def qualifier_holds(true: Fraction, number: PrintedNumber, half: Fraction) -> str:
    """'ok', 'rounding' (holds only within the rounding half unit) or 'fails' for a qualified number."""
    p = value_of(number)
    tolerance = max(unit(number), p * APPROX_TOLERANCE)
    q = number.qualifier
    if q == "at_least":
        return "ok" if true >= p else "rounding" if true >= p - half else "fails"
    if q == "more_than":
        return "ok" if true > p else "rounding" if true >= p - half else "fails"
    if q == "at_most":
        return "ok" if true <= p else "rounding" if true <= p + half else "fails"
    if q == "less_than":
        return "ok" if true < p else "rounding" if true <= p + half else "fails"
    if q == "nearly":
        if p - tolerance <= true < p:
            return "ok"
        # at or just above the printed value: it rounds to it, but 近 says "just below"
        return "rounding" if p <= true <= p + half else "fails"
    if q == "about":
        return "ok" if abs(true - p) <= max(tolerance, half) else "fails"
    return "ok" if true == p else "fails"
