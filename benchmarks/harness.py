"""What every benchmark shares: the machine, timed child processes, medians, tables, the results file.

Timings are wall-clock seconds of whole commands, as a user waits for them. Each child's CPU
time comes from ``os.wait4`` (the kernel's own accounting of that process and the children it
waited for). Peak memory is not taken from there: on Linux a child's ``ru_maxrss`` starts from
its parent's resident size at fork (it survives exec), so a benchmark process holding a large
frame would inflate it. A measured program reports its own ``VmHWM`` (``peak_rss_mib``) instead.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable, Sequence

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_FILE = Path(__file__).resolve().parent / "results" / "latest.json"
VENV_BIN = PROJECT_DIR / ".venv" / "bin"
PACKAGES = ("pandas", "numpy", "scipy", "plotly", "papermill", "nbclient", "nbconvert", "ipykernel",
            "jupyter_client", "playwright")


@dataclass
class Timed:
    """One command run to completion: how long it took, what it cost, what it said."""

    wall_s: float
    cpu_s: float  # user + system time of the command and every child it waited for
    returncode: int
    stdout: str
    stderr: str
    # of cpu_s, the kernel's time: on this VM mostly page faults on fresh memory (benchmarks/README, section 3)
    system_s: float = 0.0
    minor_faults: int = 0

    def check(self, what: str) -> "Timed":
        """Raise with the command's own output when it failed."""
        if self.returncode != 0:
            tail = (self.stdout[-2000:] + "\n" + self.stderr[-2000:]).strip()
            raise RuntimeError(f"{what} failed (exit {self.returncode}):\n{tail}")
        return self


def run_timed(command: Sequence[str], *, cwd: str | Path | None = None, env: dict | None = None,
              timeout_s: float | None = None) -> Timed:
    """Run ``command``, wait for it, and return its wall time and CPU time (``os.wait4``) and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", errors="replace")
    try:
        # communicate() reads both pipes; the exit status is then collected by wait4 for the rusage.
        stdout, stderr = _communicate(process, timeout_s)
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        raise
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Timed(wall_s=round(wall, 3), cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
                 returncode=process.returncode, stdout=stdout, stderr=stderr,
                 system_s=round(usage.ru_stime, 3), minor_faults=usage.ru_minflt)


def _communicate(process: subprocess.Popen, timeout_s: float | None) -> tuple[str, str]:
    """Read the child's output to the end without reaping it (wait4 must see it exit)."""
    import threading

    chunks: dict[str, list[str]] = {"out": [], "err": []}

    def drain(stream, key):
        for line in stream:
            chunks[key].append(line)

    readers = [threading.Thread(target=drain, args=(process.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(process.stderr, "err"), daemon=True)]
    for reader in readers:
        reader.start()
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    for reader in readers:
        reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if reader.is_alive():
            process.kill()
            raise TimeoutError(f"{' '.join(process.args)} ran longer than {timeout_s:g} s")
    return "".join(chunks["out"]), "".join(chunks["err"])


def project_env(**extra: str) -> dict:
    """The environment for commands of the project: its .venv first on PATH, no progress bars."""
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TQDM_DISABLE", "1")
    env.update(extra)
    return env


def peak_rss_mib() -> float | None:
    """This process's peak resident memory since it started (VmHWM, reset by exec), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def median(values: Iterable[float]) -> float:
    """The median, rounded to milliseconds."""
    return round(statistics.median(list(values)), 3)


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (other work on the machine slows every figure)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict:
    """What the figures were taken on: cores, memory, CPU model, OS, Python and package versions."""
    return {
        "cores": os.cpu_count(),
        "memory_gib": _meminfo_gib(),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "packages": {name: _version(name) for name in PACKAGES},
        "load_average_at_start": load_average(),
    }


def machine_text(info: dict) -> str:
    """The machine in two lines, printed with every benchmark."""
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    load = "/".join(f"{x:g}" for x in info.get("load_average_at_start") or [])
    return (f"machine: {info['cores']} cores, {info['memory_gib']} GiB, {info['cpu_model']}, {info['os']}, "
            f"Python {info['python']}; load average {load or '?'}\npackages: {packages}")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for number, row in enumerate(cells):
        parts = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if number and _numeric(value) else value + pad)
        lines.append("  ".join(parts).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _numeric(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").replace("×", "").replace("-", "").isdigit()


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def save_result(name: str, result: dict, path: Path = RESULTS_FILE) -> Path:
    """Store one benchmark's result in the results file, keeping the other benchmarks' latest results."""
    try:
        everything = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        everything = {}
    everything[name] = {"taken_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"), **result}
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(everything, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(temp, path)
    return path


def as_dict(timed: Timed) -> dict:
    """A Timed without its output, for the results file."""
    data = asdict(timed)
    data.pop("stdout")
    data.pop("stderr")
    return data
