"""Intake, the time limit (hand-computed over the 2026 National Day holiday), processing, codes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casewatch.core.models import AuditLog
from casewatch.notary import codes, senders, services, workdays
from casewatch.notary.choices import Channel, ItemStatus
from casewatch.notary.models import Application, Item, Material, MatterType, OneTimeCode
from casewatch.notary.tests.conftest import ID_OK, TZ, files_for, png_bytes, upload

pytestmark = pytest.mark.django_db


def _apply(world, codes_=("birth", "degree"), channel=Channel.ONLINE, user=None, **kw):
    ms = list(MatterType.objects.filter(code__in=codes_))
    return services.submit_application(
        user,
        channel=channel,
        office_code=kw.pop("office", "330212-JUS-GZ"),
        applicant_name="张三",
        id_number=kw.pop("id_number", ID_OK),
        phone="13812345678",
        matter_codes=list(codes_),
        files=kw.pop("files", files_for(*ms)),
        **kw,
    )


def test_working_days_hand_computed_over_national_day():
    # Accepted Tue 2026-09-29. Not counted: the day itself; 10-01..10-07 holiday; 10-04 Sun;
    # counted: 09-30 (1), 10-08 (2), 10-09 (3), Sat 10-10 make-up working day (4), 10-12..16 (5-9),
    # 10-19..23 (10-14), Mon 10-26 (15).
    assert workdays.due_on(dt.date(2026, 9, 29), 15) == (dt.date(2026, 10, 26), True)
    # Waiting for materials from Fri 10-09 to Tue 10-13: 10-10 (make-up), 10-12, 10-13 = 3 days.
    assert workdays.working_days_between(dt.date(2026, 10, 9), dt.date(2026, 10, 13)) == 3
    assert workdays.due_on(dt.date(2026, 9, 29), 15, 3) == (dt.date(2026, 10, 29), True)
    # Beyond the calendar: Monday-Friday assumed and flagged as not exact.
    assert workdays.add_working_days(dt.date(2026, 12, 30), 3) == (dt.date(2027, 1, 4), False)


def test_two_matters_online_then_full_processing_with_pause(world):
    app = _apply(world)
    assert app.channel == Channel.ONLINE and app.items.count() == 2
    assert Material.objects.filter(item__application=app).count() == 5  # 3 for birth + 2 for degree
    notary = world.user("notary_in")
    birth = app.items.get(matter__code="birth")
    services.accept(notary, birth, on=dt.date(2026, 9, 29))
    birth.refresh_from_db()
    assert birth.due_on == dt.date(2026, 10, 26)
    services.request_materials(notary, birth, "household", "请补充户口簿首页", on=dt.date(2026, 10, 9))
    birth.refresh_from_db()
    assert birth.status == ItemStatus.MORE_MATERIALS
    with pytest.raises(ValidationError) as exc:
        services.provide_materials(app.applicant_key, birth, {}, on=dt.date(2026, 10, 13))
    assert "file:household" in exc.value.message_dict
    services.provide_materials(
        app.applicant_key, birth, {"household": upload("h.png", png_bytes())}, on=dt.date(2026, 10, 13)
    )
    birth.refresh_from_db()
    assert (birth.status, birth.paused_days, birth.due_on) == (ItemStatus.ACCEPTED, 3, dt.date(2026, 10, 29))
    with pytest.raises(ValidationError):  # materials not checked yet
        services.approve(notary, birth, on=dt.date(2026, 10, 14))
    for m in birth.materials.all():
        services.check_material(notary, m)
    services.approve(notary, birth, on=dt.date(2026, 10, 14))
    cert = services.issue(notary, birth, on=dt.date(2026, 10, 15))
    birth.refresh_from_db()
    # 09-30, 10-08, 09, 10, 12, 13, 14, 15 = 8 working days, less 3 waiting = 5.
    assert (birth.status, birth.net_working_days, birth.on_time) == (ItemStatus.ISSUED, 5, True)
    assert cert.facts["matter"] == "birth" and cert.facts["applicant"] == "张三"
    assert (
        AuditLog.objects.filter(
            action="transition", object_type="notary.item", object_id=str(birth.pk)
        ).count()
        == 5
    )
    with pytest.raises(ValidationError):
        services.issue(notary, birth)  # already issued: an illegal move


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_online_refuses_matter_not_online(world, lang):
    with translation.override(lang), pytest.raises(ValidationError) as exc:
        _apply(world, codes_=("birth", "will"))
    msg = " ".join(exc.value.message_dict["matters"])
    assert ("不能在线办理" in msg) if lang == "zh-hans" else ("cannot be done online" in msg)
    assert Application.objects.count() == 0 and Item.objects.count() == 0


def test_missing_material_and_fake_upload_write_nothing(world):
    birth = MatterType.objects.get(code="birth")
    files = files_for(birth)
    files.pop("birth:household")
    files["birth:id_card"] = upload("id.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as exc:
        _apply(world, codes_=("birth",), files=files)
    errs = exc.value.message_dict
    assert "file:birth:household" in errs and "file:birth:id_card" in errs
    assert Application.objects.count() == 0 and Material.objects.count() == 0


def test_png_named_pdf_is_refused(world):
    birth = MatterType.objects.get(code="birth")
    files = files_for(birth)
    files["birth:id_card"] = upload("id.pdf", png_bytes())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _apply(world, codes_=("birth",), files=files)
    assert "content is PNG" in " ".join(exc.value.message_dict["file:birth:id_card"])


def test_bad_id_number_check_digit(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _apply(world, id_number=ID_OK[:-1] + "5")
    assert "校验" in exc.value.message_dict["id_number"][0]


def test_complex_matter_only_at_designated_office(world):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.validate_application(
            channel=Channel.WINDOW,
            office_code="330205-JUS-GZ",
            applicant_name="张三",
            id_number=ID_OK,
            phone="13812345678",
            matter_codes=["inheritance"],
            files={},
            require_files=False,
        )
    assert "only at a designated office" in exc.value.message_dict["matters"][0]


def test_window_intake_scope_and_designation(world):
    ms = list(MatterType.objects.filter(code="inheritance"))
    app = _apply(
        world,
        codes_=("inheritance",),
        channel=Channel.WINDOW,
        user=world.user("notary_in"),
        files=files_for(*ms),
    )
    assert app.channel == Channel.WINDOW and app.created_by == world.user("notary_in")
    from django.http import Http404

    with pytest.raises(Http404):  # out of scope: another district's office
        _apply(world, codes_=("birth",), channel=Channel.WINDOW, user=world.user("notary_out"))


def test_one_time_code_hashed_expiring_rate_limited(world, settings):
    senders.outbox.clear()
    now = dt.datetime(2026, 5, 6, 10, 0, tzinfo=TZ)
    with pytest.raises(ValidationError):
        codes.send_code("张三", ID_OK[:-1] + "5", "13812345678", now=now)
    otc = codes.send_code("张三", ID_OK, "13812345678", now=now)
    otc.refresh_from_db()
    code = otc.code_hash  # stored value is a hash, never the code
    assert len(code) == 64
    with pytest.raises(ValidationError):
        codes.verify_code(ID_OK, "13812345678", "000000", now=now)
    assert OneTimeCode.objects.get(pk=otc.pk).attempts == 1
    with pytest.raises(ValidationError):  # expired after 10 minutes
        codes.verify_code(ID_OK, "13812345678", "123456", now=now + dt.timedelta(minutes=11))
    for i in range(4):
        codes.send_code("张三", ID_OK, "13812345678", now=now + dt.timedelta(minutes=i))
    with pytest.raises(ValidationError) as exc:
        codes.send_code("张三", ID_OK, "13812345678", now=now + dt.timedelta(minutes=5))
    assert exc.value.code == "rate"
