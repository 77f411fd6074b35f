"""Inside a reused kernel: what a report may leave behind, found after it, and a fresh start for the next one.

A worker runs report after report in one kernel that imported pandas, plotly and the package
once. Each report must see what a fresh kernel would show it. So, run in the kernel itself:

- ``take_baseline`` (when the kernel has imported the plan's modules) records the state a report
  could change without meaning to leave it behind: the working folder, the environment, the
  import path, every attribute of every module imported so far and of their classes (a
  monkeypatch), the display formatters and event hooks of IPython, pandas' and numpy's options,
  plotly's default template and renderer, matplotlib's settings, the decimal context, the locale,
  logging, signal handlers, threads, the recursion limit and the garbage collector's settings;
- ``after_report`` compares each with the record. When anything differs, the kernel is left
  alone and the worker replaces it (``left_behind`` names what). Otherwise it starts the next
  report afresh: the user namespace and the execution count reset (``InteractiveShell.reset``),
  the warning filters as recorded and their once-only registries cleared (a warning shown by the
  last report is shown again), the random generators of ``random`` and numpy reseeded from the
  operating system as a new process seeds them, matplotlib's figures closed, the package's own
  caches emptied, garbage collected. Modules first imported by the report join the record.

What is not checked: state inside objects that are neither module attributes nor class
attributes (the contents of a library's private cache, a mutated default argument), files and
child processes a report left, and modules a notebook edits on disk during a run (a run is not a
development session). The package's own caches are emptied instead of checked.
"""
from __future__ import annotations

import gc
import os
import sys
import threading

_MISSING = object()
# Set by the kernel around every execution (new objects each time), not by a report.
_PER_EXECUTION = {"sys.excepthook", "builtins.input", "getpass.getpass"}
# Module attributes that change in the normal course of running code, never by a report's intent.
_NOISY_ATTRIBUTES = {"__warningregistry__", "__loader__", "__spec__", "__builtins__", "_", "__", "___",
                     "last_type", "last_value", "last_traceback", "last_exc"}
# Modules whose attributes are bookkeeping of the kernel itself (its streams, its current message).
_NOISY_MODULES = ("__main__", "analysis.run.kernel_state", "ipykernel", "IPython.core.history", "zmq", "tornado", "asyncio", "jupyter_client",
                  "traitlets", "comm", "debugpy", "concurrent", "selectors", "threading", "weakref", "_weakrefset",
                  "linecache", "tokenize", "encodings", "codecs", "typing", "abc", "functools", "inspect",
                  "pydoc", "sre_", "re", "collections", "importlib", "zipimport", "_frozen_importlib", "_frozen_importlib_external",
                  "pkgutil", "_thread", "atexit", "ast", "dis", "opcode", "contextlib", "enum", "copyreg",
                  "warnings", "heapq", "queue", "socket", "ssl", "select", "signal", "site", "sysconfig",
                  "jedi", "parso", "prompt_toolkit", "pygments", "decorator", "executing", "stack_data",
                  "pure_eval", "asttokens", "psutil", "platformdirs", "jupyter_core", "nest_asyncio")


class _Record:
    """The state recorded when the kernel was ready (and extended by modules reports first imported)."""

    def __init__(self) -> None:
        self.modules: dict[str, tuple[object, dict]] = {}
        self.classes: dict[type, dict] = {}
        self.plain: dict[str, object] = {}
        self.warning_filters: list = []


_RECORD: _Record | None = None
LAST: list[str] = []  # what the last report left behind ([] when the kernel may run another)


def _watched(name: str) -> bool:
    return not any(name == prefix or name.startswith(prefix + ".") or (prefix.endswith("_") and name.startswith(prefix))
                   for prefix in _NOISY_MODULES)


def _record_module(record: _Record, name: str, module: object) -> None:
    namespace = getattr(module, "__dict__", None)
    if not isinstance(namespace, dict):
        return
    record.modules[name] = (module, dict(namespace))
    for value in list(namespace.values()):
        if isinstance(value, type) and getattr(value, "__module__", None) == name and value not in record.classes:
            record.classes[value] = dict(value.__dict__)


def _record_new_modules(record: _Record) -> None:
    for name, module in list(sys.modules.items()):
        if module is not None and name not in record.modules and _watched(name):
            _record_module(record, name, module)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - always there in a kernel
        return None
    return get_ipython()


def _formatters(shell) -> object:
    if shell is None:
        return None
    display = shell.display_formatter
    return (tuple(sorted(display.active_types)),
            tuple((mime, f.enabled, tuple(f.type_printers.items()), tuple(f.deferred_printers.items()))
                  for mime, f in sorted(display.formatters.items())))


def _ipython_hooks(shell) -> object:
    if shell is None:
        return None
    events = tuple((name, tuple(callbacks)) for name, callbacks in sorted(shell.events.callbacks.items()))
    return (events, tuple(shell.ast_transformers), tuple(shell.input_transformers_post),
            tuple(shell.input_transformer_manager.cleanup_transforms),
            tuple(shell.input_transformer_manager.line_transforms),
            tuple(sorted(shell.extension_manager.loaded)), shell.ast_node_interactivity, shell.displayhook,
            shell.display_pub, tuple(sorted((kind, tuple(sorted(table.items()))) for kind, table in
                                            shell.magics_manager.magics.items())))


def _library_settings() -> dict[str, object]:
    """Options of the libraries reports use, as comparable values (only those already imported)."""
    found: dict[str, object] = {}
    if "pandas" in sys.modules:
        import copy

        from pandas._config import config as pandas_config

        found["pandas options"] = copy.deepcopy(pandas_config._global_config)
    if "numpy" in sys.modules:
        import numpy

        found["numpy print options"] = numpy.get_printoptions()
        found["numpy floating-point errors"] = numpy.geterr()
    # plotly.io loads its templates and renderers on first use (the renderers bring nbformat and
    # jsonschema, seconds of imports): look only at those already loaded.
    templates = getattr(sys.modules.get("plotly.io._templates"), "templates", None)
    if templates is not None:
        found["plotly default template"] = templates.default
        loaded = {name: t for name, t in templates._templates.items() if hasattr(t, "to_plotly_json")}
        found["plotly templates"] = {name: template.to_plotly_json() for name, template in loaded.items()}
    renderers = getattr(sys.modules.get("plotly.io._renderers"), "renderers", None)
    if renderers is not None:
        found["plotly default renderer"] = renderers.default
    if "matplotlib" in sys.modules:
        import matplotlib

        found["matplotlib settings"] = dict(matplotlib.rcParams)
    return found


def _threads() -> list[str]:
    """The threads running, but the kernel's own (zmq's garbage collector starts when large outputs are sent)."""
    found = []
    for thread in threading.enumerate():
        kind = type(thread)
        if kind.__module__ == "threading" or _watched(kind.__module__):
            target = getattr(getattr(thread, "_target", None), "__qualname__", "")
            found.append(f"{thread.name} ({kind.__module__}.{kind.__qualname__}{', ' + target if target else ''})")
    return sorted(found)


def _plain_state(shell) -> dict[str, object]:
    import decimal
    import locale
    import logging
    import signal

    context = decimal.getcontext()
    # every logger, by identity (a logger first made by a module the report imported is compared from then on)
    loggers = {logger: (logger.level, tuple(logger.handlers), logger.disabled, logger.propagate)
               for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)}
    root = logging.getLogger()
    return {
        "working folder": os.getcwd(),
        "environment variables": dict(os.environ),
        "import path": list(sys.path),
        "import hooks": (tuple(sys.meta_path), tuple(sys.path_hooks)),
        "IPython display formatters": _formatters(shell),
        "IPython hooks, transformers, extensions or magics": _ipython_hooks(shell),
        "decimal context": (context.prec, context.rounding, context.Emin, context.Emax, context.capitals,
                            context.clamp, tuple(sorted((t.__name__, v) for t, v in context.traps.items()))),
        "locale": locale.setlocale(locale.LC_ALL, None),
        "logging": (root.level, tuple(root.handlers), logging.root.manager.disable),
        "loggers": loggers,
        "signal handlers": tuple((s.name, signal.getsignal(s)) for s in
                                 (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGUSR1, signal.SIGUSR2,
                                  signal.SIGCHLD, signal.SIGHUP) if hasattr(signal, s.name)),
        "threads": _threads(),
        "recursion limit": sys.getrecursionlimit(),
        "switch interval": sys.getswitchinterval(),
        "trace or profile hooks": (sys.gettrace(), sys.getprofile()),
        "garbage collector": (gc.isenabled(), gc.get_threshold()),
        "default encoding or file-system encoding": (sys.getdefaultencoding(), sys.getfilesystemencoding()),
        **_library_settings(),
    }


def take_baseline() -> None:
    """Record the kernel's state now, before its first report (run by the kernel's start-up lines)."""
    import warnings

    global _RECORD
    record = _Record()
    _record_new_modules(record)
    record.plain = _plain_state(_shell())
    record.warning_filters = list(warnings.filters)
    _RECORD = record


def left_behind() -> list[str]:
    """What differs from the record (each a short English phrase); empty when the kernel may be reused."""
    record = _RECORD
    if record is None:
        return ["no record of the kernel's state"]
    found: list[str] = []
    now = _plain_state(_shell())
    for what, before in record.plain.items():
        if what == "loggers":  # only those that existed when recorded
            if any(now["loggers"].get(logger, _MISSING) != state for logger, state in before.items()):
                found.append(what)
        elif what == "threads" and now[what] != before:
            found.append(f"threads: {', '.join(sorted(set(now[what]) ^ set(before)))}")
        elif now.get(what, _MISSING) != before:
            found.append(what)
    for name, (module, attributes) in record.modules.items():
        if sys.modules.get(name) is not module:
            found.append(f"module {name} replaced or removed")
            continue
        namespace = module.__dict__
        for key, value in attributes.items():
            if key not in _NOISY_ATTRIBUTES and namespace.get(key, _MISSING) is not value \
                    and f"{name}.{key}" not in _PER_EXECUTION:
                found.append(f"{name}.{key}")
    for cls, attributes in record.classes.items():
        namespace = cls.__dict__
        for key, value in attributes.items():
            if key not in _NOISY_ATTRIBUTES and key != "__dict__" and namespace.get(key, _MISSING) is not value:
                found.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
    return found


def _empty_package_caches() -> None:
    for name, module in list(sys.modules.items()):
        if module is not None and (name == "analysis" or name.startswith("analysis.")):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__module__", None) == name:
                    clear()


def _fresh_start() -> None:
    """The next report starts as in a new kernel (see the module docstring)."""
    import random
    import warnings

    shell = _shell()
    if shell is not None:
        shell.reset(new_session=True)  # user namespace, Out cache, history; the execution count back to 1
    warnings.filters[:] = _RECORD.warning_filters
    getattr(warnings, "_filters_mutated", lambda: None)()  # registries of warnings shown once are cleared
    random.seed()
    if "numpy" in sys.modules:
        import numpy

        numpy.random.seed()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    _empty_package_caches()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a stream the report closed: the check found it already
            pass


def after_report() -> None:
    """After a report that ended without an error: note what it left behind, or make the kernel fresh again.

    Sets ``LAST``, which the worker reads: a kernel with something left behind is replaced.
    """
    global LAST
    try:
        LAST = left_behind()
        if not LAST:
            _fresh_start()
            # Recorded again: nothing differed but what the fresh start itself sets (IPython's aliases), and
            # modules and libraries first imported by this report are recorded from now on.
            _record_new_modules(_RECORD)
            _RECORD.plain = _plain_state(_shell())
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, this kernel is not to be trusted
        LAST = [f"the check failed: {type(exc).__name__}: {exc}"]
