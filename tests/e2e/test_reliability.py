"""A full disk and a read-only outputs folder (issue 7, "Faults"): a clear error, nothing half-written; and
(issue 14) outputs that tell the truth: every page built from the bytes its footer's hash names, however the
data files change during a run, no page left from earlier data, an index even when a first run fills the disk.

Each test starts from a folder of good outputs (a copy of the end-to-end suite's), makes the
folder refuse writes in a real way and runs again with another build time, so every file the
run manages to write differs from the one before it. Then it checks what a user depends on:
the run exits 1 with a message naming the file and the reason, never a traceback; every page
that could not be written is still the previous good one, byte for byte; every other file is
whole (replaced entirely or not at all); no temporary file is left; and once the fault is gone
the next run completes.

How writes are refused, for real:
- a full disk: a small tmpfs filled up (ENOSPC); needs root with mount permission, else skipped;
- a write that fails part way through: a file-size limit (``RLIMIT_FSIZE``, EFBIG) inherited by
  the runner, its workers and kernels; works for any Linux user, so the guarantee is always tested;
- a read-only folder: a read-only bind mount as root (whom permissions do not stop), read-only
  permissions otherwise.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from e2e_support import (PROJECT, assert_outputs_parse, cli_command, cli_env, file_hashes, private_copy, run_cli,
                         temp_files, write_plan)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="uses Linux tmpfs and mounts")]

# The suite's session reports only (same names, parameters and cache keys): two kernels per run, not four.
SESSION_REPORTS = '  - {notebook: report_ok.ipynb, for_each: session, name: "ok_{session_code}", needs: [ledger]}\n'
OK_REPORTS = ["ok_18-1", "ok_18-2"]
OTHER_EPOCH = "1721088000"  # a day after the suite's build time: every file written now has other bytes
PAGE_LIMIT_BYTES = 400_000  # below a page with charts (its compressed plotly.js alone is 506 KB), above a notebook


def _hashes(out: Path) -> dict[str, str]:
    """sha256 of every file under ``out`` but the lock (which only names the last run's process)."""
    return file_hashes(out, lambda p: p.name != ".lock")


def _assert_all_whole(out: Path) -> None:
    """Every output parses as what it claims to be, and no temporary file is left."""
    assert not temp_files(out)
    assert_outputs_parse(out)


def _good_outputs(suite, folder: Path) -> Path:
    assert suite.first.returncode == 1, suite.first.stdout + suite.first.stderr  # only `failing` fails
    return private_copy(suite.out, folder)


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Path:
    """The run plan of these tests, outside any folder a test fills up or makes read-only."""
    return write_plan(tmp_path_factory.mktemp("plan") / "plan.yaml", SESSION_REPORTS)


def _args(suite, plan: Path, out: Path, *extra: str) -> list[str]:
    return suite.args("--timeout", "60", *extra, out=out, plan=plan)


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or done.returncode}): needs root with mount "
                    "permission; test_a_write_that_fails_part_way_keeps_the_good_page covers the same path")


@contextmanager
def _tmpfs(folder: Path, size: str):
    """A real, small file system at ``folder`` while the block runs."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(disk: Path, leave_bytes: int) -> Path:
    """Fill the file system of ``disk`` with one file until about ``leave_bytes`` are free."""
    stat = os.statvfs(disk)
    remaining = stat.f_bavail * stat.f_frsize - leave_bytes
    filler = disk / "filler"
    block = b"\0" * (1 << 20)
    with filler.open("wb") as stream:
        while remaining > 0:
            remaining -= stream.write(block[: min(remaining, len(block))])
    return filler


@contextmanager
def _read_only(folder: Path):
    """``folder`` (and everything in it) refuses writes while the block runs."""
    if os.geteuid() == 0:  # root ignores permissions: a read-only bind mount stops it
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,bind,ro", str(folder), str(folder))
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)  # lazy: even if a process still looks in
    else:
        folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
        modes = {p: p.stat().st_mode for p in folders}
        for path in folders:
            path.chmod(0o555)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


def _assert_page_failures(stdout: str, out: Path, reason: str) -> None:
    for name in OK_REPORTS:
        page = out / "html" / f"{name}.html"
        assert re.search(rf"^失败 failed   {re.escape(name)}  — RunError: 无法写入 cannot write "
                         rf"{re.escape(str(page))}: {reason}$", stdout, re.MULTILINE), stdout


def test_a_full_disk_fails_the_reports_clearly_and_keeps_every_good_file(suite, plan, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    with _tmpfs(disk, "48m"):
        out = _good_outputs(suite, disk)
        before = _hashes(out)
        filler = _fill(disk, leave_bytes=400 * 1024)  # room for notebooks and manifests, not for a page
        full = run_cli(*_args(suite, plan, out, "--force"), env={"SOURCE_DATE_EPOCH": OTHER_EPOCH})
        assert full.returncode == 1 and "Traceback" not in full.stdout + full.stderr, full.stderr
        _assert_page_failures(full.stdout, out, "No space left on device")
        after = _hashes(out)
        for name in OK_REPORTS:
            assert after[f"html/{name}.html"] == before[f"html/{name}.html"], name  # the good page stands
        _assert_all_whole(out)
        index = (out / "html" / "index.html").read_text(encoding="utf-8")
        assert index.count('class="sa-status-failed"') == 2 and "No space left on device" in index

        # Nothing at all fits: the run stops at once with the reason, and a fresh folder is left empty.
        filler.unlink()
        filler = _fill(disk, leave_bytes=0)
        fresh = disk / "fresh"
        stopped = run_cli(*_args(suite, plan, fresh), env={"SOURCE_DATE_EPOCH": OTHER_EPOCH})
        assert stopped.returncode == 1 and "Traceback" not in stopped.stdout + stopped.stderr
        assert f"cannot write to the outputs folder {fresh}: No space left on device" in stopped.stderr
        assert not [p for p in fresh.rglob("*") if p.is_file()]
        assert _hashes(out) == after


def test_a_write_that_fails_part_way_keeps_the_good_page_and_the_next_run_completes(suite, plan, tmp_path):
    import resource

    out = _good_outputs(suite, tmp_path)
    before = _hashes(out)

    def limit_file_size():  # in the runner, inherited by its workers and their kernels
        resource.setrlimit(resource.RLIMIT_FSIZE, (PAGE_LIMIT_BYTES, PAGE_LIMIT_BYTES))

    limited = subprocess.run(cli_command(*_args(suite, plan, out, "--force")), cwd=PROJECT,
                             env=cli_env({"SOURCE_DATE_EPOCH": OTHER_EPOCH}),
                             capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size)
    assert limited.returncode == 1 and "Traceback" not in limited.stdout + limited.stderr, limited.stderr
    _assert_page_failures(limited.stdout, out, "File too large")
    after = _hashes(out)
    for name in OK_REPORTS:
        assert after[f"html/{name}.html"] == before[f"html/{name}.html"], name
        # what did fit was written whole, with the new build time
        assert after[f"notebooks/{name}.ipynb"] != before[f"notebooks/{name}.ipynb"], name
    _assert_all_whole(out)

    again = run_cli(*_args(suite, plan, out), env={"SOURCE_DATE_EPOCH": OTHER_EPOCH})
    assert again.returncode == 0, again.stdout + again.stderr
    for name in OK_REPORTS:
        assert re.search(rf"^完成 done     {re.escape(name)}  \(.*\)  — 重做 redone: 上次失败 it failed last time$",
                         again.stdout, re.MULTILINE), again.stdout
    rebuilt = _hashes(out)
    for name in OK_REPORTS:
        assert rebuilt[f"html/{name}.html"] != before[f"html/{name}.html"], name
    _assert_all_whole(out)


def test_a_read_only_outputs_folder_is_a_clear_error_and_nothing_changes(suite, plan, tmp_path):
    out = _good_outputs(suite, tmp_path)
    before = _hashes(out)
    with _read_only(out):
        refused = run_cli(*_args(suite, plan, out, "--force"), env={"SOURCE_DATE_EPOCH": OTHER_EPOCH})
    assert refused.returncode == 1 and "Traceback" not in refused.stdout + refused.stderr
    assert re.search(rf"cannot write to the outputs folder {re.escape(str(out))}: "
                     r"(Read-only file system|Permission denied)", refused.stderr), refused.stderr
    assert _hashes(out) == before
    _assert_all_whole(out)


def test_a_read_only_pages_folder_fails_each_report_clearly_and_keeps_the_pages(suite, plan, tmp_path):
    out = _good_outputs(suite, tmp_path)
    before = _hashes(out)
    with _read_only(out / "html"):
        refused = run_cli(*_args(suite, plan, out, "--force"), env={"SOURCE_DATE_EPOCH": OTHER_EPOCH})
    assert refused.returncode == 1 and "Traceback" not in refused.stdout + refused.stderr
    _assert_page_failures(refused.stdout, out, "(Read-only file system|Permission denied)")
    index = out / "html" / "index.html"
    assert re.search(rf"cannot write {re.escape(str(index))}: (Read-only file system|Permission denied)",
                     refused.stderr), refused.stderr
    after = _hashes(out)
    assert {k: v for k, v in after.items() if k.startswith("html/")} == \
        {k: v for k, v in before.items() if k.startswith("html/")}
    _assert_all_whole(out)


# ---------------------------------------------------------------------------------------
# Issue 14: what a page shows is exactly what was hashed; outputs tell the truth
# ---------------------------------------------------------------------------------------

GATED_NOTEBOOK = "gated_titles.ipynb"
_GATED_CELLS = [
    "import os, pathlib, time\nfrom analysis import notebook_inputs, report",
    # Waits (when the test asks) until the test has changed the ledger: the report reads its inputs after that.
    "gate = os.environ.get('SA_TEST_GATE_DIR')\n"
    "if gate:\n"
    "    code = session.replace('十八届人大', '').replace('会议', '')\n"
    "    (pathlib.Path(gate) / f'waiting-{code}').touch()\n"
    "    deadline = time.monotonic() + 120\n"
    "    while not (pathlib.Path(gate) / f'go-{code}').exists() and time.monotonic() < deadline:\n"
    "        time.sleep(0.05)",
    "inputs = notebook_inputs.load_inputs(ledger_files, (), figures=False)\n"
    "cases = notebook_inputs.session_cases(inputs.cases, session) if session else inputs.cases",
    "report.show_title('标题', session=session, lang=lang)",
    "report.show_table(cases[['suggestion_id', 'title']].astype('string'), 'titles', '标题', lang=lang)",
    "report.show_provenance(cases, params={'lang': lang}, lang=lang)",
]


def _gated_plan(folder: Path) -> Path:
    """A plan of one report per session of a notebook that reads its ledger as the report notebooks do."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [new_code_cell('ledger_files = []  # the runner injects them\nlang = "zh"  # report language\n'
                           'session = ""  # the session', metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(source) for source in _GATED_CELLS]
    for number, cell in enumerate(cells):
        cell["id"] = f"gated-{number}"
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, folder / GATED_NOTEBOOK)
    plan = folder / "plan.yaml"
    plan.write_text(f"notebooks_dir: {folder}\nreports:\n"
                    f'  - {{notebook: {GATED_NOTEBOOK}, for_each: session, name: "t_{{session_code}}"}}\n',
                    encoding="utf-8")
    return plan


def _titles_ledger(tag: str) -> bytes:
    rows = [f"S{n},十八届人大{'一' if n < 3 else '二'}次会议,{tag}标题{n},区政府,示例数据" for n in range(1, 5)]
    return ("建议编号,届次,标题,承办主体,数据来源\n" + "\n".join(rows) + "\n").encode("utf-8")


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_a_ledger_saved_and_swapped_mid_run_leaves_every_page_footed_with_the_bytes_it_shows(tmp_path):
    """Issue 14, 1: a save during the run (and back afterwards) never leaves a page built from one version and
    footed with another's hash, no two reports mix versions, the file is named, and the next run redoes them."""
    import hashlib
    import time

    plan, ledger, gate, out = _gated_plan(tmp_path), tmp_path / "ledger.csv", tmp_path / "gate", tmp_path / "out"
    gate.mkdir()
    original = _titles_ledger("原")
    ledger.write_bytes(original)
    args = ["--plan", str(plan), "--out", str(out), "--data", str(ledger), "--jobs", "1", "--timeout", "120"]
    env = cli_env({"SA_TEST_GATE_DIR": str(gate)})
    process = subprocess.Popen(cli_command(*args), cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(gate / "waiting-一次", process)  # the run has read its inputs; the first report waits
        ledger.write_bytes(_titles_ledger("保存后"))  # saved in place, as an editor does
        (gate / "go-一次").touch()
        _wait_for(gate / "waiting-二次", process)
        swapped = tmp_path / "swapped.csv"
        swapped.write_bytes(_titles_ledger("换入"))
        os.replace(swapped, ledger)  # replaced by another file, as Excel saves
        (gate / "go-二次").touch()
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    ledger.write_bytes(original)  # and saved back afterwards
    assert process.returncode == 0 and "Traceback" not in stdout + stderr, stdout + stderr
    assert f"数据文件在运行期间被改动" in stdout and str(ledger) in stdout  # the file is named
    digest = hashlib.sha256(original).hexdigest()
    for name, shown in (("t_18-1", ["原标题1", "原标题2"]), ("t_18-2", ["原标题3", "原标题4"])):
        page = (out / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert all(title in page for title in shown), name  # what was read when the run started …
        assert "保存后" not in page and "换入" not in page, name  # … in both reports, whatever came later
        footer = page[page.index('<footer class="sa-footer">'):]
        assert digest in footer and "ledger.csv" in footer and ".run" not in footer, name  # its own bytes' hash

    again = run_cli(*args)  # the file has its original bytes again: the reports are still redone
    assert again.returncode == 0, again.stdout + again.stderr
    for name in ("t_18-1", "t_18-2"):
        assert re.search(rf"^完成 done     {name}  \(.*\)  — 重做 redone: 数据文件在上次运行期间被改动", again.stdout,
                         re.MULTILINE), again.stdout
    time.sleep(0.01)
    third = run_cli(*args)
    assert third.stdout.count("未改变 up to date") == 2, third.stdout  # and then, unchanged, skipped


def test_a_hidden_stale_sheet_never_reaches_a_page_and_the_footer_names_the_sheet_read(tmp_path):
    """Issue 14, 2: the workbook's shown sheet is the data; its hidden first sheet (old data) is never read."""
    plan = _gated_plan(tmp_path)
    workbook = PROJECT / "tests" / "data" / "hostile" / "hidden_first_sheet.xlsx"
    result = run_cli("--plan", str(plan), "--out", str(tmp_path / "out"), "--data", str(workbook), "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    (page,) = [p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "html").glob("t_*.html")]
    assert "关于修缮狄寨街道老旧小区的建议" in page and "去年的旧数据" not in page
    footer = page[page.index('<footer class="sa-footer">'):]
    assert "hidden_first_sheet.xlsx" in footer and "工作表 台账" in footer


def test_a_run_on_other_data_leaves_no_page_of_the_earlier_data(suite, tmp_path):
    """Issue 14, 6: pages of sessions the new data does not hold are removed, not left beside the new index."""
    out = _good_outputs(suite, tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("建议编号,届次,标题,承办主体,领衔代表,数据来源\nX1,十九届人大一次会议,关于修路的建议,区政府,某,示例数据\n",
                     encoding="utf-8")
    result = run_cli("--plan", str(suite.plan), "--out", str(out), "--data", str(other), "--jobs", "2")
    assert "Traceback" not in result.stdout + result.stderr
    for name in OK_REPORTS:
        assert re.search(rf"^删除 removed  {re.escape(name)}  — ", result.stdout, re.MULTILINE), result.stdout
    pages = sorted(p.name for p in (out / "html").glob("*.html"))
    assert "ok_18-1.html" not in pages and "ok_18-2.html" not in pages and "ok_19-1.html" in pages
    assert not [p for p in (out / "notebooks").iterdir() if "18-" in p.name]
    assert not [p for p in (out / "tables").iterdir() if "18-" in p.name]
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "18-1" not in index and "ok_19-1" in index
    linked = set(re.findall(r'href="([^"#]+\.html)"', index))
    assert linked <= set(pages)  # every page it links exists …
    assert {p for p in pages if p != "index.html"} <= linked | {"ok_en.html", "needs_figures.html"}  # … and vice versa


def test_a_forced_rebuild_gives_the_same_index_byte_for_byte(suite, tmp_path):
    """Issue 14, 6: a build and a forced rebuild with the same SOURCE_DATE_EPOCH write the same index.html."""
    out = _good_outputs(suite, tmp_path)
    first = (suite.out / "html" / "index.html").read_bytes()
    forced = run_cli(*suite.args("--timeout", "60", "--force", out=out))
    assert forced.returncode == 1 and "重做 redone: --force" in forced.stdout  # the console says why …
    assert (out / "html" / "index.html").read_bytes() == first  # … the index stays the same


def test_outputs_follow_the_umask(suite, plan, tmp_path):
    """Issue 14, 6: every file and folder a run makes has the permissions the user's umask gives."""
    out = tmp_path / "outputs"
    made = subprocess.run(cli_command(*_args(suite, plan, out)), cwd=PROJECT, env=cli_env(), capture_output=True,
                          text=True, timeout=300, preexec_fn=lambda: os.umask(0o027))
    assert made.returncode == 0, made.stdout + made.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 8
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(0o640)}, \
        {p.relative_to(out).as_posix(): oct(p.stat().st_mode & 0o777) for p in files}
    assert {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_dir()} == {oct(0o750)}


@pytest.mark.parametrize("kind", ["fifo", "device", "loop", "folder", "encrypted", "html"])
def test_run_and_sample_refuse_what_is_not_a_ledger_without_reading_it(tmp_path, kind):
    """Issue 14, 3: `run` and `sample` refuse a pipe, a device, a link loop, a folder, a locked workbook, a web
    page saved as .xls — at once, with the message validate gives, never waiting on a pipe."""
    hostile = PROJECT / "tests" / "data" / "hostile"
    path = tmp_path / f"data-{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        os.symlink("/dev/zero", path)
    elif kind == "loop":
        os.symlink(path.name, path)
    elif kind == "folder":
        path.mkdir()
    else:
        shutil.copy(hostile / ("encrypted.xlsx" if kind == "encrypted" else "html_saved_as.xls"), path)
    expected = {"fifo": "命名管道", "device": "设备文件", "loop": "循环的符号链接", "folder": "文件夹",
                "encrypted": "设置了打开密码", "html": "网页（HTML）"}[kind]
    for command in (cli_command("--data", str(path), "--out", str(tmp_path / "out")),
                    [sys.executable, "-m", "analysis", "sample", "--seed", "1", "--data", str(path),
                     "--out", str(tmp_path / "sample")]):
        done = subprocess.run(command, cwd=PROJECT, env=cli_env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
        assert expected in done.stderr, done.stderr
    assert not [p for p in (tmp_path / "out").rglob("*.html")]  # nothing was made from it


_HOG_NOTEBOOK = """\
import os
path = os.path.join(os.environ["SA_TEST_FILL_DIR"], "filler")
block = b"\\0" * (1 << 16)
with open(path, "wb") as stream:  # fill the disk to the last byte, and keep it full
    try:
        while True:
            stream.write(block)
            stream.flush()
    except OSError:
        pass
    for size in (4096, 512, 1):
        try:
            while True:
                stream.write(b"\\0" * size)
                stream.flush()
        except OSError:
            pass
"""


def test_a_disk_that_fills_up_during_a_first_run_still_gets_an_index_of_what_was_made(suite, tmp_path):
    """Issue 14, 6: on a first run, a report fills the disk to the last byte; what was made before is
    listed in an index (written into the room set aside when the run started), the rest is marked failed."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = tmp_path / "plan"
    folder.mkdir()
    hog = new_notebook(cells=[new_code_cell(_HOG_NOTEBOOK)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    hog.cells[0]["id"] = "hog-0"
    nbformat.write(hog, folder / "hog.ipynb")
    plan = write_plan(folder / "plan.yaml", '  - {notebook: report_ok.ipynb, name: first, needs: [ledger]}\n'
                                            f'  - {{notebook: {folder / "hog.ipynb"}, name: hog}}\n')
    disk = tmp_path / "disk"
    disk.mkdir()
    with _tmpfs(disk, "24m"):
        out = disk / "outputs"
        env = cli_env({"SA_TEST_FILL_DIR": str(disk)})
        full = subprocess.run(cli_command("--plan", str(plan), "--out", str(out), "--data", str(suite.ledger),
                                          "--jobs", "1", "--timeout", "120"),
                              cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
        assert full.returncode == 1 and "Traceback" not in full.stdout + full.stderr, full.stdout + full.stderr
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        assert free < 256 * 1024, free  # the disk is full but for what the set-aside room left after the index
        index = (out / "html" / "index.html").read_text(encoding="utf-8")
        assert index.endswith("</html>\n")
        assert 'class="sa-status-done"' in index and '<a href="first.html">' in index  # what was made …
        assert 'class="sa-status-failed"' in index and "No space left on device" in index  # … and what was not
        assert (out / "html" / "first.html").is_file()
        assert not temp_files(out)
