"""URL routes of the web UI, the admin and the JSON API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from zhongjian.core import views as core_views
from zhongjian.insight import views as insight_views

admin.site.site_header = "中坚 · 管理后台"
admin.site.site_title = "中坚"
admin.site.index_title = "管理"

urlpatterns = [
    path("", insight_views.overview, name="overview"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("org/", include("zhongjian.org.urls")),
    path("pipeline/", include("zhongjian.pipeline.urls")),
    path("voice/", include("zhongjian.voice.urls")),
    path("insight/", include("zhongjian.insight.urls")),
    path("workload/", include("zhongjian.workload.urls")),
    path("data/", include("zhongjian.dataio.urls")),
    path("care/", include("zhongjian.care.urls")),
    path("projection/", include("zhongjian.projection.urls")),
    path("account/", include("zhongjian.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
