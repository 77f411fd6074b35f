"""Benchmark 1: the default run plan with our runner, against the plain papermill + nbconvert way and the floor.

Ours: ``python -m analysis run --force --out FRESH`` (two workers, threads of the runner, each
driving a warm kernel reused from report to report, exporting in the runner's process), timed twice: as ``make report``
makes it (HTML, Excel, Word and the PDF printed by Chromium) and with ``SA_PDF=off`` (HTML, Excel,
Word), the one to set beside the plain way, which makes HTML only. The plain way, as a user would
do it without us: for each report of the same plan, ``papermill`` CLI with the same parameters
our runner injected (read back from the executed notebooks' papermill metadata), then
``jupyter nbconvert --to html --no-input``, one after another. The floor (``benchmarks.floor``):
two kernels that import once and run the same notebooks back to back, exporting nothing. Runs
alternate the order of the ways so load from other work on the machine falls on all alike; the
medians and their ratios are reported, and beside them the ratios paired by round: each round's
plain way and floor set against the same round's ours (``SA_PDF=off``), which runs next to both,
then the median of those (on a shared machine, load that comes and goes between rounds moves
every way of a round alike, and the ratio of medians of unpaired runs not at all alike).
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml

from . import harness

TARGET_RATIO = 8.0  # ours (SA_PDF=off) at least this many times faster than the plain way
TARGET_OF_FLOOR = 1.3  # and at most this many times the floor
WAYS = ("ours", "ours_no_pdf", "plain", "floor")  # as the table shows them
# As they run (backward every other round): ours first, whose executed notebooks give the others their parameters;
# ours SA_PDF=off next to both the plain way and the floor, the two it is set against.
RUN_ORDER = ("ours", "plain", "ours_no_pdf", "floor")


def run_ours(out: Path, pdf: bool = True) -> harness.Timed:
    """The whole default plan with our runner into a fresh folder, every report redone (``pdf``: printed too)."""
    command = [str(harness.VENV_BIN / "python"), "-m", "analysis", "run", "--force", "--out", str(out)]
    env = harness.project_env() if pdf else harness.project_env(SA_PDF="off")
    return harness.run_timed(command, cwd=harness.PROJECT_DIR, env=env).check("our runner")


def run_floor(reports: list[dict], folder: Path) -> harness.Timed:
    """The floor: ``benchmarks.floor`` on the same reports and parameters."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = folder / "reports.json"
    listed.write_text(json.dumps(reports, ensure_ascii=False), encoding="utf-8")
    return harness.run_timed([str(harness.VENV_BIN / "python"), "-m", "benchmarks.floor", str(listed)],
                             cwd=harness.PROJECT_DIR, env=harness.project_env()).check("the floor")


def injected_parameters(out: Path) -> list[dict]:
    """Each report our runner made: name, notebook and the parameters papermill injected, in the order our runner
    started them in a fresh outputs folder (``start_order``), so that the floor deals them as our runner does."""
    import nbformat

    from analysis import run

    plan = run.load_plan()
    stems = {entry.notebook.stem: entry.notebook for entry in plan.entries}
    reports = []
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("papermill") or {}
        source = Path(meta.get("input_path") or "")
        notebook = stems.get(source.stem) or next(p for s, p in stems.items() if path.stem.startswith(s))
        parameters = json.loads(json.dumps(meta.get("parameters") or {}))  # plain dicts, not NotebookNodes
        reports.append({"name": path.stem, "notebook": str(notebook), "parameters": parameters})
    if not reports:
        raise RuntimeError(f"our runner left no executed notebooks in {out / 'notebooks'}")
    return start_order(reports, plan)


def start_order(reports: list[dict], plan) -> list[dict]:
    """``reports`` in the order our runner starts them in a fresh outputs folder: the plan's ``expected_seconds``
    longest first, equal ones in the plan's order (``analysis.run.jobs.longest_first``); until 2026-12-05 the floor
    took them in the order of their names, which left it a worse deal than ours (peers, the longest, third)."""
    from analysis.run.jobs import DEFAULT_EXPECTED_SECONDS

    entries = {entry.notebook.stem: (index, entry.expected_seconds or DEFAULT_EXPECTED_SECONDS)
               for index, entry in enumerate(plan.entries)}

    def key(report: dict) -> tuple:
        index, expected = entries.get(Path(report["notebook"]).stem, (len(entries), DEFAULT_EXPECTED_SECONDS))
        return -expected, index, report["name"]

    return sorted(reports, key=key)


def run_plain(reports: list[dict], out: Path) -> harness.Timed:
    """papermill CLI then ``jupyter nbconvert --to html --no-input`` for each report, one after another."""
    out.mkdir(parents=True, exist_ok=True)
    script = [f"set -e\ncd {json.dumps(str(harness.PROJECT_DIR))}"]
    for report in reports:
        params = out / f"{report['name']}.params.yaml"
        params.write_text(yaml.safe_dump(report["parameters"], allow_unicode=True), encoding="utf-8")
        executed = out / f"{report['name']}.ipynb"
        notebook = Path(report["notebook"])
        script.append(f"papermill --no-progress-bar --log-level WARNING --cwd {json.dumps(str(notebook.parent))} "
                      f"-f {json.dumps(str(params))} {json.dumps(str(notebook))} {json.dumps(str(executed))}")
        script.append(f"jupyter nbconvert --to html --no-input --log-level WARN --output-dir "
                      f"{json.dumps(str(out / 'html'))} {json.dumps(str(executed))}")
    # One shell runs the commands in series, so the timing holds no Python of ours between them.
    return harness.run_timed(["bash", "-c", "\n".join(script)], env=harness.project_env()).check("the plain way")


def measure(runs: int = 3, keep: bool = False) -> dict:
    """Median wall time of ``runs`` runs of each way, in alternating order, and the ratios."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-suite-"))
    timings: dict[str, list[harness.Timed]] = {way: [] for way in WAYS}
    reports = None
    try:
        for number in range(runs):
            # Forward, then backward: our first run comes first, since the others need its parameters.
            for way in RUN_ORDER if number % 2 == 0 else RUN_ORDER[::-1]:
                folder = work / f"{way}-{number}"
                if way == "ours":
                    timings[way].append(run_ours(folder))
                    reports = reports or injected_parameters(folder)
                elif way == "ours_no_pdf":
                    timings[way].append(run_ours(folder, pdf=False))
                elif way == "plain":
                    timings[way].append(run_plain(reports, folder))
                else:
                    timings[way].append(run_floor(reports, folder))
        medians = {way: harness.median(t.wall_s for t in timed) for way, timed in timings.items()}
        return {
            "runs": runs, "reports": [r["name"] for r in reports],
            "wall_s": {way: [t.wall_s for t in timed] for way, timed in timings.items()},
            "cpu_s": {way: [t.cpu_s for t in timed] for way, timed in timings.items()},
            "median_s": medians,
            "ratio": round(medians["plain"] / medians["ours_no_pdf"], 2),
            "ratio_with_pdf": round(medians["plain"] / medians["ours"], 2),
            "of_floor": round(medians["ours_no_pdf"] / medians["floor"], 2),
            "of_floor_with_pdf": round(medians["ours"] / medians["floor"], 2),
            "ratio_paired": _paired(timings["plain"], timings["ours_no_pdf"]),
            "of_floor_paired": _paired(timings["ours_no_pdf"], timings["floor"]),
            "target_ratio": TARGET_RATIO, "target_of_floor": TARGET_OF_FLOOR,
            "pages_ours": sorted(p.name for p in (work / "ours-0" / "html").glob("*.html") if p.name != "index.html"),
            "pages_plain": sorted(p.name for p in (work / "plain-0" / "html").glob("*.html")),
            "work_dir": str(work) if keep else None,
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _paired(numerators: list[harness.Timed], denominators: list[harness.Timed]) -> float:
    """The median of the rounds' ratios of wall times (each round's two ways ran one after the other)."""
    return round(harness.median(a.wall_s / b.wall_s for a, b in zip(numerators, denominators)), 2)


WAY_NAMES = {
    "ours": "ours, as make report: python -m analysis run --force (HTML, Excel, Word, PDF)",
    "ours_no_pdf": "ours, SA_PDF=off (HTML, Excel, Word)",
    "plain": "plain: papermill + nbconvert --to html, in series",
    "floor": "floor: 2 warm kernels, imports once, nothing exported",
}


def render(result: dict) -> str:
    """The benchmark's figures as a table."""
    rows = [(WAY_NAMES[way], result["median_s"][way], harness.median(result["cpu_s"][way]),
             " / ".join(f"{x:.1f}" for x in result["wall_s"][way])) for way in WAYS]
    ratio = "met" if result["ratio"] >= result["target_ratio"] else "MISSED"
    floor = "met" if result["of_floor"] <= result["target_of_floor"] else "MISSED"
    return (harness.table(("way", "median wall s", "median CPU s", "each run (wall s)"), rows)
            + f"\nours (SA_PDF=off): {result['ratio']:.2f}× faster than the plain way (target ≥ "
            f"{result['target_ratio']:g}×: {ratio}), {result['of_floor']:.2f}× the floor (target ≤ "
            f"{result['target_of_floor']:g}×: {floor}); with the PDFs: {result['ratio_with_pdf']:.2f}× and "
            f"{result['of_floor_with_pdf']:.2f}×; {len(result['reports'])} reports, {result['runs']} runs each way"
            + _paired_line(result))


def _paired_line(result: dict) -> str:
    if "of_floor_paired" not in result:  # a result saved before the pairing
        return ""
    return (f"\npaired by round (each round's ratio, then their median): {result['ratio_paired']:.2f}× faster than "
            f"the plain way, {result['of_floor_paired']:.2f}× the floor")
