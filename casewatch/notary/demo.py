"""A year of notarisation at the demo city's notary offices (``notary-demo``).

Deterministic from the seed: applications over the 12 months up to ``as_of`` at every 公证处,
by channel (simple matters mostly online), one to three matters each, processed with the real
working-day arithmetic, some waiting for materials, a few late, certificates signed like real
ones. Rows are written with bulk inserts; the review sample and a handful of reviews go through
the services so their audit trail and problems are real.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from casewatch.core.models import Unit, User
from casewatch.notary import certificates, standards, workdays
from casewatch.notary.catalogue import CHECK_CODES
from casewatch.notary.choices import Channel, ItemStatus, ReviewKind
from casewatch.notary.codes import applicant_key
from casewatch.notary.models import Application, Certificate, Item, MatterType, Review
from casewatch.notary.services import OFFICE_SUFFIX, certificate_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(rng: random.Random, district: str) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    first = f"{district}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, ID_WEIGHTS, strict=True)) % 11]


def generate(as_of: dt.date, seed: int = 2026, per_office: int = 300) -> dict:
    """Write the demo year; returns counts. Refuses to run twice (demo rows carry ``demo-`` refs)."""
    if Application.objects.filter(external_ref__startswith="demo-").exists():
        return {"skipped": True}
    rng = random.Random(seed)
    matters = list(MatterType.objects.filter(active=True))
    simple = [m for m in matters if m.online_allowed]
    offices = list(Unit.objects.filter(code__endswith=OFFICE_SUFFIX).order_by("code"))
    notaries = {u.scope_id: u for u in User.objects.filter(role="notary").select_related("scope")}
    tz = timezone.get_current_timezone()
    start = as_of - dt.timedelta(days=364)
    apps, item_rows, n = [], [], 0
    for office in offices:
        district = office.code[:6]
        for seq in range(1, rng.randint(per_office // 2, per_office) + 1):
            n += 1
            day = start + dt.timedelta(days=rng.randrange(0, 365))
            channel = rng.choices([Channel.ONLINE, Channel.WINDOW, Channel.IMPORT], [55, 35, 10])[0]
            pool = simple if channel == Channel.ONLINE else [m for m in matters if m.allowed_at(office.code)]
            chosen = rng.sample(pool, k=min(len(pool), rng.choices([1, 2, 3], [70, 25, 5])[0]))
            ident = _id_number(rng, district)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
            number = f"{district}GZ{day.year}D{seq:05d}"
            apps.append(
                Application(
                    number=number,
                    office=office,
                    channel=channel,
                    applicant_name=name,
                    id_number=ident,
                    phone=f"13{rng.randrange(10**8, 10**9)}",
                    applicant_key=applicant_key(ident),
                    external_ref=f"demo-{n}",
                    submitted_at=dt.datetime.combine(
                        day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tz
                    ),
                )
            )
            item_rows.append((number, day, chosen, office))
    counts = {"applications": len(apps), "items": 0, "certificates": 0}
    with transaction.atomic():
        Application.objects.bulk_create(apps, batch_size=2000)
        ids = dict(Application.objects.filter(external_ref__startswith="demo-").values_list("number", "id"))
        items = []
        for number, day, chosen, office in item_rows:
            for m in chosen:
                item = Item(application_id=ids[number], matter=m, notary=notaries.get(office.pk))
                age = (as_of - day).days
                accept_on = (
                    workdays.add_working_days(day, rng.choice([0, 0, 1]))[0] if rng.random() > 0.02 else None
                )
                if accept_on is None or accept_on > as_of:
                    items.append(item)
                    continue
                item.accepted_on, item.status = accept_on, ItemStatus.ACCEPTED
                if rng.random() < 0.15:
                    item.paused_days = rng.randint(1, 6)
                item.due_on = workdays.due_on(accept_on, m.time_limit_days, item.paused_days)[0]
                late = rng.random() < 0.06
                spend = (
                    m.time_limit_days + rng.randint(1, 8)
                    if late
                    else rng.randint(1, 4 if m.complexity == "simple" else 12)
                )
                issue_on = workdays.add_working_days(accept_on, spend + item.paused_days)[0]
                if issue_on > as_of or age < 3:
                    items.append(item)
                    continue
                item.status, item.approved_on, item.issued_on = ItemStatus.ISSUED, issue_on, issue_on
                item.net_working_days = spend
                if (as_of - issue_on).days > 5 and rng.random() < 0.9:
                    item.status, item.delivered_on = (
                        ItemStatus.DELIVERED,
                        issue_on + dt.timedelta(days=rng.randint(0, 5)),
                    )
                    item.delivery = rng.choice(["pickup", "post", "electronic"])
                items.append(item)
        Item.objects.bulk_create(items, batch_size=2000)
        counts["items"] = len(items)
        done = Item.objects.filter(
            application__external_ref__startswith="demo-", issued_on__isnull=False
        ).select_related("matter", "application", "application__office", "notary")
        certs, reviews = [], []
        for item in done:
            cnumber = certificate_number(item, item.issued_on)
            notary = item.notary.get_full_name() or item.notary.username if item.notary else "公证员"
            facts = certificates.facts_for(item, cnumber, item.issued_on, notary)
            certs.append(
                Certificate(
                    item=item,
                    number=cnumber,
                    facts=facts,
                    code=certificates.sign(facts),
                    issued_on=item.issued_on,
                )
            )
            if item.matter.complexity == "complex":
                reviews.append(Review(item=item, kind=ReviewKind.MANDATORY))
        Certificate.objects.bulk_create(certs, batch_size=2000)
        Review.objects.bulk_create(reviews, batch_size=2000)
        counts["certificates"] = len(certs)
    counts.update(_reviews(as_of, seed))
    return counts


def _reviews(as_of: dt.date, seed: int) -> dict:
    """A sample at 鄞州 for the last quarter, reviewed by the city supervisor (some findings)."""
    supervisor = User.objects.filter(role="committee_supervisor", scope__code="330200").order_by("id").first()
    if supervisor is None:
        return {"reviews": 0}
    rng = random.Random(seed + 1)
    sample = standards.run_sample(
        supervisor, "330212-JUS-GZ", as_of - dt.timedelta(days=90), as_of, "0.05", f"demo-{seed}"
    )
    done = 0
    pending = Review.objects.filter(item__application__office_id="330212-JUS-GZ", status="pending").order_by(
        "id"
    )
    for review in list(pending.filter(sample=sample)[:10]) + list(
        pending.filter(kind=ReviewKind.MANDATORY)[:10]
    ):
        results = {c: ("fail" if rng.random() < 0.08 else "pass") for c in CHECK_CODES}
        reviewed = dt.datetime.combine(as_of, dt.time(16, 0), timezone.get_current_timezone())
        standards.submit_review(supervisor, review, results, "演示评查", now=reviewed)
        done += 1
    return {"reviews": done, "sample": len(sample.selected)}
