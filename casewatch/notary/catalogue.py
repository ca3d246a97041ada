"""The matters catalogue (公证事项目录) and the standards-review checklist, as data.

Loaded into `MatterType` rows by migration ``0002`` and by ``notary-demo`` (idempotent upsert).
Sources and what could not be verified are listed in ``docs/notary.md``:

* time limit: 15 working days from acceptance (公证法 第30条); time for force majeure, supplementing
  materials or verification is not counted;
* in-person only: wills, survival and adoption (公证法 第26条) — never online, never by an agent;
* real-estate matters go to the office where the property lies (公证法 第25条 第2款) — modelled as
  "designated office";
* fees: **demo figures**, not a verified price schedule (provincial price offices set them);
* materials: the usual list of the published 证明材料清单 of several offices ("清单之外无证明").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ID = ("id_card", _("Identity card"))
HOUSEHOLD = ("household", _("Household register (户口簿)"))

#: code, Chinese name, English name, complexity, legal working days, fee (yuan), materials,
#: designated office codes (complex matters), in person only
MATTERS: list[dict] = [
    {
        "code": "birth",
        "name": "出生公证",
        "name_en": "Birth",
        "complexity": "simple",
        "fee": "80.00",
        "materials": [ID, HOUSEHOLD, ("birth_cert", _("Birth medical certificate"))],
    },
    {
        "code": "degree",
        "name": "学历学位公证",
        "name_en": "Academic degree",
        "complexity": "simple",
        "fee": "80.00",
        "materials": [ID, ("diploma", _("Diploma or degree certificate"))],
    },
    {
        "code": "no_criminal_record",
        "name": "无犯罪记录公证",
        "name_en": "No criminal record",
        "complexity": "simple",
        "fee": "80.00",
        "materials": [ID, ("police_record", _("Police station's no-record certificate"))],
    },
    {
        "code": "kinship",
        "name": "亲属关系公证",
        "name_en": "Kinship",
        "complexity": "ordinary",
        "fee": "80.00",
        "materials": [ID, HOUSEHOLD, ("kinship_proof", _("Proof of the relationship"))],
    },
    {
        "code": "contract",
        "name": "合同公证",
        "name_en": "Contract",
        "complexity": "ordinary",
        "fee": "300.00",
        "materials": [
            ID,
            ("contract_text", _("Contract text")),
            ("capacity", _("Proof of capacity to contract")),
        ],
    },
    {
        "code": "power_of_attorney",
        "name": "委托公证",
        "name_en": "Power of attorney",
        "complexity": "ordinary",
        "fee": "200.00",
        "materials": [
            ID,
            ("poa_text", _("Power of attorney text")),
            ("agent_id", _("Agent's identity card")),
        ],
    },
    {
        "code": "will",
        "name": "遗嘱公证",
        "name_en": "Will",
        "complexity": "complex",
        "fee": "500.00",
        "in_person": True,
        "materials": [
            ID,
            ("will_text", _("Draft of the will")),
            ("property_proof", _("Proof of the property")),
        ],
    },
    {
        "code": "inheritance",
        "name": "继承公证",
        "name_en": "Inheritance",
        "complexity": "complex",
        "fee": "800.00",
        "materials": [
            ID,
            ("death_cert", _("Death certificate of the deceased")),
            ("kinship_proof", _("Proof of the relationship")),
            ("property_proof", _("Proof of the property")),
        ],
    },
    {
        "code": "evidence_preservation",
        "name": "保全证据公证",
        "name_en": "Preservation of evidence",
        "complexity": "complex",
        "fee": "1000.00",
        "materials": [ID, ("evidence_note", _("Description of the evidence to preserve"))],
    },
]

#: Offices designated for complex matters in the demo city (one per side of the river).
DESIGNATED_OFFICES = ["330212-JUS-GZ", "330203-JUS-GZ"]

#: The legal time limit in working days (公证法 第30条).
LEGAL_WORKING_DAYS = 15

#: The standards-review checklist (规范性审查): code, label, severity of a finding.
CHECKLIST: list[tuple[str, object, str]] = [
    ("identity", _("Identity of the applicant checked against the ID card"), "high"),
    ("capacity", _("Capacity and interest in the matter examined (公证法 第28条)"), "high"),
    ("materials", _("Materials true, lawful and sufficient, and only those on the list"), "medium"),
    ("notice", _("Legal meaning and consequences explained and recorded"), "medium"),
    ("time_limit", _("Certificate issued within the time limit"), "medium"),
    ("format", _("Certificate in the prescribed format, signed and sealed (公证法 第32条)"), "low"),
]
CHECK_CODES = [c[0] for c in CHECKLIST]
CHECK_SEVERITY = {c[0]: c[2] for c in CHECKLIST}
CHECK_LABEL = {c[0]: c[1] for c in CHECKLIST}

#: material code -> label
MATERIAL_LABELS: dict[str, object] = {code: label for m in MATTERS for code, label in m["materials"]}


def material_label(code: str):
    """The label of a material code (the code itself when unknown)."""
    return MATERIAL_LABELS.get(code, code)


def upsert_catalogue(matter_model) -> int:
    """Create or update the catalogue rows from `MATTERS`; returns how many rows exist."""
    for m in MATTERS:
        complexity = m["complexity"]
        matter_model.objects.update_or_create(
            code=m["code"],
            defaults={
                "name": m["name"],
                "name_en": m["name_en"],
                "complexity": complexity,
                "online_allowed": complexity == "simple" and not m.get("in_person"),
                "in_person": bool(m.get("in_person")),
                "designated_offices": DESIGNATED_OFFICES if complexity == "complex" else [],
                "time_limit_days": LEGAL_WORKING_DAYS,
                "fee": m["fee"],
                "materials": [code for code, _label in m["materials"]],
            },
        )
    return matter_model.objects.count()
