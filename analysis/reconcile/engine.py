"""Reconcile: read the figures, build the identities, apply the rules until nothing new follows, check."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from .. import sessions
from ..config import load_config
from ..errors import ConfigError, DataError, Problem
from ..normalize import is_blank
from ..schemes import OutcomeScheme, load_scheme
from .checks import check
from .frames import (Reconciliation, combine, empty_figures, error_findings, figures_frame, findings_frame,
                     report_name, with_report)
from .groups import build_groups
from .read import read_figures
from .rules import derive

FIGURE_SUFFIXES = (".csv", ".xlsx")


def _scheme(scheme: str | OutcomeScheme | None) -> OutcomeScheme | None:
    if scheme is None or isinstance(scheme, OutcomeScheme):
        return scheme
    return load_scheme(str(scheme))


def _assumptions(assumptions: Mapping[str, str] | None) -> dict[str, str]:
    extra: dict[str, str] = {}
    for label, text in (assumptions or {}).items():
        canonical = sessions.canonical_period(label)
        if canonical is None:
            raise ConfigError(f"assumption for an unrecognised session {label!r}; write e.g. 十八届人大一次会议 "
                              "or 十八届人大一次会议+十八届人大二次会议")
        extra[canonical] = str(text).strip()
    return extra


def reconcile_figures(figures: pd.DataFrame, *, assumptions: Mapping[str, str] | None = None,
                      scheme: str | OutcomeScheme | None = None, config: dict | None = None) -> Reconciliation:
    """Complete and check published figures (``load.load_figures`` shape): printed / derived / unknown, and findings.

    ``scheme`` declares the outcome scheme of every report (an unknown label is then an error);
    without it each report's scheme is read from its labels, the configured one first.
    """
    declared = _scheme(scheme)
    preferred = load_scheme(str((config or load_config())["outcome_scheme"]))
    state = read_figures(figures, declared=declared, preferred=preferred, assumptions=_assumptions(assumptions))
    build_groups(state)
    derive(state)
    check(state)
    files = tuple(dict.fromkeys(Path(str(f)).name for f in figures.get("source_file", pd.Series(dtype=str))
                                if not is_blank(f)))
    names = list(dict.fromkeys(s["scheme"] for s in state.schemes))
    name = declared.name if declared else "、".join(names) if names else preferred.name
    report = report_name(files)
    return Reconciliation(figures=with_report(figures_frame(state), report),
                          findings=with_report(findings_frame(state), report), scheme=name, files=files,
                          schemes=state.schemes)


def figure_files(paths: list[Path]) -> list[Path]:
    """The files to read: each file given, and every CSV/XLSX in each folder given (sorted by name)."""
    found: list[Path] = []
    for path in paths:
        if isinstance(path, Path) and path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FIGURE_SUFFIXES
                            and not p.name.startswith((".", "~$")))
        else:
            found.append(path)
    return found


def failure_json(error: Exception) -> dict:
    """The one JSON object for a run that could not reconcile at all (a bad --scheme, no file): its error findings."""
    problems = getattr(error, "problems", None) or [Problem(file="", code="failed", message=str(error),
                                                            message_en=str(error))]
    return Reconciliation(figures=empty_figures(), findings=error_findings(problems)).to_json()


def _unread(file, problems: list[Problem]) -> Reconciliation:
    name = Path(file.name).name if hasattr(file, "sheet") else file.name  # an InputFile goes by its user's name
    return Reconciliation(figures=empty_figures(), findings=with_report(error_findings(problems), name), files=(name,))


def _named_or_not(settings: dict, congress: str | None) -> dict:
    """The settings to load figures files with: a file that names no congress is filed under ``congress`` — none
    (left blank: 未注明) unless the caller knows whose report it is."""
    return {**settings, "congress": congress or ""}


def _skipped(file: Path) -> Reconciliation:
    note = error_findings([Problem(file=file.name, code="not_figures", message="不是已公布数字文件（没有「指标」列），跳过",
                                   message_en="not a published-figures file (no measure column): skipped")])
    note["severity"] = "note"
    return Reconciliation(figures=empty_figures(), findings=note, files=())


def reconcile_files(files: str | Path | list, *, assumptions: Mapping[str, str] | None = None,
                    config: dict | None = None, scheme: str | OutcomeScheme | None = None,
                    each_file: bool | None = None, keep_going: bool = False,
                    sheet: str | None = None, congress: str | None = None) -> Reconciliation:
    """Load published-figures files (``load.load_figures``) and reconcile them.

    A folder stands for every CSV/XLSX published-figures file in it (other files are skipped
    with a note). ``each_file``: reconcile each file as a report of its own (default: when a
    folder is given); else the files are read together, so one report's totals can use
    another's sessions. ``keep_going``: a file that cannot be read becomes error findings
    (file, row, message) instead of raising ``DataError``. ``sheet``: the sheet of each workbook.
    ``congress``: whose report a file is when it has no congress column (报告机关) — ``None``, the default, leaves it
    blank (the check of a report from any congress does not guess; shown as 未注明, null in JSON); the reports of our
    own figures pass the configured congress. Every row of the results names its ``report`` (file).
    """
    from .. import load

    settings = _named_or_not(config or load_config(), congress)
    # A run hands the loader's InputFile (its snapshot of the user's file, and that file's name): kept as it is.
    items = [files] if isinstance(files, (str, Path, load.InputFile)) else list(files)
    given = [f if isinstance(f, load.InputFile) else Path(f) for f in items]
    folder = any(isinstance(p, Path) and p.is_dir() for p in given)
    paths = figure_files(given)
    if each_file is None:
        each_file = folder
    if not keep_going and not folder and not each_file:
        frame = load.load_figures(paths, config=settings, sheet=sheet)
        return reconcile_figures(frame, assumptions=assumptions, scheme=scheme, config=settings)
    results, frames = [], []
    for path in paths:  # each file loaded once
        try:
            frames.append(load.load_figures([path], config=settings, sheet=sheet))
        except DataError as exc:
            not_figures = any(p.code in ("wrong_kind", "header_not_found") for p in exc.problems)
            if folder and path.parent in given and not_figures:
                results.append(_skipped(path))
            elif keep_going:
                results.append(_unread(path, exc.problems))
            elif not folder and len(paths) > 1:
                # files named one by one: one error naming every file's problems, as loading them together gives
                # (only on failure are the files read again)
                load.load_figures(paths, config=settings, sheet=sheet)
                raise
            else:
                raise
    if each_file:
        results += [reconcile_figures(f, assumptions=assumptions, scheme=scheme, config=settings) for f in frames]
    elif frames:
        results.append(reconcile_figures(pd.concat(frames, ignore_index=True), assumptions=assumptions,
                                         scheme=scheme, config=settings))
    if not results:
        raise DataError([Problem(file=str(p), code="no_files", message="文件夹中没有已公布数字文件",
                                 message_en="the folder holds no published-figures file") for p in given])
    return combine(results)
