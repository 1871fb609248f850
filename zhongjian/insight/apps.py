"""Insight (研判): indicators and dashboards over the registry and the pipeline."""

from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "zhongjian.insight"
    label = "insight"
    verbose_name = "研判"
