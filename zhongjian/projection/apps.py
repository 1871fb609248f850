"""Projection (队伍预测): Markov pipeline projection, levers, scenarios and the optimiser."""

from django.apps import AppConfig


class ProjectionConfig(AppConfig):
    name = "zhongjian.projection"
    label = "projection"
    verbose_name = "队伍预测"
