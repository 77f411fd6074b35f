"""Numbers as a report prints them: rounding half up, and the floor below which a p-value is printed "< 0.001".

Kept apart from ``analysis.stats`` (which re-exports both) because it needs no numpy or pandas:
the workbook writer (``analysis.excel``) formats every printed number with them, in the runner's
workers, which import neither.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

P_FLOOR = 0.001  # a p-value below it is printed "< 0.001" (the workbook's number format says the same)


def round_half_up(value: float | Decimal, decimals: int = 1) -> Decimal:
    """A number rounded half up; floats go through their shortest repr (52.35 → 52.4)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
