from django.urls import path

from casewatch.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("parties/<int:pk>/", views.party_detail, name="party_detail"),
    path("parties/<int:pk>/reveal/<str:field>/", views.party_reveal, name="party_reveal"),
    path("indicators/single-track/", views.indicator_single_track, name="indicator_single_track"),
]
