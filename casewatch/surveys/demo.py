"""Demo data for the perceived-fairness module, shaped like the Ningbo pilot in the seed article:
镇海区 returned 3,636 questionnaires of three kinds by the end of September with an overall
satisfaction of 97.33%; 鄞州区 held 21 forums in its towns and streets.

The ratings are generated so that the computed figure is exactly the article's (97.33% of valid
ratings in the top three boxes, "不了解" excluded) — the platform computes it from the records,
the generator only chooses the records. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from casewatch.core.models import Unit
from casewatch.surveys import services
from casewatch.surveys.choices import Channel, RespondentGroup, WaveStatus
from casewatch.surveys.models import Answer, Forum, Response, Wave

PILOT_WAVE = "镇海区公平正义感受度测评（2026年第三季度）"
FORUM_WAVE = "鄞州区执法司法工作综合评估（2026年）"
TOTAL = 3636
RATE = 0.9733
GROUP_SHARE = {RespondentGroup.PARTY: 1212, RespondentGroup.LAWYER: 304, RespondentGroup.RESIDENT: 2120}
YINZHOU_PLACES = [
    "钟公庙街道",
    "首南街道",
    "下应街道",
    "中河街道",
    "潘火街道",
    "百丈街道",
    "东胜街道",
    "明楼街道",
    "白鹤街道",
    "东柳街道",
    "东郊街道",
    "福明街道",
    "新明街道",
    "邱隘镇",
    "五乡镇",
    "云龙镇",
    "咸祥镇",
    "瞻岐镇",
    "塘溪镇",
    "东吴镇",
    "姜山镇",
]
CASE_TYPES = {
    "court": "civil",
    "police": "police_public_order",
    "procuratorate": "prosecution_review",
    "justice": "",
}
DIMENSIONS = ("process", "outcome", "respect", "efficiency", "transparency", "integrity")


def _answers(rng: random.Random, group: str, agency: str) -> dict:
    """One respondent's answers, with every rating left as a placeholder to be filled later."""
    agencies = (
        [agency] if agency else rng.sample(["police", "court", "procuratorate", "justice"], rng.randint(1, 2))
    )
    ratings = {f"{a}_{d}": "?" for a in agencies for d in DIMENSIONS}
    base = {"agencies": agencies, "overall": "?", **ratings}
    if group == RespondentGroup.PARTY:
        base["role"] = rng.choice(["plaintiff", "defendant", "victim", "accused"])
    elif group == RespondentGroup.LAWYER:
        base.update(
            practice=rng.choice(["lawyer", "lawyer", "legal_worker"]),
            years=str(rng.randint(1, 30)),
            cases_year=str(rng.randint(3, 120)),
            obstructed="no",
        )
    else:
        base.update(
            age_group=rng.choice(["16_29", "30_44", "45_59", "60_plus"]),
            contact="yes",
            public_fairness="?",
            public_transparency="?",
        )
    if rng.random() < 0.08:
        base["comment"] = rng.choice(
            [
                "希望进一步提高办案效率",
                "窗口服务态度很好",
                "立案材料能否一次告知",
                "执行款到账较慢",
                "建议多开展普法宣传",
            ]
        )
    return base


def load(seed: int = 2025) -> dict:
    """Create the pilot wave (镇海) and the forums (鄞州); returns what was created."""
    if Wave.objects.filter(name=PILOT_WAVE).exists():
        return {"created": False}
    instruments = {i.code: i for i in services.load_shipped()}
    rng = random.Random(seed)
    zhenhai = Unit.objects.get(code="330211")
    yinzhou = Unit.objects.get(code="330212")
    agency_units = {
        a: Unit.objects.get(code=f"330211-{suffix}")
        for a, suffix in (
            ("court", "CRT-MS1"),
            ("police", "PSB-PS1"),
            ("procuratorate", "PRO-J1"),
            ("justice", "JUS-FY"),
        )
    }
    with transaction.atomic():
        wave = Wave.objects.create(
            name=PILOT_WAVE,
            unit=zhenhai,
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
            status=WaveStatus.CLOSED,
            top_box=3,
            notes="与宁波大学法学院合作；三类测评表；小程序回收。Demo data shaped like the pilot.",
        )
        codes = {
            RespondentGroup.PARTY: "party",
            RespondentGroup.LAWYER: "lawyer",
            RespondentGroup.RESIDENT: "resident",
        }
        for group, n in GROUP_SHARE.items():
            wave.targets.create(respondent_group=group, instrument=instruments[codes[group]], sample_size=n)
        people = []
        for group, n in GROUP_SHARE.items():
            for _k in range(n):
                agency = rng.choice(list(agency_units)) if group != RespondentGroup.RESIDENT else ""
                people.append((group, agency, _answers(rng, group, agency)))
        # Exactly RATE of the valid ratings in the top three boxes; 2% "don't know" apart.
        slots = [(p, k) for p in people for k, v in p[2].items() if v == "?"]
        na = int(len(slots) * 0.02)
        valid = len(slots) - na
        low = valid - round(valid * RATE)
        scores = ["na"] * na + ["1"] * (low // 3) + ["2"] * (low - low // 3)
        scores += ["3"] * round(valid * RATE * 0.14) + ["4"] * round(valid * RATE * 0.38)
        scores += ["5"] * (len(slots) - len(scores))
        rng.shuffle(scores)
        for ((_group, _agency, answers), key), score in zip(slots, scores, strict=True):
            answers[key] = score
        start = dt.date(2026, 7, 1)
        for group, agency, answers in people:
            unit = agency_units[agency] if agency else zhenhai
            services.compiled(instruments[codes[group]])
            _insert(
                wave,
                instruments[codes[group]],
                unit,
                answers,
                start + dt.timedelta(days=rng.randint(0, 91)),
                group,
                CASE_TYPES.get(agency, ""),
            )
        forum_wave = Wave.objects.create(
            name=FORUM_WAVE,
            unit=yinzhou,
            period_start=dt.date(2026, 5, 1),
            period_end=dt.date(2026, 9, 30),
            status=WaveStatus.CLOSED,
            top_box=3,
        )
        forum_wave.targets.create(
            respondent_group=RespondentGroup.RESIDENT, instrument=instruments["resident"], sample_size=0
        )
        for n, place in enumerate(YINZHOU_PLACES):
            forum = Forum.objects.create(
                unit=yinzhou,
                wave=forum_wave,
                title=f"{place}执法司法工作座谈会",
                place=f"{place}会议室",
                held_on=dt.date(2026, 5, 6) + dt.timedelta(days=6 * n),
                organiser="鄞州区委政法委联合工作组",
                agencies=["police", "procuratorate", "court", "justice"],
                minutes=f"{place}居民代表、村（社区）干部、人大代表和律师代表参加，对政法各单位执法活动开展情况进行评议。",
            )
            residents = rng.randint(12, 25)
            forum.attendance.create(group="居民代表", count=residents)
            forum.attendance.create(group="村（社区）干部", count=rng.randint(3, 8))
            forum.attendance.create(group="人大代表、政协委员", count=rng.randint(1, 4))
            forum.issues.create(
                agency=rng.choice(["police", "court", "justice"]),
                description=rng.choice(
                    [
                        "夜间巡逻力度不足",
                        "执行案件进展告知不及时",
                        "法律援助申请材料较多",
                        "交通违法处理窗口排队时间长",
                    ]
                ),
            )
            rated = residents
            forum.ratings.create(
                agency="", dimension="overall", rated=rated, satisfied=rated - (1 if n % 4 == 0 else 0)
            )
    from casewatch.surveys.importing import refresh_statistics

    transaction.on_commit(refresh_statistics)  # at once when not inside a transaction
    return {
        "created": True,
        "responses": Response.objects.filter(wave=wave).count(),
        "forums": len(YINZHOU_PLACES),
    }


def _insert(wave, instrument, unit, answers, day, group, case_type) -> None:
    import uuid

    form = services.compiled(instrument)
    by_name = {i.name: i for i in form.items}
    response = Response(
        client_key=uuid.uuid4().hex,
        wave=wave,
        instrument=instrument,
        unit=unit,
        district_code=unit.division_code,
        agency_kind=unit.agency_kind,
        case_type=case_type,
        respondent_group=group,
        channel=Channel.PUBLIC if group == RespondentGroup.RESIDENT else Channel.TOKEN,
        language="zh",
        submitted_on=day,
    )
    rows = []
    for name, value in answers.items():
        item = by_name[name]
        for v in value if isinstance(value, list) else [value]:
            score = item.choices.get(v) if item.kind == "likert" else None
            rows.append(
                Answer(
                    response=response,
                    item_id=item.id,
                    value="" if item.kind == "text" else v,
                    score=score,
                    na=item.kind == "likert" and score is None,
                    number=float(v) if item.kind in ("integer", "decimal") else None,
                    text=v if item.kind == "text" else "",
                )
            )
    response.save(force_insert=True)
    Answer.objects.bulk_create(rows)
