"""Uploaded files by URL: an equipment's photo and manual are public; nothing else under MEDIA_ROOT is."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
STORED = [
    "labs/photos/cell.png",
    "labs/photos/other.png",
    "labs/manuals/manual.pdf",
    "labs/manuals/notes.html",
    "labs/manuals/cell.png",
]


@pytest.fixture
def files(labs):  # type: ignore[no-untyped-def]
    for name in STORED:  # the in-memory storage outlives a test: start without them, for exact names
        default_storage.delete(name)
    labs.robot.photo.save("cell.png", ContentFile(PNG))
    labs.robot.manual.save("manual.pdf", ContentFile(b"%PDF-1.7 manual"))
    labs.plc.manual.save("notes.html", ContentFile(b"<script>alert(1)</script>"))
    return labs


def test_equipment_photo_and_manual_are_public_at_their_storage_url(client, files):
    page = client.get(f"/labs/equipment/{files.robot.pk}/")
    assert f'src="{files.robot.photo.url}"'.encode() in page.content
    assert files.robot.photo.url == "/media/labs/photos/cell.png"

    photo = client.get(files.robot.photo.url)
    assert (photo.status_code, photo["Content-Type"], b"".join(photo.streaming_content)) == (200, "image/png", PNG)
    assert photo["Content-Disposition"] == 'inline; filename="cell.png"'
    assert photo["X-Content-Type-Options"] == "nosniff"

    manual = client.get(files.robot.manual.url, HTTP_RANGE="bytes=0-3")
    assert (manual.status_code, manual["Content-Type"], b"".join(manual.streaming_content)) == (
        206,
        "application/pdf",
        b"%PDF",
    )


def test_a_file_of_another_type_is_a_download_never_shown_inline(client, files):
    response = client.get(files.plc.manual.url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/octet-stream")
    assert response["Content-Disposition"] == 'attachment; filename="notes.html"'


@pytest.mark.parametrize(
    "path",
    [
        "/media/labs/photos/other.png",  # stored, but no equipment names it
        "/media/labs/manuals/cell.png",  # a photo's name under the manuals folder
        "/media/labs/secret/cell.png",  # not a public folder
        "/media/labs/photos/../manuals/manual.pdf",
        "/media/labs/photos/missing.png",
    ],
)
def test_only_files_an_equipment_names_are_served(client, files, path):
    default_storage.save("labs/photos/other.png", ContentFile(PNG))
    default_storage.save("labs/manuals/cell.png", ContentFile(PNG))
    assert client.get(path).status_code == 404


def test_lesson_files_and_import_uploads_have_no_url(settings):
    settings.DEBUG = True  # not even while developing: lesson files are served after their access check
    for path in ("/media/lessons/2026/11/lecture.mp4", "/media/imports/abc", "/media/labs/cell.png"):
        with pytest.raises(Resolver404):
            resolve(path)
