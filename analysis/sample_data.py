"""The bundled sample ledger: a deterministic, plausible 台账 that agrees with the source.

Real case-level ledgers are not public, so the package ships one generated here (by
``scripts/make_sample_ledger.py``). It has one row per suggestion for the sessions of the
source document, and reproduces exactly every count the source prints or the
reconciliation derives from it (received, after-meeting, handled per body, outcome classes
where known) — taken from ``analysis.reconcile``'s output, never copied into this file.
Everything else (the classes the source leaves open, topics, units, titles, deputies,
dates, status, satisfaction, key supervision, meetings) is invented from the distributions
declared below and documented as invented in the provenance file beside the CSV.

Determinism: all randomness comes from ``random.Random(seed).random()``, the one draw
Python promises to keep stable across versions (its ``choice``/``sample``/``gauss`` may
change), so the same seed gives a byte-identical file on any platform.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import __version__, paths
from .config import load_config
from .errors import ConfigError, DataError, Problem
from .files import write_atomic
from .schema import LEDGER_FIELDS, SAMPLE_DATA_MARK
from .schemes import load_scheme
from .sessions import parse_session, session_sort_key, split_total

DEFAULT_SEED = 20240715  # the month the source's joint supervision drew its 10% sample
SAMPLE_SCHEME = "abc"  # the source document's three classes
DATA_SOURCE_TEXT = f"{SAMPLE_DATA_MARK}（生成，非真实台账）"
LEDGER_MEASURES = ("received", "received_after_meeting", "handled", "outcome")
KNOWN_STATUSES = ("printed", "derived")

# ---------------------------------------------------------------------------------------
# Invented parameters (documented in the provenance file). Each is a plausible guess, not
# a fact: the source prints none of them.
# ---------------------------------------------------------------------------------------

# Outcome-class shares for classes the source leaves open. 区政府's are near its printed
# sessions (A 67%/52%, B 25%/38%, C 9%/10%); the port zone's are worse, as the source says
# its suggestions are hard to supervise.
INVENTED_CLASS_SHARES = {
    "区政府": {"A": 0.58, "B": 0.32, "C": 0.10},
    "国际港务区": {"A": 0.45, "B": 0.35, "C": 0.20},
}
# Share of a session's suggestions raised after the meeting (session one: 1 of 159).
AFTER_MEETING_SHARE = 0.012
TOPIC_SHARES = {"城建环保": 0.34, "社会建设": 0.20, "教科文卫": 0.18, "农业农村": 0.12,
                "财政经济": 0.10, "政治法律": 0.06}
# Lead units per body and topic, with relative weights. 区政府's include every unit the
# source names (区文旅体育局 … 狄寨街道); the others are plausible district bureaus. The port
# zone handles its suggestions through its own departments.
UNITS = {
    "区政府": {
        "城建环保": {"区城管局": 4, "区住建局": 4, "区交通局": 3, "区生态环境分局": 2, "区水务局": 1},
        "教科文卫": {"区教育局": 4, "区文旅体育局": 3, "区卫健局": 3},
        "财政经济": {"区发改委": 3, "区财政局": 2, "区商务局": 2, "区市场监管局": 2},
        "农业农村": {"区农业农村局": 4, "区水务局": 2, "狄寨街道": 2, "席王街道": 1},
        "社会建设": {"区民政局": 3, "区人社局": 3, "区医保局": 3, "席王街道": 2, "狄寨街道": 2},
        "政治法律": {"区司法局": 3, "区公安分局": 3, "区信访局": 1},
    },
    "国际港务区": {
        "城建环保": {"国际港务区规划建设局": 4, "国际港务区城市管理局": 3, "国际港务区生态环境局": 1},
        "教科文卫": {"国际港务区教育卫体局": 1},
        "财政经济": {"国际港务区经济发展局": 2, "国际港务区财政局": 1},
        "农业农村": {"国际港务区农业农村办": 1},
        "社会建设": {"国际港务区社会事业局": 3, "国际港务区城市管理局": 1},
        "政治法律": {"国际港务区综合执法局": 1},
    },
}
CO_UNIT_CHANCE = 0.35  # a suggestion with one or two assisting units
TITLE_TEMPLATES = {
    "城建环保": ("关于加快{place}雨污管网改造的建议", "关于改善{place}道路通行条件的建议",
             "关于加强{place}垃圾分类收运的建议", "关于增设{place}公交线路和站点的建议",
             "关于推进{place}老旧小区改造的建议", "关于治理{place}扬尘污染的建议",
             "关于完善{place}停车设施的建议", "关于加快{place}背街小巷提升的建议"),
    "教科文卫": ("关于新建{place}公办幼儿园的建议", "关于加强{place}中小学师资配备的建议",
             "关于完善{place}社区卫生服务站的建议", "关于增加{place}全民健身场地的建议",
             "关于保护利用{place}历史文化资源的建议", "关于缓解{place}学校周边交通拥堵的建议"),
    "财政经济": ("关于支持{place}小微企业发展的建议", "关于优化{place}营商环境的建议",
             "关于规范{place}农贸市场管理的建议", "关于发展{place}夜间经济的建议",
             "关于加大{place}招商引资力度的建议"),
    "农业农村": ("关于完善{place}农田水利设施的建议", "关于推进{place}人居环境整治的建议",
             "关于扶持{place}特色农业产业的建议", "关于加强{place}农村道路养护的建议",
             "关于解决{place}群众饮水安全问题的建议"),
    "社会建设": ("关于提升{place}养老服务水平的建议", "关于加强{place}社区治理的建议",
             "关于做好{place}困难群众救助的建议", "关于扩大{place}灵活就业人员医保参保的建议",
             "关于完善{place}便民服务设施的建议", "关于加强{place}物业管理的建议"),
    "政治法律": ("关于加强{place}治安防控的建议", "关于推进{place}矛盾纠纷多元化解的建议",
             "关于加强{place}法治宣传教育的建议", "关于规范{place}电动自行车管理的建议"),
}
PLACES = {
    "区政府": ("辖区", "席王街道", "狄寨街道", "城乡结合部", "塬区各村", "老城片区", "新建小区"),
    "国际港务区": ("港务区", "港务区安置社区", "港务区产业园", "港务区新建小区", "港务区村组"),
}
# Deputies are personal data in a real ledger: these names are fictitious by construction
# (surname + 某 + a heavenly stem), so none can be mistaken for a real person.
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "甲乙丙丁戊己庚辛壬癸"
DEPUTIES = 160
DELEGATIONS = tuple(f"第{n}代表团" for n in "一二三四五六七八九十")
COSIGNER_COUNTS = {0: 0.35, 1: 0.20, 2: 0.20, 3: 0.15, 4: 0.10}
# Assignment: most suggestions in one batch three weeks after the session closes, the rest
# a fortnight later; after-meeting ones when raised, two to eight months after the close.
ASSIGN_BATCH_DAYS = {21: 0.8, 35: 0.2}
AFTER_MEETING_DAYS = (60, 240)
COMPLEX_CHANCE = {"A": 0.05, "B": 0.15, "C": 0.05}  # wide-ranging or hard: 6 months to reply
LATE_CHANCE = {"区政府": 0.05, "国际港务区": 0.12}  # replies after the legal deadline
CONTINUED_CHANCE = {"A": 0.0, "B": 0.30, "C": 0.0}  # B (planned) often stays open as 续办
SATISFACTION = {  # per class: 满意 / 基本满意 / 不满意
    "A": {"满意": 0.92, "基本满意": 0.07, "不满意": 0.01},
    "B": {"满意": 0.78, "基本满意": 0.19, "不满意": 0.03},
    "C": {"满意": 0.55, "基本满意": 0.33, "不满意": 0.12},
}
PORT_ZONE_SATISFIED_FACTOR = 0.85  # the port zone's 满意 share is lower; the rest moves down
KEY_SUPERVISION_CHANCE = 0.05  # plus 0.05 for complex cases and 0.03 for classes other than A
MET_DEPUTY_CHANCE = {"区政府": 0.88, "国际港务区": 0.75}
REDO_CHANCE_WHEN_UNSATISFIED = 0.5


class _Dice:
    """Random draws built only on ``random.Random.random()``, which is stable across Pythons."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def uniform(self) -> float:
        return self._random.random()

    def chance(self, probability: float) -> bool:
        return self.uniform() < probability

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        span = high - low + 1
        return low + min(int(self.uniform() * span), span - 1)

    def pick(self, weights: dict):
        """A key of ``weights``, with probability proportional to its weight."""
        total = sum(weights.values())
        point = self.uniform() * total
        running = 0.0
        for key, weight in weights.items():
            running += weight
            if point < running:
                return key
        return key  # rounding at the very top end

    def shuffle(self, items: list) -> list:
        """A shuffled copy (Fisher–Yates)."""
        items = list(items)
        for i in range(len(items) - 1, 0, -1):
            j = self.integer(0, i)
            items[i], items[j] = items[j], items[i]
        return items

    def triangular(self, low: float, mode: float, high: float) -> float:
        """A draw from the triangular distribution (inverse of its CDF)."""
        u = self.uniform()
        cut = (mode - low) / (high - low)
        if u < cut:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))


# ---------------------------------------------------------------------------------------
# Targets: what the source fixes, read from the reconciliation
# ---------------------------------------------------------------------------------------


@dataclass
class SessionTarget:
    """What one session's rows must add up to; None where the source leaves it open."""

    session: str
    received: int | None = None
    after_meeting: int | None = None
    handled: dict[str, int | None] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int | None]] = field(default_factory=dict)  # handler → class → n


def _count(value: object) -> int | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    if not number.is_integer():
        raise DataError(f"a count in the reconciliation is not a whole number: {value!r}")
    return int(number)


def targets_from_figures(figures: pd.DataFrame, handlers: list[str], class_codes: tuple[str, ...]) -> list[SessionTarget]:
    """Per-session targets from a reconciliation's ``figures`` (printed or derived counts only)."""
    known = figures[figures["status"].isin(KNOWN_STATUSES) & figures["measure"].isin(LEDGER_MEASURES)]
    single = known[~known["session"].astype(str).str.contains("+", regex=False)]
    labels = sorted(set(single["session"].astype(str)), key=session_sort_key)
    targets = []
    for label in labels:
        rows = single[single["session"] == label]
        target = SessionTarget(label, handled={h: None for h in handlers},
                               outcomes={h: {c: None for c in class_codes} for h in handlers})
        for row in rows.itertuples(index=False):
            handler = str(row.handler or "")
            count = _count(row.count)
            if handler and handler not in handlers:
                raise ConfigError(f"the published figures name a handling body {handler!r} that the "
                                  f"configuration does not list (handlers: {', '.join(handlers)})")
            if row.measure == "received" and not handler:
                target.received = count
            elif row.measure == "received_after_meeting" and not handler:
                target.after_meeting = count
            elif row.measure == "handled" and handler:
                target.handled[handler] = count
            elif row.measure == "outcome" and handler:
                category = str(row.category)
                if category not in class_codes:
                    raise ConfigError(f"outcome class {category!r} of {label} is not in the "
                                      f"{SAMPLE_SCHEME} scheme ({', '.join(class_codes)})")
                target.outcomes[handler][category] = count
        targets.append(target)
    return targets


def source_figures() -> pd.DataFrame:
    """The reconciliation's figures for the source document's published-figures file."""
    from .reconcile import reconcile_files  # the one place printed and derived counts come from

    return reconcile_files([paths.SOURCE_FIGURES]).figures


# ---------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _multinomial(dice: _Dice, n: int, shares: dict[str, float]) -> dict[str, int]:
    counts = {key: 0 for key in shares}
    for _ in range(n):
        counts[dice.pick(shares)] += 1
    return counts


def _settle_session(target: SessionTarget, dice: _Dice, handlers: list[str], codes: tuple[str, ...]) -> dict:
    """Exact counts for a session: the target's known ones, invented draws for the rest."""
    problems = []
    handled = {}
    for handler in handlers:
        count = target.handled.get(handler)
        if count is None:
            problems.append(f"{target.session}: the count handled by {handler} is neither printed nor "
                            "derivable, so the sample cannot be made to agree with the source")
        handled[handler] = count
    if problems:
        raise DataError([Problem(file=str(paths.SOURCE_FIGURES), message=m) for m in problems])
    received = sum(handled.values())
    if target.received is not None and target.received != received:
        raise DataError(Problem(
            file=str(paths.SOURCE_FIGURES),
            message=(f"{target.session}: received {target.received} ≠ the sum handled by the bodies "
                     f"({received}); a one-body-per-suggestion sample cannot agree with both")))
    invented: dict[str, object] = {}
    after = target.after_meeting
    if after is None:
        after = sum(dice.chance(AFTER_MEETING_SHARE) for _ in range(received))
        invented["after_meeting"] = after
    outcomes: dict[str, dict[str, int]] = {}
    for handler in handlers:
        known = {c: n for c, n in target.outcomes.get(handler, {}).items() if n is not None}
        open_codes = [c for c in codes if c not in known]
        rest = handled[handler] - sum(known.values())
        if rest < 0 or (not open_codes and rest != 0):
            raise DataError(Problem(
                file=str(paths.SOURCE_FIGURES),
                message=(f"{target.session} {handler}: the known outcome classes {known} do not fit "
                         f"the {handled[handler]} handled")))
        shares = {c: INVENTED_CLASS_SHARES[handler][c] for c in open_codes}
        drawn = _multinomial(dice, rest, shares) if open_codes else {}
        if drawn:
            invented[f"outcome:{handler}"] = drawn
        outcomes[handler] = {c: known.get(c, drawn.get(c, 0)) for c in codes}
    return {"received": received, "after_meeting": after, "handled": handled,
            "outcomes": outcomes, "invented": invented}


def _deputies(dice: _Dice) -> list[dict]:
    names = [s + "某" + g for s in SURNAMES for g in GIVEN]
    chosen = dice.shuffle(names)[:DEPUTIES]
    return [{"name": name, "delegation": DELEGATIONS[i % len(DELEGATIONS)],
             # how active a deputy is: exponential weights give a few prolific ones
             "weight": -math.log(1.0 - dice.uniform())}
            for i, name in enumerate(sorted(chosen))]


def _satisfaction(dice: _Dice, handler: str, code: str, port_zone: str) -> str:
    shares = dict(SATISFACTION[code])
    if handler == port_zone:
        moved = shares["满意"] * (1 - PORT_ZONE_SATISFIED_FACTOR)
        shares["满意"] -= moved
        shares["基本满意"] += moved * 0.7
        shares["不满意"] += moved * 0.3
    return dice.pick(shares)


def _row(dice: _Dice, *, session: str, year: int, congress: str, number: int, handler: str,
         code: str, after_meeting: bool, close_date: dt.date, deputies: list[dict], port_zone: str) -> dict:
    parsed = parse_session(session)
    topic = dice.pick(TOPIC_SHARES)
    units = UNITS[handler][topic]
    lead_unit = dice.pick(units)
    co_units = []
    if dice.chance(CO_UNIT_CHANCE):
        others = {u: w for t in UNITS[handler].values() for u, w in t.items() if u != lead_unit}
        for _ in range(dice.integer(1, 2)):
            unit = dice.pick(others)
            if unit not in co_units:
                co_units.append(unit)
    title = dice.pick({t: 1 for t in TITLE_TEMPLATES[topic]}).format(
        place=dice.pick({p: 1 for p in PLACES[handler]}))
    lead = dice.pick({i: d["weight"] for i, d in enumerate(deputies)})
    cosigners = []
    for _ in range(dice.pick(COSIGNER_COUNTS)):
        other = dice.integer(0, len(deputies) - 1)
        if other != lead and deputies[other]["name"] not in cosigners:
            cosigners.append(deputies[other]["name"])
    if after_meeting:
        assigned = close_date + dt.timedelta(days=dice.integer(*AFTER_MEETING_DAYS))
    else:
        assigned = close_date + dt.timedelta(days=dice.pick(ASSIGN_BATCH_DAYS))
    complex_case = dice.chance(COMPLEX_CHANCE[code])
    due = _add_months(assigned, 6 if complex_case else 3)
    allowed_days = (due - assigned).days
    if dice.chance(LATE_CHANCE[handler]):
        reply = due + dt.timedelta(days=round(dice.triangular(3, 15, 60)))
    else:
        reply = assigned + dt.timedelta(days=round(dice.triangular(15, 0.6 * allowed_days, allowed_days)))
    status = "续办" if dice.chance(CONTINUED_CHANCE[code]) else "已办结"
    satisfaction = _satisfaction(dice, handler, code, port_zone)
    key = dice.chance(KEY_SUPERVISION_CHANCE + 0.05 * complex_case + 0.03 * (code != "A"))
    met = dice.chance(MET_DEPUTY_CHANCE[handler])
    redo = satisfaction == "不满意" and dice.chance(REDO_CHANCE_WHEN_UNSATISFIED)
    notes = []
    if after_meeting:
        notes.append("闭会期间提出")
    if status == "续办":
        notes.append("已列入年度计划，继续办理")
    if redo:
        notes.append("代表不满意，重新办理")
    return {
        "suggestion_id": f"S{parsed.term}-{parsed.number}-{number:03d}",
        "congress": congress,
        "session": session,
        "year": year,
        "after_meeting": after_meeting,
        "title": title,
        "lead_deputy": deputies[lead]["name"],
        "cosigners": "、".join(cosigners) or None,
        "delegation": deputies[lead]["delegation"],
        "topic": topic,
        "handler": handler,
        "lead_unit": lead_unit,
        "co_units": "、".join(co_units) or None,
        "assigned_date": assigned,
        "due_date": due,
        "reply_date": reply,
        "complex_case": complex_case,
        "outcome_class": code,
        "status": status,
        "satisfaction": satisfaction,
        "satisfaction_result": None,  # this district rates the handling work only
        "key_supervision": key,
        "met_deputy": met,
        "redo": redo,
        "note": "；".join(notes) or None,
        "data_source": DATA_SOURCE_TEXT,
    }


@dataclass
class SampleLedger:
    """A generated ledger: typed rows (canonical names) and what was invented where."""

    cases: pd.DataFrame
    seed: int
    invented: dict[str, dict]  # session → invented counts


def generate_ledger(targets: list[SessionTarget], *, seed: int = DEFAULT_SEED, config: dict | None = None) -> SampleLedger:
    """One row per suggestion agreeing with ``targets``, the rest drawn from the invented distributions."""
    config = config or load_config()
    handlers = list(config["handlers"])
    port_zone = config["port_zone"]
    codes = load_scheme(SAMPLE_SCHEME).codes
    unknown = [h for h in handlers if h not in INVENTED_CLASS_SHARES]
    if unknown:
        raise ConfigError(f"the sample generator has no invented distributions for {', '.join(unknown)}")
    dice = _Dice(seed)
    deputies = _deputies(dice)
    rows, invented = [], {}
    for target in targets:
        years, closes = config["session_years"], config["session_close_dates"]
        if target.session not in years or target.session not in closes:
            raise ConfigError(f"data/config.yaml needs session_years and session_close_dates for "
                              f"{target.session} to date the sample ledger")
        settled = _settle_session(target, dice, handlers, codes)
        invented[target.session] = settled["invented"]
        cases = [(h, c) for h in handlers for c in codes for _ in range(settled["outcomes"][h][c])]
        cases = dice.shuffle(cases)
        first_after = len(cases) - settled["after_meeting"]  # after-meeting ones come last
        close_date = dt.date.fromisoformat(str(closes[target.session]))
        for index, (handler, code) in enumerate(cases):
            rows.append(_row(dice, session=target.session, year=int(years[target.session]),
                             congress=config["congress"], number=index + 1, handler=handler, code=code,
                             after_meeting=index >= first_after, close_date=close_date,
                             deputies=deputies, port_zone=port_zone))
    return SampleLedger(_typed(pd.DataFrame(rows, columns=[f.name for f in LEDGER_FIELDS])), seed, invented)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The loader's dtypes, so the generated frame and a loaded one compare alike."""
    kinds = {"int": "Int64", "bool": "boolean", "date": "datetime64[ns]"}
    for f in LEDGER_FIELDS:
        frame[f.name] = frame[f.name].astype(kinds.get(f.kind, "string"))
    return frame


# ---------------------------------------------------------------------------------------
# Checks and output
# ---------------------------------------------------------------------------------------


def ledger_count(cases: pd.DataFrame, session: str, handler: str, measure: str, category: str) -> int | None:
    """The count a figure (session or '+' total, handler or "", measure, category) has in a ledger."""
    if measure not in LEDGER_MEASURES:
        return None
    rows = cases[cases["session"].isin(split_total(session))]
    if handler:
        rows = rows[rows["handler"] == handler]
    if measure == "received_after_meeting":
        rows = rows[rows["after_meeting"].fillna(False).astype(bool)]
    elif measure == "outcome":
        rows = rows[rows["outcome_class"] == category]
    return int(len(rows))


def compare_with_figures(cases: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Every printed or derived ledger count of ``figures`` next to the ledger's own count."""
    known = figures[figures["status"].isin(KNOWN_STATUSES) & figures["measure"].isin(LEDGER_MEASURES)]
    records = []
    for row in known.itertuples(index=False):
        expected = _count(row.count)
        actual = ledger_count(cases, str(row.session), str(row.handler or ""), str(row.measure),
                              str(row.category or ""))
        records.append({"session": row.session, "handler": row.handler, "measure": row.measure,
                        "category": row.category, "status": row.status, "expected": expected,
                        "actual": actual, "agrees": expected == actual})
    return pd.DataFrame(records, columns=["session", "handler", "measure", "category", "status",
                                          "expected", "actual", "agrees"])


def _text(value: object, field_kind: str) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if field_kind == "bool":
        return "是" if value else "否"
    if field_kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if field_kind == "outcome":
        return f"{value}类"  # as real exports write it; the loader maps it back to the code
    return str(value)


def ledger_csv_bytes(cases: pd.DataFrame) -> bytes:
    """The ledger as a 台账 export: Chinese headers, UTF-8 with BOM (Excel opens it), LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.zh for f in LEDGER_FIELDS])
    for record in cases.itertuples(index=False):
        writer.writerow([_text(getattr(record, f.name), f.kind) for f in LEDGER_FIELDS])
    return buffer.getvalue().encode("utf-8-sig")


def provenance(ledger: SampleLedger, figures: pd.DataFrame, csv_bytes: bytes, file_name: str) -> dict:
    """The provenance record of a generated ledger: generator, seed, sources, invented parts, sha256."""
    comparison = compare_with_figures(ledger.cases, figures)
    detail = figures.set_index(["session", "handler", "measure", "category"])
    from_source = []
    for row in comparison.itertuples(index=False):
        info = detail.loc[(row.session, row.handler, row.measure, row.category)]
        if isinstance(info, pd.DataFrame):
            info = info.iloc[0]
        from_source.append({
            "session": str(row.session), "handler": str(row.handler) or "（全部）", "measure": str(row.measure),
            "category": str(row.category), "count": int(row.expected), "status": str(row.status),
            "rule": str(info.get("rule", "") or ""), "assumption": str(info.get("assumption", "") or ""),
        })
    invented_counts = {session: {key: (value if isinstance(value, int) else dict(value))
                                 for key, value in parts.items()}
                       for session, parts in ledger.invented.items()}
    return {
        "file": file_name,
        "title": "示例台账（生成数据，非真实台账） / sample ledger (generated, not a real ledger)",
        "is_sample": True,
        "generator": "scripts/make_sample_ledger.py (logic: analysis/sample_data.py)",
        "command": f"python scripts/make_sample_ledger.py --seed {ledger.seed}",
        "seed": ledger.seed,
        "package_version": __version__,
        "rows": int(len(ledger.cases)),
        "encoding": "UTF-8 with BOM; Chinese headers (schema.LEDGER_FIELDS zh names); LF line ends",
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "every_row": f"数据来源 = {DATA_SOURCE_TEXT}",
        "from_source": {
            "what": ("Counts taken from analysis.reconcile on data/reported/source_document_figures.csv: "
                     "printed figures and those derived by its rules; the ledger reproduces each exactly."),
            "figures": from_source,
        },
        "invented_counts": {
            "what": "Counts the source leaves open, drawn by this generator (per session).",
            "counts": invented_counts,
        },
        "invented": _invented_description(),
    }


def _invented_description() -> list[dict]:
    """What the generator invents, field by field, with the parameters it uses."""
    return [
        {"field": "outcome_class", "zh": "办理结果（原文未给出的部分）",
         "how": "multinomial over the classes the source leaves open, shares per body",
         "parameters": INVENTED_CLASS_SHARES},
        {"field": "after_meeting", "zh": "闭会期间提出（原文未给出的会次）",
         "how": "each suggestion raised after the meeting with this chance", "parameters": AFTER_MEETING_SHARE},
        {"field": "topic", "zh": "类别", "how": "drawn with these shares", "parameters": TOPIC_SHARES},
        {"field": "lead_unit", "zh": "主办单位",
         "how": ("drawn by body and topic with these weights; 区政府's include every unit the source names "
                 "(区文旅体育局, 区城管局, 区住建局, 区交通局, 区医保局, 区教育局, 席王街道, 狄寨街道), the others "
                 "and the port zone's departments are invented"), "parameters": UNITS},
        {"field": "co_units", "zh": "协办单位", "how": "one or two other units of the same body with this chance",
         "parameters": CO_UNIT_CHANCE},
        {"field": "title", "zh": "标题", "how": "a template of the topic filled with a place of the body",
         "parameters": {"templates": TITLE_TEMPLATES, "places": PLACES}},
        {"field": "lead_deputy, cosigners, delegation", "zh": "领衔代表、附议代表、代表团",
         "how": (f"{DEPUTIES} fictitious names (surname + 某 + a heavenly stem, so none is a real person), "
                 "exponential activity weights; number of co-signers drawn with these shares"),
         "parameters": {"delegations": list(DELEGATIONS), "cosigner_counts": COSIGNER_COUNTS}},
        {"field": "assigned_date", "zh": "交办日期",
         "how": ("session close (data/config.yaml session_close_dates) plus these days (shares); "
                 "after-meeting ones plus a uniform number of days in this range"),
         "parameters": {"batches": ASSIGN_BATCH_DAYS, "after_meeting_days": list(AFTER_MEETING_DAYS)}},
        {"field": "complex_case, due_date", "zh": "复杂建议、要求办结日期",
         "how": "complex (6 months to reply) with this chance per class; due = assigned + 3 or 6 months",
         "parameters": COMPLEX_CHANCE},
        {"field": "reply_date", "zh": "答复日期",
         "how": ("on time: triangular from 15 days to the deadline, mode at 60% of it; late with this "
                 "chance per body: 3–60 days (mode 15) after the due date"), "parameters": LATE_CHANCE},
        {"field": "status", "zh": "办理状态", "how": "已办结, or 续办 with this chance per class",
         "parameters": CONTINUED_CHANCE},
        {"field": "satisfaction", "zh": "代表满意度",
         "how": (f"drawn per class with these shares; for the port zone 满意 × {PORT_ZONE_SATISFIED_FACTOR}, "
                 "the rest moved 70/30 to 基本满意/不满意"), "parameters": SATISFACTION},
        {"field": "satisfaction_result", "zh": "对办理结果满意度", "how": "blank (not rated separately)",
         "parameters": None},
        {"field": "key_supervision", "zh": "重点督办",
         "how": "this chance, plus 0.05 for complex cases and 0.03 for classes other than A",
         "parameters": KEY_SUPERVISION_CHANCE},
        {"field": "met_deputy", "zh": "见面沟通", "how": "this chance per body", "parameters": MET_DEPUTY_CHANCE},
        {"field": "redo", "zh": "重新办理", "how": "this chance when 不满意, else 否",
         "parameters": REDO_CHANCE_WHEN_UNSATISFIED},
        {"field": "note", "zh": "备注", "how": "says 闭会期间提出 / 续办 / 重新办理 where they apply",
         "parameters": None},
    ]


def provenance_path(csv_path: str | Path) -> Path:
    """Where a ledger's provenance sidecar lives: ``x.csv`` → ``x.provenance.yaml``."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.stem + ".provenance.yaml")


def write_sample_ledger(out: str | Path | None = None, *, seed: int = DEFAULT_SEED,
                        figures: pd.DataFrame | None = None, config: dict | None = None) -> dict[str, Path]:
    """Generate the sample ledger and write it with its provenance sidecar; returns both paths."""
    out = Path(out) if out else paths.SAMPLE_LEDGER
    figures = source_figures() if figures is None else figures
    config = config or load_config()
    targets = targets_from_figures(figures, list(config["handlers"]), load_scheme(SAMPLE_SCHEME).codes)
    ledger = generate_ledger(targets, seed=seed, config=config)
    wrong = compare_with_figures(ledger.cases, figures)
    wrong = wrong[~wrong["agrees"]]
    if len(wrong):  # a sanity check: the generator's own arithmetic must not drift from the source
        raise DataError(f"generated ledger disagrees with the source:\n{wrong.to_string()}")
    data = ledger_csv_bytes(ledger.cases)
    record = provenance(ledger, figures, data, out.name)
    header = ("# Provenance of the bundled sample ledger. Written by scripts/make_sample_ledger.py;\n"
              "# do not edit by hand (regenerate with `make sample-data`).\n")
    text = header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(out, data)
    sidecar = write_atomic(provenance_path(out), text.encode("utf-8"))
    return {"csv": out, "provenance": sidecar}
