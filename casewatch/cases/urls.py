from django.urls import path

from casewatch.cases import views, views_import

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("parties/<int:pk>/", views.party_detail, name="party_detail"),
    path("parties/<int:pk>/reveal/<str:field>/", views.party_reveal, name="party_reveal"),
    path("indicators/single-track/", views.indicator_single_track, name="indicator_single_track"),
    path("imports/", views_import.import_list, name="import_list"),
    path("imports/upload/", views_import.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("imports/<int:pk>/report.<str:fmt>", views_import.import_report, name="import_report"),
]
