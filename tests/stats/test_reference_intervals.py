"""Intervals against statsmodels 0.15.0 (values computed once, written here; the package never imports statsmodels).

Source of every expected value: statsmodels 0.15.0 with scipy 1.17.1,
``statsmodels.stats.proportion.proportion_confint(k, n, alpha=0.05, method="wilson")`` and
``statsmodels.stats.proportion.confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")``
(Newcombe 1998, method 10). Newcombe's own Table II gives 0.0524 to 0.3339 for 56/70 − 48/80.
"""
from __future__ import annotations

import pytest

from analysis import stats

# (k, n, low, high) from proportion_confint(method="wilson")
WILSON = [
    (0, 1, 0.0, 0.7934506856227627),
    (1, 1, 0.2065493143772374, 1.0),
    (0, 10, 0.0, 0.27753279986288926),
    (5, 10, 0.23659309051256394, 0.7634069094874361),
    (10, 10, 0.7224672001371106, 1.0),
    (1, 3, 0.06149194472039626, 0.7923403991979523),
    (29, 30, 0.8332960900859081, 0.9940914096183875),
    (81, 263, 0.2552885198782742, 0.36620957698280004),
    (120, 466, 0.2199056189737652, 0.2990810609857644),  # the port zone's share over three sessions
    (1, 1000, 0.00017654637062607765, 0.005642558597957937),
    (999, 1000, 0.9943574414020421, 0.9998234536293739),
]

# (k1, n1, k2, n2, low, high) for k1/n1 − k2/n2 from confint_proportions_2indep(method="newcomb")
NEWCOMBE = [
    (56, 70, 48, 80, 0.05243147240236498, 0.33387265403690614),  # Newcombe 1998, Table II: 0.0524, 0.3339
    (86, 129, 79, 151, 0.027963842200169897, 0.2529344076603644),
    (79, 151, 86, 129, -0.2529344076603644, -0.027963842200169897),  # the audit: −25.3 to −2.8 points
    (69, 135, 21, 172, 0.28775923619550836, 0.48137618330711196),  # the port zone's share, 二次 → 三次
    (0, 10, 0, 10, -0.27753279986288926, 0.27753279986288926),
    (10, 10, 0, 10, 0.6075093504305241, 1.0),
    (0, 10, 10, 10, -1.0, -0.6075093504305241),
    (5, 5, 0, 5, 0.38554900569034356, 1.0),
    (1, 2, 1, 3, -0.44578123286192456, 0.6548292253357504),
    (9, 10, 3, 10, 0.1705227239345029, 0.809017973535488),
]


@pytest.mark.parametrize("k, n, low, high", WILSON)
def test_wilson_interval_matches_statsmodels(k, n, low, high):
    got = stats.wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("k1, n1, k2, n2, low, high", NEWCOMBE)
def test_newcombe_interval_matches_statsmodels(k1, n1, k2, n2, low, high):
    got = stats.newcombe_interval(k1, n1, k2, n2)
    assert got == pytest.approx((low, high), abs=1e-12)


def test_wilson_pct_in_percent_matches_too():
    low, high = stats.wilson_pct(__import__("pandas").Series([120]), __import__("pandas").Series([466]))
    assert (float(low[0]), float(high[0])) == pytest.approx((21.99056189737652, 29.90810609857644), abs=1e-10)
