"""Fingerprints of what a report is made from: a file's SHA-256 and the hash of the package's code.

A page's footer names each input by its SHA-256; the runner's cache keys hold both, so a report
is made again when its data or the code that makes it change. Standard library only.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from . import paths


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_files() -> list[Path]:
    """The files of the analysis package whose content decides what a report says."""
    root = paths.PACKAGE_DIR
    # _bundled/ is an installed package's copy of data and notebooks, not code (they count as inputs)
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".js", ".yaml", ".json"}
             and not {"__pycache__", "_bundled"} & set(p.relative_to(root).parts)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


@lru_cache(maxsize=1)
def code_hash() -> str:
    """A hash of the analysis package's sources: changes whenever the code that makes reports does."""
    digest = hashlib.sha256()
    for file in code_files():
        digest.update(file.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
