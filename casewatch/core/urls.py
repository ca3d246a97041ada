from django.contrib.auth import views as auth_views
from django.urls import path

from casewatch.core import views, views_ops, views_saved

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.set_language, name="set_language"),
    path("org/", views.unit_list, name="unit_list"),
    path("org/<str:code>/", views.unit_detail, name="unit_detail"),
    path("staff/<int:pk>/reveal/<str:field>/", views.staff_reveal, name="staff_reveal"),
    path("audit/", views.audit_list, name="audit_list"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/selftest/", views.job_selftest, name="job_selftest"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("readyz", views_ops.readyz, name="readyz"),
    path("metrics", views_ops.metrics_view, name="metrics"),
    path("sessions/", views_ops.session_list, name="session_list"),
    path("sessions/<int:pk>/end/", views_ops.session_revoke, name="session_revoke"),
    path("ops/schedules/", views_ops.schedule_list, name="schedule_list"),
    path("ops/schedules/<int:pk>/", views_ops.schedule_action, name="schedule_action"),
    path("saved-searches/", views_saved.saved_search_save, name="saved_search_save"),
    path("saved-searches/<int:pk>/", views_saved.saved_search_apply, name="saved_search_apply"),
    path("saved-searches/<int:pk>/delete/", views_saved.saved_search_delete, name="saved_search_delete"),
]
