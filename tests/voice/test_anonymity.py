"""Anonymity by construction (docs/privacy.md): no join path from a response to a person.

The structural tests read the models and the database's own foreign keys: a response and its
results reference the wave and the unit only, carry no time finer than a day, and have random
keys. The behavioural test answers through the page and then plays the DBA with every table:
the most it learns about a response is a group of at least k invited cadres.
"""

import re
import uuid

import pytest
from django.db import connection, models
from django.test import Client

from tests.conftest import client_for
from tests.voice.conftest import all_slips, codes_by_group, form_data, open_wave, submit
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Cadre
from zhongjian.voice.models import (
    BoardComment,
    BoardPost,
    InstrumentResult,
    Response,
    SpentToken,
    WaveGroup,
    WaveToken,
)
from zhongjian.voice.services.answering import spent_digest
from zhongjian.voice.services.waves import format_token

pytestmark = pytest.mark.django_db
RESPONSE_MODELS = (Response, InstrumentResult)
PERSON_WORDS = ("cadre", "user", "token", "author", "ip", "session", "person", "name")


def test_response_models_reference_only_county_wave_unit_and_response() -> None:
    """No field of a response or result points at a cadre, a user, a token or a group; the
    county key (for distributing by county) is the wave's, so it says nothing more."""
    for model in RESPONSE_MODELS:
        targets = {
            field.related_model._meta.label
            for field in model._meta.get_fields()
            if field.is_relation and field.concrete
        }
        assert targets <= {"org.County", "voice.Wave", "org.Unit", "voice.Response"}, model
        names = {field.name for field in model._meta.get_fields()}
        assert not any(word in name for name in names for word in PERSON_WORDS), names


def test_response_models_store_no_time_and_no_sequential_key() -> None:
    """Only a date, never a time; primary keys are random UUIDs, not autoincrement."""
    for model in (*RESPONSE_MODELS, WaveToken):
        fields = model._meta.concrete_fields
        assert not any(
            isinstance(field, models.DateTimeField | models.TimeField) for field in fields
        )
        assert isinstance(model._meta.pk, models.UUIDField) and model._meta.pk.default is uuid.uuid4
        assert not any(isinstance(field, models.AutoField) for field in fields)


def test_tokens_belong_to_groups_never_to_people() -> None:
    """A token references its county, its wave and its group; it has no cadre, user or time."""
    targets = {
        field.related_model._meta.label
        for field in WaveToken._meta.get_fields()
        if field.is_relation and field.concrete
    }
    assert targets == {"org.County", "voice.Wave", "voice.WaveGroup"}


def test_the_database_has_no_foreign_key_from_responses_to_people() -> None:
    """The database's own constraints agree: the response tables reference county, wave, unit and
    response only."""
    allowed = {
        Response._meta.db_table: {"org_county", "voice_wave", "org_unit"},
        InstrumentResult._meta.db_table: {"org_county", "voice_response"},
    }
    with connection.cursor() as cursor:
        for table, tables in allowed.items():
            constraints = connection.introspection.get_constraints(cursor, table)
            referenced = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
            assert referenced <= tables, (table, referenced)


def test_board_posts_and_comments_keep_no_author() -> None:
    """Anonymous board text has no user, no address and no session field."""
    for model in (BoardPost, BoardComment):
        targets = {
            field.related_model._meta.label
            for field in model._meta.get_fields()
            if field.is_relation and field.concrete
        }
        assert "accounts.User" not in targets
        assert not any(
            isinstance(field, models.GenericIPAddressField) for field in model._meta.fields
        )
        names = {field.name for field in model._meta.concrete_fields}
        assert not names & {"author", "user", "ip", "session", "cadre"}


def test_a_dba_with_every_table_narrows_a_response_to_no_fewer_than_k(survey_county) -> None:
    """Cadres answer through the page; then each response's stored attributes match at least k
    invited cadres, its row holds no token key, digest or cadre id, and no audit row was
    written."""
    wave = open_wave(survey_county)
    audit_before = AuditLog.objects.count()
    groups = codes_by_group(wave)
    for level, codes in zip((0.1, 0.9, 0.5), groups.values(), strict=False):
        submit(Client(), codes[0], form_data(wave, level))
    assert Response.objects.count() == min(3, len(groups))
    token_values = {str(pk) for pk in WaveToken.objects.values_list("pk", flat=True)}
    token_values |= set(WaveToken.objects.values_list("digest", flat=True))
    cadre_ids = set(Cadre.objects.values_list("pk", flat=True))
    group_rows = list(WaveGroup.objects.filter(wave=wave))
    for response in Response.objects.all():
        row = {f.attname: getattr(response, f.attname) for f in Response._meta.concrete_fields}
        assert not {str(value) for value in row.values()} & token_values
        assert response.pk not in cadre_ids
        candidates = {
            cadre
            for group in group_rows
            if (group.unit_id, group.unit_kind, group.tier, group.age_band, group.gender)
            == (
                response.unit_id,
                response.unit_kind,
                response.tier,
                response.age_band,
                response.gender,
            )
            for cadre in group.members
        }
        assert len(candidates) >= wave.k
    assert AuditLog.objects.count() == audit_before


def shown_codes(html: str) -> list[str]:
    return re.findall(r'<div class="code">([0-9A-Z-]+)</div>', html)


def test_slips_list_every_code_whether_used_or_not(survey_county) -> None:
    """The slips page shows the same codes before and after an answer: it never tells the
    organization department which codes were used."""
    wave = open_wave(survey_county)
    code = next(iter(codes_by_group(wave).values()))[0]
    org = client_for(survey_county.personas.org)
    before = shown_codes(all_slips(org, wave))
    submit(Client(), code, form_data(wave, 0.5))
    assert SpentToken.objects.filter(digest=spent_digest(code)).exists()
    after = shown_codes(all_slips(org, wave))
    assert len(before) == WaveToken.objects.filter(wave=wave).count()
    assert before == after and format_token(code) in after
