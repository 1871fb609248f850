"""Voice: anonymous pulse surveys (测评) and the anonymous 心声 board."""

import logging

from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "zhongjian.voice"
    label = "voice"
    verbose_name = "思想动态·心声"

    def ready(self) -> None:
        import jieba

        # jieba sets its logger to DEBUG on import, which prints dictionary-loading chatter twice
        # on every start; only its warnings are of interest.
        jieba.setLogLevel(logging.WARNING)
