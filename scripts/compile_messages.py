"""Compile every locale/*/LC_MESSAGES/*.po to its .mo with polib, so no GNU gettext is needed.

Run from anywhere: `python scripts/compile_messages.py` (or `make messages`, which first runs makemessages).
Fuzzy, obsolete and untranslated entries are left out of the .mo, as msgfmt does; they are listed as warnings.
Exit status 1 when a catalogue could not be read.
"""

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"


def compile_catalogue(po_path: Path) -> list[str]:
    """Write the .mo beside `po_path`; return warnings about entries the .mo leaves out."""
    po = polib.pofile(str(po_path))
    warnings = [f"{po_path}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    warnings += [f"{po_path}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    return warnings


def main() -> int:
    catalogues = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    if not catalogues:
        print(f"No catalogue under {LOCALE_DIR}", file=sys.stderr)
        return 1
    status = 0
    for po_path in catalogues:
        try:
            warnings = compile_catalogue(po_path)
        except (OSError, ValueError) as error:
            print(f"{po_path}: {error}", file=sys.stderr)
            status = 1
            continue
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"compiled {po_path.relative_to(BASE_DIR)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
