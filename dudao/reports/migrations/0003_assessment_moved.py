# The assessment of inspectors is its own app now: its models leave the state of ``reports``; the
# tables stay for ``assessment`` (see ``assessment.0001_initial``).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_assessment'),
        ('assessment', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AssessmentRating'),
                migrations.DeleteModel(name='AssessmentPolicy'),
            ],
            database_operations=[],
        ),
    ]
