"""Raw data export: a job, streamed in chunks, no cap — including 200,000 responses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from casewatch.core import jobs
from casewatch.core.models import Job, Unit
from casewatch.surveys import services
from casewatch.surveys.exports import CHUNK, write_export
from casewatch.surveys.factories import WaveFactory, bulk_responses, insert_rows
from casewatch.surveys.models import Answer, Response
from casewatch.surveys.xlsform import ChoiceSpec, InstrumentSpec, ItemSpec


@pytest.fixture
def small(instruments, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    wave = WaveFactory()
    wave.targets.create(respondent_group="resident", instrument=instruments["resident"], sample_size=10)
    rows = [
        {
            "age_group": "30_44",
            "contact": "yes",
            "agencies": ["police", "court"],
            "police_process": "5",
            "court_process": "na",
            "public_fairness": "4",
            "public_transparency": "=1+1",
            "overall": "5",
            "comment": '=HYPERLINK("x")',
        },
        {
            "age_group": "60_plus",
            "contact": "no",
            "public_fairness": "2",
            "public_transparency": "3",
            "overall": "3",
        },
    ]
    bulk_responses(
        wave,
        instruments["resident"],
        Unit.objects.get(code="330211"),
        rows[:1] + [{k: v for k, v in rows[1].items()}],
    )
    return wave, instruments["resident"]


def test_wide_csv_with_codes(small, zhenhai_user, tmp_path):
    wave, instrument = small
    path = tmp_path / "wide.csv"
    rows = write_export(zhenhai_user, [wave.pk], path, fmt="csv", instrument_id=instrument.pk)
    assert rows == 2
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    first = next(r for r in table if r["age_group"] == "30_44")
    assert (
        first["agencies"] == "police court"
        and first["agencies/police"] == "1"
        and first["agencies/justice"] == "0"
    )
    assert first["court_process"] == "na" and first["district"] == "330211"
    assert first["comment"].startswith("'=")  # formula injection neutralised
    second = next(r for r in table if r["age_group"] == "60_plus")
    assert second["agencies"] == "" and second["agencies/police"] == ""


def test_xlsx_with_labels_and_long_csv(small, zhenhai_user, tmp_path):
    wave, instrument = small
    path = tmp_path / "wide.xlsx"
    write_export(
        zhenhai_user,
        [wave.pk],
        path,
        fmt="xlsx",
        instrument_id=instrument.pk,
        labels=True,
        language="zh-hans",
    )
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert "您的年龄" in header and "区县" in header
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "不了解" in values and "镇海区" in values
    long_path = tmp_path / "long.csv"
    rows = write_export(zhenhai_user, [wave.pk], long_path, fmt="csv")
    assert rows == Answer.objects.count()


def test_export_job_and_scope(small, zhenhai_user, yinzhou_user):
    wave, instrument = small
    job = jobs.enqueue(
        "surveys.export", yinzhou_user, wave_ids=[wave.pk], fmt="csv", instrument_id=instrument.pk
    )
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["rows"] == 0  # nothing of 镇海 leaks to 鄞州
    mine = jobs.enqueue("surveys.export", zhenhai_user, wave_ids=[wave.pk], fmt="xlsx")
    jobs.run_pending()
    assert Job.objects.get(pk=mine.pk).result["rows"] == Answer.objects.count()


@pytest.mark.slow
def test_export_of_200000_responses_streams_without_a_cap(org, zhenhai_user, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    spec = InstrumentSpec(
        code="big",
        title_zh="大样本",
        respondent_group="resident",
        items=[ItemSpec("overall", "likert", "总体", "Overall", list_name="sat5", dimension="overall")],
        choices=[ChoiceSpec("sat5", str(k), str(k), str(k), float(k)) for k in range(1, 6)]
        + [ChoiceSpec("sat5", "na", "不了解", "N/A", None)],
    )
    instrument = services.create_instrument(None, spec, publish=True)
    item = instrument.items.get()
    wave = WaveFactory()
    unit = Unit.objects.get(code="330211")
    n = 200_000
    started = time.perf_counter()
    day = dt.date.today()
    # sorted keys: B-tree inserts in order are several times faster than random ones
    rng = random.Random(5)
    ids = [uuid.UUID(int=i) for i in sorted(rng.getrandbits(128) for _ in range(n))]
    answer_ids = [uuid.UUID(int=i) for i in sorted(rng.getrandbits(128) for _ in range(n))]
    common = {
        "wave_id": wave.pk,
        "instrument_id": instrument.pk,
        "unit_id": unit.pk,
        "district_code": "330211",
        "agency_kind": "",
        "case_type": "",
        "respondent_group": "resident",
        "channel": "public",
        "language": "zh",
        "submitted_on": day,
    }
    insert_rows(Response, [{"id": pk, "client_key": pk.hex, **common} for pk in ids])
    insert_rows(
        Answer,
        [
            {
                "id": answer_ids[k],
                "response_id": pk,
                "item_id": item.pk,
                "value": str(1 + k % 5),
                "score": float(1 + k % 5),
                "na": False,
                "number": None,
                "text": "",
            }
            for k, pk in enumerate(ids)
        ],
    )
    assert Response.objects.count() == n
    created = time.perf_counter() - started
    progress = []
    original = jobs.JobContext.set_progress
    monkeypatch.setattr(
        jobs.JobContext,
        "set_progress",
        lambda self, pct, msg="": (progress.append(pct), original(self, pct, msg))[1],
    )
    started = time.perf_counter()
    job = jobs.enqueue(
        "surveys.export", zhenhai_user, wave_ids=[wave.pk], fmt="csv", instrument_id=instrument.pk
    )
    jobs.run_pending()  # what `casewatch worker` does: no time limit, no row cap
    exported = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["rows"] == n
    path = Path(job.result["path"])
    with path.open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in fh) == n + 1
    assert len(progress) == -(-n // CHUNK) and progress[-1] == 100.0  # written chunk by chunk, to the end
    print(
        f"\n200k export: created in {created:.1f}s, exported in {exported:.1f}s ({path.stat().st_size / 1e6:.1f} MB)"
    )
    # the download streams the file from disk
    client = Client()
    client.force_login(zhenhai_user)
    response = client.get(f"/surveys/exports/{job.pk}/download/")
    assert response.streaming and int(response["Content-Length"]) == path.stat().st_size
