"""The run's inputs: each file read once into a snapshot, and what it is (a ledger or published figures, its sessions).

Facts about a file (its kind, sessions, sample flag, sheet) are worked out by the loader once and
cached in the outputs folder by content hash, code version and sheet, so an unchanged re-run
neither reads the data again nor imports pandas.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import paths, provenance, sources
from ..errors import DataError, Problem, RunError
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
                  sheet: str | None = None, session: str | None = None, scheme: str | None = None) -> list[DataFile]:
    """Kind, sessions, sample flag and sheet of each data file (via ``load.validate_files``); DataError if unusable.

    ``files`` are paths (read and hashed here) or a run's snapshots (their copies are read). Facts
    are cached in ``state_dir`` by content hash, code version, ``sheet``, ``session`` (of a ledger
    that names none) and ``scheme``, so an unchanged re-run does not read the data again.
    """
    facts = read_json(state_dir / FACTS_FILE) if state_dir else {}
    described, changed = [], False
    taken: dict[Path, sources.Snapshot] = {}
    for item in files:  # the same file named twice counts once
        snapshot = item if isinstance(item, sources.Snapshot) else sources.take_snapshot(item)
        taken.setdefault(snapshot.source, snapshot)
    for snapshot in taken.values():
        key = _fact_key(snapshot, sheet, session, scheme)
        fact = facts.get(key)
        if fact is None:
            from .. import load

            found = load.validate_files([load.InputFile(snapshot.path, str(snapshot.source))], sheet=sheet,
                                        session=session, scheme=scheme, sheet_for_workbooks_only=True)[0]
            errors = [p for p in found.problems if p.severity == "error"]
            if found.kind not in {"ledger", "figures"} or errors:
                raise DataError(errors or found.problems or
                                Problem(file=str(snapshot.source), message="无法识别的文件 not a ledger or "
                                        "published-figures file"))
            fact = {"kind": found.kind, "sessions": list(found.sessions), "is_sample": bool(found.is_sample),
                    "sheet": found.sheet}
            facts[key] = fact
            changed = True
        described.append(DataFile(snapshot.source, snapshot.sha256, fact["kind"], tuple(fact["sessions"]),
                                  bool(fact["is_sample"]),
                                  snapshot.path if snapshot.path != snapshot.source else None, fact.get("sheet")))
    if changed and state_dir:
        atomic_write(state_dir / FACTS_FILE, json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True))
    return described


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
