"""Tests of analysis.reconcile: the seed's figures, each printing convention, the command line."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load, paths, reconcile
from analysis.__main__ import main
from analysis.config import load_config
from analysis.errors import ConfigError, DataError

FIGURES_DIR = Path(__file__).resolve().parents[1] / "data" / "figures"
S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"
THREE_YEARS = f"{S1}+{S2}+{S3}"
THREE_YEAR_ASSUMPTION = "“连续三年”按十八届人大一次、二次、三次会议计"
T1, T2 = "十九届人大一次会议", "十九届人大二次会议"
HEADER = "session,year,handler,measure,category,count,percent,base,assumption,source,note\n"


def fig(result: reconcile.Reconciliation, session: str, handler: str, measure: str, category: str = "") -> dict:
    """The one figures row for this key, as a dict."""
    f = result.figures
    rows = f[(f["session"] == session) & (f["handler"] == handler) & (f["measure"] == measure)
             & (f["category"] == category)]
    assert len(rows) == 1, f"expected one row for {(session, handler, measure, category)}, got {len(rows)}"
    return rows.iloc[0].to_dict()


def found(result: reconcile.Reconciliation, convention: str, severity: str | None = None) -> pd.DataFrame:
    """Findings with this convention (and severity)."""
    f = result.findings
    mask = f["convention"] == convention
    if severity:
        mask &= f["severity"] == severity
    return f[mask]


def severities(result: reconcile.Reconciliation) -> dict[str, int]:
    return result.counts()


def from_file(name: str, **kwargs) -> reconcile.Reconciliation:
    return reconcile.reconcile_files(FIGURES_DIR / name, **kwargs)


def from_text(tmp_path: Path, rows: str, **kwargs) -> reconcile.Reconciliation:
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return reconcile.reconcile_files(path, **kwargs)


@pytest.fixture(scope="module")
def seed() -> reconcile.Reconciliation:
    return reconcile.reconcile_files(paths.SOURCE_FIGURES)


# ---------------------------------------------------------------------------------------
# The bundled source-document figures (issue 3, "Must show")
# ---------------------------------------------------------------------------------------


def test_seed_session_one_b_is_derived_from_handled_minus_a_and_c(seed):
    row = fig(seed, S1, "区政府", "outcome", "B")
    assert row["count"] == 32
    assert row["status"] == "derived" and row["count_status"] == "derived"
    assert "由 区政府办理129件 − A类86件 − C类11件 得出" in row["rule"]
    assert "129" in row["rule_en"] and "class A 86" in row["rule_en"]
    assert row["percent_text"] == "24.8" and row["percent_status"] == "derived"


def test_seed_session_two_received_and_c(seed):
    received = fig(seed, S2, "", "received")
    assert received["count"] == 172 and received["status"] == "derived"
    assert "区政府办理151件 + 国际港务区办理21件" in received["rule"]
    c = fig(seed, S2, "区政府", "outcome", "C")
    assert c["count"] == 15 and c["status"] == "derived"
    assert c["percent_text"] == "9.9"  # 15 ÷ 151, at the one decimal the list prints


def test_seed_session_three_rests_on_the_three_year_assumption(seed):
    expected = {("", "received"): 135, ("区政府", "handled"): 66, ("国际港务区", "handled"): 69}
    for (handler, measure), count in expected.items():
        row = fig(seed, S3, handler, measure)
        assert row["count"] == count
        assert row["status"] == "derived"
        assert THREE_YEAR_ASSUMPTION in row["assumption"]
    assert "十八届人大一次、二次、三次会议合计收到建议466件" in fig(seed, S3, "", "received")["rule"]
    notes = found(seed, "assumption", "note")
    s3_notes = notes[(notes["session"] == S3) & (notes["measure"] == "received")]
    assert len(s3_notes) == 1 and THREE_YEAR_ASSUMPTION in s3_notes.iloc[0]["message"]


def test_seed_port_zone_share_checks_against_120_of_466(seed):
    row = fig(seed, THREE_YEARS, "国际港务区", "handled")
    assert row["count"] == 120 and row["base_count"] == 466 and row["base"] == "received"
    assert row["percent_text"] == "25.75" and row["percent_status"] == "printed"
    assert row["check"] == "round_half_up"


def test_seed_percent_of_printed_count_is_computed(seed):
    row = fig(seed, S1, "区政府", "outcome", "A")
    assert row["count"] == 86 and row["count_status"] == "printed"
    assert row["percent_status"] == "derived" and row["percent_text"] == "66.7"
    assert math.isclose(row["percent"], 86 / 129 * 100)
    assert "A类86件 ÷ 区政府办理129件" in row["rule"]


def test_seed_printed_percents_agree_and_no_errors(seed):
    assert not seed.has_errors
    assert severities(seed)["error"] == 0 and severities(seed)["warning"] == 0
    assert fig(seed, S2, "区政府", "outcome", "A")["check"] == "round_half_up"
    assert fig(seed, S2, "区政府", "outcome", "B")["check"] == "round_half_up"


def test_seed_blanks_stay_unknown_and_approximations_are_not_counts(seed):
    for key in [(S1, "区政府", "completed", ""), (S1, "区政府", "satisfied", ""), (S2, "", "received_after_meeting", "闭会")]:
        row = fig(seed, *key)
        assert row["status"] == "unknown" and pd.isna(row["count"])
    sample = fig(seed, S3, "", "sampled_for_supervision")
    assert pd.isna(sample["count"]) and sample["percent_text"] == "10" and sample["base_count"] == 135
    ambiguous = found(seed, "ambiguous")
    assert len(ambiguous) == 1 and "13、14" in ambiguous.iloc[0]["message"]
    trained = fig(seed, f"{S2}+{S3}", "", "deputies_trained", "市、区人大代表")
    assert pd.isna(trained["count"]) and trained["count_printed"] == "160余"
    assert trained["count_qualifier"] == "more_than" and trained["count_status"] == "printed"


def test_seed_figures_frame_is_tidy(seed):
    f = seed.figures
    assert not f.duplicated(["congress", "session", "handler", "measure", "category"]).any()
    assert str(f["count"].dtype) == "Int64" and str(f["percent"].dtype) == "Float64"
    assert set(f["status"]) <= {"printed", "derived", "unknown"}
    assert set(f["percent_status"]) <= {"printed", "derived", "unknown", ""}
    for column in ("session", "handler", "measure", "category", "count", "percent", "percent_text", "status",
                   "rule", "rule_en", "assumption", "source_row"):
        assert column in f.columns
    # the derived rows name the input rows they rest on (rows of the CSV as seen in Excel)
    assert fig(seed, S1, "区政府", "outcome", "B")["input_rows"] == "4, 6, 7, 8"


def test_figures_and_findings_frames_carry_their_declared_dtypes(seed):
    """Built column by column in their dtypes: the dtypes declared (text in Python strings, as analysis.pandas_options
    sets) and the values a frame of objects cast to them holds."""
    from analysis.reconcile import frames

    assert len(seed.figures) and len(seed.findings)
    for frame, dtypes in ((seed.figures, frames.FIGURE_DTYPES), (seed.findings, frames.FINDING_DTYPES)):
        assert list(frame.columns) == list(dtypes)
        pd.testing.assert_frame_equal(frame, frame.astype(object).astype(dtypes), check_exact=True)
        assert {frame[c].dtype.storage for c, d in dtypes.items() if d == "string"} == {"python"}


# ---------------------------------------------------------------------------------------
# Printing conventions, one hand-built file each
# ---------------------------------------------------------------------------------------


def test_round_half_up_of_exact_halves_is_fine():
    result = from_file("rounding_ok.csv")
    # 1 ÷ 16 = 6.25 % → 6.3 and 3 ÷ 16 = 18.75 % → 18.8 (binary floating point would give 6.2 and 18.8)
    assert [fig(result, T1, "区政府", "outcome", c)["check"] for c in "ABC"] == ["round_half_up"] * 3
    assert len(result.findings) == 0


def test_truncation_is_a_warning_naming_it():
    result = from_file("truncation.csv")
    warnings = found(result, "truncation", "warning")
    assert list(warnings["category"]) == ["A", "B", "C"]
    assert "28.0%" in warnings.iloc[0]["message"] and "截尾" in warnings.iloc[0]["message"]
    assert "truncated" in warnings.iloc[0]["message_en"]
    assert not result.has_errors


def test_plug_to_100_of_the_largest_item():
    result = from_file("plug_largest.csv")
    warnings = result.findings[result.findings["severity"] == "warning"]
    assert list(warnings["convention"]) == ["plug_largest"] and warnings.iloc[0]["category"] == "A"
    assert "58.3%" in warnings.iloc[0]["message"]
    assert fig(result, T1, "区政府", "outcome", "B")["check"] == "round_half_up"


def test_plug_to_100_of_another_item():
    result = from_file("plug_other.csv")
    warnings = result.findings[result.findings["severity"] == "warning"]
    assert list(warnings["convention"]) == ["plug_other"] and warnings.iloc[0]["category"] == "B"
    assert not result.has_errors


def test_mixed_precision_is_a_note_and_each_checks_at_its_precision():
    result = from_file("mixed_precision.csv")
    assert len(found(result, "mixed_precision", "note")) == 1
    assert [fig(result, T1, "区政府", "outcome", c)["check"] for c in "ABC"] == ["round_half_up"] * 3
    assert severities(result)["warning"] == 0 and not result.has_errors


def test_integer_percents_check_at_whole_percent_precision():
    result = from_file("integer_percents.csv")
    assert len(found(result, "integer", "note")) == 1
    assert [fig(result, T1, "区政府", "outcome", c)["check"] for c in "ABC"] == ["round_half_up"] * 3
    assert severities(result) == {"error": 0, "warning": 0, "note": 1}


def test_a_whole_percent_printed_alone_is_not_said_to_be_checked_at_whole_percent_precision(tmp_path):
    # U13: 建议回复率100% beside 93 handled, no count printed: the count 93 is derived from it, nothing is checked, and
    # the note "该组百分比只印到整数，按整数精度核对" stood beside it as if it had been
    result = from_text(tmp_path, f"{T1},2023,市政府,handled,,93,,,,t,\n{T1},2023,市政府,replied,建议回复率,,100,,,t,\n")
    assert fig(result, T1, "市政府", "replied", "建议回复率")["verdict"] == "no_count"
    assert found(result, "integer").empty


def test_each_bound_word_is_checked_and_holds():
    result = from_file("bounds.csv")
    assert not result.has_errors and severities(result)["warning"] == 0
    for measure, printed in [("completed", "90%以上"), ("met", "60余"), ("key_supervision", "近42%"),
                             ("replied_on_time", "约11")]:
        row = fig(result, T1, "区政府", measure)
        assert row["percent_printed"] == printed
        assert row["check"] in ("bound", "approximation")
        assert row["percent_status"] == "derived"  # the exact value replaces the approximate one
    assert fig(result, T1, "区政府", "replied_on_time")["check"] == "approximation"
    notes = found(result, "bound", "note")
    assert {"completed", "met", "key_supervision"} <= set(notes["measure"])
    # a count printed as 10余 is fixed by arithmetic (200 − 150 − 38 = 12) and the bound checks
    c = fig(result, T1, "区政府", "outcome", "C")
    assert c["count"] == 12 and c["count_status"] == "derived" and c["count_printed"] == "10余"
    assert any("10余" in m and "12" in m for m in notes["message"])


def test_bounds_that_fail_or_hold_only_after_rounding():
    result = from_file("bounds_fail.csv")
    by_measure = {r["measure"]: r for r in result.findings.to_dict(orient="records")
                  if r["convention"] in ("bound", "approximation")}
    assert by_measure["completed"]["severity"] == "error"  # 85 % is not 90%以上
    assert by_measure["replied"]["severity"] == "warning"  # 89.9 % is 90 % only after rounding
    assert by_measure["key_supervision"]["severity"] == "warning"  # 近42% but exactly 42 %
    assert by_measure["replied_on_time"]["severity"] == "error"  # 约11% but 15 %
    assert result.has_errors


def test_plain_error_no_convention_explains():
    result = from_file("plain_error.csv")
    errors = result.findings[result.findings["severity"] == "error"]
    assert len(errors) == 1
    error = errors.iloc[0]
    assert error["convention"] == "none" and error["category"] == "A" and error["source_row"] == 3
    assert "55.3%" in error["message"] and "52.3%" in error["message"]
    assert error["source_file"] == "plain_error.csv"
    assert fig(result, T1, "区政府", "outcome", "A")["check"] == "error"
    assert result.has_errors


def test_percent_with_an_explicit_base():
    result = from_file("explicit_base.csv")
    a = fig(result, T1, "区政府", "outcome", "A")
    assert a["base"] == "received" and a["base_count"] == 200 and a["check"] == "round_half_up"
    met = fig(result, T1, "", "met")
    assert met["base"] == "handled@区政府" and met["base_count"] == 150 and met["check"] == "round_half_up"
    assert fig(result, T1, "国际港务区", "handled")["check"] == "round_half_up"  # natural base: received
    assert severities(result)["warning"] == 0 and not result.has_errors


def test_joint_handling_excess_is_a_note_not_an_error():
    result = from_file("joint_handling.csv")
    notes = found(result, "joint_handling", "note")
    assert list(notes["session"]) == [T1, T2]
    assert "110" in notes.iloc[0]["message"] and "10" in notes.iloc[0]["message"]
    street = fig(result, T2, "某街道", "handled")
    assert street["status"] == "unknown" and pd.isna(street["count"])  # never a negative remainder
    assert not result.has_errors


def test_bodies_exceeding_the_total_by_a_misprint_are_not_called_joint_handling(tmp_path):
    # 贵州 2000 (U14): three bodies printed 23 (2.24%), 387 (96.51%) and 5 (1.25%) of 401; 23 + 387 + 5 = 415. The page
    # said "joint handling" for the 14 too many, but 9 is the one count that prints 2.24% of 401 and 9 + 387 + 5 = 401:
    # the excess is the misprint its error names, and the note says so. A real excess (no such count) keeps its note.
    rows = (f"{T1},2027,,received,,401,,,,t,\n{T1},2027,省人大有关部门,handled,,23,2.24,,,t,\n"
            f"{T1},2027,省政府,handled,,387,96.51,,,t,\n{T1},2027,法院,handled,,5,1.25,,,t,\n")
    result = from_text(tmp_path, rows)
    assert fig(result, T1, "省人大有关部门", "handled")["verdict"] == "error"
    assert found(result, "joint_handling").empty
    note = found(result, "inconsistent", "note")
    assert len(note) == 1 and "省人大有关部门办理23件改为9件" in note.iloc[0]["message"]
    assert "多出的不是联合办理" in note.iloc[0]["message"] and "正好是401件" in note.iloc[0]["message"]
    assert "not joint handling" in note.iloc[0]["message_en"]
    joint = from_text(tmp_path, rows.replace(",23,2.24,", ",23,5.74,"))  # 23 of 401 printed right: joint handling
    assert len(found(joint, "joint_handling", "note")) == 1 and found(joint, "inconsistent").empty


def test_a_class_wording_holding_a_list_separator_is_quoted_in_the_list_of_classes(tmp_path):
    # 大庆 1991 (U16): three classes, the third 暂时无法解决,向代表进行说明、解释; joined with 、 the page listed four
    from analysis.reconcile.text import scheme_summary

    third = "暂时无法解决,向代表进行说明、解释"
    rows = (f"{T1},1991,市政府,handled,,100,,,,t,\n{T1},1991,市政府,outcome,得到解决或正在实施,38,38,,,t,\n"
            f"{T1},1991,市政府,outcome,已经予以采纳并计划在今后逐步解决,40,40,,,t,\n{T1},1991,市政府,outcome,\"{third}\",22,22,,,t,\n")
    result = from_text(tmp_path, rows)
    listed = "得到解决或正在实施、已经予以采纳并计划在今后逐步解决、“暂时无法解决,向代表进行说明、解释”"
    assert f"（{listed}）" in found(result, "own_classes").iloc[0]["message"]
    assert f"市政府：{listed}（" in scheme_summary(result)
    assert '; "暂时无法解决,向代表进行说明、解释" (' in scheme_summary(result, lang="en")


def test_whole_percents_of_a_base_of_100_get_no_note_that_they_may_be_off(tmp_path):
    # 大庆 1991 (U16): 38, 40 and 22 of 100 printed 38%, 40%, 22%: every whole percent of 100 is exact, so "checked at
    # whole-percent precision (off by up to half a point)" said something false. 10 of 23 printed 43% (R16) keeps it.
    rows = (f"{T1},1991,市政府,handled,,100,,,,t,\n{T1},1991,市政府,outcome,得到解决,38,38,,,t,\n"
            f"{T1},1991,市政府,outcome,计划解决,40,40,,,t,\n{T1},1991,市政府,outcome,无法解决,22,22,,,t,\n")
    assert found(from_text(tmp_path, rows), "integer").empty
    off = from_text(tmp_path, rows.replace(",100,", ",23,").replace(",38,38,", ",10,43,").replace(",40,40,", ",5,22,")
                    .replace(",22,22,", ",8,35,"))
    assert "该组百分比只印到整数，按整数精度核对（误差可达0.5个百分点）" in found(off, "integer", "note").iloc[0]["message"]


def test_a_vietnamese_class_keeps_the_spaces_between_its_words(tmp_path):
    # Ban Dân nguyện 2019 (U17): 191 kiến nghị "đã được giải quyết xong"; the class read "đãđược giải quyết xong" on
    # the page, a space dropped wherever two letters beside it were not ASCII (as between Chinese characters)
    rows = (f"{T1},2019,,received,,2293,,,,t,\n{T1},2019,,outcome,đã được giải quyết xong,191,8.33,,,t,\n"
            f"{T1},2019,,outcome,đang được tiếp tục xử lý,2102,91.67,,,t,\n")
    result = from_text(tmp_path, rows)
    assert fig(result, T1, "", "outcome", "đã được giải quyết xong")["percent"] == 8.33
    assert "（đã được giải quyết xong、đang được tiếp tục xử lý）" in found(result, "own_classes").iloc[0]["message"]
    chinese = from_text(tmp_path, f"{T1},2019,,received,,10,,,,t,\n{T1},2019,,outcome,已经解决 或基本解决,10,100,,,t,\n")
    assert "（已经解决或基本解决）" in found(chinese, "own_classes").iloc[0]["message"]  # no space beside Chinese


def test_an_after_meeting_count_without_a_percent_gets_no_share_of_received(tmp_path):
    # 全国人大 2002 (R07): 4287 at the meeting, and 116 raised between sessions "also handled" — beside the 4287, not
    # among them; a district's 共收到159件（会后1件） counts them within. The figures cannot tell which: no 2.7%.
    rows = f"{T1},2027,,received,,4287,,,,t,\n{T1},2027,,received_after_meeting,,116,,,,t,\n"
    result = from_text(tmp_path, rows)
    assert pd.isna(fig(result, T1, "", "received_after_meeting")["percent"])
    note = found(result, "after_meeting_no_share", "note")
    assert len(note) == 1 and "闭会期间提出116件：原文没有印出它占收到建议4287件的百分比" in note.iloc[0]["message"]
    assert not result.has_errors
    # a report that prints its percent, or a transcriber who writes received as its base, says it is within: a share
    printed = from_text(tmp_path, rows.replace(",116,,,", ",116,约3,,"))
    assert found(printed, "after_meeting_no_share").empty
    based = from_text(tmp_path, rows.replace(",116,,,", ",116,,received,"))
    assert abs(fig(based, T1, "", "received_after_meeting")["percent"] - 100 * 116 / 4287) < 1e-9
    assert found(based, "after_meeting_no_share").empty


def test_a_list_of_percents_of_its_own_sum_names_that_sum_as_its_base(tmp_path):
    # R12 上海市 2023: 838 received, outcomes 652 + 22 + 31 + 115 = 820 (the replied) printed 79.5 / 2.7 / 3.8 / 14.0,
    # which are of 820, not 838: the frame must not say "79.5% of received 838, ok"
    result = from_text(tmp_path, f"{T1},2027,,received,,838,,,,t,\n{T1},2027,,outcome,解决采纳,652,79.5,,,t,\n"
                                 f"{T1},2027,,outcome,正在解决,22,2.7,,,t,\n{T1},2027,,outcome,计划解决,31,3.8,,,t,\n"
                                 f"{T1},2027,,outcome,留作参考,115,14.0,,,t,\n")
    solved = fig(result, T1, "", "outcome", "解决采纳")
    assert (solved["base"], solved["base_count"], solved["verdict"]) == ("listed", 820, "ok")
    assert not result.has_errors


def test_bodies_over_received_by_exactly_the_after_meeting_count_say_so(tmp_path):
    # 温州市 2020 (transcribed, not bundled: it prints no percent): 562 at the meeting, 2 after it, 517 + 10 + 1 + 36 = 564 handed to the bodies
    result = from_text(tmp_path, f"{T1},2027,,received,,562,,,,t,\n{T1},2027,,received_after_meeting,,2,,,,t,\n"
                                 f"{T1},2027,区政府,handled,,517,,,,t,\n{T1},2027,法院,handled,,10,,,,t,\n"
                                 f"{T1},2027,检察院,handled,,1,,,,t,\n{T1},2027,其他,handled,,36,,,,t,\n")
    note = found(result, "after_meeting_apart", "note")
    assert len(note) == 1 and "多出的2件正是闭会期间提出2件" in note.iloc[0]["message"]
    assert found(result, "joint_handling").empty and not result.has_errors
    # counted beside the 562, not within it: no share of the 562 is computed for them (517/562 would be a false 92.0%)
    assert all(pd.isna(fig(result, T1, body, "handled")["percent"]) for body in ("区政府", "法院", "检察院", "其他"))
    assert pd.isna(fig(result, T1, "", "received_after_meeting")["percent"])


def test_a_subtotal_printed_beside_its_items_is_named_as_one(tmp_path):
    # R07 (九届全国人大五次会议): 解决和正在解决 3096 = 已解决 536 + 正在解决 2560, beside 775 and 416, of 4287
    result = from_text(tmp_path, f"{T1},2002,,received,,4287,,,,t,\n"
                                 f"{T1},2002,,outcome,已由承办单位解决和正在解决,3096,72.2,received,,t,\n"
                                 f"{T1},2002,,outcome,已解决或基本解决,536,,,,t,\n"
                                 f"{T1},2002,,outcome,正在解决或已列入规划将逐步解决,2560,,,,t,\n"
                                 f"{T1},2002,,outcome,因目前条件限制或其他原因需待以后解决,775,,,,t,\n"
                                 f"{T1},2002,,outcome,留作有关部门研究参考,416,,,,t,\n")
    note = found(result, "subtotal", "note")
    assert len(note) == 1 and "是这2项的小计" in note.iloc[0]["message"]
    assert "其余各项之和正好是4287件" in note.iloc[0]["message"]
    assert found(result, "counted_twice").empty and not result.has_errors


def test_many_counts_fitting_a_percent_are_given_as_a_range(tmp_path):
    # R09: 74.4% of 43750 fits 65 counts (half-up or truncated); a list of 65 numbers reads as noise
    result = from_text(tmp_path, f"{T1},2023,,received,,43750,,,,t,\n{T1},2023,,outcome,得到解决或计划逐步解决,,74.4,,,t,\n"
                                 f"{T2},2024,,received,,135,,,,t,\n{T2},2024,,key_supervision,,,10,,,t,\n")
    notes = found(result, "ambiguous", "note")
    assert "件数可能是 32529 至 32593 之间的任一整数（65 个）" in notes.iloc[0]["message"]
    assert "件数可能是 13、14，" in notes.iloc[1]["message"]  # a few are listed


def test_shortfall_is_an_unexplained_remainder_and_not_derived_across():
    result = from_file("shortfall.csv")
    port = fig(result, T1, "国际港务区", "handled")
    # 30 from its classes, not 100 − 60 = 40 from the session total
    assert port["count"] == 30 and "A类10件 + B类10件 + C类10件" in port["rule"]
    remainder = found(result, "remainder", "note")
    assert len(remainder) == 1 and "少10件" in remainder.iloc[0]["message"]
    assert not result.has_errors


def test_no_remainder_against_a_total_derived_from_the_compared_count(tmp_path):
    # U09 (甘肃省 2023): 547 handled as 97.7% of a total not printed; 560 is derived from that 97.7%, so "547 is 13
    # short of 560, unexplained" would only restate the 97.7% the report printed
    result = from_text(tmp_path, f"{T1},2023,,received,,,,,,t,\n{T1},2023,省政府,handled,,547,97.7,received,,t,\n")
    assert fig(result, T1, "", "received")["count"] == 560
    assert found(result, "remainder").empty
    assert not result.findings["message"].str.contains("差额原文未作说明").any()


@pytest.mark.parametrize("name", ["U09.csv", "U07.csv", "T17.csv", "R14.csv"])
def test_published_reports_get_no_remainder_against_their_derived_total(name):
    # each prints one body's count as a percent of a session total it does not print (547 as 97.7%, 592 as 93.1%,
    # 1267 as 94.7%, 1210 as 95.5%): the total is derived from that count, never a remainder against it
    result = reconcile.reconcile_files(Path(__file__).resolve().parents[1] / "data" / "published" / name)
    assert (result.figures["count_status"] == "derived").any()
    assert found(result, "remainder").empty


def test_remainder_against_a_printed_total_is_kept(tmp_path):
    # the same 547 beside a printed 560: the 13 are a gap between two printed counts, worth the reader's question
    result = from_text(tmp_path, f"{T1},2023,,received,,560,,,,t,\n{T1},2023,省政府,handled,,547,97.7,received,,t,\n")
    remainder = found(result, "remainder", "note")
    assert len(remainder) == 1 and "比收到建议560件少13件，差额原文未作说明" in remainder.iloc[0]["message"]


def test_nothing_can_be_derived():
    result = from_file("nothing_derivable.csv")
    f = result.figures
    assert (f["count_status"] != "derived").all() and (f["percent_status"] != "derived").all()
    assert (f["rule"] == "").all()
    assert set(f["status"]) == {"printed", "unknown"}
    assert fig(result, T1, "区政府", "outcome", "B")["status"] == "unknown"
    assert fig(result, T1, "区政府", "outcome", "C")["status"] == "unknown"  # shown, though not printed
    assert len(found(result, "derived")) == 0 and len(found(result, "unchecked")) == 1
    assert not result.has_errors


def test_count_from_a_percent_with_exactly_one_fitting_integer():
    result = from_file("percent_unique.csv")
    a = fig(result, T1, "区政府", "outcome", "A")
    assert a["count"] == 79 and a["count_status"] == "derived" and a["percent_status"] == "printed"
    assert "唯一" in a["rule"] and "52.3%" in a["rule"]
    assert fig(result, T1, "区政府", "outcome", "B")["count"] == 57
    c = fig(result, T1, "区政府", "outcome", "C")  # and then the identity gives the third class
    assert c["count"] == 15 and "151" in c["rule"]
    assert not result.has_errors and severities(result)["warning"] == 0


def test_no_count_from_a_percent_when_several_integers_fit_or_none():
    result = from_file("percent_ambiguous.csv")
    sample = fig(result, T1, "", "sampled_for_supervision")
    assert pd.isna(sample["count"]) and sample["count_status"] == "unknown"
    note = found(result, "ambiguous", "note")
    assert len(note) == 1 and "13、14" in note.iloc[0]["message"]
    # no whole number of the 3 handled gives 50%: with no base printed the rate may be of another base (a warning)
    f = result.findings
    none_fits = f[(f["severity"] == "warning") & (f["measure"] == "completed")]
    assert len(none_fits) == 1 and "50%" in none_fits.iloc[0]["message"] and "另有基数" in none_fits.iloc[0]["message"]
    assert fig(result, T2, "区政府", "completed")["verdict"] == "no_count"


def test_no_count_of_a_stated_base_gives_the_percent_is_an_error(tmp_path):
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,3,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,completed,,,50,handled,,t,\n")
    errors = found(result, "none", "error")
    assert len(errors) == 1 and "50%" in errors.iloc[0]["message"] and errors.iloc[0]["source_row"] == 3


# ---------------------------------------------------------------------------------------
# Other identities and inputs, from small inline files
# ---------------------------------------------------------------------------------------


def test_exact_tie_rounded_down_is_a_warning(tmp_path):
    # 201 ÷ 20000 = 1.005 % exactly: half up gives 1.01 (a float round() would give 1.0)
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,20000,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,met,,201,1.01,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,replied,,201,1.00,,,t,\n")
    assert fig(result, T1, "区政府", "met")["check"] == "round_half_up"
    assert fig(result, T1, "区政府", "replied")["check"] == "round_half_down"
    assert list(result.findings[result.findings["severity"] == "warning"]["convention"]) == ["round_half_down"]


def test_satisfaction_levels_add_up_to_their_base(tmp_path):
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,satisfied,对办理工作,50,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,basically_satisfied,对办理工作,30,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,unsatisfied,对办理工作,,,,,t,\n")
    row = fig(result, T1, "区政府", "unsatisfied", "对办理工作")
    assert row["count"] == 20 and row["status"] == "derived" and row["percent_text"] == "20.0"


def test_classes_come_from_the_scheme(tmp_path):
    config = load_config()
    config["outcome_scheme"] = "four_class"
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,A类,40,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,B,30,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,C,20,,,,t,\n", config=config)
    assert fig(result, T1, "区政府", "outcome", "D")["count"] == 10
    assert fig(result, T1, "区政府", "outcome", "A")["count"] == 40  # 'A类' read as class A
    assert result.scheme == "four_class"


def test_outcome_classes_that_do_not_add_up_are_an_error(tmp_path):
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,A,40,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,B,30,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,outcome,C,20,,,,t,\n")
    errors = found(result, "inconsistent", "error")
    assert len(errors) == 1 and "90" in errors.iloc[0]["message"] and "相差10件" in errors.iloc[0]["message"]


def test_assumptions_given_as_a_parameter_travel_with_derived_figures(tmp_path):
    total = f"{T1}+{T2}"
    result = from_text(tmp_path, f"{total},,,received,,300,,,,t,\n"
                                 f"{T1},2027,,received,,140,,,,t,\n",
                       assumptions={total: "两年合计按十九届一次、二次会议计"})
    row = fig(result, T2, "", "received")
    assert row["count"] == 160 and row["assumption"] == "两年合计按十九届一次、二次会议计"
    assert len(found(result, "assumption")) == 1
    with pytest.raises(ConfigError):
        from_text(tmp_path, f"{T1},2027,,received,,1,,,,t,\n", assumptions={"not a session": "x"})


def test_same_figure_printed_twice_differently(tmp_path):
    result = from_text(tmp_path, "十九届人大一次会议,2027,,received,,500,,,,交办时,\n"
                                 "十九届人大一次会议,2027,,received,,501,,,,年底,\n"
                                 "十九届人大一次会议,2027,区政府,handled,,400,,,,t,\n"
                                 "十九届人大一次会议,2027,国际港务区,handled,,,,,,t,\n")
    warning = found(result, "duplicate", "warning")
    assert len(warning) == 1 and "500" in warning.iloc[0]["message"] and "501" in warning.iloc[0]["message"]
    row = fig(result, T1, "", "received")
    assert pd.isna(row["count"]) and row["count_printed"] == "500；501"
    assert pd.isna(fig(result, T1, "国际港务区", "handled")["count"])  # not derived from either
    assert "500（第2行）" in warning.iloc[0]["message"]  # one file: its rows are enough


def test_same_figure_printed_differently_in_two_files_names_each_file(tmp_path):
    for name, count in (("a.csv", 500), ("b.csv", 501)):
        (tmp_path / name).write_text(HEADER + f"十九届人大一次会议,2027,,received,,{count},,,,t,\n", encoding="utf-8")
    result = reconcile.reconcile_files([tmp_path / "a.csv", tmp_path / "b.csv"])  # read together
    (message,) = found(result, "duplicate", "warning")["message"]
    assert "500（a.csv 第2行）、501（b.csv 第2行）" in message  # not two "第2行" with no file named


def test_unreadable_base_and_unknown_class_are_errors(tmp_path):
    # The loader rejects both at its boundary (the command line exits 1 with the message) …
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "十九届人大一次会议,2027,区政府,met,,50,50,nonsense,,t,\n", encoding="utf-8")
    assert main(["reconcile", str(bad)]) == 1
    # … and a frame handed over directly (e.g. from a notebook) gets error findings, not a traceback.
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
                             "十九届人大一次会议,2027,区政府,met,,50,50,,,t,\n"
                             "十九届人大一次会议,2027,区政府,outcome,A,5,,,,t,\n", encoding="utf-8")
    frame = load.load_figures(path)
    frame.loc[1, "base"] = "nonsense"
    frame.loc[2, "category"] = "Z"
    undeclared = reconcile.reconcile_figures(frame)  # a published report's classes are read from its labels …
    assert len(found(undeclared, "unknown_class")) == 0 and fig(undeclared, T1, "区政府", "outcome", "Z")["count"] == 5
    result = reconcile.reconcile_figures(frame, scheme="abc")  # … unless the scheme is declared
    bad_base = found(result, "bad_base", "error")
    assert len(bad_base) == 1 and bad_base.iloc[0]["source_row"] == 3 and "nonsense" in bad_base.iloc[0]["message"]
    unknown = found(result, "unknown_class", "error")
    assert len(unknown) == 1 and unknown.iloc[0]["source_row"] == 4 and "Z" in unknown.iloc[0]["message"]
    assert result.has_errors


def test_resolve_base_syntax():
    key = ("c", T1, "区政府", "outcome", "A")
    assert reconcile.resolve_base(key, "") == ("c", T1, "区政府", "handled", "")
    assert reconcile.resolve_base(key, "received") == ("c", T1, "", "received", "")
    assert reconcile.resolve_base(key, "handled@国际港务区") == ("c", T1, "国际港务区", "handled", "")
    assert reconcile.resolve_base(key, "办结") == ("c", T1, "区政府", "completed", "")
    assert reconcile.resolve_base(key, "handled@全部") == ("c", T1, "", "received", "")
    assert reconcile.resolve_base(("c", T1, "", "received", ""), "") is None
    with pytest.raises(ValueError):
        reconcile.resolve_base(key, "nonsense")


# ---------------------------------------------------------------------------------------
# Output: text, JSON, command line
# ---------------------------------------------------------------------------------------


def test_render_text_in_chinese_and_english(seed):
    zh = reconcile.render_text(seed)
    assert "收到建议" in zh and "原文" in zh and "推算" in zh and "未知" in zh
    assert "由 区政府办理129件 − A类86件 − C类11件 得出" in zh
    assert "发现：错误 0 条" in zh
    en = reconcile.render_text(seed, lang="en")
    assert "suggestions received" in en and "derived" in en and "unknown" in en
    assert "18th Congress, 1st Session" in en and "Findings: 0 error(s)" in en


def test_to_json_is_json_safe_and_has_the_issue_fields(seed):
    data = seed.to_json()
    assert set(data) == {"files", "schemes", "figures", "findings"}
    assert data["files"] == ["source_document_figures.csv"]
    # the file has no congress column: the check of any report does not file it under ours (our reports do, below)
    assert data["schemes"] == [{"file": "source_document_figures.csv", "congress": None, "handler": "区政府",
                                "scheme": "abc", "title": "三类（A/B/C）", "title_en": "Three classes (A/B/C)",
                                "source": "config", "codes": ["A", "B", "C"]}]
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # no NaN anywhere
    assert json.loads(text) == data
    for item in data["figures"]:
        assert {"session", "handler", "measure", "category", "count", "percent", "status", "rule"} <= set(item)
    for item in data["findings"]:
        assert {"severity", "session", "measure", "category", "message", "source_row"} <= set(item)
    b = next(x for x in data["figures"] if x["session"] == S1 and x["category"] == "B")
    assert b["count"] == 32 and b["status"] == "derived" and isinstance(b["percent"], float)
    completed = next(x for x in data["figures"] if x["session"] == S1 and x["measure"] == "completed")
    assert completed["count"] is None and completed["percent"] is None


def test_cli_exit_codes_and_json(capsys):
    assert main(["reconcile", str(paths.SOURCE_FIGURES)]) == 0
    assert "十八届人大三次会议" in capsys.readouterr().out
    assert main(["reconcile", str(FIGURES_DIR / "plain_error.csv"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["severity"] for f in data["findings"]].count("error") == 1
    assert main(["reconcile", str(FIGURES_DIR / "truncation.csv"), "--lang", "en"]) == 0  # warnings only
    assert "truncated" in capsys.readouterr().out


TWO_REPORTS = ("十九届人大一次会议,2027,,received,,100,,,,t,\n十九届人大一次会议,2027,区政府,handled,,60,,,,t,\n",
               "十九届人大一次会议,2027,,received,,80,,,,t,\n十九届人大一次会议,2027,区政府,handled,,50,,,,t,\n")


def _two_reports(tmp_path: Path, congress: tuple[str, str] = ("", "")) -> list[str]:
    """Two reports of one period, neither (by default) naming its congress."""
    files = []
    for name, rows, who in zip(("a.csv", "b.csv"), TWO_REPORTS, congress):
        text = HEADER + rows
        if who:
            text = "congress," + HEADER + "".join(f"{who},{line}\n" for line in rows.splitlines())
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    return files


def _section(text: str, name: str) -> str:
    """The part of the command's text from the heading of one file's section to the next heading."""
    start = text.index(f"== {name}")
    end = text.find("\n== ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_cli_prints_each_report_of_one_period_under_its_own_file(tmp_path, capsys):
    files = _two_reports(tmp_path)
    assert main(["reconcile", *files]) == 0
    out = capsys.readouterr().out
    a, b = _section(out, "a.csv"), _section(out, "b.csv")
    assert a.startswith("== a.csv（报告机关：未注明） ==") and b.startswith("== b.csv（报告机关：未注明） ==")
    assert "100" in a and "80" not in a and "60.0%" in a  # each value under the file that prints it
    assert "80" in b and "100" not in b and "62.5%" in b
    assert "2 个文件合计——发现：错误 0 条，警告 0 条，说明 4 条" in out
    assert main(["reconcile", *files, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "== a.csv — Congress: not named ==" in out and "== b.csv — Congress: not named ==" in out
    assert main(["reconcile", *files, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    received = {f["report"]: f["count"] for f in data["figures"] if f["measure"] == "received"}
    assert received == {"a.csv": 100, "b.csv": 80}
    assert {f["report"] for f in data["findings"]} == {"a.csv", "b.csv"}
    # read together, the files are one report: one table, its findings naming the file of each row
    assert main(["reconcile", *files, "--together"]) == 0
    out = capsys.readouterr().out
    assert "== " not in out and "a.csv 十九届人大一次会议 收到建议" in out
    assert main(["reconcile", *files, "--together", "--json"]) == 0
    assert {f["report"] for f in json.loads(capsys.readouterr().out)["figures"]} == {"a.csv + b.csv"}


def test_cli_says_a_national_report_is_about_the_national_peoples_congress(capsys):
    # U02 and R09 are reports about the NPC: their periods read 十三届人大五次会议 / '13th Congress, 5th Session', as if
    # a local congress's, in the command's text and JSON
    folder = Path(__file__).resolve().parents[1] / "data" / "published"
    files = [str(folder / "U02.csv"), str(folder / "R09.csv")]
    main(["reconcile", *files])
    out = capsys.readouterr().out
    assert "十三届全国人大五次会议" in out and "十三届全国人大（全届）" in out and "十四届全国人大一次会议" in out
    assert "十三届人大五次会议" not in out
    main(["reconcile", *files, "--lang", "en"])
    out = capsys.readouterr().out
    assert "5th Session of the 13th National People's Congress" in out
    assert "the whole 13th National People's Congress" in out and "1st Session of the 14th National People's Congress" in out
    assert "13th Congress, 5th Session" not in out
    main(["reconcile", *files, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert {f["session"] for f in data["figures"]} == {"十三届全国人大五次会议", "十三届全国人大（全届）", "十四届全国人大一次会议"}


def test_a_file_naming_no_congress_is_not_filed_under_ours(tmp_path, capsys):
    files = _two_reports(tmp_path, ("", "某市人大常委会"))
    assert main(["reconcile", *files, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    congress = {f["report"]: f["congress"] for f in data["figures"]}
    assert congress == {"a.csv": None, "b.csv": "某市人大常委会"}  # never the configured 某区人大常委会
    assert {f["congress"] for f in data["findings"] if f["report"] == "a.csv"} == {None}
    assert main(["reconcile", files[0]]) == 0
    assert "报告机关：未注明" in capsys.readouterr().out and load_config()["congress"] == "某区人大常委会"
    assert main(["reconcile", *files]) == 0
    assert "== b.csv（报告机关：某市人大常委会） ==" in capsys.readouterr().out
    # the reports of our own figures say whose they are: the bundled source document is ours
    from analysis import notebook_inputs

    ours = notebook_inputs.load_inputs(figures_files=[str(paths.SOURCE_FIGURES)]).reconciliation
    assert set(ours.figures["congress"]) == {"某区人大常委会"} and ours.schemes[0]["congress"] == "某区人大常委会"
    assert set(reconcile.reconcile_files(files[0], congress="某县人大常委会").figures["congress"]) == {"某县人大常委会"}


def test_cli_as_a_process():
    done = subprocess.run([sys.executable, "-m", "analysis", "reconcile", str(paths.SOURCE_FIGURES), "--json"],
                          capture_output=True, text=True, cwd=paths.PROJECT_DIR, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert any(f["session"] == S3 and f["measure"] == "received" and f["count"] == 135 for f in data["figures"])
    done = subprocess.run([sys.executable, "-m", "analysis", "reconcile", str(FIGURES_DIR / "bounds_fail.csv")],
                          capture_output=True, text=True, cwd=paths.PROJECT_DIR, timeout=120)
    assert done.returncode == 1 and "[错误]" in done.stdout


def test_the_half_down_warning_names_bankers_rounding_only_when_it_would_give_the_print(tmp_path):
    # 201/20000 = 1.005: half to even keeps 1.00 (0 is even); 203/20000 = 1.015: half to even gives 1.02,
    # so a print of 1.01 is truncation or the half rounded down, never banker's rounding.
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,20000,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,replied,,201,1.00,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,met,,203,1.01,,,t,\n")
    warnings = found(result, "round_half_down", "warning").set_index("measure")["message"]
    assert "四舍六入五成双" in warnings["replied"]
    assert "四舍六入五成双" not in warnings["met"] and "截尾" in warnings["met"]
    assert "银行家舍入" not in "".join(warnings)


def test_a_percent_one_unit_off_is_not_taken_for_truncation(tmp_path):
    # 79/151 = 52.317…%: rounds and truncates to 52.3, so 52.2 (one unit below) and 52.4 (above) are errors;
    # 40/143 = 27.97…% printed 27.9 is truncation.
    result = from_text(tmp_path, "十九届人大一次会议,2027,区政府,handled,,151,,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,met,,79,52.2,,,t,\n"
                                 "十九届人大一次会议,2027,区政府,replied,,79,52.4,,,t,\n"
                                 "十九届人大二次会议,2028,区政府,handled,,143,,,,t,\n"
                                 "十九届人大二次会议,2028,区政府,met,,40,27.9,,,t,\n")
    assert fig(result, T1, "区政府", "met")["check"] == "error"
    assert fig(result, T1, "区政府", "replied")["check"] == "error"
    assert fig(result, T2, "区政府", "met")["check"] == "truncation"


def test_cli_json_is_one_object_even_when_files_cannot_be_read(tmp_path, capsys):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"garbage\x00\x01\x02")
    missing = tmp_path / "missing.csv"
    assert main(["reconcile", str(binary), str(FIGURES_DIR / "truncation.csv"), str(missing), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert {f["source_file"] for f in errors} == {"binary.csv", "missing.csv"}
    assert all(f["message"] and f["message_en"] for f in errors)
    assert next(f for f in errors if f["source_file"] == "binary.csv")["source_row"] == 1
    assert any(f["measure"] == "outcome" for f in data["figures"])  # the readable file is still checked
    assert main(["reconcile", str(FIGURES_DIR / "truncation.csv"), "--json", "--scheme", "no_such_scheme"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["figures"] == [] and "no_such_scheme" in data["findings"][0]["message"]


def test_cli_reads_every_figures_file_in_a_folder(tmp_path, capsys):
    for name in ("truncation.csv", "plain_error.csv"):
        (tmp_path / name).write_bytes((FIGURES_DIR / name).read_bytes())
    (tmp_path / "notes.csv").write_text("标题,作者\n一,二\n", encoding="utf-8")  # not a figures file: skipped
    assert main(["reconcile", str(tmp_path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == ["plain_error.csv", "truncation.csv"]
    assert [f["source_file"] for f in data["findings"] if f["severity"] == "error"] == ["plain_error.csv"]
    assert any(f["convention"] == "not_figures" and f["source_file"] == "notes.csv" for f in data["findings"])
    assert main(["reconcile", str(tmp_path), "--lang", "en"]) == 1
    assert "plain_error.csv" in capsys.readouterr().out  # findings name their file when there are several


def test_cli_scheme_declares_the_classes(tmp_path, capsys):
    path = tmp_path / "four.csv"
    path.write_text(HEADER + "十九届人大一次会议,2027,区政府,handled,,100,,,,t,\n"
                             "十九届人大一次会议,2027,区政府,outcome,A,40,,,,t,\n"
                             "十九届人大一次会议,2027,区政府,outcome,D,60,,,,t,\n", encoding="utf-8")
    assert main(["reconcile", str(path), "--json"]) == 0  # read from the labels: A and D of four classes
    assert json.loads(capsys.readouterr().out)["schemes"][0]["scheme"] == "four_class"
    assert main(["reconcile", str(path), "--json", "--scheme", "abc"]) == 1  # declared: D is not a class of abc
    data = json.loads(capsys.readouterr().out)
    assert [f["convention"] for f in data["findings"] if f["severity"] == "error"] == ["unknown_class"]


def test_cli_checks_each_file_as_a_report_unless_told_they_go_together(capsys):
    published = Path(__file__).resolve().parents[1] / "data" / "published"
    files = [str(published / "S04.csv"), str(published / "S04e.csv")]  # one report and its planted-error copy
    assert main(["reconcile", *files, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["source_file"] for f in data["findings"] if f["severity"] == "error"} == {"S04e.csv"}
    assert not any(f["convention"] == "duplicate" for f in data["findings"])
    main(["reconcile", *files, "--json", "--together"])  # one congress's reports: the same figure printed twice
    data = json.loads(capsys.readouterr().out)
    assert any(f["convention"] == "duplicate" and f["severity"] == "warning" for f in data["findings"])


def test_a_satisfaction_rate_of_the_rated_is_checked_against_their_sum(tmp_path):
    # R14 重庆市 2023: 1210 handled; 回执994件，993件满意或基本满意、满意率99.9%，1件首次办理不满意. 993/1210 = 82.1%:
    # the rate is of the 994 rated (993 + 1), which the format has no measure for; it is right, not a question
    rows = (f"{T1},2027,市政府,handled,,1210,,,,t,\n{T1},2027,市政府,satisfied,满意或基本满意,993,99.9,,,t,\n"
            f"{T1},2027,市政府,unsatisfied,首次办理不满意,1,,,,t,\n")
    result = from_text(tmp_path, rows)
    rate = fig(result, T1, "市政府", "satisfied", "满意或基本满意")
    assert (rate["base"], rate["base_count"], rate["verdict"]) == ("listed", 994, "ok")
    assert found(result, "other_base", "warning").empty and not result.has_errors
    note = found(result, "other_base", "note")
    assert len(note) == 1 and "所列各项之和994（993 + 1）" in note.iloc[0]["message"]
    # a rate that fits neither the handled nor the rated stays a question, never taken as right
    wrong = from_text(tmp_path, rows.replace(",993,99.9,", ",993,97.0,"))
    assert fig(wrong, T1, "市政府", "satisfied", "满意或基本满意")["verdict"] != "ok"
    assert len(found(wrong, "other_base", "warning")) == 1
    # with a level unprinted the rated are not known: nothing is rebased
    unknown = from_text(tmp_path, f"{T1},2027,市政府,handled,,1210,,,,t,\n{T1},2027,市政府,satisfied,满意,993,99.9,,,t,\n"
                                  f"{T1},2027,市政府,unsatisfied,不满意,1,,,,t,\n")
    assert fig(unknown, T1, "市政府", "satisfied", "满意")["base"] != "listed"


def test_a_figure_of_the_suggestions_raised_after_the_meeting_is_a_share_of_them(tmp_path):
    # R15 宁波市 2023: 569 raised at the meeting (all completed); 闭会期间提出15件，有11件已办结: 11 of 15 (73.3%),
    # not of the 569 (a meaningless 1.9%)
    result = from_text(tmp_path, f"{T1},2027,,received,会期,569,,,,t,\n{T1},2027,,completed,会期,569,,,,t,\n"
                                 f"{T1},2027,,received_after_meeting,闭会,15,,,,t,\n{T1},2027,,completed,闭会,11,,,,t,\n")
    after = fig(result, T1, "", "completed", "闭会")
    assert (after["base"], after["base_count"]) == ("received_after_meeting（闭会）", 15)
    assert abs(after["percent"] - 100 * 11 / 15) < 1e-9
    assert fig(result, T1, "", "completed", "会期")["base_count"] == 569
    # a base written in the file is kept as written
    written = from_text(tmp_path, f"{T1},2027,,received,,584,,,,t,\n{T1},2027,,received_after_meeting,闭会,15,,,,t,\n"
                                  f"{T1},2027,,completed,闭会,11,,received,,t,\n")
    assert fig(written, T1, "", "completed", "闭会")["base_count"] == 584
    # the count raised after the meeting written as received of 闭会 is a share of all received, as always
    as_received = from_text(tmp_path, f"{T1},2027,,received,,584,,,,t,\n"
                                      f"{T1},2027,,received_after_meeting,,15,,,,t,\n{T1},2027,,received,闭会,15,2.6,,,t,\n")
    assert fig(as_received, T1, "", "received", "闭会")["base_count"] == 584


def test_an_unprinted_satisfaction_level_is_a_share_of_what_its_printed_levels_are_shares_of(tmp_path):
    # S06 西安市 2019: 满意 475 and 基本满意 26 of the 501 completed at the meeting (会期); the 不满意 the arithmetic
    # gives (0) is a share of those 501 too, not of the 516 received
    result = from_text(tmp_path, f"{T1},2027,,received,,516,,,,t,\n{T1},2027,,completed,会期,501,,,,t,\n"
                                 f"{T1},2027,,satisfied,会期,475,94.8,completed,,t,\n"
                                 f"{T1},2027,,basically_satisfied,会期,26,5.2,completed,,t,\n")
    unsatisfied = fig(result, T1, "", "unsatisfied", "会期")
    assert (unsatisfied["count"], unsatisfied["base_count"]) == (0, 501)
    assert unsatisfied["base"] == fig(result, T1, "", "satisfied", "会期")["base"]  # the printed levels' base


def test_an_unprinted_level_is_not_named_after_the_printed_level_its_category_restates(tmp_path):
    # R16 (a town): 满意件达到20件, its category restating its level; R15 宁波市: 初次办理不满意 9件. The levels the
    # report does not print are 基本满意 and 不满意 (of 初次办理), never "基本满意 满意件"
    for printed, unprinted in (("satisfied,满意件,20,87", ""), ("unsatisfied,初次办理不满意,9,", "初次办理")):
        result = from_text(tmp_path, f"{T1},2027,,received,,23,,,,t,\n{T1},2027,,{printed},,,t,\n")
        frame = result.figures
        levels = frame[frame["measure"].isin(["satisfied", "basically_satisfied", "unsatisfied"])
                       & (frame["count_status"] != "printed")]
        assert len(levels) == 2 and set(levels["category"]) == {unprinted}
    shared = from_text(tmp_path, f"{T1},2027,,received,,100,,,,t,\n{T1},2027,,satisfied,会期,50,,,,t,\n"
                                 f"{T1},2027,,basically_satisfied,会期,30,,,,t,\n")
    assert fig(shared, T1, "", "unsatisfied", "会期")["count"] == 20  # a shared category stays the siblings' own


def test_several_files_each_a_report_are_each_loaded_once(monkeypatch):
    """reconcile_files with several files, each a report, reads each file once (it read them all together first, then
    each again); a file that cannot be read still gives one error naming every file's problems."""
    folder = Path(__file__).resolve().parents[1] / "data" / "published"
    files = [folder / "T01.csv", folder / "T09e.csv", folder / "U02.csv"]
    real, loaded = load.load_figures, []

    def counting(paths, **kwargs):
        loaded.extend(Path(p).name for p in paths)
        return real(paths, **kwargs)

    monkeypatch.setattr(load, "load_figures", counting)
    result = reconcile.reconcile_files(files, each_file=True)
    assert sorted(loaded) == ["T01.csv", "T09e.csv", "U02.csv"]
    assert list(dict.fromkeys(result.figures["report"])) == ["T01.csv", "T09e.csv", "U02.csv"]
    loaded.clear()
    reconcile.reconcile_files(files)  # together: one load of every file
    assert sorted(loaded) == ["T01.csv", "T09e.csv", "U02.csv"]


def test_several_reports_with_unreadable_files_raise_one_error_naming_each(tmp_path):
    bad, worse = tmp_path / "bad.csv", tmp_path / "worse.csv"
    bad.write_text(HEADER + "十八届人大二次会议,2023,,received,,abc,,,,原文,\n", encoding="utf-8")
    worse.write_text(HEADER + "十八届人大二次会议,2023,,received,,-5,,,,原文,\n", encoding="utf-8")
    good = Path(__file__).resolve().parents[1] / "data" / "published" / "U02.csv"
    with pytest.raises(DataError) as caught:
        reconcile.reconcile_files([good, bad, worse], each_file=True)
    assert {Path(p.file).name for p in caught.value.problems if p.code != "more"} >= {"bad.csv", "worse.csv"}


def test_a_findings_base_is_named_in_words_never_as_the_files_measure_at_handler():
    """The Chinese page said 基数（received）未知 and 基数（handled@市政府）未知: the file's codes, not words."""
    folder = Path(__file__).resolve().parents[1] / "data" / "published"
    for name in ("R05.csv", "R14.csv", "T17.csv", "T01.csv"):
        result = reconcile.reconcile_files([folder / name])
        for message in list(result.findings["message"]) + list(result.figures["rule"].fillna("")):
            assert not re.search(r"received|handled|@", message), (name, message)
        for message in result.findings["message_en"]:
            assert "@" not in message and not re.search(r"\((received|handled)\)", message), (name, message)
    t17 = reconcile.reconcile_files([folder / "T17.csv"])
    assert any("基数（市政府办理件数）未知" in m for m in t17.findings["message"])
    assert any("its base (suggestions handled by municipal government) is unknown" in m for m in t17.findings["message_en"])
    r14 = reconcile.reconcile_files([folder / "R14.csv"])
    assert any("唯一同时符合这些百分比的收到建议件数）" in m for m in r14.figures["rule"].fillna(""))


def test_a_report_of_2019_is_checked_before_a_session_of_2024_when_the_years_are_printed(tmp_path):
    head = "session,year,handler,measure,category,count,percent,base,source,note\n"
    dated = tmp_path / "dated.csv"
    dated.write_text(head + "十七届人大三次会议,2024,,received,,40,,,甲,\n2019年度,2019,,received,,115,,,乙,\n",
                     encoding="utf-8")
    assert list(reconcile.reconcile_files([dated]).figures["session"]) == ["2019年度", "十七届人大三次会议"]
    undated = tmp_path / "undated.csv"  # the session's year not known: term and number first, never a guess
    undated.write_text(head + "2019年度,,,received,,115,,,乙,\n十七届人大三次会议,,,received,,40,,,甲,\n",
                       encoding="utf-8")
    assert list(reconcile.reconcile_files([undated]).figures["session"]) == ["十七届人大三次会议", "2019年度"]


@pytest.mark.parametrize("printed, unprinted", [("代表满意率", ""), ("满意件", ""), ("对办理结果满意率", "对办理结果"),
                                                ("代表对办理结果的满意率", "代表对办理结果"), ("会期", "会期")])
def test_the_levels_a_report_does_not_print_are_named_from_the_printed_one_without_garbling_it(tmp_path, printed,
                                                                                              unprinted):
    # 大兴镇 2025: “代表满意率100%” alone; its 基本满意 and 不满意 rows were named “代表率”
    result = from_text(tmp_path, f"{S1},2025,,received,,189,,,,src,\n{S1},2025,,satisfied,{printed},,100,,,src,\n")
    for measure in ("basically_satisfied", "unsatisfied"):
        assert fig(result, S1, "", measure, unprinted)["count_status"] == "unknown"


def test_one_truncated_item_and_the_item_plugged_to_reach_100_are_told_apart(tmp_path):
    # 甘肃省 2023: 397, 108, 42 of 547 printed 72.5, 19.8, 7.7 (rounded: 72.6, 19.7, 7.7). A is cut; only B was moved
    # so that the list prints 100.0: two items "adjusted" would cancel out and explain nothing.
    result = from_text(tmp_path, f"{S1},2023,区政府,handled,,547,,,,src,\n"
                                 f"{S1},2023,区政府,outcome,A,397,72.5,,,src,\n"
                                 f"{S1},2023,区政府,outcome,B,108,19.8,,,src,\n"
                                 f"{S1},2023,区政府,outcome,C,42,7.7,,,src,\n")
    assert [fig(result, S1, "区政府", "outcome", c)["verdict"] for c in "ABC"] == ["truncation", "plug", "ok"]
    warnings = result.findings[result.findings["severity"] == "warning"]
    a, b = (warnings[warnings["category"] == c]["message"].tolist() for c in "AB")
    assert len(a) == 1 and "截" in a[0] and "100%" not in a[0]
    assert len(b) == 1 and "100%" in b[0]
    assert severities(result)["error"] == 0


def test_the_data_note_names_each_published_file_once():
    # two reports checked together: a figure derived from both (no row of its own) named them as "U09.csv, U11.csv",
    # and the note read 取自公开数字（U09.csv, U09.csv, U11.csv, U11.csv）
    from analysis import metrics, narrative
    published = Path(__file__).resolve().parents[1] / "data" / "published"
    figures = metrics.overview_from_published(
        reconcile.reconcile_files([published / "U09.csv", published / "U11.csv"]).figures)
    assert "（U09.csv、U11.csv）" in narrative.data_note(figures)
    assert "(U09.csv, U11.csv)" in narrative.data_note(figures, lang="en")


def test_one_part_listed_short_of_its_whole_is_named_as_it_is_not_as_a_sum():
    """U11 lists one class (解决采纳 4084 of 5338 received), U12 one body (镇政府 17 of 42): the note names the one part,
    not 'the sum of the items listed = 4084'; a list of several keeps its sum (T10)."""
    def notes(name):
        found = reconcile.reconcile_files([Path(__file__).resolve().parents[1] / "data" / "published" / name]).findings
        return [(m, e) for m, e in zip(found["message"], found["message_en"]) if "少" in m]

    (u11, u11_en), = notes("U11.csv")
    assert u11.startswith("所列只有“解决采纳”4084件一项，比收到建议5338件少1254件：") and "之和" not in u11
    assert u11_en.startswith("the only part listed, “解决采纳” 4084, falls short of received 5338 by 1254:")
    (u12, _), = notes("U12.csv")
    assert u12.startswith("所列只有镇政府办理17件一项，比收到建议42件少25件，差额原文未作说明")
    (t10, t10_en), = notes("T10.csv")
    assert t10.startswith("所列各项之和 “已得到解决”62件 + “正在解决”18件 + “规划解决”16件 = 96，比县政府办理97件少1件")
    assert " = 96 fall short of " in t10_en
