"""Whole-system backup and restore: every table's rows as stored, the migration state and the uploaded files,
in one .tar.gz (docs/operations.md).

The archive holds
    manifest.json            format, app version, database vendor, applied migrations, and for every table its
                             columns, row count and SHA-256, for every uploaded file its size and SHA-256
    tables/<table>.jsonl     one JSON array per row, in primary-key order, values in a vendor-neutral form
    media/<name>             the uploaded files, by their storage names

Rows are read and written below the ORM's save(): no signals, no history rows, no audit or role/scope events,
no auto_now rewrites, so a restored database is the backed-up one, timestamps to the microsecond. Values go
through each field's own conversion (to_python / get_db_prep_save), so a SQLite backup restores into PostgreSQL
and the other way round. Restore accepts only an empty migrated database at the same migration state, checks
every checksum before writing, runs in one transaction (uploaded files are removed again if anything fails) and
resets PostgreSQL's sequences.
"""

import base64
import datetime
import decimal
import hashlib
import io
import json
import os
import tarfile
import tempfile
import tomllib
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "icis-backup/1"
MANIFEST = "manifest.json"
BATCH = 500
CHUNK = 1024 * 1024

# Tables that `migrate` itself fills: content types and permissions (post_migrate), the role groups, and the
# reference data loaded by data migrations (calendar, QCVN limits, Decree 32 rules, the `system` account that
# signs them). A freshly migrated database has rows only here; restore replaces them with the backup's rows.
# test_backup checks this list against a fresh test database, so a new data migration cannot slip past.
SEEDED_TABLES = frozenset(
    {
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "accounts_user",
        "accounts_auditevent",  # migrate brings each role in step with roles.py: "role permissions changed"
        "accounts_historicalgroup",
        "documents_document",
        "awards_awardtitle",  # awards 0002: the forms and titles of commendation
        "geo_province",  # geo 0005: the country's administrative units
        "geo_legacydistrict",
        "geo_legacycommune",
        "geo_commune",
        "geo_communemerge",
        "dossiers_publicholiday",
        "dossiers_historicalpublicholiday",
        "dossiers_scoringscheme",
        "dossiers_historicalscoringscheme",
        "dossiers_workingdayoverride",
        "dossiers_historicalworkingdayoverride",
        "environment_parameter",
        "environment_regulation",
        "environment_factorband",
        "environment_limit",
        "inspections_checklistversion",  # inspections 0002: the checklists of Decree 32
        "inspections_checklistitem",
        "legal_ruleset",
        "legal_rule",
        "legal_historicalrule",
        "dossiers_procedureversion",
        "dossiers_historicalprocedureversion",
        "dossiers_proceduredeadline",
        "dossiers_historicalproceduredeadline",
        "dossiers_drafttemplate",
    }
)


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says what and where."""


# --- what is in the database -----------------------------------------------------------------------------------


def table_models(using: str = DEFAULT_DB_ALIAS) -> dict[str, type[models.Model]]:
    """Every table Django manages, by name: models, many-to-many tables and history tables. Unmanaged and proxy
    models (e.g. a model that only carries permissions) own no table and are left out."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.setdefault(meta.db_table, model)
    return dict(sorted(tables.items()))


def concrete_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def storage_files(storage=None) -> list[str]:
    """Every file in the upload storage, by storage name ('documents/2025/x.pdf')."""
    storage = storage or default_storage
    found = []

    def walk(folder: str) -> None:
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            found.append(f"{folder}/{name}" if folder else name)
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return sorted(found)


# --- values in a vendor-neutral form ---------------------------------------------------------------------------


def encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def decode(field: models.Field, value):
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


# --- backup ------------------------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads through a file while hashing what was read (tarfile reads exactly the declared size)."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.handle.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def _dump_table(cursor_model, using: str, out) -> tuple[int, str]:
    fields = concrete_fields(cursor_model)
    digest = hashlib.sha256()
    header = json.dumps({"columns": [f.column for f in fields]}, ensure_ascii=False).encode() + b"\n"
    out.write(header)
    digest.update(header)
    rows = 0
    queryset = cursor_model._base_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields])
    for row in queryset.iterator(chunk_size=2000):
        line = json.dumps([encode(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        out.write(line)
        digest.update(line)
        rows += 1
    return rows, digest.hexdigest()


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS, storage=None) -> dict:
    """Write the whole system to `path` (.tar.gz) and return the manifest. Rows are read in one transaction
    (on PostgreSQL a repeatable-read snapshot), so they agree with each other."""
    storage = storage or default_storage
    connection = connections[using]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    manifest = {
        "format": FORMAT,
        "app_version": app_version(),
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "migrations": [],
        "tables": {},
        "media": {},
    }
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        # Password hashes, sessions and two-factor secrets are inside: readable by the owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
            transaction.atomic(using=using),
        ):
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest["migrations"] = applied_migrations(using)
            for table, model in table_models(using).items():
                with tempfile.TemporaryFile() as scratch:
                    rows, digest = _dump_table(model, using, scratch)
                    info = tarfile.TarInfo(f"tables/{table}.jsonl")
                    info.size, info.mtime, info.mode = scratch.tell(), int(timezone.now().timestamp()), 0o600
                    scratch.seek(0)
                    archive.addfile(info, scratch)
                manifest["tables"][table] = {
                    "model": model._meta.label,
                    "columns": [f.column for f in concrete_fields(model)],
                    "rows": rows,
                    "sha256": digest,
                }
            for name in storage_files(storage):
                size = storage.size(name)
                with storage.open(name, "rb") as handle:
                    hashing = _Hashing(handle)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size, info.mtime, info.mode = size, int(timezone.now().timestamp()), 0o600
                    archive.addfile(info, io.BufferedReader(hashing, CHUNK))
                manifest["media"][name] = {"size": size, "sha256": hashing.digest.hexdigest()}
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return manifest


# --- restore -----------------------------------------------------------------------------------------------------


@dataclass
class Unpacked:
    manifest: dict
    folder: Path
    tables: dict[str, Path] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)


def _safe_media_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and "\x00" not in name


def unpack(path: Path, folder: Path) -> Unpacked:
    """Read the archive into `folder`, checking its shape and every checksum against the manifest."""
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path}: not a readable .tar.gz backup ({error})") from None
    members: dict[str, tuple[Path, str, int]] = {}
    manifest = None
    with archive:
        try:
            for index, member in enumerate(archive):
                name = member.name
                if not member.isfile():
                    raise BackupError(f"{path}: unexpected entry {name!r} (only regular files belong in a backup)")
                if name in members or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"{path}: {name!r} appears twice")
                if name == MANIFEST:
                    try:
                        manifest = json.loads(archive.extractfile(member).read())
                    except (ValueError, UnicodeDecodeError) as error:
                        raise BackupError(f"{path}: {MANIFEST} is not valid JSON ({error})") from None
                    continue
                if not (name.startswith("tables/") or name.startswith("media/")) or not _safe_media_name(name):
                    raise BackupError(f"{path}: unexpected entry {name!r}")
                target = folder / f"{index}.part"
                digest, size = hashlib.sha256(), 0
                with archive.extractfile(member) as source, open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                members[name] = (target, digest.hexdigest(), size)
        except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
            raise BackupError(f"{path}: the archive is damaged or truncated ({error})") from None
    if manifest is None:
        raise BackupError(f"{path}: no {MANIFEST}; this is not an ICIS backup")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path}: format {manifest.get('format') if isinstance(manifest, dict) else None!r}, expected {FORMAT!r}"
        )
    unpacked = Unpacked(manifest=manifest, folder=folder)
    try:
        expected = {f"tables/{t}.jsonl": (meta["sha256"], None) for t, meta in manifest["tables"].items()}
        expected.update({f"media/{n}": (meta["sha256"], meta["size"]) for n, meta in manifest["media"].items()})
        [(meta["rows"], list(meta["columns"])) for meta in manifest["tables"].values()]
        list(manifest["migrations"])
    except (KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path}: {MANIFEST} is incomplete or malformed ({error!r})") from None
    missing = sorted(set(expected) - set(members))
    extra = sorted(set(members) - set(expected))
    if missing or extra:
        raise BackupError(
            f"{path}: the archive does not match its manifest (missing: {', '.join(missing[:5]) or 'none'}; "
            f"not listed: {', '.join(extra[:5]) or 'none'})"
        )
    for name, (sha, size) in expected.items():
        target, actual_sha, actual_size = members[name]
        if actual_sha != sha or (size is not None and actual_size != size):
            raise BackupError(f"{path}: {name} is damaged (checksum differs from the manifest)")
        if name.startswith("tables/"):
            unpacked.tables[name[len("tables/") : -len(".jsonl")]] = target
        else:
            unpacked.media[name[len("media/") :]] = target
    return unpacked


def _nonempty_tables(using: str) -> list[str]:
    connection = connections[using]
    busy = []
    with connection.cursor() as cursor:
        for table in table_models(using):
            if table in SEEDED_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                busy.append(table)
    return busy


def check_target(unpacked: Unpacked, *, using: str = DEFAULT_DB_ALIAS, storage=None) -> None:
    """Refuse anything but an empty database at the backup's migration state, with no file in the way."""
    storage = storage or default_storage
    manifest = unpacked.manifest
    here = set(applied_migrations(using))
    there = set(manifest["migrations"])
    if here != there:
        only_backup, only_here = sorted(there - here), sorted(here - there)
        raise BackupError(
            "The database is not at the backup's migration state. "
            f"Applied in the backup only: {', '.join(only_backup[:10]) or 'none'}; "
            f"applied here only: {', '.join(only_here[:10]) or 'none'}. "
            "Restore into an empty database migrated with the same ICIS version "
            f"({manifest.get('app_version')})."
        )
    tables = table_models(using)
    for table, meta in manifest["tables"].items():
        model = tables.get(table)
        if model is None:
            raise BackupError(f"The backup holds table {table}, which this database does not have.")
        columns = [f.column for f in concrete_fields(model)]
        if columns != meta["columns"]:
            raise BackupError(
                f"Table {table}: the backup's columns {meta['columns']} differ from this database's {columns}."
            )
    busy = _nonempty_tables(using)
    if busy:
        raise BackupError(
            "The database is not empty: "
            f"{', '.join(busy[:10])}{' …' if len(busy) > 10 else ''} already hold rows. Restore goes only into an "
            "empty database: create a new one, run `manage.py migrate`, then restore."
        )
    clashes = [name for name in unpacked.media if storage.exists(name)]
    if clashes:
        raise BackupError(
            f"The upload storage already holds {len(clashes)} of the backup's files (e.g. {clashes[0]}). "
            "Restore into an empty upload folder."
        )


def _insert_table(model, source: Path, using: str, rows_expected: int) -> None:
    connection = connections[using]
    fields = concrete_fields(model)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    rows = 0
    with open(source, "rb") as handle, connection.cursor() as cursor:
        handle.readline()  # the header, already compared with the model's columns
        batch = []
        for number, line in enumerate(handle, start=2):
            try:
                values = json.loads(line)
                if len(values) != len(fields):
                    raise ValueError(f"{len(values)} values for {len(fields)} columns")
                batch.append(
                    [f.get_db_prep_save(decode(f, v), connection) for f, v in zip(fields, values, strict=True)]
                )
            except Exception as error:
                raise BackupError(f"Table {model._meta.db_table}, line {number}: {error}") from None
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                rows += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            rows += len(batch)
    if rows != rows_expected:
        raise BackupError(f"Table {model._meta.db_table}: {rows} rows read, the manifest says {rows_expected}.")


def restore(path: Path, *, using: str = DEFAULT_DB_ALIAS, storage=None, dry_run: bool = False) -> dict:
    """Restore a backup into an empty migrated database, all or nothing. Returns the manifest."""
    storage = storage or default_storage
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="icis-restore-") as scratch:
        unpacked = unpack(Path(path), Path(scratch))
        check_target(unpacked, using=using, storage=storage)
        if dry_run:
            return unpacked.manifest
        tables = table_models(using)
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                with connection.cursor() as cursor:
                    for table in SEEDED_TABLES & set(tables):
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                for table, meta in unpacked.manifest["tables"].items():
                    try:
                        _insert_table(tables[table], unpacked.tables[table], using, meta["rows"])
                    except BackupError:
                        raise
                    except Exception as error:
                        raise BackupError(f"Table {table}: {error}") from None
                try:
                    connection.check_constraints()
                except Exception as error:
                    raise BackupError(f"The restored rows break a constraint: {error}") from None
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), list(tables.values())):
                        cursor.execute(statement)
                for name, source in unpacked.media.items():
                    with open(source, "rb") as handle:
                        saved = storage.save(name, File(handle, name=name))
                    written.append(saved)
                    if saved != name:
                        raise BackupError(f"The upload storage renamed {name} to {saved}; nothing was restored.")
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
        finally:
            ContentType.objects.clear_cache()
    return unpacked.manifest
