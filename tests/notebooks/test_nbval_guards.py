"""nbval guards what readers see: a value that changes only in a chart fails it, strict or lax.

Each chart's text form lists the values it draws (``report.chart_summary``) and nbval compares it
(``notebooks/conftest.py`` leaves only the plotly JSON out); every cell nbval compares is tagged
``nbval-check-output``, so ``--nbval-lax`` compares the same cells as ``--nbval``.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths

pytestmark = pytest.mark.slow


def copy_with_ledger(tmp_path: Path, change) -> Path:
    """session_report.ipynb and its nbval settings in ``tmp_path``, reading a copy of the sample ledger ``change`` edited."""
    text = paths.SAMPLE_LEDGER.read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    change(header, rows)
    folder = tmp_path / "data"
    folder.mkdir()
    ledger = folder / paths.SAMPLE_LEDGER.name  # the same name: the data note names the file
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    ledger.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    nb = json.loads((paths.NOTEBOOKS_DIR / "session_report.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    cell["source"] = source.replace("ledger_files: list[str] = []", f"ledger_files: list[str] = [{str(ledger)!r}]")
    assert cell["source"] != source
    (tmp_path / "session_report.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    shutil.copy(paths.NOTEBOOKS_DIR / "conftest.py", tmp_path / "conftest.py")  # as make test runs nbval
    return tmp_path / "session_report.ipynb"


def nbval(notebook: Path, mode: str) -> tuple[int, list[str], str]:
    """(exit code, the cells that failed, the report) of ``pytest MODE notebook``."""
    done = subprocess.run([sys.executable, "-m", "pytest", mode, "-p", "no:cacheprovider", "-p", "no:randomly", "-q",
                           notebook.name], cwd=notebook.parent, capture_output=True, text=True, timeout=600)
    report = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    return done.returncode, re.findall(r"^FAILED \S+::(Cell \d+)", report, flags=re.MULTILINE), report


def one_topic_moved(header: list[str], rows: list[list[str]]) -> None:
    """One suggestion of the latest session filed under 社会建设 instead of 城建环保: only the topics chart shows it."""
    session, topic = header.index("届次"), header.index("类别")
    row = next(r for r in rows if r[session] == "十八届人大三次会议" and r[topic] == "城建环保")
    row[topic] = "社会建设"


def test_a_value_that_changes_only_in_a_chart_fails_nbval(tmp_path):
    notebook = copy_with_ledger(tmp_path, one_topic_moved)
    for mode in ("--nbval", "--nbval-lax"):
        code, failed, report = nbval(notebook, mode)
        assert code == 1 and len(failed) == 1, report
        section = report.split(f"session_report.ipynb::{failed[0]} _")[1]
        assert "plot_topic_breakdown" in section.split("Traceback:")[0]  # the topics chart's cell
        # 城建环保's share of the session: 49 of 135 (36.2963%) as stored, 48 of 135 (35.5556%) now
        assert "mismatch 'text/plain'" in section and "36.2963" in section and "35.5556" in section, report


def test_the_same_ledger_copied_passes_nbval(tmp_path):
    notebook = copy_with_ledger(tmp_path, lambda header, rows: None)
    for mode in ("--nbval", "--nbval-lax"):
        code, failed, report = nbval(notebook, mode)
        assert code == 0 and not failed, report
