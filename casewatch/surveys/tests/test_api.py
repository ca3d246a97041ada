"""The authenticated API: import an XLSForm, set up a wave, read results with their formulas."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casewatch.core.models import Unit
from casewatch.surveys import services
from casewatch.surveys.factories import bulk_responses


def test_import_create_wave_and_read_results(instruments, zhenhai_user):
    c = Client()
    c.force_login(zhenhai_user)
    upload = SimpleUploadedFile("m1.xlsx", services.export_xlsform(instruments["courtools_m1"]))
    imported = c.post("/api/v1/surveys/instruments/import?publish=true", {"file": upload})
    assert imported.status_code == 201
    body = imported.json()
    assert body["code"] == "courtools_m1" and body["version"] == 2 and body["status"] == "published"
    detail = c.get(f"/api/v1/surveys/instruments/{body['id']}").json()
    assert len([i for i in detail["items"] if i["dimension"] == "fairness"]) == 5
    bad = c.post("/api/v1/surveys/instruments/import", {"file": SimpleUploadedFile("x.xlsx", b"nope")})
    assert bad.status_code == 422 and "XLSForm" in bad.json()["message"]

    today = dt.date.today()
    created = c.post(
        "/api/v1/surveys/waves",
        {
            "name": "法院出口调查",
            "unit_code": "330211",
            "period_start": str(today - dt.timedelta(days=1)),
            "period_end": str(today + dt.timedelta(days=30)),
            "top_box": 2,
            "targets": [{"respondent_group": "court_user", "instrument_id": body["id"], "sample_size": 400}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    wave_id = created.json()["id"]
    assert (
        c.post(
            f"/api/v1/surveys/waves/{wave_id}/status", {"status": "open"}, content_type="application/json"
        ).json()["status"]
        == "open"
    )
    outside = c.post(
        "/api/v1/surveys/waves",
        {**created.json(), "unit_code": "330212", "period_start": str(today), "period_end": str(today)},
        content_type="application/json",
    )
    assert outside.status_code == 404

    from casewatch.surveys.models import Instrument, Wave

    m1 = Instrument.objects.get(pk=body["id"])
    row = (
        {f"a{k:02d}": "5" for k in range(1, 11)}
        | {"appeared": "yes"}
        | {f"f{k:02d}": "4" for k in range(1, 6)}
    )
    bulk_responses(
        Wave.objects.get(pk=wave_id),
        m1,
        Unit.objects.get(code="330211-CRT-SG"),
        [row, {**row, "a09": "na", "f01": "2"}],
        group="court_user",
    )
    res = c.get(f"/api/v1/surveys/waves/{wave_id}/results?top_box=2").json()
    assert res["overall"]["valid"] == 29 and res["overall"]["not_applicable"] == 1
    assert res["overall"]["satisfied"] == 28
    assert {r["key"] for r in res["by_dimension"]} == {"access", "fairness"}
    assert "Wilson" in res["formulas"]["wilson"]
    assert c.get(f"/api/v1/surveys/waves/{wave_id}/results?top_box=11").status_code == 422
    job = c.post(
        f"/api/v1/surveys/waves/{wave_id}/exports",
        {"format": "xlsx", "instrument_id": body["id"]},
        content_type="application/json",
    )
    assert job.status_code == 202 and job.json()["kind"] == "surveys.export"
