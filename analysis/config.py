"""Settings: ``data/config.yaml`` over built-in defaults, or a user's own file (read again whenever its content changes)."""
from __future__ import annotations

import copy
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import paths, yaml_text
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


def _content(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{file}: 无法读取设置文件 cannot read the settings file ({exc.strerror or exc})") from None


def version(path: str | Path | None = None) -> str:
    """The SHA-256 of the settings file's content ('' when it is missing): what a cache of settings is keyed on."""
    data = _content(Path(path or paths.CONFIG_FILE))
    return "" if data is None else hashlib.sha256(data).hexdigest()


def _settings(path: str | Path | None) -> dict:
    """The settings of ``path`` (default ``data/config.yaml``), as the file holds them now.

    A file named but missing is an error; the default one missing (a bare copy of the package)
    gives the built-in defaults.
    """
    file = Path(path or paths.CONFIG_FILE)
    if path and not file.is_file():
        raise ConfigError(f"{file}: 设置文件不存在 settings file not found"
                          + ("（这是一个文件夹 a folder）" if file.is_dir() else ""))
    data = _content(file)
    return DEFAULTS if data is None else _parse(str(file), data)


@lru_cache(maxsize=8)
def _parse(path: str, data: bytes) -> dict:
    # Keyed on the content, not on the time of change: a settings file edited while a kernel runs
    # is read again, even when two saves fall within one tick of the file system's clock.
    file = Path(path)
    try:
        raw = yaml_text.safe_load(data.decode("utf-8")) or {}
    except yaml_text.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: 设置文件须为 UTF-8 文本 the settings file must be UTF-8 text ({exc})") from None
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
    """The settings: defaults, overlaid with ``path`` (default ``data/config.yaml``); ConfigError if ``path`` is missing."""
    return copy.deepcopy(_settings(path))


def handler_name_en(handler: str, config: dict | None = None) -> str:
    """A handling body's English name from ``handler_names_en`` (default settings file); its own name if none."""
    names = (_settings(None) if config is None else config).get("handler_names_en") or {}
    return str(names.get(handler) or handler)
