from django.urls import path

from zhongjian.org import edit_views, views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list_view, name="unit_list"),
    path("units/new/", edit_views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", edit_views.unit_update, name="unit_update"),
    path("units/<int:unit_pk>/posts/new/", edit_views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", edit_views.post_update, name="post_update"),
    path(
        "posts/<int:post_pk>/correction/",
        edit_views.correction_request_post,
        name="correction_request_post",
    ),
    path("cadres/", views.cadre_list_view, name="cadre_list"),
    path("cadres/new/", edit_views.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", edit_views.cadre_update, name="cadre_update"),
    path(
        "cadres/<int:cadre_pk>/appointments/new/",
        edit_views.appointment_create,
        name="appointment_create",
    ),
    path("cadres/<int:cadre_pk>/rank-grants/new/", edit_views.rank_grant, name="rank_grant"),
    path(
        "cadres/<int:cadre_pk>/correction/",
        edit_views.correction_request_cadre,
        name="correction_request_cadre",
    ),
    path("appointments/<int:pk>/edit/", edit_views.appointment_update, name="appointment_update"),
    path("appointments/<int:pk>/end/", edit_views.appointment_end, name="appointment_end"),
    path("corrections/", edit_views.correction_request_list_view, name="correction_request_list"),
    path(
        "corrections/<int:pk>/close/",
        edit_views.correction_request_close,
        name="correction_request_close",
    ),
    path("data-check/", views.data_check, name="data_check"),
    path("data-check/count/", views.data_check_count, name="data_check_count"),
]
