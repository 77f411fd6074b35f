"""Settings: ``data/config.yaml`` over built-in defaults, or a user's own file."""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "congress": "某区人大常委会",
    "outcome_scheme": "abc",
    "session_years": {},
    "session_close_dates": {},
    "handlers": ["区政府", "国际港务区"],
    "port_zone": "国际港务区",
    # English reports show a body by this name; one not listed is shown by its Chinese name.
    "handler_names_en": {},
    "on_time": {"start": "assigned", "months": 3, "complex_months": 6},
    "performance": {
        "weights": {"solved_share": 0.4, "on_time_share": 0.3, "satisfaction_share": 0.3},
        "flag_below": 0.6,
        "min_cases": 3,
        "caution_below_cases": 10,
    },
    "supervision_sample": {"fraction": 0.10, "strata": "handler"},
    # Reports show their build time in this zone (an IANA name); the stored times stay UTC.
    "time_zone": "Asia/Shanghai",
}


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=8)
def _load(path: str) -> dict:
    file = Path(path)
    if not file.is_file():
        return copy.deepcopy(DEFAULTS)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: expected a mapping of settings")
    names = raw.get("handler_names_en")
    if names is not None and not (isinstance(names, dict)
                                  and all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                          for k, v in names.items())):
        raise ConfigError(f"{file}: handler_names_en must map each handling body to its English name, "
                          f"e.g. {{区政府: district government}}; got {names!r}")
    zone = raw.get("time_zone")
    if zone is not None:
        _check_time_zone(file, zone)
    return _merge(DEFAULTS, raw)


def _check_time_zone(file: Path, zone: object) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{file}: time_zone {zone!r} is not a time zone name; use an IANA name such as "
                          f"Asia/Shanghai or UTC") from None


def load_config(path: str | Path | None = None) -> dict:
    """The settings: defaults, overlaid with ``path`` (default ``data/config.yaml``)."""
    return copy.deepcopy(_load(str(path or paths.CONFIG_FILE)))


def handler_name_en(handler: str, config: dict | None = None) -> str:
    """A handling body's English name from ``handler_names_en`` (default settings file); its own name if none."""
    names = (_load(str(paths.CONFIG_FILE)) if config is None else config).get("handler_names_en") or {}
    return str(names.get(handler) or handler)
