"""The outputs folder: atomic writes, the lock that keeps two runs apart, room set aside for the index, clean-up.

Every file goes to a temporary file in its folder and is moved into place with ``os.replace``,
so a killed run never leaves a half-written file where a good one stood; the temporary files a
killed run left are removed by the next run, while it holds the lock. A lock on the folder keeps
two runs apart; the operating system releases it if its holder dies. Room for the index is set
aside when a run starts, so even a disk that fills up during a first run leaves an index of what
was made.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import RunError
from ..files import write_atomic

LOCK_WAIT_S = 10.0  # a second run waits this long for the first before refusing
LOCK_FILE = ".lock"
STATE_DIR = ".run"  # cache manifests and facts about data files, beside the outputs
RESERVE_BYTES = 128 << 10  # set aside at the start for the index (a few KB per report), freed to write it
STORE_PREFIX = "sa-inputs-"  # the run's private copies of its inputs, in the temporary folder


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace`` (never half-written)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        return write_atomic(path, payload)
    except OSError as exc:
        raise RunError(f"无法写入 cannot write {path}: {exc.strerror or exc}") from None


def is_temp_file(path: Path) -> bool:
    """True for a temp file ``atomic_write`` left behind when its process was killed."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def remove_temp_files(folders: Iterable[Path]) -> list[Path]:
    """Delete temp files a killed run left in ``folders`` (call only while holding the lock)."""
    removed = []
    for folder in folders:
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and is_temp_file(path):
                    path.unlink(missing_ok=True)
                    removed.append(path)
    return removed


def _try_lock(handle) -> bool:
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(handle) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class OutputLock:
    """An exclusive lock on an outputs folder; the operating system releases it if the holder dies."""

    def __init__(self, folder: str | Path, wait_s: float | None = None):
        self.path = Path(folder) / LOCK_FILE
        # SA_LOCK_WAIT_S shortens or lengthens the wait (tests, or a scheduler that retries itself).
        self.wait_s = float(os.environ.get("SA_LOCK_WAIT_S", LOCK_WAIT_S)) if wait_s is None else wait_s
        self._handle = None

    def __enter__(self) -> "OutputLock":
        try:
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            raise RunError(f"无法在输出文件夹加锁 cannot lock the outputs folder {self.path.parent}: "
                           f"{exc.strerror or exc}") from None
        deadline = time.monotonic() + self.wait_s
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                handle.close()
                raise RunError(
                    f"另一个运行正在写入 {self.path.parent}（{holder}），已等待 {self.wait_s:g} 秒；请等它结束，"
                    f"或用 --out 指定另一个文件夹。 Another run is writing to {self.path.parent} ({holder}); "
                    f"waited {self.wait_s:g} s. Wait for it to finish or use --out with another folder.")
            time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {dt.datetime.now().isoformat(timespec='seconds')}")
            handle.flush()
        except OSError as exc:  # a full disk: say so, never a traceback
            _unlock(handle)
            handle.close()
            raise RunError(f"无法在输出文件夹加锁 cannot lock the outputs folder {self.path.parent}: "
                           f"{exc.strerror or exc}") from None
        self._handle = handle
        return self

    def __exit__(self, *exc_info) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


def reserve_path(state_dir: Path, pid: int | None = None) -> Path:
    return state_dir / f"reserve-{pid or os.getpid()}"


def release_reserve(state_dir: Path) -> None:
    """Free the room set aside for the index (nothing to do if it was never made, or cannot be removed)."""
    try:
        reserve_path(state_dir).unlink(missing_ok=True)
    except OSError:
        pass  # a folder that turned read-only: the reserve stays, the next run removes it


def prepare_folders(folders: Mapping[str, Path]) -> Path:
    """Make the output folders and set aside ``RESERVE_BYTES`` for the index; RunError when they cannot be written.

    The reserve also proves the folder takes new bytes (an empty file needs no free space, so a
    full disk would pass a probe without them); it is freed just before the index is written.
    """
    state_dir = folders["root"] / STATE_DIR
    try:
        for folder in (*folders.values(), state_dir):
            folder.mkdir(parents=True, exist_ok=True)
        reserve_path(state_dir).write_bytes(b"\0" * RESERVE_BYTES)  # written, not sparse: blocks really taken
    except OSError as exc:
        release_reserve(state_dir)
        raise RunError(f"无法写入输出文件夹 cannot write to the outputs folder {folders['root']}: "
                       f"{exc.strerror or exc}") from None
    return state_dir


def missing_folders(folders: Iterable[Path]) -> list[Path]:
    """The folders (and their parents) that do not exist yet, deepest first."""
    missing: dict[Path, None] = {}
    for folder in folders:
        for path in (folder, *folder.parents):
            if path.exists():
                break
            missing[path] = None
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def remove_empty_folders(made: list[Path], lock: Path) -> None:
    """Remove the folders a failed run made that hold nothing (its lock file aside); others are left as they are."""
    for path in ([lock] if lock.parent in made else []) + made:
        try:
            path.unlink() if path == lock else path.rmdir()  # rmdir: only an empty folder goes
        except OSError:
            pass  # not there, not empty, or not ours to change: left as it is


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive under another user
    return True


def remove_dead_stores(folder: Path) -> None:
    """Delete the input copies of runs that were killed (``sa-inputs-<pid>-…`` of a process that is gone)."""
    import shutil

    for path in folder.glob(f"{STORE_PREFIX}*"):
        pid = path.name.removeprefix(STORE_PREFIX).partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def remove_dead_reserves(state_dir: Path) -> None:
    """Delete the reserves of runs that were killed (call only while holding the lock)."""
    for path in state_dir.glob("reserve-*"):
        pid = path.name.removeprefix("reserve-")
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            path.unlink(missing_ok=True)


def remove_dropped_outputs(root: Path, old: Mapping[str, str], new: Mapping[str, str]) -> None:
    # A report that no longer makes a workbook or Word draft must not leave last run's behind.
    # A PDF that could not be printed this time must not stand beside a page it no longer matches.
    for kind, rel in old.items():
        if kind in {"excel", "word", "pdf"} and kind not in new:
            (root / rel).unlink(missing_ok=True)
