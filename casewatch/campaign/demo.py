"""The demo campaign: records the campaign office would have kept in Ningbo by 2026-09-30.

`load()` is idempotent (a second call changes nothing) and set-based (bulk inserts). It creates

* the campaign and its six tasks with milestones;
* the rest of the political-legal workforce's roster (the demo city's generator creates only the staff
  who handle its cases), so that coverage has a realistic denominator: ``ROSTER`` persons in all;
* 761 warning-education sessions between January and September 2026 that reached exactly 24,847
  distinct persons (the article's figures), a few persons holding posts in two units;
* the register of norms the article names, with links to the screening rules, rubric items and
  deadline settings they ground, the procuratorate's 85 mechanisms and ~30 joint documents;
* the police's 28 research topics;
* 123 key cases picked into a city review campaign, and listed supervision of the 22 highest-scoring
  false-litigation leads (when a scan has produced leads).

The figures the report then shows are computed from these records like any others.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from casewatch.campaign.choices import AttendanceMethod, LinkKind, NormKind, SessionForm, TaskKind
from casewatch.campaign.models import (
    Attendance,
    Campaign,
    CampaignTask,
    EducationSession,
    Milestone,
    Norm,
    NormLink,
    ResearchTopic,
)
from casewatch.core.models import Staff, Unit

TITLE = "2026年宁波市执法司法规范化水平提升年活动"
START, AS_OF = dt.date(2026, 1, 1), dt.date(2026, 9, 30)
SESSIONS, REACHED, ROSTER = 761, 24_847, 26_400
SEED = 2026

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉波斌宇浩凯健俊帆帅旭宁欣悦晨琳雪婷颖倩洁"

#: agency code → share of the roster (police is by far the largest)
AGENCY_SHARE = {"PSB": 0.70, "PRO": 0.08, "CRT": 0.14, "JUS": 0.06, "CMT": 0.02}

NAMED_NORMS = [
    ("执法办案“零容忍”八条红线", "PSB", "330200", NormKind.AGENCY, dt.date(2026, 3, 15)),
    ("办理伤害案件“七个一律”", "PSB", "330200", NormKind.AGENCY, dt.date(2026, 4, 2)),
    ("全市公安机关案件管理室管理使用“五个必须”", "PSB", "330200", NormKind.AGENCY, dt.date(2026, 4, 20)),
    ("全市公安机关值班所长执法履职“六个必须”", "PSB", "330200", NormKind.AGENCY, dt.date(2026, 5, 8)),
    ("关于正风肃纪“五个一律”的规定", "CRT", "330200", NormKind.AGENCY, dt.date(2026, 3, 1)),
    ("案件质量评查实施办法（修订）", "CRT", "330200", NormKind.AGENCY, dt.date(2026, 4, 10)),
    (
        "宁波市中级人民法院关于对执行工作实行“一案双查”的实施细则",
        "CRT",
        "330200",
        NormKind.AGENCY,
        dt.date(2026, 5, 20),
    ),
    ("关于开展警示教育月活动的实施方案", "CRT", "330200", NormKind.AGENCY, dt.date(2026, 2, 25)),
    (
        "关于建立法院与干警家属“助廉保安互联共创”机制的意见",
        "CRT",
        "330200",
        NormKind.MECHANISM,
        dt.date(2026, 6, 1),
    ),
    ("开展虚假诉讼协同治理专项行动工作方案", "CMT", "330200", NormKind.JOINT, dt.date(2026, 3, 10)),
    (
        "关于贯彻《进一步加强检察机关法律监督工作的若干意见》的实施意见",
        "CMT",
        "330200",
        NormKind.JOINT,
        dt.date(2026, 4, 15),
    ),
    ("全市行政争议实质性化解工作机制", "CRT", "330200", NormKind.JOINT, dt.date(2026, 2, 18)),
]

#: (norm title, link kind, target)
NAMED_LINKS = [
    ("执法办案“零容忍”八条红线", LinkKind.SCREENING_RULE, "CR-04"),
    ("执法办案“零容忍”八条红线", LinkKind.SCREENING_RULE, "SP-01"),
    ("办理伤害案件“七个一律”", LinkKind.SCREENING_RULE, "PO-02"),
    ("全市公安机关案件管理室管理使用“五个必须”", LinkKind.SCREENING_RULE, "SP-02"),
    ("案件质量评查实施办法（修订）", LinkKind.DEADLINE_SETTING, "lights"),
    (
        "宁波市中级人民法院关于对执行工作实行“一案双查”的实施细则",
        LinkKind.DEADLINE_SETTING,
        "limit:enforcement/*",
    ),
    ("开展虚假诉讼协同治理专项行动工作方案", LinkKind.DEADLINE_SETTING, "escalation"),
]

MECHANISM_THEMES = [
    "虚假诉讼协同治理",
    "构建国际一流营商环境",
    "全力服务“六稳”“六保”",
    "法律监督质效提升",
    "检律协作",
]
JOINT_THEMES = [
    "刑事案件办理衔接",
    "涉案财物移送管理",
    "认罪认罚从宽制度适用",
    "行政争议实质性化解",
    "执行联动",
    "电子卷宗单轨制移送",
]

POLICE_TOPICS = [
    "落实专业警种执法主体责任",
    "健全专职法制员制度",
    "规范涉案物品处置",
    "经侦部门受立案工作问题",
    "大数据侦查实战中心建设",
    "执法办案管理中心运行机制",
    "派出所执法规范化建设",
    "刑事案件立案监督衔接",
    "行政案件快速办理",
    "醉驾案件办理规范",
    "电信网络诈骗案件资金查控",
    "未成年人案件办理",
    "执法记录仪使用管理",
    "值班所长执法履职",
    "伤害案件取证规范",
    "涉众型经济犯罪案件处置",
    "执法质量考评",
    "法制员队伍建设",
    "受案立案网上流转",
    "涉案财物跨部门管理中心运行",
    "执法公开",
    "执法过错责任追究",
    "治安调解规范",
    "证据审查前置",
    "刑事强制措施适用",
    "交通事故处理规范",
    "信访事项一案三评",
    "执法突出问题专项治理",
]

SESSION_TITLES = {
    SessionForm.MEETING: "警示教育大会",
    SessionForm.FILM: "观看警示教育片",
    SessionForm.CASE_STUDY: "典型案例剖析会",
    SessionForm.FAMILY: "家庭助廉座谈",
    SessionForm.SIX_QUESTIONS: "“六问六查六找”专项警示教育",
    SessionForm.LECTURE: "《党员干部违纪违法典型案例警示录》学习会",
    SessionForm.VISIT: "廉政教育基地参观",
}


def _agency_units() -> dict[str, list[Unit]]:
    """Units below each agency, grouped by agency code (CMT, PSB …)."""
    out: dict[str, list[Unit]] = {}
    for u in Unit.objects.filter(kind__in=("unit", "division")).order_by("path"):
        code = u.code.split("-")[1] if "-" in u.code else ""
        out.setdefault(code, []).append(u)
    return out


def _fill_roster(rng: random.Random, units_by_agency) -> None:
    """Bulk-add roster staff until the workforce is ROSTER persons (a few hold two posts)."""
    have = Staff.objects.count()
    missing = ROSTER - have
    if missing <= 0:
        return
    rows, n = [], 0
    for agency, share in AGENCY_SHARE.items():
        units = units_by_agency.get(agency, [])
        k = round(missing * share) if agency != "CMT" else missing - n
        for i in range(max(k, 0)):
            unit = units[i % len(units)]
            n += 1
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            rows.append(Staff(staff_no=f"R-{unit.code}-{i:05d}", name=name, unit=unit, position="干警"))
    Staff.objects.bulk_create(rows[:missing], batch_size=5000)
    # 40 persons hold a second post in another unit of the same agency (same ID-less staff number
    # root would not link them, so give both records the same person key through an ID number).
    pairs = Staff.objects.filter(staff_no__startswith="R-").order_by("staff_no")[:80:2]
    twins = []
    for j, s in enumerate(pairs):
        pid = f"3302001980{j:04d}001X"[:18]
        Staff.objects.filter(pk=s.pk).update(id_number=pid)
        twins.append(
            Staff(staff_no=f"R2-{s.staff_no[2:]}", name=s.name, unit=s.unit, position="兼职", id_number=pid)
        )
    Staff.objects.bulk_create(twins)


def _sessions(rng: random.Random, units_by_agency, user) -> None:
    if EducationSession.objects.filter(title__startswith="[提升年]").exists():
        return
    organisers = [u for code in ("PSB", "PRO", "CRT", "JUS", "CMT") for u in units_by_agency.get(code, [])]
    forms = list(SESSION_TITLES)
    days = (AS_OF - START).days
    sessions = []
    for i in range(SESSIONS):
        unit = organisers[i % len(organisers)]
        form = forms[rng.randrange(len(forms))]
        sessions.append(
            EducationSession(
                unit=unit,
                title=f"[提升年] {SESSION_TITLES[form]}（第{i + 1}场）",
                held_on=START + dt.timedelta(days=rng.randrange(days + 1)),
                form=form,
                place=f"{unit.name}会议室",
                materials="《党员干部违纪违法典型案例警示录》；警示教育片",
                created_by=user,
            )
        )
    EducationSession.objects.bulk_create(sessions, batch_size=1000)
    sessions = list(EducationSession.objects.filter(title__startswith="[提升年]").select_related("unit"))
    by_unit: dict[int, list] = {}
    for s in sessions:
        by_unit.setdefault(s.unit_id, []).append(s)
    # Persons: one key per ID number (else staff number); choose exactly REACHED of them, each attends
    # one to three sessions of their own unit (or of any session when their unit held none).
    staff = list(Staff.objects.order_by("staff_no").values_list("id", "unit_id", "id_number", "staff_no"))
    persons: dict[str, list[tuple[int, int]]] = {}
    for sid, unit_id, idn, no in staff:
        persons.setdefault(idn or no, []).append((sid, unit_id))
    keys = sorted(persons)
    rng.shuffle(keys)
    chosen = keys[:REACHED]
    rows, seen = [], set()
    for key in chosen:
        for n_att in range(rng.choice((1, 1, 2, 3))):
            sid, unit_id = persons[key][n_att % len(persons[key])]
            pool = by_unit.get(unit_id) or sessions
            s = pool[rng.randrange(len(pool))]
            if (s.pk, sid) not in seen:
                seen.add((s.pk, sid))
                rows.append(Attendance(session=s, staff_id=sid, method=AttendanceMethod.IMPORT))
    attended = {r.session_id for r in rows}
    fallback = persons[chosen[0]][0][0]
    for s in sessions:  # every session has someone
        if s.pk not in attended and (s.pk, fallback) not in seen:
            rows.append(Attendance(session=s, staff_id=fallback, method=AttendanceMethod.MANUAL))
    Attendance.objects.bulk_create(rows, batch_size=5000)


def _norms(rng: random.Random) -> None:
    if Norm.objects.filter(title=NAMED_NORMS[0][0]).exists():
        return
    units = {u.code: u for u in Unit.objects.filter(kind="agency")}
    city = "330200"
    norms = [
        Norm(
            title=title,
            kind=kind,
            unit=units[f"{district}-{agency}"],
            issued_on=day,
            effective_on=day,
            doc_number=f"甬{agency.lower()}〔2026〕{k + 1}号",
            summary=f"{title}：提升年活动中制定。",
            full_text=f"{title}\n\n为规范执法司法行为，结合提升年活动要求，制定本规定。",
        )
        for k, (title, agency, district, kind, day) in enumerate(NAMED_NORMS)
    ]
    pro = units[f"{city}-PRO"]
    cmt = units[f"{city}-CMT"]
    for i in range(85):
        theme = MECHANISM_THEMES[i % len(MECHANISM_THEMES)]
        day = START + dt.timedelta(days=rng.randrange((AS_OF - START).days))
        norms.append(
            Norm(
                title=f"检察机关{theme}工作机制（第{i // len(MECHANISM_THEMES) + 1}项）",
                kind=NormKind.MECHANISM,
                unit=pro,
                issued_on=day,
                effective_on=day,
                doc_number=f"甬检〔2026〕{100 + i}号",
                summary=f"围绕{theme}制定的检察工作机制。",
            )
        )
    for i in range(28):
        theme = JOINT_THEMES[i % len(JOINT_THEMES)]
        day = START + dt.timedelta(days=rng.randrange((AS_OF - START).days))
        norms.append(
            Norm(
                title=f"关于{theme}的联合规定（{i + 1}）",
                kind=NormKind.JOINT,
                unit=cmt,
                issued_on=day,
                effective_on=day,
                doc_number=f"甬政法〔2026〕{20 + i}号",
                summary=f"市级各单位联合检察机关出台的{theme}文件。",
            )
        )
    Norm.objects.bulk_create(norms, batch_size=500)
    by_title = {n.title: n for n in Norm.objects.filter(title__in=[x[0] for x in NAMED_NORMS])}
    co = [units[f"{city}-{a}"] for a in ("PSB", "PRO", "CRT", "JUS")]
    for title in (
        "开展虚假诉讼协同治理专项行动工作方案",
        "关于贯彻《进一步加强检察机关法律监督工作的若干意见》的实施意见",
    ):
        by_title[title].co_issuers.set(co)
    from casewatch.campaign.services import link_targets

    valid = {k: link_targets(k) for k in LinkKind.values}
    links = [
        NormLink(norm=by_title[t], kind=k, target=target)
        for t, k, target in NAMED_LINKS
        if target in valid[k]
    ]
    rubric_codes = sorted(valid[LinkKind.RUBRIC_ITEM])[:3]
    links += [
        NormLink(norm=by_title["案件质量评查实施办法（修订）"], kind=LinkKind.RUBRIC_ITEM, target=c)
        for c in rubric_codes
    ]
    NormLink.objects.bulk_create(links, ignore_conflicts=True)


def _topics() -> None:
    if ResearchTopic.objects.filter(title=POLICE_TOPICS[0]).exists():
        return
    fz = list(Unit.objects.filter(code__endswith="-PSB-FZ").order_by("code"))
    ResearchTopic.objects.bulk_create(
        [
            ResearchTopic(
                unit=fz[i % len(fz)],
                title=t,
                status="concluded" if i % 3 else "researching",
                findings="调研发现的主要问题见报告。" if i % 3 else "",
                recommendations="提出对策建议。" if i % 3 else "",
                concluded_on=dt.date(2026, 9, 1) if i % 3 else None,
            )
            for i, t in enumerate(POLICE_TOPICS)
        ]
    )


def _campaign(user) -> Campaign:
    cmt = Unit.objects.get(code="330200-CMT")
    campaign, created = Campaign.objects.get_or_create(
        title=TITLE,
        defaults={
            "unit": cmt,
            "starts_on": START,
            "ends_on": dt.date(2026, 12, 31),
            "description": "以“六个一”活动为抓手，持续深入开展全面排查和整改提高工作。",
        },
    )
    if not created:
        return campaign
    lead = {
        TaskKind.REVIEW: "330200-CMT-JD",
        TaskKind.FALSELIT: "330200-PRO",
        TaskKind.FAIRNESS: "330211-CMT",
        TaskKind.HARD_PROBLEMS: "330200-CMT-ZH",
        TaskKind.NORMS: "330200-CMT-ZH",
        TaskKind.EDUCATION: "330200-CMT",
    }
    owners = list(Unit.objects.filter(code__in=[f"330200-{a}" for a in ("PSB", "PRO", "CRT", "JUS")]))
    for kind in TaskKind.values:
        task = CampaignTask.objects.create(
            campaign=campaign, kind=kind, lead_unit=Unit.objects.get(code=lead[kind])
        )
        task.owners.set(owners)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    task=task, title="制定工作方案", due_on=dt.date(2026, 2, 28), done_on=dt.date(2026, 2, 20)
                ),
                Milestone(
                    task=task,
                    title="全面排查、集中推进",
                    due_on=dt.date(2026, 6, 30),
                    done_on=dt.date(2026, 6, 28),
                ),
                Milestone(
                    task=task,
                    title="阶段总结（截至9月底）",
                    due_on=dt.date(2026, 9, 30),
                    done_on=dt.date(2026, 9, 30),
                ),
                Milestone(task=task, title="总结验收", due_on=dt.date(2026, 12, 20)),
            ]
        )
    return campaign


def _key_cases(user) -> int:
    """123 key cases picked into a city review campaign (supervisor picks with a reason)."""
    from casewatch.cases.models import Case
    from casewatch.reviews import services as rs
    from casewatch.reviews.models import Campaign as ReviewCampaign

    name = "2026年重点案件集中评查"
    if ReviewCampaign.objects.filter(name=name).exists():
        return 0
    units = list(Unit.objects.filter(code__in=[f"330200-{a}" for a in ("PSB", "PRO", "CRT")]))
    camp = rs.create_campaign(
        user,
        name=name,
        scope_units=units,
        case_types=["police_criminal", "prosecution_review", "criminal", "civil"],
        closed_from=dt.date(2025, 1, 1),
        closed_to=AS_OF,
    )
    camp.starts_on = dt.date(2026, 4, 1)
    camp.save(update_fields=["starts_on"])
    cases = list(
        Case.objects.filter(status="closed", closed_at__gte=dt.date(2025, 1, 1), closed_at__lte=AS_OF)
        .filter(case_type__in=["police_criminal", "prosecution_review", "criminal", "civil"])
        .order_by("-claim_amount", "id")[:123]
    )
    for case in cases:
        rs.pick_case(user, camp, case, "重点评查：排查中发现问题较多")
    return len(cases)


def _listed_leads(user) -> int:
    from casewatch.falselit import services as fs
    from casewatch.falselit.models import Lead
    from casewatch.problems.models import SupervisionOrder

    if SupervisionOrder.objects.filter(listed=True, lead_ref__startswith="falselit:").count() >= 22:
        return 0
    from django.utils import timezone

    n = 0
    deadline = timezone.localdate() + dt.timedelta(days=30)
    leads = list(Lead.objects.order_by("-score", "id")[:22])
    if len(leads) < 22:
        # Fewer rings than the article's 22 leads: the supervisors also opened case leads on the
        # largest suits inside the rings (a case lead of the falselit module, opened by hand).
        from casewatch.cases.models import Case
        from casewatch.falselit.choices import LeadKind

        members = Lead.cases.through.objects.filter(lead__in=leads).values("case_id")
        ring_cases = Case.objects.filter(pk__in=members).exclude(
            pk__in=[x.case_id for x in leads if x.case_id]
        )
        for case in ring_cases.order_by("-claim_amount", "id").distinct()[: 22 - len(leads)]:
            leads.append(fs.create_lead(user, case=case, kind=LeadKind.CASE, note="重点线索：涉案标的较大"))
    for i, lead in enumerate(leads):
        order = fs.list_for_supervision(
            user, lead.pk, deadline=deadline, instructions="挂牌督办：查明是否构成虚假诉讼并反馈。"
        )
        # The demo replays the campaign's history: the orders were issued between May and August.
        issued = timezone.make_aware(dt.datetime(2026, 5, 10) + dt.timedelta(days=5 * i, hours=10))
        SupervisionOrder.objects.filter(pk=order.pk).update(created_at=issued)
        n += 1
    return n


def load(user) -> dict:
    """Create the demo campaign's records (idempotent); returns what was created."""
    rng = random.Random(SEED)
    units_by_agency = _agency_units()
    with transaction.atomic():
        _campaign(user)
        _fill_roster(rng, units_by_agency)
        _sessions(rng, units_by_agency, user)
        _norms(rng)
        _topics()
    return {"key_cases": _key_cases(user), "listed_leads": _listed_leads(user)}
