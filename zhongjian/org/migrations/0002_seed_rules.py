"""Seed the rules tables with the national rules in force (the organization department may edit)."""

import datetime

from django.db import migrations

RETIREMENT_BASIS = (
    "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2024-09-13）附件1 "
    "《国务院关于渐进式延迟法定退休年龄的办法》第二条"
)
RETIREMENT_RULES = [
    # track, base age (months), first affected birth month, birth months per step, max delay
    ("male", 60 * 12, datetime.date(1965, 1, 1), 4, 36),
    ("female_cadre", 55 * 12, datetime.date(1970, 1, 1), 4, 36),
    ("female_worker", 50 * 12, datetime.date(1975, 1, 1), 2, 60),
]

RANK_BASIS = "《公务员职务与职级并行规定》（2019）第十八条、第十九条"
RANK_STEPS = [
    ("clerk_2", "clerk_1", 2),
    ("clerk_1", "principal_clerk_4", 3),
    ("principal_clerk_4", "principal_clerk_3", 2),
    ("principal_clerk_3", "principal_clerk_2", 2),
    ("principal_clerk_2", "principal_clerk_1", 2),
    ("principal_clerk_1", "researcher_4", 2),
    ("researcher_4", "researcher_3", 2),
    ("researcher_3", "researcher_2", 2),
]


def seed(apps, schema_editor):
    RetirementRule = apps.get_model("org", "RetirementRule")
    RankStepRule = apps.get_model("org", "RankStepRule")
    effective = datetime.date(2025, 1, 1)
    for track, base, first, per_step, max_delay in RETIREMENT_RULES:
        RetirementRule.objects.using(schema_editor.connection.alias).create(
            track=track,
            base_age_months=base,
            first_birth_month=first,
            birth_months_per_step=per_step,
            max_delay_months=max_delay,
            effective_from=effective,
            legal_basis=RETIREMENT_BASIS,
        )
    for from_rank, to_rank, years in RANK_STEPS:
        RankStepRule.objects.using(schema_editor.connection.alias).create(
            from_rank=from_rank,
            to_rank=to_rank,
            min_years=years,
            excellent_rating_credit_months=6,
            effective_from=datetime.date(2019, 6, 1),
            legal_basis=RANK_BASIS,
        )


def unseed(apps, schema_editor):
    apps.get_model("org", "RetirementRule").objects.using(schema_editor.connection.alias).all().delete()
    apps.get_model("org", "RankStepRule").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
