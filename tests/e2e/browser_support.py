"""Pages in a real Chromium at a phone's and a desk's width: open offline, wait for the charts, measure the layout.

Shared by the browser tests (``test_layout.py``) and ``make screenshots`` (``screenshots.py``).
"""
from __future__ import annotations

from pathlib import Path

from e2e_support import CHROMIUM_ARGS, block_network

from analysis.pdf import chromium_executable

# a common Android phone and an iPhone 12–15 screen in CSS pixels; a common office laptop
WIDTHS = {"small phone": 360, "phone": 390, "desk": 1366}
HEIGHT = {"phone": 844, "desk": 768}
RENDER_TIMEOUT_MS = 20_000  # generous for a loaded 2-core machine; this is not a timing test


def chromium_path() -> str | None:
    """The Chromium to drive, found as the PDFs find it (analysis.pdf.chromium_executable); None when there is none."""
    return chromium_executable()[0]


def launch(playwright):
    """Headless Chromium with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


def open_page(browser, path: Path, width: int):
    """``path`` opened offline at ``width`` CSS pixels; (context, page, problems seen while loading)."""
    kind = "phone" if width < 600 else "desk"
    context = browser.new_context(viewport={"width": width, "height": HEIGHT[kind]}, offline=True,
                                  device_scale_factor=2 if kind == "phone" else 1, is_mobile=kind == "phone",
                                  has_touch=kind == "phone")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda message: problems.append(f"console.{message.type}: {message.text}")
            if message.type == "error" else None)
    block_network(page, lambda url: problems.append(f"fetch {url}"))
    page.goto(path.as_uri(), wait_until="load")
    charts = int(page.get_attribute('meta[name="sa-chart-count"]', "content") or 0)
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts} && "
            f"document.querySelectorAll('.js-plotly-plot .cartesianlayer .trace').length >= {charts}",
            timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(150)  # plotly's responsive resize settles after the first frame
    return context, page, problems


# Measured in the page: what a reader would call broken. Returns a list of sentences.
_LAYOUT_JS = r"""
() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(e => !e.closest('.sa-table-wrap') || e.classList.contains('sa-table-wrap'))
      .slice(0, 3).map(e => e.tagName + '.' + e.className + ' right=' + Math.round(e.getBoundingClientRect().right));
    out.push('the page scrolls sideways: ' + doc.scrollWidth + ' > ' + window.innerWidth + ' (' + wide.join('; ') + ')');
  }
  const overlap = (a, b) => a && b && a.width > 0 && b.width > 0 && a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const box = e => e ? e.getBoundingClientRect() : null;
  document.querySelectorAll('.sa-chart').forEach((chart, i) => {
    const name = chart.id || ('chart ' + (i + 1));
    const frame = box(chart);
    if (frame.right > window.innerWidth + 1) out.push(name + ': wider than the screen (' + Math.round(frame.right) + ')');
    const svg = chart.querySelector('.main-svg');
    if (!svg) { out.push(name + ': not drawn'); return; }
    const traces = chart.querySelectorAll('.cartesianlayer .trace');
    if (!traces.length) out.push(name + ': no trace drawn');
    const plot = box(chart.querySelector('.cartesianlayer .bglayer rect, .nsewdrag'));
    // the data get at least half the chart's width (names beside the axis the rest): on a 360 px phone long unit
    // names left a unit chart's bars under 100 px
    if (!plot || plot.width < Math.max(120, frame.width / 2) || plot.height < 120)
      out.push(name + ': plot area squashed to ' + (plot ? Math.round(plot.width) + 'x' + Math.round(plot.height) : 'nothing')
               + ' in a chart ' + Math.round(frame.width) + ' px wide');
    const legend = box(chart.querySelector('.legend .bg') || chart.querySelector('.legend'));
    const caption = chart.closest('figure') && box(chart.closest('figure').querySelector('.sa-chart-title'));
    const inner = box(chart.querySelector('.gtitle'));
    if (overlap(legend, plot)) out.push(name + ': the legend covers the plot');
    if (overlap(legend, caption)) out.push(name + ': the legend covers the title');
    if (overlap(legend, inner)) out.push(name + ': the legend covers the title');
    if (legend && legend.right > frame.right + 1) out.push(name + ': the legend runs off the chart');
    if (overlap(caption, plot)) out.push(name + ': the title covers the plot');
    const modebar = chart.querySelector('.modebar');
    if (modebar && getComputedStyle(modebar).opacity !== '0' && overlap(box(modebar), legend))
      out.push(name + ': the toolbar covers the legend');
    chart.querySelectorAll('.annotation').forEach(a => {
      if (overlap(box(a), legend)) out.push(name + ': an annotation covers the legend');
    });
    // a marker on the plot's edge (a rate of 100%) cut by the plot's clip: on a phone it showed half a dot
    const clippedBy = e => { for (; e && e !== chart; e = e.parentElement) if (e.getAttribute('clip-path')) return true;
                             return false; };
    const cut = [...chart.querySelectorAll('.scatterlayer .point')].filter(p => clippedBy(p)).map(box)
      .filter(r => plot && r.width > 0 && (r.left < plot.left - 0.5 || r.right > plot.right + 0.5
                                          || r.top < plot.top - 0.5 || r.bottom > plot.bottom + 0.5));
    if (cut.length) out.push(name + ': ' + cut.length + ' markers cut off at the edge of the plot');
  });
  document.querySelectorAll('.sa-table-wrap').forEach((wrap, i) => {
    const hidden = wrap.scrollWidth > wrap.clientWidth + 1;
    const cue = wrap.querySelector('.sa-scroll-cue');
    const visible = cue && cue.getBoundingClientRect().height > 0;
    if (hidden && !visible) out.push('table ' + (wrap.dataset.table || i + 1) + ': columns hidden off the right with no cue');
  });
  return out;
}
"""


def layout_problems(page) -> list[str]:
    """What is wrong with the page's layout as drawn: sideways scroll, overlapping legend, title, plot; hidden columns."""
    return page.evaluate(_LAYOUT_JS)


def charts_drawn(page) -> tuple[int, int]:
    """(charts the page announces, charts drawn with at least one trace)."""
    expected = int(page.get_attribute('meta[name="sa-chart-count"]', "content") or 0)
    drawn = page.evaluate("[...document.querySelectorAll('.sa-chart')].filter("
                          "c => c.querySelector('.main-svg') && c.querySelector('.cartesianlayer .trace')).length")
    return expected, drawn
