"""Load or refresh administrative units: a province file, or one province (or all) of a country file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icis.core import channel
from icis.core.audit import acting
from icis.core.commands import command_actor
from icis.geo import loading, services


class Command(BaseCommand):
    help = (
        "Load or refresh provinces, post-2025 communes, pre-2025 districts/communes and their mapping "
        "(idempotent; format in docs/provinces.md). Without a file: the bundled country file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            type=Path,
            nargs="?",
            default=loading.COUNTRY_FILE,
            help="a province or country file (default: the bundled icis/geo/data/vn-communes-2025.json)",
        )
        parser.add_argument("--province", help="only this province (GSO code, e.g. 01) of a country file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--actor", help="username recorded as making the change (default: system)")

    def handle(self, *args, path: Path, province: str | None, dry_run: bool, actor: str | None, **options):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from None
        try:
            with acting(command_actor(actor), channel.IMPORT):
                counts = services.admin_units_load(payload=payload, province=province, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        for warning in counts["warnings"]:
            self.stderr.write(f"warning: {warning}")
        prefix = "would load" if dry_run else "loaded"
        self.stdout.write(
            f"{prefix}: {counts['provinces']} provinces, {counts['communes']} communes, "
            f"{counts['legacy_districts']} legacy districts, {counts['legacy_communes']} legacy communes, "
            f"{counts['merges']} merges"
        )
        written = counts["written"]
        if written:
            made = {key: value[0] for key, value in written.items()}
            changed = {key: value[1] for key, value in written.items()}
            self.stdout.write(
                f"{'would create' if dry_run else 'created'}: "
                + ", ".join(f"{n} {key}" for key, n in made.items())
                + f"; {'would change' if dry_run else 'changed'}: "
                + ", ".join(f"{n} {key}" for key, n in changed.items())
                + f"; merges no longer listed {'would be ' if dry_run else ''}removed: {written['merges'][2]}"
            )
