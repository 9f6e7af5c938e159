"""Load one effluent regulation version (limits, parameter catalogue, Kq/Kf bands) from a JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icis.core import channel
from icis.core.audit import acting
from icis.core.commands import command_actor
from icis.environment import regulations, services


class Command(BaseCommand):
    help = (
        "Load an effluent regulation file (format icis-regulation/1, see icis/environment/regulations.py), "
        "e.g. icis/environment/data/qcvn40-2011.json. Idempotent: the file is the truth for its regulation."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")
        parser.add_argument("--actor", help="username recorded as making the change (default: system)")

    def handle(self, *args, path: Path, dry_run: bool, actor: str | None, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user = command_actor(actor)
        try:
            with acting(user, channel.IMPORT):
                counts = services.regulation_load(path=path, actor=user, dry_run=dry_run)
        except regulations.RegulationFileError as error:
            raise CommandError(f"{path}:\n  " + "\n  ".join(error.problems)) from None
        regulation = counts["regulation"]
        prefix = "would load" if dry_run else "loaded"
        self.stdout.write(
            f"{prefix} {regulation.code} (in force {regulation.effective_from} – {regulation.effective_to or '…'}): "
            f"{counts['parameters']} parameters, {counts['limits']} limits "
            f"({counts['limits_removed']} removed), {counts['bands']} Kq/Kf bands"
        )
