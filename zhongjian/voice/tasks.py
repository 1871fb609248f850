"""Background tasks of the voice app (Huey): the re-shuffle of the anonymous tables."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhongjian.voice.anonymity import anonymous_tables_shuffle, storage_tidy


@db_periodic_task(crontab(minute=f"*/{settings.VOICE_SHUFFLE_MINUTES}"))
def anonymous_tables_shuffle_task() -> None:
    anonymous_tables_shuffle()
    storage_tidy()
