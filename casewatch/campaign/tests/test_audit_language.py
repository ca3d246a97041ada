"""Campaign audit messages in the reader's language (issue 12, item 11): stored as written by
`services` (English, codes inside), shown translated with the codes by their labels."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from casewatch.campaign import services
from casewatch.campaign.choices import LinkKind
from casewatch.campaign.models import Norm
from casewatch.core.audit_text import message_text
from casewatch.core.models import AuditLog, Unit


def _last(object_type: str, pk) -> str:
    return AuditLog.objects.filter(object_type=object_type, object_id=str(pk)).latest("id").message


def test_messages_written_by_the_services_read_in_chinese_and_english(world):
    user = world.user("district_legal")
    session = world.session
    services.import_attendance(user, session, "工号\nE-004\nE-003\n".encode(), "l.csv")
    stored = _last("campaign.educationsession", session.pk)
    assert stored == "attendance list l.csv: 1 added, 1 already present"
    with translation.override("zh-hans"):
        assert message_text(stored) == "签到名单 l.csv：新增 1 人，已在名单 1 人"
    with translation.override("en"):
        assert message_text(stored) == stored

    services.sign_in(session, "E-005", "0000")
    stored = _last("campaign.educationsession", session.pk)
    assert stored == "signed in E-005"
    with translation.override("zh-hans"):
        assert message_text(stored) == "签到：工号 E-005"
    with translation.override("en"):
        assert message_text(stored) == "signed in: staff number E-005"

    norm = Norm.objects.get(title__contains="八条红线")
    services.link_norm(user, norm, LinkKind.SCREENING_RULE, "CR-04")
    stored = _last("campaign.norm", norm.pk)
    assert stored == "linked screening_rule:CR-04"
    with translation.override("zh-hans"):
        text = message_text(stored)
        assert text == f"制度规范已关联{LinkKind.SCREENING_RULE.label} CR-04"
        assert "screening_rule" not in text
    with translation.override("en"):
        assert message_text(stored) == "norm linked to Screening rule CR-04"

    unit = Unit.objects.get(code="330212-PSB")
    snap = services.freeze_report(user, unit, dt.date(2026, 1, 1), dt.date(2026, 9, 30))
    stored = _last("campaign.reportsnapshot", snap.pk)
    assert stored == f"campaign report 330212-PSB 2026-01-01..2026-09-30 frozen ({snap.digest[:12]})"
    with translation.override("zh-hans"):
        assert message_text(stored) == (
            f"活动报告已固化：330212-PSB，2026-01-01 至 2026-09-30（摘要 {snap.digest[:12]}）"
        )
    with translation.override("en"):
        assert message_text(stored) == (
            f"campaign report of 330212-PSB for 2026-01-01 to 2026-09-30 frozen (digest {snap.digest[:12]})"
        )


def test_an_unknown_message_is_shown_as_stored():
    with translation.override("zh-hans"):
        assert message_text("linked something:else") == "linked something:else"
        assert message_text("no pattern knows this") == "no pattern knows this"
