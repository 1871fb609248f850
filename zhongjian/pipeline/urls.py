"""Routes of the pipeline pages under /pipeline/."""

from django.urls import path, re_path

from zhongjian.pipeline.views import (
    bench,
    cadres,
    departures,
    documents,
    indicators,
    selection,
    vacancies,
)

app_name = "pipeline"

urlpatterns = [
    path("", indicators.index, name="index"),
    path("help/", indicators.indicators_help, name="help"),
    path("vacancies/", vacancies.vacancy_board, name="vacancies"),
    path("posts/<int:post_pk>/start/", selection.process_start_view, name="process_start"),
    path("processes/", selection.process_list_view, name="processes"),
    path("processes/<int:pk>/", selection.process_detail, name="process_detail"),
    path("processes/<int:pk>/update/", selection.process_update_view, name="process_update"),
    path(
        "processes/<int:pk>/to/<str:target>/",
        selection.process_transition_view,
        name="process_transition",
    ),
    path("processes/<int:pk>/candidates/", selection.candidate_add_view, name="candidate_add"),
    path("processes/<int:pk>/objections/", selection.objection_add_view, name="objection_add"),
    re_path(
        r"^candidates/(?P<pk>[0-9]+)/(?P<action>recommendation|vetting|choose)/$",
        selection.candidate_update_view,
        name="candidate_update",
    ),
    path(
        "candidates/<int:pk>/decline/", selection.candidate_decline_view, name="candidate_decline"
    ),
    path(
        "candidates/<int:pk>/withdraw/",
        selection.candidate_withdraw_view,
        name="candidate_withdraw",
    ),
    path(
        "objections/<int:pk>/resolve/", selection.objection_resolve_view, name="objection_resolve"
    ),
    path("bench/", bench.bench_board, name="bench"),
    path("posts/<int:post_pk>/bench/", bench.bench_add_view, name="bench_add"),
    path("bench/<int:pk>/", bench.bench_entry_view, name="bench_entry"),
    path(
        "bench/<int:pk>/readiness/",
        bench.bench_set_readiness_view,
        name="bench_set_readiness",
    ),
    path("bench/<int:pk>/remove/", bench.bench_remove_view, name="bench_remove"),
    path("departures/", departures.departure_list_view, name="departures"),
    path("departures/new/", departures.departure_record_view, name="departure_record"),
    path("departures/<int:pk>/", departures.departure_detail, name="departure_detail"),
    path(
        "departures/<int:pk>/interview/",
        departures.exit_interview_record_view,
        name="exit_interview_record",
    ),
    path(
        "departures/<int:pk>/return/", departures.secondment_return_view, name="secondment_return"
    ),
    path(
        "departures/<int:pk>/resignation-report.docx",
        documents.resignation_report_view,
        name="resignation_report",
    ),
    path(
        "declines/<int:pk>/statement.docx",
        documents.decline_statement_view,
        name="decline_statement",
    ),
    path(
        "candidates/<int:pk>/appointment-form.docx",
        documents.appointment_form_view,
        name="appointment_form",
    ),
    path(
        "candidates/<int:pk>/appointment-form.lrmx",
        documents.candidate_lrmx_view,
        name="candidate_lrmx",
    ),
    path(
        "processes/<int:pk>/appointment-forms.zip",
        documents.process_candidates_lrmx_view,
        name="process_candidates_lrmx",
    ),
    path("templates/", documents.template_list, name="templates"),
    path("templates/<str:kind>.docx", documents.template_download, name="template_download"),
    path("cadres/<int:pk>/", cadres.cadre_record, name="cadre_record"),
    path(
        "cadres/<int:pk>/resignation-report/",
        documents.resignation_application_view,
        name="resignation_application",
    ),
]
