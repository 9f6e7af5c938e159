"""Erase the personal data of investment enquiries older than their province's retention period
(geo.ProvinceSettings.enquiry_retention_days, default 365 days). Run daily (cron or the job worker)."""

from django.core.management.base import BaseCommand

from icis.portal import services


class Command(BaseCommand):
    help = "Erase enquirers' personal data after the province's retention period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list the enquiries that would be erased.")

    def handle(self, *args, dry_run=False, **options):
        erased = services.erase_personal_data(dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        self.stdout.write(f"{verb} the personal data of {len(erased)} enquiries: {', '.join(erased) or '-'}")
