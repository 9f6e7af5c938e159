import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from icis.core import channel
from icis.synthetic import national, oversight
from icis.synthetic.services import DEFAULT_SEED, SyntheticRegistryError


class Command(BaseCommand):
    help = (
        "Generate the national synthetic data set for the benchmark, every row marked synthetic: at --scale 1, "
        "1,500 clusters over 34 provinces, 60,000 tenant projects, 1,000,000 progress rows, Form 01/02, "
        "milestones, wastewater plants with samples and violations, inspections with their violations; "
        "--scale 10 for ten times that. Refuses to run twice unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 (national) or more, default %(default)s")
        parser.add_argument("--clusters", type=int, help="override the number of clusters")
        parser.add_argument("--projects", type=int, help="override the number of tenant projects")
        parser.add_argument("--progress-rows", type=int, help="override the progress rows (reports + components)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default %(default)s")
        parser.add_argument("--replace", action="store_true", help="delete earlier synthetic data first")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help=(
                "do nothing when the synthetic data set of this size is already there (make bench); "
                "its Form 01/02 are rewritten when they were generated for other periods than today's"
            ),
        )

    def handle(self, *args, **options):
        if options["scale"] < 1:
            raise CommandError(f"--scale must be 1 or more (got {options['scale']}).")
        clusters = options["clusters"] or national.CLUSTERS_1X * options["scale"]
        if options["if_missing"] and national.national_exists(clusters):
            self._form_periods_current(clusters, options["seed"])
            if oversight.exists():
                self.stdout.write(f"The synthetic data set of {clusters:,} clusters is already there: kept.")
                return
            # a data set generated before plants and inspections were: add them, keep the rest
            started = time.perf_counter()
            with channel.acting_via(channel.COMMAND), transaction.atomic():
                made = oversight.generate(seed=options["seed"])
            national.refresh_statistics()
            self.stdout.write(
                f"The synthetic data set of {clusters:,} clusters is already there: kept; added "
                + ", ".join(f"{key} {count:,}" for key, count in made.items())
                + f" in {time.perf_counter() - started:.1f} s."
            )
            return
        try:
            with channel.acting_via(channel.COMMAND):
                result = national.national_generate(
                    scale=options["scale"],
                    clusters=options["clusters"],
                    projects=options["projects"],
                    progress_rows=options["progress_rows"],
                    seed=options["seed"],
                    replace=options["replace"],
                )
        except SyntheticRegistryError as error:
            raise CommandError(str(error)) from None
        if result.deleted:
            gone = ", ".join(f"{key} {count:,}" for key, count in result.deleted.items() if count)
            self.stdout.write(f"Deleted earlier synthetic data: {gone}.")
        made = ", ".join(f"{key} {count:,}" for key, count in result.created.items())
        self.stdout.write(
            f"Created (synthetic, scale {result.scale}, seed {result.seed}): {made} in {result.seconds:.1f} s."
        )

    def _form_periods_current(self, clusters: int, seed: int) -> None:
        """Form 01/02 are generated for the periods around the day (`national.report_periods`): a data set
        generated for other periods would show the dashboard no national load for the period now due, so
        its Form 01/02 are rewritten for today's periods (the rest is kept, and the output says so)."""
        today = timezone.localdate()
        wanted = national.report_periods(today)
        found = national.submitted_periods()
        if found == wanted:
            return
        started = time.perf_counter()
        with channel.acting_via(channel.COMMAND):
            deleted, created = national.submissions_rewrite(today=today, seed=seed)
        self.stdout.write(
            f"The synthetic data set of {clusters:,} clusters had Form 01/02 for {', '.join(found) or 'no period'}, "
            f"not for the periods around {today:%Y-%m-%d} ({', '.join(wanted)}): deleted {deleted['submissions']:,} "
            "and wrote "
            + ", ".join(f"{key} {count:,}" for key, count in created.items())
            + f" in {time.perf_counter() - started:.1f} s. Its other dates (progress reports, samples, inspections) "
            "are still those of the day it was generated; run with --replace and without --if-missing to generate "
            "it all afresh."
        )
