"""The one font finder and Word layout every document uses."""

import io

import pytest
from docx import Document
from PIL import ImageFont

from casewatch.core import documents


@pytest.fixture(autouse=True)
def _fresh_cache():
    documents._find.cache_clear()
    yield
    documents._find.cache_clear()


def test_collection_face_is_the_simplified_chinese_one(monkeypatch):
    monkeypatch.delenv("CASEWATCH_CJK_FONT", raising=False)
    found = documents.cjk_font()
    if found is None:
        pytest.skip("no CJK font installed")
    path, face = found
    name = ImageFont.truetype(path, 12, index=face).getname()[0]
    assert name.endswith(" SC"), name


def test_environment_names_the_font_and_face(monkeypatch, tmp_path):
    found = documents.cjk_font()
    if found is None:
        pytest.skip("no CJK font installed")
    monkeypatch.setenv("CASEWATCH_CJK_FONT", f"{found[0]}#1")
    assert documents.cjk_font() == (found[0], 1)
    # A path that does not exist falls through to the installed fonts.
    monkeypatch.setenv("CASEWATCH_CJK_FONT", str(tmp_path / "missing.ttf"))
    assert documents.cjk_font() == found


def test_no_font_anywhere_is_none(monkeypatch, tmp_path, settings):
    monkeypatch.setenv("CASEWATCH_CJK_FONT", str(tmp_path / "missing.ttf"))
    settings.SURVEYS_REPORT_FONT = ""
    monkeypatch.setattr(documents, "FONT_CANDIDATES", [str(tmp_path / "none.ttc")])
    assert documents.cjk_font() is None


def test_new_docx_is_a4_in_the_cjk_font_and_tables_carry_text():
    doc = documents.new_docx()
    documents.docx_table(doc, ["单位", "数量"], [["鄞州区法院", 12]])
    buf = io.BytesIO()
    doc.save(buf)
    reopened = Document(io.BytesIO(buf.getvalue()))
    section = reopened.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert reopened.styles["Normal"].font.name == documents.DOCX_FONT
    table = reopened.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位", "数量"]
    assert [c.text for c in table.rows[1].cells] == ["鄞州区法院", "12"]
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
