"""The compact keys of the registry check: a hash table in two arrays that behaves like a dict of first rows,
and the shared-string table kept as one UTF-8 buffer."""

from icis.core.imports.fastxlsx import SharedStrings
from icis.registry_io import imports
from icis.registry_io.compact import HashRows, key_hash


def test_hash_rows_keep_the_first_row_of_each_key_through_growth():
    rows, kept = HashRows(capacity=4), {}
    for n in range(1, 5000):
        key = key_hash(f"CCN-{n % 3000}")
        earlier = rows.setdefault(key, n)
        assert earlier == kept.get(key)
        kept.setdefault(key, n)
    assert len(rows) == len(kept) == 3000
    assert dict(rows.items()) == kept
    rows.set(key_hash("CCN-1"), 7)
    assert rows.get(key_hash("CCN-1")) == 7 and key_hash("CCN-1") in rows and key_hash("nope") not in rows


def test_shared_strings_read_back_as_written():
    table = SharedStrings()
    words = ["Cụm công nghiệp Nậm Tăm", "", "CCN-12-00001", "Đồng Văn 2"]
    for word in words:
        table.append(word)
    assert len(table) == 4 and [table[i] for i in range(4)] == words


def test_a_hash_collision_never_warns_of_a_look_alike(monkeypatch):
    """Two different core names given the same hash: the confirming pass reads both names and stays silent."""
    calls = []

    class Table:
        columns = {"code": (None, None, 0), "name": (None, None, 1)}

        def reread(self, max_col):
            return iter([(5, ["A1", "Cụm Nậm Tăm"]), (9, ["A2", "Cụm Phong Thổ"]), (12, ["A3", "CCN Nậm Tăm 2"])])

    check = imports.Check.__new__(imports.Check)
    check.tables = {imports.CLUSTERS: Table()}
    check.lookalikes = 0
    monkeypatch.setattr(check, "problem", lambda *args, **kwargs: calls.append((args, kwargs)), raising=False)
    check.confirm_lookalikes([(9, 5), (12, 5)])
    assert check.lookalikes == 1 and [c[0][1] for c in calls] == [12]
    assert "A1" in calls[0][0][3] and "5" in calls[0][0][3]
