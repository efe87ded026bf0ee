"""Zone memberships of one school never overlap: the ones older versions let overlap are separated
without deleting any (``organizations.history``), and PostgreSQL refuses an overlap from now on."""

from django.db import migrations

from dudao.organizations.history import migration_operations


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0002_zone_number"),
    ]

    operations = migration_operations("organizations", "ZoneMembership", "zone")
