"""Seed the eligibility thresholds (docs/pipeline.md); the organization department may edit them."""

import datetime

from django.db import migrations

TOWNSHIP_BASIS = (
    "人社部发〔2014〕61号《关于做好艰苦边远地区基层公务员考试录用工作的意见》："
    "新录用的乡镇公务员在乡镇机关最低服务年限为5年（含试用期）"
)
UPWARD_BASIS = "《公务员公开遴选办法》及各地遴选公告的通常报名条件"
RULES = [
    ("township_min_service_years", 5, datetime.date(2014, 1, 1), TOWNSHIP_BASIS),
    ("upward_min_civil_service_years", 2, datetime.date(2013, 1, 1), UPWARD_BASIS),
    ("upward_min_grassroots_years", 2, datetime.date(2013, 1, 1), UPWARD_BASIS),
    ("upward_max_age", 35, datetime.date(2013, 1, 1), UPWARD_BASIS),
    # Announcements commonly relax the age limit for cadres holding a 乡科级 leadership post.
    ("upward_max_age_section_leader", 40, datetime.date(2013, 1, 1), UPWARD_BASIS),
]


def seed(apps, schema_editor):
    EligibilityRule = apps.get_model("pipeline", "EligibilityRule")
    EligibilityRule.objects.using(schema_editor.connection.alias).bulk_create(
        EligibilityRule(key=key, value=value, effective_from=effective, legal_basis=basis)
        for key, value, effective, basis in RULES
    )


def unseed(apps, schema_editor):
    apps.get_model("pipeline", "EligibilityRule").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
