"""Reused kernels are fresh kernels to every report: same bytes, no name or state carried over, nothing left running.

Each worker (a thread of the runner) runs report after report in one kernel (issue 17). These tests run real kernels: the
bundled reports with and without reuse give byte-identical files; a name one notebook defines is
not there for the next; a notebook that fails or leaves state behind costs its kernel; a run
leaves no kernel running and starts no kernel it does not use.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from e2e_support import EPOCH
from nbformat.v4 import new_code_cell, new_notebook

from analysis import run
from analysis.run import cache, kernels

pytestmark = [pytest.mark.slow]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for folder in ("html", "notebooks", "tables")
            for p in sorted((out / folder).rglob("*")) if p.is_file()}


def _places(out: Path) -> dict[str, int]:
    """Each report's place in its kernel's life (1: a new kernel), from the run's manifests."""
    return {p.stem: cache.read_manifest(p.parent, p.stem).kernel_run for p in (out / ".run").glob("*.json")
            if p.name != "facts.json"}


def test_reused_kernels_give_the_bytes_of_a_kernel_per_report(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("SA_PDF", "off")
    reused = run.run_reports(out=tmp_path / "reused", jobs=1)
    monkeypatch.setenv(kernels.REUSE_ENV, "off")
    fresh = run.run_reports(out=tmp_path / "fresh", jobs=1)
    assert reused.exit_code == fresh.exit_code == 0
    places, fresh_places = _places(tmp_path / "reused"), _places(tmp_path / "fresh")
    assert places.keys() == fresh_places.keys() and len(places) >= 7  # every report of the plan, in both runs
    assert sorted(places.values()) == list(range(1, len(places) + 1))  # one kernel ran them all, one after another
    assert set(fresh_places.values()) == {1}
    made, expected = _files(tmp_path / "reused"), _files(tmp_path / "fresh")
    assert made.keys() == expected.keys() and len(made) >= len(places) * 2
    assert [name for name in made if made[name] != expected[name]] == []


# --- one kernel, notebook after notebook ---------------------------------------------------------------


@pytest.fixture
def notebooks(tmp_path):
    """Run small notebooks one after another as a worker does; each returns (executed notebook, failure, place)."""
    (tmp_path / "helper.py").write_text(
        "import warnings\n\ndef warn_once():\n    warnings.warn('shown to every report', UserWarning)\n",
        encoding="utf-8")
    kernels.register_engine()
    seat = kernels.Seat(("json", "pandas", "helper"))
    count = iter(range(1000))

    def execute(*sources: str, parameters: dict | None = None):
        path = tmp_path / f"nb{next(count)}.ipynb"
        cells = [new_code_cell(s) for s in sources]
        if parameters is not None:
            cells.insert(0, new_code_cell("n = 0", metadata={"tags": ["parameters"]}))
        nbformat.write(new_notebook(cells=cells,
                                    metadata={"kernelspec": {"name": "python3", "language": "python",
                                                             "display_name": "Python 3"}}), path)
        job = run.Job(name=path.stem, notebook=path, cwd=tmp_path, kernel_name="python3", parameters=parameters or {},
                      timeout=60, folders={})
        nb, failure, _, place = kernels.execute(job, seat)
        return nb, failure, place

    yield execute
    seat.stop()
    assert seat.live == []


def _text(nb) -> str:
    return "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))


def test_a_name_one_notebook_defines_is_not_there_for_the_next(notebooks):
    _, failure, place = notebooks("secret = 42", "print(secret)")
    assert failure is None and place == 1
    nb, failure, place = notebooks("print(globals().get('secret', 'absent'))", "x = 1\nx")
    assert failure is None and place == 2  # the same kernel, a fresh namespace
    assert _text(nb) == "absent\n"
    assert [cell.execution_count for cell in nb.cells] == [1, 2]  # counted from 1, as in a new kernel


def test_a_warning_shown_to_one_report_is_shown_to_the_next(notebooks):
    for place in (1, 2):
        nb, failure, was = notebooks("import helper\nhelper.warn_once()")
        assert failure is None and was == place
        stderr = [o["text"] for o in nb.cells[0].outputs if o.get("name") == "stderr"]
        assert stderr and "shown to every report" in stderr[0]


@pytest.mark.parametrize("left_behind, looked_at", [
    ("import os\nos.chdir('/')", "import os\nprint(os.getcwd() != '/')"),
    ("import os\nos.environ['SA_LEFT_BEHIND'] = 'yes'", "import os\nprint('SA_LEFT_BEHIND' not in os.environ)"),
    ("import json\njson.dumps = lambda *a, **k: 'patched'", "import json\nprint(json.dumps([1]) == '[1]')"),
    ("import pandas as pd\npd.set_option('display.max_rows', 3)",
     "import pandas as pd\nprint(pd.get_option('display.max_rows') == 60)"),
    ("raise ValueError('a notebook that fails')", "print(True)"),
])
def test_a_notebook_that_fails_or_leaves_state_behind_costs_its_kernel(notebooks, left_behind, looked_at):
    _, _, place = notebooks(left_behind)
    assert place == 1
    nb, failure, place = notebooks(looked_at)
    assert failure is None and place == 1  # a new kernel
    assert _text(nb) == "True\n"


def test_under_another_papermill_its_whole_execute_notebook_runs_the_report_the_same(notebooks, monkeypatch):
    """The steps of papermill.execute_notebook are replayed only under the papermill they were read from."""
    import papermill

    def both_ways():
        made = [notebooks("print(n * 2)", parameters={"n": 21}), notebooks("print(n)\n1 / 0", parameters={"n": 5})]
        return [(_text(nb), [c.source for c in nb.cells], [c.get("execution_count") for c in nb.cells],
                 failure and (failure.ename, failure.cell)) for nb, failure, _ in made]

    replayed = both_ways()
    calls = []
    whole = papermill.execute_notebook
    monkeypatch.setattr(papermill, "__version__", "99.0")
    monkeypatch.setattr(papermill, "execute_notebook",
                        lambda *args, **options: calls.append(args) or whole(*args, **options))
    assert both_ways() == replayed
    assert len(calls) == 2 and all(output is None for _, output in calls)  # nothing written by papermill
    assert replayed[0][0] == "42\n" and replayed[1][3][0] == "ZeroDivisionError"


def test_global_random_generators_are_seeded_afresh(notebooks):
    seeded = "import numpy as np, random\nnp.random.seed(0)\nrandom.seed(0)"
    notebooks(seeded)
    nb, _, place = notebooks("import numpy as np, random\nprint(np.random.rand(), random.random())")
    expected = "import numpy as np, random\nnp.random.seed(0)\nrandom.seed(0)\nprint(np.random.rand(), random.random())"
    fixed, _, _ = notebooks(expected)
    assert place == 2 and _text(nb) != _text(fixed)  # not the numbers seed 0 gives: seeded as a new process


def test_a_kernel_no_report_can_follow_in_is_stopped_unchecked(tmp_path, monkeypatch):
    kernels.register_engine()
    monkeypatch.setattr(kernels.Kernel, "left_behind", lambda self, client: pytest.fail("checked for no next report"))
    seat = kernels.Seat(more_to_come=lambda: False)  # the worker's last report: none waits for any worker
    path = tmp_path / "last.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(6 * 7)")], metadata={"kernelspec": {
        "name": "python3", "language": "python", "display_name": "Python 3"}}), path)
    job = run.Job(name="last", notebook=path, cwd=tmp_path, kernel_name="python3", parameters={}, timeout=60,
                  folders={})
    try:
        nb, failure, _, place = kernels.execute(job, seat)
        assert failure is None and place == 1 and _text(nb) == "42\n"
        assert seat.live == [] and seat.kept is None  # stopped at once, not kept for a report that cannot come
    finally:
        seat.stop()


# --- a run: kernels started only for reports, none left running ---------------------------------------


def _processes_of_this_run(runner: int | None = None) -> list[int]:
    """Processes whose environment holds the run snapshots of ``runner`` (default: this test process): its kernels."""
    marker = f"sa-inputs-{runner or os.getpid()}-".encode()
    found = []
    for folder in Path("/proc").iterdir():
        if folder.name.isdigit() and int(folder.name) != os.getpid():
            try:
                if marker in (folder / "environ").read_bytes():
                    found.append(int(folder.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to find the run's processes")
def test_a_run_starts_a_kernel_per_worker_and_leaves_none_running(tmp_path, monkeypatch):
    monkeypatch.setenv("SA_PDF", "off")
    plan = tmp_path / "plan.yaml"
    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")], metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}), notebook)
    plan.write_text("notebooks_dir: .\nreports:\n" + "".join(
        f"  - {{notebook: n.ipynb, name: r{i}}}\n" for i in range(5)), encoding="utf-8")
    summary = run.run_reports(plan=plan, out=tmp_path / "out", jobs=2)
    assert summary.exit_code == 0
    places = _places(tmp_path / "out")
    assert len(places) == 5 and 1 <= list(places.values()).count(1) <= 2  # a kernel per worker at most
    assert _processes_of_this_run() == []
    assert json.loads((tmp_path / "out" / ".run" / "r0.json").read_text())["status"] == "done"


def test_an_export_that_fails_costs_only_its_report(tmp_path, monkeypatch):
    from analysis import export

    monkeypatch.setenv("SA_PDF", "off")
    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")], metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}), notebook)
    plan = tmp_path / "plan.yaml"
    plan.write_text("notebooks_dir: .\nreports:\n" + "".join(
        f"  - {{notebook: n.ipynb, name: r{i}}}\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "out"
    assert run.run_reports(plan=plan, out=out, jobs=2).exit_code == 0
    good = (out / "html" / "r1.html").read_bytes()
    render = export.render_report

    def render_or_fail(nb, *, report_name, **kwargs):  # exports run in the runner's process: one of them breaks
        if report_name == "r1":
            raise RecursionError("maximum recursion depth exceeded")
        return render(nb, report_name=report_name, **kwargs)

    monkeypatch.setattr(export, "render_report", render_or_fail)
    summary = run.run_reports(plan=plan, out=out, jobs=2, force=True)
    assert [(r.name, r.status) for r in summary.results] == [("r0", "done"), ("r1", "failed"), ("r2", "done")]
    assert "RecursionError: maximum recursion depth exceeded" in summary.results[1].message
    assert (out / "html" / "r1.html").read_bytes() == good  # its last good page stays whole
    assert summary.exit_code == 1


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to find the run's processes")
def test_a_process_a_report_started_ends_with_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SA_PDF", "off")
    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import subprocess\nsubprocess.Popen(['sleep', '300'])")],
                                metadata={"kernelspec": {"name": "python3", "language": "python",
                                                         "display_name": "Python 3"}}), notebook)
    plan = tmp_path / "plan.yaml"
    plan.write_text("notebooks_dir: .\nreports:\n  - {notebook: n.ipynb, name: r0}\n  - {notebook: n.ipynb, name: r1}\n",
                    encoding="utf-8")
    summary = run.run_reports(plan=plan, out=tmp_path / "out", jobs=1)
    assert summary.exit_code == 0 and summary.count("done") == 2
    assert _processes_of_this_run() == []  # the sleeps went with their kernel, the kernel when its worker ended


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to find the run's processes")
def test_an_interrupted_run_stops_its_kernels_at_once_and_writes_nothing_more(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import subprocess, time\nsubprocess.Popen(['sleep', '300'])\n"
                                                     "open('started-' + str(time.time()), 'w').close()\n"
                                                     "time.sleep(300)")],
                                metadata={"kernelspec": {"name": "python3", "language": "python",
                                                         "display_name": "Python 3"}}), notebook)
    plan = tmp_path / "plan.yaml"
    plan.write_text("notebooks_dir: .\nreports:\n  - {notebook: n.ipynb, name: r0}\n  - {notebook: n.ipynb, name: r1}\n"
                    "  - {notebook: n.ipynb, name: r2}\n", encoding="utf-8")
    out = tmp_path / "out"
    # Ctrl-C as a terminal gives it, whatever this test was started under: a job started in the background by a
    # shell without job control (a CI script's `cmd &`) ignores SIGINT, and so would the run it starts
    command = subprocess.Popen([sys.executable, "-m", "analysis", "run", "--plan", str(plan), "--out", str(out),
                                "--jobs", "2"], env={**os.environ, "SA_PDF": "off"}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("started-*"))) < 2:  # both workers are in a report's cell
        assert time.monotonic() < deadline and command.poll() is None, command.communicate()
        time.sleep(0.2)
    command.send_signal(signal.SIGINT)  # Ctrl-C
    stdout, stderr = command.communicate(timeout=30)
    assert command.returncode == 130 and "interrupted" in stderr, stdout + stderr
    assert _processes_of_this_run(command.pid) == []  # its kernels, and what a report started, are gone
    assert not list((out / "notebooks").glob("*")) and not list((out / "html").glob("*"))  # nothing half-made
    assert len(list(tmp_path.glob("started-*"))) == 2  # the third report was never begun


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to find the run's processes")
def test_a_run_that_stops_at_a_bad_ledger_starts_no_kernel(tmp_path, monkeypatch):
    from analysis.errors import DataError

    monkeypatch.setenv("SA_PDF", "off")
    bad = tmp_path / "ledger.csv"
    bad.write_text("建议编号,标题\n1,关于A的建议\n", encoding="utf-8")  # no session, no handling body
    with pytest.raises(DataError, match="ledger.csv"):
        run.run_reports(data=[str(bad)], out=tmp_path / "out")
    assert _processes_of_this_run() == []
    assert not (tmp_path / "out").exists()  # a run that made nothing leaves no folder


def _group_members(pgid: int) -> list[str]:
    """The processes of process group ``pgid`` (zombies included), as 'pid state command'."""
    found = []
    for folder in Path("/proc").iterdir():
        if folder.name.isdigit():
            try:
                fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                found.append(f"{folder.name} {fields[0]} {(folder / 'cmdline').read_bytes()[:80]!r}")
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the run's processes")
def test_the_command_leaves_no_process_of_its_own_behind(tmp_path):
    import subprocess
    import sys

    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")], metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}), notebook)
    plan = tmp_path / "plan.yaml"
    plan.write_text("notebooks_dir: .\nreports:\n  - {notebook: n.ipynb, name: r0}\n", encoding="utf-8")
    command = subprocess.Popen([sys.executable, "-m", "analysis", "run", "--plan", str(plan), "--out",
                                str(tmp_path / "out")], env={**os.environ, "SA_PDF": "off"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    assert command.wait(timeout=300) == 0
    # its kernels: none running, none left unreaped
    assert _group_members(command.pid) == []
