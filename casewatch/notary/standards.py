"""Standards review (规范性审查): every complex matter by a second person, plus a random sample.

The sample is reproducible: candidates are read in id order, their list is fingerprinted
(SHA-256), and every choice comes from one ``random.Random(seed)``. The seed, the fingerprint and
the selected ids go to the audit trail, so `draw(office, from, to, rate, seed)` on the same data
returns the same list. Findings (checklist items marked *finding*) open problems on the problem
list through `casewatch.problems.services.open_problem` (source ``notary``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.services import get_scoped_or_404
from casewatch.notary.catalogue import CHECK_CODES, CHECK_LABEL, CHECK_SEVERITY
from casewatch.notary.choices import DONE_STATUSES, CheckResult, Complexity, ReviewKind, ReviewStatus
from casewatch.notary.models import Item, Review, ReviewSample
from casewatch.notary.services import require
from casewatch.problems.choices import ProblemSource

REVIEWERS = (Action.SUPERVISE, Action.CHANGE)


def candidates(office_code: str, period_from: dt.date, period_to: dt.date):
    """Issued non-complex items of the office in the period, in id order."""
    return (
        Item.objects.filter(
            application__office_id=office_code,
            status__in=DONE_STATUSES,
            issued_on__gte=period_from,
            issued_on__lte=period_to,
        )
        .exclude(matter__complexity=Complexity.COMPLEX)
        .order_by("id")
    )


def draw(office_code: str, period_from: dt.date, period_to: dt.date, rate: Decimal, seed: str) -> dict:
    """The sample for a seed: {"selected": [ids], "fingerprint": str, "candidates": n}. Pure given the data."""
    ids = list(candidates(office_code, period_from, period_to).values_list("id", flat=True))
    fingerprint = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
    want = min(len(ids), math.ceil(Decimal(rate) * len(ids))) if ids else 0
    selected = sorted(random.Random(seed).sample(ids, want))
    return {"selected": selected, "fingerprint": fingerprint, "candidates": len(ids)}


def run_sample(
    user, office_code: str, period_from: dt.date, period_to: dt.date, rate, seed: str | None = None
) -> ReviewSample:
    """Draw a sample, create its pending reviews and write seed and list to the audit trail."""
    require(user, *REVIEWERS)
    office = get_scoped_or_404(user, Unit, Action.VIEW, code=office_code)
    try:
        rate = Decimal(str(rate))
    except ArithmeticError:
        rate = Decimal(-1)
    if not Decimal("0.001") <= rate <= Decimal(1):
        raise ValidationError({"rate": _("The sampling rate must be between 0.001 and 1.")})
    if period_from > period_to:
        raise ValidationError({"period_to": _("The end of the period is before its start.")})
    seed = (seed or "").strip() or secrets.token_hex(8)
    result = draw(office.code, period_from, period_to, rate, seed)
    with transaction.atomic():
        sample = ReviewSample.objects.create(
            office=office,
            period_from=period_from,
            period_to=period_to,
            rate=rate,
            seed=seed,
            fingerprint=result["fingerprint"],
            selected=result["selected"],
            candidates=result["candidates"],
            drawn_by=user,
        )
        existing = set(
            Review.objects.filter(item_id__in=result["selected"], kind=ReviewKind.SAMPLE).values_list(
                "item_id", flat=True
            )
        )
        Review.objects.bulk_create(
            Review(item_id=i, kind=ReviewKind.SAMPLE, sample=sample)
            for i in result["selected"]
            if i not in existing
        )
        audit.record(
            AuditAction.TRANSITION,
            sample,
            user=user,
            after={
                "seed": seed,
                "fingerprint": result["fingerprint"],
                "candidates": result["candidates"],
                "rate": str(rate),
                "selected": result["selected"],
            },
            message=f"review sample: seed {seed}, {len(result['selected'])} of {result['candidates']} items",
        )
    return sample


def submit_review(user, review: Review, results: dict, note: str = "", now=None) -> Review:
    """Record the checklist; every finding opens a problem. The item's own notary may not review it."""
    from casewatch.problems.services import open_problem

    require(user, *REVIEWERS)
    review = get_scoped_or_404(user, Review, Action.VIEW, pk=review.pk)
    errors = {}
    clean = {}
    for code in CHECK_CODES:
        value = (results or {}).get(code, "")
        if value not in CheckResult.values:
            errors[f"check:{code}"] = [
                _("Answer this checklist item: %(item)s.") % {"item": CHECK_LABEL[code]}
            ]
        clean[code] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .select_related("item", "item__matter", "item__application")
            .get(pk=review.pk)
        )
        if review.status == ReviewStatus.DONE:
            raise ValidationError(_("This review is already done."), code="status")
        if review.item.notary_id == user.pk:
            raise PermissionDenied(_("A second person must review: you handled this matter."))
        fails = [c for c in CHECK_CODES if clean[c] == CheckResult.FAIL]
        review.results, review.note = clean, (note or "").strip()[:1000]
        review.status, review.reviewer, review.reviewed_at = ReviewStatus.DONE, user, now or timezone.now()
        review.findings = len(fails)
        review.save(update_fields=["results", "note", "status", "reviewer", "reviewed_at", "findings"])
        app = review.item.application
        for code in fails:
            open_problem(
                user,
                ProblemSource.NOTARY,
                unit=app.office_id,
                severity=CHECK_SEVERITY[code],
                title=_("Notarisation review finding: %(item)s (%(number)s)")
                % {"item": CHECK_LABEL[code], "number": app.number},
                description=review.note,
                area="notary",
                source_ref=f"notary-review-{review.pk}-{code}",
            )
        audit.record(
            AuditAction.TRANSITION,
            review,
            user=user,
            before={"status": ReviewStatus.PENDING},
            after={"status": ReviewStatus.DONE, "findings": fails},
            message=f"review of {app.number}: {len(fails)} finding(s)",
        )
    return review
