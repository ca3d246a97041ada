"""Rating scales of 3 to 11 points (top-k, 0–100 rescale) and the bulk import of responses."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from casewatch.core.models import Unit
from casewatch.surveys import importing, results, services
from casewatch.surveys.factories import WaveFactory
from casewatch.surveys.models import Answer, Response
from casewatch.surveys.stats import Metrics
from casewatch.surveys.xlsform import (
    ChoiceSpec,
    InstrumentSpec,
    ItemSpec,
    build_xlsform,
    parse_xlsform,
    rating_scale,
)

D = dt.date


def _block(scores):
    counts = {}
    for s in scores:
        counts[s] = counts.get(s, 0) + 1
    return {"na": 0, "counts": counts}


# --- Metrics on any scale, by hand ------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "scores", "k", "satisfied", "index"),
    [
        ((1, 3), [3, 3, 2, 1], 2, 3, 62.5),  # (s − 1)/2·100: 100 100 50 0; top 2 of 3 = 2–3
        ((1, 3), [3, 3, 2, 1], 1, 2, 62.5),
        ((1, 3), [3, 3, 2, 1], 5, 3, 62.5),  # k capped at points − 1: the lowest box never satisfied
        ((1, 7), [7, 6, 5, 4, 1], 2, 2, 60.0),  # 100 83.3 66.7 50 0
        ((1, 10), [10, 9, 1], 3, 2, 1700 / 27),  # 100 88.9 0 → 62.96
        ((0, 10), [10, 9, 0, 5], 2, 2, 60.0),  # score × 10
    ],
)
def test_metrics_on_3_7_10_11_point_scales(scale, scores, k, satisfied, index):
    m = Metrics(top_box=k)
    m.add(_block(scores), scale=scale)
    assert (m.n, m.satisfied) == (len(scores), satisfied)
    assert m.index == pytest.approx(index)
    assert m.counts == [scores.count(p) for p in range(scale[0], scale[1] + 1)]


def test_metrics_mixed_scales_pool_rescaled_values():
    m = Metrics(top_box=2)
    m.add(_block([3, 1]), scale=(1, 3))  # 100, 0; satisfied: 3
    m.add(_block([10, 0]), scale=(0, 10))  # 100, 0; satisfied: 10
    assert (m.n, m.satisfied, m.index, m.counts, m.scale) == (4, 2, 50.0, [], None)
    with pytest.raises(ValueError, match="3 to 11"):
        Metrics().add(_block([1]), scale=(1, 2))
    with pytest.raises(ValueError, match="outside"):
        Metrics().add(_block([6]), scale=(1, 5))


def test_rating_scale_detection():
    def opts(names, na=True):
        return [{"name": str(n)} for n in names] + ([{"name": "na"}] if na else [])

    assert rating_scale(opts(range(1, 4))) == (1, 3)
    assert rating_scale(opts(range(1, 8))) == (1, 7)
    assert rating_scale(opts(range(1, 11))) == (1, 10)
    assert rating_scale(opts(range(0, 11))) == (0, 10)
    assert rating_scale(opts([1, 2], na=False)) is None  # 2 points
    assert rating_scale(opts(range(0, 12))) is None  # 12 points
    assert rating_scale(opts([1, 2, 4])) is None  # not consecutive
    assert rating_scale(
        [{"name": "a", "score": 1}, {"name": "b", "score": 2}, {"name": "c", "score": 3}]
    ) == (1, 3)


def _spec(code="scales"):
    s11 = [ChoiceSpec("s11", str(k), str(k), str(k), float(k)) for k in range(0, 11)]
    s3 = [
        ChoiceSpec("s3", str(k), lab, lab, float(k)) for k, lab in ((1, "不满意"), (2, "一般"), (3, "满意"))
    ]
    return InstrumentSpec(
        code=code,
        title_zh="量表测评",
        title_en="Scales",
        respondent_group="resident",
        items=[
            ItemSpec(
                "a",
                "likert",
                "法院公正",
                "Court fairness",
                list_name="s11",
                dimension="fairness",
                agency="court",
                required=True,
                group_name="grp",
                group_label_zh="法院",
            ),
            ItemSpec(
                "b",
                "likert",
                "公安态度",
                "Police respect",
                list_name="s3",
                dimension="respect",
                agency="police",
            ),
            ItemSpec("m", "select_multiple", "接触过的机关", "Agencies met", list_name="ag"),
        ],  # fmt: skip
        choices=s11
        + s3
        + [ChoiceSpec("s3", "na", "不了解", "Don't know")]
        + [ChoiceSpec("ag", "police", "公安", "Police"), ChoiceSpec("ag", "court", "法院", "Court")],
    )


def test_xlsform_round_trip_of_11_and_3_point_scales():
    spec, _warnings = parse_xlsform(build_xlsform(_spec()), "scales.xlsx")
    kinds = {i.name: i.kind for i in spec.items}
    assert kinds == {"a": "likert", "b": "likert", "m": "select_multiple"}
    assert [c.score for c in spec.choices if c.list_name == "s11"] == [float(k) for k in range(11)]
    assert [c.score for c in spec.choices if c.list_name == "s3"] == [1.0, 2.0, 3.0, None]


# --- the database: results and import -------------------------------------------------------------


@pytest.fixture
def setup(instruments, zhenhai_user):
    instrument = services.create_instrument(None, _spec(), publish=True)
    wave = WaveFactory(name="W", period_start=D(2025, 3, 1), period_end=D(2025, 3, 31), top_box=2)
    wave.targets.create(respondent_group="resident", instrument=instrument, sample_size=20)
    return instrument, wave, Unit.objects.get(code="330211")


KOBO = (
    "start;end;grp/a;b;m;m/police;m/court;_id;_uuid;_submission_time;meta/instanceID\n"
    "2025-03-05T10:00:01;2025-03-05T10:03:00;10;3;police court;1;1;11;u-1;2025-03-05T10:03:09;uuid:1\n"
    "2025-03-06T09:00:00;2025-03-06T09:02:00;9;na;court;0;1;12;u-2;2025-03-06T09:02:07;uuid:2\n"
    "2025-03-07T09:00:00;2025-03-07T09:02:00;0;1;;0;0;13;u-3;2025-03-07T09:02:40;uuid:3\n"
)


def _import(user, setup, text, name="kobo.csv", **kw):
    instrument, wave, unit = setup
    data = text.encode() if isinstance(text, str) else text
    return importing.import_responses(user, wave, instrument, unit, data, name, today=D(2025, 3, 31), **kw)


def test_import_kobo_csv_and_results(setup, zhenhai_user):
    result = _import(zhenhai_user, setup, KOBO)
    assert result.committed and (result.rows, result.stored) == (3, 3), result.issues
    assert not result.errors
    responses = Response.objects.filter(wave=setup[1])
    assert sorted(r.submitted_on for r in responses) == [D(2025, 3, 5), D(2025, 3, 6), D(2025, 3, 7)]
    assert {r.channel for r in responses} == {"paper"} and {r.district_code for r in responses} == {"330211"}
    assert sorted(Answer.objects.filter(item__name="a").values_list("score", flat=True)) == [0.0, 9.0, 10.0]
    assert sorted(Answer.objects.filter(item__name="m").values_list("value", flat=True)) == [
        "court",
        "court",
        "police",
    ]
    stored = " ".join(str(v) for r in responses for v in r.__dict__.values())
    assert (
        "u-1" not in stored and "uuid:1" not in stored and "10:03" not in stored
    )  # no platform ids, no times
    res = results.compute(zhenhai_user, [setup[1]])
    a = next(r.metrics for r in res.by_item if r.key == "a")
    assert (a.n, a.satisfied, a.index) == (3, 2, pytest.approx(190 / 3))  # 100 90 0; top 2 = 9–10
    b = next(r.metrics for r in res.by_item if r.key == "b")
    assert (b.n, b.n_na, b.satisfied, b.index) == (2, 1, 1, pytest.approx(50.0))  # 3 and 1 on 1–3


def test_import_xlsx_with_label_headers(setup, zhenhai_user):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["填写日期", "Court fairness", "公安态度"])
    ws.append([dt.datetime(2025, 3, 9), 7, 2])
    buf = io.BytesIO()
    book.save(buf)
    result = _import(zhenhai_user, setup, buf.getvalue(), "paper.xlsx", channel="import")
    assert result.stored == 1, result.issues
    assert Response.objects.get(wave=setup[1]).channel == "import"


def test_out_of_scale_refuses_the_whole_file(setup, zhenhai_user):
    bad = KOBO.replace(";9;na;", ";12;na;")
    result = _import(zhenhai_user, setup, bad)
    assert not result.committed and result.stored == 0 and Response.objects.count() == 0
    (issue,) = result.errors
    assert (issue.file, issue.row, issue.column, issue.field, issue.value, issue.code) == (
        "kobo.csv", 3, "grp/a", "a", "12", "out_of_scale"
    )  # fmt: skip
    assert (
        "0–10" in issue.reason_zh
        and "量表" in issue.reason_zh
        and "outside the scale 0–10" in issue.reason_en
    )
    kept = _import(zhenhai_user, setup, bad, skip_invalid=True)
    assert kept.committed and (kept.stored, kept.skipped) == (2, 1)
    assert Response.objects.count() == 2


def test_reimport_stores_nothing_twice(setup, zhenhai_user):
    assert _import(zhenhai_user, setup, KOBO).stored == 3
    again = _import(zhenhai_user, setup, KOBO)
    assert not again.committed and {i.code for i in again.errors} == {"already_imported"}
    assert Response.objects.count() == 3


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("", "x.csv", "empty_file"),
        ("grp/a;b\n", "x.csv", "no_rows"),
        ("foo;bar\n1;2\n", "x.csv", "no_question_columns"),
        (b"PK\x03\x04garbage", "x.xlsx", "unreadable"),
        ("a\n1\n", "x.pdf", "unsupported_type"),
        ("grp/a;b;_submission_time\n5;1;2025-04-02T10:00:00\n", "x.csv", "date_outside_wave"),
        ("grp/a;b;date\n5;1;March\n", "x.csv", "bad_date"),
        ("b\n1\n", "x.csv", "invalid_answer"),  # a is required
        ("grp/a;b;b\n5;1;1\n", "x.csv", "duplicate_column"),
        ("grp/a;b\n5;4\n", "x.csv", "out_of_scale"),  # b is a 3-point scale
        ("grp/a;m\n5;army\n", "x.csv", "invalid_answer"),
    ],
)
def test_bad_files(setup, zhenhai_user, text, name, code):
    result = _import(zhenhai_user, setup, text, name)
    assert code in {i.code for i in result.errors}, result.issues
    assert not result.committed and Response.objects.count() == 0
    for i in result.errors:
        assert i.reason_zh and i.reason_en and i.file == name


def test_import_scope(setup, yinzhou_user):
    with pytest.raises(PermissionDenied):
        _import(yinzhou_user, setup, KOBO)


def test_cli_writes_reports_and_refuses(setup, zhenhai_user, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(KOBO.replace(";9;na;", ";12;na;"), encoding="utf-8")
    out = io.StringIO()
    args = [str(path), "--wave", str(setup[1].pk), "--instrument", "scales", "--unit", "330211",
            "--as-user", zhenhai_user.username, "--report-dir", str(tmp_path)]  # fmt: skip
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("surveys-import", *args, stdout=out)
    report = (tmp_path / "paper.errors.csv").read_text(encoding="utf-8-sig")
    assert "out_of_scale" in report and "grp/a" in report
    assert openpyxl.load_workbook(tmp_path / "paper.errors.xlsx").active.max_row == 2
    call_command("surveys-import", *args, "--skip-invalid", stdout=out)
    assert "3 rows, 2 stored, 1 refused" in out.getvalue() and Response.objects.count() == 2


def test_upload_page_reports_and_stores(client, setup, zhenhai_user, yinzhou_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    instrument, wave, _unit = setup
    url = f"/surveys/waves/{wave.pk}/import/"
    client.force_login(zhenhai_user)
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("kobo.csv", KOBO.replace(";9;na;", ";12;na;").encode(), content_type="text/csv")
    data = {"instrument": instrument.pk, "unit_code": "330211", "channel": "paper"}
    page = client.post(url, {**data, "file": bad})
    html = page.content.decode()
    assert page.status_code == 200
    assert "评分不在量表 0–10 之内" in html and "outside the scale 0–10" in html and "grp/a" in html
    assert Response.objects.count() == 0
    link = next(part.split('"')[0] for part in html.split('href="') if "/import/" in part and ".csv" in part)
    report = client.get(link)
    assert report.status_code == 200 and "out_of_scale" in b"".join(report.streaming_content).decode(
        "utf-8-sig"
    )
    good = SimpleUploadedFile("kobo.csv", KOBO.encode(), content_type="text/csv")
    assert client.post(url, {**data, "file": good}).status_code == 200
    assert Response.objects.count() == 3
    client.force_login(yinzhou_user)
    assert client.get(url).status_code == 404  # another district's wave
    assert client.get(link).status_code == 404


def test_import_api(client, setup, zhenhai_user, yinzhou_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    instrument, wave, _unit = setup
    url = f"/api/v1/surveys/waves/{wave.pk}/responses/import?instrument_id={instrument.pk}&unit_code=330211"
    client.force_login(zhenhai_user)
    bad = client.post(url, {"file": SimpleUploadedFile("k.csv", KOBO.replace(";9;na;", ";12;na;").encode())})
    assert bad.status_code == 422 and bad.json()["stored"] == 0
    (issue,) = [i for i in bad.json()["issues"] if i["severity"] == "error"]
    assert (issue["row"], issue["column"], issue["code"]) == (3, "grp/a", "out_of_scale")
    ok = client.post(url + "&skip_invalid=true", {"file": SimpleUploadedFile("k.csv", KOBO.encode())})
    assert ok.status_code == 201 and ok.json()["stored"] == 3
    client.force_login(yinzhou_user)
    denied = client.post(url, {"file": SimpleUploadedFile("k.csv", KOBO.encode())})
    assert denied.status_code == 404  # the wave is outside 鄞州's scope
