from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def private_storage() -> Storage:
    """Files with personal data (residents' photos): never served by a static or media route, only
    through views that check who is asking."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
