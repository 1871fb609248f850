"""Workload (下挤上压): demands from above measured against the 2024 减负 rules."""

from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    name = "zhongjian.workload"
    label = "workload"
    verbose_name = "减负·上级任务"

    def ready(self) -> None:
        from zhongjian.dataio.importers import register_import_kind
        from zhongjian.workload.imports import DEMAND_SPEC, DemandImporter

        # The import machinery is shared; the workload app brings its own kind to it.
        register_import_kind(DEMAND_SPEC, DemandImporter)
