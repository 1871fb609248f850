"""Pipeline (提拔·流动): vacancies, selections, declines, bench, departures and documents."""

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhongjian.pipeline"
    label = "pipeline"
    verbose_name = "提拔·流动"

    def ready(self) -> None:
        from zhongjian.org.signals import staffing_changed
        from zhongjian.pipeline.services.vacancies import vacancies_follow_staffing

        # Vacancy episodes follow every change of holders or headcount, whoever writes it
        # (registry services, the API, spreadsheet imports).
        staffing_changed.connect(vacancies_follow_staffing, dispatch_uid="pipeline-vacancies")
