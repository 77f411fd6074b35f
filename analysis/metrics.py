"""The figures of the yearly analysis, as tidy frames: pure functions, no I/O.

Most results share one long shape, the *figures frame* (``FIGURE_COLUMNS``): one row per
session × handling body × measure × category, with the count, what it is a share of, the
share and its Wilson 95% interval, and where the number came from. A ledger gives figures
counted case by case (``status`` "ledger"); a published report gives figures that are
printed, derived by arithmetic, or unknown (``overview_from_published``). Both feed the
same trends, charts and paragraphs, so a session known only from its printed report still
appears, marked as such.

Nothing here names an outcome class: classes, their order and which ones count as solved
come from the outcome scheme (``analysis.schemes``).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from . import factors, schema, schemes, stats
from . import sessions as _sessions
from .config import load_config
from .errors import ConfigError
from .labels import ScorePart, on_time_start_label, score_part_label
from .labels import congress_level as _level_of_name

# The columns of a figures frame, in display order.
FIGURE_COLUMNS = (
    "session", "year", "handler", "measure", "category", "count", "base", "base_measure",
    "share_pct", "ci_low_pct", "ci_high_pct", "percent_text", "status", "percent_status", "percent_check", "basis",
    "rule", "rule_en", "assumption", "source", "is_sample", "is_total",
)
_FIGURE_DTYPES = {
    "session": "string", "year": "Int64", "handler": "string", "measure": "string", "category": "string",
    "count": "Int64", "base": "Int64", "base_measure": "string", "share_pct": "Float64",
    "ci_low_pct": "Float64", "ci_high_pct": "Float64", "percent_text": "string", "status": "string",
    "percent_status": "string", "percent_check": "string", "basis": "string", "rule": "string", "rule_en": "string",
    "assumption": "string", "source": "string",
    "is_sample": "boolean", "is_total": "boolean",
}

# Measures the session overview holds; the handling rates hold the rest.
OVERVIEW_MEASURES = ("received", "received_after_meeting", "handled", "outcome", "unclassified", "solved")
RATE_MEASURES = ("completed", "replied", "replied_on_time", "replied_on_time_bound", "met", "key_supervision",
                 "satisfied", "basically_satisfied", "unsatisfied", "satisfied_or_basic")

# Headline figures of a session, in report order: (measure, which handlers).
# "each" = every handling body; "" = all bodies together.
HEADLINE = (
    ("received", ""), ("received_after_meeting", ""), ("handled", "each"), ("solved", ""),
    ("solved", "each"), ("completed", ""), ("replied", ""), ("replied_on_time", ""),
    ("satisfied_or_basic", ""), ("satisfied", ""), ("met", ""), ("key_supervision", ""),
)

SCORE_COMPONENTS = {  # each part of a unit's score and the column holding it
    ScorePart.SOLVED_SHARE: "solved_share_pct",
    ScorePart.ON_TIME_SHARE: "on_time_share_pct",
    ScorePart.SATISFACTION_SHARE: "satisfaction_share_pct",
}

COMPLETED_STATUS = "已办结"
SATISFIED, BASICALLY_SATISFIED, UNSATISFIED = schema.SATISFACTION_LEVELS


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def _config(config, data: pd.DataFrame | None = None) -> dict:
    """The settings (``config``, a file, or the default file); fitted to ``data`` when given (``fitted_config``)."""
    cfg = load_config(config) if config is None or isinstance(config, (str, Path)) else config
    return cfg if data is None else fitted_config(cfg, data)


def fitted_config(config: dict, data: pd.DataFrame) -> dict:
    """The settings for ``data``, a ledger or a figures frame: as they are when it holds a configured handling body.

    A ledger or report of another office holds none of them (no 区政府, no 国际港务区): its own bodies stand in their
    place, by name, the largest first (the body a report describes), and there is no port zone, so no page speaks of
    bodies with 0 suggestions that the data never held. Nor is a ledger's congress ours (某区人大常委会, which the loader
    fills in where a ledger names none): its own 报告机关 when it gives one, else none, and a ``level`` (read by
    ``congress_level``): its congress's, else the one its largest body's name gives when that is a government
    (市政府: a city's), else none, so that no level word (区) and no congress name is made up.
    """
    if "handler" not in data.columns or not len(data):
        return config
    found = _bodies_largest_first(data)
    configured = {str(h) for h in config.get("handlers") or []}
    if not found and _published_only(data):
        # printed figures naming no body at all (a report of received counts only: U04): no body of ours, no level
        return {**config, "handlers": [], "port_zone": "", "congress": "", "level": ""}
    if not found or configured & set(found):
        return config
    if "count_value" in data.columns:  # published figures: their congress is the figures check's to say
        return {**config, "handlers": found, "port_zone": ""}
    # A ledger's (or its figures'): nor is it our congress: its own (a 报告机关 column) or, when it names none, no
    # congress, so that no page speaks of a city's or a town's session as 区十七届人大三次会议.
    ours = str(config.get("congress") or "")
    theirs = sorted({str(c) for c in factors.of(data, "congress").labels if str(c).strip() and str(c) != ours}) \
        if "congress" in data.columns else []
    if len(theirs) == 1:
        return {**config, "handlers": found, "port_zone": "", "congress": theirs[0],
                "level": _level_of_name(theirs[0])}
    # else the level its largest body's name gives when that is a government (市政府: a city's), or none; none too
    # when another government it names gives another level (a city's ledger beside a county's report: the city's
    # session is no 县…会议)
    levels = [m.group(1) if (m := re.fullmatch(r"(省|市|区|县)(?:人民)?政府", body)) else "" for body in found]
    one_level = len(set(levels) - {""}) == 1
    return {**config, "handlers": found, "port_zone": "", "congress": "",
            "level": levels[0] if one_level else ""}


def _published_only(data: pd.DataFrame) -> bool:
    """True for a figures frame holding published figures and no ledger's (its ``basis``), or a figures file's."""
    if "count_value" in data.columns:
        return True
    return "basis" in data.columns and len(data) > 0 and bool((data["basis"].astype(str) == "published").all())


def congress_level(config: dict) -> str:
    """The level of the congress the settings describe (区, 市, 县; '' when not known): the ``level`` fitted to another
    office's data (``fitted_config``), else the one the configured congress's name gives."""
    if "level" in config:
        return str(config["level"] or "")
    return _level_of_name(config.get("congress"))


def _bodies_largest_first(data: pd.DataFrame) -> list[str]:
    """The handling bodies ``data`` names, the largest first (a city's 市政府, a town's 镇政府: the body whose outcomes
    a report describes, not the one first in the alphabet), ties by name. Largest: most suggestions in a ledger; in a
    frame of figures, the largest count handled (else received) printed or counted for it."""
    handlers = factors.of(data, "handler")
    codes = handlers.codes
    weights = np.ones(len(codes))
    column = "count_value" if "count_value" in data.columns else "count"  # a published figure's count as a number
    if "measure" in data.columns and column in data.columns:
        counts = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        measure = data["measure"].astype(str).to_numpy()
        for name in ("handled", "received"):
            chosen = (measure == name) & ~np.isnan(counts)
            if chosen.any():
                weights = np.where(chosen, counts, 0.0)
                break
    size = np.zeros(len(handlers.labels))
    np.add.at(size, codes[codes >= 0], weights[codes >= 0])
    return [label for _, label in sorted((-size[i], str(label)) for i, label in enumerate(handlers.labels)
                                         if str(label).strip())]


def _scheme(scheme, cases: pd.DataFrame | None = None, config: dict | None = None) -> schemes.OutcomeScheme:
    if isinstance(scheme, schemes.OutcomeScheme):
        return scheme
    if scheme:
        return schemes.load_scheme(str(scheme))
    if cases is not None and cases.attrs.get("scheme"):
        return schemes.load_scheme(str(cases.attrs["scheme"]))
    return schemes.load_scheme(str(_config(config).get("outcome_scheme", "abc")))


def _column(cases: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """A ledger column in its contract dtype; all-NA when the frame lacks it (optional columns)."""
    if name not in cases.columns:
        if dtype == "datetime":
            return pd.Series(pd.NaT, index=cases.index, dtype="datetime64[ns]")
        return pd.Series(pd.NA, index=cases.index, dtype=dtype)
    series = cases[name]
    if dtype == "datetime":
        if series.dtype.kind == "M":  # dates already (the loader's): to_datetime would copy them as they are
            return series
        return pd.to_datetime(series, errors="coerce")
    if dtype == "string":
        return factors.of(cases, name).series(cases.index, name)
    return series.astype(dtype)


def _true(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


class _Columns:
    """The factors of one ledger frame's text columns, each asked of ``factors.of`` once for a call: it checks
    every row of the column each time it is asked (a tenth of a second on ten million rows)."""

    def __init__(self, cases: pd.DataFrame, whole: tuple["_Columns", np.ndarray] | None = None):
        self.cases = cases
        self.known: dict[str, factors.Factor] = {}
        self.whole = whole  # (the ledger's columns, the rows of it these are) for ``rows``

    def __call__(self, name: str) -> factors.Factor:
        if name not in self.known:
            if self.whole is None:
                self.known[name] = factors.of(self.cases, name)
            else:  # the ledger's codes of these rows: the same labels, no text factorised again
                ledger, keep = self.whole
                factor = ledger(name)
                self.known[name] = factors.Factor(factor.codes[keep], factor.labels)
        return self.known[name]

    def rows(self, keep: np.ndarray, names) -> "_Columns":
        """The columns of the rows ``keep`` (a mask), their factors taken from these; the frame they hold has only
        the columns ``names`` (the other columns' rows are not copied)."""
        return _Columns(self.cases.loc[keep, [c for c in names if c in self.cases.columns]], (self, keep))


class _Masks:
    """Row masks per value of one text column (a ledger may hold a million rows)."""

    def __init__(self, factor: factors.Factor):
        self.codes = factor.codes
        self.position = {label: i for i, label in enumerate(factor.labels)}
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, value: str) -> np.ndarray:
        if value not in self.cache:
            i = self.position.get(value)
            self.cache[value] = self.codes == i if i is not None else np.zeros(len(self.codes), dtype=bool)
        return self.cache[value]

    def any_of(self, values) -> np.ndarray:
        """Rows holding any of the values."""
        out = np.zeros(len(self.codes), dtype=bool)
        for value in values:
            out |= self(value)
        return out

    @functools.cached_property
    def missing(self) -> np.ndarray:
        """Rows where the column is blank."""
        return self.codes == -1


class _Tally:
    """Rows per session (or the total over sessions) and handling body per code of a row: one ``np.bincount``
    over (session, body, code) per coded column, rather than a mask and a count for each session, body and value.

    ``labels`` are the sessions of the ledger in order, then their '+'-joined total when asked for and there
    are several.
    """

    def __init__(self, columns: _Columns, include_total: bool):
        session, handler = columns("session"), columns("handler")
        position = {label: i for i, label in enumerate(session.labels)}
        self.labels = order_sessions(position)
        # a session's row of the table; the total over sessions is every row of a session (not blank)
        self.rows: dict[str, list[int] | slice] = {label: [position[label] + 1] for label in self.labels}
        if include_total and len(self.labels) > 1:
            total = _sessions.canonical_session_or_total("+".join(self.labels)) or "+".join(self.labels)
            self.labels.append(total)
            self.rows.setdefault(total, slice(1, None))
        self.bodies = {label: i for i, label in enumerate(handler.labels)}
        self.sessions = session.codes
        self.shape = (len(session.labels) + 1, len(handler.labels) + 1)  # slot 0: blank session / body
        self.key = (session.codes.astype(np.int64) + 1) * self.shape[1] + (handler.codes + 1)
        self.tables: dict[int, tuple[np.ndarray | None, np.ndarray]] = {}
        self.years: dict | None = None  # the year of each session, once worked out (``_years``)

    def __call__(self, label: str, body: str = "") -> int:
        """Rows of session ``label`` and body ``body`` ("" = every body)."""
        return int(self.by_code(None, 0, label, body).sum())

    def by_code(self, codes: np.ndarray | None, size: int, label: str, body: str = "") -> np.ndarray:
        """Rows of session ``label`` and body ``body`` ("" = every body) per code of ``codes`` (one per row,
        ``size`` codes; None: every row, as one code -1): position 0 counts code -1 (blank), position c + 1 code c."""
        table = self._table(codes, size)[self.rows[label]]
        if body == "":
            return table.sum(axis=(0, 1))
        code = self.bodies.get(body)
        return np.zeros(size + 1, dtype=table.dtype) if code is None else table[:, code + 1].sum(axis=0)

    def where(self, codes: np.ndarray, size: int, label: str, body: str, chosen) -> int:
        """Rows of session ``label`` and body ``body`` whose code is one of ``chosen``."""
        counts = self.by_code(codes, size, label, body)
        return int(sum(int(counts[c + 1]) for c in chosen))

    def per_session(self, codes: np.ndarray, size: int) -> np.ndarray:
        """Rows per session (slot 0: blank) and code of ``codes`` (slot 0: code -1), every body together."""
        counts = np.bincount((self.sessions.astype(np.int64) + 1) * (size + 1) + (codes + 1),
                             minlength=self.shape[0] * (size + 1))
        return counts.reshape(self.shape[0], size + 1)

    def _table(self, codes: np.ndarray | None, size: int) -> np.ndarray:
        entry = self.tables.get(id(codes))
        if entry is None or entry[0] is not codes:
            if codes is None:
                keys = self.key
            else:  # key × (size + 1) + code + 1, in place
                keys = self.key * (size + 1)
                keys += codes
                keys += 1
            counts = np.bincount(keys, minlength=self.shape[0] * self.shape[1] * (size + 1))
            # the codes kept with their table: their id stays their own
            entry = self.tables[id(codes)] = (codes, counts.reshape(*self.shape, size + 1))
        return entry[1]


def _yes_no_codes(values: pd.Series) -> np.ndarray:
    """A yes/no column as a code per row: -1 blank, 0 no, 1 yes."""
    known, yes = values.notna().to_numpy(), _true(values).to_numpy()
    return np.where(known, yes.astype(np.int8), np.int8(-1))


def _flag_codes(*flags: np.ndarray) -> np.ndarray:
    """Row flags as one code per row: bit i set where ``flags[i]`` holds (so one count gives every combination)."""
    codes = np.zeros(len(flags[0]), dtype=np.int8)
    for bit, flag in enumerate(flags):
        codes |= flag.astype(np.int8) << bit
    return codes


def _with_bits(size_bits: int, *, on: int = 0, off: int = 0) -> list[int]:
    """The codes of ``_flag_codes`` (``size_bits`` flags) with every bit of ``on`` set and every bit of ``off`` clear."""
    return [c for c in range(1 << size_bits) if c & on == on and not c & off]


def order_sessions(labels, years: dict | None = None) -> list[str]:
    """Session labels in order of term and number; '+'-joined totals after their last session. Beside periods
    named by year, in order of year when ``years`` (label → year, e.g. ``frame_years``) gives every one's
    (``sessions.sort_keys``, the one rule)."""
    distinct = {str(x) for x in labels if x is not None and x is not pd.NA and str(x)}
    keys = _sessions.sort_keys(distinct, years)
    return sorted(distinct, key=keys.__getitem__)


def frame_years(frame: pd.DataFrame) -> dict:
    """Each session label of a figures frame → its year (the first known in the ``year`` column); {} without one."""
    if frame is None or "year" not in frame.columns or "session" not in frame.columns:
        return {}
    years: dict = {}
    for label, year in zip(frame["session"].tolist(), frame["year"].tolist()):
        if label not in years and year is not None and year is not pd.NA and not pd.isna(year):
            years[str(label)] = year
    return years


def ledger_years(cases: pd.DataFrame, config=None) -> dict:
    """Each session of a ledger → its year as its figures give it (``_count_years``); sessions of no known year left out."""
    if "session" not in cases.columns or not len(cases):
        return {}
    columns = _Columns(cases)
    years = _count_years(cases, _Tally(columns, include_total=False), _config(config, cases))
    return {label: year for label, year in years.items() if year is not pd.NA}


def is_total_label(label: str) -> bool:
    """True for a '+'-joined total over several sessions."""
    return _is_total(str(label))


@functools.lru_cache(maxsize=4096)
def _is_total(label: str) -> bool:
    # asked for every row of every figures frame, of the same few labels
    return len(_sessions.split_total(label)) > 1


def provenance(cases: pd.DataFrame) -> tuple[str, bool]:
    """(source files, is sample data) of a ledger frame, from its provenance or its columns."""
    return _provenance(cases, _Columns(cases))


def _provenance(cases: pd.DataFrame, columns: _Columns) -> tuple[str, bool]:
    records = cases.attrs.get("provenance") or []
    files = [Path(str(r.get("file", ""))).name for r in records if r.get("file")]
    is_sample = any(bool(r.get("is_sample")) for r in records)
    if not files and "source_file" in cases.columns:
        files = sorted({Path(str(f)).name for f in cases["source_file"].dropna().unique()})
    if "data_source" in cases.columns and not is_sample:
        # looked for in the distinct values, not in every row: a ledger may hold a million rows
        is_sample = any(schema.SAMPLE_DATA_MARK in v for v in columns("data_source").labels)
    return (", ".join(dict.fromkeys(files)), is_sample)


def handlers_of(cases: pd.DataFrame | None = None, config: dict | None = None) -> list[str]:
    """Handling bodies in report order: the configured ones, then any others found in the data."""
    return _handlers(config, _Columns(cases) if cases is not None else None)


def _handlers(config, columns: _Columns | None) -> list[str]:
    cfg = _config(config, columns.cases if columns is not None else None)
    ordered = [str(h) for h in cfg.get("handlers", [])]
    if columns is not None and "handler" in columns.cases.columns:
        ordered += sorted(h for h in columns("handler").labels if h not in ordered)
    return ordered


def _configured_year(session: str, cfg: dict):
    """The year config ``session_years`` gives a session (NA for a total, or a session it does not name)."""
    if is_total_label(session):
        return pd.NA
    year = (cfg.get("session_years") or {}).get(session)
    return int(year) if year is not None else pd.NA


def _years(cases: pd.DataFrame, count: _Tally, cfg: dict) -> dict:
    """The year of each of ``count``'s sessions: the year most of its rows give (the earliest of equals), else configured."""
    if count.years is None:
        count.years = _count_years(cases, count, cfg)
    return count.years


def _count_years(cases: pd.DataFrame, count: _Tally, cfg: dict) -> dict:
    """The year of each session: its rows' ``year``, else the configured one, else the year of its assignment dates
    (suggestions are assigned in the year of their session); NA when none of them gives one, and for a total."""
    by_rows = _most_common_year(cases, count, "year")
    by_dates = None
    years = {}
    for label in count.labels:
        year = pd.NA if is_total_label(label) else by_rows.get(label, pd.NA)
        if year is pd.NA and not is_total_label(label):
            year = _configured_year(label, cfg)
        if year is pd.NA and not is_total_label(label):
            if by_dates is None:  # only for a ledger whose years are not given: its dates counted once
                by_dates = _most_common_year(cases, count, "assigned_date")
            year = by_dates.get(label, pd.NA)
        years[label] = year
    return years


def _most_common_year(cases: pd.DataFrame, count: _Tally, column: str) -> dict:
    """Each single session of ``count`` → the year most of its rows give in ``column`` (a year, or dates: their
    year), the earliest of equals; sessions none of whose rows gives one are left out."""
    if column not in cases.columns:
        return {}
    values = cases[column]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = values.dt.year.astype("Int64")
    elif column != "year":
        return {}
    codes, years = _year_codes(values)  # ascending: argmax picks the earliest of equal counts
    per_session = count.per_session(codes, len(years))
    out = {}
    for label in count.labels:
        if is_total_label(label):
            continue
        counts = per_session[count.rows[label]].sum(axis=0)[1:]  # slot 0: rows without a year
        if counts.any():
            out[label] = int(years[counts.argmax()])
    return out


def _year_codes(years: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's year as a code into years ascending (-1 = blank): whole-number years by subtracting the first
    (every year between them a code, those no row gives counted 0), others by factorising."""
    if isinstance(years.dtype, pd.Int64Dtype):
        blank = years.isna().to_numpy()
        numbers = years.to_numpy(dtype=np.int64, na_value=0)
        known = numbers[~blank] if blank.any() else numbers
        if len(known) and known.max() - known.min() < 10_000:
            codes = numbers - known.min()
            codes[blank] = -1
            return codes, np.arange(known.min(), known.max() + 1)
    return pd.factorize(years, sort=True)


def _row(session: str, handler: str, measure: str, category: str, count, base, base_measure: str,
         **extra) -> dict:
    return {"session": session, "handler": handler, "measure": measure, "category": category,
            "count": count, "base": base, "base_measure": base_measure, **extra}


def _frame(rows: list[dict], *, basis: str, source: str, is_sample: bool, years: dict) -> pd.DataFrame:
    """A figures frame from row dicts: shares, Wilson intervals, provenance and dtypes filled in."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return _empty_figures()
    for column, default in (("percent_text", ""), ("rule", ""), ("rule_en", ""), ("assumption", ""),
                            ("status", "ledger"), ("share_pct", pd.NA)):
        if column not in frame.columns:
            frame[column] = default
    # Rows that name no status are plain counts from the ledger; a share has its count's status unless it names its own.
    frame["status"] = frame["status"].fillna("ledger")
    frame["percent_status"] = (frame["percent_status"].fillna(frame["status"]) if "percent_status" in frame.columns
                               else frame["status"])
    frame["basis"] = basis
    # Rows may name their own source (a published figure's paragraph); the rest take the frame's.
    frame["source"] = frame["source"].fillna(source) if "source" in frame.columns else source
    frame["is_sample"] = is_sample
    sessions = frame["session"].tolist()
    frame["year"] = [years.get(s, pd.NA) for s in sessions]
    frame["is_total"] = [is_total_label(s) for s in sessions]
    count = pd.array(frame["count"].tolist(), dtype="Int64")
    base = pd.array(frame["base"].tolist(), dtype="Int64")
    computed = pd.Series(count, dtype="Float64") * 100 / pd.Series(base, dtype="Float64").replace(0, pd.NA)
    given = pd.Series(pd.array(frame["share_pct"].tolist(), dtype="Float64"))
    frame["share_pct"] = computed.fillna(given).to_numpy()
    low, high = stats.wilson_pct(pd.Series(count), pd.Series(base))
    frame["ci_low_pct"] = low.to_numpy()
    frame["ci_high_pct"] = high.to_numpy()
    frame["count"] = count
    frame["base"] = base
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=list(FIGURE_COLUMNS))
    for column, dtype in _FIGURE_DTYPES.items():
        values = out[column]
        if values.dtype == pd.api.types.pandas_dtype(dtype) and not (dtype == "string" and values.hasnans):
            continue  # typed already (a figures frame joined to another): converting would give the same
        if dtype == "string":
            out[column] = values.astype("string").fillna("")
        else:
            out[column] = values.astype(dtype)
    return out.reset_index(drop=True)


def _empty_figures() -> pd.DataFrame:
    return _typed(pd.DataFrame(columns=list(FIGURE_COLUMNS)))


def _sort_figures(frame: pd.DataFrame, scheme: schemes.OutcomeScheme | None = None,
                  handlers: list[str] | None = None) -> pd.DataFrame:
    measure_order = {m: i for i, m in enumerate((*OVERVIEW_MEASURES, *RATE_MEASURES))}
    handler_order = {h: i for i, h in enumerate(["", *(handlers or [])])}
    class_order = {c: i for i, c in enumerate(scheme.codes)} if scheme else {}
    sessions = frame["session"].tolist()
    keys = _sessions.sort_keys(sessions, frame_years(frame))
    keyed = frame.assign(  # from lists: iterating a text column boxes every cell
        _s=[keys[str(s)] for s in sessions],
        _h=[handler_order.get(h, len(handler_order)) for h in frame["handler"].tolist()],
        _m=[measure_order.get(m, len(measure_order)) for m in frame["measure"].tolist()],
        _c=[class_order.get(c, len(class_order)) for c in frame["category"].tolist()],
        # a report's own class wordings stay in the order printed (U16's 得到解决… before 已经予以采纳…), not by name
        _n=["" if m == "outcome" and c not in class_order else c
            for m, c in zip(frame["measure"].tolist(), frame["category"].tolist())],
    )
    keyed = keyed.sort_values(["_s", "_m", "_h", "_c", "handler", "_n"], kind="stable")
    out = keyed.drop(columns=["_s", "_h", "_m", "_c", "_n"]).reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


# ---------------------------------------------------------------------------------------
# Ledger → figures
# ---------------------------------------------------------------------------------------


def session_overview(cases: pd.DataFrame, *, scheme=None, config=None, include_total: bool = True) -> pd.DataFrame:
    """Received, after-meeting, handled per body and outcome classes per body, per session (figures frame).

    Columns are ``FIGURE_COLUMNS``: ``session`` (canonical label, or a '+'-joined total over
    all sessions in the data when ``include_total``), ``year``, ``handler`` ("" = all bodies),
    ``measure`` (received / received_after_meeting / handled / outcome / unclassified / solved),
    ``category`` (the scheme's class code for outcome rows, else ""), ``count``, ``base`` and
    ``base_measure`` (what the share is of: received for a body's handled count, handled for
    outcome classes), ``share_pct`` = count ÷ base × 100, ``ci_low_pct`` / ``ci_high_pct``
    (Wilson 95%), ``percent_text`` (""), ``status`` ("ledger", or "unknown" when the ledger
    does not record it), ``percent_status`` (the share's own status: here the count's; a published
    figure's says whether its percent was printed or derived), ``percent_check`` ("": a published figure's is how the
    figures check explained its printed percent, ``error`` when nothing does), ``basis`` ("ledger"), ``rule`` /
    ``rule_en`` / ``assumption`` (""),
    ``source`` (ledger file names), ``is_sample``, ``is_total``.
    """
    cfg = _config(config, cases)
    columns = _Columns(cases)
    return _session_overview(cases, columns, _scheme(scheme, cases, cfg), cfg, _Tally(columns, include_total))


def _session_overview(cases: pd.DataFrame, columns: _Columns, active: schemes.OutcomeScheme, cfg: dict,
                      count: _Tally, sort: bool = True) -> pd.DataFrame:
    handlers = _handlers(cfg, columns)
    after = _yes_no_codes(_column(cases, "after_meeting", "boolean"))
    outcome = columns("outcome_class")
    position = {label: i for i, label in enumerate(outcome.labels)}
    solved_codes = [c.code for c in active.classes if c.solved]
    solved = {position[code] for code in solved_codes if code in position}  # a class named twice counts once
    classes = len(outcome.labels)
    rows: list[dict] = []
    for label in count.labels:
        received = count(label)
        rows.append(_row(label, "", "received", "", received, pd.NA, ""))
        after_counts = count.by_code(after, 2, label)  # blank, no, yes
        if after_counts[1:].sum():
            rows.append(_row(label, "", "received_after_meeting", "", int(after_counts[2]), received, "received"))
        else:
            rows.append(_row(label, "", "received_after_meeting", "", pd.NA, received, "received",
                             status="unknown"))
        for body in handlers:
            rows.append(_row(label, body, "handled", "", count(label, body), received, "received"))
        for body in ["", *handlers]:
            handled = count(label, body)
            per_class = count.by_code(outcome.codes, classes, label, body)  # slot 0: unclassified
            for code in active.codes:
                n = int(per_class[position[code] + 1]) if code in position else 0
                rows.append(_row(label, body, "outcome", code, n, handled, "handled"))
            rows.append(_row(label, body, "unclassified", "", int(per_class[0]), handled, "handled"))
            rows.append(_row(label, body, "solved", "+".join(solved_codes), int(sum(per_class[i + 1] for i in solved)),
                             handled, "handled"))
    source, is_sample = _provenance(cases, columns)
    frame = _frame(rows, basis="ledger", source=source, is_sample=is_sample, years=_years(cases, count, cfg))
    return _sort_figures(frame, active, handlers) if sort else frame


def end_of_data(cases: pd.DataFrame) -> pd.Timestamp | None:
    """The last date the ledger records (its latest assignment or reply), or None when it records none."""
    latest = [_latest(_column(cases, name, "datetime")) for name in ("assigned_date", "reply_date")]
    latest = [d for d in latest if not pd.isna(d)]
    return pd.Timestamp(max(latest)).normalize() if latest else None


def _latest(dates: pd.Series):
    """``dates.max()``: for dates without a time zone, the greatest of their integers (NaT is the least)."""
    if not (isinstance(dates.dtype, np.dtype) and len(dates)):
        return dates.max()
    values = dates.to_numpy()
    value = values[values.view(np.int64).argmax()]
    return pd.NaT if np.isnat(value) else pd.Timestamp(value)


def resolve_as_of(cases: pd.DataFrame, as_of_date=None) -> pd.Timestamp | None:
    """The as-of date of the on-time rates: the date given, else the end of the data (``end_of_data``)."""
    if as_of_date is not None and not (isinstance(as_of_date, str) and not as_of_date.strip()):
        return pd.Timestamp(as_of_date).normalize()
    return end_of_data(cases)


def reply_deadlines(cases: pd.DataFrame, *, config=None, as_of_date=None) -> pd.DataFrame:
    """Per suggestion (same index as ``cases``): the reply deadline under config ``on_time`` and whether it was met.

    Columns: ``start_date`` (assignment date, or the session's close date from config
    ``session_close_dates`` when ``on_time.start`` is "session_close"), ``months`` (3, or 6
    for ``complex_case``; from config; NA where the flag is not known), ``deadline_date``
    (start + months; a month end is clamped, e.g. 30 Nov + 3 months = 28/29 Feb; a reply on
    the deadline day is on time; NaT where the flag is not known), ``replied`` (a reply date
    is recorded), ``on_time`` (boolean: replied on or before the deadline; NA when there is
    no reply or the verdict is not known), ``overdue_unreplied`` (no reply and the deadline
    is before the as-of date), ``in_on_time_base`` (the one base of the on-time rate: replied
    with a known verdict, or overdue unreplied), ``undetermined`` (left out of the base
    because the verdict turns on a complex flag the ledger does not give).

    The as-of date is ``as_of_date``, or the end of the data (``end_of_data``), so an overdue
    unreplied suggestion is never left out of the base (frame ``attrs["as_of_date"]``, ISO).
    A suggestion whose 复杂建议 is not known (a ledger without the column, or a blank cell in a
    frame built in code; the loader refuses a blank cell in a ledger that has the column) is
    never given the 3-month rule: a reply within ``months`` is on time and one after
    ``complex_months`` late whatever the flag, and so is an unreplied one overdue past
    ``complex_months``; a reply between the two, or an unreplied one with the as-of date
    between them, is ``undetermined`` (the rates give bounds: ``on_time_bounds``).
    """
    d = _deadlines(cases, _config(config), as_of_date)
    out = pd.DataFrame({
        "start_date": d.start,
        "months": d.months,
        "deadline_date": d.deadline,
        "replied": d.replied,
        "on_time": pd.arrays.BooleanArray(d.on_time, ~d.known),
        "overdue_unreplied": d.overdue,
        "in_on_time_base": d.in_base,
        "undetermined": d.undetermined,
    }, index=cases.index)
    out.attrs["as_of_date"] = d.as_of_text
    return out


@dataclass(frozen=True)
class _Deadline:
    """``reply_deadlines`` as one array per row, without the frame (which costs a second on ten million rows)."""

    start: pd.Series
    is_complex: np.ndarray
    rule_months: tuple[int, int]  # (months, complex_months) of the rule
    deadline: pd.Series
    replied: np.ndarray
    has_deadline: np.ndarray
    on_time: np.ndarray  # replied on or before the deadline, whichever it is (False where that is not known)
    overdue: np.ndarray
    as_of: pd.Timestamp | None
    flag_unknown: np.ndarray  # 复杂建议 not known (no such column, or a blank cell): 3 or 6 months not known
    judged: np.ndarray  # replied, and on time or late whatever the flag
    # Flag unknown, and the verdict turns on it: replied between start + months and start + complex_months
    # (on time if complex, late if not), or unreplied with the as-of date between them (overdue if not complex,
    # not yet due if complex).
    undetermined_replied: np.ndarray
    undetermined_unreplied: np.ndarray

    @property
    def months(self):
        """Each row's months to reply within (NA where the complex flag is not known)."""
        months = np.where(self.is_complex, self.rule_months[1], self.rule_months[0])
        if not self.flag_unknown.any():
            return months
        return pd.arrays.IntegerArray(months.astype(np.int64), self.flag_unknown.copy())

    @property
    def known(self) -> np.ndarray:
        """Replied, on time or late whatever the complex flag."""
        return self.judged

    @functools.cached_property
    def in_base(self) -> np.ndarray:
        """The base of the on-time rate: judged replies and the overdue unreplied."""
        return self.judged | self.overdue

    @functools.cached_property
    def undetermined(self) -> np.ndarray:
        """Suggestions whose place in the on-time rate turns on a complex flag the ledger does not give."""
        return self.undetermined_replied | self.undetermined_unreplied

    @property
    def as_of_text(self) -> str:
        return self.as_of.date().isoformat() if self.as_of is not None else ""


def _deadlines(cases: pd.DataFrame, cfg: dict, as_of_date) -> _Deadline:
    rule = cfg.get("on_time") or {}
    start_rule = str(rule.get("start", "assigned"))
    try:
        months = int(rule.get("months", 3))
        complex_months = int(rule.get("complex_months", 6))
    except (TypeError, ValueError):
        raise ConfigError("on_time.months and on_time.complex_months must be whole numbers of months") from None
    if start_rule == "assigned":
        start = _column(cases, "assigned_date", "datetime")
    elif start_rule == "session_close":
        close = {}
        for label, value in (cfg.get("session_close_dates") or {}).items():
            try:
                close[_sessions.canonical_session(label) or str(label)] = pd.Timestamp(str(value))
            except ValueError:
                raise ConfigError(f"session_close_dates: {label}: not a date ({value!r}); "
                                  f"write it as 2024-01-26") from None
        start = pd.to_datetime(_column(cases, "session", "string").map(close), errors="coerce")
    else:
        raise ConfigError(f"on_time.start must be 'assigned' or 'session_close', not {start_rule!r}")
    flag = _column(cases, "complex_case", "boolean")
    is_complex = _true(flag).to_numpy()
    # A flag not known (a ledger without the column, whose loader leaves it blank, or a blank cell in a frame
    # built in code): 3 or 6 months is not known, so neither is the deadline — never the 3-month rule.
    unknown = flag.isna().to_numpy()
    deadline = _plus_months(start, months, complex_months, is_complex, unknown)
    reply = _column(cases, "reply_date", "datetime")
    # Per row as NumPy arrays: a million rows selected and set through a Series' index cost a tenth of a second.
    replied, has_deadline = reply.notna().to_numpy(), deadline.notna().to_numpy()
    # On or before: a reply on the deadline day is on time (a missing date compares as False).
    on_time = np.asarray(reply.array <= deadline.array, dtype=bool)
    judged = replied & has_deadline
    as_of = resolve_as_of(cases, as_of_date)
    if as_of is not None:
        overdue = ~replied & has_deadline & np.asarray(deadline.array < as_of, dtype=bool)
    else:
        overdue = np.zeros(len(cases), dtype=bool)
    nothing = np.zeros(len(cases), dtype=bool)
    pending_replied, pending_unreplied = nothing, nothing
    if unknown.any():
        # Without the flag some verdicts are certain: within the shorter deadline is on time, after the longer
        # late (or overdue, unreplied); between the two the verdict turns on the flag (``_Deadline``).
        shorter = _plus_months(start, months, complex_months, nothing, None).array
        longer = _plus_months(start, months, complex_months, ~nothing, None).array
        dated = unknown & start.notna().to_numpy()
        early = dated & replied & np.asarray(reply.array <= shorter, dtype=bool)
        late = dated & replied & np.asarray(reply.array > longer, dtype=bool)
        on_time = on_time | early
        judged = judged | early | late
        pending_replied = dated & replied & ~early & ~late
        if as_of is not None:
            past_longer = dated & ~replied & np.asarray(longer < as_of, dtype=bool)
            overdue = overdue | past_longer
            pending_unreplied = dated & ~replied & ~past_longer & np.asarray(shorter < as_of, dtype=bool)
    return _Deadline(start, is_complex, (months, complex_months), deadline, replied, has_deadline, on_time, overdue,
                     as_of, unknown, judged, pending_replied, pending_unreplied)


def _plus_months(dates: pd.Series, months: int, complex_months: int, is_complex: np.ndarray,
                 unknown: np.ndarray | None) -> pd.Series:
    """``dates`` + ``months`` calendar months, or ``complex_months`` where ``is_complex`` (a month end clamped);
    NaT where ``unknown``. Worked out once per distinct date, then taken for every row at once."""
    codes, distinct = pd.factorize(dates, use_na_sentinel=True)
    moved = pd.concat([pd.Series(distinct) + pd.DateOffset(months=m) for m in (months, complex_months)],
                      ignore_index=True)
    # each row's slot in ``moved``: its date moved by its months; -1 (NaT) without a date or a known rule
    slot = codes.astype(np.intp)
    np.add(slot, len(distinct), out=slot, where=is_complex & (codes >= 0))
    if unknown is not None:
        slot[unknown] = -1
    return pd.Series(moved.array.take(slot, allow_fill=True), index=dates.index, name=dates.name, copy=False)


def deadline_months(config=None) -> tuple[int, int]:
    """The months of the on-time rule: (``on_time.months``, ``on_time.complex_months``), e.g. (3, 6)."""
    rule = _config(config).get("on_time") or {}
    try:
        return int(rule.get("months", 3)), int(rule.get("complex_months", 6))
    except (TypeError, ValueError):
        raise ConfigError("on_time.months and on_time.complex_months must be whole numbers of months") from None


def deadline_rule_text(config=None, lang: str = "zh") -> str:
    """The on-time rule in words, e.g. '自交办之日起3个月内答复（复杂建议6个月）'."""
    rule = _config(config).get("on_time") or {}
    start = str(rule.get("start", "assigned"))
    months, complex_months = rule.get("months", 3), rule.get("complex_months", 6)
    where = on_time_start_label(start if start == "assigned" else "session_close", lang)
    if lang == "en":
        return f"reply within {months} months {where} ({complex_months} months for complex cases)"
    return f"{where}{months}个月内答复（涉及面广、难度大的建议{complex_months}个月）"


ON_TIME_BASE = "due_by_as_of"  # base_measure of every on-time rate: replied, or past the deadline by the as-of date
# The measure of the two ends (category "low" / "high") of an on-time rate known only as a range: some verdicts
# turn on a 复杂建议 flag the ledger does not give (``reply_deadlines``); its ``replied_on_time`` row is then unknown.
ON_TIME_BOUND = "replied_on_time_bound"


def handling_rates(cases: pd.DataFrame, *, config=None, as_of_date=None, include_total: bool = True,
                   scheme=None) -> pd.DataFrame:
    """Completion, reply, on-time, met-deputy, key-supervision and satisfaction figures per session and body.

    A figures frame (see ``session_overview``) with ``measure`` one of: completed (status
    已办结; base handled — 办结率, never assumed equal to 办复率), replied (a reply date is
    recorded; base handled — 办复率), replied_on_time (base ``ON_TIME_BASE``: the replies
    whose deadline is known and the suggestions still unreplied past their deadline on the
    as-of date, see ``reply_deadlines``; rule in ``rule``; the as-of date in the frame's
    ``attrs["as_of_date"]``; where some verdicts turn on a 复杂建议 flag the ledger does not
    give, the rate is known only as a range: its row is unknown and two ``ON_TIME_BOUND`` rows,
    categories "low" and "high", give the ends, see ``on_time_bounds``), met (见面率),
    key_supervision (重点督办), satisfied / basically_satisfied / unsatisfied and
    satisfied_or_basic (base: suggestions the deputy rated, ``base_measure`` "rated"; the
    share of satisfied is the rate without 基本满意, of satisfied_or_basic the rate with it).
    For yes/no fields the base is the suggestions where the field is filled in
    (``base_measure`` "recorded" when that is fewer than handled). A field the ledger does
    not record at all gives ``status`` "unknown" and an NA count, never 0.
    """
    cfg = _config(config, cases)
    columns = _Columns(cases)
    return _handling_rates(cases, columns, cfg, as_of_date, _Tally(columns, include_total),
                           lambda: _scheme(scheme, cases, cfg))


# The rows' flags of the on-time figures as one code (``_flag_codes``): replied, in the on-time base, on time,
# undetermined replied, undetermined unreplied (``_Deadline``).
_REPLIED, _JUDGED, _ON_TIME, _OPEN_REPLIED, _OPEN_UNREPLIED = 1, 2, 4, 8, 16


def _handling_rates(cases: pd.DataFrame, columns: _Columns, cfg: dict, as_of_date, count: _Tally,
                    scheme, sort: bool = True) -> pd.DataFrame:
    handlers = _handlers(cfg, columns)
    status, satisfaction = columns("status"), columns("satisfaction")
    yes_no = {measure: _yes_no_codes(_column(cases, column, "boolean"))
              for measure, column in (("met", "met_deputy"), ("key_supervision", "key_supervision"))}
    deadlines = _deadlines(cases, cfg, as_of_date)
    replies = _flag_codes(deadlines.replied, deadlines.in_base, deadlines.on_time,
                          deadlines.undetermined_replied, deadlines.undetermined_unreplied)
    rule_zh, rule_en = deadline_rule_text(cfg, "zh"), deadline_rule_text(cfg, "en")
    reply_recorded = "reply_date" in cases.columns and deadlines.replied.any()
    completed = [i for i, label in enumerate(status.labels) if label == COMPLETED_STATUS]
    levels = {"satisfied": [SATISFIED], "basically_satisfied": [BASICALLY_SATISFIED],
              "unsatisfied": [UNSATISFIED], "satisfied_or_basic": [SATISFIED, BASICALLY_SATISFIED]}
    level_codes = {measure: [i for i, label in enumerate(satisfaction.labels) if label in allowed]
                   for measure, allowed in levels.items()}
    rows: list[dict] = []
    for label in count.labels:
        for body in ["", *handlers]:
            handled = count(label, body)
            per_status = count.by_code(status.codes, len(status.labels), label, body)
            rows += _recorded_rows(label, body, "completed", int(per_status[1:].sum()),
                                   int(sum(per_status[i + 1] for i in completed)), handled)
            if reply_recorded:
                rows.append(_row(label, body, "replied", "", count.where(replies, 32, label, body, _with_bits(5, on=_REPLIED)),
                                 handled, "handled"))
                judged = count.where(replies, 32, label, body, _with_bits(5, on=_JUDGED))
                on_time = count.where(replies, 32, label, body, _with_bits(5, on=_ON_TIME))
                open_replied = count.where(replies, 32, label, body, _with_bits(5, on=_OPEN_REPLIED))
                open_unreplied = count.where(replies, 32, label, body, _with_bits(5, on=_OPEN_UNREPLIED))
                if open_replied or open_unreplied:
                    # The rate is known only as a range: no one number, and the two ends as their own rows.
                    rows.append(_row(label, body, "replied_on_time", "", pd.NA, pd.NA, ON_TIME_BASE,
                                     status="unknown", rule=rule_zh, rule_en=rule_en))
                    rows += _on_time_bound_rows(label, body, on_time, judged, open_replied, open_unreplied,
                                                rule_zh, rule_en)
                elif judged:
                    rows.append(_row(label, body, "replied_on_time", "", on_time,
                                     judged, ON_TIME_BASE, rule=rule_zh, rule_en=rule_en))
                else:
                    rows.append(_row(label, body, "replied_on_time", "", pd.NA, pd.NA, ON_TIME_BASE,
                                     status="unknown", rule=rule_zh, rule_en=rule_en))
            else:
                for measure in ("replied", "replied_on_time"):
                    rows.append(_row(label, body, measure, "", pd.NA, handled, "handled", status="unknown"))
            for measure, codes in yes_no.items():
                per_answer = count.by_code(codes, 2, label, body)  # blank, no, yes
                rows += _recorded_rows(label, body, measure, int(per_answer[1:].sum()), int(per_answer[2]), handled)
            per_level = count.by_code(satisfaction.codes, len(satisfaction.labels), label, body)
            n_rated = int(per_level[1:].sum())
            for measure in levels:
                if n_rated:
                    rows.append(_row(label, body, measure, "", int(sum(per_level[i + 1] for i in level_codes[measure])),
                                     n_rated, "rated"))
                else:
                    rows.append(_row(label, body, measure, "", pd.NA, pd.NA, "rated", status="unknown"))
    source, is_sample = _provenance(cases, columns)
    frame = _frame(rows, basis="ledger", source=source, is_sample=is_sample, years=_years(cases, count, cfg))
    bounds = frame["measure"] == ON_TIME_BOUND
    if bounds.any():  # each end of the range is a reading of the flags, not a sample: no interval
        frame.loc[bounds, ["ci_low_pct", "ci_high_pct"]] = pd.NA
    out = _sort_figures(frame, scheme(), handlers) if sort else frame
    out.attrs["as_of_date"] = deadlines.as_of_text
    return out


def _on_time_bound_rows(label: str, body: str, on_time: int, judged: int, open_replied: int, open_unreplied: int,
                        rule_zh: str, rule_en: str) -> list[dict]:
    """The two ends of an on-time rate that turns on complex flags the ledger does not give (``ON_TIME_BOUND``).

    low: every undetermined suggestion late (a reply between the deadlines late, an unreplied one overdue);
    high: every undetermined reply on time and every undetermined unreplied one not yet due (out of the base).
    """
    return [
        _row(label, body, ON_TIME_BOUND, "low", on_time, judged + open_replied + open_unreplied, ON_TIME_BASE,
             rule=rule_zh, rule_en=rule_en),
        _row(label, body, ON_TIME_BOUND, "high", on_time + open_replied, judged + open_replied, ON_TIME_BASE,
             rule=rule_zh, rule_en=rule_en),
    ]


@dataclass(frozen=True)
class OnTimeBounds:
    """An on-time rate known only as a range (``on_time_bounds``)."""

    on_time: int  # on time whatever the flag
    judged: int  # the base of the suggestions whose verdict is known (on time, late, overdue)
    open_replied: int  # replied between start + months and start + complex_months, flag not given
    open_unreplied: int  # unreplied, the as-of date between the two deadlines, flag not given
    low_pct: float  # every undetermined one late
    high_pct: float  # every undetermined reply on time, every undetermined unreplied one not yet due

    @property
    def undetermined(self) -> int:
        return self.open_replied + self.open_unreplied


def on_time_bounds(figures: pd.DataFrame, session: str, handler: str = "") -> OnTimeBounds | None:
    """The range of an on-time rate a figures frame gives only as a range (its ``replied_on_time`` row unknown,
    its two ``ON_TIME_BOUND`` rows the ends); None when the frame gives no range for this session and body."""
    rows = figures[(figures["measure"] == ON_TIME_BOUND) & (figures["session"] == session)
                   & (figures["handler"] == handler)]
    ends = {r.category: r for r in rows.itertuples()}
    if set(ends) != {"low", "high"} or any(pd.isna(ends[k].count) or pd.isna(ends[k].base) for k in ends):
        return None
    low, high = ends["low"], ends["high"]
    on_time, open_replied = int(low.count), int(high.count) - int(low.count)
    open_unreplied = int(low.base) - int(high.base)
    return OnTimeBounds(on_time, int(high.base) - open_replied, open_replied, open_unreplied,
                        float(low.share_pct), float(high.share_pct))


def _recorded_rows(label: str, body: str, measure: str, n_recorded: int, hits: int, handled: int) -> list[dict]:
    """A yes/no figure: count of yes among the filled-in cells; unknown when none is filled in."""
    if n_recorded == 0:
        return [_row(label, body, measure, "", pd.NA, pd.NA, "handled", status="unknown")]
    base_measure = "handled" if n_recorded == handled else "recorded"
    return [_row(label, body, measure, "", hits, n_recorded, base_measure)]


def ledger_figures(cases: pd.DataFrame, *, scheme=None, config=None, as_of_date=None,
                   include_total: bool = True) -> pd.DataFrame:
    """Every figure of a ledger in one figures frame: ``session_overview`` followed by ``handling_rates``.

    ``attrs["as_of_date"]`` is the as-of date of the on-time rates (ISO; ``reply_deadlines``).
    """
    cfg = _config(config, cases)
    active = _scheme(scheme, cases, cfg)
    columns = _Columns(cases)  # each counted column checked, and each count made, once for both halves
    count = _Tally(columns, include_total)
    # each half unsorted: the stable sort of both together orders them as sorting each first would
    rates = _handling_rates(cases, columns, cfg, as_of_date, count, lambda: active, sort=False)
    frame = pd.concat([_session_overview(cases, columns, active, cfg, count, sort=False), rates], ignore_index=True)
    out = _sort_figures(_typed(frame), active, _handlers(cfg, columns))
    out.attrs["provenance"] = list(cases.attrs.get("provenance") or [])
    out.attrs["scheme"] = active.name
    out.attrs["as_of_date"] = rates.attrs.get("as_of_date", "")
    return out


def on_time_replies(cases: pd.DataFrame, *, config=None, as_of_date=None, include_total: bool = True) -> pd.DataFrame:
    """Replies against the deadline rule, per session and body, with the cases the rule cannot judge.

    Columns: ``session``, ``year``, ``handler`` ("" = all), ``handled``, ``replied``,
    ``on_time``, ``late`` (replied after the deadline), ``no_deadline`` (replied but no
    date to count from), ``overdue_unreplied`` (no reply and past the deadline on the
    as-of date: ``as_of_date``, else the end of the data), ``on_time_base`` (on_time + late +
    overdue_unreplied: the same base as every on-time rate, ``reply_deadlines``),
    ``on_time_share_pct`` with ``ci_low_pct`` / ``ci_high_pct`` (Wilson 95%),
    ``deadline_rule`` / ``deadline_rule_en`` (the rule in words), ``basis``, ``source``,
    ``is_sample``, ``is_total``, then ``undetermined`` (left out of the base: the verdict turns on a
    复杂建议 flag the ledger does not give — a reply between the two deadlines, or no reply with
    the as-of date between them), ``undetermined_replied`` (those of them replied),
    ``on_time_low_pct`` / ``on_time_high_pct`` (the rate with every undetermined one late, and with every
    undetermined reply on time and every undetermined unreplied one not yet due). Where ``undetermined``
    is not 0 the rate is known only as that range: ``on_time_share_pct`` and its interval are NA.
    """
    cfg = _config(config, cases)
    columns = _Columns(cases)
    handlers = _handlers(cfg, columns)
    d = _deadlines(cases, cfg, as_of_date)
    # one code per row: replied (1), verdict known (2), on time (4), overdue unreplied (8), undetermined (16)
    replies = _flag_codes(d.replied, d.known, d.on_time, d.overdue, d.undetermined)
    which = {
        "replied": _with_bits(5, on=1), "on_time": _with_bits(5, on=4), "late": _with_bits(5, on=1 | 2, off=4),
        "no_deadline": _with_bits(5, on=1, off=2 | 16), "overdue_unreplied": _with_bits(5, on=8),
        "on_time_base": sorted(set(_with_bits(5, on=1 | 2)) | set(_with_bits(5, on=8))),
        "undetermined": _with_bits(5, on=16), "undetermined_replied": _with_bits(5, on=1 | 16),
    }
    count = _Tally(columns, include_total)
    rows = []
    for label in count.labels:
        for body in ["", *handlers]:
            rows.append({"session": label, "handler": body, "handled": count(label, body),
                         **{name: count.where(replies, 32, label, body, chosen) for name, chosen in which.items()}})
    frame = pd.DataFrame(rows, columns=["session", "handler", "handled", "replied", "on_time", "late",
                                        "no_deadline", "overdue_unreplied", "on_time_base", "undetermined",
                                        "undetermined_replied"])
    for column in frame.columns[2:]:
        frame[column] = frame[column].astype("Int64")
    ranged = frame["undetermined"] > 0
    on_time, base = frame["on_time"].astype("Float64"), frame["on_time_base"].astype("Float64")
    open_replied = frame["undetermined_replied"].astype("Float64")
    frame["on_time_share_pct"] = (on_time * 100 / base.replace(0, pd.NA)).mask(ranged, pd.NA)
    frame["ci_low_pct"], frame["ci_high_pct"] = (
        x.mask(ranged, pd.NA) for x in stats.wilson_pct(frame["on_time"], frame["on_time_base"]))
    low = on_time * 100 / (base + frame["undetermined"].astype("Float64")).replace(0, pd.NA)
    high = (on_time + open_replied) * 100 / (base + open_replied).replace(0, pd.NA)
    extra = {"undetermined": frame.pop("undetermined"), "undetermined_replied": frame.pop("undetermined_replied"),
             "on_time_low_pct": low.where(ranged, frame["on_time_share_pct"]),
             "on_time_high_pct": high.where(ranged, frame["on_time_share_pct"])}
    years = _years(cases, count, cfg)
    frame.insert(1, "year", pd.array([years[s] for s in frame["session"].tolist()], dtype="Int64"))
    frame["deadline_rule"] = deadline_rule_text(cfg, "zh")
    frame["deadline_rule_en"] = deadline_rule_text(cfg, "en")
    source, is_sample = _provenance(cases, columns)
    frame["basis"], frame["source"], frame["is_sample"] = "ledger", source, is_sample
    frame["is_total"] = [is_total_label(s) for s in frame["session"].tolist()]
    text_columns = ["session", "handler", "deadline_rule", "deadline_rule_en", "basis", "source"]
    frame[text_columns] = frame[text_columns].astype("string")
    for name, values in extra.items():
        frame[name] = values
    frame.attrs["as_of_date"] = d.as_of_text
    return frame


def topic_breakdown(cases: pd.DataFrame, *, config=None, by_handler: bool = False,
                    include_total: bool = True) -> pd.DataFrame:
    """Suggestions per topic (类别), per session (and per body when ``by_handler``).

    Columns: ``session``, ``year``, ``handler`` ("" = all bodies), ``topic`` ("" = not
    filled in), ``count``, ``base`` (suggestions received, or handled by the body),
    ``share_pct``, ``ci_low_pct``, ``ci_high_pct``, ``basis``, ``source``, ``is_sample``,
    ``is_total``. Topics follow the order of ``schema.TOPICS``, then others by name.
    """
    cfg = _config(config, cases)
    columns = _Columns(cases)
    topic = columns("topic")
    position = {label: i for i, label in enumerate(topic.labels)}
    ordered = [t for t in schema.TOPICS if t in position] + sorted(set(position) - set(schema.TOPICS))
    bodies = [""] + (_handlers(cfg, columns) if by_handler else [])
    if (topic.codes == -1).any():
        ordered.append("")
    count = _Tally(columns, include_total)
    slots = [0 if name == "" else position[name] + 1 for name in ordered]  # by_code's position of each topic
    rows = []
    for label in count.labels:
        for body in bodies:
            per_topic = count.by_code(topic.codes, len(position), label, body)
            base = count(label, body)
            for name, slot in zip(ordered, slots):
                rows.append({"session": label, "handler": body, "topic": name, "base": base,
                             "count": int(per_topic[slot])})
    frame = pd.DataFrame(rows, columns=["session", "handler", "topic", "count", "base"])
    frame["count"] = frame["count"].astype("Int64")
    frame["base"] = frame["base"].astype("Int64")
    frame["share_pct"] = frame["count"].astype("Float64") * 100 / frame["base"].astype("Float64").replace(0, pd.NA)
    frame["ci_low_pct"], frame["ci_high_pct"] = stats.wilson_pct(frame["count"], frame["base"])
    years = _years(cases, count, cfg)
    frame.insert(1, "year", pd.array([years[s] for s in frame["session"].tolist()], dtype="Int64"))
    source, is_sample = _provenance(cases, columns)
    frame["basis"], frame["source"], frame["is_sample"] = "ledger", source, is_sample
    frame["is_total"] = [is_total_label(s) for s in frame["session"].tolist()]
    for column in ("session", "handler", "topic", "basis", "source"):
        frame[column] = frame[column].astype("string")
    return frame


# ---------------------------------------------------------------------------------------
# Published figures → figures
# ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _int_or_na(value):
    if _text(value) == "":
        return pd.NA
    number = float(value)
    return int(stats.round_half_up(number, 0)) if not number.is_integer() else int(number)


def overview_from_published(figures, *, scheme=None, config=None, source: str = "") -> pd.DataFrame:
    """A figures frame from ``Reconciliation.figures`` (or the Reconciliation): each value printed / derived / unknown.

    Same columns as ``session_overview``; ``basis`` is "published", ``status`` (the count's) and ``rule`` /
    ``rule_en`` / ``assumption`` / ``percent_text`` come from the reconciliation. Shares are
    computed from counts where both the count and its base are known (so they agree with the
    ledger's), otherwise taken from the printed percent. ``percent_status`` is the percent's own:
    printed when the report prints it, derived when it is reached by arithmetic (a share the report
    leaves blank, of a printed or a derived count), whatever the count's status; ``percent_text`` keeps the
    printed percent as printed and ``percent_check`` the checker's convention for it (``error`` when none explains
    it), so that a report shows the figure it printed and marks one that does not match its counts. A "solved" row per body sums the
    scheme's solved classes (derived; unknown when one of them is). ``source`` defaults to the
    frame's ``source_file`` column or ``attrs["source"]``.
    """
    cfg = _config(config)
    active = _scheme(scheme, None, cfg) if scheme else printed_scheme(figures, config=cfg)
    figures = getattr(figures, "figures", figures)  # a Reconciliation or its figures frame
    if figures.empty:
        return _empty_figures()
    data = figures.copy()
    for column in ("handler", "category", "percent_text", "status", "rule", "rule_en", "assumption", "base"):
        data[column] = [_text(v) for v in data[column]] if column in data.columns else ""
    data["session"] = [_sessions.canonical_session_or_total(_text(s)) or _text(s) for s in data["session"]]
    data["count"] = [_int_or_na(v) for v in data["count"]]
    # "闭会"/"会后" only restates what received_after_meeting means; the ledger leaves it blank.
    after = (data["measure"] == "received_after_meeting") & data["category"].str.fullmatch(_AFTER_MEETING_WORDS)
    data.loc[after, "category"] = ""
    files = sorted({Path(_text(f)).name for f in data["source_file"] if _text(f)}) if "source_file" in data else []
    default_source = source or ", ".join(files) or str(figures.attrs.get("source", ""))
    lookup = {(r.session, r.handler, r.measure, r.category): r.count for r in data.itertuples()}
    rows = []
    for r in data.itertuples():
        base_measure, base_handler = _published_base(r.measure, r.handler, r.base)
        # The reconciliation states the base it used; otherwise look the base figure up.
        base = _int_or_na(getattr(r, "base_count", pd.NA))
        if (base_measure, base_handler) == (r.measure, r.handler):
            base_measure, base_handler, base = "", "", pd.NA  # a figure is not a share of itself
        elif base is pd.NA:
            base = lookup.get((r.session, base_handler, base_measure, ""), pd.NA)
        if base is pd.NA and base_measure == "handled" and base_handler == "" and (
                r.session, "", "handled", "") not in lookup:
            # no handled figure at all: the received count stands for it; a handled row left blank says the number
            # handled is not printed (U12: some of the 189 went to 工作参考, not handled), so the base is unknown
            base = lookup.get((r.session, "", "received", ""), pd.NA)
        percent = getattr(r, "percent", pd.NA)
        where = _text(getattr(r, "source", ""))
        row_file = Path(_text(getattr(r, "source_file", ""))).name if _text(getattr(r, "source_file", "")) else ""
        row_source = (source or row_file or default_source) + (f"：{where}" if where else "")
        status = r.status or ("unknown" if r.count is pd.NA else "printed")
        rows.append(_row(r.session, r.handler, r.measure, r.category, r.count, base,
                         base_measure if base_handler in (r.handler, "") else f"{base_measure}@{base_handler}",
                         share_pct=pd.NA if _text(percent) == "" else float(percent),
                         percent_text=r.percent_text, status=status,
                         percent_status=_published_percent_status(r, status, base),
                         percent_check=_text(getattr(r, "check", "")),
                         rule=r.rule, rule_en=r.rule_en, assumption=r.assumption, source=row_source))
    rows += _published_solved(rows, active)
    years = {}
    for label in {row["session"] for row in rows}:
        years[label] = pd.NA if is_total_label(label) else (
            int(cfg["session_years"][label]) if label in (cfg.get("session_years") or {}) else pd.NA)
    if "year" in data.columns:
        for label, year in zip(data["session"], data["year"]):
            if _text(year) and not is_total_label(label):
                years[label] = int(float(year))
    frame = _frame(rows, basis="published", source=default_source, is_sample=False, years=years)
    out = _sort_figures(frame, active, handlers_of(None, cfg))
    out.attrs["scheme"] = active.name  # the pages built on it (trends) show the classes it was read in
    # whose reports these are, as the files name them ("" for a file naming none): the data note says when it is assumed
    out.attrs["congresses"] = sorted({_text(c) for c in data["congress"]}) if "congress" in data.columns else [""]
    return out


def printed_scheme(figures: pd.DataFrame, handler: str | None = None, *, config=None,
                   own: bool = False) -> schemes.OutcomeScheme:
    """The outcome scheme these printed figures use, for ``handler``'s classes (None: every body's).

    A figures frame already read in a scheme (``overview_from_published``'s, in ``attrs``) keeps it; else the scheme
    the printed outcome labels are in: the configured one when they are its codes, else the shipped one they are in (a
    four-class report's D: the trends page showed A/B/C and left D's counts out), else the report's own classes
    (``own``: the figures check names them as printed) or the configured scheme (a page drawing shipped classes).
    """
    frame = getattr(figures, "figures", figures)  # a Reconciliation or its figures frame
    if frame.attrs.get("scheme"):
        return _scheme(None, frame, config)
    configured = _scheme(None, None, _config(config))
    printed = []
    if {"measure", "category"} <= set(frame.columns):
        chosen = frame["measure"] == "outcome"
        rows = frame[chosen if handler is None else chosen & (frame["handler"] == handler)]
        printed = rows["category"]
        if not own and {"session", "handler"} <= set(rows.columns):
            # periods printing codes beside a period printing its own wordings (U13's A–D beside U16's 得到解决…): the
            # columns are the codes' scheme (U13's D kept), the wordings another kind of class (``other_scheme_sessions``)
            coded = [group["category"] for _, group in rows.groupby(["session", "handler"], sort=False)
                     if schemes.infer_scheme(group["category"]).source != "wordings"]
            printed = pd.concat(coded) if coded else printed
    found = schemes.infer_scheme(printed, preferred=configured).scheme
    return found if own or found.name in schemes.available_schemes() else configured


def other_scheme_sessions(figures: pd.DataFrame, handler: str, *, config=None) -> list[str]:
    """The periods whose printed classes of ``handler`` are of another kind than the page's columns
    (``printed_scheme``): a report's own wordings beside A/B/C… (U16's 得到解决或正在实施 38 beside U13's A类 54). Their
    classes are printed, all of them: never 暂缺, never 不全, and not comparable with the columns' classes."""
    codes = set(printed_scheme(figures, config=config).codes)
    rows = figures[(figures["measure"] == "outcome") & (figures["handler"] == handler)
                   & (figures["count"].notna() | figures["share_pct"].notna())
                   & ~figures["session"].map(is_total_label)]
    if "basis" in rows.columns:
        rows = rows[rows["basis"] == "published"]  # a ledger's classes are the scheme's, as it was loaded
    other = {str(s) for s, c in zip(rows["session"], rows["category"]) if str(c) not in codes}
    return order_sessions(other, frame_years(figures)) if other else []


# A wording that only says "raised after the meeting" (闭会, 会后, 闭会期间, 闭会后, 大会闭会后提出…): any of them, not a
# list of the ones seen so far (U14 printed 闭会后, and its page called the 10 printed 未印出).
_AFTER_MEETING_WORDS = re.compile(r"(大会)?(闭会(期间|以后|之后|后)?|会后)(提出|收到|提交)?(的)?(建议)?")


def _published_percent_status(r, status: str, base) -> str:
    """A published figure's percent status: the reconciliation's (printed / derived); a share it leaves unknown that
    the count and its base give here is derived; a frame without the column (an older caller's) gives the count's."""
    if not hasattr(r, "percent_status"):
        return status
    own = _text(r.percent_status)
    if own in ("printed", "derived"):
        return own
    if r.count is not pd.NA and base is not pd.NA and int(base) > 0:
        return "derived"
    return own or ""


def _published_base(measure: str, handler: str, base: str) -> tuple[str, str]:
    """(base measure, base handler) of a published figure: the printed override, else the measure's natural base."""
    if base:
        name, _, at = base.partition("@")
        return name, at
    declared = schema.MEASURE_BY_NAME.get(measure)
    if declared is None or not declared.natural_base:
        return "", ""
    return declared.natural_base, ("" if declared.base_scope == "session" else handler)


def _published_solved(rows: list[dict], scheme: schemes.OutcomeScheme) -> list[dict]:
    """Derived 'solved' rows: the sum of the scheme's solved classes per session and body."""
    solved_codes = [c.code for c in scheme.classes if c.solved]
    if not solved_codes:  # a report's own wordings: which of them count as solved is not known
        return []
    outcome = {}
    for row in rows:
        if row["measure"] == "outcome":
            outcome.setdefault((row["session"], row["handler"]), {})[row["category"]] = row
    extra = []
    label = "+".join(solved_codes)
    for (session, handler), classes in outcome.items():
        parts = [classes.get(code) for code in solved_codes]
        if any(p is None for p in parts):
            continue
        known = all(p["count"] is not pd.NA for p in parts)
        total = sum(int(p["count"]) for p in parts) if known else pd.NA
        status = "unknown" if not known else (
            parts[0]["status"] if len(parts) == 1 else "derived")
        percent_status = "unknown" if not known else (
            parts[0]["percent_status"] if len(parts) == 1 else "derived")  # a sum's share: arithmetic
        one = len(parts) == 1  # one solved class: its share is that class's, as printed and as checked
        extra.append(_row(session, handler, "solved", label, total, parts[0]["base"], parts[0]["base_measure"],
                          percent_text=parts[0].get("percent_text", "") if one else "",
                          percent_check=parts[0].get("percent_check", "") if one else "",
                          status=status, percent_status=percent_status, rule="" if len(parts) == 1 else "解决类各类件数之和",
                          rule_en="" if len(parts) == 1 else "sum of the solved classes",
                          assumption=parts[0].get("assumption", "")))
    return extra


def combine_overviews(ledger: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Figures for trends: the ledger's for every session it holds, published figures for the others.

    Same columns as the inputs; ``basis`` tells which each row rests on. A published total
    over several sessions is dropped when the ledger holds every one of them (the ledger's own
    total then stands for it).
    """
    covered = {s for s in ledger["session"].tolist() if not is_total_label(s)} if len(ledger) else set()
    keep = [not set(_sessions.split_total(s)) <= covered for s in published["session"].tolist()] if len(published) else []
    parts = [frame for frame in (ledger, published.loc[keep] if len(published) else published) if len(frame)]
    if not parts:
        return _empty_figures()
    combined = _typed(pd.concat(parts, ignore_index=True))
    out = _sort_figures(combined, None, handlers_of(None, None))
    # the ledger's attributes (its declared scheme) stand, unless it has no row: then the printed reports' scheme
    out.attrs = {**published.attrs, **ledger.attrs} if len(ledger) else {**ledger.attrs, **published.attrs}
    return out


def port_zone(data: pd.DataFrame, *, config=None) -> str:
    """The port zone of a ledger or figures frame: the configured one, '' for a ledger of another office
    (``fitted_config``) or when none is configured."""
    return str(_config(config, data).get("port_zone") or "")


def outcome_body(figures: pd.DataFrame, *, scheme=None, config=None) -> str:
    """The body whose outcome classes a page shows by default (class columns and rates, class-mix chart, change of the
    solved share): the first configured body with a known count of a class of the scheme in ``figures``; the first
    configured body when none has one ('' when none is configured: all bodies).

    Not simply the first body: beside a ledger, another congress's report may come first with classes in its own
    wordings, and its columns would all be unknown while the ledger's classes went unshown.
    """
    cfg = _config(config, figures)
    bodies = [str(h) for h in cfg.get("handlers") or []]
    codes = list(_scheme(scheme, figures, cfg).codes)
    classed = figures[(figures["measure"] == "outcome") & figures["category"].isin(codes) & figures["count"].notna()]
    held = set(classed["handler"].astype(str))
    return next((body for body in bodies if body in held), bodies[0] if bodies else "")


def port_zone_share(figures: pd.DataFrame, *, config=None) -> pd.DataFrame:
    """The port zone's handled count as a share of received, per session and over the totals present.

    The figures-frame rows of measure "handled" for config ``port_zone`` (same columns),
    sessions first and '+'-joined totals after, each with its Wilson 95% interval.
    """
    zone = str(_config(config, figures).get("port_zone", ""))
    rows = figures[(figures["measure"] == "handled") & (figures["handler"] == zone)]
    return _sort_figures(rows.reset_index(drop=True))


# ---------------------------------------------------------------------------------------
# Change from the previous session, headline figures
# ---------------------------------------------------------------------------------------


def with_change(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with the change from the previous session in the frame (same body, measure, category).

    Adds ``previous_session``, ``previous_count``, ``change_count`` (count − previous count),
    ``previous_share_pct`` and ``change_share_pct_points`` (share − previous share, in
    percentage points). NA for the first session, for totals, and where either value is
    unknown.
    """
    out = figures.copy()
    single = order_sessions((s for s in out["session"].tolist() if not is_total_label(s)), frame_years(out))
    previous = {s: (single[i - 1] if i else "") for i, s in enumerate(single)}
    # the columns as plain lists: a figures frame has thousands of rows, and itertuples boxes every cell
    keys = list(zip(*(out[c].tolist() for c in ("session", "handler", "measure", "category"))))
    index = dict(zip(keys, zip(out["count"].tolist(), out["share_pct"].tolist())))
    prev_session, prev_count, prev_share = [], [], []
    for session, handler, measure, category in keys:
        before = "" if is_total_label(session) else previous.get(session, "")
        prev_session.append(before)
        count, share = index.get((before, handler, measure, category), (pd.NA, pd.NA)) if before else (pd.NA, pd.NA)
        prev_count.append(count)
        prev_share.append(share)
    out["previous_session"] = pd.array(prev_session, dtype="string")
    out["previous_count"] = pd.array(prev_count, dtype="Int64")
    out["change_count"] = out["count"] - out["previous_count"]
    out["previous_share_pct"] = pd.array(prev_share, dtype="Float64")
    out["change_share_pct_points"] = out["share_pct"] - out["previous_share_pct"]
    out.attrs = dict(figures.attrs)
    return out


def headline_figures(figures: pd.DataFrame, *, sessions: list[str] | None = None) -> pd.DataFrame:
    """The headline figures of each session (``HEADLINE``) with the change from the previous session.

    Columns: the figures-frame columns plus those of ``with_change``. Totals are left out;
    ``sessions`` limits the sessions shown (the change still looks at the session before).
    """
    changed = with_change(figures[~figures["is_total"].astype(bool)].reset_index(drop=True))
    wanted = []
    for measure, which in HEADLINE:
        mask = changed["measure"] == measure
        mask &= (changed["handler"] == "") if which == "" else (changed["handler"] != "")
        wanted.append(mask.rename(f"{measure}:{which}"))
    order = pd.concat(wanted, axis=1)
    keep = order.any(axis=1)
    rank = order.to_numpy().argmax(axis=1)
    out = changed.assign(_rank=rank)[keep]
    if sessions:
        out = out[out["session"].isin(list(sessions))]
    keys = _sessions.sort_keys(out["session"].tolist(), frame_years(figures))
    out = out.assign(_s=[keys[str(s)] for s in out["session"].tolist()])
    out = out.sort_values(["_s", "_rank"], kind="stable").drop(columns=["_s", "_rank"]).reset_index(drop=True)
    out.attrs = dict(figures.attrs)
    return out


# ---------------------------------------------------------------------------------------
# Has the class mix changed?
# ---------------------------------------------------------------------------------------


def outcome_table(figures: pd.DataFrame, *, handler: str | None = None, scheme=None, config=None) -> pd.DataFrame:
    """Class counts as a table: one row per session (index), one column per class code (NA when unknown)."""
    cfg = _config(config, figures)
    active = _scheme(scheme, figures, cfg)
    body = outcome_body(figures, scheme=active, config=cfg) if handler is None else handler
    rows = figures[(figures["measure"] == "outcome") & (figures["handler"] == body)
                   & ~figures["is_total"].astype(bool)]
    counts: dict[str, dict] = {code: {} for code in active.codes}
    for session, category, count in zip(rows["session"].tolist(), rows["category"].tolist(), rows["count"].tolist()):
        if category in counts:
            counts[category][session] = count  # the last row of a (session, class) stands, as cell by cell
    table = pd.DataFrame({code: pd.Series(cells, dtype="Int64") for code, cells in counts.items()})
    # Every session with a figure of this body gets a row, so one without class counts shows up as excluded; a session
    # the body has no figure in (another congress's report beside a ledger) is none of its sessions.
    own = figures["handler"] == body
    everyone = order_sessions((s for s in figures.loc[own, "session"].tolist() if not is_total_label(s)),
                              frame_years(figures))
    table = table.reindex(index=everyone, columns=list(active.codes))
    table.index.name, table.columns.name = "session", "category"
    return table.astype("Int64")


def outcome_mix_test(figures: pd.DataFrame, *, handler: str | None = None, scheme=None, config=None,
                     alpha: float = stats.SIGNIFICANCE_LEVEL) -> stats.MixTest:
    """Whether the outcome-class mix of one body (default the first configured with classes) changed across sessions.

    Uses the sessions whose class counts are all known (the others are listed in
    ``excluded_rows``); Pearson's chi-square when every expected count is at least 5,
    otherwise the exact Fisher–Freeman–Halton test, by Monte Carlo when the tables are too
    many to enumerate (see ``stats.mix_change_test``). The result names its body (``body``); the default
    body is the first configured one with a count of a class of the scheme in ``figures`` (``outcome_body``).
    """
    cfg = _config(config, figures)
    body = outcome_body(figures, scheme=scheme, config=cfg) if handler is None else handler
    table = outcome_table(figures, handler=body, scheme=scheme, config=cfg)
    complete = table.notna().all(axis=1)
    excluded = tuple(str(s) for s in table.index[~complete])
    own = figures[(figures["handler"] == body) & figures["session"].isin(list(table.index))]
    # printed reports giving no class in any period (a ledger counts its classes, it prints none)
    printed_none = bool(len(table.index)) and bool(table.isna().all(axis=None)) and _published_only(own)
    other = tuple(s for s in other_scheme_sessions(figures, body, config=cfg) if s in table.index)
    result = stats.mix_change_test(table[complete].astype("int64"), alpha=alpha, body=str(body),
                                   classes_printed=not printed_none or bool(other))
    notes = result.notes
    # the kinds of classes printed: the columns' (a period tested) and each other period's own set of classes
    rows = own[(own["measure"] == "outcome") & own["session"].isin(other)]
    kinds = {frozenset(map(str, group)) for _, group in rows.groupby("session")["category"]}
    if stats.MixNote.FEWER_THAN_TWO_SESSIONS in notes and len(kinds) + bool(len(result.table.index)) >= 2:
        # two periods or more print their classes, in schemes of different kinds: that is why, not "incomplete"
        notes = tuple(stats.MixNote.OTHER_KINDS if n == stats.MixNote.FEWER_THAN_TWO_SESSIONS else n for n in notes)
    return dataclasses.replace(result, notes=notes, other_kind_rows=other,
                               excluded_rows=tuple(s for s in excluded if s not in other))


# ---------------------------------------------------------------------------------------
# Tested changes: which changes a page states, and whether each is beyond chance
# ---------------------------------------------------------------------------------------

# The share measures whose session-to-session change the trends page tests, per body.
TREND_TESTED_MEASURES = ("solved", "completed", "replied", "replied_on_time", "satisfied_or_basic", "satisfied",
                         "met", "key_supervision")

CHANGE_TEST_COLUMNS = (
    "session_before", "session_after", "handler", "measure", "category", "base_measure",
    "count_before", "base_before", "count_after", "base_after", "share_before_pct", "share_after_pct",
    "change_pct_points", "ci_low_pct_points", "ci_high_pct_points", "method", "p_value", "p_holm",
    "family_size", "changed", "note",
)

# Why a stated change carries no test (the ``method`` of its row).
NOT_COMPARABLE = "not_comparable"  # the two shares have different bases: no change is computed
NO_VARIATION = "no_variation"  # both shares 0% or both 100%: nothing to test


@dataclass(frozen=True)
class PageTests:
    """Every test of change a page makes, adjusted together by Holm's method."""

    changes: pd.DataFrame  # CHANGE_TEST_COLUMNS: one row per stated change of a share, tested or not (and why)
    mixes: tuple[stats.MixTest, ...] = ()  # class-mix tests on the same page, one per body
    alpha: float = stats.SIGNIFICANCE_LEVEL

    @property
    def family_size(self) -> int:
        """How many tests the page makes (the m of Holm's adjustment)."""
        return int(self.tested.shape[0]) + sum(1 for m in self.mixes if m.testable)

    @property
    def tested(self) -> pd.DataFrame:
        """The changes that were tested (Fisher's exact test)."""
        return self.changes[self.changes["method"] == stats.METHOD_FISHER_2X2]

    def lookup(self, session_after: str, handler: str, measure: str, category: str = ""):
        """The row of one change (a namedtuple), or None when the page states no such change."""
        hit = self.changes[(self.changes["session_after"] == session_after) & (self.changes["handler"] == handler)
                           & (self.changes["measure"] == measure) & (self.changes["category"] == category)]
        return next(hit.itertuples(), None) if len(hit) else None


def _figure_row(figures: pd.DataFrame, session: str, handler: str, measure: str, category: str | None):
    hit = figures[(figures["session"] == session) & (figures["handler"] == handler) & (figures["measure"] == measure)]
    if category is not None:
        hit = hit[hit["category"] == category]
    return next(hit.itertuples(), None) if len(hit) else None


def _known_share(row) -> bool:
    return (row is not None and not pd.isna(row.count) and not pd.isna(row.base) and int(row.base) > 0
            and row.status != "unknown")


def same_base(before, after) -> bool:
    """True when two figure rows are shares of the same kind of base (so their difference means something)."""
    return _base_kind(before) == _base_kind(after)


def _base_kind(row) -> str:
    # A ledger's yes/no figure is a share of the cases where the field is filled in: "handled" when
    # every case has it, "recorded" when some lack it; one definition either way.
    base = str(row.base_measure)
    return "handled" if base == "recorded" and getattr(row, "basis", "") == "ledger" else base


def change_tests(figures: pd.DataFrame, comparisons, *, mixes=(), alpha: float = stats.SIGNIFICANCE_LEVEL) -> PageTests:
    """Test each (session before, session after, handler, measure, category) change in a share; Holm over all.

    A change is tested (Fisher's exact test, Newcombe 95% interval) when both shares are known
    and of the same base; one with different bases is kept with method ``NOT_COMPARABLE``,
    one where both shares are 0% or both 100% with ``NO_VARIATION``; neither counts in the
    family. Holm's adjustment runs over the tested changes and the testable ``mixes`` together;
    ``changed`` follows the adjusted p-value. ``category`` None takes the row whatever its
    category (the solved share's category names the solved classes).
    """
    records = []
    seen = set()
    for before, after, handler, measure, category in comparisons:
        then = _figure_row(figures, before, handler, measure, category)
        now = _figure_row(figures, after, handler, measure, category)
        if not (_known_share(then) and _known_share(now)):
            continue
        key = (before, after, handler, measure, now.category)
        if key in seen:
            continue
        seen.add(key)
        k0, n0, k1, n1 = int(then.count), int(then.base), int(now.count), int(now.base)
        record = {"session_before": before, "session_after": after, "handler": handler, "measure": measure,
                  "category": now.category, "base_measure": now.base_measure, "count_before": k0,
                  "base_before": n0, "count_after": k1, "base_after": n1, "share_before_pct": k0 * 100 / n0,
                  "share_after_pct": k1 * 100 / n1, "note": ""}
        if not same_base(then, now):
            record.update(method=NOT_COMPARABLE, note=f"{then.base_measure} → {now.base_measure}")
        elif (k0 == 0 and k1 == 0) or (k0 == n0 and k1 == n1):
            record.update(method=NO_VARIATION, change_pct_points=0.0)
        else:
            result = stats.share_change(k0, n0, k1, n1, alpha=alpha)
            record.update(method=stats.METHOD_FISHER_2X2, p_value=result.p_value,
                          change_pct_points=result.difference * 100, ci_low_pct_points=result.ci_low * 100,
                          ci_high_pct_points=result.ci_high * 100)
        records.append(record)
    changes = pd.DataFrame(records, columns=list(CHANGE_TEST_COLUMNS))
    tested = (changes["method"] == stats.METHOD_FISHER_2X2).to_numpy()
    testable_mixes = [m for m in mixes if m.testable]
    raw = list(changes.loc[tested, "p_value"]) + [m.p_value for m in testable_mixes]
    adjusted = stats.holm_adjust(raw)
    family = len(raw)
    changes["p_holm"] = np.nan
    changes.loc[tested, "p_holm"] = adjusted[: int(tested.sum())]
    changes["family_size"] = family
    changes["changed"] = pd.array([bool(p < alpha) if t else pd.NA for p, t in zip(changes["p_holm"], tested)],
                                  dtype="boolean")
    for column in ("count_before", "base_before", "count_after", "base_after", "family_size"):
        changes[column] = changes[column].astype("Int64")
    for column in ("share_before_pct", "share_after_pct", "change_pct_points", "ci_low_pct_points",
                   "ci_high_pct_points", "p_value", "p_holm"):
        changes[column] = changes[column].astype("Float64")
    for column in ("session_before", "session_after", "handler", "measure", "category", "base_measure", "method",
                   "note"):
        changes[column] = changes[column].astype("string").fillna("")
    mix_adjusted = iter(adjusted[int(tested.sum()):])
    adjusted_mixes = tuple(dataclasses.replace(m, p_adjusted=next(mix_adjusted), family_size=family)
                           if m.testable else m for m in mixes)
    return PageTests(changes, adjusted_mixes, alpha)


def consecutive_sessions(figures: pd.DataFrame, sessions: list[str] | None = None) -> list[tuple[str, str]]:
    """(previous, next) pairs of the single sessions in the frame (or of ``sessions``), in order."""
    chosen = order_sessions(sessions if sessions else (s for s in figures["session"].tolist() if not is_total_label(s)),
                            frame_years(figures))
    return list(zip(chosen, chosen[1:]))


def trend_comparisons(figures: pd.DataFrame, sessions: list[str] | None = None, *, config=None) -> list[tuple]:
    """The changes the trends page states: between consecutive sessions, the port zone's share and, for all
    bodies and each body, the shares of ``TREND_TESTED_MEASURES``."""
    cfg = _config(config, figures)
    zone = str(cfg.get("port_zone", ""))
    bodies = ["", *[str(h) for h in cfg.get("handlers", [])]]
    out = []
    for before, after in consecutive_sessions(figures, sessions):
        if zone:
            out.append((before, after, zone, "handled", ""))
        for body in bodies:
            out += [(before, after, body, measure, None) for measure in TREND_TESTED_MEASURES]
    return out


def outcomes_known(figures: pd.DataFrame) -> bool:
    """Whether the page has an outcome class to show: always from a ledger; from printed reports alone, when some
    period gives a class's count or share for some body (none printed: the trends page leaves its class section out,
    and the overview's note under the table names the classes as not printed, once)."""
    if not _published_only(figures):
        return True
    codes = set(printed_scheme(figures).codes)  # a class in the report's own wording is not
    rows = figures[((figures["measure"] == "outcome") & figures["category"].isin(codes))  # drawn: named in the note
                   & ~figures["session"].map(is_total_label)]
    return bool((rows["count"].notna() | rows["share_pct"].notna()).any())


# The rates a trends page of printed reports shows when printed: 办结率, 满意率（含基本满意）, a 满意率 printed alone (满意
# only, T17's), 按期答复率.
PRINTED_RATES = ("completed", "satisfied_or_basic", "satisfied", "replied_on_time")

# The rates a trends page of a ledger shows, for all bodies: 办结率, 满意率（含基本满意）, 按期答复率.
RATE_TREND_MEASURES = ("completed", "satisfied_or_basic", "replied_on_time")


def printed_rates(figures: pd.DataFrame, *, config=None) -> tuple[str, tuple[str, ...]]:
    """(body, rates): the first of ``printed_rates_each`` (all bodies when the reports give a rate for all of them, a
    report printing a rate only for 市政府: 市政府's); ("", ()) when none is printed."""
    found = printed_rates_each(figures, config=config)
    return found[0] if found else ("", ())


def printed_rates_each(figures: pd.DataFrame, *, config=None) -> list[tuple[str, tuple[str, ...]]]:
    """(body, rates) for each body some period of ``figures`` gives a figure of ``PRINTED_RATES`` for: all bodies
    first, then the configured order, then the others; [] when none is printed."""
    known = figures[figures["measure"].isin(PRINTED_RATES) & figures["share_pct"].notna()
                    & ~figures["session"].map(is_total_label)]
    bounds = figures[figures["measure"] == ON_TIME_BOUND]
    configured = [""] + list(handlers_of(None, _config(config, figures)))
    out = []
    for body in configured + sorted(set(map(str, known["handler"])) - set(configured)):
        found = set(known.loc[known["handler"] == body, "measure"])
        if (bounds["handler"] == body).any():
            found.add("replied_on_time")
        if found:
            out.append((body, tuple(m for m in PRINTED_RATES if m in found)))
    return out


def rates_shown_each(figures: pd.DataFrame, *, config=None) -> list[tuple[str, tuple[str, ...]]]:
    """(body, rates) for each body the trends page's rates table and charts show: a ledger's (or a ledger beside
    printed figures) all bodies' ``RATE_TREND_MEASURES``, as always; printed reports alone, each body they print a
    rate for and the rates they print for it (``printed_rates_each``; none: [], and the page leaves the section out)."""
    if not _published_only(figures):
        return [("", RATE_TREND_MEASURES)]
    return printed_rates_each(figures, config=config)


def rate_kinds(figures: pd.DataFrame, handler: str, measure: str) -> list[str]:
    """The kinds (``category``) under which ``handler``'s ``measure`` is given, in order: [""] for a plain rate (a
    ledger's); a report's own wording of it (T17's 首次办理满意率), or two (满意 with the work and with the result)."""
    rows = figures[(figures["handler"] == handler) & (figures["measure"] == measure)]
    return list(dict.fromkeys(str(c) for c in rows["category"])) or [""]


def trend_tests(figures: pd.DataFrame, sessions: list[str] | None = None, *, config=None,
                alpha: float = stats.SIGNIFICANCE_LEVEL) -> PageTests:
    """The trends page's tests: each body's class mix across the sessions and every change of ``trend_comparisons``."""
    cfg = _config(config, figures)
    chosen = order_sessions(sessions, frame_years(figures)) if sessions else None
    frame = figures if not chosen else figures[figures["session"].isin(chosen)]
    mixes = [outcome_mix_test(frame, handler=str(h), config=cfg, alpha=alpha) for h in cfg.get("handlers", [])]
    return change_tests(figures, trend_comparisons(figures, chosen, config=cfg), mixes=mixes, alpha=alpha)


# ---------------------------------------------------------------------------------------
# Handling units
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Performance:
    weights: dict[str, Fraction]  # exact: 0.4 in the config is 2/5, not 0.4000000000000000222
    flag_below: Fraction
    min_cases: int
    caution_below_cases: int


def _exact(value, name: str) -> Fraction:
    """A config number as the exact fraction it is written as (0.6 → 3/5)."""
    if isinstance(value, bool):
        raise ValueError(name)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(name)
        return Fraction(repr(value))
    return Fraction(str(value).strip())


def _performance(cfg: dict) -> _Performance:
    perf = cfg.get("performance") or {}
    weights = perf.get("weights") or {}
    unknown = sorted(set(weights) - set(SCORE_COMPONENTS))
    if unknown:
        raise ConfigError(f"performance.weights: unknown component(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(SCORE_COMPONENTS)}")
    try:
        clean = {k: _exact(v, k) for k, v in weights.items()}
        flag_below = _exact(perf.get("flag_below", "0.6"), "flag_below")
        min_cases = int(perf.get("min_cases", 3))
        caution = int(perf.get("caution_below_cases", 10))
    except (TypeError, ValueError, ZeroDivisionError):
        raise ConfigError("performance: weights and flag_below must be numbers, min_cases and "
                          "caution_below_cases whole numbers") from None
    if any(v < 0 for v in clean.values()) or sum(clean.values()) <= 0:
        raise ConfigError("performance.weights must be non-negative and not all zero")
    return _Performance(clean, flag_below, min_cases, caution)


def unit_table(cases: pd.DataFrame, *, scheme=None, config=None, as_of_date=None,
               sessions: list[str] | None = None) -> pd.DataFrame:
    """Per lead unit (主办单位): counts, solved / on-time / satisfaction shares, the score, its uncertainty, the rank.

    Columns: ``rank``, ``handler``, ``lead_unit`` ("" = not filled in), ``cases``, ``solved``,
    ``on_time``, ``on_time_base`` (the on-time base of ``reply_deadlines``: replied, or overdue
    unreplied on the as-of date, which is ``as_of_date`` or the end of the whole ledger),
    ``rated``, ``satisfied_or_basic``, ``solved_share_pct`` (scheme's solved classes ÷ cases),
    ``on_time_share_pct``, ``satisfaction_share_pct`` (满意 + 基本满意 ÷ rated), ``score``
    (0–1: config ``performance.weights`` × the shares, re-weighted over the components a unit
    has data for), ``score_exact`` (the same as a ``Fraction``: scores are compared exactly),
    ``score_se`` (its standard error, by linearisation over the unit's cases),
    ``score_components``, ``flagged`` (score below ``flag_below`` — a score equal to it is
    not — with at least ``min_cases`` cases), ``note`` / ``note_en``, ``basis``, ``source``,
    ``is_sample``.

    Ranked (``rank`` 1 = best) are the units with a lead unit filled in, a score and at least
    ``min_cases`` cases; equal scores are ordered by more cases first and share a rank only
    when their cases are equal too. The others follow, unranked, each with the reason: a
    blank lead unit is missing data, never a unit. Units with fewer than
    ``caution_below_cases`` cases carry a small-number caveat with their standard error.
    """
    cfg = _config(config, cases)
    active = _scheme(scheme, cases, cfg)
    perf = _performance(cfg)
    # The as-of date of the whole ledger, so a unit's base is the one the session's rate uses.
    as_of = resolve_as_of(cases, as_of_date)
    ledger = _Columns(cases)
    columns = ledger
    if sessions:
        wanted = [s for s in sessions if isinstance(s, str)]
        columns = ledger.rows(_Masks(ledger("session")).any_of(wanted), _DEADLINE_COLUMNS)
    solved_codes = [c.code for c in active.classes if c.solved]
    deadlines = _deadlines(columns.cases, cfg, as_of)
    satisfaction = _Masks(columns("satisfaction"))
    flags = {
        "solved": _Masks(columns("outcome_class")).any_of(solved_codes),
        "on_time": deadlines.on_time,
        "on_time_base": deadlines.in_base,
        "rated": ~satisfaction.missing,
        "satisfied_or_basic": satisfaction.any_of([SATISFIED, BASICALLY_SATISFIED]),
    }
    ranged = bool(deadlines.undetermined.any())
    if ranged:  # only then: a ledger that gives every flag keeps its table as it was
        flags["on_time_undetermined"] = deadlines.undetermined
    table, unit_rows = _sums_by_unit(columns, flags)
    for column in ("cases", "solved", "on_time", "on_time_base", "rated", "satisfied_or_basic",
                   *(("on_time_undetermined",) if ranged else ())):
        table[column] = table[column].astype("Int64")
    for name, (num, den) in _SHARES.items():
        table[name] = table[num].astype("Float64") * 100 / table[den].astype("Float64").replace(0, pd.NA)
    if ranged:
        # Some units' on-time rate is known only as a range (a reply between the two deadlines, the 复杂建议
        # flag not given): no unit is scored on a guessed number, and no unit on a part the others lack, so the
        # on-time part leaves every unit's score (the weights the table states say so: ``attrs``).
        table["on_time_share_pct"] = table["on_time_share_pct"].mask(table["on_time_undetermined"] > 0, pd.NA)
        perf = dataclasses.replace(perf, weights={k: (Fraction(0) if SCORE_COMPONENTS[k] == "on_time_share_pct" else w)
                                                  for k, w in perf.weights.items()})
    exact, used = [], []
    for r in table.itertuples():
        parts = _score_parts(r, perf)
        weight = sum(perf.weights[k] for k in parts)
        exact.append(sum(perf.weights[k] * share for k, share in parts.items()) / weight if parts else None)
        used.append("+".join(parts))
    table["score_exact"] = pd.Series(exact, index=table.index, dtype=object)
    table["score"] = pd.array([None if v is None else float(v) for v in exact], dtype="Float64")
    table["score_se"] = pd.array(_score_standard_errors(table, unit_rows, perf), dtype="Float64")
    table["score_components"] = pd.array(used, dtype="string")
    ranked = [v is not None and r.lead_unit != "" and int(r.cases) >= perf.min_cases
              for v, r in zip(exact, table.itertuples())]
    table["flagged"] = pd.array([ok and v < perf.flag_below for ok, v in zip(ranked, exact)], dtype="boolean")
    notes = [_unit_notes(r, perf, ok) for r, ok in zip(table.itertuples(), ranked)]
    table["note"] = pd.array([zh for zh, _ in notes], dtype="string")
    table["note_en"] = pd.array([en for _, en in notes], dtype="string")
    table = _rank_units(table, ranked)
    source, is_sample = _provenance(cases, ledger)
    table["basis"], table["source"], table["is_sample"] = "ledger", source, is_sample
    for column in ("handler", "lead_unit", "basis", "source"):
        table[column] = table[column].astype("string")
    table.attrs["performance"] = {"weights": {k: float(v) for k, v in perf.weights.items()},
                                  "flag_below": float(perf.flag_below), "min_cases": perf.min_cases,
                                  "caution_below_cases": perf.caution_below_cases}
    table.attrs["as_of_date"] = deadlines.as_of_text
    if ranged:
        table.attrs["on_time_undetermined"] = int(deadlines.undetermined.sum())
    return table


# The columns ``reply_deadlines`` reads (the session for the session-close rule).
_DEADLINE_COLUMNS = ("session", "assigned_date", "complex_case", "reply_date")


_SHARES = {  # score component's share column: (numerator, denominator)
    "solved_share_pct": ("solved", "cases"),
    "on_time_share_pct": ("on_time", "on_time_base"),
    "satisfaction_share_pct": ("satisfied_or_basic", "rated"),
}


def _score_parts(row, perf: _Performance) -> dict[str, Fraction]:
    """The exact share of each weighted component the unit has data for (numerator ÷ denominator)."""
    parts = {}
    for key, weight in perf.weights.items():
        num, den = _SHARES[SCORE_COMPONENTS[key]]
        if weight > 0 and int(getattr(row, den)) > 0:
            parts[key] = Fraction(int(getattr(row, num)), int(getattr(row, den)))
    return parts


def _score_standard_errors(table: pd.DataFrame, rows: "_UnitRows", perf: _Performance) -> list:
    """Standard error of each unit's score by linearisation (the score is a weighted sum of ratios over its cases).

    Case i of a unit with N cases adds z_i = Σ_k w_k (y_ik − p_k b_ik) / (W n_k / N) for each
    component k (y: counted, b: in its base, n_k its base, p_k its share, W the weights
    used); var = Σ z_i² / (N (N − 1)). When every case is in every base this is the plain
    standard error of the mean of the cases' own scores. NA for a single case.

    z_i depends only on the unit and the case's flags, so it is worked out once per unit and
    combination of flags (``rows.flags``) and then given to each case; the squares are summed
    case by case, in the cases' order, as before.
    """
    n_units = len(table)
    cases = table["cases"].to_numpy(dtype=float)
    weights = np.zeros(n_units)
    combinations = np.arange(1 << len(rows.flags))
    parts = {}
    for key, weight in perf.weights.items():
        num, den = _SHARES[SCORE_COMPONENTS[key]]
        base = table[den].to_numpy(dtype=float)
        has = base > 0
        if weight <= 0:
            continue
        weights += np.where(has, float(weight), 0.0)
        parts[key] = (num, den, base, has, float(weight))
    z = np.zeros((n_units, len(combinations)))
    for key, (num, den, base, has, weight) in parts.items():
        share = np.divide(table[num].to_numpy(dtype=float), base, out=np.zeros(n_units), where=has)
        # per case: its contribution to this component's ratio, scaled to the unit's cases
        scale = np.divide(cases, base, out=np.zeros(n_units), where=has)
        y = (combinations >> rows.flags.index(num) & 1).astype(float)
        b = (combinations >> rows.flags.index(den) & 1).astype(float) if den != "cases" else np.ones(len(combinations))
        z += weight * (y - share[:, None] * b) * scale[:, None]
    z /= np.where(weights > 0, weights, 1.0)[:, None]
    per_case = z.reshape(-1)[rows.slot]
    squares = np.bincount(rows.unit, weights=per_case * per_case, minlength=n_units)
    out = []
    for n, ss, w in zip(cases, squares, weights):
        out.append(math.sqrt(ss / (n * (n - 1))) if n > 1 and w > 0 else None)
    return out


def _unit_notes(row, perf: _Performance, ranked: bool) -> tuple[str, str]:
    """Why a unit is not ranked, what its score rests on, and its small-number caveat."""
    zh, en = [], []
    if not row.lead_unit:
        zh.append("主办单位未填写：缺失数据，不参与排名")
        en.append("lead unit not filled in: missing data, not ranked")
    components = [k for k, w in perf.weights.items() if w > 0]
    used = [k for k in str(row.score_components).split("+") if k]
    missing = [k for k in components if k not in used]
    if missing and used:
        zh.append("缺少" + "、".join(score_part_label(k, "zh") for k in missing) + "数据，按其余计分项重新加权")
        en.append("no data for " + ", ".join(score_part_label(k, "en") for k in missing)
                  + "; score re-weighted over the others")
    if not used:
        zh.append("无可计分数据")
        en.append("nothing to score")
    open_cases = getattr(row, "on_time_undetermined", 0)
    if open_cases:
        zh.append(f"{int(open_cases)}件是否按期取决于是否复杂建议（台账未注明），按期答复率只知范围，不计分")
        en.append(f"whether {int(open_cases)} {'was' if open_cases == 1 else 'were'} on time depends on whether "
                  "they are complex, which the ledger does not say: on-time rate known only as a range, not scored")
    if int(row.cases) < perf.min_cases:
        zh.append(f"件数少于{perf.min_cases}件，仅列示不评定")
        en.append(f"fewer than {perf.min_cases} cases: shown, not rated")
    elif ranked and int(row.cases) < perf.caution_below_cases:
        if pd.isna(row.score_se):
            se, se_en = "", ""
        elif float(row.score_se) == 0:
            # Every case scored alike: an estimated standard error of 0 says nothing about so few cases.
            se, se_en = "，各件得分相同，标准误0低估了波动", "; every case scored alike, so a standard error of 0 " \
                                                       "understates the uncertainty"
        else:
            se = f"，得分标准误约{float(row.score_se):.2f}"
            se_en = f"; standard error of the score about {float(row.score_se):.2f}"
        zh.append(f"仅{int(row.cases)}件{se}，排名仅供参考")
        en.append(f"only {int(row.cases)} cases{se_en}: the rank is indicative")
    if bool(row.flagged):
        zh.append(f"得分低于{_threshold_text(perf.flag_below)}")
        en.append(f"score below {_threshold_text(perf.flag_below)}")
    return "；".join(zh), "; ".join(en)


def _threshold_text(value: Fraction) -> str:
    return f"{float(value):g}"


def _rank_units(table: pd.DataFrame, ranked: list[bool]) -> pd.DataFrame:
    """Ranked units first by exact score (best first), then more cases, then name; the unranked after them."""
    scores, cases = table["score_exact"].tolist(), [int(n) for n in table["cases"]]
    names = list(zip(map(str, table["handler"]), map(str, table["lead_unit"])))

    def key(i: int) -> tuple:
        if ranked[i]:
            return (0, -scores[i], -cases[i], *names[i])
        return (1, scores[i] is None, -(scores[i] or 0), -cases[i], *names[i])

    order = sorted(range(len(table)), key=key)
    table = table.iloc[order].reset_index(drop=True)
    ranks: list = []
    for place, i in enumerate(order):
        if not ranked[i]:
            ranks.append(pd.NA)
            continue
        before = order[place - 1] if place else None
        # Competition ranking over (exact score, cases): only a full tie shares a rank.
        tied = before is not None and (scores[before], cases[before]) == (scores[i], cases[i])
        ranks.append(ranks[-1] if tied else place + 1)
    table.insert(0, "rank", pd.array(ranks, dtype="Int64"))
    return table


@dataclass(frozen=True)
class _UnitRows:
    """Per row of the counted cases: its unit (a row of the unit table) and its slot in the (unit, flags) table."""

    flags: tuple[str, ...]  # the flags, bit i of a row's combination being flag i
    unit: np.ndarray
    slot: np.ndarray  # unit × 2**len(flags) + the row's combination of flags


def _sums_by_unit(columns: _Columns, flags: dict[str, np.ndarray]) -> tuple[pd.DataFrame, _UnitRows]:
    """Per (handler, lead unit), blank as "", in order of their text: ``cases`` and the rows of each flag.

    Also, per row of the cases, its unit in the returned frame and its combination of flags.
    """
    handler, lead = columns("handler"), columns("lead_unit")
    # one integer per (handler, lead unit); code 0 of each is the blank
    width = len(lead.labels) + 1
    key = (handler.codes.astype(np.int64) + 1) * width + lead.codes + 1
    if (len(handler.labels) + 1) * width <= 2 * len(key) + 65536:
        # the pairs present, ascending, and each row's among them, by counting (np.unique would sort every row)
        present = np.bincount(key, minlength=(len(handler.labels) + 1) * width)
        keys = np.flatnonzero(present)
        inverse = None
    else:
        keys, inverse = np.unique(key, return_inverse=True)
    names = np.array(["", *handler.labels], dtype=object)[keys // width]
    units = np.array(["", *lead.labels], dtype=object)[keys % width]
    order = sorted(range(len(keys)), key=lambda i: (names[i], units[i]))
    position = np.empty(len(keys), dtype=np.intp)
    position[order] = np.arange(len(keys))
    if inverse is None:  # each pair's row of the table, looked up by the pair's integer
        unit_of_pair = np.zeros(len(present), dtype=np.intp)
        unit_of_pair[keys] = position
        unit = unit_of_pair[key]
    else:
        unit = position[inverse.reshape(-1)]
    combinations = 1 << len(flags)
    slot = unit * combinations + _flag_codes(*flags.values())
    per_combination = np.bincount(slot, minlength=len(keys) * combinations).reshape(len(keys), combinations)
    columns_out = {"handler": pd.array(names[order], dtype="string"), "lead_unit": pd.array(units[order], dtype="string"),
                   "cases": per_combination.sum(axis=1)}
    for bit, name in enumerate(flags):
        columns_out[name] = per_combination[:, _with_bits(len(flags), on=1 << bit)].sum(axis=1)
    return pd.DataFrame(columns_out), _UnitRows(tuple(flags), unit, slot)
