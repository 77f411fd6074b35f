"""``python -m analysis run``: execute the report notebooks with papermill and export what readers receive.

A run plan (``run_plan.yaml``) lists notebooks × parameter sets; ``for_each: session`` makes one
report per session found in the data. Each report is executed by one of the run's workers (threads
of this process, each driving one kernel of its own), the longest first (by its last time, kept in
its manifest), and passed on in the plan's order; it is exported (HTML, Excel, Word) and written
atomically by the run's writer, a thread of this process, while its worker's kernel runs the next
report; its page is printed to PDF by one Chromium for the run, while the workers go on. A report whose
notebook, parameters, input data and code are unchanged is skipped (``--force`` redoes it).
One failing report does not stop the others; its executed notebook is kept with the error,
the index marks it, and the run exits non-zero.

The runner in sections, one module each, in the order a run goes through them:

- ``plan``: the run plan, read, checked and expanded into the reports to make;
- ``inputs``: each input file read once into a snapshot, and what it is (ledger or figures, sessions);
- ``cache``: each report's key, the manifest of its last build, ``is_up_to_date`` and ``why_redo``;
- ``jobs``: a report for a worker (``Job``) and what became of it (``ReportResult``);
- ``kernels``: the workers' Jupyter kernels (one ``Seat`` each) and papermill on them;
- ``worker``: the workers, threads of this process that execute reports, and the writer that exports and writes them;
- ``printing``: the PDFs, printed by one Chromium in this process while the workers run the next reports;
- ``outputs``: atomic writes, the lock on the outputs folder, the room kept for the index, clean-up;
- this module: the run itself (plan → cache → workers → manifests → index) and its lines.

Safety: a lock on the outputs folder keeps two runs apart; every file goes to a temporary
file in its folder and is moved into place with ``os.replace``, so a killed run never leaves
a half-written file where a good one stood; every cell has a timeout.

Truth of outputs: each input file is read once per run into a snapshot named by its content
(``analysis.sources``, in a private temporary folder removed when the run ends — never in the outputs
folder, which a pseudonymised run must keep free of names) and every report reads that copy, so a page shows
exactly the bytes its footer's hash names, and a file saved while the run goes cannot mix two
versions across reports; a file changed during the run is named and its reports are not cached.
Reports of earlier data that this run's plan does not make (another ledger's sessions) are removed
with their files, so the folder holds what the index lists.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .. import paths, reasons, report, sources
from ..errors import ConfigError, RunError
from ..labels import ReportStatus, report_status_label
from ..reasons import Reason, Said, of, say
from .cache import (Manifest, cache_key, cache_parts, changed_parts, environment_fingerprint, is_up_to_date,
                    read_manifest, remove_stale_outputs, why_redo, write_manifest)
from .inputs import DataFile, default_data, describe_data, take_snapshots
from .jobs import Job, ReportResult, in_plan_order, longest_first
from .outputs import (LOCK_FILE, STATE_DIR, STORE_PREFIX, OutputLock, atomic_write, missing_folders, prepare_folders,
                      release_reserve, remove_dead_reserves, remove_dead_stores, remove_dropped_outputs,
                      remove_empty_folders, remove_temp_files)
from .plan import PlannedReport, RunPlan, expand_plan, lacking, load_plan, plan_title, session_code
from .printing import printed

__all__ = [
    "run_reports", "check_run_options", "RunSummary", "ReportResult", "status_line", "load_plan", "expand_plan",
    "plan_title", "session_code", "RunPlan", "PlannedReport", "describe_data", "take_snapshots", "DataFile",
    "cache_key", "cache_parts", "changed_parts", "environment_fingerprint", "is_up_to_date", "why_redo",
    "atomic_write", "OutputLock", "remove_temp_files", "remove_stale_outputs", "Job",
]

DEFAULT_TIMEOUT_S = 600  # per cell
MAX_JOBS = 64
MAX_TIMEOUT_S = 7 * 24 * 3600


@dataclass
class RunSummary:
    """The outcome of a run: one result per planned report, and where the index is."""

    results: list[ReportResult]
    index: Path
    out: Path

    def count(self, status: str) -> int:
        """How many reports ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 when no report failed, else 1."""
        return 1 if self.count("failed") else 0


def status_line(result: ReportResult) -> str:
    """The one line printed for a report."""
    text = f"{report_status_label(result.status, None)}  {result.name}"
    if result.status == "done":
        text += f"  ({result.seconds:.1f} s)"
    if result.message:
        text += f"  — {result.message}"
    return text


def _echo(line: str, stream) -> None:
    if "tqdm" in sys.modules:  # a progress bar may be showing: print above it
        from tqdm import tqdm

        tqdm.write(line, file=stream)
    else:
        print(line, file=stream, flush=True)


def check_run_options(jobs: int | None, timeout: int | None) -> None:
    """RunError for a number of workers or a cell time limit that is not a positive whole number in range."""
    for name, value, top in (("--jobs", jobs, MAX_JOBS), ("--timeout", timeout, MAX_TIMEOUT_S)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise RunError(f"{name} 必须是 1 到 {top} 之间的整数，不能是 {value!r} / "
                           f"{name} must be a whole number from 1 to {top}, not {value!r}")


def run_reports(data: list[str] | None = None, out: str | Path | None = None, plan: str | Path | None = None,
                jobs: int | None = None, lang: str | None = None, force: bool = False, timeout: int | None = None,
                pseudonymise: bool = False, *, sheet: str | None = None, session: str | None = None,
                scheme: str | None = None, stream=None) -> RunSummary:
    """Make every report of the run plan into ``out`` (see the module docstring); returns the summary.

    ``sheet``, ``session`` and ``scheme`` say how every input is read, as ``validate`` reads it:
    the sheet of each workbook, the session of a ledger that names none, the outcome scheme.
    A run that fails before it made anything leaves no folder it made behind.
    """
    stream = stream or sys.stdout
    check_run_options(jobs, timeout)
    run_plan = load_plan(plan)
    reading = {"session": session, "scheme": _scheme_option(scheme)}
    chosen_lang = lang  # --lang overrides every report; otherwise a plan entry's own lang, then defaults
    lang = lang or str(run_plan.defaults.get("lang") or "zh")
    if lang not in {"zh", "en"}:
        raise ConfigError(f"{run_plan.source}: defaults.lang must be zh or en, not {lang!r}")
    folders = paths.output_folders(Path(out).resolve() if out else None)
    folders["pdf"] = folders["root"] / "pdf"  # each report printed by headless Chromium, when it is installed
    root = folders["root"]
    state_dir = root / STATE_DIR
    made = missing_folders([*folders.values(), state_dir])
    try:
        prepare_folders(folders)
        with OutputLock(root):
            return _run_locked(_Run(run_plan, folders, state_dir, lang, chosen_lang, force,
                                    int(timeout or DEFAULT_TIMEOUT_S), pseudonymise, sheet, reading, jobs, stream),
                               data)
    except BaseException:
        release_reserve(state_dir)
        remove_empty_folders(made, root / LOCK_FILE)
        raise
    finally:
        release_reserve(state_dir)


def _scheme_option(scheme: str | None) -> str | None:
    """``--scheme`` as the kernels can read it (a file's absolute path; they run in the notebooks' folder); ConfigError if unknown."""
    if not scheme:
        return None
    from .. import schemes

    schemes.load_scheme(scheme)  # a wrong name fails now, before any folder is made
    return str(schemes.scheme_file(scheme).resolve()) if Path(scheme).suffix else scheme


@dataclass(frozen=True)
class _Run:
    """The settings of one run, once its options are checked."""

    plan: RunPlan
    folders: Mapping[str, Path]
    state_dir: Path
    lang: str
    chosen_lang: str | None
    force: bool
    timeout: int
    pseudonymise: bool
    sheet: str | None
    reading: Mapping[str, str | None]  # the session of a ledger that names none, the outcome scheme
    jobs: int | None
    stream: object


def _run_locked(settings: _Run, data) -> RunSummary:
    """``run_reports`` once the outputs folder is locked."""
    import shutil
    import tempfile

    folders = settings.folders
    remove_temp_files([folders["root"], settings.state_dir, folders["html"], folders["notebooks"], folders["tables"],
                       folders["pdf"]])
    remove_dead_reserves(settings.state_dir)
    # The copies live in a private temporary folder, removed when the run ends, never in the outputs folder:
    # it holds the deputies' names, which a --pseudonymise run must not leave beside its outputs. A killed
    # run's folder is removed by the next run (its name holds the process id).
    remove_dead_stores(Path(tempfile.gettempdir()))
    store = Path(tempfile.mkdtemp(prefix=f"{STORE_PREFIX}{os.getpid()}-"))
    try:
        return _run_described(settings, take_snapshots(data or default_data(), store))
    finally:
        shutil.rmtree(store, ignore_errors=True)


_LACKING = {"ledger": Reason.NO_LEDGER, "figures": Reason.NO_FIGURES, "periods": Reason.ONE_PERIOD}


def _kernel_name(notebook: bytes) -> str:
    import json

    try:
        return json.loads(notebook.decode("utf-8"))["metadata"]["kernelspec"]["name"] or "python3"
    except (ValueError, KeyError, TypeError):
        return "python3"


def _run_described(settings: _Run, snapshots: list[sources.Snapshot]) -> RunSummary:
    """``run_reports`` once its inputs are read into ``snapshots``: described, planned, made, recorded, indexed."""
    from ..pdf import find_chromium

    stream, folders, state_dir = settings.stream, settings.folders, settings.state_dir
    root, lang = folders["root"], settings.lang
    inputs = describe_data(snapshots, state_dir=state_dir, sheet=settings.sheet, **settings.reading,
                           meanwhile=_prepare_making)
    ledgers = [f for f in inputs if f.kind == "ledger"]
    figures = [f for f in inputs if f.kind == "figures"]
    planned = expand_plan(settings.plan, {s for f in ledgers for s in f.sessions})
    environment = environment_fingerprint()
    chromium, no_pdf = find_chromium()
    environment["pdf"] = chromium or "off"  # PDFs appear (or stop) when Chromium does: such reports are redone
    if chromium is None:
        _echo(f"PDF 未生成 PDFs skipped: {no_pdf}", stream)
    if settings.pseudonymise:  # another SA_PSEUDONYM_KEY gives other pseudonyms: such reports are not up to date
        from .. import privacy

        environment["pseudonym_key"] = privacy.key_id()
    data_hashes = [f.sha256 + (f"#sheet={f.sheet}" if f.sheet else "") for f in inputs]
    if settings.reading["session"]:
        data_hashes.append(f"session={settings.reading['session']}")
    if settings.reading["scheme"]:  # a scheme of the user's own: its content, so an edited file redoes the reports
        from .. import schemes
        from ..provenance import file_sha256

        data_hashes.append("scheme=" + file_sha256(schemes.scheme_file(settings.reading["scheme"])))
    sample_ledger = paths.SAMPLE_LEDGER.resolve()
    is_sample = any(f.is_sample or f.path == sample_ledger for f in ledgers)
    run_files = [{"file": str(f.path), "sha256": f.sha256, "kind": f.kind, "sheet": f.sheet,
                  "is_sample": f.is_sample or f.path == sample_ledger} for f in inputs]
    base_parameters = {
        "ledger_files": [str(f.path) for f in ledgers],
        "figures_files": [str(f.path) for f in figures],
        "pseudonymise": bool(settings.pseudonymise),
    }
    kernel_env = sources.environment([(snapshot, f.sheet) for snapshot, f in zip(snapshots, inputs)],
                                     **settings.reading)

    results: dict[str, ReportResult] = {}
    to_run: list[tuple[Job, str, dict[str, str], Manifest]] = []  # with its key, key parts, last manifest
    expected: dict[str, float] = {}  # how long each report to make should take: its last build's time, else the plan's
    imports: dict[str, None] = {}
    redo: dict[str, reasons.Message] = {}
    for item in planned:
        title = plan_title(item.title, lang)
        missing = lacking(item.needs, bool(ledgers), [f.sessions for f in figures])
        if missing:
            results[item.name] = ReportResult(item.name, "skipped", title, item.session, reasons.join(
                *(of(_LACKING[n]) for n in missing)))
            continue
        parameters = {**settings.plan.defaults, "lang": lang, **item.parameters, **base_parameters}
        if settings.chosen_lang:
            parameters["lang"] = settings.chosen_lang
        if parameters["lang"] not in {"zh", "en"}:
            raise ConfigError(f"{settings.plan.source}: {item.name}: lang must be zh or en, "
                              f"not {parameters['lang']!r}")
        try:
            notebook_bytes = item.notebook.read_bytes()
        except OSError as exc:
            results[item.name] = ReportResult(item.name, "failed", title, item.session, (
                Said(Reason.CANNOT_READ_NOTEBOOK), f"{item.notebook}: {exc.strerror or exc}"))
            continue
        parts = cache_parts(notebook_bytes, parameters, data_hashes, environment)
        key = cache_key(notebook_bytes, parameters, data_hashes, environment)
        manifest = read_manifest(state_dir, item.name)
        if is_up_to_date(manifest, key, root, settings.force):
            results[item.name] = ReportResult(
                item.name, "skipped", manifest.title or title, item.session, of(Reason.UP_TO_DATE),
                outputs=manifest.outputs, n_figures=manifest.n_figures, is_sample=manifest.is_sample,
                built_at=manifest.built_at, session_words=manifest.session_words)
            continue
        redo[item.name] = why_redo(manifest, parts, key, settings.force)
        from .kernels import notebook_imports  # only when a report is made: a no-change rerun starts no kernel

        imports.update(dict.fromkeys(notebook_imports(notebook_bytes)))
        job = Job(name=item.name, notebook=item.notebook, cwd=item.notebook.parent,
                  kernel_name=_kernel_name(notebook_bytes), parameters=parameters, timeout=settings.timeout,
                  folders=dict(folders), lang=str(parameters.get("lang") or lang), title=title,
                  session=item.session,
                  run_info={"parameters": parameters, "files": run_files, "package_version": report.package_version(),
                            "is_sample": is_sample, "title": title})
        to_run.append((job, key, parts, manifest))
        if manifest.own_seconds or item.expected_seconds:
            expected[item.name] = manifest.own_seconds or item.expected_seconds

    for result in results.values():
        _echo(status_line(result), stream)
    workers = max(1, min(settings.jobs or os.cpu_count() or 1, len(to_run)))
    warm = tuple(dict.fromkeys([*settings.plan.warm_imports, *imports]))
    jobs = [job for job, *_ in to_run]
    manifests: dict[str, Manifest] = {}
    by_name = {job.name: (key, parts, manifest) for job, key, parts, manifest in to_run}
    # Run longest first; pass results on in the plan's order, so lines, manifests and index do not depend on it.
    making = _run_pool(longest_first(jobs, expected), workers, warm, stream, kernel_env)
    try:
        for result in in_plan_order(printed(making, chromium if jobs else None, folders), [job.name for job in jobs]):
            key, parts, previous = by_name[result.name]
            if result.status != "failed":
                result.why = redo.get(result.name, ())
            results[result.name] = result
            manifests[result.name] = Manifest(
                key=key, parts=parts, status=result.status, title=result.title, session=result.session,
                session_words=result.session_words, outputs=result.outputs, n_figures=result.n_figures,
                is_sample=result.is_sample, message=result.message, built_at=result.built_at,
                kernel_run=result.kernel_run, own_seconds=result.own_seconds,
                input_changed=[str(s.source) for s in snapshots if s.changed()])
            if result.status == "done":
                remove_dropped_outputs(root, previous.outputs, result.outputs)
            _echo(status_line(result), stream)  # first: if the disk is full, the reader still learns why
            _record(state_dir, result.name, manifests[result.name], stream)
    finally:
        making.close()  # an interrupted run: its workers stopped and their kernels killed before it goes on

    changed = [s for s in snapshots if s.changed()]
    for snapshot in changed:  # named, and no report made this run from it counts as up to date
        _echo(f"{say(Reason.INPUT_CHANGED_NOW)}: {snapshot.source}", stream)
    if changed:
        for name, manifest in manifests.items():
            if not manifest.input_changed:
                manifest.input_changed = [str(s.source) for s in changed]
                _record(state_dir, name, manifest, stream)
    ordered = [results[p.name] for p in planned if p.name in results]
    ordered += [r for name, r in results.items() if name not in {p.name for p in planned}]
    keep = [r.name for r in ordered if r.outputs or r.status != "skipped"]
    for name in remove_stale_outputs(state_dir, root, keep):
        _echo(f"{report_status_label(ReportStatus.REMOVED, None)}  {name}  — {say(Reason.NOT_IN_THIS_RUN)}", stream)
    release_reserve(state_dir)  # the room set aside for the index is now the index's
    index = _write_index(ordered, folders, lang, is_sample or any(r.is_sample for r in ordered))
    summary = RunSummary(ordered, index, root)
    _echo(f"共 {len(ordered)} 份报告 {len(ordered)} reports: 完成 done {summary.count('done')}, "
          f"失败 failed {summary.count('failed')}, 跳过 skipped {summary.count('skipped')} → {index}", stream)
    return summary


def _prepare_making() -> None:
    """Import what making a report needs, while a child process describes the inputs (the kernels are started only
    once the inputs are known to be good and a report needs them). One that cannot import is said by each report."""
    from . import worker

    try:
        worker.prepare()
    except Exception:  # noqa: BLE001 - said by each report, whose worker imports it again
        pass


def _record(state_dir: Path, name: str, manifest: Manifest, stream) -> None:
    """Write a report's manifest; one that cannot be written only means the report is redone next time."""
    try:
        write_manifest(state_dir, name, manifest)
    except RunError as exc:
        _echo(f"{say(Reason.MANIFEST_NOT_WRITTEN)}: {exc}", stream)


def _run_pool(jobs: list[Job], workers: int, warm: tuple[str, ...], stream,
              env: Mapping[str, str] | None = None) -> Iterator[ReportResult]:
    """Make ``jobs`` with ``workers`` workers whose kernels import ``warm`` and read the inputs ``env`` names,
    yielding each result as it is made; closed early (an interrupted run), it kills the kernels and waits for the
    workers."""
    if not jobs:
        return
    from tqdm import tqdm

    from .worker import Workers

    bar = tqdm(total=len(jobs), unit="report", file=sys.stderr, disable=None, leave=False)
    made = Workers(jobs, workers, warm, env)
    try:
        for result in made.results():
            bar.update(1)
            yield result
    except BaseException:
        made.stop(now=True)
        raise
    finally:
        bar.close()
        made.stop()


def _index_links(root: Path, html_dir: Path, outputs: Mapping[str, str]) -> dict[str, str]:
    return {kind: os.path.relpath(root / rel, html_dir).replace(os.sep, "/") for kind, rel in outputs.items()}


def _write_index(results: Iterable[ReportResult], folders: Mapping[str, Path], lang: str, is_sample: bool) -> Path:
    from .. import html_page

    entries = []
    for result in results:
        outputs = dict(result.outputs)
        if result.status == "failed":
            outputs = {k: v for k, v in outputs.items() if k == "notebook"}  # only the trail, not stale pages
        # The index tells the state of each report's files: one skipped as unchanged is as done as when it
        # was last built, and shows that build's time; "skipped" is left for a report with no files.
        kept = result.status == "skipped" and bool(result.built_at) and bool(outputs.get("html"))
        status = "done" if kept else result.status
        # Why a report was made again (--force, a change) is the console's news, not the page's: a build and
        # a forced rebuild of the same inputs give the same index.
        why = () if result.status == "done" else reasons.join(result.why, result.note)
        entries.append(html_page.IndexEntry(
            name=result.name, title=result.title or result.name, status=status, why=why, session=result.session,
            session_words=result.session_words, links=_index_links(folders["root"], folders["html"], outputs),
            built_at=result.built_at, made_now=not kept))
    return atomic_write(folders["html"] / "index.html", html_page.render_index(entries, lang=lang, is_sample=is_sample))
