from django.core.management.base import BaseCommand, CommandError

from icis.core import channel
from icis.synthetic import services
from icis.synthetic.services import SyntheticRegistryError


class Command(BaseCommand):
    help = (
        "Generate a synthetic national registry for scale tests (default 1,500 clusters over 34 provinces), "
        "every row marked synthetic. Refuses to run twice unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=services.DEFAULT_CLUSTERS, help="default %(default)s")
        parser.add_argument(
            "--provinces", type=int, default=services.DEFAULT_PROVINCES, help="1–99, default %(default)s"
        )
        parser.add_argument(
            "--communes-per-province",
            type=int,
            default=services.DEFAULT_COMMUNES_PER_PROVINCE,
            help="new communes per synthetic province, 1–99, default %(default)s",
        )
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED, help="default %(default)s")
        parser.add_argument("--replace", action="store_true", help="delete earlier synthetic data first")
        parser.add_argument("--dry-run", action="store_true", help="generate, report, then roll everything back")

    def handle(self, *args, **options):
        try:
            with channel.acting_via(channel.COMMAND):
                result = services.synthetic_registry_generate(
                    clusters=options["clusters"],
                    provinces=options["provinces"],
                    communes_per_province=options["communes_per_province"],
                    seed=options["seed"],
                    replace=options["replace"],
                    dry_run=options["dry_run"],
                )
        except SyntheticRegistryError as error:
            raise CommandError(str(error)) from None
        if result.deleted:
            self.stdout.write(
                f"Deleted earlier synthetic data: {result.deleted['clusters']:,} clusters, "
                f"{result.deleted['provinces']:,} provinces."
            )
        created = result.created
        statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(result.by_status.items()))
        self.stdout.write(
            f"{'Dry run, rolled back: would have created' if result.dry_run else 'Created'} "
            f"{created['provinces']:,} synthetic provinces ({created['legacy_districts']:,} legacy districts, "
            f"{created['legacy_communes']:,} legacy communes, {created['communes']:,} communes); "
            f"{created['clusters']:,} clusters {services.CLUSTER_CODE_PREFIX}00001…"
            f"{services.CLUSTER_CODE_PREFIX}{created['clusters']:05d} with {created['status_changes']:,} status "
            f"changes and {created['sources']:,} sources (seed {result.seed}, {result.seconds:.1f} s)."
        )
        self.stdout.write(f"Final statuses: {statuses}.")
