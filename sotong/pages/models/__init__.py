"""Wagtail page models of the resident site (split by section)."""

from sotong.pages.models.home import DirectoryPage, HomePage, LinkBlock, duty_summary
from sotong.pages.models.news import CATEGORIES, NewsIndexPage, NewsPage
from sotong.pages.models.stories import (
    TOPICS,
    StoryIndexPage,
    StoryPage,
    StorySubmission,
    StorySubmissionStatus,
)

__all__ = [
    "CATEGORIES",
    "TOPICS",
    "DirectoryPage",
    "HomePage",
    "LinkBlock",
    "NewsIndexPage",
    "NewsPage",
    "StoryIndexPage",
    "StoryPage",
    "StorySubmission",
    "StorySubmissionStatus",
    "duty_summary",
]
