from django.urls import path

from casewatch.reviews import views, views_results

app_name = "reviews"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/summary/", views_results.summary, name="campaign_summary"),
    path("<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("queue/", views.queue, name="queue"),
    path("review/<int:pk>/", views.review_page, name="review_detail"),
    path("review/<int:pk>/save/", views.review_save, name="review_save"),
    path("review/<int:pk>/reassign/", views.review_reassign, name="review_reassign"),
    path("score/<int:pk>/problem/", views.score_problem, name="score_problem"),
    path("selection/<int:pk>/", views.selection_detail, name="selection_detail"),
    path("selection/<int:pk>/<str:action>/", views.selection_action, name="selection_action"),
    path("panel/<int:pk>/decide/", views.panel_decide, name="panel_decide"),
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric_detail"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<int:pk>/", views.tag_detail, name="tag_detail"),
    path("dual-checks/", views.dualcheck_list, name="dualcheck_list"),
    path("dual-checks/part/<int:pk>/", views.dualcheck_conclude, name="dualcheck_conclude"),
    path("review/<int:pk>/report.<str:fmt>", views_results.review_report, name="review_report"),
    path("<int:pk>/export.xlsx", views_results.export, name="campaign_export"),
]
