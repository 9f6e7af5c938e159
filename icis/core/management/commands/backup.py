"""manage.py backup [--output FILE]: the whole system (every table, the migration state, uploaded files) in
one .tar.gz. See docs/operations.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from icis.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write every table's rows, the migration state and the uploaded files into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="where to write the backup (default var/backups/icis-YYYYMMDD-HHMMSS.tar.gz); never overwritten",
        )

    def handle(self, *args, output=None, **options):
        if output:
            path = Path(output)
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.VAR_DIR) / "backups" / f"icis-{stamp}.tar.gz"
        if path.exists():
            raise CommandError(f"{path} already exists; choose another --output (a backup is never overwritten)")
        try:
            manifest = backup(path)
        except (BackupError, OSError, DatabaseError) as error:
            raise CommandError(f"Backup failed, nothing written: {error}") from None
        rows = sum(meta["rows"] for meta in manifest["tables"].values())
        self.stdout.write(
            f"{path}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} uploaded files, "
            f"{len(manifest['migrations'])} migrations, ICIS {manifest['app_version']} "
            f"({manifest['database_vendor']})"
        )
