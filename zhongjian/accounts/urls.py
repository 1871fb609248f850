from django.urls import path

from zhongjian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_page, name="account"),
    path("password/", views.password_page, name="password"),
    path("tokens/", views.token_page, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/reset/", views.password_reset_view, name="password_reset"),
    path("grants/<int:pk>/decide/", views.grant_decide_view, name="grant_decide"),
]
