# The drafted and submitted files of a report name their subject by app and model
# (``Document.subject_type``, ``IssuedNumber.subject_type``): those filed while work reports lived in
# ``reports`` follow the model to ``workreports``, so a report still finds its files and numbers.

from django.db import migrations

OLD, NEW = 'reports.report', 'workreports.report'


def _rename(apps, source: str, target: str) -> None:
    for model in ('Document', 'IssuedNumber'):
        apps.get_model('documents', model).objects.filter(subject_type=source).update(subject_type=target)


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('workreports', '0003_content_types'),
        ('documents', '0002_number_register'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
