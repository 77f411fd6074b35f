"""Benchmark 4: each report page's size, and how long until every chart has rendered in headless Chromium.

The pages of a default run are opened from disk in Debian's Chromium through Playwright, with
the network blocked (an offline context, every non-file request aborted and counted). A script
installed before the page's own wraps ``Plotly.newPlot`` as plotly.js defines it and notes
``performance.now()`` (milliseconds since navigation start) when the last chart's promise
resolves, i.e. when plotly itself says the chart is drawn. Each page is opened ``runs`` times
in a fresh browser context and the median is reported. Beside that wall time, which a busy machine
stretches, the page's main-thread CPU time until then (Chromium's ``ThreadTime`` metric) says how much
work the page is, whatever the load.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from . import harness
from .offline_browser import block_network

TARGET_BYTES = 600_000  # issue 17: chart pages under 600 KB
TARGET_RENDER_MS = 600  # and every chart drawn within 0.6 s of opening
TIMEOUT_MS = 30_000
_CHARTS = re.compile(r'class="sa-chart-data"')
# Each opening is a fresh context, which in Chromium's headless mode is a new window, and a new window preloads the
# browser's own top-bar pages (the address bar's suggestion popup, chrome://omnibox-popup.top-chrome) into a renderer
# of their own: ~0.3–0.4 s of CPU on the 2 cores while the page opens, which a reader opening a report in a browser
# already running does not pay (benchmarks/README.md, benchmark 4). The page's own work is unchanged.
CHROMIUM_ARGS = ["--disable-features=PreloadTopChromeWebUI"]

# Installed before any script of the page: counts charts drawn, and when the last one was.
_WATCH = """
(() => {
  window.__sa = {drawn: 0, failed: 0, last: null, ready: null};
  let real;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get() { return real; },
    set(value) {
      real = value;
      if (value && value.newPlot && !value.__saWrapped) {
        window.__sa.ready = performance.now();  /* plotly.js has run: the rest is drawing */
        const newPlot = value.newPlot;
        value.newPlot = function () {
          const drawing = newPlot.apply(this, arguments);
          Promise.resolve(drawing).then(
            () => { window.__sa.drawn += 1; window.__sa.last = performance.now(); },
            () => { window.__sa.failed += 1; });
          return drawing;
        };
        value.__saWrapped = true;
      }
    },
  });
})();
"""


def open_page(browser, path: Path, expected: int) -> dict:
    """Open ``path`` offline; the time until ``expected`` charts were drawn, and what tried the network."""
    context = browser.new_context(offline=True)
    requests: list[str] = []
    errors: list[str] = []
    try:
        context.add_init_script(_WATCH)
        page = context.new_page()
        block_network(page, requests.append)
        devtools = context.new_cdp_session(page)
        devtools.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
        if expected:
            page.wait_for_function(f"window.__sa.drawn + window.__sa.failed >= {expected}", timeout=TIMEOUT_MS)
        state = page.evaluate("""() => ({
            drawn: window.__sa.drawn, failed: window.__sa.failed, last: window.__sa.last, ready: window.__sa.ready,
            load: performance.getEntriesByType('navigation')[0].loadEventEnd,
            plots: document.querySelectorAll('.js-plotly-plot .main-svg').length ? 
                   Array.from(document.querySelectorAll('.js-plotly-plot')).filter(e => e.querySelector('.main-svg')).length : 0,
        })""")
        metrics = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
    finally:
        context.close()
    rendered_ms = state["last"] if expected else state["load"]
    return {"rendered_ms": round(rendered_ms, 1), "load_ms": round(state["load"], 1),
            "plotly_ready_ms": round(state["ready"], 1) if expected and state["ready"] is not None else None,
            "cpu_ms": round(metrics["ThreadTime"] * 1000, 1), "drawn": state["drawn"],
            "failed": state["failed"], "plots_in_dom": state["plots"], "network_requests": requests,
            "errors": errors}


def measure_pages(html_dir: Path, runs: int = 3) -> list[dict]:
    """Size and median render time of every report page in ``html_dir``."""
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in html_dir.glob("*.html") if p.name != "index.html")
    results = []
    with sync_playwright() as playwright:
        from analysis.pdf import chromium_executable  # the one place the project finds Chromium

        browser = playwright.chromium.launch(executable_path=chromium_executable()[0], headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            for path in pages:
                expected = len(_CHARTS.findall(path.read_text(encoding="utf-8")))
                opened = [open_page(browser, path, expected) for _ in range(runs)]
                times = [o["rendered_ms"] for o in opened]
                results.append({
                    "page": path.name, "bytes": path.stat().st_size, "charts": expected,
                    "rendered_ms_median": harness.median(times), "rendered_ms": times,
                    "load_ms_median": harness.median(o["load_ms"] for o in opened),
                    "plotly_ready_ms_median": (harness.median(o["plotly_ready_ms"] for o in opened)
                                               if expected else None),
                    "cpu_ms_median": harness.median(o["cpu_ms"] for o in opened),
                    "all_charts_drawn": all(o["drawn"] == expected and o["plots_in_dom"] == expected
                                            and not o["failed"] for o in opened),
                    "network_requests": sorted({r for o in opened for r in o["network_requests"]}),
                    "errors": sorted({e for o in opened for e in o["errors"]}),
                })
        finally:
            browser.close()
    return results


def english_page_bytes(out: Path) -> dict[str, int]:
    """The bytes of every report page of the default plan made in English (longer words: the larger pages)."""
    command = [str(harness.VENV_BIN / "python"), "-m", "analysis", "run", "--force", "--lang", "en", "--out", str(out)]
    harness.run_timed(command, cwd=harness.PROJECT_DIR, env=harness.project_env(SA_PDF="off")).check(
        "the runner in English")
    return {p.name: p.stat().st_size for p in sorted((out / "html").glob("*.html")) if p.name != "index.html"}


def measure(runs: int = 3, keep: bool = False, html_dir: Path | None = None) -> dict:
    """Make the default reports (unless ``html_dir`` is given) and measure every page; and the English pages' bytes."""
    work = None
    english = {}
    if html_dir is None:
        from .scale import run_runner

        work = Path(tempfile.mkdtemp(prefix="sa-bench-html-"))
        run_runner(None, work / "out")
        html_dir = work / "out" / "html"
    try:
        pages = measure_pages(html_dir, runs)
        if work is not None:
            english = english_page_bytes(work / "out-en")
    finally:
        if work is not None and not keep:
            shutil.rmtree(work, ignore_errors=True)
    return {"runs": runs, "pages": pages, "english_bytes": english, "target_bytes": TARGET_BYTES,
            "target_render_ms": TARGET_RENDER_MS, "work_dir": str(work) if keep and work else None}


def render(result: dict) -> str:
    """The benchmark's figures as a table."""
    rows = []
    for p in result["pages"]:
        verdicts = []
        if p["bytes"] >= result["target_bytes"]:
            verdicts.append("size MISSED")
        if p["rendered_ms_median"] >= result["target_render_ms"]:
            verdicts.append("render MISSED")
        if not p["all_charts_drawn"]:
            verdicts.append("NOT ALL CHARTS DRAWN")
        if p["network_requests"] or p["errors"]:
            verdicts.append(f"network {len(p['network_requests'])}, errors {len(p['errors'])}")
        ready = p.get("plotly_ready_ms_median")
        rows.append((p["page"], p["bytes"], p["charts"], p["rendered_ms_median"], "—" if ready is None else ready,
                     p["load_ms_median"],
                     " / ".join(f"{x:.0f}" for x in p["rendered_ms"]), p.get("cpu_ms_median", "—"),
                     "; ".join(verdicts) or "ok"))
    english = result.get("english_bytes") or {}
    if english:
        largest = max(english, key=english.get)
        over = [name for name, size in english.items() if size >= result["target_bytes"]]
        rows.append((f"(English, largest) {largest}", english[largest], "", "", "", "", "", "",
                     f"size MISSED: {', '.join(over)}" if over else "ok"))
    return (harness.table(("page", "bytes", "charts", "all charts drawn ms (median)", "plotly.js ready ms",
                           "load event ms", "each run ms",
                           "main-thread CPU ms", "verdict"), rows)
            + f"\ntargets: each page < {result['target_bytes'] / 1000:g} KB, every chart drawn < "
              f"{result['target_render_ms']} ms after navigation start (pages without charts: the load event); "
              "plotly.js ready: when it has run and drawing begins; "
              "main-thread CPU: the page's work until then, which the machine's load does not stretch; "
              f"network blocked, {result['runs']} openings per page")
