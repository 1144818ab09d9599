"""Photos sent with the homepage form: up to five, the type read from the content, the size capped, every
piece of metadata dropped, and the photo's location kept only when the resident agreed. A refused photo is
explained in the reader's language and stores nothing."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from sotong.voice.choices import LocationSource
from sotong.voice.models import Attachment, Case
from sotong.voice.tests.test_web_intake_flow import form_data

pytestmark = pytest.mark.django_db

MAKE, MODEL, GPS_IFD = 0x010F, 0x0110, 0x8825


def camera_jpeg(name: str = "보도.jpg") -> SimpleUploadedFile:
    """A phone photo: camera make and model, and where it was taken (near 당산역)."""
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    exif[MODEL] = "Model X"
    exif[GPS_IFD] = {
        1: "N",
        2: (IFDRational(37), IFDRational(31), IFDRational(264, 10)),
        3: "E",
        4: (IFDRational(126), IFDRational(53), IFDRational(564, 10)),
    }
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 140, 160)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def send(prefix: str = "/", **fields: Any) -> Any:
    return Client().post(prefix + "voice/", form_data(**fields))


def stored_exif(attachment: Attachment) -> dict[int, Any]:
    with attachment.file.open("rb") as handle, Image.open(handle) as image:
        return dict(image.getexif())


def test_a_photo_is_stored_without_its_metadata_or_location_unless_the_resident_agreed(district: Any) -> None:
    response = send(photos=[camera_jpeg()])
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.content_type == "image/jpeg" and (attachment.width, attachment.height) == (640, 480)
    assert attachment.lat is None and attachment.lon is None
    assert case.lat is None and case.location_source != LocationSource.PHOTO
    assert stored_exif(attachment) == {}  # no camera, no GPS, nothing


def test_with_consent_the_photos_location_places_the_case(district: Any) -> None:
    response = send(photos=[camera_jpeg()], consent_photo_location="on")
    assert response.status_code == 302
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert (attachment.lat, attachment.lon) == (Decimal("37.524000"), Decimal("126.899000"))
    assert (case.lat, case.lon, case.location_source) == (
        Decimal("37.524000"),
        Decimal("126.899000"),
        LocationSource.PHOTO,
    )
    assert stored_exif(attachment) == {}  # the location is kept in the case, not in the file


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile(
                "사진.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
            ),
            "사진 파일이 아니거나 손상된 파일입니다: 사진.jpg",
        ),
        (
            SimpleUploadedFile("scan.png", b"%PDF-1.7\n" + os.urandom(2000), content_type="image/png"),
            "사진 파일이 아니거나 손상된 파일입니다: scan.png",
        ),
    ],
    ids=["html-named-jpg", "pdf-named-png"],
)
def test_a_disguised_file_is_refused_and_nothing_is_stored(
    district: Any, upload: SimpleUploadedFile, message: str
) -> None:
    response = send(photos=[camera_jpeg(), upload])
    assert response.status_code == 200
    assert message in response.text
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_picture_of_a_type_not_accepted_is_refused(district: Any) -> None:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(out, format="GIF")
    response = send(photos=[SimpleUploadedFile("움짤.gif", out.getvalue(), content_type="image/gif")])
    assert response.status_code == 200
    assert "JPEG, PNG, WebP, HEIC 사진만 올릴 수 있습니다." in response.text
    assert Case.objects.count() == 0


def test_an_oversized_photo_is_refused_with_the_limit(district: Any, settings: Any) -> None:
    settings.VOICE_MAX_PHOTO_BYTES = 1024 * 1024
    out = io.BytesIO()
    Image.frombytes("RGB", (1024, 1024), os.urandom(1024 * 1024 * 3)).save(out, format="PNG")
    assert len(out.getvalue()) > 1024 * 1024
    response = send(photos=[SimpleUploadedFile("큰사진.png", out.getvalue(), content_type="image/png")])
    assert response.status_code == 200
    assert "사진 한 장은 1MB까지 올릴 수 있습니다" in response.text
    assert Case.objects.count() == 0


def test_more_than_five_photos_are_refused(district: Any) -> None:
    response = send(photos=[camera_jpeg(f"{n}.jpg") for n in range(6)])
    assert response.status_code == 200
    assert "사진은 5장까지 올릴 수 있습니다." in response.text
    assert Case.objects.count() == 0


def test_an_english_reader_is_told_in_english(district: Any) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"not a picture at all", content_type="image/jpeg")
    response = send(prefix="/en/", photos=[upload])
    assert response.status_code == 200
    assert "The file is not a photo or is damaged: photo.jpg" in response.text
    assert "사진 파일이 아니거나" not in response.text
    assert Case.objects.count() == 0
