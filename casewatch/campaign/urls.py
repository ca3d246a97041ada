from django.urls import path

from casewatch.campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.home, name="home"),
    path("education/", views.session_list, name="session_list"),
    path("education/new/", views.session_create, name="session_create"),
    path("education/coverage/", views.coverage, name="coverage"),
    path("education/<int:pk>/", views.session_detail, name="session_detail"),
    path("education/<int:pk>/<str:action>/", views.session_action, name="session_action"),
    path("signin/<str:token>/", views.signin, name="signin"),
    path("norms/", views.norm_list, name="norm_list"),
    path("norms/new/", views.norm_create, name="norm_create"),
    path("norms/<int:pk>/", views.norm_detail, name="norm_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("report/", views.report, name="report"),
    path("report/<int:pk>/", views.snapshot, name="snapshot"),
]
