"""Periods a report is about: sessions, spans of sessions, meetings, years — one parser for all.

Reports name the period their figures cover in many ways. ``parse_period`` reads every way
seen in published reports and ledgers into one typed ``Period``; ``load`` (ledgers and
published figures), ``reconcile`` and the report pages share it. The kinds:

=========  ===========================================  ====================================
kind       printed as (examples)                        canonical label
=========  ===========================================  ====================================
session    第十九届人民代表大会第一次会议, 十九届人大一次会议,  十九届人大一次会议
           十九届一次, 第19届第1次会议, 19-1, 区第100届人大     (第一百届人大二次会议: any size)
           第2次会议, 19th Congress, 1st Session
total      several sessions together: 十八届人大一次会议+       十八届人大一次会议+十八届人大二次会议
           十八届人大二次会议 (the published-figures way),     +十八届人大三次会议 (sorted; years
           a span 四届人大一次至三次会议, a list 一、二次会议;   likewise: 2019年度+2020年度)
           years 2019—2021年
since      十七届人大一次会议以来, 2016年以来 (from then to     十七届人大一次会议以来 / 2016年以来
           the report, end not printed)
meeting    a standing-committee meeting: 人大常委会第十五次会议,  十八届人大常委会第十五次会议 /
           十八届人大常委会第十五次会议. Never a plenary        人大常委会第十五次会议
           session, whatever its numbers.
year       2020年度, 2020年, 二〇二〇年 (a year printed as the   2020年度
           period; a quarter or a month is not a period)
term       a congress's whole term: 十一届全国人大(五年),        十一届人大（全届）
           第十九届人民代表大会
none       nothing printed: the whole file is one report      未注明会期（FILE）
=========  ===========================================  ====================================

A local level (省, 市, 区, 县, 自治县 …) is not part of the period: 市十七届人大三次会议 is
十七届人大三次会议 of whichever congress the file is about. 全国 is: the National People's Congress is
no local congress, so 十一届全国人大二次会议 stays 十一届全国人大二次会议 ('2nd Session of the 11th
National People's Congress'; 12th NPC in English too), never 十一届人大二次会议, and a total never adds
a national session to a local one. Its meetings (全国人大常委会第十二次会议) and terms (十一届全国人大（全届）)
likewise. A year names no congress. When a text names both a plenary
session and a standing-committee meeting (a report heard at the meeting about the session's
suggestions), the session is the period. A number such as 19.10 is not a period. Ledgers hold
suggestions raised at a plenary session, so they use ``parse_session``, which accepts the
session kind only.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMERAL = r"[0-9０-９零〇○一二两三四五六七八九十百千万]+"
_SEPARATORS = r"(?:至|到|—|–|－|-|~|～|、|和|及|与|,|，)"
_RANGE_WORDS = ("至", "到", "—", "–", "－", "-", "~", "～")
# 十一届全国人大二次会议: 全国 names the national congress, part of the period (the NPC is no local congress); a local
# level (省, 市, 区 …) is not: 市十七届人大三次会议 is 十七届人大三次会议 of whichever congress the file is about
_PLACE = r"(?:(?P<national>全国)|自治[区州县]|[省市区县州旗乡镇])?"
_CONGRESS = rf"{_PLACE}(?:人民代表大会|人大)?"
# 全国人大十三届五次会议: the national congress named before the term
_NATIONAL_BEFORE_RE = re.compile(r"全国\s*(?:人民代表大会|人大)?\s*$")

# 十八届人大二次会议, 第十八届人民代表大会第一次会议至第三次会议, 十八届一、二次会议 …
_SESSIONS_RE = re.compile(
    rf"第?(?P<term>{_NUMERAL})届\s*{_CONGRESS}\s*"
    rf"(?P<numbers>(?:第?{_NUMERAL}(?:次)?(?:会议)?\s*{_SEPARATORS}\s*)*第?{_NUMERAL}次)(?:会议)?"
    r"(?P<since>\s*以来)?"
)
# 人大常委会第十五次会议, 十八届人大常务委员会第十五次会议
_MEETING_RE = re.compile(
    rf"(?:第?(?P<term>{_NUMERAL})届\s*)?{_CONGRESS}\s*(?:常务委员会|常委会)\s*第?(?P<number>{_NUMERAL})次(?:会议)?"
)
# 十一届全国人大(五年), 第十九届人民代表大会: a congress's whole term (no session, no meeting)
_TERM_RE = re.compile(rf"第?(?P<term>{_NUMERAL})届\s*{_PLACE}(?:人民代表大会|人大)")
# 19-1, 19/1: the compact form some spreadsheets use (never 19.1: that is a number)
_COMPACT_RE = re.compile(r"^\s*(?P<term>\d{1,3})\s*[-/]\s*(?P<number>\d{1,3})\s*$")
# English, as translations print it: 19th Congress, 1st Session; 12th NPC, 5th Session; the first session of the
# 14th National People's Congress. A standing committee's "session" is a meeting, never read as a plenary session.
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                  "ninth": 9, "tenth": 10}
_EN_ORDINAL = rf"(?:\d{{1,3}}(?:st|nd|rd|th)?|{'|'.join(_ORDINAL_WORDS)})"
_EN_CONGRESS = (r"(?:(?P<national>national\s+people'?s\s+congress|npc)|(?:national\s+)?(?:people'?s\s+)?congress)"
                r"(?!\s+standing)")
_ENGLISH_RE = re.compile(
    rf"(?P<term>{_EN_ORDINAL})\s+{_EN_CONGRESS}\W+(?P<number>{_EN_ORDINAL})\s+(?:annual\s+)?session", re.IGNORECASE)
_ENGLISH_OF_RE = re.compile(
    rf"(?P<number>{_EN_ORDINAL})\s+(?:annual\s+)?session\s+of\s+the\s+(?P<term>{_EN_ORDINAL})\s+{_EN_CONGRESS}",
    re.IGNORECASE)
_YEAR = r"(?:1[89]\d{2}|2\d{3}|[〇零○一二三四五六七八九]{4})"
# 2020年度, 2020年, 2016年以来, 2019—2021年, 2019年至2021年度 (the whole text, a place name before it)
_YEARS_RE = re.compile(
    rf"^[^\d〇零○一二三四五六七八九]{{0,12}}?(?P<first>{_YEAR})\s*(?:年度?)?"
    rf"(?:\s*(?:至|到|—|–|－|-|~|～)\s*(?P<last>{_YEAR})\s*)?(?:年度?|年)(?P<since>\s*以来)?\s*$"
)
_REMARK_RE = re.compile(r"[（(][^（）()]*[）)]")
_NO_PERIOD = "未注明会期"


def chinese_to_int(text: str) -> int:
    """'十九' → 19, '一百零一' → 101, '二〇二〇' → 2020, '3' or '３' → 3; ValueError if not a number."""
    text = str(text).strip().translate(_FULL_WIDTH)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a number: {text!r}")
    if not any(ch in _UNITS for ch in text):
        value = 0  # digit by digit: 二〇二〇
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    if "万" in text:
        high, _, low = text.partition("万")
        return (chinese_to_int(high) if high else 1) * 10_000 + (chinese_to_int(low) if low else 0)
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] and digit:
                raise ValueError(f"not a number: {text!r}")  # two digits with no unit between: 一二十
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit >= last_unit:
            raise ValueError(f"not a number: {text!r}")  # 十十, 十百
        total += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    """19 → '十九', 21 → '二十一', 100 → '一百', 101 → '一百零一', 110 → '一百一十'."""
    names = "零一二三四五六七八九"
    number = int(number)
    if number < 0:
        raise ValueError(f"negative: {number}")
    if number < 10:
        return names[number]
    if number < 20:
        return "十" + (names[number - 10] if number > 10 else "")
    if number >= 10_000:
        high, low = divmod(number, 10_000)
        rest = "" if not low else ("零" if low < 1000 else "") + _under_10000(low)
        return int_to_chinese(high) + "万" + rest
    return _under_10000(number)


def _under_10000(number: int) -> str:
    names = "零一二三四五六七八九"
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit:
            if zero and out:
                out += "零"
            out += names[digit] + name
            zero = False
        elif out:
            zero = True
    return out


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _national_zh(national: bool) -> str:
    return "全国" if national else ""


def _congress_en(term: int, national: bool) -> str:
    """'13th National People's Congress' / '13th Congress'."""
    return f"{_ordinal(term)} National People's Congress" if national else f"{_ordinal(term)} Congress"


@dataclass(frozen=True, order=True)
class Session:
    """One plenary session: congress term (届) and number within the term (次); ``national`` for the NPC's."""

    term: int
    number: int
    national: bool = False

    @property
    def label(self) -> str:
        """The canonical Chinese label, e.g. 十八届人大二次会议, 十三届全国人大五次会议."""
        return f"{int_to_chinese(self.term)}届{_national_zh(self.national)}人大{int_to_chinese(self.number)}次会议"

    @property
    def label_en(self) -> str:
        """The English label, e.g. '18th Congress, 2nd Session', "5th Session of the 13th National People's Congress"."""
        if self.national:
            return f"{_ordinal(self.number)} Session of the {_congress_en(self.term, True)}"
        return f"{_congress_en(self.term, False)}, {_ordinal(self.number)} Session"

    def display(self, lang: str = "zh") -> str:
        """The label in the reader's language."""
        return self.label_en if lang == "en" else self.label

    def __str__(self) -> str:
        return self.label


class PeriodKind(str, Enum):
    """What kind of period a report's figures cover (see the module docstring)."""

    SESSION = "session"
    TOTAL = "total"
    SINCE = "since"
    MEETING = "meeting"
    YEAR = "year"
    TERM = "term"
    NONE = "none"


@dataclass(frozen=True)
class Period:
    """One period: its kind and what identifies it. Build it with ``parse_period``."""

    kind: PeriodKind
    session: Session | None = None  # session; the start of since
    year: int | None = None  # year; the start of since
    term: int | None = None  # meeting: the congress term, when printed; term: the term
    number: int | None = None  # meeting: its number
    parts: tuple["Period", ...] = ()  # total: sessions or years, in order
    file: str = ""  # none: the file that is the report
    national: bool = False  # meeting, term: the National People's Congress's (a session carries its own)

    @property
    def label(self) -> str:
        """The canonical label (the ``session`` value of every frame)."""
        if self.kind is PeriodKind.SESSION:
            return self.session.label
        if self.kind is PeriodKind.TOTAL:
            return "+".join(p.label for p in self.parts)
        if self.kind is PeriodKind.SINCE:
            return (self.session.label if self.session else f"{self.year}年") + "以来"
        if self.kind is PeriodKind.MEETING:
            term = f"{int_to_chinese(self.term)}届" if self.term else ""
            return f"{term}{_national_zh(self.national)}人大常委会第{int_to_chinese(self.number)}次会议"
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}年度"
        if self.kind is PeriodKind.TERM:
            return f"{int_to_chinese(self.term)}届{_national_zh(self.national)}人大（全届）"
        return f"{_NO_PERIOD}（{self.file}）"

    def display(self, lang: str = "zh") -> str:
        """The period as a reader sees it: 十八届人大一次、二次、三次会议合计 / '18th Congress, sessions 1, 2, 3 together'."""
        en = lang == "en"
        if self.kind is PeriodKind.SESSION:
            return self.session.display(lang)
        if self.kind is PeriodKind.TOTAL:
            return _total_display(self.parts, en)
        if self.kind is PeriodKind.SINCE:
            start = (self.session.display(lang) if self.session else str(self.year))
            the = "the " if en and self.session and self.session.national else ""  # since the 1st Session of the …
            return f"since {the}{start}" if en else f"{start}以来"
        if self.kind is PeriodKind.MEETING:
            if en:
                if self.term:
                    of = f" of the {_congress_en(self.term, self.national)}"
                else:
                    of = " of the National People's Congress" if self.national else ""
                return f"{_ordinal(self.number)} meeting of the Standing Committee{of}"
            return self.label
        if self.kind is PeriodKind.YEAR:
            return f"year {self.year}" if en else self.label
        if self.kind is PeriodKind.TERM:
            return f"the whole {_congress_en(self.term, self.national)}" if en else self.label
        return f"period not stated ({self.file})" if en else self.label

    def sort_key(self) -> tuple:
        """Sessions in order of term and number (a total after its last session), then meetings, years, the rest."""
        if self.kind is PeriodKind.SESSION:
            return (self.session.term, self.session.number, 1, self.label)
        if self.kind is PeriodKind.TOTAL:
            last = self.parts[-1].sort_key()
            return (last[0], last[1], len(self.parts), self.label)
        if self.kind is PeriodKind.SINCE:
            start = (self.session.term, self.session.number) if self.session else (self.year, 0)
            return (*start, 1_000, self.label)  # after every total ending at its start
        if self.kind is PeriodKind.MEETING:
            return (5_000 + (self.term or 0), self.number, 1, self.label)
        if self.kind is PeriodKind.YEAR:
            return (self.year, 0, 1, self.label)
        if self.kind is PeriodKind.TERM:
            return (self.term, 999, 1, self.label)  # after the term's sessions
        return (99_999, 99_999, 1, self.label)

    def __str__(self) -> str:
        return self.label


def _total_display(parts: tuple[Period, ...], en: bool) -> str:
    sessions_ = [p.session for p in parts if p.kind is PeriodKind.SESSION]
    if len(sessions_) == len(parts) and len({(s.term, s.national) for s in sessions_}) == 1:
        first = sessions_[0]
        if en:
            numbers = ", ".join(str(s.number) for s in sessions_)
            return f"{_congress_en(first.term, first.national)}, sessions {numbers} together"
        numbers = "、".join(int_to_chinese(s.number) + "次" for s in sessions_)
        return f"{int_to_chinese(first.term)}届{_national_zh(first.national)}人大{numbers}会议合计"
    years = [p.year for p in parts if p.kind is PeriodKind.YEAR]
    if len(years) == len(parts) and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]} together" if en else f"{years[0]}—{years[-1]}年度合计"
    if en:
        return " + ".join(p.display("en") for p in parts) + " together"
    return "、".join(p.label for p in parts) + "合计"


def _int(text: str) -> int | None:
    try:
        return chinese_to_int(text)
    except ValueError:
        return None


def _english_int(text: str) -> int | None:
    """The number of an English ordinal: 12 from 12th, 1 from first (words up to tenth)."""
    word = _ORDINAL_WORDS.get(text.lower())
    return word if word is not None else _int(re.sub(r"(?i)(st|nd|rd|th)$", "", text))


def _session(term: int | None, number: int | None, national: bool = False) -> Session | None:
    if term is None or number is None or term < 1 or number < 1:
        return None
    return Session(term, number, national)


def _national(match: re.Match, value: str) -> bool:
    """Whether a match names the National People's Congress: 全国 after the term, or just before the match."""
    return bool(match.groupdict().get("national")) or bool(_NATIONAL_BEFORE_RE.search(value[:match.start()]))


def _numbers(phrase: str) -> list[int] | None:
    """The session numbers of '一次至三次' (1, 2, 3), '一、二次' (1, 2), '二次' (2); None if unreadable."""
    pieces = re.split(rf"\s*({_SEPARATORS})\s*", phrase)
    values = [_int(re.sub(r"^第|次|会议", "", p)) for p in pieces[::2]]
    if any(v is None or v < 1 for v in values):
        return None
    out = [values[0]]
    for separator, value in zip(pieces[1::2], values[1:]):
        if separator in _RANGE_WORDS:
            if value <= out[-1]:
                return None
            out.extend(range(out[-1] + 1, value + 1))
        else:
            out.append(value)
    return sorted(set(out))


def _from_sessions_match(match: re.Match, national: bool) -> Period | None:
    term = _int(match["term"])
    numbers = _numbers(match["numbers"])
    if term is None or term < 1 or not numbers:
        return None
    found = [Period(PeriodKind.SESSION, session=Session(term, n, national)) for n in numbers]
    if match["since"]:
        return Period(PeriodKind.SINCE, session=found[0].session) if len(found) == 1 else None
    return found[0] if len(found) == 1 else Period(PeriodKind.TOTAL, parts=tuple(found))


def _from_years_match(match: re.Match) -> Period | None:
    first = _int(match["first"])
    last = _int(match["last"]) if match["last"] else first
    if first is None or last is None or not (1900 <= first <= last <= 2999) or last - first > 50:
        return None
    if match["since"]:
        return Period(PeriodKind.SINCE, year=first) if first == last else None
    if first == last:
        return Period(PeriodKind.YEAR, year=first)
    return Period(PeriodKind.TOTAL, parts=tuple(Period(PeriodKind.YEAR, year=y) for y in range(first, last + 1)))


def _parse_one(value: str) -> Period | None:
    """One period (no '+'), or None."""
    if value.startswith(_NO_PERIOD):
        file = value[len(_NO_PERIOD):].strip().lstrip("（(").rstrip("）)")
        return Period(PeriodKind.NONE, file=file)
    match = _SESSIONS_RE.search(value)
    if match:
        if re.match(rf"\s*(?:{'|'.join(_RANGE_WORDS)})\s*第?{_NUMERAL}届", value[match.end():]):
            return None  # 十七届人大五次会议至十八届人大二次会议: the sessions between are not known
        return _from_sessions_match(match, _national(match, value))
    match = _MEETING_RE.search(value)
    if match:
        number = _int(match["number"])
        term = _int(match["term"]) if match["term"] else None
        if number is None or number < 1 or (match["term"] and (term is None or term < 1)):
            return None
        return Period(PeriodKind.MEETING, term=term, number=number, national=_national(match, value))
    match = _TERM_RE.search(value)
    if match:
        term = _int(match["term"])
        return Period(PeriodKind.TERM, term=term, national=_national(match, value)) if term and term >= 1 else None
    for pattern in (_COMPACT_RE, _ENGLISH_RE, _ENGLISH_OF_RE):
        match = pattern.search(value)
        if match:
            session = _session(_english_int(match["term"]), _english_int(match["number"]),
                               bool(match.groupdict().get("national")))
            return Period(PeriodKind.SESSION, session=session) if session else None
    match = _YEARS_RE.search(_REMARK_RE.sub("", value).strip())
    if match:
        return _from_years_match(match)
    return None


def split_total(text: str) -> list[str]:
    """The parts of a '+'-joined total ('A+B+C' → ['A', 'B', 'C']); one part if no '+'."""
    return [part.strip() for part in re.split(r"[+＋]", str(text)) if part.strip()]


def parse_period(text: object) -> Period | None:
    """The period a text names (any kind in the module docstring), or None when it names none."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    pieces = split_total(value)
    if len(pieces) == 1:
        return _parse_one(pieces[0])
    found = [_parse_one(p) for p in pieces]
    if any(p is None for p in found):
        return None
    parts: list[Period] = []
    for p in found:
        parts.extend(p.parts if p.kind is PeriodKind.TOTAL else (p,))
    kinds = {p.kind for p in parts}
    if kinds not in ({PeriodKind.SESSION}, {PeriodKind.YEAR}):
        return None  # a total adds sessions or years, not meetings, open spans or files
    if len({p.session.national for p in parts if p.session}) > 1:
        return None  # nor the National People's Congress's sessions to a local congress's
    unique = sorted(set(parts), key=Period.sort_key)
    return unique[0] if len(unique) == 1 else Period(PeriodKind.TOTAL, parts=tuple(unique))


def canonical_period(text: object) -> str | None:
    """The canonical label of any period, or None when the text names none."""
    period = parse_period(text)
    return period.label if period else None


def no_period_label(file: str) -> str:
    """The label of a file that names no period: the file is the report (未注明会期（S13.csv）)."""
    return Period(PeriodKind.NONE, file=str(file).replace("+", "_").replace("＋", "_")).label


def period_display(label: str, lang: str = "zh") -> str:
    """A period label as a reader sees it (the label itself when it names no period)."""
    period = parse_period(label)
    return period.display(lang) if period else str(label)


def periods_words(labels_: list[str], lang: str = "zh") -> str:
    """Periods named in a sentence, in the order given, sessions of one congress together: 十一届人大一次、三次会议和
    十二届人大一次会议 / 2019年度和十七届人大三次会议; 'the 11th Congress, sessions 1 and 3, and the 12th Congress, 1st
    Session'. A sentence about several periods says which they are, not only how many."""
    en = lang == "en"
    groups: list[list] = []  # each: sessions of one congress in a row, or one other period
    for label in labels_:
        period = parse_period(label)
        session = period.session if period is not None and period.kind is PeriodKind.SESSION else None
        last = groups[-1][-1] if groups else None
        if session is not None and isinstance(last, Session) and (last.term, last.national) == (
                session.term, session.national):
            groups[-1].append(session)
        else:
            groups.append([session if session is not None else (period.display(lang) if period else str(label))])
    words = []
    for group in groups:
        first = group[0]
        if not isinstance(first, Session):
            words.append(first)
        elif len(group) == 1:
            words.append("the " + first.label_en if en else first.label)
        elif en:
            numbers = [str(s.number) for s in group]
            words.append(f"the {_congress_en(first.term, first.national)}, sessions "
                         f"{', '.join(numbers[:-1])} and {numbers[-1]}")
        else:
            numbers = "、".join(int_to_chinese(s.number) + "次" for s in group)
            words.append(f"{int_to_chinese(first.term)}届{_national_zh(first.national)}人大{numbers}会议")
    return words_joined(words, lang)


def _units(label: str) -> list | None:
    """The single sessions or years a period covers (a total: its parts); None for any other kind of period."""
    period = parse_period(label)
    parts = period.parts if period is not None and period.kind is PeriodKind.TOTAL else (period,)
    if period is None or any(p.kind not in (PeriodKind.SESSION, PeriodKind.YEAR) for p in parts):
        return None
    return [p.session if p.kind is PeriodKind.SESSION else p.year for p in parts]


# a congress holds one session a year for its five-year term: its first session follows the last term's fifth or later
_SESSIONS_IN_A_TERM = 5


def _follows(before, after) -> bool:
    if isinstance(before, int) and isinstance(after, int):
        return after == before + 1
    if isinstance(before, Session) and isinstance(after, Session) and before.national == after.national:
        return ((after.term, after.number) == (before.term, before.number + 1)
                or (after.term == before.term + 1 and after.number == 1 and before.number >= _SESSIONS_IN_A_TERM))
    return False


def in_a_row(labels_: list[str]) -> bool:
    """True when the periods leave none out between the first and the last (2022年度 and 2023年度; 十八届人大一次 to
    三次会议; a total counts as its parts), so that '…至…' names them; False over a gap (2022年度 and 2025年度), for
    periods of two kinds (a year and a session) or for any other kind of period (a meeting, 以来)."""
    units: list = []
    for label in labels_:
        covered = _units(label)
        if covered is None:
            return False
        units.extend(covered)
    distinct = list(dict.fromkeys(units))
    if len({type(u) for u in distinct}) > 1:
        return False
    distinct.sort()
    return all(_follows(a, b) for a, b in zip(distinct, distinct[1:]))


def periods_noun(labels_: list[str], lang: str = "zh") -> str:
    """What the periods are, for a heading or an axis: 次会议 / 年度 / 期间 (sessions, years, periods of two kinds or
    any other kind), e.g. 各次会议概况, 各年度概况; 'sessions', 'years', 'periods'."""
    kinds = set()
    for label in labels_:
        covered = _units(label)
        kinds |= {type(u) for u in covered} if covered else {None}
    if kinds <= {Session}:  # none given: sessions, the ledger's own periods
        return "sessions" if lang == "en" else "次会议"
    if kinds == {int}:
        return "years" if lang == "en" else "年度"
    return "periods" if lang == "en" else "期间"


def words_joined(words: list[str], lang: str = "zh") -> str:
    """Names in a sentence: 甲、乙和丙; 'a and b', 'a, b, and c' (a comma too when a name holds one itself)."""
    if len(words) < 2:
        return "".join(words)
    if lang == "en":
        comma = len(words) > 2 or any("," in word for word in words)
        return (", " if comma else " ").join(words[:-1]) + (", and " if comma else " and ") + words[-1]
    return "、".join(words[:-1]) + "和" + words[-1]


def parse_session(text: object) -> Session | None:
    """The plenary session a label names, or None (also for a standing-committee meeting, a span or a year)."""
    period = parse_period(text)
    return period.session if period is not None and period.kind is PeriodKind.SESSION else None


def canonical_session(text: object) -> str | None:
    """The canonical label for a single-session label, or None when unrecognised."""
    session = parse_session(text)
    return session.label if session else None


def canonical_session_or_total(text: object) -> str | None:
    """Canonical label for a session or a total of sessions (a span 一次至三次会议 too), sorted; else None."""
    period = parse_period(text)
    if period is None:
        return None
    if period.kind is PeriodKind.SESSION or (
            period.kind is PeriodKind.TOTAL and all(p.kind is PeriodKind.SESSION for p in period.parts)):
        return period.label
    return None


def session_sort_key(label: str) -> tuple:
    """Sort key of any period label: sessions in order, totals after their last session, then the rest."""
    period = parse_period(label)
    return period.sort_key() if period else (99_999, 99_999, len(split_total(str(label))), str(label))


# parsing is pure: a label's key is worked out once (a figures frame asks for the same few labels)
_cached_sort_key = functools.lru_cache(maxsize=4096)(session_sort_key)


def _known_year(value) -> int | None:
    """A year as an int; None when blank (None, NA, NaN, '') or not a whole number."""
    try:
        year = int(float(value))
    except (TypeError, ValueError):
        return None
    return year if year == float(value) else None


def period_year(label: str, years: dict | None = None) -> int | None:
    """The year a period is of, when known: a year period's own year (a total's: its last part's, a span's
    since: its start); a session's (or any other label's) from ``years`` (label → year); else None — never a guess."""
    years = years or {}
    own = _known_year(years.get(label))
    period = parse_period(label)
    if period is None:
        return own
    if period.kind is PeriodKind.YEAR or (period.kind is PeriodKind.SINCE and period.session is None):
        return period.year
    if period.kind is PeriodKind.TOTAL:
        return own if own is not None else period_year(period.parts[-1].label, years)
    if period.kind is PeriodKind.SINCE:
        return own if own is not None else _known_year(years.get(period.session.label))
    return own


@functools.lru_cache(maxsize=4096)
def _named_by_year(label: str) -> bool:
    """True for a period named by its year (2020年度, 2019年度+2020年度, 2016年以来)."""
    period = parse_period(label)
    if period is None:
        return False
    if period.kind is PeriodKind.TOTAL:
        return period.parts[-1].kind is PeriodKind.YEAR
    return period.kind is PeriodKind.YEAR or (period.kind is PeriodKind.SINCE and period.session is None)


def sort_keys(labels, years: dict | None = None) -> dict[str, tuple]:
    """The sort key of each of ``labels`` (the one rule for the order of periods).

    Periods of one kind (sessions, or years) in the order of ``session_sort_key``. When periods named by year
    stand beside periods named otherwise (a ledger's session of 2024 beside a report's 2019年度), each in order
    of its year (``period_year``, sessions' years from ``years``: label → year), and within a year by
    ``session_sort_key``, when every period's year is known; otherwise (a year not known is never guessed)
    in the order of ``session_sort_key`` alone. ``years`` may be a function giving the mapping: called only
    when periods of both kinds are there (a ledger's years cost a pass over its rows).
    """
    distinct = list(dict.fromkeys(str(label) for label in labels))
    keys = {label: _cached_sort_key(label) for label in distinct}
    if len({_named_by_year(label) for label in distinct}) < 2:
        return keys
    if callable(years):
        years = years()
    held = {label: period_year(label, years) for label in distinct}
    if any(year is None for year in held.values()):
        return keys
    return {label: (held[label], *keys[label]) for label in distinct}
