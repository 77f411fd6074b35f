"""``python -m analysis run``: execute the report notebooks with papermill and export what readers receive.

A run plan (``run_plan.yaml``) lists notebooks × parameter sets; ``for_each: session`` makes one
report per session found in the data. Each report is executed in a pool of worker processes,
exported in the same worker (HTML, Excel, Word) and written atomically. A report whose
notebook, parameters, input data and code are unchanged is skipped (``--force`` redoes it).
One failing report does not stop the others; its executed notebook is kept with the error,
the index marks it, and the run exits non-zero.

Speed: each worker keeps one spare kernel starting (and importing the modules the plan's
notebooks import) while it executes the current notebook, so kernel start-up is not paid in series; papermill,
nbformat and the exporter are imported once per worker, not once per report.

Safety: a lock on the outputs folder keeps two runs apart; every file goes to a temporary
file in its folder and is moved into place with ``os.replace``, so a killed run never leaves
a half-written file where a good one stood; every cell has a timeout. Kernels listen on Unix
sockets in a private folder (no TCP port races between kernels starting together), and a
kernel that never answers is replaced once before the notebook's first cell.

Truth of outputs: each input file is read once per run into a snapshot named by its content
(``analysis.sources``, in a private temporary folder removed when the run ends — never in the outputs
folder, which a pseudonymised run must keep free of names) and every report reads that copy, so a page shows
exactly the bytes its footer's hash names, and a file saved while the run goes cannot mix two
versions across reports; a file changed during the run is named and its reports are not cached.
Reports of earlier data that this run's plan does not make (another ledger's sessions) are removed
with their files, so the folder holds what the index lists. Room for the index is set aside when
the run starts, so even a disk that fills up during a first run leaves an index of what was made.
"""
from __future__ import annotations

import concurrent.futures as futures
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from . import paths, report, sessions, sources
from .errors import ConfigError, DataError, Problem, RunError

DEFAULT_TIMEOUT_S = 600  # per cell
LOCK_WAIT_S = 10.0  # a second run waits this long for the first before refusing
KERNEL_START_TIMEOUT_S = 60  # a kernel that has not answered by then is replaced
KERNEL_START_ATTEMPTS = 2
STATE_DIR = ".run"  # cache manifests and facts about data files, beside the outputs
FACTS_FILE = "facts.json"
RESERVE_BYTES = 128 << 10  # set aside at the start for the index (a few KB per report), freed to write it
LOCK_FILE = ".lock"
STORE_PREFIX = "sa-inputs-"  # the run's private copies of its inputs, in the temporary folder
MAX_JOBS = 64
MAX_TIMEOUT_S = 7 * 24 * 3600
ENGINE_NAME = "suggestion-analytics"
CACHE_FORMAT = 1  # bump when the meaning of a cache key changes
PLAN_KEYS = {"notebook", "name", "title", "parameters", "for_each", "needs"}
FOR_EACH = {"session"}
NEEDS = {"ledger", "figures"}
# Modules every spare kernel imports while it waits (besides those the plan's notebooks import).
BASE_WARM_IMPORTS = ("IPython.display", "analysis.report")
# Versions that change what a report computes or how it looks.
FINGERPRINT_PACKAGES = ("pandas", "numpy", "scipy", "plotly", "papermill", "nbclient", "ipykernel", "openpyxl",
                        "python-docx", "mistune")


# ---------------------------------------------------------------------------------------
# Atomic writes and the outputs lock
# ---------------------------------------------------------------------------------------


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace`` (never half-written)."""
    from .excel import write_atomic  # the one atomic writer of the package

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


# ---------------------------------------------------------------------------------------
# The run plan
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    """One entry of a run plan: a notebook and how to run it."""

    notebook: Path
    name: str | None = None  # may use {stem} and, with for_each session, {session_code}
    title: Any = None  # a string, or {zh: …, en: …}
    parameters: Mapping[str, Any] = field(default_factory=dict)
    for_each: str | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunPlan:
    """A parsed run plan: entries, parameters every report gets, modules to pre-import."""

    entries: tuple[PlanEntry, ...]
    defaults: Mapping[str, Any]
    warm_imports: tuple[str, ...]  # besides what the notebooks import (found by reading them)
    source: Path


@dataclass(frozen=True)
class PlannedReport:
    """One report to make: its output name, notebook and plan parameters."""

    name: str
    notebook: Path
    parameters: Mapping[str, Any]
    title: Any = None
    needs: tuple[str, ...] = ()
    session: str = ""


def _plan_error(source: Path, where: str, message: str) -> ConfigError:
    return ConfigError(f"{source}: {where}: {message}")


def load_plan(path: str | Path | None = None) -> RunPlan:
    """Read and check a run plan YAML (default ``run_plan.yaml``); ConfigError names what is wrong."""
    source = Path(path) if path else paths.RUN_PLAN
    if not source.is_file():
        raise ConfigError(f"运行计划不存在 run plan not found: {source}")
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list) or not raw["reports"]:
        raise _plan_error(source, "top level", "expected a mapping with a non-empty list `reports`")
    unknown = set(raw) - {"reports", "defaults", "notebooks_dir", "warm_imports"}
    if unknown:
        raise _plan_error(source, "top level", f"unknown keys {sorted(unknown)}; allowed: reports, defaults, "
                                               "notebooks_dir, warm_imports")
    notebooks_dir = paths.NOTEBOOKS_DIR
    if raw.get("notebooks_dir"):
        notebooks_dir = (source.parent / str(raw["notebooks_dir"])).resolve()
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise _plan_error(source, "defaults", "expected a mapping of parameter names to values")
    warm = raw.get("warm_imports", [])
    if not isinstance(warm, list) or not all(isinstance(m, str) for m in warm):
        raise _plan_error(source, "warm_imports", "expected a list of module names")
    entries = []
    for number, item in enumerate(raw["reports"], start=1):
        where = f"reports[{number}]"
        if not isinstance(item, dict) or not item.get("notebook"):
            raise _plan_error(source, where, "expected a mapping with at least `notebook`")
        unknown = set(item) - PLAN_KEYS
        if unknown:
            raise _plan_error(source, where, f"unknown keys {sorted(unknown)}; allowed: {sorted(PLAN_KEYS)}")
        if item.get("for_each") is not None and item["for_each"] not in FOR_EACH:
            raise _plan_error(source, where, f"for_each {item['for_each']!r} not supported; allowed: session")
        needs = item.get("needs") or []
        if isinstance(needs, str):
            needs = [needs]
        if not set(needs) <= NEEDS:
            raise _plan_error(source, where, f"needs {needs!r}: allowed values are ledger, figures")
        parameters = item.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise _plan_error(source, where, "parameters: expected a mapping")
        entries.append(PlanEntry(notebook=(notebooks_dir / str(item["notebook"])), name=item.get("name"),
                                 title=item.get("title"), parameters=parameters, for_each=item.get("for_each"),
                                 needs=tuple(needs)))
    return RunPlan(entries=tuple(entries), defaults=defaults, warm_imports=tuple(warm), source=source)


def session_code(label: str) -> str:
    """A short file-name-safe code of a session: 十八届人大二次会议 → '18-2'."""
    parsed = sessions.parse_session(label)
    if parsed is None:
        raise ConfigError(f"not a session label: {label!r}")
    return f"{parsed.term}-{parsed.number}"


_NAME_OK = str.maketrans("", "", "-_.")


def expand_plan(plan: RunPlan, session_labels: Iterable[str]) -> list[PlannedReport]:
    """The reports a plan makes, with ``for_each: session`` expanded over ``session_labels`` (in order)."""
    labels = sorted(set(session_labels), key=sessions.session_sort_key)
    planned: list[PlannedReport] = []
    for entry in plan.entries:
        stem = entry.notebook.stem
        if entry.for_each == "session":
            for label in labels:
                name = (entry.name or "{stem}_{session_code}").format(stem=stem, session_code=session_code(label))
                params = {**entry.parameters, "session": label}
                planned.append(PlannedReport(name, entry.notebook, params, entry.title, entry.needs, label))
        else:
            name = (entry.name or "{stem}").format(stem=stem, session_code="")
            session = str(entry.parameters.get("session") or "")
            planned.append(PlannedReport(name, entry.notebook, dict(entry.parameters), entry.title, entry.needs,
                                         session))
    seen: set[str] = set()
    for item in planned:
        if not item.name or not item.name.translate(_NAME_OK).isalnum():
            raise _plan_error(plan.source, item.notebook.name,
                              f"report name {item.name!r} may hold only letters, digits, '-', '_' and '.'")
        if item.name in seen:
            raise _plan_error(plan.source, item.notebook.name, f"two reports are named {item.name!r}; give `name`")
        seen.add(item.name)
    return planned


def plan_title(title: Any, lang: str) -> str:
    """A plan entry's title in ``lang`` ('' when it has none)."""
    if isinstance(title, dict):
        return str(title.get(lang) or title.get("zh") or next(iter(title.values()), ""))
    return "" if title is None else str(title)


# ---------------------------------------------------------------------------------------
# Input data: which files are ledgers, which sessions they hold (cached by content hash)
# ---------------------------------------------------------------------------------------


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


def _facts_path(state_dir: Path) -> Path:
    return state_dir / FACTS_FILE


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or unreadable cache: recompute


def describe_data(files: Iterable[str | Path | sources.Snapshot], *, state_dir: Path | None = None,
                  sheet: str | None = None, session: str | None = None, scheme: str | None = None) -> list[DataFile]:
    """Kind, sessions, sample flag and sheet of each data file (via ``load.validate_files``); DataError if unusable.

    ``files`` are paths (read and hashed here) or a run's snapshots (their copies are read). Facts
    are cached in ``state_dir`` by content hash, code version, ``sheet``, ``session`` (of a ledger
    that names none) and ``scheme``, so an unchanged re-run does not read the data again.
    """
    facts = _read_json(_facts_path(state_dir)) if state_dir else {}
    version = report.code_hash()[:16]
    described, changed = [], False
    taken: dict[Path, sources.Snapshot] = {}
    for item in files:  # the same file named twice counts once
        snapshot = item if isinstance(item, sources.Snapshot) else sources.take_snapshot(item)
        taken.setdefault(snapshot.source, snapshot)
    for snapshot in taken.values():
        key = f"{snapshot.sha256}:{version}" + "".join(f":{name}={value}" for name, value in
                                                        (("sheet", sheet), ("session", session), ("scheme", scheme))
                                                        if value)
        fact = facts.get(key)
        if fact is None:
            from . import load

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
        atomic_write(_facts_path(state_dir), json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True))
    return described


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


# ---------------------------------------------------------------------------------------
# Cache keys
# ---------------------------------------------------------------------------------------


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def environment_fingerprint() -> dict[str, str]:
    """What besides notebook, parameters and data decides a report: code, library versions, build time."""
    inputs = [paths.CONFIG_FILE, *sorted(paths.SCHEMES_DIR.glob("*.yaml"))]
    # The bundled peer reports: a report dropped into data/peers redoes the page that compares with them.
    peer_files = sorted(p for p in paths.PEERS_DIR.glob("*") if p.is_file()) if paths.PEERS_DIR.is_dir() else []
    return {
        "code": report.code_hash(),
        "python": sys.version.split()[0],
        **{f"pkg:{name}": _version(name) for name in FINGERPRINT_PACKAGES},
        **{f"file:{p.name}": report.file_sha256(p) for p in inputs if p.is_file()},
        **{f"file:peers/{p.name}": report.file_sha256(p) for p in peer_files},
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


# Why a report has its status. The console says it in both languages at once ("未改变 up to date");
# the index page in the page's language (export.reason_text). Each entry: (both, Chinese, English);
# {n} stands for a number.
REASON_WORDS: dict[str, tuple[str, str, str]] = {
    "redone": ("重做 redone: ", "重做：", "redone: "),
    "changed": ("已改变 changed", "已改变", "changed"),
    "up_to_date": ("未改变 up to date", "未改变", "up to date"),
    "failed_last_time": ("上次失败 it failed last time", "上次失败", "it failed last time"),
    "output_missing": ("输出文件缺失 an output file is missing", "输出文件缺失", "an output file is missing"),
    "no_ledger": ("没有台账 no ledger given", "没有台账", "no ledger given"),
    "no_figures": ("没有已公布数字文件 no published-figures file given", "没有已公布数字文件",
                   "no published-figures file given"),
    "cannot_read_notebook": ("笔记本无法读取 cannot read notebook ", "笔记本无法读取：", "cannot read notebook "),
    "worker_died": ("工作进程退出 worker process died: ", "工作进程退出：", "worker process died: "),
    "cell": ("第{n}格 cell {n}", "第{n}格", "cell {n}"),
    "cell_timeout": ("单元格运行超过 {n} 秒 cell ran longer than {n} s", "单元格运行超过 {n} 秒", "cell ran longer than {n} s"),
    "kernel_died": ("内核意外退出 the kernel died", "内核意外退出", "the kernel died"),
    "kernel_silent": ("内核没有应答 the kernel never answered", "内核没有应答", "the kernel never answered"),
    "kernels_tried": ("（试了 {n} 个内核 tried {n} kernels）", "（试了 {n} 个内核）", " (tried {n} kernels)"),
    "kernel_replaced": ("内核未响应，已换新内核重试 a kernel did not answer and was replaced",
                        "内核未响应，已换新内核重试", "a kernel did not answer and was replaced"),
    "pdf_failed": ("PDF 未生成 PDF not written: ", "PDF 未生成：", "PDF not written: "),
    "input_changed": ("数据文件在上次运行期间被改动 a data file changed during the last run",
                      "数据文件在上次运行期间被改动", "a data file changed during the last run"),
    "input_changed_now": ("数据文件在运行期间被改动，本次报告按运行开始时读入的内容生成，下次运行将重做 "
                          "a data file changed during the run; the reports were made from the bytes read when it "
                          "started and will be redone next time", "数据文件在运行期间被改动",
                          "a data file changed during the run"),
    "not_in_this_run": ("本次运行没有这份报告（数据或运行计划已变），已删除它的文件 not made by this run "
                        "(other data or plan): its files were removed", "本次运行没有这份报告，已删除",
                        "not made by this run: removed"),
    "manifest_not_written": ("缓存记录无法写入，下次运行将重做这份报告 the cache record could not be written; "
                             "the report will be redone next time", "缓存记录无法写入", "cache record not written"),
}
# What changed since a report was last made, by the part of its cache key (files of settings and
# libraries are grouped), in the same three forms.
CHANGED_WORDS: dict[str, tuple[str, str, str]] = {
    "notebook": ("笔记本 notebook", "笔记本", "notebook"),
    "parameters": ("参数 parameters", "参数", "parameters"),
    "data": ("数据 data", "数据", "data"),
    "env:code": ("代码 code", "代码", "code"),
    "env:SOURCE_DATE_EPOCH": ("生成时间 build time", "生成时间", "build time"),
    "format": ("缓存格式 cache format", "缓存格式", "cache format"),
    "env:pseudonym_key": ("假名密钥 pseudonym key", "假名密钥", "pseudonym key"),
    "settings": ("设置 settings", "设置", "settings"),
    "libraries": ("程序库 libraries", "程序库", "libraries"),
    "env:pdf": ("PDF 打印 PDF printing", "PDF 打印", "PDF printing"),
}


def say(reason: str, n: int | None = None) -> str:
    """The console's words for ``reason`` (a key of REASON_WORDS), both languages at once."""
    words = REASON_WORDS[reason][0]
    return words.replace("{n}", str(n)) if n is not None else words


def changed_parts(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """The parts of a cache key that differ, in words (libraries and settings grouped)."""
    changed = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            if name in CHANGED_WORDS:
                word = CHANGED_WORDS[name][0]
            elif name.startswith("env:file:peers/"):  # another congress's report: data, not a setting
                word = CHANGED_WORDS["data"][0]
            elif name.startswith("env:file:"):
                word = CHANGED_WORDS["settings"][0]
            else:
                word = CHANGED_WORDS["libraries"][0]
            if word not in changed:
                changed.append(word)
    return changed


# ---------------------------------------------------------------------------------------
# Worker side: warm kernels, papermill, export
# ---------------------------------------------------------------------------------------

_SPARE: "_Kernel | None" = None
_LIVE: set = set()
_WARM: tuple[str, ...] = ()


class _Kernel:
    """A kernel started ahead of need; it imports the warm modules while nobody waits for it."""

    def __init__(self, kernel_name: str, cwd: str, warm: Iterable[str]):
        import subprocess
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name, self.cwd = kernel_name, cwd
        self.stderr = tempfile.TemporaryFile()  # read back when the kernel dies
        self.socket_dir = _kernel_socket_dir()
        if self.socket_dir:
            self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                         ip=os.path.join(self.socket_dir, "kernel"))
        else:
            self.km = AsyncKernelManager(kernel_name=kernel_name)
        arguments = ["--HistoryManager.hist_file=:memory:"]
        if warm:
            arguments.append(f"--IPKernelApp.exec_lines={_warm_code(warm)}")
        env = dict(os.environ, PYTHONHASHSEED="0")  # set and dict order identical from run to run
        run_sync(self.km.start_kernel)(extra_arguments=arguments, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                       stderr=self.stderr)
        _LIVE.add(self)

    def stderr_tail(self, limit: int = 600) -> str:
        """The end of what the kernel wrote to stderr (why it died)."""
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace")[-limit:].strip()
        except (OSError, ValueError):
            return ""

    def death_note(self) -> str:
        """Why the kernel died, as far as it can tell: exit code and its last line on stderr."""
        process = getattr(self.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        lines = [line for line in self.stderr_tail().splitlines()
                 if line.strip() and "running over TCP without encryption" not in line]
        note = f" (exit code {code})" if code is not None else ""
        return note + (f": {_one_line(lines[-1])}" if lines else "")

    def kill(self) -> None:
        """Stop the kernel now (used by the parent watchdog: no event loop, no waiting)."""
        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
        self._remove_socket_dir()

    def _remove_socket_dir(self) -> None:
        if self.socket_dir:
            import shutil

            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop the kernel and release its files."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # a kernel that already died: make sure the process is gone
            self.kill()
        finally:
            self.stderr.close()
            self._remove_socket_dir()
            _LIVE.discard(self)


# Unix socket paths longer than this do not fit in sockaddr_un (108 bytes, with room for "-N").
_MAX_SOCKET_PATH = 100


def _kernel_socket_dir() -> str | None:
    """A private folder for a kernel's Unix sockets, or None where they cannot be used (then TCP).

    Over TCP, jupyter_client picks free ports by binding and releasing them, and the kernel binds
    them a second later: another kernel starting at the same moment (two workers do) can be given
    the same port, and a client connecting before the kernel listens can end up connected to
    itself. Either leaves a kernel that never answers. Unix sockets in a folder of its own cannot
    collide, and are only reachable by this user.
    """
    import tempfile

    if os.name != "posix":
        return None
    folder = tempfile.mkdtemp(prefix="sa-kernel-")
    if len(folder) + len("/kernel-65535") > _MAX_SOCKET_PATH:
        os.rmdir(folder)
        return None
    return folder


def notebook_imports(notebook: bytes) -> list[str]:
    """The modules a notebook's code cells import, in order (``from a import b`` gives a and a.b)."""
    import ast

    try:
        cells = json.loads(notebook.decode("utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError, AttributeError):
        return []
    found: dict[str, None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        try:
            tree = ast.parse("".join(source) if isinstance(source, list) else source)
        except SyntaxError:  # IPython magics and the like: nothing to learn from this cell
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update((f"{node.module}.{alias.name}", None) for alias in node.names if alias.name != "*")
    return list(found)


def _warm_code(modules: Iterable[str]) -> str:
    """Kernel start-up code importing ``modules``: a missing one is passed over, and no name is left behind."""
    names = ", ".join(repr(m) for m in modules)
    return (f"for _sa_module in ({names},):\n"
            "    try:\n        __import__(_sa_module)\n    except Exception:\n        pass\n"
            "del _sa_module")


def _take_kernel(kernel_name: str, cwd: str) -> _Kernel:
    global _SPARE
    spare, _SPARE = _SPARE, None
    if spare is not None and (spare.kernel_name, spare.cwd) == (kernel_name, cwd):
        return spare
    if spare is not None:
        spare.shutdown()
    return _Kernel(kernel_name, cwd, _WARM)


def _prestart(kernel_name: str, cwd: str) -> None:
    global _SPARE
    if _SPARE is None:
        _SPARE = _Kernel(kernel_name, cwd, _WARM)


def _watch_parent(parent_pid: int) -> None:
    # A worker whose runner was killed must not live on (and keep kernels) as an orphan.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            for kernel in list(_LIVE):
                kernel.kill()
            os._exit(1)


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class _Engine(NBClientEngine):
        """papermill's nbclient engine on a kernel we started, keeping the notebook even when it fails."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, capture, km, cell_timeout, start_timeout=60,
                                     **kwargs):
            capture["nb"] = nb_man.nb  # the live notebook: still ours if a cell times out or the kernel dies
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, timeout=cell_timeout,
                                             startup_timeout=start_timeout, log=logger, log_output=False)
            capture["client"] = client
            return client.execute()

    papermill_engines.register(ENGINE_NAME, _Engine)

    from papermill.translators import PythonTranslator, papermill_translators

    class _Translator(PythonTranslator):
        """Parameters written as Python literals staff can read: 十八届人大二次会议, not \\u5341….

        ``repr`` keeps printable characters (Chinese included) and escapes the invisible ones
        (bidi overrides, zero-width spaces), so the injected cell shows exactly what was passed.
        """

        @classmethod
        def translate_escaped_str(cls, str_val):
            return repr(str(str_val))

    papermill_translators.register("python", _Translator)


def _worker_init(parent_pid: int, warm: tuple[str, ...], kernel_name: str, cwd: str,
                 env: Mapping[str, str] | None = None) -> None:
    """Set up a worker process: start its first kernel, then import papermill while that kernel boots.

    ``env`` (the run's snapshots, ``sources.environment``) is set before any kernel starts, so every
    kernel of the run reads the run's copies of the input files.
    """
    global _WARM
    import logging
    import warnings

    os.environ.update(env or {})

    # jsonschema (under nbformat) builds an IRI grammar with lark when rfc3987_syntax is installed:
    # two seconds of CPU per process, for a format check nbformat never uses (it validates with
    # fastjsonschema). Workers do without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    _WARM = tuple(warm)
    if cwd:
        _prestart(kernel_name, cwd)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # our one line per report says what happened
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    _register_engine()
    # What exporting needs, imported while the first kernel boots rather than after it ran.
    from . import excel, export  # noqa: F401
    import docx  # noqa: F401
    import mistune  # noqa: F401

    export.plotly_js()


def _cell_position(nb, index: int) -> int:
    """1-based position of cell ``index`` among the notebook's cells, not counting papermill's error notes."""
    return sum(1 for cell in nb.cells[: index + 1]
               if "papermill-error-cell-tag" not in cell.get("metadata", {}).get("tags", []))


def _first_error(nb) -> tuple[int, Any, str, str] | None:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not (
                    output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0")):
                return _cell_position(nb, index), cell.get("execution_count"), output.get("ename", ""), \
                    output.get("evalue", "")
    return None


def _last_started(nb) -> int | None:
    started = [i for i, c in enumerate(nb.cells) if (c.get("metadata", {}).get("papermill") or {}).get("start_time")]
    return started[-1] if started else None


def _mark_cell_failed(nb, index: int, ename: str, evalue: str) -> None:
    """Record a failure papermill could not (timeout, dead kernel) as an error output of the cell."""
    from nbformat.v4 import new_output

    cell = nb.cells[index]
    cell.setdefault("outputs", []).append(new_output("error", ename=ename, evalue=evalue, traceback=[]))
    meta = cell.setdefault("metadata", {}).setdefault("papermill", {})
    meta["exception"] = True
    meta["status"] = "failed"
    nb.metadata.setdefault("papermill", {})["exception"] = True


def _normalise_notebook(nb, fixed_time: str | None) -> None:
    """Deterministic ids for cells papermill added; with SOURCE_DATE_EPOCH, fixed times (same bytes)."""
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{index}"
        if fixed_time is not None:
            cell.get("metadata", {}).pop("execution", None)
            meta = cell.get("metadata", {}).get("papermill")
            if meta:
                for key in ("start_time", "end_time"):
                    if meta.get(key):
                        meta[key] = fixed_time
                if meta.get("duration") is not None:
                    meta["duration"] = 0.0
    meta = nb.metadata.get("papermill")
    if fixed_time is not None and meta:
        for key in ("start_time", "end_time"):
            if meta.get(key):
                meta[key] = fixed_time
        if meta.get("duration") is not None:
            meta["duration"] = 0.0


def _one_line(text: str, limit: int = 200) -> str:
    first = " ".join(str(text).strip().splitlines()[:1]) if str(text).strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _execute(job: Mapping) -> tuple[Any, dict | None, int]:
    """Run one notebook; returns (executed notebook or None, failure or None, kernels that never answered).

    A kernel that fails before the notebook's first cell began (it did not start, or never
    answered) is the machine's fault, not the notebook's: a fresh kernel gets one more try.
    """
    for attempt in range(KERNEL_START_ATTEMPTS):
        nb, failure = _execute_once(job)
        if not failure or nb is None or _last_started(nb) is not None:
            break
    else:
        failure["evalue"] += say("kernels_tried", KERNEL_START_ATTEMPTS)
    return nb, failure, attempt


def _execute_once(job: Mapping) -> tuple[Any, dict | None]:
    """Run one notebook on one kernel; returns (executed notebook or None, failure or None)."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    capture: dict = {}
    kernel = _take_kernel(job["kernel_name"], job["cwd"])
    if job["prestart"]:
        _prestart(job["kernel_name"], job["cwd"])  # boots and imports while this notebook runs
    failure = None
    try:
        papermill.execute_notebook(
            job["notebook"], None, parameters=dict(job["parameters"]), engine_name=ENGINE_NAME,
            kernel_name=job["kernel_name"], progress_bar=False, request_save_on_cell_execute=False,
            start_timeout=job.get("start_timeout", KERNEL_START_TIMEOUT_S), cwd=job["cwd"], km=kernel.km,
            capture=capture, cell_timeout=job["timeout"])
    except PapermillExecutionError as exc:
        failure = {"ename": exc.ename, "evalue": exc.evalue}
    except CellTimeoutError:
        failure = {"ename": "CellTimeoutError",
                   "evalue": say("cell_timeout", job["timeout"]) + " (--timeout)"}
    except DeadKernelError:
        failure = {"ename": "DeadKernelError", "evalue": say("kernel_died") + kernel.death_note()}
    except Exception as exc:  # anything else (kernel would not start, bad notebook file): report, do not crash
        text = _one_line(str(exc))
        if isinstance(exc, RuntimeError) and text.startswith(("Kernel didn't respond", "Kernel died before")):
            text = f"{say('kernel_silent')}: {text}{kernel.death_note()}"
        failure = {"ename": type(exc).__name__, "evalue": text}
    finally:
        client = capture.get("client")
        if client is not None and client.kc is not None:
            client.kc.stop_channels()
        kernel.shutdown()
    nb = capture.get("nb")
    if failure and nb is not None:
        found = _first_error(nb)
        if found is None:
            index = _last_started(nb)
            if index is not None:
                _mark_cell_failed(nb, index, failure["ename"], failure["evalue"])
                found = _first_error(nb)
        if found:
            failure.update(cell=found[0], execution_count=found[1])
    return nb, failure


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def run_job(job: Mapping) -> dict:
    """Worker entry: execute one report, export it, write its files atomically; a result dict, never raises."""
    import nbformat

    from . import export

    started = time.monotonic()
    root = Path(job["root"])
    folders = {k: Path(v) for k, v in job["folders"].items()}
    result: dict[str, Any] = {"name": job["name"], "status": "failed", "message": "", "outputs": {},
                              "title": job["title"], "n_figures": 0, "is_sample": job["run_info"]["is_sample"]}
    try:
        nb, failure, kernel_retries = _execute(job)
        if kernel_retries and not failure:
            result["note"] = say("kernel_replaced")
        when = report.build_time()
        result["built_at"] = when.isoformat()
        fixed = when.isoformat() if os.environ.get("SOURCE_DATE_EPOCH") else None
        if nb is not None:
            _normalise_notebook(nb, fixed)
            notebook_path = folders["notebooks"] / f"{job['name']}.ipynb"
            atomic_write(notebook_path, nbformat.writes(nb))
            result["outputs"]["notebook"] = _relative(notebook_path, root)
        if failure:
            cell = say("cell", failure["cell"]) if failure.get("cell") else ""
            if failure.get("execution_count"):
                cell += f" (In [{failure['execution_count']}])"
            result.update(message=_one_line(f"{cell}: {failure['ename']}: {failure['evalue']}".lstrip(": ")),
                          cell=failure.get("cell"))
            return result
        run_info = dict(job["run_info"], generated_at=when.isoformat())
        exported = export.render_report(nb, report_name=job["name"], lang=job["lang"], run_info=run_info)
        written = {}
        if exported.xlsx is not None:
            written["excel"] = atomic_write(folders["tables"] / f"{job['name']}.xlsx", exported.xlsx)
        if exported.docx is not None:
            written["word"] = atomic_write(folders["tables"] / f"{job['name']}.docx", exported.docx)
        written["html"] = atomic_write(folders["html"] / f"{job['name']}.html", exported.html)
        if job.get("chromium"):  # after the page: a PDF that fails costs only itself
            try:
                pdf = export.print_pdf(written["html"], job["chromium"], when=when)
                written["pdf"] = atomic_write(folders["pdf"] / f"{job['name']}.pdf", pdf)
            except (export.PdfError, RunError) as exc:
                result["note"] = "; ".join(filter(None, [result.get("note"), f"{say('pdf_failed')}{exc}"]))
        result["outputs"].update({k: _relative(p, root) for k, p in written.items()})
        result.update(status="done", title=exported.title, n_figures=exported.n_figures,
                      is_sample=exported.is_sample)
    except Exception as exc:  # export or write failed: the report fails, the run goes on
        result["message"] = _one_line(f"{type(exc).__name__}: {exc}")
    finally:
        result["seconds"] = round(time.monotonic() - started, 2)
    return result


# ---------------------------------------------------------------------------------------
# Parent side: plan → cache check → pool → manifests → index
# ---------------------------------------------------------------------------------------


@dataclass
class ReportResult:
    """What happened to one report in a run."""

    name: str
    status: str  # "done" | "failed" | "skipped"
    title: str = ""
    session: str = ""
    message: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # kind → path relative to the outputs folder
    seconds: float = 0.0
    n_figures: int = 0
    is_sample: bool = False
    cell: int | None = None
    built_at: str = ""  # ISO time of the build its files come from (kept from the last build when skipped)


@dataclass
class RunSummary:
    """The outcome of a run: one result per planned report, and where the index is."""

    results: list[ReportResult]
    index: Path
    out: Path

    def count(self, status: str) -> int:
        """How many reports ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 when no report failed, else 1."""
        return 1 if self.count("failed") else 0


_STATUS_WORDS = {"done": "完成 done   ", "failed": "失败 failed ", "skipped": "跳过 skipped", "removed": "删除 removed"}


def status_line(result: ReportResult) -> str:
    """The one line printed for a report."""
    text = f"{_STATUS_WORDS[result.status]}  {result.name}"
    if result.status == "done":
        text += f"  ({result.seconds:.1f} s)"
    if result.message:
        text += f"  — {result.message}"
    return text


def _manifest_path(state_dir: Path, name: str) -> Path:
    return state_dir / f"{name}.json"


def _kernel_name(notebook: bytes) -> str:
    try:
        return json.loads(notebook.decode("utf-8"))["metadata"]["kernelspec"]["name"] or "python3"
    except (ValueError, KeyError, TypeError):
        return "python3"


def _reserve_path(state_dir: Path, pid: int | None = None) -> Path:
    return state_dir / f"reserve-{pid or os.getpid()}"


def _release_reserve(state_dir: Path) -> None:
    """Free the room set aside for the index (nothing to do if it was never made, or cannot be removed)."""
    try:
        _reserve_path(state_dir).unlink(missing_ok=True)
    except OSError:
        pass  # a folder that turned read-only: the reserve stays, the next run removes it


def _prepare_folders(folders: Mapping[str, Path]) -> Path:
    """Make the output folders and set aside ``RESERVE_BYTES`` for the index; RunError when they cannot be written.

    The reserve also proves the folder takes new bytes (an empty file needs no free space, so a
    full disk would pass a probe without them); it is freed just before the index is written.
    """
    state_dir = folders["root"] / STATE_DIR
    try:
        for folder in (*folders.values(), state_dir):
            folder.mkdir(parents=True, exist_ok=True)
        _reserve_path(state_dir).write_bytes(b"\0" * RESERVE_BYTES)  # written, not sparse: blocks really taken
    except OSError as exc:
        _release_reserve(state_dir)
        raise RunError(f"无法写入输出文件夹 cannot write to the outputs folder {folders['root']}: "
                       f"{exc.strerror or exc}") from None
    return state_dir


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive under another user
    return True


def _remove_dead_stores(folder: Path) -> None:
    """Delete the input copies of runs that were killed (``sa-inputs-<pid>-…`` of a process that is gone)."""
    import shutil

    for path in folder.glob(f"{STORE_PREFIX}*"):
        pid = path.name.removeprefix(STORE_PREFIX).partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _remove_dead_reserves(state_dir: Path) -> None:
    """Delete the reserves of runs that were killed (call only while holding the lock)."""
    for path in state_dir.glob("reserve-*"):
        pid = path.name.removeprefix("reserve-")
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            path.unlink(missing_ok=True)


def _outputs_exist(root: Path, outputs: Mapping[str, str]) -> bool:
    return bool(outputs.get("html")) and all((root / rel).is_file() for rel in outputs.values())


def _remove_dropped_outputs(root: Path, old: Mapping[str, str], new: Mapping[str, str]) -> None:
    # A report that no longer makes a workbook or Word draft must not leave last run's behind.
    # A PDF that could not be printed this time must not stand beside a page it no longer matches.
    for kind, rel in old.items():
        if kind in {"excel", "word", "pdf"} and kind not in new:
            (root / rel).unlink(missing_ok=True)


def _index_links(root: Path, html_dir: Path, outputs: Mapping[str, str]) -> dict[str, str]:
    return {kind: os.path.relpath(root / rel, html_dir).replace(os.sep, "/") for kind, rel in outputs.items()}


def _echo(line: str, stream) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=stream)


def check_run_options(jobs: int | None, timeout: int | None) -> None:
    """RunError for a number of workers or a cell time limit that is not a positive whole number in range."""
    for name, value, top in (("--jobs", jobs, MAX_JOBS), ("--timeout", timeout, MAX_TIMEOUT_S)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise RunError(f"{name} 必须是 1 到 {top} 之间的整数，不能是 {value!r} / "
                           f"{name} must be a whole number from 1 to {top}, not {value!r}")


def run_reports(data: list[str] | None = None, out: str | Path | None = None, plan: str | Path | None = None,
                jobs: int | None = None, lang: str | None = None, force: bool = False, timeout: int | None = None,
                pseudonymise: bool = False, *, sheet: str | None = None, session: str | None = None,
                scheme: str | None = None, stream=None) -> RunSummary:
    """Make every report of the run plan into ``out`` (see the module docstring); returns the summary.

    ``sheet``, ``session`` and ``scheme`` say how every input is read, as ``validate`` reads it:
    the sheet of each workbook, the session of a ledger that names none, the outcome scheme.
    A run that fails before it made anything leaves no folder it made behind.
    """
    stream = stream or sys.stdout
    check_run_options(jobs, timeout)
    run_plan = load_plan(plan)
    reading = {"session": session, "scheme": _scheme_option(scheme)}
    chosen_lang = lang  # --lang overrides every report; otherwise a plan entry's own lang, then defaults
    lang = lang or str(run_plan.defaults.get("lang") or "zh")
    if lang not in {"zh", "en"}:
        raise ConfigError(f"{run_plan.source}: defaults.lang must be zh or en, not {lang!r}")
    folders = paths.output_folders(Path(out).resolve() if out else None)
    folders["pdf"] = folders["root"] / "pdf"  # each report printed by headless Chromium, when it is installed
    root = folders["root"]
    state_dir = root / STATE_DIR
    made = _missing_folders([*folders.values(), state_dir])
    try:
        _prepare_folders(folders)
        with OutputLock(root):
            return _run_locked(run_plan, data, folders, state_dir, lang, chosen_lang, force,
                               int(timeout or DEFAULT_TIMEOUT_S), pseudonymise, sheet, reading, jobs, stream)
    except BaseException:
        _release_reserve(state_dir)
        _remove_empty_folders(made, root / LOCK_FILE)
        raise
    finally:
        _release_reserve(state_dir)


def _scheme_option(scheme: str | None) -> str | None:
    """``--scheme`` as the kernels can read it (a file's absolute path; they run in the notebooks' folder); ConfigError if unknown."""
    if not scheme:
        return None
    from . import schemes

    schemes.load_scheme(scheme)  # a wrong name fails now, before any folder is made
    return str(schemes.scheme_file(scheme).resolve()) if Path(scheme).suffix else scheme


def _missing_folders(folders: Iterable[Path]) -> list[Path]:
    """The folders (and their parents) that do not exist yet, deepest first."""
    missing: dict[Path, None] = {}
    for folder in folders:
        for path in (folder, *folder.parents):
            if path.exists():
                break
            missing[path] = None
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def _remove_empty_folders(made: list[Path], lock: Path) -> None:
    """Remove the folders a failed run made that hold nothing (its lock file aside); others are left as they are."""
    for path in ([lock] if lock.parent in made else []) + made:
        try:
            path.unlink() if path == lock else path.rmdir()  # rmdir: only an empty folder goes
        except OSError:
            pass  # not there, not empty, or not ours to change: left as it is


def _run_locked(run_plan: RunPlan, data, folders: Mapping[str, Path], state_dir: Path, lang: str,
                chosen_lang: str | None, force: bool, timeout: int, pseudonymise: bool, sheet: str | None,
                reading: Mapping[str, str | None], jobs: int | None, stream) -> RunSummary:
    """``run_reports`` once the outputs folder is locked."""
    import shutil
    import tempfile

    root = folders["root"]
    remove_temp_files([root, state_dir, folders["html"], folders["notebooks"], folders["tables"], folders["pdf"]])
    _remove_dead_reserves(state_dir)
    # The copies live in a private temporary folder, removed when the run ends, never in the outputs folder:
    # it holds the deputies' names, which a --pseudonymise run must not leave beside its outputs. A killed
    # run's folder is removed by the next run (its name holds the process id).
    _remove_dead_stores(Path(tempfile.gettempdir()))
    store = Path(tempfile.mkdtemp(prefix=f"{STORE_PREFIX}{os.getpid()}-"))
    try:
        return _run_with_inputs(take_snapshots(data or default_data(), store), run_plan, folders, state_dir, lang,
                                chosen_lang, force, timeout, pseudonymise, sheet, reading, jobs, stream)
    finally:
        shutil.rmtree(store, ignore_errors=True)


def _run_with_inputs(snapshots: list[sources.Snapshot], run_plan: RunPlan, folders: Mapping[str, Path],
                     state_dir: Path, lang: str, chosen_lang: str | None, force: bool, timeout: int,
                     pseudonymise: bool, sheet: str | None, reading: Mapping[str, str | None], jobs: int | None,
                     stream) -> RunSummary:
    """``run_reports`` once its inputs are read into ``snapshots``."""
    root = folders["root"]
    inputs = describe_data(snapshots, state_dir=state_dir, sheet=sheet, **reading)
    ledgers = [f for f in inputs if f.kind == "ledger"]
    figures = [f for f in inputs if f.kind == "figures"]
    session_labels = {s for f in ledgers for s in f.sessions}
    planned = expand_plan(run_plan, session_labels)
    environment = environment_fingerprint()
    from . import export

    chromium, no_pdf = export.find_chromium()
    environment["pdf"] = chromium or "off"  # PDFs appear (or stop) when Chromium does: such reports are redone
    if chromium is None:
        _echo(f"PDF 未生成 PDFs skipped: {no_pdf}", stream)
    if pseudonymise:  # another SA_PSEUDONYM_KEY gives other pseudonyms: such reports are not up to date
        from . import privacy

        environment["pseudonym_key"] = privacy.key_id()
    data_hashes = [f.sha256 + (f"#sheet={f.sheet}" if f.sheet else "") for f in inputs]
    if reading["session"]:
        data_hashes.append(f"session={reading['session']}")
    if reading["scheme"]:  # a scheme of the user's own: its content, so an edited file redoes the reports
        from . import schemes

        data_hashes.append("scheme=" + hashlib.sha256(schemes.scheme_file(reading["scheme"]).read_bytes()).hexdigest())
    sample_ledger = paths.SAMPLE_LEDGER.resolve()
    is_sample = any(f.is_sample or f.path == sample_ledger for f in ledgers)
    run_files = [{"file": str(f.path), "sha256": f.sha256, "kind": f.kind, "sheet": f.sheet,
                  "is_sample": f.is_sample or f.path == sample_ledger} for f in inputs]
    base_parameters = {
        "ledger_files": [str(f.path) for f in ledgers],
        "figures_files": [str(f.path) for f in figures],
        "pseudonymise": bool(pseudonymise),
    }
    kernel_env = sources.environment([(snapshot, f.sheet) for snapshot, f in zip(snapshots, inputs)], **reading)

    results: dict[str, ReportResult] = {}
    jobs_to_run: list[dict] = []
    keys: dict[str, str] = {}
    all_parts: dict[str, dict] = {}
    reasons: dict[str, str] = {}
    previous: dict[str, dict] = {}
    for item in planned:
        title = plan_title(item.title, lang)
        missing = [n for n in item.needs if not (ledgers if n == "ledger" else figures)]
        if missing:
            results[item.name] = ReportResult(item.name, "skipped", title, item.session,
                                              "; ".join(say(f"no_{n}") for n in missing))
            continue
        parameters = {**run_plan.defaults, "lang": lang, **item.parameters, **base_parameters}
        if chosen_lang:
            parameters["lang"] = chosen_lang
        if parameters["lang"] not in {"zh", "en"}:
            raise ConfigError(f"{run_plan.source}: {item.name}: lang must be zh or en, not {parameters['lang']!r}")
        try:
            notebook_bytes = item.notebook.read_bytes()
        except OSError as exc:
            results[item.name] = ReportResult(item.name, "failed", title, item.session,
                                              f"{say('cannot_read_notebook')}{item.notebook}: "
                                              f"{exc.strerror or exc}")
            continue
        parts = cache_parts(notebook_bytes, parameters, data_hashes, environment)
        key = cache_key(notebook_bytes, parameters, data_hashes, environment)
        keys[item.name], all_parts[item.name] = key, parts
        manifest = _read_json(_manifest_path(state_dir, item.name))
        previous[item.name] = manifest
        if (not force and manifest.get("key") == key and manifest.get("status") == "done"
                and not manifest.get("input_changed") and _outputs_exist(root, manifest.get("outputs") or {})):
            results[item.name] = ReportResult(
                item.name, "skipped", manifest.get("title") or title, item.session, say("up_to_date"),
                outputs=manifest.get("outputs") or {}, n_figures=manifest.get("n_figures", 0),
                is_sample=manifest.get("is_sample", False), built_at=manifest.get("built_at", ""))
            continue
        reasons[item.name] = _why_redo(manifest, parts, key, force, root)
        jobs_to_run.append({
            "name": item.name, "notebook": str(item.notebook), "cwd": str(item.notebook.parent),
            "kernel_name": _kernel_name(notebook_bytes), "imports": notebook_imports(notebook_bytes),
            "parameters": parameters, "timeout": timeout,
            "lang": str(parameters.get("lang") or lang), "title": title, "session": item.session,
            "root": str(root), "folders": {k: str(v) for k, v in folders.items()}, "chromium": chromium,
            "run_info": {"parameters": parameters, "files": run_files,
                         "package_version": report.package_version(), "is_sample": is_sample,
                         "title": title},
        })

    for name, result in results.items():
        _echo(status_line(result), stream)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(jobs_to_run)))
    for position, job in enumerate(jobs_to_run):
        job["prestart"] = position + workers < len(jobs_to_run)  # another report will need a kernel
    warm = dict.fromkeys([*BASE_WARM_IMPORTS, *run_plan.warm_imports,
                          *(m for job in jobs_to_run for m in job.pop("imports"))])
    manifests: dict[str, dict] = {}
    for raw in _run_pool(jobs_to_run, workers, tuple(warm), stream, kernel_env):
        item = next(p for p in planned if p.name == raw["name"])
        message = raw.get("message", "") if raw["status"] == "failed" else reasons.get(raw["name"], "")
        message = "; ".join(part for part in (message, raw.get("note", "")) if part)
        result = ReportResult(raw["name"], raw["status"], raw.get("title") or "", item.session, message,
                              raw.get("outputs") or {}, raw.get("seconds", 0.0), raw.get("n_figures", 0),
                              raw.get("is_sample", False), raw.get("cell"), raw.get("built_at", ""))
        results[result.name] = result
        manifests[result.name] = {
            "key": keys[result.name], "parts": all_parts[result.name], "status": result.status,
            "title": result.title, "session": result.session, "outputs": result.outputs,
            "n_figures": result.n_figures, "is_sample": result.is_sample, "message": result.message,
            "built_at": result.built_at, "input_changed": [str(s.source) for s in snapshots if s.changed()]}
        if result.status == "done":
            _remove_dropped_outputs(root, previous.get(result.name, {}).get("outputs") or {}, result.outputs)
        _echo(status_line(result), stream)  # first: if the disk is full, the reader still learns why
        _write_manifest(state_dir, result.name, manifests[result.name], stream)

    changed = [s for s in snapshots if s.changed()]
    for snapshot in changed:  # named, and no report made this run from it counts as up to date
        _echo(f"{say('input_changed_now')}: {snapshot.source}", stream)
    if changed:
        for name, manifest in manifests.items():
            if not manifest["input_changed"]:
                manifest["input_changed"] = [str(s.source) for s in changed]
                _write_manifest(state_dir, name, manifest, stream)
    ordered = [results[p.name] for p in planned if p.name in results]
    ordered += [r for name, r in results.items() if name not in {p.name for p in planned}]
    for name in remove_stale_outputs(state_dir, root, results):
        _echo(f"{_STATUS_WORDS['removed']}  {name}  — {say('not_in_this_run')}", stream)
    _release_reserve(state_dir)  # the room set aside for the index is now the index's
    index = _write_index(ordered, folders, lang, is_sample or any(r.is_sample for r in ordered))
    summary = RunSummary(ordered, index, root)
    _echo(f"共 {len(ordered)} 份报告 {len(ordered)} reports: 完成 done {summary.count('done')}, "
          f"失败 failed {summary.count('failed')}, 跳过 skipped {summary.count('skipped')} → {index}", stream)
    return summary


def _write_manifest(state_dir: Path, name: str, manifest: Mapping, stream) -> None:
    """Record a report's manifest; a manifest that cannot be written only means the report is redone next time."""
    try:
        atomic_write(_manifest_path(state_dir, name), json.dumps(manifest, ensure_ascii=False, indent=1))
    except RunError as exc:
        _echo(f"{say('manifest_not_written')}: {exc}", stream)
        _manifest_path(state_dir, name).unlink(missing_ok=True)  # an older one must not vouch for new files


def remove_stale_outputs(state_dir: Path, root: Path, results: Mapping[str, "ReportResult"]) -> list[str]:
    """Remove the files of reports this run did not list with outputs: earlier data's reports, reports whose
    input is gone (call only while holding the lock); returns their names.

    Only files a manifest records are removed; what else is in the folder (a sample draw, a user's
    own file) stays. A failed report keeps its last good page (the index links only its trail).
    """
    removed = []
    for path in sorted(state_dir.glob("*.json")):
        if path.name == FACTS_FILE:
            continue
        result = results.get(path.stem)
        if result is not None and (result.outputs or result.status != "skipped"):
            continue
        try:
            for rel in (_read_json(path).get("outputs") or {}).values():
                target = (root / str(rel)).resolve()
                if target.is_relative_to(root.resolve()) and target.is_file() and target.parent != state_dir:
                    target.unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        except OSError:
            continue  # a folder that refuses changes: the manifest stays, and a later run removes them
        removed.append(path.stem)
    return removed


def _why_redo(manifest: Mapping, parts: Mapping[str, str], key: str, force: bool, root: Path) -> str:
    """Why a report is made again, for its line ('' on a first build)."""
    if not manifest:
        return ""
    if force:
        return say("redone") + "--force"
    if manifest.get("status") != "done":
        return say("redone") + say("failed_last_time")
    if manifest.get("input_changed"):
        return say("redone") + say("input_changed")
    if manifest.get("key") == key:
        return say("redone") + say("output_missing")
    changed = changed_parts(manifest.get("parts") or {}, parts)
    return say("redone") + " ".join(filter(None, ["、".join(changed), say("changed")]))


def _run_pool(jobs_to_run: list[dict], workers: int, warm: tuple[str, ...], stream,
              env: Mapping[str, str] | None = None) -> Iterable[dict]:
    """Execute ``jobs_to_run`` in ``workers`` processes, yielding each result as it finishes."""
    if not jobs_to_run:
        return
    from tqdm import tqdm

    first = jobs_to_run[0]
    # spawn, not fork: a worker must not inherit the outputs lock or the parent's threads.
    context = multiprocessing.get_context("spawn")
    bar = tqdm(total=len(jobs_to_run), unit="report", file=sys.stderr, disable=None, leave=False)
    executor = futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init,
        initargs=(os.getpid(), warm, first["kernel_name"], first["cwd"], dict(env or {})))
    try:
        pending = {executor.submit(run_job, job): job for job in jobs_to_run}
        for future in futures.as_completed(pending):
            job = pending[future]
            try:
                raw = future.result()
            except Exception as exc:  # the worker process itself died (killed, out of memory)
                raw = {"name": job["name"], "status": "failed", "title": job["title"],
                       "message": _one_line(f"{say('worker_died')}{type(exc).__name__}: {exc}")}
            bar.update(1)
            yield raw
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        bar.close()
        executor.shutdown(wait=True, cancel_futures=True)


def _write_index(results: list[ReportResult], folders: Mapping[str, Path], lang: str, is_sample: bool) -> Path:
    from . import export

    entries = []
    for result in results:
        outputs = dict(result.outputs)
        if result.status == "failed":
            outputs = {k: v for k, v in outputs.items() if k == "notebook"}  # only the trail, not stale pages
        # The index tells the state of each report's files: one skipped as unchanged is as done as when it
        # was last built, and shows that build's time; "skipped" is left for a report with no files.
        kept = result.status == "skipped" and bool(result.built_at) and bool(outputs.get("html"))
        status = "done" if kept else result.status
        # Why a report was made again (--force, a change) is the console's news, not the page's: a build and
        # a forced rebuild of the same inputs give the same index.
        entries.append(export.IndexEntry(
            name=result.name, title=result.title or result.name, status=status,
            message="" if result.status == "done" else result.message, session=result.session,
            links=_index_links(folders["root"], folders["html"], outputs), built_at=result.built_at,
            made_now=not kept))
    page = export.render_index(entries, lang=lang, is_sample=is_sample)
    return atomic_write(folders["html"] / "index.html", page)
