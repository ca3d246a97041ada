"""Demo accounts: one per role, with scopes at city, district and agency level."""

from django.db import transaction

from casewatch.core.choices import Role
from casewatch.core.models import Unit, User

#: username, role, scope unit code, description
DEMO_ACCOUNTS = [
    (
        "city_supervisor",
        Role.COMMITTEE_SUPERVISOR,
        "330200",
        "市委政法委执法监督科 · committee supervisor · all of Ningbo",
    ),
    (
        "yinzhou_police_legal",
        Role.LEGAL_OFFICER,
        "330212-PSB",
        "鄞州公安分局法制大队 · legal officer · 鄞州 police",
    ),
    (
        "haishu_court_supervisor",
        Role.AGENCY_SUPERVISOR,
        "330203-CRT",
        "海曙区法院审管办 · agency supervisor · 海曙 court",
    ),
    ("yinzhou_judge", Role.HANDLER, "330212-CRT-MS1", "鄞州区法院民一庭 · handler (judge) · own division"),
    ("city_reviewer", Role.REVIEWER, "330200", "市委政法委评查组 · reviewer · all of Ningbo"),
    ("city_auditor", Role.AUDITOR, "330200", "市委政法委 · auditor (read-only, audit trail) · all of Ningbo"),
    ("sysadmin", Role.SYSADMIN, "330200", "系统管理员 · system administrator"),
    (
        "yinzhou_custodian",
        Role.PROPERTY_CUSTODIAN,
        "330212-PSB-CW",
        "鄞州涉案财物管理中心 · seized-property custodian · 鄞州 centre",
    ),
    (
        "yinzhou_enforcement",
        Role.ENFORCEMENT_OFFICER,
        "330212-CRT-ZX",
        "鄞州区法院执行局 · enforcement officer · 鄞州 court enforcement",
    ),
    ("yinzhou_notary", Role.NOTARY, "330212-JUS-GZ", "鄞州区公证处 · notary · 鄞州 notary office"),
]

_MEMBER_UNIT = {
    "330200": "330200-CMT-JD",
    "330212-PSB": "330212-PSB-FZ",
    "330203-CRT": "330203-CRT-SG",
    "330212-CRT-MS1": "330212-CRT-MS1",
}


def create_demo_accounts(password: str) -> list[User]:
    """Create (or reset) the demo accounts; each must change its password at first login."""
    users = []
    with transaction.atomic():
        for username, role, scope_code, description in DEMO_ACCOUNTS:
            scope = Unit.objects.get(code=scope_code)
            unit = Unit.objects.get(code=_MEMBER_UNIT.get(scope_code, scope_code))
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role, user.scope, user.unit = role, scope, unit
            user.first_name = description.split(" · ")[0]
            user.must_change_password = True
            user.failed_login_count, user.locked_until = 0, None
            user.set_password(password)
            user.save()
            users.append(user)
    return users
