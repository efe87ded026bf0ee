"""``dudao stamp_photos``: gives the visit photos stored before photos were stamped their stamped
copy (school, time, visit number), once; the originals are read after their SHA-256 check and kept
as they are. Run it once after upgrading; running it again stamps nothing new."""

from django.core.management.base import BaseCommand

from dudao.inspections.services.attachments import visit_photos_stamp_missing


class Command(BaseCommand):
    help = "Stamp the visit photos that have no stamped copy yet (photos stored before stamping)."

    def handle(self, *args, **options):
        stamped, failed = visit_photos_stamp_missing()
        self.stdout.write(f"{stamped} photo(s) stamped.")
        if failed:
            self.stderr.write(f"{len(failed)} photo(s) left unstamped: the stored file fails its check "
                              f"(attachment ids {', '.join(map(str, failed))}); see the audit log.")
