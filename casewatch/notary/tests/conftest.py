import datetime as dt
import io

import pytest
from PIL import Image

from casewatch.core import testing
from casewatch.core.choices import Role
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)
from casewatch.tests_browser.conftest import browser, new_page  # noqa: F401 (fixtures for test_browser)

TZ = dt.timezone(dt.timedelta(hours=8))
#: valid GB 11643 numbers (check digits hand-verified in test_services)
ID_OK = "110101199003074514"
ID_OK_2 = "330203198502028883"


def png_bytes(color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes(text: str = "x") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def files_for(*matters, colour_seed=0):
    """A valid PDF for every required material of the given MatterType rows."""
    out = {}
    for i, m in enumerate(matters):
        for j, req in enumerate(m.materials):
            out[f"{m.code}:{req}"] = upload(f"{req}.pdf", pdf_bytes(f"{m.code}-{req}-{i}-{j}-{colour_seed}"))
    return out


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        # A transactional (browser) test flushes the tables, catalogue included: load it again.
        from casewatch.notary.catalogue import upsert_catalogue
        from casewatch.notary.models import MatterType

        upsert_catalogue(MatterType)
        world.extra.update(
            notary_in=testing.make_user(
                "notary_in", Role.NOTARY, "330212-JUS-GZ", "330212-JUS-GZ", first_name="王公证"
            ),
            notary_in2=testing.make_user("notary_in2", Role.NOTARY, "330212-JUS-GZ", "330212-JUS-GZ"),
            notary_out=testing.make_user("notary_out", Role.NOTARY, "330203-JUS-GZ", "330203-JUS-GZ"),
        )
        world.users.update(
            notary_in=world.extra["notary_in"],
            notary_in2=world.extra["notary_in2"],
            notary_out=world.extra["notary_out"],
        )
        yield world


@pytest.fixture
def world(cw_world_module, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return cw_world_module
