"""suggestion-analytics (代表建议办理分析): load, check and analyse the handling of deputies' suggestions.

Notebooks import what they need from the submodules: ``analysis.load``, ``analysis.reconcile``,
``analysis.metrics``, ``analysis.charts``, ``analysis.narrative``, ``analysis.sampling``.
"""
__version__ = "0.1.0"
