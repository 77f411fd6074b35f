"""Writing output files: atomically (never half-written) and stamped with one build time.

Every output of the package (pages, workbooks, Word drafts, executed notebooks, the index, a
sample record) is written through ``write_atomic``: a temporary file in the same folder, flushed
to disk, then moved into place with ``os.replace``, so a reader — or a run killed half way —
never sees a half-written file where a good one stood. ``build_time`` is the one time every
output carries: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now. Standard
library only, so a run that decides nothing changed stays light.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .errors import ConfigError


def build_time() -> dt.datetime:
    """The time to stamp on outputs (UTC): ``SOURCE_DATE_EPOCH`` when set, else now."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        seconds = int(raw)
    except ValueError:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970-01-01 UTC "
            "(e.g. 1720000000); unset it to use the current time"
        ) from None
    if seconds < 0:
        raise ConfigError(f"SOURCE_DATE_EPOCH={raw!r} must not be negative")
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def current_umask() -> int:
    """The process's file-creation mask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, so only as a fallback)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write bytes to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~current_umask())  # as any other new file: the user's umask decides who may read it
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
