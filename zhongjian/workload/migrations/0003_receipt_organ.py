"""Receipts repeat their demand's organ, so that the dashboard counts organs from one table."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_organs(apps, schema_editor):
    receipt = apps.get_model("workload", "DemandReceipt")
    demand = apps.get_model("workload", "Demand")
    receipt.objects.using(schema_editor.connection.alias).update(
        organ_id=Subquery(demand.objects.using(schema_editor.connection.alias).filter(pk=OuterRef("demand_id")).values("organ_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("workload", "0002_seed_rules")]

    operations = [
        migrations.AddField(
            model_name="demandreceipt",
            name="organ",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workload.organ",
                verbose_name="下达机关",
            ),
        ),
        migrations.RunPython(copy_organs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="demandreceipt",
            name="organ",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workload.organ",
                verbose_name="下达机关",
            ),
        ),
    ]
