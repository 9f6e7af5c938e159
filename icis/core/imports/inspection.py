"""Step 1 of an import: refuse a hostile or unreadable upload before any parser sees it.

`inspect_upload(filename, data)` answers "xlsx" or "csv", or raises `UploadRefused` whose message says why
and what to do: size (ICIS_IMPORT_MAX_BYTES), magic bytes, the zip directory (entries, inflated size,
compression ratio: icis/core/uploads.py `inspect_zip`), encrypted or OLE (.xls) files, binary workbooks,
macros and ActiveX, embedded objects, external links and data connections, DTDs or entities in any XML part;
for CSV the encoding (UTF-8 only) and the number of lines (ICIS_IMPORT_MAX_ROWS).
"""

import io
import zipfile
from pathlib import PurePath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from icis.core.uploads import FileRefused, inspect_zip, megabytes

MAX_ENTRIES = 1000
HEADER_SEARCH_ROWS = 10  # a title may sit above the header row

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
MACRO_MARKERS = ("macroenabled", "vbaproject", "ms-office.activex", "ms-excel.macrosheet", "ms-excel.intlmacrosheet")


class UploadRefused(Exception):
    """A file refused before it is parsed; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_megabytes = megabytes


def inspect_upload(filename: str, data: bytes) -> str:
    """'xlsx' or 'csv' for a file that is safe to parse; UploadRefused otherwise."""
    limit = settings.ICIS_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise UploadRefused(
            _("The file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    if not data:
        raise UploadRefused(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise UploadRefused(
            _(
                "This is a password-protected (encrypted) workbook or an old Excel 97–2003 (.xls) file. Remove the "
                "password, or save it as an Excel workbook (.xlsx), and upload it again."
            )
        )
    if data.startswith(ZIP_MAGICS):
        _inspect_xlsx(data)
        return "xlsx"
    if PurePath(filename or "").suffix.lower() in (".csv", ".txt"):
        _inspect_csv(data)
        return "csv"
    raise UploadRefused(
        _("This file is not a spreadsheet ICIS can read. Upload an Excel workbook (.xlsx) or a CSV file (UTF-8).")
    )


def _not_a_workbook() -> UploadRefused:
    return UploadRefused(
        _(
            "This file is not an Excel workbook (.xlsx), or it is damaged. Open it in Excel and save it as "
            "“Excel Workbook (.xlsx)”."
        )
    )


def _inspect_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _not_a_workbook() from None
    with archive:
        try:
            inspect_zip(
                archive,
                max_inflated=settings.ICIS_IMPORT_MAX_INFLATED_BYTES,
                max_ratio=settings.ICIS_IMPORT_MAX_RATIO,
                max_entries=MAX_ENTRIES,
            )
        except FileRefused as refused:
            raise UploadRefused(refused.message) from None
        for info in infos:
            if info.flag_bits & 0x1:
                raise UploadRefused(_("Parts of this file are encrypted. Remove the password and upload it again."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _not_a_workbook()
        names = {info.filename for info in infos}
        if any(name.lower().endswith("workbook.bin") for name in names):
            raise UploadRefused(
                _("This is an Excel binary workbook (.xlsb). Save it as “Excel Workbook (.xlsx)” and upload it again.")
            )
        _refuse_active_content([name.lower() for name in names])
        if "[Content_Types].xml" not in names:
            raise _not_a_workbook()
        for info in infos:
            _refuse_unsafe_xml(archive, info)
        _check_content_types(archive.read("[Content_Types].xml"))
        for info in infos:
            if info.filename.lower().endswith(".rels"):
                _refuse_external_relationships(archive.read(info))


def _refuse_active_content(names: list[str]) -> None:
    macros = _(
        "This workbook contains macros or ActiveX controls (%(part)s), which ICIS does not accept. Save it as "
        "“Excel Workbook (.xlsx)”, without macros, and upload it again."
    )
    for name in names:
        parts = name.split("/")
        if (
            "vbaproject" in name
            or "vbadata" in name
            or any(p in ("macrosheets", "dialogsheets", "activex") for p in parts)
        ):
            raise UploadRefused(macros % {"part": name})
        if name.endswith(".bin") and not name.startswith("xl/printersettings/"):
            raise UploadRefused(macros % {"part": name})
        if "embeddings" in parts:
            raise UploadRefused(
                _(
                    "This workbook contains embedded objects (%(part)s), which ICIS does not accept. Copy the table "
                    "into a new workbook and upload that."
                )
                % {"part": name}
            )
        if "externallinks" in parts or name in ("xl/connections.xml",) or "querytables" in parts:
            raise UploadRefused(
                _(
                    "This workbook links to other files or data sources (%(part)s). Paste the values in instead of the "
                    "links (Data → Edit Links → Break Link) and upload it again."
                )
                % {"part": name}
            )


def _refuse_unsafe_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """No part of a workbook needs a DTD; one is how XML entity bombs and external entities get in.
    A DTD must come before the root element, so reading up to the first element is enough."""
    name = info.filename.lower()
    if name.endswith((".xml", ".rels")):
        try:
            with archive.open(info) as stream:
                for _event in SafeElementTree.iterparse(stream, events=("start",), forbid_dtd=True):
                    break
        except DefusedXmlException:
            raise UploadRefused(
                _(
                    "The part %(part)s of this file declares a DTD or XML entities, which a real workbook never does; "
                    "it was not opened."
                )
                % {"part": info.filename}
            ) from None
        except (SafeElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise _not_a_workbook() from None
    elif name.endswith(".vml"):
        with archive.open(info) as stream:
            head = stream.read(64 * 1024).lower()
        if b"<!doctype" in head or b"<!entity" in head:
            raise UploadRefused(
                _(
                    "The part %(part)s of this file declares a DTD or XML entities, which a real workbook never does; "
                    "it was not opened."
                )
                % {"part": info.filename}
            )


def _check_content_types(xml: bytes) -> None:
    root = SafeElementTree.fromstring(xml, forbid_dtd=True)
    types = [(node.get("ContentType") or "") for node in root]
    lowered = [value.lower() for value in types]
    for value in lowered:
        if any(marker in value for marker in MACRO_MARKERS):
            raise UploadRefused(
                _(
                    "This workbook contains macros or ActiveX controls (%(part)s), which ICIS does not accept. Save it "
                    "as “Excel Workbook (.xlsx)”, without macros, and upload it again."
                )
                % {"part": value}
            )
    if not any(value in WORKBOOK_TYPES for value in types):
        raise _not_a_workbook()


def _refuse_external_relationships(xml: bytes) -> None:
    root = SafeElementTree.fromstring(xml, forbid_dtd=True)
    for node in root:
        kind = (node.get("Type") or "").rsplit("/", 1)[-1]
        if (node.get("TargetMode") or "").lower() == "external" and kind != "hyperlink":
            raise UploadRefused(
                _(
                    "This workbook links to other files or data sources (%(part)s). Paste the values in instead of the "
                    "links (Data → Edit Links → Break Link) and upload it again."
                )
                % {"part": node.get("Target") or kind}
            )


def _inspect_csv(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(
            _(
                "This file is in UTF-16 (Excel's “Unicode Text”). In Excel, use Save As → “CSV UTF-8 (Comma "
                "delimited)”, or upload the .xlsx workbook."
            )
        )
    if b"\x00" in data:
        raise UploadRefused(
            _("This file is not a text (CSV) file. Upload an Excel workbook (.xlsx) or a CSV file (UTF-8).")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(
            _(
                "This CSV file is not in UTF-8, so Vietnamese letters would be garbled. In Excel, use Save As → "
                "“CSV UTF-8 (Comma delimited)”, or upload the .xlsx workbook."
            )
        ) from None
    limit = settings.ICIS_IMPORT_MAX_ROWS
    lines = sum(1 for line in text.splitlines() if line.strip(" \t,;"))
    if lines > limit + HEADER_SEARCH_ROWS:
        raise UploadRefused(
            _(
                "The file has %(lines)s lines; at most %(limit)s rows can be imported at once. Split it into smaller "
                "files."
            )
            % {"lines": lines, "limit": limit}
        )
