"""Tests of change against scipy 1.17.1 and statsmodels 0.15.0, and against R's documented examples.

Sources:
- ``scipy.stats.fisher_exact(table).pvalue`` (two-sided; scipy 1.17.1) for the 2×2 p-values;
- ``scipy.stats.chi2_contingency(table, correction=False)`` for Pearson's chi-square;
- ``statsmodels.stats.multitest.multipletests(p, method="holm")[1]`` (statsmodels 0.15.0) for Holm;
- R's ``fisher.test`` help page: ``TeaTasting`` two-sided p = 0.4857 and ``Job`` (4×4) p = 0.7827;
- ``scipy.stats.fisher_exact(table, method=MonteCarloMethod(n_resamples=200000,
  rng=numpy.random.default_rng(1))).pvalue`` = 0.03771981140094299 for a table too large to enumerate.
Small and boundary cases included: empty rows of events, all-or-nothing tables, a single test for Holm.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import stats

# (k1, n1, k2, n2) as the 2×2 table [[k1, n1 − k1], [k2, n2 − k2]], p from scipy.stats.fisher_exact
FISHER_2X2 = [
    ([[0, 5], [5, 0]], 0.007936507936507938),
    ([[3, 0], [0, 3]], 0.10000000000000002),
    ([[1, 9], [11, 3]], 0.0027594561852200836),
    ([[86, 43], [79, 72]], 0.020412950443780595),  # the audit's 区政府 A类 change: p = 0.020
    ([[500, 500], [450, 550]], 0.02820356890423392),
    ([[0, 5], [0, 7]], 1.0),
    ([[1, 0], [0, 1]], 1.0),
    ([[7, 3], [3, 7]], 0.1788954079975752),
    ([[2, 7], [8, 2]], 0.02301413756522116),
    ([[3, 1], [1, 3]], 0.48571428571428565),  # R: fisher.test(TeaTasting) two-sided, 0.4857
]

HOLM = [
    ([0.01, 0.04, 0.03, 0.2], [0.04, 0.09, 0.09, 0.2]),
    ([0.5, 0.9], [1.0, 1.0]),
    ([0.001, 0.001, 0.02, 0.049, 0.05], [0.005, 0.005, 0.06, 0.098, 0.098]),
    ([0.0204, 0.027, 0.097, 0.211, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
     [0.22440000000000002, 0.27, 0.873, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    ([0.04], [0.04]),
]

CHI_SQUARE = [  # (table, statistic, p, dof) from chi2_contingency(correction=False)
    ([[80, 10, 10], [20, 60, 20]], 75.04761904761905, 5.0537829258768187e-17, 2),
    ([[7, 3], [3, 7]], 3.2, 0.07363827012030258, 1),
    # 区政府's A/B/C over the three bundled sessions: the trends page's mix test
    ([[86, 32, 11], [79, 57, 15], [37, 23, 6]], 6.434232913484081, 0.16898169790522619, 4),
]


@pytest.mark.parametrize("table, p", FISHER_2X2)
def test_fisher_exact_2x2_matches_scipy(table, p):
    (a, b), (c, d) = table
    assert stats.fisher_exact_2x2(a, a + b, c, c + d) == pytest.approx(p, rel=1e-9)
    # the order of the two sessions does not change a two-sided test
    assert stats.fisher_exact_2x2(c, c + d, a, a + b) == pytest.approx(p, rel=1e-9)


def test_fisher_by_enumeration_of_r_by_c_agrees_with_the_two_by_two_test():
    for table, p in FISHER_2X2:
        if min(np.sum(table, axis=0)) == 0:
            continue  # a column with nothing in it is dropped before the mix test
        assert stats.fisher_freeman_halton(table)[1] == pytest.approx(p, rel=1e-9)


@pytest.mark.parametrize("raw, adjusted", HOLM)
def test_holm_matches_statsmodels(raw, adjusted):
    assert stats.holm_adjust(raw) == pytest.approx(adjusted, abs=1e-15)


@pytest.mark.parametrize("table, statistic, p, dof", CHI_SQUARE)
def test_chi_square_matches_scipy(table, statistic, p, dof):
    result = stats.mix_change_test(pd.DataFrame(table))
    assert result.method == stats.METHOD_CHI_SQUARE
    assert (result.statistic, result.dof) == (pytest.approx(statistic, rel=1e-12), dof)
    assert result.p_value == pytest.approx(p, rel=1e-9)


def _within(p_estimate: float, p_reference: float, n: int, reference_n: int = 0) -> bool:
    """Two Monte Carlo estimates (or one against an exact value) agree within four standard errors."""
    variance = p_reference * (1 - p_reference) * (1 / n + (1 / reference_n if reference_n else 0))
    return abs(p_estimate - p_reference) <= 4 * math.sqrt(variance)


def test_monte_carlo_on_rs_job_satisfaction_table_matches_the_exact_p():
    # R's fisher.test help page: Job satisfaction by income, 4×4, p-value = 0.7827 (exact network algorithm).
    job = np.array([[1, 3, 10, 6], [2, 3, 10, 7], [1, 6, 14, 12], [0, 1, 9, 11]])
    result = stats.mix_change_test(pd.DataFrame(job))
    assert result.n_tables > stats.MAX_EXACT_TABLES and result.method == stats.METHOD_MONTE_CARLO
    assert (result.seed, result.n_simulated) == (stats.MONTE_CARLO_SEED, stats.MONTE_CARLO_TABLES)
    assert _within(result.p_value, 0.7827, result.n_simulated)


def test_monte_carlo_above_the_exact_limit_matches_scipy_not_plain_chi_square():
    table = np.array([[4, 1, 0, 0], [1, 3, 1, 0], [0, 1, 3, 1], [0, 0, 1, 4], [2, 2, 1, 0], [1, 1, 2, 1]])
    result = stats.mix_change_test(pd.DataFrame(table))
    assert result.method == stats.METHOD_MONTE_CARLO
    scipy_monte_carlo = 0.03771981140094299  # 200,000 tables from default_rng(1)
    assert _within(result.p_value, scipy_monte_carlo, result.n_simulated, 200_000)
    # plain chi-square, which the exact test's old fallback printed, is half of it here
    plain = stats._chi_square(table, stats._expected_counts(table), result.dof)[1]
    assert plain == pytest.approx(0.018640736074753594, rel=1e-9) and not _within(plain, result.p_value, 10**5)


def test_small_exact_tables_match_brute_force_and_monte_carlo_agrees():
    from test_stats import _brute_force_ffh

    for table in ([[3, 1, 0], [0, 2, 3]], [[8, 2, 3], [1, 5, 4]], [[2, 0, 1], [0, 3, 0], [1, 0, 2]]):
        table = np.array(table)
        exact = stats.fisher_freeman_halton(table)[1]
        assert exact == pytest.approx(_brute_force_ffh(table), rel=1e-9)
        _, estimate = stats.fisher_freeman_halton_monte_carlo(table, seed=3, n_tables=50_000)
        assert _within(estimate, exact, 50_000)
