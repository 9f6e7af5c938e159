"""Compact cross-row keys for the checks of a large file: what an import must remember of the rows above (a tax
code's first row and name, a project's key and land) without a Python object per row.

`TextIndex` maps a text to a dense entry number (0, 1, 2…): an 8-byte hash of each text in an open-addressing
table (two flat arrays) and the texts themselves in one UTF-8 buffer. A hash match is only a candidate: it is
confirmed against the stored text, and a different text with the same hash (a collision) is probed past, so a
lookup never answers for another key. Callers keep what they know of each entry in parallel `array`s indexed by
the entry number. About 30–40 bytes a key plus its UTF-8 length, where a `dict` of strings and tuples (and the
objects it points to) takes several hundred.
"""

from array import array

MASK = (1 << 64) - 1


def key_hash(text: str) -> int:
    """A 64-bit hash of `text` (never 0: 0 marks an empty slot). Python's own: the table lives for one run only.
    A module function so that a test can force collisions."""
    return (hash(text) & MASK) or 1


class Texts:
    """Texts appended to one UTF-8 buffer, read back by their number."""

    __slots__ = ("buffer", "offsets")

    def __init__(self):
        self.buffer = bytearray()
        self.offsets = array("I", [0])  # 4 bytes an offset; 8 once the buffer passes 4 GiB

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def append(self, text: str) -> int:
        self.buffer += text.encode()
        try:
            self.offsets.append(len(self.buffer))
        except OverflowError:
            self.offsets = array("Q", self.offsets)
            self.offsets.append(len(self.buffer))
        return len(self.offsets) - 2

    def __getitem__(self, index: int) -> str:
        offsets = self.offsets
        return self.buffer[offsets[index] : offsets[index + 1]].decode()

    def equals(self, index: int, encoded: bytes) -> bool:
        offsets = self.offsets
        start, end = offsets[index], offsets[index + 1]
        return end - start == len(encoded) and self.buffer[start:end] == encoded


class TextIndex:
    """Exact text → entry number, compact (see the module's docstring)."""

    __slots__ = ("hashes", "entries", "texts", "mask")

    def __init__(self, capacity: int = 1024):
        self.hashes = array("Q", bytes(8 * capacity))
        self.entries = array("I", bytes(4 * capacity))  # entry number + 1; 0: empty slot
        self.texts = Texts()
        self.mask = capacity - 1

    def __len__(self) -> int:
        return len(self.texts)

    def text(self, entry: int) -> str:
        return self.texts[entry]

    def _slot(self, hashed: int, encoded: bytes) -> int:
        """The slot holding `encoded`, or the empty slot where it would go."""
        hashes, entries, texts, mask = self.hashes, self.entries, self.texts, self.mask
        slot = hashed & mask
        while entries[slot]:
            if hashes[slot] == hashed and texts.equals(entries[slot] - 1, encoded):
                return slot
            slot = (slot + 1) & mask  # empty, or another text (with the same hash or not): probe on
        return slot

    def find(self, text: str) -> int | None:
        """The entry number of `text`, or None."""
        entry = self.entries[self._slot(key_hash(text), text.encode())]
        return entry - 1 if entry else None

    def add(self, text: str) -> tuple[int, bool]:
        """(entry number of `text`, whether it was added just now)."""
        hashed, encoded = key_hash(text), text.encode()
        slot = self._slot(hashed, encoded)
        if self.entries[slot]:
            return self.entries[slot] - 1, False
        entry = self.texts.append(text)
        self.hashes[slot], self.entries[slot] = hashed, entry + 1
        if (entry + 1) * 3 > len(self.hashes) * 2:
            self._grow()
        return entry, True

    def _grow(self) -> None:
        old_hashes, old_entries = self.hashes, self.entries
        capacity = len(old_hashes) * 2
        self.hashes = array("Q", bytes(8 * capacity))
        self.entries = array("I", bytes(4 * capacity))
        self.mask = mask = capacity - 1
        hashes, entries = self.hashes, self.entries
        for hashed, entry in zip(old_hashes, old_entries, strict=True):
            if entry:
                slot = hashed & mask
                while entries[slot]:  # texts already distinct: the first empty slot
                    slot = (slot + 1) & mask
                hashes[slot], entries[slot] = hashed, entry
