"""A county key on stage changes, objections and exit interviews, filled from their parent, and
unique constraints that include the county (Citus readiness)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Each new county key and where it is copied from: (model, parent model, foreign key to it).
FILLED = (
    ("stagechange", "selectionprocess", "process"),
    ("objection", "selectionprocess", "process"),
    ("exitinterview", "departure", "departure"),
)


def _county_key(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="org.county",
    )


def fill_county(apps, schema_editor) -> None:
    for name, parent_name, key in FILLED:
        model, parent = apps.get_model("pipeline", name), apps.get_model("pipeline", parent_name)
        # The database being migrated, not the default one (a second alias, a benchmark's copy).
        alias = schema_editor.connection.alias
        parents = parent.objects.using(alias).filter(pk=OuterRef(f"{key}_id"))
        model.objects.using(alias).update(county_id=Subquery(parents.values("county_id")))
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now, so that the ALTER TABLE below finds no pending
        # trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_unique_with_county"),
        ("pipeline", "0003_eligibility_rules_per_county"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="county", field=_county_key(null=True))
            for name, _, _ in FILLED
        ),
        migrations.RunPython(fill_county, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="county", field=_county_key(null=False))
            for name, _, _ in FILLED
        ),
        migrations.RemoveConstraint(model_name="candidate", name="pipeline_candidate_once"),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.UniqueConstraint(
                fields=("county", "process", "cadre"), name="pipeline_candidate_once"
            ),
        ),
        migrations.RemoveConstraint(model_name="benchentry", name="pipeline_bench_once_per_post"),
        migrations.AddConstraint(
            model_name="benchentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("removed_on__isnull", True)),
                fields=("county", "post", "cadre"),
                name="pipeline_bench_once_per_post",
            ),
        ),
        migrations.AddConstraint(
            model_name="decline",
            constraint=models.UniqueConstraint(
                fields=("county", "candidate"), name="pipeline_decline_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="departure",
            constraint=models.UniqueConstraint(
                fields=("county", "followed_by"), name="pipeline_departure_followed_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="exitinterview",
            constraint=models.UniqueConstraint(
                fields=("county", "departure"), name="pipeline_exit_interview_once"
            ),
        ),
    ]
