"""A report notebook the end-to-end tests write: a ledger's text and name columns in every kind of output.

The report notebooks show few of a ledger's free-text columns (titles only in the supervision
sample, no deputies' names at all), so the guarantees "hostile text is shown as text" and "no
name survives --pseudonymise" are also tested on this notebook, which puts every text column
into an HTML table, an Excel sheet and the Word draft (``section``), into paragraphs, into chart
tick labels and hovers, and onto standard output. It reads its inputs exactly as the report
notebooks do (``notebook_inputs.load_inputs``, honouring ``pseudonymise``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import paths

NAME = "ledger_text"
# The ledger columns it shows, in order (canonical names; every loaded ledger has them all).
COLUMNS = ["suggestion_id", "title", "lead_deputy", "cosigners", "delegation", "topic", "lead_unit", "co_units",
           "note"]
SECTION = "台账原文"

_PARAMETERS = """\
ledger_files = []  # ledger paths (the runner injects them)
figures_files = []  # not read here
lang = "zh"  # report language: zh or en
pseudonymise = False  # replace deputies' names with pseudonyms"""

_CELLS = [
    "import plotly.graph_objects as go\n\nfrom analysis import notebook_inputs, report",
    "inputs = notebook_inputs.load_inputs(ledger_files, (), pseudonymise=pseudonymise, figures=False)\n"
    f"cases = inputs.cases\ntext = cases[{COLUMNS!r}].astype('string').fillna('')",
    "report.show_title('台账原文', lang=lang)",
    f"report.show_table(text, {NAME!r}, '台账原文', section={SECTION!r}, lang=lang)",
    "report.show_paragraphs((text['suggestion_id'] + '：' + text['title'] + '（领衔代表：' + text['lead_deputy']\n"
    "                        + '；附议：' + text['cosigners'] + '；主办：' + text['lead_unit'] + '）').tolist(),\n"
    f"                       heading='逐件', section={SECTION!r}, lang=lang)",
    "by_deputy = text.groupby('lead_deputy', sort=True).size()\n"
    "fig = go.Figure(go.Bar(x=by_deputy.index.tolist(), y=by_deputy.tolist(), name='领衔件数',\n"
    "                       hovertemplate='%{x}：%{y}件<extra></extra>'))\n"
    "fig.update_layout(title='各领衔代表件数', xaxis={'type': 'category'})\n"
    "report.show_figure(fig, 'by_deputy')",
    "fig = go.Figure(go.Scatter(x=text['suggestion_id'].tolist(), y=list(range(len(text))), mode='markers',\n"
    "                           text=text['title'].tolist(),\n"
    "                           customdata=text[['lead_deputy', 'cosigners', 'lead_unit', 'note']].values.tolist(),\n"
    "                           hovertemplate='%{text}<br>%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}'\n"
    "                                         '<br>%{customdata[3]}<extra></extra>'))\n"
    "fig.update_layout(title='逐件')\n"
    "report.show_figure(fig, 'titles')",
    "print('领衔代表：' + '、'.join(text['lead_deputy'].unique()))",
    "report.show_provenance(cases, params={'lang': lang, 'pseudonymise': pseudonymise}, lang=lang)",
]


def write_notebook(folder: Path) -> Path:
    """Write ``ledger_text.ipynb`` into ``folder``; returns its path."""
    cells = [new_markdown_cell("# 台账原文\n\n测试用报告：台账的文字列原样显示。"),
             new_code_cell(_PARAMETERS, metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(source) for source in _CELLS]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # fixed ids: the same notebook bytes every time
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    path = Path(folder) / f"{NAME}.ipynb"
    nbformat.write(nb, path)
    return path


def write_plan(folder: Path, *, repository: bool = True, parameters: Mapping[str, Mapping] | None = None) -> Path:
    """A run plan in ``folder``: the repository's reports (unless not ``repository``) and then ``ledger_text``.

    ``parameters`` maps a repository notebook's file name to parameters added to its entry.
    """
    plan = yaml.safe_load(paths.RUN_PLAN.read_text(encoding="utf-8")) if repository else {"reports": []}
    plan["notebooks_dir"] = str(paths.NOTEBOOKS_DIR)
    for entry in plan["reports"]:
        extra = (parameters or {}).get(entry["notebook"])
        if extra:
            entry["parameters"] = {**(entry.get("parameters") or {}), **extra}
    plan["reports"].append({"notebook": str(write_notebook(folder)), "needs": ["ledger"]})
    path = Path(folder) / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
