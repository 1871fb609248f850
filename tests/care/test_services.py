"""Consent before a case, withdrawal, referrals, working-day targets, follow-ups, screening,
reassignment, deletion, purge, reminders and key rotation."""

import datetime

import pytest
from django.core.management import call_command
from django.http import Http404
from django.test import override_settings

from tests.care.conftest import NOTE_TEXT, REQUEST_TEXT, at, open_case
from tests.conftest import Personas
from zhongjian.accounts.models import User
from zhongjian.care import services
from zhongjian.care.choices import (
    CaseStatus,
    CloseReason,
    ConsentPurpose,
    ContactWay,
    FollowUpStatus,
    Instrument,
    ReferralStatus,
)
from zhongjian.care.crypto import unseal
from zhongjian.care.models import Case, Consent, FollowUp, Note, Referral, Reminder, Screening
from zhongjian.care.selectors import (
    case_content,
    counselor_case_get,
    is_first_contact_overdue,
    referrals_suggested,
    workload_of,
)
from zhongjian.core.errors import Conflict, PermissionDenied, ValidationError
from zhongjian.core.models import AuditLog

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


def test_no_case_without_consent(personas: Personas) -> None:
    """A request without the separate consent is refused and leaves nothing behind."""
    with pytest.raises(ValidationError, match="同意"):
        services.request_create(
            user=personas.cadre,
            topic="work_pressure",
            contact_way="phone",
            contact_time="any",
            consent=False,
        )
    assert not Case.objects.exists()
    assert not Consent.objects.exists()


def test_request_records_consent_text_version_and_time(personas: Personas) -> None:
    """The consent row holds the exact text, its version and the time it was given."""
    case = open_case(personas, day=datetime.date(2026, 11, 2))
    consent = case.consents.get()
    assert consent.purpose == ConsentPurpose.COUNSELING
    assert consent.version == "2026-1"
    assert "不会进入干部档案" in consent.text
    assert consent.given_at == at(datetime.date(2026, 11, 2))
    assert consent.withdrawn_at is None
    assert case.reference == "2026-0001"
    assert case.status == CaseStatus.NEW


def test_withdrawal_closes_the_case(case: Case, personas: Personas) -> None:
    """Withdrawing consent closes the case, cancels planned follow-ups and stops notes."""
    services.consent_withdraw(user=personas.cadre, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.close_reason == CloseReason.WITHDRAWN
    assert case.consents.filter(withdrawn_at__isnull=True).count() == 0
    assert not case.follow_ups.filter(status=FollowUpStatus.PLANNED).exists()
    with pytest.raises(Conflict):
        services.contact_record(
            counselor=personas.counselor,
            case=case,
            contact_on=TODAY,
            contact_way=ContactWay.PHONE,
            note="x",
        )


def test_only_the_cadre_withdraws(case: Case, personas: Personas) -> None:
    """Nobody but the cadre can withdraw their consent."""
    for user in (personas.counselor, personas.org, personas.head_a):
        with pytest.raises(PermissionDenied):
            services.consent_withdraw(user=user, case=case)


def test_referral_becomes_a_case_only_with_consent(personas: Personas) -> None:
    """A unit head's suggestion opens no case; the cadre's acceptance with consent does, and the
    head learns only that it was accepted."""
    referral = services.referral_suggest(user=personas.head_a, cadre=personas.cadre_a)
    assert not Case.objects.exists()
    assert referrals_suggested(personas.head_a)[0].accepted is False
    with pytest.raises(ValidationError):
        services.referral_decide(user=personas.cadre, referral=referral, accept=True)
    assert not Case.objects.exists()
    services.referral_decide(
        user=personas.cadre, referral=referral, accept=True, consent=True, topic="family"
    )
    case = Case.objects.get()
    assert case.source == "referral"
    assert case.consents.count() == 1
    (row,) = referrals_suggested(personas.head_a)
    assert row.accepted is True
    assert not hasattr(row, "status") and not hasattr(row, "case")


def test_declined_and_pending_look_the_same_to_the_referrer(personas: Personas) -> None:
    """The referrer sees 'not accepted' for a declined suggestion as for a pending one."""
    first = services.referral_suggest(user=personas.org, cadre=personas.cadre_a)
    services.referral_suggest(user=personas.org, cadre=personas.cadre_b)
    services.referral_decide(user=personas.cadre, referral=first, accept=False)
    assert Referral.objects.get(pk=first.pk).status == ReferralStatus.DECLINED
    assert [row.accepted for row in referrals_suggested(personas.org)] == [False, False]


def test_unit_head_refers_only_own_unit(personas: Personas) -> None:
    """A unit head cannot suggest counseling to a cadre of another unit."""
    with pytest.raises(PermissionDenied):
        services.referral_suggest(user=personas.head_b, cadre=personas.cadre_a)
    with pytest.raises(PermissionDenied):
        services.referral_suggest(user=personas.counselor, cadre=personas.cadre_a)


def test_first_contact_target_counts_working_days_across_national_day(
    personas: Personas,
) -> None:
    """Asked on Monday 2024-09-30, three working days run past the 国庆 holiday (1–7 October)
    to Thursday 10 October; the first contact is overdue only from 11 October."""
    case = open_case(personas, day=datetime.date(2024, 9, 30))
    assert case.first_contact_due == datetime.date(2024, 10, 10)
    assert not is_first_contact_overdue(case, today=datetime.date(2024, 10, 10))
    assert is_first_contact_overdue(case, today=datetime.date(2024, 10, 11))
    load = workload_of(personas.counselor, today=datetime.date(2024, 10, 11))
    assert load.overdue_first_contacts == 1


def test_overdue_follow_up_and_settling_it(case: Case, personas: Personas) -> None:
    """A planned follow-up is overdue after its due day, and the next contact settles it."""
    assert (
        workload_of(personas.counselor, today=datetime.date(2026, 11, 17)).overdue_follow_ups == 0
    )
    assert (
        workload_of(personas.counselor, today=datetime.date(2026, 11, 18)).overdue_follow_ups == 1
    )
    services.contact_record(
        counselor=personas.counselor,
        case=case,
        contact_on=datetime.date(2026, 11, 19),
        contact_way=ContactWay.IN_PERSON,
        note="第二次谈话",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ONGOING
    assert workload_of(personas.counselor, today=TODAY).overdue_follow_ups == 0
    assert FollowUp.objects.get().status == FollowUpStatus.DONE


def test_contact_checks_dates_and_text(case: Case, personas: Personas) -> None:
    """An empty note, a contact before the request, or a next date not after it are refused."""
    kwargs = {"counselor": personas.counselor, "case": case, "contact_way": ContactWay.PHONE}
    with pytest.raises(ValidationError):
        services.contact_record(**kwargs, contact_on=TODAY, note="  ")
    with pytest.raises(ValidationError):
        services.contact_record(**kwargs, contact_on=datetime.date(2026, 10, 1), note="x")
    with pytest.raises(ValidationError):
        services.contact_record(**kwargs, contact_on=TODAY, note="x", next_due=TODAY)
    with pytest.raises(ValidationError):
        services.contact_record(**kwargs, contact_on=TODAY, note="x\x00")


def test_urgent_phq9_marks_case_and_schedules_same_day(case: Case, personas: Personas) -> None:
    """PHQ-9 item 9 above 0 marks the case urgent and puts a follow-up due the same day."""
    _screening, result = services.screening_record(
        counselor=personas.counselor,
        case=case,
        instrument=Instrument.PHQ9,
        answers=[1, 1, 0, 0, 0, 0, 0, 0, 1],
        consent=True,
        on=TODAY,
    )
    assert result.urgent and result.total == 3
    case.refresh_from_db()
    assert case.urgent
    assert case.follow_ups.filter(due_on=TODAY, urgent=True, status="planned").exists()
    assert case.consents.filter(purpose=ConsentPurpose.SCREENING).count() == 1
    assert workload_of(personas.counselor, today=TODAY).urgent_cases == 1


def test_screening_needs_its_own_consent(case: Case, personas: Personas) -> None:
    """Screening without the cadre's consent to screening is refused."""
    with pytest.raises(ValidationError, match="同意"):
        services.screening_record(
            counselor=personas.counselor,
            case=case,
            instrument=Instrument.GAD7,
            answers=[0] * 7,
            consent=False,
            on=TODAY,
        )
    assert not Screening.objects.exists()


def test_reassignment_moves_the_notes_with_the_case(
    case: Case, personas: Personas, counselor_b: User
) -> None:
    """After reassignment only the new counselor can open the case and read its notes."""
    services.case_reassign(user=personas.org, case=case, counselor_id=counselor_b.pk)
    with pytest.raises(Http404):
        counselor_case_get(personas.counselor, case.pk, today=TODAY)
    moved = counselor_case_get(counselor_b, case.pk, today=TODAY)
    assert case_content(counselor_b, moved).notes[0].body == NOTE_TEXT
    with pytest.raises(PermissionDenied):
        services.case_reassign(user=personas.counselor, case=case, counselor_id=counselor_b.pk)
    with pytest.raises(ValidationError):
        services.case_reassign(user=personas.org, case=case, counselor_id=personas.cadre.pk)


def test_new_cases_go_to_the_least_busy_counselor(personas: Personas, counselor_b: User) -> None:
    """Self-requests are spread over the county's counselors by their open cases."""
    first = open_case(personas, day=datetime.date(2026, 11, 2))
    second = open_case(personas, day=datetime.date(2026, 11, 3))
    assert {first.counselor_id, second.counselor_id} == {personas.counselor.pk, counselor_b.pk}


def test_deletion_on_request_confirmed_by_counselor(case: Case, personas: Personas) -> None:
    """A closed case is deleted, with its notes and consents, when the cadre asks and the
    counselor confirms; an open case cannot be asked for, nor deleted without asking."""
    with pytest.raises(Conflict):
        services.deletion_request(user=personas.cadre, case=case)
    services.case_close(
        counselor=personas.counselor, case=case, reason=CloseReason.RESOLVED, on=TODAY
    )
    with pytest.raises(Conflict):
        services.case_delete(counselor=personas.counselor, case=case)
    services.deletion_request(user=personas.cadre, case=case)
    services.case_delete(counselor=personas.counselor, case=Case.objects.get(pk=case.pk))
    assert not Case.objects.exists()
    assert not Note.objects.exists()
    assert not Consent.objects.exists()
    assert AuditLog.objects.filter(object_type="care.case", action="delete").count() == 1


def test_purge_after_retention(case: Case, personas: Personas) -> None:
    """Closed cases go once the retention period has passed; open ones stay whatever their age."""
    services.case_close(
        counselor=personas.counselor,
        case=case,
        reason=CloseReason.RESOLVED,
        on=datetime.date(2026, 11, 10),
    )
    still_open = open_case(personas, day=datetime.date(2020, 1, 6))
    # 1,095 days after 2026-11-10 is 2029-11-09 (2028 is a leap year).
    assert services.cases_purge(today=datetime.date(2029, 11, 8)) == 0
    assert services.cases_purge(today=datetime.date(2029, 11, 9)) == 0
    assert services.cases_purge(today=datetime.date(2029, 11, 10), retention_days=1095) == 1
    assert list(Case.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert not Note.objects.exists()


def test_purge_command_uses_configured_period(case: Case, personas: Personas) -> None:
    """`zhongjian care_purge` deletes by CARE_RETENTION_DAYS unless --days is given."""
    services.case_close(
        counselor=personas.counselor, case=case, reason=CloseReason.RESOLVED, on=TODAY
    )
    with override_settings(CARE_RETENTION_DAYS=30):
        call_command("care_purge", today=datetime.date(2026, 12, 19))
        assert Case.objects.exists()
        call_command("care_purge", today=datetime.date(2026, 12, 21))
    assert not Case.objects.exists()


def test_daily_reminder(case: Case, personas: Personas) -> None:
    """The reminder job writes one row per counselor and day with what is overdue."""
    from zhongjian.care.tasks import care_reminders_task

    assert services.reminders_issue(today=datetime.date(2026, 11, 16)) == 0
    assert services.reminders_issue(today=datetime.date(2026, 11, 18)) == 1
    assert services.reminders_issue(today=datetime.date(2026, 11, 18)) == 1
    reminder = Reminder.objects.get()
    assert (reminder.overdue_follow_ups, reminder.county_id) == (1, personas.county.pk)
    assert care_reminders_task.call_local() in (0, 1)


def test_key_rotation_reencrypts_every_text(case: Case, personas: Personas, settings) -> None:
    """After rotation every token opens under the new key alone, and nothing is lost."""
    services.screening_record(
        counselor=personas.counselor,
        case=case,
        instrument=Instrument.GAD7,
        answers=[1] * 7,
        consent=True,
        on=TODAY,
    )
    old = settings.CARE_KEY
    before = Note.objects.get().body_cipher
    settings.CARE_KEY = "a-new-care-key-for-the-test"
    settings.CARE_PREVIOUS_KEYS = [old]
    assert services.care_key_rotate() == 3
    settings.CARE_PREVIOUS_KEYS = []
    note = Note.objects.get()
    assert note.body_cipher != before
    assert unseal(note.body_cipher) == NOTE_TEXT
    assert unseal(Case.objects.get().request_cipher) == REQUEST_TEXT
    content = case_content(personas.counselor, Case.objects.get())
    assert content.screenings[0].total == 7
    settings.CARE_KEY = old
    with pytest.raises(ValidationError, match="密钥"):
        unseal(note.body_cipher)


def test_rotate_command_generates_key(case: Case, settings, tmp_path, monkeypatch) -> None:
    """`care_rotate_key --generate` writes a new key file and re-encrypts under it."""
    monkeypatch.delenv("CARE_KEY", raising=False)
    monkeypatch.delenv("CARE_KEY_FILE", raising=False)
    settings.VAR_DIR = tmp_path
    (tmp_path / "care_key").write_text(settings.CARE_KEY)
    call_command("care_rotate_key", generate=True)
    new_key = (tmp_path / "care_key").read_text()
    assert new_key != settings.CARE_KEY
    assert not (tmp_path / "care_key.new").exists()
    settings.CARE_KEY = new_key
    assert unseal(Note.objects.get().body_cipher) == NOTE_TEXT


def test_purge_command_refuses_nonsense_days(db: None) -> None:
    """--days 0 is refused with a Chinese message instead of deleting every closed case."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少"):
        call_command("care_purge", days=0)


def test_case_without_counselor_is_assigned_by_org(personas: Personas) -> None:
    """With no active counselor a new case waits unassigned until the 组织部 assigns it."""
    personas.counselor.is_active = False
    personas.counselor.save()
    case = open_case(personas, day=datetime.date(2026, 11, 2))
    assert case.counselor_id is None
    personas.counselor.is_active = True
    personas.counselor.save()
    services.case_reassign(user=personas.org, case=case, counselor_id=personas.counselor.pk)
    assert counselor_case_get(personas.counselor, case.pk, today=TODAY).pk == case.pk
