"""The cache: a report whose notebook, parameters, data, code and environment are unchanged is not made again.

Each report's key is a hash of its parts (``cache_parts``); the manifest of its last build
(``.run/<report>.json`` beside the outputs) records that key, its parts, its status and its files.
``is_up_to_date`` decides from the manifest alone; ``why_redo`` says why a report is made again
(which parts changed). Nothing here reads a ledger or starts a kernel, and nothing imports pandas:
a run that decides nothing changed stays light.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import paths, provenance
from ..errors import RunError
from ..reasons import Changed, ChangedList, Message, Reason, of
from .outputs import atomic_write

CACHE_FORMAT = 1  # bump when the meaning of a cache key changes
FACTS_FILE = "facts.json"  # facts about data files, beside the manifests (analysis.run.inputs)
# Versions that change what a report computes or how it looks.
FINGERPRINT_PACKAGES = ("pandas", "numpy", "scipy", "plotly", "papermill", "nbclient", "ipykernel", "openpyxl",
                        "python-docx", "mistune")
# The parts of a key named in a report's line; settings files and libraries are grouped.
_PART_WORDS = {
    "notebook": Changed.NOTEBOOK, "parameters": Changed.PARAMETERS, "data": Changed.DATA, "env:code": Changed.CODE,
    "env:SOURCE_DATE_EPOCH": Changed.BUILD_TIME, "format": Changed.CACHE_FORMAT,
    "env:pseudonym_key": Changed.PSEUDONYM_KEY, "env:pdf": Changed.PDF,
}


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _normal_name(name: str) -> str:
    return "".join("_" if c in "-." else c for c in name).lower()  # python-docx, python_docx, Python.Docx: one name


def _installed_versions(packages: Iterable[str]) -> dict[str, str]:
    """Each package's installed version, as ``importlib.metadata.version`` gives it, read from the names of the
    ``<name>-<version>.dist-info`` folders on ``sys.path`` (the first one found, as importlib finds it).

    A no-change rerun reads ten versions; importing ``importlib.metadata`` and asking it costs that run a
    fifth of its CPU, a folder listing almost nothing. A package found otherwise (an ``.egg-info``, nothing
    found) is asked of ``importlib.metadata`` after all, so the value is always the one it would give.
    """
    wanted = {_normal_name(name): name for name in packages}
    found: dict[str, str] = {}
    ask: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip, a folder that is gone
            continue
        for folder in names:
            stem, dot, kind = folder.rpartition(".")
            if not dot or kind not in {"dist-info", "egg-info"}:
                continue
            name, _, version = stem.partition("-")
            key = _normal_name(name)
            if key not in wanted or wanted[key] in found or wanted[key] in ask:
                continue
            if kind == "dist-info" and version and "-" not in version:
                found[wanted[key]] = version
            else:
                ask.add(wanted[key])
    return {name: found[name] if name in found else _version(name) for name in packages}


def environment_fingerprint() -> dict[str, str]:
    """What besides notebook, parameters and data decides a report: code, library versions, build time."""
    inputs = [paths.CONFIG_FILE, *sorted(paths.SCHEMES_DIR.glob("*.yaml"))]
    # The bundled peer reports: a report dropped into data/peers redoes the page that compares with them.
    peer_files = sorted(p for p in paths.PEERS_DIR.glob("*") if p.is_file()) if paths.PEERS_DIR.is_dir() else []
    return {
        "code": provenance.code_hash(),
        "python": sys.version.split()[0],
        **{f"pkg:{name}": version for name, version in _installed_versions(FINGERPRINT_PACKAGES).items()},
        **{f"file:{p.name}": provenance.file_sha256(p) for p in inputs if p.is_file()},
        **{f"file:peers/{p.name}": provenance.file_sha256(p) for p in peer_files},
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_parts(notebook: bytes, parameters: Mapping[str, Any], data_hashes: Iterable[str],
                environment: Mapping[str, str]) -> dict[str, str]:
    """What a report's key is made of, part by part (kept in its manifest to say why it was redone)."""
    return {
        "format": str(CACHE_FORMAT),
        "notebook": hashlib.sha256(notebook).hexdigest(),
        "parameters": _digest(dict(parameters)),
        "data": _digest(sorted(data_hashes)),
        **{f"env:{name}": str(value) for name, value in environment.items()},
    }


def cache_key(notebook: bytes, parameters: Mapping[str, Any], data_hashes: Iterable[str],
              environment: Mapping[str, str]) -> str:
    """The key of one report: changes when its notebook, parameters, data or environment do, not otherwise."""
    return _digest(cache_parts(notebook, parameters, data_hashes, environment))


def changed_parts(old: Mapping[str, str], new: Mapping[str, str]) -> list[Changed]:
    """The parts of a cache key that differ, as codes (libraries and settings grouped), each once."""
    changed: list[Changed] = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            if name in _PART_WORDS:
                part = _PART_WORDS[name]
            elif name.startswith("env:file:peers/"):  # another congress's report: data, not a setting
                part = Changed.DATA
            elif name.startswith("env:file:"):
                part = Changed.SETTINGS
            else:
                part = Changed.LIBRARIES
            if part not in changed:
                changed.append(part)
    return changed


# ---------------------------------------------------------------------------------------
# Manifests: what the last build of each report was
# ---------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """The record of a report's last build (``.run/<report>.json``); empty when it was never built."""

    key: str = ""
    parts: dict[str, str] = field(default_factory=dict)
    status: str = ""  # "done" | "failed" | "skipped"; "" when there is no record
    title: str = ""
    session: str = ""
    session_words: dict[str, str] = field(default_factory=dict)  # the session as the index shows it, by language
    outputs: dict[str, str] = field(default_factory=dict)  # kind → path relative to the outputs folder
    n_figures: int = 0
    is_sample: bool = False
    message: str = ""  # the report's line, for a person reading the folder
    built_at: str = ""
    input_changed: list[str] = field(default_factory=list)  # data files saved while the build read them
    kernel_run: int = 0  # the build's place in its kernel's life (1: a new kernel), for a person checking reuse
    own_seconds: float = 0.0  # how long its cells and export took: the next run starts the longest reports first

    @classmethod
    def from_json(cls, raw: Mapping) -> "Manifest":
        """A manifest from its JSON (missing fields take their defaults; unknown ones are ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        try:
            return cls(**{k: v for k, v in raw.items() if k in known})
        except TypeError:
            return cls()

    def to_json(self) -> str:
        """The manifest as the JSON written beside the outputs."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1)


def read_json(path: Path) -> dict:
    """A JSON file's object, or {} when it is missing or unreadable (the cache is then recomputed)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def manifest_path(state_dir: Path, name: str) -> Path:
    """Where the manifest of report ``name`` is kept."""
    return state_dir / f"{name}.json"


def read_manifest(state_dir: Path, name: str) -> Manifest:
    """The manifest of report ``name``'s last build (empty when there is none or it cannot be read)."""
    return Manifest.from_json(read_json(manifest_path(state_dir, name)))


def write_manifest(state_dir: Path, name: str, manifest: Manifest) -> None:
    """Record a report's manifest; RunError when it cannot be written (then no older one is left to vouch)."""
    try:
        atomic_write(manifest_path(state_dir, name), manifest.to_json())
    except RunError:
        manifest_path(state_dir, name).unlink(missing_ok=True)  # an older one must not vouch for new files
        raise


def outputs_exist(root: Path, outputs: Mapping[str, str]) -> bool:
    """True when a report has a page and every file its manifest lists is still there."""
    return bool(outputs.get("html")) and all((root / rel).is_file() for rel in outputs.values())


def is_up_to_date(manifest: Manifest, key: str, root: Path, force: bool = False) -> bool:
    """True when the report need not be made: same key, built without failing, from unchanged input, files present."""
    return (not force and manifest.key == key and manifest.status == "done" and not manifest.input_changed
            and outputs_exist(root, manifest.outputs))


def why_redo(manifest: Manifest, parts: Mapping[str, str], key: str, force: bool) -> Message:
    """Why a report is made again, for its line (empty on a first build)."""
    if not manifest.status:
        return ()
    if force:
        return of(Reason.REDONE, Reason.FORCED)
    if manifest.status != "done":
        return of(Reason.REDONE, Reason.FAILED_LAST_TIME)
    if manifest.input_changed:
        return of(Reason.REDONE, Reason.INPUT_CHANGED)
    if manifest.key == key:
        return of(Reason.REDONE, Reason.OUTPUT_MISSING)
    return of(Reason.REDONE, ChangedList(tuple(changed_parts(manifest.parts, parts))))


def remove_stale_outputs(state_dir: Path, root: Path, keep: Iterable[str]) -> list[str]:
    """Remove the files of reports not in ``keep`` (earlier data's reports, reports whose input is gone) and
    their manifests (call only while holding the lock); returns their names.

    Only files a manifest records are removed; what else is in the folder (a sample draw, a user's
    own file) stays. A failed report keeps its last good page (the index links only its trail).
    """
    kept = set(keep)
    removed = []
    for path in sorted(state_dir.glob("*.json")):
        if path.name == FACTS_FILE or path.stem in kept:
            continue
        try:
            for rel in Manifest.from_json(read_json(path)).outputs.values():
                target = (root / str(rel)).resolve()
                if target.is_relative_to(root.resolve()) and target.is_file() and target.parent != state_dir:
                    target.unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        except OSError:
            continue  # a folder that refuses changes: the manifest stays, and a later run removes them
        removed.append(path.stem)
    return removed
