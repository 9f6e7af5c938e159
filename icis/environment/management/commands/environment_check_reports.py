"""Open "monitoring report not received" violations for periods whose deadline has passed (idempotent).

Run it daily (cron or a systemd timer): a period gets at most one violation, whenever the command runs.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from icis.core import channel, formats
from icis.core.audit import acting
from icis.core.commands import command_actor
from icis.environment import services


class Command(BaseCommand):
    help = "Open a violation for every monitoring period past its deadline with no periodic outlet sample."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="check as of this day (YYYY-MM-DD; default today)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be opened, write nothing")
        parser.add_argument("--actor", help="username recorded as making the change (default: system)")

    def handle(self, *args, date: str | None, dry_run: bool, actor: str | None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date {date}: give YYYY-MM-DD") from None
        user = command_actor(actor)
        with acting(user, channel.COMMAND):
            found = services.reports_check(actor=user, today=today, dry_run=dry_run)
        for item in found:
            start, end = item["period"]
            self.stdout.write(
                f"{'would open' if dry_run else 'opened'}: {item['plant']} — {formats.date(start)}–{formats.date(end)} "
                f"(due {formats.date(item['deadline'])})"
            )
        self.stdout.write(f"{len(found)} missing report(s){' (dry run)' if dry_run else ''}")
