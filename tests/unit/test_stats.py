"""Wilson intervals, exact half-up percentages and the mix-change test."""
from __future__ import annotations

import dataclasses
import itertools
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from analysis import stats


# --- Wilson interval ----------------------------------------------------------------------

@pytest.mark.parametrize("k, n, low, high", [
    # Published values (e.g. Newcombe 1998, Table I; Brown, Cai & DasGupta 2001).
    (5, 10, 0.2366, 0.7634),
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_interval_matches_known_values(k, n, low, high):
    lo, hi = stats.wilson_interval(k, n)
    assert round(lo, 4) == low
    assert round(hi, 4) == high


def test_wilson_interval_of_port_zone_share_brackets_the_share():
    lo, hi = stats.wilson_interval(120, 466)
    assert lo < 120 / 466 < hi
    assert (round(lo * 100, 2), round(hi * 100, 2)) == (21.99, 29.91)


def test_wilson_interval_without_trials_is_nan_and_rejects_impossible_counts():
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))
    with pytest.raises(ValueError):
        stats.wilson_interval(11, 10)


def test_wilson_pct_is_vectorised_with_gaps_for_unknowns():
    low, high = stats.wilson_pct(pd.Series([5, pd.NA, 3], dtype="Int64"), pd.Series([10, 10, 0], dtype="Int64"))
    assert round(float(low[0]), 2) == 23.66 and round(float(high[0]), 2) == 76.34
    assert low.isna().tolist() == [False, True, True]


def test_wilson_pct_of_whole_number_series_gives_the_bits_wilson_interval_gives():
    rng = np.random.default_rng(17)
    bases = np.concatenate([rng.integers(0, 40, 3000), rng.integers(0, 10_000_000, 3000), [-1, 0, 1, 7]])
    counts = np.concatenate([rng.integers(-1, 42, 3000), (rng.random(3000) * bases[3000:6000]).astype(np.int64),
                             [0, 0, 1, 8]])
    counts[::5] = bases[::5]  # k == n: the upper bound is 1 exactly
    k, n = pd.Series(counts, dtype="Int64"), pd.Series(bases, dtype="Int64")
    k[::11], n[::13] = pd.NA, pd.NA
    low, high = stats.wilson_pct(k, n)  # the arrays' path
    for i, (kk, nn) in enumerate(zip(k, n)):
        usable = kk is not pd.NA and nn is not pd.NA and nn > 0 and 0 <= kk <= nn
        if not usable:
            assert low[i] is pd.NA and high[i] is pd.NA, i
            continue
        lo, hi = stats.wilson_interval(int(kk), int(nn))
        assert (float(low[i]), float(high[i])) == (lo * 100, hi * 100), i
        assert math.copysign(1, float(low[i])) == math.copysign(1, lo * 100), i


# --- exact percentages ----------------------------------------------------------------------

@pytest.mark.parametrize("count, base, decimals, expected", [
    (79, 151, 1, "52.3"),
    (57, 151, 1, "37.7"),
    (15, 151, 1, "9.9"),
    (120, 466, 2, "25.75"),
    (1, 16, 1, "6.3"),  # 6.25 exactly: half up, where float rounding gives 6.2
    (1, 200, 0, "1"),  # 0.5 exactly
    (1, 8, 1, "12.5"),
    (0, 7, 1, "0.0"),
])
def test_percent_decimal_rounds_half_up_exactly(count, base, decimals, expected):
    assert stats.percent_decimal(count, base, decimals) == Decimal(expected)
    assert str(stats.percent_decimal(count, base, decimals)) == expected


def test_percent_decimal_unknown_when_base_is_zero_or_missing():
    assert stats.percent_decimal(1, 0) is None
    assert stats.percent_decimal(pd.NA, 10) is None


def test_round_half_up_uses_the_shortest_repr_of_a_float():
    assert stats.round_half_up(2.675, 2) == Decimal("2.68")  # round(2.675, 2) gives 2.67
    assert stats.round_half_up(-0.05, 1) == Decimal("-0.1")


# --- the mix-change test --------------------------------------------------------------------

def _table(rows):
    return pd.DataFrame(rows, index=[f"s{i + 1}" for i in range(len(rows))], columns=list("ABC")[: len(rows[0])])


def test_changed_mix_is_significant_by_chi_square():
    result = stats.mix_change_test(_table([[80, 10, 10], [20, 60, 20]]))
    assert result.method == stats.METHOD_CHI_SQUARE
    expected = scipy_stats.chi2_contingency(np.array([[80, 10, 10], [20, 60, 20]]), correction=False)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.dof == 2
    assert result.changed is True
    # The leader's sentence says what the test found; the test's name and p go to the data note.
    assert "超出偶然波动所能解释的范围" in result.verdict("zh") and "p" not in result.verdict("zh")
    assert "皮尔逊卡方检验" in result.detail("zh") and "p < 0.001" in result.detail("zh")
    assert result.verdict("en").startswith("The mix of outcome classes differs across the 2 sessions")


def test_unchanged_mix_is_not_significant():
    result = stats.mix_change_test(_table([[50, 30, 20], [49, 31, 20]]))
    assert result.method == stats.METHOD_CHI_SQUARE
    assert result.changed is False
    assert result.p_value > 0.9
    assert "未见超出偶然波动的变化" in result.verdict("zh")
    assert result.verdict("en").startswith("The mix of outcome classes did not change")


def _brute_force_ffh(table: np.ndarray) -> float:
    """Independent check: enumerate every table with the margins by brute force."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())

    def prob(t):
        num = sum(math.lgamma(r + 1) for r in rows) + sum(math.lgamma(c + 1) for c in cols)
        return math.exp(num - math.lgamma(n + 1) - sum(math.lgamma(x + 1) for x in t.flat))

    p_obs = prob(table)
    total = 0.0
    free = [range(0, min(rows[i], cols[j]) + 1) for i in range(len(rows) - 1) for j in range(len(cols) - 1)]
    for cells in itertools.product(*free):
        t = np.zeros_like(table)
        t[:-1, :-1] = np.array(cells).reshape(len(rows) - 1, len(cols) - 1)
        t[:-1, -1] = rows[:-1] - t[:-1, :-1].sum(axis=1)
        t[-1, :] = cols - t[:-1, :].sum(axis=0)
        if (t < 0).any():
            continue
        p = prob(t)
        if p <= p_obs * (1 + 1e-7):
            total += p
    return total


def test_small_counts_use_the_exact_test():
    table = _table([[3, 1, 0], [0, 2, 3]])
    result = stats.mix_change_test(table)
    assert result.method == stats.METHOD_EXACT
    assert result.min_expected < 5
    assert result.p_value == pytest.approx(_brute_force_ffh(table.to_numpy()), rel=1e-9)
    assert "Fisher–Freeman–Halton" in result.detail("zh")
    assert result.n_tables == stats.count_tables([4, 5], [3, 3, 3])


def test_exact_test_equals_fisher_on_two_by_two():
    _, p_value, _ = stats.fisher_freeman_halton([[8, 2], [1, 5]])
    assert p_value == pytest.approx(scipy_stats.fisher_exact([[8, 2], [1, 5]]).pvalue)


def test_exact_test_on_a_three_column_table_matches_brute_force():
    table = np.array([[8, 2, 3], [1, 5, 4]])
    _, p_value, enumerated = stats.fisher_freeman_halton(table)
    assert p_value == pytest.approx(_brute_force_ffh(table), rel=1e-9)
    assert enumerated == stats.count_tables([13, 10], [9, 7, 7])


def test_too_many_tables_uses_a_seeded_monte_carlo_test_and_says_so():
    table = _table([[3, 1, 0], [0, 2, 3]])
    result = stats.mix_change_test(table, max_exact_tables=2, seed=7, n_simulated=20_000)
    assert result.method == stats.METHOD_MONTE_CARLO
    assert (result.seed, result.n_simulated) == (7, 20_000)
    exact = _brute_force_ffh(table.to_numpy())  # 0.142857…
    # within four standard errors of the exact p (sd = sqrt(p(1-p)/n) = 0.0025)
    assert abs(result.p_value - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000)
    assert "随机种子7" in result.detail("zh") and "随机表20,000个" in result.detail("zh")
    assert "seed 7, 20,000 random tables" in result.detail("en")
    again = stats.mix_change_test(table, max_exact_tables=2, seed=7, n_simulated=20_000)
    assert again.p_value == result.p_value  # the seed fixes the answer


def test_empty_class_is_dropped_and_single_session_is_not_testable():
    result = stats.mix_change_test(_table([[10, 0, 5], [12, 0, 4]]))
    assert result.dropped_columns == ("B",)
    assert list(result.table.columns) == ["A", "C"]
    single = stats.mix_change_test(_table([[10, 3, 5]]))
    assert single.method == stats.METHOD_NONE
    assert single.changed is None
    assert single.verdict("zh") == "无法检验分类构成是否变化：少于两次会议有完整的分类数据。"
    assert single.verdict("en") == ("Whether the mix changed cannot be tested: fewer than two sessions have "
                                    "complete class counts.")


def test_reports_printing_no_class_give_that_reason_alone():
    """Printed reports with no outcome class in any period: the one reason, never "fewer than two sessions"."""
    empty = _table([[10, 3, 5]]).iloc[:0]
    result = stats.mix_change_test(empty, body="市政府", classes_printed=False)
    assert result.method == stats.METHOD_NONE and result.changed is None
    assert result.notes == (stats.MixNote.NO_CLASSES_PRINTED,)
    assert "原文未印出办理结果分类" in result.verdict("zh")
    assert "少于两次会议" not in result.verdict("zh")


def test_count_tables_small_case():
    # 2×2 with all margins 2: the top-left cell can be 0, 1 or 2.
    assert stats.count_tables([2, 2], [2, 2]) == 3
    with pytest.raises(ValueError):
        stats.count_tables([1], [2])


def test_count_tables_stops_inside_a_column_once_past_the_limit():
    # 13 sessions × 3 classes with few suggestions each: a single column has millions of splits.
    rows = [30] * 13
    cols = [130, 130, 130]
    assert stats.count_tables(rows, cols, limit=1000) > 1000


def test_mix_test_with_many_small_sessions_finishes_and_names_its_method():
    # Expected counts under 5 ask for the exact test; over 13 sessions it has too many tables to
    # enumerate, so the test must stop counting early and say which method it used.
    import pandas as pd

    table = pd.DataFrame([[3, 2, 1]] * 12 + [[6, 0, 0]], index=[f"s{i}" for i in range(13)],
                         columns=["A", "B", "C"])
    result = stats.mix_change_test(table)
    assert result.method and result.p_value is not None


def test_chi_square_is_used_when_the_smallest_expected_count_is_exactly_five():
    # Every expected count is 20 × 10 / 40 = 5: Cochran's rule is "at least 5", so chi-square.
    result = stats.mix_change_test(_table([[7, 3], [3, 7]]))
    assert result.min_expected == 5.0
    assert result.method == stats.METHOD_CHI_SQUARE
    below = stats.mix_change_test(_table([[7, 3], [3, 6]]))  # 4.7 expected somewhere: exact
    assert below.method == stats.METHOD_EXACT


def test_the_mix_verdict_names_its_body():
    result = stats.mix_change_test(_table([[50, 30, 20], [49, 31, 20]]), body="区政府")
    assert result.verdict("zh").startswith("区政府办理的建议中，2次会议之间")
    assert "district government" in result.verdict("en")
    everyone = stats.mix_change_test(_table([[50, 30, 20], [49, 31, 20]]), body="")
    assert everyone.verdict("zh").startswith("全部承办主体办理的建议中")


# --- p-values as printed ----------------------------------------------------------------------

@pytest.mark.parametrize("p, text", [
    (0.0496, "= 0.0496"),  # three decimals would print 0.050, on the wrong side of 0.05
    (0.04996, "= 0.04996"),
    (0.0499999, "= 0.0499999"),
    (0.05, "= 0.050"),  # not below 0.05: 0.050 is honest
    (0.0504, "= 0.050"),
    (0.169, "= 0.169"),
    (0.0205, "= 0.021"),  # half up
    (0.001, "= 0.001"),
    (0.000999, "< 0.001"),
    (1.0, "= 1.000"),
    (math.nan, "—"),
])
def test_p_text_never_prints_a_p_below_alpha_as_alpha(p, text):
    assert stats.p_text(p) == text


def test_p_text_keeps_the_side_of_any_alpha():
    for p in (0.00999, 0.0099999):
        shown = float(stats.p_text(p, alpha=0.01).removeprefix("= "))
        assert shown < 0.01


# --- a change in a share ----------------------------------------------------------------------

def test_share_change_of_the_audited_class_a_drop():
    # 区政府 A类: 86 of 129 (十八届一次) → 79 of 151 (十八届二次); scipy/statsmodels values in tests/stats.
    change = stats.share_change(86, 129, 79, 151)
    assert round(change.p_value, 3) == 0.020
    assert (round(change.ci_low * 100, 1), round(change.ci_high * 100, 1)) == (-25.3, -2.8)
    assert change.difference == pytest.approx(79 / 151 - 86 / 129)
    assert change.changed is True  # alone
    adjusted = dataclasses.replace(change, p_adjusted=0.274, family_size=11)
    assert adjusted.changed is False  # with ten other tests on the page, it is not


def test_fisher_exact_edges():
    assert stats.fisher_exact_2x2(0, 5, 0, 7) == 1.0  # nothing happened in either
    assert stats.fisher_exact_2x2(5, 5, 7, 7) == 1.0
    assert stats.fisher_exact_2x2(3, 3, 0, 3) == pytest.approx(0.1)  # 1/C(6,3) × 2 tables
    with pytest.raises(ValueError):
        stats.fisher_exact_2x2(4, 3, 0, 3)


def test_newcombe_interval_stays_within_minus_one_and_one():
    low, high = stats.newcombe_interval(10, 10, 0, 10)
    assert 0 < low < high <= 1
    low, high = stats.newcombe_interval(0, 10, 10, 10)
    assert -1 <= low < high < 0


def test_holm_adjustment_steps_down_and_never_decreases():
    # p sorted: 0.01 ×4 = 0.04; 0.03 ×3 = 0.09; 0.04 ×2 = 0.08 → raised to 0.09; 0.2 ×1 = 0.2.
    assert stats.holm_adjust([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.09, 0.09, 0.2])
    assert stats.holm_adjust([0.5, 0.9]) == [1.0, 1.0]
    assert stats.holm_adjust([]) == []


def test_random_tables_keep_the_margins():
    rng = np.random.default_rng(1)
    tables = stats.random_tables([4, 6, 5], [3, 7, 5], 500, rng)
    assert (tables.sum(axis=2) == [4, 6, 5]).all() and (tables.sum(axis=1) == [3, 7, 5]).all()
    assert (tables >= 0).all() and len({t.tobytes() for t in tables}) > 10
