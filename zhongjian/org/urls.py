from django.urls import path

from zhongjian.org import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list_view, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("cadres/", views.cadre_list_view, name="cadre_list"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
]
