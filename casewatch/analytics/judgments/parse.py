"""Parse one judgment document (裁判文书) into fields, each with its text span and a confidence.

Why line-based: the official formats (民事诉讼文书样式, 刑事诉讼文书样式) put the court, the title,
the case number and every party on a line of its own, then a narrative paragraph (…一案，本院于…
立案后…), the court's reasoning, the decision (判决如下/裁定如下/达成如下协议) and the signatures
and the date in Chinese numerals. The parser reads the head line by line and the body by
patterns, and keeps for every value where it came from (character offsets into the document's
text and the line number) and how sure it is (1.0 for a value read from its own labelled line,
lower for values found by pattern in prose, lowest for defaults).

Decisions the issue fixed:
* the document kind follows the body, not the title (a "判决书" whose body says 裁定如下 is a
  ruling; the disagreement is kept as a warning);
* anonymised names (张某, 李某甲, 王3) are kept exactly as written.

Errors (`JudgmentError`) name the line: not a judgment, no case number, a case number of an
unknown shape (naming the part not understood), no decision date.

This module never imports Django.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from casewatch.analytics.judgments import numbers
from casewatch.cases import casenumber

HEAD_LINES = 20  # the court, title and case number are in the first lines

ROLE_LABELS: dict[str, str] = {
    "附带民事诉讼原告人": "plaintiff", "附带民事诉讼被告人": "defendant", "申请执行人": "applicant",
    "被执行人": "debtor", "再审申请人": "plaintiff", "复议申请人": "plaintiff", "被上诉人": "defendant",
    "上诉人": "plaintiff", "原审原告": "plaintiff", "原审被告人": "accused", "原审被告": "defendant",
    "原审第三人": "third_party", "被申请人": "defendant", "申请人": "plaintiff", "异议人": "plaintiff",
    "案外人": "third_party", "被告人": "accused", "被害人": "victim", "第三人": "third_party",
    "原告": "plaintiff", "被告": "defendant", "罪犯": "accused",
}  # fmt: skip
AGENT_LABELS: dict[str, str] = {
    "委托诉讼代理人": "agent", "特别授权代理人": "agent", "委托代理人": "agent", "诉讼代理人": "agent",
    "指定代理人": "agent", "法定代理人": "agent", "指定辩护人": "defence_counsel", "辩护人": "defence_counsel",
    "值班律师": "duty_lawyer", "法定代表人": "legal_rep", "负责人": "legal_rep", "经营者": "legal_rep",
}  # fmt: skip
_LABELS = sorted(list(ROLE_LABELS) + list(AGENT_LABELS), key=len, reverse=True)
_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(_LABELS) + r")"
    r"(?:[（(](?P<orig>[^）)]{2,12})[）)])?[：:，,\s]*(?P<rest>.*)$"
)
_ORIG_ROLE = {"原审原告": "plaintiff", "一审原告": "plaintiff", "原审被告": "defendant", "一审被告": "defendant",
              "原审第三人": "third_party", "一审第三人": "third_party", "原审被告人": "accused",
              "一审被告人": "accused", "原审附带民事诉讼原告人": "plaintiff"}  # fmt: skip
_ORG = re.compile(
    r"(公司|厂|店|中心|银行|合作社|委员会|局|所|院|协会|集团|社|部|站|行|处|学校|医院|村民委员会|商行|经营部|分行|支行)$"
)
_NAME_END = re.compile(r"[，,。；;（(：:\s]")
_FIRM = re.compile(r"(?:系|为|是)?([^，,。；;、\s]{2,40}?(?:律师事务所|法律服务所|法律援助中心))")
_SEX = re.compile(r"[，,](男|女)[，,。]")
_BIRTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:出)?生")
_TITLE = re.compile(
    r"^(?P<area>民事|刑事|行政|执行|刑事附带民事|国家赔偿|赔偿)?(?P<kind>判决书|裁定书|调解书|决定书)$"
)
_NUMBER_CANDIDATE = re.compile(
    r"[（(〔［【\[]\s*[0-9０-９]{4}\s*[）)〕］】\]].{0,40}?号(?:之[一二三四五六七八九十0-9]+)?"
)
_DATE_AR = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_CN = (
    r"([〇零○ＯO一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_FILED = re.compile(
    rf"(?:本院于|于)\s*(?:{_DATE_AR}|{_DATE_CN})\s*(?:立案|受理|向本院提起公诉|向本院提起[^，。；]{{0,8}}?诉讼|向本院起诉|诉至本院|向本院申请)"
)
_FILED_LOOSE = re.compile(rf"(?:{_DATE_AR}|{_DATE_CN})\s*(?:立案|受理)")
_DATE_LINE = re.compile(rf"^(?:{_DATE_AR}|{_DATE_CN})$")
_SIGN = re.compile(
    r"^(审判长|代理审判员|审判员|人民陪审员|陪审员|法官助理|书记员|执行员|速录员|执行长)(\S{1,12})$"
)
_CAUSE_CIVIL = re.compile(r"([^，,。；;：:\s]{2,40}?(?:纠纷|争议|申请|案件))一案")
_CAUSE_CRIME = re.compile(r"犯((?:犯罪|[^犯罪，,。；;、\s]){1,20}?罪)")
_NARRATIVE = re.compile(r"一案|本院|诉讼请求|审理终结|提起公诉|起诉书指控|向.{0,20}法院")
_CLAIMS = re.compile(r"(?:诉讼请求|请求判令|请求：|上诉请求|要求赔偿|请求赔偿)")
_CAUSE_ADMIN = re.compile(r"(行政[\u4e00-\u9fa5]{2,6}?)一案")
_LAW = re.compile(r"《([^》]{2,60})》")
_ARTICLE = re.compile(
    r"第([一二三四五六七八九十百零〇0-9]+)条(?:之[一二三四五六七八九十]+)?(?:第([一二三四五六七八九十0-9]+)款)?(?:第([（(]?[一二三四五六七八九十0-9]+[)）]?)项)?"
)


class JudgmentError(Exception):
    """A document that cannot become records: code, line number (1-based; 0 = whole file), detail."""

    def __init__(self, code: str, line: int = 0, detail: str = ""):
        super().__init__(code, line, detail)
        self.code = code
        self.line = line
        self.detail = detail


@dataclass
class Field:
    """A value with the span of text it came from and a confidence in [0, 1]."""

    value: object
    start: int
    end: int
    line: int
    confidence: float

    def as_dict(self, text: str = "") -> dict:
        """value, span (offsets into the document's text), line and confidence; JSON-ready."""
        return {
            "value": self.value if not isinstance(self.value, dt.date) else self.value.isoformat(),
            "span": [self.start, self.end],
            "line": self.line,
            "confidence": self.confidence,
        }


@dataclass
class Party:
    """A party or a representative as the document names it."""

    name: Field
    role: str  # canonical party_role
    role_as_written: str
    kind: str  # person or organisation
    line: int
    sex: str = ""
    birth_date: dt.date | None = None
    firm: Field | None = None
    lawyer: bool = False
    represents: int | None = None  # index of the principal party in Judgment.parties

    @property
    def anonymised(self) -> bool:
        """张某, 李某甲, 王3, 宁波某某公司: a name that does not identify anyone."""
        name = str(self.name.value)
        return "某" in name or "×" in name or "*" in name or bool(re.search(r"[0-9甲乙丙丁]$", name))


@dataclass
class Judgment:
    """Everything read from one document."""

    text: str
    lines: list[str]
    number: casenumber.CaseNumber
    fields: dict[str, Field] = field(default_factory=dict)
    parties: list[Party] = field(default_factory=list)
    articles: list[Field] = field(default_factory=list)
    signatories: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, int, str]] = field(default_factory=list)

    def value(self, name: str, default=None):
        f = self.fields.get(name)
        return f.value if f is not None else default


class _Doc:
    """Lines with their offsets in the joined text."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.text = "\n".join(lines)
        self.norm = casenumber_text(self.text)
        self.norm_lines = self.norm.split("\n")
        self.starts = []
        pos = 0
        for line in lines:
            self.starts.append(pos)
            pos += len(line) + 1

    def line_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def whole(self, i: int, value, confidence: float) -> Field:
        return Field(value, self.starts[i], self.starts[i] + len(self.lines[i]), i + 1, confidence)

    def span(self, start: int, end: int, value, confidence: float) -> Field:
        return Field(value, start, end, self.line_at(start), confidence)


_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"：": ":", "\u3000": " "})
_HAS_FULLWIDTH = re.compile("[\uff10-\uff19：\u3000]")


def casenumber_text(text: str) -> str:
    """Full-width digits, colon and space made half-width, character for character (spans hold)."""
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


_SPACE = re.compile(r"\s+")


def _compact(line: str) -> str:
    return _SPACE.sub("", line) if " " in line or "\t" in line or "\u3000" in line else line


def _date(m: re.Match, first_group: int = 1) -> dt.date | None:
    g = m.groups()[first_group - 1 :]
    try:
        if g[0] is not None:
            return dt.date(int(g[0]), int(g[1]), int(g[2]))
        return dt.date(numbers.cn_year(g[3]), numbers.cn_int(g[4]), numbers.cn_int(g[5]))
    except (ValueError, TypeError):
        return None


def parse(lines: list[str]) -> Judgment:
    """Parse a document's lines; raises JudgmentError for a document that is not a usable judgment."""
    doc = _Doc(lines)
    if not lines:
        raise JudgmentError("not_judgment", 0, "empty document")
    head = [_compact(line) for line in doc.norm_lines[:HEAD_LINES]]
    title_i = next((i for i, line in enumerate(head) if _TITLE.match(line)), None)
    body_kind, body_field = _body_kind(doc)
    if title_i is None and body_kind is None:
        raise JudgmentError("not_judgment", 1, lines[0][:40])
    number_i, number = _case_number(doc, head, title_i)
    j = Judgment(doc.text, lines, number)
    j.fields["case_number"] = doc.whole(number_i, casenumber.normalise(head[number_i]), 1.0)
    if title_i is not None:
        j.fields["title"] = doc.whole(title_i, head[title_i], 1.0)
        court_i = title_i - 1 if title_i > 0 and head[title_i - 1].endswith("法院") else None
    else:
        court_i = None
    court_i = (
        court_i if court_i is not None else next((i for i, h in enumerate(head) if h.endswith("法院")), None)
    )
    if court_i is not None:
        j.fields["court_name"] = doc.whole(court_i, head[court_i], 1.0)
    j.fields["matter_kind"] = doc.whole(number_i, number.matter_kind, 0.9)
    _document_kind(j, doc, title_i, head, body_kind, body_field)
    first_narrative = _parties(j, doc, number_i + 1)
    _dates(j, doc, first_narrative)
    _procedure(j, doc)
    _cause(j, doc, first_narrative)
    _amounts(j, doc)
    _articles(j, doc)
    _signatures(j, doc)
    return j


def _case_number(doc: _Doc, head: list[str], title_i: int | None) -> tuple[int, casenumber.CaseNumber]:
    start = title_i + 1 if title_i is not None else 0
    order = list(range(start, len(head))) + list(range(0, start))
    candidate = None
    for i in order:
        line = head[i]
        if casenumber.parse(line) is not None:
            return i, casenumber.parse(line)
        m = _NUMBER_CANDIDATE.search(line)
        if m and candidate is None and (i == 0 or not head[i - 1].startswith(("公诉机关",))):
            if casenumber.parse(m.group(0)) is not None and len(line) - len(m.group(0)) < 6:
                return i, casenumber.parse(m.group(0))
            candidate = (i, line)
        elif candidate is None and re.match(r"^[（(〔［【\[]\s*[0-9]{4}", line) and "号" in line[-4:]:
            candidate = (i, line)
    if candidate is not None:
        i, line = candidate
        raise JudgmentError("bad_case_number", i + 1, line)
    raise JudgmentError("no_case_number", 0, "")


def _body_kind(doc: _Doc) -> tuple[str | None, Field | None]:
    for pattern, kind in (
        (r"判\s*决\s*如\s*下", "judgment"),
        (r"裁\s*定\s*如\s*下", "ruling"),
        (r"(?:达成如下(?:调解)?协议|自愿达成(?:以下|如下)协议|调解协议如下)", "mediation_document"),
    ):
        m = re.search(pattern, doc.text)
        if m:
            return kind, doc.span(m.start(), m.end(), kind, 0.95)
    return None, None


_TITLE_KIND = {"判决书": "judgment", "裁定书": "ruling", "调解书": "mediation_document", "决定书": "other"}


def _document_kind(j: Judgment, doc: _Doc, title_i, head, body_kind, body_field) -> None:
    title_kind = _TITLE_KIND[_TITLE.match(head[title_i])["kind"]] if title_i is not None else None
    if body_kind is not None:
        j.fields["document_kind"] = body_field
        if title_kind is not None and title_kind != body_kind:
            j.warnings.append(("title_body_mismatch", title_i + 1, f"{head[title_i]} / {body_kind}"))
            body_field.confidence = 0.8
    else:
        j.fields["document_kind"] = doc.whole(title_i, title_kind, 0.6)
    kind = j.fields["document_kind"].value
    text = doc.text
    f = j.fields["document_kind"]
    if kind == "mediation_document":
        outcome = "mediation"
    elif kind == "ruling":
        tail = text[f.end : f.end + 120]
        m = re.search(r"准许[^。]{0,40}?撤回(?:起诉|上诉|诉讼|申请|对)|撤诉", tail)
        outcome = "withdrawal" if m else "ruling"
        if m is None:
            m = re.search(r"终结本次执行", tail)
            outcome = "round_terminated" if m else "ruling"
        if m:
            j.fields["outcome"] = doc.span(f.end + m.start(), f.end + m.end(), outcome, 0.9)
            return
    elif kind == "judgment":
        outcome = "default_judgment" if "缺席判决" in text else "judgment"
    else:
        outcome = "other"
    j.fields["outcome"] = Field(outcome, f.start, f.end, f.line, 0.85 if kind else 0.5)


def _principal_role(label: str, orig: str | None) -> tuple[str, float]:
    if orig:
        for key, role in _ORIG_ROLE.items():
            if key in orig:
                return role, 0.95
    confidence = 0.6 if label in ("上诉人", "被上诉人", "再审申请人", "被申请人", "申请人") else 1.0
    return ROLE_LABELS[label], confidence


def _parties(j: Judgment, doc: _Doc, first: int) -> int:
    """Read party lines from `first`; returns the index of the first narrative line."""
    principal: int | None = None
    i = first
    while i < len(doc.lines):
        line = doc.norm_lines[i]
        m = _LABEL_RE.match(line.lstrip())
        if m is None:
            if j.parties or i - first > 3:
                break
            i += 1
            continue
        label, rest = m["label"], m["rest"]
        if _NARRATIVE.search(line) or rest.startswith(("与", "不服", "因", "诉")):
            break
        offset = doc.starts[i] + line.index(rest) if rest else doc.starts[i]
        if label in AGENT_LABELS:
            role, confidence = AGENT_LABELS[label], 1.0
        else:
            role, confidence = _principal_role(label, m["orig"])
        names_part = _NAME_END.split(rest, maxsplit=1)[0]
        names = [n for n in names_part.split("、") if n] if label in AGENT_LABELS else [names_part]
        pos = offset
        for name in names:
            if not name:
                continue
            start = doc.text.find(name, pos)
            start = offset if start < 0 else start
            nf = doc.span(start, start + len(name), name, confidence)
            pos = start + len(name)
            p = Party(nf, role, label + (f"（{m['orig']}）" if m["orig"] else ""), "person", i + 1)
            if _ORG.search(name) and len(name) > 3:
                p.kind = "organisation"
            sex = _SEX.search(rest)
            if sex and p.kind == "person":
                p.sex = "M" if sex.group(1) == "男" else "F"
            birth = _BIRTH.search(rest)
            if birth and p.kind == "person":
                try:
                    p.birth_date = dt.date(int(birth.group(1)), int(birth.group(2)), int(birth.group(3)))
                except ValueError:
                    pass
            if label in AGENT_LABELS:
                firm = _FIRM.search(rest)
                if firm:
                    fs = offset + firm.start(1)
                    p.firm = doc.span(fs, fs + len(firm.group(1)), firm.group(1), 0.95)
                p.lawyer = bool(firm) and ("律师" in rest[firm.end() :] or "律师" in label)
                p.lawyer = p.lawyer or label in ("值班律师",)
                p.represents = principal
            j.parties.append(p)
            if label not in AGENT_LABELS:
                principal = len(j.parties) - 1
        i += 1
    return i


def _dates(j: Judgment, doc: _Doc, first_narrative: int) -> None:
    text = doc.norm
    body_from = doc.starts[min(first_narrative, len(doc.lines) - 1)]
    m = _FILED.search(text, body_from)
    confidence = 0.95
    if m is None:
        m = _FILED_LOOSE.search(text, body_from)
        confidence = 0.7
    if m is not None:
        start = m.start() + m.group(0).find(next(g for g in m.groups() if g))
        value = _date(m)
        if value is not None:
            j.fields["filed_at"] = doc.span(start, m.end(), value, confidence)
    for i in range(len(doc.lines) - 1, max(first_narrative, len(doc.lines) - 15) - 1, -1):
        line = _compact(doc.norm_lines[i])
        dm = _DATE_LINE.match(line)
        if dm:
            value = _date(dm)
            if value is not None:
                j.fields["decided_at"] = doc.whole(i, value, 1.0)
                break
    if "decided_at" not in j.fields:
        raise JudgmentError("no_decision_date", len(doc.lines), "no date line at the end of the document")


def _procedure(j: Judgment, doc: _Doc) -> None:
    text = doc.text
    for pattern, value, confidence in (
        (r"小额诉讼程序", "small_claims", 0.95),
        (r"速裁程序", "expedited", 0.95),
        (r"简易程序", "simplified", 0.9),
        (r"普通程序", "ordinary", 0.9),
    ):
        m = re.search(pattern, text)
        if m:
            j.fields["procedure"] = doc.span(m.start(), m.end(), value, confidence)
            break
    f = j.fields["case_number"]
    number = j.number
    if "procedure" not in j.fields and number.procedure_hint:
        j.fields["procedure"] = Field(number.procedure_hint, f.start, f.end, f.line, 0.8)
    if number.instance == 2:
        j.fields["procedure"] = Field("second_instance", f.start, f.end, f.line, 0.95)
    elif number.type_code.endswith(("再", "申", "监")):
        j.fields["procedure"] = Field("retrial", f.start, f.end, f.line, 0.9)
    if "procedure" not in j.fields and re.search(r"组成合议庭", text):
        m = re.search(r"组成合议庭", text)
        j.fields["procedure"] = doc.span(m.start(), m.end(), "ordinary", 0.6)
    if number.instance is not None:
        j.fields["instance"] = Field(number.instance, f.start, f.end, f.line, 1.0)


def _cause(j: Judgment, doc: _Doc, first_narrative: int) -> None:
    text = doc.text
    start = doc.starts[min(first_narrative, len(doc.lines) - 1)]
    if j.number.matter_kind == "criminal":
        decision = j.fields["document_kind"].end
        m = _CAUSE_CRIME.search(text, decision) or _CAUSE_CRIME.search(text, start)
        if m:
            j.fields["cause"] = doc.span(m.start(1), m.end(1), m.group(1), 0.9)
        return
    window = text[start : start + 600]
    if j.number.matter_kind == "administrative":
        m = _CAUSE_ADMIN.search(window)
        if m:
            j.fields["cause"] = doc.span(start + m.start(1), start + m.end(1), m.group(1), 0.8)
            return
    m = _CAUSE_CIVIL.search(window)
    if not m:
        return
    cause, cstart = m.group(1), start + m.start(1)
    cut = 0
    for p in j.parties:
        name = str(p.name.value)
        k = cause.rfind(name)
        if k >= 0:
            cut = max(cut, k + len(name))
    for joiner in ("与", "诉", "因", "不服", "申请"):
        if cause[cut:].startswith(joiner):
            cut += len(joiner)
    cause, cstart = cause[cut:], cstart + cut
    cause = re.sub(r"^(?:原告|被告|上诉人|被上诉人|申请人|被申请人|第三人)+", "", cause)
    if len(cause) >= 2:
        j.fields["cause"] = doc.span(
            m.end(1) - len(cause) + start, start + m.end(1), cause, 0.85 if cut else 0.6
        )


def _amounts(j: Judgment, doc: _Doc) -> None:
    text = doc.norm
    m = _CLAIMS.search(text)
    if m:
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        a = numbers.first_amount(text, m.end(), end)
        if a is not None:
            j.fields["claim_amount"] = doc.span(a[1], a[2], a[0], 0.75)
    kind = j.fields["document_kind"]
    if kind.value in ("judgment", "mediation_document"):
        stop = re.search(r"(?:如不服本|案件受理费|本判决为终审判决|本调解协议|上述协议)", text[kind.end :])
        end = kind.end + stop.start() if stop else min(len(text), kind.end + 800)
        a = numbers.first_amount(text, kind.end, end)
        if a is not None:
            j.fields["awarded_amount"] = doc.span(a[1], a[2], a[0], 0.7)


def _articles(j: Judgment, doc: _Doc) -> None:
    text = doc.text
    for m in re.finditer(r"(?:依照|依据|根据)(《[^。]{2,600}?)(?:之规定|的规定|规定)", text):
        law, pos = None, m.start(1)
        segment = m.group(1)
        tokens = sorted(
            [(x.start(), "law", x) for x in _LAW.finditer(segment)]
            + [(x.start(), "art", x) for x in _ARTICLE.finditer(segment)],
            key=lambda t: t[0],
        )
        for at, what, x in tokens:
            if what == "law":
                law = x.group(1)
            elif law is not None:
                cited = f"《{law}》{x.group(0)}"
                j.articles.append(doc.span(pos + at, pos + at + len(x.group(0)), cited, 0.9))


def _signatures(j: Judgment, doc: _Doc) -> None:
    for i in range(max(0, len(doc.lines) - 15), len(doc.lines)):
        m = _SIGN.match(_compact(doc.lines[i]))
        if m:
            j.signatories.append((m.group(1), m.group(2)))
