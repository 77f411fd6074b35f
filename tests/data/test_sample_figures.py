"""Must show: on the bundled sample ledger the metrics, paragraphs and charts reproduce the source's figures.

The source document prints 159 / 129 / 30 / A 86 / C 11 for the first session,
151 / 21 / A 79 (52.3%) / B 57 (37.7%) for the second, and 466 / 346 / 120 / 25.75% over
three years; the second session's 172 follows by arithmetic. The sample ledger is generated
to agree with all of them, so the analysis of it must print them back exactly.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import charts, load, metrics, narrative, paths, reconcile

S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"
TOTAL = f"{S1}+{S2}+{S3}"
GOV, PORT = "区政府", "国际港务区"

pytestmark = pytest.mark.skipif(
    not paths.SAMPLE_LEDGER.is_file(),
    reason=f"the bundled sample ledger {paths.SAMPLE_LEDGER} does not exist yet (make sample-data)",
)


@pytest.fixture(scope="module")
def cases():
    return load.load_cases(paths.SAMPLE_LEDGER)


@pytest.fixture(scope="module")
def figures(cases):
    return metrics.ledger_figures(cases)


@pytest.fixture(scope="module")
def published():
    return metrics.overview_from_published(reconcile.reconcile_files([paths.SOURCE_FIGURES]).figures)


def value(frame, session, handler, measure, category="", column="count"):
    hit = frame[(frame["session"] == session) & (frame["handler"] == handler) & (frame["measure"] == measure)
                & (frame["category"] == category)]
    assert len(hit) == 1, (session, handler, measure, category)
    return hit.iloc[0][column]


def test_first_session_159_129_30_a86_c11(figures):
    assert value(figures, S1, "", "received") == 159
    assert value(figures, S1, "", "received_after_meeting") == 1
    assert value(figures, S1, GOV, "handled") == 129
    assert value(figures, S1, PORT, "handled") == 30
    assert value(figures, S1, GOV, "outcome", "A") == 86
    assert value(figures, S1, GOV, "outcome", "B") == 32  # 129 − 86 − 11
    assert value(figures, S1, GOV, "outcome", "C") == 11


def test_second_session_172_151_21_a79_b57(figures):
    assert value(figures, S2, "", "received") == 172
    assert value(figures, S2, GOV, "handled") == 151
    assert value(figures, S2, PORT, "handled") == 21
    assert value(figures, S2, GOV, "outcome", "A") == 79
    assert round(value(figures, S2, GOV, "outcome", "A", "share_pct"), 1) == 52.3
    assert value(figures, S2, GOV, "outcome", "B") == 57
    assert round(value(figures, S2, GOV, "outcome", "B", "share_pct"), 1) == 37.7
    assert value(figures, S2, GOV, "outcome", "C") == 15  # 151 − 79 − 57


def test_three_years_466_346_120_share_25_75(figures):
    assert value(figures, TOTAL, "", "received") == 466
    assert value(figures, TOTAL, GOV, "handled") == 346
    assert value(figures, TOTAL, PORT, "handled") == 120
    assert round(value(figures, TOTAL, PORT, "handled", column="share_pct"), 2) == 25.75
    assert value(figures, S3, "", "received") == 135
    assert (value(figures, S3, GOV, "handled"), value(figures, S3, PORT, "handled")) == (66, 69)
    share = metrics.port_zone_share(figures)
    assert list(share["count"]) == [30, 21, 69, 120]


def test_the_figures_say_they_are_sample_data(figures):
    assert figures["is_sample"].all()
    assert set(figures["source"]) == {"sample_ledger.csv"}
    assert "示例数据" in narrative.data_note(figures)


def test_paragraphs_contain_the_source_strings(figures):
    first = narrative.session_paragraph(figures, S1)
    # the source's wording, with the session's year (issue 12: data/config.yaml session_years)
    assert first.startswith("区十八届人大一次会议（2022年）期间，共收到代表建议159件（会后1件），其中，"
                            "区政府办理代表建议129件，国际港务区承办代表建议30件。")
    assert "代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有86件，占66.7%" in first
    assert "所提问题列入规划解决的（B类）有32件，占24.8%" in first
    assert "所提问题留作参考的（C类）有11件，占8.5%" in first
    second = narrative.session_paragraph(figures, S2)
    assert second.startswith("区十八届人大二次会议（2023年）期间，共收到代表建议172件")
    assert "其中，区政府办理代表建议151件，国际港务区承办代表建议21件。" in second
    assert ("从办理结果看，区政府办理的代表建议中代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有79件，占52.3%；"
            "所提问题列入规划解决的（B类）有57件，占37.7%；所提问题留作参考的（C类）有15件，占9.9%") in second
    assert "办结率" in second and "满意率" in second and "按期答复" in second
    assert narrative.multi_year_paragraph(figures) == (
        "在连续三年的共466件代表建议中，直接由区政府办理的346件，交由国际港务区处理的120件，合计占比达25.75%。")


def test_english_paragraphs_carry_the_same_numbers(figures):
    second = narrative.session_paragraph(figures, S2, lang="en")
    assert "172 suggestions from deputies were received" in second
    assert "the district government handled 151 and the International Port Zone handled 21" in second
    assert "solved, basically solved or adopted (class A) 79 (52.3%)" in second
    assert "planned for solution (class B) 57 (37.7%)" in second
    assert narrative.multi_year_paragraph(figures, lang="en") == (
        "Of the 466 suggestions over three consecutive years, 346 were handled directly by the district government "
        "and 120 were passed to the International Port Zone, a combined share of 25.75%.")


def test_charts_hold_the_source_numbers(figures):
    trend = charts.plot_received_trend(figures)
    by_name = {t.name: list(t.y) for t in trend.data}
    assert by_name == {"区政府": [129, 151, 66], "国际港务区": [30, 21, 69], "收到建议": [159, 172, 135]}
    mix = charts.plot_outcome_mix(figures, value="count")
    counts = {t.name: list(t.y) for t in mix.data}
    assert counts["A类"][:2] == [86, 79] and counts["B类"][:2] == [32, 57] and counts["C类"][:2] == [11, 15]
    share = charts.plot_port_zone_share(figures)
    assert [round(v, 2) for v in share.data[0].y] == [18.87, 12.21, 51.11]
    total = [t for t in share.data if t.name == "3次会议合计 25.75%"]  # a dotted line named in the legend
    assert len(total) == 1 and [round(v, 2) for v in total[0].y] == [25.75, 25.75]


def test_published_figures_alone_give_the_same_overview(published, figures):
    assert value(published, S1, GOV, "outcome", "B") == 32
    assert value(published, S1, GOV, "outcome", "B", column="status") == "derived"
    assert (value(published, S2, "", "received"), value(published, S2, "", "received", column="status")) == (
        172, "derived")
    assert value(published, S2, GOV, "outcome", "C") == 15
    assert (value(published, S3, GOV, "handled"), value(published, S3, PORT, "handled")) == (66, 69)
    assert value(published, S3, PORT, "handled", column="status") == "derived"
    assert value(published, S1, GOV, "completed", column="status") == "unknown"
    # Every count the published figures know agrees with the ledger's count.
    known = published[published["count"].notna() & published["measure"].isin(["received", "handled", "outcome"])]
    ledger = figures.set_index(["session", "handler", "measure", "category"])["count"]
    for row in known.itertuples():
        assert ledger[(row.session, row.handler, row.measure, row.category)] == row.count, row
    assert narrative.multi_year_paragraph(published) == (
        "在连续三年的共466件代表建议中，直接由区政府办理的346件，交由国际港务区处理的120件，合计占比达25.75%。")
    assert narrative.session_paragraph(published, S1) == (
        "区十八届人大一次会议（2022年）期间，共收到代表建议159件（会后1件），其中，区政府办理代表建议129件，国际港务区承办代表建议30件。"
        "从办理结果看，区政府办理的代表建议中代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有86件，占66.7%；"
        "所提问题列入规划解决的（B类）有32件（推算），占24.8%；所提问题留作参考的（C类）有11件，占8.5%，"
        "办结率（数据暂缺），满意率（数据暂缺）。")


def test_a_session_known_only_from_print_appears_in_trends(cases, published):
    two = cases[cases["session"] != S3]
    two.attrs = cases.attrs
    combined = metrics.combine_overviews(metrics.ledger_figures(two), published)
    assert value(combined, S3, "", "received", column="basis") == "published"
    trend = charts.plot_received_trend(combined)
    assert list(trend.data[-1].y) == [159, 172, 135]
    assert trend.data[0].x[-1].endswith("公开数字·推算")
    table = narrative.summary_table(combined).set_index("届次")
    assert table.loc[f"{S3}（2024年）", "收到建议"] == "135（推算）"  # sessions shown with their year
    assert table.loc[f"{S1}（2022年）", "依据"] == "台账"


def test_mix_test_on_the_sample_names_its_method(figures):
    result = metrics.outcome_mix_test(figures)
    assert list(result.table.index) == [S1, S2, S3]
    assert result.table.loc[S1].tolist() == [86, 32, 11]
    expected = "chi_square" if result.min_expected >= 5 else "fisher_freeman_halton"
    assert result.method == expected
    verdict = result.verdict()
    assert verdict.startswith("区政府办理的建议中")  # the verdict names its body
    assert ("超出偶然波动所能解释的范围" in verdict) == (result.p_value < 0.05)
    assert ("未见超出偶然波动的变化" in verdict) == (result.p_value >= 0.05)


def test_unit_table_on_the_sample(cases):
    units = metrics.unit_table(cases)
    assert int(units["cases"].sum()) == 466
    assert units["rank"].iloc[0] == 1
    assert units["score"].dropna().between(0, 1).all()
    assert (units["flagged"] == (units["score"] < 0.6) & (units["cases"] >= 3)).fillna(False).all()
    assert pd.api.types.is_bool_dtype(units["flagged"])


def test_overview_accepts_the_reconciliation_itself(published):
    result = reconcile.reconcile_files([paths.SOURCE_FIGURES])
    pd.testing.assert_frame_equal(metrics.overview_from_published(result), published)
