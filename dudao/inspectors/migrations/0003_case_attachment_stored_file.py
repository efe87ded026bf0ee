"""A case's file becomes a stored file like every other upload: its ``name`` column is renamed
``original_name`` and its ``uploaded_at`` column ``created_at`` (data kept); the new ``size`` and
``content_type`` are read from the stored bytes (0 and application/octet-stream for a file gone)."""

from django.db import migrations, models

UNKNOWN = "application/octet-stream"


def fill_size_and_type(apps, schema_editor):
    from dudao.core.files import sniff

    CaseAttachment = apps.get_model("inspectors", "CaseAttachment")
    for row in CaseAttachment.objects.all().iterator():
        storage, name = row.file.storage, row.file.name
        try:
            with storage.open(name, "rb") as handle:
                row.size, row.content_type = storage.size(name), sniff(handle) or UNKNOWN
        except OSError:
            row.size, row.content_type = 0, UNKNOWN
        row.save(update_fields=["size", "content_type"])


class Migration(migrations.Migration):

    dependencies = [
        ("inspectors", "0002_training_cases_terms"),
    ]

    operations = [
        migrations.RenameField(model_name="caseattachment", old_name="name", new_name="original_name"),
        migrations.AlterField(
            model_name="caseattachment",
            name="original_name",
            field=models.CharField(max_length=200, verbose_name="file name"),
        ),
        migrations.RenameField(model_name="caseattachment", old_name="uploaded_at", new_name="created_at"),
        migrations.AlterField(
            model_name="caseattachment",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="content_type",
            field=models.CharField(default=UNKNOWN, max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="size",
            field=models.PositiveBigIntegerField(default=0, verbose_name="size"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_size_and_type, migrations.RunPython.noop),
    ]
