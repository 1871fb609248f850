from django.urls import path

from zhongjian.insight import views

app_name = "insight"

urlpatterns = [
    path("indicators/", views.indicator_catalogue, name="catalogue"),
    path("indicators/<str:code>/records/", views.indicator_records, name="records"),
    path("alerts/", views.alert_list, name="alerts"),
    path("compare/", views.compare, name="compare"),
    path("time-in-post/", views.time_in_post, name="survival"),
    path("risk/", views.risk_model, name="risk"),
    path("flags/", views.structural_flags, name="flags"),
]
