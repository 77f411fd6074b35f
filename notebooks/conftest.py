"""nbval over the report notebooks: a chart is compared by the values it draws, not by its plotly JSON.

``report.show_figure`` gives each chart a text form listing its values (``report.chart_summary``);
nbval compares it like any output. The plotly JSON beside it is left out of the comparison, as nbval
leaves out PNG images: its form changes with plotly's version, the values it draws do not.
"""
from __future__ import annotations

from analysis.report import MIME_PLOTLY


def pytest_collection_modifyitems(items) -> None:
    """Add plotly's MIME type to the output kinds nbval does not compare, for every notebook collected."""
    for item in items:
        notebook = getattr(item, "parent", None)
        skipped = getattr(notebook, "skip_compare", None)  # nbval's IPyNbFile: what it leaves out of a comparison
        if isinstance(skipped, tuple) and MIME_PLOTLY not in skipped:
            notebook.skip_compare = (*skipped, MIME_PLOTLY)
