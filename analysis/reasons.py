"""Why a report has its status, as codes: the runner's console says them in both languages, the index in one.

The runner carries a report's reasons as a ``Message``, a sequence of codes (``Said``), lists of
what changed (``ChangedList``) and literal text (an error's own words, a file name), never as a
finished sentence; each place that shows it picks its language here. So the index page renders a
report's status without reading the runner's bilingual line, and neither imports the other.
The codes (``Reason``, ``Changed``) and their words are ``analysis.labels``'; that and the
standard library are all this imports, so a run that decides nothing changed stays light.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .labels import Changed, Reason, reason_label

# How a list of changed parts is joined, and set before "changed", in each form.
_LIST_JOIN = {None: ("、", " "), "zh": ("、", ""), "en": (", ", " ")}


@dataclass(frozen=True)
class Said:
    """One reason, with the number its words hold (a cell, seconds, kernels)."""

    reason: Reason
    n: int | None = None


@dataclass(frozen=True)
class ChangedList:
    """'notebook, data changed': the parts of a report's cache key that differ from its last build."""

    parts: tuple[Changed, ...]


Segment = Union[Said, ChangedList, str]  # a str is literal text (an error's own words), shown as it is
Message = tuple[Segment, ...]


def words(code: Reason | Changed, lang: str | None = None, n: int | None = None) -> str:
    """The words of one code in ``lang`` ('zh', 'en', or None for the console's bilingual form)."""
    return reason_label(code, lang, n)


def say(reason: Reason, n: int | None = None) -> str:
    """The console's words for ``reason``, both languages at once."""
    return words(reason, None, n)


def text(message: Message, lang: str | None = None) -> str:
    """A message in ``lang`` ('zh', 'en', or None for the console's bilingual form)."""
    out = []
    for segment in message:
        if isinstance(segment, Said):
            out.append(words(segment.reason, lang, segment.n))
        elif isinstance(segment, ChangedList):
            join, before = _LIST_JOIN[lang]
            listed = join.join(words(part, lang) for part in segment.parts)
            out.append(f"{listed}{before if listed else ''}{words(Reason.CHANGED, lang)}")
        else:
            out.append(str(segment))
    return "".join(out)


def join(*messages: Message) -> Message:
    """The non-empty messages one after another, each pair separated by ``Reason.AND``."""
    joined: list[Segment] = []
    for message in messages:
        if message:
            if joined:
                joined.append(Said(Reason.AND))
            joined.extend(message)
    return tuple(joined)


def of(*segments: Segment | Reason) -> Message:
    """A message from codes and literal text (a bare Reason is said without a number)."""
    return tuple(Said(s) if isinstance(s, Reason) else s for s in segments)
