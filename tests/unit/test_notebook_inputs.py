"""notebook_inputs: the notebooks' parameters → files, frames and sessions, the same way for every report."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from analysis import metrics, notebook_inputs, paths, sessions
from analysis.errors import DataError

S1, S2, S3 = "十八届人大一次会议", "十八届人大二次会议", "十八届人大三次会议"
LEDGER = "建议编号,届次,标题,承办主体,领衔代表\n" + "\n".join(
    f"S{i},{session},关于第{i}件事的建议,{'区政府' if i % 3 else '国际港务区'},张{i}"
    for i, session in enumerate([S1] * 4 + [S2] * 5, start=1)) + "\n"


@pytest.fixture(scope="module")
def bundled():
    return notebook_inputs.load_inputs()


def test_empty_parameters_mean_the_bundled_sample_and_the_source_figures():
    assert notebook_inputs.ledger_paths([]) == [paths.SAMPLE_LEDGER]
    assert notebook_inputs.figures_paths([], []) == [paths.SOURCE_FIGURES]


def test_a_users_ledger_is_never_mixed_with_the_sample_districts_figures(tmp_path):
    own = tmp_path / "台账.csv"
    assert notebook_inputs.ledger_paths([str(own)]) == [own]
    assert notebook_inputs.figures_paths([], [str(own)]) == []
    # …unless asked for (the published-figures check reads them whatever the ledger).
    assert notebook_inputs.figures_paths([], [str(own)], bundled=True) == [paths.SOURCE_FIGURES]
    theirs = tmp_path / "公开数字.csv"
    assert notebook_inputs.figures_paths([str(theirs)], [str(own)]) == [theirs]


def test_one_path_as_text_is_a_list_of_one_and_anything_else_is_refused(tmp_path):
    assert notebook_inputs.ledger_paths(str(tmp_path / "a.csv")) == [tmp_path / "a.csv"]
    with pytest.raises(DataError) as error:
        notebook_inputs.ledger_paths(42)
    problem = error.value.problems[0]
    assert (problem.column, problem.value) == ("ledger_files", "42")
    assert "list of file paths" in str(error.value)


def test_load_inputs_of_the_bundled_data(bundled):
    assert bundled.ledger_files == (paths.SAMPLE_LEDGER,)
    assert bundled.figures_files == (paths.SOURCE_FIGURES,)
    assert len(bundled.cases) == 466 and bundled.is_sample
    assert not bundled.reconciliation.has_errors
    assert set(bundled.published["basis"]) == {"published"}


def test_load_inputs_of_a_users_ledger_reads_no_published_figures(write_file):
    inputs = notebook_inputs.load_inputs([str(write_file("own.csv", LEDGER))])
    assert len(inputs.cases) == 9 and not inputs.is_sample
    assert inputs.figures_files == () and inputs.reconciliation is None and inputs.published.empty
    assert notebook_inputs.pick_sessions([], inputs) == [S1, S2]


def test_another_reports_figures_without_a_ledger_are_refused_not_put_beside_the_sample(write_file):
    # an empty ledger_files means the sample ledger: it must never share a page with another congress's figures
    others = write_file("U04.csv", "session,measure,count,source\n十一届人大一次会议,received,251,某报告\n")
    with pytest.raises(DataError) as error:
        notebook_inputs.load_inputs([], [str(others)])
    problem = error.value.problems[0]
    assert (problem.column, problem.code) == ("ledger_files", "figures_without_ledger")
    assert "U04.csv" in problem.message and "示例台账" in problem.message and "figures_check" in problem.message
    # the bundled pair is still read together, and a ledger of the user's own with any figures too
    assert notebook_inputs.load_inputs([], [str(paths.SOURCE_FIGURES)]).is_sample
    own = notebook_inputs.load_inputs([str(write_file("own.csv", LEDGER))], [str(others)])
    assert len(own.cases) == 9 and own.figures_files


PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published"


def test_printed_figures_alone_read_no_ledger_and_never_the_sample():
    """The trends page of another congress's printed reports: its figures and no ledger at all (never the sample's),
    under no congress of ours; every other report still refuses such figures without a ledger."""
    inputs = notebook_inputs.load_inputs([], [str(PUBLISHED / "U04.csv")], figures_alone=True)
    assert len(inputs.cases) == 0 and not inputs.is_sample and inputs.ledger_files == ()
    assert set(inputs.published["basis"]) == {"published"} and inputs.published["count"].sum() == 1354
    assert set(inputs.reconciliation.figures["congress"].fillna("")) == {""}  # not filed under 某区人大常委会
    assert notebook_inputs.pick_sessions([], inputs) == [
        "十一届人大一次会议", "十一届人大三次会议", "十一届人大四次会议", "十一届人大五次会议", "十一届人大七次会议",
        "十二届人大一次会议"]
    # the source document's figures alone are the sample's pair, as before
    assert notebook_inputs.load_inputs([], [str(paths.SOURCE_FIGURES)], figures_alone=True).is_sample
    with pytest.raises(DataError) as error:
        notebook_inputs.load_inputs([], [str(PUBLISHED / "U04.csv")])
    assert error.value.problems[0].code == "figures_without_ledger"


def test_a_period_named_by_its_year_is_picked_as_a_session_is():
    inputs = notebook_inputs.load_inputs([], [str(PUBLISHED / "T17.csv")], figures_alone=True)
    assert notebook_inputs.pick_sessions(["2019年度"], inputs) == ["2019年度"]
    assert notebook_inputs.pick_sessions(["2020年", "2018年"], inputs) == ["2018年度", "2020年度"]  # in order of year
    with pytest.raises(DataError) as error:
        notebook_inputs.pick_sessions(["2017年度"], inputs)
    assert error.value.problems[0].allowed == "2018年度、2019年度、2020年度"


def test_pseudonymise_replaces_the_names_before_anything_else(write_file):
    file = str(write_file("own.csv", LEDGER))
    plain = notebook_inputs.load_inputs([file])
    masked = notebook_inputs.load_inputs([file], pseudonymise=True)
    assert set(plain.cases["lead_deputy"]) == {f"张{i}" for i in range(1, 10)}
    assert masked.cases["lead_deputy"].str.startswith("代表-").all()
    assert masked.cases.attrs["pseudonymised"] is True
    assert list(masked.cases["suggestion_id"]) == list(plain.cases["suggestion_id"])


def test_config_file_is_read(write_file):
    settings = write_file("settings.yaml", "performance:\n  flag_below: 0.9\n")
    inputs = notebook_inputs.load_inputs([str(write_file("own.csv", LEDGER))], config_file=str(settings),
                                         figures=False)
    assert inputs.config["performance"]["flag_below"] == 0.9
    assert inputs.config["performance"]["min_cases"] == 3  # the rest from the defaults


def test_pick_session_latest_by_default_aliases_accepted_unknown_named(bundled):
    assert notebook_inputs.pick_session("", bundled.cases) == S3
    assert notebook_inputs.pick_session("18-2", bundled.cases) == S2
    assert notebook_inputs.pick_session(" 十八届一次 ", bundled.cases) == S1
    with pytest.raises(DataError) as error:
        notebook_inputs.pick_session("十九届人大一次会议", bundled.cases)
    problem = error.value.problems[0]
    assert problem.column == "session" and problem.value == "十九届人大一次会议"
    assert problem.allowed == "、".join([S1, S2, S3])


def test_pick_sessions_includes_sessions_known_only_from_print(bundled):
    two = dataclasses.replace(bundled, cases=bundled.cases[bundled.cases["session"] != S3])
    assert notebook_inputs.pick_sessions([], two) == [S1, S2, S3]
    assert notebook_inputs.pick_sessions(["18-2", S1, S1], two) == [S1, S2]
    assert notebook_inputs.pick_sessions(S2, two) == [S2]
    with pytest.raises(DataError):
        notebook_inputs.pick_sessions(["十八届人大四次会议"], two)


def test_as_of_date():
    assert notebook_inputs.as_of("") is None
    assert notebook_inputs.as_of("2024-12-31") == pd.Timestamp("2024-12-31")
    with pytest.raises(DataError) as error:
        notebook_inputs.as_of("去年年底")
    assert error.value.problems[0].column == "as_of_date"


def value(figures, session, handler, measure, column="count"):
    hit = figures[(figures["session"] == session) & (figures["handler"] == handler)
                  & (figures["measure"] == measure) & (figures["category"] == "")]
    assert len(hit) == 1, (session, handler, measure)
    return hit.iloc[0][column]


def test_report_figures_take_the_ledger_first_and_print_for_the_rest(bundled):
    two = dataclasses.replace(bundled, cases=bundled.cases[bundled.cases["session"] != S3])
    two.cases.attrs = bundled.cases.attrs
    figures = notebook_inputs.report_figures(two)
    assert value(figures, S2, "", "received") == 172 and value(figures, S2, "", "received", "basis") == "ledger"
    assert value(figures, S3, "", "received") == 135 and value(figures, S3, "", "received", "basis") == "published"
    assert value(figures, S3, "", "received", "status") == "derived"
    total = f"{S1}+{S2}+{S3}"
    assert value(figures, total, "国际港务区", "handled") == 120  # the printed total stands: no ledger covers it


def test_report_figures_limited_to_sessions(bundled):
    figures = notebook_inputs.report_figures(bundled, sessions=[S1, S2])
    assert set(figures["session"]) == {S1, S2, f"{S1}+{S2}"}
    assert value(figures, f"{S1}+{S2}", "", "received") == 331
    assert set(figures["basis"]) == {"ledger"}  # the printed three-year total covers S3 too: left out


def test_up_to_session_keeps_the_earlier_sessions_only(bundled):
    figures = notebook_inputs.report_figures(bundled)
    upto = notebook_inputs.up_to_session(figures, S2)
    assert set(upto["session"]) == {S1, S2}
    assert upto.attrs == figures.attrs
    cases = notebook_inputs.up_to_session(bundled.cases, S1)
    assert len(cases) == 159 and cases.attrs["provenance"] == bundled.cases.attrs["provenance"]
    assert len(notebook_inputs.session_cases(bundled.cases, S2)) == 172
    assert metrics.provenance(notebook_inputs.session_cases(bundled.cases, S2))[1] is True


def test_up_to_session_keeps_each_row_by_its_cell_as_it_is(bundled):
    """The loader's coded column and a hand-made one (padded, blank, a total, a missing cell) keep the same rows."""
    cells = [S1, f" {S2}", "", None, f"{S1}+{S2}", S2, S3, "".join(["十八届人大", "二次会议"])]
    frame = pd.DataFrame({"session": pd.array(cells, dtype="string"), "n": range(len(cells))})
    # decided on each distinct cell as it is: a padded or blank label sorts as its text does
    keep = [c is not None and not metrics.is_total_label(c) and sessions.session_sort_key(c) <=
            sessions.session_sort_key(S2) for c in cells]
    assert notebook_inputs.up_to_session(frame, S2)["n"].tolist() == [i for i, k in enumerate(keep) if k]
    loaded = bundled.cases
    for label in (S1, S2):
        expected = loaded[loaded["session"].map(lambda c, label=label: sessions.session_sort_key(c) <=
                                                sessions.session_sort_key(label)).to_numpy(dtype=bool)]
        pd.testing.assert_frame_equal(notebook_inputs.up_to_session(loaded, label), expected.reset_index(drop=True))


def test_up_to_the_latest_session_is_every_row_and_stays_apart_from_the_ledger(bundled):
    cases = bundled.cases.copy()
    cases.index = pd.RangeIndex(10, 10 + len(cases))  # a frame whose index does not start at 0
    upto = notebook_inputs.up_to_session(cases, S3)
    pd.testing.assert_frame_equal(upto, cases[cases["session"].notna().to_numpy()].reset_index(drop=True))
    assert upto.attrs == cases.attrs
    # no copy was made, yet an edit on either side leaves the other as it was, and the counts follow each
    before = metrics.session_overview(cases)
    upto.loc[0, "handler"] = "区法院"
    cases.loc[11, "session"] = None
    assert cases.loc[10, "handler"] != "区法院" and upto.loc[1, "session"] == S1
    pd.testing.assert_frame_equal(metrics.session_overview(upto), metrics.session_overview(
        bundled.cases.assign(handler=upto["handler"].to_numpy())))
    assert value(metrics.session_overview(cases), S1, "", "received") == value(before, S1, "", "received") - 1


# ---------------------------------------------------------------------------------------
# The parameters contract: what papermill injected, checked against what the cell declares
# ---------------------------------------------------------------------------------------

DECLARED = {"ledger_files": list[str], "lang": str, "pseudonymise": bool, "session": str, "top": int,
            "fraction": float, "years": list[int]}
DEFAULTS = {"ledger_files": [], "lang": "zh", "pseudonymise": False, "session": "", "top": 0, "fraction": 0.1,
            "years": []}
PARAMETERS_CELL = 'lang: str = "zh"  # language\nsession: str = ""  # session'


def kernel_namespace(injected: str | None = None, **values) -> dict:
    """globals() of a kernel at the cell after the parameters: its history (In) and the annotated defaults."""
    history = ["", PARAMETERS_CELL, *([injected] if injected is not None else []), "notebook_inputs.check_parameters()"]
    return {"In": history, "__annotations__": dict(DECLARED), **DEFAULTS, **values}


def refusal(namespace: dict):
    with pytest.raises(DataError) as error:
        notebook_inputs.check_parameters(namespace)
    assert len(error.value.problems) == 1 and len(str(error.value).splitlines()) == 1  # one line
    return error.value.problems[0]


def test_the_defaults_and_good_injected_values_pass():
    notebook_inputs.check_parameters(kernel_namespace())  # JupyterLab, nbval: nothing injected
    injected = '# Parameters\nledger_files = "台账.xlsx"\nsession = 2023\nfraction = 1\ntop = 5\nyears = 2020\n'
    notebook_inputs.check_parameters(kernel_namespace(injected, ledger_files="台账.xlsx", session=2023, fraction=1,
                                                      top=5, years=2020))
    notebook_inputs.check_parameters(kernel_namespace("# Parameters\nyears = [2019, 2020]\n", years=[2019, 2020]))


def test_a_misspelt_parameter_is_named_with_the_one_it_resembles():
    problem = refusal(kernel_namespace('# Parameters\nsesion = "x"\n', sesion="x"))
    assert (problem.column, problem.value, problem.code) == ("sesion", "x", "unknown_parameter")
    assert "did you mean session?" in problem.message_en and "是不是 session" in problem.message
    assert problem.allowed == "、".join(DECLARED)


def test_only_papermills_injected_cell_is_read_for_names():
    # A cell a person ran just before (JupyterLab) assigns names too: none of them is a parameter.
    notebook_inputs.check_parameters(kernel_namespace("inputs = 1\nfigures = 2", inputs=1, figures=2))
    assert notebook_inputs.injected_names(["# Parameters\na = 1\nb, c = 2, 3\n", "now"]) == ["a"]
    assert notebook_inputs.injected_names(["# Parameters\nnot python (\n", "now"]) == []
    assert notebook_inputs.injected_names(["now"]) == []


@pytest.mark.parametrize("name, value, words", [
    ("lang", "fr", '"zh" / "en"'),
    ("top", "abc", "10"),
    ("top", -1, "0（全部 all）或正整数 or a whole number > 0"),
    ("top", True, "10"),
    ("pseudonymise", "yes", "True / False"),
    ("fraction", "0.1", "0.1"),
    ("ledger_files", 42, '["台账.xlsx"]'),
    ("ledger_files", [1, 2], '["台账.xlsx"]'),
    ("session", ["十八届人大一次会议"], '"十八届人大二次会议"'),
    ("years", ["去年"], "[2019, 2020]"),
    ("years", [2019, True], "[2019, 2020]"),
])
def test_a_value_of_the_wrong_kind_names_the_parameter_and_what_is_allowed(name, value, words):
    problem = refusal(kernel_namespace(f"# Parameters\n{name} = {value!r}\n", **{name: value}))
    assert (problem.column, problem.value, problem.allowed) == (name, str(value), words)
    # …also when a person typed it into the parameters cell (nothing injected)
    assert refusal(kernel_namespace(**{name: value})).column == name


def test_a_citys_ledger_of_2024_and_a_report_of_2019_are_picked_in_order_of_year():
    # the ledger prints no year: its session's is that of its dates (Excel serials 45366 = 2024-03-15)
    from analysis import views

    data = Path(__file__).resolve().parents[1] / "data"
    inputs = notebook_inputs.load_inputs([str(data / "hostile" / "city_ledger_gbk.csv")],
                                         [str(data / "published" / "U03.csv")])
    years = notebook_inputs.period_years(inputs)
    assert years == {"十七届人大三次会议": 2024, "2019年度": 2019}
    assert notebook_inputs.pick_sessions([], inputs) == ["2019年度", "十七届人大三次会议"]
    # a year and a session are not 'from … to …' (nothing says what lies between): each is named, in order
    assert views.sessions_span(["十七届人大三次会议", "2019年度"], "zh", years) == "2019年度和十七届人大三次会议"
    assert views.sessions_span(["十七届人大三次会议", "2019年度"]) == "十七届人大三次会议和2019年度"  # no years known
    figures = notebook_inputs.report_figures(inputs)
    assert set(notebook_inputs.up_to_session(figures, "十七届人大三次会议")["session"]) == {"2019年度", "十七届人大三次会议"}
    assert set(notebook_inputs.up_to_session(figures, "2019年度")["session"]) == {"2019年度"}
