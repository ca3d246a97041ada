"""Survey audit messages in the reader's language (issue 12, item 11): stored as written by the
services (English), shown translated on the audit page and in its export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casewatch.core.models import Unit
from casewatch.core.testing import audit_messages_since as _new
from casewatch.core.testing import last_audit_id as _since
from casewatch.core.testing import message_in_both as _both
from casewatch.surveys import services
from casewatch.surveys.factories import make_closed_case

pytestmark = pytest.mark.django_db


def test_authoring_messages_read_in_chinese_and_english(zhenhai_user):
    since = _since()
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
        },
    )
    services.save_item(
        zhenhai_user, draft, {"name": "note2", "kind": "note", "label_zh": "说明", "label_en": "Note"}
    )
    services.delete_item(zhenhai_user, draft, "note2")
    published = services.publish_instrument(zhenhai_user, draft)
    services.retire_instrument(zhenhai_user, published)
    stored = _new(since)
    assert stored == [
        "choice list yn saved",
        "item judge saved",
        "item note2 saved",
        "item note2 deleted",
        "published",
        "retired",
    ]
    assert [_both(m)[0] for m in stored] == [
        "选项列表 yn 已保存",
        "题目 judge 已保存",
        "题目 note2 已保存",
        "题目 note2 已删除",
        "问卷已发布",
        "问卷已停用",
    ]
    assert _both("published")[1] == "questionnaire published"


def test_invitation_messages_read_in_chinese_and_english(wave, zhenhai_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for _ in range(2):
        make_closed_case("330211-CRT-MS1", roles=("plaintiff",))
    zhenhai = Unit.objects.get(code="330211")
    since = _since()
    batch = services.issue_tokens(
        zhenhai_user,
        wave,
        services.Sampling(zhenhai, dt.date.today() - dt.timedelta(days=30), dt.date.today(), [], [], 0, 1),
    )
    services.seal_batch(zhenhai_user, batch)
    issued, sealed = _new(since)
    assert issued == f"{batch.count} invitations for wave {wave.pk} (2 of 2 cases sampled)"
    assert _both(issued) == (
        f"已为第 #{wave.pk} 轮测评发放 {batch.count} 份邀请（2 件案件中抽取 2 件）",
        f"{batch.count} survey invitations issued for wave #{wave.pk} (2 of 2 cases sampled)",
    )
    assert sealed == "sealed" and _both(sealed)[0] == "邀请批次已封存（链接不能再打印）"


def test_the_other_formats_the_code_writes():
    root = Path(services.__file__).parent
    views = (root / "views.py").read_text(encoding="utf-8")
    assert 'message=f"print sheet, {len(cards)} invitations"' in views
    assert 'message="SMS export with phone numbers"' in views
    assert 'message=f"XLSForm {filename}"' in (root / "authoring.py").read_text(encoding="utf-8")
    assert (
        'message=f"{len(responses)} survey responses imported from {name} ({result.skipped} rows refused)"'
        in (root / "importing.py").read_text(encoding="utf-8")
    )
    assert _both("print sheet, 30 invitations") == (
        "已导出邀请打印单，共 30 份邀请",
        "invitation print sheet exported, 30 invitations",
    )
    assert _both("SMS export with phone numbers")[0] == "已导出含手机号码的短信邀请名单"
    assert _both("XLSForm court_exit.xlsx") == (
        "已从 XLSForm 文件 court_exit.xlsx 导入问卷",
        "questionnaire imported from the XLSForm court_exit.xlsx",
    )
    assert _both("120 survey responses imported from paper.xlsx (3 rows refused)") == (
        "已从 paper.xlsx 导入 120 份问卷答复（拒收 3 行）",
        "120 survey responses imported from paper.xlsx (3 rows refused)",
    )
    assert _both("something no pattern knows") == ("something no pattern knows",) * 2
