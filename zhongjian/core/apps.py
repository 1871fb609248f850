"""Core: audit log, errors, permissions and scoping shared by every app."""

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "zhongjian.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from zhongjian.core import (
            choice_labels,
            distribution,
            signals,  # noqa: F401  (connects login auditing)
        )

        choice_labels.install()
        if settings.CITUS_COLOCATED_JOINS:
            distribution.colocated_joins(on=True)
