"""One test (or a few) per derivation rule, per check and per printing convention of analysis.reconcile."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from analysis import reconcile
from analysis.normalize import parse_printed
from analysis.reconcile import arithmetic
from analysis.reconcile.conventions import PERCENT_CONVENTIONS, Convention, PercentCase, explain, verdict

HEADER = "session,year,handler,measure,category,count,percent,base,assumption,source,note\n"
S = "十九届人大一次会议"


@pytest.fixture
def run(tmp_path: Path):
    def reconcile_rows(rows: str, **kwargs) -> reconcile.Reconciliation:
        path = tmp_path / "figures.csv"
        path.write_text(HEADER + rows, encoding="utf-8")
        return reconcile.reconcile_files(path, **kwargs)
    return reconcile_rows


def row(result, handler: str, measure: str, category: str = "", session: str = S) -> dict:
    f = result.figures
    found = f[(f["session"] == session) & (f["handler"] == handler) & (f["measure"] == measure)
              & (f["category"] == category)]
    assert len(found) == 1, (handler, measure, category, len(found))
    return found.iloc[0].to_dict()


def findings(result, convention: str, severity: str | None = None) -> pd.DataFrame:
    f = result.findings
    return f[(f["convention"] == convention) & ((f["severity"] == severity) if severity else True)]


def test_the_rules_and_checks_fit_on_one_screen():
    table = reconcile.rules_table()
    assert len(table) == len(reconcile.RULES) + len(reconcile.CHECKS) <= 30
    assert table["名称"].is_unique
    for item in (*reconcile.RULES, *reconcile.CHECKS):
        assert item.zh and item.en and item.name == item.name.lower()
    assert list(reconcile.rules_table("en").columns) == ["kind", "name", "what"]


# ---------------------------------------------------------------------------------------
# Derivation rules, in the order the engine tries them
# ---------------------------------------------------------------------------------------


def test_sessions_sum_to_total(run):
    r = run(f"{S}+十九届人大二次会议,,,received,,300,,,,t,\n{S},2027,,received,,140,,,,t,\n")
    got = row(r, "", "received", session="十九届人大二次会议")
    assert got["count"] == 160 and got["rule_name"] == "sessions_sum_to_total"
    assert "十九届人大一次、二次会议合计收到建议300件 − 十九届人大一次会议收到建议140件" in got["rule"]


def test_sessions_sum_to_total_over_years(run):
    r = run("2019年度+2020年度,,,received,,300,,,,t,\n2019年度,2019,,received,,140,,,,t,\n")
    assert row(r, "", "received", session="2020年度")["count"] == 160


def test_classes_sum_to_handled(run):
    r = run(f"{S},2027,区政府,handled,,129,,,,t,\n{S},2027,区政府,outcome,A,86,,,,t,\n"
            f"{S},2027,区政府,outcome,B,,,,,t,\n{S},2027,区政府,outcome,C,11,,,,t,\n")
    got = row(r, "区政府", "outcome", "B")
    assert got["count"] == 32 and got["rule_name"] == "classes_sum_to_handled" and got["assumption"] == ""


def test_classes_sum_to_handled_when_own_wordings_add_up_to_100(run):
    r = run(f"{S},2027,区政府,handled,,,,,,t,\n{S},2027,区政府,outcome,已经解决,116,75.3,,,t,\n"
            f"{S},2027,区政府,outcome,正在办理,36,23.4,,,t,\n{S},2027,区政府,outcome,难以解决,2,1.3,,,t,\n")
    got = row(r, "区政府", "handled")
    assert got["count"] == 154 and got["rule_name"] == "classes_sum_to_handled"


def test_levels_sum_to_base(run):
    r = run(f"{S},2027,区政府,handled,,100,,,,t,\n{S},2027,区政府,satisfied,对办理工作,50,,,,t,\n"
            f"{S},2027,区政府,basically_satisfied,对办理工作,30,,,,t,\n{S},2027,区政府,unsatisfied,对办理工作,,,,,t,\n")
    got = row(r, "区政府", "unsatisfied", "对办理工作")
    assert got["count"] == 20 and got["rule_name"] == "levels_sum_to_base" and got["assumption"] == ""


def test_levels_sum_to_base_states_that_every_one_was_rated_when_a_level_is_not_printed(run):
    r = run(f"{S},2027,区政府,handled,,100,,,,t,\n{S},2027,区政府,satisfied,满意,50,,,,t,\n"
            f"{S},2027,区政府,basically_satisfied,基本满意,30,,,,t,\n")
    got = row(r, "区政府", "unsatisfied")
    assert got["count"] == 20 and "每件都已测评" in got["assumption"]


def test_shares_sum_to_base(run):
    # A, B, C are shares of 办结 (completed), printed to add up to 100: they make up the blank completed
    r = run(f"{S},2027,市政府,handled,,1284,,,,t,\n{S},2027,市政府,completed,按时办结率,,100,,,t,\n"
            f"{S},2027,市政府,outcome,A,1178,91.8,completed,,t,\n{S},2027,市政府,outcome,B,16,1.2,completed,,t,\n"
            f"{S},2027,市政府,outcome,C类、D类,90,7.0,completed,,t,\n")
    got = row(r, "市政府", "completed")
    assert got["count"] == 1284 and got["rule_name"] == "shares_sum_to_base"
    assert row(r, "市政府", "outcome", "A")["check"] == "plug_largest"  # 91.74 raised to make 100
    assert row(r, "市政府", "outcome", "C")["category_printed"] == "C类、D类"


def test_count_from_percent(run):
    r = run(f"{S},2027,区政府,handled,,151,,,,t,\n{S},2027,区政府,outcome,A,,52.3,,,t,\n")
    got = row(r, "区政府", "outcome", "A")
    assert got["count"] == 79 and got["rule_name"] == "count_from_percent" and "唯一" in got["rule"]
    assert got["verdict"] == "no_count" and got["check"] == ""  # checking it against its own percent proves nothing


def test_a_percent_that_fixed_its_own_base_is_shown_unchecked(run):
    # U07 (上海 2017): 592 printed as 93.1% of a total not printed. 636 is derived from that very percent, so
    # 592/636 rounding to 93.1 checks nothing: the figures table must not say 四舍五入，相符 beside it
    from analysis import views
    r = run("2017年,2017,,received,,,,,,t,\n2017年,2017,市政府,handled,,592,93.1,received,,t,\n")
    assert row(r, "", "received", session="2017年度")["count"] == 636
    got = row(r, "市政府", "handled", session="2017年度")
    assert got["verdict"] == "no_count" and got["check"] == ""
    table = views.reconciliation_table(r)
    assert table.loc[table["承办主体"] == "市政府", "核对结果"].tolist() == [""]


def test_count_from_percent_that_only_truncation_gives_states_it(run):
    # 71.28% of 8160: no whole count rounds half up to it (5816 → 71.27, 5817 → 71.29); cut, 5817 gives it
    r = run(f"{S},2027,,received,,8160,,,,t,\n{S},2027,,outcome,得到解决或计划逐步解决,,71.28,received,,t,\n")
    got = row(r, "", "outcome", "得到解决或计划逐步解决")
    assert got["count"] == 5817 and got["rule_name"] == "count_from_percent" and "截尾" in got["assumption"]
    assert got["verdict"] == "no_count"
    warning = findings(r, "truncation", "warning")["message"].tolist()
    assert len(warning) == 1 and "没有整数" in warning[0] and "原文是截尾" not in warning[0]  # not a verdict on itself


def test_no_count_is_derived_from_a_list_that_needs_rounding_for_one_percent_and_truncation_for_another(run):
    # U08 (浙江 2013): topics printed as percents only beside 669 received. Over 669, 16.8 and 16.5 only truncate
    # (112 → 16.74, 113 → 16.89; 110 → 16.44, 111 → 16.59) while 16.3 only rounds (109 → 16.29): no one convention
    # gives the list, so the base is in doubt and a count derived from it (113, 109 …) would be a wrong number
    topics = [("甲", "16.8"), ("乙", "16.5"), ("丙", "16.3"), ("丁", "12.7"), ("戊", "10.9")]
    r = run(f"{S},2027,,received,,669,,,,t,\n" + "".join(f"{S},2027,,topic,{c},,{p},,,t,\n" for c, p in topics))
    for category, _ in topics:
        got = row(r, "", "topic", category)
        assert pd.isna(got["count"]) and got["count_status"] == "unknown", (category, got["count"])
        assert got["verdict"] == "no_count"
    warning = findings(r, "mixed_conventions", "warning")["message"].tolist()
    assert len(warning) == 1 and "16.3%只能是四舍五入所得，16.8%、16.5%只能是截尾所得" in warning[0]
    assert findings(r, "truncation").empty
    # one convention for the whole list (every percent rounds over 669) still derives each count
    r = run(f"{S},2027,,received,,669,,,,t,\n{S},2027,,topic,甲,,16.3,,,t,\n{S},2027,,topic,乙,,12.7,,,t,\n")
    assert row(r, "", "topic", "甲")["count"] == 109 and row(r, "", "topic", "乙")["count"] == 85


def test_a_qualified_whole_is_a_part_of_its_whole_not_its_own_base(run):
    # 会议期间 1109 of 1171 received: its share is 94.7%, never 1109 ÷ 1109
    r = run(f"{S},2027,,received,,1171,,,,t,\n{S},2027,,received,会议期间,1109,,,,t,\n"
            f"{S},2027,,received_after_meeting,,62,,,,t,\n")
    assert abs(row(r, "", "received", "会议期间")["percent"] - 94.70538) < 1e-4


def test_a_bounded_percent_is_shown_with_its_sign_before_the_bound(run):
    r = run(f"{S},2027,区政府,satisfied,,,95以上,,,t,\n")
    assert "95%以上" in reconcile.render_text(r) and "95以上%" not in reconcile.render_text(r)


def test_english_words_name_a_configured_body_in_english(run):
    r = run(f"{S},2027,区政府,handled,,151,,,,t,\n{S},2027,区政府,outcome,A,,52.3,,,t,\n")
    rule = row(r, "区政府", "outcome", "A")["rule_en"]
    assert "district government handled 151" in rule and "区政府" not in rule


def test_rates_complement_to_100(run):
    # 92.47 + 7.53 = 100 over 93: two decimals leave no room for a third level
    r = run(f"{S},2027,市政府,handled,,93,,,,t,\n{S},2027,市政府,satisfied,初次办理满意率,86,92.47,,,t,\n"
            f"{S},2027,市政府,basically_satisfied,基本满意率,,7.53,,,t,\n")
    assert row(r, "市政府", "basically_satisfied", "基本满意率")["count"] == 7
    unsatisfied = row(r, "市政府", "unsatisfied")
    assert unsatisfied["count"] == 0 and unsatisfied["rule_name"] == "rates_complement_to_100"
    assert unsatisfied["assumption"] == ""  # the shares say so: no need to assume every one was rated


def test_rates_complement_to_100_needs_enough_precision(run):
    # 90 + 10 = 100 over 778 at whole percents: a few suggestions could hide in the rounding
    r = run(f"{S},2027,省政府,handled,,778,,,,t,\n{S},2027,省政府,satisfied,满意率,,90,,,t,\n"
            f"{S},2027,省政府,basically_satisfied,基本满意率,,10,,,t,\n")
    assert pd.isna(row(r, "省政府", "unsatisfied")["count"])


def test_base_from_count_and_percent(run):
    r = run(f"{S},2027,区政府,handled,,,,,,t,\n{S},2027,区政府,met,,116,75.3,,,t,\n"
            f"{S},2027,区政府,replied,,36,23.4,,,t,\n")
    got = row(r, "区政府", "handled")
    assert got["count"] == 154 and got["rule_name"] == "base_from_count_and_percent"


def test_listed_classes_sum_to_handled_states_its_assumption(run):
    r = run(f"{S},2027,区政府,handled,,778,,,,t,\n{S},2027,区政府,outcome,已解决,232,30,,,t,\n"
            f"{S},2027,区政府,outcome,正在解决,351,45,,,t,\n{S},2027,区政府,outcome,留作参考,,,,,t,\n")
    got = row(r, "区政府", "outcome", "留作参考")
    assert got["count"] == 195 and got["rule_name"] == "listed_classes_sum_to_handled"
    assert "所列" in got["assumption"]


def test_listed_topics_sum_to_whole_only_when_their_percents_add_up_to_100(run):
    complete = run(f"{S},2027,区政府,handled,,,,,,t,\n{S},2027,区政府,topic,城建,60,60.0,,,t,\n"
                   f"{S},2027,区政府,topic,教育,40,40.0,,,t,\n")
    got = row(complete, "区政府", "handled")
    assert got["count"] == 100 and got["rule_name"] in ("listed_topics_sum_to_whole", "base_from_count_and_percent")
    partial = run(f"{S},2027,区政府,handled,,,,,,t,\n{S},2027,区政府,topic,城建,60,,,,t,\n"
                  f"{S},2027,区政府,topic,教育,40,,,,t,\n")
    assert pd.isna(row(partial, "区政府", "handled")["count"])  # a list of topics need not be complete


def test_count_and_base_from_a_rounded_percent_state_the_assumption(run):
    r = run("2020年,2020,,received,,,,,,t,\n2020年,2020,市政府,handled,,1267,94.7,received,,t,\n")
    got = row(r, "", "received", session="2020年度")
    assert got["count"] == 1338 and got["rule_name"] == "base_from_rounded_percent"
    assert "四舍五入" in got["assumption"]  # truncation would give 1337


def test_bodies_sum_to_received(run):
    r = run(f"{S},2027,,received,,,,,,t,\n{S},2027,区政府,handled,,151,,,,t,\n{S},2027,国际港务区,handled,,21,,,,t,\n")
    got = row(r, "", "received")
    assert got["count"] == 172 and got["rule_name"] == "bodies_sum_to_received" and "重复计数" in got["rule"]


def test_a_stronger_rule_wins_over_a_later_one(run):
    # the port zone's classes give 30; received − the district government would give 40
    r = run(f"{S},2027,,received,,100,,,,t,\n{S},2027,区政府,handled,,60,,,,t,\n{S},2027,国际港务区,handled,,,,,,t,\n"
            f"{S},2027,国际港务区,outcome,A,10,,,,t,\n{S},2027,国际港务区,outcome,B,10,,,,t,\n"
            f"{S},2027,国际港务区,outcome,C,10,,,,t,\n")
    assert row(r, "国际港务区", "handled")["rule_name"] == "classes_sum_to_handled"


# ---------------------------------------------------------------------------------------
# Printing conventions: the (convention, predicate) pairs in order
# ---------------------------------------------------------------------------------------


def case(printed: str, count: int, base: int, sums_to_100: bool = False, is_largest: bool = False) -> PercentCase:
    number = parse_printed(printed)
    return PercentCase(arithmetic.units(number), number.decimals, arithmetic.exact_pct(count, base), sums_to_100,
                       is_largest)


@pytest.mark.parametrize("printed, count, base, sums, largest, convention", [
    ("52.3", 79, 151, False, False, Convention.ROUND_HALF_UP),
    ("6.3", 1, 16, False, False, Convention.ROUND_HALF_UP),  # 6.25 rounds half up
    ("1.00", 201, 20000, False, False, Convention.ROUND_HALF_DOWN),  # 1.005 exactly, printed down
    ("63.4", 33, 52, True, True, Convention.PLUG_TRUNCATION),  # 63.46: cut, and the list sums to 100
    ("58.07", 54, 93, True, True, Convention.PLUG_LARGEST),  # 58.0645 raised by one unit
    ("33.4", 4, 12, True, False, Convention.PLUG_OTHER),
    ("27.9", 40, 143, False, False, Convention.TRUNCATION),  # 27.97 cut
    ("55.3", 79, 151, False, False, Convention.ERROR),
    ("58.08", 54, 93, True, True, Convention.ERROR),  # two units off is not a plug
])
def test_each_convention_explains_what_it_should(printed, count, base, sums, largest, convention):
    assert explain(case(printed, count, base, sums, largest)) is convention


def test_conventions_are_tried_in_order_and_each_has_words_and_a_verdict():
    assert [c for c, _ in PERCENT_CONVENTIONS][0] is Convention.ROUND_HALF_UP
    for convention in Convention:
        assert reconcile.check_label(convention, "zh") and reconcile.check_label(convention, "en")
        assert verdict(convention) in reconcile.VERDICTS
    assert reconcile.check_label("plug_truncation", "en") == "truncated, and the list sums to 100"
    assert reconcile.check_label("") == ""


def test_counts_and_bases_that_print():
    assert arithmetic.counts_that_print(parse_printed("10"), 135) == (13, 14)
    assert arithmetic.counts_that_print(parse_printed("52.3"), 151) == (79,)
    assert list(arithmetic.bases_that_print(1267, parse_printed("94.7"))) == [1337, 1338]
    assert list(arithmetic.bases_that_print(1267, parse_printed("94.7"), truncation=False)) == [1338]
    assert arithmetic.bases_that_print(0, parse_printed("10")) is None
    assert arithmetic.qualifier_holds(Fraction(9250, 100), parse_printed("90以上"), Fraction(1, 2)) == "ok"


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------


def test_computed_shares(run):
    r = run(f"{S},2027,区政府,handled,,129,,,,t,\n{S},2027,区政府,outcome,A,86,,,,t,\n")
    got = row(r, "区政府", "outcome", "A")
    assert got["percent_text"] == "66.7" and got["percent_status"] == "derived" and "86件 ÷ 区政府办理129件" in got["rule"]


def test_parts_against_whole_is_an_error_only_for_a_complete_list(run):
    complete = run(f"{S},2027,区政府,handled,,100,,,,t,\n{S},2027,区政府,outcome,A,40,,,,t,\n"
                   f"{S},2027,区政府,outcome,B,30,,,,t,\n{S},2027,区政府,outcome,C,20,,,,t,\n", scheme="abc")
    assert len(findings(complete, "inconsistent", "error")) == 1
    own = run(f"{S},2027,区政府,handled,,74,,,,t,\n{S},2027,区政府,outcome,办结及正在办理,55,,,,t,\n"
              f"{S},2027,区政府,outcome,列入明年计划,11,,,,t,\n")
    assert not own.has_errors
    note = findings(own, "not_every_part", "note")
    assert len(note) == 1 and "少8件" in note.iloc[0]["message"]


def test_parts_that_exceed_their_whole_are_an_error_where_they_are_all_the_parts(run):
    declared = run(f"{S},2027,区政府,handled,,50,,,,t,\n{S},2027,区政府,outcome,A,40,,,,t,\n"
                   f"{S},2027,区政府,outcome,B,30,,,,t,\n{S},2027,区政府,outcome,C,,,,,t,\n")
    assert len(findings(declared, "inconsistent", "error")) == 1
    # a report's own list may count a suggestion once per handling unit: a note
    own = run(f"{S},2027,区政府,handled,,50,,,,t,\n{S},2027,区政府,outcome,已解决,40,,,,t,\n"
              f"{S},2027,区政府,outcome,正在解决,30,,,,t,\n{S},2027,区政府,outcome,留作参考,,,,,t,\n")
    assert not own.has_errors and len(findings(own, "joint_handling", "note")) == 1


def test_a_wrong_part_takes_the_blame_for_a_total_that_does_not_add_up(run):
    # C printed 12 but its 16.4% of 128 is 21, and 21 makes the classes add up: one error, on C
    r = run("2020年度,2020,市政府,handled,,128,,,,t,\n2020年度,2020,市政府,outcome,A,64,50,,,t,\n"
            "2020年度,2020,市政府,outcome,B,38,29.7,,,t,\n2020年度,2020,市政府,outcome,C,12,16.4,,,t,\n"
            "2020年度,2020,市政府,outcome,D,5,3.9,,,t,\n")
    errors = r.findings[r.findings["severity"] == "error"]
    assert list(errors["category"]) == ["C"]
    note = findings(r, "inconsistent", "note")
    assert len(note) == 1 and "改为21件" in note.iloc[0]["message"]


def test_printed_percents_checks_bounds_on_percents(run):
    r = run(f"{S},2027,区政府,handled,,730,,,,t,\n{S},2027,区政府,outcome,解决,612,约83.9,,,t,\n"
            f"{S},2027,区政府,outcome,计划,116,约15.9,,,t,\n{S},2027,区政府,outcome,参考,2,约0.2,,,t,\n")
    assert [row(r, "区政府", "outcome", c)["verdict"] for c in ("解决", "计划", "参考")] == ["bound", "ok", "bound"]
    assert not r.has_errors


def test_printed_percents_names_the_half_cut_truthfully(run):
    # 201 ÷ 20000 = 1.005 exactly, printed 1.00: truncation gives it; the last digit 0 is even, so
    # rounding half to even would too, and so does a float round(); 'banker's rounding' alone is not the story
    r = run(f"{S},2027,区政府,handled,,20000,,,,t,\n{S},2027,区政府,replied,,201,1.00,,,t,\n"
            f"{S},2027,区政府,met,,3,0.02,,,t,\n")
    message = findings(r, "round_half_down", "warning").iloc[0]["message"]
    assert "截尾" in message and "五成双" in message and "银行家" not in message
    # 3 ÷ 20000 = 0.015: half up gives 0.02 (printed): no finding
    assert row(r, "区政府", "met")["check"] == "round_half_up"


def test_percents_without_count(run):
    r = run(f"{S},2027,,received,,135,,,,t,\n{S},2027,,sampled_for_supervision,,,10,received,,t,\n"
            f"{S},2027,,replied,,,100,,,t,\n")
    assert "13、14" in findings(r, "ambiguous").iloc[0]["message"]
    assert row(r, "", "sampled_for_supervision")["verdict"] == "no_count"


def test_a_satisfaction_rate_of_an_unstated_base_that_does_not_fit_is_a_warning(run):
    r = run(f"{S},2027,区政府,handled,,150,,,,t,\n{S},2027,区政府,satisfied,满意,120,85.7,,,t,\n")
    assert not r.has_errors and len(findings(r, "other_base", "warning")) == 1
    stated = run(f"{S},2027,区政府,handled,,150,,,,t,\n{S},2027,区政府,satisfied,满意,120,85.7,handled,,t,\n")
    assert stated.has_errors


def test_a_list_that_fits_another_printed_base_is_checked_against_it(run):
    r = run(f"{S},2027,,received,,401,,,,t,\n{S},2027,市政府,handled,,372,,,,t,\n"
            f"{S},2027,市政府,outcome,A,299,74.6,,,t,\n{S},2027,市政府,outcome,B,55,13.7,,,t,\n"
            f"{S},2027,市政府,outcome,C,18,4.5,,,t,\n")
    assert not r.has_errors
    assert "收到建议401件" in findings(r, "other_base", "note").iloc[0]["message"]
    assert row(r, "市政府", "outcome", "A")["base_count"] == 401


def test_a_list_whose_shares_fit_the_sum_of_its_counts(run):
    r = run(f"{S},2016,,received,,1034,,,,t,\n{S},2016,,satisfied,满意,690,91.4,,,t,\n"
            f"{S},2016,,basically_satisfied,基本满意,65,8.6,,,t,\n")
    assert not r.has_errors and row(r, "", "satisfied", "满意")["verdict"] == "ok"
    assert "755" in findings(r, "other_base", "note").iloc[0]["message"]
    assert pd.isna(row(r, "", "unsatisfied")["count"])  # not 1034 − 755: those were not rated


def test_printed_bounds_on_counts(run):
    r = run(f"{S},2027,区政府,handled,,200,,,,t,\n{S},2027,区政府,outcome,A,150,,,,t,\n"
            f"{S},2027,区政府,outcome,B,38,,,,t,\n{S},2027,区政府,outcome,C,10余,,,,t,\n"
            f"{S},2027,区政府,met,,近120,,,,t,\n")
    assert row(r, "区政府", "outcome", "C")["count"] == 12
    assert any("10余" in m and "12" in m for m in findings(r, "bound", "note")["message"])
    assert len(findings(r, "approximate_count", "note")) == 1  # 近120 with nothing to fix it


def test_part_within_base(run):
    r = run(f"{S},2027,区政府,handled,,100,,,,t,\n{S},2027,区政府,met,,120,,,,t,\n")
    assert len(findings(r, "exceeds_base", "error")) == 1


def test_list_precision(run):
    r = run(f"{S},2027,区政府,handled,,1000,,,,t,\n{S},2027,区政府,outcome,A,634,63.4,,,t,\n"
            f"{S},2027,区政府,outcome,B,270,27,,,t,\n{S},2027,区政府,outcome,C,96,9.6,,,t,\n")
    assert len(findings(r, "mixed_precision", "note")) == 1


def test_derivations_note_states_the_assumption(run):
    r = run(f"{S}+十九届人大二次会议,,,received,,300,,,“两年”按一、二次会议计,t,\n{S},2027,,received,,140,,,,t,\n")
    note = findings(r, "assumption", "note")
    assert len(note) == 1 and "“两年”按一、二次会议计" in note.iloc[0]["message"]


def test_report_notes_for_own_wordings_and_no_period(tmp_path):
    path = tmp_path / "某区报告.csv"
    path.write_text("handler,measure,category,count,percent,source\n区政府,handled,,74,,t\n"
                    "区政府,outcome,办结及正在办理,55,,t\n区政府,outcome,列入明年计划,11,,t\n", encoding="utf-8")
    r = reconcile.reconcile_files(path)
    own = findings(r, "own_classes", "note")
    assert len(own) == 1 and "办结及正在办理、列入明年计划" in own.iloc[0]["message"]
    period = findings(r, "no_period", "note")
    assert len(period) == 1 and "某区报告.csv" in period.iloc[0]["message"]
    assert set(r.figures["session"]) == {"未注明会期（某区报告.csv）"}


def test_a_report_that_prints_all_bodies_handled_is_the_base_of_its_classes(run):
    # 77 proposals received, 71 accepted (handled, no body): the classes are shares of the 71
    r = run("2007年,2007,,received,,77,,,,t,\n2007年,2007,,handled,,71,,,,t,\n"
            "2007年,2007,,outcome,已经解决,40,56.3,,,t,\n2007年,2007,,outcome,正在解决,31,43.7,,,t,\n")
    assert row(r, "", "outcome", "已经解决", session="2007年度")["base_count"] == 71
    assert not r.has_errors


def test_one_listed_class_is_never_assumed_to_be_all_of_them(run):
    r = run("十一届全国人大(五年),,,handled,,37527,,,,t,\n十一届全国人大(五年),,,outcome,已经解决或计划解决,,76,,,t,\n")
    got = row(r, "", "outcome", "已经解决或计划解决", session="十一届全国人大（全届）")  # the NPC's term
    assert pd.isna(got["count"]) and not r.has_errors


def test_an_assumption_its_own_percent_denies_is_not_used(run):
    # the listed classes would leave 200 for the third, but its printed 5% of 1000 says 45 to 59: not derived
    r = run(f"{S},2027,区政府,handled,,1000,,,,t,\n{S},2027,区政府,outcome,已解决,500,,,,t,\n"
            f"{S},2027,区政府,outcome,正在解决,300,,,,t,\n{S},2027,区政府,outcome,留作参考,,5,,,t,\n")
    got = row(r, "区政府", "outcome", "留作参考")
    assert pd.isna(got["count"]) and not r.has_errors


def test_a_combined_satisfaction_rate_makes_up_its_base_with_the_unsatisfied(run):
    r = run(f"{S},2027,,received,,280,,,,t,\n{S},2027,,satisfied,满意或基本满意,277,98.93,,,t,\n")
    got = row(r, "", "unsatisfied")
    assert got["count"] == 3 and got["rule_name"] == "levels_sum_to_base" and "测评" in got["assumption"]
    assert len(r.figures[r.figures["measure"] == "basically_satisfied"]) == 0  # no 基本满意 apart from it


def test_the_unsatisfied_beside_two_combined_rates_are_named_without_the_combined_words(run):
    # U05 (红塔区 2018): 对办理态度(含基本满意) 99.6% and 对办理结果(含基本满意) 99.3% of 269; the derived
    # complements are 不满意 with the attitude and with the result, never 不满意（对办理态度(含基本满意)）
    r = run(f"{S},2027,区政府,handled,,269,,,,t,\n{S},2027,区政府,satisfied,对办理态度(含基本满意),,99.6,,,t,\n"
            f"{S},2027,区政府,satisfied,对办理结果（含基本满意）,,99.3,,,t,\n")
    assert row(r, "区政府", "unsatisfied", "对办理态度")["count"] == 1
    assert row(r, "区政府", "unsatisfied", "对办理结果")["count"] == 2
    assert set(r.figures.loc[r.figures["category"].str.contains("含基本满意"), "measure"]) == {"satisfied"}


def test_scheme_summary_says_which_classes_were_read_and_how(run):
    r = run(f"{S},2027,区政府,handled,,57,,,,t,\n{S},2027,区政府,outcome,甲类,43,75.4,,,t,\n"
            f"{S},2027,区政府,outcome,乙类,13,22.8,,,t,\n{S},2027,区政府,outcome,丙类,1,1.8,,,t,\n")
    assert reconcile.scheme_summary(r) == "办理结果分类：区政府：三类（甲/乙/丙）（由标签推断）。"
    assert reconcile.scheme_summary(r, "en") == (  # the body by its configured English name
        "Outcome classes — district government: Three classes (甲/乙/丙) (read from the labels).")
    assert list(r.figures[r.figures["measure"] == "outcome"]["category"]) == ["甲", "乙", "丙"]
    none = run(f"{S},2027,区政府,handled,,57,,,,t,\n")
    assert reconcile.scheme_summary(none) == "未印出办理结果分类。"


def test_a_check_against_a_count_derived_under_an_assumption_is_a_warning(run):
    # received is not printed: 151 + 21 = 172 assumes nothing is counted twice; 21 is 12.2% of it, printed 10.0%
    r = run(f"{S},2027,,received,,,,,,t,\n{S},2027,区政府,handled,,151,,,,t,\n{S},2027,国际港务区,handled,,21,10.0,,,t,\n")
    assert row(r, "", "received")["count"] == 172
    assert not r.has_errors and len(findings(r, "assumption_fails", "warning")) == 1


def test_a_configured_class_the_report_does_not_print_is_derived_saying_so(tmp_path):
    from analysis.config import load_config
    config = load_config()
    config["outcome_scheme"] = "four_class"
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + f"{S},2027,区政府,handled,,100,,,,t,\n{S},2027,区政府,outcome,A,40,,,,t,\n"
                             f"{S},2027,区政府,outcome,B,30,,,,t,\n{S},2027,区政府,outcome,C,20,,,,t,\n", encoding="utf-8")
    d = row(reconcile.reconcile_files(path, config=config), "区政府", "outcome", "D")
    assert d["count"] == 10 and "未印出的D类" in d["assumption"]
    declared = row(reconcile.reconcile_files(path, scheme="four_class"), "区政府", "outcome", "D")
    assert declared["count"] == 10 and declared["assumption"] == ""  # --scheme says so: nothing assumed


def test_a_rules_sentence_names_a_measure_once_when_its_category_only_restates_it():
    """The figures-check row labels the count 闭会期间提出（会后）; its rule must not call it 闭会期间提出（闭会）."""
    from analysis.reconcile.model import FigureKey
    from analysis.reconcile.words import term
    target = FigureKey("", "十八届人大一次会议", "", "received_after_meeting", "闭会")
    assert term(target, 1, target, "zh") == "闭会期间提出1件"
    assert term(target, 1, target, "en").startswith("received after the meeting 1")
    topic = FigureKey("", "十八届人大一次会议", "", "topic", "城建环保")  # a category that says more stays
    assert term(topic, 30, topic, "zh") == "建议类别（城建环保）30件"
