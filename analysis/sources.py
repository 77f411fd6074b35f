"""Input files as they come: opened only when they are files, read once, snapshotted by content for a run.

A path a user gives may be anything the file system holds. Before a byte is read, this module
checks what it is, and refuses with a message saying so whatever is not a regular file: a folder,
a named pipe (reading one waits for a writer that never comes), a device (``/dev/zero`` never
ends), a socket, a symbolic link that loops or points nowhere, a file the user may not read, a
file larger than ``MAX_FILE_BYTES``. The file is opened without blocking and checked again on
the open descriptor, so a pipe swapped in between the two looks cannot hang the reader.

A run reads each input once (``take_snapshot``): the bytes are copied into a content-addressed
store (``<a private temporary folder>/<sha256>/<file name>``) while they are hashed, and every report
of the run reads that copy. So what a page shows is exactly the bytes its footer's hash names, and
two reports of one run can never see two versions of a file a user saves meanwhile. The copy
keeps the user's file name, which is what a page footer shows and what a ledger's session may
be read from. ``changed`` tells whether the user's file was changed since it was copied; the
runner names such a file and does not cache the reports made from it.

The kernels of a run learn where the snapshots are from the environment variable
``SNAPSHOTS_ENV`` (``run_snapshots`` reads it), and how to read the ledgers (the run's
``--session`` and ``--scheme``) from ``READING_ENV`` (``run_reading``); outside a run they are
unset and files are read where they are, as the notebook's parameters say.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import FileFormatError, Problem
from .files import current_umask

MAX_FILE_BYTES = 2 << 30  # 2 GiB: about six million ledger rows; beyond it, split the file
SNAPSHOTS_ENV = "SA_INPUT_SNAPSHOTS"  # JSON {user's path: {"path": copy, "sha256": …, "sheet": …}} for a run's kernels
READING_ENV = "SA_INPUT_READING"  # JSON {"session": …, "scheme": …}: the run's --session and --scheme for its kernels
_CHUNK = 8 << 20
_COPY_ATTEMPTS = 3  # a file written to while it is copied is copied again, this many times in all
_ALLOWED = "CSV 或 XLSX 文件 / a CSV or XLSX file"


def _refusal(file: str, zh: str, en: str, code: str, value: str | None = None) -> FileFormatError:
    return FileFormatError([Problem(file=file, message=zh, message_en=en, code=code, value=value,
                                    allowed=_ALLOWED)])


_KINDS = (  # (test of st_mode, zh, en, code) for what is not a regular file
    (stat.S_ISDIR, "这是一个文件夹，不是文件", "this is a folder, not a file", "not_a_file"),
    (stat.S_ISFIFO, "这是一个命名管道（FIFO），不是文件；没有读取它（读取会一直等待写入方）",
     "this is a named pipe (FIFO), not a file; it was not read (reading would wait for a writer forever)",
     "not_a_file"),
    (stat.S_ISCHR, "这是一个设备文件（如 /dev/zero、终端），不是数据文件；没有读取它",
     "this is a device (such as /dev/zero or a terminal), not a data file; it was not read", "not_a_file"),
    (stat.S_ISBLK, "这是一个块设备（磁盘），不是数据文件；没有读取它",
     "this is a block device (a disk), not a data file; it was not read", "not_a_file"),
    (stat.S_ISSOCK, "这是一个套接字（socket），不是文件；没有读取它",
     "this is a socket, not a file; it was not read", "not_a_file"),
)


def _os_refusal(path: Path, file: str, exc: OSError) -> FileFormatError:
    """The message for an error of the operating system when looking at or opening ``path``."""
    if exc.errno == errno.ELOOP:
        return _refusal(file, "这是一个循环的符号链接（链接最终指向它自己），没有可读的文件",
                        "this is a symbolic link loop (the link ends up pointing at itself); there is no file to read",
                        "symlink_loop")
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            target = os.readlink(path)
            return _refusal(file, "这是一个符号链接，但它指向的文件不存在", "this is a symbolic link to a file that "
                            "does not exist", "dangling_link", value=target)
        return _refusal(file, "文件不存在", "no such file", "missing_file")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _refusal(file, f"无法读取文件：没有读取权限（{exc.strerror}）",
                        f"cannot read the file: no permission to read it ({exc.strerror})", "unreadable")
    if exc.errno == errno.ENOTDIR:
        return _refusal(file, "路径中有一段不是文件夹", "a part of the path is not a folder", "missing_file")
    return _refusal(file, f"无法读取文件（{exc.strerror or exc}）", f"cannot read the file ({exc.strerror or exc})",
                    "unreadable")


def _kind_refusal(mode: int, file: str) -> FileFormatError | None:
    for test, zh, en, code in _KINDS:
        if test(mode):
            return _refusal(file, zh, en, code)
    if not stat.S_ISREG(mode):
        return _refusal(file, "这不是普通文件，没有读取它", "this is not a regular file; it was not read", "not_a_file")
    return None


def open_regular(path: str | Path, file: str | None = None, *, limit: int = MAX_FILE_BYTES) -> int:
    """A descriptor open for reading on ``path`` if it is a regular file of at most ``limit`` bytes.

    FileFormatError (never a hang) for anything else, naming what it is. ``file`` is how the
    path is named in the message (default: the path as given).
    """
    path = Path(path)
    file = str(path) if file is None else file
    try:
        refusal = _kind_refusal(os.stat(path).st_mode, file)  # follows links: what they point at counts
    except OSError as exc:
        raise _os_refusal(path, file, exc) from None
    if refusal:
        raise refusal
    try:
        # O_NONBLOCK: should a pipe be swapped in after the look above, opening it does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_refusal(path, file, exc) from None
    info = os.fstat(fd)
    refusal = _kind_refusal(info.st_mode, file)
    if refusal is None and info.st_size > limit:
        refusal = _refusal(file, f"文件太大（{info.st_size / 2**30:.1f} GB），超过上限 {limit / 2**30:.0f} GB；请按会次拆分后再读",
                           f"the file is too large ({info.st_size / 2**30:.1f} GB, the limit is {limit / 2**30:.0f} GB); "
                           "split it by session", "too_large")
    if refusal:
        os.close(fd)
        raise refusal
    return fd


def read_input(path: str | Path, file: str | None = None, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """All the bytes of a regular file, read once; FileFormatError for anything else (see ``open_regular``)."""
    fd = open_regular(path, file, limit=limit)
    try:
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read()  # sized from the file, not from the limit: no 2 GiB buffer for a small file
    except OSError as exc:
        raise _os_refusal(Path(path), str(path) if file is None else file, exc) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise _refusal(str(path) if file is None else file, "文件在读取时变大，超过了上限",
                       "the file grew past the limit while it was read", "too_large")
    return data


# ---------------------------------------------------------------------------------------
# Snapshots: one copy per run, named by content
# ---------------------------------------------------------------------------------------


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file is saved: device, inode (a save by rename), size and modification time."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


@dataclass(frozen=True)
class Snapshot:
    """One input of a run: the user's file, the copy every report reads, its hash, the file's state when read."""

    source: Path  # the user's file (absolute)
    path: Path  # the copy (the user's file itself when no store was given)
    sha256: str
    signature: tuple[int, int, int, int]  # of the source when it was read

    def changed(self) -> bool:
        """True when the user's file was saved, replaced or removed since it was read."""
        try:
            return _signature(os.stat(self.source)) != self.signature
        except OSError:
            return True


def _copy(fd: int, target: Path | None) -> tuple[str, tuple, tuple]:
    """Hash the file open on ``fd`` (copying it to ``target`` when given): (sha256, signature before, after)."""
    before = _signature(os.fstat(fd))
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    out = open(target, "wb") if target is not None else None
    try:
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest(), before, _signature(os.fstat(fd))


def take_snapshot(path: str | Path, store: str | Path | None = None) -> Snapshot:
    """Read ``path`` once: its sha256 and, with a ``store``, a copy at ``store/<sha256>/<name>`` that the run reads.

    A file written to while it is read is read again (up to three times in all), then refused:
    a half-saved ledger must not become the run's data.
    """
    source = Path(path).absolute()
    fd = open_regular(source, str(path))
    try:
        for _ in range(_COPY_ATTEMPTS):
            temp = None
            if store is not None:
                Path(store).mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=store)
                os.close(handle)
                temp = Path(name)
            try:
                sha256, before, after = _copy(fd, temp)
                if before == after:
                    break
            except OSError as exc:
                if temp is not None:
                    temp.unlink(missing_ok=True)
                raise FileFormatError([Problem(
                    file=str(path), code="snapshot_failed", message=f"无法为本次运行保存该文件的副本（{exc.strerror or exc}）",
                    message_en=f"cannot keep a copy of the file for this run ({exc.strerror or exc})")]) from None
            if temp is not None:
                temp.unlink(missing_ok=True)
        else:
            raise FileFormatError([Problem(
                file=str(path), code="changing", message="文件在读取时一直在被写入（可能正在保存）；请等保存完成后再运行",
                message_en="the file kept changing while it was read (is it being saved?); run again when it is saved")])
    finally:
        os.close(fd)
    if temp is None:
        return Snapshot(source, source, sha256, before)
    target = Path(store) / sha256 / source.name
    try:
        if target.is_file() and target.stat().st_size == before[2]:
            temp.unlink()  # the same bytes were kept by an earlier run: content-addressed, so reuse them
        else:
            target.parent.mkdir(exist_ok=True)
            os.chmod(temp, 0o666 & ~current_umask())
            os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise FileFormatError([Problem(
            file=str(path), code="snapshot_failed", message=f"无法为本次运行保存该文件的副本（{exc.strerror or exc}）",
            message_en=f"cannot keep a copy of the file for this run ({exc.strerror or exc})")]) from None
    return Snapshot(source, target, sha256, before)


def environment(snapshots: list[tuple[Snapshot, str | None]], *, session: str | None = None,
                scheme: str | None = None) -> dict[str, str]:
    """The environment variables that point a run's kernels at its snapshots (and the sheet of each workbook),
    and tell them the session of a ledger that names none and the outcome scheme (``--session``, ``--scheme``)."""
    table = {str(s.source): {"path": str(s.path), "sha256": s.sha256, "sheet": sheet} for s, sheet in snapshots}
    return {SNAPSHOTS_ENV: json.dumps(table, ensure_ascii=False),
            READING_ENV: json.dumps({"session": session, "scheme": scheme}, ensure_ascii=False)}


def run_reading(env: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The current run's ``session`` and ``scheme`` for reading ledgers (None each outside a run or when not given)."""
    try:
        found = json.loads((os.environ if env is None else env).get(READING_ENV) or "{}")
    except ValueError:
        found = {}
    found = found if isinstance(found, dict) else {}
    return {key: (str(found[key]) if found.get(key) else None) for key in ("session", "scheme")}


def run_snapshots(env: Mapping[str, str] | None = None) -> dict[str, tuple[Path, str | None]]:
    """The current run's snapshots: user's path → (copy, sheet to read); {} outside a run or when unreadable."""
    text = (os.environ if env is None else env).get(SNAPSHOTS_ENV)
    if not text:
        return {}
    try:
        table = json.loads(text)
        return {str(source): (Path(entry["path"]), entry.get("sheet") or None) for source, entry in table.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}
