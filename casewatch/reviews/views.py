"""Review pages: campaigns (draw, pick, freeze, assign), the reviewer's queue and review page
(autosaved with htmx, deductions raising problems), three-way evaluations, panels, rubrics,
四类案件 tags and 一案双查 checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.cases.models import Case, CaseParty, Document, Petition
from casewatch.cases.services import matter_timeline
from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.core.models import User
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews import casetags, evaluations, services, tables
from casewatch.reviews import rubrics as rubric_data
from casewatch.reviews.choices import THREE_WAY, ReviewKind, ReviewStatus
from casewatch.reviews.forms import (
    AssignReviewerForm,
    CampaignForm,
    ConclusionForm,
    DrawForm,
    DualCheckForm,
    PanelForm,
    PetitionPanelForm,
    PickForm,
    ProblemForm,
    ReasonForm,
    ReviewSheetForm,
    RubricImportForm,
    TagForm,
    TagTrailForm,
    can_supervise,
    form_errors,
)
from casewatch.reviews.models import (
    Campaign,
    CaseTag,
    DualCheck,
    DualCheckPart,
    ItemScore,
    PanelDecision,
    Review,
    Rubric,
    Selection,
)


def _errors(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


def _require(user, action):
    if not user_can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


# --- campaigns -----------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    campaigns = Campaign.objects.restrict(request.user).select_related("unit", "organiser")
    return render(
        request,
        "reviews/campaign_list.html",
        {"campaigns": tables.campaigns_table(campaigns[:200]), "can_create": can_supervise(request.user)},
    )


@login_required
def campaign_create(request):
    _require(request.user, Action.SUPERVISE)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            campaign = services.create_campaign(
                request.user,
                name=data.pop("name"),
                scope_units=data.pop("scope_units"),
                case_types=data.pop("case_types"),
                closed_from=data.pop("closed_from"),
                closed_to=data.pop("closed_to"),
                **data,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("reviews:campaign_detail", campaign.pk)
    return render(request, "reviews/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    campaign = get_scoped_or_404(request.user, Campaign, Action.VIEW, pk=pk)
    selections = (
        Selection.objects.restrict(request.user)
        .filter(campaign=campaign)
        .select_related("case__unit", "case__handler")
        .prefetch_related("reviews__reviewer", "panels")
    )
    return render(
        request,
        "reviews/campaign_detail.html",
        {
            "campaign": campaign,
            "selections": tables.selections_table(selections),
            "supervisor": can_supervise(request.user),
            "pick_form": PickForm(),
            "reviewers": campaign.reviewers.order_by("username"),
        },
    )


@login_required
@require_POST
def campaign_action(request, pk, action):
    user = request.user
    campaign = get_scoped_or_404(user, Campaign, Action.VIEW, pk=pk)
    _require(user, Action.SUPERVISE)
    try:
        if action == "draw":
            form = DrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            services.run_draw(user, campaign, form.cleaned_data["seed"])
        elif action == "pick":
            form = PickForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            case = (
                Case.objects.restrict(user)
                .filter(case_number=form.cleaned_data["case_number"].strip())
                .first()
            )
            if case is None:
                raise ValidationError(_("No such case in your scope."))
            services.pick_case(user, campaign, case, form.cleaned_data["reason"])
        elif action == "start":
            services.start_reviewing(user, campaign)
        elif action == "assign":
            n = services.auto_assign(user, campaign)
            messages.info(request, _("%(n)s reviews assigned.") % {"n": n})
        elif action == "assign-one":
            form = AssignReviewerForm(request.POST)
            if not form.is_valid() or not form.cleaned_data["selection"]:
                raise ValidationError(form_errors(form) or _("Choose a selected case."))
            sel = get_scoped_or_404(
                user, Selection, Action.VIEW, pk=form.cleaned_data["selection"], campaign=campaign
            )
            services.assign(user, sel, form.cleaned_data["reviewer"], form.cleaned_data["kind"])
        elif action == "close":
            services.close_campaign(user, campaign)
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, User.DoesNotExist) as exc:
        _errors(request, exc)
    return redirect("reviews:campaign_detail", campaign.pk)


# --- reviewing -----------------------------------------------------------------------------------


@login_required
def queue(request):
    reviews = (
        Review.objects.restrict(request.user)
        .filter(reviewer=request.user)
        .select_related("case", "selection__campaign", "rubric")
        .order_by("status", "selection__campaign__due_on", "id")
    )
    return render(request, "reviews/queue.html", {"reviews": tables.queue_table(reviews)})


def _parties(user, case):
    reveal = user_can(user, Action.REVEAL)
    return [
        {
            "role": cp.role_label(),
            "name": cp.party.name if reveal else mask("name", cp.party.name),
            "id_number": mask("id_number", cp.party.id_number),
        }
        for cp in CaseParty.objects.filter(case=case).select_related("party").order_by("role", "party__name")
    ]


def _sheet(review: Review):
    scores = {s.item_id: s for s in review.scores.select_related("problem")}
    sections = []
    for section in review.rubric.sections.prefetch_related("items"):
        sections.append(
            {"section": section, "rows": [(item, scores.get(item.pk)) for item in section.items.all()]}
        )
    return sections


@login_required
def review_page(request, pk):
    review = services.own_review(request.user, pk)
    from casewatch.screening.models import Finding

    _cases, timeline = matter_timeline(request.user, review.case)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "case": review.case,
            "sheet": _sheet(review),
            "timeline": timeline,
            "parties": _parties(request.user, review.case),
            "documents": Document.objects.filter(case=review.case),
            "findings": Finding.objects.filter(case=review.case).order_by("rule_id"),
            "mine": review.reviewer_id == request.user.pk,
            "problem_form": ProblemForm(),
            "reassign_form": ReasonForm(),
            "supervisor": can_supervise(request.user),
        },
    )


@login_required
@require_POST
def review_save(request, pk):
    review = services.own_review(request.user, pk)
    form = ReviewSheetForm(request.POST, rubric=review.rubric)
    submit = form.is_valid() and form.cleaned_data["submit"]
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        review = services.save_draft(
            request.user, review, form.entries(), form.cleaned_data["comments"], submit=submit
        )
        ok, text = True, (_("Submitted and locked.") if submit else _("Draft saved."))
    except (ValidationError, PermissionDenied) as exc:
        ok, text = False, " ".join(getattr(exc, "messages", [str(exc)]))
    if htmx and not submit:
        return render(request, "reviews/_save_status.html", {"review": review, "ok": ok, "text": text})
    (messages.success if ok else messages.error)(request, text)
    return redirect("reviews:review_detail", review.pk)


@login_required
@require_POST
def review_reassign(request, pk):
    review = get_scoped_or_404(request.user, Review, Action.VIEW, pk=pk)
    _require(request.user, Action.SUPERVISE)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.reassign(request.user, review, form.cleaned_data["to_user"], form.cleaned_data["reason"])
        messages.success(request, _("Reassigned."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reviews:selection_detail", review.selection_id)


@login_required
@require_POST
def score_problem(request, pk):
    score = ItemScore.objects.select_related("item__section", "review").filter(pk=pk).first()
    review = services.own_review(request.user, score.review_id if score else 0)
    form = ProblemForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        problem = services.raise_problem(
            request.user, score, measure=form.cleaned_data["measure"], severity=form.cleaned_data["severity"]
        )
        messages.success(request, _("Problem #%(id)s put on the problem list.") % {"id": problem.pk})
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("reviews:review_detail", review.pk)


# --- three-way evaluation and panels -----------------------------------------------------------


@login_required
def selection_detail(request, pk):
    selection = get_scoped_or_404(
        request.user, Selection.objects.select_related("campaign", "case__unit"), Action.VIEW, pk=pk
    )
    visible = evaluations.visible_evaluations(request.user, selection)
    assigned = {r.kind: r for r in Review.objects.filter(selection=selection).select_related("reviewer")}
    score, grade = evaluations.final_result(selection)
    return render(
        request,
        "reviews/selection_detail.html",
        {
            "selection": selection,
            "case": selection.case,
            "evaluations": visible,
            "blind": not evaluations.evaluations_visible(request.user, selection),
            "three_way": [(k, assigned.get(k)) for k in THREE_WAY],
            "main": assigned.get(ReviewKind.REVIEW),
            "panels": selection.panels.select_related("petition", "decided_by"),
            "petitions": Petition.objects.restrict(request.user).filter(case=selection.case),
            "users": User.objects.filter(is_active=True).order_by("username"),
            "supervisor": can_supervise(request.user),
            "panel_form": PanelForm(),
            "reassign_form": ReasonForm(),
            "final_score": score,
            "final_grade": grade,
            "submitted": ReviewStatus.SUBMITTED,
        },
    )


@login_required
@require_POST
def selection_action(request, pk, action):
    selection = get_scoped_or_404(
        request.user, Selection.objects.select_related("campaign"), Action.VIEW, pk=pk
    )
    _require(request.user, Action.SUPERVISE)
    try:
        if action == "assign":
            form = AssignReviewerForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            services.assign(request.user, selection, form.cleaned_data["reviewer"], form.cleaned_data["kind"])
        elif action == "petition":
            form = PetitionPanelForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            petition = get_scoped_or_404(
                request.user, Petition, Action.VIEW, pk=form.cleaned_data["petition"]
            )
            evaluations.open_petition_panel(request.user, selection, petition)
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, User.DoesNotExist) as exc:
        _errors(request, exc)
    return redirect("reviews:selection_detail", selection.pk)


@login_required
@require_POST
def panel_decide(request, pk):
    panel = get_scoped_or_404(request.user, PanelDecision, Action.VIEW, pk=pk)
    _require(request.user, Action.SUPERVISE)
    form = PanelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        evaluations.decide_panel(request.user, panel, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reviews:selection_detail", panel.selection_id)


# --- rubrics -------------------------------------------------------------------------------------


@login_required
def rubric_list(request):
    if request.method == "POST":
        _require(request.user, Action.SUPERVISE)
        form = RubricImportForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            if form.cleaned_data["action"] == "samples":
                rubric_data.load_builtin()
            else:
                rubric = rubric_data.import_xlsx(form.cleaned_data["file"].read())
                messages.success(request, _("Imported %(r)s.") % {"r": rubric})
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("reviews:rubric_list")
    return render(
        request,
        "reviews/rubric_list.html",
        {"rubrics": tables.rubrics_table(Rubric.objects.all()), "supervisor": can_supervise(request.user)},
    )


@login_required
def rubric_detail(request, pk):
    rubric = Rubric.objects.filter(pk=pk).first()
    if rubric is None:
        from django.http import Http404

        raise Http404
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            rubric_data.export_xlsx(rubric),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="rubric-{rubric.code}-v{rubric.version}.xlsx"'
        )
        return response
    return render(
        request,
        "reviews/rubric_detail.html",
        {"rubric": rubric, "sections": rubric.sections.prefetch_related("items")},
    )


# --- 四类案件 and 一案双查 ----------------------------------------------------------------------


def _case_by_number(user, number):
    case = Case.objects.restrict(user).filter(case_number=(number or "").strip()).first()
    if case is None:
        raise ValidationError(_("No such case in your scope."))
    return case


@login_required
def tag_list(request):
    form = TagForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            case = _case_by_number(request.user, form.cleaned_data["case_number"])
            casetags.tag_case(request.user, case, form.cleaned_data["kind"], form.cleaned_data["note"])
            return redirect("reviews:tag_list")
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    tags = CaseTag.objects.restrict(request.user).select_related("case", "tagged_by")
    return render(request, "reviews/tag_list.html", {"tags": tables.tags_table(tags[:300]), "form": form})


@login_required
def tag_detail(request, pk):
    tag = get_scoped_or_404(request.user, CaseTag.objects.select_related("case"), Action.VIEW, pk=pk)
    if request.method == "POST":
        form = TagTrailForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            casetags.tag_trail(request.user, tag, form.cleaned_data["action"], form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("reviews:tag_detail", tag.pk)
    return render(
        request,
        "reviews/tag_detail.html",
        {"tag": tag, "trail": tables.trail_table(tag.trail.select_related("by")), "form": TagTrailForm()},
    )


@login_required
def dualcheck_list(request):
    form = DualCheckForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            d = form.cleaned_data
            case = _case_by_number(request.user, d["case_number"])
            casetags.open_dual_check(
                request.user, case, d["clue_source"], d["handling_reviewer"], d["discipline_reviewer"]
            )
            return redirect("reviews:dualcheck_list")
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    checks = (
        DualCheck.objects.restrict(request.user).select_related("case").prefetch_related("parts__reviewer")
    )
    return render(request, "reviews/dualcheck_list.html", {"checks": checks[:300], "form": form})


@login_required
@require_POST
def dualcheck_conclude(request, pk):
    part = DualCheckPart.objects.filter(pk=pk).first()
    get_scoped_or_404(request.user, DualCheck, Action.VIEW, pk=part.dual_check_id if part else 0)
    form = ConclusionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        casetags.conclude_part(request.user, part, form.cleaned_data["conclusion"])
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("reviews:dualcheck_list")
