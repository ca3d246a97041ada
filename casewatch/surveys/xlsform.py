"""XLSForm in and out: pyxform reads the workbook, openpyxl writes one. No Django here.

An instrument is carried as an `InstrumentSpec` — the flat shape casewatch stores (items with
their group, choices with scores). `parse_xlsform` runs pyxform's own reader and converter
(`workbook_to_json`, then the XForm builder, which also checks references in skip logic), and then
maps pyxform's JSON to a spec; `build_xlsform` writes a spec back as a workbook with ``survey``,
``choices`` and ``settings`` sheets that pyxform reads again (the round trip is tested).

Conventions on top of standard XLSForm (extra columns, which pyxform passes through):

* ``survey``: ``dimension`` (process, outcome, respect, efficiency, transparency, integrity, access,
  fairness, overall), ``agency`` (police, procuratorate, court, justice), ``weight`` (default 1).
* ``choices``: ``score``. A ``select_one`` list of 3 to 11 options scored with consecutive whole
  numbers (by ``score`` or by their names: ``1``…``3``, ``1``…``5``, ``1``…``7``, ``0``…``10`` …)
  is a rating scale; one further option on it (``na``) is the separate "不了解 / not applicable"
  answer and is never scored. See `rating_scale`.
* ``settings``: ``form_id`` (the instrument code), ``version``, ``form_title`` (Chinese),
  ``title_en``, ``respondent_group`` (party, lawyer, resident, court_user), ``default_language``.
* Labels in ``label::zh`` and ``label::en`` (``label::Chinese (zh)`` style is read as well).
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from casewatch.surveys import expressions

RESPONDENT_GROUPS = ("party", "lawyer", "resident", "court_user")
DIMENSIONS = (
    "process",
    "outcome",
    "respect",
    "efficiency",
    "transparency",
    "integrity",
    "access",
    "fairness",
    "overall",
)
AGENCIES = ("police", "procuratorate", "court", "justice")
KINDS = ("select_one", "select_multiple", "likert", "integer", "decimal", "text", "note")
_PYXFORM_TYPES = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "integer": "integer",
    "decimal": "decimal",
    "text": "text",
    "note": "note",
}
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


class XLSFormError(ValueError):
    """The workbook is not a usable instrument; `errors` lists every reason found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ChoiceSpec:
    list_name: str
    name: str
    label_zh: str
    label_en: str = ""
    score: float | None = None


@dataclass
class ItemSpec:
    name: str
    kind: str
    label_zh: str
    label_en: str = ""
    list_name: str = ""
    hint_zh: str = ""
    hint_en: str = ""
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    dimension: str = ""
    agency: str = ""
    weight: float = 1.0
    group_name: str = ""
    group_label_zh: str = ""
    group_label_en: str = ""
    group_relevant: str = ""


@dataclass
class InstrumentSpec:
    code: str
    title_zh: str
    title_en: str = ""
    version: int = 1
    respondent_group: str = "resident"
    default_language: str = "zh"
    items: list[ItemSpec] = field(default_factory=list)
    choices: list[ChoiceSpec] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def choice_lists(self) -> dict[str, list[ChoiceSpec]]:
        lists: dict[str, list[ChoiceSpec]] = {}
        for c in self.choices:
            lists.setdefault(c.list_name, []).append(c)
        return lists


# --- reading ----------------------------------------------------------------------------------


def _lang(key: str) -> str:
    """``zh``, ``Chinese (zh)``, ``中文 (zh-CN)``, ``default`` → ``zh``; English likewise → ``en``."""
    m = re.search(r"\(([\w-]+)\)\s*$", key)
    code = (m.group(1) if m else key).strip().lower()
    if code in ("default", "") or code.startswith("zh") or code.startswith("chinese"):
        return "zh"
    if code.startswith("en"):
        return "en"
    return code


def _labels(value) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value.strip(), ""
    by_lang: dict[str, str] = {}
    for key, text in value.items():
        by_lang.setdefault(_lang(key), str(text).strip())
    return by_lang.get("zh", ""), by_lang.get("en", "")


def _truth(value) -> bool:
    return str(value or "").strip().lower() in ("yes", "true", "true()", "1", "y")


def _score(choice: dict) -> float | None:
    raw = choice.get("score")
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


MIN_POINTS, MAX_POINTS = 3, 11
_INT_NAME = re.compile(r"^-?\d{1,2}$")


def _option_score(choice: dict) -> float | None:
    """A rating option's score: its ``score`` column, else its name when the name is a whole number."""
    s = _score(choice)
    name = str(choice.get("name", "")).strip()
    if s is None and _INT_NAME.match(name):
        s = float(name)
    return s


def rating_scale(options: list[dict]) -> tuple[int, int] | None:
    """``(lowest, highest)`` when the options are a rating scale, else None.

    A rating scale: 3 to 11 options scored with consecutive whole numbers (by ``score`` or by their
    names, e.g. 1–3, 1–5, 1–7, 1–10, 0–10), each score once, plus at most one unscored option (the
    separate "不了解 / not applicable" answer).
    """
    scores = []
    unscored = 0
    for c in options:
        s = _option_score(c)
        if s is None:
            unscored += 1
        else:
            scores.append(s)
    if unscored > 1 or not MIN_POINTS <= len(scores) <= MAX_POINTS:
        return None
    if any(not float(x).is_integer() for x in scores):
        return None
    ints = sorted(int(x) for x in scores)
    if ints != list(range(ints[0], ints[0] + len(ints))):
        return None
    return ints[0], ints[-1]


def _is_likert(options: list[dict]) -> bool:
    return rating_scale(options) is not None


def parse_xlsform(data: bytes | str, filename: str = "") -> tuple[InstrumentSpec, list[str]]:
    """Read an XLSForm (xlsx/xls/csv/md, bytes or a path) into a spec; returns (spec, warnings).

    Raises `XLSFormError` listing every problem (pyxform's own errors included).
    """
    warnings: list[str] = []
    try:
        workbook = get_xlsform(xlsform=io.BytesIO(data) if isinstance(data, bytes) else data)
        pyx = workbook_to_json(
            workbook_dict=workbook,
            form_name=None,
            fallback_form_name=workbook.fallback_form_name or "data",
            default_language=None,
            warnings=warnings,
        )
        # Building the XForm is pyxform's full check (e.g. ${name} references that do not exist).
        create_survey_element_from_dict(pyx).to_xml(validate=False, warnings=warnings)
    except PyXFormError as exc:
        raise XLSFormError([f"XLSForm: {exc}"]) from exc
    except Exception as exc:  # unreadable files surface as assorted reader errors
        raise XLSFormError(
            [f"{filename or 'file'}: not a readable XLSForm ({type(exc).__name__}: {exc})"]
        ) from exc

    errors: list[str] = []
    code = str(pyx.get("id_string") or "").strip()
    if not code or code == "data":
        code = (
            re.sub(r"[^\w-]+", "-", (filename.rsplit(".", 1)[0] if filename else "instrument"))
            .strip("-")
            .lower()
        )
    title_zh, title_en = _labels(pyx.get("title"))
    title_en = str(pyx.get("title_en") or title_en or "").strip()
    try:
        version = int(str(pyx.get("version") or "1").strip())
    except ValueError:
        version = 1
        warnings.append("settings: version is not a whole number; using 1")
    group = str(pyx.get("respondent_group") or "resident").strip()
    if group not in RESPONDENT_GROUPS:
        errors.append(f"settings: respondent_group {group!r} is not one of {', '.join(RESPONDENT_GROUPS)}")
    spec = InstrumentSpec(
        code=code[:60],
        title_zh=title_zh or code,
        title_en=title_en,
        version=version,
        respondent_group=group,
        default_language=_lang(str(pyx.get("default_language") or "zh")),
    )

    lists: dict[str, list[dict]] = pyx.get("choices") or {}
    likert_lists = {name for name, options in lists.items() if _is_likert(options)}

    def walk(children, group_name="", group_zh="", group_en="", group_rel=""):
        for child in children:
            ptype = child.get("type", "")
            name = child.get("name", "")
            if ptype == "group":
                if child.get("control", {}).get("bodyless"):
                    continue  # pyxform's meta block (instanceID)
                zh, en = _labels(child.get("label"))
                rel = expressions.conjoin(group_rel, child.get("bind", {}).get("relevant", ""))
                walk(child.get("children", []), name, zh or group_zh, en or group_en, rel)
                continue
            if ptype == "repeat":
                errors.append(f"{name}: repeats are not supported")
                continue
            if ptype in ("calculate", "start", "end", "today", "deviceid"):
                continue
            kind = _PYXFORM_TYPES.get(ptype)
            if kind is None:
                errors.append(f"{name}: question type {ptype!r} is not supported")
                continue
            list_name = child.get("list_name") or child.get("itemset") or ""
            if kind == "select_one" and list_name in likert_lists:
                kind = "likert"
            zh, en = _labels(child.get("label"))
            hint_zh, hint_en = _labels(child.get("hint"))
            bind = child.get("bind", {})
            weight_raw = str(child.get("weight") or "").strip()
            try:
                weight = float(weight_raw) if weight_raw else 1.0
            except ValueError:
                errors.append(f"{name}: weight {weight_raw!r} is not a number")
                weight = 1.0
            spec.items.append(
                ItemSpec(
                    name=name,
                    kind=kind,
                    label_zh=zh or en or name,
                    label_en=en,
                    list_name=list_name if kind in ("select_one", "select_multiple", "likert") else "",
                    hint_zh=hint_zh,
                    hint_en=hint_en,
                    required=_truth(bind.get("required")),
                    relevant=str(bind.get("relevant") or "").strip(),
                    constraint=str(bind.get("constraint") or "").strip(),
                    dimension=str(child.get("dimension") or "").strip(),
                    agency=str(child.get("agency") or "").strip(),
                    weight=weight,
                    group_name=group_name,
                    group_label_zh=group_zh,
                    group_label_en=group_en,
                    group_relevant=group_rel,
                )
            )

    walk(pyx.get("children", []))
    used_lists = {i.list_name for i in spec.items if i.list_name}
    for list_name, options in lists.items():
        if list_name not in used_lists:
            continue
        likert = list_name in likert_lists
        for c in options:
            zh, en = _labels(c.get("label"))
            score = _option_score(c) if likert else _score(c)
            spec.choices.append(
                ChoiceSpec(list_name, str(c.get("name")), zh or en or str(c.get("name")), en, score)
            )
    errors.extend(validate(spec))
    if errors:
        raise XLSFormError(errors)
    return spec, warnings


def validate(spec: InstrumentSpec) -> list[str]:
    """Checks that pyxform does not make: our columns' vocabularies and the expression subset."""
    errors: list[str] = []
    names = set()
    lists = spec.choice_lists()
    if not spec.items:
        errors.append("the survey sheet has no questions")
    for item in spec.items:
        where = item.name
        if not _NAME.match(item.name or ""):
            errors.append(f"{where}: name must start with a letter and use letters, digits, _ . -")
        if item.name in names:
            errors.append(f"{where}: duplicate name")
        names.add(item.name)
        if item.kind not in KINDS:
            errors.append(f"{where}: unknown kind {item.kind!r}")
        if item.kind in ("select_one", "select_multiple", "likert") and item.list_name not in lists:
            errors.append(f"{where}: choice list {item.list_name!r} not found")
        if item.dimension and item.dimension not in DIMENSIONS:
            errors.append(f"{where}: dimension {item.dimension!r} is not one of {', '.join(DIMENSIONS)}")
        if item.agency and item.agency not in AGENCIES:
            errors.append(f"{where}: agency {item.agency!r} is not one of {', '.join(AGENCIES)}")
        if item.weight < 0:
            errors.append(f"{where}: weight must not be negative")
        for label, text in (
            ("relevance", item.relevant),
            ("group relevance", item.group_relevant),
            ("constraint", item.constraint),
        ):
            try:
                tree = expressions.parse(text)
            except expressions.ExpressionError as exc:
                errors.append(f"{where}: {label} {text!r}: {exc}")
                continue
            unknown = expressions.references(tree) - {i.name for i in spec.items}
            if unknown:
                errors.append(f"{where}: {label} refers to unknown question(s) {', '.join(sorted(unknown))}")
    for list_name, options in lists.items():
        seen = set()
        for c in options:
            if c.name in seen:
                errors.append(f"choices {list_name}: duplicate value {c.name!r}")
            seen.add(c.name)
    return errors


# --- writing ----------------------------------------------------------------------------------

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::zh",
    "label::en",
    "hint::zh",
    "hint::en",
    "required",
    "relevant",
    "constraint",
    "dimension",
    "agency",
    "weight",
]
CHOICE_COLUMNS = ["list_name", "name", "label::zh", "label::en", "score"]
SETTINGS_COLUMNS = ["form_title", "title_en", "form_id", "version", "default_language", "respondent_group"]


def _xls_type(item: ItemSpec) -> str:
    if item.kind in ("select_one", "likert"):
        return f"select_one {item.list_name}"
    if item.kind == "select_multiple":
        return f"select_multiple {item.list_name}"
    return item.kind


def _num(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def build_xlsform(spec: InstrumentSpec) -> bytes:
    """Write a spec as an XLSForm workbook (bytes) that pyxform reads back into the same spec."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    open_group = ""
    for item in spec.items:
        if item.group_name != open_group:
            if open_group:
                survey.append(["end_group", open_group])
            if item.group_name:
                survey.append(
                    [
                        "begin_group",
                        item.group_name,
                        item.group_label_zh,
                        item.group_label_en,
                        "",
                        "",
                        "",
                        item.group_relevant,
                    ]
                )
            open_group = item.group_name
        survey.append(
            [
                _xls_type(item),
                item.name,
                item.label_zh,
                item.label_en,
                item.hint_zh,
                item.hint_en,
                "yes" if item.required else "",
                item.relevant,
                item.constraint,
                item.dimension,
                item.agency,
                _num(item.weight) if item.weight != 1.0 else None,
            ]
        )
    if open_group:
        survey.append(["end_group", open_group])
    choices = book.create_sheet("choices")
    choices.append(CHOICE_COLUMNS)
    for c in spec.choices:
        choices.append([c.list_name, c.name, c.label_zh, c.label_en, _num(c.score)])
    settings = book.create_sheet("settings")
    settings.append(SETTINGS_COLUMNS)
    settings.append(
        [
            spec.title_zh,
            spec.title_en,
            spec.code,
            str(spec.version),
            spec.default_language,
            spec.respondent_group,
        ]
    )
    for sheet in (survey, choices, settings):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
