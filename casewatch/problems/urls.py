from django.urls import path

from casewatch.problems import views, views_board, views_orders

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("new/", views.problem_create, name="problem_create"),
    path("bulk/", views.problem_bulk, name="problem_bulk"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("board/", views_board.board_page, name="board"),
    path("board/notice/", views_board.board_notice, name="board_notice"),
    path("reports/weekly/", views_board.weekly_report, name="weekly_report"),
    path("orders/", views_orders.order_list, name="order_list"),
    path("orders/new/", views_orders.order_create, name="order_create"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/<str:action>/", views_orders.order_action, name="order_action"),
    path("accountability/", views_orders.accountability_page, name="accountability"),
    path("accountability/evaluate/", views_orders.accountability_evaluate, name="accountability_evaluate"),
    path("accountability/triggers/", views_orders.rule_save, name="rule_create"),
    path("accountability/triggers/<int:pk>/", views_orders.rule_save, name="rule_update"),
    path("accountability/reviews/<int:pk>/", views_orders.review_detail, name="review_detail"),
    path("inbox/", views_orders.inbox, name="inbox"),
    path("inbox/badge/", views_orders.inbox_badge, name="inbox_badge"),
    path("inbox/<int:pk>/", views_orders.inbox_open, name="inbox_open"),
]
