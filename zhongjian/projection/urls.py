"""URL routes of the projection pages (/projection/)."""

from django.urls import path

from zhongjian.projection import views

app_name = "projection"

urlpatterns = [
    path("", views.index, name="index"),
    path("scenarios/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/delete/", views.scenario_remove, name="scenario_delete"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("model/<slug:name>.csv", views.estimate_csv, name="estimate_csv"),
    path("optimiser/", views.optimiser, name="optimiser"),
]
