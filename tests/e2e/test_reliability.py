"""A full disk and a read-only outputs folder (issue 7, "Faults"): a clear error, nothing half-written.

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
from e2e_support import PROJECT, assert_outputs_parse, cli_command, cli_env, file_hashes, run_cli, temp_files, write_plan

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="uses Linux tmpfs and mounts")]

# The suite's session reports only (same names, parameters and cache keys): two kernels per run, not four.
SESSION_REPORTS = '  - {notebook: report_ok.ipynb, for_each: session, name: "ok_{session_code}", needs: [ledger]}\n'
OK_REPORTS = ["ok_18-1", "ok_18-2"]
OTHER_EPOCH = "1721088000"  # a day after the suite's build time: every file written now has other bytes
PAGE_LIMIT_BYTES = 600_000  # below a page with charts (plotly.js alone is 1.2 MB or more), above a notebook


def _hashes(out: Path) -> dict[str, str]:
    """sha256 of every file under ``out`` but the lock (which only names the last run's process)."""
    return file_hashes(out, lambda p: p.name != ".lock")


def _assert_all_whole(out: Path) -> None:
    """Every output parses as what it claims to be, and no temporary file is left."""
    assert not temp_files(out)
    assert_outputs_parse(out)


def _good_outputs(suite, folder: Path) -> Path:
    assert suite.first.returncode == 1, suite.first.stdout + suite.first.stderr  # only `failing` fails
    out = folder / "outputs"
    shutil.copytree(suite.out, out)
    return out


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
