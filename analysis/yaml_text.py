"""Reading YAML text: ``safe_load`` as ``yaml.safe_load`` reads it, with libyaml's parser when PyYAML has it.

The settings, the run plan, the outcome schemes and the peers' classes are YAML. PyYAML's own parser
takes a tenth of a no-change rerun's CPU for the run plan alone; libyaml's gives the same values (the
same constructor and resolver turn its events into Python values) in a few hundredths of that. Text it
cannot read is read again by PyYAML's parser, whose message shows the line with a caret under the fault,
so a user's mistake reads the same either way.
"""
from __future__ import annotations

from typing import Any

import yaml

YAMLError = yaml.YAMLError
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # absent when PyYAML was built without libyaml


def safe_load(text: str) -> Any:
    """The value of one YAML document, as ``yaml.safe_load(text)`` gives it; ``yaml.YAMLError`` if it is not YAML."""
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # PyYAML's parser says where and why, below
    return yaml.safe_load(text)
