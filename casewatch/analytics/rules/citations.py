"""The laws rules cite, and the file each text lives in under ``shared/data/laws``.

A citation of a law listed in :data:`LAW_FILES` must name an article that exists in that file
(a test checks every one). Texts the corpus lacks are cited with ``file=None`` and a note saying
so, rather than pointing at a file that does not hold them.
"""

from __future__ import annotations

from casewatch.analytics.rules.model import Citation

#: short law name used in citations -> file name in the shared law folder
LAW_FILES = {
    "刑事诉讼法": "刑事诉讼法(2018-10-26).md",
    "民事诉讼法": "民事诉讼法(2023-09-01).md",
    "行政诉讼法": "行政诉讼法(2017-06-27).md",
    "刑法": "刑法.md",
    "人民检察院刑事诉讼规则": "人民检察院刑事诉讼规则(2019-12-02).md",
    "公安机关办理刑事案件程序规定": "公安机关办理刑事案件程序规定(2020-07-20).md",
    "公安机关办理行政案件程序规定": "公安机关办理行政案件程序规定(2019-04-27).md",
    "最高人民法院关于适用《民事诉讼法》的解释": "最高人民法院关于适用《民事诉讼法》的解释(2022-04-01).md",
    "最高人民法院关于严格规范民商事案件延长审限和延期开庭问题的规定": (
        "最高人民法院关于严格规范民商事案件延长审限和延期开庭问题的规定(2019-03-27).md"
    ),
    "最高人民法院关于严格执行案件审理期限制度的若干规定": (
        "最高人民法院关于严格执行案件审理期限制度的若干规定(2000-09-22).md"
    ),
    "最高人民法院关于公布失信被执行人名单信息的若干规定": "最高人民法院关于公布失信被执行人名单信息的若干规定(2013-07-16).md",
}

NOT_IN_CORPUS = "text not in the shared law corpus"


def cite(law: str, article: str, note: str = "") -> Citation:
    """A citation of an article of a law whose text is in the corpus."""
    return Citation(law=law, article=article, file=LAW_FILES[law], note=note)


def external(law: str, article: str | None = None, note: str = NOT_IN_CORPUS) -> Citation:
    """A citation whose text the corpus does not hold (shown, not linked)."""
    return Citation(law=law, article=article, file=None, note=note)


DATA_ENTRY_NORM = external(
    "数据录入规范",
    note="internal data-quality norm of the platform, not a statute",
)
