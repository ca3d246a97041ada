from django.urls import path

from casewatch.enforcement import views, views_funds

app_name = "enforcement"

urlpatterns = [
    path("", views.listings, name="listings"),
    path("listings/<str:listing_id>/delete/", views.listing_delete, name="listing_delete"),
    path("incentive/", views.incentive, name="incentive"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/issue/", views.certificate_issue, name="certificate_issue"),
    path("certificates/<str:number>/", views.certificate, name="certificate"),
    path("certificates/<str:number>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<str:number>/fee-reduction/", views.fee_reduction, name="fee_reduction"),
    path("verify/", views.verify, name="verify"),
    path("measures/", views.measures, name="measures"),
    path("repairs/", views_funds.repair_list, name="repairs"),
    path("repairs/<str:repair_id>/", views_funds.repair_detail, name="repair"),
    path("repairs/<str:repair_id>/step/", views_funds.repair_step, name="repair_step"),
    path("batches/", views_funds.batch_list, name="batches"),
    path("batches/<int:pk>/", views_funds.batch_detail, name="batch"),
    path("pushes/<int:pk>/", views_funds.push_download, name="push"),
    path("funds/", views_funds.fund_overview, name="funds"),
    path("funds/clearance/<int:pk>/", views_funds.clearance_detail, name="clearance"),
    path("funds/statements/new/", views_funds.statement_upload, name="statement_upload"),
    path("funds/statements/<int:pk>/", views_funds.statement_detail, name="statement"),
]
