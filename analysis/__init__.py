"""suggestion-analytics (代表建议办理分析): load, check and analyse the handling of deputies' suggestions.

The functions a researcher calls from a notebook can be imported from here::

    from analysis import load_cases, ledger_figures, plot_outcome_mix

``docs/api.md`` lists them with an example each (``make api-docs`` writes it from their
docstrings). Report notebooks also use the modules themselves (``analysis.report``,
``analysis.notebook_inputs``…); the README's module table says what each is for.
"""
__version__ = "0.1.0"

# Each exported function and the module that defines it. A function is imported on first use
# (PEP 562), so `import analysis` — which every command and every kernel does — loads no
# pandas, numpy or plotly until one is called.
_EXPORTS = {
    "load_cases": "load",
    "load_figures": "load",
    "load_config": "config",
    "validate_files": "load",
    "ledger_figures": "metrics",
    "session_overview": "metrics",
    "handling_rates": "metrics",
    "on_time_replies": "metrics",
    "unit_table": "metrics",
    "outcome_mix_test": "metrics",
    "reconcile_files": "reconcile",
    "plot_received_trend": "charts",
    "plot_outcome_mix": "charts",
    "plot_unit_ranking": "charts",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """The exported function ``name``, imported from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:  # also how `from analysis import load` finds the submodule
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
