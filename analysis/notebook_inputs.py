"""What every report notebook does first: turn its parameters into files, frames and sessions.

A notebook's parameters cell holds literal defaults only (``ledger_files = []`` …); this module
resolves them, in one place, so the five notebooks read their inputs the same way:

- ``ledger_files`` empty → the bundled sample ledger (sample data; every report says so).
- ``figures_files`` empty → the source document's published figures, but only when the ledger
  is the bundled sample too: a user's own ledger is never mixed with the sample district's
  printed figures. The published-figures check reads them whatever the ledger.
- ``pseudonymise`` → deputies' names replaced by stable pseudonyms (``analysis.privacy``)
  before anything is computed or shown.
- Inside a run (``python -m analysis run``) every file is read from the run's snapshot of it
  (``analysis.sources``): the bytes the runner hashed when the run started, whatever happens to
  the user's file meanwhile. Messages, ``source_file`` and page footers still name the user's file.
  The run's ``--session`` (the session of a ledger that names none) and ``--scheme`` (the outcome
  scheme of ledgers and published figures) apply as they did when the runner read the files.
- ``session`` / ``sessions`` → canonical labels found in the data (empty = the latest / all),
  or a ``DataError`` naming the sessions there are.

Parameters are a contract. A notebook's parameters cell declares each one with its type and a
comment (``session: str = ""  # …``), which ``papermill --help-notebook`` lists; the cell after it
calls ``check_parameters(globals())`` first, which stops the notebook with one line when papermill
injected a name the cell does not declare (``-p sesion x``) or a value of the wrong kind.

Nothing here computes a figure: ``report_figures`` only chooses which frames of
``analysis.metrics`` a report combines.
"""
from __future__ import annotations

import ast
import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from . import factors, labels, load, metrics, paths, privacy, schema, sources
from . import sessions as _sessions
from .config import load_config
from .errors import DataError, Problem

if typing.TYPE_CHECKING:
    from . import reconcile

PARAMETERS = "笔记本参数 (notebook parameters)"  # the "file" a parameter problem points at
INJECTED_HEADER = "# Parameters"  # the first line of the cell papermill injects after the parameters cell


@dataclass(frozen=True)
class Inputs:
    """The files a report reads and what was loaded from them."""

    ledger_files: tuple[Path, ...]
    figures_files: tuple[Path, ...]
    cases: pd.DataFrame  # one row per suggestion (``load.load_cases``)
    reconciliation: reconcile.Reconciliation | None  # of the published figures; None when there are none
    published: pd.DataFrame  # figures frame of the published figures (empty when there are none)
    config: dict

    @property
    def is_sample(self) -> bool:
        """True when any ledger read is sample data."""
        return metrics.provenance(self.cases)[1]


def _problem(column: str, value: object, message: str, message_en: str, allowed: str | None = None,
             code: str = "invalid_parameter") -> Problem:
    return Problem(file=PARAMETERS, column=column, value=None if value is None else str(value),
                   message=f"{message} / {message_en}", message_en=message_en, allowed=allowed, code=code)


# ---------------------------------------------------------------------------------------
# The parameters contract
# ---------------------------------------------------------------------------------------

# What a value of each declared type may be, and the words saying so. A papermill user types
# ``-p ledger_files a.csv`` for a one-file list, and papermill reads ``-p session 2023`` as a number.
_KINDS: dict[object, tuple[typing.Callable[[object], bool], str, str, str]] = {
    str: (lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool), "文本", "text",
          '"十八届人大二次会议"'),
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "整数", "a whole number", "10"),
    float: (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "数", "a number", "0.1"),
    bool: (lambda v: isinstance(v, bool), "True 或 False", "True or False", "True / False"),
    list: (lambda v: isinstance(v, (str, list, tuple)) and all(isinstance(x, (str, Path)) for x in
                                                                ([v] if isinstance(v, str) else v)),
           "文本的列表", "a list of text", '["台账.xlsx"]'),
    list[int]: (lambda v: all(isinstance(x, int) and not isinstance(x, bool) for x in
                              (v if isinstance(v, (list, tuple)) else [v])), "整数的列表", "a list of whole numbers",
                "[2019, 2020]"),
}

# Values a parameter may hold beyond its type; the rest are checked where they are used (a session
# against the data, the draw's fraction, size, seed and strata by ``sampling``).
_VALUES: dict[str, tuple[typing.Callable[[object], bool], str]] = {
    "lang": (lambda v: v in labels.LANGS, " / ".join(f'"{code}"' for code in labels.LANGS)),
    "top": (lambda v: v >= 0, "0（全部 all）或正整数 or a whole number > 0"),
}


def _kind(annotation: object) -> object:
    """``list[int]`` as it is (its items are checked); ``list[str]`` → list; a plain type as it is."""
    return annotation if annotation in _KINDS else typing.get_origin(annotation) or annotation


def injected_names(history: list[str]) -> list[str]:
    """The names papermill injected, when the cell run just before the current one is its injected cell.

    ``history`` is the kernel's input history (IPython's ``In``): its last entry is the cell
    running now. Outside papermill (JupyterLab, nbval) the cell before it is the parameters cell
    itself, or any cell a person ran: nothing was injected.
    """
    if len(history) < 2 or not str(history[-2]).lstrip().startswith(INJECTED_HEADER):
        return []
    try:
        tree = ast.parse(str(history[-2]))
    except SyntaxError:
        return []
    return [target.id for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)]


def check_parameters(namespace: Mapping[str, object]) -> None:
    """DataError, one line, for a parameter the notebook does not declare or a value it cannot take.

    Called first in the cell after the parameters cell, with ``globals()``: the declared
    parameters are the parameters cell's annotated names (``session: str = ""``); papermill's
    injected cell assigns without annotations, so a name it adds that the cell does not declare
    (``-p sesion x``) is found by comparing the two.
    """
    declared = dict(namespace.get("__annotations__") or {})
    for name in injected_names(list(namespace.get("In") or [])):
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint_zh, hint_en = (f"，是不是 {close[0]}？", f"; did you mean {close[0]}?") if close else ("", "")
            raise DataError(_problem(name, namespace.get(name), f"本笔记本没有这个参数{hint_zh}",
                                     f"this notebook has no such parameter{hint_en}", "、".join(declared),
                                     code="unknown_parameter"))
    for name, annotation in declared.items():
        if name not in namespace:
            continue
        value = namespace[name]
        accepts, zh, en, example = _KINDS.get(_kind(annotation), (lambda v: True, "", "", ""))
        if not accepts(value):
            raise DataError(_problem(name, value, f"须为{zh}", f"must be {en}", example))
        allowed, words = _VALUES.get(name, (lambda v: True, ""))
        if not allowed(value):
            raise DataError(_problem(name, value, "不是允许的值", "not an allowed value", words))


def _as_list(files, column: str) -> list[Path]:
    """A parameter holding file paths: a list, or one path as text (``papermill -p ledger_files x.csv``)."""
    if files is None or files == "":
        return []
    if isinstance(files, (str, Path)):
        files = [files]
    if not isinstance(files, (list, tuple)):
        raise DataError(_problem(column, files, "须为文件路径的列表", "expected a list of file paths",
                                 '["台账.xlsx"]'))
    return [Path(str(f)).expanduser() for f in files if str(f).strip()]


def _in_run(files: list[Path]) -> list[load.InputFile]:
    """Each file as the loader reads it: the run's snapshot of it (and the sheet the run read) inside a run."""
    snapshots = sources.run_snapshots()
    inputs = []
    for file in files:
        found = snapshots.get(str(file.absolute())) or snapshots.get(str(file.resolve()))
        inputs.append(load.InputFile(found[0], str(file), found[1]) if found else load.InputFile(file, str(file)))
    return inputs


def ledger_paths(ledger_files=()) -> list[Path]:
    """The ledgers to read: those given, or the bundled sample ledger."""
    return _as_list(ledger_files, "ledger_files") or [paths.SAMPLE_LEDGER]


def figures_paths(figures_files=(), ledger_files=(), *, bundled: bool | None = None) -> list[Path]:
    """The published-figures files to read: those given; else the source document's figures when ``bundled``.

    ``bundled`` defaults to "no ledger of the user's own was given", so the sample ledger comes
    with the source document's figures and a user's ledger with none of the sample's.
    """
    return [f.path for f in _in_run(_chosen_figures(figures_files, ledger_files, bundled))]  # in a run, its copies


def _chosen_figures(figures_files, ledger_files, bundled: bool | None) -> list[Path]:
    given = _as_list(figures_files, "figures_files")
    if given:
        return given
    if bundled is None:
        bundled = not _as_list(ledger_files, "ledger_files")
    return [paths.SOURCE_FIGURES] if bundled else []


def load_inputs(ledger_files=(), figures_files=(), *, pseudonymise: bool = False, config_file: str | Path = "",
                figures: bool = True, figures_alone: bool = False) -> Inputs:
    """Resolve and load a report's inputs: the ledger(s), and the published figures reconciled (``figures``).

    ``figures_alone``: published figures of another report given without a ledger are read alone, with no ledger
    (never the bundled sample's) and under no congress of ours, as the trends page does for printed reports; without
    it such figures are refused (``figures_without_ledger``).
    """
    config = load_config(config_file or None)
    alone = bool(figures and figures_alone and _others_without_ledger(ledger_files, figures_files))
    if not alone:
        _refuse_sample_beside_others(ledger_files, figures_files if figures else ())
    ledgers = [] if alone else _in_run(ledger_paths(ledger_files))
    reading = sources.run_reading()  # a run's --session and --scheme
    cases = (_no_cases() if alone else
             load.load_cases(ledgers, config=config, session=reading["session"], scheme=reading["scheme"]))
    if pseudonymise:
        cases = privacy.pseudonymise(cases)
    printed = _in_run(_chosen_figures(figures_files, ledger_files, None)) if figures else []
    result = None
    if printed:  # imported only here: a report without published figures (and a benchmark) never needs it
        from . import reconcile

        # our own published figures: a file that names no congress is ours (the check of any report leaves it blank);
        # read alone, another report's are not
        ours = None if alone else str(config.get("congress") or "") or None
        result = reconcile.reconcile_files(printed, config=config, scheme=reading["scheme"], congress=ours)
    published = (metrics.overview_from_published(result, config=config) if result is not None
                 else pd.DataFrame(columns=list(metrics.FIGURE_COLUMNS)))
    return Inputs(tuple(f.path for f in ledgers), tuple(f.path for f in printed), cases, result, published, config)


def _others_without_ledger(ledger_files, figures_files) -> list[Path]:
    """The published-figures files other than the source document's, when no ledger is given ([] otherwise)."""
    given = _as_list(figures_files, "figures_files")
    if _as_list(ledger_files, "ledger_files") or not given:
        return []
    bundled = paths.SOURCE_FIGURES.resolve()
    return [f for f in given if Path(f).resolve() != bundled]


_NO_CASES_DTYPES = {"int": "Int64", "bool": "boolean", "date": "datetime64[ns]"}


def _no_cases() -> pd.DataFrame:
    """A ledger of no suggestions with every ledger column (``schema.LEDGER_FIELDS``): the ledger of a page built from
    printed figures alone, which names no file and is no sample data."""
    frame = pd.DataFrame({f.name: pd.Series(dtype=_NO_CASES_DTYPES.get(f.kind, "string")) for f in schema.LEDGER_FIELDS})
    frame.attrs["provenance"] = []
    return frame


def _refuse_sample_beside_others(ledger_files, figures_files) -> None:
    """No ledger given means the bundled sample ledger, which belongs with the source document's figures only: beside
    another report's figures it would put made-up suggestions and that congress's printed ones on one page."""
    others = _others_without_ledger(ledger_files, figures_files)
    if others:
        names = "、".join(Path(f).name for f in others)
        raise DataError(_problem(
            "ledger_files", "[]",
            f"给了公开数字文件（{names}）却没有给台账：ledger_files 为空时读的是自带的示例台账，不能与其他报告的数字放在同一页。"
            "请把台账填入 ledger_files；只核对公开数字请用 figures_check 笔记本",
            f"published-figures file(s) ({', '.join(Path(f).name for f in others)}) were given without a ledger: an "
            "empty ledger_files reads the bundled sample ledger, which cannot share a page with another report's "
            "figures. Give the ledger in ledger_files; to check published figures alone, use the figures_check notebook",
            "台账文件路径的列表 / a list of ledger file paths", code="figures_without_ledger"))


def ledger_sessions(cases: pd.DataFrame) -> list[str]:
    """The sessions a ledger holds, in order."""
    return metrics.order_sessions({str(s) for s in cases["session"].dropna().unique()})


def _canonical(label: str, available: list[str], column: str) -> str:
    """The canonical label of any period (a session, a year: 2019年 or 2019年度 → 2019年度) among ``available``."""
    canonical = _sessions.canonical_period(label)
    if canonical is None or canonical not in available:
        raise DataError(_problem(column, label, f"数据中没有会次「{label}」", f"the data has no session {label!r}",
                                 "、".join(available) or "（数据中没有任何会次 no session in the data）"))
    return canonical


def our_level(level: str, inputs: Inputs) -> str:
    """The level of the congress whose ledger is compared: ``level`` when given, else the configured congress's (区),
    or none for a ledger of another office (a city's, a town's: ``metrics.fitted_config``), so that a city's ledger is
    never named 本区 nor compared with districts as its own level."""
    if str(level or "").strip():
        return str(level).strip()
    return metrics.congress_level(metrics.fitted_config(inputs.config, inputs.cases))


def pick_session(session: str, cases: pd.DataFrame) -> str:
    """The canonical label of ``session`` in the ledger; the latest session there when ``session`` is empty."""
    available = ledger_sessions(cases)
    if not str(session or "").strip():
        if not available:
            raise DataError(_problem("session", "", "台账中没有任何会次的建议", "the ledger holds no session"))
        return available[-1]
    return _canonical(str(session).strip(), available, "session")


def period_years(inputs: Inputs) -> dict:
    """The year of each period of the ledger and the published figures, where known (``metrics.order_sessions``)."""
    return {**metrics.ledger_years(inputs.cases, inputs.config), **metrics.frame_years(inputs.published)}


def pick_sessions(sessions: Iterable[str] | str, inputs: Inputs) -> list[str]:
    """Canonical labels of ``sessions`` among those of the ledger and the published figures; all when empty."""
    def years() -> dict:  # asked for only when sessions stand beside periods named by year
        return period_years(inputs)

    available = metrics.order_sessions(
        set(ledger_sessions(inputs.cases))
        | {s for s in inputs.published["session"] if not metrics.is_total_label(s)}, years)
    if isinstance(sessions, str):
        sessions = [sessions] if sessions.strip() else []
    chosen = [_canonical(str(s).strip(), available, "sessions") for s in sessions or [] if str(s).strip()]
    return metrics.order_sessions(set(chosen), years) if chosen else available


def as_of(as_of_date: str, cases: pd.DataFrame | None = None) -> pd.Timestamp | None:
    """The ``as_of_date`` parameter as a date; empty: the end of ``cases`` (``metrics.end_of_data``); "today": the run date.

    DataError when it is not a date. Without ``cases`` an empty parameter gives None (the
    metrics then take the end of the data they are given).
    """
    text = str(as_of_date or "").strip()
    if not text:
        return metrics.end_of_data(cases) if cases is not None else None
    if text.lower() in ("today", "今天"):
        from .files import build_time  # the run's date, or SOURCE_DATE_EPOCH's for a reproducible build

        return pd.Timestamp(build_time().date())
    try:
        return pd.Timestamp(text).normalize()
    except ValueError:
        raise DataError(_problem("as_of_date", text, "不是日期", "not a date",
                                 "YYYY-MM-DD，如 2024-12-31；或 today")) from None


def _covers(label: str, chosen: set[str]) -> bool:
    return set(_sessions.split_total(label)) <= chosen


def report_figures(inputs: Inputs, *, sessions: list[str] | None = None, as_of_date=None) -> pd.DataFrame:
    """The figures a report shows: the ledger's for its sessions, published figures for the others.

    ``sessions`` limits both (the ledger's total then covers only those sessions; a published
    total is kept only when all its sessions are chosen). ``as_of_date`` is passed to
    ``metrics.ledger_figures`` (unreplied suggestions past their deadline count as overdue);
    without one, the end of the whole ledger, so every report has the same on-time base.
    """
    cases, published = inputs.cases, inputs.published
    as_of_date = metrics.resolve_as_of(cases, as_of_date)
    if sessions:
        chosen = set(sessions)
        keep = cases["session"].astype("string").isin(chosen).fillna(False).astype(bool)
        cases = cases[keep]
        cases.attrs = dict(inputs.cases.attrs)
        if len(published):
            published = published[[_covers(s, chosen) for s in published["session"].tolist()]]
            published.attrs = dict(inputs.published.attrs)
    ledger = metrics.ledger_figures(cases, config=inputs.config, as_of_date=as_of_date)
    return metrics.combine_overviews(ledger, published)


def up_to_session(frame: pd.DataFrame, session: str) -> pd.DataFrame:
    """The rows of ``session`` and the sessions before it (in ``metrics.order_sessions``' order: a figures frame's
    years put a report of an earlier year before a session), no multi-session totals (figures or cases)."""
    # Decided once per distinct label, not once per row: a ledger may hold a million rows. The loader's column is
    # coded already; labels that are not the cells as they are (a hand-made frame) are coded here.
    factor = factors.of_cells(frame, "session")
    codes, distinct = ((factor.codes, factor.labels) if factor is not None else
                       pd.factorize(frame["session"].astype("string"), use_na_sentinel=True))
    # the years looked up only beside periods named by year (never for a ledger's sessions alone)
    keys = _sessions.sort_keys([*(str(s) for s in distinct), str(session)], lambda: metrics.frame_years(frame))
    key = keys[str(session)]
    keep = np.array([not metrics.is_total_label(s) and keys[str(s)] <= key for s in distinct]
                    + [False], dtype=bool)  # the last slot for a missing label
    rows = keep[codes]
    # every row kept (the latest session of a ledger): the frame itself, which copy-on-write keeps apart from it
    out = (frame if rows.all() else frame[rows]).reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def session_cases(cases: pd.DataFrame, session: str) -> pd.DataFrame:
    """The suggestions of one session, keeping the ledger's provenance."""
    out = cases[cases["session"].astype("string").eq(session).fillna(False).astype(bool)]
    out.attrs = dict(cases.attrs)
    return out
