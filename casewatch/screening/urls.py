from django.urls import path

from casewatch.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/triage/", views.finding_triage, name="finding_triage"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/custom/", views.custom_rules, name="custom_rules"),
    path(
        "rules/custom/<str:rule_id>/deactivate/", views.custom_rule_deactivate, name="custom_rule_deactivate"
    ),
    path("rules/<str:rule_id>/", views.rule_detail, name="rule_detail"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
]
