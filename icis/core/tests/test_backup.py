"""Backup and restore: a restored database is the backed-up one, row for row and file for file."""

import datetime
import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection

from icis.accounts.models import AuditEvent, Scope
from icis.accounts.roles import COMMUNE_OFFICIAL
from icis.clusters.models import Cluster
from icis.core import backup as backup_module
from icis.core.backup import SEEDED_TABLES, BackupError, concrete_fields, storage_files, table_models
from icis.documents.models import Document
from icis.geo.models import Commune
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


def table_rows() -> dict[str, list[tuple]]:
    """Every managed table's rows exactly as the database returns them (no ORM conversion)."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table, model in table_models().items():
            columns = ", ".join(quote(f.column) for f in concrete_fields(model))
            cursor.execute(f"SELECT {columns} FROM {quote(table)} ORDER BY {quote(model._meta.pk.column)}")
            rows[table] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor]
    return rows


def files() -> dict[str, bytes]:
    result = {}
    for name in storage_files():
        with default_storage.open(name, "rb") as handle:
            result[name] = handle.read()
    return result


def empty_the_database():
    """What a fresh `migrate` leaves: rows only in the seeded tables; sequences back at the start."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in table_models():
            if table not in SEEDED_TABLES:
                cursor.execute(f"DELETE FROM {quote(table)}")
        for statement in connection.ops.sequence_reset_sql(no_style(), list(table_models().values())):
            cursor.execute(statement)
    for name in storage_files():
        default_storage.delete(name)


@pytest.fixture
def system(hanoi):
    """Some of everything: clusters with history, a scoped official (role and scope events), a document with
    a file, microsecond timestamps, Vietnamese text."""
    cluster = make_cluster(
        name="Cụm công nghiệp Phú Xuyên", area_ha="37.78", communes=[Commune.objects.get(code="10273")]
    )
    make_cluster(name="Cụm thứ hai")
    person("commune-official", COMMUNE_OFFICIAL, communes=["10273"])
    document = Document.objects.create(
        doc_type="decision", number="1292/QĐ-UBND", year=2018, issuer="UBND Thành phố Hà Nội"
    )
    document.file.save("quyet-dinh.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    document.clusters.add(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(
        created_at=datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    )
    default_storage.save("visits/2025/anh.jpg", ContentFile(b"\xff\xd8\xff photo bytes"))
    return cluster


def test_a_restore_into_an_empty_database_gives_back_every_row_and_file(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    before_rows, before_files = table_rows(), files()
    assert before_rows["clusters_cluster"] and before_files

    empty_the_database()
    assert not Cluster.objects.exists() and not storage_files()
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    after_rows = table_rows()
    assert after_rows.keys() == before_rows.keys()
    for table in before_rows:
        assert after_rows[table] == before_rows[table], table
    assert files() == before_files
    restored = Cluster.objects.get(pk=system.pk)
    assert restored.created_at == datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    assert "restored" in out.getvalue()
    # Sequences follow the restored rows (PostgreSQL): a new row does not collide with a restored one.
    assert make_cluster(name="Cụm mới").pk > max(row[0] for row in before_rows["clusters_cluster"])


def test_a_restore_writes_no_signal_events_and_no_history(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    counts = (AuditEvent.objects.count(), Scope.objects.count(), Cluster.history.count())
    empty_the_database()
    backup_module.restore(archive)
    assert (AuditEvent.objects.count(), Scope.objects.count(), Cluster.history.count()) == counts


def test_the_manifest_names_migrations_version_and_checksums(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and sessions are inside
    assert manifest["format"] == "icis-backup/1"
    assert "clusters.0001_initial" in manifest["migrations"]
    assert manifest["app_version"]
    assert manifest["tables"]["clusters_cluster"]["rows"] == Cluster.objects.count()
    assert len(manifest["tables"]["clusters_cluster"]["sha256"]) == 64
    assert "media/visits/2025/anh.jpg" in names and "visits/2025/anh.jpg" in manifest["media"]
    # The model that only carries permissions has no table and is simply not in the backup.
    assert "reporting_areareport" not in manifest["tables"]


def test_a_database_with_rows_is_refused_and_left_alone(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    before = table_rows()
    with pytest.raises(CommandError, match="not empty: .*clusters_cluster"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert table_rows() == before


def test_files_already_in_the_upload_folder_are_refused(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    empty_the_database()
    default_storage.save("visits/2025/anh.jpg", ContentFile(b"someone else's"))
    with pytest.raises(BackupError, match="already holds 1 of the backup's files"):
        backup_module.restore(archive)
    assert not Cluster.objects.exists()


def rewrite(archive, target, *, manifest=None, member=None, content=None, fix_checksum=False):
    """A copy of the backup with the manifest or one member changed."""
    with tarfile.open(archive, "r:gz") as tar:
        entries = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    data = json.loads(entries["manifest.json"])
    if member:
        entries[member] = content
        if fix_checksum:
            import hashlib

            table = member[len("tables/") : -len(".jsonl")]
            data["tables"][table]["sha256"] = hashlib.sha256(content).hexdigest()
    if manifest:
        manifest(data)
    entries["manifest.json"] = json.dumps(data).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, payload in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return target


def test_another_migration_state_is_refused(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    empty_the_database()
    other = rewrite(
        archive, tmp_path / "other.tar.gz", manifest=lambda m: m["migrations"].append("clusters.9999_future")
    )
    with pytest.raises(BackupError, match="not at the backup's migration state.*clusters.9999_future"):
        backup_module.restore(other)


def test_a_damaged_archive_is_refused_before_anything_is_written(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    empty_the_database()
    with tarfile.open(archive, "r:gz") as tar:
        original = tar.extractfile("tables/clusters_cluster.jsonl").read()
    damaged = rewrite(archive, tmp_path / "bad.tar.gz", member="tables/clusters_cluster.jsonl", content=original[:-5])
    with pytest.raises(BackupError, match="clusters_cluster.jsonl is damaged"):
        backup_module.restore(damaged)
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(BackupError, match="damaged or truncated|not a readable"):
        backup_module.restore(truncated)
    assert not Cluster.objects.exists() and not storage_files()


def test_a_row_that_breaks_a_constraint_rolls_everything_back(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    empty_the_database()
    with tarfile.open(archive, "r:gz") as tar:
        lines = tar.extractfile("tables/clusters_clustercommune.jsonl").read().splitlines()
    header = json.loads(lines[0])["columns"]
    row = json.loads(lines[1])
    row[header.index("cluster_id")] = 987654  # a cluster that does not exist
    content = b"\n".join([lines[0], json.dumps(row).encode(), *lines[2:]]) + b"\n"
    broken = rewrite(
        archive,
        tmp_path / "fk.tar.gz",
        member="tables/clusters_clustercommune.jsonl",
        content=content,
        fix_checksum=True,
    )
    with pytest.raises(BackupError, match="constraint|clusters_clustercommune"):
        backup_module.restore(broken)
    assert not Cluster.objects.exists() and not storage_files()


def test_a_dry_run_checks_and_writes_nothing(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    backup_module.backup(archive)
    empty_the_database()
    out = io.StringIO()
    call_command("restore", str(archive), dry_run=True, stdout=out)
    assert "would restore" in out.getvalue()
    assert not Cluster.objects.exists() and not storage_files()


def test_a_fresh_database_has_rows_only_in_the_seeded_tables():
    """`migrate` fills only SEEDED_TABLES; a new data migration must add its tables there, or restore would
    call every freshly migrated database non-empty."""
    assert backup_module._nonempty_tables("default") == []


def test_an_existing_backup_is_never_overwritten(system, tmp_path):
    archive = tmp_path / "icis.tar.gz"
    archive.write_bytes(b"precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"precious"


def test_loading_a_scope_from_a_fixture_records_no_scope_event(hanoi):
    """loaddata replays rows (raw=True): no scope was granted, so no audit event, and no crash."""
    from django.core import serializers

    official = person("official", COMMUNE_OFFICIAL, communes=["10273"])
    data = serializers.serialize("json", Scope.objects.filter(user=official))
    Scope.objects.filter(user=official).delete()
    events = AuditEvent.objects.count()
    for item in serializers.deserialize("json", data):
        item.save()
    assert Scope.objects.filter(user=official).count() == 1
    assert AuditEvent.objects.count() == events


def test_dumpdata_passes_by_models_without_a_table(db):
    """The probe: `dumpdata` crashed on `reporting.AreaReport`, which only carries permissions."""
    out = io.StringIO()
    call_command("dumpdata", "reporting", "geo.province", stdout=out)
    assert out.getvalue().startswith("[")
