from django.urls import path

from casewatch.notary import views, views_public, views_review

app_name = "notary"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/reveal/<str:field>/", views.application_reveal, name="application_reveal"),
    path("items/<int:pk>/<str:action>/", views.item_action, name="item_action"),
    path("materials/<int:pk>/", views.material_download, name="material_download"),
    path("materials/<int:pk>/check/", views.material_check, name="material_check"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>.<str:fmt>", views.certificate_file, name="certificate_file"),
    path("window/", views.window, name="window"),
    path("import/", views.import_view, name="import"),
    path("reviews/", views_review.review_list, name="review_list"),
    path("reviews/<int:pk>/", views_review.review_detail, name="review_detail"),
    path("measures/", views_review.measures_view, name="measures"),
    # public (no login)
    path("matters/", views_public.matters, name="matters"),
    path("apply/", views_public.identify, name="apply"),
    path("apply/code/", views_public.enter_code, name="apply_code"),
    path("apply/matters/", views_public.apply_matters, name="apply_matters"),
    path("apply/leave/", views_public.leave, name="apply_leave"),
    path("my/", views_public.my_applications, name="my"),
    path("my/items/<int:pk>/materials/", views_public.my_materials, name="my_materials"),
    path("my/items/<int:pk>/certificate.pdf", views_public.my_certificate, name="my_certificate"),
    path("verify/", views_public.verify, name="verify_form"),
    path("verify/<str:code>/", views_public.verify, name="verify"),
]
