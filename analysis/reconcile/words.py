"""Words for people: the categories, bodies and terms of a rule (zh / en); the words of codes are ``labels``'."""
from __future__ import annotations

import re

from .. import labels, schema
from ..labels import class_label, period_label
from ..normalize import PrintedNumber
from .model import FigureKey

def _measure_word(measure: str, lang: str) -> str:
    """A measure as a sentence names it: its declared name (tables use ``labels.measure_label``)."""
    m = schema.MEASURE_BY_NAME.get(measure)
    return measure if m is None else (m.en if lang == "en" else m.zh)


def _adds_to(key: FigureKey) -> bool:
    """Whether a figure's category says more than its measure's own name (闭会 only restates 闭会期间提出)."""
    if not key.category:
        return False
    named = (_measure_word(key.measure, "zh"), labels.measure_label(key.measure, "zh"))
    return not any(key.category in name for name in named)


def is_code(category: str) -> bool:
    """A class code (A, 甲, 一) rather than a report's own wording."""
    return 0 < len(category) <= 2


def category_display(measure: str, category: str, lang: str) -> str:
    """'A类' / 'Class A' for class codes; a wording or topic as printed."""
    if measure == "outcome" and is_code(category):
        return class_label(category, lang)
    return category


def handler_display(handler: str, lang: str) -> str:
    """A body as printed (a report of any congress names its own), or 全部承办主体 / all handling bodies.

    In English a body with a configured English name (``handler_names_en``) is called by it."""
    return labels.handler_label(handler, lang)


def term(key: FigureKey, value: int, target: FigureKey, lang: str) -> str:
    """One input of a rule, e.g. 区政府办理129件 / 'class A 86'."""
    same_session = key.session == target.session
    same_handler = key.handler == target.handler
    unit_zh, unit_en = labels.measure_unit(key.measure, "zh"), labels.measure_unit(key.measure, "en")
    if lang == "en":
        where = "" if same_session else period_label(key.session, "en") + " "
        who = "" if (same_handler and key.measure == "outcome") or not key.handler else \
            f"{handler_display(key.handler, 'en')} "
        if key.measure in ("received", "handled"):
            what = key.measure
        elif key.measure == "outcome":
            what = f"class {key.category}" if is_code(key.category) else f"“{key.category}”"  # in a sentence
        else:
            what = _measure_word(key.measure, "en") + (f" ({key.category})" if _adds_to(key) else "")
        return f"{where}{who}{what} {value}" + (f" {unit_en}" if unit_en else "")
    where = "" if same_session else period_label(key.session, "zh")
    who = "" if (same_handler and key.measure == "outcome") else key.handler
    if key.measure == "received":
        what = "收到建议"
    elif key.measure == "handled":
        what = "办理"
    elif key.measure == "outcome":
        what = class_label(key.category, "zh") if is_code(key.category) else f"“{key.category}”"
    else:
        what = _measure_word(key.measure, "zh") + (f"（{key.category}）" if _adds_to(key) else "")
    return f"{where}{who}{what}{value}{unit_zh}"


def terms(keys, values: dict, target: FigureKey, lang: str, joiner: str) -> str:
    """Several inputs joined by + or −."""
    return joiner.join(term(k, values[k], target, lang) for k in keys)


def percent_shown(number: PrintedNumber) -> str:
    """A printed percent with its % sign where the report would put it: 90以上 → 90%以上."""
    return percent_text_shown(number.text)


def percent_text_shown(text: str) -> str:
    """As percent_shown, for a percent's printed text."""
    if "%" in text or "％" in text:
        return text
    digits = re.search(r"[0-9０-９.．]+", text)
    return text[: digits.end()] + "%" + text[digits.end():] if digits else text + "%"


def base_words(base: FigureKey | None, lang: str) -> str:
    """A base as a finding's sentence names it, never the file's ``measure@handler``: 市政府办理件数 / 收到建议件数 /
    'suggestions handled by 市政府' ("" none)."""
    if base is None:
        return ""
    if lang == "en":
        what = {"received": "suggestions received", "handled": "suggestions handled"}.get(
            base.measure, _measure_word(base.measure, "en"))
        return what + (f" by {handler_display(base.handler, 'en')}" if base.handler else "")
    what = {"received": "收到建议件数", "handled": "办理件数"}.get(base.measure, f"{_measure_word(base.measure, 'zh')}件数")
    return (base.handler if base.handler else "") + what
