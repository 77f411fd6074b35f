"""Session labels: 第十九届人民代表大会第一次会议 = 十九届人大一次会议 = 十九届一次 = 19-1.

A session of a people's congress is identified by its congress term (届) and its number
within the term (次). Reports write the same session many ways; this module recognises them
and gives one canonical label, in the style of the source document (十八届人大二次会议).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = r"[0-9０-９零〇一二两三四五六七八九十]+"

_PATTERNS = [
    # 第十九届人民代表大会第一次会议 / 十九届人大一次会议 / 十九届一次(会议) / 第18届第2次会议
    re.compile(
        rf"第?(?P<term>{_NUMERAL})届\s*(?:人民代表大会|人大)?(?:常委会)?\s*第?(?P<number>{_NUMERAL})次(?:会议)?"
    ),
    # 19-1, 19/1, 19.1 (a compact form some spreadsheets use)
    re.compile(r"^\s*(?P<term>\d{1,2})\s*[-/.]\s*(?P<number>\d{1,2})\s*$"),
    # 18th congress, 2nd session
    re.compile(r"(?P<term>\d{1,2})(?:st|nd|rd|th)?\s+(?:people'?s\s+)?congress\W+(?P<number>\d{1,2})(?:st|nd|rd|th)?\s+session",
               re.IGNORECASE),
]


def chinese_to_int(text: str) -> int:
    """'十九' → 19, '二十一' → 21, '3' or '３' → 3."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        raise ValueError(f"not a number: {text!r}")
    if "十" in text:
        tens, _, units = text.partition("十")
        value = (_DIGITS[tens] if tens else 1) * 10
        return value + (_DIGITS[units] if units else 0)
    value = 0
    for ch in text:
        value = value * 10 + _DIGITS[ch]
    return value


def int_to_chinese(number: int) -> str:
    """19 → '十九', 21 → '二十一', 2 → '二'."""
    names = "零一二三四五六七八九"
    if number < 10:
        return names[number]
    tens, units = divmod(number, 10)
    return (names[tens] if tens > 1 else "") + "十" + (names[units] if units else "")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True, order=True)
class Session:
    """One session: congress term (届) and number within the term (次)."""

    term: int
    number: int

    @property
    def label(self) -> str:
        """The canonical Chinese label, e.g. 十八届人大二次会议."""
        return f"{int_to_chinese(self.term)}届人大{int_to_chinese(self.number)}次会议"

    @property
    def label_en(self) -> str:
        """The English label, e.g. '18th Congress, 2nd Session'."""
        return f"{_ordinal(self.term)} Congress, {_ordinal(self.number)} Session"

    def display(self, lang: str = "zh") -> str:
        """The label in the reader's language."""
        return self.label_en if lang == "en" else self.label

    def __str__(self) -> str:
        return self.label


def parse_session(text: object) -> Session | None:
    """The session a label names, or None when the text names none."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    for pattern in _PATTERNS:
        match = pattern.search(value)
        if match:
            try:
                session = Session(chinese_to_int(match["term"]), chinese_to_int(match["number"]))
            except (ValueError, KeyError):
                continue
            if session.term >= 1 and session.number >= 1:
                return session
    return None


def canonical_session(text: object) -> str | None:
    """The canonical label for a single-session label, or None when unrecognised."""
    session = parse_session(text)
    return session.label if session else None


def split_total(text: str) -> list[str]:
    """The parts of a '+'-joined total ('A+B+C' → ['A', 'B', 'C']); one part if no '+'."""
    return [part.strip() for part in re.split(r"[+＋]", str(text)) if part.strip()]


def canonical_session_or_total(text: object) -> str | None:
    """Canonical label for a session or for a '+'-joined total of sessions (sorted)."""
    if text is None or not str(text).strip():
        return None
    parts = split_total(str(text))
    sessions = [parse_session(part) for part in parts]
    if any(s is None for s in sessions):
        return None
    return "+".join(s.label for s in sorted(set(sessions)))


def session_sort_key(label: str) -> tuple:
    """Sort key: sessions in order of term and number, totals after their last session."""
    parts = [parse_session(p) for p in split_total(label)]
    known = [p for p in parts if p]
    if not known:
        return (9999, 9999, len(parts), label)
    last = max(known)
    return (last.term, last.number, len(parts), label)
