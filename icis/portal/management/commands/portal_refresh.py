"""Recompute the readiness summary the public list shows for every published cluster (run nightly)."""

from django.core.management.base import BaseCommand

from icis.portal import services


class Command(BaseCommand):
    help = "Refresh the readiness summary of every published cluster."

    def handle(self, *args, **options):
        count = services.readiness_refresh()
        self.stdout.write(f"refreshed {count} published clusters")
