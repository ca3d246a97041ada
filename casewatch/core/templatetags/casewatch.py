"""Template helpers: masked personal data with an audited reveal button; query strings."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from casewatch.core.masking import mask

register = template.Library()


@register.simple_tag
def personal(obj, field, can_reveal=False, reveal_url_name=""):
    """A personal field, masked; with a reveal button (htmx POST, audited) when the role allows."""
    value = getattr(obj, field, "") or ""
    if not value:
        return ""
    masked = mask(field, value)
    if not can_reveal or not reveal_url_name:
        return format_html('<span class="masked">{}</span>', masked)
    url = reverse(reveal_url_name, args=[obj.pk, field])
    # The button replaces its own wrapper, so it works in a table cell, a <dd> or anywhere else.
    return format_html(
        '<span class="personal"><span class="masked">{}</span> <button type="button" class="reveal" '
        'hx-post="{}" hx-target="closest .personal" hx-swap="innerHTML" title="{}">{}</button></span>',
        masked,
        url,
        _("Reveal (recorded in the audit trail)"),
        _("Reveal"),
    )


@register.simple_tag(takes_context=True)
def querystring_without(context, *names):
    """The current query string minus the given parameters (for pagination links)."""
    query = context["request"].GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@register.filter
def audit_message(message):
    """A stored audit message in the reader's language (see core.audit_text)."""
    from casewatch.core.audit_text import message_text

    return message_text(message or "")


@register.simple_tag
def audit_details(record, which):
    """A record's ``before`` or ``after`` as ``field name: value`` pairs, in the reader's language."""
    from casewatch.core.audit_text import details_text

    return details_text(record.object_type, getattr(record, which))


@register.inclusion_tag("core/_saved_searches.html", takes_context=True)
def saved_searches(context, page):
    """The person's saved searches of a list page, and a form to save the current filters."""
    from casewatch.core.models_saved import SavedSearch
    from casewatch.core.views_saved import clean_query

    request = context["request"]
    user = request.user
    searches = list(SavedSearch.objects.filter(user=user, page=page)) if user.is_authenticated else []
    return {
        "page": page,
        "searches": searches,
        "query": clean_query(request.GET.urlencode()),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def audit_object_type(label):
    """An audit record's object type by its name (the model's verbose name)."""
    from casewatch.core.audit_text import object_type_label

    return object_type_label(label or "")


@register.simple_tag
def chart(element_id, spec, label="", height=""):
    """A chart the shared helper (static/casewatch/chart.js) draws: its container, named for
    screen readers, and the spec (core.charts) as a json_script block beside it. The page loads
    ``casewatch/chart.js`` after ECharts (``{% include "charts.html" %}`` in its head block)."""
    from django.utils.html import json_script

    style = format_html(' style="height:{}"', height) if height else ""
    return format_html(
        '<div id="{}" class="chart" role="img" aria-label="{}" data-chart="{}-spec"{}></div>{}',
        element_id,
        label,
        element_id,
        style,
        json_script(spec, f"{element_id}-spec"),
    )
