from django.urls import path

from casewatch.falselit import views

app_name = "falselit"

urlpatterns = [
    path("", views.lead_list, name="lead_list"),
    path("stats/", views.lead_stats, name="lead_stats"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/export.<str:fmt>", views.lead_export, name="lead_export"),
    path("case/<int:pk>/", views.case_panel, name="case_panel"),
]
