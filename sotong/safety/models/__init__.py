"""The safety domain's models, one module per area; import them from here."""

from __future__ import annotations

from sotong.safety.choices import Audience
from sotong.safety.models.alerts import Alert
from sotong.safety.models.facilities import Facility
from sotong.safety.models.guides import ActionGuide, GuideStep
from sotong.safety.models.layers import LayerFeature, MapLayer
from sotong.safety.models.subscribers import AlertNotice, Subscriber, SubscriberPlace
from sotong.safety.models.sync import SyncAccount, SyncDevice, SyncPlace, SyncSignInLink

__all__ = [
    "ActionGuide",
    "Alert",
    "AlertNotice",
    "Audience",
    "Facility",
    "GuideStep",
    "LayerFeature",
    "MapLayer",
    "Subscriber",
    "SubscriberPlace",
    "SyncAccount",
    "SyncDevice",
    "SyncPlace",
    "SyncSignInLink",
]
