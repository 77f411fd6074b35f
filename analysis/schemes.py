"""Outcome schemes as data: which labels mean which outcome class.

There is no national standard for classifying replies (A/B/C, A–D, 甲/乙/丙, the same letters
with other meanings), so a scheme is a YAML file in ``data/schemes/``. A user adds one by
adding a file; nothing in the code names a class.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths, yaml_text
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
            labels = {_fold(x) for x in (c.code, *c.labels)}
            # '留作参考类', '解决类': a label with 类 after it, as ledgers name a class by its wording
            if folded in labels or folded[-1] == "类" and folded[:-1] in labels:
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
def scheme_file(name_or_path: str) -> Path:
    """The YAML file a scheme is read from: ``data/schemes/NAME.yaml`` for a name, else the path given."""
    path = Path(name_or_path)
    return paths.SCHEMES_DIR / f"{name_or_path}.yaml" if not path.suffix else path


def load_scheme(name_or_path: str = "abc") -> OutcomeScheme:
    """A scheme by name (a file in data/schemes/) or by path to a YAML file; its YAML parsed once per text of the file
    (every metric and every published report asks for the scheme: the peers page reads some forty reports)."""
    path = scheme_file(name_or_path)
    if not path.is_file():
        raise ConfigError(
            f"outcome scheme {name_or_path!r} not found (looked for {path}); "
            f"available: {', '.join(available_schemes())}"
        )
    return _parsed_scheme(str(path), path.read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _parsed_scheme(path_text: str, text: str) -> OutcomeScheme:
    """The scheme a file's text gives (the text in the key: an edited file is parsed again); an error is not kept."""
    path = Path(path_text)
    try:
        raw = yaml_text.safe_load(text)
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
    except (yaml_text.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a valid outcome scheme ({exc}); see data/schemes/abc.yaml") from None
    if not scheme.classes or len(set(scheme.codes)) != len(scheme.codes):
        raise ConfigError(f"{path}: a scheme needs at least one class and unique codes")
    return scheme


# ---------------------------------------------------------------------------------------
# Reading a published report's scheme from its labels
# ---------------------------------------------------------------------------------------

# A label that is a class code: the code, then nothing, 类, or a separator and a description.
_TAIL = r"\s*(?:类)?\s*(?:$|[（(、\-—:：\s].*)"
_FAMILIES = {
    # family → (pattern giving the code, the codes in order)
    "letters": (re.compile(rf"^([a-z]){_TAIL}"), tuple("abcdefghijklmnopqrstuvwxyz")),
    "stems": (re.compile(rf"^([甲乙丙丁戊己庚辛壬癸]){_TAIL}"), tuple("甲乙丙丁戊己庚辛壬癸")),
    "numbered": (re.compile(r"^第?([一二三四五六七八九十]|[1-9])\s*类\s*(?:$|[（(、\-—:：\s].*)"),
                 tuple("一二三四五六七八九十")),
}
_ARABIC = dict(zip("123456789", "一二三四五六七八九"))
SCHEME_SOURCES = ("option", "config", "inferred", "wordings")


@dataclass(frozen=True)
class SchemeReading:
    """The outcome scheme a report uses for one body, and how it was found.

    ``source``: ``option`` (given with --scheme), ``config`` (the labels are class codes the configured
    scheme has), ``inferred`` (the labels are codes of one family — A/B/C…, 甲/乙/丙…, 一类/二类… —
    matched to a shipped scheme or taken as they are), ``wordings`` (the report's own wordings:
    checked as the list it is). ``codes`` maps each label to its class code; ``unknown`` holds
    the labels a declared scheme does not know.
    """

    scheme: OutcomeScheme
    source: str
    codes: dict
    unknown: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """The scheme's classes are all the classes there are (declared or configured), not just those printed."""
        return self.source in ("option", "config")


def _code_in_family(label: str, family: str) -> str | None:
    pattern, _ = _FAMILIES[family]
    match = pattern.match(_fold(label))
    if not match:
        return None
    code = match.group(1)
    return _ARABIC.get(code, code).upper()


def _family_of(labels: list[str]) -> tuple[str, dict] | None:
    for family in _FAMILIES:
        codes = {label: _code_in_family(label, family) for label in labels}
        if all(codes.values()):
            return family, codes
    return None


def _own_scheme(name: str, codes: list[str], title_zh: str, title_en: str, meanings: dict) -> OutcomeScheme:
    classes = tuple(OutcomeClass(code=c, zh=meanings.get(c, ""), en="", solved=False, labels=(c,)) for c in codes)
    return OutcomeScheme(name=name, title_zh=title_zh, title_en=title_en, classes=classes,
                         source="由报告的标签推断 / read from the report's labels")


def _shipped_schemes() -> list[OutcomeScheme]:
    return [load_scheme(name) for name in available_schemes()]


# Chinese characters, their punctuation and full-width forms: the text a space beside is dropped from a wording
_CJK = "[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"


def _wording(label: str) -> str:
    """A report's own class as shown: no spaces beside Chinese characters (已经解决 或基本解决), one between words
    of a translation (have been or will be resolved) or of a language written in words with accents (đã được giải
    quyết xong: Vietnamese, whose letters are not ASCII but whose words are still spaced)."""
    return re.sub(rf"\s(?={_CJK})|(?<={_CJK})\s", "", " ".join(label.split()))


def infer_scheme(labels, *, declared: OutcomeScheme | None = None,
                 preferred: OutcomeScheme | None = None) -> SchemeReading:
    """The scheme of one report's body from its outcome labels: declared, configured (codes it has), inferred (codes
    of one family), or its own wordings (anything else, whatever the configured scheme's labels)."""
    labels = list(dict.fromkeys(str(x).strip() for x in labels if str(x).strip()))
    if declared is not None:
        codes = {label: declared.classify(label) for label in labels}
        return SchemeReading(declared, "option", {k: v for k, v in codes.items() if v},
                             tuple(k for k, v in codes.items() if v is None))
    found = _family_of(labels)
    if found:
        family, codes = found
        order = [c.upper() for c in _FAMILIES[family][1]]
        wanted = set(codes.values())
        candidates = [s for s in _shipped_schemes() if wanted <= set(s.codes) and set(s.codes) <= set(order)]
        if preferred is not None and any(s.name == preferred.name for s in candidates):
            return SchemeReading(preferred, "config", codes)
        if candidates:
            return SchemeReading(min(candidates, key=lambda s: (len(s.classes), s.name)), "inferred", codes)
        shown = sorted(wanted, key=order.index)
        title = "/".join(shown)
        meanings = {codes[label]: label for label in labels if _fold(label) != _fold(codes[label])}
        return SchemeReading(_own_scheme(family, shown, f"由标签推断（{title}）", f"read from the labels ({title})",
                                         meanings), "inferred", codes)
    # Wordings, not codes (解决采纳, 已经解决): the report's own classes, named as printed, even when the configured
    # scheme has a class of that name. Its labels are for ledgers, whose column holds that scheme's classes; a report
    # printing 解决采纳 alone says nothing of classes B and C, which reading it as A/B/C would call unprinted.
    wordings = [_wording(label) for label in labels]
    return SchemeReading(_own_scheme("wordings", list(dict.fromkeys(wordings)), "报告自己的分类",
                                     "the report's own classes", {w: w for w in wordings}),
                         "wordings", dict(zip(labels, wordings)))
