"""Demo: the synthetic demo county (示例县) and a synthetic province for benchmarks."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhongjian.demo"
    label = "demo"
    verbose_name = "示例数据"
