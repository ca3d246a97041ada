from django.urls import path, re_path

from casewatch.surveys import views, views_forums, views_import, views_instruments, views_public

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    # respondents (no login)
    path("t/<str:token>/", views_public.token_form, name="token_form"),
    path("p/<slug:slug>/", views_public.public_form, name="public_form"),
    path("sw.js", views_public.service_worker, name="service_worker"),
    # instruments
    path("instruments/", views_instruments.instrument_list, name="instrument_list"),
    path("instruments/import/", views_instruments.instrument_import, name="instrument_import"),
    path("instruments/new/", views_instruments.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", views_instruments.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/xlsform/", views_instruments.instrument_xlsform, name="instrument_xlsform"),
    path("instruments/<int:pk>/preview/", views_instruments.instrument_preview, name="instrument_preview"),
    re_path(
        r"^instruments/(?P<pk>\d+)/(?P<action>publish|retire|new-version)/$",
        views_instruments.instrument_action,
        name="instrument_action",
    ),
    path("instruments/<int:pk>/items/", views_instruments.item_save, name="item_save"),
    re_path(
        r"^instruments/(?P<pk>\d+)/items/(?P<name>[\w.-]+)/(?P<action>delete|up|down)/$",
        views_instruments.item_change,
        name="item_change",
    ),
    path("instruments/<int:pk>/choices/", views_instruments.choices_save, name="choices_save"),
    # waves, invitations, links
    path("waves/new/", views.wave_create, name="wave_create"),
    path("waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/edit/", views.wave_edit, name="wave_edit"),
    path("waves/<int:pk>/status/", views.wave_status, name="wave_status"),
    path("waves/<int:pk>/tokens/", views.tokens_issue, name="tokens_issue"),
    path("waves/<int:pk>/links/", views.link_create, name="link_create"),
    path("waves/<int:pk>/results/", views.wave_results, name="wave_results"),
    path("waves/<int:pk>/import/", views_import.responses_import, name="responses_import"),
    path(
        "waves/<int:pk>/import/<str:report>.csv",
        views_import.responses_import_report,
        name="responses_import_report",
    ),
    path("waves/<int:pk>/texts/", views.wave_texts, name="wave_texts"),
    path("waves/<int:pk>/export/", views.export_start, name="export_start"),
    re_path(r"^waves/(?P<pk>\d+)/report\.(?P<fmt>docx|pdf)$", views.wave_report, name="wave_report"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/print/", views.batch_print, name="batch_print"),
    path("batches/<int:pk>/sms.csv", views.batch_sms, name="batch_sms"),
    path("batches/<int:pk>/seal/", views.batch_seal, name="batch_seal"),
    re_path(r"^batches/(?P<pk>\d+)/qr/(?P<serial>\d+)\.(?P<fmt>png|svg)$", views.batch_qr, name="batch_qr"),
    re_path(r"^links/(?P<pk>\d+)/qr\.(?P<fmt>png|svg)$", views.link_qr, name="link_qr"),
    path("links/<int:pk>/toggle/", views.link_toggle, name="link_toggle"),
    path("answers/<uuid:pk>/tag/", views.answer_tag, name="answer_tag"),
    path("answers/<uuid:pk>/problem/", views.answer_problem, name="answer_problem"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    # forums
    path("forums/", views_forums.forum_list, name="forum_list"),
    path("forums/new/", views_forums.forum_edit, name="forum_create"),
    path("forums/<int:pk>/", views_forums.forum_detail, name="forum_detail"),
    path("forums/<int:pk>/edit/", views_forums.forum_edit, name="forum_edit"),
    re_path(
        r"^forums/(?P<pk>\d+)/(?P<part>attendance|issues|ratings|attachments)/$",
        views_forums.forum_add,
        name="forum_add",
    ),
    re_path(
        r"^forums/(?P<pk>\d+)/(?P<part>attendance|issues|ratings|attachments)/(?P<row>\d+)/delete/$",
        views_forums.forum_delete_row,
        name="forum_delete_row",
    ),
    path("forum-issues/<int:pk>/problem/", views_forums.issue_problem, name="issue_problem"),
    path("forum-attachments/<int:pk>/", views_forums.attachment_download, name="attachment_download"),
]
