"""Load a province's commune-level units and the old → new mapping from a dvhcvn-style JSON file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icis.core import channel
from icis.core.audit import acting
from icis.core.commands import command_actor
from icis.geo import services


class Command(BaseCommand):
    help = "Load provinces, post-2025 communes, pre-2025 districts/communes and their mapping (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="e.g. ../shared/data/hanoi-communes-2025.json")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--actor", help="username recorded as making the change (default: system)")

    def handle(self, *args, path: Path, dry_run: bool, actor: str | None, **options):
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
                counts = services.admin_units_load(payload=payload, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        prefix = "would load" if dry_run else "loaded"
        self.stdout.write(
            f"{prefix}: {counts['communes']} communes, {counts['legacy_districts']} legacy districts, "
            f"{counts['legacy_communes']} legacy communes, {counts['merges']} merges"
        )
