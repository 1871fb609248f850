from django.urls import path

from zhongjian.dataio import lrmx_views, views

app_name = "dataio"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("import/jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("import/jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("import/jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("import/jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("import/jobs/<int:pk>/errors.xlsx", views.job_errors_download, name="job_errors"),
    path("import/forms/", lrmx_views.form_batch_upload, name="form_upload"),
    path("import/forms/<int:pk>/", lrmx_views.form_batch_detail, name="form_batch"),
    path("export/<str:name>.xlsx", views.export_download, name="export"),
    path("export/cadres/<int:pk>.lrmx", lrmx_views.cadre_lrmx, name="cadre_lrmx"),
]
