"""What an import must remember of the rows above it (a tax code's first row and name, a project's key and land),
kept on disk, so that memory stays flat in the file's size (issue 16).

`DiskKeys` maps a text key to a fixed list of facts in a private temporary SQLite database: SQLite's empty file
name, a file in the temporary directory that SQLite deletes when the connection closes, with a page cache capped
at `CACHE_KIB`. The rows of one batch work on a plain dict in front of it: `load` reads the batch's keys in one
query per `CHUNK`, `get` reads any other key on its own, `put` changes the dict only, and `flush` writes what
changed in one statement and forgets the dict. What lives in Python is one batch's keys, whatever the file's size;
the disk holds about 100 bytes a key.

The keys are exact texts (no hashing, so no collision to guard against). Only the caller's own column names are
written into the SQL; keys and facts are always parameters.
"""

import sqlite3
from collections.abc import Iterable

CACHE_KIB = 2048  # SQLite's page cache for one store; the rest of its pages stay on disk
CHUNK = 500  # keys in one IN (…) query, well under SQLite's limit on parameters


class DiskKeys:
    """Text key → a list of facts (one value per column), on disk, with one batch's keys in a dict in front."""

    def __init__(self, *columns: str):
        self.db = sqlite3.connect("")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")  # a scratch table: nothing to recover after a crash
        self.db.execute("PRAGMA synchronous = OFF")
        names = ", ".join(columns)
        self.db.execute(f"CREATE TABLE keys (key TEXT PRIMARY KEY NOT NULL, {names}) WITHOUT ROWID")
        marks = ", ".join("?" * (len(columns) + 1))
        self._select_one = f"SELECT {names} FROM keys WHERE key = ?"
        self._select_many = f"SELECT key, {names} FROM keys WHERE key IN "
        self._replace = f"INSERT OR REPLACE INTO keys (key, {names}) VALUES ({marks})"
        self._add = f"INSERT OR IGNORE INTO keys (key, {names}) VALUES ({marks})"
        self.cache: dict[str, list | None] = {}  # None: known to be absent
        self.dirty: set[str] = set()

    def get(self, key: str) -> list | None:
        """The facts kept for `key` (the same list until `flush`: change it, then `put` it), or None."""
        try:
            return self.cache[key]
        except KeyError:
            row = self.db.execute(self._select_one, (key,)).fetchone()
            facts = self.cache[key] = None if row is None else list(row)
            return facts

    def put(self, key: str, facts: list) -> None:
        self.cache[key] = facts
        self.dirty.add(key)

    def load(self, keys: Iterable[str]) -> None:
        """Read the facts of these keys (a batch's) in a few queries, so that `get` finds them in the dict."""
        wanted = [key for key in dict.fromkeys(keys) if key not in self.cache]
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for key in chunk:
                self.cache[key] = None
            query = self._select_many + "(" + ", ".join("?" * len(chunk)) + ")"
            for key, *facts in self.db.execute(query, chunk):
                self.cache[key] = facts

    def add_many(self, rows: Iterable[tuple]) -> None:
        """Write (key, fact, …) rows straight to disk, the first one given for a key kept; nothing is cached."""
        self.flush()
        with self.db:
            self.db.executemany(self._add, rows)

    def flush(self) -> None:
        """Write the changed keys to disk and forget the dict."""
        if self.dirty:
            cache = self.cache
            with self.db:
                self.db.executemany(self._replace, ((key, *cache[key]) for key in self.dirty))
        self.cache, self.dirty = {}, set()

    def close(self) -> None:
        self.db.close()  # SQLite deletes the file
