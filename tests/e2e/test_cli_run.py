"""End to end: `python -m analysis run` on fixture notebooks — reports, failures, cache, faults, the HTML."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from analysis import export, html_page, paths, provenance

from e2e_support import (HOSTILE_TITLES, assert_outputs_parse, file_hashes, private_copy, run_cli, start_cli,
                         temp_files, write_hostile_ledger, write_plan)

pytestmark = pytest.mark.slow

OK_REPORTS = ["ok_18-1", "ok_18-2", "ok_en"]


def _hashes(out: Path) -> dict[str, str]:
    return file_hashes(out, lambda p: p.parent.name in {"html", "notebooks", "tables"})


def test_first_run_makes_every_report_and_marks_the_failure(suite):
    result = suite.first
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    for name in OK_REPORTS:
        assert any(line.startswith("完成 done") and f" {name} " in line for line in lines), result.stdout
    failing = next(line for line in lines if " failing " in line)
    assert failing.startswith("失败 failed") and "第4格 cell 4 (In [4]): ValueError: 故意的错误 deliberate failure" in failing
    skipped = next(line for line in lines if " needs_figures " in line)
    assert skipped.startswith("跳过 skipped") and "no published-figures file given" in skipped
    assert lines[-1].startswith("共 5 份报告 5 reports: 完成 done 3, 失败 failed 1, 跳过 skipped 1")
    assert "Traceback" not in result.stderr

    for name in OK_REPORTS:
        assert (suite.html / f"{name}.html").is_file()
        assert (suite.out / "notebooks" / f"{name}.ipynb").is_file()
        assert (suite.out / "tables" / f"{name}.xlsx").is_file()
        assert (suite.out / "tables" / f"{name}.docx").is_file()
    assert not (suite.html / "failing.html").exists()

    # the failing notebook is kept as the trail, with its error
    executed = nbformat.read(suite.out / "notebooks" / "failing.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "故意的错误 deliberate failure")]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "ledger_files = [" in injected[0].source and "lang = 'zh'" in injected[0].source

    index = (suite.html / "index.html").read_text(encoding="utf-8")
    assert index.count('class="sa-status-done"') == 3
    assert 'class="sa-status-failed">失败</td>' in index and "ValueError: 故意的错误" in index
    assert 'class="sa-status-skipped">跳过</td>' in index and "<td>没有已公布数字文件</td>" in index
    assert '<a href="../notebooks/failing.ipynb">执行记录</a>' in index
    assert '<a href="ok_18-1.html">' in index and '<a href="../tables/ok_18-1.xlsx">Excel 表格</a>' in index
    assert "failing.html" not in index
    assert 'class="sa-banner"' in index  # built from sample data


def test_sessions_and_parameters_come_from_the_data(suite):
    executed = nbformat.read(suite.out / "notebooks" / "ok_18-2.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "session = '十八届人大二次会议'" in injected.source  # readable, not \\u escapes
    assert f"ledger_files = ['{suite.ledger}']" in injected.source
    assert "figures_files = []" in injected.source and "pseudonymise = False" in injected.source
    english = nbformat.read(suite.out / "notebooks" / "ok_en.ipynb", as_version=4)
    assert "lang = 'en'" in next(c for c in english.cells if "injected-parameters" in c.metadata.get("tags", [])).source


@pytest.mark.parametrize("name", OK_REPORTS)
def test_report_pages_are_offline_escaped_and_carry_provenance(suite, name):
    page = (suite.html / f"{name}.html").read_text(encoding="utf-8")
    executed = nbformat.read(suite.out / "notebooks" / f"{name}.ipynb", as_version=4)
    assert export.external_references(page) == []
    assert page.count("plotly.js v") == 1
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{"en" if name == "ok_en" else "zh"}">')
    assert len(re.findall(r'<div class="sa-chart" id="', page)) == export.count_figures(executed) == 2
    body = page.replace(html_page.plotly_scripts({"bar", "scatter"}), "")
    assert len(body) < len(page) - 300_000  # the bundle (the fixture draws bars and lines) was in the page
    # no code, no parameters, no prompts — above the footer, which names each parameter in words and then its literal
    # (figures_files = [], as papermill injected it) for whoever runs the report again
    above_footer = body.split('<footer')[0]
    for cell in executed.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in above_footer, line
    assert "In [" not in body and "ledger_files" not in above_footer
    # hostile ledger text is text
    assert "<script>window.__pwned" not in body and "<img src=x" not in body and '<a href="javascript' not in body
    assert "&lt;script&gt;window.__pwned = 'script'&lt;/script&gt;" in body
    # banner, title, footer provenance
    assert body.count('class="sa-banner"') == 1
    footer = body[body.index('<footer class="sa-footer">'):]
    ledger_hash = hashlib.sha256(suite.ledger.read_bytes()).hexdigest()
    assert ledger_hash in footer and "ledger.csv" in footer and str(suite.ledger.parent) not in footer
    assert ("2024-07-15 08:00 (Asia/Shanghai, UTC+08:00)" if name == "ok_en"  # data/config.yaml time_zone
            else "2024-07-15 08:00（Asia/Shanghai，UTC+08:00）") in footer


def test_second_run_skips_unchanged_reports_and_force_rebuilds_identically(suite, tmp_path):
    out = private_copy(suite.out, tmp_path)  # the suite's outputs as its first run left them
    before = _hashes(out)
    second = run_cli(*suite.args("--timeout", "60", out=out))
    if provenance.code_hash.__wrapped__() != suite.code_hash:
        pytest.skip("analysis/ was edited while the tests ran (a shared working tree): the redo was right")
    assert second.returncode == 1  # the failing report is tried again: failures are never cached
    for name in OK_REPORTS:
        assert f"跳过 skipped  {name}  — 未改变 up to date" in second.stdout
    assert "失败 failed   failing" in second.stdout
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert index.count("<td>未改变</td>") == len(OK_REPORTS) and "up to date" not in index  # the page's language
    after = _hashes(out)
    assert {k: v for k, v in after.items() if "failing" not in k and "index" not in k} == \
        {k: v for k, v in before.items() if "failing" not in k and "index" not in k}

    forced = run_cli(*suite.args("--timeout", "60", "--force", out=out))
    for name in OK_REPORTS:
        assert re.search(rf"完成 done     {re.escape(name)}  \(.*\)  — 重做 redone: --force", forced.stdout), forced.stdout
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "重做：" not in index and "redone:" not in index  # why a report was redone is the console's news
    # same inputs, parameters, code and SOURCE_DATE_EPOCH: the same bytes, every file; the index is the
    # first build's again (the unchanged run's said "up to date")
    rebuilt = _hashes(out)
    assert rebuilt.pop("html/index.html") == before["html/index.html"] != after.pop("html/index.html")
    assert rebuilt == after


def test_a_changed_ledger_redoes_the_reports(suite, tmp_path):
    ledger = write_hostile_ledger(tmp_path / "ledger.csv")
    with ledger.open("a", encoding="utf-8") as stream:
        stream.write("S999,十八届人大三次会议,关于新增一件的建议,区政府,张某,示例数据（测试）\n")
    plan = write_plan(tmp_path / "plan.yaml", '  - {notebook: report_ok.ipynb, for_each: session, name: "s_{session_code}"}\n')
    args = ["--plan", str(plan), "--out", str(tmp_path / "out"), "--data", str(ledger), "--jobs", "1"]
    first = run_cli(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert [line.split()[2] for line in first.stdout.splitlines()[:-1]] == ["s_18-1", "s_18-2", "s_18-3"]
    with ledger.open("a", encoding="utf-8") as stream:
        stream.write("S1000,十八届人大三次会议,关于再增一件的建议,区政府,张某,示例数据（测试）\n")
    again = run_cli(*args)
    redone = [line for line in again.stdout.splitlines() if line.startswith("完成 done")]
    assert len(redone) == 3 and all("— 重做 redone: 数据 data" in line for line in redone), again.stdout  # the data changed: every report is redone


def test_hanging_and_dying_notebooks_fail_alone_and_a_second_run_is_refused(tmp_path):
    plan = write_plan(tmp_path / "plan.yaml", "  - {notebook: hanging.ipynb}\n  - {notebook: dying.ipynb}\n"
                                              "  - {notebook: report_ok.ipynb, name: fine}\n")
    ledger = write_hostile_ledger(tmp_path / "ledger.csv")
    out = tmp_path / "out"
    args = ["--plan", str(plan), "--out", str(out), "--data", str(ledger), "--jobs", "2", "--timeout", "4"]
    first = start_cli(*args)
    try:
        deadline = time.monotonic() + 30
        while not (out / ".lock").exists() or not (out / ".lock").read_text().startswith("pid"):
            assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
            time.sleep(0.1)
        refused = run_cli(*args, env={"SA_LOCK_WAIT_S": "0.5"})
        assert refused.returncode == 1
        assert "Another run is writing to" in refused.stderr and "Traceback" not in refused.stderr
        stdout, stderr = first.communicate(timeout=120)
    finally:
        first.kill()
    assert first.returncode == 1, stdout + stderr
    assert "CellTimeoutError: 单元格运行超过 4 秒 cell ran longer than 4 s (--timeout)" in stdout
    assert re.search(r"失败 failed   hanging  — 第3格 cell 3 \(In \[3\]\)", stdout)
    assert re.search(r"失败 failed   dying  — 第3格 cell 3.*DeadKernelError: 内核意外退出 the kernel died \(exit code 3\)",
                     stdout)
    assert "完成 done     fine" in stdout
    timed_out = nbformat.read(out / "notebooks" / "hanging.ipynb", as_version=4)
    errors = [o for c in timed_out.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["CellTimeoutError"]
    assert not temp_files(out)
    manifest = json.loads((out / ".run" / "hanging.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and "CellTimeoutError" in manifest["message"]


def test_a_file_that_is_not_data_is_reported_without_a_traceback(tmp_path):
    binary = tmp_path / "台账.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run_cli("--out", str(tmp_path / "out"), "--data", str(binary))
    assert result.returncode == 1
    assert "台账.csv" in result.stderr and "Traceback" not in result.stderr


def test_an_unwritable_outputs_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("--out", str(blocker / "out"))
    assert result.returncode == 1
    assert "cannot write to the outputs folder" in result.stderr and "Traceback" not in result.stderr


def test_hostile_titles_reach_the_excel_tables_as_text(suite):
    import openpyxl

    book = openpyxl.load_workbook(suite.out / "tables" / "ok_18-1.xlsx")
    # '/' is not allowed in a sheet name; the suite's ledger is marked sample data, and so is each sheet
    assert book.sheetnames == ["表1 各承办主体件数（示例数据）", "建议标题 <i>列表<_i>（示例数据）", "数据来源与生成信息（示例数据）"]
    sheet = book.worksheets[1]
    below = list(sheet.iter_rows(min_row=3))  # below the sample-data note and the headers: the table, a blank row, its note
    table = below[:[row[0].value for row in below].index(None)]
    assert [row[0].value for row in below[len(table):]] == [None, "标题按原文照录"]
    titles = [row[1].value for row in table]
    assert titles[0] == HOSTILE_TITLES[0]
    assert titles[3] == "'" + HOSTILE_TITLES[3]  # the formula is defused
    assert all(cell.data_type == "s" for row in table for cell in row[:2])


def _children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (Linux /proc)."""
    found, frontier = set(), {pid}
    while frontier:
        parent = frontier.pop()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                child = int(stat.parent.name)
                if child not in found:
                    found.add(child)
                    frontier.add(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the run's processes")
def test_a_killed_run_leaves_every_output_whole_and_the_next_run_completes(suite, tmp_path):
    import signal

    out = private_copy(suite.out, tmp_path)  # a folder of good outputs from an earlier run
    runner = start_cli(*suite.args("--force", out=out), stderr=subprocess.DEVNULL)
    try:
        for line in runner.stdout:  # kill it while the other reports are being made
            if line.startswith("完成 done"):
                break
        descendants = _children(runner.pid)
        assert descendants, "the run had no worker processes"
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
    finally:
        runner.kill()
        runner.stdout.close()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in descendants):  # workers notice and take their kernels with them
        assert time.monotonic() < deadline, f"orphans left: {[p for p in descendants if _alive(p)]}"
        time.sleep(0.2)

    assert_outputs_parse(out)

    again = run_cli(*suite.args(out=out))
    assert again.returncode == 1, again.stdout  # only the deliberately failing report fails
    for name in OK_REPORTS:  # made by the killed run before it died, or made now
        assert re.search(rf"^(完成 done |跳过 skipped)\s+{re.escape(name)}  ", again.stdout, re.MULTILINE), again.stdout
    assert not temp_files(out)
    for name in OK_REPORTS:
        assert (out / "html" / f"{name}.html").read_text(encoding="utf-8").endswith("</html>\n")


def test_run_reads_a_ledger_naming_no_session_with_session_and_scheme(tmp_path):
    """The run's own message asks for --session: given it (and --scheme), the report is made for that session."""
    import csv

    with paths.SAMPLE_LEDGER.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    column = header.index("届次")
    ledger = tmp_path / "台账.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([[cell for i, cell in enumerate(row) if i != column]
                                      for row in [header, *(r for r in rows if r[column] == "十八届人大二次会议")]])
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"notebooks_dir: {paths.NOTEBOOKS_DIR}\nreports:\n  - notebook: session_report.ipynb\n"
                    "    for_each: session\n    name: \"session_report_{session_code}\"\n", encoding="utf-8")
    out = tmp_path / "out"
    asked = run_cli("--data", str(ledger), "--plan", str(plan), "--out", str(out))
    assert asked.returncode == 1 and "--session" in asked.stderr and not out.exists()  # and no empty folders
    done = run_cli("--data", str(ledger), "--plan", str(plan), "--out", str(out), "--session", "十八届人大二次会议",
                   "--scheme", "abc", env={"SA_PDF": "off"})
    assert done.returncode == 0, done.stdout + done.stderr
    page = (out / "html" / "session_report_18-2.html").read_text(encoding="utf-8")
    assert "共收到代表建议172件" in page  # the source's figures of the session, read from a ledger naming none
    again = run_cli("--data", str(ledger), "--plan", str(plan), "--out", str(out), "--session", "十八届人大二次会议",
                    "--scheme", "abc", env={"SA_PDF": "off"})
    assert "未改变 up to date" in again.stdout  # the same reading: nothing to redo
