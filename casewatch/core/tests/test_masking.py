"""Masking of personal data, and the audited reveal."""

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from casewatch.core.choices import AuditAction
from casewatch.core.masking import mask, mask_address, mask_id_number, mask_name, mask_phone
from casewatch.core.models import AuditLog
from casewatch.core.services import reveal


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("330212199001017777", "3302**********7777"),
        ("33021219900101777X", "3302**********777X"),
        ("12345678", "********"),
        ("123456789", "1234*6789"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("0574-87654321", "057******4321"), ("1234567", "*******"), ("", "")],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("浙江省宁波市鄞州区中河街道某路1号", "浙江省宁波市鄞州区****"),
        ("宁波市海曙区某街2号", "宁波市海曙区****"),
        ("浙江省宁波市象山县丹城镇", "浙江省宁波市象山县****"),
        ("某村3组", "某村****"),
        ("", ""),
    ],
)
def test_mask_address(value, masked):
    assert mask_address(value) == masked


@pytest.mark.parametrize(("value", "masked"), [("李明", "李*"), ("张小芳", "张**"), ("王", "王"), ("", "")])
def test_mask_name(value, masked):
    assert mask_name(value) == masked


def test_mask_dispatches_by_field():
    assert mask("phone", "13812345678") == "138****5678"
    assert mask("party_id", "330212199001017777") == "3302**********7777"
    assert mask("address", "宁波市海曙区某街2号") == "宁波市海曙区****"
    assert mask("anything_else", "ABCDEFGHIJ") == "ABCD**GHIJ"  # unknown fields mask like an ID


@given(st.text(alphabet="0123456789X", min_size=9, max_size=18))
def test_masked_ids_keep_length_and_hide_the_middle(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[:4] == value[:4] and masked[-4:] == value[-4:]
    assert set(masked[4:-4]) == {"*"}


def test_reveal_returns_the_clear_value_and_is_audited(world):
    legal = world.user("district_legal")
    assert reveal(legal, world.staff_in, "id_number") == "330203198001011234"
    record = AuditLog.objects.filter(action=AuditAction.REVEAL, user=legal).latest("id")
    assert record.object_id == str(world.staff_in.pk) and record.message == "revealed id_number"


def test_reveal_refused_to_a_role_without_it(world):
    handler = world.user("district_handler")
    with pytest.raises(PermissionDenied):
        reveal(handler, world.staff_in, "phone")
    with pytest.raises(PermissionDenied):
        reveal(world.user("city_auditor"), world.staff_in, "phone")
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_refuses_fields_that_are_not_personal(world):
    with pytest.raises(PermissionDenied):
        reveal(world.user("district_legal"), world.staff_in, "name")


def test_unit_page_masks_and_offers_reveal_only_to_the_role(client, world):
    client.force_login(world.user("district_legal"))
    html = client.get("/org/330212-PSB-FZ/").content.decode()
    assert "3302**********1234" in html and "330203198001011234" not in html
    assert "138****5678" in html and "13812345678" not in html
    assert f'hx-post="/staff/{world.staff_in.pk}/reveal/id_number/"' in html

    client.force_login(world.user("district_handler"))
    html = client.get("/org/330212-PSB-FZ/").content.decode()
    assert "3302**********1234" in html and "hx-post" not in html


def test_reveal_page_action(client, world):
    client.force_login(world.user("district_legal"))
    response = client.post(f"/staff/{world.staff_in.pk}/reveal/id_number/")
    assert response.content.decode() == '<span class="revealed">330203198001011234</span>'
    assert client.get(f"/staff/{world.staff_in.pk}/reveal/id_number/").status_code == 405  # POST only
    assert client.post(f"/staff/{world.staff_in.pk}/reveal/name/").status_code == 403
    client.force_login(world.user("district_handler"))
    assert client.post(f"/staff/{world.staff_in.pk}/reveal/id_number/").status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.REVEAL).count() == 1
