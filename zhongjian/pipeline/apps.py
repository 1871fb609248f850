"""Pipeline (提拔·流动): vacancies, selections, declines, bench, departures and documents."""

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "zhongjian.pipeline"
    label = "pipeline"
    verbose_name = "提拔·流动"
