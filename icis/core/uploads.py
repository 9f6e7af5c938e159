"""Uploaded files checked by what they contain, not by their names (docs/security.md, "Uploaded files").

Every stored upload goes through one check, `sanitize(upload, kind)`, wired into models by `UploadField`
(a FileField whose validator runs in forms and full_clean, and which re-checks in pre_save, so no save path
skips it):

- images (JPEG, PNG, WebP) are decoded with Pillow and re-encoded from their pixels: whatever rides along
  (HTML or a zip appended to a JPEG, script in a comment or in metadata) is not in the stored file. GIF, SVG
  and anything Pillow cannot decode are refused.
- PDFs must start with the PDF header, end with %%EOF, and carry no JavaScript, launch actions, embedded
  files or forms (XFA); HTML or script markers near the start (polyglots) are refused.
- Word and Excel files (DOCX, XLSX) must be real Office Open XML packages: a zip within size, entry and
  compression-ratio limits (`inspect_zip`, also used for the tenant-list import), the main document type in
  [Content_Types].xml, no macros, ActiveX or embedded objects, no DTD in any XML part, no external
  relationships other than hyperlinks.
- the file name's extension must agree with the content.
"""

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO = "photo"  # site photos: JPEG, PNG, WebP
DOCUMENT = "document"  # evidence documents: PDF, DOCX, XLSX, JPEG, PNG

IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
ACCEPTED = {
    PHOTO: ("jpeg", "png", "webp"),
    DOCUMENT: ("pdf", "docx", "xlsx", "jpeg", "png"),
}
EXTENSIONS = {
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "webp": (".webp",),
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OOXML_MAIN_TYPES = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ),
}
MACRO_MARKERS = ("macroenabled", "vbaproject", "activex", "macrosheet", "oleobject")
MAX_PIXELS = 50_000_000  # a 50-megapixel photo decodes to ~150 MB; larger is a decompression bomb
ZIP_MAX_ENTRIES = 1000
ZIP_RATIO_MIN_BYTES = 1024 * 1024  # the per-part ratio only matters for parts that inflate to something big
# Names of active content. Not /JS alone: three bytes turn up by chance in compressed streams.
PDF_FORBIDDEN = (b"/javascript", b"/launch", b"/embeddedfile", b"/xfa", b"/richmedia", b"/submitform")
MARKUP = re.compile(rb"<\s*(html|script|body|svg|iframe|!doctype)", re.IGNORECASE)


class FileRefused(ValueError):
    """An upload refused before anything parses or stores it; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# --- zip packages (XLSX, DOCX) -----------------------------------------------------------------------------------


def inspect_zip(archive: zipfile.ZipFile, *, max_inflated: int, max_ratio: int, max_entries: int = ZIP_MAX_ENTRIES):
    """Refuse a zip bomb from its directory alone, before any part is inflated: too many entries, too many bytes
    once inflated in total, or compressed far beyond what real documents are."""
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise FileRefused(
            _(
                "The file holds %(count)s parts, more than the %(limit)s a workbook may have: it looks like a zip "
                "bomb and was not opened."
            )
            % {"count": len(infos), "limit": max_entries}
        )
    inflated = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if inflated > max_inflated:
        raise FileRefused(
            _(
                "The file would unpack to %(size)s, more than the %(limit)s allowed: it looks like a zip bomb and "
                "was not opened."
            )
            % {"size": megabytes(inflated), "limit": megabytes(max_inflated)}
        )
    too_packed = inflated > ZIP_RATIO_MIN_BYTES and inflated > max_ratio * max(packed, 1)
    for info in infos:
        if info.file_size > ZIP_RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            too_packed = True
    if too_packed:
        raise FileRefused(
            _(
                "The file is compressed more than %(ratio)s times, far more than a real workbook: it looks like a "
                "zip bomb and was not opened."
            )
            % {"ratio": max_ratio}
        )


def _ooxml_kind(data: bytes, name: str) -> str:
    """'docx' or 'xlsx' for a clean Office package; FileRefused otherwise."""
    damaged = FileRefused(
        _("%(name)s is not a valid Word (.docx) or Excel (.xlsx) file, or it is damaged.") % {"name": name}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise damaged from None
    with archive:
        inspect_zip(
            archive, max_inflated=settings.ICIS_UPLOAD_MAX_INFLATED_BYTES, max_ratio=settings.ICIS_IMPORT_MAX_RATIO
        )
        names = [info.filename for info in archive.infolist()]
        for info in archive.infolist():
            lowered = info.filename.lower()
            parts = lowered.split("/")
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise damaged
            if lowered.endswith(".bin") or any(p in ("activex", "embeddings", "macrosheets") for p in parts):
                raise FileRefused(_active(name, info.filename))
        if "[Content_Types].xml" not in names:
            raise damaged
        try:
            for info in archive.infolist():
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    root = SafeElementTree.fromstring(archive.read(info), forbid_dtd=True)
                    if info.filename.lower().endswith(".rels"):
                        _refuse_external(root, name)
            types = [
                (node.get("ContentType") or "").lower()
                for node in SafeElementTree.fromstring(archive.read("[Content_Types].xml"), forbid_dtd=True)
            ]
        except FileRefused:
            raise
        except DefusedXmlException:
            raise FileRefused(
                _("%(name)s declares a DTD or XML entities, which a real Office file never does.") % {"name": name}
            ) from None
        except (SafeElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise damaged from None
    for value in types:
        if any(marker in value for marker in MACRO_MARKERS):
            raise FileRefused(_active(name, value))
    for kind, mains in OOXML_MAIN_TYPES.items():
        if any(value in mains for value in types):
            return kind
    raise damaged


def _active(name: str, part: str) -> str:
    return _("%(name)s contains macros, ActiveX controls or embedded objects (%(part)s), which are not accepted.") % {
        "name": name,
        "part": part,
    }


def _refuse_external(root, name: str) -> None:
    for node in root:
        kind = (node.get("Type") or "").rsplit("/", 1)[-1]
        if (node.get("TargetMode") or "").lower() == "external" and kind != "hyperlink":
            raise FileRefused(
                _("%(name)s links to outside files or templates (%(target)s), which are not accepted.")
                % {"name": name, "target": node.get("Target") or kind}
            )


# --- PDF -----------------------------------------------------------------------------------------------------------


def _pdf_names(data: bytes) -> bytes:
    """The PDF with #xx escapes in names decoded (/J#61vaScript is /JavaScript), lower-cased."""
    return re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), data).lower()


def _check_pdf(data: bytes, name: str) -> None:
    if not re.match(rb"%PDF-[12]\.\d", data[:8]) or b"%%EOF" not in data[-2048:]:
        raise FileRefused(_("%(name)s is not a complete PDF file, or it is damaged.") % {"name": name})
    if MARKUP.search(data[:4096]):
        raise FileRefused(_("%(name)s is a PDF that also holds web page markup; it was refused.") % {"name": name})
    names = _pdf_names(data)
    for marker in PDF_FORBIDDEN:
        if marker in names:
            raise FileRefused(
                _(
                    "%(name)s contains active content (%(what)s): scripts, launch actions, attachments or forms are "
                    "not accepted. Print it to a new PDF and upload that."
                )
                % {"name": name, "what": marker.decode()[1:]}
            )


# --- images --------------------------------------------------------------------------------------------------------


def _reencode_image(data: bytes, name: str, accepted: tuple[str, ...]) -> tuple[str, bytes]:
    """Decode and re-encode from pixels only (no metadata, no trailing bytes, first frame only)."""
    not_image = FileRefused(
        _("%(name)s is not an image ICIS accepts (%(types)s), or it is damaged.")
        % {"name": name, "types": ", ".join(t.upper() for t in accepted if t in IMAGE_FORMATS.values())}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS below is stricter
            image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            kind = IMAGE_FORMATS.get(image.format or "")
            if kind not in accepted:
                raise not_image
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FileRefused(
                    _("%(name)s is %(width)s × %(height)s pixels, larger than ICIS accepts.")
                    % {"name": name, "width": width, "height": height}
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except FileRefused:
        raise
    except Image.DecompressionBombError:
        raise FileRefused(_("%(name)s has more pixels than ICIS accepts.") % {"name": name}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_image from None
    out = io.BytesIO()
    if kind == "jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "png":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=90)
    return kind, out.getvalue()


# --- the one check -------------------------------------------------------------------------------------------------


@dataclass
class Checked:
    kind: str  # 'jpeg', 'pdf', 'docx'...
    content: bytes  # what will be stored: the re-encoded image, or the file as uploaded

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def detect(data: bytes) -> str | None:
    """The kind a file's first bytes claim (not yet a verdict on the rest)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "ooxml"
    return None


def check_bytes(data: bytes, name: str, kind: str = DOCUMENT) -> Checked:
    """The verdict on an upload's content: a Checked to store, or FileRefused naming the file and the reason."""
    accepted = ACCEPTED[kind]
    limit = settings.ICIS_UPLOAD_MAX_BYTES
    if not data:
        raise FileRefused(_("%(name)s is empty.") % {"name": name})
    if len(data) > limit:
        raise FileRefused(
            _("%(name)s is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": megabytes(len(data)), "limit": megabytes(limit)}
        )
    claimed = detect(data)
    if claimed in ("jpeg", "png", "webp"):
        found, content = _reencode_image(data, name, accepted)
    elif claimed == "pdf" and "pdf" in accepted:
        _check_pdf(data, name)
        found, content = "pdf", data
    elif claimed == "ooxml" and DOCUMENT == kind:
        found, content = _ooxml_kind(data, name), data
    else:
        found, content = None, b""
    if found not in accepted:
        labels = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "pdf": "PDF", "docx": "Word (.docx)"}
        labels["xlsx"] = "Excel (.xlsx)"
        raise FileRefused(
            _("%(name)s is not an accepted file type. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(labels[t] for t in accepted)}
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[found]:
        raise FileRefused(
            _("%(name)s is named %(extension)s but contains a %(type)s file. Rename it or upload the right file.")
            % {"name": name, "extension": extension or "—", "type": found.upper()}
        )
    return Checked(kind=found, content=content)


def sanitize(upload, kind: str = DOCUMENT, name: str | None = None) -> Checked:
    """Check an uploaded file object; raises ValidationError (code `bad_file`) with the reason."""
    name = PurePath(name or getattr(upload, "name", "") or "").name
    limit = settings.ICIS_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": megabytes(size), "limit": megabytes(limit)},
            code="bad_file",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    try:
        return check_bytes(data, name, kind)
    except FileRefused as refused:
        raise ValidationError(refused.message, code="bad_file") from None


@deconstructible
class UploadValidator:
    """The model-field validator: checks new uploads only (a stored file was checked when it came in)."""

    def __init__(self, kind: str = DOCUMENT):
        self.kind = kind

    def __call__(self, value):
        if not value or getattr(value, "_committed", True):
            return
        value._icis_checked = sanitize(value.file, self.kind)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.kind == self.kind


class CheckedFieldFile(FieldFile):
    """`instance.file.save(name, content)` writes to storage before the model's pre_save: check it here too."""

    def save(self, name, content, save=True):
        checked = sanitize(content, self.field.kind, name=name)
        super().save(name, ContentFile(checked.content), save)


class UploadField(models.FileField):
    """A FileField whose uploads pass `sanitize`; what is stored is the checked content (images re-encoded)."""

    attr_class = CheckedFieldFile

    def __init__(self, *args, kind: str = DOCUMENT, **kwargs):
        self.kind = kind
        kwargs.setdefault("validators", [UploadValidator(kind)])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            checked = getattr(file, "_icis_checked", None) or sanitize(file.file, self.kind)
            file.file = ContentFile(checked.content, name=file.name)
        return super().pre_save(model_instance, add)
