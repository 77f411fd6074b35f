"""The output of a reconciliation: the figures frame, the findings frame, JSON."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from dataclasses import dataclass, field

import pandas as pd

from .. import schema, sessions
from .model import SEVERITIES, Figure, FigureKey, State

FIGURE_COLUMNS = (
    "report", "congress", "session", "year", "handler", "measure", "category", "category_printed",
    "count", "count_qualifier", "count_printed", "count_status",
    "percent", "percent_text", "percent_qualifier", "percent_printed", "percent_status", "check", "verdict",
    "base", "base_count", "status", "rule", "rule_en", "rule_name", "assumption",
    "source_file", "source_row", "input_rows", "source",
)
FINDING_COLUMNS = (
    "severity", "report", "congress", "session", "handler", "measure", "category", "message", "message_en",
    "convention", "source_file", "source_row", "assumption",
)
_INT_COLUMNS = ("year", "count", "base_count", "source_row")
FIGURE_DTYPES = {name: "Int64" if name in _INT_COLUMNS else "Float64" if name == "percent" else "string"
                 for name in FIGURE_COLUMNS}
FINDING_DTYPES = {name: "Int64" if name == "source_row" else "string" for name in FINDING_COLUMNS}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class Reconciliation:
    """The completed table of figures and the findings about them."""

    figures: pd.DataFrame
    findings: pd.DataFrame
    scheme: str = ""
    files: tuple[str, ...] = ()
    schemes: list[dict] = field(default_factory=list)  # the outcome scheme read for each report and body

    @property
    def has_errors(self) -> bool:
        """True when any finding has severity error."""
        return bool((self.findings["severity"] == "error").any()) if len(self.findings) else False

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        found = Counter(self.findings["severity"]) if len(self.findings) else Counter()
        return {s: int(found.get(s, 0)) for s in SEVERITIES}

    def to_json(self) -> dict:
        """{"files", "schemes", "figures", "findings"} with JSON-safe values (null, never NaN); a congress the file
        does not name is null."""
        return {"files": list(self.files), "schemes": [{**s, "congress": s["congress"] or None} for s in self.schemes],
                "figures": _records(self.figures), "findings": _records(self.findings)}


def combine(results: list[Reconciliation]) -> Reconciliation:
    """Several reconciliations (one per report) as one."""
    if len(results) == 1:
        return results[0]
    figures = pd.concat([r.figures for r in results], ignore_index=True) if results else empty_figures()
    findings = pd.concat([r.findings for r in results], ignore_index=True) if results else empty_findings()
    names = list(dict.fromkeys(r.scheme for r in results if r.scheme))
    return Reconciliation(figures=_typed_figures(figures), findings=_typed_findings(_ordered(findings)),
                          scheme="、".join(names), files=tuple(f for r in results for f in r.files),
                          schemes=[s for r in results for s in r.schemes])


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: None if k == "congress" and not v else _json_value(v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def with_report(frame: pd.DataFrame, report: str) -> pd.DataFrame:
    """The frame with every row's ``report`` set: the file (or the files read together) it belongs to."""
    frame["report"] = pd.array([report] * len(frame), dtype=frame["report"].dtype)
    return frame


def report_name(files) -> str:
    """A report's name: its file, or the files read together as one report joined by ' + '."""
    return " + ".join(files)


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
# Figures
# ---------------------------------------------------------------------------------------


def _sort_key(state: State, key: FigureKey, periods: dict) -> tuple:
    names = [m.name for m in schema.MEASURES]
    measure_rank = names.index(key.measure) if key.measure in schema.MEASURE_BY_NAME else 99
    return (key.congress, periods[key.congress][key.session], state.handler_order.get(key.handler, 999),
            measure_rank, state.category_order.get(key.category, 999), key.category)


def _period_keys(state: State) -> dict:
    """Congress → the sort key of each of its periods (``sessions.sort_keys``: by year beside periods named by year,
    when the figures give every one's year)."""
    labels: dict = {}
    years: dict = {}
    for key, figure in state.figures.items():
        labels.setdefault(key.congress, []).append(key.session)
        if figure.year is not None and not pd.isna(figure.year):
            years.setdefault(key.congress, {}).setdefault(key.session, figure.year)
    return {congress: sessions.sort_keys(found, years.get(congress, {})) for congress, found in labels.items()}


def figures_frame(state: State) -> pd.DataFrame:
    """One row per figure (see the package docstring for the columns)."""
    periods = _period_keys(state)
    rows = [_figure_row(state, state.figures[key])
            for key in sorted(state.figures, key=lambda k: _sort_key(state, k, periods))]
    return _typed_frame(rows, FIGURE_DTYPES)


def empty_figures() -> pd.DataFrame:
    """A figures frame with no rows."""
    return _typed_figures(pd.DataFrame(columns=list(FIGURE_COLUMNS)))


def _typed_frame(rows: list[dict], dtypes: dict[str, str]) -> pd.DataFrame:
    """Rows as a frame of the given columns and dtypes, each column built in its dtype (a reconciliation has a few
    dozen rows: casting a frame of objects column by column cost three times as much, per report of the peers page)."""
    # each dtype name looked up once, not once a column (the lookup was a third of the time); looked up now, not at
    # import, as "string" follows the string-storage option (analysis.pandas_options) set when it is used
    found = {dtype: pd.api.types.pandas_dtype(dtype) for dtype in set(dtypes.values())}
    return pd.DataFrame({name: pd.array([row[name] for row in rows], dtype=found[dtype])
                         for name, dtype in dtypes.items()})


def _typed_figures(frame: pd.DataFrame) -> pd.DataFrame:
    for name, dtype in FIGURE_DTYPES.items():
        frame[name] = frame[name].astype(dtype)
    return frame


def _percent_fields(figure: Figure) -> tuple:
    """(percent, text, qualifier, status, assumptions, inputs) of a figure."""
    exact = figure.exact_percent()
    if exact is not None:
        return (exact.number.value, exact.number.text, "", "printed", set(exact.assumptions), {exact.ref})
    if figure.share is not None:
        return (float(figure.share.value), figure.share.text, "", "derived", set(figure.share.assumptions),
                set(figure.share.inputs))
    if figure.percents:
        first = figure.percents[0].number
        same = all(p.number.text == first.text for p in figure.percents)
        return (first.value if same else None, first.text if same else "", first.qualifier if same else "",
                "printed", {a for p in figure.percents for a in p.assumptions}, {p.ref for p in figure.percents})
    return (None, "", "", "" if figure.base is None else "unknown", set(), set())


def _figure_row(state: State, figure: Figure) -> dict:
    base = state.figures.get(figure.base) if figure.base is not None else None
    count, count_qualifier = figure.value, ""
    if count is None and figure.counts and len({p.number.text for p in figure.counts}) == 1:
        count_qualifier = figure.counts[0].number.qualifier  # a bound or approximation: count stays NA
    if figure.count is not None:
        count_status = figure.count.status
    else:
        count_status = "printed" if figure.counts else "unknown"
    percent, percent_text, percent_qualifier, percent_status, percent_assumptions, percent_inputs = \
        _percent_fields(figure)
    if count_status != "unknown":
        status = count_status
    else:
        status = percent_status if percent_status in ("printed", "derived") else "unknown"
    derived = figure.count is not None and figure.count.status == "derived"
    rules_zh = [r for r in (figure.count.zh if derived else "", figure.share.zh if figure.share else "") if r]
    rules_en = [r for r in (figure.count.en if derived else "", figure.share.en if figure.share else "") if r]
    assumptions = set(figure.count.assumptions if figure.count else ()) | percent_assumptions
    if count_status == "printed" and figure.count is None:
        assumptions |= {a for p in figure.counts for a in p.assumptions}
    inputs = set(figure.count.inputs if figure.count else ()) | percent_inputs | set(figure.refs)
    files = {f for f, _ in inputs}
    if len(files) <= 1:
        input_rows = ", ".join(str(r) for r in sorted(r for _, r in inputs if r is not None))
    else:
        input_rows = ", ".join(f"{f}:{r}" for f, r in sorted(inputs, key=lambda x: (x[0], x[1] or 0)))
    ref = figure.ref
    return {
        "report": "", "congress": figure.key.congress, "session": figure.key.session, "year": figure.year,
        "handler": figure.key.handler, "measure": figure.key.measure, "category": figure.key.category,
        "category_printed": "；".join(figure.labels),
        "count": count, "count_qualifier": count_qualifier,
        "count_printed": "；".join(p.number.text for p in figure.counts), "count_status": count_status,
        "percent": percent, "percent_text": percent_text, "percent_qualifier": percent_qualifier,
        "percent_printed": "；".join(p.number.text for p in figure.percents), "percent_status": percent_status,
        "check": figure.check,
        "verdict": figure.verdict_shown(),
        # a list's percents of the list's own sum (returned forms): that sum is the base, not the natural one
        "base": LISTED_BASE if figure.base_override is not None else _base(figure.base),
        "base_count": figure.base_override if figure.base_override is not None else
        base.value if base is not None else None,
        "status": status, "rule": "；".join(rules_zh), "rule_en": "; ".join(rules_en),
        "rule_name": figure.count.rule if derived else "",
        "assumption": state.joined(assumptions),
        "source_file": ref.file if ref else "", "source_row": ref.row if ref else None,
        "input_rows": input_rows, "source": "；".join(figure.sources),
    }


LISTED_BASE = "listed"  # the ``base`` of a figure whose printed percent is of the sum of its list


def _base(base: FigureKey | None) -> str:
    if base is None:
        return ""
    return base.measure + (f"@{base.handler}" if base.handler else "") + (f"（{base.category}）" if base.category else "")


# ---------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------


def findings_frame(state: State) -> pd.DataFrame:
    """One row per finding, errors first, then by congress, period and row."""
    rows = [{
        "severity": f.severity, "report": "", "congress": f.key.congress, "session": f.key.session, "handler": f.key.handler,
        "measure": f.key.measure, "category": f.key.category, "message": f.zh, "message_en": f.en,
        "convention": f.convention, "source_file": f.ref.file if f.ref else "",
        "source_row": f.ref.row if f.ref else None, "assumption": state.joined(f.assumptions),
    } for f in state.findings]
    return _typed_frame(sorted(rows, key=_finding_order), FINDING_DTYPES)


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows."""
    return _typed_findings(pd.DataFrame(columns=list(FINDING_COLUMNS)))


def _finding_order(row: dict) -> tuple:
    """Errors first, then by congress, period and row."""
    return (_SEVERITY_RANK[row["severity"]], str(row["congress"]),
            sessions.session_sort_key(row["session"]) if row["session"] else (),
            row["source_row"] if row["source_row"] is not None and not pd.isna(row["source_row"]) else 10 ** 9)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    keys = [_finding_order(r) for r in frame.to_dict(orient="records")]
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    return frame.iloc[order].reset_index(drop=True)


def _typed_findings(frame: pd.DataFrame) -> pd.DataFrame:
    for name, dtype in FINDING_DTYPES.items():
        frame[name] = frame[name].astype(dtype)
    return frame


def error_findings(problems) -> pd.DataFrame:
    """Findings for input that could not be read: one error per problem, naming the file, row and message."""
    rows = [{
        "severity": "error", "report": Path(p.file).name if p.file else "", "congress": "", "session": "", "handler": "", "measure": "", "category": "",
        "message": p.message + (f"（列「{p.column}」）" if p.column else "")
        + (f"：'{p.value}'" if p.value is not None else ""),
        "message_en": (p.message_en or p.message) + (f" (column {p.column!r})" if p.column else "")
        + (f": {p.value!r}" if p.value is not None else ""),
        "convention": p.code or "unreadable", "source_file": Path(p.file).name if p.file else "",
        "source_row": p.row, "assumption": "",
    } for p in problems if p.severity == "error"]
    return _typed_findings(pd.DataFrame(rows, columns=list(FINDING_COLUMNS)))
