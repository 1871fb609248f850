"""Seed the national caps and thresholds of the 2024 《整治形式主义为基层减负若干规定》."""

from django.db import migrations


def seed(apps, schema_editor):
    from zhongjian.workload.rules import NATIONAL_RULES, REGULATION_DATE

    rule = apps.get_model("workload", "WorkloadRule")
    for key, value, source in NATIONAL_RULES:
        rule.objects.using(schema_editor.connection.alias).update_or_create(
            county=None,
            key=key,
            effective_from=REGULATION_DATE,
            defaults={"value": value, "source": source},
        )


def unseed(apps, schema_editor):
    apps.get_model("workload", "WorkloadRule").objects.using(schema_editor.connection.alias).filter(county=None).delete()


class Migration(migrations.Migration):
    dependencies = [("workload", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
