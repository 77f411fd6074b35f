"""Session labels: every way of writing a session is recognised as the same session."""
from __future__ import annotations

import pytest

from analysis import sessions


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
])
def test_the_same_session_written_many_ways(text):
    assert sessions.canonical_session(text) == "十九届人大一次会议"


@pytest.mark.parametrize("text, term, number", [
    ("十八届人大二次会议", 18, 2), ("二十一届人大三次会议", 21, 3), ("第十届第十次会议", 10, 10), ("9-2", 9, 2),
])
def test_parse_session_numbers(text, term, number):
    assert sessions.parse_session(text) == sessions.Session(term, number)


@pytest.mark.parametrize("text", [None, "", "  ", "2023年第三季度", "区 次会议期间", "0-1", "会议"])
def test_texts_that_name_no_session(text):
    assert sessions.canonical_session(text) is None


@pytest.mark.parametrize("text, value", [("十九", 19), ("二十一", 21), ("十", 10), ("三", 3), ("３", 3), ("12", 12)])
def test_chinese_to_int(text, value):
    assert sessions.chinese_to_int(text) == value


@pytest.mark.parametrize("value", [1, 2, 9, 10, 11, 19, 20, 21, 99])
def test_int_to_chinese_round_trips(value):
    assert sessions.chinese_to_int(sessions.int_to_chinese(value)) == value


def test_labels_in_both_languages():
    session = sessions.Session(18, 2)
    assert session.label == "十八届人大二次会议"
    assert session.label_en == "18th Congress, 2nd Session"
    assert session.display("en") == "18th Congress, 2nd Session"
    assert sessions.Session(21, 3).label_en == "21st Congress, 3rd Session"
    assert sessions.Session(11, 1).label_en == "11th Congress, 1st Session"


def test_totals_are_sorted_and_canonical():
    assert sessions.canonical_session_or_total("十八届三次+十八届人大一次会议＋第十八届人民代表大会第二次会议") == \
        "十八届人大一次会议+十八届人大二次会议+十八届人大三次会议"
    assert sessions.canonical_session_or_total("十八届人大二次会议") == "十八届人大二次会议"


def test_a_total_with_an_unrecognised_part_is_not_a_session():
    assert sessions.canonical_session_or_total("十八届人大一次会议+去年") is None
    assert sessions.canonical_session_or_total("") is None


def test_sort_key_puts_sessions_in_order_and_totals_after_their_last_session():
    labels = ["十八届人大一次会议+十八届人大二次会议", "十九届人大一次会议", "十八届人大二次会议", "十八届人大一次会议"]
    assert sorted(labels, key=sessions.session_sort_key) == [
        "十八届人大一次会议", "十八届人大二次会议", "十八届人大一次会议+十八届人大二次会议", "十九届人大一次会议"]
