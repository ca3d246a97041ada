"""Certificate verification (valid / revoked / tampered), documents, the reproducible review sample,
second-person review with findings becoming problems, and the measures against hand counts."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewatch.core.models import AuditLog
from casewatch.notary import certificates, measures, services, standards
from casewatch.notary.choices import Channel, ReviewKind
from casewatch.notary.models import Certificate, Item, MatterType, Review
from casewatch.notary.tests.conftest import ID_OK, files_for
from casewatch.problems.models import Problem

pytestmark = pytest.mark.django_db


def issued(world, codes_=("birth",), on=dt.date(2026, 3, 2), user="notary_in"):
    ms = list(MatterType.objects.filter(code__in=codes_))
    app = services.submit_application(
        world.user(user)
        if len(codes_) and MatterType.objects.get(code=codes_[0]).complexity == "complex"
        else None,
        channel=Channel.WINDOW
        if MatterType.objects.get(code=codes_[0]).complexity == "complex"
        else Channel.ONLINE,
        office_code="330212-JUS-GZ",
        applicant_name="李四",
        id_number=ID_OK,
        phone="13812345678",
        matter_codes=list(codes_),
        files=files_for(*ms),
    )
    notary = world.user(user)
    certs = []
    for item in app.items.all():
        services.accept(notary, item, on=on)
        for m in item.materials.all():
            services.check_material(notary, m)
        services.approve(notary, item, on=on)
        certs.append(services.issue(notary, item, on=on + dt.timedelta(days=2)))
    return certs


def test_verification_valid_revoked_tampered(world, client):
    cert = issued(world)[0]
    assert certificates.status_of(cert) == certificates.VALID
    page = client.get(f"/notary/verify/{cert.code}/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-state="valid"' in body and cert.number in body
    assert "李*" in body and "李四" not in body and ID_OK not in body and "13812345678" not in body
    # pretty code with dashes and lower case also verifies
    assert (
        client.get("/notary/verify/", {"code": certificates.pretty_code(cert.code).lower()})
        .content.decode()
        .count('data-state="valid"')
        == 1
    )
    # tampered: a fact changed in the database no longer matches the code
    Certificate.objects.filter(pk=cert.pk).update(facts={**cert.facts, "applicant": "王五"})
    cert.refresh_from_db()
    assert certificates.status_of(cert) == certificates.TAMPERED
    body = client.get(f"/notary/verify/{cert.code}/").content.decode()
    assert 'data-state="tampered"' in body and "王*" not in body
    Certificate.objects.filter(pk=cert.pk).update(facts={**cert.facts, "applicant": "李四"})
    cert.refresh_from_db()
    assert certificates.status_of(cert) == certificates.VALID
    # revoked
    with pytest.raises(ValidationError):
        services.revoke(world.user("notary_in"), cert, "")
    services.revoke(world.user("notary_in"), cert, "申请人提供虚假材料")
    cert.refresh_from_db()
    assert certificates.status_of(cert) == certificates.REVOKED
    assert 'data-state="revoked"' in client.get(f"/notary/verify/{cert.code}/").content.decode()
    # unknown code; API says the same
    assert 'data-state="unknown"' in client.get("/notary/verify/ABCDE12345ABCDE12345/").content.decode()
    assert client.get(f"/api/v1/notary/verify/{cert.code}").json()["status"] == "revoked"


def test_certificate_documents_carry_code_and_qr(world):
    cert = issued(world)[0]
    url = "http://testserver" + certificates.verify_url(cert)
    pdf = certificates.certificate_pdf(cert, url)
    assert pdf.startswith(b"%PDF-")
    from casewatch.problems.tests.test_board import pdf_text  # maps fpdf2's glyph ids back to text

    text = pdf_text(pdf)
    assert certificates.pretty_code(cert.code) in text and "出生公证" in text
    from docx import Document

    doc = Document(io.BytesIO(certificates.certificate_docx(cert, url)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert cert.number in text and url in text
    assert len(doc.inline_shapes) == 1  # the QR code
    import segno  # noqa: F401 - the QR encodes the verification URL
    from PIL import Image

    img = Image.open(io.BytesIO(certificates.qr_png(url)))
    assert img.size[0] > 100


def test_review_sample_reproducible_from_seed(world):
    for day in range(5):
        issued(world, codes_=("birth", "degree"), on=dt.date(2026, 3, 2) + dt.timedelta(days=day))
    a = standards.draw("330212-JUS-GZ", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0.3, "seed-42")
    b = standards.draw("330212-JUS-GZ", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0.3, "seed-42")
    c = standards.draw("330212-JUS-GZ", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0.3, "other-seed")
    assert a == b and a["candidates"] == 10 and len(a["selected"]) == 3  # ceil(0.3 × 10)
    assert a["selected"] != c["selected"] or a["fingerprint"] == c["fingerprint"]
    import random

    ids = sorted(Item.objects.filter(status="issued").values_list("id", flat=True))
    assert a["selected"] == sorted(random.Random("seed-42").sample(ids, 3))  # the documented recipe
    sample = standards.run_sample(
        world.user("city_supervisor"),
        "330212-JUS-GZ",
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        "0.3",
        "seed-42",
    )
    assert sample.selected == a["selected"]
    log = AuditLog.objects.get(object_type="notary.reviewsample", object_id=str(sample.pk))
    assert log.after["seed"] == "seed-42" and log.after["selected"] == a["selected"]
    assert Review.objects.filter(kind=ReviewKind.SAMPLE).count() == 3
    with pytest.raises(ValidationError):
        standards.run_sample(
            world.user("city_supervisor"),
            "330212-JUS-GZ",
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            "2",
            "x",
        )


def test_complex_matter_second_person_review_opens_problems(world):
    cert = issued(world, codes_=("inheritance",))[0]
    review = Review.objects.get(item=cert.item, kind=ReviewKind.MANDATORY)
    results = {c: "pass" for c in standards.CHECK_CODES}
    with pytest.raises(PermissionDenied):  # the notary who handled it may not review it
        standards.submit_review(world.user("notary_in"), review, results)
    with pytest.raises(ValidationError):  # checklist incomplete
        standards.submit_review(world.user("notary_in2"), review, {"identity": "pass"})
    results.update(materials="fail", notice="fail")
    standards.submit_review(world.user("notary_in2"), review, results, "材料不全")
    review.refresh_from_db()
    assert review.findings == 2
    problems = Problem.objects.filter(source="notary", unit_id="330212-JUS-GZ")
    assert problems.count() == 2 and {p.severity for p in problems} == {"medium"}
    data = measures.figures(world.user("city_supervisor"), dt.date(2026, 1, 1), dt.date.today())
    assert data["reviews"]["done"] == 1 and data["reviews"]["with_findings"] == 1
    assert data["reviews"]["by_check"]["materials"] == 1


def test_measures_hand_counted(world):
    issued(world, codes_=("birth", "degree"), on=dt.date(2026, 3, 2))  # online, 2 items, 2 working days each
    issued(world, codes_=("will",), on=dt.date(2026, 3, 2))  # window
    data = measures.figures(world.user("city_supervisor"), dt.date(2026, 1, 1), dt.date.today())
    row = next(r for r in data["offices"] if r["office"] == "330212-JUS-GZ")
    assert (row["online"], row["window"], row["total"]) == (1, 1, 2)
    assert row["online_share"] == 0.5 and row["issued"] == 3 and row["on_time_rate"] == 1.0
    birth = next(m for m in data["matters"] if m["matter__code"] == "birth")
    assert birth["n"] == 1 and birth["avg_days"] == 2  # Mon 03-02 accepted, Wed 03-04 issued
    assert (
        measures.figures(world.user("notary_out"), dt.date(2026, 1, 1), dt.date.today())["totals"]["total"]
        == 0
    )
