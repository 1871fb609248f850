"""Care (心理疏导): confidential counseling walled off from the registry's view of individuals."""

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "zhongjian.care"
    label = "care"
    verbose_name = "心理疏导"
