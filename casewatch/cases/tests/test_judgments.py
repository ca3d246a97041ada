"""Judgment documents: parser accuracy on hand-written and generated documents, and the import.

The hand-written documents in data/judgments/ follow real-world styles the generator does not
produce (appeals with 原审 roles, spaced labels, full-width digits, a published HTML page, a GBK
file, two accused, an enforcement ruling, re-coded and merged courts, another city's old style).
Every person in them is fictitious.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from casewatch.analytics.judgments import accuracy, corpus, parse, text
from casewatch.cases.importing import Options, run_import
from casewatch.cases.models import Case, CaseParty, Document, Event, JudgmentDocument, Party

DATA = Path(__file__).parent / "data" / "judgments"
D = dt.date

#: file -> the values a careful reader takes from the document
HAND = {
    "h01-civil-appeal.txt": {"case_number": "（2022）浙02民终3021号", "division_code": "330200", "document_kind": "judgment", "outcome": "judgment", "filed_at": D(2022, 4, 11), "decided_at": D(2022, 7, 18), "cause": "劳动争议", "procedure": "second_instance", "parties": 4, "firms": ["浙江甬正律师事务所"]},
    "h02-old-style-spaced.txt": {"case_number": "（2014）甬鄞民一初字第02345号", "division_code": "330212", "filed_at": D(2014, 2, 17), "decided_at": D(2014, 5, 9), "cause": "民间借贷纠纷", "procedure": "simplified", "claim_amount": "50000.00", "parties": 3},
    "h03-criminal-expedited.txt": {"case_number": "（2020）浙0203刑初1187号", "cause": "危险驾驶罪", "procedure": "expedited", "filed_at": D(2020, 9, 10), "parties": 2, "articles": 3},
    "h04-withdrawal-ruling.txt": {"document_kind": "ruling", "outcome": "withdrawal", "cause": "买卖合同纠纷", "filed_at": D(2023, 6, 1), "decided_at": D(2023, 6, 21)},
    "h05-mediation.txt": {"document_kind": "mediation_document", "outcome": "mediation", "claim_amount": "36000.00", "cause": "房屋租赁合同纠纷"},
    "h06-title-says-judgment-body-ruling.txt": {"document_kind": "ruling", "outcome": "ruling"},
    "h07-fengtai-recoded.txt": {"division_code": "330213", "claim_amount": "128560.50", "procedure": "ordinary", "parties": 4, "articles": 3},
    "h08-jiangdong-merged.txt": {"division_code": "330212", "outcome": "default_judgment", "claim_amount": "200000.00"},
    "h09-published-page.html": {"case_number": "（2024）浙0211民初2468号", "procedure": "small_claims", "decided_at": D(2024, 2, 29), "articles": 2, "parties": 2},
    "h10-two-accused.txt": {"cause": "诈骗罪", "parties": 4, "filed_at": D(2018, 5, 7), "procedure": "ordinary"},
    "h11-enforcement-gbk.txt": {"case_number": "（2020）浙0226执恢33号", "document_kind": "ruling", "filed_at": D(2020, 5, 6)},
    "h12-shanghai-old-style.txt": {"case_number": "（2014）闵民一（民）初字第2697号", "division_code": "", "cause": "离婚纠纷"},
}  # fmt: skip


def _parsed(name: str) -> dict:
    j = parse.parse(text.extract((DATA / name).read_bytes(), name))
    values = accuracy.parsed_values(j)
    values["parties"] = len(values["parties"])
    return values


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_written_documents(name):
    got = _parsed(name)
    for field, want in HAND[name].items():
        assert got[field] == want, (name, field, got[field])


def test_body_beats_title_and_says_so():
    j = parse.parse(text.extract((DATA / "h06-title-says-judgment-body-ruling.txt").read_bytes(), "x.txt"))
    assert j.value("document_kind") == "ruling"
    assert j.warnings[0][0] == "title_body_mismatch" and j.warnings[0][1] == 2


def test_fields_carry_span_and_confidence():
    j = parse.parse(text.extract((DATA / "h02-old-style-spaced.txt").read_bytes(), "x.txt"))
    f = j.fields["filed_at"]
    assert j.text[f.start : f.end].startswith("2014年2月17日") and 0 < f.confidence <= 1
    assert j.fields["case_number"].line == 3  # the third non-empty line
    names = [str(p.name.value) for p in j.parties]
    assert names == ["王3", "李某乙", "赵某丙"]  # anonymised names kept as written
    lawyer = j.parties[2]
    assert lawyer.firm.value == "浙江海曙明德律师事务所" and lawyer.represents == 1


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [("bad-not-a-judgment.txt", "not_judgment", 1), ("bad-no-case-number.txt", "no_case_number", 0),
     ("bad-unknown-shape.txt", "bad_case_number", 3)],
)  # fmt: skip
def test_bad_documents_name_the_problem(name, code, line):
    with pytest.raises(parse.JudgmentError) as err:
        parse.parse(text.extract((DATA / name).read_bytes(), name))
    assert (err.value.code, err.value.line) == (code, line)


def test_generated_corpus_accuracy_per_field():
    docs = corpus.generate(300, seed=7)
    scores, failed, misses = accuracy.score([(t, f"g{i}.txt", truth) for i, (t, truth) in enumerate(docs)])
    assert failed == 0, misses[:3]
    assert min(scores.values()) >= 0.95, (scores, misses[:5])


def _docx_bytes(lines):
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _pdf_bytes(lines):
    font = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    candidates = [Path(font), *Path("/usr/share/fonts").rglob("NotoSansCJK-Regular.ttc")]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        pytest.skip("no CJK font for the PDF test")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(found))
    pdf.set_font("cjk", size=10)
    for line in lines:
        pdf.multi_cell(0, 6, line)
        pdf.ln(0)
    return bytes(pdf.output())


def test_docx_and_pdf_text_layers():
    lines = text.lines_of((DATA / "h05-mediation.txt").read_text(encoding="utf-8"))
    for name, data in (("a.docx", _docx_bytes(lines)), ("a.pdf", _pdf_bytes(lines))):
        j = parse.parse(text.extract(data, name))
        assert j.value("outcome") == "mediation" and j.value("cause") == "房屋租赁合同纠纷", name


def test_scanned_pdf_is_refused():
    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(text.TextError) as err:
        text.extract(bytes(pdf.output()), "scan.pdf")
    assert err.value.code == "no_text_layer"


def _import_folder(tmp_path, names, **kw):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in names:
        (folder / n).write_bytes((DATA / n).read_bytes())
    return run_import([folder], Options(**kw))


GOOD = [n for n in HAND if n != "h12-shanghai-old-style.txt"]


def test_import_writes_canonical_records_and_provenance(world, tmp_path):
    result = _import_folder(tmp_path, GOOD)
    assert result.status == "imported", result.problems.to_dicts()[:3]
    assert Case.objects.count() == len(GOOD)
    case = Case.objects.get(case_number="（2016）浙0283民初1500号")
    assert (
        case.unit_id == "330213-CRT" and case.filed_at == D(2016, 3, 8) and case.closed_at == D(2016, 11, 30)
    )
    assert case.cause_name == "机动车交通事故责任纠纷" and str(case.claim_amount) == "128560.50"
    assert Case.objects.get(case_number="（2016）浙0204民初88号").unit_id == "330212-CRT"  # merged 江东
    kinds = list(Event.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["filed", "judgment_pronounced"]
    assert Document.objects.get(case__case_number="（2021）浙0205民初777号").kind == "ruling"
    # a legal representative represents the company; a lawyer keeps his firm in the provenance
    company = Party.objects.get(name="宁波某某物流有限公司")
    rep = CaseParty.objects.get(role="legal_rep", case__case_number="（2022）浙02民终3021号")
    assert rep.represents_party_id == company.party_id
    prov = JudgmentDocument.objects.get(case=case)
    assert prov.fields["filed_at"]["confidence"] > 0.5 and prov.fields["filed_at"]["line"] == 7
    assert {p.get("firm", {}).get("value") for p in prov.parties} >= {"浙江甬正律师事务所"}
    again = _import_folder(tmp_path / "again", GOOD) if (tmp_path / "again").mkdir() is None else None
    assert again.status == "imported" and again.totals()["created"] == 0  # idempotent


def test_anonymised_names_are_not_merged_across_documents(world, tmp_path):
    result = _import_folder(tmp_path, ["h04-withdrawal-ruling.txt", "h10-two-accused.txt"])
    assert result.status == "imported"
    # 许某 is the defendant of one document and defence counsel in the other: two parties
    assert Party.objects.filter(name="许某").count() == 2


def test_bad_documents_reject_all_or_skip(world, tmp_path):
    names = GOOD[:3] + ["bad-not-a-judgment.txt", "bad-no-case-number.txt", "bad-unknown-shape.txt"]
    result = _import_folder(tmp_path, names)
    assert result.status == "rejected" and Case.objects.count() == 0  # nothing half-written
    errors = {r["file"]: r for r in result.problems.to_dicts() if r["severity"] == "error"}
    shape = errors["bad-unknown-shape.txt"]
    assert shape["code"] == "doc_bad_case_number" and shape["row"] == 3
    assert "民乙" in shape["reason_zh"] and "not recognised" in shape["reason_en"]
    assert errors["bad-not-a-judgment.txt"]["code"] == "not_judgment"
    assert errors["bad-no-case-number.txt"]["code"] == "no_case_number"
    kept = (
        _import_folder(tmp_path / "skip", names, skip_invalid=True)
        if (tmp_path / "skip").mkdir() is None
        else None
    )
    assert kept.status == "partial" and Case.objects.count() == 3


def test_foreign_court_is_an_error_with_its_line(world, tmp_path):
    result = _import_folder(tmp_path, ["h12-shanghai-old-style.txt"])
    row = result.problems.filter(result.problems["severity"] == "error").to_dicts()[0]
    assert (row["code"], row["row"]) == ("unknown_court_doc", 3)


def test_zip_of_documents(world, tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in GOOD[:4]:
            zf.writestr(f"inner/{n}", (DATA / n).read_bytes())
        zf.writestr("../evil.txt", b"x")
    result = run_import([archive], Options())
    assert Case.objects.count() == 4
    codes = set(result.problems.get_column("code"))
    assert "zip_unsafe_member" in codes


def test_hand_written_truth_per_field():
    """Every field of every hand-written document against truth.json (values checked by hand)."""
    import json

    truth = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 16
    wrong = []
    for name, want in truth.items():
        j = parse.parse(text.extract((DATA / name).read_bytes(), name))
        got = accuracy.parsed_values(j)
        for field in accuracy.FIELDS:
            value = got[field].isoformat() if isinstance(got[field], dt.date) else got[field]
            value = [list(v) for v in value] if field == "parties" else value
            if value != want[field]:
                wrong.append((name, field, value, want[field]))
    assert wrong == []


def test_uploads_accept_documents_and_check_their_content(media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casewatch.cases.importing.uploads import UploadRejected, save_uploads

    lines = text.lines_of((DATA / "h05-mediation.txt").read_text(encoding="utf-8"))
    good = [
        SimpleUploadedFile("a.docx", _docx_bytes(lines)),
        SimpleUploadedFile("b.html", (DATA / "h09-published-page.html").read_bytes()),
        SimpleUploadedFile("c.txt", (DATA / "h01-civil-appeal.txt").read_bytes()),
    ]
    paths, names = save_uploads(good)
    assert names == ["a.docx", "b.html", "c.txt"] and all(Path(p).is_file() for p in paths)
    with pytest.raises(UploadRejected) as err:
        save_uploads([SimpleUploadedFile("fake.pdf", b"not a pdf at all")])
    assert "fake.pdf" in str(err.value)


def test_table_import_accepts_recoded_courts_and_names_unknown_shapes(world, tmp_path):
    """The court-code aliases and the shape reasons apply to CSV imports too."""
    csv = tmp_path / "cases.csv"
    csv.write_text(
        "unit_code,case_number,case_type,status,filed_at\n"
        "330213-CRT,（2016）浙0283民初5号,civil,closed,2016-03-01\n"  # 奉化市 → 奉化区
        "330212-CRT,（2016）浙0204民初6号,civil,closed,2016-03-01\n"  # 江东 → 鄞州
        "330212-CRT,（2015）杭西民初字第1号,civil,closed,2015-03-01\n"  # another city's old style
        "330212-CRT,（2021）浙021民初1号,civil,closed,2021-03-01\n",  # three-digit court code
        encoding="utf-8",
    )
    result = run_import([csv], Options())
    errors = {r["row"]: r for r in result.problems.to_dicts() if r["severity"] == "error"}
    assert sorted(errors) == [3, 4]
    assert errors[3]["code"] == "unknown_court" and "杭西" in errors[3]["reason_zh"]
    assert errors[4]["code"] == "bad_case_number" and "浙021" in errors[4]["reason_en"]


def test_imported_judgments_reach_the_screening_engine(world, tmp_path):
    """The rows are the canonical ones: the snapshot carries them and the DuckDB engine runs on them."""
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
    from casewatch.cases.snapshot import snapshot

    assert _import_folder(tmp_path, GOOD).status == "imported"
    tables = snapshot()
    numbers = set(tables["cases"].column("case_number").to_pylist())
    assert "（2016）浙0283民初1500号" in numbers
    roles = set(tables["case_parties"].column("role").to_pylist())
    assert {"plaintiff", "defendant", "agent", "legal_rep", "accused", "defence_counsel"} <= roles
    result = DuckDBEngine().load(tables).run(as_of=D(2025, 1, 1))
    assert result.summary is not None
    keys = set(result.findings.column("case_number").to_pylist()) if result.findings.num_rows else set()
    assert keys <= numbers  # findings, if any, are about the imported cases
