"""The check's cross-row memory is kept on disk (icis/core/imports/spill.py: a temporary SQLite table, one
batch's keys in a dict in front of it), and says exactly what it said when it kept dicts of strings and tuples:
the same errors and notes (row, column, wording), the same summary and preview, whether a key was read ahead
with its batch or on its own, and with SQLite's page cache at its smallest. Python holds one batch's keys."""

import datetime
from decimal import Decimal

import pytest

from icis.core.imports import spill
from icis.tenancy import imports, services
from icis.tenancy.models import Tenant, TenantImport, TenantProject
from icis.tenancy.tests.test_imports import xlsx
from icis.testing.factories import english, make_cluster

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


def row(name, tax, project="", land="0,01", approval="", status="", start="01/04/2024"):
    return [name, tax, "không", "VN", "C2592", project, land, approval, "", start, "", status, ""]


def tricky_rows() -> list[list]:
    """More than a batch (500 rows) of rows, with what the cross-row checks are for spread over the batches:
    duplicates, near-duplicates, one tax code under two names, blanks, decimal commas, projects in ICIS."""
    rows = [row(f"Công ty Tổng hợp {n:04d}", f"01{n:08d}", f"Dự án {n}", approval=f"{n}/GCN") for n in range(1, 601)]
    rows += [
        row("Công ty Tổng hợp 0001", "0100000001", "Dự án 1", approval="1/GCN"),  # same key as row 2
        row("Công ty Tổng hợp 0002", "0100000002", "Dự án khác", approval="2/gcn"),  # near: case differs
        row("Công ty Tổng hợp 0003", "0100000003", "Dự án 3", approval="3/GCN-1"),  # near: a suffix
        row("CÔNG TY TỔNG HỢP 0004", "0100000004", "Dự án 4b", land="37,78"),  # name folds equal; too much land
        row("Công ty Khác", "0100000005", "Dự án 5b"),  # one tax code, two names
        row("Công ty Tổng hợp 0700", "0100000700", "Kho", land="0,25"),  # new tenant, project by name
        row("Công ty Tổng hợp 0700", "0100000700", "Kho", land="0,5"),  # its duplicate by name
        row("Công ty Tổng hợp 0700", "0100000700", "kho", land="0,5"),  # near: name case differs
        row("Công ty Tổng hợp 0700", "0100000700-001", "Kho", land="0,5"),  # a branch: another tenant
        row("", "0100000701", "Trống tên"),  # blanks
        row("Công ty Trống MST", "", "Dự án"),
        row("Công ty Trống đất", "0100000702", "Dự án", land=""),
        row("Công ty Đã có", "0109999999", "Nhà máy cũ", land="1,5"),  # in ICIS already (by name)
        row("Công ty Đã có", "0109999999", "Nhà máy mới", approval="99/GCN", land="0,2"),  # in ICIS (by number)
        row("Tên khác hẳn", "0109999999", "Nhà máy ba", land="0,1"),  # registered under another name: a note
        row("Công ty Tổng hợp 0600", "0100000600", "Dự án 600", approval="600/GCN"),  # row 601's key again
        row("Công ty Tổng hợp 0010", "0100000010", "Dự án 10", land="0,01"),  # same tax code, key by name
    ]
    return rows


@pytest.fixture
def setting(hanoi, boss):
    cluster = make_cluster(name="Cụm Khóa Gọn", area_ha=40, industrial_land_ha=Decimal("30"))
    tenant = services.tenant_create(data={"name": "Công ty Đã có", "tax_code": "0109999999"}, actor=boss)
    for name, number, land in (("Nhà máy cũ", "", "1.5"), ("Nhà máy B", "99/GCN", "2.25")):
        data = {"cluster": cluster, "tenant": tenant, "land_ha": Decimal(land), "name": name}
        services.project_create(
            data={**data, "approval_number": number, "lease_start": datetime.date(2024, 1, 1)}, actor=boss
        )
    return cluster, boss


def outcome_of(cluster, actor, content: bytes, *, commit=False, module=imports):
    record = TenantImport.objects.create(
        cluster=cluster, created_by=actor, filename="f.xlsx", file_kind="xlsx", content=content,
        sha256=imports.content_digest(content), language="en",
    )  # fmt: skip
    outcome = module.run(record, commit=commit)
    return {
        "errors": [imports.describe(p) for p in outcome.errors],
        "warnings": [imports.describe(p) for p in outcome.warnings],
        "summary": outcome.summary,
        "preview": outcome.preview,
        "valid": outcome.valid_rows,
    }


# What the check said with dicts of strings and tuples (before the compact keys), on `tricky_rows`.
SHEET = "Sheet 'Danh sách', row "
H, F, A = "column H (Số GCN đầu tư)", "column F (Tên dự án)", "column A (Tên doanh nghiệp)"


def duplicate(row: int, column: str, value: str, tax_code: str, land: str) -> str:
    return (
        f"{SHEET}{row}, {column}: '{value}': This project is already registered in cluster Cụm Khóa Gọn for tax code "
        f"{tax_code} ({land} ha). An import only adds new projects; change existing ones on the project's page, or "
        "give this one its own project name or approval number."
    )


def two_names(row: int, tax_code: str, other: str, first: int) -> str:
    return f"{SHEET}{row}, {A}: Tax code {tax_code} is given to “{other}” in row {first}; one tax code is one tenant."


EXPECTED_ERRORS = [
    duplicate(602, H, "1/GCN", "0100000001", "0.01"),
    f"{SHEET}605, column G (Diện tích đất (ha)): '37,78': Only 20.23 ha of industrial land is left in cluster Cụm "
    "Khóa Gọn (9.77 of 30 ha already taken); this project asks for 37.78 ha.",
    two_names(606, "0100000005", "Công ty Tổng hợp 0005", 6),
    duplicate(608, F, "Kho", "0100000700", "0.25"),
    f"{SHEET}611, {A}: This cell is required.",
    f"{SHEET}612, column B (Mã số thuế): This cell is required.",
    f"{SHEET}613, column G (Diện tích đất (ha)): This cell is required.",
    duplicate(614, F, "Nhà máy cũ", "0109999999", "1.5"),
    duplicate(615, H, "99/GCN", "0109999999", "2.25"),
    two_names(616, "0109999999", "Công ty Đã có", 614),
    duplicate(617, H, "600/GCN", "0100000600", "0.01"),
]
EXPECTED_SUMMARY = {
    "rows": 617,
    "projects": 606,
    "skipped": 0,
    "new_tenants": 602,
    "existing_tenants": 0,
    "land_ha": "7.28",
    "industrial_land_ha": "30",
    "land_left_before_ha": "26.25",
    "land_left_after_ha": "18.97",
    "sheet": "Danh sách",
    "header_row": 1,
}


def test_the_disk_keys_report_what_the_dicts_reported(setting):
    cluster, boss = setting
    got = outcome_of(cluster, boss, xlsx(tricky_rows()))
    assert got["errors"] == EXPECTED_ERRORS
    assert got["warnings"] == []
    assert got["summary"] == EXPECTED_SUMMARY
    assert got["valid"] == 606


@pytest.mark.parametrize("commit", [False, True])
def test_keys_read_on_their_own_in_a_tiny_cache_change_nothing(setting, monkeypatch, commit):
    """No key read ahead with its batch (each one read on its own when a row asks) and SQLite's page cache at a
    few pages (the keys go to disk): the same outcome, and the import writes the same rows."""
    cluster, boss = setting
    content = xlsx(tricky_rows())
    want = outcome_of(cluster, boss, content, commit=commit)
    written = _written(cluster)
    TenantProject.objects.filter(cluster=cluster, tenant__tax_code__startswith="0100").delete()
    Tenant.objects.filter(tax_code__startswith="0100").delete()
    monkeypatch.setattr(spill.DiskKeys, "load", lambda self, keys: None)
    monkeypatch.setattr(spill, "CACHE_KIB", 1)
    got = outcome_of(cluster, boss, content, commit=commit)
    assert got == want and got["errors"] == EXPECTED_ERRORS
    assert _written(cluster) == written
    assert len(written) == 2  # the rows have errors, so nothing of the file is kept


def test_a_good_file_imports_the_same_rows_with_keys_read_on_their_own(setting, monkeypatch):
    cluster, boss = setting
    rows = tricky_rows()
    content = xlsx(rows[:600] + [rows[n] for n in (601, 602, 605, 607, 608)])  # near-duplicates only: all good
    want = outcome_of(cluster, boss, content, commit=True)
    written = _written(cluster)
    TenantProject.objects.filter(cluster=cluster, tenant__tax_code__startswith="0100").delete()
    Tenant.objects.filter(tax_code__startswith="0100").delete()
    monkeypatch.setattr(spill.DiskKeys, "load", lambda self, keys: None)
    got = outcome_of(cluster, boss, content, commit=True)
    assert got == want and not got["errors"] and got["valid"] == 605
    assert _written(cluster) == written and len(written) == 2 + 605


def _written(cluster) -> list:
    return sorted(
        TenantProject.objects.filter(cluster=cluster).values_list(
            "tenant__tax_code", "tenant__name", "tenant__is_fdi", "name", "approval_number", "land_ha"
        )
    )


def test_python_holds_one_batch_of_keys(setting, monkeypatch):
    """Whatever the file's length, the dict in front of the disk holds the keys of one batch of rows (its tax
    codes and project keys) and no more: memory is flat in the number of rows."""
    cluster, boss = setting
    held = []
    real_flush = spill.DiskKeys.flush

    def flush(self):
        held.append(len(self.cache))
        real_flush(self)

    monkeypatch.setattr(spill.DiskKeys, "flush", flush)
    rows = [row(f"Công ty {n:05d}", f"03{n:08d}", f"Dự án {n}", land="0,001", approval=f"{n}/X") for n in range(1800)]
    got = outcome_of(cluster, boss, xlsx(rows))
    assert not got["errors"] and got["summary"]["projects"] == 1800
    assert held and max(held) <= imports.BATCH_ROWS


def test_disk_keys_keep_exact_texts():
    keys = spill.DiskKeys("row", "name")
    texts = ["Hà Nội", "Ha Noi", "HÀ NỘI", "Ha\u0300 No\u0323i", "a\x1fb", "a\x00b", "a", "", "0100000001-001"]
    for n, text in enumerate(texts):
        assert keys.get(text) is None
        keys.put(text, [n, text])
    keys.flush()
    assert keys.cache == {} and keys.get("nowhere") is None
    assert [keys.get(text) for text in texts] == [[n, text] for n, text in enumerate(texts)]
    keys.flush()
    keys.load(texts + ["absent", "Hà Nội"])
    assert keys.cache["absent"] is None and keys.cache["a\x00b"] == [5, "a\x00b"]
    facts = keys.get("a")
    facts[0] = 99
    keys.put("a", facts)
    keys.add_many([("a", 1, "first given"), ("new", 2, "first given"), ("new", 3, "second given")])
    assert keys.get("a") == [99, "a"] and keys.get("new") == [2, "first given"]  # a put is written before; first kept
    keys.close()
