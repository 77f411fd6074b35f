"""Honest uncertainty and exact arithmetic for the figures a report prints.

Wilson score intervals on shares, a test of whether the outcome-class mix changed between
sessions (Pearson's chi-square when every expected count is at least 5, otherwise the exact
Fisher–Freeman–Halton test by full enumeration, no Monte Carlo), and percentages computed
with ``Decimal`` so that half a unit in the last printed digit rounds up exactly as a
person with a calculator would.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

# The 95% two-sided normal quantile, written out so results do not depend on a scipy call.
Z_95 = 1.959963984540054

# Cochran's rule: the chi-square approximation is trusted when no expected count is below 5.
MIN_EXPECTED_FOR_CHI_SQUARE = 5.0

# Beyond this many tables with the observed margins, full enumeration is too slow for an
# interactive notebook; the test then falls back to chi-square and says so in its verdict.
MAX_EXACT_TABLES = 300_000

SIGNIFICANCE_LEVEL = 0.05

METHOD_CHI_SQUARE = "chi_square"
METHOD_EXACT = "fisher_freeman_halton"
METHOD_CHI_SQUARE_FALLBACK = "chi_square_small_counts"
METHOD_NONE = "not_testable"


# ---------------------------------------------------------------------------------------
# Exact percentages
# ---------------------------------------------------------------------------------------


def percent_decimal(count: int, base: int, decimals: int = 1) -> Decimal | None:
    """count ÷ base × 100 rounded half up to ``decimals`` places (None when base is 0 or unknown)."""
    if count is None or base is None or _is_missing(count) or _is_missing(base) or int(base) == 0:
        return None
    exact = Decimal(int(count)) * 100 / Decimal(int(base))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(value: float | Decimal, decimals: int = 1) -> Decimal:
    """A number rounded half up; floats go through their shortest repr (52.35 → 52.4)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------
# Wilson score interval
# ---------------------------------------------------------------------------------------


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval (low, high) for successes ÷ trials as fractions; (nan, nan) when trials is 0."""
    if _is_missing(successes) or _is_missing(trials) or int(trials) <= 0:
        return (math.nan, math.nan)
    n = int(trials)
    k = int(successes)
    if not 0 <= k <= n:
        raise ValueError(f"successes must lie in 0…{n}, got {k}")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Clamp the floating-point dust so 0/n starts exactly at 0 and n/n ends exactly at 1.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (low, high)


def wilson_pct(counts: pd.Series, bases: pd.Series, z: float = Z_95) -> tuple[pd.Series, pd.Series]:
    """Vectorised Wilson interval in percent for aligned count and base Series (NA where unknown)."""
    low, high = [], []
    for k, n in zip(counts, bases):
        if _is_missing(k) or _is_missing(n) or int(n) <= 0 or not 0 <= int(k) <= int(n):
            low.append(pd.NA)
            high.append(pd.NA)
        else:
            lo, hi = wilson_interval(int(k), int(n), z)
            low.append(lo * 100)
            high.append(hi * 100)
    index = counts.index
    return (pd.Series(low, index=index, dtype="Float64"), pd.Series(high, index=index, dtype="Float64"))


# ---------------------------------------------------------------------------------------
# Has the mix changed? chi-square or exact Fisher–Freeman–Halton
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixTest:
    """The result of testing whether the class mix differs across sessions (rows)."""

    method: str  # one of the METHOD_* constants
    p_value: float  # nan when not testable
    statistic: float  # chi-square statistic, or the observed table's probability (exact test)
    dof: int
    min_expected: float
    table: pd.DataFrame  # the counts tested: rows = sessions, columns = classes kept
    dropped_columns: tuple[str, ...] = ()  # classes with no suggestion in any session
    n_tables: int = 0  # tables enumerated by the exact test
    alpha: float = SIGNIFICANCE_LEVEL
    notes: tuple[str, ...] = field(default=())  # codes of _NOTE_TEXT: why it is not testable
    excluded_rows: tuple[str, ...] = ()  # rows (sessions) left out because a count is unknown

    @property
    def testable(self) -> bool:
        """True when a p-value could be computed."""
        return self.method != METHOD_NONE

    @property
    def changed(self) -> bool | None:
        """True when the mix differs significantly at ``alpha``; None when not testable."""
        if not self.testable:
            return None
        return bool(self.p_value < self.alpha)

    def method_label(self, lang: str = "zh") -> str:
        """The test used, in words."""
        zh = {
            METHOD_CHI_SQUARE: "皮尔逊卡方检验",
            METHOD_EXACT: "Fisher–Freeman–Halton 精确检验（部分期望频数小于5）",
            METHOD_CHI_SQUARE_FALLBACK: "皮尔逊卡方检验（部分期望频数小于5，精确检验计算量过大，结果仅供参考）",
            METHOD_NONE: "无法检验",
        }
        en = {
            METHOD_CHI_SQUARE: "Pearson's chi-square test",
            METHOD_EXACT: "Fisher–Freeman–Halton exact test (some expected counts below 5)",
            METHOD_CHI_SQUARE_FALLBACK: "Pearson's chi-square test (some expected counts below 5 and the exact "
                                        "test is too large to enumerate; treat as indicative)",
            METHOD_NONE: "not testable",
        }
        return (en if lang == "en" else zh)[self.method]

    def verdict(self, lang: str = "zh") -> str:
        """A plain-language verdict for a report reader."""
        if not self.testable:
            words = [_NOTE_TEXT[code][1 if lang == "en" else 0] for code in self.notes]
            reason = "; ".join(words) if lang == "en" else "；".join(words)
            if lang == "en":
                return f"Whether the mix changed cannot be tested: {reason}." + self._excluded_text(lang)
            return f"无法检验分类构成是否变化：{reason}。" + self._excluded_text(lang)
        return self._verdict_core(lang) + self._excluded_text(lang)

    def _excluded_text(self, lang: str) -> str:
        if not self.excluded_rows:
            return ""
        if lang == "en":
            names = "; ".join(_row_label(r, "en") for r in self.excluded_rows)
            return f" Left out because some class counts are unknown: {names}."
        return "（" + "、".join(self.excluded_rows) + "的分类件数不全，未纳入检验。）"

    def _verdict_core(self, lang: str) -> str:
        p_text = _p_text(self.p_value)
        sessions = len(self.table.index)
        if lang == "en":
            if self.changed:
                return (f"The mix of outcome classes differs across the {sessions} sessions by more than chance "
                        f"would explain ({self.method_label('en')}, p {p_text}). The test says that the mix "
                        f"changed, not why.")
            return (f"No significant change in the mix of outcome classes across the {sessions} sessions "
                    f"({self.method_label('en')}, p {p_text}): the differences are within what chance alone "
                    f"would produce.")
        if self.changed:
            return (f"{sessions}次会议之间办理结果的分类构成存在显著差异（{self.method_label('zh')}，p {p_text}），"
                    f"差异超出偶然波动所能解释的范围；检验只说明构成有变化，不说明原因。")
        return (f"{sessions}次会议之间办理结果的分类构成未见显著变化（{self.method_label('zh')}，p {p_text}），"
                f"差异在偶然波动范围之内。")

    def to_dict(self) -> dict:
        """A plain dict (for JSON or a notebook table)."""
        return {
            "method": self.method,
            "p_value": self.p_value,
            "statistic": self.statistic,
            "dof": self.dof,
            "min_expected": self.min_expected,
            "changed": self.changed,
            "n_tables": self.n_tables,
            "dropped_columns": list(self.dropped_columns),
            "excluded_rows": list(self.excluded_rows),
            "table": {str(k): {str(c): int(v) for c, v in row.items()} for k, row in self.table.iterrows()},
        }


_NOTE_TEXT = {
    "fewer_than_two_sessions": ("少于两次会议有完整的分类数据", "fewer than two sessions have complete class counts"),
    "single_class": ("只有一个类别有建议", "only one class has any suggestion"),
}


def _row_label(label: str, lang: str) -> str:
    from .sessions import parse_session, split_total

    parts = [parse_session(p) for p in split_total(label)]
    if lang != "en" or not parts or any(p is None for p in parts):
        return label
    return " + ".join(p.label_en for p in parts)


def _p_text(p: float) -> str:
    if p < 0.001:
        return "< 0.001"
    return f"= {round_half_up(p, 3)}"


def mix_change_test(table: pd.DataFrame, alpha: float = SIGNIFICANCE_LEVEL,
                    max_exact_tables: int = MAX_EXACT_TABLES) -> MixTest:
    """Test whether rows (sessions) differ in their column (class) mix: chi-square, or exact when counts are small."""
    counts = table.astype("int64")
    if (counts.to_numpy() < 0).any():
        raise ValueError("counts must not be negative")
    dropped = tuple(str(c) for c in counts.columns[counts.sum(axis=0) == 0])
    kept = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    notes: list[str] = []
    if kept.shape[0] < 2:
        notes.append("fewer_than_two_sessions")
    if kept.shape[1] < 2:
        notes.append("single_class")
    if notes:
        return MixTest(METHOD_NONE, math.nan, math.nan, 0, math.nan, kept, dropped, notes=tuple(notes), alpha=alpha)
    observed = kept.to_numpy()
    expected = _expected_counts(observed)
    min_expected = float(expected.min())
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    if min_expected >= MIN_EXPECTED_FOR_CHI_SQUARE:
        statistic, p_value = _chi_square(observed, expected, dof)
        return MixTest(METHOD_CHI_SQUARE, p_value, statistic, dof, min_expected, kept, dropped, alpha=alpha)
    n_tables = count_tables(observed.sum(axis=1), observed.sum(axis=0), limit=max_exact_tables)
    if n_tables > max_exact_tables:
        statistic, p_value = _chi_square(observed, expected, dof)
        return MixTest(METHOD_CHI_SQUARE_FALLBACK, p_value, statistic, dof, min_expected, kept, dropped,
                       n_tables=n_tables, alpha=alpha)
    p_observed, p_value, n_tables = fisher_freeman_halton(observed)
    return MixTest(METHOD_EXACT, p_value, p_observed, dof, min_expected, kept, dropped,
                   n_tables=n_tables, alpha=alpha)


def _expected_counts(observed: np.ndarray) -> np.ndarray:
    """Counts expected if rows and columns were independent, as ``scipy.stats.contingency.expected_freq``."""
    table = np.asarray(observed, dtype=np.float64)
    return np.sum(table, axis=1, keepdims=True) * np.sum(table, axis=0, keepdims=True) / table.sum()


def _chi_square(observed: np.ndarray, expected: np.ndarray, dof: int) -> tuple[float, float]:
    # Plain Pearson statistic, no Yates correction: the classic test the verdict names.
    statistic = float(((observed - expected) ** 2 / expected).sum())
    # The upper tail of chi-square, the function scipy.stats.chi2.sf calls; imported here, as
    # scipy.stats would cost about a second in every kernel and scipy.special a third of that.
    from scipy.special import chdtrc

    return statistic, float(chdtrc(dof, statistic))


def count_tables(row_sums, col_sums, limit: int | None = None) -> int:
    """How many non-negative integer tables have these margins (stops counting past ``limit``)."""
    rows = tuple(int(r) for r in row_sums)
    cols = [int(c) for c in col_sums]
    if sum(rows) != sum(cols):
        raise ValueError("row and column sums differ")
    # Column by column, keeping how many ways lead to each vector of remaining row sums.
    # Every partial table extends to at least one whole table (the remaining margins always admit
    # one), so once the partial tables counted so far pass ``limit`` the whole count does too:
    # stop there, inside the column, since one column over many rows can have millions of splits.
    states: dict[tuple[int, ...], int] = {rows: 1}
    for col in cols[:-1]:
        nxt: dict[tuple[int, ...], int] = {}
        counted = 0
        for remaining, ways in states.items():
            for column in _columns(remaining, col):
                left = tuple(r - c for r, c in zip(remaining, column))
                nxt[left] = nxt.get(left, 0) + ways
                counted += ways
                if limit is not None and counted > limit:
                    return counted
        states = nxt
    return sum(states.values())


def _columns(remaining: tuple[int, ...], total: int):
    """Every way to split ``total`` over rows without exceeding what each row has left."""
    if len(remaining) == 1:
        if total <= remaining[0]:
            yield (total,)
        return
    rest_capacity = sum(remaining[1:])
    for first in range(max(0, total - rest_capacity), min(remaining[0], total) + 1):
        for tail in _columns(remaining[1:], total - first):
            yield (first, *tail)


def fisher_freeman_halton(observed) -> tuple[float, float, int]:
    """Exact Fisher–Freeman–Halton test by full enumeration: (P(observed), p-value, tables enumerated)."""
    table = np.asarray(observed, dtype=np.int64)
    rows = tuple(int(r) for r in table.sum(axis=1))
    cols = [int(c) for c in table.sum(axis=0)]
    n = int(table.sum())
    log_fact = np.array([math.lgamma(i + 1) for i in range(n + 1)])
    # P(table) = Π R_i! Π C_j! / (N! Π n_ij!): only the last product varies between tables.
    constant = float(sum(log_fact[r] for r in rows) + sum(log_fact[c] for c in cols) - log_fact[n])
    log_p_observed = constant - float(log_fact[table].sum())
    # Tables whose probability ties the observed one count as "as extreme" (R's tolerance).
    threshold = log_p_observed + 1e-7
    total = 0.0
    enumerated = 0

    def walk(j: int, remaining: tuple[int, ...], log_p: float) -> None:
        nonlocal total, enumerated
        if j == len(cols) - 1:
            last = log_p - float(sum(log_fact[r] for r in remaining))
            enumerated += 1
            if last <= threshold:
                total += math.exp(last)
            return
        for column in _columns(remaining, cols[j]):
            walk(j + 1, tuple(r - c for r, c in zip(remaining, column)),
                 log_p - float(sum(log_fact[c] for c in column)))

    walk(0, rows, constant)
    return math.exp(log_p_observed), min(1.0, total), enumerated
