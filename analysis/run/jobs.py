"""What passes between the runner and its workers: a report to make (``Job``) and what became of it (``ReportResult``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .. import reasons
from ..reasons import Message

KERNEL_START_TIMEOUT_S = 60  # a kernel that has not answered by then is replaced
DEFAULT_EXPECTED_SECONDS = 1.0  # a report never timed, whose plan entry says nothing: about what most take


@dataclass(frozen=True)
class Job:
    """One report for a worker to make: the notebook, its parameters and where its files go."""

    name: str
    notebook: Path
    cwd: Path
    kernel_name: str
    parameters: Mapping[str, Any]
    timeout: int  # seconds per cell
    folders: Mapping[str, Path]  # "root", "html", "notebooks", "tables", "pdf"
    lang: str = "zh"
    title: str = ""
    session: str = ""
    run_info: Mapping[str, Any] = field(default_factory=dict)  # what the page's footer says about the run
    start_timeout: float = KERNEL_START_TIMEOUT_S


@dataclass
class ReportResult:
    """What happened to one report in a run."""

    name: str
    status: str  # "done" | "failed" | "skipped"
    title: str = ""
    session: str = ""
    why: Message = ()  # why it has its status (a failure's cell and error; why it was made again)
    outputs: dict[str, str] = field(default_factory=dict)  # kind → path relative to the outputs folder
    seconds: float = 0.0
    n_figures: int = 0
    is_sample: bool = False
    cell: int | None = None
    built_at: str = ""  # ISO time of the build its files come from (kept from the last build when skipped)
    note: Message = ()  # what else happened (a kernel replaced, a PDF not written)
    session_words: dict[str, str] = field(default_factory=dict)  # the session as the index shows it, by language
    kernel_run: int = 0  # its place in its kernel's life: 1 on a new kernel, 2 on one that ran a report before …
    own_seconds: float = 0.0  # its cells and its export, without waiting for a kernel to start (orders the next run)

    @property
    def message(self) -> str:
        """The reasons as the console prints them, both languages at once."""
        return reasons.text(reasons.join(self.why, self.note))


def longest_first(jobs: Sequence[Job], expected: Mapping[str, float]) -> list[Job]:
    """``jobs`` in the order to start them: the longest expected first, so that no worker is left with a long
    report at the end while the others wait; equal ones in the order given (the plan's)."""
    return sorted(jobs, key=lambda job: -expected.get(job.name, DEFAULT_EXPECTED_SECONDS))


def in_plan_order(results: Iterable[ReportResult], names: Sequence[str]) -> Iterator[ReportResult]:
    """``results``, which come as reports finish, passed on in the order of ``names`` (the plan's), each as soon as
    every report before it has come: what a run prints and records does not depend on which ran first."""
    waiting: dict[str, ReportResult] = {}
    planned = set(names)
    order = iter(names)
    following = next(order, None)
    for result in results:
        if result.name not in planned:  # not planned (cannot happen): passed on as it comes
            yield result
            continue
        waiting[result.name] = result
        while following is not None and following in waiting:
            yield waiting.pop(following)
            following = next(order, None)
    yield from waiting.values()  # after a planned report that never came (the pool answers for each): as they came
