from django.urls import path

from zhongjian.care import views

app_name = "care"

urlpatterns = [
    path("", views.counselor_home, name="home"),
    path("cases/new/", views.request_record, name="request_record"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:pk>/schedule/", views.case_schedule, name="case_schedule"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/urgent/", views.case_urgent_clear, name="case_urgent_clear"),
    path("cases/<int:pk>/delete/", views.case_delete, name="case_delete"),
    path(
        "cases/<int:pk>/screening/<str:instrument>/",
        views.case_screening,
        name="case_screening",
    ),
    path("reminders/<int:pk>/ack/", views.reminder_acknowledge, name="reminder_ack"),
    path("help/", views.help_page, name="help"),
    path("help/<int:pk>/withdraw/", views.help_withdraw, name="help_withdraw"),
    path("help/<int:pk>/delete/", views.help_delete, name="help_delete"),
    path("help/referrals/<int:pk>/", views.referral_decide, name="referral_decide"),
    path("referrals/", views.referrals, name="referrals"),
    path("overview/", views.overview, name="overview"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_change, name="assignment_change"),
]
