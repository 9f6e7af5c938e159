from django.core.management.base import BaseCommand, CommandError

from icis.core import channel
from icis.core.commands import command_actor
from icis.geo.models import Province

from ... import illustration


class Command(BaseCommand):
    help = (
        "ILLUSTRATIVE data for the construction pages: 43 made-up clusters 'Cụm minh họa NN' (synthetic, code "
        "MH-NN) whose 30/06/2024 states match seed 000's counts, with made-up reports, milestones, obstacles and "
        "a visit plan. Never touches real clusters. Idempotent; --remove deletes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="user the changes are signed by (default: the inactive system account)")
        parser.add_argument("--remove", action="store_true", help="delete the illustrative clusters and records")

    def handle(self, *args, **options):
        if options["remove"]:
            self.stdout.write(f"Removed {illustration.illustration_remove()} illustrative clusters.")
            return
        if not Province.objects.filter(code="01").exists():
            raise CommandError("Load Hanoi first: manage.py load_demo")
        with channel.acting_via(channel.COMMAND):
            result = illustration.illustration_load(actor=command_actor(options["actor"]))
        if not result["created"]:
            self.stdout.write("Illustrative construction data already loaded (codes MH-..): nothing to do.")
            return
        self.stdout.write(
            f"Loaded ILLUSTRATIVE construction data: {result['created']} made-up clusters 'Cụm minh họa' "
            f"(synthetic), {result['obstacles']} obstacles, one approved visit plan. Not real figures."
        )
