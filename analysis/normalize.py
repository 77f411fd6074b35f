"""Value normalisers: one function per kind of value a ledger or report holds.

Each takes one raw value (as read from CSV or Excel) and returns the clean value, or raises
``ValueError`` whose text says what was expected (the loader adds file, row and column).
Blank values (None, NaN, '', spaces) come back as None.

No value is guessed. A form is read only when it can mean one thing; otherwise it is refused,
and the reason says why:

Whole numbers (``parse_int``): 12, １２, 12件, 12.0, and 1,234 with commas grouping thousands.
Refused: "1 51" (151, or 1 and 51?), "1人5" (a unit inside the number), "1,2" (not a thousands
group: 12, or 1 and 2?), 12.5.

Numbers as printed (``parse_printed``): 52.3, 25.75%, 90%以上, 约11, 160余名, 1,234. Spaces may
stand around the number, the % and the qualifier, never between digits; a unit (件/名/个/人/项/位)
only after the number. Refused: "1 51", "1人5", "约90以上" (two qualifiers).

Dates (``parse_date``), read:
  - year first, four digits: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 2024 年 3 月 5 日, 20240305,
    with a time after a space or T (2024-03-05 14:30, 2024-03-05T14:30:00): a four-digit year first
    has always meant year, month, day;
  - written in Chinese numerals as in 公文: 二〇二四年三月五日 (〇, ○ or 零 for zero; 日 or 号);
  - an Excel date serial (45356 = 2024-03-05, in 20000–80000, i.e. 1954–2119) and real dates.
Dates refused:
  - a two-digit year (24-3-5, 24年3月5日): the century, and whether 24 is the year or the day
    (24 March 2005 in day-month-year order), are not written;
  - the year last (05/03/2024, 3-5-2024): 5 March in most of the world, 3 May in the United States;
  - a day that does not exist (2024-02-30), a month or day missing (2024年3月), the year missing (3月5日, said so),
    words (下周);
  - a weekday after a date is read when it is that date's (2024/3/5 星期二), refused when it is not (星期三).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "会后", "闭会", "闭会期间", "会后提出", "重点"}
_FALSE = {"否", "×", "✗", "✘", "n", "no", "false", "0", "无", "会期", "会期内", "大会期间", "会议期间"}
YES_WORDS, NO_WORDS = frozenset(_TRUE), frozenset(_FALSE)  # what parse_bool reads as yes / no (the sample record states them)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                        r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_CHINESE = re.compile(r"^([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*"
                           r"([一二三四五六七八九十]{1,3})\s*[日号]$")
# a date followed by its weekday (2024/3/5 星期二, 2024年3月5日（周二）), as some systems export it
_WEEKDAY = re.compile(r"^(.*?[\d日号])\s*[（(]?\s*(?:星期|周|礼拜)([一二三四五六日天])\s*[)）]?$")
_WEEKDAYS = "一二三四五六日"  # index is Python's weekday (Monday 0); 星期天 is 星期日
_DATE_NO_YEAR = re.compile(r"^\d{1,2}\s*月\s*\d{1,2}\s*[日号]?$")
_DATE_SHORT_YEAR = re.compile(r"^(\d{1,2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_DATE_YEAR_LAST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_UNITS = "件|名|个|人|项|位"


def is_blank(value: object) -> bool:
    """True for None, NaN, pandas NA and strings of only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, str) and not value.strip()


def fold_width(text: str) -> str:
    """Full-width ASCII (１２３％ＡＢ) to half-width (123%AB); ideographic space to space."""
    return text.translate(_FULLWIDTH)


def without_invisible(text: str) -> str:
    """The text without format characters (Unicode Cf: zero-width spaces and joiners, bidi controls, BOM)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if not text.isascii() else text


def invisible_in(text: str) -> list[str]:
    """The format characters (Unicode Cf) in ``text``, as U+XXXX, in order of first appearance."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cf"))


def clean_text(value: object) -> str | None:
    """A stripped string (BOM and surrounding spaces removed, ="001" read as 001), or None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives 12.0 for a cell holding 12
    return excel_text_formula(str(value).replace("\ufeff", "").strip().strip("\u3000").strip()) or None


def excel_text_formula(text: str) -> str:
    """001 from ="001": the formula CSV exports write so that Excel keeps an id's or date's text (leading zeros)."""
    if len(text) >= 3 and text[:2] == '="' and text[-1] == '"' and '"' not in text[2:-1]:
        return text[2:-1].strip()
    return text


def excel_forced_text(text: str) -> str:
    """12 from '12, 2024-03-05 from '2024-03-05: the apostrophe Excel users type before a number or a date to keep it
    as text (some systems' exports write it too). Only for the text of a number, date or yes/no cell, which its parser
    then reads as any other: '12 is 12, 'abc is still refused (as 'abc), and a title's or an id's text is never cut."""
    return text[1:].lstrip() if text[:1] == "'" and len(text) > 1 else text


def _value_text(value: object) -> str:
    """The text of a number, date or yes/no cell: half-width, stripped, ="12" and '12 read as 12."""
    return excel_forced_text(excel_text_formula(fold_width(str(value)).strip()))


def parse_int(value: object) -> int | None:
    """A whole number from 12, 12.0, '12', '１２', '12件'; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("expected a whole number, not a fraction")
    text = re.sub(rf"\s*(?:{_UNITS})$", "", _value_text(value))
    digits = text.lstrip("+-")
    if "," in digits:
        if not _THOUSANDS.fullmatch(digits):  # "1,2" is not 12: commas only group thousands
            raise ValueError("expected a whole number (e.g. 12); commas may only group thousands (1,234)")
        text = text.replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise ValueError("expected a whole number (e.g. 12)")


def parse_bool(value: object) -> bool | None:
    """是/否, √/×, Y/N, 1/0, true/false, 会后/会期; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _value_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected 是/否 (also √/×, Y/N, 1/0; for 提出时段: 会期/闭会)")


def parse_date(value: object) -> dt.date | None:
    """A date from 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial or a datetime."""
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-" and value.isascii() \
            and value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit():
        # 2024-03-05, the form nearly every cell of a ledger has: what _DATE_TEXT reads it as, without the
        # regular expressions (a ledger has thousands of distinct dates); a day that does not exist goes on below
        try:
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_excel_serial(float(value))
    text = _value_text(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_excel_serial(float(text))
    weekday = _WEEKDAY.match(text)
    if weekday:
        date = parse_date(weekday.group(1))  # 2024/3/5 星期二: the date, its weekday checked, never taken on trust
        said = _WEEKDAYS.index(weekday.group(2).replace("天", "日"))
        if date is not None and date.weekday() != said:
            raise ValueError(f"the weekday does not match ({date.isoformat()} is a 星期{_WEEKDAYS[date.weekday()]}, "
                             f"not a 星期{weekday.group(2)}): which of the two is meant cannot be told")
        return date
    if _DATE_NO_YEAR.match(text):
        raise ValueError("no year (3月5日 says no year): write the year, e.g. 2024年3月5日")
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif _DATE_CHINESE.match(text):
        year_text, month_text, day_text = _DATE_CHINESE.match(text).groups()
        year = int("".join(str(_CHINESE_DIGITS[ch]) for ch in year_text))
        month, day = _chinese_number(month_text), _chinese_number(day_text)
    elif _DATE_SHORT_YEAR.match(text):
        raise ValueError("a two-digit year (24-3-5 could be 2024-03-05 or 24 March 2005): write the year in full, "
                         "e.g. 2024-03-05")
    elif _DATE_YEAR_LAST.match(text):
        raise ValueError("the year last (05/03/2024 is 5 March in most places, 3 May in others): write the year "
                         "first, e.g. 2024-03-05")
    else:
        raise ValueError("expected a date such as 2024-03-05, 2024年3月5日 or 2024/3/5")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"no such date ({year}-{month:02d}-{day:02d})") from None


def _chinese_number(text: str) -> int:
    """一 … 三十一 (a month or a day in Chinese numerals) → int; ValueError for anything else."""
    if "十" not in text:
        if len(text) != 1:
            raise ValueError("expected a date such as 二〇二四年三月五日")
        return _CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        raise ValueError("expected a date such as 二〇二四年三月五日")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def _from_excel_serial(serial: float) -> dt.date:
    # Serials 1..60 fall before Excel's fictitious 1900-02-29; ledgers are far later.
    if not 20000 <= serial <= 80000:  # 1954 … 2119
        raise ValueError("a number here must be an Excel date serial (e.g. 45356 = 2024-03-05)")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


# ---------------------------------------------------------------------------------------
# Numbers as printed in a report
# ---------------------------------------------------------------------------------------

# qualifier words → meaning: the true value is ≥, >, ≈, just below, or ≤ the printed one
QUALIFIERS = {
    "以上": "at_least", "及以上": "at_least", "逾": "more_than", "余": "more_than", "多": "more_than",
    "超过": "more_than", "近": "nearly", "将近": "nearly", "接近": "nearly", "约": "about",
    "约占": "about", "左右": "about", "大约": "about", "不到": "less_than", "不足": "less_than",
    "以下": "at_most",
    # the same words in an English translation of a report ("about 75 percent", "more than 90 percent")
    "about": "about", "around": "about", "approximately": "about", "some": "about", "roughly": "about",
    "nearly": "nearly", "almost": "nearly", "over": "more_than", "more than": "more_than", "at least": "at_least",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than", "at most": "at_most",
}
_PREFIXES = sorted((q for q in QUALIFIERS if q in {"逾", "超过", "近", "将近", "接近", "约", "约占", "大约", "不到", "不足"}
                    or q.isascii()), key=len, reverse=True)
_SUFFIXES = sorted((q for q in QUALIFIERS if q not in _PREFIXES), key=len, reverse=True)


@dataclass(frozen=True)
class PrintedNumber:
    """A number as printed: the verbatim text, its value, decimals shown, and any qualifier."""

    text: str
    value: float
    decimals: int
    qualifier: str = ""  # "" exact, or one of QUALIFIERS' meanings

    @property
    def exact(self) -> bool:
        """True when printed without a bound or approximation word."""
        return not self.qualifier


_PRINTED = re.compile(
    r"^(?P<pre>" + "|".join(q.replace(" ", r"\s+") + (r"\s" if q.isascii() else "") for q in _PREFIXES) + r")?\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*%?\s*"
    r"(?P<post>" + "|".join(_SUFFIXES) + r")?\s*(?:" + _UNITS + r")?\s*%?\s*"
    r"(?P<after>" + "|".join(_SUFFIXES) + r")?$", re.IGNORECASE)


def parse_printed(value: object) -> PrintedNumber | None:
    """'52.3', '25.75%', '90%以上', '约11', '160余', '近42％' → PrintedNumber; None when blank.

    Spaces may stand around the number, the % sign and the qualifier, never between digits: "1 51"
    is refused, not read as 151. A unit (件/名/…) may only follow the number: "1人5" is refused.
    """
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    else:
        text = excel_forced_text(str(value).strip().replace("\uff07", "'", 1))
    match = _PRINTED.match(fold_width(text).strip())
    words = [w for w in (match["pre"], match["post"], match["after"]) if w] if match else []
    if len(words) > 1:
        raise ValueError("expected at most one of 以上/余/近/约/不到 around the number")
    if not match:
        raise ValueError("expected a number as printed, e.g. 52.3, 25.75, 90以上, 约11, 160余 "
                         "(no space or unit between digits)")
    body = match["number"].replace(",", "")
    decimals = len(body.split(".")[1]) if "." in body else 0
    qualifier = QUALIFIERS[" ".join(words[0].lower().split())] if words else ""
    return PrintedNumber(text=text, value=float(body), decimals=decimals, qualifier=qualifier)
