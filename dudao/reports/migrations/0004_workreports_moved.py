# Work reports are their own app now: their models leave the state of ``reports``; the tables stay
# for ``workreports`` (see ``workreports.0001_initial``).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_assessment_moved'),
        ('workreports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Report'),
                migrations.DeleteModel(name='ReportPolicy'),
            ],
            database_operations=[],
        ),
    ]
