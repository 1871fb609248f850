"""Routes of the workload pages under /workload/."""

from django.urls import path

from zhongjian.workload import views

app_name = "workload"

urlpatterns = [
    path("", views.index, name="index"),
    path("alerts/", views.alerts, name="alerts"),
    path("rules/", views.rules, name="rules"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/overtime/", views.overtime_save, name="overtime_save"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/complete/", views.demand_complete, name="demand_complete"),
]
