"""The real reports built from the hostile ledger: markup, script, formulas and odd characters stay text.

``python -m analysis run --data tests/data/hostile/hostile_ledger.csv`` with the repository's run
plan and notebooks, plus two changes that put more of the ledger's text in front of a reader:
the supervision sample draws all 8 suggestions (so every hostile title is listed), and the
tests' ``ledger_text`` report (``ledger_text_report.py``) shows every text column in a table,
paragraphs, chart ticks and hovers, standard output and the Word draft.

Issue 7: text fields holding HTML or script are shown as text everywhere — HTML tables, chart
labels and hovers, Excel (cells starting with = + - @ neutralised), Word; in a browser no
script runs and nothing is fetched.
"""
from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from e2e_support import PROJECT, block_network, run_cli, unchanged
from ledger_text_report import COLUMNS, write_plan

from analysis import charts as charts_module

pytestmark = pytest.mark.slow

HOSTILE_DIR = PROJECT / "tests" / "data" / "hostile"
RENDER_TIMEOUT_MS = 20_000  # generous for a loaded machine; this is not a timing test
REPORTS = ["session_report_18-3", "trends", "handling_units", "supervision_sample", "peers", "ledger_text"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Installed before any script of the page: what a hostile script would call is recorded instead.
HOOKS = """
window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open', 'fetch']) {
  window[name] = function () { window.__calls.push(name + '(' + Array.from(arguments).join(',') + ')'); };
}
"""


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE_DIR / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()
ROWS = [dict(zip(GEN.COLUMNS, row)) for row in GEN.ROWS]
BY_ID = {row["suggestion_id"]: row for row in ROWS}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The reports built once from the hostile ledger: (outputs folder, the run's result)."""
    folder = tmp_path_factory.mktemp("hostile")
    out = folder / "outputs"
    # every hostile title listed: the sample draws all the ledger's suggestions
    plan = write_plan(folder, parameters={"supervision_sample.ipynb": {"size": len(ROWS)}})
    result = run_cli("--plan", str(plan), "--data", str(GEN.LEDGER), "--out", str(out), "--jobs", "2")
    with unchanged(out):  # read by every test of the module
        yield out, result


def _excel_text(value: str) -> str:
    """What a text cell must hold: XML-illegal characters replaced, a formula start defused."""
    value = XML_ILLEGAL.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _word_text(value: str) -> str:
    return XML_ILLEGAL.sub("\ufffd", value)


def test_every_report_is_built_from_the_hostile_ledger(hostile):
    out, result = hostile
    assert result.returncode == 0, result.stdout + result.stderr
    for name in REPORTS:
        assert re.search(rf"^完成 done\s+{re.escape(name)}  ", result.stdout, re.MULTILINE), result.stdout
    assert "跳过 skipped  figures_check" in result.stdout  # a user's ledger is never mixed with printed figures
    assert (out / "tables" / "ledger_text.docx").is_file()  # control characters do not cost the Word draft


def test_executed_notebooks_hold_the_text_as_data_and_escaped_html(hostile):
    out, _ = hostile
    for name in REPORTS:
        nb = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                shown = output.get("data", {}).get("text/html", "")
                assert "<script>alert" not in shown and "<img src=x" not in shown and "<svg onload" not in shown
    sample = nbformat.read(out / "notebooks" / "supervision_sample.ipynb", as_version=4)
    tables = [o["data"]["application/vnd.suggestion-analytics.table+json"] for c in sample.cells
              for o in c.get("outputs", []) if "application/vnd.suggestion-analytics.table+json" in o.get("data", {})]
    listed = next(t for t in tables if "标题" in t["columns"])
    titles = {row[listed["columns"].index("建议编号")]: row[listed["columns"].index("标题")] for row in listed["rows"]}
    assert titles == {i: row["title"] for i, row in BY_ID.items()}  # exactly as in the ledger


# ---------------------------------------------------------------------------------------
# In a browser: no script runs, nothing is fetched, the text is text
# ---------------------------------------------------------------------------------------


def _open(browser, path: Path):
    """Open ``path`` offline with dialogs, requests and navigations recorded; charts drawn."""
    context = browser.new_context(offline=True)
    page = context.new_page()
    seen = {"dialogs": [], "requests": [], "navigations": [], "errors": []}
    page.add_init_script(HOOKS)
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("framenavigated", lambda frame: seen["navigations"].append(frame.url))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    block_network(page, seen["requests"].append)
    page.goto(path.as_uri(), wait_until="load")
    charts = int(page.get_attribute('meta[name="sa-chart-count"]', "content") or 0)
    if charts:
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=RENDER_TIMEOUT_MS)
    return context, page, seen, charts


def _hover_texts(page, chart: int) -> list[str]:
    """The hover label of every point of every trace of chart ``chart`` (0-based), in order."""
    # Plotly drops a hover that comes within 50 ms of the last one (HOVERMINTIME), so pace them.
    return page.evaluate("""async (index) => {
        const gd = document.querySelectorAll('.js-plotly-plot')[index];
        const texts = [];
        for (const [curve, trace] of gd.data.entries()) {
            const n = (trace.x || trace.y || []).length;
            for (let point = 0; point < n; point++) {
                await new Promise(resolve => setTimeout(resolve, 60));
                Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: point}]);
                texts.push(Array.from(document.querySelectorAll('.hoverlayer .hovertext'))
                    .map(h => h.textContent).join(' | '));
            }
        }
        Plotly.Fx.unhover(gd);
        return texts;
    }""", chart)


def _table(page, header: str) -> list[dict]:
    """The rows of the first table whose header row holds ``header``, as {column: cell text}."""
    return page.evaluate("""(header) => {
        const table = Array.from(document.querySelectorAll('table'))
            .find(t => Array.from(t.querySelectorAll('th')).some(th => th.textContent === header));
        const names = Array.from(table.querySelectorAll('thead th')).map(th => th.textContent);
        return Array.from(table.querySelectorAll('tbody tr')).map(tr =>
            Object.fromEntries(Array.from(tr.cells).map((td, i) => [names[i], td.textContent])));
    }""", header)


def test_no_script_runs_and_nothing_is_fetched_on_any_page(hostile, browser):
    out, result = hostile
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted((out / "html").glob("*.html"))
    assert [p.stem for p in pages] == sorted([*REPORTS, "index"])
    for path in pages:
        context, page, seen, charts = _open(browser, path)
        try:
            for chart in range(charts):  # hovering shows data text too: it must not run either
                _hover_texts(page, chart)
            assert page.evaluate("window.__calls") == [], path.name
            assert seen["dialogs"] == [] and seen["requests"] == [] and seen["errors"] == [], (path.name, seen)
            assert seen["navigations"] == [path.as_uri()], path.name  # nothing moved the page
            assert page.evaluate("""Array.from(document.querySelectorAll('*')).flatMap(e =>
                Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))""") \
                == [], path.name  # no event handler made from text (onerror, onload…)
            scripts = page.evaluate("Array.from(document.scripts).map(s => s.id || s.type || 'code')")
            # plotly.js (the basic bundle: unpacked into the head by the few lines after its packed form), the
            # charts' data (the theme they share once, when there are several), the code drawing them; the page's
            # own (the table cues) on every page
            plotly = ["sa-plotly-js-unpacked", "sa-plotly-js", "code"]
            theme = ["sa-chart-template"] if charts > 1 else []
            assert scripts == ([*plotly, *theme, *["application/json"] * charts, "code"] if charts else []) + ["code"], \
                path.name
            assert page.locator("iframe, object, embed, svg a, svg image, svg foreignObject, a[href^='javascript']"
                                ).count() == 0, path.name
            assert page.evaluate("Array.from(document.images).every(i => i.src.startsWith('data:'))"), path.name
            # '</td></tr></table><h1>伪造的标题</h1>' stays inside its cell
            assert page.evaluate("Array.from(document.querySelectorAll('h1, h2, h3')).filter(h => "
                                 "h.textContent.includes('伪造的标题')).length") == 0, path.name
        finally:
            context.close()


def test_hostile_titles_and_units_are_text_in_the_tables(hostile, browser):
    out, _ = hostile
    context, page, seen, _ = _open(browser, out / "html" / "supervision_sample.html")
    try:
        listed = {row["建议编号"]: row for row in _table(page, "标题")}
        assert set(listed) == set(BY_ID)
        for suggestion_id, row in BY_ID.items():
            assert listed[suggestion_id]["标题"] == row["title"], suggestion_id  # 10,000 characters, bidi, ESC…
            assert listed[suggestion_id]["主办单位"] == row["lead_unit"], suggestion_id
            assert listed[suggestion_id]["协办单位"] == row["co_units"], suggestion_id
            assert listed[suggestion_id]["类别"] == row["topic"], suggestion_id
    finally:
        context.close()
    context, page, seen, _ = _open(browser, out / "html" / "handling_units.html")
    try:
        units = {row["主办单位"] for row in _table(page, "主办单位")}
        assert units == {row["lead_unit"] for row in ROWS}  # '{{7*7}}${7*7}' is not 49, '-区财政局' keeps its '-'
    finally:
        context.close()
    context, page, seen, _ = _open(browser, out / "html" / "ledger_text.html")
    try:
        shown = _table(page, "lead_deputy")
        assert shown == [{column: row[column] if column in row else "" for column in COLUMNS} for row in ROWS]
        stdout = page.inner_text("pre.sa-stdout")
        assert "<img src=x onerror=alert(1)>" in stdout and "<!-- 注释 -->" in stdout
        paragraphs = page.evaluate("Array.from(document.querySelectorAll('.sa-text p')).map(p => p.textContent)")
        assert any(p.startswith("H-01：<script>alert(1)</script>关于加强校园周边交通安全的建议") for p in paragraphs)
    finally:
        context.close()


def test_hostile_text_is_text_in_chart_labels_and_hovers(hostile, browser):
    out, _ = hostile
    context, page, seen, charts = _open(browser, out / "html" / "handling_units.html")
    try:
        ticks = page.evaluate("Array.from(document.querySelectorAll('.ytick text')).map(t => t.textContent)")
        # names on the axis as text, long ones shortened (charts.short_name); whole in the hover below
        for unit in ("区教育局<script>alert('unit')</script>", "港务区\u200b建设局", "{{7*7}}${7*7}", "-区财政局"):
            assert charts_module.short_name(unit) in ticks, (unit, ticks)
        hovers = _hover_texts(page, 0)
        assert any(h.startswith("区教育局<script>alert('unit')</script>（区政府）") for h in hovers), hovers
        # plotly's own syntax in a name ('%{x}', '<b>', '<extra>…</extra>') shows as written in a hover
        assert any(h.startswith(GEN.PLOTLY_SYNTAX_UNIT + "（国际港务区）") for h in hovers), hovers
    finally:
        context.close()
    context, page, seen, charts = _open(browser, out / "html" / "session_report_18-3.html")
    try:
        legend = page.evaluate("Array.from(document.querySelectorAll('.legendtext')).map(t => t.textContent)")
        assert "<svg onload=alert(1)>" in legend  # a topic is a trace name
    finally:
        context.close()
    context, page, seen, charts = _open(browser, out / "html" / "ledger_text.html")
    try:
        assert charts == 2
        ticks = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')[0]"
                              ".querySelectorAll('.xtick text')).map(t => t.textContent)")
        assert sorted(ticks) == sorted({row["lead_deputy"] for row in ROWS})  # '<img src=x onerror=…>' as text
        hovers = _hover_texts(page, 1)
        for row, hover in zip(ROWS, hovers):  # a trace's text and customdata are data: even '<b>' is text
            assert row["title"].replace("\n", " ")[:300] in hover, row["suggestion_id"]
            assert row["cosigners"] in hover and row["lead_unit"] in hover, row["suggestion_id"]
        assert page.evaluate("window.__calls") == [] and seen["dialogs"] == []
    finally:
        context.close()


# ---------------------------------------------------------------------------------------
# Excel and Word: text cells, formulas defused, nothing that runs or links
# ---------------------------------------------------------------------------------------


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_excel_holds_hostile_text_with_formula_starts_neutralised(hostile):
    import openpyxl

    out, _ = hostile
    for name in REPORTS:
        path = out / "tables" / f"{name}.xlsx"
        xml = _sheet_xml(path)
        assert "<f>" not in xml and "<f " not in xml and "<hyperlink" not in xml, name  # no formula, no link
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@")), (name, cell.coordinate, cell.value)

    book = openpyxl.load_workbook(out / "tables" / "ledger_text.xlsx")
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    expected = [[_excel_text(row[c]) if c in row and row[c] else None for c in COLUMNS] for row in ROWS]
    assert [[v if v != "" else None for v in r] for r in rows[1:]] == expected
    by_id = {r[0]: dict(zip(COLUMNS, r)) for r in rows[1:]}
    assert by_id["H-05"]["title"] == "'=HYPERLINK(\"http://example.invalid\",\"点我\")"
    assert (by_id["H-05"]["lead_deputy"], by_id["H-05"]["cosigners"]) == ("'@陈十三", "'=1+2")
    assert (by_id["H-05"]["lead_unit"], by_id["H-05"]["co_units"], by_id["H-05"]["note"]) == \
        ("'-区财政局", "'+区审计局", "'+SUM(1,2)")
    assert len(by_id["H-03"]["title"]) == 10_000  # under Excel's cell limit: kept whole

    listed = openpyxl.load_workbook(out / "tables" / "supervision_sample.xlsx").worksheets[0]
    header = [c.value for c in listed[1]]
    titles = {r[header.index("建议编号")]: r[header.index("标题")] for r in listed.iter_rows(min_row=2, values_only=True)}
    assert titles == {i: _excel_text(row["title"]) for i, row in BY_ID.items()}


def test_word_draft_holds_hostile_text_as_text(hostile):
    import docx

    out, _ = hostile
    path = out / "tables" / "ledger_text.docx"
    document = docx.Document(str(path))
    table, = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == COLUMNS
    assert cells[1:] == [[_word_text(row[c]) if c in row else "" for c in COLUMNS] for row in ROWS]
    texts = [p.text for p in document.paragraphs]
    assert "H-01：<script>alert(1)</script>关于加强校园周边交通安全的建议（领衔代表：<img src=x onerror=alert(1)>；" \
           "附议：张三、<b>李四</b>、王五；主办：区教育局<script>alert('unit')</script>）" in texts
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<script" not in body and "<img" not in body and "&lt;script&gt;alert(1)" in body
    assert not re.search(r"<w:(instrText|fldSimple|hyperlink)\b", body)  # no field or link made from text
    docx.Document(str(out / "tables" / "session_report_18-3.docx"))  # the real report's draft opens too
