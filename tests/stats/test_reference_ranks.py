"""The unit ranking against scipy.stats.rankdata (scipy 1.17.1), on exact scores.

The documented rule: rank by score (exact), then more cases first; a full tie (same score, same
cases) shares the lower rank — "min" ranking. The expected ranks below are
``scipy.stats.rankdata(keys, method="min")`` of keys −(score × 100 · 100 + cases), written here:
[1, 1, 3, 4, 5] for the crafted units (0.8 with 8 cases twice, 0.8 with 3, 0.6 with 5, 0.46 with 5).
"""
from __future__ import annotations

from fractions import Fraction

import pandas as pd

from analysis import metrics
from test_metrics import CRAFTED_UNITS, unit_cases

SCIPY_RANKDATA_MIN = [1, 1, 3, 4, 5]


def test_ranks_match_scipy_rankdata_min_on_exact_keys():
    units = metrics.unit_table(unit_cases(CRAFTED_UNITS))
    ranked = units[units["rank"].notna()]
    assert [int(r) for r in ranked["rank"]] == SCIPY_RANKDATA_MIN
    assert list(ranked["score_exact"]) == [Fraction(4, 5), Fraction(4, 5), Fraction(4, 5), Fraction(3, 5),
                                           Fraction(23, 50)]
    assert list(ranked["cases"]) == [8, 8, 3, 5, 5]


def test_scores_equal_as_fractions_are_equal_whatever_floating_point_says():
    # 0.4·7/8 + 0.3·6/8 + 0.3·6/8 is 0.7999999999999999 in floating point, 0.4 + 0.3/3 + 0.3 is 0.8.
    assert 0.4 * 7 / 8 + 0.3 * 6 / 8 + 0.3 * 6 / 8 != 0.4 + 0.3 / 3 + 0.3
    units = metrics.unit_table(unit_cases(CRAFTED_UNITS)).set_index("lead_unit")
    assert units.loc["大单位", "score_exact"] == units.loc["小单位", "score_exact"]
    assert units.loc["大单位", "rank"] < units.loc["小单位", "rank"]  # more cases first
    assert not pd.isna(units.loc["小单位", "score_se"])
