"""The home page's overview is cached under the county's data stamp: every table it reads is
watched by the stamp triggers (or read only for closed waves, whose answers do not change), a
change shows on the next load whoever writes it, and no scope sees another scope's figures.

The triggers run when a transaction commits on PostgreSQL, so the tests that write and load
again commit between the two (transactional tests), as requests do.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import client_for
from tests.insight.test_wellbeing import _answer
from tests.voice.conftest import SurveyCounty
from zhongjian.insight.models import Threshold
from zhongjian.org.choices import Tier
from zhongjian.org.models import Cadre
from zhongjian.pipeline.models import Departure

# Read by the overview and not watched: the signed-in user; the county's own row (its name);
# a closed wave's answers and groups, which no longer change once it is closed (its own row is
# watched, so closing it changes the stamp); the stamp itself.
UNWATCHED = {
    "accounts_user",
    "org_county",
    "voice_response",
    "voice_instrumentresult",
    "voice_wavegroup",
    "workload_datastamp",
}
_TABLE = re.compile(r'(?:FROM|JOIN)\s+"([a-z_0-9]+)"')


def watched_tables() -> set[str]:
    """The tables with the stamp's insert trigger, as the database itself lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger"
                " WHERE tgname = 'workload_stamp_write'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'workload_stamp_%_insert'"
            )
        return {row[0] for row in cursor.fetchall()}


def _headcount(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("overview"))
    assert response.status_code == 200
    return response.text.split('data-testid="headcount">', 1)[1].split("<", 1)[0]


def test_every_table_the_overview_reads_is_watched(hand, survey_county: SurveyCounty) -> None:  # type: ignore[no-untyped-def]
    """Computed afresh (empty cache) for a county with posts, selections, declines, departures,
    bench entries, a closed survey wave and thresholds, the overview reads no table that the
    stamp triggers do not watch, apart from those listed above."""
    _answer(survey_county, a_top=8, a_bottom=4, b_top=6)
    Threshold.objects.create(county=hand.personas.county, code="org.young_35", value=1)
    client = client_for(hand.personas.org)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("overview")).status_code == 200
    read = {table for query in captured.captured_queries for table in _TABLE.findall(query["sql"])}
    assert {"org_cadre", "pipeline_candidate", "voice_wave", "insight_threshold"} <= read
    assert read - UNWATCHED - watched_tables() == set()


def test_an_unchanged_overview_is_read_from_the_cache(hand) -> None:  # type: ignore[no-untyped-def]
    """The second load of an unchanged county reads the stamp, not the figures."""
    client = client_for(hand.personas.org)
    client.get(reverse("overview"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("overview")).status_code == 200
    read = {table for query in captured.captured_queries for table in _TABLE.findall(query["sql"])}
    assert "org_cadre" not in read and "pipeline_candidate" not in read
    assert "workload_datastamp" in read


@pytest.mark.django_db(transaction=True)
def test_a_change_shows_on_the_next_load(personas) -> None:  # type: ignore[no-untyped-def]
    """A new cadre, a retirement by raw update and a departure each show on the next load."""
    client = client_for(personas.org)
    assert _headcount(client) == "2"
    factories.cadre(unit=personas.unit_a, birth_date=datetime.date(1990, 1, 1))
    assert _headcount(client) == "3"
    Cadre.objects.filter(pk=personas.cadre_b.pk).update(status="retired")
    assert _headcount(client) == "2"
    before = client.get(reverse("overview")).text
    Departure.objects.create(
        county=personas.county,
        cadre=personas.cadre_a,
        unit=personas.unit_a,
        kind="upward_selection",
        departed_on=timezone.localdate() - datetime.timedelta(days=3),
        tier=Tier.GUJI,
    )
    assert client.get(reverse("overview")).text != before


@pytest.mark.django_db(transaction=True)
def test_cached_figures_stay_in_their_scope(personas) -> None:  # type: ignore[no-untyped-def]
    """The county's figures, cached first, are not what a unit head gets, nor another
    county's department; each sees their own count."""
    post = factories.post(unit=personas.unit_b, tier=Tier.GENERAL)
    factories.appoint(
        cadre=factories.cadre(unit=personas.unit_b), post=post, start=datetime.date(2024, 1, 1)
    )
    assert _headcount(client_for(personas.org)) == "3"
    assert _headcount(client_for(personas.head_a)) == "1"
    assert _headcount(client_for(personas.head_b)) == "2"
    assert _headcount(client_for(personas.outsider_org)) == "0"
