"""XLSForm: pyxform parses the shipped files; import → export → import is lossless; authoring in the UI."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from pyxform.xls2xform import convert

from casewatch.surveys import expressions, services
from casewatch.surveys.instruments import catalogue
from casewatch.surveys.xlsform import XLSFormError, build_xlsform, parse_xlsform

DIMENSIONS = {"process", "outcome", "respect", "efficiency", "transparency", "integrity"}
AGENCIES = {"police", "procuratorate", "court", "justice"}


@pytest.mark.parametrize("code", sorted(catalogue.SHIPPED))
def test_shipped_files_are_valid_xlsforms(code):
    path = catalogue.shipped_files()[code]
    result = convert(xlsform=str(path))  # pyxform's own conversion to an ODK XForm
    assert "<h:html" in result.xform
    assert 'lang="zh"' in result.xform and 'lang="en"' in result.xform
    spec, warnings = parse_xlsform(path.read_bytes(), path.name)
    assert spec.code == code and warnings == []
    # the shipped file is what catalogue.py describes
    assert spec.as_dict() == catalogue.SHIPPED[code]().as_dict()


@pytest.mark.parametrize("code", ["party", "lawyer", "resident"])
def test_pilot_instruments_rate_six_dimensions_per_agency(code):
    spec = catalogue.SHIPPED[code]()
    cells = {(i.agency, i.dimension) for i in spec.items if i.kind == "likert" and i.agency}
    assert cells == {(a, d) for a in AGENCIES for d in DIMENSIONS}
    rated = [i for i in spec.items if i.kind == "likert"]
    lists = spec.choice_lists()
    for item in rated:
        options = lists[item.list_name]
        assert [c.score for c in options if c.score is not None] == [1, 2, 3, 4, 5]
        assert [c.name for c in options if c.score is None] == ["na"]  # the separate 不了解
        assert item.label_zh and item.label_en
    # every agency block is behind skip logic on the agencies question
    assert all("selected(${agencies}" in i.group_relevant for i in spec.items if i.agency)


def test_courtools_measure_one():
    spec = catalogue.courtools_m1()
    access = [i for i in spec.items if i.dimension == "access"]
    fairness = [i for i in spec.items if i.dimension == "fairness"]
    assert len(access) == 10 and len(fairness) == 5
    assert all(i.group_relevant == "${appeared} = 'yes'" for i in fairness)
    assert spec.respondent_group == "court_user"


def test_round_trip_through_the_database(instruments):
    for instrument in instruments.values():
        exported = services.export_xlsform(instrument)
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        assert workbook.sheetnames == ["survey", "choices", "settings"]
        assert "label::zh" in [c.value for c in workbook["survey"][1]]
        spec, _w = parse_xlsform(exported, "x.xlsx")
        assert spec.as_dict() == services.spec_from_instrument(instrument).as_dict()
        assert convert(xlsform=io.BytesIO(exported)).xform


def test_import_creates_the_next_version(zhenhai_user, instruments):
    data = services.export_xlsform(instruments["resident"])
    again, warnings = services.import_xlsform(zhenhai_user, data, "resident.xlsx")
    assert again.version == instruments["resident"].version + 1
    assert warnings and again.status == "draft"
    assert again.items.count() == instruments["resident"].items.count()
    assert again.unit.code == "330211"


def _workbook(survey_rows, choices_rows=(), settings_row=("t", "t", "1", "zh", "resident")):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "survey"
    ws.append(["type", "name", "label::zh", "label::en", "relevant", "dimension", "agency"])
    for row in survey_rows:
        ws.append(list(row))
    cs = book.create_sheet("choices")
    cs.append(["list_name", "name", "label::zh", "label::en"])
    for row in choices_rows:
        cs.append(list(row))
    st = book.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language", "respondent_group"])
    st.append(list(settings_row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_errors_are_reported():
    with pytest.raises(XLSFormError) as err:
        parse_xlsform(
            _workbook(
                [("select_one yn", "q1", "问", "Q", "", "fairness_of_life", "army")],
                [("yn", "y", "是", "Yes"), ("yn", "n", "否", "No")],
            )
        )
    text = str(err.value)
    assert "dimension 'fairness_of_life'" in text and "agency 'army'" in text
    with pytest.raises(XLSFormError) as err:
        parse_xlsform(_workbook([("text", "q1", "问", "Q", "position(..) > 1", "", "")]))
    assert "relevance" in str(err.value)
    with pytest.raises(XLSFormError) as err:  # pyxform's own check of references
        parse_xlsform(_workbook([("text", "q1", "问", "Q", "${nope} = 'x'", "", "")]))
    assert "nope" in str(err.value)
    with pytest.raises(XLSFormError):
        parse_xlsform(b"not a workbook", "x.xlsx")


def test_language_columns_in_the_long_form():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "survey"
    ws.append(["type", "name", "label::Chinese (zh)", "label::English (en)"])
    ws.append(["integer", "age", "年龄", "Age"])
    buffer = io.BytesIO()
    book.save(buffer)
    spec, _w = parse_xlsform(buffer.getvalue(), "ages.xlsx")
    assert (spec.items[0].label_zh, spec.items[0].label_en) == ("年龄", "Age")
    assert spec.code == "ages"


def test_authoring_in_the_ui(zhenhai_user):
    draft = services.new_blank_instrument(
        zhenhai_user,
        code="court_exit",
        title_zh="出口调查",
        title_en="Exit survey",
        respondent_group="court_user",
    )
    services.save_choice_list(zhenhai_user, draft, "yn", "yes | 是 | Yes\nno | 否 | No")
    services.save_item(
        zhenhai_user,
        draft,
        {
            "name": "judge",
            "kind": "select_one",
            "list_name": "yn",
            "label_zh": "见过法官吗",
            "label_en": "Saw a judge?",
            "required": True,
        },
    )
    services.save_item(
        zhenhai_user,
        draft,
        {
            "name": "fair",
            "kind": "likert",
            "list_name": "sat5",
            "label_zh": "公平",
            "label_en": "Fair",
            "dimension": "fairness",
            "agency": "court",
            "relevant": "${judge} = 'yes'",
            "weight": 2,
        },
    )
    with pytest.raises(ValidationError):
        services.save_item(
            zhenhai_user,
            draft,
            {"name": "bad", "kind": "text", "label_zh": "x", "relevant": "${missing} = 1"},
        )
    services.move_item(zhenhai_user, draft, "fair", -1)
    assert list(draft.items.values_list("name", flat=True)) == ["intro", "fair", "judge"]
    services.move_item(zhenhai_user, draft, "fair", 1)
    published = services.publish_instrument(zhenhai_user, draft)
    assert published.status == "published"
    with pytest.raises(ValidationError):
        services.save_item(zhenhai_user, published, {"name": "x", "kind": "text", "label_zh": "x"})
    spec, _w = parse_xlsform(services.export_xlsform(published), "court_exit.xlsx")
    fair = next(i for i in spec.items if i.name == "fair")
    assert fair.weight == 2 and fair.kind == "likert" and fair.relevant == "${judge} = 'yes'"
    nxt = services.new_version(zhenhai_user, published)
    assert nxt.version == 2 and nxt.status == "draft"


def test_build_xlsform_writes_groups():
    spec = catalogue.courtools_m1()
    book = openpyxl.load_workbook(io.BytesIO(build_xlsform(spec)))
    types = [r[0].value for r in book["survey"].iter_rows(min_row=2)]
    assert types.count("begin_group") == 2 and types.count("end_group") == 2


@pytest.mark.parametrize(
    ("text", "values", "current", "expected"),
    [
        ("selected(${a}, 'police')", {"a": ["police", "court"]}, None, True),
        ("selected(${a}, 'police')", {"a": "court police"}, None, True),
        ("selected(${a}, 'justice')", {"a": ["police"]}, None, False),
        ("${q} = '1' or ${q} = '2'", {"q": "2"}, None, True),
        ("${q} = '1' or ${q} = '2'", {}, None, False),
        ("${age} >= 16", {"age": "16"}, None, True),
        ("${age} >= 16", {}, None, False),
        ("${age} != 16", {}, None, True),  # XPath: NaN != 16
        (". >= 0 and . <= 60", {}, "61", False),
        (". >= 0 and . <= 60", {}, "12", True),
        ("not(selected(${a}, 'x')) and count-selected(${a}) = 2", {"a": ["y", "z"]}, None, True),
        ("string-length(.) <= 3", {}, "abcd", False),
        ("(${n} + 1) * 2 > 5", {"n": "2"}, None, True),
    ],
)
def test_expressions(text, values, current, expected):
    assert expressions.holds(expressions.parse(text), values, current) is expected


@pytest.mark.parametrize("text", ["position(..)", "${a} = ", "today() > 1", "${a} = 'x' and"])
def test_unsupported_expressions_are_refused(text):
    with pytest.raises(expressions.ExpressionError):
        expressions.parse(text)
