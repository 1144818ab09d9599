"""The topics of the residents' chat conversation (the KakaoTalk channel's chatbot).

Each domain offers what it can do in a chat as a ``Topic`` and registers it when its app is ready
(voice: sending a case and checking one; safety: the nearest shelters and the alerts in force). The
conversation itself — keeping each resident's place, the menu, cancelling, the rate limit, answers that
waited for the resident's visit — lives above every domain, in ``sotong.site.conversation``, and routes
each turn to the topic it belongs to. So a new module answers in KakaoTalk by registering a topic,
without the conversation or any other domain importing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Words every topic may react to while its conversation is under way (besides its own commands).
YES = "yes"
SEND = "send"
SKIP = "skip"


@dataclass(frozen=True)
class Turn:
    """One message of a resident, read."""

    text: str  # what they sent, spaces collapsed
    user_key: str  # the channel's id of the resident (Kakao's botUserKey): never shown, never logged
    command: str = ""  # a command word ("start", "check", "yes" …) or "" for free text
    args: dict[str, str] = field(default_factory=dict)  # what a topic's parse() read, e.g. a case number
    callback_url: str = ""  # where a slow answer may follow (Kakao AI-chatbot callback)


@dataclass
class Reply:
    text: str
    quick: list[tuple[str, str]] = field(default_factory=list)  # (label, message sent when tapped)
    urgent: bool = False  # carries a 119/112 warning: shown before anything else
    pending: str | None = None  # answered through the callback URL: the immediate answer only waits
    # Outbox subjects of waiting messages this reply already says (e.g. a case's status covers its
    # acknowledgement and answer): they are marked handed over instead of shown again beside it.
    covers: set[str] = field(default_factory=set)


class Conversation:
    """Where one resident is: the topic under way, its step and what the topic keeps between turns."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self.state: dict[str, Any] = state if state is not None else {}

    @property
    def topic(self) -> str:
        return str(self.state.get("topic") or "")

    @property
    def step(self) -> str:
        return str(self.state.get("step") or "")

    @property
    def data(self) -> dict[str, Any]:
        data = self.state.get("data")
        if not isinstance(data, dict):
            data = self.state["data"] = {}
        return data

    def begin(self, topic: str, step: str, **data: Any) -> None:
        """Start (or restart) a topic's conversation at ``step``."""
        self.reset()
        self.state.update(topic=topic, step=step, data=dict(data))

    def go(self, step: str, **data: Any) -> None:
        """Move to ``step`` of the topic under way, keeping ``data``."""
        self.state["step"] = step
        self.data.update(data)

    def reset(self) -> None:
        for key in ("topic", "step", "data"):
            self.state.pop(key, None)


def quick(label: str) -> tuple[str, str]:
    """A quick reply whose tap sends its own (translated) label."""
    translated = _(label)
    return translated, translated


class Topic:
    """What a domain does in the chat. Subclasses set the class attributes and implement ``handle``.

    ``commands`` maps a command to the words residents type for it; the first word of each is a label
    (a ``gettext_noop`` msgid) that is also recognised in every resident language, because a tapped
    quick reply sends the translated label. ``menu`` lists the labels the main menu offers as quick
    replies and ``menu_lines`` the menu's lines about the topic (msgids too)."""

    key: str = ""
    order: int = 100
    commands: dict[str, tuple[str, ...]] = {}
    menu: tuple[str, ...] = ()
    menu_lines: tuple[str, ...] = ()
    # Takes a message that is no command while no conversation is under way (voice: it is a new case).
    takes_free_text: bool = False

    def parse(self, text: str) -> tuple[str, dict[str, str]] | None:
        """A command read from a message that is more than one of ``commands``' words (e.g. a case
        number), or None."""
        return None

    def handle(self, turn: Turn, conversation: Conversation) -> Reply | None:
        """The answer to a turn: one of this topic's commands, or any turn while its conversation is
        under way. None hands the turn back: the conversation ends and the turn is read afresh."""
        raise NotImplementedError

    def cancel(self, conversation: Conversation) -> str:
        """What to say when the resident cancels this topic's conversation at its step ("" for nothing)."""
        return ""


_topics: dict[str, Topic] = {}


def register_topic(topic: Topic) -> Topic:
    if not topic.key:
        raise ValueError("a topic needs a key")
    _topics[topic.key] = topic
    return topic


def topics() -> list[Topic]:
    return sorted(_topics.values(), key=lambda t: (t.order, t.key))


def topic_by_key(key: str) -> Topic | None:
    return _topics.get(key)


def topic_of_command(command: str) -> Topic | None:
    """The topic a command word belongs to."""
    for candidate in topics():
        if command in candidate.commands:
            return candidate
    return None
