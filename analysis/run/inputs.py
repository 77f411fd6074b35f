"""The run's inputs: each file read once into a snapshot, and what it is (a ledger or published figures, its sessions).

Facts about a file (its kind, sessions, sample flag, sheet) are worked out by the loader once and
cached in the outputs folder by content hash, code version and sheet, so an unchanged re-run
neither reads the data again nor imports pandas. Facts not cached are worked out in a child process
(forked, where the platform forks) while the runner does what it must do anyway (``meanwhile``: import
what making a report needs), so the two take both cores and the runner itself never imports pandas.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .. import paths, provenance, sources
from ..errors import DataError, FileFormatError, Problem, RunError, SchemaError
from .cache import FACTS_FILE, read_json
from .outputs import atomic_write


@dataclass(frozen=True)
class DataFile:
    """One input file as the runner knows it."""

    path: Path  # the user's file
    sha256: str  # of the bytes every report of the run reads
    kind: str  # "ledger" | "figures"
    sessions: tuple[str, ...] = ()
    is_sample: bool = False
    snapshot: Path | None = None  # the copy the reports read (None: the file itself)
    sheet: str | None = None  # the sheet read, for a workbook


def describe_data(files: Iterable[str | Path | sources.Snapshot], *, state_dir: Path | None = None,
                  sheet: str | None = None, session: str | None = None, scheme: str | None = None,
                  meanwhile: Callable[[], None] | None = None) -> list[DataFile]:
    """Kind, sessions, sample flag and sheet of each data file (via ``load.validate_files``); DataError if unusable.

    ``files`` are paths (read and hashed here) or a run's snapshots (their copies are read). Facts
    are cached in ``state_dir`` by content hash, code version, ``sheet``, ``session`` (of a ledger
    that names none) and ``scheme``, so an unchanged re-run does not read the data again.
    ``meanwhile`` is called while a child process works out the facts not cached (never when all are).
    """
    facts = read_json(state_dir / FACTS_FILE) if state_dir else {}
    reading = {"sheet": sheet, "session": session, "scheme": scheme}
    taken: dict[Path, sources.Snapshot] = {}
    for item in files:  # the same file named twice counts once
        snapshot = item if isinstance(item, sources.Snapshot) else sources.take_snapshot(item)
        taken.setdefault(snapshot.source, snapshot)
    keys = {source: _fact_key(snapshot, sheet, session, scheme) for source, snapshot in taken.items()}
    missing: dict[str, sources.Snapshot] = {}  # the first file of each content not yet described
    for source, snapshot in taken.items():
        if keys[source] not in facts:
            missing.setdefault(keys[source], snapshot)
    if missing:
        facts.update(zip(missing, _facts_meanwhile(list(missing.values()), reading, meanwhile)))
    described = []
    for source, snapshot in taken.items():
        fact = facts[keys[source]]
        described.append(DataFile(snapshot.source, snapshot.sha256, fact["kind"], tuple(fact["sessions"]),
                                  bool(fact["is_sample"]),
                                  snapshot.path if snapshot.path != snapshot.source else None, fact.get("sheet")))
    if missing and state_dir:
        atomic_write(state_dir / FACTS_FILE, json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True))
    return described


def _facts_of(snapshot: sources.Snapshot, sheet: str | None, session: str | None, scheme: str | None) -> dict:
    """What the loader finds a file to be (kind, sessions, sample flag, sheet); DataError if it cannot be used."""
    from .. import load

    found = load.validate_files([load.InputFile(snapshot.path, str(snapshot.source))], sheet=sheet,
                                session=session, scheme=scheme, sheet_for_workbooks_only=True)[0]
    errors = [p for p in found.problems if p.severity == "error"]
    if found.kind not in {"ledger", "figures"} or errors:
        raise DataError(errors or found.problems or
                        Problem(file=str(snapshot.source), message="无法识别的文件 not a ledger or "
                                "published-figures file"))
    return {"kind": found.kind, "sessions": list(found.sessions), "is_sample": bool(found.is_sample),
            "sheet": found.sheet}


def _facts_meanwhile(snapshots: list[sources.Snapshot], reading: Mapping[str, str | None],
                     meanwhile: Callable[[], None] | None) -> list[dict]:
    """The facts of ``snapshots``, worked out in a child process while ``meanwhile`` runs here, when both can be;
    else here. A child that ends without an answer (killed, out of memory, a fault of ours) leaves the work to
    this process, which then gives exactly the answer or error it always gave."""
    child = _Describer.start(snapshots, reading) if meanwhile is not None else None
    found = None
    try:
        if child is not None:
            meanwhile()
            found = child.answer()
    finally:
        if child is not None:
            child.end()
    return found if found is not None else [_facts_of(snapshot, **reading) for snapshot in snapshots]


# DataError and its kinds, rebuilt in the runner from what the child found wrong (a pickled exception would keep
# only its message, not its problems).
_REFUSALS = {cls.__name__: cls for cls in (DataError, FileFormatError, SchemaError)}


class _Describer:
    """A forked child that works out the facts of a run's inputs (importing pandas, reading the ledgers) and sends
    them back through a pipe: the facts, or the problems that refuse a file."""

    def __init__(self, pid: int, answers: int):
        self.pid: int | None = pid
        self.answers: int | None = answers  # the pipe's end the answer is read from

    @classmethod
    def start(cls, snapshots: list[sources.Snapshot], reading: Mapping[str, str | None]) -> "_Describer | None":
        """The child started, or None where a child cannot be forked safely (no fork, or threads running here)."""
        import threading

        if not hasattr(os, "fork") or threading.active_count() > 1:  # a fork copies no thread, but their locks
            return None
        parent = os.getpid()
        answers, answer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(answers)
            os.close(answer)
            return None
        if pid == 0:  # the child: never returns
            os.close(answers)
            _describe_in_child(answer, parent, snapshots, reading)
        os.close(answer)
        return cls(pid, answers)

    def answer(self) -> list[dict] | None:
        """The facts found (in the order given); DataError if a file is refused; None if the child gave no answer."""
        import pickle

        chunks = []
        while chunk := os.read(self.answers, 1 << 16):
            chunks.append(chunk)
        self.end()
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - no answer (the child was killed): this process works it out
            return None
        if kind == "refused" and value[0] in _REFUSALS:
            raise _REFUSALS[value[0]](value[1])
        return value if kind == "facts" else None

    def end(self) -> None:
        """The child gone and reaped (killed if it is still working: the run was interrupted), the pipe closed."""
        import signal

        if self.answers is not None:
            os.close(self.answers)
            self.answers = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None


def _describe_in_child(answer: int, parent: int, snapshots: list[sources.Snapshot],
                       reading: Mapping[str, str | None]) -> None:
    """The child's life: the facts of ``snapshots`` (or what refuses one) written to ``answer``; then it leaves at
    once, running none of the runner's clean-ups (they are the runner's: its lock, its copies, its folders)."""
    code = 1
    try:
        _end_with_parent(parent)
        try:
            found = ("facts", [_facts_of(snapshot, **reading) for snapshot in snapshots])
        except DataError as exc:
            found = ("refused", (type(exc).__name__, exc.problems))
        except BaseException:  # noqa: BLE001 - anything else is the runner's to find again, and say
            found = ("none", None)
        import pickle

        with os.fdopen(answer, "wb") as pipe:
            pipe.write(pickle.dumps(found))
        code = 0
    finally:
        os._exit(code)


def _end_with_parent(parent: int) -> None:
    """Have the kernel kill this child when the runner (``parent``) dies, ``kill -9`` included: the child holds a
    copy of the runner's lock."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):  # elsewhere: the child ends when its work does
        pass
    if os.getppid() != parent:  # the runner died before that was set
        os._exit(1)


def _fact_key(snapshot: sources.Snapshot, sheet: str | None, session: str | None, scheme: str | None) -> str:
    """What a file's facts are cached under: its content, the code's version and how it is read."""
    return f"{snapshot.sha256}:{provenance.code_hash()[:16]}" + "".join(
        f":{name}={value}" for name, value in (("sheet", sheet), ("session", session), ("scheme", scheme)) if value)


def take_snapshots(files: Iterable[str | Path], store: Path) -> list[sources.Snapshot]:
    """Each input read once into ``store`` (the run's private copies); the same file named twice counts once."""
    taken: dict[Path, sources.Snapshot] = {}
    for file in files:
        snapshot = sources.take_snapshot(file, store)
        taken.setdefault(snapshot.source, snapshot)
    return list(taken.values())


def default_data() -> list[Path]:
    """The bundled data: the sample ledger and the source document's published figures."""
    missing = [p for p in (paths.SAMPLE_LEDGER, paths.SOURCE_FIGURES) if not p.is_file()]
    if missing:
        raise RunError("缺少自带数据 bundled data missing: " + ", ".join(str(p) for p in missing)
                       + " (make sample-data regenerates the sample ledger)")
    return [paths.SAMPLE_LEDGER, paths.SOURCE_FIGURES]
