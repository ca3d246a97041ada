"""Law texts: article lookup, and every rule's legal basis exists in the shared corpus."""

from __future__ import annotations

import pytest

from casewatch.analytics.laws import (
    LawLibrary,
    chinese_number,
    normalise_law_name,
    parse_article,
    parse_articles,
)
from casewatch.analytics.rules import RULES


def test_chinese_numerals():
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "一百零五", "二百四十三", "一千")] == [
        1,
        10,
        12,
        20,
        105,
        243,
        1000,
    ]
    assert parse_article("第九十一条") == (91, 0)
    assert parse_article("第307条之一") == (307, 1)
    assert parse_article(172) == (172, 0)


def test_name_variants_normalise_to_one_law():
    names = {
        normalise_law_name(n)[0]
        for n in (
            "刑事诉讼法(2018-10-26).md",
            "中华人民共和国刑事诉讼法",
            "《刑事诉讼法》",
            "刑诉法",
            "刑事诉讼法（2018-10-26）",
        )
    }
    assert names == {"刑事诉讼法"}
    assert normalise_law_name("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释") == (
        "最高人民法院关于适用民事诉讼法的解释",
        None,
    )


def test_articles_split_on_increasing_headings_only():
    text = "# 某法\n\n第一条 甲。\n\n第二款规定的事项。\n\n第二 条 乙。\n\n第一条规定的情形除外。\n\n第三条之一 丙。\n"
    assert parse_articles(text) == {
        (1, 0): "甲。\n第二款规定的事项。",
        (2, 0): "乙。\n第一条规定的情形除外。",
        (3, 1): "丙。",
    }


def test_article_lookup(law_folder):
    library = LawLibrary(law_folder)
    article = library.article("中华人民共和国刑事诉讼法", "第九十一条")
    assert article is not None and article.file == "刑事诉讼法(2018-10-26).md"
    assert "三日以内" in article.text and "七日以内" in article.text  # both paragraphs
    assert "节假日" in library.article_text("刑诉法", 105)
    assert library.article("刑法", "第307条之一").label == "第307条之一"
    assert library.article("刑事诉讼法", 309) is None  # the 2018 text has 308 articles
    assert library.article("刑事诉讼法(2012-03-14)", 1) is None  # no such version in the folder
    assert library.article("不存在的法", 1) is None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_legal_basis_exists_in_the_corpus(rule, law_folder):
    library = LawLibrary(law_folder)
    assert rule.basis, "a rule needs a legal basis"
    for citation in rule.basis:
        if citation.file is None:
            assert citation.note, f"{citation.label}: say why the text is not in the corpus"
            continue
        assert (law_folder / citation.file).is_file(), citation.file
        assert library.resolve(citation.law).name == citation.file, citation.law
        assert library.article(citation.law, citation.article) is not None, citation.label


def test_article_text_for_pages(law_folder, tmp_path):
    from casewatch.analytics.laws import article_text

    assert "七日以内" in article_text(law_folder, "刑事诉讼法", "第91条")
    assert article_text(str(law_folder), "民诉解释", "第243条").startswith("民事诉讼法第一百五十二条")
    assert article_text(law_folder, "刑事诉讼法", "第999条") is None
    assert article_text(law_folder, "刑事诉讼法", "not an article") is None
    assert article_text(tmp_path / "missing", "刑事诉讼法", "第91条") is None
    assert article_text(None, "刑事诉讼法", "第91条") is None
