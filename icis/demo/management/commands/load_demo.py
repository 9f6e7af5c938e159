from django.core.management.base import BaseCommand

from icis.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Load Hanoi's public demo data (communes, plan totals, the named clusters of the public-facts file and "
        "the one expansion it names, admin/demo). Idempotent."
    )

    def handle(self, *args, **options):
        counts = demo_load()
        self.stdout.write(
            f"Hanoi demo: {counts['communes']} communes; {counts['clusters']} clusters "
            f"({counts['clusters_created']} new), {counts['expansions']} expansion(s) "
            f"({counts['expansions_created']} new). Demo accounts (password demo): "
            "admin, doit, leader, inspector, commune-phu-xuyen, investor-demo."
        )
