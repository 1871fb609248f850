"""Seed the holiday table with the notices of 2004–2026 as the chinesecalendar package has them."""

from django.db import migrations

from zhongjian.core.workdays import seed_rows_from_chinesecalendar

# Fixed, so that the migration gives the same rows whatever chinesecalendar release is installed
# later; newer years are entered by the organization department (or a later migration).
SEEDED_YEARS = range(2004, 2027)


def seed(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    Holiday.objects.using(schema_editor.connection.alias).bulk_create(
        [
            Holiday(day=row.day, kind=row.kind.value, name=row.name)
            for row in seed_rows_from_chinesecalendar(years=SEEDED_YEARS)
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "Holiday").objects.using(schema_editor.connection.alias).filter(
        day__year__gte=SEEDED_YEARS.start, day__year__lt=SEEDED_YEARS.stop
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_holiday")]

    operations = [migrations.RunPython(seed, unseed)]
