"""Re-shuffling the anonymous tables, so that their physical order and transaction ids carry
nothing (docs/privacy.md).

A response is inserted in the same transaction that spends its code (a SpentToken row, under
a keyed hash that does not name the slip without the deployment key; the slip's own row is
not written), so until the next re-shuffle its PostgreSQL ``xmin`` equals the spend's, and
its SQLite ``rowid`` and its ``ctid`` follow the order of submission (which a web server's
access log also has). The re-shuffle reads every response, result and spent code of the given
waves, deletes them and inserts them again in a random order, all in one transaction: then
every row carries the same transaction id and a position drawn at random. SQLite's
``secure_delete`` zeroes the deleted copies, and a WAL checkpoint empties the log; on
PostgreSQL ``VACUUM FULL`` writes the tables anew without the dead copies (the task runs it).

It runs every few minutes (a Huey periodic task) and when a wave closes.
"""

import random
from collections.abc import Iterable

from django.db import connection, transaction

from zhongjian.voice.choices import WaveStatus
from zhongjian.voice.models import InstrumentResult, Response, SpentToken, Wave, WaveToken

SHUFFLE_TABLES = (Response, InstrumentResult, SpentToken)
# Rewritten by VACUUM FULL after a shuffle: the shuffled tables, and the slips, whose codes'
# ciphers are blanked at closing (the old copies would stay in dead rows).
TIDY_TABLES = (*SHUFFLE_TABLES, WaveToken)


def _shuffled(rows: list) -> list:
    random.SystemRandom().shuffle(rows)
    return rows


@transaction.atomic
def anonymous_tables_shuffle(*, wave_ids: Iterable[int] | None = None) -> int:
    """Rewrites the anonymous rows of the given waves (default: every open wave) in a random
    order in one transaction; returns the number of responses rewritten."""
    waves = (
        list(wave_ids)
        if wave_ids is not None
        else list(Wave.objects.filter(status=WaveStatus.OPEN).values_list("pk", flat=True))
    )
    if not waves:
        return 0
    responses = list(Response.objects.filter(wave_id__in=waves))
    results = list(InstrumentResult.objects.filter(response__wave_id__in=waves))
    spent = list(SpentToken.objects.filter(wave_id__in=waves))
    InstrumentResult.objects.filter(pk__in=[row.pk for row in results]).delete()
    Response.objects.filter(pk__in=[row.pk for row in responses])._raw_delete(connection.alias)
    SpentToken.objects.filter(pk__in=[row.pk for row in spent])._raw_delete(connection.alias)
    Response.objects.bulk_create(_shuffled(responses), batch_size=1000)
    InstrumentResult.objects.bulk_create(_shuffled(results), batch_size=2000)
    SpentToken.objects.bulk_create(_shuffled(spent), batch_size=2000)
    return len(responses)


def storage_tidy() -> None:
    """After a shuffle has committed: drop the old copies from the database's files."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            for model in TIDY_TABLES:
                cursor.execute(f'VACUUM FULL "{model._meta.db_table}"')
