"""Value normalisers: one function per kind of value a ledger or report holds.

Each takes one raw value (as read from CSV or Excel) and returns the clean value, or raises
``ValueError`` whose text says what was expected (the loader adds file, row and column).
Blank values (None, NaN, '', spaces) come back as None.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "会后", "闭会", "闭会期间", "会后提出", "重点"}
_FALSE = {"否", "×", "✗", "✘", "n", "no", "false", "0", "无", "会期", "会期内", "大会期间", "会议期间"}
YES_WORDS, NO_WORDS = frozenset(_TRUE), frozenset(_FALSE)  # what parse_bool reads as yes / no (the sample record states them)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


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


def clean_text(value: object) -> str | None:
    """A stripped string (BOM and surrounding spaces removed), or None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives 12.0 for a cell holding 12
    return str(value).replace("\ufeff", "").strip().strip("\u3000").strip() or None


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
    text = fold_width(str(value)).strip().replace(",", "")
    text = re.sub(r"(件|名|个|人|项)$", "", text).strip()
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
    text = fold_width(str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected 是/否 (also √/×, Y/N, 1/0; for 提出时段: 会期/闭会)")


def parse_date(value: object) -> dt.date | None:
    """A date from 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial or a datetime."""
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
    text = fold_width(str(value)).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_excel_serial(float(text))
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError("expected a date such as 2024-03-05, 2024年3月5日 or 2024/3/5")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"no such date ({year}-{month:02d}-{day:02d})") from None


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
}
_PREFIXES = sorted((q for q in QUALIFIERS if q in {"逾", "超过", "近", "将近", "接近", "约", "约占", "大约", "不到", "不足"}),
                   key=len, reverse=True)
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


def parse_printed(value: object) -> PrintedNumber | None:
    """'52.3', '25.75%', '90%以上', '约11', '160余', '近42％' → PrintedNumber; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    else:
        text = str(value).strip()
    body = fold_width(text).replace(" ", "").replace("%", "")
    body = re.sub(r"(件|名|个|人|项)", "", body)
    qualifier = ""
    for word in _PREFIXES:
        if body.startswith(word):
            qualifier, body = QUALIFIERS[word], body[len(word):]
            break
    for word in _SUFFIXES:
        if body.endswith(word):
            if qualifier:
                raise ValueError("expected at most one of 以上/余/近/约/不到 around the number")
            qualifier, body = QUALIFIERS[word], body[: -len(word)]
            break
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", body):
        body = body.replace(",", "")  # 1,034: a thousands separator, as reports print large counts
    if not re.fullmatch(r"\d+(\.\d+)?", body):
        raise ValueError("expected a number as printed, e.g. 52.3, 25.75, 90以上, 约11, 160余")
    decimals = len(body.split(".")[1]) if "." in body else 0
    return PrintedNumber(text=text, value=float(body), decimals=decimals, qualifier=qualifier)
