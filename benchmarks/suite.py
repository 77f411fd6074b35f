"""Benchmark 1: the default run plan with our runner against the plain papermill + nbconvert way.

Ours: ``python -m analysis run --force --out FRESH`` (worker pool, pre-warmed spare kernels,
in-process HTML export). The plain way, as a user would do it without us: for each report of
the same plan, ``papermill`` CLI with the same parameters our runner injected (read back from
the executed notebooks' papermill metadata), then ``jupyter nbconvert --to html --no-input``,
one after another. Runs alternate between the two so load from other work on the machine
falls on both alike; the medians and their ratio are reported.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml

from . import harness

TARGET_RATIO = 4.0


def run_ours(out: Path) -> harness.Timed:
    """The whole default plan with our runner into a fresh folder, every report redone."""
    command = [str(harness.VENV_BIN / "python"), "-m", "analysis", "run", "--force", "--out", str(out)]
    return harness.run_timed(command, cwd=harness.PROJECT_DIR, env=harness.project_env()).check("our runner")


def injected_parameters(out: Path) -> list[dict]:
    """Each report our runner made: name, notebook and the parameters papermill injected, in plan order."""
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
    return reports


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
    """Median wall time of ``runs`` runs each way, alternating, and the ratio."""
    work = Path(tempfile.mkdtemp(prefix="sa-bench-suite-"))
    ours, plain, reports = [], [], None
    try:
        for number in range(runs):
            order = ("ours", "plain") if number % 2 == 0 else ("plain", "ours")
            for way in order:
                if way == "ours":
                    ours.append(run_ours(work / f"ours-{number}"))
                    reports = reports or injected_parameters(work / f"ours-{number}")
                else:
                    if reports is None:  # the plain way needs the parameters our first run injected
                        ours.append(run_ours(work / f"ours-{number}"))
                        reports = injected_parameters(work / f"ours-{number}")
                    plain.append(run_plain(reports, work / f"plain-{number}"))
        html_ours = sorted(p.name for p in (work / "ours-0" / "html").glob("*.html") if p.name != "index.html")
        html_plain = sorted(p.name for p in (work / "plain-0" / "html").glob("*.html"))
        ours_s, plain_s = harness.median(t.wall_s for t in ours), harness.median(t.wall_s for t in plain)
        return {
            "runs": runs,
            "reports": [r["name"] for r in reports],
            "ours_wall_s": [t.wall_s for t in ours], "plain_wall_s": [t.wall_s for t in plain],
            "ours_cpu_s": [t.cpu_s for t in ours], "plain_cpu_s": [t.cpu_s for t in plain],
            "ours_median_s": ours_s, "plain_median_s": plain_s,
            "ratio": round(plain_s / ours_s, 2),
            "target_ratio": TARGET_RATIO,
            "pages_ours": html_ours, "pages_plain": html_plain,
            "work_dir": str(work) if keep else None,
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def render(result: dict) -> str:
    """The benchmark's figures as a table."""
    rows = [
        ("ours: python -m analysis run --force", result["ours_median_s"], harness.median(result["ours_cpu_s"]),
         " / ".join(f"{x:.1f}" for x in result["ours_wall_s"])),
        ("plain: papermill + nbconvert, in series", result["plain_median_s"], harness.median(result["plain_cpu_s"]),
         " / ".join(f"{x:.1f}" for x in result["plain_wall_s"])),
    ]
    verdict = "met" if result["ratio"] >= result["target_ratio"] else "MISSED"
    return (harness.table(("way", "median wall s", "median CPU s", "each run (wall s)"), rows)
            + f"\nratio {result['ratio']:.2f}× (target ≥ {result['target_ratio']:g}×: {verdict}); "
            f"{len(result['reports'])} reports, {result['runs']} runs each way")
