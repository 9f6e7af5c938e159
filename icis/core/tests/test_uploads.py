"""Uploads are judged by their content, and served only to users who may see the record that owns them."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve
from PIL import Image, PngImagePlugin

from icis.accounts.roles import COMMUNE_OFFICIAL, TENANT
from icis.core import uploads
from icis.core.media import USER_FILE_CSP, media_file
from icis.documents.models import Document
from icis.geo.models import Commune
from icis.inspections import services as inspections
from icis.inspections.models import Evidence
from icis.testing import files
from icis.testing.factories import english, make_cluster, person

en = pytest.fixture(english)


def check(name: str, data: bytes, kind: str = uploads.DOCUMENT) -> uploads.Checked:
    return uploads.check_bytes(data, name, kind)


def refused(name: str, data: bytes, kind: str = uploads.DOCUMENT) -> str:
    with pytest.raises(uploads.FileRefused) as caught:
        check(name, data, kind)
    return caught.value.message


# --- images -----------------------------------------------------------------------------------------------------


def test_a_jpeg_with_html_appended_is_stored_without_it(en):
    polyglot = files.jpeg() + b"<html><script>alert(document.cookie)</script></html>"
    checked = check("site.jpg", polyglot, uploads.PHOTO)
    assert checked.kind == "jpeg" and b"<script" not in checked.content
    assert Image.open(io.BytesIO(checked.content)).size == (8, 6)


def test_a_jpeg_with_a_zip_appended_is_stored_without_it(en):
    archive = files.docx()
    checked = check("site.jpg", files.jpeg() + archive, uploads.PHOTO)
    assert b"PK\x03\x04" not in checked.content
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(checked.content))


def test_a_png_loses_text_chunks_with_script(en):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    assert b"<script>" in out.getvalue()
    assert b"<script>" not in check("p.png", out.getvalue(), uploads.PHOTO).content


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1)//;", "not an accepted file type"),
        ("x.gif", files.image("GIF"), "not an accepted file type"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not an accepted file type",
        ),
        ("x.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script>", "not an image ICIS accepts"),
        ("x.jpg", files.png(), "named .jpg but contains a PNG file"),
        ("x.png", b"", "is empty"),
    ],
    ids=["gif-js polyglot", "real gif", "svg with script", "jpeg header then html", "renamed png", "empty"],
)
def test_hostile_or_wrong_photos_are_refused(en, name, data, message):
    assert message in refused(name, data, uploads.PHOTO)


def test_an_image_bomb_is_refused_before_decoding(en):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    assert len(out.getvalue()) < 1024 * 1024
    assert "10000 × 10000 pixels" in refused("bomb.png", out.getvalue(), uploads.PHOTO)


# --- documents ----------------------------------------------------------------------------------------------------


def test_real_documents_pass(en):
    assert check("qd.pdf", files.pdf()).kind == "pdf"
    assert check("bao-cao.docx", files.docx()).kind == "docx"
    assert check("anh.png", files.png()).kind == "png"


HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/')</script></body></html>"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.html", HTML, "not an accepted file type"),
        ("page.pdf", HTML, "not an accepted file type"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not an accepted file type"),
        ("x.js", b"alert(1)", "not an accepted file type"),
        ("x.webp", files.image("WEBP"), "not an image ICIS accepts (JPEG, PNG)"),
        ("qd.pdf", files.pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "active content (javascript)"),
        ("qd.pdf", files.pdf(b"/OpenAction << /S /J#61vaScript >>"), "active content (javascript)"),
        ("qd.pdf", files.pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "active content (launch)"),
        ("qd.pdf", files.pdf(b"/Names << /EmbeddedFiles 4 0 R >>"), "active content (embeddedfile)"),
        ("qd.pdf", files.pdf() + b"<html><script>x</script>", "web page markup"),
        ("qd.pdf", files.pdf()[:-6], "not a complete PDF"),
        ("qd.pdf", files.pdf(b"(<html><body>)"), "web page markup"),
        ("bc.docx", files.docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "contains macros"),
        (
            "bc.docx",
            files.docx(types=files.WORD_TYPES.replace(b"document.main+xml", b"document.macroEnabled.main+xml")),
            "contains macros",
        ),
        (
            "bc.docx",
            files.docx(
                {
                    "word/_rels/settings.xml.rels": b'<Relationships xmlns="urn:r"><Relationship Id="r1" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                    b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
                }
            ),
            "links to outside files",
        ),
        (
            "bc.docx",
            files.docx({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'}),
            "declares a DTD",
        ),
        ("bc.docx", b"PK\x03\x04 not really a zip", "not a valid Word"),
        ("bc.pdf", files.docx(), "named .pdf but contains a DOCX file"),
    ],
    ids=[
        "html",
        "html named pdf",
        "svg",
        "script",
        "webp is no document",
        "pdf javascript",
        "pdf hex-escaped javascript",
        "pdf launch",
        "pdf attachment",
        "pdf with html after eof",
        "pdf cut short",
        "pdf-html polyglot",
        "docx vba",
        "docm content type",
        "docx remote template",
        "docx dtd",
        "broken zip",
        "docx named pdf",
    ],
)
def test_hostile_documents_are_refused(en, name, data, message):
    assert message in refused(name, data)


def test_a_word_zip_bomb_is_refused_from_its_directory(en, settings):
    settings.ICIS_UPLOAD_MAX_INFLATED_BYTES = 1024 * 1024
    bomb = files.docx({"word/document.xml": b"<d>" + b" " * (2 * 1024 * 1024) + b"</d>"})
    assert "would unpack to 2.0 MB" in refused("bomb.docx", bomb)


def test_the_size_limit_comes_first(en, settings):
    settings.ICIS_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="largest file accepted is 1 KB"):
        uploads.sanitize(SimpleUploadedFile("big.pdf", files.pdf() + b"%" * 2000))


def test_every_stored_file_field_is_checked():
    from django.apps import apps
    from django.db import models

    fields = [f for m in apps.get_models() for f in m._meta.concrete_fields if isinstance(f, models.FileField)]
    assert fields and all(isinstance(f, uploads.UploadField) for f in fields), fields


# --- every save path: forms, admin, services, plain save() ---------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_refuses_an_svg_document_and_keeps_a_pdf(en, page):
    form = {"doc_type": "decision", "number": "12/QĐ-UBND", "year": "2024", "issuer": "UBND", "summary": ""}
    form.update({"_save": "Save", "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"})
    svg = SimpleUploadedFile("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = page.post("/admin/documents/document/add/", {**form, "file": svg})
    assert response.status_code == 200 and "map.svg is not an accepted file type" in response.content.decode()
    assert not Document.objects.filter(number="12/QĐ-UBND").exists()
    response = page.post("/admin/documents/document/add/", {**form, "file": SimpleUploadedFile("qd.pdf", files.pdf())})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Document.objects.get(number="12/QĐ-UBND").file.read().startswith(b"%PDF-1.4")


@pytest.mark.django_db
def test_a_plain_save_cannot_store_an_unchecked_file(hanoi):
    document = Document(doc_type="decision", number="1/QĐ", year=2024, issuer="UBND")
    document.file = SimpleUploadedFile("x.html", HTML)
    with pytest.raises(ValidationError), transaction.atomic():
        document.save()
    assert not Document.objects.filter(number="1/QĐ").exists()


@pytest.mark.django_db
def test_field_file_save_is_checked_too(hanoi, en):
    document = Document.objects.create(doc_type="decision", number="2/QĐ", year=2024, issuer="UBND")
    with pytest.raises(ValidationError, match="x.html is not an accepted file type"):
        document.file.save("x.html", ContentFile(HTML))
    assert not Document.objects.get(pk=document.pk).file


def site_photo(cluster, boss, upload) -> Evidence:
    """A site photo: evidence of a finding of a site visit (an inspection of the topic construction)."""
    visit = inspections.inspection_create(
        data={"subject_kind": "cluster", "cluster": cluster, "planned_month": 1}, topics=["construction"], actor=boss
    )
    finding = inspections.finding_create(
        inspection=visit, data={"topic": "construction", "description": "x"}, actor=boss
    )
    photo = Evidence(finding=finding, file=upload)
    photo.save()
    return photo


@pytest.mark.django_db
def test_a_stored_photo_is_the_re_encoded_one(hanoi, boss):
    site_photo(make_cluster(), boss, SimpleUploadedFile("a.jpg", files.jpeg() + b"<html>"))
    assert b"<html>" not in Evidence.objects.get().file.read()


# --- serving ----------------------------------------------------------------------------------------------------


@pytest.fixture
def photos(hanoi, boss):
    """A photo of a cluster in Phú Xuyên and one of a cluster elsewhere, and a general document."""
    here = Commune.objects.get(code="10273")
    elsewhere = Commune.objects.filter(province_id=here.province_id).exclude(code="10273").first()
    result = {}
    for key, commune in (("here", here), ("elsewhere", elsewhere)):
        result[key] = site_photo(make_cluster(communes=[commune]), boss, SimpleUploadedFile(f"{key}.png", files.png()))
    document = Document(doc_type="decision", number="5/QĐ", year=2024, issuer="UBND")
    document.file = SimpleUploadedFile("qd.pdf", files.pdf())
    document.save()
    result["document"] = document
    return result


def test_media_urls_go_to_the_scoped_view_even_in_development():
    assert resolve("/media/visits/2025/a.png").func is media_file


@pytest.mark.django_db
def test_anonymous_users_get_no_media(client, photos):
    response = client.get(photos["here"].file.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_an_official_gets_photos_in_scope_only(client, photos):
    client.force_login(person("official", COMMUNE_OFFICIAL, communes=["10273"]))
    response = client.get(photos["here"].file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == USER_FILE_CSP and "sandbox" in USER_FILE_CSP
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(photos["elsewhere"].file.url).status_code == 404


@pytest.mark.django_db
def test_documents_download_as_attachments_and_need_the_view_permission(client, photos):
    client.force_login(person("official", COMMUNE_OFFICIAL, communes=["10273"]))
    response = client.get(photos["document"].file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")
    client.force_login(person("tenant-user", TENANT))
    assert client.get(photos["document"].file.url).status_code == 404
    assert client.get(photos["here"].file.url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/media/../config/settings/base.py", "/media/visits/2025/none.png", "/media/%2e%2e/secret", "/media/"]
)
def test_unknown_or_escaping_media_paths_are_404(page, photos, path):
    assert page.get(path).status_code == 404
