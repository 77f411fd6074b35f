"""Any executed notebook → the offline page the runner writes, as an nbconvert exporter and a command.

``jupyter nbconvert --to suggestion-analytics executed.ipynb`` (registered by the
``nbconvert.exporters`` entry point in pyproject.toml), JupyterLab's *File › Save and Export
Notebook As › Offline report page*, and ``python -m analysis export NOTEBOOK…`` all call
``page_of``, which calls ``analysis.export.render_report`` — the function the runner calls — so
a notebook executed by papermill or saved from JupyterLab becomes the same page: no code,
charts drawn by inlined plotly.js, nothing fetched from the network.

What the runner knows besides the notebook, the notebook carries: papermill records the
parameters it injected (``metadata.papermill.parameters``), and a report notebook records its
own data files and parameters (``report.show_provenance``). The page's language is the
notebook's own ``lang`` parameter unless one is given.

nbconvert loads this module whenever it lists its exporters (JupyterLab does at start-up), so
it imports nothing heavy until a notebook is exported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from nbconvert.exporters import Exporter
from traitlets import Unicode, default, validate

from .errors import AnalysisError

EXPORTER_NAME = "suggestion-analytics"  # what `jupyter nbconvert --to` takes (pyproject.toml)
LANGS = ("zh", "en")


class NotebookExportError(AnalysisError):
    """A notebook cannot become a page: unreadable, not a notebook, or never executed."""


def notebook_parameters(nb: Mapping) -> dict[str, Any]:
    """The parameters a notebook ran with, as papermill recorded them ({} for one run in JupyterLab)."""
    return dict(((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {})


def _recorded_params(nb: Mapping) -> dict[str, Any]:
    """The parameters the notebook's own provenance record lists ({} when it shows none)."""
    from .report import MIME_PROVENANCE

    for cell in nb.get("cells", []):
        for output in cell.get("outputs") or []:
            payload = (output.get("data") or {}).get(MIME_PROVENANCE)
            if isinstance(payload, Mapping):
                return dict(payload.get("params") or {})
    return {}


def notebook_lang(nb: Mapping) -> str:
    """The language the notebook was run in: its ``lang`` parameter (papermill's record, else its own), else zh."""
    for params in (notebook_parameters(nb), _recorded_params(nb)):
        if params.get("lang") in LANGS:
            return str(params["lang"])
    return "zh"


def _was_executed(nb: Mapping) -> bool:
    return any(cell.get("outputs") for cell in nb.get("cells", []) if cell.get("cell_type") == "code")


def page_of(nb: Mapping, name: str, lang: str | None = None) -> str:
    """The offline HTML page of an executed notebook named ``name`` (its file's stem), as the runner makes it."""
    from . import export

    if not _was_executed(nb):
        raise NotebookExportError("笔记本没有输出，请先运行 the notebook has no outputs: execute it first "
                                  "(papermill, JupyterLab's Run All, or nbconvert --execute)")
    run_info = {"parameters": notebook_parameters(nb)} if notebook_parameters(nb) else {}
    try:
        exported = export.render_report(nb, report_name=name, lang=lang or notebook_lang(nb), run_info=run_info)
    except export.ExportError as exc:  # its message starts with the name
        raise NotebookExportError(str(exc).removeprefix(f"{name}: ")) from None
    return exported.html


class OfflinePageExporter(Exporter):
    """nbconvert exporter: an executed notebook → the self-contained page ``python -m analysis run`` writes."""

    export_from_notebook = "Offline report page"  # its name in JupyterLab's export menu
    output_mimetype = "text/html"
    lang = Unicode("", help="Language of the page's own words (zh or en); empty: the notebook's `lang` "
                            "parameter").tag(config=True)

    @validate("lang")
    def _check_lang(self, proposal):
        if proposal["value"] not in ("", *LANGS):
            raise ValueError(f"lang must be zh or en, not {proposal['value']!r}")
        return proposal["value"]

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        """The page of ``nb`` (after nbconvert's preprocessors, e.g. ``--execute``), and the resources."""
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        name = (resources.get("metadata") or {}).get("name") or "notebook"
        try:
            return page_of(nb_copy, name, self.lang or None), resources
        except NotebookExportError as exc:
            raise NotebookExportError(f"{name}: {exc}") from None


def read_notebook(path: str | Path) -> dict:
    """A notebook file as a dict (nbformat 4); NotebookExportError naming the file when it is not one."""
    import nbformat

    file = Path(path)
    try:
        return nbformat.read(file, as_version=4)
    except FileNotFoundError:
        raise NotebookExportError(f"{file}: 文件不存在 file not found") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:  # nbformat's NotJSONError is a ValueError
        raise NotebookExportError(f"{file}: 不是可读的笔记本 not a readable notebook ({exc})") from None


def export_notebooks(notebooks: Iterable[str | Path], *, out: str | Path | None = None,
                     lang: str | None = None) -> tuple[list[Path], list[str]]:
    """Write ``<stem>.html`` for each notebook into ``out`` (default: beside it); returns (written, errors)."""
    from .run import atomic_write

    written, errors = [], []
    for notebook in notebooks:
        source = Path(notebook)
        try:
            nb = read_notebook(source)
            try:
                page = page_of(nb, source.stem, lang)
            except NotebookExportError as exc:
                raise NotebookExportError(f"{source}: {exc}") from None
            folder = Path(out) if out else source.parent
            folder.mkdir(parents=True, exist_ok=True)
            written.append(atomic_write(folder / f"{source.stem}.html", page))
        except NotebookExportError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(f"{exc.filename or source}: 无法写入 cannot write: {exc.strerror or exc}")
    return written, errors
