"""The signed legal texts for tests that compare the system's wording with them.

CI keeps the shared folder beside the checkout (`<repo>/../shared/law/`); `ICIS_SHARED_DIR` points
elsewhere for a local run. A missing text skips the test with the reason, never fails it.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CIRCULAR_14 = "TT-14-2024-che-do-bao-cao-mau-van-ban-CCN.txt"


def law_path(name: str) -> Path:
    shared = os.environ.get("ICIS_SHARED_DIR") or Path(settings.BASE_DIR).parent / "shared"
    return Path(shared) / "law" / name


def law_text(name: str = CIRCULAR_14) -> str:
    path = law_path(name)
    if not path.exists():
        pytest.skip(f"the signed text {name} is not at {path} (CI keeps ../shared beside the checkout)")
    return path.read_text(encoding="utf-8")


def law_block(text: str, heading: str, end: str) -> list[str]:
    """The stripped lines of one form of Appendix I, from its heading line up to the line starting with `end`."""
    lines = [line.strip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith(heading))
    last = next(i for i in range(first + 1, len(lines)) if lines[i].startswith(end))
    return lines[first:last]


def law_items(block: list[str]) -> dict[str, tuple[str, str]]:
    """Item number -> (label, unit). In the extraction each table cell is a line, in reading order."""
    items = {}
    for i, line in enumerate(block[:-2]):
        if re.fullmatch(r"\d+(\.\d)?", line) and block[i + 1] and not block[i + 1].startswith("("):
            items.setdefault(line, (block[i + 1], block[i + 2]))
    return items


def law_sections(block: list[str]) -> dict[str, str]:
    """Section code (I, II, III) -> its heading."""
    return {line: block[i + 1] for i, line in enumerate(block[:-1]) if line in ("I", "II", "III")}


def squeeze(text: str) -> str:
    """Without whitespace: the extraction joins some lines of the signature block."""
    return re.sub(r"\s+", "", text)
