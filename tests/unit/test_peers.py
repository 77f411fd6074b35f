"""peers: other congresses' reports as one tidy frame, harmonised classes, the district among them.

The bundled reports in data/peers are real (see tests/data/published/README.md); the tests below
hold the harmonisation to what each report says its labels mean, and build small folders of
their own for what a user may drop in.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import charts, labels, narrative, notebook_inputs, paths, peers, schemes, stats, views
from analysis.errors import ConfigError, DataError

S3 = "十八届人大三次会议"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return peers.load()


@pytest.fixture(scope="module")
def district() -> pd.DataFrame:
    inputs = notebook_inputs.load_inputs()
    return peers.district_rows(notebook_inputs.report_figures(inputs), S3, level="区")


@pytest.fixture(scope="module")
def comparison(table, district) -> peers.Comparison:
    return peers.comparison(table, district, level="区")


def harmonised(table: pd.DataFrame, peer: str, body: str = "", period: str | None = None) -> dict:
    """{shared class: (count, percent)} of one report and body."""
    rows = table[(table["peer"] == peer) & (table["body"] == body) & (table["measure"] == "harmonised_outcome")]
    if period is not None:
        rows = rows[rows["period"] == period]
    return {r.harmonised_class: (None if pd.isna(r.count) else int(r.count), round(float(r.percent), 2))
            for r in rows.itertuples()}


def classes_of(table: pd.DataFrame, peer: str, body: str = "") -> dict:
    """{label as printed: harmonised class} of one report's outcome rows."""
    rows = table[(table["peer"] == peer) & (table["body"] == body) & (table["measure"] == "outcome")]
    return dict(zip(rows["class_printed"], rows["harmonised_class"]))


def write_report(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("session,year,handler,measure,category,count,percent,base,source,note\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# The tidy frame
# ---------------------------------------------------------------------------------------


def test_the_tidy_table_has_its_declared_columns_and_dtypes(table):
    assert tuple(table.columns) == peers.COLUMN_NAMES
    assert {c: str(t) for c, t in table.dtypes.items()} == {
        name: {"string": "string", "Int64": "Int64", "Float64": "Float64", "boolean": "boolean"}[dtype]
        for name, dtype, _ in peers.COLUMNS}
    assert set(table["status"]) == {"printed", "derived", "percent_only"}  # no unknown figure is a row
    assert set(table["peer"]) == {p.stem for p in peers.figure_files()} and len(set(table["peer"])) == 49
    assert set(table["level"]) == set(peers.LEVELS)
    assert not table["is_sample"].any()
    # every row keeps where it was printed
    printed = table[~table["measure"].isin(["harmonised_outcome", "satisfied_or_basic"])]
    assert (printed["source_file"] != "").all() and (table["url"] != "").sum() > 300


def test_a_row_is_a_printed_or_derived_figure_as_the_engine_read_it(table):
    t01 = table[(table["peer"] == "T01") & (table["body"] == "市政府") & (table["measure"] == "outcome")]
    a = t01[t01["class_printed"] == "A"].iloc[0]
    assert (a["count"], a["percent"], a["base"], a["status"], a["verdict"]) == (234, 63.4, 369, "printed", "ok")
    assert a["year"] == 2020 and a["year_source"] == "printed" and a["congress"] == "杭州市" and a["level"] == "市"
    # a blank the report's other figures fix is derived (S01: 92.47% of 93 satisfied = 86)
    s01 = table[(table["peer"] == "S01") & (table["measure"] == "satisfied")].iloc[0]
    assert (s01["count"], s01["status"], s01["percent_printed"]) == (86, "derived", "92.47")
    # a percent printed alone keeps its words (T16: 超过90)
    t16 = table[(table["peer"] == "T16") & (table["measure"] == "satisfied")].iloc[0]
    assert pd.isna(t16["count"]) and t16["status"] == "percent_only" and t16["percent_printed"] == "超过90"
    # a year the report does not print comes from the index, marked so (T06: inferred 2015)
    t06 = table[(table["peer"] == "T06") & (table["measure"] == "received")].iloc[0]
    assert (t06["year"], t06["year_source"]) == (2015, "index")


def test_a_list_of_percents_of_its_own_sum_keeps_that_sum_as_its_base(table):
    # T05 prints 满意 690 (91.4%) and 基本满意 65 (8.6%): shares of the 755 forms returned, not of the 1034 received;
    # R12 prints 解决采纳 652 (79.5%) … 留作参考 115 (14.0%), “占总数” but of the 820 replied, not the 838 received
    def row(peer: str, measure: str, label: str = "") -> pd.Series:
        rows = table[(table["peer"] == peer) & (table["measure"] == measure)]
        return rows[rows["class_printed"] == label].iloc[0] if label else rows.iloc[0]

    for peer, measure, label, count, base in (("T05", "satisfied", "", 690, 755), ("R12", "outcome", "解决采纳", 652, 820),
                                              ("R12", "harmonised_outcome", "解决采纳", 652, 820)):
        found = row(peer, measure, label)
        assert (found["count"], found["base"], found["base_measure"]) == (count, base, "listed"), (peer, label)
        assert "基数另有所指" not in found["note"]


def test_a_percent_that_is_not_count_over_the_base_loses_the_base(table):
    # R12 prints 其他 46 件, 占4.0% of 838 received (46/838 = 5.5%): the base is not given as 838
    r12 = table[(table["peer"] == "R12") & (table["measure"] == "handled") & (table["body"] == "其他")].iloc[0]
    assert r12["count"] == 46 and r12["percent"] == 4.0 and pd.isna(r12["base"]) and "基数另有所指" in r12["note"]


# ---------------------------------------------------------------------------------------
# Harmonisation: each scheme, each wording, letters per report
# ---------------------------------------------------------------------------------------


def test_every_shipped_scheme_maps_every_class_to_a_shared_class():
    harmonisation = peers.load_harmonisation()
    assert harmonisation.codes == ("solved", "in_progress", "reference")
    for name in schemes.available_schemes():
        scheme = schemes.load_scheme(name)
        assert set(harmonisation.schemes[name]) == set(scheme.codes), name
    assert harmonisation.schemes["abc"] == {"A": "solved", "B": "in_progress", "C": "reference"}
    assert harmonisation.schemes["four_class"] == {"A": "solved", "B": "in_progress", "C": "in_progress",
                                                   "D": "reference"}
    assert harmonisation.schemes["jia_yi_bing"] == {"甲": "solved", "乙": "in_progress", "丙": "reference"}


def test_the_same_letter_means_what_its_report_says(table):
    # S01's C is 已列入规划计划逐步解决 (planned); S02's C is 因条件、能力所限近期尚不能解决 (cannot be solved now)
    assert classes_of(table, "S01", "市政府") == {"A": "solved", "B": "in_progress", "C": "in_progress",
                                                 "D": "reference"}
    assert classes_of(table, "S02", "区政府") == {"A": "solved", "B": "in_progress", "C": "reference", "D": "reference"}
    assert harmonised(table, "S01", "市政府") == {"solved": (54, 58.07), "in_progress": (35, 37.63),
                                                 "reference": (4, 4.3)}
    assert harmonised(table, "S02", "区政府") == {"solved": (114, 68.68), "in_progress": (43, 25.9),
                                                 "reference": (9, 5.42)}
    # 甲/乙/丙, and two letters printed as one class (T02's “C类、D类”)
    assert classes_of(table, "S04", "市政府") == {"甲类": "solved", "乙类": "in_progress", "丙类": "reference"}
    assert classes_of(table, "T02", "市政府") == {"A": "solved", "B": "in_progress", "C类、D类": "reference"}
    # the seed's A/B/C (T01, T18 use it), and A–D with the shipped four-class meaning (T14)
    assert harmonised(table, "T18", "市政府") == {"solved": (299, 80.4), "in_progress": (55, 14.8),
                                                 "reference": (18, 4.8)}
    assert harmonised(table, "T14", "市政府")["in_progress"] == (59, 46.09)  # B 38 + C 21 of 128


def test_wordings_map_by_what_they_say(table):
    assert harmonised(table, "T05") == {"solved": (363, 35.1), "in_progress": (403, 39.0),
                                        "reference": (268, 25.9)}
    assert harmonised(table, "T10", "县政府") == {"solved": (62, 63.92), "in_progress": (34, 35.05)}  # 18 + 16
    assert harmonised(table, "S11", "县政府")["reference"] == (26, 32.1)  # 15 + 11 (约11 stays a printed slip)
    assert classes_of(table, "T03", "区政府") == {"解决采纳": "solved", "计划解决": "in_progress", "留作参考": "reference"}
    # R01 来凤县: its own wordings, 28 / 33 + 30 / 9 of 100; 满意和基本满意 is the two together
    assert harmonised(table, "R01", "县政府") == {"solved": (28, 28.0), "in_progress": (63, 63.0), "reference": (9, 9.0)}
    both = table[(table["peer"] == "R01") & (table["measure"] == "satisfied_or_basic")].iloc[0]
    assert (both["count"], both["base"], both["note"]) == (99, 100, "原文满意率已含基本满意")


def test_a_label_joining_two_classes_leaves_both_out(table):
    # T04: 得到解决或计划逐步解决 joins solved and planned; its reference class is still known
    assert classes_of(table, "T04")["得到解决或计划逐步解决"] == "solved+in_progress"
    assert harmonised(table, "T04") == {"reference": (2, 0.27)}
    # T16 prints only a joined class: nothing harmonised; nor do the national reports R03–R05 (得到解决或计划逐步解决)
    assert harmonised(table, "T16") == {} and all(harmonised(table, r) == {} for r in ("R03", "R04", "R05"))
    # R07 prints the joined label as a subtotal beside both its classes (3096 = 536 + 2560): it hides neither
    assert classes_of(table, "R07")["已由承办单位解决和正在解决"] == "solved+in_progress"
    assert harmonised(table, "R07") == {"solved": (536, 12.5), "in_progress": (2560, 59.72), "reference": (1191, 27.78)}
    # and the page says so, instead of "joined: left out of both" beside the 12.5% it compares
    from analysis import views
    listed = peers.harmonisation_table(table)
    subtotal = listed[(listed["peer"] == "R07") & (listed["class_printed"] == "已由承办单位解决和正在解决")]
    assert list(subtotal["subtotal"]) == [True] and not listed[listed["peer"] == "R03"]["subtotal"].any()
    shown = views.harmonisation_view(listed, peers.load_harmonisation())
    assert shown[shown["原文标签"] == "已由承办单位解决和正在解决"]["统一归类"].iloc[0].endswith("（两类之和的小计，两类另有件数，照常计入）")
    assert shown[shown["原文标签"] == "得到解决或者计划逐步解决"]["统一归类"].iloc[0].endswith("（合为一类，两者都不计）")
    # T11: 已经办理完毕 says the handling ended, not that the problem was solved
    assert harmonised(table, "T11", "县政府") == {"in_progress": (34, 46.6)}


def test_every_outcome_label_of_the_bundled_reports_is_reviewed(table):
    assert peers.unmapped_labels(table).empty
    listed = peers.harmonisation_table(table)
    outcome = table[table["measure"] == "outcome"]
    assert set(zip(listed["peer"], listed["class_printed"])) == set(zip(outcome["peer"], outcome["class_printed"]))
    assert (listed["harmonised_class"] != "").all() and set(listed["source"]) == {"report", "wording"}
    letters = listed[listed["source"] == "report"]
    assert (letters["why"] != "").all()  # each letter carries the report's own meaning


def test_a_new_label_is_listed_and_left_out_never_guessed(tmp_path):
    shutil.copy(paths.PEERS_DIR / "T05.csv", tmp_path / "T05.csv")
    text = (tmp_path / "T05.csv").read_text(encoding="utf-8")
    (tmp_path / "T05.csv").write_text(text.replace(",outcome,正在着手解决或列入规划逐步解决,", ",outcome,基本落实,"),
                                      encoding="utf-8")
    table = peers.load(tmp_path)
    assert classes_of(table, "T05")["基本落实"] == ""
    assert harmonised(table, "T05") == {}  # the unmapped class could be any: the body's shared classes are unknown
    unmapped = peers.unmapped_labels(table)
    assert list(unmapped["class_printed"]) == ["基本落实"] and list(unmapped["count"]) == [403]
    assert "基本落实" in views.unmapped_note(table) and "harmonised_classes.yaml" in views.unmapped_note(table, "en")
    row = table[(table["measure"] == "outcome") & (table["class_printed"] == "基本落实")].iloc[0]
    assert "未归入统一分类" in row["note"]


def test_letters_of_a_report_with_no_entry_are_not_read_through_a_scheme(tmp_path):
    write_report(tmp_path, "X01.csv", [
        "区一届人大一次会议,2024,区政府,handled,,100,,,测试,",
        "区一届人大一次会议,2024,区政府,outcome,A,50,50.0,,测试,",
        "区一届人大一次会议,2024,区政府,outcome,B,30,30.0,,测试,",
        "区一届人大一次会议,2024,区政府,outcome,C,20,20.0,,测试,"])
    table = peers.load(tmp_path)
    assert classes_of(table, "X01", "区政府") == {"A": "", "B": "", "C": ""}
    assert harmonised(table, "X01", "区政府") == {}
    assert sorted(peers.unmapped_labels(table)["class_printed"]) == ["A", "B", "C"]


def test_a_wrong_class_in_the_mapping_file_is_a_clear_error(tmp_path):
    write_report(tmp_path, "X01.csv", ["区一届人大一次会议,2024,,received,,100,,,测试,"])
    (tmp_path / peers.CLASSES_FILE).write_text(
        "classes:\n  - {code: solved, zh: 已解决, en: solved}\nwordings:\n  - {label: 已解决, class: done}\n",
        encoding="utf-8")
    with pytest.raises(ConfigError, match="'done' is not one of solved"):
        peers.load(tmp_path)


# ---------------------------------------------------------------------------------------
# Satisfaction, harmonised
# ---------------------------------------------------------------------------------------


def test_satisfied_or_basically_satisfied_is_made_only_where_the_report_fixes_it(table):
    def combined(peer):
        rows = table[(table["peer"] == peer) & (table["measure"] == "satisfied_or_basic")]
        return [(r.class_printed, None if pd.isna(r.count) else int(r.count), round(float(r.percent), 2))
                for r in rows.itertuples()]

    assert combined("S01") == [("初次办理满意率", 93, 100.0)]  # 86 + 7 (both derived from 92.47% and 7.53% of 93)
    assert combined("T14") == [("满意率(含基本满意)", 128, 100.0)]  # the wording includes 基本满意
    assert combined("T20") == [("满意或基本满意", 277, 98.93)]
    assert combined("S06") == [("会期", 501, 100.0), ("闭会", 15, 100.0)]  # parts: compared as their sum
    assert combined("S12") == [("满意率", None, 100.0)]  # 90% + 10%, percents only
    assert combined("S05") == [] and combined("T17") == []  # 满意率 99% alone: with or without 基本满意?


# ---------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------


def test_the_district_is_harmonised_through_its_declared_scheme(district):
    solved = district[(district["measure"] == "harmonised_outcome") & (district["harmonised_class"] == "solved")]
    whole = solved[solved["body"] == ""].iloc[0]
    assert (whole["count"], whole["base"], whole["status"]) == (65, 135, "ledger") and bool(whole["is_sample"])
    assert tuple(district.columns) == peers.COLUMN_NAMES


def test_intervals_are_the_hand_computed_wilson_intervals(comparison, table, district):
    # T03 上海市长宁区: 62 of 67. p = 0.925373; z² = 1.959964² = 3.841459; centre = (p + z²/2n) / (1 + z²/n)
    # = (0.925373 + 0.028668) / 1.057335 = 0.902307; half width = z √(p(1−p)/n + z²/4n²) / (1 + z²/n) = 0.065397:
    # 83.69% to 96.77%.
    t03 = comparison.of("solved").set_index("peer").loc["T03"]
    assert round(float(t03["ci_low"]), 2) == 83.69 and round(float(t03["ci_high"]), 2) == 96.77
    # ours, 65 of 135: centre (0.481481 + 0.014228) / 1.028455 = 0.481994, half width 0.083113: 39.89% to 56.51%
    ours = comparison.district("solved")
    assert round(float(ours.ci_low), 2) == 39.89 and round(float(ours.ci_high), 2) == 56.51
    # a percent printed alone is a point with no interval (T01's previous session: 56.7%)
    t01 = comparison.of("solved")
    alone = t01[(t01["peer"] == "T01") & t01["count"].isna()].iloc[0]
    assert alone["percent"] == 56.7 and pd.isna(alone["ci_low"]) and alone["against_district"] == "percent_only"
    # T05's 690 满意 + 65 基本满意 are of the 755 rated (91.4 + 8.6 = 100), a base the report gives only as the sum of
    # its list: compared as a base of another kind, never as 755 of the 1034 received
    t05 = comparison.of("satisfied_or_basic").set_index("peer").loc["T05"]
    assert (t05["count"], t05["base"], t05["base_measure"]) == (755, 755, "listed")
    assert t05["against_district"] == "different_base"
    # a count printed without the base it is a share of has no interval, and is not called a percent printed alone
    baseless = table.copy()
    baseless.loc[(baseless["peer"] == "T05") & (baseless["measure"] == "satisfied_or_basic"), "base"] = pd.NA
    comparison = peers.comparison(baseless, district, level="区")
    t05 = comparison.of("satisfied_or_basic").set_index("peer").loc["T05"]
    assert t05["count"] == 755 and pd.isna(t05["ci_low"]) and t05["against_district"] == "no_base"
    assert labels.against_district_label(t05["against_district"], "zh") == "有件数、没有基数，未检验"
    note = narrative.peers_note(comparison)
    assert "有件数而没有基数的1项" in note
    chart = charts.plot_peer_rates(comparison.of("satisfied_or_basic"), rate="满意率", district="本区")
    no_base = next(t for t in chart.data if t.name == "有件数、没有基数")
    assert len(no_base.x) == 1 and "只印百分比" not in no_base.hovertext[0]
    alone = next(t for t in chart.data if t.name == "只印百分比")
    assert no_base.marker.symbol != alone.marker.symbol  # told apart in the legend, not two identical hollow circles


def test_each_peer_is_tested_against_us_and_holm_runs_over_the_page(comparison):
    rows = comparison.rows
    tested = rows[rows["method"] == stats.METHOD_FISHER_2X2]
    assert comparison.family_size == len(tested) > 20
    t03 = tested.set_index("peer").loc["T03"]
    assert t03["measure"] == "solved" and float(t03["p_value"]) == pytest.approx(
        stats.fisher_exact_2x2(62, 67, 65, 135), rel=1e-12)
    assert list(rows.loc[tested.index, "p_holm"]) == pytest.approx(stats.holm_adjust(list(tested["p_value"])))
    assert t03["against_district"] == "higher" and round(float(t03["difference"]), 1) == 44.4
    s11 = tested[tested["measure"] == "solved"].set_index("peer").loc["S11"]
    assert s11["against_district"] == "lower"
    # both at 100%: nothing to test; a base of another kind (T02's outcome shares are of 办结总数): not tested
    replied = rows[rows["measure"] == "replied"].set_index("peer")
    assert replied.loc["S02", "against_district"] == "no_variation"
    assert rows[(rows["measure"] == "solved") & (rows["peer"] == "T02")].iloc[0]["against_district"] == "different_base"


def test_one_figure_per_report_period_and_rate_all_bodies_first(comparison):
    solved = comparison.of("solved")
    assert not solved.duplicated(["peer", "period"]).any()
    t01 = solved[(solved["peer"] == "T01") & solved["count"].notna()].iloc[0]
    assert t01["body"] == "" and (t01["count"], t01["base"]) == (248, 388)
    assert solved.set_index("peer").loc["S12", "body"] == "省政府"  # the government's, when all bodies are not printed
    # 会期 + 闭会 completed: 501 of the 516 received and 15 of the 15 raised after the meeting, which the 516 count
    # too: 516 of 516, not of 516 + 15 (S07: 363 + 20 of 386, which holds its 21 raised after the meeting)
    completed = comparison.of("completed").set_index("peer")
    assert (completed.loc["S06", "count"], completed.loc["S06", "base"]) == (516, 516)
    assert (completed.loc["S07", "count"], completed.loc["S07", "base"]) == (383, 386)


def test_position_counts_the_reports_above_us(comparison):
    rank, of = peers.position(comparison, "solved")
    shown = comparison.of("solved")
    above = int((shown["percent"] > float(comparison.district("solved").percent)).sum())
    assert (rank, of) == (above + 1, int(shown["percent"].notna().sum()))
    assert peers.position(comparison, "solved", same_level=True)[1] == 1 + int(
        (shown["same_level"] & ~shown["is_district"]).sum())


def test_levels_and_years_keep_only_those_reports(table, district):
    chosen = peers.comparison(table, district, level="区", levels=["区", "县"], years=[2021, 2023, 2024],
                              measures=["solved"])
    peers_shown = chosen.rows[~chosen.rows["is_district"]]
    assert chosen.measures == ("solved",) and set(peers_shown["level"]) <= {"区", "县"}
    assert set(peers_shown["year"]) <= {2021, 2023, 2024} and set(peers_shown["peer"]) == {"S02", "S05", "T03", "T09",
                                                                                          "S10"}


@pytest.mark.parametrize("arguments, column", [
    ({"level": "乡"}, "level"), ({"levels": ["区", "街道"]}, "levels"), ({"years": ["去年"]}, "years"),
    ({"measures": ["solved", "speed"]}, "measures")])
def test_a_wrong_parameter_names_itself(table, district, arguments, column):
    with pytest.raises(DataError) as caught:
        peers.comparison(table, district, **arguments)
    assert caught.value.problems[0].column == column


# ---------------------------------------------------------------------------------------
# A report dropped in
# ---------------------------------------------------------------------------------------


def test_a_report_with_no_index_row_loads_with_its_metadata_unknown(tmp_path):
    shutil.copy(paths.PEERS_DIR / "T03.csv", tmp_path / "mine.csv")
    table = peers.load(tmp_path)
    assert set(table["peer"]) == {"mine"} and set(table["congress"]) == {"mine"} and set(table["level"]) == {""}
    assert table["note"].str.contains("sources.csv 中没有这份报告").all()
    assert harmonised(table, "mine", "区政府")["solved"] == (62, 92.54)  # its wordings still map


def test_an_index_row_that_is_wrong_is_named_by_file_row_column_and_value(tmp_path):
    shutil.copy(paths.PEERS_DIR / "T03.csv", tmp_path / "T03.csv")
    (tmp_path / "sources.csv").write_text(
        "file,congress,level,period,year,url\nT03.csv,长宁区,街道,区十六届人大六次会议,2021,\n"
        "T99.csv,某县,县,,二〇二一,\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        peers.load(tmp_path)
    found = {(p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {(2, "level", "街道"), (3, "file", "T99.csv"), (3, "year", "二〇二一")}


def test_an_index_row_may_leave_the_level_blank_and_the_report_is_then_no_same_level_peer(tmp_path, district):
    shutil.copy(paths.PEERS_DIR / "T03.csv", tmp_path / "T03.csv")
    (tmp_path / "sources.csv").write_text(
        "file,congress,level,period,year,url\nT03.csv,长宁区,,区十六届人大六次会议,2021,https://example.org/t03\n",
        encoding="utf-8")
    table = peers.load(tmp_path)
    assert set(table["level"]) == {""} and set(table["congress"]) == {"长宁区"}
    assert set(table["url"]) == {"https://example.org/t03"}
    assert not table["note"].str.contains("sources.csv 中没有这份报告").any()  # indexed, only its level unknown
    shown = peers.comparison(table, district, level="区").of("solved")
    t03 = shown[shown["peer"] == "T03"]
    assert len(t03) == 1 and not t03["same_level"].iloc[0]
    assert round(float(t03["percent"].iloc[0]), 2) == 92.54
    # and a level named but wrong is still an error naming its value
    (tmp_path / "sources.csv").write_text(
        "file,congress,level,period,year,url\nT03.csv,长宁区,区级,区十六届人大六次会议,2021,\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        peers.load(tmp_path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, "level", "区级")]
    assert "或留空" in caught.value.problems[0].allowed


def test_a_file_that_cannot_be_read_is_listed_and_the_others_load(tmp_path):
    shutil.copy(paths.PEERS_DIR / "T03.csv", tmp_path / "T03.csv")
    (tmp_path / "broken.csv").write_bytes(b"\x00\x01\x02 not a table")
    with pytest.raises(DataError):
        peers.load(tmp_path)
    table = peers.load(tmp_path, keep_going=True)
    assert set(table["peer"]) == {"T03"} and [u["file"] for u in table.attrs["unread"]] == ["broken.csv"]
    assert "broken.csv" in views.unread_note(table)


def test_the_folder_is_one_provenance_entry_whose_hash_follows_every_file(tmp_path, table):
    assert table.attrs["provenance"] == [peers.provenance_record()]
    record = table.attrs["provenance"][0]
    assert (record["file"], record["file_count"]) == ("peers", 51)  # 49 reports, the index, the classes
    shutil.copy(paths.PEERS_DIR / "T03.csv", tmp_path / "T03.csv")
    before = peers.provenance_record(tmp_path)
    shutil.copy(paths.PEERS_DIR / "T09.csv", tmp_path / "T09.csv")
    after = peers.provenance_record(tmp_path)
    assert before["sha256"] != after["sha256"] and (before["file_count"], after["file_count"]) == (1, 2)
    # the page says the count in its reader's language, never both
    from analysis import report

    payload = report.provenance_payload(table)
    zh, en = report.render_provenance(payload, "zh"), report.render_provenance(payload, "en")
    assert '<span class="sa-file">peers</span>（51个文件）' in zh and "files" not in zh
    assert '<span class="sa-file">peers</span> (51 files)' in en and "个文件" not in en


# ---------------------------------------------------------------------------------------
# What the comparison page shows (charts, narrative, views): the words and numbers of the peers page
# ---------------------------------------------------------------------------------------


def test_the_chart_draws_ours_among_the_reports_highest_first(comparison):
    from analysis import charts

    fig = charts.plot_peer_rates(comparison.of("solved"), rate="已解决或基本解决占比", district="本区（示例数据）", level="区")
    names = [t.name for t in fig.data]
    assert names == ["本区（示例数据）", "同级（区）", "其他层级", "只印百分比"]
    assert "全部承办主体" in fig.layout.title.text  # whose figure ours is
    axis = [t.replace("<br>", "") for t in fig.layout.yaxis.ticktext]  # as read: lines joined (charts.axis_lines)
    assert axis[0] == "T03 上海市长宁区" and axis[-1] == "R07 全国人大" and "本区（示例数据）" in axis
    # each name whole, broken into lines, never cut: 'S01 某市（名称…' and 'S05 某区（名称…' told nothing apart
    rows = comparison.of("solved")
    whole = {f"{r.peer} {r.congress}" for r in rows.itertuples() if not r.is_district}
    assert whole == {name.split("（十三届")[0] for name in axis if name != "本区（示例数据）"}  # T01 twice: its period
    assert "S01 某市（名称未见于摘录）" in axis and not any("…" in name for name in axis)
    phone = [t.replace("<br>", "") for t in fig.layout.meta["narrow"]["yaxis"]["ticktext"]]
    assert phone == axis and max(t.count("<br>") for t in fig.layout.meta["narrow"]["yaxis"]["ticktext"]) == 2
    alone = fig.data[3]
    assert alone.error_x.visible is False and list(alone.x) == [56.7]  # a percent printed alone: a point
    ours = fig.data[0]
    assert round(ours.x[0] - ours.error_x.arrayminus[0], 2) == 39.89 and round(ours.x[0] + ours.error_x.array[0], 2) == 56.51
    assert all("%{customdata" in t.hovertemplate and "杭州" not in t.hovertemplate for t in fig.data)


def test_the_leaders_sentence_says_where_we_stand_without_test_names(comparison):
    from analysis import narrative

    text = narrative.peer_sentence(comparison, "solved", district="本区（示例数据）")
    assert text.startswith("已解决或基本解决占比（全部承办主体）：本区（示例数据）为48.1%。")
    higher = comparison.of("solved")
    n_higher = int((higher["against_district"] == "higher").sum())
    assert f"较高{n_higher}个（T03 上海市长宁区" in text and "较低4个（S12 四川省、R01 来凤县、S11 香格里拉县、R07 全国人大）" in text
    assert "Fisher" not in text and "p值" not in text and "Holm" not in text
    # T01 prints the share for two sessions: twenty-two reports, twenty-three figures, and the sentence says so
    assert "印出此项的报告22份（23个数字，每期一个），其中同级（区）4个；比率高于本区的17个。" in text  # R12, R15, R17 among them
    card = narrative.peer_headline(comparison, "solved", district="本区（示例数据）")
    assert card["note"] == "印出此项的22份报告（23个数字，每期一个）中比率更高的17个；同级（区）4个中4个"
    # reply rates: only T17 and R12 are tested (within chance); twelve are at 100% like ours, nothing to test
    replied = narrative.peer_sentence(comparison, "replied", district="本区（示例数据）")
    assert ("没有一份与本区的差异超出偶然波动范围（有95%的把握）；2份与本区的差异在偶然波动范围之内；"
            "12份与本区同为100%或0%；另有2份只印百分比、没有基数或基数口径不同，未作判断。") in replied
    english = narrative.peer_sentence(comparison, "replied", district="our district (sample data)", lang="en")
    assert "Sixteen reports print it (four at the same level, district)" in english
    assert "None differs from our district beyond chance" in english and "twelve at 100% or 0% like" in english
    note = narrative.peers_note(comparison)
    assert "Fisher精确检验" in note and f"{comparison.family_size}项检验" in note and "Holm" in note


def test_the_tables_put_ours_first_and_keep_numbers_as_numbers(comparison):
    from analysis import narrative

    shown = views.peer_rates_table(comparison, "solved", district="本区（示例数据）")
    first = shown.iloc[0]
    assert first["报告"] == "本区（示例数据）" and first["已解决或基本解决占比"] == "48.1%" and first["件数"] == 65
    alone = shown[shown["数字状态"] == "只印百分比"].iloc[0]
    assert alone["95%区间"] == "—" and alone["与本区相比"] == "只印百分比，未检验"
    tests = narrative.peer_tests_table(comparison, district="本区（示例数据）")
    assert len(tests) == comparison.family_size
    t03 = tests[tests["报告"] == "T03 上海市长宁区"].iloc[0]
    assert t03["相差（百分点）"] == "+44.4" and t03["相差（百分点）"].numbers[0].value == 44.4
    assert t03["p值（Fisher精确检验，双侧）"] == "< 0.001"
    listed = views.peer_list_table(comparison)
    assert len(listed) == 49 and listed.iloc[0]["网址"].startswith("http://www.bralcochina.com/")
    # the index (sources.csv) writes "新华社(转载页)": a Chinese page prints it with full-width marks
    written = " ".join(peers.read_index(paths.PEERS_DIR)["publisher"].astype(str))
    shown = " ".join(listed[["报告机关", "发布者", "标题", "期间"]].to_numpy().ravel())
    assert "新华社(转载页)" in written and "新华社（转载页）" in shown
    assert not re.search(r"[\u4e00-\u9fff][(),;:?!]|[(,;:?!][\u4e00-\u9fff]", shown), shown


def test_a_percent_printed_as_a_bound_is_listed_as_one_never_ranked_or_tested(comparison):
    """T16 prints 满意或基本满意 '超过90' (more than 90%): a lower bound, not a value."""
    from analysis import charts, narrative
    from analysis.report import chart_summary, figure_payload

    rows = comparison.of("satisfied_or_basic")
    t16 = rows[rows["peer"] == "T16"].iloc[0]
    assert t16["bound"] == "more_than" and t16["percent_shown"] == "超过90%" and t16["against_district"] == "bound"
    assert pd.isna(t16["p_value"]) and t16["method"] == ""  # not tested
    assert rows.index[-1] == t16.name  # listed after every value, not among them
    assert (rows.loc[~rows["is_district"] & (rows["peer"] != "T16"), "bound"] == "").all()  # 约83.9 is no bound
    # not ranked: the position counts only values
    rank, of = peers.position(comparison, "satisfied_or_basic")
    values = rows[~rows["is_district"] & rows["percent"].notna() & (rows["peer"] != "T16")]
    assert of == len(values) + 1 and rank == int((values["percent"] > float(comparison.district(
        "satisfied_or_basic").percent)).sum()) + 1
    # the reader is told, in plain words, under the table, in the sentence and the card
    table = views.peer_rates_table(comparison, "satisfied_or_basic", district="本区")
    assert table.iloc[-1]["与本区相比"] == "只印出界限，不是数值：不排名、不检验" and table.iloc[-1]["满意率（含基本满意）"] == "超过90%"
    # one row says one thing: its status names the bound too, not a plain "percent only"
    assert table.iloc[-1]["数字状态"] == "只印界限"
    assert views.peer_rates_table(comparison, "satisfied_or_basic", district="ours", lang="en").iloc[-1][
        "status"] == "a bound only"
    note = views.peer_rates_note(comparison, "satisfied_or_basic")
    assert "T16 全国人大印出的“超过90%”只是一个界限，不是数值" in note and "不参加排名，也不与本区作检验" in note
    assert "a bound, not a value" in views.peer_rates_note(comparison, "satisfied_or_basic", "en")
    assert views.peer_bounds_note(comparison, "solved") == ""  # no bound there: nothing said
    sentence = narrative.peer_sentence(comparison, "satisfied_or_basic", district="本区（示例数据）")
    assert "1份只印出界限（T16 全国人大“超过90%”），不是数值，不排名、不检验" in sentence
    card = narrative.peer_headline(comparison, "satisfied_or_basic", district="本区（示例数据）")
    assert card["note"].startswith(f"印出此项的{of - 1}份报告中") and card["note"].endswith("另有1份只印出界限，不排名")
    # the chart draws it apart, pointing the way the rate lies, and its text form says it is a bound
    fig = charts.plot_peer_rates(rows, rate="满意率", district="本区（示例数据）", level="区")
    bound = fig.data[-1]
    assert bound.name == "只印界限（不是数值）" and list(bound.marker.symbol) == ["triangle-right"]
    assert list(fig.layout.yaxis.ticktext)[-1].startswith("T16")
    assert "只印界限（不是数值）: T16|十一届全国人大（全届） 90 (超过90%：界限，不是数值)" in chart_summary(figure_payload(fig))


def test_a_period_printed_as_a_year_is_not_followed_by_the_same_year_again(comparison):
    listed = views.peer_list_table(comparison)
    periods = dict(zip(listed["报告"], listed["期间"]))
    assert periods["R05"] == "2012年" and periods["T14"] == "2020年度"  # not "2012年（2012年）"
    assert periods["T03"] == "区十六届人大六次会议（2021年）"  # a session still gets its year
    rates = views.peer_rates_table(comparison, "satisfied_or_basic", district="本区")
    assert rates.loc[rates["报告"].str.startswith("T14"), "期间"].tolist() == ["2020年度"]
    assert not any(re.search(r"(\d{4})年.*（\1年）", p) for p in listed["期间"])


def test_a_percent_printed_with_about_alone_is_an_approximation_listed_apart_never_ranked_or_tested(tmp_path, district):
    """约97 with no count and base: near 97%, to a precision nobody knows; next to our 95.6% it cannot be ranked."""
    from analysis import narrative

    shutil.copy(paths.PEERS_DIR / "T20.csv", tmp_path / "T20.csv")  # 98.93%, 277 of 280: a value
    shutil.copy(paths.PEERS_DIR / "T16.csv", tmp_path / "T16.csv")  # 超过90: a bound
    text = (paths.PEERS_DIR / "T21.csv").read_text(encoding="utf-8")
    assert ",满意率和基本满意率,,82," in text
    (tmp_path / "T21.csv").write_text(text.replace(",满意率和基本满意率,,82,", ",满意率和基本满意率,,约97,"), encoding="utf-8")
    comparison = peers.comparison(peers.load(tmp_path), district, level="区")
    rows = comparison.of("satisfied_or_basic")
    t21 = rows[rows["peer"] == "T21"].iloc[0]
    assert bool(t21["approximate"]) and t21["bound"] == "" and t21["percent_shown"] == "约97%"
    assert t21["against_district"] == "approximate" and pd.isna(t21["p_value"])
    assert list(rows["peer"].iloc[1:]) == ["T20", "T16", "T21"]  # after the value, with the bound (by name)
    assert list(peers.ranked(rows)["peer"]) == ["T20"] and list(peers.approximations(rows)["peer"]) == ["T21"]
    assert peers.position(comparison, "satisfied_or_basic") == (2, 2)  # only T20's 98.93% is a value above ours
    table = views.peer_rates_table(comparison, "satisfied_or_basic", district="本区")
    row = table[table["报告"].str.startswith("T21")].iloc[0]
    assert (row["满意率（含基本满意）"], row["数字状态"], row["与本区相比"]) == (
        "约97%", "只印约数", "只印出约数，不是确切数值：不排名、不检验")
    note = views.peer_rates_note(comparison, "satisfied_or_basic")
    assert "印出的“约97%”是约数，又没有件数和基数，离实际比率有多近不知道" in note and "只是一个界限" in note
    assert "(about 97%)" in views.peer_rates_note(comparison, "satisfied_or_basic", "en")
    card = narrative.peer_headline(comparison, "satisfied_or_basic", district="本区（示例数据）")
    assert card["note"].startswith("印出此项的1份报告中比率更高的1份") and card["note"].endswith("另有1份只印出约数，不排名")
    sentence = narrative.peer_sentence(comparison, "satisfied_or_basic", district="本区（示例数据）")
    assert "比率高于本区的1份" in sentence and "只印出约数（T21" in sentence and "“约97%”），不是确切数值，不排名、不检验" in sentence
    assert "未作判断" not in sentence  # counted as an approximation, not among the percents left unjudged
    assert "只印出约数（如“约84%”，没有件数和基数）的1项" in narrative.peers_note(comparison)


def test_the_chart_draws_an_approximation_apart_with_its_own_legend_and_no_interval(tmp_path, district):
    """约97 with no count and base is drawn as the table lists it: apart, after the values, never given an interval."""
    from analysis import charts
    from analysis.report import chart_summary, figure_payload

    shutil.copy(paths.PEERS_DIR / "T20.csv", tmp_path / "T20.csv")  # 98.93%, 277 of 280: a value
    shutil.copy(paths.PEERS_DIR / "T16.csv", tmp_path / "T16.csv")  # 超过90: a bound
    text = (paths.PEERS_DIR / "T21.csv").read_text(encoding="utf-8")
    (tmp_path / "T21.csv").write_text(text.replace(",满意率和基本满意率,,82,", ",满意率和基本满意率,,约97,"), encoding="utf-8")
    rows = peers.comparison(peers.load(tmp_path), district, level="区").of("satisfied_or_basic")
    assert list(peers.approximations(rows)["peer"]) == ["T21"]
    fig = charts.plot_peer_rates(rows, rate="满意率", district="本区（示例数据）", level="区")
    traces = {t.name: t for t in fig.data}
    about = traces["只印约数（不是确切数值）"]
    assert [y.split("|")[0] for y in about.y] == ["T21"] and list(about.x) == [97.0]
    assert about.error_x.visible is False and about.marker.color == "white"  # hollow, no Wilson bar
    assert "只印百分比" not in traces  # not drawn as an ordinary printed percent
    # its own legend entry, after the values' and before the bound's
    assert [t.name for t in fig.data] == ["本区（示例数据）", "其他层级", "只印约数（不是确切数值）", "只印界限（不是数值）"]
    # 97 is above our 95.6%, yet drawn below every value, with the bound: outside the order
    assert [t.replace("<br>", "").split(" ")[0] for t in fig.layout.yaxis.ticktext] == ["T20", "本区（示例数据）", "T21", "T16"]
    summary = chart_summary(figure_payload(fig)).splitlines()
    assert summary[3] == "只印约数（不是确切数值）: T21|十五届人大四次会议 97 (约97%：约数，不是确切数值，没有区间)"
    en = charts.plot_peer_rates(rows, rate="satisfied", district="ours", level="区", lang="en")
    assert chart_summary(figure_payload(en)).splitlines()[3] == (
        "an approximation only (not an exact value): T21|十五届人大四次会议 97 (约97%: an approximation, not an exact "
        "value; no interval)")


def test_the_chart_text_lists_each_wilson_interval_so_a_changed_bound_fails_nbval(comparison):
    from analysis import charts
    from analysis.report import chart_summary, figure_payload

    rows = comparison.of("solved")
    summary = chart_summary(figure_payload(charts.plot_peer_rates(rows, rate="解决", district="本区", level="区")))
    assert "district|十八届人大三次会议 48.1481 (95%区间 39.9%–56.5%)" in summary  # the table's 39.9% – 56.5%
    moved = rows.copy()
    moved.loc[moved["is_district"], "ci_low"] = 40.0  # only an interval's end moves
    assert chart_summary(figure_payload(charts.plot_peer_rates(moved, rate="解决", district="本区", level="区"))) != summary


def test_a_whole_summed_from_its_parts_is_labelled_in_the_order_the_parts_are_written_under_any_hash_seed():
    """Parts of one whole (会期, 闭会) were kept in a frozenset, whose order follows the string hash of the process:
    the same run could label the summed figure 会期+闭会 or 闭会+会期, so the page's bytes changed from run to run."""
    import subprocess
    import sys

    script = ("from analysis import peers\n"
              "rows = [dict(class_printed=q, count=c, base=b, source='') for q, c, b in "
              "[('闭会', 9, 10), ('会期', 90, 100)]]\n"
              "made, why = peers.whole_figure(rows, peers.load_harmonisation())\n"
              "print(made['class_printed'], made['note'], made['count'], made['base'])")
    labels_seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                  env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()
                   for seed in range(8)}
    assert labels_seen == {"会期+闭会 由会期、闭会两部分相加 99 110"}


def test_each_rate_table_names_the_reports_of_another_base_and_what_their_base_is(comparison):
    note = views.peer_other_base_note(comparison, "satisfied_or_basic")
    # R14's 99.9% is of the 994 回执 returned (993 + 1), not of the 1210 handled: not tested, and the note says why
    assert note.startswith("基数口径不同、未检验的：") and "R14 重庆市（所列各项之和）" in note
    assert "S06 西安市（已办结件数）" in note and note.endswith("本区的基数是办理件数。")
    english = views.peer_other_base_note(comparison, "solved", lang="en")
    assert english == ("Of another kind of base, so not tested: T02 重庆市 (of suggestions completed); R12 上海市 (of the "
                       "sum of the items listed); ours is of suggestions handled.")
    assert views.peer_other_base_note(comparison, "replied") == ""
    assert note in views.peer_rates_note(comparison, "satisfied_or_basic")


def test_the_four_reports_added_are_compared_only_where_their_classes_and_bases_allow(comparison):
    rows = comparison.rows.set_index(["peer", "measure"])
    # R15 宁波市 2022 and R17 (a city in 江西, 2014): three-class wordings, shares of the received
    assert rows.loc[("R15", "solved"), "count"] == 396 and rows.loc[("R15", "solved"), "base"] == 569
    assert rows.loc[("R17", "solved"), "percent_printed"] == "46.3" and rows.loc[("R17", "solved"), "base"] == 233
    # R14 重庆市 2023: class A only (B and C past the excerpt), so no solved share; its completion is of the handled
    assert ("R14", "solved") not in rows.index and rows.loc[("R14", "completed"), "base"] == 1210
    assert rows.loc[("R14", "satisfied_or_basic"), "against_district"] == "different_base"
    # R18 河北省 2012 prints two classes: its 98.6% joins solved and planned, so it is compared on nothing
    assert "R18" not in set(comparison.rows["peer"]) and "R18" in set(comparison.peers["peer"])


@pytest.mark.parametrize("bodies, level, named", [
    (["市政府", "市政府", "市中级人民法院"], "市", "本市"),  # a city's ledger: its government gives its level
    (["镇政府", "镇政府", "县直部门"], "", "本地"),  # a town's: no level of the five, so no same-level count
])
def test_the_comparison_of_another_offices_ledger_never_calls_it_our_district(tmp_path, table, bodies, level, named):
    """The peers page of a city's or a town's ledger called it 本区 and counted districts as its same level."""
    path = tmp_path / "台账.csv"
    path.write_text("建议编号,届次,标题,承办主体,办理结果,办理状态\n" + "".join(
        f"X-{i},十七届人大三次会议,关于第{i}件事的建议,{body},A,已办结\n" for i, body in enumerate(bodies, 1)),
        encoding="utf-8")
    inputs = notebook_inputs.load_inputs([str(path)], [])
    assert notebook_inputs.our_level("", inputs) == level
    assert notebook_inputs.our_level("", notebook_inputs.load_inputs()) == "区"  # ours, as before
    ours = peers.district_rows(notebook_inputs.report_figures(inputs), "十七届人大三次会议", level=level)
    compared = peers.comparison(table, ours, level=level)
    district = labels.our_congress_label(level, False)
    card = narrative.peer_headline_items(compared, district=district)[0]
    sentence = narrative.peer_sentence(compared, "solved", district=district)
    assert card["label"].startswith(named) and sentence.startswith(f"已解决或基本解决占比（全部承办主体）：{named}为")
    assert "本区" not in card["label"] + card["note"] + sentence.split("。")[0]
    assert ("同级（" in card["note"] + sentence) is bool(level) and "层级未知" not in card["note"] + sentence
    shown = views.peer_rates_table(compared, "solved", district=district)
    assert f"与{named}相比" in shown.columns and not shown.astype(str).apply(lambda c: c.str.contains("本区")).any().any()
    assert (shown[f"与{named}相比"].str.contains(named).any())
    notes = narrative.peers_note(compared) + "".join(
        views.peer_rates_note(compared, m) + views.peer_bounds_note(compared, m) for m in compared.measures)
    assert "本区" not in notes and f"与{named}同为100%或0%" in notes
    # the page's title and its tests' heading too (they said 本区 after everything else had stopped)
    assert views.title("peers", level=level) == f"与其他人大比较：{named}处于什么位置"
    assert views.heading("peer_tests", level=level) == f"与{named}差异的统计检验"
    assert narrative.peer_tests_table(compared, district=district).columns[-1] == f"与{named}相比"
