"""Accounts: lockout, idle sessions, the first-login password change, password rules, language."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from casewatch.core.choices import AuditAction, Role
from casewatch.core.models import AuditLog, LoginThrottle, User
from casewatch.core.testing import PASSWORD, make_user

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def audit_actions(user):
    return list(AuditLog.objects.filter(user=user).order_by("id").values_list("action", flat=True))


# --- lockout ----------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(client, world):
    user = world.user("district_legal")
    with time_machine.travel(T0, tick=False) as traveller:
        for attempt in range(1, 5):
            response = login(client, user.username, "wrong-password-1A")
            assert response.status_code == 200 and not logged_in(client)
            user.refresh_from_db()
            assert user.failed_login_count == attempt and user.locked_until is None

        login(client, user.username, "wrong-password-1A")
        # Locked for this address (the account itself stays open elsewhere, see below).
        lock = LoginThrottle.objects.get(key=f"pair:{user.pk}:127.0.0.1")
        assert lock.locked_until == T0 + dt.timedelta(minutes=15)

        # The right password does not open a locked account; the form says why.
        response = login(client, user.username, PASSWORD)
        assert response.status_code == 200 and not logged_in(client)
        errors = response.context["form"].errors.as_data()["__all__"]
        assert [e.code for e in errors] == ["locked"]

        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        login(client, user.username, PASSWORD)
        assert not logged_in(client)

        traveller.shift(dt.timedelta(seconds=2))  # 15 minutes and 1 second after the lock
        response = login(client, user.username, PASSWORD)
        assert response.status_code == 302 and logged_in(client)
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None
    actions = audit_actions(user)
    assert actions.count(AuditAction.LOGIN_FAILED) == 5 + 2  # five wrong passwords, two while locked
    assert actions.count(AuditAction.LOCKOUT) == 1
    assert actions[-1] == AuditAction.LOGIN


def login_from(client, ip, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(client, world):
    """Typing wrong passwords for a colleague's account locks it only for the typist's address."""
    victim = world.user("district_legal")
    for _ in range(6):
        login_from(client, "10.1.1.66", victim.username, "guessing-Wrong-1")
    response = login_from(client, "10.1.1.66", victim.username, PASSWORD)
    assert not logged_in(client)
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["locked"]
    response = login_from(client, "10.1.1.20", victim.username, PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    record = AuditLog.objects.filter(action=AuditAction.LOCKOUT, user=victim).latest("id")
    assert "10.1.1.66" in record.message and record.client_ip == "10.1.1.66"


def test_an_address_guessing_across_accounts_is_blocked(client, world, settings):
    settings.IP_LOCKOUT_THRESHOLD = 8
    names = ["city_supervisor", "district_handler", "other_court", "city_auditor", "nobody-1", "nobody-2"]
    for i in range(8):
        login_from(client, "10.9.9.9", names[i % len(names)], "Wrong-Guess-123")
    # Even the right password of an account never tried is refused from that address …
    response = login_from(client, "10.9.9.9", "sysadmin", PASSWORD)
    assert not logged_in(client)
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["address_blocked"]
    # … and accepted from another one.
    assert login_from(client, "10.9.9.10", "sysadmin", PASSWORD).status_code == 302 and logged_in(client)
    assert LoginThrottle.objects.get(key="ip:10.9.9.9").locked_until is not None
    assert AuditLog.objects.filter(
        action=AuditAction.LOCKOUT, object_type="address", object_id="10.9.9.9"
    ).exists()


def test_failures_from_many_addresses_lock_the_account_itself(client, world, settings):
    settings.ACCOUNT_LOCKOUT_THRESHOLD = 6
    user = world.user("district_legal")
    for i in range(6):
        login_from(client, f"10.2.0.{i}", user.username, "Wrong-Guess-123")
    user.refresh_from_db()
    assert user.is_locked()
    response = login_from(client, "10.2.9.9", user.username, PASSWORD)
    assert not logged_in(client)
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["locked"]


def test_a_successful_login_resets_the_failure_count(client, world):
    user = world.user("district_legal")
    for _ in range(4):
        login(client, user.username, "nope")
    login(client, user.username, PASSWORD)
    assert logged_in(client)
    client.logout()
    user.refresh_from_db()
    assert user.failed_login_count == 0
    for _ in range(4):  # four more failures do not lock: the count started again
        login(client, user.username, "nope")
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_login_count == 4


def test_unknown_username_is_a_logged_failed_login(client, world):
    response = login(client, "nobody-here", PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    record = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    assert record.user is None and "nobody-here" in record.message


# --- idle sessions ------------------------------------------------------------------------------


def test_idle_session_expires_after_thirty_minutes(client, world, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(world.user("district_legal"))
        assert client.get("/org/").status_code == 200
        traveller.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get("/org/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_activity_extends_the_session(client, world):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(world.user("district_legal"))
        for _ in range(3):  # 87 minutes in all, never 30 idle
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get("/org/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        assert client.get("/org/").status_code == 302


# --- first login: forced password change ------------------------------------------------------


@pytest.fixture
def newcomer(world):
    return make_user("newcomer", Role.LEGAL_OFFICER, "330212-PSB", "330212-PSB-FZ", must_change_password=True)


NEW_PASSWORD = "Yinzhou-Police-2025"


def change(client, old, new, new2=None):
    return client.post(
        "/password/", {"old_password": old, "new_password1": new, "new_password2": new2 or new}
    )


def test_first_login_must_change_the_password(client, newcomer):
    response = login(client, "newcomer", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    for path in ("/", "/org/", "/cases/", "/audit/", "/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/password/", path
    # The API does not accept the session of an account that still has to change its password.
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/password/").status_code == 200
    assert client.get("/healthz").status_code == 200

    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False and newcomer.check_password(NEW_PASSWORD)
    assert client.get("/org/").status_code == 200  # still logged in, no more redirect
    assert client.get("/api/v1/me").json()["username"] == "newcomer"
    assert AuditAction.PASSWORD_CHANGED in audit_actions(newcomer)


def test_language_can_be_switched_before_the_password_is_changed(client, newcomer):
    client.force_login(newcomer)
    response = client.post("/language/", {"language": "en", "next": "/password/"})
    assert response.status_code == 302 and response["Location"] == "/password/"
    assert response.cookies["django_language"].value == "en"
    assert client.get("/password/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),  # 7 characters
        ("Abcdefg1!", "password_too_short"),  # 9 characters, 4 classes
        ("alllowercaseletters", "password_too_simple"),  # one class
        ("lowercase12345", "password_too_simple"),  # two classes
        ("UpperAndLowerOnly", "password_too_simple"),  # two classes
        ("12345678901234", "password_entirely_numeric"),
        ("Password123", None),  # a common password
    ],
)
def test_password_rules_refuse(password, code, newcomer):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, newcomer)
    if code is not None:
        assert code in {e.code for e in excinfo.value.error_list}


@pytest.mark.parametrize("password", ["Yinzhou-Police-2025", "haishu court 2025", "NINGBO#city#9"])
def test_password_rules_accept(password, newcomer):
    validate_password(password, newcomer)  # no exception


def test_password_change_form_refuses_weak_passwords(client, newcomer):
    client.force_login(newcomer)
    for weak in ("short1A!", "onlylowercaseletters", "lowercase12345"):
        response = change(client, PASSWORD, weak)
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"], weak
    newcomer.refresh_from_db()
    assert newcomer.must_change_password and newcomer.check_password(PASSWORD)
    assert AuditAction.PASSWORD_CHANGED not in audit_actions(newcomer)


def test_password_change_needs_the_old_password(client, newcomer):
    client.force_login(newcomer)
    response = change(client, "not-the-old-Password-1", NEW_PASSWORD)
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    assert User.objects.get(pk=newcomer.pk).must_change_password


# --- language preference ----------------------------------------------------------------------


def test_default_language_is_chinese_and_english_on_request(client, world):
    client.force_login(world.user("district_legal"))
    response = client.get("/org/")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()
    # An English browser still gets Chinese pages; English is the person's explicit choice.
    assert client.get("/org/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/org/")["Content-Language"] == "en"


def test_language_choice_is_kept_across_pages_and_logins(client, world):
    user = world.user("district_legal")
    login(client, user.username, PASSWORD)
    response = client.post("/language/", {"language": "en", "next": "/org/"})
    assert response.status_code == 302 and response["Location"] == "/org/"
    assert client.get("/org/")["Content-Language"] == "en"
    assert client.get("/jobs/")["Content-Language"] == "en"
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/logout/")

    # Another browser (no language cookie): the preference comes from the account.
    other = type(client)()
    assert other.get("/login/")["Content-Language"] == "zh-hans"
    response = login(other, user.username, PASSWORD)
    assert response.status_code == 302
    assert other.get("/org/")["Content-Language"] == "en"


def test_set_language_refuses_foreign_redirects(client, world):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post("/language/", {"language": "xx", "next": "/login/"})
    assert "django_language" not in response.cookies
