"""Voice: anonymous pulse surveys (测评) and the anonymous 心声 board."""

from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "zhongjian.voice"
    label = "voice"
    verbose_name = "思想动态·心声"
