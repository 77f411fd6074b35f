"""Periods: every way a report prints a session, a span, a meeting or a year is read as one typed period."""
from __future__ import annotations

import pytest

from analysis import sessions
from analysis.sessions import PeriodKind


@pytest.mark.parametrize("text", [
    "第十九届人民代表大会第一次会议",
    "十九届人大一次会议",
    "十九届一次",
    "十九届一次会议",
    "第19届第1次会议",
    "第１９届第１次会议",
    "19-1",
    "19/1",
    "19th Congress, 1st Session",
    "19th people's congress, 1st session",
    "某区第十九届人民代表大会第一次会议代表建议办理情况台账",  # a ledger's title row
    "台账_十九届一次会议",  # a file name
    "区第十九届人大第一次会议",
    "十九届人大一次会议及闭会期间",
    "十九届人大一次会议（2027年）",
])
def test_the_same_session_written_many_ways(text):
    assert sessions.canonical_session(text) == "十九届人大一次会议"


@pytest.mark.parametrize("text, term, number", [
    ("十八届人大二次会议", 18, 2), ("二十一届人大三次会议", 21, 3), ("第十届第十次会议", 10, 10), ("9-2", 9, 2),
    ("第100届人大第2次会议", 100, 2), ("第一百零一届人民代表大会第十二次会议", 101, 12), ("一百一十届人大一次会议", 110, 1),
    ("第120届第3次会议", 120, 3),
])
def test_parse_session_numbers_of_any_size(text, term, number):
    assert sessions.parse_session(text) == sessions.Session(term, number)


def test_an_english_standing_committee_session_is_not_a_plenary_session():
    # its "session" is a meeting of the standing committee: never read as the congress's plenary session
    assert sessions.canonical_session("the 31st session of the 12th NPC Standing Committee") is None
    assert sessions.canonical_session("12th NPC Standing Committee, 31st session") is None


@pytest.mark.parametrize("text", [None, "", "  ", "2023年第三季度", "区 次会议期间", "0-1", "会议", "19.10", "19.1",
                                  "52.3", "159"])
def test_texts_that_name_no_period(text):
    assert sessions.canonical_session(text) is None
    assert sessions.parse_period(text) is None


@pytest.mark.parametrize("text, value", [
    ("十九", 19), ("二十一", 21), ("十", 10), ("三", 3), ("３", 3), ("12", 12), ("一百", 100), ("一百零一", 101),
    ("一百一十", 110), ("两百", 200), ("一千零五", 1005), ("二〇二〇", 2020), ("１００", 100),
])
def test_chinese_to_int(text, value):
    assert sessions.chinese_to_int(text) == value


@pytest.mark.parametrize("text", ["十十", "一二十", "百十百", "abc", ""])
def test_chinese_to_int_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        sessions.chinese_to_int(text)


def test_int_to_chinese_round_trips_above_99():
    assert [sessions.int_to_chinese(n) for n in (19, 100, 101, 110, 1001, 20000)] == [
        "十九", "一百", "一百零一", "一百一十", "一千零一", "二万"]
    for value in list(range(0, 1200)) + [9999, 10000, 10001, 123456]:
        assert sessions.chinese_to_int(sessions.int_to_chinese(value)) == value


def test_labels_in_both_languages():
    session = sessions.Session(18, 2)
    assert session.label == "十八届人大二次会议"
    assert session.label_en == "18th Congress, 2nd Session"
    assert session.display("en") == "18th Congress, 2nd Session"
    assert sessions.Session(21, 3).label_en == "21st Congress, 3rd Session"
    assert sessions.Session(11, 1).label_en == "11th Congress, 1st Session"
    assert sessions.Session(100, 2).label == "一百届人大二次会议"


def test_totals_are_sorted_and_canonical():
    assert sessions.canonical_session_or_total("十八届三次+十八届人大一次会议＋第十八届人民代表大会第二次会议") == \
        "十八届人大一次会议+十八届人大二次会议+十八届人大三次会议"
    assert sessions.canonical_session_or_total("十八届人大二次会议") == "十八届人大二次会议"


def test_a_total_with_an_unrecognised_part_is_not_a_session():
    assert sessions.canonical_session_or_total("十八届人大一次会议+去年") is None
    assert sessions.canonical_session_or_total("") is None
    assert sessions.canonical_period("十八届人大一次会议+2020年") is None  # sessions and years do not add


def test_sort_key_puts_sessions_in_order_and_totals_after_their_last_session():
    labels = ["十八届人大一次会议+十八届人大二次会议", "十九届人大一次会议", "十八届人大二次会议", "十八届人大一次会议"]
    assert sorted(labels, key=sessions.session_sort_key) == [
        "十八届人大一次会议", "十八届人大二次会议", "十八届人大一次会议+十八届人大二次会议", "十九届人大一次会议"]


def test_sort_key_orders_every_kind_without_failing():
    labels = ["2020年度", "人大常委会第十五次会议", "十八届人大二次会议", "未注明会期（a.csv）", "十八届人大一次会议以来",
              "not a period", "2019年度+2020年度"]
    ordered = sorted(labels, key=sessions.session_sort_key)
    assert ordered[:2] == ["十八届人大一次会议以来", "十八届人大二次会议"]
    assert ordered.index("2019年度+2020年度") > ordered.index("2020年度")


# ---------------------------------------------------------------------------------------
# The other kinds of period
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, label", [
    ("市四届人大一次至三次会议(2016年以来)", "四届人大一次会议+四届人大二次会议+四届人大三次会议"),
    ("第四届人民代表大会第一次会议至第三次会议", "四届人大一次会议+四届人大二次会议+四届人大三次会议"),
    ("十八届人大一至三次会议", "十八届人大一次会议+十八届人大二次会议+十八届人大三次会议"),
    ("十八届人大一、二次会议", "十八届人大一次会议+十八届人大二次会议"),
    ("十八届人大一次和三次会议", "十八届人大一次会议+十八届人大三次会议"),
    ("2019—2021年", "2019年度+2020年度+2021年度"),
    ("2019年至2021年度", "2019年度+2020年度+2021年度"),
])
def test_a_span_or_list_of_sessions_or_years_is_their_total(text, label):
    period = sessions.parse_period(text)
    assert period.kind is PeriodKind.TOTAL and period.label == label
    assert sessions.canonical_period(label) == label  # the label reads back as itself


def test_a_span_across_terms_is_not_guessed():
    assert sessions.parse_period("十七届人大五次会议至十八届人大二次会议") is None


@pytest.mark.parametrize("text, label, en", [
    ("区十七届人大一次会议以来", "十七届人大一次会议以来", "since 17th Congress, 1st Session"),
    ("2016年以来", "2016年以来", "since 2016"),
])
def test_since_a_session_or_a_year(text, label, en):
    period = sessions.parse_period(text)
    assert period.kind is PeriodKind.SINCE and period.label == label and period.display("en") == en
    assert sessions.parse_session(text) is None  # not one session


@pytest.mark.parametrize("text, label", [
    ("人大常委会第十五次会议", "人大常委会第十五次会议"),
    ("区人大常委会第十五次会议", "人大常委会第十五次会议"),
    ("十八届人大常委会第十五次会议", "十八届人大常委会第十五次会议"),
    ("第十八届人民代表大会常务委员会第十五次会议", "十八届人大常委会第十五次会议"),
    ("十八届常委会第3次会议", "十八届人大常委会第三次会议"),
])
def test_a_standing_committee_meeting_is_never_a_plenary_session(text, label):
    period = sessions.parse_period(text)
    assert period.kind is PeriodKind.MEETING and period.label == label
    assert sessions.parse_session(text) is None and sessions.canonical_session_or_total(text) is None


def test_a_report_heard_at_a_meeting_about_a_session_is_about_the_session():
    text = "在十八届人大常委会第十五次会议上关于十八届人大二次会议代表建议办理情况的报告"
    assert sessions.canonical_period(text) == "十八届人大二次会议"


@pytest.mark.parametrize("text", ["2020年度", "2020年", "二〇二〇年", "市2020年度", "2020年度（截至11月底）"])
def test_a_year_as_the_period(text):
    period = sessions.parse_period(text)
    assert period.kind is PeriodKind.YEAR and period.year == 2020 and period.label == "2020年度"
    assert sessions.parse_session(text) is None


def test_no_period_is_one_file_one_report():
    label = sessions.no_period_label("T05+x.csv")
    period = sessions.parse_period(label)
    assert period.kind is PeriodKind.NONE and period.file == "T05_x.csv"
    assert label == "未注明会期（T05_x.csv）" and period.display("en") == "period not stated (T05_x.csv)"


def test_period_display_in_both_languages():
    assert sessions.period_display("十八届人大一次会议+十八届人大二次会议+十八届人大三次会议") == "十八届人大一次、二次、三次会议合计"
    assert sessions.period_display("十八届人大一次会议+十八届人大二次会议", "en") == "18th Congress, sessions 1, 2 together"
    assert sessions.period_display("2019年度+2020年度") == "2019—2020年度合计"
    assert sessions.period_display("十八届人大常委会第十五次会议", "en") == \
        "15th meeting of the Standing Committee of the 18th Congress"
    assert sessions.period_display("not a period") == "not a period"


@pytest.mark.parametrize("text, label", [
    ("市十七届人大三次会议", "十七届人大三次会议"),
    ("自治县十九届人大二次会议", "十九届人大二次会议"),
    ("十八届市人大二次会议", "十八届人大二次会议"),
])
def test_a_local_level_of_the_congress_is_not_part_of_the_period(text, label):
    assert sessions.canonical_session(text) == label


@pytest.mark.parametrize("text", [
    "十九届全国人大一次会议",
    "第十九届全国人民代表大会第一次会议",
    "全国人大十九届一次会议",
    "19th NPC, 1st Session",  # English translations of national reports (R-series, Xinhua English)
    "the first session of the 19th National People's Congress",
    "First Session of the 19th NPC",
    "the 1st annual session of the 19th NPC",
])
def test_the_national_peoples_congress_is_part_of_the_period(text):
    # the NPC is no local congress: its session never reads as 十九届人大一次会议 / '19th Congress, 1st Session'
    period = sessions.parse_period(text)
    assert period.label == "十九届全国人大一次会议" and period.session.national
    assert period.display("zh") == "十九届全国人大一次会议"
    assert period.display("en") == "1st Session of the 19th National People's Congress"
    assert sessions.parse_period(period.label) == period
    assert sessions.parse_period(period.display("en")) == period
    assert period != sessions.parse_period("十九届人大一次会议")


@pytest.mark.parametrize("text, label, zh, en", [
    ("十三届全国人大(五年)", "十三届全国人大（全届）", "十三届全国人大（全届）", "the whole 13th National People's Congress"),
    ("十一届全国人大任期(五年)", "十一届全国人大（全届）", "十一届全国人大（全届）", "the whole 11th National People's Congress"),
    ("十三届全国人大一次会议以来", "十三届全国人大一次会议以来", "十三届全国人大一次会议以来",
     "since the 1st Session of the 13th National People's Congress"),
    ("十三届全国人大一次至三次会议", "十三届全国人大一次会议+十三届全国人大二次会议+十三届全国人大三次会议",
     "十三届全国人大一次、二次、三次会议合计", "13th National People's Congress, sessions 1, 2, 3 together"),
    ("十一届全国人大常委会第十二次会议", "十一届全国人大常委会第十二次会议", "十一届全国人大常委会第十二次会议",
     "12th meeting of the Standing Committee of the 11th National People's Congress"),
    ("全国人大常委会第十二次会议", "全国人大常委会第十二次会议", "全国人大常委会第十二次会议",
     "12th meeting of the Standing Committee of the National People's Congress"),
])
def test_every_kind_of_national_period_says_it_is_national(text, label, zh, en):
    period = sessions.parse_period(text)
    assert (period.label, period.display("zh"), period.display("en")) == (label, zh, en)
    assert sessions.parse_period(label) == period


def test_a_total_never_adds_a_national_session_to_a_local_one():
    assert sessions.parse_period("十三届全国人大一次会议+十三届人大二次会议") is None


@pytest.mark.parametrize("text", ["十一届全国人大(五年)", "第十九届人民代表大会", "十一届人大（全届）"])
def test_a_whole_term(text):
    period = sessions.parse_period(text)
    assert period.kind is PeriodKind.TERM and period.display("en").startswith("the whole")
    assert sessions.parse_session(text) is None


def test_the_year_of_a_period_is_its_own_or_given_never_guessed():
    s1, s2 = "十八届人大一次会议", "十八届人大二次会议"
    assert sessions.period_year("2019年度") == 2019
    assert sessions.period_year("2019年度+2020年度") == 2020  # a total: its last part's
    assert sessions.period_year("2016年以来") == 2016
    assert sessions.period_year(f"{s1}+{s2}", {s2: 2023}) == 2023
    assert sessions.period_year(s1) is None and sessions.period_year(s1, {s1: float("nan")}) is None


def test_years_are_asked_for_only_beside_periods_named_by_year():
    asked = []

    def years():
        asked.append(True)
        return {"十七届人大三次会议": 2024}

    keys = sessions.sort_keys(["十八届人大一次会议", "十七届人大三次会议"], years)
    assert not asked and keys["十八届人大一次会议"] == sessions.session_sort_key("十八届人大一次会议")
    keys = sessions.sort_keys(["2019年度", "十七届人大三次会议"], years)
    assert asked and keys["2019年度"] < keys["十七届人大三次会议"]


def test_names_in_a_sentence_are_joined_as_each_language_writes_a_list():
    """One rule for every list a sentence names (periods, files): 甲、乙和丙; 'a, b, and c', a comma when one holds one."""
    assert sessions.words_joined(["台账"]) == "台账"
    assert sessions.words_joined(["U03.csv", "台账"]) == "U03.csv和台账"
    assert sessions.words_joined(["甲", "乙", "丙"]) == "甲、乙和丙"
    assert sessions.words_joined(["a", "b"], "en") == "a and b"
    assert sessions.words_joined(["a", "b", "c"], "en") == "a, b, and c"
    assert sessions.words_joined(["the 11th Congress, sessions 1 and 3", "b"], "en") == (
        "the 11th Congress, sessions 1 and 3, and b")


@pytest.mark.parametrize("labels, expected", [
    (["2022年度", "2023年度"], True),
    (["2022年度", "2025年度"], False),  # a gap
    (["十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"], True),
    (["十八届人大一次会议", "十八届人大三次会议"], False),
    (["十七届人大五次会议", "十八届人大一次会议"], True),  # a new congress follows the fifth session of the last
    (["十七届人大三次会议", "十八届人大一次会议"], False),  # sessions four and five left out
    (["十八届人大一次会议", "十八届人大一次会议+十八届人大二次会议"], True),  # a total is its parts
    (["2019年度", "十七届人大三次会议"], False),  # two kinds
    (["2016年以来", "2020年度"], False),  # not a session or a year
    (["2022年度"], True),
])
def test_periods_in_a_row(labels, expected):
    assert sessions.in_a_row(labels) is expected


def test_periods_noun_says_what_the_periods_are():
    assert sessions.periods_noun(["十八届人大一次会议", "十八届人大一次会议+十八届人大二次会议"]) == "次会议"
    assert sessions.periods_noun(["2022年度", "2019年度+2020年度"]) == "年度"
    assert sessions.periods_noun(["2022年度", "十八届人大一次会议"]) == "期间"
    assert sessions.periods_noun(["十八届人大常委会第三次会议"], "en") == "periods"
    assert sessions.periods_noun([], "en") == "sessions"
