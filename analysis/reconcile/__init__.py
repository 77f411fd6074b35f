"""Reconcile published figures: derive the blanks, check the printed numbers, say how.

A report prints some counts and percents, leaves others blank, rounds, truncates, plugs and
slips. ``reconcile_figures`` takes the published figures (``load.load_figures``) and returns
a ``Reconciliation``: the complete table of figures, each count and percent **printed**,
**derived** (by a named rule, in words a staff member understands, naming its input rows and
any assumption) or **unknown**, and the **findings** (errors, warnings, notes).

The package, in the order the work flows:

* ``read`` — rows → figures; each report's (file's) outcome scheme per body from its labels
  (``schemes.infer_scheme``): declared with ``scheme=`` / ``--scheme``, the configured one
  when its codes fit, a family of codes (A/B/C…, 甲/乙/丙…, 一类/二类…), or the report's own
  wordings, checked as the list they are. Percent checks and sums never need the scheme.
* ``groups`` — the identities: a body's outcome classes make up its handled count;
  满意 + 基本满意 + 不满意 their base; topics their whole (only when their percents add up to
  100); the bodies the session's received (joint handling aside); a total its sessions.
* ``rules`` — ``RULES``, one small function per derivation, applied until nothing new follows.
* ``checks`` — ``CHECKS``, one small function per check; ``conventions`` — how a printed
  percent can come from count ÷ base (``PERCENT_CONVENTIONS``: half up, an exact half cut,
  plug + truncation, plug, truncation; bounds 以上/以下/余/近/约 on counts and percents).
* ``frames`` / ``text`` — the output frames, JSON and text.

Findings a statistician would sign: an **error** only where no convention explains a printed
number; parts that may not list every part (a report's own list of classes, topics, levels
perhaps not all rated) that fall short of their whole are a **note**; so are the bodies'
counts against received (joint handling, motions turned into suggestions). A percent printed
without a count and without a stated base that no count of its natural base gives is a
**warning** (it may be of another base, such as the suggestions rated).

Percent base syntax (the ``base`` column): empty = the measure's natural base at its scope
(``schema.MEASURES``); otherwise ``MEASURE[@HANDLER]`` (see ``resolve_base``). A percent with a
category (会期) is of the base's figure of the same category when the report prints one; with no base written, a
figure of the suggestions raised after the meeting (category 闭会…) is of the count raised after the meeting.

``Reconciliation.figures`` — one row per (report, congress, session, handler, measure, category):

=================  ===========================================================================
column             meaning
=================  ===========================================================================
report             the report the figure belongs to: its file's name (files read together as
                   one report: their names joined by " + "); "" for a frame with no file
congress           reporting congress as the file names it; "" when it names none (no guess:
                   shown 未注明, null in JSON) unless the caller says whose report it is
                   (``reconcile_files(congress=…)``, as the reports of our own figures do)
session            canonical period label (``sessions``); totals join labels with ``+``
year               year of the session (Int64, NA for totals and when not printed)
handler            handling body, "" = all bodies
measure            a name from ``schema.MEASURES``
category           outcome class code (the report's scheme; its wording when it has no codes),
                   topic, or other qualifier; "" when none
category_printed   the category as printed ("；"-joined when printed several ways)
count              Int64: the exact count when printed or derived; NA otherwise — also for a
                   printed bound or approximation (160余) that arithmetic does not fix
count_qualifier    the printed qualifier's meaning (at_least, more_than, …) when the count is
                   known only as a bound or approximation (see ``count_printed``); else ""
count_printed      the count as printed ("" when blank)
count_status       printed | derived | unknown
percent            Float64, in percent (52.3 = 52.3 %): as printed, or exact count ÷ base × 100
                   when derived (not rounded); NA when unknown or not applicable
percent_text       as printed, or the computed value rounded half up at the shown precision
percent_qualifier  "" exact, else the printed qualifier's meaning
percent_printed    the percent as printed ("" when blank)
percent_status     printed | derived | unknown | "" (the measure has no base: not applicable)
check              how the printed percent was explained (``Convention``): round_half_up,
                   round_half_down, plug_truncation, plug_largest, plug_other, truncation,
                   bound, approximation, error; "" when not checked
verdict            a checker's verdict on the printed percent: ok, truncation, plug,
                   plug+truncation, bound, error, no_count (no count printed beside it); ""
                   when no percent is printed
base               the resolved base as ``measure[@handler]`` (with （category） when it has one)
base_count         Int64 count of the base when known
status             the count's status when the count is known, else the percent's
rule, rule_en      how derived values were obtained (zh / en); "" when nothing derived
rule_name          the name of the rule that derived the count (``RULES``); "" when not derived
assumption         assumptions the figure rests on, joined by "；" ("" none)
source_file        file of the row that printed this figure ("" when derived only)
source_row         Int64 row (as seen in Excel) of that row; NA when derived only
input_rows         rows every value of the figure rests on, e.g. "2, 4, 17"
source             the ``source`` text of the printing row(s)
=================  ===========================================================================

``Reconciliation.findings`` columns: severity (error|warning|note), report, congress, session,
handler, measure, category, message (zh), message_en, convention, source_file, source_row,
assumption. ``Reconciliation.schemes`` lists the outcome scheme read for each report and body.
"""
from __future__ import annotations

import pandas as pd

from .arithmetic import APPROX_TOLERANCE
from .checks import CHECKS, DEFAULT_DECIMALS
from ..labels import convention_label
from .conventions import PERCENT_CONVENTIONS, VERDICTS, Convention
from .engine import failure_json, figure_files, reconcile_figures, reconcile_files
from .frames import FIGURE_COLUMNS, FINDING_COLUMNS, Reconciliation
from .model import SEVERITIES, STATUSES, FigureKey
from .read import resolve_base
from .rules import RULES
from .text import render_text, scheme_summary

__all__ = [
    "APPROX_TOLERANCE", "CHECKS", "DEFAULT_DECIMALS", "FIGURE_COLUMNS", "FINDING_COLUMNS", "PERCENT_CONVENTIONS",
    "RULES", "SEVERITIES", "STATUSES", "VERDICTS", "Convention", "FigureKey", "Reconciliation", "check_label",
    "failure_json", "figure_files", "reconcile_figures", "reconcile_files", "render_text", "resolve_base",
    "rules_table", "scheme_summary",
]


def check_label(check: str, lang: str = "zh") -> str:
    """What a ``check`` value means, for a reader ("" for none; the words are ``labels.convention_label``)."""
    return convention_label(check, lang)


def rules_table(lang: str = "zh") -> pd.DataFrame:
    """Every derivation rule and check, on one screen: name and what it does (zh default, 'en' English)."""
    en = lang == "en"
    rows = [("rule" if en else "推算", r.name, r.en if en else r.zh) for r in RULES]
    rows += [("check" if en else "核对", c.name, c.en if en else c.zh) for c in CHECKS]
    return pd.DataFrame(rows, columns=["kind", "name", "what"] if en else ["类型", "名称", "内容"])
