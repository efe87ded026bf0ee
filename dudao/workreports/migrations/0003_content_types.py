# The content types of the moved models follow them to ``workreports`` and keep their ids, so the
# permissions and the audit log's events (which refer to the content type by id, inside the hash
# chain) point at the same models. A fresh database has none yet: they are made after migrating.

from django.db import migrations

MODELS = ('report', 'reportpolicy')


def _move(apps, source: str, target: str) -> None:
    ContentType = apps.get_model('contenttypes', 'ContentType')
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        # a partial migrate ends by making the target's content types (and their permissions):
        # nothing refers to them yet, the old ones carry the grants and the log
        ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=['app_label'])
    from django.contrib.contenttypes.models import ContentType as Cached

    Cached.objects.clear_cache()  # the process's cache still knows them by their old app


def forwards(apps, schema_editor):
    _move(apps, 'reports', 'workreports')


def backwards(apps, schema_editor):
    _move(apps, 'workreports', 'reports')


class Migration(migrations.Migration):

    dependencies = [
        ('workreports', '0002_tables'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
