import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from dudao.core.backup import (
    BackupError,
    check_archive,
    count_differences,
    database_tables,
    media_names,
    media_place,
    restore_database,
    restore_media,
)

SHOWN_PROBLEMS = 10


class Command(BaseCommand):
    help = ("Rebuilds the site from an archive of `dudao backup`: checks every checksum first (a damaged archive "
            "changes nothing), refuses a database that already holds tables or a media folder that holds files "
            "unless --force, restores the database and the stored files, then compares the rows of every table "
            "with the archive and verifies the audit log (which needs the site's DUDAO_AUDIT_KEY: it is not in "
            "the archive).")

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE")
        parser.add_argument("--force", action="store_true",
                            help="replace the configured database and overwrite stored files even if not empty")

    def handle(self, *args, archive, force, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            checked = check_archive(archive)
        except BackupError as e:
            raise CommandError(f"restore REFUSED: {e}")
        manifest = checked.manifest
        self.stdout.write(f"archive OK: made {manifest['made_at']} by Dudao {manifest['dudao_version']} from "
                          f"{checked.vendor}; {len(manifest['files'])} files, every checksum matches")
        self.refuse_unless_possible(checked, connection, force)
        try:
            restore_database(checked, connection)
        except (BackupError, OSError) as e:
            raise CommandError(f"restore FAILED, the database was not restored: {e}")
        self.stdout.write(f"database restored into {connection.settings_dict['NAME']}")
        try:
            restored = restore_media(checked)
        except (BackupError, OSError) as e:
            raise CommandError(f"restore FAILED: the database was restored, the stored files were not: {e}")
        self.stdout.write(f"{restored} stored files restored into {media_place()}")

        failures = []
        counts = database_tables(connection)
        if differences := count_differences(manifest["row_counts"], counts):
            failures.append(f"the rows of {len(differences)} table(s) differ from the archive")
            for line in differences:
                self.stderr.write(line)
        else:
            self.stdout.write(f"rows OK: {sum(counts.values())} rows in {len(counts)} tables, as in the archive")
        if not self.audit_verified():
            failures.append("the audit log did not verify")
        if MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes()):
            self.stdout.write("this Dudao has newer migrations than the archive: run `dudao migrate`")
        if failures:
            raise CommandError(f"restored, but {' and '.join(failures)}")

    def refuse_unless_possible(self, checked, connection, force: bool) -> None:
        """Refuses, changing nothing, an archive of another database vendor, one made by a newer Dudao,
        and a site that is not empty (without ``--force``)."""
        if checked.vendor != connection.vendor:
            raise CommandError(f"restore REFUSED: the archive holds a {checked.vendor} database, but this site is "
                               f"configured for {connection.vendor} (DATABASE_URL); nothing was changed")
        loader = MigrationLoader(None, ignore_no_migrations=True)
        unknown = [f"{app}.{name}" for app, name in checked.manifest["migrations"].items()
                   if app in loader.migrated_apps and (app, name) not in loader.disk_migrations]
        if unknown:
            raise CommandError(f"restore REFUSED: the archive was made by a newer Dudao "
                               f"({checked.manifest['dudao_version']}; migrations unknown here: {', '.join(unknown)}); "
                               "install that version first; nothing was changed")
        tables, files = database_tables(connection), media_names()
        if (tables or files) and not force:
            raise CommandError(
                f"restore REFUSED: this site is not empty (the database {connection.settings_dict['NAME']} holds "
                f"{len(tables)} tables, {media_place()} holds {len(files)} files); restore into an empty "
                "database and media folder (or bucket), or pass --force to replace them; nothing was changed")

    def audit_verified(self) -> bool:
        """Runs `dudao audit verify` on the restored database; says why it may fail without the key."""
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("audit", "verify", stdout=out, stderr=err)
        except CommandError as e:
            problems = err.getvalue().splitlines()
            for line in problems[:SHOWN_PROBLEMS]:
                self.stderr.write(line)
            if len(problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"... and {len(problems) - SHOWN_PROBLEMS} more")
            self.stderr.write(str(e))
            if settings.DUDAO_AUDIT_KEY:
                self.stderr.write("Check that DUDAO_AUDIT_KEY and DUDAO_AUDIT_OLD_KEYS are those of the site backed "
                                  "up, then run `dudao audit verify`.")
            else:
                self.stderr.write("DUDAO_AUDIT_KEY is not set: the audit key is not in the archive, by design. Set "
                                  "it (and DUDAO_AUDIT_OLD_KEYS, if it was rotated) from where you keep it, then run "
                                  "`dudao audit verify`.")
            return False
        self.stdout.write(out.getvalue().strip())
        return True
