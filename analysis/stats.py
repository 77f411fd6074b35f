"""Honest uncertainty and exact arithmetic for the figures a report prints.

- **Shares**: Wilson score intervals (Wilson 1927; Newcombe 1998, method 3).
- **A change in a share between two sessions**: Fisher's exact test, two-sided (the sum of
  the probabilities of every 2×2 table with the observed margins that is no more probable
  than the observed one, as R's ``fisher.test`` and ``scipy.stats.fisher_exact``). Exact,
  so it needs no rule about expected counts and holds for a handling unit's 3 cases as
  for a session's 172; the price is that it is slightly conservative. With it, the
  Newcombe hybrid-score interval of the difference (Newcombe 1998, method 10), built from
  the two Wilson intervals.
- **Several tests on one page**: Holm's step-down adjustment (Holm 1979) keeps the chance
  of calling any unchanged figure changed at 5% for the page as a whole.
- **Whether a class mix changed**: Pearson's chi-square when every expected count is at
  least 5 (Cochran's rule); otherwise the exact Fisher–Freeman–Halton test by full
  enumeration; and when the tables with the observed margins are too many to enumerate, the
  same test by Monte Carlo: a stated number of random tables with those margins drawn
  from a stated seed (p = (1 + tables as extreme) / (1 + tables drawn), as R's
  ``fisher.test(simulate.p.value = TRUE)``).
- **Percentages** computed with ``Decimal`` so that half a unit in the last printed digit
  rounds up exactly as a person with a calculator would; p-values printed so that one below
  0.05 never reads as 0.050.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .labels import MixNote, mix_note_label
from .rounding import P_FLOOR, round_half_up  # noqa: F401 (stats.P_FLOOR, stats.round_half_up: defined without numpy)

# The 95% two-sided normal quantile, written out so results do not depend on a scipy call.
Z_95 = 1.959963984540054

# Cochran's rule: the chi-square approximation is trusted when no expected count is below 5.
MIN_EXPECTED_FOR_CHI_SQUARE = 5.0

# Beyond this many tables with the observed margins, full enumeration is too slow for an
# interactive notebook; the exact test is then estimated by Monte Carlo (below).
MAX_EXACT_TABLES = 300_000

# The Monte Carlo test: how many random tables, from which seed. 100,000 tables put the
# standard error of a p-value near 0.05 at 0.0007; the seed makes every run give the same p.
MONTE_CARLO_TABLES = 100_000
MONTE_CARLO_SEED = 20240715

SIGNIFICANCE_LEVEL = 0.05

METHOD_CHI_SQUARE = "chi_square"
METHOD_EXACT = "fisher_freeman_halton"
METHOD_MONTE_CARLO = "fisher_freeman_halton_monte_carlo"
METHOD_NONE = "not_testable"
METHOD_FISHER_2X2 = "fisher_exact"

# Tables whose probability ties the observed one count as "as extreme": a relative tolerance
# of 1e-7 on the probability, as R's fisher.test and scipy.stats.fisher_exact use.
_TIE_LOG_TOLERANCE = 1e-7


# ---------------------------------------------------------------------------------------
# Exact percentages
# ---------------------------------------------------------------------------------------


def percent_decimal(count: int, base: int, decimals: int = 1) -> Decimal | None:
    """count ÷ base × 100 rounded half up to ``decimals`` places (None when base is 0 or unknown)."""
    if count is None or base is None or _is_missing(count) or _is_missing(base) or int(base) == 0:
        return None
    exact = Decimal(int(count)) * 100 / Decimal(int(base))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


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


def _wilson_centre_half(k, n, z: float, sqrt):
    """The Wilson interval's centre and half-width for k of n (numbers, or float64 arrays with ``np.sqrt``)."""
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre, half


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval (low, high) for successes ÷ trials as fractions; (nan, nan) when trials is 0."""
    if _is_missing(successes) or _is_missing(trials) or int(trials) <= 0:
        return (math.nan, math.nan)
    n = int(trials)
    k = int(successes)
    if not 0 <= k <= n:
        raise ValueError(f"successes must lie in 0…{n}, got {k}")
    centre, half = _wilson_centre_half(k, n, z, math.sqrt)
    # Clamp the floating-point dust so 0/n starts exactly at 0 and n/n ends exactly at 1.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (low, high)


def wilson_pct(counts: pd.Series, bases: pd.Series, z: float = Z_95) -> tuple[pd.Series, pd.Series]:
    """Vectorised Wilson interval in percent for aligned count and base Series (NA where unknown)."""
    if isinstance(counts.dtype, pd.Int64Dtype) and isinstance(bases.dtype, pd.Int64Dtype):
        return _wilson_pct_arrays(counts, bases, z)
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


def _wilson_pct_arrays(counts: pd.Series, bases: pd.Series, z: float) -> tuple[pd.Series, pd.Series]:
    """``wilson_pct`` of whole-number Series, as arrays: ``wilson_interval``'s centre and half-width, on
    float64 (every count below 2**53 is exact), so each bound is the same number to the last bit."""
    k = counts.to_numpy(dtype=np.float64, na_value=np.nan)
    n = bases.to_numpy(dtype=np.float64, na_value=np.nan)
    usable = (n > 0) & (k >= 0) & (k <= n)  # False where either is NA (NaN compares False)
    k, n = np.where(usable, k, 0.0), np.where(usable, n, 1.0)
    centre, half = _wilson_centre_half(k, n, z, np.sqrt)
    # max(0.0, x) and min(1.0, x) as Python gives them (x itself only when strictly inside)
    low = np.where(k == 0, 0.0, np.where(centre - half > 0.0, centre - half, 0.0))
    high = np.where(k == n, 1.0, np.where(centre + half < 1.0, centre + half, 1.0))
    index = counts.index
    return (pd.Series(pd.arrays.FloatingArray(low * 100, ~usable), index=index),
            pd.Series(pd.arrays.FloatingArray(high * 100, ~usable), index=index))


# ---------------------------------------------------------------------------------------
# p-values as printed
# ---------------------------------------------------------------------------------------


def p_text(p: float, alpha: float = SIGNIFICANCE_LEVEL) -> str:
    """A p-value as printed: '< 0.001', or three decimals, more when three would cross ``alpha`` (0.0496, never 0.050)."""
    if p is None or _is_missing(p) or math.isnan(float(p)):
        return "—"
    if p < P_FLOOR:
        return f"< {P_FLOOR}"
    value = Decimal(repr(float(p)))
    for decimals in range(3, 12):
        shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        # The printed value must fall on the same side of alpha as the p-value itself.
        if (shown < Decimal(repr(alpha))) == (p < alpha):
            return f"= {shown}"
    return f"= {value}"


_p_text = p_text  # the name the verdicts used first


# ---------------------------------------------------------------------------------------
# A change in a share between two sessions: Fisher's exact test and Newcombe's interval
# ---------------------------------------------------------------------------------------


def _log_factorials(n: int) -> np.ndarray:
    """log(i!) for i = 0…n (``scipy.special.gammaln``: exact to the last bits, vectorised)."""
    from scipy.special import gammaln

    return gammaln(np.arange(1, n + 2, dtype=np.float64))


def fisher_exact_2x2(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value for k1 of n1 against k2 of n2 (scipy's and R's definition)."""
    k1, n1, k2, n2 = (int(v) for v in (k1, n1, k2, n2))
    if n1 <= 0 or n2 <= 0 or not (0 <= k1 <= n1 and 0 <= k2 <= n2):
        raise ValueError(f"need 0 ≤ k ≤ n and n > 0, got {k1}/{n1} and {k2}/{n2}")
    hits, total = k1 + k2, n1 + n2
    log_fact = _log_factorials(total)
    # Every table with these margins, by its top-left cell a: P(a) = C(n1,a) C(n2,hits−a) / C(total,hits).
    a = np.arange(max(0, hits - n2), min(n1, hits) + 1)
    log_p = (log_fact[n1] - log_fact[a] - log_fact[n1 - a]
             + log_fact[n2] - log_fact[hits - a] - log_fact[n2 - hits + a]
             - (log_fact[total] - log_fact[hits] - log_fact[total - hits]))
    observed = log_p[k1 - a[0]]
    return float(min(1.0, np.exp(log_p[log_p <= observed + _TIE_LOG_TOLERANCE]).sum()))


def newcombe_interval(k1: int, n1: int, k2: int, n2: int, z: float = Z_95) -> tuple[float, float]:
    """Newcombe's hybrid-score interval (method 10) for k1/n1 − k2/n2, as fractions."""
    p1, p2 = int(k1) / int(n1), int(k2) / int(n2)
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (max(-1.0, low), min(1.0, high))


@dataclass(frozen=True)
class ShareChange:
    """Whether a share changed between two sessions: k_before of n_before against k_after of n_after."""

    k_before: int
    n_before: int
    k_after: int
    n_after: int
    p_value: float  # Fisher's exact test, two-sided
    ci_low: float  # Newcombe 95% interval of (after − before), as a fraction
    ci_high: float
    method: str = METHOD_FISHER_2X2
    p_adjusted: float = math.nan  # Holm-adjusted over the page's tests; nan when tested alone
    family_size: int = 1
    alpha: float = SIGNIFICANCE_LEVEL

    @property
    def difference(self) -> float:
        """after − before, as a fraction."""
        return self.k_after / self.n_after - self.k_before / self.n_before

    @property
    def decisive_p(self) -> float:
        """The p-value the verdict follows: Holm-adjusted when the change was tested with others."""
        return self.p_value if math.isnan(self.p_adjusted) else self.p_adjusted

    @property
    def changed(self) -> bool:
        """True when the change is beyond what chance would give at ``alpha`` (after Holm's adjustment)."""
        return bool(self.decisive_p < self.alpha)


def share_change(k_before: int, n_before: int, k_after: int, n_after: int,
                 alpha: float = SIGNIFICANCE_LEVEL) -> ShareChange:
    """Test a change in a share between two sessions: Fisher's exact p and the Newcombe interval of the difference."""
    p = fisher_exact_2x2(k_after, n_after, k_before, n_before)
    low, high = newcombe_interval(k_after, n_after, k_before, n_before)
    return ShareChange(int(k_before), int(n_before), int(k_after), int(n_after), p, low, high, alpha=alpha)


def holm_adjust(p_values) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (as statsmodels' multipletests(method='holm'))."""
    values = [float(p) for p in p_values]
    m = len(values)
    order = sorted(range(m), key=lambda i: values[i])
    adjusted = [math.nan] * m
    running = 0.0
    for rank, i in enumerate(order):
        # The i-th smallest p is multiplied by (m − rank); adjusted values never decrease.
        running = max(running, min(1.0, (m - rank) * values[i]))
        adjusted[i] = running
    return adjusted


# ---------------------------------------------------------------------------------------
# Has the mix changed? chi-square, exact Fisher–Freeman–Halton, or its Monte Carlo estimate
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
    n_tables: int = 0  # tables enumerated by the exact test (or found past the limit)
    alpha: float = SIGNIFICANCE_LEVEL
    notes: tuple[str, ...] = field(default=())  # labels.MixNote codes: why it is not testable
    excluded_rows: tuple[str, ...] = ()  # rows (sessions) left out because a count is unknown
    other_kind_rows: tuple[str, ...] = ()  # rows left out because their classes are printed in another scheme
    body: str | None = None  # the handling body whose suggestions were tested ("" = all bodies)
    seed: int | None = None  # Monte Carlo: the seed of the random tables
    n_simulated: int = 0  # Monte Carlo: how many random tables were drawn
    p_adjusted: float = math.nan  # Holm-adjusted over the page's tests; nan when tested alone
    family_size: int = 1

    @property
    def testable(self) -> bool:
        """True when a p-value could be computed."""
        return self.method != METHOD_NONE

    @property
    def decisive_p(self) -> float:
        """The p-value the verdict follows: Holm-adjusted when the mix was tested with other changes."""
        return self.p_value if math.isnan(self.p_adjusted) else self.p_adjusted

    @property
    def changed(self) -> bool | None:
        """True when the mix differs beyond chance at ``alpha``; None when not testable."""
        if not self.testable:
            return None
        return bool(self.decisive_p < self.alpha)

    def method_label(self, lang: str = "zh") -> str:
        """The test used, in words (for a data note, not a leader's paragraph)."""
        zh = {
            METHOD_CHI_SQUARE: "皮尔逊卡方检验（各期望频数均不小于5）",
            METHOD_EXACT: "Fisher–Freeman–Halton 精确检验（部分期望频数小于5）",
            METHOD_MONTE_CARLO: (f"Fisher–Freeman–Halton 精确检验的蒙特卡罗估计（部分期望频数小于5，可能的表超过"
                                 f"{MAX_EXACT_TABLES:,}个无法逐一计算；随机种子{self.seed}，随机表"
                                 f"{self.n_simulated:,}个）"),
            METHOD_NONE: "无法检验",
        }
        en = {
            METHOD_CHI_SQUARE: "Pearson's chi-square test (every expected count at least 5)",
            METHOD_EXACT: "Fisher–Freeman–Halton exact test (some expected counts below 5)",
            METHOD_MONTE_CARLO: (f"Fisher–Freeman–Halton exact test estimated by Monte Carlo (some expected "
                                 f"counts below 5 and more than {MAX_EXACT_TABLES:,} possible tables; seed "
                                 f"{self.seed}, {self.n_simulated:,} random tables)"),
            METHOD_NONE: "not testable",
        }
        return (en if lang == "en" else zh)[self.method]

    def _body_words(self, lang: str) -> str:
        if self.body is None:
            return ""
        if self.body == "":
            return "of all handling bodies together" if lang == "en" else "全部承办主体"
        from .labels import handler_label

        name = handler_label(self.body, lang)
        return f"handled by the {name}" if lang == "en" and name != self.body else (
            f"handled by {name}" if lang == "en" else name)

    def verdict(self, lang: str = "zh") -> str:
        """One plain sentence for a leader: whose suggestions, and whether the mix changed beyond chance."""
        if not self.testable:
            words = [mix_note_label(code, lang) for code in self.notes]
            reason = "; ".join(words) if lang == "en" else "；".join(words)
            who = self._body_words(lang)
            if lang == "en":
                whose = f" of the suggestions {who}" if who else ""
                return f"Whether the mix{whose} changed cannot be tested: {reason}." + self._excluded_text(lang)
            whose = f"{who}办理的建议" if who else ""
            return f"无法检验{whose}分类构成是否变化：{reason}。" + self._excluded_text(lang)
        return self._verdict_core(lang) + self._excluded_text(lang)

    def detail(self, lang: str = "zh") -> str:
        """The test behind the verdict, for a data note: its name, p-value and, on a page of several tests, Holm's."""
        if not self.testable:
            return ""
        who = self._body_words(lang)
        sessions = len(self.table.index)
        holm = ""
        if self.family_size > 1:
            holm = (f"; Holm-adjusted over the page's {self.family_size} tests, p {p_text(self.p_adjusted)}"
                    if lang == "en" else f"；按Holm法对本页{self.family_size}项检验校正后 p {p_text(self.p_adjusted)}")
        if lang == "en":
            whose = f" of the suggestions {who}" if who else ""
            return (f"Class mix{whose} across {sessions} sessions: {self.method_label('en')}, "
                    f"p {p_text(self.p_value)}{holm}.")
        whose = f"{who}办理的建议" if who else ""
        return f"{whose}{sessions}次会议的分类构成：{self.method_label('zh')}，p {p_text(self.p_value)}{holm}。"

    def _excluded_text(self, lang: str) -> str:
        # no class printed in any period: the reason says it, not "counts incomplete" once per period
        if MixNote.NO_CLASSES_PRINTED in self.notes:
            return ""
        out = ""
        if self.excluded_rows:
            if lang == "en":
                names = "; ".join(_row_label(r, "en") for r in self.excluded_rows)
                out += f" Left out because some class counts are unknown: {names}."
            else:
                out += "（" + "、".join(self.excluded_rows) + "的分类件数不全，未纳入检验。）"
        if self.other_kind_rows:  # printed in full, in another scheme: never called incomplete
            if lang == "en":
                names = "; ".join(_row_label(r, "en") for r in self.other_kind_rows)
                out += f" Left out, their classes being printed in a scheme of their own: {names}."
            else:
                out += "（" + "、".join(self.other_kind_rows) + "的分类按原文自己的一套印出，未纳入检验。）"
        return out

    def _verdict_core(self, lang: str) -> str:
        sessions = len(self.table.index)
        who = self._body_words(lang)
        sure = round((1 - self.alpha) * 100)
        if lang == "en":
            whose = f" of the suggestions {who}" if who else ""
            if self.changed:
                return (f"The mix of outcome classes{whose} differs across the {sessions} sessions by more than "
                        f"chance would explain ({sure}% confidence). That says the mix changed, not why.")
            return (f"The mix of outcome classes{whose} did not change across the {sessions} sessions by more "
                    f"than chance alone would give ({sure}% confidence).")
        whose = f"{who}办理的建议中，" if who else ""
        if self.changed:
            return (f"{whose}{sessions}次会议之间办理结果的分类构成有变化，差异超出偶然波动所能解释的范围"
                    f"（有{sure}%的把握）；这只说明构成有变化，不说明原因。")
        return f"{whose}{sessions}次会议之间办理结果的分类构成未见超出偶然波动的变化（按{sure}%的把握判断）。"

    def to_dict(self) -> dict:
        """A plain dict (for JSON or a notebook table)."""
        return {
            "body": self.body,
            "method": self.method,
            "p_value": self.p_value,
            "p_adjusted": None if math.isnan(self.p_adjusted) else self.p_adjusted,
            "family_size": self.family_size,
            "statistic": self.statistic,
            "dof": self.dof,
            "min_expected": self.min_expected,
            "changed": self.changed,
            "n_tables": self.n_tables,
            "seed": self.seed,
            "n_simulated": self.n_simulated,
            "dropped_columns": list(self.dropped_columns),
            "excluded_rows": list(self.excluded_rows),
            "other_kind_rows": list(self.other_kind_rows),
            "table": {str(k): {str(c): int(v) for c, v in row.items()} for k, row in self.table.iterrows()},
        }


def _row_label(label: str, lang: str) -> str:
    from .sessions import parse_session, period_display, split_total

    if lang != "en":
        return label
    parts = [parse_session(p) for p in split_total(label)]
    if not parts or any(p is None for p in parts):
        return period_display(label, "en")  # a year, a span: never the Chinese label on an English page
    return " + ".join(p.label_en for p in parts)


def mix_change_test(table: pd.DataFrame, alpha: float = SIGNIFICANCE_LEVEL,
                    max_exact_tables: int = MAX_EXACT_TABLES, *, body: str | None = None,
                    seed: int = MONTE_CARLO_SEED, n_simulated: int = MONTE_CARLO_TABLES,
                    classes_printed: bool = True) -> MixTest:
    """Test whether rows (sessions) differ in their column (class) mix: chi-square, exact, or exact by Monte Carlo.

    ``classes_printed=False``: the counts are a printed report's (or reports'), which give no outcome class in any
    period; that is the reason no test is made, not "fewer than two sessions" or "counts incomplete".
    """
    counts = table.astype("int64")
    if (counts.to_numpy() < 0).any():
        raise ValueError("counts must not be negative")
    dropped = tuple(str(c) for c in counts.columns[counts.sum(axis=0) == 0])
    kept = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    notes: list[str] = []
    if not classes_printed:
        notes.append(MixNote.NO_CLASSES_PRINTED)
    elif kept.shape[0] < 2:
        notes.append(MixNote.FEWER_THAN_TWO_SESSIONS)
    if kept.shape[1] < 2 and kept.shape[0] > 0:  # with no session of counts at all, no class is "the only one"
        notes.append(MixNote.SINGLE_CLASS)
    if notes:
        return MixTest(METHOD_NONE, math.nan, math.nan, 0, math.nan, kept, dropped, notes=tuple(notes), alpha=alpha,
                       body=body)
    observed = kept.to_numpy()
    expected = _expected_counts(observed)
    min_expected = float(expected.min())
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    if min_expected >= MIN_EXPECTED_FOR_CHI_SQUARE:
        statistic, p_value = _chi_square(observed, expected, dof)
        return MixTest(METHOD_CHI_SQUARE, p_value, statistic, dof, min_expected, kept, dropped, alpha=alpha,
                       body=body)
    n_tables = count_tables(observed.sum(axis=1), observed.sum(axis=0), limit=max_exact_tables)
    if n_tables > max_exact_tables:
        p_observed, p_value = fisher_freeman_halton_monte_carlo(observed, seed=seed, n_tables=n_simulated)
        return MixTest(METHOD_MONTE_CARLO, p_value, p_observed, dof, min_expected, kept, dropped,
                       n_tables=n_tables, alpha=alpha, body=body, seed=seed, n_simulated=n_simulated)
    p_observed, p_value, n_tables = fisher_freeman_halton(observed)
    return MixTest(METHOD_EXACT, p_value, p_observed, dof, min_expected, kept, dropped,
                   n_tables=n_tables, alpha=alpha, body=body)


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
    threshold = log_p_observed + _TIE_LOG_TOLERANCE
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


def random_tables(row_sums, col_sums, n_tables: int, rng: np.random.Generator) -> np.ndarray:
    """``n_tables`` random tables with these margins, each as likely as under independence (n_tables × rows × cols).

    Cell by cell, each is drawn from the hypergeometric distribution of what is left (the
    conditional distribution of Patefield 1981), so the cost does not grow with the total.
    """
    rows = [int(r) for r in row_sums]
    cols = np.array([int(c) for c in col_sums], dtype=np.int64)
    if sum(rows) != int(cols.sum()):
        raise ValueError("row and column sums differ")
    out = np.zeros((n_tables, len(rows), len(cols)), dtype=np.int64)
    left_in_col = np.tile(cols, (n_tables, 1))  # what each column still has to give, per table
    for i, row in enumerate(rows[:-1]):
        to_place = np.full(n_tables, row, dtype=np.int64)
        for j in range(len(cols) - 1):
            rest = left_in_col[:, j + 1:].sum(axis=1)
            cell = rng.hypergeometric(left_in_col[:, j], rest, to_place)
            out[:, i, j] = cell
            to_place -= cell
            left_in_col[:, j] -= cell
        out[:, i, -1] = to_place
        left_in_col[:, -1] -= to_place
    out[:, -1, :] = left_in_col
    return out


def fisher_freeman_halton_monte_carlo(observed, *, seed: int = MONTE_CARLO_SEED,
                                      n_tables: int = MONTE_CARLO_TABLES) -> tuple[float, float]:
    """The Fisher–Freeman–Halton p-value estimated from ``n_tables`` random tables drawn from ``seed``: (P(observed), p).

    p = (1 + tables no more probable than the observed) / (1 + n_tables), so it is never 0.
    """
    table = np.asarray(observed, dtype=np.int64)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())
    log_fact = _log_factorials(n)
    constant = float(log_fact[rows].sum() + log_fact[cols].sum() - log_fact[n])
    log_p_observed = constant - float(log_fact[table].sum())
    rng = np.random.default_rng(seed)
    as_extreme = 0
    chunk = 10_000  # bounded memory whatever n_tables
    for start in range(0, n_tables, chunk):
        drawn = random_tables(rows, cols, min(chunk, n_tables - start), rng)
        log_p = constant - log_fact[drawn].sum(axis=(1, 2))
        as_extreme += int(np.count_nonzero(log_p <= log_p_observed + _TIE_LOG_TOLERANCE))
    return math.exp(log_p_observed), (1 + as_extreme) / (1 + n_tables)
