"""Benchmark 3: a synthetic ledger of a million suggestions — load, validate, every metric, and the reports.

Three figures: (1) wall time and peak resident memory of one child process that loads and
validates the ledger and computes every metric the reports use (``benchmarks.scale_child``);
(2) the runner's wall time making every report of the default plan from it; (3) the size of
each HTML page against the same page made from the bundled sample. Charts plot aggregates, so
a page must not grow with rows; the rows of every table on a page are counted as well, so a
table that grows with the data shows itself.
"""
from __future__ import annotations

import json
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from . import harness, synthetic

TARGET_S = 15.0
TARGET_GIB = 4.0
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


def measure(rows: int = synthetic.DEFAULT_ROWS, keep: bool = False, reports: bool = True) -> dict:
    """Generate the ledger, measure the child, then (``reports``) make every report from it and compare sizes."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-scale-"))
    try:
        begun = time.perf_counter()
        ledger = synthetic.write_ledger(work, rows)
        generated_s = round(time.perf_counter() - begun, 2)
        child = harness.run_timed([str(harness.VENV_BIN / "python"), "-m", "benchmarks.scale_child", str(ledger.path)],
                                  cwd=harness.PROJECT_DIR, env=harness.project_env()).check("load + metrics")
        steps = json.loads(child.stdout.strip().splitlines()[-1])
        result = {
            "rows": ledger.rows, "sessions": len(ledger.sessions), "handlers": len(ledger.handlers),
            "lead_units": ledger.lead_units, "ledger_mib": round(ledger.bytes / 2**20, 1),
            "ledger_sha256": ledger.sha256, "seed": ledger.seed, "generate_s": generated_s,
            # the target's figure: import + load + validate + every metric, timed inside the child
            "load_and_metrics_s": steps["load_and_metrics_s"],
            "child_wall_s": child.wall_s, "child_cpu_s": child.cpu_s,
            "peak_rss_mib": steps["peak_rss_mib"], "steps_s": steps["steps_s"], "other_steps_s": steps["other_steps_s"],
            "target_s": TARGET_S, "target_gib": TARGET_GIB, "target_size_pct": TARGET_SIZE_PCT,
        }
        if reports:
            sample_run = run_runner(None, work / "sample")
            large_run = run_runner([ledger.path], work / "large")
            result.update({
                "runner_sample_s": sample_run.wall_s, "runner_large_s": large_run.wall_s,
                "runner_large_cpu_s": large_run.cpu_s,
                "pages": compare(pages(work / "sample"), pages(work / "large")),
                "large_pages": pages(work / "large"),
            })
        result["work_dir"] = str(work) if keep else None
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The benchmark's figures as tables."""
    gib = result["peak_rss_mib"] / 1024
    lines = [
        f"ledger: {result['rows']:,} suggestions, {result['sessions']} sessions, {result['handlers']} bodies, "
        f"{result['lead_units']} lead units, {result['ledger_mib']} MiB CSV (generated in {result['generate_s']} s, "
        f"seed {result['seed']})",
        harness.table(("step (in one child process)", "s"),
                      [*result["steps_s"].items(), *((f"(not counted) {k}", v) for k, v in result["other_steps_s"].items())]),
        f"import + load + validate + every metric: {result['load_and_metrics_s']:.1f} s; the whole child "
        f"{result['child_wall_s']:.1f} s wall, {result['child_cpu_s']:.1f} s CPU; peak memory {gib:.2f} GiB "
        f"(targets < {result['target_s']:g} s: {'met' if result['load_and_metrics_s'] < result['target_s'] else 'MISSED'}"
        f", < {result['target_gib']:g} GiB: {'met' if gib < result['target_gib'] else 'MISSED'})",
    ]
    if "pages" in result:
        rows = []
        for p in result["pages"]:
            if not p.get("pages_large"):
                rows.append((p["notebook"], p["pages_sample"], 0, "", "", "", "", "not made (needs input absent)"))
                continue
            ok = abs(p["change_pct"]) <= result["target_size_pct"]
            rows.append((p["notebook"], p["pages_sample"], p["pages_large"], p["sample_bytes"], p["large_max_bytes"],
                         f"{p['change_pct']:+.1f}%", f"{p['content_change_pct']:+.1f}%",
                         f"{p['sample_table_rows']} → {p['large_table_rows']}" + ("" if ok else "  MISSED")))
        lines += [
            f"reports from the large ledger: {result['runner_large_s']:.1f} s ({len(result['large_pages'])} pages; "
            f"bundled sample: {result['runner_sample_s']:.1f} s)",
            harness.table(("notebook", "pages sample", "pages large", "sample bytes", "large bytes (max)", "size",
                           "size without plotly.js", "table rows"), rows),
        ]
    return "\n".join(lines)
