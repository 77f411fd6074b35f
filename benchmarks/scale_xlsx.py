"""Benchmark 3, XLSX (``make bench ARGS="scale --format xlsx"``): a large ledger saved as an Excel workbook.

The synthetic ledger of benchmark 3 is written as one XLSX workbook the way Excel saves one
(``benchmarks.synthetic_xlsx``: shared strings, dates as serials with a date format), and one child
process loads, validates and computes every metric from it (``benchmarks.scale_child``'s steps), twice:
as the loader reads it (calamine, ``analysis.xlsx.read_fast``, where it reads the sheet exactly as the
expat reader does) and with calamine turned off (the expat reader alone, how every workbook was read
before). Each child reports which reader read the sheet, its peak resident memory, and the parent its
wall and CPU time and the load average when it started (the machine is shared: CPU seconds say more).
The workbook is generated in a temporary folder and removed: never committed.

``python -m benchmarks.scale_xlsx --child [--expat] LEDGER.xlsx`` is the measured child.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import harness

EXPAT_ROWS_MAX = 1_000_000  # the expat reader takes minutes a million rows: not measured beyond


def child(ledger: str, expat: bool) -> dict:
    """scale_child's measurement of ``ledger``, saying which reader read its sheet (calamine turned off with ``expat``)."""
    from analysis import xlsx

    from .scale_child import measure

    read_by: list[str] = []
    fast = xlsx.read_fast

    def recorded(workbook, sheet, **options):
        cells = None if expat else fast(workbook, sheet, **options)
        read_by.append("expat" if cells is None else "calamine")
        return cells

    xlsx.read_fast = recorded
    return {**measure([ledger]), "read_by": read_by}


def _child(ledger: Path, expat: bool) -> dict:
    load = harness.load_average()
    arguments = ["--child", *(["--expat"] if expat else []), str(ledger)]
    run = harness.run_timed([str(harness.VENV_BIN / "python"), "-m", "benchmarks.scale_xlsx", *arguments],
                            cwd=harness.PROJECT_DIR, env=harness.project_env()).check("scale_xlsx child")
    return {**json.loads(run.stdout.strip().splitlines()[-1]), "wall_s": run.wall_s, "cpu_s": run.cpu_s,
            "load_average_at_start": load}


def measure_size(work: Path, rows: int) -> dict:
    """Write the workbook of ``rows`` suggestions, measure both readers on it, remove it."""
    from .synthetic_xlsx import write_xlsx_ledger

    begun = time.perf_counter()
    ledger = write_xlsx_ledger(work, rows)
    generated_s = round(time.perf_counter() - begun, 2)
    try:
        result = {"rows": ledger.rows, "sessions": len(ledger.sessions), "ledger_mib": round(ledger.bytes / 2**20, 1),
                  "ledger_sha256": ledger.sha256, "seed": ledger.seed, "generate_s": generated_s,
                  "calamine": _child(ledger.path, expat=False)}
        if rows <= EXPAT_ROWS_MAX:
            result["expat"] = _child(ledger.path, expat=True)
        return result
    finally:
        ledger.path.unlink(missing_ok=True)


def measure(sizes: tuple[int, ...], keep: bool = False) -> dict:
    """Every size in turn (``measure_size``)."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-scale-xlsx-"))
    try:
        measured = []
        for rows in sizes:
            try:
                measured.append(measure_size(work, rows))
            except Exception as exc:  # noqa: BLE001 - one size that cannot be measured does not lose the others
                measured.append({"rows": rows, "error": f"{type(exc).__name__}: {exc}"[-2000:]})
        return {"format": "xlsx", "sizes": measured, "work_dir": str(work) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The figures as a table: each reader's time, CPU, memory and load step by size."""
    rows = []
    for size in result["sizes"]:
        if "error" in size:
            rows.append((size["rows"], "could not be measured", size["error"][:120], "", "", "", "", ""))
            continue
        for name in ("calamine", "expat"):
            if name in size:
                run = size[name]
                rows.append((size["rows"], f"{name} ({'/'.join(run['read_by'])})", run["load_and_metrics_s"],
                             run["steps_s"]["load (read + normalise + validate)"], run["cpu_s"],
                             run["peak_rss_mib"] / 1024, run["wall_s"], run["load_average_at_start"][0]))
    lines = [harness.table(("rows", "reader (read the sheet)", "import + load + validate + every metric s", "of which load s",
                            "child CPU s", "peak GiB", "child wall s", "load avg at start"), rows)]
    lines += [f"{size['rows']:,} rows: {size['ledger_mib']} MiB XLSX, {size['sessions']} sessions, generated in "
              f"{size['generate_s']} s (seed {size['seed']}, sha256 {size['ledger_sha256'][:12]}…)"
              for size in result["sizes"] if "error" not in size]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        expat = sys.argv[2] == "--expat"
        print(json.dumps(child(sys.argv[-1], expat), ensure_ascii=False))
