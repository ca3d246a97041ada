"""Pages, API and exports: permission matrix, masking, the counter's errors, real files opened,
and a QR label generated and decoded back."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from casewatch.core.testing import ACTION, DETAIL, LIST, Expect, Probe, check_cell, matrix_params, request_as
from casewatch.property import documents, services

IN = "district_legal"
PROBES = [
    Probe("dashboard", "/property/", kind=LIST, marker="鄞州区分局"),
    Probe("item-list", "/property/items/", kind=LIST, marker="{w.item_in.code}"),
    Probe(
        "item-detail",
        "/property/items/{w.item_in.code}/",
        kind=DETAIL,
        marker="{w.case_in.case_number}",
    ),
    Probe("case-tab", "/property/case/{w.case_in.pk}/", kind=DETAIL, marker="{w.item_in.code}"),
    Probe("api-items", "/api/v1/property/items", kind=LIST, api=True, marker="{w.item_in.code}"),
    Probe(
        "api-dashboard",
        "/api/v1/property/dashboard",
        kind=LIST,
        api=True,
        marker="330212-PSB",
        expect={"no_permission": Expect(200, shows=False)},
    ),
    Probe(
        "ledger-xlsx",
        "/property/ledger.xlsx",
        kind=ACTION,
        marker="{w.item_in.code}",
        users={"in_scope": IN, "out_of_scope": "other_court", "no_permission": "district_handler"},
        expect={"out_of_scope": Expect(200, shows=False), "no_permission": Expect(403, shows=False)},
    ),
    Probe(
        "labels",
        "/property/labels.pdf?codes={w.item_in.code}",
        kind=ACTION,
        users={"in_scope": IN, "no_permission": "district_handler"},
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def test_item_page_masks_the_owner_and_shows_both_streams(client, world):
    r = request_as(client, world.user("custodian"), f"/property/items/{world.item_in.code}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "王**" in body and "3302**********7777" in body and "137****1111" in body
    assert "330212199001017777" not in body and "13700001111" not in body
    assert body.count("<tr>") >= 3  # seized (custody) + seized and check-in (place)


def test_scan_page_checks_in_and_reports_bad_codes_in_both_languages(client, world):
    custodian = world.user("custodian")
    client.force_login(custodian)
    r = client.post(
        "/property/scan/",
        {
            "action": "check_in",
            "code": world.pending.code.lower(),
            "location": "330212-W1-C-01-2",
            "giver": "张警官",
            "condition": "ok",
        },
    )
    assert r.status_code == 200 and 'data-testid="scan-result"' in r.content.decode()
    world.pending.refresh_from_db()
    assert world.pending.location.code == "330212-W1-C-01-2"
    r = client.post(
        "/property/scan/",
        {"action": "check_in", "code": world.pending.code, "location": "330212-W1-C-01-2", "condition": "ok"},
    )
    body = r.content.decode()
    assert 'data-testid="scan-error"' in body and world.pending.code in body
    assert "already checked in" in body and "已" in body


def test_api_scan_bad_input(client, world):
    custodian = world.user("custodian")
    r = request_as(
        client,
        custodian,
        "/api/v1/property/scan",
        method="post",
        api=True,
        data={"code": world.item_out.code, "action": "move", "location": "330212-W1-C-01-1"},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "unknown" and world.item_out.code in body["message_en"] and body["message_zh"]
    r = request_as(
        client,
        custodian,
        "/api/v1/property/scan",
        method="post",
        api=True,
        data={"code": world.item_in.code, "action": "move", "location": "NOWHERE"},
    )
    assert r.status_code == 400 and r.json()["code"] == "unknown_location"
    r = request_as(
        client,
        custodian,
        "/api/v1/property/scan",
        method="post",
        api=True,
        data={"code": world.item_in.code, "action": "move", "location": "330212-W1-C-01-1"},
    )
    assert r.status_code == 200 and r.json()["place"].startswith("330212-W1-C-01-1")


def test_qr_label_generated_and_decoded_back(world):
    import zxingcpp
    from PIL import Image

    png = documents.qr_png(world.item_in.code)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [world.item_in.code]
    assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode


def test_label_sheet_is_a_50_by_30_mm_pdf_whose_qr_decodes(world):
    import pypdf
    import zxingcpp
    from PIL import Image

    items = [world.item_in, world.pending]
    pdf = documents.label_sheet(items)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    text = page.extract_text().replace("\x00", "")
    assert world.item_in.code in text and world.pending.code in text
    images = [Image.open(io.BytesIO(img.data)) for img in page.images]
    codes = sorted(d.text for im in images for d in zxingcpp.read_barcodes(im.convert("L")))
    assert codes == sorted(i.code for i in items)
    # the label grid: 50 × 30 mm → 141.73 × 85.04 pt rectangles drawn around each label
    content = page.get_contents().get_data().decode("latin-1")
    assert "141.73 -85.04 re" in content or "141.73 85.04 re" in content


def test_transfer_list_docx_and_pdf_open(client, world):
    import docx
    import pypdf

    handover = services.propose_handover(world.user(IN), world.case_in, "330212-PRO", "起诉意见书")
    client.force_login(world.user(IN))
    r = client.get(f"/property/handovers/{handover.pk}/list.docx")
    doc = docx.Document(io.BytesIO(r.content))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert world.item_in.code in cells and world.pending.code in cells
    r = client.get(f"/property/handovers/{handover.pk}/list.pdf")
    assert world.item_in.code in pypdf.PdfReader(io.BytesIO(r.content)).pages[0].extract_text().replace(
        "\x00", ""
    )


def test_inventory_report_docx(client, world):
    import docx

    from casewatch.property import services_inventory as inventory

    custodian = world.user("custodian")
    inv = inventory.start(custodian, world.bin1.centre, mode="sampled", seed=1)
    inventory.submit(custodian, inv)
    client.force_login(custodian)
    r = client.get(f"/property/inventories/{inv.pk}/?format=docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "1067.1" in text and str(inv.sample_size) in text
    assert timezone.now()
