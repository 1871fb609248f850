"""The 三龄两历 data check (数据核查): every record of the county that breaks a rule of
org.validation, grouped by rule, each with the page where it is fixed.

Organization departments audit cadre records for consistent ages, work age and party age
(三龄) and education and work history (两历); this applies the same rules the services and
the import apply to new writes, to what is already stored (older imports, records entered
before a rule existed).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from zhongjian.accounts.roles import Role
from zhongjian.core.crypto import decrypt_text
from zhongjian.core.permissions import scoped
from zhongjian.org import validation
from zhongjian.org.models import Appointment, Cadre, Post
from zhongjian.org.validation import Held, Rule, Tenure, Violation


@dataclass(frozen=True, slots=True)
class Finding:
    """One record that breaks a rule, and where to fix it."""

    rule: Rule
    subject: str
    unit: str
    message: str
    fix_url: str


_CADRE_COLUMNS = (
    "pk",
    "name",
    "unit__name",
    "id_number_cipher",
    "gender",
    *validation.CADRE_DATE_FIELDS,
)


def data_check(*, user: Any, today: datetime.date) -> dict[Rule, list[Finding]]:
    """The findings the organization department may see (its county), grouped by rule in the
    rules' order; every other role gets nothing."""
    if getattr(user, "role", None) != Role.ORG_DEPARTMENT:
        return {}
    findings: list[Finding] = []
    cadres = scoped(Cadre.objects.all(), user, cadre_field="id")
    work_start: dict[int, tuple[datetime.date, str, str]] = {}
    for row in cadres.values_list(*_CADRE_COLUMNS).iterator(chunk_size=2000):
        values = dict(zip(_CADRE_COLUMNS, row, strict=True))
        pk, name, unit = values["pk"], values["name"], values["unit__name"]
        work_start[pk] = (values["work_start_date"], name, unit)
        problems: list[Violation] = []
        parsed = None
        if values["id_number_cipher"]:
            parsed, problems = validation.id_number_parse(
                decrypt_text(values["id_number_cipher"]), today=today
            )
        problems += validation.cadre_violations(values, id_number=parsed, today=today)
        if problems:
            url = reverse("org:cadre_update", args=[pk])
            findings.extend(Finding(p.rule, name, unit, p.message, url) for p in problems)

    posts = {
        post.pk: post
        for post in scoped(Post.objects.all(), user)
        .select_related("unit")
        .only("pk", "title", "headcount", "is_leadership", "allows_concurrent", "unit__name")
    }
    tenures: dict[int, list[Tenure]] = defaultdict(list)
    held: dict[int, list[Held]] = defaultdict(list)
    appointments = scoped(Appointment.objects.all(), user, cadre_field="cadre_id").values_list(
        "pk", "cadre_id", "post_id", "start_date", "end_date"
    )
    for pk, cadre_id, post_id, start, end in appointments.iterator(chunk_size=2000):
        post = posts.get(post_id)
        if post is None:
            continue
        tenures[post_id].append(Tenure(start=start, end=end))
        work, name, unit = work_start.get(cadre_id, (None, "", ""))
        for problem in validation.appointment_start_violations(
            start_date=start, work_start_date=work
        ):
            url = reverse("org:appointment_update", args=[pk])
            findings.append(
                Finding(problem.rule, f"{name}（{post.title}）", unit, problem.message, url)
            )
        if end is None:
            held[cadre_id].append(Held(post.title, post.is_leadership, post.allows_concurrent))
    for post_id, post_tenures in tenures.items():
        post = posts[post_id]
        for problem in validation.headcount_violations(
            title=post.title, headcount=post.headcount, tenures=post_tenures
        ):
            url = reverse("org:post_detail", args=[post_id])
            findings.append(Finding(problem.rule, post.title, post.unit.name, problem.message, url))
    for cadre_id, current in held.items():
        work, name, unit = work_start.get(cadre_id, (None, "", ""))
        for problem in validation.leadership_violations(name=name, held=current):
            url = reverse("org:cadre_detail", args=[cadre_id])
            findings.append(Finding(problem.rule, name, unit, problem.message, url))

    grouped: dict[Rule, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.rule].append(finding)
    return {rule: grouped[rule] for rule in Rule if rule in grouped}


def data_check_count(*, user: Any, today: datetime.date) -> int:
    """How many findings the data check lists for USER (for the overview)."""
    return sum(len(found) for found in data_check(user=user, today=today).values())
