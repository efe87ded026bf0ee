import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from dudao.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = ("Writes one archive (tar) to FILE holding the database (PostgreSQL: pg_dump --format=custom; "
            "SQLite: an online copy), every stored file (under MEDIA_ROOT, or every object of the S3-compatible object store) and a manifest with the SHA-256 and "
            "size of each, the Dudao version, the migrations and the rows of every table. The audit key is not "
            "in it. `dudao restore FILE` rebuilds the site from it.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE", help="the archive to write (replaced if it exists)")

    def handle(self, *args, out, **options):
        try:
            manifest = make_backup(out, connections[DEFAULT_DB_ALIAS])
        except (BackupError, OSError) as e:
            raise CommandError(f"backup FAILED: {e}")
        files = manifest["files"]
        counts = manifest["row_counts"]
        self.stdout.write(
            f"backup written to {out} ({os.path.getsize(out)} bytes): {manifest['database']['vendor']} database "
            f"({sum(counts.values())} rows in {len(counts)} tables), {len(files) - 1} stored files; "
            "the audit key is not in it, keep it separately")
