"""A synthetic ledger (台账) of any size, for the scale benchmark: deterministic, vectorised, never committed.

The bundled sample has 466 rows; researchers load province-sized ledgers. This makes a ledger
with the bundled sample's columns and value shapes (A类/B类/C类, 是/否, ISO dates, 、-joined
names) over many sessions, handling bodies and lead units, in a few seconds for a million
rows. Every value is drawn with numpy's PCG64 from one seed, so the same seed and size give
the same bytes (the file's SHA-256 is reported with each benchmark run).

Names of deputies are fictitious by construction (surname + 某 + two heavenly stems), as in
the sample ledger. The ``数据来源`` column says the rows are synthetic.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from analysis import schema
from analysis.sessions import int_to_chinese

DEFAULT_SEED = 20240715
DEFAULT_ROWS = 1_000_000
DATA_SOURCE_TEXT = "合成数据（基准测试用，非真实台账）"
CONGRESS = "某区人大常委会"
# Sessions, one a year, five a term, counted back from the latest: by default 13 (十六届一次 2012 … 十八届三次 2024).
LAST_SESSION = (18, 3, 2024)  # (term, number, year)
SESSIONS_PER_TERM = 5
DEFAULT_SESSIONS = 13
# Rows are drawn and written this many at a time, each chunk from its own random stream (so ten
# million rows need the memory of half a million, and the same seed and size give the same bytes).
CHUNK_ROWS = 500_000
BYTES_PER_ROW_AT_MOST = 400  # a row is about 350 bytes of UTF-8: beyond the loader's limit, a file per session
# Handling bodies and their share of suggestions; the two configured ones come first.
HANDLERS = {"区政府": 0.70, "国际港务区": 0.15, "高新区管委会": 0.08, "区法院": 0.04, "区检察院": 0.03}
CLASS_SHARES = {  # outcome classes by body: the port zone's and the new zone's are worse
    "区政府": (0.58, 0.32, 0.10), "国际港务区": (0.45, 0.35, 0.20), "高新区管委会": (0.50, 0.33, 0.17),
    "区法院": (0.62, 0.18, 0.20), "区检察院": (0.64, 0.16, 0.20),
}
TOPIC_SHARES = {"城建环保": 0.34, "社会建设": 0.20, "教科文卫": 0.18, "农业农村": 0.12, "财政经济": 0.10,
                "政治法律": 0.06}
BUREAUS = ("城管局", "住建局", "交通局", "生态环境分局", "水务局", "教育局", "文旅体育局", "卫健局", "发改委",
           "财政局", "商务局", "市场监管局", "农业农村局", "民政局", "人社局", "医保局", "司法局", "公安分局",
           "信访局", "自然资源局", "应急管理局", "统计局", "审计局", "科技局", "工信局", "退役军人事务局",
           "林业局", "园林局", "房管局", "数据局")
STREET_SYLLABLES = "席狄洪灞新纺红枣十浐白鹿汉长安曲江桃园雁塔丈八鱼化"
PLACES = ("辖区", "城乡结合部", "老城片区", "新建小区", "安置社区", "产业园", "村组", "学校周边", "主干道沿线")
TITLE_TEMPLATES = ("关于加快{}雨污管网改造的建议", "关于改善{}道路通行条件的建议", "关于完善{}便民服务设施的建议",
                   "关于新建{}公办幼儿园的建议", "关于提升{}养老服务水平的建议", "关于加强{}治安防控的建议",
                   "关于扶持{}特色产业发展的建议", "关于增加{}全民健身场地的建议", "关于加强{}物业管理的建议",
                   "关于治理{}扬尘污染的建议", "关于完善{}停车设施的建议", "关于优化{}营商环境的建议")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
STEMS = "甲乙丙丁戊己庚辛壬癸"
DELEGATIONS = 60
COSIGNER_POOL = 20_000  # distinct co-signer lists drawn once and reused


@dataclass(frozen=True)
class SyntheticLedger:
    """A written synthetic ledger: its files (one, or one per session), its size and its checksum."""

    files: tuple[Path, ...]
    rows: int
    sessions: tuple[str, ...]
    handlers: tuple[str, ...]
    lead_units: int
    seed: int
    bytes: int
    sha256: str  # of the files' bytes in order

    @property
    def path(self) -> Path:
        """The ledger's file, when it is one."""
        if len(self.files) != 1:
            raise ValueError(f"the ledger is {len(self.files)} files, one per session")
        return self.files[0]


def _sessions(count: int) -> list[tuple[int, int, int]]:
    """(term, number, year) of ``count`` sessions, one a year and five a term, the last 十八届三次 (2024); oldest first."""
    if count < 1:
        raise ValueError(f"sessions must be at least 1, not {count}")
    found, (term, number, year) = [], LAST_SESSION
    for _ in range(count):
        found.append((term, number, year))
        term, number, year = (term, number - 1, year - 1) if number > 1 else (term - 1, SESSIONS_PER_TERM, year - 1)
    return found[::-1]


def session_labels(count: int = DEFAULT_SESSIONS) -> list[tuple[str, int]]:
    """(label, year) of every synthetic session, oldest first."""
    return [(f"{int_to_chinese(t)}届人大{int_to_chinese(n)}次会议", year) for t, n, year in _sessions(count)]


def lead_units() -> dict[str, list[str]]:
    """The lead units (主办单位) of each body: the government's bureaus and streets, each zone's offices."""
    streets = [f"{a}{b}街道" for a, b in zip(STREET_SYLLABLES[::2], STREET_SYLLABLES[1::2])]
    return {
        "区政府": [f"区{b}" for b in BUREAUS] + streets,
        "国际港务区": [f"国际港务区{b}" for b in BUREAUS[:12]],
        "高新区管委会": [f"高新区{b}" for b in BUREAUS[:10]],
        "区法院": ["区法院", "区法院立案庭", "区法院执行局"],
        "区检察院": ["区检察院", "区检察院公益诉讼部"],
    }


def _pick(rng: np.random.Generator, values, n: int, shares=None) -> np.ndarray:
    """``n`` draws from ``values`` (an object array), with ``shares`` as probabilities when given."""
    values = np.asarray(values, dtype=object)
    p = None if shares is None else np.asarray(shares, dtype=float) / float(np.sum(shares))
    return values[rng.choice(len(values), size=n, p=p)]


def _yes_no(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "是", "否").astype(object)


def _dates(days: np.ndarray) -> np.ndarray:
    """ISO date strings of day numbers since 1970-01-01 (NaT-free input)."""
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)


def _add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Day numbers ``months`` calendar months after ``days`` (the day clipped to the month's length)."""
    d = days.astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day_of_month = (d - month_start.astype("datetime64[D]")).astype(int)
    target = month_start + months.astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(int)
    return (target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)).astype(np.int64)


def ledger_chunks(rows: int = DEFAULT_ROWS, *, seed: int = DEFAULT_SEED,
                  sessions: int = DEFAULT_SESSIONS) -> Iterator[pd.DataFrame]:
    """A synthetic ledger as frames of text cells with the sample ledger's Chinese headers, ``CHUNK_ROWS`` rows each."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    plan = _sessions(sessions)
    rng = np.random.default_rng(seed)
    # Later sessions receive a little more (shares rise linearly), like a growing district.
    weights = np.linspace(1.0, 1.6, len(plan))
    per_session = rng.multinomial(rows, weights / weights.sum())
    session_of_row = np.repeat(np.arange(len(plan), dtype=np.int16), per_session)
    first_row = np.concatenate(([0], np.cumsum(per_session)[:-1]))
    names = [f"{s}某{a}{b}" for s in SURNAMES for a in STEMS for b in STEMS]
    counts = rng.choice(5, size=COSIGNER_POOL, p=[0.35, 0.20, 0.20, 0.15, 0.10])
    pool = np.array(["、".join(_pick(rng, names, int(k))) for k in counts], dtype=object)
    for number, begin in enumerate(range(0, rows, CHUNK_ROWS)):
        index = session_of_row[begin:begin + CHUNK_ROWS]
        within = np.arange(begin, begin + len(index)) - first_row[index] + 1  # 1-based within the session
        yield _chunk(np.random.default_rng([seed, number]), plan, index, within, names, pool)


def ledger_frame(rows: int = DEFAULT_ROWS, *, seed: int = DEFAULT_SEED, sessions: int = DEFAULT_SESSIONS) -> pd.DataFrame:
    """The whole synthetic ledger as one frame (for small sizes: ``write_ledger`` writes chunk by chunk)."""
    return pd.concat(list(ledger_chunks(rows, seed=seed, sessions=sessions)), ignore_index=True)


def _chunk(rng: np.random.Generator, plan: list[tuple[int, int, int]], session_index: np.ndarray,
           within: np.ndarray, names: list[str], pool: np.ndarray) -> pd.DataFrame:
    """Rows of the sessions ``session_index`` (into ``plan``), numbered ``within`` their session."""
    rows = len(session_index)
    session = np.array([label for label, _ in session_labels(len(plan))], dtype=object)[session_index]
    year = np.array([y for _, _, y in plan])[session_index]
    prefixes = np.array([f"S{t}-{n}-" for t, n, _ in plan], dtype=object)
    ids = prefixes[session_index] + pd.Series(within).map("{:07d}".format).to_numpy()

    handler = _pick(rng, list(HANDLERS), rows, list(HANDLERS.values()))
    units = lead_units()
    lead_unit = np.empty(rows, dtype=object)
    co_units = np.full(rows, "", dtype=object)
    for body, names in units.items():
        where = np.flatnonzero(handler == body)
        lead_unit[where] = _pick(rng, names, len(where))
        helped = where[rng.random(len(where)) < 0.35]
        if len(names) > 1:
            other = _pick(rng, names, len(helped))
            co_units[helped] = np.where(other != lead_unit[helped], other, "")
    topic = _pick(rng, list(TOPIC_SHARES), rows, list(TOPIC_SHARES.values()))
    titles = [t.format(p) for t in TITLE_TEMPLATES for p in PLACES]
    title = _pick(rng, titles, rows)

    lead = _pick(rng, names, rows)
    cosigners = pool[rng.integers(0, COSIGNER_POOL, size=rows)]
    delegation = np.array([f"第{int_to_chinese(k)}代表团" for k in range(1, DELEGATIONS + 1)],
                          dtype=object)[rng.integers(0, DELEGATIONS, size=rows)]

    after = rng.random(rows) < 0.012
    close = (pd.to_datetime(pd.Series(year).astype(str) + "-01-25").to_numpy().astype("datetime64[D]")
             .astype(np.int64))
    assigned = close + np.where(after, rng.integers(60, 241, size=rows), np.where(rng.random(rows) < 0.8, 21, 35))
    shares = np.array([CLASS_SHARES[h] for h in HANDLERS])
    handler_index = pd.Series(handler).map({h: i for i, h in enumerate(HANDLERS)}).to_numpy()
    cumulative = shares.cumsum(axis=1)[handler_index]
    code = np.array(["A", "B", "C"])[(rng.random(rows)[:, None] > cumulative[:, :2]).sum(axis=1)]
    complex_case = rng.random(rows) < np.where(code == "B", 0.15, 0.05)
    due = _add_months(assigned, np.where(complex_case, 6, 3))
    allowed = due - assigned
    late = rng.random(rows) < np.where(handler == "区政府", 0.05, 0.12)
    reply = np.where(late, due + rng.integers(3, 61, size=rows),
                     assigned + np.round(rng.triangular(0.15, 0.6, 1.0, size=rows) * allowed).astype(np.int64))
    # The latest session is still being handled in part: no reply, no class, no rating yet.
    open_case = (session_index == len(plan) - 1) & (rng.random(rows) < 0.06)
    status = np.where(open_case, "办理中", np.where((code == "B") & (rng.random(rows) < 0.30), "续办", "已办结"))
    satisfied = np.array([[0.92, 0.99], [0.78, 0.97], [0.55, 0.88]])[np.searchsorted(["A", "B", "C"], code)]
    draw = rng.random(rows)
    satisfaction = np.where(draw < satisfied[:, 0], "满意", np.where(draw < satisfied[:, 1], "基本满意", "不满意"))
    key = rng.random(rows) < 0.05 + 0.05 * complex_case + 0.03 * (code != "A")
    met = rng.random(rows) < np.where(handler == "区政府", 0.88, 0.75)
    redo = (satisfaction == "不满意") & (rng.random(rows) < 0.5)

    blank = np.full(rows, "", dtype=object)
    columns = {
        "suggestion_id": ids, "congress": np.full(rows, CONGRESS, dtype=object), "session": session,
        "year": year.astype(str).astype(object), "after_meeting": _yes_no(after), "title": title,
        "lead_deputy": lead, "cosigners": cosigners, "delegation": delegation, "topic": topic,
        "handler": handler, "lead_unit": lead_unit, "co_units": co_units,
        "assigned_date": _dates(assigned), "due_date": _dates(due),
        "reply_date": np.where(open_case, "", _dates(reply)).astype(object),
        "complex_case": _yes_no(complex_case),
        "outcome_class": np.where(open_case, "", np.char.add(code.astype(str), "类")).astype(object),
        "status": status.astype(object),
        "satisfaction": np.where(open_case, "", satisfaction).astype(object),
        "satisfaction_result": blank, "key_supervision": _yes_no(key), "met_deputy": _yes_no(met),
        "redo": _yes_no(redo), "note": np.where(after, "闭会期间提出", "").astype(object),
        "data_source": np.full(rows, DATA_SOURCE_TEXT, dtype=object),
    }
    headers = {f.name: f.zh for f in schema.LEDGER_FIELDS}
    return pd.DataFrame({headers[name]: values for name, values in columns.items()})


def write_ledger(folder: str | Path, rows: int = DEFAULT_ROWS, *, seed: int = DEFAULT_SEED,
                 sessions: int = DEFAULT_SESSIONS) -> SyntheticLedger:
    """Write a synthetic ledger of ``rows`` suggestions as UTF-8 CSV (with BOM, as Excel saves it) into ``folder``.

    One file; or, when that would pass the loader's size limit (``sources.MAX_FILE_BYTES``, 2 GiB:
    about six million rows), one file per session, as the loader's message asks a user to split it.
    """
    from analysis import sources

    stem = Path(folder) / f"synthetic_ledger_{rows}_{sessions}s"
    stem.parent.mkdir(parents=True, exist_ok=True)
    per_session = rows * BYTES_PER_ROW_AT_MOST > sources.MAX_FILE_BYTES
    header = {name: f.zh for name, f in schema.LEDGER_BY_NAME.items()}
    streams: dict[str, object] = {}
    labels, handlers, units = {}, {}, set()
    try:
        for frame in ledger_chunks(rows, seed=seed, sessions=sessions):
            groups = frame.groupby(header["session"], sort=False) if per_session else [("", frame)]
            for label, part in groups:
                if label not in streams:  # a new file: the BOM and the header once, at its start
                    name = f"{stem.name}_{label}.csv" if per_session else f"{stem.name}.csv"
                    streams[label] = open(stem.parent / name, "w", encoding="utf-8-sig", newline="")
                    part.to_csv(streams[label], index=False, lineterminator="\n")
                else:
                    part.to_csv(streams[label], index=False, header=False, lineterminator="\n")
            labels.update(dict.fromkeys(frame[header["session"]]))
            handlers.update(dict.fromkeys(frame[header["handler"]]))
            units.update(frame[header["lead_unit"]].unique())
    finally:
        for stream in streams.values():
            stream.close()
    files = tuple(Path(stream.name) for stream in streams.values())
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return SyntheticLedger(files=files, rows=rows, sessions=tuple(labels), handlers=tuple(handlers), lead_units=len(units),
                           seed=seed, bytes=sum(path.stat().st_size for path in files), sha256=digest.hexdigest())
