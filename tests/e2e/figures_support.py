"""The figures a reader sees on a generated page, as (label, value) pairs read from its HTML.

A leader reads a label and the number beside it. This module reads a page the same way, from
the HTML alone: headline cards (label, value, note), paragraphs and notes (the words before each
number in its sentence), tables (caption, column header and the cells that name the row) and
the charts' titles. Each figure gets a ``Label``: the session, the handling body, the measure
and the kind of number (count, percent, points). The words come from ``analysis.labels`` and
the settings (body names are data), so this reads every page the package writes in Chinese or
English.

``conflicts`` lists labels that carry two values on one page: the defect of issue 12, where
"办结率" stood for all bodies in a card and for 区政府 alone in the paragraph below it.
``unnamed_rates`` lists rates shown without the body they are of.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from analysis import config as settings
from analysis import labels

UNNAMED = "（未写明承办主体）"


@dataclass(frozen=True)
class Label:
    """What a number is: of which session, of which body, which measure, what kind of number."""

    session: str
    body: str  # a body's name, the all-bodies words, or UNNAMED
    measure: str
    kind: str  # "count" | "pct" | "points" | "number", with "#2"… for a second number of one cell
    row: str = ""  # what names a table row besides its session and body (a unit, a measure)


@dataclass(frozen=True)
class Figure:
    """One number a reader sees, its label and where it stands on the page."""

    label: Label
    value: str
    where: str


# ---------------------------------------------------------------------------------------
# Words: bodies, measures, sessions
# ---------------------------------------------------------------------------------------

def body_words(config: dict | None = None) -> dict[str, str]:
    """Every name a body is shown by (Chinese, English, the all-bodies words) → the body it names."""
    cfg = config or settings.load_config()
    names = {str(h): str(h) for h in [*cfg.get("handlers", []), cfg.get("port_zone", "")] if h}
    for handler, english in (cfg.get("handler_names_en") or {}).items():
        names[str(english)] = str(handler)
    for pair in labels.PEER_BODY_LABELS.values():  # the bodies other congresses' reports name (the peers page)
        for word in pair:
            names.setdefault(word, pair[0])
    for word in labels.ALL_HANDLERS:
        names[word] = labels.ALL_HANDLERS[0]
    names["all bodies"] = labels.ALL_HANDLERS[0]
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def measure_words() -> list[str]:
    """The words that name a measure, longest first: counts, rates, outcome classes, the verbs of handling."""
    found: set[str] = set()
    for table in (labels.MEASURE_LABELS, labels.RATE_LABELS):
        for pair in table.values():
            for word in pair:
                found.add(word)
                found.add(re.split(r"[（(]", word)[0].strip())  # 满意率（含基本满意） is also read as 满意率
    for code in "ABCDEF":
        found.update({labels.class_label(code, "zh"), labels.class_label(code, "en")})
    found.update({"办理", "承办", "处理", "会后", "handled", "after the meeting", "received"})
    return sorted((w for w in found if w), key=len, reverse=True)


RATE_ENDINGS = ("率", "占比", "rate", "share")

_SESSION_ZH = re.compile(r"[一二三四五六七八九十百]+届人大[一二三四五六七八九十百]+次会议(?:（\d{4}年）)?")
_SESSION_EN = re.compile(r"(?:the )?\d+(?:st|nd|rd|th) (?:Congress, \d+(?:st|nd|rd|th) Session|Session of the \d+"
                         r"(?:st|nd|rd|th) [A-Za-z ]*?People's Congress)(?: \(\d{4}\))?")
_SESSION_ANY = (r"[一二三四五六七八九十百]+届人大[一二三四五六七八九十百]+次会议(?:（\d{4}年）)?|\d+(?:st|nd|rd|th) Congress, "
                r"\d+(?:st|nd|rd|th) Session(?: \(\d{4}\))?")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.\-])([+-]?\d+(?:\.\d+)?)(?!-\d)(?:\s*(%|％|件|个百分点|points?\b))?(?![A-Za-z0-9])")
_SENTENCE_END = re.compile(r"[。！？\n]|(?<!incl)(?<!e\.g)(?<!i\.e)(?<!vs)\.(?=\s|$)")  # "incl." ends no sentence
_CHANGE = re.compile(r"(增加|减少|提高|下降|上升|rose by|fell by|[+-]$)\s*$")
_CONNECTORS = re.compile(r"(?:[\s占有为的是共计约达→，、；：（）():;,.]|\b(?:of|the|and|in|by)\b)+")
_ZH_SKIP_AFTER = re.compile(r"^\s*(个月|月|年|日|天|名|次|届|人|个|倍|位)")


def _kind(unit: str | None, lang: str) -> str:
    if unit in ("%", "％"):
        return "pct"
    if unit == "件":
        return "count"
    if unit and (unit.startswith("point") or unit == "个百分点"):
        return "points"
    return "number"


def _value(text: str) -> str:
    """A number as compared: 92.20 and 92.2 are one value, 100.0 is 100."""
    return format(Decimal(text.lstrip("+")).normalize(), "f") if "." in text else str(int(text))


def _sessions_in(text: str) -> list[re.Match]:
    return sorted([*_SESSION_ZH.finditer(text), *_SESSION_EN.finditer(text)], key=lambda m: m.start())


def _session_key(text: str) -> str:
    """A session as it is compared: its words without the year and the leading 'the'."""
    return re.sub(r"（\d{4}年）| \(\d{4}\)|^the ", "", text.strip())


def _last_body(text: str, bodies: dict[str, str]) -> str | None:
    best, at = None, -1
    for word, body in bodies.items():
        position = text.rfind(word)
        if position > at:
            best, at = body, position
    return best


def _without_bodies(text: str, bodies: dict[str, str]) -> str:
    for word in bodies:
        text = text.replace(word, "")
    text = re.sub(r"（[，、；\s]*", "（", text)
    text = re.sub(r"[，、；\s]*）", "）", text)
    text = re.sub(r"\(\s*[,;]?\s*", "(", text)
    text = re.sub(r"\s*[,;]?\s*\)", ")", text)
    return re.sub(r"（）|\(\)", "", text)


def _measure(text: str, words: list[str]) -> str | None:
    """The measure named nearest the end of ``text`` (the longest word where two end together)."""
    best, end = None, -1
    lowered = text.lower()
    for word in words:
        position = lowered.rfind(word.lower())
        if position >= 0 and position + len(word) > end:
            best, end = word, position + len(word)
    return best


def _plain(text: str) -> str:
    return re.sub(r"[\s，、；：:,;（）()·]+", " ", text).strip()


# ---------------------------------------------------------------------------------------
# The page: parse the HTML into cards, text blocks, tables and charts
# ---------------------------------------------------------------------------------------

@dataclass
class _Table:
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = "zh"
        self.session = ""
        self.cards: list[dict[str, str]] = []
        self.texts: list[str] = []
        self.tables: list[_Table] = []
        self.charts: list[dict] = []
        self.chart_titles: list[list[str]] = []  # the text of each chart's caption, in page order
        self._stack: list[tuple[str, str]] = []  # (tag, class)
        self._buffer: list[str] | None = None
        self._target: tuple[str, str] | None = None
        self._table: _Table | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._script = False
        self._footer = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        css = attributes.get("class") or ""
        if tag == "html":
            self.lang = attributes.get("lang") or "zh"
        if tag == "footer":
            self._footer += 1
        if tag == "script":
            self._script = "sa-chart-data" in css
            self._buffer = [] if self._script else None
        if self._footer:
            return
        if "sa-headline" == css:
            self.cards.append({})
        for part in ("label", "value", "change", "note"):
            if f"sa-headline-{part}" in css:
                self._open(("card", part))
        if "sa-session" in css:
            self._open(("session", ""))
        if tag in ("td", "th", "tr") and self._target is not None and self._target[0] == "cell":
            self.handle_endtag("td")  # a body cell's end tag is implied by the next cell or row (export)
        if tag == "tr" and self._row is not None:
            self.handle_endtag("tr")  # and a row's by the next row
        if tag == "table":
            self._table = _Table()
        elif tag == "caption":
            self._open(("caption", ""))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._open(("cell", ""))
        elif "sa-scroll-cue" in css:
            return  # "swipe to see all 13 columns" is about the table, not a figure of the report
        elif tag in ("p", "li", "aside", "figcaption") and self._table is None and self._target is None:
            self._open(("text", tag))
            if "sa-chart-title" in css:
                self.chart_titles.append(self._buffer)

    def _open(self, target):
        self._target, self._buffer = target, []

    def handle_endtag(self, tag):
        if tag == "footer":
            self._footer -= 1
        if tag == "script" and self._script:
            self.charts.append(json.loads("".join(self._buffer or [])))
            self._script, self._buffer = False, None
            return
        target, text = self._target, "".join(self._buffer or []).strip()
        closes = {"card": ("span",), "session": ("p",), "caption": ("caption",), "cell": ("td", "th"),
                  "text": ("p", "li", "aside", "figcaption")}
        if target and tag in closes[target[0]] and (target[0] != "text" or tag == target[1]):
            self._target, self._buffer = None, None
            if target[0] == "card" and self.cards:
                self.cards[-1][target[1]] = text
            elif target[0] == "session":
                self.session = text
            elif target[0] == "caption" and self._table is not None:
                self._table.caption = text
            elif target[0] == "cell" and self._row is not None:
                self._row.append(text)
            elif target[0] == "text" and text:
                self.texts.append(text)
        if tag in ("tbody", "table") and self._target is not None and self._target[0] == "cell":
            self.handle_endtag("td")  # the last cell's and row's end tags are implied by the body's end
        if tag in ("tbody", "table") and self._row is not None:
            self.handle_endtag("tr")
        if tag == "thead":
            self._in_head = False
        elif tag == "tr" and self._table is not None and self._row is not None:
            if self._in_head:
                self._table.header = self._row
            else:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data):
        if self._buffer is not None:
            self._buffer.append(data)


# ---------------------------------------------------------------------------------------
# Figures from each part of the page
# ---------------------------------------------------------------------------------------

# Columns that say which row a number belongs to, besides its session and body.
_ROW_NAMES = {labels.column_label(c, lang) for c in ("lead_unit", "measure", "category", "topic", "rank", "peer")
              for lang in labels.LANGS} | {"指标", "rate", "share", "项目", "item", "序号", "建议编号", "suggestion id",
                                            "类别", "severity", "原文行", "row"}


class _Reader:
    def __init__(self, page: str, config: dict | None = None):
        self.page = _PageReader()
        self.page.feed(page)
        self.page.close()
        self.bodies = body_words(config)
        self.words = measure_words()
        self.figures: list[Figure] = []

    def add(self, session: str, body: str | None, measure: str, kind: str, value: str, where: str, row: str = ""):
        self.figures.append(Figure(Label(_session_key(session), body or UNNAMED, measure, kind, row), value, where))

    def numbers(self, text: str) -> list[re.Match]:
        found = []
        for match in _NUMBER.finditer(text):
            unit = match.group(2)
            if self.page.lang != "en" and not unit:
                continue  # bare numbers in Chinese text are ids, thresholds, p-values, months
            if self.page.lang == "en" and not unit and ("." in match.group(1) or re.match(
                    r"\s*(months?|years?|cases?\b|kernels?)", text[match.end():])):
                continue
            if _ZH_SKIP_AFTER.match(text[match.end():]) and not unit:
                continue
            if not unit and re.search(r"(?:out of|满分为)\s*$", text[:match.start()]):
                continue  # "a score out of 1": the scale, not a figure
            found.append(match)
        return found

    def label_of(self, words_before: str) -> tuple[str | None, str]:
        """Body and measure named in a label's words."""
        body = _last_body(words_before, self.bodies)
        plain = _without_bodies(words_before, self.bodies)
        return body, (_measure(plain, self.words) or _plain(plain))

    def cards(self) -> None:
        for card in self.page.cards:
            body, measure = self.label_of(card.get("label", ""))
            for i, match in enumerate(self.numbers(card.get("value", ""))):
                kind = _kind(match.group(2), self.page.lang) if i == 0 or match.group(2) else "number"
                self.add(self.page.session, body, measure, kind, _value(match.group(1)),
                         f"card {card.get('label')}: {card.get('value')}")
            self.text(card.get("note", ""), f"card note of {card.get('label')}", body=body)

    def text(self, text: str, where: str, body: str | None = None) -> None:
        start = 0
        for end_match in [*_SENTENCE_END.finditer(text), None]:
            end = end_match.end() if end_match else len(text)
            self.sentence(text[start:end], where, body)
            start = end

    def sentence(self, sentence: str, where: str, body: str | None) -> None:
        named = _sessions_in(sentence)
        compared = next((m.group(0) for m in named if re.search(r"与\s*$|[Cc]ompared with\s*$",
                                                                  sentence[:m.start()])), None)
        previous_end, measure, previous_kind = 0, None, None
        # "由12.21%升至51.11%（十八届人大二次会议→十八届人大三次会议）": the first value is the earlier session's
        moved = re.search(r"[（(]\s*(" + _SESSION_ANY + r")\s*→\s*(" + _SESSION_ANY + r")\s*[）)]", sentence)
        for match in self.numbers(sentence):
            before = sentence[:match.start()]
            window = sentence[previous_end:match.start()]
            for session in named:  # a session's own digits (its year) are not a figure
                if session.start() <= match.start() < session.end():
                    break
            else:
                sessions_before = [m.group(0) for m in named if m.end() <= match.start() and m.group(0) != compared]
                session = sessions_before[-1] if sessions_before else self.page.session
                if compared and re.match(r"\s*(%|％|件|个百分点)?\s*→", sentence[match.end() - 0:]) or (
                        compared and sentence[match.end():].lstrip().startswith("→")):
                    session = compared
                found_body = _last_body(_without_sessions(before), self.bodies) or body
                named_measure = _measure(_without_bodies(window, self.bodies), self.words)
                own_words = _CONNECTORS.sub(" ", _without_bodies(window, self.bodies)).strip()
                kind = _kind(match.group(2), self.page.lang)
                if kind == "number" and self.page.lang == "en":
                    kind = "count"
                after = sentence[match.end():]
                if re.match(r"\s*/\s*\d", after):
                    kind = "fraction count"  # "53/66": a count over its base
                elif re.search(r"\d\s*/\s*$", before):
                    kind = "fraction base"
                # "有86件，占66.7%": the second number is of the measure the first was; new words start a new
                # one. Two numbers of one kind in a row with no words between ("159, 16") are two figures.
                if named_measure or own_words:
                    measure = named_measure or own_words[-20:]
                elif kind == previous_kind and not kind.startswith("fraction"):
                    measure = f"{measure or ''}…{match.start()}"
                measure = measure or ""
                if re.match(r"\s*(?:%|％)?\s*(?:升至|降至|增至|减至|上升到|下降到|→|to\b)", after):
                    if moved:
                        session = moved.group(1)
                    else:  # the value a change started from: of a session the sentence does not name
                        kind = f"from {kind}"
                elif moved and re.search(r"(?:升至|降至|增至|减至|上升到|下降到|→|to)\s*$", before):
                    session = moved.group(2)
                if _CHANGE.search(window):
                    kind = f"change {kind}"
                previous_kind = kind
                self.add(session, found_body, measure, kind, _value(match.group(1)),
                         f"{where}: …{sentence[max(0, match.start() - 30):match.end() + 5]}…")
            previous_end = match.end()

    def texts(self) -> None:
        for text in self.page.texts:
            self.text(text, "paragraph")

    def tables(self) -> None:
        for table in self.page.tables:
            caption_body = _last_body(table.caption, self.bodies)
            for row in table.rows:
                cells = dict(zip(table.header, row))
                session = next((c for c in row if _sessions_in(c) and _sessions_in(c)[0].group(0) == c.strip()),
                               None)
                row_body = next((self.bodies[c] for c in row if c in self.bodies), None)
                # A table about one measure (its caption heads a column: 办复率) names that measure for every row's
                # count, base and interval, as an 指标 column would.
                about = [table.caption] if table.caption and table.caption in table.header else []
                names = " ".join(about + [cells[h] for h in table.header if h in _ROW_NAMES and cells.get(h)])
                for header, cell in cells.items():
                    header_body = _last_body(header, self.bodies)
                    measure = _measure(_without_bodies(header, self.bodies), self.words) or _plain(
                        _without_bodies(header, self.bodies))
                    for i, match in enumerate(self.numbers_in_cell(cell)):
                        kind = _kind(match.group(2), self.page.lang)
                        self.add(session or self.page.session, header_body or row_body or caption_body, measure,
                                 kind if i == 0 else f"{kind}#{i + 1}", _value(match.group(1)),
                                 f"table {table.caption!r} row {row[0]!r} column {header!r}: {cell}", names)

    def numbers_in_cell(self, cell: str) -> list[re.Match]:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*|[0-9a-f]{16,}.*|S\d.*", cell.strip()):
            return []  # dates, hashes, suggestion ids
        return [m for m in _NUMBER.finditer(cell) if not _ZH_SKIP_AFTER.match(cell[m.end():])]

    def charts(self) -> None:
        """Titles still inside a chart's JSON (a page shows them as captions, read with the paragraphs)."""
        for chart in self.page.charts:
            layout = chart.get("layout") or {}
            title = layout.get("title")
            title = (title or {}).get("text", "") if isinstance(title, dict) else str(title or "")
            self.text(re.sub(r"<[^>]+>", " ", title), f"chart title {title!r}")


def _without_sessions(text: str) -> str:
    for match in reversed(_sessions_in(text)):
        text = text[:match.start()] + text[match.end():]
    return text


def page_figures(page: str, config: dict | None = None) -> list[Figure]:
    """Every number a reader sees on ``page`` (cards, paragraphs, notes, tables, chart titles) with its label."""
    reader = _Reader(page, config)
    reader.cards()
    reader.texts()
    reader.tables()
    reader.charts()
    return reader.figures


def chart_titles(page: str) -> list[tuple[str, list[str]]]:
    """Each chart's title and the names of its series and categories (what says whose figures it draws)."""
    reader = _PageReader()
    reader.feed(page)
    captions = ["".join(parts) for parts in reader.chart_titles]
    out = []
    for number, chart in enumerate(reader.charts):
        title = (chart.get("layout") or {}).get("title")
        title = (title or {}).get("text", "") if isinstance(title, dict) else str(title or "")
        title = title or (captions[number] if number < len(captions) else "")
        names = [str(t.get("name") or "") for t in chart.get("data") or []]
        for trace in chart.get("data") or []:
            names += [str(v) for v in (trace.get("y") or []) if isinstance(v, str)]
        out.append((title, names))
    return out


def conflicts(figures: list[Figure]) -> dict[Label, list[Figure]]:
    """Labels that carry more than one value, with every figure under them."""
    by_label: dict[Label, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_label[figure.label].append(figure)
    return {label: found for label, found in by_label.items() if len({f.value for f in found}) > 1}


def is_rate(measure: str) -> bool:
    """True for a measure whose number is a rate or share (办结率, 占比, completion rate …)."""
    return measure.endswith(RATE_ENDINGS) or measure.rstrip("）)").endswith(RATE_ENDINGS) or "率（" in measure


def unnamed_rates(figures: list[Figure]) -> list[Figure]:
    """Rates shown with no body named in their label or sentence."""
    return [f for f in figures if f.label.body == UNNAMED and f.label.kind.startswith(("pct", "change pct"))
            and is_rate(f.label.measure)]
