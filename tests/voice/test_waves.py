"""Waves and instruments: settings, the lock on opening, tokens, closing, custom instruments."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.voice.conftest import all_codes, all_slips, close, open_wave
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.voice.models import CustomInstrument, SpentToken, Wave, WaveGroup, WaveToken
from zhongjian.voice.services.instruments import custom_instrument_create, spec_from_items
from zhongjian.voice.services.waves import wave_create, wave_set_deadline, wave_update

pytestmark = pytest.mark.django_db


def settings_for(county, **changes):
    today = timezone.localdate()
    return {
        "title": "测评",
        "intro": "",
        "unit_ids": county.units,
        "mid_level_only": False,
        "instrument_refs": ["who5:1"],
        "k": 5,
        "free_text_prompt": "",
        "free_text_k": 10,
        "closes_on": today + datetime.timedelta(days=7),
        **changes,
    }


def test_score_command_runs_from_the_installed_app() -> None:
    """`zhongjian score who5 5 4 3 2 1` prints the score as JSON (raw 15, 60 %)."""
    out = StringIO()
    call_command("score", "who5", "5", "4", "3", "2", "1", stdout=out)
    score = json.loads(out.getvalue())
    assert (score["raw"], score["score"], score["band"]) == (15, 60.0, "adequate")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"k": 2}, "匿名阈值 k 必须在"),
        ({"free_text_k": 4}, "开放题的匿名阈值不能小于 k"),
        ({"instrument_refs": []}, "请至少选择一个测评工具"),
        ({"instrument_refs": ["who5:1", "who5:1x"]}, "测评工具“who5:1x”无效"),
        ({"unit_ids": []}, "请至少选择一个单位"),
        ({"closes_on": datetime.date(2000, 1, 1)}, "截止日期不能早于今天"),
    ],
)
def test_bad_settings_are_refused(survey_county, changes, message) -> None:
    """k under 3, free-text k under k, no instrument, no unit or a past deadline are refused."""
    with pytest.raises(ValidationError) as error:
        wave_create(
            actor=survey_county.personas.org,
            today=timezone.localdate(),
            **settings_for(survey_county, **changes),
        )
    assert any(message in text for text in error.value.errors)


def test_another_countys_units_are_refused(survey_county) -> None:
    """The outsider's organization department cannot put this county's units in a wave."""
    with pytest.raises(ValidationError):
        wave_create(
            actor=survey_county.personas.outsider_org,
            today=timezone.localdate(),
            **settings_for(survey_county),
        )


def test_opening_locks_the_settings(survey_county) -> None:
    """Once open, k, population and instruments cannot change: not through the service, not by
    saving the model, not by a queryset update. The deadline may still move."""
    wave = open_wave(survey_county)
    with pytest.raises(Conflict):
        wave_update(
            actor=survey_county.personas.org,
            wave=wave,
            today=timezone.localdate(),
            **settings_for(survey_county, k=10),
        )
    wave.k = 3
    with pytest.raises(Conflict):
        wave.save()
    with pytest.raises(Conflict):
        Wave.objects.filter(pk=wave.pk).update(k=3)
    with pytest.raises(Conflict):
        Wave.objects.filter(pk=wave.pk).update(unit_ids=[survey_county.units[0]])
    assert Wave.objects.get(pk=wave.pk).k == 5
    wave.refresh_from_db()
    later = wave.closes_on + datetime.timedelta(days=3)
    wave_set_deadline(
        actor=survey_county.personas.org, wave=wave, closes_on=later, today=timezone.localdate()
    )
    assert Wave.objects.get(pk=wave.pk).closes_on == later


def test_opening_issues_one_token_per_invitee_in_groups_of_k(survey_county) -> None:
    """24 invitees, 24 unused tokens with unique codes, every group at least k."""
    wave = open_wave(survey_county)
    groups = WaveGroup.objects.filter(wave=wave)
    assert sum(group.invited for group in groups) == 24
    assert all(group.invited >= wave.k for group in groups)
    codes = all_codes(wave)
    assert len(set(codes)) == 24 == WaveToken.objects.filter(wave=wave).count()
    assert not SpentToken.objects.filter(wave=wave).exists()
    assert AuditLog.objects.filter(object_type="voice_wave", summary__contains="24 人受邀").exists()


def test_mid_level_only_invites_mid_level_cadres(survey_county) -> None:
    """With 仅中层, the 14 general staff are left out: 7 股级 and 2 副科 of unit A remain."""
    org = survey_county.personas.org
    wave = wave_create(
        actor=org, today=timezone.localdate(), **settings_for(survey_county, mid_level_only=True)
    )
    from zhongjian.voice.services.waves import wave_open

    assert wave_open(actor=org, wave=wave, today=timezone.localdate()) == 9


def test_closing_erases_the_codes_and_ends_the_deadline_changes(survey_county) -> None:
    """After closing no code can be read back and the deadline can no longer move."""
    wave = open_wave(survey_county)
    close(survey_county, wave)
    assert not WaveToken.objects.filter(wave=wave).exclude(cipher="").exists()
    with pytest.raises(Conflict):
        wave_set_deadline(
            actor=survey_county.personas.org,
            wave=wave,
            closes_on=timezone.localdate() + datetime.timedelta(days=30),
            today=timezone.localdate(),
        )


def test_wave_pages_for_the_organization_department(survey_county) -> None:
    """Create through the form (all units of the county), open, and print: slips carry QR codes
    and the group's names."""
    org = client_for(survey_county.personas.org)
    closes = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = org.post(
        reverse("voice:wave_create"),
        {
            "title": "年度测评",
            "all_units": "on",
            "instruments": ["who5:1", "cbi_work:1"],
            "k": 5,
            "free_text_k": 10,
            "closes_on": closes,
        },
    )
    assert response.status_code == 302, response.content.decode()
    wave = Wave.objects.get(title="年度测评")
    assert org.post(reverse("voice:wave_open", args=[wave.pk])).status_code == 302
    index = org.get(reverse("voice:wave_slips", args=[wave.pk])).content.decode()
    assert index.count("打印本单位纸条") == 2
    slips = all_slips(org, wave)
    assert slips.count("<svg") == 24 and "张伟" in slips
    assert slips.count("/voice/s/#") == 0  # the QR codes hold the address, not the page text
    reminder = org.get(reverse("voice:wave_reminder", args=[wave.pk])).content.decode()
    assert "已作答的同志请忽略" in reminder
    detail = org.get(reverse("voice:wave_detail", args=[wave.pk])).content.decode()
    assert "已作答人数不足 k" in detail


def test_custom_instruments_are_validated_and_versioned(survey_county) -> None:
    """A custom item set is validated, stored as version 1, then 2; a bundled code is refused;
    a broken specification lists its problems."""
    org = survey_county.personas.org
    today = timezone.localdate()
    spec = spec_from_items(
        code="duty_load",
        title="值班负担",
        instructions="请选择最符合的一项",
        items_text="值班安排合理\n（反）周末经常被临时叫回\n能按时休假",
        scale="agree5",
    )
    first = custom_instrument_create(actor=org, spec=spec, today=today)
    second = custom_instrument_create(actor=org, spec=spec, today=today)
    assert (first.version, second.version) == (1, 2)
    assert first.instrument.items[1].reverse and not first.instrument.validated
    with pytest.raises(Conflict):
        first.save()
    with pytest.raises(ValidationError):
        custom_instrument_create(actor=org, spec={**spec, "code": "who5"}, today=today)
    with pytest.raises(ValidationError) as error:
        custom_instrument_create(actor=org, spec={**spec, "items": []}, today=today)
    assert error.value.errors
    wave = open_wave(survey_county, instruments=("who5:1", "duty_load:2"))
    assert [i.code for i in wave.instruments()] == ["who5", "duty_load"]
    assert CustomInstrument.objects.count() == 2


def test_instrument_pages(survey_county) -> None:
    """The organization department lists, previews and adds instruments through the pages."""
    org = client_for(survey_county.personas.org)
    assert "WHO-5" in org.get(reverse("voice:instrument_list")).content.decode()
    assert (
        "我感到快乐"
        in org.get(reverse("voice:instrument_detail", args=["who5", 1])).content.decode()
    )
    assert org.get(reverse("voice:instrument_detail", args=["nothing", 1])).status_code == 404
    response = org.post(
        reverse("voice:instrument_create"),
        {
            "mode": "builder",
            "b-code": "canteen",
            "b-title": "食堂满意度",
            "b-instructions": "请评价",
            "b-items_text": "饭菜可口\n价格合理",
            "b-scale": "satisfaction5",
        },
    )
    assert response.status_code == 302
    broken = org.post(
        reverse("voice:instrument_create"), {"mode": "json", "j-spec": '{"code": "x"}'}
    )
    assert broken.status_code == 200 and "测评工具定义无效" in broken.content.decode()
