"""Helpers of the end-to-end tests: a hostile sample ledger, run plans over the fixture notebooks, the CLI."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
# benchmarks/ is a folder of the project, not part of the installed package: import it from the checkout.
sys.path.insert(0, str(PROJECT))
from benchmarks.offline_browser import block_network  # noqa: E402  (the pages' benchmark blocks the network so too)

FIXTURE_NOTEBOOKS = PROJECT / "tests" / "fixtures" / "notebooks"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
EPOCH = "1721001600"  # 2024-07-15 00:00:00 UTC: builds are reproducible

# Text fields that must show as text everywhere (issue 7): markup, script, formula, RTL, zero-width, emoji.
HOSTILE_TITLES = [
    "<script>window.__pwned = 'script'</script>关于加强物业管理的建议",
    '<img src=x onerror="window.__pwned = \'img\'">关于增设公交站点的建议',
    "<a href=\"javascript:window.__pwned = 'link'\">点此</a>关于雨污管网改造的建议",
    '=HYPERLINK("http://evil.example/","点我")',
    "\u202e关于反向文字的建议\u200b零宽\u200d字符",
    "🚀关于发展夜间经济的建议" + "很长" * 400,
]


def write_hostile_ledger(path: Path) -> Path:
    """A small sample-data ledger of two sessions whose text fields are hostile."""
    rows = []
    for number, title in enumerate(HOSTILE_TITLES * 2, start=1):
        session = "十八届人大一次会议" if number <= len(HOSTILE_TITLES) else "十八届人大二次会议"
        handler = "区政府" if number % 3 else "国际港务区"
        rows.append([f"S{number:03d}", session, title, handler, "<b>张某</b>", "示例数据（测试）"])
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["建议编号", "届次", "标题", "承办主体", "领衔代表", "数据来源"])
        writer.writerows(rows)
    return path


def write_plan(path: Path, reports: str) -> Path:
    """A run plan over the fixture notebooks."""
    path.write_text(f"notebooks_dir: {FIXTURE_NOTEBOOKS}\nreports:\n{reports}", encoding="utf-8")
    return path


MAIN_REPORTS = """\
  - notebook: report_ok.ipynb
    for_each: session
    name: "ok_{session_code}"
    needs: [ledger]
  - notebook: report_ok.ipynb
    name: ok_en
    parameters: {lang: en}
    title: {zh: 英文版, en: English copy}
  - notebook: failing.ipynb
    title: 会失败的报告
  - notebook: report_ok.ipynb
    name: needs_figures
    needs: [figures]
"""


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m analysis run ARGS` from the project folder, with a fixed build time."""
    return subprocess.run(cli_command(*args), cwd=PROJECT, env=cli_env(env), capture_output=True, text=True,
                          timeout=timeout)


# Shared by the command-line and reliability tests: the CLI started in the background, the
# files a run leaves, and whether each of them is whole.

def cli_command(*args: str) -> list[str]:
    """`python -m analysis run ARGS` as run_cli runs it (from PROJECT, in ``cli_env()``)."""
    return [sys.executable, "-m", "analysis", "run", *args]


def cli_env(env: dict | None = None) -> dict:
    """The environment run_cli gives the CLI: this one with the fixed build time, then ``env``."""
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}


def start_cli(*args: str, stdout=subprocess.PIPE, stderr=subprocess.PIPE) -> subprocess.Popen:
    """`python -m analysis run ARGS` started in the background as run_cli would run it (text output)."""
    return subprocess.Popen(cli_command(*args), cwd=PROJECT, env=cli_env(), stdout=stdout, stderr=stderr, text=True)


def file_hashes(folder: Path, keep: Callable[[Path], bool] = lambda path: True) -> dict[str, str]:
    """sha256 of each file below ``folder`` that ``keep`` accepts, by its POSIX path relative to ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and keep(p)}


def private_copy(out: Path, folder: Path) -> Path:
    """A copy of shared outputs ``out`` (the suite's, the default run's) as ``folder/out.name``, for a test that
    runs again into them or changes them: the shared fixtures are read-only (tests/e2e/conftest.py checks)."""
    copy = folder / out.name
    shutil.copytree(out, copy)
    return copy


@contextmanager
def unchanged(out: Path):
    """Around the ``yield`` of a fixture whose outputs ``out`` several tests share: fails the fixture's teardown
    if a test changed, added or removed a file below ``out`` (a test that must do so takes a private_copy)."""
    before = file_hashes(out)
    yield
    after = file_hashes(out)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == [], f"a test changed the shared outputs {out} (use private_copy): {changed}"


def temp_files(folder: Path) -> list[Path]:
    """The temporary files left below ``folder``: atomic writes that never finished."""
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# A CJK font may draw a character with a radical's glyph, and a PDF's text then holds the radical:
# NFKC maps the Kangxi radicals (⽰ → 示); these simplified ones (U+2E80–U+2EFF) it leaves alone.
_RADICALS = str.maketrans("⻅⻓⻔⻋⻛⻢⻚⻜⻉⻄⻝⻩⻘⻰⻮⻥⻆", "见长门车风马页飞贝西食黄青龙齿鱼角")


def pdf_readable(text: str) -> str:
    """Text taken from a PDF as a reader reads it: radicals as the characters they stand for, NFKC."""
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


# What pypdf read from each PDF this session, by the sha256 of its bytes: a PDF's text takes pypdf 1–6 s
# to extract, and the same bytes are read by several tests (the default run's PDFs by the paper and the
# privacy tests, a pseudonymised run's by three tests, the suite's copies by each reliability test).
# Immutable tuples, so no caller can change what the next one reads.
_PDF_PAGES: dict[str, tuple[tuple[tuple[int, int], str], ...]] = {}


def pdf_pages(data: bytes) -> list[tuple[tuple[int, int], str]]:
    """Each page of a PDF: its size in points and its text (pypdf; read once for the same bytes)."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _PDF_PAGES:  # a PDF pypdf cannot read raises here, every time it is asked for
        _PDF_PAGES[key] = tuple(_read_pdf_pages(data))
    return list(_PDF_PAGES[key])


def _read_pdf_pages(data: bytes) -> list[tuple[tuple[int, int], str]]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [((round(float(p.mediabox.width)), round(float(p.mediabox.height))), p.extract_text() or "")
            for p in reader.pages]


def assert_outputs_parse(out: Path) -> None:
    """Every page, notebook, workbook, document and JSON file below ``out`` parses as what it claims to be."""
    import docx
    import nbformat
    import openpyxl

    for path in out.rglob("*"):
        if path.suffix == ".html":
            assert path.read_text(encoding="utf-8").endswith("</html>\n"), path
        elif path.suffix == ".ipynb":
            nbformat.read(path, as_version=4)
        elif path.suffix == ".xlsx":
            openpyxl.load_workbook(path)
        elif path.suffix == ".docx":
            docx.Document(str(path))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            assert pdf_pages(path.read_bytes()), path


def open_offline(browser, path: Path):
    """Open ``path`` in a new offline context, every request outside the file aborted and recorded.

    Returns (context, page, requests, errors): close the context when done; ``errors`` gathers
    console errors and warnings and uncaught page errors.
    """
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    block_network(page, requests.append)
    page.on("console", lambda message: errors.append(f"console.{message.type}: {message.text}")
            if message.type in {"error", "warning"} else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, requests, errors
