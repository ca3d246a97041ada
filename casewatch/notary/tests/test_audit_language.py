"""Notarisation audit messages in the reader's language (issue 12, item 11): stored as written
(English, codes inside), shown translated with channel, delivery and materials by their labels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from casewatch.core.audit_text import message_text
from casewatch.core.models import AuditLog
from casewatch.notary import services
from casewatch.notary.catalogue import material_label
from casewatch.notary.choices import Channel, Delivery
from casewatch.notary.models import MatterType
from casewatch.notary.tests.conftest import ID_OK, files_for, png_bytes, upload

pytestmark = pytest.mark.django_db


def _messages(since: int) -> list[str]:
    return list(
        AuditLog.objects.filter(pk__gt=since, object_type__startswith="notary.")
        .order_by("id")
        .values_list("message", flat=True)
    )


def test_messages_of_a_whole_notarisation_read_in_chinese_and_english(world):
    since = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ms = list(MatterType.objects.filter(code__in=["birth", "degree"]))
    app = services.submit_application(
        None,
        channel=Channel.ONLINE,
        office_code="330212-JUS-GZ",
        applicant_name="张三",
        id_number=ID_OK,
        phone="13812345678",
        matter_codes=["birth", "degree"],
        files=files_for(*ms),
    )
    notary = world.user("notary_in")
    birth = app.items.get(matter__code="birth")
    services.accept(notary, birth, on=dt.date(2026, 9, 29))
    services.request_materials(notary, birth, "household", "请补充户口簿首页", on=dt.date(2026, 10, 9))
    services.provide_materials(
        app.applicant_key, birth, {"household": upload("h.png", png_bytes())}, on=dt.date(2026, 10, 13)
    )
    for m in birth.materials.all():
        services.check_material(notary, m)
    services.approve(notary, birth, on=dt.date(2026, 10, 14))
    cert = services.issue(notary, birth, on=dt.date(2026, 10, 15))
    services.deliver(notary, birth, Delivery.POST, on=dt.date(2026, 10, 16))
    services.revoke(notary, cert, "材料虚假")
    services.refuse(notary, app.items.get(matter__code="degree"), "不属于公证事项")

    stored = _messages(since)
    expected_stored = [
        f"application {app.number} via online, 2 matter(s)",
        "accepted, due 2026-10-26",
        "more materials requested: household",
        "materials provided, due 2026-10-29",
        *[f"material {m.requirement} checked=True" for m in birth.materials.order_by("id")],
        "approved",
        f"certificate {cert.number} issued",
        "delivered (post)",
        f"certificate {cert.number} revoked",
        "refused",
    ]
    assert [m for m in stored if not m.startswith("material ")] == [
        m for m in expected_stored if not m.startswith("material ")
    ]
    assert sorted(m for m in stored if m.startswith("material ")) == sorted(
        m for m in expected_stored if m.startswith("material ")
    )
    household = str(material_label("household"))
    with translation.override("zh-hans"):
        texts = [message_text(m) for m in stored]
        household = str(material_label("household"))
        assert texts[0] == f"收到公证申请 {app.number}（{Channel.ONLINE.label}），共 2 个事项"
        assert texts[1:4] == [
            "公证事项已受理，办结期限 2026-10-26",
            f"已一次性告知补充材料：{household}",
            "材料已补齐，办结期限顺延至 2026-10-29",
        ]
        assert f"材料 {household} 已核验：通过" in texts
        assert texts[-5:] == [
            "公证事项审批通过",
            f"公证书 {cert.number} 已出具",
            f"公证书已送达（{Delivery.POST.label}）",
            f"公证书 {cert.number} 已撤销",
            "公证事项不予办理",
        ]
        assert not any("via" in t or "checked=" in t or "household" in t for t in texts)
        assert message_text("material household checked=False") == f"材料 {household} 已核验：未通过"
    with translation.override("en"):
        assert message_text(stored[0]) == f"application {app.number} received (Online (phone)), 2 matter(s)"
        assert message_text("delivered (post)") == "certificate delivered (By post)"
        assert message_text("approved") == "notarisation approved"


def test_the_other_formats_the_code_writes():
    # The exact sentences `importing`, `views` (downloads, certificate files), `views_review`
    # (measures export) and `standards` (sample, review) write.
    cases = {
        "imported 12 applications": ("已导入 12 件公证申请", "12 notarisation applications imported"),
        "material id_card downloaded": ("已下载材料 居民身份证", "material Identity card downloaded"),
        "certificate （2026）浙甬鄞证字第7号 as pdf": (
            "公证书 （2026）浙甬鄞证字第7号 已导出为 pdf",
            "certificate （2026）浙甬鄞证字第7号 exported as pdf",
        ),
        "notary measures 2026-01-01..2026-06-30, 3 offices": (
            "公证便民指标 2026-01-01 至 2026-06-30，共 3 个公证处",
            "notarisation measures 2026-01-01 to 2026-06-30, 3 offices",
        ),
        "review sample: seed 42, 3 of 30 items": (
            "已抽取评查样本：随机种子 42，30 件中抽取 3 件",
            "review sample drawn: seed 42, 3 of 30 items",
        ),
        "review of GZ-2026-000001: 2 finding(s)": (
            "GZ-2026-000001 评查完成：发现 2 个问题",
            "review of GZ-2026-000001: 2 finding(s)",
        ),
    }
    for stored, (zh, en) in cases.items():
        with translation.override("zh-hans"):
            assert message_text(stored) == zh, stored
        with translation.override("en"):
            assert message_text(stored) == en, stored
    with translation.override("zh-hans"):
        assert message_text("approved by nobody") == "approved by nobody"


def test_the_code_still_writes_these_formats():
    from pathlib import Path

    root = Path(services.__file__).parent
    src = {
        name: (root / name).read_text(encoding="utf-8")
        for name in ("importing.py", "views.py", "views_review.py", "standards.py")
    }
    assert 'f"imported {created} applications"' in src["importing.py"]
    assert 'f"material {material.requirement} downloaded"' in src["views.py"]
    assert 'f"certificate {cert.number} as {fmt}"' in src["views.py"]
    assert 'f"notary measures {since}..{until}, {len(rows)} offices"' in src["views_review.py"]
    assert (
        "review sample: seed {seed}, {len(result['selected'])} of {result['candidates']} items"
        in src["standards.py"]
    )
    assert 'f"review of {app.number}: {len(fails)} finding(s)"' in src["standards.py"]
