"""소통TV: shows, their broadcasts (an episode on the schedule, then live, then ended) and every attempt
an encoder made to publish to one (decision 0072)."""

from sotong.tv.models.chat import (
    ChatBan,
    ChatMessage,
    ChatVote,
    ExternalChat,
    ModeratorShift,
    Poll,
    PollOption,
    PollVote,
    ViewerTally,
)
from sotong.tv.models.media import CaptionCue, Marker, Recording, RestreamTarget
from sotong.tv.models.schedule import Broadcast, IngestAttempt, Reminder, Show, SignalLoss

__all__ = [
    "Broadcast",
    "CaptionCue",
    "ChatBan",
    "ChatMessage",
    "ChatVote",
    "ExternalChat",
    "IngestAttempt",
    "Marker",
    "ModeratorShift",
    "Poll",
    "PollOption",
    "PollVote",
    "Recording",
    "Reminder",
    "RestreamTarget",
    "Show",
    "SignalLoss",
    "ViewerTally",
]
