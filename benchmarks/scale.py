"""Benchmark 3: synthetic ledgers of a million and ten million suggestions — load, validate, every metric, the reports.

For each size: (1) wall time and peak resident memory of one child process that loads and
validates the ledger and computes every metric the reports use (``benchmarks.scale_child``),
beside (2) the reference, DuckDB's plain group counts of the same file in a child of its own
(no validation, no metric beyond counting). For the sizes up to ``REPORT_ROWS_MAX``: (3) the
runner's wall time making every report of the default plan from it and (4) the size of each
HTML page against the same page made from the bundled sample. Charts plot aggregates, so a page
must not grow with rows; the rows of every table on a page are counted as well, so a table that
grows with the data shows itself. Each ledger is generated in a temporary folder and removed
after its size is measured (ten million rows are 3.4 GB of CSV): never committed.
"""
from __future__ import annotations

import compileall
import json
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from . import harness, synthetic

DEFAULT_SIZES = (1_000_000, 10_000_000)
# Issue 17's targets for import + load + validate + every metric: (seconds, GiB) by ledger size.
TARGETS = {1_000_000: (3.0, 1.0), 10_000_000: (30.0, 4.0)}
REPORT_ROWS_MAX = 1_000_000  # reports from larger ledgers take the runner many minutes: not made
TARGET_SIZE_PCT = 10.0
# The inlined plotly.js (the same on every page with charts): left out to compare what a report itself holds.
_PLOTLY = re.compile(r'<script id="sa-plotly-js"[^>]*>.*?</script>(\n<script>/\* plotly\.js v.*?</script>)?', re.S)


def run_runner(data: list[Path] | None, out: Path) -> harness.Timed:
    """Every report of the default plan from ``data`` (default: the bundled data) into ``out``."""
    command = [str(harness.VENV_BIN / "python"), "-m", "analysis", "run", "--force", "--out", str(out)]
    if data:
        command += ["--data", *map(str, data)]
    return harness.run_timed(command, cwd=harness.PROJECT_DIR, env=harness.project_env()).check("the runner")


def page_facts(path: Path) -> dict:
    """Size of a page, its size without the inlined plotly.js, and the rows of its tables."""
    text = path.read_text(encoding="utf-8")
    without_js = _PLOTLY.sub("", text)
    return {"bytes": path.stat().st_size, "bytes_without_plotly_js": len(without_js.encode("utf-8")),
            "table_rows": without_js.count("<tr")}


def notebook_of(page: str) -> str:
    """The notebook a page was made from: session reports share one (session_report_18-2 → session_report)."""
    return re.sub(r"_\d+-\d+$", "", page)


def pages(out: Path) -> dict[str, dict]:
    """Facts of every report page of a run (the index left out)."""
    return {p.stem: page_facts(p) for p in sorted((out / "html").glob("*.html")) if p.name != "index.html"}


def compare(sample: dict[str, dict], big: dict[str, dict]) -> list[dict]:
    """Per notebook: the sample's page size (median over its pages) against the large ledger's (largest page)."""
    rows = []
    for stem in dict.fromkeys(notebook_of(n) for n in sample):
        small = [f for n, f in sample.items() if notebook_of(n) == stem]
        large = [f for n, f in big.items() if notebook_of(n) == stem]
        if not large:
            rows.append({"notebook": stem, "pages_sample": len(small), "pages_large": 0})
            continue
        base = statistics.median(f["bytes"] for f in small)
        base_content = statistics.median(f["bytes_without_plotly_js"] for f in small)
        worst = max(large, key=lambda f: f["bytes"])
        rows.append({
            "notebook": stem, "pages_sample": len(small), "pages_large": len(large),
            "sample_bytes": int(base), "large_max_bytes": worst["bytes"],
            "change_pct": round(100 * (worst["bytes"] - base) / base, 2),
            "sample_content_bytes": int(base_content),
            "large_max_content_bytes": max(f["bytes_without_plotly_js"] for f in large),
            "content_change_pct": round(100 * (max(f["bytes_without_plotly_js"] for f in large) - base_content)
                                        / base_content, 2),
            "sample_table_rows": max(f["table_rows"] for f in small),
            "large_table_rows": max(f["table_rows"] for f in large),
        })
    return rows


def _child(*arguments: str) -> dict:
    """Run ``benchmarks.scale_child`` with ``arguments``; its JSON, with its wall and CPU time."""
    child = harness.run_timed([str(harness.VENV_BIN / "python"), "-m", "benchmarks.scale_child", *arguments],
                              cwd=harness.PROJECT_DIR, env=harness.project_env()).check("scale child")
    return {**json.loads(child.stdout.strip().splitlines()[-1]), "wall_s": child.wall_s, "cpu_s": child.cpu_s,
            "system_s": child.system_s, "minor_faults": child.minor_faults}


def measure_size(work: Path, rows: int, reports: bool) -> dict:
    """Generate a ledger of ``rows``, measure load + metrics and the reference on it, then remove it."""
    begun = time.perf_counter()
    ledger = synthetic.write_ledger(work, rows)
    generated_s = round(time.perf_counter() - begun, 2)
    try:
        files = [str(path) for path in ledger.files]
        ours = _child(*files)
        reference = _child("--reference", *files)
        seconds, gib = TARGETS.get(rows, (None, None))
        result = {
            "rows": ledger.rows, "sessions": len(ledger.sessions), "handlers": len(ledger.handlers),
            "lead_units": ledger.lead_units, "ledger_mib": round(ledger.bytes / 2**20, 1),
            "ledger_files": len(ledger.files),
            "ledger_sha256": ledger.sha256, "seed": ledger.seed, "generate_s": generated_s,
            # the target's figure: import + load + validate + every metric, timed inside the child
            "load_and_metrics_s": ours["load_and_metrics_s"], "child_wall_s": ours["wall_s"],
            "child_cpu_s": ours["cpu_s"], "child_system_s": ours["system_s"], "child_minor_faults": ours["minor_faults"],
            "peak_rss_mib": ours["peak_rss_mib"], "steps_s": ours["steps_s"],
            "other_steps_s": ours["other_steps_s"], "reference": reference, "target_s": seconds, "target_gib": gib,
        }
        if reports and rows <= REPORT_ROWS_MAX:
            sample_run = run_runner(None, work / "sample")
            large_run = run_runner(list(ledger.files), work / f"large-{rows}")
            result.update({
                "runner_sample_s": sample_run.wall_s, "runner_large_s": large_run.wall_s,
                "runner_large_cpu_s": large_run.cpu_s,
                "pages": compare(pages(work / "sample"), pages(work / f"large-{rows}")),
                "large_pages": pages(work / f"large-{rows}"),
            })
        return result
    finally:
        for path in ledger.files:
            path.unlink(missing_ok=True)


def measure(sizes: tuple[int, ...] = DEFAULT_SIZES, keep: bool = False, reports: bool = True) -> dict:
    """Every size in turn (``measure_size``); the reports only from ledgers up to ``REPORT_ROWS_MAX`` rows."""
    # the package's bytecode brought up to date first, as `make setup` leaves it: in a shell that sets
    # PYTHONDONTWRITEBYTECODE, a module edited since (a merge) was compiled again in every child, about 0.3 CPU s of
    # the import timed (analysis/load.py alone), which a user's second run never pays
    compileall.compile_dir(harness.PROJECT_DIR / "analysis", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="sa-bench-scale-"))
    try:
        measured = []
        for rows in sizes:
            try:
                measured.append(measure_size(work, rows, reports))
            except Exception as exc:  # noqa: BLE001 - one size that cannot be measured does not lose the others
                measured.append({"rows": rows, "error": f"{type(exc).__name__}: {exc}"[-2000:]})
        return {"sizes": measured, "target_size_pct": TARGET_SIZE_PCT, "work_dir": str(work) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _verdict(value: float, target: float | None) -> str:
    return "no target" if target is None else ("met" if value < target else "MISSED")


def render(result: dict) -> str:
    """The benchmark's figures as tables."""
    lines = [harness.table(
        ("rows", "ours: import + load + validate + every metric s", "peak GiB", "target", "verdict",
         "DuckDB: read + group counts s", "peak GiB", "ours ÷ DuckDB"),
        [(size["rows"], size["load_and_metrics_s"], size["peak_rss_mib"] / 1024,
          f"< {size['target_s']:g} s, < {size['target_gib']:g} GiB" if size["target_s"] else "",
          f"{_verdict(size['load_and_metrics_s'], size['target_s'])}, "
          f"{_verdict(size['peak_rss_mib'] / 1024, size['target_gib'])}",
          size["reference"]["total_s"], size["reference"]["peak_rss_mib"] / 1024,
          f"{size['load_and_metrics_s'] / size['reference']['total_s']:.1f}×")
         for size in result["sizes"] if "error" not in size])]
    lines += [f"{size['rows']:,} rows: could not be measured: {size['error']}" for size in result["sizes"]
              if "error" in size]
    for size in (size for size in result["sizes"] if "error" not in size):
        reference = size["reference"]
        lines += [
            f"\nledger: {size['rows']:,} suggestions, {size['sessions']} sessions, {size['handlers']} bodies, "
            f"{size['lead_units']} lead units, {size['ledger_mib']} MiB CSV in {size['ledger_files']} file(s) (generated in {size['generate_s']} s, "
            f"seed {size['seed']}); DuckDB: {reference['engine']}, {reference['threads']} threads, "
            f"{reference['groups']:,} groups",
            harness.table(("step (in one child process)", "s"),
                          [*size["steps_s"].items(),
                           *((f"(not counted) {k}", v) for k, v in size["other_steps_s"].items()),
                           *((f"DuckDB: {k}", v) for k, v in reference["steps_s"].items())]),
            f"the whole child {size['child_wall_s']:.1f} s wall, {size['child_cpu_s']:.1f} s CPU "
            f"({size['child_system_s']:.1f} s of it the kernel's, {size['child_minor_faults']:,} page faults: "
            "fresh memory, see benchmarks/README section 3); DuckDB's "
            f"{reference['wall_s']:.1f} s wall, {reference['cpu_s']:.1f} s CPU",
        ]
        if "pages" in size:
            rows = []
            for p in size["pages"]:
                if not p.get("pages_large"):
                    rows.append((p["notebook"], p["pages_sample"], 0, "", "", "", "", "not made (needs input absent)"))
                    continue
                ok = abs(p["change_pct"]) <= result["target_size_pct"]
                rows.append((p["notebook"], p["pages_sample"], p["pages_large"], p["sample_bytes"],
                             p["large_max_bytes"], f"{p['change_pct']:+.1f}%", f"{p['content_change_pct']:+.1f}%",
                             f"{p['sample_table_rows']} → {p['large_table_rows']}" + ("" if ok else "  MISSED")))
            lines += [
                f"reports from the {size['rows']:,}-row ledger: {size['runner_large_s']:.1f} s "
                f"({len(size['large_pages'])} pages; bundled sample: {size['runner_sample_s']:.1f} s)",
                harness.table(("notebook", "pages sample", "pages large", "sample bytes", "large bytes (max)", "size",
                               "size without plotly.js", "table rows"), rows),
            ]
    return "\n".join(lines)
