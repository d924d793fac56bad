from django.db import migrations, models
from django.utils import timezone


def fill_months(apps, schema_editor):
    Screening = apps.get_model("communication", "Screening")
    for s in Screening.objects.filter(period_month__isnull=True).only("pk", "started_at").iterator():
        Screening.objects.filter(pk=s.pk).update(period_month=timezone.localtime(s.started_at).date().replace(day=1))


class Migration(migrations.Migration):
    dependencies = [("communication", "0002_seed_places")]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="period_month",
            field=models.DateField(db_index=True, editable=False, null=True, verbose_name="mois"),
        ),
        migrations.RunPython(fill_months, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(fields=["region", "period_month", "channel", "people_total", "estimated_audience"],
                               name="communication_region_month"),
        ),
        migrations.AddIndex(
            model_name="screening",
            index=models.Index(fields=["partner", "channel"], name="communication_partner_channel"),
        ),
    ]
