"""Forum pages (座谈会): list, record, attendance, issues (→ problem list), ratings, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.surveys import services, tables
from casewatch.surveys.forms import (
    AttachmentForm,
    AttendanceForm,
    ForumForm,
    IssueForm,
    RatingForm,
    ToProblemForm,
    form_errors,
)
from casewatch.surveys.models import (
    Forum,
    ForumAttachment,
    ForumAttendance,
    ForumIssue,
    ForumRating,
    Wave,
)
from casewatch.surveys.stats import wilson

PARTS = {
    "attendance": (ForumAttendance, AttendanceForm),
    "issues": (ForumIssue, IssueForm),
    "ratings": (ForumRating, RatingForm),
    "attachments": (ForumAttachment, AttachmentForm),
}


def _require(request, action):
    if not user_can(request.user, action):
        raise PermissionDenied(_("Your role does not allow this."))


@login_required
def forum_list(request):
    _require(request, Action.VIEW)
    qs = (
        Forum.objects.restrict(request.user)
        .select_related("unit", "wave")
        .annotate(attendees=Sum("attendance__count"), n_issues=Count("issues", distinct=True))
    )
    district = request.GET.get("district", "")
    if district:
        qs = qs.filter(unit__division_code=district)
    totals = Forum.objects.restrict(request.user)
    if district:
        totals = totals.filter(unit__division_code=district)
    summary = {
        "forums": totals.count(),
        "attendees": ForumAttendance.objects.restrict(request.user)
        .filter(forum__in=totals)
        .aggregate(n=Sum("count"))["n"]
        or 0,
        "issues": ForumIssue.objects.restrict(request.user).filter(forum__in=totals).count(),
    }
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    from casewatch.surveys.results import district_names

    return render(
        request,
        "surveys/forum_list.html",
        {
            "page": page,
            "forums": tables.forums_table(page.object_list),
            "summary": summary,
            "district": district,
            "districts": list(district_names().items()),
            "can_change": user_can(request.user, Action.CHANGE),
        },
    )


@login_required
def forum_edit(request, pk=None):
    _require(request, Action.CHANGE)
    forum = get_scoped_or_404(request.user, Forum, Action.CHANGE, pk=pk) if pk else None
    waves = Wave.objects.restrict(request.user)
    form = ForumForm(
        request.POST or None,
        instance=forum,
        user=request.user,
        waves=waves,
        initial=None if forum else {"unit_code": getattr(request.user.scope, "code", "")},
    )
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.unit = form.cleaned_data["unit"]
        try:
            services.save_forum(request.user, obj)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            return redirect("surveys:forum_detail", pk=obj.pk)
    return render(request, "surveys/forum_form.html", {"form": form, "forum": forum})


@login_required
def forum_detail(request, pk):
    forum = get_scoped_or_404(request.user, Forum.objects.select_related("unit", "wave"), pk=pk)
    ratings = list(forum.ratings.all())
    for r in ratings:
        r.rate = r.satisfied / r.rated if r.rated else None
        r.low, r.high = wilson(r.satisfied, r.rated)
    return render(
        request,
        "surveys/forum_detail.html",
        {
            "forum": forum,
            "attendance": forum.attendance.all(),
            "attendees": sum(a.count for a in forum.attendance.all()),
            "issues": forum.issues.all(),
            "ratings": ratings,
            "attachments": forum.attachments.all(),
            "forms": {name: form_class() for name, (_m, form_class) in PARTS.items()},
            "can_change": user_can(request.user, Action.CHANGE),
            "can_problem": services.can_open_problems(request.user),
            "problems_available": services.problems_available(),
        },
    )


@login_required
@require_POST
def forum_add(request, pk, part):
    forum = get_scoped_or_404(request.user, Forum, Action.CHANGE, pk=pk)
    _model, form_class = PARTS[part]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        obj = form.save(commit=False)
        obj.forum = forum
        if part == "attachments":
            obj.name = request.FILES["file"].name[:200]
            obj.uploaded_by = request.user
        obj.save()
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    return redirect("surveys:forum_detail", pk=pk)


@login_required
@require_POST
def forum_delete_row(request, pk, part, row):
    forum = get_scoped_or_404(request.user, Forum, Action.CHANGE, pk=pk)
    model, _form = PARTS[part]
    obj = model.objects.filter(forum=forum, pk=row).first()
    if obj is None:
        raise Http404(_("Not found."))
    if part == "issues" and obj.problem_ref:
        messages.error(request, _("An issue already on the problem list cannot be deleted."))
    else:
        obj.delete()
    return redirect("surveys:forum_detail", pk=pk)


@login_required
@require_POST
def issue_problem(request, pk):
    issue = get_scoped_or_404(request.user, ForumIssue.objects.select_related("forum"), Action.VIEW, pk=pk)
    if not services.can_open_problems(request.user):  # the role first, then the input
        raise PermissionDenied(_("Your role may not open problems."))
    form = ToProblemForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        issue = services.issue_to_problem(request.user, issue, form.cleaned_data["severity"])
        messages.success(request, _("Put on the problem list as %(ref)s.") % {"ref": issue.problem_ref})
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("surveys:forum_detail", pk=issue.forum_id)


@login_required
def attachment_download(request, pk):
    attachment = get_scoped_or_404(request.user, ForumAttachment, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
