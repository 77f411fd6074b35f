"""The supervision sample (联合督办抽样): a reproducible, recorded random draw of suggestions.

The source's joint supervision "randomly drew 10% of a session's suggestions" and visited
their handling units. A draw that staff send upward must be fair, repeatable and on
record, so this module fixes every choice and writes it down:

- **Population**: the session's suggestions (default: the latest session in the ledger),
  sorted by suggestion id, so the input's row order cannot matter.
- **Size**: ``size``, or ``fraction × population`` rounded half up (10% of 135 = 13.5 → 14),
  at least 1.
- **Selection**: each suggestion gets the key ``sha256("<seed>:<suggestion id>")`` (hex);
  the suggestions with the smallest keys are drawn. Anyone can repeat this with any SHA-256
  tool, and it depends on no library's random-number stream, so the same ledger, size and
  seed give the same sample on any machine and any version, and another seed (almost
  always) gives another sample.
- **Strata** (by handling body unless asked otherwise — the source's joint supervision drew
  across the bodies it visited with the government's inspection office; or by lead unit; or
  none): the size is allocated in proportion
  to each stratum's population by the largest-remainder (Hamilton) method — ties go to the
  larger stratum, then by name — and the smallest keys are drawn within each stratum.
  There is no minimum per stratum: with 14 draws over 30 units a minimum is impossible, and
  forcing one would over-represent small units; the allocation is part of the record. A
  blank stratum value forms its own stratum, （未填）.
- **Record**: seed, parameters, population and sample size, the allocation, the drawn ids,
  a SHA-256 of the session's ledger content (canonical, so the same data gives the same
  hash whatever the file's encoding or format) with the exact text it is the hash of
  (``HASH_METHOD``, the columns and every normalisation, so anyone can recompute it from the
  file and the record alone), the source files, the package version and the time of the
  draw (UTC; ``SOURCE_DATE_EPOCH`` when set, for reproducible builds).
- **Seed fixed in advance** (optional): ``commit_seed`` publishes sha256("<seed>:<secret>")
  before the draw; the draw's record then reveals the secret, so anyone can check that the
  seed was fixed before the ledger was hashed and the sample drawn.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from json.encoder import encode_basestring as _encode_text  # how json.dumps(ensure_ascii=False) writes a str
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, labels, metrics, normalize, paths, schemes
from .errors import DataError, Problem
from .excel import is_null, python_scalar, xlsx_bytes
from .files import build_time, write_atomic
from .schema import LEDGER_BY_NAME, LEDGER_FIELDS
from .sessions import canonical_session, parse_session, session_sort_key

DEFAULT_FRACTION = 0.10  # the source's joint supervision drew 10%
DEFAULT_STRATA = "handler"  # the source drew across the handling bodies; "none" for a plain draw
NO_STRATA = "none"
STRATA = ("handler", "lead_unit")
BLANK_STRATUM = "（未填）"
PARAMETERS = "抽样参数 (sampling parameters)"  # the "file" a parameter problem points at
HASH_COLUMNS = tuple(f.name for f in LEDGER_FIELDS)  # not source_file/source_row: layout, not content
# The columns of the list for the supervision team, in order; names only on request.
LIST_COLUMNS = ("suggestion_id", "title", "handler", "lead_unit", "co_units", "topic", "assigned_date",
                "due_date", "reply_date", "outcome_class", "status", "satisfaction", "key_supervision",
                "met_deputy")
NAME_COLUMNS = ("lead_deputy", "cosigners", "delegation")
METHOD_ZH = ("按建议编号排序；每件建议计算 sha256(\"种子:建议编号\")，取值最小者入样；"
             "分层时按各层件数比例以最大余数法分配样本量，层内同样取最小者")
METHOD_EN = ("sort by suggestion id; key each suggestion by sha256(\"seed:suggestion id\") and draw the "
             "smallest keys; with strata, allocate the size in proportion to each stratum by largest "
             "remainder and draw the smallest keys within each")
ROUNDING_ZH = "样本量 = 比例 × 总体件数，四舍五入（0.5 进位），至少 1 件"
ROUNDING_EN = "size = fraction × population, rounded half up, at least 1"
HASH_METHOD = (
    "SHA-256 of UTF-8 text. Line 1: the JSON array of the column names listed in ledger_hash_columns, in that "
    "order, items separated by ', ' (a comma and a space). Then one line per suggestion of the session, sorted by "
    "suggestion id as text (by Unicode code point): the JSON array of its values in the same column order, items "
    "separated by ',' (no space). Every line ends with a line feed (\\n), the last one too. JSON strings keep "
    "non-ASCII characters as they are (no \\u escapes) and escape only what JSON requires ('\"', '\\\\', "
    "control characters as \\n, \\t, \\u0001 …). Values are the ledger's after loading, as "
    "ledger_hash_normalisation states: blank → null; text stripped; yes/no → true/false; whole numbers → numbers; "
    "dates → \"YYYY-MM-DD\" (\"YYYY-MM-DDTHH:MM:SS\" when a time other than midnight is recorded); outcome labels "
    "→ their class code; a column the ledger does not have → null."
)
HASH_METHOD_ZH = (
    "对 UTF-8 文本计算 SHA-256。第 1 行：ledger_hash_columns 所列列名按顺序组成的 JSON 数组，各项之间为“, ”（逗号加空格）；"
    "其后每件建议一行，按建议编号的文本（Unicode 码位）排序：该件各列取值按同一顺序组成的 JSON 数组，各项之间为“,”（无空格）。"
    "每行以换行符（\\n）结束，最后一行也是。JSON 字符串中的中文等字符原样写出（不转义为 \\u），只转义 JSON 规定须转义的字符。"
    "取值为台账读入并规范化后的值（见 ledger_hash_normalisation）：空白为 null；文本去掉首尾空格；是/否为 true/false；"
    "整数为数字；日期为“YYYY-MM-DD”（记录了午夜以外的时刻时为“YYYY-MM-DDTHH:MM:SS”）；办理结果为分类代码；台账没有的列为 null。"
)
_HASH_CHUNK_ROWS = 25_000  # rows turned into JSON at a time: bounded memory on a province-sized ledger


@dataclass(frozen=True)
class SampleDraw:
    """A drawn sample: the rows (sorted for display) and the audit record."""

    rows: pd.DataFrame
    record: dict

    @property
    def ids(self) -> list[str]:
        """The drawn suggestion ids, in id order."""
        return list(self.record["drawn_ids"])


def _problem(message: str, message_en: str, column: str, value: object = None, allowed: str | None = None) -> Problem:
    return Problem(file=PARAMETERS, message=f"{message} / {message_en}", message_en=message_en, column=column,
                   value=None if value is None else str(value), allowed=allowed, code="invalid_parameter")


def sample_size(population: int, *, fraction: float | None = None, size: int | None = None) -> int:
    """How many to draw: ``size``, or ``fraction × population`` rounded half up (at least 1)."""
    if fraction is not None and size is not None:
        raise DataError(_problem("抽样比例与样本量只能给一个", "give a fraction or a size, not both", "fraction/size",
                                 f"{fraction} / {size}"))
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise DataError(_problem("样本量须为正整数", "the size must be a whole number of at least 1", "size",
                                     size, f"1…{population}"))
        if size > population:
            raise DataError(_problem(f"样本量 {size} 超过总体件数 {population}",
                                     f"the size {size} exceeds the population of {population}", "size",
                                     size, f"1…{population}"))
        return size
    fraction = DEFAULT_FRACTION if fraction is None else fraction
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not math.isfinite(fraction) \
            or not 0 < fraction <= 1:
        raise DataError(_problem("抽样比例须大于 0 且不超过 1", "the fraction must be greater than 0 and at most 1",
                                 "fraction", fraction, "(0, 1]，如 0.10 = 10%"))
    # Decimal of the printed value: 0.1 × 135 must be 13.5 (→ 14), not 13.499999…
    exact = Decimal(str(fraction)) * population
    return max(1, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def configured_fraction(config: dict | None) -> float:
    """The share a draw takes when it is given neither a fraction nor a size: the settings' ``supervision_sample.fraction``."""
    return float(((config or {}).get("supervision_sample") or {}).get("fraction", DEFAULT_FRACTION))


def configured_strata(config: dict | None) -> str:
    """The grouping a draw keeps proportions within when given none: the settings' ``supervision_sample.strata``."""
    return str(((config or {}).get("supervision_sample") or {}).get("strata") or DEFAULT_STRATA)


def allocate(stratum_sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over strata in proportion to their sizes (largest remainder; ties: larger, then name)."""
    population = sum(stratum_sizes.values())
    if population == 0:
        return {name: 0 for name in stratum_sizes}
    # quota = size × total / population, kept as integers so equal remainders tie exactly
    shares = {name: size * total // population for name, size in stratum_sizes.items()}
    remainders = {name: size * total % population for name, size in stratum_sizes.items()}
    left = total - sum(shares.values())
    order = sorted(stratum_sizes, key=lambda n: (-remainders[n], -stratum_sizes[n], n))
    for name in order[:left]:
        shares[name] += 1
    return shares


def rank_key(seed: int, suggestion_id: str) -> str:
    """The draw key of a suggestion: sha256 of "<seed>:<id>" (hex); the smallest keys are drawn."""
    return hashlib.sha256(f"{seed}:{suggestion_id}".encode("utf-8")).hexdigest()


def _canonical(value: object) -> object:
    """One cell as HASH_METHOD writes it: None, a bool, an int or a str (a non-whole float as its repr)."""
    if is_null(value):
        return None
    value = python_scalar(value)
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):  # a numpy float32 NaN unwraps to one here: hashed as "nan" from the start
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if pd.isna(value):
            return None
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell_json(value: object) -> str:
    return json.dumps(_canonical(value), ensure_ascii=False)


def _column_json(column: pd.Series | None, rows: int) -> list[str]:
    """Each cell of a column as ``json.dumps(_canonical(cell))`` writes it, worked out once per distinct value."""
    if column is None:
        return ["null"] * rows
    text = isinstance(column.dtype, pd.StringDtype)
    if column.dtype == object:
        text = set(map(type, column.tolist())) <= {str, type(None)}
        if not text:  # mixed cells: 1 == 1.0 == True would share a code, so one at a time
            return [_cell_json(v) for v in column.tolist()]
    codes, uniques = pd.factorize(column)  # blanks get code -1: the "null" put last
    encode = _encode_text if text else _cell_json  # a str's JSON, as json.dumps writes it
    return np.array([*map(encode, uniques.tolist()), "null"], dtype=object)[codes].tolist()


def ledger_sha256(cases: pd.DataFrame) -> str:
    """SHA-256 of the ledger content: rows sorted by suggestion id, canonical JSON lines (see HASH_METHOD)."""
    hashed = _hashed_columns(cases)
    # already in id order: a stable sort would move nothing
    ordered = hashed if hashed["suggestion_id"].astype(str).is_monotonic_increasing else \
        hashed.sort_values("suggestion_id", key=lambda s: s.astype(str), kind="mergesort")
    return _ordered_sha256(ordered)


def _hashed_columns(cases: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``cases`` the ledger hash covers (HASH_COLUMNS it has): no other column's rows are copied."""
    return cases[[c for c in HASH_COLUMNS if c in cases.columns]]


def _ordered_sha256(ordered: pd.DataFrame) -> str:
    """``ledger_sha256`` of rows already in its order (sorted by suggestion id as text, stably)."""
    # Columns of one type throughout are coded once (a value's JSON is worked out once per distinct value);
    # cells of mixed types are written chunk by chunk, one at a time.
    coded = {c: _column_codes(ordered[c]) for c in ordered.columns if ordered[c].dtype != object}
    digest = hashlib.sha256()
    digest.update(json.dumps(list(HASH_COLUMNS), ensure_ascii=False).encode("utf-8") + b"\n")
    for start in range(0, len(ordered), _HASH_CHUNK_ROWS):
        chunk = ordered.iloc[start:start + _HASH_CHUNK_ROWS]
        columns = [coded[c][1][coded[c][0][start:start + _HASH_CHUNK_ROWS]].tolist() if c in coded
                   else _column_json(chunk[c] if c in chunk.columns else None, len(chunk)) for c in HASH_COLUMNS]
        lines = "]\n[".join(map(",".join, zip(*columns)))
        digest.update(f"[{lines}]\n".encode("utf-8"))
    return digest.hexdigest()


def _column_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column of one type as (a code per row, each code's JSON as ``json.dumps(_canonical(cell))`` writes it)."""
    codes, uniques = pd.factorize(column)  # blanks get code -1: the "null" put last
    encode = _encode_text if isinstance(column.dtype, pd.StringDtype) else _cell_json  # a str's JSON, as json.dumps writes it
    return codes, np.array([*map(encode, uniques.tolist()), "null"], dtype=object)


def hash_columns() -> list[dict]:
    """The hashed columns in order, each with the headers a ledger may give it and its kind (for the record)."""
    return [{"column": f.name, "headers": list(f.headers()), "kind": f.kind} for f in LEDGER_FIELDS
            if f.name in HASH_COLUMNS]


def hash_normalisation(scheme: schemes.OutcomeScheme) -> dict:
    """Every normalisation behind the hashed values, stated as data (for the record, so the hash can be re-checked)."""
    choices = {f.name: {"allowed": list(f.allowed), "synonyms": dict(f.synonyms)}
               for f in LEDGER_FIELDS if f.kind == "choice"}
    return {
        "header": "a column is found by any of its headers in ledger_hash_columns, compared after full-width → "
                  "half-width, lower case, and removing spaces, '_', '*', ':', '：' and brackets",
        "blank": "an empty cell, or one of only spaces → null",
        "text": "surrounding spaces, U+3000 and a BOM removed; nothing else changed",
        "int": "a whole number (full-width digits folded, a trailing 件/名/个/人/项 dropped) → a JSON number; a blank "
               "年度 (year) takes the session's year from the configuration (session_years)",
        "bool": {"true": sorted(normalize.YES_WORDS), "false": sorted(normalize.NO_WORDS),
                 "compared": "after full-width → half-width and lower case"},
        "date": "2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 or an Excel serial number → \"2024-03-05\"",
        "session": "the canonical label, e.g. 第十八届…第三次会议 and 十八届三次 → 十八届人大三次会议",
        "congress": "a blank 报告机关 (congress) takes the configured congress",
        "outcome": {"scheme": scheme.name,
                    "labels": {label: c.code for c in scheme.classes for label in (c.code, *c.labels)},
                    "compared": "after full-width → half-width, lower case and removing spaces"},
        "choice": choices,
    }


def drawn_session(cases: pd.DataFrame, session: str | None = None) -> str:
    """The session a draw takes: ``session`` as its canonical label, or the latest session of the ledger when None."""
    return _session_label(pd.unique(cases["session"].dropna()).tolist(), session)


def _session_label(labels: list, session: str | None) -> str:
    """``session`` as its canonical label among the ledger's session ``labels``, or the latest of them when None."""
    available = sorted({str(s) for s in labels}, key=session_sort_key)
    if not available:
        raise DataError(_problem("台账中没有任何会次的建议", "the ledger holds no suggestions of any session",
                                 "session"))
    label = available[-1] if session is None else canonical_session(session)
    if session is not None and (label is None or label not in available):
        raise DataError(_problem(f"台账中没有会次「{session}」", f"the ledger has no session {session!r}", "session",
                                 session, "、".join(available)))
    return label


def _pick_session(cases: pd.DataFrame, session: str | None) -> tuple[str, np.ndarray]:
    """The session drawn from (``drawn_session``), and the rows holding exactly its label."""
    # one pass over the ledger gives both the sessions and each row's (a ledger may hold ten million rows)
    codes, distinct = pd.factorize(cases["session"])
    labels = distinct.tolist()
    label = _session_label(labels, session)
    # the rows whose cell equals the label (a cell that only prints as it, such as a number, is not one)
    return label, np.isin(codes, [i for i, value in enumerate(labels) if value == label])


def _smallest_keys(seed: int, ids: list[str], first: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``ids`` in order of their draw keys (``rank_key``), smallest first; by ``first`` before that.

    The keys are compared as the 32 bytes of the SHA-256 (as four big-endian 64-bit numbers), which orders them
    exactly as their hex text does, without a text per suggestion.
    """
    prefix, sha256 = f"{seed}:".encode("utf-8"), hashlib.sha256
    digests = b"".join([sha256(prefix + i.encode("utf-8")).digest() for i in ids])
    words = np.frombuffer(digests, dtype=">u8").reshape(len(ids), 4)
    keys = [words[:, 3], words[:, 2], words[:, 1], words[:, 0]]  # np.lexsort: the last key sorts first
    return np.lexsort(keys if first is None else [*keys, first])


def _check_ids(population: pd.DataFrame, session: str, text: pd.Series) -> None:
    """DataError for blank or repeated suggestion ids; ``text`` is the ids as text (``astype(str)``)."""
    problems = []
    ids = population["suggestion_id"]
    for index in population.index[ids.isna() | (text.str.strip() == "")]:
        problems.append(_row_problem(population, index, "建议编号为空，无法抽样", "blank suggestion id: cannot draw"))
    duplicated = population[ids.duplicated(keep=False) & ids.notna()]
    for index in duplicated.index:
        value = str(population.at[index, "suggestion_id"])
        problems.append(_row_problem(population, index, f"{session} 中建议编号重复，抽样需要唯一编号",
                                     f"suggestion id repeated in {session}; the draw needs unique ids", value))
    if problems:
        raise DataError(problems)


def _row_problem(frame: pd.DataFrame, index, message: str, message_en: str, value: str | None = None) -> Problem:
    file = str(frame.at[index, "source_file"]) if "source_file" in frame.columns else PARAMETERS
    row = int(frame.at[index, "source_row"]) if "source_row" in frame.columns else None
    return Problem(file=file, row=row, column=LEDGER_BY_NAME["suggestion_id"].zh, value=value,
                   message=f"{message} / {message_en}", message_en=message_en, code="duplicate_id")


def draw_sample(cases: pd.DataFrame, *, session: str | None = None, fraction: float | None = None,
                size: int | None = None, strata: str | None = DEFAULT_STRATA, seed: int,
                commitment: dict | None = None) -> SampleDraw:
    """Draw the recorded supervision sample of one session (default: the latest); see the module docstring.

    ``strata`` is "handler" (the default), "lead_unit", or None / "none" for a plain draw.
    ``commitment`` is the private half of ``commit_seed`` (seed fixed and published earlier):
    checked against the seed, then revealed in the record.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DataError(_problem("随机种子须为非负整数", "the seed must be a whole number ≥ 0", "seed", seed,
                                 "0, 1, 2, …"))
    if strata in (NO_STRATA, ""):
        strata = None
    if strata is not None and strata not in STRATA:
        raise DataError(_problem("分层只能按承办主体、主办单位或不分层", "strata must be handler, lead_unit or none",
                                 "strata", strata, ", ".join((*STRATA, NO_STRATA))))
    revealed = _check_commitment(commitment, seed) if commitment is not None else None
    missing = [c for c in ("suggestion_id", "session", "handler") if c not in cases.columns]
    if missing:
        raise DataError(_problem("台账缺少抽样所需的列", "the ledger lacks columns the draw needs", ", ".join(missing),
                                 allowed="、".join(LEDGER_BY_NAME[c].zh for c in missing)))
    label, in_session = _pick_session(cases, session)
    population = cases[in_session]
    text = population["suggestion_id"].astype(str)  # the ids as text, once: sorted, keyed and recorded as such
    _check_ids(population, label, text)
    by_id = np.argsort(text.to_numpy(dtype=object), kind="stable")  # by id, as text
    population = population.iloc[by_id]
    text = text.iloc[by_id]
    ids = text.tolist()
    total = sample_size(len(population), fraction=fraction, size=size)
    allocation = []
    if strata is None:
        positions = _smallest_keys(seed, ids)[:total]
    else:
        groups = population[strata].astype("string").fillna(BLANK_STRATUM).replace("", BLANK_STRATUM)
        codes, names = pd.factorize(groups)
        sizes = dict(zip(names.tolist(), np.bincount(codes, minlength=len(names)).tolist()))
        shares = allocate(dict(sorted(sizes.items())), total)
        rank = np.empty(len(names), dtype=np.intp)
        rank[sorted(range(len(names)), key=lambda i: names[i])] = np.arange(len(names))
        # every row in order of its stratum's name, then of its key: each stratum's smallest keys lead its block
        order = _smallest_keys(seed, ids, rank[codes])
        parts, start = [], 0
        for name in sorted(sizes):
            parts.append(order[start:start + shares[name]])
            start += sizes[name]
            allocation.append({"stratum": name, "population": sizes[name], "sample": shares[name]})
        positions = np.concatenate(parts)
    drawn = population.iloc[positions].assign(_id=text.iloc[positions].to_numpy())
    drawn_ids = sorted(drawn["_id"])
    rows = drawn.sort_values(["handler", "lead_unit", "_id"], key=lambda s: s.astype("string").fillna(""),
                             kind="mergesort")
    rows = rows.drop(columns=[c for c in ("_id", "_key", "_stratum") if c in rows.columns]).reset_index(drop=True)
    record = {
        "kind": "supervision_sample",
        "title": "联合督办随机抽样记录 / joint supervision random sample record",
        "session": label,
        "seed": seed,
        "parameters": {"session": session, "fraction": None if size is not None else
                       (DEFAULT_FRACTION if fraction is None else fraction),
                       "size": size, "strata": strata},
        "population_size": int(len(population)),
        "sample_size": int(total),
        "rounding": ROUNDING_ZH,
        "rounding_en": ROUNDING_EN,
        "method": METHOD_ZH,
        "method_en": METHOD_EN,
        "allocation": allocation,
        "drawn_ids": drawn_ids,
        "ledger_sha256": _ordered_sha256(_hashed_columns(population)),
        "ledger_hash_method": HASH_METHOD,
        "ledger_hash_method_zh": HASH_METHOD_ZH,
        "ledger_hash_columns": hash_columns(),
        "ledger_hash_normalisation": hash_normalisation(metrics._scheme(None, cases)),
        "source_files": [{"file": Path(str(p.get("file", ""))).name, "sha256": p.get("sha256"),
                          "is_sample": bool(p.get("is_sample"))}
                         for p in cases.attrs.get("provenance", []) if isinstance(p, dict)],
        "is_sample_data": metrics.provenance(cases)[1],
        "package": "suggestion-analytics",
        "package_version": __version__,
        "drawn_at": build_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if revealed is not None:
        record["seed_commitment"] = revealed
    return SampleDraw(rows=rows, record=record)


# ---------------------------------------------------------------------------------------
# The seed fixed before the draw: commit, then reveal
# ---------------------------------------------------------------------------------------

COMMITMENT_METHOD = ("commitment = sha256 of the UTF-8 text \"<seed>:<secret>\" (hex); the secret is 32 random hex "
                     "digits, kept private until the draw, whose record reveals it")


def commit_seed(seed: int, secret: str | None = None) -> tuple[dict, dict]:
    """Fix a seed before the draw: (public commitment to publish now, private part to keep for the draw)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DataError(_problem("随机种子须为非负整数", "the seed must be a whole number ≥ 0", "seed", seed,
                                 "0, 1, 2, …"))
    secret = secret or secrets.token_hex(16)
    public = {"kind": "seed_commitment", "commitment_sha256": _commitment(seed, secret),
              "committed_at": build_time().strftime("%Y-%m-%dT%H:%M:%SZ"), "method": COMMITMENT_METHOD}
    return public, {**public, "seed": seed, "secret": secret}


def _commitment(seed: int, secret: str) -> str:
    return hashlib.sha256(f"{seed}:{secret}".encode("utf-8")).hexdigest()


def _check_commitment(private: dict, seed: int) -> dict:
    """The commitment revealed for the record, once it is shown to fix this seed; DataError otherwise."""
    try:
        secret, committed = str(private["secret"]), str(private["commitment_sha256"])
    except (KeyError, TypeError):
        raise DataError(_problem("种子承诺文件缺少 secret 或 commitment_sha256", "the commitment lacks its secret or hash",
                                 "commitment")) from None
    if _commitment(seed, secret) != committed:
        raise DataError(_problem(f"随机种子 {seed} 与事先公布的承诺不符", f"the seed {seed} does not match the commitment",
                                 "seed", seed, "事先承诺的种子 / the committed seed"))
    return {"commitment_sha256": committed, "committed_at": private.get("committed_at"), "secret": secret,
            "method": COMMITMENT_METHOD}


# ---------------------------------------------------------------------------------------
# Output for the supervision team
# ---------------------------------------------------------------------------------------


def _header(name: str, lang: str) -> str:
    if name == "_no":
        return "序号" if lang == "zh" else "No."
    return LEDGER_BY_NAME[name].zh if lang == "zh" else name.replace("_", " ")


def sample_table(draw: SampleDraw, lang: str = "zh", *, include_names: bool = False) -> pd.DataFrame:
    """The list for the supervision team: numbered, display headers, no deputies' names unless asked."""
    columns = list(LIST_COLUMNS) + (list(NAME_COLUMNS) if include_names else [])
    rows = draw.rows
    table = pd.DataFrame({c: rows[c] if c in rows.columns else pd.Series([pd.NA] * len(rows)) for c in columns})
    table["outcome_class"] = table["outcome_class"].astype("string").map(
        lambda code: code if pd.isna(code) or lang == "en" else f"{code}类")
    # the ledger's words in the reader's language (units and titles are the ledger's own names)
    for column, label in (("handler", labels.handler_label), ("topic", labels.topic_label),
                          ("status", labels.handling_status_label), ("satisfaction", labels.satisfaction_label)):
        table[column] = table[column].map(lambda v, label=label: v if pd.isna(v) else label(v, lang))
    table.insert(0, "_no", range(1, len(table) + 1))
    notes = "督办意见" if lang == "zh" else "supervision notes"
    table[notes] = ""  # a column for the team to fill in on the visit
    return table.rename(columns={c: _header(c, lang) for c in table.columns if c != notes})


def _fraction_text(fraction: float | None, zh: bool) -> str:
    """A fraction as the page's sentence says it (10%), not as the record stores it (0.1); a percent in the workbook."""
    if fraction is None:
        return "未指定（按样本量）" if zh else "none (by size)"
    percent = f"{round(fraction * 100, 6):g}"
    decimals = len(percent.partition(".")[2])
    return labels.Shown(f"{percent}%", labels.Number(float(fraction), "percent", decimals))


def _allocation_text(record: dict, lang: str) -> str:
    """Each stratum's sample of its population, the stratum as the list names it (区政府 7/66; 'district government
    7/66' in English: a body by its English name, a unit as written)."""
    by_body = record["parameters"]["strata"] == "handler"
    parts = [f"{labels.handler_label(a['stratum'], lang) if by_body else a['stratum']} {a['sample']}/{a['population']}"
             for a in record["allocation"]]
    return ("；" if lang == "zh" else "; ").join(parts)


def _session_text(label: str, lang: str) -> str:
    session = parse_session(label)
    return session.label_en if lang != "zh" and session else str(label)


def record_table(record: dict, lang: str = "zh") -> pd.DataFrame:
    """The audit record as a two-column table (item, value) for the page and the Excel list."""
    zh = lang == "zh"
    params = record["parameters"]
    allocation = _allocation_text(record, lang)
    items = [
        ("会次" if zh else "session", _session_text(record["session"], lang)),
        ("随机种子" if zh else "seed", record["seed"]),
        ("抽样比例" if zh else "fraction", _fraction_text(params["fraction"], zh)),
        ("指定样本量" if zh else "size requested", params["size"] if params["size"] is not None
         else ("未指定（按比例）" if zh else "none (by fraction)")),
        ("分层" if zh else "strata", labels.column_label(params["strata"], lang) if params["strata"]
         else ("不分层" if zh else "none")),
        ("总体件数" if zh else "population", record["population_size"]),
        ("样本件数" if zh else "sample size", record["sample_size"]),
        ("样本量取整规则" if zh else "rounding", record["rounding"] if zh else record["rounding_en"]),
        ("分层分配（样本/总体）" if zh else "allocation (sample/population)", allocation),
        ("抽样方法" if zh else "method", record["method"] if zh else record["method_en"]),
        ("台账指纹 SHA-256" if zh else "ledger SHA-256", record["ledger_sha256"]),
        ("台账指纹计算方法" if zh else "how the ledger SHA-256 is computed",
         record["ledger_hash_method_zh"] if zh else record["ledger_hash_method"]),
        ("来源文件" if zh else "source files", ("；" if zh else "; ").join(
            f"{f['file']}（{f['sha256']}）" if zh else f"{f['file']} ({f['sha256']})" for f in record["source_files"])),
        ("抽中编号" if zh else "drawn ids", ("、" if zh else ", ").join(record["drawn_ids"])),
        ("抽样时间（UTC）" if zh else "drawn at (UTC)", record["drawn_at"]),
        ("软件版本" if zh else "package version", f"{record['package']} {record['package_version']}"),
    ]
    if record.get("seed_commitment"):
        promise = record["seed_commitment"]
        items.insert(2, ("种子承诺（事先公布）" if zh else "seed commitment (published before)",
                         f"{promise['commitment_sha256']}（{promise['committed_at']}；secret {promise['secret']}）" if zh
                         else f"{promise['commitment_sha256']} ({promise['committed_at']}; secret {promise['secret']})"))
    if record["is_sample_data"]:
        items.insert(0, ("数据性质" if zh else "data", "示例数据（生成，非真实台账）" if zh
                         else "sample data (generated, not a real ledger)"))
    key, value = ("项目", "内容") if zh else ("item", "value")
    # numbers (seed, sizes, fraction) stay numbers (the fraction a Shown 10% with 0.1 behind it), so the workbook
    # holds them as numbers
    shown = [v if v is None or isinstance(v, (int, float, labels.Shown)) and not isinstance(v, bool) else str(v)
             for _, v in items]
    return pd.DataFrame({key: [k for k, _ in items], value: pd.Series(shown, dtype=object)})


def file_stem(record: dict) -> str:
    """The name both output files share, e.g. supervision_sample_18-3_n14_seed7."""
    parsed = parse_session(record["session"])
    session = f"{parsed.term}-{parsed.number}" if parsed else "session"
    strata = f"_by-{record['parameters']['strata']}" if record["parameters"]["strata"] else ""
    return f"supervision_sample_{session}_n{record['sample_size']}{strata}_seed{record['seed']}"


def write_sample(draw: SampleDraw, folder: str | Path, lang: str = "zh", *, include_names: bool = False) -> dict[str, Path]:
    """Write the Excel list and the JSON audit record into ``folder`` (atomically); returns their paths."""
    folder = Path(folder)
    stem = file_stem(draw.record)
    sheets = {("抽样名单" if lang == "zh" else "sample"): sample_table(draw, lang, include_names=include_names),
              ("抽样记录" if lang == "zh" else "record"): record_table(draw.record, lang)}
    title = f"{draw.record['session']} 联合督办抽样名单" if lang == "zh" else "joint supervision sample"
    when = dt.datetime.strptime(draw.record["drawn_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    xlsx = write_atomic(folder / f"{stem}.xlsx", xlsx_bytes(sheets, lang=lang, when=when, title=title))
    text = json.dumps(draw.record, ensure_ascii=False, indent=2) + "\n"
    record = write_atomic(folder / f"{stem}.json", text.encode("utf-8"))
    return {"xlsx": xlsx, "json": record}


def render_summary(draw: SampleDraw, written: dict[str, Path] | None = None, lang: str = "zh") -> str:
    """A printable summary of a draw (zh / en)."""
    r = draw.record
    params = r["parameters"]
    zh = lang == "zh"
    if params["size"] is not None:
        how = f"指定 {r['sample_size']} 件" if zh else f"size {r['sample_size']} as given"
    else:
        fraction = Decimal(str(params["fraction"]))
        exact = f"{(fraction * 100).normalize():f}% × {r['population_size']} = {(fraction * r['population_size']).normalize():f}"
        if (fraction * r["population_size"]).quantize(Decimal(1), rounding=ROUND_HALF_UP) == 0:
            how = f"{exact}，不足 1 件，按 1 件抽取" if zh else f"{exact}, below one, so 1"
        else:
            how = (f"{exact}，四舍五入为 {r['sample_size']}" if zh
                   else f"{exact}, rounded half up to {r['sample_size']}")
    lines = [
        f"联合督办随机抽样：{r['session']}" if zh else f"Joint supervision random sample: {_session_text(r['session'], lang)}",
        (f"  总体 {r['population_size']} 件，抽取 {r['sample_size']} 件（{how}）" if zh
         else f"  population {r['population_size']}, drawn {r['sample_size']} ({how})"),
    ]
    if r["allocation"]:
        by = labels.column_label(params["strata"], "zh"), labels.column_label(params["strata"], "en")
        parts = _allocation_text(r, lang)
        lines.append(f"  按{by[0]}分层，按比例分配（最大余数法）：{parts}" if zh
                     else f"  stratified by {by[1]}, proportional (largest remainder): {parts}")
    lines += [
        f"  随机种子 {r['seed']}；台账指纹 SHA-256 {r['ledger_sha256'][:16]}…" if zh
        else f"  seed {r['seed']}; ledger SHA-256 {r['ledger_sha256'][:16]}…",
        ("  抽中编号：" if zh else "  drawn ids: ") + ("、" if zh else ", ").join(r["drawn_ids"]),
    ]
    for kind, path in (written or {}).items():
        name = {"xlsx": ("名单", "list"), "json": ("抽样记录", "record")}.get(kind, (kind, kind))
        lines.append(f"  {name[0] if zh else name[1]}：{path}" if zh else f"  {name[1]}: {path}")
    if r["is_sample_data"]:
        lines.append("  注意：所用台账为示例数据（生成，非真实台账）。" if zh
                     else "  Note: the ledger is sample data (generated, not a real ledger).")
    return "\n".join(lines)


def sample_command(*, data=None, session: str | None = None, fraction: float | None = None,
                   size: int | None = None, strata: str | None = None, seed: int, out=None,
                   lang: str = "zh", include_names: bool = False, config: dict | None = None,
                   commitment=None, sheet: str | None = None, scheme: str | None = None) -> str:
    """Load the ledger(s), draw, write the list and record; return the printable summary (CLI ``sample``).

    ``session`` is the session drawn from, and the session of a ledger that names none;
    ``strata`` None takes config ``supervision_sample.strata`` (default by handling body);
    ``commitment`` is the path of a private commitment file written by ``commit_command``;
    ``sheet`` names the workbook sheet to read (default: the active, visible one) and ``scheme``
    the outcome scheme of the ledgers (default: the configured one).
    """
    from .config import load_config
    from .load import load_cases

    config = config or load_config()
    files = list(data) if data else [paths.SAMPLE_LEDGER]
    cases = load_cases(files, config=config, sheet=sheet, session=session, scheme=scheme)
    if fraction is None and size is None:
        fraction = configured_fraction(config)
    if strata is None:
        strata = configured_strata(config)
    private = _read_commitment(commitment) if commitment else None
    draw = draw_sample(cases, session=session, fraction=fraction, size=size, strata=strata, seed=seed,
                       commitment=private)
    folder = Path(out) if out else paths.output_folders()["tables"]
    written = write_sample(draw, folder, lang, include_names=include_names)
    return render_summary(draw, written, lang)


def _read_commitment(path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(Problem(file=str(path), message=f"无法读取种子承诺文件 / cannot read the commitment ({exc})",
                                message_en=f"cannot read the commitment ({exc})", code="invalid_parameter")) from None


def commit_command(*, seed: int, out=None, lang: str = "zh") -> str:
    """Fix a seed before the draw: write the public commitment (to publish) and the private file (to keep)."""
    public, private = commit_seed(seed)
    folder = Path(out) if out else paths.output_folders()["tables"]
    stem = f"seed_commitment_{public['commitment_sha256'][:12]}"
    shown = write_atomic(folder / f"{stem}.json", (json.dumps(public, ensure_ascii=False, indent=2) + "\n").encode())
    kept = write_atomic(folder / f"{stem}.private.json",
                        (json.dumps(private, ensure_ascii=False, indent=2) + "\n").encode())
    if lang == "en":
        return (f"Seed commitment {public['commitment_sha256']}\n  publish: {shown}\n  keep private until the "
                f"draw, then pass it with --commitment: {kept}")
    return (f"随机种子承诺 {public['commitment_sha256']}\n  公布：{shown}\n  保密保存，抽样时以 --commitment 传入：{kept}")
