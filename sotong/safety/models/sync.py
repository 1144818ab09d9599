"""The optional sync account (decision 0056): places and household kept across a resident's devices."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotong.core.crypto import EncryptedTextField


class SyncAccount(models.Model):
    """A resident's optional account that keeps their places and household on every device they sign in
    on (decision 0056). Not a staff user: no password, no name, not even the e-mail address, only its
    keyed digest (the resident types the address again to sign in)."""

    email_digest = models.CharField(max_length=64, unique=True)
    # Audience values as JSON, encrypted (a disability in the household is sensitive).
    household = EncryptedTextField(blank=True)
    household_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("동기화 계정")
        verbose_name_plural = _("동기화 계정")

    def __str__(self) -> str:
        return f"sync #{self.pk}"


class SyncPlace(models.Model):
    """One of an account's places, under the id the device gave it. A deleted place stays as a tombstone
    (no data) for a while, so that a device that was offline learns of the deletion."""

    account = models.ForeignKey(SyncAccount, on_delete=models.CASCADE, related_name="places")
    uid = models.UUIDField()
    # label, address, dong, lat, lon as JSON, encrypted; empty for a tombstone.
    data = EncryptedTextField(blank=True)
    deleted = models.BooleanField(default=False)
    # When the resident made the change (the device's clock, never later than the server's).
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "uid"], name="safety_syncplace_unique_uid")]

    def __str__(self) -> str:
        return str(self.uid)


class SyncDevice(models.Model):
    """A browser signed in to a sync account: the digest of the secret in its cookie."""

    account = models.ForeignKey(SyncAccount, on_delete=models.CASCADE, related_name="devices")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"device #{self.pk}"


class SyncSignInLink(models.Model):
    """A sign-in link sent by e-mail: the digest of its secret, usable once before `expires_at`."""

    secret_digest = models.CharField(max_length=64, unique=True)
    email_digest = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link #{self.pk}"
