"""The run plan: which notebooks to run with which parameters, read from ``run_plan.yaml`` and expanded.

A plan lists notebooks × parameter sets; ``for_each: session`` makes one report per session
found in the data; ``needs`` says which inputs (a ledger, published figures, several periods) a report cannot
do without. ``load_plan`` checks the file and names what is wrong; ``expand_plan`` gives the reports
to make, each with a file-name-safe name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import paths, sessions, yaml_text
from ..errors import ConfigError

PLAN_KEYS = {"notebook", "name", "title", "parameters", "for_each", "needs", "expected_seconds"}
FOR_EACH = {"session"}
NEEDS = {"ledger", "figures", "periods"}  # periods: a ledger, or published figures of two or more periods


@dataclass(frozen=True)
class PlanEntry:
    """One entry of a run plan: a notebook and how to run it."""

    notebook: Path
    name: str | None = None  # may use {stem} and, with for_each session, {session_code}
    title: Any = None  # a string, or {zh: …, en: …}
    parameters: Mapping[str, Any] = field(default_factory=dict)
    for_each: str | None = None
    needs: tuple[str, ...] = ()
    expected_seconds: float | None = None  # how long one of its reports takes: the longest start first


@dataclass(frozen=True)
class RunPlan:
    """A parsed run plan: entries, parameters every report gets, modules to pre-import."""

    entries: tuple[PlanEntry, ...]
    defaults: Mapping[str, Any]
    warm_imports: tuple[str, ...]  # besides what the notebooks import (found by reading them)
    source: Path


@dataclass(frozen=True)
class PlannedReport:
    """One report to make: its output name, notebook and plan parameters."""

    name: str
    notebook: Path
    parameters: Mapping[str, Any]
    title: Any = None
    needs: tuple[str, ...] = ()
    session: str = ""
    expected_seconds: float | None = None  # the plan's guess, used until the report has run in the outputs folder


def _plan_error(source: Path, where: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: {where}: {message}")


def load_plan(path: str | Path | None = None) -> RunPlan:
    """Read and check a run plan YAML (default ``run_plan.yaml``); ConfigError names what is wrong."""
    source = Path(path) if path else paths.RUN_PLAN
    if not source.is_file():
        raise ConfigError(f"运行计划不存在 run plan not found: {source}")
    try:
        raw = yaml_text.safe_load(source.read_text(encoding="utf-8")) or {}
    except (yaml_text.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list) or not raw["reports"]:
        raise _plan_error(source, "top level", "expected a mapping with a non-empty list `reports`")
    unknown = set(raw) - {"reports", "defaults", "notebooks_dir", "warm_imports"}
    if unknown:
        raise _plan_error(source, "top level", f"unknown keys {sorted(unknown)}; allowed: reports, defaults, "
                                               "notebooks_dir, warm_imports")
    notebooks_dir = paths.NOTEBOOKS_DIR
    if raw.get("notebooks_dir"):
        notebooks_dir = (source.parent / str(raw["notebooks_dir"])).resolve()
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise _plan_error(source, "defaults", "expected a mapping of parameter names to values")
    warm = raw.get("warm_imports", [])
    if not isinstance(warm, list) or not all(isinstance(m, str) for m in warm):
        raise _plan_error(source, "warm_imports", "expected a list of module names")
    entries = []
    for number, item in enumerate(raw["reports"], start=1):
        where = f"reports[{number}]"
        if not isinstance(item, dict) or not item.get("notebook"):
            raise _plan_error(source, where, "expected a mapping with at least `notebook`")
        unknown = set(item) - PLAN_KEYS
        if unknown:
            raise _plan_error(source, where, f"unknown keys {sorted(unknown)}; allowed: {sorted(PLAN_KEYS)}")
        if item.get("for_each") is not None and item["for_each"] not in FOR_EACH:
            raise _plan_error(source, where, f"for_each {item['for_each']!r} not supported; allowed: session")
        needs = item.get("needs") or []
        if isinstance(needs, str):
            needs = [needs]
        if not set(needs) <= NEEDS:
            raise _plan_error(source, where, f"needs {needs!r}: allowed values are ledger, figures, periods")
        parameters = item.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise _plan_error(source, where, "parameters: expected a mapping")
        expected = item.get("expected_seconds")
        if expected is not None and (isinstance(expected, bool) or not isinstance(expected, (int, float))
                                     or not 0 < expected < float("inf")):
            raise _plan_error(source, where, f"expected_seconds {expected!r}: expected a positive number of seconds")
        entries.append(PlanEntry(notebook=(notebooks_dir / str(item["notebook"])), name=item.get("name"),
                                 title=item.get("title"), parameters=parameters, for_each=item.get("for_each"),
                                 needs=tuple(needs), expected_seconds=None if expected is None else float(expected)))
    return RunPlan(entries=tuple(entries), defaults=defaults, warm_imports=tuple(warm), source=source)


def session_code(label: str) -> str:
    """A short file-name-safe code of a session: 十八届人大二次会议 → '18-2', 十三届全国人大五次会议 → 'npc13-5'."""
    parsed = sessions.parse_session(label)
    if parsed is None:
        raise ConfigError(f"not a session label: {label!r}")
    return f"{'npc' if parsed.national else ''}{parsed.term}-{parsed.number}"


_NAME_OK = str.maketrans("", "", "-_.")

# The session reports describe the supervision report's draw (the share or number, and which session's page points
# to its list): they take its plan entry's `session`, `fraction` and `size` as these parameters, so the two pages
# cannot disagree. A value left unset is left to both notebooks' defaults, which agree (the latest session, the
# settings' share). A plan with several supervision entries: each session's page describes the entry that draws from
# its session, else the first entry (whose share it prints without pointing to a list). A plan with none: the pages
# say the settings' share and point to no report (`supervision_report: false`).
SUPERVISION_NOTEBOOK = "supervision_sample.ipynb"
DESCRIBES_SUPERVISION = "session_report.ipynb"
SUPERVISION_FACTS = {"session": "supervision_session", "fraction": "supervision_fraction", "size": "supervision_size"}
NO_SUPERVISION_REPORT = {"supervision_report": False}


def _supervision_facts(plan: RunPlan, label: str, latest: str) -> dict[str, Any]:
    """The parameters a session report of ``label`` takes from the supervision entry that draws from its session.

    ``latest`` is the ledger's latest session, the one an entry without a ``session`` draws from.
    """
    drawing = [entry for entry in plan.entries if entry.notebook.name == SUPERVISION_NOTEBOOK]
    if not drawing:
        return dict(NO_SUPERVISION_REPORT)

    def drawn_from(entry: PlanEntry) -> str:
        if entry.for_each == "session":
            return label
        return sessions.canonical_session(entry.parameters.get("session") or latest) or ""

    session = sessions.canonical_session(label) or label
    entry = next((entry for entry in drawing if drawn_from(entry) == session), drawing[0])
    given = {**entry.parameters, **({"session": label} if entry.for_each == "session" else {})}
    return {SUPERVISION_FACTS[key]: value for key, value in given.items() if key in SUPERVISION_FACTS}


def expand_plan(plan: RunPlan, session_labels: Iterable[str]) -> list[PlannedReport]:
    """The reports a plan makes, with ``for_each: session`` expanded over ``session_labels`` (in order)."""
    labels = sorted(set(session_labels), key=sessions.session_sort_key)
    latest = labels[-1] if labels else ""
    planned: list[PlannedReport] = []
    for entry in plan.entries:
        stem = entry.notebook.stem
        describes = entry.notebook.name == DESCRIBES_SUPERVISION
        runners = {*SUPERVISION_FACTS.values(), *NO_SUPERVISION_REPORT}
        by_hand = sorted(set(entry.parameters) & runners) if describes else []
        if by_hand:
            raise _plan_error(plan.source, entry.notebook.name,
                              f"{', '.join(by_hand)}: set by the runner from the {SUPERVISION_NOTEBOOK} entry "
                              "(its session, fraction and size); set them there")
        if entry.for_each == "session":
            for label in labels:
                name = (entry.name or "{stem}_{session_code}").format(stem=stem, session_code=session_code(label))
                params = {**entry.parameters, "session": label,
                          **(_supervision_facts(plan, label, latest) if describes else {})}
                planned.append(PlannedReport(name, entry.notebook, params, entry.title, entry.needs, label,
                                             entry.expected_seconds))
        else:
            name = (entry.name or "{stem}").format(stem=stem, session_code="")
            session = str(entry.parameters.get("session") or "")
            params = {**entry.parameters, **(_supervision_facts(plan, session, latest) if describes else {})}
            planned.append(PlannedReport(name, entry.notebook, params, entry.title, entry.needs,
                                         session, entry.expected_seconds))
    seen: set[str] = set()
    for item in planned:
        if not item.name or not item.name.translate(_NAME_OK).isalnum():
            raise _plan_error(plan.source, item.notebook.name,
                              f"report name {item.name!r} may hold only letters, digits, '-', '_' and '.'")
        if item.name in seen:
            raise _plan_error(plan.source, item.notebook.name, f"two reports are named {item.name!r}; give `name`")
        seen.add(item.name)
    return planned


def lacking(needs: Iterable[str], has_ledger: bool, figures: list[Iterable[str]]) -> list[str]:
    """The ``needs`` a run does not meet, given whether it has a ledger and the periods of each published-figures
    file: a ledger, published figures, or ``periods``: a ledger, or published figures of two or more periods (a '+'
    total is no period of its own), so that a trends page is made from printed reports alone."""
    periods = {str(p) for periods_ in figures for p in periods_ if len(sessions.split_total(str(p))) == 1}
    met = {"ledger": has_ledger, "figures": bool(figures), "periods": has_ledger or len(periods) >= 2}
    return [need for need in needs if not met[need]]


def plan_title(title: Any, lang: str) -> str:
    """A plan entry's title in ``lang`` ('' when it has none)."""
    if isinstance(title, dict):
        return str(title.get(lang) or title.get("zh") or next(iter(title.values()), ""))
    return "" if title is None else str(title)
