"""Deputies' names are personal data: stable pseudonyms in their place, on request.

``pseudonymise(cases)`` returns a copy of a loaded ledger in which every name in the columns
the schema declares ``personal=True`` (``lead_deputy``, ``cosigners``) is replaced by a
pseudonym such as ``代表-7F3A-9QXK``, and the same names are replaced wherever they appear in
any other text column (titles, notes, units, delegations, ids, and every column of the ledger
the schema does not know); only ``source_file`` is left as it is.

How a pseudonym is made
  HMAC-SHA256 of the name under a key, first 40 bits written in Crockford base32 (digits and
  capitals without I, L, O, U), as two groups of four. The name is compared as shown: Unicode
  NFKC, case-folded, with spaces and invisible characters removed, so "张　三" (padded to
  align with three-character names) and "张三" are one person. The same name under the same
  key always gives the same pseudonym, in every report, run and language, so a reader can
  still see that one deputy led several suggestions. 40 bits make a collision between two
  names about a one-in-a-million event for a few thousand names; should two names present
  collide, both get the 80-bit form (``代表-XXXX-XXXX-XXXX-XXXX``) rather than share one.

The key
  The ``key`` argument, else the environment variable ``SA_PSEUDONYM_KEY``, else the
  documented default ``DEFAULT_KEY`` so that runs are reproducible without setup. Lists of
  deputies are public, so anyone can reverse pseudonyms made under the default key by
  hashing the list: set ``SA_PSEUDONYM_KEY`` to a secret before sending pseudonymised output
  outside the office. The key itself is never written into an output; ``attrs`` records
  only where it came from, and the runner's cache keeps only ``key_id`` (so a pseudonymised
  report is made again when the key changes).

How a name cell is split
  On every separator people use: 、，,；;/／|｜ and line breaks; spaces (the ideographic space
  U+3000 too) between names, except that single characters spaced apart are one padded name
  ("张　三"); and 及、和、与、以及 where both sides are names of two or more characters ("张三和李四",
  but "李和平" is one name). A bracketed suffix such as "（区人大代表）" and a trailing "代表" or
  "人大代表" are kept as written and not part of the name.

What is kept
  Numbers of people ("5", "5人", "共5名"), "等" and "等5人" after a name, the suffixes above, and
  pseudonyms already present (so pseudonymising twice changes nothing). Names shorter than two
  characters are replaced in their columns but not searched for in other text (a single
  character would match inside ordinary words).

What is not covered
  Only names written in the name columns are known: a name that appears only in a title is
  not found. A name that is also an ordinary word or place name (a road named after a
  person) is replaced in other text too, erring towards privacy. The input files, their
  names, and the ``source_file`` column are not changed.

Which outputs hold names by default (without ``--pseudonymise``)
  - The loaded frame (``load.load_cases``) holds the names as written in the ledger.
  - The supervision sample list (``sampling.sample_table`` / ``write_sample``, the Excel
    list) leaves out ``lead_deputy``, ``cosigners`` and ``delegation`` unless
    ``include_names=True``. Its JSON audit record holds suggestion ids, not names; its
    ``ledger_sha256`` covers every ledger column, so it differs between a pseudonymised and
    a plain run of the same ledger (the drawn ids do not: they depend on ids and seed only).
  - Metrics, charts, narrative paragraphs and the notebooks' display frames (``metrics``,
    ``charts``, ``narrative``, ``views``) do not read the name columns.
  - The report notebooks show no deputies' names: when this was written, the committed
    outputs of a default run over the bundled sample ledger held none of its 159 (fictitious)
    names. The agreed rule for them: lead deputies appear only in the supervision-sample list
    and the handling tables, and only when a parameter asks for them.
  - With ``--pseudonymise`` (notebook parameter ``pseudonymise``) ``notebook_inputs.load_inputs``
    passes the loaded frame through ``pseudonymise`` before anything is shown, so everything
    built from it (HTML, Excel, Word, executed notebooks) carries pseudonyms.
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import os
import re
import unicodedata

import numpy as np
import pandas as pd

from . import normalize, schema

KEY_ENV = "SA_PSEUDONYM_KEY"
DEFAULT_KEY = "suggestion-analytics/pseudonym/v1"  # public: reproducible, not secret (see the docstring)
PREFIX = "代表-"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_SHORT_GROUPS = 2  # groups of four base32 characters (20 bits each): 40 bits
_LONG_GROUPS = 4  # 80 bits, for names whose short forms collide
# Split patterns are captured, so the pieces joined again give the cell exactly as written.
_SEPARATORS = re.compile(r"([、，,；;/／|｜\r\n\t]+)")
_SPACES = re.compile(r"(\s+)")  # \s includes the ideographic space U+3000
_JOINERS = re.compile(r"(以及|及|和|与)")
_SUFFIX = re.compile(r"(?:\s*[（(][^（）()]*[）)])+$|(?:区|市|县|省|镇|乡)?(?:人大)?代表$")
_COUNT = re.compile(r"^(?:共|计)?\d+\s*(?:人|名|位)?$")
_AND_OTHERS = re.compile(r"等\s*(?:\d+\s*(?:人|名|位)?)?$")  # 张三等 / 张三等5人
_PSEUDONYM = re.compile("^" + re.escape(PREFIX) + r"[0-9A-Z]{4}(?:-[0-9A-Z]{4})+$")
_NOT_SEARCHED = {"source_file"}  # besides the name columns themselves
_SEVERAL_NAMES = {"cosigners"}  # columns holding several people; a lead deputy's cell holds one
_MIN_SEARCHED = 2  # characters a name needs before it is searched for in other text


def personal_columns() -> list[str]:
    """The ledger columns that hold personal data (declared ``personal=True`` in the schema)."""
    return [f.name for f in schema.LEDGER_FIELDS if f.personal]


def _key_bytes(key: str | bytes | None) -> tuple[bytes, str]:
    """The key as bytes and where it came from: 'argument', 'environment' or 'default'."""
    if key is not None:
        return (key if isinstance(key, bytes) else str(key).encode("utf-8")), "argument"
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode("utf-8"), "environment"
    return DEFAULT_KEY.encode("utf-8"), "default"


def _normal(name: str) -> str:
    """A name as compared: NFKC, case-folded, without spaces or invisible (format) characters."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _code(name: str, key: bytes, groups: int) -> str:
    digest = hmac.new(key, _normal(name).encode("utf-8"), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big") >> (256 - 20 * groups)
    chars = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(20 * groups - 5, -1, -5))
    return PREFIX + "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def pseudonym(name: str, *, key: str | bytes | None = None) -> str:
    """The stable pseudonym of one name, e.g. '代表-7F3A-9QXK' (HMAC-SHA256 under the key)."""
    return _code(name, _key_bytes(key)[0], _SHORT_GROUPS)


def key_id(*, key: str | bytes | None = None) -> str:
    """A short fingerprint of the key in use (HMAC of a fixed label), to tell keys apart without showing one.

    It reveals no more than any pseudonym in an output does (both let a guessed key be checked).
    """
    secret, _ = _key_bytes(key)
    return hmac.new(secret, b"suggestion-analytics/pseudonym-key-id", hashlib.sha256).hexdigest()[:16]


def _split_cell(text: str, *, several: bool = True) -> list[tuple[str, str]]:
    """A name cell as pieces: ('name', text) for each name, ('keep', text) for everything else.

    Joined again, the pieces give the cell exactly as written. A cell of ``several`` names (the
    cosigners) is also split at spaces and at 及/和/与; a lead deputy's cell holds one person, so a
    space or a 和 there is part of the name ("O'Brien 林", "李和平").
    """
    pieces: list[tuple[str, str]] = []
    for index, part in enumerate(_SEPARATORS.split(text)):
        if index % 2:
            pieces.append(("keep", part))
        elif not several:
            start, end = len(part) - len(part.lstrip()), len(part.rstrip())
            pieces += [("keep", part[:start]), *_name_pieces(part[start:end], joiners=False), ("keep", part[end:])]
        else:
            for group_index, group in enumerate(_space_groups(part)):
                pieces += [("keep", group)] if group_index % 2 else _name_pieces(group)
    return [p for p in pieces if p[1]]


def _space_groups(part: str) -> list[str]:
    """``part`` split at spaces into [words, space, words, …]; single characters spaced apart stay one name."""
    tokens = _SPACES.split(part)
    words, spaces = tokens[0::2], tokens[1::2]
    groups = [words[0]]
    last_single = len(words[0]) == 1
    for space, word in zip(spaces, words[1:]):
        single = len(word) == 1
        if single and last_single:
            groups[-1] += space + word  # "张　三": a two-character name padded to the width of three
        else:
            groups += [space, word]
        last_single = single
    return groups


def _name_pieces(word: str, *, joiners: bool = True) -> list[tuple[str, str]]:
    """One word (no separator or space between names) as name and kept pieces."""
    if not word or _COUNT.match(normalize.fold_width(word)) or _PSEUDONYM.match(word):
        return [("keep", word)]
    suffix = _SUFFIX.search(word)
    if suffix and suffix.start() > 0:
        return _name_pieces(word[: suffix.start()], joiners=joiners) + [("keep", word[suffix.start():])]
    others = _AND_OTHERS.search(word)
    if others and others.start() > 0:
        return _name_pieces(word[: others.start()], joiners=joiners) + [("keep", word[others.start():])]
    if others:
        return [("keep", word)]
    if not joiners:
        return [("name", word)]
    # 及/和/与 between two names of two or more characters separates them; inside a name (李和平) it does not
    parts = _JOINERS.split(word)
    names, between = [parts[0]], []
    for joiner, following in zip(parts[1::2], parts[2::2]):
        if len(names[-1]) >= 2 and len(following) >= 2:
            between.append(joiner)
            names.append(following)
        else:
            names[-1] += joiner + following
    pieces: list[tuple[str, str]] = []
    for position, name in enumerate(names):
        if position:
            pieces.append(("keep", between[position - 1]))
        pieces.append(("keep", name) if _COUNT.match(normalize.fold_width(name)) or _PSEUDONYM.match(name)
                      else ("name", name))
    return pieces


def _mapping(names: set[str], key: bytes) -> dict[str, str]:
    """Pseudonym per compared name; names whose short forms collide get the long form."""
    short = {name: _code(name, key, _SHORT_GROUPS) for name in names}
    taken: dict[str, int] = {}
    for code in short.values():
        taken[code] = taken.get(code, 0) + 1
    return {name: code if taken[code] == 1 else _code(name, key, _LONG_GROUPS) for name, code in short.items()}


def _text_columns(cases: pd.DataFrame) -> list[str]:
    """Every text column to search for names but the name columns and ``source_file``."""
    skip = set(personal_columns()) | _NOT_SEARCHED
    return [c for c in cases.columns if c not in skip and
            (pd.api.types.is_string_dtype(cases[c]) or cases[c].dtype == object)]


def _map_distinct(series: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct string value (a ledger repeats them); NA and numbers kept."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.array([func(u) if isinstance(u, str) else u for u in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=series.index, dtype=series.dtype, name=series.name)


def pseudonymise(cases: pd.DataFrame, *, key: str | bytes | None = None) -> pd.DataFrame:
    """A copy of ``cases`` with deputies' names replaced by stable pseudonyms, in their columns and free text."""
    secret, source = _key_bytes(key)
    columns = [c for c in personal_columns() if c in cases.columns]
    split: dict[tuple[bool, str], list[tuple[str, str]]] = {}
    for column in columns:
        several = column in _SEVERAL_NAMES
        for value in pd.unique(cases[column].dropna()):
            if isinstance(value, str) and (several, value) not in split:
                split[several, value] = _split_cell(value, several=several)
    written = {text for pieces in split.values() for kind, text in pieces if kind == "name"}
    codes = _mapping({_normal(name) for name in written}, secret)

    out = cases.copy()
    for column in columns:
        several = column in _SEVERAL_NAMES
        out[column] = _map_distinct(cases[column], lambda value: "".join(
            codes[_normal(text)] if kind == "name" else text for kind, text in split[several, value]))

    # names in free text: as written in the name columns, longest first ("张三丰" before "张三")
    forms = written | {_normal(n) for n in written}  # as written, and without spaces or invisible characters
    searched = sorted((n for n in forms if len(_normal(n)) >= _MIN_SEARCHED), key=len, reverse=True)
    if searched:
        pattern = re.compile("|".join(re.escape(n) for n in searched))
        replace = lambda text: pattern.sub(lambda m: codes[_normal(m[0])], text)  # noqa: E731
        for column in _text_columns(cases):
            out[column] = _map_distinct(cases[column], replace)

    out.attrs = {**copy.deepcopy(cases.attrs), "pseudonymised": True, "pseudonym_key": source}
    return out
