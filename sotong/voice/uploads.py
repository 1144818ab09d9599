"""Checking residents' photos: the type is read from the content (never the name), the size and the
pixel count are capped, the picture is re-encoded so no metadata survives, and the photo's location
is kept only when the resident agreed to its use."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sotong.voice.services.intake import Photo

try:  # HEIC/HEIF photos from phones; pillow-heif comes with Wagtail.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional
    pass

MAX_PHOTOS = 5
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
ACCEPTED = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
GPS_TAG = 0x8825


def max_photo_bytes() -> int:
    return int(getattr(settings, "VOICE_MAX_PHOTO_BYTES", 10 * 1024 * 1024))


def _dms(value: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    return degrees + minutes / 60 + seconds / 3600


def _gps(image: Image.Image) -> tuple[Decimal, Decimal] | None:
    try:
        info = image.getexif().get_ifd(GPS_TAG)
        if not info:
            return None
        lat, lon = _dms(info[2]), _dms(info[4])
        if info.get(1) == "S":
            lat = -lat
        if info.get(3) == "W":
            lon = -lon
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def clean_photo(upload: Any, *, keep_location: bool) -> Photo:
    """Return the photo re-encoded without metadata, or raise ValidationError with a message for the
    resident."""
    size = getattr(upload, "size", None)
    limit = max_photo_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("사진 한 장은 %(mb)dMB까지 올릴 수 있습니다: %(name)s")
            % {"mb": limit // (1024 * 1024), "name": getattr(upload, "name", "")}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("사진 한 장은 %(mb)dMB까지 올릴 수 있습니다.") % {"mb": limit // (1024 * 1024)}
        )
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(
            _("사진 파일이 아니거나 손상된 파일입니다: %(name)s") % {"name": getattr(upload, "name", "")}
        ) from exc
    if kind not in ACCEPTED:
        raise ValidationError(_("JPEG, PNG, WebP, HEIC 사진만 올릴 수 있습니다."))
    location = _gps(image) if keep_location else None
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return Photo(
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
        lat=location[0] if location else None,
        lon=location[1] if location else None,
    )
