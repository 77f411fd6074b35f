"""Outcome schemes as data: which labels mean which outcome class.

There is no national standard for classifying replies (A/B/C, A–D, 甲/乙/丙, the same letters
with other meanings), so a scheme is a YAML file in ``data/schemes/``. A user adds one by
adding a file; nothing in the code names a class.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths
from .errors import ConfigError
from .normalize import fold_width

_CLASS_SUFFIX_STARTS = ("类", "(", "（", "、", " ", "-", ":", "：")


def _fold(label: object) -> str:
    return fold_width(str(label)).strip().lower().replace(" ", "")


@dataclass(frozen=True)
class OutcomeClass:
    """One outcome class: its code and what it means."""

    code: str
    zh: str
    en: str
    solved: bool
    labels: tuple[str, ...]

    def display(self, lang: str = "zh") -> str:
        """'A类（已经解决…）' or 'A (solved, …)'."""
        return f"{self.code} ({self.en})" if lang == "en" else f"{self.code}类（{self.zh}）"


@dataclass(frozen=True)
class OutcomeScheme:
    """A named set of outcome classes, in report order."""

    name: str
    title_zh: str
    title_en: str
    classes: tuple[OutcomeClass, ...]
    source: str = ""

    @property
    def codes(self) -> tuple[str, ...]:
        """The class codes in report order."""
        return tuple(c.code for c in self.classes)

    def get(self, code: str) -> OutcomeClass:
        """The class with this code."""
        for c in self.classes:
            if c.code == code:
                return c
        raise KeyError(code)

    def classify(self, label: object) -> str | None:
        """The class code a label means, or None when the scheme does not know it."""
        if label is None:
            return None
        folded = _fold(label)
        if not folded:
            return None
        for c in self.classes:
            if folded in {_fold(x) for x in (c.code, *c.labels)}:
                return c.code
        # 'A类（已经解决）', 'B-列入规划': a code followed by a separator
        for c in self.classes:
            code = _fold(c.code)
            if folded.startswith(code) and folded[len(code):len(code) + 1] in _CLASS_SUFFIX_STARTS:
                return c.code
        return None

    def allowed_text(self) -> str:
        """The labels this scheme knows, for error messages."""
        return "; ".join(f"{c.code}: " + "/".join(c.labels[:6]) for c in self.classes)


def available_schemes() -> list[str]:
    """Names of the schemes in ``data/schemes/``."""
    return sorted(p.stem for p in paths.SCHEMES_DIR.glob("*.yaml"))


@lru_cache(maxsize=32)
def load_scheme(name_or_path: str = "abc") -> OutcomeScheme:
    """A scheme by name (a file in data/schemes/) or by path to a YAML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = paths.SCHEMES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"outcome scheme {name_or_path!r} not found (looked for {path}); "
            f"available: {', '.join(available_schemes())}"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        classes = tuple(
            OutcomeClass(
                code=str(c["code"]),
                zh=str(c["zh"]),
                en=str(c["en"]),
                solved=bool(c.get("solved", False)),
                labels=tuple(str(x) for x in c.get("labels", ())),
            )
            for c in raw["classes"]
        )
        scheme = OutcomeScheme(
            name=str(raw.get("name", path.stem)),
            title_zh=str(raw.get("title_zh", path.stem)),
            title_en=str(raw.get("title_en", path.stem)),
            classes=classes,
            source=str(raw.get("source", "")),
        )
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a valid outcome scheme ({exc}); see data/schemes/abc.yaml") from None
    if not scheme.classes or len(set(scheme.codes)) != len(scheme.codes):
        raise ConfigError(f"{path}: a scheme needs at least one class and unique codes")
    return scheme
