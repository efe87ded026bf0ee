# The work reports' tables, index and constraints take the app's name.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workreports', '0001_initial'),
        ('reports', '0004_workreports_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='report', table=None),
        migrations.AlterModelTable(name='reportpolicy', table=None),
        migrations.RenameIndex(model_name='report', new_name='workreports_report_period', old_name='reports_report_period'),
        migrations.RemoveConstraint(model_name='report', name='reports_report_owner_matches_level'),
        migrations.RemoveConstraint(model_name='report', name='reports_report_period_ordered'),
        migrations.RemoveConstraint(model_name='report', name='reports_report_one_per_office_period'),
        migrations.RemoveConstraint(model_name='report', name='reports_report_one_per_zone_period'),
        migrations.RemoveConstraint(model_name='report', name='reports_report_one_per_inspector_period'),
        migrations.RemoveConstraint(model_name='reportpolicy', name='reports_reportpolicy_month_day_range'),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('inspector__isnull', True), ('level', 'office'), ('zone__isnull', True)), models.Q(('inspector__isnull', True), ('level', 'zone'), ('zone__isnull', False)), models.Q(('inspector__isnull', False), ('level', 'inspector')), _connector='OR'), name='workreports_report_owner_matches_level'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='workreports_report_period_ordered'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('level', 'office')), fields=('office', 'period_kind', 'period_start'), name='workreports_report_one_per_office_period'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('level', 'zone')), fields=('zone', 'period_kind', 'period_start'), name='workreports_report_one_per_zone_period'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('level', 'inspector')), fields=('inspector', 'period_kind', 'period_start'), name='workreports_report_one_per_inspector_period'),
        ),
        migrations.AddConstraint(
            model_name='reportpolicy',
            constraint=models.CheckConstraint(condition=models.Q(('month_due_day__gte', 1), ('month_due_day__lte', 28)),
                                              name='workreports_reportpolicy_month_day_range'),
        ),
    ]
