"""views: the reader's words and display frames of the notebooks (zh / en), from small inputs."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import metrics, reconcile, sampling, views
from analysis.errors import DataError

S1, S2 = "十八届人大一次会议", "十八届人大二次会议"
FIGURES = (
    "session,year,handler,measure,category,count,percent,base,assumption,source,note\n"
    "十九届人大一次会议,2027,,received,,200,,,,测试报告 第1段,\n"
    "十九届人大一次会议,2027,区政府,handled,,150,,,,测试报告 第1段,\n"
    "十九届人大一次会议,2027,国际港务区,handled,,,,,,测试报告 第1段,\n"
    "十九届人大一次会议,2027,区政府,outcome,A,79,60.0,,,测试报告 第2段,\n"
    "十九届人大一次会议,2027,区政府,outcome,B,40,26.5,,,测试报告 第2段,\n"
)


@pytest.fixture
def checked(write_file) -> reconcile.Reconciliation:
    return reconcile.reconcile_files([write_file("figures.csv", FIGURES)])


def test_titles_and_headings_in_both_languages():
    assert views.title("session_report") == "年度代表建议办理情况分析"
    assert views.title("figures_check", "en") == "Check of published figures"
    assert views.heading("overview") == "基本情况"  # the Word draft's section
    assert views.heading("overview", "en") == "Overview"
    assert set(views.TITLES) == {"session_report", "trends", "handling_units", "supervision_sample", "figures_check",
                                 "peers"}
    assert all(zh and en for zh, en in {**views.TITLES, **views.HEADINGS}.values())
    with pytest.raises(ValueError):
        views.title("trends", "fr")


@pytest.mark.parametrize("level, we", [("区", "本区"), ("市", "本市"), ("县", "本县"), ("", "本地")])
def test_the_peers_title_and_tests_heading_name_our_congress_by_its_level(level, we):
    """A city's ledger's page was titled 与其他人大比较：本区处于什么位置: the words had no level to follow."""
    assert views.title("peers", level=level) == f"与其他人大比较：{we}处于什么位置"
    assert views.heading("peer_tests", level=level) == f"与{we}差异的统计检验"
    assert views.title("peers", "en", level=level) == "Among other congresses: where we stand"
    assert views.heading("peer_tests", "en", level=level) == "Tests against our figures"
    assert views.title("trends", level=level) == views.title("trends")  # the other titles name no congress


def test_a_wording_that_names_our_congress_has_no_default_level():
    """A default of 区 is what left a city's page saying 本区: a caller must say whose page it is."""
    with pytest.raises(TypeError, match="level="):
        views.title("peers")
    with pytest.raises(TypeError, match="level="):
        views.heading("peer_tests", "en")
    assert views.title("trends") and views.heading("tests", "en")  # those naming no congress need no level
    assert [k for k, pair in views.TITLES.items() if "{we}" in "".join(pair)] == ["peers"]
    assert [k for k, pair in views.HEADINGS.items() if "{we}" in "".join(pair)] == ["peer_tests"]


def test_sessions_span():
    assert views.sessions_span([S2, S1]) == f"{S1}（2022年）至{S2}（2023年）"
    assert views.sessions_span([S1], "en") == "18th Congress, 1st Session (2022)"
    assert views.sessions_span([S1, S2], "en") == "18th Congress, 1st Session (2022) to 18th Congress, 2nd Session (2023)"
    assert views.sessions_span([]) == ""


def test_a_title_over_a_gap_names_each_period_not_a_span():
    # U10 + U15 (国务院各部门 2022, 2025): '2022年度至2025年度' claimed the two years between
    assert views.sessions_span(["2025年度", "2022年度"]) == "2022年度和2025年度"
    assert views.sessions_span(["2022年度", "2023年度", "2024年度"]) == "2022年度至2024年度"
    assert views.sessions_span([S1, "十八届人大三次会议"]) == "十八届人大一次、三次会议"
    assert views.sessions_span(["2022年度", "2025年度"], "en") == "year 2022 and year 2025"
    # a total counts as its parts: sessions one to three and their total are in a row
    assert views.sessions_span([S1, S2, "十八届人大三次会议", f"{S1}+{S2}+十八届人大三次会议"]).endswith("合计")


def test_the_summary_heading_says_what_the_periods_are():
    assert views.heading("summary") == "各次会议概况"
    assert views.heading("summary", periods=[S1, S2]) == "各次会议概况"
    assert views.heading("summary", periods=["2022年度", "2025年度"]) == "各年度概况"
    assert views.heading("summary", periods=["2019年度", "十七届人大三次会议"]) == "各期间概况"
    assert views.heading("summary", "en", periods=["2022年度"]) == "Years at a glance"
    assert views.heading("summary", "en") == "Sessions at a glance"


def rows_of(frame: pd.DataFrame, key: str) -> dict:
    return {r[key]: r for r in frame.to_dict(orient="records")}


def test_reconciliation_table_shows_printed_derived_unknown_and_the_check(checked):
    table = views.reconciliation_table(checked)
    assert list(table.columns) == ["届次", "承办主体", "指标", "分类", "原文", "件数", "件数状态", "百分比", "百分比状态",
                                   "核对结果", "推算依据", "假设", "原文行"]
    assert str(table["件数"].dtype) == "Int64"
    port = table[table["承办主体"] == "国际港务区"].iloc[0]
    assert (port["件数"], port["件数状态"]) == (50, "推算")  # 200 − 150
    assert "200" in port["推算依据"] and "150" in port["推算依据"]
    a = table[table["分类"] == "A"].iloc[0]
    assert (a["原文"], a["件数"], a["件数状态"], a["百分比"], a["百分比状态"], a["核对结果"], a["原文行"]) == (
        "79；60.0%", 79, "原文印出", "60.0%", "原文印出", "与件数不符", 5)
    c = table[table["分类"] == "C"].iloc[0]
    assert (c["件数"], c["件数状态"]) == (31, "推算")  # 150 − 79 − 40
    english = views.reconciliation_table(checked, "en")
    assert english.loc[a.name, "check"] == "does not match the counts"
    assert english.loc[a.name, "as printed"] == "79; 60.0%"  # the page's own separator, not the Chinese page's ；
    assert english.loc[a.name, "count status"] == "printed"
    assert english.loc[c.name, "how derived"].startswith("from ")


def test_findings_table_errors_first_in_the_readers_language(checked):
    table = views.findings_table(checked)
    assert table.iloc[0]["类别"] == "错误"
    assert "60.0%" in table.iloc[0]["说明"] and table.iloc[0]["原文行"] == 5
    english = views.findings_table(checked, "en")
    assert english.iloc[0]["severity"] == "error"
    assert english.iloc[0]["note"] == checked.findings.iloc[0]["message_en"]


def test_an_empty_findings_table_keeps_its_headers(checked):
    clean = reconcile.Reconciliation(checked.figures, checked.findings.iloc[:0])
    assert list(views.findings_table(clean).columns) == ["类别", "届次", "承办主体", "指标", "分类", "说明", "原文行"]
    assert views.findings_table(clean).empty


def test_reconciliation_summary_counts(checked):
    # received, 区政府 handled, A, B printed; 港务区 50 and C 31 derived; A's and B's percents both wrong.
    assert views.reconciliation_summary(checked) == (
        "共 6 项数字：原文印出 4 项，推算 2 项，未知 0 项。发现错误 2 条、警告 0 条、说明 3 条。")
    assert views.reconciliation_summary(checked, "en") == (
        "6 figures: 4 printed, 2 derived by arithmetic, 0 unknown. Findings: 2 errors, 0 warnings, 3 notes.")


def ledger() -> pd.DataFrame:
    """Seven suggestions of two units: one solved 2 of 4 (one late: none is complex), the other 3 of 3."""
    assigned = pd.Timestamp("2023-02-10")
    rows = []
    for i, (unit, outcome, reply_days) in enumerate([
            ("区住建局", "A", 30), ("区住建局", "A", 30), ("区住建局", "B", 30), ("区住建局", "C", 120),
            ("区城管局", "A", 20), ("区城管局", "A", 20), ("区城管局", "A", 20)], start=1):
        rows.append({"suggestion_id": f"S{i}", "session": S2, "handler": "区政府", "lead_unit": unit,
                     "outcome_class": outcome, "assigned_date": assigned,
                     "reply_date": assigned + pd.Timedelta(days=reply_days), "satisfaction": "满意",
                     "complex_case": False})  # without the flag, the reply after 120 days could be on time
    return pd.DataFrame(rows)


def test_unit_display_rounds_like_the_paragraphs_and_translates():
    units = metrics.unit_table(ledger())
    table = views.unit_display(units)
    assert list(table.columns) == ["排名", "承办主体", "主办单位", "主办件数", "解决类占比", "按期答复率", "满意率（含基本满意）",
                                   "绩效得分", "得分标准误", "低于阈值", "说明"]
    first, second = table.to_dict(orient="records")
    assert (first["主办单位"], first["排名"], first["解决类占比"], first["绩效得分"]) == ("区城管局", 1, "100.0%", "1.000")
    # 2 of 4 solved, 3 of 4 on time, all satisfied: 0.4 × 0.5 + 0.3 × 0.75 + 0.3 × 1 = 0.725
    assert (second["解决类占比"], second["按期答复率"], second["绩效得分"], second["低于阈值"]) == (
        "50.0%", "75.0%", "0.725", "否")
    english = views.unit_display(units, "en")
    assert english.iloc[1]["below threshold"] == "no" and english.iloc[1]["handling body"] == "district government"


def test_an_unrated_unit_shows_no_standard_error():
    two = pd.DataFrame([{"suggestion_id": f"S{i}", "session": S2, "handler": "区政府", "lead_unit": "区信访局",
                         "outcome_class": "A", "assigned_date": pd.Timestamp("2023-03-01"),
                         "reply_date": pd.Timestamp("2023-04-01"), "satisfaction": "满意"} for i in (1, 2)])
    units = metrics.unit_table(two)
    assert float(units.iloc[0]["score_se"]) == 0  # both cases alike: the estimate is 0, which says nothing
    row = views.unit_display(units).iloc[0]
    assert pd.isna(row["排名"]) and row["得分标准误"] == "—" and "仅列示不评定" in row["说明"]
    assert row["低于阈值"] == "—"  # not judged against the threshold: not "否"
    assert views.unit_display(units, "en").iloc[0]["below threshold"] == "—"


def test_weights_table_and_flagged_note_follow_the_configuration():
    config = metrics._config(None)
    config = {**config, "performance": {"weights": {"solved_share": 3, "on_time_share": 1}, "flag_below": 0.8,
                                        "min_cases": 2}}
    units = metrics.unit_table(ledger(), config=config)
    weights = views.weights_table(units)
    assert weights.values.tolist() == [["解决类占比权重", "3（75%）"], ["按期答复率权重", "1（25%）"],
                                       ["低于此得分标注", "0.8"], ["参与评定的最少件数", "2"]]
    # (3 × 0.5 + 1 × 0.75) / 4 = 0.5625 < 0.8
    assert views.flagged_note(units) == "得分低于阈值 0.8 的承办单位共 1 个：区住建局（区政府）0.563。"
    assert views.flagged_note(units, "en") == (
        "1 unit scores below the threshold of 0.8: 区住建局 (district government) 0.563.")
    assert views.flagged_note(metrics.unit_table(ledger())) == "没有承办单位得分低于阈值 0.6。"


def test_weights_that_sum_to_one_print_each_weight_once():
    # 0.4（40%） said one number twice; the workbook had it in two columns (取值, 取值 占比)
    weights = views.weights_table(metrics.unit_table(ledger()))
    assert weights.values.tolist()[:3] == [["解决类占比权重", "0.4"], ["按期答复率权重", "0.3"],
                                           ["满意率（含基本满意）权重", "0.3"]]
    from analysis import excel, report

    assert list(excel.payload_frame(report.table_payload(weights, "weights")).columns) == ["项目", "取值"]


def test_rates_table_per_session_with_intervals():
    figures = metrics.ledger_figures(ledger())
    table = views.rates_table(figures, ("replied_on_time", "satisfied_or_basic"))
    on_time = table[(table["届次"] == f"{S2}（2023年）") & (table["指标"] == "按期答复率")].iloc[0]
    assert (on_time["件数"], on_time["基数"], on_time["比率"]) == (6, 7, "85.7%")
    assert on_time["95%区间"].count("%") == 2 and on_time["数字状态"] == "台账统计"
    assert list(table["指标"][:2]) == ["按期答复率", "满意率（含基本满意）"]  # in the order asked
    assert views.rates_table(figures, ("completed",), lang="en").columns[2] == "rate"


def test_sample_record_table_is_the_excel_lists_record():
    draw = sampling.draw_sample(ledger(), session=S2, size=2, seed=5)
    table = views.sample_record_table(draw)
    record = dict(table.values.tolist())
    assert record["随机种子"] == 5 and record["样本件数"] == 2  # numbers, for the workbook
    assert record["抽中编号"] == "、".join(draw.ids)
    assert list(views.sample_record_table(draw, "en").columns) == ["item", "value"]


def _units_ledger() -> pd.DataFrame:
    """Eight units of three suggestions each: unit k solves 3 − k // 3 of them, so their scores fall in steps."""
    frame = pd.concat([ledger().assign(lead_unit=f"单位{k}", suggestion_id=lambda f, k=k: f"U{k}-" + f["suggestion_id"])
                       .head(3).assign(outcome_class=["A"] * (3 - k // 3) + ["C"] * (k // 3)) for k in range(8)])
    return frame.reset_index(drop=True)


def test_units_sentence_names_the_top_and_the_bottom_of_the_ranking_and_the_flagged():
    units = metrics.unit_table(_units_ledger())
    sentence = views.units_sentence(units)
    assert sentence.startswith("按绩效评估办法计分（满分为1），参与评定的8个承办单位中，得分居前的是单位0（1.000）、单位1（1.000）、单位2（1.000），")
    assert "居后的是单位5（0.867）、单位6（0.733）、单位7（0.733）。" in sentence
    assert sentence.endswith("没有承办单位得分低于0.6。")
    flagged = views.units_sentence(metrics.unit_table(_units_ledger(), config={
        **metrics._config(None), "performance": {"weights": {"solved_share": 1}, "flag_below": 0.5, "min_cases": 3}}))
    assert flagged.endswith("得分低于0.5的有2个：单位6、单位7。")
    english = views.units_sentence(units, "en")
    assert "the lowest are 单位5 (0.867), 单位6 (0.733), and 单位7 (0.733). No unit scores below 0.6." in english


def test_units_sentence_names_the_body_of_a_unit_whose_name_is_listed_under_two_bodies():
    # a ledger filing one 立案庭 under two bodies: two scores must not stand under one name in a sentence
    frame = _units_ledger()
    twin = frame["lead_unit"].isin(["单位6", "单位7"])
    frame.loc[twin, "lead_unit"] = "立案庭"
    frame.loc[frame["suggestion_id"].str.startswith("U7-"), "handler"] = "国际港务区"
    frame.loc[frame["suggestion_id"].str.startswith("U6-"), "handler"] = "区政府"
    units = metrics.unit_table(frame, config={**metrics._config(None), "performance": {
        "weights": {"solved_share": 1}, "flag_below": 0.5, "min_cases": 3}})
    sentence = views.units_sentence(units)
    assert "立案庭（区政府）（0.333）" in sentence and "立案庭（国际港务区）（0.333）" in sentence
    assert sentence.endswith("得分低于0.5的有2个：立案庭（区政府）、立案庭（国际港务区）。")
    assert "单位5（0.667）" in sentence  # a name listed once stays as it is
    assert "立案庭 (International Port Zone) (0.333)" in views.units_sentence(units, "en")


def test_a_unit_name_ending_in_a_bracket_keeps_it_whole_beside_its_body_in_the_sentence_and_the_note():
    # 市中院（立案庭） under two bodies is 市中院（立案庭）（区政府）, never 市中院（立案庭，区政府） (a unit of that name)
    frame = _units_ledger()
    frame.loc[frame["lead_unit"].isin(["单位6", "单位7"]), "lead_unit"] = "市中院（立案庭）"
    frame.loc[frame["suggestion_id"].str.startswith("U7-"), "handler"] = "国际港务区"
    frame.loc[frame["suggestion_id"].str.startswith("U6-"), "handler"] = "区政府"
    units = metrics.unit_table(frame, config={**metrics._config(None), "performance": {
        "weights": {"solved_share": 1}, "flag_below": 0.5, "min_cases": 3}})
    sentence = views.units_sentence(units)
    assert sentence.endswith("得分低于0.5的有2个：市中院（立案庭）（区政府）、市中院（立案庭）（国际港务区）。")
    assert "市中院（立案庭）（区政府）（0.333）" in sentence and "，" not in sentence.split("居后的是")[1].split("）（0.333")[0]
    assert views.flagged_note(units) == ("得分低于阈值 0.5 的承办单位共 2 个：市中院（立案庭）（区政府）0.333；"
                                         "市中院（立案庭）（国际港务区）0.333。")
    assert views.flagged_note(units, "en").endswith(
        "市中院（立案庭） (district government) 0.333; 市中院（立案庭） (International Port Zone) 0.333.")
    # listed under one body only: the sentence names it alone, the note with its body as it always did
    once = metrics.unit_table(frame[frame["lead_unit"] != "市中院（立案庭）"].assign(
        lead_unit=lambda f: f["lead_unit"].replace({"单位5": "市中院（立案庭）"})), config={
        **metrics._config(None), "performance": {"weights": {"solved_share": 1}, "flag_below": 0.7, "min_cases": 3}})
    assert views.units_sentence(once).endswith("、市中院（立案庭）。")
    assert views.flagged_note(once).endswith("；市中院（立案庭）（区政府）0.667。")


def test_units_sentence_with_few_or_no_rated_units():
    few = metrics.unit_table(ledger())  # two units: both at the top, none left for the bottom
    assert views.units_sentence(few) == ("按绩效评估办法计分（满分为1），参与评定的2个承办单位中，得分居前的是区城管局（1.000）、"
                                         "区住建局（0.725）。没有承办单位得分低于0.6。")
    none = metrics.unit_table(ledger().head(2))
    assert views.units_sentence(none) == "没有承办单位达到参与评定的件数。"


def test_supervision_sentence_says_the_share_and_what_it_draws_from_this_session():
    cases = pd.concat([ledger()] * 20).assign(suggestion_id=lambda f: [f"S{i}" for i in range(len(f))])
    assert views.supervision_sentence(cases, S2) == (
        "联合督办按10%的比例随机抽取代表建议，本次会议140件建议应抽取14件，抽查名单和抽样记录见《联合督办随机抽查》报告。")
    config = {**metrics._config(None), "supervision_sample": {"fraction": 0.05}}
    assert "按5%的比例" in views.supervision_sentence(cases, S2, config=config) and "应抽取7件" in \
        views.supervision_sentence(cases, S2, config=config)
    assert views.supervision_sentence(cases, S2, lang="en").startswith(
        "Joint supervision draws 10% of a session's suggestions at random: of this session's 140, 14 are to be drawn")


def _two_sessions() -> pd.DataFrame:
    """140 suggestions of S2 and 50 of S1 (the earlier session)."""
    later = pd.concat([ledger()] * 20).assign(suggestion_id=lambda f: [f"S{i}" for i in range(len(f))])
    earlier = later.head(50).assign(session=S1, suggestion_id=lambda f: [f"E{i}" for i in range(len(f))])
    return pd.concat([earlier, later], ignore_index=True)


def test_supervision_sentence_points_to_the_supervision_report_only_for_the_session_it_draws_from():
    """The supervision report draws the latest session: an earlier session's page must not send the reader there."""
    cases = _two_sessions()
    assert views.supervision_sentence(cases, S1) == "联合督办按10%的比例随机抽取代表建议，本次会议50件建议应抽取5件。"
    assert views.supervision_sentence(cases, S1, lang="en").endswith("of this session's 50, 5 are to be drawn.")
    assert views.supervision_sentence(cases, S2).endswith("应抽取14件，抽查名单和抽样记录见《联合督办随机抽查》报告。")


def test_supervision_sentence_points_to_no_report_when_the_run_makes_none():
    cases = _two_sessions()
    assert views.supervision_sentence(cases, S2, report=False) == "联合督办按10%的比例随机抽取代表建议，本次会议140件建议应抽取14件。"
    assert views.supervision_sentence(cases, S2, size=5, report=False) == ""  # a number of a draw nobody makes


def test_supervision_sentence_follows_the_session_the_plan_gives_the_supervision_report():
    """A plan that runs the supervision report on an earlier session: that session's page points there, the latest's not."""
    cases = _two_sessions()
    assert views.supervision_sentence(cases, S1, drawn_from=S1).endswith(
        "应抽取5件，抽查名单和抽样记录见《联合督办随机抽查》报告。")
    assert views.supervision_sentence(cases, S1, drawn_from="十八届一次").endswith("报告。")  # as the draw reads it
    assert views.supervision_sentence(cases, S2, drawn_from=S1).endswith("应抽取14件。")
    # the rule is the draw's own: the session sampling.draw_sample takes when given none
    assert sampling.drawn_session(cases) == S2 == sampling.draw_sample(cases, seed=1).record["session"]
    with pytest.raises(DataError, match="十九届人大一次会议"):
        views.supervision_sentence(cases, S1, drawn_from="十九届人大一次会议")


def test_supervision_sentence_says_the_supervision_reports_fraction_or_size():
    """The runner passes the supervision report's fraction and size: the sentence prints that draw's, not the settings'."""
    cases = _two_sessions()
    assert views.supervision_sentence(cases, S2, fraction=0.25).startswith(
        "联合督办按25%的比例随机抽取代表建议，本次会议140件建议应抽取35件，")
    assert views.supervision_sentence(cases, S1, fraction=0.0) == views.supervision_sentence(cases, S1)  # 0: settings'
    assert views.supervision_sentence(cases, S2, size=20) == (
        "联合督办从本次会议140件建议中随机抽取20件，抽查名单和抽样记录见《联合督办随机抽查》报告。")
    assert views.supervision_sentence(cases, S2, size=20, lang="en").startswith(
        "Joint supervision draws 20 of this session's 140 suggestions at random; the list")
    assert views.supervision_sentence(cases, S1, size=20) == ""  # a number drawn from another session: not this one's
    with pytest.raises(DataError, match="exceeds the population of 50"):
        views.supervision_sentence(cases, S1, drawn_from=S1, size=60)


def test_a_score_is_printed_one_way_and_never_as_the_threshold_it_is_below():
    from fractions import Fraction

    assert views.score_text(Fraction(9, 16)) == "0.563"  # half up, as every other figure
    assert views.score_text(Fraction(5996, 10000), 0.6) == "0.5996"  # not 0.600 beside 低于0.6
    assert views.score_text(Fraction(3, 5), 0.6) == "0.600"
    assert views.score_text(Fraction(6004, 10000), 0.6) == "0.600"  # above the threshold: rounding may meet it
    assert views.score_text(None) == "—"


def test_a_percent_printed_with_its_sign_or_a_bound_word_has_one_sign(write_file):
    """'12.21%' typed with its sign is 12.21%, not 12.21%%; '90以上' is 90%以上, not 90以上%."""
    result = reconcile.reconcile_files([write_file("signs.csv", FIGURES.replace(
        "国际港务区,handled,,,,", "国际港务区,handled,,50,25.00%,") + "十九届人大一次会议,2027,,completed,,,90以上,,,测试报告 第3段,\n")])
    table = views.reconciliation_table(result).set_index(["承办主体", "指标"])
    port = table.loc[("国际港务区", "办理件数")]
    assert (port["原文"], port["百分比"]) == ("50；25.00%", "25.00%")
    done = table.loc[("全部承办主体", "办结")]
    assert (done["原文"], done["百分比"]) == ("90%以上", "90%以上")


def test_the_tables_of_several_reports_name_each_rows_report(write_file):
    files = [write_file("甲区.csv", FIGURES), write_file("乙县.csv", FIGURES.replace(",200,", ",180,"))]
    several = reconcile.reconcile_files(files, each_file=True)
    for table in (views.reconciliation_table(several), views.findings_table(several)):
        assert table.columns[0] == "报告" and set(table["报告"]) == {"甲区.csv", "乙县.csv"}
    assert views.reconciliation_table(several, "en").columns[0] == "report"
    one = reconcile.reconcile_files(files[:1], each_file=True)
    assert "报告" not in views.reconciliation_table(one).columns and "报告" not in views.findings_table(one).columns


def test_reconciliation_summary_of_several_reports_says_in_which_reports_the_findings_are():
    """Several files, each a report: the sentence says how many reports, and an error is named with its report,
    never counted as if the page (or every report) had it."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "published"
    result = reconcile.reconcile_files([folder / "U02.csv", folder / "T01.csv", folder / "T09e.csv"], each_file=True)
    assert views.reconciliation_summary(result) == (
        "3 份报告，共 37 项数字：原文印出 32 项，推算 1 项，未知 4 项。"
        "发现错误 1 条（见于 T09e.csv）、警告 1 条（见于 1 份报告）、说明 9 条（见于 2 份报告）。")
    assert views.reconciliation_summary(result, "en") == (
        "Three reports, 37 figures in all: 32 printed, 1 derived by arithmetic, 4 unknown. "
        "Findings: 1 error (in T09e.csv), 1 warning (in one report), 9 notes (in two reports).")
    one = reconcile.reconcile_files([folder / "T09e.csv"])
    assert views.reconciliation_summary(one, "en") == (
        "5 figures: 4 printed, 0 derived by arithmetic, 1 unknown. Findings: 1 error, 0 warnings, 1 note.")
