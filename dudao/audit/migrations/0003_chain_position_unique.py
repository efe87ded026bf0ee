from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_sealed_chains"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("region_path", "chain_seq"), name="audit_chain_position"),
        ),
    ]
