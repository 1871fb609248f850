"""A cadre's 干部任免审批表 record built from the registry, for .lrmx/.lrm files and the .docx form.

One builder serves every output, so the file sent up the line and the printed form always agree.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from zhongjian.core.audit import audit_record
from zhongjian.core.crypto import decrypt_text
from zhongjian.core.models import AuditAction
from zhongjian.dataio import lrmx
from zhongjian.org.choices import Gender, PartyStatus, Tier
from zhongjian.org.models import Appointment, Cadre, CadreProfile, Post
from zhongjian.org.services import cadre_profile_sensitive

LRMX_MIME = "application/xml"
ZIP_MIME = "application/zip"


@dataclass(frozen=True)
class FormFile:
    filename: str
    content: bytes
    content_type: str


def post_label(post: Post) -> str:
    """A post as the form names it: 青石镇党政办主任, the unit's name once."""
    unit = post.unit.name
    return post.title if post.title.startswith(unit) else f"{unit}{post.title}"


def _month(day: datetime.date | None) -> lrmx.PartialDate | None:
    return lrmx.PartialDate(day.year, day.month) if day else None


def posts_held(appointments: Sequence[Appointment], on: datetime.date) -> list[Post]:
    """The posts held on ON, oldest appointment first."""
    return [
        a.post
        for a in sorted(appointments, key=lambda a: (a.start_date, a.pk))
        if a.start_date <= on and (a.end_date is None or a.end_date >= on)
    ]


def resume_lines(
    *,
    cadre: Cadre,
    profile: CadreProfile | None,
    appointments: Sequence[Appointment],
) -> tuple[lrmx.ResumeLine, ...]:
    """The 简历: the imported one where there is one, followed by every appointment that began
    after its last line; otherwise the whole appointment history from the work start."""
    lines = list(lrmx.parse_resume(profile.resume_text)) if profile and profile.resume_text else []
    dated = [line.start for line in lines if line.start is not None]
    last = max(dated) if dated else None
    later = sorted(
        (a for a in appointments if last is None or _month(a.start_date) > last),  # type: ignore[operator]
        key=lambda a: (a.start_date, a.pk),
    )
    if not lines and cadre.work_start_date:
        first = _month(later[0].start_date) if later else None
        work_start = _month(cadre.work_start_date)
        if first is None or (work_start is not None and first > work_start):
            lines.append(
                lrmx.ResumeLine(start=work_start, end=first, text=_("参加工作（单位和职务待补充）"))
            )
    for appointment in later:
        start = _month(appointment.start_date)
        if lines and lines[-1].end is None and lines[-1].start is not None:
            lines[-1] = replace(lines[-1], end=start)
        lines.append(
            lrmx.ResumeLine(
                start=start, end=_month(appointment.end_date), text=post_label(appointment.post)
            )
        )
    return tuple(lines)


def form_record(
    *,
    actor: Any,
    cadre: Cadre,
    today: datetime.date,
    proposed: str = "",
    removed: Iterable[Post] | None = None,
    reason: str = "",
    reporting_unit: str = "",
    as_of: datetime.date | None = None,
) -> lrmx.FormRecord:
    """The form of CADRE on TODAY. PROPOSED, REMOVED and REASON come from a selection; without
    REMOVED, the mid-level and leadership posts held are proposed for removal only when a post is
    proposed. Sensitive details are included (and their read audited) only where stored."""
    appointments = list(
        Appointment.objects.filter(cadre=cadre).select_related("post__unit").order_by("start_date")
    )
    profile = CadreProfile.objects.filter(cadre=cadre).first()
    held = posts_held(appointments, as_of or today)
    if removed is None:
        removed = [post for post in held if post.tier != Tier.GENERAL] if proposed else []
    sensitive = (
        cadre_profile_sensitive(actor=actor, profile=profile)
        if profile is not None and profile.sensitive_cipher
        else {"health": "", "family": []}
    )
    full = (profile.full_time_education if profile else []) or [cadre.get_education_display()]
    service = profile.in_service_education if profile else []
    id_number = _id_number(cadre)
    party_text = profile.party_join_text if profile else ""
    if not party_text and cadre.party_status == PartyStatus.DEMOCRATIC:
        party_text = cadre.get_party_status_display()
    reviews = tuple(
        lrmx.AnnualReview(review.year, review.get_rating_display())
        for review in cadre.annual_reviews.order_by("year")
    )
    return lrmx.FormRecord(
        name=cadre.name,
        gender="男" if cadre.gender == Gender.MALE else "女",
        birth=_month(cadre.birth_date),
        ethnicity=cadre.ethnicity,
        native_place=profile.native_place if profile else "",
        birthplace=profile.birthplace if profile else "",
        party_join=_party_join(party_text),
        party_join_text=party_text,
        work_start=_month(cadre.work_start_date),
        health=sensitive.get("health", ""),
        professional_title=profile.professional_title if profile else "",
        specialty=profile.specialty if profile else "",
        full_time=lrmx.Education(*[*full, "", "", "", ""][:4]),
        in_service=lrmx.Education(*[*service, "", "", "", ""][:4]),
        current_posts="、".join(post_label(post) for post in held),
        proposed_posts=proposed,
        removed_posts="、".join(post_label(post) for post in removed),
        resume=resume_lines(cadre=cadre, profile=profile, appointments=appointments),
        rewards=profile.rewards if profile else "",
        reviews_text=(profile.reviews_text if profile else "") or lrmx.format_reviews(reviews),
        reviews=reviews,
        reason=reason,
        family=tuple(lrmx.FamilyMember(**member) for member in sensitive.get("family", [])),
        reporting_unit=reporting_unit
        or _("中共%(county)s委组织部") % {"county": cadre.county.name},
        age_date=_month(today),
        filled_date=lrmx.PartialDate(today.year, today.month, today.day),
        filled_by=str(actor) if actor is not None else "",
        id_number=id_number,
        photo=bytes(profile.photo) if profile and profile.photo else b"",
        extra=tuple(profile.extra_elements) if profile else (),
    )


def _party_join(text: str) -> lrmx.PartialDate | None:
    try:
        return lrmx.parse_date(text.split("；")[0]) if text else None
    except ValueError:
        return None


def _id_number(cadre: Cadre) -> str:
    return decrypt_text(cadre.id_number_cipher) if cadre.id_number_cipher else ""


def audit_form_export(*, actor: Any, cadre: Cadre, what: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cadre",
        object_id=cadre.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        summary=what,
    )


def lrmx_file(*, actor: Any, cadre: Cadre, record: lrmx.FormRecord) -> FormFile:
    """RECORD as a .lrmx download named after the cadre; the export is audited."""
    audit_form_export(actor=actor, cadre=cadre, what=_("任免审批表（.lrmx）"))
    return FormFile(f"{cadre.name}.lrmx", lrmx.write_lrmx(record), LRMX_MIME)


def lrmx_zip(*, files: Iterable[FormFile], name: str) -> FormFile:
    """Several .lrmx files in one .zip (UTF-8 names), e.g. a selection's candidates."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            filename, n = item.filename, 2
            while filename in used:
                stem, _dot, ext = item.filename.rpartition(".")
                filename, n = f"{stem}（{n}）.{ext}", n + 1
            used.add(filename)
            archive.writestr(filename, item.content)
    return FormFile(f"{name}.zip", buffer.getvalue(), ZIP_MIME)
