"""Compact keys for the cross-sheet checks of a large workbook: an 8-byte hash of a text mapped to a row number,
in two flat arrays (open addressing) instead of a dict of strings and tuples. About 24 bytes a key where a
`dict[str, tuple]` takes 250–350.

A match is a match of hashes. Only the look-alike names are confirmed against the texts (`confirm_lookalikes`
reads both rows' names again); a duplicate code, document or plan entry, and the history counts, are taken on
the hash: with 64-bit keys two of 50,000 distinct codes collide with a probability of about 7 × 10⁻¹¹. An exact
in-memory text index (the tenant import's, before its keys moved to disk in icis/core/imports/spill.py) was
measured here on the synthetic 50,000-cluster workbook (309,378 rows) and doubled the check's peak memory
(9.6 → 20.2 MB) for that 1-in-10¹⁰ exactness, so this table stays.
"""

import hashlib
from array import array


def key_hash(text: str) -> int:
    """A 64-bit hash of `text`, stable across runs (never 0: 0 marks an empty slot)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1


class HashRows:
    """64-bit key hash → the first row number (0–4,294,967,295) given for it."""

    __slots__ = ("keys", "rows", "mask", "size")

    def __init__(self, capacity: int = 1024):
        self.keys = array("Q", bytes(8 * capacity))
        self.rows = array("I", bytes(4 * capacity))
        self.mask = capacity - 1
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def _slot(self, key: int) -> int:
        keys, mask = self.keys, self.mask
        slot = key & mask
        while keys[slot] and keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def get(self, key: int) -> int | None:
        slot = self._slot(key)
        return self.rows[slot] if self.keys[slot] else None

    def __contains__(self, key: int) -> bool:
        return bool(self.keys[self._slot(key)])

    def set(self, key: int, row: int) -> None:
        if self.setdefault(key, row) is not None:
            self.rows[self._slot(key)] = row

    def items(self):
        """(key, row) of every key kept, in no particular order."""
        return ((k, r) for k, r in zip(self.keys, self.rows, strict=True) if k)

    def setdefault(self, key: int, row: int) -> int | None:
        """The row already kept for `key`, or None after keeping `row` for it."""
        slot = self._slot(key)
        if self.keys[slot]:
            return self.rows[slot]
        self.keys[slot], self.rows[slot] = key, row
        self.size += 1
        if self.size * 3 > len(self.keys) * 2:
            self._grow()
        return None

    def _grow(self) -> None:
        old_keys, old_rows = self.keys, self.rows
        capacity = len(old_keys) * 2
        self.keys = array("Q", bytes(8 * capacity))
        self.rows = array("I", bytes(4 * capacity))
        self.mask = capacity - 1
        for index, key in enumerate(old_keys):
            if key:
                slot = self._slot(key)
                self.keys[slot], self.rows[slot] = key, old_rows[index]
