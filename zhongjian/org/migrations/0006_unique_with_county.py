"""Unique constraints of posts and rank grants include the county (Citus readiness)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("org", "0005_merge_indexes_forms_editing_rules")]

    operations = [
        migrations.RemoveConstraint(model_name="post", name="org_post_title_per_unit"),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(
                fields=("county", "unit", "title"), name="org_post_title_per_unit"
            ),
        ),
        migrations.RemoveConstraint(model_name="rankgrant", name="org_rankgrant_once_per_rank"),
        migrations.AddConstraint(
            model_name="rankgrant",
            constraint=models.UniqueConstraint(
                fields=("county", "cadre", "rank"), name="org_rankgrant_once_per_rank"
            ),
        ),
    ]
