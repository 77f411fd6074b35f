"""The 汇报 paragraphs: exact strings on the five-row ledger and on published-only figures."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analysis import metrics, narrative, schemes, views
from analysis.config import load_config
from test_metrics import GOV, S1, S2, S3, five_cases, reconciliation_like, unflagged_cases

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published"


@pytest.fixture(scope="module")
def figures():
    return metrics.ledger_figures(five_cases())


@pytest.fixture(scope="module")
def published():
    return metrics.overview_from_published(reconciliation_like())


def test_session_paragraph_zh_exact(figures):
    assert narrative.session_paragraph(figures, S1) == (
        "区十八届人大一次会议（2022年）期间，共收到代表建议3件（会后1件），其中，区政府办理代表建议2件，国际港务区承办代表建议1件。"
        "从办理结果看，区政府办理的代表建议中代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有1件，占50.0%；"
        "所提问题列入规划解决的（B类）有1件，占50.0%；所提问题留作参考的（C类）有0件，占0.0%，"
        "办结率100.0%，满意率（含基本满意）100.0%。"
        "区政府办理的代表建议中，已答复2件，办复率100.0%；按自交办之日起3个月内答复（涉及面广、难度大的建议6个月）的要求，"
        "按期答复1件，按期答复率50.0%（以截至2023年5月1日已答复或已过答复期限的建议2件为基数）；满意率以代表已测评的2件为基数，"
        "其中满意1件、基本满意1件、不满意0件，满意率（不含基本满意）为50.0%；与代表见面沟通1件，见面率50.0%；"
        "列为重点督办1件。"
    )


def test_session_paragraph_en_exact(figures):
    assert narrative.session_paragraph(figures, S1, lang="en") == (
        "During the 1st Session of the 18th District People's Congress, 3 suggestions from deputies were received "
        "(1 of them after the meeting); of these, the district government handled 2 and the International Port Zone "
        "handled 1. By outcome, of the suggestions handled by the district government: solved, basically solved or "
        "adopted (class A) 1 (50.0%); planned for solution (class B) 1 (50.0%); kept for reference (class C) 0 (0.0%); "
        "completion rate 100.0%, satisfaction rate (incl. basically satisfied) 100.0%. Of the suggestions handled by "
        "the district government: replied: 2 (reply rate 100.0%); replied on time (reply within 3 months from "
        "assignment (6 months for complex cases)): 1, on-time reply rate 50.0% (base: the 2 suggestions replied to "
        "or past their deadline as of 2023-05-01); satisfaction, based on the 2 suggestions the deputies rated: "
        "1 satisfied, 1 basically satisfied, 0 unsatisfied (satisfaction rate (satisfied only) 50.0%); met the "
        "deputy in person: 1 (50.0%); under key supervision: 1."
    )


def test_pending_suggestions_and_unknown_satisfaction_are_said(figures):
    text = narrative.session_paragraph(figures, S2)
    assert "共收到代表建议2件，其中" in text  # no after-meeting suggestion: no （会后0件）
    assert "尚无办理结果（办理中）的有1件，占100.0%" in text
    assert "满意率（含基本满意）（数据暂缺）。" in text
    assert "按期答复" not in text  # the only reply cannot be judged: no sentence rather than a wrong one


def test_published_paragraph_marks_derived_and_unknown(published):
    assert narrative.session_paragraph(published, S2) == (
        "区十八届人大二次会议（2023年）期间，共收到代表建议4件（推算），其中，区政府办理代表建议2件，国际港务区承办代表建议2件。"
        "从办理结果看，区政府办理的代表建议中代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有1件，占50%；"  # printed 50: as printed
        "所提问题列入规划解决的（B类）件数（数据暂缺）；所提问题留作参考的（C类）件数（数据暂缺）。"
    )
    assert narrative.session_paragraph(published, S2, lang="en").endswith(
        "planned for solution (class B) (not available); kept for reference (class C) (not available).")
    assert narrative.session_paragraph(published, S3) == (
        "区十八届人大三次会议（2024年）期间，共收到代表建议6件（推算），其中，区政府办理代表建议5件（推算），国际港务区承办代表建议1件（推算）。"
    )
    plain = narrative.session_paragraph(published, S3, mark_derived=False)
    assert "（推算）" not in plain and "共收到代表建议6件" in plain


def test_unknown_after_meeting_count_is_worded():
    frame = reconciliation_like()
    extra = frame.iloc[[0]].copy()
    extra[["measure", "category", "count", "status"]] = ["received_after_meeting", "闭会", pd.NA, "unknown"]
    pub = metrics.overview_from_published(pd.concat([frame, extra], ignore_index=True))
    assert "共收到代表建议4件（推算）（会后提出件数数据暂缺）" in narrative.session_paragraph(pub, S2)


def test_multi_year_paragraph_exact(figures, published):
    assert narrative.multi_year_paragraph(figures) == (
        "在连续两年的共5件代表建议中，直接由区政府办理的3件，交由国际港务区处理的2件，合计占比达40.00%。")
    assert narrative.multi_year_paragraph(figures, lang="en") == (
        "Of the 5 suggestions over two consecutive years, 3 were handled directly by the district government and 2 "
        "were passed to the International Port Zone, a combined share of 40.00%.")
    # Published only, no printed total: summed from the sessions, so every figure is marked derived.
    assert narrative.multi_year_paragraph(published) == (
        "在连续两年的共10件（推算）代表建议中，直接由区政府办理的7件（推算），交由国际港务区处理的3件（推算），"
        "合计占比达30.00%（推算）。")


def test_sessions_in_years_that_are_not_consecutive_are_called_sessions(figures):
    gapped = figures.copy()
    gapped.loc[gapped["session"] == S2, "year"] = 2025
    assert narrative.multi_year_paragraph(gapped).startswith("在十八届人大一次、二次会议的共5件代表建议中")
    assert narrative.multi_year_paragraph(gapped, lang="en").startswith(
        "Of the 5 suggestions of the 18th Congress, sessions 1 and 2, ")


def _tiny_overview(received: int, port: int, a: int, b: int, c: int) -> pd.DataFrame:
    """A one-session ledger with the given counts (everything else blank)."""
    rows = []
    for i in range(received):
        handler = "国际港务区" if i < port else "区政府"
        rows.append({"suggestion_id": str(i), "session": S1, "handler": handler, "outcome_class": None})
    gov = [i for i, r in enumerate(rows) if r["handler"] == "区政府"]
    for i, code in zip(gov, ["A"] * a + ["B"] * b + ["C"] * c):
        rows[i]["outcome_class"] = code
    frame = pd.DataFrame(rows).astype("string")
    return metrics.ledger_figures(frame)


def test_percentages_round_half_up_like_a_calculator():
    # 区政府 16 suggestions: A 1 = 6.25 % → 6.3 %; B 2 = 12.5 %; C 13 = 81.25 % → 81.3 %
    overview = _tiny_overview(received=48, port=32, a=1, b=2, c=13)
    text = narrative.session_paragraph(overview, S1)
    assert "（A类）有1件，占6.3%" in text
    assert "（B类）有2件，占12.5%" in text
    assert "（C类）有13件，占81.3%" in text
    # The port zone's share to two decimals: 32 ÷ 48 = 66.666… → 66.67 %
    assert narrative.summary_table(overview).loc[0, "国际港务区占比"] == "66.67%"


def test_port_zone_share_rounds_half_up_at_two_decimals():
    overview = _tiny_overview(received=32, port=1, a=0, b=0, c=0)  # 1 ÷ 32 = 3.125 % → 3.13 %
    assert narrative.summary_table(overview).loc[0, "国际港务区占比"] == "3.13%"


def test_class_wording_comes_from_the_scheme():
    four = schemes.load_scheme("four_class")
    overview = metrics.ledger_figures(five_cases(), scheme=four)
    text = narrative.session_paragraph(overview, S1, scheme=four)
    assert "代表们所提问题或建议中已经解决或采纳的（A类）有1件，占50.0%" in text
    assert "所提问题正在解决的（B类）有1件，占50.0%" in text
    assert "所提问题因条件限制留作参考的（D类）有0件，占0.0%" in text


def test_outcome_handlers_can_include_the_port_zone(figures):
    text = narrative.session_paragraph(figures, S1, outcome_handlers=["区政府", "国际港务区"])
    assert "从办理结果看，国际港务区办理的代表建议中代表们所提问题或建议中已经解决、基本解决和采纳吸收的（A类）有1件，占100.0%" in text


def test_change_sentence_exact(figures):
    assert narrative.change_sentence(figures, S2) == (
        "与十八届人大一次会议相比，收到建议减少1件（3件→2件）；国际港务区承办占比增加16.67个百分点（33.33%→50.00%）；"
        "区政府A类占比减少50.0个百分点（50.0%→0.0%）；区政府办结率减少100.0个百分点（100.0%→0.0%）。"
        "从统计上看，以上各项比率的变化都在偶然波动的范围之内（按95%的把握判断），尚不能说明办理情况有实质变化。")
    assert narrative.change_sentence(figures, S1) == ""
    assert narrative.change_sentence(figures, S2, lang="en").startswith(
        "Compared with the 1st Session of the 18th District People's Congress: suggestions received fell by 1 (3 → 2)")


def test_data_note_says_sample_and_published(figures, published):
    assert narrative.data_note(figures) == "十八届人大一次会议（2022年）、十八届人大二次会议（2023年）的数字由台账 ledger.csv 逐件统计（示例数据，并非真实台账）。"
    assert narrative.data_note(published) == (
        "十八届人大二次会议（2023年）、十八届人大三次会议（2024年）的数字取自公开数字（report.csv），标“推算”的由原文数字推算得出。")
    assert "SAMPLE DATA" in narrative.data_note(figures, lang="en")


def test_summary_table_cells(figures, published):
    table = narrative.summary_table(metrics.combine_overviews(figures, published))
    rows = table.set_index("届次")
    y1, y2, y3 = (f"{s}（{y}年）" for s, y in ((S1, 2022), (S2, 2023), (S3, 2024)))
    assert list(rows.index) == [y1, y2, "十八届人大一次、二次会议合计", y3]
    assert rows.loc[y1, "区政府 A类"] == "1（50.0%）"
    assert rows.loc[y1, "国际港务区占比"] == "33.33%"
    # the rates are 区政府's, as the class columns are: the header names the body
    assert rows.loc[y2, "区政府满意率（含基本满意）"] == "暂缺"
    assert rows.loc[y3, "收到建议"] == "6（推算）"
    # the numbers behind the text, for the workbook: never read back out of it
    assert [(n.value, n.kind, n.decimals, n.header) for n in rows.loc[y1, "区政府 A类"].numbers] == [
        (1, "count", 0, ""), (0.5, "percent", 1, "占比")]
    assert rows.loc[y1, "国际港务区占比"].numbers[0].value == 0.3333
    assert [(n.value, n.suffix) for n in rows.loc[y3, "收到建议"].numbers] == [(6, "（推算）")]
    assert rows.loc[y3, "依据"] == "公开数字"
    english = narrative.summary_table(figures, lang="en")
    assert english.columns[0] == "session" and english.iloc[0, 0] == "18th Congress, 1st Session (2022)"
    assert "district government: completion rate" in english.columns


def test_lang_is_checked(figures):
    with pytest.raises(ValueError):
        narrative.session_paragraph(figures, S1, lang="fr")


def test_config_handlers_decide_the_order(figures):
    config = load_config()
    config["handlers"] = ["国际港务区", "区政府"]
    text = narrative.session_paragraph(figures, S1, config=config, outcome_handlers=["区政府"])
    assert "其中，国际港务区承办代表建议1件，区政府办理代表建议2件。" in text


def test_headline_items_texts(figures):
    items = {item["name"]: item for item in narrative.headline_items(figures, S2)}
    assert items["received"] == {"name": "received", "label": "收到建议", "value": "2件",
                                 "change": "比上次会议减少1件", "note": ""}
    port = items["handled:国际港务区"]
    assert (port["label"], port["value"], port["change"]) == ("国际港务区承办", "1件（50.00%）", "与上次会议持平")
    assert port["note"] == "基数：收到建议件数2件"  # the share beside a count names its base like every rate
    # 办结率 session 1: 2/3 = 66.666…%, session 2: 1/2 = 50 % → −16.666… → −16.7 points
    completed = items["completed"]
    assert (completed["label"], completed["value"], completed["change"]) == (
        "办结率（全部承办主体）", "50.0%", "比上次会议减少16.7个百分点")
    assert completed["note"] == "基数：办理件数2件"
    assert items["solved"]["label"] == "A类占比（全部承办主体）"
    assert items["replied_on_time"]["value"] == "（数据暂缺）"
    assert items["replied_on_time"]["note"] == "数据暂缺"
    first = narrative.headline_items(figures, S1)
    assert all(item["change"] == "" for item in first)
    english = {item["name"]: item for item in narrative.headline_items(figures, S2, lang="en")}
    assert english["received"]["change"] == "-1 on the previous session"
    assert english["handled:国际港务区"]["change"] == "unchanged from the previous session"
    # every figure but the received counts names the body it is of (issue 12)
    assert items["satisfied_or_basic"]["label"] == "满意率（含基本满意，全部承办主体）"
    assert items["key_supervision"]["label"] == "重点督办（全部承办主体）"
    assert english["completed"]["label"] == "Completion rate (all handling bodies)"
    assert english["completed"]["note"] == "base: suggestions handled 2"


def test_headline_items_mark_derived_published_figures(published):
    items = {item["name"]: item for item in narrative.headline_items(published, S3)}
    assert items["received"]["value"] == "6件"
    assert items["received"]["note"] == "推算"
    assert items["received"]["change"] == "比上次会议增加2件"


# --- changes a reader can check, in words a leader uses ---------------------------------------

@pytest.fixture(scope="module")
def bundled():
    from analysis import notebook_inputs

    return notebook_inputs.report_figures(notebook_inputs.load_inputs([], []))


_STATED = re.compile(r"(增加|减少)([\d.]+)个百分点（([\d.]+)%→([\d.]+)%）")


def test_every_stated_change_is_the_difference_of_the_printed_figures(bundled):
    text = narrative.change_sentence(bundled, "十八届人大二次会议")
    assert "区政府A类占比减少14.4个百分点（66.7%→52.3%）" in text  # was 14.3: the exact shares' difference
    stated = _STATED.findall(text) + _STATED.findall(narrative.change_sentence(bundled, "十八届人大三次会议"))
    assert len(stated) == 8
    for direction, delta, before, after in stated:
        signed = Decimal(delta) if direction == "增加" else -Decimal(delta)
        assert Decimal(after) - Decimal(before) == signed, (direction, delta, before, after)


def test_every_headline_change_is_the_difference_of_the_printed_values(bundled):
    for session, previous in (("十八届人大二次会议", "十八届人大一次会议"), ("十八届人大三次会议", "十八届人大二次会议")):
        now = {i["name"]: i for i in narrative.headline_items(bundled, session)}
        then = {i["name"]: i for i in narrative.headline_items(bundled, previous)}
        checked = 0
        for name, item in now.items():
            found = re.fullmatch(r"比上次会议(增加|减少)([\d.]+)个百分点", item["change"])
            if not found:
                continue
            value, before = (Decimal(x["value"].rstrip("%")) for x in (item, then[name]))
            delta = Decimal(found.group(2)) * (1 if found.group(1) == "增加" else -1)
            assert value - before == delta, (session, name)
            checked += 1
        assert checked == 8  # 办复率 stays at 100.0%: 与上次会议持平
    on_time = {i["name"]: i for i in narrative.headline_items(bundled, "十八届人大二次会议")}["replied_on_time"]
    assert on_time["change"] == "比上次会议减少3.0个百分点"  # 94.3% → 91.3%, not the exact shares' 3.06
    assert on_time["note"] == "基数：已答复或已过答复期限的件数172件（截至2025年1月16日）"


def test_the_leaders_sentence_says_whether_changes_are_beyond_chance_without_test_names(bundled):
    second = narrative.change_sentence(bundled, "十八届人大二次会议")
    assert second.endswith("从统计上看，以上各项比率的变化都在偶然波动的范围之内（按95%的把握判断），尚不能说明办理情况有实质变化。")
    third = narrative.change_sentence(bundled, "十八届人大三次会议")
    assert ("从统计上看，以下变化超出了偶然波动的范围（有95%的把握）：国际港务区承办占比由12.21%升至51.11%，"
            "增幅估计在28.78至48.14个百分点之间。其余10项变化都在偶然波动的范围之内。") in third
    for text in (second, third, narrative.change_sentence(bundled, "十八届人大三次会议", lang="en")):
        assert "p =" not in text and "Fisher" not in text and "Holm" not in text


def test_the_data_note_names_the_tests_the_multiplicity_and_each_p(bundled):
    tests = narrative.session_tests(bundled, "十八届人大二次会议")
    assert tests.family_size == 11
    note = narrative.tests_note(tests, bundled)
    assert "Fisher精确检验（双侧）" in note and "Newcombe" in note and "本页同时检验了11项，p值按Holm法校正" in note
    assert "区政府A类占比 p = 0.020，校正后 p = 0.225" in note
    # its interval (−25.3 to −2.8 points) excludes 0 while the page calls it chance: the note says why
    assert "未作此校正：区间不含0而校正后p值不小于0.05的，结论仍是在偶然波动范围之内" in note
    english = narrative.tests_note(tests, bundled, lang="en")
    assert "This page makes 11 tests at once" in english and "Holm" in english and "not so adjusted" in english


def test_the_trends_page_tests_and_words(bundled):
    tests = metrics.trend_tests(bundled)
    sentence = narrative.significance_sentence(tests, bundled, with_sessions=True)
    assert sentence.startswith("从统计上看，以下变化超出了偶然波动的范围（有95%的把握）：国际港务区承办占比由12.21%升至51.11%"
                               "（十八届人大二次会议→十八届人大三次会议）")
    assert sentence.endswith("其余43项变化都在偶然波动的范围之内。")
    table = narrative.tests_table(tests, bundled)
    assert len(table) == 44
    row = table[(table["指标"] == "区政府A类占比") & (table["到"] == "十八届人大二次会议（2023年）")].iloc[0]
    assert (row["前"], row["后"], row["变化（百分点）"], row["95%区间（百分点）"], row["p值"]) == (
        "86/129（66.7%）", "79/151（52.3%）", "-14.4", "-25.3 – -2.8", "0.020")
    assert row["结论"] == "在偶然波动范围内"  # 0.020 alone, but one of 46 tests on the page
    # in the workbook "86/129（66.7%）" is three numbers, not one text that pastes badly
    from analysis import excel, report

    sheet = excel.payload_frame(report.table_payload(table.head(1), "tests"))
    assert [c for c in sheet.columns if c.startswith("前")] == ["前", "前 基数", "前 占比"]
    assert [(v.value, v.number_format) for v in sheet.loc[0, ["前", "前 基数", "前 占比"]]] == [
        (30, "0"), (159, "0"), (0.1887, "0.00%")]
    note = narrative.tests_note(tests, bundled, list_each=False)
    assert "区政府办理的建议3次会议的分类构成：皮尔逊卡方检验" in note and "本页同时检验了46项" in note


def test_a_single_session_never_speaks_of_a_multi_year_total(figures):
    assert narrative.multi_year_paragraph(figures, [S1]) == ""
    one = metrics.ledger_figures(five_cases()[lambda f: f["session"] == S1])
    assert narrative.multi_year_paragraph(one) == ""
    assert "多年" not in narrative.change_sentence(one, S1) and narrative.change_sentence(one, S1) == ""


def test_shares_of_different_bases_are_named_not_compared(figures):
    edited = figures.copy()
    for session, base in ((S1, "handled"), (S2, "rated")):
        mask = (edited["session"] == session) & (edited["measure"] == "satisfied_or_basic") & (edited["handler"] == "")
        edited.loc[mask, "base_measure"] = base
        edited.loc[mask, "base"] = 2
        edited.loc[mask, "count"] = 1
    items = {i["name"]: i for i in narrative.headline_items(edited, S2)}
    assert items["satisfied_or_basic"]["change"] == "与上次会议基数不同，不作比较"
    tests = narrative.session_tests(edited, S2)
    assert tests.lookup(S2, "", "satisfied_or_basic").method == metrics.NOT_COMPARABLE
    assert "另有1项因两次基数不同未作比较" in narrative.tests_note(tests, edited)


# The figures-check page's overview of a report from any congress: its own bodies and classes, never ours.

def _published_figures(tmp_path, name: str, rows: list[str]) -> "reconcile.Reconciliation":
    from analysis import reconcile

    path = tmp_path / name
    path.write_text("session,year,handler,measure,category,count,percent,base,source,note\n"
                    + "".join(f"{row},原文第1段,\n" for row in rows), encoding="utf-8")
    return reconcile.reconcile_files([path])


def test_the_multi_year_sentence_of_printed_reports_names_their_periods_and_no_body_of_ours():
    """U04 prints the suggestions received at six sessions of two terms and no body: the sentence names the sessions
    (not 六次会议, which would hide the gaps), marks the sum derived and says no body's count is printed, never 区政府
    or 国际港务区 at 暂缺; T17's years leave the total open and the sentence says which."""
    from analysis import reconcile

    published = Path(__file__).resolve().parents[1] / "data" / "published"
    u04 = metrics.overview_from_published(reconcile.reconcile_files([published / "U04.csv"]))
    assert narrative.multi_year_paragraph(u04) == (
        "在十一届人大一次、三次、四次、五次、七次会议和十二届人大一次会议的共1354件（推算）代表建议中，"
        "各承办主体办理的件数均未印出。")
    assert narrative.multi_year_paragraph(u04, lang="en") == (
        "Of the 1354 (derived) suggestions of the 11th Congress, sessions 1, 3, 4, 5 and 7, and the 12th Congress, "
        "1st Session, no handling body's count is given.")
    t17 = metrics.overview_from_published(reconcile.reconcile_files([published / "T17.csv"]))
    assert narrative.multi_year_paragraph(t17) == "连续三年的代表建议总数暂缺：2018年度和2019年度的建议件数未印出。"
    assert narrative.multi_year_paragraph(t17, lang="en") == (
        "The number of suggestions over three consecutive years is not available: none is printed for year 2018 and "
        "year 2019.")


def test_a_year_beside_a_session_is_not_added_up():
    """U12 (a town) prints 2025年's 189 suggestions (132 of them at its congress's session) beside a session whose year
    it does not print: 42 + 189 = 231 was stated as a total (推算), though the year's count may hold the session's."""
    from analysis import reconcile

    published = Path(__file__).resolve().parents[1] / "data" / "published"
    u12 = metrics.overview_from_published(reconcile.reconcile_files([published / "U12.csv"]))
    zh = narrative.multi_year_paragraph(u12)
    en = narrative.multi_year_paragraph(u12, lang="en")
    assert zh.endswith("的建议件数未相加：2025年度的件数可能包含当年会议期间提出的建议。") and "231" not in zh
    assert en.endswith("are not added up: the count of year 2025 may include those of a session held in it.")
    assert "231" not in en


def test_a_rate_of_suggestions_handled_has_no_base_when_the_number_handled_is_not_printed():
    """U12's 代表满意率 100% is of the suggestions 交办, whose number it leaves blank (some of the 189 went to 工作参考):
    the figures check says its base is not known, and the trends page must not state 189 as its base."""
    from analysis import reconcile

    published = Path(__file__).resolve().parents[1] / "data" / "published"
    u12 = metrics.overview_from_published(reconcile.reconcile_files([published / "U12.csv"]))
    rates = u12[(u12["session"] == "2025年度") & u12["measure"].isin(["satisfied", "replied"])]
    assert len(rates) == 2 and rates["base"].isna().all() and list(rates["share_pct"]) == [100.0, 100.0]


def test_periods_of_different_congresses_or_overlapping_are_not_added_up(tmp_path):
    """A city's ledger beside a province's report (U09: 省政府) and a city's five-year term (U11): the sum 5938 of a
    province's session, a term and a city's session was stated as a multi-year total (推算). A term holds sessions, and
    origins that name no handling body in common are no one congress's: not added up, and the sentence says why."""
    from analysis import notebook_inputs

    data = Path(__file__).resolve().parents[1] / "data"
    ledger = [str(data / "hostile" / "city_ledger_gbk.csv")]

    def paragraphs(*reports):
        inputs = notebook_inputs.load_inputs(ledger, [str(PUBLISHED / r) for r in reports])
        figures = notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))
        return narrative.multi_year_paragraph(figures), narrative.multi_year_paragraph(figures, lang="en")

    zh, en = paragraphs("U09.csv", "U11.csv")
    assert zh == ("十四届人大一次会议、十五届人大（全届）和十七届人大三次会议的建议件数未相加：十五届人大（全届）包含多次会议，"
                  "件数可能与其他会次重叠。")
    assert "not added up: the whole 15th Congress covers several sessions" in en and "5938" not in zh + en
    zh, en = paragraphs("U03.csv")
    assert zh == "2019年度和十七届人大三次会议的数字分别取自U03.csv和台账，其中没有共同的承办主体，未作为同一人大的数字相加。"
    assert en.endswith("come from U03.csv and the ledger, which name no handling body in common: they are not added "
                       "up as one congress's.")
    # one congress's periods from several origins (a body in common: the city's own earlier report) are added up
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("session,year,handler,measure,category,count,percent,base,source,note\n"
                       "市十七届人大二次会议,2023,,received,,300,,,市人大常委会报告,\n"
                       "市十七届人大二次会议,2023,市政府,handled,,280,,,市人大常委会报告,\n", encoding="utf-8")
    inputs = notebook_inputs.load_inputs(ledger, [str(earlier)])
    figures = notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))
    assert narrative.multi_year_paragraph(figures).startswith("在连续两年的共340件（推算）代表建议中，直接由市政府办理的316件（推算）")
    bundled = notebook_inputs.load_inputs()
    figures = notebook_inputs.report_figures(bundled, sessions=notebook_inputs.pick_sessions([], bundled))
    assert narrative.multi_year_paragraph(figures).startswith("在连续三年的共466件代表建议中")


def test_a_year_beside_a_session_is_named_not_counted_as_two_sessions(tmp_path):
    mixed = metrics.overview_from_published(_published_figures(tmp_path, "city.csv", [
        "2019年度,2019,,received,,300,,", "2019年度,2019,市政府,handled,,280,,",
        "市十七届人大三次会议,2024,,received,,320,,", "市十七届人大三次会议,2024,市政府,handled,,301,,"]))
    assert narrative.multi_year_paragraph(mixed) == (
        "在2019年度和十七届人大三次会议的共620件（推算）代表建议中，直接由市政府办理的581件（推算）。")
    assert narrative.multi_year_paragraph(mixed, lang="en").startswith(
        "Of the 620 (derived) suggestions of year 2019, and the 17th Congress, 3rd Session, ")


def test_published_overview_of_another_congress_names_its_bodies_and_classes(tmp_path):
    result = _published_figures(tmp_path, "city.csv", [
        "市五届人大二次会议,2020,市政府,handled,,128,,", "市五届人大二次会议,2020,市政府,outcome,A,64,50,",
        "市五届人大二次会议,2020,市政府,outcome,B,38,29.7,", "市五届人大二次会议,2020,市政府,outcome,C,21,16.4,",
        "市五届人大二次会议,2020,市政府,outcome,D,5,3.9,"])
    row = narrative.published_summary_table(result).iloc[0]
    assert row["市政府办理件数"] == "128" and row["市政府 D类"] == "5（3.9%）"
    assert not [c for c in row.index if "区政府" in c or "国际港务区" in c]  # our district's bodies are not its


@pytest.mark.parametrize("wording", ["闭会后", "闭会期间", "大会闭会后提出", "会后"])
def test_a_printed_after_meeting_count_is_in_the_overview_whatever_its_wording(tmp_path, wording):
    # U14 (贵州 2000) printed 闭会后提出10件 beside the 401 received; the overview called it 未印出 because only
    # 闭会/会后/闭会期间/会后提出 were read as "raised after the meeting"
    result = _published_figures(tmp_path, "province.csv", [
        "省九届人大三次会议以来,,,received,,401,,", f"省九届人大三次会议以来,,,received_after_meeting,{wording},10,,received",
        "省九届人大三次会议以来,,省政府,handled,,387,96.51,"])
    table = narrative.published_summary_table(result)
    assert table.iloc[0]["闭会期间提出（会后）"] == "10"
    assert "闭会期间提出" not in narrative.published_summary_note(table)


def test_a_body_count_whose_printed_share_matches_no_convention_is_marked_in_the_overview(tmp_path):
    # U14 (贵州 2000): 省人大有关部门 23 printed as 2.24% of 401 (9 is the count that prints it); the overview showed
    # 23 with no mark, only the findings named it. Its cell says the printed share and that it does not match.
    result = _published_figures(tmp_path, "province.csv", [
        "省九届人大三次会议以来,,,received,,401,,", "省九届人大三次会议以来,,省人大有关部门,handled,,23,2.24,",
        "省九届人大三次会议以来,,省政府,handled,,387,96.51,", "省九届人大三次会议以来,,法院,handled,,5,1.25,"])
    row = narrative.published_summary_table(result).iloc[0]
    assert row["省人大有关部门办理件数"] == "23（2.24%，与件数不符）"
    assert row["省政府办理件数"] == "387" and row["法院办理件数"] == "5"  # their shares agree: the count alone
    en = narrative.published_summary_table(result, lang="en").iloc[0]
    assert en["省人大有关部门: suggestions handled"] == "23 (2.24%, does not match the counts)"


def test_published_overview_of_a_report_printing_no_outcome_class_has_no_class_columns(tmp_path):
    # U07 (上海 2017) and U06 (奉化区 2021) print counts and topics, no outcome class: the page says 未印出办理结果分类,
    # so the overview must not show our A类/B类/C类 columns beside it, every cell 暂缺
    result = _published_figures(tmp_path, "topics.csv", [
        "区一届人大五次会议,2021,,received,,168,,", "区一届人大五次会议,2021,,topic,城建环保类,48,28.6,",
        "区一届人大五次会议,2021,,topic,政治法律类,5,3,"])
    row = narrative.published_summary_table(result).iloc[0]
    assert row["收到建议"] == "168"
    assert not [c for c in row.index if "类" in c], list(row.index)


def test_published_overview_of_a_report_with_its_own_class_wordings(tmp_path):
    result = _published_figures(tmp_path, "county.csv", [
        "区二届人大四次会议,2024,区政府,handled,,154,,", "区二届人大四次会议,2024,区政府,completed,办结率,,75.3,",
        "区二届人大四次会议,2024,区政府,outcome,已经解决或基本解决,116,75.3,",
        "区二届人大四次会议,2024,区政府,outcome,正在办理及列入计划,38,24.7,"])
    row = narrative.published_summary_table(result).iloc[0]
    assert row["区政府 已经解决或基本解决"] == "116（75.3%）"  # a wording is its own name: no 类 after it
    assert row["区政府办结率"].startswith("75.3%")  # a rate printed under a label of its own (办结率)


def test_a_report_printing_one_class_in_its_own_wording_is_named_as_printed_and_has_no_other_class():
    # U11 (上海市, a five-year term) prints 解决采纳 4084 (77%) and no other class: the configured A/B/C scheme has a
    # label 解决采纳, but the report's classes are not ours, and its B and C (never its own) are not "unprinted"
    from analysis import reconcile

    result = reconcile.reconcile_files(PUBLISHED / "U11.csv")
    assert list(result.figures.loc[result.figures["measure"] == "outcome", "category"]) == ["解决采纳"]
    table = narrative.published_summary_table(result)
    assert table.iloc[0]["全部承办主体 解决采纳"] == "4084（77%）"
    assert narrative.published_summary_note(table) == (
        "原文未印出：闭会期间提出（会后）；全部承办主体的办结率、满意率（含基本满意）、按期答复率。")
    english = narrative.published_summary_table(result, lang="en")
    assert "all handling bodies 解决采纳" in english.columns
    assert narrative.published_summary_note(english, "en") == (
        "Not printed in the report: raised after the meeting; all handling bodies: completion rate, satisfaction rate "
        "(incl. basically satisfied), on-time reply rate.")


def test_a_satisfaction_rate_is_named_as_printed_unless_its_wording_says_what_it_counts(tmp_path):
    # U12 (大兴镇) prints 代表满意率 100%: whether 基本满意 is in it the package cannot tell, so the note names it as
    # printed, never 满意率（含基本满意）; a wording saying 基本满意 (满意和基本满意) is the combined rate, and 满意 alone is
    # the rate without it
    from analysis import reconcile

    u12 = reconcile.reconcile_files(PUBLISHED / "U12.csv")
    assert narrative.published_summary_note(narrative.published_summary_table(u12)) == (
        "原文未印出：全部承办主体的办结率。全部承办主体的代表满意率、办复率：原文另有印出（口径或承办主体不同），不在本表，"
        "见“逐项核对”。")
    assert "all handling bodies: 代表满意率, reply rate" in narrative.published_summary_note(
        narrative.published_summary_table(u12, lang="en"), "en")
    for wording, named in (("满意和基本满意", "区政府的满意率（含基本满意）"), ("满意", "区政府的满意率（不含基本满意）"),
                           ("对办理结果", "区政府的满意率（对办理结果）"), ("", "区政府的满意率")):
        result = _published_figures(tmp_path, "rates.csv", [
            "区二届人大四次会议,2024,区政府,handled,,154,,", f"区二届人大四次会议,2024,区政府,satisfied,{wording},,99,"])
        note = narrative.published_summary_note(narrative.published_summary_table(result))
        assert note.endswith(f"{named}：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。"), (wording, note)


def test_a_body_printing_only_a_reply_rate_has_it_named_in_the_note():
    # R06 (济源市) prints 市政府's 办复率 100% and no class, completion or satisfaction: the note names 市政府's 办复率
    from analysis import reconcile

    result = reconcile.reconcile_files(PUBLISHED / "R06.csv")
    assert narrative.published_summary_note(narrative.published_summary_table(result)) == (
        "原文未印出：收到建议、闭会期间提出（会后）；市政府的办结率、满意率（含基本满意）。"
        "市政府的办复率：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。")


def test_a_rate_of_a_body_without_columns_is_named_as_printed_elsewhere(tmp_path):
    # classes of 区政府 (its rate columns), a 办复率 of the port zone: not in the table, and never called unprinted
    result = _published_figures(tmp_path, "two.csv", [
        "区二届人大四次会议,2024,区政府,handled,,154,,", "区二届人大四次会议,2024,区政府,outcome,A,116,75.3,",
        "区二届人大四次会议,2024,区政府,outcome,B,38,24.7,", "区二届人大四次会议,2024,港区,handled,,20,,",
        "区二届人大四次会议,2024,港区,replied,,,100,"])
    assert narrative.published_summary_note(narrative.published_summary_table(result)).endswith(
        "港区的办复率：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。")


def test_a_percent_is_marked_derived_by_its_own_status_never_its_counts(tmp_path):
    """12.21% = 21 ÷ a derived 172 beside a printed 21 is derived; a printed 51.11% beside the count it gives is not."""
    result = _published_figures(tmp_path, "marks.csv", [
        "十八届人大二次会议,2023,区政府,handled,,151,,", "十八届人大二次会议,2023,国际港务区,handled,,21,,",
        "十八届人大二次会议,2023,区政府,outcome,A,79,52.3,", "十八届人大二次会议,2023,区政府,outcome,B,,37.7,",
        "十八届人大二次会议,2023,区政府,outcome,C,15,,",
        "十八届人大三次会议,2024,,received,,135,,", "十八届人大三次会议,2024,国际港务区,handled,,,51.11,"])
    table = narrative.published_summary_table(result).set_index("届次")
    s2, s3 = table.loc["十八届人大二次会议（2023年）"], table.loc["十八届人大三次会议（2024年）"]
    assert (s2["收到建议"], s2["国际港务区办理件数"], s2["国际港务区占比"]) == ("172（推算）", "21", "12.21%（推算）")
    assert (s3["国际港务区办理件数"], s3["国际港务区占比"]) == ("69（推算）", "51.11%")  # the count from the percent
    assert s2["区政府 A类"] == "79（52.3%）"  # both printed
    assert s2["区政府 B类"] == "57（推算）（37.7%）"  # the count derived from its printed percent
    assert s2["区政府 C类"] == "15（9.9%，推算）"  # a printed count, its share left blank by the report
    # the workbook's share column carries the same mark
    assert [(n.header, n.suffix) for n in s2["区政府 C类"].numbers] == [("", ""), ("占比", "（推算）")]
    en = narrative.published_summary_table(result, lang="en").iloc[0]
    assert [en[c] for c in en.index if c.endswith("C")] == ["15 (9.9%, derived)"]


def test_a_printed_percent_is_shown_as_printed_and_one_the_counts_do_not_give_is_marked(tmp_path):
    """27.9% printed for 47 of 168 (27.98%, truncated) stays 27.9%, 52.30% for 79 of 151 (52.32%) stays 52.30% and is
    marked as the figures table's check says (与件数不符); the findings name it; a share the report left blank is
    computed."""
    result = _published_figures(tmp_path, "printed.csv", [
        "十八届人大二次会议,2023,区政府,handled,,151,,", "十八届人大二次会议,2023,区政府,outcome,A,79,52.30,",
        "十八届人大二次会议,2023,区政府,outcome,B,32,,", "十八届人大二次会议,2023,区政府,outcome,C,40,,",
        "十八届人大三次会议,2024,区政府,handled,,168,,", "十八届人大三次会议,2024,区政府,outcome,A,47,27.9,",
        "十八届人大三次会议,2024,区政府,outcome,B,121,72.1,"])
    table = narrative.published_summary_table(result).set_index("届次")
    s2, s3 = table.loc["十八届人大二次会议（2023年）"], table.loc["十八届人大三次会议（2024年）"]
    assert s3["区政府 A类"] == "47（27.9%）"  # truncated, explained by the checker: as printed, no mark
    assert s2["区政府 A类"] == "79（52.30%，与件数不符）"  # the report's own digits, and the check's words
    assert s2["区政府 B类"] == "32（21.2%，推算）"  # left blank: computed
    assert [(n.value, n.header, n.suffix) for n in s2["区政府 A类"].numbers] == [
        (79, "", ""), (0.523, "占比", "（与件数不符）")]
    checked = views.reconciliation_table(result).set_index(["届次", "分类"])
    assert checked.loc[("十八届人大二次会议（2023年）", "A"), "核对结果"] == "与件数不符"  # the same words on the page
    assert any("52.30%" in m for m in result.findings.loc[result.findings["severity"] == "error", "message"])
    en = narrative.published_summary_table(result, lang="en").iloc[0]
    assert [en[c] for c in en.index if c.endswith("A")] == ["79 (52.30%, does not match the counts)"]
    overview = metrics.overview_from_published(result)
    cards = {item["name"]: item for item in narrative.headline_items(overview, "十八届人大二次会议")}
    assert (cards["solved:区政府"]["value"], cards["solved:区政府"]["note"]) == (
        "52.30%", "原文印出；与件数不符；基数：办理件数151件")
    assert "占52.30%（与件数不符）" in narrative.session_paragraph(overview, "十八届人大二次会议")
    assert "占27.9%" in narrative.session_paragraph(overview, "十八届人大三次会议")
    # a ledger's share is computed as before
    assert narrative.summary_table(metrics.ledger_figures(five_cases())).iloc[0]["区政府 A类"] == "1（50.0%）"


def test_a_printed_share_apart_from_its_counts_reads_alike_in_the_table_the_hover_and_the_tested_change(tmp_path):
    """U03 (a county's report) prints 64.25% for 74 of 115 (64.35%, no convention explains it) and a truncated 6.95%
    for 8 of 115 (6.96%): the trends page's table shows them as printed, its chart draws count ÷ base and its hover
    names the printed one, and the sentence on a change beyond chance, which tests the counts (64.3%), names it too,
    so no reader meets 64.3% and 64.25% for one share unexplained."""
    import csv

    from analysis import charts, notebook_inputs

    rows = list(csv.DictReader(open("tests/data/published/U03.csv", encoding="utf-8")))
    classes = {"已解决或正在解决": "A", "已列入计划,正逐步解决": "B", "因政策、资金等因素暂不能办理": "C"}
    published = tmp_path / "U03.csv"
    with open(published, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "category": classes.get(r["category"], r["category"])} for r in rows)
    ledger = tmp_path / "台账.csv"
    ledger.write_text("建议编号,届次,标题,承办主体,办理结果,办理状态\n" + "".join(
        f"X-{i},十七届人大三次会议,关于第{i}件事的建议,县政府,{'ABC'[i % 3]},已办结\n" for i in range(1, 21)),
        encoding="utf-8")
    inputs = notebook_inputs.load_inputs([str(ledger)], [str(published)])
    sessions = notebook_inputs.pick_sessions([], inputs)
    figures = notebook_inputs.report_figures(inputs, sessions=sessions)
    tests = metrics.trend_tests(figures, sessions)
    row = narrative.summary_table(figures).set_index("期间").loc["2019年度"]  # a year and a session: 期间
    assert (row["县政府 A类"], row["县政府 C类"]) == ("74（64.25%，与件数不符）", "8（6.95%）")
    hovers = {t.name: t.customdata[-1] for t in charts.plot_outcome_mix(figures).data}
    assert hovers["A类"][1:4] == ["64.3%", 115, "公开数字，原文印出，原文为 64.25%（与件数不符）"]
    assert hovers["C类"][1:4] == ["7.0%", 115, "公开数字，原文印出，原文为 6.95%"]
    sentence = narrative.significance_sentence(tests, figures, with_sessions=True)
    assert "县政府A类占比由30.0%升至64.3%（原文为64.25%，与件数不符）（十七届人大三次会议→2019年度）" in sentence
    english = narrative.significance_sentence(tests, figures, lang="en")
    assert "rose from 30.0% to 64.3% (the report prints 64.25%, does not match the counts)," in english
    # a share counted from the ledger, or printed with the digits the counts give, has nothing beside it
    assert sentence.count("原文为") == 1 and "（原文为" not in sentence.split("升至")[0]


def test_a_citys_ledger_beside_a_countys_report_shows_the_ledgers_classes_on_every_part_of_the_page():
    """A county's report (U03: 县政府, the larger body, so the first, with classes in its own wordings) beside a city's
    ledger (市政府's A/B/C): the summary table, the outcome-mix charts, the session paragraph and the class-mix test are
    the ledger's body's, not the county's (whose class and rate columns were all 暂缺, the ledger's classes unshown)."""
    from analysis import charts, notebook_inputs

    data = Path(__file__).resolve().parents[1] / "data"
    inputs = notebook_inputs.load_inputs([str(data / "hostile" / "city_ledger_gbk.csv")], [str(PUBLISHED / "U03.csv")])
    figures = notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))
    assert metrics._config(None, figures)["handlers"][0] == "县政府"  # the case: the first body prints no A/B/C
    assert metrics.outcome_body(figures) == "市政府"
    row = narrative.summary_table(figures).set_index("期间").loc["十七届人大三次会议"]
    assert (row["市政府 A类"], row["市政府 B类"], row["市政府 C类"]) == ("17（47.2%）", "12（33.3%）", "7（19.4%）")
    assert (row["市政府办结率"], row["市政府满意率（含基本满意）"], row["市政府按期答复率"]) == (
        "100.0%", "88.9%", "91.7%至100.0%")
    assert not [c for c in narrative.summary_table(figures).columns if c.startswith("县政府 ") or "县政府办结" in c]
    english = narrative.summary_table(figures, lang="en").iloc[-1]
    assert (english["municipal government Class A"], english["municipal government: completion rate"]) == ("17 (47.2%)", "100.0%")
    shares, counts = charts.plot_outcome_mix(figures), charts.plot_outcome_mix(figures, value="count")
    assert (shares.layout.title.text, counts.layout.title.text) == ("市政府办理结果分类构成", "市政府办理结果分类构成（件数）")
    assert [(t.name, list(t.y)) for t in counts.data] == [("A类", [17]), ("B类", [12]), ("C类", [7])]
    assert [round(t.y[0], 1) for t in shares.data] == [47.2, 33.3, 19.4]
    paragraph = narrative.session_paragraph(figures, "十七届人大三次会议")
    assert "从办理结果看，市政府办理的代表建议中" in paragraph and "（A类）有17件，占47.2%" in paragraph
    assert "办结率100.0%，满意率（含基本满意）88.9%" in paragraph
    assert "of the suggestions handled by the municipal government: solved" in narrative.session_paragraph(
        figures, "十七届人大三次会议", lang="en")
    assert metrics.outcome_mix_test(figures).body == "市政府"
    # each body's class-mix verdict speaks of its own periods only: the city's 市政府 has no figure in the county's
    # 2019年度, and the county's 县政府 (classes in its own wordings) has no "only one class" and no city session
    city, county = (metrics.outcome_mix_test(figures, handler=body) for body in ("市政府", "县政府"))
    assert city.excluded_rows == () and "2019年度" not in city.verdict()
    # the county's 2019年度 prints all its classes, in its own wordings: left out as another scheme's, never 不全
    assert county.other_kind_rows == ("2019年度",) and county.excluded_rows == () and "十七届" not in county.verdict()
    assert county.verdict().endswith("（2019年度的分类按原文自己的一套印出，未纳入检验。）")
    assert "只有一个类别" not in county.verdict() and "only one class" not in county.verdict("en")


def test_the_classes_shown_are_those_of_the_first_body_with_a_class_of_the_scheme():
    """When the first body's classes are none of the scheme's, every part of a page that shows one body's classes
    (table, charts, paragraph, change sentence, class-mix test) takes the next body that has them; when none has,
    the first body, as before."""
    from analysis import charts

    plain = metrics.ledger_figures(five_cases())
    worded = plain.copy()
    gov = (worded["handler"] == GOV) & (worded["measure"] == "outcome")
    worded.loc[gov, "category"] = worded.loc[gov, "category"].map({"A": "已解决", "B": "计划解决", "C": "留作参考"})
    port = "国际港务区"
    assert (metrics.outcome_body(plain), metrics.outcome_body(worded)) == (GOV, port)
    table = narrative.summary_table(worded).set_index("届次")
    assert table.iloc[0][f"{port} A类"] == "1（100.0%）" and table.iloc[0][f"{port}办结率"] == "0.0%"
    assert not [c for c in table.columns if c.startswith(f"{GOV} ")]
    assert charts.plot_outcome_mix(worded).layout.title.text == f"{port}办理结果分类构成"
    assert [list(t.y) for t in charts.plot_outcome_mix(worded, value="count").data] == [[1, 0], [0, 0], [0, 1]]
    assert f"从办理结果看，{port}办理的代表建议中" in narrative.session_paragraph(worded, S1)
    sentence = narrative.change_sentence(worded, S2)
    assert f"{port}A类占比减少100.0个百分点（100.0%→0.0%）；{port}办结率增加100.0个百分点（0.0%→100.0%）" in sentence
    assert metrics.outcome_mix_test(worded).body == port
    # the page of one body with classes is as it was: the first body's
    assert f"{GOV}A类占比减少50.0个百分点（50.0%→0.0%）；{GOV}办结率减少100.0个百分点" in narrative.change_sentence(plain, S2)
    assert f"从办理结果看，{GOV}办理的代表建议中" in narrative.session_paragraph(plain, S1)
    # no body with a class of the scheme: the first configured body, as before
    nowhere = worded.copy()
    nowhere.loc[nowhere["measure"] == "outcome", "category"] = "留作参考"
    assert metrics.outcome_body(nowhere) == GOV and charts.plot_outcome_mix(nowhere).layout.title.text.startswith(GOV)


def test_a_rate_printed_without_its_count_is_shown_as_printed_not_unavailable(tmp_path):
    result = _published_figures(tmp_path, "rates.csv", [
        "十八届人大二次会议,2023,,received,,172,,", "十八届人大二次会议,2023,,completed,,,98.4,",
        "十八届人大二次会议,2023,,replied,,,90以上,"])
    overview = metrics.overview_from_published(result)
    for lang, printed in (("zh", "原文印出"), ("en", "printed")):
        cards = {item["name"]: item for item in narrative.headline_items(overview, "十八届人大二次会议", lang=lang)}
        assert cards["completed"]["value"] == "98.4%"
        assert cards["completed"]["note"].startswith(printed)
        assert "暂缺" not in cards["completed"]["note"] and "not available" not in cards["completed"]["note"]
    cards = {item["name"]: item for item in narrative.headline_items(overview, "十八届人大二次会议")}
    assert cards["replied"]["value"] == "90%以上"  # a bound stays a bound
    english = {item["name"]: item for item in narrative.headline_items(overview, "十八届人大二次会议", lang="en")}
    assert english["replied"]["value"] == "at least 90%"


def _statuses(figures, session, handler, measure):
    row = figures[(figures["session"] == session) & (figures["handler"] == handler) & (figures["measure"] == measure)]
    return (row["status"].iloc[0], row["percent_status"].iloc[0])


def test_the_multi_year_share_is_marked_by_its_own_status(tmp_path):
    """A printed total share beside a derived total is printed; a share the report never printed, of printed counts,
    is derived."""
    sessions = ["十八届人大一次会议,2022,,received,,150,,", "十八届人大一次会议,2022,区政府,handled,,120,,",
                "十八届人大一次会议,2022,国际港务区,handled,,30,,", "十八届人大二次会议,2023,,received,,172,,",
                "十八届人大二次会议,2023,区政府,handled,,151,,", "十八届人大二次会议,2023,国际港务区,handled,,21,,"]
    total = "十八届人大一次会议+十八届人大二次会议"
    printed = metrics.overview_from_published(_published_figures(tmp_path, "total.csv", sessions + [
        f"{total},,国际港务区,handled,,51,15.84,received"]))
    assert _statuses(printed, total, "国际港务区", "handled") == ("printed", "printed")
    # 271 = 120 + 151 is a sum the package made (no total printed for 区政府): marked, as the derived 322 is
    assert narrative.multi_year_paragraph(printed) == (
        "在连续两年的共322件（推算）代表建议中，直接由区政府办理的271件（推算），交由国际港务区处理的51件，合计占比达15.84%。")
    assert narrative.multi_year_paragraph(printed, lang="en").endswith("a combined share of 15.84%.")
    summed = metrics.overview_from_published(_published_figures(tmp_path, "sessions.csv", sessions))
    assert narrative.multi_year_paragraph(summed) == (
        "在连续两年的共322件（推算）代表建议中，直接由区政府办理的271件（推算），交由国际港务区处理的51件（推算），"
        "合计占比达15.84%（推算）。")


def test_a_total_summed_from_printed_session_counts_is_marked_derived_and_a_ledger_sum_is_not(tmp_path, figures):
    """Each session's count printed, the total printed nowhere: the sum is the package's arithmetic, not a printed
    figure, so it carries （推算）/(derived) as every derived figure does; counted from the ledger, it is a count."""
    rows = ["十八届人大一次会议,2022,,received,,150,,", "十八届人大二次会议,2023,,received,,172,,"]
    summed = metrics.overview_from_published(_published_figures(tmp_path, "received.csv", rows))
    assert set(summed.loc[summed["measure"] == "received", "status"]) == {"printed"}
    assert narrative.multi_year_paragraph(summed).startswith("在连续两年的共322件（推算）代表建议中")
    assert narrative.multi_year_paragraph(summed, lang="en").startswith("Of the 322 (derived) suggestions")
    assert narrative.multi_year_paragraph(figures).startswith("在连续两年的共5件代表建议中")  # the ledger's: unmarked


def test_a_class_whose_count_and_share_are_both_derived_says_so_once(tmp_path):
    result = _published_figures(tmp_path, "both.csv", [
        "十八届人大一次会议,2022,区政府,handled,,129,,", "十八届人大一次会议,2022,区政府,outcome,A,86,66.7,",
        "十八届人大一次会议,2022,区政府,outcome,B,,,", "十八届人大一次会议,2022,区政府,outcome,C,11,,"])
    row = narrative.published_summary_table(result).iloc[0]
    assert (row["区政府 A类"], row["区政府 B类"], row["区政府 C类"]) == (
        "86（66.7%）", "32（24.8%，均为推算）", "11（8.5%，推算）")
    # the workbook's two columns: each number with its own mark
    assert [(n.header, n.suffix) for n in row["区政府 B类"].numbers] == [("", "（推算）"), ("占比", "（推算）")]
    en = narrative.published_summary_table(result, lang="en").iloc[0]
    assert [en[c] for c in en.index if c.endswith("B")] == ["32 (24.8%, both derived)"]


def test_published_overview_of_several_reports_gives_each_its_rows(tmp_path):
    from analysis import reconcile

    files = []
    for name, rows in (("city.csv", ["市五届人大二次会议,2020,市政府,handled,,128,,",
                                     "市五届人大二次会议,2020,市政府,outcome,A,64,50,"]),
                       ("county.csv", ["县五届人大二次会议,2020,县政府,handled,,90,,",
                                       "县五届人大二次会议,2020,县政府,outcome,A,45,,"])):
        files.append(tmp_path / name)
        files[-1].write_text("session,year,handler,measure,category,count,percent,base,source,note\n"
                             + "".join(f"{row},原文第1段,\n" for row in rows), encoding="utf-8")
    table = narrative.published_summary_table(reconcile.reconcile_files(files, each_file=True))
    assert table.columns[0] == "报告" and list(table["报告"]) == ["city.csv", "county.csv"]
    assert (table.loc[0, "市政府 A类"], table.loc[0, "县政府 A类"]) == ("64（50%）", "—")  # not the other's body
    assert (table.loc[1, "县政府 A类"], table.loc[1, "市政府办理件数"]) == ("45（50.0%，推算）", "—")


def test_published_overview_of_our_own_figures_is_the_summary_table(published):
    result = reconciliation_like()
    for lang in ("zh", "en"):
        table = narrative.published_summary_table(result, lang=lang)
        assert table.equals(narrative.summary_table(metrics.overview_from_published(result), lang=lang)
                            .drop(columns=table.attrs["not_printed"]))


def _report_file(folder, name: str, rows: list[str]):
    path = folder / name
    path.write_text("session,year,handler,measure,category,count,percent,base,source,note\n"
                    + "".join(f"{row},原文第1段,\n" for row in rows), encoding="utf-8")
    return path


def test_a_column_no_report_prints_is_left_out_and_named_under_the_table(tmp_path):
    """A report that prints only its received count (U02: 114 suggestions and their topics) shows no column of 暂缺:
    the classes and rates it does not print are named in one line under the table instead."""
    from analysis import reconcile

    result = reconcile.reconcile_files([PUBLISHED / "U02.csv"])
    table = narrative.published_summary_table(result)
    assert list(table.columns) == ["届次", "依据", "收到建议"] and table.iloc[0]["收到建议"] == "114"
    assert narrative.published_summary_note(table) == (
        "原文未印出：闭会期间提出（会后）；全部承办主体的办结率、满意率（含基本满意）、按期答复率。")  # classes: 未印出办理结果分类
    english = narrative.published_summary_table(result, lang="en")
    assert list(english.columns) == ["session", "basis", "suggestions received"]
    assert narrative.published_summary_note(english, "en") == (
        "Not printed in the report: raised after the meeting; all handling bodies: "
        "completion rate, satisfaction rate (incl. basically satisfied), on-time reply rate.")
    for lang in ("zh", "en"):  # every column kept gives a figure in some row
        for frame in (narrative.published_summary_table(result, lang=lang),):
            assert all(any(str(v) not in ("暂缺", "n/a", "—", "") for v in frame[c]) for c in frame.columns)


def test_a_report_with_no_received_or_handled_count_gets_a_reason_not_an_empty_table(tmp_path):
    """R05 prints one rate and no count: no overview row. The page showed an empty table (表格较宽：左右滑动可看全部 0
    列); the note says why there is none, and among several reports such a report is named, not silently left out."""
    from analysis import reconcile

    alone = narrative.published_summary_table(reconcile.reconcile_files([PUBLISHED / "R05.csv"]))
    assert alone.empty and narrative.published_summary_note(alone) == "原文未印出收到或办理的建议件数，没有可列的概况。"
    assert narrative.published_summary_note(narrative.published_summary_table(
        reconcile.reconcile_files([PUBLISHED / "R05.csv"]), lang="en"), "en") == (
        "The report prints no count of suggestions received or handled: there is no overview to show.")
    several = reconcile.reconcile_files([PUBLISHED / "R05.csv", PUBLISHED / "U02.csv"], each_file=True)
    table = narrative.published_summary_table(several)
    assert list(table["报告"]) == ["U02.csv"]
    assert narrative.published_summary_note(table).endswith("。R05.csv未印出收到或办理的建议件数，不在表中。")
    english = narrative.published_summary_table(several, lang="en")
    assert narrative.published_summary_note(english, "en").endswith(
        ". Not in the table: R05.csv (no count of suggestions received or handled printed).")


def test_a_rate_printed_under_another_definition_is_not_said_to_be_unprinted():
    """R14 prints 满意或基本满意 993 (99.9% of the forms returned) as its satisfied figure: the overview's 满意率（含基本满意）
    column has nothing to show, yet the report prints a satisfaction rate; the line must not say 原文未印出 of it."""
    from analysis import reconcile

    result = reconcile.reconcile_files([PUBLISHED / "R14.csv"])
    table = narrative.published_summary_table(result)
    assert "市政府满意率（含基本满意）" in table.attrs["not_printed"]
    # nor of the after-meeting column: R14 prints 市政府's 闭会建议 15, the column is the total's (it said 未印出)
    assert narrative.published_summary_note(table) == (
        "原文未印出：市政府的B类、C类、按期答复率。"
        "闭会期间提出（会后）；市政府的满意率（含基本满意）：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。")
    assert narrative.published_summary_note(narrative.published_summary_table(result, lang="en"), "en").endswith(
        " Printed, but not in this table (another definition or body): raised after the meeting; municipal government: "
        "satisfaction rate (incl. basically satisfied); see “Figure by figure”.")


def test_a_plain_reply_rate_is_named_as_printed_not_as_on_time():
    """T11 prints 县政府's 办复率 100% (replied, not said to be on time): the line names the 办复率 it printed, never an
    按期答复率 (on-time reply rate) the report does not print."""
    from analysis import reconcile

    result = reconcile.reconcile_files([PUBLISHED / "T11.csv"])
    note = narrative.published_summary_note(narrative.published_summary_table(result))
    assert note.endswith("县政府的办复率：原文另有印出（口径或承办主体不同），不在本表，见“逐项核对”。")
    assert "按期答复率" not in note
    english = narrative.published_summary_note(narrative.published_summary_table(result, lang="en"), "en")
    assert english.endswith(" Printed, but not in this table (another definition or body): county government: reply rate; "
                            "see “Figure by figure”.")
    assert "on-time" not in english


def test_a_column_one_report_prints_stays_for_every_report(tmp_path):
    """Several reports: a column stays when any report prints it (the others show 暂缺 or —); a column none prints
    goes, and the line under the table says none of them prints it."""
    from analysis import reconcile

    city = _report_file(tmp_path, "city.csv", ["市五届人大二次会议,2020,市政府,handled,,128,,",
                                                "市五届人大二次会议,2020,市政府,completed,办结率,,98.4,"])
    town = _report_file(tmp_path, "town.csv", ["镇五届人大二次会议,2020,,received,,40,,"])
    table = narrative.published_summary_table(reconcile.reconcile_files([city, town], each_file=True))
    assert list(table.columns) == ["报告", "届次", "依据", "收到建议", "市政府办理件数", "市政府办结率"]
    assert list(table["收到建议"]) == ["暂缺", "40"] and list(table["市政府办结率"]) == ["98.4%", "—"]
    note = narrative.published_summary_note(table)
    assert note.startswith("各报告均未印出：闭会期间提出（会后）；")
    # 市政府's 办结率, printed by one report, is not named as unprinted; classes neither prints have no column and
    # are said once at the top of the page (未印出办理结果分类), not again here
    assert "市政府的满意率（含基本满意）、按期答复率" in note.rstrip("。").split("；")
    assert narrative.published_summary_note(narrative.published_summary_table(
        reconcile.reconcile_files([city, town], each_file=True), lang="en"), "en").startswith(
        "Printed in none of the reports: raised after the meeting;")


def test_a_ledger_of_another_office_is_reported_in_its_own_bodies():
    """A county's ledger holds none of our bodies: no 区政府 or 国际港务区 with 0 suggestions on its pages."""
    cases = five_cases()
    cases["handler"] = pd.array(["县政府", "县政府", "县法院", "县政府", "县法院"], dtype="string")
    figures = metrics.ledger_figures(cases)
    assert metrics.handlers_of(cases) == ["县政府", "县法院"]
    assert set(figures["handler"]) == {"", "县政府", "县法院"}
    assert metrics.port_zone(figures) == "" and metrics.port_zone(metrics.ledger_figures(five_cases())) == "国际港务区"
    text = narrative.session_paragraph(figures, S1)
    assert "区政府" not in text and "国际港务区" not in text and "县政府办理的代表建议中" in text
    table = narrative.summary_table(figures)
    assert not [c for c in table.columns if "区政府" in c or "国际港务区" in c] and "县政府 A类" in table.columns
    labels_shown = [item["label"] for item in narrative.headline_items(figures, S1)]
    assert not [label for label in labels_shown if "区政府" in label or "国际港务区" in label]
    # one of our bodies in the ledger: the settings stand as they are, and a body with no suggestion is a real 0
    cases["handler"] = pd.array(["区政府", "区政府", "县法院", "区政府", "县法院"], dtype="string")
    assert metrics.handlers_of(cases) == ["区政府", "国际港务区", "县法院"]


def test_a_class_of_a_body_that_handled_nothing_in_a_session_is_a_count_without_a_share():
    cases = five_cases()
    cases = cases[cases["suggestion_id"] != "4"].copy()  # 区政府 handles nothing in S2
    row = narrative.summary_table(metrics.ledger_figures(cases)).iloc[1]
    assert row["区政府 A类"] == "0"  # not 0（（数据暂缺））


@pytest.mark.parametrize("congress, opening", [
    ("某区人大常委会", "区十八届人大一次会议（2022年）期间"), ("某县人民代表大会常务委员会", "县十八届人大一次会议（2022年）期间"),
    ("某自治州人大常委会", "十八届人大一次会议（2022年）期间"),  # a level the name does not give: none is made up
])
def test_the_session_paragraph_names_the_configured_congress_level(figures, congress, opening):
    config = {**load_config(), "congress": congress}
    assert narrative.session_paragraph(figures, S1, config=config).startswith(opening)


def test_a_city_ledger_carries_its_level_and_no_congress_name_is_made_up(tmp_path):
    """``fitted_config`` made up 市人大常委会 from a city's 市政府 only to read 市 back out of it: the fitted settings
    carry the level (``metrics.congress_level``), a city's pages say 本市 and 市…会议, and no page shows a congress name
    the ledger never gave; a ledger naming its 报告机关 keeps it; our district's settings are as configured."""
    from analysis import notebook_inputs, views

    path = tmp_path / "台账.csv"
    path.write_text("建议编号,届次,标题,承办主体,办理结果,办理状态\n" + "".join(
        f"X-{i},十七届人大三次会议,关于第{i}件事的建议,{body},A,已办结\n"
        for i, body in enumerate(["市政府", "市政府", "市中级人民法院"], 1)), encoding="utf-8")
    inputs = notebook_inputs.load_inputs([str(path)], [])
    fitted = metrics.fitted_config(inputs.config, inputs.cases)
    assert (fitted["congress"], fitted["level"], metrics.congress_level(fitted)) == ("", "市", "市")
    level = notebook_inputs.our_level("", inputs)
    figures = notebook_inputs.report_figures(inputs)
    pages = [views.title("peers", level=level), views.title("peers", "en", level=level),
             narrative.session_paragraph(figures, "十七届人大三次会议"),
             narrative.session_paragraph(figures, "十七届人大三次会议", lang="en")]
    assert "本市" in pages[0] and pages[2].startswith("市十七届人大三次会议期间") and "City People's Congress" in pages[3]
    assert not any("人大常委会" in page or "本区" in page or "区十" in page for page in pages), pages
    # a ledger that names its own 报告机关: that one, with the level its name gives
    named = inputs.cases.assign(congress="某县人大常委会")
    assert metrics.congress_level(metrics.fitted_config(inputs.config, named)) == "县"
    assert metrics.fitted_config(inputs.config, named)["congress"] == "某县人大常委会"
    # a county's government beside the city's (two congresses' figures on one page, the county's the larger): no
    # level, never the city's session called 县十七届人大三次会议
    mixed = pd.concat([inputs.cases] + [inputs.cases.assign(handler="县政府")] * 2, ignore_index=True)
    assert metrics.fitted_config(inputs.config, mixed)["handlers"][0] == "县政府"
    assert metrics.congress_level(metrics.fitted_config(inputs.config, mixed)) == ""
    # ours: the settings as configured, the level its name gives
    ours = notebook_inputs.load_inputs()
    assert metrics.fitted_config(ours.config, ours.cases) is ours.config and "level" not in ours.config
    assert metrics.congress_level(ours.config) == "区" == notebook_inputs.our_level("", ours)


@pytest.mark.parametrize("session, bodies, main, opening", [
    ("市十七届人大三次会议", ["市中级人民法院", "市政府", "市政府", "市政府"], "市政府", "市十七届"),  # the court sorts first
    # 县 sorts before 镇; a town is no level of ours to name (镇政府 gives none)
    ("镇十九届人大三次会议", ["县直部门", "镇政府", "镇政府", "县直部门", "镇政府"], "镇政府", "十九届"),
])
def test_a_city_or_town_ledger_is_described_by_its_largest_body_and_never_as_our_district(tmp_path, session, bodies,
                                                                                           main, opening):
    """A city's or a town's ledger, read by the loader (which fills the 报告机关 with ours): its 基本情况 paragraph
    neither calls its session 区…会议 nor describes the body first in the alphabet (a court of 4 of 40) in place of
    the body that handled most (市政府 36, 镇政府 15: as a leader reads it, the report's subject)."""
    from analysis import load

    path = tmp_path / "台账.csv"
    lines = ["建议编号,届次,标题,承办主体,办理结果,办理状态"]
    lines += [f"X-{i},{session},关于第{i}件事的建议,{body},{'A' if body == main else 'C'},已办结"
              for i, body in enumerate(bodies, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = metrics.ledger_figures(load.load_cases(path))
    text = narrative.session_paragraph(figures, figures["session"].iloc[0])
    assert text.startswith(opening + "人大三次会议期间") and "区十" not in text, text
    assert text.index(f"从办理结果看，{main}办理的代表建议中") > 0, text
    assert f"其中，{main}办理代表建议{bodies.count(main)}件" in text
    assert "的（A类）有{}件，占100.0%".format(bodies.count(main)) in text


def test_an_on_time_rate_known_only_as_a_range_is_said_as_a_range_with_what_leaves_it_open():
    # A ledger without a 复杂建议 column (test_metrics.unflagged_cases): 25.0% (3/12) to 70.0% (7/10).
    figures = metrics.ledger_figures(unflagged_cases())
    paragraph = narrative.session_paragraph(figures, S3)
    assert ("按期答复率在25.0%至70.0%之间（4件答复于3至6个月之间、2件截至2024年7月3日未答复、已过3个月未满6个月，"
            "台账未注明是否复杂建议，是否按期无法判定；其余已答复或已过答复期限的6件中按期答复3件）") in paragraph
    english = narrative.session_paragraph(figures, S3, lang="en")
    assert "the on-time reply rate is between 25.0% and 70.0% (4 replied between 3 and 6 months and 2 not " \
           "replied to, past 3 months but not 6 as of 2024-07-03; the ledger does not say whether they are " \
           "complex" in english
    for text in (paragraph, english):  # no one exact-looking on-time percent anywhere
        assert "按期答复率25" not in text and "on-time reply rate 25" not in text
    card = {i["name"]: i for i in narrative.headline_items(figures, S3)}["replied_on_time"]
    assert (card["value"], card["change"]) == ("25.0%至70.0%", "")
    assert card["note"] == "只知范围：6件是否按期取决于是否复杂建议，台账未注明"
    assert {i["name"]: i for i in narrative.headline_items(figures, S3, lang="en")}["replied_on_time"]["value"] == \
        "25.0% – 70.0%"
    summary = narrative.summary_table(figures)
    cell = summary[[c for c in summary.columns if c.endswith("按期答复率")][0]].iloc[0]
    assert cell == "25.0%至70.0%" and [n.header for n in cell.numbers] == ["下限", "上限"]
    rates = views.rates_table(figures, ("replied_on_time",), handler=GOV)
    assert rates.iloc[0]["比率"] == "25.0%至70.0%"
    # its count and base are not known (only their ranges): the table's mark for a figure not known, not blank cells
    assert (rates.iloc[0]["件数"], rates.iloc[0]["基数"], rates.iloc[0]["95%区间"]) == ("暂缺", "暂缺", "—")
    assert rates.iloc[0]["数字状态"] == "只知范围：6件是否按期取决于是否复杂建议，台账未注明"


def _trends_of(*names: str) -> pd.DataFrame:
    """The trends page's figures frame of published-figures files alone (as ``notebooks/trends.ipynb`` makes it)."""
    from analysis import notebook_inputs

    inputs = notebook_inputs.load_inputs([], [str(PUBLISHED / n) for n in names], figures_alone=True)
    return notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))


def test_the_trends_table_of_printed_reports_leaves_out_the_columns_no_period_prints():
    """U04 prints only the count received, six sessions: the table was ten columns, seven of them 暂缺 in every row
    (our A/B/C and rates no report printed); now the three it prints, and one line under it naming what it does not."""
    figures = _trends_of("U04.csv")
    table = narrative.trends_summary_table(figures)
    assert list(table.columns) == ["届次", "依据", "收到建议"]
    assert list(table["收到建议"]) == ["251", "219", "205", "238", "227", "214"]
    assert narrative.published_summary_note(table) == (
        "原文未印出：闭会期间提出（会后）；全部承办主体的办理结果分类、办结率、满意率（含基本满意）、按期答复率。")
    english = narrative.trends_summary_table(figures, lang="en")
    assert list(english.columns) == ["session", "basis", "suggestions received"]
    assert narrative.published_summary_note(english, "en") == (
        "Not printed in the report: raised after the meeting; all handling bodies: outcome classes, completion rate, "
        "satisfaction rate (incl. basically satisfied), on-time reply rate.")


def test_the_trends_table_never_calls_a_figure_printed_for_one_body_not_printed():
    """T17 prints 市政府's 闭会建议 36 and its reply count, not the total's after-meeting count nor an on-time rate:
    those columns go, and the line under the table says they are printed in another form, not "未印出"."""
    table = narrative.trends_summary_table(_trends_of("T17.csv"))
    assert table.iloc[-1]["市政府办理件数"] == "1267"
    note = narrative.published_summary_note(table)
    assert note.startswith("原文未印出：市政府的办理结果分类、办结率、满意率（含基本满意）。")
    assert note.endswith("闭会期间提出（会后）；市政府的办复率：原文另有印出（口径或承办主体不同），不在本表，"
                         "见“已公布数字核对”页。")
    assert "未印出：闭会" not in note and "A类" not in note


def test_a_printed_satisfied_rate_has_a_column_of_its_own_name_in_the_trends_table():
    """T17 prints 首次办理满意率 (满意 alone) 99.2% / 99.3% / 99.7% and nothing else for 2018 and 2019: the page showed
    none of them. Now each year has a row and the rate its own column, never under 满意率（含基本满意）."""
    figures = _trends_of("T17.csv")
    table = narrative.trends_summary_table(figures)
    # as printed; its periods are years, headed 年度 (not 届次, a word for sessions)
    assert list(table.columns) == ["年度", "依据", "收到建议", "市政府办理件数", "市政府首次办理满意率"]
    assert list(table["年度"]) == ["2018年度", "2019年度", "2020年度"]
    assert list(table["市政府首次办理满意率"]) == ["99.2%", "99.3%", "99.7%"]
    assert list(table["收到建议"]) == ["暂缺", "暂缺", "1338（推算）"]
    english = narrative.trends_summary_table(figures, lang="en")
    assert list(english["municipal government: 首次办理满意率"]) == ["99.2%", "99.3%", "99.7%"]
    assert "satisfaction rate (incl. basically satisfied)" in narrative.published_summary_note(english, "en").split(
        "Printed, but")[0]  # the merged rate is not printed: said so, not "printed otherwise"


def test_a_ledgers_trends_table_keeps_every_column(figures):
    """A ledger's overview is the bundled pages' table: every column, no line under it (the stored trends page)."""
    table = narrative.trends_summary_table(figures)
    assert list(table.columns) == list(narrative.summary_table(figures).columns)
    assert table.equals(narrative.summary_table(figures)) and narrative.published_summary_note(table) == ""


def test_a_body_whose_reports_print_no_class_is_said_to_print_none():
    """T17 prints no outcome class in any year: the verdict said each year's "分类件数不全", as if some were printed."""
    mix = metrics.outcome_mix_test(_trends_of("T17.csv"), handler="市政府")
    assert not mix.testable
    assert mix.verdict() == "无法检验市政府办理的建议分类构成是否变化：原文未印出办理结果分类。"
    assert mix.verdict("en") == ("Whether the mix of the suggestions handled by the municipal government changed cannot be tested: "
                                 "no outcome classes are printed.")
    assert "不全" not in mix.verdict() and "unknown" not in mix.verdict("en")


def test_the_trends_page_of_a_four_class_report_shows_its_fourth_class(tmp_path, monkeypatch):
    """Printed reports alone with classes A–D in two sessions: the trends page read them in the configured A/B/C and
    left D's counts (5 and 8) out of the table, the charts and the mix test; now in the scheme the labels are in."""
    from analysis import notebook_inputs

    path = tmp_path / "four.csv"
    rows = [f"市五届人大{s}次会议,{y},市政府,{m},{c},{n},,,原文" for s, y, handled, counts in
            (("一", 2021, 100, (50, 30, 15, 5)), ("二", 2022, 80, (40, 20, 12, 8)))
            for m, c, n in [("handled", "", handled)] + [("outcome", f"{k}类", v) for k, v in zip("ABCD", counts)]]
    path.write_text("session,year,handler,measure,category,count,percent,base,source\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    inputs = notebook_inputs.load_inputs([], [str(path)], figures_alone=True)
    figures = notebook_inputs.report_figures(inputs, sessions=notebook_inputs.pick_sessions([], inputs))
    assert figures.attrs["scheme"] == "four_class"
    table = narrative.trends_summary_table(figures).set_index("届次")
    assert list(table["市政府 D类"]) == ["5（5.0%，推算）", "8（10.0%，推算）"]
    mix = metrics.trend_tests(figures, list(table.index)).mixes[0]
    assert list(mix.table.sum()) == [90, 50, 27, 13]  # A, B, C and D tested
