from django.urls import path

from casewatch.deadlines import views, views_measures

app_name = "deadlines"

urlpatterns = [
    path("", views.deadline_list, name="deadline_list"),
    path("case/<int:pk>/", views.case_panel, name="case_panel"),
    path("measures/", views_measures.measures, name="measures"),
    path("performance/", views.performance, name="performance"),
    path("settings/", views.settings_page, name="settings"),
    path("refresh/", views.refresh, name="refresh"),
    path("escalations/", views.escalations, name="escalations"),
    path("custody/", views.custody_list, name="custody_list"),
    path("tokens/", views.token_list, name="token_list"),
    path("display/<str:token>/", views.display, name="display"),
]
