import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

RAW_ERROR = re.compile(r"^[A-Z]\w*: ")  # how the runner used to store an unexpected error: "ValueError: …"


def hide_raw_errors(apps, schema_editor):
    """Failed jobs that kept a raw exception as their message keep it as the detail and show the sentence."""
    job = apps.get_model("jobs", "Job")
    with translation.override(settings.LANGUAGE_CODE):
        sentence = translation.gettext("The job could not be finished because of an unexpected problem. Please try "
                                       "again later; if it fails again, tell your system administrator.")
    for row in job.objects.filter(status="failed", detail="").only("pk", "message"):
        if RAW_ERROR.match(row.message):
            job.objects.filter(pk=row.pk).update(detail=row.message, message=sentence)


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='detail',
            field=models.TextField(blank=True, verbose_name='technical detail'),
        ),
        migrations.RunPython(hide_raw_errors, migrations.RunPython.noop),
    ]
