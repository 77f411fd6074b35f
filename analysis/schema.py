"""The one declaration of the data: ledger columns, published-figure columns, measures.

The loader, the validator, the Chinese header aliases and the data dictionary in
``data/README.md`` (``python -m analysis dictionary``) are all built from what is declared
here; nothing else in the project lists columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import fold_width

# Kinds of value a column holds, and what the loader turns them into.
#   text     stripped string (pandas "string")
#   int      whole number (pandas "Int64"); full-width digits accepted
#   bool     是/否/√/×/Y/N/1/0/true/false (pandas "boolean")
#   date     2024-03-05, 2024年3月5日, 2024/3/5 or an Excel serial (datetime64)
#   choice   one of ``allowed`` (after the listed synonyms are mapped)
#   outcome  an outcome-class label of the active scheme (see analysis.schemes)
#   session  a session label, made canonical (see analysis.sessions)
#   printed  a number kept verbatim as printed ("52.3", "90以上", "约11")
KINDS = ("text", "int", "bool", "date", "choice", "outcome", "session", "printed")


@dataclass(frozen=True)
class Field:
    """One column: its canonical name, how headers may spell it, its kind and its meaning."""

    name: str
    zh: str  # the Chinese header we write
    kind: str
    description_zh: str
    description_en: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers accepted (Chinese or English)
    allowed: tuple[str, ...] = ()  # for kind "choice"
    synonyms: dict[str, str] = field(default_factory=dict)  # variant → allowed value
    personal: bool = False  # personal data (names): pseudonymised on request

    def headers(self) -> tuple[str, ...]:
        """Every header that names this column."""
        return (self.name, self.zh, *self.aliases)


# ---------------------------------------------------------------------------------------
# Case ledger (台账): one row per suggestion
# ---------------------------------------------------------------------------------------

HANDLING_STATUSES = ("办理中", "已办结", "续办")
SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")
TOPICS = ("城建环保", "教科文卫", "财政经济", "农业农村", "社会建设", "政治法律", "其他")
SAMPLE_DATA_MARK = "示例数据"  # a data_source holding this marks a row as sample (generated) data

LEDGER_FIELDS: tuple[Field, ...] = (
    Field("suggestion_id", "建议编号", "text", "建议编号，在一次会议内唯一",
          "Suggestion number, unique within a session", required=True,
          aliases=("编号", "建议号", "案号", "id", "suggestion id", "number")),
    Field("congress", "报告机关", "text", "报告所属的人大常委会（如 某区人大常委会）；缺省时取配置",
          "The reporting congress (e.g. a district standing committee); from configuration when absent",
          aliases=("人大常委会", "人大", "congress")),
    Field("session", "届次", "session",
          "会议届次，如 十八届人大二次会议；台账无此列时取自标题行、文件名或命令行参数",
          "Session label, e.g. 十八届人大二次会议; when the ledger has no such column it comes from "
          "the title row, the file name or a command-line option", required=True,
          aliases=("会议", "届次会议", "会次", "session label")),
    Field("year", "年度", "int", "会议所在年度", "Year of the session", aliases=("年份", "year")),
    Field("after_meeting", "闭会期间提出", "bool",
          "是否闭会期间（会后）提出；“提出时段”列的 会期/闭会 也可", "Raised between sessions (after the meeting)",
          aliases=("提出时段", "是否闭会期间", "会后提出", "after meeting")),
    Field("title", "标题", "text", "建议标题", "Title of the suggestion", required=True,
          aliases=("建议标题", "案由", "建议名称", "建议题目", "题目", "title")),
    Field("lead_deputy", "领衔代表", "text", "领衔代表姓名（个人信息）", "Lead deputy's name (personal data)",
          aliases=("提出人", "领衔人", "代表姓名", "lead deputy", "deputy"), personal=True),
    Field("cosigners", "附议代表", "text", "附议代表姓名或联名人数（个人信息）",
          "Co-signing deputies, or their number (personal data)",
          aliases=("联名代表", "联名人数", "cosigners"), personal=True),
    Field("delegation", "代表团", "text", "代表团（选区）", "Delegation (constituency)",
          aliases=("代表组", "delegation")),
    Field("topic", "类别", "text", "建议类别，常见：" + "、".join(TOPICS),
          "Topic; common: " + ", ".join(TOPICS), aliases=("建议类别", "分类", "topic", "category")),
    Field("handler", "承办主体", "text", "承办主体，如 区政府、国际港务区",
          "Handling body, e.g. the district government (区政府) or the port zone (国际港务区)",
          required=True, aliases=("办理主体", "承办机关", "handling body", "handler")),
    Field("lead_unit", "主办单位", "text", "主办单位（局、委、办、街道等）",
          "Lead unit (bureau, office, sub-district …)", aliases=("承办单位", "牵头单位", "lead unit")),
    Field("co_units", "协办单位", "text", "协办单位，多个以顿号或逗号分隔", "Assisting units, separated by 、 or ,",
          aliases=("会办单位", "co-units", "co units")),
    Field("assigned_date", "交办日期", "date", "交办日期", "Date assigned to the handler",
          aliases=("交办时间", "assigned date")),
    Field("due_date", "要求办结日期", "date", "要求办结日期", "Due date set at assignment",
          aliases=("办结时限", "要求办结时间", "due date")),
    Field("reply_date", "答复日期", "date", "正式答复日期", "Date of the formal reply",
          aliases=("答复时间", "办复日期", "reply date")),
    Field("complex_case", "复杂建议", "bool",
          "涉及面广、处理难度大，答复期限为六个月（代表法）", "Wide-ranging or hard case: six months to reply",
          aliases=("是否延期", "延期办理", "涉及面广难度大", "complex case")),
    Field("outcome_class", "办理结果", "outcome",
          "办理结果分类（按所选分类方案，默认 A/B/C）；办理中可空", "Outcome class (per the outcome scheme; "
          "default A/B/C); may be blank while being handled",
          aliases=("办理类别", "结果分类", "答复类别", "outcome", "outcome class")),
    Field("status", "办理状态", "choice", "办理状态：" + "/".join(HANDLING_STATUSES),
          "Handling status: being handled / completed / continued", aliases=("状态", "status"),
          allowed=HANDLING_STATUSES,
          synonyms={"办理中": "办理中", "在办": "办理中", "正在办理": "办理中", "已办结": "已办结",
                    "办结": "已办结", "已答复": "已办结", "续办": "续办", "继续办理": "续办",
                    "in progress": "办理中", "completed": "已办结", "continued": "续办"}),
    Field("satisfaction", "代表满意度", "choice",
          "代表对办理工作的满意度：" + "/".join(SATISFACTION_LEVELS) + "（比较满意 视为 基本满意）",
          "Deputy's satisfaction with the handling work", aliases=("满意度", "对办理工作满意度", "satisfaction"),
          allowed=SATISFACTION_LEVELS,
          synonyms={"比较满意": "基本满意", "较满意": "基本满意", "satisfied": "满意",
                    "basically satisfied": "基本满意", "unsatisfied": "不满意", "dissatisfied": "不满意"}),
    Field("satisfaction_result", "对办理结果满意度", "choice", "代表对办理结果的满意度（部分地方单独测评）",
          "Deputy's satisfaction with the result, where rated separately",
          aliases=("结果满意度", "satisfaction with result"), allowed=SATISFACTION_LEVELS,
          synonyms={"比较满意": "基本满意", "较满意": "基本满意"}),
    Field("key_supervision", "重点督办", "bool", "是否列为重点督办", "Picked for key supervision",
          aliases=("是否重点督办", "重点建议", "key supervision")),
    Field("met_deputy", "见面沟通", "bool", "承办单位是否与代表见面沟通", "Handler met the deputy in person",
          aliases=("是否见面", "见面", "met deputy")),
    Field("redo", "重新办理", "bool", "是否重新办理", "Handled again after an unsatisfied rating",
          aliases=("是否重新办理", "redo")),
    Field("note", "备注", "text", "备注", "Remarks", aliases=("说明", "note", "remarks")),
    Field("data_source", "数据来源", "text", f"数据来源说明（示例数据注明“{SAMPLE_DATA_MARK}”）",
          "Where the row comes from (sample data says so)", aliases=("来源", "data source")),
)

# ---------------------------------------------------------------------------------------
# Published figures (numbers printed in a report): one row per printed figure
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A kind of printed figure, and what its percent is a share of by default."""

    name: str
    zh: str
    en: str
    natural_base: str  # measure whose count is the default base of a percent ("" = none)
    base_scope: str  # "session" (the session's all-handler figure) or "handler" (same handler)


MEASURES: tuple[Measure, ...] = (
    Measure("received", "收到建议", "suggestions received", "received", "session"),
    Measure("received_after_meeting", "闭会期间提出", "received after the meeting", "received", "handler"),
    Measure("handled", "办理件数", "handled", "received", "session"),
    Measure("outcome", "办理结果", "outcome class", "handled", "handler"),
    Measure("topic", "建议类别", "topic", "received", "handler"),
    Measure("completed", "办结", "completed", "handled", "handler"),
    Measure("replied", "答复", "replied", "handled", "handler"),
    Measure("replied_on_time", "按期答复", "replied on time", "handled", "handler"),
    Measure("met", "见面沟通", "met the deputy", "handled", "handler"),
    Measure("satisfied", "满意", "satisfied", "handled", "handler"),
    Measure("basically_satisfied", "基本满意", "basically satisfied", "handled", "handler"),
    Measure("unsatisfied", "不满意", "unsatisfied", "handled", "handler"),
    Measure("key_supervision", "重点督办", "key supervision", "handled", "handler"),
    Measure("sampled_for_supervision", "抽查督办", "sampled for joint supervision", "received", "handler"),
    Measure("units_supervised", "督办承办单位数", "handling units visited", "", "handler"),
    Measure("deputies_trained", "培训代表人数", "deputies trained", "", "handler"),
)
MEASURE_BY_NAME = {m.name: m for m in MEASURES}

FIGURE_FIELDS: tuple[Field, ...] = (
    Field("congress", "报告机关", "text", "报告所属的人大常委会；缺省时取配置",
          "The reporting congress; from configuration when absent"),
    Field("session", "届次", "session",
          "报告所涉期间：会议届次、几次会议（一次至三次会议，或用 + 连接，如 十八届人大一次会议+十八届人大二次会议）、"
          "……以来、常委会会议或年度（2020年度）；整个文件都不写时，一个文件按一份报告处理",
          "The period: a session, several sessions (a span, or joined with +), …以来, a standing-committee "
          "meeting or a year (2020年度); a file that names none on any row is read as one report"),
    Field("year", "年度", "int", "会议所在年度（合计行可空）", "Year of the session (may be blank on totals)"),
    Field("handler", "承办主体", "text", "承办主体；空 = 全部", "Handling body; empty = all"),
    Field("measure", "指标", "choice", "指标名（见下表）", "Measure (see the table of measures)", required=True,
          allowed=tuple(m.name for m in MEASURES)),
    Field("category", "分类", "text",
          "办理结果行为类别标签，类别行为类别名；其他指标可写限定语区分并列数字（如 会期/闭会、对办理工作/对办理结果）",
          "Class label for outcome rows, topic for topic rows; otherwise an optional qualifier"),
    Field("count", "件数", "printed", "原文印出的件数；空白则留空；可带 余/以上/近/约",
          "The count as printed; empty when blank; may carry 余/以上/近/约"),
    Field("percent", "百分比", "printed", "原文印出的百分比，原样保留（52.3、25.75、90以上、约11）；空白则留空",
          "The percent verbatim as printed (52.3, 25.75, 90以上, 约11); empty when blank"),
    Field("base", "百分比基数", "text",
          "百分比的基数（指标名，可加 @承办主体），仅当不是该指标的默认基数时填写",
          "What the percent is of (a measure, optionally @handler), when not the measure's natural base"),
    Field("assumption", "假设", "text", "理解该数字所依据的假设（如 三年合计按一至三次会议计）",
          "An assumption the reading of this figure rests on"),
    Field("source", "出处", "text", "出处（文件与段落）", "Where it is printed (document and paragraph)",
          required=True),
    Field("note", "备注", "text", "备注", "Remarks"),
)


def fields_by_header(fields: tuple[Field, ...]) -> dict[str, Field]:
    """Map every accepted header (normalised: stripped, lower-case, no inner spaces) to its field."""
    mapping: dict[str, Field] = {}
    for f in fields:
        for header in f.headers():
            mapping[normalise_header(header)] = f
    return mapping


# A header that ends in a bracketed note: 建议编号（号）, 交办日期（年月日）, 承办单位（主办）, 办理结果(A/B/C类).
_ANNOTATED_HEADER = re.compile(r"(.+?)\s*[（(]([^（）()]*)[）)]")


def header_field(header: object, lookup: dict[str, Field]) -> Field | None:
    """The field a header names: as written, else without a trailing bracketed note that names no other field."""
    found = lookup.get(normalise_header(header))
    if found is not None:
        return found
    annotated = _ANNOTATED_HEADER.fullmatch(fold_width(str(header)).strip())
    if annotated is None or (found := lookup.get(normalise_header(annotated.group(1)))) is None:
        return None
    # 承办单位（协办） names the co-units, not the lead unit its first words name: never read as either
    note = normalise_header(annotated.group(2))
    if note and any(f.name != found.name and (key.startswith(note) or note.startswith(key))
                    for key, f in lookup.items()):
        return None
    return found


def normalise_header(header: object) -> str:
    """A header as compared: full-width folded, spaces and line breaks (建议⏎编号, typed with Alt+Enter),
    underscores and '*' removed, lower-case."""
    text = fold_width(str(header)).strip().lower()
    for ch in " \t\r\n\u3000_*：:()（）":
        text = text.replace(ch, "")
    return text


LEDGER_BY_NAME = {f.name: f for f in LEDGER_FIELDS}
FIGURE_BY_NAME = {f.name: f for f in FIGURE_FIELDS}
