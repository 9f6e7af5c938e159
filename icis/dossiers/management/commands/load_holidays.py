"""Load the Vietnamese public holidays and working weekend days (icis/dossiers/data/vn-holidays.json)."""

from django.core.management.base import BaseCommand, CommandError

from icis.core.audit import acting
from icis.core.commands import command_actor
from icis.dossiers import calendar_data, services


class Command(BaseCommand):
    help = "Load public holidays and working weekend days from a JSON file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(calendar_data.HOLIDAYS_FILE))
        parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
        parser.add_argument("--actor", help="user the changes are recorded as (default: system)")

    def handle(self, *args, **options):
        try:
            payload = calendar_data.read(options["file"])
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{options['file']}: {error}") from error
        with acting(command_actor(options["actor"])):
            counts = services.holidays_load(payload=payload, dry_run=options["dry_run"])
        prefix = "would load" if options["dry_run"] else "loaded"
        for table, numbers in counts.items():
            self.stdout.write(
                f"{prefix} {table}: {numbers['created']} new, {numbers['updated']} updated, "
                f"{numbers['unchanged']} unchanged"
            )
