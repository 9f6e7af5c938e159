"""manage.py restore FILE [--dry-run]: a backup into an EMPTY migrated database, all or nothing. See
docs/operations.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from icis.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database migrated to the same state "
        "(refused otherwise). Rows are written as stored: no signals, no history or audit rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the archive and the target database, write nothing"
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            manifest = restore(path, dry_run=dry_run)
        except BackupError as error:
            raise CommandError(f"Restore refused, nothing changed: {error}") from None
        except (DatabaseError, OSError) as error:
            raise CommandError(f"Restore failed and was rolled back, nothing changed: {error}") from None
        rows = sum(meta["rows"] for meta in manifest["tables"].values())
        verb = "would restore" if dry_run else "restored"
        self.stdout.write(
            f"{path}: {verb} {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} uploaded files "
            f"(backup of {manifest['created_at']}, ICIS {manifest['app_version']}, {manifest['database_vendor']})"
        )
