"""Metrics on a five-row ledger, every expectation worked out by hand in the comments."""
from __future__ import annotations

import os
from fractions import Fraction

import pandas as pd
import pytest

from analysis import metrics, paths, schemes
from analysis.config import load_config
from analysis.errors import ConfigError
from analysis.load import load_cases

S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"
TOTAL = f"{S1}+{S2}"
GOV, PORT = "区政府", "国际港务区"


def five_cases() -> pd.DataFrame:
    """Five suggestions in the loader's contract shape (only the columns metrics read)."""
    frame = pd.DataFrame({
        "suggestion_id": ["1", "2", "3", "4", "5"],
        "session": [S1, S1, S1, S2, S2],
        "year": [2022, 2022, 2022, 2023, 2023],
        "handler": [GOV, GOV, PORT, GOV, PORT],
        "after_meeting": [False, True, False, False, False],
        "outcome_class": ["A", "B", "A", None, "C"],
        "status": ["已办结", "已办结", "办理中", "办理中", "已办结"],
        # 1: deadline 2022-05-01, replied 04-30 → on time
        # 2: deadline 2022-05-01, replied 05-02 → late
        # 3: complex, deadline 2022-09-01, replied 08-31 → on time
        # 4: no reply (deadline 2023-05-10)
        # 5: replied but no assignment date → deadline unknown
        "assigned_date": pd.to_datetime(["2022-02-01", "2022-02-01", "2022-03-01", "2023-02-10", None]),
        "reply_date": pd.to_datetime(["2022-04-30", "2022-05-02", "2022-08-31", None, "2023-05-01"]),
        "complex_case": [False, False, True, False, False],
        "satisfaction": ["满意", "基本满意", None, None, "不满意"],
        "met_deputy": [True, False, True, None, True],
        "key_supervision": [True, False, False, False, False],
        "lead_unit": ["区城管局", "区城管局", "港务区建设局", "区教育局", "港务区建设局"],
        "topic": ["城建环保", "教科文卫", "城建环保", None, "城建环保"],
        "data_source": ["示例数据"] * 5,
    })
    for column in ("suggestion_id", "session", "handler", "outcome_class", "status", "satisfaction", "lead_unit",
                   "topic", "data_source"):
        frame[column] = frame[column].astype("string")
    for column in ("after_meeting", "complex_case", "met_deputy", "key_supervision"):
        frame[column] = frame[column].astype("boolean")
    frame["year"] = frame["year"].astype("Int64")
    frame.attrs["provenance"] = [{"file": "/x/ledger.csv", "is_sample": True}]
    return frame


def fig(frame, session, handler, measure, category=""):
    hit = frame[(frame["session"] == session) & (frame["handler"] == handler) & (frame["measure"] == measure)
                & (frame["category"] == category)]
    assert len(hit) == 1, (session, handler, measure, category, len(hit))
    return hit.iloc[0]


@pytest.fixture(scope="module")
def figures():
    return metrics.ledger_figures(five_cases())


def test_figures_frame_has_the_declared_columns_and_dtypes(figures):
    assert tuple(figures.columns) == metrics.FIGURE_COLUMNS
    assert str(figures["count"].dtype) == "Int64"
    assert str(figures["share_pct"].dtype) == "Float64"


def test_received_after_meeting_and_handled_per_body(figures):
    assert fig(figures, S1, "", "received")["count"] == 3
    after = fig(figures, S1, "", "received_after_meeting")
    assert (after["count"], after["base"]) == (1, 3)
    gov, port = fig(figures, S1, GOV, "handled"), fig(figures, S1, PORT, "handled")
    assert (gov["count"], port["count"]) == (2, 1)
    assert port["base"] == 3 and port["base_measure"] == "received"
    assert port["share_pct"] == pytest.approx(100 / 3)
    assert fig(figures, S2, "", "received")["count"] == 2


def test_total_over_sessions_gives_the_port_zone_share(figures):
    port = fig(figures, TOTAL, PORT, "handled")
    assert (port["count"], port["base"], port["share_pct"]) == (2, 5, 40.0)
    assert bool(port["is_total"]) is True
    assert pd.isna(port["year"])
    # Wilson 95% for 2/5: 11.76 % – 76.93 %
    assert (round(float(port["ci_low_pct"]), 2), round(float(port["ci_high_pct"]), 2)) == (11.76, 76.93)


def test_outcome_classes_are_shares_of_the_body_handled(figures):
    a, b, c = (fig(figures, S1, GOV, "outcome", code) for code in "ABC")
    assert [a["count"], b["count"], c["count"]] == [1, 1, 0]
    assert a["base"] == 2 and a["base_measure"] == "handled" and a["share_pct"] == 50.0
    # Session 2, 区政府: the one suggestion has no class yet → unclassified, not a class.
    assert fig(figures, S2, GOV, "unclassified")["count"] == 1
    assert fig(figures, S2, GOV, "outcome", "A")["count"] == 0
    # solved = the scheme's solved classes (A): all bodies, session 1: 2 of 3
    solved = fig(figures, S1, "", "solved", "A")
    assert (solved["count"], solved["base"]) == (2, 3)


def test_solved_follows_the_scheme_not_the_letter_a():
    four = schemes.load_scheme("four_class")
    frame = metrics.session_overview(five_cases(), scheme=four)
    assert set(frame.loc[frame["measure"] == "outcome", "category"]) == {"A", "B", "C", "D"}
    # In the four-class scheme C means "planned", so suggestion 5 (C) is still not solved.
    assert fig(frame, S2, "", "solved", "A")["count"] == 0


def test_completion_is_not_the_reply_rate(figures):
    completed = fig(figures, S1, "", "completed")
    replied = fig(figures, S1, "", "replied")
    assert (completed["count"], completed["base"]) == (2, 3)  # 办结率 66.7 %
    assert (replied["count"], replied["base"]) == (3, 3)  # 办复率 100 %
    assert fig(figures, S2, "", "replied")["count"] == 1


def test_on_time_against_the_three_and_six_month_rule(figures):
    on_time = fig(figures, S1, "", "replied_on_time")
    assert (on_time["count"], on_time["base"]) == (2, 3)
    assert on_time["base_measure"] == metrics.ON_TIME_BASE
    assert "3个月" in on_time["rule"] and "6个月" in on_time["rule"]
    # Session 2: the only reply has no assignment date → cannot be judged → unknown, not 0.
    unknown = fig(figures, S2, "", "replied_on_time")
    assert unknown["status"] == "unknown" and pd.isna(unknown["count"])


def test_satisfaction_rates_with_and_without_basic_use_rated_as_base(figures):
    with_basic = fig(figures, S1, "", "satisfied_or_basic")
    without = fig(figures, S1, "", "satisfied")
    assert (with_basic["count"], with_basic["base"], with_basic["share_pct"]) == (2, 2, 100.0)
    assert (without["count"], without["base"], without["share_pct"]) == (1, 2, 50.0)
    assert with_basic["base_measure"] == "rated"
    assert fig(figures, S1, "", "basically_satisfied")["count"] == 1
    assert fig(figures, S2, "", "unsatisfied")["count"] == 1
    # Nobody rated the port zone in session 1: unknown, not 0 %.
    assert fig(figures, S1, PORT, "satisfied_or_basic")["status"] == "unknown"


def test_met_and_key_supervision_count_filled_cells(figures):
    met = fig(figures, S1, "", "met")
    assert (met["count"], met["base"], met["base_measure"]) == (2, 3, "handled")
    # Session 2: one of two cells filled in → base is the recorded one.
    met2 = fig(figures, S2, "", "met")
    assert (met2["count"], met2["base"], met2["base_measure"]) == (1, 1, "recorded")
    key = fig(figures, S1, "", "key_supervision")
    assert (key["count"], key["base"]) == (1, 3)


def test_a_column_the_ledger_lacks_is_unknown_not_zero():
    frame = metrics.handling_rates(five_cases().drop(columns=["met_deputy", "reply_date"]))
    met = fig(frame, S1, "", "met")
    assert met["status"] == "unknown" and pd.isna(met["count"])
    assert fig(frame, S1, "", "replied")["status"] == "unknown"


def test_provenance_travels_with_every_row(figures):
    assert set(figures["basis"]) == {"ledger"}
    assert set(figures["source"]) == {"ledger.csv"}
    assert figures["is_sample"].all()
    assert set(figures.loc[figures["status"] != "unknown", "status"]) == {"ledger"}


def test_reply_deadlines_from_session_close_and_month_end():
    cases = five_cases()
    config = load_config()
    config["on_time"] = {"start": "session_close", "months": 3, "complex_months": 6}
    config["session_close_dates"] = {S1: "2022-01-20", S2: "2023-02-03"}
    d = metrics.reply_deadlines(cases, config=config)
    assert d.loc[4, "deadline_date"] == pd.Timestamp("2023-05-03")  # 2023-02-03 + 3 months
    assert bool(d.loc[4, "on_time"]) is True  # replied 2023-05-01
    assert d.loc[2, "deadline_date"] == pd.Timestamp("2022-07-20")  # complex: + 6 months
    month_end = pd.DataFrame({"assigned_date": pd.to_datetime(["2023-11-30"]), "session": [S1],
                              "complex_case": pd.array([False], dtype="boolean")})
    assert metrics.reply_deadlines(month_end)["deadline_date"][0] == pd.Timestamp("2024-02-29")


def test_bad_on_time_rule_is_a_config_error():
    config = load_config()
    config["on_time"] = {"start": "whenever"}
    with pytest.raises(ConfigError, match="assigned"):
        metrics.reply_deadlines(five_cases(), config=config)


def test_on_time_replies_table_counts_late_and_overdue():
    table = metrics.on_time_replies(five_cases(), as_of_date="2023-06-01")
    s1 = table[(table["session"] == S1) & (table["handler"] == "")].iloc[0]
    assert (s1["on_time"], s1["late"], s1["on_time_base"]) == (2, 1, 3)
    s2 = table[(table["session"] == S2) & (table["handler"] == "")].iloc[0]
    # Suggestion 4: no reply, deadline 2023-05-10 passed by 2023-06-01 → overdue.
    assert (s2["overdue_unreplied"], s2["no_deadline"], s2["on_time_base"], s2["on_time"]) == (1, 1, 1, 0)
    assert s2["on_time_share_pct"] == 0.0


def test_with_change_from_previous_session(figures):
    changed = metrics.with_change(figures)
    received = fig(changed, S2, "", "received")
    assert (received["previous_session"], received["previous_count"], received["change_count"]) == (S1, 3, -1)
    port = fig(changed, S2, PORT, "handled")
    assert port["change_share_pct_points"] == pytest.approx(50.0 - 100 / 3)
    assert pd.isna(fig(changed, S1, "", "received")["change_count"])
    assert pd.isna(fig(changed, TOTAL, "", "received")["change_count"])


def test_headline_figures_are_ordered_and_leave_totals_out(figures):
    head = metrics.headline_figures(figures)
    assert TOTAL not in set(head["session"])
    first = head[head["session"] == S1]
    assert first.iloc[0]["measure"] == "received"
    assert list(first["measure"][:4]) == ["received", "received_after_meeting", "handled", "handled"]
    assert "previous_count" in head.columns


def test_outcome_mix_test_on_figures_lists_excluded_sessions():
    published_like = metrics.ledger_figures(five_cases())
    # Make session 2's class C unknown: that session must be left out, and said so.
    mask = (published_like["session"] == S2) & (published_like["measure"] == "outcome") & (
        published_like["category"] == "C")
    published_like.loc[mask, "count"] = pd.NA
    result = metrics.outcome_mix_test(published_like, handler="")
    assert result.excluded_rows == (S2,)
    assert result.method == "not_testable"
    assert S2 in result.verdict("zh")


def test_outcome_mix_test_names_an_excluded_year_in_english_on_an_english_page():
    # a report by years (T17, U07): the year left out was named 2020年度 in the English verdict
    years = {S1: "2019年度", S2: "2020年度"}
    published_like = metrics.ledger_figures(five_cases())
    published_like["session"] = published_like["session"].map(lambda s: years.get(s, s))
    published_like = published_like[published_like["session"].isin(years.values())]
    mask = (published_like["session"] == "2020年度") & (published_like["measure"] == "outcome") & (
        published_like["category"] == "C")
    published_like.loc[mask, "count"] = pd.NA
    result = metrics.outcome_mix_test(published_like, handler="")
    assert result.excluded_rows == ("2020年度",)
    assert "Left out because some class counts are unknown: year 2020." in result.verdict("en")
    assert "2020年度" in result.verdict("zh")


def test_outcome_table_rows_are_sessions_columns_are_codes(figures):
    table = metrics.outcome_table(figures, handler="")
    assert list(table.index) == [S1, S2]
    assert list(table.columns) == ["A", "B", "C"]
    assert table.loc[S1].tolist() == [2, 1, 0]


def test_the_body_whose_classes_are_shown_is_the_first_with_a_known_class_count_of_the_scheme():
    figures = metrics.ledger_figures(five_cases())
    assert metrics.outcome_body(figures) == GOV
    # the first body's classes unknown (a report printing its class wordings, or blanks): the next body's
    unknown = figures.copy()
    unknown.loc[(unknown["handler"] == GOV) & (unknown["measure"] == "outcome"), "count"] = pd.NA
    assert metrics.outcome_body(unknown) == PORT
    # the order is the settings', not the frame's
    assert metrics.outcome_body(figures, config={**load_config(), "handlers": [PORT, GOV]}) == PORT
    # a class of another scheme is not one of this scheme's; no body has one: the first, as before
    assert metrics.outcome_body(figures, scheme="four_class") == GOV
    assert metrics.outcome_body(figures.assign(category=figures["category"].replace({"A": "甲", "B": "乙", "C": "丙"}))) == GOV


def test_the_class_table_and_its_test_take_the_scheme_the_figures_were_counted_in():
    # a four-class ledger (run with --scheme four_class, the settings' scheme abc): class D was left out of the test
    cases = five_cases().assign(outcome_class=["A", "D", "D", None, "C"])
    figures = metrics.ledger_figures(cases, scheme="four_class")
    assert figures.attrs["scheme"] == "four_class"
    table = metrics.outcome_table(figures, handler="")
    assert list(table.columns) == ["A", "B", "C", "D"] and table.loc[S1].tolist() == [1, 0, 0, 2]
    mix = metrics.outcome_mix_test(figures, handler="")
    assert list(mix.table.columns) == ["A", "C", "D"] and mix.dropped_columns == ("B",)  # none in B


def test_topic_breakdown_counts_and_blank_topic():
    topics = metrics.topic_breakdown(five_cases())
    s2 = topics[(topics["session"] == S2)].set_index("topic")
    assert s2.loc["城建环保", "count"] == 1 and s2.loc["", "count"] == 1
    assert s2.loc["城建环保", "share_pct"] == 50.0
    assert list(topics[topics["session"] == S1]["topic"]) == ["城建环保", "教科文卫", ""]


def _unit_config(**perf):
    config = load_config()
    config["performance"] = {**config["performance"], **perf}
    return config


def test_unit_table_scores_by_configured_weights():
    units = metrics.unit_table(five_cases()).set_index("lead_unit")
    city = units.loc["区城管局"]
    # solved 1/2, on time 1/2, satisfied-or-basic 2/2 → 0.4·0.5 + 0.3·0.5 + 0.3·1 = 0.65
    assert (city["cases"], city["solved"], city["on_time"], city["rated"]) == (2, 1, 1, 2)
    assert city["score"] == pytest.approx(0.65)
    port = units.loc["港务区建设局"]
    # solved 1/2, on time 1/1 (suggestion 5 has no deadline), satisfied 0/1 → 0.2 + 0.3 + 0 = 0.5
    assert port["score"] == pytest.approx(0.5)
    edu = units.loc["区教育局"]
    # Only the solved share is known (0/1): re-weighted over it alone, and the note says so.
    assert edu["score"] == pytest.approx(0.0)
    assert edu["score_components"] == "solved_share"
    assert "重新加权" in edu["note"]
    # Fewer than min_cases (3): shown, never ranked nor flagged.
    assert units["rank"].isna().all()
    ranked = metrics.unit_table(five_cases(), config=_unit_config(min_cases=1))
    assert list(ranked["rank"]) == [1, 2, 3] and list(ranked["lead_unit"]) == ["区城管局", "港务区建设局", "区教育局"]
    assert not units["flagged"].any()
    assert "仅列示不评定" in city["note"]


def test_unit_table_flags_below_threshold_when_enough_cases():
    units = metrics.unit_table(five_cases(), config=_unit_config(min_cases=2, flag_below=0.6)).set_index("lead_unit")
    assert bool(units.loc["港务区建设局", "flagged"]) is True  # 0.5 < 0.6
    assert bool(units.loc["区城管局", "flagged"]) is False  # 0.65
    assert bool(units.loc["区教育局", "flagged"]) is False  # 1 case < 2
    assert "得分低于0.6" in units.loc["港务区建设局", "note"]


def test_unit_table_weights_change_the_score():
    units = metrics.unit_table(five_cases(), config=_unit_config(weights={"satisfaction_share": 1.0}))
    assert units.set_index("lead_unit").loc["区城管局", "score"] == pytest.approx(1.0)


def test_unit_table_rejects_unknown_weights():
    with pytest.raises(ConfigError, match="allowed"):
        metrics.unit_table(five_cases(), config=_unit_config(weights={"speed": 1.0}))


def test_unit_table_for_one_session():
    units = metrics.unit_table(five_cases(), sessions=[S2])
    assert sorted(units["lead_unit"]) == ["区教育局", "港务区建设局"]
    assert units["cases"].sum() == 2


def test_unit_table_of_some_sessions_is_the_table_of_their_rows():
    # the rows of the sessions, with the ledger's as-of date: the same table as the ledger's codes of those rows give
    cases = load_cases(paths.SAMPLE_LEDGER)
    cases["lead_unit"] = cases["lead_unit"].astype(object)
    cases.loc[cases.index[::7], "lead_unit"] = " 区教育局 "  # unstripped, and blank below: coded as the loader would
    cases.loc[cases.index[3::11], "lead_unit"] = None
    latest = metrics.order_sessions(cases["session"].dropna().unique())[-1]
    rows = cases[cases["session"] == latest]
    expected = metrics.unit_table(rows, as_of_date=metrics.resolve_as_of(cases))
    expected.attrs["as_of_date"] = metrics.resolve_as_of(cases).date().isoformat()
    pd.testing.assert_frame_equal(metrics.unit_table(cases, sessions=[latest]), expected, check_exact=True)


def test_an_edited_scheme_file_is_read_again(tmp_path):
    scheme = tmp_path / "two.yaml"
    text = (paths.SCHEMES_DIR / "abc.yaml").read_text(encoding="utf-8")
    scheme.write_text(text, encoding="utf-8")
    first = metrics._scheme(str(scheme))
    assert metrics._scheme(str(scheme)) is first  # parsed once
    scheme.write_text(text.replace("solved: true", "solved: false"), encoding="utf-8")
    os.utime(scheme, ns=(scheme.stat().st_atime_ns, scheme.stat().st_mtime_ns + 1_000_000_000))
    again = metrics._scheme(str(scheme))
    assert [c.solved for c in again.classes] != [c.solved for c in first.classes]


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s"])
def test_end_of_data_is_the_latest_date_whatever_the_unit_and_gaps(unit):
    dates = pd.Series(pd.to_datetime(["2023-03-01 13:30", None, "2024-02-29 08:00", "1969-12-31"], format="mixed")).astype(
        f"datetime64[{unit}]")
    frame = pd.DataFrame({"assigned_date": dates, "reply_date": dates.where(dates.isna())})
    assert metrics.end_of_data(frame) == pd.Timestamp("2024-02-29")
    assert metrics.end_of_data(frame.assign(assigned_date=dates.where(dates.isna()))) is None



def test_unit_table_groups_blank_and_unstripped_units_as_the_loader_would():
    frame = five_cases()
    frame["lead_unit"] = frame["lead_unit"].astype(object)
    frame.loc[1, "lead_unit"] = " 区城管局 "  # same unit as row 0 once stripped
    frame.loc[3, "lead_unit"] = "  "  # blank: the unit is not filled in
    units = metrics.unit_table(frame)
    # sorted by handler then unit (blank first) before the score order: the blank unit is last, unscored by rank
    assert list(units["lead_unit"]) == ["区城管局", "港务区建设局", ""]
    assert list(units["cases"]) == [2, 2, 1]
    assert units.set_index("lead_unit").loc["", "note"].startswith("主办单位未填写")


def test_counts_follow_a_frame_edited_in_place():
    """Columns are factorised once per frame and reused; an edit, a filter or a copy must never see stale codes."""
    cases = five_cases()
    before = metrics.session_overview(cases)
    assert fig(before, S1, GOV, "handled")["count"] == 2
    cases.loc[0, "handler"] = PORT  # same frame, same shape, one cell changed
    after = metrics.session_overview(cases)
    assert fig(after, S1, GOV, "handled")["count"] == 1 and fig(after, S1, PORT, "handled")["count"] == 2
    cases.loc[2, "handler"] = "高新区管委会"  # a body the frame did not hold before
    assert "高新区管委会" in metrics.handlers_of(cases, load_config())
    kept = cases[cases["session"] == S2]  # a filtered frame counts its own rows
    assert fig(metrics.session_overview(kept), S2, "", "received")["count"] == 2
    copied = cases.copy()
    copied.loc[3, "handler"] = PORT  # copy-on-write: the original keeps its value
    assert fig(metrics.session_overview(cases), S2, GOV, "handled")["count"] == 1
    assert fig(metrics.session_overview(copied), S2, GOV, "handled")["count"] == 0
    cases["handler"] = pd.array([GOV] * 5, dtype="string")  # a column replaced
    assert fig(metrics.session_overview(cases), S1, GOV, "handled")["count"] == 3


# --- published figures ----------------------------------------------------------------------

def reconciliation_like() -> pd.DataFrame:
    """A small Reconciliation.figures frame in the contract's shape."""
    rows = [
        (S2, "", "received", "", 4, "derived", "由 区政府2件 + 国际港务区2件 得出", "", ""),
        (S2, GOV, "handled", "", 2, "printed", "", "", "52.3"),
        (S2, PORT, "handled", "", 2, "printed", "", "", ""),
        (S2, GOV, "outcome", "A", 1, "printed", "", "", "50"),
        (S2, GOV, "outcome", "B", None, "unknown", "", "", ""),
        (S2, GOV, "outcome", "C", None, "unknown", "", "", ""),
        (S3, "", "received", "", 6, "derived", "由 合计10件 − 4件 得出", "“三年”按一至三次会议计", ""),
        (S3, GOV, "handled", "", 5, "derived", "", "", ""),
        (S3, PORT, "handled", "", 1, "derived", "", "", ""),
    ]
    frame = pd.DataFrame(rows, columns=["session", "handler", "measure", "category", "count", "status", "rule",
                                        "assumption", "percent_text"])
    frame["count"] = frame["count"].astype("Int64")
    frame["percent"] = pd.array([None, None, None, 50.0, None, None, None, None, None], dtype="Float64")
    frame["rule_en"] = ""
    frame["source_row"] = pd.array(range(2, 11), dtype="Int64")
    frame["source_file"] = "report.csv"
    return frame


def test_overview_from_published_marks_each_value():
    pub = metrics.overview_from_published(reconciliation_like())
    assert tuple(pub.columns) == metrics.FIGURE_COLUMNS
    assert set(pub["basis"]) == {"published"}
    received = fig(pub, S2, "", "received")
    assert (received["count"], received["status"]) == (4, "derived")
    assert received["rule"].startswith("由")
    port = fig(pub, S3, PORT, "handled")
    assert (port["count"], port["base"], port["status"]) == (1, 6, "derived")
    assert port["share_pct"] == pytest.approx(100 / 6)
    a = fig(pub, S2, GOV, "outcome", "A")
    assert (a["base"], a["base_measure"], a["share_pct"]) == (2, "handled", 50.0)
    b = fig(pub, S2, GOV, "outcome", "B")
    assert b["status"] == "unknown" and pd.isna(b["count"])
    assert fig(pub, S2, GOV, "solved", "A")["count"] == 1
    assert fig(pub, S3, "", "received")["assumption"] == "“三年”按一至三次会议计"
    assert fig(pub, S2, "", "received")["source"] == "report.csv"
    assert not pub["is_sample"].any()
    assert pd.isna(fig(pub, S2, "", "received")["base"])  # a count is not a share of itself


def test_a_published_share_carries_its_own_status_and_a_ledger_share_its_counts():
    frame = reconciliation_like()
    frame["percent_status"] = ["", "printed", "unknown", "printed", "unknown", "unknown", "", "unknown", "unknown"]
    pub = metrics.overview_from_published(frame)
    assert fig(pub, S2, GOV, "handled")["percent_status"] == "printed"  # printed 52.3, its count printed too
    assert fig(pub, S3, PORT, "handled")["percent_status"] == "derived"  # 1 ÷ 6: arithmetic, not printed
    assert fig(pub, S2, GOV, "outcome", "B")["percent_status"] == "unknown"
    assert fig(pub, S2, "", "received")["percent_status"] == ""  # a count of no base: no share
    assert fig(pub, S2, GOV, "solved", "A")["percent_status"] == "printed"  # one class: its share as printed
    ledger = metrics.ledger_figures(five_cases())
    assert (ledger["percent_status"] == ledger["status"]).all()


def test_combine_prefers_the_ledger_and_keeps_published_only_sessions():
    ledger = metrics.ledger_figures(five_cases())
    pub = metrics.overview_from_published(reconciliation_like())
    combined = metrics.combine_overviews(ledger, pub)
    assert fig(combined, S2, "", "received")["basis"] == "ledger"
    assert fig(combined, S2, "", "received")["count"] == 2
    s3 = fig(combined, S3, "", "received")
    assert (s3["basis"], s3["status"], s3["count"]) == ("published", "derived", 6)
    assert metrics.order_sessions(combined["session"]) == [S1, S2, TOTAL, S3]


def test_port_zone_share_selects_the_configured_zone(figures):
    share = metrics.port_zone_share(figures)
    assert set(share["handler"]) == {PORT}
    assert list(share["session"]) == [S1, S2, TOTAL]
    assert list(share["count"]) == [1, 1, 2]


# --- one on-time base, stated -----------------------------------------------------------------

def overdue_cases(replied_on_time: int = 53, replied_late: int = 3, unreplied: int = 10) -> pd.DataFrame:
    """One body in one session: replies on time, late replies, and suggestions never answered.

    Assigned 2024-01-02, so the 3-month deadline is 2024-04-02; a late reply comes on 2024-06-01,
    which is also the last date in the ledger, so the unanswered ones are overdue by then.
    """
    n = replied_on_time + replied_late + unreplied
    replies = ["2024-03-01"] * replied_on_time + ["2024-06-01"] * replied_late + [None] * unreplied
    frame = pd.DataFrame({
        "suggestion_id": [f"S18-3-{i:03d}" for i in range(1, n + 1)],
        "session": [S3] * n, "year": [2024] * n, "handler": [GOV] * n,
        "lead_unit": ["区城管局"] * (n // 2) + ["区教育局"] * (n - n // 2),
        "outcome_class": ["A"] * n, "status": ["已办结"] * n, "satisfaction": ["满意"] * n,
        "assigned_date": pd.to_datetime(["2024-01-02"] * n),
        "reply_date": pd.to_datetime(replies),
        "complex_case": [False] * n,
    })
    for column in ("suggestion_id", "session", "handler", "lead_unit", "outcome_class", "status", "satisfaction"):
        frame[column] = frame[column].astype("string")
    frame["complex_case"] = frame["complex_case"].astype("boolean")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def test_overdue_unanswered_cases_are_in_every_on_time_base_by_the_end_of_the_data():
    # The audit: 94.6% (53/56) in the cards and paragraph against 80.3% (53/66) in the unit table.
    cases = overdue_cases()
    assert metrics.end_of_data(cases) == pd.Timestamp("2024-06-01")
    rate = fig(metrics.ledger_figures(cases), S3, GOV, "replied_on_time")
    assert (rate["count"], rate["base"], rate["base_measure"]) == (53, 66, metrics.ON_TIME_BASE)
    assert round(rate["share_pct"], 1) == 80.3
    table = metrics.on_time_replies(cases).set_index(["session", "handler"]).loc[(S3, GOV)]
    assert (table["on_time"], table["late"], table["overdue_unreplied"], table["on_time_base"]) == (53, 3, 10, 66)
    units = metrics.unit_table(cases)
    assert (units["on_time"].sum(), units["on_time_base"].sum()) == (53, 66)
    # Each unit keeps its own overdue cases in its base: 5 of the 10 are 区教育局's.
    edu = units.set_index("lead_unit").loc["区教育局"]
    assert (edu["on_time"], edu["on_time_base"]) == (20, 33)


def test_an_as_of_date_before_the_deadline_leaves_the_unanswered_out_everywhere():
    cases = overdue_cases()
    rate = fig(metrics.ledger_figures(cases, as_of_date="2024-04-01"), S3, GOV, "replied_on_time")
    assert (rate["count"], rate["base"]) == (53, 56)
    units = metrics.unit_table(cases, as_of_date="2024-04-01")
    assert units["on_time_base"].sum() == 56


def test_the_as_of_date_of_a_session_is_the_end_of_the_whole_ledger():
    # A later session's replies move the end of the data: a unit table of one session uses it too.
    later = overdue_cases(1, 0, 0)
    later["session"] = pd.array([S2] * len(later), dtype="string")
    later["reply_date"] = pd.to_datetime(["2024-09-01"])
    cases = pd.concat([overdue_cases(), later], ignore_index=True)
    assert metrics.resolve_as_of(cases) == pd.Timestamp("2024-09-01")
    assert metrics.unit_table(cases, sessions=[S3]).attrs["as_of_date"] == "2024-09-01"


def test_a_reply_on_the_deadline_day_is_on_time():
    cases = overdue_cases(1, 0, 0)
    cases["assigned_date"] = pd.to_datetime(["2024-01-31"])
    cases["reply_date"] = pd.to_datetime(["2024-04-30"])  # 31 Jan + 3 months = 30 Apr (month end clamped)
    deadlines = metrics.reply_deadlines(cases)
    assert deadlines.loc[0, "deadline_date"] == pd.Timestamp("2024-04-30")
    assert bool(deadlines.loc[0, "on_time"]) is True
    cases["reply_date"] = pd.to_datetime(["2024-05-01"])
    assert bool(metrics.reply_deadlines(cases).loc[0, "on_time"]) is False


def test_a_blank_complex_flag_gives_no_deadline_never_the_three_month_rule():
    cases = overdue_cases(2, 0, 0)
    cases["reply_date"] = pd.to_datetime(["2024-05-01", "2024-05-01"])  # late under 3 months, on time under 6
    cases["complex_case"] = pd.array([None, False], dtype="boolean")
    deadlines = metrics.reply_deadlines(cases)
    assert pd.isna(deadlines.loc[0, "deadline_date"]) and pd.isna(deadlines.loc[0, "on_time"])
    assert not deadlines.loc[0, "in_on_time_base"]
    assert bool(deadlines.loc[1, "on_time"]) is False
    # A ledger that does not record the flag at all: no deadline either, never the 3-month rule for everyone.
    unflagged = metrics.reply_deadlines(cases.drop(columns="complex_case"))
    assert unflagged["deadline_date"].isna().all() and unflagged["undetermined"].all()


def unflagged_cases() -> pd.DataFrame:
    """A ledger without a 复杂建议 column: replies and unreplied suggestions in each zone of the two deadlines.

    Assigned 2024-01-02 (3 months: 2024-04-02; 6 months: 2024-07-02) unless said; the end of the data, the as-of
    date, is the last reply, 2024-07-03.
    """
    groups = [  # (count, assigned, reply, what it is whatever the flag)
        (2, "2024-01-02", "2024-03-01", "on time"),
        (1, "2024-01-02", "2024-04-02", "on time: the 3-month deadline day"),
        (3, "2024-01-02", "2024-05-15", "undetermined: between the deadlines"),
        (1, "2024-01-02", "2024-07-02", "undetermined: the 6-month deadline day, on time only if complex"),
        (2, "2024-01-02", "2024-07-03", "late"),
        (1, "2024-01-02", None, "overdue: past 6 months on 2024-07-03"),
        (2, "2024-04-01", None, "undetermined: past 3 months (07-01), not 6"),
        (1, "2024-06-01", None, "not yet due whatever the flag"),
    ]
    assigned = [a for n, a, _, _ in groups for _ in range(n)]
    replies = [r for n, _, r, _ in groups for _ in range(n)]
    cases = overdue_cases(len(assigned), 0, 0).drop(columns="complex_case")
    cases["assigned_date"] = pd.to_datetime(assigned)
    cases["reply_date"] = pd.to_datetime(replies)
    return cases


def test_without_the_complex_flag_each_zone_is_judged_and_the_on_time_rate_is_a_range():
    cases = unflagged_cases()
    d = metrics.reply_deadlines(cases)
    assert d.attrs["as_of_date"] == "2024-07-03"
    assert d["undetermined"].tolist() == [False] * 3 + [True] * 4 + [False] * 3 + [True] * 2 + [False]
    assert d["in_on_time_base"].tolist() == [True] * 3 + [False] * 4 + [True] * 3 + [False] * 3
    assert d["on_time"].tolist() == [True] * 3 + [pd.NA] * 4 + [False] * 2 + [pd.NA] * 4
    assert d["overdue_unreplied"].sum() == 1 and d["deadline_date"].isna().all() and d["months"].isna().all()
    table = metrics.on_time_replies(cases).set_index(["session", "handler"]).loc[(S3, GOV)]
    assert (table["on_time"], table["late"], table["overdue_unreplied"], table["on_time_base"], table["no_deadline"],
            table["undetermined"], table["undetermined_replied"]) == (3, 2, 1, 6, 0, 6, 4)
    assert pd.isna(table["on_time_share_pct"]) and pd.isna(table["ci_low_pct"])  # no one number
    assert (table["on_time_low_pct"], table["on_time_high_pct"]) == (25.0, 70.0)  # 3/12 and 7/10
    figures = metrics.ledger_figures(cases)
    rate = fig(figures, S3, GOV, "replied_on_time")
    assert rate["status"] == "unknown" and pd.isna(rate["count"]) and pd.isna(rate["share_pct"])
    assert metrics.on_time_bounds(figures, S3, GOV) == metrics.OnTimeBounds(3, 6, 4, 2, 25.0, 70.0)
    ends = figures[figures["measure"] == metrics.ON_TIME_BOUND].set_index(["handler", "category"])
    assert (ends.loc[(GOV, "low"), "count"], ends.loc[(GOV, "low"), "base"]) == (3, 12)
    assert (ends.loc[(GOV, "high"), "count"], ends.loc[(GOV, "high"), "base"]) == (7, 10)
    assert ends["ci_low_pct"].isna().all()
    # The two ends are the rate with every flag filled in "no" (the 3-month rule) and "yes" (6 months).
    for flag, end in ((False, "low"), (True, "high")):
        filled = cases.assign(complex_case=pd.array([flag] * len(cases), dtype="boolean"))
        exact = fig(metrics.ledger_figures(filled), S3, GOV, "replied_on_time")
        assert (exact["count"], exact["base"]) == (ends.loc[(GOV, end), "count"], ends.loc[(GOV, end), "base"])
    assert metrics.on_time_bounds(metrics.ledger_figures(filled), S3, GOV) is None


def test_no_unit_is_scored_on_an_on_time_rate_known_only_as_a_range():
    units = metrics.unit_table(unflagged_cases())
    assert units.attrs["performance"]["weights"]["on_time_share"] == 0.0
    assert units.attrs["on_time_undetermined"] == 6
    assert not units["score_components"].str.contains("on_time").any()
    assert units["on_time_share_pct"].isna().all() and units["on_time_undetermined"].sum() == 6
    assert units["note"].str.contains("是否按期取决于是否复杂建议").all()
    # A ledger giving every flag keeps its table as it was: no such column, the configured weight.
    flagged = metrics.unit_table(overdue_cases())
    assert "on_time_undetermined" not in flagged.columns and "on_time_undetermined" not in flagged.attrs
    assert flagged.attrs["performance"]["weights"]["on_time_share"] == 0.3


def test_a_flagged_ledger_has_no_range_and_nothing_undetermined():
    cases = overdue_cases()
    figures = metrics.ledger_figures(cases)
    assert not (figures["measure"] == metrics.ON_TIME_BOUND).any()
    assert metrics.on_time_bounds(figures, S3, GOV) is None
    table = metrics.on_time_replies(cases)
    assert (table["undetermined"] == 0).all()
    assert table["on_time_low_pct"].equals(table["on_time_share_pct"].rename("on_time_low_pct"))
    assert not metrics.reply_deadlines(cases)["undetermined"].any()


# --- the unit ranking at its edges ------------------------------------------------------------

def unit_cases(units: dict[tuple[str, str], tuple[int, int, int, int]]) -> pd.DataFrame:
    """Per (body, lead unit): (cases, solved, replied on time, satisfied); the rest late, class B, 不满意."""
    rows = []
    for (body, unit), (n, solved, on_time, satisfied) in units.items():
        for i in range(n):
            rows.append({"suggestion_id": f"{len(rows) + 1:03d}", "session": S3, "handler": body, "lead_unit": unit,
                         "outcome_class": "A" if i < solved else "B", "status": "已办结",
                         "assigned_date": "2024-01-02", "reply_date": "2024-03-01" if i < on_time else "2024-06-01",
                         "satisfaction": "满意" if i < satisfied else "不满意", "complex_case": False})
    frame = pd.DataFrame(rows)
    for column in ("suggestion_id", "session", "handler", "lead_unit", "outcome_class", "status", "satisfaction"):
        frame[column] = frame[column].astype("string")
    for column in ("assigned_date", "reply_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["complex_case"] = frame["complex_case"].astype("boolean")
    return frame


CRAFTED_UNITS = {
    # weights 0.4 / 0.3 / 0.3 (data/config.yaml); exact scores in the comments
    (GOV, "大单位"): (8, 7, 6, 6),  # 0.4·7/8 + 0.3·6/8 + 0.3·6/8 = 4/5 (floating point: 0.7999999999999999)
    (GOV, "小单位"): (3, 3, 1, 3),  # 0.4 + 0.1 + 0.3 = 4/5 (floating point: 0.8)
    (GOV, "并列单位"): (8, 7, 8, 4),  # 0.35 + 0.3 + 0.15 = 4/5 with 8 cases: a full tie with 大单位
    (GOV, "阈值单位"): (5, 3, 5, 1),  # 0.24 + 0.3 + 0.06 = 3/5: exactly the threshold
    (GOV, "低分单位"): (5, 2, 3, 2),  # 0.16 + 0.18 + 0.12 = 0.46: below it
    (GOV, ""): (4, 4, 4, 4),  # no lead unit filled in: a perfect 1.0, never ranked
    (PORT, "两件单位"): (2, 2, 2, 2),  # fewer than min_cases (3): listed, not ranked
}


def test_crafted_ranking_blank_unit_unranked_ties_by_cases_threshold_inclusive():
    units = metrics.unit_table(unit_cases(CRAFTED_UNITS))
    order = [(r.lead_unit, None if pd.isna(r.rank) else int(r.rank)) for r in units.itertuples()]
    assert order == [("大单位", 1), ("并列单位", 1), ("小单位", 3), ("阈值单位", 4), ("低分单位", 5),
                     ("", None), ("两件单位", None)]
    by_unit = units.set_index("lead_unit")
    assert by_unit.loc["大单位", "score_exact"] == by_unit.loc["小单位", "score_exact"] == Fraction(4, 5)
    assert by_unit.loc["阈值单位", "score_exact"] == Fraction(3, 5)
    assert bool(by_unit.loc["阈值单位", "flagged"]) is False  # a score equal to the threshold is not below it
    assert "低于" not in by_unit.loc["阈值单位", "note"]
    assert bool(by_unit.loc["低分单位", "flagged"]) is True and "得分低于0.6" in by_unit.loc["低分单位", "note"]
    assert "主办单位未填写：缺失数据，不参与排名" in by_unit.loc["", "note"]
    assert bool(by_unit.loc["", "flagged"]) is False
    assert "仅列示不评定" in by_unit.loc["两件单位", "note"]


def test_each_ranked_score_has_its_standard_error_and_small_units_a_caveat():
    units = metrics.unit_table(unit_cases(CRAFTED_UNITS)).set_index("lead_unit")
    # 小单位: the cases score 1.0, 0.7, 0.7; sd (n − 1) = √0.03, over √3 → 0.1
    assert units.loc["小单位", "score_se"] == pytest.approx(0.1)
    assert "仅3件，得分标准误约0.10，排名仅供参考" in units.loc["小单位", "note"]
    assert units.loc[["大单位", "并列单位", "阈值单位", "低分单位"], "score_se"].notna().all()
    big = metrics.unit_table(unit_cases({(GOV, "大单位"): (12, 6, 12, 12)}))
    assert "排名仅供参考" not in big.loc[0, "note"]  # 12 cases: at or above caution_below_cases (10)


def test_standard_error_when_bases_differ_is_the_linearised_one():
    # One unit, 4 cases; on-time base 3 (one case has no assignment date), rated 2.
    cases = unit_cases({(GOV, "单位"): (4, 2, 2, 2)})
    cases["assigned_date"] = cases["assigned_date"].where(cases.index != 3)
    cases["satisfaction"] = cases["satisfaction"].where(cases.index < 2)  # rated: the first two (both 满意)
    row = metrics.unit_table(cases).iloc[0]
    assert (row["on_time_base"], row["rated"]) == (3, 2)
    # By hand: p = (1/2, 2/3, 1); z_i = Σ w_k (y − p b) N / n_k (weights sum to 1), var = Σ z² / (N(N−1)).
    y = [[1, 1, 1], [1, 1, 1], [0, 0, 0], [0, 0, 0]]
    b = [[1, 1, 1], [1, 1, 1], [1, 1, 0], [1, 0, 0]]
    p, n, w = [0.5, 2 / 3, 1.0], [4, 3, 2], [0.4, 0.3, 0.3]
    z = [sum(w[k] * (y[i][k] - p[k] * b[i][k]) * 4 / n[k] for k in range(3)) for i in range(4)]
    assert row["score_se"] == pytest.approx((sum(v * v for v in z) / 12) ** 0.5)


def test_the_bundled_three_case_unit_has_a_standard_error_near_0_13():
    # The audit: "for a unit with 3 cases the score's standard deviation is about 0.13".
    units = metrics.unit_table(load_cases(paths.SAMPLE_LEDGER)).set_index("lead_unit")
    assert round(float(units.loc["区信访局", "score_se"]), 3) == 0.133


# --- tested changes ---------------------------------------------------------------------------

def test_change_tests_on_the_bundled_data_reproduce_the_audit():
    # 44 session-to-session changes, 4 with p < 0.05, one (the port zone's share) beyond chance after Holm.
    from analysis import notebook_inputs

    figures = notebook_inputs.report_figures(notebook_inputs.load_inputs([], []))
    tests = metrics.change_tests(figures, metrics.trend_comparisons(figures))
    tested = tests.tested
    assert len(tested) == 44 and int((tested["p_value"] < 0.05).sum()) == 4
    beyond = tested[tested["changed"].astype(bool)]
    assert list(zip(beyond["handler"], beyond["measure"], beyond["session_after"])) == [(PORT, "handled", S3)]
    assert set(tests.changes["method"]) == {"fisher_exact", metrics.NO_VARIATION}  # 办复率 100% → 100%
    class_a = tests.lookup(S2, GOV, "solved", "A")
    assert round(class_a.p_value, 3) == 0.020
    assert (round(class_a.ci_low_pct_points, 1), round(class_a.ci_high_pct_points, 1)) == (-25.3, -2.8)
    page = metrics.trend_tests(figures)
    assert page.family_size == 46 and [m.body for m in page.mixes] == [GOV, PORT]
    assert all(m.family_size == 46 and m.p_adjusted >= m.p_value for m in page.mixes)


def test_shares_of_different_bases_are_not_compared():
    ledger = metrics.ledger_figures(five_cases())
    edited = ledger.copy()
    s1 = (edited["session"] == S1) & (edited["measure"] == "satisfied_or_basic") & (edited["handler"] == "")
    edited.loc[s1, "base_measure"] = "handled"  # as a published report would print it
    tests = metrics.change_tests(edited, [(S1, S2, "", "satisfied_or_basic", None)])
    row = tests.changes.iloc[0]
    assert row["method"] == metrics.NOT_COMPARABLE and tests.family_size == 0
    assert pd.isna(row["p_value"]) and pd.isna(row["change_pct_points"])


def test_a_published_total_is_dropped_when_the_ledger_covers_its_sessions():
    ledger = metrics.ledger_figures(five_cases())
    published = reconciliation_like()
    extra = published.iloc[[0, 6]].copy()
    extra["session"] = [TOTAL, f"{S2}+{S3}"]  # S1+S2 is in the ledger; S2+S3 is not (S3 is published only)
    extra["count"] = pd.array([9, 10], dtype="Int64")
    pub = metrics.overview_from_published(pd.concat([published, extra], ignore_index=True))
    combined = metrics.combine_overviews(ledger, pub)
    total = combined[(combined["session"] == TOTAL) & (combined["measure"] == "received") & (combined["handler"] == "")]
    assert list(total["basis"]) == ["ledger"] and list(total["count"]) == [5]
    kept = combined[(combined["session"] == f"{S2}+{S3}") & (combined["measure"] == "received")]
    assert list(kept["basis"]) == ["published"]


def test_a_standard_error_of_zero_on_few_cases_is_not_passed_off_as_certainty():
    units = metrics.unit_table(unit_cases({(GOV, "全满单位"): (3, 3, 3, 3)}))
    assert units.loc[0, "score_se"] == 0
    assert "仅3件，各件得分相同，标准误0低估了波动，排名仅供参考" in units.loc[0, "note"]
    assert "understates the uncertainty" in units.loc[0, "note_en"]


def sample_with_blanks(blank: str) -> pd.DataFrame:
    """The bundled ledger with blank sessions, bodies and ``blank`` cells, and a body the configuration does not name."""
    cases = load_cases(paths.SAMPLE_LEDGER)
    cases.loc[::7, "handler"] = None
    cases.loc[::5, "session"] = None
    cases.loc[::11, "handler"] = "区法院"
    cases.loc[::3, blank] = None
    return cases


def test_counts_per_session_and_body_are_what_a_groupby_gives_with_blank_sessions_and_bodies():
    """The figures count by (session, body) codes at once; a ledger with blank cells and an unconfigured body too."""
    cases = sample_with_blanks("satisfaction")
    figures = metrics.ledger_figures(cases)
    known = cases[cases["session"].notna()]
    groups = {(s, h): g for (s, h), g in known.groupby(["session", "handler"], dropna=False)}
    for (session, body), group in groups.items():
        if pd.isna(body):
            continue
        assert fig(figures, session, body, "handled")["count"] == len(group)
        assert fig(figures, session, body, "completed")["count"] == (group["status"] == "已办结").sum()
        rated = group["satisfaction"].notna().sum()
        if rated:
            assert fig(figures, session, body, "satisfied")["count"] == (group["satisfaction"] == "满意").sum()
    for session, group in known.groupby("session"):
        assert fig(figures, session, "", "received")["count"] == len(group)
        assert fig(figures, session, "", "solved", "A")["count"] == (group["outcome_class"] == "A").sum()
    total = figures[figures["is_total"] & (figures["measure"] == "received")]
    assert total["count"].tolist() == [len(known)]  # every suggestion of a session, none of the blank ones


def test_on_time_and_topic_counts_are_what_masks_give_with_blank_sessions_bodies_and_topics():
    """on_time_replies and topic_breakdown count by (session, body) codes at once: the same as a mask per cell."""
    cases = sample_with_blanks("topic")
    cases.loc[1::4, "reply_date"] = pd.NaT
    deadlines = metrics.reply_deadlines(cases)
    on_time = metrics.on_time_replies(cases)
    topics = metrics.topic_breakdown(cases, by_handler=True)
    session, body, topic = (cases[c].astype(object).where(cases[c].notna(), None)
                            for c in ("session", "handler", "topic"))
    flags = {"replied": deadlines["replied"], "on_time": deadlines["on_time"].fillna(False).astype(bool),
             "late": (~deadlines["on_time"]).fillna(False).astype(bool),
             "overdue_unreplied": deadlines["overdue_unreplied"], "on_time_base": deadlines["in_on_time_base"],
             "no_deadline": deadlines["replied"] & deadlines["deadline_date"].isna()}
    assert on_time["is_total"].sum() == len(on_time["handler"].unique()) and topics["is_total"].any()
    for row in on_time.itertuples():
        mask = session.notna() if row.is_total else session.eq(row.session)
        mask &= True if row.handler == "" else body.eq(row.handler)
        assert row.handled == mask.sum()
        for name, flag in flags.items():
            assert getattr(row, name) == (mask & flag).sum(), (row.session, row.handler, name)
    for row in topics.itertuples():
        mask = session.notna() if row.is_total else session.eq(row.session)
        mask &= True if row.handler == "" else body.eq(row.handler)
        assert row.base == mask.sum()
        assert row.count == (mask & (topic.isna() if row.topic == "" else topic.eq(row.topic))).sum()
    assert len(topics) == topics.groupby(["session", "handler"]).ngroups * (topic.nunique() + 1)


# A city's ledger of its session of 2024 beside the report of an earlier year: time runs forwards.
S17_3, Y2019 = "十七届人大三次会议", "2019年度"


def ledger_of_2024(dates: bool = True) -> pd.DataFrame:
    """``five_cases`` as one session of a ledger that prints no year: its suggestions assigned in 2024 (or undated)."""
    cases = five_cases()
    cases["session"] = pd.array([S17_3] * 5, dtype="string")
    cases["year"] = pd.array([None] * 5, dtype="Int64")
    cases["assigned_date"] = pd.to_datetime(["2024-03-15"] * 4 + [None]) if dates else pd.NaT
    return cases


def report_of_2019() -> pd.DataFrame:
    frame = reconciliation_like()
    frame = frame[frame["session"] == S2].assign(session=Y2019, year=2019)
    return metrics.overview_from_published(frame.reset_index(drop=True))


def test_a_ledger_session_takes_its_year_from_its_dates_when_none_is_given():
    ledger = metrics.ledger_figures(ledger_of_2024(), config=load_config())
    assert fig(ledger, S17_3, "", "received")["year"] == 2024
    assert metrics.ledger_years(ledger_of_2024()) == {S17_3: 2024}
    undated = metrics.ledger_figures(ledger_of_2024(dates=False), config=load_config())
    assert pd.isna(fig(undated, S17_3, "", "received")["year"])  # no year, no date: never a guess
    assert metrics.ledger_years(ledger_of_2024(dates=False)) == {}


def test_a_report_of_2019_comes_before_a_ledger_session_of_2024():
    combined = metrics.combine_overviews(metrics.ledger_figures(ledger_of_2024()), report_of_2019())
    assert list(dict.fromkeys(combined["session"])) == [Y2019, S17_3]  # the frame's own order
    assert metrics.order_sessions(combined["session"], metrics.frame_years(combined)) == [Y2019, S17_3]
    assert metrics.consecutive_sessions(combined) == [(Y2019, S17_3)]  # the tests of change: 2019 → 2024
    assert fig(metrics.with_change(combined), S17_3, "", "received")["previous_session"] == Y2019
    assert list(metrics.outcome_table(combined, handler=GOV).index) == [Y2019, S17_3]
    assert list(dict.fromkeys(metrics.headline_figures(combined)["session"])) == [Y2019, S17_3]


def test_a_session_of_unknown_year_keeps_its_place_before_the_years():
    combined = metrics.combine_overviews(metrics.ledger_figures(ledger_of_2024(dates=False)), report_of_2019())
    assert list(dict.fromkeys(combined["session"])) == [S17_3, Y2019]
    assert metrics.order_sessions([Y2019, S17_3]) == [S17_3, Y2019]
    assert metrics.order_sessions([Y2019, S17_3], {}) == [S17_3, Y2019]
    assert metrics.order_sessions([Y2019, S1, S17_3], {S17_3: 2024}) == [S17_3, S1, Y2019]  # S1's year unknown


def test_periods_of_both_kinds_in_order_of_year_a_total_after_its_last_session():
    years = {S1: 2022, S2: 2023, S3: 2024}
    assert metrics.order_sessions([Y2019, S17_3], {S17_3: 2024}) == [Y2019, S17_3]
    assert metrics.order_sessions(["2023年度", TOTAL, S2, "2021年度", S1], years) == \
        ["2021年度", S1, S2, TOTAL, "2023年度"]
    assert metrics.order_sessions(["2019年度+2020年度", S1, "2019年度", "2020年度"], years) == \
        ["2019年度", "2020年度", "2019年度+2020年度", S1]
    # our sessions (one kind, years known): the order of term and number, as before
    assert metrics.order_sessions([S3, TOTAL, S2, S1], years) == [S1, S2, TOTAL, S3]
    assert metrics.order_sessions([S3, TOTAL, S2, S1], {S1: 2030, S2: 2023}) == [S1, S2, TOTAL, S3]
