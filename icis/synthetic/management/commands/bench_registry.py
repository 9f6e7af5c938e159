from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icis.synthetic import bench


class Command(BaseCommand):
    help = (
        "Measure p50/p95/max latency of the cluster list, search and summary (API and page) against the current "
        "database and print a Markdown table. Run with --settings=config.settings.bench (DEBUG off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=50, help="timed requests per URL, default %(default)s")
        parser.add_argument(
            "--user",
            help="superuser to sign in as (default: the first active one; if none, a superuser 'bench' that "
            "cannot log in with a password is created)",
        )
        parser.add_argument("--title", default="", help="heading for this run (default: the database)")
        parser.add_argument("--output", help="Markdown file to append the table to (created if missing)")

    def handle(self, *args, **options):
        iterations = options["iterations"]
        try:
            result = bench.run(iterations=iterations, username=options["user"])
        except bench.BenchError as error:
            raise CommandError(str(error)) from None
        table = bench.report(result, title=options["title"])
        self.stdout.write(table)
        if options["output"]:
            path = Path(options["output"])
            path.parent.mkdir(parents=True, exist_ok=True)
            existing = path.read_text(encoding="utf-8") if path.exists() else "# ICIS registry benchmark results\n"
            path.write_text(existing.rstrip("\n") + "\n\n" + table, encoding="utf-8")
            self.stdout.write(f"Appended to {path}.")
        slow = [t.label for t in result.timings if t.p95 > bench.SLOW_P95_MS]
        if slow:
            self.stderr.write(f"p95 above {bench.SLOW_P95_MS} ms: {', '.join(slow)}.")
