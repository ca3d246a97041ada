"""Pages, API, certificates, bad input and the permission matrix of the enforcement app."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from casewatch.core.models import Unit
from casewatch.core.testing import (
    ACTION,
    DETAIL,
    IN_SCOPE,
    LIST,
    OUT_OF_SCOPE,
    Expect,
    Probe,
    check_cell,
    matrix_params,
)
from casewatch.enforcement import certificates, funds, services
from casewatch.enforcement.models import Certificate, DebtorPayment, StatementLine

USERS = {IN_SCOPE: "enf_officer", OUT_OF_SCOPE: "enf_other", "no_permission": "enf_noscope"}
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

PROBES = [
    Probe("listings", "/enforcement/?as_of=2026-09-30", LIST, marker="T-SX-IN", users=USERS),
    Probe("listings-xlsx", "/enforcement/?format=xlsx&as_of=2026-09-30", LIST, marker="T-SX-IN", users=USERS),
    Probe(
        "incentive",
        "/enforcement/incentive/?as_of=2026-09-30",
        LIST,
        marker="（2026）浙0212民初101号",
        users=USERS,
    ),
    Probe("certificates", "/enforcement/certificates/", LIST, marker="{w.cert_in.number}", users=USERS),
    Probe(
        "certificate",
        "/enforcement/certificates/{w.cert_in.number}/",
        DETAIL,
        marker="{w.cert_in.code}",
        users=USERS,
        denied_type="enforcement.certificate",
    ),
    Probe("certificate-pdf", "/enforcement/certificates/{w.cert_in.number}/?format=pdf", DETAIL, users=USERS),
    Probe("repairs", "/enforcement/repairs/", LIST, users=USERS),
    Probe("funds", "/enforcement/funds/?as_of=2026-09-30", LIST, marker="T-AK-2", users=USERS),
    Probe(
        "measures",
        "/enforcement/measures/?start=2026-01-01&end=2026-07-31&as_of=2026-09-30",
        LIST,
        marker="宁波",
        users=USERS,
        expect={IN_SCOPE: Expect(200), OUT_OF_SCOPE: Expect(200), "no_permission": Expect(200)},
    ),
    Probe(
        "api-listings",
        "/api/v1/enforcement/listings?as_of=2026-09-30",
        LIST,
        marker="T-SX-IN",
        api=True,
        users=USERS,
    ),
    Probe(
        "api-eligibility",
        "/api/v1/enforcement/eligibility?as_of=2026-09-30",
        LIST,
        marker="（2026）浙0212民初101号",
        api=True,
        users=USERS,
    ),
    Probe(
        "revoke",
        "/enforcement/certificates/{w.cert_out.number}/revoke/",
        ACTION,
        method="post",
        data={"reason": "x"},
        users={IN_SCOPE: "enf_other", OUT_OF_SCOPE: "enf_officer", "no_permission": "enf_noscope"},
        expect={IN_SCOPE: Expect(302), "no_permission": Expect(404, access_denied=True)},
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    with time_machine.travel(NOW, tick=False):
        check_cell(client, world, probe, cell)


def test_certificate_valid_revoked_tampered(world, client):
    cert = Certificate.objects.get(pk=world.cert_in.pk)
    assert certificates.verify(cert.number, cert.code)[0] == "valid"
    assert certificates.verify(cert.number, cert.code.lower().replace("-", ""))[0] == "valid"  # typed loosely
    wrong = cert.code[:-1] + ("0" if cert.code[-1] != "0" else "1")
    assert certificates.verify(cert.number, wrong) == ("invalid", None)
    # facts altered in the database after issue: the stored code no longer matches
    Certificate.objects.filter(pk=cert.pk).update(amount=Decimal("99999.00"))
    assert certificates.verify(cert.number, cert.code) == ("invalid", None)
    Certificate.objects.filter(pk=cert.pk).update(amount=cert.amount)
    page = client.get(reverse("enforcement:verify"), {"number": cert.number, "code": cert.code})
    body = page.content.decode()
    assert page.status_code == 200 and "verify-status" in body and "宁波甲建材有限公司" in body
    assert "50,000.00" in body and cert.debtor_party_id not in body  # facts only, no ids
    certificates.revoke(world.user("enf_officer"), cert, "违反承诺")
    assert certificates.verify(cert.number, cert.code)[0] == "revoked"
    api = client.get("/api/v1/enforcement/verify", {"number": cert.number, "code": wrong})
    assert api.status_code == 200 and api.json() == {"status": "invalid", "facts": None}


def test_certificate_code_is_hmac_of_facts(world, settings):
    cert = Certificate.objects.get(pk=world.cert_in.pk)
    assert cert.code == certificates.sign(certificates.facts(cert))
    settings.SECRET_KEY = "another-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert certificates.verify(cert.number, cert.code) == ("invalid", None)


def test_certificate_refused_for_pending_enforcement_and_late_payment(world):
    officer = world.user("enf_officer")
    with pytest.raises(ValidationError) as exc:
        certificates.issue(officer, world.j3.pk, world.parties["ORG-C"].party_id, today=dt.date(2026, 9, 30))
    assert "另有未结执行案件" in exc.value.messages[0] and "pending enforcement case" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        certificates.issue(officer, world.j2.pk, world.parties["ORG-B"].party_id, today=dt.date(2026, 9, 30))
    assert exc.value.code == "paid_late"
    with pytest.raises(ValidationError):  # a second live certificate for the same debtor and case
        certificates.issue(officer, world.j1.pk, world.parties["ORG-A"].party_id, today=dt.date(2026, 9, 30))
    assert Certificate.objects.filter(case=world.j3).count() == 0


def test_certificate_docx_and_pdf_carry_code_and_qr(world):
    import docx
    from pypdf import PdfReader

    cert = world.cert_in
    url = "http://testserver" + reverse("enforcement:verify") + f"?number={cert.number}&code={cert.code}"
    d = docx.Document(io.BytesIO(certificates.certificate_docx(cert, url)))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "自动履行证明书" in text and cert.code in text and cert.number in text
    assert len(d.inline_shapes) == 1  # the QR
    pdf = PdfReader(io.BytesIO(certificates.certificate_pdf(cert, url)))
    ptext = pdf.pages[0].extract_text().replace("\x00", "")  # fpdf2 CID text extracts as UTF-16 units
    assert cert.code in ptext and "自动履行证明书" in ptext
    assert pdf.pages[0].images  # the QR image


def test_payment_larger_than_the_debt_is_refused(world):
    before = DebtorPayment.objects.count()
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.record_payment(
            world.user("enf_officer"),
            world.j1,
            world.parties["ORG-A"].party_id,
            dt.date(2026, 9, 1),
            "0.01",
            "bank_transfer",
        )
    assert "超过尚欠金额" in exc.value.messages[0] and "exceeds what is owed" in exc.value.messages[0]
    assert DebtorPayment.objects.count() == before


def test_deletion_before_listing_is_refused(world):
    listing = world.listing_in
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.record_deletion(world.user("enf_officer"), listing, dt.date(2026, 2, 1), "performed")
    assert "早于纳入日期" in exc.value.messages[0] and "precedes the listing" in exc.value.messages[0]
    listing.refresh_from_db()
    assert listing.deleted_on is None


STATEMENT = (
    "账号,日期,金额,流水号\n"
    "3305016333021201,2026-05-06,30000.00,NB-T-1\n"
    "3305016333021201,2026-05-06,30000.00,NB-T-1\n"
    "3305016333021201,2026-05-20,-30000.00,NB-T-2\n"
    "3305016333021201,2026-06-01,10000.00,NB-T-3\n"
    "6222000011112222,2026-06-02,500.00,X1\n"
)


def test_reconciliation_csv_duplicates_unknown_partial(world):
    unit = Unit.objects.get(code="330212-CRT")
    imp = funds.import_statement(world.user("enf_officer"), unit, "stmt.csv", STATEMENT.encode("gb18030"))
    got = {
        ln.line_no: (ln.status, ln.movement.movement_id if ln.movement else None, ln.difference)
        for ln in StatementLine.objects.filter(statement=imp).select_related("movement")
    }
    assert got == {
        2: ("matched", "T-AK-1", None),
        3: ("duplicate", None, None),
        4: ("matched", "T-AF-1", None),
        5: ("partial", "T-AK-2", Decimal("-2000.00")),
        6: ("unknown_account", None, None),
    }
    # the same statement again: every movement is taken already, nothing is matched twice
    again = funds.import_statement(world.user("enf_officer"), unit, "stmt.csv", STATEMENT.encode())
    assert again.counts.get("matched", 0) == 0 and again.counts.get("partial", 0) == 0


def test_reconciliation_xlsx_and_malformed_input(world):
    import openpyxl

    unit = Unit.objects.get(code="330212-CRT")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["account", "date", "amount", "reference"])
    ws.append(["3305016333021201", dt.date(2026, 5, 6), 30000, "NB-T-1"])
    buf = io.BytesIO()
    wb.save(buf)
    imp = funds.import_statement(world.user("enf_officer"), unit, "s.xlsx", buf.getvalue())
    assert imp.counts == {"matched": 1}
    bad = "账号,日期,金额\n3305016333021201,2026-13-01,abc\n,2026-05-01,10\n"
    n = StatementLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        funds.import_statement(world.user("enf_officer"), unit, "bad.csv", bad.encode())
    msgs = exc.value.messages
    assert any("第2行" in m and "row 2" in m and "日期" in m for m in msgs)
    assert any("第2行" in m and "金额" in m and "amount" in m for m in msgs)
    assert any("第3行" in m and "account" in m for m in msgs)
    assert StatementLine.objects.count() == n  # nothing half-written
    with pytest.raises(ValidationError) as exc:
        funds.import_statement(world.user("enf_officer"), unit, "x.csv", b"a,b\n1,2\n")
    assert "missing required columns" in exc.value.messages[0]


def test_measures_page_shows_definitions(client, world):
    client.force_login(world.user("enf_officer"))
    with time_machine.travel(NOW, tick=False):
        r = client.get(
            "/enforcement/measures/", {"start": "2026-01-01", "end": "2026-07-31", "as_of": "2026-09-30"}
        )
    body = r.content.decode()
    assert r.status_code == 200 and "m-incentive_firms" in body and "四舍五入" in body


def test_late_deletion_opens_a_problem(world):
    from casewatch.problems.models import Problem

    listing = world.listing_in
    from casewatch.enforcement.models import EnforcementSettlement

    EnforcementSettlement.objects.create(
        settlement_id="T-HJ-1",
        unit_id="330212-CRT",
        case_number=listing.case_number,
        case=listing.case,
        agreed_on=dt.date(2026, 3, 1),
        amount=Decimal("1"),
        performed_on=dt.date(2026, 4, 30),
    )
    supervisor = world.user("enf_officer")
    counts = services.open_problems(supervisor, dt.date(2026, 9, 30))
    assert counts["deletion"] == 1
    p = Problem.objects.get(source="enforcement", source_ref="listing:T-SX-IN:overdue")
    assert "2026-05-08" in p.description  # 30 Apr + 3 working days over Labour Day
    assert services.open_problems(supervisor, dt.date(2026, 9, 30))["deletion"] == 1
    assert Problem.objects.filter(source="enforcement", source_ref="listing:T-SX-IN:overdue").count() == 1


@pytest.mark.parametrize("username", ["enf_officer", "city_supervisor"])
def test_list_pages_filter_count_and_limit_in_duckdb_as_the_whole_rows_did(world, username):
    """The listing and incentive pages take their first rows, counts and per-state figures from DuckDB;
    they must equal what filtering the whole scoped rows in Python gave (the old page)."""
    from casewatch.enforcement import data
    from casewatch.enforcement.views import STATES

    user = world.user(username)
    as_of = dt.date(2026, 9, 30)
    every = data.listing_rows(user, as_of)
    assert every, "the fixture has listings in scope"
    for state in ["", *STATES]:
        for wrongful in (False, True):
            want = [
                r
                for r in every
                if (not state or r["deletion_state"] == state) and (not wrongful or r["wrongful"])
            ]
            rows, total, counts = data.listing_page(user, as_of, state=state, wrongful=wrongful, limit=500)
            assert (rows, total) == (want, len(want)), (state, wrongful)
            assert counts == {s: n for s in STATES if (n := sum(r["deletion_state"] == s for r in want))}
    first, total, _counts = data.listing_page(user, as_of, limit=1)
    assert first == every[:1] and total == len(every)

    judgments = data.eligibility_rows(user, as_of)
    assert judgments
    for reason in ["", *sorted({r["reason"] for r in judgments})]:
        want = [r for r in judgments if not reason or r["reason"] == reason]
        assert data.eligibility_page(user, as_of, reason=reason, limit=500) == (want, len(want)), reason
    assert data.eligibility_page(user, as_of, limit=1) == (judgments[:1], len(judgments))
