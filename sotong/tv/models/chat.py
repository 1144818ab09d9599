"""The chat (decision 0074): lines from every source, 공감, bans, the YouTube/Facebook chats read into it (0075), polls, moderator shifts and the viewer tallies across processes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sotong.tv.choices import (
    ChatSource,
    ChatState,
    DeskState,
    ExternalChatState,
    HoldReason,
    PollState,
)
from sotong.tv.models.schedule import Broadcast


class ChatMessage(models.Model):
    """One line of the broadcast's chat, from the site or from the broadcast on YouTube or Facebook.

    Stored before anything else (idempotently on the source's own id), moderated before it is shown:
    ``body`` holds the text with personal data masked; a line with a link or profanity waits for a
    moderator. Questions go to the studio's desk (``desk_state``)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="chat_messages")
    source = models.CharField(max_length=10, choices=ChatSource.choices, default=ChatSource.SITE)
    external_id = models.CharField(max_length=200, blank=True, default="")
    author = models.CharField(_("이름"), max_length=40)
    # Who on the source: a YouTube channel id or Facebook user id; for the site, the device's digest.
    author_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    body = models.CharField(_("내용"), max_length=500)
    state = models.CharField(max_length=8, choices=ChatState.choices, default=ChatState.VISIBLE)
    held_reason = models.CharField(max_length=10, choices=HoldReason.choices, blank=True, default="")
    posted_at = models.DateTimeField(_("쓴 시각"), db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    address_digest = models.CharField(max_length=64, blank=True, default="")
    pinned = models.BooleanField(_("고정"), default=False)
    is_question = models.BooleanField(_("질문"), default=False)
    desk_state = models.CharField(max_length=10, choices=DeskState.choices, blank=True, default="")
    desk_changed_at = models.DateTimeField(null=True, blank=True)
    upvotes = models.PositiveIntegerField(_("공감"), default=0)
    case_reference = models.CharField(_("민원 번호"), max_length=40, blank=True, default="")
    # A YouTube or Facebook author told on their platform that their line became a case: "" (not asked),
    # sending, sent, failed or unavailable (the district's account for it is not configured); why, if not.
    told = models.CharField(max_length=12, blank=True, default="")
    told_note = models.CharField(max_length=200, blank=True, default="")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["posted_at", "pk"]
        verbose_name = _("채팅")
        verbose_name_plural = _("채팅")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="tv_chat_once_per_source_id",
            )
        ]
        indexes = [models.Index(fields=["broadcast", "state", "posted_at"], name="tv_chat_shown")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class ChatVote(models.Model):
    """A viewer's 공감 for a question, once per device."""

    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="votes")
    device_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "device_digest"], name="tv_one_vote_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} · {self.device_digest[:8]}"


class ChatBan(models.Model):
    """A viewer kept out of the chat: by device and address (site), or by author key (YouTube, Facebook),
    so a new nickname does not bring them back. Without a broadcast it holds for every broadcast."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_bans"
    )
    source = models.CharField(max_length=10, choices=ChatSource.choices, default=ChatSource.SITE)
    author_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    address_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    author = models.CharField(_("이름"), max_length=40, blank=True, default="")
    reason = models.CharField(_("사유"), max_length=200, blank=True, default="")
    message = models.ForeignKey(
        ChatMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.author or self.author_key or self.address_digest[:8]} ({self.get_source_display()})"


class ExternalChat(models.Model):
    """The same broadcast on YouTube or Facebook, whose comments the chat carries: the platform's id of
    the live chat (YouTube liveChatId) or live video (Facebook), where reading stopped, and the quota spent."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="external_chats")
    platform = models.CharField(max_length=10, choices=ChatSource.choices)
    target_id = models.CharField(_("라이브 채팅 ID"), max_length=200)
    state = models.CharField(max_length=8, choices=ExternalChatState.choices, default=ExternalChatState.IDLE)
    page_token = models.CharField(max_length=500, blank=True, default="")
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    last_received_at = models.DateTimeField(null=True, blank=True)
    messages_received = models.PositiveIntegerField(default=0)
    quota_day = models.DateField(null=True, blank=True)
    quota_used = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "platform"], name="tv_one_external_chat_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.target_id}"


class Poll(models.Model):
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("질문"), max_length=200)
    state = models.CharField(max_length=8, choices=PollState.choices, default=PollState.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("보기"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="ballots")
    device_digest = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "device_digest"], name="tv_one_ballot_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.option_id}"


class ViewerTally(models.Model):
    """How many viewers one web process holds for a broadcast, refreshed every few seconds; the sum of the
    fresh rows is the broadcast's viewer count across processes."""

    process = models.CharField(max_length=64)
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="+")
    viewers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "broadcast"], name="tv_one_tally_per_process")
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.viewers}"


class ModeratorShift(models.Model):
    """Who moderates the chat now (a 24-hour broadcast has several shifts): the incoming moderator takes
    over from the desk, and the outgoing one's hand-over note is there for them to read."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="shifts")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("인계 메모"), blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.moderator_id}"
