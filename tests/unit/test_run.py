"""Unit tests of analysis.run: plan parsing and expansion, cache keys, atomic writes, the lock, data facts."""
from __future__ import annotations

import io
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis import paths, provenance, reasons, run, sources
from analysis.reasons import Changed, Reason, of
from analysis.run import cache, kernels, outputs, worker
from analysis.run.jobs import in_plan_order, longest_first
from analysis.errors import ConfigError, DataError, RunError

SESSIONS = ["十八届人大三次会议", "十八届人大一次会议", "十八届人大二次会议"]

def _plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path

# --- the plan --------------------------------------------------------------------------------------

def test_the_repository_plan_makes_one_session_report_per_session_and_the_others_once():
    planned = run.expand_plan(run.load_plan(paths.RUN_PLAN), SESSIONS)
    assert [p.name for p in planned] == ["session_report_18-1", "session_report_18-2", "session_report_18-3",
                                         "trends", "handling_units", "supervision_sample", "peers", "figures_check"]
    assert [p.parameters.get("session") for p in planned[:3]] == ["十八届人大一次会议", "十八届人大二次会议",
                                                                  "十八届人大三次会议"]
    assert all(p.notebook.parent == paths.NOTEBOOKS_DIR for p in planned)
    assert planned[-1].needs == ("figures",) and planned[0].needs == ("ledger",)
    assert run.plan_title(planned[0].title, "en") == "Session report"

def test_plan_entries_keep_their_parameters_and_names(tmp_path):
    plan = run.load_plan(_plan(tmp_path, """
notebooks_dir: nbs
defaults: {lang: en}
warm_imports: [pandas]
reports:
  - notebook: a.ipynb
    name: "a_{session_code}"
    for_each: session
    parameters: {seed: 7}
  - notebook: b.ipynb
    parameters: {fraction: 0.2, session: 十九届人大一次会议}
"""))
    planned = run.expand_plan(plan, ["19-1"])
    assert [p.name for p in planned] == ["a_19-1", "b"]
    assert planned[0].parameters == {"seed": 7, "session": "19-1"}
    assert planned[1].session == "十九届人大一次会议"
    assert planned[0].notebook == (tmp_path / "nbs" / "a.ipynb").resolve()
    assert plan.defaults == {"lang": "en"} and plan.warm_imports == ("pandas",)

def test_no_sessions_means_no_session_reports(tmp_path):
    plan = run.load_plan(_plan(tmp_path, "reports:\n  - {notebook: a.ipynb, for_each: session}\n"
                                         "  - {notebook: b.ipynb}\n"))
    assert [p.name for p in run.expand_plan(plan, [])] == ["b"]

def test_the_session_reports_take_the_supervision_entrys_session_fraction_and_size(tmp_path):
    plan = run.load_plan(_plan(tmp_path, """
reports:
  - {notebook: session_report.ipynb, for_each: session}
  - {notebook: trends.ipynb}
  - notebook: supervision_sample.ipynb
    parameters: {session: 十八届一次, fraction: 0.2, seed: 7, strata: none}
"""))
    planned = {p.name: p for p in run.expand_plan(plan, SESSIONS)}
    facts = {"supervision_session": "十八届一次", "supervision_fraction": 0.2}  # the seed and strata print nowhere else
    assert [planned[f"session_report_18-{n}"].parameters for n in (1, 2, 3)] == [
        {"session": s, **facts} for s in ("十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议")]
    assert planned["trends"].parameters == {}  # a notebook that does not describe the draw is given nothing
    assert planned["supervision_sample"].parameters["fraction"] == 0.2

def test_a_supervision_draw_per_session_points_every_session_report_to_its_own(tmp_path):
    plan = run.load_plan(_plan(tmp_path, "reports:\n  - {notebook: session_report.ipynb, for_each: session}\n"
                                         "  - {notebook: supervision_sample.ipynb, for_each: session, "
                                         "parameters: {size: 5}}\n"))
    planned = run.expand_plan(plan, SESSIONS[:1])
    assert planned[0].parameters == {"session": SESSIONS[0], "supervision_session": SESSIONS[0],
                                     "supervision_size": 5}

def test_a_plan_without_a_supervision_report_says_so_to_the_session_reports(tmp_path):
    plan = run.load_plan(_plan(tmp_path, "reports:\n  - {notebook: session_report.ipynb, for_each: session}\n"))
    assert [p.parameters for p in run.expand_plan(plan, SESSIONS)] == [
        {"session": s, "supervision_report": False} for s in ("十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议")]

def test_with_several_supervision_draws_each_session_report_describes_the_one_from_its_session(tmp_path):
    plan = run.load_plan(_plan(tmp_path, """
reports:
  - {notebook: session_report.ipynb, for_each: session}
  - {notebook: supervision_sample.ipynb, name: drawn_a, parameters: {size: 5}}
  - {notebook: supervision_sample.ipynb, name: drawn_b, parameters: {session: 十八届一次, fraction: 0.2}}
"""))
    planned = {p.name: p.parameters for p in run.expand_plan(plan, SESSIONS)}
    # the first entry draws from the latest session (none given); the second from the first session (a short form)
    assert planned["session_report_18-1"] == {"session": "十八届人大一次会议", "supervision_session": "十八届一次",
                                              "supervision_fraction": 0.2}
    assert planned["session_report_18-3"] == {"session": "十八届人大三次会议", "supervision_size": 5}
    # a session neither draws from: the first entry's draw, which its page states without pointing to a list
    assert planned["session_report_18-2"] == {"session": "十八届人大二次会议", "supervision_size": 5}

def test_the_default_plan_gives_the_session_reports_no_supervision_parameters():
    # the supervision entry sets none: both notebooks' defaults (the latest session, the settings' share) agree
    planned = run.expand_plan(run.load_plan(paths.RUN_PLAN), SESSIONS)
    assert [p.parameters for p in planned if p.notebook.name == "session_report.ipynb"] == [
        {"session": s} for s in ("十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议")]

def test_a_supervision_fact_set_by_hand_on_the_session_reports_is_refused(tmp_path):
    plan = run.load_plan(_plan(tmp_path, "reports:\n  - {notebook: session_report.ipynb, for_each: session, "
                                         "parameters: {supervision_session: 十八届人大一次会议}}\n"))
    with pytest.raises(ConfigError, match="supervision_session: set by the runner from the supervision_sample"):
        run.expand_plan(plan, SESSIONS)

@pytest.mark.parametrize("text, message", [
    ("reports: []", "non-empty list"),
    ("- a", "non-empty list"),
    ("reports: [{notebook: a.ipynb, colour: red}]", "unknown keys ['colour']"),
    ("reports: [{name: x}]", "at least `notebook`"),
    ("reports: [{notebook: a.ipynb, for_each: handler}]", "for_each 'handler' not supported"),
    ("reports: [{notebook: a.ipynb, needs: [weather]}]", "needs"),
    ("reports: [{notebook: a.ipynb, parameters: [1]}]", "parameters: expected a mapping"),
    ("reports: [{notebook: a.ipynb, expected_seconds: 0}]", "expected_seconds 0: expected a positive number"),
    ("reports: [{notebook: a.ipynb, expected_seconds: long}]", "expected_seconds 'long'"),
    ("reports: [{notebook: a.ipynb, expected_seconds: true}]", "expected_seconds True"),
    ("reports: [{notebook: a.ipynb}]\nextra: 1", "unknown keys ['extra']"),
    ("reports: [{notebook: a.ipynb\n", "not valid YAML"),
])
def test_a_wrong_plan_says_what_is_wrong(tmp_path, text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        run.load_plan(_plan(tmp_path, text))

def test_a_missing_plan_is_named(tmp_path):
    with pytest.raises(ConfigError, match="run plan not found"):
        run.load_plan(tmp_path / "nope.yaml")

def test_duplicate_or_unsafe_report_names_are_refused(tmp_path):
    twice = run.load_plan(_plan(tmp_path, "reports: [{notebook: a.ipynb}, {notebook: a.ipynb}]"))
    with pytest.raises(ConfigError, match="two reports are named 'a'"):
        run.expand_plan(twice, [])
    unsafe = run.load_plan(_plan(tmp_path, "reports: [{notebook: a.ipynb, name: '../../etc/x'}]"))
    with pytest.raises(ConfigError, match="may hold only"):
        run.expand_plan(unsafe, [])

def test_session_code():
    assert run.session_code("十八届人大二次会议") == "18-2"
    assert run.session_code("第十九届人民代表大会第一次会议") == "19-1"
    with pytest.raises(ConfigError):
        run.session_code("全部")

# --- cache keys ---------------------------------------------------------------------------------------

NOTEBOOK = b'{"cells": []}'
PARAMS = {"session": "十八届人大二次会议", "lang": "zh", "ledger_files": ["/d/l.csv"]}
ENV = {"code": "c0de", "pkg:pandas": "3.1.1", "SOURCE_DATE_EPOCH": ""}

def test_cache_key_is_stable_for_the_same_inputs():
    key = run.cache_key(NOTEBOOK, PARAMS, ["h1", "h2"], ENV)
    assert key == run.cache_key(NOTEBOOK, dict(reversed(list(PARAMS.items()))), ["h2", "h1"], dict(ENV))
    assert len(key) == 64

@pytest.mark.parametrize("change", [
    {"notebook": b'{"cells": [1]}'},
    {"parameters": {**PARAMS, "session": "十八届人大三次会议"}},
    {"parameters": {**PARAMS, "lang": "en"}},
    {"data": ["h1", "h3"]},
    {"environment": {**ENV, "code": "c0de2"}},
    {"environment": {**ENV, "SOURCE_DATE_EPOCH": "1721001600"}},
])
def test_cache_key_changes_when_notebook_parameters_data_or_code_change(change):
    base = {"notebook": NOTEBOOK, "parameters": PARAMS, "data": ["h1", "h2"], "environment": ENV}
    changed = {**base, **change}
    assert run.cache_key(*changed.values()) != run.cache_key(*base.values())

def test_changed_parts_say_why_a_report_is_redone():
    old = run.cache_parts(NOTEBOOK, PARAMS, ["h1"], {**ENV, "file:config.yaml": "a"})
    assert run.changed_parts(old, old) == []
    new = run.cache_parts(NOTEBOOK, {**PARAMS, "lang": "en"}, ["h2"],
                          {**ENV, "code": "c0de2", "pkg:pandas": "3.2", "file:config.yaml": "b"})
    assert run.changed_parts(old, new) == [Changed.DATA, Changed.CODE, Changed.SETTINGS, Changed.LIBRARIES,
                                           Changed.PARAMETERS]


def test_environment_fingerprint_follows_code_and_build_time(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = run.environment_fingerprint()
    assert first == run.environment_fingerprint()
    assert first["code"] == provenance.code_hash() and first["pkg:pandas"] != "-"
    assert "file:config.yaml" in first and "file:abc.yaml" in first
    # a report dropped into data/peers changes every key (the peers page reads the folder), and is called data
    assert {f"file:peers/{p.name}" for p in paths.PEERS_DIR.glob("*.csv")} <= set(first)
    assert run.changed_parts({"env:file:peers/T99.csv": "a"}, {"env:file:peers/T99.csv": "b"}) == [Changed.DATA]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")
    assert run.environment_fingerprint()["SOURCE_DATE_EPOCH"] == "1721001600"

def test_library_versions_are_the_ones_importlib_metadata_gives(tmp_path, monkeypatch):
    from importlib import metadata

    names = (*cache.FINGERPRINT_PACKAGES, "PyYAML", "jupyter_client", "no-such-package")
    expected = {name: cache._version(name) for name in names}
    assert cache._installed_versions(names) == expected
    assert expected["python-docx"] == metadata.version("python-docx") and expected["no-such-package"] == "-"
    # the first folder on sys.path wins, as importlib finds it; an .egg-info is asked of importlib itself
    (tmp_path / "pandas-0.0.1.dist-info").mkdir()
    (tmp_path / "numpy.egg-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    versions = cache._installed_versions(("pandas", "numpy"))
    assert versions["pandas"] == "0.0.1"
    assert versions["numpy"] == cache._version("numpy")


# --- atomic writes -----------------------------------------------------------------------------------

def test_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "a.html"
    run.atomic_write(target, "第一版")
    run.atomic_write(target, "第二版".encode("utf-8"))
    assert target.read_text(encoding="utf-8") == "第二版"
    assert [p.name for p in target.parent.iterdir()] == ["a.html"]

def test_an_interrupted_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    run.atomic_write(target, "good")

    def boom(*args):
        raise KeyboardInterrupt  # the moment before the new file would have been moved into place

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        run.atomic_write(target, "half-written new content")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]

@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_read_only_folder_gives_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(RunError, match="cannot write"):
            run.atomic_write(folder / "a.html", "x")
    finally:
        folder.chmod(0o700)

def test_a_folder_refusing_new_files_gives_a_clear_error(tmp_path, monkeypatch):
    # what a read-only folder does, simulated so the test also runs as root (whom chmod does not stop)
    target = tmp_path / "a.html"
    run.atomic_write(target, "good")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(RunError, match=r"cannot write .*a\.html: Permission denied"):
        run.atomic_write(target, "new")
    assert target.read_text() == "good"


def test_a_full_disk_gives_a_clear_error_and_nothing_half_written(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    run.atomic_write(target, "good")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(RunError, match="No space left on device"):
        run.atomic_write(target, "new")
    assert target.read_text() == "good" and [p.name for p in tmp_path.iterdir()] == ["a.html"]

def test_temp_files_of_a_killed_run_are_removed(tmp_path):
    (tmp_path / ".a.html.x1y2.tmp").write_text("half")
    (tmp_path / "a.html").write_text("good")
    (tmp_path / "notes.tmp").write_text("not ours")
    removed = run.remove_temp_files([tmp_path, tmp_path / "missing"])
    assert [p.name for p in removed] == [".a.html.x1y2.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "notes.tmp"]

# --- the lock ------------------------------------------------------------------------------------------

def test_a_second_run_on_the_same_folder_is_refused_with_a_clear_message(tmp_path):
    with run.OutputLock(tmp_path):
        started = time.monotonic()
        with pytest.raises(RunError, match="Another run is writing to") as caught:
            with run.OutputLock(tmp_path, wait_s=0.5):
                pass
        assert time.monotonic() - started >= 0.5  # it waited before refusing
        assert f"pid {os.getpid()}" in str(caught.value)
    with run.OutputLock(tmp_path, wait_s=0):  # released on exit
        pass

def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from analysis import run\n"
                               f"with run.OutputLock({str(tmp_path)!r}):\n"
                               "    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=paths.PROJECT_DIR)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunError):
            with run.OutputLock(tmp_path, wait_s=0.2):
                pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        with run.OutputLock(tmp_path, wait_s=2):
            pass
    finally:
        holder.kill()
        holder.stdout.close()

# --- data files -----------------------------------------------------------------------------------------

def _ledger(path: Path) -> Path:
    path.write_text("建议编号,届次,标题,承办主体,数据来源\n"
                    "1,十八届人大一次会议,关于A的建议,区政府,示例数据\n"
                    "2,十八届人大二次会议,关于B的建议,国际港务区,示例数据\n", encoding="utf-8")
    return path

def test_data_files_are_told_apart_and_their_facts_cached(tmp_path, monkeypatch):
    ledger = _ledger(tmp_path / "ledger.csv")
    state = tmp_path / "state"
    state.mkdir()
    ledger_fact, figures_fact = run.describe_data([ledger, paths.SOURCE_FIGURES], state_dir=state)
    assert (ledger_fact.kind, ledger_fact.sessions, ledger_fact.is_sample) == (
        "ledger", ("十八届人大一次会议", "十八届人大二次会议"), True)
    assert figures_fact.kind == "figures" and not figures_fact.is_sample
    from analysis import load

    monkeypatch.setattr(load, "validate_files", lambda files: pytest.fail("facts should come from the cache"))
    assert run.describe_data([ledger, paths.SOURCE_FIGURES], state_dir=state) == [ledger_fact, figures_fact]

def test_unusable_data_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="文件不存在"):
        run.describe_data([tmp_path / "missing.csv"])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(DataError) as caught:
        run.describe_data([binary])
    assert "binary.csv" in str(caught.value)

def _validated_where(monkeypatch, tmp_path, then=None):
    """Have the loader note the process that reads each file (in ``tmp_path/readers``), then do ``then`` there.

    The runner forks its describing child only while it runs no other thread. Earlier tests of the suite leave
    idle threads in this process (the runner has none at that point), so here they are not counted.
    """
    import threading

    from analysis import load

    monkeypatch.setattr(threading, "active_count", lambda: 1)

    readers = tmp_path / "readers"
    validate = load.validate_files

    def noted(files, **kwargs):
        with open(readers, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        if then is not None and os.getpid() != runner:
            then()
        return validate(files, **kwargs)

    runner = os.getpid()
    monkeypatch.setattr(load, "validate_files", noted)
    return readers


def test_facts_not_cached_are_worked_out_in_a_child_while_the_runner_goes_on(tmp_path, monkeypatch):
    ledger = _ledger(tmp_path / "ledger.csv")
    here = run.describe_data([ledger, paths.SOURCE_FIGURES])
    readers = _validated_where(monkeypatch, tmp_path)
    meanwhile = []
    state = tmp_path / "state"
    state.mkdir()
    assert run.describe_data([ledger, paths.SOURCE_FIGURES], state_dir=state,
                             meanwhile=lambda: meanwhile.append(os.getpid())) == here
    assert meanwhile == [os.getpid()]
    child = set(readers.read_text().split())
    assert len(child) == 1 and child != {str(os.getpid())}  # both files read by one child, not the runner
    with pytest.raises(ChildProcessError):
        os.waitpid(int(child.pop()), os.WNOHANG)  # and it was reaped
    again = []  # every fact cached: no child, and nothing done meanwhile
    assert run.describe_data([ledger, paths.SOURCE_FIGURES], state_dir=state, meanwhile=lambda: again.append(1)) == here
    assert again == [] and len(readers.read_text().split()) == 2


def test_no_child_is_forked_while_another_thread_runs_and_the_facts_are_the_same(tmp_path, monkeypatch):
    import threading

    ledger = _ledger(tmp_path / "ledger.csv")
    here = run.describe_data([ledger])
    readers = _validated_where(monkeypatch, tmp_path)
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a fork would copy that thread's locks, not it
    meanwhile = []
    assert run.describe_data([ledger], meanwhile=lambda: meanwhile.append(1)) == here
    assert readers.read_text().split() == [str(os.getpid())] and meanwhile == []  # read here; the workers import


def test_a_file_refused_in_the_child_is_refused_with_the_same_problems(tmp_path, monkeypatch):
    _validated_where(monkeypatch, tmp_path)  # counted as the runner's only thread
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(DataError) as here:
        run.describe_data([binary])
    with pytest.raises(DataError) as child:
        run.describe_data([binary], meanwhile=lambda: None)
    assert type(child.value) is type(here.value) and child.value.problems == here.value.problems
    assert str(child.value) == str(here.value)


def test_a_child_that_gives_no_answer_leaves_the_work_to_the_runner(tmp_path, monkeypatch):
    ledger = _ledger(tmp_path / "ledger.csv")
    here = run.describe_data([ledger])
    readers = _validated_where(monkeypatch, tmp_path, then=lambda: os._exit(9))  # the child dies (as if killed)
    assert run.describe_data([ledger], meanwhile=lambda: None) == here
    child, runner = readers.read_text().split()
    assert runner == str(os.getpid()) and child != runner


def test_an_interrupted_description_leaves_no_child_running(tmp_path, monkeypatch):
    ledger = _ledger(tmp_path / "ledger.csv")
    readers = _validated_where(monkeypatch, tmp_path, then=lambda: time.sleep(60))

    def interrupted():
        deadline = time.monotonic() + 30
        while not readers.exists() and time.monotonic() < deadline:  # the child is reading
            time.sleep(0.01)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run.describe_data([ledger], meanwhile=interrupted)
    assert time.monotonic() - started < 20
    (child,) = readers.read_text().split()
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(int(child), os.WNOHANG)


# --- executed notebooks ----------------------------------------------------------------------------------

def test_normalised_notebooks_have_fixed_ids_and_times():
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["injected-parameters"], "papermill": {
        "start_time": "2026-01-01T10:00:00", "end_time": "2026-01-01T10:00:01", "duration": 1.0},
        "execution": {"iopub.execute_input": "2026-01-01T10:00:00"}})],
        metadata={"papermill": {"start_time": "2026-01-01T10:00:00", "end_time": "2026-01-01T10:00:09",
                                "duration": 9.0}})
    worker.normalise_notebook(nb, "2024-07-15T00:00:00+00:00")
    cell = nb.cells[0]
    assert cell.id == "injected-parameters" and "execution" not in cell.metadata
    assert cell.metadata.papermill == {"start_time": "2024-07-15T00:00:00+00:00",
                                       "end_time": "2024-07-15T00:00:00+00:00", "duration": 0.0}
    assert nb.metadata.papermill["duration"] == 0.0
    nbformat.validate(nb)

def _executed(tmp_path, failure=None, name="trends"):
    """An executed report as a worker hands it to the writer (no kernel: the notebook is made here)."""
    folders = {kind: tmp_path / kind for kind in ("html", "notebooks", "tables")}
    folders["root"] = tmp_path
    job = run.Job(name=name, notebook=tmp_path / f"{name}.ipynb", cwd=tmp_path, kernel_name="python3",
                  parameters={}, timeout=60, folders=folders, title=name)
    nb = new_notebook(cells=[new_code_cell("1 / 0", execution_count=1, outputs=[nbformat.v4.new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])])])
    result = run.ReportResult(name, "failed", name)
    return worker.Executed(job, result, nb, failure, time.monotonic())


def test_the_writer_keeps_a_failed_reports_notebook_and_says_its_cell(tmp_path):
    failure = kernels.Failure("ZeroDivisionError", ("division by zero",), cell=1, execution_count=1)
    result = worker.write_job(_executed(tmp_path, failure))
    assert result.status == "failed" and result.cell == 1
    assert reasons.text(result.why).endswith("(In [1]): ZeroDivisionError: division by zero")
    assert result.outputs == {"notebook": "notebooks/trends.ipynb"}
    assert nbformat.reads((tmp_path / "notebooks" / "trends.ipynb").read_text(encoding="utf-8"), as_version=4).cells
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["trends.ipynb"]


def test_the_writer_writes_nothing_once_the_run_is_interrupted(tmp_path):
    import threading

    stopping = threading.Event()
    stopping.set()
    failure = kernels.Failure("ZeroDivisionError", ("division by zero",), cell=1)
    result = worker.write_job(_executed(tmp_path, failure), stopping)
    assert result.status == "failed" and not result.outputs
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_workers_kernel_runs_its_next_report_while_the_writer_writes_the_last(tmp_path, monkeypatch):
    import threading

    events, written = [], threading.Event()

    def execute(job, seat, stopping=None):
        events.append(("execute", job.name))
        if job.name == "second":  # runs while the first is still being written
            assert not written.is_set()
        return _executed(tmp_path, name=job.name)

    def write(executed, stopping=None):
        if executed.job.name == "first":
            while ("execute", "second") not in events:  # the writer holds the first until the second has started
                time.sleep(0.01)
            written.set()
        events.append(("written", executed.job.name))
        executed.result.status = "done"
        return executed.result

    monkeypatch.setattr(worker, "prepare", lambda: None)
    monkeypatch.setattr(worker, "execute_job", execute)
    monkeypatch.setattr(worker, "write_job", write)
    monkeypatch.setattr(kernels.Seat, "start", lambda self, job: None)
    jobs = [run.Job(name=name, notebook=tmp_path / "x.ipynb", cwd=tmp_path, kernel_name="python3", parameters={},
                    timeout=60, folders={}) for name in ("first", "second")]
    made = worker.Workers(jobs, 1, ())
    try:
        results = list(made.results())
    finally:
        made.stop()
    assert [r.name for r in results] == ["first", "second"] and all(r.status == "done" for r in results)
    assert events == [("execute", "first"), ("execute", "second"), ("written", "first"), ("written", "second")]


def test_a_fault_in_the_writer_fails_its_report_alone(tmp_path, monkeypatch):
    def write(executed, stopping=None):
        if executed.job.name == "first":
            raise RuntimeError("a fault of ours")
        executed.result.status = "done"
        return executed.result

    monkeypatch.setattr(worker, "prepare", lambda: None)
    monkeypatch.setattr(worker, "execute_job", lambda job, seat, stopping=None: _executed(tmp_path, name=job.name))
    monkeypatch.setattr(worker, "write_job", write)
    monkeypatch.setattr(kernels.Seat, "start", lambda self, job: None)
    jobs = [run.Job(name=name, notebook=tmp_path / "x.ipynb", cwd=tmp_path, kernel_name="python3", parameters={},
                    timeout=60, folders={}) for name in ("first", "second", "third")]
    made = worker.Workers(jobs, 2, ())
    try:
        results = {r.name: r for r in made.results()}
    finally:
        made.stop()
    assert results["first"].status == "failed" and results["first"].message == "RuntimeError: a fault of ours"
    assert results["second"].status == "done" and results["third"].status == "done"
    assert not [t for t in _thread_names() if t.startswith(("sa-worker", "sa-writer"))]


def _thread_names() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate()]


def test_status_lines():
    done = run.ReportResult("trends", "done", seconds=2.345)
    failed = run.ReportResult("x", "failed", why=worker._failure_why(kernels.Failure("ValueError", ("boom",), 4, 4)))
    assert run.status_line(done) == "完成 done     trends  (2.3 s)"
    assert run.status_line(failed) == "失败 failed   x  — 第4格 cell 4 (In [4]): ValueError: boom"
    summary = run.RunSummary([done, failed], Path("index.html"), Path("."))
    assert summary.exit_code == 1 and summary.count("done") == 1
    assert run.RunSummary([done], Path("index.html"), Path(".")).exit_code == 0

def test_the_modules_a_notebook_imports_are_found_by_reading_it():
    nb = new_notebook(cells=[
        new_code_cell("import pandas as pd\nimport plotly.graph_objects as go"),
        new_code_cell("from analysis import load, report\nfrom . import nothing\nfrom os.path import *"),
        new_code_cell("%matplotlib inline\nimport never_seen"),  # a magic: not Python, skipped
    ])
    assert kernels.notebook_imports(nbformat.writes(nb).encode()) == [
        "pandas", "plotly.graph_objects", "analysis", "analysis.load", "analysis.report", "os.path"]
    assert kernels.notebook_imports(b"not json") == []


def test_warm_code_imports_quietly_and_leaves_no_names():
    namespace: dict = {}
    exec(kernels._warm_code(["json", "no_such_module_xyz"]), namespace)
    assert "json" in sys.modules
    assert [k for k in namespace if not k.startswith("__")] == []


def test_an_outputs_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(RunError, match="cannot write to the outputs folder"):
        outputs.prepare_folders(paths.output_folders(blocker / "out"))


def test_a_full_disk_when_taking_the_lock_is_a_clear_error(tmp_path, monkeypatch):
    import builtins

    real_open = builtins.open

    class Full:  # the lock file opens, but its note cannot be written
        def __init__(self, handle):
            self.handle = handle

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def flush(self):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(builtins, "open", lambda *a, **k: Full(real_open(*a, **k)))
    with pytest.raises(RunError, match="cannot lock the outputs folder .*No space left on device"):
        with run.OutputLock(tmp_path, wait_s=0):
            pass
    monkeypatch.undo()
    with run.OutputLock(tmp_path, wait_s=0):  # the failed attempt did not keep the lock
        pass


def test_a_full_disk_is_found_before_the_run_and_leaves_no_probe(tmp_path, monkeypatch):
    real_write = Path.write_bytes

    def full(self, data):
        real_write(self, b"")  # the file is created, its bytes do not fit
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(RunError, match="cannot write to the outputs folder .*No space left on device"):
        outputs.prepare_folders(paths.output_folders(tmp_path / "out"))
    assert not [p for p in (tmp_path / "out").iterdir() if p.is_file()]


# --- kernels that never answer -----------------------------------------------------------------

_SILENT_KERNEL = """\
import os, runpy, sys, time
marker = os.environ["SA_TEST_SILENT_MARKER"]
if os.environ.get("SA_TEST_ALWAYS_SILENT") or not os.path.exists(marker):
    open(marker, "w").close()
    time.sleep(600)  # alive, never answers: what a wedged kernel looks like to its client
sys.argv = ["ipykernel_launcher", *sys.argv[1:]]
runpy.run_module("ipykernel_launcher", run_name="__main__")
"""


@pytest.fixture
def silent_kernel(tmp_path, monkeypatch):
    """A kernelspec whose first kernel starts but never answers (every one, with SA_TEST_ALWAYS_SILENT)."""
    spec = tmp_path / "jupyter" / "kernels" / "sa-silent-first"
    spec.mkdir(parents=True)
    (tmp_path / "silent.py").write_text(_SILENT_KERNEL, encoding="utf-8")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(tmp_path / "silent.py"), "-f", "{connection_file}"],
        "display_name": "silent", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("SA_TEST_SILENT_MARKER", str(tmp_path / "first-kernel-started"))
    notebook = new_notebook(cells=[new_code_cell("answer = 6 * 7\nprint(answer)")],
                            metadata={"kernelspec": {"name": "sa-silent-first", "language": "python",
                                                     "display_name": "silent"}})
    path = tmp_path / "answer.ipynb"
    nbformat.write(notebook, path)
    kernels.register_engine()
    seat = kernels.Seat()
    yield run.Job(name="answer", notebook=path, cwd=tmp_path, kernel_name="sa-silent-first", parameters={},
                  timeout=60, folders={}, start_timeout=5), seat
    seat.stop()  # the kernel that answered is kept for a next report: none comes
    assert seat.live == []


def test_a_kernel_that_never_answers_is_replaced_and_the_notebook_runs(silent_kernel, tmp_path):
    nb, failure, retries, _ = kernels.execute(*silent_kernel)
    assert failure is None and retries == 1
    assert (tmp_path / "first-kernel-started").exists()
    assert nb.cells[0].outputs[0]["text"] == "42\n"


def test_kernels_that_never_answer_fail_the_report_with_the_reason(silent_kernel, monkeypatch):
    monkeypatch.setenv("SA_TEST_ALWAYS_SILENT", "1")
    nb, failure, retries, _ = kernels.execute(*silent_kernel)
    assert retries == 1
    assert failure.ename == "RuntimeError"
    said = reasons.text(failure.why)
    assert said.startswith("内核没有应答 the kernel never answered: Kernel didn't respond in 5 seconds")
    assert said.endswith("（试了 2 个内核 tried 2 kernels）")
    assert reasons.text(failure.why, "en").endswith(" (tried 2 kernels)")
    assert "outputs" not in nb.cells[0] or not nb.cells[0].outputs


def test_kernels_talk_over_private_unix_sockets_that_are_removed_after():
    kernel = kernels.Kernel("python3", str(paths.PROJECT_DIR), ())
    try:
        info = kernel.km.get_connection_info()
        assert info["transport"] == "ipc" and info["ip"].startswith(kernel.socket_dir)
        assert (os.stat(kernel.socket_dir).st_mode & 0o777) == 0o700
    finally:
        kernel.shutdown()
    assert not os.path.exists(kernel.socket_dir)


# --- the cache at its edges, without a kernel: a stand-in pool that writes each report's page ----------

def test_a_deleted_output_is_rebuilt_and_new_data_redoes_the_report(tmp_path, monkeypatch):
    made = []

    def pool(jobs, workers, warm, stream, *environment):  # what a worker returns, minus the notebook
        for job in jobs:
            made.append(job.name)
            (job.folders["html"] / f"{job.name}.html").write_text("<p>x</p>", encoding="utf-8")
            yield run.ReportResult(job.name, "done", job.title, outputs={"html": f"html/{job.name}.html"})

    monkeypatch.setattr(run, "_run_pool", pool)
    (tmp_path / "a.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    plan = _plan(tmp_path, "notebooks_dir: .\nreports:\n  - {notebook: a.ipynb, needs: [ledger]}\n")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("建议编号,届次,标题,承办主体\nS-1,十九届人大一次会议,关于修路的建议,区政府\n", encoding="utf-8")
    out = tmp_path / "out"

    def again() -> list[str]:
        made.clear()
        run.run_reports(data=[str(ledger)], out=out, plan=plan, stream=io.StringIO())
        return list(made)

    assert again() == ["a"]
    assert again() == []  # nothing changed: skipped
    (out / "html" / "a.html").unlink()
    assert again() == ["a"]  # its page was deleted: made again
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("修路", "建桥"), encoding="utf-8")
    assert again() == ["a"]  # other data (its hash is in the cache key): made again
def test_published_figures_of_two_periods_alone_make_the_trends_page_and_of_one_period_say_why_not(tmp_path,
                                                                                                      monkeypatch):
    """Another congress's printed reports, no ledger: the trends page is made when they hold two or more periods (U04's
    six sessions), else skipped saying so; the reports that need a ledger are skipped as before."""
    made = []

    def pool(jobs, workers, warm, stream, *environment):
        for job in jobs:
            made.append((job.name, job.parameters["ledger_files"]))
            (job.folders["html"] / f"{job.name}.html").write_text("<p>x</p>", encoding="utf-8")
            yield run.ReportResult(job.name, "done", job.title, outputs={"html": f"html/{job.name}.html"})

    monkeypatch.setattr(run, "_run_pool", pool)
    published = Path(__file__).resolve().parents[1] / "data" / "published"
    stream = io.StringIO()
    run.run_reports(data=[str(published / "U04.csv")], out=tmp_path / "u04", stream=stream)
    assert made == [("trends", []), ("figures_check", [])]  # no ledger is passed: never the sample's
    assert "handling_units  — 没有台账 no ledger given" in stream.getvalue()
    made.clear()
    stream = io.StringIO()
    run.run_reports(data=[str(published / "T14.csv")], out=tmp_path / "t14", stream=stream)  # 2020年度 alone
    assert made == [("figures_check", [])]
    assert "trends  — 没有台账，已公布数字不足两个会次或年度 no ledger, and the published figures cover fewer than two " \
           "periods" in stream.getvalue()
    # a '+' total is no period of its own; a ledger meets the need whatever the figures
    assert run.plan.lacking(["periods"], False, [["十八届人大一次会议+十八届人大二次会议", "十八届人大二次会议"]]) == [
        "periods"]
    assert run.plan.lacking(["periods"], False, [["2019年度"], ["2020年度"]]) == []
    assert run.plan.lacking(["periods", "ledger"], True, []) == []


# --- the order reports run in: the longest first; what the run says and records in the plan's order ------

def test_the_longest_expected_report_starts_first_and_equal_ones_keep_the_plans_order():
    jobs = [run.Job(name=n, notebook=Path(f"{n}.ipynb"), cwd=Path("."), kernel_name="python3", parameters={},
                    timeout=1, folders={}) for n in ("a", "b", "c", "d")]
    order = [job.name for job in longest_first(jobs, {"c": 3.0, "d": 0.2})]
    assert order == ["c", "a", "b", "d"]  # a and b never timed: a second each, as the plan lists them


def test_results_are_passed_on_in_the_plans_order_as_soon_as_those_before_have_come():
    came: list[str] = []

    def finishing():
        for name in ("c", "a", "d", "b"):
            came.append(name)
            yield run.ReportResult(name, "done")

    passed = [(result.name, "".join(came)) for result in in_plan_order(finishing(), ["a", "b", "c", "d"])]
    assert passed == [("a", "ca"), ("b", "cadb"), ("c", "cadb"), ("d", "cadb")]


def test_reports_run_longest_first_by_their_last_time_and_the_run_says_them_in_the_plans_order(tmp_path, monkeypatch):
    submitted: list[list[str]] = []
    took = {"a": 0.5, "b": 4.0, "c": 1.5, "d": 2.0}

    def pool(jobs, workers, warm, stream, *environment):  # finishes them shortest first, as two workers might
        submitted.append([job.name for job in jobs])
        for job in sorted(jobs, key=lambda job: took[job.name]):
            (job.folders["html"] / f"{job.name}.html").write_text("<p>x</p>", encoding="utf-8")
            yield run.ReportResult(job.name, "done", job.title, outputs={"html": f"html/{job.name}.html"},
                                   seconds=took[job.name], own_seconds=took[job.name])

    monkeypatch.setattr(run, "_run_pool", pool)
    monkeypatch.setenv("SA_PDF", "off")
    (tmp_path / "n.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    plan = _plan(tmp_path, "notebooks_dir: .\nreports:\n" + "".join(
        f"  - {{notebook: n.ipynb, name: {name}{hint}}}\n"
        for name, hint in (("a", ""), ("b", ""), ("c", ", expected_seconds: 2"), ("d", ""))))
    out = tmp_path / "out"
    printed = []
    for _ in range(2):
        stream = io.StringIO()
        summary = run.run_reports(out=out, plan=plan, force=True, stream=stream)
        printed.append([line.split()[2] for line in stream.getvalue().splitlines() if line.startswith("完成")])
        assert [r.name for r in summary.results] == ["a", "b", "c", "d"]
    assert submitted == [["c", "a", "b", "d"],  # a fresh folder: the plan's guess for c, the others as listed
                         ["b", "d", "c", "a"]]  # then each report's own time, kept in its manifest
    assert printed == [["a", "b", "c", "d"]] * 2  # finished shortest first, said in the plan's order
    assert cache.read_manifest(out / ".run", "b").own_seconds == 4.0


# --- issue 14: what a page shows is exactly what was hashed -------------------------------------------

def test_each_input_is_read_once_into_a_copy_named_by_its_content(tmp_path):
    ledger = _ledger(tmp_path / "台账.csv")
    store = tmp_path / "store"
    (snapshot,) = run.take_snapshots([ledger, ledger], store)  # the same file twice: one copy
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()
    assert snapshot.sha256 == digest and snapshot.source == ledger.absolute()
    assert snapshot.path == store / digest / "台账.csv"  # the user's file name: footers and sessions
    assert snapshot.path.read_bytes() == ledger.read_bytes() and not snapshot.changed()
    ledger.write_text(ledger.read_text(encoding="utf-8") + "3,十八届人大一次会议,关于C的建议,区政府,示例数据\n",
                      encoding="utf-8")
    assert snapshot.changed()  # saved since it was read
    assert hashlib.sha256(snapshot.path.read_bytes()).hexdigest() == digest  # the copy is not
    (again,) = run.take_snapshots([ledger], store)
    assert again.path != snapshot.path and again.path.read_bytes() == ledger.read_bytes()


def test_a_run_leaves_no_copy_of_its_inputs_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    plan = _plan(tmp_path, "reports:\n  - {notebook: missing.ipynb, needs: [ledger]}\n")
    summary = run.run_reports(data=[str(_ledger(tmp_path / "ledger.csv"))], plan=plan, out=tmp_path / "out")
    assert summary.exit_code == 1  # the notebook cannot be read: no kernel needed for this test
    assert list((tmp_path / "tmp").iterdir()) == []  # the run's copies were removed with it
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = tmp_path / "tmp" / f"{outputs.STORE_PREFIX}{dead.pid}-x1y2"  # what a killed run leaves
    (killed / "00").mkdir(parents=True)
    (killed / "00" / "ledger.csv").write_text("names")
    run.run_reports(data=[str(tmp_path / "ledger.csv")], plan=plan, out=tmp_path / "out")
    assert list((tmp_path / "tmp").iterdir()) == []  # the next run removes it
    assert not [p for p in (tmp_path / "out").rglob("*.csv")]  # and never written beside the outputs


def test_a_file_written_while_it_is_read_is_read_again_then_refused(tmp_path, monkeypatch):
    from analysis import sources

    ledger = _ledger(tmp_path / "ledger.csv")
    ticks = iter(range(1000))
    monkeypatch.setattr(sources, "_signature", lambda info: (next(ticks),))  # different before and after each read
    with pytest.raises(DataError, match="一直在被写入"):
        sources.take_snapshot(ledger, tmp_path / "store")
    assert not [p for p in (tmp_path / "store").rglob("*") if p.is_file()]  # no half copy left


def test_the_runs_facts_come_from_the_copy_and_name_the_users_file(tmp_path):
    ledger = _ledger(tmp_path / "ledger.csv")
    state = tmp_path / ".run"
    state.mkdir()
    snapshots = run.take_snapshots([ledger], tmp_path / "store")
    ledger.write_text("not a ledger any more", encoding="utf-8")  # saved after the run read it
    (fact,) = run.describe_data(snapshots, state_dir=state)
    assert (fact.path, fact.snapshot, fact.kind) == (ledger.absolute(), snapshots[0].path, "ledger")
    assert fact.sessions == ("十八届人大一次会议", "十八届人大二次会议")


def test_the_kernels_read_the_runs_copy_and_name_the_users_file(tmp_path, monkeypatch):
    from analysis import notebook_inputs, sources

    ledger = _ledger(tmp_path / "ledger.csv")
    (snapshot,) = run.take_snapshots([ledger], tmp_path / "store")
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("关于A的建议", "保存后的新标题"), encoding="utf-8")
    monkeypatch.setattr(os, "environ", {**os.environ, **sources.environment([(snapshot, None)])})
    inputs = notebook_inputs.load_inputs([str(ledger)], figures=False)
    assert inputs.cases["title"].tolist() == ["关于A的建议", "关于B的建议"]  # the bytes the run hashed
    assert inputs.cases.attrs["provenance"][0]["sha256"] == snapshot.sha256
    assert set(inputs.cases["source_file"]) == {str(ledger)}
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if k != sources.SNAPSHOTS_ENV})
    outside = notebook_inputs.load_inputs([str(ledger)], figures=False)  # outside a run: the file as it is
    assert outside.cases["title"].tolist()[0] == "保存后的新标题"


# --- issue 14: outputs tell the truth -------------------------------------------------------------------

def test_reports_not_made_by_this_run_are_removed_with_their_files(tmp_path):
    root, state = tmp_path, tmp_path / ".run"
    state.mkdir()
    for name in ("kept", "old_session", "no_figures_now", "failed"):
        outputs = {"html": f"html/{name}.html", "notebook": f"notebooks/{name}.ipynb"}
        for rel in outputs.values():
            (root / rel).parent.mkdir(exist_ok=True)
            (root / rel).write_text(name)
        (state / f"{name}.json").write_text(json.dumps({"outputs": outputs}), encoding="utf-8")
    (state / "facts.json").write_text("{}")
    (root / "tables").mkdir()
    (root / "tables" / "sample_draw.xlsx").write_text("a sample draw, not a report's")
    (state / "evil.json").write_text(json.dumps({"outputs": {"html": "../outside.txt"}}))
    (tmp_path.parent / "outside.txt").write_text("never touched")
    removed = run.remove_stale_outputs(state, root, keep=["kept", "failed"])
    assert sorted(removed) == ["evil", "no_figures_now", "old_session"]
    assert sorted(p.name for p in (root / "html").iterdir()) == ["failed.html", "kept.html"]
    assert (root / "tables" / "sample_draw.xlsx").exists() and (tmp_path.parent / "outside.txt").exists()
    assert sorted(p.name for p in state.iterdir()) == ["facts.json", "failed.json", "kept.json"]


def test_room_for_the_index_is_set_aside_and_a_dead_runs_room_freed(tmp_path):
    folders = paths.output_folders(tmp_path / "out")
    state = outputs.prepare_folders(folders)
    mine = state / f"reserve-{os.getpid()}"
    assert mine.stat().st_size == outputs.RESERVE_BYTES
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (state / f"reserve-{dead.pid}").write_bytes(b"\0")
    outputs.remove_dead_reserves(state)
    assert [p.name for p in state.iterdir()] == [mine.name]


def test_a_manifest_that_cannot_be_written_only_costs_a_rebuild(tmp_path, monkeypatch, capsys):
    state = tmp_path / ".run"
    state.mkdir()
    (state / "r.json").write_text('{"key": "old"}')

    def full(*args):
        raise RunError("无法写入 cannot write r.json: No space left on device")

    monkeypatch.setattr(cache, "atomic_write", full)
    run._record(state, "r", cache.Manifest(key="new"), sys.stdout)
    assert "No space left on device" in capsys.readouterr().out
    assert not (state / "r.json").exists()  # the old manifest cannot vouch for the new files


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_written_files_follow_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        run.atomic_write(tmp_path / f"a{mask}.html", "x")
    finally:
        os.umask(old)
    assert (tmp_path / f"a{mask}.html").stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("options", [{"jobs": -3}, {"jobs": 0}, {"timeout": 0}, {"timeout": -1}, {"jobs": 1.5}])
def test_nonsense_run_options_are_refused_before_anything_is_written(tmp_path, options):
    with pytest.raises(RunError, match="must be a whole number"):
        run.run_reports(out=tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, fragment", [
    (["run", "--timeout", "0"], "argument --timeout: 须为 1 到"),
    (["run", "--jobs", "-3"], "argument --jobs: 须为 1 到 64 之间的整数，不能是 '-3'"),
    (["run", "--jobs", "two"], "argument --jobs"),
    (["validate", "--sheet", " ", "x.xlsx"], "工作表名"),
])
def test_nonsense_options_get_one_clear_line(capsys, argv, fragment):
    from analysis.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


# --- the cache's decision, from the manifest alone ----------------------------------------------------

def _built(tmp_path: Path, **fields) -> cache.Manifest:
    (tmp_path / "html").mkdir(exist_ok=True)
    (tmp_path / "html" / "r.html").write_text("<p>r</p>")
    return cache.Manifest(**{"key": "k", "status": "done", "outputs": {"html": "html/r.html"}, "parts": {}, **fields})


def test_a_report_is_up_to_date_only_when_built_from_the_same_key_with_its_files(tmp_path):
    assert run.is_up_to_date(_built(tmp_path), "k", tmp_path)
    assert not run.is_up_to_date(_built(tmp_path), "k", tmp_path, force=True)
    assert not run.is_up_to_date(_built(tmp_path), "other key", tmp_path)
    assert not run.is_up_to_date(_built(tmp_path, status="failed"), "k", tmp_path)
    assert not run.is_up_to_date(_built(tmp_path, input_changed=["/d/ledger.csv"]), "k", tmp_path)
    assert not run.is_up_to_date(cache.Manifest(), "k", tmp_path)  # never built
    (tmp_path / "html" / "r.html").unlink()
    assert not run.is_up_to_date(_built(tmp_path, outputs={"html": "html/gone.html"}), "k", tmp_path)


def test_why_redo_names_the_reason_a_report_is_made_again(tmp_path):
    parts = {"notebook": "n1", "data": "d1", "env:pkg:pandas": "3.1"}
    assert run.why_redo(cache.Manifest(), parts, "k", False) == ()  # a first build needs no reason
    assert run.why_redo(_built(tmp_path), parts, "k", True) == of(Reason.REDONE, Reason.FORCED)
    assert run.why_redo(_built(tmp_path, status="failed"), parts, "k", False) == \
        of(Reason.REDONE, Reason.FAILED_LAST_TIME)
    assert run.why_redo(_built(tmp_path, input_changed=["x"]), parts, "k2", False) == \
        of(Reason.REDONE, Reason.INPUT_CHANGED)
    assert run.why_redo(_built(tmp_path), parts, "k", False) == of(Reason.REDONE, Reason.OUTPUT_MISSING)
    changed = run.why_redo(_built(tmp_path, parts={**parts, "data": "d0", "env:pkg:pandas": "3.0"}), parts, "k2",
                           False)
    assert reasons.text(changed) == "重做 redone: 数据 data、程序库 libraries 已改变 changed"
    assert reasons.text(changed, "en") == "redone: data, libraries changed"


def test_a_manifest_reads_back_what_was_written_and_an_unreadable_one_is_empty(tmp_path):
    written = _built(tmp_path, title="趋势", session_words={"zh": "十八届人大一次会议（2022年）"})
    cache.write_manifest(tmp_path, "r", written)
    assert cache.read_manifest(tmp_path, "r") == written
    (tmp_path / "bad.json").write_text("[1, 2")
    assert cache.read_manifest(tmp_path, "bad") == cache.Manifest() == cache.read_manifest(tmp_path, "missing")


# --- a failed run leaves no folder it made ---------------------------------------------------------


def test_a_run_that_fails_on_its_data_leaves_no_folder_it_made(tmp_path):
    out = tmp_path / "new" / "reports"
    with pytest.raises(DataError):
        run.run_reports(data=[str(tmp_path / "missing.csv")], out=out)
    assert not (tmp_path / "new").exists()
    with pytest.raises(ConfigError, match="outcome scheme 'no_such' not found"):
        run.run_reports(out=out, scheme="no_such")  # refused before any folder is made
    assert not (tmp_path / "new").exists()


def test_a_failed_run_leaves_an_existing_outputs_folder_as_it_was(tmp_path):
    out = tmp_path / "outputs"
    (out / "html").mkdir(parents=True)
    (out / "html" / "earlier.html").write_text("an earlier page", encoding="utf-8")
    (out / "notebooks").mkdir()  # empty, but not made by this run: kept
    with pytest.raises(DataError):
        run.run_reports(data=[str(tmp_path / "missing.csv")], out=out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        ".lock", "html", "html/earlier.html", "notebooks"]


def test_the_runs_session_and_scheme_reach_the_facts_and_the_kernels(tmp_path, write_file, monkeypatch):
    ledger = write_file("台账.csv", "建议编号,标题,承办主体,领衔代表,办理结果\nS1,关于一,区政府,张三,A\nS2,关于二,区政府,李四,B\n")
    with pytest.raises(DataError, match="--session"):
        run.describe_data([ledger])  # a ledger that names no session
    (fact,) = run.describe_data([ledger], session="十九届人大一次会议", scheme="abc")
    assert fact.sessions == ("十九届人大一次会议",)
    env = sources.environment([], session="十九届人大一次会议", scheme="abc")
    assert sources.run_reading(env) == {"session": "十九届人大一次会议", "scheme": "abc"}
    assert sources.run_reading({}) == {"session": None, "scheme": None}
    # A scheme file of the user's own, named from where they stand: the kernels (in the notebooks' folder) get its path.
    scheme = write_file("my_scheme.yaml", (paths.SCHEMES_DIR / "abc.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    assert run._scheme_option("my_scheme.yaml") == str(scheme.resolve())
    assert run._scheme_option("abc") == "abc" and run._scheme_option(None) is None


_CTRL_C_IN_ANOTHER_THREAD = """
import queue, signal, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as a terminal gives it, even under a background job
from analysis.run.worker import Workers
workers = Workers.__new__(Workers)  # no kernels: only the run's wait for its reports
workers._made = queue.SimpleQueue()
def press():
    time.sleep(0.5)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # Ctrl-C, taken by this thread, not the main one
threading.Thread(target=press, daemon=True).start()
try:
    next(workers.results())
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_taken_by_a_worker_thread_still_interrupts_the_run():
    # Linux gives a process's signal to any of its threads; Python acts on it only in the main thread, which waited
    # for the next report without end: the clean-clone CI's interrupted run hung there with its kernels running
    done = subprocess.run([sys.executable, "-c", _CTRL_C_IN_ANOTHER_THREAD],
                          capture_output=True, text=True, timeout=30)  # (it waited for ever)
    assert done.stdout.strip() == "interrupted", done.stderr[-2000:]
