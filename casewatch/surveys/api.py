"""Surveys API (/api/v1/surveys/): instruments, waves, invitations, results, exports, forums, and the
public submission endpoints the mobile form (and its offline queue) use.

The two ``/public/`` endpoints take no authentication: a respondent has an invitation token or a
public link, never an account. They are idempotent on the device's key, so an offline batch can
be sent again and again and is stored once.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core import jobs
from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.surveys import results as results_mod
from casewatch.surveys import services, submission
from casewatch.surveys.models import Forum, Instrument, Wave

router = Router(tags=["surveys"])
MAX_BATCH = 200


def _invalid(exc: ValidationError):
    raise HttpError(422, "; ".join(exc.messages)) from None


# --- public submission ------------------------------------------------------------------------


class SubmitIn(Schema):
    client_key: str
    token: str = ""
    link: str = ""
    device: str = ""
    language: str = ""
    answers: dict = {}


class SubmitOut(Schema):
    client_key: str
    status: str
    message: str
    errors: dict = {}


class BatchIn(Schema):
    responses: list[SubmitIn]


def _submit(request, data: SubmitIn) -> submission.Outcome:
    return submission.submit(
        client_key=data.client_key,
        answers=data.answers,
        token=data.token,
        link=data.link,
        device=data.device,
        language=data.language,
        client_ip=request.META.get("REMOTE_ADDR"),
    )


@router.post(
    "/public/responses",
    auth=None,
    response={
        200: SubmitOut,
        201: SubmitOut,
        404: SubmitOut,
        409: SubmitOut,
        410: SubmitOut,
        422: SubmitOut,
        429: SubmitOut,
    },
)
def submit_response(request, data: SubmitIn):
    """Store one completed form. 201 stored, 200 already stored (replay), 409 invitation used."""
    outcome = _submit(request, data)
    return Status(outcome.http, outcome.as_dict(data.client_key))


@router.post("/public/batch", auth=None, response=list[SubmitOut], url_name="surveys_public_batch")
def submit_batch(request, data: BatchIn):
    """Store forms kept on a device while it was offline; each one answers on its own."""
    if len(data.responses) > MAX_BATCH:
        raise HttpError(413, _("At most %(n)s forms per request.") % {"n": MAX_BATCH})
    # On PostgreSQL one commit (one WAL flush) serves the batch; each form is a savepoint of its
    # own, so one refusal undoes only that form. If the commit itself failed the device would get
    # an error and send the batch again, which is safe: every form is idempotent. SQLite takes its
    # single write lock per transaction, so there each form commits on its own to keep lock holds short.
    if connection.vendor != "postgresql":
        return [_submit(request, item).as_dict(item.client_key) for item in data.responses]
    with transaction.atomic():
        return [_submit(request, item).as_dict(item.client_key) for item in data.responses]


# --- instruments ------------------------------------------------------------------------------


class InstrumentOut(Schema):
    id: int
    code: str
    version: int
    title_zh: str
    title_en: str
    respondent_group: str
    status: str
    builtin: bool


class ItemOut(Schema):
    name: str
    kind: str
    list_name: str
    label_zh: str
    label_en: str
    required: bool
    relevant: str
    group_relevant: str
    constraint: str
    dimension: str
    agency: str
    weight: float


class ChoiceOut(Schema):
    list_name: str
    name: str
    label_zh: str
    label_en: str
    score: float | None


class InstrumentDetailOut(InstrumentOut):
    items: list[ItemOut]
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.order_by("position"))

    @staticmethod
    def resolve_choices(obj):
        return list(obj.choices.order_by("list_name", "position"))


@router.get("/instruments", response=list[InstrumentOut])
@paginate(LimitOffsetPagination)
def list_instruments(request, code: str | None = None, status: str | None = None):
    qs = Instrument.objects.restrict(request.auth, Action.VIEW)
    if code:
        qs = qs.filter(code=code)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.post("/instruments/import", response={201: InstrumentOut})
def import_instrument(request, file: File[UploadedFile], publish: bool = False):
    """Import an XLSForm (survey/choices/settings sheets) as a new instrument version."""
    try:
        instrument, _warnings = services.import_xlsform(request.auth, file.read(), file.name, publish=publish)
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, instrument)


@router.get("/instruments/{instrument_id}", response=InstrumentDetailOut)
def get_instrument(request, instrument_id: int):
    return get_scoped_or_404(request.auth, Instrument, pk=instrument_id)


@router.get("/instruments/{instrument_id}/xlsform")
def instrument_xlsform(request, instrument_id: int):
    """The instrument as an XLSForm workbook."""
    instrument = get_scoped_or_404(request.auth, Instrument, pk=instrument_id)
    response = HttpResponse(
        services.export_xlsform(instrument),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{instrument.code}-v{instrument.version}.xlsx"'
    return response


# --- waves ------------------------------------------------------------------------------------


class TargetOut(Schema):
    respondent_group: str
    instrument_id: int
    sample_size: int


class WaveOut(Schema):
    id: int
    name: str
    unit_code: str
    period_start: dt.date
    period_end: dt.date
    status: str
    top_box: int
    weights: dict
    targets: list[TargetOut]

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_targets(obj):
        return list(obj.targets.all())


class TargetIn(Schema):
    respondent_group: str
    instrument_id: int
    sample_size: int = 0


class WaveIn(Schema):
    name: str
    unit_code: str
    period_start: dt.date
    period_end: dt.date
    top_box: int = 2
    weights: dict = {}
    targets: list[TargetIn] = []


class StatusIn(Schema):
    status: str


class TokensIn(Schema):
    unit_code: str
    closed_from: dt.date
    closed_to: dt.date
    case_types: list[str] = []
    roles: list[str] = []
    sample_size: int = 0
    seed: int = 0


class BatchOut(Schema):
    id: int
    count: int
    params: dict


class JobOut(Schema):
    id: int
    kind: str
    status: str


class ExportIn(Schema):
    format: str = "csv"
    instrument_id: int | None = None
    district: str = ""
    labels: bool = False


def _wave(request, wave_id: int, action: str = Action.VIEW) -> Wave:
    return get_scoped_or_404(request.auth, Wave.objects.select_related("unit"), action, pk=wave_id)


@router.get("/waves", response=list[WaveOut])
@paginate(LimitOffsetPagination)
def list_waves(request, status: str | None = None):
    qs = Wave.objects.restrict(request.auth, Action.VIEW).select_related("unit").prefetch_related("targets")
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/waves/{wave_id}", response=WaveOut)
def get_wave(request, wave_id: int):
    return _wave(request, wave_id)


@router.post("/waves", response={201: WaveOut})
def create_wave(request, data: WaveIn):
    unit = get_scoped_or_404(request.auth, Unit, Action.CHANGE, code=data.unit_code)
    targets = [
        (t.respondent_group, get_scoped_or_404(request.auth, Instrument, pk=t.instrument_id), t.sample_size)
        for t in data.targets
    ]
    try:
        wave = services.create_wave(
            request.auth,
            name=data.name,
            unit=unit,
            period_start=data.period_start,
            period_end=data.period_end,
            top_box=data.top_box,
            weights=data.weights,
            targets=targets,
        )
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, wave)


@router.post("/waves/{wave_id}/status", response=WaveOut)
def set_wave_status(request, wave_id: int, data: StatusIn):
    wave = _wave(request, wave_id, Action.CHANGE)
    try:
        return services.set_wave_status(request.auth, wave, data.status)
    except ValidationError as exc:
        _invalid(exc)


@router.post("/waves/{wave_id}/tokens", response={201: BatchOut})
def issue_tokens(request, wave_id: int, data: TokensIn):
    """Sample closed cases and issue one-time invitations (links are printed from the web page)."""
    wave = _wave(request, wave_id, Action.CHANGE)
    unit = get_scoped_or_404(request.auth, Unit, Action.CHANGE, code=data.unit_code)
    try:
        batch = services.issue_tokens(
            request.auth,
            wave,
            services.Sampling(
                unit,
                data.closed_from,
                data.closed_to,
                data.case_types,
                data.roles,
                data.sample_size,
                data.seed,
            ),
        )
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, batch)


@router.get("/waves/{wave_id}/results")
def wave_results(
    request,
    wave_id: int,
    district: str = "",
    agency: str = "",
    instrument_id: int | None = None,
    group: str = "",
    top_box: int | None = None,
):
    """Rates, indices, intervals and distributions, with the formulas used."""
    wave = _wave(request, wave_id)
    if top_box is not None and not 1 <= top_box <= 10:
        raise HttpError(422, _("top_box must be between 1 and 10."))
    res = results_mod.compute(
        request.auth,
        [wave],
        instrument_id=instrument_id,
        district=district,
        agency=agency,
        group=group,
        top_box=top_box,
    )
    return res.as_dict()


@router.post("/waves/{wave_id}/exports", response={202: JobOut})
def start_export(request, wave_id: int, data: ExportIn):
    """Queue a raw data export (CSV or XLSX); download it from the job when it has finished."""
    wave = _wave(request, wave_id)
    if not user_can(request.auth, Action.EXPORT):
        raise HttpError(403, _("Your role may not export."))
    if data.instrument_id:
        get_scoped_or_404(request.auth, Instrument, pk=data.instrument_id)
    job = jobs.enqueue(
        "surveys.export",
        request.auth,
        wave_ids=[wave.pk],
        fmt=data.format,
        instrument_id=data.instrument_id,
        district=data.district,
        labels=data.labels,
        language=request.LANGUAGE_CODE,
    )
    return Status(202, job)


@router.post("/waves/{wave_id}/responses/import", response={201: dict, 200: dict, 422: dict})
def import_responses(
    request,
    wave_id: int,
    file: File[UploadedFile],
    instrument_id: int,
    unit_code: str,
    skip_invalid: bool = False,
    channel: str = "paper",
):
    """Import responses collected on paper or another platform (CSV, XLSX, KoboToolbox/ODK export).

    201 with the counts and problems when stored; 422 with every problem (file, row, column, value,
    code, reason in Chinese and English) when nothing was stored. See docs/surveys.md."""
    from casewatch.core.models import Unit
    from casewatch.surveys import importing

    wave = _wave(request, wave_id)
    instrument = get_scoped_or_404(request.auth, Instrument, pk=instrument_id)
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise HttpError(422, _("Unknown unit."))
    try:
        result = importing.import_responses(
            request.auth,
            wave,
            instrument,
            unit,
            file.read(),
            file.name,
            skip_invalid=skip_invalid,
            channel=channel,
        )
    except ValidationError as exc:
        _invalid(exc)
    return Status(201 if result.committed else 422, result.as_dict())


# --- forums -----------------------------------------------------------------------------------


class ForumOut(Schema):
    id: int
    title: str
    place: str
    held_on: dt.date
    organiser: str
    unit_code: str
    agencies: list
    attendees: int
    issues: list[dict]
    ratings: list[dict]

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_attendees(obj):
        return sum(a.count for a in obj.attendance.all())

    @staticmethod
    def resolve_issues(obj):
        return [
            {"agency": i.agency, "description": i.description, "problem": i.problem_ref}
            for i in obj.issues.all()
        ]

    @staticmethod
    def resolve_ratings(obj):
        return [
            {
                "agency": r.agency,
                "dimension": r.dimension,
                "rated": r.rated,
                "satisfied": r.satisfied,
                "mean_score": r.mean_score,
            }
            for r in obj.ratings.all()
        ]


@router.get("/forums", response=list[ForumOut])
@paginate(LimitOffsetPagination)
def list_forums(request):
    return (
        Forum.objects.restrict(request.auth, Action.VIEW)
        .select_related("unit")
        .prefetch_related("attendance", "issues", "ratings")
    )


@router.get("/forums/{forum_id}", response=ForumOut)
def get_forum(request, forum_id: int):
    return get_scoped_or_404(request.auth, Forum.objects.select_related("unit"), pk=forum_id)
