"""Dataio: spreadsheet import and export of the registry, and import jobs."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DataioConfig(AppConfig):
    name = "zhongjian.dataio"
    label = "dataio"
    verbose_name = "数据导入导出"

    def ready(self) -> None:
        # Each app lists its exportable pages in `<app>/exports.py` (see dataio.exports).
        autodiscover_modules("exports")
