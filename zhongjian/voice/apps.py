"""Voice: anonymous pulse surveys (测评) and the anonymous 心声 board."""

import logging

from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "zhongjian.voice"
    label = "voice"
    verbose_name = "思想动态·心声"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from zhongjian.org.models import Cadre
        from zhongjian.voice.services.answering import forget_name_stamps

        # jieba is imported lazily where search or emotion runs (about 100 MB): only its
        # warnings are of interest once it loads.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        # A saved or deleted cadre changes the names to mask at once (bulk writes, which send
        # no signal, are seen within NAME_STAMP_SECONDS).
        post_save.connect(forget_name_stamps, sender=Cadre, dispatch_uid="voice-names-save")
        post_delete.connect(forget_name_stamps, sender=Cadre, dispatch_uid="voice-names-delete")
