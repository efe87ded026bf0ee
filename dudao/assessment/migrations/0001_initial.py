# The assessment of inspectors moves from ``reports`` to its own app: its models are taken over in
# the migration state only, on the tables ``reports`` made (``reports.0003`` drops them from its
# state; ``0002`` renames the tables, ``0003`` moves the content types).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('inspectors', '0001_initial'),
        ('instruments', '0002_version_based_on'),
        ('organizations', '0002_zone_number'),
        ('reports', '0002_assessment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AssessmentPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('weight_visits', models.PositiveSmallIntegerField(default=20, verbose_name='visits and coverage')),
                        ('weight_tasks', models.PositiveSmallIntegerField(default=15, verbose_name='tasks done')),
                        ('weight_reports', models.PositiveSmallIntegerField(default=10, verbose_name='reports on time')),
                        ('weight_rectifications', models.PositiveSmallIntegerField(default=15, verbose_name='rectifications followed through')),
                        ('weight_complaints', models.PositiveSmallIntegerField(default=10, verbose_name='complaints answered and satisfaction')),
                        ('weight_training', models.PositiveSmallIntegerField(default=10, verbose_name='training hours')),
                        ('weight_ratings', models.PositiveSmallIntegerField(default=20, verbose_name='ratings')),
                        ('group_self', models.PositiveSmallIntegerField(default=20, verbose_name='self rating')),
                        ('group_peer', models.PositiveSmallIntegerField(default=30, verbose_name='peer ratings')),
                        ('group_school', models.PositiveSmallIntegerField(default=50, verbose_name='school ratings')),
                        ('aggregation', models.CharField(choices=[('mean', 'Mean'), ('median', 'Median'), ('trimmed_mean', 'Trimmed mean (drop highest and lowest)')], default='mean', max_length=16, verbose_name='combining raters of a group')),
                        ('instrument', models.ForeignKey(blank=True, help_text='Empty: the assessment questionnaire shipped with the platform.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='instruments.instrument', verbose_name='rating instrument')),
                        ('office', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_policy', to='organizations.office', verbose_name='office')),
                    ],
                    options={
                        'db_table': 'reports_assessmentpolicy',
                        'verbose_name': 'assessment weighting',
                        'verbose_name_plural': 'assessment weightings',
                        'permissions': [('view_assessment', "Can see the assessment of the office's inspectors")],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('role', models.CharField(choices=[('self', 'Self'), ('peer', 'Peer'), ('school', 'School')], max_length=8, verbose_name='rater')),
                        ('period_kind', models.CharField(choices=[('term', 'Term summary'), ('year', 'Year summary')], max_length=8, verbose_name='period')),
                        ('period_start', models.DateField(verbose_name='from')),
                        ('score', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='score')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('inspector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='inspectors.inspector', verbose_name='inspector')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.office', verbose_name='office')),
                        ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rater')),
                        ('response', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='instruments.response', verbose_name='answers')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.school', verbose_name='school')),
                    ],
                    options={
                        'db_table': 'reports_assessmentrating',
                        'verbose_name': 'assessment rating',
                        'verbose_name_plural': 'assessment ratings',
                        'ordering': ['-period_start', 'inspector', 'role', 'pk'],
                        'indexes': [models.Index(fields=['office', 'period_kind', 'period_start'], name='reports_rating_period')],
                        'constraints': [models.UniqueConstraint(fields=('inspector', 'rater', 'role', 'period_kind', 'period_start'), name='reports_assessmentrating_one_per_rater'), models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 100)), name='reports_assessmentrating_score_range'), models.CheckConstraint(condition=models.Q(models.Q(('role', 'school'), _negated=True), ('school__isnull', False), _connector='OR'), name='reports_assessmentrating_school_rater_has_school')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
