# Work reports move from ``reports`` to their own app: their models are taken over in the migration
# state only, on the tables ``reports`` made (``reports.0004`` drops them from its state; ``0002``
# renames the tables, ``0003`` moves the content types). No row is copied or lost.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('documents', '0001_initial'),
        ('inspectors', '0001_initial'),
        ('organizations', '0002_zone_number'),
        ('reports', '0003_assessment_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('level', models.CharField(choices=[('office', 'Office'), ('zone', 'Zone'), ('inspector', 'Inspector')], max_length=12, verbose_name='level')),
                        ('period_kind', models.CharField(choices=[('month', 'Monthly report'), ('term', 'Term summary'), ('year', 'Year summary')], max_length=8, verbose_name='period')),
                        ('period_start', models.DateField(verbose_name='from')),
                        ('period_end', models.DateField(verbose_name='to')),
                        ('due_on', models.DateField(db_index=True, verbose_name='due on')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('accepted', 'Accepted')], default='draft', max_length=12, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed')),
                        ('review_comment', models.TextField(blank=True, verbose_name='review comment')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('draft', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='documents.document', verbose_name='drafted document')),
                        ('inspector', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work_reports', to='inspectors.inspector', verbose_name='inspector')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='work_reports', to='organizations.office', verbose_name='office')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('submitted', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='documents.document', verbose_name='submitted document')),
                        ('zone', models.ForeignKey(blank=True, help_text="For an inspector's report: the zone they mostly work in, so its leader reads it.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work_reports', to='organizations.zone', verbose_name='zone')),
                    ],
                    options={
                        'db_table': 'reports_report',
                'verbose_name': 'work report',
                        'verbose_name_plural': 'work reports',
                        'ordering': ['-period_start', 'level', 'pk'],
                        'permissions': [('submit_report', 'Can submit a work report'), ('review_report', 'Can accept or return a work report')],
                        'indexes': [models.Index(fields=['office', 'period_kind', 'period_start'], name='reports_report_period')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('inspector__isnull', True), ('level', 'office'), ('zone__isnull', True)), models.Q(('inspector__isnull', True), ('level', 'zone'), ('zone__isnull', False)), models.Q(('inspector__isnull', False), ('level', 'inspector')), _connector='OR'), name='reports_report_owner_matches_level'), models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='reports_report_period_ordered'), models.UniqueConstraint(condition=models.Q(('level', 'office')), fields=('office', 'period_kind', 'period_start'), name='reports_report_one_per_office_period'), models.UniqueConstraint(condition=models.Q(('level', 'zone')), fields=('zone', 'period_kind', 'period_start'), name='reports_report_one_per_zone_period'), models.UniqueConstraint(condition=models.Q(('level', 'inspector')), fields=('inspector', 'period_kind', 'period_start'), name='reports_report_one_per_inspector_period')],
                    },
                ),
                migrations.CreateModel(
                    name='ReportPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('month_due_day', models.PositiveSmallIntegerField(default=5, help_text='The monthly report is due on this day of the next month.', verbose_name='monthly report due on day')),
                        ('term_due_days', models.PositiveSmallIntegerField(default=15, help_text='The term summary is due this many days after the term ends.', verbose_name='term summary due after (days)')),
                        ('year_due_days', models.PositiveSmallIntegerField(default=15, help_text='The year summary is due this many days after the year ends.', verbose_name='year summary due after (days)')),
                        ('office', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='report_policy', to='organizations.office', verbose_name='office')),
                    ],
                    options={
                        'db_table': 'reports_reportpolicy',
                'verbose_name': 'report due dates',
                        'verbose_name_plural': 'report due dates',
                        'constraints': [models.CheckConstraint(condition=models.Q(('month_due_day__gte', 1), ('month_due_day__lte', 28)), name='reports_reportpolicy_month_day_range')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
