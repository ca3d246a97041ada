"""Survey workflows: waves, invitations and public links, text review and forums, and the hand-over
of issues to the problem list (instrument authoring is in `authoring.py`, re-exported here).

Every function takes the acting user first, checks the role and scope, runs in a transaction and
writes the audit trail. Submissions from respondents live in `submission.py` (no user, hot path);
results in `results.py`; reports and exports in `reports.py` and `exports.py`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can

# Instrument authoring lives in authoring.py; it is re-exported so callers import one module.
from casewatch.surveys.authoring import (  # noqa: F401
    _COMPILED,
    CompiledForm,
    CompiledItem,
    compiled,
    create_instrument,
    delete_item,
    export_xlsform,
    import_xlsform,
    load_shipped,
    move_item,
    new_blank_instrument,
    new_version,
    publish_instrument,
    require,
    retire_instrument,
    save_choice_list,
    save_item,
    spec_from_instrument,
)
from casewatch.surveys.choices import (
    LAWYER_ROLES,
    InstrumentStatus,
    RespondentGroup,
    WaveStatus,
)
from casewatch.surveys.models import (
    Answer,
    Forum,
    ForumIssue,
    Instrument,
    PublicLink,
    TextReview,
    Token,
    TokenBatch,
    Wave,
    WaveTarget,
)


def require_in_scope(user, unit: Unit | None) -> None:
    """Refuse (as 'not found' would) when a unit lies outside the user's scope."""
    from casewatch.core.querysets import scope_path

    path = scope_path(user)
    if path is None or (path != "/" and (unit is None or not unit.path.startswith(path))):
        raise PermissionDenied(_("That unit is outside your scope."))


# --- waves ------------------------------------------------------------------------------------


def create_wave(
    user,
    *,
    name: str,
    unit: Unit,
    period_start,
    period_end,
    top_box: int = 2,
    weights: dict | None = None,
    notes: str = "",
    targets: list[tuple[str, Instrument, int]] = (),
) -> Wave:
    """A new wave (draft) with its target groups."""
    require(user, Action.CHANGE)
    require_in_scope(user, unit)
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    if not 1 <= int(top_box) <= 10:
        raise ValidationError(_("Satisfied means the top 1 to 10 boxes of the scale."))
    with transaction.atomic():
        wave = Wave.objects.create(
            name=name,
            unit=unit,
            period_start=period_start,
            period_end=period_end,
            top_box=top_box,
            weights=weights or {},
            notes=notes,
            created_by=user,
        )
        for group, instrument, size in targets:
            set_target(user, wave, group, instrument, size)
    return wave


def set_target(user, wave: Wave, group: str, instrument: Instrument, sample_size: int) -> WaveTarget:
    """Set the instrument and sample size of one respondent group in a wave."""
    require(user, Action.CHANGE)
    if group not in RespondentGroup.values:
        raise ValidationError(_("Unknown respondent group."))
    if instrument.status != InstrumentStatus.PUBLISHED:
        raise ValidationError(_("Only a published instrument can be used in a wave."))
    target, _created = WaveTarget.objects.update_or_create(
        wave=wave, respondent_group=group, defaults={"instrument": instrument, "sample_size": sample_size}
    )
    return target


def update_wave(user, wave: Wave, **fields) -> Wave:
    require(user, Action.CHANGE)
    allowed = {"name", "period_start", "period_end", "top_box", "weights", "notes"}
    with transaction.atomic():
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        for key, value in fields.items():
            if key in allowed:
                setattr(wave, key, value)
        if wave.period_end < wave.period_start:
            raise ValidationError(_("The period ends before it starts."))
        if not 1 <= int(wave.top_box) <= 10:
            raise ValidationError(_("Satisfied means the top 1 to 10 boxes of the scale."))
        wave.save()
        _forget_wave(wave.pk)
    return wave


def _forget_wave(pk: int) -> None:
    """Drop this process's cached status of a wave (other processes re-read it within seconds)."""
    from casewatch.surveys import submission

    submission._waves.pop(pk, None)


_WAVE_MOVES = {
    WaveStatus.OPEN: (WaveStatus.DRAFT, WaveStatus.CLOSED),
    WaveStatus.CLOSED: (WaveStatus.OPEN,),
}


def set_wave_status(user, wave: Wave, status: str) -> Wave:
    """Open a draft (or re-open a closed wave), or close an open one."""
    require(user, Action.CHANGE)
    with transaction.atomic():
        wave = Wave.objects.select_for_update().get(pk=wave.pk)
        if wave.status not in _WAVE_MOVES.get(status, ()):
            raise ValidationError(
                _("A wave cannot go from %(old)s to %(new)s.")
                % {"old": wave.get_status_display(), "new": status}
            )
        if status == WaveStatus.OPEN and not wave.targets.exists():
            raise ValidationError(_("Add at least one target group before opening the wave."))
        old = wave.status
        wave.status = status
        wave.save(update_fields=["status"])
        _forget_wave(wave.pk)
        audit.record(
            AuditAction.TRANSITION, wave, user=user, before={"status": old}, after={"status": status}
        )
    return wave


# --- invitations (one-time tokens) ------------------------------------------------------------

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
TOKEN_LENGTH = 12  # 60 bits


def normalise_token(raw: str) -> str:
    """Upper case without separators; the letters people confuse read as the digits they look like."""
    raw = (raw or "").strip().upper().replace("-", "").replace(" ", "")
    return raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def hash_token(raw: str) -> str:
    return hashlib.sha256(normalise_token(raw).encode()).hexdigest()


def _derive(secret: str, serial: int) -> str:
    digest = hmac.new(bytes.fromhex(secret), str(serial).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    return "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(TOKEN_LENGTH))


def raw_tokens(batch: TokenBatch) -> dict[int, str]:
    """serial → raw token, re-derived from the batch secret. Refused once the batch is sealed."""
    if batch.sealed:
        raise ValidationError(_("This batch is sealed: its links can no longer be printed."))
    return {serial: _derive(batch.secret, serial) for serial in batch.tokens.values_list("serial", flat=True)}


def format_token(raw: str) -> str:
    """ABCD-EFGH-JKMN, for reading aloud and typing."""
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass
class Sampling:
    """Which closed cases to invite and how many (stratified by unit and case type)."""

    unit: Unit
    closed_from: object
    closed_to: object
    case_types: list[str]
    roles: list[str]
    sample_size: int  # cases; 0 = every eligible case
    seed: int = 0


def _allocate(strata: dict[tuple, list[int]], total: int) -> dict[tuple, int]:
    """Proportional allocation with largest remainders (every stratum keeps its share)."""
    population = sum(len(v) for v in strata.values())
    if total <= 0 or total >= population:
        return {k: len(v) for k, v in strata.items()}
    quotas = {k: total * len(v) / population for k, v in strata.items()}
    alloc = {k: int(q) for k, q in quotas.items()}
    rest = total - sum(alloc.values())
    for k in sorted(quotas, key=lambda k: (quotas[k] - alloc[k], k), reverse=True)[:rest]:
        alloc[k] += 1
    return alloc


def issue_tokens(user, wave: Wave, sampling: Sampling) -> TokenBatch:
    """Sample closed cases (by unit and case type) and issue one invitation per case and party role.

    Parties' roles decide the instrument: agents and defence lawyers answer the lawyers' one, every
    other role the parties' one; a role whose group is not a target of the wave is skipped. A case
    and role already invited in this wave is not invited again.
    """
    from casewatch.cases.models import Case, CaseParty

    require(user, Action.CHANGE)
    require_in_scope(user, sampling.unit)
    if not sampling.unit.path.startswith(wave.unit.path):
        raise ValidationError(_("Invitations must come from units inside the wave's organising unit."))
    targets = {t.respondent_group: t.instrument for t in wave.targets.select_related("instrument")}
    cases = Case.objects.restrict(user, Action.VIEW).filter(
        status="closed",
        unit__path__startswith=sampling.unit.path,
        closed_at__gte=sampling.closed_from,
        closed_at__lte=sampling.closed_to,
    )
    if sampling.case_types:
        cases = cases.filter(case_type__in=sampling.case_types)
    strata: dict[tuple, list[int]] = defaultdict(list)
    info: dict[int, tuple[int, str]] = {}
    unit_ids = dict(Unit.objects.filter(path__startswith=sampling.unit.path).values_list("code", "pk"))
    for pk, unit_code, case_type in cases.order_by("pk").values_list("pk", "unit_id", "case_type"):
        strata[(unit_code, case_type)].append(pk)
        info[pk] = (unit_ids[unit_code], case_type)
    rng = random.Random(sampling.seed)
    chosen: list[int] = []
    for key, n in sorted(_allocate(strata, sampling.sample_size).items()):
        chosen.extend(rng.sample(strata[key], n))
    with transaction.atomic():
        batch = TokenBatch.objects.create(
            wave=wave,
            unit=sampling.unit,
            secret=secrets.token_hex(32),
            created_by=user,
            params={
                "unit": sampling.unit.code,
                "closed_from": str(sampling.closed_from),
                "closed_to": str(sampling.closed_to),
                "case_types": sampling.case_types,
                "roles": sampling.roles,
                "sample_size": sampling.sample_size,
                "seed": sampling.seed,
                "eligible_cases": len(info),
                "sampled_cases": len(chosen),
            },
        )
        existing = set(
            Token.objects.filter(wave=wave, case_id__in=chosen).values_list("case_id", "party_role")
        )
        pairs = []
        for start in range(0, len(chosen), 5000):
            links = CaseParty.objects.filter(case_id__in=chosen[start : start + 5000])
            if sampling.roles:
                links = links.filter(role__in=sampling.roles)
            pairs.extend(links.order_by("case_id", "role").values_list("case_id", "role").distinct())
        tokens, serial, skipped = [], 0, 0
        for case_id, role in sorted(set(pairs)):
            group = RespondentGroup.LAWYER if role in LAWYER_ROLES else RespondentGroup.PARTY
            if (case_id, role) in existing or group not in targets:
                skipped += 1
                continue
            serial += 1
            unit_pk, case_type = info[case_id]
            tokens.append(
                Token(
                    batch=batch,
                    serial=serial,
                    token_hash=hash_token(_derive(batch.secret, serial)),
                    wave=wave,
                    instrument=targets[group],
                    unit_id=unit_pk,
                    case_id=case_id,
                    case_type=case_type,
                    party_role=role,
                    respondent_group=group,
                )
            )
        Token.objects.bulk_create(tokens, batch_size=2000)
        batch.count = len(tokens)
        batch.params = {**batch.params, "skipped": skipped}
        batch.save(update_fields=["count", "params"])
        audit.record(
            AuditAction.CREATE,
            batch,
            user=user,
            message=f"{len(tokens)} invitations for wave {wave.pk} ({len(chosen)} of {len(info)} cases sampled)",
        )
    return batch


def seal_batch(user, batch: TokenBatch) -> TokenBatch:
    """Erase the batch secret after delivery: the links can never be printed again."""
    require(user, Action.CHANGE)
    with transaction.atomic():
        TokenBatch.objects.filter(pk=batch.pk).update(secret="", sealed_at=timezone.now())
        audit.record(AuditAction.TRANSITION, batch, user=user, message="sealed")
    batch.refresh_from_db()
    return batch


def create_public_link(
    user,
    wave: Wave,
    instrument: Instrument,
    unit: Unit,
    *,
    name: str = "",
    ip_daily_limit: int = 50,
    one_per_device: bool = True,
) -> PublicLink:
    """An open link (and QR code) for residents, counted for `unit`."""
    require(user, Action.CHANGE)
    require_in_scope(user, unit)
    if not unit.path.startswith(wave.unit.path):
        raise ValidationError(_("The link's unit must lie inside the wave's organising unit."))
    if not wave.targets.filter(instrument=instrument).exists():
        raise ValidationError(_("The instrument is not one of the wave's target instruments."))
    slug = base64.b32encode(secrets.token_bytes(10)).decode().lower()[:12]
    return PublicLink.objects.create(
        wave=wave,
        instrument=instrument,
        unit=unit,
        slug=slug,
        name=name,
        ip_daily_limit=ip_daily_limit,
        one_per_device=one_per_device,
    )


# --- text review and the problem list --------------------------------------------------------


def problems_available() -> bool:
    """True when the problem list (casewatch.problems) offers `open_problem`."""
    return _open_problem_function() is not None


def _open_problem_function():
    try:
        from casewatch.problems import services as problem_services
    except ImportError:
        return None
    return getattr(problem_services, "open_problem", None)


def _problem_source(preferred: str) -> str:
    """The problem list's source value for survey items: ``survey``/``forum`` once the problem list
    knows them, until then its supervision source (a supervisor raising an issue)."""
    try:
        from casewatch.problems.choices import ProblemSource
    except ImportError:
        return preferred
    values = list(ProblemSource.values)
    if preferred in values:
        return preferred
    return "supervision" if "supervision" in values else values[0]


def can_open_problems(user) -> bool:
    return problems_available() and (user_can(user, Action.SUPERVISE) or user_can(user, Action.CHANGE))


def open_problem(
    user, *, unit: Unit, title: str, description: str, source: str, source_ref: str, severity: str = "medium"
) -> str:
    """Put an issue on the problem list through `casewatch.problems.services.open_problem`.

    The integration point with the problem list. Only the keyword arguments that function accepts
    are passed; ``source_ref`` makes it idempotent (the same answer or forum issue opens one
    problem). Returns the problem's id as text, stored on the text review or forum issue.
    """
    fn = _open_problem_function()
    if fn is None:
        raise ValidationError(_("The problem list is not installed."))
    offered = {
        "source": _problem_source(source),
        "unit": unit,
        "title": title.strip()[:200],
        "description": description,
        "source_ref": source_ref,
        "severity": severity,
    }
    params = inspect.signature(fn).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        kwargs = offered
    else:
        kwargs = {k: v for k, v in offered.items() if k in params}
    problem = fn(user, **kwargs)
    return str(getattr(problem, "pk", problem))


def tag_answer(user, answer: Answer, tags: list[str]) -> TextReview:
    """Set the tags of a free-text answer."""
    require(user, Action.CHANGE)
    clean = sorted({t.strip()[:40] for t in tags if t and t.strip()})
    review, _created = TextReview.objects.get_or_create(answer=answer, defaults={"reviewed_by": user})
    review.tags = clean
    review.reviewed_by = user
    review.save()
    return review


def answer_to_problem(user, answer: Answer, severity: str = "medium") -> TextReview:
    """Turn a free-text answer into a problem owned by the response's unit."""
    if not can_open_problems(user):
        raise PermissionDenied(_("Your role may not open problems."))
    with transaction.atomic():
        review, _created = TextReview.objects.select_for_update().get_or_create(
            answer=answer, defaults={"reviewed_by": user}
        )
        if review.problem_ref:
            raise ValidationError(_("This answer is already on the problem list."))
        response = answer.response
        description = _("Survey comment (%(wave)s, %(item)s): %(text)s") % {
            "wave": response.wave.name,
            "item": answer.item.label,
            "text": answer.text,
        }
        review.problem_ref = open_problem(
            user,
            unit=response.unit,
            title=_("Survey comment: %(text)s") % {"text": answer.text[:60]},
            description=description,
            source="survey",
            source_ref=f"survey-answer:{answer.pk}",
            severity=severity,
        )
        review.reviewed_by = user
        review.save()
    return review


# --- forums -----------------------------------------------------------------------------------


def save_forum(user, forum: Forum) -> Forum:
    """Create or update a forum record inside the user's scope."""
    require(user, Action.CHANGE)
    require_in_scope(user, forum.unit)
    if forum.pk is None:
        forum.created_by = user
    forum.full_clean(exclude=["created_by"])
    forum.save()
    return forum


def issue_to_problem(user, issue: ForumIssue, severity: str = "medium") -> ForumIssue:
    """Put an issue raised at a forum on the problem list, owned by the forum's unit."""
    if not can_open_problems(user):
        raise PermissionDenied(_("Your role may not open problems."))
    with transaction.atomic():
        issue = ForumIssue.objects.select_for_update().select_related("forum", "forum__unit").get(pk=issue.pk)
        if issue.problem_ref:
            raise ValidationError(_("This issue is already on the problem list."))
        description = _("Forum %(forum)s (%(date)s): %(text)s") % {
            "forum": issue.forum.title,
            "date": issue.forum.held_on.isoformat(),
            "text": issue.description,
        }
        issue.problem_ref = open_problem(
            user,
            unit=issue.forum.unit,
            title=_("Forum issue: %(text)s") % {"text": issue.description[:60]},
            description=description,
            source="forum",
            source_ref=f"forum-issue:{issue.pk}",
            severity=severity,
        )
        issue.save(update_fields=["problem_ref"])
    return issue
