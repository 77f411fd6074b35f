"""The errors a user can act on: a small hierarchy, and the Problem record they carry.

Anything a user's file can cause is a ``DataError`` (or a subclass) whose message names the
file, the row as the user sees it in Excel, the column and the value, and says what is
allowed. The command line prints these without a traceback, and so does IPython (JupyterLab,
papermill, nbval): ``AnalysisError._render_traceback_`` gives it the message instead.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file."""

    file: str
    message: str
    row: int | None = None  # 1-based, as shown in Excel / a text editor (header = its own row)
    column: str | None = None  # the header as written in the file
    value: str | None = None
    allowed: str | None = None
    code: str = "invalid"  # machine-readable kind, e.g. "unknown_label", "missing_column"
    severity: str = "error"  # "error" or "warning"
    message_en: str = ""  # the message in English (``message`` is Chinese); "" = same as message

    def location(self) -> str:
        """'file, row N, column C' — the parts that are known."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行 (row {self.row})")
        if self.column:
            parts.append(f"列「{self.column}」")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "…"
            text += f" — 值 value: {shown!r}"
        if self.allowed:
            text += f" — 允许 allowed: {self.allowed}"
        return text

    def to_dict(self) -> dict:
        """A plain dict for JSON output."""
        return asdict(self)


class AnalysisError(Exception):
    """Base of every error a user can act on (printed without a traceback)."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback (JupyterLab, papermill's error cell, nbval):
        # the message is what a user acts on (as the command line prints it); the code path behind it is ours.
        return f"错误 error: {self}".splitlines()


class DataError(AnalysisError):
    """An input file cannot be used as it is; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file=file, message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FileFormatError(DataError):
    """The file cannot be read at all: missing, empty, binary, unknown encoding or type."""


class SchemaError(DataError):
    """The file is readable but its columns or values break the declaration."""


class ConfigError(AnalysisError):
    """A configuration, scheme or run-plan file is wrong."""


class RunError(AnalysisError):
    """A report run could not start or finish (lock held, output folder unwritable, …)."""
