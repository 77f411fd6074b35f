"""The data dictionary in ``data/README.md``, generated from the one declaration.

The tables of ledger columns, published-figure columns, measures and outcome schemes are
written from ``analysis.schema`` and ``data/schemes/*.yaml`` between two markers, so the
documentation cannot drift from what the loader accepts. Everything outside the markers is
hand-written and left alone. ``python -m analysis dictionary`` rewrites it; ``--check`` (and a
test) fails when it is out of date.
"""
from __future__ import annotations

from pathlib import Path

from . import paths, schema, schemes

BEGIN = "<!-- BEGIN GENERATED DICTIONARY: written by `python -m analysis dictionary` from analysis/schema.py " \
        "and data/schemes/; do not edit by hand -->"
END = "<!-- END GENERATED DICTIONARY -->"
README = paths.DATA_DIR / "README.md"

_KIND_TEXT = {
    # kind → (类型, what a cell may hold)
    "text": ("文本 text", "去掉首尾空格 / stripped"),
    "int": ("整数 integer", "整数，可用全角数字 / whole number, full-width digits accepted"),
    "bool": ("是/否 yes/no", "是/否、√/×、Y/N、1/0"),
    "date": ("日期 date", "2024-03-05、2024年3月5日、2024/3/5、Excel 日期序号"),
    "choice": ("选项 choice", ""),
    "outcome": ("办理结果 outcome class", "按分类方案 / per the outcome scheme (below)"),
    "session": ("届次 session", "见“届次的写法” / see session labels"),
    "printed": ("印出的数字 printed number", "原样照录 / verbatim: 159、160余、52.3、90以上、约11"),
}


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _allowed(f: schema.Field) -> str:
    if f.kind == "choice" and f.allowed:
        text = " / ".join(f.allowed)
        if f.synonyms:
            extra = sorted({k for k, v in f.synonyms.items() if k != v})
            text += "（也接受 also: " + "、".join(extra) + "）"
        return text
    if f.name == "after_meeting":
        return _KIND_TEXT[f.kind][1] + "；提出时段列写 会期/闭会"
    return _KIND_TEXT[f.kind][1]


def _field_rows(fields: tuple[schema.Field, ...]) -> list[list[object]]:
    rows = []
    for f in fields:
        also = "、".join(a for a in f.aliases)
        flags = "必需 required" if f.required else ""
        if f.personal:
            flags = (flags + "；" if flags else "") + "个人信息 personal"
        rows.append([f"`{f.name}`", f.zh, also, _KIND_TEXT[f.kind][0], flags, _allowed(f),
                     f.description_zh, f.description_en])
    return rows


def _field_table(fields: tuple[schema.Field, ...]) -> list[str]:
    header = ["列名 column", "中文表头 header", "也接受的表头 also accepted", "类型 kind", "必需 required",
              "允许的值 allowed", "说明", "description"]
    return _table(header, _field_rows(fields))


def _measure_table() -> list[str]:
    rows = []
    for m in schema.MEASURES:
        base = f"`{m.natural_base}`" if m.natural_base else "（无百分比 no percent）"
        scope = {"session": "全部承办主体 all handlers", "handler": "同一承办主体 same handler"}[m.base_scope]
        rows.append([f"`{m.name}`", m.zh, m.en, base, scope if m.natural_base else ""])
    return _table(["指标 measure", "中文", "English", "默认基数 natural base", "基数范围 base scope"], rows)


def _scheme_section(scheme: schemes.OutcomeScheme, file_name: str) -> list[str]:
    lines = [f"#### `{scheme.name}` — {scheme.title_zh} / {scheme.title_en}", ""]
    if scheme.source:
        lines += [f"出处 source: {scheme.source}（文件 file: `data/schemes/{file_name}`）", ""]
    rows = [[f"`{c.code}`", c.zh, c.en, "是 yes" if c.solved else "否 no", "、".join(c.labels)] for c in scheme.classes]
    lines += _table(["类别 class", "中文含义", "meaning", "算作解决 solved", "接受的标签 labels accepted"], rows)
    return lines + [""]


def dictionary_markdown() -> str:
    """The generated part of data/README.md (without the markers)."""
    lines = [
        "### 台账的列 Ledger columns",
        "",
        "表头可以用中文表头、列名或任一“也接受的表头”；比较时忽略空格、下划线、全角/半角和大小写。"
        " Headers may be the Chinese header, the column name or any accepted alias (spaces, underscores, "
        "full-width and case are ignored).",
        "",
        *_field_table(schema.LEDGER_FIELDS),
        "",
        "### 已公布数字的列 Published-figure columns",
        "",
        *_field_table(schema.FIGURE_FIELDS),
        "",
        "### 指标 Measures",
        "",
        "百分比默认是该指标件数占“默认基数”件数的比例；不是时在 `base` 列写明。"
        " A percent is by default the measure's count over its natural base; write `base` when it is not.",
        "",
        *_measure_table(),
        "",
        "### 办理结果分类方案 Outcome schemes",
        "",
        "默认方案 default: `" + _default_scheme() + "`（`data/config.yaml` 的 `outcome_scheme`；命令行 `--scheme`）。",
        "",
    ]
    for name in schemes.available_schemes():
        lines += _scheme_section(schemes.load_scheme(name), f"{name}.yaml")
    return "\n".join(lines).rstrip() + "\n"


def _default_scheme() -> str:
    from .config import load_config

    return str(load_config().get("outcome_scheme") or "abc")


def render_readme(text: str) -> str:
    """``text`` with the part between the markers replaced by the current dictionary."""
    block = f"{BEGIN}\n\n{dictionary_markdown()}\n{END}"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        _, after = rest.split(END, 1)
        return before + block + after
    # no markers yet: add the dictionary at the end, leaving the hand-written part untouched
    return text.rstrip() + ("\n\n" if text.strip() else "") + "## 数据字典 Data dictionary\n\n" + block + "\n"


def write_data_readme(check: bool = False, path: Path | None = None) -> bool:
    """Regenerate the dictionary in data/README.md; True if the file changed (or would, with ``check``)."""
    path = Path(path) if path else README
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    updated = render_readme(current)
    if updated == current:
        return False
    if not check:
        path.write_text(updated, encoding="utf-8")
    return True
