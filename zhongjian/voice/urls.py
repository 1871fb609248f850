from django.urls import path

from zhongjian.voice.views import answering, board, instruments, invitations, reports, waves

app_name = "voice"

urlpatterns = [
    path("survey/waves/", waves.wave_list_view, name="wave_list"),
    path("survey/waves/new/", waves.wave_create_view, name="wave_create"),
    path("survey/waves/<int:pk>/", waves.wave_detail, name="wave_detail"),
    path("survey/waves/<int:pk>/edit/", waves.wave_edit_view, name="wave_edit"),
    path("survey/waves/<int:pk>/open/", waves.wave_open_view, name="wave_open"),
    path("survey/waves/<int:pk>/close/", waves.wave_close_view, name="wave_close"),
    path("survey/waves/<int:pk>/deadline/", waves.wave_deadline_view, name="wave_deadline"),
    path("survey/waves/<int:pk>/slips/", waves.wave_slips_view, name="wave_slips"),
    path("mine/", invitations.my_surveys_view, name="my_surveys"),
    path("mine/<int:pk>/", invitations.my_survey_view, name="my_survey"),
    path("mine/<int:pk>/draw/", invitations.code_draw_view, name="code_draw"),
    path("survey/waves/<int:pk>/reminder/", waves.wave_reminder_view, name="wave_reminder"),
    path("survey/waves/<int:pk>/report/", reports.wave_report_view, name="wave_report"),
    path("survey/waves/<int:pk>/comments/", reports.wave_comments_view, name="wave_comments"),
    path("survey/waves/<int:pk>/compare/", reports.wave_compare_view, name="wave_compare"),
    path("survey/trends/", reports.trend_view, name="trend"),
    path("survey/instruments/", instruments.instrument_list_view, name="instrument_list"),
    path("survey/instruments/new/", instruments.instrument_create_view, name="instrument_create"),
    path(
        "survey/instruments/<str:code>/v<int:version>/",
        instruments.instrument_detail,
        name="instrument_detail",
    ),
    path("s/", answering.answer, name="answer"),
    path("s/done/", answering.answer_done, name="answer_done"),
    path("board/", board.board_list, name="board"),
    path("board/new/", board.board_new, name="board_new"),
    path("board/moderation/", board.moderation_view, name="moderation"),
    path(
        "board/moderation/<str:kind>/<int:pk>/",
        board.moderation_decide_view,
        name="moderation_decide",
    ),
    path("board/<int:pk>/", board.board_detail, name="board_detail"),
    path("board/<int:pk>/comment/", board.board_comment, name="board_comment"),
    path("board/<int:pk>/reply/", board.board_reply, name="board_reply"),
    path(
        "board/<int:pk>/replies/<int:reply_pk>/edit/",
        board.board_reply_edit,
        name="board_reply_edit",
    ),
    path("board/<int:pk>/remove/", board.board_remove, name="board_remove"),
    path(
        "board/<int:pk>/comments/<int:comment_pk>/remove/",
        board.board_comment_remove,
        name="board_comment_remove",
    ),
]
