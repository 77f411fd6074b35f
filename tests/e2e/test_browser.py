"""The generated HTML in a real browser with the network blocked: charts render, nothing leaves the file.

Headless Debian Chromium through Playwright. Without Chromium or Playwright these tests skip
with the reason, except under CI (``CI=true``), where they fail instead.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from analysis import charts, export
from e2e_support import block_network

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RENDER_TIMEOUT_MS = 15_000  # generous for a loaded 2-core machine; this is not a timing test
# The page's text without the provenance footer (which lists the parameters, on purpose); the footer
# sits inside <main> so that print keeps it on a page with the last of the content.
MAIN_TEXT = "[...document.querySelector('main').children].filter(e => e.tagName !== 'FOOTER').map(e => e.innerText).join('\\n')"


def _open(browser, path):
    """Open ``path`` with every non-file request aborted and recorded; returns (page, requests, errors)."""
    context = browser.new_context(java_script_enabled=True, offline=True)
    page = context.new_page()
    requests, errors = [], []
    block_network(page, requests.append)
    page.on("console", lambda message: errors.append(f"console.{message.type}: {message.text}")
            if message.type in {"error", "warning"} else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: requests.append(f"failed: {request.url}")
            if not request.url.startswith("file://") else None)
    page.goto(path.as_uri(), wait_until="load")
    return context, page, requests, errors


def _report_pages(suite):
    assert suite.first.returncode == 1, suite.first.stdout + suite.first.stderr  # the suite ran (with its failure)
    pages = sorted(p for p in suite.html.glob("*.html") if p.name != "index.html")
    assert [p.stem for p in pages] == ["ok_18-1", "ok_18-2", "ok_en"]
    return pages


SHARED_FONT = "JSON.parse(document.getElementById('sa-chart-template').textContent).layout.font.family"
HAS_SHARED_THEME = """[...document.querySelectorAll('.js-plotly-plot')].map(c => JSON.stringify(c.layout.template)
  === JSON.stringify(JSON.parse(document.getElementById('sa-chart-template').textContent)))"""


def test_every_chart_renders_offline_with_no_script_from_the_data(suite, browser):
    for path in _report_pages(suite):
        executed = nbformat.read(suite.out / "notebooks" / f"{path.stem}.ipynb", as_version=4)
        expected = export.count_figures(executed)
        assert expected == 2
        context, page, requests, errors = _open(browser, path)
        try:
            page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
                                   timeout=RENDER_TIMEOUT_MS)
            assert page.locator(".js-plotly-plot").count() == expected, path.name
            # the theme, written once for all of a page's charts (plotly's own here), reached each of them
            assert page.evaluate(HAS_SHARED_THEME) == [True] * expected, path.name
            assert page.evaluate("typeof window.__pwned") == "undefined", path.name  # no hostile script ran
            assert requests == [], f"{path.name} tried to fetch {requests}"
            assert errors == [], f"{path.name}: {errors}"
            # nothing of the notebooks' code is visible (the footer lists the parameters, on purpose)
            text = page.evaluate(MAIN_TEXT)
            for marker in ("report.show_", "load.load_cases", "import pandas", "ledger_files =", "In ["):
                assert marker not in text, f"{path.name} shows code: {marker}"
            assert page.locator(".jp-InputArea, .input_area, .highlight, .jp-InputPrompt").count() == 0
            # hostile ledger text is shown as text, the banner is visible
            assert "<script>window.__pwned = 'script'</script>关于加强物业管理的建议" in text
            assert page.locator(".sa-banner").is_visible()
            assert "ledger.csv" in page.inner_text("footer")
            assert page.evaluate("document.documentElement.lang") == ("en" if path.stem == "ok_en" else "zh")
        finally:
            context.close()


def test_hover_labels_show_hostile_titles_as_text(suite, browser):
    context, page, requests, errors = _open(browser, suite.html / "ok_18-1.html")
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                               timeout=RENDER_TIMEOUT_MS)
        # the bar chart's category labels are the handlers; the scatter's hover text is the titles
        labels = page.evaluate("Array.from(document.querySelectorAll('.xtick text')).map(t => t.textContent)")
        assert "区政府" in labels
        assert page.locator("svg a, svg img, svg script").count() == 0  # no link or image made from text
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert requests == [] and errors == []
    finally:
        context.close()


def test_index_opens_offline_and_links_every_report(suite, browser):
    context, page, requests, errors = _open(browser, suite.html / "index.html")
    try:
        links = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
        for name in ("ok_18-1", "ok_18-2", "ok_en"):
            assert f"{name}.html" in links
        assert "../notebooks/failing.ipynb" in links
        assert page.locator(".sa-status-failed").count() == 1
        assert requests == [] and errors == []
        page.click("text=测试报告 >> nth=0")  # following a link stays on local files
        page.wait_for_load_state("load")
        assert page.url.startswith("file://") and page.url.endswith(".html")
    finally:
        context.close()


def test_pages_print_on_a4(suite, browser):
    context, page, requests, errors = _open(browser, suite.html / "ok_18-2.html")
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                               timeout=RENDER_TIMEOUT_MS)
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + \
            pdf.count(b"/Type/Page") + pdf.count(b"/Type /Page ") >= 1
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.modebar-container')).display") == "none"
        assert requests == [] and errors == []
    finally:
        context.close()


def test_every_page_of_make_report_renders_offline(default_run, browser):
    assert default_run.first.returncode == 0, default_run.first.stdout + default_run.first.stderr
    pages = sorted(default_run.html.glob("*.html"))
    assert len(pages) == 9  # eight reports and the index
    for path in pages:
        expected = 0
        if path.name != "index.html":
            expected = export.count_figures(
                nbformat.read(default_run.out / "notebooks" / f"{path.stem}.ipynb", as_version=4))
        context, page, requests, errors = _open(browser, path)
        try:
            if expected:
                page.wait_for_function(
                    f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
                    timeout=RENDER_TIMEOUT_MS)
            assert page.locator(".js-plotly-plot").count() == expected, path.name
            # the theme, written once for all of a page's charts, reached each of them
            fonts = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(c => c._fullLayout.font.family)")
            assert fonts == [charts.FONT_FAMILY] * expected, path.name
            assert expected < 2 or page.evaluate(SHARED_FONT) == charts.FONT_FAMILY, path.name
            assert requests == [], f"{path.name} tried to fetch {requests}"
            assert errors == [], f"{path.name}: {errors}"
            # Every page built from the sample ledger says so; the published-figures check reads only
            # the source document's real figures and must not claim to be sample data.
            from_sample = path.name != "figures_check.html"
            assert page.locator(".sa-banner").is_visible() == from_sample, path.name
            text = page.evaluate(MAIN_TEXT)
            for marker in ("report.show_", "import ", "ledger_files =", "In ["):
                assert marker not in text, f"{path.name} shows code: {marker}"
        finally:
            context.close()


# --- which plotly.js a page carries (analysis/html_page.py): the basic bundle unpacked in the page, else the full ---


def _chart_page(tmp_path, name, figures):
    from analysis import html_page

    charts = [(f"c{i}", figure) for i, figure in enumerate(figures)]
    content = "".join(f'<div class="sa-chart" id="{cid}" data-error="图表无法显示"></div>' for cid, _ in charts)
    path = tmp_path / f"{name}.html"
    path.write_text(html_page.page_html(lang="zh", title=name, content=content, charts=charts), encoding="utf-8")
    return path


def test_a_chart_the_basic_bundle_lacks_is_drawn_by_the_full_bundle_offline(tmp_path, browser):
    path = _chart_page(tmp_path, "heatmap", [{"data": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}], "layout": {}},
                                             {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}])
    assert "DecompressionStream" not in path.read_text(encoding="utf-8")
    context, page, requests, errors = _open(browser, path)
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                               timeout=RENDER_TIMEOUT_MS)
        assert page.locator(".js-plotly-plot .heatmaplayer image, .js-plotly-plot .hm image").count() >= 1
        assert requests == [] and errors == []
    finally:
        context.close()


def test_a_basic_bundle_that_cannot_be_unpacked_leaves_each_chart_saying_so(tmp_path, browser):
    path = _chart_page(tmp_path, "broken", [{"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}] * 2)
    page_text = path.read_text(encoding="utf-8")
    assert "DecompressionStream" in page_text  # the basic bundle, compressed
    # the same page with its compressed bundle cut short (a damaged file)
    path.write_text(re.sub(r'(data-encoding="base94" data-bytes="\d+">)([^<]{1000})[^<]+', r"\1\2", page_text),
                    encoding="utf-8")
    context, page, requests, errors = _open(browser, path)
    try:
        page.wait_for_function("Array.from(document.querySelectorAll('.sa-chart'))"
                               ".every(e => e.textContent === '图表无法显示')", timeout=RENDER_TIMEOUT_MS)
        assert page.locator(".js-plotly-plot").count() == 0 and requests == []
    finally:
        context.close()


def test_the_basic_bundle_runs_from_a_blob_the_page_made_and_no_other_script_source_is_allowed(tmp_path, browser):
    path = _chart_page(tmp_path, "blob", [{"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}] * 2)
    (tmp_path / "other.js").write_text("window.__loaded = true;", encoding="utf-8")
    context, page, requests, errors = _open(browser, path)
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                               timeout=RENDER_TIMEOUT_MS)
        assert page.evaluate("document.getElementById('sa-plotly-js-unpacked').src").startswith("blob:")
        # the page's policy still refuses a script from a file beside it (or anywhere but the page and its blobs)
        refused = page.evaluate("""() => new Promise(done => {
            document.addEventListener('securitypolicyviolation', e => done(e.violatedDirective), {once: true});
            const s = document.createElement('script'); s.src = 'other.js'; document.head.appendChild(s); })""")
        assert refused.startswith("script-src") and page.evaluate("typeof window.__loaded") == "undefined"
        assert requests == [] and [e for e in errors if "other.js" not in e] == []
    finally:
        context.close()
