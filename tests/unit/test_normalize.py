"""Value normalisers: what each raw cell becomes, and what is refused."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analysis import normalize


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "", "   ", "\u3000"])
def test_blank_values(value):
    assert normalize.is_blank(value)
    assert normalize.clean_text(value) is None
    assert normalize.parse_int(value) is None
    assert normalize.parse_bool(value) is None
    assert normalize.parse_date(value) is None
    assert normalize.parse_printed(value) is None


@pytest.mark.parametrize("value", ["0", 0, "x", " a "])
def test_non_blank_values(value):
    assert not normalize.is_blank(value)


def test_fold_width_turns_full_width_ascii_half_width():
    assert normalize.fold_width("１２３％ＡＢ（）") == "123%AB()"
    assert normalize.fold_width("\u3000") == " "
    assert normalize.fold_width("区政府") == "区政府"


@pytest.mark.parametrize("raw, expected", [
    ("  区政府 ", "区政府"),
    ("\ufeff建议编号", "建议编号"),
    ("\u3000标题\u3000", "标题"),
    (12.0, "12"),  # Excel hands whole numbers back as floats
    (7, "7"),
])
def test_clean_text(raw, expected):
    assert normalize.clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (12, 12), (12.0, 12), ("12", 12), ("１２", 12), ("12件", 12), (" 1,234 ", 1234), ("-3", -3), ("7.0", 7),
])
def test_parse_int(raw, expected):
    assert normalize.parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["12.5", 12.5, "十二", "abc", True])
def test_parse_int_refuses(raw):
    with pytest.raises(ValueError, match="whole number"):
        normalize.parse_int(raw)


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("√", True), ("×", False), ("Y", True), ("n", False), ("1", True), (0, False),
    (1.0, True), ("TRUE", True), ("会后", True), ("闭会", True), ("会期", False), (True, True), ("Ｙ", True),
])
def test_parse_bool(raw, expected):
    assert normalize.parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["可能", "2", "yes please"])
def test_parse_bool_refuses(raw):
    with pytest.raises(ValueError, match="是/否"):
        normalize.parse_bool(raw)


@pytest.mark.parametrize("raw", [
    "2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "2024 年 3 月 5 日", "20240305", "２０２４－０３－０５",
    "2024-03-05 14:30", "2024-03-05 14:30:00", 45356, 45356.0, "45356", dt.date(2024, 3, 5),
    dt.datetime(2024, 3, 5, 9, 0), pd.Timestamp("2024-03-05"),
])
def test_parse_date_forms(raw):
    assert normalize.parse_date(raw) == dt.date(2024, 3, 5)


def test_excel_serial_epoch():
    # Excel's day 1 is 1900-01-01 with a fictitious 1900-02-29, so serials count from 1899-12-30
    assert normalize.parse_date(36526) == dt.date(2000, 1, 1)


@pytest.mark.parametrize("raw, reason", [
    ("2024-02-30", "no such date"),
    ("2023-02-29", "no such date"),
    ("2024-13-01", "no such date"),
    ("3月5日", "no year"),
    ("下周", "expected a date"),
    (12, "Excel date serial"),  # a small number in a date column is not a date
])
def test_parse_date_refuses(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalize.parse_date(raw)


def test_leap_day_is_a_date():
    assert normalize.parse_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("raw, value, decimals, qualifier", [
    ("52.3", 52.3, 1, ""),
    ("25.75%", 25.75, 2, ""),
    ("５２．３％", 52.3, 1, ""),
    ("90%以上", 90.0, 0, "at_least"),
    ("90以上", 90.0, 0, "at_least"),
    ("约11", 11.0, 0, "about"),
    ("160余", 160.0, 0, "more_than"),
    ("160余名", 160.0, 0, "more_than"),
    ("近42％", 42.0, 0, "nearly"),
    ("不足5", 5.0, 0, "less_than"),
    ("27.90", 27.9, 2, ""),  # trailing zero shown: two decimals printed
    (159, 159.0, 0, ""),
    ("1,034", 1034.0, 0, ""),  # a thousands separator
    ("约12,345.6", 12345.6, 1, "about"),
])
def test_parse_printed(raw, value, decimals, qualifier):
    number = normalize.parse_printed(raw)
    assert math.isclose(number.value, value)
    assert number.decimals == decimals
    assert number.qualifier == qualifier
    assert number.exact is (qualifier == "")


def test_parse_printed_keeps_the_text_verbatim():
    assert normalize.parse_printed(" 90%以上 ").text == "90%以上"
    assert normalize.parse_printed("52.30").text == "52.30"


@pytest.mark.parametrize("raw", ["若干", "52.3.1", "约90以上", "-5", "1,5", "10,00"])
def test_parse_printed_refuses(raw):
    with pytest.raises(ValueError):
        normalize.parse_printed(raw)


# ---------------------------------------------------------------------------------------
# Issue 14: read or refused, never misread
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1 51", "1人5", "1,2", "12,34", "1,2345", "1.5件"])
def test_parse_int_refuses_what_could_mean_two_numbers(raw):
    with pytest.raises(ValueError, match="whole number"):
        normalize.parse_int(raw)


@pytest.mark.parametrize("raw, expected", [("1,234", 1234), ("12,345,678", 12345678), ("12 件", 12), ("-1,234", -1234)])
def test_parse_int_reads_thousands_groups_and_a_unit_after_a_space(raw, expected):
    assert normalize.parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["1 51", "1人5", "1,2", "15 1%", "约1 2", "1名5以上"])
def test_parse_printed_refuses_spaces_and_units_between_digits(raw):
    with pytest.raises(ValueError):
        normalize.parse_printed(raw)


@pytest.mark.parametrize("raw, value, qualifier", [
    ("90% 以上", 90.0, "at_least"), ("约 11", 11.0, "about"), ("1,234", 1234.0, ""), ("160名以上", 160.0, "at_least"),
    ("20余件", 20.0, "more_than"), (" 52.3 % ", 52.3, ""),
])
def test_parse_printed_allows_spaces_around_the_number(raw, value, qualifier):
    number = normalize.parse_printed(raw)
    assert (number.value, number.qualifier, number.text) == (value, qualifier, raw.strip())


@pytest.mark.parametrize("raw, expected", [
    ("二〇二四年三月五日", dt.date(2024, 3, 5)), ("二○二四年十二月三十一日", dt.date(2024, 12, 31)),
    ("二零二四年十月十日", dt.date(2024, 10, 10)), ("二〇二四年三月二十号", dt.date(2024, 3, 20)),
    ("2024.3.5", dt.date(2024, 3, 5)), ("2024年3月5号", dt.date(2024, 3, 5)),
    ("2024-03-05T14:30:00", dt.date(2024, 3, 5)),
    # a weekday after the date, as some systems export it: read when it is that date's (2024-03-05 was a Tuesday)
    ("2024/3/5 星期二", dt.date(2024, 3, 5)), ("2024年3月5日（周二）", dt.date(2024, 3, 5)),
    ("二〇二四年三月十日 星期日", dt.date(2024, 3, 10)), ("2024-03-10礼拜天", dt.date(2024, 3, 10)),
])
def test_dates_that_can_mean_one_day_are_read(raw, expected):
    assert normalize.parse_date(raw) == expected


@pytest.mark.parametrize("raw, reason", [
    ("24-3-5", "two-digit year"), ("24年3月5日", "two-digit year"), ("24/03/05", "two-digit year"),
    ("05/03/2024", "year last"), ("3-5-2024", "year last"),
    ("二〇二四年三月", "expected a date"), ("二〇二四年二月三十日", "no such date"), ("二〇二四年十三月一日", "no such date"),
    ("二〇二四年三月三十二日", "no such date"),
    ("2024-04-02 星期三", r"the weekday does not match \(2024-04-02 is a 星期二, not a 星期三\)"),
    ("3月5日", "no year"), ("3月5日 星期二", "no year"), ("星期二", "expected a date"),
])
def test_dates_that_could_be_misread_are_refused_saying_why(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalize.parse_date(raw)


def test_invisible_characters_are_found_and_removed():
    from analysis.normalize import invisible_in, without_invisible

    assert without_invisible("区城\u202e管局\u200b") == "区城管局" and without_invisible("S-001") == "S-001"
    assert invisible_in("区城\u202e管\u200b局\u200b") == ["U+202E", "U+200B"] and invisible_in("区城管局") == []


def test_a_value_written_as_an_excel_text_formula_is_its_text():
    # ="001" is what export systems write so that Excel keeps leading zeros; only that exact wrapping is read
    assert normalize.clean_text(' ="001" ') == "001"
    assert normalize.parse_date('="2024-03-05"') == dt.date(2024, 3, 5)
    assert normalize.parse_int('="2024"') == 2024
    assert normalize.clean_text('="关于建桥"的建议') == '="关于建桥"的建议'  # not one wrapped value: kept as written
    assert normalize.clean_text('=HYPERLINK("x","y")') == '=HYPERLINK("x","y")'


@pytest.mark.parametrize("printed, value, qualifier", [
    ("some 80", 80.0, "about"), ("About 75", 75.0, "about"), ("around 46.5", 46.5, "about"),
    ("nearly 60", 60.0, "nearly"), ("more than 90", 90.0, "more_than"), ("over 90", 90.0, "more_than"),
    ("at least 95%", 95.0, "at_least"), ("less than 5", 5.0, "less_than"),
])
def test_an_english_translation_bounds_its_figures_in_words(printed, value, qualifier):
    number = normalize.parse_printed(printed)
    assert (number.text, number.value, number.qualifier) == (printed, value, qualifier)


@pytest.mark.parametrize("printed", ["someone 80", "over90", "about 1 51", "about about 5"])
def test_an_english_word_is_a_bound_only_before_its_number(printed):
    with pytest.raises(ValueError):
        normalize.parse_printed(printed)
