"""Reconcile published figures: derive the blanks, check the printed numbers, say how.

A report prints some counts and percents, leaves others blank, rounds, truncates, plugs and
slips. ``reconcile_figures`` takes the published figures (``load.load_figures``) and
returns a ``Reconciliation``: the complete table of figures, each count and percent
**printed**, **derived** (with the rule, in words a staff member understands, naming its
inputs) or **unknown**, and the **findings** (errors, warnings, notes).

Identities applied until nothing more follows (a fixed point):

* a session's ``received`` = Σ of its handling bodies' ``handled``. Joint handling can make
  the bodies' sum exceed ``received``: a note, not an error. A shortfall is an unexplained
  remainder: a note, and nothing is derived across that identity. A body's count is only
  derived from this identity when the session names at least two bodies; a missing body's
  count is then ``received`` minus the others (rule says: assuming no double counting).
* a body's ``handled`` = Σ of its outcome classes (the classes of the outcome scheme,
  ``config["outcome_scheme"]``; ``handler`` empty → the session's ``received``).
* ``satisfied`` + ``basically_satisfied`` + ``unsatisfied`` = their base (per category,
  e.g. 对办理工作 / 对办理结果).
* a total over several sessions (``A+B`` in ``session``) = Σ of those sessions, for every
  handler, measure and category printed for the total.
* percent = count ÷ base × 100.

A count is derived from a printed percent and a known base only when exactly one whole
number fits the printed digits under **every** convention a single printed figure may follow
(round half up, or truncation): the integers c with c ÷ base × 100 in
[p − ½ unit, p + 1 unit). The plug-to-100 adjustment is a property of a list, not of one
figure, and is caught afterwards by the identities. A bound or approximation (以上, 余, 近,
约) never fixes a count.

Percent base syntax (the ``base`` column): empty = the measure's natural base at its scope
(``schema.MEASURES``); otherwise ``MEASURE[@HANDLER]`` (as ``load`` normalises it) where
MEASURE is a measure name or its Chinese name. Without ``@`` the base is the same handler's
figure, except ``received``, which is always the whole session's. ``@全部`` or ``@all`` means
all handlers. Examples: ``received`` (the session's received), ``handled@区政府``,
``completed`` (the row's own handler's completed). A handler's ``received`` means its
``handled``; the whole session's ``handled`` means its ``received``. The base is always in
the same session (or the same multi-session total).

Checks of each printed percent against count ÷ base at its printed precision, in integer
arithmetic (``fractions.Fraction``), so that an exact half rounds up: round half up (fine,
no finding); a tie rounded down (warning); the item adjusted by one unit so its list sums to
exactly 100 — the largest item or another (warning); truncation (warning); nothing explains
it (error). Lists are the percents of one measure over one base in one session; a list
printed at mixed precision, or only in whole percents, gets a note. Bounds and
approximations: 以上 ≥, 余/逾/超过 >, 以下 ≤, 不到/不足 <, 近 just below (within
``APPROX_TOLERANCE`` of the printed value, or one unit), 约/左右 within that tolerance or the
rounding half unit. A bound that holds only after rounding is a warning; one that fails is an
error.

Computed percents (of printed or derived counts with no printed exact percent) are shown at
the precision printed elsewhere in the same list, else for the same measure in the file,
else ``DEFAULT_DECIMALS``.

Assumptions: a row's ``assumption`` text (plus any given to ``reconcile_figures`` for its
session) travels with every figure derived from it (the union of the inputs'), and each
derived figure gets a note that states it.

``Reconciliation.figures`` — one row per (congress, session, handler, measure, category):

=================  ===========================================================================
column             meaning
=================  ===========================================================================
congress           reporting congress
session            canonical label; totals join labels with ``+``
year               year of the session (Int64, NA for totals and when not printed)
handler            handling body, "" = all bodies
measure            a name from ``schema.MEASURES``
category           outcome class code (scheme's), topic, or other qualifier; "" when none
count              Int64: the exact count when printed or derived; NA otherwise — also for a
                   printed bound or approximation (160余) that arithmetic does not fix
count_qualifier    the printed qualifier's meaning (at_least, more_than, …) when the count is
                   known only as a bound or approximation (see ``count_printed``); else ""
count_printed      the count as printed ("" when blank)
count_status       printed | derived | unknown
percent            Float64, in percent (52.3 = 52.3 %): as printed, or exact count ÷ base × 100
                   when derived (not rounded); NA when unknown or not applicable
percent_text       as printed, or the computed value rounded half up at the shown precision
percent_qualifier  "" exact, else the printed qualifier's meaning
percent_printed    the percent as printed ("" when blank)
percent_status     printed | derived | unknown | "" (the measure has no base: not applicable)
check              how the printed percent was explained: round_half_up, round_half_down,
                   truncation, plug_largest, plug_other, bound, approximation, error;
                   "" when not checked
base               the resolved base as ``measure[@handler]`` ("" none)
base_count         Int64 count of the base when known
status             the count's status when the count is known, else the percent's
rule, rule_en      how derived values were obtained (zh / en); "" when nothing derived
assumption         assumptions the figure rests on, joined by "；" ("" none)
source_file        file of the row that printed this figure ("" when derived only)
source_row         Int64 row (as seen in Excel) of that row; NA when derived only
input_rows         rows every value of the figure rests on, e.g. "2, 4, 17"
source             the ``source`` text of the printing row(s)
=================  ===========================================================================

``Reconciliation.findings`` columns: severity (error|warning|note), congress, session,
handler, measure, category, message (zh), message_en, convention, source_file, source_row,
assumption.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import schema, sessions, stats
from .config import load_config
from .errors import ConfigError
from .normalize import PrintedNumber, is_blank, parse_printed
from .schemes import OutcomeScheme, load_scheme

# Computed percents default to one decimal, as the source document prints them.
DEFAULT_DECIMALS = 1
# How far 近 (nearly) and 约 (about) may be from the true value: 5 % of the printed value
# (or one unit of its last digit, whichever is larger). Reports use the words loosely;
# beyond this a reader would be misled.
APPROX_TOLERANCE = Fraction(5, 100)

SEVERITIES = ("error", "warning", "note")
STATUSES = ("printed", "derived", "unknown")
SATISFACTION_MEASURES = ("satisfied", "basically_satisfied", "unsatisfied")
_ALL_HANDLERS = {"", "全部", "all", "*"}

FIGURE_COLUMNS = (
    "congress", "session", "year", "handler", "measure", "category",
    "count", "count_qualifier", "count_printed", "count_status",
    "percent", "percent_text", "percent_qualifier", "percent_printed", "percent_status", "check",
    "base", "base_count", "status", "rule", "rule_en", "assumption",
    "source_file", "source_row", "input_rows", "source",
)
FINDING_COLUMNS = (
    "severity", "congress", "session", "handler", "measure", "category", "message", "message_en",
    "convention", "source_file", "source_row", "assumption",
)

_STATUS_LABELS = {"zh": {"printed": "原文", "derived": "推算", "unknown": "未知", "": "—"},
                  "en": {"printed": "printed", "derived": "derived", "unknown": "unknown", "": "—"}}
_SEVERITY_LABELS = {"zh": {"error": "错误", "warning": "警告", "note": "说明"},
                    "en": {"error": "error", "warning": "warning", "note": "note"}}
_QUALIFIER_WORDS = {
    "at_least": ("以上", "at least"), "more_than": ("余/超过", "more than"),
    "nearly": ("近", "nearly"), "about": ("约", "about"), "less_than": ("不到", "less than"),
    "at_most": ("以下", "at most"),
}
_UNITS = {"deputies_trained": ("名", "deputies"), "units_supervised": ("个", "units")}

Key = tuple[str, str, str, str, str]  # congress, session, handler, measure, category
Ref = tuple[str, int]  # source file, row as seen in Excel


# ---------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------


@dataclass
class Reconciliation:
    """The completed table of figures and the findings about them."""

    figures: pd.DataFrame
    findings: pd.DataFrame
    scheme: str = ""
    files: tuple[str, ...] = ()

    @property
    def has_errors(self) -> bool:
        """True when any finding has severity error."""
        return bool((self.findings["severity"] == "error").any()) if len(self.findings) else False

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        found = Counter(self.findings["severity"]) if len(self.findings) else Counter()
        return {s: int(found.get(s, 0)) for s in SEVERITIES}

    def to_json(self) -> dict:
        """{"figures": [...], "findings": [...]} with JSON-safe values (null, never NaN)."""
        return {"figures": _records(self.figures), "findings": _records(self.findings)}


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: _json_value(v) for k, v in row.items()})
    return out


def _json_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


# ---------------------------------------------------------------------------------------
# Internal model: one cell per figure, identities between cells
# ---------------------------------------------------------------------------------------


@dataclass
class _Printed:
    number: PrintedNumber
    ref: Ref
    assumptions: tuple[str, ...]


@dataclass
class _Cell:
    key: Key
    year: int | None = None
    counts: list[_Printed] = field(default_factory=list)
    percents: list[_Printed] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    base_key: Key | None = None
    base_bad: bool = False
    # the exact count usable in arithmetic
    count: int | None = None
    count_status: str = "unknown"
    count_rule: tuple[str, str] = ("", "")
    count_assumptions: frozenset = frozenset()
    count_inputs: frozenset = frozenset()
    count_from_percent: bool = False
    percent_candidates: tuple[int, ...] | None = None
    # a computed percent (exact), when no exact percent is printed
    computed: Fraction | None = None
    computed_decimals: int = DEFAULT_DECIMALS
    computed_rule: tuple[str, str] = ("", "")
    computed_assumptions: frozenset = frozenset()
    computed_inputs: frozenset = frozenset()
    check: str = ""
    compared: bool = False  # a printed percent was compared with count ÷ base

    @property
    def congress(self) -> str:
        return self.key[0]

    @property
    def session(self) -> str:
        return self.key[1]

    @property
    def handler(self) -> str:
        return self.key[2]

    @property
    def measure(self) -> str:
        return self.key[3]

    @property
    def category(self) -> str:
        return self.key[4]

    def exact_percent(self) -> _Printed | None:
        """The one exact printed percent, when all printed percents agree and are exact."""
        exact = [p for p in self.percents if p.number.exact]
        if not exact or len(exact) != len(self.percents):
            return None
        if len({(_units(p.number), p.number.decimals) for p in exact}) != 1:
            return None
        return exact[0]


@dataclass
class _Identity:
    kind: str  # handlers | outcome | satisfaction | total
    parent: Key
    children: tuple[Key, ...]
    derive: bool = True
    broken: bool = False


# ---------------------------------------------------------------------------------------
# Exact arithmetic on printed digits
# ---------------------------------------------------------------------------------------


def _units(number: PrintedNumber) -> int:
    """The printed value in units of its last digit (52.3 → 523)."""
    return int(Fraction(repr(number.value)) * 10 ** number.decimals)


def _exact_pct(count: int, base: int) -> Fraction:
    return Fraction(count * 100, base)


def _round_half_up_units(value: Fraction, decimals: int) -> int:
    return math.floor(value * 10 ** decimals + Fraction(1, 2))


def _units_text(units: int, decimals: int) -> str:
    if decimals == 0:
        return str(units)
    whole, frac = divmod(units, 10 ** decimals)
    return f"{whole}.{frac:0{decimals}d}"


def _pct_text(value: Fraction, decimals: int) -> str:
    return _units_text(_round_half_up_units(value, decimals), decimals)


def _fits(percent: PrintedNumber, base: int) -> tuple[int, ...]:
    """Whole counts c with c ÷ base × 100 in [p − ½ unit, p + 1 unit): round half up or truncation."""
    scale = 100 * 10 ** percent.decimals
    units = _units(percent)
    low = Fraction(2 * units - 1, 2) * base / scale
    high = Fraction(units + 1) * base / scale
    first = math.ceil(low)
    last = math.ceil(high) - 1
    return tuple(c for c in range(max(first, 0), last + 1) if c <= base)


def _qualifier_holds(true: Fraction, number: PrintedNumber, half: Fraction) -> str:
    """'ok', 'rounding' (holds only within the rounding half unit) or 'fails' for a qualified number."""
    p = Fraction(repr(number.value))
    unit = Fraction(1, 10 ** number.decimals)
    tolerance = max(unit, p * APPROX_TOLERANCE)
    q = number.qualifier
    if q == "at_least":
        return "ok" if true >= p else "rounding" if true >= p - half else "fails"
    if q == "more_than":
        return "ok" if true > p else "rounding" if true >= p - half else "fails"
    if q == "at_most":
        return "ok" if true <= p else "rounding" if true <= p + half else "fails"
    if q == "less_than":
        return "ok" if true < p else "rounding" if true <= p + half else "fails"
    if q == "nearly":
        if p - tolerance <= true < p:
            return "ok"
        # at or just above the printed value: it rounds to it, but 近 says "just below"
        return "rounding" if p <= true <= p + half else "fails"
    if q == "about":
        return "ok" if abs(true - p) <= max(tolerance, half) else "fails"
    return "ok" if true == p else "fails"


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------


def _session_zh(label: str) -> str:
    parts = [sessions.parse_session(p) for p in sessions.split_total(label)]
    if len(parts) < 2 or any(p is None for p in parts):
        return label
    if len({p.term for p in parts}) == 1:
        numbers = "、".join(sessions.int_to_chinese(p.number) + "次" for p in parts)
        return f"{sessions.int_to_chinese(parts[0].term)}届人大{numbers}会议合计"
    return "、".join(p.label for p in parts) + "合计"


def _session_en(label: str) -> str:
    parts = [sessions.parse_session(p) for p in sessions.split_total(label)]
    if any(p is None for p in parts):
        return label
    if len(parts) == 1:
        return parts[0].label_en
    if len({p.term for p in parts}) == 1:
        numbers = ", ".join(str(p.number) for p in parts)
        congress_en = parts[0].label_en.split(",")[0]  # '18th Congress'
        return f"{congress_en}, sessions {numbers} together"
    return " + ".join(p.label_en for p in parts) + " together"


def session_display(label: str, lang: str = "zh") -> str:
    """A session or total as a reader sees it: 十八届人大一次、二次、三次会议合计 / '18th Congress, sessions 1, 2, 3 together'."""
    return _session_en(label) if lang == "en" else _session_zh(label)


def measure_display(measure: str, lang: str = "zh") -> str:
    """The measure's name from ``schema.MEASURES`` in the reader's language."""
    m = schema.MEASURE_BY_NAME.get(measure)
    if m is None:
        return measure
    return m.en if lang == "en" else m.zh


def _category_display(measure: str, category: str, lang: str) -> str:
    if measure == "outcome" and category and len(category) <= 2:
        return f"class {category}" if lang == "en" else f"{category}类"
    return category


def _handler_display(handler: str, lang: str) -> str:
    return handler or ("all" if lang == "en" else "全部")


def _term(key: Key, value: int, target: Key, lang: str) -> str:
    """One input of a rule, e.g. 区政府办理129件 / 'class A 86'."""
    _, session, handler, measure, category = key
    same_session = session == target[1]
    same_handler = handler == target[2]
    unit_zh, unit_en = _UNITS.get(measure, ("件", ""))
    if lang == "en":
        where = "" if same_session else session_display(session, "en") + " "
        who = "" if (same_handler and measure == "outcome") or not handler else f"{handler} "
        if measure == "received":
            what = "received"
        elif measure == "handled":
            what = "handled"
        elif measure == "outcome":
            what = f"class {category}"
        else:
            what = measure_display(measure, "en") + (f" ({category})" if category else "")
        return f"{where}{who}{what} {value}" + (f" {unit_en}" if unit_en else "")
    where = "" if same_session else session_display(session, "zh")
    who = "" if (same_handler and measure == "outcome") else handler
    if measure == "received":
        what = "收到建议"
    elif measure == "handled":
        what = "办理"
    elif measure == "outcome":
        what = f"{category}类"
    else:
        what = measure_display(measure, "zh") + (f"（{category}）" if category else "")
    return f"{where}{who}{what}{value}{unit_zh}"


def _percent_shown(number: PrintedNumber) -> str:
    """A printed percent with its % sign where the report would put it: 90以上 → 90%以上."""
    text = number.text
    if "%" in text or "％" in text:
        return text
    digits = re.search(r"[0-9０-９.．]+", text)
    return text[: digits.end()] + "%" + text[digits.end():] if digits else text + "%"


def _join_assumptions(items: Iterable[str], order: dict[str, int]) -> str:
    return "；".join(sorted(set(items), key=lambda a: (order.get(a, 10 ** 6), a)))


# ---------------------------------------------------------------------------------------
# Base resolution
# ---------------------------------------------------------------------------------------


def _measure_named(name: str) -> schema.Measure | None:
    name = name.strip()
    for m in schema.MEASURES:
        if name in (m.name, m.zh):
            return m
    return None


def _normalise_key(key: Key) -> Key:
    congress, session, handler, measure, category = key
    if measure == "received" and handler:
        return (congress, session, handler, "handled", category)  # a body's received is its handled
    if measure == "handled" and not handler:
        return (congress, session, "", "received", category)  # all bodies' handled is received
    return key


def resolve_base(key: Key, base_text: str) -> Key | None:
    """The key of the figure a percent is a share of (see the module docstring); ValueError if unreadable."""
    congress, session, handler, measure, _ = key
    text = (base_text or "").strip().replace("＠", "@").replace("：", ":")
    if text:
        name, at, who = text.partition("@")
        base_measure = _measure_named(name)
        if base_measure is None:
            raise ValueError(text)
        if at:
            base_handler = "" if who.strip() in _ALL_HANDLERS else who.strip()
        else:
            base_handler = "" if base_measure.name == "received" else handler
        base = (congress, session, base_handler, base_measure.name, "")
    else:
        m = schema.MEASURE_BY_NAME.get(measure)
        if m is None or not m.natural_base:
            return None
        base_handler = "" if m.base_scope == "session" else handler
        base = (congress, session, base_handler, m.natural_base, "")
    base = _normalise_key(base)
    return None if base == _normalise_key(key) else base


def _base_text(base: Key | None) -> str:
    if base is None:
        return ""
    _, _, handler, measure, _ = base
    return measure + (f"@{handler}" if handler else "")


# ---------------------------------------------------------------------------------------
# The reconciler
# ---------------------------------------------------------------------------------------


def _text(row: Mapping, name: str) -> str:
    value = row.get(name, "")
    return "" if is_blank(value) else str(value).strip()


def _int_or_none(value: object) -> int | None:
    if is_blank(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Reconciler:
    """Holds the cells and identities of one reconciliation; used only by reconcile_figures."""

    def __init__(self, figures: pd.DataFrame, scheme: OutcomeScheme, assumptions: Mapping[str, str]):
        self.scheme = scheme
        self.cells: dict[Key, _Cell] = {}
        self.identities: list[_Identity] = []
        self.findings: list[dict] = []
        self.assumption_order: dict[str, int] = {}
        self.handler_order: dict[str, int] = {"": 0}
        self.category_order: dict[str, int] = {code: i for i, code in enumerate(scheme.codes)}
        self.years: dict[tuple[str, str], int] = {}
        self.session_handlers: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.extra_assumptions = dict(assumptions)
        self._read(figures)

    # -- findings -----------------------------------------------------------------------

    def _find(self, severity: str, key: Key, zh: str, en: str, convention: str,
              ref: Ref | None = None, assumptions: Iterable[str] = ()) -> None:
        self.findings.append({
            "severity": severity, "congress": key[0], "session": key[1], "handler": key[2],
            "measure": key[3], "category": key[4], "message": zh, "message_en": en,
            "convention": convention, "source_file": ref[0] if ref else "",
            "source_row": ref[1] if ref else None,
            "assumption": _join_assumptions(assumptions, self.assumption_order),
        })

    def _ref_of(self, cell: _Cell) -> Ref | None:
        return cell.refs[0] if cell.refs else None

    # -- reading ------------------------------------------------------------------------

    def _assumption(self, text: str) -> tuple[str, ...]:
        if text and text not in self.assumption_order:
            self.assumption_order[text] = len(self.assumption_order)
        return (text,) if text else ()

    def _read(self, figures: pd.DataFrame) -> None:
        for row in figures.to_dict(orient="records"):
            ref: Ref = (Path(_text(row, "source_file")).name, _int_or_none(row.get("source_row")))
            session = _text(row, "session")
            measure = _text(row, "measure")
            handler = _text(row, "handler")
            congress = _text(row, "congress")
            category = _text(row, "category")
            probe: Key = (congress, session, handler, measure, category)
            if not session or measure not in schema.MEASURE_BY_NAME:
                self._find("error", probe, f"第{ref[1]}行的届次或指标无法识别（届次“{session}”，指标“{measure}”）",
                           f"row {ref[1]}: session or measure not recognised (session {session!r}, measure {measure!r})",
                           "bad_row", ref)
                continue
            if measure == "outcome":
                code = self.scheme.classify(category)
                if code is None:
                    self._find("error", probe,
                               f"办理结果类别“{category}”不属于分类方案“{self.scheme.title_zh}”，允许：{self.scheme.allowed_text()}",
                               f"outcome class {category!r} is not in scheme {self.scheme.title_en!r}; allowed: "
                               f"{self.scheme.allowed_text()}", "unknown_class", ref)
                else:
                    category = code
            key: Key = (congress, session, handler, measure, category)
            own = self._assumption(_text(row, "assumption"))
            own += tuple(a for a in self._assumption(self.extra_assumptions.get(session, "")) if a not in own)
            cell = self._cell(key)
            cell.refs.append(ref)
            source = _text(row, "source")
            if source and source not in cell.sources:
                cell.sources.append(source)
            year = _int_or_none(row.get("year"))
            if year is not None:
                cell.year = cell.year or year
                self.years.setdefault((congress, session), year)
            if handler:
                self.handler_order.setdefault(handler, len(self.handler_order))
                self._add_handler(congress, session, handler)
                for part in sessions.split_total(session) if "+" in session else ():
                    self._add_handler(congress, part, handler)
            if category:
                self.category_order.setdefault(category, len(self.category_order))
            self._read_count(cell, row, ref, own)
            self._read_percent(cell, row, ref, own)
            base_text = _text(row, "base")
            try:
                base = resolve_base(key, base_text)
            except ValueError:
                cell.base_bad = True
                self._find("error", key, f"百分比基数“{base_text}”无法识别；写法为 指标名[@承办主体]，"
                           f"如 received、handled@区政府；指标名可用：" + "、".join(m.name for m in schema.MEASURES),
                           f"percent base {base_text!r} not understood; write MEASURE[@HANDLER], e.g. "
                           "received or handled@区政府", "bad_base", ref)
                continue
            if cell.base_key is not None and base is not None and base != cell.base_key:
                self._find("error", key, f"同一数字两处给出不同的百分比基数（{_base_text(cell.base_key)} 与 {_base_text(base)}）",
                           f"the same figure is given two different percent bases ({_base_text(cell.base_key)} and "
                           f"{_base_text(base)})", "bad_base", ref)
                cell.base_bad = True
            cell.base_key = cell.base_key or base

    def _add_handler(self, congress: str, session: str, handler: str) -> None:
        known = self.session_handlers[(congress, session)]
        if handler not in known:
            known.append(handler)

    def _read_count(self, cell: _Cell, row: Mapping, ref: Ref, own: tuple[str, ...]) -> None:
        text = _text(row, "count")
        if not text:
            return
        try:
            number = parse_printed(text)
        except ValueError as exc:
            self._find("error", cell.key, f"件数“{text}”无法读出：{exc}", f"count {text!r} cannot be read: {exc}",
                       "bad_count", ref)
            return
        if number is None:
            return
        if number.decimals:
            self._find("error", cell.key, f"件数“{text}”不是整数", f"count {text!r} is not a whole number",
                       "bad_count", ref)
            return
        cell.counts.append(_Printed(number, ref, own))

    def _read_percent(self, cell: _Cell, row: Mapping, ref: Ref, own: tuple[str, ...]) -> None:
        text = _text(row, "percent")
        if not text:
            return
        try:
            number = parse_printed(text)
        except ValueError as exc:
            self._find("error", cell.key, f"百分比“{text}”无法读出：{exc}", f"percent {text!r} cannot be read: {exc}",
                       "bad_percent", ref)
            return
        if number is not None:
            cell.percents.append(_Printed(number, ref, own))

    def _cell(self, key: Key, year: int | None = None) -> _Cell:
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = _Cell(key=key)
        if cell.year is None:
            cell.year = year if year is not None else self.years.get((key[0], key[1]))
        return cell

    # -- the complete table ---------------------------------------------------------------

    def complete(self) -> None:
        """Add the figures the identities imply, settle printed values, and build the identities."""
        inputs = list(self.cells.values())
        labels: list[tuple[str, str]] = []
        for cell in inputs:
            for label in [cell.session] + (sessions.split_total(cell.session) if "+" in cell.session else []):
                if (cell.congress, label) not in labels:
                    labels.append((cell.congress, label))
        # every single session has a received figure; a total has one when it prints received/handled
        for congress, label in labels:
            if "+" not in label or any(c.session == label and c.measure in ("received", "handled")
                                       for c in inputs):
                self._cell((congress, label, "", "received", ""))
        for congress, label in labels:
            if (congress, label, "", "received", "") in self.cells:
                for handler in self.session_handlers.get((congress, label), []):
                    self._cell((congress, label, handler, "handled", ""))
        # outcome and satisfaction groups, when one member prints something
        outcome_groups = []
        for cell in inputs:
            group = (cell.congress, cell.session, cell.handler)
            if cell.measure == "outcome" and (cell.counts or cell.percents) and group not in outcome_groups:
                outcome_groups.append(group)
        satisfaction_groups = []
        for cell in inputs:
            group = (cell.congress, cell.session, cell.handler, cell.category)
            if cell.measure in SATISFACTION_MEASURES and (cell.counts or cell.percents) \
                    and group not in satisfaction_groups:
                satisfaction_groups.append(group)
        for congress, label, handler in outcome_groups:
            parent = _normalise_key((congress, label, handler, "handled", ""))
            self._cell(parent)
            children = tuple((congress, label, handler, "outcome", code) for code in self.scheme.codes)
            for child in children:
                self._cell(child)
            self.identities.append(_Identity("outcome", parent, children))
        for congress, label, handler, category in satisfaction_groups:
            members = [self.cells.get((congress, label, handler, m, category)) for m in SATISFACTION_MEASURES]
            base = next((m.base_key for m in members if m is not None and m.base_key is not None), None)
            if base is None:
                continue
            self._cell(base)
            children = tuple((congress, label, handler, m, category) for m in SATISFACTION_MEASURES)
            for child in children:
                self._cell(child)
            self.identities.append(_Identity("satisfaction", base, children))
        # parts of totals
        for cell in list(self.cells.values()):
            if "+" in cell.session:
                parts = tuple((cell.congress, p, cell.handler, cell.measure, cell.category)
                              for p in sessions.split_total(cell.session))
                for part in parts:
                    self._cell(part)
                self.identities.append(_Identity("total", cell.key, parts))
        # bases of printed percents (so that they can be derived and shown)
        for cell in list(self.cells.values()):
            if cell.percents and cell.base_key is not None:
                self._cell(cell.base_key)
        # natural bases of the figures added above (input rows resolved theirs when read)
        for cell in self.cells.values():
            if cell.base_key is None and not cell.base_bad and not cell.refs:
                cell.base_key = resolve_base(cell.key, "")
        # the handlers identity of each session and total
        for congress, label in labels:
            parent = (congress, label, "", "received", "")
            if parent not in self.cells:
                continue
            children = tuple((congress, label, h, "handled", "") for h in self.session_handlers.get((congress, label), [])
                             if (congress, label, h, "handled", "") in self.cells)
            if children:
                self.identities.append(_Identity("handlers", parent, children, derive=len(children) >= 2))
        order = {"outcome": 0, "satisfaction": 1, "handlers": 2, "total": 3}
        self.identities.sort(key=lambda i: (order[i.kind], sessions.session_sort_key(i.parent[1])))
        for cell in self.cells.values():
            self._settle_printed(cell)

    def _settle_printed(self, cell: _Cell) -> None:
        exact = {p.number.value for p in cell.counts if p.number.exact}
        if len(exact) > 1:
            shown = "、".join(f"{p.number.text}（第{p.ref[1]}行）" for p in cell.counts)
            shown_en = ", ".join(f"{p.number.text} (row {p.ref[1]})" for p in cell.counts)
            self._find("warning", cell.key, f"同一数字印出两个不同的件数：{shown}；均不参与推算（可能为交办时与年底两个口径）",
                       f"the same figure is printed with different counts: {shown_en}; neither is used in arithmetic "
                       "(perhaps counted at assignment and at year end)", "duplicate", self._ref_of(cell))
        elif cell.counts and all(p.number.exact for p in cell.counts):
            cell.count = int(cell.counts[0].number.value)
            cell.count_status = "printed"
            cell.count_assumptions = frozenset(a for p in cell.counts for a in p.assumptions)
            cell.count_inputs = frozenset(p.ref for p in cell.counts)
        texts = {(_units(p.number), p.number.decimals, p.number.qualifier) for p in cell.percents}
        if len(texts) > 1:
            shown = "、".join(f"{p.number.text}%（第{p.ref[1]}行）" for p in cell.percents)
            shown_en = ", ".join(f"{p.number.text}% (row {p.ref[1]})" for p in cell.percents)
            self._find("warning", cell.key, f"同一数字印出两个不同的百分比：{shown}；不据此推算件数",
                       f"the same figure is printed with different percents: {shown_en}; no count is derived from them",
                       "duplicate", self._ref_of(cell))

    # -- derivation to a fixed point ------------------------------------------------------

    def derive(self) -> None:
        """Apply the identities and the printed percents until nothing more can be derived."""
        # received = Σ bodies is the weak identity (joint handling, unexplained remainders), so
        # it is used only when the strict identities and the printed percents give nothing more;
        # then one derivation, and back to the strict ones.
        while True:
            changed = False
            for identity in self.identities:
                if identity.kind != "handlers" and not identity.broken and identity.derive:
                    changed |= self._apply(identity)
            for cell in self.cells.values():
                changed |= self._from_percent(cell)
            if changed:
                continue
            if not any(self._apply(i) for i in self.identities
                       if i.kind == "handlers" and not i.broken and i.derive):
                break

    def _apply(self, identity: _Identity) -> bool:
        terms = (identity.parent, *identity.children)
        unknown = [k for k in terms if self.cells[k].count is None]
        if len(unknown) != 1:
            return False
        target = unknown[0]
        cell = self.cells[target]
        if target == identity.parent:
            inputs = identity.children
            value = sum(self.cells[k].count for k in inputs)
            zh = " + ".join(_term(k, self.cells[k].count, target, "zh") for k in inputs)
            en = " + ".join(_term(k, self.cells[k].count, target, "en") for k in inputs)
        else:
            others = [k for k in identity.children if k != target]
            inputs = (identity.parent, *others)
            value = self.cells[identity.parent].count - sum(self.cells[k].count for k in others)
            if value < 0:
                identity.broken = True
                self._excess(identity, target)
                return False
            zh = " − ".join(_term(k, self.cells[k].count, target, "zh") for k in inputs)
            en = " − ".join(_term(k, self.cells[k].count, target, "en") for k in inputs)
        rule_zh, rule_en = f"由 {zh} 得出", f"from {en}"
        if identity.kind == "handlers":
            rule_zh += "（按各承办主体件数之和，假定无联合办理重复计数）"
            rule_en += " (the bodies' counts add up to the session's, assuming none is counted twice)"
        cell.count = value
        cell.count_status = "derived"
        cell.count_rule = (rule_zh, rule_en)
        cell.count_assumptions = frozenset().union(*(self.cells[k].count_assumptions for k in inputs))
        cell.count_inputs = frozenset().union(*(self.cells[k].count_inputs for k in inputs))
        return True

    def _excess(self, identity: _Identity, target: Key) -> None:
        """The known parts already exceed the whole, so the missing part cannot be derived."""
        parent = self.cells[identity.parent]
        others = [k for k in identity.children if k != target]
        total = sum(self.cells[k].count for k in others)
        terms_zh = " + ".join(_term(k, self.cells[k].count, identity.parent, "zh") for k in others)
        terms_en = " + ".join(_term(k, self.cells[k].count, identity.parent, "en") for k in others)
        assumptions = parent.count_assumptions.union(*(self.cells[k].count_assumptions for k in others))
        if identity.kind == "handlers":
            self._find("note", identity.parent,
                       f"已知承办主体件数之和 {terms_zh} = {total}，超过收到建议{parent.count}件，"
                       f"多出{total - parent.count}件，可能为联合办理重复计数；不据此推算其余承办主体",
                       f"the known bodies' counts {terms_en} = {total} exceed the {parent.count} received by "
                       f"{total - parent.count}, perhaps joint handling counted twice; no other body is derived",
                       "joint_handling", self._ref_of(parent), assumptions)
        else:
            self._find("error", identity.parent,
                       f"各部分之和 {terms_zh} = {total}，已超过合计{parent.count}件，数字相互矛盾",
                       f"the parts {terms_en} = {total} already exceed the whole ({parent.count}); the figures "
                       "contradict each other", "inconsistent", self._ref_of(parent), assumptions)

    def _from_percent(self, cell: _Cell) -> bool:
        if cell.count is not None or cell.base_key is None:
            return False
        printed = cell.exact_percent()
        base = self.cells.get(cell.base_key)
        if printed is None or base is None or base.count is None or base.count == 0:
            return False
        fits = _fits(printed.number, base.count)
        cell.percent_candidates = fits
        if len(fits) != 1:
            return False
        base_zh = _term(cell.base_key, base.count, cell.key, "zh")
        base_en = _term(cell.base_key, base.count, cell.key, "en")
        text = printed.number.text.rstrip("%％")
        cell.count = fits[0]
        cell.count_status = "derived"
        cell.count_from_percent = True
        cell.count_rule = (f"由 占比{text}% × {base_zh} 得出（唯一符合印出精度的整数）",
                           f"from {text}% × {base_en} (the only whole number that prints as {text}%)")
        cell.count_assumptions = frozenset(printed.assumptions) | base.count_assumptions
        cell.count_inputs = frozenset({printed.ref}) | base.count_inputs
        return True

    # -- checks ---------------------------------------------------------------------------

    def check(self) -> None:
        """Compute the percents left blank, then check identities, percents and approximate counts."""
        self._compute_percents()
        self._check_identities()
        self._check_percents()
        self._check_counts()
        self._note_derivations()

    def _printed_decimals(self) -> tuple[dict, dict]:
        """How many decimals exact printed percents show, per list and per measure."""
        in_list: dict[tuple, Counter] = defaultdict(Counter)
        in_measure: dict[tuple, Counter] = defaultdict(Counter)
        for cell in self.cells.values():
            printed = cell.exact_percent()
            if printed is None:
                continue
            in_measure[(cell.congress, cell.measure)][printed.number.decimals] += 1
            in_list[(cell.congress, cell.session, cell.measure, cell.base_key)][printed.number.decimals] += 1
        return in_list, in_measure

    @staticmethod
    def _decimals_for(cell: _Cell, in_list: dict, in_measure: dict) -> int:
        """Same list's precision, else the same measure's in the file, else DEFAULT_DECIMALS (ties: more decimals)."""
        for counter in (in_list.get((cell.congress, cell.session, cell.measure, cell.base_key)),
                        in_measure.get((cell.congress, cell.measure))):
            if counter:
                return max(counter.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return DEFAULT_DECIMALS

    def _compute_percents(self) -> None:
        in_list, in_measure = self._printed_decimals()
        for cell in self.cells.values():
            if cell.base_key is None or cell.count is None or cell.exact_percent() is not None:
                continue
            base = self.cells.get(cell.base_key)
            if base is None or base.count is None or base.count == 0:
                continue
            cell.computed = _exact_pct(cell.count, base.count)
            cell.computed_decimals = self._decimals_for(cell, in_list, in_measure)
            text = str(stats.percent_decimal(cell.count, base.count, cell.computed_decimals))
            count_zh = _term(cell.key, cell.count, cell.key, "zh")
            count_en = _term(cell.key, cell.count, cell.key, "en")
            cell.computed_rule = (f"占比 = {count_zh} ÷ {_term(cell.base_key, base.count, cell.key, 'zh')} = {text}%",
                                  f"share = {count_en} ÷ {_term(cell.base_key, base.count, cell.key, 'en')} = {text}%")
            cell.computed_assumptions = cell.count_assumptions | base.count_assumptions
            cell.computed_inputs = cell.count_inputs | base.count_inputs

    def _check_identities(self) -> None:
        for identity in self.identities:
            if identity.broken:
                continue
            terms = (identity.parent, *identity.children)
            if any(self.cells[k].count is None for k in terms):
                continue
            parent = self.cells[identity.parent]
            total = sum(self.cells[k].count for k in identity.children)
            if total == parent.count:
                continue
            identity.broken = True
            terms_zh = " + ".join(_term(k, self.cells[k].count, identity.parent, "zh") for k in identity.children)
            terms_en = " + ".join(_term(k, self.cells[k].count, identity.parent, "en") for k in identity.children)
            assumptions = parent.count_assumptions.union(*(self.cells[k].count_assumptions for k in identity.children))
            whole_zh = _term(identity.parent, parent.count, identity.parent, "zh")
            whole_en = _term(identity.parent, parent.count, identity.parent, "en")
            gap = parent.count - total
            if identity.kind == "handlers" and gap < 0:
                self._find("note", identity.parent,
                           f"各承办主体件数之和 {terms_zh} = {total}，超过{whole_zh}，多出{-gap}件：一件建议由多个主体联合办理时会重复计数",
                           f"the bodies' counts {terms_en} = {total} exceed {whole_en} by {-gap}: a suggestion handled "
                           "jointly is counted under each body", "joint_handling", self._ref_of(parent), assumptions)
            elif identity.kind == "handlers":
                self._find("note", identity.parent,
                           f"各承办主体件数之和 {terms_zh} = {total}，比{whole_zh}少{gap}件，差额原文未作说明；不据此推算",
                           f"the bodies' counts {terms_en} = {total} fall short of {whole_en} by {gap}, a remainder "
                           "the report does not explain; nothing is derived across it", "remainder",
                           self._ref_of(parent), assumptions)
            else:
                why = {"outcome": ("各类办理结果之和应等于办理件数", "the outcome classes should add up to the handled count"),
                       "satisfaction": ("满意、基本满意、不满意之和应等于测评件数",
                                        "satisfied, basically satisfied and unsatisfied should add up to their base"),
                       "total": ("多次会议的合计应等于各次之和", "a total over sessions should equal the sum of its sessions")}
                hint_zh = "（或所依据的假设不成立）" if assumptions else ""
                hint_en = " (or an assumption it rests on does not hold)" if assumptions else ""
                self._find("error", identity.parent,
                           f"{why[identity.kind][0]}：{terms_zh} = {total}，但{whole_zh}，相差{abs(gap)}件{hint_zh}",
                           f"{why[identity.kind][1]}: {terms_en} = {total}, but {whole_en}, a difference of "
                           f"{abs(gap)}{hint_en}", "inconsistent", self._ref_of(parent), assumptions)

    def _lists(self) -> dict[tuple, list[_Cell]]:
        lists: dict[tuple, list[_Cell]] = defaultdict(list)
        for cell in self.cells.values():
            if cell.percents and cell.base_key is not None:
                lists[(cell.congress, cell.session, cell.measure, cell.base_key)].append(cell)
        return lists

    def _check_percents(self) -> None:
        for cell in self.cells.values():
            if cell.base_key is None and not cell.base_bad:
                for printed in cell.percents:
                    self._unchecked(cell, printed, None)
        for members in self._lists().values():
            exact = [(c, c.exact_percent()) for c in members if c.exact_percent() is not None]
            total = sum((Fraction(repr(p.number.value)) for _, p in exact), Fraction(0))
            sums_to_100 = len(exact) >= 2 and total == 100
            largest = max((Fraction(repr(p.number.value)) for _, p in exact), default=None)
            for cell in members:
                for printed in cell.percents:
                    self._check_one(cell, printed, sums_to_100, largest)
            checked = [c for c, _ in exact if c.compared]
            decimals = sorted({p.number.decimals for _, p in exact})
            if len(decimals) > 1:
                shown = "、".join(f"{p.number.text}%" for _, p in exact)
                cell = exact[0][0]
                self._find("note", cell.key,
                           f"同一组百分比精度不一（{shown}），各按其印出精度核对",
                           f"one list printed at mixed precision ({', '.join(p.number.text + '%' for _, p in exact)}); "
                           "each is checked at its own precision", "mixed_precision", self._ref_of(cell))
            elif decimals == [0] and checked:
                cell = checked[0]
                self._find("note", cell.key,
                           "该组百分比只印到整数，按整数精度核对（误差可达0.5个百分点）",
                           "this list prints whole percents only; checked at that precision (off by up to half a point)",
                           "integer", self._ref_of(cell))

    def _check_one(self, cell: _Cell, printed: _Printed, sums_to_100: bool, largest: Fraction | None) -> None:
        number = printed.number
        shown = _percent_shown(number)
        base = self.cells.get(cell.base_key)
        if cell.count is None or base is None or base.count is None or base.count == 0:
            self._unchecked(cell, printed, base)
            return
        cell.compared = True
        true = _exact_pct(cell.count, base.count)
        d = number.decimals
        expected = _pct_text(true, d)
        exact_text = _pct_text(true, d + 2)
        what_zh = f"{cell.count} ÷ {base.count} = {exact_text}%"
        what_en = what_zh.replace("÷", "/")
        assumptions = set(printed.assumptions) | cell.count_assumptions | base.count_assumptions
        ref = printed.ref
        if not number.exact:
            verdict = _qualifier_holds(true, number, Fraction(1, 2 * 10 ** d))
            word_zh, word_en = _QUALIFIER_WORDS.get(number.qualifier, (number.qualifier, number.qualifier))
            convention = "approximation" if number.qualifier == "about" else "bound"
            if verdict == "ok":
                cell.check = convention
                self._find("note", cell.key, f"印出“{shown}”（{word_zh}）与 {what_zh} 相符",
                           f"printed {shown!r} ({word_en}) agrees with {what_en}", convention, ref, assumptions)
            elif verdict == "rounding" and number.qualifier == "nearly":
                cell.check = convention
                self._find("warning", cell.key,
                           f"印出“{shown}”：“近”意为略低于{_units_text(_units(number), d)}%，而 {what_zh}，并不低于它",
                           f"printed {shown!r}: 'nearly' means just below {_units_text(_units(number), d)}%, but "
                           f"{what_en} is not below it", convention, ref, assumptions)
            elif verdict == "rounding":
                cell.check = convention
                self._find("warning", cell.key,
                           f"印出“{shown}”（{word_zh}），而 {what_zh}：只有四舍五入后才成立",
                           f"printed {shown!r} ({word_en}), but {what_en}: holds only after rounding",
                           convention, ref, assumptions)
            else:
                cell.check = "error"
                self._find("error", cell.key, f"印出“{shown}”（{word_zh}），但 {what_zh}，不成立",
                           f"printed {shown!r} ({word_en}), but {what_en}: the bound does not hold",
                           convention, ref, assumptions)
            return
        p_units = _units(number)
        scaled = true * 10 ** d
        rounded = _round_half_up_units(true, d)
        value = Fraction(repr(number.value))
        if p_units == rounded:
            cell.check = "round_half_up"
            return
        if scaled - math.floor(scaled) == Fraction(1, 2) and p_units == math.floor(scaled):
            cell.check = "round_half_down"
            # Round half to even ("banker's rounding") gives this print only when the digit kept is even.
            even = math.floor(scaled) % 2 == 0
            how_zh = "“银行家舍入”（四舍六入五成双）或截尾" if even else "截尾，或把恰好一半舍去"
            how_en = "round half to even, or truncation" if even else "truncation, or rounding the half down"
            self._find("warning", cell.key,
                       f"印出{shown}，{what_zh} 恰好是半个单位，四舍五入应为{expected}%：原文把5舍去了（{how_zh}）",
                       f"printed {shown}; {what_en} is exactly half a unit and rounds half up to {expected}%: "
                       f"the report rounded the half down ({how_en})",
                       "round_half_down", ref, assumptions)
            return
        if sums_to_100 and abs(p_units - rounded) == 1:
            is_largest = largest is not None and value == largest
            convention = "plug_largest" if is_largest else "plug_other"
            which_zh = "最大一项" if is_largest else "非最大的一项"
            which_en = "the largest item" if is_largest else "an item other than the largest"
            cell.check = convention
            self._find("warning", cell.key,
                       f"印出{shown}，{what_zh} 四舍五入应为{expected}%：为使该组合计恰为100%，{which_zh}调整了末位一个单位",
                       f"printed {shown}; {what_en} rounds to {expected}%: {which_en} was adjusted by one unit in "
                       "the last digit so the list adds up to exactly 100%", convention, ref, assumptions)
            return
        if p_units == math.floor(scaled):
            cell.check = "truncation"
            self._find("warning", cell.key,
                       f"印出{shown}，{what_zh} 四舍五入应为{expected}%：原文是截尾（舍去多余位数），不是四舍五入",
                       f"printed {shown}; {what_en} rounds to {expected}%: the report truncated instead of rounding",
                       "truncation", ref, assumptions)
            return
        cell.check = "error"
        hint_zh = "（或所依据的假设不成立）" if assumptions - set(printed.assumptions) else ""
        hint_en = " (or an assumption it rests on does not hold)" if hint_zh else ""
        self._find("error", cell.key,
                   f"印出{shown}，但 {what_zh}，四舍五入应为{expected}%；截尾、凑足100%等惯例都不能解释{hint_zh}",
                   f"printed {shown}, but {what_en}, which rounds to {expected}%; no convention (truncation, "
                   f"plugging to 100%) explains it{hint_en}", "none", ref, assumptions)

    def _unchecked(self, cell: _Cell, printed: _Printed, base: _Cell | None) -> None:
        number = printed.number
        shown = _percent_shown(number)
        candidates = cell.percent_candidates
        if cell.count is None and candidates is not None and base is not None and base.count:
            base_zh = _term(cell.base_key, base.count, cell.key, "zh")
            base_en = _term(cell.base_key, base.count, cell.key, "en")
            assumptions = set(printed.assumptions) | base.count_assumptions
            if not candidates:
                cell.check = "error"
                self._find("error", cell.key,
                           f"印出{shown}，但{base_zh}的任何整数件数都印不出这个百分比（四舍五入或截尾）",
                           f"printed {shown}, but no whole number out of {base_en} gives this percent "
                           "(rounded or truncated)", "none", printed.ref, assumptions)
            else:
                listed = "、".join(str(c) for c in candidates)
                self._find("note", cell.key,
                           f"按印出的{shown}和{base_zh}，件数可能是 {listed}，不止一个整数符合，件数仍未知",
                           f"from {shown} and {base_en} the count could be {', '.join(map(str, candidates))}: more "
                           "than one whole number fits, so the count stays unknown", "ambiguous", printed.ref,
                           assumptions)
            return
        if cell.base_key is None:
            reason_zh, reason_en = "该指标没有默认基数，也未在“百分比基数”列注明", "the measure has no natural base and none is given"
        elif base is None or base.count is None:
            reason_zh = f"基数（{_base_text(cell.base_key)}）未知"
            reason_en = f"its base ({_base_text(cell.base_key)}) is unknown"
        elif base.count == 0:
            reason_zh, reason_en = "基数为0", "its base is 0"
        else:
            reason_zh, reason_en = "件数未知", "the count is unknown"
        self._find("note", cell.key, f"印出{shown}无法核对：{reason_zh}", f"printed {shown} cannot be checked: {reason_en}",
                   "unchecked", printed.ref, printed.assumptions)

    def _check_counts(self) -> None:
        for cell in self.cells.values():
            inexact = [p for p in cell.counts if not p.number.exact]
            conflicting = len({p.number.value for p in cell.counts if p.number.exact}) > 1
            if cell.count_status != "derived":
                for printed in inexact:
                    word_zh, word_en = _QUALIFIER_WORDS.get(printed.number.qualifier, ("", ""))
                    self._find("note", cell.key, f"件数印为约数“{printed.number.text}”（{word_zh}），不参与推算",
                               f"the count is printed as an approximation {printed.number.text!r} ({word_en}); it is "
                               "not used in arithmetic", "approximate_count", printed.ref, printed.assumptions)
                continue
            assumptions = set(cell.count_assumptions)
            for printed in cell.counts:
                number = printed.number
                if number.exact and conflicting:
                    agree = int(number.value) == cell.count
                    self._find("note", cell.key,
                               f"印出的{number.text}（第{printed.ref[1]}行）{'与推算值相符' if agree else f'与推算值{cell.count}不符'}",
                               f"printed {number.text} (row {printed.ref[1]}) "
                               f"{'agrees with' if agree else 'differs from'} the derived {cell.count}",
                               "duplicate", printed.ref, assumptions)
                    continue
                if number.exact:
                    continue
                verdict = _qualifier_holds(Fraction(cell.count), number, Fraction(0))
                word_zh, word_en = _QUALIFIER_WORDS.get(number.qualifier, ("", ""))
                convention = "approximation" if number.qualifier == "about" else "bound"
                if verdict == "ok":
                    self._find("note", cell.key, f"件数印为“{number.text}”（{word_zh}），推算为{cell.count}，相符",
                               f"the count printed {number.text!r} ({word_en}) agrees with the derived {cell.count}",
                               convention, printed.ref, assumptions)
                else:
                    severity = "warning" if verdict == "rounding" else "error"
                    self._find(severity, cell.key, f"件数印为“{number.text}”（{word_zh}），但推算为{cell.count}，不成立",
                               f"the count printed {number.text!r} ({word_en}), but the arithmetic gives {cell.count}",
                               convention, printed.ref, assumptions)

    def _note_derivations(self) -> None:
        for cell in self.cells.values():
            parts_zh, parts_en, assumptions = [], [], set()
            if cell.count_status == "derived":
                parts_zh.append(f"件数 {cell.count}：{cell.count_rule[0]}")
                parts_en.append(f"count {cell.count}: {cell.count_rule[1]}")
                assumptions |= cell.count_assumptions
            if cell.computed is not None:
                parts_zh.append(cell.computed_rule[0])
                parts_en.append(cell.computed_rule[1])
                assumptions |= cell.computed_assumptions
            if not parts_zh:
                continue
            stated = _join_assumptions(assumptions, self.assumption_order)
            zh = "推算 " + "；".join(parts_zh) + (f"。依据假设：{stated}" if stated else "")
            en = "derived " + "; ".join(parts_en) + (f". Rests on the assumption(s): {stated}" if stated else "")
            self._find("note", cell.key, zh, en, "assumption" if stated else "derived",
                       self._ref_of(cell), assumptions)

    # -- output ---------------------------------------------------------------------------

    def _sort_key(self, key: Key) -> tuple:
        congress, session, handler, measure, category = key
        measure_rank = [m.name for m in schema.MEASURES].index(measure) if measure in schema.MEASURE_BY_NAME else 99
        return (congress, sessions.session_sort_key(session), self.handler_order.get(handler, 999), measure_rank,
                self.category_order.get(category, 999), category)

    def figures_frame(self) -> pd.DataFrame:
        rows = []
        for key in sorted(self.cells, key=self._sort_key):
            rows.append(self._figure_row(self.cells[key]))
        frame = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
        for name in ("year", "count", "base_count", "source_row"):
            frame[name] = frame[name].astype("Int64")
        frame["percent"] = frame["percent"].astype("Float64")
        for name in FIGURE_COLUMNS:
            if name not in ("year", "count", "base_count", "source_row", "percent"):
                frame[name] = frame[name].astype("string")
        return frame

    def _figure_row(self, cell: _Cell) -> dict:
        base = self.cells.get(cell.base_key) if cell.base_key else None
        count, count_qualifier = cell.count, ""
        if count is None and cell.counts and len({p.number.text for p in cell.counts}) == 1:
            count_qualifier = cell.counts[0].number.qualifier  # a bound or approximation: count stays NA
        count_status = cell.count_status if cell.count is not None or not cell.counts else "printed"
        exact = cell.exact_percent()
        percent = None
        percent_text = percent_qualifier = ""
        percent_status = "" if cell.base_key is None and not cell.percents else "unknown"
        percent_assumptions: set[str] = set()
        percent_inputs: set[Ref] = set()
        if exact is not None:
            percent, percent_text, percent_status = exact.number.value, exact.number.text, "printed"
            percent_assumptions |= set(exact.assumptions)
            percent_inputs.add(exact.ref)
        elif cell.computed is not None:
            percent = float(cell.computed)
            percent_text = _pct_text(cell.computed, cell.computed_decimals)
            percent_status = "derived"
            percent_assumptions |= cell.computed_assumptions
            percent_inputs |= cell.computed_inputs
        elif cell.percents:
            first = cell.percents[0].number
            if len(cell.percents) == 1 or all(p.number.text == first.text for p in cell.percents):
                percent, percent_text, percent_qualifier = first.value, first.text, first.qualifier
            percent_status = "printed"
            percent_assumptions |= {a for p in cell.percents for a in p.assumptions}
            percent_inputs |= {p.ref for p in cell.percents}
        if count_status != "unknown":
            status = count_status
        else:
            status = percent_status if percent_status in ("printed", "derived") else "unknown"
        rules_zh = [r for r in (cell.count_rule[0], cell.computed_rule[0] if cell.computed is not None else "") if r]
        rules_en = [r for r in (cell.count_rule[1], cell.computed_rule[1] if cell.computed is not None else "") if r]
        assumptions = set(cell.count_assumptions) | percent_assumptions
        if count_status == "printed" and cell.count is None:
            assumptions |= {a for p in cell.counts for a in p.assumptions}
        inputs = set(cell.count_inputs) | percent_inputs | {r for r in cell.refs}
        files = {f for f, _ in inputs}
        if len(files) <= 1:
            input_rows = ", ".join(str(r) for r in sorted(r for _, r in inputs if r is not None))
        else:
            input_rows = ", ".join(f"{f}:{r}" for f, r in sorted(inputs, key=lambda x: (x[0], x[1] or 0)))
        ref = self._ref_of(cell)
        return {
            "congress": cell.congress, "session": cell.session, "year": cell.year, "handler": cell.handler,
            "measure": cell.measure, "category": cell.category,
            "count": count, "count_qualifier": count_qualifier,
            "count_printed": "；".join(p.number.text for p in cell.counts), "count_status": count_status,
            "percent": percent, "percent_text": percent_text, "percent_qualifier": percent_qualifier,
            "percent_printed": "；".join(p.number.text for p in cell.percents), "percent_status": percent_status,
            "check": cell.check, "base": _base_text(cell.base_key),
            "base_count": base.count if base is not None else None,
            "status": status, "rule": "；".join(rules_zh), "rule_en": "; ".join(rules_en),
            "assumption": _join_assumptions(assumptions, self.assumption_order),
            "source_file": ref[0] if ref else "", "source_row": ref[1] if ref else None,
            "input_rows": input_rows, "source": "；".join(cell.sources),
        }

    def findings_frame(self) -> pd.DataFrame:
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        ordered = sorted(self.findings, key=lambda f: (
            rank[f["severity"]], f["congress"], sessions.session_sort_key(f["session"]) if f["session"] else (),
            f["source_row"] if f["source_row"] is not None else 10 ** 9))
        frame = pd.DataFrame(ordered, columns=list(FINDING_COLUMNS))
        frame["source_row"] = frame["source_row"].astype("Int64")
        for name in FINDING_COLUMNS:
            if name != "source_row":
                frame[name] = frame[name].astype("string")
        return frame


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def reconcile_figures(figures: pd.DataFrame, *, assumptions: Mapping[str, str] | None = None,
                      scheme: str | OutcomeScheme | None = None) -> Reconciliation:
    """Complete and check published figures (``load.load_figures`` shape): printed / derived / unknown, and findings."""
    if isinstance(scheme, OutcomeScheme):
        outcome_scheme = scheme
    else:
        outcome_scheme = load_scheme(scheme or load_config()["outcome_scheme"])
    extra: dict[str, str] = {}
    for label, text in (assumptions or {}).items():
        canonical = sessions.canonical_session_or_total(label)
        if canonical is None:
            raise ConfigError(f"assumption for an unrecognised session {label!r}; write e.g. 十八届人大一次会议 "
                              "or 十八届人大一次会议+十八届人大二次会议")
        extra[canonical] = str(text).strip()
    reconciler = _Reconciler(figures, outcome_scheme, extra)
    reconciler.complete()
    reconciler.derive()
    reconciler.check()
    files = tuple(dict.fromkeys(Path(str(f)).name for f in figures.get("source_file", pd.Series(dtype=str))
                                if not is_blank(f)))
    return Reconciliation(figures=reconciler.figures_frame(), findings=reconciler.findings_frame(),
                          scheme=outcome_scheme.name, files=files)


def reconcile_files(files: str | Path | list, *, assumptions: Mapping[str, str] | None = None,
                    config: dict | None = None) -> Reconciliation:
    """Load published-figures files (``load.load_figures``) and reconcile them."""
    from . import load

    settings = config or load_config()
    figures = load.load_figures(files, config=settings)
    return reconcile_figures(figures, assumptions=assumptions, scheme=settings["outcome_scheme"])


# ---------------------------------------------------------------------------------------
# Text for people
# ---------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(header: list[str], rows: list[list[str]], last_free: bool = True) -> list[str]:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for cells in [header] + rows:
        shown = [c if (last_free and i == len(cells) - 1) else _pad(c, widths[i]) for i, c in enumerate(cells)]
        lines.append("  ".join(shown).rstrip())
        if cells is header:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_text(result: Reconciliation, lang: str = "zh") -> str:
    """The completed table and the findings, for people (Chinese by default, ``lang="en"`` English)."""
    en = lang == "en"
    status = _STATUS_LABELS["en" if en else "zh"]
    severity = _SEVERITY_LABELS["en" if en else "zh"]
    title = "Published figures: printed, derived, unknown" if en else "已印出数字核对：原文、推算、未知"
    lines = [title]
    if result.files:
        lines.append(("Files: " if en else "文件：") + ", ".join(result.files))
    lines.append("")
    header = (["session", "body", "measure", "category", "count", "from", "percent", "from", "how"] if en
              else ["届次", "承办主体", "指标", "分类", "件数", "来源", "百分比", "来源", "依据"])
    rows = []
    for row in result.figures.to_dict(orient="records"):
        count = "" if row["count"] is pd.NA or row["count"] is None else str(row["count"])
        if not count and row["count_qualifier"]:
            count = str(row["count_printed"])  # a bound or approximation, shown as printed
        percent = str(row["percent_text"] or "")
        if percent and not percent.endswith(("%", "％")):
            percent += "%"
        if row["status"] == "unknown":
            how = "arithmetic does not fix it" if en else "已知数字推不出"
        elif row["rule"]:
            how = str(row["rule_en"] if en else row["rule"])
        else:
            how = (f"row {row['source_row']}" if en else f"原文第{row['source_row']}行") if row["source_row"] is not pd.NA else ""
        if row["assumption"]:
            how += (" [assumption: " if en else "【假设：") + str(row["assumption"]) + ("]" if en else "】")
        rows.append([
            session_display(str(row["session"]), lang), _handler_display(str(row["handler"]), lang),
            measure_display(str(row["measure"]), lang), _category_display(str(row["measure"]), str(row["category"]), lang),
            count or "?", status[str(row["count_status"])] if count or row["count_status"] != "unknown" else status["unknown"],
            percent or ("?" if row["percent_status"] == "unknown" else "—"), status[str(row["percent_status"])], how,
        ])
    lines += _table(header, rows)
    counts = result.counts()
    lines.append("")
    if en:
        lines.append(f"Findings: {counts['error']} error(s), {counts['warning']} warning(s), {counts['note']} note(s)")
    else:
        lines.append(f"发现：错误 {counts['error']} 条，警告 {counts['warning']} 条，说明 {counts['note']} 条")
    for f in result.findings.to_dict(orient="records"):
        where = " ".join(x for x in (
            session_display(str(f["session"]), lang) if f["session"] else "",
            str(f["handler"]) if f["handler"] else "",
            measure_display(str(f["measure"]), lang) if f["measure"] else "",
            _category_display(str(f["measure"]), str(f["category"]), lang) if f["category"] else "") if x)
        row = f["source_row"]
        at = "" if row is pd.NA or row is None else (f" (row {row})" if en else f"（第{row}行）")
        message = f["message_en"] if en else f["message"]
        lines.append(f"[{severity[str(f['severity'])]}] {where}{at}: {message}")
    return "\n".join(lines)
