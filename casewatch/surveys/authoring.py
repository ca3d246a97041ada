"""Instrument authoring: XLSForm import and export, the UI's item and choice-list editing,
publishing and versioning, the shipped instruments, and the compiled form that rendering and
validation use. Functions take the acting user first (see `services.py` for the conventions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.surveys import expressions
from casewatch.surveys.choices import InstrumentStatus, ItemKind
from casewatch.surveys.models import Choice, Instrument, Item
from casewatch.surveys.xlsform import (
    ChoiceSpec,
    InstrumentSpec,
    ItemSpec,
    XLSFormError,
    build_xlsform,
    parse_xlsform,
    validate,
)


def require(user, action: str) -> None:
    """Refuse when the user's role lacks the action."""
    if not user_can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


# --- instruments ------------------------------------------------------------------------------


def spec_from_instrument(instrument: Instrument) -> InstrumentSpec:
    """The instrument as a spec (what XLSForm export and the round-trip test use)."""
    items = [
        ItemSpec(
            name=i.name,
            kind=i.kind,
            label_zh=i.label_zh,
            label_en=i.label_en,
            list_name=i.list_name,
            hint_zh=i.hint_zh,
            hint_en=i.hint_en,
            required=i.required,
            relevant=i.relevant,
            constraint=i.constraint,
            dimension=i.dimension,
            agency=i.agency,
            weight=i.weight,
            group_name=i.group_name,
            group_label_zh=i.group_label_zh,
            group_label_en=i.group_label_en,
            group_relevant=i.group_relevant,
        )
        for i in instrument.items.order_by("position")
    ]
    choices = [
        ChoiceSpec(c.list_name, c.name, c.label_zh, c.label_en, c.score)
        for c in instrument.choices.order_by("list_name", "position")
    ]
    # Keep the lists in the order the items first use them, as an author would.
    order = {}
    for item in items:
        if item.list_name and item.list_name not in order:
            order[item.list_name] = len(order)
    choices.sort(key=lambda c: order.get(c.list_name, len(order)))
    return InstrumentSpec(
        code=instrument.code,
        title_zh=instrument.title_zh,
        title_en=instrument.title_en,
        version=instrument.version,
        respondent_group=instrument.respondent_group,
        default_language=instrument.default_language,
        items=items,
        choices=choices,
    )


def _write_spec(instrument: Instrument, spec: InstrumentSpec) -> None:
    instrument.items.all().delete()
    instrument.choices.all().delete()
    Item.objects.bulk_create(
        [
            Item(
                instrument=instrument,
                position=n,
                name=i.name,
                kind=i.kind,
                list_name=i.list_name,
                label_zh=i.label_zh[:500],
                label_en=i.label_en[:500],
                hint_zh=i.hint_zh[:500],
                hint_en=i.hint_en[:500],
                required=i.required,
                relevant=i.relevant,
                constraint=i.constraint,
                dimension=i.dimension,
                agency=i.agency,
                weight=i.weight,
                group_name=i.group_name,
                group_label_zh=i.group_label_zh,
                group_label_en=i.group_label_en,
                group_relevant=i.group_relevant,
            )
            for n, i in enumerate(spec.items, start=1)
        ]
    )
    positions: dict[str, int] = defaultdict(int)
    rows = []
    for c in spec.choices:
        positions[c.list_name] += 1
        rows.append(
            Choice(
                instrument=instrument,
                list_name=c.list_name,
                position=positions[c.list_name],
                name=c.name,
                label_zh=c.label_zh[:300],
                label_en=c.label_en[:300],
                score=c.score,
            )
        )
    Choice.objects.bulk_create(rows)


def create_instrument(
    user, spec: InstrumentSpec, *, unit: Unit | None = None, builtin: bool = False, publish: bool = False
) -> Instrument:
    """Store a spec as a new instrument version. An existing (code, version) gets the next number."""
    if user is not None:
        require(user, Action.CHANGE)
    errors = validate(spec)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        latest = Instrument.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"]
        version = spec.version if latest is None or spec.version > latest else latest + 1
        instrument = Instrument.objects.create(
            code=spec.code,
            version=version,
            title_zh=spec.title_zh,
            title_en=spec.title_en,
            respondent_group=spec.respondent_group,
            default_language=spec.default_language,
            builtin=builtin,
            unit=None if builtin else (unit or getattr(user, "unit", None)),
            created_by=user,
            status=InstrumentStatus.PUBLISHED if publish else InstrumentStatus.DRAFT,
            published_at=timezone.now() if publish else None,
        )
        _write_spec(instrument, spec)
    return instrument


def import_xlsform(
    user, data: bytes, filename: str = "", publish: bool = False
) -> tuple[Instrument, list[str]]:
    """Import an XLSForm workbook (parsed by pyxform) as a new instrument version."""
    require(user, Action.CHANGE)
    try:
        spec, warnings = parse_xlsform(data, filename)
    except XLSFormError as exc:
        raise ValidationError(exc.errors) from exc
    instrument = create_instrument(user, spec, publish=publish)
    if instrument.version != spec.version:
        warnings.append(
            _("Version %(old)s of %(code)s exists; stored as version %(new)s.")
            % {"old": spec.version, "code": spec.code, "new": instrument.version}
        )
    audit.record(AuditAction.IMPORT, instrument, user=user, message=f"XLSForm {filename}")
    return instrument, warnings


def export_xlsform(instrument: Instrument) -> bytes:
    """The instrument as an XLSForm workbook."""
    return build_xlsform(spec_from_instrument(instrument))


def load_shipped(user=None) -> list[Instrument]:
    """Load the shipped instruments (published, shared); idempotent per (code, version)."""
    from casewatch.surveys.instruments.catalogue import shipped_files

    loaded = []
    for _code, path in shipped_files().items():
        spec, _warnings = parse_xlsform(path.read_bytes(), path.name)
        existing = Instrument.objects.filter(code=spec.code, version=spec.version).first()
        if existing is None:
            existing = create_instrument(None, spec, builtin=True, publish=True)
        loaded.append(existing)
    return loaded


def _require_draft(instrument: Instrument) -> None:
    if instrument.status != InstrumentStatus.DRAFT:
        raise ValidationError(_("A published instrument cannot be changed; create a new version."))


def publish_instrument(user, instrument: Instrument) -> Instrument:
    """Freeze a draft. It must survive a round trip through pyxform (so it is a valid XLSForm)."""
    require(user, Action.CHANGE)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_draft(instrument)
        try:
            parse_xlsform(export_xlsform(instrument), f"{instrument.code}.xlsx")
        except XLSFormError as exc:
            raise ValidationError(exc.errors) from exc
        instrument.status = InstrumentStatus.PUBLISHED
        instrument.published_at = timezone.now()
        instrument.save(update_fields=["status", "published_at"])
        audit.record(AuditAction.TRANSITION, instrument, user=user, message="published")
    return instrument


def retire_instrument(user, instrument: Instrument) -> Instrument:
    require(user, Action.CHANGE)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if instrument.status != InstrumentStatus.PUBLISHED:
            raise ValidationError(_("Only a published instrument can be retired."))
        instrument.status = InstrumentStatus.RETIRED
        instrument.save(update_fields=["status"])
        audit.record(AuditAction.TRANSITION, instrument, user=user, message="retired")
    return instrument


def new_version(user, instrument: Instrument) -> Instrument:
    """A draft copy of an instrument with the next version number, to edit."""
    spec = spec_from_instrument(instrument)
    spec.version = instrument.version + 1
    return create_instrument(user, spec, unit=getattr(user, "unit", None))


def new_blank_instrument(
    user, *, code: str, title_zh: str, title_en: str, respondent_group: str
) -> Instrument:
    """A draft with one note and the standard 5-point list, ready for items to be added in the UI."""
    from casewatch.surveys.instruments.catalogue import SAT5

    spec = InstrumentSpec(
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        respondent_group=respondent_group,
        items=[ItemSpec("intro", ItemKind.NOTE, title_zh, title_en)],
        choices=[ChoiceSpec("sat5", n, zh, en, None if s is None else float(s)) for n, zh, en, s in SAT5],
    )
    return create_instrument(user, spec)


def save_item(user, instrument: Instrument, data: dict, item: Item | None = None) -> Item:
    """Add or change an item of a draft; the whole instrument is re-validated."""
    require(user, Action.CHANGE)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_draft(instrument)
        spec = spec_from_instrument(instrument)
        new = ItemSpec(**{k: v for k, v in data.items() if k in ItemSpec.__dataclass_fields__})
        if item is None:
            spec.items.append(new)
        else:
            spec.items = [new if i.name == item.name else i for i in spec.items]
        errors = validate(spec)
        if errors:
            raise ValidationError(errors)
        _write_spec(instrument, spec)
        audit.record(AuditAction.UPDATE, instrument, user=user, message=f"item {new.name} saved")
    return instrument.items.get(name=new.name)


def delete_item(user, instrument: Instrument, name: str) -> None:
    require(user, Action.CHANGE)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_draft(instrument)
        spec = spec_from_instrument(instrument)
        spec.items = [i for i in spec.items if i.name != name]
        errors = validate(spec)
        if errors:
            raise ValidationError(errors)
        _write_spec(instrument, spec)
        audit.record(AuditAction.UPDATE, instrument, user=user, message=f"item {name} deleted")


def move_item(user, instrument: Instrument, name: str, delta: int) -> None:
    """Move an item up (-1) or down (+1)."""
    require(user, Action.CHANGE)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_draft(instrument)
        spec = spec_from_instrument(instrument)
        names = [i.name for i in spec.items]
        if name not in names:
            return
        i = names.index(name)
        j = max(0, min(len(names) - 1, i + delta))
        spec.items[i], spec.items[j] = spec.items[j], spec.items[i]
        _write_spec(instrument, spec)


def save_choice_list(user, instrument: Instrument, list_name: str, lines: str) -> int:
    """Replace a choice list from lines ``value | 中文 | English | score`` (score optional)."""
    require(user, Action.CHANGE)
    rows = []
    for line in lines.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        try:
            score = float(parts[3]) if parts[3] else None
        except ValueError as exc:
            raise ValidationError(_("Score must be a number: %(line)s") % {"line": line}) from exc
        rows.append(ChoiceSpec(list_name, parts[0], parts[1] or parts[0], parts[2], score))
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_draft(instrument)
        spec = spec_from_instrument(instrument)
        spec.choices = [c for c in spec.choices if c.list_name != list_name] + rows
        errors = validate(spec)
        if errors:
            raise ValidationError(errors)
        _write_spec(instrument, spec)
        audit.record(AuditAction.UPDATE, instrument, user=user, message=f"choice list {list_name} saved")
    return len(rows)


# --- the compiled form (rendering and validation) ---------------------------------------------


@dataclass
class CompiledItem:
    id: int
    name: str
    kind: str
    required: bool
    relevant: list | None
    constraint: list | None
    choices: dict[str, float | None]  # value → score (None: unscored or "not applicable")
    dimension: str
    agency: str


@dataclass
class CompiledForm:
    instrument_id: int
    items: list[CompiledItem]

    def client_rules(self) -> dict:
        """What the page's script needs: skip logic, constraints, required flags, kinds."""
        return {
            i.name: {"k": i.kind, "r": i.required, "rel": i.relevant, "con": i.constraint} for i in self.items
        }


_COMPILED: dict[int, CompiledForm] = {}


def compiled(instrument: Instrument | int) -> CompiledForm:
    """The instrument's items with parsed expressions. Published instruments never change, so the
    result is cached per process (submissions need it on every request)."""
    pk = instrument if isinstance(instrument, int) else instrument.pk
    form = _COMPILED.get(pk)
    if form is not None:
        return form
    status = Instrument.objects.filter(pk=pk).values_list("status", flat=True).first()
    choices: dict[str, dict[str, float | None]] = defaultdict(dict)
    for list_name, name, score in (
        Choice.objects.filter(instrument_id=pk).order_by("position").values_list("list_name", "name", "score")
    ):
        choices[list_name][name] = score
    items = [
        CompiledItem(
            id=i.pk,
            name=i.name,
            kind=i.kind,
            required=i.required,
            relevant=expressions.parse(expressions.conjoin(i.group_relevant, i.relevant)),
            constraint=expressions.parse(i.constraint),
            choices=dict(choices.get(i.list_name, {})),
            dimension=i.dimension,
            agency=i.agency,
        )
        for i in Item.objects.filter(instrument_id=pk).order_by("position")
    ]
    form = CompiledForm(pk, items)
    if status != InstrumentStatus.DRAFT:
        _COMPILED[pk] = form
    return form
