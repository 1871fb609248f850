"""A county key on wave groups, tokens, responses and instrument results, filled from the wave,
and unique constraints that include the county (Citus readiness)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Each new county key and where it is copied from: (model, parent model, foreign key to it);
# results after responses, whose key they copy.
FILLED = (
    ("wavegroup", "wave", "wave"),
    ("wavetoken", "wave", "wave"),
    ("response", "wave", "wave"),
    ("instrumentresult", "response", "response"),
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
        model, parent = apps.get_model("voice", name), apps.get_model("voice", parent_name)
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
        ("voice", "0002_online_invitations_and_spent_tokens"),
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
        migrations.AlterField(
            model_name="wavetoken", name="digest", field=models.CharField(max_length=64)
        ),
        migrations.AddConstraint(
            model_name="wavetoken",
            constraint=models.UniqueConstraint(
                fields=("county", "digest"), name="voice_token_digest_once"
            ),
        ),
        migrations.AddIndex(
            model_name="wavetoken",
            index=models.Index(fields=["digest"], name="voice_wavet_digest_815df4_idx"),
        ),
        migrations.RemoveConstraint(
            model_name="instrumentresult", name="voice_result_once_per_instrument"
        ),
        migrations.AddConstraint(
            model_name="instrumentresult",
            constraint=models.UniqueConstraint(
                fields=("county", "response", "instrument"),
                name="voice_result_once_per_instrument",
            ),
        ),
    ]
