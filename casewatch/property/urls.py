from django.urls import path

from casewatch.property import views, views_docs

app_name = "property"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/<str:action>/", views.item_action, name="item_action"),
    path("scan/", views.scan, name="scan"),
    path("case/<int:pk>/", views.case_tab, name="case_tab"),
    path("case/<int:pk>/check-in/", views.case_check_in, name="case_check_in"),
    path("case/<int:pk>/handover/", views.case_handover, name="case_handover"),
    path("handovers/", views.handover_list, name="handover_list"),
    path("handovers/<int:pk>/accept/", views.handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/list.<str:fmt>", views_docs.handover_document, name="handover_document"),
    path("labels.pdf", views_docs.labels, name="labels"),
    path("ledger.xlsx", views_docs.ledger, name="ledger"),
    path("inventories/", views_docs.inventory_list, name="inventory_list"),
    path("inventories/<int:pk>/", views_docs.inventory_detail, name="inventory_detail"),
    path("refresh/", views.refresh, name="refresh"),
]
