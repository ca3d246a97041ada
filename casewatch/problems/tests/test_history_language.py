"""Problem history and audit details in the reader's language (issue 12, item 11): states and
verbs are stored as codes (history and audit trail are append-only) and shown by their labels."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils import translation

from casewatch.core.audit_text import details_text, message_text
from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.problems import services
from casewatch.problems.choices import ProblemAction, ProblemStatus
from casewatch.problems.tests.conftest import make_problem


def _history_cells(html: str) -> str:
    return html.split('data-testid="history"', 1)[1].split("</table>", 1)[0]


def test_problem_history_shows_state_labels(client, world):
    problem = make_problem()
    services.assign(world.user("haishu_sup"), problem.pk, world.user("handler"))
    client.force_login(world.user("haishu_sup"))
    history = _history_cells(
        client.get(reverse("problems:problem_detail", args=[problem.pk])).content.decode()
    )
    assert f"{ProblemStatus.OPEN.label} → {ProblemStatus.ASSIGNED.label}" in history
    assert "open → assigned" not in history and "open" not in history.replace("pstatus-open", "")


def test_audit_message_of_a_transition_is_translated(client, world):
    problem = make_problem()
    services.assign(world.user("haishu_sup"), problem.pk, world.user("handler"))
    record = AuditLog.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).latest("id")
    assert record.message == "problem assign: open → assigned"  # stored as written (codes)
    with translation.override("zh-hans"):
        text = message_text(record.message)
        assert str(ProblemStatus.OPEN.label) in text and str(ProblemStatus.ASSIGNED.label) in text
        assert str(ProblemAction.ASSIGN.label) in text and "assign" not in text and "problem" not in text
        after = details_text(record.object_type, {"status": "assigned"})
        assert after == f"状态：{ProblemStatus.ASSIGNED.label}"
    with translation.override("en"):
        assert message_text(record.message) == "Problem: Assigned, Open → Assigned"
    assert message_text("something no pattern knows") == "something no pattern knows"

    client.force_login(world.user("auditor"))
    page = client.get(reverse("core:audit_list") + "?action=transition").content.decode()
    assert (
        "open → assigned" not in page
        and f"{ProblemStatus.OPEN.label} → {ProblemStatus.ASSIGNED.label}" in page
    )
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/audit/?export=csv&action=transition").streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert not any("open → assigned" in cell for row in rows for cell in row)
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_other_apps_messages_and_object_types_are_translated():
    from casewatch.core.audit_text import object_type_label

    with translation.override("zh-hans"):
        text = message_text("deadlines refreshed as of 2024-07-20: 3 cases, 1 persons")
        assert text == "审限按 2024-07-20 重新计算：3 件案件，1 名在押人员"
        assert "已消除" in message_text(
            "screening incremental on duckdb: 2 new, 5 unchanged, 1 resolved (succeeded)"
        )
        assert object_type_label("deadlines.refresh") == "审限重新计算"
        assert object_type_label("problems.problem") == "问题"
        assert object_type_label("nothing.known") == "nothing.known"
