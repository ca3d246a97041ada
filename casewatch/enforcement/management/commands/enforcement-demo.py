"""``casewatch enforcement-demo``: walk the demo city through the enforcement workflows once.

As ``yinzhou_enforcement`` (鄞州 court enforcement) and a 宁海 officer: issue a certificate of
voluntary performance to an eligible debtor and verify it; take a listed debtor's credit repair
through its four steps (dated in the past so the 30-day follow-up has passed); start a case-fund
clearance batch in 宁海 and report its progress. Idempotent: it does nothing a second time.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def _account(username: str, scope: str, unit: str):
    """A demo enforcement account without a password (it acts here; people log in as yinzhou_enforcement)."""
    from casewatch.core.choices import Role
    from casewatch.core.models import Unit, User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=Role.ENFORCEMENT_OFFICER,
            scope=Unit.objects.get(code=scope),
            unit=Unit.objects.get(code=unit),
            must_change_password=False,
        )
        user.set_unusable_password()
        user.save()
    return user


class Command(BaseCommand):
    help = "Issue and verify a certificate, run a credit repair through its steps, start a clearance batch."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default="2026-09-30", help="the demo city's reference date")

    def handle(self, *args, **opts):
        from casewatch.core import audit
        from casewatch.core.models import Unit, User
        from casewatch.enforcement import certificates, data, funds, repairs
        from casewatch.enforcement.models import ClearanceBatch, CreditRepair, DishonestListing

        as_of = dt.date.fromisoformat(opts["as_of"])
        officer = User.objects.filter(username="yinzhou_enforcement").first()
        if officer is None:
            raise CommandError("run `casewatch demo-accounts` first / 请先创建演示账号")
        token = audit.begin(None, None, officer)
        try:
            # 1. a certificate for the first eligible debtor without one
            # the court's clerk (whole 鄞州 court: the judgments are in the civil divisions)
            clerk = _account("yinzhou_court_clerk", "330212-CRT", "330212-CRT-ZX")
            rows = [r for r in data.eligibility_rows(clerk, as_of) if r["reason"] == "eligible"]
            from casewatch.cases.models import Case
            from casewatch.enforcement.models import Certificate

            cert = Certificate.objects.filter(
                unit__code__startswith="330212", revoked_at__isnull=True
            ).first()
            for r in rows if cert is None else ():
                case = Case.objects.filter(unit_id=r["unit_code"], case_number=r["case_number"]).first()
                try:
                    cert = certificates.issue(clerk, case.pk, r["debtor_party_id"], today=as_of)
                    break
                except Exception:  # noqa: BLE001,S112 - try the next eligible debtor
                    continue
            if cert is not None:
                status, _c = certificates.verify(cert.number, cert.code)
                self.stdout.write(f"certificate {cert.number} code {cert.code}: {status}")
                self.stdout.write(f"  verify at /enforcement/verify/?number={cert.number}&code={cert.code}")
            # 2. a credit repair through its four steps
            if not CreditRepair.objects.filter(repair_id="XF-DEMO-1").exists():
                listing = (
                    DishonestListing.objects.filter(
                        unit__code__startswith="330212", deleted_on__isnull=True, ground="1"
                    )
                    .exclude(listing_id__in=CreditRepair.objects.values("listing_id"))
                    .order_by("decided_on")
                    .first()
                )
                if listing is not None:
                    start = max(listing.decided_on + dt.timedelta(days=7), as_of - dt.timedelta(days=80))
                    with transaction.atomic():
                        r = CreditRepair.objects.create(
                            repair_id="XF-DEMO-1",
                            unit=listing.unit,
                            case_number=listing.case_number,
                            case=listing.case,
                            debtor_party_id=listing.debtor_party_id,
                            listing_id=listing.listing_id,
                            applied_on=start,
                            pledge_on=start,
                            status="applied",
                        )
                        repairs.verify(officer, r, "3", declared=True, today=start + dt.timedelta(days=5))
                        repairs.delete_listing(officer, r, today=start + dt.timedelta(days=7))
                        repairs.complete(officer, r, today=start + dt.timedelta(days=40))
                    self.stdout.write(
                        f"credit repair XF-DEMO-1 on {listing.listing_id}: {r.status} "
                        f"(applied {r.applied_on}, verified {r.verified_on}, deleted {r.deleted_on}, "
                        f"completed {r.completed_on})"
                    )
            # 3. a clearance batch in 宁海
            nh = _account("ninghai_enforcement", "330226-CRT", "330226-CRT")
            batch = ClearanceBatch.objects.filter(unit__code="330226-CRT").first() or funds.create_clearance(
                nh,
                Unit.objects.get(code="330226-CRT"),
                "宁海法院案款集中清理",
                dt.date(2025, 12, 31),
                today=dt.date(2026, 1, 1),
            )
            p = funds.clearance_progress(batch, as_of)
            self.stdout.write(
                f"clearance batch {batch.title}: {p['receipts_cleared']}/{p['receipts']} receipts, "
                f"{p['payments']} payments, {p['cleared']} of {p['held']} yuan ({p['percent']}%)"
            )
        finally:
            audit.end(token)
