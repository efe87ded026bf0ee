# The assessment's tables, index and constraints take the app's name.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0001_initial'),
        ('reports', '0003_assessment_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='assessmentpolicy', table=None),
        migrations.AlterModelTable(name='assessmentrating', table=None),
        migrations.RenameIndex(model_name='assessmentrating', new_name='assessment_rating_period',
                               old_name='reports_rating_period'),
        migrations.RemoveConstraint(model_name='assessmentrating', name='reports_assessmentrating_one_per_rater'),
        migrations.RemoveConstraint(model_name='assessmentrating', name='reports_assessmentrating_score_range'),
        migrations.RemoveConstraint(model_name='assessmentrating',
                                    name='reports_assessmentrating_school_rater_has_school'),
        migrations.AddConstraint(
            model_name='assessmentrating',
            constraint=models.UniqueConstraint(fields=('inspector', 'rater', 'role', 'period_kind', 'period_start'),
                                               name='assessment_rating_one_per_rater'),
        ),
        migrations.AddConstraint(
            model_name='assessmentrating',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 100)),
                                              name='assessment_rating_score_range'),
        ),
        migrations.AddConstraint(
            model_name='assessmentrating',
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(('role', 'school'), _negated=True), ('school__isnull', False),
                                   _connector='OR'),
                name='assessment_rating_school_rater_has_school'),
        ),
    ]
